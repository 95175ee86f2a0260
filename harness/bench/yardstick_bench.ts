/**
 * Reference solvers against NumPy yardsticks of the same schemes, CPU time side by side in one run
 * (issue 17: every solver step ≥ 1.5× faster than NumPy). Each round times the TypeScript solver
 * in this process, then the suite's `numpy_yardstick.py` (when `python3` with NumPy is there;
 * optional, `--python` picks the interpreter); the table gives medians of the rounds and
 * NumPy ÷ TS. CPU time, not wall time: on a shared machine it is the steadier of the two. Each
 * case first runs until at least 3 units and 0.5 s of CPU are spent (JIT warm-up: V8 compiles
 * long loops on stack before all their code has run and recompiles them a few times; with one
 * 5-step warm-up, jet2d's first rounds read 1.5–2× its steady cost).
 *
 * - burgers1d: one ETDRK4 sub-step of one IC at n = 1024 on both sides (the solver keeps one IC's
 *   half spectrum and uses real-input transforms, as references are computed; the yardstick
 *   advances one IC's half spectrum with `numpy.fft.rfft`/`irfft`, complex128), from the same
 *   u₀ = sin 2πx; each side the median of 21 samples of 100 sub-steps after a warm-up of 100.
 *   Until 2026-12-03 the yardstick batched two ICs per NumPy call and reported per IC, less
 *   work per IC than the solver does (NumPy's per-call overhead shared by two ICs);
 * - hasegawa_wakatani: one RK4 step at 128²;
 * - jet2d: one ETDRK4 step (h = 0.002) at 256², the suite's physics, through `Jet2D.stepBand`,
 *   the step references run (suite 1.1.0 steps the band of the half plane and evaluates the
 *   Jacobian in Basdevant's form, two complex 2D transforms per stage; until 2026-12-03 15:05 UTC
 *   the bench timed `Jet2D.step`, which adds copies to and from the full layout that references
 *   never make, one sample of 5 steps per round; now the median of 5 such samples, as the
 *   yardstick takes the median of its 5 repeats); the yardstick uses `numpy.fft.rfft2`/`irfft2`,
 *   five real 2D transforms per stage;
 * - shallow_water2d: one SSP-RK3 sub-step (three HLL/MC right-hand sides) at 128², periodic, flat
 *   bottom, from the same two Gaussian bumps at rest, averaged over two model steps Δt = 0.02;
 * - convection1d: one step of the exact spectral shift for one IC at n = 1024 (a reference job
 *   holds one IC): the product of the IC's half spectrum with the step's row of the multiplier
 *   table (made once and kept, on both sides), the inverse real transform and a float32 row
 *   (suite 1.1.0), timed as whole trajectories of 200 steps from u₀ = sin 2πx (the forward
 *   transform of the IC included), the median of 21; the yardstick calls `numpy.fft.irfft` per
 *   step;
 * - era5: one lead time of one IC, both fields at nside 32, ℓ ≤ 32: the sum over orders m of
 *   G_m·e^{imψ} at every pixel by the angle-addition recurrence (`evaluateTiltedFields`, what
 *   `era5.reference` does per lead time; the truth is an exact rotation, so this evaluation is
 *   its whole per-step work), each field stored as float32; samples of the standard tier's 40
 *   lead times, the median of 11. The per-IC preparation (analysis, tilted frame: about 3/4 of a
 *   standard-tier reference's CPU) is not timed on either side; the yardstick's tables are
 *   random numbers of the suite's sizes (the work does not depend on their values).
 *
 * Each yardstick's `numpy_yardstick_test.ts` checks that it is the same scheme (one step from the
 * same state agrees to rounding); that test is ignored where Python with NumPy is missing.
 *
 * `deno run -A harness/bench/yardstick_bench.ts --rounds 3`
 * (`--json` adds a last line `JSON: {...}` with the same figures, for `speed_table.ts`;
 * `--suites era5,convection1d` runs those cases only)
 *
 * Latest figures in docs/benchmarks.md ("Solvers vs NumPy"): burgers1d, hasegawa_wakatani, jet2d
 * and shallow_water2d above 1.5×. burgers1d on
 * 2026-12-03 13:10–13:12 UTC (main 3bf78dc, numpy 2.4.6, load 1.2–1.5), three runs in a row of
 * `uptime; deno run -A harness/bench/yardstick_bench.ts --rounds 3 --python python3`:
 * TS 0.032 / 0.033 / 0.034 ms, NumPy 0.082 / 0.082 / 0.083 ms, 2.53× / 2.53× / 2.44× (1.80× with
 * the solver before its loops were fused, 2.21× with numpy 1.24.2). jet2d 1.1.0 (band layout,
 * Basdevant form, radix-4): about 4.1–4.2 ms against NumPy's 6.4–7.2 ms, 1.56–1.70× (0.68× for
 * 1.0.0 in the same conditions; load 3.7–6.5); since 104fce5 (its transforms in WebAssembly SIMD,
 * the same bits; 1b49c65 the last of it) 2.2–4.2 ms against NumPy's 6.1–13 ms at load 2.2–6.6,
 * 1.86–3.72× in ten runs (the solver before it, in the same hours: 4.2–6.7 ms, 1.23–1.68×;
 * "jet2d: the transforms in WebAssembly SIMD" in docs/benchmarks.md). convection1d and era5 (yardsticks since 6f67ad0,
 * 2026-12-03): see "Solvers vs NumPy: convection1d and era5" in docs/benchmarks.md; since
 * 440478c/60afe29 both solvers run in WebAssembly SIMD (the same bits): era5 4.2–5.5×,
 * convection1d 3.4–3.7× at load ~6 ("era5 and convection1d in WebAssembly SIMD" there).
 * @module
 */
import { parseArgs } from "node:util";
import process from "node:process";
import { BurgersEtdrk4 } from "../../suites/burgers1d/solver.ts";
import { HasegawaWakatani } from "../../suites/hasegawa_wakatani/solver.ts";
import { HW_H, HW_N, HW_PHYSICS } from "../../suites/hasegawa_wakatani/suite.ts";
import { Jet2D } from "../../suites/jet2d/solver.ts";
import {
  DT as JET_DT,
  PHYSICS as JET_PHYSICS,
  SUBSTEPS as JET_SUBSTEPS,
} from "../../suites/jet2d/suite.ts";
import { ShallowWater2D } from "../../suites/shallow_water2d/solver.ts";
import { convectionTrajectoriesInto } from "../../suites/convection1d/solver.ts";
import { BETA as CONV_BETA, convection1d } from "../../suites/convection1d/suite.ts";
import { evaluateTiltedFields, tiltedRotation } from "../../suites/era5/advection.ts";
import { DEFAULT_LMAX as ERA5_LMAX } from "../../suites/era5/fields.ts";
import { era5, ERA5_ALPHA, ERA5_DT_HOURS } from "../../suites/era5/suite.ts";
import { Rng } from "../core/rng.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    rounds: { type: "string", default: "3" },
    python: { type: "string", default: "python3" },
    json: { type: "boolean", default: false },
    suites: { type: "string" },
  },
});
const R = Number(values.rounds);
const only = values.suites === undefined ? undefined : new Set(values.suites.split(","));

const cpuMs = () => {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1000;
};
/** ms with 3 decimals, or 3 significant digits below 1 ms (convection1d's step is ≈ 0.008 ms). */
function fmtMs(x: number): string {
  return x >= 1 ? x.toFixed(3) : x.toPrecision(3);
}
function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

interface Case {
  suite: string;
  unit: string;
  /** CPU ms of one unit in TypeScript. */
  ts(): number;
  script: string;
  args: string[];
  /** CPU seconds per unit from the script's JSON line. */
  field: string;
}

const burgers = new BurgersEtdrk4({ n: 1024 });
const hw = new HasegawaWakatani({ ...HW_PHYSICS, n: HW_N });
const hwState = hw.randomState(1, 1);
const jet = new Jet2D({ ...JET_PHYSICS });
const jetN = JET_PHYSICS.n, jetH = JET_DT / JET_SUBSTEPS;
// The solver's own state (the band of kept modes), as references step it (`trajectory`).
const jetRe = new Float64Array(jet.band.size), jetIm = new Float64Array(jet.band.size);
{
  const rng = new Rng(1, 0);
  jet.toBand(Float64Array.from({ length: jetN * jetN }, () => rng.normal()), jetRe, jetIm);
}
// the yardstick's IC: two Gaussian bumps on h = 1 at rest (cell centres of the unit box)
const swN = 128, sw = new ShallowWater2D({ nx: swN, ny: swN });
function swIc(): Float64Array {
  const s = new Float64Array(3 * swN * swN),
    bump = (x: number, y: number, w: number) => Math.exp(-(x * x + y * y) / (2 * w * w));
  for (let j = 0; j < swN; j++) {
    for (let i = 0; i < swN; i++) {
      const x = (i + 0.5) / swN, y = (j + 0.5) / swN;
      s[j * swN + i] = 1 + 0.5 * bump(x - 0.3, y - 0.6, 0.06) + 0.3 * bump(x - 0.7, y - 0.35, 0.04);
    }
  }
  return s;
}
// convection1d: one IC per reference job, as `pooledReference` runs it (u₀ = sin 2πx, float32)
const convN = 1024, convSteps = 200, convDt = convection1d.dt;
const convIc = Float32Array.from({ length: convN }, (_, j) => Math.sin(2 * Math.PI * (j / convN)));
// One trajectory buffer, reused: while V8's allocator warms up (about the first 0.5 s of CPU
// here), each fresh 823 KB array costs page faults worth 12 µs per step, more than the step
// itself, then about 0.2 µs; the bench times the steady step (docs/benchmarks.md). The NumPy
// side allocates each trajectory (`np.empty`), as a script does, without that cost.
const convOut = new Float32Array((convSteps + 1) * convN);
// era5: one suite IC's two fields prepared (analysis, tilted frame), as `era5.reference` does
// once per IC before its lead times; not timed, like the yardstick's tables
const era5N = 12 * 32 * 32, era5Steps = 40;
const era5Rotations = (() => {
  const ic = era5.initialConditions(1, era5.seed);
  const o = { nside: 32, lmax: ERA5_LMAX, alpha: ERA5_ALPHA, iterations: 6 };
  return [0, 1].map((c) => tiltedRotation(ic.subarray(c * era5N, (c + 1) * era5N), o));
})();
const era5Values = [new Float64Array(era5N), new Float64Array(era5N)];
const era5Out = new Float32Array(era5Steps * 2 * era5N); // reused, as convOut (3.9 MB)
const cases: Case[] = [
  {
    suite: "convection1d",
    unit: "exact-shift step per IC, n = 1024",
    ts() {
      // What a reference job runs: one IC's trajectory of 200 steps (its half spectrum once, then
      // per step the multiplier row, the inverse real transform, a float32 row), its table
      // kept from the previous call, written into one buffer; the median of 21 trajectories, as
      // `numpy_yardstick.py 1024 21 200` does.
      const samples: number[] = [];
      for (let s = 0; s < 21; s++) {
        const t0 = cpuMs();
        convectionTrajectoriesInto(convOut, convIc, 1, convN, convSteps, convDt, {
          beta: CONV_BETA,
          length: 1,
        });
        samples.push((cpuMs() - t0) / convSteps);
      }
      return median(samples);
    },
    script: "suites/convection1d/numpy_yardstick.py",
    args: ["1024", "21", "200"],
    field: "cpuSecondsPerStep",
  },
  {
    suite: "burgers1d",
    unit: "ETDRK4 sub-step per IC, n = 1024",
    ts() {
      // What references run and what the yardstick times: one IC (u₀ = sin 2πx, the
      // yardstick's), the suite's solver; after a warm-up, the median of 21 samples of 100
      // sub-steps (5 model steps) each, as `numpy_yardstick.py 1024 21 100 1` does.
      burgers.setState(Array.from({ length: 1024 }, (_, j) => Math.sin(2 * Math.PI * (j / 1024))));
      const advances = 100 / burgers.substeps, samples: number[] = [];
      for (let m = 0; m < advances; m++) burgers.advance();
      for (let s = 0; s < 21; s++) {
        const t0 = cpuMs();
        for (let m = 0; m < advances; m++) burgers.advance();
        samples.push((cpuMs() - t0) / 100);
      }
      return median(samples);
    },
    script: "suites/burgers1d/numpy_yardstick.py",
    args: ["1024", "21", "100", "1"],
    field: "cpuSecondsPerSubstepPerIc",
  },
  {
    suite: "hasegawa_wakatani",
    unit: "RK4 step, 128²",
    ts() {
      const steps = 10, t0 = cpuMs();
      for (let m = 0; m < steps; m++) hw.step(hwState, HW_H);
      return (cpuMs() - t0) / steps;
    },
    script: "suites/hasegawa_wakatani/numpy_yardstick.py",
    args: ["128", "10"],
    field: "cpuSecondsPerStep",
  },
  {
    suite: "jet2d",
    unit: "ETDRK4 step, 256²",
    ts() {
      // The median of 5 samples of 5 steps, as the yardstick takes the median of its 5 repeats.
      const samples: number[] = [];
      for (let s = 0; s < 5; s++) {
        const steps = 5, t0 = cpuMs();
        for (let m = 0; m < steps; m++) jet.stepBand(jetRe, jetIm, jetH);
        samples.push((cpuMs() - t0) / steps);
      }
      return median(samples);
    },
    script: "suites/jet2d/numpy_yardstick.py",
    args: ["256", "10"],
    field: "cpuSecondsPerStep",
  },
  {
    suite: "shallow_water2d",
    unit: "SSP-RK3 sub-step, 128²",
    ts() {
      const state = swIc();
      let substeps = 0;
      const t0 = cpuMs();
      for (let m = 0; m < 2; m++) {
        sw.step(state, 0.02);
        substeps += sw.lastSubsteps;
      }
      return (cpuMs() - t0) / substeps;
    },
    script: "suites/shallow_water2d/numpy_yardstick.py",
    args: ["128", "2"],
    field: "cpuSecondsPerSubstep",
  },
  {
    suite: "era5",
    unit: "lead time per IC (2 fields), nside 32, ℓ ≤ 32",
    ts() {
      // What `era5.reference` does per lead time of an IC: both fields at t (the shared
      // recurrence, `evaluateTiltedFields`), each stored as a float32 row of the trajectory; the
      // median of 11 samples of the standard tier's 40 lead times, as
      // `numpy_yardstick.py 32 11 40` does.
      const samples: number[] = [];
      for (let s = 0; s < 11; s++) {
        const t0 = cpuMs(), out = era5Out;
        for (let t = 1; t <= era5Steps; t++) {
          evaluateTiltedFields(era5Rotations, t * ERA5_DT_HOURS, era5Values);
          out.set(era5Values[0], (t - 1) * 2 * era5N);
          out.set(era5Values[1], (t - 1) * 2 * era5N + era5N);
        }
        samples.push((cpuMs() - t0) / era5Steps);
      }
      return median(samples);
    },
    script: "suites/era5/numpy_yardstick.py",
    args: ["32", "11", "40"],
    field: "cpuSecondsPerStep",
  },
];

async function numpy(c: Case): Promise<number | undefined> {
  try {
    const out = await new Deno.Command(values.python!, {
      args: [new URL(`../../${c.script}`, import.meta.url).pathname, ...c.args],
      env: { OMP_NUM_THREADS: "1", OPENBLAS_NUM_THREADS: "1" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    if (!out.success) return undefined;
    const line = new TextDecoder().decode(out.stdout).trim().split("\n").at(-1) ?? "";
    return 1000 * Number(JSON.parse(line)[c.field]);
  } catch {
    return undefined; // no Python, no NumPy, or no --allow-run: TS figures only
  }
}

console.log(
  `load ${Deno.loadavg().map((x) => x.toFixed(1)).join(" ")}; CPU ms per unit, medians of ${R}`,
);
console.log("| suite | unit | TS ms | NumPy ms | NumPy ÷ TS |\n| --- | --- | --- | --- | --- |");
const json: { suite: string; unit: string; tsMs: number; numpyMs: number | null }[] = [];
for (const c of cases) {
  if (only !== undefined && !only.has(c.suite)) continue;
  // warm-up: at least 3 units and 0.5 s of CPU, so that the JIT has settled (V8 compiles the
  // long loops on stack before all their code has run, and recompiles them a few times)
  for (let w = 0, t0 = cpuMs(); w < 3 || cpuMs() - t0 < 500; w++) c.ts();
  const ts: number[] = [], py: number[] = [];
  for (let r = 0; r < R; r++) {
    ts.push(c.ts());
    const p = await numpy(c);
    if (p !== undefined) py.push(p);
  }
  const t = median(ts), p = py.length ? median(py) : undefined;
  json.push({ suite: c.suite, unit: c.unit, tsMs: t, numpyMs: p ?? null });
  console.log(
    `| ${c.suite} | ${c.unit} | ${fmtMs(t)} | ${p !== undefined ? fmtMs(p) : "n/a"} | ${
      p !== undefined ? (p / t).toFixed(2) + "×" : "n/a"
    } |`,
  );
}
if (values.json) {
  console.log(`JSON: ${JSON.stringify({ bench: "yardstick", rounds: R, cases: json })}`);
}

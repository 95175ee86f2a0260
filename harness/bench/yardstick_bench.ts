/**
 * Reference solvers against NumPy yardsticks of the same schemes, CPU time side by side in one run
 * (issue 17: every solver step ≥ 1.5× faster than NumPy). Each round times the TypeScript solver
 * in this process, then the suite's `numpy_yardstick.py` (when `python3` with NumPy is there;
 * optional, `--python` picks the interpreter); the table gives medians of the rounds and
 * NumPy ÷ TS. CPU time, not wall time: on a shared machine it is the steadier of the two.
 *
 * - burgers1d: one ETDRK4 sub-step per IC at n = 1024 (the solver packs two ICs per complex FFT;
 *   the yardstick batches two ICs through `numpy.fft.rfft`);
 * - hasegawa_wakatani: one RK4 step at 128².
 *
 * `deno run -A harness/bench/yardstick_bench.ts --rounds 3`
 *
 * Not yet: yardsticks for jet2d and shallow_water2d.
 * @module
 */
import { parseArgs } from "node:util";
import process from "node:process";
import { BurgersEtdrk4 } from "../../suites/burgers1d/solver.ts";
import { HasegawaWakatani } from "../../suites/hasegawa_wakatani/solver.ts";
import { HW_H, HW_N, HW_PHYSICS } from "../../suites/hasegawa_wakatani/suite.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    rounds: { type: "string", default: "3" },
    python: { type: "string", default: "python3" },
  },
});
const R = Number(values.rounds);

const cpuMs = () => {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1000;
};
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
const cases: Case[] = [
  {
    suite: "burgers1d",
    unit: "ETDRK4 sub-step per IC, n = 1024",
    ts() {
      const u = (k: number) =>
        Array.from({ length: 1024 }, (_, j) => Math.sin(2 * Math.PI * k * j / 1024));
      burgers.setState(u(1), u(3));
      const steps = 10, t0 = cpuMs();
      for (let m = 0; m < steps; m++) burgers.advance();
      return (cpuMs() - t0) / (steps * burgers.substeps * 2);
    },
    script: "suites/burgers1d/numpy_yardstick.py",
    args: ["1024", "2", "10"],
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
for (const c of cases) {
  c.ts(); // warm-up
  const ts: number[] = [], py: number[] = [];
  for (let r = 0; r < R; r++) {
    ts.push(c.ts());
    const p = await numpy(c);
    if (p !== undefined) py.push(p);
  }
  const t = median(ts), p = py.length ? median(py) : undefined;
  console.log(
    `| ${c.suite} | ${c.unit} | ${t.toFixed(3)} | ${p?.toFixed(3) ?? "n/a"} | ${
      p !== undefined ? (p / t).toFixed(2) + "×" : "n/a"
    } |`,
  );
}

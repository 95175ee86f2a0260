import { openBackend } from "../harness/onnx/backend.ts";
import { getSuite } from "../suites/mod.ts";
import { getBaseline } from "./mod.ts";
import { LADDER_SUITES, solverLadder } from "./ladder.ts";
import type { ModelSource } from "../harness/model/manifest.ts";
import { hwCoarseSolverGraph } from "./hasegawa_wakatani.ts";
import { HasegawaWakatani } from "../suites/hasegawa_wakatani/solver.ts";
import { SLOW } from "../fixtures/slow.ts";

/** Every rung only with EMUBENCH_SLOW=1: wasm takes ~10 s to open the finest unrolled graphs. */
const MIN_FACTOR = SLOW ? 1 : 4;

/** Roll `model`'s step graph `steps` times from `u` (one IC) on wasm. */
async function rollOut(model: ModelSource, u: Float32Array, dims: number[], steps: number) {
  const b = await openBackend("wasm");
  const s = await b.createSession(model.graphs.step.bytes);
  let x = u;
  for (let k = 0; k < steps; k++) {
    const out = await s.run({ [s.inputNames[0]]: b.tensor("float32", x, dims) });
    x = new Float32Array(await b.read(out[s.outputNames[0]]));
  }
  await s.release();
  return x;
}

const relL2 = (p: ArrayLike<number>, y: ArrayLike<number>) => {
  let e = 0, n = 0;
  for (let i = 0; i < y.length; i++) {
    e += (p[i] - y[i]) ** 2;
    n += y[i] ** 2;
  }
  return Math.sqrt(e / n);
};

Deno.test("the rung at the coarse_solver factor is baseline:coarse_solver, byte for byte", async () => {
  for (const id of ["burgers1d", "shallow_water2d"]) {
    const suite = getSuite(id), ladder = solverLadder(suite)!;
    const rung = ladder.rungs.find((r) => r.factor === ladder.baselineFactor)!;
    const a = rung.build().graphs.step.bytes;
    const b = (await getBaseline("coarse_solver", id).build(suite)).graphs.step.bytes;
    if (a.length !== b.length || a.some((v, i) => v !== b[i])) throw new Error(`${id}: bytes`);
  }
});

Deno.test("ladders: at least three rungs, finest first, only the four suites", () => {
  for (const id of ["burgers1d", "shallow_water2d", "hasegawa_wakatani", "jet2d"]) {
    const l = solverLadder(getSuite(id))!;
    const f = l.rungs.map((r) => r.factor);
    if (f.length < 3 || f.some((x, i) => i > 0 && x <= f[i - 1])) throw new Error(`${id}: ${f}`);
    if (!f.includes(l.baselineFactor) || !LADDER_SUITES.includes(id)) throw new Error(id);
    if (new Set(l.rungs.map((r) => r.id)).size !== f.length) throw new Error(`${id}: ids`);
  }
  for (const id of ["convection1d", "era5"]) {
    if (solverLadder(getSuite(id)) !== undefined) throw new Error(id);
  }
});

Deno.test("burgers1d ladder: on a smooth solution the error falls as the rung gets finer (first order)", async () => {
  // u₀ = ½ sin 2πx + ¼ cos 4πx: |u₀'| ≤ 2.6, so no shock before t ≈ 0.38; scored at t = 0.2.
  const suite = getSuite("burgers1d"), n = 1024, steps = 20;
  const u0 = Float32Array.from(
    { length: n },
    (_, i) =>
      0.5 * Math.sin((2 * Math.PI * (i + 0.5)) / n) +
      0.25 * Math.cos((4 * Math.PI * (i + 0.5)) / n),
  );
  const ref = suite.reference(u0, 1, steps).subarray(steps * n, (steps + 1) * n);
  const errors: number[] = [];
  for (const rung of solverLadder(suite)!.rungs.filter((r) => r.factor >= MIN_FACTOR)) {
    errors.push(relL2(await rollOut(rung.build(), u0, [1, 1, n], steps), ref));
  }
  // Rusanov's numerical viscosity ½|u|Δx is first order: halving Δx should about halve the
  // error (measured: 2.2–2.6 per halving, 0.6 % on 2×); ask for a factor ≥ 1.5 per halving
  // and an error below 2 % on the 4× rung.
  for (let i = 1; i < errors.length; i++) {
    if (!(errors[i] > 1.5 * errors[i - 1])) throw new Error(`errors ${errors}`);
  }
  if (!(errors[SLOW ? 1 : 0] < 0.02)) throw new Error(`4× rung error ${errors}`);
});

Deno.test("shallow_water2d ladder: a lake at rest stays at rest and mass is kept on every rung", async () => {
  const suite = getSuite("shallow_water2d"), n = 128, cells = n * n;
  const rest = new Float32Array(3 * cells);
  rest.fill(1, 0, cells);
  const bump = Float32Array.from(rest);
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < n; i++) {
      bump[j * n + i] += 0.1 * Math.exp(-40 * ((i / n - 0.5) ** 2 + (j / n - 0.4) ** 2));
    }
  }
  const mass = (s: Float32Array) => s.subarray(0, cells).reduce((a, b) => a + b, 0);
  for (const rung of solverLadder(suite)!.rungs.filter((r) => r.factor >= MIN_FACTOR)) {
    const model = rung.build();
    const still = await rollOut(model, rest, [1, 3, n, n], 2);
    if (still.some((v, i) => v !== rest[i])) throw new Error(`${rung.id}: lake moved`);
    const moved = await rollOut(model, bump, [1, 3, n, n], 2);
    const rel = Math.abs(mass(moved) - mass(bump)) / mass(bump);
    if (!(rel < 1e-5)) throw new Error(`${rung.id}: mass ${rel}`);
  }
});

Deno.test("hasegawa_wakatani's 1× rung is the reference scheme (solver.ts on the same grid) to float32 rounding", async () => {
  // The 1× rung builds hwCoarseSolverGraph with nc = n; on 32² with a band-limited state it must
  // step like HasegawaWakatani on 32² (the suite's validated float64 solver), with no restriction.
  const n = 32, length = (2 * Math.PI) / 0.15, h = 0.1, substeps = 3, nu = 5e-5;
  const bytes = hwCoarseSolverGraph({
    n,
    nc: n,
    length,
    c1: 1,
    kappa: 1,
    nu,
    hyperOrder: 3,
    dt: h * substeps,
    substeps,
  });
  const x = new Float32Array(2 * n * n);
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < n; i++) {
      const a = (2 * Math.PI * i) / n, b = (2 * Math.PI * j) / n;
      x[j * n + i] = Math.cos(a + 2 * b) + 0.5 * Math.sin(3 * a - b);
      x[n * n + j * n + i] = 0.8 * Math.sin(2 * a) + 0.6 * Math.cos(a + b);
    }
  }
  const b = await openBackend("wasm");
  const s = await b.createSession(bytes);
  const got = (await s.run({ state: b.tensor("float32", x, [1, 2, n, n]) })).state_next
    .data as Float32Array;
  await s.release();
  const k0 = (2 * Math.PI) / length;
  const hw = new HasegawaWakatani({ n, nu, hyperOrder: 3, c1: 1, kappa: 1, k0, modified: false });
  const st = hw.fromPhysical(x.subarray(0, n * n), x.subarray(n * n));
  for (let k = 0; k < substeps; k++) hw.step(st, h);
  const { density, phi } = hw.toPhysical(st);
  const want = [...density, ...phi];
  const err = relL2(got, want), change = relL2(x, want);
  if (!(err < 1e-5 && change > 0.05)) throw new Error(`error ${err}, change ${change}`);
});

import assert from "node:assert/strict";
import { openBackend } from "../harness/onnx/backend.ts";
import {
  coarseNu,
  HEAP_SHAPE,
  heapUntrainedGraphs,
  type HWCoarseOptions,
  hwCoarseSolverFloat64,
  hwCoarseSolverGraph,
} from "./hasegawa_wakatani.ts";
import { HasegawaWakatani } from "../suites/hasegawa_wakatani/solver.ts";
import { getBaseline } from "./mod.ts";
import { getSuite } from "../suites/mod.ts";
import { planModel } from "../harness/model/plan.ts";

async function runStep(bytes: Uint8Array, x: Float32Array, n: number): Promise<Float32Array> {
  const b = await openBackend("wasm");
  const s = await b.createSession(bytes);
  const batch = x.length / (2 * n * n);
  const out = await s.run({ state: b.tensor("float32", x, [batch, 2, n, n]) });
  await s.release();
  return out.state_next.data as Float32Array;
}

/** A random (n, φ) state of amplitude ~1 with modes up to the coarse band and beyond. */
function randomFields(n: number, seed: number): Float32Array {
  const hw = new HasegawaWakatani({ n, nu: 0 });
  const { density, phi } = hw.toPhysical(hw.randomState(seed, 1));
  const x = new Float32Array(2 * n * n);
  x.set(density);
  x.set(phi, n * n);
  return x;
}

const SMALL: HWCoarseOptions = {
  n: 32,
  nc: 16,
  length: (2 * Math.PI) / 0.15,
  c1: 1,
  kappa: 1,
  nu: 5e-5,
  hyperOrder: 3,
  dt: 0.3,
  substeps: 3,
};

Deno.test("hw coarse solver graph equals the float64 scheme (solver.ts on the coarse grid)", async () => {
  // Batch of two: a random state with modes beyond the coarse band, and a single band-limited
  // mode (linear dynamics: no leakage into other wavenumbers).
  const n = SMALL.n, S = 2 * n * n, x = new Float32Array(2 * S);
  x.set(randomFields(n, 4));
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < n; i++) x[S + j * n + i] = 1e-3 * Math.cos(2 * Math.PI * (2 * i + j) / n);
  }
  const got = await runStep(hwCoarseSolverGraph(SMALL), x, n);
  for (const [k, label] of [[0, "random"], [1, "single mode"]] as const) {
    const xi = x.subarray(k * S, (k + 1) * S), gi = got.subarray(k * S, (k + 1) * S);
    const want = hwCoarseSolverFloat64(xi, SMALL);
    let err = 0, norm = 0, change = 0;
    for (let i = 0; i < want.length; i++) {
      err += (gi[i] - want[i]) ** 2;
      norm += want[i] ** 2;
      change += (want[i] - xi[i]) ** 2;
    }
    // float32 graph vs float64: relative L2 error at float32 rounding, while the step itself
    // moves the state (so the comparison is not trivial)
    assert.ok(Math.sqrt(err / norm) < 1e-4, `${label}: relative error ${Math.sqrt(err / norm)}`);
    assert.ok(Math.sqrt(change / norm) > 0.01, `${label}: change ${Math.sqrt(change / norm)}`);
  }
  assert.equal(coarseNu(SMALL), 5e-5 * 2 ** 6);
});

Deno.test("hw baselines: registry entries build valid models for hasegawa_wakatani", () => {
  const suite = getSuite("hasegawa_wakatani");
  const coarse = getBaseline("coarse_solver", suite.id);
  const heap = getBaseline("heap_untrained", suite.id);
  assert.ok(heap.untrained && !heap.inDemo && /UNTRAINED/.test(heap.description));
  for (const b of [coarse, heap]) {
    const m = b.build(suite);
    if (m instanceof Promise) throw new Error("sync build");
    const { plan, problems } = planModel(m, { fields: suite.fields, shape: [128, 128] });
    assert.ok(plan, JSON.stringify(problems));
    assert.equal(plan!.form, b === heap ? "latent" : "step");
  }
});

Deno.test("heap_untrained: 3 layers of 8 channels, encode/step/decode shapes", async () => {
  assert.deepEqual(HEAP_SHAPE, { layers: 3, channels: 8 });
  const n = 32, g = heapUntrainedGraphs({ n, channels: 2, seed: 3 });
  const b = await openBackend("wasm");
  const enc = await b.createSession(g.encode), st = await b.createSession(g.step);
  const dec = await b.createSession(g.decode);
  const x = randomFields(n, 1);
  const z = (await enc.run({ state: b.tensor("float32", x, [1, 2, n, n]) })).z;
  const D = 8 * ((n / 2) ** 2 + (n / 4) ** 2 + (n / 8) ** 2);
  assert.deepEqual(z.dims, [1, D]);
  const z1 = (await st.run({ z })).z_next;
  assert.deepEqual(z1.dims, [1, D]);
  const y = (await dec.run({ z: z1 })).state_next;
  assert.deepEqual(y.dims, [1, 2, n, n]);
  assert.ok((y.data as Float32Array).every(Number.isFinite));
  for (const s of [enc, st, dec]) await s.release();
  assert.throws(() => heapUntrainedGraphs({ n: 12, channels: 2, seed: 1 }), /divisible by 8/);
});

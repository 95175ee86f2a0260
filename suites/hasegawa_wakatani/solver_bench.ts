/**
 * Cost of the `hasegawa_wakatani` reference solver at 128² against the NumPy-style yardstick
 * (`yardstick.ts`: the same RK4 step written array-at-a-time with temporaries and a full complex
 * FFT per field, on the same radix-2 FFT), and one model step (Δt = 1 = 20 RK4 steps of 0.05).
 * A reference trajectory of T model steps costs T × the model step; the optional NumPy yardstick
 * (`numpy_yardstick.py`, `numpy.fft.rfft2`) is run separately. Also the throughput of the UNTRAINED
 * HEAP-shaped latent baseline (`baseline:heap_untrained`) on wasm:
 *
 *   deno bench --allow-read --allow-env suites/hasegawa_wakatani/solver_bench.ts
 *   python3 suites/hasegawa_wakatani/numpy_yardstick.py 128 50
 * @module
 */
import { HasegawaWakatani } from "./solver.ts";
import { HW_H, HW_N, HW_PHYSICS, HW_SUBSTEPS } from "./suite.ts";
import { type NumpyHWState, NumpyStyleHW } from "./yardstick.ts";
import { heapUntrainedGraphs } from "../../baselines/hasegawa_wakatani.ts";
import { openBackend } from "../../harness/onnx/backend.ts";

const hw = new HasegawaWakatani({ ...HW_PHYSICS, n: HW_N });
const s = hw.randomState(1, 1);
const y = new NumpyStyleHW({
  n: HW_N,
  nu: HW_PHYSICS.nu,
  c1: 1,
  kappa: 1,
  k0: 0.15,
  hyperOrder: 3,
  modified: false,
});
let t: NumpyHWState = {
  n: { re: s.nRe.slice(), im: s.nIm.slice() },
  w: { re: s.omegaRe.slice(), im: s.omegaIm.slice() },
};

Deno.bench("emubench solver: one RK4 step, 128²", { group: "rk4", baseline: true }, () => {
  hw.step(s, HW_H);
});
Deno.bench("NumPy-style TS yardstick: one RK4 step, 128²", { group: "rk4" }, () => {
  t = y.step(t, HW_H);
});
Deno.bench(`emubench solver: one model step (Δt = 1, ${HW_SUBSTEPS} RK4 steps), 128²`, {
  n: 10,
  warmup: 2,
}, () => {
  for (let k = 0; k < HW_SUBSTEPS; k++) hw.step(s, HW_H);
});

// UNTRAINED HEAP-shaped latent model (`baseline:heap_untrained`): latent step alone vs a full
// encode → step → decode round, batch 1, on the wasm backend.
const backend = await openBackend("wasm");
const heap = heapUntrainedGraphs({ n: HW_N, channels: 2, seed: 7 });
const [enc, stp, dec] = await Promise.all(
  [heap.encode, heap.step, heap.decode].map((b) => backend.createSession(b)),
);
const x = backend.tensor("float32", new Float32Array(2 * HW_N * HW_N).fill(0.1), [
  1,
  2,
  HW_N,
  HW_N,
]);
const z0 = (await enc.run({ state: x })).z;
Deno.bench(
  "heap_untrained (UNTRAINED): latent step, batch 1, wasm",
  { group: "heap" },
  async () => {
    await stp.run({ z: z0 });
  },
);
Deno.bench("heap_untrained (UNTRAINED): encode + step + decode, batch 1, wasm", {
  group: "heap",
}, async () => {
  const z = (await enc.run({ state: x })).z;
  const z1 = (await stp.run({ z })).z_next;
  await dec.run({ z: z1 });
});

// The device reductions against the host formulas (metrics/split.ts, metrics/pointwise.ts): the
// moments graph on every backend here (native, wasm, webgpu where an adapter exists, the software
// one included), turned into metrics by metricsFromMoments, equals mseSplit / nrmse to float32
// summation tolerance; known cases exactly; the flag and maxima.
import { type BackendName, nativeAvailable, openBackend, probeAdapter } from "../onnx/backend.ts";
import { openDeviceReductions } from "./device_metrics.ts";
import { metricsFromMoments, MOMENTS_PER_FIELD } from "../../metrics/device_scorer.ts";
import { mseSplit } from "../../metrics/split.ts";
import { nrmse } from "../../metrics/pointwise.ts";
import { GraphBuilder } from "../onnx/graph.ts";

function assert(cond: boolean, message: string): void {
  if (!cond) throw new Error(message);
}
function assertEquals(a: unknown, b: unknown, what = ""): void {
  if (!Object.is(a, b)) throw new Error(`${what}: ${a} !== ${b}`);
}

const adapter = await probeAdapter();
const backends: BackendName[] = [
  ...((await nativeAvailable()) ? ["native" as const] : []),
  "wasm",
  ...(adapter ? ["webgpu" as const] : []),
];

/** Deterministic pseudo-random numbers in [-1, 1). */
function noise(n: number, seed: number): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 31 - 1;
  });
}

/** Half the sum of squares per IC: a toy energy graph `[B, C, X] → [B]`. */
function halfSumGraph(C: number, X: number): Uint8Array {
  const g = new GraphBuilder("half_sum");
  const x = g.input("x", ["B", C, X]);
  const e = g.op("Mul", [
    g.op("ReduceSum", [g.op("Mul", [x, x]), g.ints([1, 2])], {
      keepdims: 0,
    }),
    g.scalar(0.5),
  ]);
  g.output(e, "e", ["B"]);
  return g.build();
}

/** Run the reductions of B states `[C, X]` on `name`. */
async function reduce(
  name: BackendName,
  pred: Float32Array,
  ref: Float32Array,
  B: number,
  C: number,
  X: number,
  energy = false,
): Promise<{ values: Float32Array; width: number }> {
  const backend = await openBackend(name);
  const r = await openDeviceReductions(backend, C, [X], energy ? halfSumGraph(C, X) : undefined);
  try {
    const p = backend.tensor("float32", pred, [B, C, X]);
    const y = backend.tensor("float32", ref, [B, C, X]);
    return { values: await r.stepMetrics.run(p, y), width: r.stepMetrics.width };
  } finally {
    await r.close();
  }
}

const close = (a: number, b: number, scale: number, tol: number, what: string) =>
  assert(Math.abs(a - b) <= tol * scale, `${what}: ${a} vs ${b} (scale ${scale})`);

for (const name of backends) {
  Deno.test(`device moments equal the host formulas on random fields (${name})`, async () => {
    const B = 3, C = 2, X = 4096;
    const ref = noise(B * C * X, 7);
    // IC 0: near the reference (small error, where raw sums would cancel); IC 1: an unrelated
    // field with an offset and a gain; IC 2: damped and shifted.
    const pred = new Float32Array(B * C * X);
    const e = noise(B * C * X, 11);
    for (let i = 0; i < C * X; i++) pred[i] = ref[i] + 1e-3 * e[i];
    for (let i = C * X; i < 2 * C * X; i++) pred[i] = 3 * e[i] + 0.5;
    for (let i = 2 * C * X; i < 3 * C * X; i++) {
      pred[i] = 0.7 * ref[i - (i % X) + ((i + 5) % X)] - 0.2;
    }
    const { values, width } = await reduce(name, pred, ref, B, C, X, true);
    assertEquals(width, 1 + C + MOMENTS_PER_FIELD * C + 2);
    for (let j = 0; j < B; j++) {
      const v = values.subarray(j * width, (j + 1) * width);
      assertEquals(v[0], 0, "finite flag");
      let energyP = 0, energyR = 0;
      for (let c = 0; c < C; c++) {
        const at = (j * C + c) * X;
        const p = pred.subarray(at, at + X), y = ref.subarray(at, at + X);
        let m = 0;
        for (const x of p) m = Math.max(m, Math.abs(x));
        assertEquals(v[1 + c], m, "max|p| is exact");
        const host = mseSplit(p, y);
        const dev = metricsFromMoments(v, 1 + C + c * MOMENTS_PER_FIELD, X);
        const what = `${name} IC ${j} field ${c}`;
        close(dev.mse, host.mse, host.mse, 1e-5, `${what} mse`);
        close(dev.nrmse, nrmse(p, y), nrmse(p, y), 1e-5, `${what} nrmse`);
        // The parts are accurate relative to the mse they split.
        close(dev.dissipation, host.dissipation, host.mse, 1e-4, `${what} dissipation`);
        close(dev.dispersion, host.dispersion, host.mse, 1e-4, `${what} dispersion`);
        for (let i = 0; i < X; i++) {
          energyP += 0.5 * p[i] * p[i];
          energyR += 0.5 * y[i] * y[i];
        }
      }
      close(v[width - 2], energyP, energyP, 1e-5, `${name} IC ${j} energy pred`);
      close(v[width - 1], energyR, energyR, 1e-5, `${name} IC ${j} energy ref`);
    }
  });

  Deno.test(`device moments: known cases and the finiteness flag (${name})`, async () => {
    const B = 4, C = 1, X = 256;
    const ref = new Float32Array(B * X);
    for (let j = 0; j < B; j++) {
      for (let i = 0; i < X; i++) ref[j * X + i] = Math.sin((2 * Math.PI * (j + 1) * i) / X);
    }
    const pred = new Float32Array(B * X);
    for (let i = 0; i < X; i++) {
      pred[i] = ref[i] + 0.25; // IC 0: pred = ref + c → mse c², dissipation c², dispersion 0
      pred[X + i] = -ref[X + i]; // IC 1: opposite phase → dissipation 0, dispersion 4σ² = 2
      pred[2 * X + i] = 3; // IC 2: constant pred → dispersion 0 (σₚ = 0)
      pred[3 * X + i] = ref[3 * X + i];
    }
    pred[3 * X + 17] = NaN; // IC 3: one NaN → flag not 0
    const { values, width } = await reduce(name, pred, ref, B, C, X);
    const m = (j: number) => metricsFromMoments(values, j * width + 1 + C, X);
    const tol = 1e-6;
    close(m(0).mse, 0.0625, 1, tol, "offset mse");
    close(m(0).dissipation, 0.0625, 1, tol, "offset dissipation");
    close(m(0).dispersion, 0, 1, tol, "offset dispersion");
    close(m(1).mse, 2, 1, tol, "flip mse");
    close(m(1).dissipation, 0, 1, tol, "flip dissipation");
    close(m(1).dispersion, 2, 1, tol, "flip dispersion");
    close(m(2).mse, 9.5, 1, tol, "constant mse");
    assertEquals(m(2).dispersion, 0, "constant: σₚ = 0 → dispersion 0");
    for (const j of [0, 1, 2]) assertEquals(values[j * width], 0);
    assert(values[3 * width] !== 0, `NaN state: flag ${values[3 * width]}`);
    assertEquals(values[width + 1], 1, "max|p| of IC 1");
  });
}

Deno.test("metricsFromMoments: a zero reference gives nrmse 0 or ∞, as nrmse() does", () => {
  const zero = [0, 0, 0, 0, 0, 0, NaN];
  assertEquals(metricsFromMoments(zero, 0, 4).nrmse, nrmse([0, 0], [0, 0]));
  const off = [2, 0, 1, 0, 0, 2, NaN]; // pred (1, 1)… against 0
  assertEquals(metricsFromMoments(off, 0, 2).nrmse, nrmse([1, 1], [0, 0]));
  assertEquals(metricsFromMoments(off, 0, 2).dispersion, 0);
});

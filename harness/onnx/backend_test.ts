import { type BackendName, nativeAvailable, openBackend, probeAdapter } from "./backend.ts";
import { float16ToFloat32, float32ToFloat16 } from "./backend.ts";
import { openSessions, rollout } from "../model/rollout.ts";
import { planOrThrow } from "../tasks/run.ts";
import { getSuite, gridSize } from "../../suites/mod.ts";
import { getBaseline } from "../../baselines/mod.ts";
import { cnnGraph } from "../../baselines/builders.ts";
import { scaleGraph, source } from "../../fixtures/graphs.ts";

const adapter = await probeAdapter();
const native = await nativeAvailable();

/** One tiny rollout (2 ICs × 3 steps of a small random CNN on burgers1d) on `name`. */
async function tinyRollout(name: BackendName): Promise<Float32Array[]> {
  const suite = getSuite("burgers1d");
  const model = source({
    step: cnnGraph({ x: gridSize(suite.grid), width: 8, depth: 3, kernel: 5, seed: 3 }),
  });
  const plan = planOrThrow(model, suite);
  const backend = await openBackend(name);
  const sessions = await openSessions(backend, model, plan, 3);
  const n = 2, steps = 3, X = gridSize(suite.grid);
  const ics = suite.initialConditions(n, suite.seed);
  const reference = new Float32Array(n * (steps + 1) * X);
  for (let i = 0; i < n; i++) reference.set(ics.subarray(i * X, (i + 1) * X), i * (steps + 1) * X);
  const out: Float32Array[] = [];
  await rollout({
    sessions,
    channels: 1,
    shape: [X],
    count: n,
    reference,
    refSteps: steps,
    steps,
    observer: { step: (_ic, _n, p) => void out.push(p.slice()), diverged: () => {} },
  });
  return out;
}

function maxRelDiff(a: Float32Array[], b: Float32Array[]): number {
  let m = 0;
  a.forEach((x, k) =>
    x.forEach((v, i) => (m = Math.max(m, Math.abs(v - b[k][i]) / (1 + Math.abs(v)))))
  );
  return m;
}

Deno.test({
  name: "backends agree on one rollout to float32 tolerance (wasm vs native vs webgpu)",
  // WebGPU runs on a software adapter here (llvmpipe): the rollout is kept tiny.
  fn: async () => {
    const wasm = await tinyRollout("wasm");
    if (wasm.length !== 6) throw new Error(`expected 6 observed states, found ${wasm.length}`);
    const others: BackendName[] = [];
    if (native) others.push("native");
    if (adapter) others.push("webgpu");
    for (const name of others) {
      const d = maxRelDiff(wasm, await tinyRollout(name));
      if (!(d < 1e-5)) throw new Error(`${name} differs from wasm by ${d}`);
    }
    if (others.length === 0) console.warn("only wasm available: nothing to compare against");
  },
});

Deno.test("auto picks webgpu only on a hardware adapter, else native, else wasm", async () => {
  const b = await openBackend("auto");
  const want = adapter && !adapter.fallback ? "webgpu" : native ? "native" : "wasm";
  if (b.name !== want) throw new Error(`auto picked ${b.name}, expected ${want}`);
});

Deno.test("webgpu sessions keep outputs on the device", { ignore: !adapter }, async () => {
  const b = await openBackend("webgpu");
  if (!b.deviceResident) throw new Error("webgpu should keep outputs on the GPU");
  const suite = getSuite("burgers1d");
  const model = await getBaseline("persistence", suite.id).build(suite);
  const s = await b.createSession(model.graphs.step.bytes);
  const out = await s.run({ u: b.tensor("float32", new Float32Array(1024).fill(1), [1, 1, 1024]) });
  if (out.u_next.location !== "gpu-buffer") throw new Error(`output on ${out.u_next.location}`);
  const data = await out.u_next.getData(true);
  if ((data as Float32Array)[5] !== 1) throw new Error("readback");
  await s.release();
});

Deno.test("float16 conversion round-trips representable values and rounds to nearest even", () => {
  const vals = new Float32Array([
    0,
    -0,
    1,
    -2,
    0.5,
    65504,
    2 ** -24,
    2 ** -14,
    Infinity,
    -Infinity,
    1 + 2 ** -11,
    1 + 3 * 2 ** -11,
  ]);
  const back = float16ToFloat32(float32ToFloat16(vals));
  const want = [
    0,
    -0,
    1,
    -2,
    0.5,
    65504,
    2 ** -24,
    2 ** -14,
    Infinity,
    -Infinity,
    1,
    1 + 2 * 2 ** -10,
  ];
  want.forEach((w, i) => {
    if (!Object.is(back[i], w)) throw new Error(`value ${vals[i]}: got ${back[i]}, want ${w}`);
  });
  if (!Number.isNaN(float16ToFloat32(float32ToFloat16(new Float32Array([NaN])))[0])) {
    throw new Error("NaN");
  }
});

Deno.test("webgpu rollout feeds each output back as a GPU tensor (no host round trip)", {
  ignore: !adapter,
}, async () => {
  const suite = getSuite("burgers1d");
  // Not persistence: an Identity graph may hand its (host) input straight back.
  const model = source({ step: scaleGraph(gridSize(suite.grid), 0.5) });
  const plan = planOrThrow(model, suite);
  const sessions = await openSessions(await openBackend("webgpu"), model, plan, 3);
  const seen: string[] = [];
  const step = sessions.step;
  sessions.step = { ...step, run: (f) => (seen.push(f.u.location), step.run(f)) };
  const X = gridSize(suite.grid), steps = 3;
  const reference = new Float32Array((steps + 1) * X).fill(0.5);
  await rollout({
    sessions,
    channels: 1,
    shape: [X],
    count: 1,
    reference,
    refSteps: steps,
    steps,
    observer: { step: () => {}, diverged: () => {} },
  });
  if (seen.join() !== "cpu,gpu-buffer,gpu-buffer") throw new Error(`input locations: ${seen}`);
});

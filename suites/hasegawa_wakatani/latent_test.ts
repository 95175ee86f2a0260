/**
 * The latent `{encode, step, decode}` contract (SPEC §2, HEAP's form) exercised on
 * `hasegawa_wakatani` with an ONNX model built here in TypeScript whose output is known exactly:
 *
 *   encode: z = P(u), P = 4×4 block mean (AveragePool), [B, 2, 128, 128] → [B, 2, 32, 32];
 *   step:   z ↦ a·z;
 *   decode: u = R(z), R = 4×4 nearest-neighbour copy (ConvTranspose with unit kernel, stride 4).
 *
 * So the prediction at step k is `aᵏ · R(P(u₀))`. The first test runs it through `evaluate`
 * (`harness/tasks/run.ts`) from a directory with `emulator.json`, on a synthetic `--data` file (the
 * contract does not need the solver), and checks the saved trajectory. The second counts decode
 * session runs in the rollout engine: with an observer that needs fields only at the summary
 * steps, decoding happens only there; `evaluate`'s scorer needs fields at every step (per-step
 * mse/nrmse curves, spectra and diagnostics), so it decodes every step — also counted.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { GraphBuilder } from "../../harness/onnx/graph.ts";
import { evaluate } from "../../harness/tasks/run.ts";
import { readNpy, writeNpy } from "../../harness/data/npy.ts";
import { openBackend } from "../../harness/onnx/backend.ts";
import { planModel } from "../../harness/model/plan.ts";
import { openSessions, rollout } from "../../harness/model/rollout.ts";
import type { ModelSource } from "../../harness/model/manifest.ts";
import { Rng } from "../../harness/core/rng.ts";
import { hasegawaWakatani } from "./suite.ts";

const N = 128, F = 4, M = N / F, C = 2, S = C * N * N;

/** The three graphs (see module docs). */
function latentGraphs(a: number): Record<"encode" | "step" | "decode", Uint8Array> {
  const enc = new GraphBuilder("hw_encode");
  const u = enc.input("state", ["B", C, N, N]);
  const z = enc.op("AveragePool", [u], { kernel_shape: [F, F], strides: [F, F] });
  enc.output(z, "z", ["B", C, M, M]);
  const step = new GraphBuilder("hw_latent_step");
  const zi = step.input("z", ["B", C, M, M]);
  step.output(step.op("Mul", [zi, step.scalar(a)]), "z_next", ["B", C, M, M]);
  const dec = new GraphBuilder("hw_decode");
  const zd = dec.input("z", ["B", C, M, M]);
  const w = dec.floats(new Float32Array(C * F * F).fill(1), [C, 1, F, F]);
  const up = dec.op("ConvTranspose", [zd, w], { strides: [F, F], group: C });
  dec.output(up, "state_next", ["B", C, N, N]);
  return { encode: enc.build(), step: step.build(), decode: dec.build() };
}

/** aᵏ R(P(u)) in float64. */
function expected(u: Float32Array, a: number, k: number): Float64Array {
  const out = new Float64Array(S), g = a ** k;
  for (let c = 0; c < C; c++) {
    for (let J = 0; J < M; J++) {
      for (let I = 0; I < M; I++) {
        let s = 0;
        for (let j = 0; j < F; j++) {
          for (let i = 0; i < F; i++) s += u[c * N * N + (J * F + j) * N + I * F + i];
        }
        for (let j = 0; j < F; j++) {
          for (let i = 0; i < F; i++) {
            out[c * N * N + (J * F + j) * N + I * F + i] = g * s / (F * F);
          }
        }
      }
    }
  }
  return out;
}

/** Synthetic trajectories [n, T + 1, 2, 128, 128]: smooth waves plus seeded noise. */
function synthetic(n: number, steps: number): Float32Array {
  const out = new Float32Array(n * (steps + 1) * S), r = new Rng(11, 0);
  for (let i = 0; i < out.length; i++) {
    const x = i % N, y = Math.floor(i / N) % N;
    out[i] = Math.sin(2 * Math.PI * (x + 2 * y) / N) + 0.1 * r.normal();
  }
  return out;
}

Deno.test("hasegawa_wakatani latent model: evaluate runs encode once, steps z, decodes aᵏ·R(P(u₀))", async () => {
  const dir = await Deno.makeTempDir({ prefix: "hw-latent-" });
  try {
    const a = 0.9, n = 2, steps = 4, g = latentGraphs(a);
    const model = join(dir, "model");
    await Deno.mkdir(model);
    for (const k of ["encode", "step", "decode"] as const) {
      await Deno.writeFile(join(model, `${k}.onnx`), g[k]);
    }
    await Deno.writeTextFile(
      join(model, "emulator.json"),
      JSON.stringify({
        name: "hw-latent-fixture",
        suite: "hasegawa_wakatani",
        graphs: { encode: "encode.onnx", step: "step.onnx", decode: "decode.onnx" },
      }),
    );
    const data = synthetic(n, steps);
    await writeNpy(join(dir, "data.npy"), data, [n, steps + 1, C, N, N]);
    const ev = await evaluate({
      suite: "hasegawa_wakatani",
      model,
      data: join(dir, "data.npy"),
      backend: "wasm",
      outDir: join(dir, "out"),
      saveTrajectories: true,
    });
    assert.equal(ev.result.model.form, "latent");
    const pred = await readNpy(ev.files.pred!);
    assert.deepEqual(pred.shape, [n, steps + 1, C, N, N]);
    const p = pred.data as Float32Array;
    for (let i = 0; i < n; i++) {
      const u0 = data.subarray(i * (steps + 1) * S, i * (steps + 1) * S + S);
      for (let k = 1; k <= steps; k++) {
        const want = expected(u0, a, k), off = (i * (steps + 1) + k) * S;
        let err = 0;
        for (let j = 0; j < S; j++) err = Math.max(err, Math.abs(p[off + j] - want[j]));
        assert.ok(err < 1e-5, `IC ${i} step ${k}: max error ${err}`);
      }
    }
    // nrmse rows exist for every step (the scorer needs fields at every step)
    const rows = ev.result.rows.filter((r) => r.metric === "nrmse" && r.step !== undefined);
    assert.ok(rows.length >= steps, `nrmse rows: ${rows.length}`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("hasegawa_wakatani latent model: decode runs only at the steps the observer needs", async () => {
  const a = 0.5, steps = 10, g = latentGraphs(a);
  const model: ModelSource = {
    kind: "model",
    origin: "latent_test",
    manifest: {
      name: "hw-latent-fixture",
      suite: "hasegawa_wakatani",
      graphs: { encode: "encode.onnx", step: "step.onnx", decode: "decode.onnx" },
      history: 1,
      carry: {},
    },
    graphs: {
      encode: { path: "encode.onnx", bytes: g.encode },
      step: { path: "step.onnx", bytes: g.step },
      decode: { path: "decode.onnx", bytes: g.decode },
    },
  };
  const { plan, problems } = planModel(model, {
    fields: hasegawaWakatani.fields,
    shape: [N, N],
  });
  assert.ok(plan, JSON.stringify(problems));
  const ref = synthetic(1, steps), backend = await openBackend("wasm");
  // needed = summary steps within the horizon (as a summary-only or stability run would ask);
  // undefined = every step (what evaluate's per-step scorer asks for)
  const summary = new Set(hasegawaWakatani.summarySteps.filter((s) => s <= steps));
  for (const needed of [summary, undefined]) {
    const sessions = await openSessions(backend, model, plan!, 4);
    let decodes = 0, encodes = 0;
    const dec = sessions.decode!, enc = sessions.encode!;
    sessions.decode = { ...dec, run: (f) => (decodes++, dec.run(f)) };
    sessions.encode = { ...enc, run: (f) => (encodes++, enc.run(f)) };
    const seen: number[] = [];
    let last: Float32Array | undefined;
    await rollout({
      sessions,
      channels: C,
      shape: [N, N],
      count: 1,
      reference: ref,
      refSteps: steps,
      steps,
      observer: {
        step: (_i, n, p) => {
          seen.push(n);
          if (n === steps) last = p.slice();
        },
        diverged: () => {},
        ...(needed ? { needsStep: (n: number) => needed.has(n) } : {}),
      },
    });
    const want = needed
      ? [...needed].sort((x, y) => x - y)
      : Array.from({ length: steps }, (_, i) => i + 1);
    assert.equal(encodes, 1, "encode once");
    assert.equal(decodes, want.length, `decodes with needed = ${needed ? [...needed] : "all"}`);
    assert.deepEqual(seen, want);
    const exact = expected(ref.subarray(0, S), a, steps);
    assert.ok(last!.every((v, j) => Math.abs(v - exact[j]) < 1e-5), "step 10 = a¹⁰ R(P(u₀))");
  }
});

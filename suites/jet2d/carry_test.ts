/**
 * The `carry` contract on `jet2d` (SPEC §2) with a model in the spirit of Hierarchical Implicit
 * Neural Emulators: besides the state `u` `[B, 1, 256, 256]` it takes a coarse "future hint"
 * `z_in` `[B, 1, 64, 64]` that it produced itself on the previous step, and returns the next
 * hint `z_out` at the same coarse resolution. The graph, built in TypeScript with the MatMul
 * DFTs of `harness/onnx/spectral_graph.ts`, is
 *
 *   u_next = u + α · I(z_in),   z_out = R(u),
 *
 * with R the spectral restriction 256² → 64² (modes |k_x|, |k_y| ≤ 21) and I the spectral
 * interpolation back, so I∘R = P is the projection on that band. With zero initial carries
 * (no `init` graph) the rollout is u₁ = u₀ and u_n = u_{n−1} + αP u_{n−2}, i.e.
 *
 *   u_n = (1 − P)u₀ + a_n P u₀,   a₀ = a₁ = 1,  a_n = a_{n−1} + α a_{n−2},
 *
 * which the test checks on the predicted trajectory written by `evaluate` (a carry that were
 * dropped, zeroed or fed back at the wrong step would give a_n = 1, or another sequence). The
 * IC comes from an `.npy` dataset (`--data`) so no spin-up is needed.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { evaluate } from "../../harness/tasks/run.ts";
import { readNpy, writeNpy } from "../../harness/data/npy.ts";
import { GraphBuilder } from "../../harness/onnx/graph.ts";
import { spectralResample } from "../../harness/onnx/spectral_graph.ts";

const N = 256, NC = 64, M = 21, CELLS = N * N, ALPHA = 0.5, STEPS = 4;

function hintGraph(): Uint8Array {
  const g = new GraphBuilder("hierarchical_hint");
  const u = g.input("u", ["B", 1, N, N]);
  const z = g.input("z_in", ["B", 1, NC, NC]);
  const up = spectralResample(g, z, NC, N, M);
  g.output(g.op("Add", [u, g.op("Mul", [up, g.scalar(ALPHA)])]), "u_next", ["B", 1, N, N]);
  g.output(spectralResample(g, u, N, NC, M), "z_out", ["B", 1, NC, NC]);
  return g.build();
}

Deno.test({
  name: "jet2d carry: a coarse 64² hint fed back each step drives the rollout as the graph says",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "emubench-jet2d-carry-" });
    try {
      const model = join(dir, "model");
      await Deno.mkdir(model);
      await Deno.writeFile(join(model, "step.onnx"), hintGraph());
      await Deno.writeTextFile(
        join(model, "emulator.json"),
        JSON.stringify({
          name: "hierarchical-hint-toy",
          suite: "jet2d",
          graphs: { step: "step.onnx" },
          input: "u",
          output: "u_next",
          carry: { z_in: "z_out" },
        }),
      );
      // IC: a large-scale part (in the band of P) plus a mode at k = (40, 3) outside it
      const low = new Float32Array(CELLS), high = new Float32Array(CELLS);
      for (let j = 0; j < N; j++) {
        for (let i = 0; i < N; i++) {
          const x = (2 * Math.PI * i) / N, y = (2 * Math.PI * j) / N;
          low[j * N + i] = Math.sin(x + 2 * y) + 0.5 * Math.cos(3 * x - 5 * y) +
            0.25 * Math.sin(21 * y);
          high[j * N + i] = 0.3 * Math.cos(40 * x + 3 * y);
        }
      }
      const data = new Float32Array((STEPS + 1) * CELLS);
      for (let t = 0; t <= STEPS; t++) {
        for (let k = 0; k < CELLS; k++) data[t * CELLS + k] = low[k] + high[k];
      }
      const npy = join(dir, "ref.npy"), out = join(dir, "out");
      await writeNpy(npy, data, [1, STEPS + 1, N, N]);
      const { result } = await evaluate({
        suite: "jet2d",
        model,
        data: npy,
        ics: 1,
        steps: STEPS,
        backend: "wasm",
        outDir: out,
        saveTrajectories: true,
      });
      assert.deepEqual(result.model.carry, ["z_in"]);
      const pred = (await readNpy(join(out, "pred.npy"))).data as Float32Array;
      const a = [1, 1];
      for (let n = 2; n <= STEPS; n++) a.push(a[n - 1] + ALPHA * a[n - 2]);
      for (let n = 0; n <= STEPS; n++) {
        let err = 0;
        for (let k = 0; k < CELLS; k++) {
          err = Math.max(err, Math.abs(pred[n * CELLS + k] - (high[k] + a[n] * low[k])));
        }
        assert.ok(err < 2e-4, `step ${n}: max error ${err} against (1 − P)u₀ + ${a[n]}·Pu₀`);
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

import assert from "node:assert/strict";
import { join } from "node:path";
import { GraphBuilder } from "../onnx/graph.ts";
import { evaluateSubmissions } from "./submissions.ts";
import { scaleGraph, slowGraph } from "../../fixtures/graphs.ts";
import { SLOW } from "../../fixtures/slow.ts";

const X = 1024;

/** A model that expands the state to `copies` × its size before reducing it back. */
function hogGraph(copies: number): Uint8Array {
  const g = new GraphBuilder("hog");
  const u = g.input("u", ["B", 1, X]);
  const big = g.op("Expand", [u, g.ints([1, copies, X])]);
  const back = g.op("ReduceMean", [big], { axes: [1], keepdims: 1 });
  g.output(back, "u_next", ["B", 1, X]);
  return g.build();
}

async function submit(root: string, name: string, graph: Uint8Array) {
  await Deno.mkdir(join(root, name), { recursive: true });
  await Deno.writeTextFile(join(root, name, "emulator.json"), '{"suite": "convection1d"}');
  await Deno.writeFile(join(root, name, "model.onnx"), graph);
}

Deno.test({
  name:
    "submissions under limits: a slow model times out at its step, a hog runs out of memory, the queue moves on (EMUBENCH_SLOW=1)",
  // About a minute of child processes held at their limits: the slow tier.
  ignore: !SLOW,
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "emubench-limits-" });
    try {
      const subs = join(dir, "subs");
      await submit(subs, "a-good", scaleGraph(X, 0.99));
      // 400 MatMuls: over 200 GFLOP per IC-step, many times the 3 s step limit on a CPU.
      await submit(subs, "b-slow", slowGraph(X, 400));
      await submit(subs, "c-hog", hogGraph(150_000)); // 4 × 150 000 × 1024 floats ≈ 2.3 GiB
      const t0 = performance.now();
      const logs: string[] = [];
      const out = await evaluateSubmissions(subs, {
        resultsDir: join(dir, "results"),
        tier: "smoke",
        backend: "wasm",
        limits: { wallSeconds: 120, stepSeconds: 3, memoryMb: 1500 },
        log: (m) => logs.push(m),
      });
      const seconds = (performance.now() - t0) / 1000;
      const by = Object.fromEntries(out.map((o) => [o.name, o]));
      assert.equal(by["a-good"].status, "evaluated", by["a-good"].reason);
      assert.equal(by["b-slow"].status, "failed");
      assert.equal(by["b-slow"].limit, "time", by["b-slow"].reason);
      assert.match(
        by["b-slow"].reason!,
        /^timed out at step [12] of 20 \(no step finished within 3 s\)/,
      );
      // The slow step was reported while it ran (every 1.5 s here: half the step limit).
      assert.ok(
        logs.some((l) => /step [12] of 20 running for [12] s \(step limit 3 s\)/.test(l)),
        logs.join("\n"),
      );
      assert.equal(by["c-hog"].status, "failed");
      assert.equal(by["c-hog"].limit, "memory", by["c-hog"].reason);
      assert.match(
        by["c-hog"].reason!,
        /^out of memory (at step \d+ of 20|before the rollout \(phase: \w+\)) \(\d+ MiB resident > limit 1500 MiB\)/,
      );
      // Nothing of the killed runs reached the results directory.
      const left: string[] = [];
      for await (const e of Deno.readDir(join(dir, "results", "convection1d"))) left.push(e.name);
      assert.deepEqual(left.sort(), ["a-good"]);
      console.log(`3 isolated submissions in ${seconds.toFixed(1)} s`);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

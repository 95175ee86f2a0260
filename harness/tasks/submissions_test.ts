import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { evaluateSubmissions, resultName, type SubmissionOutcome } from "./submissions.ts";
import { readCheckedResult } from "../results/check.ts";
import { main } from "../cli/main.ts";
import { scaleGraph } from "../../fixtures/graphs.ts";
import { evaluate } from "./run.ts";

async function submission(
  root: string,
  name: string,
  manifest: Record<string, unknown>,
  graphs: Record<string, Uint8Array>,
): Promise<void> {
  await Deno.mkdir(join(root, name), { recursive: true });
  await Deno.writeTextFile(join(root, name, "emulator.json"), JSON.stringify(manifest, null, 1));
  for (const [file, bytes] of Object.entries(graphs)) {
    await Deno.mkdir(dirname(join(root, name, file)), { recursive: true });
    await Deno.writeFile(join(root, name, file), bytes);
  }
}

const byName = (outcomes: SubmissionOutcome[]) =>
  Object.fromEntries(outcomes.map((o) => [o.name, o]));

Deno.test({
  name: "submissions: evaluate two on the smoke tier, skip them when current, redo a changed one",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "emubench-subs-" });
    try {
      const subs = join(dir, "subs"), results = join(dir, "results");
      await submission(subs, "damped", {
        name: "damped-0.99",
        suite: "convection1d",
        authors: ["A. Author"],
        description: "u ← 0.99 u",
      }, { "model.onnx": scaleGraph(1024, 0.99) });
      await submission(subs, "shrink two", {
        name: "shrink",
        suite: "burgers1d",
        authors: ["B. Author"],
        description: "u ← 0.995 u",
        graphs: { step: "net/step.onnx" },
      }, { "net/step.onnx": scaleGraph(1024, 0.995) });
      // Bad ones: no manifest, a graph path outside the directory, an unknown suite.
      await Deno.mkdir(join(subs, "empty"));
      await submission(subs, "escape", {
        suite: "convection1d",
        graphs: { step: "../damped/model.onnx" },
      }, {});
      await submission(subs, "nosuite", { suite: "burgers3d" }, {
        "model.onnx": scaleGraph(1024, 1),
      });
      await Deno.writeTextFile(join(subs, "README.md"), "not a submission");

      const opts = { resultsDir: results, tier: "smoke" as const, backend: "wasm" as const };
      const first = byName(await evaluateSubmissions(subs, opts));
      assert.deepEqual(Object.keys(first), ["damped", "empty", "escape", "nosuite", "shrink two"]);
      assert.equal(first.damped.status, "evaluated", first.damped.reason);
      assert.equal(first["shrink two"].status, "evaluated", first["shrink two"].reason);
      assert.equal(first.damped.result, join(results, "convection1d", "damped", "result.json"));
      assert.match(first["shrink two"].result!, /burgers1d\/shrink-two-[0-9a-f]{8}\/result\.json$/);
      assert.match(first.empty.reason!, /emulator\.json/);
      assert.match(
        first.escape.reason!,
        /graphs\.step: expected a path inside the model directory/,
      );
      assert.match(first.nosuite.reason!, /burgers3d/);
      for (const o of Object.values(first)) assert.equal(o.internal, undefined, o.reason);

      const r = await readCheckedResult(first.damped.result!);
      assert.equal(r.model.name, "damped-0.99");
      assert.deepEqual(r.model.authors, ["A. Author"]);
      assert.equal(r.model.sha256, first.damped.sha256);
      assert.deepEqual([r.suite.tier, r.config.ics, r.config.steps, r.config.backend], [
        "smoke",
        4,
        20,
        "wasm",
      ]);
      assert.equal(r.divergence.filter((d) => d.step !== null).length, 0);

      // Second invocation: both are current and skipped (the result files are untouched).
      const before = (await Deno.stat(first.damped.result!)).mtime;
      const second = byName(await evaluateSubmissions(subs, opts));
      assert.equal(second.damped.status, "current");
      assert.equal(second["shrink two"].status, "current");
      assert.equal((await Deno.stat(first.damped.result!)).mtime?.getTime(), before?.getTime());

      // A new model file makes it stale; so does a different backend for the other one.
      await Deno.writeFile(join(subs, "damped", "model.onnx"), scaleGraph(1024, 0.98));
      const third = byName(await evaluateSubmissions(subs, opts));
      assert.equal(third.damped.status, "evaluated");
      assert.match(third.damped.reason!, /changed: model sha256/);
      assert.equal(third["shrink two"].status, "current");

      // The CLI: everything current, but the bad submissions make it exit 2.
      const printed: string[] = [];
      const { log, error } = console;
      console.log = (...a: unknown[]) => printed.push(a.join(" "));
      console.error = () => {};
      let code: number;
      try {
        code = await main([
          "submissions",
          subs,
          "--results",
          results,
          "--tier",
          "smoke",
          "--backend",
          "wasm",
          "--json",
        ]);
      } finally {
        console.log = log;
        console.error = error;
      }
      assert.equal(code, 2);
      const json = JSON.parse(printed.join("\n")) as SubmissionOutcome[];
      assert.deepEqual(json.filter((o) => o.status === "current").map((o) => o.name), [
        "damped",
        "shrink two",
      ]);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test("resultName keeps safe names and makes others safe and distinct", async () => {
  assert.equal(await resultName("unet-64_v2.1"), "unet-64_v2.1");
  const a = await resultName("a b"), b = await resultName("a_b "), c = await resultName("..");
  assert.match(a, /^a-b-[0-9a-f]{8}$/);
  assert.notEqual(a, b);
  assert.match(c, /^submission-[0-9a-f]{8}$/);
  assert.match(await resultName("../../x"), /^x-[0-9a-f]{8}$/);
});

Deno.test({
  name: "submissions: a result scored with device reductions is not current; it is scored again",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "emubench-subs-dev-" });
    try {
      const subs = join(dir, "subs"), results = join(dir, "results");
      await submission(subs, "damped", { name: "damped", suite: "convection1d" }, {
        "model.onnx": scaleGraph(1024, 0.99),
      });
      const opts = { resultsDir: results, tier: "smoke" as const, backend: "wasm" as const };
      const first = byName(await evaluateSubmissions(subs, opts));
      assert.equal(first.damped.status, "evaluated", first.damped.reason);
      // The same model, tier and backend, but reduced on the device, in its place.
      await evaluate({
        suite: "convection1d",
        model: join(subs, "damped"),
        tier: "smoke",
        backend: "wasm",
        reductions: "device",
        outDir: dirname(first.damped.result!),
      });
      assert.ok((await readCheckedResult(first.damped.result!)).reductions);
      const second = byName(await evaluateSubmissions(subs, opts));
      assert.equal(second.damped.status, "evaluated");
      assert.match(second.damped.reason!, /changed: reductions "device" → "host"/);
      assert.equal((await readCheckedResult(first.damped.result!)).reductions, undefined);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

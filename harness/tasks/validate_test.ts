import assert from "node:assert/strict";
import { join } from "node:path";
import { validateModel } from "./validate.ts";
import { meanPoolAutoencoder } from "../../baselines/era5_autoencoder.ts";
import { GraphBuilder } from "../onnx/graph.ts";
import { getSuite } from "../../suites/mod.ts";
import { main } from "../cli/main.ts";
import { evaluate } from "./run.ts";
import { isInputError } from "../core/errors.ts";
import { nativeAvailable } from "../onnx/backend.ts";
import {
  atenFallbackGraph,
  failsAtRunGraph,
  heapGraphs,
  unfedInputGraph,
} from "../../fixtures/graphs.ts";

/** The backends that run here (wasm always; native where onnxruntime-node loads). */
async function backends(): Promise<("wasm" | "native")[]> {
  return (await nativeAvailable()) ? ["wasm", "native"] : ["wasm"];
}

/** Write an autoencoder's graphs and an `emulator.json` without `step` to a new directory. */
async function writeAutoencoder(decode?: Uint8Array): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "emubench-validate-ae-" });
  const ae = meanPoolAutoencoder(getSuite("era5"), 16);
  await Deno.writeFile(join(dir, "enc.onnx"), ae.graphs.encode.bytes);
  await Deno.writeFile(join(dir, "dec.onnx"), decode ?? ae.graphs.decode.bytes);
  await Deno.writeTextFile(
    join(dir, "emulator.json"),
    JSON.stringify({
      name: "pool16",
      suite: "era5",
      graphs: { encode: "enc.onnx", decode: "dec.onnx" },
    }),
  );
  return dir;
}

Deno.test({
  name: "validate: an {encode, decode} model is checked by a dry reconstruction, task detected",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const dir = await writeAutoencoder();
    try {
      const r = await validateModel(dir, { backend: "wasm" });
      assert.ok(r.ok, r.text);
      assert.match(r.text, /task reconstruct/);
      assert.match(r.text, /compression ratio 16\b/);
      // As a forecast model it lacks its step graph: refused with the manifest's field named.
      await assert.rejects(
        () => validateModel(dir, { backend: "wasm", task: "forecast" }),
        (e: Error) => e.message.includes("step"),
      );
      assert.equal(await main(["validate", dir, "--backend", "wasm", "--task", "predict"]), 2);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "validate: an autoencoder that decodes to NaN is NOT OK, naming the samples",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const P = 12 * 32 * 32;
    const g = new GraphBuilder("nan_decode");
    const z = g.input("z", ["B", 2, P / 16]);
    const up = g.op("Tile", [g.op("Unsqueeze", [z, g.ints([3])]), g.ints([1, 1, 1, 16])]);
    const x = g.op("Reshape", [up, g.ints([-1, 2, P])]);
    g.output(g.op("Mul", [x, g.scalar(NaN)]), "x_hat", ["B", 2, P]);
    const dir = await writeAutoencoder(g.build());
    try {
      const r = await validateModel(dir, { backend: "wasm" });
      assert.equal(r.ok, false, r.text);
      assert.match(r.text, /samples 0, 1 decoded to NaN\/Inf/);
      assert.match(r.text, /NOT OK/);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

/** Write graphs and an `emulator.json` to a new directory. */
async function writeModel(
  graphs: Record<string, Uint8Array>,
  manifest: Record<string, unknown>,
): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "emubench-validate-" });
  for (const [name, bytes] of Object.entries(graphs)) await Deno.writeFile(join(dir, name), bytes);
  await Deno.writeTextFile(
    join(dir, "emulator.json"),
    JSON.stringify({ suite: "burgers1d", ...manifest }),
  );
  return dir;
}

Deno.test({
  name: "validate: a HEAP-like three-tensor latent passes on wasm and native",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const g = heapGraphs(1024, 0.9, 0.5);
    const dir = await writeModel(
      { "encode.onnx": g.encode, "step.onnx": g.step, "decode.onnx": g.decode },
      { graphs: { encode: "encode.onnx", step: "step.onnx", decode: "decode.onnx" } },
    );
    try {
      for (const backend of await backends()) {
        const r = await validateModel(dir, { backend });
        assert.ok(r.ok, r.text);
        assert.match(r.text, /3 latent tensors: e1, e2, e3/);
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "validate and run: model faults are bad input naming the file and the op or tensor",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const aten = await writeModel({ "model.onnx": atenFallbackGraph(1024) }, {});
    const unfed = await writeModel({ "model.onnx": unfedInputGraph(1024) }, { input: "u" });
    const broken = await writeModel({ "model.onnx": failsAtRunGraph(1024) }, {});
    try {
      for (const backend of await backends()) {
        const r = await validateModel(aten, { backend });
        assert.equal(r.ok, false);
        assert.match(r.text, /model\.onnx: op fft_rfft: expected ops of the standard ONNX domain/);
        assert.match(r.text, /org\.pytorch\.aten::ATen \(operator fft_rfft\)/);
        const u = await validateModel(unfed, { backend });
        assert.match(u.text, /model\.onnx: input forcing: expected only inputs emubench feeds: u/);
        const b = await validateModel(broken, { backend });
        assert.equal(b.ok, false);
        assert.match(b.text, /dry run on \w+: FAILED: model\.onnx: .*cannot be reshaped/);
        // run: the same faults are input errors (the CLI's exit 2), not internal errors.
        for (const [dir, pattern] of [[aten, /fft_rfft/], [broken, /model\.onnx: .*reshaped/]]) {
          await assert.rejects(
            () => evaluate({ suite: "burgers1d", model: dir as string, tier: "smoke", backend }),
            (e: Error) => isInputError(e) && (pattern as RegExp).test(e.message),
          );
        }
      }
    } finally {
      for (const d of [aten, unfed, broken]) await Deno.remove(d, { recursive: true });
    }
  },
});

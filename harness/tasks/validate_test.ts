import assert from "node:assert/strict";
import { join } from "node:path";
import { validateModel } from "./validate.ts";
import { meanPoolAutoencoder } from "../../baselines/era5_autoencoder.ts";
import { GraphBuilder } from "../onnx/graph.ts";
import { getSuite } from "../../suites/mod.ts";
import { main } from "../cli/main.ts";

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

import assert from "node:assert/strict";
import { join } from "node:path";
import { main } from "../cli/main.ts";
import { readNpy } from "../data/npy.ts";

Deno.test({
  name: "run --task reconstruct --save-trajectories writes the reconstructions and samples",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const out = await Deno.makeTempDir({ prefix: "emubench-recon-save-" });
    const log = console.log, error = console.error;
    console.log = () => {};
    console.error = () => {};
    try {
      const code = await main([
        "run",
        "--suite",
        "era5",
        "--task",
        "reconstruct",
        "--model",
        "baseline:mean_pool_r64",
        "--ics",
        "2",
        "--backend",
        "wasm",
        "--out",
        out,
        "--no-report",
        "--save-trajectories",
      ]);
      assert.equal(code, 0);
      const pred = await readNpy(join(out, "pred.npy")), ref = await readNpy(join(out, "ref.npy"));
      assert.deepEqual(pred.shape, [2, 2, 12288]);
      assert.deepEqual(ref.shape, [2, 2, 12288]);
      // A mean-pool autoencoder: each block of 64 nested pixels becomes its mean.
      const p = pred.data as Float32Array, r = ref.data as Float32Array;
      let mean = 0;
      for (let i = 0; i < 64; i++) mean += r[i] / 64;
      for (let i = 0; i < 64; i++) assert.ok(Math.abs(p[i] - mean) < 1e-3 * Math.abs(mean));
      assert.ok(p.some((v, i) => v !== r[i]));
    } finally {
      console.log = log;
      console.error = error;
      await Deno.remove(out, { recursive: true });
    }
  },
});

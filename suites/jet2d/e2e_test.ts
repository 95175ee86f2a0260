/**
 * End to end on `jet2d` through `evaluate()` with a reduced smoke run (1 IC × 3 steps of 256²):
 * `baseline:persistence`, then `baseline:coarse_solver` (the MatMul-DFT spectral solver on 64²)
 * on the same IC, whose reference comes from the cache the first run wrote (one spin-up,
 * ≈ 20 s on one core). Checks the rows the suite adds (kinetic-energy spectrum, energy and
 * enstrophy diagnostics) and that the coarse solver beats persistence at step 1.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { evaluate } from "../../harness/tasks/run.ts";
import type { ResultRow } from "../../metrics/rows.ts";

const tmp = await Deno.makeTempDir({ prefix: "emubench-jet2d-" });
const cacheDir = join(tmp, "cache");

const curve = (rows: ResultRow[], metric: string, field: string) =>
  rows.filter((r) =>
    r.metric === metric && r.field === field && r.step !== undefined && r.ic === undefined &&
    r.k === undefined
  ).sort((a, b) => a.step! - b.step!);

const mseAt1: Record<string, number> = {};

for (const model of ["persistence", "coarse_solver"]) {
  Deno.test({
    name: `jet2d: evaluate baseline:${model} on 1 spun-up IC × 3 steps`,
    sanitizeResources: false,
    sanitizeOps: false,
    async fn() {
      const { result } = await evaluate({
        suite: "jet2d",
        model: `baseline:${model}`,
        tier: "smoke",
        ics: 1,
        steps: 3,
        backend: "wasm",
        cacheDir,
      });
      const mse = curve(result.rows, "mse", "omega");
      assert.deepEqual(mse.map((r) => r.step), [1, 2, 3]);
      assert.ok(mse.every((r) => Number.isFinite(r.value) && r.value! > 0));
      mseAt1[model] = mse[0].value!;
      const spec = result.rows.filter((r) => r.metric === "spectrum_ref" && r.field === "omega");
      assert.ok(spec.length > 0, "kinetic-energy spectrum rows");
      const e = curve(result.rows, "diag_energy_ref", "*"),
        z = curve(result.rows, "diag_enstrophy_ref", "*");
      assert.deepEqual(e.map((r) => r.step), [0, 1, 2, 3]);
      assert.deepEqual(z.map((r) => r.step), [0, 1, 2, 3]);
      assert.ok(e.every((r) => r.value! > 1 && r.value! < 100), "energy of a jet state");
      console.log(`${model}: reference ${result.timings.referenceSeconds.toFixed(1)} s`);
    },
  });
}

Deno.test({
  name: "jet2d: the coarse spectral solver's step-1 error is well below persistence's",
  sanitizeResources: false,
  sanitizeOps: false,
  fn() {
    const p = mseAt1.persistence, c = mseAt1.coarse_solver;
    assert.ok(p > 0 && c > 0, `both runs finished: ${JSON.stringify(mseAt1)}`);
    // measured 0.27 vs 1.47 (ratio 0.19): the floor is the truncation to |k| ≤ 21 (data card)
    assert.ok(c < 0.3 * p, `coarse ${c} vs persistence ${p}`);
    console.log(`step-1 mse: persistence ${p}, coarse_solver ${c} (ratio ${c / p})`);
  },
});

Deno.test({
  name: "jet2d: clean up",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    await Deno.remove(tmp, { recursive: true });
  },
});

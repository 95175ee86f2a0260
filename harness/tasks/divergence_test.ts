import assert from "node:assert/strict";
import { join } from "node:path";
import { evaluate } from "./run.ts";
import { scaleGraph } from "../../fixtures/graphs.ts";
import { checkResult } from "../results/check.ts";
import { divergenceText } from "../results/divergence.ts";
import { getSuite } from "../../suites/mod.ts";
import { gridSize } from "../../suites/common/types.ts";
import { loadOrGenerateReference } from "../data/reference_cache.ts";

const tmp = await Deno.makeTempDir({ prefix: "emubench-divergence-" });
globalThis.addEventListener("unload", () => Deno.removeSync(tmp, { recursive: true }));
const smoke = { tier: "smoke" as const, backend: "wasm" as const, cacheDir: ".cache/emubench" };

Deno.test({
  name:
    "a ×1.3 model diverges by the suite's bound at the step its max passes 10 × the reference's",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const suite = getSuite("burgers1d"), X = gridSize(suite.grid);
    const model = join(tmp, "x13.onnx");
    await Deno.writeFile(model, scaleGraph(X, 1.3));
    const { result } = await evaluate({ ...smoke, suite: "burgers1d", model });
    checkResult(JSON.parse(JSON.stringify(result)), "result.json");
    // The expected step from the reference itself: first n with max|1.3ⁿ·u₀| > 10·max_t |u_ref|.
    const { ics, steps } = suite.tiers.smoke;
    // The run's own reference (a cache hit: evaluate() just stored it), not a second solve.
    const { ics: ic, reference: ref } = await loadOrGenerateReference(
      suite,
      { seed: suite.seed, ics, steps },
      { cacheDir: smoke.cacheDir },
    );
    for (let i = 0; i < ics; i++) {
      let m0 = 0, mRef = 0;
      for (let x = 0; x < X; x++) m0 = Math.max(m0, Math.abs(ic[i * X + x]));
      for (let k = 0; k < (steps + 1) * X; k++) {
        mRef = Math.max(mRef, Math.abs(ref[i * (steps + 1) * X + k]));
      }
      let n = 1, u = Math.fround(m0);
      for (; n <= steps; n++) {
        u = Math.fround(u * Math.fround(1.3));
        if (u > 10 * mRef) break;
      }
      const d = result.divergence[i];
      assert.equal(d.step, n, JSON.stringify(d));
      assert.equal(d.reason, "bound");
      assert.match(d.detail!, /^max\|u\| \S+ > 10 × \S+ \(reference max\)$/);
    }
    assert.equal(
      divergenceText(result.divergence),
      `${ics}/${ics} (0 NaN/Inf, ${ics} beyond bound)`,
    );
    // Errors from the divergence step on are missing, not 1e23.
    const at = (s: number) =>
      result.rows.find((r) =>
        r.metric === "nrmse" && r.step === s && r.reduction === "mean_over_ics"
      );
    assert.equal(at(steps)!.value, null);
  },
});

Deno.test({
  name: "persistence and the good baselines stay within every suite bound they are run on",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    for (
      const [suite, model] of [
        ["burgers1d", "baseline:persistence"],
        ["burgers1d", "baseline:coarse_solver"],
        ["convection1d", "baseline:upwind"],
        ["convection1d", "baseline:lax_wendroff"],
        ["shallow_water2d", "baseline:linear_extrapolation"],
        ["era5", "baseline:persistence"],
      ]
    ) {
      const { result } = await evaluate({ ...smoke, suite, model });
      assert.ok(
        result.divergence.every((d) => d.step === null && d.reason === undefined),
        `${suite} ${model}: ${JSON.stringify(result.divergence)}`,
      );
    }
  },
});

/**
 * End to end on a reduced smoke run (1 IC × 2 steps of 128²): `baseline:persistence` and
 * `baseline:coarse_solver` through `evaluate()`. The spun-up base state of the suite seed is
 * computed once per machine (cached in `.cache/emubench/hasegawa_wakatani/…/spinup`, ≈ 20 s CPU on
 * a clean clone, see the data card) and the reference is cached in a temporary directory per run.
 * Checks: result rows for both fields, the diagnostics rows (Γⁿ, Γᶜ, E, U) for prediction and
 * reference, the reference diagnostics in the saturated range of the data card, and the coarse
 * solver beating persistence at step 1.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { evaluate } from "../../harness/tasks/run.ts";
import type { ResultRow } from "../../metrics/rows.ts";

const tmp = await Deno.makeTempDir({ prefix: "emubench-hw-" });

const at = (rows: ResultRow[], metric: string, field: string | undefined, step: number) =>
  rows.find((r) =>
    r.metric === metric && r.field === field && r.step === step && r.ic === undefined &&
    r.k === undefined
  );

Deno.test({
  name: "hasegawa_wakatani: persistence and coarse_solver end to end (1 IC × 2 steps)",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const nrmse1: Record<string, number> = {};
    for (const model of ["persistence", "coarse_solver"]) {
      const ev = await evaluate({
        suite: "hasegawa_wakatani",
        model: `baseline:${model}`,
        tier: "smoke",
        ics: 1,
        steps: 2,
        backend: "wasm",
        cacheDir: join(tmp, "cache"),
        outDir: join(tmp, model),
      });
      const rows = ev.result.rows;
      for (const field of ["n", "phi"]) {
        const r = at(rows, "nrmse", field, 1);
        assert.ok(r && r.value! > 0 && Number.isFinite(r.value!), `${model} nrmse ${field}`);
      }
      nrmse1[model] = (at(rows, "nrmse", "n", 1)!.value! + at(rows, "nrmse", "phi", 1)!.value!) / 2;
      const names = new Set(rows.map((r) => r.metric));
      for (const d of ["gamma_n", "gamma_c", "energy", "enstrophy"]) {
        assert.ok(names.has(`diag_${d}_pred`) && names.has(`diag_${d}_ref`), `diag_${d}`);
      }
      const gRef = rows.find((r) => r.metric === "diag_gamma_n_ref" && r.step === 2);
      const eRef = rows.find((r) => r.metric === "diag_energy_ref" && r.step === 2);
      // saturated turbulence (data card): Γⁿ and E well away from the linear phase's ~0
      assert.ok(gRef && gRef.value! > 0.3 && gRef.value! < 1.5, `Γⁿ ref ${gRef?.value}`);
      assert.ok(eRef && eRef.value! > 2 && eRef.value! < 10, `E ref ${eRef?.value}`);
    }
    assert.ok(
      nrmse1.coarse_solver < nrmse1.persistence,
      `coarse ${nrmse1.coarse_solver} vs persistence ${nrmse1.persistence} at step 1`,
    );
    console.log(`nrmse at step 1 (mean of n, φ): ${JSON.stringify(nrmse1)}`);
  },
});

Deno.test({
  name: "hasegawa_wakatani e2e: cleanup",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    await Deno.remove(tmp, { recursive: true });
  },
});

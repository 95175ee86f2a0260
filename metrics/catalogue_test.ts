import assert from "node:assert/strict";
import {
  buildCatalogue,
  describeMetric,
  METRIC_DIRECTIONS,
  type MetricCatalogue,
} from "./catalogue.ts";
import { WeatherTracker } from "./weather_scorer.ts";
import { healpixGrid } from "./weather.ts";
import { stabilityRows } from "./stability.ts";
import type { ResultRow } from "./rows.ts";
import { evaluate } from "../harness/tasks/run.ts";
import { getSuite, listSuites } from "../suites/mod.ts";
import { sampleResult } from "../reports/sample_result.ts";
import { sampleResult2D } from "../reports/sample_result_2d.ts";
import { forecastFixture, reconstructFixture } from "../reports/_era5_fixture.ts";

const ids = (rows: readonly ResultRow[]) => [...new Set(rows.map((r) => r.metric))];

/** Every id known generically (no suite declaration needed), with a well-formed entry. */
function assertDescribed(metrics: readonly string[], where: string): void {
  for (const id of metrics) {
    const d = describeMetric(id);
    assert.ok(d, `${where}: no catalogue entry for "${id}"`);
    assert.ok(METRIC_DIRECTIONS.includes(d.direction), `${where}: ${id} direction`);
    assert.ok(d.label && d.units && d.family, `${where}: ${id} label/units/family`);
  }
}

Deno.test("catalogue: directions of the scores the gate and reports rank by", () => {
  const dir = (id: string) => describeMetric(id)?.direction;
  for (const id of ["mse", "rmse", "nrmse", "spectrum_error_high", "energy_error"]) {
    assert.equal(dir(id), "lower", id);
  }
  for (const id of ["acc", "wb2_acc", "psnr", "wb2_psnr", "stability_rate", "compression_ratio"]) {
    assert.equal(dir(id), "higher", id);
  }
  assert.equal(dir("wb2_rmse"), "lower");
  for (const id of ["energy_pred", "spectrum_ref", "diag_mass_drift_pred", "autocorr_ref_energy"]) {
    assert.equal(dir(id), "none", id);
  }
  // Patterns: diagnostic and temporal series names, drift before plain pred/ref.
  assert.equal(describeMetric("diag_gamma_n_drift_ref")?.label, "gamma_n drift (reference)");
  assert.equal(describeMetric("diag_gamma_n_ref")?.label, "gamma_n (reference)");
  assert.equal(describeMetric("temporal_spectrum_error_diag_mass")?.direction, "lower");
  assert.equal(describeMetric("autocorr_error_energy")?.family, "temporal");
  // Unknown ids are unknown, not guessed: no prefix or suffix matches by accident.
  for (
    const id of ["", "wb2_", "wb2_mse", "wb2_wb2_acc", "diag__pred", "autocorr_error_u", "toString"]
  ) {
    assert.equal(describeMetric(id), undefined, JSON.stringify(id));
  }
});

Deno.test("catalogue: a suite's declarations override the generic entry; unknown ids throw", () => {
  const cat = buildCatalogue(["psnr", "energy_error", "custom"], [
    { id: "energy_error", higherIsBetter: false, description: "|Eₚ − Eᵧ| / Eᵧ, E = ½⟨u²⟩" },
    { id: "custom", higherIsBetter: true, description: "a suite's own", label: "C", units: "m" },
    { id: "psnr", higherIsBetter: false, description: "inverted on purpose" },
  ]);
  assert.deepEqual(cat.custom, {
    direction: "higher",
    label: "C",
    units: "m",
    family: "suite",
    description: "a suite's own",
  });
  assert.equal(cat.energy_error.description, "|Eₚ − Eᵧ| / Eᵧ, E = ½⟨u²⟩");
  assert.equal(cat.energy_error.label, "energy error");
  assert.equal(cat.psnr.direction, "lower");
  assert.throws(() => buildCatalogue(["nrmse", "unheard_of"]), /"unheard_of"/);
  // Every built-in suite's declarations agree with the generic directions (no silent flips).
  for (const s of listSuites()) {
    for (const m of s.metrics) {
      const d = describeMetric(m.id);
      assert.ok(d, `${s.id} declares ${m.id}, which has no generic entry`);
      assert.equal(d.direction, m.higherIsBetter ? "higher" : "lower", `${s.id}: ${m.id}`);
    }
  }
});

Deno.test({
  name: "catalogue: every row metric of the 1D smoke runs is described, in the result too",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    for (const suite of ["burgers1d", "convection1d"]) {
      const { result } = await evaluate({
        suite,
        model: "baseline:persistence",
        tier: "smoke",
        backend: "wasm",
      });
      const metrics = ids(result.rows);
      assert.ok(
        metrics.includes("autocorr_error_energy") && metrics.includes("spectrum_error_low"),
      );
      assertDescribed(metrics, suite);
      assert.deepEqual(Object.keys(result.catalogue), [...metrics].sort(), suite);
      // The suite's declarations are what the result records for the ids it declares.
      for (const m of getSuite(suite).metrics) {
        if (!metrics.includes(m.id)) continue;
        assert.equal(result.catalogue[m.id].description, m.description);
        assert.equal(result.catalogue[m.id].direction, m.higherIsBetter ? "higher" : "lower");
      }
      assert.deepEqual(result.suite.spectrum, {
        name: "energy spectrum",
        x: "wavenumber k",
        y: "E(k)",
      });
      assert.equal(result.suite.grid?.kind, "periodic1d");
      assert.equal(result.suite.energy, "½⟨u²⟩");
    }
  },
});

Deno.test({
  name: "catalogue: every metric of the fixtures, diagnostics, weather, stability and " +
    "reconstruct rows is described",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const check = (rows: readonly ResultRow[], where: string, catalogue?: MetricCatalogue) => {
      assertDescribed(ids(rows), where);
      if (catalogue) assert.deepEqual(Object.keys(catalogue), ids(rows).sort(), where);
    };
    const one = sampleResult({ steps: 20, ics: 2 });
    check(one.rows, "sample 1D", one.catalogue);
    const two = sampleResult2D({ steps: 8, n: 16, ics: 1 });
    assert.ok(ids(two.rows).some((m) => m.startsWith("diag_") && m.endsWith("_drift_pred")));
    check(two.rows, "sample 2D (scorer + diagnostics)", two.catalogue);
    const fc = forecastFixture(3);
    check(fc.rows, "era5 forecast fixture", fc.catalogue);
    const rc = await reconstructFixture(16);
    assert.ok(ids(rc.rows).includes("compression_ratio"));
    check(rc.rows, "era5 reconstruct fixture", rc.catalogue);
    for (const prefix of ["", "wb2_"]) {
      const w = new WeatherTracker({
        fields: ["t2m"],
        grid: healpixGrid(2),
        ics: 1,
        steps: 2,
        climatology: () => new Float64Array(48),
        prefix,
        rmse: true,
      });
      assert.deepEqual(ids(w.rows()), ["acc", "psnr", "rmse"].map((m) => prefix + m));
      check(w.rows(), `weather ${prefix}`);
    }
    check(stabilityRows([null, 7], { lower: 0, upper: 2 }), "stability rows");
    // The stability task's own rows (harness/tasks/stability.ts).
    assertDescribed(["energy_time_mean", "energy_time_std", "spectrum_pred"], "stability task");
  },
});

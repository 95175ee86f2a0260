import assert from "node:assert/strict";
import type { ResultRow } from "../metrics/rows.ts";
import { sampleResult } from "./sample_result.ts";

const mean = (rows: ResultRow[], metric: string, step: number) =>
  rows.find((r) =>
    r.metric === metric && r.step === step && r.ic === undefined && r.k === undefined
  );

const close = (a: number, b: number, rel: number) =>
  Math.abs(a - b) <= rel * Math.max(Math.abs(a), Math.abs(b));

Deno.test("sampleResult: dissipation + dispersion = mse to rounding (Takacs split)", () => {
  const r = sampleResult({ steps: 60, points: 256, summarySteps: [1, 30, 60], diverge: { 1: 40 } });
  for (let step = 1; step <= 60; step++) {
    const mse = mean(r.rows, "mse", step)?.value as number;
    const dis = mean(r.rows, "dissipation", step)?.value as number;
    const dsp = mean(r.rows, "dispersion", step)?.value as number;
    // Rounding is relative to the variance (≈ 2 × energy), not to the much smaller mse.
    const scale = 2 * (mean(r.rows, "energy_ref", step)?.value as number);
    assert.ok(
      Math.abs(dis + dsp - mse) <= 1e-13 * scale,
      `step ${step}: ${dis} + ${dsp} vs ${mse}`,
    );
  }
});

Deno.test("sampleResult: spectra satisfy Parseval, Σ_k E(k) = ½⟨u²⟩", () => {
  const r = sampleResult({ steps: 60, points: 256, summarySteps: [1, 30, 60], diverge: { 1: 40 } });
  for (const step of [1, 30, 60]) {
    for (const kind of ["pred", "ref"]) {
      const sum = r.rows
        .filter((x) => x.metric === `spectrum_${kind}` && x.step === step && x.k !== undefined)
        .reduce((a, x) => a + (x.value as number), 0);
      const energy = mean(r.rows, `energy_${kind}`, step)?.value as number;
      assert.ok(close(sum, energy, 1e-10), `${kind} step ${step}: ${sum} vs ${energy}`);
    }
  }
});

Deno.test("sampleResult: a diverged IC is missing from its divergence step on, never zero", () => {
  const r = sampleResult();
  assert.deepEqual(r.divergence.map((d) => d.step), [null, null, 150, null]);
  const perIc = r.rows.filter((x) => x.ic === 2 && x.metric === "nrmse");
  assert.deepEqual(perIc.map((x) => [x.step, x.value === null]), [
    [1, false],
    [50, false],
    [100, false],
    [150, true],
    [200, true],
  ]);
  assert.equal(mean(r.rows, "mse", 149)?.n, 4);
  assert.equal(mean(r.rows, "mse", 150)?.n, 3);
  assert.ok(r.rows.every((x) => x.value === null || Number.isFinite(x.value)));
  const blowUp = r.snapshots.find((s) => s.ic === 2 && s.step === 150);
  assert.ok(blowUp && blowUp.pred.some((v) => v === null) && blowUp.pred.some((v) => v !== null));
});

Deno.test("sampleResult: all ICs diverged gives null means and a null geomean", () => {
  const r = sampleResult({
    steps: 30,
    points: 64,
    ics: 2,
    summarySteps: [10, 30],
    diverge: { 0: 12, 1: 20 },
  });
  assert.equal(mean(r.rows, "mse", 19)?.n, 1);
  assert.equal(mean(r.rows, "mse", 20)?.value, null);
  assert.equal(mean(r.rows, "mse", 20)?.n, 0);
  assert.equal(mean(r.rows, "energy_ref", 30)?.n, 2);
  const geo = r.rows.find((x) =>
    x.metric === "nrmse" && x.reduction === "geomean_over_steps_then_mean_over_ics"
  );
  assert.equal(geo?.value, null);
});

Deno.test("sampleResult is deterministic and validates its grid size", () => {
  const a = sampleResult({ steps: 10, points: 64, summarySteps: [5, 10] });
  const b = sampleResult({ steps: 10, points: 64, summarySteps: [5, 10] });
  assert.deepEqual(a, b);
  assert.throws(() => sampleResult({ points: 100 }), {
    name: "RangeError",
    message: /power of two, found 100/,
  });
});

import assert from "node:assert/strict";
import { entriesFor } from "./charts.ts";
import { sampleResult } from "./sample_result.ts";
import { comparisonTable, formatNumber, modelsTable, scalarTable, summaryTable } from "./tables.ts";

const small = (o: Parameters<typeof sampleResult>[0] = {}) =>
  sampleResult({
    steps: 40,
    ics: 3,
    points: 64,
    summarySteps: [1, 20, 40],
    diverge: { 1: 30 },
    ...o,
  });

/** Header cells and body rows of the first table, tags stripped (entities kept). */
function cells(html: string): { head: string[]; body: string[][] } {
  const text = (s: string) => s.replace(/<[^>]*>/g, "").trim();
  const head = [...html.matchAll(/<th[^>]*>([\s\S]*?)<\/th>/g)].map((m) => text(m[1]));
  const body = [...html.matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)]
    .map((m) => [...m[1].matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((c) => text(c[1])))
    .filter((r) => r.length > 0);
  return { head, body };
}

Deno.test("formatNumber: 4 significant digits, exponent outside [1e-3, 1e5)", () => {
  assert.equal(formatNumber(0), "0");
  assert.equal(formatNumber(0.0123456), "0.01235");
  assert.equal(formatNumber(12.5), "12.5");
  assert.equal(formatNumber(-0.001), "-0.001");
  assert.equal(formatNumber(1.5e-7), "1.500e-7");
  assert.equal(formatNumber(123456), "1.235e+5");
});

Deno.test("summaryTable: metrics × summary steps, geomean, † after divergence", () => {
  const r = small();
  const { head, body } = cells(summaryTable(r));
  assert.deepEqual(head, ["metric", "field", "step 1", "step 20", "step 40", "geomean over steps"]);
  assert.deepEqual(body.map((row) => row[0]), [
    "nrmse",
    "rmse",
    "mse",
    "dissipation",
    "dispersion",
    "spectrum_error",
    "energy_pred",
    "energy_ref",
  ]);
  const nrmse = body[0];
  assert.ok(!nrmse[2].includes("†") && !nrmse[3].includes("†"));
  assert.ok(nrmse[4].endsWith(" †"), "step 40 averages 2 of 3 ICs");
  const geo = r.rows.find((x) =>
    x.metric === "nrmse" && x.reduction === "geomean_over_steps_then_mean_over_ics"
  );
  assert.equal(nrmse[5], formatNumber(geo?.value as number));
  assert.equal(
    body[7][4],
    formatNumber(
      r.rows.find((x) => x.metric === "energy_ref" && x.step === 40 && x.ic === undefined)
        ?.value as number,
    ),
  );
  // No geomean row for energy: blank, not the "diverged" dash.
  assert.equal(body[7][5], "");
});

Deno.test("summaryTable: a step where every IC diverged shows a marked dash", () => {
  const r = small({ diverge: { 0: 10, 1: 15, 2: 18 } });
  const html = summaryTable(r);
  const { body } = cells(html);
  assert.equal(body[0][3], "—");
  assert.equal(body[0][5], "—", "geomean over a curve with missing steps is missing");
  assert.match(html, /<span class="na" title="no value: every IC had diverged by this step">—/);
});

Deno.test("tables escape submitter strings in cells and headers", () => {
  const evil = `<img src=x onerror=alert(1)>`;
  const r = small({ fields: [evil], name: `</td><script>alert(1)</script>`, authors: [evil] });
  for (
    const html of [
      summaryTable(r),
      comparisonTable(entriesFor([r, r]), evil),
      comparisonTable(entriesFor([r, r]), "nrmse"),
      modelsTable(entriesFor([r])),
    ]
  ) {
    assert.ok(!html.includes("<img"), html.slice(0, 200));
    assert.ok(!html.includes("<script"), html.slice(0, 200));
  }
  assert.ok(summaryTable(r).includes("&lt;img src=x onerror=alert(1)&gt;"));
  assert.ok(comparisonTable(entriesFor([r, r]), evil).includes("No &lt;img"));
});

Deno.test("comparisonTable: one row per model, colour key, divergence and throughput", () => {
  const a = small({ name: "a", diverge: {} });
  const b = small({ name: "b", diverge: { 0: 10, 1: 15, 2: 18 } });
  const html = comparisonTable(entriesFor([a, b]), "nrmse");
  const { head, body } = cells(html);
  assert.deepEqual(head, [
    "model",
    "field",
    "step 1",
    "step 20",
    "step 40",
    "geomean over steps",
    "diverged ICs",
    "steps / s",
    "backend",
  ]);
  assert.deepEqual(body.map((r) => [r[0], r[6]]), [["a", "0 / 3"], ["b", "3 / 3"]]);
  assert.equal(body[1][3], "—");
  assert.match(html, /border-left: 5px solid #0072B2;/);
  assert.match(html, /border-left: 5px solid #D55E00;/);
});

Deno.test("scalarTable lists step-free scalars other than geomeans, or nothing", () => {
  const r = small();
  assert.equal(scalarTable(r), "");
  r.rows.push({ metric: "stability_rate", field: "*", value: 0.75, reduction: "wilson_95" });
  const { head, body } = cells(scalarTable(r));
  assert.deepEqual(head, ["metric", "field", "reduction", "value"]);
  assert.deepEqual(body, [["stability_rate", "*", "wilson_95", "0.75"]]);
});

import assert from "node:assert/strict";
import type { ResultRow } from "../metrics/rows.ts";
import { buildSections, curveOf, entriesFor, PALETTE, REF_COLOR, spectrumOf } from "./charts.ts";
import { sampleResult } from "./sample_result.ts";

const small = (o: Parameters<typeof sampleResult>[0] = {}) =>
  sampleResult({
    steps: 40,
    ics: 3,
    points: 128,
    summarySteps: [1, 20, 40],
    diverge: { 1: 30 },
    ...o,
  });

Deno.test("curveOf keeps means over ICs only, sorted by step, null as null", () => {
  const rows: ResultRow[] = [
    { metric: "mse", field: "u", step: 2, value: null, n: 0 },
    { metric: "mse", field: "u", step: 1, value: 0.5, n: 2 },
    { metric: "mse", field: "u", step: 1, value: 9, ic: 0 },
    { metric: "mse", field: "v", step: 1, value: 7 },
    { metric: "mse", field: "u", value: 3, reduction: "geomean_over_steps_then_mean_over_ics" },
  ];
  assert.deepEqual(curveOf(rows, "mse", "u"), { x: [1, 2], y: [0.5, null] });
});

Deno.test("error curves carry the IQR band of the rows; the caption says what it is", () => {
  const r = small();
  const rows = r.rows.filter((x) =>
    x.metric === "nrmse" && x.reduction === "mean_over_ics" && x.step !== undefined
  ).sort((a, b) => a.step! - b.step!);
  const [errors, physics] = buildSections(entriesFor([r]));
  const fig = errors.figures.find((f) => f.chart.title.startsWith("nrmse"))!;
  const band = fig.chart.series[0].band!;
  assert.equal(band.lower.length, rows.length);
  rows.forEach((x, i) => {
    assert.equal(band.lower[i], Number(x.q25!.toPrecision(6)));
    assert.equal(band.upper[i], Number(x.q75!.toPrecision(6)));
  });
  assert.match(fig.caption, /interquartile range across ICs/);
  // The single-run split panel (three means) draws none; results without q25/q75 none either.
  assert.ok(physics.figures[0].chart.series.every((x) => x.band === undefined));
  assert.doesNotMatch(physics.figures[0].caption, /interquartile/);
  const old = small();
  old.rows = old.rows.map(({ q25: _a, q75: _b, ...x }) => x);
  const plain = buildSections(entriesFor([old]))[0].figures[0];
  assert.ok(plain.chart.series.every((x) => x.band === undefined));
  assert.doesNotMatch(plain.caption, /interquartile/);
});

Deno.test("spectrumOf drops k = 0 and sorts by k", () => {
  const rows: ResultRow[] = [
    { metric: "spectrum_ref", field: "u", step: 5, k: 2, value: 0.25 },
    { metric: "spectrum_ref", field: "u", step: 5, k: 0, value: 1 },
    { metric: "spectrum_ref", field: "u", step: 5, k: 1, value: 0.5 },
    { metric: "spectrum_ref", field: "u", step: 6, k: 1, value: 9 },
  ];
  assert.deepEqual(spectrumOf(rows, "spectrum_ref", "u", 5), { x: [1, 2], y: [0.5, 0.25] });
});

Deno.test("entriesFor gives unique labels and palette colours in order", () => {
  const r = small();
  const e = entriesFor([r, r, { ...r, model: { ...r.model, name: "other" } }]);
  assert.deepEqual(e.map((x) => x.label), ["sample-unet", "sample-unet #2", "other"]);
  assert.deepEqual(e.map((x) => x.color), PALETTE.slice(0, 3));
});

Deno.test("run page: sections, figure counts, log axes and divergence markers", () => {
  const sections = buildSections(entriesFor([small()]));
  assert.deepEqual(sections.map((s) => [s.id, s.figures.length]), [
    ["errors", 2],
    ["physics", 2],
    ["spectra", 3],
    ["snapshots", 4], // IC 0 at 3 summary steps + IC 1 at its divergence step
  ]);
  const charts = sections.flatMap((s) => s.figures.map((f) => f.chart));
  assert.equal(new Set(charts.map((c) => c.id)).size, charts.length);
  const [mse, nrmse] = sections[0].figures.map((f) => f.chart);
  assert.equal(mse.yScale, "log");
  assert.equal(nrmse.yScale, "log");
  assert.deepEqual(mse.markers, [{ x: 30, label: "IC 1 diverged", color: "#C62828" }]);
  const spectra = sections[2].figures.map((f) => f.chart);
  assert.ok(spectra.every((c) => c.xScale === "log" && c.yScale === "log"));
  // Shared axes across the small multiples, k ≥ 1 only.
  assert.ok(spectra.every((c) => JSON.stringify(c.yDomain) === JSON.stringify(spectra[0].yDomain)));
  assert.ok(spectra.every((c) => c.series.every((s) => s.x[0] === 1)));
  const energy = sections[1].figures[1].chart;
  assert.equal(energy.yScale, "linear");
  assert.deepEqual(energy.series.map((s) => s.label), ["reference", "prediction"]);
});

Deno.test("comparison: one colour per model, reference drawn once, gaps where all diverged", () => {
  const a = small({ name: "a" });
  const b = small({ name: "b", phaseError: 0.01, diverge: { 0: 25, 1: 25, 2: 35 } });
  const sections = buildSections(entriesFor([a, b]));
  assert.deepEqual(sections.map((s) => [s.id, s.figures.length]), [
    ["errors", 2],
    ["physics", 3],
    ["spectra", 3],
    ["snapshots", 3],
  ]);
  const nrmse = sections[0].figures[1].chart;
  assert.deepEqual(nrmse.series.map((s) => [s.label, s.color]), [["a", PALETTE[0]], [
    "b",
    PALETTE[1],
  ]]);
  const yb = nrmse.series[1].y;
  assert.ok(yb.slice(0, 34).every((v) => v !== null && v > 0));
  assert.ok(yb.slice(34).every((v) => v === null), "missing after the last IC diverged");
  const energy = sections[1].figures[2].chart;
  assert.deepEqual(energy.series.map((s) => [s.label, s.color]), [
    ["reference", REF_COLOR],
    ["a", PALETTE[0]],
    ["b", PALETTE[1]],
  ]);
  // Markers in each model's colour, labelled with the ICs.
  assert.deepEqual(nrmse.markers.map((m) => [m.x, m.label, m.color]), [
    [30, "IC 1", PALETTE[0]],
    [25, "ICs 0, 1", PALETTE[1]],
    [35, "IC 2", PALETTE[1]],
  ]);
  // The last spectrum of b has no finite values: noted, not drawn as zeros.
  const last = sections[2].figures[2].chart;
  assert.match(last.note ?? "", /no finite spectrum: b/);
});

Deno.test("comparison with different references draws one dashed reference per model", () => {
  const a = small({ name: "a" });
  const b = small({ name: "b", seed: 99 });
  const energy = buildSections(entriesFor([a, b]))[1].figures[2].chart;
  assert.deepEqual(energy.series.map((s) => [s.label, s.dash]), [
    ["reference (a)", "dashed"],
    ["reference (b)", "dashed"],
    ["a", "solid"],
    ["b", "solid"],
  ]);
});

Deno.test("buildSections refuses an empty list", () => {
  assert.throws(() => buildSections([]), { name: "RangeError", message: /found 0/ });
});

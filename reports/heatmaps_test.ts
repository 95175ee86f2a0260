import assert from "node:assert/strict";
import { encodeCodes, heatmapSections, MISSING_CODE } from "./heatmaps.ts";
import { entriesFor } from "./charts.ts";
import { renderReport } from "./html.ts";
import { sampleResult } from "./sample_result.ts";
import { sampleResult2D } from "./sample_result_2d.ts";

const decode = (b64: string) => Array.from(atob(b64), (c) => c.charCodeAt(0));
const ids = () => {
  let n = 0;
  return () => `h${n++}`;
};

Deno.test("encodeCodes: linear codes over the domain, clamped, 255 for missing", () => {
  assert.deepEqual(decode(encodeCodes([-1, 0, 0.25, 1, 2, null, NaN, Infinity], [0, 1])), [
    0,
    0,
    64,
    254,
    254,
    MISSING_CODE,
    MISSING_CODE,
    MISSING_CODE,
  ]);
  assert.deepEqual(decode(encodeCodes([-2, 0, 2], [-2, 2])), [0, 127, 254]);
  assert.throws(() => encodeCodes([1], [1, 1]), RangeError);
  assert.throws(() => encodeCodes([1], [0, NaN]), RangeError);
});

Deno.test("heatmapSections: space–time diagram and 2D snapshots with shared colour domains", () => {
  const r = sampleResult2D({ n: 16, steps: 30, diverge: { 0: 28 } });
  const [hov, snaps] = heatmapSections(entriesFor([r]), ids());
  assert.equal(hov.id, "hovmoller");
  assert.deepEqual(hov.heatmaps.map((f) => f.title), [
    "h · reference",
    "h · prediction",
    "h · prediction − reference",
  ]);
  const [ref, pred, diff] = hov.heatmaps.map((f) => f.heatmap);
  assert.equal(ref.rows, 31);
  assert.equal(ref.columns, 16);
  assert.deepEqual(ref.yExtent, [-0.5, 30.5]);
  assert.equal(ref.scheme, "sequential");
  assert.deepEqual(pred.zDomain, ref.zDomain);
  assert.equal(diff.scheme, "diverging");
  assert.equal(diff.zDomain[0], -diff.zDomain[1]);
  // Rows from the divergence step on are missing in the prediction and the difference.
  for (const spec of [pred, diff]) {
    const codes = decode(spec.codes);
    assert.equal(codes.length, 31 * 16);
    assert.ok(codes.slice(28 * 16).every((c) => c === MISSING_CODE));
    assert.ok(codes.slice(0, 28 * 16).every((c) => c !== MISSING_CODE));
  }
  assert.match(pred.note ?? "", /diverged at step 28/);
  // Snapshots: h, u, v at step 25 (step 30 is after the divergence): reference, prediction,
  // difference each; u and v take both signs, so they are drawn diverging around 0.
  assert.equal(snaps.id, "snapshots2d");
  assert.equal(snaps.heatmaps.length, 9);
  const schemes = snaps.heatmaps.map((f) => f.heatmap.scheme).join();
  assert.equal(
    schemes,
    [
      "sequential,sequential,diverging",
      "diverging,diverging,diverging",
      "diverging,diverging,diverging",
    ].join(),
  );
  const u = snaps.heatmaps[3].heatmap;
  assert.equal(u.zDomain[0], -u.zDomain[1]);
  assert.equal(u.aspect, 1);
});

Deno.test("heatmapSections: comparison shows the reference once, then each model", () => {
  const a = sampleResult2D({ n: 16, steps: 12 });
  const b = sampleResult2D({ n: 16, steps: 12, name: "lin", phaseError: 0, history: 2 });
  const [hov, snaps] = heatmapSections(entriesFor([a, b]), ids());
  assert.equal(hov.heatmaps.length, 5);
  assert.equal(hov.heatmaps[0].legend[0].label, "reference");
  // One difference domain for both models.
  assert.deepEqual(hov.heatmaps[2].heatmap.zDomain, hov.heatmaps[4].heatmap.zDomain);
  assert.match(hov.heatmaps[3].caption, /Steps 0–1 are the reference states/);
  assert.equal(snaps.heatmaps.length, 3 * 2 * 5); // 3 fields × steps 10, 12 × (ref + 2 × 2)
});

Deno.test("1D results get no heatmap section and an unchanged client payload", () => {
  const r = sampleResult({ steps: 20, ics: 2 });
  assert.deepEqual(heatmapSections(entriesFor([r]), ids()), []);
  const page = renderReport([r]);
  assert.ok(!page.includes('"heatmaps"'));
  assert.ok(!page.includes("Space–time diagram"));
});

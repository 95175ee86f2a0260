import assert from "node:assert/strict";
import { buildSections, entriesFor } from "./charts.ts";
import { frontierSection } from "./frontier.ts";
import { sampleResult } from "./sample_result.ts";
import type { Frontier } from "../harness/results/schema.ts";
import { renderReport } from "./html.ts";
import { frontierEntry, sampleFrontier } from "../harness/results/_frontier_fixture.ts";

/** Three rungs (2×: slow, accurate … 8×: cheap) and a model, numbers made up. */
function frontier(): Frontier {
  return sampleFrontier(
    ([[2, 0.01, 4e-3], [4, 0.04, 1e-3], [8, null, 2e-4]] as const).map(([f, e, s]) => ({
      factor: f,
      error: [0.001, e],
      seconds: s,
      label: `${f}× (x)`,
    })),
    frontierEntry([0.002, 0.05], 5e-5, "sample-unet"),
    { timing: "cached", compared: "Compared on the same wasm backend." },
  );
}

Deno.test("frontier chart: log–log, the ladder sorted by cost as a line, the model as a point", () => {
  const r = { ...sampleResult({ steps: 10, ics: 2 }), frontier: frontier() };
  const s = frontierSection(entriesFor([r]), () => "c9")!;
  assert.equal(s.id, "frontier");
  const c = s.figures[0].chart;
  assert.equal(c.xScale, "log");
  assert.equal(c.yScale, "log");
  const [ladder, model] = c.series;
  // sorted by seconds per step: 8× (2e-4, lost an IC → gap), 4×, 2×
  assert.deepEqual(ladder.x, [2e-4, 1e-3, 4e-3]);
  assert.deepEqual(ladder.y, [null, 0.04, 0.01]);
  assert.equal(ladder.points, true);
  assert.deepEqual([model.x, model.y, model.label], [[5e-5], [0.05], "sample-unet"]);
  // decades around the data: 5e-5..4e-3 → [1e-5, 1e-2]; 0.01..0.05 → [1e-2, 1e-1]
  assert.deepEqual(c.xDomain, [1e-5, 1e-2]);
  assert.deepEqual(c.yDomain, [0.01, 0.1]);
  const caption = s.figures[0].caption;
  for (
    const part of [
      "8× (x) lost an IC",
      "cached timing",
      "error-matched rung is 4× (x)",
      "same wasm",
    ]
  ) {
    assert.ok(caption.includes(part), `${part} in ${caption}`);
  }
});

Deno.test("frontier chart: only results with a block; reports still build without one", () => {
  const plain = sampleResult({ steps: 10, ics: 2 });
  assert.equal(frontierSection(entriesFor([plain]), () => "c0"), undefined);
  assert.ok(!buildSections(entriesFor([plain])).some((s) => s.id === "frontier"));
  const withF = { ...plain, frontier: frontier() };
  const both = buildSections(entriesFor([withF, plain]));
  const f = both.find((s) => s.id === "frontier")!;
  assert.equal(f.figures[0].chart.series.length, 2); // one result's ladder and model
  assert.equal(f.figures[0].chart.series[0].dash, "dashed"); // comparison: in the model's colour
  const html = renderReport([withF]);
  assert.ok(html.includes('id="frontier"'));
});

Deno.test("frontier chart: results of different horizons are labelled each with its own step", () => {
  const a = { ...sampleResult({ steps: 10, ics: 2 }), frontier: frontier() };
  // A second run to step 20 (its own frontier block, headline step 20).
  const f20: Frontier = { ...frontier(), steps: [1, 20], headlineStep: 20 };
  const b = { ...sampleResult({ steps: 20, ics: 2 }), frontier: f20 };
  const c = frontierSection(entriesFor([a, b]), () => "c1")!.figures[0].chart;
  assert.ok(!c.title.includes("step 10") && c.title.includes("at the horizon"), c.title);
  assert.ok(c.yLabel.includes("at the horizon") && !c.yLabel.includes("step 10"), c.yLabel);
  const labels = c.series.map((x) => x.label);
  assert.equal(labels.filter((l) => l.includes("at step 10")).length, 2, labels.join(" | "));
  assert.equal(labels.filter((l) => l.includes("at step 20")).length, 2, labels.join(" | "));
  // Same horizon: the axis names it, the series do not repeat it.
  const same = frontierSection(entriesFor([a, { ...a }]), () => "c2")!.figures[0].chart;
  assert.ok(same.yLabel.startsWith("nRMSE at step 10"), same.yLabel);
  assert.ok(same.series.every((x) => !x.label.includes("at step")));
});

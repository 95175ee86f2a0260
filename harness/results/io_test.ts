import assert from "node:assert/strict";
import { validateResult } from "./io.ts";
import { sampleResult } from "../../reports/sample_result.ts";
import { sampleResult2D } from "../../reports/sample_result_2d.ts";
import type { Result } from "./schema.ts";

const roundTrip = (r: Result): Result => JSON.parse(JSON.stringify(r));

Deno.test("validateResult accepts 1D results (no hovmoller) and 2D results with one", () => {
  const one = roundTrip(sampleResult({ steps: 10, ics: 2 }));
  assert.equal(validateResult(one, "1d.json").hovmoller, undefined);
  const two = roundTrip(sampleResult2D({ n: 8, steps: 6, diverge: { 0: 4 } }));
  assert.equal(validateResult(two, "2d.json").hovmoller?.pred[5], null);
});

Deno.test("validateResult names the broken part of a hovmoller block or snapshot shape", () => {
  const cases: [(r: Result) => void, string][] = [
    [(r) => (r.hovmoller!.ref[2] = r.hovmoller!.ref[2].slice(1)), "hovmoller.ref[2]"],
    [(r) => ((r.hovmoller!.pred[1] as unknown[])[0] = "x"), "hovmoller.pred[1]"],
    [(r) => (r.hovmoller!.pred = r.hovmoller!.pred.slice(1)), "hovmoller.pred"],
    [(r) => (r.hovmoller!.steps = [0, 2, 1, 3, 4, 5, 6]), "hovmoller.steps"],
    [(r) => ((r.hovmoller as unknown as { axis: string }).axis = "y"), "hovmoller.axis"],
    [(r) => (r.hovmoller!.firstStep = 0), "hovmoller.firstStep"],
    [(r) => (r.snapshots[0].shape = [8, 7]), "snapshots[0].shape"],
  ];
  for (const [breakIt, field] of cases) {
    const r = roundTrip(sampleResult2D({ n: 8, steps: 6 }));
    breakIt(r);
    assert.throws(
      () => validateResult(r, "bad.json"),
      (e) => e instanceof TypeError && e.message.includes(field),
      field,
    );
  }
});

Deno.test("validateResult checks a reductions block and names its broken part", () => {
  const reductions = {
    where: "device" as const,
    precision: "float32" as const,
    backend: "webgpu",
    note: "n",
    omitted: [{ family: "scorer", metrics: ["spectrum_error"], because: "b" }],
  };
  const r = roundTrip({ ...sampleResult({ steps: 4, ics: 1 }), reductions });
  assert.equal(validateResult(r, "r.json").reductions?.backend, "webgpu");
  const broken = [
    [{ ...reductions, where: "host" }, "r.json: reductions"],
    [{ ...reductions, omitted: "all" }, "r.json: reductions.omitted"],
    [{ ...reductions, omitted: [{ family: "x" }] }, "r.json: reductions.omitted[0]"],
    [{ ...reductions, omitted: [{ family: "x", because: "y", metrics: [1] }] }, "omitted[0]"],
  ] as const;
  for (const [bad, words] of broken) {
    assert.throws(
      () => validateResult({ ...r, reductions: bad }, "r.json"),
      (e: Error) => e.message.includes(words),
    );
  }
});

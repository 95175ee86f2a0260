import assert from "node:assert/strict";
import { suiteTrackers, WARM_UP_MAX_VALUES, warmUpTrackers } from "./suite_trackers.ts";
import { getSuite, gridSize } from "../../suites/mod.ts";

Deno.test("warmUpTrackers: runs for states of ≤ WARM_UP_MAX_VALUES values only, and leaves a run's rows alone", () => {
  const run = { ics: 2, steps: 12, history: 1, summarySteps: [1, 12], seed: 0 };
  const rowsOf = (id: string) => {
    const suite = getSuite(id), n = suite.fields.length * gridSize(suite.grid);
    const set = suiteTrackers(suite, run);
    const ics = suite.initialConditions(run.ics, suite.seed);
    for (let ic = 0; ic < run.ics; ic++) set.observeInitial(ic, ics.subarray(ic * n, (ic + 1) * n));
    for (let step = 1; step <= run.steps; step++) {
      for (let ic = 0; ic < run.ics; ic++) {
        const y = ics.subarray(ic * n, (ic + 1) * n);
        set.observe(ic, step, y.map((v, j) => v * (1 - 0.01 * step) + 1e-3 * Math.sin(j)), y);
      }
    }
    return JSON.stringify(set.rows());
  };
  for (const id of ["burgers1d", "convection1d", "shallow_water2d"]) {
    const suite = getSuite(id),
      small = suite.fields.length * gridSize(suite.grid) <= WARM_UP_MAX_VALUES;
    const before = rowsOf(id);
    assert.equal(warmUpTrackers(suite, run), small, id);
    assert.equal(rowsOf(id), before, `${id}: rows after the warm-up`);
  }
});

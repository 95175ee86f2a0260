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

Deno.test("suiteTrackers: a run's live ICs reserved in set-up (TrackedRun.live) give the same rows", () => {
  const suite = getSuite("burgers1d");
  const run = { ics: 3, steps: 12, history: 1, summarySteps: [1, 12], seed: suite.seed };
  const x = 1024;
  const rows = (live?: number) => {
    const set = suiteTrackers(suite, live === undefined ? run : { ...run, live });
    const y = new Float32Array(x), p = new Float32Array(x);
    // One IC after another: with one live IC reserved, each series reuses the last one's memory.
    for (let ic = 0; ic < 3; ic++) {
      for (let n = 0; n <= 12; n++) {
        for (let j = 0; j < x; j++) {
          y[j] = Math.sin((2 * Math.PI * j) / x + ic + 0.2 * n);
          p[j] = y[j] + 0.01 * Math.cos(3 * j + n + ic);
        }
        if (n === 0) set.observeInitial(ic, y);
        else set.observe(ic, n, p, y);
      }
    }
    return set.rows();
  };
  const plain = rows();
  assert.ok(plain.some((r) => r.metric === "autocorr_error"), "temporal rows present");
  assert.deepEqual(rows(1), plain);
  assert.deepEqual(rows(3), plain);
});

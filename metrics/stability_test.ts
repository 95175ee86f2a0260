import assert from "node:assert/strict";
import { energyBand, firstExitStep, stabilityRate, stabilityRows } from "./stability.ts";

Deno.test("energyBand is μ ± 5σ by default and refuses bad statistics", () => {
  assert.deepEqual(energyBand({ mean: 10, std: 2 }), { lower: 0, upper: 20 });
  assert.deepEqual(energyBand({ mean: 0, std: 0 }), { lower: 0, upper: 0 });
  assert.throws(() => energyBand({ mean: NaN, std: 1 }), RangeError);
  assert.throws(() => energyBand({ mean: 1, std: -1 }), RangeError);
  assert.throws(() => energyBand({ mean: 1, std: 1 }, 0), RangeError);
});

Deno.test("firstExitStep: exact small cases (edges inclusive, both sides, first of several)", () => {
  const band = { lower: -1, upper: 1 };
  assert.equal(firstExitStep([0, 1, -1, 0.5], band), null); // on the edges is inside
  assert.equal(firstExitStep([0, 0, 1.0000001, 5], band), 2);
  assert.equal(firstExitStep([0, 0, 0, -1.5, 0], band), 3);
  assert.equal(firstExitStep([0, Infinity, 0], band), 1);
  assert.equal(firstExitStep([0, -Infinity, 0], band), 1);
  assert.equal(firstExitStep([0, 0, null, 0], band), 2);
  // Steps before firstStep (reference history) and after the horizon are not checked.
  assert.equal(firstExitStep([9, 9, 0, 0, 9], band, { firstStep: 2, horizon: 3 }), null);
  assert.equal(firstExitStep([9, 9, 0, 0, 9], band, { firstStep: 2 }), 4);
  assert.throws(() => firstExitStep([0, 0], band, { horizon: 2 }), RangeError);
  assert.throws(() => firstExitStep([0, 0], band, { firstStep: 3 }), RangeError);
});

Deno.test("firstExitStep: divergence counts as an exit unless the band was left earlier", () => {
  const band = { lower: 0, upper: 2 };
  // Energies after divergence are nulls in the scorer; divergence at 3 is the exit.
  assert.equal(firstExitStep([1, 1, 1, null, null], band, { divergedAt: 3 }), 3);
  // Left the band at 2, diverged at 3: the exit is 2.
  assert.equal(firstExitStep([1, 1, 5, null, null], band, { divergedAt: 3 }), 2);
  // Divergence beyond the horizon is not an exit within it.
  assert.equal(firstExitStep([1, 1, 1, 1], band, { divergedAt: 4, horizon: 3 }), null);
  assert.equal(firstExitStep([1, 1, 1, 1], band, { divergedAt: null }), null);
});

Deno.test("stabilityRate: rate k/n with the Wilson closed form", () => {
  const exits = [null, null, null, 12, null, 4, null, null, null, null]; // 8 of 10 stable
  const r = stabilityRate(exits);
  assert.equal(r.stable, 8);
  assert.equal(r.rate, 0.8);
  // Closed form with p = 0.8, n = 10, z = 1.96.
  const z = 1.96, n = 10, p = 0.8, d = 1 + z * z / n;
  const c = (p + z * z / (2 * n)) / d;
  const h = (z / d) * Math.sqrt(p * (1 - p) / n + z * z / (4 * n * n));
  assert.ok(Math.abs(r.lower - (c - h)) < 1e-15 && Math.abs(r.upper - (c + h)) < 1e-15);
  assert.ok(Math.abs(r.lower - 0.4902) < 1e-4 && Math.abs(r.upper - 0.9433) < 1e-4); // Newcombe
  // All stable: upper bound exactly 1, lower n/(n + z²).
  const all = stabilityRate(new Array(20).fill(null));
  assert.equal(all.upper, 1);
  assert.ok(Math.abs(all.lower - 20 / (20 + z * z)) < 1e-14);
  assert.throws(() => stabilityRate([]), RangeError);
});

Deno.test("stabilityRows: the gate's row shape, band rows and one first-exit row per IC", () => {
  const rows = stabilityRows([null, 3, null, null], { lower: 1, upper: 9 });
  const rate = rows.filter((r) => r.metric === "stability_rate");
  assert.equal(rate.length, 1);
  assert.deepEqual(rate[0], {
    metric: "stability_rate",
    field: "*",
    value: 0.75,
    n: 4,
    reduction: "wilson_95",
  });
  const lo = rows.find((r) => r.metric === "stability_rate_lower")!;
  const hi = rows.find((r) => r.metric === "stability_rate_upper")!;
  assert.ok(lo.value! < 0.75 && hi.value! > 0.75 && lo.step === undefined);
  assert.equal(rows.find((r) => r.metric === "energy_band_lower")?.value, 1);
  assert.equal(rows.find((r) => r.metric === "energy_band_upper")?.value, 9);
  const exits = rows.filter((r) => r.metric === "first_exit_step");
  assert.deepEqual(exits.map((r) => [r.ic, r.value]), [[0, null], [1, 3], [2, null], [3, null]]);
});

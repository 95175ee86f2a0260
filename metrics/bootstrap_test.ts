import assert from "node:assert/strict";
import {
  bootstrapMean,
  quantileSorted,
  quartileFields,
  quartileFieldsSorting,
} from "./bootstrap.ts";
import { Rng } from "../harness/core/rng.ts";

Deno.test("bootstrapMean covers the true mean of N(2, 1) about 95% of the time", () => {
  // 300 samples of n = 40 from a known distribution; the percentile interval's coverage is
  // slightly below nominal for small n (≈ 0.94 here), and its mean width ≈ 2·1.96·σ/√n.
  const draw = new Rng(123, 1);
  const trials = 300, n = 40, mu = 2;
  let covered = 0, width = 0;
  for (let t = 0; t < trials; t++) {
    const xs = Array.from({ length: n }, () => mu + draw.normal());
    const ci = bootstrapMean(xs, { resamples: 400, seed: t });
    if (ci.lower! <= mu && mu <= ci.upper!) covered++;
    width += (ci.upper! - ci.lower!) / trials;
  }
  const coverage = covered / trials;
  assert.ok(coverage >= 0.89 && coverage <= 0.99, `coverage ${coverage}`);
  const expected = (2 * 1.96) / Math.sqrt(n);
  assert.ok(Math.abs(width / expected - 1) < 0.1, `mean width ${width} vs ${expected}`);
});

Deno.test("bootstrapMean is deterministic in its seed, and the seed only moves the bounds", () => {
  const xs = [0.3, 0.1, 0.7, 0.25, 0.4, 0.9, 0.05, 0.33];
  const a = bootstrapMean(xs, { seed: 5 }), b = bootstrapMean(xs, { seed: 5 });
  assert.deepEqual(a, b);
  const c = bootstrapMean(xs, { seed: 6 });
  assert.equal(c.mean, a.mean);
  assert.notEqual(c.lower, a.lower);
  assert.equal(a.resamples, 1000);
  assert.equal(a.level, 0.95);
  // A wider level gives a wider interval from the same resamples.
  const w = bootstrapMean(xs, { seed: 5, level: 0.99 });
  assert.ok(w.lower! <= a.lower! && w.upper! >= a.upper!);
});

Deno.test("bootstrapMean treats null as missing: reported as n and missing, never as numbers", () => {
  const with0 = bootstrapMean([1, 2, 3, null, null], { seed: 1 });
  const without = bootstrapMean([1, 2, 3], { seed: 1 });
  assert.deepEqual({ ...with0, missing: 0 }, without);
  assert.equal(with0.n, 3);
  assert.equal(with0.missing, 2);
  assert.equal(with0.mean, 2);
  // All missing: nothing to estimate.
  const none = bootstrapMean([null, null]);
  assert.deepEqual([none.mean, none.lower, none.upper, none.n, none.missing], [
    null,
    null,
    null,
    0,
    2,
  ]);
  // One value: a point.
  const one = bootstrapMean([null, 0.5]);
  assert.deepEqual([one.mean, one.lower, one.upper], [0.5, 0.5, 0.5]);
  // Constant values: a point, whatever the resamples.
  const flat = bootstrapMean([0.2, 0.2, 0.2]);
  assert.equal(flat.lower, flat.upper);
});

Deno.test("bootstrapMean refuses NaN/Infinity and bad options with RangeError", () => {
  assert.throws(() => bootstrapMean([1, NaN]), /value 1 is NaN.*must be null/);
  assert.throws(() => bootstrapMean([1, Infinity]), RangeError);
  assert.throws(() => bootstrapMean([1, 2], { resamples: 0 }), /resamples/);
  assert.throws(() => bootstrapMean([1, 2], { level: 1 }), /level/);
});

Deno.test("quantileSorted interpolates linearly between order statistics (type 7)", () => {
  const x = [10, 20, 30, 40];
  assert.equal(quantileSorted(x, 0), 10);
  assert.equal(quantileSorted(x, 1), 40);
  assert.equal(quantileSorted(x, 0.5), 25); // h = 1.5
  assert.ok(Math.abs(quantileSorted(x, 0.025) - 10.75) < 1e-12); // h = 0.075
  assert.equal(quantileSorted([7], 0.3), 7);
  assert.throws(() => quantileSorted([], 0.5), RangeError);
  assert.throws(() => quantileSorted(x, 1.5), RangeError);
});

Deno.test("quartileFieldsSorting: quartileFields' numbers, the array sorted in place", () => {
  const draw = new Rng(7, 1);
  for (const n of [1, 2, 5, 32, 33]) {
    const xs = Float64Array.from({ length: n }, () => draw.uniform() - 0.5);
    const want = quartileFields(xs), copy = xs.slice();
    assert.deepEqual(quartileFieldsSorting(copy), want, `n ${n}`);
    assert.deepEqual([...copy], [...xs].sort((a, b) => a - b), `n ${n}: sorted`);
  }
  // type-7 quartiles of 1..4: h = 0.75 and 2.25
  assert.deepEqual(quartileFieldsSorting(new Float64Array([4, 2, 3, 1])), { q25: 1.75, q75: 3.25 });
  assert.deepEqual(quartileFieldsSorting(new Float64Array(0)), {});
});

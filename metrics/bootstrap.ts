/**
 * Percentile bootstrap confidence intervals of a mean over ICs (Efron & Tibshirani 1993, §13.3),
 * for leaderboard scores computed from per-IC result rows.
 *
 * Missing values: a per-IC value is `null` when the IC diverged (or the metric is undefined for
 * it). Nulls are **treated as missing**: they are removed before resampling and reported in
 * {@link BootstrapInterval.missing}; the mean and its interval are over the `n` remaining ICs,
 * never over a number standing in for the diverged ones. Callers must show `n` (or the diverged
 * count) next to the interval. A `NaN` or `±Infinity` is not a missing value but a bug upstream
 * and throws.
 *
 * Resampling is seeded ({@link Rng}, xoshiro128**), so the same values, `B`, `level` and `seed`
 * give the same interval bit for bit on every machine.
 * @module
 */
import { Rng } from "../harness/core/rng.ts";

/** Options of {@link bootstrapMean}. */
export interface BootstrapOptions {
  /** Number of bootstrap resamples `B` (default 1000). */
  readonly resamples?: number;
  /** Confidence level in (0, 1) (default 0.95). */
  readonly level?: number;
  /** Seed of the resampling stream (default 0). */
  readonly seed?: number;
}

/** A mean with its percentile bootstrap interval. */
export interface BootstrapInterval {
  /** Mean of the `n` finite values; `null` when `n = 0`. */
  readonly mean: number | null;
  /** Lower percentile bound; `null` when `n = 0`. */
  readonly lower: number | null;
  /** Upper percentile bound; `null` when `n = 0`. */
  readonly upper: number | null;
  /** Number of values used (non-null). */
  readonly n: number;
  /** Number of `null` (missing, e.g. diverged) values left out. */
  readonly missing: number;
  /** Resamples drawn. */
  readonly resamples: number;
  /** Confidence level. */
  readonly level: number;
}

/**
 * Empirical quantile of sorted values with linear interpolation between order statistics
 * (Hyndman & Fan 1996, type 7, R's default): `h = (m − 1)q`, `Q = x₍⌊h⌋₎ + (h − ⌊h⌋)(x₍⌊h⌋+1₎ −
 * x₍⌊h⌋₎)` with 0-based order statistics of `m` values.
 *
 * @example
 * ```ts
 * import { quantileSorted } from "./bootstrap.ts";
 * const x = Float64Array.of(1, 2, 3, 4, 5);
 * if (quantileSorted(x, 0.5) !== 3 || quantileSorted(x, 0.25) !== 2) throw new Error();
 * ```
 */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const m = sorted.length;
  if (m === 0) throw new RangeError("Cannot take a quantile: expected values, found none");
  if (!(q >= 0 && q <= 1)) {
    throw new RangeError(`Cannot take a quantile: expected q in [0, 1], found ${q}`);
  }
  const h = (m - 1) * q, lo = Math.floor(h), hi = Math.min(lo + 1, m - 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

/**
 * Percentile bootstrap interval of the mean of `values` (one value per IC, `null` = missing).
 *
 * With the `n` non-null values `x₁…xₙ`: draw `B` resamples of size `n` with replacement
 * (index `⌊n·u⌋`, `u` uniform from `Rng(seed)`), take each resample's mean `x̄*_b` (float64
 * sums), and report `[Q(α/2), Q(1 − α/2)]` of the `x̄*` (type-7 quantiles, `α = 1 − level`)
 * around the sample mean `x̄`. With `n = 1` the interval is the point itself; with `n = 0` the
 * mean and bounds are `null` (nothing to estimate), never a number.
 *
 * Throws `RangeError` for a non-finite number in `values` (missing values must be `null`), a
 * `resamples` that is not a positive integer, or a `level` outside (0, 1).
 *
 * @example
 * ```ts
 * import { bootstrapMean } from "./bootstrap.ts";
 * const ci = bootstrapMean([0.10, 0.12, null, 0.11, 0.13], { resamples: 200 });
 * if (ci.n !== 4 || ci.missing !== 1 || Math.abs(ci.mean! - 0.115) > 1e-12) throw new Error();
 * if (!(ci.lower! <= ci.mean! && ci.mean! <= ci.upper!)) throw new Error("not around the mean");
 * ```
 */
export function bootstrapMean(
  values: readonly (number | null)[],
  options: BootstrapOptions = {},
): BootstrapInterval {
  const resamples = options.resamples ?? 1000;
  const level = options.level ?? 0.95;
  const seed = options.seed ?? 0;
  if (!Number.isInteger(resamples) || resamples < 1) {
    throw new RangeError(
      `Cannot bootstrap a mean: expected resamples a positive integer, found ${resamples}`,
    );
  }
  if (!(level > 0 && level < 1)) {
    throw new RangeError(`Cannot bootstrap a mean: expected level in (0, 1), found ${level}`);
  }
  const xs: number[] = [];
  let missing = 0;
  values.forEach((v, i) => {
    if (v === null) missing++;
    else if (typeof v !== "number" || !Number.isFinite(v)) {
      throw new RangeError(
        `Cannot bootstrap a mean: value ${i} is ${v}; a missing (diverged) value must be null`,
      );
    } else xs.push(v);
  });
  const n = xs.length;
  const base = { n, missing, resamples, level };
  if (n === 0) return { mean: null, lower: null, upper: null, ...base };
  let sum = 0;
  for (const x of xs) sum += x;
  const mean = sum / n;
  if (n === 1) return { mean, lower: mean, upper: mean, ...base };
  const rng = new Rng(seed);
  const means = new Float64Array(resamples);
  for (let b = 0; b < resamples; b++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += xs[Math.floor(rng.uniform() * n)];
    means[b] = s / n;
  }
  means.sort();
  const alpha = 1 - level;
  return {
    mean,
    lower: quantileSorted(means, alpha / 2),
    upper: quantileSorted(means, 1 - alpha / 2),
    ...base,
  };
}

/**
 * Lower and upper quartiles `[Q(¼), Q(¾)]` of `values` ({@link quantileSorted}, type 7), the
 * interquartile range drawn as the spread of a curve across ICs; `null` for no values. The
 * input is not modified (a sorted float64 copy is taken).
 *
 * @example
 * ```ts
 * import { quartiles } from "./bootstrap.ts";
 * const q = quartiles([4, 1, 3, 2, 5]); // sorted 1..5: Q(¼) = 2, Q(¾) = 4
 * if (q?.[0] !== 2 || q[1] !== 4 || quartiles([]) !== null) throw new Error(String(q));
 * ```
 */
export function quartiles(values: ArrayLike<number>): [number, number] | null {
  if (values.length === 0) return null;
  const sorted = Float64Array.from(values).sort();
  return [quantileSorted(sorted, 0.25), quantileSorted(sorted, 0.75)];
}

/**
 * `{ q25, q75 }` of `values` ({@link quartiles}) to spread into a result row, or `{}` for no
 * values (the row then has no spread fields).
 *
 * @example
 * ```ts
 * import { quartileFields } from "./bootstrap.ts";
 * const row = { value: 2.5, ...quartileFields([1, 2, 3, 4]) };
 * if (row.q25 !== 1.75 || row.q75 !== 3.25 || "q25" in quartileFields([])) throw new Error();
 * ```
 */
export function quartileFields(values: ArrayLike<number>): { q25?: number; q75?: number } {
  const q = quartiles(values);
  return q === null ? {} : { q25: q[0], q75: q[1] };
}

/**
 * {@link quartileFields} of `values`, sorting `values` itself (ascending) instead of a copy: for
 * a caller whose array is scratch (the scorer's rows, one per curve point). The same sort and
 * quantiles, so the same numbers.
 *
 * @example
 * ```ts
 * import { quartileFields, quartileFieldsSorting } from "./bootstrap.ts";
 * const xs = new Float64Array([4, 1, 3, 2, 5]);
 * const q = quartileFieldsSorting(xs); // sorted 1..5: Q(¼) = 2, Q(¾) = 4
 * if (q.q25 !== 2 || q.q75 !== 4 || xs.join() !== "1,2,3,4,5") throw new Error(JSON.stringify(q));
 * if (JSON.stringify(quartileFields([4, 1, 3])) !== JSON.stringify(quartileFieldsSorting(new Float64Array([4, 1, 3])))) {
 *   throw new Error();
 * }
 * ```
 */
export function quartileFieldsSorting(values: Float64Array): { q25?: number; q75?: number } {
  if (values.length === 0) return {};
  values.sort();
  return { q25: quantileSorted(values, 0.25), q75: quantileSorted(values, 0.75) };
}

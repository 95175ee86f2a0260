/**
 * Confidence intervals for proportions, used for stability rates (SPEC §4: "rate = stable ICs /
 * ICs, reported with a Wilson 95% interval") and by the CI gate.
 * @module
 */

/** A two-sided interval `[lower, upper]` around a point estimate. */
export interface Interval {
  /** Point estimate (for {@link wilson}: the observed proportion `k / n`). */
  readonly estimate: number;
  /** Lower bound. */
  readonly lower: number;
  /** Upper bound. */
  readonly upper: number;
}

/**
 * Wilson score interval of a binomial proportion (Wilson 1927): with `p̂ = k/n`,
 *
 * ```
 * centre = (p̂ + z²/(2n)) / (1 + z²/n)
 * half   = z / (1 + z²/n) · √(p̂(1 − p̂)/n + z²/(4n²))
 * [lower, upper] = [centre − half, centre + half]
 * ```
 *
 * The interval always lies in [0, 1], is not degenerate at `k = 0` or `k = n` (unlike the Wald
 * interval), and `wilson(k, n)` mirrors `wilson(n − k, n)`: `lower(k) = 1 − upper(n − k)`.
 * `z = 1.96` gives the 95% interval. The bounds are clamped to [0, 1] against rounding (the
 * exact lower bound at `k = 0` is 0).
 *
 * Throws `RangeError` unless `n` is a positive integer, `k` an integer in `[0, n]` and `z` a
 * positive finite number.
 *
 * @example
 * ```ts
 * import { wilson } from "./intervals.ts";
 * const { estimate, lower, upper } = wilson(5, 10); // 95%: [0.2366, 0.7634]
 * if (estimate !== 0.5 || Math.abs(lower - 0.23659) > 1e-5 || Math.abs(upper - 0.76341) > 1e-5) {
 *   throw new Error(`${lower} ${upper}`);
 * }
 * ```
 */
export function wilson(k: number, n: number, z = 1.96): Interval {
  if (!Number.isInteger(n) || n < 1) {
    throw new RangeError(`Cannot compute a Wilson interval: expected n ≥ 1 trials, found ${n}`);
  }
  if (!Number.isInteger(k) || k < 0 || k > n) {
    throw new RangeError(
      `Cannot compute a Wilson interval: expected an integer k in [0, ${n}] successes, found ${k}`,
    );
  }
  if (!(z > 0) || !Number.isFinite(z)) {
    throw new RangeError(`Cannot compute a Wilson interval: expected z > 0, found ${z}`);
  }
  const p = k / n, z2 = z * z;
  const denom = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denom;
  const half = (z / denom) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return {
    estimate: p,
    lower: k === 0 ? 0 : Math.max(0, centre - half),
    upper: k === n ? 1 : Math.min(1, centre + half),
  };
}

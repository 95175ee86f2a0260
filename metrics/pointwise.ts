/**
 * Pointwise error metrics of one field at one step (SPEC §4): one kernel, {@link sumSquares},
 * behind thin wrappers. With ⟨·⟩ the mean over the N grid points:
 *
 * - `mse(p, y) = ⟨(p − y)²⟩ = sumSquares(p, y) / N`
 * - `rmse(p, y) = √mse(p, y)`
 * - `nrmse(p, y) = ‖p − y‖₂ / ‖y‖₂ = √(sumSquares(p, y) / sumSquares(y))`
 *
 * Inputs are any `ArrayLike<number>` (`Float32Array`, `Float64Array`, arrays); sums accumulate
 * in float64 (JavaScript numbers). Non-finite inputs give non-finite results (NaN is never
 * dropped); divergence is handled by the caller (see `scorer.ts`).
 *
 * @example
 * ```ts
 * import { mse, nrmse, rmse } from "./pointwise.ts";
 * const ref = new Float32Array([3, 4]), pred = new Float32Array([3, 5]);
 * if (mse(pred, ref) !== 0.5 || rmse(pred, ref) !== Math.sqrt(0.5)) throw new Error("mse");
 * if (nrmse(pred, ref) !== 1 / 5) throw new Error("nrmse"); // ‖(0,1)‖ / ‖(3,4)‖
 * ```
 * @module
 */
import { checkNonEmpty, checkPair } from "./_check.ts";

/** Below this, a float64 sum of squares may have lost digits to underflow. */
const TINY = 1e-290;

/**
 * The kernel: `Σ_i (a_i − b_i)²`, or `Σ_i a_i²` when `b` is omitted, summed in float64 in index
 * order. Throws `TypeError` when `a` and `b` differ in length.
 *
 * @example
 * ```ts
 * import { sumSquares } from "./pointwise.ts";
 * if (sumSquares([1, 2]) !== 5 || sumSquares([1, 2], [1, 0]) !== 4) throw new Error("sumSquares");
 * ```
 */
export function sumSquares(a: ArrayLike<number>, b?: ArrayLike<number>): number {
  const n = a.length;
  let s = 0;
  if (b === undefined) {
    for (let i = 0; i < n; i++) s += a[i] * a[i];
    return s;
  }
  if (b.length !== n) {
    throw new TypeError(
      `Cannot sum squared differences: expected arrays of equal length, found lengths ${n} and ` +
        `${b.length}`,
    );
  }
  for (let i = 0; i < n; i++) {
    const d = a[i] - b[i];
    s += d * d;
  }
  return s;
}

/**
 * Mean squared error `⟨(p − y)²⟩ = (1/N) Σ_i (p_i − y_i)²`. Throws `TypeError` on a length
 * mismatch and `RangeError` on empty input.
 *
 * @example
 * ```ts
 * import { mse } from "./pointwise.ts";
 * if (mse([1, 2, 3], [1, 2, 5]) !== 4 / 3) throw new Error("mse");
 * ```
 */
export function mse(pred: ArrayLike<number>, ref: ArrayLike<number>): number {
  const n = checkPair("compute mse", pred, ref);
  return sumSquares(pred, ref) / n;
}

/**
 * Root mean squared error `√⟨(p − y)²⟩` of one field (the square root is taken per field and
 * step, before any averaging over ICs or time).
 *
 * @example
 * ```ts
 * import { rmse } from "./pointwise.ts";
 * if (rmse([0, 0], [3, -3]) !== 3) throw new Error("rmse");
 * ```
 */
export function rmse(pred: ArrayLike<number>, ref: ArrayLike<number>): number {
  const n = checkPair("compute rmse", pred, ref);
  return Math.sqrt(sumSquares(pred, ref) / n);
}

/**
 * Normalised RMSE `‖p − y‖₂ / ‖y‖₂ = √(Σ(p_i − y_i)² / Σ y_i²)` (grid-size independent).
 *
 * A zero reference (`‖y‖₂ = 0`) leaves the ratio undefined; this returns `0` when `p = y` too
 * (no error) and `Infinity` otherwise (an error of any size is infinitely large relative to
 * nothing). Callers that need finite numbers (result rows) must treat `Infinity` as missing.
 * When `Σ y_i²` underflows (`|y| ≲ 1e-145`), both sums are recomputed on `p/s`, `y/s` with
 * `s = max|y_i|`, so a tiny but non-zero reference still gives the right ratio.
 *
 * @example
 * ```ts
 * import { nrmse } from "./pointwise.ts";
 * if (nrmse([2, 0], [1, 0]) !== 1) throw new Error("nrmse");
 * if (nrmse([0, 0], [0, 0]) !== 0 || nrmse([1, 0], [0, 0]) !== Infinity) throw new Error("zero");
 * ```
 */
export function nrmse(pred: ArrayLike<number>, ref: ArrayLike<number>): number {
  checkPair("compute nrmse", pred, ref);
  return nrmseOfSums(sumSquares(pred, ref), sumSquares(ref), pred, ref);
}

/**
 * {@link nrmse} from its two sums, where a caller already has them (`metrics/split.ts` `mseSplit`
 * sums both in its pass): `√(err / norm)` with `err = sumSquares(pred, ref)` and
 * `norm = sumSquares(ref)`, and the same rescaled sums over `pred`, `ref` when `norm` underflowed
 * or is 0, so the same bits as `nrmse(pred, ref)` whenever `err` and `norm` are those sums.
 *
 * @example
 * ```ts
 * import { nrmse, nrmseOfSums, sumSquares } from "./pointwise.ts";
 * const p = [3, 5], y = [3, 4];
 * if (nrmseOfSums(sumSquares(p, y), sumSquares(y), p, y) !== nrmse(p, y)) throw new Error();
 * if (nrmseOfSums(4, 1, p, y) !== 2) throw new Error("√(4 / 1)");
 * ```
 */
export function nrmseOfSums(
  err: number,
  norm: number,
  pred: ArrayLike<number>,
  ref: ArrayLike<number>,
): number {
  const n = ref.length;
  if (norm >= TINY || Number.isNaN(norm)) return Math.sqrt(err / norm);
  // ‖y‖² underflowed (|y| ≲ 1e-145) or y = 0: rescale by max|y| (as BLAS nrm2 does).
  let scale = 0;
  for (let i = 0; i < n; i++) scale = Math.max(scale, Math.abs(ref[i]));
  if (scale === 0) {
    if (Number.isNaN(err)) return NaN;
    for (let i = 0; i < n; i++) if (pred[i] !== 0) return Infinity;
    return 0;
  }
  let e = 0, r = 0;
  for (let i = 0; i < n; i++) {
    const d = (pred[i] - ref[i]) / scale, y = ref[i] / scale;
    e += d * d;
    r += y * y;
  }
  return Math.sqrt(e / r);
}

/**
 * Mean square `⟨u²⟩ = (1/N) Σ_i u_i²` of one field (shared by energies). Throws `RangeError` on
 * empty input.
 *
 * @example
 * ```ts
 * import { meanSquare } from "./pointwise.ts";
 * if (meanSquare([1, -3]) !== 5) throw new Error("meanSquare");
 * ```
 */
export function meanSquare(u: ArrayLike<number>): number {
  const n = checkNonEmpty("compute a mean square", u);
  return sumSquares(u) / n;
}

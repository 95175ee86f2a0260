/**
 * The anchors' metrics (PDEBench, The Well, WeatherBench 2) as pure functions of one field's
 * prediction `p` and reference `y` (N points), summed in float64:
 *
 * - {@link bias}: `⟨p − y⟩`, the mean signed error (WeatherBench 2 `Bias`, uniform weights).
 * - {@link conservedDifference}: `⟨p⟩ − ⟨y⟩`, the error of the field's spatial mean, the
 *   quantity PDEBench's cRMSE squares (`err_CSV`: `(Σp − Σy) / N`). Algebraically the same
 *   number as {@link bias}; the metrics differ in how they reduce it over ICs (the mean of the
 *   signed value vs the root mean square).
 * - {@link maxError}: `max |p − y|` (PDEBench `err_Max`).
 * - {@link vrmse}: `√(⟨(p − y)²⟩ / ⟨(y − ⟨y⟩)²⟩)`, The Well's variance-scaled RMSE, so that
 *   predicting the reference's own spatial mean scores exactly 1.
 * - {@link pdebenchFourierErrors} and {@link pdebenchBands}: PDEBench's Fourier RMSE (fRMSE)
 *   per mode / isotropic shell and its low / mid / high band means (band edges `iLow = 4`,
 *   `iHigh = 12`, `pdebench/models/metrics.py`, `metric_func`).
 *
 * @example
 * ```ts
 * import { bias, maxError, vrmse } from "./anchors.ts";
 * const y = [1, -1, 1, -1], mean = [0, 0, 0, 0];
 * if (vrmse(mean, y) !== 1) throw new Error("predicting the mean scores 1");
 * if (bias([2, 0, 2, 0], y) !== 1 || maxError([1, -1, 1, 2], y) !== 3) throw new Error();
 * ```
 * @module
 */
import { checkPair } from "./_check.ts";
import { fftAt, rfftInto } from "./fft.ts";

/**
 * Mean signed error `⟨p − y⟩ = (1/N) Σᵢ (pᵢ − yᵢ)` (positive: the prediction is too large on
 * average). Throws `TypeError` on unequal lengths, `RangeError` on empty input.
 *
 * @example
 * ```ts
 * import { bias } from "./anchors.ts";
 * if (bias([1, 2, 3], [0, 2, 1]) !== 1) throw new Error("(1 + 0 + 2) / 3");
 * ```
 */
export function bias(pred: ArrayLike<number>, ref: ArrayLike<number>): number {
  const n = checkPair("compute a bias", pred, ref);
  let s = 0;
  for (let i = 0; i < n; i++) s += pred[i] - ref[i];
  return s / n;
}

/**
 * Error of the spatial mean, `⟨p⟩ − ⟨y⟩ = (Σ p − Σ y) / N`: the per-sample quantity of
 * PDEBench's cRMSE (`err_CSV`), which takes its root mean square over a batch. For a field
 * whose integral is conserved (shallow-water depth h: mass = ⟨h⟩·|Ω|) it is the conservation
 * error per unit area.
 *
 * @example
 * ```ts
 * import { conservedDifference } from "./anchors.ts";
 * if (conservedDifference([3, 1], [1, 1]) !== 1) throw new Error("means 2 and 1");
 * ```
 */
export function conservedDifference(pred: ArrayLike<number>, ref: ArrayLike<number>): number {
  const n = checkPair("compute a conserved-quantity difference", pred, ref);
  let sp = 0, sy = 0;
  for (let i = 0; i < n; i++) {
    sp += pred[i];
    sy += ref[i];
  }
  return (sp - sy) / n;
}

/**
 * Largest pointwise error `max |pᵢ − yᵢ|` (PDEBench `err_Max`, L∞). NaN anywhere gives NaN.
 *
 * @example
 * ```ts
 * import { maxError } from "./anchors.ts";
 * if (maxError([0, 5, 1], [0, 1, 4]) !== 4) throw new Error("|5 − 1|");
 * ```
 */
export function maxError(pred: ArrayLike<number>, ref: ArrayLike<number>): number {
  const n = checkPair("compute a max error", pred, ref);
  let m = 0;
  for (let i = 0; i < n; i++) {
    const e = Math.abs(pred[i] - ref[i]);
    if (e !== e) return NaN;
    if (e > m) m = e;
  }
  return m;
}

/**
 * The Well's VRMSE, `√(⟨(p − y)²⟩ / ⟨(y − ⟨y⟩)²⟩)`: the RMSE over the reference field's spatial
 * standard deviation (population variance, divisor N), so predicting the reference's mean
 * everywhere scores exactly 1 and a perfect prediction 0. NaN where the reference is constant
 * (variance 0: undefined; The Well adds ε = 1e-7 to the variance and divides by the unbiased
 * N − 1 variance, `torch.std`, which for N = 1024 points lowers VRMSE by a factor √(1023/1024)).
 *
 * @example
 * ```ts
 * import { vrmse } from "./anchors.ts";
 * const y = [0, 2, 0, 2]; // mean 1, variance 1
 * if (vrmse([1, 1, 1, 1], y) !== 1 || vrmse([0, 4, 0, 4], y) !== Math.SQRT2) throw new Error();
 * if (!Number.isNaN(vrmse([1, 1], [3, 3]))) throw new Error("constant reference");
 * ```
 */
export function vrmse(pred: ArrayLike<number>, ref: ArrayLike<number>): number {
  const n = checkPair("compute a vrmse", pred, ref);
  let sy = 0;
  for (let i = 0; i < n; i++) sy += ref[i];
  const mean = sy / n;
  let se = 0, sv = 0;
  for (let i = 0; i < n; i++) {
    se += (pred[i] - ref[i]) ** 2;
    sv += (ref[i] - mean) ** 2;
  }
  return sv > 0 ? Math.sqrt(se / sv) : NaN;
}

/**
 * {@link bias}, {@link vrmse} and {@link maxError} of one field in two passes instead of four
 * (the anchors tracker's every step): each sum is added in the same order with the same
 * operations as in those functions, so the three numbers are theirs to the bit.
 *
 * @example
 * ```ts
 * import { bias, maxError, pointAnchors, vrmse } from "./anchors.ts";
 * const p = [0.5, 2, -1, 3], y = [0, 1, 1, 2];
 * const a = pointAnchors(p, y);
 * if (a.bias !== bias(p, y) || a.vrmse !== vrmse(p, y) || a.maxError !== maxError(p, y)) {
 *   throw new Error(JSON.stringify(a));
 * }
 * if (a.maxError !== 2 || a.bias !== 0.125) throw new Error("|−1 − 1|, (0.5 + 1 − 2 + 1) / 4");
 * ```
 */
export function pointAnchors(
  pred: ArrayLike<number>,
  ref: ArrayLike<number>,
): { bias: number; vrmse: number; maxError: number } {
  const n = checkPair("compute the anchors' pointwise errors", pred, ref);
  let sd = 0, sy = 0, m = 0, nan = false;
  for (let i = 0; i < n; i++) {
    sd += pred[i] - ref[i];
    sy += ref[i];
    const e = Math.abs(pred[i] - ref[i]);
    if (e !== e) nan = true;
    else if (e > m) m = e;
  }
  const mean = sy / n;
  let se = 0, sv = 0;
  for (let i = 0; i < n; i++) {
    se += (pred[i] - ref[i]) ** 2;
    sv += (ref[i] - mean) ** 2;
  }
  return { bias: sd / n, vrmse: sv > 0 ? Math.sqrt(se / sv) : NaN, maxError: nan ? NaN : m };
}

/** PDEBench's default band edges (`metric_func(..., iLow=4, iHigh=12)`). */
export const PDEBENCH_BAND_EDGES = { iLow: 4, iHigh: 12 } as const;

/**
 * PDEBench's Fourier error of one sample, per mode (1D) or isotropic shell (2D), before the
 * band means; `D = DFT(p − y)` unnormalised (`X_k = Σ_j x_j e^{−2πijk/N}`, as `torch.fft`):
 *
 * - 1D, `shape = [n]`, `lengths = [L]`: `e_k = |D_k| · L / n` for the rfft modes k = 0…n/2
 *   (n/2 + 1 values).
 * - 2D, `shape = [n₀, n₁]`, `lengths = [L₀, L₁]`: `e_s = √(Σ |D_{ij}|²) · L₀L₁ / (n₀n₁)`, the
 *   sum over `0 ≤ i < n₀/2`, `0 ≤ j < n₁/2` with `⌊√(i² + j²)⌋ = s`, for s = 0…min(n₀, n₁)/2 − 1.
 *   Only the quadrant of non-negative wavenumbers enters, as in PDEBench (the mirrored
 *   negative-frequency bins are left out and modes beyond min(n₀,n₁)/2 − 1 dropped).
 *
 * PDEBench takes √(batch mean of e²) per mode; for one sample that is `e` itself. With `out`
 * (exactly as many values as the result), the errors are written there and `out` is returned
 * (no allocation, the same bits). Throws `TypeError` on a length that does not match `shape` or
 * an `out` of another length, and `RangeError` unless every extent is a power of two ≥ 2.
 *
 * @example
 * ```ts
 * import { pdebenchFourierErrors } from "./anchors.ts";
 * // p − y = cos(2π·3j/8): D₃ = D₅ = 4, so e₃ = 4 · 1/8 = ½
 * const y = new Float64Array(8), p = y.map((_, j) => Math.cos((2 * Math.PI * 3 * j) / 8));
 * const e = pdebenchFourierErrors(p, y, [8], [1]);
 * if (e.length !== 5 || Math.abs(e[3] - 0.5) > 1e-15 || e[1] > 1e-15) throw new Error();
 * ```
 */
export function pdebenchFourierErrors(
  pred: ArrayLike<number>,
  ref: ArrayLike<number>,
  shape: readonly number[],
  lengths: readonly number[],
  out?: Float64Array,
): Float64Array {
  const action = "compute PDEBench Fourier errors";
  if (shape.length !== lengths.length || shape.length < 1 || shape.length > 2) {
    throw new RangeError(
      `Cannot ${action}: expected a 1D or 2D shape with one length per axis, found shape ` +
        `[${shape}] and lengths [${lengths}]`,
    );
  }
  for (const n of shape) {
    if (!Number.isInteger(n) || n < 2 || (n & (n - 1)) !== 0) {
      throw new RangeError(`Cannot ${action}: expected power-of-two extents ≥ 2, found [${shape}]`);
    }
  }
  const size = shape.reduce((a, b) => a * b, 1);
  const n = checkPair(action, pred, ref);
  if (n !== size) {
    throw new TypeError(`Cannot ${action}: expected ${size} values [${shape}], found ${n}`);
  }
  const count = shape.length === 1 ? shape[0] / 2 + 1 : Math.min(shape[0], shape[1]) / 2;
  if (out && out.length !== count) {
    throw new TypeError(
      `Cannot ${action}: expected an out of ${count} values, found ${out.length}`,
    );
  }
  if (shape.length === 1) {
    // D of the real signal p − y from one half-length complex FFT (`rfftInto`): bins 0..n/2.
    const w = workspace(n, n / 2);
    for (let j = 0; j < n; j++) w.d[j] = pred[j] - ref[j];
    const half = n / 2, scale = lengths[0] / n, e = out ?? new Float64Array(half + 1);
    if (n === 2) {
      w.re[0] = w.d[0] + w.d[1];
      w.im[0] = 0;
      w.re[1] = w.d[0] - w.d[1];
      w.im[1] = 0;
    } else rfftInto(w.d, 0, n, w.re, w.im, 0, 1, w.zr, w.zi);
    for (let k = 0; k <= half; k++) {
      e[k] = Math.sqrt(w.re[k] * w.re[k] + w.im[k] * w.im[k]) * scale;
    }
    return e;
  }
  const [n0, n1] = shape;
  // Axis-1 transforms of every row i (only rows i < n0/2 survive the quadrant, but the axis-0
  // transform needs all rows), then axis-0 transforms of columns j < n1/2.
  const w = workspace(n, n0);
  const { re, im, zr: colRe, zi: colIm } = w;
  for (let k = 0; k < n; k++) {
    re[k] = pred[k] - ref[k];
    im[k] = 0;
  }
  for (let i = 0; i < n0; i++) fftAt(re, im, i * n1, n1);
  const shells = Math.min(n0, n1) / 2;
  const sums = out ? out.fill(0) : new Float64Array(shells);
  for (let j = 0; j < n1 / 2; j++) {
    for (let i = 0; i < n0; i++) {
      colRe[i] = re[i * n1 + j];
      colIm[i] = im[i * n1 + j];
    }
    fftAt(colRe, colIm, 0, n0);
    for (let i = 0; i < n0 / 2; i++) {
      const s = Math.floor(Math.sqrt(i * i + j * j));
      if (s < shells) sums[s] += colRe[i] * colRe[i] + colIm[i] * colIm[i];
    }
  }
  const scale = (lengths[0] * lengths[1]) / n;
  for (let s = 0; s < shells; s++) sums[s] = Math.sqrt(sums[s]) * scale;
  return sums;
}

/** Scratch of {@link pdebenchFourierErrors} per (size, column or half length): no allocation per call. */
const workspaces = new Map<string, {
  d: Float64Array;
  re: Float64Array;
  im: Float64Array;
  zr: Float64Array;
  zi: Float64Array;
}>();
function workspace(n: number, m: number) {
  const key = `${n}:${m}`;
  let w = workspaces.get(key);
  if (!w) {
    w = {
      d: new Float64Array(n),
      re: new Float64Array(n),
      im: new Float64Array(n),
      zr: new Float64Array(m),
      zi: new Float64Array(m),
    };
    workspaces.set(key, w);
  }
  return w;
}

/**
 * PDEBench's fRMSE bands of per-mode errors `e` ({@link pdebenchFourierErrors}): `low` = mean
 * of e[0 … iLow−1], `mid` = mean of e[iLow … iHigh−1], `high` = mean of e[iHigh …]; a band with
 * no mode is NaN (as `torch.mean` of an empty slice). Mode 0 (the mean) is in the low band.
 *
 * @example
 * ```ts
 * import { pdebenchBands } from "./anchors.ts";
 * const e = Float64Array.from({ length: 16 }, (_, k) => k);
 * const b = pdebenchBands(e); // means of 0..3, 4..11, 12..15
 * if (b.low !== 1.5 || b.mid !== 7.5 || b.high !== 13.5) throw new Error(JSON.stringify(b));
 * ```
 */
export function pdebenchBands(
  e: ArrayLike<number>,
  edges: { readonly iLow: number; readonly iHigh: number } = PDEBENCH_BAND_EDGES,
): { low: number; mid: number; high: number } {
  const mean = (from: number, to: number) => {
    let s = 0;
    for (let k = from; k < to; k++) s += e[k];
    return to > from ? s / (to - from) : NaN;
  };
  const lo = Math.min(edges.iLow, e.length), hi = Math.min(edges.iHigh, e.length);
  return { low: mean(0, lo), mid: mean(lo, hi), high: mean(hi, e.length) };
}

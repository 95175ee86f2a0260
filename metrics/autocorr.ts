/**
 * Temporal statistics of a scalar series `x_0..x_{T−1}` (one value per step: an energy, a
 * probe point, a field mean), compared between prediction and reference (SPEC §4).
 *
 * - Autocorrelation, with `x̄ = (1/T) Σ_t x_t` and `var = (1/T) Σ_t (x_t − x̄)²` over the whole
 *   series and the mean over the `T − τ` available pairs:
 *   `C(τ) = [(1/(T−τ)) Σ_{t=0}^{T−1−τ} (x_t − x̄)(x_{t+τ} − x̄)] / var`, so `C(0) = 1`.
 * - Temporal spectrum: the one-sided periodogram of the demeaned series zero-padded to a power
 *   of two, normalised so that it sums to `var` (see {@link temporalSpectrum}).
 *
 * @example
 * ```ts
 * import { autocorrelation } from "./autocorr.ts";
 * const c = autocorrelation([1, -1, 1, -1], 2); // alternating: C(1) = −1, C(2) = 1
 * if (c[0] !== 1 || c[1] !== -1 || c[2] !== 1) throw new Error(String(c));
 * ```
 * @module
 */
import { rfft } from "./fft.ts";
import { checkNonEmpty } from "./_check.ts";
import { spectrumError, type SpectrumErrorOptions } from "./spectrum.ts";

/**
 * `C(τ)` for `τ = 0..tauMax` (length `tauMax + 1`), estimator as in the module doc: pairs
 * `t = 0..T−1−τ` averaged by `1/(T−τ)`, normalised by the whole-series mean and population
 * variance (so `|C|` may slightly exceed 1 at large τ). A constant series (every value equal)
 * has no variance; it is perfectly persistent and gets `C(τ) = 1` for every τ. Throws
 * `RangeError` unless `tauMax` is an integer in `[0, T − 1]`.
 *
 * @example
 * ```ts
 * import { autocorrelation } from "./autocorr.ts";
 * const x = Array.from({ length: 4000 }, (_, t) => Math.sin((2 * Math.PI * t) / 40));
 * const c = autocorrelation(x, 10); // ≈ cos(2πτ/40): zero a quarter period on
 * if (Math.abs(c[10]) > 0.01) throw new Error(String(c[10]));
 * ```
 */
export function autocorrelation(x: ArrayLike<number>, tauMax: number): Float64Array {
  const t = checkNonEmpty("compute an autocorrelation", x);
  checkLag("compute an autocorrelation", tauMax, 0, t);
  const c = new Float64Array(tauMax + 1);
  let constant = true;
  for (let i = 1; i < t && constant; i++) constant = x[i] === x[0];
  if (constant) return c.fill(1);
  let s = 0;
  for (let i = 0; i < t; i++) s += x[i];
  const mean = s / t;
  const d = new Float64Array(t);
  let v = 0;
  for (let i = 0; i < t; i++) {
    d[i] = x[i] - mean;
    v += d[i] * d[i];
  }
  const variance = v / t;
  for (let tau = 0; tau <= tauMax; tau++) {
    let acc = 0;
    for (let i = 0; i + tau < t; i++) acc += d[i] * d[i + tau];
    c[tau] = acc / (t - tau) / variance;
  }
  return c;
}

/**
 * Autocorrelation error `(1/τ_max) Σ_{τ=1}^{τ_max} |C_p(τ) − C_y(τ)|` (lag 0 is always 1 and
 * is left out). The series may differ in length; `tauMax` must be an integer in
 * `[1, min(T_p, T_y) − 1]` (`RangeError` otherwise).
 *
 * @example
 * ```ts
 * import { autocorrelationError } from "./autocorr.ts";
 * const y = [1, -1, 1, -1, 1, -1], p = [1, 1, 1, -1, -1, -1];
 * // C_y = (1, −1, 1); C_p(1) = (1 + 1 − 1 + 1 + 1)/5 = 0.6, C_p(2) = (1 − 1 − 1 + 1)/4 = 0
 * if (Math.abs(autocorrelationError(p, y, 2) - (1.6 + 1) / 2) > 1e-15) throw new Error();
 * ```
 */
export function autocorrelationError(
  pred: ArrayLike<number>,
  ref: ArrayLike<number>,
  tauMax: number,
): number {
  const action = "compute an autocorrelation error";
  checkLag(action, tauMax, 1, Math.min(checkNonEmpty(action, pred), checkNonEmpty(action, ref)));
  return autocorrelationCurveError(autocorrelation(pred, tauMax), autocorrelation(ref, tauMax));
}

/**
 * {@link autocorrelationError} from the two curves `C_p`, `C_y` (τ = 0..τ_max, as
 * {@link autocorrelation} returns them), for a caller that keeps the curves too:
 * `(1/τ_max) Σ_{τ=1}^{τ_max} |C_p(τ) − C_y(τ)|`, the same arithmetic. Throws `TypeError` for
 * curves of unequal length and `RangeError` unless τ_max ≥ 1.
 *
 * @example
 * ```ts
 * import { autocorrelation, autocorrelationCurveError, autocorrelationError } from "./autocorr.ts";
 * const y = [1, -1, 1, -1, 1, -1], p = [1, 1, 1, -1, -1, -1];
 * const e = autocorrelationCurveError(autocorrelation(p, 2), autocorrelation(y, 2));
 * if (e !== autocorrelationError(p, y, 2)) throw new Error(String(e));
 * ```
 */
export function autocorrelationCurveError(cp: ArrayLike<number>, cy: ArrayLike<number>): number {
  const tauMax = cp.length - 1;
  if (cy.length !== cp.length) {
    throw new TypeError(
      `Cannot compute an autocorrelation error: expected curves of equal length, found ` +
        `${cp.length} and ${cy.length}`,
    );
  }
  checkLag("compute an autocorrelation error", tauMax, 1, cp.length);
  let s = 0;
  for (let tau = 1; tau <= tauMax; tau++) s += Math.abs(cp[tau] - cy[tau]);
  return s / tauMax;
}

/**
 * One-sided periodogram of the demeaned series zero-padded to `M` = the smallest power of two
 * `≥ T`: with `X_f = Σ_{t<T} (x_t − x̄) e^{-2πi ft/M}`, `P(0) = |X_0|²/(MT)` (zero up to
 * rounding), `P(f) = 2|X_f|²/(MT)` for `0 < f < M/2`, `P(M/2) = |X_{M/2}|²/(MT)`. Frequency `f`
 * is `f/M` cycles per step. Parseval: `Σ_f P(f) = var(x)` (population variance). Zero-padding
 * only interpolates the spectrum between the `T`-point frequencies; nothing is windowed.
 * Returns `M/2 + 1` values (one when `T = 1`).
 *
 * @example
 * ```ts
 * import { temporalSpectrum } from "./autocorr.ts";
 * const x = Array.from({ length: 64 }, (_, t) => 3 + Math.cos((2 * Math.PI * 4 * t) / 64));
 * const p = temporalSpectrum(x); // var = ½, all at f = 4
 * if (p.length !== 33 || Math.abs(p[4] - 0.5) > 1e-14) throw new Error(String(p[4]));
 * ```
 */
export function temporalSpectrum(x: ArrayLike<number>): Float64Array {
  const t = checkNonEmpty("compute a temporal spectrum", x);
  let m = 1;
  while (m < t) m *= 2;
  let s = 0;
  for (let i = 0; i < t; i++) s += x[i];
  const mean = s / t;
  const padded = new Float64Array(m);
  for (let i = 0; i < t; i++) padded[i] = x[i] - mean;
  const { re, im } = rfft(padded);
  const half = m >> 1, scale = 1 / (m * t);
  const p = new Float64Array(half + 1);
  for (let f = 0; f <= half; f++) {
    const power = (re[f] * re[f] + im[f] * im[f]) * scale;
    p[f] = f === 0 || f === half ? power : 2 * power;
  }
  return p;
}

/**
 * Temporal spectrum error: {@link spectrumError} (mean over frequencies `f ≥ 1` of
 * `|ln P_p(f) − ln P_y(f)|`, energies floored relative to `var(y)`) between the
 * {@link temporalSpectrum}s of two series of equal length (`TypeError` otherwise).
 *
 * @example
 * ```ts
 * import { temporalSpectrumError } from "./autocorr.ts";
 * const y = Array.from({ length: 100 }, (_, t) => Math.sin(t / 3) + 0.1 * Math.cos(t));
 * const p = y.map((v) => 2 * v); // twice the amplitude: 2 ln 2 at every frequency
 * if (Math.abs(temporalSpectrumError(p, y) - 2 * Math.LN2) > 1e-12) throw new Error();
 * ```
 */
export function temporalSpectrumError(
  pred: ArrayLike<number>,
  ref: ArrayLike<number>,
  options: SpectrumErrorOptions = {},
): number {
  if (pred.length !== ref.length) {
    throw new TypeError(
      `Cannot compute a temporal spectrum error: expected series of equal length, found pred ` +
        `length ${pred.length} and ref length ${ref.length}`,
    );
  }
  const pp = temporalSpectrum(pred), py = temporalSpectrum(ref);
  if (py.length < 2) {
    throw new RangeError(
      `Cannot compute a temporal spectrum error: expected at least 2 steps, found ${ref.length}`,
    );
  }
  return spectrumError(pp, py, options);
}

function checkLag(action: string, tauMax: number, lowest: number, length: number): void {
  if (!Number.isInteger(tauMax) || tauMax < lowest || tauMax > length - 1) {
    throw new RangeError(
      `Cannot ${action}: expected an integer tauMax in [${lowest}, ${length - 1}], found ${tauMax}`,
    );
  }
}

/**
 * Temporal statistics of rollouts (SPEC §4 "temporal autocorrelation" and "temporal spectrum
 * error"), prediction vs reference, over the model's own steps `s₀..T` (a series of
 * `L = T − s₀ + 1` states; s₀ = the model's history k).
 *
 * **Per-point field series, streamed** ({@link TemporalTracker}). For every grid point of a
 * field the series `x(t)` has `C(τ) = [(1/(L−τ)) Σ_{t<L−τ} (x_t − x̄)(x_{t+τ} − x̄)] / var(x)`
 * (the estimator of `metrics/autocorr.ts`; a constant point has `C ≡ 1`); the field's curve is the
 * mean of `C(τ)` over its points. Nothing but running sums is kept ({@link LagAccumulator}): with
 * `d_t = x_t − x_{s₀}` (a shift, for accuracy), the lagged sums `Σ d_t d_{t−τ}` (τ = 0..τ_max),
 * `Σ d_t`, the first τ_max values and the last τ_max values (with up to {@link LAG_BLOCK} steps
 * not yet added to the lagged sums), from which the centred sums follow exactly at the end.
 * Memory per IC in flight, for prediction and reference each: `(τ_max + 3) · P` float64 (shift,
 * total, τ_max + 1 lagged sums) and `(2τ_max + 16) · P` values kept (τ_max head values, τ_max + 16
 * last ones; float32 for float32 states, as a run's are, else float64),
 * `P = C · min(X, maxPoints)` points (default `maxPoints` 256 per field;
 * on larger grids the subset of {@link samplePoints}: flat indices `(j·s) mod X` with a stride
 * `s` coprime to X near 0.618·X, which spreads over both axes of a 2D grid without knowing its
 * shape; the curve is then the mean over that subset; with τ_max = 50 and C = 3 that is
 * 2 × 768 × (53 × 8 + 116 × 4) B ≈ 1.4 MB per IC, 44 MB for a batch of 32 ICs in flight). Whole rollouts
 * are never stored. Finished ICs keep only their curves.
 *
 * The field's **temporal spectrum** is the Blackman–Tukey estimate from the point-mean biased
 * autocovariance `γ(τ) = (1/L) Σ_{t<L−τ} (x_t − x̄)(x_{t+τ} − x̄)` with a Bartlett lag window
 * ({@link blackmanTukey}); the error is `spectrumError` (mean over frequencies ≥ 1 of
 * `|ln P_p − ln P_y|`). This departs from SPEC's `|FFT_t|²` of the whole series, which needs the
 * whole series per point; the estimate converges to the same spectral density and keeps memory
 * at O(τ_max). Scalar series (energy, diagnostics) are short and stored by the scorer, so they
 * use the periodogram of `metrics/autocorr.ts` exactly ({@link scalarTemporalRows}).
 *
 * **τ_max**: {@link defaultTauMax}`(L) = min(⌊L/2⌋, 50)`.
 *
 * **Rows** (`reduction: "mean_over_ics"` with `n` = ICs whose whole series was observed without
 * divergence; per-IC rows carry `ic` and no reduction; curves use `step` for the lag τ):
 * - fields: `autocorr_error` and `temporal_spectrum_error` per field (per IC and mean), and
 *   `autocorr_pred` / `autocorr_ref` per field and lag τ = 0..τ_max (`reduction:
 *   "mean_over_ics_by_lag"`);
 * - scalar series `name` (`energy`, `diag_<d>` for suite diagnostic `<d>`), field `"*"`:
 *   `autocorr_error_<name>`, `temporal_spectrum_error_<name>`, `autocorr_pred_<name>` /
 *   `autocorr_ref_<name>` by lag (e.g. `autocorr_error_diag_gamma_n`). The series name is a
 *   suffix so that these rows never look like the `diag_*` / `energy_*` per-step curves.
 *
 * @example
 * ```ts
 * import { TemporalTracker } from "./temporal.ts";
 * const t = new TemporalTracker({ fields: ["u"], pointsPerField: 2, ics: 1, firstStep: 1, steps: 8 });
 * for (let n = 1; n <= 8; n++) {
 *   const s = new Float32Array([n % 2, 1 - (n % 2)]); // alternating: C(1) = −1 at both points
 *   t.observe(0, n, s, s);
 * }
 * const rows = t.rows();
 * const err = rows.find((r) => r.metric === "autocorr_error" && r.ic === undefined);
 * const c1 = rows.find((r) => r.metric === "autocorr_pred" && r.step === 1);
 * if (err?.value !== 0 || c1?.value !== -1) throw new Error(JSON.stringify([err, c1]));
 * ```
 * @module
 */
import { type CatalogueSection, type MetricInfo, metricInfo } from "./metric_info.ts";
import type { ResultRow } from "./rows.ts";
import {
  builtTracker,
  derivedTracker,
  type Tracker,
  type TrackerContext,
  type TrackerFamily,
} from "./tracker.ts";
import { autocorrelation, autocorrelationCurveError, temporalSpectrumError } from "./autocorr.ts";
import { spectrumError } from "./spectrum.ts";
import {
  base64ToBytes,
  base64ToF64,
  bytesToBase64,
  checkCoverage,
  f64ToBase64,
} from "./state_codec.ts";

/**
 * Default largest lag: `min(⌊L/2⌋, 50)` for a series of `L` steps.
 *
 * @example
 * ```ts
 * import { defaultTauMax } from "./temporal.ts";
 * if (defaultTauMax(20) !== 10 || defaultTauMax(1000) !== 50) throw new Error();
 * ```
 */
export function defaultTauMax(length: number): number {
  return Math.min(Math.floor(length / 2), 50);
}

/**
 * Streaming lagged sums of `P` series (one per point), enough to give at the end each point's
 * `C(τ)` and biased autocovariance `γ(τ)` for τ = 0..τ_max exactly as from the whole series
 * (module documentation). Memory `(τ_max + 3)·P` float64 and `(2τ_max + B)·P` values kept, float32
 * while every state pushed is a `Float32Array`, else float64 ({@link LAG_BLOCK} `= B`).
 *
 * The lagged sums `S_τ = Σ_t d_t d_{t−τ}` are added in time order, but B steps at a time: the
 * last τ_max values and up to B new ones of a point lie side by side (`[P, τ_max + B]`), and
 * every B pushes each `S_τ` of each point takes its B new products in one pass, the sum held in
 * a register. The additions are those of a push-by-push update, in the same order, so the sums
 * are the same bits; the sums and values are read once per B steps instead of once per step
 * (at τ_max = 50, 256 points and B = 16 the memory touched per step falls about 15-fold).
 *
 * @example
 * ```ts
 * import { LagAccumulator } from "./temporal.ts";
 * import { autocorrelation } from "./autocorr.ts";
 * const x = [3, 1, 4, 1, 5, 9, 2, 6];
 * const a = new LagAccumulator(1, 3);
 * for (const v of x) a.push([v], [0]);
 * const want = autocorrelation(x, 3), got = a.result().c;
 * if (want.some((v, i) => Math.abs(v - got[i]) > 1e-14)) throw new Error(`${got}`);
 * ```
 */
export class LagAccumulator {
  readonly #p: number;
  readonly #tau: number;
  #n = 0;
  /** Pushes not yet added to the lagged sums (< {@link LAG_BLOCK}). */
  #pending = 0;
  readonly #shift: Float64Array;
  readonly #total: Float64Array;
  /** `[P, τ_max + 1]`: `S_τ` of each point. */
  readonly #lag: Float64Array;
  /**
   * The series' own values `x_t` (each `d_t = x_t − shift` is computed again where it is used:
   * the same subtraction, the same number), float32 while every state pushed was a
   * `Float32Array` (its values are float32, kept exactly in half the memory), else float64;
   * made at the first push. `head`: `[τ_max, P]`, the first τ_max values; `hist`:
   * `[P, τ_max + B]`, each point's last τ_max values (oldest first), then the pending ones.
   */
  #head: Float32Array | Float64Array | undefined;
  #hist: Float32Array | Float64Array | undefined;

  /** `points` series, lags up to `tauMax` (integers ≥ 1 and ≥ 0; `RangeError` otherwise). */
  constructor(points: number, tauMax: number) {
    if (!Number.isInteger(points) || points < 1 || !Number.isInteger(tauMax) || tauMax < 0) {
      throw new RangeError(
        `Cannot create a LagAccumulator: expected points ≥ 1 and tauMax ≥ 0 (integers), found ` +
          `${points} and ${tauMax}`,
      );
    }
    this.#p = points;
    this.#tau = tauMax;
    this.#shift = new Float64Array(points);
    this.#total = new Float64Array(points);
    this.#lag = new Float64Array((tauMax + 1) * points);
  }

  /**
   * Start a new series in this accumulator's memory: afterwards it is what
   * `new LagAccumulator(points, tauMax)` is (no values, every sum zero; a float64 value storage
   * is dropped, so the next push picks its storage as a new one would), and gives the same bits.
   * A tracker that sees one series after another (`TemporalTracker`) reuses its accumulators
   * this way instead of allocating and faulting in new ones.
   *
   * @example
   * ```ts
   * import { LagAccumulator } from "./temporal.ts";
   * const a = new LagAccumulator(1, 2), b = new LagAccumulator(1, 2);
   * for (const v of [5, -1, 7, 2]) a.push([v], [0]);
   * a.reset();
   * for (const v of [3, 1, 4, 1, 5]) { a.push([v], [0]); b.push([v], [0]); }
   * if (a.result().c.some((v, i) => !Object.is(v, b.result().c[i]))) throw new Error("bits");
   * ```
   */
  reset(): void {
    this.#n = 0;
    this.#pending = 0;
    this.#shift.fill(0);
    this.#total.fill(0);
    this.#lag.fill(0);
    if (this.#hist instanceof Float32Array) {
      this.#hist.fill(0);
      this.#head!.fill(0);
    } else {
      this.#hist = this.#head = undefined;
    }
  }

  /**
   * Make the float32 value storage (what states of `Float32Array` use) now and write every page
   * of the accumulator's arrays, so that its first pushes neither allocate nor fault in memory;
   * the sums are unchanged (all zero). A no-op once values were pushed or storage exists.
   */
  reserve(): void {
    if (this.#hist || this.#n > 0) return;
    this.#store(true);
    this.reset();
  }

  /** Float32 or float64 storage of the values (a float32 one copied over exactly). */
  #store(float32: boolean): void {
    const p = this.#p, tmax = this.#tau;
    const make = (n: number) => (float32 ? new Float32Array(n) : new Float64Array(n));
    const head = make(tmax * p), hist = make((tmax + LAG_BLOCK) * p);
    if (this.#head) head.set(this.#head);
    if (this.#hist) hist.set(this.#hist);
    this.#head = head;
    this.#hist = hist;
  }

  /** Values pushed so far (the series length L). */
  get length(): number {
    return this.#n;
  }

  /** Append one time step: point `j` takes `state[index[j]]`. */
  push(state: ArrayLike<number>, index: ArrayLike<number>): void {
    const f32 = state instanceof Float32Array;
    if (!this.#hist || (!f32 && this.#hist instanceof Float32Array)) this.#store(f32);
    const p = this.#p, t = this.#n, tmax = this.#tau, w = tmax + LAG_BLOCK;
    const shift = this.#shift, total = this.#total, hist = this.#hist!, heads = this.#head!;
    if (t === 0) { for (let j = 0; j < p; j++) shift[j] = state[index[j]]; }
    const head = t < tmax ? t * p : -1, at = tmax + this.#pending;
    for (let j = 0; j < p; j++) {
      const x = state[index[j]];
      total[j] += x - shift[j];
      hist[j * w + at] = x;
      if (head >= 0) heads[head + j] = x;
    }
    this.#n++;
    if (++this.#pending === LAG_BLOCK) this.#flush();
  }

  /**
   * Add the values pushed so far to the lagged sums now instead of at the next block of
   * {@link LAG_BLOCK} or at `result` (each lagged sum still takes its products in the order of t,
   * so the sums are the same bits whenever this is called). A tracker calls it a step before a
   * series ends, so that the last step has one value left to add.
   */
  flush(): void {
    this.#flush();
  }

  /**
   * Add the pending values' products to the lagged sums: for each point and lag τ, the values
   * `d_t` of steps `t = t₀..t₀ + q − 1` with `t ≥ τ` times `d_{t−τ}`, in order of t (as pushed
   * one by one); then keep the last τ_max values.
   */
  #flush(): void {
    const q = this.#pending;
    if (q === 0) return;
    const p = this.#p, tmax = this.#tau, r = tmax + 1, w = tmax + LAG_BLOCK;
    const t0 = this.#n - q, hist = this.#hist!, lag = this.#lag, shift = this.#shift;
    for (let j = 0; j < p; j++) {
      // hist[b + i] − sh: d of step t₀ + i (i ≥ −τ_max); step t takes lags τ ≤ t only.
      const b = j * w + tmax, l = j * r, sh = shift[j];
      let tau = 0;
      // Four lags τ..τ+3 per pass: each new value times the four older ones, in registers.
      for (; tau + 3 <= tmax; tau += 4) {
        let s0 = lag[l + tau], s1 = lag[l + tau + 1], s2 = lag[l + tau + 2];
        let s3 = lag[l + tau + 3];
        // Steps i < lo (t₀ + i < τ + 3) have lag τ + 3 not yet: the lower lags take them first.
        const lo = Math.min(q, Math.max(0, tau + 3 - t0));
        for (let i = Math.max(0, tau - t0); i < lo; i++) {
          s0 += (hist[b + i] - sh) * (hist[b + i - tau] - sh);
        }
        for (let i = Math.max(0, tau + 1 - t0); i < lo; i++) {
          s1 += (hist[b + i] - sh) * (hist[b + i - tau - 1] - sh);
        }
        for (let i = Math.max(0, tau + 2 - t0); i < lo; i++) {
          s2 += (hist[b + i] - sh) * (hist[b + i - tau - 2] - sh);
        }
        if (lo < q) {
          let x1 = hist[b + lo - tau - 1] - sh, x2 = hist[b + lo - tau - 2] - sh;
          let x3 = hist[b + lo - tau - 3] - sh;
          for (let i = lo; i < q; i++) {
            const h = hist[b + i] - sh, x0 = hist[b + i - tau] - sh;
            s0 += h * x0;
            s1 += h * x1;
            s2 += h * x2;
            s3 += h * x3;
            x3 = x2;
            x2 = x1;
            x1 = x0;
          }
        }
        lag[l + tau] = s0;
        lag[l + tau + 1] = s1;
        lag[l + tau + 2] = s2;
        lag[l + tau + 3] = s3;
      }
      for (; tau <= tmax; tau++) {
        let s = lag[l + tau];
        for (let i = Math.max(0, tau - t0); i < q; i++) {
          s += (hist[b + i] - sh) * (hist[b + i - tau] - sh);
        }
        lag[l + tau] = s;
      }
      hist.copyWithin(j * w, j * w + q, j * w + q + tmax);
    }
    this.#pending = 0;
  }

  /**
   * Per lag τ = 0..τ_max, the means over points `first..first + count − 1` (default: all) of
   * `C(τ)` and of the biased autocovariance `γ(τ)`. Throws `RangeError` unless at least
   * `τ_max + 1` values were pushed or on a bad point range.
   */
  result(first = 0, count = this.#p - first): { c: Float64Array; gamma: Float64Array } {
    const p = this.#p, L = this.#n, tmax = this.#tau, r = tmax + 1, w = tmax + LAG_BLOCK;
    if (
      !Number.isInteger(first) || !Number.isInteger(count) || first < 0 || count < 1 ||
      first + count > p
    ) {
      throw new RangeError(
        `Cannot compute lagged statistics: expected points in [0, ${p}), found ${first}..${
          first + count - 1
        }`,
      );
    }
    if (L < tmax + 1) {
      throw new RangeError(
        `Cannot compute lagged statistics: expected at least ${tmax + 1} steps, found ${L}`,
      );
    }
    this.#flush();
    const c = new Float64Array(tmax + 1), gamma = new Float64Array(tmax + 1);
    const heads = this.#head!, hist = this.#hist!;
    for (let j = first; j < first + count; j++) {
      const total = this.#total[j], m = total / L, lag = this.#lag, l = j * r, sh = this.#shift[j];
      const variance = (lag[l] - L * m * m) / L;
      const constant = lag[l] === 0;
      let head = 0, tail = 0;
      for (let tau = 0; tau <= tmax; tau++) {
        if (tau > 0) {
          head += heads[(tau - 1) * p + j] - sh; // d_{τ−1}
          tail += hist[j * w + tmax - tau] - sh; // d_{L−τ}
        }
        const a = lag[l + tau] - m * (total - tail + total - head) + (L - tau) * m * m;
        c[tau] += constant ? 1 : a / (L - tau) / variance;
        gamma[tau] += a / L;
      }
    }
    for (let tau = 0; tau <= tmax; tau++) {
      c[tau] /= count;
      gamma[tau] /= count;
    }
    return { c, gamma };
  }
}

/**
 * Steps a {@link LagAccumulator} holds before adding them to its lagged sums (B): 16.
 */
export const LAG_BLOCK = 16;

/**
 * Blackman–Tukey spectral estimate with a Bartlett window from an autocovariance `γ(0..τ_max)`:
 * `P(f_j) = γ(0) + 2 Σ_{τ=1}^{τ_max−1} (1 − τ/τ_max) γ(τ) cos(π j τ / τ_max)` at
 * `f_j = j / (2τ_max)` cycles per step, j = 0..τ_max (`τ_max ≥ 1`). For a biased (positive
 * semi-definite) autocovariance the estimate is ≥ 0 up to rounding, and `γ = a²γ₀` gives `a²P₀`.
 *
 * @example
 * ```ts
 * import { blackmanTukey } from "./temporal.ts";
 * const white = blackmanTukey(new Float64Array([2, 0, 0, 0])); // white noise: flat at γ(0)
 * if (white.some((v) => v !== 2)) throw new Error(String(white));
 * ```
 */
export function blackmanTukey(gamma: ArrayLike<number>): Float64Array {
  const tmax = gamma.length - 1;
  if (tmax < 1) {
    throw new RangeError(
      `Cannot compute a Blackman–Tukey spectrum: expected lags 0..τ_max with τ_max ≥ 1, found ${gamma.length} values`,
    );
  }
  const { weight, cos } = bartlettCosines(tmax);
  const out = new Float64Array(tmax + 1);
  for (let j = 0; j <= tmax; j++) {
    let s = gamma[0];
    const row = j * tmax;
    for (let tau = 1; tau < tmax; tau++) s += weight[tau] * gamma[tau] * cos[row + tau];
    out[j] = s;
  }
  return out;
}

/**
 * {@link blackmanTukey}'s factors for one τ_max, made once: `weight[τ] = 2 · (1 − τ/τ_max)` and
 * `cos[j·τ_max + τ] = cos(π j τ / τ_max)`, each the very number the sum's terms
 * `2 * (1 - τ/τ_max) * γ(τ) * cos(π j τ / τ_max)` compute (the products in the same order), so
 * the spectra are the same bits, without τ_max² cosines per call.
 */
function bartlettCosines(tmax: number): { weight: Float64Array; cos: Float64Array } {
  let t = BARTLETT.get(tmax);
  if (!t) {
    const weight = new Float64Array(tmax), cos = new Float64Array((tmax + 1) * tmax);
    for (let tau = 1; tau < tmax; tau++) weight[tau] = 2 * (1 - tau / tmax);
    for (let j = 0; j <= tmax; j++) {
      for (let tau = 1; tau < tmax; tau++) {
        cos[j * tmax + tau] = Math.cos((Math.PI * j * tau) / tmax);
      }
    }
    t = { weight, cos };
    if (BARTLETT.size < 64) BARTLETT.set(tmax, t);
  }
  return t;
}
const BARTLETT = new Map<number, { weight: Float64Array; cos: Float64Array }>();

/** Options of a {@link TemporalTracker}. */
export interface TemporalOptions {
  /** Field names, `C = fields.length`. */
  readonly fields: readonly string[];
  /** Points per field, `X`. */
  readonly pointsPerField: number;
  /** ICs, `N`. */
  readonly ics: number;
  /** First observed step s₀ (the model's first prediction). */
  readonly firstStep: number;
  /** Last step T; the series is s₀..T. */
  readonly steps: number;
  /** Largest lag (default {@link defaultTauMax} of the series length). */
  readonly tauMax?: number;
  /** Points per field that are tracked (default {@link DEFAULT_MAX_POINTS}; {@link samplePoints}). */
  readonly maxPoints?: number;
}

/** Default points per field a {@link TemporalTracker} follows. */
export const DEFAULT_MAX_POINTS = 256;

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/**
 * The flat indices (within one field of `x` points) a {@link TemporalTracker} follows when it
 * keeps `count` of them: all points `0..x−1` when `count ≥ x`, else `i_j = (j·s) mod x` for
 * j = 0..count−1, with `s` the smallest integer ≥ round(0.618034·x) that is coprime to `x`
 * (distinct indices; deterministic). A golden-ratio stride spreads the points over the whole
 * flat range and, on a row-major 2D grid `[ny, nx]`, over its rows and columns alike: on
 * 256 × 256 the default 256 points lie in 256 distinct columns and over 200 distinct rows
 * (an evenly strided `⌊j x / count⌋` would be the single column x = 0).
 *
 * @example
 * ```ts
 * import { samplePoints } from "./temporal.ts";
 * const p = samplePoints(65536, 256);
 * const rows = new Set([...p].map((i) => i >> 8)), cols = new Set([...p].map((i) => i & 255));
 * if (rows.size < 200 || cols.size < 200) throw new Error(`${rows.size} rows, ${cols.size} columns`);
 * if (samplePoints(8, 16).join() !== "0,1,2,3,4,5,6,7") throw new Error();
 * ```
 */
export function samplePoints(x: number, count: number): Int32Array {
  if (count >= x) return Int32Array.from({ length: x }, (_, j) => j);
  let s = Math.max(1, Math.round(0.6180339887498949 * x));
  while (gcd(s, x) !== 1) s++;
  // j·s < count·x ≤ 2⁵³ for any grid that fits in memory: the product is exact.
  return Int32Array.from({ length: count }, (_, j) => (j * s) % x);
}

/**
 * Shortest predicted series (`L = T − s₀ + 1` steps) for which `harness/tasks/run.ts` reports temporal
 * rows: 10 (τ_max ≥ 5).
 */
export const MIN_TEMPORAL_STEPS = 10;

/**
 * Schema tag of a {@link TemporalState}. Version 2: points sampled by {@link samplePoints}
 * (version 1 states sampled `⌊j X / P⌋` and must not merge with version 2 ones).
 */
export const TEMPORAL_STATE_SCHEMA = "emubench.temporal-state/2";

/** Finished per-IC curves of some ICs, for sharded runs (like `ScorerState`). */
export interface TemporalState {
  schema: typeof TEMPORAL_STATE_SCHEMA;
  fields: string[];
  ics: number;
  firstStep: number;
  steps: number;
  tauMax: number;
  pointsPerField: number;
  maxPoints: number;
  /** IC indices held, ascending. */
  covered: number[];
  /** `[covered]` bytes: 1 when the IC's whole series was seen (not diverged). */
  done: string;
  /** `[covered, 4, C, τ_max + 1]` float64: C_p, C_y, P_p, P_y. */
  curves: string;
}

/** The two accumulators of one IC's series. */
interface Lags {
  pred: LagAccumulator;
  ref: LagAccumulator;
}

/**
 * Streams every IC's prediction and reference fields and gives the temporal rows of the module
 * documentation. Steps of an IC must arrive in order s₀, s₀+1, …, T.
 */
export class TemporalTracker {
  readonly #o: Required<TemporalOptions>;
  readonly #index: Int32Array;
  readonly #live = new Map<number, Lags>();
  /** Accumulators of ended series (or reserved), reset when a new series takes them. */
  readonly #spare: Lags[] = [];
  readonly #done: Uint8Array;
  /** `[N, 4, C, τ_max + 1]`. */
  readonly #curves: Float64Array;

  /** Validate the options (`RangeError` naming the bad one). */
  constructor(options: TemporalOptions) {
    const { fields, pointsPerField: x, ics, firstStep, steps } = options;
    const length = steps - firstStep + 1;
    const tauMax = options.tauMax ?? defaultTauMax(length);
    const maxPoints = options.maxPoints ?? DEFAULT_MAX_POINTS;
    const bad = (what: string, expected: string, found: unknown) =>
      new RangeError(
        `Cannot create a TemporalTracker: ${what}: expected ${expected}, found ${found}`,
      );
    if (fields.length < 1) throw bad("fields", "at least one", 0);
    if (!Number.isInteger(x) || x < 1) throw bad("pointsPerField", "an integer ≥ 1", x);
    if (!Number.isInteger(ics) || ics < 1) throw bad("ics", "an integer ≥ 1", ics);
    if (!Number.isInteger(firstStep) || firstStep < 0) {
      throw bad("firstStep", "an integer ≥ 0", firstStep);
    }
    if (!Number.isInteger(steps) || length < 2) {
      throw bad("steps", `an integer ≥ firstStep + 1 = ${firstStep + 1}`, steps);
    }
    if (!Number.isInteger(tauMax) || tauMax < 1 || tauMax > length - 1) {
      throw bad("tauMax", `an integer in [1, ${length - 1}]`, tauMax);
    }
    if (!Number.isInteger(maxPoints) || maxPoints < 1) {
      throw bad("maxPoints", "an integer ≥ 1", maxPoints);
    }
    this.#o = { fields, pointsPerField: x, ics, firstStep, steps, tauMax, maxPoints };
    const points = samplePoints(x, maxPoints), per = points.length;
    this.#index = new Int32Array(fields.length * per);
    for (let c = 0; c < fields.length; c++) {
      for (let j = 0; j < per; j++) this.#index[c * per + j] = c * x + points[j];
    }
    this.#done = new Uint8Array(ics);
    this.#curves = new Float64Array(ics * 4 * fields.length * (tauMax + 1));
  }

  /** The largest lag τ_max in use. */
  get tauMax(): number {
    return this.#o.tauMax;
  }

  /** Record IC `ic`'s prediction and reference states `[C·X]` at `step` (in order from s₀). */
  observe(ic: number, step: number, pred: Float32Array, ref: Float32Array): void {
    const { ics, firstStep, steps, pointsPerField: x, fields } = this.#o;
    if (!Number.isInteger(ic) || ic < 0 || ic >= ics) {
      throw new RangeError(`Cannot observe IC ${ic}: expected an IC index in [0, ${ics - 1}]`);
    }
    if (step < firstStep || step > steps) return; // steps outside s₀..T are not in the series
    if (pred.length !== fields.length * x || ref.length !== fields.length * x) {
      throw new TypeError(
        `Cannot observe IC ${ic} at step ${step}: expected states of ${
          fields.length * x
        } values, ` +
          `found ${pred.length} and ${ref.length}`,
      );
    }
    let acc = this.#live.get(ic);
    if (step === firstStep) {
      if (acc) this.#spare.push(acc); // the IC's series starts again
      acc = this.#spare.pop();
      if (acc) {
        acc.pred.reset();
        acc.ref.reset();
      } else acc = this.#lags();
      this.#live.set(ic, acc);
    }
    if (!acc || acc.pred.length !== step - firstStep) {
      throw new RangeError(
        `Cannot observe IC ${ic} at step ${step}: expected step ${
          acc ? firstStep + acc.pred.length : firstStep
        } (steps arrive in order from ${firstStep})`,
      );
    }
    acc.pred.push(pred, this.#index);
    acc.ref.push(ref, this.#index);
    if (step === steps) this.#finish(ic, acc);
    else if (step === steps - 1) {
      // The series' last step then adds one value, not up to LAG_BLOCK: less to do at the end
      // of a run, where nothing overlaps it (the same sums: `LagAccumulator.flush`).
      acc.pred.flush();
      acc.ref.flush();
    }
  }

  /** IC `ic` went non-finite: its series is incomplete and it contributes to no row. */
  diverged(ic: number, _step: number): void {
    this.#release(ic);
  }

  /**
   * Make the accumulators of `live` series observed at once now (at most the tracker's ICs),
   * their memory written, so that the first step of each IC does not allocate and fault in about
   * 2 · (τ_max + 1) · P · 8 bytes (0.5 MB per IC at τ_max = 50 and 256 points: 1–1.7 ms each at
   * burgers1d's step 1, measured in a scoring worker on 2026-12-03). Series that end hand theirs
   * on to the next IC either way; the rows are the same bits.
   */
  reserve(live: number): void {
    const want = Math.min(Math.max(0, Math.floor(live)), this.#o.ics);
    for (let have = this.#live.size + this.#spare.length; have < want; have++) {
      const acc = this.#lags();
      acc.pred.reserve();
      acc.ref.reserve();
      this.#spare.push(acc);
    }
  }

  #lags(): Lags {
    const p = this.#index.length, tauMax = this.#o.tauMax;
    return { pred: new LagAccumulator(p, tauMax), ref: new LagAccumulator(p, tauMax) };
  }

  #release(ic: number): void {
    const acc = this.#live.get(ic);
    if (!acc) return;
    this.#live.delete(ic);
    this.#spare.push(acc);
  }

  #finish(ic: number, acc: Lags): void {
    const c = this.#o.fields.length, r = this.#o.tauMax + 1;
    const per = this.#index.length / c;
    // Field f is the points [f·per, (f+1)·per) of the accumulators.
    for (const [k, a] of [acc.pred, acc.ref].entries()) {
      for (let f = 0; f < c; f++) {
        const field = a.result(f * per, per);
        this.#curves.set(field.c, ((ic * 4 + k) * c + f) * r);
        this.#curves.set(blackmanTukey(field.gamma), ((ic * 4 + 2 + k) * c + f) * r);
      }
    }
    this.#done[ic] = 1;
    this.#release(ic);
  }

  /** Rows of the module documentation. */
  rows(): ResultRow[] {
    const { fields, ics, tauMax } = this.#o;
    const c = fields.length, r = tauMax + 1;
    const done = [...this.#done.keys()].filter((ic) => this.#done[ic] === 1);
    const rows: ResultRow[] = [];
    const curve = (ic: number, k: number, f: number) =>
      this.#curves.subarray(((ic * 4 + k) * c + f) * r, ((ic * 4 + k) * c + f + 1) * r);
    fields.forEach((field, f) => {
      let sumAc = 0, sumSp = 0;
      for (let ic = 0; ic < ics; ic++) {
        if (this.#done[ic] !== 1) continue;
        const ac = meanAbsDiff(curve(ic, 0, f), curve(ic, 1, f));
        const sp = spectrumError(curve(ic, 2, f), curve(ic, 3, f));
        sumAc += ac;
        sumSp += sp;
        rows.push(
          { metric: "autocorr_error", field, ic, value: ac },
          { metric: "temporal_spectrum_error", field, ic, value: sp },
        );
      }
      rows.push(...meanRows("", field, done.length, sumAc, sumSp));
      for (let tau = 0; tau <= tauMax; tau++) {
        for (const [k, metric] of [[0, "autocorr_pred"], [1, "autocorr_ref"]] as const) {
          let s = 0;
          for (const ic of done) s += curve(ic, k, f)[tau];
          rows.push(lagRow(metric, field, tau, s, done.length));
        }
      }
    });
    return rows;
  }

  /** The finished curves of ICs `ics` (default all), for a shard file. */
  toState(ics?: readonly number[]): TemporalState {
    const { fields, tauMax } = this.#o;
    const covered = [...(ics ?? [...this.#done.keys()])].sort((a, b) => a - b);
    const per = 4 * fields.length * (tauMax + 1);
    const curves = new Float64Array(covered.length * per);
    covered.forEach((ic, i) =>
      curves.set(this.#curves.subarray(ic * per, (ic + 1) * per), i * per)
    );
    return {
      schema: TEMPORAL_STATE_SCHEMA,
      fields: [...fields],
      ics: this.#o.ics,
      firstStep: this.#o.firstStep,
      steps: this.#o.steps,
      tauMax,
      pointsPerField: this.#o.pointsPerField,
      maxPoints: this.#o.maxPoints,
      covered,
      done: bytesToBase64(Uint8Array.from(covered, (ic) => this.#done[ic])),
      curves: f64ToBase64(curves),
    };
  }

  /**
   * A tracker for `options` holding the ICs of `states` (from {@link TemporalTracker.toState}),
   * whose `rows()` equal those of one tracker that observed every IC. Throws `RangeError` /
   * `TypeError` ("Cannot merge temporal states: …") on a header mismatch, an IC held twice or
   * missing, or damaged data.
   * With `partial`, ICs in none of the states stay unobserved (a shard's own rows, checked by
   * `emubench merge`) instead of being an error.
   */
  static fromStates(
    options: TemporalOptions,
    states: readonly TemporalState[],
    partial = false,
  ): TemporalTracker {
    const t = new TemporalTracker(options);
    const o = t.#o;
    const owner = new Int32Array(o.ics).fill(-1);
    const per = 4 * o.fields.length * (o.tauMax + 1);
    states.forEach((s, j) => {
      const where = `state ${j}`;
      const header = {
        schema: TEMPORAL_STATE_SCHEMA,
        fields: JSON.stringify(o.fields),
        ics: o.ics,
        firstStep: o.firstStep,
        steps: o.steps,
        tauMax: o.tauMax,
        pointsPerField: o.pointsPerField,
        maxPoints: o.maxPoints,
      };
      for (const [k, v] of Object.entries(header)) {
        const found = k === "fields"
          ? JSON.stringify(s?.fields)
          : (s as unknown as Record<string, unknown>)?.[k];
        if (found !== v) {
          throw new RangeError(
            `Cannot merge temporal states: ${where}: ${k}: expected ${JSON.stringify(v)}, found ${
              JSON.stringify(found)
            }`,
          );
        }
      }
      const covered = s.covered;
      if (
        !Array.isArray(covered) ||
        !covered.every((ic) => Number.isInteger(ic) && ic >= 0 && ic < o.ics)
      ) {
        throw new RangeError(
          `Cannot merge temporal states: ${where}: covered: expected IC indices in [0, ${
            o.ics - 1
          }]`,
        );
      }
      const done = base64ToBytes(s.done, covered.length, `${where}: done`, "temporal states");
      const curves = base64ToF64(
        s.curves,
        covered.length * per,
        `${where}: curves`,
        "temporal states",
      );
      covered.forEach((ic, i) => {
        if (owner[ic] >= 0) {
          throw new RangeError(
            `Cannot merge temporal states: IC ${ic} is in states ${owner[ic]} and ${j}`,
          );
        }
        owner[ic] = j;
        t.#done[ic] = done[i];
        t.#curves.set(curves.subarray(i * per, (i + 1) * per), ic * per);
      });
    });
    if (!partial) checkCoverage(owner, states.length, "temporal states");
    return t;
  }
}

function meanAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let tau = 1; tau < a.length; tau++) s += Math.abs(a[tau] - b[tau]);
  return s / (a.length - 1);
}

function meanRows(suffix: string, field: string, n: number, ac: number, sp: number): ResultRow[] {
  return [
    {
      metric: `autocorr_error${suffix}`,
      field,
      value: n > 0 ? ac / n : null,
      n,
      reduction: "mean_over_ics",
    },
    {
      metric: `temporal_spectrum_error${suffix}`,
      field,
      value: n > 0 ? sp / n : null,
      n,
      reduction: "mean_over_ics",
    },
  ];
}

function lagRow(metric: string, field: string, tau: number, sum: number, n: number): ResultRow {
  return {
    metric,
    field,
    step: tau,
    value: n > 0 ? sum / n : null,
    n,
    reduction: "mean_over_ics_by_lag",
  };
}

/**
 * Temporal rows of a scalar series `name` (e.g. `energy`, `diag_gamma_n`) from per-IC series
 * indexed by step 0..T (`null` = missing, e.g. after divergence): each IC whose prediction and
 * reference are non-null over `firstStep..T` contributes `autocorrelationError` (lags 1..τ_max)
 * and `temporalSpectrumError` (`metrics/autocorr.ts`); rows as in the module documentation.
 * Returns no rows when the series has fewer than 2 steps.
 *
 * @example
 * ```ts
 * import { scalarTemporalRows } from "./temporal.ts";
 * const y = Array.from({ length: 41 }, (_, t) => Math.sin(t / 2));
 * const rows = scalarTemporalRows("energy", [{ pred: y, ref: y }], 1);
 * const e = rows.find((r) => r.metric === "autocorr_error_energy" && r.ic === undefined);
 * if (e?.value !== 0 || e.n !== 1) throw new Error(JSON.stringify(e));
 * ```
 */
export function scalarTemporalRows(
  name: string,
  series: readonly { pred: readonly (number | null)[]; ref: readonly (number | null)[] }[],
  firstStep: number,
  tauMax?: number,
): ResultRow[] {
  if (series.length === 0) return [];
  const steps = series[0].pred.length - 1, length = steps - firstStep + 1;
  if (length < 2) return [];
  const tmax = tauMax ?? defaultTauMax(length);
  const rows: ResultRow[] = [];
  let sumAc = 0, sumSp = 0;
  const cp = new Float64Array(tmax + 1), cy = new Float64Array(tmax + 1);
  let n = 0;
  series.forEach(({ pred, ref }, ic) => {
    const p = pred.slice(firstStep), y = ref.slice(firstStep);
    if (p.some((v) => v === null) || y.some((v) => v === null)) return;
    const pp = p as number[], yy = y as number[];
    // Each curve once: the error is autocorrelationError(pp, yy, tmax) from them.
    const a = autocorrelation(pp, tmax), b = autocorrelation(yy, tmax);
    const ac = autocorrelationCurveError(a, b), sp = temporalSpectrumError(pp, yy);
    for (let tau = 0; tau <= tmax; tau++) {
      cp[tau] += a[tau];
      cy[tau] += b[tau];
    }
    sumAc += ac;
    sumSp += sp;
    n++;
    rows.push(
      { metric: `autocorr_error_${name}`, field: "*", ic, value: ac },
      { metric: `temporal_spectrum_error_${name}`, field: "*", ic, value: sp },
    );
  });
  rows.push(...meanRows(`_${name}`, "*", n, sumAc, sumSp));
  for (let tau = 0; tau <= tmax; tau++) {
    rows.push(lagRow(`autocorr_pred_${name}`, "*", tau, cp[tau], n));
    rows.push(lagRow(`autocorr_ref_${name}`, "*", tau, cy[tau], n));
  }
  return rows;
}

/** What {@link scalarSeriesRows} reads (`RolloutScorer`, `DiagnosticsTracker` fit). */
export interface ScalarSources {
  /** Energies of an IC at steps 0..T. */
  energy: { energySeries(ic: number): { pred: (number | null)[]; ref: (number | null)[] } };
  /** Suite diagnostics, if any. */
  diagnostics?: {
    readonly names: readonly string[];
    series(ic: number, name: string): { pred: (number | null)[]; ref: (number | null)[] };
  };
}

/**
 * {@link scalarTemporalRows} for the energy (`*_energy`) and every suite diagnostic
 * (`*_diag_<name>`, e.g. `autocorr_error_diag_gamma_n`) of `ics` ICs over steps `firstStep..T`.
 *
 * @example
 * ```ts
 * import { scalarSeriesRows } from "./temporal.ts";
 * const e = Array.from({ length: 21 }, (_, t) => Math.cos(t));
 * const rows = scalarSeriesRows({ energy: { energySeries: () => ({ pred: e, ref: e }) } }, 2, 1);
 * if (rows.find((r) => r.metric === "autocorr_error_energy" && r.ic === undefined)?.n !== 2) {
 *   throw new Error();
 * }
 * ```
 */
export function scalarSeriesRows(
  sources: ScalarSources,
  ics: number,
  firstStep: number,
): ResultRow[] {
  const all = Array.from({ length: ics }, (_, ic) => ic);
  const rows = scalarTemporalRows(
    "energy",
    all.map((ic) => sources.energy.energySeries(ic)),
    firstStep,
  );
  for (const name of sources.diagnostics?.names ?? []) {
    rows.push(
      ...scalarTemporalRows(
        `diag_${name}`,
        all.map((ic) => sources.diagnostics!.series(ic, name)),
        firstStep,
      ),
    );
  }
  return rows;
}

const temporalApplies = ({ steps, firstStep }: TrackerContext) =>
  steps - firstStep + 1 >= MIN_TEMPORAL_STEPS
    ? { has: true, because: `a run of ${steps} steps has temporal rows` }
    : { has: false, because: `a run of ${steps} steps has no temporal rows` };

const TEMPORAL_EXACT: Readonly<Record<string, MetricInfo>> = {
  autocorr_error: metricInfo(
    "lower",
    "autocorrelation error",
    "1",
    "temporal",
    "mean over lags τ ≥ 1 of |ρₚ(τ) − ρᵧ(τ)| of the sampled point series",
  ),
  temporal_spectrum_error: metricInfo(
    "lower",
    "temporal spectrum error",
    "1",
    "temporal",
    "mean |log Sₚ(f) − log Sᵧ(f)| of the Blackman–Tukey spectra of the point series",
  ),
  autocorr_pred: metricInfo(
    "none",
    "autocorrelation (prediction)",
    "1",
    "temporal",
    "per lag τ (step)",
  ),
  autocorr_ref: metricInfo(
    "none",
    "autocorrelation (reference)",
    "1",
    "temporal",
    "per lag τ (step)",
  ),
};
const TEMPORAL_SERIES =
  /^(autocorr_error|temporal_spectrum_error|autocorr_pred|autocorr_ref)_(energy|diag_[a-z0-9_]+)$/;

/**
 * The ids of the temporal families: per field (`autocorr_error`, …) and per scalar series
 * (`<id>_energy`, `<id>_diag_<name>`).
 *
 * @example
 * ```ts
 * import { TEMPORAL_CATALOGUE } from "./temporal.ts";
 * if (TEMPORAL_CATALOGUE.pattern?.("autocorr_error_energy")?.direction !== "lower") throw new Error();
 * ```
 */
export const TEMPORAL_CATALOGUE: CatalogueSection = {
  exact: TEMPORAL_EXACT,
  pattern(id) {
    const t = TEMPORAL_SERIES.exec(id);
    if (!t) return undefined;
    const base = TEMPORAL_EXACT[t[1]];
    const series = t[2] === "energy" ? "energy" : t[2].slice("diag_".length);
    return {
      ...base,
      label: `${base.label} of ${series}`,
      description: `${
        base.description?.replace(" of the sampled point series", "")
          .replace(" of the point series", "")
      } of the ${series} series`,
    };
  },
};

/**
 * Temporal autocorrelation and spectra of the fields as a metric family: runs with at least
 * {@link MIN_TEMPORAL_STEPS} predicted steps s₀..T have the tracker.
 *
 * @example
 * ```ts
 * import { TEMPORAL_FAMILY } from "./temporal.ts";
 * const suite = { id: "toy", fields: ["u"], energy: () => 1 };
 * const ctx = { suite, pointsPerField: 2, ics: 1, steps: 9, firstStep: 1, summarySteps: [], seed: 0 };
 * if (TEMPORAL_FAMILY.applies(ctx).has || !TEMPORAL_FAMILY.applies({ ...ctx, steps: 10 }).has) {
 *   throw new Error("10 predicted steps at least");
 * }
 * ```
 */
export const TEMPORAL_FAMILY: TrackerFamily = {
  key: "temporal",
  catalogue: TEMPORAL_CATALOGUE,
  applies: temporalApplies,
  build(ctx: TrackerContext, from): TemporalTracker {
    const options = {
      fields: ctx.suite.fields,
      pointsPerField: ctx.pointsPerField,
      ics: ctx.ics,
      firstStep: ctx.firstStep,
      steps: ctx.steps,
    };
    return from.states
      ? TemporalTracker.fromStates(options, from.states as TemporalState[], from.partial)
      : new TemporalTracker(options);
  },
};

/**
 * Temporal statistics of the energy and of every physics diagnostic ({@link scalarSeriesRows})
 * as a derived family, read from the `scorer` and `diagnostics` trackers; present exactly when
 * {@link TEMPORAL_FAMILY} is.
 *
 * @example
 * ```ts
 * import { SCALAR_TEMPORAL_FAMILY } from "./temporal.ts";
 * if (!SCALAR_TEMPORAL_FAMILY.derived) throw new Error("no state of its own");
 * ```
 */
export const SCALAR_TEMPORAL_FAMILY: TrackerFamily = {
  key: "temporal_scalars",
  catalogue: TEMPORAL_CATALOGUE,
  derived: true,
  applies: temporalApplies,
  build(ctx: TrackerContext, from): Tracker {
    const energy = builtTracker<ScalarSources["energy"]>(
      from.built,
      "scorer",
      ["energySeries"],
      "scalar temporal",
    );
    const diagnostics = from.built.has("diagnostics")
      ? builtTracker<NonNullable<ScalarSources["diagnostics"]>>(
        from.built,
        "diagnostics",
        ["series"],
        "scalar temporal",
      )
      : undefined;
    return derivedTracker(() => scalarSeriesRows({ energy, diagnostics }, ctx.ics, ctx.firstStep));
  },
};

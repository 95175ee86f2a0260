/**
 * Energy spectra and their log error (SPEC §4).
 *
 * 1D: for a periodic field of power-of-two length N with `û = FFT(u)/N`
 * (`û_k = (1/N) Σ_j u_j e^{-2πi jk/N}`), the shell spectrum is
 * `E(k) = Σ_{|k'| = k} ½|û_{k'}|²` for `k = 0..N/2`: `E(0) = ½|û_0|²`,
 * `E(k) = ½(|û_k|² + |û_{−k}|²) = |û_k|²` for `0 < k < N/2`, and `E(N/2) = ½|û_{N/2}|²` (the
 * Nyquist bin is its own mirror image and is counted once). Parseval then gives
 * `Σ_k E(k) = ½ Σ_k |û_k|² = ½⟨u²⟩` exactly (to rounding).
 *
 * @example
 * ```ts
 * import { spectrum1d } from "./spectrum.ts";
 * const n = 16, u = Array.from({ length: n }, (_, j) => 2 * Math.cos((2 * Math.PI * 3 * j) / n));
 * const e = spectrum1d(u); // all of ½⟨u²⟩ = 1 sits in shell 3
 * if (e.length !== 9 || Math.abs(e[3] - 1) > 1e-14) throw new Error("shell 3");
 * ```
 * @module
 */
import { fftAt, rfft, rfftInto, wavenumber } from "./fft.ts";

/**
 * Shell energy spectrum `E(k) = Σ_{|k'| = k} ½|û_{k'}|²`, `û = FFT(u)/N`, `k = 0..N/2`, of a
 * real periodic 1D field of power-of-two length N (float64). `Σ_k E(k) = ½⟨u²⟩`. Returns
 * `N/2 + 1` values (one for N = 1). Throws `RangeError` unless N is a power of two.
 *
 * @example
 * ```ts
 * import { spectrum1d } from "./spectrum.ts";
 * const u = [1, 2, 3, 4];
 * const total = spectrum1d(u).reduce((a, b) => a + b, 0);
 * if (Math.abs(total - (1 + 4 + 9 + 16) / 8) > 1e-15) throw new Error("Parseval");
 * ```
 */
export function spectrum1d(u: ArrayLike<number>): Float64Array {
  return spectrum1dInto(u, new Float64Array(Math.max(1, (u.length >> 1) + 1)));
}

/**
 * {@link spectrum1d} of `u` written to `out` (its first `N/2 + 1` values), with no allocation:
 * the same arithmetic, so the same bits; for callers that take a spectrum at every step (the
 * scorer). Returns `out`. Throws `RangeError` unless N is a power of two and `TypeError` when
 * `out` is shorter than `N/2 + 1`.
 *
 * @example
 * ```ts
 * import { spectrum1d, spectrum1dInto } from "./spectrum.ts";
 * const u = [1, 2, 3, 4], out = new Float64Array(3);
 * if (spectrum1dInto(u, out) !== out || out.join() !== spectrum1d(u).join()) throw new Error();
 * ```
 */
export function spectrum1dInto(u: ArrayLike<number>, out: Float64Array): Float64Array {
  const n = u.length;
  if (n < 1 || (n & (n - 1)) !== 0) {
    throw new RangeError(`Cannot compute spectrum1d: expected a power-of-two length, found ${n}`);
  }
  const half = n >> 1, scale = 1 / (n * n);
  if (out.length < half + 1) {
    throw new TypeError(
      `Cannot compute spectrum1d: expected an output of ≥ ${half + 1} values, found ${out.length}`,
    );
  }
  let re: Float64Array, im: Float64Array;
  if (n <= 2) {
    ({ re, im } = rfft(u));
  } else {
    const w = workspace1d(n);
    ({ re, im } = w);
    rfftInto(u, 0, n, re, im, 0, 1, w.zr, w.zi);
  }
  for (let k = 0; k <= half; k++) {
    const power = (re[k] * re[k] + im[k] * im[k]) * scale; // |û_k|²
    // Bins 0 and N/2 have no distinct mirror bin: ½|û|². Others pair k with −k: |û_k|².
    out[k] = k === 0 || k === half ? 0.5 * power : power;
  }
  return out;
}

/** Scratch of {@link spectrum1d} per length (module state; each worker has its own). */
const workspaces1d = new Map<
  number,
  { re: Float64Array; im: Float64Array; zr: Float64Array; zi: Float64Array }
>();

function workspace1d(n: number) {
  let w = workspaces1d.get(n);
  if (!w) {
    const m = n >> 1;
    w = {
      re: new Float64Array(m + 1),
      im: new Float64Array(m + 1),
      zr: new Float64Array(m),
      zi: new Float64Array(m),
    };
    workspaces1d.set(n, w);
  }
  return w;
}

/** Scratch and tables of {@link spectrum2d} per shape. */
interface Workspace2d {
  /** Column-major `[nx/2 + 1, ny]` row transforms. */
  re: Float64Array;
  im: Float64Array;
  /** rfft scratch, nx/2 each. */
  zr: Float64Array;
  zi: Float64Array;
  /** Shell of bin (k_x, q): `round(√(k_x² + k_y²))`, `[nx/2 + 1, ny]` like `re`. */
  shell: Int32Array;
  shells: number;
}

const workspaces2d = new Map<string, Workspace2d>();

function workspace2d(ny: number, nx: number): Workspace2d {
  const key = `${ny}x${nx}`;
  let w = workspaces2d.get(key);
  if (!w) {
    const cols = (nx >> 1) + 1;
    const shell = new Int32Array(cols * ny);
    for (let kx = 0; kx < cols; kx++) {
      for (let q = 0; q < ny; q++) {
        const ky = wavenumber(q, ny);
        shell[kx * ny + q] = Math.round(Math.sqrt(kx * kx + ky * ky));
      }
    }
    w = {
      re: new Float64Array(cols * ny),
      im: new Float64Array(cols * ny),
      zr: new Float64Array(Math.max(1, nx >> 1)),
      zi: new Float64Array(Math.max(1, nx >> 1)),
      shell,
      shells: Math.round(Math.hypot(nx / 2, ny / 2)) + 1,
    };
    workspaces2d.set(key, w);
  }
  return w;
}

/**
 * Isotropic shell spectrum of a real 2D field `[ny, nx]` (row-major: `field[j·nx + i]`, j = y
 * row, i = x column), both power-of-two sizes, periodic in both directions:
 *
 *   û(k_x, k_y) = (1/N) Σ_{j,i} u_{j,i} e^{−2πi (k_x i/nx + k_y j/ny)},   N = ny·nx,
 *   E(k) = Σ_{round(|k'|) = k} ½|û(k')|²,   |k'| = √(k_x² + k_y²),
 *
 * over all signed integer wavenumbers `k_x ∈ [−nx/2, nx/2)`, `k_y ∈ [−ny/2, ny/2)` (the Nyquist
 * bins ±n/2 are one bin, at |k| = n/2), for `k = 0..round(√((nx/2)² + (ny/2)²))`: 92 shells on
 * 128². Every bin lands in exactly one shell, so Parseval gives `Σ_k E(k) = ½⟨u²⟩` (to
 * rounding). Wavenumbers are mode numbers (cycles per box side): on a non-square box they are
 * not scaled by the side lengths. Shells beyond `min(nx, ny)/2` are only partly filled (the
 * corners of the square of wavenumbers); they are kept so that Parseval holds.
 *
 * The 2D DFT is taken as real FFTs of the rows (k_x ≥ 0, see `rfft`) followed by complex FFTs
 * of the columns; the bins `k_x < 0` are the complex conjugates of `(−k_x, −k_y)`, which lie in
 * the same shell, so columns `0 < k_x < nx/2` count twice. A field on a box with reflecting
 * walls is not periodic: its spectrum is still defined (that of its periodic extension, with
 * the jump at the walls spreading some energy to high k) and is computed the same way for
 * prediction and reference, so it remains a fair comparison. Sums in float64.
 *
 * Throws `RangeError` unless ny and nx are powers of two, `TypeError` unless
 * `field.length = ny·nx`.
 *
 * @example
 * ```ts
 * import { spectrum2d } from "./spectrum.ts";
 * const ny = 16, nx = 16, u = new Float64Array(ny * nx);
 * for (let j = 0; j < ny; j++) {
 *   for (let i = 0; i < nx; i++) u[j * nx + i] = Math.cos(2 * Math.PI * (3 * i + 4 * j) / 16);
 * }
 * const e = spectrum2d(u, ny, nx); // |k| = 5: all of ½⟨u²⟩ = ¼ in shell 5
 * if (e.length !== 12 || Math.abs(e[5] - 0.25) > 1e-14) throw new Error("shell 5");
 * ```
 */
export function spectrum2d(field: ArrayLike<number>, ny: number, nx: number): Float64Array {
  for (const [name, n] of [["ny", ny], ["nx", nx]] as const) {
    if (!Number.isInteger(n) || n < 1 || (n & (n - 1)) !== 0) {
      throw new RangeError(
        `Cannot compute spectrum2d: expected ${name} a power of two, found ${n}`,
      );
    }
  }
  if (field.length !== ny * nx) {
    throw new TypeError(
      `Cannot compute spectrum2d: expected ${ny}·${nx} = ${ny * nx} values [ny, nx], found ` +
        `${field.length}`,
    );
  }
  const half = nx >> 1, cols = half + 1;
  if (nx <= 2) return spectrum2dSmall(field, ny, nx);
  // Row transforms, k_x = 0..nx/2, into the column-major scratch [cols, ny] for the column FFTs.
  const w = workspace2d(ny, nx);
  const { re, im, shell } = w;
  for (let j = 0; j < ny; j++) rfftInto(field, j * nx, nx, re, im, j, ny, w.zr, w.zi);
  const e = new Float64Array(w.shells);
  const scale = 0.5 / ((ny * nx) * (ny * nx)); // ½|û|² with û = FFT/N
  for (let kx = 0; kx < cols; kx++) {
    const o = kx * ny;
    if (ny > 1) fftAt(re, im, o, ny);
    // Columns with 0 < k_x < nx/2 stand for their conjugate mirror (−k_x, −k_y) too.
    const weight = kx === 0 || kx === half ? scale : 2 * scale;
    for (let q = 0; q < ny; q++) {
      const r = re[o + q], i = im[o + q];
      e[shell[o + q]] += weight * (r * r + i * i);
    }
  }
  return e;
}

/** {@link spectrum2d} for nx ≤ 2 (rows too short for the packed real FFT), as first written. */
function spectrum2dSmall(field: ArrayLike<number>, ny: number, nx: number): Float64Array {
  const half = nx >> 1, cols = half + 1;
  const re = new Float64Array(cols * ny), im = new Float64Array(cols * ny);
  const row = new Float64Array(nx);
  for (let j = 0; j < ny; j++) {
    for (let i = 0; i < nx; i++) row[i] = field[j * nx + i];
    const r = rfft(row);
    for (let kx = 0; kx < r.re.length; kx++) {
      re[kx * ny + j] = r.re[kx];
      im[kx * ny + j] = r.im[kx];
    }
  }
  const shells = Math.round(Math.hypot(nx / 2, ny / 2)) + 1;
  const e = new Float64Array(shells);
  const scale = 0.5 / ((ny * nx) * (ny * nx));
  for (let kx = 0; kx < cols && kx < nx; kx++) {
    const o = kx * ny;
    if (ny > 1) fftAt(re, im, o, ny);
    const weight = kx === 0 || kx === half ? scale : 2 * scale;
    for (let q = 0; q < ny; q++) {
      const ky = wavenumber(q, ny);
      const r = re[o + q], i = im[o + q];
      e[Math.round(Math.sqrt(kx * kx + ky * ky))] += weight * (r * r + i * i);
    }
  }
  return e;
}

/** Options of {@link spectrumError} and {@link spectrumErrorBands}. */
export interface SpectrumErrorOptions {
  /** First shell compared (default 1: the mean, shell 0, is left to the MSE). */
  kMin?: number;
  /** Last shell compared (default: the last shell, `E.length − 1`). */
  kMax?: number;
  /**
   * Energies below `relativeFloor · Σ_k E_ref(k)` are raised to that floor before the log
   * (default `1e-14`). Float32 round-off puts white noise of total energy about
   * `2⁻⁴⁸/3 ≈ 4·10⁻¹⁵` of `⟨u²⟩` into a field, spread over all shells, so shells below the
   * default floor hold rounding noise, not signal: two such shells compare as equal instead of
   * adding random `O(1)` log differences. The floor is never below `1e-300` (so a zero reference
   * still gives a finite error).
   */
  relativeFloor?: number;
}

/** Spectrum error over all compared shells and per log-spaced band; null for an empty band. */
export interface SpectrumErrorBands {
  /** Mean over every shell in `[kMin, kMax]`. */
  all: number;
  /** Mean over the low band (largest scales), or null when it holds no shell. */
  low: number | null;
  /** Mean over the middle band, or null when it holds no shell. */
  mid: number | null;
  /** Mean over the high band (smallest scales), or null when it holds no shell. */
  high: number | null;
}

/** Band name of a shell. */
export type SpectralBand = "low" | "mid" | "high";

const DEFAULT_RELATIVE_FLOOR = 1e-14;
const ABSOLUTE_FLOOR = 1e-300;

/**
 * Log spectrum error: the mean over shells `k = kMin..kMax` of `|ln Ê_p(k) − ln Ê_y(k)|`
 * (natural log), with `Ê = max(E, f)` and `f = max(relativeFloor · Σ_k E_y(k), 1e-300)` (see
 * {@link SpectrumErrorOptions}). Scaling p by `a` gives `|2 ln a|` on every shell above the
 * floor. `pred` and `ref` are spectra (e.g. from {@link spectrum1d}) of equal length.
 *
 * @example
 * ```ts
 * import { spectrumError } from "./spectrum.ts";
 * const ey = [1, 0.5, 0.25, 0.125];
 * const ep = ey.map((e) => 4 * e); // p = 2y
 * if (Math.abs(spectrumError(ep, ey) - 2 * Math.log(2)) > 1e-15) throw new Error("2 ln 2");
 * ```
 */
export function spectrumError(
  pred: ArrayLike<number>,
  ref: ArrayLike<number>,
  options: SpectrumErrorOptions = {},
): number {
  return spectrumErrorBands(pred, ref, options).all;
}

/**
 * {@link spectrumError} over all shells plus its means over three bands of equal width in
 * `ln k` between `max(kMin, 1)` and `kMax` (see {@link spectralBand}); for N = 1024 and the
 * defaults: low = shells 1–7, mid = 8–63, high = 64–512. Log bands give each band the same
 * span of scales (a factor `(kMax/kMin)^{1/3}`), so "high" is the small scales where emulators
 * usually lose energy.
 *
 * @example
 * ```ts
 * import { spectrumErrorBands } from "./spectrum.ts";
 * const ey = Array.from({ length: 513 }, (_, k) => 1 / (1 + k * k));
 * const ep = ey.map((e, k) => (k >= 64 ? e / Math.E : e)); // energy lost at small scales only
 * const b = spectrumErrorBands(ep, ey);
 * if (b.low !== 0 || b.mid !== 0 || Math.abs((b.high ?? NaN) - 1) > 1e-12) throw new Error("bands");
 * ```
 */
export function spectrumErrorBands(
  pred: ArrayLike<number>,
  ref: ArrayLike<number>,
  options: SpectrumErrorOptions = {},
): SpectrumErrorBands {
  const n = ref.length;
  if (pred.length !== n) {
    throw new TypeError(
      `Cannot compute a spectrum error: expected spectra of equal length, found pred length ` +
        `${pred.length} and ref length ${n}`,
    );
  }
  const kMin = options.kMin ?? 1, kMax = options.kMax ?? n - 1;
  if (!Number.isInteger(kMin) || !Number.isInteger(kMax) || kMin < 0 || kMax >= n || kMin > kMax) {
    throw new RangeError(
      `Cannot compute a spectrum error: expected integer shells 0 ≤ kMin ≤ kMax ≤ ${n - 1}, ` +
        `found kMin = ${kMin}, kMax = ${kMax}`,
    );
  }
  const relativeFloor = options.relativeFloor ?? DEFAULT_RELATIVE_FLOOR;
  if (!(relativeFloor >= 0) || !Number.isFinite(relativeFloor)) {
    throw new RangeError(
      `Cannot compute a spectrum error: expected a finite relativeFloor ≥ 0, found ` +
        `${relativeFloor}`,
    );
  }
  let total = 0;
  for (let k = 0; k < n; k++) total += ref[k];
  const floor = Math.max(relativeFloor * total, ABSOLUTE_FLOOR);
  const sums = [0, 0, 0], counts = [0, 0, 0];
  const bands = bandTable(kMin, kMax);
  let sum = 0;
  for (let k = kMin; k <= kMax; k++) {
    // |ln a − ln b| = |ln(a/b)|: one logarithm per shell (this runs for every IC and step).
    const d = Math.abs(Math.log(Math.max(pred[k], floor) / Math.max(ref[k], floor)));
    sum += d;
    const b = bands[k - kMin];
    sums[b] += d;
    counts[b]++;
  }
  const mean = (b: number) => (counts[b] > 0 ? sums[b] / counts[b] : null);
  return { all: sum / (kMax - kMin + 1), low: mean(0), mid: mean(1), high: mean(2) };
}

/**
 * Band of shell `k` among `kMin..kMax`: with `k₀ = max(kMin, 1)` and
 * `t = ln(k/k₀) / ln(kMax/k₀)`, low for `t < ⅓`, mid for `⅓ ≤ t < ⅔`, high for `t ≥ ⅔` (a shell
 * on a boundary goes to the upper band). Shell 0 and every shell when `kMax ≤ k₀` are low.
 *
 * @example
 * ```ts
 * import { spectralBand } from "./spectrum.ts";
 * const bands = [1, 7, 8, 63, 64, 512].map((k) => spectralBand(k, 1, 512));
 * if (bands.join() !== "low,low,mid,mid,high,high") throw new Error(bands.join());
 * ```
 */
export function spectralBand(k: number, kMin: number, kMax: number): SpectralBand {
  return (["low", "mid", "high"] as const)[bandIndex(k, kMin, kMax)];
}

const bandTables = new Map<string, Uint8Array>();

/** {@link bandIndex} for every shell of `kMin..kMax`, computed once per range. */
function bandTable(kMin: number, kMax: number): Uint8Array {
  const key = `${kMin}:${kMax}`;
  let t = bandTables.get(key);
  if (!t) {
    t = new Uint8Array(kMax - kMin + 1);
    for (let k = kMin; k <= kMax; k++) t[k - kMin] = bandIndex(k, kMin, kMax);
    bandTables.set(key, t);
  }
  return t;
}

function bandIndex(k: number, kMin: number, kMax: number): number {
  const k0 = Math.max(kMin, 1);
  if (k < k0 || kMax <= k0) return 0;
  // The 1e-9 guards boundaries such as k = 8 of 1..512 (3·ln 8 / ln 512 = 1 up to rounding).
  return Math.min(2, Math.floor((3 * Math.log(k / k0)) / Math.log(kMax / k0) + 1e-9));
}

/**
 * Doubly periodic pseudo-spectral toolkit on an n×n grid (n a power of two) of side L.
 *
 * Layout: a physical field is row-major `f[j·n + i]` at `x_i = iL/n` (column i) and
 * `y_j = jL/n` (row j), as in `metrics/spectrum.ts`. Its spectrum is the full complex n×n array
 * `(re, im)` indexed `[q·n + p]` (row q = y bin, column p = x bin), unnormalised:
 *
 *   f̂(p, q) = Σ_{j,i} f_{j,i} e^{−2πi (p i + q j)/n},   f_{j,i} = (1/n²) Σ_{p,q} f̂(p, q) e^{+2πi (p i + q j)/n},
 *
 * with signed mode numbers `k_x = wavenumber(p, n)`, `k_y = wavenumber(q, n)` and angular
 * wavenumbers `κ = 2πk/L`. Parseval: `⟨f g⟩ = (1/n⁴) Σ Re(f̂ conj ĝ)` (⟨·⟩ the grid mean).
 *
 * Operators act on spectra: ∂x ↔ iκ_x, ∂y ↔ iκ_y (zero at the Nyquist bins ±n/2, whose
 * derivative of a real field is not real), ∇² ↔ −|κ|², ∇⁻² ↔ −1/|κ|² with the mean mode mapped
 * to 0. The 2/3 rule keeps `|k_x| ≤ K` and `|k_y| ≤ K`, `K = ⌊n/3⌋` (so `3K < n`): a product of
 * two fields kept by the mask aliases only into bins the mask removes. Hence the dealiased
 * Jacobian `J(a, b) = P[(Pa)_x (Pb)_y − (Pa)_y (Pb)_x]` is the exact projection of the continuous
 * bracket of the projected fields and keeps its identities: `J(a, b) = −J(b, a)`, `⟨J⟩ = 0`,
 * `⟨a J(a, b)⟩ = ⟨b J(a, b)⟩ = 0` for band-limited a, b (energy and enstrophy conservation).
 *
 * All transforms reuse buffers allocated by the constructor; no method allocates.
 *
 * @example
 * ```ts
 * import { Spectral2D } from "./spectral2d.ts";
 * const g = new Spectral2D(16); // side 2π
 * const f = new Float64Array(256), re = new Float64Array(256), im = new Float64Array(256);
 * for (let j = 0; j < 16; j++) for (let i = 0; i < 16; i++) f[j * 16 + i] = Math.sin(g.x(i));
 * g.forward(f, re, im);
 * g.dx(re, im, re, im); // ∂x sin x = cos x
 * g.inverse(re, im, f);
 * if (Math.abs(f[0] - 1) > 1e-12) throw new Error("cos 0 = 1");
 * ```
 * @module
 */

import { fftAt, fftColumns, wavenumber } from "../../metrics/fft.ts";

/**
 * Pseudo-spectral operators on a doubly periodic n×n grid of side `length` (see module docs).
 *
 * @example
 * ```ts
 * import { Spectral2D } from "./spectral2d.ts";
 * const g = new Spectral2D(8, 1);
 * if (g.kCut !== 2 || Math.abs(g.x(4) - 0.5) > 1e-15) throw new Error("grid");
 * ```
 */
export class Spectral2D {
  /** Points per side (power of two ≥ 4). */
  readonly n: number;
  /** Side length L of the square box. */
  readonly length: number;
  /** n². */
  readonly size: number;
  /** 2/3-rule cutoff K = ⌊n/3⌋: modes with |k_x| ≤ K and |k_y| ≤ K are kept. */
  readonly kCut: number;
  /** iκ_x multiplier per spectral bin: κ_x = 2πk_x/L, 0 at the Nyquist column. */
  readonly kx: Float64Array;
  /** iκ_y multiplier per spectral bin: κ_y = 2πk_y/L, 0 at the Nyquist row. */
  readonly ky: Float64Array;
  /** |κ|² = κ_x² + κ_y² per bin (Nyquist bins included at their full value). */
  readonly k2: Float64Array;
  /** 1/|κ|² per bin, 0 for the mean mode. */
  readonly invK2: Float64Array;
  /** 2/3-rule mask P ∈ {0, 1} per bin. */
  readonly mask: Float64Array;

  readonly #ar: Float64Array;
  readonly #ai: Float64Array;
  readonly #br: Float64Array;
  readonly #bi: Float64Array;
  #cr: Float64Array | undefined;
  #ci: Float64Array | undefined;

  /** Build wavenumber arrays, mask and work buffers for n×n points on a box of side `length`. */
  constructor(n: number, length = 2 * Math.PI) {
    if (!Number.isInteger(n) || n < 4 || (n & (n - 1)) !== 0) {
      throw new RangeError(`Cannot build Spectral2D: expected n a power of two ≥ 4, found ${n}`);
    }
    if (!(length > 0) || !Number.isFinite(length)) {
      throw new RangeError(`Cannot build Spectral2D: expected length > 0, found ${length}`);
    }
    this.n = n;
    this.length = length;
    this.size = n * n;
    this.kCut = Math.floor(n / 3);
    const buf = () => new Float64Array(n * n);
    this.kx = buf();
    this.ky = buf();
    this.k2 = buf();
    this.invK2 = buf();
    this.mask = buf();
    const c = (2 * Math.PI) / length, half = n / 2;
    for (let q = 0; q < n; q++) {
      const my = wavenumber(q, n);
      for (let p = 0; p < n; p++) {
        const mx = wavenumber(p, n), idx = q * n + p;
        this.kx[idx] = p === half ? 0 : c * mx;
        this.ky[idx] = q === half ? 0 : c * my;
        const k2 = c * c * (mx * mx + my * my);
        this.k2[idx] = k2;
        this.invK2[idx] = idx === 0 ? 0 : 1 / k2;
        this.mask[idx] = Math.abs(mx) <= this.kCut && Math.abs(my) <= this.kCut ? 1 : 0;
      }
    }
    this.#ar = buf();
    this.#ai = buf();
    this.#br = buf();
    this.#bi = buf();
  }

  /** Grid coordinate `iL/n` of column (or row) i. */
  x(i: number): number {
    return (i * this.length) / this.n;
  }

  #check(action: string, ...arrays: ArrayLike<number>[]): void {
    for (const a of arrays) {
      if (a.length !== this.size) {
        throw new TypeError(
          `Cannot ${action}: expected arrays of ${this.n}·${this.n} = ${this.size} values, found ${a.length}`,
        );
      }
    }
  }

  /**
   * In-place complex 2D DFT of `(re, im)` (forward unnormalised, inverse divided by n²). With
   * `lim < n/2` only columns with |k_x| ≤ lim get their y-transform: forward, the other
   * columns are left half-transformed (the caller masks them away); inverse, the other
   * columns must be zero on entry (they stay zero through the y-transform).
   */
  #fft2(re: Float64Array, im: Float64Array, inverse: boolean, lim: number): void {
    const n = this.n;
    if (inverse) this.#cols(re, im, true, lim);
    // Rows are contiguous: transform them in place (fftAt: fft's arithmetic on a slice).
    for (let j = 0; j < n; j++) fftAt(re, im, j * n, n, inverse);
    if (!inverse) this.#cols(re, im, false, lim);
  }

  /** The y-transforms of `#fft2`: columns with p ≤ lim or p ≥ n − lim. */
  #cols(re: Float64Array, im: Float64Array, inverse: boolean, lim: number): void {
    const n = this.n;
    // fftColumns: fft's bits per column, the butterflies running along rows
    if (2 * lim + 1 >= n) {
      fftColumns(re, im, n, n, 0, n, inverse);
    } else {
      fftColumns(re, im, n, n, 0, lim + 1, inverse);
      fftColumns(re, im, n, n, n - lim, n, inverse);
    }
  }

  /**
   * The transforms and product of the Jacobian with the row passes fused: from the spectra
   * `(pr, pi)` of a_x + i a_y and `q[t], q[t + 1]` of b_x + i b_y (band-limited), writes
   * `FFT[a_x b_y − a_y b_x]` (band columns only, unmasked) to `out[t], out[t + 1]`, overwriting
   * p and q with their inverse transforms. The bits of `#fft2` inverse on p and each q, the
   * product, and `#fft2` forward on each out: every row is independent of the others in the
   * row passes, so row j of p and q is inverse-transformed, multiplied and forward-transformed
   * while it is in cache.
   */
  #brackets(pr: Float64Array, pi: Float64Array, q: Float64Array[], out: Float64Array[]): void {
    const n = this.n, lim = this.kCut;
    this.#cols(pr, pi, true, lim);
    for (let t = 0; t < q.length; t += 2) this.#cols(q[t], q[t + 1], true, lim);
    for (let j = 0; j < n; j++) {
      const o = j * n, e = o + n;
      fftAt(pr, pi, o, n, true);
      for (let t = 0; t < q.length; t += 2) {
        const qr = q[t], qi = q[t + 1], outRe = out[t], outIm = out[t + 1];
        fftAt(qr, qi, o, n, true);
        for (let k = o; k < e; k++) {
          outRe[k] = pr[k] * qi[k] - pi[k] * qr[k];
          outIm[k] = 0;
        }
        fftAt(outRe, outIm, o, n, false);
      }
    }
    for (let t = 0; t < out.length; t += 2) this.#cols(out[t], out[t + 1], false, lim);
  }

  /**
   * In-place complex 2D transform of `(re, im)`: forward `Σ f e^{−2πi(pi + qj)/n}`, or with
   * `inverse = true` the inverse, divided by n².
   *
   * @example
   * ```ts
   * import { Spectral2D } from "./spectral2d.ts";
   * const g = new Spectral2D(4), re = new Float64Array(16).fill(1), im = new Float64Array(16);
   * g.fft2(re, im); // a constant lands in bin 0: n² = 16
   * if (re[0] !== 16 || re[1] !== 0) throw new Error("fft2");
   * ```
   */
  fft2(re: Float64Array, im: Float64Array, inverse = false): void {
    this.#check("run fft2", re, im);
    this.#fft2(re, im, inverse, this.n / 2);
  }

  /**
   * The band-limited 2D transform of {@link Spectral2D.jacobian}, in place: the y-transforms run
   * only on the columns with |k_x| ≤ K (the 2/3 band). Forward, the other columns are left
   * half-transformed (mask them away); inverse, they must hold zeros on entry. The bits of the
   * transforms inside `jacobian`, for solvers that fuse their own loops around them.
   *
   * @example
   * ```ts
   * import { Spectral2D } from "./spectral2d.ts";
   * const g = new Spectral2D(8), re = new Float64Array(64), im = new Float64Array(64);
   * re[1] = 64; // e^{ix}, inside the band
   * g.fft2Band(re, im, true);
   * if (Math.abs(re[0] - 1) > 1e-15 || Math.abs(im[2] - 1) > 1e-15) throw new Error("e^{ix}");
   * ```
   */
  fft2Band(re: Float64Array, im: Float64Array, inverse = false): void {
    this.#check("run band transform", re, im);
    this.#fft2(re, im, inverse, this.kCut);
  }

  /**
   * The unmasked bracket of {@link Spectral2D.jacobian}: from the spectra `(pr, pi)` of
   * a_x + i a_y and `(qr, qi)` of b_x + i b_y (band-limited), writes `FFT[a_x b_y − a_y b_x]`
   * into `(outRe, outIm)` (band columns only: the caller masks), overwriting p and q with their
   * inverse transforms. The bits of `fft2Band(p, inverse)`, `fft2Band(q, inverse)`, the product
   * and `fft2Band(out)`, with the row passes fused.
   *
   * @example
   * ```ts
   * import { Spectral2D } from "./spectral2d.ts";
   * const g = new Spectral2D(8), s = () => new Float64Array(64);
   * const [pr, pi, qr, qi, or, oi] = [s(), s(), s(), s(), s(), s()];
   * pr[1] = 64; // a_x + i a_y = e^{ix}: a_x = cos x, a_y = sin x
   * qi[0] = 64; // b_x + i b_y = i: b_y = 1
   * g.bracketBand(pr, pi, qr, qi, or, oi); // a_x b_y − a_y b_x = cos x
   * if (Math.abs(or[1] - 32) > 1e-12 || Math.abs(or[7] - 32) > 1e-12) throw new Error("cos x");
   * ```
   */
  bracketBand(
    pr: Float64Array,
    pi: Float64Array,
    qr: Float64Array,
    qi: Float64Array,
    outRe: Float64Array,
    outIm: Float64Array,
  ): void {
    this.#check("compute bracket", pr, pi, qr, qi, outRe, outIm);
    this.#brackets(pr, pi, [qr, qi], [outRe, outIm]);
  }

  /**
   * Spectrum `(outRe, outIm)` of the real field `f` (unnormalised, see module docs).
   *
   * @example
   * ```ts
   * import { Spectral2D } from "./spectral2d.ts";
   * const g = new Spectral2D(4), re = new Float64Array(16), im = new Float64Array(16);
   * g.forward(new Float64Array(16).fill(2), re, im);
   * if (re[0] !== 32) throw new Error("Σf = 32");
   * ```
   */
  forward(f: ArrayLike<number>, outRe: Float64Array, outIm: Float64Array): void {
    this.#check("run forward transform", f, outRe, outIm);
    for (let k = 0; k < this.size; k++) {
      outRe[k] = f[k];
      outIm[k] = 0;
    }
    this.#fft2(outRe, outIm, false, this.n / 2);
  }

  /**
   * Spectra of two real fields with one complex transform of `a + i b`, split by
   * `â_k = (Z_k + conj Z_{−k})/2`, `b̂_k = (Z_k − conj Z_{−k})/(2i)`.
   *
   * @example
   * ```ts
   * import { Spectral2D } from "./spectral2d.ts";
   * const g = new Spectral2D(4), s = () => new Float64Array(16);
   * const ar = s(), ai = s(), br = s(), bi = s();
   * g.forwardPair(new Float64Array(16).fill(1), new Float64Array(16).fill(3), ar, ai, br, bi);
   * if (ar[0] !== 16 || br[0] !== 48 || ai[0] !== 0) throw new Error("pair");
   * ```
   */
  forwardPair(
    a: ArrayLike<number>,
    b: ArrayLike<number>,
    aRe: Float64Array,
    aIm: Float64Array,
    bRe: Float64Array,
    bIm: Float64Array,
  ): void {
    this.#check("run forwardPair", a, b, aRe, aIm, bRe, bIm);
    const n = this.n, zr = this.#ar, zi = this.#ai;
    for (let k = 0; k < this.size; k++) {
      zr[k] = a[k];
      zi[k] = b[k];
    }
    this.#fft2(zr, zi, false, n / 2);
    for (let q = 0; q < n; q++) {
      const qm = (n - q) % n;
      for (let p = 0; p < n; p++) {
        const k = q * n + p, m = qm * n + ((n - p) % n);
        const xr = zr[k], xi = zi[k], yr = zr[m], yi = -zi[m]; // Z_k and conj Z_{−k}
        aRe[k] = 0.5 * (xr + yr);
        aIm[k] = 0.5 * (xi + yi);
        bRe[k] = 0.5 * (xi - yi);
        bIm[k] = -0.5 * (xr - yr);
      }
    }
  }

  /**
   * Real field `out` from its spectrum `(re, im)` (inputs untouched). The imaginary part of the
   * inverse, zero for a Hermitian spectrum, is dropped.
   *
   * @example
   * ```ts
   * import { Spectral2D } from "./spectral2d.ts";
   * const g = new Spectral2D(4), re = new Float64Array(16), out = new Float64Array(16);
   * re[0] = 32;
   * g.inverse(re, new Float64Array(16), out);
   * if (out.some((v) => v !== 2)) throw new Error("constant 2");
   * ```
   */
  inverse(re: ArrayLike<number>, im: ArrayLike<number>, out: Float64Array): void {
    this.#check("run inverse transform", re, im, out);
    const wr = this.#ar, wi = this.#ai;
    for (let k = 0; k < this.size; k++) {
      wr[k] = re[k];
      wi[k] = im[k];
    }
    this.#fft2(wr, wi, true, this.n / 2);
    out.set(wr);
  }

  /**
   * Two real fields from one complex inverse transform: `outA + i outB = IFFT(re + i im)`.
   * Pass `â + i b̂` (combined bin by bin) to get a and b at once.
   *
   * @example
   * ```ts
   * import { Spectral2D } from "./spectral2d.ts";
   * const g = new Spectral2D(4), re = new Float64Array(16), im = new Float64Array(16);
   * re[0] = 16; // a = 1
   * im[0] = 32; // b = 2
   * const a = new Float64Array(16), b = new Float64Array(16);
   * g.inversePair(re, im, a, b);
   * if (a[5] !== 1 || b[5] !== 2) throw new Error("pair");
   * ```
   */
  inversePair(
    re: ArrayLike<number>,
    im: ArrayLike<number>,
    outA: Float64Array,
    outB: Float64Array,
  ) {
    this.#check("run inversePair", re, im, outA, outB);
    const wr = this.#ar, wi = this.#ai;
    for (let k = 0; k < this.size; k++) {
      wr[k] = re[k];
      wi[k] = im[k];
    }
    this.#fft2(wr, wi, true, this.n / 2);
    outA.set(wr);
    outB.set(wi);
  }

  /**
   * Spectral ∂x: `out = iκ_x · in` (in place allowed).
   *
   * @example
   * ```ts
   * import { Spectral2D } from "./spectral2d.ts";
   * const g = new Spectral2D(4), re = new Float64Array(16), im = new Float64Array(16);
   * re[1] = 1; // e^{ix}
   * g.dx(re, im, re, im);
   * if (re[1] !== 0 || im[1] !== 1) throw new Error("i");
   * ```
   */
  dx(re: Float64Array, im: Float64Array, outRe: Float64Array, outIm: Float64Array): void {
    this.#multiplyI(this.kx, re, im, outRe, outIm);
  }

  /**
   * Spectral ∂y: `out = iκ_y · in` (in place allowed).
   *
   * @example
   * ```ts
   * import { Spectral2D } from "./spectral2d.ts";
   * const g = new Spectral2D(4), re = new Float64Array(16), im = new Float64Array(16);
   * re[4] = 1; // e^{iy}
   * g.dy(re, im, re, im);
   * if (im[4] !== 1) throw new Error("i");
   * ```
   */
  dy(re: Float64Array, im: Float64Array, outRe: Float64Array, outIm: Float64Array): void {
    this.#multiplyI(this.ky, re, im, outRe, outIm);
  }

  #multiplyI(
    k: Float64Array,
    re: Float64Array,
    im: Float64Array,
    outRe: Float64Array,
    outIm: Float64Array,
  ): void {
    this.#check("differentiate", re, im, outRe, outIm);
    for (let j = 0; j < this.size; j++) {
      const r = re[j], i = im[j];
      outRe[j] = -k[j] * i;
      outIm[j] = k[j] * r;
    }
  }

  /**
   * Spectral Laplacian: `out = −|κ|² · in` (in place allowed).
   *
   * @example
   * ```ts
   * import { Spectral2D } from "./spectral2d.ts";
   * const g = new Spectral2D(4), re = new Float64Array(16), im = new Float64Array(16);
   * re[5] = 1; // e^{i(x + y)}
   * g.laplacian(re, im, re, im);
   * if (re[5] !== -2) throw new Error("−2");
   * ```
   */
  laplacian(re: Float64Array, im: Float64Array, outRe: Float64Array, outIm: Float64Array): void {
    this.#scale(this.k2, -1, re, im, outRe, outIm);
  }

  /**
   * Inverse Laplacian with zero mean: `out = −in/|κ|²`, mean mode set to 0 (in place allowed).
   *
   * @example
   * ```ts
   * import { Spectral2D } from "./spectral2d.ts";
   * const g = new Spectral2D(4), re = new Float64Array(16), im = new Float64Array(16);
   * re[0] = 3;
   * re[5] = -2;
   * g.invLaplacian(re, im, re, im);
   * if (re[0] !== 0 || re[5] !== 1) throw new Error("∇⁻²");
   * ```
   */
  invLaplacian(re: Float64Array, im: Float64Array, outRe: Float64Array, outIm: Float64Array): void {
    this.#scale(this.invK2, -1, re, im, outRe, outIm);
  }

  /**
   * Apply the 2/3-rule mask in place.
   *
   * @example
   * ```ts
   * import { Spectral2D } from "./spectral2d.ts";
   * const g = new Spectral2D(8), re = new Float64Array(64).fill(1), im = new Float64Array(64);
   * g.dealias(re, im); // keeps |k_x|, |k_y| ≤ 2: 5 × 5 bins
   * if (re.reduce((s, v) => s + v, 0) !== 25) throw new Error("25 bins");
   * ```
   */
  dealias(re: Float64Array, im: Float64Array): void {
    this.#scale(this.mask, 1, re, im, re, im);
  }

  #scale(
    w: Float64Array,
    sign: number,
    re: Float64Array,
    im: Float64Array,
    outRe: Float64Array,
    outIm: Float64Array,
  ): void {
    this.#check("scale spectrum", re, im, outRe, outIm);
    for (let j = 0; j < this.size; j++) {
      const s = sign * w[j];
      outRe[j] = s * re[j];
      outIm[j] = s * im[j];
    }
  }

  /**
   * Dealiased Jacobian `Ĵ = P·FFT[(Pa)_x (Pb)_y − (Pa)_y (Pb)_x]` from spectra â, b̂ into
   * `(outRe, outIm)` (outputs may alias inputs). Cost: three complex 2D transforms (a_x + i a_y
   * and b_x + i b_y inverse, J forward), skipping the y-transforms of columns the mask zeroes.
   *
   * @example
   * ```ts
   * import { Spectral2D } from "./spectral2d.ts";
   * const g = new Spectral2D(16), s = () => new Float64Array(256);
   * const f = s(), h = s(), ar = s(), ai = s(), br = s(), bi = s();
   * for (let j = 0; j < 16; j++) {
   *   for (let i = 0; i < 16; i++) {
   *     f[j * 16 + i] = Math.sin(g.x(i));
   *     h[j * 16 + i] = Math.sin(g.x(j));
   *   }
   * }
   * g.forwardPair(f, h, ar, ai, br, bi);
   * g.jacobian(ar, ai, br, bi, ar, ai); // J(sin x, sin y) = cos x cos y
   * g.inverse(ar, ai, f);
   * if (Math.abs(f[0] - 1) > 1e-12) throw new Error("J");
   * ```
   */
  jacobian(
    aRe: Float64Array,
    aIm: Float64Array,
    bRe: Float64Array,
    bIm: Float64Array,
    outRe: Float64Array,
    outIm: Float64Array,
  ): void {
    this.#check("compute Jacobian", aRe, aIm, bRe, bIm, outRe, outIm);
    const size = this.size, kx = this.kx, ky = this.ky, mask = this.mask;
    const pr = this.#ar, pi = this.#ai, qr = this.#br, qi = this.#bi;
    // (iκ_x − κ_y)·P·â  ↦  a_x + i a_y (both real fields), likewise for b
    for (let k = 0; k < size; k++) {
      const m = mask[k], ar = aRe[k] * m, ai = aIm[k] * m, br = bRe[k] * m, bi = bIm[k] * m;
      pr[k] = -kx[k] * ai - ky[k] * ar;
      pi[k] = kx[k] * ar - ky[k] * ai;
      qr[k] = -kx[k] * bi - ky[k] * br;
      qi[k] = kx[k] * br - ky[k] * bi;
    }
    this.#brackets(pr, pi, [qr, qi], [outRe, outIm]);
    this.#mask(outRe, outIm);
  }

  /**
   * Two dealiased Jacobians with the same first argument, `J(a, b)` into `(outRe, outIm)` and
   * `J(a, c)` into `(out2Re, out2Im)`: the bits of two {@link Spectral2D.jacobian} calls, with
   * the inverse transform of a's gradient done once (five complex 2D transforms instead of six).
   * Outputs may alias inputs.
   *
   * @example
   * ```ts
   * import { Spectral2D } from "./spectral2d.ts";
   * const g = new Spectral2D(8), s = () => new Float64Array(64).map(() => Math.random());
   * const [ar, ai, br, bi, cr, ci] = [s(), s(), s(), s(), s(), s()];
   * const [j1r, j1i, j2r, j2i, wr, wi] = [s(), s(), s(), s(), s(), s()];
   * g.jacobianPair(ar, ai, br, bi, cr, ci, j1r, j1i, j2r, j2i);
   * g.jacobian(ar, ai, cr, ci, wr, wi);
   * if (wr.some((v, k) => !Object.is(v, j2r[k]))) throw new Error("same bits");
   * ```
   */
  jacobianPair(
    aRe: Float64Array,
    aIm: Float64Array,
    bRe: Float64Array,
    bIm: Float64Array,
    cRe: Float64Array,
    cIm: Float64Array,
    outRe: Float64Array,
    outIm: Float64Array,
    out2Re: Float64Array,
    out2Im: Float64Array,
  ): void {
    this.#check("compute Jacobians", aRe, aIm, bRe, bIm, cRe, cIm, outRe, outIm, out2Re, out2Im);
    const size = this.size, kx = this.kx, ky = this.ky, mask = this.mask;
    this.#cr ??= new Float64Array(size);
    this.#ci ??= new Float64Array(size);
    const pr = this.#ar, pi = this.#ai, qr = this.#br, qi = this.#bi, sr = this.#cr, si = this.#ci;
    for (let k = 0; k < size; k++) {
      const m = mask[k], ar = aRe[k] * m, ai = aIm[k] * m, br = bRe[k] * m, bi = bIm[k] * m;
      const cr = cRe[k] * m, ci = cIm[k] * m;
      pr[k] = -kx[k] * ai - ky[k] * ar;
      pi[k] = kx[k] * ar - ky[k] * ai;
      qr[k] = -kx[k] * bi - ky[k] * br;
      qi[k] = kx[k] * br - ky[k] * bi;
      sr[k] = -kx[k] * ci - ky[k] * cr;
      si[k] = kx[k] * cr - ky[k] * ci;
    }
    this.#brackets(pr, pi, [qr, qi, sr, si], [outRe, outIm, out2Re, out2Im]);
    this.#mask(outRe, outIm);
    this.#mask(out2Re, out2Im);
  }

  /** Multiply by the 2/3-rule mask in place (`x·P`, as `dealias` but without its checks). */
  #mask(outRe: Float64Array, outIm: Float64Array): void {
    const size = this.size, mask = this.mask;
    for (let k = 0; k < size; k++) {
      outRe[k] *= mask[k];
      outIm[k] *= mask[k];
    }
  }

  /**
   * Grid mean `⟨f g⟩ = (1/n⁴) Σ Re(f̂ conj ĝ)` from two spectra (Parseval).
   *
   * @example
   * ```ts
   * import { Spectral2D } from "./spectral2d.ts";
   * const g = new Spectral2D(4), re = new Float64Array(16), im = new Float64Array(16);
   * g.forward(new Float64Array(16).fill(3), re, im);
   * if (g.inner(re, im, re, im) !== 9) throw new Error("⟨9⟩");
   * ```
   */
  inner(aRe: Float64Array, aIm: Float64Array, bRe: Float64Array, bIm: Float64Array): number {
    this.#check("compute inner product", aRe, aIm, bRe, bIm);
    let s = 0;
    for (let k = 0; k < this.size; k++) s += aRe[k] * bRe[k] + aIm[k] * bIm[k];
    return s / (this.size * this.size);
  }
}

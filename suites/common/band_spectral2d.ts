/**
 * Half-plane, 2/3-band spectra of real fields on a doubly periodic n×n grid (n a power of two)
 * of side L, with transforms that skip the zeros of the band: the fast path of the `jet2d`
 * solver. The convention is {@link Spectral2D}'s (unnormalised forward DFT, inverse divided by
 * n², signed mode numbers, angular wavenumbers κ = 2πk/L); only the storage differs.
 *
 * Layout ("band layout"): a real field's spectrum is Hermitian, `f̂(−k) = conj f̂(k)`, and the
 * solver keeps only the 2/3 band `|k_x| ≤ K`, `|k_y| ≤ K`, `K = ⌊n/3⌋`. So only `k_x = 0..K` is
 * stored: `(re, im)` of `rows·cols` values, `rows = 2K + 1`, `cols = K + 1`, indexed `[r·cols + c]`
 * with `k_x = c` and `k_y = r` for `r ≤ K`, `k_y = r − rows` above (row r holds the full-layout
 * row `q = r` or `q = n − rows + r`). Column `k_x = 0` holds both `k_y` and `−k_y`: for a real
 * field they are conjugate (the transforms here produce them so to the bit).
 *
 * Cost: {@link BandSpectral2D.inversePair} and {@link BandSpectral2D.forwardPair} do one complex
 * 2D transform for two real fields (packed as `a + i b`), with the y-transforms on the 2K + 1
 * band columns only, the x-transforms of all n rows, and the work array stored n × (2K + 1) (the
 * columns outside the band are zero on the way in and not needed on the way out).
 * {@link BandSpectral2D.squares} fuses an inverse, a pointwise product and a forward transform
 * row by row (the `jet2d` nonlinear term). Where log₂ n is even and WebAssembly SIMD is there,
 * `squares` and `advection` run those transforms in the kernels of `radix4_simd.ts` (two columns,
 * or two of eight rows, per instruction; the same bits as the TypeScript path, about half the
 * time); {@link BandSpectral2D.simd} says which path a grid takes.
 *
 * @example
 * ```ts
 * import { BandSpectral2D } from "./band_spectral2d.ts";
 * const g = new BandSpectral2D(16), n = 16; // K = 5: 11 × 6 band bins
 * const f = new Float64Array(n * n), h = new Float64Array(n * n);
 * for (let j = 0; j < n; j++) for (let i = 0; i < n; i++) f[j * n + i] = Math.cos(g.x(i));
 * const re = new Float64Array(g.size), im = new Float64Array(g.size);
 * const zr = new Float64Array(g.size), zi = new Float64Array(g.size);
 * g.forwardPair(f, new Float64Array(n * n), re, im, zr, zi);
 * if (Math.abs(re[1] - 128) > 1e-12) throw new Error("cos x: n²/2 at k = (1, 0)");
 * g.inversePair(re, im, zr, zi, f, h);
 * if (Math.abs(f[0] - 1) > 1e-12) throw new Error("round trip");
 * ```
 * @module
 */

import { wavenumber } from "../../metrics/fft.ts";
import { Radix4 } from "./radix4.ts";
import { type BandKernels, bandKernels } from "./radix4_simd.ts";

/**
 * Band-layout spectral transforms of real fields (see module docs). Allocates its work arrays
 * once; no method allocates.
 *
 * @example
 * ```ts
 * import { BandSpectral2D } from "./band_spectral2d.ts";
 * const g = new BandSpectral2D(8); // K = 2
 * if (g.rows !== 5 || g.cols !== 3 || g.size !== 15 || g.q(3) !== 6) throw new Error("layout");
 * ```
 */
export class BandSpectral2D {
  /** Points per side (power of two ≥ 8). */
  readonly n: number;
  /** Side L. */
  readonly length: number;
  /** 2/3-rule cut-off K = ⌊n/3⌋. */
  readonly kCut: number;
  /** Band rows 2K + 1 (k_y = 0..K, then −K..−1). */
  readonly rows: number;
  /** Band columns K + 1 (k_x = 0..K). */
  readonly cols: number;
  /** rows · cols. */
  readonly size: number;
  /** κ_x = 2πk_x/L per band bin. */
  readonly kx: Float64Array;
  /** κ_y = 2πk_y/L per band bin. */
  readonly ky: Float64Array;
  /** |κ|² per band bin. */
  readonly k2: Float64Array;
  /** 1/|κ|² per band bin, 0 for the mean. */
  readonly invK2: Float64Array;

  /**
   * Whether the hot path (`squares`, `advection`) runs the WebAssembly SIMD kernels of
   * `radix4_simd.ts` (the same bits as the TypeScript transforms, about twice as fast) rather
   * than `Radix4`.
   */
  readonly simd: boolean;

  /**
   * Work array n × ws, re and im: band column c' < rows (full-layout column `q(c')`) of each
   * row (ws = rows, or rows + 1 with the SIMD kernels: one spare column, always 0). Spectral
   * rows (k_y) are kept in bit-reversed order, physical rows (y) in natural order.
   */
  readonly #wr: Float64Array;
  readonly #wi: Float64Array;
  /** Values per work-array row. */
  readonly #ws: number;
  /** The SIMD kernels on the work array, or null. */
  readonly #kernels: BandKernels | null;
  /** One row of n values (spectral: bit-reversed order). */
  readonly #sr: Float64Array;
  readonly #si: Float64Array;
  /** Radix-4 transforms of length n. */
  readonly #fft: Radix4;
  /** Row buffer position `rev(q(c'))` of band column c'. */
  readonly #colPos: Uint32Array;
  /** Work-array rows `rev(q)` of the k_y outside the band (zero before an inverse). */
  readonly #zeroRows: Uint32Array;
  /** Row buffer positions `rev(q)` of the k_x outside the band (zero before an inverse). */
  readonly #zeroPos: Uint32Array;

  /**
   * Layout, wavenumbers and work arrays for n×n points on a box of side `length`; `simd: false`
   * keeps the hot path in TypeScript (by default it uses WebAssembly SIMD where available and
   * log₂ n is even, see {@link BandSpectral2D.simd}).
   */
  constructor(n: number, length = 2 * Math.PI, options: { simd?: boolean } = {}) {
    if (!Number.isInteger(n) || n < 8 || (n & (n - 1)) !== 0) {
      throw new RangeError(
        `Cannot build BandSpectral2D: expected n a power of two ≥ 8, found ${n}`,
      );
    }
    if (!(length > 0) || !Number.isFinite(length)) {
      throw new RangeError(`Cannot build BandSpectral2D: expected length > 0, found ${length}`);
    }
    this.n = n;
    this.length = length;
    const k = Math.floor(n / 3);
    this.kCut = k;
    this.rows = 2 * k + 1;
    this.cols = k + 1;
    this.size = this.rows * this.cols;
    const buf = () => new Float64Array(this.size), c = (2 * Math.PI) / length;
    this.kx = buf();
    this.ky = buf();
    this.k2 = buf();
    this.invK2 = buf();
    for (let r = 0; r < this.rows; r++) {
      const my = wavenumber(this.q(r), n);
      for (let p = 0; p < this.cols; p++) {
        const i = r * this.cols + p;
        this.kx[i] = c * p;
        this.ky[i] = c * my;
        this.k2[i] = c * c * (p * p + my * my);
        this.invK2[i] = i === 0 ? 0 : 1 / this.k2[i];
      }
    }
    this.#sr = new Float64Array(n);
    this.#si = new Float64Array(n);
    this.#fft = new Radix4(n);
    const rev = this.#fft.rev;
    this.#colPos = Uint32Array.from({ length: this.rows }, (_, c) => rev[this.q(c)]);
    this.#zeroRows = Uint32Array.from({ length: n - this.rows }, (_, i) => rev[k + 1 + i]);
    this.#zeroPos = this.#zeroRows.slice();
    const kernels = options.simd === false
      ? null
      : bandKernels(n, this.rows, this.#colPos, this.#zeroPos);
    this.#kernels = kernels;
    this.simd = kernels !== null;
    this.#ws = kernels?.stride ?? this.rows;
    this.#wr = kernels?.wr ?? new Float64Array(n * this.rows);
    this.#wi = kernels?.wi ?? new Float64Array(n * this.rows);
  }

  /** Grid coordinate `iL/n` of column (or row) i. */
  x(i: number): number {
    return (i * this.length) / this.n;
  }

  /** Full-layout row (or column) index of band row (or column of the work array) r. */
  q(r: number): number {
    return r <= this.kCut ? r : this.n - this.rows + r;
  }

  #check(action: string, size: number, ...arrays: ArrayLike<number>[]): void {
    for (const a of arrays) {
      if (a.length !== size) {
        throw new TypeError(
          `Cannot ${action}: expected arrays of ${size} values, found ${a.length}`,
        );
      }
    }
  }

  /**
   * Band layout from the full n×n layout of {@link Spectral2D} (its `k_x ≥ 0` band bins; the
   * rest is dropped).
   *
   * @example
   * ```ts
   * import { BandSpectral2D } from "./band_spectral2d.ts";
   * const g = new BandSpectral2D(8), fr = new Float64Array(64), fi = new Float64Array(64);
   * fr[7 * 8 + 1] = 3; // k = (1, −1)
   * const re = new Float64Array(15), im = new Float64Array(15);
   * g.fromFull(fr, fi, re, im);
   * if (re[4 * 3 + 1] !== 3) throw new Error("band row 4 is k_y = −1");
   * ```
   */
  fromFull(
    fullRe: ArrayLike<number>,
    fullIm: ArrayLike<number>,
    re: Float64Array,
    im: Float64Array,
  ): void {
    const n = this.n, cols = this.cols;
    this.#check("read full spectrum", n * n, fullRe, fullIm);
    this.#check("write band spectrum", this.size, re, im);
    for (let r = 0; r < this.rows; r++) {
      const o = this.q(r) * n;
      for (let p = 0; p < cols; p++) {
        re[r * cols + p] = fullRe[o + p];
        im[r * cols + p] = fullIm[o + p];
      }
    }
  }

  /**
   * Full n×n layout of {@link Spectral2D} from the band layout: the band bins with `k_x ≥ 0`
   * as stored, those with `k_x < 0` as `conj f̂(−k)`, every other bin 0.
   *
   * @example
   * ```ts
   * import { BandSpectral2D } from "./band_spectral2d.ts";
   * const g = new BandSpectral2D(8), re = new Float64Array(15), im = new Float64Array(15);
   * re[1] = 2;
   * im[1] = 1; // k = (1, 0)
   * const fr = new Float64Array(64).fill(9), fi = new Float64Array(64);
   * g.toFull(re, im, fr, fi);
   * if (fr[7] !== 2 || fi[7] !== -1 || fr[3] !== 0) throw new Error("Hermitian");
   * ```
   */
  toFull(re: ArrayLike<number>, im: ArrayLike<number>, fullRe: Float64Array, fullIm: Float64Array) {
    const n = this.n, cols = this.cols;
    this.#check("read band spectrum", this.size, re, im);
    this.#check("write full spectrum", n * n, fullRe, fullIm);
    fullRe.fill(0);
    fullIm.fill(0);
    for (let r = 0; r < this.rows; r++) {
      const q = this.q(r), o = q * n, m = ((n - q) % n) * n;
      for (let p = 0; p < cols; p++) {
        const a = re[r * cols + p], b = im[r * cols + p];
        fullRe[o + p] = a;
        fullIm[o + p] = b;
        if (p > 0) {
          fullRe[m + n - p] = a;
          fullIm[m + n - p] = -b;
        }
      }
    }
  }

  /**
   * Write `C = â + i b̂` on the band of the full plane into the work array (`−k` from
   * `conj â(k) + i conj b̂(k)`), zeros elsewhere.
   */
  #fill(
    aRe: ArrayLike<number>,
    aIm: ArrayLike<number>,
    bRe: ArrayLike<number> | null,
    bIm: ArrayLike<number> | null,
  ): void {
    const n = this.n, rows = this.rows, cols = this.cols, rev = this.#fft.rev, ws = this.#ws;
    const wr = this.#wr, wi = this.#wi, z = this.#zeroRows, sc = 1 / (n * n); // the inverse's 1/n²
    for (let i = 0; i < z.length; i++) {
      wr.fill(0, z[i] * ws, (z[i] + 1) * ws);
      wi.fill(0, z[i] * ws, (z[i] + 1) * ws);
    }
    for (let r = 0; r < rows; r++) {
      const q = this.q(r), o = rev[q] * ws, m = rev[(n - q) % n] * ws, s = r * cols;
      for (let p = 0; p < cols; p++) {
        const ar = sc * aRe[s + p], ai = sc * aIm[s + p];
        const br = bRe === null ? 0 : sc * bRe[s + p], bi = bIm === null ? 0 : sc * bIm[s + p];
        wr[o + p] = ar - bi;
        wi[o + p] = ai + br;
        if (p > 0) {
          wr[m + rows - p] = ar + bi;
          wi[m + rows - p] = br - ai;
        }
      }
    }
  }

  /**
   * Split the forward-transformed work array `Z = Â + i B̂` into the band spectra of the two
   * real fields: `Â = (Z(k) + conj Z(−k))/2`, `B̂ = (Z(k) − conj Z(−k))/(2i)`.
   */
  #split(aRe: Float64Array, aIm: Float64Array, bRe: Float64Array | null, bIm: Float64Array | null) {
    const n = this.n, rows = this.rows, cols = this.cols, wr = this.#wr, wi = this.#wi;
    const rev = this.#fft.rev, ws = this.#ws;
    for (let r = 0; r < rows; r++) {
      const q = this.q(r), o = rev[q] * ws, m = rev[(n - q) % n] * ws, s = r * cols;
      for (let p = 0; p < cols; p++) {
        const j = m + (p === 0 ? 0 : rows - p);
        const xr = wr[o + p], xi = wi[o + p], yr = wr[j], yi = -wi[j]; // Z(k), conj Z(−k)
        aRe[s + p] = 0.5 * (xr + yr);
        aIm[s + p] = 0.5 * (xi + yi);
        if (bRe !== null && bIm !== null) {
          bRe[s + p] = 0.5 * (xi - yi);
          bIm[s + p] = -0.5 * (xr - yr);
        }
      }
    }
  }

  /** Band columns of row j of the work array into the row buffer, bit-reversed, zeros between. */
  #loadRow(j: number): void {
    const rows = this.rows, o = j * this.#ws, pos = this.#colPos, zero = this.#zeroPos;
    const wr = this.#wr, wi = this.#wi, sr = this.#sr, si = this.#si;
    for (let z = 0; z < zero.length; z++) {
      sr[zero[z]] = 0;
      si[zero[z]] = 0;
    }
    for (let c = 0; c < rows; c++) {
      sr[pos[c]] = wr[o + c];
      si[pos[c]] = wi[o + c];
    }
  }

  /** Band columns of the (bit-reversed) row buffer back into row j of the work array. */
  #storeRow(j: number): void {
    const rows = this.rows, o = j * this.#ws, pos = this.#colPos;
    const wr = this.#wr, wi = this.#wi, sr = this.#sr, si = this.#si;
    for (let c = 0; c < rows; c++) {
      wr[o + c] = sr[pos[c]];
      wi[o + c] = si[pos[c]];
    }
  }

  /**
   * The two real fields a, b (n² values each, row-major `[y, x]`) of the band spectra â, b̂:
   * one complex inverse transform of `â + i b̂`, divided by n².
   *
   * @example
   * ```ts
   * import { BandSpectral2D } from "./band_spectral2d.ts";
   * const g = new BandSpectral2D(8), z = () => new Float64Array(15);
   * const ar = z(), ai = z(), br = z(), bi = z();
   * ar[0] = 64; // a = 1
   * bi[3] = -32; // k = (0, 1): b̂ = −32i,
   * bi[12] = 32; // and its conjugate at k = (0, −1) (band row 4): b = sin y
   * const a = new Float64Array(64), b = new Float64Array(64);
   * g.inversePair(ar, ai, br, bi, a, b);
   * if (a[9] !== 1 || Math.abs(b[2 * 8] - Math.sin(g.x(2))) > 1e-15) throw new Error("pair");
   * ```
   */
  inversePair(
    aRe: ArrayLike<number>,
    aIm: ArrayLike<number>,
    bRe: ArrayLike<number>,
    bIm: ArrayLike<number>,
    a: Float64Array | Float32Array,
    b: Float64Array | Float32Array,
  ): void {
    this.#check("run inverse band transform", this.size, aRe, aIm, bRe, bIm);
    this.#check("write inverse band transform", this.n * this.n, a, b);
    this.#inverse(aRe, aIm, bRe, bIm, a, b);
  }

  /**
   * The real field a (n² values) of the band spectrum â (the inverse transform of one field).
   *
   * @example
   * ```ts
   * import { BandSpectral2D } from "./band_spectral2d.ts";
   * const g = new BandSpectral2D(8), re = new Float64Array(15), a = new Float64Array(64);
   * re[1] = 32; // k = (±1, 0): a = cos x
   * g.inverse(re, new Float64Array(15), a);
   * if (Math.abs(a[1] - Math.cos(g.x(1))) > 1e-15) throw new Error("cos x");
   * ```
   */
  inverse(re: ArrayLike<number>, im: ArrayLike<number>, a: Float64Array | Float32Array): void {
    this.#check("run inverse band transform", this.size, re, im);
    this.#check("write inverse band transform", this.n * this.n, a);
    this.#inverse(re, im, null, null, a, null);
  }

  #inverse(
    aRe: ArrayLike<number>,
    aIm: ArrayLike<number>,
    bRe: ArrayLike<number> | null,
    bIm: ArrayLike<number> | null,
    a: Float64Array | Float32Array,
    b: Float64Array | Float32Array | null,
  ): void {
    const n = this.n, sr = this.#sr, si = this.#si, f = this.#fft;
    this.#fill(aRe, aIm, bRe, bIm);
    f.ditColumns(this.#wr, this.#wi, this.#ws, true);
    for (let j = 0; j < n; j++) {
      this.#loadRow(j);
      f.dit(sr, si, 0, true);
      const o = j * n;
      for (let i = 0; i < n; i++) a[o + i] = sr[i];
      if (b !== null) { for (let i = 0; i < n; i++) b[o + i] = si[i]; }
    }
  }

  /**
   * Band spectra â, b̂ of two real fields a, b (n² values each): one complex transform of
   * `a + i b`, split by Hermitian symmetry; bins outside the band are not computed.
   *
   * @example
   * ```ts
   * import { BandSpectral2D } from "./band_spectral2d.ts";
   * const g = new BandSpectral2D(8), z = () => new Float64Array(15);
   * const ar = z(), ai = z(), br = z(), bi = z();
   * g.forwardPair(new Float64Array(64).fill(1), new Float64Array(64).fill(3), ar, ai, br, bi);
   * if (ar[0] !== 64 || br[0] !== 192 || ai[0] !== 0) throw new Error("pair");
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
    const n = this.n, sr = this.#sr, si = this.#si;
    this.#check("run forward band transform", n * n, a, b);
    this.#check("write forward band transform", this.size, aRe, aIm, bRe, bIm);
    for (let j = 0; j < n; j++) {
      const o = j * n;
      for (let i = 0; i < n; i++) {
        sr[i] = a[o + i];
        si[i] = b[o + i];
      }
      this.#fft.dif(sr, si, 0, false);
      this.#storeRow(j);
    }
    this.#fft.difColumns(this.#wr, this.#wi, this.#ws, false);
    this.#split(aRe, aIm, bRe, bIm);
  }

  /**
   * The quadratic terms of the 2D advection in Basdevant's form, from the band spectra û, v̂ of
   * two real fields u, v: the band spectra of `d = v² − u²` and `p = u·v` (band bins of their
   * DFTs: with u, v in the band and `3K < n` they are the exact projections, free of aliasing).
   * One inverse and one forward complex transform, the row passes fused with the products.
   * For a divergence-free (u, v) with `ω = v_x − u_y`,
   * `u·∇ω = ∂x∂y(v² − u²) + (∂x² − ∂y²)(uv)`, i.e. `−κ_xκ_y d̂ + (κ_y² − κ_x²) p̂`.
   *
   * @example
   * ```ts
   * import { BandSpectral2D } from "./band_spectral2d.ts";
   * const g = new BandSpectral2D(8), z = () => new Float64Array(15);
   * const [ur, ui, vr, vi, dr, di, pr, pi] = [z(), z(), z(), z(), z(), z(), z(), z()];
   * ur[0] = 64; // u = 1
   * vr[1] = 32; // v = cos x
   * g.squares(ur, ui, vr, vi, dr, di, pr, pi); // v² − u² = cos 2x/2 − 1/2, uv = cos x
   * if (Math.abs(dr[0] + 32) > 1e-12 || Math.abs(dr[2] - 16) > 1e-12) throw new Error("d");
   * if (Math.abs(pr[1] - 32) > 1e-12) throw new Error("p");
   * ```
   */
  squares(
    uRe: ArrayLike<number>,
    uIm: ArrayLike<number>,
    vRe: ArrayLike<number>,
    vIm: ArrayLike<number>,
    dRe: Float64Array,
    dIm: Float64Array,
    pRe: Float64Array,
    pIm: Float64Array,
  ): void {
    this.#check("compute band squares", this.size, uRe, uIm, vRe, vIm, dRe, dIm, pRe, pIm);
    this.#fill(uRe, uIm, vRe, vIm);
    this.#squares();
    this.#split(dRe, dIm, pRe, pIm);
  }

  /**
   * The advection `J = u·∇ω = J(ψ, ω)` of a vorticity ω by its own velocity (2D incompressible
   * flow: `∇²ψ = ω`, `u = −ψ_y`, `v = ψ_x`), from and to band spectra: the band bins of the DFT
   * of J, which for ω in the band are the exact 2/3-rule dealiased Jacobian
   * `P[(Pψ)_x (Pω)_y − (Pψ)_y (Pω)_x]`. Computed in Basdevant's form
   * `J = ∂x∂y(v² − u²) + (∂x² − ∂y²)(uv)` ({@link BandSpectral2D.squares} of û, v̂, with the
   * velocity formed while filling the work array and J while splitting it): one inverse and
   * one forward complex transform. The mean of ω is ignored.
   *
   * @example
   * ```ts
   * import { BandSpectral2D } from "./band_spectral2d.ts";
   * const g = new BandSpectral2D(8), z = () => new Float64Array(15);
   * const wr = z(), wi = z(), jr = z(), ji = z();
   * wr[1] = 32; // ω = cos x
   * wr[3] = wr[12] = 32; // + cos y (k_y = ±1): ψ = −cos x − cos y, u = −sin y, v = sin x
   * g.advection(wr, wi, jr, ji); // u·∇ω = sin x sin y − sin y sin x = 0
   * if (jr.some((v) => Math.abs(v) > 1e-12) || ji.some((v) => Math.abs(v) > 1e-12)) throw new Error("J");
   * ```
   */
  advection(wRe: ArrayLike<number>, wIm: ArrayLike<number>, jRe: Float64Array, jIm: Float64Array) {
    this.#check("compute band advection", this.size, wRe, wIm, jRe, jIm);
    this.#fillVelocity(wRe, wIm);
    this.#squares();
    this.#splitAdvection(jRe, jIm);
  }

  /**
   * `#fill` of `û + i v̂` with û = −iκ_y ψ̂, v̂ = iκ_x ψ̂, ψ̂ = −ω̂/|κ|²:
   * `C(k) = κ_y ψ_i − κ_x ψ_r + i(−κ_y ψ_r − κ_x ψ_i)`, `C(−k) = κ_y ψ_i + κ_x ψ_r + i(κ_y ψ_r − κ_x ψ_i)`.
   */
  #fillVelocity(wRe: ArrayLike<number>, wIm: ArrayLike<number>): void {
    const n = this.n, rows = this.rows, cols = this.cols, rev = this.#fft.rev, ws = this.#ws;
    const kx = this.kx, ky = this.ky, inv = this.invK2;
    const wr = this.#wr, wi = this.#wi, z = this.#zeroRows, sc = -1 / (n * n); // ∇⁻², 1/n²
    for (let i = 0; i < z.length; i++) {
      wr.fill(0, z[i] * ws, (z[i] + 1) * ws);
      wi.fill(0, z[i] * ws, (z[i] + 1) * ws);
    }
    for (let r = 0; r < rows; r++) {
      const q = this.q(r), o = rev[q] * ws, m = rev[(n - q) % n] * ws, s = r * cols;
      for (let p = 0; p < cols; p++) {
        const t = sc * inv[s + p], pr = t * wRe[s + p], pi = t * wIm[s + p];
        const a = kx[s + p], b = ky[s + p];
        wr[o + p] = b * pi - a * pr;
        wi[o + p] = -b * pr - a * pi;
        if (p > 0) {
          wr[m + rows - p] = b * pi + a * pr;
          wi[m + rows - p] = b * pr - a * pi;
        }
      }
    }
  }

  /** `#split` into d̂, p̂ and then `Ĵ = −κ_xκ_y d̂ + (κ_y² − κ_x²) p̂`. */
  #splitAdvection(jRe: Float64Array, jIm: Float64Array): void {
    const n = this.n, rows = this.rows, cols = this.cols, wr = this.#wr, wi = this.#wi;
    const rev = this.#fft.rev, kx = this.kx, ky = this.ky, ws = this.#ws;
    for (let r = 0; r < rows; r++) {
      const q = this.q(r), o = rev[q] * ws, m = rev[(n - q) % n] * ws, s = r * cols;
      for (let p = 0; p < cols; p++) {
        const j = m + (p === 0 ? 0 : rows - p);
        const xr = wr[o + p], xi = wi[o + p], yr = wr[j], yi = -wi[j]; // Z(k), conj Z(−k)
        const a = kx[s + p], b = ky[s + p], ab = -0.5 * a * b, c = 0.5 * (b * b - a * a);
        // d̂ = (x + y)/2, p̂ = (x − y)/(2i)
        jRe[s + p] = ab * (xr + yr) + c * (xi - yi);
        jIm[s + p] = ab * (xi + yi) - c * (xr - yr);
      }
    }
  }

  /** The passes of `squares` on the filled work array (the x pass fused with the products). */
  #squares(): void {
    const k = this.#kernels;
    if (k !== null) {
      k.ditColumns();
      k.rows();
      k.difColumns();
      return;
    }
    const n = this.n, ws = this.#ws, sr = this.#sr, si = this.#si, wr = this.#wr, wi = this.#wi;
    const f = this.#fft;
    f.ditColumns(wr, wi, ws, true);
    for (let j = 0; j < n; j++) {
      this.#loadRow(j);
      f.squares(sr, si, 0);
      this.#storeRow(j);
    }
    f.difColumns(wr, wi, ws, false);
  }
}

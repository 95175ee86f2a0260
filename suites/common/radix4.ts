/**
 * Radix-4 FFTs without the bit-reversal permutation, for pipelines that keep their spectra in
 * bit-reversed order (`band_spectral2d.ts`): a decimation-in-time transform (DIT) that reads
 * bit-reversed input and writes natural order, and a decimation-in-frequency one (DIF) that
 * reads natural order and writes bit-reversed output, each on one contiguous run of values or
 * on the columns of a row-major block (all columns at once, the innermost loop along a row).
 * Convention of `metrics/fft.ts`: forward `X_k = Σ_j x_j e^{−2πijk/N}`, the inverse with `+i`;
 * unlike `fft` these do NOT divide the inverse by N (the caller folds 1/N into its own
 * products). The permutation `rev` is {@link Radix4.rev}.
 *
 * DIT pass on blocks of 4m (quarter m, k < m, ω = e^{∓2πik/4m}), values a, b, c, d at
 * offsets k, k + m, k + 2m, k + 3m of a block:
 *
 *   b' = ω²b, c' = ωc, d' = ω³d,  A = a + b', B = a − b', C = c' + d', D = c' − d',
 *   a ← A + C, c ← A − C, b ← B ∓ iD, d ← B ± iD   (upper signs forward),
 *
 * for m = 1, 4, 16, … (after a lone radix-2 pass `(a, b) ← (a + b, a − b)` when log₂ N is
 * odd, m then 2, 8, …). The DIF transform is its transpose, passes in reverse order:
 * `S = a + c, T = a − c, U = b + d, V = b − d; a ← S + U, b ← ω²(S − U), c ← ω(T ∓ iV),
 * d ← ω³(T ± iV)`. Since the DFT matrix is symmetric, `DIF(x) = rev(DFT x)` and
 * `DIT(rev x) = DFT x`. {@link Radix4.squares} runs an inverse DIT, the pointwise
 * `(u + iv) → (v² − u²) + i·uv` and a forward DIF on one row with the two middle passes fused.
 *
 * @example
 * ```ts
 * import { Radix4 } from "./radix4.ts";
 * const f = new Radix4(8), re = new Float64Array([1, 2, 3, 4, 5, 6, 7, 8]), im = new Float64Array(8);
 * f.dif(re, im, 0, false); // bit-reversed spectrum: bin 0 first
 * f.dit(re, im, 0, true); // back, times N
 * if (re.some((v, j) => Math.abs(v - 8 * (j + 1)) > 1e-12)) throw new Error("round trip");
 * ```
 * @module
 */

/**
 * Plan of the radix-4 transforms of length N (a power of two ≥ 2): twiddles per pass and the
 * bit-reversal permutation (see module docs).
 *
 * @example
 * ```ts
 * import { Radix4 } from "./radix4.ts";
 * if (new Radix4(8).rev.join() !== "0,4,2,6,1,5,3,7") throw new Error("rev");
 * ```
 */
export class Radix4 {
  /** Transform length N. */
  readonly n: number;
  /** Bit-reversal permutation of 0..N−1. */
  readonly rev: Uint32Array;
  /** Whether log₂ N is odd (a lone radix-2 pass). */
  readonly #odd: boolean;
  /** Quarters m of the radix-4 passes, in DIT order. */
  readonly #quarters: number[];
  /** Per pass, forward: (ω², ω, ω³) as re, im pairs, 6 values per k < m. */
  readonly #fwd: Float64Array[];
  /** Per pass, inverse (conjugate twiddles). */
  readonly #inv: Float64Array[];

  /** Twiddles and permutation for length n. */
  constructor(n: number) {
    if (!Number.isInteger(n) || n < 2 || (n & (n - 1)) !== 0) {
      throw new RangeError(`Cannot plan radix-4 FFT: expected a power of two ≥ 2, found ${n}`);
    }
    this.n = n;
    const bits = Math.round(Math.log2(n));
    this.rev = new Uint32Array(n);
    for (let i = 0; i < n; i++) {
      let r = 0;
      for (let b = 0; b < bits; b++) r |= ((i >> b) & 1) << (bits - 1 - b);
      this.rev[i] = r;
    }
    this.#odd = bits % 2 === 1;
    this.#quarters = [];
    this.#fwd = [];
    this.#inv = [];
    for (let m = this.#odd ? 2 : 1; 4 * m <= n; m *= 4) {
      const f = new Float64Array(6 * m), g = new Float64Array(6 * m);
      for (let k = 0; k < m; k++) {
        for (let t = 0; t < 3; t++) {
          const e = [2, 1, 3][t], a = (2 * Math.PI * e * k) / (4 * m);
          const c = Math.cos(a), s = Math.sin(a);
          f[6 * k + 2 * t] = c;
          f[6 * k + 2 * t + 1] = -s;
          g[6 * k + 2 * t] = c;
          g[6 * k + 2 * t + 1] = s;
        }
      }
      this.#quarters.push(m);
      this.#fwd.push(f);
      this.#inv.push(g);
    }
  }

  /**
   * The twiddle tables of the radix-4 passes, in DIT order, one after another: per pass of
   * quarter m, for k < m, (ω², ω, ω³) as re, im pairs (6 values), ω = e^{∓2πik/4m} (upper sign
   * forward). A copy (for `radix4_simd.ts`).
   *
   * @example
   * ```ts
   * import { Radix4 } from "./radix4.ts";
   * const t = new Radix4(16).twiddles(false); // passes m = 1 and 4: 6 + 24 values
   * if (t.length !== 30 || t[0] !== 1 || Math.abs(t[12] - Math.SQRT1_2) > 1e-15) throw new Error("ω²");
   * ```
   */
  twiddles(inverse: boolean): Float64Array {
    const tables = inverse ? this.#inv : this.#fwd;
    const out = new Float64Array(tables.reduce((s, t) => s + t.length, 0));
    let o = 0;
    for (const t of tables) {
      out.set(t, o);
      o += t.length;
    }
    return out;
  }

  /**
   * DIT transform of the N values from `off`, in place: bit-reversed input, natural output,
   * forward or (with `inverse`) the inverse without the 1/N.
   *
   * @example
   * ```ts
   * import { Radix4 } from "./radix4.ts";
   * const f = new Radix4(4), re = new Float64Array([0, 1, 0, 0]), im = new Float64Array(4);
   * f.dit(re, im, 0, false); // rev of a delta at 2 (rev(1) = 2): X_k = (−1)^k
   * if (re.join() !== "1,-1,1,-1") throw new Error(re.join());
   * ```
   */
  dit(re: Float64Array, im: Float64Array, off: number, inverse: boolean): void {
    this.#ditPasses(re, im, off, inverse, this.#quarters.length);
  }

  /** The lone radix-2 pass (odd log₂ N) and the radix-4 passes p < `passes` of {@link Radix4.dit}. */
  #ditPasses(re: Float64Array, im: Float64Array, off: number, inverse: boolean, passes: number) {
    const n = this.n, end = off + n, q = this.#quarters, tables = inverse ? this.#inv : this.#fwd;
    if (this.#odd) {
      for (let a = off; a < end; a += 2) {
        const ar = re[a], ai = im[a], br = re[a + 1], bi = im[a + 1];
        re[a] = ar + br;
        im[a] = ai + bi;
        re[a + 1] = ar - br;
        im[a + 1] = ai - bi;
      }
    }
    // s = +1 forward (b ← B − iD), −1 inverse
    const s = inverse ? -1 : 1;
    for (let p = 0; p < passes; p++) {
      const m = q[p], tw = tables[p], span = 4 * m;
      // k outer and blocks inner (twiddles loaded once per k); k = 0 has no twiddles
      for (let i0 = off; i0 < end; i0 += span) {
        const i1 = i0 + m, i2 = i1 + m, i3 = i2 + m;
        const ar = re[i0], ai = im[i0], br = re[i1], bi = im[i1];
        const cr = re[i2], ci = im[i2], dr = re[i3], di = im[i3];
        const Ar = ar + br, Ai = ai + bi, Br = ar - br, Bi = ai - bi;
        const Cr = cr + dr, Ci = ci + di, Dr = s * (cr - dr), Di = s * (ci - di);
        re[i0] = Ar + Cr;
        im[i0] = Ai + Ci;
        re[i2] = Ar - Cr;
        im[i2] = Ai - Ci;
        re[i1] = Br + Di;
        im[i1] = Bi - Dr;
        re[i3] = Br - Di;
        im[i3] = Bi + Dr;
      }
      for (let k = 1; k < m; k++) {
        const w1r = tw[6 * k], w1i = tw[6 * k + 1], w2r = tw[6 * k + 2], w2i = tw[6 * k + 3];
        const w3r = tw[6 * k + 4], w3i = tw[6 * k + 5];
        for (let i0 = off + k; i0 < end; i0 += span) {
          const i1 = i0 + m, i2 = i1 + m, i3 = i2 + m;
          const ar = re[i0], ai = im[i0];
          const b0 = re[i1], b1 = im[i1], c0 = re[i2], c1 = im[i2], d0 = re[i3], d1 = im[i3];
          const br = b0 * w1r - b1 * w1i, bi = b0 * w1i + b1 * w1r;
          const cr = c0 * w2r - c1 * w2i, ci = c0 * w2i + c1 * w2r;
          const dr = d0 * w3r - d1 * w3i, di = d0 * w3i + d1 * w3r;
          const Ar = ar + br, Ai = ai + bi, Br = ar - br, Bi = ai - bi;
          const Cr = cr + dr, Ci = ci + di, Dr = s * (cr - dr), Di = s * (ci - di);
          re[i0] = Ar + Cr;
          im[i0] = Ai + Ci;
          re[i2] = Ar - Cr;
          im[i2] = Ai - Ci;
          // −iD = (Di, −Dr)
          re[i1] = Br + Di;
          im[i1] = Bi - Dr;
          re[i3] = Br - Di;
          im[i3] = Bi + Dr;
        }
      }
    }
  }

  /**
   * DIF transform of the N values from `off`, in place: natural input, bit-reversed output,
   * forward or (with `inverse`) the inverse without the 1/N.
   *
   * @example
   * ```ts
   * import { Radix4 } from "./radix4.ts";
   * const f = new Radix4(4), re = new Float64Array([1, 2, 3, 4]), im = new Float64Array(4);
   * f.dif(re, im, 0, false); // X = (10, −2 + 2i, −2, −2 − 2i), stored as X_0, X_2, X_1, X_3
   * if (re.join() !== "10,-2,-2,-2" || im.join() !== "0,0,2,-2") throw new Error(re.join());
   * ```
   */
  dif(re: Float64Array, im: Float64Array, off: number, inverse: boolean): void {
    this.#difPasses(re, im, off, inverse, this.#quarters.length - 1);
  }

  /** The radix-4 passes p ≤ `from` (in the order of {@link Radix4.dif}) and the lone radix-2 pass. */
  #difPasses(re: Float64Array, im: Float64Array, off: number, inverse: boolean, from: number) {
    const n = this.n, end = off + n, q = this.#quarters, tables = inverse ? this.#inv : this.#fwd;
    const s = inverse ? -1 : 1;
    for (let p = from; p >= 0; p--) {
      const m = q[p], tw = tables[p], span = 4 * m;
      for (let i0 = off; i0 < end; i0 += span) {
        const i1 = i0 + m, i2 = i1 + m, i3 = i2 + m;
        const ar = re[i0], ai = im[i0], br = re[i1], bi = im[i1];
        const cr = re[i2], ci = im[i2], dr = re[i3], di = im[i3];
        const Sr = ar + cr, Si = ai + ci, Tr = ar - cr, Ti = ai - ci;
        const Ur = br + dr, Ui = bi + di, Vr = s * (br - dr), Vi = s * (bi - di);
        re[i0] = Sr + Ur;
        im[i0] = Si + Ui;
        re[i1] = Sr - Ur;
        im[i1] = Si - Ui;
        re[i2] = Tr + Vi;
        im[i2] = Ti - Vr;
        re[i3] = Tr - Vi;
        im[i3] = Ti + Vr;
      }
      for (let k = 1; k < m; k++) {
        const w1r = tw[6 * k], w1i = tw[6 * k + 1], w2r = tw[6 * k + 2], w2i = tw[6 * k + 3];
        const w3r = tw[6 * k + 4], w3i = tw[6 * k + 5];
        for (let i0 = off + k; i0 < end; i0 += span) {
          const i1 = i0 + m, i2 = i1 + m, i3 = i2 + m;
          const ar = re[i0], ai = im[i0], br = re[i1], bi = im[i1];
          const cr = re[i2], ci = im[i2], dr = re[i3], di = im[i3];
          const Sr = ar + cr, Si = ai + ci, Tr = ar - cr, Ti = ai - ci;
          const Ur = br + dr, Ui = bi + di, Vr = s * (br - dr), Vi = s * (bi - di);
          re[i0] = Sr + Ur;
          im[i0] = Si + Ui;
          // b ← ω²(S − U), c ← ω(T − iV), d ← ω³(T + iV); −iV = (Vi, −Vr)
          const xr = Sr - Ur, xi = Si - Ui, yr = Tr + Vi, yi = Ti - Vr, zr = Tr - Vi, zi = Ti + Vr;
          re[i1] = xr * w1r - xi * w1i;
          im[i1] = xr * w1i + xi * w1r;
          re[i2] = yr * w2r - yi * w2i;
          im[i2] = yr * w2i + yi * w2r;
          re[i3] = zr * w3r - zi * w3i;
          im[i3] = zr * w3i + zi * w3r;
        }
      }
    }
    if (this.#odd) {
      for (let a = off; a < end; a += 2) {
        const ar = re[a], ai = im[a], br = re[a + 1], bi = im[a + 1];
        re[a] = ar + br;
        im[a] = ai + bi;
        re[a + 1] = ar - br;
        im[a + 1] = ai - bi;
      }
    }
  }

  /**
   * The pointwise squares of a row between two transforms, in place on the N values from `off`:
   * the inverse {@link Radix4.dit} (bit-reversed input, without the 1/N) gives `u + iv`, each value
   * becomes `(v² − u²) + i·uv`, and the forward {@link Radix4.dif} of that is left (bit-reversed).
   * The last DIT pass, the products and the first DIF pass (both on quarter m = N/4, the same
   * four offsets k, k + m, k + 2m, k + 3m) run as one pass; every value is bit for bit that of
   * `dit`, the product loop and `dif` in turn.
   *
   * @example
   * ```ts
   * import { Radix4 } from "./radix4.ts";
   * const f = new Radix4(4), re = new Float64Array([0, 0, 0, 0]), im = new Float64Array([1, 0, 0, 0]);
   * f.squares(re, im, 0); // v = 1 everywhere, u = 0: v² − u² = 1, forward DFT = (4, 0, 0, 0)
   * if (re.join() !== "4,0,0,0" || im.some((v) => v !== 0)) throw new Error(re.join());
   * ```
   */
  squares(re: Float64Array, im: Float64Array, off: number): void {
    const n = this.n, q = this.#quarters, last = q.length - 1;
    if (last < 0) {
      // N = 2: no radix-4 pass to fuse
      this.dit(re, im, off, true);
      for (let i = off; i < off + n; i++) {
        const u = re[i], v = im[i];
        re[i] = v * v - u * u;
        im[i] = u * v;
      }
      this.dif(re, im, off, false);
      return;
    }
    this.#ditPasses(re, im, off, true, last);
    const m = q[last], ti = this.#inv[last], tf = this.#fwd[last];
    // DIT (inverse, s = −1) of the k-th quarter, the products, DIF (forward, s = +1); k = 0
    // has no twiddles on either side
    for (let k = 0; k < m; k++) {
      const i0 = off + k, i1 = i0 + m, i2 = i1 + m, i3 = i2 + m;
      let br = re[i1], bi = im[i1], cr = re[i2], ci = im[i2], dr = re[i3], di = im[i3];
      if (k > 0) {
        const w1r = ti[6 * k], w1i = ti[6 * k + 1], w2r = ti[6 * k + 2], w2i = ti[6 * k + 3];
        const w3r = ti[6 * k + 4], w3i = ti[6 * k + 5];
        const b0 = br, b1 = bi, c0 = cr, c1 = ci, d0 = dr, d1 = di;
        br = b0 * w1r - b1 * w1i;
        bi = b0 * w1i + b1 * w1r;
        cr = c0 * w2r - c1 * w2i;
        ci = c0 * w2i + c1 * w2r;
        dr = d0 * w3r - d1 * w3i;
        di = d0 * w3i + d1 * w3r;
      }
      const ar = re[i0], ai = im[i0];
      const Ar = ar + br, Ai = ai + bi, Br = ar - br, Bi = ai - bi;
      const Cr = cr + dr, Ci = ci + di, Dr = -1 * (cr - dr), Di = -1 * (ci - di);
      // natural-order values u + iv at i0..i3, then (v² − u²) + i·uv
      const u0 = Ar + Cr, v0 = Ai + Ci, u2 = Ar - Cr, v2 = Ai - Ci;
      const u1 = Br + Di, v1 = Bi - Dr, u3 = Br - Di, v3 = Bi + Dr;
      const pr = v0 * v0 - u0 * u0, pi = u0 * v0, qr = v1 * v1 - u1 * u1, qi = u1 * v1;
      const gr = v2 * v2 - u2 * u2, gi = u2 * v2, hr = v3 * v3 - u3 * u3, hi = u3 * v3;
      const Sr = pr + gr, Si = pi + gi, Tr = pr - gr, Ti = pi - gi;
      const Ur = qr + hr, Ui = qi + hi, Vr = 1 * (qr - hr), Vi = 1 * (qi - hi);
      re[i0] = Sr + Ur;
      im[i0] = Si + Ui;
      const xr = Sr - Ur, xi = Si - Ui, yr = Tr + Vi, yi = Ti - Vr, zr = Tr - Vi, zi = Ti + Vr;
      if (k === 0) {
        re[i1] = xr;
        im[i1] = xi;
        re[i2] = yr;
        im[i2] = yi;
        re[i3] = zr;
        im[i3] = zi;
      } else {
        const w1r = tf[6 * k], w1i = tf[6 * k + 1], w2r = tf[6 * k + 2], w2i = tf[6 * k + 3];
        const w3r = tf[6 * k + 4], w3i = tf[6 * k + 5];
        re[i1] = xr * w1r - xi * w1i;
        im[i1] = xr * w1i + xi * w1r;
        re[i2] = yr * w2r - yi * w2i;
        im[i2] = yr * w2i + yi * w2r;
        re[i3] = zr * w3r - zi * w3i;
        im[i3] = zr * w3i + zi * w3r;
      }
    }
    this.#difPasses(re, im, off, false, last - 1);
  }

  /**
   * {@link Radix4.dit} of every column of the N × `stride` row-major block (value of row j,
   * column c at `j·stride + c`), the innermost loop along the rows.
   *
   * @example
   * ```ts
   * import { Radix4 } from "./radix4.ts";
   * const f = new Radix4(2), re = new Float64Array([1, 2, 3, 4]), im = new Float64Array(4);
   * f.ditColumns(re, im, 2, true); // columns (1, 3) and (2, 4)
   * if (re.join() !== "4,6,-2,-2") throw new Error(re.join());
   * ```
   */
  ditColumns(re: Float64Array, im: Float64Array, stride: number, inverse: boolean): void {
    const n = this.n, q = this.#quarters, tables = inverse ? this.#inv : this.#fwd;
    if (this.#odd) {
      for (let r = 0; r < n; r += 2) {
        const o = r * stride;
        for (let a = o; a < o + stride; a++) {
          const b = a + stride, ar = re[a], ai = im[a], br = re[b], bi = im[b];
          re[a] = ar + br;
          im[a] = ai + bi;
          re[b] = ar - br;
          im[b] = ai - bi;
        }
      }
    }
    const s = inverse ? -1 : 1;
    for (let p = 0; p < q.length; p++) {
      const m = q[p], tw = tables[p], dm = m * stride;
      for (let blk = 0; blk < n; blk += 4 * m) {
        for (let k = 0; k < m; k++) {
          const w1r = tw[6 * k], w1i = tw[6 * k + 1], w2r = tw[6 * k + 2], w2i = tw[6 * k + 3];
          const w3r = tw[6 * k + 4], w3i = tw[6 * k + 5];
          const o = (blk + k) * stride;
          if (k === 0) {
            for (let i0 = o; i0 < o + stride; i0++) {
              const i1 = i0 + dm, i2 = i1 + dm, i3 = i2 + dm;
              const ar = re[i0], ai = im[i0], br = re[i1], bi = im[i1];
              const cr = re[i2], ci = im[i2], dr = re[i3], di = im[i3];
              const Ar = ar + br, Ai = ai + bi, Br = ar - br, Bi = ai - bi;
              const Cr = cr + dr, Ci = ci + di, Dr = s * (cr - dr), Di = s * (ci - di);
              re[i0] = Ar + Cr;
              im[i0] = Ai + Ci;
              re[i2] = Ar - Cr;
              im[i2] = Ai - Ci;
              re[i1] = Br + Di;
              im[i1] = Bi - Dr;
              re[i3] = Br - Di;
              im[i3] = Bi + Dr;
            }
            continue;
          }
          for (let i0 = o; i0 < o + stride; i0++) {
            const i1 = i0 + dm, i2 = i1 + dm, i3 = i2 + dm;
            const ar = re[i0], ai = im[i0];
            const b0 = re[i1], b1 = im[i1], c0 = re[i2], c1 = im[i2], d0 = re[i3], d1 = im[i3];
            const br = b0 * w1r - b1 * w1i, bi = b0 * w1i + b1 * w1r;
            const cr = c0 * w2r - c1 * w2i, ci = c0 * w2i + c1 * w2r;
            const dr = d0 * w3r - d1 * w3i, di = d0 * w3i + d1 * w3r;
            const Ar = ar + br, Ai = ai + bi, Br = ar - br, Bi = ai - bi;
            const Cr = cr + dr, Ci = ci + di, Dr = s * (cr - dr), Di = s * (ci - di);
            re[i0] = Ar + Cr;
            im[i0] = Ai + Ci;
            re[i2] = Ar - Cr;
            im[i2] = Ai - Ci;
            re[i1] = Br + Di;
            im[i1] = Bi - Dr;
            re[i3] = Br - Di;
            im[i3] = Bi + Dr;
          }
        }
      }
    }
  }

  /**
   * {@link Radix4.dif} of every column of the N × `stride` row-major block.
   *
   * @example
   * ```ts
   * import { Radix4 } from "./radix4.ts";
   * const f = new Radix4(2), re = new Float64Array([1, 2, 3, 4]), im = new Float64Array(4);
   * f.difColumns(re, im, 2, false);
   * if (re.join() !== "4,6,-2,-2") throw new Error(re.join());
   * ```
   */
  difColumns(re: Float64Array, im: Float64Array, stride: number, inverse: boolean): void {
    const n = this.n, q = this.#quarters, tables = inverse ? this.#inv : this.#fwd;
    const s = inverse ? -1 : 1;
    for (let p = q.length - 1; p >= 0; p--) {
      const m = q[p], tw = tables[p], dm = m * stride;
      for (let blk = 0; blk < n; blk += 4 * m) {
        for (let k = 0; k < m; k++) {
          const w1r = tw[6 * k], w1i = tw[6 * k + 1], w2r = tw[6 * k + 2], w2i = tw[6 * k + 3];
          const w3r = tw[6 * k + 4], w3i = tw[6 * k + 5];
          const o = (blk + k) * stride;
          if (k === 0) {
            for (let i0 = o; i0 < o + stride; i0++) {
              const i1 = i0 + dm, i2 = i1 + dm, i3 = i2 + dm;
              const ar = re[i0], ai = im[i0], br = re[i1], bi = im[i1];
              const cr = re[i2], ci = im[i2], dr = re[i3], di = im[i3];
              const Sr = ar + cr, Si = ai + ci, Tr = ar - cr, Ti = ai - ci;
              const Ur = br + dr, Ui = bi + di, Vr = s * (br - dr), Vi = s * (bi - di);
              re[i0] = Sr + Ur;
              im[i0] = Si + Ui;
              re[i1] = Sr - Ur;
              im[i1] = Si - Ui;
              re[i2] = Tr + Vi;
              im[i2] = Ti - Vr;
              re[i3] = Tr - Vi;
              im[i3] = Ti + Vr;
            }
            continue;
          }
          for (let i0 = o; i0 < o + stride; i0++) {
            const i1 = i0 + dm, i2 = i1 + dm, i3 = i2 + dm;
            const ar = re[i0], ai = im[i0], br = re[i1], bi = im[i1];
            const cr = re[i2], ci = im[i2], dr = re[i3], di = im[i3];
            const Sr = ar + cr, Si = ai + ci, Tr = ar - cr, Ti = ai - ci;
            const Ur = br + dr, Ui = bi + di, Vr = s * (br - dr), Vi = s * (bi - di);
            re[i0] = Sr + Ur;
            im[i0] = Si + Ui;
            const xr = Sr - Ur,
              xi = Si - Ui,
              yr = Tr + Vi,
              yi = Ti - Vr,
              zr = Tr - Vi,
              zi = Ti + Vr;
            re[i1] = xr * w1r - xi * w1i;
            im[i1] = xr * w1i + xi * w1r;
            re[i2] = yr * w2r - yi * w2i;
            im[i2] = yr * w2i + yi * w2r;
            re[i3] = zr * w3r - zi * w3i;
            im[i3] = zr * w3i + zi * w3r;
          }
        }
      }
    }
    if (this.#odd) {
      for (let r = 0; r < n; r += 2) {
        const o = r * stride;
        for (let a = o; a < o + stride; a++) {
          const b = a + stride, ar = re[a], ai = im[a], br = re[b], bi = im[b];
          re[a] = ar + br;
          im[a] = ai + bi;
          re[b] = ar - br;
          im[b] = ai - bi;
        }
      }
    }
  }
}

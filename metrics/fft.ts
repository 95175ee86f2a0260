/**
 * Complex fast Fourier transform for power-of-two lengths (iterative radix-2, in place,
 * float64). Convention: forward `X_k = Σ_j x_j e^{-2πi jk/N}` (unnormalised); inverse applies
 * `+i` and divides by N, so `ifft(fft(x)) = x`. Parseval: `Σ|x_j|² = (1/N) Σ|X_k|²`.
 *
 * Non-finite input (NaN, ±∞) is not checked: it spreads through the butterflies, so every bin
 * that depends on such a sample comes out NaN or ±∞ (for a transform, every bin). Callers that
 * need finite spectra check their input first; the rollout engine stops an IC at its first
 * non-finite state, so scored states are finite.
 *
 * @example
 * ```ts
 * import { fft } from "./fft.ts";
 * const re = new Float64Array([1, 0, 0, 0]), im = new Float64Array(4);
 * fft(re, im); // a delta transforms to all ones
 * if (re.some((v) => Math.abs(v - 1) > 1e-15)) throw new Error("fft");
 * ```
 * @module
 */

interface Plan {
  /** cos(2πk/N), k < N/2. */
  readonly cos: Float64Array;
  /** sin(2πk/N), k < N/2. */
  readonly sin: Float64Array;
  /** Bit-reversal permutation. */
  readonly rev: Uint32Array;
  /** The pairs (i, rev i) with rev i > i, flattened: the swaps of the permutation. */
  readonly swaps: Uint32Array;
  /** log₂ N. */
  readonly bits: number;
  /**
   * Twiddles of the radix-2² passes, forward ([0]) and inverse ([1]): per pass (stages s and 2s,
   * half h = s/2) and k < h, the six values cos[kN/s], ±sin[kN/s], cos[kN/2s], ±sin[kN/2s],
   * cos[kN/2s + N/4], ±sin[kN/2s + N/4] (the sign applied as `sign * sin`, as the loops did).
   */
  readonly passes: readonly [Float64Array[], Float64Array[]];
}

const twiddleCache = new Map<number, Plan>();

function plan(n: number): Plan {
  let p = twiddleCache.get(n);
  if (p) return p;
  if (!Number.isInteger(n) || n < 1 || (n & (n - 1)) !== 0) {
    throw new RangeError(`Cannot plan FFT: expected a power-of-two length, found ${n}`);
  }
  const cos = new Float64Array(n / 2), sin = new Float64Array(n / 2);
  for (let k = 0; k < n / 2; k++) {
    cos[k] = Math.cos((2 * Math.PI * k) / n);
    sin[k] = Math.sin((2 * Math.PI * k) / n);
  }
  const rev = new Uint32Array(n);
  const bits = Math.log2(n);
  const swaps: number[] = [];
  for (let i = 0; i < n; i++) {
    let r = 0;
    for (let b = 0; b < bits; b++) r |= ((i >> b) & 1) << (bits - 1 - b);
    rev[i] = r;
    if (r > i) swaps.push(i, r);
  }
  const passes: [Float64Array[], Float64Array[]] = [[], []];
  for (const [d, sign] of [[0, -1], [1, 1]] as const) {
    for (let size = bits % 2 === 1 ? 4 : 2; size < n; size <<= 2) {
      const h = size >> 1, step1 = n / size, step2 = step1 >> 1, t = new Float64Array(6 * h);
      for (let k = 0; k < h; k++) {
        const t1 = k * step1, t2 = k * step2;
        t[6 * k] = cos[t1];
        t[6 * k + 1] = sign * sin[t1];
        t[6 * k + 2] = cos[t2];
        t[6 * k + 3] = sign * sin[t2];
        t[6 * k + 4] = cos[t2 + n / 4];
        t[6 * k + 5] = sign * sin[t2 + n / 4];
      }
      passes[d].push(t);
    }
  }
  p = { cos, sin, rev, swaps: Uint32Array.from(swaps), bits, passes };
  twiddleCache.set(n, p);
  return p;
}

/**
 * In-place complex FFT of `(re, im)`, both of power-of-two length N:
 * `X_k = Σ_j x_j e^{-2πi jk/N}`. `inverse = true` computes `x_j = (1/N) Σ_k X_k e^{+2πi jk/N}`.
 * Throws `TypeError` when the lengths differ and `RangeError` when N is not a power of two.
 *
 * @example
 * ```ts
 * import { fft } from "./fft.ts";
 * const re = new Float64Array([1, 2, 3, 4]), im = new Float64Array(4);
 * fft(re, im);
 * fft(re, im, true); // round trip
 * if (Math.abs(re[2] - 3) > 1e-15 || Math.abs(im[2]) > 1e-15) throw new Error("round trip");
 * ```
 */
export function fft(re: Float64Array, im: Float64Array, inverse = false): void {
  const n = re.length;
  if (im.length !== n) {
    throw new TypeError(`Cannot run FFT: re has length ${n} but im has length ${im.length}`);
  }
  if (n <= 1) return;
  fftAt(re, im, 0, n, inverse);
}

/*
 * The arithmetic, fixed since emubench 0.1 (reference caches and pinned digests depend on its
 * bits): after the bit-reversal permutation, stages of size s = 2, 4, …, N; stage s applies to
 * every pair (a, b = a + s/2), with k = a mod s < s/2 and the twiddle
 * (wr, wi) = (cos[kN/s], ∓sin[kN/s]) (− forward, + inverse), the butterfly
 *
 *   xr = re[b]·wr − im[b]·wi,  xi = re[b]·wi + im[b]·wr,
 *   re[b] = re[a] − xr,  im[b] = im[a] − xi,  re[a] = re[a] + xr,  im[a] = im[a] + xi,
 *
 * and the inverse then divides every value by N (done as a product with 1/N, exact for N = 2^b,
 * which rounds the same real number, so the same bits). The butterflies of a stage touch disjoint pairs,
 * so any order within a stage gives the same bits. The loops below run two stages per pass
 * (radix 2²: four values loaded, the four butterflies of stages s and 2s done in registers, four
 * stored), with exactly these operations in this order per butterfly, hence the same bits; a
 * lone first stage of size 2 runs alone when log₂ N is odd. `fftColumns` applies the same
 * butterflies to whole rows at once.
 */

/**
 * {@link fft} of the N = `n` values of `re`, `im` from index `off` (a power of two > 1, checked
 * by `plan`), in place: the same arithmetic in the same order, without a subarray per call.
 * Hot paths (spectra, solvers) call it on slices of one workspace.
 */
export function fftAt(
  re: Float64Array,
  im: Float64Array,
  off: number,
  n: number,
  inverse = false,
): void {
  const p = plan(n), swaps = p.swaps;
  for (let s = 0; s < swaps.length; s += 2) {
    const a = off + swaps[s], b = off + swaps[s + 1];
    let t = re[a];
    re[a] = re[b];
    re[b] = t;
    t = im[a];
    im[a] = im[b];
    im[b] = t;
  }
  stages(re, im, off, n, inverse, p, true, true);
}

/**
 * The tables of the length-`n` plan (n a power of two ≥ 2) that real-input transforms and fused
 * callers need: `cos[k] = cos(2πk/n)`, `sin[k] = sin(2πk/n)` for k < n/2 (the twiddles of
 * {@link rfftInto} and {@link irfftInto}) and the bit reversal `rev` of length n (`rev[i]` is i
 * with its log₂ n bits reversed; `fftAt` applies this permutation before its butterflies). The
 * arrays are the plan's own: read them, never write them.
 *
 * @example
 * ```ts
 * import { fftTables } from "./fft.ts";
 * const { cos, rev } = fftTables(8);
 * if (rev.join() !== "0,4,2,6,1,5,3,7" || cos[2] !== Math.cos(Math.PI / 2)) throw new Error();
 * ```
 */
export function fftTables(
  n: number,
): { readonly cos: Float64Array; readonly sin: Float64Array; readonly rev: Uint32Array } {
  const { cos, sin, rev } = plan(n);
  return { cos, sin, rev };
}

/**
 * The butterflies of {@link fftAt} on the N = `n` values from `off` that the caller has already
 * put in bit-reversed order (`re[off + i]` holds element `rev[i]`, see {@link fftTables}): the
 * same arithmetic, so the same bits as `fftAt` on the natural order, for callers that fuse the
 * permutation into a loop of their own. Two more parts can be fused by the caller:
 *
 * - `lone = false` skips the lone first stage of size 2 that runs when log₂ N is odd; the caller
 *   must then have applied it to every pair (a, a + 1), a even, as
 *   `xr = re[b]·1 − im[b]·w, xi = re[b]·w + im[b]·1, re[b] = re[a] − xr, im[b] = im[a] − xi,
 *   re[a] += xr, im[a] += xi` with b = a + 1 and w = −0 (forward) or +0 (inverse) (the
 *   products with 1 are exact and may be left out);
 * - `scale = false` leaves out the inverse's final product with 1/N (the caller applies it).
 *
 * @example
 * ```ts
 * import { fft, fftPassesAt, fftTables } from "./fft.ts";
 * const x = [1, 2, 3, 4, 5, 6, 7, 8], { rev } = fftTables(8);
 * const re = Float64Array.from(x), im = new Float64Array(8);
 * fft(re, im);
 * const pr = Float64Array.from(rev, (r) => x[r]), pi = new Float64Array(8);
 * fftPassesAt(pr, pi, 0, 8);
 * if (pr.some((v, k) => v !== re[k]) || pi.some((v, k) => v !== im[k])) throw new Error();
 * ```
 */
export function fftPassesAt(
  re: Float64Array,
  im: Float64Array,
  off: number,
  n: number,
  inverse = false,
  lone = true,
  scale = true,
): void {
  stages(re, im, off, n, inverse, plan(n), lone, scale);
}

/**
 * The butterfly stages and the inverse's division of `fftAt` (input in bit-reversed order);
 * `lone`: run the lone size-2 stage (odd log₂ N), `scale`: the inverse's 1/N.
 */
function stages(
  re: Float64Array,
  im: Float64Array,
  off: number,
  n: number,
  inverse: boolean,
  { cos, sin, bits, passes }: Plan,
  lone: boolean,
  scale: boolean,
): void {
  const sign = inverse ? 1 : -1;
  const end = off + n;
  let size = 2;
  if (bits % 2 === 1 && !lone) {
    size = 4;
  } else if (bits % 2 === 1) {
    // lone stage of size 2: k = 0 only
    const wr = cos[0], wi = sign * sin[0];
    for (let a = off; a < end; a += 2) {
      const b = a + 1;
      const xr = re[b] * wr - im[b] * wi;
      const xi = re[b] * wi + im[b] * wr;
      re[b] = re[a] - xr;
      im[b] = im[a] - xi;
      re[a] += xr;
      im[a] += xi;
    }
    size = 4;
  }
  const tables = passes[inverse ? 1 : 0];
  for (let pass = 0; size < n; size <<= 2, pass++) {
    // stages s = size (half h) and 2s, on blocks of 2s: i0 = block + k, i1 = i0 + h,
    // i2 = i0 + s, i3 = i2 + h for k < h; stage s twiddle index k·N/s, stage 2s indices
    // k·N/(2s) (pair i0, i2) and (k + h)·N/(2s) = k·N/(2s) + N/4 (pair i1, i3)
    const h = size >> 1, span = size << 1, tw = tables[pass];
    if (h * span < n) {
      for (let k = 0; k < h; k++) {
        const ar1 = tw[6 * k], ai1 = tw[6 * k + 1], ar2 = tw[6 * k + 2], ai2 = tw[6 * k + 3];
        const br2 = tw[6 * k + 4], bi2 = tw[6 * k + 5];
        for (let i0 = off + k; i0 < end; i0 += span) {
          const i1 = i0 + h, i2 = i0 + size, i3 = i2 + h;
          let ar = re[i0], ai = im[i0], br = re[i1], bi = im[i1];
          let cr = re[i2], ci = im[i2], dr = re[i3], di = im[i3];
          let xr = br * ar1 - bi * ai1, xi = br * ai1 + bi * ar1;
          br = ar - xr;
          bi = ai - xi;
          ar = ar + xr;
          ai = ai + xi;
          xr = dr * ar1 - di * ai1;
          xi = dr * ai1 + di * ar1;
          dr = cr - xr;
          di = ci - xi;
          cr = cr + xr;
          ci = ci + xi;
          xr = cr * ar2 - ci * ai2;
          xi = cr * ai2 + ci * ar2;
          re[i2] = ar - xr;
          im[i2] = ai - xi;
          re[i0] = ar + xr;
          im[i0] = ai + xi;
          xr = dr * br2 - di * bi2;
          xi = dr * bi2 + di * br2;
          re[i3] = br - xr;
          im[i3] = bi - xi;
          re[i1] = br + xr;
          im[i1] = bi + xi;
        }
      }
    } else {
      for (let block = off; block < end; block += span) {
        for (let k = 0; k < h; k++) {
          const ar1 = tw[6 * k], ai1 = tw[6 * k + 1], ar2 = tw[6 * k + 2], ai2 = tw[6 * k + 3];
          const br2 = tw[6 * k + 4], bi2 = tw[6 * k + 5];
          const i0 = block + k, i1 = i0 + h, i2 = i0 + size, i3 = i2 + h;
          let ar = re[i0], ai = im[i0], br = re[i1], bi = im[i1];
          let cr = re[i2], ci = im[i2], dr = re[i3], di = im[i3];
          let xr = br * ar1 - bi * ai1, xi = br * ai1 + bi * ar1;
          br = ar - xr;
          bi = ai - xi;
          ar = ar + xr;
          ai = ai + xi;
          xr = dr * ar1 - di * ai1;
          xi = dr * ai1 + di * ar1;
          dr = cr - xr;
          di = ci - xi;
          cr = cr + xr;
          ci = ci + xi;
          xr = cr * ar2 - ci * ai2;
          xi = cr * ai2 + ci * ar2;
          re[i2] = ar - xr;
          im[i2] = ai - xi;
          re[i0] = ar + xr;
          im[i0] = ai + xi;
          xr = dr * br2 - di * bi2;
          xi = dr * bi2 + di * br2;
          re[i3] = br - xr;
          im[i3] = bi - xi;
          re[i1] = br + xr;
          im[i1] = bi + xi;
        }
      }
    }
  }
  if (inverse && scale) {
    // x·(1/N) is x/N to the bit: 1/N is exact for N = 2^b, and both round the same real x/2^b
    const s = 1 / n;
    for (let i = off; i < end; i++) {
      re[i] *= s;
      im[i] *= s;
    }
  }
}

/**
 * Column transforms of a row-major block: for every column `p0 ≤ p < p1` of the `rows` × `stride`
 * array (value (q, p) at `q·stride + p`), the {@link fft} of its `rows` values (a power of two),
 * in place, with the same bits as `fft` on a copy of the column. Butterflies run on whole row
 * segments (the innermost loop walks the columns), so no column is gathered or scattered; columns
 * outside [p0, p1) are left untouched. Throws `TypeError` when the arrays are shorter than
 * rows·stride and `RangeError` when the column range does not fit.
 *
 * @example
 * ```ts
 * import { fftColumns } from "./fft.ts";
 * // 4 × 2 block: column 0 is a delta, column 1 a constant
 * const re = new Float64Array([1, 1, 0, 1, 0, 1, 0, 1]), im = new Float64Array(8);
 * fftColumns(re, im, 4, 2, 0, 2);
 * if (re.join() !== "1,4,1,0,1,0,1,0") throw new Error(re.join());
 * ```
 */
export function fftColumns(
  re: Float64Array,
  im: Float64Array,
  rows: number,
  stride: number,
  p0: number,
  p1: number,
  inverse = false,
): void {
  if (re.length < rows * stride || im.length < rows * stride) {
    throw new TypeError(
      `Cannot run column FFT: expected arrays of ≥ ${rows}·${stride} values, found ${re.length} and ${im.length}`,
    );
  }
  if (!(0 <= p0 && p0 <= p1 && p1 <= stride)) {
    throw new RangeError(`Cannot run column FFT: columns [${p0}, ${p1}) outside [0, ${stride})`);
  }
  if (rows <= 1 || p0 === p1) return;
  const { cos, sin, swaps, bits, passes } = plan(rows);
  for (let s = 0; s < swaps.length; s += 2) {
    const ra = swaps[s] * stride, rb = swaps[s + 1] * stride;
    for (let p = p0; p < p1; p++) {
      const a = ra + p, b = rb + p;
      let t = re[a];
      re[a] = re[b];
      re[b] = t;
      t = im[a];
      im[a] = im[b];
      im[b] = t;
    }
  }
  const sign = inverse ? 1 : -1;
  let size = 2;
  if (bits % 2 === 1) {
    const wr = cos[0], wi = sign * sin[0];
    for (let r = 0; r < rows; r += 2) {
      const ra = r * stride, rb = ra + stride;
      for (let p = p0; p < p1; p++) {
        const a = ra + p, b = rb + p;
        const xr = re[b] * wr - im[b] * wi;
        const xi = re[b] * wi + im[b] * wr;
        re[b] = re[a] - xr;
        im[b] = im[a] - xi;
        re[a] += xr;
        im[a] += xi;
      }
    }
    size = 4;
  }
  const tables = passes[inverse ? 1 : 0];
  for (let pass = 0; size < rows; size <<= 2, pass++) {
    const h = size >> 1, span = size << 1, tw = tables[pass];
    const dh = h * stride, ds = size * stride;
    for (let block = 0; block < rows; block += span) {
      for (let k = 0; k < h; k++) {
        const ar1 = tw[6 * k], ai1 = tw[6 * k + 1], ar2 = tw[6 * k + 2], ai2 = tw[6 * k + 3];
        const br2 = tw[6 * k + 4], bi2 = tw[6 * k + 5];
        const r0 = (block + k) * stride;
        for (let p = p0; p < p1; p++) {
          const i0 = r0 + p, i1 = i0 + dh, i2 = i0 + ds, i3 = i2 + dh;
          let ar = re[i0], ai = im[i0], br = re[i1], bi = im[i1];
          let cr = re[i2], ci = im[i2], dr = re[i3], di = im[i3];
          let xr = br * ar1 - bi * ai1, xi = br * ai1 + bi * ar1;
          br = ar - xr;
          bi = ai - xi;
          ar = ar + xr;
          ai = ai + xi;
          xr = dr * ar1 - di * ai1;
          xi = dr * ai1 + di * ar1;
          dr = cr - xr;
          di = ci - xi;
          cr = cr + xr;
          ci = ci + xi;
          xr = cr * ar2 - ci * ai2;
          xi = cr * ai2 + ci * ar2;
          re[i2] = ar - xr;
          im[i2] = ai - xi;
          re[i0] = ar + xr;
          im[i0] = ai + xi;
          xr = dr * br2 - di * bi2;
          xi = dr * bi2 + di * br2;
          re[i3] = br - xr;
          im[i3] = bi - xi;
          re[i1] = br + xr;
          im[i1] = bi + xi;
        }
      }
    }
  }
  if (inverse) {
    const s = 1 / rows; // x·(1/N) = x/N to the bit (see stages)
    for (let r = 0; r < rows; r++) {
      const ra = r * stride;
      for (let p = p0; p < p1; p++) {
        re[ra + p] *= s;
        im[ra + p] *= s;
      }
    }
  }
}

/**
 * Forward transform of a real signal: returns `{re, im}` of length N (full spectrum,
 * unnormalised, `X_k = Σ_j x_j e^{-2πi jk/N}`), so `X_{N−k} = conj(X_k)`.
 *
 * @example
 * ```ts
 * import { rfftFull } from "./fft.ts";
 * const { re, im } = rfftFull([1, 1, 1, 1]); // a constant lands in bin 0 only
 * if (re[0] !== 4 || re.slice(1).some((v) => v !== 0) || im.some((v) => v !== 0)) {
 *   throw new Error("rfftFull");
 * }
 * ```
 */
export function rfftFull(x: ArrayLike<number>): { re: Float64Array; im: Float64Array } {
  const re = Float64Array.from(x);
  const im = new Float64Array(re.length);
  fft(re, im);
  return { re, im };
}

/**
 * Forward transform of a real signal of power-of-two length N, non-negative bins only:
 * `X_k = Σ_j x_j e^{-2πi jk/N}` for `k = 0..N/2` (length `⌊N/2⌋ + 1`; the rest follow from
 * `X_{N−k} = conj(X_k)`). Computed with one complex FFT of length N/2 on the packed signal
 * `z_j = x_{2j} + i x_{2j+1}`, about twice as fast as {@link rfftFull}.
 *
 * @example
 * ```ts
 * import { rfft } from "./fft.ts";
 * // cos(2πj/8) has X_1 = X_7 = 4 and nothing else
 * const x = Array.from({ length: 8 }, (_, j) => Math.cos((2 * Math.PI * j) / 8));
 * const { re, im } = rfft(x);
 * if (re.length !== 5 || Math.abs(re[1] - 4) > 1e-12 || Math.abs(re[2]) > 1e-12) {
 *   throw new Error("rfft");
 * }
 * if (im.some((v) => Math.abs(v) > 1e-12)) throw new Error("rfft imaginary part");
 * ```
 */
export function rfft(x: ArrayLike<number>): { re: Float64Array; im: Float64Array } {
  const n = x.length;
  if (n <= 2) {
    const { re, im } = rfftFull(x);
    const keep = Math.floor(n / 2) + 1;
    return { re: re.slice(0, keep), im: im.slice(0, keep) };
  }
  plan(n); // rejects non-power-of-two lengths
  const m = n / 2;
  const re = new Float64Array(m + 1), im = new Float64Array(m + 1);
  rfftInto(x, 0, n, re, im, 0, 1, new Float64Array(m), new Float64Array(m));
  return { re, im };
}

/**
 * {@link rfft} of the `n` values `x[x0 .. x0 + n)` (n a power of two > 2, checked by `plan`):
 * writes `X_k`, k = 0..n/2, to `re[o + k·stride]`, `im[o + k·stride]`, using `zr`, `zi` (length
 * ≥ n/2) as scratch. The same arithmetic in the same order as `rfft`, so the same bits, with no
 * allocation: spectra of every step use it with one workspace. A non-finite sample makes every
 * bin non-finite (module docs), but for the imaginary parts of bins 0 and n/2, which are set to 0.
 */
export function rfftInto(
  x: ArrayLike<number>,
  x0: number,
  n: number,
  re: Float64Array,
  im: Float64Array,
  o: number,
  stride: number,
  zr: Float64Array,
  zi: Float64Array,
): void {
  const { cos, sin } = plan(n);
  const m = n / 2;
  for (let j = 0; j < m; j++) {
    zr[j] = x[x0 + 2 * j];
    zi[j] = x[x0 + 2 * j + 1];
  }
  fftAt(zr, zi, 0, m);
  // Bins 0 and N/2: E = Re Z_0, O = Im Z_0, twiddle ±1.
  re[o] = zr[0] + zi[0];
  im[o] = 0;
  re[o + m * stride] = zr[0] - zi[0];
  im[o + m * stride] = 0;
  for (let k = 1; k < m; k++) {
    // E_k = (Z_k + conj Z_{m−k}) / 2 (even samples), O_k = (Z_k − conj Z_{m−k}) / 2i (odd).
    const a = zr[k], b = zi[k], c = zr[m - k], d = zi[m - k];
    const er = 0.5 * (a + c), ei = 0.5 * (b - d);
    const or = 0.5 * (b + d), oi = -0.5 * (a - c);
    const wr = cos[k], wi = -sin[k]; // e^{-2πik/N}
    re[o + k * stride] = er + wr * or - wi * oi;
    im[o + k * stride] = ei + wr * oi + wi * or;
  }
}

/**
 * Inverse of {@link rfftInto}: from the non-negative bins `X_k`, k = 0..n/2, at `re[o + k·stride]`,
 * `im[o + k·stride]` of a real signal's spectrum, writes `x_j = (1/n) Σ_{k=0}^{n−1} X_k e^{+2πijk/n}`
 * (the other bins being `X_{n−k} = conj X_k`) to `out[x0 + j]`, j = 0..n−1, with one inverse
 * complex FFT of length n/2 (n a power of two > 2; `zr`, `zi` of length ≥ n/2 as scratch). The
 * imaginary parts of `X_0` and `X_{n/2}` are ignored, as `numpy.fft.irfft` does. Packs
 * `Z_k = E_k + i·O_k` with `E_k = (X_k + conj X_{n/2−k})/2` and
 * `O_k = e^{+2πik/n} (X_k − conj X_{n/2−k})/2`, the transforms of the even and odd samples, so
 * that `IFFT_{n/2}(Z)_j = x_{2j} + i x_{2j+1}`. `irfftInto(rfft(x)) = x` to round-off. A
 * non-finite bin makes every output sample non-finite (module docs).
 *
 * @example
 * ```ts
 * import { irfftInto, rfftInto } from "./fft.ts";
 * const n = 8, x = Float64Array.from({ length: n }, (_, j) => Math.cos(j) + j);
 * const re = new Float64Array(n / 2 + 1), im = new Float64Array(n / 2 + 1);
 * const zr = new Float64Array(n / 2), zi = new Float64Array(n / 2), back = new Float64Array(n);
 * rfftInto(x, 0, n, re, im, 0, 1, zr, zi);
 * irfftInto(re, im, 0, 1, n, back, 0, zr, zi);
 * if (back.some((v, j) => Math.abs(v - x[j]) > 1e-13)) throw new Error("round trip");
 * ```
 */
export function irfftInto(
  re: ArrayLike<number>,
  im: ArrayLike<number>,
  o: number,
  stride: number,
  n: number,
  out: Float64Array | Float32Array,
  x0: number,
  zr: Float64Array,
  zi: Float64Array,
): void {
  const { cos, sin } = plan(n);
  const m = n / 2;
  for (let k = 0; k < m; k++) {
    const a = re[o + k * stride], c = re[o + (m - k) * stride];
    // Bins 0 and n/2 are real (their imaginary parts are dropped).
    const b = k === 0 ? 0 : im[o + k * stride], d = k === 0 ? 0 : im[o + (m - k) * stride];
    const er = 0.5 * (a + c), ei = 0.5 * (b - d);
    const dr = 0.5 * (a - c), di = 0.5 * (b + d);
    const wr = cos[k], wi = sin[k]; // e^{+2πik/n}
    const or = dr * wr - di * wi, oi = dr * wi + di * wr;
    zr[k] = er - oi;
    zi[k] = ei + or;
  }
  fftAt(zr, zi, 0, m, true);
  for (let j = 0; j < m; j++) {
    out[x0 + 2 * j] = zr[j];
    out[x0 + 2 * j + 1] = zi[j];
  }
}

/**
 * Signed integer wavenumber of FFT bin `k` for length N: `k` for `k ≤ N/2`, else `k − N`.
 *
 * @example
 * ```ts
 * import { wavenumber } from "./fft.ts";
 * if (wavenumber(3, 8) !== 3 || wavenumber(4, 8) !== 4 || wavenumber(5, 8) !== -3) {
 *   throw new Error("wavenumber");
 * }
 * ```
 */
export function wavenumber(k: number, n: number): number {
  return k <= n / 2 ? k : k - n;
}

/**
 * Complex fast Fourier transform for power-of-two lengths (iterative radix-2, in place,
 * float64). Convention: forward `X_k = Σ_j x_j e^{-2πi jk/N}` (unnormalised); inverse applies
 * `+i` and divides by N, so `ifft(fft(x)) = x`. Parseval: `Σ|x_j|² = (1/N) Σ|X_k|²`.
 *
 * every export of the module into each example, which fails type checking under
 * `noUnusedLocals` (denoland/deno#26900). The examples still run.
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

const twiddleCache = new Map<number, { cos: Float64Array; sin: Float64Array; rev: Uint32Array }>();

function plan(n: number) {
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
  for (let i = 0; i < n; i++) {
    let r = 0;
    for (let b = 0; b < bits; b++) r |= ((i >> b) & 1) << (bits - 1 - b);
    rev[i] = r;
  }
  p = { cos, sin, rev };
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
  const { cos, sin, rev } = plan(n);
  for (let i = 0; i < n; i++) {
    const j = rev[i];
    if (j > i) {
      const a = off + i, b = off + j;
      let t = re[a];
      re[a] = re[b];
      re[b] = t;
      t = im[a];
      im[a] = im[b];
      im[b] = t;
    }
  }
  const sign = inverse ? 1 : -1;
  const end = off + n;
  // Butterflies of a stage touch disjoint pairs, so their order does not change any result: early
  // stages (few twiddles, many blocks) run twiddle-outer, late ones block-outer.
  for (let size = 2; size <= n; size <<= 1) {
    const half = size >> 1, step = n / size;
    if (half < step) {
      for (let k = 0; k < half; k++) {
        const wr = cos[k * step], wi = sign * sin[k * step];
        for (let a = off + k; a < end; a += size) {
          const b = a + half;
          const xr = re[b] * wr - im[b] * wi;
          const xi = re[b] * wi + im[b] * wr;
          re[b] = re[a] - xr;
          im[b] = im[a] - xi;
          re[a] += xr;
          im[a] += xi;
        }
      }
    } else {
      for (let start = off; start < end; start += size) {
        for (let k = 0; k < half; k++) {
          const wr = cos[k * step], wi = sign * sin[k * step];
          const a = start + k, b = a + half;
          const xr = re[b] * wr - im[b] * wi;
          const xi = re[b] * wi + im[b] * wr;
          re[b] = re[a] - xr;
          im[b] = im[a] - xi;
          re[a] += xr;
          im[a] += xi;
        }
      }
    }
  }
  if (inverse) {
    for (let i = off; i < end; i++) {
      re[i] /= n;
      im[i] /= n;
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
 * allocation: spectra of every step use it with one workspace.
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

/**
 * Complex fast Fourier transform for power-of-two lengths (iterative radix-2, in place,
 * float64). Convention: forward `X_k = Σ_j x_j e^{-2πi jk/N}` (unnormalised); inverse applies
 * `+i` and divides by N, so `ifft(fft(x)) = x`. Parseval: `Σ|x_j|² = (1/N) Σ|X_k|²`.
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
 * In-place complex FFT of `(re, im)`, both of power-of-two length N.
 * `inverse = true` computes `x_j = (1/N) Σ_k X_k e^{+2πi jk/N}`.
 */
export function fft(re: Float64Array, im: Float64Array, inverse = false): void {
  const n = re.length;
  if (im.length !== n) {
    throw new TypeError(`Cannot run FFT: re has length ${n} but im has length ${im.length}`);
  }
  if (n <= 1) return;
  const { cos, sin, rev } = plan(n);
  for (let i = 0; i < n; i++) {
    const j = rev[i];
    if (j > i) {
      let t = re[i];
      re[i] = re[j];
      re[j] = t;
      t = im[i];
      im[i] = im[j];
      im[j] = t;
    }
  }
  const sign = inverse ? 1 : -1;
  for (let size = 2; size <= n; size <<= 1) {
    const half = size >> 1, step = n / size;
    for (let start = 0; start < n; start += size) {
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
  if (inverse) {
    for (let i = 0; i < n; i++) {
      re[i] /= n;
      im[i] /= n;
    }
  }
}

/**
 * Forward transform of a real signal: returns `{re, im}` of length N (full spectrum, unnormalised).
 */
export function rfftFull(x: ArrayLike<number>): { re: Float64Array; im: Float64Array } {
  const re = Float64Array.from(x as ArrayLike<number>);
  const im = new Float64Array(re.length);
  fft(re, im);
  return { re, im };
}

/**
 * Signed integer wavenumber of FFT bin `k` for length N: `k` for `k ≤ N/2`, else `k − N`.
 */
export function wavenumber(k: number, n: number): number {
  return k <= n / 2 ? k : k - n;
}

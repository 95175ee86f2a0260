/**
 * The radix-2² loops of `fft.ts` give the bits of the radix-2 FFT that emubench has always used
 * (reference caches and pinned digests depend on them). The oracle below is a verbatim copy of
 * that algorithm (metrics/fft.ts before the radix-2² rewrite); the new transforms must equal it
 * bit for bit (signed zeros, infinities and NaN positions included) on random, sparse, signed-zero
 * and extreme inputs, forward and inverse, at any offset.
 */
import { fft, fftAt, fftColumns } from "./fft.ts";

/** The radix-2 FFT of emubench ≤ 0.1 (oracle: do not optimise). */
function oracleFftAt(re: Float64Array, im: Float64Array, off: number, n: number, inverse = false) {
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

/** xorshift32 in [0, 1): a fixed, dependency-free stream. */
function stream(seed: number) {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 2 ** 32;
  };
}

/** Inputs of one kind: normal-ish, sparse with ±0, extreme magnitudes, or with ±∞ and NaN. */
function input(kind: number, len: number, seed: number): Float64Array {
  const u = stream(seed), out = new Float64Array(len);
  for (let i = 0; i < len; i++) {
    const r = u(), v = (u() - 0.5) * 8;
    if (kind === 0) out[i] = v;
    else if (kind === 1) out[i] = r < 0.6 ? (r < 0.3 ? 0 : -0) : v;
    else if (kind === 2) out[i] = v * 10 ** Math.floor(u() * 600 - 300) * (r < 0.1 ? 1e-20 : 1);
    else out[i] = r < 0.02 ? Infinity : r < 0.04 ? -Infinity : r < 0.05 ? NaN : v;
  }
  return out;
}

function assertSameBits(got: Float64Array, want: Float64Array, what: string): void {
  for (let i = 0; i < want.length; i++) {
    if (!Object.is(got[i], want[i])) {
      throw new Error(`${what}: index ${i}: got ${got[i]}, want ${want[i]}`);
    }
  }
}

Deno.test("fft and fftAt equal the radix-2 oracle bit for bit, N = 2..4096, forward and inverse", () => {
  let seed = 1;
  for (let n = 2; n <= 4096; n *= 2) {
    for (let kind = 0; kind < 4; kind++) {
      for (const inverse of [false, true]) {
        const off = (seed % 5) + 1, len = n + off + 3;
        const re = input(kind, len, seed++), im = input(kind, len, seed++);
        const wr = re.slice(), wi = im.slice();
        oracleFftAt(wr, wi, off, n, inverse);
        const ar = re.slice(), ai = im.slice();
        fftAt(ar, ai, off, n, inverse);
        assertSameBits(ar, wr, `fftAt re n=${n} kind=${kind} inverse=${inverse}`);
        assertSameBits(ai, wi, `fftAt im n=${n} kind=${kind} inverse=${inverse}`);
        const fr = re.slice(off, off + n), fi = im.slice(off, off + n);
        fft(fr, fi, inverse);
        assertSameBits(fr, wr.subarray(off, off + n), `fft re n=${n}`);
        assertSameBits(fi, wi.subarray(off, off + n), `fft im n=${n}`);
      }
    }
  }
});

Deno.test("fftColumns equals the oracle on each selected column, bit for bit, others untouched", () => {
  let seed = 99;
  for (const [rows, width] of [[2, 3], [4, 4], [8, 5], [16, 16], [64, 7], [128, 130], [256, 256]]) {
    for (let kind = 0; kind < 4; kind++) {
      for (const inverse of [false, true]) {
        const p0 = Math.min(1, width - 1), p1 = Math.max(p0 + 1, width - 1);
        const re = input(kind, rows * width, seed++), im = input(kind, rows * width, seed++);
        const want = [re.slice(), im.slice()];
        const cr = new Float64Array(rows), ci = new Float64Array(rows);
        for (let p = p0; p < p1; p++) {
          for (let q = 0; q < rows; q++) [cr[q], ci[q]] = [re[q * width + p], im[q * width + p]];
          oracleFftAt(cr, ci, 0, rows, inverse);
          for (let q = 0; q < rows; q++) {
            [want[0][q * width + p], want[1][q * width + p]] = [cr[q], ci[q]];
          }
        }
        fftColumns(re, im, rows, width, p0, p1, inverse);
        assertSameBits(
          re,
          want[0],
          `fftColumns re ${rows}×${width} kind=${kind} inverse=${inverse}`,
        );
        assertSameBits(
          im,
          want[1],
          `fftColumns im ${rows}×${width} kind=${kind} inverse=${inverse}`,
        );
      }
    }
  }
});

/**
 * Spun-up turbulent initial conditions for `jet2d`, and spectral resampling between grids.
 *
 * Recipe of IC `index` of `seed` (one independent spin-up per IC, so IC i does not depend on
 * how many ICs are requested):
 *
 * 1. a random vorticity on the coarse grid (n_c = 64): Gaussian Fourier coefficients drawn from
 *    `new Rng(seed, index)` in the shell 1 ≤ |k| ≤ 6 with amplitude ∝ 1/|k|, scaled to energy
 *    E₀ = ½;
 * 2. `coarseTime` of the forced, dragged flow on the coarse grid (same ν, μ, forcing; the
 *    hyperviscosity rescaled so its rate at the coarse cut-off equals the fine one at the fine
 *    cut-off: ν_h,c = ν_h (K/K_c)⁸), with sub-step `coarseH`;
 * 3. exact spectral interpolation (zero padding, {@link resampleSpectrum}) to n = 256, then
 *    `fineTime` at full resolution (sub-step `fineH`) so the enstrophy cascade fills the fine
 *    scales.
 *
 * @example
 * ```ts
 * import { resampleSpectrum } from "./spinup.ts";
 * const re = new Float64Array(16), im = new Float64Array(16);
 * re[1] = 16; // cos x on 4²: f̂ = n²/2 at k_x = ±1
 * re[3] = 16;
 * const out = resampleSpectrum(re, im, 4, 8);
 * if (out.re[1] !== 64 || out.re[7] !== 64) throw new Error("scaled by (8/4)²");
 * ```
 * @module
 */

import { wavenumber } from "../../metrics/fft.ts";
import { Rng } from "../../harness/core/rng.ts";
import { Jet2D, type Jet2DOptions } from "./solver.ts";

/**
 * Resample a spectrum in the `Spectral2D` layout (unnormalised, `[q·n + p]`) from an `nFrom`²
 * grid to an `nTo`² grid: modes with |k_x|, |k_y| < min(nFrom, nTo)/2 are copied and scaled by
 * (nTo/nFrom)² (so the physical field is unchanged where both grids resolve it); all others,
 * including the Nyquist rows and columns, are zero. Upsampling a band-limited field is exact
 * interpolation; downsampling is spectral truncation.
 *
 * @example
 * ```ts
 * import { resampleSpectrum } from "./spinup.ts";
 * const re = new Float64Array(64), im = new Float64Array(64);
 * im[8 * 1 + 2] = 5; // (k_x, k_y) = (2, 1) on 8²
 * const down = resampleSpectrum(re, im, 8, 4); // |k_x| = 2 is the 4² Nyquist: dropped
 * if (down.im.some((v) => v !== 0)) throw new Error("Nyquist dropped");
 * ```
 */
export function resampleSpectrum(
  re: ArrayLike<number>,
  im: ArrayLike<number>,
  nFrom: number,
  nTo: number,
): { re: Float64Array; im: Float64Array } {
  if (re.length !== nFrom * nFrom || im.length !== nFrom * nFrom) {
    throw new TypeError(
      `Cannot resample a spectrum: expected ${nFrom}² values, found ${re.length} and ${im.length}`,
    );
  }
  const outRe = new Float64Array(nTo * nTo), outIm = new Float64Array(nTo * nTo);
  const half = Math.min(nFrom, nTo) / 2, scale = (nTo / nFrom) ** 2;
  for (let q = 0; q < nFrom; q++) {
    const ky = wavenumber(q, nFrom);
    if (Math.abs(ky) >= half) continue;
    const qt = ky < 0 ? ky + nTo : ky;
    for (let p = 0; p < nFrom; p++) {
      const kx = wavenumber(p, nFrom);
      if (Math.abs(kx) >= half) continue;
      const pt = kx < 0 ? kx + nTo : kx;
      outRe[qt * nTo + pt] = re[q * nFrom + p] * scale;
      outIm[qt * nTo + pt] = im[q * nFrom + p] * scale;
    }
  }
  return { re: outRe, im: outIm };
}

/** Settings of {@link spinUp}. */
export interface SpinUpOptions {
  /** Physics of the fine grid (n = fine grid size, ν, ν_h, μ, k_f, F₀). */
  readonly physics: Jet2DOptions;
  /** Coarse grid size n_c (power of two, < physics.n). */
  readonly coarseN: number;
  /** Time on the coarse grid. */
  readonly coarseTime: number;
  /** ETDRK4 sub-step on the coarse grid. */
  readonly coarseH: number;
  /** Time on the fine grid after interpolation. */
  readonly fineTime: number;
  /** ETDRK4 sub-step on the fine grid. */
  readonly fineH: number;
}

/**
 * Random large-scale vorticity spectrum on an n² grid (see module docs, step 1): Gaussian
 * coefficients from `new Rng(seed, index)` on 1 ≤ |k| ≤ 6, amplitude 1/|k|, Hermitian (the
 * field is real), zero mean, scaled to E = ½.
 *
 * @example
 * ```ts
 * import { randomLargeScale } from "./spinup.ts";
 * import { Jet2D } from "./solver.ts";
 * const s = new Jet2D({ n: 32 }), { re, im } = randomLargeScale(32, 1, 0);
 * if (Math.abs(s.energyHat(re, im) - 0.5) > 1e-12) throw new Error("E = ½");
 * ```
 */
export function randomLargeScale(
  n: number,
  seed: number,
  index: number,
): { re: Float64Array; im: Float64Array } {
  const rng = new Rng(seed, index), re = new Float64Array(n * n), im = new Float64Array(n * n);
  const kMax = 6;
  // draw each Hermitian pair once, in a fixed order: k_y from 0, k_x > 0 on the k_y = 0 row
  for (let ky = 0; ky <= kMax; ky++) {
    for (let kx = -kMax; kx <= kMax; kx++) {
      if (ky === 0 && kx <= 0) continue;
      const k = Math.hypot(kx, ky);
      if (k > kMax) continue;
      const a = rng.normal() / k, b = rng.normal() / k;
      const p = (kx + n) % n, q = ky, pc = (n - kx) % n, qc = (n - ky) % n;
      re[q * n + p] = a;
      im[q * n + p] = b;
      re[qc * n + pc] = a;
      im[qc * n + pc] = -b;
    }
  }
  const e = new Jet2D({ n, kf: 1 }).energyHat(re, im), s = Math.sqrt(0.5 / e);
  for (let k = 0; k < n * n; k++) {
    re[k] *= s;
    im[k] *= s;
  }
  return { re, im };
}

/**
 * Spun-up vorticity spectrum (fine grid, `Spectral2D` layout) of IC `index` of `seed` by the
 * recipe of the module docs.
 *
 * @example
 * ```ts
 * import { spinUp } from "./spinup.ts";
 * const o = spinUp(1, 0, {
 *   physics: { n: 16, nu: 0.01, mu: 0.1, kf: 1 },
 *   coarseN: 8, coarseTime: 0.1, coarseH: 0.05, fineTime: 0.1, fineH: 0.05,
 * });
 * if (o.re.length !== 256 || o.re[0] !== 0) throw new Error("zero-mean 16² spectrum");
 * ```
 */
export function spinUp(
  seed: number,
  index: number,
  options: SpinUpOptions,
): { re: Float64Array; im: Float64Array } {
  const { physics, coarseN } = options;
  const fineK = Math.floor(physics.n / 3), coarseK = Math.floor(coarseN / 3);
  const coarse = new Jet2D({
    ...physics,
    n: coarseN,
    nuH: (physics.nuH ?? 0) * (fineK / coarseK) ** 8,
  });
  const c = randomLargeScale(coarseN, seed, index);
  coarse.grid.dealias(c.re, c.im);
  advance(coarse, c.re, c.im, options.coarseTime, options.coarseH);
  const f = resampleSpectrum(c.re, c.im, coarseN, physics.n);
  advance(new Jet2D(physics), f.re, f.im, options.fineTime, options.fineH);
  return f;
}

/** Advance in place by `time` with sub-steps of at most `h` (a whole number of equal steps). */
function advance(s: Jet2D, re: Float64Array, im: Float64Array, time: number, h: number): void {
  const steps = Math.ceil(time / h - 1e-9);
  for (let m = 0; m < steps; m++) s.step(re, im, time / steps);
}

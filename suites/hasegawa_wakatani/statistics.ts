/**
 * Saturated-state statistics of the `hasegawa_wakatani` reference (the numbers in the data card):
 * time averages of Γⁿ, Γᶜ, E, U over a window of a long run from small noise at the suite's
 * physics, their spread over time and the standard error from block means, and the
 * time-averaged isotropic energy spectrum's fall-off at the 2/3 cut-off.
 *
 *     deno run -A suites/hasegawa_wakatani/statistics.ts [tEnd=600] [tStart=300] [seed=1]
 *
 * prints one JSON line per time unit (`t`, `E`, `U`, `Gn`, `Gc`) and a final summary line. The
 * run starts from `noiseState(hw, seed, 0, 1e-2)` on the 128² grid (the recipe's noise, without
 * the coarse-grid shortcut), so it also tests that shortcut: the ICs must show the same
 * statistics (`statistics_test.ts`).
 *
 * @example
 * ```ts
 * import { summarize } from "./statistics.ts";
 * const s = summarize([1, 2, 3, 4], 2);
 * if (s.mean !== 2.5 || Math.abs(s.stderr - 1) > 1e-12) throw new Error("blocks of 2: 1.5, 3.5");
 * ```
 * @module
 */

import { HW_DT, HW_H, HW_N, HW_PHYSICS } from "./suite.ts";
import { HasegawaWakatani, type HWState } from "./solver.ts";
import { advance, noiseState } from "./spinup.ts";

/** Mean, standard deviation over samples, and standard error of the mean from block means. */
export interface SeriesSummary {
  readonly mean: number;
  readonly std: number;
  /** std of the block means / √(number of blocks). */
  readonly stderr: number;
  readonly samples: number;
}

/**
 * Mean and spread of a time series; `stderr` from non-overlapping blocks of `block` samples
 * (blocks longer than the correlation time make the block means nearly independent).
 */
export function summarize(xs: readonly number[], block: number): SeriesSummary {
  const n = xs.length;
  if (n === 0 || !(block >= 1) || n < 2 * block) {
    throw new RangeError(
      `Cannot summarize: expected ≥ 2 blocks of ${block} samples, found ${n} samples`,
    );
  }
  let m = 0;
  for (const x of xs) m += x;
  m /= n;
  let v = 0;
  for (const x of xs) v += (x - m) ** 2;
  const nb = Math.floor(n / block), means: number[] = [];
  for (let b = 0; b < nb; b++) {
    let s = 0;
    for (let i = b * block; i < (b + 1) * block; i++) s += xs[i];
    means.push(s / block);
  }
  const mb = means.reduce((a, b) => a + b, 0) / nb;
  const vb = means.reduce((a, b) => a + (b - mb) ** 2, 0) / (nb - 1);
  return { mean: m, std: Math.sqrt(v / (n - 1)), stderr: Math.sqrt(vb / nb), samples: n };
}

/**
 * Shell-summed energy spectrum of a state, E(k) = Σ_{round(|κ|/k₀) = k} (|n̂|² + |κ|²|φ̂|²)/(2n⁴),
 * so that Σ_k E(k) = E.
 */
export function energyShells(hw: HasegawaWakatani, s: HWState): Float64Array {
  const g = hw.grid, n = hw.n, out = new Float64Array(n);
  const sc = 0.5 / (g.size * g.size);
  for (let k = 1; k < g.size; k++) {
    const m = Math.round(Math.sqrt(g.k2[k]) / hw.k0);
    const pr = s.omegaRe[k] * g.invK2[k], pi = s.omegaIm[k] * g.invK2[k];
    out[Math.min(m, n - 1)] += sc *
      (s.nRe[k] ** 2 + s.nIm[k] ** 2 + g.k2[k] * (pr * pr + pi * pi));
  }
  return out;
}

/**
 * Advective CFL number of a state for the RK4 step h of the suite: the E×B velocity
 * (v_x, v_y) = (−∂ᵧφ, ∂ₓφ) bounded by its grid maxima, times the largest retained angular
 * wavenumber κ_cut = k₀⌊n/3⌋: `(max|∂ᵧφ| + max|∂ₓφ|)·κ_cut·h`.
 */
export function cfl(hw: HasegawaWakatani, s: HWState): number {
  const g = hw.grid, size = g.size;
  const pr = new Float64Array(size), pi = new Float64Array(size);
  const dr = new Float64Array(size), di = new Float64Array(size), f = new Float64Array(size);
  hw.phiFromOmega(s.omegaRe, s.omegaIm, pr, pi);
  let total = 0;
  for (const d of [g.dx.bind(g), g.dy.bind(g)]) {
    d(pr, pi, dr, di);
    g.inverse(dr, di, f);
    let m = 0;
    for (let k = 0; k < size; k++) m = Math.max(m, Math.abs(f[k]));
    total += m;
  }
  return total * hw.k0 * g.kCut * HW_H;
}

/** Diagnostics series of a run from noise, sampled every time unit. */
export function measure(
  tEnd: number,
  tStart: number,
  seed: number,
  onSample?: (row: Record<string, number>) => void,
): {
  gammaN: SeriesSummary;
  gammaC: SeriesSummary;
  energy: SeriesSummary;
  enstrophy: SeriesSummary;
  /** Time-mean E(k) over the window, k = 0 … n−1 (shells of width k₀). */
  spectrum: number[];
  /** max over the window of (max|∂ᵧφ| + max|∂ₓφ|)·κ_cut·h (RK4 needs < 2.83 on the imaginary axis). */
  cflMax: number;
} {
  const hw = new HasegawaWakatani({ ...HW_PHYSICS, n: HW_N });
  const s = noiseState(hw, seed, 0, 1e-2);
  const series = {
    gammaN: [] as number[],
    gammaC: [] as number[],
    e: [] as number[],
    u: [] as number[],
  };
  const spec = new Float64Array(HW_N);
  let cflMax = 0;
  for (let t = 1; t <= tEnd; t++) {
    advance(hw, s, HW_DT, HW_H);
    const d = hw.diagnostics(s);
    if (!Number.isFinite(d.energy)) throw new RangeError(`HW run diverged at t = ${t}`);
    onSample?.({ t, E: d.energy, U: d.enstrophy, Gn: d.gammaN, Gc: d.gammaC });
    if (t > tStart) {
      series.gammaN.push(d.gammaN);
      series.gammaC.push(d.gammaC);
      series.e.push(d.energy);
      series.u.push(d.enstrophy);
      cflMax = Math.max(cflMax, cfl(hw, s));
      const sh = energyShells(hw, s);
      for (let k = 0; k < HW_N; k++) spec[k] += sh[k] / (tEnd - tStart);
    }
  }
  const block = 25;
  return {
    gammaN: summarize(series.gammaN, block),
    gammaC: summarize(series.gammaC, block),
    energy: summarize(series.e, block),
    enstrophy: summarize(series.u, block),
    spectrum: Array.from(spec),
    cflMax,
  };
}

if (import.meta.main) {
  const [tEnd = 600, tStart = 300, seed = 1] = Deno.args.map(Number);
  const t0 = performance.now();
  const r = measure(tEnd, tStart, seed, (row) => console.log(JSON.stringify(row)));
  const kc = Math.floor(HW_N / 3), peak = Math.max(...r.spectrum);
  console.log(JSON.stringify({
    summary: { tEnd, tStart, seed, ...r, spectrum: undefined },
    spectrum: r.spectrum.slice(0, kc + 2),
    falloff: { cutoff: kc, ratio: r.spectrum[kc] / peak },
    wallSeconds: (performance.now() - t0) / 1000,
  }));
}

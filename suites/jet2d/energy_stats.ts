/**
 * Steady-state energy statistics of `jet2d` (μ_E, σ_E for the stability rate, SPEC §4) from one
 * long reference run at 256²:
 *
 * 1. spin up one state by the suite's IC recipe (`SPIN_UP`) from `new Rng(seed, index)`, with
 *    `index` = 1 000 000 by default (a stream no IC uses);
 * 2. run `burn` time units more at 256² (not sampled);
 * 3. run `time` time units, sampling E = ½⟨u² + v²⟩ (and Z = ½⟨ω²⟩, zonal share) after every
 *    model step Δt = 0.02 (10 ETDRK4 sub-steps of 0.002, the reference's exact stepping).
 *
 * It prints μ_E (time mean), σ_E (standard deviation of the samples), the sample count, the
 * standard error of μ_E by batch means (10 contiguous batches: s_batch/√10), the enstrophy mean
 * and the mean zonal share (energy in the k_x = 0 modes, the jets). Run:
 *
 *     deno run -A suites/jet2d/energy_stats.ts [--time 40] [--burn 5] [--seed S] [--index I]
 *
 * @example
 * ```ts
 * import { summarise } from "./energy_stats.ts";
 * const s = summarise([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20]);
 * if (s.mean !== 10.5 || Math.abs(s.std - Math.sqrt(33.25)) > 1e-12) throw new Error("stats");
 * ```
 * @module
 */

import { parseArgs } from "node:util";
import { Jet2D } from "./solver.ts";
import { spinUp } from "./spinup.ts";
import { DT, PHYSICS, SPIN_UP, SUBSTEPS } from "./suite.ts";

/** Mean, population standard deviation and batch-means standard error of the mean. */
export interface SeriesSummary {
  /** Time mean. */
  readonly mean: number;
  /** Population standard deviation of the samples. */
  readonly std: number;
  /** Number of samples. */
  readonly samples: number;
  /** Standard error of the mean from 10 contiguous batch means: sd(batch means)/√10. */
  readonly stdErrMean: number;
}

/**
 * Summary statistics of a time series (float64): mean, population standard deviation, and the
 * batch-means standard error of the mean with 10 contiguous batches (needs ≥ 10 samples; the
 * last `samples mod 10` are left out of the batches only).
 *
 * @example
 * ```ts
 * import { summarise } from "./energy_stats.ts";
 * const s = summarise(new Array(100).fill(2));
 * if (s.mean !== 2 || s.std !== 0 || s.stdErrMean !== 0) throw new Error("constant series");
 * ```
 */
export function summarise(x: ArrayLike<number>): SeriesSummary {
  const n = x.length;
  if (n < 10) throw new RangeError(`Cannot summarise a series: expected ≥ 10 samples, found ${n}`);
  let s = 0;
  for (let i = 0; i < n; i++) s += x[i];
  const mean = s / n;
  let v = 0;
  for (let i = 0; i < n; i++) v += (x[i] - mean) ** 2;
  const b = Math.floor(n / 10), means: number[] = [];
  for (let k = 0; k < 10; k++) {
    let t = 0;
    for (let i = k * b; i < (k + 1) * b; i++) t += x[i];
    means.push(t / b);
  }
  const bm = means.reduce((a, c) => a + c, 0) / 10;
  const bv = means.reduce((a, c) => a + (c - bm) ** 2, 0) / 9;
  return { mean, std: Math.sqrt(v / n), samples: n, stdErrMean: Math.sqrt(bv / 10) };
}

/** Options of {@link measureEnergyStats}. */
export interface MeasureOptions {
  /** Sampled window length (time units). */
  readonly time: number;
  /** Unsampled time at 256² after the spin-up. */
  readonly burn: number;
  /** Rng seed of the spin-up. */
  readonly seed: number;
  /** Rng stream of the spin-up. */
  readonly index: number;
  /** Called now and then with (model steps done, total, energies sampled so far). */
  readonly progress?: (done: number, total: number, energies: readonly number[]) => void;
}

/** Result of {@link measureEnergyStats}. */
export interface MeasuredStats {
  /** E = ½⟨u² + v²⟩ after every model step of the window. */
  readonly energy: SeriesSummary;
  /** Z = ½⟨ω²⟩ likewise. */
  readonly enstrophy: SeriesSummary;
  /** Mean over samples of the zonal (k_x = 0) share of E. */
  readonly zonalMean: number;
  /** Minimum over samples of the zonal share of E. */
  readonly zonalMin: number;
  /** Wall seconds. */
  readonly seconds: number;
}

/**
 * The long run of the module docs. Cost ≈ 10 ETDRK4 steps of 256² (≈ 0.35 s on one core) per
 * model step, `(burn + time)/0.02` model steps, plus the spin-up.
 *
 * @example
 * ```ts ignore
 * import { measureEnergyStats } from "./energy_stats.ts";
 * const m = measureEnergyStats({ time: 20, burn: 5, seed: 1, index: 1_000_001 }); // ≈ 10 min
 * console.log(m.energy.mean, m.energy.std);
 * ```
 */
export function measureEnergyStats(o: MeasureOptions): MeasuredStats {
  const t0 = performance.now(), n = PHYSICS.n;
  const f = spinUp(o.seed, o.index, SPIN_UP);
  const s = new Jet2D({ ...PHYSICS }), h = DT / SUBSTEPS;
  const burnSteps = Math.round(o.burn / DT), steps = Math.round(o.time / DT);
  const total = burnSteps + steps, e: number[] = [], z: number[] = [];
  let zonalSum = 0, zonalMin = Infinity;
  for (let m = 1; m <= total; m++) {
    for (let k = 0; k < SUBSTEPS; k++) s.step(f.re, f.im, h);
    if (m > burnSteps) {
      const d = s.diagnosticsHat(f.re, f.im);
      e.push(d.energy);
      z.push(d.enstrophy);
      let ez = 0;
      for (let q = 0; q < n; q++) {
        const k = q * n;
        ez += (f.re[k] * f.re[k] + f.im[k] * f.im[k]) * s.grid.invK2[k];
      }
      const share = (0.5 * ez) / (n * n * n * n) / d.energy;
      zonalSum += share;
      zonalMin = Math.min(zonalMin, share);
    }
    if (m % 250 === 0) o.progress?.(m, total, e);
  }
  return {
    energy: summarise(e),
    enstrophy: summarise(z),
    zonalMean: zonalSum / steps,
    zonalMin,
    seconds: (performance.now() - t0) / 1000,
  };
}

if (import.meta.main) {
  const { values: args } = parseArgs({
    args: Deno.args,
    options: {
      time: { type: "string" },
      burn: { type: "string" },
      seed: { type: "string" },
      index: { type: "string" },
    },
  });
  const time = Number(args.time ?? 40), burn = Number(args.burn ?? 5);
  const seed = Number(args.seed ?? 20261123), index = Number(args.index ?? 1_000_000);
  console.log(`jet2d energy stats: seed ${seed}, index ${index}, burn ${burn}, window ${time}`);
  const m = measureEnergyStats({
    time,
    burn,
    seed,
    index,
    progress: (d, t, e) => {
      const p = e.length >= 10 ? summarise(e) : undefined;
      console.log(
        `  step ${d}/${t}` +
          (p
            ? `: so far ${p.samples} samples, mean ${p.mean}, std ${p.std}, ` +
              `stdErrMean ${p.stdErrMean}`
            : ""),
      );
    },
  });
  console.log(JSON.stringify(
    {
      mean: m.energy.mean,
      std: m.energy.std,
      samples: m.energy.samples,
      stdErrMean: m.energy.stdErrMean,
      enstrophyMean: m.enstrophy.mean,
      enstrophyStd: m.enstrophy.std,
      zonalMean: m.zonalMean,
      zonalMin: m.zonalMin,
      seconds: m.seconds,
      source: `deno run -A suites/jet2d/energy_stats.ts --time ${time} --burn ${burn} ` +
        `--seed ${seed} --index ${index}: spin-up (SPIN_UP), ${burn} time units at 256² ` +
        `unsampled, then ${time} time units (${m.energy.samples} model steps of Δt = ${DT})`,
    },
    null,
    2,
  ));
}

/**
 * Measured saturated-state statistics of the `hasegawa_wakatani` reference (the data card's
 * table) and the published values it is compared with. Produced by
 *
 *     deno run -A suites/hasegawa_wakatani/statistics.ts 700 300 1
 *
 * (128², from noise N(0, 0.01²), time averages over t = 300…700, one sample per time unit; std over
 * time; stderr from 16 blocks of 25 samples). Seed 2 (same command, last argument 2) is listed in
 * the data card as a second run. Checked against the suite's solver in `statistics_test.ts`: by a
 * default 15-unit run from a spun-up IC (wide ± 4σ band) and by the slow re-measurement.
 *
 * @example
 * ```ts
 * import { HW_MEASURED } from "./measured.ts";
 * if (!(HW_MEASURED.gammaN.mean > 0)) throw new Error("outward flux");
 * ```
 * @module
 */

/** One measured quantity: mean, std over time, standard error of the mean, number of blocks. */
export interface MeasuredValue {
  readonly mean: number;
  readonly std: number;
  readonly stderr: number;
  readonly blocks: number;
}

/** Saturated state of the suite's physics at 128² (seed 1, t = 300…700). */
export const HW_MEASURED = {
  gammaN: { mean: 0.753979, std: 0.0720028, stderr: 0.0114316, blocks: 16 },
  gammaC: { mean: 0.694119, std: 0.0605621, stderr: 0.0107762, blocks: 16 },
  energy: { mean: 5.5502, std: 0.456988, stderr: 0.106735, blocks: 16 },
  enstrophy: { mean: 12.1582, std: 0.819979, stderr: 0.188835, blocks: 16 },
  samples: 400,
  source: "statistics.ts 700 300 1: 128², ν = 5e-5, h = 0.05, unmodified coupling, t = 300…700",
} as const satisfies Record<"gammaN" | "gammaC" | "energy" | "enstrophy", MeasuredValue> & {
  samples: number;
  source: string;
};

/** A published saturated-state value set (hw2d README table; c₁ = 1, k₀ = 0.15). */
export interface PublishedHW {
  readonly source: string;
  readonly gammaN: number;
  readonly energy: number;
  readonly gammaC?: number;
  readonly enstrophy?: number;
}

/**
 * Published values the data card compares with: hw2d's own 512² reference (Δt = 0.025,
 * ν = 5·10⁻⁸, 25 runs, t = 300…1000) and the literature values its README lists.
 */
export const HW_PUBLISHED: readonly PublishedHW[] = [
  { source: "hw2d 512² (README)", gammaN: 0.60, gammaC: 0.60, energy: 3.78, enstrophy: 13.2 },
  { source: "Stegmeir (GRILLIX), as listed by hw2d", gammaN: 0.64, energy: 3.97 },
  {
    source: "Camargo, Biskamp & Scott 1995",
    gammaN: 0.73,
    gammaC: 0.72,
    energy: 4.4,
    enstrophy: 12.8,
  },
  { source: "Hasegawa–Wakatani, as listed by hw2d", gammaN: 0.61, energy: 3.82 },
  { source: "Zeiler, as listed by hw2d", gammaN: 0.8, energy: 6.1 },
];

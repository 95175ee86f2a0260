/**
 * Stability rate (SPEC §4): the reference defines μ_E, σ_E from a long run at statistical steady
 * state (`Suite.energyStats`); a rollout is stable up to horizon H while every predicted step's
 * energy is finite and inside the band `[μ_E − kσ_E, μ_E + kσ_E]` (k = 5). The rate is
 * stable ICs / ICs with a Wilson 95% interval, and the first-exit step of every IC is reported so
 * its distribution can be drawn.
 *
 * Which steps are checked: the model's own predictions, steps `s₀..H` (s₀ = the first predicted
 * step, the model's history k; the IC and the history window come from the reference and are
 * not the model's doing). A NaN/Inf anywhere in a predicted state (the rollout's divergence
 * step) counts as an exit at that step, as does a non-finite or missing energy.
 *
 * Rows ({@link stabilityRows}; field `"*"`, no step):
 * - `stability_rate`: `value` = stable ICs / ICs, `n` = ICs, `reduction: "wilson_95"` (what
 *   `harness/results/gate.ts` reads);
 * - `stability_rate_lower`, `stability_rate_upper`: the Wilson 95% bounds, same `n` and
 *   reduction (a {@link ResultRow} holds one number);
 * - `energy_band_lower`, `energy_band_upper`: `μ_E ∓ kσ_E`, `reduction: "reference_steady_state"`,
 *   for reports drawing the band under the energy curves;
 * - `first_exit_step` per IC (`ic` set, `reduction: "first_exit"`): the first step out of the
 *   band, or `null` when the IC stayed inside up to the horizon (here `null` means "never
 *   exited", not "missing").
 *
 * @example
 * ```ts
 * import { energyBand, firstExitStep } from "./stability.ts";
 * const band = energyBand({ mean: 1, std: 0.1 }); // [0.5, 1.5]
 * const exit = firstExitStep([1, 1.2, 1.4, 1.6, 1.0], band); // step 3 is the first outside
 * if (band.lower !== 0.5 || exit !== 3) throw new Error(`${band.lower} ${exit}`);
 * ```
 * @module
 */
import { type CatalogueSection, metricInfo } from "./metric_info.ts";
import type { ResultRow } from "./rows.ts";
import { wilson } from "./intervals.ts";
import {
  builtTracker,
  derivedTracker,
  type Tracker,
  type TrackerContext,
  type TrackerFamily,
} from "./tracker.ts";

/** Default band half-width in standard deviations (SPEC §4: μ_E ± 5σ_E). */
export const BAND_SIGMAS = 5;

/** The admissible energy interval `[lower, upper]`. */
export interface EnergyBand {
  readonly lower: number;
  readonly upper: number;
}

/**
 * `[μ − kσ, μ + kσ]` from steady-state statistics. Throws `RangeError` unless `mean` is finite,
 * `std` finite and ≥ 0, and `k` finite and > 0.
 *
 * @example
 * ```ts
 * import { energyBand } from "./stability.ts";
 * const b = energyBand({ mean: 2, std: 0.25 }, 4);
 * if (b.lower !== 1 || b.upper !== 3) throw new Error(JSON.stringify(b));
 * ```
 */
export function energyBand(
  stats: { readonly mean: number; readonly std: number },
  k = BAND_SIGMAS,
): EnergyBand {
  const { mean, std } = stats;
  const bad = (field: string, expected: string, found: number) =>
    new RangeError(`Cannot build an energy band: ${field}: expected ${expected}, found ${found}`);
  if (!Number.isFinite(mean)) throw bad("mean", "a finite number", mean);
  if (!Number.isFinite(std) || std < 0) throw bad("std", "a finite number ≥ 0", std);
  if (!Number.isFinite(k) || k <= 0) throw bad("k", "a finite number > 0", k);
  return { lower: mean - k * std, upper: mean + k * std };
}

/** Options of {@link firstExitStep}. */
export interface FirstExitOptions {
  /** First step checked, s₀ (default 1). Steps before it are not the model's and are skipped. */
  readonly firstStep?: number;
  /** Last step checked, the horizon H (default: the last index of the series). */
  readonly horizon?: number;
  /** Step at which the state went non-finite (the rollout's divergence), or null/undefined. */
  readonly divergedAt?: number | null;
}

/**
 * First step `s` in `s₀..H` whose energy `energies[s]` (index = step) is not finite, is `null`,
 * or lies outside `band` (strictly below `lower` or above `upper`), or the divergence step if
 * that comes first; `null` when the IC stayed inside the band through step H. Throws
 * `RangeError` when `s₀ < 0`, `H` is past the series, or `s₀ > H`.
 *
 * @example
 * ```ts
 * import { firstExitStep } from "./stability.ts";
 * const band = { lower: 0, upper: 10 };
 * if (firstExitStep([5, 5, NaN, 5], band) !== 2) throw new Error("NaN is an exit");
 * if (firstExitStep([5, 5, 5, 5], band, { divergedAt: 3 }) !== 3) throw new Error("divergence");
 * if (firstExitStep([50, 5, 5], band) !== null) throw new Error("step 0 is not checked");
 * ```
 */
export function firstExitStep(
  energies: ArrayLike<number | null>,
  band: EnergyBand,
  options: FirstExitOptions = {},
): number | null {
  const s0 = options.firstStep ?? 1;
  const h = options.horizon ?? energies.length - 1;
  if (!Number.isInteger(s0) || s0 < 0 || !Number.isInteger(h) || h >= energies.length || s0 > h) {
    throw new RangeError(
      `Cannot find the first exit step: expected integer steps 0 ≤ firstStep ≤ horizon < ` +
        `${energies.length} (the series length), found firstStep ${s0}, horizon ${h}`,
    );
  }
  const d = options.divergedAt ?? null;
  const last = d !== null && d <= h ? d - 1 : h;
  for (let s = s0; s <= last; s++) {
    const e = energies[s];
    if (e === null || !Number.isFinite(e) || e < band.lower || e > band.upper) return s;
  }
  return d !== null && d <= h ? Math.max(d, s0) : null;
}

/** Stable count, rate and Wilson interval over ICs. */
export interface StabilityRate {
  /** ICs that never left the band up to the horizon. */
  readonly stable: number;
  /** ICs. */
  readonly ics: number;
  /** `stable / ics`. */
  readonly rate: number;
  /** Wilson bounds at `z` (95% for 1.96). */
  readonly lower: number;
  readonly upper: number;
}

/**
 * Rate of ICs with no exit (`firstExits[i] === null`) and its Wilson interval
 * (`metrics/intervals.ts`). Throws `RangeError` on an empty list.
 *
 * @example
 * ```ts
 * import { stabilityRate } from "./stability.ts";
 * const r = stabilityRate([null, 40, null, null]); // 3 of 4 stable
 * if (r.rate !== 0.75 || r.stable !== 3 || !(r.lower < 0.75 && r.upper > 0.75)) throw new Error();
 * ```
 */
export function stabilityRate(firstExits: readonly (number | null)[], z = 1.96): StabilityRate {
  if (firstExits.length === 0) {
    throw new RangeError("Cannot compute a stability rate: expected at least one IC, found none");
  }
  const stable = firstExits.filter((s) => s === null).length;
  const { estimate, lower, upper } = wilson(stable, firstExits.length, z);
  return { stable, ics: firstExits.length, rate: estimate, lower, upper };
}

/**
 * The rows of the module documentation from per-IC first exits (index = IC) and the band.
 *
 * @example
 * ```ts
 * import { stabilityRows } from "./stability.ts";
 * const rows = stabilityRows([null, 7], { lower: 0, upper: 2 });
 * const rate = rows.find((r) => r.metric === "stability_rate");
 * const exit1 = rows.find((r) => r.metric === "first_exit_step" && r.ic === 1);
 * if (rate?.value !== 0.5 || rate.n !== 2 || exit1?.value !== 7) throw new Error();
 * ```
 */
export function stabilityRows(
  firstExits: readonly (number | null)[],
  band: EnergyBand,
  z = 1.96,
): ResultRow[] {
  const r = stabilityRate(firstExits, z);
  const n = r.ics, reduction = z === 1.96 ? "wilson_95" : `wilson_z${z}`;
  return [
    { metric: "stability_rate", field: "*", value: r.rate, n, reduction },
    { metric: "stability_rate_lower", field: "*", value: r.lower, n, reduction },
    { metric: "stability_rate_upper", field: "*", value: r.upper, n, reduction },
    {
      metric: "energy_band_lower",
      field: "*",
      value: band.lower,
      reduction: "reference_steady_state",
    },
    {
      metric: "energy_band_upper",
      field: "*",
      value: band.upper,
      reduction: "reference_steady_state",
    },
    ...firstExits.map((s, ic): ResultRow => ({
      metric: "first_exit_step",
      field: "*",
      ic,
      value: s,
      reduction: "first_exit",
    })),
  ];
}

/** What {@link stabilityRowsFromEnergies} reads: per-IC predicted energies and divergence. */
export interface EnergySource {
  /** Energies of IC `ic` at steps 0..H (`null` where missing or at/after divergence). */
  energySeries(ic: number): { pred: (number | null)[] };
  /** Per-IC first non-finite step, or null. */
  divergence(): { ic: number; step: number | null }[];
}

/**
 * {@link stabilityRows} for a scored rollout (`metrics/scorer.ts` `RolloutScorer` is an
 * {@link EnergySource}): per IC, the first exit of its predicted energies over steps `s₀..H`
 * (H = the series' last step), divergence counting as an exit.
 *
 * @example
 * ```ts
 * import { stabilityRowsFromEnergies } from "./stability.ts";
 * const source = {
 *   energySeries: (ic: number) => ({ pred: ic === 0 ? [1, 1, 1] : [1, 1, null] }),
 *   divergence: () => [{ ic: 0, step: null }, { ic: 1, step: 2 }],
 * };
 * const rows = stabilityRowsFromEnergies(source, { mean: 1, std: 0.1 }, 1);
 * if (rows.find((r) => r.metric === "stability_rate")?.value !== 0.5) throw new Error();
 * ```
 */
export function stabilityRowsFromEnergies(
  source: EnergySource,
  stats: { readonly mean: number; readonly std: number },
  firstStep: number,
): ResultRow[] {
  const band = energyBand(stats);
  const exits = source.divergence().map(({ ic, step }) =>
    firstExitStep(source.energySeries(ic).pred, band, { firstStep, divergedAt: step })
  );
  return stabilityRows(exits, band);
}

/**
 * The ids of the stability family (rate, its interval, the energy band, exits, time statistics).
 *
 * @example
 * ```ts
 * import { STABILITY_CATALOGUE } from "./stability.ts";
 * if (STABILITY_CATALOGUE.exact?.stability_rate.direction !== "higher") throw new Error();
 * ```
 */
export const STABILITY_CATALOGUE: CatalogueSection = {
  exact: {
    stability_rate: metricInfo(
      "higher",
      "stability rate",
      "1",
      "stability",
      "share of ICs whose energy stays finite and within the suite's band to the horizon",
    ),
    stability_rate_lower: metricInfo(
      "higher",
      "stability rate (interval lower bound)",
      "1",
      "stability",
      "lower end of the Wilson 95% interval of the stability rate",
    ),
    stability_rate_upper: metricInfo(
      "higher",
      "stability rate (interval upper bound)",
      "1",
      "stability",
      "upper end of the Wilson 95% interval of the stability rate",
    ),
    energy_band_lower: metricInfo(
      "none",
      "energy band (lower edge)",
      "suite energy",
      "stability",
      "μ_E − 5σ_E of the reference at steady state",
    ),
    energy_band_upper: metricInfo(
      "none",
      "energy band (upper edge)",
      "suite energy",
      "stability",
      "μ_E + 5σ_E of the reference at steady state",
    ),
    first_exit_step: metricInfo(
      "higher",
      "first exit step",
      "steps",
      "stability",
      "step at which an IC's energy first left the band (null: never)",
    ),
    energy_time_mean: metricInfo(
      "none",
      "time-mean energy",
      "suite energy",
      "stability",
      "mean of the energy over the steps before the IC left the band",
    ),
    energy_time_std: metricInfo(
      "none",
      "energy standard deviation over time",
      "suite energy",
      "stability",
      "standard deviation of the energy over the steps before the IC left the band",
    ),
  },
};

/**
 * The stability rate at the run's horizon (SPEC §4) as a derived family: rows from the scorer's
 * energies ({@link stabilityRowsFromEnergies}), for suites with steady-state `energyStats`.
 *
 * @example
 * ```ts
 * import { STABILITY_FAMILY } from "./stability.ts";
 * const suite = { id: "toy", fields: ["u"], energy: () => 1 };
 * const ctx = { suite, pointsPerField: 2, ics: 1, steps: 1, firstStep: 1, summarySteps: [], seed: 0 };
 * if (STABILITY_FAMILY.applies(ctx).has) throw new Error("no energyStats, no rate");
 * ```
 */
export const STABILITY_FAMILY: TrackerFamily = {
  key: "stability",
  catalogue: STABILITY_CATALOGUE,
  derived: true,
  applies: ({ suite }: TrackerContext) =>
    suite.energyStats
      ? { has: true, because: `suite ${suite.id} has steady-state energy statistics` }
      : { has: false, because: `suite ${suite.id} has no steady-state energy statistics` },
  build(ctx: TrackerContext, from): Tracker {
    const energies = builtTracker<EnergySource>(
      from.built,
      "scorer",
      ["energySeries", "divergence"],
      "stability",
    );
    const stats = ctx.suite.energyStats!;
    return derivedTracker(() => stabilityRowsFromEnergies(energies, stats, ctx.firstStep));
  },
};

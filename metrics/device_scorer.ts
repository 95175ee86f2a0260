/**
 * The scorer of a run whose per-step reductions ran on the device (`emubench run --reductions
 * device`, `harness/model/device_metrics.ts`): instead of two states per IC and step it receives
 * the moments of `harness/onnx/moments_graph.ts` (and, where the suite has an energy graph, the
 * energies of prediction and reference) and turns them into the same metric ids, reductions and
 * row layout as `metrics/scorer.ts` — by filling a {@link ScorerState} and letting
 * `RolloutScorer.fromStates` emit the rows, so curves, quartiles, per-IC summaries and geometric
 * means come from the one implementation.
 *
 * From the moments of one field over X points ({@link metricsFromMoments}):
 *
 * ```
 * mse = sse / X                     nrmse = √(sse / sref)   (0 / 0 → 0, e / 0 → ∞)
 * μ_d = sd / X     σₚ = √(spp / X)     σᵧ = √(syy / X)     Δσ = (sds / X) / (σₚ + σᵧ)
 * dissipation = Δσ² + μ_d²          dispersion = (σᵧ / σₚ) · srr / X   (0 when σₚ or σᵧ is 0)
 * ```
 *
 * which are `mse`, `nrmse` (`pointwise.ts`) and `mseSplit` (`split.ts`) with the sums taken on
 * the device in float32. Not computed here: `spectrum_error` and its bands (they need the
 * spectrum of every state); `energy_*` rows only with device energies. The spectra
 * `spectrum_pred`/`spectrum_ref` at summary steps come from full states the rollout reads back
 * there ({@link DeviceScorer.observe}), computed on the host exactly as the scorer does.
 *
 * @example
 * ```ts
 * import { metricsFromMoments } from "./device_scorer.ts";
 * // p = r + 1 on 4 points, r = [1, -1, 1, -1]: sse 4, sref 4, spp = syy = 4, sds 0, sd 4, srr 0.
 * const m = metricsFromMoments([4, 4, 4, 4, 0, 4, 0], 0, 4);
 * if (m.mse !== 1 || m.nrmse !== 1 || m.dissipation !== 1 || m.dispersion !== 0) throw new Error();
 * ```
 * @module
 */
import { ValueRangeError } from "../harness/core/errors.ts";
import { RolloutScorer, type ScorerOptions, type ScorerState } from "./scorer.ts";
import { bytesToBase64, f64ToBase64 } from "./state_codec.ts";
import { spectrum1d } from "./spectrum.ts";
import type { ResultRow } from "./rows.ts";
import type { Tracker } from "./tracker.ts";

/** Moments per field in the device output (`harness/onnx/moments_graph.ts` `MOMENTS`). */
export const MOMENTS_PER_FIELD = 7;
/** Their names, in order (`MOMENTS` of the moments graph). */
const MOMENT_NAMES = ["sse", "sref", "spp", "syy", "sds", "sd", "srr"] as const;

/** The pointwise metrics of one field from its moments. */
export interface MomentMetrics {
  mse: number;
  nrmse: number;
  dissipation: number;
  dispersion: number;
}

/**
 * The metrics of one field from the 7 moments `m[at..at + 7)` (`sse, sref, spp, syy, sds, sd,
 * srr`) over `points` grid points (formulas in the module documentation). NaN moments give NaN
 * metrics.
 */
export function metricsFromMoments(
  m: ArrayLike<number>,
  at: number,
  points: number,
): MomentMetrics {
  const [sse, sref, spp, syy, sds, sd, srr] = Array.from(
    { length: MOMENTS_PER_FIELD },
    (_, i) => m[at + i],
  );
  const mse = sse / points;
  const nrmse = sref > 0 || Number.isNaN(sref)
    ? Math.sqrt(sse / sref)
    : Number.isNaN(sse)
    ? NaN
    : sse === 0
    ? 0
    : Infinity;
  const md = sd / points;
  const sigmaP = Math.sqrt(spp / points), sigmaY = Math.sqrt(syy / points);
  const sigmaSum = sigmaP + sigmaY;
  const dSigma = sigmaSum > 0 ? sds / points / sigmaSum : 0;
  const dissipation = dSigma * dSigma + md * md;
  const dispersion = sigmaP > 0 && sigmaY > 0
    ? ((sigmaY / sigmaP) * srr) / points
    : Number.isNaN(sse)
    ? NaN
    : 0;
  return { mse, nrmse, dissipation, dispersion };
}

/**
 * Throws `ValueRangeError` when a moment of a finite state is not finite (float32 overflow):
 * every one but `srr`, and `srr` too where `spp` and `syy` are both positive.
 */
function checkMoments(m: ArrayLike<number>, at: number, where: () => string): void {
  const spp = m[at + 2], syy = m[at + 3];
  for (let i = 0; i < MOMENTS_PER_FIELD; i++) {
    const v = m[at + i];
    if (Number.isFinite(v) || (i === MOMENTS_PER_FIELD - 1 && !(spp > 0 && syy > 0))) continue;
    throw new ValueRangeError({
      field: "--reductions",
      expected: "host for this run (float32 sums on the device overflow for its states)",
      found: `device, and the finite state of ${where()} gave ${MOMENT_NAMES[i]} = ${v}`,
    });
  }
}

/** Metric ids the device scorer never emits: they need the spectrum of every state. */
export const SPECTRUM_ERROR_IDS: readonly string[] = [
  "spectrum_error",
  "spectrum_error_low",
  "spectrum_error_mid",
  "spectrum_error_high",
];

/** Metric ids that need the energy of every state (device energies). */
export const ENERGY_IDS: readonly string[] = ["energy_pred", "energy_ref", "energy_error"];

/**
 * The {@link Tracker} of a device-reductions run (module documentation). Call
 * {@link DeviceScorer.observeInitial} per IC, {@link DeviceScorer.observeMoments} per IC and
 * step, {@link DeviceScorer.observe} at summary steps (full states, for the spectra), and
 * {@link DeviceScorer.diverged}; `rows()` gives the scorer's rows for the ids it computes.
 *
 * @example
 * ```ts
 * import { DeviceScorer } from "./device_scorer.ts";
 * import { halfMeanSquare } from "./energy.ts";
 * const s = new DeviceScorer({
 *   fields: ["u"], pointsPerField: 4, ics: 1, steps: 1, summarySteps: [], energy: halfMeanSquare,
 * }, { energy: false });
 * s.observeInitial(0, new Float32Array([1, -1, 1, -1]));
 * s.observeMoments(0, 1, new Float32Array([1, 4, 4, 4, 0, 2, 0])); // pred = ref + ½
 * const mse = s.rows().find((r) => r.metric === "mse" && r.reduction === "mean_over_ics");
 * if (mse?.value !== 0.25) throw new Error(JSON.stringify(mse));
 * ```
 */
export class DeviceScorer implements Tracker {
  readonly #options: ScorerOptions;
  readonly #energy: boolean;
  readonly #header: ScorerState;
  readonly #values: Float64Array;
  readonly #observed: Uint8Array;
  readonly #observedInitial: Uint8Array;
  readonly #energyPred: Float64Array;
  readonly #energyRef: Float64Array;
  readonly #divergedAt: (number | null)[];
  readonly #spectraPred: Float64Array;
  readonly #spectraRef: Float64Array;
  readonly #slot: Map<number, number>;
  /** Per-step metric slots of a state's `values` entry, and where mse … dispersion go. */
  readonly #slots: number;
  readonly #at: readonly number[];
  #seconds = 0;
  #built: RolloutScorer | undefined;

  /**
   * A scorer for `options` (as `RolloutScorer` takes them); `energy`: whether energies of every
   * step arrive with the moments (else no `energy_*` rows).
   */
  constructor(options: ScorerOptions, o: { energy: boolean }) {
    this.#options = options;
    this.#energy = o.energy;
    // The header (normalised summary steps, shells) of the scorer these numbers will fill.
    this.#header = new RolloutScorer(options).toState([]);
    const { ics: n, steps: t, fields } = options;
    const c = fields.length, nS = this.#header.summarySteps.length, k = this.#header.shells;
    this.#slots = this.#header.metrics.length;
    this.#at = ["mse", "nrmse", "dissipation", "dispersion"].map((id) => {
      const i = this.#header.metrics.indexOf(id);
      if (i < 0) throw new TypeError(`Cannot build a device scorer: the scorer has no ${id}`);
      return i;
    });
    this.#values = new Float64Array(n * t * c * this.#slots).fill(NaN);
    this.#observed = new Uint8Array(n * t);
    this.#observedInitial = new Uint8Array(n);
    this.#energyPred = new Float64Array(n * (t + 1));
    this.#energyRef = new Float64Array(n * (t + 1));
    this.#divergedAt = new Array(n).fill(null);
    this.#spectraPred = new Float64Array(n * nS * c * k);
    this.#spectraRef = new Float64Array(n * nS * c * k);
    this.#slot = new Map(this.#header.summarySteps.map((s, i) => [s, i]));
  }

  /** Seconds spent in the observe calls. */
  get seconds(): number {
    return this.#seconds;
  }

  /** Step 0: the IC's energy (host, float64, as the scorer computes it). */
  observeInitial(ic: number, state: Float32Array): void {
    const t0 = performance.now();
    this.#built = undefined;
    this.#observedInitial[ic] = 1;
    if (this.#energy) {
      const e = this.#options.energy(state), at = ic * (this.#options.steps + 1);
      this.#energyPred[at] = e;
      this.#energyRef[at] = e;
    }
    this.#seconds += (performance.now() - t0) / 1000;
  }

  /**
   * IC `ic` at `step`: `moments` holds the 7 moments of each field (`[C·7]`), `energies` the
   * energies of prediction and reference (with `energy: true`). The rollout calls it only for
   * finite states within the bound, so a non-finite moment (other than `srr` where σₚ or σᵧ is
   * 0) or energy is a float32 sum that overflowed where the host's float64 one would not: that throws
   * `ValueRangeError` (field `--reductions`) rather than leave the IC out of the means as if its
   * metric were undefined.
   */
  observeMoments(
    ic: number,
    step: number,
    moments: ArrayLike<number>,
    energies?: readonly [number, number],
  ): void {
    const t0 = performance.now();
    this.#built = undefined;
    const { steps: t, fields, pointsPerField: x } = this.#options, c = fields.length;
    if (!Number.isInteger(step) || step < 1 || step > t) {
      throw new RangeError(`Cannot observe moments of IC ${ic}: step ${step} outside 1..${t}`);
    }
    if (moments.length !== c * MOMENTS_PER_FIELD) {
      throw new TypeError(
        `Cannot observe moments of IC ${ic} at step ${step}: expected ${
          c * MOMENTS_PER_FIELD
        } values (${c} fields × ${MOMENTS_PER_FIELD}), found ${moments.length}`,
      );
    }
    for (let f = 0; f < c; f++) {
      checkMoments(moments, f * MOMENTS_PER_FIELD, () => `IC ${ic}, step ${step}, ${fields[f]}`);
      const m = metricsFromMoments(moments, f * MOMENTS_PER_FIELD, x);
      const at = ((ic * t + step - 1) * c + f) * this.#slots;
      [m.mse, m.nrmse, m.dissipation, m.dispersion].forEach((v, j) => {
        this.#values[at + this.#at[j]] = v;
      });
    }
    if (this.#energy) {
      if (!energies) {
        throw new TypeError(`Cannot observe moments of IC ${ic} at step ${step}: no energies`);
      }
      energies.forEach((e, j) => {
        // As the host scorer demands a finite energy of a finite state; float32 can overflow.
        if (!Number.isFinite(e)) {
          throw new ValueRangeError({
            field: "--reductions",
            expected: "host for this run (float32 sums on the device overflow for its states)",
            found: `device, and the finite state of IC ${ic}, step ${step} gave the ${
              j === 0 ? "prediction" : "reference"
            } energy ${e}`,
          });
        }
      });
      this.#energyPred[ic * (t + 1) + step] = energies[0];
      this.#energyRef[ic * (t + 1) + step] = energies[1];
    }
    this.#observed[ic * t + step - 1] = 1;
    this.#seconds += (performance.now() - t0) / 1000;
  }

  /** Full states at a summary step: their spectra (other steps are ignored). */
  observe(ic: number, step: number, pred: Float32Array, ref: Float32Array): void {
    const slot = this.#slot.get(step);
    if (slot === undefined) return;
    const t0 = performance.now();
    this.#built = undefined;
    const { fields, pointsPerField: x } = this.#options, c = fields.length;
    const k = this.#header.shells, nS = this.#header.summarySteps.length;
    const spectrum = this.#options.spectrum ?? spectrum1d;
    for (let f = 0; f < c; f++) {
      const at = ((ic * nS + slot) * c + f) * k;
      this.#spectraPred.set(spectrum(pred.subarray(f * x, (f + 1) * x)), at);
      this.#spectraRef.set(spectrum(ref.subarray(f * x, (f + 1) * x)), at);
    }
    this.#seconds += (performance.now() - t0) / 1000;
  }

  /** IC `ic` diverged at `step` (the earlier step is kept). */
  diverged(ic: number, step: number): void {
    this.#built = undefined;
    const d = this.#divergedAt[ic];
    this.#divergedAt[ic] = d === null ? step : Math.min(d, step);
  }

  /** The scorer's rows for the ids computed here (module documentation). */
  rows(): ResultRow[] {
    const drop = new Set([...SPECTRUM_ERROR_IDS, ...(this.#energy ? [] : ENERGY_IDS)]);
    return this.#scorer().rows().filter((r) => !drop.has(r.metric));
  }

  /** Energies of IC `ic` (for the stability rate; only meaningful with energies). */
  energySeries(ic: number): { pred: (number | null)[]; ref: (number | null)[] } {
    return this.#scorer().energySeries(ic);
  }

  /** Per-IC first diverged step. */
  divergence(): { ic: number; step: number | null }[] {
    return this.#scorer().divergence();
  }

  /** The `RolloutScorer` holding these numbers (rebuilt after new observations). */
  #scorer(): RolloutScorer {
    if (this.#built) return this.#built;
    const n = this.#options.ics;
    const state: ScorerState = {
      ...this.#header,
      covered: Array.from({ length: n }, (_, i) => i),
      divergedAt: [...this.#divergedAt],
      values: f64ToBase64(this.#values),
      observed: bytesToBase64(this.#observed),
      observedInitial: bytesToBase64(this.#observedInitial),
      energyPred: f64ToBase64(this.#energyPred),
      energyRef: f64ToBase64(this.#energyRef),
      spectraPred: f64ToBase64(this.#spectraPred),
      spectraRef: f64ToBase64(this.#spectraRef),
      seconds: this.#seconds,
    };
    this.#built = RolloutScorer.fromStates(this.#options, [state]);
    return this.#built;
  }
}

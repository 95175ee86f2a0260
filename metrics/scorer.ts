/**
 * Streaming scorer: the rollout engine hands it one IC's prediction and reference at each step;
 * it keeps per-IC scalars only and turns them into tidy rows at the end (SPEC §4, §5).
 *
 * Memory: per (IC, step, field) it stores 8 float64 scalars (mse, nrmse, dissipation,
 * dispersion, spectrum error and its three bands), per (IC, step) one observed flag and two
 * energies, and per (IC, summary step, field) the two spectra (`K` shells each). That is
 * `O(N·T·C + N·S·C·K)` numbers; fields themselves are never kept, so memory does not grow with
 * the horizon beyond the curves.
 *
 * Rows emitted by {@link RolloutScorer.rows} (`n` = ICs averaged, `null` with `n: 0` where none
 * contributes; an IC contributes at step s when it was observed at s and had not diverged at a
 * step ≤ s):
 *
 * - `mse`, `nrmse`, `dissipation`, `dispersion`, `spectrum_error` per field and step 1..T,
 *   `reduction: "mean_over_ics"`: mean over ICs of the per-IC value. `spectrum_error` compares
 *   the `spectrum` of pred and ref with the `spectrumErrorBands` defaults (shells 1..K−1, or
 *   1..`spectrumKMax`, floor
 *   `1e-14` of the reference field's energy).
 * - `spectrum_error_low`, `_mid`, `_high`: the same per log band (`spectrumErrorBands`); a band
 *   with no shell on this grid gets no rows.
 * - `rmse` per field and step, `reduction: "mean_over_ics_then_sqrt"`: `√(mean over ICs of mse)`
 *   (WeatherBench 2 style, the square root after averaging), so `rmse² = mse` row by row.
 * - `energy_error`, field `"*"`, steps 1..T, `"mean_over_ics"`: mean over ICs of |Eₚ − Eᵧ| / Eᵧ
 *   (ICs with Eᵧ = 0 left out, `n` says how many remain).
 * - `energy_pred`, `energy_ref`, field `"*"`, steps 0..T, `"mean_over_ics"`: mean energy of the
 *   whole state (step 0: the IC energy for both).
 * - Every curve row above (per-step `mean_over_ics` and `rmse`, `energy_error`, not the energies)
 *   with `n ≥ 1` also carries `q25` and `q75`: the quartiles of the same `n` per-IC values
 *   (type 7; for `rmse` of the per-IC √mse), the spread across ICs that reports draw as a band.
 * - `mse`, `nrmse` per field, summary step and IC (`ic` set, no reduction): the per-IC value,
 *   `null` once the IC diverged.
 * - `mse`, `nrmse` per field and IC (no step), `"geomean_over_steps"`:
 *   `exp(mean over steps s₀..T of ln value)` with s₀ = `firstStep` (default 1; a history-k
 *   model's first prediction is step k, steps before it come from the reference and are not
 *   scored), only for ICs observed at every step s₀..T that never diverged; and per field
 *   `"geomean_over_steps_then_mean_over_ics"`: their mean over ICs.
 * - `spectrum_pred`, `spectrum_ref` per field, summary step and shell `k`, `"mean_over_ics"`:
 *   mean shell energy.
 *
 * `nrmse` is undefined (`Infinity` from `pointwise.nrmse`) where a reference field is
 * identically zero; such an IC is left out of that nrmse mean (and `n` says so), its per-IC rows
 * are `null`, and so is its nrmse geometric mean.
 *
 * @example
 * ```ts
 * import { RolloutScorer } from "./scorer.ts";
 * import { halfMeanSquare } from "./energy.ts";
 * const scorer = new RolloutScorer({
 *   fields: ["u"], pointsPerField: 4, ics: 1, steps: 1, summarySteps: [1], energy: halfMeanSquare,
 * });
 * const ref = new Float32Array([1, -1, 1, -1]);
 * scorer.observeInitial(0, ref);
 * scorer.observe(0, 1, ref.map((v) => v + 0.5), ref); // pred = ref + ½
 * const mse = scorer.rows().find((r) => r.metric === "mse" && r.reduction === "mean_over_ics");
 * if (mse?.value !== 0.25 || mse.n !== 1) throw new Error(JSON.stringify(mse));
 * ```
 * @module
 */
import { type CatalogueSection, metricInfo } from "./metric_info.ts";
import {
  base64ToBytes,
  base64ToF64,
  bytesToBase64,
  checkCoverage,
  f64ToBase64,
} from "./state_codec.ts";
import type { ResultRow } from "./rows.ts";
import { nrmseOfSums } from "./pointwise.ts";
import { quartileFieldsSorting } from "./bootstrap.ts";
import { mseSplit } from "./split.ts";
import { spectrum1d, spectrum1dInto, spectrumErrorBands } from "./spectrum.ts";
import { PreparedSteps } from "./prepared_steps.ts";
import type { ReferenceFeatures, TrackerContext, TrackerFamily } from "./tracker.ts";

/** What the scorer is scoring: shapes, horizon, and the suite's derived quantities. */
export interface ScorerOptions {
  /** Channel names, `C = fields.length`. */
  readonly fields: readonly string[];
  /** Points per field, `X ≥ 2` (a state is `C·X` values, channel-major). */
  readonly pointsPerField: number;
  /** Number of ICs, `N`. */
  readonly ics: number;
  /** Horizon in model steps, `T`. */
  readonly steps: number;
  /** Steps at which per-IC rows and spectra are emitted (outside 1..T are dropped). */
  readonly summarySteps: readonly number[];
  /** Energy of one whole state `[C·X]`. */
  readonly energy: (state: Float32Array | Float64Array) => number;
  /** Shell spectrum of one field (default `spectrum1d`, which needs a power-of-two `X`). */
  readonly spectrum?: (field: Float32Array | Float64Array) => Float64Array;
  /** Last shell scored by `spectrum_error` and its bands (default K − 1, every shell). */
  readonly spectrumKMax?: number;
  /**
   * First predicted step s₀ in 1..T (default 1): a model with `history = k` predicts from step
   * k on, its steps 1..k−1 being reference states. Geometric means run over s₀..T; curves at
   * steps < s₀ are null with `n: 0` (nothing was predicted there).
   */
  readonly firstStep?: number;
}

/** Per-step metric ids in storage order. */
const STEP_METRICS = [
  "mse",
  "nrmse",
  "dissipation",
  "dispersion",
  "spectrum_error",
  "spectrum_error_low",
  "spectrum_error_mid",
  "spectrum_error_high",
] as const;
const M = STEP_METRICS.length;
const MSE = 0, NRMSE = 1, DISSIPATION = 2, DISPERSION = 3, SPEC = 4, LOW = 5, MID = 6, HIGH = 7;

/** Schema tag of a {@link ScorerState}. */
export const SCORER_STATE_SCHEMA = "emubench.scorer-state/1";

/**
 * Everything a {@link RolloutScorer} stored for some of its ICs, as plain JSON: the header says
 * which scorer it belongs to, `covered` lists the ICs (ascending) and the arrays hold their
 * values in that order. Float arrays are little-endian float64 bytes in base64 (NaN and ±Infinity
 * survive, every bit is kept); flags are bytes (0/1) in base64. Made by
 * {@link RolloutScorer.toState}, combined by {@link RolloutScorer.fromStates}.
 */
export interface ScorerState {
  schema: typeof SCORER_STATE_SCHEMA;
  /** Header: must equal the merging scorer's options. */
  fields: string[];
  pointsPerField: number;
  /** ICs of the whole run (N), not of this state. */
  ics: number;
  steps: number;
  /** Summary steps after normalisation (unique, sorted, within 1..T). */
  summarySteps: number[];
  /** Shells per spectrum (K). */
  shells: number;
  /** First predicted step s₀ (`ScorerOptions.firstStep`). */
  firstStep: number;
  /** Per-step metric ids in storage order. */
  metrics: string[];
  /** IC indices held, ascending. */
  covered: number[];
  /** Per covered IC: first diverged step, or null. */
  divergedAt: (number | null)[];
  /** `[covered, T, C, M]` float64 per-step metrics. */
  values: string;
  /** `[covered, T]` bytes: 1 once observed. */
  observed: string;
  /** `[covered]` bytes: 1 once the IC energy is recorded. */
  observedInitial: string;
  /** `[covered, T + 1]` float64 energies. */
  energyPred: string;
  energyRef: string;
  /** `[covered, S, C, K]` float64 spectra at summary steps. */
  spectraPred: string;
  spectraRef: string;
  /** Seconds spent scoring these ICs' share (see {@link RolloutScorer.seconds}). */
  seconds: number;
}

/** The part of a {@link ScorerState} that says which scorer it belongs to. */
type ScorerStateHeader = Pick<
  ScorerState,
  | "fields"
  | "pointsPerField"
  | "ics"
  | "steps"
  | "summarySteps"
  | "shells"
  | "firstStep"
  | "metrics"
>;

/**
 * Streaming accumulator of rollout metrics: call {@link RolloutScorer.observeInitial} once per
 * IC, {@link RolloutScorer.observe} per IC and step (any order), {@link RolloutScorer.diverged}
 * at an IC's first non-finite output, then {@link RolloutScorer.rows}. The row catalogue is in
 * the module documentation.
 *
 * @example
 * ```ts
 * import { RolloutScorer } from "./scorer.ts";
 * import { halfMeanSquare } from "./energy.ts";
 * const s = new RolloutScorer({
 *   fields: ["u"], pointsPerField: 2, ics: 2, steps: 2, summarySteps: [], energy: halfMeanSquare,
 * });
 * const y = new Float32Array([1, -1]);
 * for (const ic of [0, 1]) s.observeInitial(ic, y);
 * s.observe(0, 1, y, y);
 * s.observe(1, 1, new Float32Array([0, 0]), y);
 * s.diverged(1, 2); // IC 1 produced NaN at step 2
 * s.observe(0, 2, y, y);
 * const n = s.rows().filter((r) => r.metric === "mse" && r.reduction === "mean_over_ics")
 *   .map((r) => [r.step, r.value, r.n]);
 * if (JSON.stringify(n) !== "[[1,0.5,2],[2,0,1]]") throw new Error(JSON.stringify(n));
 * ```
 */
export class RolloutScorer {
  readonly #fields: readonly string[];
  readonly #x: number;
  readonly #n: number;
  readonly #t: number;
  /** First predicted step s₀ (geometric means run over s₀..T). */
  readonly #first: number;
  readonly #summary: readonly number[];
  /** `summarySlot[step]`: index into `#summary`, or −1. */
  readonly #summarySlot: Int32Array;
  readonly #energy: (state: Float32Array | Float64Array) => number;
  readonly #spectrum: (field: Float32Array | Float64Array) => Float64Array;
  /**
   * With the default spectrum (`spectrum1d`): the scratch that `observe` writes the prediction's
   * and the reference's spectra to (`spectrum1dInto`, the same bits), instead of two new arrays
   * per field and step.
   */
  readonly #scratch: { pred: Float64Array; ref: Float64Array } | undefined;
  /** Shells per spectrum. */
  readonly #k: number;
  readonly #kMax: number | undefined;
  /** Which of low/mid/high hold at least one shell for this grid. */
  readonly #bands: readonly boolean[];
  /** `[N, T, C, M]` per-step metrics. */
  readonly #values: Float64Array;
  /** `[N, T]`: 1 once observed. */
  readonly #observed: Uint8Array;
  /** `[N]`: 1 once the IC energy is recorded. */
  readonly #observedInitial: Uint8Array;
  /** `[N, T + 1]` energies. */
  readonly #energyPred: Float64Array;
  readonly #energyRef: Float64Array;
  /** `[N]` first diverged step, `Infinity` if none. */
  readonly #divergedAt: Float64Array;
  /** `[N, S, C, K]` spectra at summary steps. */
  readonly #spectraPred: Float64Array;
  readonly #spectraRef: Float64Array;
  #seconds = 0;
  /** Rows `prepare()` computed for the final steps: curves, energies, spectra at summary steps. */
  readonly #kept: PreparedSteps<
    { curves: ResultRow[]; energies: ResultRow[]; spectra?: ResultRow[] }
  >;
  /** Scratch of `#curveRows` (made at the first call). */
  #work:
    | { sums: Float64Array; counts: Float64Array; live: Float64Array[]; scratch: Float64Array }
    | undefined;
  /** Scratch of `#energyRows`. */
  #errs: Float64Array | undefined;

  /** Validate the options and allocate the per-IC storage. */
  constructor(options: ScorerOptions) {
    const { fields, pointsPerField, ics, steps } = options;
    const bad = (what: string, expected: string, found: unknown) =>
      new RangeError(
        `Cannot create a RolloutScorer: ${what}: expected ${expected}, found ${found}`,
      );
    if (!Array.isArray(fields) || fields.length === 0) {
      throw bad("fields", "a non-empty list of names", JSON.stringify(fields));
    }
    if (!Number.isInteger(pointsPerField) || pointsPerField < 2) {
      throw bad("pointsPerField", "an integer ≥ 2", pointsPerField);
    }
    if (!Number.isInteger(ics) || ics < 1) throw bad("ics", "an integer ≥ 1", ics);
    if (!Number.isInteger(steps) || steps < 1) throw bad("steps", "an integer ≥ 1", steps);
    if (typeof options.energy !== "function") throw bad("energy", "a function", options.energy);
    const first = options.firstStep ?? 1;
    if (!Number.isInteger(first) || first < 1 || first > steps) {
      throw bad("firstStep", `an integer in 1..${steps}`, first);
    }
    this.#first = first;
    this.#fields = [...fields];
    this.#x = pointsPerField;
    this.#n = ics;
    this.#t = steps;
    this.#summary = [...new Set(options.summarySteps)]
      .filter((s) => Number.isInteger(s) && s >= 1 && s <= steps)
      .sort((a, b) => a - b);
    this.#summarySlot = new Int32Array(steps + 1).fill(-1);
    this.#summary.forEach((s, i) => (this.#summarySlot[s] = i));
    this.#kept = new PreparedSteps(steps, first);
    this.#energy = options.energy;
    this.#spectrum = options.spectrum ?? spectrum1d;
    this.#scratch = options.spectrum ? undefined : {
      pred: new Float64Array((pointsPerField >> 1) + 1),
      ref: new Float64Array((pointsPerField >> 1) + 1),
    };
    // Probe the spectrum once: shell count, and a non-power-of-two X fails here, not mid-run.
    this.#k = this.#spectrum(new Float64Array(pointsPerField)).length;
    if (this.#k < 2) throw bad("spectrum", "at least 2 shells", `${this.#k}`);
    const kMax = options.spectrumKMax;
    if (kMax !== undefined && !(Number.isInteger(kMax) && kMax >= 1 && kMax < this.#k)) {
      throw bad("spectrumKMax", `an integer shell in [1, ${this.#k - 1}]`, `${kMax}`);
    }
    this.#kMax = kMax;
    const probe = spectrumErrorBands(new Float64Array(this.#k), new Float64Array(this.#k), {
      kMax,
    });
    this.#bands = [probe.low !== null, probe.mid !== null, probe.high !== null];
    const c = fields.length;
    this.#values = new Float64Array(ics * steps * c * M);
    this.#observed = new Uint8Array(ics * steps);
    this.#observedInitial = new Uint8Array(ics);
    this.#energyPred = new Float64Array(ics * (steps + 1));
    this.#energyRef = new Float64Array(ics * (steps + 1));
    this.#divergedAt = new Float64Array(ics).fill(Infinity);
    this.#spectraPred = new Float64Array(ics * this.#summary.length * c * this.#k);
    this.#spectraRef = new Float64Array(ics * this.#summary.length * c * this.#k);
  }

  /** Seconds spent inside `observeInitial()` and `observe()`, for the result's timings. */
  get seconds(): number {
    return this.#seconds;
  }

  /**
   * Step 0: record the IC energy (`energy_pred` and `energy_ref` at step 0 both equal
   * `energy(ic)`). Throws `RangeError` on a bad IC index or a non-finite state or energy,
   * `TypeError` on a wrong state length.
   */
  observeInitial(ic: number, state: Float32Array): void {
    const start = performance.now();
    try {
      this.#checkIc("observe the initial condition of", ic);
      this.#checkState(ic, 0, "state", state);
      const e = this.#energyOf(ic, 0, state);
      const at = ic * (this.#t + 1);
      this.#energyPred[at] = e;
      this.#energyRef[at] = e;
      this.#observedInitial[ic] = 1;
    } finally {
      this.#seconds += (performance.now() - start) / 1000;
    }
  }

  /**
   * Score one IC's prediction against its reference at `step` (1..T). `pred` and `ref` are
   * states `[C·X]` and may be subarray views. Non-finite data is a caller error (call
   * {@link RolloutScorer.diverged} instead): `RangeError` naming the IC, step, field and point.
   */
  observe(
    ic: number,
    step: number,
    pred: Float32Array,
    ref: Float32Array,
    features?: Float64Array,
  ): void {
    const start = performance.now();
    try {
      this.#checkIc("observe", ic);
      this.#checkStep("observe", ic, step);
      this.#kept.drop(step);
      this.#checkState(ic, step, "pred", pred);
      this.#checkState(ic, step, "ref", ref);
      const x = this.#x, c = this.#fields.length, k = this.#k;
      if (features && features.length !== c * k + 1) {
        throw new TypeError(
          `Cannot observe IC ${ic} at step ${step}: expected ${c * k + 1} reference features ` +
            `(${c} spectra of ${k} shells and the energy), found ${features.length}`,
        );
      }
      for (let f = 0; f < c; f++) {
        const p = pred.subarray(f * x, (f + 1) * x), y = ref.subarray(f * x, (f + 1) * x);
        const split = mseSplit(p, y), scratch = this.#scratch;
        const ep = scratch ? spectrum1dInto(p, scratch.pred) : this.#spectrum(p);
        const ey = features
          ? features.subarray(f * k, (f + 1) * k)
          : scratch
          ? spectrum1dInto(y, scratch.ref)
          : this.#spectrum(y);
        if (ep.length !== this.#k || ey.length !== this.#k) {
          throw new TypeError(
            `Cannot observe IC ${ic} at step ${step}: the spectrum of field ` +
              `"${this.#fields[f]}" has ${ep.length} and ${ey.length} shells, expected ${this.#k}`,
          );
        }
        const bands = spectrumErrorBands(ep, ey, { kMax: this.#kMax });
        const at = ((ic * this.#t + step - 1) * c + f) * M;
        const v = this.#values;
        v[at + MSE] = split.mse;
        v[at + NRMSE] = nrmseOfSums(split.sumSquaredError, split.refSumSquares, p, y); // nrmse(p, y)
        v[at + DISSIPATION] = split.dissipation;
        v[at + DISPERSION] = split.dispersion;
        v[at + SPEC] = bands.all;
        v[at + LOW] = bands.low ?? NaN;
        v[at + MID] = bands.mid ?? NaN;
        v[at + HIGH] = bands.high ?? NaN;
        const slot = this.#summarySlot[step];
        if (slot >= 0) {
          const s = ((ic * this.#summary.length + slot) * c + f) * this.#k;
          this.#spectraPred.set(ep, s);
          this.#spectraRef.set(ey, s);
        }
      }
      const at = ic * (this.#t + 1) + step;
      this.#energyPred[at] = this.#energyOf(ic, step, pred);
      this.#energyRef[at] = features
        ? this.#checkEnergy(ic, step, features[c * k])
        : this.#energyOf(ic, step, ref);
      this.#observed[ic * this.#t + step - 1] = 1;
    } finally {
      this.#seconds += (performance.now() - start) / 1000;
    }
  }

  /**
   * Mark IC `ic` diverged (first NaN/Inf output) at `step` (1..T): from `step` on it
   * contributes to no mean, whether or not it was observed there. A second call keeps the
   * earlier step.
   */
  diverged(ic: number, step: number): void {
    this.#checkIc("mark divergence of", ic);
    this.#checkStep("mark divergence of", ic, step);
    if (step < this.#divergedAt[ic]) this.#kept.drop(step);
    this.#divergedAt[ic] = Math.min(this.#divergedAt[ic], step);
  }

  /** Per-IC first diverged step (`null` if it never diverged), for the result file. */
  divergence(): { ic: number; step: number | null }[] {
    return Array.from(this.#divergedAt, (s, ic) => ({ ic, step: Number.isFinite(s) ? s : null }));
  }

  /**
   * The stored values of ICs `ics` (default all), as JSON-safe data: what a shard hands to the
   * merge step. `RolloutScorer.fromStates` over states that together cover every IC gives a
   * scorer whose `rows()` equal, bit for bit, those of one scorer that observed everything
   * (same values, same IC order, same arithmetic). `seconds` is this scorer's whole
   * {@link RolloutScorer.seconds}, whichever ICs are selected.
   *
   * @example
   * ```ts
   * import { RolloutScorer } from "./scorer.ts";
   * import { halfMeanSquare } from "./energy.ts";
   * const options = {
   *   fields: ["u"], pointsPerField: 4, ics: 2, steps: 1, summarySteps: [1], energy: halfMeanSquare,
   * };
   * const y = new Float32Array([1, -1, 1, -1]), p = new Float32Array([0.5, -1, 1, -1]);
   * const a = new RolloutScorer(options), b = new RolloutScorer(options);
   * a.observeInitial(0, y); // a sees IC 0 only, b sees IC 1 only
   * a.observe(0, 1, p, y);
   * b.observeInitial(1, y);
   * b.observe(1, 1, y, y);
   * const states = JSON.parse(JSON.stringify([a.toState([0]), b.toState([1])]));
   * const merged = RolloutScorer.fromStates(options, states);
   * const whole = new RolloutScorer(options);
   * for (const [ic, q] of [[0, p], [1, y]] as const) {
   *   whole.observeInitial(ic, y);
   *   whole.observe(ic, 1, q, y);
   * }
   * if (JSON.stringify(merged.rows()) !== JSON.stringify(whole.rows())) throw new Error("merge");
   * ```
   */
  toState(ics?: readonly number[]): ScorerState {
    const covered = ics === undefined ? Array.from({ length: this.#n }, (_, i) => i) : [...ics];
    for (const ic of covered) this.#checkIc("export the state of", ic);
    covered.sort((a, b) => a - b);
    covered.forEach((ic, i) => {
      if (i > 0 && covered[i - 1] === ic) {
        throw new RangeError(`Cannot export the state of IC ${ic}: it is listed twice`);
      }
    });
    const t = this.#t, c = this.#fields.length, nS = this.#summary.length, k = this.#k;
    const gather = <A extends Float64Array | Uint8Array>(src: A, per: number, out: A): A => {
      covered.forEach((ic, i) => out.set(src.subarray(ic * per, (ic + 1) * per), i * per));
      return out;
    };
    const n = covered.length;
    return {
      schema: SCORER_STATE_SCHEMA,
      ...this.#header(),
      covered,
      divergedAt: covered.map((ic) => {
        const s = this.#divergedAt[ic];
        return Number.isFinite(s) ? s : null;
      }),
      values: f64ToBase64(gather(this.#values, t * c * M, new Float64Array(n * t * c * M))),
      observed: bytesToBase64(gather(this.#observed, t, new Uint8Array(n * t))),
      observedInitial: bytesToBase64(gather(this.#observedInitial, 1, new Uint8Array(n))),
      energyPred: f64ToBase64(gather(this.#energyPred, t + 1, new Float64Array(n * (t + 1)))),
      energyRef: f64ToBase64(gather(this.#energyRef, t + 1, new Float64Array(n * (t + 1)))),
      spectraPred: f64ToBase64(
        gather(this.#spectraPred, nS * c * k, new Float64Array(n * nS * c * k)),
      ),
      spectraRef: f64ToBase64(
        gather(this.#spectraRef, nS * c * k, new Float64Array(n * nS * c * k)),
      ),
      seconds: this.#seconds,
    };
  }

  /**
   * A scorer for `options` holding the ICs of `states` (from {@link RolloutScorer.toState},
   * possibly through JSON), which must together cover every IC `0..N−1` exactly once. Its
   * `rows()` are exactly those of a single scorer that observed the same data; its `seconds`
   * is the sum over the states. Throws `RangeError` when a state's header differs from
   * `options` (naming the state and field) or an IC is missing or held twice, `TypeError` on a
   * malformed array.
   *
   * With `partial`, ICs in none of the states stay unobserved (a shard's own rows, checked by
   * `emubench merge`) instead of being an error.
   * @example
   * ```ts
   * import { RolloutScorer } from "./scorer.ts";
   * import { halfMeanSquare } from "./energy.ts";
   * const options = {
   *   fields: ["u"], pointsPerField: 2, ics: 2, steps: 1, summarySteps: [], energy: halfMeanSquare,
   * };
   * const half = new RolloutScorer(options).toState([0]);
   * let message = "";
   * try { RolloutScorer.fromStates(options, [half]); } catch (e) { message = String(e); }
   * if (!message.includes("IC 1 is in none")) throw new Error(message);
   * ```
   */
  static fromStates(
    options: ScorerOptions,
    states: readonly ScorerState[],
    partial = false,
  ): RolloutScorer {
    const scorer = new RolloutScorer(options);
    const owner = new Int32Array(scorer.#n).fill(-1);
    let seconds = 0;
    states.forEach((state, j) => {
      scorer.#absorb(state, j, owner);
      seconds += state.seconds;
    });
    if (!partial) checkCoverage(owner, states.length, "scorer states");
    scorer.#seconds = seconds;
    return scorer;
  }

  /** The header a state must share with this scorer. */
  #header(): ScorerStateHeader {
    return {
      fields: [...this.#fields],
      pointsPerField: this.#x,
      ics: this.#n,
      steps: this.#t,
      summarySteps: [...this.#summary],
      shells: this.#k,
      firstStep: this.#first,
      metrics: [...STEP_METRICS],
    };
  }

  /** Copy state `j` into this scorer; `owner[ic]` records which state held IC `ic`. */
  #absorb(state: ScorerState, j: number, owner: Int32Array): void {
    this.#kept.drop(1);
    const where = `state ${j}`;
    if (typeof state !== "object" || state === null || state.schema !== SCORER_STATE_SCHEMA) {
      throw new TypeError(
        `Cannot merge scorer states: ${where}: expected schema "${SCORER_STATE_SCHEMA}", found ${
          JSON.stringify((state as { schema?: unknown } | null)?.schema)
        }`,
      );
    }
    for (const [key, expected] of Object.entries(this.#header())) {
      const found = (state as unknown as Record<string, unknown>)[key];
      if (JSON.stringify(found) !== JSON.stringify(expected)) {
        throw new RangeError(
          `Cannot merge scorer states: ${where}: ${key}: expected ${
            JSON.stringify(expected)
          } (the merging scorer's), found ${JSON.stringify(found)?.slice(0, 80)}`,
        );
      }
    }
    const covered = state.covered;
    if (!Array.isArray(covered) || !Array.isArray(state.divergedAt)) {
      throw new TypeError(
        `Cannot merge scorer states: ${where}: expected covered and divergedAt lists`,
      );
    }
    covered.forEach((ic, i) => {
      if (!Number.isInteger(ic) || ic < 0 || ic >= this.#n || (i > 0 && ic <= covered[i - 1])) {
        throw new RangeError(
          `Cannot merge scorer states: ${where}: covered[${i}]: expected ascending IC indices ` +
            `in [0, ${this.#n - 1}], found ${ic}`,
        );
      }
      if (owner[ic] >= 0) {
        throw new RangeError(
          `Cannot merge scorer states: IC ${ic} is in state ${owner[ic]} and state ${j}; ` +
            `expected every IC in exactly one state`,
        );
      }
      const d = state.divergedAt[i];
      if (d !== null && !(Number.isInteger(d) && d >= 1 && d <= this.#t)) {
        throw new RangeError(
          `Cannot merge scorer states: ${where}: divergedAt[${i}]: expected null or a step in ` +
            `[1, ${this.#t}], found ${d}`,
        );
      }
    });
    if (state.divergedAt.length !== covered.length) {
      throw new TypeError(
        `Cannot merge scorer states: ${where}: divergedAt: expected ${covered.length} entries ` +
          `(one per covered IC), found ${state.divergedAt.length}`,
      );
    }
    const n = covered.length, t = this.#t, c = this.#fields.length;
    const nS = this.#summary.length, k = this.#k;
    const scatter = <A extends Float64Array | Uint8Array>(src: A, per: number, dst: A) =>
      covered.forEach((ic, i) => dst.set(src.subarray(i * per, (i + 1) * per), ic * per));
    const f64 = (key: keyof ScorerState, per: number) =>
      base64ToF64(state[key], n * per, `${where}: ${key}`, "scorer states");
    const u8 = (key: keyof ScorerState, per: number) =>
      base64ToBytes(state[key], n * per, `${where}: ${key}`, "scorer states");
    scatter(f64("values", t * c * M), t * c * M, this.#values);
    scatter(u8("observed", t), t, this.#observed);
    scatter(u8("observedInitial", 1), 1, this.#observedInitial);
    scatter(f64("energyPred", t + 1), t + 1, this.#energyPred);
    scatter(f64("energyRef", t + 1), t + 1, this.#energyRef);
    scatter(f64("spectraPred", nS * c * k), nS * c * k, this.#spectraPred);
    scatter(f64("spectraRef", nS * c * k), nS * c * k, this.#spectraRef);
    covered.forEach((ic, i) => {
      this.#divergedAt[ic] = state.divergedAt[i] ?? Infinity;
      owner[ic] = j;
    });
  }

  /**
   * Energies of IC `ic` at steps 0..T (`null` where not observed or at/after divergence), for
   * stability rates and temporal statistics.
   */
  energySeries(ic: number): { pred: (number | null)[]; ref: (number | null)[] } {
    this.#checkIc("read energies of", ic);
    const pred: (number | null)[] = [], ref: (number | null)[] = [];
    for (let s = 0; s <= this.#t; s++) {
      const ok = this.#contributes(ic, s);
      pred.push(ok ? this.#energyPred[ic * (this.#t + 1) + s] : null);
      ref.push(ok ? this.#energyRef[ic * (this.#t + 1) + s] : null);
    }
    return { pred, ref };
  }

  /** Emit the tidy rows (catalogue in the module documentation). Values are finite or null. */
  rows(): ResultRow[] {
    const rows: ResultRow[] = [];
    const n = this.#n, t = this.#t, c = this.#fields.length, v = this.#values;
    const at = (ic: number, step: number, f: number) => ((ic * t + step - 1) * c + f) * M;

    // Curves: mean over contributing ICs at every step, with the quartiles of the same per-IC
    // values (the spread across ICs); those of steps `prepare()` found final are kept rows.
    for (let step = 1; step <= t; step++) {
      for (const r of this.#kept.get(step)?.curves ?? this.#curveRows(step)) rows.push(r);
    }

    // Energies of the whole state, steps 0..T, and the relative energy error |Eₚ − Eᵧ| / Eᵧ
    // per IC (mean over ICs; ICs with Eᵧ = 0 are left out of that mean).
    for (let step = 0; step <= t; step++) {
      for (const r of this.#kept.get(step)?.energies ?? this.#energyRows(step)) rows.push(r);
    }

    // Per-IC values at summary steps (null once diverged or where undefined).
    for (const step of this.#summary) {
      for (let f = 0; f < c; f++) {
        for (let ic = 0; ic < n; ic++) {
          const ok = this.#contributes(ic, step), base = at(ic, step, f);
          for (const m of [MSE, NRMSE]) {
            const value = ok ? v[base + m] : NaN;
            rows.push({
              metric: STEP_METRICS[m],
              field: this.#fields[f],
              step,
              ic,
              value: Number.isFinite(value) ? value : null,
            });
          }
        }
      }
    }

    // Geometric means over steps s₀..T per IC (complete, never-diverged rollouts), then their
    // mean over ICs.
    for (let f = 0; f < c; f++) {
      for (const m of [MSE, NRMSE]) {
        let total = 0, count = 0;
        for (let ic = 0; ic < n; ic++) {
          if (this.#divergedAt[ic] <= t) continue;
          let complete = true, logSum = 0;
          for (let step = this.#first; step <= t && complete; step++) {
            complete = this.#observed[ic * t + step - 1] === 1;
            logSum += Math.log(v[at(ic, step, f) + m]); // log 0 = −∞ → geomean 0
          }
          if (!complete) continue;
          const g = Math.exp(logSum / (t - this.#first + 1));
          const value = Number.isFinite(g) ? g : null; // NaN/∞ only from an undefined nrmse
          rows.push({
            metric: STEP_METRICS[m],
            field: this.#fields[f],
            ic,
            value,
            reduction: "geomean_over_steps",
          });
          if (value !== null) {
            total += value;
            count++;
          }
        }
        rows.push({
          metric: STEP_METRICS[m],
          field: this.#fields[f],
          value: count > 0 ? total / count : null,
          n: count,
          reduction: "geomean_over_steps_then_mean_over_ics",
        });
      }
    }

    // Mean spectra at summary steps.
    this.#summary.forEach((step, slot) => {
      for (const r of this.#kept.get(step)?.spectra ?? this.#spectraRows(step, slot)) rows.push(r);
    });
    return rows;
  }

  /**
   * Compute now the rows of the steps that are final: every step up to the first one some IC
   * has neither been observed at nor diverged by (steps before the first predicted one count as
   * final), their curves, energies and, at summary steps, mean spectra. `rows()` then uses them
   * instead of computing them at the end: the same code on the same numbers, so the same rows,
   * only earlier (a scoring worker calls this between the run's batches, where it has time, so
   * that less is left to do after the last step). An observation or divergence at a step that
   * was prepared drops what was kept from that step on, so the rows stay exact in any call order.
   *
   * @example
   * ```ts
   * import { RolloutScorer } from "./scorer.ts";
   * import { halfMeanSquare } from "./energy.ts";
   * const make = () => new RolloutScorer({
   *   fields: ["u"], pointsPerField: 4, ics: 2, steps: 2, summarySteps: [1], energy: halfMeanSquare,
   * });
   * const a = make(), b = make(), y = new Float32Array([1, -1, 1, -1]);
   * for (const s of [a, b]) {
   *   s.observe(0, 1, y.map((v) => v + 0.5), y);
   *   s.observe(1, 1, y.map((v) => v * 2), y);
   *   s.prepare();
   *   s.observe(0, 2, y, y);
   *   s.diverged(1, 2);
   * }
   * a.prepare();
   * if (JSON.stringify(a.rows()) !== JSON.stringify(b.rows())) throw new Error("rows differ");
   * ```
   */
  prepare(): void {
    this.#kept.advance(this.#observed, this.#divergedAt, (step) => {
      const slot = this.#summarySlot[step];
      return {
        curves: this.#curveRows(step),
        energies: this.#energyRows(step),
        ...(slot >= 0 ? { spectra: this.#spectraRows(step, slot) } : {}),
      };
    });
  }

  /** The curve rows of one step (every field), in row order. */
  #curveRows(step: number): ResultRow[] {
    const rows: ResultRow[] = [];
    const n = this.#n, t = this.#t, c = this.#fields.length, v = this.#values;
    const w = (this.#work ??= {
      sums: new Float64Array(M),
      counts: new Float64Array(M),
      live: Array.from({ length: M }, () => new Float64Array(n)),
      scratch: new Float64Array(n),
    });
    const { sums, counts, live, scratch } = w;
    // Quartiles of a copy (mapped, for rmse) sorted in one scratch array: no array per row.
    const spread = (m: number, map?: (x: number) => number) => {
      const xs = live[m], k = counts[m];
      for (let i = 0; i < k; i++) scratch[i] = map ? map(xs[i]) : xs[i];
      return quartileFieldsSorting(scratch.subarray(0, k));
    };
    for (let f = 0; f < c; f++) {
      sums.fill(0);
      counts.fill(0);
      for (let ic = 0; ic < n; ic++) {
        if (!this.#contributes(ic, step)) continue;
        const base = ((ic * t + step - 1) * c + f) * M;
        for (let m = 0; m < M; m++) {
          const value = v[base + m];
          if (!Number.isFinite(value)) continue; // undefined nrmse, empty band
          sums[m] += value;
          live[m][counts[m]] = value;
          counts[m]++;
        }
      }
      const field = this.#fields[f];
      const mean = (m: number) => (counts[m] > 0 ? sums[m] / counts[m] : null);
      for (let m = 0; m < M; m++) {
        if (m >= LOW && !this.#bands[m - LOW]) continue;
        rows.push({
          metric: STEP_METRICS[m],
          field,
          step,
          value: mean(m),
          n: counts[m],
          reduction: "mean_over_ics",
          ...spread(m),
        });
        if (m === MSE) {
          const mse = mean(MSE);
          rows.push({
            metric: "rmse",
            field,
            step,
            value: mse === null ? null : Math.sqrt(mse),
            n: counts[MSE],
            reduction: "mean_over_ics_then_sqrt",
            ...spread(MSE, Math.sqrt),
          });
        }
      }
    }
    return rows;
  }

  /** The energy rows of one step (0..T): `energy_pred`, `energy_ref`, and from step 1 on `energy_error`. */
  #energyRows(step: number): ResultRow[] {
    const rows: ResultRow[] = [];
    const n = this.#n, t = this.#t;
    const errs = (this.#errs ??= new Float64Array(n));
    let sp = 0, sr = 0, se = 0, count = 0, countErr = 0;
    for (let ic = 0; ic < n; ic++) {
      if (!this.#contributes(ic, step)) continue;
      const ep = this.#energyPred[ic * (t + 1) + step], er = this.#energyRef[ic * (t + 1) + step];
      sp += ep;
      sr += er;
      count++;
      if (er > 0) {
        const e = Math.abs(ep - er) / er;
        se += e;
        errs[countErr++] = e;
      }
    }
    for (const [metric, total] of [["energy_pred", sp], ["energy_ref", sr]] as const) {
      rows.push({
        metric,
        field: "*",
        step,
        value: count > 0 ? total / count : null,
        n: count,
        reduction: "mean_over_ics",
      });
    }
    if (step >= 1) {
      rows.push({
        metric: "energy_error",
        field: "*",
        step,
        value: countErr > 0 ? se / countErr : null,
        n: countErr,
        reduction: "mean_over_ics",
        ...quartileFieldsSorting(errs.subarray(0, countErr)), // errs is scratch: sorted here
      });
    }
    return rows;
  }

  /** The mean spectra rows of summary step `step` (slot `slot` of the summary steps). */
  #spectraRows(step: number, slot: number): ResultRow[] {
    const rows: ResultRow[] = [];
    const n = this.#n, c = this.#fields.length, k = this.#k, nS = this.#summary.length;
    const meanP = new Float64Array(k), meanR = new Float64Array(k);
    for (let f = 0; f < c; f++) {
      meanP.fill(0);
      meanR.fill(0);
      let count = 0;
      for (let ic = 0; ic < n; ic++) {
        if (!this.#contributes(ic, step)) continue;
        const s = ((ic * nS + slot) * c + f) * k;
        for (let q = 0; q < k; q++) {
          meanP[q] += this.#spectraPred[s + q];
          meanR[q] += this.#spectraRef[s + q];
        }
        count++;
      }
      for (const [metric, sum] of [["spectrum_pred", meanP], ["spectrum_ref", meanR]] as const) {
        for (let q = 0; q < k; q++) {
          rows.push({
            metric,
            field: this.#fields[f],
            step,
            k: q,
            value: count > 0 ? sum[q] / count : null,
            n: count,
            reduction: "mean_over_ics",
          });
        }
      }
    }
    return rows;
  }

  /** True when IC `ic` has data at `step` (0 = IC) and had not diverged at or before it. */
  #contributes(ic: number, step: number): boolean {
    if (step === 0) return this.#observedInitial[ic] === 1;
    return step < this.#divergedAt[ic] && this.#observed[ic * this.#t + step - 1] === 1;
  }

  #checkIc(action: string, ic: number): void {
    if (!Number.isInteger(ic) || ic < 0 || ic >= this.#n) {
      throw new RangeError(
        `Cannot ${action} IC ${ic}: expected an integer IC index in [0, ${this.#n - 1}]`,
      );
    }
  }

  #checkStep(action: string, ic: number, step: number): void {
    if (!Number.isInteger(step) || step < 1 || step > this.#t) {
      throw new RangeError(
        `Cannot ${action} IC ${ic}: expected an integer step in [1, ${this.#t}], found ${step}`,
      );
    }
  }

  #checkState(ic: number, step: number, name: string, state: Float32Array | Float64Array): void {
    const length = this.#fields.length * this.#x;
    if (!(state instanceof Float32Array || state instanceof Float64Array)) {
      throw new TypeError(
        `Cannot observe IC ${ic} at step ${step}: ${name}: expected a Float32Array of ${length} ` +
          `values, found ${Object.prototype.toString.call(state)}`,
      );
    }
    if (state.length !== length) {
      throw new TypeError(
        `Cannot observe IC ${ic} at step ${step}: ${name}: expected ${length} values ` +
          `(${this.#fields.length} fields × ${this.#x} points), found ${state.length}`,
      );
    }
    for (let i = 0; i < length; i++) {
      if (!Number.isFinite(state[i])) {
        const field = this.#fields[Math.floor(i / this.#x)], point = i % this.#x;
        throw new RangeError(
          `Cannot observe IC ${ic} at step ${step}: ${name} has ${state[i]} in field ` +
            `"${field}" at point ${point}; a rollout with NaN/Inf output must be reported with ` +
            `diverged(${ic}, ${step}) instead`,
        );
      }
    }
  }

  #energyOf(ic: number, step: number, state: Float32Array | Float64Array): number {
    return this.#checkEnergy(ic, step, this.#energy(state));
  }

  #checkEnergy(ic: number, step: number, e: number): number {
    if (typeof e !== "number" || !Number.isFinite(e)) {
      throw new RangeError(
        `Cannot observe IC ${ic} at step ${step}: expected a finite energy of a finite state, ` +
          `found ${e}`,
      );
    }
    return e;
  }
}

/**
 * The ids the scorer emits: errors (`error`), spectra (`spectrum`) and energy (`energy`).
 *
 * @example
 * ```ts
 * import { SCORER_CATALOGUE } from "./scorer.ts";
 * if (SCORER_CATALOGUE.exact?.nrmse.direction !== "lower") throw new Error();
 * ```
 */
export const SCORER_CATALOGUE: CatalogueSection = {
  exact: {
    mse: metricInfo(
      "lower",
      "MSE",
      "field units²",
      "error",
      "⟨(p − y)²⟩ over the grid, mean over ICs",
    ),
    rmse: metricInfo("lower", "RMSE", "field units", "error", "√(mean over ICs of ⟨(p − y)²⟩)"),
    nrmse: metricInfo("lower", "nRMSE", "1", "error", "‖p − y‖₂ / ‖y‖₂ per IC, mean over ICs"),
    dissipation: metricInfo(
      "lower",
      "dissipation error",
      "field units²",
      "error",
      "amplitude part of mse, (σₚ − σᵧ)² + (μₚ − μᵧ)² (Takacs 1985)",
    ),
    dispersion: metricInfo(
      "lower",
      "dispersion error",
      "field units²",
      "error",
      "phase part of mse, 2(1 − ρ)σₚσᵧ (Takacs 1985)",
    ),
    spectrum_error: metricInfo(
      "lower",
      "spectrum error",
      "1",
      "spectrum",
      "mean over wavenumbers of |log Eₚ(k) − log Eᵧ(k)|",
    ),
    spectrum_error_low: metricInfo(
      "lower",
      "spectrum error (low band)",
      "1",
      "spectrum",
      "spectrum error over the first third of log k (largest scales)",
    ),
    spectrum_error_mid: metricInfo(
      "lower",
      "spectrum error (mid band)",
      "1",
      "spectrum",
      "spectrum error over the middle third of log k",
    ),
    spectrum_error_high: metricInfo(
      "lower",
      "spectrum error (high band)",
      "1",
      "spectrum",
      "spectrum error over the last third of log k (smallest scales)",
    ),
    spectrum_pred: metricInfo(
      "none",
      "spectrum (prediction)",
      "spectral power",
      "spectrum",
      "per shell k",
    ),
    spectrum_ref: metricInfo(
      "none",
      "spectrum (reference)",
      "spectral power",
      "spectrum",
      "per shell k",
    ),
    energy_pred: metricInfo(
      "none",
      "energy (prediction)",
      "suite energy",
      "energy",
      "mean over ICs",
    ),
    energy_ref: metricInfo("none", "energy (reference)", "suite energy", "energy", "mean over ICs"),
    energy_error: metricInfo(
      "lower",
      "energy error",
      "1",
      "energy",
      "|Eₚ − Eᵧ| / Eᵧ, mean over ICs",
    ),
  },
};

/**
 * The scorer as a metric family (`metrics/tracker.ts`): every run has one, with the suite's
 * energy, spectrum and `spectrumKMax`, and the run's summary steps and first predicted step.
 *
 * @example
 * ```ts
 * import { SCORER_FAMILY } from "./scorer.ts";
 * import { halfMeanSquare } from "./energy.ts";
 * const ctx = {
 *   suite: { id: "toy", fields: ["u"], energy: halfMeanSquare }, pointsPerField: 4, ics: 1,
 *   steps: 1, firstStep: 1, summarySteps: [1], seed: 0,
 * };
 * const scorer = SCORER_FAMILY.build(ctx, { built: new Map() });
 * if (!SCORER_FAMILY.applies(ctx).has || scorer.rows().length === 0) throw new Error();
 * ```
 */
export const SCORER_FAMILY: TrackerFamily = {
  key: "scorer",
  catalogue: SCORER_CATALOGUE,
  applies: () => ({ has: true, because: "every run is scored" }),
  features: (ctx: TrackerContext) => scorerFeatures(scorerOptions(ctx)),
  build(ctx: TrackerContext, from): RolloutScorer {
    const options = scorerOptions(ctx);
    return from.states
      ? RolloutScorer.fromStates(options, from.states as ScorerState[], from.partial)
      : new RolloutScorer(options);
  },
};

/**
 * The scorer's options in a run (`SCORER_FAMILY`, and the device-reductions scorer of
 * `harness/tasks/device_scoring.ts`, so both score a run with the same options).
 *
 * @example
 * ```ts
 * import { scorerOptions } from "./scorer.ts";
 * const o = scorerOptions({
 *   suite: { id: "toy", fields: ["u"], energy: () => 0 }, pointsPerField: 4, ics: 1, steps: 2,
 *   firstStep: 2, summarySteps: [2], seed: 0,
 * });
 * if (o.firstStep !== 2 || o.fields[0] !== "u") throw new Error();
 * ```
 */
export function scorerOptions(ctx: TrackerContext): ScorerOptions {
  const { suite } = ctx;
  return {
    fields: suite.fields,
    pointsPerField: ctx.pointsPerField,
    ics: ctx.ics,
    steps: ctx.steps,
    summarySteps: ctx.summarySteps,
    energy: (s) => suite.energy(s),
    spectrum: suite.spectrum ? (f) => suite.spectrum!(f) : undefined,
    spectrumKMax: suite.spectrumKMax,
    // A history-k model predicts from step k (a k beyond T is refused by the rollout).
    firstStep: ctx.firstStep,
  };
}

/**
 * The reference features of a {@link RolloutScorer} (`metrics/tracker.ts`): per field the
 * reference's shell spectrum (`K` shells, the options' `spectrum`), then the energy of the whole
 * state; `C·K + 1` values, exactly those `observe` computes from `ref` without them.
 *
 * @example
 * ```ts
 * import { RolloutScorer, scorerFeatures } from "./scorer.ts";
 * import { halfMeanSquare } from "./energy.ts";
 * const options = {
 *   fields: ["u"], pointsPerField: 4, ics: 1, steps: 1, summarySteps: [1], energy: halfMeanSquare,
 * };
 * const y = new Float32Array([1, -1, 1, -1]), p = y.map((v) => v + 0.5);
 * const f = scorerFeatures(options);
 * const a = new RolloutScorer(options), b = new RolloutScorer(options);
 * a.observe(0, 1, p, y);
 * b.observe(0, 1, p, y, f.compute(y));
 * if (f.size !== 4 || JSON.stringify(a.rows()) !== JSON.stringify(b.rows())) throw new Error();
 * ```
 */
export function scorerFeatures(
  options: Pick<ScorerOptions, "fields" | "pointsPerField" | "energy" | "spectrum">,
): ReferenceFeatures {
  const spectrum = options.spectrum ?? spectrum1d, x = options.pointsPerField;
  const c = options.fields.length, k = spectrum(new Float64Array(x)).length;
  return {
    // "2": era5's angular power spectrum by ring pairs and FFTs (`suites/era5/spectrum.ts`
    // healpixQuadrature), equal to "1"'s to round-off: entries written before are recomputed.
    version: "2",
    size: c * k + 1,
    compute(state) {
      const out = new Float64Array(c * k + 1);
      for (let f = 0; f < c; f++) {
        const e = spectrum(state.subarray(f * x, (f + 1) * x));
        if (e.length !== k) {
          throw new TypeError(
            `Cannot compute the scorer's reference features: the spectrum of field ` +
              `"${options.fields[f]}" has ${e.length} shells, expected ${k}`,
          );
        }
        out.set(e, f * k);
      }
      out[c * k] = options.energy(state);
      return out;
    },
  };
}

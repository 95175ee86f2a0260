/**
 * Physics diagnostics over a rollout (SPEC §4, "physics diagnostics per suite … for prediction
 * and reference", e.g. shallow-water mass drift): a suite names a few scalars of a whole state
 * (`Suite.diagnostics`, e.g. `{ mass, energy }`); this module tracks them for prediction and
 * reference at every step and turns them into tidy rows. It is the streaming counterpart of the
 * scorer's energy rows, kept apart so that suites without diagnostics produce exactly the rows
 * they always did.
 *
 * Rows emitted by {@link DiagnosticsTracker.rows}, for every diagnostic `d` (field `"*"`,
 * `reduction: "mean_over_ics"`, `n` = ICs averaged; an IC contributes at step s when it was
 * observed there and had not diverged at a step ≤ s; `null` with `n: 0` where none does):
 *
 * - `diag_<d>_pred`, `diag_<d>_ref`, steps 0..T: the mean of D over ICs (step 0: the IC's
 *   value for both);
 * - `diag_<d>_drift_pred`, `diag_<d>_drift_ref`, steps 1..T: the mean over ICs of the signed
 *   relative drift `(D(n) − D(0)) / |D(0)|` (ICs with D(0) = 0 left out, `n` says how many
 *   remain). A conserved quantity of the reference has a drift at the level of float32 storage
 *   rounding; an emulator's drift above that is its own.
 *
 * @example
 * ```ts
 * import { DiagnosticsTracker } from "./diagnostics.ts";
 * const mass = (s: Float32Array | Float64Array) => ({ mass: Array.from(s).reduce((a, b) => a + b, 0) });
 * const t = new DiagnosticsTracker({ ics: 1, steps: 1, diagnostics: mass });
 * t.observeInitial(0, new Float32Array([1, 1]));
 * t.observe(0, 1, new Float32Array([1, 1.5]), new Float32Array([1, 1])); // pred gained 25%
 * const drift = t.rows().find((r) => r.metric === "diag_mass_drift_pred" && r.step === 1);
 * if (drift?.value !== 0.25 || drift.n !== 1) throw new Error(JSON.stringify(drift));
 * ```
 * @module
 */
import { type CatalogueSection, metricInfo } from "./metric_info.ts";
import type { ReferenceFeatures, TrackerContext, TrackerFamily } from "./tracker.ts";
import {
  base64ToBytes,
  base64ToF64,
  bytesToBase64,
  checkCoverage,
  f64ToBase64,
} from "./state_codec.ts";
import type { ResultRow } from "./rows.ts";

/** Diagnostics of one whole state `[C·X]`: name → value. */
export type DiagnosticsFn = (
  state: Float32Array | Float64Array,
) => Readonly<Record<string, number>>;

/** What {@link DiagnosticsTracker} tracks. */
export interface DiagnosticsOptions {
  /** Number of ICs, `N ≥ 1`. */
  readonly ics: number;
  /** Horizon `T ≥ 1`. */
  readonly steps: number;
  /**
   * The suite's diagnostics; names `[a-z0-9_]+`, the same ones in the same order for every
   * state.
   */
  readonly diagnostics: DiagnosticsFn;
}

const NAME = /^[a-z0-9_]+$/;

/** Schema tag of a {@link DiagnosticsState}. */
export const DIAGNOSTICS_STATE_SCHEMA = "emubench.diagnostics-state/1";

/**
 * Everything a {@link DiagnosticsTracker} stored for some of its ICs, as plain JSON (the
 * counterpart of the scorer's `ScorerState`): the header says which tracker it belongs to,
 * `covered` lists the ICs (ascending) and the arrays hold their values in that order. Float
 * arrays are little-endian float64 bytes in base64 (every bit is kept); flags are bytes (0/1)
 * in base64. Made by {@link DiagnosticsTracker.toState}, combined by
 * {@link DiagnosticsTracker.fromStates}.
 */
export interface DiagnosticsState {
  schema: typeof DIAGNOSTICS_STATE_SCHEMA;
  /** Header: ICs of the whole run (N), not of this state; must equal the merging options. */
  ics: number;
  steps: number;
  /** Diagnostic names in storage order (D); empty when the tracker observed nothing yet. */
  names: string[];
  /** IC indices held, ascending. */
  covered: number[];
  /** Per covered IC: first diverged step, or null. */
  divergedAt: (number | null)[];
  /** `[covered, T + 1, D]` float64 values of the prediction and the reference. */
  pred: string;
  ref: string;
  /** `[covered, T + 1]` bytes: 1 once observed. */
  observed: string;
}

/**
 * Streaming tracker of suite diagnostics: {@link DiagnosticsTracker.observeInitial} once per
 * IC, {@link DiagnosticsTracker.observe} per IC and predicted step, and
 * {@link DiagnosticsTracker.diverged} at an IC's first non-finite output; then
 * {@link DiagnosticsTracker.rows} (catalogue in the module documentation). Stores
 * `2 · N · (T + 1) · D` float64 values, never fields. Shards of one run export their ICs with
 * {@link DiagnosticsTracker.toState} and merge with {@link DiagnosticsTracker.fromStates}.
 *
 * @example
 * ```ts
 * import { DiagnosticsTracker } from "./diagnostics.ts";
 * const t = new DiagnosticsTracker({ ics: 2, steps: 2, diagnostics: (s) => ({ max: Math.max(...Array.from(s)) }) });
 * for (const ic of [0, 1]) t.observeInitial(ic, new Float32Array([2]));
 * t.observe(0, 1, new Float32Array([4]), new Float32Array([2]));
 * t.observe(1, 1, new Float32Array([2]), new Float32Array([2]));
 * t.diverged(1, 2); // IC 1 leaves the means from step 2
 * t.observe(0, 2, new Float32Array([6]), new Float32Array([2]));
 * const pred = t.rows().filter((r) => r.metric === "diag_max_pred").map((r) => [r.value, r.n]);
 * if (JSON.stringify(pred) !== "[[2,2],[3,2],[6,1]]") throw new Error(JSON.stringify(pred));
 * ```
 */
export class DiagnosticsTracker {
  readonly #n: number;
  readonly #t: number;
  readonly #fn: DiagnosticsFn;
  #names: string[] | undefined;
  /** `[N, T + 1, D]` values, allocated at the first observation (when D is known). */
  #pred: Float64Array | undefined;
  #ref: Float64Array | undefined;
  /** `[N, T + 1]`: 1 once observed. */
  readonly #observed: Uint8Array;
  /** `[N]` first diverged step, `Infinity` if none. */
  readonly #divergedAt: Float64Array;

  /** Validate the options; storage is allocated at the first observation. */
  constructor(options: DiagnosticsOptions) {
    const { ics, steps, diagnostics } = options;
    const bad = (what: string, expected: string, found: unknown) =>
      new RangeError(
        `Cannot create a DiagnosticsTracker: ${what}: expected ${expected}, found ${found}`,
      );
    if (!Number.isInteger(ics) || ics < 1) throw bad("ics", "an integer ≥ 1", ics);
    if (!Number.isInteger(steps) || steps < 1) throw bad("steps", "an integer ≥ 1", steps);
    if (typeof diagnostics !== "function") throw bad("diagnostics", "a function", diagnostics);
    this.#n = ics;
    this.#t = steps;
    this.#fn = diagnostics;
    this.#observed = new Uint8Array(ics * (steps + 1));
    this.#divergedAt = new Float64Array(ics).fill(Infinity);
  }

  /** Names of the diagnostics, in the order the suite returns them (empty before any call). */
  get names(): readonly string[] {
    return this.#names ?? [];
  }

  /** Step 0: the IC's diagnostics, for prediction and reference alike. */
  observeInitial(ic: number, state: Float32Array | Float64Array): void {
    this.#check(ic, 0, "observe the initial condition of");
    const d = this.#evaluate(ic, 0, state);
    this.#store(ic, 0, d, d);
  }

  /**
   * Record the diagnostics of IC `ic`'s prediction and reference at `step` (1..T). With
   * `features` ({@link diagnosticsFeatures} of `ref`), the reference's values are taken from them
   * where they are one finite value per diagnostic (else computed, as without them).
   */
  observe(
    ic: number,
    step: number,
    pred: Float32Array | Float64Array,
    ref: Float32Array | Float64Array,
    features?: Float64Array,
  ): void {
    this.#check(ic, step, "observe");
    if (step < 1) {
      throw new RangeError(`Cannot observe IC ${ic}: expected a step in [1, ${this.#t}], found 0`);
    }
    const p = this.#evaluate(ic, step, pred);
    const cached = features && features.length === p.length && features.every(Number.isFinite);
    this.#store(ic, step, p, cached ? Array.from(features) : this.#evaluate(ic, step, ref));
  }

  /** Mark IC `ic` diverged at `step`: from there it contributes to no mean. */
  diverged(ic: number, step: number): void {
    this.#check(ic, step, "mark divergence of");
    this.#divergedAt[ic] = Math.min(this.#divergedAt[ic], step);
  }

  /**
   * The stored values of ICs `ics` (default all), as JSON-safe data: what a shard hands to the
   * merge step. {@link DiagnosticsTracker.fromStates} over states that together cover every IC
   * gives a tracker whose `rows()` equal, bit for bit, those of one tracker that observed
   * everything (same values, same IC order, same arithmetic).
   *
   * @example
   * ```ts
   * import { DiagnosticsTracker } from "./diagnostics.ts";
   * const first = (s: Float32Array | Float64Array) => ({ m: s[0] });
   * const options = { ics: 2, steps: 1, diagnostics: first };
   * const a = new DiagnosticsTracker(options), b = new DiagnosticsTracker(options);
   * a.observeInitial(0, new Float32Array([1])); // a sees IC 0 only, b sees IC 1 only
   * a.observe(0, 1, new Float32Array([1.1]), new Float32Array([1]));
   * b.observeInitial(1, new Float32Array([3]));
   * b.observe(1, 1, new Float32Array([2.9]), new Float32Array([3]));
   * const states = JSON.parse(JSON.stringify([a.toState([0]), b.toState([1])]));
   * const merged = DiagnosticsTracker.fromStates(options, states);
   * const whole = new DiagnosticsTracker(options);
   * whole.observeInitial(0, new Float32Array([1]));
   * whole.observe(0, 1, new Float32Array([1.1]), new Float32Array([1]));
   * whole.observeInitial(1, new Float32Array([3]));
   * whole.observe(1, 1, new Float32Array([2.9]), new Float32Array([3]));
   * if (JSON.stringify(merged.rows()) !== JSON.stringify(whole.rows())) throw new Error("merge");
   * ```
   */
  toState(ics?: readonly number[]): DiagnosticsState {
    const covered = ics === undefined ? Array.from({ length: this.#n }, (_, i) => i) : [...ics];
    for (const ic of covered) this.#check(ic, 0, "export the state of");
    covered.sort((a, b) => a - b);
    covered.forEach((ic, i) => {
      if (i > 0 && covered[i - 1] === ic) {
        throw new RangeError(`Cannot export the state of IC ${ic}: it is listed twice`);
      }
    });
    const names = [...(this.#names ?? [])], d = names.length, t = this.#t, n = covered.length;
    const gather = <A extends Float64Array | Uint8Array>(
      src: A | undefined,
      per: number,
      out: A,
    ): A => {
      if (src) covered.forEach((ic, i) => out.set(src.subarray(ic * per, (ic + 1) * per), i * per));
      return out;
    };
    return {
      schema: DIAGNOSTICS_STATE_SCHEMA,
      ics: this.#n,
      steps: t,
      names,
      covered,
      divergedAt: covered.map((ic) => {
        const s = this.#divergedAt[ic];
        return Number.isFinite(s) ? s : null;
      }),
      pred: f64ToBase64(gather(this.#pred, (t + 1) * d, new Float64Array(n * (t + 1) * d))),
      ref: f64ToBase64(gather(this.#ref, (t + 1) * d, new Float64Array(n * (t + 1) * d))),
      observed: bytesToBase64(gather(this.#observed, t + 1, new Uint8Array(n * (t + 1)))),
    };
  }

  /**
   * A tracker for `options` holding the ICs of `states` (from {@link DiagnosticsTracker.toState},
   * possibly through JSON), which must together cover every IC `0..N−1` exactly once. Its
   * `rows()` are exactly those of a single tracker that observed the same data. Throws
   * `RangeError` when a state's header differs from `options` or from the other states' names
   * (naming the state and field) or an IC is missing or held twice, `TypeError` on a malformed
   * array.
   *
   * With `partial`, ICs in none of the states stay unobserved (a shard's own rows, checked by
   * `emubench merge`) instead of being an error.
   * @example
   * ```ts
   * import { DiagnosticsTracker } from "./diagnostics.ts";
   * const options = { ics: 2, steps: 1, diagnostics: () => ({ m: 1 }) };
   * const half = new DiagnosticsTracker(options).toState([0]);
   * let message = "";
   * try { DiagnosticsTracker.fromStates(options, [half]); } catch (e) { message = String(e); }
   * if (!message.includes("IC 1 is in none")) throw new Error(message);
   * ```
   */
  static fromStates(
    options: DiagnosticsOptions,
    states: readonly DiagnosticsState[],
    partial = false,
  ): DiagnosticsTracker {
    const tracker = new DiagnosticsTracker(options);
    const owner = new Int32Array(tracker.#n).fill(-1);
    states.forEach((state, j) => tracker.#absorb(state, j, owner));
    if (!partial) checkCoverage(owner, states.length, "diagnostics states");
    return tracker;
  }

  /** Copy state `j` into this tracker; `owner[ic]` records which state held IC `ic`. */
  #absorb(state: DiagnosticsState, j: number, owner: Int32Array): void {
    const where = `state ${j}`;
    const fail = (message: string) =>
      new RangeError(`Cannot merge diagnostics states: ${where}: ${message}`);
    if (
      typeof state !== "object" || state === null || state.schema !== DIAGNOSTICS_STATE_SCHEMA
    ) {
      throw new TypeError(
        `Cannot merge diagnostics states: ${where}: expected schema ` +
          `"${DIAGNOSTICS_STATE_SCHEMA}", found ${
            JSON.stringify((state as { schema?: unknown } | null)?.schema)
          }`,
      );
    }
    for (const [key, expected] of [["ics", this.#n], ["steps", this.#t]] as const) {
      if (state[key] !== expected) {
        throw fail(
          `${key}: expected ${expected} (the merging tracker's), found ${
            JSON.stringify(state[key])?.slice(0, 80)
          }`,
        );
      }
    }
    const { names, covered, divergedAt } = state;
    if (!Array.isArray(names) || names.some((k) => typeof k !== "string" || !NAME.test(k))) {
      throw fail(
        `names: expected a list of names matching [a-z0-9_]+, found ${
          JSON.stringify(names)?.slice(0, 80)
        }`,
      );
    }
    if (names.length > 0) {
      if (this.#names === undefined) {
        this.#names = [...names];
        const size = this.#n * (this.#t + 1) * names.length;
        this.#pred = new Float64Array(size).fill(NaN);
        this.#ref = new Float64Array(size).fill(NaN);
      } else if (JSON.stringify(names) !== JSON.stringify(this.#names)) {
        throw fail(
          `names: expected ${JSON.stringify(this.#names)} (those of the states before), found ${
            JSON.stringify(names).slice(0, 80)
          }`,
        );
      }
    }
    if (!Array.isArray(covered) || !Array.isArray(divergedAt)) {
      throw new TypeError(
        `Cannot merge diagnostics states: ${where}: expected covered and divergedAt lists`,
      );
    }
    covered.forEach((ic, i) => {
      if (!Number.isInteger(ic) || ic < 0 || ic >= this.#n || (i > 0 && ic <= covered[i - 1])) {
        throw fail(
          `covered[${i}]: expected ascending IC indices in [0, ${this.#n - 1}], found ${ic}`,
        );
      }
      if (owner[ic] >= 0) {
        throw new RangeError(
          `Cannot merge diagnostics states: IC ${ic} is in state ${owner[ic]} and state ${j}; ` +
            `expected every IC in exactly one state`,
        );
      }
      const d = divergedAt[i];
      if (d !== null && !(Number.isInteger(d) && d >= 0 && d <= this.#t)) {
        throw fail(`divergedAt[${i}]: expected null or a step in [0, ${this.#t}], found ${d}`);
      }
    });
    if (divergedAt.length !== covered.length) {
      throw new TypeError(
        `Cannot merge diagnostics states: ${where}: divergedAt: expected ${covered.length} ` +
          `entries (one per covered IC), found ${divergedAt.length}`,
      );
    }
    const n = covered.length, per = this.#t + 1, d = names.length;
    const observed = base64ToBytes(
      state.observed,
      n * per,
      `${where}: observed`,
      "diagnostics states",
    );
    if (d === 0 && observed.some((v) => v !== 0)) {
      throw fail("observed: expected no observation in a state without diagnostic names");
    }
    const scatter = <A extends Float64Array | Uint8Array>(src: A, per: number, dst: A) =>
      covered.forEach((ic, i) => dst.set(src.subarray(i * per, (i + 1) * per), ic * per));
    const pred = base64ToF64(state.pred, n * per * d, `${where}: pred`, "diagnostics states");
    const ref = base64ToF64(state.ref, n * per * d, `${where}: ref`, "diagnostics states");
    scatter(observed, per, this.#observed);
    if (d > 0) {
      scatter(pred, per * d, this.#pred!);
      scatter(ref, per * d, this.#ref!);
    }
    covered.forEach((ic, i) => {
      this.#divergedAt[ic] = divergedAt[i] ?? Infinity;
      owner[ic] = j;
    });
  }

  /** Tidy rows (catalogue in the module documentation); empty when nothing was observed. */
  rows(): ResultRow[] {
    const names = this.#names, pred = this.#pred, ref = this.#ref;
    if (!names || !pred || !ref) return [];
    const rows: ResultRow[] = [];
    const n = this.#n, t = this.#t, d = names.length;
    const at = (ic: number, step: number, q: number) => (ic * (t + 1) + step) * d + q;
    names.forEach((name, q) => {
      for (let step = 0; step <= t; step++) {
        let sp = 0, sr = 0, count = 0, dp = 0, dr = 0, countDrift = 0;
        for (let ic = 0; ic < n; ic++) {
          if (!this.#contributes(ic, step)) continue;
          const p = pred[at(ic, step, q)], r = ref[at(ic, step, q)];
          sp += p;
          sr += r;
          count++;
          const d0 = ref[at(ic, 0, q)];
          if (step >= 1 && this.#contributes(ic, 0) && d0 !== 0) {
            dp += (p - d0) / Math.abs(d0);
            dr += (r - d0) / Math.abs(d0);
            countDrift++;
          }
        }
        const mean = (sum: number, k: number) => (k > 0 ? sum / k : null);
        rows.push(
          { metric: `diag_${name}_pred`, field: "*", step, value: mean(sp, count), n: count },
          { metric: `diag_${name}_ref`, field: "*", step, value: mean(sr, count), n: count },
        );
        if (step >= 1) {
          rows.push(
            {
              metric: `diag_${name}_drift_pred`,
              field: "*",
              step,
              value: mean(dp, countDrift),
              n: countDrift,
            },
            {
              metric: `diag_${name}_drift_ref`,
              field: "*",
              step,
              value: mean(dr, countDrift),
              n: countDrift,
            },
          );
        }
      }
    });
    for (const r of rows) r.reduction = "mean_over_ics";
    return rows;
  }

  /**
   * Values of diagnostic `name` for IC `ic` at steps 0..T (`null` where not observed or at/after
   * divergence), for temporal statistics (`metrics/temporal.ts`). Throws `RangeError` for an
   * unknown name or IC.
   */
  series(ic: number, name: string): { pred: (number | null)[]; ref: (number | null)[] } {
    this.#check(ic, 0, "read the diagnostics of");
    const q = this.names.indexOf(name);
    if (q < 0) {
      throw new RangeError(
        `Cannot read diagnostic "${name}": expected one of ${this.names.join(", ") || "(none)"}`,
      );
    }
    const d = this.names.length, per = this.#t + 1;
    const pred: (number | null)[] = [], ref: (number | null)[] = [];
    for (let step = 0; step <= this.#t; step++) {
      const ok = this.#contributes(ic, step);
      pred.push(ok ? this.#pred![(ic * per + step) * d + q] : null);
      ref.push(ok ? this.#ref![(ic * per + step) * d + q] : null);
    }
    return { pred, ref };
  }

  #contributes(ic: number, step: number): boolean {
    return this.#observed[ic * (this.#t + 1) + step] === 1 &&
      (step === 0 || step < this.#divergedAt[ic]);
  }

  #check(ic: number, step: number, action: string): void {
    if (!Number.isInteger(ic) || ic < 0 || ic >= this.#n) {
      throw new RangeError(
        `Cannot ${action} IC ${ic}: expected an integer IC index in [0, ${this.#n - 1}]`,
      );
    }
    if (!Number.isInteger(step) || step < 0 || step > this.#t) {
      throw new RangeError(
        `Cannot ${action} IC ${ic}: expected an integer step in [0, ${this.#t}], found ${step}`,
      );
    }
  }

  #evaluate(ic: number, step: number, state: Float32Array | Float64Array): number[] {
    const got = this.#fn(state);
    const keys = Object.keys(got ?? {});
    if (this.#names === undefined) {
      const wrong = keys.find((k) => !NAME.test(k));
      if (keys.length === 0 || wrong !== undefined) {
        throw new RangeError(
          `Cannot track diagnostics: expected names matching [a-z0-9_]+, found ${
            keys.length === 0 ? "none" : JSON.stringify(wrong)
          }`,
        );
      }
      this.#names = keys;
      const size = this.#n * (this.#t + 1) * keys.length;
      this.#pred = new Float64Array(size).fill(NaN);
      this.#ref = new Float64Array(size).fill(NaN);
    }
    const names = this.#names;
    if (keys.length !== names.length || names.some((k) => !(k in got))) {
      throw new RangeError(
        `Cannot track diagnostics of IC ${ic} at step ${step}: expected the names ` +
          `${names.join(", ")}, found ${keys.join(", ")}`,
      );
    }
    return names.map((k) => {
      const v = got[k];
      if (typeof v !== "number" || !Number.isFinite(v)) {
        throw new RangeError(
          `Cannot track diagnostics of IC ${ic} at step ${step}: expected a finite ${k}, ` +
            `found ${v}`,
        );
      }
      return v;
    });
  }

  #store(ic: number, step: number, pred: number[], ref: number[]): void {
    const d = pred.length, base = (ic * (this.#t + 1) + step) * d;
    this.#pred!.set(pred, base);
    this.#ref!.set(ref, base);
    this.#observed[ic * (this.#t + 1) + step] = 1;
  }
}

const DIAG = /^diag_([a-z0-9_]+?)_(drift_pred|drift_ref|pred|ref)$/;

/**
 * The ids of the diagnostics family: `diag_<name>_pred` / `_ref` / `_drift_pred` /
 * `_drift_ref` (drift before plain pred/ref).
 *
 * @example
 * ```ts
 * import { DIAGNOSTICS_CATALOGUE } from "./diagnostics.ts";
 * if (DIAGNOSTICS_CATALOGUE.pattern?.("diag_mass_drift_ref")?.label !== "mass drift (reference)") {
 *   throw new Error();
 * }
 * ```
 */
export const DIAGNOSTICS_CATALOGUE: CatalogueSection = {
  pattern(id) {
    const d = DIAG.exec(id);
    if (!d) return undefined;
    const [, name, part] = d;
    const who = part.endsWith("pred") ? "prediction" : "reference";
    return part.startsWith("drift")
      ? metricInfo(
        "none",
        `${name} drift (${who})`,
        "1",
        "diagnostics",
        `relative drift of the suite diagnostic ${name} from step 0, mean over ICs`,
      )
      : metricInfo(
        "none",
        `${name} (${who})`,
        "diagnostic units",
        "diagnostics",
        `suite diagnostic ${name} of the whole state, mean over ICs`,
      );
  },
};

/**
 * Physics diagnostics as a metric family (`metrics/tracker.ts`): runs of a suite with
 * `diagnostics` have the tracker.
 *
 * @example
 * ```ts
 * import { DIAGNOSTICS_FAMILY } from "./diagnostics.ts";
 * const ctx = {
 *   suite: { id: "toy", fields: ["h"], energy: () => 0, diagnostics: () => ({ mass: 1 }) },
 *   pointsPerField: 2, ics: 1, steps: 1, firstStep: 1, summarySteps: [], seed: 0,
 * };
 * if (!DIAGNOSTICS_FAMILY.applies(ctx).has) throw new Error();
 * if (DIAGNOSTICS_FAMILY.applies({ ...ctx, suite: { ...ctx.suite, diagnostics: undefined } }).has) {
 *   throw new Error();
 * }
 * ```
 */
export const DIAGNOSTICS_FAMILY: TrackerFamily = {
  key: "diagnostics",
  catalogue: DIAGNOSTICS_CATALOGUE,
  applies: ({ suite }: TrackerContext) =>
    suite.diagnostics
      ? { has: true, because: `suite ${suite.id} has physics diagnostics` }
      : { has: false, because: `suite ${suite.id} has no physics diagnostics` },
  features: ({ suite, pointsPerField }: TrackerContext) =>
    suite.diagnostics &&
    diagnosticsFeatures(
      (s) => suite.diagnostics!(s),
      suite.fields.length * pointsPerField,
    ),
  build(ctx: TrackerContext, from): DiagnosticsTracker {
    const { suite } = ctx;
    const options = {
      ics: ctx.ics,
      steps: ctx.steps,
      diagnostics: (s: Float32Array | Float64Array) => suite.diagnostics!(s),
    };
    return from.states
      ? DiagnosticsTracker.fromStates(options, from.states as DiagnosticsState[], from.partial)
      : new DiagnosticsTracker(options);
  },
};

/**
 * The reference features of a {@link DiagnosticsTracker} (`metrics/tracker.ts`): the values of
 * `diagnostics(ref)`, in the order of the names it returns for a zero state of `stateSize` values
 * (the names are part of the version, so renaming one invalidates a cache). `undefined` where that
 * probe throws or returns no names: the tracker then computes them as it does without features.
 *
 * @example
 * ```ts
 * import { DiagnosticsTracker, diagnosticsFeatures } from "./diagnostics.ts";
 * const diagnostics = (s: Float32Array | Float64Array) => ({ mass: s[0] + s[1], peak: s[1] });
 * const f = diagnosticsFeatures(diagnostics, 2)!;
 * const y = Float32Array.of(1, 2), p = Float32Array.of(1, 3);
 * const a = new DiagnosticsTracker({ ics: 1, steps: 1, diagnostics });
 * const b = new DiagnosticsTracker({ ics: 1, steps: 1, diagnostics });
 * for (const t of [a, b]) t.observeInitial(0, y);
 * a.observe(0, 1, p, y);
 * b.observe(0, 1, p, y, f.compute(y));
 * if (f.version !== "1:mass,peak" || f.compute(y).join() !== "3,2") throw new Error();
 * if (JSON.stringify(a.rows()) !== JSON.stringify(b.rows())) throw new Error();
 * ```
 */
export function diagnosticsFeatures(
  diagnostics: DiagnosticsFn,
  stateSize: number,
): ReferenceFeatures | undefined {
  let names: string[];
  try {
    names = Object.keys(diagnostics(new Float32Array(stateSize)) ?? {});
  } catch {
    return undefined;
  }
  if (names.length === 0) return undefined;
  return {
    version: `1:${names.join(",")}`,
    size: names.length,
    compute(state) {
      const got = diagnostics(state);
      return Float64Array.from(names, (k) => (typeof got[k] === "number" ? got[k] : NaN));
    },
  };
}

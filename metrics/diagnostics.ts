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
  /** The suite's diagnostics; names `[a-z0-9_]+`, the same set for every state. */
  readonly diagnostics: DiagnosticsFn;
}

const NAME = /^[a-z0-9_]+$/;

/**
 * Streaming tracker of suite diagnostics: {@link DiagnosticsTracker.observeInitial} once per
 * IC, {@link DiagnosticsTracker.observe} per IC and predicted step, and
 * {@link DiagnosticsTracker.diverged} at an IC's first non-finite output; then
 * {@link DiagnosticsTracker.rows} (catalogue in the module documentation). Stores
 * `2 · N · (T + 1) · D` float64 values, never fields.
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

  /** Record the diagnostics of IC `ic`'s prediction and reference at `step` (1..T). */
  observe(
    ic: number,
    step: number,
    pred: Float32Array | Float64Array,
    ref: Float32Array | Float64Array,
  ): void {
    this.#check(ic, step, "observe");
    if (step < 1) {
      throw new RangeError(`Cannot observe IC ${ic}: expected a step in [1, ${this.#t}], found 0`);
    }
    this.#store(ic, step, this.#evaluate(ic, step, pred), this.#evaluate(ic, step, ref));
  }

  /** Mark IC `ic` diverged at `step`: from there it contributes to no mean. */
  diverged(ic: number, step: number): void {
    this.#check(ic, step, "mark divergence of");
    this.#divergedAt[ic] = Math.min(this.#divergedAt[ic], step);
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

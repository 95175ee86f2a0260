/**
 * The anchors' metrics as a metric family (`metrics/tracker.ts`): PDEBench's fRMSE bands, cRMSE
 * and max error, The Well's VRMSE and the bias, per field and step, for every forecast run
 * (formulas in `metrics/anchors.ts`). Per (IC, step, field) it keeps six float64 numbers; the
 * rows ({@link AnchorsTracker.rows}), over the ICs that contribute at a step (observed, not
 * diverged at or before it; `n` says how many, `null` with `n: 0` where none):
 *
 * - `bias`, `"mean_over_ics"`: mean over ICs of ⟨p − y⟩.
 * - `crmse`, `"rms_over_ics"`: √(mean over ICs of (⟨p⟩ − ⟨y⟩)²), PDEBench's cRMSE with all ICs
 *   as one batch; only for the suite's `conservedFields` (default every field).
 * - `max_error`, `"max_over_ics"`: max over ICs of max |p − y| (PDEBench's "worst case in all
 *   the data").
 * - `vrmse`, `"mean_over_ics"`: mean over ICs of The Well's VRMSE (ICs whose reference field is
 *   constant are left out: undefined there).
 * - `frmse_low`, `frmse_mid`, `frmse_high`, `"mean_over_ics"`: mean over ICs of PDEBench's band
 *   means of the Fourier error (edges 4 and 12). PDEBench takes the root mean square over each
 *   validation batch before the band mean, so its number depends on the batch size; these are
 *   its values at batch size 1, averaged over ICs (batch-independent). Only on grids with a
 *   Fourier basis here: periodic 1D and 2D grids with power-of-two extents (a reflecting-wall
 *   box is transformed as PDEBench does, as if periodic).
 *
 * Catalogue entries of these ids (direction, label, units): `metrics/catalogue.ts`, family
 * `anchors`.
 *
 * @example
 * ```ts
 * import { ANCHORS_FAMILY } from "./anchors_tracker.ts";
 * const ctx = {
 *   suite: { id: "toy", fields: ["u"], energy: () => 0, grid: { kind: "periodic1d", n: 4, length: 1 } },
 *   pointsPerField: 4, ics: 1, steps: 1, firstStep: 1, summarySteps: [], seed: 0,
 * };
 * const t = ANCHORS_FAMILY.build(ctx, { built: new Map() });
 * t.observe(0, 1, new Float32Array([1, 1, 1, 1]), new Float32Array([0, 2, 0, 2]));
 * const vrmse = t.rows().find((r) => r.metric === "vrmse")!;
 * if (vrmse.value !== 1 || vrmse.n !== 1) throw new Error(JSON.stringify(vrmse));
 * ```
 * @module
 */
import type { ResultRow } from "./rows.ts";
import { type CatalogueSection, metricInfo } from "./metric_info.ts";
import type { TrackedSuite, Tracker, TrackerContext, TrackerFamily } from "./tracker.ts";
import {
  base64ToBytes,
  base64ToF64,
  bytesToBase64,
  checkCoverage,
  f64ToBase64,
} from "./state_codec.ts";
import { pdebenchBands, pdebenchFourierErrors, pointAnchors } from "./anchors.ts";
import { PreparedSteps } from "./prepared_steps.ts";

/** Schema tag of an {@link AnchorsState}. */
export const ANCHORS_STATE_SCHEMA = "emubench.anchors-state/1";

const STORED = ["bias", "vrmse", "max_error", "frmse_low", "frmse_mid", "frmse_high"] as const;
const M = STORED.length;
const BIAS = 0, VRMSE = 1, MAX = 2, FLOW = 3;

/** What an {@link AnchorsTracker} stored for some ICs, as plain JSON (shard files). */
export interface AnchorsState {
  schema: typeof ANCHORS_STATE_SCHEMA;
  /** Header: must equal the merging tracker's. */
  fields: string[];
  pointsPerField: number;
  ics: number;
  steps: number;
  /** Fourier shape and lengths, or null where fRMSE is not scored. */
  fourier: { shape: number[]; lengths: number[] } | null;
  conserved: string[];
  metrics: string[];
  /** IC indices held, ascending. */
  covered: number[];
  /** Per covered IC: first diverged step, or null. */
  divergedAt: (number | null)[];
  /** `[covered, T, C, 6]` float64 (base64). */
  values: string;
  /** `[covered, T]` bytes: 1 once observed. */
  observed: string;
}

/** Options of {@link AnchorsTracker}. */
export interface AnchorsOptions {
  readonly fields: readonly string[];
  readonly pointsPerField: number;
  readonly ics: number;
  readonly steps: number;
  /** Shape and lengths of one field for fRMSE, or null for none. */
  readonly fourier:
    | { readonly shape: readonly number[]; readonly lengths: readonly number[] }
    | null;
  /** Fields scored by `crmse`. */
  readonly conserved: readonly string[];
  /** First predicted step s₀ (default 1): `prepare` counts the steps before it as final. */
  readonly firstStep?: number;
}

/** One kind of row of {@link AnchorsTracker.rows}. */
interface AnchorRowKind {
  readonly metric: string;
  /** Slot in the stored numbers. */
  readonly m: number;
  readonly reduction: string;
  readonly reduce: (xs: number[]) => number;
  /** Only these fields (crmse: the conserved ones); absent: every field. */
  readonly only?: readonly string[];
}

/** The Fourier shape of a suite's grid for fRMSE, or null where there is none here. */
export function fourierShape(
  grid: TrackedSuite["grid"],
): { shape: number[]; lengths: number[] } | null {
  const pow2 = (n: number | undefined): n is number =>
    n !== undefined && Number.isInteger(n) && n >= 2 && (n & (n - 1)) === 0;
  if (grid?.kind === "periodic1d" && pow2(grid.n) && grid.length !== undefined) {
    return { shape: [grid.n], lengths: [grid.length] };
  }
  if (
    grid?.kind === "grid2d" && pow2(grid.ny) && pow2(grid.nx) && grid.ly !== undefined &&
    grid.lx !== undefined
  ) {
    return { shape: [grid.ny, grid.nx], lengths: [grid.ly, grid.lx] };
  }
  return null;
}

/** Streaming accumulator of the anchors' metrics (module doc). */
export class AnchorsTracker implements Tracker {
  readonly #o: AnchorsOptions;
  readonly #values: Float64Array;
  readonly #observed: Uint8Array;
  readonly #divergedAt: Float64Array;
  #seconds = 0;
  /** Rows `prepare()` computed for the final steps (a step's rows in `rows()`' kind and field order). */
  readonly #kept: PreparedSteps<ResultRow[]>;
  /** Scratch of the Fourier errors of one field (`pdebenchFourierErrors`' `out`), if scored. */
  readonly #fourierErrors: Float64Array | undefined;

  /** Validate the options and allocate `6·N·T·C` numbers. */
  constructor(o: AnchorsOptions) {
    for (
      const [k, v] of [["ics", o.ics], ["steps", o.steps], [
        "pointsPerField",
        o.pointsPerField,
      ]] as const
    ) {
      if (!Number.isInteger(v) || v < 1) {
        throw new RangeError(
          `Cannot create an AnchorsTracker: ${k}: expected an integer ≥ 1, found ${v}`,
        );
      }
    }
    if (o.fields.length < 1) {
      throw new RangeError(
        "Cannot create an AnchorsTracker: fields: expected at least one, found none",
      );
    }
    const bad = o.conserved.filter((f) => !o.fields.includes(f));
    if (bad.length > 0) {
      throw new RangeError(
        `Cannot create an AnchorsTracker: conserved: expected names among ${
          o.fields.join(", ")
        }, found ${bad.join(", ")}`,
      );
    }
    if (o.fourier && o.fourier.shape.reduce((a, b) => a * b, 1) !== o.pointsPerField) {
      throw new RangeError(
        `Cannot create an AnchorsTracker: fourier.shape [${o.fourier.shape}] does not hold ${o.pointsPerField} points`,
      );
    }
    this.#o = o;
    this.#values = new Float64Array(o.ics * o.steps * o.fields.length * M).fill(NaN);
    this.#observed = new Uint8Array(o.ics * o.steps);
    this.#divergedAt = new Float64Array(o.ics).fill(Infinity);
    this.#kept = new PreparedSteps(o.steps, o.firstStep ?? 1);
    // As many values as pdebenchFourierErrors returns (a shape it refuses: no scratch, and
    // observe gets its error).
    const shape = o.fourier?.shape ?? [];
    const count = shape.length === 1 ? shape[0] / 2 + 1 : Math.min(shape[0], shape[1]) / 2;
    this.#fourierErrors = shape.length > 0 && Number.isInteger(count) && count >= 1
      ? new Float64Array(count)
      : undefined;
  }

  /** Seconds spent in {@link AnchorsTracker.observe}. */
  get seconds(): number {
    return this.#seconds;
  }

  /** Score IC `ic` at `step` (1..T): `pred`, `ref` are whole states `[C·X]`. */
  observe(ic: number, step: number, pred: Float32Array, ref: Float32Array): void {
    const { fields, pointsPerField: X, ics, steps, fourier } = this.#o, C = fields.length;
    if (
      !Number.isInteger(ic) || ic < 0 || ic >= ics || !Number.isInteger(step) || step < 1 ||
      step > steps
    ) {
      throw new RangeError(
        `AnchorsTracker.observe: expected an IC in [0, ${ics}) and a step in [1, ${steps}], found IC ${ic}, step ${step}`,
      );
    }
    if (pred.length !== C * X || ref.length !== C * X) {
      throw new TypeError(
        `AnchorsTracker.observe: expected states of ${
          C * X
        } values (${C} fields × ${X} points), found ${pred.length} and ${ref.length}`,
      );
    }
    const t0 = performance.now();
    this.#kept.drop(step);
    for (let c = 0; c < C; c++) {
      const p = pred.subarray(c * X, (c + 1) * X), y = ref.subarray(c * X, (c + 1) * X);
      const at = ((ic * steps + step - 1) * C + c) * M, v = this.#values;
      const a = pointAnchors(p, y);
      v[at + BIAS] = a.bias;
      v[at + VRMSE] = a.vrmse;
      v[at + MAX] = a.maxError;
      if (fourier) {
        const e = pdebenchFourierErrors(p, y, fourier.shape, fourier.lengths, this.#fourierErrors);
        const b = pdebenchBands(e);
        v[at + FLOW] = b.low;
        v[at + FLOW + 1] = b.mid;
        v[at + FLOW + 2] = b.high;
      }
    }
    this.#observed[ic * steps + step - 1] = 1;
    this.#seconds += (performance.now() - t0) / 1000;
  }

  /** IC `ic` diverged at `step`: it leaves every reduction from that step on. */
  diverged(ic: number, step: number): void {
    if (step < this.#divergedAt[ic]) this.#kept.drop(step);
    this.#divergedAt[ic] = Math.min(this.#divergedAt[ic], step);
  }

  /** The rows (module doc). */
  rows(): ResultRow[] {
    const { fields, steps: T } = this.#o;
    const rows: ResultRow[] = [];
    const kinds = this.#kinds();
    // Metric by metric, field by field, step by step; the rows of steps `prepare()` found final
    // are kept ones (a step's rows in this same metric and field order).
    let k = 0;
    for (const kind of kinds) {
      for (let c = 0; c < fields.length; c++) {
        if (kind.only && !kind.only.includes(fields[c])) continue;
        for (let step = 1; step <= T; step++) {
          rows.push(this.#kept.get(step)?.[k] ?? this.#row(kind, c, step));
        }
        k++;
      }
    }
    return rows;
  }

  /**
   * Compute now the rows of the steps that are final (every IC observed there or diverged at or
   * before it; steps before the first predicted one count as final), as `RolloutScorer.prepare`
   * does: `rows()` then uses them, the same rows; an observation or divergence at a prepared
   * step drops what was kept from that step on.
   */
  prepare(): void {
    const { fields } = this.#o, kinds = this.#kinds();
    this.#kept.advance(this.#observed, this.#divergedAt, (step) => {
      const rows: ResultRow[] = [];
      for (const kind of kinds) {
        for (let c = 0; c < fields.length; c++) {
          if (!kind.only || kind.only.includes(fields[c])) rows.push(this.#row(kind, c, step));
        }
      }
      return rows;
    });
  }

  /** The row kinds in row order: metric, stored slot, reduction, reducer, fields (all: none). */
  #kinds(): readonly AnchorRowKind[] {
    const { fourier, conserved } = this.#o;
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const kinds: AnchorRowKind[] = [
      { metric: "bias", m: BIAS, reduction: "mean_over_ics", reduce: mean },
      {
        metric: "crmse",
        m: BIAS,
        reduction: "rms_over_ics",
        reduce: (xs) => Math.sqrt(mean(xs.map((x) => x * x))),
        only: conserved,
      },
      { metric: "max_error", m: MAX, reduction: "max_over_ics", reduce: (xs) => Math.max(...xs) },
      { metric: "vrmse", m: VRMSE, reduction: "mean_over_ics", reduce: mean },
    ];
    if (fourier) {
      kinds.push(
        { metric: "frmse_low", m: FLOW, reduction: "mean_over_ics", reduce: mean },
        { metric: "frmse_mid", m: FLOW + 1, reduction: "mean_over_ics", reduce: mean },
        { metric: "frmse_high", m: FLOW + 2, reduction: "mean_over_ics", reduce: mean },
      );
    }
    return kinds;
  }

  /** The row of `kind` for field `c` at `step`, over the ICs that contribute there. */
  #row(kind: AnchorRowKind, c: number, step: number): ResultRow {
    const { fields, ics: N, steps: T } = this.#o, C = fields.length, v = this.#values;
    const xs: number[] = [];
    for (let ic = 0; ic < N; ic++) {
      if (step >= this.#divergedAt[ic] || this.#observed[ic * T + step - 1] !== 1) continue;
      const x = v[((ic * T + step - 1) * C + c) * M + kind.m];
      if (Number.isFinite(x)) xs.push(x);
    }
    return {
      metric: kind.metric,
      field: fields[c],
      step,
      value: xs.length > 0 ? kind.reduce(xs) : null,
      n: xs.length,
      reduction: kind.reduction,
    };
  }

  #header(): Omit<AnchorsState, "schema" | "covered" | "divergedAt" | "values" | "observed"> {
    const o = this.#o;
    return {
      fields: [...o.fields],
      pointsPerField: o.pointsPerField,
      ics: o.ics,
      steps: o.steps,
      fourier: o.fourier ? { shape: [...o.fourier.shape], lengths: [...o.fourier.lengths] } : null,
      conserved: [...o.conserved],
      metrics: [...STORED],
    };
  }

  /** The numbers of ICs `ics` (ascending, distinct) as an {@link AnchorsState}. */
  toState(ics: readonly number[]): AnchorsState {
    const { ics: N, steps: T, fields } = this.#o, per = T * fields.length * M;
    ics.forEach((ic, i) => {
      if (!Number.isInteger(ic) || ic < 0 || ic >= N || (i > 0 && ic <= ics[i - 1])) {
        throw new RangeError(
          `Cannot export the anchors state: expected ascending ICs in [0, ${N}), found ${ic}`,
        );
      }
    });
    const values = new Float64Array(ics.length * per), observed = new Uint8Array(ics.length * T);
    ics.forEach((ic, i) => {
      values.set(this.#values.subarray(ic * per, (ic + 1) * per), i * per);
      observed.set(this.#observed.subarray(ic * T, (ic + 1) * T), i * T);
    });
    return {
      schema: ANCHORS_STATE_SCHEMA,
      ...this.#header(),
      covered: [...ics],
      divergedAt: ics.map((ic) =>
        Number.isFinite(this.#divergedAt[ic]) ? this.#divergedAt[ic] : null
      ),
      values: f64ToBase64(values),
      observed: bytesToBase64(observed),
    };
  }

  /**
   * A tracker holding the ICs of `states` (every IC of the run in exactly one), whose rows equal
   * bit for bit those of one tracker that observed everything. `TypeError` / `RangeError`
   * naming `state j` for a state that does not fit.
   *
   * With `partial`, ICs in none of the states stay unobserved (a shard's own rows, checked by
   * `emubench merge`) instead of being an error.
   * @example
   * ```ts
   * import { AnchorsTracker } from "./anchors_tracker.ts";
   * const o = { fields: ["u"], pointsPerField: 2, ics: 2, steps: 1, fourier: null, conserved: ["u"] };
   * const whole = new AnchorsTracker(o);
   * whole.observe(0, 1, new Float32Array([1, 2]), new Float32Array([0, 0]));
   * whole.observe(1, 1, new Float32Array([3, 2]), new Float32Array([0, 1]));
   * const states = JSON.parse(JSON.stringify([whole.toState([0]), whole.toState([1])]));
   * const merged = AnchorsTracker.fromStates(o, states);
   * if (JSON.stringify(merged.rows()) !== JSON.stringify(whole.rows())) throw new Error("merge");
   * ```
   */
  static fromStates(
    o: AnchorsOptions,
    states: readonly AnchorsState[],
    partial = false,
  ): AnchorsTracker {
    const t = new AnchorsTracker(o);
    const { ics: N, steps: T, fields } = o, per = T * fields.length * M;
    const owner = new Int32Array(N).fill(-1);
    const header = JSON.stringify(t.#header());
    states.forEach((s, j) => {
      const where = `state ${j}`;
      if (typeof s !== "object" || s === null || s.schema !== ANCHORS_STATE_SCHEMA) {
        throw new TypeError(
          `Cannot merge anchors states: ${where}: expected schema "${ANCHORS_STATE_SCHEMA}", found ${
            JSON.stringify((s as { schema?: unknown } | null)?.schema)
          }`,
        );
      }
      const { schema: _s, covered, divergedAt, values, observed, ...rest } = s;
      if (JSON.stringify(rest) !== header) {
        throw new RangeError(
          `Cannot merge anchors states: ${where}: expected the header ${
            header.slice(0, 200)
          } (the merging tracker's), found ${JSON.stringify(rest).slice(0, 200)}`,
        );
      }
      if (
        !Array.isArray(covered) || !Array.isArray(divergedAt) ||
        divergedAt.length !== covered.length
      ) {
        throw new TypeError(
          `Cannot merge anchors states: ${where}: expected covered and divergedAt lists of equal length`,
        );
      }
      const vals = base64ToF64(values, covered.length * per, `${where}: values`, "anchors states");
      const obs = base64ToBytes(
        observed,
        covered.length * T,
        `${where}: observed`,
        "anchors states",
      );
      covered.forEach((ic, i) => {
        if (!Number.isInteger(ic) || ic < 0 || ic >= N || (i > 0 && ic <= covered[i - 1])) {
          throw new RangeError(
            `Cannot merge anchors states: ${where}: covered[${i}]: expected ascending ICs in [0, ${
              N - 1
            }], found ${ic}`,
          );
        }
        if (owner[ic] >= 0) {
          throw new RangeError(
            `Cannot merge anchors states: IC ${ic} is in state ${
              owner[ic]
            } and state ${j}; expected every IC in exactly one state`,
          );
        }
        const d = divergedAt[i];
        if (d !== null && !(Number.isInteger(d) && d >= 1 && d <= T)) {
          throw new RangeError(
            `Cannot merge anchors states: ${where}: divergedAt[${i}]: expected null or a step in [1, ${T}], found ${d}`,
          );
        }
        owner[ic] = j;
        t.#values.set(vals.subarray(i * per, (i + 1) * per), ic * per);
        t.#observed.set(obs.subarray(i * T, (i + 1) * T), ic * T);
        t.#divergedAt[ic] = d ?? Infinity;
      });
    });
    if (!partial) checkCoverage(owner, states.length, "anchors states");
    return t;
  }
}

/** The tracker options of a run in `ctx`. */
function anchorsOptions(ctx: TrackerContext): AnchorsOptions {
  const { suite } = ctx;
  const fourier = fourierShape(suite.grid);
  return {
    fields: suite.fields,
    pointsPerField: ctx.pointsPerField,
    ics: ctx.ics,
    steps: ctx.steps,
    fourier: fourier && fourier.shape.reduce((a, b) => a * b, 1) === ctx.pointsPerField
      ? fourier
      : null,
    conserved: suite.conservedFields ?? suite.fields,
    firstStep: ctx.firstStep,
  };
}

/**
 * The ids of the anchors' family: bias, cRMSE, max error, VRMSE and the PDEBench fRMSE bands.
 *
 * @example
 * ```ts
 * import { ANCHORS_CATALOGUE } from "./anchors_tracker.ts";
 * if (ANCHORS_CATALOGUE.exact?.vrmse.direction !== "lower") throw new Error();
 * ```
 */
export const ANCHORS_CATALOGUE: CatalogueSection = {
  exact: {
    bias: metricInfo(
      "none",
      "bias",
      "field units",
      "anchors",
      "⟨p − y⟩ per IC, mean over ICs; signed, 0 is best (WeatherBench 2 Bias)",
    ),
    crmse: metricInfo(
      "lower",
      "cRMSE",
      "field units",
      "anchors",
      "√(mean over ICs of (⟨p⟩ − ⟨y⟩)²), error of the conserved spatial mean (PDEBench cRMSE)",
    ),
    max_error: metricInfo(
      "lower",
      "max error",
      "field units",
      "anchors",
      "max over ICs and points of |p − y| (PDEBench max error)",
    ),
    vrmse: metricInfo(
      "lower",
      "VRMSE",
      "1",
      "anchors",
      "√(⟨(p − y)²⟩ / var y) per IC, mean over ICs; 1 = predicting the mean (The Well)",
    ),
    frmse_low: metricInfo(
      "lower",
      "fRMSE (modes 0–3)",
      "field units × domain measure",
      "anchors",
      "PDEBench Fourier RMSE, mean over modes 0–3 of |DFT(p − y)|·L/N, mean over ICs",
    ),
    frmse_mid: metricInfo(
      "lower",
      "fRMSE (modes 4–11)",
      "field units × domain measure",
      "anchors",
      "PDEBench Fourier RMSE, mean over modes 4–11 of |DFT(p − y)|·L/N, mean over ICs",
    ),
    frmse_high: metricInfo(
      "lower",
      "fRMSE (modes ≥ 12)",
      "field units × domain measure",
      "anchors",
      "PDEBench Fourier RMSE, mean over modes ≥ 12 of |DFT(p − y)|·L/N, mean over ICs",
    ),
  },
};

/**
 * The anchors' metrics as a family: every forecast run has them; a merge rebuilds the tracker
 * from the shards' states ({@link AnchorsTracker.fromStates}).
 *
 * @example
 * ```ts
 * import { ANCHORS_FAMILY } from "./anchors_tracker.ts";
 * const ctx = {
 *   suite: { id: "toy", fields: ["u"], energy: () => 0 }, pointsPerField: 3, ics: 1, steps: 1,
 *   firstStep: 1, summarySteps: [], seed: 0,
 * };
 * const ids = new Set(ANCHORS_FAMILY.build(ctx, { built: new Map() }).rows().map((r) => r.metric));
 * if (ids.has("frmse_low") || !ids.has("crmse")) throw new Error("no Fourier grid, no fRMSE");
 * ```
 */
export const ANCHORS_FAMILY: TrackerFamily = {
  key: "anchors",
  catalogue: ANCHORS_CATALOGUE,
  label: "anchors (fRMSE/cRMSE/VRMSE/bias)",
  applies: () => ({ has: true, because: "every forecast run has the anchors' metrics" }),
  build(ctx, from): Tracker {
    const o = anchorsOptions(ctx);
    return from.states
      ? AnchorsTracker.fromStates(o, from.states as AnchorsState[], from.partial)
      : new AnchorsTracker(o);
  },
};

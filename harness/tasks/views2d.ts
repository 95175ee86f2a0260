/**
 * What a result of a 2D suite keeps of the fields themselves, for reports: snapshots at two
 * steps (full fields, but not at every summary step: one 128² field is 16 384 numbers) and a
 * space–time (Hovmöller) diagram of one field along a line through the domain centre, where
 * phase errors show as tilted or displaced wave fronts without any animation.
 *
 * Values are rounded to {@link VIEW_DIGITS} significant digits: these blocks feed plots, while
 * every score is computed from the full-precision fields by the scorer. 1D results are not
 * touched by this module (their snapshots keep every step and every digit).
 * @module
 */
import type { Grid2D } from "../../suites/common/types.ts";
import type { Hovmoller } from "../results/schema.ts";
import { type ReferenceSource, stepsPerWindow } from "../data/reference_source.ts";

/** Significant digits kept in 2D snapshot and Hovmöller values. */
export const VIEW_DIGITS = 6;

/**
 * A value rounded to {@link VIEW_DIGITS} significant digits (JSON stays short: `1.02345`, not
 * `1.0234500169754028`).
 *
 * @example
 * ```ts
 * import { roundView } from "./views2d.ts";
 * if (roundView(Math.fround(0.1)) !== 0.1 || roundView(-1234567) !== -1234570) throw new Error();
 * ```
 */
export function roundView(v: number): number {
  return Number(v.toPrecision(VIEW_DIGITS));
}

/**
 * Snapshot steps of a 2D run: the last two distinct steps of (summary steps ≤ T) ∪ {T}, e.g.
 * 50 and 100 for summary steps 1, 10, 25, 50, 100 and T = 100; steps before `firstStep` (the
 * reference window of a history model) are skipped.
 *
 * @example
 * ```ts
 * import { snapshotSteps2D } from "./views2d.ts";
 * if (snapshotSteps2D([1, 10, 25, 50, 100], 100).join() !== "50,100") throw new Error();
 * if (snapshotSteps2D([1, 10, 25], 10).join() !== "1,10") throw new Error();
 * if (snapshotSteps2D([1], 1, 1).join() !== "1") throw new Error();
 * ```
 */
export function snapshotSteps2D(
  summarySteps: readonly number[],
  steps: number,
  firstStep = 1,
): number[] {
  const all = [...new Set([...summarySteps.filter((s) => s <= steps), steps])]
    .filter((s) => s >= Math.max(1, firstStep))
    .sort((a, b) => a - b);
  return all.slice(-2);
}

/** Options of {@link HovmollerRecorder}. */
export interface HovmollerOptions {
  /** The suite's 2D grid. */
  readonly grid: Grid2D;
  /** Field names in channel order. */
  readonly fields: readonly string[];
  /** Field drawn (default the first, e.g. `h`). */
  readonly field?: string;
  /** IC recorded (default 0). */
  readonly ic?: number;
  /** Horizon T. */
  readonly steps: number;
  /** First predicted step (the model's history k); earlier rows are reference inputs. */
  readonly firstStep: number;
  /**
   * The recorded IC's reference trajectory `[T + 1, C, H, W]`, or only its rows, one per step
   * 0..T, as taken by {@link HovmollerRecorder.fromSource}.
   */
  readonly reference: Float32Array | { readonly rows: readonly (readonly number[])[] };
}

/**
 * Records the Hovmöller block of a result: the field along the grid row through the domain
 * centre, `j = ⌊H/2⌋` (cell centres y = (j + ½)Δy, e.g. y = 0.50390625 on 128² of the unit box),
 * at every step 0..T, for the prediction and the reference.
 *
 * @example
 * ```ts
 * import { HovmollerRecorder } from "./views2d.ts";
 * const grid = { kind: "grid2d", ny: 2, nx: 2, ly: 1, lx: 1, boundary: "periodic" } as const;
 * // one field, T = 2: the reference row j = 1 holds (s, s) at step s
 * const reference = Float32Array.from([0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2]);
 * const rec = new HovmollerRecorder({ grid, fields: ["h"], steps: 2, firstStep: 1, reference });
 * rec.observe(1, Float32Array.from([0, 0, 1.5, 1.5]));
 * rec.diverged(2);
 * const h = rec.result();
 * if (JSON.stringify(h.pred) !== "[[0,0],[1.5,1.5],null]" || h.y !== 0.75) throw new Error();
 * ```
 */
export class HovmollerRecorder {
  readonly #o: Omit<HovmollerOptions, "reference">;
  readonly #channel: number;
  readonly #row: number;
  readonly #pred: (number[] | null)[];
  /** The reference's row at every step 0..T. */
  readonly #ref: number[][];
  #divergedAt = Infinity;

  /** Check the options and take the reference rows. */
  constructor(options: HovmollerOptions) {
    const { reference, ...rest } = options;
    const { grid, fields, steps } = options;
    const field = options.field ?? fields[0];
    const channel = fields.indexOf(field);
    if (channel < 0) {
      throw new RangeError(
        `Cannot record a Hovmöller diagram: expected a field among ${fields.join(", ")}, ` +
          `found ${JSON.stringify(field)}`,
      );
    }
    const frame = fields.length * grid.ny * grid.nx;
    if (reference instanceof Float32Array && reference.length !== (steps + 1) * frame) {
      throw new TypeError(
        `Cannot record a Hovmöller diagram: expected a reference [${
          steps + 1
        }, ${fields.length}, ` +
          `${grid.ny}, ${grid.nx}] (${(steps + 1) * frame} values), found ${reference.length}`,
      );
    }
    if (
      !(reference instanceof Float32Array) &&
      (reference.rows.length !== steps + 1 || reference.rows.some((r) => r.length !== grid.nx))
    ) {
      throw new TypeError(
        `Cannot record a Hovmöller diagram: expected ${steps + 1} reference rows of ${grid.nx} ` +
          `values, found ${reference.rows.length}`,
      );
    }
    this.#o = rest;
    this.#channel = channel;
    this.#row = Math.floor(grid.ny / 2);
    this.#pred = new Array(steps + 1).fill(null);
    this.#ref = reference instanceof Float32Array
      ? Array.from({ length: steps + 1 }, (_, s) => this.#line(reference, s))
      : reference.rows.map((r) => [...r]);
    // Steps before the first prediction are the reference window the model was given.
    for (let s = 0; s < Math.min(options.firstStep, steps + 1); s++) {
      this.#pred[s] = [...this.#ref[s]];
    }
  }

  /**
   * A recorder whose reference rows are read from `source` (IC `options.ic`, default 0), one
   * step window at a time: only the rows are kept, `(T + 1) × W` numbers, never the trajectory.
   *
   * @example
   * ```ts
   * import { HovmollerRecorder } from "./views2d.ts";
   * import { arrayReferenceSource } from "../data/reference_source.ts";
   * const grid = { kind: "grid2d", ny: 2, nx: 2, ly: 1, lx: 1, boundary: "periodic" } as const;
   * const reference = Float32Array.from([0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2]); // IC 0, T = 2
   * const options = { grid, fields: ["h"], steps: 2, firstStep: 1 };
   * const a = await HovmollerRecorder.fromSource(options, arrayReferenceSource(reference, 1, 2));
   * const b = new HovmollerRecorder({ ...options, reference });
   * if (JSON.stringify(a.result()) !== JSON.stringify(b.result())) throw new Error();
   * ```
   */
  static async fromSource(
    options: Omit<HovmollerOptions, "reference">,
    source: ReferenceSource,
  ): Promise<HovmollerRecorder> {
    const ic = options.ic ?? 0, T = options.steps;
    const frame = options.fields.length * options.grid.ny * options.grid.nx;
    if (source.stateSize !== frame || source.steps < T) {
      throw new TypeError(
        `Cannot record a Hovmöller diagram: expected a reference of ${T + 1} states of ${frame} ` +
          `values, found ${source.steps + 1} states of ${source.stateSize}`,
      );
    }
    // Only the drawn row of each state is kept (the constructor checks the field).
    const channel = Math.max(0, options.fields.indexOf(options.field ?? options.fields[0]));
    const nx = options.grid.nx;
    const at = (channel * options.grid.ny + Math.floor(options.grid.ny / 2)) * nx;
    const rows: number[][] = [];
    const W = stepsPerWindow(frame, 1);
    for (let t0 = 0; t0 <= T; t0 += W) {
      const t1 = Math.min(T + 1, t0 + W);
      const w = await source.window(ic, ic + 1, t0, t1);
      for (let t = 0; t < t1 - t0; t++) {
        rows.push(Array.from(w.subarray(t * frame + at, t * frame + at + nx), roundView));
      }
    }
    return new HovmollerRecorder({ ...options, reference: { rows } });
  }

  /** Record the prediction `[C, H, W]` at `step` (finite: the rollout checked it). */
  observe(step: number, pred: Float32Array): void {
    if (step >= this.#divergedAt) return;
    this.#pred[step] = this.#line(pred, 0);
  }

  /** From `step` on the prediction is missing (NaN/Inf somewhere in the state). */
  diverged(step: number): void {
    this.#divergedAt = Math.min(this.#divergedAt, step);
    for (let s = step; s < this.#pred.length; s++) this.#pred[s] = null;
  }

  /** The result block. */
  result(): Hovmoller {
    const { grid, steps, fields } = this.#o;
    const dx = grid.lx / grid.nx, dy = grid.ly / grid.ny;
    return {
      ic: this.#o.ic ?? 0,
      field: fields[this.#channel],
      axis: "x",
      row: this.#row,
      y: (this.#row + 0.5) * dy,
      x: Array.from({ length: grid.nx }, (_, i) => (i + 0.5) * dx),
      firstStep: this.#o.firstStep,
      steps: Array.from({ length: steps + 1 }, (_, s) => s),
      pred: this.#pred.map((r) => (r === null ? null : [...r])),
      ref: this.#ref.map((r) => [...r]),
    };
  }

  /** Row `#row` of channel `#channel` of state `index` in `states` (`[.., C, H, W]`). */
  #line(states: Float32Array, index: number): number[] {
    const { grid, fields } = this.#o;
    const frame = fields.length * grid.ny * grid.nx;
    const start = index * frame + (this.#channel * grid.ny + this.#row) * grid.nx;
    return Array.from(states.subarray(start, start + grid.nx), roundView);
  }
}

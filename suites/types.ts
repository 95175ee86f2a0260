/**
 * The typed declaration every suite provides. A suite is data plus two pure functions:
 * deterministic initial conditions from a seed, and the reference trajectory from those ICs.
 *
 * Layout conventions (SPEC §2): a state of one IC is a flat `Float32Array` of `C * X` values
 * (1D, channel-major: field `c` at point `i` is `state[c * X + i]`). A batch of `N` states is
 * `N * C * X` values. A trajectory batch is `[N, T + 1, C, X]`, step 0 being the IC.
 * @module
 */

/** Size presets. Tiers change counts and horizons, never physics. */
export type TierName = "smoke" | "standard" | "paper";

/** Counts and horizon of one tier. */
export interface Tier {
  /** Number of initial conditions. */
  readonly ics: number;
  /** Rollout horizon in model steps. */
  readonly steps: number;
}

/** Periodic 1D grid on `[0, length)` with `x_i = i * length / n`. */
export interface PeriodicGrid1D {
  readonly kind: "periodic1d";
  /** Number of grid points. */
  readonly n: number;
  /** Domain length. */
  readonly length: number;
}

/** Grids known to emubench. 2D and HEALPix grids join this union with their suites. */
export type Grid = PeriodicGrid1D;

/** Number of values in one field on the grid. */
export function gridSize(grid: Grid): number {
  return grid.n;
}

/** Shape of one field on the grid (without batch and channel axes). */
export function gridShape(grid: Grid): number[] {
  return [grid.n];
}

/** How a metric is aggregated and ranked (lm-evaluation-harness style). */
export interface MetricDecl {
  /** Metric id as it appears in result rows, e.g. `"nrmse"`. */
  readonly id: string;
  /** True when larger is better (e.g. ACC), false for errors. */
  readonly higherIsBetter: boolean;
  /** One line for reports. */
  readonly description: string;
}

/** Progress callback: `done` of `total` units. */
export type Progress = (done: number, total: number) => void;

/** A suite: one physical system with grid, Δt, IC distribution, ground truth and metrics. */
export interface Suite {
  /** Registry id, e.g. `"burgers1d"`. */
  readonly id: string;
  /** Bumped whenever a change moves numbers (physics, ICs, solver settings). */
  readonly version: string;
  /** Human title. */
  readonly title: string;
  /** The PDE and setting in one sentence. */
  readonly description: string;
  /** Where the setting comes from. */
  readonly citation: string;
  /** The grid of every field. */
  readonly grid: Grid;
  /** Physical parameters (e.g. `{ beta: 1 }`, `{ nu: 0.01 }`), for data cards and baselines. */
  readonly params?: Readonly<Record<string, number>>;
  /** Field (channel) names in model order. */
  readonly fields: readonly string[];
  /** Physical time per model step. */
  readonly dt: number;
  /** Tier presets. */
  readonly tiers: Readonly<Record<"smoke" | "standard", Tier>> & { readonly paper?: Tier };
  /** Default seed for ICs. */
  readonly seed: number;
  /** Steps at which summaries are reported (those beyond the horizon are dropped). */
  readonly summarySteps: readonly number[];
  /** Metrics this suite reports, with direction; the first is the headline. */
  readonly metrics: readonly MetricDecl[];
  /**
   * Deterministic ICs: `count` states `[count, C, X]` drawn from the suite's distribution with
   * `seed`. The same (seed, count) gives bit-identical arrays on every machine.
   */
  initialConditions(count: number, seed: number): Float32Array;
  /**
   * Ground truth: for `count` ICs `[count, C, X]`, the trajectories `[count, steps + 1, C, X]`
   * (step 0 = IC) at the suite's Δt. Pure and deterministic.
   */
  reference(ics: Float32Array, count: number, steps: number, progress?: Progress): Float32Array;
  /** Suite-defined energy of one state `[C, X]` (1D suites: ½⟨u²⟩ summed over fields). */
  energy(state: Float32Array | Float64Array): number;
}

/**
 * Pieces shared by the periodic 1D suites (`convection1d`, `burgers1d`): the metric list, the
 * batch check at the `reference` boundary and the energy `½⟨u²⟩` summed over fields.
 *
 * @example
 * ```ts
 * import { METRICS_1D } from "./periodic1d.ts";
 * if (METRICS_1D[0].id !== "nrmse" || METRICS_1D.some((m) => m.higherIsBetter)) throw new Error();
 * ```
 * @module
 */

import { ShapeError } from "../../harness/core/errors.ts";
import { halfMeanSquare, sumOverFields } from "../../metrics/energy.ts";
import type { MetricDecl } from "./types.ts";

/**
 * Metrics the 1D suites report (SPEC §4): all errors (lower is better), `nrmse` first as the
 * headline. Ids match the rows of `metrics/scorer.ts`, except `energy_error`, the relative
 * energy error derived from its `energy_pred` / `energy_ref` rows.
 */
export const METRICS_1D: readonly MetricDecl[] = [
  { id: "nrmse", higherIsBetter: false, description: "‖p − y‖₂ / ‖y‖₂ per IC, mean over ICs" },
  { id: "mse", higherIsBetter: false, description: "⟨(p − y)²⟩ over the grid, mean over ICs" },
  {
    id: "dissipation",
    higherIsBetter: false,
    description: "amplitude part of mse, (σₚ − σᵧ)² + (μₚ − μᵧ)² (Takacs 1985)",
  },
  {
    id: "dispersion",
    higherIsBetter: false,
    description: "phase part of mse, 2(1 − ρ)σₚσᵧ (Takacs 1985)",
  },
  {
    id: "spectrum_error",
    higherIsBetter: false,
    description: "mean over wavenumbers of |log Eₚ(k) − log Eᵧ(k)|",
  },
  { id: "energy_error", higherIsBetter: false, description: "|Eₚ − Eᵧ| / Eᵧ with E = ½⟨u²⟩" },
];

/**
 * Check the arguments of a one-field 1D suite's `reference`: `count` and `steps` non-negative
 * integers (`RangeError`), `ics` a `Float32Array` of `count · n` values (`ShapeError`, a
 * `TypeError`).
 *
 * @example
 * ```ts
 * import { checkBatch1D } from "./periodic1d.ts";
 * checkBatch1D("demo", 4, new Float32Array(8), 2, 10); // fine: [2, 1, 4]
 * ```
 */
export function checkBatch1D(
  suiteId: string,
  n: number,
  ics: Float32Array,
  count: number,
  steps: number,
): void {
  if (!Number.isSafeInteger(count) || count < 0) {
    throw new RangeError(`Cannot run ${suiteId}.reference: expected count ≥ 0, found ${count}`);
  }
  if (!Number.isSafeInteger(steps) || steps < 0) {
    throw new RangeError(`Cannot run ${suiteId}.reference: expected steps ≥ 0, found ${steps}`);
  }
  if (!(ics instanceof Float32Array) || ics.length !== count * n) {
    throw new ShapeError({
      field: `ICs passed to ${suiteId}.reference`,
      expected: `a Float32Array [${count}, 1, ${n}] (${count * n} values)`,
      found: ics instanceof Float32Array ? `${ics.length} values` : "another type",
    });
  }
}

/**
 * Energy of one 1D state `[C, n]`: `Σ_c ½⟨u_c²⟩ = Σ_c (1/2n) Σ_i state[c·n + i]²` (float64 sums,
 * via `metrics/energy.ts`). Throws `ShapeError` unless the length is a positive multiple of n.
 *
 * @example
 * ```ts
 * import { energy1D } from "./periodic1d.ts";
 * if (energy1D(new Float32Array([1, -1, 1, -1]), 4, "demo") !== 0.5) throw new Error("½⟨1⟩");
 * ```
 */
export function energy1D(state: Float32Array | Float64Array, n: number, suiteId: string): number {
  if (state.length === 0 || state.length % n !== 0) {
    throw new ShapeError({
      field: `state passed to ${suiteId}.energy`,
      expected: `[C, ${n}] (a positive multiple of ${n} values)`,
      found: `${state.length} values`,
    });
  }
  return sumOverFields(state, state.length / n, halfMeanSquare);
}

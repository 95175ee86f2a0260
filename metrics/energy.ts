/**
 * Energies of one state (SPEC §4). The 1D energy is `½⟨u²⟩` per field; suites sum it over their
 * fields with {@link sumOverFields}. Computed the same way for prediction and reference, then
 * compared by the scorer.
 *
 * @example
 * ```ts
 * import { halfMeanSquare, sumOverFields } from "./energy.ts";
 * const state = new Float64Array([1, -1, 2, 2]); // two fields of two points
 * if (halfMeanSquare(state.subarray(0, 2)) !== 0.5) throw new Error("field 0");
 * if (sumOverFields(state, 2, halfMeanSquare) !== 0.5 + 2) throw new Error("state");
 * ```
 * @module
 */
import { meanSquare } from "./pointwise.ts";

/**
 * 1D energy `E = ½⟨u²⟩ = (1/2N) Σ_i u_i²` of one field (float64 sum). By Parseval it equals
 * `Σ_k spectrum1d(u)[k]`. Throws `RangeError` on empty input.
 *
 * @example
 * ```ts
 * import { halfMeanSquare } from "./energy.ts";
 * const u = Array.from({ length: 64 }, (_, i) => Math.sin((2 * Math.PI * 3 * i) / 64));
 * if (Math.abs(halfMeanSquare(u) - 0.25) > 1e-15) throw new Error("½⟨sin²⟩ = ¼");
 * ```
 */
export function halfMeanSquare(u: ArrayLike<number>): number {
  return 0.5 * meanSquare(u);
}

/**
 * `Σ_c quantity(field_c)` over the `fields` channel-major fields of a state `[C, X]`
 * (field `c` is `state[c·X .. (c+1)·X)`, SPEC §2). Throws `RangeError` unless `fields` is a
 * positive integer dividing `state.length`.
 *
 * @example
 * ```ts
 * import { halfMeanSquare, sumOverFields } from "./energy.ts";
 * const state = new Float32Array([3, 3, 0, 2]); // u = (3, 3), v = (0, 2)
 * if (sumOverFields(state, 2, halfMeanSquare) !== 4.5 + 1) throw new Error("sum");
 * ```
 */
export function sumOverFields(
  state: Float32Array | Float64Array,
  fields: number,
  quantity: (field: Float32Array | Float64Array) => number,
): number {
  if (!Number.isInteger(fields) || fields < 1 || state.length % fields !== 0) {
    throw new RangeError(
      `Cannot split a state into fields: expected a positive field count dividing the state ` +
        `length ${state.length}, found ${fields}`,
    );
  }
  const x = state.length / fields;
  let total = 0;
  for (let c = 0; c < fields; c++) total += quantity(state.subarray(c * x, (c + 1) * x));
  return total;
}

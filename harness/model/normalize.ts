/**
 * The manifest's `normalize` (per-channel mean and std, SPEC §2), applied the same way by the
 * rollout engine and the reconstruct task.
 * @module
 */

/** Per-channel mean and standard deviation, one each per field (`emulator.json` `normalize`). */
export interface ChannelNormalization {
  readonly mean: readonly number[];
  readonly std: readonly number[];
}

/**
 * Normalise a channel-major batch `[..., C, X]` (`per` = X values per channel, C =
 * `norm.mean.length`): `"in"` maps physical values to the model's, `(x − mean_c) / std_c`;
 * `"out"` undoes it, `y·std_c + mean_c`. Returns a new array.
 *
 * @example
 * ```ts
 * import { normalizeChannels } from "./normalize.ts";
 * const norm = { mean: [1, 10], std: [2, 4] };
 * const x = Float32Array.of(3, 5, 14, 2); // [C = 2, X = 2]
 * const z = normalizeChannels(x, norm, 2, "in");
 * if (z.join() !== "1,2,1,-2") throw new Error(z.join());
 * if (normalizeChannels(z, norm, 2, "out").join() !== x.join()) throw new Error("round trip");
 * ```
 */
export function normalizeChannels(
  x: Float32Array,
  norm: ChannelNormalization,
  per: number,
  direction: "in" | "out",
): Float32Array {
  const out = new Float32Array(x.length), C = norm.mean.length;
  for (let i = 0; i < x.length; i++) {
    const c = Math.floor(i / per) % C;
    out[i] = direction === "in"
      ? (x[i] - norm.mean[c]) / norm.std[c]
      : x[i] * norm.std[c] + norm.mean[c];
  }
  return out;
}

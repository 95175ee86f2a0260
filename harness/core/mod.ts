/**
 * Core: the bottom layer every other part may use — input errors that name file, field, expected
 * and found; SHA-256 hashing; atomic file writes; JSON field checks; the seeded RNG.
 *
 * @example
 * ```ts
 * import { Rng, ValueRangeError } from "./mod.ts";
 * const a = new Rng(7).normal(), b = new Rng(7).normal();
 * if (a !== b) throw new ValueRangeError({ field: "seed", expected: "determinism", found: "drift" });
 * ```
 * @module
 */
export { removeIfExists, writeFileAtomic } from "./atomic.ts";
export {
  FormatError,
  type InputErrorParts,
  isInputError,
  ShapeError,
  ValueRangeError,
} from "./errors.ts";
export { type Bytes, float32LeBytes, sha256Float32, sha256Hex } from "./hash.ts";
export { parseJson, readJson } from "./json_file.ts";
export { fmix32, Rng, seedState } from "./rng.ts";

/**
 * The wire format between {@link ScoringThread} (`./scoring.ts`) and its worker
 * (`./scoring_worker.ts`): observations travel in batches, one `Int32Array` of operations
 * ({@link OP_FIELDS} integers each), one `Float32Array` holding their states and one
 * `Float64Array` holding the reference features that came with them (none: empty).
 * @module
 */

/** Step 0 of an IC: `[OP_INITIAL, ic, 0, offset, length, 0, 0, 0]`. */
export const OP_INITIAL = 0;
/**
 * A scored step: `[OP_STEP, ic, step, offset, predLength, refLength, featureOffset,
 * featureLength]`, ref right after pred, its features (length 0: none) in the feature batch.
 */
export const OP_STEP = 1;
/** An IC diverged: `[OP_DIVERGED, ic, step, 0, 0, 0, 0, 0]`. */
export const OP_DIVERGED = 2;
/** Integers per operation. */
export const OP_FIELDS = 8;

/** Messages to the scoring worker. */
export type ScoringMessage =
  | { kind: "init"; suite: string; run: unknown }
  | { kind: "ops"; meta: Int32Array; data: Float32Array; features: Float64Array }
  | { kind: "finish"; states: number[] | null };

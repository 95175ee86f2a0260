/**
 * The wire format between {@link ScoringThread} (`./scoring.ts`) and its worker
 * (`./scoring_worker.ts`): observations travel in batches, one `Int32Array` of operations
 * ({@link OP_FIELDS} integers each), one `Float32Array` holding their states and one
 * `Float64Array` holding the reference features that came with them (none: empty). A batch is
 * a block of the shared ring sent with `init` (`block`: at byte `at`, the features, then the
 * states, then the operations), or arrays of its own, transferred (`ops`).
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
  | { kind: "init"; suite: string; run: unknown; ring?: SharedArrayBuffer }
  | {
    kind: "block";
    /** First byte of the block in the ring (a multiple of 8). */
    at: number;
    /** Lengths: operations (integers), states (floats), features (doubles). */
    meta: number;
    data: number;
    features: number;
    /** Bytes the sender counts against its queue, acknowledged back. */
    bytes: number;
  }
  | {
    kind: "ops";
    meta: Int32Array;
    data: Float32Array;
    features: Float64Array;
    bytes: number;
  }
  | { kind: "finish"; states: number[] | null };

/**
 * The steps of a run whose rows can no longer change, and what a tracker computed for them ahead
 * of `rows()` (`Tracker.prepare`): the mechanism `RolloutScorer` and `AnchorsTracker` share. A
 * step is final once every IC was observed there or diverged at or before it (steps before the
 * first predicted one, which no IC is observed at, count as final); steps become final in order.
 * New data at a kept step (an observation, an earlier divergence) drops what was kept from that
 * step on, so a tracker's rows stay those of one pass in any call order.
 *
 * @example
 * ```ts
 * import { PreparedSteps } from "./prepared_steps.ts";
 * const observed = new Uint8Array(2 * 3), divergedAt = new Float64Array(2).fill(Infinity);
 * const kept = new PreparedSteps<string>(3, 1);
 * observed[0 * 3 + 0] = observed[1 * 3 + 0] = 1; // both ICs at step 1
 * kept.advance(observed, divergedAt, (step) => `rows of ${step}`);
 * if (kept.get(1) !== "rows of 1" || kept.get(2) !== undefined) throw new Error();
 * kept.drop(1); // IC 0 observed at step 1 again
 * if (kept.get(1) !== undefined) throw new Error();
 * ```
 * @module
 */

/** What was computed for each final step, in order from step 1. */
export class PreparedSteps<V> {
  readonly #steps: number;
  readonly #first: number;
  /** Steps 1..`#final` are final and kept. */
  #final = 0;
  readonly #kept: (V | undefined)[] = [];

  /** A run of `steps` steps whose first predicted step is `first`. */
  constructor(steps: number, first: number) {
    this.#steps = steps;
    this.#first = first;
  }

  /**
   * Keep `make(step)` for every step from the first one not kept that is final, in order:
   * `observed` is `[N, T]` (1 once observed), `divergedAt` `[N]` (first diverged step, or ∞).
   */
  advance(observed: Uint8Array, divergedAt: Float64Array, make: (step: number) => V): void {
    const t = this.#steps, n = divergedAt.length;
    while (this.#final < t) {
      const step = this.#final + 1;
      if (step >= this.#first) {
        for (let ic = 0; ic < n; ic++) {
          if (divergedAt[ic] > step && observed[ic * t + step - 1] !== 1) return;
        }
      }
      this.#kept[step] = make(step);
      this.#final = step;
    }
  }

  /** What was kept for `step`, if it is final and kept. */
  get(step: number): V | undefined {
    return this.#kept[step];
  }

  /** Drop what was kept for steps ≥ `step` (their data changed). */
  drop(step: number): void {
    for (let s = Math.max(step, 1); s <= this.#final; s++) this.#kept[s] = undefined;
    this.#final = Math.min(this.#final, Math.max(step, 1) - 1);
  }
}

/**
 * Argument checks shared by the metric modules. Not part of the public API.
 * @module
 */

/** Throws `TypeError` unless `pred` and `ref` have the same, non-zero length; returns it. */
export function checkPair(action: string, pred: ArrayLike<number>, ref: ArrayLike<number>): number {
  if (pred.length !== ref.length) {
    throw new TypeError(
      `Cannot ${action}: expected pred and ref of equal length, found pred length ${pred.length} ` +
        `and ref length ${ref.length}`,
    );
  }
  return checkNonEmpty(action, pred);
}

/** Throws `RangeError` when `u` is empty; returns its length. */
export function checkNonEmpty(action: string, u: ArrayLike<number>): number {
  if (u.length === 0) {
    throw new RangeError(`Cannot ${action}: expected at least one value, found an empty array`);
  }
  return u.length;
}

/**
 * A reference trajectory read a window at a time: {@link ReferenceSource} gives the states
 * `t0..t1−1` of ICs `ic0..ic1−1` of a reference `[N, T + 1, C, ...grid]` (step 0 = the IC), so a
 * run can score a long horizon while holding only a few steps of it. The Deno reference cache
 * reads windows as byte ranges of its per-IC Zarr chunk files (`reference_cache.ts`,
 * `fileReferenceStore`); a whole array in memory (a `--data` file, the browser's IndexedDB store,
 * tests) is wrapped by {@link arrayReferenceSource}.
 *
 * This module uses no file system, so it runs in browsers.
 *
 * @example
 * ```ts
 * import { arrayReferenceSource } from "./reference_source.ts";
 * // 2 ICs × 3 states × 2 values: value = 100·ic + 10·t + i
 * const a = Float32Array.from({ length: 12 }, (_, j) => {
 *   const ic = Math.floor(j / 6), t = Math.floor((j % 6) / 2), i = j % 2;
 *   return 100 * ic + 10 * t + i;
 * });
 * const src = arrayReferenceSource(a, 2, 2);
 * const w = await src.window(0, 2, 1, 3); // [2 ICs, 2 steps, 2 values]
 * if (w.join() !== "10,11,20,21,110,111,120,121") throw new Error(w.join());
 * ```
 * @module
 */

/**
 * A reference `[count, steps + 1, stateSize]` float32 (step 0 = the IC), read by windows.
 * Windows are fresh arrays or read-only views: a caller never writes into one, and may keep it
 * after asking for the next.
 */
export interface ReferenceSource {
  /** ICs N. */
  readonly count: number;
  /** Steps T after the IC (states 0..T). */
  readonly steps: number;
  /** Values per state S = C × grid points. */
  readonly stateSize: number;
  /**
   * States `t0..t1−1` of ICs `ic0..ic1−1`, `[ic1 − ic0, t1 − t0, S]` in C order.
   * Rejects with a `RangeError` where `0 ≤ ic0 < ic1 ≤ count` or `0 ≤ t0 < t1 ≤ steps + 1` does
   * not hold, and with an `Error` where the data behind the source cannot be read (a cache entry
   * removed or cut while in use).
   */
  window(ic0: number, ic1: number, t0: number, t1: number): Promise<Float32Array>;
}

/**
 * Check a window request against a source's extent; throws a `RangeError` saying which bound.
 *
 * @example
 * ```ts
 * import { checkWindow } from "./reference_source.ts";
 * checkWindow({ count: 2, steps: 4 }, 0, 2, 0, 5);
 * let m = "";
 * try { checkWindow({ count: 2, steps: 4 }, 0, 2, 3, 6); } catch (e) { m = String(e); }
 * if (!m.includes("steps 3..6")) throw new Error(m);
 * ```
 */
export function checkWindow(
  src: Pick<ReferenceSource, "count" | "steps">,
  ic0: number,
  ic1: number,
  t0: number,
  t1: number,
): void {
  const ok = (a: number, b: number, max: number) =>
    Number.isSafeInteger(a) && Number.isSafeInteger(b) && a >= 0 && a < b && b <= max;
  if (!ok(ic0, ic1, src.count)) {
    throw new RangeError(
      `Cannot read reference ICs ${ic0}..${ic1}: expected 0 ≤ first < end ≤ ${src.count}`,
    );
  }
  if (!ok(t0, t1, src.steps + 1)) {
    throw new RangeError(
      `Cannot read reference steps ${t0}..${t1}: expected 0 ≤ first < end ≤ ${src.steps + 1}`,
    );
  }
}

/**
 * A whole reference array `[count, steps + 1, S]` as a {@link ReferenceSource}. A window of one
 * IC, or of every step, is a view on `reference` (no copy); others are copies. `stateSize` S is
 * read from the length unless given (it must be given for `count` 0).
 *
 * @throws {TypeError} `reference.length` is not `count × (steps + 1) × S` for a whole S ≥ 1.
 *
 * @example
 * ```ts
 * import { arrayReferenceSource } from "./reference_source.ts";
 * const a = new Float32Array(2 * 4 * 3).map((_, i) => i);
 * const src = arrayReferenceSource(a, 2, 3);
 * if (src.stateSize !== 3) throw new Error("S");
 * const one = await src.window(1, 2, 2, 4); // IC 1, steps 2..3: a view
 * if (one[0] !== 18 || one.buffer !== a.buffer) throw new Error(one.join());
 * ```
 */
export function arrayReferenceSource(
  reference: Float32Array,
  count: number,
  steps: number,
  stateSize?: number,
): ReferenceSource {
  const per = count * (steps + 1);
  const S = stateSize ?? (per > 0 ? reference.length / per : NaN);
  if (!Number.isSafeInteger(S) || S < 1 || reference.length !== per * S) {
    throw new TypeError(
      `Cannot read a reference of ${reference.length} values as ${count} ICs × ${steps + 1} states${
        stateSize === undefined ? "" : ` × ${stateSize} values`
      }: expected ${stateSize === undefined ? `a multiple of ${per}` : per * stateSize}`,
    );
  }
  const stride = (steps + 1) * S;
  const source: ReferenceSource = {
    count,
    steps,
    stateSize: S,
    window(ic0, ic1, t0, t1) {
      try {
        checkWindow(source, ic0, ic1, t0, t1);
      } catch (e) {
        return Promise.reject(e);
      }
      if (ic1 - ic0 === 1 || (t0 === 0 && t1 === steps + 1)) {
        return Promise.resolve(
          reference.subarray(ic0 * stride + t0 * S, (ic1 - 1) * stride + t1 * S),
        );
      }
      const n = (t1 - t0) * S, out = new Float32Array((ic1 - ic0) * n);
      for (let ic = ic0; ic < ic1; ic++) {
        const a = ic * stride + t0 * S;
        out.set(reference.subarray(a, a + n), (ic - ic0) * n);
      }
      return Promise.resolve(out);
    },
  };
  return source;
}

/**
 * ICs `first..first + count − 1` of `src` as a source of their own (IC 0 of it is IC `first` of
 * `src`): a shard's part of a run.
 *
 * @example
 * ```ts
 * import { arrayReferenceSource, sliceReferenceSource } from "./reference_source.ts";
 * const src = arrayReferenceSource(Float32Array.from([0, 1, 2, 3, 4, 5]), 3, 1); // S = 1
 * const part = sliceReferenceSource(src, 1, 2);
 * if ((await part.window(0, 2, 0, 2)).join() !== "2,3,4,5") throw new Error();
 * ```
 */
export function sliceReferenceSource(
  src: ReferenceSource,
  first: number,
  count: number,
): ReferenceSource {
  if (first === 0 && count === src.count) return src;
  return { ...sliceWindows("reference", src, first, count), stateSize: src.stateSize };
}

/**
 * Steps per window so that a window of `ics` ICs holds at most `bytes` (default 1 MiB) of
 * float32 states, and at least one step: `max(1, ⌊bytes / (4 · ics · S)⌋)`. Independent of the
 * horizon, which is what keeps a windowed run's memory flat in it.
 *
 * @example
 * ```ts
 * import { stepsPerWindow } from "./reference_source.ts";
 * if (stepsPerWindow(1024, 32) !== 8) throw new Error("1 MiB / (32 × 4 KiB)");
 * if (stepsPerWindow(2 ** 22, 2) !== 1) throw new Error("at least one step");
 * ```
 */
export function stepsPerWindow(stateSize: number, ics: number, bytes = 1 * 2 ** 20): number {
  return Math.max(1, Math.floor(bytes / (4 * ics * stateSize)));
}

/**
 * The whole reference `[count, steps + 1, S]` in one array, where a caller genuinely needs it
 * (`ref.npy`, the frontier's rungs): one window of everything (a view, for a source over an
 * array).
 *
 * @example
 * ```ts
 * import { arrayReferenceSource, readWholeReference } from "./reference_source.ts";
 * const a = Float32Array.from({ length: 8 }, (_, i) => i);
 * const whole = await readWholeReference(arrayReferenceSource(a, 2, 1));
 * if (whole.join() !== a.join()) throw new Error();
 * ```
 */
export function readWholeReference(src: ReferenceSource): Promise<Float32Array> {
  return src.window(0, src.count, 0, src.steps + 1);
}

/**
 * The features of a reference (`reference_features.ts`), `[count, steps + 1, size]` float64, read by windows
 * like the reference.
 */
export interface FeatureSource {
  readonly count: number;
  readonly steps: number;
  /** Values per state F. */
  readonly size: number;
  /** States `t0..t1−1` of ICs `ic0..ic1−1`, `[ic1 − ic0, t1 − t0, F]` (as `ReferenceSource`). */
  window(ic0: number, ic1: number, t0: number, t1: number): Promise<Float64Array>;
}

/**
 * The features `[count, steps + 1, size]` of one array as a {@link FeatureSource} (a window of
 * one IC is a view; others are copies). `TypeError` for an array of another length.
 *
 * @example
 * ```ts
 * import { arrayFeatureSource } from "./reference_source.ts";
 * const src = arrayFeatureSource(Float64Array.from({ length: 12 }, (_, i) => i), 2, 2, 2);
 * if ((await src.window(0, 2, 1, 2)).join() !== "2,3,8,9") throw new Error();
 * ```
 */
export function arrayFeatureSource(
  values: Float64Array,
  count: number,
  steps: number,
  size: number,
): FeatureSource {
  if (values.length !== count * (steps + 1) * size) {
    throw new TypeError(
      `Cannot read ${values.length} feature values as ${count} ICs × ${steps + 1} states × ` +
        `${size}: expected ${count * (steps + 1) * size}`,
    );
  }
  const stride = (steps + 1) * size;
  const source: FeatureSource = {
    count,
    steps,
    size,
    window(ic0, ic1, t0, t1) {
      try {
        checkWindow(source, ic0, ic1, t0, t1);
      } catch (e) {
        return Promise.reject(e);
      }
      const n = (t1 - t0) * size, at = (ic: number) => ic * stride + t0 * size;
      if (ic1 - ic0 === 1) return Promise.resolve(values.subarray(at(ic0), at(ic0) + n));
      const out = new Float64Array((ic1 - ic0) * n);
      for (let ic = ic0; ic < ic1; ic++) {
        out.set(values.subarray(at(ic), at(ic) + n), (ic - ic0) * n);
      }
      return Promise.resolve(out);
    },
  };
  return source;
}

/** `RangeError` unless ICs `first..first + count − 1` lie in `0..total − 1`. */
/**
 * ICs `first..first + count − 1` of a windowed source (`RangeError` for a range outside it): its
 * `count`, `steps` and a `window` that checks its own range, then reads `src`'s. What
 * {@link sliceReferenceSource} and {@link sliceFeatureSource} share.
 */
function sliceWindows<A>(
  what: string,
  src: {
    readonly count: number;
    readonly steps: number;
    window(ic0: number, ic1: number, t0: number, t1: number): Promise<A>;
  },
  first: number,
  count: number,
): {
  count: number;
  steps: number;
  window(ic0: number, ic1: number, t0: number, t1: number): Promise<A>;
} {
  checkSlice(what, first, count, src.count);
  const part = {
    count,
    steps: src.steps,
    window(ic0: number, ic1: number, t0: number, t1: number): Promise<A> {
      try {
        checkWindow(part, ic0, ic1, t0, t1);
      } catch (e) {
        return Promise.reject(e);
      }
      return src.window(first + ic0, first + ic1, t0, t1);
    },
  };
  return part;
}

function checkSlice(what: string, first: number, count: number, total: number): void {
  if (
    !Number.isSafeInteger(first) || !Number.isSafeInteger(count) || first < 0 || count < 0 ||
    first + count > total
  ) {
    throw new RangeError(
      `Cannot take ${what} ICs ${first}..${first + count}: expected a range in 0..${total}`,
    );
  }
}

/**
 * ICs `first..first + count − 1` of `src` as a source of their own (a shard's part); `RangeError`
 * for a range outside `src`.
 *
 * @example
 * ```ts
 * import { arrayFeatureSource, sliceFeatureSource } from "./reference_source.ts";
 * const all = arrayFeatureSource(Float64Array.of(0, 1, 2, 3), 2, 1, 1); // 2 ICs, 2 states, F = 1
 * const part = sliceFeatureSource(all, 1, 1);
 * if ((await part.window(0, 1, 0, 2)).join() !== "2,3") throw new Error();
 * try {
 *   sliceFeatureSource(all, 1, 2); // ICs 1..2 of 2
 *   throw new Error("not refused");
 * } catch (e) {
 *   if (!(e instanceof RangeError)) throw e;
 * }
 * ```
 */
export function sliceFeatureSource(
  src: FeatureSource,
  first: number,
  count: number,
): FeatureSource {
  if (first === 0 && count === src.count) return src;
  return { ...sliceWindows("feature", src, first, count), size: src.size };
}

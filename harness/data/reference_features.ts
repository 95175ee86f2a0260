/**
 * Reference features: what the metric families compute from the reference alone (its spectra,
 * energy, diagnostics; `metrics/tracker.ts`, `FeatureSet`), computed once per reference and kept
 * next to it in its store, instead of once per model run.
 *
 * One entry holds a vector of `F` float64 values per reference state, `[N, T + 1, F]` (step 0 =
 * the IC), and a header that says what it was computed from: the suite, its version and the
 * request, the reference's SHA-256, and the feature layout's version (every family's key, the
 * version of its features and their size). {@link referenceFeatures} uses an entry only when all
 * of these match: one made for another reference (a regenerated one, another suite version) or
 * by other feature code (a bumped family version) is recomputed and written over; the entry's
 * name carries a digest of the layout version, so two layouts never overwrite each other.
 *
 * A run reads the features in the same step windows as the reference ({@link featuredReference}),
 * so it holds a few steps of them at a time. Stores that keep whole arrays (IndexedDB, memory)
 * give them whole. This module uses no file system, so it runs in browsers.
 *
 * @example
 * ```ts
 * import { referenceFeatures } from "./reference_features.ts";
 * import { arrayReferenceSource } from "./reference_source.ts";
 * import { memoryReferenceStore } from "./reference_store.ts";
 * import type { Suite } from "../../suites/common/types.ts";
 * const suite = { id: "toy", version: "1" } as Suite, request = { seed: 0, ics: 1, steps: 1 };
 * const reference = arrayReferenceSource(Float32Array.of(1, 2, 3, 4), 1, 1); // S = 2
 * const set = { version: "sum@1:1", size: 1, compute: (s: Float32Array) => Float64Array.of(s[0] + s[1]) };
 * const store = memoryReferenceStore(), ref = { sha256: "ab", source: reference };
 * const miss = (await referenceFeatures(store, suite, request, ref, set))!;
 * const hit = (await referenceFeatures(store, suite, request, ref, set))!;
 * const w = await hit.source.window(0, 1, 0, 2);
 * if (miss.cached || !hit.cached || w.join() !== "3,7") throw new Error(w.join());
 * ```
 * @module
 */
import { sha256HexSync } from "../core/hash.ts";
import type { Suite } from "../../suites/common/types.ts";
import {
  arrayFeatureSource,
  type FeatureSource,
  type ReferenceSource,
  stepsPerWindow,
} from "./reference_source.ts";
import type { ReferenceRequest, ReferenceStore, StoredFeatures } from "./reference_store.ts";

export { arrayFeatureSource, type FeatureSource, sliceFeatureSource } from "./reference_source.ts";

/** Value of the header's `schema`. */
export const FEATURES_SCHEMA = "emubench.reference-features/1";

/** What features are: a layout version, values per state and the function of one state. */
export interface FeatureLayout {
  /** Changes with the numbers `compute` gives (`FeatureSet.version`). */
  readonly version: string;
  /** Values per state. */
  readonly size: number;
  /** The vector of one reference state. */
  compute(state: Float32Array): Float64Array;
}

/**
 * The store's name of the entry of features `version`: `features-` and the first 16 hex digits of
 * SHA-256(`version`), so two layouts never share an entry.
 *
 * @example
 * ```ts
 * import { featuresName } from "./reference_features.ts";
 * const a = featuresName("scorer@2:514#0123"), b = featuresName("scorer@2:514#4567");
 * if (!/^features-[0-9a-f]{16}$/.test(a) || a === b) throw new Error(`${a} ${b}`);
 * ```
 */
export function featuresName(version: string): string {
  return `features-${sha256HexSync(version).slice(0, 16)}`;
}

/** The header an entry of `layout` for this reference is written with, and must be read with. */
function featureHeader(
  suite: Suite,
  request: ReferenceRequest,
  sha256: string,
  layout: FeatureLayout,
): Record<string, unknown> {
  return {
    schema: FEATURES_SCHEMA,
    suite: suite.id,
    version: suite.version,
    seed: request.seed,
    ics: request.ics,
    steps: request.steps,
    sha256,
    features: layout.version,
    shape: [request.ics, request.steps + 1, layout.size],
    dtype: "float64",
    byteOrder: "little",
  };
}

/** Why `found` is not an entry for `want` (its first differing attribute), or undefined. */
function stale(found: StoredFeatures, want: Record<string, unknown>): string | undefined {
  for (const [key, value] of Object.entries(want)) {
    const got = JSON.stringify(found.header[key]);
    if (got !== JSON.stringify(value)) return `${key} is ${got}, expected ${JSON.stringify(value)}`;
  }
  const [n, t1, f] = want.shape as number[], src = found.source;
  if (src.count !== n || src.steps !== t1 - 1 || src.size !== f) {
    return `values read as [${src.count}, ${
      src.steps + 1
    }, ${src.size}], expected [${n}, ${t1}, ${f}]`;
  }
  return undefined;
}

/**
 * The features of every state of IC `ic` of `source`, `[T + 1, F]` (row t = `layout.compute` of
 * state t), reading it in windows of at most 1 MiB. `TypeError` where `compute` gives other than
 * `layout.size` values.
 *
 * @example
 * ```ts
 * import { computeIcFeatures } from "./reference_features.ts";
 * import { arrayReferenceSource } from "./reference_source.ts";
 * const ref = arrayReferenceSource(Float32Array.of(1, 2, 3, 4, 5, 6, 7, 8), 2, 1); // S = 2
 * const sum = { version: "sum", size: 1, compute: (s: Float32Array) => Float64Array.of(s[0] + s[1]) };
 * if ((await computeIcFeatures(ref, sum, 1)).join() !== "11,15") throw new Error();
 * ```
 */
export async function computeIcFeatures(
  source: ReferenceSource,
  layout: FeatureLayout,
  ic: number,
): Promise<Float64Array> {
  const { steps, stateSize: S } = source, F = layout.size;
  const out = new Float64Array((steps + 1) * F);
  const W = stepsPerWindow(S, 1);
  for (let t0 = 0; t0 <= steps; t0 += W) {
    const t1 = Math.min(steps + 1, t0 + W), w = await source.window(ic, ic + 1, t0, t1);
    for (let t = t0; t < t1; t++) {
      const v = layout.compute(w.subarray((t - t0) * S, (t - t0 + 1) * S));
      if (v.length !== F) {
        throw new TypeError(`reference features: expected ${F} values, found ${v.length}`);
      }
      out.set(v, t * F);
    }
  }
  return out;
}

/**
 * The features of every state of `source`, `[N, T + 1, F]` ({@link computeIcFeatures}), held
 * whole: for stores that keep whole arrays (memory, IndexedDB).
 *
 * @example
 * ```ts
 * import { computeFeatures } from "./reference_features.ts";
 * import { arrayReferenceSource } from "./reference_source.ts";
 * const ref = arrayReferenceSource(Float32Array.of(1, 2, 3, 4), 2, 1); // 2 ICs, 2 states, S = 1
 * const twice = { version: "x2", size: 1, compute: (s: Float32Array) => Float64Array.of(2 * s[0]) };
 * if ((await computeFeatures(ref, twice)).join() !== "2,4,6,8") throw new Error();
 * ```
 */
export async function computeFeatures(
  source: ReferenceSource,
  layout: FeatureLayout,
): Promise<Float64Array> {
  const per = (source.steps + 1) * layout.size;
  const out = new Float64Array(source.count * per);
  for (let ic = 0; ic < source.count; ic++) {
    out.set(await computeIcFeatures(source, layout, ic), ic * per);
  }
  return out;
}

/** What {@link referenceFeatures} gives. */
export interface ReferenceFeaturesHandle {
  source: FeatureSource;
  /** True when read from the store. */
  cached: boolean;
  /** True when in the store now (read from it, or computed and written to it). */
  stored: boolean;
  /** Wall time to read or compute, in seconds. */
  seconds: number;
}

/**
 * The features `layout` of the reference `ref` (`sha256` and `source`, as
 * `referenceSourceFromStore` gave them) of `request`: the store's entry where it was made for
 * this reference and layout (module notes), else computed from `ref.source` and written to the
 * store. `null` where the store keeps no features, or has none for this reference and `compute`
 * is false (a shard: computing every IC's would cost more than scoring its own). A store that fails to
 * read (a damaged entry) or write (disk full) is logged and does not fail the run (the features
 * are then computed again, held in memory, or left to the trackers: `null`).
 *
 * @example
 * ```ts
 * import { referenceFeatures } from "./reference_features.ts";
 * import { arrayReferenceSource } from "./reference_source.ts";
 * import { memoryReferenceStore } from "./reference_store.ts";
 * import type { Suite } from "../../suites/common/types.ts";
 * const suite = { id: "toy", version: "1" } as Suite, request = { seed: 0, ics: 1, steps: 1 };
 * const ref = { sha256: "ab", source: arrayReferenceSource(Float32Array.of(1, 2), 1, 1) };
 * const layout = { version: "x2@1", size: 1, compute: (s: Float32Array) => Float64Array.of(2 * s[0]) };
 * const store = memoryReferenceStore(), log = () => {};
 * // A shard does not compute them; the first unsharded run does, the next reads them.
 * const shard = await referenceFeatures(store, suite, request, ref, layout, { compute: false, log });
 * const first = await referenceFeatures(store, suite, request, ref, layout, { log });
 * const next = await referenceFeatures(store, suite, request, ref, layout, { log });
 * // Another reference (another digest) is not served this one's.
 * const other = await referenceFeatures(store, suite, request, { ...ref, sha256: "cd" }, layout, { log });
 * if (shard !== null || first?.cached || !next?.cached || other?.cached) throw new Error();
 * ```
 */
export async function referenceFeatures(
  store: ReferenceStore,
  suite: Suite,
  request: ReferenceRequest,
  ref: { sha256: string; source: ReferenceSource },
  layout: FeatureLayout,
  options: { log?: (message: string) => void; compute?: boolean } = {},
): Promise<ReferenceFeaturesHandle | null> {
  const log = options.log ?? ((m: string) => console.warn(m));
  const t0 = performance.now();
  const name = featuresName(layout.version);
  const want = featureHeader(suite, request, ref.sha256, layout);
  const where = `${store.locate(suite, request)} ${name}`;
  if (store.openFeatures) {
    try {
      const found = await store.openFeatures(suite, request, name);
      if (found) {
        const why = stale(found, want);
        if (why === undefined) {
          return {
            source: found.source,
            cached: true,
            stored: true,
            seconds: (performance.now() - t0) / 1000,
          };
        }
        log(`note: reference features ${where} are stale (${why}); computing them again`);
      }
    } catch (e) {
      log(
        `warning: reference features ${where} are unusable (${message(e)}); computing them again`,
      );
    }
  }
  // A store that keeps no features: the trackers compute them as they go, at no extra cost.
  if (options.compute === false || !(store.putFeatures || store.createFeatures)) return null;
  // No time stamp: two writers of one entry write the same bytes, so a reader of the file that
  // one of them renames over another's reads the same numbers at the same offsets.
  const header = want;
  const seconds = () => (performance.now() - t0) / 1000;
  if (store.createFeatures && store.openFeatures) {
    // IC by IC into the store, then read back by windows: never held whole.
    try {
      const writer = await store.createFeatures(suite, request, name, header);
      try {
        for (let ic = 0; ic < ref.source.count; ic++) {
          await writer.write(ic, await computeIcFeatures(ref.source, layout, ic));
        }
        await writer.commit();
      } catch (e) {
        await writer.abort().catch(() => {});
        throw e;
      }
      const back = await store.openFeatures(suite, request, name);
      const why = back ? stale(back, want) : "the entry just written is not there";
      if (why !== undefined) throw new Error(why);
      return { source: back!.source, cached: false, stored: true, seconds: seconds() };
    } catch (e) {
      // The trackers compute them as they go (nothing is held whole here).
      log(`warning: could not write reference features ${where} (${message(e)}); running without`);
      return null;
    }
  }
  const { count, steps } = ref.source;
  const values = await computeFeatures(ref.source, layout);
  let stored = true;
  try {
    await store.putFeatures!(suite, request, name, header, values);
  } catch (e) {
    log(
      `warning: could not write reference features ${where} (${message(e)}); using them unstored`,
    );
    stored = false;
  }
  return {
    source: arrayFeatureSource(values, count, steps, layout.size),
    cached: false,
    stored,
    seconds: seconds(),
  };
}

const message = (e: unknown) => e instanceof Error ? e.message : String(e);

/**
 * `reference` with its `features` read alongside: every window of `source` also reads the same
 * window of the features, and `at(ic, step)` gives the vector of the state at `step` of IC `ic`
 * from the last few windows read (`undefined` outside them: the trackers then compute it). So
 * the rollout, which reads the reference by windows and hands each state to the trackers, hands
 * them its features too without reading anything more.
 *
 * @example
 * ```ts
 * import { arrayFeatureSource, featuredReference } from "./reference_features.ts";
 * import { arrayReferenceSource } from "./reference_source.ts";
 * const ref = arrayReferenceSource(Float32Array.of(1, 2, 3, 4), 2, 1); // S = 1
 * const f = featuredReference(ref, arrayFeatureSource(Float64Array.of(10, 20, 30, 40), 2, 1, 1));
 * if (f.at(1, 1) !== undefined) throw new Error("nothing read yet");
 * await f.source.window(0, 2, 1, 2);
 * if (f.at(1, 1)?.[0] !== 40 || f.at(0, 0) !== undefined) throw new Error();
 * ```
 */
export function featuredReference(
  reference: ReferenceSource,
  features: FeatureSource,
): { source: ReferenceSource; at(ic: number, step: number): Float64Array | undefined } {
  if (
    features.count !== reference.count || features.steps !== reference.steps
  ) {
    throw new TypeError(
      `Cannot read features [${features.count}, ${features.steps + 1}] with a reference ` +
        `[${reference.count}, ${reference.steps + 1}]`,
    );
  }
  const F = features.size;
  /** The windows read last (newest first): bounds and values. */
  const kept: { ic0: number; ic1: number; t0: number; t1: number; values: Float64Array }[] = [];
  return {
    source: {
      count: reference.count,
      steps: reference.steps,
      stateSize: reference.stateSize,
      async window(ic0, ic1, t0, t1) {
        const [w, values] = await Promise.all([
          reference.window(ic0, ic1, t0, t1),
          features.window(ic0, ic1, t0, t1),
        ]);
        kept.unshift({ ic0, ic1, t0, t1, values });
        kept.length = Math.min(kept.length, 4);
        return w;
      },
    },
    at(ic, step) {
      const k = kept.find((k) => ic >= k.ic0 && ic < k.ic1 && step >= k.t0 && step < k.t1);
      if (!k) return undefined;
      const at = ((ic - k.ic0) * (k.t1 - k.t0) + step - k.t0) * F;
      return k.values.subarray(at, at + F);
    },
  };
}

/**
 * Where reference trajectories are kept, behind one small interface, and the one function that
 * reads, verifies, generates and stores them ({@link referenceFromStore}). The Deno
 * implementation is the Zarr directory cache (`reference_cache.ts`); browsers use IndexedDB
 * (`reference_store_idb.ts`). Every store is verified the same way: the recorded attributes
 * must match the request and the SHA-256 of the reference and of the ICs (little-endian float32
 * bytes in C order) must equal the recorded digests; anything else is logged, removed and
 * regenerated.
 *
 * Streaming ({@link referenceSourceFromStore}): a run reads the reference a step window at a time
 * through a `ReferenceSource` (`reference_source.ts`) instead of holding it whole. A store that
 * can (`open`, `create`: the Deno Zarr cache) verifies a hit by hashing it chunk by chunk and
 * writes a miss IC by IC as the generator produces it, hashing in IC order; a store of whole
 * arrays (`get`/`put` only: IndexedDB, memory) is wrapped, and holds the reference whole.
 *
 * This module uses no file system, so it runs in browsers.
 *
 * @example
 * ```ts
 * import { memoryReferenceStore, referenceFromStore } from "./reference_store.ts";
 * import type { Suite } from "../../suites/common/types.ts";
 * const suite = {
 *   id: "ones", version: "1", fields: ["u"], grid: { kind: "periodic1d", n: 2, length: 1 },
 *   initialConditions: (count: number) => new Float32Array(count * 2).fill(1),
 *   reference: (ics: Float32Array, count: number, steps: number) =>
 *     new Float32Array(count * (steps + 1) * 2).fill(1),
 * } as unknown as Suite;
 * const store = memoryReferenceStore();
 * const miss = await referenceFromStore(store, suite, { seed: 0, ics: 1, steps: 1 });
 * const hit = await referenceFromStore(store, suite, { seed: 0, ics: 1, steps: 1 });
 * if (miss.cached || !hit.cached || hit.sha256 !== miss.sha256) throw new Error();
 * ```
 * @module
 */
import { ValueRangeError } from "../core/errors.ts";
import { float32LeBytes, Sha256, sha256Float32 } from "../core/hash.ts";
import { gridShape, type Progress, type Suite } from "../../suites/common/types.ts";
import {
  arrayFeatureSource,
  arrayReferenceSource,
  type FeatureSource,
  readWholeReference,
  type ReferenceSource,
  stepsPerWindow,
} from "./reference_source.ts";

/** Which trajectories to produce. */
export interface ReferenceRequest {
  /** IC seed passed to `suite.initialConditions`. */
  seed: number;
  /** Number of ICs (N). */
  ics: number;
  /** Steps after the IC (T). */
  steps: number;
}

/** A reference, from the store or freshly generated. */
export interface CachedReference {
  /** `[N, C, X]` initial conditions. */
  ics: Float32Array;
  /** `[N, T + 1, C, X]` trajectories, step 0 = IC. */
  reference: Float32Array;
  /** SHA-256 of `reference` as little-endian float32 bytes in C order. */
  sha256: string;
  /** True when read (and verified) from the store. */
  cached: boolean;
  /** Wall time to read or generate, in seconds. */
  seconds: number;
  /** The entry's location in its store (a directory path, or a key). */
  path: string;
}

/**
 * A reference, from the store or freshly generated, read by windows
 * ({@link referenceSourceFromStore}): {@link CachedReference} with `source` for `reference`.
 */
export interface ReferenceHandle extends Omit<CachedReference, "reference"> {
  /** `[N, T + 1, C, ...grid]`, verified against `sha256` (a hit) or just written (a miss). */
  source: ReferenceSource;
}

/** What a store keeps per entry: both arrays and the attributes they were recorded with. */
export interface StoredReference {
  ics: Float32Array;
  reference: Float32Array;
  /** `schema`, `suite`, `version`, `seed`, `ics`, `steps`, `shape`, `sha256`, `icsSha256`, ... */
  attrs: Record<string, unknown>;
}

/** An entry opened for reading: its attributes, its ICs, and its reference by windows. */
export interface OpenedReference {
  /** `schema`, `suite`, `version`, `seed`, `ics`, `steps`, `shape`, `sha256`, `icsSha256`, ... */
  attrs: Record<string, unknown>;
  /** `[N, C, ...grid]`. */
  ics: Float32Array;
  /** `[N, T + 1, C, ...grid]`, read a window at a time. */
  reference: ReferenceSource;
}

/**
 * Writes one entry as it is produced: `write(i, trajectory)` for i = 0..N−1 in order
 * (`[T + 1, C, ...grid]` each), then `commit(ics, attrs)` makes the entry appear whole (readers
 * never see half of one), or `abort()` discards it. No method keeps `trajectory` after it
 * resolves.
 */
export interface ReferenceWriter {
  write(ic: number, trajectory: Float32Array): Promise<void>;
  commit(ics: Float32Array, attrs: Record<string, unknown>): Promise<void>;
  abort(): Promise<void>;
}

/** SHA-256 fed in pieces (`harness/core/hash.ts` {@link Sha256}, or a native one). */
export interface IncrementalHash {
  update(bytes: Uint8Array): unknown;
  /** The digest, as 64 lowercase hex characters (called once). */
  hex(): string;
}

/**
 * A place to keep references: `get` returns `null` when there is no entry and throws an `Error`
 * saying what is wrong when there is one it cannot read; `put` writes an entry whole (readers
 * never see half of one); `remove` deletes one (no error when absent).
 *
 * Optional streaming members (the Deno Zarr cache has them; stores of whole arrays need not):
 * `open` is `get` with the reference read by windows, `create` starts an entry written IC by
 * IC, `hasher` a faster SHA-256 than the plain-JavaScript one.
 */
export interface ReferenceStore {
  /** The entry's location, for messages and `CachedReference.path`. */
  locate(suite: Suite, request: ReferenceRequest): string;
  get(suite: Suite, request: ReferenceRequest): Promise<StoredReference | null>;
  put(suite: Suite, request: ReferenceRequest, entry: StoredReference): Promise<void>;
  remove(suite: Suite, request: ReferenceRequest): Promise<void>;
  open?(suite: Suite, request: ReferenceRequest): Promise<OpenedReference | null>;
  create?(suite: Suite, request: ReferenceRequest): Promise<ReferenceWriter>;
  hasher?(): IncrementalHash;
  /**
   * Reference features (`reference_features.ts`) kept next to the entry under `name`: `null` when
   * there are none, the header and values (by windows) otherwise. Checking the header is the
   * caller's; the values' integrity is the store's (the file store checks the file's size and
   * the SHA-256 of its values), which throws, naming what is wrong, for a damaged entry. `remove`
   * removes them with the entry, or they go stale with its digest.
   */
  openFeatures?(
    suite: Suite,
    request: ReferenceRequest,
    name: string,
  ): Promise<StoredFeatures | null>;
  /**
   * Start writing features under `name` IC by IC (`write(ic, [T + 1, F])` for ic = 0..N−1 in
   * order, then `commit()`: the entry appears whole; or `abort()`).
   */
  createFeatures?(
    suite: Suite,
    request: ReferenceRequest,
    name: string,
    header: Record<string, unknown>,
  ): Promise<FeatureWriter>;
  /** Write features `[N, T + 1, F]` under `name`, whole or not at all (readers never see half). */
  putFeatures?(
    suite: Suite,
    request: ReferenceRequest,
    name: string,
    header: Record<string, unknown>,
    values: Float64Array,
  ): Promise<void>;
}

/** Writes reference features one IC at a time (`ReferenceStore.createFeatures`). */
export interface FeatureWriter {
  write(ic: number, values: Float64Array): Promise<void>;
  commit(): Promise<void>;
  abort(): Promise<void>;
}

/** Reference features as a store keeps them: its header and its values (whole, or by windows). */
export interface StoredFeatures {
  /** `schema`, `suite`, `version`, `seed`, `ics`, `steps`, `sha256`, `features`, `shape`, ... */
  header: Record<string, unknown>;
  source: FeatureSource;
}

/** What a {@link ReferenceGenerator} returns: `[N, C, X]` ICs and `[N, T + 1, C, X]` trajectories. */
export interface GeneratedReference {
  /** `[N, C, X]` initial conditions. */
  ics: Float32Array;
  /** `[N, T + 1, C, X]` trajectories, step 0 = IC. */
  reference: Float32Array;
}

/**
 * Receives a cache miss's trajectories one IC at a time, in IC order: `trajectory` is IC `ic`'s
 * `[T + 1, C, ...grid]` (step 0 = the IC). The generator awaits it before the next.
 */
export type TrajectorySink = (ic: number, trajectory: Float32Array) => Promise<void>;

/**
 * Computes the ICs and trajectories of a cache miss. It must return bit for bit what
 * {@link sequentialReference} returns (the cache records one digest per request, whoever made
 * it). The harness's tasks inject one that runs the ICs on a pool of workers
 * (`harness/tasks/trajectories.ts`, `pooledReference`).
 *
 * `stream`, when present, is the same computation handed to a {@link TrajectorySink} IC by IC
 * in order (resolving with the `[N, C, ...grid]` ICs) without assembling the whole reference:
 * {@link referenceSourceFromStore} uses it. A generator without one is called whole and its
 * array handed on IC by IC.
 */
export interface ReferenceGenerator {
  (
    suite: Suite,
    request: ReferenceRequest,
    progress: { ics?: Progress; reference?: Progress },
  ): Promise<GeneratedReference>;
  stream?: (
    suite: Suite,
    request: ReferenceRequest,
    progress: { ics?: Progress; reference?: Progress },
    sink: TrajectorySink,
  ) => Promise<Float32Array>;
}

/**
 * The default {@link ReferenceGenerator}: `suite.initialConditions(N, seed)` then
 * `suite.reference(ics, N, T)`, in the calling thread.
 *
 * @example
 * ```ts
 * import { sequentialReference } from "./reference_store.ts";
 * import type { Suite } from "../../suites/common/types.ts";
 * // A toy suite: one value per IC, constant in time.
 * const s = {
 *   initialConditions: (count: number, seed: number) => new Float32Array(count).fill(seed),
 *   reference: (ics: Float32Array, count: number, steps: number) =>
 *     Float32Array.from({ length: count * (steps + 1) }, (_, i) => ics[Math.floor(i / (steps + 1))]),
 * } as unknown as Suite;
 * const { ics, reference } = await sequentialReference(s, { seed: 1, ics: 2, steps: 3 }, {});
 * if (ics.length !== 2 || reference.join() !== "1,1,1,1,1,1,1,1") throw new Error("shapes");
 * ```
 */
export function sequentialReference(
  suite: Suite,
  request: ReferenceRequest,
  progress: { ics?: Progress; reference?: Progress },
): Promise<GeneratedReference> {
  const ics = suite.initialConditions(request.ics, request.seed, progress.ics);
  const reference = suite.reference(ics, request.ics, request.steps, progress.reference);
  return Promise.resolve({ ics, reference });
}

/** How {@link referenceFromStore} reports. */
export interface ReferenceStoreOptions {
  /** Progress of the solver on a miss, forwarded to `suite.reference`. */
  progress?: Progress;
  /** Progress of drawing the ICs on a miss (spin-ups), forwarded to `suite.initialConditions`. */
  icProgress?: Progress;
  /** Receives warnings (unusable entries, failed writes). Default `console.warn`. */
  log?: (message: string) => void;
  /** Computes a miss. Default {@link sequentialReference} (one thread). */
  generate?: ReferenceGenerator;
}

/** Value of the `schema` attribute. */
export const REFERENCE_CACHE_SCHEMA = "emubench.reference-cache/1";

/**
 * The key of an entry, relative to a store's root:
 * `<suite.id>/v<suite.version>/seed<seed>-n<ics>-t<steps><physicsTag>.zarr`.
 *
 * @example
 * ```ts
 * import { referenceKey } from "./reference_store.ts";
 * import type { Suite } from "../../suites/common/types.ts";
 * const k = referenceKey({ id: "burgers1d", version: "1" } as Suite, { seed: 0, ics: 8, steps: 2 });
 * if (k.join("/") !== "burgers1d/v1/seed0-n8-t2.zarr") throw new Error(k.join("/"));
 * ```
 */
export function referenceKey(
  suite: Pick<Suite, "id" | "version"> & Partial<Pick<Suite, "params" | "dt" | "grid" | "fields">>,
  request: ReferenceRequest,
): [string, string, string] {
  const { seed, ics, steps } = request;
  return [suite.id, `v${suite.version}`, `seed${seed}-n${ics}-t${steps}${physicsTag(suite)}.zarr`];
}

/**
 * A short fingerprint (FNV-1a 32 of the JSON of parameters, Δt, grid and fields) appended to
 * cache names, so an entry made before a physics change that forgot a version bump is never
 * served. Empty when the suite declares none of these.
 */
export function physicsTag(
  suite: Partial<Pick<Suite, "params" | "dt" | "grid" | "fields">>,
): string {
  const { params, dt, grid, fields } = suite;
  if (params === undefined && dt === undefined && grid === undefined && fields === undefined) {
    return "";
  }
  const text = JSON.stringify({ params, dt, grid, fields });
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return `-p${h.toString(16).padStart(8, "0")}`;
}

/** Shapes of the two arrays of an entry: ICs `[N, C, ...grid]`, reference `[N, T+1, C, ...grid]`. */
export function referenceShapes(
  suite: Suite,
  request: ReferenceRequest,
): { ics: number[]; reference: number[] } {
  const state = [suite.fields.length, ...gridShape(suite.grid)];
  return { ics: [request.ics, ...state], reference: [request.ics, request.steps + 1, ...state] };
}

function checkRequest(request: ReferenceRequest): void {
  const rules: [keyof ReferenceRequest, boolean, string][] = [
    ["seed", Number.isSafeInteger(request.seed), "an integer"],
    ["ics", Number.isSafeInteger(request.ics) && request.ics >= 1, "a positive integer"],
    ["steps", Number.isSafeInteger(request.steps) && request.steps >= 1, "a positive integer"],
  ];
  for (const [field, ok, expected] of rules) {
    if (!ok) throw new ValueRangeError({ field, expected, found: String(request[field]) });
  }
}

/** The attributes an entry is recorded with (digests included). */
function entryAttributes(
  suite: Suite,
  request: ReferenceRequest,
  digests: { sha256: string; icsSha256: string },
): Record<string, unknown> {
  return {
    schema: REFERENCE_CACHE_SCHEMA,
    suite: suite.id,
    version: suite.version,
    seed: request.seed,
    ics: request.ics,
    steps: request.steps,
    fields: [...suite.fields],
    grid: { ...suite.grid },
    shape: referenceShapes(suite, request),
    dtype: "float32",
    byteOrder: "little",
    created: new Date().toISOString(),
    ...digests,
  };
}

/** Check an entry's attributes against the request; throws saying what is wrong. */
function checkAttributes(
  attrs: Record<string, unknown>,
  suite: Suite,
  request: ReferenceRequest,
): void {
  const shape = referenceShapes(suite, request);
  const want: Record<string, unknown> = {
    schema: REFERENCE_CACHE_SCHEMA,
    suite: suite.id,
    version: suite.version,
    seed: request.seed,
    ics: request.ics,
    steps: request.steps,
    shape: JSON.stringify(shape),
  };
  for (const [key, value] of Object.entries(want)) {
    const got = key === "shape" ? JSON.stringify(attrs[key]) : attrs[key];
    if (got !== value) {
      throw new Error(
        `attribute ${key} is ${JSON.stringify(got)}, expected ${JSON.stringify(value)}`,
      );
    }
  }
}

const size = (s: number[]) => s.reduce((a, b) => a * b, 1);

/**
 * SHA-256 of a source's little-endian float32 bytes in C order (IC-major), fed to `hash` one
 * window of at most 1 MiB at a time: the digest `sha256Float32` gives the whole array.
 *
 * @example
 * ```ts
 * import { sha256Source } from "./reference_store.ts";
 * import { arrayReferenceSource } from "./reference_source.ts";
 * import { sha256Float32 } from "../core/hash.ts";
 * const a = Float32Array.from({ length: 3 * 5 * 7 }, (_, i) => Math.sin(i));
 * const streamed = await sha256Source(arrayReferenceSource(a, 3, 4));
 * if (streamed !== await sha256Float32(a)) throw new Error("same digest as whole");
 * ```
 */
export async function sha256Source(
  source: ReferenceSource,
  hash: IncrementalHash = new Sha256(),
): Promise<string> {
  const W = stepsPerWindow(source.stateSize, 1);
  for (let ic = 0; ic < source.count; ic++) {
    for (let t0 = 0; t0 <= source.steps; t0 += W) {
      const t1 = Math.min(source.steps + 1, t0 + W);
      hash.update(float32LeBytes(await source.window(ic, ic + 1, t0, t1)));
    }
  }
  return hash.hex();
}

/** Check an opened entry against the request and its digests; throws saying what is wrong. */
async function verify(
  entry: OpenedReference,
  suite: Suite,
  request: ReferenceRequest,
  hash: IncrementalHash,
): Promise<string> {
  const attrs = entry.attrs;
  checkAttributes(attrs, suite, request);
  const shape = referenceShapes(suite, request);
  if (entry.ics.length !== size(shape.ics)) {
    throw new Error(`array ics read ${entry.ics.length} values`);
  }
  const src = entry.reference;
  const S = size(shape.ics.slice(1));
  if (src.count !== request.ics || src.steps !== request.steps || src.stateSize !== S) {
    throw new Error(
      `array reference reads as [${src.count}, ${src.steps + 1}, ${src.stateSize}], expected ` +
        `[${request.ics}, ${request.steps + 1}, ${S}]`,
    );
  }
  const sha256 = await sha256Source(src, hash);
  if (sha256 !== attrs.sha256) {
    throw new Error(`reference sha256 ${sha256} does not match the recorded ${attrs.sha256}`);
  }
  const icsSha256 = await sha256Float32(entry.ics);
  if (icsSha256 !== attrs.icsSha256) {
    throw new Error(`ics sha256 ${icsSha256} does not match the recorded ${attrs.icsSha256}`);
  }
  return sha256;
}

/** `store.open`, or `store.get` with the whole reference wrapped as a source. */
async function openEntry(
  store: ReferenceStore,
  suite: Suite,
  request: ReferenceRequest,
): Promise<OpenedReference | null> {
  if (store.open) return await store.open(suite, request);
  const entry = await store.get(suite, request);
  if (!entry) return null;
  checkAttributes(entry.attrs, suite, request);
  const want = size(referenceShapes(suite, request).reference);
  if (entry.reference.length !== want) {
    throw new Error(`array reference read ${entry.reference.length} values`);
  }
  return {
    attrs: entry.attrs,
    ics: entry.ics,
    reference: arrayReferenceSource(entry.reference, request.ics, request.steps),
  };
}

/**
 * Hands a whole-array generator's output to `sink` IC by IC (views, no copies), after checking
 * both arrays' lengths: what {@link referenceSourceFromStore} does with a generator that has no
 * `stream`.
 */
async function streamWhole(
  generate: ReferenceGenerator,
  suite: Suite,
  request: ReferenceRequest,
  progress: { ics?: Progress; reference?: Progress },
  sink: TrajectorySink,
): Promise<Float32Array> {
  const { ics, reference } = await generate(suite, request, progress);
  const { ics: n, steps, seed } = request;
  const shape = referenceShapes(suite, request);
  if (ics.length !== size(shape.ics)) {
    throw new Error(
      `Cannot cache the reference: ${suite.id}.initialConditions(${n}, ${seed}) returned ` +
        `${ics.length} values, expected ${size(shape.ics)} ([${shape.ics.join(", ")}])`,
    );
  }
  if (reference.length !== size(shape.reference)) {
    throw new Error(
      `Cannot cache the reference: ${suite.id}.reference(..., ${n}, ${steps}) returned ` +
        `${reference.length} values, expected ${size(shape.reference)} ` +
        `([${shape.reference.join(", ")}])`,
    );
  }
  const per = size(shape.reference.slice(1));
  for (let i = 0; i < n; i++) await sink(i, reference.subarray(i * per, (i + 1) * per));
  return ics;
}

/** A {@link ReferenceWriter} into one whole array in memory (stores of whole arrays, fallback). */
function arrayWriter(suite: Suite, request: ReferenceRequest) {
  const shape = referenceShapes(suite, request);
  const per = size(shape.reference.slice(1));
  const reference = new Float32Array(size(shape.reference));
  return {
    reference,
    write: (ic: number, trajectory: Float32Array) => {
      reference.set(trajectory, ic * per);
      return Promise.resolve();
    },
  };
}

/** A writer's failure, told apart from the generator's own errors. */
class WriteFailure extends Error {
  constructor(readonly failure: unknown) {
    super(message(failure));
  }
}

const message = (e: unknown) => e instanceof Error ? e.message : String(e);

/**
 * The reference for `request`, read by windows: read from `store` and verified chunk by chunk
 * (a hit), or generated IC by IC, hashed in IC order and stored as it is produced (a miss). An
 * unusable entry is logged, removed and regenerated; a failed write is logged and does not fail
 * the run (the reference is then held whole in memory).
 *
 * With a store that has `open` and `create` (the Deno Zarr cache) and a generator with `stream`
 * (`pooledReference`), the reference is never held whole: a hit reads it window by window, a
 * miss holds one IC's trajectory per worker at a time. Otherwise the generator's array, or the
 * store's record, is held whole and wrapped.
 *
 * @throws {ValueRangeError} `seed` not an integer, `ics` or `steps` not a positive integer.
 * @throws {Error} the suite returned arrays of the wrong length (a suite bug).
 */
export async function referenceSourceFromStore(
  store: ReferenceStore,
  suite: Suite,
  request: ReferenceRequest,
  options: ReferenceStoreOptions = {},
): Promise<ReferenceHandle> {
  checkRequest(request);
  const log = options.log ?? ((m: string) => console.warn(m));
  const path = store.locate(suite, request);
  const t0 = performance.now();
  const seconds = () => (performance.now() - t0) / 1000;
  const newHash = () => store.hasher?.() ?? new Sha256();

  try {
    const found = await openEntry(store, suite, request);
    if (found) {
      const sha256 = await verify(found, suite, request, newHash());
      return {
        ics: found.ics,
        source: found.reference,
        sha256,
        cached: true,
        seconds: seconds(),
        path,
      };
    }
  } catch (e) {
    log(
      `warning: reference cache entry ${path} is unusable (${
        message(e)
      }); deleting and regenerating it`,
    );
    await store.remove(suite, request);
  }

  const { ics: n, steps } = request;
  const shape = referenceShapes(suite, request);
  const per = size(shape.reference.slice(1));
  const generate: ReferenceGenerator = options.generate ?? sequentialReference;
  const progress = { ics: options.icProgress, reference: options.progress };
  /** Generate into `write`, hashing in IC order; the ICs and the digest. */
  const produce = async (write: (ic: number, t: Float32Array) => Promise<void>) => {
    const hash = newHash();
    let next = 0;
    const sink: TrajectorySink = async (ic, trajectory) => {
      if (ic !== next) throw new Error(`reference generator handed IC ${ic} before IC ${next}`);
      if (trajectory.length !== per) {
        throw new Error(
          `Cannot cache the reference: ${suite.id}.reference(..., ${n}, ${steps}) returned ` +
            `${trajectory.length} values for IC ${ic}, expected ${per} ` +
            `([${shape.reference.slice(1).join(", ")}])`,
        );
      }
      hash.update(float32LeBytes(trajectory));
      try {
        await write(ic, trajectory);
      } catch (e) {
        throw new WriteFailure(e);
      }
      next++;
    };
    const ics = generate.stream
      ? await generate.stream(suite, request, progress, sink)
      : await streamWhole(generate, suite, request, progress, sink);
    if (ics.length !== size(shape.ics)) {
      throw new Error(
        `Cannot cache the reference: ${suite.id}.initialConditions(${n}, ${request.seed}) ` +
          `returned ${ics.length} values, expected ${size(shape.ics)} ([${shape.ics.join(", ")}])`,
      );
    }
    if (next !== n) throw new Error(`reference generator handed ${next} of ${n} ICs`);
    return { ics, sha256: hash.hex() };
  };
  const writeWarning = (e: unknown) =>
    log(
      `warning: could not write reference cache entry ${path} (${
        message(e)
      }); continuing without caching`,
    );
  const done = (ics: Float32Array, sha256: string, source: ReferenceSource): ReferenceHandle => ({
    ics,
    source,
    sha256,
    cached: false,
    seconds: seconds(),
    path,
  });
  /** Generate into memory, and give it to a store of whole arrays (`put`) if asked. */
  const inMemory = async (put: boolean) => {
    const mem = arrayWriter(suite, request);
    const { ics, sha256 } = await produce(mem.write);
    if (put) {
      try {
        await store.put(suite, request, {
          ics,
          reference: mem.reference,
          attrs: entryAttributes(suite, request, { sha256, icsSha256: await sha256Float32(ics) }),
        });
      } catch (e) {
        writeWarning(e);
      }
    }
    return done(ics, sha256, arrayReferenceSource(mem.reference, n, steps));
  };

  if (!store.create || !store.open) return await inMemory(true);
  let writer: ReferenceWriter;
  try {
    writer = await store.create(suite, request);
  } catch (e) {
    writeWarning(e);
    return await inMemory(false);
  }
  let produced: { ics: Float32Array; sha256: string };
  try {
    produced = await produce((ic, t) => writer.write(ic, t));
    const { ics, sha256 } = produced;
    const icsSha256 = await sha256Float32(ics);
    try {
      await writer.commit(ics, entryAttributes(suite, request, { sha256, icsSha256 }));
    } catch (e) {
      throw new WriteFailure(e);
    }
  } catch (e) {
    await writer.abort().catch(() => {});
    if (!(e instanceof WriteFailure)) throw e;
    // Part of the reference went to a write that failed: make it again, in memory.
    writeWarning(e.failure);
    return await inMemory(false);
  }
  // Read back through the store: the entry just written (or an identical one a concurrent
  // writer renamed into place first).
  try {
    const opened = await store.open(suite, request);
    if (!opened) throw new Error("the entry just written is not there");
    if (opened.attrs.sha256 !== produced.sha256) {
      throw new Error(
        `the entry there records sha256 ${opened.attrs.sha256}, this run made ${produced.sha256}`,
      );
    }
    return done(produced.ics, produced.sha256, opened.reference);
  } catch (e) {
    writeWarning(e);
    return await inMemory(false);
  }
}

/**
 * The reference for `request` as one array: {@link referenceSourceFromStore} read whole (for
 * callers that need every step at once; a run reads it by windows instead).
 *
 * @throws {ValueRangeError} `seed` not an integer, `ics` or `steps` not a positive integer.
 * @throws {Error} the suite returned arrays of the wrong length (a suite bug).
 */
export async function referenceFromStore(
  store: ReferenceStore,
  suite: Suite,
  request: ReferenceRequest,
  options: ReferenceStoreOptions = {},
): Promise<CachedReference> {
  const { source, ...rest } = await referenceSourceFromStore(store, suite, request, options);
  return { ...rest, reference: await readWholeReference(source) };
}

/**
 * A store in memory (tests, and a fallback where no persistent store is available). Entries are
 * kept by {@link referenceKey}, as copies.
 */
export function memoryReferenceStore(): ReferenceStore {
  const entries = new Map<string, StoredReference>();
  const features = new Map<string, { header: Record<string, unknown>; values: Float64Array }>();
  const key = (suite: Suite, request: ReferenceRequest) => referenceKey(suite, request).join("/");
  return {
    openFeatures: (suite, request, name) => {
      const e = features.get(`${key(suite, request)}#${name}`);
      const [n, t1, f] = (e?.header.shape ?? []) as number[];
      return Promise.resolve(
        e
          ? { header: { ...e.header }, source: arrayFeatureSource(e.values.slice(), n, t1 - 1, f) }
          : null,
      );
    },
    putFeatures: (suite, request, name, header, values) => {
      features.set(`${key(suite, request)}#${name}`, {
        header: { ...header },
        values: values.slice(),
      });
      return Promise.resolve();
    },
    locate: (suite, request) => `memory:${key(suite, request)}`,
    get: (suite, request) => {
      const e = entries.get(key(suite, request));
      return Promise.resolve(
        e ? { ics: e.ics.slice(), reference: e.reference.slice(), attrs: { ...e.attrs } } : null,
      );
    },
    put: (suite, request, e) => {
      entries.set(key(suite, request), {
        ics: e.ics.slice(),
        reference: e.reference.slice(),
        attrs: { ...e.attrs },
      });
      return Promise.resolve();
    },
    remove: (suite, request) => {
      entries.delete(key(suite, request));
      for (const k of features.keys()) {
        if (k.startsWith(`${key(suite, request)}#`)) features.delete(k);
      }
      return Promise.resolve();
    },
  };
}

/**
 * Where reference trajectories are kept, behind one small interface, and the one function that
 * reads, verifies, generates and stores them ({@link referenceFromStore}). The Deno
 * implementation is the Zarr directory cache (`reference_cache.ts`); browsers use IndexedDB
 * (`reference_store_idb.ts`). Every store is verified the same way: the recorded attributes
 * must match the request and the SHA-256 of the reference and of the ICs (little-endian float32
 * bytes in C order) must equal the recorded digests; anything else is logged, removed and
 * regenerated.
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
import { sha256Float32 } from "../core/hash.ts";
import { gridShape, type Progress, type Suite } from "../../suites/common/types.ts";

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

/** What a store keeps per entry: both arrays and the attributes they were recorded with. */
export interface StoredReference {
  ics: Float32Array;
  reference: Float32Array;
  /** `schema`, `suite`, `version`, `seed`, `ics`, `steps`, `shape`, `sha256`, `icsSha256`, ... */
  attrs: Record<string, unknown>;
}

/**
 * A place to keep references: `get` returns `null` when there is no entry and throws an `Error`
 * saying what is wrong when there is one it cannot read; `put` writes an entry whole (readers
 * never see half of one); `remove` deletes one (no error when absent).
 */
export interface ReferenceStore {
  /** The entry's location, for messages and `CachedReference.path`. */
  locate(suite: Suite, request: ReferenceRequest): string;
  get(suite: Suite, request: ReferenceRequest): Promise<StoredReference | null>;
  put(suite: Suite, request: ReferenceRequest, entry: StoredReference): Promise<void>;
  remove(suite: Suite, request: ReferenceRequest): Promise<void>;
}

/** What a {@link ReferenceGenerator} returns: `[N, C, X]` ICs and `[N, T + 1, C, X]` trajectories. */
export interface GeneratedReference {
  /** `[N, C, X]` initial conditions. */
  ics: Float32Array;
  /** `[N, T + 1, C, X]` trajectories, step 0 = IC. */
  reference: Float32Array;
}

/**
 * Computes the ICs and trajectories of a cache miss. It must return bit for bit what
 * {@link sequentialReference} returns (the cache records one digest per request, whoever made
 * it). The harness's tasks inject one that runs the ICs on a pool of workers
 * (`harness/tasks/trajectories.ts`, `pooledReference`).
 */
export type ReferenceGenerator = (
  suite: Suite,
  request: ReferenceRequest,
  progress: { ics?: Progress; reference?: Progress },
) => Promise<GeneratedReference>;

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

/** Check a stored entry against the request and its digests; throws saying what is wrong. */
async function verify(
  entry: StoredReference,
  suite: Suite,
  request: ReferenceRequest,
): Promise<string> {
  const attrs = entry.attrs;
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
  const size = (s: number[]) => s.reduce((a, b) => a * b, 1);
  for (const name of ["ics", "reference"] as const) {
    if (entry[name].length !== size(shape[name])) {
      throw new Error(`array ${name} read ${entry[name].length} values`);
    }
  }
  const sha256 = await sha256Float32(entry.reference);
  if (sha256 !== attrs.sha256) {
    throw new Error(`reference sha256 ${sha256} does not match the recorded ${attrs.sha256}`);
  }
  const icsSha256 = await sha256Float32(entry.ics);
  if (icsSha256 !== attrs.icsSha256) {
    throw new Error(`ics sha256 ${icsSha256} does not match the recorded ${attrs.icsSha256}`);
  }
  return sha256;
}

const message = (e: unknown) => e instanceof Error ? e.message : String(e);

/**
 * The reference for `request`: read from `store` and verified, or generated with
 * `suite.initialConditions` + `suite.reference` and stored. An unusable entry is logged,
 * removed and regenerated; a failed write is logged and does not fail the run.
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
  checkRequest(request);
  const log = options.log ?? ((m: string) => console.warn(m));
  const path = store.locate(suite, request);
  const t0 = performance.now();
  const seconds = () => (performance.now() - t0) / 1000;

  let found: StoredReference | null = null;
  try {
    found = await store.get(suite, request);
    if (found) {
      const sha256 = await verify(found, suite, request);
      return {
        ics: found.ics,
        reference: found.reference,
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

  const { ics: n, steps, seed } = request;
  const shape = referenceShapes(suite, request);
  const generate = options.generate ?? sequentialReference;
  const { ics, reference } = await generate(suite, request, {
    ics: options.icProgress,
    reference: options.progress,
  });
  const size = (s: number[]) => s.reduce((a, b) => a * b, 1);
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
  const sha256 = await sha256Float32(reference);
  const icsSha256 = await sha256Float32(ics);
  try {
    await store.put(suite, request, {
      ics,
      reference,
      attrs: entryAttributes(suite, request, { sha256, icsSha256 }),
    });
  } catch (e) {
    log(
      `warning: could not write reference cache entry ${path} (${
        message(e)
      }); continuing without caching`,
    );
  }
  return { ics, reference, sha256, cached: false, seconds: seconds(), path };
}

/**
 * A store in memory (tests, and a fallback where no persistent store is available). Entries are
 * kept by {@link referenceKey}, as copies.
 */
export function memoryReferenceStore(): ReferenceStore {
  const entries = new Map<string, StoredReference>();
  const key = (suite: Suite, request: ReferenceRequest) => referenceKey(suite, request).join("/");
  return {
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
      return Promise.resolve();
    },
  };
}

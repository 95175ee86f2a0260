/**
 * Deterministic reference trajectories, cached on disk in Zarr and verified by hash on every hit
 * (SPEC §3).
 *
 * A request `(suite, version, seed, ics, steps)` names one cache entry, a Zarr **v3** group at
 * `<cacheDir>/<suite.id>/v<suite.version>/seed<seed>-n<ics>-t<steps>.zarr` holding two float32
 * arrays, uncompressed (`bytes` codec, little-endian) and chunked one IC per chunk so a reader
 * can fetch a few ICs without the rest:
 * - `ics`: `[N, C, X]` (chunk `[1, C, X]`), from `suite.initialConditions(N, seed)`;
 * - `reference`: `[N, T + 1, C, X]` (chunk `[1, T + 1, C, X]`), from `suite.reference`.
 * The group attributes record `schema` (`"emubench.reference-cache/1"`), `suite`, `version`,
 * `seed`, `ics`, `steps`, `fields`, `grid`, `shape` (of both arrays), `dtype`, `created`
 * (ISO time), `sha256` (of the reference's little-endian float32 bytes in C order, the digest
 * results record) and `icsSha256` (likewise for the ICs).
 *
 * A hit re-reads both arrays, recomputes both digests and compares them, and checks the
 * attributes against the request. Anything unreadable, truncated, missing or mismatched is
 * logged as a warning, deleted and regenerated: cached data is never used unverified.
 *
 * An entry is written whole into a temporary sibling directory
 * (`<entry>.tmp-<pid>-<random>`) and renamed into place, so readers never see half an entry and
 * concurrent writers (processes or promises) never share a temporary directory. When two writers
 * race, the first rename wins and the loser discards its copy (the data are identical by
 * determinism). A failure to write the cache is logged and does not fail the run.
 *
 * This is the Deno store of `reference_store.ts` ({@link fileReferenceStore}); the
 * verification and generation are `referenceFromStore`'s, shared with the browser's store.
 *
 * Files are written with zarrita and `@zarrita/storage`'s `FileSystemStore` (Node `fs`), so the
 * entries open in zarr-python ≥ 3 and any other Zarr v3 reader. Needs `--allow-read` and
 * `--allow-write` on the cache directory. The default directory is {@link defaultCacheDir}.
 * @module
 */
import { join } from "node:path";
import * as zarr from "zarrita";
import { FileSystemStore } from "@zarrita/storage";
import { removeIfExists } from "../core/atomic.ts";
import type { Progress, Suite } from "../../suites/common/types.ts";
import {
  type CachedReference,
  referenceFromStore,
  type ReferenceGenerator,
  referenceKey,
  type ReferenceRequest,
  referenceShapes,
  type ReferenceStore,
  type StoredReference,
} from "./reference_store.ts";

export { defaultCacheDir } from "./cache_dir.ts";
export {
  type CachedReference,
  type GeneratedReference,
  physicsTag,
  REFERENCE_CACHE_SCHEMA,
  type ReferenceGenerator,
  type ReferenceRequest,
  sequentialReference,
} from "./reference_store.ts";

/** Where to cache and how to report. */
export interface ReferenceCacheOptions {
  /** Root of the cache (e.g. {@link defaultCacheDir}). */
  cacheDir: string;
  /** Progress of the solver on a miss, forwarded to `suite.reference`. */
  progress?: Progress;
  /** Progress of drawing the ICs on a miss (spin-ups), forwarded to `suite.initialConditions`. */
  icProgress?: Progress;
  /** Receives warnings (unusable cache entries, failed writes). Default `console.warn`. */
  log?: (message: string) => void;
  /** Computes a miss. Default `sequentialReference` (one thread). */
  generate?: ReferenceGenerator;
}

const CODECS = [{ name: "bytes", configuration: { endian: "little" } }];

/**
 * The cache entry path for a request.
 *
 * @example
 * ```ts
 * import { referenceCachePath } from "./reference_cache.ts";
 * import type { Suite } from "../../suites/common/types.ts";
 * const suite = { id: "burgers1d", version: "1" } as Suite;
 * const p = referenceCachePath("/c", suite, { seed: 0, ics: 8, steps: 200 });
 * if (p !== "/c/burgers1d/v1/seed0-n8-t200.zarr") throw new Error(p);
 * ```
 */
export function referenceCachePath(
  cacheDir: string,
  suite: Pick<Suite, "id" | "version"> & Partial<Pick<Suite, "params" | "dt" | "grid" | "fields">>,
  request: ReferenceRequest,
): string {
  return join(cacheDir, ...referenceKey(suite, request));
}

function cOrderStride(shape: number[]): number[] {
  const stride = new Array<number>(shape.length);
  for (let d = shape.length - 1, s = 1; d >= 0; d--) {
    stride[d] = s;
    s *= shape[d];
  }
  return stride;
}

async function writeArray(
  root: zarr.Location<FileSystemStore>,
  name: string,
  data: Float32Array,
  shape: number[],
  dims: string[],
): Promise<void> {
  const arr = await zarr.create(root.resolve(name), {
    shape,
    chunkShape: [1, ...shape.slice(1)],
    dtype: "float32",
    codecs: CODECS,
    fillValue: NaN, // a missing chunk reads as NaN, never as plausible zeros
    dimensionNames: dims,
  });
  await zarr.set(arr, null, { data, shape, stride: cOrderStride(shape) });
}

async function writeEntry(
  dir: string,
  suite: Suite,
  request: ReferenceRequest,
  entry: StoredReference,
): Promise<void> {
  const root = zarr.root(new FileSystemStore(dir));
  const shape = referenceShapes(suite, request);
  const space = shape.ics.length === 3 ? ["x"] : ["y", "x"];
  await writeArray(root, "ics", entry.ics, shape.ics, ["ic", "field", ...space]);
  await writeArray(root, "reference", entry.reference, shape.reference, [
    "ic",
    "step",
    "field",
    ...space,
  ]);
  // The group metadata goes last: an entry without it is incomplete by construction.
  await zarr.create(root, { attributes: entry.attrs });
}

async function readFloat32(
  root: zarr.Location<FileSystemStore>,
  name: string,
  shape: number[],
): Promise<Float32Array> {
  const arr = await zarr.open(root.resolve(name), { kind: "array" });
  if (!arr.is("float32")) throw new Error(`array ${name} has dtype ${arr.dtype}, not float32`);
  if (arr.shape.join() !== shape.join()) {
    throw new Error(`array ${name} has shape [${arr.shape}], expected [${shape}]`);
  }
  const chunk = await zarr.get(arr, null);
  if (chunk.data.length !== shape.reduce((a, b) => a * b, 1)) {
    throw new Error(`array ${name} read ${chunk.data.length} values`);
  }
  return chunk.data;
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound || e instanceof Deno.errors.NotADirectory) return false;
    throw e;
  }
}

/**
 * The reference store on disk: one Zarr v3 group per entry under `cacheDir` (module notes).
 * `get` reads the group attributes and both arrays (the attributes' `shape` must be the
 * request's); `put` writes into a temporary sibling directory and renames it into place.
 */
export function fileReferenceStore(cacheDir: string): ReferenceStore {
  const locate = (suite: Suite, request: ReferenceRequest) =>
    referenceCachePath(cacheDir, suite, request);
  return {
    locate,
    async get(suite, request) {
      const dir = locate(suite, request);
      if (!(await exists(dir))) return null;
      const root = zarr.root(new FileSystemStore(dir));
      const group = await zarr.open(root, { kind: "group" });
      const attrs = group.attrs as Record<string, unknown>;
      const shape = referenceShapes(suite, request);
      if (JSON.stringify(attrs.shape) !== JSON.stringify(shape)) {
        // Attributes first, as referenceFromStore reports them (before any array is read).
        const ics = new Float32Array(0);
        return { ics, reference: ics, attrs };
      }
      return {
        ics: await readFloat32(root, "ics", shape.ics),
        reference: await readFloat32(root, "reference", shape.reference),
        attrs,
      };
    },
    async put(suite, request, entry) {
      const path = locate(suite, request);
      const tmp = `${path}.tmp-${Deno.pid}-${crypto.randomUUID().slice(0, 8)}`;
      try {
        await writeEntry(tmp, suite, request, entry);
        try {
          await Deno.rename(tmp, path);
        } catch (e) {
          // Another writer got there first: its entry holds the same data. Otherwise re-throw.
          if (!(await exists(`${path}/zarr.json`))) throw e;
        }
      } finally {
        await removeIfExists(tmp).catch(() => {});
      }
    },
    remove: (suite, request) => removeIfExists(locate(suite, request)),
  };
}

/**
 * The reference for `request`: read from the cache and verified, or generated with
 * `suite.initialConditions` + `suite.reference` and cached. See the module notes for the layout
 * and the guarantees.
 *
 * @throws {ValueRangeError} `seed` not an integer, `ics` or `steps` not a positive integer.
 * @throws {Error} the suite returned arrays of the wrong length (a suite bug).
 *
 * @example
 * ```ts
 * import { loadOrGenerateReference } from "./reference_cache.ts";
 * import type { Suite } from "../../suites/common/types.ts";
 * // A toy suite: X = 4, one field, each step halves the state.
 * const suite = {
 *   id: "halving", version: "1", fields: ["u"], grid: { kind: "periodic1d", n: 4, length: 1 },
 *   initialConditions: (count: number, seed: number) =>
 *     Float32Array.from({ length: count * 4 }, (_, i) => seed + i),
 *   reference(ics: Float32Array, count: number, steps: number) {
 *     const out = new Float32Array(count * (steps + 1) * 4);
 *     for (let n = 0; n < count; n++) {
 *       for (let t = 0; t <= steps; t++) {
 *         for (let i = 0; i < 4; i++) out[(n * (steps + 1) + t) * 4 + i] = ics[n * 4 + i] / 2 ** t;
 *       }
 *     }
 *     return out;
 *   },
 * } as unknown as Suite;
 * const cacheDir = await Deno.makeTempDir();
 * const request = { seed: 1, ics: 2, steps: 3 };
 * const miss = await loadOrGenerateReference(suite, request, { cacheDir });
 * const hit = await loadOrGenerateReference(suite, request, { cacheDir });
 * if (miss.cached || !hit.cached || hit.sha256 !== miss.sha256) throw new Error("cache");
 * ```
 */
export function loadOrGenerateReference(
  suite: Suite,
  request: ReferenceRequest,
  options: ReferenceCacheOptions,
): Promise<CachedReference> {
  return referenceFromStore(fileReferenceStore(options.cacheDir), suite, request, options);
}

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
 * Files are written with zarrita and `@zarrita/storage`'s `FileSystemStore` (Node `fs`), so the
 * entries open in zarr-python ≥ 3 and any other Zarr v3 reader. Needs `--allow-read` and
 * `--allow-write` on the cache directory. The default directory is {@link defaultCacheDir}.
 * @module
 */
import { join } from "node:path";
import * as zarr from "zarrita";
import { FileSystemStore } from "@zarrita/storage";
import { removeIfExists } from "../core/atomic.ts";
import { ValueRangeError } from "../core/errors.ts";
import { sha256Float32 } from "../core/hash.ts";
import { gridShape, type Progress, type Suite } from "../../suites/common/types.ts";

/**
 * The default cache directory: `$EMUBENCH_CACHE` when set, else `$XDG_CACHE_HOME/emubench`, else
 * `~/.cache/emubench` (`%LOCALAPPDATA%\emubench` on Windows). Without permission to read the
 * environment it falls back to `.cache/emubench` under the working directory. `getEnv` and `os`
 * are for tests.
 *
 * @example
 * ```ts
 * import { defaultCacheDir } from "./reference_cache.ts";
 * const env: Record<string, string> = { HOME: "/home/u" };
 * if (defaultCacheDir((k) => env[k], "linux") !== "/home/u/.cache/emubench") throw new Error();
 * ```
 */
export function defaultCacheDir(
  getEnv: (key: string) => string | undefined = (k) => Deno.env.get(k),
  os: typeof Deno.build.os = Deno.build.os,
): string {
  try {
    const env = (k: string) => {
      const v = getEnv(k);
      return v !== undefined && v !== "" ? v : undefined;
    };
    const explicit = env("EMUBENCH_CACHE");
    if (explicit) return explicit;
    const xdg = env("XDG_CACHE_HOME");
    if (xdg) return join(xdg, "emubench");
    const local = env("LOCALAPPDATA");
    if (os === "windows" && local) return join(local, "emubench");
    const home = env("HOME") ?? env("USERPROFILE");
    if (home) return join(home, ".cache", "emubench");
  } catch {
    // No --allow-env: fall through.
  }
  return join(".cache", "emubench");
}

/** Which trajectories to produce. */
export interface ReferenceRequest {
  /** IC seed passed to `suite.initialConditions`. */
  seed: number;
  /** Number of ICs (N). */
  ics: number;
  /** Steps after the IC (T). */
  steps: number;
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
 * import { sequentialReference } from "./reference_cache.ts";
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
  /** Computes a miss. Default {@link sequentialReference} (one thread). */
  generate?: ReferenceGenerator;
}

/** A reference, from the cache or freshly generated. */
export interface CachedReference {
  /** `[N, C, X]` initial conditions. */
  ics: Float32Array;
  /** `[N, T + 1, C, X]` trajectories, step 0 = IC. */
  reference: Float32Array;
  /** SHA-256 of `reference` as little-endian float32 bytes in C order. */
  sha256: string;
  /** True when read (and verified) from the cache. */
  cached: boolean;
  /** Wall time to read or generate, in seconds. */
  seconds: number;
  /** The cache entry (a Zarr group directory). */
  path: string;
}

/** Value of the `schema` group attribute. */
export const REFERENCE_CACHE_SCHEMA = "emubench.reference-cache/1";

const CODECS = [{ name: "bytes", configuration: { endian: "little" } }];

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
  const { seed, ics, steps } = request;
  const name = `seed${seed}-n${ics}-t${steps}${physicsTag(suite)}.zarr`;
  return join(cacheDir, suite.id, `v${suite.version}`, name);
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

function shapes(suite: Suite, request: ReferenceRequest): { ics: number[]; reference: number[] } {
  const state = [suite.fields.length, ...gridShape(suite.grid)];
  return { ics: [request.ics, ...state], reference: [request.ics, request.steps + 1, ...state] };
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
  ics: Float32Array,
  reference: Float32Array,
  digests: { sha256: string; icsSha256: string },
): Promise<void> {
  const root = zarr.root(new FileSystemStore(dir));
  const shape = shapes(suite, request);
  const space = gridShape(suite.grid).length === 1 ? ["x"] : ["y", "x"];
  await writeArray(root, "ics", ics, shape.ics, ["ic", "field", ...space]);
  await writeArray(root, "reference", reference, shape.reference, [
    "ic",
    "step",
    "field",
    ...space,
  ]);
  // The group metadata goes last: an entry without it is incomplete by construction.
  await zarr.create(root, {
    attributes: {
      schema: REFERENCE_CACHE_SCHEMA,
      suite: suite.id,
      version: suite.version,
      seed: request.seed,
      ics: request.ics,
      steps: request.steps,
      fields: [...suite.fields],
      grid: { ...suite.grid },
      shape,
      dtype: "float32",
      byteOrder: "little",
      created: new Date().toISOString(),
      ...digests,
    },
  });
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

/** Read and verify an entry; throws an Error saying what is wrong with it. */
async function readEntry(
  dir: string,
  suite: Suite,
  request: ReferenceRequest,
): Promise<{ ics: Float32Array; reference: Float32Array; sha256: string }> {
  const root = zarr.root(new FileSystemStore(dir));
  const group = await zarr.open(root, { kind: "group" });
  const attrs = group.attrs as Record<string, unknown>;
  const shape = shapes(suite, request);
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
  const ics = await readFloat32(root, "ics", shape.ics);
  const reference = await readFloat32(root, "reference", shape.reference);
  const sha256 = await sha256Float32(reference);
  if (sha256 !== attrs.sha256) {
    throw new Error(`reference sha256 ${sha256} does not match the recorded ${attrs.sha256}`);
  }
  const icsSha256 = await sha256Float32(ics);
  if (icsSha256 !== attrs.icsSha256) {
    throw new Error(`ics sha256 ${icsSha256} does not match the recorded ${attrs.icsSha256}`);
  }
  return { ics, reference, sha256 };
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
export async function loadOrGenerateReference(
  suite: Suite,
  request: ReferenceRequest,
  options: ReferenceCacheOptions,
): Promise<CachedReference> {
  checkRequest(request);
  const log = options.log ?? ((m: string) => console.warn(m));
  const path = referenceCachePath(options.cacheDir, suite, request);
  const t0 = performance.now();
  const seconds = () => (performance.now() - t0) / 1000;

  if (await exists(path)) {
    try {
      const hit = await readEntry(path, suite, request);
      return { ...hit, cached: true, seconds: seconds(), path };
    } catch (e) {
      log(
        `warning: reference cache entry ${path} is unusable (${
          e instanceof Error ? e.message : String(e)
        }); deleting and regenerating it`,
      );
      await removeIfExists(path);
    }
  }

  const { ics: n, steps, seed } = request;
  const shape = shapes(suite, request);
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

  const tmp = `${path}.tmp-${Deno.pid}-${crypto.randomUUID().slice(0, 8)}`;
  try {
    await writeEntry(tmp, suite, request, ics, reference, { sha256, icsSha256 });
    try {
      await Deno.rename(tmp, path);
    } catch (e) {
      // Another writer got there first: its entry holds the same data. Otherwise re-throw.
      if (!(await exists(`${path}/zarr.json`))) throw e;
    }
  } catch (e) {
    log(
      `warning: could not write reference cache entry ${path} (${
        e instanceof Error ? e.message : String(e)
      }); continuing without caching`,
    );
  } finally {
    await removeIfExists(tmp).catch(() => {});
  }
  return { ics, reference, sha256, cached: false, seconds: seconds(), path };
}

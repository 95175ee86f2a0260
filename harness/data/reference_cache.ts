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
 * A hit checks the attributes against the request, reads the ICs, checks that every reference
 * chunk file has exactly its size, and recomputes both digests, the reference's chunk by chunk
 * (node:crypto's SHA-256 fed window by window, never the whole array). Anything unreadable,
 * truncated, missing or mismatched is logged as a warning, deleted and regenerated: cached data is
 * never used unverified. The run then reads the reference a step window at a time
 * ({@link openReference}, `reference_source.ts`): one byte-range read per IC of its chunk file,
 * which the `bytes` codec leaves as raw little-endian float32 in C order. A chunk cut or removed
 * after verification fails the read that needs it.
 *
 * An entry is written into a temporary sibling directory (`<entry>.tmp-<pid>-<random>`), the
 * reference one IC chunk at a time as the generator produces it, and renamed into place, so
 * readers never see half an entry and concurrent writers (processes or promises) never share a
 * temporary directory. When two writers race, the first rename wins and the loser discards its
 * copy (the data are identical by determinism). The temporary siblings an interrupted writer left
 * (a killed process) are removed by the next writer in that directory, once their process is gone
 * and they have been unchanged for an hour (`sweepStaleTemporaries`). A failure to write the cache is logged and does
 * not fail the run: the reference is then held in memory (made again if part of it had gone to
 * the write that failed).
 *
 * Reference features (`reference_features.ts`) live inside the entry, one file per layout,
 * `features/<name>.bin` (header, float64 values and the SHA-256 of the values, `featureHead`),
 * written IC by IC into a temporary sibling and renamed into place and only next to an entry that
 * is there; they go with the entry when it is removed. Every open checks the size and the digest
 * (reading the values once, by windows): a damaged file is reported and computed again.
 *
 * This is the Deno store of `reference_store.ts` ({@link fileReferenceStore}); the
 * verification and generation are `referenceSourceFromStore`'s, shared with the browser's store.
 *
 * Metadata and the ICs are written with zarrita and `@zarrita/storage`'s `FileSystemStore` (Node
 * `fs`), the reference's chunk files directly in the layout zarrita writes (the same bytes), so
 * the entries open in zarr-python ≥ 3 and any other Zarr v3 reader; the format is unchanged
 * (`REFERENCE_CACHE_SCHEMA` 1). Needs `--allow-read` and
 * `--allow-write` on the cache directory. The default directory is {@link defaultCacheDir}.
 * @module
 */
import { join } from "node:path";
import { createHash } from "node:crypto";
import * as zarr from "zarrita";
import { FileSystemStore } from "@zarrita/storage";
import { removeIfExists, sweepStaleTemporaries } from "../core/atomic.ts";
import type { Progress, Suite } from "../../suites/common/types.ts";
import {
  type CachedReference,
  type FeatureWriter,
  type OpenedReference,
  referenceFromStore,
  type ReferenceGenerator,
  type ReferenceHandle,
  referenceKey,
  type ReferenceRequest,
  referenceShapes,
  referenceSourceFromStore,
  type ReferenceStore,
  type ReferenceWriter,
  type StoredFeatures,
} from "./reference_store.ts";
import {
  checkWindow,
  type FeatureSource,
  readWholeReference,
  type ReferenceSource,
} from "./reference_source.ts";

export { defaultCacheDir } from "./cache_dir.ts";
export {
  type CachedReference,
  type GeneratedReference,
  physicsTag,
  REFERENCE_CACHE_SCHEMA,
  type ReferenceGenerator,
  type ReferenceHandle,
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

/** Create the Zarr metadata of array `name` (no chunks: those are written raw, below). */
async function createArray(
  root: zarr.Location<FileSystemStore>,
  name: string,
  shape: number[],
  dims: string[],
) {
  return await zarr.create(root.resolve(name), {
    shape,
    chunkShape: [1, ...shape.slice(1)],
    dtype: "float32",
    codecs: CODECS,
    fillValue: NaN, // a missing chunk reads as NaN, never as plausible zeros
    dimensionNames: dims,
  });
}

/**
 * Chunk `ic` of an array of rank `rank` chunked `[1, ...rest]`, relative to the array: Zarr v3's
 * default chunk key encoding, `c/<ic>/0/…/0`.
 */
function chunkKey(ic: number, rank: number): string {
  return ["c", String(ic), ...new Array(rank - 1).fill("0")].join("/");
}

/** True on little-endian hosts: the chunk bytes are then the Float32Array's own bytes. */
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Reverse each 4-byte group of `b` in place (little-endian file ↔ big-endian host). */
function swap32(b: Uint8Array): void {
  for (let i = 0; i + 3 < b.length; i += 4) {
    const [x, y] = [b[i], b[i + 1]];
    b[i] = b[i + 3];
    b[i + 1] = b[i + 2];
    b[i + 2] = y;
    b[i + 3] = x;
  }
}

/** The bytes of `a` as they sit in a chunk file (little-endian float32). */
function chunkBytes(a: Float32Array): Uint8Array {
  const b = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  if (LITTLE_ENDIAN) return b;
  const c = b.slice();
  swap32(c);
  return c;
}

/**
 * Start an entry in `tmp`: the reference's chunk files are written as each IC arrives, the ICs,
 * the group metadata (last: an entry without it is incomplete by construction) and the rename
 * into `path` on commit.
 */
async function entryWriter(
  tmp: string,
  path: string,
  suite: Suite,
  request: ReferenceRequest,
): Promise<ReferenceWriter> {
  const shape = referenceShapes(suite, request);
  const space = shape.ics.length === 3 ? ["x"] : ["y", "x"];
  const abort = () => removeIfExists(tmp).catch(() => {});
  try {
    await Deno.mkdir(tmp, { recursive: true });
    const root = zarr.root(new FileSystemStore(tmp));
    await createArray(root, "reference", shape.reference, ["ic", "step", "field", ...space]);
    const per = shape.reference.slice(1).reduce((a, b) => a * b, 1);
    return {
      async write(ic, trajectory) {
        if (trajectory.length !== per) {
          throw new Error(`trajectory ${ic} has ${trajectory.length} values, expected ${per}`);
        }
        const file = join(tmp, "reference", chunkKey(ic, shape.reference.length));
        await Deno.mkdir(join(file, ".."), { recursive: true });
        await Deno.writeFile(file, chunkBytes(trajectory));
      },
      async commit(ics, attrs) {
        try {
          const arr = await createArray(root, "ics", shape.ics, ["ic", "field", ...space]);
          await zarr.set(arr, null, {
            data: ics,
            shape: shape.ics,
            stride: cOrderStride(shape.ics),
          });
          await zarr.create(root, { attributes: attrs });
          try {
            await Deno.rename(tmp, path);
          } catch (e) {
            // Another writer got there first: its entry holds the same data. Otherwise re-throw.
            if (!(await exists(`${path}/zarr.json`))) throw e;
          }
        } finally {
          await abort();
        }
      },
      abort,
    };
  } catch (e) {
    await abort();
    throw e;
  }
}

/** The reference array's metadata must be the layout {@link fileSource} reads raw. */
function checkLayout(meta: Record<string, unknown>, shape: number[]): void {
  const want = {
    shape,
    data_type: "float32",
    chunk_grid: { name: "regular", configuration: { chunk_shape: [1, ...shape.slice(1)] } },
    chunk_key_encoding: { name: "default", configuration: { separator: "/" } },
    codecs: CODECS,
  };
  for (const [key, value] of Object.entries(want)) {
    if (JSON.stringify(meta[key]) !== JSON.stringify(value)) {
      throw new Error(
        `array reference has ${key} ${JSON.stringify(meta[key])}, expected ${
          JSON.stringify(value)
        }`,
      );
    }
  }
}

/**
 * The reference of the entry at `dir` as a source: a window is one byte-range read per IC from
 * that IC's chunk file (uncompressed little-endian float32, `[T + 1, C, ...grid]` in C order, so
 * steps t0..t1−1 are bytes `4·S·t0` to `4·S·t1`). Every chunk file must be there with exactly
 * its size when opened; a file that is cut or gone later fails the read that needs it.
 */
async function fileSource(dir: string, shape: number[]): Promise<ReferenceSource> {
  const meta = JSON.parse(await Deno.readTextFile(join(dir, "reference", "zarr.json")));
  checkLayout(meta, shape);
  const [count, T1] = shape;
  const S = shape.slice(2).reduce((a, b) => a * b, 1);
  const files = Array.from(
    { length: count },
    (_, ic) => join(dir, "reference", chunkKey(ic, shape.length)),
  );
  for (const [ic, file] of files.entries()) {
    let bytes: number;
    try {
      bytes = (await Deno.stat(file)).size;
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) {
        throw new Error(`reference chunk ${chunkKey(ic, shape.length)} is missing`);
      }
      throw e;
    }
    if (bytes !== T1 * S * 4) {
      throw new Error(
        `reference chunk ${chunkKey(ic, shape.length)} has ${bytes} bytes, expected ${T1 * S * 4}`,
      );
    }
  }
  const source: ReferenceSource = {
    count,
    steps: T1 - 1,
    stateSize: S,
    async window(ic0, ic1, t0, t1) {
      checkWindow(source, ic0, ic1, t0, t1);
      const n = (t1 - t0) * S * 4;
      const out = new Float32Array((ic1 - ic0) * (t1 - t0) * S);
      const bytes = new Uint8Array(out.buffer);
      for (let ic = ic0; ic < ic1; ic++) {
        using f = await Deno.open(files[ic], { read: true });
        await readAt(
          f,
          t0 * S * 4,
          bytes.subarray((ic - ic0) * n, (ic - ic0 + 1) * n),
          () =>
            `reference chunk ${files[ic]} ended before byte ${t0 * S * 4 + n} ` +
            "(the cache entry changed while in use)",
        );
      }
      if (!LITTLE_ENDIAN) swap32(bytes);
      return out;
    },
  };
  return source;
}

/** Folder of an entry's reference features (`reference_features.ts`). */
const FEATURES_DIR = "features";
/** First 8 bytes of a features file. */
const FEATURES_MAGIC = "EBFEAT02";
/** The magic of the first layout, which had no digest (read as an older format, not used). */
const FEATURES_MAGIC_1 = "EBFEAT01";
/** Bytes of the SHA-256 of the values that ends a features file. */
const FEATURES_DIGEST_BYTES = 32;

/**
 * The head of a features file: `EBFEAT02`, the header's byte length H (uint32 little-endian) and
 * 4 zero bytes, the header as UTF-8 JSON padded with spaces to a multiple of 8 bytes. The values
 * follow, float64 little-endian in C order (`[N, T + 1, F]`, the header's `shape`), then the
 * SHA-256 (32 raw bytes) of the values' bytes, which every open checks (a damaged file is not
 * used).
 */
function featureHead(header: Record<string, unknown>): Uint8Array {
  let text = JSON.stringify(header);
  text += " ".repeat((8 - (new TextEncoder().encode(text).length % 8)) % 8);
  const head = new TextEncoder().encode(text);
  const out = new Uint8Array(16 + head.length);
  out.set(new TextEncoder().encode(FEATURES_MAGIC), 0);
  new DataView(out.buffer).setUint32(8, head.length, true);
  out.set(head, 16);
  return out;
}

/** `values` as little-endian float64 bytes. */
function f64LeBytes(values: Float64Array): Uint8Array {
  const out = new Uint8Array(values.length * 8), v = new DataView(out.buffer);
  for (let i = 0; i < values.length; i++) v.setFloat64(8 * i, values[i], true);
  return out;
}

/**
 * A {@link FeatureWriter} of the features file `path`: the head, then each IC's values as they
 * come, into a temporary sibling that is flushed and renamed into place on commit (next to an
 * entry that is there: `entry`'s `zarr.json` is checked first).
 */
async function featureWriter(
  path: string,
  entry: string,
  header: Record<string, unknown>,
): Promise<FeatureWriter> {
  if (!(await exists(join(entry, "zarr.json")))) {
    throw new Error("there is no reference entry to keep them with");
  }
  await Deno.mkdir(join(path, ".."), { recursive: true });
  await sweepStaleTemporaries(join(path, "..")); // of features writers that were interrupted
  const tmp = `${path}.tmp-${Deno.pid}-${crypto.randomUUID().slice(0, 8)}`;
  const file = await Deno.open(tmp, { write: true, create: true, truncate: true });
  let open = true;
  const close = () => {
    if (open) file.close();
    open = false;
  };
  const writeAll = async (b: Uint8Array) => {
    for (let at = 0; at < b.length;) at += await file.write(b.subarray(at));
  };
  const [n, t1, f] = header.shape as number[];
  const digest = createHash("sha256");
  let next = 0;
  try {
    await writeAll(featureHead(header));
  } catch (e) {
    close();
    await removeIfExists(tmp).catch(() => {});
    throw e;
  }
  return {
    async write(ic, values) {
      if (ic !== next || values.length !== t1 * f) {
        throw new Error(`features of IC ${ic} (${values.length} values) out of order or size`);
      }
      const bytes = f64LeBytes(values);
      digest.update(bytes);
      await writeAll(bytes);
      next++;
    },
    async commit() {
      try {
        if (next !== n) throw new Error(`features of ${next} of ${n} ICs written`);
        await writeAll(new Uint8Array(digest.digest()));
        await file.syncData();
        close();
        await Deno.rename(tmp, path);
      } finally {
        close();
        await removeIfExists(tmp).catch(() => {});
      }
    },
    async abort() {
      close();
      await removeIfExists(tmp).catch(() => {});
    },
  };
}

/**
 * The features file at `path` (layout: `featureHead`), or `null` when there is none: its
 * header, and its values read by windows (one byte-range read per IC). Throws, naming the file
 * and what is wrong, for a file that is not one (or of the older format without a digest), whose
 * header is not a JSON object with a shape `[N, T + 1, F]`, whose size is not that shape's, or
 * whose values do not match their SHA-256 (read through once, by windows of 1 MiB).
 */
async function openFeatureFile(path: string): Promise<StoredFeatures | null> {
  let file: Deno.FsFile;
  try {
    file = await Deno.open(path, { read: true });
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return null;
    throw e;
  }
  let header: Record<string, unknown>, dataAt: number, count: number, T1: number, F: number;
  try {
    const bytes = (await file.stat()).size;
    const read = (at: number, n: number, into = new Uint8Array(n)) =>
      readAt(file, at, into.subarray(0, n), (end) => `features file ${path} ends at byte ${end}`);
    const lead = await read(0, 16);
    const magic = new TextDecoder().decode(lead.subarray(0, 8));
    if (magic === FEATURES_MAGIC_1) {
      throw new Error(`${path} is of the older features format ${magic} (no digest)`);
    }
    if (magic !== FEATURES_MAGIC) throw new Error(`${path} is not a features file`);
    const h = new DataView(lead.buffer).getUint32(8, true);
    if (16 + h + FEATURES_DIGEST_BYTES > bytes) {
      throw new Error(`features file ${path} has a header of ${h} bytes in ${bytes} bytes`);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(new TextDecoder().decode(await read(16, h)));
    } catch (e) {
      throw new Error(`features file ${path} has a header that is not JSON (${e})`);
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
      throw new Error(`features file ${path} has a header that is not a JSON object`);
    }
    header = parsed as Record<string, unknown>;
    dataAt = 16 + h;
    const shape = header.shape;
    if (
      !Array.isArray(shape) || shape.length !== 3 ||
      !shape.every((n) => Number.isSafeInteger(n) && n >= 1)
    ) {
      throw new Error(`features file ${path} has shape ${JSON.stringify(shape)}`);
    }
    [count, T1, F] = shape as number[];
    const valueBytes = count * T1 * F * 8;
    if (bytes !== dataAt + valueBytes + FEATURES_DIGEST_BYTES) {
      throw new Error(
        `features file ${path} has ${bytes} bytes, expected ${
          dataAt + valueBytes + FEATURES_DIGEST_BYTES
        }`,
      );
    }
    // Every value once, hashed by windows (never held whole), against the digest at the end.
    const hash = createHash("sha256"), buf = new Uint8Array(Math.min(valueBytes, 2 ** 20));
    for (let at = 0; at < valueBytes; at += buf.length) {
      hash.update(await read(dataAt + at, Math.min(buf.length, valueBytes - at), buf));
    }
    const want = await read(dataAt + valueBytes, FEATURES_DIGEST_BYTES);
    if (!equalBytes(new Uint8Array(hash.digest()), want)) {
      throw new Error(`features file ${path} is damaged: its values do not match their SHA-256`);
    }
  } finally {
    file.close();
  }
  const source: FeatureSource = {
    count,
    steps: T1 - 1,
    size: F,
    async window(ic0, ic1, t0, t1) {
      checkWindow(source, ic0, ic1, t0, t1);
      const n = (t1 - t0) * F * 8, out = new Float64Array((ic1 - ic0) * (t1 - t0) * F);
      const b = new Uint8Array(out.buffer);
      using f = await Deno.open(path, { read: true });
      for (let ic = ic0; ic < ic1; ic++) {
        const part = b.subarray((ic - ic0) * n, (ic - ic0 + 1) * n);
        await readAt(
          f,
          dataAt + (ic * T1 + t0) * F * 8,
          part,
          () => `features file ${path} changed while in use`,
        );
      }
      if (!LITTLE_ENDIAN) {
        const v = new DataView(out.buffer);
        for (let i = 0; i < out.length; i++) out[i] = v.getFloat64(8 * i, true);
      }
      return out;
    },
  };
  return { header, source };
}

/**
 * Fill `into` with the bytes of `file` from byte `at` on; `Error(ended(byte))` where the file
 * ends first. Returns `into`.
 */
async function readAt(
  file: Deno.FsFile,
  at: number,
  into: Uint8Array,
  ended: (byte: number) => string,
): Promise<Uint8Array> {
  await file.seek(at, Deno.SeekMode.Start);
  for (let got = 0; got < into.length;) {
    const r = await file.read(into.subarray(got));
    if (r === null) throw new Error(ended(at + got));
    got += r;
  }
  return into;
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
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
 * `open` reads the group attributes and the ICs, and gives the reference as a source read by
 * byte ranges of its chunk files (`get`: the same, read whole); `create` writes an entry IC by
 * IC into a temporary sibling directory and renames it into place on commit (`put`: the same,
 * from whole arrays). SHA-256 is node:crypto's.
 */
export function fileReferenceStore(cacheDir: string): ReferenceStore {
  const locate = (suite: Suite, request: ReferenceRequest) =>
    referenceCachePath(cacheDir, suite, request);
  const open = async (suite: Suite, request: ReferenceRequest): Promise<OpenedReference | null> => {
    const dir = locate(suite, request);
    if (!(await exists(dir))) return null;
    const root = zarr.root(new FileSystemStore(dir));
    const group = await zarr.open(root, { kind: "group" });
    const attrs = group.attrs as Record<string, unknown>;
    const shape = referenceShapes(suite, request);
    if (JSON.stringify(attrs.shape) !== JSON.stringify(shape)) {
      // Attributes first, as referenceSourceFromStore reports them (before any array is read).
      const none: ReferenceSource = {
        count: 0,
        steps: 0,
        stateSize: 0,
        window: () => Promise.reject(new Error("attributes do not match")),
      };
      return { ics: new Float32Array(0), reference: none, attrs };
    }
    return {
      ics: await readFloat32(root, "ics", shape.ics),
      reference: await fileSource(dir, shape.reference),
      attrs,
    };
  };
  const create = async (suite: Suite, request: ReferenceRequest) => {
    const path = locate(suite, request);
    await sweepStaleTemporaries(join(path, "..")); // of entry writers that were interrupted
    const tmp = `${path}.tmp-${Deno.pid}-${crypto.randomUUID().slice(0, 8)}`;
    return entryWriter(tmp, path, suite, request);
  };
  const featurePath = (suite: Suite, request: ReferenceRequest, name: string) =>
    join(locate(suite, request), FEATURES_DIR, `${name}.bin`);
  return {
    locate,
    open,
    create,
    openFeatures: (suite, request, name) => openFeatureFile(featurePath(suite, request, name)),
    createFeatures: (suite, request, name, header) =>
      featureWriter(featurePath(suite, request, name), locate(suite, request), header),
    async putFeatures(suite, request, name, header, values) {
      const w = await featureWriter(
        featurePath(suite, request, name),
        locate(suite, request),
        header,
      );
      try {
        const per = values.length / request.ics;
        for (let i = 0; i < request.ics; i++) {
          await w.write(i, values.subarray(i * per, (i + 1) * per));
        }
        await w.commit();
      } catch (e) {
        await w.abort();
        throw e;
      }
    },
    async get(suite, request) {
      const entry = await open(suite, request);
      if (!entry) return null;
      const reference = entry.reference.count === 0
        ? new Float32Array(0)
        : await readWholeReference(entry.reference);
      return { ics: entry.ics, reference, attrs: entry.attrs };
    },
    async put(suite, request, entry) {
      const writer = await create(suite, request);
      try {
        const per = entry.reference.length / request.ics;
        for (let i = 0; i < request.ics; i++) {
          await writer.write(i, entry.reference.subarray(i * per, (i + 1) * per));
        }
      } catch (e) {
        await writer.abort();
        throw e;
      }
      await writer.commit(entry.ics, entry.attrs);
    },
    remove: (suite, request) => removeIfExists(locate(suite, request)),
    hasher() {
      const h = createHash("sha256");
      return {
        update: (bytes: Uint8Array) => h.update(bytes),
        hex: () => h.digest("hex"),
      };
    },
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

/**
 * {@link loadOrGenerateReference} read by windows: the reference comes back as a
 * `ReferenceSource` over the cache entry's chunk files (a hit is verified chunk by chunk; a miss
 * is written IC by IC as it is generated), so it is never held whole
 * (`reference_store.ts`, `referenceSourceFromStore`).
 *
 * @example
 * ```ts
 * import { loadOrGenerateReference, openReference } from "./reference_cache.ts";
 * import type { Suite } from "../../suites/common/types.ts";
 * const suite = {
 *   id: "ramp", version: "1", fields: ["u"], grid: { kind: "periodic1d", n: 2, length: 1 },
 *   initialConditions: (count: number) => new Float32Array(count * 2).fill(1),
 *   reference: (_: Float32Array, count: number, steps: number) =>
 *     Float32Array.from({ length: count * (steps + 1) * 2 }, (_, i) => i),
 * } as unknown as Suite;
 * const cacheDir = await Deno.makeTempDir(), request = { seed: 0, ics: 2, steps: 3 };
 * const miss = await openReference(suite, request, { cacheDir });
 * const hit = await openReference(suite, request, { cacheDir });
 * const whole = await loadOrGenerateReference(suite, request, { cacheDir });
 * const w = await hit.source.window(1, 2, 2, 4); // IC 1, steps 2..3
 * if (!hit.cached || hit.sha256 !== miss.sha256 || w.join() !== "12,13,14,15") throw new Error();
 * if (whole.reference[12] !== 12) throw new Error();
 * ```
 */
export function openReference(
  suite: Suite,
  request: ReferenceRequest,
  options: ReferenceCacheOptions,
): Promise<ReferenceHandle> {
  return referenceSourceFromStore(fileReferenceStore(options.cacheDir), suite, request, options);
}

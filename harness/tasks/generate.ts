/**
 * Training data from a suite's own reference solver (`emubench generate`): N trajectories of a
 * split, written as Zarr, HDF5 (the PDEBench layout) or `.npy`, each file carrying its metadata.
 *
 * **Splits.** `train`, `val` and `test` draw ICs from different seed streams
 * ({@link splitSeed}): `test` is the suite's evaluation seed, so `generate --split test` holds
 * exactly the ICs and reference trajectories that `emubench run` scores; `train` and `val` use
 * seeds derived from it and never equal to it. IC `i` of a split depends only on (suite version,
 * split seed, i), so the same request gives bit-identical data on any machine, in any shard and
 * with any number of workers. A leaderboard operator can keep the test ICs private with
 * `EMUBENCH_TEST_SEED` (or `testSeed`): files and results then record only the seed's SHA-256.
 *
 * **Layouts** (`T'` = ⌊steps / stride⌋ + 1 stored times, entry 0 the IC; grid axes as the suite
 * declares them, e.g. `128, 128`):
 * - `.npy`: `[N, T', C, ...grid]` float32 (what `run --data` reads), metadata in `PATH.json`;
 * - `.zarr` (Zarr v2, uncompressed, readable by zarr-python 2 and 3 and xarray): array
 *   `trajectories` `[N, T', C, ...grid]` chunked one trajectory per
 *   chunk, coordinates `time` and `x` (`y`), metadata as group attributes;
 * - `.h5` / `.hdf5` (PDEBench): dataset `tensor` `[N, T', ...grid]` (one field) or
 *   `[N, T', ...grid, C]` (channels last), `t-coordinate`, `x-coordinate` (`y-coordinate`),
 *   metadata as root attributes (nested values as JSON strings).
 *
 * **Resumable and atomic.** Finished trajectories are kept in `PATH.partial/` (one file each,
 * written atomically, with the request that made them); an interrupted run started again with the
 * same arguments continues there, and the output is assembled into a temporary sibling and renamed
 * into place only when complete. The same arguments give the same bytes either way.
 * @module
 */
import { basename, dirname, extname, join } from "node:path";
import { removeIfExists, writeFileAtomic } from "../core/atomic.ts";
import { FormatError, ValueRangeError } from "../core/errors.ts";
import { fmix32 } from "../core/rng.ts";
import { h5wasm } from "../data/hdf5.ts";
import { encodeNpyHeader } from "../data/npy.ts";
import { gridShape, gridSize, type Suite } from "../../suites/common/types.ts";
import { getSuite } from "../../suites/mod.ts";
import { EMUBENCH_VERSION } from "./environment.ts";
import { defaultWorkers, storedTimes, TrajectoryPool } from "./trajectories.ts";
import { privateSeedHash, privateTestSeed } from "./context.ts";

export { privateTestSeed } from "./context.ts";

/** A data split. */
export type Split = "train" | "val" | "test";
/** Every split, in order. */
export const SPLITS: readonly Split[] = ["train", "val", "test"];
/** Output formats, chosen by the output path's extension. */
export type DatasetFormat = "zarr" | "h5" | "npy";
/** Value of the `schema` metadata field. */
export const DATASET_SCHEMA = "emubench.dataset/1";

const SPLIT_TAG: Record<Split, number> = { train: 0x747261696e, val: 0x76616c, test: 0 };

/**
 * The IC seed of a split: `test` → the private test seed if given, else `suite.seed` (what `run`
 * scores); `train` / `val` → `fmix32(suite.seed ⊕ fmix32(tag))` with a per-split tag, moved on
 * by one where it would meet another split's seed, so the three streams never share a seed.
 *
 * @example
 * ```ts
 * import { splitSeed } from "./generate.ts";
 * const s = { seed: 42 };
 * const [tr, va, te] = (["train", "val", "test"] as const).map((k) => splitSeed(s, k));
 * if (te !== 42 || tr === te || va === te || tr === va) throw new Error("disjoint streams");
 * ```
 */
export function splitSeed(suite: Pick<Suite, "seed">, split: Split, testSeed?: number): number {
  const test = testSeed ?? suite.seed;
  if (split === "test") return test;
  const taken = new Set([test, suite.seed]);
  const derive = (tag: number) => {
    let s = fmix32((suite.seed ^ fmix32(tag % 0x100000000)) >>> 0);
    while (taken.has(s)) s = (s + 1) >>> 0;
    return s;
  };
  const train = derive(SPLIT_TAG.train);
  taken.add(train);
  return split === "train" ? train : derive(SPLIT_TAG.val);
}

/** Options of {@link generateDataset}. */
export interface GenerateOptions {
  /** Registered suite id. */
  suite: string;
  split: Split;
  /** Trajectories in the whole split (before sharding). */
  n: number;
  /** Model steps per trajectory. Default: the suite's standard tier. */
  steps?: number;
  /** Keep every k-th state. Default 1. */
  stride?: number;
  /** Output path; the extension picks the format (`.zarr`, `.h5`/`.hdf5`, `.npy`). */
  out: string;
  /** Generate only shard `index` of `count` (1-based, contiguous IC ranges). */
  shard?: { index: number; count: number };
  /** Private test seed (default `EMUBENCH_TEST_SEED`); only its hash is written. */
  testSeed?: number;
  /** Worker threads. Default: one per core. */
  workers?: number;
  /** Called after each trajectory with (done, total) of this run. */
  progress?: (done: number, total: number) => void;
  /** Stop between trajectories (finished ones stay in the partial directory). */
  signal?: AbortSignal;
}

/** What {@link generateDataset} wrote. */
export interface GenerateSummary {
  path: string;
  format: DatasetFormat;
  /** Trajectories in the file. */
  count: number;
  /** First IC index of the file within the split. */
  offset: number;
  /** Trajectories computed now (the others came from an interrupted run). */
  computed: number;
  /** Bytes of the output (all files of a Zarr store, or the file + sidecar). */
  bytes: number;
  seconds: number;
  metadata: DatasetMetadata;
}

/** The metadata written into every output (attributes, or the `.npy` sidecar). */
export interface DatasetMetadata {
  schema: string;
  suite: string;
  suite_version: string;
  title: string;
  split: Split;
  /** The split's IC seed, or `null` for a private test seed. */
  seed: number | null;
  /** SHA-256 of the private test seed's decimal text, when one was used. */
  private_seed_sha256?: string;
  /** First IC index within the split, and how many there are. */
  ic_offset: number;
  count: number;
  /** The whole split's size, and the shard `K/M` when sharded. */
  split_size: number;
  shard?: string;
  steps: number;
  stride: number;
  /** Δt of one model step, and between stored times (`stride · dt`). */
  dt: number;
  stored_dt: number;
  times: number;
  fields: string[];
  grid: Suite["grid"];
  params: Record<string, number>;
  /** Axis order of the main array. */
  layout: string;
  emubench_version: string;
}

/** Format of an output path, by extension. */
export function datasetFormat(path: string): DatasetFormat {
  const ext = extname(path.replace(/[/\\]+$/, "")).toLowerCase();
  if (ext === ".zarr") return "zarr";
  if (ext === ".h5" || ext === ".hdf5") return "h5";
  if (ext === ".npy") return "npy";
  throw new FormatError({
    file: path,
    field: "--out",
    expected: "a path ending in .zarr, .h5, .hdf5 or .npy",
    found: ext ? `extension ${ext}` : "no extension",
  });
}

function positive(field: string, v: number | undefined, min = 1): void {
  if (v === undefined) return;
  if (!Number.isSafeInteger(v) || v < min || v > 1e9) {
    throw new ValueRangeError({ field, expected: `an integer in [${min}, 1e9]`, found: String(v) });
  }
}

/** The IC range `[offset, offset + count)` of shard `index` of `count` over `n` ICs. */
export function shardSlice(
  n: number,
  shard?: { index: number; count: number },
): { offset: number; count: number } {
  if (!shard) return { offset: 0, count: n };
  const { index, count } = shard;
  if (
    !Number.isSafeInteger(count) || count < 1 || !Number.isSafeInteger(index) || index < 1 ||
    index > count
  ) {
    throw new ValueRangeError({
      field: "--shard",
      expected: "K/M with 1 ≤ K ≤ M",
      found: `${index}/${count}`,
    });
  }
  const lo = Math.floor(((index - 1) * n) / count), hi = Math.floor((index * n) / count);
  return { offset: lo, count: hi - lo };
}

function layoutOf(
  format: DatasetFormat,
  suite: Suite,
): { shape: (n: number, t: number) => number[]; names: string[] } {
  const grid = gridShape(suite.grid), C = suite.fields.length;
  const space = suite.grid.kind === "healpix" ? ["pixel"] : grid.length === 1 ? ["x"] : ["y", "x"];
  if (format === "h5") {
    return C === 1
      ? { shape: (n, t) => [n, t, ...grid], names: ["sample", "time", ...space] }
      : { shape: (n, t) => [n, t, ...grid, C], names: ["sample", "time", ...space, "field"] };
  }
  return { shape: (n, t) => [n, t, C, ...grid], names: ["sample", "time", "field", ...space] };
}

/** Channels-first `[T', C, ...grid]` to channels-last `[T', ...grid, C]`. */
function channelsLast(data: Float32Array, T: number, C: number, X: number): Float32Array {
  if (C === 1) return data;
  const out = new Float32Array(data.length);
  for (let t = 0; t < T; t++) {
    for (let c = 0; c < C; c++) {
      const src = (t * C + c) * X;
      for (let x = 0; x < X; x++) out[(t * X + x) * C + c] = data[src + x];
    }
  }
  return out;
}

function coordinates(suite: Suite): { name: string; values: Float64Array }[] {
  const g = suite.grid as { kind: string; n?: number; nx?: number; ny?: number; length?: number };
  const axis = (n: number, length: number) =>
    Float64Array.from({ length: n }, (_, i) => (i * length) / n);
  const shape = gridShape(suite.grid);
  if (suite.grid.kind === "healpix") return [];
  const length = typeof g.length === "number" ? g.length : 1;
  if (shape.length === 1) return [{ name: "x", values: axis(shape[0], length) }];
  return [
    { name: "y", values: axis(shape[0], length) },
    { name: "x", values: axis(shape[1], length) },
  ];
}

async function pathBytes(path: string): Promise<number> {
  const st = await Deno.stat(path);
  if (!st.isDirectory) return st.size;
  let total = 0;
  for await (const e of Deno.readDir(path)) total += await pathBytes(join(path, e.name));
  return total;
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return false;
    throw e;
  }
}

/**
 * Generate a split's trajectories with the suite's reference solver and write them to `out`.
 * See the module notes for splits, layouts, resumption and atomicity.
 *
 * @throws {ValueRangeError} bad counts, shard, seed; a partial directory from other arguments.
 * @throws {FormatError} an unknown output extension.
 *
 * @example
 * ```ts
 * import { generateDataset } from "./generate.ts";
 * const dir = await Deno.makeTempDir();
 * const r = await generateDataset({
 *   suite: "convection1d", split: "train", n: 2, steps: 4, out: `${dir}/train.npy`, workers: 1,
 * });
 * if (r.count !== 2 || r.metadata.times !== 5 || r.metadata.split !== "train") throw new Error();
 * ```
 */
export async function generateDataset(o: GenerateOptions): Promise<GenerateSummary> {
  const t0 = performance.now();
  const suite = getSuite(o.suite);
  if (!SPLITS.includes(o.split)) {
    throw new ValueRangeError({
      field: "--split",
      expected: SPLITS.join(" | "),
      found: JSON.stringify(String(o.split)),
    });
  }
  positive("--n", o.n);
  positive("--steps", o.steps);
  positive("--stride", o.stride);
  positive("--workers", o.workers);
  const steps = o.steps ?? suite.tiers.standard.steps;
  const stride = o.stride ?? 1;
  if (stride > steps) {
    throw new ValueRangeError({
      field: "--stride",
      expected: `at most --steps (${steps})`,
      found: String(stride),
    });
  }
  const format = datasetFormat(o.out);
  const out = o.out.replace(/[/\\]+$/, "");
  const testSeed = o.testSeed ?? (o.split === "test" ? privateTestSeed() : undefined);
  if (testSeed !== undefined && !Number.isSafeInteger(testSeed)) {
    throw new ValueRangeError({
      field: "testSeed",
      expected: "an integer",
      found: String(testSeed),
    });
  }
  const seed = splitSeed(suite, o.split, testSeed);
  const { offset, count } = shardSlice(o.n, o.shard);
  const T = storedTimes(steps, stride);
  const C = suite.fields.length, X = gridSize(suite.grid), S = C * X;
  const layout = layoutOf(format, suite);

  const metadata: DatasetMetadata = {
    schema: DATASET_SCHEMA,
    suite: suite.id,
    suite_version: suite.version,
    title: suite.title,
    split: o.split,
    seed: testSeed !== undefined ? null : seed,
    ...(testSeed !== undefined ? { private_seed_sha256: await privateSeedHash(testSeed) } : {}),
    ic_offset: offset,
    count,
    split_size: o.n,
    ...(o.shard ? { shard: `${o.shard.index}/${o.shard.count}` } : {}),
    steps,
    stride,
    dt: suite.dt,
    stored_dt: stride * suite.dt,
    times: T,
    fields: [...suite.fields],
    grid: { ...suite.grid },
    params: { ...(suite.params ?? {}) },
    layout: `[${layout.names.join(", ")}]`,
    emubench_version: EMUBENCH_VERSION,
  };

  // The partial directory: finished trajectories of exactly this request.
  const partial = `${out}.partial`;
  const request = JSON.stringify({ ...metadata, emubench_version: undefined });
  await Deno.mkdir(dirname(out) || ".", { recursive: true });
  if (await exists(partial)) {
    let previous = "";
    try {
      previous = await Deno.readTextFile(join(partial, "request.json"));
    } catch { /* unreadable: treated as foreign */ }
    if (previous !== request) {
      throw new ValueRangeError({
        file: partial,
        field: "request.json",
        expected: "the partial output of the same generate arguments",
        found: "another request (or none)",
        hint: "Delete the .partial directory, or repeat the arguments of the interrupted run.",
      });
    }
  } else {
    await Deno.mkdir(partial, { recursive: true });
    await writeFileAtomic(join(partial, "request.json"), new TextEncoder().encode(request));
  }
  const trajPath = (i: number) => join(partial, `traj-${String(i).padStart(9, "0")}.f32`);
  const todo: number[] = [];
  for (let i = offset; i < offset + count; i++) {
    try {
      const st = await Deno.stat(trajPath(i));
      if (st.size === T * S * 4) continue;
    } catch { /* missing */ }
    todo.push(i);
  }

  // Shared per-seed work (e.g. a spin-up) once, before the workers start.
  if (todo.length > 0) suite.prepareInitialConditions?.(seed);
  const pool = new TrajectoryPool(
    Math.min(o.workers ?? defaultWorkers(), Math.max(1, todo.length)),
  );
  let done = 0;
  const total = todo.length;
  try {
    let next = 0;
    const lanes = Array.from({ length: pool.size }, async () => {
      while (next < todo.length) {
        if (o.signal?.aborted) throw o.signal.reason ?? new Error("aborted");
        const i = todo[next++];
        const data = await pool.run({ suite: suite.id, seed, index: i, steps, stride });
        if (data.length !== T * S) {
          throw new Error(`trajectory ${i} has ${data.length} values, expected ${T * S}`);
        }
        await writeFileAtomic(
          trajPath(i),
          new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
        );
        done++;
        o.progress?.(done, total);
      }
    });
    await Promise.all(lanes);
  } finally {
    pool.close();
  }

  // Assemble into a temporary sibling, then rename into place.
  const tmp = join(
    dirname(out) || ".",
    `.${basename(out)}.tmp-${Deno.pid}-${crypto.randomUUID().slice(0, 8)}`,
  );
  const read = async (i: number) => {
    const b = await Deno.readFile(trajPath(i));
    return new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4);
  };
  try {
    if (format === "npy") await writeNpyOut(tmp, layout.shape(count, T), read, offset);
    else if (format === "zarr") await writeZarrOut(tmp, suite, metadata, layout, read, offset);
    else await writeH5Out(tmp, suite, metadata, layout.shape(count, T), read, offset);
    if (format === "npy") {
      await writeFileAtomic(
        `${out}.json`,
        new TextEncoder().encode(JSON.stringify(metadata, null, 2) + "\n"),
      );
    }
    await removeIfExists(out);
    await Deno.rename(tmp, out);
  } finally {
    await removeIfExists(tmp).catch(() => {});
  }
  await removeIfExists(partial);
  const bytes = (await pathBytes(out)) + (format === "npy" ? await pathBytes(`${out}.json`) : 0);
  return {
    path: out,
    format,
    count,
    offset,
    computed: total,
    bytes,
    seconds: (performance.now() - t0) / 1000,
    metadata,
  };
}

type Reader = (i: number) => Promise<Float32Array>;

async function writeNpyOut(
  path: string,
  shape: number[],
  read: Reader,
  offset: number,
): Promise<void> {
  const full = encodeNpyHeader(shape);
  const f = await Deno.open(path, { write: true, create: true, truncate: true });
  try {
    await writeAll(f, full);
    for (let i = 0; i < shape[0]; i++) {
      const d = await read(offset + i);
      await writeAll(f, new Uint8Array(d.buffer, d.byteOffset, d.byteLength));
    }
    await f.sync();
  } finally {
    f.close();
  }
}

async function writeAll(f: Deno.FsFile, bytes: Uint8Array): Promise<void> {
  let off = 0;
  while (off < bytes.length) off += await f.write(bytes.subarray(off));
}

/** Zarr v2, written by hand: readable by zarr-python 2 and 3, xarray and zarrita alike. */
async function writeZarrOut(
  path: string,
  suite: Suite,
  meta: DatasetMetadata,
  layout: { shape: (n: number, t: number) => number[]; names: string[] },
  read: Reader,
  offset: number,
): Promise<void> {
  const enc = new TextEncoder();
  const json = (v: unknown) => enc.encode(JSON.stringify(v, null, 1));
  const array = async (
    name: string,
    shape: number[],
    chunks: number[],
    dtype: "<f4" | "<f8",
    dims: string[],
  ) => {
    await Deno.mkdir(join(path, name), { recursive: true });
    await Deno.writeFile(
      join(path, name, ".zarray"),
      json({
        zarr_format: 2,
        shape,
        chunks,
        dtype,
        compressor: null,
        fill_value: "NaN",
        order: "C",
        filters: null,
        dimension_separator: ".",
      }),
    );
    await Deno.writeFile(join(path, name, ".zattrs"), json({ _ARRAY_DIMENSIONS: dims }));
  };
  await Deno.mkdir(path, { recursive: true });
  await Deno.writeFile(join(path, ".zgroup"), json({ zarr_format: 2 }));
  const shape = layout.shape(meta.count, meta.times);
  await array("trajectories", shape, [1, ...shape.slice(1)], "<f4", layout.names);
  const zeros = shape.slice(1).map(() => "0").join(".");
  for (let i = 0; i < meta.count; i++) {
    const d = await read(offset + i);
    await Deno.writeFile(
      join(path, "trajectories", `${i}.${zeros}`),
      new Uint8Array(d.buffer, d.byteOffset, d.byteLength),
    );
  }
  const coord = async (name: string, values: Float64Array) => {
    await array(name, [values.length], [values.length], "<f8", [name]);
    await Deno.writeFile(join(path, name, "0"), new Uint8Array(values.buffer));
  };
  await coord("time", Float64Array.from({ length: meta.times }, (_, t) => t * meta.stored_dt));
  for (const { name, values } of coordinates(suite)) await coord(name, values);
  await Deno.writeFile(join(path, ".zattrs"), json(meta));
}

async function writeH5Out(
  path: string,
  suite: Suite,
  meta: DatasetMetadata,
  shape: number[],
  read: Reader,
  offset: number,
): Promise<void> {
  const h5 = await h5wasm();
  const f = new h5.File(path, "w");
  try {
    const rest = shape.slice(1);
    const d = f.create_dataset({
      name: "tensor",
      data: new Float32Array(0),
      shape: [0, ...rest],
      maxshape: [null, ...rest],
      chunks: [1, ...rest],
      dtype: "<f",
    });
    d.resize(shape);
    const C = suite.fields.length, X = gridSize(suite.grid);
    for (let i = 0; i < meta.count; i++) {
      const data = channelsLast(await read(offset + i), meta.times, C, X);
      d.write_slice([[i, i + 1], ...rest.map(() => [])] as unknown as [number, number][], data);
    }
    const times = Float64Array.from({ length: meta.times }, (_, t) => t * meta.stored_dt);
    f.create_dataset({ name: "t-coordinate", data: times, shape: [times.length], dtype: "<d" });
    for (const { name, values } of coordinates(suite)) {
      f.create_dataset({
        name: `${name}-coordinate`,
        data: values,
        shape: [values.length],
        dtype: "<d",
      });
    }
    for (const [k, v] of Object.entries(meta)) {
      if (v === undefined) continue;
      f.create_attribute(k, typeof v === "object" ? JSON.stringify(v) : (v as string | number));
    }
  } finally {
    f.close();
  }
}

/**
 * PDEBench-style HDF5 trajectories (and NetCDF4, which is HDF5 underneath), read with h5wasm.
 *
 * Accepted layout: a dataset (default name `tensor`) holding trajectories, plus optional 1-D
 * `x-coordinate` and `t-coordinate` datasets, as in PDEBench's 1D Advection / Burgers files
 * (`tensor` `[10000, 201, 1024]` float32, `x-coordinate` `[1024]`, `t-coordinate` `[202]`).
 * In the layouts below `X` stands for the grid axes, `options.dims` of them (default 1): `X` in
 * 1D, `H, W` in 2D (PDEBench's 2D shallow-water and diffusion-reaction `[N, T, H, W, C]`). The
 * dataset may be
 * - rank 2 + dims, `[N, T, X]`: one field (layout `"NTX"`);
 * - rank 3 + dims, `[N, T, X, C]` (`"NTXC"`, PDEBench's channels-last convention) or
 *   `[N, T, C, X]` (`"NTCX"`, emubench's own order).
 *
 * Channel placement of a rank 3 + dims dataset is decided, first rule that applies:
 * 1. `options.layout`, when given;
 * 2. `options.channels` (the suite's field count), when exactly one of axis 2 and the last axis
 *    has that length: that axis holds the channels;
 * 3. otherwise the shorter of axis 2 and the last axis holds the channels (grids are longer than
 *    field lists), and a tie means channels last (PDEBench).
 * Whatever the file's layout, the data comes back as float32 `[N, T, C, X]` in C order.
 *
 * Any integer or float32/float64 dataset is accepted and converted to float32; float16, strings
 * and compound types are refused. Only the first `count` trajectories and `times` time entries
 * are read from disk (hyperslab selection), so large PDEBench files need not fit in memory.
 *
 * h5wasm is loaded on first use from its Node build (`h5wasm/node`), which reads real files
 * through Emscripten's NODERAWFS, so nothing is copied into an in-memory file system. It needs
 * `--allow-read` and `--allow-env` (Emscripten enumerates `process.env` at start-up), plus
 * `--allow-write` to create files. A file the library refuses is opened with h5wasm's throwing
 * error handler, so HDF5's diagnostics become the error message rather than stderr noise; the
 * handler formats them through a temporary file, so they only appear with `--allow-write`.
 *
 * NetCDF3 "classic" files are not HDF5 and are refused with a hint to convert them.
 * @module
 */
import { FormatError, ShapeError } from "../core/errors.ts";

type H5 = typeof import("h5wasm/node");
let h5Promise: Promise<H5> | undefined;

/**
 * The h5wasm module (Node build, real file system), initialised once. Exposed so tests and
 * tools can write HDF5 files with the same library.
 *
 * @example
 * ```ts
 * import { h5wasm } from "./hdf5.ts";
 * const h5 = await h5wasm();
 * if (typeof h5.File !== "function") throw new Error("h5wasm");
 * ```
 */
export function h5wasm(): Promise<H5> {
  h5Promise ??= import("h5wasm/node").then(async (m) => {
    await m.ready;
    return m;
  });
  return h5Promise;
}

/** How the dataset's axes were laid out in the file (`X`: all grid axes, module notes). */
export type Hdf5Layout = "NTX" | "NTXC" | "NTCX";

/** Options of {@link readHdf5Tensor}. */
export interface Hdf5ReadOptions {
  /** Dataset names to try, in order (the first present is read). Default `"tensor"`. */
  dataset?: string | readonly string[];
  /** Read at most this many trajectories (axis 0). Default: all. */
  count?: number;
  /** Read at most this many time entries (axis 1). Default: all. */
  times?: number;
  /** Channel placement of a rank 3 + dims dataset; see the module notes for the default. */
  layout?: "NTXC" | "NTCX";
  /** Expected number of channels, used to decide the placement of a rank 3 + dims dataset. */
  channels?: number;
  /** Number of grid axes (1 for a 1D grid, 2 for `[H, W]`). Default 1. */
  dims?: number;
}

/** Trajectories read from an HDF5 file. */
export interface Hdf5Tensor {
  /** Float32 values in `[N, T, C, X]` C order (after slicing; `X` = the grid axes). */
  data: Float32Array;
  /** `[N, T, C, ...grid]` of `data`, e.g. `[N, T, C, X]` in 1D, `[N, T, C, H, W]` in 2D. */
  shape: number[];
  /** The dataset's shape in the file, before slicing and reordering. */
  fileShape: number[];
  /** How the file laid the axes out. */
  layout: Hdf5Layout;
  /** h5wasm's dtype of the dataset, e.g. `"<f"` (float32), `"<d"` (float64). */
  dtype: string;
  /** The dataset read. */
  dataset: string;
  /** Every dataset in the file (full paths without the leading `/`). */
  datasets: string[];
  /** `x-coordinate`, when present and 1-D. */
  xCoordinate?: Float64Array;
  /** `t-coordinate`, when present and 1-D (PDEBench stores T + 1 entries). */
  tCoordinate?: Float64Array;
}

const SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]; // "\x89HDF\r\n\x1a\n"

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join(" ");
}

/**
 * Check the HDF5 superblock signature, which sits at byte 0 or, after a user block, at 512,
 * 1024, 2048, ... (HDF5 file format specification, "Format Signature").
 */
async function checkSignature(path: string): Promise<void> {
  const file = await Deno.open(path, { read: true });
  try {
    const size = (await file.stat()).size;
    const readAt = async (at: number): Promise<Uint8Array> => {
      const buf = new Uint8Array(8);
      await file.seek(at, Deno.SeekMode.Start);
      let got = 0;
      while (got < 8) {
        const n = await file.read(buf.subarray(got));
        if (n === null) break;
        got += n;
      }
      return buf.subarray(0, got);
    };
    const first = await readAt(0);
    for (let at = 0; at + 8 <= size; at = at === 0 ? 512 : at * 2) {
      const sig = at === 0 ? first : await readAt(at);
      if (sig.length === 8 && SIGNATURE.every((b, i) => sig[i] === b)) return;
    }
    const netcdf3 = first[0] === 0x43 && first[1] === 0x44 && first[2] === 0x46; // "CDF"
    throw new FormatError({
      file: path,
      field: "signature",
      expected:
        "an HDF5 or NetCDF4 file (signature 89 48 44 46 0d 0a 1a 0a, \\x89HDF\\r\\n\\x1a\\n)",
      found: first.length ? hex(first) : "an empty file",
      hint: netcdf3
        ? "This is a NetCDF3 (classic) file, which is not HDF5; convert it with `nccopy -k nc4`."
        : undefined,
    });
  } finally {
    file.close();
  }
}

/** The causes in an HDF5 error stack, outermost first, without the generic "open failed" ones. */
function hdf5Causes(message: string): string {
  const generic = /^(unable to (synchronously )?open file|open failed|\w+\(\) failed)$/;
  const causes = [...message.matchAll(/#\d+: .* in \w+\(\): (.*)$/gm)]
    .map((m) => m[1].trim())
    .filter((c) => !generic.test(c));
  if (causes.length === 0) return message.split("\n")[0];
  return causes.length === 1 ? causes[0] : `${causes[0]}: ${causes[causes.length - 1]}`;
}

/**
 * Open read-only with h5wasm's throwing error handler, so HDF5's diagnostics become the error
 * message instead of being printed to stderr.
 */
function openQuietly(h5: H5, path: string): InstanceType<H5["File"]> {
  let file: InstanceType<H5["File"]> | undefined;
  let cause = "";
  h5.Module.activate_throwing_error_handler();
  try {
    file = new h5.File(path, "r");
  } catch (e) {
    // The handler formats HDF5's error stack through a temporary file; without write access
    // that fails and only the generic message is left.
    cause = e instanceof Deno.errors.NotCapable
      ? "HDF5 could not open it; grant --allow-write to see its diagnostics"
      : hdf5Causes(e instanceof Error ? e.message : String(e));
  } finally {
    h5.Module.deactivate_throwing_error_handler();
  }
  if (file === undefined || file.file_id < 0n) {
    throw new FormatError({
      file: path,
      field: "superblock",
      expected: "an HDF5 file the HDF5 library can open",
      found: `a corrupt or unsupported file (${cause || "HDF5 could not open it"})`,
    });
  }
  return file;
}

/** Names of `dims` grid axes for messages: `X`; `H, W`; `X1, X2, X3`. */
function gridAxes(dims: number): string {
  if (dims === 1) return "X";
  if (dims === 2) return "H, W";
  return Array.from({ length: dims }, (_, i) => `X${i + 1}`).join(", ");
}

function decideLayout(shape: number[], dims: number, options: Hdf5ReadOptions): Hdf5Layout {
  if (shape.length === 2 + dims) return "NTX";
  if (options.layout) return options.layout;
  const [a, b] = [shape[2], shape[shape.length - 1]];
  const c = options.channels;
  if (c !== undefined && (a === c) !== (b === c)) return a === c ? "NTCX" : "NTXC";
  return a < b ? "NTCX" : "NTXC";
}

function toFloat32(values: ArrayLike<number> | BigInt64Array | BigUint64Array): Float32Array {
  if (values instanceof Float32Array) return values;
  if (values instanceof BigInt64Array || values instanceof BigUint64Array) {
    return Float32Array.from(values, (v) => Number(v));
  }
  return Float32Array.from(values as ArrayLike<number>);
}

function isNumericArray(v: unknown): v is ArrayLike<number> | BigInt64Array | BigUint64Array {
  return ArrayBuffer.isView(v) && !(v instanceof DataView);
}

/**
 * Read trajectories from a PDEBench-style HDF5 / NetCDF4 file as float32 `[N, T, C, X]`
 * (`X`: the `options.dims` grid axes).
 *
 * @throws {Deno.errors.NotFound} the file does not exist.
 * @throws {FormatError} not HDF5 (wrong signature; NetCDF3 gets a hint), refused by the HDF5
 *   library (a truncated or corrupt file), or no dataset of the given name (the message lists
 *   the datasets present).
 * @throws {ShapeError} wrong rank (for `options.dims`) or unsupported dtype.
 *
 * @example
 * ```ts
 * import { h5wasm, readHdf5Tensor } from "./hdf5.ts";
 * const h5 = await h5wasm();
 * const path = `${await Deno.makeTempDir()}/a.h5`;
 * const f = new h5.File(path, "w");
 * f.create_dataset({ name: "tensor", data: new Float32Array(2 * 3 * 4), shape: [2, 3, 4] });
 * f.close();
 * const t = await readHdf5Tensor(path, { count: 1 });
 * if (t.shape.join() !== "1,3,1,4" || t.layout !== "NTX") throw new Error(t.shape.join());
 * ```
 */
export async function readHdf5Tensor(
  path: string,
  options: Hdf5ReadOptions = {},
): Promise<Hdf5Tensor> {
  await Deno.stat(path); // NotFound before anything else.
  await checkSignature(path);
  const h5 = await h5wasm();
  const file = openQuietly(h5, path);
  try {
    const datasets = file.paths().filter((p) => file.get(p) instanceof h5.Dataset);
    const names = typeof options.dataset === "string"
      ? [options.dataset]
      : [...(options.dataset ?? ["tensor"])];
    const name = names.find((n) => file.get(n) instanceof h5.Dataset);
    if (name === undefined) {
      throw new FormatError({
        file: path,
        field: names.join(" | "),
        expected: `a dataset named ${names.map((n) => JSON.stringify(n)).join(" or ")}`,
        found: datasets.length
          ? `datasets ${datasets.map((n) => JSON.stringify(n)).join(", ")}`
          : "no datasets",
      });
    }
    const ds = file.get(name) as InstanceType<H5["Dataset"]>;
    const fileShape = ds.shape ?? [];
    const meta = ds.metadata;
    const dtype = typeof ds.dtype === "string" ? ds.dtype : JSON.stringify(ds.dtype);
    // H5T_INTEGER = 0, H5T_FLOAT = 1 (H5Tpublic.h).
    if (!(meta.type === 0 || (meta.type === 1 && (meta.size === 4 || meta.size === 8)))) {
      throw new ShapeError({
        file: path,
        field: name,
        expected: "dtype integer, float32 or float64",
        found: `${dtype} (HDF5 class ${meta.type}, ${meta.size} bytes)`,
      });
    }
    const dims = options.dims ?? 1;
    if (fileShape.length !== 2 + dims && fileShape.length !== 3 + dims) {
      const g = gridAxes(dims);
      throw new ShapeError({
        file: path,
        field: name,
        expected: `rank ${2 + dims} [N, T, ${g}] or rank ${3 + dims} [N, T, ${g}, C] / ` +
          `[N, T, C, ${g}]`,
        found: `[${fileShape.join(", ")}] (rank ${fileShape.length})`,
      });
    }
    const layout = decideLayout(fileShape, dims, options);
    const n = Math.min(fileShape[0], options.count ?? Infinity);
    const t = Math.min(fileShape[1], options.times ?? Infinity);
    const ranges: ([] | [number, number])[] = [
      [0, n],
      [0, t],
      ...fileShape.slice(2).map((): [] => []),
    ];
    const raw = n * t === 0 ? new Float32Array(0) : ds.slice(ranges);
    if (!isNumericArray(raw)) {
      throw new ShapeError({
        file: path,
        field: name,
        expected: "numeric data",
        found: `${typeof raw} values of dtype ${dtype}`,
      });
    }
    const flat = toFloat32(raw);
    const grid = layout === "NTX"
      ? fileShape.slice(2)
      : layout === "NTCX"
      ? fileShape.slice(3)
      : fileShape.slice(2, -1);
    const x = grid.reduce((a, b) => a * b, 1);
    let c: number, data: Float32Array;
    if (layout === "NTX") {
      [c, data] = [1, flat];
    } else if (layout === "NTCX") {
      [c, data] = [fileShape[2], flat];
    } else {
      c = fileShape[fileShape.length - 1];
      data = new Float32Array(flat.length);
      for (let s = 0; s < n * t; s++) {
        const base = s * x * c;
        for (let i = 0; i < x; i++) {
          for (let k = 0; k < c; k++) data[base + k * x + i] = flat[base + i * c + k];
        }
      }
    }
    const coordinate = (key: string): Float64Array | undefined => {
      const d = file.get(key);
      if (!(d instanceof h5.Dataset) || d.shape?.length !== 1) return undefined;
      const v = d.value;
      return isNumericArray(v) ? Float64Array.from(v as ArrayLike<number>, Number) : undefined;
    };
    return {
      data,
      shape: [n, t, c, ...grid],
      fileShape,
      layout,
      dtype,
      dataset: name,
      datasets,
      xCoordinate: coordinate("x-coordinate"),
      tCoordinate: coordinate("t-coordinate"),
    };
  } finally {
    file.close();
  }
}

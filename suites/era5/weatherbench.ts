/**
 * WeatherBench 2 style data for the `era5` suite (`emubench run --suite era5 --data FILE`):
 * Zarr v2 or v3 stores (zarrita + `@zarrita/storage` `FileSystemStore`) and NetCDF4 / HDF5
 * files (h5wasm) in the WeatherBench 2 layout, regridded to the suite's HEALPix grid.
 *
 * Layout read:
 * - coordinates `time` (CF units `"<unit> since <date>"`, unit one of days, hours, minutes,
 *   seconds, milliseconds, microseconds, nanoseconds; xarray writes `hours since …` or
 *   nanoseconds), `latitude` (or `lat`, degrees, ascending −90 … 90 as in some WeatherBench 2
 *   sets or descending 90 … −90 as in ERA5: both work), `longitude` (or `lon`, equally spaced
 *   360/nlon apart; a grid starting at −180 is rolled), and `level` (or `pressure_level`, hPa)
 *   for 4-D variables;
 * - a suite field `name` is the variable `name` with dims `(time, latitude, longitude)` or
 *   `(time, longitude, latitude)` (the order of the WeatherBench 2 equiangular stores), or, for
 *   `name = <var>_<level>` (e.g. `geopotential_500`), the variable `<var>` with dims
 *   `(time, level, latitude, longitude)` or `(time, level, longitude, latitude)` at the entry of
 *   `level` equal to `<level>`. Dimension names come from `_ARRAY_DIMENSIONS` (Zarr v2, xarray),
 *   `dimension_names` (Zarr v3) or the attached dimension scales (NetCDF4); any other order is
 *   refused, not guessed.
 *
 * Selection: the time step must equal the suite's Δt (6 h) everywhere in the windows read. With
 * T steps (default min(40, nt − 1)) IC i starts at time index i·s, with s = T (non-overlapping
 * windows) when N·T ≤ nt − 1, else s = ⌊(nt − 1 − T)/(N − 1)⌋; N defaults to ⌊(nt − 1)/T⌋
 * (at most 64).
 *
 * Regridding and scoring: each lat-lon field is mapped onto the suite's HEALPix pixel centres
 * by inverse-distance weighting of the 4 nearest grid points (`suites/era5/regrid.ts`), and the
 * run is scored on HEALPix with uniform (equal-area) weights; the values read on the file's own
 * lat-lon grid are kept too (`LoadedDataset.latLon`), and `suites/era5/scoring.ts` also
 * scores the run there, as WeatherBench 2 does (predictions regridded back by IDW, WB2 latitude
 * weights: rows `wb2_rmse`, `wb2_acc`, `wb2_psnr`); the result's `config.data` says so. The
 * `startHours` returned (hours since 1 January 00 UTC of each start's year) give the ACC rows
 * the climatology at each valid time.
 *
 * Errors name the file and the variable: {@link FormatError} for unreadable stores, bad units
 * or truncated chunks, {@link ShapeError} for missing variables or dimensions and wrong
 * dimension order, {@link ValueRangeError} for a wrong time step, too few times or non-finite
 * values.
 *
 * @example
 * ```ts
 * import { parseCfTimeUnits } from "./weatherbench.ts";
 * const u = parseCfTimeUnits("hours since 1959-01-01", "t.zarr");
 * if (u.hoursPerUnit !== 1 || u.epochMs !== Date.UTC(1959, 0, 1)) throw new Error("units");
 * ```
 * @module
 */
import { extname } from "node:path";
import * as zarr from "zarrita";
import { FileSystemStore } from "@zarrita/storage";
import { FormatError, ShapeError, ValueRangeError } from "../../harness/core/errors.ts";
import { h5wasm } from "../../harness/data/hdf5.ts";
import { readCheckedText } from "../../harness/core/safe_file.ts";
import { parseJson } from "../../harness/core/json_file.ts";
import type { LoadDatasetOptions, LoadedDataset, Suite } from "../common/types.ts";
import { applyIdw, latLonToHealpix } from "./regrid.ts";

/** Default horizon when the file allows it (10 days of 6-hourly steps). */
const DEFAULT_STEPS = 40;
/** Default cap on the number of ICs. */
const MAX_DEFAULT_ICS = 64;
const TIME_NAMES = ["time"];
const LAT_NAMES = ["latitude", "lat"];
const LON_NAMES = ["longitude", "lon"];
const LEVEL_NAMES = ["level", "pressure_level"];
const HDF5_EXTENSIONS = [".h5", ".hdf5", ".hdf", ".nc", ".nc4"];

/** One variable of a store: its dims and a reader of a time window (one level). */
interface Variable {
  readonly name: string;
  readonly shape: readonly number[];
  readonly dims: readonly string[] | undefined;
  readonly attrs: Record<string, unknown>;
  /** Values `[count, ...rest]` from time index `start` (4-D: at level index `level`). */
  read(start: number, count: number, level?: number): Promise<Float64Array>;
}

/** A store: variable names and lookup. */
interface Store {
  readonly names: readonly string[];
  get(name: string): Promise<Variable | undefined>;
  close(): void;
}

/** `{ hoursPerUnit, epochMs }` of CF time units `"<unit> since <date>"`. */
export interface CfTimeUnits {
  readonly hoursPerUnit: number;
  readonly epochMs: number;
}

const UNIT_HOURS: Record<string, number> = {
  days: 24,
  day: 24,
  d: 24,
  hours: 1,
  hour: 1,
  h: 1,
  minutes: 1 / 60,
  minute: 1 / 60,
  seconds: 1 / 3600,
  second: 1 / 3600,
  s: 1 / 3600,
  milliseconds: 1 / 3.6e6,
  microseconds: 1 / 3.6e9,
  nanoseconds: 1 / 3.6e12,
};

/**
 * Parse CF time units (`"hours since 1959-01-01"`, `"nanoseconds since 1970-01-01T00:00:00"`);
 * the reference date is UTC. Throws {@link FormatError} naming `file` otherwise.
 *
 * @example
 * ```ts
 * import { parseCfTimeUnits } from "./weatherbench.ts";
 * const u = parseCfTimeUnits("days since 2020-01-01 06:00:00", "f.nc");
 * if (u.hoursPerUnit !== 24 || u.epochMs !== Date.UTC(2020, 0, 1, 6)) throw new Error();
 * ```
 */
export function parseCfTimeUnits(units: unknown, file: string): CfTimeUnits {
  const m = typeof units === "string"
    ? /^\s*([a-z]+)\s+since\s+(\d{1,4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?\s*(?:Z|UTC|\+00:?00)?\s*$/i
      .exec(units)
    : null;
  const per = m ? UNIT_HOURS[m[1].toLowerCase()] : undefined;
  if (!m || per === undefined) {
    throw new FormatError({
      file,
      field: "time: units",
      expected: 'CF units "<days|hours|minutes|seconds|…> since YYYY-MM-DD[ hh:mm:ss]"',
      found: JSON.stringify(units),
    });
  }
  const epochMs = Date.UTC(+m[2], +m[3] - 1, +m[4], +(m[5] ?? 0), +(m[6] ?? 0), +(m[7] ?? 0));
  return { hoursPerUnit: per, epochMs };
}

/**
 * Hours since 1 January 00 UTC of the same (UTC) year, for an absolute time in ms.
 *
 * @example
 * ```ts
 * import { hourOfYear } from "./weatherbench.ts";
 * if (hourOfYear(Date.UTC(2021, 1, 1, 6)) !== 31 * 24 + 6) throw new Error("1 Feb 06 UTC");
 * ```
 */
export function hourOfYear(ms: number): number {
  const y = new Date(ms).getUTCFullYear();
  return (ms - Date.UTC(y, 0, 1)) / 3.6e6;
}

function toFloat64(data: unknown, file: string, name: string): Float64Array {
  if (data instanceof Float64Array) return data;
  if (data instanceof BigInt64Array || data instanceof BigUint64Array) {
    return Float64Array.from(data as BigInt64Array, (v) => Number(v));
  }
  if (ArrayBuffer.isView(data) && !(data instanceof DataView)) {
    return Float64Array.from(data as unknown as ArrayLike<number>);
  }
  throw new FormatError({
    file,
    field: name,
    expected: "numeric values",
    found: data === null ? "no data" : typeof data,
  });
}

// ---------------------------------------------------------------- CF packing

/** A CF attribute as one number (scalar or one-element array), undefined when absent. */
function cfNumber(attrs: Record<string, unknown>, key: string, file: string, name: string) {
  let v = attrs[key];
  if (v === undefined || v === null) return undefined;
  if (Array.isArray(v) && v.length === 1) v = v[0];
  if (typeof v === "bigint") v = Number(v);
  if (
    typeof v !== "number" ||
    (Number.isNaN(v) && key !== "_FillValue" && key !== "missing_value")
  ) {
    throw new FormatError({
      file,
      field: `${name}.${key}`,
      expected: "one number (CF packing attribute)",
      found: JSON.stringify(v)?.slice(0, 60) ?? typeof v,
    });
  }
  return v;
}

/**
 * Apply CF packing to raw values of variable `name` (never read packed counts as data):
 * values equal to `_FillValue` or `missing_value` become NaN (and are then refused with their
 * location by the reader), then `x * scale_factor + add_offset`. Attributes emubench cannot
 * apply (`_Unsigned`, a non-numeric or multi-valued factor, `valid_range`-style masks) are
 * refused with a `FormatError` naming the variable and attribute.
 *
 * @example
 * ```ts
 * import { unpackCf } from "./weatherbench.ts";
 * const v = unpackCf(new Float64Array([0, 10, -1]), { scale_factor: 0.5, add_offset: 1, _FillValue: -1 }, "f.nc", "t");
 * if (v[0] !== 1 || v[1] !== 6 || !Number.isNaN(v[2])) throw new Error(String(v));
 * ```
 */
export function unpackCf(
  values: Float64Array,
  attrs: Record<string, unknown>,
  file: string,
  name: string,
): Float64Array {
  for (const key of ["_Unsigned", "valid_range", "valid_min", "valid_max", "flag_values"]) {
    if (attrs[key] !== undefined) {
      throw new FormatError({
        file,
        field: `${name}.${key}`,
        expected: "no CF attribute emubench cannot apply (unpack the variable first)",
        found: `${key} present`,
      });
    }
  }
  const fills = ["_FillValue", "missing_value"]
    .map((k) => cfNumber(attrs, k, file, name))
    .filter((v): v is number => v !== undefined);
  const scale = cfNumber(attrs, "scale_factor", file, name) ?? 1;
  const offset = cfNumber(attrs, "add_offset", file, name) ?? 0;
  if (fills.length === 0 && scale === 1 && offset === 0) return values;
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const x = values[i];
    out[i] = fills.some((f) => f === x || (Number.isNaN(f) && Number.isNaN(x)))
      ? NaN
      : x * scale + offset;
  }
  return out;
}

// ---------------------------------------------------------------- Zarr (v2 and v3)

/** Zarr metadata keys a store may lack; any other key is a chunk and must exist. */
const ZARR_METADATA = /(^|\/)(\.zarray|\.zattrs|\.zgroup|\.zmetadata|zarr\.json)$/;

/**
 * A file-system store that refuses what a plain one guesses: a missing chunk (zarrita would
 * fill it with `fill_value`), and a chunk that is not a regular file (a FIFO would block, a
 * link could lead out of the store).
 */
class StrictStore {
  readonly #inner: FileSystemStore;
  readonly #root: string;
  readonly #file: string;
  constructor(root: string, file: string) {
    this.#inner = new FileSystemStore(root);
    this.#root = root;
    this.#file = file;
  }
  async get(key: `/${string}`, opts?: unknown): Promise<Uint8Array | undefined> {
    const rel = key.replace(/^\/+/, "");
    const path = `${this.#root}/${rel}`;
    let info: Deno.FileInfo | undefined;
    try {
      info = await Deno.lstat(path);
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound || e instanceof Deno.errors.NotADirectory)) throw e;
    }
    if (info === undefined) {
      if (ZARR_METADATA.test(key)) return undefined;
      throw new FormatError({
        file: this.#file,
        field: `chunk ${rel}`,
        expected: "every chunk of the array present (missing chunks are not filled in)",
        found: "no chunk file",
      });
    }
    if (!info.isFile) {
      throw new FormatError({
        file: this.#file,
        field: rel,
        expected: "a regular file",
        found: info.isDirectory
          ? "a directory"
          : info.isSymlink
          ? "a symbolic link"
          : "a special file",
      });
    }
    // deno-lint-ignore no-explicit-any
    return await this.#inner.get(key, opts as any);
  }
}

async function readJson(path: string): Promise<Record<string, unknown> | undefined> {
  let text: string;
  try {
    text = await readCheckedText(path, { maxBytes: 16 * 2 ** 20, expected: "Zarr metadata" });
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return undefined;
    throw e;
  }
  return parseJson(text, path, "Zarr metadata (JSON)") as Record<string, unknown>;
}

const ITEM_BYTES: Record<string, number> = {
  int8: 1,
  uint8: 1,
  int16: 2,
  uint16: 2,
  float16: 2,
  int32: 4,
  uint32: 4,
  float32: 4,
  int64: 8,
  uint64: 8,
  float64: 8,
};

/** Bytes of one uncompressed chunk of a Zarr array, or undefined when chunks are encoded. */
async function rawChunkBytes(dir: string): Promise<number | undefined> {
  const v3 = await readJson(`${dir}/zarr.json`);
  if (v3) {
    const codecs = v3.codecs as { name: string }[] | undefined;
    const grid = v3.chunk_grid as { configuration?: { chunk_shape?: number[] } } | undefined;
    const item = ITEM_BYTES[String(v3.data_type)];
    const shape = grid?.configuration?.chunk_shape;
    if (!codecs || codecs.length !== 1 || codecs[0].name !== "bytes" || !item || !shape) {
      return undefined;
    }
    return shape.reduce((a, b) => a * b, item);
  }
  const v2 = await readJson(`${dir}/.zarray`);
  if (!v2 || v2.compressor !== null || (Array.isArray(v2.filters) && v2.filters.length > 0)) {
    return undefined;
  }
  const item = Number(/^[<>|][a-z](\d+)$/.exec(String(v2.dtype))?.[1]);
  return Number.isFinite(item) ? (v2.chunks as number[]).reduce((a, b) => a * b, item) : undefined;
}

/**
 * Zarr readers decode a short uncompressed chunk without complaint, so check every chunk file
 * of an uncompressed array for the exact size (encoded chunks fail in their codec instead).
 */
async function checkRawChunks(file: string, dir: string, name: string): Promise<void> {
  const want = await rawChunkBytes(dir);
  if (want === undefined) return;
  const walk = async (d: string, rel: string): Promise<void> => {
    for await (const e of Deno.readDir(d)) {
      if (e.name === "zarr.json" || e.name.startsWith(".z")) continue;
      const p = `${d}/${e.name}`, r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory) await walk(p, r);
      else {
        const size = (await Deno.stat(p)).size;
        if (size !== want) {
          throw new FormatError({
            file,
            field: `${name}: chunk ${r}`,
            expected: `${want} bytes (an uncompressed chunk)`,
            found: `${size} bytes`,
            hint: "The chunk is truncated or corrupt; re-export the store.",
          });
        }
      }
    }
  };
  await walk(dir, "");
}

async function openZarr(path: string): Promise<Store> {
  const root = zarr.root(new StrictStore(path, path));
  const names: string[] = [];
  try {
    for await (const e of Deno.readDir(path)) {
      if (!e.isDirectory) continue;
      const p = `${path}/${e.name}`;
      const v3 = await readJson(`${p}/zarr.json`);
      if ((v3 && v3.node_type === "array") || (await readJson(`${p}/.zarray`))) names.push(e.name);
    }
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) throw e;
    throw new FormatError({ file: path, expected: "a Zarr directory", found: String(e) });
  }
  names.sort();
  return {
    names,
    async get(name) {
      if (!names.includes(name)) return undefined;
      let arr: zarr.Array<zarr.DataType, StrictStore>;
      try {
        arr = await zarr.open(root.resolve(name), { kind: "array" });
      } catch (e) {
        throw new FormatError({
          file: path,
          field: name,
          expected: "a readable Zarr array",
          found: String(e),
        });
      }
      await checkRawChunks(path, `${path}/${name}`, name);
      const attrs = (arr.attrs ?? {}) as Record<string, unknown>;
      const v2dims = attrs._ARRAY_DIMENSIONS;
      const dims = Array.isArray(v2dims) ? v2dims.map(String) : arr.dimensionNames;
      return {
        name,
        shape: arr.shape,
        dims,
        attrs,
        async read(start, count, level) {
          const sel = arr.shape.map(() => null) as (number | zarr.Slice | null)[];
          sel[0] = zarr.slice(start, start + count);
          if (level !== undefined) sel[1] = level;
          let chunk;
          try {
            chunk = await zarr.get(arr, sel);
          } catch (e) {
            if (e instanceof FormatError) throw e;
            throw new FormatError({
              file: path,
              field: name,
              expected: "complete, decodable chunks",
              found: `${(e as Error).message ?? e}`,
              hint: "A chunk may be truncated or corrupt; re-export the store.",
            });
          }
          const want = chunk.shape.reduce((a: number, b: number) => a * b, 1);
          const data = unpackCf(toFloat64(chunk.data, path, name), attrs, path, name);
          if (data.length !== want) {
            throw new FormatError({
              file: path,
              field: name,
              expected: `${want} values from the chunks read`,
              found: `${data.length}`,
              hint: "A chunk may be truncated; re-export the store.",
            });
          }
          return data;
        },
      };
    },
    close() {},
  };
}

// ---------------------------------------------------------------- NetCDF4 / HDF5

async function openHdf5(path: string): Promise<Store> {
  const h5 = await h5wasm();
  let f: InstanceType<typeof h5.File>;
  try {
    Deno.statSync(path);
    f = new h5.File(path, "r");
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) throw e;
    throw new FormatError({ file: path, expected: "an HDF5 / NetCDF4 file", found: String(e) });
  }
  const names = f.keys().filter((k) => f.get(k) instanceof h5.Dataset).sort();
  return {
    names,
    get(name) {
      const d = f.get(name);
      if (!(d instanceof h5.Dataset)) return Promise.resolve(undefined);
      const shape = d.shape ?? [];
      let dims: string[] | undefined;
      try {
        const scales = shape.map((_, i) => d.get_attached_scales(i));
        if (scales.every((s) => s.length > 0)) dims = scales.map((s) => s[0].replace(/^\//, ""));
        else if (shape.length === 1 && d.get_scale_name() !== null) dims = [name];
      } catch {
        dims = undefined;
      }
      const attrs: Record<string, unknown> = {};
      for (const [k, a] of Object.entries(d.attrs)) {
        try {
          attrs[k] = a.json_value;
        } catch {
          // Reference-typed attributes (DIMENSION_LIST) are not needed here.
        }
      }
      return Promise.resolve({
        name,
        shape,
        dims,
        attrs,
        read(start, count, level) {
          const ranges = shape.map(() => [] as [] | [number, number]);
          ranges[0] = [start, start + count];
          if (level !== undefined) ranges[1] = [level, level + 1];
          return Promise.resolve(
            unpackCf(toFloat64(d.slice(ranges), path, name), attrs, path, name),
          );
        },
      });
    },
    close() {
      f.close();
    },
  };
}

// ---------------------------------------------------------------- shared

/**
 * True when `path` should be read as WeatherBench 2 data: a `.zarr` path or a Zarr directory,
 * or an HDF5 / NetCDF4 file with a `latitude`/`lat` variable and no `tensor` dataset.
 *
 * @example
 * ```ts
 * import { isWeatherbenchPath } from "./weatherbench.ts";
 * if (!(await isWeatherbenchPath("era5.zarr")) || await isWeatherbenchPath("x.npy")) throw new Error();
 * ```
 */
export async function isWeatherbenchPath(path: string): Promise<boolean> {
  const ext = extname(path).toLowerCase();
  if (ext === ".zarr") return true;
  try {
    if ((await Deno.stat(path)).isDirectory) {
      return (await readJson(`${path}/zarr.json`)) !== undefined ||
        (await readJson(`${path}/.zgroup`)) !== undefined;
    }
  } catch {
    return false;
  }
  if (!HDF5_EXTENSIONS.includes(ext)) return false;
  try {
    const s = await openHdf5(path);
    try {
      return !s.names.includes("tensor") && s.names.some((n) => LAT_NAMES.includes(n));
    } finally {
      s.close();
    }
  } catch {
    return false;
  }
}

async function coordinate(
  store: Store,
  file: string,
  names: readonly string[],
  what: string,
): Promise<{ name: string; values: Float64Array; attrs: Record<string, unknown> }> {
  for (const n of names) {
    const v = await store.get(n);
    if (!v) continue;
    if (v.shape.length !== 1) {
      throw new ShapeError({
        file,
        field: n,
        expected: `a 1-D ${what} coordinate`,
        found: `shape [${v.shape}]`,
      });
    }
    return { name: n, values: await v.read(0, v.shape[0]), attrs: v.attrs };
  }
  throw new ShapeError({
    file,
    field: what,
    expected: `a coordinate variable named ${names.map((n) => `"${n}"`).join(" or ")}`,
    found: `variables ${store.names.join(", ") || "(none)"}`,
  });
}

/** The variable and level index holding suite field `field`. */
async function fieldVariable(
  store: Store,
  file: string,
  field: string,
  levels: Float64Array | undefined,
): Promise<{ v: Variable; level?: number }> {
  const direct = await store.get(field);
  if (direct) return { v: direct };
  const m = /^(.*)_(\d+)$/.exec(field);
  const base = m ? await store.get(m[1]) : undefined;
  if (m && base) {
    if (!levels) {
      throw new ShapeError({
        file,
        field: `${m[1]} (for ${field})`,
        expected: `a level coordinate (${LEVEL_NAMES.join(" or ")})`,
        found: "none",
      });
    }
    const want = Number(m[2]);
    const level = levels.findIndex((l) => l === want);
    if (level < 0) {
      throw new ShapeError({
        file,
        field: `level (for ${field})`,
        expected: `an entry ${want}`,
        found: `levels ${Array.from(levels).join(", ")}`,
      });
    }
    return { v: base, level };
  }
  throw new ShapeError({
    file,
    field,
    expected: `a variable "${field}"${m ? ` or "${m[1]}" with a level ${m[2]}` : ""}`,
    found: `variables ${store.names.join(", ") || "(none)"}`,
  });
}

/** Longitude roll s: data column j holds longitude (j + s)·360/nlon. */
function longitudeShift(file: string, name: string, lon: Float64Array): number {
  const n = lon.length, d = 360 / n;
  const s = Math.round(lon[0] / d);
  for (let j = 0; j < n; j++) {
    if (Math.abs(lon[j] - (j + s) * d) > 1e-6 * 360) {
      throw new ValueRangeError({
        file,
        field: `${name}[${j}]`,
        expected: `equally spaced longitudes ${d}° apart (${(j + s) * d})`,
        found: String(lon[j]),
      });
    }
  }
  return ((s % n) + n) % n;
}

/**
 * Read WeatherBench 2 data (module doc) for a HEALPix `suite`: ICs and reference
 * `[N, T + 1, C, 12·nside²]` regridded to the suite's grid, with each IC's start hour.
 *
 * @example
 * ```ts
 * import { loadWeatherbench } from "./weatherbench.ts";
 * let refused = false;
 * try {
 *   await loadWeatherbench("missing.zarr", { grid: { kind: "grid2d" } } as never);
 * } catch (e) { refused = e instanceof RangeError; }
 * if (!refused) throw new Error("HEALPix suites only");
 * ```
 */
export async function loadWeatherbench(
  path: string,
  suite: Suite,
  options: LoadDatasetOptions = {},
): Promise<LoadedDataset> {
  if (suite.grid.kind !== "healpix") {
    throw new ValueRangeError({
      file: path,
      field: "--suite",
      expected: "a HEALPix suite (era5) for WeatherBench 2 data",
      found: `${suite.id} (${suite.grid.kind})`,
    });
  }
  const nside = suite.grid.nside;
  const isZarr = extname(path).toLowerCase() === ".zarr" ||
    (await Deno.stat(path)).isDirectory;
  const store = isZarr ? await openZarr(path) : await openHdf5(path);
  try {
    const time = await coordinate(store, path, TIME_NAMES, "time");
    const lat = await coordinate(store, path, LAT_NAMES, "latitude");
    const lon = await coordinate(store, path, LON_NAMES, "longitude");
    let levels: Float64Array | undefined, levelName: string | undefined;
    for (const n of LEVEL_NAMES) {
      if (store.names.includes(n)) {
        const c = await coordinate(store, path, [n], "level");
        levels = c.values;
        levelName = c.name;
        break;
      }
    }
    const units = parseCfTimeUnits(time.attrs.units, path);
    const nt = time.values.length, nlat = lat.values.length, nlon = lon.values.length;
    const shift = longitudeShift(path, lon.name, lon.values);
    for (let i = 1; i < nlat; i++) {
      const a = lat.values[i - 1], b = lat.values[i];
      if (
        !(Math.abs(a) <= 90 && Math.abs(b) <= 90) || a === b ||
        (b - a) * (lat.values[1] - lat.values[0]) <= 0
      ) {
        throw new ValueRangeError({
          file: path,
          field: lat.name,
          expected: "strictly monotone latitudes within [−90, 90] (ascending or descending)",
          found: `${lat.name}[${i - 1}] = ${a}, ${lat.name}[${i}] = ${b}`,
        });
      }
    }

    // Variables, dims and levels.
    const vars = [];
    for (const field of suite.fields) {
      const { v, level } = await fieldVariable(store, path, field, levels);
      const head = level === undefined ? [time.name] : [time.name, levelName!];
      const latLon = [...head, lat.name, lon.name], lonLat = [...head, lon.name, lat.name];
      const dims = v.dims ?? [];
      const is = (want: string[]) =>
        dims.length === want.length && dims.every((d, i) => d === want[i]);
      const lonFirst = is(lonLat);
      if (!lonFirst && !is(latLon)) {
        throw new ShapeError({
          file: path,
          field: v.name,
          expected: `dimensions (${latLon.join(", ")}) or (${lonLat.join(", ")})`,
          found: v.dims ? `(${v.dims.join(", ")})` : "no dimension names",
          hint: "Transpose the variable to WeatherBench 2 order (e.g. xarray .transpose()).",
        });
      }
      const shape = [
        nt,
        ...(level === undefined ? [] : [levels!.length]),
        ...(lonFirst ? [nlon, nlat] : [nlat, nlon]),
      ];
      if (v.shape.join() !== shape.join()) {
        throw new ShapeError({
          file: path,
          field: v.name,
          expected: `shape [${shape}]`,
          found: `[${v.shape}]`,
        });
      }
      vars.push({ field, v, level, lonFirst });
    }

    // Windows.
    if (nt < 2) {
      throw new ValueRangeError({
        file: path,
        field: time.name,
        expected: "at least 2 times",
        found: String(nt),
      });
    }
    const T = options.steps ?? Math.min(DEFAULT_STEPS, nt - 1);
    if (T > nt - 1) {
      throw new ValueRangeError({
        file: path,
        field: "steps",
        expected: `at most ${nt - 1} (the file has ${nt} times, the first being the IC)`,
        found: String(T),
      });
    }
    const N = options.ics ?? Math.max(1, Math.min(MAX_DEFAULT_ICS, Math.floor((nt - 1) / T)));
    if (N > nt - T) {
      throw new ValueRangeError({
        file: path,
        field: "ics",
        expected: `at most ${nt - T} windows of ${T + 1} times in ${nt}`,
        found: String(N),
      });
    }
    const stride = options.spread
      ? (N === 1 ? 0 : (nt - 1 - T) / (N - 1))
      : N * T <= nt - 1
      ? T
      : Math.floor((nt - 1 - T) / Math.max(1, N - 1));
    const starts = Array.from({ length: N }, (_, i) => Math.round(i * stride));
    const hours = Array.from(time.values, (v) => v * units.hoursPerUnit);
    for (const s of options.spread ? [] : starts) {
      for (let k = s; k < s + T; k++) {
        const d = hours[k + 1] - hours[k];
        if (!(Math.abs(d - suite.dt) <= 1e-6 * suite.dt)) {
          throw new ValueRangeError({
            file: path,
            field: time.name,
            expected: `a time step of ${suite.dt} h (suite ${suite.id} Δt)`,
            found: `${d} h between ${time.name}[${k}] and ${time.name}[${k + 1}]`,
            hint: "Resample to 6-hourly data (e.g. xarray .sel(time=slice(None, None, k))).",
          });
        }
      }
    }

    // Read, roll longitudes, regrid.
    const weights = latLonToHealpix(lat.values, nlon, nside);
    const P = 12 * nside * nside, C = suite.fields.length, frame = C * P, L = nlat * nlon;
    const reference = new Float32Array(N * (T + 1) * frame);
    const latLonReference = new Float32Array(N * (T + 1) * C * L);
    const field = new Float64Array(L);
    for (let i = 0; i < N; i++) {
      for (const [c, { v, level, lonFirst }] of vars.entries()) {
        const block = await v.read(starts[i], T + 1, level);
        for (let t = 0; t <= T; t++) {
          for (let r = 0; r < nlat; r++) {
            for (let j = 0; j < nlon; j++) {
              const x = block[t * L + (lonFirst ? j * nlat + r : r * nlon + j)];
              if (!Number.isFinite(x)) {
                throw new ValueRangeError({
                  file: path,
                  field: v.name,
                  expected: "finite values",
                  found: `${x} at ${time.name} index ${
                    starts[i] + t
                  }, ${lat.name} index ${r}, ${lon.name} index ${j}`,
                });
              }
              field[r * nlon + ((j + shift) % nlon)] = x;
            }
          }
          reference.set(applyIdw(weights, field), (i * (T + 1) + t) * frame + c * P);
          latLonReference.set(field, ((i * (T + 1) + t) * C + c) * L);
        }
      }
    }
    const ics = new Float32Array(N * frame);
    for (let i = 0; i < N; i++) {
      ics.set(reference.subarray(i * (T + 1) * frame, (i * (T + 1) + 1) * frame), i * frame);
    }
    const order = lat.values[nlat - 1] > lat.values[0] ? "ascending" : "descending";
    return {
      ics,
      reference,
      count: N,
      steps: T,
      source: path,
      startHours: starts.map((s) => hourOfYear(units.epochMs + hours[s] * 3.6e6)),
      note: `WeatherBench 2 ${isZarr ? "Zarr" : "NetCDF4"}, ${nlat}×${nlon} lat-lon (${order} ` +
        `latitudes) regridded to HEALPix nside ${nside} by IDW (k = 4, q = 1); scored on HEALPix ` +
        `with uniform weights, and on the file's lat-lon grid with WeatherBench 2 latitude ` +
        `weights (wb2_* rows, predictions regridded back by IDW); ICs at time indices ` +
        starts.join(", "),
      latLon: { lat: Float64Array.from(lat.values), nlon, reference: latLonReference },
    };
  } finally {
    store.close();
  }
}

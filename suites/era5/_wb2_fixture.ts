/**
 * Test fixtures: small WeatherBench 2 style files written by the tests themselves (Zarr v3 with
 * zarrita, Zarr v2 by hand, NetCDF4 with h5wasm), holding closed-form fields so that what
 * `suites/era5/weatherbench.ts` reads back can be checked against mathematics. Not public API.
 * @module
 */
import * as zarr from "zarrita";
import { FileSystemStore } from "@zarrita/storage";
import { h5wasm } from "../../harness/data/hdf5.ts";

/** Options of the fixture writers. */
export interface Wb2Fixture {
  /** Latitudes in degrees (either order). */
  lat: number[];
  /** Number of longitudes, from `lon0` every 360/nlon degrees. */
  nlon: number;
  /** First longitude (0 or −180). */
  lon0?: number;
  /** Times in `units`. */
  time: number[];
  /** CF units of `time`. */
  units: string;
  /** Pressure levels (hPa) of `geopotential`. */
  levels: number[];
  /** Dimension names of `2m_temperature` (default time, latitude, longitude). */
  t2mDims?: string[];
  /** Leave `2m_temperature` out. */
  omitT2m?: boolean;
  /** Store the data variables as (time, [level,] longitude, latitude), as WeatherBench 2. */
  lonFirst?: boolean;
  /** Zarr v2 only: gzip-compress the chunks (numcodecs `gzip`). */
  gzip?: boolean;
}

async function gzip(b: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([b.slice()]).stream().pipeThrough(new CompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** Closed-form 2 m temperature (K) at latitude/longitude in degrees and hour h. */
export function t2mAt(latDeg: number, lonDeg: number, h: number): number {
  const f = (latDeg * Math.PI) / 180, l = (lonDeg * Math.PI) / 180;
  return 280 + 12 * Math.sin(f) + 4 * Math.cos(f) * Math.cos(l - (2 * Math.PI * h) / 240);
}

/** Closed-form geopotential (m² s⁻²) at a level (hPa). */
export function zAt(level: number, latDeg: number, lonDeg: number, h: number): number {
  const f = (latDeg * Math.PI) / 180, l = (lonDeg * Math.PI) / 180;
  return 9.81 * (level === 500 ? 5500 : 1400) + 600 * Math.cos(f) * Math.sin(l + h / 100) +
    300 * Math.sin(f) ** 2;
}

function hoursOf(f: Wb2Fixture): number[] {
  const per = f.units.startsWith("days") ? 24 : f.units.startsWith("minutes") ? 1 / 60 : 1;
  return f.time.map((t) => t * per);
}

function lons(f: Wb2Fixture): number[] {
  return Array.from({ length: f.nlon }, (_, j) => (f.lon0 ?? 0) + (360 * j) / f.nlon);
}

/** `[T, nlat, nlon]` t2m and `[T, nlev, nlat, nlon]` geopotential, float32. */
export function fixtureValues(f: Wb2Fixture): { t2m: Float32Array; z: Float32Array } {
  const h = hoursOf(f), lo = lons(f), T = f.time.length, A = f.lat.length, O = f.nlon;
  const K = f.levels.length;
  // Offset of (lat i, lon j) inside one horizontal slab.
  const at = (i: number, j: number) => (f.lonFirst ? j * A + i : i * O + j);
  const t2m = new Float32Array(T * A * O), z = new Float32Array(T * f.levels.length * A * O);
  for (let t = 0; t < T; t++) {
    for (let i = 0; i < A; i++) {
      for (let j = 0; j < O; j++) {
        t2m[t * A * O + at(i, j)] = t2mAt(f.lat[i], lo[j], h[t]);
        f.levels.forEach((lev, k) => {
          z[(t * K + k) * A * O + at(i, j)] = zAt(lev, f.lat[i], lo[j], h[t]);
        });
      }
    }
  }
  return { t2m, z };
}

/** Horizontal shape of the data variables. */
function hw(f: Wb2Fixture): number[] {
  return f.lonFirst ? [f.nlon, f.lat.length] : [f.lat.length, f.nlon];
}

/** Horizontal dimension names of the data variables. */
function hd(f: Wb2Fixture): string[] {
  return f.lonFirst ? ["longitude", "latitude"] : ["latitude", "longitude"];
}

function stride(shape: number[]): number[] {
  const s = new Array<number>(shape.length);
  for (let d = shape.length - 1, k = 1; d >= 0; d--) {
    s[d] = k;
    k *= shape[d];
  }
  return s;
}

/** Write a Zarr v3 store with zarrita (time as int64). */
export async function writeZarrV3(dir: string, f: Wb2Fixture): Promise<void> {
  const root = zarr.root(new FileSystemStore(dir));
  await zarr.create(root, { attributes: {} });
  const put = async (
    name: string,
    dtype: "float32" | "float64" | "int64",
    data: Float32Array | Float64Array | BigInt64Array,
    shape: number[],
    dims: string[],
    attributes: Record<string, unknown> = {},
  ) => {
    const arr = await zarr.create(root.resolve(name), {
      shape,
      chunkShape: shape,
      dtype,
      dimensionNames: dims,
      attributes,
    });
    // deno-lint-ignore no-explicit-any
    await zarr.set(arr, null, { data, shape, stride: stride(shape) } as any);
  };
  const T = f.time.length, A = f.lat.length, O = f.nlon, K = f.levels.length;
  const { t2m, z } = fixtureValues(f);
  await put("time", "int64", BigInt64Array.from(f.time, BigInt), [T], ["time"], {
    units: f.units,
  });
  await put("latitude", "float64", Float64Array.from(f.lat), [A], ["latitude"]);
  await put("longitude", "float64", Float64Array.from(lons(f)), [O], ["longitude"]);
  await put("level", "int64", BigInt64Array.from(f.levels, BigInt), [K], ["level"]);
  if (!f.omitT2m) {
    await put("2m_temperature", "float32", t2m, [T, ...hw(f)], f.t2mDims ?? ["time", ...hd(f)]);
  }
  await put("geopotential", "float32", z, [T, K, ...hw(f)], ["time", "level", ...hd(f)]);
}

/** Write a Zarr v2 store by hand (no compressor, one chunk per array, `.` separator). */
export async function writeZarrV2(dir: string, f: Wb2Fixture): Promise<void> {
  await Deno.mkdir(dir, { recursive: true });
  await Deno.writeTextFile(`${dir}/.zgroup`, JSON.stringify({ zarr_format: 2 }));
  const put = async (
    name: string,
    data: Float32Array | Float64Array | BigInt64Array,
    dtype: string,
    shape: number[],
    dims: string[],
    attrs: Record<string, unknown> = {},
  ) => {
    await Deno.mkdir(`${dir}/${name}`, { recursive: true });
    await Deno.writeTextFile(
      `${dir}/${name}/.zarray`,
      JSON.stringify({
        zarr_format: 2,
        shape,
        chunks: shape,
        dtype,
        compressor: f.gzip ? { id: "gzip", level: 5 } : null,
        fill_value: null,
        filters: null,
        order: "C",
        dimension_separator: ".",
      }),
    );
    await Deno.writeTextFile(
      `${dir}/${name}/.zattrs`,
      JSON.stringify({ _ARRAY_DIMENSIONS: dims, ...attrs }),
    );
    const raw = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    await Deno.writeFile(
      `${dir}/${name}/${shape.map(() => 0).join(".")}`,
      f.gzip ? await gzip(raw) : raw,
    );
  };
  const T = f.time.length, A = f.lat.length, O = f.nlon, K = f.levels.length;
  const { t2m, z } = fixtureValues(f);
  await put("time", BigInt64Array.from(f.time, BigInt), "<i8", [T], ["time"], { units: f.units });
  await put("latitude", Float64Array.from(f.lat), "<f8", [A], ["latitude"]);
  await put("longitude", Float64Array.from(lons(f)), "<f8", [O], ["longitude"]);
  await put("level", Float64Array.from(f.levels), "<f8", [K], ["level"]);
  if (!f.omitT2m) {
    await put("2m_temperature", t2m, "<f4", [T, ...hw(f)], f.t2mDims ?? ["time", ...hd(f)]);
  }
  await put("geopotential", z, "<f4", [T, K, ...hw(f)], ["time", "level", ...hd(f)]);
}

/** Write a NetCDF4-style HDF5 file with h5wasm: coordinates as dimension scales. */
export async function writeNetcdf(path: string, f: Wb2Fixture): Promise<void> {
  const h5 = await h5wasm();
  const file = new h5.File(path, "w");
  try {
    const T = f.time.length, K = f.levels.length;
    const coord = (name: string, data: Float64Array) => {
      const d = file.create_dataset({ name, data, shape: [data.length], dtype: "<d" });
      d.make_scale(name);
      return d;
    };
    coord("time", Float64Array.from(f.time)).create_attribute("units", f.units);
    coord("latitude", Float64Array.from(f.lat));
    coord("longitude", Float64Array.from(lons(f)));
    coord("level", Float64Array.from(f.levels));
    const { t2m, z } = fixtureValues(f);
    const variable = (name: string, data: Float32Array, shape: number[], dims: string[]) => {
      const d = file.create_dataset({ name, data, shape, dtype: "<f" });
      dims.forEach((dim, i) => d.attach_scale(i, dim));
    };
    if (!f.omitT2m) {
      variable("2m_temperature", t2m, [T, ...hw(f)], f.t2mDims ?? ["time", ...hd(f)]);
    }
    variable("geopotential", z, [T, K, ...hw(f)], ["time", "level", ...hd(f)]);
  } finally {
    file.close();
  }
}

/**
 * Initial conditions and reference trajectories read from a file instead of a suite's solver
 * (SPEC §3, `emubench run --data FILE`).
 *
 * Accepted files, where `X` stands for the suite's grid axes (`gridShape(suite.grid)`: `X` on a
 * 1D grid, `H, W` on a 2D one, e.g. `[N, T, 3, 128, 128]` for `shallow_water2d`):
 * - `.npy`: `[N, T, C, X]`, or `[N, T, X]` for a one-field suite (any dtype {@link readNpy}
 *   reads; converted to float32);
 * - `.h5`, `.hdf5`, `.hdf`, `.nc`, `.nc4` (HDF5 / NetCDF4): the PDEBench `tensor` dataset
 *   `[N, T, X]`, `[N, T, X, C]` (PDEBench's channels-last layout, e.g. 2D shallow water
 *   `[N, T, H, W, 1]`) or `[N, T, C, X]` (see {@link readHdf5Tensor} for how the channel axis is
 *   found; the suite's field count is passed as the hint). A one-field suite also accepts a
 *   dataset named after its field (e.g. a NetCDF variable `u`) when there is no `tensor`.
 *
 * - for HEALPix suites (`era5`): WeatherBench 2 data, a `.zarr` store (v2 or v3) or a NetCDF4
 *   file with `time, latitude, longitude[, level]` coordinates, regridded to HEALPix
 *   (`suites/era5/weatherbench.ts`, which documents its own checks and IC selection).
 *
 * Time axis: entry 0 is the initial condition and consecutive entries are exactly one model step
 * (the suite's Δt) apart, so a file with `T` time entries gives `T − 1` steps. Emubench cannot
 * see the time spacing of an `.npy` file: resample it to the suite's Δt first. An HDF5 file with
 * a 1-D `t-coordinate` (PDEBench stores T + 1 entries) has its spacing checked against the
 * suite's Δt over the steps used (relative tolerance 1e-3); likewise, on a 1D grid, a 1-D
 * `x-coordinate` must be spaced `length / n` (2D coordinates are not checked).
 *
 * Validation against the suite: the grid axes equal the suite's grid shape (axis by axis, not
 * just in size), C its number of fields, T ≥ 2, N ≥ 1; the `ics` / `steps` options must not
 * exceed what the file holds; every value used must be finite (NaN/Inf → {@link ValueRangeError}
 * naming the first bad IC, step, field and grid index). Values beyond the requested ICs and steps
 * are not inspected.
 * @module
 */
import { extname } from "node:path";
import { FormatError, ShapeError, ValueRangeError } from "../core/errors.ts";
import { describeKind, MissingFileError } from "../core/safe_file.ts";
import { readHdf5Tensor } from "./hdf5.ts";
import { type NpyData, readNpy } from "./npy.ts";
import { gridShape, gridSize, type Suite } from "../../suites/common/types.ts";

export type { LoadDatasetOptions, LoadedDataset } from "../../suites/common/types.ts";
import type { LoadDatasetOptions, LoadedDataset } from "../../suites/common/types.ts";

const HDF5_EXTENSIONS = [".h5", ".hdf5", ".hdf", ".nc", ".nc4"];
/** Relative tolerance on coordinate spacing (float32 coordinates accumulate ~1e-5 error). */
const SPACING_RTOL = 1e-3;

function checkCount(path: string, field: string, value: number | undefined): void {
  if (value === undefined) return;
  if (!Number.isInteger(value) || value < 1) {
    throw new ValueRangeError({
      file: path,
      field,
      expected: "a positive integer",
      found: String(value),
    });
  }
}

function toFloat32(data: NpyData): Float32Array {
  if (data instanceof Float32Array) return data;
  if (data instanceof BigInt64Array || data instanceof BigUint64Array) {
    return Float32Array.from(data, (v) => Number(v));
  }
  return Float32Array.from(data);
}

/** Check that a coordinate's first `intervals` spacings all equal `step`. */
function checkSpacing(
  path: string,
  field: string,
  coord: Float64Array | undefined,
  intervals: number,
  step: number,
  what: string,
): void {
  if (!coord) return;
  const n = Math.min(intervals, coord.length - 1);
  for (let i = 0; i < n; i++) {
    const d = coord[i + 1] - coord[i];
    if (!(Math.abs(d - step) <= SPACING_RTOL * Math.abs(step))) {
      throw new ValueRangeError({
        file: path,
        field,
        expected: `spacing ${step} (${what})`,
        found: `${field}[${i + 1}] − ${field}[${i}] = ${d}`,
        hint: "Resample the data to the suite's grid and time step, or use a suite that matches.",
      });
    }
  }
}

/**
 * Load ICs and reference trajectories for `suite` from an `.npy` or HDF5/NetCDF4 file. See the
 * module notes for accepted layouts and the checks made.
 *
 * @throws {Deno.errors.NotFound} the file does not exist.
 * @throws {FormatError} unknown extension or a malformed file.
 * @throws {ShapeError} the array does not match the suite (grid size, fields, rank, T ≥ 2, N ≥ 1).
 * @throws {ValueRangeError} `ics`/`steps` beyond the file, bad time/grid spacing, NaN or Inf.
 *
 * @example
 * ```ts
 * import { loadDataset } from "./dataset.ts";
 * import { writeNpy } from "./npy.ts";
 * import type { Suite } from "../../suites/common/types.ts";
 * const suite = { id: "toy", grid: { kind: "periodic1d", n: 4, length: 1 }, fields: ["u"], dt: 0.1 };
 * const path = `${await Deno.makeTempDir()}/traj.npy`;
 * await writeNpy(path, new Float32Array(2 * 3 * 4).fill(1), [2, 3, 4]); // [N, T, X]
 * const d = await loadDataset(path, suite as unknown as Suite, { steps: 1 });
 * if (d.count !== 2 || d.steps !== 1 || d.reference.length !== 2 * 2 * 1 * 4) throw new Error();
 * ```
 */
export async function loadDataset(
  path: string,
  suite: Suite,
  options: LoadDatasetOptions = {},
): Promise<LoadedDataset> {
  checkCount(path, "ics", options.ics);
  checkCount(path, "steps", options.steps);
  // Look before reading: a FIFO would block the open, a device (/dev/zero) never ends.
  const kinds = "a data file (.npy, .h5, .nc) or a Zarr directory";
  const info = await Deno.stat(path).catch((e) => {
    if (e instanceof Deno.errors.NotFound) {
      throw new MissingFileError({
        file: path,
        field: "--data",
        expected: kinds,
        found: "no such file",
      });
    }
    if (e instanceof Deno.errors.PermissionDenied || e instanceof Deno.errors.NotADirectory) {
      throw new ShapeError({
        file: path,
        field: "--data",
        expected: kinds,
        found: (e as Error).name,
      });
    }
    throw e;
  });
  if (!info.isFile && !info.isDirectory) {
    throw new ShapeError({
      file: path,
      field: "--data",
      expected: kinds,
      found: describeKind(info),
    });
  }
  // The suite's own formats first (era5: WeatherBench 2 Zarr / NetCDF4 lat-lon data, regridded).
  for (const reader of suite.dataReaders ?? []) {
    if (await reader.accepts(path)) return await reader.load(path, suite, options);
  }
  if (info.isDirectory) {
    throw new ShapeError({
      file: path,
      field: "--data",
      expected: `${kinds} of suite ${suite.id}`,
      found: "a directory that is not a data store this suite reads",
    });
  }
  const C = suite.fields.length;
  const grid = gridShape(suite.grid);
  const X = gridSize(suite.grid);
  const G = grid.join(", ");
  const ext = extname(path).toLowerCase();
  const accepted = `[N, T, ${C}, ${G}]`;
  const layouts = C === 1 ? `[N, T, ${C}, ${G}] or [N, T, ${G}]` : accepted;

  let data: Float32Array;
  let shape: number[]; // [N, T, C, ...grid] as read (possibly already sliced)
  let fileShape: number[];
  let found: string;
  let available: [number, number]; // N and T in the file
  let tCoordinate: Float64Array | undefined;
  let xCoordinate: Float64Array | undefined;
  if (ext === ".npy") {
    const npy = await readNpy(path);
    fileShape = npy.shape;
    found = `[${fileShape.join(", ")}]`;
    const rank = 3 + grid.length; // [N, T, C, ...grid]
    if (!(fileShape.length === rank || (fileShape.length === rank - 1 && C === 1))) {
      throw new ShapeError({
        file: path,
        field: "tensor",
        expected: layouts,
        found: `${found} (rank ${fileShape.length})`,
      });
    }
    shape = fileShape.length === rank
      ? [...fileShape]
      : [fileShape[0], fileShape[1], 1, ...fileShape.slice(2)];
    data = toFloat32(npy.data);
    available = [shape[0], shape[1]];
  } else if (HDF5_EXTENSIONS.includes(ext)) {
    const h5 = await readHdf5Tensor(path, {
      dataset: C === 1 ? ["tensor", suite.fields[0]] : ["tensor"],
      count: options.ics,
      times: options.steps === undefined ? undefined : options.steps + 1,
      channels: C,
      layout: options.layout,
      dims: grid.length,
    });
    fileShape = h5.fileShape;
    const g = grid.length === 1 ? "X" : grid.length === 2 ? "H, W" : "...grid";
    const axes = { NTX: `[N, T, ${g}]`, NTXC: `[N, T, ${g}, C]`, NTCX: `[N, T, C, ${g}]` }[
      h5.layout
    ];
    found = `[${fileShape.join(", ")}] (read as ${axes})`;
    shape = h5.shape;
    data = h5.data;
    available = [fileShape[0], fileShape[1]];
    tCoordinate = h5.tCoordinate;
    xCoordinate = h5.xCoordinate;
  } else {
    throw new FormatError({
      file: path,
      field: "extension",
      expected: [".npy", ...HDF5_EXTENSIONS].join(", "),
      found: ext === "" ? "none" : ext,
    });
  }

  const [, , c, ...g] = shape;
  if (c !== C || g.join() !== grid.join()) {
    throw new ShapeError({
      file: path,
      field: "tensor",
      expected: accepted,
      found,
      hint: `Suite ${suite.id} has ${C} field(s) (${suite.fields.join(", ")}) on ${
        grid.length === 1 ? `${X} points` : `a ${grid.join(" × ")} grid`
      }.`,
    });
  }
  const [nFile, tFile] = available;
  if (nFile < 1 || tFile < 2) {
    throw new ShapeError({
      file: path,
      field: "tensor",
      expected: `[N ≥ 1, T ≥ 2, ${C}, ${G}] (at least one trajectory with its IC and one step)`,
      found,
    });
  }
  const count = options.ics ?? nFile;
  const steps = options.steps ?? tFile - 1;
  if (count > nFile) {
    throw new ValueRangeError({
      file: path,
      field: "ics",
      expected: `at most ${nFile} (trajectories in the file)`,
      found: String(count),
    });
  }
  if (steps > tFile - 1) {
    throw new ValueRangeError({
      file: path,
      field: "steps",
      expected: `at most ${tFile - 1} (the file has ${tFile} time entries, the first being the IC)`,
      found: String(steps),
    });
  }
  checkSpacing(path, "t-coordinate", tCoordinate, steps, suite.dt, `suite ${suite.id} Δt`);
  if (suite.grid.kind === "periodic1d") {
    const dx = suite.grid.length / suite.grid.n;
    checkSpacing(path, "x-coordinate", xCoordinate, X - 1, dx, `suite ${suite.id} grid length/n`);
  }

  // Keep the first `count` trajectories and `steps + 1` time entries ([N, T, C, X] C order, X
  // being the grid axes flattened).
  const frame = C * X;
  const tRead = shape[1];
  const reference = new Float32Array(count * (steps + 1) * frame);
  for (let n = 0; n < count; n++) {
    const src = data.subarray(n * tRead * frame, (n * tRead + steps + 1) * frame);
    reference.set(src, n * (steps + 1) * frame);
  }
  for (let i = 0; i < reference.length; i++) {
    if (!Number.isFinite(reference[i])) {
      const n = Math.floor(i / ((steps + 1) * frame));
      const t = Math.floor(i / frame) % (steps + 1);
      const ch = Math.floor(i / X) % C;
      // Grid index of point i % X, last axis fastest.
      const at = grid.map((_, a) =>
        Math.floor((i % X) / grid.slice(a + 1).reduce((p, q) => p * q, 1)) % grid[a]
      );
      throw new ValueRangeError({
        file: path,
        field: "tensor",
        expected: "finite values",
        found: `${reference[i]} at ic ${n}, step ${t} (field ${suite.fields[ch]}, ${
          grid.length === 1 ? `x index ${at[0]}` : `grid index [${at.join(", ")}]`
        })`,
      });
    }
  }
  const ics = new Float32Array(count * frame);
  for (let n = 0; n < count; n++) {
    ics.set(reference.subarray(n * (steps + 1) * frame, (n * (steps + 1) + 1) * frame), n * frame);
  }
  return { ics, reference, count, steps, source: path };
}

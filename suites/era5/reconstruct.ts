/**
 * era5's part of the `reconstruct` task (`Suite.reconstruct`): built-in samples are the suite's
 * synthetic fields at seeded 6-hourly times over a year (so samples cover the seasonal cycle),
 * errors are area-weighted on the sphere (uniform on HEALPix, `metrics/weather.ts`) and spectra
 * are angular power spectra C_ℓ up to min(2·nside, 32), the band where the synthetic fields have
 * signal and the HEALPix quadrature's leakage of the large ℓ ≤ 2 climatology power is small.
 * @module
 */
import { ValueRangeError } from "../../harness/core/errors.ts";
import { Rng } from "../../harness/core/rng.ts";
import {
  type HealpixGrid as WeatherHealpix,
  healpixGrid,
  psnr,
  weightedMse,
} from "../../metrics/weather.ts";
import type { Grid, HealpixGrid, ReconstructSupport } from "../common/types.ts";
import { DEFAULT_LMAX, syntheticFields } from "./fields.ts";
import { angularPowerSpectrum } from "./spectrum.ts";

/** Hours in the built-in sample year (365 days). */
export const HOURS_PER_YEAR = 8760;

/**
 * Times of the built-in samples: `count` distinct 6-hourly times in [0, 8760) h drawn with
 * `seed` (stream 6), sorted, so samples cover the seasonal cycle.
 *
 * @example
 * ```ts
 * import { sampleHours } from "./reconstruct.ts";
 * const h = sampleHours(4, 1);
 * if (h.length !== 4 || h.some((v) => v % 6 !== 0 || v < 0 || v >= 8760)) throw new Error();
 * ```
 */
export function sampleHours(count: number, seed: number): number[] {
  if (!Number.isInteger(count) || count < 1 || count > HOURS_PER_YEAR / 6) {
    throw new ValueRangeError({
      field: "--ics",
      expected: `a sample count in 1..${HOURS_PER_YEAR / 6}`,
      found: String(count),
    });
  }
  const rng = new Rng(seed, 6), slots = HOURS_PER_YEAR / 6, picked = new Set<number>();
  while (picked.size < count) picked.add(rng.nextUint32() % slots);
  return [...picked].sort((a, b) => a - b).map((s) => 6 * s);
}

function sphere(grid: Grid): HealpixGrid {
  if (grid.kind !== "healpix") {
    throw new ValueRangeError({
      field: "grid",
      expected: "a HEALPix grid (era5 reconstructions are scored on the sphere)",
      found: grid.kind,
    });
  }
  return grid;
}

const weatherGrids = new Map<number, WeatherHealpix>();
function weatherGrid(grid: Grid): WeatherHealpix {
  const { nside } = sphere(grid);
  let g = weatherGrids.get(nside);
  if (!g) weatherGrids.set(nside, g = healpixGrid(nside));
  return g;
}

/**
 * era5's {@link ReconstructSupport}.
 *
 * @example
 * ```ts
 * import { ERA5_RECONSTRUCT } from "./reconstruct.ts";
 * const grid = { kind: "healpix", nside: 4, ordering: "nested" } as const;
 * if (ERA5_RECONSTRUCT.defaultLmax(grid) !== 8) throw new Error("2·nside below 32");
 * const s = ERA5_RECONSTRUCT.samples(2, 1, { id: "era5", grid, fields: ["2m_temperature"] });
 * if (s.samples.length !== 2 * 192 || s.hours?.length !== 2) throw new Error("samples");
 * ```
 */
export const ERA5_RECONSTRUCT: ReconstructSupport = {
  samples(count, seed, suite) {
    const hours = sampleHours(count, seed);
    return {
      samples: syntheticFields({
        nside: sphere(suite.grid).nside,
        variables: suite.fields,
        hours,
        seed,
      }),
      hours,
      source: `synthetic fields (suites/era5/fields.ts, seed ${seed})`,
      summary: `${suite.id} synthetic fields at ${hours.length} times (seed ${seed})`,
    };
  },
  defaultLmax: (grid) => Math.min(2 * sphere(grid).nside, DEFAULT_LMAX),
  spectrum: (field, grid, lmax) => angularPowerSpectrum(field, sphere(grid).nside, lmax),
  mse: (pred, ref, grid) => weightedMse(pred, ref, weatherGrid(grid)),
  psnr: (pred, ref, grid) => psnr(pred, ref, weatherGrid(grid)),
};

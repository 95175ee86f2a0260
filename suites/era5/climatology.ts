/**
 * The era5 suite's time axis and climatology: start times of the built-in ICs and the analytic
 * seasonal climatology at any valid time, on HEALPix pixels or at lat-lon points (the ACC
 * reference of `suites/era5/scoring.ts`). Re-exported by `suite.ts`.
 *
 * @example
 * ```ts
 * import { ERA5_DT_HOURS, era5Starts } from "./climatology.ts";
 * const { hours } = era5Starts(2, 1);
 * if (ERA5_DT_HOURS !== 6 || hours.some((h) => h % 6 !== 0)) throw new Error();
 * ```
 * @module
 */
import { Rng } from "../../harness/core/rng.ts";
import { rotationMatrix, toCartesian } from "./advection.ts";
import { climatology, climatologyAtSines } from "./fields.ts";
import { pixelCentresNest } from "./healpix.ts";

/** Model step in hours (6-hourly, as WeatherBench 2). */
export const ERA5_DT_HOURS = 6;
/** Fields of the suite, model channel order. */
export const ERA5_FIELDS = ["2m_temperature", "geopotential_500"] as const;
/** Default tilt α of the solid-body rotation axis (Williamson TC1's α = 0.05 case). */
export const ERA5_ALPHA = 0.05;
/** Slots of 6 hours in a 365.25-day year: start times are drawn from these. */
const SLOTS = 1461;
/**
 * Start times and anomaly seeds of the ICs: IC i draws from `new Rng(seed, i)` a start hour
 * `6·k`, k uniform in 0 … 1460 (a 6-hourly slot of the 365.25-day year), and a 32-bit anomaly
 * seed; IC i does not depend on how many ICs are requested.
 *
 * @example
 * ```ts
 * import { era5Starts } from "./suite.ts";
 * const a = era5Starts(3, 7), b = era5Starts(1, 7);
 * if (a.hours[0] !== b.hours[0] || a.hours[2] % 6 !== 0) throw new Error("prefix, 6-hourly");
 * ```
 */
export function era5Starts(count: number, seed: number): { hours: number[]; seeds: number[] } {
  const hours: number[] = [], seeds: number[] = [];
  for (let i = 0; i < count; i++) {
    const s = era5Start(i, seed);
    hours.push(s.hours);
    seeds.push(s.seed);
  }
  return { hours, seeds };
}

/** IC `index`'s start hour of the year and field seed (one entry of {@link era5Starts}). */
export function era5Start(index: number, seed: number): { hours: number; seed: number } {
  const rng = new Rng(seed, index);
  const hours = ERA5_DT_HOURS * Math.min(SLOTS - 1, Math.floor(rng.uniform() * SLOTS));
  return { hours, seed: rng.nextUint32() };
}

/**
 * The start-time climatology of the built-in ICs, `[C, 12·nside²]` each: the analytic
 * climatology at IC i's start time. This is the ACC climatology at step 0 only: the built-in
 * truth rotates the whole field, climatology included, so at later steps the ACC rows use this
 * climatology rotated with the truth ({@link era5Climatology}).
 *
 * @example
 * ```ts
 * import { era5IcClimatology } from "./suite.ts";
 * const c = era5IcClimatology(32, 1, 42)[0];
 * if (c.length !== 2 * 12288) throw new Error("[C, X]");
 * ```
 */
export function era5IcClimatology(nside: number, count: number, seed: number): Float32Array[] {
  const { hours } = era5Starts(count, seed);
  return hours.map((h) => climatology({ nside, variables: ERA5_FIELDS, hours: [h] }));
}

/** Options of {@link era5Climatology} and {@link era5LatLonClimatology}. */
export interface Era5ClimatologyOptions {
  /** ICs of the run (built-in data: the first `ics` of `seed`). */
  readonly ics: number;
  /** Seed of the built-in ICs. */
  readonly seed: number;
  /**
   * Data read with `--data`: hours since 1 January 00 UTC of each IC's first time; the
   * climatology is then the one at each valid time.
   */
  readonly startHours?: readonly number[];
  /** Axis tilt of the built-in truth's rotation (radians); default {@link ERA5_ALPHA}. */
  readonly alpha?: number;
}

/**
 * The ACC climatology provider at points given by colatitude `theta` and longitude `phi`.
 * With `startHours`: clim(φ, start + 6·step). Without (built-in data): the built-in truth at
 * step s is the IC at the backward-rotated point R(6s h)ᵀx (`advection.ts`), so its climatology
 * is the start-time climatology at that point, clim(φ(R(6s h)ᵀx), start): closed form, no
 * regridding; the sines of the rotated latitudes are computed once per step.
 */
function climatologyProvider(
  theta: ArrayLike<number>,
  phi: ArrayLike<number>,
  o: Era5ClimatologyOptions,
): (ic: number, step: number) => Float32Array {
  // The sines of the latitudes are kept (once, or once per step), not recomputed per IC:
  // climatologyAtSines gives climatologyAtPoints' values bit for bit.
  const P = theta.length, start = o.startHours;
  if (start) {
    const sin = Float64Array.from(theta, (t) => Math.sin(Math.PI / 2 - t));
    return (ic, step) => climatologyAtSines(ERA5_FIELDS, sin, start[ic] + step * ERA5_DT_HOURS);
  }
  const alpha = o.alpha ?? ERA5_ALPHA;
  const { hours } = era5Starts(o.ics, o.seed);
  const sinByStep = new Map<number, Float64Array>();
  // The points' unit vectors, [P, 3], once (toCartesian of each point).
  let xyz: Float64Array | undefined;
  return (ic, step) => {
    let sin = sinByStep.get(step);
    if (!sin) {
      if (!xyz) {
        xyz = new Float64Array(3 * P);
        for (let p = 0; p < P; p++) xyz.set(toCartesian(Math.PI / 2 - theta[p], phi[p]), 3 * p);
      }
      const r = rotationMatrix(alpha, step * ERA5_DT_HOURS);
      sin = new Float64Array(P);
      for (let p = 0; p < P; p++) {
        // R(t)ᵀx: applyMat3(r, x, true)'s sums, same order, inline.
        const x0 = xyz[3 * p], x1 = xyz[3 * p + 1], x2 = xyz[3 * p + 2];
        const a = 0 + r[0] * x0 + r[3] * x1 + r[6] * x2;
        const b = 0 + r[1] * x0 + r[4] * x1 + r[7] * x2;
        const c = 0 + r[2] * x0 + r[5] * x1 + r[8] * x2;
        sin[p] = Math.sin(Math.atan2(c, Math.hypot(a, b))); // sin of toLatLon(a, b, c).lat
      }
      sinByStep.set(step, sin);
    }
    return climatologyAtSines(ERA5_FIELDS, sin, hours[ic]);
  };
}

/**
 * The climatology the ACC rows of a run use, as `(ic, step) → [C, 12·nside²]`:
 * - with `startHours` (data read with `--data`, hours since 1 January 00 UTC of each IC's
 *   first time) the analytic climatology at the valid time `startHours[ic] + step·6 h`;
 * - without (built-in data of `seed`): the start-time climatology of IC `ic`
 *   ({@link era5IcClimatology}) rotated with the truth, i.e. evaluated at the backward-rotated
 *   point R(step·6 h)ᵀx of each pixel (axis tilt `alpha`), so that the truth's anomaly is the
 *   rotated IC anomaly and nothing of the climatology leaks into it.
 *
 * @example
 * ```ts
 * import { era5Climatology } from "./suite.ts";
 * const at = era5Climatology(1, { ics: 1, seed: 0, startHours: [0] });
 * if (at(0, 4).length !== 2 * 12 || at(0, 4)[0] === at(0, 400)[0]) throw new Error("valid time");
 * ```
 */
export function era5Climatology(
  nside: number,
  o: Era5ClimatologyOptions,
): (ic: number, step: number) => Float32Array {
  const { theta, phi } = pixelCentresNest(nside);
  return climatologyProvider(theta, phi, o);
}

/**
 * {@link era5Climatology} on a lat-lon grid (row-major `[C, nlat·nlon]`, latitude rows
 * `latDeg` in degrees in the order given, longitudes 0°, 360/nlon°, …): the analytic
 * climatology evaluated directly at the grid points (no regridding), at the valid time
 * `startHours[ic] + step·6 h` with `startHours`, else rotated with the built-in truth.
 *
 * @example
 * ```ts
 * import { era5LatLonClimatology } from "./suite.ts";
 * const at = era5LatLonClimatology([-45, 45], 4, { ics: 1, seed: 0, startHours: [0] });
 * if (at(0, 1).length !== 2 * 8 || at(0, 1)[0] !== at(0, 1)[3]) throw new Error("zonal rows");
 * ```
 */
export function era5LatLonClimatology(
  latDeg: ArrayLike<number>,
  nlon: number,
  o: Era5ClimatologyOptions,
): (ic: number, step: number) => Float32Array {
  if (!Number.isInteger(nlon) || nlon < 1) {
    throw new RangeError(`era5LatLonClimatology: expected a positive integer nlon, found ${nlon}`);
  }
  const nlat = latDeg.length;
  const theta = new Float64Array(nlat * nlon), phi = new Float64Array(nlat * nlon);
  for (let i = 0; i < nlat; i++) {
    for (let j = 0; j < nlon; j++) {
      theta[i * nlon + j] = ((90 - latDeg[i]) * Math.PI) / 180;
      phi[i * nlon + j] = (2 * Math.PI * j) / nlon;
    }
  }
  return climatologyProvider(theta, phi, o);
}

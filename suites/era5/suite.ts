/**
 * Suite `era5`: ERA5-style weather fields (2 m temperature, 500 hPa geopotential) on a HEALPix
 * grid in nested ordering (level 5 = nside 32 = 12 288 pixels by default), 6-hourly model steps
 * (`dt` = 6, in HOURS), a 40-step (10-day) standard horizon.
 *
 * Built-in data (nothing is downloaded): ICs are synthetic fields (`fields.ts`: analytic
 * seasonal climatology plus a band-limited ℓ ≤ 32 anomaly with a power-law spectrum) at seeded
 * start times across the year; the forecast truth is their solid-body advection (Williamson et
 * al. 1992 test case 1, axis tilt α = 0.05, period 12 days; `advection.ts`), computed exactly
 * through spherical harmonics — no numerical solver. Real data in the WeatherBench 2 layout
 * is scored with `--data` (`suites/era5/weatherbench.ts`).
 *
 * ACC rows (`era5Climatology`): for built-in data the climatology of IC i at step s is its
 * start-time climatology rotated with the truth (evaluated at the backward-rotated point, the
 * rotation the truth applies over s·6 h), so the truth's anomaly is exactly its IC's anomaly,
 * rotated; for `--data`, the climatology at each valid time.
 *
 * `reference` recovers the IC's coefficients (ℓ ≤ 32) by iterated HEALPix quadrature, which is
 * exact (to float32 input rounding) for the suite's band-limited ICs; an IC with finer structure
 * would have its ℓ ≤ 32 projection rotated from step 1 on.
 *
 * Per state `[C, 12·nside²]`:
 * - energy E = Σ_c ⟨(x_c − ⟨x_c⟩)²⟩ / σ_c²: the area-mean squared deviation of each field from
 *   its global mean, in units of the field's anomaly variance σ_c² (`ERA5_VARIABLES`), summed
 *   over fields. Solid-body rotation conserves it exactly;
 * - diagnostics `mean_<field>`: the area mean (equal-area pixels: the pixel mean), also
 *   conserved by the truth;
 * - spectrum: the angular power spectrum C_ℓ, ℓ = 0 … 32 (`spectrum.ts`), the band of the
 *   built-in truth. Above ℓ = 32 the truth has no signal: what the estimator reports there is
 *   leakage of the climatology's large ℓ ≤ 2 power through the HEALPix ring quadrature plus
 *   float32 round-off (measured at nside 32: mean C_ℓ over ℓ = 33 … 64 ≈ 1e-3 K² for t2m against
 *   ≈ 20 K² over ℓ = 1 … 32), so log ratios there would score a model's small-scale structure
 *   against that floor and dominate `spectrum_error`.
 *
 * @example
 * ```ts
 * import { era5 } from "./suite.ts";
 * const ics = era5.initialConditions(1, era5.seed); // [1, 2, 12288]
 * const ref = era5.reference(ics, 1, 1); // [1, 2, 2, 12288]
 * const e0 = era5.energy(ref.subarray(0, 2 * 12288)), e1 = era5.energy(ref.subarray(2 * 12288));
 * if (Math.abs(e1 - e0) > 1e-4 * e0) throw new Error("rotation conserves the energy");
 * ```
 * @module
 */
import { ShapeError } from "../../harness/core/errors.ts";
import type { DataReader, HealpixGrid, MetricDecl, Progress, Suite } from "../common/types.ts";
import { evaluateTiltedFields, rotateBandLimited, tiltedRotation } from "./advection.ts";
import { DEFAULT_LMAX, era5Variable, syntheticFields } from "./fields.ts";
import { npix, orderOf } from "./healpix.ts";
import { WEATHER_FAMILY } from "./scoring.ts";
import { ERA5_RECONSTRUCT } from "./reconstruct.ts";
import { ERA5_ALPHA, ERA5_DT_HOURS, ERA5_FIELDS, era5Start, era5Starts } from "./climatology.ts";
export {
  ERA5_ALPHA,
  ERA5_DT_HOURS,
  ERA5_FIELDS,
  era5Climatology,
  type Era5ClimatologyOptions,
  era5IcClimatology,
  era5LatLonClimatology,
  era5Starts,
} from "./climatology.ts";
import { angularPowerSpectrum } from "./spectrum.ts";

/** Default HEALPix level (nside = 2^level). */
export const ERA5_LEVEL = 5;
/**
 * Highest degree ℓ of the suite's spectrum rows: the built-in truth's band limit
 * ({@link DEFAULT_LMAX}); beyond it the truth's spectrum is float32 round-off.
 */
export const ERA5_SPECTRUM_LMAX = DEFAULT_LMAX;

/** Metrics of the suite; `rmse` (WeatherBench 2 style) is the headline. */
export const METRICS_ERA5: readonly MetricDecl[] = [
  {
    id: "rmse",
    higherIsBetter: false,
    description: "√(mean over ICs of ⟨(p − y)²⟩), equal-area pixels (uniform weights), per field",
  },
  {
    id: "acc",
    higherIsBetter: true,
    description: "anomaly correlation Σ p′y′ / √(Σ p′² Σ y′²) against the suite climatology",
  },
  { id: "mse", higherIsBetter: false, description: "⟨(p − y)²⟩ over the pixels, mean over ICs" },
  { id: "nrmse", higherIsBetter: false, description: "‖p − y‖₂ / ‖y‖₂ per IC, mean over ICs" },
  {
    id: "psnr",
    higherIsBetter: true,
    description: "10 log₁₀(R² / mse) with R the range of the reference field, mean over ICs",
  },
  {
    id: "spectrum_error",
    higherIsBetter: false,
    description: "mean over ℓ ≥ 1 of |log C_ℓ,p − log C_ℓ,y| (angular power spectrum)",
  },
  {
    id: "energy_error",
    higherIsBetter: false,
    description: "|Eₚ − Eᵧ| / Eᵧ, E = Σ_c ⟨(x_c − ⟨x_c⟩)²⟩ / σ_c² (conserved by the truth)",
  },
];

/** Options of {@link makeEra5Suite}. */
export interface Era5Options {
  /** HEALPix level 5 … 8 (nside 32 … 256); default 5. */
  readonly level?: number;
  /** Rotation axis tilt α in radians; default {@link ERA5_ALPHA}. */
  readonly alpha?: number;
}

function checkState(state: ArrayLike<number>, n: number, what: string): void {
  if (state.length !== ERA5_FIELDS.length * n) {
    throw new ShapeError({
      field: `state passed to era5.${what}`,
      expected: `[${ERA5_FIELDS.length}, ${n}] (${ERA5_FIELDS.join(", ")})`,
      found: `${state.length} values`,
    });
  }
}

/**
 * Energy of a state `[C, n]` (module doc): Σ_c ⟨(x_c − ⟨x_c⟩)²⟩ / σ_c², float64 sums.
 *
 * @example
 * ```ts
 * import { era5Energy } from "./suite.ts";
 * const s = new Float64Array(2 * 12).map((_, k) => (k < 12 ? (k % 2) * 6 : 100)); // t2m 0/6 K
 * if (era5Energy(s, 12) !== 1) throw new Error("variance 9 K² / σ² 9 K² = 1");
 * ```
 */
export function era5Energy(state: ArrayLike<number>, n: number): number {
  checkState(state, n, "energy");
  let e = 0;
  ERA5_FIELDS.forEach((name, c) => {
    let s = 0, ss = 0;
    for (let p = c * n; p < (c + 1) * n; p++) s += state[p];
    const mean = s / n;
    for (let p = c * n; p < (c + 1) * n; p++) ss += (state[p] - mean) ** 2;
    e += ss / n / era5Variable(name).anomalyStd ** 2;
  });
  return e;
}

/**
 * WeatherBench 2 data (`--data`): a `.zarr` store or NetCDF4 file on a lat-lon grid, regridded to
 * the suite's HEALPix grid (`weatherbench.ts`, loaded only when used).
 */
export const weatherbenchReader: DataReader = {
  name: "WeatherBench 2 (Zarr / NetCDF4, lat-lon)",
  async accepts(path: string): Promise<boolean> {
    return await (await import("./weatherbench.ts")).isWeatherbenchPath(path);
  },
  async load(path, suite, options) {
    return await (await import("./weatherbench.ts")).loadWeatherbench(path, suite, options);
  },
};

/**
 * Build the suite at a HEALPix level (5 … 8) and axis tilt; {@link era5} is level 5, α = 0.05.
 *
 * @example
 * ```ts
 * import { makeEra5Suite } from "./suite.ts";
 * const s = makeEra5Suite({ level: 6 });
 * if (s.grid.kind !== "healpix" || s.grid.nside !== 64) throw new Error("level 6");
 * ```
 */
export function makeEra5Suite(o: Era5Options = {}): Suite {
  const level = o.level ?? ERA5_LEVEL, alpha = o.alpha ?? ERA5_ALPHA;
  if (!Number.isInteger(level) || level < 5 || level > 8) {
    throw new RangeError(`era5 suite: expected a HEALPix level 5 … 8, found ${level}`);
  }
  const nside = 2 ** level;
  orderOf(nside);
  const n = npix(nside), C = ERA5_FIELDS.length, S = C * n;
  const grid: HealpixGrid = { kind: "healpix", nside, ordering: "nested" };
  return {
    id: "era5",
    version: "1.1.1",
    title: "ERA5-style weather fields on HEALPix",
    description: `2 m temperature and 500 hPa geopotential on HEALPix level ${level} (nside ` +
      `${nside}, ${n} pixels, nested), 6-hourly steps (dt in hours), 10-day horizon; built-in ` +
      "truth: exact solid-body advection (Williamson TC1) of synthetic fields with a seasonal " +
      "climatology and a power-law spectrum; WeatherBench 2 data via --data.",
    citation: "WeatherBench 2 (Rasp et al. 2024, JAMES 16, e2023MS004019) scores; Williamson et " +
      "al. 1992 (J. Comput. Phys. 102:211) test case 1; HEALPix (Górski et al. 2005, ApJ " +
      "622:759); ERA5 (Hersbach et al. 2020) field magnitudes.",
    params: { level, nside, alpha, lmax: DEFAULT_LMAX, periodHours: 288 },
    grid,
    fields: ERA5_FIELDS,
    startHours: (count: number, seed: number) => era5Starts(count, seed).hours,
    dt: ERA5_DT_HOURS,
    // A blow-up counts as divergence: max|field| beyond 10 × the reference's (data card).
    divergenceBound: { factor: 10 },
    tiers: { smoke: { ics: 2, steps: 4 }, standard: { ics: 8, steps: 40 } },
    seed: 20260106,
    summarySteps: [4, 12, 20, 40],
    metrics: METRICS_ERA5,
    initialConditions(count: number, seed: number): Float32Array {
      if (!Number.isSafeInteger(count) || count < 0) {
        throw new RangeError(`Cannot draw era5 ICs: expected count ≥ 0, found ${count}`);
      }
      const { hours, seeds } = era5Starts(count, seed);
      const out = new Float32Array(count * S);
      for (let i = 0; i < count; i++) {
        out.set(
          syntheticFields({ nside, variables: ERA5_FIELDS, hours: [hours[i]], seed: seeds[i] }),
          i * S,
        );
      }
      return out;
    },
    initialCondition(index: number, seed: number): Float32Array {
      if (!Number.isSafeInteger(index) || index < 0) {
        throw new RangeError(`Cannot draw era5 IC: expected index ≥ 0, found ${index}`);
      }
      const start = era5Start(index, seed);
      return Float32Array.from(
        syntheticFields({ nside, variables: ERA5_FIELDS, hours: [start.hours], seed: start.seed }),
      );
    },
    reference(ics: Float32Array, count: number, steps: number, progress?: Progress): Float32Array {
      for (const [name, v] of [["count", count], ["steps", steps]] as const) {
        if (!Number.isSafeInteger(v) || v < 0) {
          throw new RangeError(`Cannot run era5.reference: expected ${name} ≥ 0, found ${v}`);
        }
      }
      if (!(ics instanceof Float32Array) || ics.length !== count * S) {
        throw new ShapeError({
          field: "ICs passed to era5.reference",
          expected: `a Float32Array [${count}, ${C}, ${n}] (${count * S} values)`,
          found: ics instanceof Float32Array ? `${ics.length} values` : "another type",
        });
      }
      const out = new Float32Array(count * (steps + 1) * S);
      const rotate = { nside, lmax: DEFAULT_LMAX, alpha, iterations: 6 };
      const field = (i: number, c: number) => ics.subarray(i * S + c * n, i * S + (c + 1) * n);
      const values = ERA5_FIELDS.map(() => new Float64Array(n));
      for (let i = 0; i < count; i++) {
        const base = i * (steps + 1) * S;
        out.set(ics.subarray(i * S, (i + 1) * S), base);
        if (alpha === 0) {
          for (let c = 0; c < C; c++) {
            const at = rotateBandLimited(field(i, c), rotate);
            for (let t = 1; t <= steps; t++) out.set(at(t * ERA5_DT_HOURS), base + t * S + c * n);
          }
        } else {
          // Each field prepared once (analysis, tilted frame), then every lead time of both
          // fields in one pass (`evaluateTiltedFields`: the bits of one field at a time).
          const rs = ERA5_FIELDS.map((_, c) => tiltedRotation(field(i, c), rotate));
          for (let t = 1; t <= steps; t++) {
            evaluateTiltedFields(rs, t * ERA5_DT_HOURS, values);
            for (let c = 0; c < C; c++) out.set(values[c], base + t * S + c * n);
          }
        }
        progress?.((i + 1) * steps, count * steps);
      }
      return out;
    },
    energyDefinition: "Σ_c ⟨(x_c − ⟨x_c⟩)²⟩ / σ_c²",
    fieldUnits: Object.fromEntries(ERA5_FIELDS.map((f) => [f, era5Variable(f).units])),
    energy(state: Float32Array | Float64Array): number {
      return era5Energy(state, n);
    },
    spectrum(field: Float32Array | Float64Array): Float64Array {
      return angularPowerSpectrum(field, nside, ERA5_SPECTRUM_LMAX);
    },
    spectrumLabel: { name: "angular power spectrum", x: "degree ℓ", y: "C_ℓ" },
    dataReaders: [weatherbenchReader],
    trackers: [WEATHER_FAMILY],
    reconstruct: ERA5_RECONSTRUCT,
    diagnostics(state: Float32Array | Float64Array): Readonly<Record<string, number>> {
      checkState(state, n, "diagnostics");
      const out: Record<string, number> = {};
      ERA5_FIELDS.forEach((name, c) => {
        let s = 0;
        for (let p = c * n; p < (c + 1) * n; p++) s += state[p];
        out[`mean_${name}`] = s / n;
      });
      return out;
    },
  };
}

/** The `era5` suite (SPEC §3): HEALPix level 5, α = 0.05. */
export const era5: Suite = makeEra5Suite();

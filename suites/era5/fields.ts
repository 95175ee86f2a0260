/**
 * Synthetic ERA5-like fields on HEALPix (nested): an analytic seasonal climatology plus a
 * random, band-limited anomaly with a power-law angular spectrum, evaluated exactly at every
 * pixel centre (so any rotation of them is analytic too, `advection.ts`).
 *
 * For a variable with climatology parameters (m₀, m₂, s) and latitude φ, day of year
 * d = hour/24 mod 365.25:
 *
 *   clim(φ, d) = m₀ − m₂·sin²φ − s·sin φ·cos(2π(d − 15)/365.25)
 *
 * (coldest / lowest in the northern hemisphere in mid-January). The anomaly is
 * A(x, t) = Σ_{1 ≤ ℓ ≤ L} Σ_m a_ℓm(t) Y_ℓm(x) with a_ℓm(t) = α_ℓm cos ω_ℓ t + β_ℓm sin ω_ℓ t,
 * α, β independent complex Gaussians (real for m = 0) of variance C_ℓ = c·ℓ^(−slope), and
 * ω_ℓ = 2πℓ / (30 days): a stationary Gaussian process whose expected angular spectrum is C_ℓ at
 * every time, with c set so that the expected area-mean anomaly variance over the default band
 * Σ_{ℓ=1}^{32} (2ℓ+1) C_ℓ / 4π equals `anomalyStd²` (c does not depend on the band limit used). The ℓ = 0 term is absent, so the global mean of
 * the anomaly is exactly 0. Coefficients are drawn in (ℓ, m) order from one stream per variable,
 * so the field at band limit L is the truncation of the field at any larger band limit.
 *
 * @example
 * ```ts
 * import { syntheticFields } from "./fields.ts";
 * const f = syntheticFields({ nside: 2, variables: ["2m_temperature"], hours: [0, 6], seed: 1 });
 * if (f.length !== 2 * 48 || !f.every((v) => v > 150 && v < 350)) throw new Error("t2m in K");
 * ```
 * @module
 */
import { npix, orderOf, pixelCentresNest } from "./healpix.ts";
import { type Alm, lmIndex, synthesizeHealpix, zeroAlm } from "./spectrum.ts";
import { Rng } from "../../harness/core/rng.ts";

/** Climatology and anomaly statistics of one synthetic variable. */
export interface Era5Variable {
  /** WeatherBench 2 variable name. */
  readonly name: string;
  /** Physical units. */
  readonly units: string;
  /** m₀: equatorial annual mean. */
  readonly mean: number;
  /** m₂: equator-to-pole drop of the annual mean (value at the poles is m₀ − m₂). */
  readonly poleDrop: number;
  /** s: seasonal amplitude at the poles (× sin φ). */
  readonly seasonal: number;
  /** Area-mean standard deviation of the anomaly. */
  readonly anomalyStd: number;
  /** Power-law exponent: C_ℓ ∝ ℓ^(−slope). */
  readonly slope: number;
  /** Random stream of the variable's anomaly coefficients. */
  readonly stream: number;
}

/**
 * The synthetic variables. Means and amplitudes are rounded ERA5 magnitudes (t2m: ≈ 300 K in
 * the tropics, ≈ 255 K annual mean at the poles, ±15 K seasonal swing at the poles, synoptic
 * anomalies of a few K; z500 as geopotential Φ = g·Z: Z ≈ 5.87 km in the tropics, ≈ 5.2 km at
 * the poles). Slopes: 3 for z500 (the ℓ⁻³ enstrophy-cascade range of the mid-troposphere),
 * 2 for t2m (surface fields carry more small-scale variance); these are modelling choices, not
 * fits to ERA5.
 */
export const ERA5_VARIABLES: Readonly<Record<string, Era5Variable>> = {
  "2m_temperature": {
    name: "2m_temperature",
    units: "K",
    mean: 300,
    poleDrop: 45,
    seasonal: 15,
    anomalyStd: 3,
    slope: 2,
    stream: 101,
  },
  "geopotential_500": {
    name: "geopotential_500",
    units: "m² s⁻²",
    mean: 57_600,
    poleDrop: 6_500,
    seasonal: 1_500,
    anomalyStd: 800,
    slope: 3,
    stream: 102,
  },
};

/** Band limit used when none is given: ℓ ≤ 32 (resolved with room to spare from nside 32). */
export const DEFAULT_LMAX = 32;

/** Length of the seasonal cycle in days. */
export const YEAR_DAYS = 365.25;

/** Period (days) of the ℓ = 1 anomaly oscillation; ℓ oscillates with period 30/ℓ days. */
export const ANOMALY_PERIOD_DAYS = 30;

/**
 * Look up a variable, with an error that lists the known ones.
 *
 * @example
 * ```ts
 * import { era5Variable } from "./fields.ts";
 * if (era5Variable("2m_temperature").units !== "K") throw new Error("units");
 * ```
 */
export function era5Variable(name: string): Era5Variable {
  const v = ERA5_VARIABLES[name];
  if (!v) {
    throw new RangeError(
      `Unknown era5 variable ${JSON.stringify(name)}: expected one of ${
        Object.keys(ERA5_VARIABLES).join(", ")
      }`,
    );
  }
  return v;
}

/**
 * The analytic climatology clim(φ, d) = m₀ − m₂ sin²φ − s sin φ cos(2π(d − 15)/365.25) at
 * latitude `latRad` and `hour` (hours since 1 January 00 UTC; d = hour/24).
 *
 * @example
 * ```ts
 * import { climatologyValue, ERA5_VARIABLES } from "./fields.ts";
 * const v = ERA5_VARIABLES["2m_temperature"];
 * // North pole, 16 January 00 UTC (d = 15): 300 − 45 − 15 = 240 K.
 * if (Math.abs(climatologyValue(v, Math.PI / 2, 15 * 24) - 240) > 1e-12) throw new Error();
 * ```
 */
export function climatologyValue(v: Era5Variable, latRad: number, hour: number): number {
  return climatologyFromSine(v, Math.sin(latRad), seasonOf(hour));
}

/** cos(2π(d − 15)/365.25), d = hour/24: the seasonal factor of {@link climatologyValue}. */
function seasonOf(hour: number): number {
  const d = hour / 24;
  return Math.cos((2 * Math.PI * (d - 15)) / YEAR_DAYS);
}

/** m₀ − m₂ s² − s_v·s·`season` with s = sin φ: {@link climatologyValue}'s one formula. */
function climatologyFromSine(v: Era5Variable, s: number, season: number): number {
  return v.mean - v.poleDrop * s * s - v.seasonal * s * season;
}

/**
 * {@link climatologyAtPoints} from the sines of the points' latitudes, `sinLat` = sin φ (what a
 * caller that scores many times at the same points keeps): `[C, P]`, the same values bit for bit.
 *
 * @example
 * ```ts
 * import { climatologyAtPoints, climatologyAtSines } from "./fields.ts";
 * const lat = [0.3, -1.1], v = ["2m_temperature", "geopotential_500"];
 * const a = climatologyAtPoints(v, lat, 1234), b = climatologyAtSines(v, lat.map(Math.sin), 1234);
 * if (a.some((x, k) => x !== b[k])) throw new Error("same bits");
 * ```
 */
export function climatologyAtSines(
  variables: readonly string[],
  sinLat: ArrayLike<number>,
  hour: number,
): Float32Array {
  const P = sinLat.length, vars = variables.map(era5Variable), season = seasonOf(hour);
  const out = new Float32Array(vars.length * P);
  for (let c = 0; c < vars.length; c++) {
    const v = vars[c], o = c * P;
    for (let p = 0; p < P; p++) out[o + p] = climatologyFromSine(v, sinLat[p], season);
  }
  return out;
}

/** Options of {@link syntheticFields} and {@link climatology}. */
export interface FieldOptions {
  /** HEALPix nside (power of two). */
  readonly nside: number;
  /** Variable names, channel order (keys of {@link ERA5_VARIABLES}). */
  readonly variables: readonly string[];
  /** Times, in hours since 1 January 00 UTC of a (repeating) year. */
  readonly hours: ArrayLike<number>;
}

/**
 * The analytic climatology at every pixel centre and time: `[T, C, 12·nside²]`, nested order.
 *
 * @example
 * ```ts
 * import { climatology } from "./fields.ts";
 * const c = climatology({ nside: 1, variables: ["geopotential_500"], hours: [0] });
 * if (c.length !== 12 || !(c[4] > 57_000)) throw new Error("equatorial z500");
 * ```
 */
export function climatology(o: FieldOptions): Float32Array {
  const { theta } = pixelCentresNest(o.nside);
  const n = npix(o.nside), C = o.variables.length, T = o.hours.length;
  const vars = o.variables.map(era5Variable);
  const out = new Float32Array(T * C * n);
  for (let t = 0; t < T; t++) {
    for (let c = 0; c < C; c++) {
      const base = (t * C + c) * n;
      for (let p = 0; p < n; p++) {
        out[base + p] = climatologyValue(vars[c], Math.PI / 2 - theta[p], o.hours[t]);
      }
    }
  }
  return out;
}

/**
 * The analytic climatology at arbitrary points and one time: `[C, P]` for `P` points given by
 * their latitudes `latRad` (radians). The climatology is zonal, so longitudes do not enter: a
 * point (φ, λ) gets clim(φ, `hour`) whatever λ is. {@link climatology} is this at the HEALPix
 * pixel centres; `climatologyLatLon` at the rows of a lat-lon grid.
 *
 * @example
 * ```ts
 * import { climatologyAtPoints } from "./fields.ts";
 * // North pole, 16 January 00 UTC: 300 − 45 − 15 = 240 K; equator: 300 K.
 * const c = climatologyAtPoints(["2m_temperature"], [Math.PI / 2, 0], 15 * 24);
 * if (Math.abs(c[0] - 240) > 1e-4 || c[1] !== 300) throw new Error("closed form");
 * ```
 */
export function climatologyAtPoints(
  variables: readonly string[],
  latRad: ArrayLike<number>,
  hour: number,
): Float32Array {
  const P = latRad.length, vars = variables.map(era5Variable);
  const out = new Float32Array(vars.length * P);
  vars.forEach((v, c) => {
    for (let p = 0; p < P; p++) out[c * P + p] = climatologyValue(v, latRad[p], hour);
  });
  return out;
}

/**
 * The analytic climatology on a lat-lon grid at one time: `[C, nlat·nlon]`, row-major (latitude
 * rows in the order given, `latDeg` in degrees; longitudes 0°, 360/nlon°, … — the grid of a
 * WeatherBench 2 file as `harness/data/dataset.ts` reads it). Zonal: every longitude of a row has the
 * row's value clim(φ_i, `hour`).
 *
 * @example
 * ```ts
 * import { climatologyLatLon } from "./fields.ts";
 * const c = climatologyLatLon(["2m_temperature"], [-90, 0, 90], 4, 15 * 24);
 * if (c.length !== 12 || c[4] !== 300 || Math.abs(c[11] - 240) > 1e-4) throw new Error();
 * ```
 */
export function climatologyLatLon(
  variables: readonly string[],
  latDeg: ArrayLike<number>,
  nlon: number,
  hour: number,
): Float32Array {
  if (!Number.isInteger(nlon) || nlon < 1) {
    throw new RangeError(`climatologyLatLon: expected a positive integer nlon, found ${nlon}`);
  }
  const nlat = latDeg.length, lat = new Float64Array(nlat * nlon);
  for (let i = 0; i < nlat; i++) lat.fill((latDeg[i] * Math.PI) / 180, i * nlon, (i + 1) * nlon);
  return climatologyAtPoints(variables, lat, hour);
}

/**
 * The anomaly coefficients of a variable: α_ℓm, β_ℓm (see the module doc), drawn in (ℓ, m)
 * order up to `lmax`, as two coefficient sets.
 *
 * @example
 * ```ts
 * import { anomalyCoefficients } from "./fields.ts";
 * const { alpha } = anomalyCoefficients("2m_temperature", 3, 4);
 * if (alpha.re[0] !== 0 || alpha.im[1] !== 0) throw new Error("no ℓ = 0, real m = 0");
 * ```
 */
export function anomalyCoefficients(
  variable: string,
  seed: number,
  lmax: number = DEFAULT_LMAX,
): { alpha: Alm; beta: Alm } {
  const v = era5Variable(variable);
  const rng = new Rng(seed, v.stream);
  let norm = 0;
  for (let l = 1; l <= DEFAULT_LMAX; l++) {
    norm += ((2 * l + 1) * Math.pow(l, -v.slope)) / (4 * Math.PI);
  }
  const c = norm > 0 ? (v.anomalyStd * v.anomalyStd) / norm : 0;
  const alpha = zeroAlm(lmax), beta = zeroAlm(lmax);
  for (let l = 1; l <= lmax; l++) {
    const sd = Math.sqrt(c * Math.pow(l, -v.slope));
    for (let m = 0; m <= l; m++) {
      const k = lmIndex(l, m);
      // Complex Gaussian of variance C_ℓ: E|a|² = C_ℓ (real for m = 0).
      const h = m === 0 ? sd : sd / Math.SQRT2;
      alpha.re[k] = h * rng.normal();
      beta.re[k] = h * rng.normal();
      if (m > 0) {
        alpha.im[k] = h * rng.normal();
        beta.im[k] = h * rng.normal();
      }
    }
  }
  return { alpha, beta };
}

/**
 * The anomaly coefficients at `hour`: a_ℓm = α_ℓm cos ω_ℓ t + β_ℓm sin ω_ℓ t with
 * ω_ℓ = 2πℓ / (30 days).
 *
 * @example
 * ```ts
 * import { anomalyAt, anomalyCoefficients } from "./fields.ts";
 * const ab = anomalyCoefficients("2m_temperature", 3, 4);
 * if (anomalyAt(ab, 0).re[5] !== ab.alpha.re[5]) throw new Error("t = 0 gives α");
 * ```
 */
export function anomalyAt(ab: { alpha: Alm; beta: Alm }, hour: number): Alm {
  const { alpha, beta } = ab, out = zeroAlm(alpha.lmax);
  for (let l = 1; l <= alpha.lmax; l++) {
    const w = (2 * Math.PI * l * hour) / (24 * ANOMALY_PERIOD_DAYS);
    const cw = Math.cos(w), sw = Math.sin(w);
    for (let m = 0; m <= l; m++) {
      const k = lmIndex(l, m);
      out.re[k] = alpha.re[k] * cw + beta.re[k] * sw;
      out.im[k] = alpha.im[k] * cw + beta.im[k] * sw;
    }
  }
  return out;
}

/**
 * Synthetic fields `[T, C, 12·nside²]` (nested, float32): climatology plus anomaly (module
 * doc), deterministic for (seed, variables, hours, lmax) on every machine up to the last bits
 * of `Math.cos`. `lmax` (default {@link DEFAULT_LMAX}) is the anomaly band limit.
 *
 * @example
 * ```ts
 * import { syntheticFields } from "./fields.ts";
 * const o = { nside: 2, variables: ["geopotential_500"], hours: [12], seed: 7 };
 * const a = syntheticFields(o), b = syntheticFields(o);
 * if (!a.every((v, i) => v === b[i])) throw new Error("deterministic");
 * ```
 */
export function syntheticFields(
  o: FieldOptions & { readonly seed: number; readonly lmax?: number },
): Float32Array {
  orderOf(o.nside);
  const lmax = o.lmax ?? DEFAULT_LMAX;
  const n = npix(o.nside), C = o.variables.length, T = o.hours.length;
  const { theta } = pixelCentresNest(o.nside);
  const out = new Float32Array(T * C * n);
  o.variables.forEach((name, c) => {
    const v = era5Variable(name);
    const ab = anomalyCoefficients(name, o.seed, lmax);
    for (let t = 0; t < T; t++) {
      const a = synthesizeHealpix(anomalyAt(ab, o.hours[t]), o.nside);
      const base = (t * C + c) * n;
      for (let p = 0; p < n; p++) {
        out[base + p] = climatologyValue(v, Math.PI / 2 - theta[p], o.hours[t]) + a[p];
      }
    }
  });
  return out;
}

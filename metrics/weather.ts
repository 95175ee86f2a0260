/**
 * WeatherBench 2 scores of one field at one step (SPEC §4; Rasp et al. 2024), on an equiangular
 * latitude-longitude grid or on HEALPix. One kernel, {@link weightedMean}, behind thin wrappers:
 *
 * - cell weights: lat-lon `w_i ∝ sin φ_{i+½} − sin φ_{i−½}` (the area of latitude band i, cell
 *   bounds at the midpoints between latitudes and at ±90° beyond the first and last row),
 *   normalised to mean 1 over the grid points; HEALPix: all pixels have area 4π/npix, so w = 1;
 * - `weightedMse(p, y, g) = Σ w (p − y)² / Σ w`;
 * - `acc(p, y, c, g) = Σ w p′y′ / √(Σ w p′² · Σ w y′²)` with p′ = p − c, y′ = y − c
 *   (uncentred, as WeatherBench 2);
 * - `psnr(p, y, g) = 10 log₁₀(R² / weightedMse)` with R = max y − min y, the range of the
 *   reference field;
 * - over time (combinators on per-step MSE values): the headline
 *   `rmseSqrtAfterTimeMean = √(mean_t MSE_t)` (WeatherBench 2 `RMSE`) and
 *   `rmseSqrtBeforeTimeMean = mean_t √MSE_t` (`RMSESqrtBeforeTimeAvg`).
 *
 * Lat-lon fields are row-major `[lat][lon]` (`index = i·nlon + j`); HEALPix fields have one
 * value per pixel in either ordering. Sums are float64; NaN and ±∞ propagate (never dropped).
 *
 * @example
 * ```ts
 * import { latLonGrid, weightedMse } from "./weather.ts";
 * const g = latLonGrid([-90, 0, 90], 2); // 3 latitudes × 2 longitudes
 * const y = new Float64Array(6), p = new Float64Array(6).fill(2);
 * if (weightedMse(p, y, g) !== 4) throw new Error("constant error 2 → mse 4");
 * ```
 * @module
 */
import { checkNonEmpty, checkPair } from "./_check.ts";

/** An equiangular latitude-longitude grid: latitudes in degrees (strictly monotone), nlon. */
export interface LatLonGrid {
  readonly kind: "latlon";
  /** Latitudes in degrees, strictly increasing or strictly decreasing, within [−90, 90]. */
  readonly lat: Float64Array;
  readonly nlon: number;
  /** Per-latitude weights normalised to mean 1 (length nlat). */
  readonly latWeights: Float64Array;
}

/** A HEALPix grid of `12·nside²` equal-area pixels. */
export interface HealpixGrid {
  readonly kind: "healpix";
  readonly nside: number;
}

/** Grids the weather metrics accept. */
export type WeatherGrid = LatLonGrid | HealpixGrid;

/**
 * Unnormalised WeatherBench 2 cell areas of latitude rows: `sin b_{i+1} − sin b_i` with bounds
 * b = (−90°, midpoints between consecutive latitudes, +90°) taken in increasing order. They sum
 * to 2 = ∫ cos φ dφ over [−π/2, π/2]. Throws `RangeError` unless the latitudes are finite, within
 * [−90, 90] and strictly monotone.
 *
 * @example
 * ```ts
 * import { latitudeCellAreas } from "./weather.ts";
 * const a = latitudeCellAreas([-90, 0, 90]); // bounds −90, −45, 45, 90
 * if (Math.abs(a[1] - Math.SQRT2) > 1e-15 || Math.abs(a[0] + a[1] + a[2] - 2) > 1e-15) {
 *   throw new Error("areas");
 * }
 * ```
 */
export function latitudeCellAreas(latDeg: ArrayLike<number>): Float64Array {
  const n = checkNonEmpty("compute latitude weights", latDeg);
  for (let i = 0; i < n; i++) {
    if (!(latDeg[i] >= -90 && latDeg[i] <= 90)) {
      throw new RangeError(
        `Cannot compute latitude weights: expected latitudes in [-90, 90] degrees, found ` +
          `${latDeg[i]} at index ${i}`,
      );
    }
  }
  const increasing = n === 1 || latDeg[1] > latDeg[0];
  for (let i = 1; i < n; i++) {
    if (increasing ? !(latDeg[i] > latDeg[i - 1]) : !(latDeg[i] < latDeg[i - 1])) {
      throw new RangeError(
        `Cannot compute latitude weights: expected strictly monotone latitudes, found ` +
          `${latDeg[i - 1]} then ${latDeg[i]} at index ${i}`,
      );
    }
  }
  const rad = Math.PI / 180;
  const out = new Float64Array(n);
  // k runs over rows in increasing latitude; row index i = increasing ? k : n − 1 − k
  let lowerSin = -1;
  for (let k = 0; k < n; k++) {
    const i = increasing ? k : n - 1 - k;
    const next = increasing ? k + 1 : n - 2 - k;
    const upperSin = k === n - 1 ? 1 : Math.sin(0.5 * (latDeg[i] + latDeg[next]) * rad);
    out[i] = upperSin - lowerSin;
    lowerSin = upperSin;
  }
  return out;
}

/**
 * An equiangular lat-lon grid with WeatherBench 2 latitude weights (cell areas normalised to
 * mean 1 over rows, hence over grid points, since every row has nlon points).
 *
 * @example
 * ```ts
 * import { latLonGrid } from "./weather.ts";
 * const g = latLonGrid([-90, -45, 0, 45, 90], 8);
 * const mean = g.latWeights.reduce((s, w) => s + w, 0) / 5;
 * if (Math.abs(mean - 1) > 1e-15 || g.latWeights[2] <= g.latWeights[0]) throw new Error();
 * ```
 */
export function latLonGrid(latDeg: ArrayLike<number>, nlon: number): LatLonGrid {
  if (!Number.isInteger(nlon) || nlon < 1) {
    throw new RangeError(
      `Cannot build a lat-lon grid: expected a positive integer nlon, found ${nlon}`,
    );
  }
  const areas = latitudeCellAreas(latDeg);
  const mean = areas.reduce((s, a) => s + a, 0) / areas.length;
  return {
    kind: "latlon",
    lat: Float64Array.from(latDeg),
    nlon,
    latWeights: areas.map((a) => a / mean),
  };
}

/**
 * Equiangular latitudes with both poles, `−90 + 180·i/(nlat − 1)`, i = 0 … nlat − 1 (the
 * WeatherBench 2 layout, e.g. 121 rows at 1.5°, 721 at 0.25°).
 *
 * @example
 * ```ts
 * import { equiangularLatitudes } from "./weather.ts";
 * const lat = equiangularLatitudes(121);
 * if (lat[0] !== -90 || lat[60] !== 0 || lat[120] !== 90) throw new Error("lat");
 * ```
 */
export function equiangularLatitudes(nlat: number): Float64Array {
  if (!Number.isInteger(nlat) || nlat < 2) {
    throw new RangeError(
      `Cannot build equiangular latitudes: expected an integer nlat ≥ 2, found ${nlat}`,
    );
  }
  const out = new Float64Array(nlat);
  for (let i = 0; i < nlat; i++) out[i] = -90 + (180 * i) / (nlat - 1);
  return out;
}

/**
 * A HEALPix grid (uniform weights). Throws `RangeError` unless nside is a power of two ≥ 1.
 *
 * @example
 * ```ts
 * import { healpixGrid, gridSize } from "./weather.ts";
 * if (gridSize(healpixGrid(32)) !== 12288) throw new Error("npix");
 * ```
 */
export function healpixGrid(nside: number): HealpixGrid {
  if (!Number.isInteger(nside) || nside < 1 || (nside & (nside - 1)) !== 0 || nside > 8192) {
    throw new RangeError(
      `Cannot build a HEALPix grid: expected nside = 2^L with 0 ≤ L ≤ 13, found ${nside}`,
    );
  }
  return { kind: "healpix", nside };
}

/**
 * Number of grid points: `nlat·nlon` or `12·nside²`.
 *
 * @example
 * ```ts
 * import { gridSize, latLonGrid } from "./weather.ts";
 * if (gridSize(latLonGrid([-90, 0, 90], 4)) !== 12) throw new Error("size");
 * ```
 */
export function gridSize(grid: WeatherGrid): number {
  return grid.kind === "latlon" ? grid.lat.length * grid.nlon : 12 * grid.nside * grid.nside;
}

/**
 * Per-point weights with mean 1: the row weight repeated over longitudes, or all ones.
 *
 * @example
 * ```ts
 * import { healpixGrid, pointWeights } from "./weather.ts";
 * if (!pointWeights(healpixGrid(1)).every((w) => w === 1)) throw new Error("uniform");
 * ```
 */
export function pointWeights(grid: WeatherGrid): Float64Array {
  const out = new Float64Array(gridSize(grid));
  if (grid.kind === "healpix") return out.fill(1);
  for (let i = 0; i < grid.lat.length; i++) {
    out.fill(grid.latWeights[i], i * grid.nlon, (i + 1) * grid.nlon);
  }
  return out;
}

function checkField(action: string, name: string, u: ArrayLike<number>, grid: WeatherGrid): void {
  const n = gridSize(grid);
  if (u.length !== n) {
    const shape = grid.kind === "latlon"
      ? `${grid.lat.length}×${grid.nlon} lat-lon`
      : `HEALPix nside ${grid.nside}`;
    throw new TypeError(
      `Cannot ${action}: expected ${name} with ${n} values (${shape}), found ${u.length}`,
    );
  }
}

/**
 * The kernel: area-weighted mean `Σ w f / Σ w` of `f(k)` over the grid points k, summed in
 * float64 row by row. Since the weights have mean 1, Σ w = number of points.
 *
 * @example
 * ```ts
 * import { latLonGrid, weightedMean } from "./weather.ts";
 * const g = latLonGrid([-90, 0, 90], 1); // areas 1 − sin 45°, 2 sin 45°, 1 − sin 45°
 * const m = weightedMean(g, (k) => (k === 1 ? 1 : 0));
 * if (Math.abs(m - Math.SQRT1_2) > 1e-15) throw new Error("mean");
 * ```
 */
export function weightedMean(grid: WeatherGrid, f: (k: number) => number): number {
  if (grid.kind === "healpix") {
    const n = gridSize(grid);
    let s = 0;
    for (let k = 0; k < n; k++) s += f(k);
    return s / n;
  }
  const { lat, nlon, latWeights } = grid;
  let s = 0, sw = 0;
  for (let i = 0; i < lat.length; i++) {
    let row = 0;
    for (let j = 0, k = i * nlon; j < nlon; j++, k++) row += f(k);
    s += latWeights[i] * row;
    sw += latWeights[i] * nlon;
  }
  return s / sw;
}

/**
 * Area-weighted mean squared error `Σ w (p − y)² / Σ w` (WeatherBench 2 MSE of one field at one
 * time). Throws `TypeError` when a field does not match the grid.
 *
 * @example
 * ```ts
 * import { healpixGrid, weightedMse } from "./weather.ts";
 * const y = new Float64Array(12), p = y.map((_, k) => (k === 0 ? 12 : 0));
 * if (weightedMse(p, y, healpixGrid(1)) !== 12) throw new Error("mse"); // 144 / 12
 * ```
 */
export function weightedMse(
  pred: ArrayLike<number>,
  ref: ArrayLike<number>,
  grid: WeatherGrid,
): number {
  checkPair("compute a weighted mse", pred, ref);
  checkField("compute a weighted mse", "pred", pred, grid);
  // weightedMean(grid, (k) => (pred[k] − ref[k])²), inlined: the same sums in the same order.
  if (grid.kind === "healpix") {
    const n = pred.length;
    let s = 0;
    for (let k = 0; k < n; k++) s += (pred[k] - ref[k]) ** 2;
    return s / n;
  }
  const { lat, nlon, latWeights } = grid;
  let s = 0, sw = 0;
  for (let i = 0; i < lat.length; i++) {
    let row = 0;
    for (let j = 0, k = i * nlon; j < nlon; j++, k++) row += (pred[k] - ref[k]) ** 2;
    s += latWeights[i] * row;
    sw += latWeights[i] * nlon;
  }
  return s / sw;
}

/**
 * Area-weighted RMSE of one field at one time, `√weightedMse`.
 *
 * @example
 * ```ts
 * import { healpixGrid, weightedRmse } from "./weather.ts";
 * if (weightedRmse(new Float64Array(12).fill(3), new Float64Array(12), healpixGrid(1)) !== 3) {
 *   throw new Error("rmse");
 * }
 * ```
 */
export function weightedRmse(
  pred: ArrayLike<number>,
  ref: ArrayLike<number>,
  grid: WeatherGrid,
): number {
  return Math.sqrt(weightedMse(pred, ref, grid));
}

function checkSeries(action: string, mseByTime: ArrayLike<number>): number {
  const n = checkNonEmpty(action, mseByTime);
  for (let t = 0; t < n; t++) {
    if (mseByTime[t] < 0) {
      throw new RangeError(
        `Cannot ${action}: expected non-negative mse values, found ${mseByTime[t]} at time ${t}`,
      );
    }
  }
  return n;
}

/**
 * Headline RMSE over times (or ICs) from per-time MSE values: `√(mean_t MSE_t)`, the square root
 * taken after the time mean (WeatherBench 2 `RMSE`). NaN in any MSE gives NaN.
 *
 * @example
 * ```ts
 * import { rmseSqrtAfterTimeMean } from "./weather.ts";
 * if (rmseSqrtAfterTimeMean([1, 9, 5]) !== Math.sqrt(5)) throw new Error("rmse");
 * ```
 */
export function rmseSqrtAfterTimeMean(mseByTime: ArrayLike<number>): number {
  const n = checkSeries("compute an rmse over time", mseByTime);
  let s = 0;
  for (let t = 0; t < n; t++) s += mseByTime[t];
  return Math.sqrt(s / n);
}

/**
 * `mean_t √MSE_t`, the square root taken before the time mean (WeatherBench 2
 * `RMSESqrtBeforeTimeAvg`); never larger than {@link rmseSqrtAfterTimeMean} (Jensen).
 *
 * @example
 * ```ts
 * import { rmseSqrtBeforeTimeMean } from "./weather.ts";
 * if (rmseSqrtBeforeTimeMean([1, 9]) !== 2) throw new Error("rmse");
 * ```
 */
export function rmseSqrtBeforeTimeMean(mseByTime: ArrayLike<number>): number {
  const n = checkSeries("compute an rmse over time", mseByTime);
  let s = 0;
  for (let t = 0; t < n; t++) s += Math.sqrt(mseByTime[t]);
  return s / n;
}

/**
 * Anomaly correlation coefficient `Σ w p′y′ / √(Σ w p′² · Σ w y′²)` with anomalies against the
 * climatology, p′ = p − c and y′ = y − c (uncentred: the spatial mean of the anomalies is not
 * removed). In [−1, 1]; NaN when either anomaly is identically zero (e.g. the climatology
 * forecast), where the correlation is undefined.
 *
 * @example
 * ```ts
 * import { acc, healpixGrid } from "./weather.ts";
 * const g = healpixGrid(1), c = new Float64Array(12);
 * const y = c.map((_, k) => Math.sin(k)), p = y.map((v) => 3 * v);
 * if (Math.abs(acc(p, y, c, g) - 1) > 1e-15) throw new Error("acc");
 * ```
 */
export function acc(
  pred: ArrayLike<number>,
  ref: ArrayLike<number>,
  clim: ArrayLike<number>,
  grid: WeatherGrid,
): number {
  checkPair("compute an acc", pred, ref);
  checkPair("compute an acc", pred, clim);
  checkField("compute an acc", "pred", pred, grid);
  // The three weighted means Σ w p′y′, Σ w p′², Σ w y′² (each as weightedMean sums it, same
  // order, same bits) in one pass.
  let py = 0, pp = 0, yy = 0;
  if (grid.kind === "healpix") {
    const n = pred.length;
    for (let k = 0; k < n; k++) {
      const a = pred[k] - clim[k], b = ref[k] - clim[k];
      py += a * b;
      pp += a ** 2;
      yy += b ** 2;
    }
    py /= n;
    pp /= n;
    yy /= n;
  } else {
    const { lat, nlon, latWeights } = grid;
    let sw = 0;
    for (let i = 0; i < lat.length; i++) {
      let rpy = 0, rpp = 0, ryy = 0;
      for (let j = 0, k = i * nlon; j < nlon; j++, k++) {
        const a = pred[k] - clim[k], b = ref[k] - clim[k];
        rpy += a * b;
        rpp += a ** 2;
        ryy += b ** 2;
      }
      const w = latWeights[i];
      py += w * rpy;
      pp += w * rpp;
      yy += w * ryy;
      sw += w * nlon;
    }
    py /= sw;
    pp /= sw;
    yy /= sw;
  }
  return py / Math.sqrt(pp * yy);
}

/**
 * Peak signal-to-noise ratio in dB, `10 log₁₀(R² / weightedMse(p, y))`, with R = max y − min y
 * the range of the reference field at this step. +∞ when p = y ≠ constant; −∞ when y is
 * constant (R = 0) and p ≠ y; NaN when y is constant and p = y, or when any value is NaN.
 *
 * @example
 * ```ts
 * import { healpixGrid, psnr } from "./weather.ts";
 * const y = new Float64Array(12).map((_, k) => (k < 6 ? 0 : 10)); // R = 10
 * const p = y.map((v) => v + 1); // mse 1
 * if (Math.abs(psnr(p, y, healpixGrid(1)) - 20) > 1e-12) throw new Error("psnr");
 * ```
 */
export function psnr(pred: ArrayLike<number>, ref: ArrayLike<number>, grid: WeatherGrid): number {
  const mse = weightedMse(pred, ref, grid);
  let lo = Infinity, hi = -Infinity;
  for (let k = 0; k < ref.length; k++) {
    const v = ref[k];
    if (v !== v) return NaN;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const range = hi - lo;
  return 10 * Math.log10((range * range) / mse);
}

/** A WeatherBench 2 latitude band, bounds in degrees, both inclusive. */
export interface LatitudeRegion {
  /** Region tag of the rows, e.g. `"tropics"`. */
  readonly name: string;
  readonly latMin: number;
  readonly latMax: number;
}

/**
 * The WeatherBench 2 latitude regions scored besides the whole globe (`scripts/evaluate.py`
 * `predefined_regions`, `SliceRegion` with inclusive label slices on latitude): `tropics`
 * 20°S–20°N (`slice(-20, 20)`), `northern-extra-tropics` 20°N–90°N (WB2's
 * `"northern-hemisphere"`, `slice(20, None)`), `southern-extra-tropics` 90°S–20°S (WB2's
 * `"southern-hemisphere"`, `slice(None, -20)`). Rows at exactly ±20° belong to both bands, as
 * in WB2.
 *
 * @example
 * ```ts
 * import { WB2_REGIONS } from "./weather.ts";
 * const t = WB2_REGIONS.find((r) => r.name === "tropics")!;
 * if (t.latMin !== -20 || t.latMax !== 20 || WB2_REGIONS.length !== 3) throw new Error();
 * ```
 */
export const WB2_REGIONS: readonly LatitudeRegion[] = [
  { name: "tropics", latMin: -20, latMax: 20 },
  { name: "northern-extra-tropics", latMin: 20, latMax: 90 },
  { name: "southern-extra-tropics", latMin: -90, latMax: -20 },
];

/**
 * The rows of a lat-lon grid inside a latitude band: `from`/`to` (row range; the band is
 * contiguous since latitudes are monotone, so a field's part is the slice
 * `[from·nlon, to·nlon)`) and the sub-grid with the **whole grid's** row weights (WeatherBench 2
 * weights cells by their area on the full grid and normalises by the sum inside the region).
 * `null` when no row is inside.
 *
 * @example
 * ```ts
 * import { latLonGrid, latLonRows, weightedMean } from "./weather.ts";
 * const g = latLonGrid([-90, -45, 0, 45, 90], 2);
 * const band = latLonRows(g, -20, 90)!; // rows 0°, 45°, 90°
 * if (band.from !== 2 || band.to !== 5 || band.grid.latWeights[0] !== g.latWeights[2]) {
 *   throw new Error(JSON.stringify(band));
 * }
 * const m = weightedMean(band.grid, (k) => (k < 2 ? 1 : 0)); // the equator row's share
 * const w = g.latWeights;
 * if (Math.abs(m - w[2] / (w[2] + w[3] + w[4])) > 1e-15) throw new Error("weights");
 * ```
 */
export function latLonRows(
  grid: LatLonGrid,
  latMin: number,
  latMax: number,
): { from: number; to: number; grid: LatLonGrid } | null {
  const inside: number[] = [];
  grid.lat.forEach((v, i) => {
    if (v >= latMin && v <= latMax) inside.push(i);
  });
  if (inside.length === 0) return null;
  const from = inside[0], to = inside[inside.length - 1] + 1;
  return {
    from,
    to,
    grid: {
      kind: "latlon",
      lat: grid.lat.slice(from, to),
      nlon: grid.nlon,
      latWeights: grid.latWeights.slice(from, to),
    },
  };
}

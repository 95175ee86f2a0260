/**
 * Regridding between point sets on the unit sphere (lat-lon grids, HEALPix) by inverse-distance
 * weighting (IDW) of the k nearest source points, as used to remap ERA5 onto HEALPix:
 *
 *   f(x) = Σ_{j ∈ N_k(x)} w_j f(s_j),  w_j = d_j^(−q) / Σ_{l ∈ N_k(x)} d_l^(−q),
 *
 * with d the great-circle distance `2 asin(|x − s|/2)` between unit vectors, N_k(x) the k
 * nearest sources and q the power (defaults k = 4, q = 1, the convention of CDO's `remapdis`).
 * Weights are non-negative and sum to 1, so constants are reproduced to rounding; a destination
 * that coincides with sources (d < 1e-12 rad) takes their plain mean. IDW is first-order
 * accurate: the error of a smooth field is O(h·|∇f|) for source spacing h.
 *
 * The k nearest sources are found exactly with a uniform 3D bucket grid over the unit vectors
 * (chord distance is monotone in great-circle distance), so building weights costs about
 * O((nsrc + ndst)·k); the weights are then applied to any number of fields.
 *
 * Points are colatitude θ ∈ [0, π] and longitude φ in radians, as in `healpix.ts`; lat-lon
 * fields are row-major `[lat][lon]`, HEALPix fields in NESTED order.
 *
 * @example
 * ```ts
 * import { applyIdw, healpixToLatLon, latLonToHealpix } from "./regrid.ts";
 * const lat = [-90, -45, 0, 45, 90], nlon = 8;
 * const toHp = latLonToHealpix(lat, nlon, 2), back = healpixToLatLon(2, lat, nlon);
 * const f = applyIdw(back, applyIdw(toHp, new Float64Array(40).fill(5)));
 * if (f.some((v) => Math.abs(v - 5) > 1e-13)) throw new Error("constants survive");
 * ```
 * @module
 */
import { pixelCentresNest } from "./healpix.ts";

/** Points on the unit sphere: colatitude θ and longitude φ in radians, equal lengths. */
export interface SpherePoints {
  readonly theta: Float64Array;
  readonly phi: Float64Array;
}

/** Options of {@link idwWeights}. */
export interface IdwOptions {
  /** Number of nearest sources per destination (default 4). */
  k?: number;
  /** Power q of the inverse distance (default 1). */
  power?: number;
}

/**
 * Sparse remapping matrix: destination i takes `Σ_m weight[i·k + m] · src[index[i·k + m]]`.
 */
export interface IdwWeights {
  readonly k: number;
  readonly nsrc: number;
  readonly ndst: number;
  readonly index: Int32Array;
  readonly weight: Float64Array;
}

/** Coincidence threshold in radians (about 6 mm on Earth). */
const COINCIDENT = 1e-12;

/**
 * Row-major centres of a lat-lon grid: latitudes in degrees (any order), longitudes
 * `360·j / nlon` degrees, j = 0 … nlon − 1.
 *
 * @example
 * ```ts
 * import { latLonPoints } from "./regrid.ts";
 * const p = latLonPoints([90, 0], 4);
 * if (p.theta[0] !== 0 || p.theta[4] !== Math.PI / 2) throw new Error("colatitudes");
 * if (p.phi[5] !== Math.PI / 2) throw new Error("longitudes");
 * ```
 */
export function latLonPoints(latDeg: ArrayLike<number>, nlon: number): SpherePoints {
  if (!Number.isInteger(nlon) || nlon < 1) {
    throw new RangeError(
      `Cannot build lat-lon points: expected a positive integer nlon, found ${nlon}`,
    );
  }
  const nlat = latDeg.length;
  const theta = new Float64Array(nlat * nlon), phi = new Float64Array(nlat * nlon);
  for (let i = 0; i < nlat; i++) {
    const lat = latDeg[i];
    if (!(lat >= -90 && lat <= 90)) {
      throw new RangeError(
        `Cannot build lat-lon points: expected latitudes in [-90, 90], found ${lat} at index ${i}`,
      );
    }
    const t = ((90 - lat) * Math.PI) / 180;
    for (let j = 0; j < nlon; j++) {
      theta[i * nlon + j] = t;
      phi[i * nlon + j] = (2 * Math.PI * j) / nlon;
    }
  }
  return { theta, phi };
}

function unitVectors(p: SpherePoints, name: string): Float64Array {
  const n = p.theta.length;
  if (p.phi.length !== n) {
    throw new TypeError(
      `Cannot regrid: expected ${name} θ and φ of equal length, found ${n} and ${p.phi.length}`,
    );
  }
  const v = new Float64Array(3 * n);
  for (let i = 0; i < n; i++) {
    const t = p.theta[i], f = p.phi[i];
    if (!(t >= 0 && t <= Math.PI) || !Number.isFinite(f)) {
      throw new RangeError(
        `Cannot regrid: expected ${name} θ in [0, π] and finite φ, found θ = ${t}, φ = ${f} at ` +
          `index ${i}`,
      );
    }
    const s = t === Math.PI ? 0 : Math.sin(t); // sin π rounds to 1.2e-16: keep the pole a point
    v[3 * i] = s * Math.cos(f);
    v[3 * i + 1] = s * Math.sin(f);
    v[3 * i + 2] = Math.cos(t);
  }
  return v;
}

/**
 * Weights of k-nearest-neighbour inverse-distance interpolation from `src` to `dst` points.
 * Throws `RangeError` when k is not an integer in 1 … nsrc or the power is negative or not
 * finite, `TypeError`/`RangeError` for malformed points.
 *
 * @example
 * ```ts
 * import { idwWeights } from "./regrid.ts";
 * const src = { theta: new Float64Array([1, 1.2]), phi: new Float64Array([0, 0]) };
 * const dst = { theta: new Float64Array([1.05]), phi: new Float64Array([0]) };
 * const w = idwWeights(src, dst, { k: 2 }); // distances 0.05 and 0.15 → weights 3/4, 1/4
 * if (Math.abs(w.weight[0] - 0.75) > 1e-12 || w.index[0] !== 0) throw new Error("idw");
 * ```
 */
export function idwWeights(
  src: SpherePoints,
  dst: SpherePoints,
  options: IdwOptions = {},
): IdwWeights {
  const k = options.k ?? 4, power = options.power ?? 1;
  const s = unitVectors(src, "source"), d = unitVectors(dst, "destination");
  const nsrc = s.length / 3, ndst = d.length / 3;
  if (!Number.isInteger(k) || k < 1 || k > nsrc) {
    throw new RangeError(
      `Cannot build IDW weights: expected k to be an integer in 1 … ${nsrc} (the number of ` +
        `sources), found ${k}`,
    );
  }
  if (!(power >= 0 && Number.isFinite(power))) {
    throw new RangeError(
      `Cannot build IDW weights: expected a finite non-negative power, found ${power}`,
    );
  }
  // bucket grid over [−1, 1]³ with about k sources per occupied cell
  const h0 = Math.sqrt((4 * Math.PI * Math.max(k, 4)) / nsrc);
  const g = Math.max(1, Math.min(128, Math.ceil(2 / h0)));
  const h = 2 / g;
  const cellOf = (x: number) => Math.min(g - 1, Math.max(0, Math.floor((x + 1) / h)));
  const start = new Int32Array(g * g * g + 1);
  const cellIdx = new Int32Array(nsrc);
  for (let j = 0; j < nsrc; j++) {
    const c = (cellOf(s[3 * j]) * g + cellOf(s[3 * j + 1])) * g + cellOf(s[3 * j + 2]);
    cellIdx[j] = c;
    start[c + 1]++;
  }
  for (let c = 0; c < g * g * g; c++) start[c + 1] += start[c];
  const members = new Int32Array(nsrc), fill = start.slice(0, g * g * g);
  for (let j = 0; j < nsrc; j++) members[fill[cellIdx[j]]++] = j;

  const index = new Int32Array(ndst * k), weight = new Float64Array(ndst * k);
  const bestD2 = new Float64Array(k), bestJ = new Int32Array(k);
  for (let i = 0; i < ndst; i++) {
    const x = d[3 * i], y = d[3 * i + 1], z = d[3 * i + 2];
    let r = h, found = 0;
    for (;;) {
      found = 0;
      const r2 = r * r;
      const x0 = cellOf(x - r), x1 = cellOf(x + r);
      const y0 = cellOf(y - r), y1 = cellOf(y + r);
      const z0 = cellOf(z - r), z1 = cellOf(z + r);
      for (let cx = x0; cx <= x1; cx++) {
        for (let cy = y0; cy <= y1; cy++) {
          const base = (cx * g + cy) * g;
          for (let c = base + z0; c <= base + z1; c++) {
            for (let m = start[c]; m < start[c + 1]; m++) {
              const j = members[m];
              const dx = s[3 * j] - x, dy = s[3 * j + 1] - y, dz = s[3 * j + 2] - z;
              const d2 = dx * dx + dy * dy + dz * dz;
              if (d2 > r2 || (found === k && d2 >= bestD2[k - 1])) continue;
              // insertion into the sorted top-k (ties keep the earlier-found source first)
              let pos = found < k ? found++ : k - 1;
              while (pos > 0 && bestD2[pos - 1] > d2) {
                bestD2[pos] = bestD2[pos - 1];
                bestJ[pos] = bestJ[pos - 1];
                pos--;
              }
              bestD2[pos] = d2;
              bestJ[pos] = j;
            }
          }
        }
      }
      if (found === k || r > 2) break;
      r *= 2;
    }
    // great-circle distances; coincident sources share the weight equally
    let coincident = 0;
    for (let m = 0; m < k; m++) {
      const dist = 2 * Math.asin(Math.min(1, Math.sqrt(bestD2[m]) / 2));
      bestD2[m] = dist;
      if (dist < COINCIDENT) coincident++;
    }
    let sum = 0;
    for (let m = 0; m < k; m++) {
      const w = coincident > 0 ? (bestD2[m] < COINCIDENT ? 1 : 0) : bestD2[m] ** -power;
      weight[i * k + m] = w;
      index[i * k + m] = bestJ[m];
      sum += w;
    }
    for (let m = 0; m < k; m++) weight[i * k + m] /= sum;
  }
  return { k, nsrc, ndst, index, weight };
}

/**
 * Applies remapping weights to one source field; returns the destination field (float64).
 * Throws `TypeError` when the field length differs from the number of sources.
 *
 * @example
 * ```ts
 * import { applyIdw } from "./regrid.ts";
 * const index = new Int32Array([0, 1]), weight = new Float64Array([0.75, 0.25]);
 * const w = { k: 2, nsrc: 2, ndst: 1, index, weight };
 * if (applyIdw(w, [4, 8])[0] !== 5) throw new Error("apply");
 * ```
 */
export function applyIdw(w: IdwWeights, field: ArrayLike<number>): Float64Array {
  if (field.length !== w.nsrc) {
    throw new TypeError(
      `Cannot regrid a field: expected ${w.nsrc} source values, found ${field.length}`,
    );
  }
  const out = new Float64Array(w.ndst);
  for (let i = 0, o = 0; i < w.ndst; i++) {
    let v = 0;
    for (let m = 0; m < w.k; m++, o++) v += w.weight[o] * field[w.index[o]];
    out[i] = v;
  }
  return out;
}

/**
 * IDW weights from a row-major lat-lon grid to NESTED HEALPix pixel centres.
 *
 * @example
 * ```ts
 * import { latLonToHealpix } from "./regrid.ts";
 * const w = latLonToHealpix([-90, 0, 90], 4, 1);
 * if (w.nsrc !== 12 || w.ndst !== 12) throw new Error("sizes");
 * ```
 */
export function latLonToHealpix(
  latDeg: ArrayLike<number>,
  nlon: number,
  nside: number,
  options: IdwOptions = {},
): IdwWeights {
  return idwWeights(latLonPoints(latDeg, nlon), pixelCentresNest(nside), options);
}

/**
 * IDW weights from NESTED HEALPix pixel centres to a row-major lat-lon grid.
 *
 * @example
 * ```ts
 * import { healpixToLatLon } from "./regrid.ts";
 * const w = healpixToLatLon(1, [-90, 0, 90], 4);
 * if (w.nsrc !== 12 || w.ndst !== 12) throw new Error("sizes");
 * ```
 */
export function healpixToLatLon(
  nside: number,
  latDeg: ArrayLike<number>,
  nlon: number,
  options: IdwOptions = {},
): IdwWeights {
  return idwWeights(pixelCentresNest(nside), latLonPoints(latDeg, nlon), options);
}

/**
 * Maps of fields on the sphere for reports: the Mollweide (equal-area) projection as a d3-geo
 * raw projection, and HEALPix fields resampled onto a Mollweide raster at report time.
 *
 * Mollweide, longitude λ and latitude φ in radians, auxiliary angle θ:
 * `2θ + sin 2θ = π sin φ` (solved by Newton's method), `x = (2√2/π) λ cos θ`, `y = √2 sin θ`;
 * the whole sphere fills the ellipse `x²/8 + y²/2 ≤ 1` (area 4π = the sphere's: equal-area).
 * Inverse: `θ = asin(y/√2)`, `φ = asin((2θ + sin 2θ)/π)`, `λ = π x / (2√2 cos θ)`.
 * d3 7.9.0 ships no Mollweide (it lives in d3-geo-projection), hence {@link mollweideRaw}
 * wrapped by `d3.geoProjection` in {@link geoMollweide}.
 *
 * A raster of `columns × rows` cells (columns = 2·rows, the ellipse's aspect) covers the
 * ellipse's bounding box; each cell centre inside the ellipse is inverted to (λ, φ) and takes
 * the value of the nested HEALPix pixel containing it (`ang2pixNest`), cells outside are
 * missing and drawn transparent. Graticule (30°) and outline are SVG paths from `d3.geoPath` in
 * the raster's pixel coordinates, drawn over the image by the client.
 *
 * @example
 * ```ts
 * import { mollweideRaw } from "./sphere.ts";
 * const [x, y] = mollweideRaw(Math.PI, 0); // right end of the equator
 * if (Math.abs(x - 2 * Math.SQRT2) > 1e-12 || y !== 0) throw new Error("edge");
 * ```
 * @module
 */
import * as d3 from "d3";
import { ang2pixNest } from "../suites/era5/healpix.ts";
import type { Result, Snapshot } from "../harness/results/schema.ts";

/**
 * Mollweide's auxiliary angle θ for latitude φ: the root of `2θ + sin 2θ = π sin φ`, by
 * Newton's method on t = 2θ (`t + sin t = π sin φ`, derivative 1 + cos t) with a cubic start
 * `π − t ≈ (6π(1 − |sin φ|))^{1/3}` near the poles, where the derivative vanishes; |θ| ≤ π/2.
 *
 * @example
 * ```ts
 * import { mollweideTheta } from "./sphere.ts";
 * if (mollweideTheta(Math.PI / 2) !== Math.PI / 2 || mollweideTheta(0) !== 0) throw new Error();
 * ```
 */
export function mollweideTheta(phi: number): number {
  const s = Math.sin(phi), a = Math.abs(s), target = Math.PI * a;
  if (a >= 1) return Math.sign(s) * Math.PI / 2;
  // Start: t ≈ target/2 near the equator (t + sin t ≈ 2t); cubic expansion near the pole.
  let t = a > 0.9 ? Math.PI - Math.cbrt(6 * Math.PI * (1 - a)) : target / 2;
  for (let i = 0; i < 60; i++) {
    const f = t + Math.sin(t) - target, d = 1 + Math.cos(t);
    if (d < 1e-300) break;
    const step = f / d;
    t = Math.min(Math.PI, Math.max(0, t - step));
    if (Math.abs(step) < 1e-15) break;
  }
  return Math.sign(s) * t / 2;
}

/** A d3 raw projection: radians in, unit-sphere plane coordinates out, with an inverse. */
export interface RawProjection {
  (lambda: number, phi: number): [number, number];
  invert(x: number, y: number): [number, number];
}

/**
 * The Mollweide raw projection (unit sphere): `[λ, φ] → [(2√2/π) λ cos θ, √2 sin θ]`, and its
 * closed-form inverse (NaN outside the ellipse).
 *
 * @example
 * ```ts
 * import { mollweideRaw } from "./sphere.ts";
 * const [x, y] = mollweideRaw(0.7, -0.4);
 * const [l, p] = mollweideRaw.invert(x, y);
 * if (Math.abs(l - 0.7) > 1e-12 || Math.abs(p + 0.4) > 1e-12) throw new Error("round trip");
 * ```
 */
export const mollweideRaw: RawProjection = Object.assign(
  (lambda: number, phi: number): [number, number] => {
    const theta = mollweideTheta(phi);
    return [(2 * Math.SQRT2 / Math.PI) * lambda * Math.cos(theta), Math.SQRT2 * Math.sin(theta)];
  },
  {
    invert: (x: number, y: number): [number, number] => {
      const theta = Math.asin(y / Math.SQRT2);
      const phi = Math.asin((2 * theta + Math.sin(2 * theta)) / Math.PI);
      const c = Math.cos(theta);
      return [c > 0 ? (Math.PI * x) / (2 * Math.SQRT2 * c) : 0, phi];
    },
  },
);

/** A d3 `GeoProjection` (untyped: npm:d3 ships no declarations). */
// deno-lint-ignore no-explicit-any
export type GeoProjection = any;

/**
 * `d3.geoProjection(mollweideRaw)` scaled so the ellipse exactly fills `width × width/2` pixels
 * (scale `width / (4√2)`, centred, λ = 0 in the middle, north up).
 *
 * @example
 * ```ts
 * import { geoMollweide } from "./sphere.ts";
 * const [x, y] = geoMollweide(200)([0, 90]); // north pole: top centre
 * if (Math.abs(x - 100) > 1e-9 || Math.abs(y) > 1e-9) throw new Error(`${x} ${y}`);
 * ```
 */
export function geoMollweide(width: number): GeoProjection {
  return d3.geoProjection(mollweideRaw)
    .scale(width / (4 * Math.SQRT2))
    .translate([width / 2, width / 4])
    .precision(0.1);
}

/** A Mollweide raster: nested HEALPix pixel of every cell (−1 outside the ellipse). */
export interface SphereRaster {
  columns: number;
  rows: number;
  nside: number;
  /** Pixel index per cell, row-major from the top row; −1 outside the map. */
  pixel: Int32Array;
}

const rasterCache = new Map<string, SphereRaster>();

/**
 * Which nested HEALPix pixel each cell of a `columns × columns/2` Mollweide raster shows: the
 * cell centre is inverted with {@link geoMollweide} and located with `ang2pixNest`; −1 for cells
 * whose centre is outside the ellipse. Cached per (nside, columns).
 *
 * @example
 * ```ts
 * import { sphereRaster } from "./sphere.ts";
 * const r = sphereRaster(2, 8); // 8 × 4 cells
 * if (r.pixel.length !== 32 || r.pixel[0] !== -1 || r.pixel[1 * 8 + 4] < 0) throw new Error();
 * ```
 */
export function sphereRaster(nside: number, columns: number): SphereRaster {
  if (!Number.isInteger(columns) || columns < 2 || columns % 2 !== 0) {
    throw new RangeError(
      `Cannot build a sphere raster: expected an even column count, found ${columns}`,
    );
  }
  const key = `${nside}:${columns}`;
  const hit = rasterCache.get(key);
  if (hit) return hit;
  const rows = columns / 2, proj = geoMollweide(columns);
  const pixel = new Int32Array(columns * rows).fill(-1);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < columns; c++) {
      const u = (2 * (c + 0.5)) / columns - 1, v = (2 * (r + 0.5)) / rows - 1;
      if (u * u + v * v > 1) continue;
      const [lon, lat] = proj.invert([c + 0.5, r + 0.5]);
      const theta = Math.min(Math.PI, Math.max(0, ((90 - lat) * Math.PI) / 180));
      pixel[r * columns + c] = ang2pixNest(nside, theta, (lon * Math.PI) / 180);
    }
  }
  const out = { columns, rows, nside, pixel };
  rasterCache.set(key, out);
  return out;
}

/**
 * Sample a nested HEALPix field on a raster: `out[cell] = field[pixel[cell]]`, null outside the
 * map and where the value is null or not finite.
 *
 * @example
 * ```ts
 * import { rasterValues, sphereRaster } from "./sphere.ts";
 * const v = rasterValues(sphereRaster(1, 8), Array.from({ length: 12 }, (_, p) => p));
 * if (v[0] !== null || v.filter((x) => x !== null).length === 0) throw new Error();
 * ```
 */
export function rasterValues(
  raster: SphereRaster,
  field: ArrayLike<number | null>,
): (number | null)[] {
  const n = 12 * raster.nside * raster.nside;
  if (field.length !== n) {
    throw new TypeError(
      `Cannot map a field: expected ${n} values (HEALPix nside ${raster.nside}), found ${field.length}`,
    );
  }
  return Array.from(raster.pixel, (p) => {
    if (p < 0) return null;
    const v = field[p];
    return v === null || !Number.isFinite(v) ? null : v;
  });
}

/**
 * Outline (the sphere's edge) and 30° graticule of a `columns`-wide map as SVG path data in
 * raster cells, from `d3.geoPath` over {@link geoMollweide}.
 *
 * @example
 * ```ts
 * import { mapPaths } from "./sphere.ts";
 * const { outline, graticule } = mapPaths(256);
 * if (!outline.startsWith("M") || !graticule.startsWith("M")) throw new Error("paths");
 * ```
 */
export function mapPaths(columns: number): { outline: string; graticule: string } {
  // Resampling to 0.3 cell and 10° graticule segments keep the paths a few kB.
  const path = d3.geoPath(geoMollweide(columns).precision(0.3));
  const round = (d: string | null) => (d ?? "").replace(/\d+\.\d+/g, (m) => (+m).toFixed(1));
  return {
    outline: round(path({ type: "Sphere" })),
    graticule: round(path(d3.geoGraticule().step([30, 30]).precision(10)())),
  };
}

/**
 * nside of a snapshot that holds a nested HEALPix field: its `healpix` tag, or, for results
 * written before the tag existed, an `era5` result whose snapshot has 12·4^L values. Else null.
 *
 * @example
 * ```ts
 * import { snapshotNside } from "./sphere.ts";
 * const r = { suite: { id: "era5" } } as never;
 * if (snapshotNside(r, { ref: new Array(768) } as never) !== 8) throw new Error("nside 8");
 * ```
 */
export function snapshotNside(
  result: Pick<Result, "suite">,
  snap: Pick<Snapshot, "ref" | "healpix" | "shape">,
): number | null {
  if (snap.healpix) return snap.healpix.nside;
  if (snap.shape !== undefined || result.suite.id !== "era5") return null;
  const nside = Math.round(Math.sqrt(snap.ref.length / 12));
  return nside >= 1 && 12 * nside * nside === snap.ref.length && (nside & (nside - 1)) === 0
    ? nside
    : null;
}

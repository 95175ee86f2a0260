import {
  geoMollweide,
  mapPaths,
  mollweideRaw,
  mollweideTheta,
  rasterValues,
  snapshotNside,
  sphereRaster,
} from "./sphere.ts";
import { ang2pixNest, pix2angNest } from "../suites/era5/healpix.ts";

const close = (a: number, b: number, tol: number, what: string) => {
  if (!(Math.abs(a - b) <= tol)) throw new Error(`${what}: ${a} vs ${b} (tol ${tol})`);
};

Deno.test("mollweideTheta solves 2θ + sin 2θ = π sin φ, also next to the poles", () => {
  for (let i = -1000; i <= 1000; i++) {
    const phi = (i / 1000) * (Math.PI / 2) * (1 - 1e-12 * (i % 7));
    const t = mollweideTheta(phi);
    close(2 * t + Math.sin(2 * t), Math.PI * Math.sin(phi), 4e-15 * Math.PI, `φ = ${phi}`);
    if (Math.abs(t) > Math.PI / 2) throw new Error(`|θ| > π/2 at φ = ${phi}`);
  }
  // Independent check by bisection at a few latitudes.
  for (const phi of [0.1, 0.5, 1.0, 1.4, 1.5, 1.57]) {
    let lo = 0, hi = Math.PI / 2;
    for (let k = 0; k < 200; k++) {
      const mid = (lo + hi) / 2;
      if (2 * mid + Math.sin(2 * mid) < Math.PI * Math.sin(phi)) lo = mid;
      else hi = mid;
    }
    close(mollweideTheta(phi), lo, 1e-7, `bisection φ = ${phi}`);
  }
});

Deno.test("Mollweide raw: equator, poles and the edges of the ellipse", () => {
  const eq = mollweideRaw(0, 0);
  close(eq[0], 0, 0, "x(0,0)");
  close(eq[1], 0, 0, "y(0,0)");
  for (const lambda of [-Math.PI, -1, 0, 2, Math.PI]) {
    const [xn, yn] = mollweideRaw(lambda, Math.PI / 2),
      [xs, ys] = mollweideRaw(lambda, -Math.PI / 2);
    close(xn, 0, 1e-15, "north pole x");
    close(yn, Math.SQRT2, 1e-15, "north pole y");
    close(xs, 0, 1e-15, "south pole x");
    close(ys, -Math.SQRT2, 1e-15, "south pole y");
  }
  close(mollweideRaw(Math.PI, 0)[0], 2 * Math.SQRT2, 1e-15, "east edge");
  close(mollweideRaw(-Math.PI, 0)[0], -2 * Math.SQRT2, 1e-15, "west edge");
  // The meridian λ = ±π is the ellipse x²/8 + y²/2 = 1.
  for (const phi of [-1.2, -0.3, 0.4, 1.1]) {
    const [x, y] = mollweideRaw(Math.PI, phi);
    close(x * x / 8 + y * y / 2, 1, 1e-14, `boundary at φ = ${phi}`);
  }
  // Parallels are straight lines: y depends on φ only.
  close(mollweideRaw(-2, 0.8)[1], mollweideRaw(1, 0.8)[1], 0, "parallel");
});

Deno.test("Mollweide is equal-area: Jacobian |∂(x,y)/∂(λ,φ)| = cos φ, zone areas 2π Δsin φ", () => {
  const h = 1e-6;
  for (let i = 0; i < 200; i++) {
    const lambda = -3 + (6 * ((i * 0.618034) % 1)), phi = -1.45 + 2.9 * ((i * 0.414214) % 1);
    const [x1, y1] = mollweideRaw(lambda + h, phi), [x0, y0] = mollweideRaw(lambda - h, phi);
    const [x3, y3] = mollweideRaw(lambda, phi + h), [x2, y2] = mollweideRaw(lambda, phi - h);
    const j = ((x1 - x0) * (y3 - y2) - (x3 - x2) * (y1 - y0)) / (4 * h * h);
    close(j / Math.cos(phi), 1, 2e-6, `Jacobian at (${lambda}, ${phi})`);
  }
  // Zone between latitudes φ₁ and φ₂: projected area ∫ 2·x(π, φ) dy(φ) (midpoint rule in φ)
  // equals the sphere's zone area 2π (sin φ₂ − sin φ₁).
  for (const [p1, p2] of [[-Math.PI / 2, Math.PI / 2], [0.2, 1.1], [-1.5, -0.7]]) {
    const n = 20000, dp = (p2 - p1) / n;
    let area = 0;
    for (let i = 0; i < n; i++) {
      const a = p1 + i * dp, b = a + dp;
      const x = mollweideRaw(Math.PI, (a + b) / 2)[0];
      area += 2 * x * (mollweideRaw(0, b)[1] - mollweideRaw(0, a)[1]);
    }
    close(area, 2 * Math.PI * (Math.sin(p2) - Math.sin(p1)), 1e-6, `zone [${p1}, ${p2}]`);
  }
});

Deno.test("inverse projection round-trips, and d3.geoProjection places the sphere in the box", () => {
  for (let i = 0; i < 100; i++) {
    const lambda = -3.1 + 6.2 * ((i * 0.3819) % 1), phi = -1.5 + 3 * ((i * 0.7548) % 1);
    const [x, y] = mollweideRaw(lambda, phi);
    const [l, p] = mollweideRaw.invert(x, y);
    close(l, lambda, 1e-12, "λ");
    close(p, phi, 1e-12, "φ");
  }
  const proj = geoMollweide(400); // 400 × 200 pixels
  const at = (lon: number, lat: number) => proj([lon, lat]) as [number, number];
  close(at(0, 0)[0], 200, 1e-9, "centre x");
  close(at(0, 0)[1], 100, 1e-9, "centre y");
  close(at(0, 90)[1], 0, 1e-9, "north pole at the top");
  close(at(0, -90)[1], 200, 1e-9, "south pole at the bottom");
  close(at(179.999999, 0)[0], 400, 1e-4, "east edge");
  close(at(-179.999999, 0)[0], 0, 1e-4, "west edge");
  const [lon, lat] = proj.invert(at(-75, 33));
  close(lon, -75, 1e-9, "invert lon");
  close(lat, 33, 1e-9, "invert lat");
});

Deno.test("raster: π/4 of the cells on the sphere, equal-area pixels get equal cell counts", () => {
  const columns = 400, raster = sphereRaster(2, columns); // 48 pixels of equal area
  const counts = new Array(48).fill(0);
  let inside = 0;
  for (const p of raster.pixel) {
    if (p < 0) continue;
    inside++;
    counts[p]++;
  }
  close(inside / raster.pixel.length, Math.PI / 4, 0.005, "fraction inside the ellipse");
  const mean = inside / 48;
  counts.forEach((n, p) => close(n / mean, 1, 0.05, `cells of pixel ${p}`));
  // The centre cell shows the pixel at (lat 0, lon 0) and a cell in the north-west shows the
  // pixel containing its inverted position.
  const r = raster.rows;
  const centre = raster.pixel[(r / 2) * columns + columns / 2];
  const { theta, phi } = pix2angNest(2, centre);
  if (Math.abs(theta - Math.PI / 2) > 0.5 || Math.min(phi, 2 * Math.PI - phi) > 0.5) {
    throw new Error(`centre pixel ${centre} at θ ${theta}, φ ${phi}`);
  }
  const [lon, lat] = geoMollweide(columns).invert([100.5, 40.5]);
  const want = ang2pixNest(2, ((90 - lat) * Math.PI) / 180, (lon * Math.PI) / 180);
  if (raster.pixel[40 * columns + 100] !== want) throw new Error("north-west cell");
});

Deno.test("rasterValues maps pixel values, null outside and for NaN; bad lengths throw", () => {
  const raster = sphereRaster(1, 16);
  const field = Array.from({ length: 12 }, (_, p) => (p === 4 ? NaN : 10 + p));
  const v = rasterValues(raster, field);
  raster.pixel.forEach((p, i) => {
    const want = p < 0 || p === 4 ? null : 10 + p;
    if (v[i] !== want) throw new Error(`cell ${i}: ${v[i]} vs ${want}`);
  });
  let threw = false;
  try {
    rasterValues(raster, new Array(13).fill(0));
  } catch (e) {
    threw = e instanceof TypeError;
  }
  if (!threw) throw new Error("13 values accepted for nside 1");
});

Deno.test("map paths: the outline is the ellipse's bounding box, graticule non-empty", () => {
  const { outline, graticule } = mapPaths(200);
  const nums = (outline.match(/-?\d+(\.\d+)?/g) ?? []).map(Number);
  const xs = nums.filter((_, i) => i % 2 === 0), ys = nums.filter((_, i) => i % 2 === 1);
  close(Math.min(...xs), 0, 0.2, "left");
  close(Math.max(...xs), 200, 0.2, "right");
  close(Math.min(...ys), 0, 0.2, "top");
  close(Math.max(...ys), 100, 0.2, "bottom");
  if (!graticule.startsWith("M") || graticule.length < 200) throw new Error("graticule");
});

Deno.test("snapshotNside: tagged snapshots, untagged era5 fields, nothing else", () => {
  const era5 = { suite: { id: "era5" } } as never, other = { suite: { id: "burgers1d" } } as never;
  const snap = (n: number, extra = {}) => ({ ref: new Array(n).fill(0), ...extra }) as never;
  if (snapshotNside(other, snap(48, { healpix: { nside: 2, ordering: "nested" } })) !== 2) {
    throw new Error("tag");
  }
  if (snapshotNside(era5, snap(3072)) !== 16) throw new Error("era5 untagged");
  if (snapshotNside(era5, snap(1024)) !== null) throw new Error("1024 is not 12·4^L");
  if (snapshotNside(other, snap(768)) !== null) throw new Error("1D field of 768 points");
  if (snapshotNside(era5, snap(108)) !== null) throw new Error("nside 3 is not a power of 2");
});

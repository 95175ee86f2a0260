import {
  acc,
  equiangularLatitudes,
  gridSize,
  healpixGrid,
  latitudeCellAreas,
  latLonGrid,
  pointWeights,
  psnr,
  rmseSqrtAfterTimeMean,
  rmseSqrtBeforeTimeMean,
  weightedMean,
  weightedMse,
} from "./weather.ts";
import { pixelCentresNest } from "../suites/era5/healpix.ts";
import { randomArray } from "./_test_util.ts";

function check(cond: boolean, msg: string): void {
  if (!cond) throw new Error(msg);
}

function close(a: number, b: number, tol: number, msg: string): void {
  if (!(Math.abs(a - b) <= tol)) throw new Error(`${msg}: expected ${b}, found ${a}`);
}

function throwsKind(f: () => unknown, kind: typeof TypeError | typeof RangeError): boolean {
  try {
    f();
  } catch (e) {
    return e instanceof kind && /expected .* found/.test((e as Error).message);
  }
  return false;
}

const RAD = Math.PI / 180;

Deno.test("latitude cell areas integrate cos φ: total 2, band [0°, 30°] = sin(30° + Δ/2) + sin(Δ/2)", () => {
  for (const nlat of [7, 13, 121, 721]) {
    const lat = equiangularLatitudes(nlat), d = 180 / (nlat - 1);
    const a = latitudeCellAreas(lat);
    close(a.reduce((s, x) => s + x, 0), 2, 1e-13, `total at nlat ${nlat}`);
    // rows 0°…30° cover [−Δ/2, 30° + Δ/2]: ∫cos = sin(30° + Δ/2) − sin(−Δ/2) → 0.5 as Δ → 0
    let band = 0;
    for (let i = 0; i < nlat; i++) if (lat[i] >= -1e-9 && lat[i] <= 30 + 1e-9) band += a[i];
    close(band, Math.sin((30 + d / 2) * RAD) + Math.sin((d / 2) * RAD), 1e-14, `band ${nlat}`);
    // to first order the two half cells add (Δ/2)(cos 0° + cos 30°) to sin 30° = 0.5
    close(
      band - 0.5,
      (d / 2) * RAD * (1 + Math.cos(30 * RAD)),
      0.2 * (d * RAD) ** 2,
      `edges ${nlat}`,
    );
    // the pole cap: 1 − sin(90° − Δ/2) = 1 − cos(Δ/2)
    close(a[0], 1 - Math.cos((d / 2) * RAD), 1e-15, `south pole cell ${nlat}`);
    close(a[nlat - 1], a[0], 1e-15, `north = south ${nlat}`);
  }
});

Deno.test("latitude weights: mean 1, order-independent, validated input", () => {
  const lat = equiangularLatitudes(121);
  const g = latLonGrid(lat, 240);
  close(g.latWeights.reduce((s, w) => s + w, 0) / 121, 1, 1e-14, "mean 1");
  const rev = latLonGrid(lat.slice().reverse(), 240);
  for (let i = 0; i < 121; i++) close(rev.latWeights[i], g.latWeights[120 - i], 1e-15, "reversed");
  const w = pointWeights(g);
  check(w.length === 121 * 240 && w[240 * 60 + 7] === g.latWeights[60], "point weights by row");
  check(throwsKind(() => latitudeCellAreas([0, 0, 10]), RangeError), "non-monotone");
  check(throwsKind(() => latitudeCellAreas([-91, 0]), RangeError), "out of range");
  check(throwsKind(() => latitudeCellAreas([0, NaN]), RangeError), "NaN latitude");
  check(throwsKind(() => latitudeCellAreas([]), RangeError), "empty");
  check(throwsKind(() => latLonGrid(lat, 0), RangeError), "nlon 0");
  check(throwsKind(() => healpixGrid(3), RangeError), "nside 3");
});

Deno.test("weighted mean is a quadrature of the spherical mean: sin²φ → 1/3, odd fields → 0", () => {
  // ∫ sin²φ cos φ dφ / 2 = 1/3; the midpoint rule in s = sin φ has error O(Δ²)
  for (const [nlat, tol] of [[181, 2e-4], [721, 2e-5]] as const) {
    const g = latLonGrid(equiangularLatitudes(nlat), 4);
    const m = weightedMean(g, (k) => Math.sin(g.lat[Math.floor(k / 4)] * RAD) ** 2);
    close(m, 1 / 3, tol, `sin² at nlat ${nlat}`);
    const odd = weightedMean(g, (k) => Math.sin(g.lat[Math.floor(k / 4)] * RAD) ** 3);
    close(odd, 0, 1e-15, `odd at nlat ${nlat}`);
  }
  // HEALPix pixel centres: equal weights give the same spherical mean of z² = cos²θ
  const { theta } = pixelCentresNest(32);
  close(weightedMean(healpixGrid(32), (k) => Math.cos(theta[k]) ** 2), 1 / 3, 1e-4, "HEALPix");
});

Deno.test("weightedMse: constant error c gives c², lat-lon rows weighted by area, shape errors", () => {
  const g = latLonGrid([-90, -30, 30, 90], 3);
  const y = randomArray(12, 1), p = y.map((v) => v - 0.5);
  close(weightedMse(p, y, g), 0.25, 1e-15, "constant error");
  // error 1 only on the equatorial rows: band areas 2 sin 60° out of 2
  const q = y.map((v, k) => (k >= 3 && k < 9 ? v + 1 : v));
  close(weightedMse(q, y, g), Math.sin(60 * RAD), 1e-15, "equatorial band");
  check(
    throwsKind(() => weightedMse(new Float64Array(11), new Float64Array(12), g), TypeError),
    "pair",
  );
  check(
    throwsKind(() => weightedMse(new Float64Array(11), new Float64Array(11), g), TypeError),
    "grid",
  );
  check(Number.isNaN(weightedMse(q.map((v, k) => (k === 5 ? NaN : v)), y, g)), "NaN propagates");
  const h = healpixGrid(2);
  const a = randomArray(48, 2), b = randomArray(48, 3);
  let s = 0;
  for (let k = 0; k < 48; k++) s += (a[k] - b[k]) ** 2;
  close(weightedMse(a, b, h), s / 48, 1e-15, "HEALPix: plain mean");
  check(gridSize(h) === 48, "size");
});

Deno.test("time combinators: √ after vs before the time mean (Jensen), NaN kept, bad input refused", () => {
  close(rmseSqrtAfterTimeMean([1, 4, 16]), Math.sqrt(7), 1e-15, "after");
  close(rmseSqrtBeforeTimeMean([1, 4, 16]), 7 / 3, 1e-15, "before");
  check(rmseSqrtBeforeTimeMean([1, 4, 16]) <= rmseSqrtAfterTimeMean([1, 4, 16]), "Jensen");
  close(rmseSqrtAfterTimeMean([2, 2]), rmseSqrtBeforeTimeMean([2, 2]), 1e-15, "equal if constant");
  check(Number.isNaN(rmseSqrtAfterTimeMean([1, NaN])), "NaN after");
  check(Number.isNaN(rmseSqrtBeforeTimeMean([1, NaN])), "NaN before");
  check(throwsKind(() => rmseSqrtAfterTimeMean([]), RangeError), "empty");
  check(throwsKind(() => rmseSqrtAfterTimeMean([1, -1]), RangeError), "negative mse");
});

Deno.test("acc: 1 for p = y, −1 for the mirrored anomaly, invariant to positive scaling, weighted", () => {
  const g = latLonGrid(equiangularLatitudes(19), 36);
  const n = gridSize(g);
  const c = randomArray(n, 10).map((v) => 280 + 10 * v);
  const y = c.map((v, k) => v + Math.sin(0.1 * k) + 0.3 * Math.cos(0.37 * k));
  const noise = randomArray(n, 11);
  const p = y.map((v, k) => v + 0.5 * noise[k]);
  close(acc(y, y, c, g), 1, 1e-14, "acc(y, y)");
  close(acc(c.map((v, k) => 2 * v - y[k]), y, c, g), -1, 1e-14, "mirrored anomaly");
  const r = acc(p, y, c, g);
  check(r > 0 && r < 1, `acc in (0, 1), found ${r}`);
  for (const a of [0.01, 3, 1e4]) {
    close(acc(c.map((v, k) => v + a * (p[k] - v)), y, c, g), r, 1e-12, `scale ${a}`);
  }
  close(acc(y, p, c, g), r, 1e-15, "symmetric");
  // an anomaly confined to one polar row counts with that row's small area
  const polar = c.map((v, k) => (k < 36 ? v + 1 : v));
  const both = c.map((v, k) => (k < 36 || (k >= 9 * 36 && k < 10 * 36) ? v + 1 : v));
  const w0 = g.latWeights[0], w9 = g.latWeights[9];
  close(acc(polar, both, c, g), (w0 * 36) / Math.sqrt(w0 * 36 * (w0 + w9) * 36), 1e-14, "weights");
  check(Number.isNaN(acc(c, y, c, g)), "climatology forecast: undefined, NaN");
  check(throwsKind(() => acc(p, y, c.slice(1), g), TypeError), "clim length");
});

Deno.test("psnr = 10 log10(R²/mse) with R the range of the reference", () => {
  const h = healpixGrid(1);
  const y = new Float64Array(12).map((_, k) => k); // R = 11
  const p = y.map((v) => v + 0.1);
  close(psnr(p, y, h), 10 * Math.log10(121 / 0.01), 1e-12, "psnr");
  close(
    psnr(p.map((v) => v + 0), y, h) - psnr(y.map((v) => v + 0.2), y, h),
    20 * Math.log10(2),
    1e-12,
    "−6 dB per doubled error",
  );
  check(psnr(y, y, h) === Infinity, "perfect");
  check(Number.isNaN(psnr(y.map(() => NaN), y, h)), "NaN pred");
  check(Number.isNaN(psnr(y, y.map((v, k) => (k === 3 ? NaN : v)), h)), "NaN ref");
  // range is of the reference only: scaling pred's range changes nothing but the error
  const g = latLonGrid([-90, 0, 90], 2);
  const yr = new Float64Array([0, 0, 0, 4, 0, 0]);
  close(
    psnr(new Float64Array(6).fill(1), yr, g),
    10 * Math.log10(16 / weightedMse(new Float64Array(6).fill(1), yr, g)),
    1e-12,
    "lat-lon",
  );
});

Deno.test("acc and weightedMse are weightedMean's sums bit for bit (one pass, no closures)", () => {
  for (const grid of [healpixGrid(4), latLonGrid(equiangularLatitudes(7), 5)]) {
    const n = gridSize(grid);
    const p = randomArray(n, 1), y = randomArray(n, 2), c = randomArray(n, 3).map((v) => v / 3);
    const py = weightedMean(grid, (k) => (p[k] - c[k]) * (y[k] - c[k]));
    const pp = weightedMean(grid, (k) => (p[k] - c[k]) ** 2);
    const yy = weightedMean(grid, (k) => (y[k] - c[k]) ** 2);
    check(Object.is(acc(p, y, c, grid), py / Math.sqrt(pp * yy)), `acc on ${grid.kind}`);
    const mse = weightedMean(grid, (k) => (p[k] - y[k]) ** 2);
    check(Object.is(weightedMse(p, y, grid), mse), `mse on ${grid.kind}`);
  }
});

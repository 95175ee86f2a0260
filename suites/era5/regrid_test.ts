import {
  applyIdw,
  healpixToLatLon,
  idwWeights,
  latLonPoints,
  latLonToHealpix,
  type SpherePoints,
} from "./regrid.ts";
import { npix, pixelCentresNest } from "./healpix.ts";
import { Rng } from "../../harness/core/rng.ts";

function check(cond: boolean, msg: string): void {
  if (!cond) throw new Error(msg);
}

const LAT_1DEG = Array.from({ length: 181 }, (_, i) => -90 + i);
const NLON_1DEG = 360;

/** Degree-2 polynomial in Cartesian coordinates: xy + z² + x/2 (spherical harmonics l ≤ 2). */
function poly(t: number, p: number): number {
  const x = Math.sin(t) * Math.cos(p), y = Math.sin(t) * Math.sin(p), z = Math.cos(t);
  return x * y + z * z + 0.5 * x;
}
/** Its surface gradient is at most |∇(xy + z² + x/2)| = |(y + ½, x, 2z)| ≤ √(1.5² + 1 + 4). */
const POLY_LIPSCHITZ = Math.sqrt(2.25 + 1 + 4);

/** Williamson et al. (1992) test case 1 cosine bell: radius 1/3 rad, centre (θ, φ) = (π/2, 3π/2). */
function bell(t: number, p: number): number {
  const c = Math.sin(t) * Math.cos(p - 1.5 * Math.PI);
  const r = Math.acos(Math.max(-1, Math.min(1, c)));
  return r < 1 / 3 ? 0.5 * (1 + Math.cos(3 * Math.PI * r)) : 0;
}

function sample(pts: SpherePoints, f: (t: number, p: number) => number): Float64Array {
  return pts.theta.map((t, i) => f(t, pts.phi[i]));
}

function greatCircle(a: SpherePoints, i: number, b: SpherePoints, j: number): number {
  const c = Math.cos(a.theta[i]) * Math.cos(b.theta[j]) +
    Math.sin(a.theta[i]) * Math.sin(b.theta[j]) * Math.cos(a.phi[i] - b.phi[j]);
  return Math.acos(Math.max(-1, Math.min(1, c)));
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

Deno.test("k nearest sources are exact: bucket search agrees with brute force on random points", () => {
  const rng = new Rng(7, 1);
  const rand = (n: number): SpherePoints => {
    const theta = new Float64Array(n), phi = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      theta[i] = Math.acos(2 * rng.uniform() - 1);
      phi[i] = 2 * Math.PI * rng.uniform();
    }
    return { theta, phi };
  };
  const src = rand(800), dst = rand(300), k = 6;
  const w = idwWeights(src, dst, { k, power: 2 });
  for (let i = 0; i < 300; i++) {
    const order = Array.from({ length: 800 }, (_, j) => j)
      .map((j) => [greatCircle(dst, i, src, j), j])
      .sort((a, b) => a[0] - b[0]);
    const want = order.slice(0, k).map((e) => e[1]).sort((a, b) => a - b).join();
    const got = [...w.index.subarray(i * k, i * k + k)].sort((a, b) => a - b).join();
    check(got === want, `neighbours of destination ${i}: ${got} vs ${want}`);
    // w ∝ d^−2 and normalised
    let s = 0;
    for (let m = 0; m < k; m++) {
      s += w.weight[i * k + m];
      const ratio = (w.weight[i * k + m] / w.weight[i * k]) *
        (greatCircle(dst, i, src, w.index[i * k + m]) / greatCircle(dst, i, src, w.index[i * k])) **
          2;
      check(Math.abs(ratio - 1) < 1e-9, `inverse-square weights at ${i}`);
    }
    check(Math.abs(s - 1) < 1e-14, `weights sum to 1 at ${i}`);
  }
});

Deno.test("lat-lon 1° → HEALPix nside 32 → lat-lon: constants exact, smooth fields within stated bounds", () => {
  const toHp = latLonToHealpix(LAT_1DEG, NLON_1DEG, 32);
  const back = healpixToLatLon(32, LAT_1DEG, NLON_1DEG);
  for (const w of [toHp, back]) {
    for (let i = 0; i < w.ndst; i++) {
      let s = 0;
      for (let m = 0; m < w.k; m++) s += w.weight[i * w.k + m];
      check(Math.abs(s - 1) <= 4e-16 * w.k && w.weight[i * w.k] >= 0, `weights sum to 1 at ${i}`);
    }
  }
  const c = applyIdw(back, applyIdw(toHp, new Float64Array(181 * 360).fill(287.15)));
  check(maxAbsDiff(c, new Float64Array(c.length).fill(287.15)) <= 287.15 * 4e-16 * 8, "constant");

  const ll = latLonPoints(LAT_1DEG, NLON_1DEG), hp = pixelCentresNest(32);
  const f = sample(ll, poly), fHp = applyIdw(toHp, f);
  // convexity: |IDW f(x) − f(x)| ≤ L · (distance to the farthest of the k sources)
  for (let i = 0; i < fHp.length; i++) {
    let dmax = 0;
    for (let m = 0; m < 4; m++) {
      dmax = Math.max(dmax, greatCircle(hp, i, ll, toHp.index[4 * i + m]));
    }
    check(
      Math.abs(fHp[i] - poly(hp.theta[i], hp.phi[i])) <= POLY_LIPSCHITZ * dmax + 1e-14,
      `bound at ${i}`,
    );
  }
  const eHp = maxAbsDiff(fHp, sample(hp, poly));
  const eRound = maxAbsDiff(applyIdw(back, fHp), f);
  // measured: 7.5e-3 and 1.7e-2 (field range ≈ 2.3); HEALPix nside 32 spacing ≈ 1.8°
  check(eHp < 0.01, `lat-lon → HEALPix max error ${eHp}`);
  check(eRound < 0.025, `round trip max error ${eRound}`);
  // the cosine bell (max 1, gradient ≤ 3π/2): measured 3.7e-2
  const b = sample(ll, bell);
  const eBell = maxAbsDiff(applyIdw(back, applyIdw(toHp, b)), b);
  check(eBell < 0.05, `cosine bell round trip max error ${eBell}`);
  // every pole copy of the lat-lon grid gets one value
  const rt = applyIdw(back, fHp);
  for (let j = 1; j < 360; j++) {
    check(rt[j] === rt[0] && rt[180 * 360 + j] === rt[180 * 360], "poles");
  }
});

Deno.test("IDW is first order: the round-trip error halves per HEALPix level (nside 16 → 64: ≥ 3×)", () => {
  const ll = latLonPoints(LAT_1DEG, NLON_1DEG), f = sample(ll, poly);
  const err = [16, 64].map((nside) => {
    const hp = applyIdw(latLonToHealpix(LAT_1DEG, NLON_1DEG, nside), f);
    return maxAbsDiff(applyIdw(healpixToLatLon(nside, LAT_1DEG, NLON_1DEG), hp), f);
  });
  // measured 3.0e-2 and 8.1e-3
  check(err[0] / err[1] > 3, `error ratio ${err[0] / err[1]} (errors ${err})`);
});

Deno.test("coincident points: HEALPix → same HEALPix is the identity; bad input refused", () => {
  const hp = pixelCentresNest(8);
  const w = idwWeights(hp, hp);
  const f = new Float64Array(npix(8)).map((_, i) => Math.sin(i));
  check(maxAbsDiff(applyIdw(w, f), f) === 0, "identity");
  const throws = (g: () => unknown, kind: typeof TypeError | typeof RangeError) => {
    try {
      g();
    } catch (e) {
      return e instanceof kind && /expected .* found/.test((e as Error).message);
    }
    return false;
  };
  check(throws(() => idwWeights(hp, hp, { k: 0 }), RangeError), "k = 0");
  check(throws(() => idwWeights(hp, hp, { k: 769 }), RangeError), "k > nsrc");
  check(throws(() => idwWeights(hp, hp, { power: -1 }), RangeError), "power");
  check(throws(() => applyIdw(w, new Float64Array(3)), TypeError), "field length");
  check(throws(() => latLonPoints([91], 4), RangeError), "latitude");
  check(throws(() => latLonPoints([0], 0), RangeError), "nlon");
  check(
    throws(
      () => idwWeights({ theta: new Float64Array(2), phi: new Float64Array(1) }, hp),
      TypeError,
    ),
    "θ/φ lengths",
  );
});

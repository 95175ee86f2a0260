import {
  ang2pixNest,
  neighboursNest,
  nest2ring,
  npix,
  orderOf,
  pix2angNest,
  pix2angRing,
  ring2nest,
  ringOf,
  ringSize,
  ringZ,
} from "./healpix.ts";
import { Rng } from "../../harness/core/rng.ts";

function check(cond: boolean, msg: string): void {
  if (!cond) throw new Error(msg);
}

function close(a: number, b: number, tol: number, msg: string): void {
  if (!(Math.abs(a - b) <= tol)) throw new Error(`${msg}: expected ${b}, found ${a}`);
}

Deno.test("npix = 12·4^L for L = 0 … 8; bad nside is a RangeError", () => {
  for (let L = 0; L <= 8; L++) {
    check(npix(2 ** L) === 12 * 4 ** L, `npix at L=${L}`);
    check(orderOf(2 ** L) === L, `order at L=${L}`);
  }
  for (const bad of [0, 3, 12, 1.5, -2, 2 ** 14, NaN]) {
    let threw = false;
    try {
      npix(bad);
    } catch (e) {
      threw = e instanceof RangeError && /found/.test(e.message);
    }
    check(threw, `nside ${bad} must throw RangeError`);
  }
});

Deno.test("nside 1: the 12 base-pixel centres", () => {
  for (let k = 0; k < 4; k++) {
    const n = pix2angNest(1, k), e = pix2angNest(1, 4 + k), s = pix2angNest(1, 8 + k);
    close(n.theta, Math.acos(2 / 3), 1e-15, `θ of ${k}`);
    close(n.phi, Math.PI / 4 + (k * Math.PI) / 2, 1e-15, `φ of ${k}`);
    close(e.theta, Math.PI / 2, 1e-15, `θ of ${4 + k}`);
    close(e.phi, (k * Math.PI) / 2, 1e-15, `φ of ${4 + k}`);
    close(s.theta, Math.acos(-2 / 3), 1e-15, `θ of ${8 + k}`);
    close(s.phi, Math.PI / 4 + (k * Math.PI) / 2, 1e-15, `φ of ${8 + k}`);
  }
});

Deno.test("nside 2: centres from the ring formulas (z = 1 − i²/12 in the cap, 4/3 − i/3 in the belt)", () => {
  // [nested pixel, z, φ/π]: face 0 (x, y) = (0, 0) is ring 3 (belt, s = 0, j = 2);
  // (1, 1) is ring 1 (cap, j = 1); face 11 (0, 0) is ring 7 (south cap, j = 4); (1, 1) ring 5.
  const cases: [number, number, number][] = [
    [0, 1 / 3, 1 / 4],
    [3, 11 / 12, 1 / 4],
    [44, -11 / 12, 7 / 4],
    [47, -1 / 3, 7 / 4],
    [16, -1 / 3, 0], // face 4, (0, 0): its south corner, ring 5, belt, φ = 0
  ];
  for (const [p, z, phi] of cases) {
    const a = pix2angNest(2, p);
    close(Math.cos(a.theta), z, 1e-15, `z of ${p}`);
    close(a.phi, phi * Math.PI, 1e-15, `φ of ${p}`);
  }
  for (let i = 1; i <= 7; i++) {
    close(
      ringZ(2, i),
      i < 2 ? 1 - i * i / 12 : i > 6 ? -1 + (8 - i) ** 2 / 12 : 4 / 3 - i / 3,
      1e-15,
      `ring ${i}`,
    );
  }
});

Deno.test("published healpy docstring values: pix2ang / ang2pix (RING, nside 16), nest2ring, ring2nest", () => {
  const ring = [1440, 427, 1520, 0, 3068];
  const theta = [1.52911759, 0.78550497, 1.57079633, 0.05103658, 3.09055608];
  const phi = [0, 0.78539816, 1.61988371, 0.78539816, 0.78539816];
  for (let k = 0; k < ring.length; k++) {
    const a = pix2angRing(16, ring[k]);
    close(a.theta, theta[k], 5e-9, `θ of ring pixel ${ring[k]}`);
    close(a.phi, phi[k], 5e-9, `φ of ring pixel ${ring[k]}`);
  }
  const th = [Math.PI / 2, Math.PI / 4, Math.PI / 2, 0, Math.PI];
  const ph = [0, Math.PI / 4, Math.PI / 2, 0, 0];
  for (let k = 0; k < ring.length; k++) {
    check(nest2ring(16, ang2pixNest(16, th[k], ph[k])) === ring[k], `ang2pix ${k}`);
  }
  check(nest2ring(16, 1130) === 1504, "nest2ring(16, 1130)");
  const n2r = [13, 5, 4, 0, 15, 7, 6, 1, 17, 9];
  const r2n = [3, 7, 11, 15, 2, 1, 6, 5, 10, 9];
  for (let p = 0; p < 10; p++) {
    check(nest2ring(2, p) === n2r[p], `nest2ring(2, ${p})`);
    check(ring2nest(2, p) === r2n[p], `ring2nest(2, ${p})`);
  }
  // get_all_neighbours(1, 4) and of the pixel at (π/2, π/2), i.e. base pixel 5
  check(neighboursNest(1, 4).join() === "11,7,3,-1,0,5,8,-1", "neighbours of 4");
  check(neighboursNest(1, 5).join() === "8,4,0,-1,1,6,9,-1", "neighbours of 5");
});

Deno.test("round trips up to nside 64: ang2pix(pix2ang(p)) = p, ring2nest(nest2ring(p)) = p, NESTED and RING centres agree", () => {
  for (let L = 0; L <= 6; L++) {
    const nside = 2 ** L, n = npix(nside);
    const seenRing = new Uint8Array(n);
    for (let p = 0; p < n; p++) {
      const a = pix2angNest(nside, p);
      check(ang2pixNest(nside, a.theta, a.phi) === p, `ang2pix∘pix2ang at nside ${nside}, p ${p}`);
      const r = nest2ring(nside, p);
      check(seenRing[r] === 0, `nest2ring not injective at ${nside}`);
      seenRing[r] = 1;
      check(ring2nest(nside, r) === p, `ring2nest∘nest2ring at nside ${nside}, p ${p}`);
      const b = pix2angRing(nside, r);
      close(b.theta, a.theta, 1e-13, `θ NESTED vs RING at ${nside}, ${p}`);
      close(b.phi, a.phi, 1e-13, `φ NESTED vs RING at ${nside}, ${p}`);
    }
  }
});

Deno.test("rings: ring i holds 4·min(i, nside, 4nside − i) pixels at z = ringZ(i); RING order runs ring by ring", () => {
  for (const nside of [1, 2, 8, 32]) {
    const count = new Int32Array(4 * nside);
    for (let p = 0; p < npix(nside); p++) {
      const i = ringOf(nside, p);
      count[i]++;
      close(Math.cos(pix2angNest(nside, p).theta), ringZ(nside, i), 1e-14, `z of ${p}`);
    }
    let start = 0;
    for (let i = 1; i < 4 * nside; i++) {
      check(count[i] === ringSize(nside, i), `size of ring ${i} at nside ${nside}`);
      // the first RING index of ring i belongs to ring i
      check(ringOf(nside, ring2nest(nside, start)) === i, `ring start ${i}`);
      start += count[i];
    }
    check(start === npix(nside), "rings cover the sphere");
  }
});

Deno.test("children of nested pixel p at the next level are 4p … 4p + 3 and lie inside it", () => {
  const nside = 8;
  for (let p = 0; p < npix(nside); p++) {
    for (let c = 4 * p; c < 4 * p + 4; c++) {
      const a = pix2angNest(2 * nside, c);
      check(ang2pixNest(nside, a.theta, a.phi) === p, `child ${c} of ${p}`);
    }
  }
});

Deno.test("neighbours: 8 distinct (7 for the 24 pixels at the 8 three-face vertices), symmetric, adjacent", () => {
  for (const nside of [2, 4, 16, 64]) {
    const n = npix(nside);
    const all = new Int32Array(8 * n);
    let sevens = 0;
    // adjacent pixels are within ~2 mean spacings (the diagonal at a 3-face vertex is longest)
    const spacing = Math.sqrt((4 * Math.PI) / n);
    for (let p = 0; p < n; p++) {
      const nb = neighboursNest(nside, p);
      all.set(nb, 8 * p);
      const valid = [...nb].filter((q) => q >= 0);
      check(new Set(valid).size === valid.length, `distinct neighbours of ${p} at ${nside}`);
      check(!valid.includes(p), `${p} is not its own neighbour`);
      if (valid.length === 7) sevens++;
      else check(valid.length === 8, `${p} has ${valid.length} neighbours at ${nside}`);
      const a = pix2angNest(nside, p);
      for (const q of valid) {
        const b = pix2angNest(nside, q);
        const cosd = Math.cos(a.theta) * Math.cos(b.theta) +
          Math.sin(a.theta) * Math.sin(b.theta) * Math.cos(a.phi - b.phi);
        const d = Math.acos(Math.min(1, cosd));
        check(d < 2.2 * spacing, `neighbour ${q} of ${p} at distance ${d} (spacing ${spacing})`);
      }
    }
    check(sevens === 24, `24 pixels with 7 neighbours at nside ${nside}, found ${sevens}`);
    for (let p = 0; p < n; p++) {
      for (let m = 0; m < 8; m++) {
        const q = all[8 * p + m];
        if (q < 0) continue;
        check(all.subarray(8 * q, 8 * q + 8).includes(p), `symmetry ${p} ↔ ${q} at ${nside}`);
      }
    }
  }
});

Deno.test("equal areas: uniform random points fall evenly into the 48 pixels of nside 2 (χ² test)", () => {
  const nside = 2, n = npix(nside), draws = 480_000;
  const rng = new Rng(2005, 3);
  const count = new Float64Array(n);
  for (let k = 0; k < draws; k++) {
    const z = 2 * rng.uniform() - 1, phi = 2 * Math.PI * rng.uniform();
    count[ang2pixNest(nside, Math.acos(z), phi)]++;
  }
  const expected = draws / n;
  let chi2 = 0, maxDev = 0;
  for (let p = 0; p < n; p++) {
    chi2 += (count[p] - expected) ** 2 / expected;
    maxDev = Math.max(maxDev, Math.abs(count[p] - expected) / Math.sqrt(expected));
  }
  // 47 degrees of freedom: P(χ² > 90) ≈ 1e-4; any one cell beyond 5σ is a wrong area
  check(chi2 < 90, `χ² = ${chi2} with 47 degrees of freedom`);
  check(maxDev < 5, `a pixel deviates by ${maxDev}σ`);
});

Deno.test("equal areas exactly: the cap above ring i's centres holds (rings < i) + ½ ring i pixels' area", () => {
  // 2π(1 − z_i) = (Σ_{r<i} size(r) + size(i)/2)·4π/npix: 2i² pixels in the polar cap and
  // 4·nside·i − 2nside² in the belt, which is how Górski et al. place the ring latitudes.
  for (const nside of [1, 4, 64, 256]) {
    const area = (4 * Math.PI) / npix(nside);
    let before = 0;
    for (let i = 1; i < 4 * nside; i++) {
      const cap = 2 * Math.PI * (1 - ringZ(nside, i));
      close(cap, (before + ringSize(nside, i) / 2) * area, 1e-12, `ring ${i} at ${nside}`);
      before += ringSize(nside, i);
    }
    check(before === npix(nside), "all pixels");
  }
});

Deno.test("large nside (256, 8192): random pixels round-trip, polar and corner pixels included", () => {
  const rng = new Rng(13, 0);
  for (const nside of [256, 8192]) {
    const n = npix(nside);
    const picks = [0, 1, 2, 3, n - 1, n - 4, 4 * nside * nside - 1, 5 * nside * nside];
    for (let t = 0; t < 2000; t++) picks.push(Math.floor(rng.uniform() * n));
    for (const p of picks) {
      const a = pix2angNest(nside, p);
      check(ang2pixNest(nside, a.theta, a.phi) === p, `ang2pix∘pix2ang at ${nside}, ${p}`);
      const r = nest2ring(nside, p);
      check(ring2nest(nside, r) === p, `ring2nest∘nest2ring at ${nside}, ${p}`);
      const b = pix2angRing(nside, r);
      close(b.theta, a.theta, 1e-12, `θ at ${nside}, ${p}`);
      close(b.phi, a.phi, 1e-12, `φ at ${nside}, ${p}`);
    }
  }
});

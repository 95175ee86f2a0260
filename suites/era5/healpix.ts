/**
 * HEALPix pixelisation of the sphere (Górski et al. 2005, ApJ 622:759) in NESTED and RING
 * ordering, for `nside = 2^L` with `0 ≤ L ≤ 13` (the `era5` suite uses levels 5–8).
 *
 * Geometry, with θ the colatitude, φ the longitude in [0, 2π) and z = cos θ:
 * - `npix = 12·nside²` pixels of equal area `4π / npix`, in `4·nside − 1` iso-latitude rings
 *   i = 1 … 4·nside − 1 numbered from the north pole;
 * - polar caps (i < nside, and mirrored in the south): ring i holds 4i pixels at
 *   z = 1 − i²/(3·nside²), φ = (π / 2i)(j − ½), j = 1 … 4i;
 * - equatorial belt (nside ≤ i ≤ 3·nside): 4·nside pixels at z = 4/3 − 2i/(3·nside),
 *   φ = (π / 2nside)(j − 1 + s/2) with s = (i − nside + 1) mod 2, j = 1 … 4·nside (the paper
 *   writes j − s/2: the same set of centres, but RING order as in healpix_base and healpy starts
 *   every ring at the smallest φ ≥ 0);
 * - NESTED index `p = f·nside² + Σ_b (x_b·4^b + y_b·2·4^b)`: base face f ∈ 0 … 11 (0–3 north,
 *   4–7 equator, 8–11 south) and the bits of the in-face coordinates x (towards north-east) and
 *   y (towards north-west) interleaved, so the 4 children of pixel p at level L + 1 are
 *   4p … 4p + 3.
 *
 * The index arithmetic follows the reference C++ library (healpix_base: `xyf2nest`,
 * `xyf2ring`, `ring2xyf`, `loc2pix`, `neighbors`), so indices agree with healpy.
 *
 * @example
 * ```ts
 * import { ang2pixNest, npix, pix2angNest } from "./healpix.ts";
 * if (npix(4) !== 192) throw new Error("npix");
 * const { theta, phi } = pix2angNest(4, 100);
 * if (ang2pixNest(4, theta, phi) !== 100) throw new Error("round trip");
 * ```
 * @module
 */

/** Largest supported resolution exponent: nside ≤ 2¹³ keeps every index in 32-bit integers. */
export const MAX_ORDER = 13;

/** Ring number factor of each base face: ring of the face's south corner is `JRLL[f]·nside`. */
const JRLL = [2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4];
/** Longitude of each base face's centre in units of π/4. */
const JPLL = [1, 3, 5, 7, 0, 2, 4, 6, 1, 3, 5, 7];

/** Offsets (dx, dy) of the 8 neighbours, in the healpy order SW, W, NW, N, NE, E, SE, S. */
const NB_X = [-1, -1, 0, 1, 1, 1, 0, -1];
const NB_Y = [0, 1, 1, 1, 0, -1, -1, -1];
/** Neighbouring base face by direction code (4 + dx + 3·dy) and face; −1 where none. */
const NB_FACE = [
  [8, 9, 10, 11, -1, -1, -1, -1, 10, 11, 8, 9], // S
  [5, 6, 7, 4, 8, 9, 10, 11, 9, 10, 11, 8], // SE
  [-1, -1, -1, -1, 5, 6, 7, 4, -1, -1, -1, -1], // E
  [4, 5, 6, 7, 11, 8, 9, 10, 11, 8, 9, 10], // SW
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], // centre
  [1, 2, 3, 0, 0, 1, 2, 3, 5, 6, 7, 4], // NE
  [-1, -1, -1, -1, 7, 4, 5, 6, -1, -1, -1, -1], // W
  [3, 0, 1, 2, 3, 0, 1, 2, 4, 5, 6, 7], // NW
  [2, 3, 0, 1, -1, -1, -1, -1, 0, 1, 2, 3], // N
];
/** Coordinate transform when crossing into that face (bit 1: flip x, 2: flip y, 4: swap). */
const NB_SWAP = [
  [0, 0, 3], // S
  [0, 0, 6], // SE
  [0, 0, 0], // E
  [0, 0, 5], // SW
  [0, 0, 0], // centre
  [5, 0, 0], // NE
  [0, 0, 0], // W
  [6, 0, 0], // NW
  [3, 0, 0], // N
];

/** A direction on the sphere: colatitude θ ∈ [0, π] and longitude φ ∈ [0, 2π), radians. */
export interface Angle {
  theta: number;
  phi: number;
}

/** Names of the 8 neighbour slots returned by {@link neighboursNest}, in order. */
export const NEIGHBOUR_ORDER = ["SW", "W", "NW", "N", "NE", "E", "SE", "S"] as const;

/**
 * The exponent L of `nside = 2^L`; throws `RangeError` unless nside is a power of two with
 * 0 ≤ L ≤ {@link MAX_ORDER}.
 *
 * @example
 * ```ts
 * import { orderOf } from "./healpix.ts";
 * if (orderOf(256) !== 8) throw new Error("order");
 * ```
 */
export function orderOf(nside: number): number {
  if (Number.isInteger(nside) && nside >= 1 && nside <= 2 ** MAX_ORDER) {
    const order = Math.round(Math.log2(nside));
    if (2 ** order === nside) return order;
  }
  throw new RangeError(
    `Cannot use HEALPix nside: expected a power of two 2^L with 0 ≤ L ≤ ${MAX_ORDER}, found ` +
      `${nside}`,
  );
}

/**
 * Number of pixels `12·nside²`.
 *
 * @example
 * ```ts
 * import { npix } from "./healpix.ts";
 * if (npix(1) !== 12 || npix(256) !== 786432) throw new Error("npix");
 * ```
 */
export function npix(nside: number): number {
  orderOf(nside);
  return 12 * nside * nside;
}

function checkPix(action: string, nside: number, p: number): void {
  const n = npix(nside);
  if (!Number.isInteger(p) || p < 0 || p >= n) {
    throw new RangeError(
      `Cannot ${action}: expected a pixel index in 0 … ${n - 1} for nside ${nside}, found ${p}`,
    );
  }
}

/** Keeps the even bits of a 32-bit integer, packed: 0b…c?b?a → 0b…cba. */
function compressBits(v: number): number {
  let r = v & 0x55555555;
  r = (r ^ (r >>> 1)) & 0x33333333;
  r = (r ^ (r >>> 2)) & 0x0f0f0f0f;
  r = (r ^ (r >>> 4)) & 0x00ff00ff;
  r = (r ^ (r >>> 8)) & 0x0000ffff;
  return r;
}

/** Inverse of {@link compressBits}: 0b…cba → 0b…0c0b0a. */
function spreadBits(v: number): number {
  let r = v & 0x0000ffff;
  r = (r | (r << 8)) & 0x00ff00ff;
  r = (r | (r << 4)) & 0x0f0f0f0f;
  r = (r | (r << 2)) & 0x33333333;
  r = (r | (r << 1)) & 0x55555555;
  return r;
}

/** Face-local coordinates of a NESTED pixel. */
function nest2xyf(order: number, p: number): [number, number, number] {
  const nface = 1 << (2 * order);
  const face = Math.floor(p / nface);
  const ipf = p - face * nface;
  return [compressBits(ipf), compressBits(ipf >>> 1), face];
}

function xyf2nest(order: number, x: number, y: number, face: number): number {
  return face * (1 << (2 * order)) + spreadBits(x) + 2 * spreadBits(y);
}

function xyf2ring(nside: number, x: number, y: number, face: number): number {
  const nl4 = 4 * nside, ncap = 2 * nside * (nside - 1), np = 12 * nside * nside;
  const jr = JRLL[face] * nside - x - y - 1;
  let nr: number, nBefore: number, kshift = 0;
  if (jr < nside) {
    nr = jr;
    nBefore = 2 * nr * (nr - 1);
  } else if (jr > 3 * nside) {
    nr = nl4 - jr;
    nBefore = np - 2 * (nr + 1) * nr;
  } else {
    nr = nside;
    nBefore = ncap + (jr - nside) * nl4;
    kshift = (jr - nside) & 1;
  }
  let jp = (JPLL[face] * nr + x - y + 1 + kshift) >> 1;
  if (jp > 4 * nr) jp -= 4 * nr;
  else if (jp < 1) jp += 4 * nr;
  return nBefore + jp - 1;
}

/** Integer square root ⌊√n⌋ for 0 ≤ n < 2⁵³. */
function isqrt(n: number): number {
  let r = Math.floor(Math.sqrt(n));
  while (r * r > n) r--;
  while ((r + 1) * (r + 1) <= n) r++;
  return r;
}

function ring2xyf(nside: number, p: number): [number, number, number] {
  const ncap = 2 * nside * (nside - 1), np = 12 * nside * nside, nl2 = 2 * nside;
  let iring: number, iphi: number, kshift: number, nr: number, face: number;
  if (p < ncap) {
    iring = (1 + isqrt(1 + 2 * p)) >> 1;
    iphi = p + 1 - 2 * iring * (iring - 1);
    kshift = 0;
    nr = iring;
    face = Math.floor((iphi - 1) / nr);
  } else if (p < np - ncap) {
    const ip = p - ncap;
    const tmp = Math.floor(ip / (4 * nside));
    iring = tmp + nside;
    iphi = ip - tmp * 4 * nside + 1;
    kshift = (iring + nside) & 1;
    nr = nside;
    const ire = tmp + 1, irm = nl2 + 1 - tmp;
    const ifm = Math.floor((iphi - (ire >> 1) + nside - 1) / nside);
    const ifp = Math.floor((iphi - (irm >> 1) + nside - 1) / nside);
    face = ifp === ifm ? ifp | 4 : ifp < ifm ? ifp : ifm + 8;
  } else {
    const ip = np - p;
    iring = (1 + isqrt(2 * ip - 1)) >> 1;
    iphi = 4 * iring + 1 - (ip - 2 * iring * (iring - 1));
    kshift = 0;
    nr = iring;
    iring = 2 * nl2 - iring;
    face = Math.floor((iphi - 1) / nr) + 8;
  }
  const irt = iring - (2 + (face >> 2)) * nside + 1;
  let ipt = 2 * iphi - JPLL[face] * nr - kshift - 1;
  if (ipt >= nl2) ipt -= 8 * nside;
  return [(ipt - irt) >> 1, (-ipt - irt) >> 1, face];
}

/**
 * NESTED → RING index.
 *
 * @example
 * ```ts
 * import { nest2ring } from "./healpix.ts";
 * // nside 2: the northernmost ring's first pixel is nested pixel 3 (face 0, x = y = 1)
 * if (nest2ring(2, 3) !== 0) throw new Error("nest2ring");
 * ```
 */
export function nest2ring(nside: number, p: number): number {
  checkPix("convert a NESTED index to RING", nside, p);
  const [x, y, f] = nest2xyf(orderOf(nside), p);
  return xyf2ring(nside, x, y, f);
}

/**
 * RING → NESTED index (inverse of {@link nest2ring}).
 *
 * @example
 * ```ts
 * import { ring2nest } from "./healpix.ts";
 * if (ring2nest(2, 0) !== 3) throw new Error("ring2nest");
 * ```
 */
export function ring2nest(nside: number, p: number): number {
  checkPix("convert a RING index to NESTED", nside, p);
  const [x, y, f] = ring2xyf(nside, p);
  return xyf2nest(orderOf(nside), x, y, f);
}

/**
 * Ring number i ∈ 1 … 4·nside − 1 (from the north pole) of a NESTED pixel:
 * `i = JRLL[f]·nside − x − y − 1`.
 *
 * @example
 * ```ts
 * import { ringOf } from "./healpix.ts";
 * if (ringOf(1, 0) !== 1 || ringOf(1, 4) !== 2 || ringOf(1, 8) !== 3) throw new Error("ring");
 * ```
 */
export function ringOf(nside: number, p: number): number {
  checkPix("find the ring of a pixel", nside, p);
  const [x, y, f] = nest2xyf(orderOf(nside), p);
  return JRLL[f] * nside - x - y - 1;
}

/**
 * z = cos θ of ring i: `1 − i²/(3·nside²)` for i < nside, `4/3 − 2i/(3·nside)` for
 * nside ≤ i ≤ 3·nside, `−1 + (4·nside − i)²/(3·nside²)` for i > 3·nside.
 *
 * @example
 * ```ts
 * import { ringZ } from "./healpix.ts";
 * if (ringZ(1, 1) !== 2 / 3 || ringZ(1, 2) !== 0) throw new Error("ringZ");
 * ```
 */
export function ringZ(nside: number, i: number): number {
  orderOf(nside);
  if (!Number.isInteger(i) || i < 1 || i > 4 * nside - 1) {
    throw new RangeError(
      `Cannot compute a ring latitude: expected a ring in 1 … ${4 * nside - 1} for nside ` +
        `${nside}, found ${i}`,
    );
  }
  if (i < nside) return 1 - (i * i) / (3 * nside * nside);
  if (i > 3 * nside) {
    const k = 4 * nside - i;
    return (k * k) / (3 * nside * nside) - 1;
  }
  return (4 * nside - 2 * i) / (3 * nside);
}

/**
 * Number of pixels in ring i: 4i in the north cap, 4·nside in the belt, 4(4·nside − i) in the
 * south cap.
 *
 * @example
 * ```ts
 * import { ringSize } from "./healpix.ts";
 * if (ringSize(4, 1) !== 4 || ringSize(4, 8) !== 16 || ringSize(4, 15) !== 4) throw new Error();
 * ```
 */
export function ringSize(nside: number, i: number): number {
  ringZ(nside, i);
  return 4 * Math.min(i, nside, 4 * nside - i);
}

/**
 * Centre of a NESTED pixel. θ is computed from 1 − |z| (exact rational in the caps) via
 * `θ = atan2(sin θ, z)`, so it stays accurate near the poles.
 *
 * @example
 * ```ts
 * import { pix2angNest } from "./healpix.ts";
 * const { theta, phi } = pix2angNest(1, 4); // base pixel 4: on the equator at φ = 0
 * if (Math.abs(theta - Math.PI / 2) > 1e-15 || phi !== 0) throw new Error("centre");
 * ```
 */
export function pix2angNest(nside: number, p: number): Angle {
  checkPix("compute a pixel centre", nside, p);
  const [x, y, f] = nest2xyf(orderOf(nside), p);
  const jr = JRLL[f] * nside - x - y - 1;
  let nr: number, z: number, oneMinusAbsZ: number;
  if (jr < nside) {
    nr = jr;
    oneMinusAbsZ = (nr * nr) / (3 * nside * nside);
    z = 1 - oneMinusAbsZ;
  } else if (jr > 3 * nside) {
    nr = 4 * nside - jr;
    oneMinusAbsZ = (nr * nr) / (3 * nside * nside);
    z = oneMinusAbsZ - 1;
  } else {
    nr = nside;
    z = (2 * (2 * nside - jr)) / (3 * nside);
    oneMinusAbsZ = 1 - Math.abs(z);
  }
  const sinTheta = Math.sqrt(oneMinusAbsZ * (2 - oneMinusAbsZ));
  let tmp = JPLL[f] * nr + x - y;
  if (tmp < 0) tmp += 8 * nr;
  return { theta: Math.atan2(sinTheta, z), phi: (Math.PI / 4) * (tmp / nr) };
}

/**
 * Centre of a RING pixel, straight from the ring formulas of Górski et al. (2005, §4);
 * an implementation independent of the NESTED face arithmetic (the tests compare the two).
 *
 * @example
 * ```ts
 * import { pix2angRing } from "./healpix.ts";
 * const { theta, phi } = pix2angRing(2, 0); // ring 1, j = 1: z = 11/12, φ = π/4
 * if (Math.abs(Math.cos(theta) - 11 / 12) > 1e-15 || phi !== Math.PI / 4) throw new Error();
 * ```
 */
export function pix2angRing(nside: number, p: number): Angle {
  checkPix("compute a pixel centre", nside, p);
  const np = 12 * nside * nside, ncap = 2 * nside * (nside - 1);
  let i: number, phi: number;
  if (p < ncap) {
    i = (1 + isqrt(1 + 2 * p)) >> 1; // largest i with 2i(i − 1) ≤ p
    const j = p + 1 - 2 * i * (i - 1);
    phi = (Math.PI / (2 * i)) * (j - 0.5);
  } else if (p < np - ncap) {
    const q = p - ncap;
    i = Math.floor(q / (4 * nside)) + nside;
    const j = (q % (4 * nside)) + 1;
    // s = (i − nside + 1) mod 2; each ring starts at the smallest φ ≥ 0, as in healpix_base
    const s = (i - nside + 1) % 2;
    phi = (Math.PI / (2 * nside)) * (j - 1 + s / 2);
  } else {
    const q = np - p;
    const k = (1 + isqrt(2 * q - 1)) >> 1; // ring counted from the south pole
    const j = 4 * k + 1 - (q - 2 * k * (k - 1));
    phi = (Math.PI / (2 * k)) * (j - 0.5);
    i = 4 * nside - k;
  }
  const z = ringZ(nside, i);
  const k = Math.min(i, 4 * nside - i);
  const oneMinusAbsZ = k < nside ? (k * k) / (3 * nside * nside) : 1 - Math.abs(z);
  return { theta: Math.atan2(Math.sqrt(oneMinusAbsZ * (2 - oneMinusAbsZ)), z), phi };
}

/**
 * NESTED pixel containing the direction (θ, φ); φ is taken modulo 2π. Pixels own their
 * boundaries as in healpix_base `loc2pix` (half-open in the face coordinates). Throws
 * `RangeError` when θ ∉ [0, π] or either angle is not finite.
 *
 * @example
 * ```ts
 * import { ang2pixNest } from "./healpix.ts";
 * if (ang2pixNest(1, 0, 0) !== 0 || ang2pixNest(1, Math.PI, 0) !== 8) throw new Error("poles");
 * ```
 */
export function ang2pixNest(nside: number, theta: number, phi: number): number {
  const order = orderOf(nside);
  if (!(theta >= 0 && theta <= Math.PI) || !Number.isFinite(phi)) {
    throw new RangeError(
      `Cannot locate a direction: expected θ in [0, π] and finite φ, found θ = ${theta}, ` +
        `φ = ${phi}`,
    );
  }
  const z = Math.cos(theta), za = Math.abs(z);
  let tt = (phi / (Math.PI / 2)) % 4;
  if (tt < 0) tt += 4;
  if (tt >= 4) tt = 0;
  if (za <= 2 / 3) {
    const t1 = nside * (0.5 + tt), t2 = nside * z * 0.75;
    const jp = Math.floor(t1 - t2), jm = Math.floor(t1 + t2);
    const ifp = jp >> order, ifm = jm >> order;
    const face = ifp === ifm ? ifp | 4 : ifp < ifm ? ifp : ifm + 8;
    const x = jm & (nside - 1), y = nside - (jp & (nside - 1)) - 1;
    return xyf2nest(order, x, y, face);
  }
  const ntt = Math.min(3, Math.floor(tt));
  const tp = tt - ntt;
  // nside·√(3(1 − |z|)) with 1 − |z| = sin²θ / (1 + |z|), accurate near the poles
  const tmp = nside * Math.sin(theta) * Math.sqrt(3 / (1 + za));
  const jp = Math.min(nside - 1, Math.floor(tp * tmp));
  const jm = Math.min(nside - 1, Math.floor((1 - tp) * tmp));
  return z >= 0
    ? xyf2nest(order, nside - jm - 1, nside - jp - 1, ntt)
    : xyf2nest(order, jp, jm, ntt + 8);
}

/**
 * The 8 neighbours of a NESTED pixel in the healpy order {@link NEIGHBOUR_ORDER}
 * (SW, W, NW, N, NE, E, SE, S, i.e. face offsets (−1,0), (−1,1), (0,1), (1,1), (1,0), (1,−1),
 * (0,−1), (−1,−1)); −1 where none exists. For nside ≥ 2 exactly 24 pixels lack one neighbour:
 * the 3 pixels around each of the 8 vertices where only 3 base faces meet (z = ±2/3). At
 * nside = 1 the base pixels repeat among their own neighbours (as in healpy).
 *
 * @example
 * ```ts
 * import { neighboursNest } from "./healpix.ts";
 * const nb = neighboursNest(2, 0); // corner pixel of face 0: SW (face 4) and S (face 8) exist
 * if (nb.length !== 8 || nb.includes(0)) throw new Error("neighbours");
 * ```
 */
export function neighboursNest(nside: number, p: number): Int32Array {
  checkPix("find neighbours", nside, p);
  const order = orderOf(nside);
  const [ix, iy, face] = nest2xyf(order, p);
  const out = new Int32Array(8);
  for (let m = 0; m < 8; m++) {
    let x = ix + NB_X[m], y = iy + NB_Y[m], nb = 4;
    if (x < 0) {
      x += nside;
      nb -= 1;
    } else if (x >= nside) {
      x -= nside;
      nb += 1;
    }
    if (y < 0) {
      y += nside;
      nb -= 3;
    } else if (y >= nside) {
      y -= nside;
      nb += 3;
    }
    const f = NB_FACE[nb][face];
    if (f < 0) {
      out[m] = -1;
      continue;
    }
    const bits = NB_SWAP[nb][face >> 2];
    if (bits & 1) x = nside - x - 1;
    if (bits & 2) y = nside - y - 1;
    if (bits & 4) [x, y] = [y, x];
    out[m] = xyf2nest(order, x, y, f);
  }
  return out;
}

/**
 * Centres of all NESTED pixels as arrays of colatitude and longitude (radians), index = pixel.
 *
 * @example
 * ```ts
 * import { pixelCentresNest } from "./healpix.ts";
 * const { theta, phi } = pixelCentresNest(1);
 * if (theta.length !== 12 || phi[4] !== 0) throw new Error("centres");
 * ```
 */
export function pixelCentresNest(nside: number): { theta: Float64Array; phi: Float64Array } {
  const n = npix(nside);
  const theta = new Float64Array(n), phi = new Float64Array(n);
  for (let p = 0; p < n; p++) {
    const a = pix2angNest(nside, p);
    theta[p] = a.theta;
    phi[p] = a.phi;
  }
  return { theta, phi };
}

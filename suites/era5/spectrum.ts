/**
 * Spherical harmonics on HEALPix: orthonormal associated Legendre functions, synthesis of a
 * band-limited field (at HEALPix pixel centres or at arbitrary points), analysis by quadrature
 * over the equal-area pixels (optionally Jacobi-iterated as healpy's `map2alm(iter=…)`), and the
 * angular power spectrum C_ℓ (by {@link healpixQuadrature}: ring pairs, FFTs, no allocation
 * beyond the result).
 *
 * Conventions: Y_ℓm(θ, φ) = P̄_ℓm(cos θ)·e^{imφ} with ∫|Y_ℓm|² dΩ = 1 (no Condon–Shortley
 * phase). A real field is f = Σ_ℓ [a_ℓ0 Y_ℓ0 + 2 Re Σ_{m>0} a_ℓm Y_ℓm], and only m ≥ 0 is
 * stored: `re[idx(ℓ, m)]`, `im[idx(ℓ, m)]` with `idx(ℓ, m) = ℓ(ℓ+1)/2 + m`. Then
 * C_ℓ = (|a_ℓ0|² + 2 Σ_{m>0} |a_ℓm|²) / (2ℓ + 1) and Parseval reads
 * (1/4π) ∫ f² dΩ = Σ_ℓ (2ℓ + 1) C_ℓ / 4π.
 *
 * @example
 * ```ts
 * import { angularPowerSpectrum } from "./spectrum.ts";
 * const c = angularPowerSpectrum(new Float64Array(192).fill(2), 4); // constant 2: only ℓ = 0
 * if (Math.abs(c[0] - 16 * Math.PI) > 1e-9 || Math.abs(c[3]) > 1e-20) throw new Error("C_0");
 * ```
 * @module
 */
import { rfftInto } from "../../metrics/fft.ts";
import { npix, orderOf, pixelCentresNest, ringOf, ringZ } from "./healpix.ts";

/** Spherical-harmonic coefficients a_ℓm, m ≥ 0, of a real field, band limit `lmax`. */
export interface Alm {
  readonly lmax: number;
  /** Real parts, index `ℓ(ℓ+1)/2 + m`. */
  readonly re: Float64Array;
  /** Imaginary parts, same index. */
  readonly im: Float64Array;
}

/**
 * Index of (ℓ, m), 0 ≤ m ≤ ℓ, in the triangular storage: `ℓ(ℓ+1)/2 + m`.
 *
 * @example
 * ```ts
 * import { lmIndex } from "./spectrum.ts";
 * if (lmIndex(0, 0) !== 0 || lmIndex(2, 1) !== 4) throw new Error("index");
 * ```
 */
export function lmIndex(l: number, m: number): number {
  return (l * (l + 1)) / 2 + m;
}

/** Number of stored (ℓ, m ≥ 0) pairs up to `lmax`: `(lmax+1)(lmax+2)/2`. */
export function almSize(lmax: number): number {
  return ((lmax + 1) * (lmax + 2)) / 2;
}

/**
 * Zero coefficients of band limit `lmax`.
 *
 * @example
 * ```ts
 * import { zeroAlm } from "./spectrum.ts";
 * if (zeroAlm(3).re.length !== 10) throw new Error("size");
 * ```
 */
export function zeroAlm(lmax: number): Alm {
  checkLmax(lmax);
  return { lmax, re: new Float64Array(almSize(lmax)), im: new Float64Array(almSize(lmax)) };
}

function checkLmax(lmax: number): void {
  if (!Number.isInteger(lmax) || lmax < 0 || lmax > 4096) {
    throw new RangeError(
      `Spherical harmonics: expected lmax an integer in 0 … 4096, found ${lmax}`,
    );
  }
}

/**
 * Orthonormal associated Legendre functions P̄_ℓm(x), 0 ≤ m ≤ ℓ ≤ lmax, at x = cos θ, by the
 * standard stable recurrences: P̄_00 = 1/√(4π), P̄_mm = √((2m+1)/(2m))·sin θ·P̄_{m−1,m−1},
 * P̄_{m+1,m} = √(2m+3)·x·P̄_mm, P̄_ℓm = a_ℓm (x P̄_{ℓ−1,m} − b_ℓm P̄_{ℓ−2,m}) with
 * a_ℓm = √((4ℓ²−1)/(ℓ²−m²)), b_ℓm = √(((ℓ−1)²−m²)/(4(ℓ−1)²−1)). Normalised so that
 * 2π ∫₋₁¹ P̄_ℓm² dx = 1.
 *
 * @example
 * ```ts
 * import { legendreNormalized, lmIndex } from "./spectrum.ts";
 * const p = legendreNormalized(2, 0.5); // P̄_10 = √(3/4π)·x
 * if (Math.abs(p[lmIndex(1, 0)] - Math.sqrt(3 / (4 * Math.PI)) * 0.5) > 1e-15) throw new Error();
 * ```
 */
export function legendreNormalized(
  lmax: number,
  x: number,
  out: Float64Array = new Float64Array(almSize(lmax)),
): Float64Array {
  const { a, b, d } = recurrence(lmax);
  const s = Math.sqrt(Math.max(0, (1 - x) * (1 + x)));
  let pmm = 1 / Math.sqrt(4 * Math.PI);
  for (let m = 0; m <= lmax; m++) {
    if (m > 0) pmm *= d[m] * s;
    let k = lmIndex(m, m);
    out[k] = pmm;
    if (m === lmax) break;
    let p2 = pmm, p1 = Math.sqrt(2 * m + 3) * x * pmm;
    k += m + 1; // idx(m + 1, m)
    out[k] = p1;
    for (let l = m + 2; l <= lmax; l++) {
      k += l; // idx(l, m) = idx(l − 1, m) + l
      const p = a[k] * (x * p1 - b[k] * p2);
      out[k] = p;
      p2 = p1;
      p1 = p;
    }
  }
  return out;
}

const recurrences = new Map<number, { a: Float64Array; b: Float64Array; d: Float64Array }>();

/** Cached a_ℓm, b_ℓm (by index) and d_m = √((2m+1)/(2m)) of {@link legendreNormalized}. */
function recurrence(lmax: number): { a: Float64Array; b: Float64Array; d: Float64Array } {
  const hit = recurrences.get(lmax);
  if (hit) return hit;
  const a = new Float64Array(almSize(lmax)), b = new Float64Array(almSize(lmax));
  const d = new Float64Array(lmax + 1);
  for (let m = 1; m <= lmax; m++) d[m] = Math.sqrt((2 * m + 1) / (2 * m));
  for (let m = 0; m <= lmax; m++) {
    for (let l = m + 2; l <= lmax; l++) {
      const k = lmIndex(l, m);
      a[k] = Math.sqrt((4 * l * l - 1) / (l * l - m * m));
      b[k] = Math.sqrt(((l - 1) * (l - 1) - m * m) / (4 * (l - 1) * (l - 1) - 1));
    }
  }
  if (recurrences.size >= 8) recurrences.delete(recurrences.keys().next().value!);
  const r = { a, b, d };
  recurrences.set(lmax, r);
  return r;
}

/** Ring structure of a HEALPix grid (cached per nside). */
interface RingLayout {
  /** Nested pixel indices, ring after ring. */
  pix: Int32Array;
  /** Longitudes of `pix`. */
  phi: Float64Array;
  /** Ring r covers `pix[start[r] … start[r+1])`. */
  start: Int32Array;
  /** Position j of `pix[k]` in its ring: φ = φ0_r + 2πj/n_r. */
  slot: Int32Array;
  /** φ0_r: smallest longitude of ring r. */
  phi0: Float64Array;
}

/** The ring structure with Legendre tables up to `lmax` (cached). */
interface RingPlan extends RingLayout {
  nside: number;
  lmax: number;
  /** P̄_ℓm(z_r), ring-major: `leg[r·almSize + idx]`. */
  leg: Float64Array;
}

/** cos and sin of 2πk/n, k = 0 … n − 1 (cached per ring length). */
const twiddles = new Map<number, { c: Float64Array; s: Float64Array }>();
function twiddle(n: number): { c: Float64Array; s: Float64Array } {
  let t = twiddles.get(n);
  if (!t) {
    t = { c: new Float64Array(n), s: new Float64Array(n) };
    for (let k = 0; k < n; k++) {
      t.c[k] = Math.cos((2 * Math.PI * k) / n);
      t.s[k] = Math.sin((2 * Math.PI * k) / n);
    }
    twiddles.set(n, t);
  }
  return t;
}

const layouts = new Map<number, RingLayout>();

function ringLayout(nside: number): RingLayout {
  const hit = layouts.get(nside);
  if (hit) return hit;
  const n = npix(nside), nr = 4 * nside - 1;
  const { phi: phiN } = pixelCentresNest(nside);
  const count = new Int32Array(nr + 1);
  const ringOfPix = new Int32Array(n);
  for (let p = 0; p < n; p++) {
    ringOfPix[p] = ringOf(nside, p) - 1;
    count[ringOfPix[p] + 1]++;
  }
  const start = new Int32Array(nr + 1);
  for (let r = 0; r < nr; r++) start[r + 1] = start[r] + count[r + 1];
  const fill = start.slice(0, nr);
  const pix = new Int32Array(n), phi = new Float64Array(n);
  for (let p = 0; p < n; p++) {
    const k = fill[ringOfPix[p]]++;
    pix[k] = p;
    phi[k] = phiN[p];
  }
  const slot = new Int32Array(n), phi0 = new Float64Array(nr);
  for (let r = 0; r < nr; r++) {
    let lo = Infinity;
    for (let k = start[r]; k < start[r + 1]; k++) lo = Math.min(lo, phi[k]);
    phi0[r] = lo;
    const len = start[r + 1] - start[r];
    for (let k = start[r]; k < start[r + 1]; k++) {
      slot[k] = Math.round(((phi[k] - lo) * len) / (2 * Math.PI));
    }
  }
  const layout = { pix, phi, start, slot, phi0 };
  if (layouts.size >= 8) layouts.delete(layouts.keys().next().value!);
  layouts.set(nside, layout);
  return layout;
}

const plans = new Map<string, RingPlan>();

function ringPlan(nside: number, lmax: number): RingPlan {
  orderOf(nside);
  checkLmax(lmax);
  const key = `${nside}:${lmax}`;
  const hit = plans.get(key);
  if (hit) return hit;
  const nr = 4 * nside - 1, size = almSize(lmax);
  const leg = new Float64Array(nr * size);
  for (let r = 0; r < nr; r++) {
    legendreNormalized(lmax, ringZ(nside, r + 1), leg.subarray(r * size));
  }
  const plan = { ...ringLayout(nside), nside, lmax, leg };
  if (plans.size >= 8) plans.delete(plans.keys().next().value!);
  plans.set(key, plan);
  return plan;
}

/**
 * The band-limited field Σ a_ℓm Y_ℓm at every HEALPix pixel centre (nested order), by ring
 * sums: G_m(z_r) = Σ_ℓ a_ℓm P̄_ℓm(z_r), then f = Re G_0 + 2 Re Σ_{m>0} G_m e^{im(φ − δ)}.
 * `shift` = δ rotates the field eastward by δ radians about the polar axis (exactly).
 *
 * @example
 * ```ts
 * import { lmIndex, synthesizeHealpix, zeroAlm } from "./spectrum.ts";
 * const a = zeroAlm(2);
 * a.re[lmIndex(0, 0)] = Math.sqrt(4 * Math.PI); // f ≡ 1
 * if (synthesizeHealpix(a, 2).some((v) => Math.abs(v - 1) > 1e-12)) throw new Error("Y00");
 * ```
 */
export function synthesizeHealpix(alm: Alm, nside: number, shift = 0): Float64Array {
  const L = alm.lmax, plan = ringPlan(nside, L), size = almSize(L);
  const out = new Float64Array(npix(nside));
  const gr = new Float64Array(L + 1), gi = new Float64Array(L + 1);
  for (let r = 0; r < plan.start.length - 1; r++) {
    const leg = plan.leg.subarray(r * size, (r + 1) * size);
    for (let m = 0; m <= L; m++) {
      let sr = 0, si = 0;
      for (let l = m; l <= L; l++) {
        const k = lmIndex(l, m), p = leg[k];
        sr += alm.re[k] * p;
        si += alm.im[k] * p;
      }
      gr[m] = m === 0 ? sr : 2 * sr;
      gi[m] = m === 0 ? si : 2 * si;
    }
    for (let k = plan.start[r]; k < plan.start[r + 1]; k++) {
      const ang = plan.phi[k] - shift;
      const c1 = Math.cos(ang), s1 = Math.sin(ang);
      let c = 1, s = 0, v = gr[0];
      for (let m = 1; m <= L; m++) {
        const cn = c * c1 - s * s1;
        s = s * c1 + c * s1;
        c = cn;
        v += gr[m] * c - gi[m] * s;
      }
      out[plan.pix[k]] = v;
    }
  }
  return out;
}

/**
 * The band-limited field Σ a_ℓm Y_ℓm at arbitrary points (θ, φ) (Legendre recurrence per
 * point: O(lmax²) each).
 *
 * @example
 * ```ts
 * import { lmIndex, synthesizeAt, zeroAlm } from "./spectrum.ts";
 * const a = zeroAlm(1);
 * a.re[lmIndex(1, 0)] = 1; // Y_10 = √(3/4π) cos θ
 * const v = synthesizeAt(a, [0], [1.3])[0];
 * if (Math.abs(v - Math.sqrt(3 / (4 * Math.PI))) > 1e-14) throw new Error("Y10");
 * ```
 */
export function synthesizeAt(
  alm: Alm,
  theta: ArrayLike<number>,
  phi: ArrayLike<number>,
): Float64Array {
  const L = alm.lmax, n = theta.length;
  const out = new Float64Array(n), leg = new Float64Array(almSize(L));
  for (let i = 0; i < n; i++) {
    legendreNormalized(L, Math.cos(theta[i]), leg);
    const c1 = Math.cos(phi[i]), s1 = Math.sin(phi[i]);
    let c = 1, s = 0, v = 0;
    for (let m = 0; m <= L; m++) {
      if (m > 0) {
        const cn = c * c1 - s * s1;
        s = s * c1 + c * s1;
        c = cn;
      }
      let sr = 0, si = 0;
      for (let l = m; l <= L; l++) {
        const k = lmIndex(l, m);
        sr += alm.re[k] * leg[k];
        si += alm.im[k] * leg[k];
      }
      v += (m === 0 ? 1 : 2) * (sr * c - si * s);
    }
    out[i] = v;
  }
  return out;
}

function quadrature(field: ArrayLike<number>, nside: number, lmax: number): Alm {
  const plan = ringPlan(nside, lmax), size = almSize(lmax), alm = zeroAlm(lmax);
  const w = (4 * Math.PI) / npix(nside);
  const fr = new Float64Array(lmax + 1), fi = new Float64Array(lmax + 1);
  const x = new Float64Array(4 * nside);
  const gr = new Float64Array(4 * nside), gi = new Float64Array(4 * nside);
  for (let r = 0; r < plan.start.length - 1; r++) {
    // Ring DFT: the n pixels sit at φ0 + 2πj/n, so F_m = e^{−imφ0} G_{m mod n} with
    // G_k = Σ_j x_j e^{−2πikj/n} (k < min(n, lmax + 1) suffice).
    const a = plan.start[r], n = plan.start[r + 1] - a, tw = twiddle(n);
    for (let k = a; k < a + n; k++) x[plan.slot[k]] = field[plan.pix[k]];
    const K = Math.min(n - 1, lmax);
    for (let k = 0; k <= K; k++) {
      let sr = 0, si = 0, idx = 0;
      for (let j = 0; j < n; j++) {
        sr += x[j] * tw.c[idx];
        si -= x[j] * tw.s[idx];
        idx += k;
        if (idx >= n) idx -= n;
      }
      gr[k] = sr;
      gi[k] = si;
    }
    const c1 = Math.cos(plan.phi0[r]), s1 = Math.sin(plan.phi0[r]);
    let c = 1, s = 0;
    for (let m = 0; m <= lmax; m++) {
      if (m > 0) {
        const cn = c * c1 - s * s1;
        s = s * c1 + c * s1;
        c = cn;
      }
      const k = m % n;
      // (gr + i gi)(c − i s)
      fr[m] = gr[k] * c + gi[k] * s;
      fi[m] = gi[k] * c - gr[k] * s;
    }
    const leg = plan.leg.subarray(r * size, (r + 1) * size);
    for (let m = 0; m <= lmax; m++) {
      const wr = w * fr[m], wi = w * fi[m];
      let k = lmIndex(m, m);
      for (let l = m; l <= lmax; l++) {
        alm.re[k] += leg[k] * wr;
        alm.im[k] += leg[k] * wi;
        k += l + 1; // idx(l + 1, m) = idx(l, m) + l + 1
      }
    }
  }
  return alm;
}

/**
 * The ring pairs of a HEALPix grid for {@link healpixQuadrature}, with tables up to `lmax` and a
 * workspace (cached per (nside, lmax); one call at a time, as JavaScript runs).
 */
interface PairPlan {
  /** Number of pairs: 2·nside (north ring r with south ring 4·nside − 2 − r; the equator alone). */
  np: number;
  lmax: number;
  /** Ring length of pair p. */
  len: Int32Array;
  /** The nested pixels of pair p's north ring in slot order: `pixN[off[p] + j]`, j < len[p]. */
  pixN: Int32Array;
  /** Same for the south ring (the equator's pair: the equator again). */
  pixS: Int32Array;
  off: Int32Array;
  /** w·cos(mφ0_p) at `[p·(lmax+1) + m]`, w·sin(mφ0_p) at `[(np + p)·(lmax+1) + m]`, w = 4π/N. */
  ph: Float64Array;
  /** Offset of order m in the m-major storage: (ℓ, m) at `mOff[m] + ℓ − m`. */
  mOff: Int32Array;
  /** P̄_ℓm(z_p) of the north ring (z_p ≥ 0) at `(mOff[m] + ℓ − m)·np + p`. */
  leg: Float64Array;
  /** cos/sin(2πk/n) for the ring lengths that are not powers of two (by length). */
  tw: Map<number, { c: Float64Array; s: Float64Array }>;
  /** Workspace: the pair sums S_m(p) and differences D_m(p), `[m·np + p]`, re and im. */
  sr: Float64Array;
  si: Float64Array;
  dr: Float64Array;
  di: Float64Array;
  /** Workspace: one pair's sum and difference rings, their DFTs, FFT scratch. */
  xs: Float64Array;
  xd: Float64Array;
  gsr: Float64Array;
  gsi: Float64Array;
  gdr: Float64Array;
  gdi: Float64Array;
  zr: Float64Array;
  zi: Float64Array;
  /** Workspace of the folded DFT: `[8, nside]`. */
  q: Float64Array;
}

const pairPlans = new Map<string, PairPlan>();

function pairPlan(nside: number, lmax: number): PairPlan {
  const key = `${nside}:${lmax}`;
  const hit = pairPlans.get(key);
  if (hit) return hit;
  orderOf(nside);
  checkLmax(lmax);
  const rings = ringLayout(nside), nr = 4 * nside - 1, np = 2 * nside, L1 = lmax + 1;
  const len = new Int32Array(np), off = new Int32Array(np + 1);
  for (let p = 0; p < np; p++) {
    len[p] = rings.start[p + 1] - rings.start[p];
    off[p + 1] = off[p] + len[p];
  }
  const pixN = new Int32Array(off[np]), pixS = new Int32Array(off[np]);
  const ph = new Float64Array(2 * np * L1), w = (4 * Math.PI) / npix(nside);
  const tw = new Map<number, { c: Float64Array; s: Float64Array }>();
  for (let p = 0; p < np; p++) {
    const rn = p, rs = nr - 1 - p, n = len[p];
    // Mirrored rings have the same length and longitudes (HEALPix is symmetric about z = 0).
    if (
      rings.start[rs + 1] - rings.start[rs] !== n ||
      Math.abs(rings.phi0[rs] - rings.phi0[rn]) > 1e-12
    ) {
      throw new RangeError(`HEALPix rings ${rn + 1} and ${rs + 1} are not mirror images`);
    }
    for (let k = rings.start[rn]; k < rings.start[rn + 1]; k++) {
      pixN[off[p] + rings.slot[k]] = rings.pix[k];
    }
    for (let k = rings.start[rs]; k < rings.start[rs + 1]; k++) {
      pixS[off[p] + rings.slot[k]] = rings.pix[k];
    }
    for (let m = 0; m <= lmax; m++) {
      ph[p * L1 + m] = w * Math.cos(m * rings.phi0[rn]);
      ph[(np + p) * L1 + m] = w * Math.sin(m * rings.phi0[rn]);
    }
    if ((n & (n - 1)) !== 0 || n < 8) tw.set(n, twiddle(n));
  }
  const mOff = new Int32Array(L1 + 1);
  for (let m = 0; m <= lmax; m++) mOff[m + 1] = mOff[m] + lmax - m + 1;
  const leg = new Float64Array(almSize(lmax) * np), size = almSize(lmax);
  const one = new Float64Array(size);
  for (let p = 0; p < np; p++) {
    legendreNormalized(lmax, ringZ(nside, p + 1), one);
    for (let m = 0; m <= lmax; m++) {
      for (let l = m; l <= lmax; l++) leg[(mOff[m] + l - m) * np + p] = one[lmIndex(l, m)];
    }
  }
  const n4 = 4 * nside,
    ws = () => new Float64Array(np * L1),
    g = () => new Float64Array(n4 / 2 + 1);
  const plan: PairPlan = {
    np,
    lmax,
    len,
    pixN,
    pixS,
    off,
    ph,
    mOff,
    leg,
    tw,
    sr: ws(),
    si: ws(),
    dr: ws(),
    di: ws(),
    xs: new Float64Array(n4),
    xd: new Float64Array(n4),
    gsr: g(),
    gsi: g(),
    gdr: g(),
    gdi: g(),
    zr: new Float64Array(n4 / 2),
    zi: new Float64Array(n4 / 2),
    q: new Float64Array(8 * nside),
  };
  if (pairPlans.size >= 8) pairPlans.delete(pairPlans.keys().next().value!);
  pairPlans.set(key, plan);
  return plan;
}

/**
 * DFT bins G_k = Σ_j x_j e^{−2πijk/n}, k = 0 … `kmax` (≤ n/2), of the two real rings `xs`, `xd`
 * of length n = 4r (not a power of two), folded twice: x_j and x_{n−j} share cos θ_kj and (with
 * opposite sign) sin θ_kj, θ_kj = 2πkj/n; then with e_j = x_j + x_{n−j}, o_j = x_j − x_{n−j}
 * and h = n/2, cos θ_{k,h−j} = (−1)^k cos θ_kj and sin θ_{k,h−j} = −(−1)^k sin θ_kj, so
 * G_k = x_0 + (−1)^k x_h + e_r cos(πk/2) − i o_r sin(πk/2)
 *     + Σ_{j<r} (e_j + (−1)^k e_{h−j}) cos θ_kj − i Σ_{j<r} (o_j − (−1)^k o_{h−j}) sin θ_kj:
 * r − 1 products per bin, part and ring (n − 1 unfolded).
 */
function foldedDft(plan: PairPlan, n: number, kmax: number): void {
  const { xs, xd, gsr, gsi, gdr, gdi, q } = plan, { c, s } = plan.tw.get(n)!;
  const h = n / 2, r = n / 4;
  // q: [8, r] — e_j ± e_{h−j}, o_j ∓ o_{h−j} of both rings: even k's sums, then odd k's.
  for (let j = 1; j < r; j++) {
    const a = xs[j] + xs[n - j], b = xs[h - j] + xs[h + j];
    const u = xs[j] - xs[n - j], v = xs[h - j] - xs[h + j];
    const a2 = xd[j] + xd[n - j], b2 = xd[h - j] + xd[h + j];
    const u2 = xd[j] - xd[n - j], v2 = xd[h - j] - xd[h + j];
    q[j] = a + b;
    q[r + j] = u - v;
    q[2 * r + j] = a2 + b2;
    q[3 * r + j] = u2 - v2;
    q[4 * r + j] = a - b;
    q[5 * r + j] = u + v;
    q[6 * r + j] = a2 - b2;
    q[7 * r + j] = u2 + v2;
  }
  const er = xs[r] + xs[3 * r], or = xs[r] - xs[3 * r];
  const er2 = xd[r] + xd[3 * r], or2 = xd[r] - xd[3 * r];
  for (let k = 0; k <= kmax; k++) {
    const odd = k & 1, base = odd * 4 * r;
    // cos(πk/2), sin(πk/2)
    const ck = odd ? 0 : (k & 2) === 0 ? 1 : -1, sk = odd ? ((k & 2) === 0 ? 1 : -1) : 0;
    const sign = odd ? -1 : 1;
    let ar = xs[0] + sign * xs[h] + er * ck, ai = -or * sk;
    let br = xd[0] + sign * xd[h] + er2 * ck, bi = -or2 * sk;
    let idx = k;
    for (let j = 1; j < r; j++) {
      const cj = c[idx], sj = s[idx];
      ar += q[base + j] * cj;
      ai -= q[base + r + j] * sj;
      br += q[base + 2 * r + j] * cj;
      bi -= q[base + 3 * r + j] * sj;
      idx += k;
      if (idx >= n) idx -= n;
    }
    gsr[k] = ar;
    gsi[k] = ai;
    gdr[k] = br;
    gdi[k] = bi;
  }
}

/**
 * a_ℓm = (4π/N) Σ_p f(p) Y*_ℓm(p), ℓ ≤ `lmax`, the same quadrature as {@link analyseHealpix} with
 * no iteration, computed by ring pairs (equal to it to round-off, not bit for bit). The ring at
 * −z has the length and longitudes of the ring at z, and P̄_ℓm(−z) = (−1)^{ℓ+m} P̄_ℓm(z), so with
 * F^N_m, F^S_m the Fourier coefficients of a pair's north and south rings,
 * a_ℓm = (4π/N) Σ_pairs P̄_ℓm(z)·(F^N_m ± F^S_m), + for ℓ + m even. The ring DFTs are real FFTs
 * (`metrics/fft.ts`) for power-of-two lengths (the 2·nside + 1 rings of 4·nside pixels between
 * the caps), else DFTs folded on x_j, x_{n−j}; F_m = e^{−imφ0}·G_{m mod n} for a ring of n
 * pixels at φ0 + 2πj/n. Writes into `out` (default fresh coefficients).
 *
 * @example
 * ```ts
 * import { analyseHealpix, healpixQuadrature } from "./spectrum.ts";
 * const f = Float64Array.from({ length: 768 }, (_, p) => Math.sin(p));
 * const a = healpixQuadrature(f, 8, 11), b = analyseHealpix(f, 8, 11);
 * if (a.re.some((v, k) => Math.abs(v - b.re[k]) > 1e-13)) throw new Error("same quadrature");
 * ```
 */
export function healpixQuadrature(
  field: ArrayLike<number>,
  nside: number,
  lmax: number,
  out: Alm = zeroAlm(lmax),
): Alm {
  if (field.length !== npix(nside)) {
    throw new RangeError(
      `Spherical-harmonic analysis: expected ${
        npix(nside)
      } values (nside ${nside}), found ${field.length}`,
    );
  }
  checkLmax(lmax);
  if (out.lmax !== lmax || out.re.length !== almSize(lmax) || out.im.length !== almSize(lmax)) {
    throw new RangeError(
      `Spherical-harmonic analysis: expected output coefficients of lmax ${lmax}, found ${out.lmax}`,
    );
  }
  const plan = pairPlan(nside, lmax), { np, len, off, pixN, pixS, ph, xs, xd } = plan;
  const { gsr, gsi, gdr, gdi, sr, si, dr, di } = plan, L1 = lmax + 1, sinAt = np * L1;
  for (let p = 0; p < np; p++) {
    const n = len[p], a = off[p], h = n / 2;
    const equator = p === np - 1;
    for (let j = 0; j < n; j++) {
      const north = field[pixN[a + j]], south = equator ? 0 : field[pixS[a + j]];
      xs[j] = north + south;
      xd[j] = north - south;
    }
    const kmax = Math.min(h, lmax);
    if (n >= 8 && (n & (n - 1)) === 0) {
      rfftInto(xs, 0, n, gsr, gsi, 0, 1, plan.zr, plan.zi);
      rfftInto(xd, 0, n, gdr, gdi, 0, 1, plan.zr, plan.zi);
    } else foldedDft(plan, n, kmax);
    // F_m = e^{−imφ0}·G_{m mod n}, G_{n−k} = conj G_k; times the pixel area (in ph).
    for (let m = 0, k = 0; m <= lmax; m++) {
      const c = ph[p * L1 + m], s = ph[sinAt + p * L1 + m], at = m * np + p;
      const g = k <= h ? 1 : -1, q = k <= h ? k : n - k;
      const ar = gsr[q], ai = g * gsi[q], br = gdr[q], bi = g * gdi[q];
      // (ar + i ai)(c − i s)
      sr[at] = ar * c + ai * s;
      si[at] = ai * c - ar * s;
      dr[at] = br * c + bi * s;
      di[at] = bi * c - br * s;
      if (++k === n) k = 0;
    }
  }
  // a_ℓm = Σ_p P̄_ℓm(z_p)·(S or D)_m(p): dot products over pairs, m-major tables.
  const { leg, mOff } = plan, re = out.re, im = out.im;
  for (let m = 0; m <= lmax; m++) {
    const fo = m * np;
    for (let l = m; l <= lmax; l++) {
      const q = (mOff[m] + l - m) * np, even = ((l - m) & 1) === 0;
      const fr = even ? sr : dr, fi = even ? si : di;
      let ar = 0, ai = 0;
      for (let p = 0; p < np; p++) {
        const v = leg[q + p];
        ar += v * fr[fo + p];
        ai += v * fi[fo + p];
      }
      const k = lmIndex(l, m);
      re[k] = ar;
      im[k] = ai;
    }
  }
  return out;
}

/**
 * Coefficients a_ℓm of a HEALPix field (nested) by quadrature over the equal-area pixels,
 * a_ℓm ≈ (4π/N) Σ_p f(p) Y*_ℓm(p), then `iterations` Jacobi refinements
 * a ← a + quadrature(f − synthesis(a)) as healpy's `map2alm(iter=…)`; for a band-limited field
 * (ℓ ≤ lmax ≲ nside) the iterations converge to the exact coefficients. The era5 reference
 * (`advection.ts`) is computed with this ring-by-ring quadrature, so its bits are part of the
 * suite's reference data; {@link healpixQuadrature} is the same sum, faster, to round-off.
 *
 * @example
 * ```ts
 * import { analyseHealpix, lmIndex, synthesizeHealpix, zeroAlm } from "./spectrum.ts";
 * const a = zeroAlm(4);
 * a.re[lmIndex(3, 2)] = 1;
 * const b = analyseHealpix(synthesizeHealpix(a, 8), 8, 4, 3);
 * if (Math.abs(b.re[lmIndex(3, 2)] - 1) > 1e-6) throw new Error("analysis");
 * ```
 */
export function analyseHealpix(
  field: ArrayLike<number>,
  nside: number,
  lmax: number,
  iterations = 0,
): Alm {
  if (field.length !== npix(nside)) {
    throw new RangeError(
      `Spherical-harmonic analysis: expected ${
        npix(nside)
      } values (nside ${nside}), found ${field.length}`,
    );
  }
  const alm = quadrature(field, nside, lmax);
  for (let it = 0; it < iterations; it++) {
    const back = synthesizeHealpix(alm, nside);
    for (let p = 0; p < back.length; p++) back[p] = field[p] - back[p];
    const d = quadrature(back, nside, lmax);
    for (let k = 0; k < alm.re.length; k++) {
      alm.re[k] += d.re[k];
      alm.im[k] += d.im[k];
    }
  }
  return alm;
}

/**
 * C_ℓ = (|a_ℓ0|² + 2 Σ_{m>0} |a_ℓm|²) / (2ℓ + 1), ℓ = 0 … lmax.
 *
 * @example
 * ```ts
 * import { lmIndex, powerFromAlm, zeroAlm } from "./spectrum.ts";
 * const a = zeroAlm(2);
 * a.re[lmIndex(2, 1)] = 1;
 * if (powerFromAlm(a)[2] !== 2 / 5) throw new Error("C_2");
 * ```
 */
export function powerFromAlm(alm: Alm): Float64Array {
  const c = new Float64Array(alm.lmax + 1);
  for (let l = 0; l <= alm.lmax; l++) {
    let s = 0;
    for (let m = 0; m <= l; m++) {
      const k = lmIndex(l, m);
      s += (m === 0 ? 1 : 2) * (alm.re[k] * alm.re[k] + alm.im[k] * alm.im[k]);
    }
    c[l] = s / (2 * l + 1);
  }
  return c;
}

/**
 * Angular power spectrum C_ℓ, ℓ = 0 … lmax (default 2·nside), of a nested HEALPix field, by
 * ring quadrature over the equal-area pixels ({@link healpixQuadrature}: `analyseHealpix` with no
 * iteration, to round-off, by ring pairs and FFTs; as healpy's `anafast(iter=0)`). Parseval: Σ_ℓ (2ℓ+1) C_ℓ / 4π ≈ mean of f² (exact for fields band-limited
 * well below the pixel scale; the quadrature aliasing is tested in `spectrum_test.ts`).
 *
 * @example
 * ```ts
 * import { angularPowerSpectrum } from "./spectrum.ts";
 * const c = angularPowerSpectrum(new Float32Array(768).fill(1), 8, 4);
 * if (c.length !== 5 || Math.abs(c[0] - 4 * Math.PI) > 1e-9) throw new Error("C_0 of 1 is 4π");
 * ```
 */
export function angularPowerSpectrum(
  field: ArrayLike<number>,
  nside: number,
  lmax: number = 2 * nside,
): Float64Array {
  return powerFromAlm(healpixQuadrature(field, nside, lmax));
}

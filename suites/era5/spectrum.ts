/**
 * Spherical harmonics on HEALPix: orthonormal associated Legendre functions, synthesis of a
 * band-limited field (at HEALPix pixel centres or at arbitrary points), analysis by quadrature
 * over the equal-area pixels (optionally Jacobi-iterated as healpy's `map2alm(iter=…)`), and the
 * angular power spectrum C_ℓ.
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

/** Ring structure of a HEALPix grid with Legendre tables up to `lmax` (cached). */
interface RingPlan {
  nside: number;
  lmax: number;
  /** Nested pixel indices, ring after ring. */
  pix: Int32Array;
  /** Longitudes of `pix`. */
  phi: Float64Array;
  /** Ring r covers `pix[start[r] … start[r+1])`. */
  start: Int32Array;
  /** P̄_ℓm(z_r), ring-major: `leg[r·almSize + idx]`. */
  leg: Float64Array;
  /** Position j of `pix[k]` in its ring: φ = φ0_r + 2πj/n_r. */
  slot: Int32Array;
  /** φ0_r: smallest longitude of ring r. */
  phi0: Float64Array;
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

const plans = new Map<string, RingPlan>();

function ringPlan(nside: number, lmax: number): RingPlan {
  orderOf(nside);
  checkLmax(lmax);
  const key = `${nside}:${lmax}`;
  const hit = plans.get(key);
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
  const size = almSize(lmax);
  const leg = new Float64Array(nr * size);
  for (let r = 0; r < nr; r++) {
    legendreNormalized(lmax, ringZ(nside, r + 1), leg.subarray(r * size));
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
  const plan = { nside, lmax, pix, phi, start, leg, slot, phi0 };
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
 * Coefficients a_ℓm of a HEALPix field (nested) by quadrature over the equal-area pixels,
 * a_ℓm ≈ (4π/N) Σ_p f(p) Y*_ℓm(p), then `iterations` Jacobi refinements
 * a ← a + quadrature(f − synthesis(a)) as healpy's `map2alm(iter=…)`; for a band-limited field
 * (ℓ ≤ lmax ≲ nside) the iterations converge to the exact coefficients.
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
 * ring quadrature over the equal-area pixels (`analyseHealpix` with no iteration, as healpy's
 * `anafast(iter=0)`). Parseval: Σ_ℓ (2ℓ+1) C_ℓ / 4π ≈ mean of f² (exact for fields band-limited
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
  return powerFromAlm(analyseHealpix(field, nside, lmax, 0));
}

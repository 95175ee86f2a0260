/**
 * Analytic forecast truth on the sphere: solid-body rotation (Williamson et al. 1992, J. Comput.
 * Phys. 102:211, test case 1). The wind
 *
 *   u = u₀ (cos φ cos α + sin φ cos λ sin α),   v = −u₀ sin λ sin α
 *
 * (φ latitude, λ longitude, u₀ = 2πa / 12 days) is the rigid rotation of the sphere about the
 * unit axis n̂ = (−sin α, 0, cos α) with angular speed ω = 2π / 12 days, so a tracer advected by
 * it is h(x, t) = h₀(R(t)⁻¹ x) with R(t) the rotation by ωt about n̂: the initial field evaluated
 * at the backward-rotated point. No numerical solver is involved:
 * - the TC1 cosine bell h₀ = (h_max/2)(1 + cos(π r / R)) for r < R = a/3 (r the great-circle
 *   distance to the centre (λ, φ) = (3π/2, 0), h_max = 1000 m) is evaluated in closed form;
 * - a band-limited field (all of `fields.ts`) is rotated exactly through its spherical-harmonic
 *   coefficients: with R(t) = R_y(α)ᵀ R_z(ωt) R_y(α) (R_y(α) maps n̂ to the pole),
 *   f(R(t)⁻¹ x) = g(R_z(−ωt) y) where y = R_y(α) x and g = f ∘ R_y(α)ᵀ, and a rotation about the
 *   pole is a phase e^{−imωt} of each coefficient of g.
 *
 * @example
 * ```ts
 * import { bellCentre, PERIOD_HOURS } from "./advection.ts";
 * const c = bellCentre(Math.PI / 2 - 0.05, PERIOD_HOURS); // back where it started
 * if (Math.abs(c.lon - 1.5 * Math.PI) > 1e-9 || Math.abs(c.lat) > 1e-9) throw new Error("period");
 * ```
 * @module
 */
import { npix, pixelCentresNest } from "./healpix.ts";
import { TiltedKernel } from "./tilted_simd.ts";
import {
  type Alm,
  almSize,
  analyseHealpix,
  legendreNormalized,
  lmIndex,
  synthesizeAt,
  synthesizeHealpix,
} from "./spectrum.ts";

/** Earth radius a used by Williamson et al. (1992), metres. */
export const EARTH_RADIUS = 6.37122e6;
/** Rotation period of test case 1: 12 days, in hours. */
export const PERIOD_HOURS = 288;
/** Angular speed ω = 2π / 12 days, radians per hour. */
export const OMEGA_PER_HOUR = (2 * Math.PI) / PERIOD_HOURS;
/** u₀ = 2πa / 12 days ≈ 38.6 m s⁻¹. */
export const U0 = (2 * Math.PI * EARTH_RADIUS) / (PERIOD_HOURS * 3600);
/** TC1 cosine bell height h_max, metres. */
export const BELL_HEIGHT = 1000;
/** TC1 cosine bell radius R = a/3 as an angle, radians. */
export const BELL_RADIUS = 1 / 3;
/** TC1 cosine bell initial centre (λ, φ) = (3π/2, 0), radians. */
export const BELL_CENTRE = { lon: 1.5 * Math.PI, lat: 0 } as const;

/** A 3×3 matrix, row-major. */
export type Mat3 = Float64Array;

/** Unit vector of (lat, lon) in radians: (cos φ cos λ, cos φ sin λ, sin φ). */
export function toCartesian(lat: number, lon: number): [number, number, number] {
  return [Math.cos(lat) * Math.cos(lon), Math.cos(lat) * Math.sin(lon), Math.sin(lat)];
}

/** (lat, lon) of a (not necessarily unit) vector, lon in [0, 2π). */
export function toLatLon(x: number, y: number, z: number): { lat: number; lon: number } {
  const lon = Math.atan2(y, x);
  return { lat: Math.atan2(z, Math.hypot(x, y)), lon: lon < 0 ? lon + 2 * Math.PI : lon };
}

/**
 * R(t): rotation by ωt about n̂ = (−sin α, 0, cos α) (Rodrigues:
 * R = cos θ I + sin θ [n̂]ₓ + (1 − cos θ) n̂n̂ᵀ, θ = ωt), mapping a parcel's position at time 0
 * to its position after `hours`.
 *
 * @example
 * ```ts
 * import { rotationMatrix } from "./advection.ts";
 * const r = rotationMatrix(0, 72); // α = 0, 3 days = a quarter turn eastward about the pole
 * if (Math.abs(r[3] - 1) > 1e-15 || Math.abs(r[8] - 1) > 1e-15) throw new Error("x → y");
 * ```
 */
export function rotationMatrix(alpha: number, hours: number): Mat3 {
  const n = [-Math.sin(alpha), 0, Math.cos(alpha)];
  const th = OMEGA_PER_HOUR * hours, c = Math.cos(th), s = Math.sin(th);
  const k = [[0, -n[2], n[1]], [n[2], 0, -n[0]], [-n[1], n[0], 0]];
  const r = new Float64Array(9);
  for (let i = 0; i < 3; i++) {
    for (let j = 0; j < 3; j++) {
      r[3 * i + j] = (i === j ? c : 0) + s * k[i][j] + (1 - c) * n[i] * n[j];
    }
  }
  return r;
}

/** y = M x (or Mᵀ x with `transpose`). */
export function applyMat3(
  m: Mat3,
  x: readonly number[],
  transpose = false,
): [number, number, number] {
  const out: [number, number, number] = [0, 0, 0];
  for (let i = 0; i < 3; i++) {
    for (let j = 0; j < 3; j++) out[i] += (transpose ? m[3 * j + i] : m[3 * i + j]) * x[j];
  }
  return out;
}

/**
 * Williamson TC1 wind (u eastward, v northward, m s⁻¹) at latitude `lat`, longitude `lon`.
 *
 * @example
 * ```ts
 * import { tc1Wind, U0 } from "./advection.ts";
 * const w = tc1Wind(0, 0, 0);
 * if (Math.abs(w.u - U0) > 1e-12 || w.v !== -0) throw new Error("equator, α = 0");
 * ```
 */
export function tc1Wind(alpha: number, lat: number, lon: number): { u: number; v: number } {
  return {
    u: U0 * (Math.cos(lat) * Math.cos(alpha) + Math.sin(lat) * Math.cos(lon) * Math.sin(alpha)),
    v: -U0 * Math.sin(lon) * Math.sin(alpha),
  };
}

/**
 * Centre of the TC1 cosine bell after `hours`: R(t) applied to (3π/2, 0).
 *
 * @example
 * ```ts
 * import { bellCentre } from "./advection.ts";
 * const c = bellCentre(0, 72); // α = 0: a quarter turn eastward along the equator
 * if (Math.abs(c.lon) > 1e-12 && Math.abs(c.lon - 2 * Math.PI) > 1e-12) throw new Error("lon 0");
 * ```
 */
export function bellCentre(alpha: number, hours: number): { lat: number; lon: number } {
  const x = toCartesian(BELL_CENTRE.lat, BELL_CENTRE.lon);
  const y = applyMat3(rotationMatrix(alpha, hours), x);
  return toLatLon(y[0], y[1], y[2]);
}

/**
 * TC1 initial cosine bell h₀ at a point: (h_max/2)(1 + cos(π r / R)) for great-circle distance
 * r < R = 1/3 rad (a/3), else 0; r = arccos(sin φ_c sin φ + cos φ_c cos φ cos(λ − λ_c)).
 *
 * @example
 * ```ts
 * import { cosineBell } from "./advection.ts";
 * if (cosineBell(0, 1.5 * Math.PI) !== 1000 || cosineBell(0, 0) !== 0) throw new Error("bell");
 * ```
 */
export function cosineBell(lat: number, lon: number): number {
  const cr = Math.sin(BELL_CENTRE.lat) * Math.sin(lat) +
    Math.cos(BELL_CENTRE.lat) * Math.cos(lat) * Math.cos(lon - BELL_CENTRE.lon);
  const r = Math.acos(Math.max(-1, Math.min(1, cr)));
  return r < BELL_RADIUS ? (BELL_HEIGHT / 2) * (1 + Math.cos((Math.PI * r) / BELL_RADIUS)) : 0;
}

/**
 * The exact TC1 solution h(x, t) = h₀(R(t)⁻¹ x) at every nested HEALPix pixel centre.
 *
 * @example
 * ```ts
 * import { cosineBell, cosineBellField } from "./advection.ts";
 * import { pixelCentresNest } from "./healpix.ts";
 * const { theta, phi } = pixelCentresNest(4);
 * const h = cosineBellField(4, 0.05, 0);
 * if (!h.every((v, p) => v === cosineBell(Math.PI / 2 - theta[p], phi[p]))) throw new Error();
 * ```
 */
export function cosineBellField(nside: number, alpha: number, hours: number): Float64Array {
  const { theta, phi } = pixelCentresNest(nside);
  const r = rotationMatrix(alpha, hours), out = new Float64Array(theta.length);
  for (let p = 0; p < theta.length; p++) {
    const x = applyMat3(r, toCartesian(Math.PI / 2 - theta[p], phi[p]), true);
    const ll = toLatLon(x[0], x[1], x[2]);
    out[p] = cosineBell(ll.lat, ll.lon);
  }
  return out;
}

/** Options of {@link rotateBandLimited}. */
export interface RotateOptions {
  /** HEALPix nside of the field (nested). */
  readonly nside: number;
  /** Band limit of the field (ℓ ≤ lmax); a field with more structure is projected onto it. */
  readonly lmax: number;
  /** Tilt α of the rotation axis from the pole, radians. */
  readonly alpha: number;
  /** Jacobi iterations of the analysis (8 reach double precision for lmax ≤ nside). */
  readonly iterations?: number;
}

/**
 * The tables of a band-limited field's rotation about the tilted axis (module doc): the field
 * g = f ∘ R_y(α)ᵀ of the tilted frame as G_m(y_p) = Σ_ℓ g_ℓm P̄_ℓm(cos θ_y) per pixel p and order
 * m (times 2 for m > 0), and the longitude φ_y of each pixel in that frame. Made once per field
 * ({@link tiltedRotation}); each lead time then costs one {@link evaluateTilted}.
 */
export interface TiltedRotation {
  /** Number of pixels. */
  readonly n: number;
  /** Band limit L: orders m = 0 … L. */
  readonly lmax: number;
  /** Re G_m(y_p) at `p·(L + 1) + m`. */
  readonly gr: Float64Array;
  /** Im G_m(y_p) at `p·(L + 1) + m`. */
  readonly gi: Float64Array;
  /** φ_y of pixel p: the longitude of R_y(α) x_p, in [0, 2π). */
  readonly py: Float64Array;
  /** cos φ_y and sin φ_y of each pixel (`Math.cos`, `Math.sin` of `py`). */
  readonly cosPy: Float64Array;
  readonly sinPy: Float64Array;
}

/** The pixel centres seen from the tilted frame; see {@link tiltedFrame}. */
interface TiltedFrame {
  readonly key: string;
  readonly n: number;
  /** (θ, φ) of R_y(α)ᵀ x_p: where g = f ∘ R_y(α)ᵀ is sampled. */
  readonly tg: Float64Array;
  readonly pg: Float64Array;
  /** (θ, φ) of y_p = R_y(α) x_p: pixel p in the frame whose pole is the rotation axis. */
  readonly ty: Float64Array;
  readonly py: Float64Array;
  /** cos φ_y, sin φ_y. */
  readonly cosPy: Float64Array;
  readonly sinPy: Float64Array;
}

let lastFrame: TiltedFrame | undefined;

/**
 * The tilted frame's pixel geometry for (nside, α), kept for the next call with the same
 * arguments (the fields of an IC share it, so their tables share its arrays and
 * {@link evaluateTiltedFields} evaluates them together). The same numbers either way.
 */
function tiltedFrame(nside: number, alpha: number): TiltedFrame {
  const key = `${nside} ${alpha}`;
  if (lastFrame?.key === key) return lastFrame;
  // R_y(α): x' = x cos α + z sin α, z' = −x sin α + z cos α (maps n̂ to the pole).
  const ca = Math.cos(alpha), sa = Math.sin(alpha);
  const { theta, phi } = pixelCentresNest(nside);
  const n = npix(nside);
  // g = f ∘ R_y(α)ᵀ is sampled at R_y(α)ᵀ x_p, then analysed.
  const tg = new Float64Array(n), pg = new Float64Array(n);
  const ty = new Float64Array(n), py = new Float64Array(n);
  for (let p = 0; p < n; p++) {
    const [x, y, z] = toCartesian(Math.PI / 2 - theta[p], phi[p]);
    const back = toLatLon(x * ca - z * sa, y, x * sa + z * ca); // R_y(α)ᵀ x
    tg[p] = Math.PI / 2 - back.lat;
    pg[p] = back.lon;
    const fwd = toLatLon(x * ca + z * sa, y, -x * sa + z * ca); // R_y(α) x
    ty[p] = Math.PI / 2 - fwd.lat;
    py[p] = fwd.lon;
  }
  const cosPy = py.map(Math.cos), sinPy = py.map(Math.sin);
  lastFrame = { key, n, tg, pg, ty, py, cosPy, sinPy };
  return lastFrame;
}

/**
 * The per-field preparation of {@link rotateBandLimited} for any tilt α: analyse the field
 * (HEALPix quadrature and `iterations` Jacobi iterations), sample g = f ∘ R_y(α)ᵀ at the pixel
 * centres, analyse g, and tabulate G_m(y_p) ({@link TiltedRotation}). Costs
 * O(iterations · npix · L²)-ish analyses; the reference pays it once per IC and field.
 *
 * @example
 * ```ts
 * import { evaluateTilted, tiltedRotation } from "./advection.ts";
 * import { pixelCentresNest } from "./healpix.ts";
 * const { theta } = pixelCentresNest(8);
 * const f = Float64Array.from(theta, (t) => Math.cos(t)); // z = cos θ
 * const r = tiltedRotation(f, { nside: 8, lmax: 4, alpha: 0.3 });
 * if (evaluateTilted(r, 0).some((v, p) => Math.abs(v - f[p]) > 1e-9)) throw new Error("t = 0");
 * ```
 */
export function tiltedRotation(field: ArrayLike<number>, o: RotateOptions): TiltedRotation {
  const { nside, lmax: L, alpha } = o, iterations = o.iterations ?? 8;
  const f = analyseHealpix(field, nside, L, iterations);
  const { n, tg, pg, ty, py, cosPy, sinPy } = tiltedFrame(nside, alpha);
  const g: Alm = analyseHealpix(synthesizeAt(f, tg, pg), nside, L, iterations);
  // G_m(y_p) = Σ_ℓ g_ℓm P̄_ℓm(cos θ_y), times 2 for m > 0.
  const gr = new Float64Array(n * (L + 1)), gi = new Float64Array(n * (L + 1));
  const leg = new Float64Array(almSize(L));
  for (let p = 0; p < n; p++) {
    legendreNormalized(L, Math.cos(ty[p]), leg);
    for (let m = 0; m <= L; m++) {
      let sr = 0, si = 0;
      for (let l = m; l <= L; l++) {
        const k = lmIndex(l, m);
        sr += g.re[k] * leg[k];
        si += g.im[k] * leg[k];
      }
      gr[p * (L + 1) + m] = m === 0 ? sr : 2 * sr;
      gi[p * (L + 1) + m] = m === 0 ? si : 2 * si;
    }
  }
  return { n, lmax: L, gr, gi, py, cosPy, sinPy };
}

/**
 * The rotated field at `hours` from its {@link TiltedRotation}: at every pixel p, with
 * ψ = φ_y(p) − ωt,
 *
 *   f(R(t)⁻¹ x_p) = Σ_{m=0}^{L} Re(G_m(y_p)) cos mψ − Im(G_m(y_p)) sin mψ,
 *
 * cos mψ and sin mψ by the angle-addition recurrence (c ← c·cos ψ − s·sin ψ,
 * s ← s·cos ψ + c·sin ψ) from cos ψ = cos φ_y cos ωt + sin φ_y sin ωt and
 * sin ψ = sin φ_y cos ωt − cos φ_y sin ωt (the pixel's cos φ_y, sin φ_y kept with the frame,
 * those of ωt once per lead time), summed from m = 0 up. This is the reference's work per lead
 * time and field (O(npix · L)). Four pixels run side by side, each with exactly its own
 * operations in the same order, so the bits are those of one pixel at a time; the four
 * independent recurrences keep the processor busy where one chain waits on the previous
 * product. Writes `out` (length n) and returns it.
 *
 * Suite era5 1.1.0 called `Math.cos` and `Math.sin` of ψ at every pixel and lead time: a third
 * of this evaluation's CPU time. Version 1.1.1 forms them by the angle addition above, which
 * changes their last bits (≈ 6·10⁻¹⁶ relative in the fields), hence the new version.
 *
 * @example
 * ```ts
 * import { evaluateTilted } from "./advection.ts";
 * // one pixel, L = 1: G_0 = 1, G_1 = 2 (a cos ψ term); ψ = φ − ωt with ω = 2π / 288 h
 * const [gr, gi, py] = [new Float64Array([1, 2]), new Float64Array(2), new Float64Array([0])];
 * const r = { n: 1, lmax: 1, gr, gi, py, cosPy: py.map(Math.cos), sinPy: py.map(Math.sin) };
 * const v = evaluateTilted(r, 72)[0]; // ψ = −π/2: 1 + 2 cos(−π/2)
 * if (Math.abs(v - 1) > 1e-15) throw new Error(`${v}`);
 * ```
 */
export function evaluateTilted(
  r: TiltedRotation,
  hours: number,
  out: Float64Array = new Float64Array(r.n),
): Float64Array {
  const { n, lmax: L, gr, gi, cosPy: cp, sinPy: sp } = r, w = L + 1;
  const shift = OMEGA_PER_HOUR * hours, ct = Math.cos(shift), st = Math.sin(shift);
  if (out.length !== n) {
    throw new TypeError(
      `Cannot evaluate the rotation: expected out of length ${n}, found ${out.length}`,
    );
  }
  let p = 0;
  for (; p + 3 < n; p += 4) {
    const cA1 = cp[p] * ct + sp[p] * st, sA1 = sp[p] * ct - cp[p] * st;
    const cB1 = cp[p + 1] * ct + sp[p + 1] * st, sB1 = sp[p + 1] * ct - cp[p + 1] * st;
    const cC1 = cp[p + 2] * ct + sp[p + 2] * st, sC1 = sp[p + 2] * ct - cp[p + 2] * st;
    const cD1 = cp[p + 3] * ct + sp[p + 3] * st, sD1 = sp[p + 3] * ct - cp[p + 3] * st;
    const bA = p * w, bB = bA + w, bC = bB + w, bD = bC + w;
    let cA = 1, sA = 0, vA = gr[bA];
    let cB = 1, sB = 0, vB = gr[bB];
    let cC = 1, sC = 0, vC = gr[bC];
    let cD = 1, sD = 0, vD = gr[bD];
    for (let m = 1; m <= L; m++) {
      const nA = cA * cA1 - sA * sA1;
      sA = sA * cA1 + cA * sA1;
      cA = nA;
      vA += gr[bA + m] * cA - gi[bA + m] * sA;
      const nB = cB * cB1 - sB * sB1;
      sB = sB * cB1 + cB * sB1;
      cB = nB;
      vB += gr[bB + m] * cB - gi[bB + m] * sB;
      const nC = cC * cC1 - sC * sC1;
      sC = sC * cC1 + cC * sC1;
      cC = nC;
      vC += gr[bC + m] * cC - gi[bC + m] * sC;
      const nD = cD * cD1 - sD * sD1;
      sD = sD * cD1 + cD * sD1;
      cD = nD;
      vD += gr[bD + m] * cD - gi[bD + m] * sD;
    }
    out[p] = vA;
    out[p + 1] = vB;
    out[p + 2] = vC;
    out[p + 3] = vD;
  }
  for (; p < n; p++) {
    const c1 = cp[p] * ct + sp[p] * st, s1 = sp[p] * ct - cp[p] * st;
    const b = p * w;
    let c = 1, s = 0, v = gr[b];
    for (let m = 1; m <= L; m++) {
      const cn = c * c1 - s * s1;
      s = s * c1 + c * s1;
      c = cn;
      v += gr[b + m] * c - gi[b + m] * s;
    }
    out[p] = v;
  }
  return out;
}

/**
 * {@link evaluateTilted} of several fields at once, for rotations that share their frame (the
 * same nside and α, as {@link tiltedRotation} gives the fields of one IC: one `cosPy` and one
 * `sinPy` array): the cos ψ, sin ψ and the recurrence of cos mψ, sin mψ are computed once per pixel for all fields,
 * each field's sum exactly as {@link evaluateTilted} forms it, so each output has the bits of
 * `evaluateTilted` on its own. Two fields (the suite's) run in WebAssembly SIMD where it is
 * available (`tilted_simd.ts`: two pixels per instruction, two pairs side by side, each lane the
 * same IEEE operations in the same order, so the same bits; about 3–4× faster than the
 * TypeScript loop), else (or with `simd` false) four pixels side by side in TypeScript; other
 * counts fall back to one field at a time. The kernel copies the two fields' tables into its
 * memory on the first call with them and keeps that copy (13 MB at nside 32; weak references to
 * the arrays, which it does not keep alive) until a call with other arrays: tables changed in
 * place after a call are not seen by later calls with the same arrays (`tiltedRotation` makes new
 * ones). Throws `TypeError` for rotations that do not share a frame
 * or outputs of the wrong count or length.
 *
 * @example
 * ```ts
 * import { evaluateTilted, evaluateTiltedFields, tiltedRotation } from "./advection.ts";
 * import { pixelCentresNest } from "./healpix.ts";
 * const { theta, phi } = pixelCentresNest(4), o = { nside: 4, lmax: 4, alpha: 0.3 };
 * const f = tiltedRotation(Float64Array.from(theta, Math.cos), o);
 * const g = tiltedRotation(Float64Array.from(phi, (p, i) => Math.sin(theta[i]) * Math.cos(p)), o);
 * const [a, b] = evaluateTiltedFields([f, g], 30);
 * const a1 = evaluateTilted(f, 30), b1 = evaluateTilted(g, 30);
 * if (a.some((v, p) => v !== a1[p]) || b.some((v, p) => v !== b1[p])) throw new Error("bits");
 * ```
 */
export function evaluateTiltedFields(
  rs: readonly TiltedRotation[],
  hours: number,
  outs: readonly Float64Array[] = rs.map((r) => new Float64Array(r.n)),
  simd = true,
): readonly Float64Array[] {
  if (outs.length !== rs.length) {
    throw new TypeError(
      `Cannot evaluate the rotations: expected ${rs.length} outputs, found ${outs.length}`,
    );
  }
  if (rs.length !== 2) {
    rs.forEach((r, k) => evaluateTilted(r, hours, outs[k]));
    return outs;
  }
  const [ra, rb] = rs, [oa, ob] = outs;
  if (rb.cosPy !== ra.cosPy || rb.sinPy !== ra.sinPy || rb.lmax !== ra.lmax || rb.n !== ra.n) {
    throw new TypeError(
      `Cannot evaluate the rotations together: expected one shared frame (the same nside and α, ` +
        `tiltedRotation's cosPy and sinPy arrays), found ${ra.n} and ${rb.n} pixels, lmax ` +
        `${ra.lmax} and ${rb.lmax}, ${rb.cosPy === ra.cosPy ? "the same" : "other"} frame arrays`,
    );
  }
  const { n, lmax: L, cosPy: cp, sinPy: sp } = ra, w = L + 1;
  const shift = OMEGA_PER_HOUR * hours, ct = Math.cos(shift), st = Math.sin(shift);
  if (oa.length !== n || ob.length !== n) {
    throw new TypeError(
      `Cannot evaluate the rotations: expected outputs of length ${n}, found ${oa.length}, ${ob.length}`,
    );
  }
  const ar = ra.gr, ai = ra.gi, br = rb.gr, bi = rb.gi;
  let p = 0;
  const kernel = simd && L >= 1 ? TiltedKernel.shared() : null;
  if (kernel !== null) {
    const pair = { n, lmax: L, cosPy: cp, sinPy: sp, ar, ai, br, bi };
    if (!kernel.holds(pair)) kernel.load(pair);
    kernel.evaluate(L, ct, st, oa, ob);
    p = kernel.covered();
  }
  for (; p + 3 < n; p += 4) {
    const cA1 = cp[p] * ct + sp[p] * st, sA1 = sp[p] * ct - cp[p] * st;
    const cB1 = cp[p + 1] * ct + sp[p + 1] * st, sB1 = sp[p + 1] * ct - cp[p + 1] * st;
    const cC1 = cp[p + 2] * ct + sp[p + 2] * st, sC1 = sp[p + 2] * ct - cp[p + 2] * st;
    const cD1 = cp[p + 3] * ct + sp[p + 3] * st, sD1 = sp[p + 3] * ct - cp[p + 3] * st;
    const bA = p * w, bB = bA + w, bC = bB + w, bD = bC + w;
    let cA = 1, sA = 0, uA = ar[bA], vA = br[bA];
    let cB = 1, sB = 0, uB = ar[bB], vB = br[bB];
    let cC = 1, sC = 0, uC = ar[bC], vC = br[bC];
    let cD = 1, sD = 0, uD = ar[bD], vD = br[bD];
    for (let m = 1; m <= L; m++) {
      const nA = cA * cA1 - sA * sA1;
      sA = sA * cA1 + cA * sA1;
      cA = nA;
      uA += ar[bA + m] * cA - ai[bA + m] * sA;
      vA += br[bA + m] * cA - bi[bA + m] * sA;
      const nB = cB * cB1 - sB * sB1;
      sB = sB * cB1 + cB * sB1;
      cB = nB;
      uB += ar[bB + m] * cB - ai[bB + m] * sB;
      vB += br[bB + m] * cB - bi[bB + m] * sB;
      const nC = cC * cC1 - sC * sC1;
      sC = sC * cC1 + cC * sC1;
      cC = nC;
      uC += ar[bC + m] * cC - ai[bC + m] * sC;
      vC += br[bC + m] * cC - bi[bC + m] * sC;
      const nD = cD * cD1 - sD * sD1;
      sD = sD * cD1 + cD * sD1;
      cD = nD;
      uD += ar[bD + m] * cD - ai[bD + m] * sD;
      vD += br[bD + m] * cD - bi[bD + m] * sD;
    }
    oa[p] = uA;
    ob[p] = vA;
    oa[p + 1] = uB;
    ob[p + 1] = vB;
    oa[p + 2] = uC;
    ob[p + 2] = vC;
    oa[p + 3] = uD;
    ob[p + 3] = vD;
  }
  for (; p < n; p++) {
    const c1 = cp[p] * ct + sp[p] * st, s1 = sp[p] * ct - cp[p] * st;
    const b = p * w;
    let c = 1, s = 0, u = ar[b], v = br[b];
    for (let m = 1; m <= L; m++) {
      const cn = c * c1 - s * s1;
      s = s * c1 + c * s1;
      c = cn;
      u += ar[b + m] * c - ai[b + m] * s;
      v += br[b + m] * c - bi[b + m] * s;
    }
    oa[p] = u;
    ob[p] = v;
  }
  return outs;
}

/**
 * Prepare the exact rotation of a band-limited HEALPix field (module doc); the returned
 * function gives f(R(t)⁻¹ x) at every pixel centre for `hours` = t. The field is analysed once
 * (and, for α ≠ 0, re-expanded in the tilted frame once: {@link tiltedRotation}); each time then
 * costs O(npix · lmax) ({@link evaluateTilted}).
 *
 * @example
 * ```ts
 * import { rotateBandLimited } from "./advection.ts";
 * import { pixelCentresNest } from "./healpix.ts";
 * const { theta } = pixelCentresNest(8);
 * const f = Float64Array.from(theta, (t) => Math.cos(t)); // z: rotating about the pole keeps it
 * const at = rotateBandLimited(f, { nside: 8, lmax: 4, alpha: 0 });
 * if (at(50).some((v, p) => Math.abs(v - f[p]) > 1e-12)) throw new Error("zonal field");
 * ```
 */
export function rotateBandLimited(
  field: ArrayLike<number>,
  o: RotateOptions,
): (hours: number) => Float64Array {
  if (o.alpha === 0) {
    const f = analyseHealpix(field, o.nside, o.lmax, o.iterations ?? 8);
    return (hours) => synthesizeHealpix(f, o.nside, OMEGA_PER_HOUR * hours);
  }
  const r = tiltedRotation(field, o);
  return (hours) => evaluateTilted(r, hours);
}

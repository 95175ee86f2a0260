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
 * Prepare the exact rotation of a band-limited HEALPix field (module doc); the returned
 * function gives f(R(t)⁻¹ x) at every pixel centre for `hours` = t. The field is analysed once
 * (and, for α ≠ 0, re-expanded in the tilted frame once); each time then costs
 * O(npix · lmax).
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
  const { nside, lmax: L, alpha } = o, iterations = o.iterations ?? 8;
  const f = analyseHealpix(field, nside, L, iterations);
  if (alpha === 0) return (hours) => synthesizeHealpix(f, nside, OMEGA_PER_HOUR * hours);
  // R_y(α): x' = x cos α + z sin α, z' = −x sin α + z cos α (maps n̂ to the pole).
  const ca = Math.cos(alpha), sa = Math.sin(alpha);
  const { theta, phi } = pixelCentresNest(nside);
  const n = npix(nside);
  // g = f ∘ R_y(α)ᵀ sampled at the pixel centres, then analysed.
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
  return (hours) => {
    const out = new Float64Array(n), shift = OMEGA_PER_HOUR * hours;
    for (let p = 0; p < n; p++) {
      const ang = py[p] - shift, c1 = Math.cos(ang), s1 = Math.sin(ang);
      const b = p * (L + 1);
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
  };
}

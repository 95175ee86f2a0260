/**
 * Finite-difference stencils for linear convection `u_t + β u_x = 0` on a periodic grid, and
 * their composition into one model step.
 *
 * A model step Δt is usually far beyond the explicit stability limit (β Δt/Δx = 10.24 for the
 * `convection1d` suite), so a baseline takes `m` sub-steps at Courant number `c = βΔt/(mΔx) ≤ 0.8`.
 * A linear scheme's sub-step is a convolution, so `m` sub-steps are one convolution with the
 * m-fold self-convolution of the stencil: exactly the same numbers, one ONNX Conv.
 *
 * Stencils are arrays over offsets `−h..h` (index `j` ↔ offset `j − h`):
 * `u_i^{new} = Σ_j s[j] u_{i + j − h}`.
 *
 * @example
 * ```ts
 * import { composeStencil, upwindStencil } from "./stencils.ts";
 * const s = composeStencil(upwindStencil(0.5), 2); // (0.5 E⁻¹ + 0.5)² = .25 E⁻² + .5 E⁻¹ + .25
 * if (s.join() !== "0.25,0.5,0.25,0,0") throw new Error(s.join());
 * ```
 * @module
 */

/** First-order upwind (β > 0): `u_i − c (u_i − u_{i−1})`, offsets −1..1. */
export function upwindStencil(c: number): number[] {
  return [c, 1 - c, 0];
}

/**
 * Lax–Wendroff: `u_i − c/2 (u_{i+1} − u_{i−1}) + c²/2 (u_{i+1} − 2u_i + u_{i−1})`, offsets −1..1.
 */
export function laxWendroffStencil(c: number): number[] {
  return [c / 2 + (c * c) / 2, 1 - c * c, -c / 2 + (c * c) / 2];
}

/** Convolve two centred stencils (lengths 2h+1 and 2g+1 → 2(h+g)+1). */
export function convolveStencils(a: readonly number[], b: readonly number[]): number[] {
  const out = new Array(a.length + b.length - 1).fill(0);
  for (let i = 0; i < a.length; i++) {
    for (let j = 0; j < b.length; j++) out[i + j] += a[i] * b[j];
  }
  return out;
}

/** The m-fold composition of a stencil (m sub-steps as one stencil). */
export function composeStencil(s: readonly number[], m: number): number[] {
  if (!Number.isInteger(m) || m < 1) {
    throw new RangeError(`Cannot compose stencil: expected sub-steps ≥ 1, found ${m}`);
  }
  let out = [...s];
  for (let i = 1; i < m; i++) out = convolveStencils(out, s);
  return out;
}

/** Sub-steps needed to keep the Courant number at or below `maxCourant`. */
export function substepsFor(courant: number, maxCourant = 0.8): number {
  return Math.max(1, Math.ceil(Math.abs(courant) / maxCourant));
}

/**
 * Apply a centred stencil once to a periodic field (reference implementation for tests).
 */
export function applyStencil(u: ArrayLike<number>, s: readonly number[]): Float64Array {
  const n = u.length, h = (s.length - 1) / 2;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let acc = 0;
    for (let j = 0; j < s.length; j++) acc += s[j] * u[(((i + j - h) % n) + n) % n];
    out[i] = acc;
  }
  return out;
}

/**
 * Pseudo-spectral ETDRK4 solver for viscous Burgers `u_t + (u²/2)_x = ν u_xx` on the periodic
 * interval [0, L).
 *
 * Fourier space, signed wavenumbers k ∈ (−n/2, n/2], κ_k = 2πk/L:
 *
 *   v̂_t = λ_k v̂ + N̂(v̂),   λ_k = −ν κ_k²,   N̂(v̂)_k = −(iκ_k/2) · P_k · FFT[(IFFT(P v̂))²]_k,
 *
 * where P is the 2/3-rule projection (P_k = 1 for |k| ≤ ⌊n/3⌋, else 0): squaring a field with
 * |k| ≤ ⌊n/3⌋ aliases only into modes that P removes, so the nonlinear term is alias-free and
 * conserves ½⟨u²⟩ exactly (semi-discretely). The linear part is integrated exactly by ETDRK4
 * (Cox & Matthews 2002) in the form of Kassam & Trefethen (2005), sub-step h:
 *
 *   a = E₂v + Q N(v),  b = E₂v + Q N(a),  c = E₂a + Q (2N(b) − N(v)),
 *   v⁺ = E v + f₁ N(v) + 2 f₂ (N(a) + N(b)) + f₃ N(c),
 *
 * with z = hλ, E = e^z, E₂ = e^{z/2}, and Q = h φ_Q(z), f_i = h φ_i(z),
 *
 *   φ_Q(z) = (e^{z/2} − 1)/z,              φ₁(z) = (−4 − z + e^z (4 − 3z + z²))/z³,
 *   φ₂(z) = (2 + z + e^z (z − 2))/z³,       φ₃(z) = (−4 − 3z − z² + e^z (4 − z))/z³,
 *
 * evaluated without cancellation as the mean over P points of a unit circle around z
 * (Cauchy's integral formula; the φ are entire): φ(z) = (1/P) Σ_j φ(z + e^{iπ(j − ½)/(P/2)}) over
 * the whole circle, computed as the real part of the mean over its P/2 upper-half points since λ
 * is real. At z = 0 they are φ_Q = ½ and φ₁ = φ₂ = φ₃ = ⅙, classical RK4.
 *
 * The state is real, so only the bins k = 0..n/2 are kept and every transform is a real-input one
 * (a complex FFT of length n/2; suite 1.1.0). Each IC is advanced alone: an IC's trajectory
 * depends only on the IC (suite 1.0.0 packed two ICs into one complex transform, exact in
 * arithmetic but not in round-off, so batch and per-IC references disagreed).
 *
 * @example
 * ```ts
 * import { BurgersEtdrk4 } from "./solver.ts";
 * const n = 64, s = new BurgersEtdrk4({ n, dt: 0.01, substeps: 2 });
 * s.setState(Array.from({ length: n }, (_, j) => Math.sin((2 * Math.PI * j) / n)));
 * s.advance();
 * const u = new Float64Array(n);
 * s.getState(u);
 * if (!(Math.abs(u[n / 4] - 1) < 0.01)) throw new Error("one small step");
 * ```
 * @module
 */

import { irfftInto, rfftInto } from "../../metrics/fft.ts";
import type { Progress } from "../common/types.ts";
import { etdrk4Phi, Etdrk4Stages, type Nonlinear } from "../common/etdrk4.ts";

export { type Etdrk4Phi, etdrk4Phi } from "../common/etdrk4.ts";

/** Solver settings. Defaults are the `burgers1d` suite's. */
export interface BurgersOptions {
  /** Grid points (power of two). */
  readonly n: number;
  /** Viscosity ν (default 0.01). */
  readonly nu?: number;
  /** Domain length L (default 1). */
  readonly length?: number;
  /** Time per model step (default 0.01). */
  readonly dt?: number;
  /** ETDRK4 sub-steps per model step, h = dt / substeps (default {@link BURGERS_SUBSTEPS}). */
  readonly substeps?: number;
  /** Points on the full contour circle for the φ functions (even, default 64). */
  readonly contourPoints?: number;
}

/**
 * Default ETDRK4 sub-steps per model step Δt = 0.01 (h = 5·10⁻⁴). Chosen from measured errors:
 * see the burgers1d data card.
 */
export const BURGERS_SUBSTEPS = 20;

/**
 * ETDRK4 integrator for viscous Burgers holding one real state as its half spectrum (bins
 * k = 0..n/2, the rest follow from `v̂_{−k} = conj v̂_k`): every transform is a real-input one of
 * half the length (`rfftInto`, `irfftInto` in `metrics/fft.ts`), as `numpy.fft.rfft` does.
 * All work buffers are allocated once; `advance()` allocates nothing.
 *
 * @example
 * ```ts
 * import { BurgersEtdrk4 } from "./solver.ts";
 * const s = new BurgersEtdrk4({ n: 32, nu: 0.05, dt: 0.1, substeps: 4 });
 * s.setState(new Float64Array(32).fill(0.5)); // a constant is a steady state
 * s.advance();
 * const u = new Float64Array(32);
 * s.getState(u);
 * if (u.some((v) => Math.abs(v - 0.5) > 1e-15)) throw new Error("constant");
 * ```
 */
export class BurgersEtdrk4 {
  /** Grid points. */
  readonly n: number;
  /** Viscosity ν. */
  readonly nu: number;
  /** Domain length L. */
  readonly length: number;
  /** Time per `advance()`. */
  readonly dt: number;
  /** Sub-steps per `advance()`. */
  readonly substeps: number;
  /** Highest wavenumber kept by the 2/3 rule, ⌊n/3⌋. */
  readonly kCut: number;

  readonly #stages: Etdrk4Stages;
  readonly #nl: Nonlinear;
  readonly #e: Float64Array;
  readonly #e2: Float64Array;
  readonly #q: Float64Array;
  readonly #f1: Float64Array;
  readonly #f2: Float64Array;
  readonly #f3: Float64Array;
  /** Nonlinear multiplier g_k = −κ_k P_k / 2, where N̂ = i·g·rfft(u²). */
  readonly #g: Float64Array;
  /** 2/3-rule mask P_k ∈ {0, 1}. */
  readonly #mask: Float64Array;
  // half spectra (re, im) of the state and of the nonlinear term's input; u in physical space;
  // the half-length scratch of the real transforms
  readonly #vr: Float64Array;
  readonly #vi: Float64Array;
  readonly #wr: Float64Array;
  readonly #wi: Float64Array;
  readonly #u: Float64Array;
  readonly #zr: Float64Array;
  readonly #zi: Float64Array;

  /** Precompute coefficients and buffers for `options` (see {@link BurgersOptions}). */
  constructor(options: BurgersOptions) {
    const n = options.n, nu = options.nu ?? 0.01, length = options.length ?? 1;
    const dt = options.dt ?? 0.01, substeps = options.substeps ?? BURGERS_SUBSTEPS;
    if (!Number.isInteger(n) || n < 4 || (n & (n - 1)) !== 0) {
      throw new RangeError(
        `Cannot build Burgers solver: expected n a power of two ≥ 4, found ${n}`,
      );
    }
    for (const [name, v] of [["nu", nu], ["length", length], ["dt", dt]] as const) {
      if (!(v >= 0) || !Number.isFinite(v) || (name !== "nu" && v === 0)) {
        throw new RangeError(`Cannot build Burgers solver: expected ${name} > 0, found ${v}`);
      }
    }
    if (!Number.isSafeInteger(substeps) || substeps < 1) {
      throw new RangeError(
        `Cannot build Burgers solver: expected substeps an integer ≥ 1, found ${substeps}`,
      );
    }
    this.n = n;
    this.nu = nu;
    this.length = length;
    this.dt = dt;
    this.substeps = substeps;
    this.kCut = Math.floor(n / 3);
    const h = dt / substeps, bins = n / 2 + 1;
    const buf = (size = bins) => new Float64Array(size);
    this.#stages = new Etdrk4Stages(bins);
    this.#nl = (a, b, c, d) => this.#nonlinear(a, b, c, d);
    this.#e = buf();
    this.#e2 = buf();
    this.#q = buf();
    this.#f1 = buf();
    this.#f2 = buf();
    this.#f3 = buf();
    this.#g = buf();
    this.#mask = buf();
    for (let k = 0; k < bins; k++) {
      const kappa = (2 * Math.PI * k) / length;
      const p = etdrk4Phi(-h * nu * kappa * kappa, options.contourPoints ?? 64);
      const keep = k <= this.kCut ? 1 : 0;
      this.#e[k] = p.e;
      this.#e2[k] = p.e2;
      this.#q[k] = h * p.q;
      this.#f1[k] = h * p.f1;
      this.#f2[k] = h * p.f2;
      this.#f3[k] = h * p.f3;
      this.#mask[k] = keep;
      this.#g[k] = (-0.5 * keep * (2 * Math.PI * k)) / length;
    }
    this.#vr = buf();
    this.#vi = buf();
    this.#wr = buf();
    this.#wi = buf();
    this.#u = buf(n);
    this.#zr = buf(n / 2);
    this.#zi = buf(n / 2);
  }

  /** Load a real state of length n. */
  setState(u: ArrayLike<number>): void {
    const n = this.n;
    if (u.length !== n) {
      throw new TypeError(`Cannot load Burgers state: expected length ${n}, found ${u.length}`);
    }
    rfftInto(u, 0, n, this.#vr, this.#vi, 0, 1, this.#zr, this.#zi);
  }

  /** Write the current state in physical space into `out` (length n). */
  getState(out: Float64Array): void {
    irfftInto(this.#vr, this.#vi, 0, 1, this.n, out, 0, this.#zr, this.#zi);
  }

  /** N̂(in)_k = i·g_k·rfft[u²]_k with u = irfft(P·in), written to (outR, outI). */
  #nonlinear(inR: Float64Array, inI: Float64Array, outR: Float64Array, outI: Float64Array): void {
    const n = this.n, bins = n / 2 + 1, wr = this.#wr, wi = this.#wi, u = this.#u;
    const mask = this.#mask, g = this.#g;
    for (let k = 0; k < bins; k++) {
      wr[k] = inR[k] * mask[k];
      wi[k] = inI[k] * mask[k];
    }
    irfftInto(wr, wi, 0, 1, n, u, 0, this.#zr, this.#zi);
    for (let j = 0; j < n; j++) u[j] *= u[j];
    rfftInto(u, 0, n, wr, wi, 0, 1, this.#zr, this.#zi);
    for (let k = 0; k < bins; k++) {
      outR[k] = -g[k] * wi[k];
      outI[k] = g[k] * wr[k];
    }
  }

  /** Advance by one model step dt (`substeps` ETDRK4 sub-steps). */
  advance(): void {
    const c = { e: this.#e, e2: this.#e2, q: this.#q, f1: this.#f1, f2: this.#f2, f3: this.#f3 };
    for (let s = 0; s < this.substeps; s++) this.#stages.step(this.#vr, this.#vi, c, this.#nl);
  }
}

/**
 * Float64 trajectory of one IC: `(steps + 1)·n` values, row m = u(·, m·dt) (row 0 = u₀).
 *
 * @example
 * ```ts
 * import { burgersSolve } from "./solver.ts";
 * const traj = burgersSolve(new Float64Array(16), 3, { n: 16 }); // zero stays zero
 * if (traj.length !== 4 * 16 || traj.some((v) => v !== 0)) throw new Error("zero");
 * ```
 */
export function burgersSolve(
  u0: ArrayLike<number>,
  steps: number,
  options: BurgersOptions,
): Float64Array {
  const solver = new BurgersEtdrk4(options), n = solver.n;
  if (!Number.isSafeInteger(steps) || steps < 0) {
    throw new RangeError(`Cannot solve Burgers: expected steps an integer ≥ 0, found ${steps}`);
  }
  const out = new Float64Array((steps + 1) * n);
  solver.setState(u0);
  out.set(u0 as ArrayLike<number>, 0);
  for (let m = 1; m <= steps; m++) {
    solver.advance();
    solver.getState(out.subarray(m * n, (m + 1) * n));
  }
  return out;
}

/**
 * Reference trajectories for a batch: `ics` is `[count, n]` (one field), the result is float32
 * `[count, steps + 1, n]`, computed in float64 one IC at a time; step 0 is the IC itself.
 * `progress(done, total)` counts IC-steps.
 *
 * @example
 * ```ts
 * import { burgersTrajectories } from "./solver.ts";
 * const traj = burgersTrajectories(new Float32Array(3 * 16), 3, 2, { n: 16 });
 * if (traj.length !== 3 * 3 * 16) throw new Error("[count, steps + 1, n]");
 * ```
 */
export function burgersTrajectories(
  ics: Float32Array | Float64Array,
  count: number,
  steps: number,
  options: BurgersOptions,
  progress?: Progress,
): Float32Array {
  const n = options.n;
  if (!Number.isSafeInteger(count) || count < 0 || !Number.isSafeInteger(steps) || steps < 0) {
    throw new RangeError(
      `Cannot solve Burgers: expected integer count ≥ 0 and steps ≥ 0, found ${count}, ${steps}`,
    );
  }
  if (ics.length !== count * n) {
    throw new TypeError(
      `Cannot solve Burgers: expected ${count}·${n} = ${count * n} IC values, found ${ics.length}`,
    );
  }
  const solver = new BurgersEtdrk4(options);
  const out = new Float32Array(count * (steps + 1) * n);
  const u = new Float64Array(n);
  const total = count * steps;
  let done = 0;
  // One IC at a time: a trajectory depends on its IC only, so a batch, a pool job
  // (harness/tasks/trajectories.ts) and a browser give the same bits.
  for (let i = 0; i < count; i++) {
    const a = ics.subarray(i * n, (i + 1) * n), row = i * (steps + 1) * n;
    solver.setState(a);
    out.set(a, row);
    for (let m = 1; m <= steps; m++) {
      solver.advance();
      solver.getState(u);
      out.set(u, row + m * n);
      progress?.(++done, total);
    }
  }
  return out;
}

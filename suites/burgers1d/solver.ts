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
 * The integrator can advance two real ICs per complex FFT (`z = u₁ + i u₂`): E, E₂, Q, f_i are real
 * and even in k and the nonlinear multiplier −iκ_k P_k/2 is Hermitian, so with
 * `w = (Re z)² + i (Im z)²` every stage of the packed spectrum is the packed stages of the two ICs
 * in exact arithmetic. Not in round-off: a packed IC's trajectory differs from its trajectory
 * alone in the last bits, so references ({@link burgersTrajectories}) advance one IC at a time.
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

import { fft, wavenumber } from "../../metrics/fft.ts";
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
 * ETDRK4 integrator for viscous Burgers holding up to two states (packed as one complex field).
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
  /** Nonlinear multiplier g_k / n², where N̂ = i·g·FFT(u²) and g_k = −κ_k P_k / 2. */
  readonly #gScaled: Float64Array;
  /** 2/3-rule mask P_k ∈ {0, 1}. */
  readonly #mask: Float64Array;
  // packed spectra (re, im) of the state, the stages and their nonlinear terms
  readonly #vr: Float64Array;
  readonly #vi: Float64Array;
  readonly #wr: Float64Array;
  readonly #wi: Float64Array;

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
    const h = dt / substeps;
    const buf = () => new Float64Array(n);
    this.#stages = new Etdrk4Stages(n);
    this.#nl = (a, b, c, d) => this.#nonlinear(a, b, c, d);
    this.#e = buf();
    this.#e2 = buf();
    this.#q = buf();
    this.#f1 = buf();
    this.#f2 = buf();
    this.#f3 = buf();
    this.#gScaled = buf();
    this.#mask = buf();
    // phi depends on |k| only: evaluate once per |k|
    for (let k = 0; k <= n / 2; k++) {
      const kappa = (2 * Math.PI * k) / length;
      const p = etdrk4Phi(-h * nu * kappa * kappa, options.contourPoints ?? 64);
      const keep = k <= this.kCut ? 1 : 0;
      for (const idx of k === 0 || 2 * k === n ? [k] : [k, n - k]) {
        this.#e[idx] = p.e;
        this.#e2[idx] = p.e2;
        this.#q[idx] = h * p.q;
        this.#f1[idx] = h * p.f1;
        this.#f2[idx] = h * p.f2;
        this.#f3[idx] = h * p.f3;
        this.#mask[idx] = keep;
        this.#gScaled[idx] = (-0.5 * keep * (2 * Math.PI * wavenumber(idx, n))) / length / (n * n);
      }
    }
    this.#vr = buf();
    this.#vi = buf();
    this.#wr = buf();
    this.#wi = buf();
  }

  /** Load one or two real states (length n each); the second defaults to zeros. */
  setState(u1: ArrayLike<number>, u2?: ArrayLike<number>): void {
    const n = this.n;
    if (u1.length !== n || (u2 !== undefined && u2.length !== n)) {
      throw new TypeError(
        `Cannot load Burgers state: expected length ${n}, found ${u1.length}` +
          (u2 !== undefined ? ` and ${u2.length}` : ""),
      );
    }
    for (let j = 0; j < n; j++) {
      this.#vr[j] = u1[j];
      this.#vi[j] = u2 === undefined ? 0 : u2[j];
    }
    fft(this.#vr, this.#vi);
  }

  /** Write the current state(s) in physical space into `out1` (and `out2`). */
  getState(out1: Float64Array, out2?: Float64Array): void {
    const wr = this.#wr, wi = this.#wi;
    wr.set(this.#vr);
    wi.set(this.#vi);
    fft(wr, wi, true);
    out1.set(wr);
    out2?.set(wi);
  }

  /**
   * N̂(in) = i·g·FFT[(Re u)² + i (Im u)²] with u = IFFT(P·in), written to (outR, outI).
   * The inverse transform is done as a forward one, `n·conj(u) = FFT(conj(P·in))`; the signs
   * vanish in the squares and the factor n² is folded into `#gScaled = g / n²`, which saves the
   * inverse transform's division pass.
   */
  #nonlinear(inR: Float64Array, inI: Float64Array, outR: Float64Array, outI: Float64Array): void {
    const n = this.n, wr = this.#wr, wi = this.#wi, mask = this.#mask, g = this.#gScaled;
    for (let k = 0; k < n; k++) {
      wr[k] = inR[k] * mask[k];
      wi[k] = -inI[k] * mask[k];
    }
    fft(wr, wi);
    for (let j = 0; j < n; j++) {
      const a = wr[j], b = wi[j];
      wr[j] = a * a;
      wi[j] = b * b;
    }
    fft(wr, wi);
    for (let k = 0; k < n; k++) {
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
  // One IC at a time (its imaginary partner zero): packing two ICs into one transform is exact
  // in arithmetic but not in round-off, so a trajectory would depend on its neighbour in the
  // batch; one alone gives the same bits in a batch, in a pool job (harness/tasks/trajectories.ts)
  // and in a browser.
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

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
 * (a complex FFT of length n/2; suite 1.1.0), fused with the pointwise work around it into four
 * loops per nonlinear term (see {@link BurgersEtdrk4}; the same bits as 1.1.0's unfused
 * `irfftInto` → u² → `rfftInto`). Each IC is advanced alone: an IC's trajectory
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

import { fftPassesAt, fftTables, irfftInto, rfftInto } from "../../metrics/fft.ts";
import type { Progress } from "../common/types.ts";
import { etdrk4Phi } from "../common/etdrk4.ts";

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
 * half the length, as `numpy.fft.rfft` does, with the arithmetic of `rfftInto`/`irfftInto` in
 * `metrics/fft.ts` (so the bits of suite 1.1.0), but with the pointwise work fused into four
 * loops around the butterflies of the two half-length transforms per nonlinear term:
 *
 * 1. from the forward transform's output, the spectrum X_k of u² (the post-processing of
 *    `rfftInto`) and N̂_k = i·g_k·X_k;
 * 2. the ETDRK4 combination that is the next stage's input, and its 2/3-rule mask;
 * 3. the pre-processing of `irfftInto` (the packed Z_k of length n/2), written straight to the
 *    bit-reversed positions with the first butterfly stage applied; then the inverse butterflies
 *    (`fftPassesAt`);
 * 4. the inverse's 1/(n/2), the square u², the packing of `rfftInto`, bit reversal and the forward
 *    transform's first stage; then the forward butterflies.
 *
 * Every value is computed by the same operations in the same order as the unfused
 * `irfftInto` → u² → `rfftInto` chain of suite 1.1.0, so the trajectories are the same to the
 * bit. All work buffers are allocated once; `advance()` allocates nothing.
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
  /** cos(2πk/n), sin(2πk/n), k < n/2: the twiddles of the real transforms. */
  readonly #cos: Float64Array;
  readonly #sin: Float64Array;
  /** Bit reversal of length n/2. */
  readonly #rev: Uint32Array;
  /** Whether log₂(n/2) is odd: the complex transforms start with a lone size-2 stage. */
  readonly #lone: boolean;
  // half spectra (re, im): the state v, the stage a, N(v), N(a), N(b), and the masked input of
  // the next nonlinear term
  readonly #vr: Float64Array;
  readonly #vi: Float64Array;
  readonly #ar: Float64Array;
  readonly #ai: Float64Array;
  readonly #nvr: Float64Array;
  readonly #nvi: Float64Array;
  readonly #nar: Float64Array;
  readonly #nai: Float64Array;
  readonly #nbr: Float64Array;
  readonly #nbi: Float64Array;
  readonly #ncr: Float64Array;
  readonly #nci: Float64Array;
  readonly #xr: Float64Array;
  readonly #xi: Float64Array;
  // the length-n/2 complex transforms: inverse in (zr, zi), forward in (pr, pi); scratch of
  // setState/getState in (sr, si)
  readonly #zr: Float64Array;
  readonly #zi: Float64Array;
  readonly #pr: Float64Array;
  readonly #pi: Float64Array;
  readonly #sr: Float64Array;
  readonly #si: Float64Array;
  /** Whether (zr, zi) holds the packed, permuted input of N(v) for the current state. */
  #primed = false;

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
    const h = dt / substeps, m = n / 2, bins = m + 1;
    const buf = (size = bins) => new Float64Array(size);
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
    const real = fftTables(n);
    this.#cos = real.cos;
    this.#sin = real.sin;
    this.#rev = fftTables(m).rev;
    this.#lone = Math.log2(m) % 2 === 1;
    this.#vr = buf();
    this.#vi = buf();
    this.#ar = buf();
    this.#ai = buf();
    this.#nvr = buf();
    this.#nvi = buf();
    this.#nar = buf();
    this.#nai = buf();
    this.#nbr = buf();
    this.#nbi = buf();
    this.#ncr = buf();
    this.#nci = buf();
    this.#xr = buf();
    this.#xi = buf();
    this.#zr = buf(m);
    this.#zi = buf(m);
    this.#pr = buf(m);
    this.#pi = buf(m);
    this.#sr = buf(m);
    this.#si = buf(m);
  }

  /** Load a real state of length n. */
  setState(u: ArrayLike<number>): void {
    const n = this.n;
    if (u.length !== n) {
      throw new TypeError(`Cannot load Burgers state: expected length ${n}, found ${u.length}`);
    }
    rfftInto(u, 0, n, this.#vr, this.#vi, 0, 1, this.#sr, this.#si);
    this.#primed = false;
  }

  /** Write the current state in physical space into `out` (length n). */
  getState(out: Float64Array): void {
    irfftInto(this.#vr, this.#vi, 0, 1, this.n, out, 0, this.#sr, this.#si);
  }

  /** Advance by one model step dt (`substeps` ETDRK4 sub-steps). */
  advance(): void {
    if (!this.#primed) {
      const vr = this.#vr, vi = this.#vi, xr = this.#xr, xi = this.#xi, mask = this.#mask;
      for (let k = 0; k < vr.length; k++) {
        xr[k] = vr[k] * mask[k];
        xi[k] = vi[k] * mask[k];
      }
      this.#pack();
      this.#primed = true;
    }
    for (let s = 0; s < this.substeps; s++) {
      for (let stage = 0; stage < 4; stage++) {
        this.#transforms();
        this.#combine(stage);
        this.#pack();
      }
    }
  }

  /**
   * Loop 3: the packed half-length spectrum Z_k = E_k + i·O_k of the masked input X' in (xr, xi)
   * (`irfftInto`'s pre-processing, the imaginary parts of bins 0 and n/2 dropped), written to
   * (zr, zi) in bit-reversed order with the inverse transform's lone first stage (twiddle 1, +0)
   * applied when log₂(n/2) is odd. Pairs (Z_k, Z_{k+n/4}) sit at rev[k], rev[k] + 1.
   */
  #pack(): void {
    const m = this.n / 2, h = m / 2, xr = this.#xr, xi = this.#xi;
    const cos = this.#cos, sin = this.#sin, rev = this.#rev, zr = this.#zr, zi = this.#zi;
    const lone = this.#lone, w0 = 0; // the inverse's lone twiddle: cos 0, +sin 0
    for (let k = 0; k < h; k++) {
      let ar: number, ai: number;
      {
        const a = xr[k], c = xr[m - k];
        const b = k === 0 ? 0 : xi[k], d = k === 0 ? 0 : xi[m - k];
        const er = 0.5 * (a + c), ei = 0.5 * (b - d);
        const dr = 0.5 * (a - c), di = 0.5 * (b + d);
        const wr = cos[k], wi = sin[k];
        const or = dr * wr - di * wi, oi = dr * wi + di * wr;
        ar = er - oi;
        ai = ei + or;
      }
      const j = k + h;
      const a = xr[j], c = xr[m - j], b = xi[j], d = xi[m - j];
      const er = 0.5 * (a + c), ei = 0.5 * (b - d);
      const dr = 0.5 * (a - c), di = 0.5 * (b + d);
      const wr = cos[j], wi = sin[j];
      const or = dr * wr - di * wi, oi = dr * wi + di * wr;
      const br = er - oi, bi = ei + or, p = rev[k];
      if (lone) {
        const tr = br - bi * w0, ti = br * w0 + bi;
        zr[p + 1] = ar - tr;
        zi[p + 1] = ai - ti;
        zr[p] = ar + tr;
        zi[p] = ai + ti;
      } else {
        zr[p] = ar;
        zi[p] = ai;
        zr[p + 1] = br;
        zi[p + 1] = bi;
      }
    }
  }

  /**
   * Inverse butterflies and loop 4: inverse transform of (zr, zi) without its 1/(n/2); then, per pair (j, j + n/4)
   * of its output z_j = (u_{2j} + i u_{2j+1})·n/2, the product with 1/(n/2), the squares
   * u_{2j}² + i u_{2j+1}² (`rfftInto`'s packing of u²), written to (pr, pi) in bit-reversed order
   * with the forward transform's lone first stage (twiddle 1, −0); then the forward butterflies.
   */
  #transforms(): void {
    const m = this.n / 2, h = m / 2, zr = this.#zr, zi = this.#zi, pr = this.#pr, pi = this.#pi;
    const rev = this.#rev, lone = this.#lone, s = 1 / m, w0 = -0; // forward: cos 0, −sin 0
    fftPassesAt(zr, zi, 0, m, true, false, false);
    for (let k = 0; k < h; k++) {
      const j = k + h, p = rev[k];
      const u0 = zr[k] * s, u1 = zi[k] * s, u2 = zr[j] * s, u3 = zi[j] * s;
      const ar = u0 * u0, ai = u1 * u1, br = u2 * u2, bi = u3 * u3;
      if (lone) {
        const tr = br - bi * w0, ti = br * w0 + bi;
        pr[p + 1] = ar - tr;
        pi[p + 1] = ai - ti;
        pr[p] = ar + tr;
        pi[p] = ai + ti;
      } else {
        pr[p] = ar;
        pi[p] = ai;
        pr[p + 1] = br;
        pi[p + 1] = bi;
      }
    }
    fftPassesAt(pr, pi, 0, m, false, false);
  }

  /**
   * Loops 1 and 2 after stage `stage` (0: N(v), 1: N(a), 2: N(b), 3: N(c)) of a sub-step: the spectrum
   * X_k of u² from the forward transform in (pr, pi) (`rfftInto`'s post-processing),
   * N̂_k = i·g_k·X_k, then the next stage's input (a, b, c, or the new state v⁺) and its masked
   * copy in (xr, xi).
   */
  #combine(stage: number): void {
    const m = this.n / 2, pr = this.#pr, pi = this.#pi, cos = this.#cos, sin = this.#sin;
    const g = this.#g;
    const nr = stage === 0
      ? this.#nvr
      : stage === 1
      ? this.#nar
      : stage === 2
      ? this.#nbr
      : this.#ncr;
    const ni = stage === 0
      ? this.#nvi
      : stage === 1
      ? this.#nai
      : stage === 2
      ? this.#nbi
      : this.#nci;
    // Bins 0 and n/2: E = Re Z_0, O = Im Z_0, twiddle ±1.
    {
      const x0 = pr[0] + pi[0], xm = pr[0] - pi[0];
      nr[0] = -g[0] * 0;
      ni[0] = g[0] * x0;
      nr[m] = -g[m] * 0;
      ni[m] = g[m] * xm;
    }
    for (let k = 1; k < m; k++) {
      // E_k = (Z_k + conj Z_{m−k}) / 2 (even samples), O_k = (Z_k − conj Z_{m−k}) / 2i (odd).
      const a = pr[k], b = pi[k], c = pr[m - k], d = pi[m - k];
      const er = 0.5 * (a + c), ei = 0.5 * (b - d);
      const or = 0.5 * (b + d), oi = -0.5 * (a - c);
      const wr = cos[k], wi = -sin[k]; // e^{-2πik/N}
      const xr = er + wr * or - wi * oi, xi = ei + wr * oi + wi * or;
      nr[k] = -g[k] * xi;
      ni[k] = g[k] * xr;
    }
    const bins = m + 1, mask = this.#mask, e2 = this.#e2, q = this.#q;
    const vr = this.#vr, vi = this.#vi, ar = this.#ar, ai = this.#ai, xr = this.#xr, xi = this.#xi;
    if (stage === 0) {
      for (let k = 0; k < bins; k++) {
        const yr = ar[k] = e2[k] * vr[k] + q[k] * nr[k];
        const yi = ai[k] = e2[k] * vi[k] + q[k] * ni[k];
        xr[k] = yr * mask[k];
        xi[k] = yi * mask[k];
      }
    } else if (stage === 1) {
      for (let k = 0; k < bins; k++) {
        xr[k] = (e2[k] * vr[k] + q[k] * nr[k]) * mask[k];
        xi[k] = (e2[k] * vi[k] + q[k] * ni[k]) * mask[k];
      }
    } else if (stage === 2) {
      const nvr = this.#nvr, nvi = this.#nvi;
      for (let k = 0; k < bins; k++) {
        xr[k] = (e2[k] * ar[k] + q[k] * (2 * nr[k] - nvr[k])) * mask[k];
        xi[k] = (e2[k] * ai[k] + q[k] * (2 * ni[k] - nvi[k])) * mask[k];
      }
    } else {
      const e = this.#e, f1 = this.#f1, f2 = this.#f2, f3 = this.#f3;
      const nvr = this.#nvr, nvi = this.#nvi, nar = this.#nar, nai = this.#nai;
      const nbr = this.#nbr, nbi = this.#nbi;
      for (let k = 0; k < bins; k++) {
        const yr = vr[k] = e[k] * vr[k] + f1[k] * nvr[k] + 2 * f2[k] * (nar[k] + nbr[k]) +
          f3[k] * nr[k];
        const yi = vi[k] = e[k] * vi[k] + f1[k] * nvi[k] + 2 * f2[k] * (nai[k] + nbi[k]) +
          f3[k] * ni[k];
        xr[k] = yr * mask[k];
        xi[k] = yi * mask[k];
      }
    }
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

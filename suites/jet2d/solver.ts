/**
 * Pseudo-spectral ETDRK4 solver for forced, damped 2D incompressible Navier–Stokes in vorticity
 * form on the doubly periodic box [0, L)² (the `jet2d` ground truth):
 *
 *   ω_t + J(ψ, ω) + βv = ν∇²ω − ν_h∇⁸ω − μω + F,   ∇²ψ = ω,   J(a, b) = a_x b_y − a_y b_x,
 *   u = −ψ_y,  v = ψ_x,  ω = v_x − u_y,  J(ψ, ω) = u ω_x + v ω_y = u·∇ω,
 *   F(y) = F₀ κ_f cos(κ_f y),   κ_f = 2π k_f / L.
 *
 * Sign convention: ψ is the streamfunction with `ω = +∇²ψ` and `(u, v) = (−ψ_y, ψ_x)`, so that
 * `J(ψ, ω)` is the advection `u·∇ω` and ω is the usual curl `v_x − u_y` (the pair u = ψ_y,
 * v = −ψ_x goes with ω = −∇²ψ instead). F is the curl of the body force `f = (−F₀ sin κ_f y, 0)`:
 * a Kolmogorov forcing whose laminar response is the steady jet
 * `ω_s = F₀κ_f cos(κ_f y)/(νκ_f² + μ)`, `u_s = −F₀ sin(κ_f y)/(νκ_f² + μ)`, unstable at large
 * Reynolds number; linear drag μ removes the energy that the inverse cascade brings to large
 * scales, so the flow settles to a statistically steady state of k_f jets pairs.
 *
 * Budgets (E = ½⟨u² + v²⟩ = −½⟨ψω⟩, Z = ½⟨ω²⟩, P = ½⟨|∇ω|²⟩; ⟨ψ J(ψ, ω)⟩ = ⟨ω J(ψ, ω)⟩ = 0):
 *
 *   dE/dt = −2νZ − 2ν_h H_E − 2μE − ⟨ψF⟩,      dZ/dt = −2νP − 2ν_h H_Z − 2μZ + ⟨ωF⟩,
 *
 * with the hyperviscous terms H_E = ½⟨|∇(∇²ω)|²⟩ = ½Σ|κ|⁶|ω̂|²/n⁴ and H_Z = ½⟨(∇⁴ω)²⟩ =
 * ½Σ|κ|⁸|ω̂|²/n⁴ (ν_h = 0 by default). The β-term (planetary vorticity gradient, β = 0 by
 * default) does no work on either: ⟨ψ ψ_x⟩ = ⟨∇²ψ ψ_x⟩ = 0, so the budgets are unchanged.
 *
 * Discretisation: Fourier pseudo-spectral (2/3-rule dealiased Jacobian, which conserves E and Z
 * exactly in the semi-discrete inviscid system), and ETDRK4 (Cox & Matthews
 * 2002; Kassam & Trefethen 2005) for `ω̂_t = λω̂ + N(ω̂)`, `λ = −ν|κ|² − ν_h|κ|⁸ − μ`,
 * `N(ω̂) = −Ĵ(ψ, ω) − iβκ_x ψ̂ + F̂` (the β-term explicit: its rate β/|κ| ≤ β is slow), with sub-step h:
 *
 *   a = E₂ω̂ + Q N(ω̂),  b = E₂ω̂ + Q N(a),  c = E₂a + Q (2N(b) − N(ω̂)),
 *   ω̂⁺ = Eω̂ + f₁N(ω̂) + 2f₂(N(a) + N(b)) + f₃N(c),
 *
 * E = e^{hλ}, E₂ = e^{hλ/2}, Q = hφ_Q(hλ), f_i = hφ_i(hλ), the φ by the contour mean of
 * `etdrk4Phi` (`suites/common/etdrk4.ts`, shared with `burgers1d`; the stage loops are the ones of
 * its `Etdrk4Stages`, fused here with the forming of N). The linear part, and a constant forcing,
 * are integrated exactly; the scheme is fourth order in h. The mean of ω is zero (ω = ∇²ψ) and is
 * kept zero.
 *
 * Implementation (suite 1.1.0): the state is the band layout of `BandSpectral2D` (the 2/3 band of
 * the half plane k_x ≥ 0 of ω̂, 171 × 86 bins at 256²), and Ĵ comes from
 * `BandSpectral2D.advection` in Basdevant's form `J = ∂x∂y(v² − u²) + (∂x² − ∂y²)(uv)`: two
 * complex 2D transforms per N instead of the three of `Spectral2D.jacobian`, the same dealiased
 * Jacobian in exact arithmetic (band-limited u, v: alias-free products); at 256² its transforms
 * run in WebAssembly SIMD (`radix4_simd.ts`, the same bits as the TypeScript path). `step` keeps the full
 * `Spectral2D` layout of 1.0.0 for callers and copies through the band layout; `stepBand`,
 * `toBand` and `bandToPhysical` work on the band layout directly (references, `trajectory`).
 *
 * @example
 * ```ts
 * import { Jet2D } from "./solver.ts";
 * const s = new Jet2D({ n: 16, nu: 0.01, mu: 0, f0: 0 });
 * const w = new Float64Array(256);
 * for (let j = 0; j < 16; j++) {
 *   for (let i = 0; i < 16; i++) w[j * 16 + i] = -2 * Math.sin(s.grid.x(i)) * Math.sin(s.grid.x(j));
 * }
 * const traj = s.trajectory(w, 1, 0.1); // Taylor–Green: ω₀ e^{−2νt}
 * const want = w[17] * Math.exp(-2 * 0.01 * 0.1);
 * if (Math.abs(traj[256 + 17] - want) > 1e-6) throw new Error("Taylor–Green");
 * ```
 * @module
 */

import { BandSpectral2D } from "../common/band_spectral2d.ts";
import { Spectral2D } from "../common/spectral2d.ts";
import { etdrk4Phi } from "../common/etdrk4.ts";

/**
 * Physical and numerical parameters of {@link Jet2D} (the `jet2d` suite's values: `PHYSICS` in
 * `suite.ts`).
 */
export interface Jet2DOptions {
  /** Grid points per side (power of two ≥ 8). */
  readonly n: number;
  /** Box side L (default 2π). */
  readonly length?: number;
  /** Kinematic viscosity ν (default {@link JET2D_NU} = 10⁻⁴, Re = 1/ν = 10⁴). */
  readonly nu?: number;
  /** Hyperviscosity ν_h of the −ν_h∇⁸ω term (default 0). */
  readonly nuH?: number;
  /** Linear drag μ (default 0.1). */
  readonly mu?: number;
  /** β of the −βv term (zonal-jet forming planetary vorticity gradient, default 0). */
  readonly beta?: number;
  /** Forcing mode number k_f (cycles per box side, default 4): κ_f = 2πk_f/L. */
  readonly kf?: number;
  /** Forcing amplitude F₀ (default 1): F = F₀κ_f cos(κ_f y). 0 switches forcing off. */
  readonly f0?: number;
  /** Sub-steps per `trajectory` model step (default 1). */
  readonly substeps?: number;
  /** Points on the contour circle for the ETDRK4 φ functions (even, default 64). */
  readonly contourPoints?: number;
}

/** Default viscosity: Re = U L_u/ν = 10⁴ with the velocity unit U = 1 and length unit 1. */
export const JET2D_NU = 1e-4;

/** Per-bin ETDRK4 coefficients for one sub-step h (h included). */
interface Coefficients {
  readonly e: Float64Array;
  readonly e2: Float64Array;
  readonly q: Float64Array;
  readonly f1: Float64Array;
  readonly f2: Float64Array;
  readonly f3: Float64Array;
}

/** Budget terms of one state (see module docs), all grid means. */
export interface Jet2DDiagnostics {
  /** E = ½⟨u² + v²⟩. */
  readonly energy: number;
  /** Z = ½⟨ω²⟩. */
  readonly enstrophy: number;
  /** P = ½⟨|∇ω|²⟩. */
  readonly palinstrophy: number;
  /** Forcing work on E: −⟨ψF⟩. */
  readonly energyInput: number;
  /** Forcing work on Z: ⟨ωF⟩. */
  readonly enstrophyInput: number;
  /** Hyperviscous energy term H_E = ½Σ|κ|⁶|ω̂|²/n⁴ (dissipation rate 2ν_h H_E). */
  readonly hyperEnergy: number;
  /** Hyperviscous enstrophy term H_Z = ½Σ|κ|⁸|ω̂|²/n⁴ (dissipation rate 2ν_h H_Z). */
  readonly hyperEnstrophy: number;
  /** dE/dt from the budget: −2νZ − 2ν_h H_E − 2μE − ⟨ψF⟩. */
  readonly dEdt: number;
  /** dZ/dt from the budget: −2νP − 2ν_h H_Z − 2μZ + ⟨ωF⟩. */
  readonly dZdt: number;
}

/**
 * Forced 2D Navier–Stokes in vorticity form, ETDRK4 in time (see module docs). States are
 * vorticity spectra `(re, im)` of a real field in the `Spectral2D` layout (`step`: it reads the
 * band bins with k_x ≥ 0 and writes the full plane, Hermitian, zero outside the 2/3 band) or in
 * the band layout (`stepBand`); both advance in place and allocate nothing.
 *
 * @example
 * ```ts
 * import { Jet2D } from "./solver.ts";
 * const s = new Jet2D({ n: 16, nu: 0.1, mu: 0.1 });
 * const re = new Float64Array(256), im = new Float64Array(256);
 * s.step(re, im, 0.1); // from rest the forcing spins up the laminar jet
 * if (!(s.energyHat(re, im) > 0)) throw new Error("forced");
 * ```
 */
export class Jet2D {
  /** Spectral operators of the grid. */
  readonly grid: Spectral2D;
  /** Grid points per side. */
  readonly n: number;
  /** Viscosity ν. */
  readonly nu: number;
  /** Hyperviscosity ν_h. */
  readonly nuH: number;
  /** Drag μ. */
  readonly mu: number;
  /** β of the −βv term. */
  readonly beta: number;
  /** Forcing mode number k_f. */
  readonly kf: number;
  /** Forcing amplitude F₀. */
  readonly f0: number;
  /** Sub-steps per `trajectory` model step. */
  readonly substeps: number;
  /** Linear rate λ = −ν|κ|² − ν_h|κ|⁸ − μ per bin. */
  readonly lambda: Float64Array;
  /** Forcing spectrum F̂ (real part; the imaginary part is zero). */
  readonly forcingHat: Float64Array;

  /** Band-layout transforms (the state space of `stepBand`). */
  readonly band: BandSpectral2D;

  readonly #contourPoints: number;
  readonly #cache = new Map<number, Coefficients>();
  readonly #psr: Float64Array;
  readonly #psi: Float64Array;
  readonly #wr: Float64Array;
  readonly #wi: Float64Array;
  readonly #lambdaBand: Float64Array;
  readonly #forcingBand: Float64Array;
  readonly #jr: Float64Array;
  readonly #ji: Float64Array;
  readonly #ar: Float64Array;
  readonly #ai: Float64Array;
  readonly #br: Float64Array;
  readonly #bi: Float64Array;
  readonly #nvr: Float64Array;
  readonly #nvi: Float64Array;
  readonly #nar: Float64Array;
  readonly #nai: Float64Array;
  readonly #nbr: Float64Array;
  readonly #nbi: Float64Array;
  /** Band-layout state of `step` (the full-layout API copies through it). */
  readonly #sr: Float64Array;
  readonly #si: Float64Array;

  /** Precompute the grid, λ, F̂ and work buffers (see {@link Jet2DOptions}). */
  constructor(options: Jet2DOptions) {
    const n = options.n, length = options.length ?? 2 * Math.PI;
    const nu = options.nu ?? JET2D_NU, mu = options.mu ?? 0.1, nuH = options.nuH ?? 0;
    const kf = options.kf ?? 4, f0 = options.f0 ?? 1, substeps = options.substeps ?? 1;
    if (!Number.isInteger(n) || n < 8 || (n & (n - 1)) !== 0) {
      throw new RangeError(`Cannot build Jet2D: expected n a power of two ≥ 8, found ${n}`);
    }
    const beta = options.beta ?? 0;
    for (const [name, v] of [["nu", nu], ["mu", mu], ["nuH", nuH], ["beta", beta]] as const) {
      if (!(v >= 0) || !Number.isFinite(v)) {
        throw new RangeError(`Cannot build Jet2D: expected ${name} ≥ 0, found ${v}`);
      }
    }
    if (!Number.isFinite(f0)) throw new RangeError(`Cannot build Jet2D: f0 is ${f0}`);
    const grid = new Spectral2D(n, length);
    if (!Number.isInteger(kf) || kf < 1 || kf > grid.kCut) {
      throw new RangeError(
        `Cannot build Jet2D: expected kf an integer in [1, ${grid.kCut}] (2/3 rule), found ${kf}`,
      );
    }
    if (!Number.isSafeInteger(substeps) || substeps < 1) {
      throw new RangeError(
        `Cannot build Jet2D: expected substeps an integer ≥ 1, found ${substeps}`,
      );
    }
    this.grid = grid;
    this.n = n;
    this.nu = nu;
    this.nuH = nuH;
    this.mu = mu;
    this.beta = beta;
    this.kf = kf;
    this.f0 = f0;
    this.substeps = substeps;
    this.#contourPoints = options.contourPoints ?? 64;
    const size = n * n, buf = () => new Float64Array(size);
    this.lambda = buf();
    for (let k = 0; k < size; k++) {
      const k2 = grid.k2[k];
      this.lambda[k] = -nu * k2 - nuH * k2 * k2 * k2 * k2 - mu;
    }
    // F = F₀κ_f cos(κ_f y) = F₀κ_f (e^{iκ_f y} + e^{−iκ_f y})/2: bins (0, ±k_f), n²·F₀κ_f/2 each
    this.forcingHat = buf();
    const amp = 0.5 * size * f0 * ((2 * Math.PI * kf) / length);
    this.forcingHat[kf * n] += amp;
    this.forcingHat[(n - kf) * n] += amp;
    this.#psr = buf();
    this.#psi = buf();
    this.#wr = buf();
    this.#wi = buf();
    const band = new BandSpectral2D(n, length), bsize = band.size;
    const bbuf = () => new Float64Array(bsize);
    this.band = band;
    this.#lambdaBand = bbuf();
    this.#forcingBand = bbuf();
    this.#jr = bbuf();
    band.fromFull(this.lambda, this.#wi, this.#lambdaBand, this.#jr);
    band.fromFull(this.forcingHat, this.#wi, this.#forcingBand, this.#jr);
    this.#ji = bbuf();
    this.#ar = bbuf();
    this.#ai = bbuf();
    this.#br = bbuf();
    this.#bi = bbuf();
    this.#nvr = bbuf();
    this.#nvi = bbuf();
    this.#nar = bbuf();
    this.#nai = bbuf();
    this.#nbr = bbuf();
    this.#nbi = bbuf();
    this.#sr = bbuf();
    this.#si = bbuf();
  }

  #coefficients(h: number): Coefficients {
    let c = this.#cache.get(h);
    if (c) return c;
    if (this.#cache.size >= 4) this.#cache.clear();
    const size = this.band.size, byZ = new Map<number, ReturnType<typeof etdrk4Phi>>();
    const buf = () => new Float64Array(size);
    c = { e: buf(), e2: buf(), q: buf(), f1: buf(), f2: buf(), f3: buf() };
    for (let k = 0; k < size; k++) {
      const z = h * this.#lambdaBand[k];
      let p = byZ.get(z);
      if (!p) {
        p = etdrk4Phi(z, this.#contourPoints);
        byZ.set(z, p);
      }
      c.e[k] = p.e;
      c.e2[k] = p.e2;
      c.q[k] = h * p.q;
      c.f1[k] = h * p.f1;
      c.f2[k] = h * p.f2;
      c.f3[k] = h * p.f3;
    }
    this.#cache.set(h, c);
    return c;
  }

  /**
   * `Ĵ = band.advection(ω̂)` into the work arrays: the dealiased Jacobian J(ψ, ω) of the band
   * spectrum `(re, im)`, in Basdevant's form (one inverse and one forward transform, see
   * `BandSpectral2D.advection`). The rest of N(ω̂) = −Ĵ − iβκ_x ψ̂ + F̂ is formed in the
   * stage loops of `#step`.
   */
  #advect(re: Float64Array, im: Float64Array): void {
    this.band.advection(re, im, this.#jr, this.#ji);
  }

  /**
   * Advance the vorticity spectrum `(re, im)` (full `Spectral2D` layout, of a real field) in place
   * by one ETDRK4 step of size `dt` (coefficients are computed on first use of a `dt` and
   * cached): {@link Jet2D.stepBand} on its band bins with k_x ≥ 0; the result fills the full
   * plane by Hermitian symmetry, zero outside the 2/3 band.
   *
   * @example
   * ```ts
   * import { Jet2D } from "./solver.ts";
   * const s = new Jet2D({ n: 8, kf: 1, f0: 0 });
   * const re = new Float64Array(64), im = new Float64Array(64);
   * re[1] = 64; // ω = 2 cos x, a single mode: J(ψ, ω) = 0 and only the linear rate acts
   * s.step(re, im, 0.5);
   * if (Math.abs(re[1] - 64 * Math.exp(0.5 * s.lambda[1])) > 1e-12) throw new Error("e^{λh}");
   * ```
   */
  step(re: Float64Array, im: Float64Array, dt: number): void {
    const size = this.grid.size;
    if (re.length !== size || im.length !== size) {
      throw new TypeError(
        `Cannot step Jet2D: expected spectra of ${size} values, found ${re.length} and ${im.length}`,
      );
    }
    if (!(dt > 0) || !Number.isFinite(dt)) {
      throw new RangeError(`Cannot step Jet2D: expected dt > 0, found ${dt}`);
    }
    const sr = this.#sr, si = this.#si;
    this.band.fromFull(re, im, sr, si);
    this.#step(sr, si, dt);
    this.band.toFull(sr, si, re, im);
  }

  /**
   * {@link Jet2D.step} on the band layout of `band` (see `suites/common/band_spectral2d.ts`):
   * the solver's own state space, without the copies to and from the full layout.
   *
   * @example
   * ```ts
   * import { Jet2D } from "./solver.ts";
   * const s = new Jet2D({ n: 8, kf: 1, f0: 0 }), re = new Float64Array(15), im = new Float64Array(15);
   * re[1] = 64; // ω = 2 cos x
   * s.stepBand(re, im, 0.5);
   * if (Math.abs(re[1] - 64 * Math.exp(0.5 * s.lambda[1])) > 1e-12) throw new Error("e^{λh}");
   * ```
   */
  stepBand(re: Float64Array, im: Float64Array, dt: number): void {
    const size = this.band.size;
    if (re.length !== size || im.length !== size) {
      throw new TypeError(
        `Cannot step Jet2D: expected band spectra of ${size} values, found ${re.length} and ${im.length}`,
      );
    }
    if (!(dt > 0) || !Number.isFinite(dt)) {
      throw new RangeError(`Cannot step Jet2D: expected dt > 0, found ${dt}`);
    }
    this.#step(re, im, dt);
  }

  /**
   * ETDRK4 (module docs) on the band layout, each stage loop fused with the forming of N:
   * `N = F̂ − Ĵ + βκ_x ψ̂_i − i βκ_x ψ̂_r` with `ψ̂ = −ω̂/|κ|²` (the stages of `Etdrk4Stages`,
   * operation for operation, with N formed where it is first used).
   */
  #step(re: Float64Array, im: Float64Array, dt: number): void {
    const { e, e2, q, f1, f2, f3 } = this.#coefficients(dt), size = this.band.size;
    const fo = this.#forcingBand, inv = this.band.invK2, kx = this.band.kx, beta = this.beta;
    const jr = this.#jr, ji = this.#ji, ar = this.#ar, ai = this.#ai, br = this.#br, bi = this.#bi;
    const nvr = this.#nvr, nvi = this.#nvi, nar = this.#nar, nai = this.#nai;
    const nbr = this.#nbr, nbi = this.#nbi;
    this.#advect(re, im);
    for (let k = 0; k < size; k++) {
      const bk = beta * kx[k], s = -inv[k];
      const nr = fo[k] - jr[k] + bk * (s * im[k]), ni = -ji[k] - bk * (s * re[k]);
      nvr[k] = nr;
      nvi[k] = ni;
      ar[k] = e2[k] * re[k] + q[k] * nr;
      ai[k] = e2[k] * im[k] + q[k] * ni;
    }
    this.#advect(ar, ai);
    for (let k = 0; k < size; k++) {
      const bk = beta * kx[k], s = -inv[k];
      const nr = fo[k] - jr[k] + bk * (s * ai[k]), ni = -ji[k] - bk * (s * ar[k]);
      nar[k] = nr;
      nai[k] = ni;
      br[k] = e2[k] * re[k] + q[k] * nr;
      bi[k] = e2[k] * im[k] + q[k] * ni;
    }
    this.#advect(br, bi);
    // c overwrites b: b is not needed after N(b)
    for (let k = 0; k < size; k++) {
      const bk = beta * kx[k], s = -inv[k];
      const nr = fo[k] - jr[k] + bk * (s * bi[k]), ni = -ji[k] - bk * (s * br[k]);
      nbr[k] = nr;
      nbi[k] = ni;
      br[k] = e2[k] * ar[k] + q[k] * (2 * nr - nvr[k]);
      bi[k] = e2[k] * ai[k] + q[k] * (2 * ni - nvi[k]);
    }
    this.#advect(br, bi);
    for (let k = 0; k < size; k++) {
      const bk = beta * kx[k], s = -inv[k];
      const nr = fo[k] - jr[k] + bk * (s * bi[k]), ni = -ji[k] - bk * (s * br[k]);
      re[k] = e[k] * re[k] + f1[k] * nvr[k] + 2 * f2[k] * (nar[k] + nbr[k]) + f3[k] * nr;
      im[k] = e[k] * im[k] + f1[k] * nvi[k] + 2 * f2[k] * (nai[k] + nbi[k]) + f3[k] * ni;
    }
    re[0] = 0;
    im[0] = 0;
  }

  /**
   * Band-layout spectrum of a physical vorticity field (2/3 band, zero mean): the state of
   * {@link Jet2D.stepBand}, the band bins of {@link Jet2D.toSpectral}.
   *
   * @example
   * ```ts
   * import { Jet2D } from "./solver.ts";
   * const s = new Jet2D({ n: 8, kf: 1 }), re = new Float64Array(15), im = new Float64Array(15);
   * const w = new Float64Array(64);
   * for (let j = 0; j < 8; j++) for (let i = 0; i < 8; i++) w[j * 8 + i] = 1 + Math.cos(s.grid.x(i));
   * s.toBand(w, re, im);
   * if (re[0] !== 0 || Math.abs(re[1] - 32) > 1e-12) throw new Error("band");
   * ```
   */
  toBand(omega: ArrayLike<number>, re: Float64Array, im: Float64Array): void {
    this.toSpectral(omega, this.#wr, this.#wi);
    this.band.fromFull(this.#wr, this.#wi, re, im);
  }

  /** Physical vorticity (n² values) from a band-layout spectrum (`band.inverse`). */
  bandToPhysical(re: Float64Array, im: Float64Array, out: Float64Array | Float32Array): void {
    this.band.inverse(re, im, out);
  }

  /**
   * Spectrum of a physical vorticity field, projected onto the 2/3-rule band with zero mean
   * (the state space of the solver).
   *
   * @example
   * ```ts
   * import { Jet2D } from "./solver.ts";
   * const s = new Jet2D({ n: 8, kf: 1 }), re = new Float64Array(64), im = new Float64Array(64);
   * s.toSpectral(new Float64Array(64).fill(1), re, im);
   * if (re[0] !== 0) throw new Error("zero mean");
   * ```
   */
  toSpectral(omega: ArrayLike<number>, re: Float64Array, im: Float64Array): void {
    this.grid.forward(omega, re, im);
    this.grid.dealias(re, im);
    re[0] = 0;
    im[0] = 0;
  }

  /** Physical vorticity from its spectrum (same as `grid.inverse`). */
  toPhysical(re: Float64Array, im: Float64Array, out: Float64Array): void {
    this.grid.inverse(re, im, out);
  }

  /**
   * Velocity `u = −ψ_y`, `v = ψ_x` with `ψ = ∇⁻²ω` (zero-mean ψ) from a physical vorticity.
   *
   * @example
   * ```ts
   * import { Jet2D } from "./solver.ts";
   * const s = new Jet2D({ n: 8, kf: 1 }), w = new Float64Array(64);
   * for (let j = 0; j < 8; j++) for (let i = 0; i < 8; i++) w[j * 8 + i] = -Math.sin(s.grid.x(j));
   * const { u } = s.velocity(w); // ψ = sin y, u = −cos y
   * if (Math.abs(u[0] + 1) > 1e-12) throw new Error("u");
   * ```
   */
  velocity(omega: ArrayLike<number>): { u: Float64Array; v: Float64Array } {
    const g = this.grid, size = g.size, wr = this.#wr, wi = this.#wi;
    g.forward(omega, wr, wi);
    g.invLaplacian(wr, wi, wr, wi);
    // (−iκ_y + i·iκ_x) ψ̂ = û + i v̂  ↦  u + i v
    const zr = this.#psr, zi = this.#psi, kx = g.kx, ky = g.ky;
    for (let k = 0; k < size; k++) {
      zr[k] = ky[k] * wi[k] - kx[k] * wr[k];
      zi[k] = -ky[k] * wr[k] - kx[k] * wi[k];
    }
    const u = new Float64Array(size), v = new Float64Array(size);
    g.inversePair(zr, zi, u, v);
    return { u, v };
  }

  /**
   * Budget terms of a vorticity spectrum, by Parseval (see {@link Jet2DDiagnostics}).
   *
   * @example
   * ```ts
   * import { Jet2D } from "./solver.ts";
   * const s = new Jet2D({ n: 16, nu: 0.1, mu: 0.1, f0: 0 });
   * const d = s.diagnosticsHat(new Float64Array(256), new Float64Array(256));
   * if (d.energy !== 0 || d.dEdt !== 0) throw new Error("rest");
   * ```
   */
  diagnosticsHat(re: Float64Array, im: Float64Array): Jet2DDiagnostics {
    const g = this.grid, size = g.size, k2 = g.k2, inv = g.invK2, f = this.forcingHat;
    let e = 0, z = 0, p = 0, he = 0, hz = 0, fe = 0, fz = 0;
    for (let k = 0; k < size; k++) {
      const a = re[k] * re[k] + im[k] * im[k], q = k2[k], q3 = q * q * q;
      e += a * inv[k];
      z += a;
      p += a * q;
      he += a * q3;
      hz += a * q3 * q;
      fe += re[k] * f[k] * inv[k]; // −⟨ψF⟩ = ⟨(ω/|κ|²) F⟩ bin by bin
      fz += re[k] * f[k];
    }
    const s = 1 / (size * size);
    const energy = 0.5 * e * s, enstrophy = 0.5 * z * s, palinstrophy = 0.5 * p * s;
    const energyInput = fe * s, enstrophyInput = fz * s;
    const hyperEnergy = 0.5 * he * s, hyperEnstrophy = 0.5 * hz * s, nuH2 = 2 * this.nuH;
    return {
      energy,
      enstrophy,
      palinstrophy,
      energyInput,
      enstrophyInput,
      hyperEnergy,
      hyperEnstrophy,
      dEdt: -2 * this.nu * enstrophy - nuH2 * hyperEnergy - 2 * this.mu * energy + energyInput,
      dZdt: -2 * this.nu * palinstrophy - nuH2 * hyperEnstrophy - 2 * this.mu * enstrophy +
        enstrophyInput,
    };
  }

  /** E = ½⟨u² + v²⟩ = ½ Σ |ω̂|²/(|κ|² n⁴) of a vorticity spectrum. */
  energyHat(re: Float64Array, im: Float64Array): number {
    return this.diagnosticsHat(re, im).energy;
  }

  /**
   * E = ½⟨u² + v²⟩ of a physical vorticity field (its zero-mean part).
   *
   * @example
   * ```ts
   * import { Jet2D } from "./solver.ts";
   * const s = new Jet2D({ n: 8, kf: 1 }), w = new Float64Array(64);
   * for (let j = 0; j < 8; j++) for (let i = 0; i < 8; i++) w[j * 8 + i] = -Math.sin(s.grid.x(j));
   * if (Math.abs(s.energy(w) - 0.25) > 1e-12) throw new Error("u = −cos y: E = ¼");
   * ```
   */
  energy(omega: ArrayLike<number>): number {
    this.grid.forward(omega, this.#wr, this.#wi);
    return this.diagnosticsHat(this.#wr, this.#wi).energy;
  }

  /**
   * Z = ½⟨ω²⟩ of a physical vorticity field (mean included).
   *
   * @example
   * ```ts
   * import { Jet2D } from "./solver.ts";
   * if (new Jet2D({ n: 8, kf: 1 }).enstrophy(new Float64Array(64).fill(2)) !== 2) throw new Error("Z");
   * ```
   */
  enstrophy(omega: ArrayLike<number>): number {
    let s = 0;
    for (let k = 0; k < omega.length; k++) s += omega[k] * omega[k];
    return (0.5 * s) / omega.length;
  }

  /**
   * Float32 vorticity trajectory `[steps + 1, n, n]` from the physical IC `ic` (n² values):
   * row m is ω at t = m·dt, computed with `substeps` ETDRK4 steps of dt/substeps each. Row 0 is
   * the IC projected onto the solver's state space (2/3 band, zero mean).
   *
   * @example
   * ```ts
   * import { Jet2D } from "./solver.ts";
   * const traj = new Jet2D({ n: 8, kf: 1 }).trajectory(new Float64Array(64), 2, 0.01);
   * if (traj.length !== 3 * 64) throw new Error("[3, 8, 8]");
   * ```
   */
  trajectory(ic: ArrayLike<number>, steps: number, dt: number): Float32Array {
    const size = this.grid.size;
    if (ic.length !== size) {
      throw new TypeError(
        `Cannot solve Jet2D: expected an IC of ${size} values, found ${ic.length}`,
      );
    }
    if (!Number.isSafeInteger(steps) || steps < 0) {
      throw new RangeError(`Cannot solve Jet2D: expected steps an integer ≥ 0, found ${steps}`);
    }
    const bs = this.band.size, re = new Float64Array(bs), im = new Float64Array(bs);
    const w = new Float64Array(size), out = new Float32Array((steps + 1) * size);
    this.toBand(ic, re, im);
    this.band.inverse(re, im, w);
    out.set(w, 0);
    const h = dt / this.substeps;
    for (let m = 1; m <= steps; m++) {
      for (let s = 0; s < this.substeps; s++) this.stepBand(re, im, h);
      this.band.inverse(re, im, w);
      out.set(w, m * size);
    }
    return out;
  }
}

/**
 * Pseudo-spectral RK4 solver for the (modified) Hasegawa–Wakatani equations on the doubly
 * periodic box [0, L)², L = 2π/k₀ (the `hasegawa_wakatani` ground truth):
 *
 *   ∂ₜn + {φ, n} = c₁(φ̃ − ñ) − κ ∂ᵧφ − D(n),
 *   ∂ₜΩ + {φ, Ω} = c₁(φ̃ − ñ) − D(Ω),        Ω = ∇²φ,
 *   {a, b} = a_x b_y − a_y b_x,   D(f) = ν (−∇²)^N f  (D̂ = ν|κ|^{2N} f̂ ≥ 0, dissipative).
 *
 * Geometry (as in hw2d and Numata, Ball & Dewar 2007): x is the radial direction of the
 * background density gradient (−κ∂ᵧφ = κ v_x with the E×B drift `v_x = −∂ᵧφ`), y the periodic
 * direction in which drift waves propagate. The zonal part of a field is its average over y,
 * `f̄(x) = ⟨f⟩_y` (the Fourier modes with k_y = 0), and `f̃ = f − f̄`. "Modified" HW couples only
 * the non-zonal parts (Numata et al. 2007), which lets zonal flows form; with `modified: false`
 * the coupling acts on every mode but the mean (original HW). `zonalAxis: "x"` swaps the
 * averaging direction (zonal = k_x = 0) for codes that put the gradient along y.
 *
 * State: spectra of n and Ω in the `Spectral2D` layout, kept in the 2/3-rule band with zero mean;
 * φ̂ = −Ω̂/|κ|² (`phiFromOmega`).
 *
 * Diagnostics (⟨·⟩ the grid mean, all evaluated by Parseval on the spectra):
 *
 *   E = ½⟨n² + |∇φ|²⟩,  U = ½⟨(n − Ω)²⟩,  Γⁿ = −⟨n ∂ᵧφ⟩,  Γᶜ = c₁⟨(ñ − φ̃)²⟩,
 *   D^E = ⟨n D(n) − φ D(Ω)⟩ = ν Σ |κ|^{2N} (|n̂|² + |κ|²|φ̂|²)/n⁴,
 *   D^U = ⟨(n − Ω) D(n − Ω)⟩ = ν Σ |κ|^{2N} |n̂ − Ω̂|²/n⁴,
 *   dE/dt = κΓⁿ − Γᶜ − D^E,   dU/dt = κΓⁿ − D^U.
 *
 * (dE/dt = ⟨n ∂ₜn⟩ − ⟨φ ∂ₜΩ⟩; the brackets drop out because ⟨a{a, b}⟩ = ⟨b{a, b}⟩ = 0; the two
 * coupling terms combine to −c₁⟨(φ̃ − ñ)²⟩; in dU/dt the coupling cancels in ∂ₜ(n − Ω) and
 * ⟨Ω∂ᵧφ⟩ = 0.) The 2/3-dealiased Jacobian of `Spectral2D` keeps these identities exactly for
 * band-limited fields, so the semi-discrete budgets close to rounding.
 *
 * Time stepping: classical explicit RK4 on the whole right-hand side (as hw2d), hyperdiffusion
 * included; fourth order in Δt. Explicit RK4 is stable for real negative λΔt ≥ −2.785, which sets
 * two limits besides the advective CFL: the coupling rate of the lowest mode,
 * `Δt < 2.785/|λ(k₀)| ≈ 2.785/(c₁(1 + 1/k₀²))` (0.0613 for c₁ = 1, k₀ = 0.15; measured: 0.060
 * stable, 0.062 diverges), and hyperdiffusion at the 2/3-band corner,
 * `Δt·ν(2(k₀⌊n/3⌋)²)^N < 2.785` (with {@link hwDefaultNu}, ν|κ|⁶ ≈ 102 at 64², 128² and 110 at 512²: Δt ≲ 0.025).
 *
 * Real fields: `step` does not enforce Hermitian symmetry of the spectra (so that complex
 * single-mode states can be advanced exactly); an anti-Hermitian round-off part grows at the linear
 * growth rate and reaches O(1) after ≈ 400 time units. Long runs call {@link
 * HasegawaWakatani.projectReal} after every step (the suite does).
 *
 * Linear theory (`linearModes`): a single Fourier mode e^{i(k_x x + k_y y)} has {φ, n} = 0 (all
 * fields are functions of one phase), so it evolves exactly by `d(n̂, φ̂)/dt = A(n̂, φ̂)`,
 *
 *   A = [[−c₁ − d,  c₁ − iκk_y], [c₁/k²,  −c₁/k² − d]],   d = ν k^{2N},  k² = k_x² + k_y²,
 *
 * (coupling c₁ → 0 for a zonal mode of the modified model), with eigenvalues λ = γ − iω.
 *
 * @example
 * ```ts
 * import { HasegawaWakatani } from "./solver.ts";
 * const hw = new HasegawaWakatani({ n: 16 });
 * const s = hw.randomState(1, 1e-3);
 * const e0 = hw.diagnostics(s).energy;
 * hw.step(s, 0.05);
 * if (!(hw.diagnostics(s).energy > 0) || !(e0 > 0)) throw new Error("energy");
 * ```
 * @module
 */

import { Spectral2D } from "../common/spectral2d.ts";
import { Rng } from "../../harness/core/rng.ts";

/** Physical and numerical parameters of {@link HasegawaWakatani}; defaults are hw2d's. */
export interface HasegawaWakataniOptions {
  /** Grid points per side (power of two ≥ 8). */
  readonly n: number;
  /** Hyperdiffusion coefficient ν ≥ 0 (default {@link hwDefaultNu}(n)). */
  readonly nu?: number;
  /** Hyperdiffusion order N ≥ 1: D = ν(−∇²)^N (default 3, i.e. ∇⁶). */
  readonly hyperOrder?: number;
  /** Adiabaticity (parallel coupling) c₁ ≥ 0 (default 1). */
  readonly c1?: number;
  /** Background density-gradient drive κ (default 1). */
  readonly kappa?: number;
  /** Lowest wavenumber k₀ > 0: box side L = 2π/k₀ (default 0.15). */
  readonly k0?: number;
  /** Couple only the non-zonal parts (modified HW, default true). */
  readonly modified?: boolean;
  /** Direction of the zonal average: "y" (default, hw2d/Numata: zonal = k_y = 0) or "x". */
  readonly zonalAxis?: "x" | "y";
}

/**
 * A suggested ν for n² points: hw2d's ν = 5·10⁻⁸ at 512² scaled to keep the damping rate
 * ν|κ_max|^{2N} of the grid scale fixed (N = 3): `ν(n) = 5·10⁻⁸ (512/n)⁶`.
 *
 * @example
 * ```ts
 * import { hwDefaultNu } from "./solver.ts";
 * if (Math.abs(hwDefaultNu(128) - 2.048e-4) > 1e-18) throw new Error("ν(128)");
 * ```
 */
export function hwDefaultNu(n: number): number {
  return 5e-8 * Math.pow(512 / n, 6);
}

/** Spectral state: spectra of density n and vorticity Ω (`Spectral2D` layout). */
export interface HWState {
  readonly nRe: Float64Array;
  readonly nIm: Float64Array;
  readonly omegaRe: Float64Array;
  readonly omegaIm: Float64Array;
}

/** Budget terms of one state (see module docs). */
export interface HWDiagnostics {
  /** E = ½⟨n² + |∇φ|²⟩. */
  readonly energy: number;
  /** U = ½⟨(n − Ω)²⟩. */
  readonly enstrophy: number;
  /** Γⁿ = −⟨n ∂ᵧφ⟩ (radial particle flux). */
  readonly gammaN: number;
  /** Γᶜ = c₁⟨(ñ − φ̃)²⟩ (resistive/coupling dissipation; all non-mean modes if not modified). */
  readonly gammaC: number;
  /** D^E = ⟨n D(n) − φ D(Ω)⟩ ≥ 0. */
  readonly dissipationE: number;
  /** D^U = ⟨(n − Ω) D(n − Ω)⟩ ≥ 0. */
  readonly dissipationU: number;
  /** dE/dt from the budget: κΓⁿ − Γᶜ − D^E. */
  readonly dEdt: number;
  /** dU/dt from the budget: κΓⁿ − D^U. */
  readonly dUdt: number;
}

/**
 * One eigenmode of the linearised system: λ = γ − iω and eigenvector (n̂, φ̂) = (1, φ) (φ = 1 when
 * A = −d·I, i.e. an uncoupled mode without drive).
 */
export interface HWLinearMode {
  /** Growth rate γ = Re λ. */
  readonly growth: number;
  /** Frequency ω = −Im λ (positive: phase velocity along +y for k_y > 0). */
  readonly frequency: number;
  /** Re φ̂/n̂ of the eigenvector. */
  readonly phiRe: number;
  /** Im φ̂/n̂ of the eigenvector. */
  readonly phiIm: number;
}

/** √(a + ib) on the principal branch. */
function csqrt(a: number, b: number): [number, number] {
  const r = Math.hypot(a, b);
  const re = Math.sqrt(0.5 * (r + a)), im = Math.sqrt(0.5 * (r - a));
  return [re, b < 0 ? -im : im];
}

/**
 * The two eigenmodes of the linear HW system for the angular wavenumber (k_x, k_y) (see module
 * docs), the more unstable first. `coupled: false` drops c₁ (a zonal mode of modified HW).
 *
 * @example
 * ```ts
 * import { linearModes } from "./solver.ts";
 * // adiabatic limit c₁ ≫ 1: drift wave ω → κk_y/(1 + k²), n̂ → φ̂
 * const [m] = linearModes({ c1: 1e6, kappa: 1, nu: 0, hyperOrder: 3 }, 0, 1);
 * if (Math.abs(m.frequency - 0.5) > 1e-5 || Math.abs(m.phiRe - 1) > 1e-5) throw new Error("drift wave");
 * ```
 */
export function linearModes(
  p: { c1: number; kappa: number; nu: number; hyperOrder: number; coupled?: boolean },
  kx: number,
  ky: number,
): [HWLinearMode, HWLinearMode] {
  const k2 = kx * kx + ky * ky;
  if (!(k2 > 0)) throw new RangeError(`Cannot solve the HW dispersion relation: k = 0`);
  const c = p.coupled === false ? 0 : p.c1, d = p.nu * Math.pow(k2, p.hyperOrder);
  // A = [[a, b], [e, f]] with a, e, f real and b = c − iκk_y
  const a = -c - d, br = c, bi = -p.kappa * ky, e = c / k2, f = -c / k2 - d;
  const half = 0.5 * (a + f);
  // disc = ((a − f)/2)² + b e
  const [sr, si] = csqrt(0.25 * (a - f) * (a - f) + br * e, bi * e);
  const modes = [[half + sr, si], [half - sr, -si]].map(([lr, li]): HWLinearMode => {
    // (A − λ)v = 0 from the first row: (a − λ) + b φ = 0 → φ = (λ − a)/b
    const ur = lr - a, ui = li, den = br * br + bi * bi;
    // b = 0 only when c = 0 and κk_y = 0: then A = −d·I and every vector is an eigenvector
    const phiRe = den > 0 ? (ur * br + ui * bi) / den : 1;
    const phiIm = den > 0 ? (ui * br - ur * bi) / den : 0;
    return { growth: lr, frequency: -li, phiRe, phiIm };
  });
  modes.sort((u, v) => v.growth - u.growth);
  return [modes[0], modes[1]];
}

/**
 * Hasegawa–Wakatani equations, pseudo-spectral in space and RK4 in time (see module docs).
 * `step` advances an {@link HWState} in place and allocates nothing.
 *
 * @example
 * ```ts
 * import { HasegawaWakatani } from "./solver.ts";
 * const hw = new HasegawaWakatani({ n: 8, nu: 0 });
 * const s = hw.createState();
 * hw.step(s, 0.1); // the zero state is a fixed point
 * if (s.nRe.some((v) => v !== 0)) throw new Error("rest");
 * ```
 */
export class HasegawaWakatani {
  /** Spectral operators on the box of side 2π/k₀. */
  readonly grid: Spectral2D;
  /** Grid points per side. */
  readonly n: number;
  /** ν. */
  readonly nu: number;
  /** N. */
  readonly hyperOrder: number;
  /** c₁. */
  readonly c1: number;
  /** κ. */
  readonly kappa: number;
  /** k₀. */
  readonly k0: number;
  /** Modified (zonal parts uncoupled) or original HW. */
  readonly modified: boolean;
  /** Zonal average direction. */
  readonly zonalAxis: "x" | "y";
  /** Hyperdiffusion rate ν|κ|^{2N} per bin. */
  readonly hyper: Float64Array;
  /** Coupling mask per bin: 1 where c₁ acts (non-zonal bins, or all but the mean if unmodified). */
  readonly coupling: Float64Array;

  readonly #phr: Float64Array;
  readonly #phi: Float64Array;
  readonly #jr: Float64Array;
  readonly #ji: Float64Array;
  readonly #k: Float64Array[];
  readonly #acc: Float64Array[];
  readonly #tmp: Float64Array[];

  /** Precompute the grid, rate arrays and work buffers (see {@link HasegawaWakataniOptions}). */
  constructor(options: HasegawaWakataniOptions) {
    const n = options.n;
    if (!Number.isInteger(n) || n < 8 || (n & (n - 1)) !== 0) {
      throw new RangeError(
        `Cannot build HasegawaWakatani: expected n a power of two ≥ 8, found ${n}`,
      );
    }
    const nu = options.nu ?? hwDefaultNu(n), hyperOrder = options.hyperOrder ?? 3;
    const c1 = options.c1 ?? 1, kappa = options.kappa ?? 1, k0 = options.k0 ?? 0.15;
    const zonalAxis = options.zonalAxis ?? "y";
    for (const [name, v] of [["nu", nu], ["c1", c1]] as const) {
      if (!(v >= 0) || !Number.isFinite(v)) {
        throw new RangeError(`Cannot build HasegawaWakatani: expected ${name} ≥ 0, found ${v}`);
      }
    }
    if (!Number.isFinite(kappa)) {
      throw new RangeError(`Cannot build HasegawaWakatani: expected finite kappa, found ${kappa}`);
    }
    if (!(k0 > 0) || !Number.isFinite(k0)) {
      throw new RangeError(`Cannot build HasegawaWakatani: expected k0 > 0, found ${k0}`);
    }
    if (!Number.isInteger(hyperOrder) || hyperOrder < 1) {
      throw new RangeError(
        `Cannot build HasegawaWakatani: expected hyperOrder an integer ≥ 1, found ${hyperOrder}`,
      );
    }
    if (zonalAxis !== "x" && zonalAxis !== "y") {
      throw new RangeError(
        `Cannot build HasegawaWakatani: expected zonalAxis "x" or "y", found ${String(zonalAxis)}`,
      );
    }
    const grid = new Spectral2D(n, (2 * Math.PI) / k0), size = n * n;
    this.grid = grid;
    this.n = n;
    this.nu = nu;
    this.hyperOrder = hyperOrder;
    this.c1 = c1;
    this.kappa = kappa;
    this.k0 = k0;
    this.modified = options.modified ?? true;
    this.zonalAxis = zonalAxis;
    const buf = () => new Float64Array(size);
    this.hyper = buf();
    this.coupling = buf();
    for (let q = 0; q < n; q++) {
      for (let p = 0; p < n; p++) {
        const k = q * n + p;
        this.hyper[k] = nu * Math.pow(grid.k2[k], hyperOrder);
        const zonal = zonalAxis === "y" ? q === 0 : p === 0;
        this.coupling[k] = k === 0 || (this.modified && zonal) ? 0 : 1;
      }
    }
    this.#phr = buf();
    this.#phi = buf();
    this.#jr = buf();
    this.#ji = buf();
    this.#k = Array.from({ length: 4 }, buf);
    this.#acc = Array.from({ length: 4 }, buf);
    this.#tmp = Array.from({ length: 4 }, buf);
  }

  /** A zero state of this grid. */
  createState(): HWState {
    const s = this.grid.size;
    return {
      nRe: new Float64Array(s),
      nIm: new Float64Array(s),
      omegaRe: new Float64Array(s),
      omegaIm: new Float64Array(s),
    };
  }

  #checkState(action: string, s: HWState): void {
    const size = this.grid.size;
    for (const [name, a] of Object.entries(s)) {
      if (!(a instanceof Float64Array) || a.length !== size) {
        throw new TypeError(
          `Cannot ${action}: expected ${name} a Float64Array of ${size} values, found ${
            (a as { length?: number })?.length
          }`,
        );
      }
    }
  }

  /**
   * φ̂ = ∇⁻²Ω̂ = −Ω̂/|κ|² (zero mean) into `(outRe, outIm)` (in place allowed).
   *
   * @example
   * ```ts
   * import { HasegawaWakatani } from "./solver.ts";
   * const hw = new HasegawaWakatani({ n: 8, k0: 1 });
   * const re = new Float64Array(64), im = new Float64Array(64);
   * re[1] = -1; // Ω = −cos x·(2/64) ↦ φ = cos x·(2/64)
   * hw.phiFromOmega(re, im, re, im);
   * if (re[1] !== 1) throw new Error("φ");
   * ```
   */
  phiFromOmega(re: Float64Array, im: Float64Array, outRe: Float64Array, outIm: Float64Array): void {
    this.grid.invLaplacian(re, im, outRe, outIm);
  }

  /** Right-hand side `[dn̂/dt re, im, dΩ̂/dt re, im]` of `[n̂ re, im, Ω̂ re, im]` into `out`. */
  #rhs(src: Float64Array[], out: Float64Array[]): void {
    const [nr, ni, wr, wi] = src, [dnr, dni, dwr, dwi] = out;
    const g = this.grid, size = g.size, pr = this.#phr, pi = this.#phi;
    const jr = this.#jr, ji = this.#ji, hyp = this.hyper, cm = this.coupling, ky = g.ky;
    const c1 = this.c1, kappa = this.kappa;
    g.invLaplacian(wr, wi, pr, pi);
    g.jacobianPair(pr, pi, nr, ni, wr, wi, jr, ji, dwr, dwi); // φ's transform shared
    for (let k = 0; k < size; k++) {
      const c = c1 * cm[k], cr = c * (pr[k] - nr[k]), ci = c * (pi[k] - ni[k]), h = hyp[k];
      // −κ ∂ᵧφ ↔ −κ iκ_y φ̂ = κκ_y (φ̂_im − i φ̂_re)
      dnr[k] = -jr[k] + cr + kappa * ky[k] * pi[k] - h * nr[k];
      dni[k] = -ji[k] + ci - kappa * ky[k] * pr[k] - h * ni[k];
      dwr[k] = -dwr[k] + cr - h * wr[k];
      dwi[k] = -dwi[k] + ci - h * wi[k];
    }
    dnr[0] =
      dni[0] =
      dwr[0] =
      dwi[0] =
        0;
  }

  /**
   * Time derivative of a state, (dn̂/dt, dΩ̂/dt), as a new state.
   *
   * @example
   * ```ts
   * import { HasegawaWakatani } from "./solver.ts";
   * const hw = new HasegawaWakatani({ n: 8 });
   * if (hw.rate(hw.createState()).nRe.some((v) => v !== 0)) throw new Error("rest");
   * ```
   */
  rate(s: HWState): HWState {
    this.#checkState("compute HW rate", s);
    const out = this.createState();
    this.#rhs([s.nRe, s.nIm, s.omegaRe, s.omegaIm], [out.nRe, out.nIm, out.omegaRe, out.omegaIm]);
    return out;
  }

  /**
   * Advance `s` in place by one classical RK4 step of size `dt` (negative dt steps backward).
   *
   * @example
   * ```ts
   * import { HasegawaWakatani } from "./solver.ts";
   * const hw = new HasegawaWakatani({ n: 8, k0: 1, c1: 0, kappa: 0, nu: 0.01 });
   * const s = hw.createState();
   * s.nRe[1] = 1; // a single mode without coupling or drive decays at ν|κ|⁶ = ν
   * hw.step(s, 0.1);
   * if (Math.abs(s.nRe[1] - Math.exp(-0.001)) > 1e-14) throw new Error("decay");
   * ```
   */
  step(s: HWState, dt: number): void {
    this.#checkState("step HasegawaWakatani", s);
    if (!Number.isFinite(dt) || dt === 0) {
      throw new RangeError(`Cannot step HasegawaWakatani: expected finite dt ≠ 0, found ${dt}`);
    }
    const size = this.grid.size, y = [s.nRe, s.nIm, s.omegaRe, s.omegaIm];
    const k = this.#k, acc = this.#acc, t = this.#tmp;
    const stage = (src: Float64Array[]) => this.#rhs(src, k);
    const weights = [1 / 6, 1 / 3, 1 / 3, 1 / 6], offsets = [0.5, 0.5, 1];
    stage(y);
    for (let st = 0; st < 4; st++) {
      const w = weights[st] * dt, o = st < 3 ? offsets[st] * dt : 0;
      for (let f = 0; f < 4; f++) {
        const a = acc[f], kf = k[f], yf = y[f], tf = t[f];
        if (st === 0) {
          for (let j = 0; j < size; j++) a[j] = w * kf[j];
        } else {
          for (let j = 0; j < size; j++) a[j] += w * kf[j];
        }
        if (st < 3) {
          for (let j = 0; j < size; j++) tf[j] = yf[j] + o * kf[j];
        }
      }
      if (st < 3) stage(t);
    }
    for (let f = 0; f < 4; f++) {
      const a = acc[f], yf = y[f];
      for (let j = 0; j < size; j++) yf[j] += a[j];
    }
  }

  /**
   * Project physical n and φ onto the solver's state space (2/3 band, zero mean): returns
   * spectra of n and Ω = ∇²φ.
   *
   * @example
   * ```ts
   * import { HasegawaWakatani } from "./solver.ts";
   * const hw = new HasegawaWakatani({ n: 8 });
   * const s = hw.fromPhysical(new Float64Array(64).fill(1), new Float64Array(64));
   * if (s.nRe[0] !== 0) throw new Error("zero mean");
   * ```
   */
  fromPhysical(density: ArrayLike<number>, phi: ArrayLike<number>): HWState {
    const g = this.grid, s = this.createState();
    g.forwardPair(density, phi, s.nRe, s.nIm, s.omegaRe, s.omegaIm);
    g.dealias(s.nRe, s.nIm);
    g.dealias(s.omegaRe, s.omegaIm);
    g.laplacian(s.omegaRe, s.omegaIm, s.omegaRe, s.omegaIm);
    s.nRe[0] =
      s.nIm[0] =
      s.omegaRe[0] =
      s.omegaIm[0] =
        0;
    return s;
  }

  /**
   * Physical n, φ and Ω of a state.
   *
   * @example
   * ```ts
   * import { HasegawaWakatani } from "./solver.ts";
   * const hw = new HasegawaWakatani({ n: 8 });
   * const { density } = hw.toPhysical(hw.createState());
   * if (density.length !== 64) throw new Error("n²");
   * ```
   */
  toPhysical(s: HWState): { density: Float64Array; phi: Float64Array; omega: Float64Array } {
    this.#checkState("convert HW state", s);
    const g = this.grid, size = g.size;
    const density = new Float64Array(size), phi = new Float64Array(size);
    const omega = new Float64Array(size);
    this.phiFromOmega(s.omegaRe, s.omegaIm, this.#phr, this.#phi);
    // n̂ + iφ̂ ↦ n + iφ (both real)
    for (let k = 0; k < size; k++) {
      this.#jr[k] = s.nRe[k] - this.#phi[k];
      this.#ji[k] = s.nIm[k] + this.#phr[k];
    }
    g.inversePair(this.#jr, this.#ji, density, phi);
    g.inverse(s.omegaRe, s.omegaIm, omega);
    return { density, phi, omega };
  }

  /**
   * Advance physical fields n, φ in place by one RK4 step (projecting them onto the state space
   * first).
   *
   * @example
   * ```ts
   * import { HasegawaWakatani } from "./solver.ts";
   * const hw = new HasegawaWakatani({ n: 8 });
   * const n = new Float64Array(64), phi = new Float64Array(64);
   * hw.stepPhysical(n, phi, 0.05);
   * if (n.some((v) => v !== 0)) throw new Error("rest");
   * ```
   */
  stepPhysical(density: Float64Array, phi: Float64Array, dt: number): void {
    const s = this.fromPhysical(density, phi);
    this.step(s, dt);
    const out = this.toPhysical(s);
    density.set(out.density);
    phi.set(out.phi);
  }

  /**
   * Seeded small random perturbation: n and φ are independent white noise N(0, amplitude²) per
   * grid point (`Rng(seed, 0)` for n, `Rng(seed, 1)` for φ, row-major draws), projected onto the
   * state space (2/3 band, zero mean).
   *
   * @example
   * ```ts
   * import { HasegawaWakatani } from "./solver.ts";
   * const hw = new HasegawaWakatani({ n: 8 });
   * const a = hw.randomState(7, 1e-3), b = hw.randomState(7, 1e-3);
   * if (a.nRe[1] !== b.nRe[1] || a.nRe[1] === 0) throw new Error("seeded");
   * ```
   */
  randomState(seed: number, amplitude = 1e-3): HWState {
    if (!(amplitude >= 0) || !Number.isFinite(amplitude)) {
      throw new RangeError(
        `Cannot draw HW initial state: expected amplitude ≥ 0, found ${amplitude}`,
      );
    }
    const size = this.grid.size, a = new Float64Array(size), b = new Float64Array(size);
    const ra = new Rng(seed, 0), rb = new Rng(seed, 1);
    for (let k = 0; k < size; k++) {
      a[k] = amplitude * ra.normal();
      b[k] = amplitude * rb.normal();
    }
    return this.fromPhysical(a, b);
  }

  /**
   * Project `s` in place onto spectra of real fields: f̂(k) ← ½(f̂(k) + conj f̂(−k)) for n̂ and Ω̂
   * (removes the anti-Hermitian part, i.e. an imaginary part of the physical fields).
   *
   * `step` does not do this itself (it also advances complex single-mode states, as the
   * dispersion tests do), and the nonlinearity does not damp an anti-Hermitian part: it obeys
   * the linear equations and grows at the drift-wave growth rate (measured ≈ 0.09 per time unit
   * at 64², from 1e-16 round-off to O(1) by t ≈ 400, where runs then blow up). Long runs must call
   * this regularly; the suite calls it after every RK4 step.
   *
   * @example
   * ```ts
   * import { HasegawaWakatani } from "./solver.ts";
   * const hw = new HasegawaWakatani({ n: 8 });
   * const s = hw.createState();
   * s.nRe[1] = 2; // e^{ik₀x} alone is not a real field: its real part is cos(k₀x)
   * hw.projectReal(s);
   * if (s.nRe[1] !== 1 || s.nRe[7] !== 1) throw new Error("½(f̂(k) + conj f̂(−k))");
   * ```
   */
  projectReal(s: HWState): void {
    this.#checkState("project HW state", s);
    const n = this.n;
    for (const [re, im] of [[s.nRe, s.nIm], [s.omegaRe, s.omegaIm]]) {
      for (let q = 0; q < n; q++) {
        const qm = (n - q) % n;
        for (let p = 0; p < n; p++) {
          const k = q * n + p, m = qm * n + ((n - p) % n);
          if (m < k) continue;
          const r = 0.5 * (re[k] + re[m]), i = 0.5 * (im[k] - im[m]);
          re[k] = r;
          re[m] = r;
          im[k] = i;
          im[m] = -i;
        }
      }
    }
  }

  /**
   * Budget terms of a state (see {@link HWDiagnostics} and the module docs).
   *
   * @example
   * ```ts
   * import { HasegawaWakatani } from "./solver.ts";
   * const hw = new HasegawaWakatani({ n: 16, k0: 1 });
   * const s = hw.createState();
   * s.nRe[1] = s.nRe[15] = 256; // n = 2 cos x: E = ½⟨n²⟩ = 1
   * if (Math.abs(hw.diagnostics(s).energy - 1) > 1e-15) throw new Error("E");
   * ```
   */
  diagnostics(s: HWState): HWDiagnostics {
    this.#checkState("compute HW diagnostics", s);
    const g = this.grid, size = g.size, k2 = g.k2, inv = g.invK2, ky = g.ky;
    const hyp = this.hyper, cm = this.coupling;
    const { nRe, nIm, omegaRe, omegaIm } = s;
    let e = 0, u = 0, gn = 0, gc = 0, de = 0, du = 0;
    for (let k = 0; k < size; k++) {
      const nr = nRe[k], ni = nIm[k];
      const pr = -omegaRe[k] * inv[k], pi = -omegaIm[k] * inv[k];
      const nn = nr * nr + ni * ni, grad = k2[k] * (pr * pr + pi * pi);
      const dr = nr - omegaRe[k], di = ni - omegaIm[k], dd = dr * dr + di * di;
      const cr = nr - pr, ci = ni - pi;
      e += nn + grad;
      u += dd;
      gn += ky[k] * (nr * pi - ni * pr);
      gc += cm[k] * (cr * cr + ci * ci);
      de += hyp[k] * (nn + grad);
      du += hyp[k] * dd;
    }
    const sc = 1 / (size * size);
    const energy = 0.5 * e * sc, enstrophy = 0.5 * u * sc, gammaN = gn * sc;
    const gammaC = this.c1 * gc * sc, dissipationE = de * sc, dissipationU = du * sc;
    return {
      energy,
      enstrophy,
      gammaN,
      gammaC,
      dissipationE,
      dissipationU,
      dEdt: this.kappa * gammaN - gammaC - dissipationE,
      dUdt: this.kappa * gammaN - dissipationU,
    };
  }
}

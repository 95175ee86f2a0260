/**
 * Finite-volume solver for the 2D shallow-water (Saint-Venant) equations in conservative form,
 *
 *   ∂ₜh + ∂ₓ(hu) + ∂ᵧ(hv) = 0,
 *   ∂ₜ(hu) + ∂ₓ(hu² + ½gh²) + ∂ᵧ(huv) = −g h ∂ₓb,
 *   ∂ₜ(hv) + ∂ₓ(huv) + ∂ᵧ(hv² + ½gh²) = −g h ∂ᵧb,
 *
 * on the box [0, Lx) × [0, Ly) with a uniform grid of W = `nx` columns (x) and H = `ny` rows (y),
 * cell centres `x_i = (i + ½)Δx`, `y_j = (j + ½)Δy`, Δx = Lx/W, Δy = Ly/H. A state holds cell
 * averages of (h, hu, hv) channel-major in a `Float64Array` of 3·H·W values: channel `c` of cell
 * (row j, column i) is `state[c·H·W + j·W + i]`. The bottom b(x, y) is optional (flat, b = 0, by
 * default); g = 1 by default.
 *
 * Scheme (unsplit: the x and y flux divergences enter one right-hand side):
 * - Boundaries: `periodic`, or `reflecting` solid walls, where two ghost cells mirror h, b and the
 *   tangential velocity and negate the normal velocity (the wall mass flux is then exactly 0).
 * - Reconstruction: piecewise-linear (MUSCL) in the primitive variables h, u, v and the free
 *   surface η = h + b, slopes limited by `mc` (monotonised central, default: minmod(2Δ₋, 2Δ₊,
 *   (Δ₋ + Δ₊)/2)) or `minmod`. Both keep every face value between the neighbouring cell values, so
 *   reconstructed depths are ≥ 0. Velocities are desingularised (Kurganov & Petrova 2007):
 *   u = hu/h where h ≥ ε_h, else u = √2·h·(hu)/√(h⁴ + max(h⁴, ε_h⁴)), so u → 0 as h → 0.
 * - Hydrostatic reconstruction (Audusse, Bouchut, Bristeau, Klein & Perthame 2004): at a face with
 *   reconstructed (h, η) on each side, b_± = η_± − h_±, b* = max(b₋, b₊), h*_± = min(h_±,
 *   max(0, η_± − b*)); the Riemann flux is evaluated on (h*, h*u, h*v) and the normal-momentum
 *   flux seen by each side is corrected by ½g(h_±² − h*_±²); each cell adds the centred source
 *   −g·½(h_{i−½+} + h_{i+½−})·(b_{i+½−} − b_{i−½+})/Δ. Lake at rest (η constant, u = v = 0) is
 *   then preserved to rounding, and h stays ≥ 0 (wet/dry fronts included) under the CFL limit.
 *   With a flat bottom this reduces to the plain MUSCL flux (h* = h, no correction, no source).
 * - Riemann flux: `hll` (default) with Einfeldt's wave speeds s₋ = min(u₋ − c₋, ũ − c̃),
 *   s₊ = max(u₊ + c₊, ũ + c̃), ũ = (√h₋u₋ + √h₊u₊)/(√h₋ + √h₊), c̃ = √(g(h₋ + h₊)/2), c = √(gh),
 *   and the dry-bed speeds s₊ = u₋ + 2c₋ (h₊ = 0) or s₋ = u₊ − 2c₊ (h₋ = 0) (Toro 2001, §10);
 *   or `rusanov`, s₊ = −s₋ = max(|u₋| + c₋, |u₊| + c₊). F = (s₊F₋ − s₋F₊ + s₋s₊(U₊ − U₋))/(s₊ − s₋)
 *   when s₋ < 0 < s₊, else the upwind side's physical flux. The tangential momentum is carried by
 *   the same HLL formula (so shear waves are smeared as by HLL; HLLC would resolve them better).
 * - Time: SSP-RK3 (Shu–Osher, default) or SSP-RK2 (Heun) sub-steps of size
 *   τ = C / (aₓ/Δx + a_y/Δy) with aₓ, a_y the largest |s±| over the x and y faces of the sub-step's
 *   start state and C = `cfl` (default 0.4 ≤ ½, the positivity limit of the second-order
 *   hydrostatic scheme). `step(state, Δt)` advances by exactly Δt, the last sub-step clipped. A
 *   sub-step whose result has h < 0 or a non-finite value (possible when later RK stages outrun
 *   the first stage's wave speeds, or by rounding in a draining cell) is redone with τ/2.
 *
 * Conservation: mass (and momentum on periodic flat-bottom domains) changes only by rounding,
 * since every face flux enters two cells with opposite signs and the wall mass flux is 0. The
 * update is mirror-symmetric, and on a square grid transposition-symmetric, to the last bit (see
 * the tests).
 *
 * References: E. F. Toro, *Shock-Capturing Methods for Free-Surface Shallow Flows* (Wiley 2001)
 * and *Riemann Solvers and Numerical Methods for Fluid Dynamics* (Springer, 3rd ed. 2009);
 * E. Audusse et al., SIAM J. Sci. Comput. 25 (2004) 2050–2065; B. Einfeldt, SIAM J. Numer. Anal.
 * 25 (1988) 294–318; A. Kurganov & G. Petrova, Commun. Math. Sci. 5 (2007) 133–160;
 * S. Gottlieb, C.-W. Shu & E. Tadmor, SIAM Rev. 43 (2001) 89–112.
 *
 * @example
 * ```ts
 * import { gaussianBumps, ShallowWater2D, totalMass } from "./solver.ts";
 * const grid = { nx: 16, ny: 16 };
 * const solver = new ShallowWater2D(grid);
 * const state = gaussianBumps(grid, 1, 0);
 * const m0 = totalMass(state, grid);
 * solver.step(state, 0.01);
 * if (Math.abs(totalMass(state, grid) - m0) > 1e-13 * m0) throw new Error("mass");
 * ```
 * @module
 */

import { Rng } from "../../harness/core/rng.ts";
import type { Progress } from "../common/types.ts";

/** Boundary condition on all four sides. */
export type Boundary = "periodic" | "reflecting";
/** Approximate Riemann solver at the cell faces. */
export type RiemannFlux = "hll" | "rusanov";
/** Slope limiter of the MUSCL reconstruction. */
export type Limiter = "mc" | "minmod";
/** Strong-stability-preserving Runge–Kutta scheme of the sub-steps. */
export type Integrator = "ssprk2" | "ssprk3";

/** Grid and box: W = `nx` columns along x, H = `ny` rows along y, box [0, lx) × [0, ly). */
export interface ShallowWaterGrid {
  /** Columns W (x direction, default 128). 1 makes the problem independent of x. */
  readonly nx?: number;
  /** Rows H (y direction, default 128). 1 makes a 1D problem along x (a W×1 strip). */
  readonly ny?: number;
  /** Box length along x (default 1). */
  readonly lx?: number;
  /** Box length along y (default 1). */
  readonly ly?: number;
  /** Boundary condition (default `periodic`). */
  readonly boundary?: Boundary;
}

/** Solver settings; every key is optional (defaults in {@link SHALLOW_WATER_DEFAULTS}). */
export interface ShallowWaterOptions extends ShallowWaterGrid {
  /** Gravity g (default 1). */
  readonly g?: number;
  /** Bottom elevation b at the cell centres, `[H, W]` row-major (default flat, b = 0). */
  readonly bottom?: ArrayLike<number>;
  /** Riemann flux (default `hll`). */
  readonly flux?: RiemannFlux;
  /** Slope limiter (default `mc`). */
  readonly limiter?: Limiter;
  /** Time integrator (default `ssprk3`). */
  readonly integrator?: Integrator;
  /** CFL number C in τ = C/(aₓ/Δx + a_y/Δy), in (0, 1] (default 0.4). */
  readonly cfl?: number;
  /** Depth ε_h below which velocities are desingularised (default 1e-6). */
  readonly dryTolerance?: number;
}

/** Default settings of {@link ShallowWater2D}. */
export const SHALLOW_WATER_DEFAULTS = {
  nx: 128,
  ny: 128,
  lx: 1,
  ly: 1,
  boundary: "periodic",
  g: 1,
  flux: "hll",
  limiter: "mc",
  integrator: "ssprk3",
  cfl: 0.4,
  dryTolerance: 1e-6,
} as const;

/** Sub-step halvings before {@link ShallowWater2D.step} gives up on a non-positive depth. */
const MAX_REJECTIONS = 40;

interface ResolvedGrid {
  nx: number;
  ny: number;
  lx: number;
  ly: number;
  boundary: Boundary;
}

function resolveGrid(grid: ShallowWaterGrid, action: string): ResolvedGrid {
  const nx = grid.nx ?? SHALLOW_WATER_DEFAULTS.nx, ny = grid.ny ?? SHALLOW_WATER_DEFAULTS.ny;
  const lx = grid.lx ?? SHALLOW_WATER_DEFAULTS.lx, ly = grid.ly ?? SHALLOW_WATER_DEFAULTS.ly;
  const boundary = grid.boundary ?? SHALLOW_WATER_DEFAULTS.boundary;
  for (const [name, v] of [["nx", nx], ["ny", ny]] as const) {
    if (!Number.isSafeInteger(v) || v < 1) {
      throw new RangeError(`Cannot ${action}: expected ${name} to be an integer ≥ 1, found ${v}`);
    }
  }
  for (const [name, v] of [["lx", lx], ["ly", ly]] as const) {
    if (!(Number.isFinite(v) && v > 0)) {
      throw new RangeError(`Cannot ${action}: expected ${name} > 0, found ${v}`);
    }
  }
  if (boundary !== "periodic" && boundary !== "reflecting") {
    throw new RangeError(
      `Cannot ${action}: expected boundary "periodic" or "reflecting", found ${String(boundary)}`,
    );
  }
  return { nx, ny, lx, ly, boundary };
}

function checkState(state: ArrayLike<number>, g: ResolvedGrid, action: string): void {
  const n = 3 * g.nx * g.ny;
  if (state.length !== n) {
    throw new TypeError(
      `Cannot ${action}: expected a state of 3·${g.ny}·${g.nx} = ${n} values [3, H, W], found ${state.length}`,
    );
  }
}

/** Sum with Neumaier's compensation (error O(ε) independent of the length). */
function compensatedSum(a: ArrayLike<number>, from: number, to: number): number {
  let s = 0, c = 0;
  for (let i = from; i < to; i++) {
    const x = a[i], t = s + x;
    c += Math.abs(s) >= Math.abs(x) ? (s - t) + x : (x - t) + s;
    s = t;
  }
  return s + c;
}

/**
 * Total mass `M = Σ_cells h ΔxΔy` of a state `[3, H, W]` (compensated sum in float64).
 *
 * @example
 * ```ts
 * import { totalMass } from "./solver.ts";
 * const state = new Float64Array(3 * 4 * 4).fill(2, 0, 16); // h = 2, at rest
 * if (totalMass(state, { nx: 4, ny: 4 }) !== 2) throw new Error("h·|Ω| = 2·1");
 * ```
 */
export function totalMass(state: ArrayLike<number>, grid: ShallowWaterGrid): number {
  const g = resolveGrid(grid, "compute total mass");
  checkState(state, g, "compute total mass");
  return compensatedSum(state, 0, g.nx * g.ny) * (g.lx / g.nx) * (g.ly / g.ny);
}

/**
 * Total momentum `(Σ hu ΔxΔy, Σ hv ΔxΔy)` of a state `[3, H, W]` (compensated sums).
 *
 * @example
 * ```ts
 * import { totalMomentum } from "./solver.ts";
 * const state = new Float64Array(3 * 4).fill(1); // h = hu = hv = 1 on a 4×1 strip
 * const [px, py] = totalMomentum(state, { nx: 4, ny: 1 });
 * if (px !== 1 || py !== 1) throw new Error("momentum");
 * ```
 */
export function totalMomentum(state: ArrayLike<number>, grid: ShallowWaterGrid): [number, number] {
  const g = resolveGrid(grid, "compute total momentum");
  checkState(state, g, "compute total momentum");
  const n = g.nx * g.ny, da = (g.lx / g.nx) * (g.ly / g.ny);
  return [compensatedSum(state, n, 2 * n) * da, compensatedSum(state, 2 * n, 3 * n) * da];
}

/**
 * Total energy `E = Σ_cells (½ h(u² + v²) + ½ g h² + g h b) ΔxΔy` with u = hu/h, v = hv/h
 * (kinetic term 0 where h = 0). For a flat bottom (b = 0, the default) this is
 * `Σ (½ h(u² + v²) + ½ g h²) dA`, the mathematical entropy of the shallow-water system: it is
 * conserved by smooth solutions on periodic or reflecting domains and dissipated by shocks.
 *
 * @example
 * ```ts
 * import { totalEnergy } from "./solver.ts";
 * const state = new Float64Array(3 * 4 * 4).fill(2, 0, 16); // h = 2 at rest, g = 1
 * if (totalEnergy(state, { nx: 4, ny: 4 }) !== 2) throw new Error("½·g·h²·|Ω| = 2");
 * ```
 */
export function totalEnergy(
  state: ArrayLike<number>,
  grid: ShallowWaterGrid & { readonly g?: number; readonly bottom?: ArrayLike<number> },
): number {
  const r = resolveGrid(grid, "compute total energy");
  checkState(state, r, "compute total energy");
  const n = r.nx * r.ny, g = grid.g ?? SHALLOW_WATER_DEFAULTS.g, b = grid.bottom;
  if (b !== undefined && b.length !== n) {
    throw new TypeError(
      `Cannot compute total energy: expected ${n} bottom values, found ${b.length}`,
    );
  }
  let s = 0, c = 0;
  for (let k = 0; k < n; k++) {
    const h = state[k], hu = state[n + k], hv = state[2 * n + k];
    let e = 0.5 * g * h * h;
    if (h > 0) e += (0.5 * (hu * hu + hv * hv)) / h;
    if (b !== undefined) e += g * h * b[k];
    const t = s + e;
    c += Math.abs(s) >= Math.abs(e) ? (s - t) + e : (e - t) + s;
    s = t;
  }
  return (s + c) * (r.lx / r.nx) * (r.ly / r.ny);
}

/**
 * Primitive variables (h, u, v) of a conservative state (h, hu, hv), both `[3, H, W]`; u = v = 0
 * where h = 0. Writes into `out` (allocated when omitted) and returns it.
 *
 * @example
 * ```ts
 * import { toPrimitive } from "./solver.ts";
 * const p = toPrimitive(Float64Array.of(2, 0, 1, 0, 3, 0)); // 2×1 strip: h = (2, 0)
 * if (p[2] !== 0.5 || p[3] !== 0 || p[4] !== 1.5) throw new Error("u = hu/h, 0 when dry");
 * ```
 */
export function toPrimitive(
  state: ArrayLike<number>,
  out: Float64Array | Float32Array = new Float64Array(state.length),
): Float64Array | Float32Array {
  if (state.length % 3 !== 0 || out.length !== state.length) {
    throw new TypeError(
      `Cannot convert to primitive variables: expected 3·n values in and out, found ${state.length} and ${out.length}`,
    );
  }
  const n = state.length / 3;
  for (let k = 0; k < n; k++) {
    const h = state[k];
    out[k] = h;
    out[n + k] = h > 0 ? state[n + k] / h : 0;
    out[2 * n + k] = h > 0 ? state[2 * n + k] / h : 0;
  }
  return out;
}

/**
 * Conservative variables (h, hu, hv) of a primitive state (h, u, v), both `[3, H, W]`.
 *
 * @example
 * ```ts
 * import { fromPrimitive } from "./solver.ts";
 * const c = fromPrimitive(Float64Array.of(2, 0.5, 0)); // one cell
 * if (c[1] !== 1) throw new Error("hu = h·u");
 * ```
 */
export function fromPrimitive(
  prim: ArrayLike<number>,
  out: Float64Array = new Float64Array(prim.length),
): Float64Array {
  if (prim.length % 3 !== 0 || out.length !== prim.length) {
    throw new TypeError(
      `Cannot convert to conservative variables: expected 3·n values in and out, found ${prim.length} and ${out.length}`,
    );
  }
  const n = prim.length / 3;
  for (let k = 0; k < n; k++) {
    const h = prim[k];
    out[k] = h;
    out[n + k] = h * prim[n + k];
    out[2 * n + k] = h * prim[2 * n + k];
  }
  return out;
}

/** Options of {@link ShallowWater2D.trajectory}. */
export interface TrajectoryOptions {
  /** Stored fields: `conservative` (h, hu, hv; default) or `primitive` (h, u, v). */
  readonly output?: "conservative" | "primitive";
  /** Called after each model step with (done, total). */
  readonly progress?: Progress;
}

/**
 * Second-order hydrostatic-reconstruction finite-volume solver for the shallow-water equations
 * (see the module docs for the scheme). All buffers are allocated in the constructor; `step`
 * allocates nothing.
 *
 * @example
 * ```ts
 * import { ShallowWater2D } from "./solver.ts";
 * const s = new ShallowWater2D({ nx: 8, ny: 8, boundary: "reflecting" });
 * const state = new Float64Array(3 * 64).fill(1, 0, 64); // lake at rest, h = 1
 * s.step(state, 0.1);
 * if (state.some((v, k) => v !== (k < 64 ? 1 : 0))) throw new Error("rest");
 * ```
 */
export class ShallowWater2D {
  /** Columns W. */
  readonly nx: number;
  /** Rows H. */
  readonly ny: number;
  /** Box length along x. */
  readonly lx: number;
  /** Box length along y. */
  readonly ly: number;
  /** Cell width Δx = lx/nx. */
  readonly dx: number;
  /** Cell height Δy = ly/ny. */
  readonly dy: number;
  /** Gravity g. */
  readonly g: number;
  /** Boundary condition. */
  readonly boundary: Boundary;
  /** Riemann flux. */
  readonly flux: RiemannFlux;
  /** Slope limiter. */
  readonly limiter: Limiter;
  /** Time integrator. */
  readonly integrator: Integrator;
  /** CFL number. */
  readonly cfl: number;
  /** Desingularisation depth ε_h. */
  readonly dryTolerance: number;
  /** Bottom elevation `[H, W]`, or undefined for a flat bottom. */
  readonly bottom: Float64Array | undefined;
  /** Sub-steps taken by the last {@link ShallowWater2D.step} call (rejected ones included). */
  lastSubsteps = 0;
  /** Sub-steps rejected (h < 0 or non-finite) and redone with half τ, over the solver's life. */
  rejectedSubsteps = 0;

  readonly #n: number;
  readonly #u0: Float64Array;
  readonly #u1: Float64Array;
  readonly #k: Float64Array;
  readonly #velU: Float64Array;
  readonly #velV: Float64Array;
  // line buffers (padded by two ghost cells on each side) and face buffers
  readonly #ph: Float64Array;
  readonly #pn: Float64Array;
  readonly #pt: Float64Array;
  readonly #pe: Float64Array;
  readonly #sh: Float64Array;
  readonly #sn: Float64Array;
  readonly #st: Float64Array;
  readonly #se: Float64Array;
  readonly #fH: Float64Array;
  readonly #fNL: Float64Array;
  readonly #fNR: Float64Array;
  readonly #fT: Float64Array;
  readonly #fhL: Float64Array;
  readonly #fhR: Float64Array;
  readonly #fbL: Float64Array;
  readonly #fbR: Float64Array;

  /** Validate `options` and allocate all buffers (see {@link ShallowWaterOptions}). */
  constructor(options: ShallowWaterOptions = {}) {
    const action = "build ShallowWater2D";
    const grid = resolveGrid(options, action);
    const d = SHALLOW_WATER_DEFAULTS;
    const g = options.g ?? d.g, cfl = options.cfl ?? d.cfl;
    const flux = options.flux ?? d.flux, limiter = options.limiter ?? d.limiter;
    const integrator = options.integrator ?? d.integrator;
    const dryTolerance = options.dryTolerance ?? d.dryTolerance;
    if (!(Number.isFinite(g) && g > 0)) throw new RangeError(`Cannot ${action}: g = ${g}`);
    if (!(cfl > 0 && cfl <= 1)) {
      throw new RangeError(`Cannot ${action}: expected cfl in (0, 1], found ${cfl}`);
    }
    if (!(Number.isFinite(dryTolerance) && dryTolerance > 0)) {
      throw new RangeError(`Cannot ${action}: expected dryTolerance > 0, found ${dryTolerance}`);
    }
    if (flux !== "hll" && flux !== "rusanov") {
      throw new RangeError(`Cannot ${action}: expected flux "hll" or "rusanov", found ${flux}`);
    }
    if (limiter !== "mc" && limiter !== "minmod") {
      throw new RangeError(`Cannot ${action}: expected limiter "mc" or "minmod", found ${limiter}`);
    }
    if (integrator !== "ssprk2" && integrator !== "ssprk3") {
      throw new RangeError(
        `Cannot ${action}: expected integrator "ssprk2" or "ssprk3", found ${integrator}`,
      );
    }
    this.nx = grid.nx;
    this.ny = grid.ny;
    this.lx = grid.lx;
    this.ly = grid.ly;
    this.boundary = grid.boundary;
    this.dx = grid.lx / grid.nx;
    this.dy = grid.ly / grid.ny;
    this.g = g;
    this.cfl = cfl;
    this.flux = flux;
    this.limiter = limiter;
    this.integrator = integrator;
    this.dryTolerance = dryTolerance;
    const n = grid.nx * grid.ny;
    this.#n = n;
    if (options.bottom !== undefined) {
      const b = options.bottom;
      if (b.length !== n) {
        throw new TypeError(
          `Cannot ${action}: expected bottom of ${grid.ny}·${grid.nx} = ${n} values [H, W], found ${b.length}`,
        );
      }
      this.bottom = Float64Array.from(b);
      const bad = this.bottom.findIndex((v) => !Number.isFinite(v));
      if (bad >= 0) {
        throw new RangeError(`Cannot ${action}: bottom[${bad}] = ${this.bottom[bad]}`);
      }
    }
    this.#u0 = new Float64Array(3 * n);
    this.#u1 = new Float64Array(3 * n);
    this.#k = new Float64Array(3 * n);
    this.#velU = new Float64Array(n);
    this.#velV = new Float64Array(n);
    const m = Math.max(grid.nx, grid.ny);
    this.#ph = new Float64Array(m + 4);
    this.#pn = new Float64Array(m + 4);
    this.#pt = new Float64Array(m + 4);
    this.#pe = new Float64Array(m + 4);
    this.#sh = new Float64Array(m + 4);
    this.#sn = new Float64Array(m + 4);
    this.#st = new Float64Array(m + 4);
    this.#se = new Float64Array(m + 4);
    this.#fH = new Float64Array(m + 1);
    this.#fNL = new Float64Array(m + 1);
    this.#fNR = new Float64Array(m + 1);
    this.#fT = new Float64Array(m + 1);
    this.#fhL = new Float64Array(m + 1);
    this.#fhR = new Float64Array(m + 1);
    this.#fbL = new Float64Array(m + 1);
    this.#fbR = new Float64Array(m + 1);
  }

  /**
   * The semi-discrete right-hand side L(U) (d/dt of the cell averages) of `state` into `out`,
   * both `[3, H, W]`. Returns the CFL rate `aₓ/Δx + a_y/Δy` (largest face wave speeds), so the
   * sub-step is `cfl / rate`.
   *
   * @example
   * ```ts
   * import { ShallowWater2D } from "./solver.ts";
   * const s = new ShallowWater2D({ nx: 4, ny: 4 });
   * const out = new Float64Array(48);
   * const rate = s.rhs(new Float64Array(48).fill(1, 0, 16), out); // h = 1 at rest
   * if (out.some((v) => v !== 0) || rate !== 2 * 4) throw new Error("c = √(gh) = 1 per Δ = ¼");
   * ```
   */
  rhs(state: Float64Array, out: Float64Array): number {
    const grid = { nx: this.nx, ny: this.ny, lx: this.lx, ly: this.ly, boundary: this.boundary };
    checkState(state, grid, "evaluate the shallow-water right-hand side");
    checkState(out, grid, "evaluate the shallow-water right-hand side");
    return this.#rhs(state, out);
  }

  #rhs(state: Float64Array, out: Float64Array): number {
    const nx = this.nx, ny = this.ny;
    this.#velocities(state);
    let rate = 0;
    if (nx > 1) {
      let a = 0;
      for (let j = 0; j < ny; j++) {
        a = Math.max(a, this.#sweep(state, out, nx, j * nx, 1, true));
      }
      rate += a / this.dx;
    } else {
      out.fill(0);
    }
    if (ny > 1) {
      let a = 0;
      for (let i = 0; i < nx; i++) {
        a = Math.max(a, this.#sweep(state, out, ny, i, nx, false));
      }
      rate += a / this.dy;
    }
    return rate;
  }

  /** Desingularised velocities u, v of `state` into the velocity buffers. */
  #velocities(state: Float64Array): void {
    const n = this.#n, eps = this.dryTolerance, eps4 = eps * eps * eps * eps;
    const velU = this.#velU, velV = this.#velV;
    for (let k = 0; k < n; k++) {
      const h = state[k], hu = state[n + k], hv = state[2 * n + k];
      if (h >= eps) {
        velU[k] = hu / h;
        velV[k] = hv / h;
      } else {
        const h2 = h * h, h4 = h2 * h2;
        const f = (Math.SQRT2 * h) / Math.sqrt(h4 + Math.max(h4, eps4));
        velU[k] = f * hu;
        velV[k] = f * hv;
      }
    }
  }

  /**
   * One line of cells (along x when `alongX`, else along y): `len` cells at flat indices
   * `base + k·stride`. Writes (alongX) or adds (y) the line's flux divergence and source into
   * `out`; returns the largest |wave speed| over the line's faces.
   */
  #sweep(
    state: Float64Array,
    out: Float64Array,
    len: number,
    base: number,
    stride: number,
    alongX: boolean,
  ): number {
    const n = this.#n, g = this.g, halfG = 0.5 * g, sqg = Math.sqrt(g);
    const velN = alongX ? this.#velU : this.#velV, velT = alongX ? this.#velV : this.#velU;
    const offN = alongX ? n : 2 * n, offT = alongX ? 2 * n : n;
    const invd = alongX ? 1 / this.dx : 1 / this.dy;
    const bottom = this.bottom, hasB = bottom !== undefined;
    const ph = this.#ph, pn = this.#pn, pt = this.#pt, pe = this.#pe;
    const sh = this.#sh, sn = this.#sn, st = this.#st, se = this.#se;
    const fH = this.#fH, fNL = this.#fNL, fNR = this.#fNR, fT = this.#fT;
    const fhL = this.#fhL, fhR = this.#fhR, fbL = this.#fbL, fbR = this.#fbR;
    // gather (padded index of cell k is k + 2)
    for (let k = 0; k < len; k++) {
      const id = base + k * stride, h = state[id];
      ph[k + 2] = h;
      pn[k + 2] = velN[id];
      pt[k + 2] = velT[id];
      if (hasB) pe[k + 2] = h + bottom[id];
    }
    if (this.boundary === "periodic") {
      ph[0] = ph[len], ph[1] = ph[len + 1], ph[len + 2] = ph[2], ph[len + 3] = ph[3];
      pn[0] = pn[len], pn[1] = pn[len + 1], pn[len + 2] = pn[2], pn[len + 3] = pn[3];
      pt[0] = pt[len], pt[1] = pt[len + 1], pt[len + 2] = pt[2], pt[len + 3] = pt[3];
      if (hasB) pe[0] = pe[len], pe[1] = pe[len + 1], pe[len + 2] = pe[2], pe[len + 3] = pe[3];
    } else {
      ph[1] = ph[2], ph[0] = ph[3], ph[len + 2] = ph[len + 1], ph[len + 3] = ph[len];
      pn[1] = -pn[2], pn[0] = -pn[3], pn[len + 2] = -pn[len + 1], pn[len + 3] = -pn[len];
      pt[1] = pt[2], pt[0] = pt[3], pt[len + 2] = pt[len + 1], pt[len + 3] = pt[len];
      if (hasB) pe[1] = pe[2], pe[0] = pe[3], pe[len + 2] = pe[len + 1], pe[len + 3] = pe[len];
    }
    // limited slopes of padded cells 1 … len + 2
    const mc = this.limiter === "mc";
    for (let k = 1; k <= len + 2; k++) {
      sh[k] = limit(ph[k] - ph[k - 1], ph[k + 1] - ph[k], mc);
      sn[k] = limit(pn[k] - pn[k - 1], pn[k + 1] - pn[k], mc);
      st[k] = limit(pt[k] - pt[k - 1], pt[k + 1] - pt[k], mc);
      if (hasB) se[k] = limit(pe[k] - pe[k - 1], pe[k + 1] - pe[k], mc);
    }
    // faces f = 0 … len, between padded cells f + 1 (left, −) and f + 2 (right, +)
    const rusanov = this.flux === "rusanov";
    let amax = 0;
    for (let f = 0; f <= len; f++) {
      const kl = f + 1, kr = f + 2;
      const hl = ph[kl] + 0.5 * sh[kl], hr = ph[kr] - 0.5 * sh[kr];
      const ul = pn[kl] + 0.5 * sn[kl], ur = pn[kr] - 0.5 * sn[kr];
      const vl = pt[kl] + 0.5 * st[kl], vr = pt[kr] - 0.5 * st[kr];
      let hls = hl, hrs = hr;
      if (hasB) {
        const el = pe[kl] + 0.5 * se[kl], er = pe[kr] - 0.5 * se[kr];
        const bl = el - hl, br = er - hr, bs = bl > br ? bl : br;
        hls = Math.min(hl, Math.max(0, el - bs));
        hrs = Math.min(hr, Math.max(0, er - bs));
        fhL[f] = hl;
        fhR[f] = hr;
        fbL[f] = bl;
        fbR[f] = br;
      }
      // wave speeds
      const ql = Math.sqrt(hls), qr = Math.sqrt(hrs), cl = sqg * ql, cr = sqg * qr;
      let sl: number, sr: number;
      if (rusanov) {
        const al = Math.abs(ul) + cl, ar = Math.abs(ur) + cr;
        sr = al > ar ? al : ar;
        sl = -sr;
      } else if (hls > 0 && hrs > 0) {
        const ut = (ql * ul + qr * ur) / (ql + qr), ct = sqg * Math.sqrt(0.5 * (hls + hrs));
        sl = Math.min(ul - cl, ut - ct);
        sr = Math.max(ur + cr, ut + ct);
      } else if (hls > 0) {
        sl = ul - cl;
        sr = ul + 2 * cl;
      } else if (hrs > 0) {
        sl = ur - 2 * cr;
        sr = ur + cr;
      } else {
        sl = 0;
        sr = 0;
      }
      const a = Math.max(Math.abs(sl), Math.abs(sr));
      if (a > amax) amax = a;
      // physical fluxes and HLL
      const mhl = hls * ul, mhr = hrs * ur;
      const fnl = mhl * ul + halfG * hls * hls, fnr = mhr * ur + halfG * hrs * hrs;
      let fh: number, fn: number, ft: number;
      if (sl >= 0) {
        fh = mhl, fn = fnl, ft = mhl * vl;
      } else if (sr <= 0) {
        fh = mhr, fn = fnr, ft = mhr * vr;
      } else {
        const inv = 1 / (sr - sl), ss = sl * sr;
        fh = (sr * mhl - sl * mhr + ss * (hrs - hls)) * inv;
        fn = (sr * fnl - sl * fnr + ss * (mhr - mhl)) * inv;
        ft = (sr * (mhl * vl) - sl * (mhr * vr) + ss * (hrs * vr - hls * vl)) * inv;
      }
      fH[f] = fh;
      fT[f] = ft;
      if (hasB) {
        fNL[f] = fn + halfG * (hl * hl - hls * hls);
        fNR[f] = fn + halfG * (hr * hr - hrs * hrs);
      } else {
        fNL[f] = fn;
        fNR[f] = fn;
      }
    }
    // divergence (and centred bottom source) per cell; cell k has faces k (left) and k + 1
    for (let k = 0; k < len; k++) {
      const id = base + k * stride;
      const dh = (fH[k] - fH[k + 1]) * invd;
      let dn = (fNR[k] - fNL[k + 1]) * invd;
      if (hasB) dn -= halfG * (fhR[k] + fhL[k + 1]) * (fbL[k + 1] - fbR[k]) * invd;
      const dt = (fT[k] - fT[k + 1]) * invd;
      if (alongX) {
        out[id] = dh;
        out[offN + id] = dn;
        out[offT + id] = dt;
      } else {
        out[id] += dh;
        out[offN + id] += dn;
        out[offT + id] += dt;
      }
    }
    return amax;
  }

  /**
   * Advance `state` (`[3, H, W]`, conservative, float64) in place by exactly `dt` with adaptive
   * CFL-limited SSP-RK sub-steps. Throws a RangeError when h < 0 or non-finite values persist
   * after 40 halvings of a sub-step (e.g. a NaN in the input).
   *
   * @example
   * ```ts
   * import { damBreak, ShallowWater2D } from "./solver.ts";
   * const grid = { nx: 16, ny: 1, boundary: "reflecting" } as const;
   * const state = damBreak(grid, { shape: "column", position: 0.5, inside: 1, outside: 0 });
   * new ShallowWater2D(grid).step(state, 0.1); // dry bed on the right
   * if (state.subarray(0, 16).some((h) => h < 0)) throw new Error("h ≥ 0");
   * ```
   */
  step(state: Float64Array, dt: number): void {
    const grid = { nx: this.nx, ny: this.ny, lx: this.lx, ly: this.ly, boundary: this.boundary };
    checkState(state, grid, "advance shallow water");
    if (!(Number.isFinite(dt) && dt >= 0)) {
      throw new RangeError(`Cannot advance shallow water: expected dt ≥ 0, found ${dt}`);
    }
    const invalid = this.#firstInvalid(state);
    if (invalid >= 0) {
      throw new RangeError(
        `Cannot advance shallow water: expected finite values and h ≥ 0, found state[${invalid}] = ${
          state[invalid]
        }`,
      );
    }
    const u0 = this.#u0, k = this.#k;
    let t = 0, count = 0;
    this.lastSubsteps = 0;
    while (t < dt) {
      u0.set(state);
      const rate = this.#rhs(u0, k);
      const remaining = dt - t;
      let tau = rate > 0 ? this.cfl / rate : remaining, last = false;
      if (!(tau < remaining)) {
        tau = remaining;
        last = true;
      }
      for (let attempt = 0;; attempt++) {
        count++;
        this.#stages(state, tau);
        const bad = this.#firstInvalid(state);
        if (bad < 0) break;
        if (attempt >= MAX_REJECTIONS) {
          throw new RangeError(
            `Cannot advance shallow water: state[${bad}] = ${state[bad]} after ${attempt} ` +
              `halvings of the sub-step (τ = ${tau}, t = ${t} of ${dt})`,
          );
        }
        this.rejectedSubsteps++;
        tau *= 0.5;
        last = false;
        state.set(u0);
        this.#rhs(u0, k);
      }
      this.lastSubsteps = count;
      if (last) break;
      t += tau;
    }
  }

  /** One SSP-RK sub-step of size tau from #u0 (whose L is in #k) into `state`. */
  #stages(state: Float64Array, tau: number): void {
    const u0 = this.#u0, u1 = this.#u1, k = this.#k, m = u0.length;
    for (let i = 0; i < m; i++) u1[i] = u0[i] + tau * k[i];
    this.#rhs(u1, k);
    if (this.integrator === "ssprk2") {
      for (let i = 0; i < m; i++) state[i] = 0.5 * u0[i] + 0.5 * (u1[i] + tau * k[i]);
      return;
    }
    for (let i = 0; i < m; i++) u1[i] = 0.75 * u0[i] + 0.25 * (u1[i] + tau * k[i]);
    this.#rhs(u1, k);
    for (let i = 0; i < m; i++) state[i] = (1 / 3) * u0[i] + (2 / 3) * (u1[i] + tau * k[i]);
  }

  /** Index of the first h < 0 or non-finite value, or −1. */
  #firstInvalid(state: Float64Array): number {
    const n = this.#n;
    for (let i = 0; i < n; i++) {
      const h = state[i];
      if (!(h >= 0) || h === Infinity) return i;
    }
    for (let i = n; i < 3 * n; i++) if (!Number.isFinite(state[i])) return i;
    return -1;
  }

  /**
   * Float32 trajectory `[steps + 1, 3, H, W]` from `ic` (conservative `[3, H, W]`), computed in
   * float64: row m is the state at time m·dt (row 0 the IC). `output: "primitive"` stores
   * (h, u, v) instead of (h, hu, hv).
   *
   * @example
   * ```ts
   * import { gaussianBumps, ShallowWater2D } from "./solver.ts";
   * const grid = { nx: 8, ny: 8 };
   * const traj = new ShallowWater2D(grid).trajectory(gaussianBumps(grid, 3, 0), 2, 0.01);
   * if (traj.length !== 3 * 3 * 64) throw new Error("[steps + 1, 3, H, W]");
   * ```
   */
  trajectory(
    ic: ArrayLike<number>,
    steps: number,
    dt: number,
    options: TrajectoryOptions = {},
  ): Float32Array {
    const grid = { nx: this.nx, ny: this.ny, lx: this.lx, ly: this.ly, boundary: this.boundary };
    checkState(ic, grid, "compute a shallow-water trajectory");
    if (!Number.isSafeInteger(steps) || steps < 0) {
      throw new RangeError(
        `Cannot compute a shallow-water trajectory: expected steps an integer ≥ 0, found ${steps}`,
      );
    }
    const output = options.output ?? "conservative";
    if (output !== "conservative" && output !== "primitive") {
      throw new RangeError(
        `Cannot compute a shallow-water trajectory: expected output "conservative" or "primitive", found ${output}`,
      );
    }
    const m = 3 * this.#n, out = new Float32Array((steps + 1) * m);
    const state = Float64Array.from(ic), prim = new Float64Array(m);
    const store = (row: number) => {
      out.set(output === "primitive" ? toPrimitive(state, prim) : state, row * m);
    };
    store(0);
    for (let s = 1; s <= steps; s++) {
      this.step(state, dt);
      store(s);
      options.progress?.(s, steps);
    }
    return out;
  }
}

/** Slope limiter: minmod(a, b) or MC = minmod(2a, 2b, (a + b)/2); odd and symmetric in (a, b). */
function limit(a: number, b: number, mc: boolean): number {
  if (!(a * b > 0)) return 0;
  if (mc) {
    const aa = Math.abs(a), ab = Math.abs(b), c = 0.5 * Math.abs(a + b);
    const m = Math.min(2 * aa, 2 * ab, c);
    return a > 0 ? m : -m;
  }
  return Math.abs(a) < Math.abs(b) ? a : b;
}

// ---------------------------------------------------------------------------------------------
// Initial conditions
// ---------------------------------------------------------------------------------------------

/** Parameters of the {@link gaussianBumps} distribution (absolute units of the box). */
export interface GaussianBumpsOptions {
  /** Background depth h₀ (default 1). */
  readonly depth?: number;
  /** Number of bumps K: fixed, or drawn uniformly from the integers in [min, max] (default [1, 4]). */
  readonly bumps?: number | readonly [number, number];
  /** Amplitude range [A_min, A_max) (default [0.1, 0.5]). */
  readonly amplitude?: readonly [number, number];
  /** Width (standard deviation) range [σ_min, σ_max) (default [0.03, 0.08]). */
  readonly width?: readonly [number, number];
}

/** Defaults of {@link gaussianBumps}. */
export const GAUSSIAN_BUMPS_DEFAULTS = {
  depth: 1,
  bumps: [1, 4],
  amplitude: [0.1, 0.5],
  width: [0.03, 0.08],
} as const;

/**
 * Initial condition `index` of seed `seed`: Gaussian bumps on a still background,
 *
 *   h(x, y) = h₀ + Σ_{k=1}^{K} A_k exp(−d_k(x, y)² / (2σ_k²)),   u = v = 0,
 *
 * sampled at the cell centres. Draws from `new Rng(seed, index)`, in this order: K (when a range
 * [a, b]: `a + ⌊(b − a + 1)·U⌋`), then per bump x_k ~ U[0, Lx), y_k ~ U[0, Ly),
 * A_k ~ U[A_min, A_max), σ_k ~ U[σ_min, σ_max). On a periodic box d_k is the minimum-image
 * distance to (x_k, y_k) (so h is continuous across the boundary); on a reflecting box it is
 * the plain distance. IC `index` does not depend on how many ICs are drawn. Returns `[3, H, W]`.
 *
 * @example
 * ```ts
 * import { gaussianBumps } from "./solver.ts";
 * const s = gaussianBumps({ nx: 16, ny: 16 }, 7, 2);
 * if (s.subarray(0, 256).some((h) => h < 1) || s.subarray(256).some((m) => m !== 0)) {
 *   throw new Error("h ≥ h₀, at rest");
 * }
 * ```
 */
export function gaussianBumps(
  grid: ShallowWaterGrid,
  seed: number,
  index: number,
  options: GaussianBumpsOptions = {},
): Float64Array {
  const action = "build Gaussian-bump IC";
  const r = resolveGrid(grid, action);
  const d = GAUSSIAN_BUMPS_DEFAULTS;
  const depth = options.depth ?? d.depth, bumps = options.bumps ?? d.bumps;
  const [aLo, aHi] = options.amplitude ?? d.amplitude, [wLo, wHi] = options.width ?? d.width;
  if (!(Number.isFinite(depth) && depth >= 0)) {
    throw new RangeError(`Cannot ${action}: expected depth ≥ 0, found ${depth}`);
  }
  if (!(aLo <= aHi && Number.isFinite(aLo) && Number.isFinite(aHi))) {
    throw new RangeError(`Cannot ${action}: expected an amplitude range, found [${aLo}, ${aHi}]`);
  }
  if (!(0 < wLo && wLo <= wHi && Number.isFinite(wHi))) {
    throw new RangeError(`Cannot ${action}: expected a width range > 0, found [${wLo}, ${wHi}]`);
  }
  const [kLo, kHi] = typeof bumps === "number" ? [bumps, bumps] : bumps;
  if (!Number.isSafeInteger(kLo) || !Number.isSafeInteger(kHi) || kLo < 0 || kHi < kLo) {
    throw new RangeError(`Cannot ${action}: expected bump counts 0 ≤ min ≤ max, found ${bumps}`);
  }
  const rng = new Rng(seed, index);
  const count = typeof bumps === "number"
    ? bumps
    : kLo + Math.floor((kHi - kLo + 1) * rng.uniform());
  const { nx, ny, lx, ly } = r, n = nx * ny, periodic = r.boundary === "periodic";
  const state = new Float64Array(3 * n).fill(depth, 0, n);
  for (let b = 0; b < count; b++) {
    const xc = rng.uniformIn(0, lx), yc = rng.uniformIn(0, ly);
    const amp = rng.uniformIn(aLo, aHi), sigma = rng.uniformIn(wLo, wHi);
    const inv = 1 / (2 * sigma * sigma);
    for (let j = 0; j < ny; j++) {
      let dy = ((j + 0.5) * ly) / ny - yc;
      if (periodic) dy -= ly * Math.round(dy / ly);
      for (let i = 0; i < nx; i++) {
        let dx = ((i + 0.5) * lx) / nx - xc;
        if (periodic) dx -= lx * Math.round(dx / lx);
        state[j * nx + i] += amp * Math.exp(-(dx * dx + dy * dy) * inv);
      }
    }
  }
  return state;
}

/** A dam break: a circular column of water or a straight dam across the box. */
export type DamBreakOptions =
  | {
    /** Circular dam of radius `radius` around `center` (default the box centre). */
    readonly shape: "circular";
    readonly center?: readonly [number, number];
    readonly radius: number;
    /** Depth inside the circle. */
    readonly inside: number;
    /** Depth outside (0 for a dry bed). */
    readonly outside: number;
    /** Sub-samples per cell side for cell averages across the dam (default 8). */
    readonly subsamples?: number;
  }
  | {
    /** Straight dam at coordinate `position` along `axis` (default x). */
    readonly shape: "column";
    readonly axis?: "x" | "y";
    readonly position: number;
    /** Depth on the low-coordinate side of the dam. */
    readonly inside: number;
    /** Depth on the high-coordinate side (0 for a dry bed). */
    readonly outside: number;
    /** Sub-samples per cell side for cell averages across the dam (default 8). */
    readonly subsamples?: number;
  };

/**
 * Dam-break IC `[3, H, W]` at rest: depth `inside` within the dam (a disc, or the side
 * coordinate < `position` of a straight dam) and `outside` elsewhere, as cell averages estimated
 * with s×s sub-samples per cell (exact when the dam lies on a cell face).
 *
 * @example
 * ```ts
 * import { damBreak } from "./solver.ts";
 * const s = damBreak({ nx: 4, ny: 1 }, { shape: "column", position: 0.5, inside: 2, outside: 1 });
 * if (s[1] !== 2 || s[2] !== 1) throw new Error("dam at x = 0.5");
 * ```
 */
export function damBreak(grid: ShallowWaterGrid, options: DamBreakOptions): Float64Array {
  const action = "build dam-break IC";
  const { nx, ny, lx, ly } = resolveGrid(grid, action);
  const { inside, outside } = options, s = options.subsamples ?? 8;
  if (!(inside >= 0 && outside >= 0 && Number.isFinite(inside) && Number.isFinite(outside))) {
    throw new RangeError(`Cannot ${action}: expected depths ≥ 0, found ${inside}, ${outside}`);
  }
  if (!Number.isSafeInteger(s) || s < 1) {
    throw new RangeError(`Cannot ${action}: expected subsamples an integer ≥ 1, found ${s}`);
  }
  let isIn: (x: number, y: number) => boolean;
  if (options.shape === "circular") {
    const [cx, cy] = options.center ?? [lx / 2, ly / 2], r2 = options.radius * options.radius;
    if (!(options.radius > 0)) {
      throw new RangeError(`Cannot ${action}: expected radius > 0, found ${options.radius}`);
    }
    isIn = (x, y) => (x - cx) * (x - cx) + (y - cy) * (y - cy) < r2;
  } else if (options.shape === "column") {
    const p = options.position, alongY = options.axis === "y";
    isIn = alongY ? (_x, y) => y < p : (x) => x < p;
  } else {
    throw new RangeError(
      `Cannot ${action}: expected shape "circular" or "column", found ${
        (options as { shape: unknown }).shape
      }`,
    );
  }
  const n = nx * ny, state = new Float64Array(3 * n), dx = lx / nx, dy = ly / ny;
  for (let j = 0; j < ny; j++) {
    for (let i = 0; i < nx; i++) {
      let hits = 0;
      for (let b = 0; b < s; b++) {
        const y = (j + (b + 0.5) / s) * dy;
        for (let a = 0; a < s; a++) if (isIn((i + (a + 0.5) / s) * dx, y)) hits++;
      }
      state[j * nx + i] = hits === s * s
        ? inside
        : hits === 0
        ? outside
        : outside + (inside - outside) * (hits / (s * s));
    }
  }
  return state;
}

/** Parameter ranges of {@link randomDamBreak} (absolute units; defaults for the unit box). */
export const RANDOM_DAM_BREAK_DEFAULTS = {
  radius: [0.1, 0.2],
  inside: [1.5, 2.5],
  outside: 1,
} as const;

/**
 * Random circular dam break, IC `index` of seed `seed`: from `new Rng(seed, index)` draw, in
 * order, the centre x_c ~ U[¼Lx, ¾Lx), y_c ~ U[¼Ly, ¾Ly), radius r ~ U[0.1, 0.2) and inner depth
 * h_in ~ U[1.5, 2.5); the outer depth is 1 (wet bed). Returns `[3, H, W]` at rest.
 *
 * @example
 * ```ts
 * import { randomDamBreak } from "./solver.ts";
 * const s = randomDamBreak({ nx: 16, ny: 16 }, 1, 0);
 * if (Math.min(...s.subarray(0, 256)) !== 1) throw new Error("outer depth 1");
 * ```
 */
export function randomDamBreak(grid: ShallowWaterGrid, seed: number, index: number): Float64Array {
  const r = resolveGrid(grid, "build random dam-break IC");
  const rng = new Rng(seed, index), d = RANDOM_DAM_BREAK_DEFAULTS;
  const cx = rng.uniformIn(0.25 * r.lx, 0.75 * r.lx), cy = rng.uniformIn(0.25 * r.ly, 0.75 * r.ly);
  const radius = rng.uniformIn(d.radius[0], d.radius[1]);
  const inside = rng.uniformIn(d.inside[0], d.inside[1]);
  return damBreak(grid, {
    shape: "circular",
    center: [cx, cy],
    radius,
    inside,
    outside: d.outside,
  });
}

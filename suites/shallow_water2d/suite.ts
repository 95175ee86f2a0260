/**
 * Suite `shallow_water2d`: the 2D Saint-Venant (shallow-water) equations with g = 1 on the
 * periodic unit box, 128 × 128 cells, fields (h, u, v), Δt = 0.02 per model step and a
 * 100-step horizon (two gravity-wave crossings of the box at √(g h₀) = 1). ICs alternate
 * Gaussian bumps on still water (even indices) and circular dam breaks on a wet bed (odd
 * indices); ground truth is the second-order finite-volume solver of `solver.ts` (HLL flux, MC
 * limiter, SSP-RK3, hydrostatic reconstruction), whose validation is in the data card
 * `README.md`.
 *
 * The model state is `[B, 3, 128, 128]` = (h, u, v) at the cell centres (primitive variables,
 * SPEC §3); the reference is computed in conservative variables (h, hu, hv) in float64 and
 * stored as float32 primitives. Derived quantities, the same for prediction and reference:
 *
 * - energy `E = Σ (½h(u² + v²) + ½gh²) ΔxΔy` (the total energy; conserved by smooth flow,
 *   dissipated by bores);
 * - diagnostics `{ mass: Σ h ΔxΔy, energy: E }` (rows `diag_mass_*`, `diag_energy_*`,
 *   including the relative drifts);
 * - spectrum: `spectrum2d` (isotropic shells, 92 on 128²).
 *
 * @example
 * ```ts
 * import { shallowWater2d } from "./suite.ts";
 * const ics = shallowWater2d.initialConditions(1, shallowWater2d.seed); // [1, 3, 128, 128]
 * const ref = shallowWater2d.reference(ics, 1, 1); // [1, 2, 3, 128, 128]
 * const m0 = shallowWater2d.diagnostics!(ref.subarray(0, 3 * 128 * 128)).mass;
 * const m1 = shallowWater2d.diagnostics!(ref.subarray(3 * 128 * 128)).mass;
 * if (Math.abs(m1 - m0) > 1e-6 * m0) throw new Error("mass is conserved");
 * ```
 * @module
 */

import { ShapeError } from "../../harness/core/errors.ts";
import { spectrum2d } from "../../metrics/spectrum.ts";
import type { Grid2D, MetricDecl, Progress, Suite } from "../common/types.ts";
import {
  fromPrimitive,
  gaussianBumps,
  randomDamBreak,
  SHALLOW_WATER_DEFAULTS,
  ShallowWater2D,
  toPrimitive,
} from "./solver.ts";

/** Gravity g. */
export const G = 1;
/** Physical time per model step. */
export const DT = 0.02;
/** Background (still-water) depth h₀ of both IC families. */
export const DEPTH = 1;

/** The grid: 128 × 128 cells on the periodic unit box. */
export const GRID: Grid2D = {
  kind: "grid2d",
  ny: 128,
  nx: 128,
  ly: 1,
  lx: 1,
  boundary: "periodic",
};

const NX = GRID.nx, NY = GRID.ny, CELLS = NX * NY, CELL_AREA = (GRID.lx / NX) * (GRID.ly / NY);
const SOLVER_GRID = { nx: NX, ny: NY, lx: GRID.lx, ly: GRID.ly, boundary: GRID.boundary };

/** Metrics the suite reports, `nrmse` first as the headline; all errors (lower is better). */
export const METRICS_SHALLOW_WATER: readonly MetricDecl[] = [
  {
    id: "nrmse",
    higherIsBetter: false,
    description: "‖p − y‖₂ / ‖y‖₂ per IC and field, mean over ICs",
  },
  { id: "mse", higherIsBetter: false, description: "⟨(p − y)²⟩ over the grid, mean over ICs" },
  {
    id: "dissipation",
    higherIsBetter: false,
    description: "amplitude part of mse, (σₚ − σᵧ)² + (μₚ − μᵧ)² (Takacs 1985)",
  },
  {
    id: "dispersion",
    higherIsBetter: false,
    description: "phase part of mse, 2(1 − ρ)σₚσᵧ (Takacs 1985)",
  },
  {
    id: "spectrum_error",
    higherIsBetter: false,
    description: "mean over isotropic shells k ≥ 1 of |log Eₚ(k) − log Eᵧ(k)|",
  },
  {
    id: "energy_error",
    higherIsBetter: false,
    description: "|Eₚ − Eᵧ| / Eᵧ with E = Σ (½h(u² + v²) + ½gh²) ΔxΔy, the total energy",
  },
];

/**
 * IC `index` of `seed` in conservative variables `[3, 128, 128]`: Gaussian bumps
 * (`gaussianBumps`, 1–4 bumps of amplitude 0.1–0.5 and width 0.03–0.08 on depth 1) for even
 * `index`, a circular dam break on a wet bed (`randomDamBreak`, radius 0.1–0.2, inner depth
 * 1.5–2.5, outer depth 1) for odd `index`. Both draw from `new Rng(seed, index)`, so IC `index`
 * does not depend on how many ICs are requested.
 *
 * @example
 * ```ts
 * import { shallowWaterIc } from "./suite.ts";
 * const bump = shallowWaterIc(1, 0), dam = shallowWaterIc(1, 1);
 * if (Math.min(...dam.subarray(0, 128 * 128)) !== 1) throw new Error("wet bed at depth 1");
 * if (bump.length !== 3 * 128 * 128) throw new Error("[3, H, W]");
 * ```
 */
export function shallowWaterIc(seed: number, index: number): Float64Array {
  return index % 2 === 0
    ? gaussianBumps(SOLVER_GRID, seed, index, { depth: DEPTH })
    : randomDamBreak(SOLVER_GRID, seed, index);
}

function checkPrimitive(state: Float32Array | Float64Array, what: string): void {
  if (state.length !== 3 * CELLS) {
    throw new ShapeError({
      field: `state passed to shallow_water2d.${what}`,
      expected: `[3, ${NY}, ${NX}] (${3 * CELLS} values: h, u, v)`,
      found: `${state.length} values`,
    });
  }
}

/**
 * Total mass `M = Σ h ΔxΔy` and total energy `E = Σ (½h(u² + v²) + ½gh²) ΔxΔy` of a primitive
 * state `[3, 128, 128]` = (h, u, v), float64 sums. The reference conserves M to float32
 * storage rounding (the solver to ~10⁻¹³) and E up to the dissipation of bores.
 *
 * @example
 * ```ts
 * import { massAndEnergy } from "./suite.ts";
 * const s = new Float32Array(3 * 128 * 128).fill(2, 0, 128 * 128); // h = 2 at rest
 * const { mass, energy } = massAndEnergy(s);
 * if (mass !== 2 || energy !== 2) throw new Error("M = h|Ω| = 2, E = ½gh²|Ω| = 2");
 * ```
 */
export function massAndEnergy(
  state: Float32Array | Float64Array,
): { mass: number; energy: number } {
  checkPrimitive(state, "diagnostics");
  let mass = 0, energy = 0;
  for (let k = 0; k < CELLS; k++) {
    const h = state[k], u = state[CELLS + k], v = state[2 * CELLS + k];
    mass += h;
    energy += 0.5 * h * (u * u + v * v) + 0.5 * G * h * h;
  }
  return { mass: mass * CELL_AREA, energy: energy * CELL_AREA };
}

/** The `shallow_water2d` suite declaration (SPEC §3). */
export const shallowWater2d: Suite = {
  id: "shallow_water2d",
  version: "1.0.0",
  title: "2D shallow water (Saint-Venant)",
  description: "Saint-Venant equations for (h, hu, hv) with g = 1 on the periodic unit box, " +
    "128 × 128 cells, fields h, u, v, Δt = 0.02; Gaussian-bump and wet dam-break ICs on depth 1; " +
    "second-order finite-volume ground truth (HLL, MC limiter, SSP-RK3).",
  citation: "The 2D Saint-Venant wave benchmark of MI2A (Predicting Wave Dynamics using Deep " +
    "Learning with Multistep Integration Inspired Attention and Physics-Based Loss " +
    "Decomposition, arXiv:2504.11433); grid and horizon per SPEC §3 (their exact grid, ICs and " +
    "Δt are not reproduced). Scheme: HLL with Einfeldt speeds (Einfeldt 1988), MUSCL–MC, " +
    "hydrostatic reconstruction (Audusse et al. 2004), SSP-RK3 (Gottlieb, Shu & Tadmor 2001).",
  params: { g: G, h0: DEPTH, cfl: SHALLOW_WATER_DEFAULTS.cfl },
  grid: GRID,
  fields: ["h", "u", "v"],
  dt: DT,
  // A blow-up counts as divergence: max|field| beyond 10 × the reference's (data card).
  divergenceBound: { factor: 10 },
  // Mass Σ h ΔxΔy = ⟨h⟩·|Ω| with |Ω| = 1: crmse of h is the RMS mass error.
  conservedFields: ["h"],
  tiers: {
    smoke: { ics: 2, steps: 10 },
    standard: { ics: 16, steps: 100 },
  },
  seed: 20261125,
  summarySteps: [1, 10, 25, 50, 100],
  metrics: METRICS_SHALLOW_WATER,
  initialConditions(count: number, seed: number): Float32Array {
    if (!Number.isSafeInteger(count) || count < 0) {
      throw new RangeError(
        `Cannot draw shallow_water2d ICs: expected count ≥ 0, found ${count}`,
      );
    }
    const out = new Float32Array(count * 3 * CELLS);
    const prim = new Float64Array(3 * CELLS);
    for (let i = 0; i < count; i++) {
      out.set(toPrimitive(shallowWaterIc(seed, i), prim), i * 3 * CELLS);
    }
    return out;
  },
  initialCondition(index: number, seed: number): Float32Array {
    if (!Number.isSafeInteger(index) || index < 0) {
      throw new RangeError(`Cannot draw shallow_water2d IC: expected index ≥ 0, found ${index}`);
    }
    return Float32Array.from(toPrimitive(shallowWaterIc(seed, index), new Float64Array(3 * CELLS)));
  },
  reference(ics: Float32Array, count: number, steps: number, progress?: Progress): Float32Array {
    for (const [name, v] of [["count", count], ["steps", steps]] as const) {
      if (!Number.isSafeInteger(v) || v < 0) {
        throw new RangeError(
          `Cannot run shallow_water2d.reference: expected ${name} ≥ 0, found ${v}`,
        );
      }
    }
    const S = 3 * CELLS;
    if (!(ics instanceof Float32Array) || ics.length !== count * S) {
      throw new ShapeError({
        field: "ICs passed to shallow_water2d.reference",
        expected: `a Float32Array [${count}, 3, ${NY}, ${NX}] (${count * S} values)`,
        found: ics instanceof Float32Array ? `${ics.length} values` : "another type",
      });
    }
    const solver = new ShallowWater2D({ ...SOLVER_GRID, g: G });
    const out = new Float32Array(count * (steps + 1) * S);
    for (let i = 0; i < count; i++) {
      const ic = fromPrimitive(ics.subarray(i * S, (i + 1) * S));
      const traj = solver.trajectory(ic, steps, DT, {
        output: "primitive",
        progress: (done) => progress?.(i * steps + done, count * steps),
      });
      out.set(traj, i * (steps + 1) * S);
    }
    return out;
  },
  energyDefinition: "Σ (½h(u² + v²) + ½gh²) ΔxΔy",
  energy(state: Float32Array | Float64Array): number {
    return massAndEnergy(state).energy;
  },
  spectrum(field: Float32Array | Float64Array): Float64Array {
    return spectrum2d(field, NY, NX);
  },
  diagnostics(state: Float32Array | Float64Array): Readonly<Record<string, number>> {
    return massAndEnergy(state);
  },
};

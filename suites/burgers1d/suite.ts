/**
 * Suite `burgers1d`: viscous Burgers `u_t + (u²/2)_x = ν u_xx`, ν = 0.01, on the periodic interval
 * [0, 1) with n = 1024 points and Δt = 0.01 per model step; ground truth by pseudo-spectral
 * ETDRK4 with 2/3-rule dealiasing and {@link BURGERS_SUBSTEPS} sub-steps per model step (see
 * `solver.ts` and the data card `README.md`).
 *
 * @example
 * ```ts
 * import { burgers1d } from "./suite.ts";
 * const ics = burgers1d.initialConditions(2, burgers1d.seed); // [2, 1, 1024]
 * const ref = burgers1d.reference(ics, 2, 1); // [2, 2, 1, 1024]
 * const e0 = burgers1d.energy(ref.subarray(0, 1024)), e1 = burgers1d.energy(ref.subarray(1024, 2048));
 * if (!(e1 < e0)) throw new Error("viscosity dissipates energy");
 * ```
 * @module
 */

import { DEFAULT_K_MAX, fourierSeriesIc, fourierSeriesIcs } from "../common/ics.ts";
import { checkBatch1D, energy1D, METRICS_1D } from "../common/periodic1d.ts";
import type { Progress, Suite } from "../common/types.ts";
import { BURGERS_SUBSTEPS, burgersTrajectories } from "./solver.ts";

/** Viscosity ν. */
export const NU = 0.01;

const N = 1024;

/** The `burgers1d` suite declaration (SPEC §3). */
export const burgers1d: Suite = {
  id: "burgers1d",
  version: "1.1.0",
  title: "1D viscous Burgers",
  description: "u_t + (u²/2)_x = ν u_xx with ν = 0.01 on the periodic interval [0, 1), 1024 " +
    "points, Δt = 0.01; pseudo-spectral ETDRK4 ground truth with 2/3-rule dealiasing.",
  citation: "Grid, horizon and Δt of PDEBench 1D Burgers (Takamoto et al., NeurIPS 2022 Datasets " +
    "and Benchmarks, arXiv:2210.07182; PDEBench writes the viscosity as ν/π, here ν = 0.01 " +
    "exactly) and the 1D Burgers case of MI2A (arXiv:2504.11433); ICs after APEBench/exponax " +
    "truncated Fourier series (Koehler et al., NeurIPS 2024, arXiv:2411.00180); ETDRK4 of " +
    "Cox & Matthews (2002) with the contour coefficients of Kassam & Trefethen (2005).",
  params: { nu: NU },
  grid: { kind: "periodic1d", n: N, length: 1 },
  fields: ["u"],
  dt: 0.01,
  // A blow-up counts as divergence: max|field| beyond 10 × the reference's (data card).
  divergenceBound: { factor: 10 },
  tiers: {
    smoke: { ics: 4, steps: 20 },
    standard: { ics: 32, steps: 200 },
    paper: { ics: 1000, steps: 200 },
  },
  seed: 20261124,
  summarySteps: [1, 25, 50, 100, 200],
  metrics: METRICS_1D,
  initialConditions(count: number, seed: number): Float32Array {
    return fourierSeriesIcs(count, N, DEFAULT_K_MAX, seed);
  },
  initialCondition(index: number, seed: number): Float32Array {
    return Float32Array.from(fourierSeriesIc(N, DEFAULT_K_MAX, seed, index));
  },
  reference(ics: Float32Array, count: number, steps: number, progress?: Progress): Float32Array {
    checkBatch1D("burgers1d", N, ics, count, steps);
    return burgersTrajectories(
      ics,
      count,
      steps,
      { n: N, nu: NU, length: 1, dt: 0.01, substeps: BURGERS_SUBSTEPS },
      progress,
    );
  },
  energyDefinition: "½⟨u²⟩",
  energy(state: Float32Array | Float64Array): number {
    return energy1D(state, N, "burgers1d");
  },
};

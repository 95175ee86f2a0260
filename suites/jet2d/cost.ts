/**
 * Cost of the `jet2d` reference solver on this machine (for `deno task bench`): wall time of
 * ETDRK4 sub-steps at 256² and 64² (medians of short timed runs on a spun-up-like state), and
 * what they imply per model step, per standard-tier trajectory and per spun-up IC.
 *
 * @example
 * ```ts ignore
 * import { jet2dSolverCost } from "./cost.ts";
 * console.log(jet2dSolverCost()); // ≈ 2 s
 * ```
 * @module
 */
import { Jet2D } from "./solver.ts";
import { randomLargeScale } from "./spinup.ts";
import { DT, jet2d, PHYSICS, SPIN_UP, SUBSTEPS } from "./suite.ts";

/** Measured solver costs (see module docs). */
export interface Jet2dSolverCost {
  /** Milliseconds per 256² ETDRK4 sub-step (median of 5 runs of 4). */
  readonly fineMs: number;
  /** Milliseconds per 64² sub-step of the spin-up (median of 5 runs of 40). */
  readonly coarseMs: number;
  /** Seconds per model step (SUBSTEPS sub-steps). */
  readonly modelStepSeconds: number;
  /** Model steps of a standard-tier trajectory. */
  readonly standardSteps: number;
  /** Seconds per standard-tier trajectory. */
  readonly trajectorySeconds: number;
  /** Seconds per spun-up IC implied by the sub-step costs and the recipe. */
  readonly spinUpSeconds: number;
}

function msPerStep(n: number, steps: number, h: number): number {
  const physics = { ...PHYSICS, n };
  if (n !== PHYSICS.n) {
    physics.nuH = PHYSICS.nuH * (Math.floor(PHYSICS.n / 3) / Math.floor(n / 3)) ** 8;
  }
  const s = new Jet2D(physics), { re, im } = randomLargeScale(n, 1, 0), t: number[] = [];
  s.step(re, im, h); // coefficients
  for (let r = 0; r < 5; r++) {
    const t0 = performance.now();
    for (let m = 0; m < steps; m++) s.step(re, im, h);
    t.push((performance.now() - t0) / steps);
  }
  return t.sort((a, b) => a - b)[2];
}

/** Time the solver (≈ 2 s) and derive the costs of {@link Jet2dSolverCost}. */
export function jet2dSolverCost(): Jet2dSolverCost {
  const fineMs = msPerStep(PHYSICS.n, 4, DT / SUBSTEPS);
  const coarseMs = msPerStep(SPIN_UP.coarseN, 40, SPIN_UP.coarseH);
  const modelStepSeconds = (fineMs * SUBSTEPS) / 1000, standardSteps = jet2d.tiers.standard.steps;
  const spinUpSeconds = (Math.ceil(SPIN_UP.coarseTime / SPIN_UP.coarseH) * coarseMs +
    Math.ceil(SPIN_UP.fineTime / SPIN_UP.fineH) * fineMs) / 1000;
  return {
    fineMs,
    coarseMs,
    modelStepSeconds,
    standardSteps,
    trajectorySeconds: modelStepSeconds * standardSteps,
    spinUpSeconds,
  };
}

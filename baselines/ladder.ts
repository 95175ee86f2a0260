/**
 * The **solver ladder** of a suite (issue 16, the cost–accuracy frontier): its classical solver
 * scheme at a series of resolutions, each rung an ONNX step graph that maps the suite's state to
 * the next state exactly as a submitted model does, so that `emubench run --frontier`
 * (`harness/tasks/frontier.ts`) rolls every rung out through the same engine, on the same
 * backend, from the same ICs, and scores it with the same metrics as the model.
 *
 * Every rung restricts the state to its coarse grid, advances it by one model step Δt with the
 * sub-steps its stability limit allows (so a coarser rung also takes larger time steps, except on
 * `hasegawa_wakatani`, where the RK4 step h is the suite's on every rung), and interpolates it
 * back to the evaluation grid. The rung whose factor is the suite's `coarse_solver` factor builds
 * the very graph of `baseline:coarse_solver` (the same bytes).
 *
 * | suite               | scheme                                                            | factors     |
 * | ------------------- | ----------------------------------------------------------------- | ----------- |
 * | `burgers1d`         | Rusanov finite volume, forward Euler (diffusion number ≤ 0.4)     | 2, 4, 8, 16 |
 * | `shallow_water2d`   | Rusanov finite volume, forward Euler (CFL 0.45 for speed ≤ 2.5)   | 1, 2, 4, 8  |
 * | `hasegawa_wakatani` | the reference scheme: pseudo-spectral, 2/3 rule, RK4 h = 0.05     | 1, 2, 4, 8  |
 * | `jet2d`             | pseudo-spectral IFRK4, 2/3 rule, sub-steps for \|u\| ≤ 12         | 2, 4, 8     |
 *
 * A factor f means f times fewer points per direction than the evaluation grid (1024 / f on
 * `burgers1d`, (128 / f)² on `shallow_water2d` and `hasegawa_wakatani`, (256 / f)² on `jet2d`).
 * The 1× rung of `hasegawa_wakatani` is the reference scheme on the reference grid (in float32
 * instead of float64); the 1× rung of `shallow_water2d` is first-order Rusanov on the reference
 * grid (the reference is second-order HLL–MUSCL), so even it has an error.
 *
 * @example
 * ```ts
 * import { solverLadder } from "./ladder.ts";
 * import { getSuite } from "../suites/mod.ts";
 * const ladder = solverLadder(getSuite("burgers1d"))!;
 * if (ladder.rungs.map((r) => r.factor).join() !== "2,4,8,16") throw new Error("factors");
 * if (solverLadder(getSuite("convection1d")) !== undefined) throw new Error("no ladder");
 * ```
 * @module
 */
import { grid1D, type Suite } from "../suites/common/types.ts";
import type { ModelSource } from "../harness/model/manifest.ts";
import { ValueRangeError } from "../harness/core/errors.ts";
import { baselineSource, suiteParam } from "./source.ts";
import { coarseBurgersGraph } from "./builders.ts";
import { coarseShallowWaterGraph, coarseSubsteps } from "./shallow_water.ts";
import { hwCoarseSolverBaseline } from "./hasegawa_wakatani.ts";
import { jet2dCoarseSolver } from "./jet2d.ts";

/** One rung of a {@link SolverLadder}. */
export interface Rung {
  /** Model id of the rung (`baseline:ID` in messages), e.g. `solver_4x`. */
  readonly id: string;
  /** Short label for tables and charts, e.g. `4× (256 cells)`. */
  readonly label: string;
  /** Coarsening factor per direction (1 = the evaluation grid). */
  readonly factor: number;
  /** The rung's step graph as a model source (built on demand: 2D graphs take a moment). */
  build(): ModelSource;
}

/** A suite's solver ladder. */
export interface SolverLadder {
  /** The scheme in words (the same on every rung). */
  readonly scheme: string;
  /** The factor of the suite's `baseline:coarse_solver` (one of the rungs). */
  readonly baselineFactor: number;
  /** Rungs from the finest (smallest factor) to the coarsest. */
  readonly rungs: readonly Rung[];
}

/** Suites with a solver ladder, in the order `emubench` lists them. */
export const LADDER_SUITES: readonly string[] = [
  "burgers1d",
  "shallow_water2d",
  "hasegawa_wakatani",
  "jet2d",
];

/**
 * The `coarse_solver` scheme of `burgers1d` on `n / factor` cells: forward Euler with the
 * Rusanov flux and centred diffusion, `m = ⌈Δt / (0.4 Δx² / ν)⌉` sub-steps per model step
 * (diffusion number ≤ 0.4), block averages in, linear interpolation back
 * (`coarseBurgersGraph`). `factor` 4 is `baseline:coarse_solver`.
 *
 * @example
 * ```ts
 * import { coarseBurgersSolver } from "./ladder.ts";
 * import { getSuite } from "../suites/mod.ts";
 * const m = coarseBurgersSolver(getSuite("burgers1d"), 8, "solver_8x");
 * if (!m.manifest.description!.includes("128 cells, 5 sub-steps")) throw new Error(m.manifest.description);
 * ```
 */
export function coarseBurgersSolver(
  suite: Suite,
  factor: number,
  id = "coarse_solver",
): ModelSource {
  const line = grid1D(suite, "build a 1D baseline");
  const nu = suiteParam(suite, "nu");
  const n = line.n / factor, dx = line.length / n;
  const substeps = Math.ceil(suite.dt / ((0.4 * dx * dx) / nu));
  return baselineSource(
    id,
    suite,
    {
      step: coarseBurgersGraph({
        x: line.n,
        factor,
        length: line.length,
        nu,
        dt: suite.dt,
        substeps,
      }),
    },
    `Forward Euler + Rusanov flux on ${n} cells, ${substeps} sub-steps per model step (diffusion number ≤ 0.4).`,
  );
}

/**
 * The `coarse_solver` scheme of a periodic 2D shallow-water suite on `factor` times fewer cells
 * per direction: first-order Rusanov, forward Euler, sub-steps for a wave-speed bound
 * |u| + √(gh) ≤ 2.5 at CFL 0.45 (`coarseSubsteps`; the reference reaches 2.43 over the 16
 * standard ICs; the forward-Euler Rusanov step stays stable up to speeds 2.5/0.45 ≈ 5.6), block
 * averages in, linear interpolation back (`coarseShallowWaterGraph`). `factor` 2 is
 * `baseline:coarse_solver`.
 *
 * @example
 * ```ts
 * import { coarseShallowWaterSolver } from "./ladder.ts";
 * import { getSuite } from "../suites/mod.ts";
 * const m = coarseShallowWaterSolver(getSuite("shallow_water2d"), 4, "solver_4x");
 * if (!m.manifest.description!.includes("32×32 cells")) throw new Error(m.manifest.description);
 * ```
 */
export function coarseShallowWaterSolver(
  suite: Suite,
  factor: number,
  id = "coarse_solver",
): ModelSource {
  if (suite.grid.kind !== "grid2d" || suite.grid.boundary !== "periodic") {
    throw new ValueRangeError({
      field: `suite ${suite.id} grid`,
      expected: "a periodic 2D grid (coarse shallow-water solver)",
      found: JSON.stringify(suite.grid),
    });
  }
  const { ny, nx, ly, lx } = suite.grid, speed = 2.5, cfl = 0.45;
  const substeps = coarseSubsteps({
    cells: [ny / factor, nx / factor],
    lengths: [ly, lx],
    dt: suite.dt,
    speed,
    cfl,
  });
  return baselineSource(
    id,
    suite,
    {
      step: coarseShallowWaterGraph({
        ny,
        nx,
        factor,
        ly,
        lx,
        g: suiteParam(suite, "g"),
        dt: suite.dt,
        substeps,
      }),
    },
    `First-order Rusanov finite volume (forward Euler) on ${ny / factor}×${nx / factor} cells, ` +
      `${substeps} sub-steps per model step (CFL ${cfl} for |u| + √(gh) ≤ ${speed}), ` +
      `block averages in, linear interpolation back.`,
  );
}

function rungs(
  factors: readonly number[],
  cells: (factor: number) => string,
  build: (factor: number, id: string) => ModelSource,
): Rung[] {
  return factors.map((factor) => {
    const id = `solver_${factor}x`;
    return { id, factor, label: `${factor}× (${cells(factor)})`, build: () => build(factor, id) };
  });
}

/**
 * The solver ladder of `suite` (module documentation), or `undefined` for a suite without one.
 * Rungs run from the finest to the coarsest.
 */
export function solverLadder(suite: Suite): SolverLadder | undefined {
  const g = suite.grid;
  switch (suite.id) {
    case "burgers1d": {
      const n = grid1D(suite, "the burgers1d ladder").n;
      return {
        scheme: "Rusanov finite volume, forward Euler (the burgers1d coarse_solver scheme)",
        baselineFactor: 4,
        rungs: rungs(
          [2, 4, 8, 16],
          (f) => `${n / f} cells`,
          (f, id) => coarseBurgersSolver(suite, f, id),
        ),
      };
    }
    case "shallow_water2d": {
      const n = g.kind === "grid2d" ? g.nx : 0;
      return {
        scheme: "first-order Rusanov finite volume, forward Euler (the shallow_water2d " +
          "coarse_solver scheme)",
        baselineFactor: 2,
        rungs: rungs(
          [1, 2, 4, 8],
          (f) => `${n / f}²`,
          (f, id) => coarseShallowWaterSolver(suite, f, id),
        ),
      };
    }
    case "hasegawa_wakatani": {
      const n = g.kind === "grid2d" ? g.nx : 0;
      return {
        scheme: "pseudo-spectral Hasegawa–Wakatani, 2/3 rule, RK4 at the suite's h (the " +
          "reference scheme, in float32, DFTs as MatMuls)",
        baselineFactor: 2,
        rungs: rungs(
          [1, 2, 4, 8],
          (f) => `${n / f}²`,
          (f, id) => hwCoarseSolverBaseline(suite, n / f, id),
        ),
      };
    }
    case "jet2d": {
      const n = g.kind === "grid2d" ? g.nx : 0;
      return {
        scheme: "pseudo-spectral vorticity IFRK4, 2/3 rule (the jet2d coarse_solver scheme, " +
          "DFTs as MatMuls)",
        baselineFactor: 4,
        rungs: rungs([2, 4, 8], (f) => `${n / f}²`, (f, id) => jet2dCoarseSolver(suite, n / f, id)),
      };
    }
    default:
      return undefined;
  }
}

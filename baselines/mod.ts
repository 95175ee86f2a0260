/**
 * The registry of built-in baselines. Each builds an ONNX model in memory for a suite and runs
 * through exactly the path a submitted model takes (`--model baseline:NAME`).
 *
 * @example
 * ```ts
 * import { listBaselines } from "./mod.ts";
 * if (!listBaselines().some((b) => b.id === "persistence")) throw new Error("registry");
 * ```
 * @module
 */
import { grid1D, gridShape, type PeriodicGrid1D, type Suite } from "../suites/common/types.ts";
import type { AutoencoderSource, ModelSource } from "../harness/model/manifest.ts";
import { ValueRangeError } from "../harness/core/errors.ts";
import { baselineSource, suiteParam } from "./source.ts";
import { cnnGraph, persistenceGraph, stencilGraph } from "./builders.ts";
import { coarseBurgersSolver, coarseShallowWaterSolver } from "./ladder.ts";
import { composeStencil, laxWendroffStencil, substepsFor, upwindStencil } from "./stencils.ts";
import { fitStableStencil } from "./least_squares.ts";
import { LINEAR_EXTRAPOLATION_WEIGHTS, linearMultistepGraph } from "./shallow_water.ts";
import { MEAN_POOL_RATIOS, meanPoolAutoencoder } from "./era5_autoencoder.ts";
import { heapUntrainedBaseline, hwCoarseSolverBaseline } from "./hasegawa_wakatani.ts";
import { climatologyGraph } from "./era5.ts";
import { jet2dCoarseSolver, jet2dUnet } from "./jet2d.ts";

/** A built-in baseline. */
export interface Baseline {
  readonly id: string;
  readonly description: string;
  /** Suites it applies to. */
  readonly suites: readonly string[];
  /** True for random-weight networks used only to measure throughput. */
  readonly untrained?: boolean;
  /** True when it is part of the default `demo` evaluation. */
  readonly inDemo: boolean;
  build(suite: Suite): Promise<ModelSource> | ModelSource;
  /** `reconstruct` for autoencoders (run with `--task reconstruct`); default `forecast`. */
  readonly task?: "forecast" | "reconstruct";
  /** Reconstruct-task baselines: the `{encode, decode}` autoencoder. */
  buildAutoencoder?(suite: Suite): AutoencoderSource;
}

/** A one-graph (step) baseline model ({@link baselineSource}). */
const wrap = (
  id: string,
  suite: Suite,
  bytes: Uint8Array,
  description: string,
  history = 1,
): ModelSource => baselineSource(id, suite, { step: bytes }, description, history);
const param = suiteParam;

/** The 1D grid of a suite a 1D baseline is built for (`RangeError` on another grid). */
function line1(suite: Suite): PeriodicGrid1D {
  return grid1D(suite, "build a 1D baseline");
}

function convectionStencil(suite: Suite, scheme: (c: number) => number[]) {
  const beta = param(suite, "beta");
  const courant = (beta * suite.dt) / (line1(suite).length / line1(suite).n);
  const m = substepsFor(courant);
  return { stencil: composeStencil(scheme(courant / m), m), m, c: courant / m };
}

/** Seed offset for training data of fitted baselines: disjoint from evaluation ICs. */
export const TRAINING_SEED_OFFSET = 1_000_003;

const BASELINES: readonly Baseline[] = [
  {
    id: "persistence",
    description: "u_{n+1} = u_n: the floor every emulator must beat.",
    suites: [
      "convection1d",
      "burgers1d",
      "shallow_water2d",
      "hasegawa_wakatani",
      "jet2d",
      "era5",
    ],
    inDemo: true,
    build: (suite) =>
      wrap(
        "persistence",
        suite,
        persistenceGraph(gridShape(suite.grid), suite.fields.length),
        "Persistence (identity map).",
      ),
  },
  {
    id: "climatology",
    description: "The suite's seasonal climatology, its phase fitted to the IC by least squares " +
      "and held fixed (baselines/era5.ts).",
    suites: ["era5"],
    inDemo: false,
    build: (suite) => {
      if (suite.grid.kind !== "healpix") {
        throw new ValueRangeError({
          field: `suite ${suite.id} grid`,
          expected: "a HEALPix grid (era5 climatology)",
          found: suite.grid.kind,
        });
      }
      return wrap(
        "climatology",
        suite,
        climatologyGraph(suite.grid.nside, suite.fields),
        "Analytic climatology M + S·κ̂ of every field, the seasonal phase κ̂ fitted to the " +
          "input state by weighted least squares (clipped to [−1, 1]) and so held fixed over " +
          "the rollout.",
      );
    },
  },
  {
    id: "linear_extrapolation",
    description:
      "u_{n+1} = 2u_n − u_{n−1}: a history-2 model (input [B, 2, C, ...]), the simplest multistep baseline.",
    suites: ["shallow_water2d"],
    inDemo: true,
    build: (suite) =>
      wrap(
        "linear_extrapolation",
        suite,
        linearMultistepGraph({
          channels: suite.fields.length,
          shape: gridShape(suite.grid),
          weights: LINEAR_EXTRAPOLATION_WEIGHTS,
          name: "linear_extrapolation",
        }),
        "Linear extrapolation in time from the last two states (history 2; step 1 is the reference).",
        2,
      ),
  },
  {
    id: "upwind",
    description: "First-order upwind, sub-stepped at Courant ≤ 0.8 (dissipative).",
    suites: ["convection1d"],
    inDemo: true,
    build: (suite) => {
      const { stencil, m, c } = convectionStencil(suite, upwindStencil);
      return wrap(
        "upwind",
        suite,
        stencilGraph(line1(suite).n, stencil, "upwind"),
        `First-order upwind, ${m} sub-steps at Courant ${
          c.toFixed(3)
        }, composed into one ${stencil.length}-point stencil.`,
      );
    },
  },
  {
    id: "lax_wendroff",
    description: "Lax–Wendroff, sub-stepped at Courant ≤ 0.8 (dispersive).",
    suites: ["convection1d"],
    inDemo: true,
    build: (suite) => {
      const { stencil, m, c } = convectionStencil(suite, laxWendroffStencil);
      return wrap(
        "lax_wendroff",
        suite,
        stencilGraph(line1(suite).n, stencil, "lax_wendroff"),
        `Lax–Wendroff, ${m} sub-steps at Courant ${
          c.toFixed(3)
        }, composed into one ${stencil.length}-point stencil.`,
      );
    },
  },
  {
    id: "coarse_solver",
    description: "Explicit Rusanov finite volume on a coarser grid (burgers1d: 4×; " +
      "shallow_water2d: 2× per direction), linear interpolation back.",
    suites: ["burgers1d", "shallow_water2d", "jet2d", "hasegawa_wakatani"],
    inDemo: true,
    build: (suite) => {
      if (suite.id === "hasegawa_wakatani") return hwCoarseSolverBaseline(suite);
      if (suite.id === "jet2d") return jet2dCoarseSolver(suite);
      if (suite.grid.kind === "grid2d") return coarseShallowWaterSolver(suite, 2);
      return coarseBurgersSolver(suite, 4);
    },
  },
  {
    id: "linear_stencil",
    description:
      "33-point linear stencil fitted by least squares on reference trajectories (training seed disjoint from evaluation), with the least Tikhonov regularisation that makes it von Neumann stable.",
    suites: ["convection1d", "burgers1d"],
    inDemo: true,
    build: (suite) => {
      const h = 16, ics = 8, steps = 20;
      const seed = suite.seed + TRAINING_SEED_OFFSET;
      const x0 = suite.initialConditions(ics, seed);
      const traj = suite.reference(x0, ics, steps);
      const S = line1(suite).n * suite.fields.length;
      const pairs = function* () {
        for (let i = 0; i < ics; i++) {
          for (let t = 0; t < steps; t++) {
            const a = (i * (steps + 1) + t) * S;
            yield [traj.subarray(a, a + S), traj.subarray(a + S, a + 2 * S)] as const;
          }
        }
      };
      const fit = fitStableStencil(pairs, h, line1(suite).n);
      return wrap(
        "linear_stencil",
        suite,
        stencilGraph(line1(suite).n, Array.from(fit.stencil), "linear_stencil"),
        `Least-squares ${2 * h + 1}-point stencil fitted on ${ics} ICs × ${steps} steps ` +
          `(seed ${seed}), ridge ${
            fit.ridge.toExponential(0)
          } (the smallest with max |g(θ)| ≤ 1; ` +
          `found ${fit.amplification.toFixed(6)}).`,
      );
    },
  },
  {
    id: "heap_untrained",
    description: "UNTRAINED HEAP-shaped hierarchical latent conv net (3 embedding layers of 8 " +
      "channels, random fixed-seed weights): throughput of encode/step/decode only.",
    suites: ["hasegawa_wakatani"],
    untrained: true,
    inDemo: false,
    build: (suite) => heapUntrainedBaseline(suite),
  },
  {
    id: "cnn1d_untrained",
    description:
      "UNTRAINED 4-layer, 32-channel, kernel-5 periodic CNN with random weights: throughput only.",
    suites: ["convection1d", "burgers1d"],
    untrained: true,
    inDemo: false,
    build: (suite) =>
      wrap(
        "cnn1d_untrained",
        suite,
        cnnGraph({ x: line1(suite).n, width: 32, depth: 4, kernel: 5, seed: 7 }),
        "UNTRAINED random-weight CNN (throughput measurements only; its scores mean nothing).",
      ),
  },
  {
    id: "unet_untrained",
    description: "UNTRAINED UNet-shaped network (3 levels, skip connections, random weights): " +
      "throughput only.",
    suites: ["jet2d"],
    untrained: true,
    inDemo: false,
    build: (suite) => jet2dUnet(suite),
  },
  ...MEAN_POOL_RATIOS.map((ratio): Baseline => ({
    id: `mean_pool_r${ratio}`,
    description: `Autoencoder: mean pool to a HEALPix level ${
      Math.log2(ratio) / 2
    } coarser (compression ${ratio}:1 per variable), nearest upsampling back (reconstruct task).`,
    suites: ["era5"],
    inDemo: false,
    task: "reconstruct",
    build: () => {
      throw new ValueRangeError({
        field: `baseline:mean_pool_r${ratio}`,
        expected: "the reconstruct task (emubench run --task reconstruct)",
        found: "a forecast run: an autoencoder has no step graph",
      });
    },
    buildAutoencoder: (suite) => meanPoolAutoencoder(suite, ratio),
  })),
];

/** All baselines. */
export function listBaselines(): readonly Baseline[] {
  return BASELINES;
}

/** Look up a baseline for a suite; a failed lookup lists what exists. */
export function getBaseline(id: string, suiteId: string): Baseline {
  const b = BASELINES.find((x) => x.id === id);
  if (!b) {
    throw new ValueRangeError({
      field: "baseline",
      expected: `one of ${BASELINES.map((x) => x.id).join(", ")}`,
      found: JSON.stringify(id),
    });
  }
  if (!b.suites.includes(suiteId)) {
    throw new ValueRangeError({
      field: `baseline:${id}`,
      expected: `a suite among ${b.suites.join(", ")}`,
      found: suiteId,
    });
  }
  return b;
}

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
import type { Suite } from "../suites/types.ts";
import type { ModelSource } from "../harness/model.ts";
import { ValueRangeError } from "../harness/errors.ts";
import { cnnGraph, coarseBurgersGraph, persistenceGraph, stencilGraph } from "./builders.ts";
import { composeStencil, laxWendroffStencil, substepsFor, upwindStencil } from "./stencils.ts";
import { fitStencil } from "./least_squares.ts";

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
}

function param(suite: Suite, key: string): number {
  const v = suite.params?.[key];
  if (typeof v !== "number") {
    throw new ValueRangeError({
      field: `suite ${suite.id} params.${key}`,
      expected: "a number (needed by this baseline)",
      found: String(v),
    });
  }
  return v;
}

function wrap(id: string, suite: Suite, bytes: Uint8Array, description: string): ModelSource {
  return {
    kind: "baseline",
    origin: `baseline:${id}`,
    manifest: {
      name: `baseline:${id}`,
      suite: suite.id,
      description,
      authors: ["emubench"],
      graphs: { step: `${id}.onnx` },
      history: 1,
      carry: {},
    },
    graphs: { step: { path: `${id}.onnx`, bytes } },
  };
}

function convectionStencil(suite: Suite, scheme: (c: number) => number[]) {
  const beta = param(suite, "beta");
  const courant = (beta * suite.dt) / (suite.grid.length / suite.grid.n);
  const m = substepsFor(courant);
  return { stencil: composeStencil(scheme(courant / m), m), m, c: courant / m };
}

/** Seed offset for training data of fitted baselines: disjoint from evaluation ICs. */
export const TRAINING_SEED_OFFSET = 1_000_003;

const BASELINES: readonly Baseline[] = [
  {
    id: "persistence",
    description: "u_{n+1} = u_n: the floor every emulator must beat.",
    suites: ["convection1d", "burgers1d"],
    inDemo: true,
    build: (suite) =>
      wrap(
        "persistence",
        suite,
        persistenceGraph(suite.grid.n, suite.fields.length),
        "Persistence (identity map).",
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
        stencilGraph(suite.grid.n, stencil, "upwind"),
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
        stencilGraph(suite.grid.n, stencil, "lax_wendroff"),
        `Lax–Wendroff, ${m} sub-steps at Courant ${
          c.toFixed(3)
        }, composed into one ${stencil.length}-point stencil.`,
      );
    },
  },
  {
    id: "coarse_solver",
    description: "Explicit Rusanov finite volume on a 4× coarser grid, linear interpolation back.",
    suites: ["burgers1d"],
    inDemo: true,
    build: (suite) => {
      const nu = param(suite, "nu");
      const factor = 4, n = suite.grid.n / factor, dx = suite.grid.length / n;
      const substeps = Math.ceil(suite.dt / ((0.4 * dx * dx) / nu));
      return wrap(
        "coarse_solver",
        suite,
        coarseBurgersGraph({
          x: suite.grid.n,
          factor,
          length: suite.grid.length,
          nu,
          dt: suite.dt,
          substeps,
        }),
        `Forward Euler + Rusanov flux on ${n} cells, ${substeps} sub-steps per model step (diffusion number ≤ 0.4).`,
      );
    },
  },
  {
    id: "linear_stencil",
    description:
      "33-point linear stencil fitted by least squares on reference trajectories (training seed disjoint from evaluation).",
    suites: ["convection1d", "burgers1d"],
    inDemo: true,
    build: (suite) => {
      const h = 16, ics = 8, steps = 20;
      const seed = suite.seed + TRAINING_SEED_OFFSET;
      const x0 = suite.initialConditions(ics, seed);
      const traj = suite.reference(x0, ics, steps);
      const S = suite.grid.n * suite.fields.length;
      const pairs = function* () {
        for (let i = 0; i < ics; i++) {
          for (let t = 0; t < steps; t++) {
            const a = (i * (steps + 1) + t) * S;
            yield [traj.subarray(a, a + S), traj.subarray(a + S, a + 2 * S)] as const;
          }
        }
      };
      const stencil = Array.from(fitStencil(pairs(), h));
      return wrap(
        "linear_stencil",
        suite,
        stencilGraph(suite.grid.n, stencil, "linear_stencil"),
        `Least-squares ${
          2 * h + 1
        }-point stencil fitted on ${ics} ICs × ${steps} steps (seed ${seed}).`,
      );
    },
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
        cnnGraph({ x: suite.grid.n, width: 32, depth: 4, kernel: 5, seed: 7 }),
        "UNTRAINED random-weight CNN (throughput measurements only; its scores mean nothing).",
      ),
  },
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

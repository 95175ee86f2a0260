/**
 * A synthetic but self-consistent {@link Result} of a 2D suite, for developing and testing the
 * 2D parts of reports (heatmaps, the space–time diagram) without running a solver: fields
 * (h, u, v) of an expanding circular gravity wave on the periodic unit box, and a "prediction"
 * whose wave runs too fast (phase error) and fades (amplitude error). Every row comes from the
 * real scorer, diagnostics tracker and Hovmöller recorder run over these arrays, exactly as
 * `evaluate` does.
 * @module
 */
import { RolloutScorer } from "../metrics/scorer.ts";
import { DiagnosticsTracker } from "../metrics/diagnostics.ts";
import { spectrum2d } from "../metrics/spectrum.ts";
import { buildCatalogue } from "../metrics/catalogue.ts";
import type { Grid2D } from "../suites/common/types.ts";
import { HovmollerRecorder, roundView, snapshotSteps2D } from "../harness/tasks/views2d.ts";
import { type Result, RESULT_SCHEMA, type Snapshot } from "../harness/results/schema.ts";

/** Knobs of {@link sampleResult2D}; every one has a default. */
export interface Sample2DOptions {
  /** Model name (default `"sample-mi2a"`). */
  name?: string;
  /** Cells per side (power of two, default 64). */
  n?: number;
  /** Number of ICs (default 2). */
  ics?: number;
  /** Horizon (default 40). */
  steps?: number;
  /** Relative wave-speed error of the prediction (default 0.08). */
  phaseError?: number;
  /** E-folding time of the prediction's amplitude, in time units (default 2). */
  damping?: number;
  /** History k of the model (default 1): steps below k are reference states. */
  history?: number;
  /** IC index → first step with NaN output (default `{}`). */
  diverge?: Record<number, number>;
}

const DT = 0.02;

/** Expanding ring around (cx, cy): h, radial velocity u_r = c(h − 1)/h (a right-going wave). */
function ring(
  n: number,
  t: number,
  center: readonly [number, number],
  speed: number,
  amplitude: number,
): Float32Array {
  const cells = n * n, out = new Float32Array(3 * cells), w = 0.04, r0 = 0.06;
  const radius = r0 + speed * t, a = amplitude * Math.sqrt(r0 / radius);
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < n; i++) {
      let dx = (i + 0.5) / n - center[0], dy = (j + 0.5) / n - center[1];
      dx -= Math.round(dx);
      dy -= Math.round(dy);
      const r = Math.hypot(dx, dy) || 1e-9;
      const bump = a * Math.exp(-((r - radius) ** 2) / (2 * w * w));
      const h = 1 + bump, ur = speed * bump / h;
      out[j * n + i] = h;
      out[cells + j * n + i] = ur * dx / r;
      out[2 * cells + j * n + i] = ur * dy / r;
    }
  }
  return out;
}

/**
 * Build a synthetic 2D result (suite id `shallow_water2d`, fields h, u, v) with rows from the
 * real scorer (2D spectra, split, energy), diagnostics rows (mass, energy), 2D snapshots and a
 * Hovmöller block.
 *
 * @example
 * ```ts
 * import { sampleResult2D } from "./sample_result_2d.ts";
 * const r = sampleResult2D({ n: 16, steps: 6 });
 * if (!r.hovmoller || r.hovmoller.ref.length !== 7 || r.snapshots[0].shape?.join() !== "16,16") {
 *   throw new Error("2D blocks");
 * }
 * ```
 */
export function sampleResult2D(options: Sample2DOptions = {}): Result {
  const n = options.n ?? 64, ics = options.ics ?? 2, steps = options.steps ?? 40;
  const phase = options.phaseError ?? 0.08, tau = options.damping ?? 2;
  const history = options.history ?? 1, diverge = options.diverge ?? {};
  const fields = ["h", "u", "v"], cells = n * n, S = 3 * cells;
  const grid: Grid2D = { kind: "grid2d", ny: n, nx: n, ly: 1, lx: 1, boundary: "periodic" };
  const summarySteps = [1, 10, 25, 50, 100].filter((s) => s <= steps);
  const energy = (s: Float32Array | Float64Array) => {
    let mass = 0, e = 0;
    for (let k = 0; k < cells; k++) {
      const h = s[k], u = s[cells + k], v = s[2 * cells + k];
      mass += h;
      e += 0.5 * h * (u * u + v * v) + 0.5 * h * h;
    }
    return { mass: mass / cells, energy: e / cells };
  };
  const scorer = new RolloutScorer({
    fields,
    pointsPerField: cells,
    ics,
    steps,
    summarySteps,
    energy: (s) => energy(s).energy,
    spectrum: (f) => spectrum2d(f, n, n),
    firstStep: history,
  });
  const diagnostics = new DiagnosticsTracker({ ics, steps, diagnostics: energy });
  const centers: [number, number][] = Array.from(
    { length: ics },
    (_, ic) => [0.5 + 0.13 * ic, 0.5 - 0.07 * ic],
  );
  const ref0 = new Float32Array((steps + 1) * S);
  for (let s = 0; s <= steps; s++) ref0.set(ring(n, s * DT, centers[0], 1, 0.3), s * S);
  const hov = new HovmollerRecorder({ grid, fields, steps, firstStep: history, reference: ref0 });
  const snapSteps = new Set(snapshotSteps2D(summarySteps, steps, history));
  const snapshots: Snapshot[] = [];
  const divergence = Array.from({ length: ics }, (_, ic) => ({ ic, step: null as number | null }));
  for (let ic = 0; ic < ics; ic++) {
    const initial = ring(n, 0, centers[ic], 1, 0.3);
    scorer.observeInitial(ic, initial);
    diagnostics.observeInitial(ic, initial);
    for (let s = history; s <= steps; s++) {
      if (diverge[ic] !== undefined && s >= diverge[ic]) {
        scorer.diverged(ic, s);
        diagnostics.diverged(ic, s);
        if (ic === 0) hov.diverged(s);
        divergence[ic].step = diverge[ic];
        break;
      }
      const t = s * DT;
      const y = ring(n, t, centers[ic], 1, 0.3);
      const p = ring(n, t, centers[ic], 1 + phase, 0.3 * Math.exp(-t / tau));
      scorer.observe(ic, s, p, y);
      diagnostics.observe(ic, s, p, y);
      if (ic === 0) {
        hov.observe(s, p);
        if (snapSteps.has(s)) {
          fields.forEach((field, c) =>
            snapshots.push({
              ic,
              step: s,
              field,
              pred: Array.from(p.subarray(c * cells, (c + 1) * cells), roundView),
              ref: Array.from(y.subarray(c * cells, (c + 1) * cells), roundView),
              shape: [n, n],
            })
          );
        }
      }
    }
  }
  const rows = [...scorer.rows(), ...diagnostics.rows()];
  return {
    schema: RESULT_SCHEMA,
    created: "2025-11-23T12:00:00.000Z",
    suite: {
      id: "shallow_water2d",
      version: "1.0.0",
      tier: "smoke",
      title: "2D shallow water (Saint-Venant)",
      fields,
      dt: DT,
      grid,
      spectrum: { name: "energy spectrum", x: "wavenumber k", y: "E(k)" },
      energy: "⟨½h(u² + v²) + ½h²⟩",
    },
    model: {
      name: options.name ?? "sample-mi2a",
      kind: "model",
      description: "Synthetic 2D emulator: waves run too fast and fade.",
      authors: ["A. Researcher"],
      files: [{ path: "model.onnx", sha256: "4a1d".repeat(16), bytes: 345_678 }],
      sha256: "5c2e".padEnd(64, "0"),
      form: "step",
      history,
      carry: [],
    },
    config: { ics, steps, seed: 1, backend: "wasm", batch: ics, data: "solver", summarySteps },
    environment: {
      emubench: "0.1.0",
      gitCommit: null,
      deno: "2.9.6",
      v8: "14.0",
      os: "linux",
      arch: "x86_64",
      onnxruntime: { web: "1.30.0", node: null },
      backend: "wasm",
      adapter: null,
    },
    timings: {
      modelSeconds: 1,
      metricSeconds: 0.5,
      referenceSeconds: 2,
      stepsPerSecond: 100,
      totalSeconds: 4,
    },
    rows,
    catalogue: buildCatalogue(rows.map((r) => r.metric)),
    divergence,
    snapshots,
    hovmoller: hov.result(),
  };
}

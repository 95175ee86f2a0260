/**
 * The metrics of an evaluation run with device-side reductions (`emubench run --reductions
 * device`, `harness/model/device_metrics.ts`): which metric families such a run can compute, the
 * trackers that compute them, and the record the result carries (`Result.reductions`).
 *
 * Per step only the moments (and energies) of each IC come back, plus full states at the steps
 * the computed families need (summary steps: `spectrum_pred`/`spectrum_ref`; snapshot steps).
 * So:
 *
 * - `scorer`: computed from the moments (`metrics/device_scorer.ts`): `mse`, `rmse`, `nrmse`,
 *   `dissipation`, `dispersion` (curves, quartiles, per-IC summaries, geometric means) and the
 *   summary-step spectra; not `spectrum_error` and its bands (the spectrum of every state);
 *   `energy_*` only where the suite has an `energyGraph`;
 * - `stability`: computed where the scorer has energies (it reads only their series);
 * - every other family (diagnostics, the suite's own, temporal statistics, anchors) needs every
 *   full state and is not computed; nor is the Hovmöller view (IC 0 at every step).
 *
 * @example
 * ```ts
 * import { deviceScoring } from "./device_scoring.ts";
 * import { getSuite } from "../../suites/mod.ts";
 * const d = deviceScoring(getSuite("burgers1d"), {
 *   ics: 1, steps: 2, history: 1, summarySteps: [1], seed: 0,
 * }, false);
 * if (!d.record.omitted.some((o) => o.because === "it needs the full state of every step")) {
 *   throw new Error(JSON.stringify(d.record));
 * }
 * ```
 * @module
 */
import type { Suite } from "../../suites/common/types.ts";
import {
  DeviceScorer,
  ENERGY_IDS,
  MOMENTS_PER_FIELD,
  SPECTRUM_ERROR_IDS,
} from "../../metrics/device_scorer.ts";
import { forecastFamilies } from "../../metrics/trackers.ts";
import { scorerOptions } from "../../metrics/scorer.ts";
import { STABILITY_FAMILY } from "../../metrics/stability.ts";
import type { Tracker } from "../../metrics/tracker.ts";
import type { ReductionsRecord } from "../results/schema.ts";
import { type TrackedRun, trackerContext } from "./suite_trackers.ts";
import type { ScoredRun } from "./scoring.ts";

/** The trackers of a device-reductions run and what they leave out. */
export interface DeviceScoring {
  /** The scorer fed with moments. */
  readonly scorer: DeviceScorer;
  /** What the result records (`Result.reductions`; `backend` filled by the caller). */
  readonly record: Omit<ReductionsRecord, "backend">;
  /** Step 0 of IC `ic`. */
  observeInitial(ic: number, state: Float32Array): void;
  /**
   * IC `ic`'s numbers at `step` from the device (`[flag, max|p_c| (C), moments (7C), E(pred),
   * E(ref)]`, `harness/model/device_metrics.ts`).
   */
  reduced(ic: number, step: number, values: Float32Array): void;
  /** Full states at a step the trackers need ({@link DeviceScoring.needsStep}). */
  observe(ic: number, step: number, pred: Float32Array, ref: Float32Array): void;
  /** IC `ic` diverged at `step`. */
  diverged(ic: number, step: number): void;
  /** Whether the trackers need the full states of `step`. */
  needsStep(step: number): boolean;
  /** Rows (in family order) and seconds. */
  finish(): ScoredRun;
}

/**
 * The device-reductions trackers of `run` on `suite`; `energy`: whether the device sends the
 * energies of prediction and reference (the suite's `energyGraph`).
 */
export function deviceScoring(suite: Suite, run: TrackedRun, energy: boolean): DeviceScoring {
  const C = suite.fields.length;
  const ctx = trackerContext(suite, run);
  const scorer = new DeviceScorer(scorerOptions(ctx), { energy });
  const omitted: ReductionsRecord["omitted"] = [{
    family: "scorer",
    metrics: [...SPECTRUM_ERROR_IDS, ...(energy ? [] : ENERGY_IDS)],
    because: "spectrum_error needs the spectrum of every state" +
      (energy ? "" : `; energy_* need the energy of every state and suite ${suite.id} ` +
        "declares no energyGraph"),
  }];
  const trackers: [string, Tracker][] = [["scorer", scorer]];
  for (const family of forecastFamilies(suite.trackers ?? [])) {
    if (family.key === "scorer" || !family.applies(ctx).has) continue;
    if (family === STABILITY_FAMILY && energy) {
      trackers.push([family.key, family.build(ctx, { built: new Map(trackers) })]);
      continue;
    }
    omitted.push({
      family: family.label ?? family.key,
      because: family === STABILITY_FAMILY
        ? `it needs the energy of every state and suite ${suite.id} declares no energyGraph`
        : "it needs the full state of every step",
    });
  }
  if (suite.grid.kind === "grid2d") {
    omitted.push({ family: "hovmoller", because: "it needs IC 0's state at every step" });
  }
  const summary = new Set(ctx.summarySteps);
  const m0 = 1 + C, m1 = m0 + MOMENTS_PER_FIELD * C;
  return {
    scorer,
    record: {
      where: "device",
      precision: "float32",
      note: "per-step mse, nrmse, dissipation and dispersion" +
        (energy ? " and energies" : "") +
        " were reduced on the model's backend in float32 (onnxruntime's summation order) and " +
        "finished on the host in float64; they equal a host-scored run's to float32 rounding, " +
        "not bit for bit. Families that need every full state were not computed (omitted).",
      omitted,
    },
    observeInitial: (ic, state) => scorer.observeInitial(ic, state),
    reduced: (ic, step, v) =>
      scorer.observeMoments(
        ic,
        step,
        v.subarray(m0, m1),
        energy ? [v[m1], v[m1 + 1]] : undefined,
      ),
    observe: (ic, step, pred, ref) => scorer.observe(ic, step, pred, ref),
    diverged: (ic, step) => {
      for (const [, t] of trackers) t.diverged(ic, step);
    },
    needsStep: (step) => summary.has(step),
    finish: () => ({ rows: trackers.flatMap(([, t]) => t.rows()), seconds: scorer.seconds }),
  };
}

/**
 * The trackers of a forecast run: {@link suiteTrackers} builds `metrics/trackers.ts`'s families
 * plus `suite.trackers` for a run or, from shard states, for a merge (one function, so merged
 * shards equal unsharded runs by construction). Kept apart from `./context.ts` so the scoring
 * worker (`./scoring_worker.ts`) loads only suites and metrics.
 *
 * @example
 * ```ts
 * import { suiteTrackers } from "./suite_trackers.ts";
 * import { getSuite } from "../../suites/mod.ts";
 * const t = suiteTrackers(getSuite("shallow_water2d"), {
 *   ics: 1, steps: 2, history: 1, summarySteps: [], seed: 0,
 * });
 * if (t.keys.join() !== "scorer,diagnostics,anchors") throw new Error(t.keys.join());
 * ```
 * @module
 */
import { gridSize, type Suite, type SuiteTrackerContext } from "../../suites/common/types.ts";
import {
  buildTrackers,
  type FeatureSet,
  featureSet,
  type ShardStates,
  type TrackerSet,
} from "../../metrics/tracker.ts";
import { forecastFamilies } from "../../metrics/trackers.ts";

/** A forecast run's shape, as recorded in its result (`config`, `model.history`). */
export interface TrackedRun {
  /** ICs of the whole run, N. */
  readonly ics: number;
  /** Horizon T. */
  readonly steps: number;
  /** The model's history k: its first prediction is step min(k, T). */
  readonly history: number;
  /** Summary steps within 1..T (`config.summarySteps`). */
  readonly summarySteps: readonly number[];
  /** IC seed (`config.seed`). */
  readonly seed: number;
  /** Extras of a data file, for a run (not a merge). */
  readonly data?: SuiteTrackerContext["data"];
  /**
   * ICs observed at once (the rollout's batch), for a run: {@link suiteTrackers} has the
   * trackers make their working memory for that many now (`TrackerSet.reserve`), while the run
   * is set up, instead of at the first steps. Absent: nothing is reserved.
   */
  readonly live?: number;
}

/**
 * The trackers of a forecast run of `suite` (`metrics/trackers.ts`, then `suite.trackers`);
 * with `shards`, rebuilt from their states for a merge (`RangeError` naming the shard files
 * when a state is missing, unexpected or does not fit); with `partial` too, from states of
 * some ICs (one shard's), the others unobserved: the rows that shard's own run emitted.
 */
export function suiteTrackers(
  suite: Suite,
  run: TrackedRun,
  shards?: readonly ShardStates[],
  partial = false,
): TrackerSet {
  const set = buildTrackers(
    forecastFamilies(suite.trackers ?? []),
    trackerContext(suite, run),
    shards,
    partial,
  );
  if (run.live !== undefined && !shards) set.reserve(run.live);
  return set;
}

/**
 * The reference features of a forecast run of `suite` (`metrics/tracker.ts` `featureSet`): the
 * layout of the vectors {@link suiteTrackers}' `observe` takes, and the function that computes
 * one from a reference state, for the reference cache (`harness/data/reference_features.ts`).
 *
 * @example
 * ```ts
 * import { suiteFeatures } from "./suite_trackers.ts";
 * import { getSuite } from "../../suites/mod.ts";
 * const f = suiteFeatures(getSuite("burgers1d"), { ics: 1, steps: 1, history: 1, summarySteps: [], seed: 0 });
 * if (f.slots[0].key !== "scorer" || f.size < 2) throw new Error(f.version);
 * ```
 */
export function suiteFeatures(suite: Suite, run: TrackedRun): FeatureSet {
  return featureSet(forecastFamilies(suite.trackers ?? []), trackerContext(suite, run));
}

/**
 * The trackers' view of a run of `suite` (the context every family is built with here, and the
 * device-reductions trackers too, `./device_scoring.ts`).
 *
 * @example
 * ```ts
 * import { trackerContext } from "./suite_trackers.ts";
 * import { getSuite } from "../../suites/mod.ts";
 * const run = { ics: 2, steps: 5, history: 2, summarySteps: [1, 5], seed: 0 };
 * const ctx = trackerContext(getSuite("burgers1d"), run);
 * if (ctx.pointsPerField !== 1024 || ctx.firstStep !== 2) throw new Error(JSON.stringify(ctx));
 * ```
 */
export function trackerContext(suite: Suite, run: TrackedRun): SuiteTrackerContext {
  return {
    suite,
    pointsPerField: gridSize(suite.grid),
    ics: run.ics,
    steps: run.steps,
    firstStep: Math.min(run.history, run.steps),
    summarySteps: run.summarySteps,
    seed: run.seed,
    ...(run.data ? { data: run.data } : {}),
  };
}

/** Values per state up to which {@link warmUpTrackers} runs: 4096 (the 1D suites' 1024 points). */
export const WARM_UP_MAX_VALUES = 4096;

/**
 * Run `suite`'s trackers once on a small synthetic run (2 ICs × 16 steps of smooth states, then
 * their rows) and drop it, so that a fresh isolate (the scoring worker, `./scoring_worker.ts`)
 * has compiled the trackers' code before a run's first steps and, above all, the rows code that
 * otherwise runs cold at the very end of a run, where nothing overlaps it. Only for states of at
 * most {@link WARM_UP_MAX_VALUES} values, where it costs a few tens of ms of CPU (larger states
 * cost more per step, and their steps dwarf the warm-up anyway); returns whether it ran. The
 * run's own trackers are untouched (a separate set; shared caches hold the same numbers), so its
 * rows are the same bits. Measured 2026-12-03 on burgers1d standard (`cnn1d_untrained`,
 * `--scoring worker`, native, load 1.7, 10 runs each): the wait for the worker's rows after the
 * last step 94 → 73 ms (median), the run's CPU about 2.6 → 2.4 s.
 *
 * @example
 * ```ts
 * import { warmUpTrackers } from "./suite_trackers.ts";
 * import { getSuite } from "../../suites/mod.ts";
 * const run = { ics: 32, steps: 200, history: 1, summarySteps: [1, 200], seed: 0 };
 * if (!warmUpTrackers(getSuite("burgers1d"), run)) throw new Error("1D: warmed up");
 * if (warmUpTrackers(getSuite("shallow_water2d"), run)) throw new Error("2D: left alone");
 * ```
 */
export function warmUpTrackers(suite: Suite, run: TrackedRun): boolean {
  const x = gridSize(suite.grid), n = suite.fields.length * x;
  if (n > WARM_UP_MAX_VALUES) return false;
  const steps = 16, ics = 2;
  const set = suiteTrackers(suite, {
    ics,
    steps,
    history: 1,
    summarySteps: [1, steps],
    seed: run.seed,
  });
  const y = new Float32Array(n), p = new Float32Array(n);
  const state = (ic: number, step: number) => {
    for (let j = 0; j < n; j++) {
      y[j] = 1 + 0.5 * Math.sin((2 * Math.PI * (j % x)) / x + ic + 0.1 * step);
      p[j] = y[j] + 0.01 * Math.cos(j + step);
    }
  };
  for (let ic = 0; ic < ics; ic++) {
    state(ic, 0);
    set.observeInitial(ic, y);
  }
  for (let step = 1; step <= steps; step++) {
    for (let ic = 0; ic < ics; ic++) {
      state(ic, step);
      set.observe(ic, step, p, y);
    }
  }
  set.rows();
  return true;
}

/**
 * One evaluation, as a library call: resolve the suite and model, validate, obtain the
 * reference (cached solver output or a data file), roll out, stream metrics, and write the
 * result (and optionally trajectories) atomically. The CLI is a thin layer over this.
 *
 * @module
 */
import { described } from "../results/describe.ts";
import { notComputed } from "../results/reductions.ts";
import { gridShape, gridSize, type Suite, type TierName } from "../../suites/common/types.ts";
import { type BackendChoice, openBackend } from "../onnx/backend.ts";
import { ValueRangeError } from "../core/errors.ts";
import {
  checkHistoryFits,
  closeSessions,
  type DivergenceReason,
  openSessions,
  rollout,
} from "../model/rollout.ts";
import type { LoadedDataset } from "../data/dataset.ts";
import type { ModelBytes } from "../model/bytes.ts";
import type { WebRuntimeOptions } from "../onnx/backend.ts";
import {
  type ReferenceGenerator,
  referenceSourceFromStore,
  type ReferenceStore,
} from "../data/reference_store.ts";
import {
  arrayReferenceSource,
  type FeatureSource,
  readWholeReference,
  type ReferenceSource,
  sliceFeatureSource,
  sliceReferenceSource,
} from "../data/reference_source.ts";
import { featuredReference, referenceFeatures } from "../data/reference_features.ts";
import { suiteFeatures } from "./suite_trackers.ts";
import type { RuntimeRecord } from "./environment.ts";
import {
  hashModelFiles,
  modelBlock,
  planOrThrow,
  privateSeedHash,
  resolveModel,
  resolveSuite,
  resultHeader,
  tierAndSeed,
} from "./context.ts";
import { HovmollerRecorder, roundView, snapshotSteps2D } from "./views2d.ts";
import {
  featuresPayOff,
  openScoring,
  type ScoredRun,
  type Scoring,
  type ScoringMode,
  scoringWhere,
} from "./scoring.ts";
import { type DeviceScoring, deviceScoring } from "./device_scoring.ts";
import { deviceReductionsBlocker, openDeviceReductions } from "../model/device_metrics.ts";
import { defaultCacheDir } from "../data/cache_dir.ts";
import { positiveInt } from "../core/checks.ts";
import type { Divergence, Result, Snapshot } from "../results/schema.ts";
import type { ShardResult, ShardSpec } from "./shard.ts";
import { sha256Float32 } from "../core/hash.ts";

/**
 * The files a run's output set owns in `outDir` (`harness/core/atomic.ts`): a new run replaces
 * all of them, so an old `pred.npy` never sits beside a new `result.json`. Other files there
 * (shard files, a user's notes) are kept.
 */
export const RUN_OUTPUT_FILES: readonly string[] = [
  "result.json",
  "report.html",
  "pred.npy",
  "ref.npy",
];

/** Options of {@link evaluate}; CLI flags map one to one. */
export interface EvaluateOptions {
  /** A registered suite id (`"burgers1d"`) or a `Suite` object (e.g. a user-defined suite). */
  suite: string | Suite;
  /**
   * A path to a `.onnx` file or model directory, `baseline:NAME`, or the model's files as bytes
   * (one graph, or `emulator.json` and its graphs: `harness/model/bytes.ts`).
   */
  model: string | ModelBytes;
  tier?: TierName;
  backend?: BackendChoice;
  ics?: number;
  steps?: number;
  seed?: number;
  /**
   * A leaderboard's private test seed (the CLI reads `EMUBENCH_TEST_SEED`): the ICs come from it,
   * and the result records only its SHA-256 (`config.seed: null`, `config.privateSeedSha256`).
   */
  privateSeed?: number;
  /** Read ICs and reference from this file instead of the built-in solver. */
  data?: string;
  /** Directory for result.json (and pred.npy/ref.npy); nothing is written when absent. */
  outDir?: string;
  saveTrajectories?: boolean;
  /**
   * Evaluate only shard `index` of `count` (1-based; `harness/tasks/shard.ts`): write
   * `shard-K-of-N.json` instead of result.json, for `emubench merge`.
   */
  shard?: ShardSpec;
  /** Reference cache directory (default `defaultCacheDir()`: `$EMUBENCH_CACHE`, `$XDG_CACHE_HOME/emubench` or `~/.cache/emubench`). */
  cacheDir?: string;
  /**
   * Where references are kept (`harness/data/reference_store.ts`); default the Zarr directory
   * cache at `cacheDir`. A browser passes its IndexedDB store.
   */
  referenceStore?: ReferenceStore;
  /**
   * Computes a reference cache miss (default: the ICs on a pool of workers,
   * `./pooled_reference.ts`); a browser passes `sequentialReference`.
   */
  generateReference?: ReferenceGenerator;
  /** What runs the evaluation, for the result's `environment` (default: this Deno). */
  runtime?: RuntimeRecord;
  /** onnxruntime-web's wasm location and threads (browsers). */
  web?: WebRuntimeOptions;
  /**
   * More files of the output set, by name (e.g. `report.html` from the CLI, which may use the
   * report layer): each writer gets the staging path and the result, and the files appear in
   * `outDir` together with `result.json` or not at all.
   */
  extraOutputs?: Record<string, (path: string, result: Result) => Promise<void>>;
  /** Largest batch of ICs per session.run. */
  batch?: number;
  /**
   * Where the metrics are computed (`./scoring.ts`): `"auto"` (default: on a worker thread beside
   * the model for registered suites and runs of at least `AUTO_WORKER_MIN_VALUES` state values,
   * else in this thread), `"worker"` or `"inline"`. The rows are the same bits either way.
   */
  scoring?: ScoringMode;
  /**
   * Read the reference features (what the metric families compute from the reference alone:
   * spectra, energy, diagnostics) from the reference's store, computing and storing them on an
   * unsharded run where they are not there yet (`harness/data/reference_features.ts`). `true`:
   * wherever the store can; `false`: never; default: where they pay off
   * ({@link featuresPayOff}). The rows are the same bits either way.
   */
  referenceFeatures?: boolean;
  /**
   * Add the cost–accuracy frontier against the suite's solver ladder (`./frontier.ts`,
   * `Result.frontier`); `trainingSeconds` adds the break-even number of rollouts. Rows are the
   * same with or without it. Refused with `shard` and for a suite without a ladder.
   */
  frontier?: { trainingSeconds?: number };
  /**
   * Where the per-step reductions run: `"host"` (default: every full state is read back and
   * scored on the host in float64, every family) or `"device"`: a moments graph (and the suite's
   * `energyGraph`) on the model's backend next to the model, reading back per IC and step only
   * the reduced numbers, and full states only at summary steps (`./device_scoring.ts` says which
   * families that computes; the result's `reductions` records what was left out). Refused
   * (`ValueRangeError`) with `shard`, `saveTrajectories`, `frontier`, `scoring: "worker"`, and
   * for a model that normalizes its state or runs in float16. Runs on every backend; it saves
   * device→host traffic only on webgpu.
   */
  reductions?: "host" | "device";
  /** Progress of a phase: `reference`, `rollout`. */
  progress?: (phase: string, done: number, total: number) => void;
  /** One-line status messages. */
  log?: (message: string) => void;
}

/** A finished evaluation. */
export interface Evaluation {
  result: Result;
  /** Files written (empty when no outDir). */
  files: {
    result?: string;
    pred?: string;
    ref?: string;
    shard?: string;
    /** Files written by {@link EvaluateOptions.extraOutputs}, by name. */
    extra?: Record<string, string>;
  };
  /** With `shard`: the shard file's content (`result` then covers only the shard's ICs). */
  shard?: ShardResult;
}

export {
  hashModel,
  modelBlock,
  planOrThrow,
  resolveModel,
  resolveSuite,
  suiteBlock,
  tierAndSeed,
} from "./context.ts";

/**
 * Refuse `ics` × `steps` whose reference trajectory (float32, `ics × (steps + 1) × values`)
 * would not fit in this machine's memory, or in one typed array, before anything is allocated:
 * a `ValueRangeError` naming `--ics`/`--steps` instead of minutes of swapping or a crash.
 *
 * @example
 * ```ts
 * import { checkReferenceFits } from "./run.ts";
 * checkReferenceFits(4, 20, 1024);
 * let msg = "";
 * try { checkReferenceFits(4, 2e9, 1024); } catch (e) { msg = String(e); }
 * if (!msg.includes("--steps")) throw new Error(msg);
 * ```
 */
export function checkReferenceFits(ics: number, steps: number, values: number): void {
  const elements = ics * (steps + 1) * values;
  // In a browser there is no Deno: navigator.deviceMemory (GiB, Chromium) or a cautious 4 GiB.
  const memory = typeof Deno !== "undefined"
    ? Deno.systemMemoryInfo().total
    : ((globalThis.navigator as { deviceMemory?: number } | undefined)?.deviceMemory ?? 4) *
      2 ** 30;
  const bytes = elements * 4;
  // V8's largest typed array holds 2^32 - 1 elements; the reference is one Float32Array.
  if (elements > 2 ** 32 - 1 || bytes > memory / 2) {
    throw new ValueRangeError({
      field: "--ics/--steps",
      expected: `a reference that fits in memory (at most half of ${
        (memory / 2 ** 30).toFixed(1)
      } GiB, and 2^32 - 1 values)`,
      found: `--ics ${ics} × --steps ${steps} × ${values} values per state = ${
        (bytes / 2 ** 30).toPrecision(3)
      } GiB`,
    });
  }
}

/**
 * The result record of IC `ic`'s divergence: `{ic, step}` plus, where it diverged, the reason
 * (and for `bound` what left it).
 *
 * @example
 * ```ts
 * import { divergenceRecord } from "./run.ts";
 * const d = divergenceRecord(3, 7, { kind: "bound", detail: "max|u| 20 > 10 × 1 (reference max)" });
 * if (d.reason !== "bound" || divergenceRecord(0, null, null).reason !== undefined) throw new Error();
 * ```
 */
export function divergenceRecord(
  ic: number,
  step: number | null,
  reason: DivergenceReason | null | undefined,
): Divergence {
  if (step === null) return { ic, step };
  return reason?.kind === "bound"
    ? { ic, step, reason: "bound", detail: reason.detail }
    : { ic, step, reason: "nonfinite" };
}

/**
 * Tier and seed of a run on a private test seed: `--seed` and `--shard` are refused with it
 * (a shard merge would need the seed in its files), as is `--data` (the file fixes the ICs).
 */
function privateRun(suite: Suite, o: EvaluateOptions): ReturnType<typeof tierAndSeed> {
  for (const [flag, given] of [["--seed", o.seed], ["--shard", o.shard], ["--data", o.data]]) {
    if (given !== undefined) {
      throw new ValueRangeError({
        field: String(flag),
        expected: "not given with a private test seed (EMUBENCH_TEST_SEED)",
        found: "both",
      });
    }
  }
  return tierAndSeed(suite, o.tier, o.privateSeed);
}

/**
 * Whether `o` asks for device-side reductions, refusing (`ValueRangeError`, field
 * `--reductions`) the options they cannot serve: `shard` (a merge would need the device scorer's
 * state), `saveTrajectories` (every state is read back anyway) and `frontier`.
 */
function checkReductions(o: EvaluateOptions): boolean {
  const r = o.reductions ?? "host";
  if (r !== "host" && r !== "device") {
    throw new ValueRangeError({ field: "--reductions", expected: "host or device", found: r });
  }
  if (r === "host") return false;
  const clash = o.shard
    ? ["--shard", "a merge of shards needs every family's state; run unsharded"]
    : o.saveTrajectories
    ? ["--save-trajectories", "it reads every state back; score those on the host"]
    : o.frontier
    ? ["--frontier", "the frontier scores the ladder's rungs on the host"]
    : o.scoring === "worker"
    ? ["--scoring worker", "device reductions leave the host too little to hand to a worker"]
    : undefined;
  if (clash) {
    throw new ValueRangeError({
      field: "--reductions",
      expected: `host with ${clash[0]} (${clash[1]})`,
      found: `device with ${clash[0]}`,
    });
  }
  return true;
}

/** {@link Scoring} of a device-reductions run: its trackers, in this thread. */
function inlineDevice(d: DeviceScoring): Scoring {
  return {
    where: "inline",
    observeInitial: (ic, state) => d.observeInitial(ic, state),
    observe: (ic, step, pred, ref) => d.observe(ic, step, pred, ref),
    diverged: (ic, step) => d.diverged(ic, step),
    settle: () => Promise.resolve(),
    ready: () => Promise.resolve(),
    finish: () => Promise.resolve(d.finish()),
    close: () => {},
  };
}

/** Run one evaluation end to end. */
export async function evaluate(o: EvaluateOptions): Promise<Evaluation> {
  const t0 = performance.now();
  const log = o.log ?? (() => {});
  const suite = resolveSuite(o.suite);
  const { tierName, tier, seed } = o.privateSeed === undefined
    ? tierAndSeed(suite, o.tier, o.seed)
    : privateRun(suite, o);
  const privateSeedSha256 = o.privateSeed === undefined
    ? undefined
    : await privateSeedHash(o.privateSeed);
  // Checked before any work: a bad --batch solves no reference.
  const maxBatch = positiveInt(o.batch, "--batch") ?? 32;
  if (o.shard && o.saveTrajectories) {
    throw new ValueRangeError({
      field: "--save-trajectories",
      expected: "no --shard (trajectories are written by unsharded runs only)",
      found: `--shard ${o.shard.index}/${o.shard.count}`,
    });
  }
  // --frontier: refused before any work for a suite without a ladder or a sharded run.
  const frontierTask = o.frontier ? await import("./frontier.ts") : undefined;
  if (o.frontier) {
    frontierTask!.ladderOrThrow(suite);
    if (o.shard) {
      throw new ValueRangeError({
        field: "--frontier",
        expected: "an unsharded run (the frontier scores every rung on every IC)",
        found: `--shard ${o.shard.index}/${o.shard.count}`,
      });
    }
    const t = o.frontier.trainingSeconds;
    if (t !== undefined && !(Number.isFinite(t) && t >= 0)) {
      throw new ValueRangeError({
        field: "--training-cost",
        expected: "a number of seconds ≥ 0",
        found: String(t),
      });
    }
  }
  const onDevice = checkReductions(o);
  if (o.outDir) await (await import("../core/safe_file.ts")).checkOutputDir(o.outDir);
  const model = await resolveModel(o.model, suite);
  const plan = planOrThrow(model, suite);
  if (onDevice) {
    const why = deviceReductionsBlocker({
      normalize: Boolean(model.manifest.normalize),
      dtype: plan.dtype,
    });
    if (why) {
      throw new ValueRangeError({
        field: "--reductions",
        expected: "host for this model (device needs a float32 model without normalize)",
        found: `device, but ${why}`,
      });
    }
  }
  const hashed = await hashModelFiles(model);

  // Ground truth.
  const tr = performance.now();
  const X = gridSize(suite.grid), S = suite.fields.length * X; // values per field, per state
  /** The run as its trackers see it (once N, T and the data are known). */
  const tracked = () => ({
    ics: N,
    steps: T,
    history: plan.history,
    summarySteps: suite.summarySteps.filter((s) => s <= T),
    seed,
    data: { startHours, latLon },
    // ICs observed at once: the rollout's batch (below), whose working memory the trackers make
    // during the set-up.
    live: Math.min(N, plan.batch === "dynamic" ? maxBatch : plan.batch),
  });
  // The scoring opens as soon as the run it tracks is known (N, T and a data file's dates), before
  // the reference and the sessions: a worker loads its suite, warms up and builds its trackers
  // meanwhile. Device reductions score inline, with trackers of the opened reductions (below).
  let scoring: Scoring | undefined, opened = 0;
  const openEarly = () => {
    if (onDevice) return;
    opened = performance.now();
    scoring = openScoring(suite, tracked(), o.scoring);
  };
  // Closed on every way out of this function (a failed reference, backend or session too), so no
  // worker is left running; after the rollout's own close this does nothing.
  using _closeScoring = { [Symbol.dispose]: () => scoring?.close() };
  // The reference by step windows (the cache's chunk files, or a data file's array); whole
  // (`reference`) only where a caller needs every step at once: data files, --save-trajectories,
  // --frontier.
  let N: number, T: number, source: ReferenceSource, dataSource: string;
  let reference: Float32Array | undefined;
  let dataSha: string | undefined;
  let features: FeatureSource | undefined; // the reference's features, where its store has them
  let startHours: number[] | undefined; // dated data: hours since 1 Jan of each IC
  let latLon: LoadedDataset["latLon"]; // lat-lon data as a suite reader read it
  if (o.data) {
    const { loadDataset } = await import("../data/dataset.ts");
    const ds = await loadDataset(o.data, suite, {
      ics: positiveInt(o.ics, "--ics"),
      steps: positiveInt(o.steps, "--steps"),
    });
    ({ count: N, steps: T, reference, startHours, latLon } = ds);
    source = arrayReferenceSource(reference, N, T, S);
    dataSource = ds.note ? `${o.data} (${ds.note})` : o.data;
    openEarly();
  } else {
    N = positiveInt(o.ics, "--ics") ?? tier.ics;
    T = positiveInt(o.steps, "--steps") ?? tier.steps;
    checkReferenceFits(N, T, S);
    // Before the reference is solved: a history window longer than the horizon cannot run.
    checkHistoryFits(model, plan.history, T);
    openEarly();
    log(`reference: ${suite.id} v${suite.version}, ${N} ICs × ${T} steps (seed ${seed})`);
    const store = o.referenceStore ??
      (await import("../data/reference_cache.ts")).fileReferenceStore(
        o.cacheDir ?? defaultCacheDir(),
      );
    const ref = await referenceSourceFromStore(store, suite, { seed, ics: N, steps: T }, {
      progress: (d, t) => o.progress?.("reference", d, t),
      icProgress: (d, t) => o.progress?.("initial conditions", d, t),
      generate: o.generateReference ?? (await import("./pooled_reference.ts")).pooledReference(),
      log,
    });
    source = ref.source;
    if (o.saveTrajectories || o.frontier) reference = await readWholeReference(source);
    dataSha = ref.sha256;
    // Device reductions compute the scorer's rows from moments: no use for features there.
    const layout = o.referenceFeatures !== false && !onDevice
      ? suiteFeatures(suite, tracked())
      : undefined;
    // By default they go where they pay (featuresPayOff: not large ones to a scoring worker).
    const unpaid = layout !== undefined && o.referenceFeatures === undefined &&
      !featuresPayOff(layout.size, S, scoringWhere(suite, tracked(), o.scoring));
    if (unpaid) {
      log(
        `reference features: not used (${layout.size} float64 per state of ${S} values: on ` +
          `the scoring worker, shipping them costs more than computing them)`,
      );
    } else if (layout) {
      const got = layout.size > 0
        ? await referenceFeatures(store, suite, { seed, ics: N, steps: T }, ref, layout, {
          log,
          compute: !o.shard,
        })
        : null;
      features = got?.source;
      if (got) {
        const how = got.cached
          ? "read"
          : got.stored
          ? "computed and stored"
          : "computed, not stored";
        log(`reference features: ${how} (${layout.version}, ${got.seconds.toFixed(2)} s)`);
      }
    }
    dataSource = ref.cached
      ? `solver (cache hit, sha256 ${ref.sha256.slice(0, 12)})`
      : `solver (sha256 ${ref.sha256.slice(0, 12)})`;
  }
  const referenceSeconds = (performance.now() - tr) / 1000;
  const batch = plan.batch === "dynamic" ? Math.min(maxBatch, N) : plan.batch;
  // Shards, output files and data files need the file system: loaded only where used.
  const sharding = o.shard ? await import("./shard.ts") : undefined;
  const part = o.shard ? sharding!.shardRange(o.shard, N, batch) : { first: 0, count: N };

  // Backend and sessions.
  const backend = await openBackend(o.backend ?? "auto", o.web);
  log(
    `model: ${model.manifest.name} (${plan.form}, history ${plan.history}) on ${backend.name}${
      backend.adapter ? ` [${backend.adapter}]` : ""
    }`,
  );
  const sessions = await openSessions(backend, model, plan, 2 + gridShape(suite.grid).length);
  const reductions = onDevice
    ? await openDeviceReductions(
      backend,
      suite.fields.length,
      gridShape(suite.grid),
      suite.energyGraph?.(),
    ).catch(async (e) => {
      await closeSessions(sessions);
      throw e;
    })
    : undefined;
  if (reductions) {
    log(
      `reductions on the device (${backend.name}${
        backend.adapter ? ` [${backend.adapter}]` : ""
      }, float32)${reductions.energy ? ` with ${suite.id}.energyGraph` : ""}` +
        (backend.deviceResident ? "" : "; on this backend that saves no device→host traffic"),
    );
  }

  // Streaming metrics, snapshots and optional trajectories.
  const summarySteps = suite.summarySteps.filter((s) => s <= T);
  // Every metric family of the suite (metrics/trackers.ts, Suite.trackers): the same function
  // builds them for a merge of shards (./shard.ts), so merged rows equal unsharded ones.
  const trackedRun = tracked();
  const device = reductions ? deviceScoring(suite, trackedRun, reductions.energy) : undefined;
  if (device) {
    log(
      `not computed with device reductions (result.json reductions.omitted): ${
        notComputed({ ...device.record, backend: "" }).join(", ")
      }`,
    );
  }
  const trackers = device ? inlineDevice(device) : scoring!;
  // The reference read together with its features, which go to the trackers with each state.
  const partSource = sliceReferenceSource(source, part.first, part.count);
  const featured = features &&
    featuredReference(partSource, sliceFeatureSource(features, part.first, part.count));
  // 2D grids: snapshots at two steps (values rounded for plots) and a Hovmöller line of IC 0.
  // Sphere (HEALPix) fields are maps too: two steps, rounded, tagged with their grid.
  const grid2d = suite.grid.kind === "grid2d" ? suite.grid : undefined;
  const healpix = suite.grid.kind === "healpix" ? suite.grid : undefined;
  const snapshotSteps = new Set(
    grid2d || healpix
      ? snapshotSteps2D(summarySteps, T, plan.history)
      : [...summarySteps, T].filter((s) => s >= 1),
  );
  const snapshotValues = (a: Float32Array) =>
    grid2d || healpix ? Array.from(a, (v) => roundView(v)) : Array.from(a);
  const hovmoller = grid2d && part.first === 0 && part.count > 0 && !device
    ? await HovmollerRecorder.fromSource({
      grid: grid2d,
      fields: suite.fields,
      steps: T,
      firstStep: plan.history,
    }, source)
    : undefined;
  const snapshots: Snapshot[] = [];
  const pred = o.saveTrajectories ? new Float32Array(N * (T + 1) * S).fill(NaN) : undefined;
  if (pred) {
    // Steps the model does not predict (IC and history window) come from the reference.
    const head = await source.window(0, N, 0, plan.history);
    for (let i = 0; i < N; i++) {
      pred.set(
        head.subarray(i * plan.history * S, (i + 1) * plan.history * S),
        i * (T + 1) * S,
      );
    }
  }
  let stats: Awaited<ReturnType<typeof rollout>>, scored: ScoredRun;
  const setUpMs = performance.now() - opened;
  try {
    stats = await rollout({
      sessions,
      channels: suite.fields.length,
      shape: gridShape(suite.grid),
      count: part.count,
      reference: featured?.source ?? partSource,
      // The bound's pass and the history window read the states alone: the features are read
      // once, with the windows the trackers are handed.
      referenceStates: partSource,
      refSteps: T,
      steps: T,
      maxBatch,
      bound: suite.divergenceBound && { ...suite.divergenceBound, fields: suite.fields },
      // Dates of the ICs, for day_of_year / hour conditioning inputs (Suite.startHours).
      startHours: (startHours ?? suite.startHours?.(N, seed))?.slice(
        part.first,
        part.first + part.count,
      ),
      ...(reductions ? { stepMetrics: reductions.stepMetrics } : {}),
      observer: {
        ...(device
          ? {
            reduced: (i: number, n: number, v: Float32Array) =>
              device.reduced(part.first + i, n, v),
            needsStep: (n: number) => device.needsStep(n) || snapshotSteps.has(n),
          }
          : {}),
        initial: (i, state) => trackers.observeInitial(part.first + i, state),
        step: (i, n, p, y) => {
          const ic = part.first + i;
          trackers.observe(ic, n, p, y, featured?.at(i, n));
          if (ic === 0) hovmoller?.observe(n, p);
          pred?.set(p, (ic * (T + 1) + n) * S);
          if (ic === 0 && snapshotSteps.has(n)) {
            suite.fields.forEach((field, c) =>
              snapshots.push({
                ic,
                step: n,
                field,
                pred: snapshotValues(p.subarray(c * X, (c + 1) * X)),
                ref: snapshotValues(y.subarray(c * X, (c + 1) * X)),
                ...(grid2d ? { shape: [grid2d.ny, grid2d.nx] } : {}),
                ...(healpix
                  ? { healpix: { nside: healpix.nside, ordering: healpix.ordering } }
                  : {}),
              })
            );
          }
        },
        diverged: (i, n) => {
          trackers.diverged(part.first + i, n);
          if (part.first + i === 0) hovmoller?.diverged(n);
        },
        settle: () => trackers.settle(),
      },
      progress: (d, t) => o.progress?.("rollout", d, t),
    });
    scored = await trackers.finish(
      o.shard ? Array.from({ length: part.count }, (_, i) => part.first + i) : undefined,
    );
  } finally {
    trackers.close();
    await reductions?.close();
  }
  // The worker's own clock: this thread may get to its message late (a blocking session open).
  const readyMs = trackers.readyAt === undefined
    ? undefined
    : trackers.readyAt - (performance.timeOrigin + opened);
  if (trackers.where === "worker" && readyMs !== undefined) {
    log(
      `scoring worker ready after ${readyMs.toFixed(0)} ms of a ${setUpMs.toFixed(0)} ms ` +
        `set-up (from its start to the rollout's${
          readyMs <= setUpMs ? "" : "; the rollout started first, its states queued in the ring"
        })`,
    );
  }
  const rows = scored.rows;
  let frontier: Result["frontier"];
  if (frontierTask) {
    try {
      frontier = await frontierTask.measureFrontier({
        suite,
        tier: o.data ? "data" : tierName,
        backend,
        sessions,
        modelLabel: model.manifest.name,
        modelRows: rows,
        modelDiverged: stats.divergence.filter((d) => d !== null).length,
        reference: reference!,
        ics: N,
        steps: T,
        summarySteps,
        seed,
        maxBatch,
        bound: suite.divergenceBound && { ...suite.divergenceBound, fields: suite.fields },
        cacheDir: o.referenceStore ? o.cacheDir : o.cacheDir ?? defaultCacheDir(),
        trainingSeconds: o.frontier!.trainingSeconds,
        log,
        progress: o.progress,
      });
    } catch (e) {
      await closeSessions(sessions);
      throw e;
    }
  }
  await closeSessions(sessions);
  const diverged = stats.divergence.filter((d): d is number => d !== null);
  if (diverged.length > 0) {
    const bound = stats.reasons.filter((r) => r?.kind === "bound").length;
    log(
      `${diverged.length} of ${part.count} ICs diverged (first at step ${Math.min(...diverged)}; ${
        diverged.length - bound
      } NaN/Inf, ${bound} beyond the suite's bound); their errors ` +
        "from that step on are reported as missing",
    );
  }

  const result: Result = described(suite, {
    ...await resultHeader({
      suite,
      tier: o.data ? "data" : tierName,
      model: modelBlock(model, plan, hashed.files, hashed.sha256),
      backend,
      runtime: o.runtime,
      config: {
        ics: N,
        steps: T,
        ...(privateSeedSha256 ? { seed: null, privateSeedSha256 } : { seed }),
        backend: o.backend ?? "auto",
        batch,
        data: dataSource,
        summarySteps,
      },
    }),
    timings: {
      modelSeconds: stats.modelSeconds,
      metricSeconds: scored.seconds,
      referenceSeconds,
      stepsPerSecond: stats.stepsPerSecond,
      totalSeconds: (performance.now() - t0) / 1000,
    },
    rows,
    divergence: stats.divergence.map((step, i) =>
      divergenceRecord(part.first + i, step, stats.reasons[i])
    ),
    snapshots,
    ...(hovmoller ? { hovmoller: hovmoller.result() } : {}),
    ...(frontier ? { frontier } : {}),
    ...(device
      ? {
        reductions: {
          ...device.record,
          backend: `${backend.name}${backend.adapter ? ` [${backend.adapter}]` : ""}`,
        },
      }
      : {}),
  });
  const written: Evaluation["files"] = {};
  const { join } = o.outDir ? await import("node:path") : { join: (..._: string[]) => "" };
  const { writeFileAtomic } = o.outDir
    ? await import("../core/atomic.ts")
    : { writeFileAtomic: undefined };
  if (o.shard) {
    const { shardFileName, shardResult } = sharding!;
    const shard = shardResult(result, o.shard, part, { toStates: () => scored.states ?? {} }, {
      referenceSha256: dataSha ?? await sha256Float32(reference!),
      rolloutSeconds: stats.wallSeconds,
    });
    if (o.outDir) {
      written.shard = join(o.outDir, shardFileName(o.shard));
      await writeFileAtomic!(written.shard, JSON.stringify(shard, null, 1));
    }
    return { result, files: written, shard };
  }
  if (o.outDir) {
    // One output set (harness/core/atomic.ts): all files appear together or not at all.
    const { writeResultSet } = await import("./output_set_files.ts");
    Object.assign(
      written,
      await writeResultSet(o.outDir, RUN_OUTPUT_FILES, {
        result,
        ...(pred
          ? {
            arrays: {
              pred,
              ref: reference!,
              shape: [N, T + 1, suite.fields.length, ...gridShape(suite.grid)],
            },
          }
          : {}),
        ...(o.extraOutputs ? { extra: o.extraOutputs } : {}),
      }),
    );
  }
  return { result, files: written };
}

/**
 * `deno task bench`: throughput of a realistic 1D CNN (the untrained `cnn1d_untrained`
 * baseline: 4 periodic conv layers, 32 channels, kernel 5, on 1024 points) per backend, and
 * the harness's overhead against a bare `session.run` loop on the same model.
 *
 * Method: for each backend, the variants below run interleaved (the order rotating every round)
 * for `--rounds` rounds of `--steps` steps (default: the suite's standard-tier horizon) at batch `--batch` (default 32 on
 * 1D grids, 4 on 2D ones); the table reports medians over rounds and the share of bare
 * throughput kept, per round, as the ratio of variants measured side by side.
 *
 * - bare: `session.run`, read the output to the host, feed it back (what any user loop does);
 * - engine: emubench's rollout with a no-op observer (windowing, readback, NaN scan);
 * - engine+metrics inline: every metric family of the suite (`suiteTrackers`, as `emubench run`
 *   scores: mse/nrmse, split, energy, spectra, diagnostics, stability, temporal, anchors), per
 *   IC·step, in the thread that runs the model (`--scoring inline`);
 * - engine+metrics worker: the same trackers on a worker thread (`harness/tasks/scoring.ts`,
 *   `--scoring worker`), its start (loading the suite, warming up, building the trackers)
 *   counted in every round, as a run that opened it with the rollout would pay it once;
 * - engine+metrics worker, started during set-up: the same, the worker opened before the clock
 *   starts and its `ready()` awaited, as `emubench run` opens it (`evaluate()` starts it before
 *   reading the reference and opening the sessions, so its start overlaps that set-up);
 * - engine+metrics worker, cached features: the same, handed the reference features
 *   (`harness/tasks/suite_trackers.ts` `suiteFeatures`: the reference's spectra, energy and
 *   diagnostics), as `emubench run` does once a reference's features are in the cache, where
 *   they pay off on the worker (`featuresPayOff` in `harness/tasks/scoring.ts`: the 2D suites
 *   and era5, not the 1D ones); computed before the timed rounds, as the cache holds them.
 * - engine+metrics, device reductions (`--reductions device`, `harness/model/device_metrics.ts`):
 *   the moments graph (and the suite's energy graph) on the backend at every step, the reference
 *   step uploaded, `B × (1 + 8C)` numbers read back, full states only at summary steps; the
 *   families `harness/tasks/device_scoring.ts` computes from them. Its graphs are built and
 *   loaded once per backend, outside the timed rounds (a run pays that once).
 *
 * `--suite` picks the suite (default burgers1d) and `--model` a baseline (default
 * `cnn1d_untrained` on 1D suites, `unet_untrained` on jet2d). 2D suites take their ICs and
 * reference from the smoke-tier reference cache (ICs repeated to fill the batch); the timed steps
 * score against those states. CPU time (the whole process) is reported beside wall time: on a
 * shared machine the wall-time ratio is noisy, and the CPU time the metrics add is what they cost.
 * `--json` adds a last line `JSON: {...}` with the same figures, for `speed_table.ts`.
 * @module
 */
import { parseArgs } from "node:util";
import { getSuite, gridSize } from "../../suites/mod.ts";
import { getBaseline } from "../../baselines/mod.ts";
import { type BackendName, nativeAvailable, openBackend, probeAdapter } from "../onnx/backend.ts";
import { planOrThrow } from "../tasks/run.ts";
import { suiteFeatures } from "../tasks/suite_trackers.ts";
import { featuresPayOff } from "../tasks/scoring.ts";
import { closeSessions, openSessions, rollout } from "../model/rollout.ts";
import process from "node:process";
import { gridShape } from "../../suites/mod.ts";
import { openScoring } from "../tasks/scoring.ts";
import { defaultCacheDir, loadOrGenerateReference } from "../data/reference_cache.ts";
import { pooledReference } from "../tasks/pooled_reference.ts";
import { openDeviceReductions } from "../model/device_metrics.ts";
import { deviceScoring } from "../tasks/device_scoring.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    batch: { type: "string" },
    steps: { type: "string" },
    rounds: { type: "string", default: "5" },
    backends: { type: "string" },
    suite: { type: "string", default: "burgers1d" },
    model: { type: "string" },
    "no-solver": { type: "boolean", default: false },
    json: { type: "boolean", default: false },
  },
});
const suite = getSuite(values.suite!);
// Defaults: the standard tier's horizon (a run's length, over which a scoring worker's start is
// paid once), batch 32 on 1D grids and 4 on 2D ones.
const B = Number(values.batch ?? (gridShape(suite.grid).length === 1 ? 32 : 4));
const T = Number(values.steps ?? suite.tiers.standard.steps), R = Number(values.rounds);
const X = gridSize(suite.grid), C = suite.fields.length, S = C * X, shape = gridShape(suite.grid);
const modelId = values.model ?? (shape.length === 1 ? "cnn1d_untrained" : "unet_untrained");
const model = await getBaseline(modelId, suite.id).build(suite);
const plan = planOrThrow(model, suite);
let ics: Float32Array;
if (shape.length === 1) {
  ics = suite.initialConditions(B, suite.seed);
} else {
  const smoke = suite.tiers.smoke;
  const cached = await loadOrGenerateReference(suite, {
    seed: suite.seed,
    ics: smoke.ics,
    steps: smoke.steps,
  }, { cacheDir: defaultCacheDir(), generate: pooledReference() });
  ics = new Float32Array(B * S);
  for (let i = 0; i < B; i++) {
    ics.set(cached.ics.subarray((i % smoke.ics) * S, (i % smoke.ics + 1) * S), i * S);
  }
}
// The reference only has to supply the IC and shapes here; metrics compare against step 0.
const reference = new Float32Array(B * (T + 1) * S);
for (let i = 0; i < B; i++) {
  for (let t = 0; t <= T; t++) {
    reference.set(ics.subarray(i * S, (i + 1) * S), (i * (T + 1) + t) * S);
  }
}
const summarySteps = suite.summarySteps.filter((s) => s <= T);
const cpuMs = () => {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1000;
};

const available: BackendName[] = [];
if (await nativeAvailable()) available.push("native");
available.push("wasm");
const adapter = await probeAdapter();
// A software adapter (llvmpipe) takes many minutes here and says nothing about GPUs: only on request.
if (adapter && !adapter.fallback) available.push("webgpu");
else if (adapter && !values.backends) {
  console.log(
    `webgpu skipped: ${adapter.description} is a software fallback adapter (pass --backends webgpu to time it anyway)`,
  );
}
const chosen = values.backends ? (values.backends.split(",") as BackendName[]) : available;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

const rows: string[][] = [];
/** The figures of each backend, for the `JSON: {...}` line of `--json`. */
const records: Record<string, string | number | boolean>[] = [];
for (const name of chosen) {
  const backend = await openBackend(name);
  const sessions = await openSessions(backend, model, plan, 3);
  /** wall, CPU (ms); tail: the wait for the rows after the rollout's last step (ms). */
  type Timing = { wall: number; cpu: number; tail?: number };
  const times = {
    bare: [] as Timing[],
    engine: [] as Timing[],
    metrics: [] as Timing[],
    worker: [] as Timing[],
    started: [] as Timing[],
    featured: [] as Timing[],
    device: [] as Timing[],
  };
  const reductions = await openDeviceReductions(backend, C, shape, suite.energyGraph?.());
  const input = sessions.step.inputNames[0], output = sessions.step.outputNames[0];
  const bare = async () => {
    let x = backend.tensor("float32", ics.slice(), [B, C, ...shape]);
    const t0 = performance.now(), c0 = cpuMs();
    for (let n = 0; n < T; n++) {
      const y = (await sessions.step.run({ [input]: x }))[output];
      await backend.read(y);
      if (x.location !== "cpu") x.dispose();
      x = y;
    }
    const dt = performance.now() - t0, cpu = cpuMs() - c0;
    if (x.location !== "cpu") x.dispose();
    return { wall: dt, cpu };
  };
  // The reference features of each IC (the bench's reference repeats the IC at every step).
  // The run as the trackers see it, and the rollout every variant but bare runs.
  const run = { ics: B, steps: T, history: plan.history, summarySteps, seed: suite.seed, live: B };
  const rolloutBase = {
    sessions,
    channels: C,
    shape,
    count: B,
    reference,
    refSteps: T,
    steps: T,
    maxBatch: B,
  };
  const features = suiteFeatures(suite, run), F = features.size;
  const featureValues = new Float64Array(B * F);
  for (let i = 0; i < B; i++) {
    featureValues.set(features.compute(ics.subarray(i * S, (i + 1) * S)), i * F);
  }
  const featuresOf = (ic: number) => featureValues.subarray(ic * F, (ic + 1) * F);
  const engine = async (
    scoring: "none" | "inline" | "worker",
    featured = false,
    startedBefore = false,
  ) => {
    const withMetrics = scoring !== "none";
    // startedBefore: opened and ready before the clock, as evaluate() opens it during its set-up.
    const early = withMetrics && startedBefore ? openScoring(suite, run, scoring) : undefined;
    await early?.ready();
    const t0 = performance.now(), c0 = cpuMs();
    // Otherwise the worker's start (loading its suite, warming up) is counted.
    const trackers = early ?? (withMetrics ? openScoring(suite, run, scoring) : undefined);
    await rollout({
      ...rolloutBase,
      observer: trackers
        ? {
          initial: (ic, s) => trackers.observeInitial(ic, s),
          step: featured
            ? (ic, n, p, y) => trackers.observe(ic, n, p, y, featuresOf(ic))
            : (ic, n, p, y) => trackers.observe(ic, n, p, y),
          diverged: (ic, n) => trackers.diverged(ic, n),
          settle: () => trackers.settle(),
        }
        : { step: () => {}, diverged: () => {} },
    });
    const t1 = performance.now();
    if (trackers) {
      const { rows } = await trackers.finish();
      if (rows.length === 0) throw new Error("no rows");
    }
    const t2 = performance.now();
    return { wall: t2 - t0, cpu: cpuMs() - c0, tail: t2 - t1 };
  };
  const onDevice = async () => {
    const t0 = performance.now(), c0 = cpuMs();
    const d = deviceScoring(suite, run, reductions.energy);
    await rollout({
      ...rolloutBase,
      stepMetrics: reductions.stepMetrics,
      observer: {
        initial: (ic, s) => d.observeInitial(ic, s),
        reduced: (ic, n, v) => d.reduced(ic, n, v),
        needsStep: (n) => d.needsStep(n),
        step: (ic, n, p, y) => d.observe(ic, n, p, y),
        diverged: (ic, n) => d.diverged(ic, n),
      },
    });
    if (d.finish().rows.length === 0) throw new Error("no rows");
    return { wall: performance.now() - t0, cpu: cpuMs() - c0 };
  };
  await bare(); // warm-up
  await engine("inline");
  await engine("worker");
  await engine("worker", false, true);
  await engine("worker", true);
  await onDevice();
  // Rotate the order every round so no variant always runs after another (GC, caches, turbo).
  const variants = [
    async () => times.bare.push(await bare()),
    async () => times.engine.push(await engine("none")),
    async () => times.metrics.push(await engine("inline")),
    async () => times.worker.push(await engine("worker")),
    async () => times.started.push(await engine("worker", false, true)),
    async () => times.featured.push(await engine("worker", true)),
    async () => times.device.push(await onDevice()),
  ];
  for (let r = 0; r < R; r++) {
    for (let v = 0; v < variants.length; v++) await variants[(r + v) % variants.length]();
  }
  await closeSessions(sessions);
  await reductions.close();
  const sps = (ms: number) => ((B * T) / (ms / 1000)).toFixed(0);
  const wall = (xs: Timing[]) => median(xs.map((x) => x.wall));
  const cpu = (xs: Timing[]) => median(xs.map((x) => x.cpu));
  const mb = wall(times.bare), me = wall(times.engine);
  const mm = wall(times.metrics),
    mw = wall(times.worker),
    ms = wall(times.started),
    mf = wall(times.featured),
    md = wall(times.device);
  // Share of bare throughput kept, per round (variants of one round ran back to back), median.
  const kept = (xs: Timing[]) => median(xs.map((m, r) => times.bare[r].wall / m.wall));
  const cpuUs = (xs: Timing[]) => (cpu(xs) - cpu(times.engine)) * 1000 / (B * T);
  const perStep = (xs: Timing[]) => `${cpuUs(xs).toFixed(0)} µs`;
  const tail = (xs: Timing[]) => median(xs.map((x) => x.tail ?? 0));
  records.push({
    backend: name,
    bareStepsPerSecond: (B * T) / (mb / 1000),
    engineStepsPerSecond: (B * T) / (me / 1000),
    inlineStepsPerSecond: (B * T) / (mm / 1000),
    workerStepsPerSecond: (B * T) / (mw / 1000),
    workerStartedStepsPerSecond: (B * T) / (ms / 1000),
    workerFeaturesStepsPerSecond: (B * T) / (mf / 1000),
    deviceReductionsStepsPerSecond: (B * T) / (md / 1000),
    engineOverhead: me / mb - 1,
    keptInline: kept(times.metrics),
    keptWorker: kept(times.worker),
    // The worker started during the set-up, as evaluate() runs it.
    keptWorkerStarted: kept(times.started),
    keptWorkerFeatures: kept(times.featured),
    // Whether `emubench run` hands the worker these features by default (featuresPayOff).
    workerFeaturesByDefault: featuresPayOff(F, S, "worker"),
    keptDeviceReductions: kept(times.device),
    metricsCpuUsPerIcStepInline: cpuUs(times.metrics),
    metricsCpuUsPerIcStepWorker: cpuUs(times.worker),
    metricsCpuUsPerIcStepWorkerStarted: cpuUs(times.started),
    metricsCpuUsPerIcStepWorkerFeatures: cpuUs(times.featured),
    // The wait for the rows after the last step, worker started in set-up (median, ms).
    workerStartedTailMs: tail(times.started),
    inlineTailMs: tail(times.metrics),
  });
  rows.push([
    name + (backend.fallbackAdapter ? " (software adapter)" : ""),
    sps(mb),
    sps(me),
    sps(mm),
    sps(mw),
    sps(ms),
    sps(mf),
    sps(md),
    `${((me / mb - 1) * 100).toFixed(1)}%`,
    `${(kept(times.metrics) * 100).toFixed(0)}%`,
    `${(kept(times.worker) * 100).toFixed(0)}%`,
    `${(kept(times.started) * 100).toFixed(0)}%`,
    `${(kept(times.featured) * 100).toFixed(0)}%`,
    `${(kept(times.device) * 100).toFixed(0)}%`,
    perStep(times.metrics),
    perStep(times.worker),
    perStep(times.featured),
    `${tail(times.started).toFixed(0)} ms`,
  ]);
}

const header = [
  "backend",
  "bare steps/s",
  "engine steps/s",
  "+metrics inline",
  "+metrics worker",
  "+worker started in set-up",
  "+worker, features",
  "+metrics device reductions",
  "engine overhead",
  "kept inline",
  "kept worker",
  "kept worker started in set-up",
  "kept worker, features",
  "kept device",
  "metrics CPU/IC-step inline",
  "worker",
  "worker, features",
  "rows wait, worker started in set-up",
];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(widths[i])).join(" | ")} |`;
console.log(
  `${suite.id}: ${modelId} on [${B}, ${C}, ${shape.join(", ")}], ${T} steps × ${R} rounds, ` +
    `medians; steps = IC-steps; load ${Deno.loadavg().map((x) => x.toFixed(1)).join(" ")}`,
);
console.log(line(header));
console.log(`|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`);
for (const r of rows) console.log(line(r));

// Reference solver cost of jet2d (CPU, float64, one core): ETDRK4 sub-steps at 256², a model
// step (SUBSTEPS sub-steps), a standard-tier trajectory, and the IC spin-up (64² + 256² steps).
if (!values["no-solver"]) {
  const { jet2dSolverCost } = await import("../../suites/jet2d/cost.ts");
  const c = jet2dSolverCost();
  console.log(
    `\njet2d reference solver (ETDRK4, one core): ${c.fineMs.toFixed(1)} ms per 256² sub-step, ` +
      `${c.modelStepSeconds.toFixed(2)} s per model step, ${c.trajectorySeconds.toFixed(0)} s ` +
      `per standard-tier trajectory (${c.standardSteps} steps), ${c.spinUpSeconds.toFixed(1)} s ` +
      `per spun-up IC (${c.coarseMs.toFixed(2)} ms per 64² sub-step)`,
  );
}

// --json: one machine-readable line after the human output (harness/bench/speed_table.ts reads it).
if (values.json) {
  console.log(`JSON: ${
    JSON.stringify({
      bench: "bench",
      suite: suite.id,
      model: modelId,
      batch: B,
      steps: T,
      rounds: R,
      load: Deno.loadavg()[0],
      backends: records,
    })
  }`);
}

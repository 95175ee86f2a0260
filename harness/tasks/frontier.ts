/**
 * The cost–accuracy frontier of a forecast run (`emubench run --frontier`, issue 16 part 2;
 * docs/frontier.md). After the model's rollout, every rung of the suite's solver ladder
 * (`baselines/ladder.ts`, ONNX step graphs) is
 *
 * 1. **scored**: rolled out through the same engine (`harness/model/rollout.ts`), on the same
 *    backend, from the run's ICs against the run's reference, with the scorer the run uses
 *    (`metrics/scorer.ts`, so its nRMSE rows equal those of `emubench run --model` on that
 *    graph);
 * 2. **timed**: one more rollout of the first batch of ICs with no scoring, for
 *    {@link timingStepsOf} steps (an entry of history k: min(T, k − 1 + 20), so every entry
 *    predicts {@link FRONTIER_TIMING_STEPS} steps where T allows); the time of a step is the
 *    interval between the engine's progress calls (a model call, the read-back, the NaN scan:
 *    no bound is set, so no bound scan), divided by the ICs of the batch. The model is timed
 *    the same way on its own (already open) sessions. The median over steps is
 *    `secondsPerStep`;
 * 3. **the error-matched rung again**: timed in {@link FRONTIER_AB_PASSES} passes interleaved
 *    with the model's (rung, model, rung, …), both medians over these passes, so the verdict
 *    never compares a cached timing with a fresh one.
 *
 * Rung timings are cached per machine in the reference cache directory:
 *
 *   `<cache>/frontier/<suite>/<version>/<tier>/<rung>.<backend>.<key>.json`
 *
 * where `<key>` is the first 16 hex digits of the SHA-256 of the JSON of
 * {@link TimingKey} (suite, version, tier, rung id and step-graph SHA-256, backend and
 * adapter, onnxruntime versions, host: a SHA-256 of the host name with OS, architecture,
 * logical CPUs and CPU model, batch and timing steps). The file holds the key itself and is used only
 * when it matches field for field; the model is timed afresh on every run.
 *
 * @module
 */
import type { Suite } from "../../suites/common/types.ts";
import { gridShape, gridSize } from "../../suites/common/types.ts";
import type { Backend } from "../onnx/backend.ts";
import { closeSessions, type ModelSessions, openSessions, rollout } from "../model/rollout.ts";
import { buildTrackers } from "../../metrics/tracker.ts";
import { SCORER_FAMILY } from "../../metrics/scorer.ts";
import type { ResultRow } from "../../metrics/rows.ts";
import { type Rung, solverLadder } from "../../baselines/ladder.ts";
import { LADDER_SUITES } from "../../baselines/ladder.ts";
import { ValueRangeError } from "../core/errors.ts";
import { readCheckedText } from "../core/safe_file.ts";
import { sha256Hex, sha256HexSync } from "../core/hash.ts";
import type { Frontier, FrontierEntry, FrontierRung } from "../results/schema.ts";
import { frontierErrors, frontierVerdict } from "../results/frontier.ts";

/** Re-exported from `harness/results/frontier.ts` (where readers check a block against it). */
export { frontierErrors };
import { planOrThrow } from "./context.ts";

/**
 * Predicted steps of a timing pass (fewer when the run's horizon is shorter): an entry with
 * history k is rolled out for {@link timingStepsOf} = min(T, k − 1 + 20) steps, so that every
 * entry predicts the same number of steps where the horizon allows.
 */
export const FRONTIER_TIMING_STEPS = 20;

/**
 * Interleaved timing passes of the error-matched rung and the model (rung, model, rung, …) in
 * the same process: both medians are taken over these passes, so a verdict never compares a
 * cached timing (another day, another load) with a fresh one.
 */
export const FRONTIER_AB_PASSES = 3;

/**
 * Steps of the timing rollout of an entry with history `k` in a run of `steps` steps:
 * min(T, k − 1 + {@link FRONTIER_TIMING_STEPS}); its first prediction is step k, so it predicts
 * min(T − k + 1, 20) steps.
 *
 * @example
 * ```ts
 * import { timingStepsOf } from "./frontier.ts";
 * if (timingStepsOf(1, 100) !== 20 || timingStepsOf(25, 100) !== 44) throw new Error();
 * if (timingStepsOf(25, 30) !== 30 || timingStepsOf(1, 8) !== 8) throw new Error();
 * ```
 */
export function timingStepsOf(history: number, steps: number): number {
  return Math.min(steps, history - 1 + FRONTIER_TIMING_STEPS);
}

/**
 * The suite's solver ladder, or a `ValueRangeError` naming `--frontier` and saying the suite has
 * none (the CLI exits 2 on it before any work starts).
 *
 * @example
 * ```ts
 * import { ladderOrThrow } from "./frontier.ts";
 * import { getSuite } from "../../suites/mod.ts";
 * let msg = "";
 * try { ladderOrThrow(getSuite("convection1d")); } catch (e) { msg = String(e); }
 * if (!msg.includes("--frontier") || !msg.includes("no solver ladder")) throw new Error(msg);
 * ```
 */
export function ladderOrThrow(suite: Suite): NonNullable<ReturnType<typeof solverLadder>> {
  const ladder = solverLadder(suite);
  if (!ladder) {
    throw new ValueRangeError({
      field: "--frontier",
      expected: `a suite with a solver ladder (${LADDER_SUITES.join(", ")})`,
      found: `${suite.id}, which has no solver ladder`,
    });
  }
  return ladder;
}

/**
 * The steps of a frontier's error lists: the run's summary steps within 1..T and T itself,
 * ascending; the last is the headline step.
 *
 * @example
 * ```ts
 * import { frontierSteps } from "./frontier.ts";
 * if (frontierSteps([1, 25, 50, 100], 60).join() !== "1,25,50,60") throw new Error();
 * ```
 */
export function frontierSteps(summarySteps: readonly number[], steps: number): number[] {
  return [...new Set([...summarySteps.filter((s) => s >= 1 && s <= steps), steps])]
    .sort((a, b) => a - b);
}

/**
 * The median of `values` (the mean of the middle two for an even count); `RangeError` when empty.
 *
 * @example
 * ```ts
 * import { median } from "./frontier.ts";
 * if (median([3, 1, 2]) !== 2 || median([4, 1, 3, 2]) !== 2.5) throw new Error();
 * ```
 */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError("Cannot take the median: expected ≥ 1 value");
  const s = [...values].sort((a, b) => a - b), m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** What a run gives the frontier. */
export interface FrontierInputs {
  suite: Suite;
  /** Tier name as the result records it (`smoke`, `data`, …). */
  tier: string;
  backend: Backend;
  /** The model's open sessions (timed on them). */
  sessions: ModelSessions;
  /** Label of the model (its name). */
  modelLabel: string;
  /** The model's rows and divergence of the run. */
  modelRows: readonly ResultRow[];
  modelDiverged: number;
  /** Reference `[N, T + 1, C, ...grid]`. */
  reference: Float32Array;
  ics: number;
  steps: number;
  summarySteps: readonly number[];
  seed: number;
  /** Largest batch per model call (the run's `--batch`). */
  maxBatch: number;
  /** The run's bound (`Suite.divergenceBound`). */
  bound?: { readonly factor: number; readonly fields?: readonly string[] };
  /** Reference cache directory for the timing cache (none: nothing cached). */
  cacheDir?: string;
  /** `--training-cost` seconds. */
  trainingSeconds?: number;
  log?: (message: string) => void;
  progress?: (phase: string, done: number, total: number) => void;
}

/** The fields of a timing cache entry's key (module documentation). */
export interface TimingKey {
  suite: string;
  version: string;
  tier: string;
  rung: string;
  graphSha256: string;
  backend: string;
  adapter: string | null;
  onnxruntime: { web: string; node: string | null };
  host: string;
  batch: number;
  timingSteps: number;
}

/**
 * This machine, for the result (`Frontier.machine`) and the cache key: OS and release,
 * architecture, logical CPUs, the CPU model (`node:os` `cpus()[0].model`, needs `--allow-sys`;
 * null where refused) and a hash of the host name with these (`host`).
 */
export async function machineRecord(): Promise<Frontier["machine"]> {
  const D = (globalThis as { Deno?: typeof Deno }).Deno;
  let hostName = "unknown", cpu: string | null = null;
  try {
    hostName = D?.hostname() ?? "browser";
  } catch { /* no --allow-sys */ }
  try {
    // node:os works with the CLI's --allow-sys (Deno refuses /proc/cpuinfo without --allow-all).
    if (D) cpu = (await import("node:os")).cpus()[0]?.model?.trim() || null;
  } catch { /* no --allow-sys */ }
  const cpus = (globalThis.navigator as { hardwareConcurrency?: number } | undefined)
    ?.hardwareConcurrency ?? null;
  const os = D ? `${D.build.os} ${D.osRelease?.() ?? ""}`.trim() : "browser";
  const arch = D?.build.arch ?? "unknown";
  const host = sha256HexSync(`${hostName}\n${os}\n${arch}\n${cpus}\n${cpu}`).slice(0, 16);
  return { os, arch, cpus, cpu, host };
}

/** The cache file of a rung's timing (module documentation). */
export function timingCachePath(cacheDir: string, key: TimingKey): string {
  const hash = sha256HexSync(JSON.stringify(key)).slice(0, 16);
  const safe = (s: string) => s.replace(/[^A-Za-z0-9._-]/g, "_");
  return [
    cacheDir,
    "frontier",
    safe(key.suite),
    safe(key.version),
    safe(key.tier),
    `${safe(key.rung)}.${safe(key.backend)}.${hash}.json`,
  ].join("/");
}

/**
 * A cached timing, or undefined (a miss) where there is none, its key differs, or the entry is
 * not a small regular file inside `<cache>/frontier` (a FIFO, device, directory, link or huge
 * file is refused without being opened for a blocking read).
 */
async function readCachedTiming(
  path: string,
  key: TimingKey,
  root: string,
): Promise<{ seconds: number; samples: number } | undefined> {
  try {
    const json = JSON.parse(await readCheckedText(path, { root, maxBytes: 64 * 1024 }));
    if (JSON.stringify(json?.key) !== JSON.stringify(key)) return undefined;
    const s = json.secondsPerStep, n = json.samples;
    return typeof s === "number" && Number.isFinite(s) && s > 0 && Number.isInteger(n) && n >= 1
      ? { seconds: s, samples: n }
      : undefined;
  } catch {
    return undefined;
  }
}

async function writeCachedTiming(path: string, key: TimingKey, seconds: number, samples: number) {
  const { writeFileAtomic } = await import("../core/atomic.ts");
  await Deno.mkdir(path.slice(0, path.lastIndexOf("/")), { recursive: true });
  const entry = { key, secondsPerStep: seconds, samples, measured: new Date().toISOString() };
  await writeFileAtomic(path, JSON.stringify(entry, null, 1));
}

/**
 * Median wall seconds per IC-step of `sessions` (module documentation): one rollout of the
 * first `batch` ICs for `steps` steps, no scoring; returns the median and the number of step
 * intervals it was taken over.
 */
export async function timeSteps(
  sessions: ModelSessions,
  o: {
    suite: Suite;
    reference: Float32Array;
    ics: number;
    refSteps: number;
    steps: number;
    batch: number;
  },
): Promise<{ seconds: number; samples: number; intervals: number[] }> {
  const { suite } = o;
  const S = suite.fields.length * gridSize(suite.grid);
  const fixed = sessions.plan.batch === "dynamic" ? null : sessions.plan.batch;
  const count = Math.min(fixed ?? o.batch, o.ics);
  const stamps: number[] = [];
  const t0 = performance.now();
  await rollout({
    sessions,
    channels: suite.fields.length,
    shape: gridShape(suite.grid),
    count,
    reference: o.reference.subarray(0, count * (o.refSteps + 1) * S),
    refSteps: o.refSteps,
    steps: o.steps,
    maxBatch: count,
    observer: { step() {}, diverged() {} },
    progress: () => stamps.push(performance.now()),
  });
  // Intervals between successive steps; the first step (window upload, first call) only when
  // it is the only one.
  const per = (ms: number) => ms / 1000 / count;
  const intervals = stamps.slice(1).map((t, i) => per(t - stamps[i]));
  if (intervals.length === 0) intervals.push(per(stamps.length ? stamps[0] - t0 : 0));
  return { seconds: median(intervals), samples: intervals.length, intervals };
}

/** Score a rung on every IC of the run with the run's scorer; its rows and diverged ICs. */
async function scoreRung(
  sessions: ModelSessions,
  o: FrontierInputs,
  label: string,
): Promise<{ rows: ResultRow[]; diverged: number }> {
  const { suite } = o;
  const trackers = buildTrackers([SCORER_FAMILY], {
    suite,
    pointsPerField: gridSize(suite.grid),
    ics: o.ics,
    steps: o.steps,
    firstStep: Math.min(sessions.plan.history, o.steps),
    summarySteps: o.summarySteps,
    seed: o.seed,
  });
  const stats = await rollout({
    sessions,
    channels: suite.fields.length,
    shape: gridShape(suite.grid),
    count: o.ics,
    reference: o.reference,
    refSteps: o.steps,
    steps: o.steps,
    maxBatch: o.maxBatch,
    bound: o.bound,
    observer: {
      initial: (i, s) => trackers.observeInitial(i, s),
      step: (i, n, p, y) => trackers.observe(i, n, p, y),
      diverged: (i, n) => trackers.diverged(i, n),
    },
    progress: (d, t) => o.progress?.(`frontier ${label}`, d, t),
  });
  return { rows: trackers.rows(), diverged: stats.divergence.filter((d) => d !== null).length };
}

/**
 * The frontier block of a run (module documentation): every rung scored and timed (timings from
 * the cache where they match), the model timed on its sessions, and the verdict
 * (`harness/results/frontier.ts`).
 */
export async function measureFrontier(o: FrontierInputs): Promise<Frontier> {
  const { suite, backend } = o;
  const ladder = ladderOrThrow(suite);
  const log = o.log ?? (() => {});
  const steps = frontierSteps(o.summarySteps, o.steps);
  // Predicted steps of a history-1 entry's timing pass (every rung; the model's where T allows).
  const timingSteps = Math.min(FRONTIER_TIMING_STEPS, o.steps);
  const machine = await machineRecord();
  const fixed = o.sessions.plan.batch === "dynamic" ? null : o.sessions.plan.batch;
  const batch = Math.min(fixed ?? o.maxBatch, o.ics);
  const timing = { suite, reference: o.reference, ics: o.ics, refSteps: o.steps, batch };
  const rungs: FrontierRung[] = [];
  const keys: { key: TimingKey; path?: string }[] = [];
  for (const rung of ladder.rungs) rungs.push(await measureRung(rung));

  async function measureRung(rung: Rung): Promise<FrontierRung> {
    const model = rung.build();
    const plan = planOrThrow(model, suite);
    const graphSha256 = await sha256Hex(model.graphs.step.bytes);
    const key: TimingKey = {
      suite: suite.id,
      version: suite.version,
      tier: o.tier,
      rung: rung.id,
      graphSha256,
      backend: backend.name,
      adapter: backend.adapter ?? null,
      onnxruntime: backend.versions,
      host: machine.host,
      batch,
      timingSteps: timingStepsOf(plan.history, o.steps),
    };
    const path = o.cacheDir ? timingCachePath(o.cacheDir, key) : undefined;
    keys.push({ key, path });
    const cached = path ? await readCachedTiming(path, key, `${o.cacheDir}/frontier`) : undefined;
    log(`frontier: ${rung.label}${cached ? " (timing cached)" : ""}`);
    const sessions = await openSessions(backend, model, plan, 2 + gridShape(suite.grid).length);
    try {
      const scored = await scoreRung(sessions, o, rung.label);
      let t = cached;
      if (t === undefined) {
        t = await timeSteps(sessions, { ...timing, steps: key.timingSteps });
        if (path) await writeCachedTiming(path, key, t.seconds, t.samples);
      }
      return {
        id: rung.id,
        label: rung.label,
        factor: rung.factor,
        description: model.manifest.description ?? "",
        graphSha256,
        ...frontierErrors(scored.rows, suite.fields, steps, o.ics),
        secondsPerStep: t.seconds,
        timingSamples: t.samples,
        diverged: scored.diverged,
        timing: cached === undefined ? "measured" : "cached",
      };
    } finally {
      await closeSessions(sessions);
    }
  }

  log(`frontier: timing ${o.modelLabel}`);
  const modelSteps = timingStepsOf(o.sessions.plan.history, o.steps);
  const modelTime = await timeSteps(o.sessions, { ...timing, steps: modelSteps });
  let model: FrontierEntry = {
    label: o.modelLabel,
    ...frontierErrors(o.modelRows, suite.fields, steps, o.ics),
    secondsPerStep: modelTime.seconds,
    timingSamples: modelTime.samples,
    diverged: o.modelDiverged,
  };
  const training = o.trainingSeconds === undefined
    ? undefined
    : { seconds: o.trainingSeconds, steps: o.steps };
  let verdict = frontierVerdict(rungs, model, steps.length - 1, training);
  // The error-matched rung is timed again next to the model, interleaved; should that make
  // another rung the cheapest accurate one, that one too (at most every rung once).
  while (verdict.matched !== null && rungs[verdict.matched.rung].timing !== "interleaved") {
    const i = verdict.matched.rung;
    log(`frontier: timing ${rungs[i].label} and ${o.modelLabel}, interleaved`);
    const ab = await interleaved(ladder.rungs[i], keys[i].key.timingSteps);
    rungs[i] = {
      ...rungs[i],
      secondsPerStep: median(ab.rung),
      timingSamples: ab.rung.length,
      timing: "interleaved",
    };
    const { key, path } = keys[i];
    if (path) await writeCachedTiming(path, key, median(ab.rung), ab.rung.length);
    model = { ...model, secondsPerStep: median(ab.model), timingSamples: ab.model.length };
    verdict = frontierVerdict(rungs, model, steps.length - 1, training);
  }

  /** {@link FRONTIER_AB_PASSES} passes of rung then model; every step interval of each. */
  async function interleaved(rung: Rung, rungSteps: number) {
    const built = rung.build();
    const plan = planOrThrow(built, suite);
    const sessions = await openSessions(backend, built, plan, 2 + gridShape(suite.grid).length);
    const out = { rung: [] as number[], model: [] as number[] };
    try {
      for (let p = 0; p < FRONTIER_AB_PASSES; p++) {
        out.rung.push(...(await timeSteps(sessions, { ...timing, steps: rungSteps })).intervals);
        out.model.push(
          ...(await timeSteps(o.sessions, { ...timing, steps: modelSteps })).intervals,
        );
      }
    } finally {
      await closeSessions(sessions);
    }
    return out;
  }

  const where = `${machine.cpu ?? machine.arch}${
    machine.cpus ? ` (${machine.cpus} logical CPUs)` : ""
  }, ${machine.os}`;
  return {
    scheme: ladder.scheme,
    compared: `The suite's solver ladder (${ladder.scheme}), each rung an ONNX graph, against ` +
      `the model, all on the same ${backend.name}${
        backend.adapter ? ` [${backend.adapter}]` : ""
      } backend of onnxruntime, through the same rollout engine, on ${where}; each timed over ` +
      `${timingSteps} predicted steps (after its history window) of a batch of ${batch} IC${
        batch === 1 ? "" : "s"
      } without scoring ` +
      `(median seconds per IC-step); errors are nRMSE against the suite's reference solver on ` +
      `the run's ${o.ics} ICs.`,
    machine,
    backend: backend.name,
    adapter: backend.adapter ?? null,
    batch,
    timingSteps,
    metric: "nrmse",
    steps,
    headlineStep: steps[steps.length - 1],
    rungs,
    model,
    ...verdict,
  };
}

/**
 * A frontier as a plain-text table for the terminal: one line per rung and the model (error at
 * each frontier step, seconds per IC-step, timing source), then the verdict.
 *
 * @example
 * ```ts
 * import { frontierTable } from "./frontier.ts";
 * const e = { label: "m", error: [0.1], score: 0.1, secondsPerStep: 1e-4, diverged: 0 };
 * const t = frontierTable({
 *   steps: [10], headlineStep: 10, backend: "wasm", note: "No rung is error-matched.",
 *   rungs: [{ ...e, label: "2× (512 cells)", id: "solver_2x", factor: 2, timing: "cached" }],
 *   model: e,
 * } as never);
 * if (!t.includes("2× (512 cells)") || !t.includes("1.00e-4")) throw new Error(t);
 * ```
 */
export function frontierTable(f: Frontier): string {
  const head = ["", ...f.steps.map((s) => `nRMSE@${s}`), "s/IC-step", ""];
  const line = (e: FrontierEntry, tag: string) => [
    e.label,
    ...e.error.map((v) =>
      v === null ? "—" : v !== 0 && Math.abs(v) < 1e-3 ? v.toExponential(2) : v.toPrecision(3)
    ),
    e.secondsPerStep.toExponential(2),
    tag,
  ];
  const table = [
    head,
    ...f.rungs.map((r, i) =>
      line(r, `${r.timing}${f.matched?.rung === i ? "  ← error-matched" : ""}`)
    ),
    line(f.model, "model"),
  ];
  const widths = head.map((_, c) => Math.max(...table.map((r) => [...r[c]].length)));
  const last = head.length - 1;
  const text = table.map((r) =>
    r.map((v, c) => c === 0 || c === last ? v.padEnd(widths[c]) : v.padStart(widths[c]))
      .join("  ").trimEnd()
  );
  return [
    `frontier (${f.backend}, median seconds per IC-step):`,
    ...text,
    f.note,
    ...(f.training ? [f.training.note] : []),
  ].join("\n");
}

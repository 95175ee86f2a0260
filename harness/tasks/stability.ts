/**
 * The long-horizon `stability` task (SPEC §4 stability rate; `docs/stability.md`): roll the model
 * alone (no reference trajectory) out to a horizon far beyond what is stored, computing only each
 * step's energy (and, optionally, the mean spectrum every `spectraEvery` steps), and report per
 * IC the first step whose energy is non-finite or outside `μ_E ± 5σ_E`, and the rate of ICs that
 * never leave the band with its Wilson 95% interval (`metrics/stability.ts`).
 *
 * - **Rollout**: the shared engine (`harness/model/rollout.ts`); the reference is needed only for the
 *   IC and the history window (steps 0..k−1), solved by the suite.
 * - **Energy on the host**: each predicted state is read back and its energy computed on the CPU
 *   with the suite's own `energy` (no per-suite device graph); the share of the rollout's wall
 *   time in which it was not blocked on the model (`RolloutTiming` in `harness/model/rollout.ts`:
 *   energy, band checks, spectra, NaN scans, checkpoints) is measured and reported
 *   (`outsideModelShare`).
 * - **Exited ICs**: an IC's statistics stop at its first exit (the rate needs nothing more). It
 *   stays in its batch (batches keep the shape the model was fed, so results do not depend on
 *   when others exit), and a batch whose ICs have all exited stops early. After its first exit
 *   an IC's fate is not recorded: `divergence[ic]` is the divergence step only when a NaN/Inf
 *   was the exit cause (divergence step = first exit), else `null`, so results do not depend on
 *   `--batch` (whether a later NaN of an exited IC is seen depends on its batch mates).
 * - **Checkpoints**: every `checkpointEvery` steps the batch in flight (window, carries, latent,
 *   divergence) and the running statistics (first exits, energy sums, spectra sums, all float64,
 *   bit for bit) are written atomically (fsync, then rename) to `OUT/checkpoint.json`. A run
 *   started with the same arguments and `OUT` resumes from it and produces the same rows as an
 *   uninterrupted run; a checkpoint of a different suite, version, model (sha256), band,
 *   horizon, ICs, seed, batch, backend, cadence, emubench version or git commit is refused with
 *   a `ValueRangeError` listing every difference, and one whose contents do not fit the run
 *   (batch start, step, tensor dims, shells, lengths of per-IC arrays) with one naming the
 *   field. Stale temporary files of interrupted writes (`checkpoint.json.tmp-*`) are removed
 *   at start. The checkpoint is removed in the same swap that brings `result.json`.
 * - **Output set**: `result.json` (and any `extraOutputs`) are written as one
 *   output set (`harness/core/atomic.ts`, {@link STABILITY_OUTPUT_FILES}): a crash, SIGINT or
 *   SIGKILL at any instant leaves the previous set (with its checkpoint) or the complete new one.
 *
 * Rows: those of `metrics/stability.ts` (`stability_rate`, `_lower`, `_upper`,
 * `energy_band_lower`, `_upper`, per-IC `first_exit_step`); per IC `energy_time_mean` and
 * `energy_time_std` (`reduction: "over_steps_before_exit"`: the predicted energy's mean and
 * population standard deviation over steps s₀..min(exit − 1, H), `null` when no step was in the
 * band); with `spectraEvery`, `spectrum_pred` per field and shell `k`
 * (`reduction: "mean_over_ics_and_sampled_steps"`, `n` = ICs that contributed): the mean shell
 * energy over the sampled steps (multiples of `spectraEvery`) before each IC's exit.
 *
 * @module
 */
import { described } from "../results/describe.ts";
import { join } from "node:path";
import { getSuite } from "../../suites/mod.ts";
import {
  type EnergyStats,
  gridShape,
  gridSize,
  type Suite,
  type TierName,
} from "../../suites/common/types.ts";
import { type BackendChoice, openBackend } from "../onnx/backend.ts";
import { ValueRangeError } from "../core/errors.ts";
import {
  hashModelFiles,
  modelBlock,
  planOrThrow,
  resolveModel,
  resultHeader,
  tierAndSeed,
} from "./context.ts";
import { positiveInt } from "../core/checks.ts";
import {
  checkSnapshot,
  closeSessions,
  type HostTensor,
  openSessions,
  rollout,
  type RolloutSnapshot,
  type RolloutTiming,
  type SnapshotLayout,
  snapshotLayout,
} from "../model/rollout.ts";
import { OutputSet, removeIfExists, writeFileAtomic } from "../core/atomic.ts";
import { defaultCacheDir, loadOrGenerateReference } from "../data/reference_cache.ts";
import { pooledReference } from "./pooled_reference.ts";
import { readJson } from "../core/json_file.ts";
import type { Result } from "../results/schema.ts";
import { EMUBENCH_VERSION, gitCommit } from "./environment.ts";
import type { ResultRow } from "../../metrics/rows.ts";
import { energyBand, stabilityRows } from "../../metrics/stability.ts";
import { spectrum1d } from "../../metrics/spectrum.ts";
import {
  base64ToBytes,
  base64ToF64,
  bytesToBase64,
  f64ToBase64,
} from "../../metrics/state_codec.ts";

/**
 * The files a stability run's output set owns in `outDir` (`harness/core/atomic.ts`): a new
 * result replaces all of them (the checkpoint it finished goes in the same swap). Other files
 * there are kept.
 */
export const STABILITY_OUTPUT_FILES: readonly string[] = ["result.json", "checkpoint.json"];

/** Schema tag of a stability checkpoint file. */
export const STABILITY_CHECKPOINT_SCHEMA = "emubench.stability-checkpoint/1";

/** Options of {@link runStability}; CLI flags map one to one. */
export interface StabilityOptions {
  /** A suite id or (library use, tests) a suite object. */
  suite: string | Suite;
  /** A path to a `.onnx` file or model directory, or `baseline:NAME`. */
  model: string;
  /** Tier whose `ics` and `steps` are the defaults (default `standard`). */
  tier?: TierName;
  /** Horizon H in model steps (default: the tier's `steps`). */
  horizon?: number;
  ics?: number;
  seed?: number;
  backend?: BackendChoice;
  /** Largest batch of ICs per session.run (default 32). */
  batch?: number;
  /** Steady-state energy statistics; default the suite's `energyStats` (required if absent). */
  energyStats?: Pick<EnergyStats, "mean" | "std">;
  /** Checkpoint every K steps (0 or absent: never). */
  checkpointEvery?: number;
  /** Accumulate the mean spectrum every k steps (absent: no spectra). */
  spectraEvery?: number;
  /** Directory for result.json and checkpoint.json; nothing is written when absent. */
  outDir?: string;
  /**
   * More files of the output set, by name: each writer gets the staging path and the result,
   * and the files appear in `outDir` with `result.json` or not at all (the set owns them too).
   */
  extraOutputs?: Record<string, (path: string, result: Result) => Promise<void>>;
  /**
   * Cache of the suite's ICs and history window (`harness/data/reference_cache.ts`, default
   * `defaultCacheDir()`: `$EMUBENCH_CACHE`, `$XDG_CACHE_HOME/emubench` or `~/.cache/emubench`; `false`: solve them every run). Spun-up ICs (jet2d, HW) cost minutes.
   */
  cacheDir?: string | false;
  /**
   * Where each step's energy is computed. `auto` (default): on the device, through the suite's
   * `energyGraph`, when the backend keeps tensors on a hardware GPU (webgpu, not a software
   * fallback adapter such as llvmpipe, where the graph's MatMuls cost more than the host FFT)
   * and the suite has one; else on the host from the read-back state. `on`: through `energyGraph` on any backend (CPU
   * backends gain nothing; for tests and comparisons), refused (`ValueRangeError`) when the suite
   * has no graph or the model is latent, float16 or normalizes its state. `off`: always on the host. Steps that
   * sample spectra (`spectraEvery`) read the state back either way. Recorded in the result's
   * `config.data`.
   */
  deviceEnergy?: "auto" | "on" | "off";
  progress?: (done: number, total: number) => void;
  /** Progress of the set-up phases before the rollout (IC spin-up, the history window). */
  setupProgress?: (phase: string, done: number, total: number) => void;
  log?: (message: string) => void;
}

/** A finished stability run. */
export interface StabilityRun {
  result: Result;
  /**
   * Fraction of the rollout wall time in which the loop was not blocked on the model
   * (`1 − modelSeconds / wall`, `RolloutTiming`), summed over resumed segments.
   */
  outsideModelShare: number;
  /** True when the run continued from a checkpoint. */
  resumed: boolean;
  files: { result?: string; extra?: Record<string, string> };
}

/** Identity of a run: a checkpoint is only resumed by a run with the same key. */
interface RunKey {
  suite: string;
  version: string;
  modelSha256: string;
  energyMean: number;
  energyStd: number;
  horizon: number;
  ics: number;
  seed: number;
  batch: number;
  backend: string;
  checkpointEvery: number;
  spectraEvery: number;
  /** Where the energy is computed: `device` (the suite's energyGraph) or `host`. */
  energyOn?: "device" | "host";
  /** emubench version and git commit: a code change refuses to resume an older checkpoint. */
  emubench: string;
  gitCommit: string | null;
}

interface Accumulators {
  exits: (number | null)[];
  /** Per IC: steps counted, Σ(E − E₀) and Σ(E − E₀)² (shifted sums, E₀ the first counted). */
  count: Float64Array;
  shift: Float64Array;
  sum: Float64Array;
  sumSq: Float64Array;
  /** `[N, C, K]` sums of sampled spectra, and per IC the number of sampled steps. */
  spectra: Float64Array;
  samples: Float64Array;
}

interface Checkpoint {
  schema: typeof STABILITY_CHECKPOINT_SCHEMA;
  key: RunKey;
  shells: number;
  snapshot: {
    first: number;
    step: number;
    divergence: (number | null)[];
    window: EncodedTensor;
    carries: Record<string, EncodedTensor>;
    /** Latent tensors by step input name (an older checkpoint holds one bare tensor). */
    latent?: Record<string, EncodedTensor> | EncodedTensor;
  };
  acc: {
    exits: (number | null)[];
    count: string;
    shift: string;
    sum: string;
    sumSq: string;
    spectra: string;
    samples: string;
  };
  /** Seconds spent by earlier segments (timings only; never in rows). */
  seconds: { model: number; wall: number; metric: number; icSteps: number };
}

interface EncodedTensor {
  dims: number[];
  /** Little-endian float32 bytes, base64. */
  data: string;
}

function encodeTensor(t: HostTensor): EncodedTensor {
  const bytes = new Uint8Array(t.data.length * 4), view = new DataView(bytes.buffer);
  for (let i = 0; i < t.data.length; i++) view.setFloat32(i * 4, t.data[i], true);
  return { dims: [...t.dims], data: bytesToBase64(bytes) };
}

/**
 * A checkpoint's latent tensors by step input name; an older checkpoint's single bare tensor is
 * the model's only latent.
 */
function decodeLatent(
  l: Record<string, EncodedTensor> | EncodedTensor,
  layout: SnapshotLayout,
  file: string,
): Record<string, HostTensor> {
  const names = Object.keys(layout.latent);
  if (typeof l === "object" && l !== null && "dims" in l && names.length === 1) {
    return { [names[0]]: decodeTensor(l as EncodedTensor, "snapshot.latent", file) };
  }
  return Object.fromEntries(
    Object.entries(l as Record<string, EncodedTensor>).map((
      [n, t],
    ) => [n, decodeTensor(t, `snapshot.latent.${n}`, file)]),
  );
}

function decodeTensor(t: EncodedTensor, where: string, file: string): HostTensor {
  if (
    typeof t !== "object" || t === null || !Array.isArray(t.dims) ||
    !t.dims.every((d) => Number.isInteger(d) && d >= 0)
  ) {
    throw new ValueRangeError({
      file,
      field: where,
      expected: "a tensor { dims: non-negative integers, data: base64 }",
      found: JSON.stringify(t)?.slice(0, 80) ?? "nothing",
    });
  }
  const n = t.dims.reduce((a, b) => a * b, 1);
  const bytes = decoded(() => base64ToBytes(t.data, n * 4, where, "a stability checkpoint"), file);
  const view = new DataView(bytes.buffer);
  return {
    dims: [...t.dims],
    data: Float32Array.from({ length: n }, (_, i) => view.getFloat32(i * 4, true)),
  };
}

/** Run `f`, turning a base64 decoding `TypeError` into a `ValueRangeError` naming `file`. */
function decoded<R>(f: () => R, file: string): R {
  try {
    return f();
  } catch (e) {
    if (!(e instanceof TypeError)) throw e;
    const m = /: ([^:]+): expected (.*), found (.*)$/.exec(e.message);
    throw new ValueRangeError({
      file,
      field: m?.[1] ?? "data",
      expected: m?.[2] ?? "valid base64",
      found: m?.[3] ?? e.message,
    });
  }
}

/** Read `path` as a checkpoint of the run `key`, or throw naming every difference. */
async function readCheckpoint(path: string, key: RunKey): Promise<Checkpoint | undefined> {
  let json: unknown;
  try {
    json = await readJson(path, "a stability checkpoint (JSON)");
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return undefined;
    throw e;
  }
  const c = json as Partial<Checkpoint>;
  if (c?.schema !== STABILITY_CHECKPOINT_SCHEMA || typeof c.key !== "object" || !c.key) {
    throw new ValueRangeError({
      file: path,
      field: "schema",
      expected: `"${STABILITY_CHECKPOINT_SCHEMA}"`,
      found: JSON.stringify(c?.schema),
    });
  }
  const diffs = (Object.keys(key) as (keyof RunKey)[])
    .filter((k) => c.key![k] !== key[k])
    .map((k) =>
      `${k}: checkpoint ${JSON.stringify(c.key![k])}, this run ${JSON.stringify(key[k])}`
    );
  if (diffs.length > 0) {
    throw new ValueRangeError({
      file: path,
      field: "key",
      expected:
        "a checkpoint of this very run (same suite, model, band, arguments and emubench code)",
      found: diffs.join("; "),
      hint: "Delete the checkpoint or choose another --out to start afresh.",
    });
  }
  return c as Checkpoint;
}

/**
 * Check the contents of a checkpoint whose key matched and decode its snapshot, or throw a
 * `ValueRangeError` naming `path` and the field that does not fit the run.
 */
function checkpointSnapshot(
  c: Checkpoint,
  path: string,
  o: { ics: number; shells: number; history: number; horizon: number; layout: SnapshotLayout },
): RolloutSnapshot {
  const fail = (field: string, expected: string, found: unknown): never => {
    throw new ValueRangeError({
      file: path,
      field,
      expected,
      found: JSON.stringify(found) ?? "nothing",
      hint: "Delete the checkpoint or choose another --out to start afresh.",
    });
  };
  if (c.shells !== o.shells) fail("shells", `${o.shells} spectrum shells`, c.shells);
  const snap = c.snapshot;
  if (typeof snap !== "object" || snap === null) fail("snapshot", "an object", snap);
  const perIc = (field: string, a: unknown) => {
    if (!Array.isArray(a) || a.length !== o.ics) {
      fail(field, `${o.ics} entries (one per IC)`, Array.isArray(a) ? `${a.length} entries` : a);
    }
    (a as unknown[]).forEach((v, ic) => {
      if (
        v !== null &&
        (!Number.isInteger(v) || (v as number) < o.history || (v as number) > o.horizon)
      ) {
        fail(`${field}[${ic}]`, `null or a step in [${o.history}, ${o.horizon}]`, v);
      }
    });
  };
  perIc("acc.exits", c.acc?.exits);
  perIc("snapshot.divergence", snap.divergence);
  if (typeof snap.carries !== "object" || snap.carries === null) {
    fail("snapshot.carries", "an object of tensors", snap.carries);
  }
  const resume: RolloutSnapshot = {
    first: snap.first,
    step: snap.step,
    divergence: snap.divergence,
    window: decodeTensor(snap.window, "snapshot.window", path),
    carries: Object.fromEntries(
      Object.entries(snap.carries).map((
        [n, t],
      ) => [n, decodeTensor(t, `snapshot.carries.${n}`, path)]),
    ),
    ...(snap.latent ? { latent: decodeLatent(snap.latent, o.layout, path) } : {}),
  };
  checkSnapshot(resume, o.layout, path);
  return resume;
}

/**
 * Remove temporary files of interrupted atomic writes (`checkpoint.json.tmp-*`,
 * `result.json.tmp-*`) from `dir`; a missing `dir` is fine.
 */
async function sweepTemporaries(dir: string, log: (m: string) => void): Promise<void> {
  try {
    for await (const e of Deno.readDir(dir)) {
      if (e.isFile && /^(checkpoint|result)\.json\.tmp-/.test(e.name)) {
        await removeIfExists(join(dir, e.name));
        log(`removed ${join(dir, e.name)} (left by an interrupted write)`);
      }
    }
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
}

/**
 * Run the stability task end to end (module documentation), resuming from
 * `outDir/checkpoint.json` when one of this very run exists.
 */
export async function runStability(o: StabilityOptions): Promise<StabilityRun> {
  const t0 = performance.now();
  const log = o.log ?? (() => {});
  const suite = typeof o.suite === "string" ? getSuite(o.suite) : o.suite;
  const { tier, seed } = tierAndSeed(suite, o.tier, o.seed);
  const stats = o.energyStats ?? suite.energyStats;
  if (!stats) {
    throw new ValueRangeError({
      field: "--suite",
      expected: "a suite with steady-state energy statistics (energyStats), or --energy-stats",
      found: `${suite.id}, which has none`,
    });
  }
  const band = energyBand(stats);
  const N = positiveInt(o.ics, "--ics") ?? tier.ics;
  const H = positiveInt(o.horizon, "--horizon") ?? tier.steps;
  const every = positiveInt(o.checkpointEvery, "--checkpoint-every", true) ?? 0;
  const spectraEvery = positiveInt(o.spectraEvery, "--spectra-every") ?? 0;

  const model = await resolveModel(o.model, suite);
  const plan = planOrThrow(model, suite);
  const hashed = await hashModelFiles(model);
  const k = plan.history;
  if (k > H) {
    throw new ValueRangeError({
      field: "--horizon",
      expected: `at least the model's history (${k})`,
      found: String(H),
    });
  }
  const maxBatch = positiveInt(o.batch, "--batch") ?? 32;
  const batch = plan.batch === "dynamic" ? Math.min(maxBatch, N) : plan.batch;
  const backend = await openBackend(o.backend ?? "auto");
  // Energy on the device (suite.energyGraph) or on the host; see StabilityOptions.deviceEnergy.
  const wantDevice = o.deviceEnergy ?? "auto";
  const deviceBlocker = suite.energyGraph === undefined
    ? `suite ${suite.id} declares no energyGraph`
    : model.manifest.normalize
    ? "the model normalizes its state (the graph needs physical units)"
    : plan.dtype !== "float32"
    ? `the model's state is ${plan.dtype}, not float32`
    : plan.form !== "step"
    ? "the model is latent (its step output is not the state)"
    : undefined;
  if (wantDevice === "on" && deviceBlocker) {
    throw new ValueRangeError({
      field: "--device-energy",
      expected: "auto or off here: on needs a suite energyGraph and a float32 step model " +
        "without normalize",
      found: `on, but ${deviceBlocker}`,
    });
  }
  const energyOnDevice = deviceBlocker === undefined &&
    (wantDevice === "on" ||
      (wantDevice === "auto" && backend.deviceResident && !backend.fallbackAdapter));
  const key: RunKey = {
    suite: suite.id,
    version: suite.version,
    modelSha256: hashed.sha256,
    energyMean: stats.mean,
    energyStd: stats.std,
    horizon: H,
    ics: N,
    seed,
    batch,
    backend: backend.name,
    checkpointEvery: every,
    spectraEvery,
    energyOn: energyOnDevice ? "device" : "host",
    emubench: EMUBENCH_VERSION,
    gitCommit: await gitCommit(),
  };
  if (o.outDir) {
    await (await import("../core/safe_file.ts")).checkOutputDir(o.outDir);
    await sweepTemporaries(o.outDir, log);
  }
  const checkpointPath = o.outDir ? join(o.outDir, "checkpoint.json") : undefined;
  const saved = checkpointPath ? await readCheckpoint(checkpointPath, key) : undefined;

  // ICs and the history window (steps 0..k−1) from the suite.
  const tr = performance.now();
  const X = gridSize(suite.grid);
  const C = suite.fields.length;
  // Cached like a run's reference: the IC plus max(1, k − 1) solver steps (one step is the least
  // the cache holds), of which steps 0..k−1 are the window.
  let ics: Float32Array, window: Float32Array;
  if (o.cacheDir === false) {
    ics = suite.initialConditions(N, seed, (d, t) => o.setupProgress?.("initial conditions", d, t));
    window = k > 1
      ? suite.reference(ics, N, k - 1, (d, t) => o.setupProgress?.("history window", d, t))
      : ics;
  } else {
    const cached = await loadOrGenerateReference(suite, {
      seed,
      ics: N,
      steps: Math.max(1, k - 1),
    }, {
      cacheDir: o.cacheDir ?? defaultCacheDir(),
      log,
      progress: (d, t) => o.setupProgress?.("history window", d, t),
      icProgress: (d, t) => o.setupProgress?.("initial conditions", d, t),
      generate: pooledReference(),
    });
    ics = cached.ics;
    window = k > 1 ? cached.reference : ics;
  }
  const referenceSeconds = (performance.now() - tr) / 1000;

  const spectrum = suite.spectrum ? (f: Float32Array) => suite.spectrum!(f) : spectrum1d;
  const K = spectraEvery > 0 ? spectrum(ics.subarray(0, X)).length : 0;
  const acc: Accumulators = {
    exits: new Array(N).fill(null),
    count: new Float64Array(N),
    shift: new Float64Array(N),
    sum: new Float64Array(N),
    sumSq: new Float64Array(N),
    spectra: new Float64Array(N * C * K),
    samples: new Float64Array(N),
  };
  const prior = { model: 0, wall: 0, metric: 0, icSteps: 0 };
  const shape = gridShape(suite.grid);
  const resume = saved
    ? checkpointSnapshot(saved, checkpointPath!, {
      ics: N,
      shells: K,
      history: k,
      horizon: H,
      layout: snapshotLayout(plan, { channels: C, shape, count: N, steps: H, batch }),
    })
    : undefined;
  if (saved) {
    const f64 = (name: keyof Checkpoint["acc"], n: number) =>
      decoded(
        () => base64ToF64(saved.acc[name], n, `acc.${name}`, "a stability checkpoint"),
        checkpointPath!,
      );
    acc.exits = [...saved.acc.exits];
    acc.count = f64("count", N);
    acc.shift = f64("shift", N);
    acc.sum = f64("sum", N);
    acc.sumSq = f64("sumSq", N);
    acc.spectra = f64("spectra", N * C * K);
    acc.samples = f64("samples", N);
    for (const name of ["model", "wall", "metric", "icSteps"] as const) {
      const v = saved.seconds?.[name];
      if (typeof v !== "number" || !(v >= 0)) {
        throw new ValueRangeError({
          file: checkpointPath!,
          field: `seconds.${name}`,
          expected: "a non-negative number",
          found: JSON.stringify(v) ?? "nothing",
        });
      }
      prior[name] = v;
    }
    log(
      `resuming from ${checkpointPath} at step ${saved.snapshot.step} of the batch at IC ${saved.snapshot.first}`,
    );
  }

  log(
    `stability: ${suite.id} v${suite.version}, ${N} ICs × ${H} steps, band [${band.lower}, ${band.upper}] on ${backend.name}`,
  );
  const sessions = await openSessions(backend, model, plan, 2 + shape.length);
  const reduce = energyOnDevice ? await backend.createSession(suite.energyGraph!()) : undefined;
  if (reduce) log(`energy on the device: ${suite.id}.energyGraph on ${backend.name}`);
  let icSteps = 0;
  const save = async (snap: RolloutSnapshot, timing: RolloutTiming) => {
    const ck: Checkpoint = {
      schema: STABILITY_CHECKPOINT_SCHEMA,
      key,
      shells: K,
      snapshot: {
        first: snap.first,
        step: snap.step,
        divergence: snap.divergence,
        window: encodeTensor(snap.window),
        carries: Object.fromEntries(
          Object.entries(snap.carries).map(([n, t]) => [n, encodeTensor(t)]),
        ),
        ...(snap.latent
          ? {
            latent: Object.fromEntries(
              Object.entries(snap.latent).map(([n, t]) => [n, encodeTensor(t)]),
            ),
          }
          : {}),
      },
      acc: {
        exits: acc.exits,
        count: f64ToBase64(acc.count),
        shift: f64ToBase64(acc.shift),
        sum: f64ToBase64(acc.sum),
        sumSq: f64ToBase64(acc.sumSq),
        spectra: f64ToBase64(acc.spectra),
        samples: f64ToBase64(acc.samples),
      },
      seconds: {
        model: prior.model + timing.modelSeconds,
        wall: prior.wall + timing.wallSeconds,
        metric: prior.metric + timing.observerSeconds,
        icSteps: prior.icSteps + icSteps,
      },
    };
    if (checkpointPath) await writeFileAtomic(checkpointPath, JSON.stringify(ck));
  };

  const exit = (ic: number, n: number) => {
    if (acc.exits[ic] === null) acc.exits[ic] = n;
  };
  /** Band check and running moments of IC `ic`'s energy at step n; false once it exited. */
  const record = (ic: number, n: number, e: number): boolean => {
    if (!Number.isFinite(e) || e < band.lower || e > band.upper) {
      exit(ic, n);
      return false;
    }
    if (acc.count[ic] === 0) acc.shift[ic] = e;
    const d = e - acc.shift[ic];
    acc.count[ic]++;
    acc.sum[ic] += d;
    acc.sumSq[ic] += d * d;
    return true;
  };
  const stats0 = await rollout({
    sessions,
    ...(reduce ? { reduce } : {}),
    channels: C,
    shape,
    count: N,
    reference: window,
    refSteps: k - 1,
    steps: H,
    maxBatch,
    resume,
    ...(every > 0 && checkpointPath ? { checkpoint: { every, save } } : {}),
    observer: {
      finished: (ic) => acc.exits[ic] !== null,
      // With the energy graph, fields cross to the host only at spectrum steps.
      ...(reduce
        ? {
          needsStep: (n: number) => spectraEvery > 0 && n % spectraEvery === 0,
          scalar: (ic: number, n: number, e: number) => {
            icSteps++;
            if (acc.exits[ic] === null) record(ic, n, e);
          },
        }
        : {}),
      step: (ic, n, pred) => {
        icSteps++;
        if (acc.exits[ic] !== null) return;
        if (!record(ic, n, suite.energy(pred))) return;
        if (spectraEvery > 0 && n % spectraEvery === 0) {
          for (let c = 0; c < C; c++) {
            const p = spectrum(pred.subarray(c * X, (c + 1) * X));
            const at = (ic * C + c) * K;
            for (let q = 0; q < K; q++) acc.spectra[at + q] += p[q];
          }
          acc.samples[ic]++;
        }
      },
      diverged: (ic, n) => exit(ic, n),
    },
    progress: o.progress,
  });
  await closeSessions(sessions);
  await reduce?.release();
  const wall = prior.wall + stats0.wallSeconds;
  const modelSeconds = prior.model + stats0.modelSeconds;
  const totalIcSteps = prior.icSteps + icSteps;
  const outsideModelShare = wall > 0 ? Math.max(0, 1 - modelSeconds / wall) : 0;

  const rows: ResultRow[] = [...stabilityRows(acc.exits, band)];
  for (let ic = 0; ic < N; ic++) {
    const n = acc.count[ic];
    const mean = n > 0 ? acc.shift[ic] + acc.sum[ic] / n : null;
    const variance = n > 0 ? Math.max(0, acc.sumSq[ic] / n - (acc.sum[ic] / n) ** 2) : null;
    const reduction = "over_steps_before_exit";
    rows.push({ metric: "energy_time_mean", field: "*", ic, value: mean, reduction });
    rows.push({
      metric: "energy_time_std",
      field: "*",
      ic,
      value: variance === null ? null : Math.sqrt(variance),
      reduction,
    });
  }
  if (K > 0) {
    const contributing = [...acc.samples.keys()].filter((ic) => acc.samples[ic] > 0);
    suite.fields.forEach((field, c) => {
      for (let q = 0; q < K; q++) {
        let s = 0;
        for (const ic of contributing) s += acc.spectra[(ic * C + c) * K + q] / acc.samples[ic];
        rows.push({
          metric: "spectrum_pred",
          field,
          k: q,
          value: contributing.length > 0 ? s / contributing.length : null,
          n: contributing.length,
          reduction: "mean_over_ics_and_sampled_steps",
        });
      }
    });
  }

  const result: Result = described(suite, {
    ...await resultHeader({
      task: "stability",
      suite,
      tier: "stability",
      model: modelBlock(model, plan, hashed.files, hashed.sha256),
      backend,
      config: {
        ics: N,
        steps: H,
        seed,
        backend: o.backend ?? "auto",
        batch,
        data:
          `solver ICs only (no reference trajectory); energy band μ_E ± 5σ_E with μ_E ${stats.mean}, σ_E ${stats.std}; energy computed ${
            reduce ? `on the device (${suite.id}.energyGraph)` : "on the host"
          }`,
        summarySteps: [],
      },
    }),
    timings: {
      modelSeconds,
      metricSeconds: prior.metric + stats0.observerSeconds,
      referenceSeconds,
      stepsPerSecond: wall > 0 ? totalIcSteps / wall : 0,
      totalSeconds: (performance.now() - t0) / 1000 + prior.wall,
    },
    rows,
    // Only a divergence that was the exit cause: later fates depend on the batch (module doc).
    divergence: stats0.divergence.map((step, ic) => ({
      ic,
      step: step !== null && step === acc.exits[ic] ? step : null,
    })),
    snapshots: [],
  });
  const written: StabilityRun["files"] = {};
  if (o.outDir) {
    // One output set (harness/core/atomic.ts): the new result.json replaces the old one and the
    // checkpoint in one swap, so an interrupt leaves the old set (and the checkpoint to resume
    // from) or the complete new one.
    const extra = Object.keys(o.extraOutputs ?? {});
    const set = await OutputSet.begin(o.outDir, [...STABILITY_OUTPUT_FILES, ...extra]);
    try {
      await writeFileAtomic(set.path("result.json"), JSON.stringify(result, null, 1));
      for (const [name, write] of Object.entries(o.extraOutputs ?? {})) {
        await write(set.path(name), result);
        (written.extra ??= {})[name] = join(o.outDir, name);
      }
      await set.commit();
      written.result = join(o.outDir, "result.json");
    } finally {
      set.abandon();
    }
  }
  return { result, outsideModelShare, resumed: saved !== undefined, files: written };
}

/**
 * The rollout engine: feeds a model its own outputs for `steps` steps from batches of initial
 * conditions and streams each step to an observer (metrics, trajectory writers), so memory does
 * not grow with the horizon.
 *
 * - the reference is read a step window at a time (`RolloutOptions.reference` as a
 *   `ReferenceSource`, `harness/data/reference_source.ts`): per batch, the history window, one
 *   pass for the bound's reference max, then windows of the states handed to the observer, each
 *   at most `referenceWindowBytes`; an array is wrapped the same way; only the observer's windows
 *   are read from `reference`, the others from `referenceStates` where given (the states without
 *   the reference features a run reads beside them, so those are read once);
 * - history windows (`history = k`): the first k states come from the reference; the window is
 *   advanced by a tiny ONNX graph on the same backend, so on webgpu it never leaves the device;
 * - carried tensors start at zero (or from the `init` graph) and are fed back each step;
 * - latent models are encoded once, stepped in latent space and decoded only at the steps the
 *   observer asks for; a latent may be several tensors (HEAP's levels e1, e2, e3), all kept where
 *   the runtime put them (on webgpu, on the device);
 * - shapes the graphs leave symbolic are confirmed as they run: a state, carried or latent output
 *   of other dims than the step needs is refused with a `ShapeError` naming the graph file, the
 *   tensor and the axis;
 * - a graph onnxruntime refuses to load, or that fails while running, is bad input: a
 *   `FormatError` (load) or `ShapeError`/`ValueRangeError` (run) naming the graph file and the
 *   node/op onnxruntime names ({@link modelFault}), never a bare runtime error;
 * - a NaN/Inf in an IC's output marks that IC diverged at that step; the batch carries on;
 * - resumable (long `stability` runs, `harness/tasks/stability.ts`): with `checkpoint`, every
 *   `every` steps the model-side state of the batch in flight (window, carries, latent, step,
 *   divergence) is read to the host and handed to `save` after the observer has seen that step
 *   (the next step is not started before, so the snapshot is exact); `resume` restarts from such
 *   a snapshot: earlier batches are skipped, the snapshot's batch continues at `step + 1` with
 *   the very tensor values it had, so a resumed run computes what an uninterrupted one does; a
 *   snapshot that does not fit the run (batch start, step, tensor dims, IC count) is refused with
 *   a `ValueRangeError` ({@link checkSnapshot});
 * - an observer may report ICs `finished` (e.g. left the stability band): a batch whose ICs are
 *   all finished stops early. A finished IC whose batch goes on is still scanned, so whether a
 *   later NaN of it is recorded in `divergence` depends on the other ICs of its batch: callers
 *   that need batch-independent results ignore divergence after an IC's finish
 *   (`harness/tasks/stability.ts` does);
 * - timing ({@link RolloutTiming}): model time is the time the loop is blocked awaiting the
 *   model plus the synchronous part of issuing each model call; everything else in the loop's
 *   wall time (observer, NaN scans, checkpoints) is host time outside the model.
 *
 * @module
 */
import { normalizeChannels } from "./normalize.ts";
import { FormatError, isInputError, ValueRangeError } from "../core/errors.ts";
import {
  type Backend,
  disposeTensor,
  float32ToFloat16,
  type Session,
  type Tensor,
} from "../onnx/backend.ts";
import type { ModelPlan } from "./plan.ts";
import type { ModelSource } from "./manifest.ts";
import { GraphBuilder } from "../onnx/graph.ts";
import { ShapeError } from "../core/errors.ts";
import { conditioningFeeds } from "./conditioning.ts";
import {
  arrayReferenceSource,
  type ReferenceSource,
  stepsPerWindow,
} from "../data/reference_source.ts";

/** Receives the rollout step by step. `pred` and `ref` are one IC's state `[C, ...grid]`. */
export interface RolloutObserver {
  /** Called once per IC with its initial state (step 0). */
  initial?(ic: number, state: Float32Array): void;
  /** Called for every IC and predicted step that has not diverged. */
  step(ic: number, step: number, pred: Float32Array, ref: Float32Array): void;
  /**
   * Called once when an IC diverges: its state holds a NaN/Inf (`reason.kind` `"nonfinite"`) or
   * leaves the suite's bound ({@link RolloutOptions.bound}, `"bound"`).
   */
  diverged(ic: number, step: number, reason?: DivergenceReason): void;
  /** Steps at which physical fields are needed (latent models decode only there). Default: all. */
  needsStep?(step: number): boolean;
  /** True once the observer needs no more steps of IC `ic`; a batch of finished ICs stops. */
  finished?(ic: number): boolean;
  /**
   * With {@link RolloutOptions.reduce}: the reduced value of IC `ic` at a step where
   * {@link needsStep} is false (the state itself was not read back). A non-finite value counts
   * as the IC's divergence at that step instead.
   */
  scalar?(ic: number, step: number, value: number): void;
  /**
   * With {@link RolloutOptions.stepMetrics}: IC `ic`'s numbers at `step` (`width` values, laid
   * out as {@link StepMetrics} says), called at every step before {@link step} for ICs that have
   * not diverged (the flag and maxima were checked first).
   */
  reduced?(ic: number, step: number, values: Float32Array): void;
  /**
   * Awaited after the initial states and after each step's calls (e.g. to hand the batch to a
   * scoring worker and wait while it is too far behind, `harness/tasks/scoring.ts`).
   */
  settle?(): Promise<void>;
}

/** Per-IC values of {@link RolloutOptions.reduce} for one batch step. */
interface Scalars {
  scalars: Float32Array;
}

/** Per-IC numbers of {@link RolloutOptions.stepMetrics} for one batch step, and the state if read. */
interface Reduced {
  metrics: Float32Array;
  host?: Float32Array;
}

/**
 * Per-step reductions run on the backend next to the model (`harness/model/device_metrics.ts`):
 * at every step, `run` gets the predicted state and the reference state of that step as tensors
 * `[B, C, ...grid]` (float32, the reference uploaded from the host) and returns `B × width`
 * numbers on the host. Per IC they start with a finiteness flag (`0` when the state is finite,
 * anything else marks the IC diverged, `"nonfinite"`) and then max|field c| for each of the C
 * fields (checked against {@link RolloutOptions.bound} exactly as the host check does); the rest
 * is the observer's ({@link RolloutObserver.reduced}). Full states are read back only where
 * {@link RolloutObserver.needsStep} says so.
 */
export interface StepMetrics {
  /** Numbers per IC: 1 + C + the observer's. */
  readonly width: number;
  /** Reduce one step: `B × width` numbers, IC-major. Must not dispose `pred` or `ref`. */
  run(pred: Tensor, ref: Tensor): Promise<Float32Array>;
}

/** A tensor's values on the host (float32; float16 tensors are widened exactly). */
export interface HostTensor {
  dims: number[];
  data: Float32Array;
}

/**
 * The model-side state of a rollout after step `step` of the batch starting at IC `first`:
 * what {@link RolloutOptions.resume} needs to continue exactly where it stopped.
 */
export interface RolloutSnapshot {
  /** First IC of the batch in flight. */
  first: number;
  /** Last step the observer has seen for this batch. */
  step: number;
  /** The window (history k > 1: `[B, k, C, ...]`) or the state `[B, C, ...]`, as fed next. */
  window: HostTensor;
  /** Carried tensors by input name. */
  carries: Record<string, HostTensor>;
  /** Latent state (latent models), by step input name. */
  latent?: Record<string, HostTensor>;
  /** First non-finite step per IC (all N ICs), or null. */
  divergence: (number | null)[];
}

/** Sessions for one model on one backend. */
export interface ModelSessions {
  backend: Backend;
  plan: ModelPlan;
  model: ModelSource;
  step: Session;
  encode?: Session;
  decode?: Session;
  init?: Session;
  /** Advances a history window by one state (history > 1 only). */
  shift?: Session;
}

/** Graph that drops the oldest state of a window and appends a new one: `[B,k,...] × [B,...]`. */
export function historyShiftGraph(rank: number, dtype: "float32" | "float16"): Uint8Array {
  const g = new GraphBuilder("history_shift");
  const elem = dtype === "float16" ? 10 : 1;
  const dims = ["B", "K", ...Array.from({ length: rank - 2 }, (_, i) => `d${i}`)];
  const w = g.input("window", dims, elem);
  const s = g.input("state", ["B", ...dims.slice(2)], elem);
  const tail = g.op("Slice", [w, g.ints([1]), g.ints([2 ** 62]), g.ints([1])]);
  const next = g.op("Concat", [tail, g.op("Unsqueeze", [s, g.ints([1])])], { axis: 1 });
  g.output(next, "next", dims, elem);
  return g.build();
}

/** The first line of a runtime error, without onnxruntime's `[ErrorCode:...]` prefix. */
function runtimeMessage(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  const line = text.split("\n").map((l) => l.trim()).find((l) => l !== "") ?? "no message";
  const clean = line.replace(/^\[ErrorCode:[^\]]*\]\s*/, "")
    .replace(/^Can't create a session\.\s*ERROR_CODE: \d+, ERROR_MESSAGE:\s*/, "")
    .replace(/^failed to call OrtRun\(\)\.\s*ERROR_CODE: \d+, ERROR_MESSAGE:\s*/, "")
    // onnxruntime's source path and C++ signature say nothing to a user: keep the kernel file.
    .replace(
      /(^|\s)\/\S+\/([\w.]+\.(?:h|cc|cpp)):\d+\s+(?:[\w:~<>]+\([^)]*\)(?:\s*const)?\s*)?/,
      "$1(in onnxruntime's $2) ",
    );
  return clean.length > 400 ? `${clean.slice(0, 400)}…` : clean;
}

/**
 * A model fault as bad input: what onnxruntime said when graph `file` failed to load (`phase`
 * "load") or to run ("run") on `backend`, with the node and op it names. Input errors pass
 * through unchanged.
 *
 * @example
 * ```ts
 * import { modelFault } from "./rollout.ts";
 * const e = modelFault(
 *   new Error("Non-zero status code returned while running Conv node. Name:'/conv/Conv' Status Message: bad"),
 *   "step.onnx", "run", "native",
 * );
 * if (!e.message.startsWith("step.onnx: node /conv/Conv (op Conv)")) throw new Error(e.message);
 * ```
 */
export function modelFault(
  e: unknown,
  file: string,
  phase: "load" | "run",
  backend: string,
): Error {
  if (isInputError(e)) return e as Error;
  const message = runtimeMessage(e);
  const op = /running (\S+) node/.exec(message)?.[1] ??
    /implementation for (\S+?)\(/.exec(message)?.[1] ??
    /No Op registered for (\S+)/.exec(message)?.[1] ??
    /(\S+\.\S+:\S+)\(-?\d+\) is not a registered/.exec(message)?.[1];
  const node = /Name:\s*'([^']*)'/.exec(message)?.[1] ??
    /node with name '([^']*)'/.exec(message)?.[1];
  const tensor = /input:\s*(\S+) for the following indices/.exec(message)?.[1] ??
    /input '([^']*)' is missing/.exec(message)?.[1];
  const field = node !== undefined
    ? `node ${node}${op ? ` (op ${op})` : ""}`
    : op !== undefined
    ? `op ${op}`
    : tensor !== undefined
    ? `input ${tensor}`
    : "graph";
  const parts = {
    file,
    field,
    expected: phase === "load"
      ? `a graph onnxruntime loads on ${backend}`
      : `a graph that runs on ${backend}`,
    found: `onnxruntime ${phase === "load" ? "refused it" : "failed while running it"}: ${message}`,
  };
  if (phase === "load") return new FormatError(parts);
  return /dimension|shape|size|rank/i.test(message)
    ? new ShapeError(parts)
    : new ValueRangeError(parts);
}

/** Load graph `file` on `backend`, turning onnxruntime's errors into {@link modelFault}s. */
async function openGraph(backend: Backend, bytes: Uint8Array, file: string): Promise<Session> {
  let s: Session;
  try {
    s = await backend.createSession(bytes);
  } catch (e) {
    throw modelFault(e, file, "load", backend.name);
  }
  return {
    inputNames: s.inputNames,
    outputNames: s.outputNames,
    run: async (feeds) => {
      try {
        return await s.run(feeds);
      } catch (e) {
        throw modelFault(e, file, "run", backend.name);
      }
    },
    release: () => s.release(),
  };
}

/**
 * Create the sessions a model needs on `backend`. `stateRank` is the rank of a batched state
 * `[B, C, ...grid]` (3 for 1D suites). A graph onnxruntime refuses is a `FormatError` naming it.
 */
export async function openSessions(
  backend: Backend,
  model: ModelSource,
  plan: ModelPlan,
  stateRank: number,
): Promise<ModelSessions> {
  const g = model.graphs;
  const s: ModelSessions = {
    backend,
    plan,
    model,
    step: await openGraph(backend, g.step.bytes, g.step.path),
  };
  try {
    if (g.encode) s.encode = await openGraph(backend, g.encode.bytes, g.encode.path);
    if (g.decode) s.decode = await openGraph(backend, g.decode.bytes, g.decode.path);
    if (g.init) s.init = await openGraph(backend, g.init.bytes, g.init.path);
  } catch (e) {
    await closeSessions(s);
    throw e;
  }
  if (plan.history > 1) {
    s.shift = await backend.createSession(historyShiftGraph(stateRank + 1, plan.dtype));
  }
  return s;
}

/** Release every session. */
export async function closeSessions(s: ModelSessions): Promise<void> {
  for (const x of [s.step, s.encode, s.decode, s.init, s.shift]) await x?.release();
}

/** Where a rollout's wall time went (so far, for {@link RolloutOptions.checkpoint}). */
export interface RolloutTiming {
  /**
   * Seconds the rollout loop could not go on because of the model: the time it was blocked
   * awaiting model work (session.run of step/init/encode/decode/shift graphs, the device→host
   * read-back and the feeding/normalising around them) plus the synchronous part of issuing each
   * model step. Steps are pipelined (step n + 1 runs while step n is scored), so model work that
   * overlaps the observer is not counted: `wallSeconds − modelSeconds` is exactly the loop's time
   * outside the model (observer, NaN scans, checkpoints, progress), and never negative. Where
   * the runtime computes on its own threads or device (native, webgpu) while the host scores, the
   * host time is an upper bound on what the host work adds to the wall time (part of it may have
   * been hidden by the model's work) and `modelSeconds` a lower bound on the model's; on wasm
   * (one thread, in the host's thread) the split is exact.
   */
  modelSeconds: number;
  /** Seconds inside observer callbacks (part of the time outside the model). */
  observerSeconds: number;
  /** Wall seconds of the whole loop. */
  wallSeconds: number;
}

/** Why an IC diverged: a NaN/Inf in its state, or a state beyond the suite's bound. */
export type DivergenceReason =
  | { readonly kind: "nonfinite" }
  | {
    readonly kind: "bound";
    /** What left the bound, e.g. `"max|u| 13.2 > 10 × 1.31 (reference max)"`. */
    readonly detail: string;
  };

/** What a rollout measured. */
export interface RolloutStats extends RolloutTiming {
  /** Model calls × batch size (IC-steps) per wall second. */
  stepsPerSecond: number;
  /** First diverged step per IC (non-finite or out of bound), or null. */
  divergence: (number | null)[];
  /** Why each IC diverged (null where it did not; ICs diverged before a resume: nonfinite). */
  reasons: (DivergenceReason | null)[];
}

/** Inputs of {@link rollout}. */
export interface RolloutOptions {
  sessions: ModelSessions;
  /** Channels C. */
  channels: number;
  /** Grid shape, e.g. `[1024]`. */
  shape: readonly number[];
  /** Number of ICs N. */
  count: number;
  /**
   * Reference `[N, refSteps + 1, C, ...grid]` (step 0 = IC); must cover the history window. An
   * array, or a source read a step window at a time (`harness/data/reference_source.ts`): each
   * batch then holds only {@link referenceWindowBytes} of it, so memory does not grow with the
   * horizon.
   */
  reference: Float32Array | ReferenceSource;
  /**
   * The states of `reference` alone, where `reference` reads something beside them with each
   * window (`featuredReference` in `harness/data/reference_features.ts`: the reference
   * features). The rollout reads the windows it does not hand to the observer from here (the
   * bound's pass over every step, the history window, `stepMetrics`' reference), so what
   * `reference` reads beside the states is read once per step, with the observer's windows.
   * The same count, steps and state size as `reference`; default: `reference`.
   */
  referenceStates?: ReferenceSource;
  refSteps: number;
  /**
   * Most bytes of reference a batch holds at once (its history window, one pass for the bound's
   * reference max, then the states its observer is handed, window by window): default 1 MiB,
   * at least one step.
   */
  referenceWindowBytes?: number;
  /** Horizon T. Reference values beyond `refSteps` are passed as empty arrays. */
  steps: number;
  /** Largest batch to run at once (dynamic-batch models). */
  maxBatch?: number;
  /**
   * The suite's divergence bound (`Suite.divergenceBound`): an IC diverges at the first step
   * where max|field c| exceeds `factor` × the largest |field c| of its reference steps
   * 0..`refSteps` (fields whose reference is 0 everywhere are not bounded). Absent: only
   * NaN/Inf counts.
   */
  bound?: { readonly factor: number; readonly fields?: readonly string[] };
  /**
   * Hours since 1 January 00 UTC of state 0 of each IC (indexed like `reference`), for the
   * `day_of_year` and `hour` conditioning inputs; needed only by models that declare them.
   */
  startHours?: readonly number[];
  observer: RolloutObserver;
  /**
   * A session mapping a predicted state `[B, C, ...grid]` to one float32 number per IC `[B]`
   * (e.g. the suite's `energyGraph`), run on the same backend at every step where the observer
   * does not need fields (`needsStep` false): only B numbers cross to the host there (on webgpu
   * the state never leaves the device). Used for float32 step models without `normalize` (the
   * graph sees physical units); ignored otherwise.
   */
  reduce?: Session;
  /**
   * Per-step reductions on the device ({@link StepMetrics}): for float32 models without
   * `normalize` (latent models are decoded every step, on the device) and a reference covering
   * every step (`refSteps ≥ steps`); a `TypeError` otherwise. The observer then gets
   * `reduced` every step and `step` only where `needsStep` is true.
   */
  stepMetrics?: StepMetrics;
  progress?: (done: number, total: number) => void;
  /**
   * Snapshot the state every `every` steps (steps that are multiples of it, below T); `timing`
   * is this rollout's timing up to the snapshot.
   */
  checkpoint?: {
    every: number;
    save(snapshot: RolloutSnapshot, timing: RolloutTiming): Promise<void>;
  };
  /**
   * Continue from a snapshot of the same model, ICs and batch size (checked with
   * {@link checkSnapshot}).
   */
  resume?: RolloutSnapshot;
}

/** What a snapshot must fit: the run that is to continue from it. */
export interface SnapshotLayout {
  /** ICs N. */
  count: number;
  /** Batch size B actually run. */
  batch: number;
  /** The model's history k. */
  history: number;
  /** Horizon T. */
  steps: number;
  /** Dims of the window (or state) fed to the model. */
  window: readonly number[];
  /** Dims of each carried tensor by input name (non-numbers: any size). */
  carries: Record<string, readonly (number | string | null)[]>;
  /**
   * Latent models: the latent tensors by step input name with their dims (non-numbers: any
   * size); the snapshot must hold each. Empty for step models.
   */
  latent: Record<string, readonly (number | string | null)[] | null>;
}

/** The layout {@link rollout} expects of a resume snapshot. */
export function snapshotLayout(
  plan: ModelPlan,
  o: { channels: number; shape: readonly number[]; count: number; steps: number; batch: number },
): SnapshotLayout {
  const B = o.batch, k = plan.history;
  return {
    count: o.count,
    batch: B,
    history: k,
    steps: o.steps,
    window: k > 1 ? [B, k, o.channels, ...o.shape] : [B, o.channels, ...o.shape],
    carries: Object.fromEntries(
      plan.step.carry.map(([i]) => [i, (plan.carryDims[i] ?? []).map((d, a) => a === 0 ? B : d)]),
    ),
    latent: Object.fromEntries((plan.latent ?? []).map(([i]) => {
      const dims = plan.graphs.step.inputs.find((t) => t.name === i)?.dims ?? null;
      return [i, dims === null ? null : dims.map((d, a) => a === 0 ? B : d)];
    })),
  };
}

/**
 * Check that `s` can continue the run of `layout`, or throw a `ValueRangeError` naming `file`
 * (when given), the field, what was expected and what was found: `first` a multiple of the batch
 * size below N, `step` in [k, T), the window, carries and latent state of the right dims (and
 * as many values as their dims say), `divergence` of length N.
 *
 * @example
 * ```ts
 * import { checkSnapshot } from "./rollout.ts";
 * const layout = { count: 4, batch: 2, history: 1, steps: 10, window: [2, 1, 3], carries: {}, latent: {} };
 * const ok = { first: 2, step: 5, window: { dims: [2, 1, 3], data: new Float32Array(6) }, carries: {}, divergence: [null, null, null, null] };
 * checkSnapshot(ok, layout);
 * let message = "";
 * try { checkSnapshot({ ...ok, first: 1 }, layout, "ck.json"); } catch (e) { message = String(e); }
 * if (!message.includes("ck.json: snapshot.first")) throw new Error(message);
 * ```
 */
export function checkSnapshot(s: RolloutSnapshot, layout: SnapshotLayout, file?: string): void {
  const fail = (field: string, expected: string, found: unknown): never => {
    throw new ValueRangeError({
      ...(file ? { file } : {}),
      field,
      expected,
      found: typeof found === "string" ? found : JSON.stringify(found),
      hint: "The snapshot does not belong to this run; delete it to start afresh.",
    });
  };
  const { count: N, batch: B, history: k, steps: T } = layout;
  if (!Number.isInteger(s?.first) || s.first < 0 || s.first >= N || s.first % B !== 0) {
    fail("snapshot.first", `a multiple of the batch size ${B} below ${N} ICs`, s?.first);
  }
  if (!Number.isInteger(s.step) || s.step < k || s.step >= T) {
    fail("snapshot.step", `an integer in [${k}, ${T}) (history k ≤ step < horizon)`, s.step);
  }
  if (!Array.isArray(s.divergence) || s.divergence.length !== N) {
    fail("snapshot.divergence", `${N} entries (one per IC)`, s.divergence?.length);
  }
  s.divergence.forEach((d, ic) => {
    if (d !== null && (!Number.isInteger(d) || d < k || d > T)) {
      fail(`snapshot.divergence[${ic}]`, `null or a step in [${k}, ${T}]`, d);
    }
  });
  const tensor = (
    t: HostTensor | undefined,
    field: string,
    dims: readonly (number | string | null)[] | undefined,
  ) => {
    if (!t || !Array.isArray(t.dims) || !(t.data instanceof Float32Array)) {
      return fail(field, "a tensor { dims, data }", t === undefined ? "none" : "something else");
    }
    const fits = dims
      ? t.dims.length === dims.length &&
        dims.every((d, a) => typeof d !== "number" || t.dims[a] === d)
      : t.dims[0] === B;
    if (!fits) {
      fail(
        `${field}.dims`,
        dims ? `[${dims.map((d) => typeof d === "number" ? d : "*")}]` : `[${B}, ...]`,
        `[${t.dims}]`,
      );
    }
    const n = t.dims.reduce((a, b) => a * b, 1);
    if (t.data.length !== n) fail(`${field}.data`, `${n} values ([${t.dims}])`, `${t.data.length}`);
  };
  tensor(s.window, "snapshot.window", layout.window);
  const names = Object.keys(layout.carries).sort(), have = Object.keys(s.carries ?? {}).sort();
  if (JSON.stringify(names) !== JSON.stringify(have)) {
    fail("snapshot.carries", `carries ${JSON.stringify(names)}`, JSON.stringify(have));
  }
  for (const name of names) {
    tensor(s.carries[name], `snapshot.carries.${name}`, layout.carries[name]);
  }
  const latents = Object.keys(layout.latent).sort();
  if (latents.length > 0) {
    const haveL = Object.keys(s.latent ?? {}).sort();
    if (JSON.stringify(latents) !== JSON.stringify(haveL)) {
      fail("snapshot.latent", `latent tensors ${JSON.stringify(latents)}`, JSON.stringify(haveL));
    }
    for (const name of latents) {
      tensor(s.latent![name], `snapshot.latent.${name}`, layout.latent[name] ?? undefined);
    }
  } else if (s.latent !== undefined) {
    fail("snapshot.latent", "none (not a latent model)", "latent tensors");
  }
}

function product(a: readonly number[]): number {
  return a.reduce((x, y) => x * y, 1);
}

/**
 * Confirm at run time what the declared shapes left open: tensor `field` of graph `file` has
 * dims `got`; `want` are the dims it must have (numbers must match; the batch axis must be `B`;
 * other symbolic or unknown axes of `want` match any size). Throws a `ShapeError` naming the
 * tensor and the first axis that differs.
 */
function expectDims(
  got: readonly number[],
  want: readonly (number | string | null)[] | null,
  B: number,
  file: string,
  field: string,
  [what]: [string],
): void {
  if (want === null) return;
  const need = want.map((d, a) => a === 0 ? B : d);
  const shown = `[${need.map((d) => d ?? "?").join(",")}]`;
  const fail = (why: string) => {
    throw new ShapeError({
      file,
      field,
      expected: `${shown} (${what})`,
      found: `[${got.join(",")}] (${why})`,
      hint: "The graph declares symbolic sizes here; the sizes it produced when run do not fit.",
    });
  };
  if (got.length !== need.length) fail(`rank ${got.length}, not ${need.length}`);
  for (let a = 0; a < need.length; a++) {
    const d = need[a];
    if (typeof d === "number" && got[a] !== d) fail(`axis ${a} is ${got[a]}, not ${d}`);
  }
}

/**
 * Refuse a model whose history window `k` does not fit a rollout of `steps` steps (its first
 * prediction is step k, from reference states 0..k−1): `ValueRangeError` naming the manifest
 * file (`<model>/emulator.json`), `history`, the most that fits and the value found.
 *
 * @example
 * ```ts
 * import { checkHistoryFits } from "./rollout.ts";
 * const model = { origin: "m", manifestFile: { path: "emulator.json", bytes: new Uint8Array() } };
 * checkHistoryFits(model, 3, 20); // fits
 * let message = "";
 * try { checkHistoryFits(model, 25, 20); } catch (e) { message = String(e); }
 * if (!message.includes("m/emulator.json: history: expected at most 20")) throw new Error(message);
 * if (!message.includes("found 25")) throw new Error(message);
 * ```
 */
export function checkHistoryFits(
  model: Pick<ModelSource, "origin" | "manifestFile">,
  k: number,
  steps: number,
): void {
  if (k <= steps) return;
  const file = model.manifestFile
    ? `${model.origin.replace(/\/+$/, "")}/${model.manifestFile.path}`
    : model.origin;
  throw new ValueRangeError({
    file,
    field: "history",
    expected: `at most ${steps} (the rollout's ${steps} steps, --steps or the tier's; the ` +
      "model's first prediction is step history, from that many reference states)",
    found: String(k),
    hint: "Run more --steps, or export the model with a shorter history window",
  });
}

/**
 * Roll the model out over all ICs in batches and stream every step to the observer.
 */
export async function rollout(o: RolloutOptions): Promise<RolloutStats> {
  const { sessions, channels: C, shape, count: N, refSteps, steps: T } = o;
  const { backend, plan, model } = sessions;
  const k = plan.history;
  const S = C * product(shape);
  const stride = (refSteps + 1) * S;
  const found = o.reference instanceof Float32Array
    ? `${o.reference.length}`
    : `${o.reference.count}×${o.reference.steps + 1}×${o.reference.stateSize} values`;
  if (
    o.reference instanceof Float32Array
      ? o.reference.length !== N * stride
      : o.reference.count !== N || o.reference.steps !== refSteps || o.reference.stateSize !== S
  ) {
    throw new ShapeError({
      field: "reference",
      expected: `${N}×${refSteps + 1}×${S} values`,
      found,
    });
  }
  const reference: ReferenceSource = o.reference instanceof Float32Array
    ? arrayReferenceSource(o.reference, N, refSteps, S)
    : o.reference;
  const refStates = o.referenceStates ?? reference;
  if (refStates.count !== N || refStates.steps !== refSteps || refStates.stateSize !== S) {
    throw new ShapeError({
      field: "referenceStates",
      expected: `${N}×${refSteps + 1}×${S} values`,
      found: `${refStates.count}×${refStates.steps + 1}×${refStates.stateSize} values`,
    });
  }
  checkHistoryFits(model, k, Math.min(refSteps + 1, T));
  const norm = model.manifest.normalize;
  // Device-side reduction (RolloutOptions.reduce): float32 step models without normalize.
  const reduceOn = o.reduce !== undefined && o.observer.scalar !== undefined && !norm &&
    plan.dtype === "float32" && plan.form === "step";
  const metricsOn = o.stepMetrics !== undefined;
  if (metricsOn && (norm || plan.dtype !== "float32" || refSteps < T)) {
    throw new TypeError(
      "Cannot roll out with stepMetrics: they need a float32 model without normalize and a " +
        `reference of every step (found ${plan.dtype}${norm ? ", normalize" : ""}, reference ` +
        `steps ${refSteps} of ${T})`,
    );
  }
  const fixed = plan.batch === "dynamic" ? null : plan.batch;
  const B = fixed ?? Math.max(1, Math.min(o.maxBatch ?? 32, N));
  if (o.resume) {
    checkSnapshot(
      o.resume,
      snapshotLayout(plan, { channels: C, shape, count: N, steps: T, batch: B }),
    );
  }
  const divergence: (number | null)[] = o.resume
    ? [...o.resume.divergence]
    : new Array(N).fill(null);
  const reasons: (DivergenceReason | null)[] = divergence.map((d) =>
    d === null ? null : { kind: "nonfinite" }
  );
  const diverge = (ic: number, n: number, reason: DivergenceReason) => {
    divergence[ic] = n;
    reasons[ic] = reason;
    o.observer.diverged(ic, n, reason);
  };
  // Per IC and field: the bound on max|field| (Infinity: none).
  const P = product(shape);
  const limits = new Float64Array(N * C).fill(Infinity);
  const refMax = new Float64Array(N * C);
  /** The bound of ICs `first..first + real − 1`: one pass over their reference, by windows. */
  const boundBatch = async (first: number, real: number, W: number) => {
    if (!o.bound) return;
    for (let t0 = 0; t0 <= refSteps; t0 += W) {
      const t1 = Math.min(refSteps + 1, t0 + W);
      const w = await refStates.window(first, first + real, t0, t1);
      for (let j = 0; j < real; j++) {
        const ic = first + j;
        for (let t = 0; t < t1 - t0; t++) {
          for (let c = 0; c < C; c++) {
            const a = (j * (t1 - t0) + t) * S + c * P;
            let m = refMax[ic * C + c];
            for (let i = a; i < a + P; i++) m = Math.max(m, Math.abs(w[i]));
            refMax[ic * C + c] = m;
          }
        }
      }
    }
    for (let ic = first; ic < first + real; ic++) {
      for (let c = 0; c < C; c++) {
        const m = refMax[ic * C + c];
        if (m > 0 && Number.isFinite(m)) limits[ic * C + c] = o.bound.factor * m;
      }
    }
  };
  /** The bound `pred` (IC `ic`) leaves, or undefined. */
  const outOfBound = (ic: number, pred: Float32Array): DivergenceReason | undefined =>
    boundReason(ic, (c) => {
      let m = 0;
      for (let i = c * P; i < (c + 1) * P; i++) m = Math.max(m, Math.abs(pred[i]));
      return m;
    });
  /** The bound IC `ic` leaves when max|field c| is `maxOf(c)`, or undefined. */
  const boundReason = (ic: number, maxOf: (c: number) => number): DivergenceReason | undefined => {
    if (!o.bound) return undefined;
    for (let c = 0; c < C; c++) {
      const limit = limits[ic * C + c];
      const m = maxOf(c);
      if (m > limit) {
        const name = o.bound.fields?.[c] ?? `field ${c}`;
        return {
          kind: "bound",
          detail: `max|${name}| ${m.toPrecision(4)} > ${o.bound.factor} × ${
            refMax[ic * C + c].toPrecision(4)
          } (reference max)`,
        };
      }
    }
    return undefined;
  };
  const needs = (n: number) => o.observer.needsStep ? o.observer.needsStep(n) : true;
  let modelSeconds = 0, observerSeconds = 0;
  const t0 = performance.now();
  const timing = (): RolloutTiming => ({
    modelSeconds,
    observerSeconds,
    wallSeconds: (performance.now() - t0) / 1000,
  });
  // Model time (RolloutTiming): the loop blocked on model work. `blocked` times a call and the
  // wait for its result; `issue` times only the synchronous start of a pipelined step.
  const blocked = async <R>(f: () => Promise<R>): Promise<R> => {
    const t = performance.now();
    try {
      return await f();
    } finally {
      modelSeconds += (performance.now() - t) / 1000;
    }
  };
  let done = 0;
  const total = N * (T - k + 1);

  const toModel = (host: Float32Array, dims: number[]): Tensor => {
    const data = norm ? normalizeChannels(host, norm, product(shape), "in") : host;
    return plan.dtype === "float16"
      ? backend.tensor("float16", float32ToFloat16(data), dims)
      : backend.tensor("float32", data, dims);
  };
  const fromModel = async (t: Tensor): Promise<Float32Array> => {
    const host = await backend.read(t);
    return norm ? normalizeChannels(host, norm, product(shape), "out") : host;
  };
  const toHostTensor = async (t: Tensor): Promise<HostTensor> => ({
    dims: [...t.dims],
    data: new Float32Array(await backend.read(t)),
  });
  /** A tensor of element type `type` (the state's, or a carried/latent input's) from the host. */
  const fromHostTensor = (h: HostTensor, type = plan.dtype): Tensor =>
    type === "float16"
      ? backend.tensor("float16", float32ToFloat16(h.data), h.dims)
      : backend.tensor("float32", h.data, h.dims);
  const run = (s: Session, feeds: Record<string, Tensor>) => s.run(feeds);
  const latentPairs = plan.latent ?? [];
  const stepFile = model.graphs.step.path;
  /** Dispose the outputs of a run that nothing uses (on webgpu they hold device memory). */
  const disposeOthers = (out: Record<string, Tensor>, used: Set<string>) => {
    for (const [name, t] of Object.entries(out)) if (!used.has(name)) disposeTensor(t);
  };
  const stepUsed = new Set([
    ...plan.step.carry.map(([, o]) => o),
    ...latentPairs.map(([, o]) => o),
    ...(latentPairs.length ? [] : [plan.step.output]),
  ]);

  for (let first = 0; first < N; first += B) {
    if (o.resume && first < o.resume.first) {
      done += Math.min(B, N - first) * (T - k + 1);
      continue;
    }
    const resumed = o.resume && first === o.resume.first ? o.resume : undefined;
    const start = resumed ? resumed.step + 1 : k;
    const real = Math.min(B, N - first);
    const ics = Array.from({ length: B }, (_, j) => first + Math.min(j, real - 1));
    // The batch's reference, a step window at a time (RolloutOptions.referenceWindowBytes).
    const W = stepsPerWindow(S, real, o.referenceWindowBytes);
    await boundBatch(first, real, W);
    const winDims = k > 1 ? [B, k, C, ...shape] : [B, C, ...shape];
    let window: Tensor;
    if (resumed) {
      window = fromHostTensor(resumed.window);
    } else {
      // Initial window from the reference: [B, k, C, ...] (or [B, C, ...] for k = 1).
      const head = await refStates.window(first, first + real, 0, k);
      const win = new Float32Array(B * k * S);
      for (let j = 0; j < B; j++) {
        const src = (ics[j] - first) * k * S;
        win.set(head.subarray(src, src + k * S), j * k * S);
      }
      const tObs = performance.now();
      for (let j = 0; j < real; j++) {
        o.observer.initial?.(ics[j], head.subarray(j * k * S, (j * k + 1) * S));
      }
      observerSeconds += (performance.now() - tObs) / 1000;
      window = toModel(win, winDims);
    }
    if (o.observer.settle) await o.observer.settle();
    // States w0..w1−1 of the batch's ICs, `[real, w1 − w0, S]`, for the observer.
    let refWindow: Float32Array = new Float32Array(0), w0 = 0, w1 = 0;

    // Carries: init graph or zeros (or the snapshot's).
    const carries: Record<string, Tensor> = {};
    const typeOf = (name: string) => plan.types[name] ?? plan.dtype;
    if (resumed) {
      for (const [i] of plan.step.carry) {
        carries[i] = fromHostTensor(resumed.carries[i], typeOf(i));
      }
    } else if (sessions.init && plan.init) {
      const init = sessions.init, input = plan.init.input;
      const r = await blocked(() => run(init, { [input]: window }));
      for (const [i] of plan.step.carry) {
        expectDims(r[i].dims, plan.carryDims[i], B, model.graphs.init!.path, `output ${i}`, [
          `the carried input ${i} of ${stepFile}`,
        ]);
        carries[i] = r[i];
      }
      disposeOthers(r, new Set(plan.step.carry.map(([i]) => i)));
    } else {
      for (const [i] of plan.step.carry) {
        const dims = plan.carryDims[i].map((d, a) => (a === 0 ? B : Number(d)));
        const n = product(dims);
        carries[i] = typeOf(i) === "float16"
          ? backend.tensor("float16", new Uint16Array(n), dims)
          : backend.tensor("float32", new Float32Array(n), dims);
      }
    }
    // Latent models: encode once; the latent is one tensor or several, by step input name.
    let latent: Record<string, Tensor> | undefined;
    if (resumed?.latent) {
      latent = {};
      for (const [i] of latentPairs) latent[i] = fromHostTensor(resumed.latent[i], typeOf(i));
    } else if (sessions.encode && plan.encode) {
      const encode = sessions.encode, { input, outputs } = plan.encode;
      const r = await blocked(() => run(encode, { [input]: window }));
      latent = {};
      for (let j = 0; j < latentPairs.length; j++) {
        const [i] = latentPairs[j];
        const declared = plan.graphs.step.inputs.find((t) => t.name === i)?.dims ?? null;
        expectDims(
          r[outputs[j]].dims,
          declared,
          B,
          model.graphs.encode!.path,
          `output ${outputs[j]}`,
          [
            `latent ${j + 1} as the step input ${i} of ${stepFile} declares it`,
          ],
        );
        latent[i] = r[outputs[j]];
      }
      disposeOthers(r, new Set(outputs));
    }

    // One model step: run, carry, decode where needed, read back, advance the window. Returns
    // the host copy of the state (or undefined where a latent model was not decoded).
    // The reference of step n as a tensor, for stepMetrics (its own window of the source).
    let mw0 = 0, mw1 = 0, mWindow: Float32Array = new Float32Array(0);
    const referenceTensor = async (n: number): Promise<Tensor> => {
      if (n < mw0 || n >= mw1) {
        mw0 = n;
        mw1 = Math.min(refSteps + 1, n + W);
        mWindow = await refStates.window(first, first + real, mw0, mw1);
      }
      const buf = new Float32Array(B * S);
      for (let j = 0; j < B; j++) {
        const at = ((ics[j] - first) * (mw1 - mw0) + n - mw0) * S;
        buf.set(mWindow.subarray(at, at + S), j * S);
      }
      return backend.tensor("float32", buf, [B, C, ...shape]);
    };
    const advance = async (n: number): Promise<Float32Array | Scalars | Reduced | undefined> => {
      let scalars: Float32Array | undefined;
      const feeds: Record<string, Tensor> = { ...carries };
      if (latent) Object.assign(feeds, latent);
      else feeds[plan.step.input] = window;
      if (plan.conditioning.length > 0) {
        // Quantities of the newest input state, state n − 1 (harness/model/conditioning.ts).
        const ctx = { ...plan.conditioningContext, startHours: o.startHours };
        Object.assign(feeds, conditioningFeeds(backend, plan.conditioning, ctx, ics, n - 1));
      }
      const out = await run(sessions.step, feeds);
      // Sizes the graph left symbolic are confirmed here: what is fed back must fit again.
      for (const [i, ou] of plan.step.carry) {
        expectDims(out[ou].dims, carries[i].dims, B, stepFile, `output ${ou}`, [
          `the carried input ${i} as fed`,
        ]);
      }
      for (const [i, ou] of latentPairs) {
        expectDims(out[ou].dims, latent![i].dims, B, stepFile, `output ${ou}`, [
          `the latent input ${i} as fed`,
        ]);
      }
      disposeOthers(out, stepUsed);
      for (const [i, ou] of plan.step.carry) {
        disposeTensor(carries[i]);
        carries[i] = out[ou];
      }
      let state: Tensor | undefined;
      let stateFile = stepFile, stateName = plan.step.output;
      if (latent) {
        for (const [i, ou] of latentPairs) {
          disposeTensor(latent[i]);
          latent[i] = out[ou];
        }
        if (needs(n) || metricsOn) {
          const d = plan.decode!;
          const dFeeds: Record<string, Tensor> = {};
          latentPairs.forEach(([i], j) => (dFeeds[d.inputs[j]] = latent![i]));
          const r = await run(sessions.decode!, dFeeds);
          disposeOthers(r, new Set([d.output]));
          state = r[d.output];
          stateFile = model.graphs.decode!.path;
          stateName = d.output;
        }
      } else {
        state = out[plan.step.output];
      }
      if (state) {
        expectDims(state.dims, [B, C, ...shape], B, stateFile, `output ${stateName}`, [
          `the state [B, C, ...grid]`,
        ]);
      }
      let host: Float32Array | undefined;
      let metrics: Float32Array | undefined;
      if (state && metricsOn) {
        const ref = await referenceTensor(n);
        try {
          metrics = await o.stepMetrics!.run(state, ref);
        } finally {
          disposeTensor(ref);
        }
        if (metrics.length !== B * o.stepMetrics!.width) {
          throw new ShapeError({
            field: "stepMetrics",
            expected: `${B * o.stepMetrics!.width} values (${B} ICs × ${o.stepMetrics!.width})`,
            found: `${metrics.length} values`,
          });
        }
      }
      // With stepMetrics only the reduced numbers cross to the host where the state is not needed.
      if (state && reduceOn && !metricsOn && !needs(n)) {
        // Device-side reduction: B numbers instead of the state.
        const r = await run(o.reduce!, { [o.reduce!.inputNames[0]]: state });
        const t = r[o.reduce!.outputNames[0]];
        const values = await backend.read(t);
        disposeTensor(t);
        if (values.length !== B) {
          throw new ShapeError({
            field: `output ${o.reduce!.outputNames[0]} of the reduce graph`,
            expected: `${B} values (one per IC of the batch)`,
            found: `${values.length} values [${t.dims}]`,
          });
        }
        scalars = values;
      } else if (state && (!metricsOn || needs(n))) {
        host = await fromModel(state);
        if (host.length !== B * S) {
          throw new ShapeError({
            file: stateFile,
            field: `output ${stateName}`,
            expected: `${B * S} values [${[B, C, ...shape]}]`,
            found: `${host.length} values [${state.dims}]`,
          });
        }
      }
      if (!latent) {
        if (k > 1) {
          const next = (await run(sessions.shift!, { window, state: state! })).next;
          disposeTensor(window);
          disposeTensor(state);
          window = next;
        } else {
          disposeTensor(window);
          window = state!;
        }
      } else if (state) {
        disposeTensor(state);
      }
      if (metrics) return host ? { metrics, host } : { metrics };
      return scalars ? { scalars } : host;
    };

    // Pipelined: step n + 1 is issued before step n is observed. On webgpu the device computes
    // it meanwhile; onnxruntime-node and wasm run it synchronously on this thread once the loop
    // awaits, so there model and observer take turns unless the observer hands its work to
    // another thread (harness/tasks/scoring.ts). Host copies are never written by the runtime
    // afterwards, so observing them while the next step runs is safe.
    const issue = (n: number): Promise<Float32Array | Scalars | Reduced | undefined> => {
      const t = performance.now();
      const p = advance(n);
      modelSeconds += (performance.now() - t) / 1000;
      // Awaited later; this keeps an observer error from leaving it unhandled.
      p.catch(() => {});
      return p;
    };
    if (resumed) done += real * (start - k);
    let pending = start <= T ? issue(start) : Promise.resolve(undefined);
    const every = o.checkpoint?.every ?? 0;
    for (let n = start; n <= T; n++) {
      const current = pending;
      const got = await blocked(() => current);
      const host = got instanceof Float32Array
        ? got
        : got && "metrics" in got
        ? got.host
        : undefined;
      if (got && "metrics" in got) {
        const to = performance.now();
        const w = o.stepMetrics!.width;
        for (let j = 0; j < real; j++) {
          const ic = ics[j];
          if (divergence[ic] !== null) continue;
          const v = got.metrics.subarray(j * w, (j + 1) * w);
          if (v[0] !== 0) {
            diverge(ic, n, { kind: "nonfinite" });
            continue;
          }
          const out = boundReason(ic, (c) => v[1 + c]);
          if (out) {
            diverge(ic, n, out);
            continue;
          }
          o.observer.reduced?.(ic, n, v);
        }
        observerSeconds += (performance.now() - to) / 1000;
      } else if (got && !(got instanceof Float32Array)) {
        const to = performance.now();
        for (let j = 0; j < real; j++) {
          const ic = ics[j];
          if (divergence[ic] !== null) continue;
          const v = got.scalars[j];
          if (!Number.isFinite(v)) {
            diverge(ic, n, { kind: "nonfinite" });
            continue;
          }
          o.observer.scalar!(ic, n, v);
        }
        observerSeconds += (performance.now() - to) / 1000;
      }
      // At a checkpoint step the next step waits until the snapshot is taken.
      const snap = every > 0 && n < T && n % every === 0;
      if (n < T && !snap) pending = issue(n + 1);
      if (host) {
        if (n <= refSteps && (n < w0 || n >= w1)) {
          w0 = n;
          w1 = Math.min(refSteps + 1, n + W);
          refWindow = await reference.window(first, first + real, w0, w1);
        }
        const to = performance.now();
        for (let j = 0; j < real; j++) {
          const ic = ics[j];
          if (divergence[ic] !== null) continue;
          const pred = host.subarray(j * S, (j + 1) * S);
          let finite = true;
          for (let i = 0; i < S; i++) {
            if (!Number.isFinite(pred[i])) {
              finite = false;
              break;
            }
          }
          if (!finite) {
            diverge(ic, n, { kind: "nonfinite" });
            continue;
          }
          const out = outOfBound(ic, pred);
          if (out) {
            diverge(ic, n, out);
            continue;
          }
          const at = (j * (w1 - w0) + n - w0) * S;
          const ref = n <= refSteps ? refWindow.subarray(at, at + S) : new Float32Array(0);
          o.observer.step(ic, n, pred, ref);
        }
        observerSeconds += (performance.now() - to) / 1000;
      }
      if (o.observer.settle) await o.observer.settle();
      done += real;
      o.progress?.(done, total);
      if (snap) {
        const carried: Record<string, HostTensor> = {};
        for (const [i] of plan.step.carry) carried[i] = await toHostTensor(carries[i]);
        const latents: Record<string, HostTensor> = {};
        for (const [i] of latentPairs) latents[i] = await toHostTensor(latent![i]);
        await o.checkpoint!.save({
          first,
          step: n,
          window: await toHostTensor(window),
          carries: carried,
          ...(latent ? { latent: latents } : {}),
          divergence: [...divergence],
        }, timing());
        pending = issue(n + 1);
      }
      const fin = o.observer.finished;
      if (n < T && fin && ics.slice(0, real).every((ic) => divergence[ic] !== null || fin(ic))) {
        const last = pending;
        await blocked(() => last); // the step in flight still owns the tensors it disposes
        break;
      }
    }
    disposeTensor(window);
    for (const t of Object.values(latent ?? {})) disposeTensor(t);
    for (const t of Object.values(carries)) disposeTensor(t);
  }
  const wallSeconds = (performance.now() - t0) / 1000;
  return {
    modelSeconds,
    observerSeconds,
    wallSeconds,
    stepsPerSecond: total / wallSeconds,
    divergence,
    reasons,
  };
}

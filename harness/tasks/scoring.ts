/**
 * Where a forecast run's metrics are computed: in the calling thread, or on a worker thread next
 * to the one that feeds the model ({@link ScoringThread}).
 *
 * onnxruntime-node and the wasm backend run `session.run` synchronously on the thread that calls
 * it, so metrics computed in that thread wait for the model and the model waits for them: a
 * rollout's throughput is `1 / (t_model + t_metrics)`. On a worker the two overlap and the run
 * goes at `1 / max(t_model, t_metrics)` (plus the copy of each state, about 1 µs per 1 000
 * values). The worker builds the same trackers (`suiteTrackers`) and is sent every observation
 * in the order the rollout made it, so the rows are bit for bit those of scoring in the calling
 * thread (`scoring_test.ts` compares them).
 *
 * {@link openScoring} picks the worker (`"auto"`) for a registered suite (a worker loads suites
 * from the registry; a user's `Suite` object has code it cannot load) under Deno, when the run has
 * at least {@link AUTO_WORKER_MIN_VALUES} state values to score: below that, starting the worker
 * (about 0.2–0.4 s of CPU to load the suites) costs more than it saves.
 *
 * @example
 * ```ts
 * import { openScoring } from "./scoring.ts";
 * import { getSuite } from "../../suites/mod.ts";
 * const suite = getSuite("convection1d");
 * const run = { ics: 1, steps: 1, history: 1, summarySteps: [1], seed: 0 };
 * const y = new Float32Array(1024).map((_, j) => Math.sin((2 * Math.PI * j) / 1024));
 * const rows: string[] = [];
 * for (const mode of ["inline", "worker"] as const) {
 *   const s = openScoring(suite, run, mode);
 *   try {
 *     s.observeInitial(0, y);
 *     s.observe(0, 1, y.map((v) => v + 0.5), y);
 *     await s.settle();
 *     rows.push(JSON.stringify((await s.finish()).rows));
 *   } finally {
 *     s.close();
 *   }
 * }
 * if (rows[0] !== rows[1]) throw new Error("the worker's rows differ");
 * ```
 * @module
 */
import type { ResultRow } from "../../metrics/rows.ts";
import type { TrackerSet } from "../../metrics/tracker.ts";
import { gridSize, type Suite } from "../../suites/common/types.ts";
import { isBuiltIn } from "../../suites/mod.ts";
import { suiteTrackers, type TrackedRun } from "./suite_trackers.ts";
import { OP_DIVERGED, OP_INITIAL, OP_STEP, type ScoringMessage } from "./scoring_ops.ts";

/** What the trackers gave at the end of a run. */
export interface ScoredRun {
  /** Every tracker's rows, in family order (`TrackerSet.rows`). */
  rows: ResultRow[];
  /** Seconds the trackers measured inside their observe calls (`TrackerSet.seconds`). */
  seconds: number;
  /** With `finish(ics)`: the trackers' states of those ICs (`TrackerSet.toStates`). */
  states?: Record<string, unknown>;
}

/** The observer side of a run's trackers, wherever they run. */
export interface Scoring {
  /** `"worker"` or `"inline"` (the calling thread). */
  readonly where: "worker" | "inline";
  /** Step 0 of IC `ic` (the state is copied or used before this returns). */
  observeInitial(ic: number, state: Float32Array): void;
  /**
   * IC `ic` at `step` (the states are copied or used before this returns); `features`: the
   * reference features of `ref` (`TrackerSet.observe`), where the reference's cache has them.
   */
  observe(
    ic: number,
    step: number,
    pred: Float32Array,
    ref: Float32Array,
    features?: Float64Array,
  ): void;
  /** IC `ic` diverged at `step`. */
  diverged(ic: number, step: number): void;
  /**
   * Hand over what was observed; waits while the worker is more than its queue limit behind, and
   * rejects with the trackers' error if one failed. Call once per rollout step.
   */
  settle(): Promise<void>;
  /** Rows, seconds and (with `ics`) states, once every observation was applied. */
  finish(ics?: readonly number[]): Promise<ScoredRun>;
  /**
   * Resolves once the trackers are built and ready for the run: on a worker, when it has loaded
   * its suite, warmed its isolate up and built them (rejects with the worker's error, or when it
   * is closed first); inline, at once. Optional to await: observations sent before it wait in
   * the ring.
   */
  ready(): Promise<void>;
  /**
   * Once ready, when (ms since the epoch: `performance.timeOrigin + performance.now()` of the
   * thread that built the trackers): the worker's own clock, not when this thread got to its
   * message (a blocking call here, e.g. opening an ONNX session, delays that). Inline: undefined.
   */
  readonly readyAt?: number;
  /** Stop the worker, if any (idempotent; call in `finally`). */
  close(): void;
}

/** `"auto"` (the worker where it pays, see {@link openScoring}), `"worker"` or `"inline"`. */
export type ScoringMode = "auto" | "worker" | "inline";

/**
 * State values (ICs × steps × C × points) from which `"auto"` scores on a worker: 2²¹, e.g. the
 * 1D suites' standard tier (32 × 200 × 1024) and every 2D standard tier, not their smoke tiers.
 */
export const AUTO_WORKER_MIN_VALUES = 1 << 21;

/**
 * The trackers of a forecast run (`suiteTrackers(suite, run)`), in this thread or on a worker:
 * `mode` `"inline"`, `"worker"` (`TypeError` for a suite that is not the registered object of its
 * id, or where there are no module workers), or `"auto"`: the worker for a registered suite under
 * Deno when `run.ics × run.steps × C × points ≥` {@link AUTO_WORKER_MIN_VALUES}, else inline.
 */
export function openScoring(suite: Suite, run: TrackedRun, mode: ScoringMode = "auto"): Scoring {
  return scoringWhere(suite, run, mode) === "worker"
    ? new ScoringThread(suite.id, run)
    : inlineScoring(suiteTrackers(suite, run));
}

/**
 * Whether a run should use the reference features (`harness/data/reference_features.ts`): `size`
 * float64 per reference state of `stateValues` float32 values, scored `where`. Inline they always
 * pay (read from the store, they replace the trackers' own work on the reference). On the worker
 * every state's features are copied into the batch beside pred and ref, in the thread that feeds
 * the model, so they pay only when small: `8·size ≤ stateValues` (a quarter of the state's bytes
 * at most). Measured 2026-12-03 (`deno task bench`, native, one run, quiet): burgers1d's 514
 * features per 1024-point state cost the worker path 139 → 161 µs CPU per IC-step and 89% → 84%
 * of bare throughput; jet2d's (185 per 65 536-value state) saved 6.0 → 4.0 ms and
 * kept 94% → 96%.
 *
 * @example
 * ```ts
 * import { featuresPayOff } from "./scoring.ts";
 * if (featuresPayOff(514, 1024, "worker")) throw new Error("1D spectra: as big as the state");
 * if (!featuresPayOff(514, 1024, "inline") || !featuresPayOff(200, 65536, "worker")) {
 *   throw new Error("inline, or small beside the state: they pay");
 * }
 * ```
 */
export function featuresPayOff(
  size: number,
  stateValues: number,
  where: "worker" | "inline",
): boolean {
  return where === "inline" || 8 * size <= stateValues;
}

/**
 * Where {@link openScoring} scores a run in `mode`: `"worker"` or `"inline"` (the rule in its
 * docs); the same `TypeError` for a worker that cannot be had.
 *
 * @example
 * ```ts
 * import { scoringWhere } from "./scoring.ts";
 * import { getSuite } from "../../suites/mod.ts";
 * const s = getSuite("burgers1d");
 * const run = (ics: number) => ({ ics, steps: 200, history: 1, summarySteps: [], seed: 0 });
 * if (scoringWhere(s, run(2), "auto") !== "inline") throw new Error("small runs stay inline");
 * if (scoringWhere(s, run(32), "auto") !== "worker") throw new Error("a standard run");
 * ```
 */
export function scoringWhere(
  suite: Suite,
  run: TrackedRun,
  mode: ScoringMode = "auto",
): "worker" | "inline" {
  const registered = isBuiltIn(suite);
  const canWork = registered && typeof Worker === "function";
  if (mode === "worker" && !canWork) {
    throw new TypeError(
      `Cannot score on a worker: ${
        registered ? "this runtime has no Web Workers" : `suite "${suite.id}" is not registered`
      } (use scoring "inline")`,
    );
  }
  const values = run.ics * run.steps * suite.fields.length * gridSize(suite.grid);
  const worker = mode === "worker" ||
    (mode === "auto" && canWork && "Deno" in globalThis && values >= AUTO_WORKER_MIN_VALUES);
  return worker ? "worker" : "inline";
}

/**
 * {@link Scoring} by `trackers` in the calling thread.
 *
 * @example
 * ```ts
 * import { inlineScoring } from "./scoring.ts";
 * import { suiteTrackers } from "./suite_trackers.ts";
 * import { getSuite } from "../../suites/mod.ts";
 * const s = inlineScoring(suiteTrackers(getSuite("convection1d"), {
 *   ics: 1, steps: 1, history: 1, summarySteps: [], seed: 0,
 * }));
 * const { rows } = await s.finish();
 * if (s.where !== "inline" || rows.length === 0) throw new Error();
 * ```
 */
export function inlineScoring(trackers: TrackerSet): Scoring {
  return {
    where: "inline",
    observeInitial: (ic, state) => trackers.observeInitial(ic, state),
    observe: (ic, step, pred, ref, features) => trackers.observe(ic, step, pred, ref, features),
    diverged: (ic, step) => trackers.diverged(ic, step),
    settle: () => Promise.resolve(),
    ready: () => Promise.resolve(),
    finish: (ics) =>
      Promise.resolve({
        rows: trackers.rows(),
        seconds: trackers.seconds,
        ...(ics ? { states: trackers.toStates(ics) } : {}),
      }),
    close: () => {},
  };
}

/** An error sent by the worker, rebuilt with its class (`TypeError`, `RangeError`) and stack. */
function rebuilt(e: { name: string; message: string; stack?: string }): Error {
  const err = e.name === "TypeError"
    ? new TypeError(e.message)
    : e.name === "RangeError"
    ? new RangeError(e.message)
    : new Error(e.message);
  if (e.stack) err.stack = e.stack;
  return err;
}

/**
 * A run's trackers on a Web Worker (`./scoring_worker.ts`). Observations are copied into a
 * batch (staging arrays of this thread, reused) and sent every `batchSteps` (default 4) calls of
 * {@link ScoringThread.settle}, at each of the horizon's last `batchSteps` steps (so that little
 * is left for the worker after the last step), at `finish`, or when the batch passes
 * `flushValues`; the worker applies them in order. Each message wakes the worker, and on two cores
 * a woken worker took the core from the thread that feeds the model: sent every step, burgers1d's
 * standard run (`cnn1d_untrained`, native, 2026-12-03, another session loading the machine) spent
 * 380–400 ms of a 2.9–3.4 s rollout inside `settle` (almost all in `postMessage`), every fourth
 * step 57–154 ms. At most
 * `maxQueuedBytes` (default 8 MiB) may be sent and not yet applied: `settle` waits beyond that,
 * so a slow scorer slows the rollout instead of filling memory (with 64 MiB, a 10× longer run
 * peaked 60 MiB higher). `flushValues` defaults to 2^19 (2 MiB of states).
 *
 * A batch travels through a ring: one `SharedArrayBuffer` of `maxQueuedBytes` plus room for two
 * full batches (`2 × flushValues × 4` bytes), made once. Each batch is copied into the next free
 * block of it and the worker reads it there; the block is free again when the worker
 * acknowledges it (batches are applied in order, so blocks free in order). A batch that finds no
 * room (larger than the ring, or the worker further behind than `settle` lets it be) travels in
 * arrays of its own, transferred. Sending a fresh transferred buffer per step instead made the
 * resident memory grow with the horizon: the buffers were garbage in the worker, and in this
 * thread, until each isolate's collector ran, and the allocator kept the memory after.
 * Where there is no `SharedArrayBuffer` (a page that is not cross-origin isolated), every batch
 * is transferred.
 */
export class ScoringThread implements Scoring {
  readonly where = "worker";
  readonly #worker: Worker;
  readonly #maxQueued: number;
  readonly #flushValues: number;
  #meta: number[] = [];
  #data: Float32Array<ArrayBuffer>;
  #used = 0;
  /** Reference features of the batch's steps. */
  #features: Float64Array<ArrayBuffer> = new Float64Array(0);
  #featuresUsed = 0;
  /** The ring (as doubles, floats and integers over one `SharedArrayBuffer`); none: transfer. */
  readonly #ring: { f64: Float64Array; f32: Float32Array; i32: Int32Array } | undefined;
  /** Ring blocks sent and not yet acknowledged, `[start, end)` bytes, oldest first. */
  #blocks: [number, number][] = [];
  /** Whether each batch in flight (oldest first) is in a ring block. */
  #inRing: boolean[] = [];
  /** Next free byte of the ring. */
  #head = 0;
  #queued = 0;
  #waiters: (() => void)[] = [];
  #error: Error | undefined;
  #done: { resolve: (r: ScoredRun) => void; reject: (e: Error) => void } | undefined;
  #closed = false;
  readonly #ready: Promise<void>;
  #readyResolve: (() => void) | undefined;
  #readyReject: ((e: Error) => void) | undefined;
  #readyAt: number | undefined;
  #batches = 0;
  #transferred = 0;
  /** Rollout steps (`settle` calls) a batch collects before it is sent. */
  readonly #batchSteps: number;
  /** The run's horizon T: the last `batchSteps` steps are sent one by one. */
  readonly #horizon: number;
  /** `settle` calls since the last batch was sent; the latest step observed. */
  #settled = 0;
  #lastStep = 0;

  /** Start the worker for registered suite `suiteId` and run `run`. */
  constructor(
    suiteId: string,
    run: TrackedRun,
    options: { maxQueuedBytes?: number; flushValues?: number; batchSteps?: number } = {},
  ) {
    this.#maxQueued = options.maxQueuedBytes ?? 8 * 2 ** 20;
    this.#flushValues = options.flushValues ?? 2 ** 19;
    this.#batchSteps = Math.max(1, Math.floor(options.batchSteps ?? 4));
    this.#horizon = run.steps;
    this.#data = new Float32Array(Math.min(this.#flushValues, 2 ** 16));
    this.#ready = new Promise<void>((resolve, reject) => {
      this.#readyResolve = resolve;
      this.#readyReject = reject;
    });
    this.#ready.catch(() => {}); // not awaiting it is fine: the error shows at settle/finish
    const shared = typeof SharedArrayBuffer === "function" &&
      (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated !== false;
    const ringBytes = 8 * Math.ceil((this.#maxQueued + 8 * this.#flushValues) / 8);
    const sab = shared ? new SharedArrayBuffer(ringBytes) : undefined;
    this.#ring = sab &&
      { f64: new Float64Array(sab), f32: new Float32Array(sab), i32: new Int32Array(sab) };
    this.#worker = new Worker(new URL("./scoring_worker.ts", import.meta.url).href, {
      type: "module",
    });
    this.#worker.onmessage = (e: MessageEvent) => this.#receive(e.data);
    this.#worker.onerror = (e: ErrorEvent) => {
      e.preventDefault();
      this.#failed(new Error(`The scoring worker failed: ${e.message}`));
    };
    this.#post({ kind: "init", suite: suiteId, run, ...(sab ? { ring: sab } : {}) });
  }

  #post(msg: ScoringMessage, transfer: Transferable[] = []): void {
    this.#worker.postMessage(msg, transfer);
  }

  #receive(msg: { kind: string } & Record<string, unknown>): void {
    if (msg.kind === "ack") {
      this.#queued -= msg.bytes as number;
      if (this.#inRing.shift()) this.#blocks.shift();
      this.#wake();
    } else if (msg.kind === "ready") {
      this.#readyAt = msg.at as number;
      this.#readyResolve?.();
    } else if (msg.kind === "error") {
      this.#failed(rebuilt(msg as unknown as { name: string; message: string; stack?: string }));
    } else if (msg.kind === "done") {
      const { rows, seconds, states } = msg as unknown as ScoredRun;
      this.#done?.resolve({ rows, seconds, ...(states ? { states } : {}) });
      this.#done = undefined;
    }
  }

  #failed(err: Error): void {
    this.#error ??= err;
    this.#readyReject?.(this.#error);
    this.#wake();
    this.#done?.reject(this.#error);
    this.#done = undefined;
  }

  #wake(): void {
    for (const w of this.#waiters.splice(0)) w();
  }

  /** Room for `n` more values in the batch. */
  #reserve(n: number): number {
    if (this.#used + n > this.#data.length) {
      // Grow up to flushValues (a step's batch travels whole); beyond it, send what is there.
      if (this.#used > 0 && this.#used + n > this.#flushValues) this.#flush();
      if (this.#used + n > this.#data.length) {
        const grown = new Float32Array(Math.max(this.#used + n, 2 * this.#data.length));
        grown.set(this.#data.subarray(0, this.#used));
        this.#data = grown;
      }
    }
    const at = this.#used;
    this.#used += n;
    return at;
  }

  #op(kind: number, ic: number, step: number, at: number, a: number, b: number, f = 0, n = 0) {
    this.#meta.push(kind, ic, step, at, a, b, f, n);
    if (this.#used >= this.#flushValues) this.#flush();
  }

  /** Copy `features` into the feature batch; its offset. */
  #addFeatures(features: Float64Array): number {
    const at = this.#featuresUsed;
    if (at + features.length > this.#features.length) {
      const grown = new Float64Array(Math.max(at + features.length, 2 * this.#features.length));
      grown.set(this.#features.subarray(0, at));
      this.#features = grown;
    }
    this.#features.set(features, at);
    this.#featuresUsed += features.length;
    return at;
  }

  /**
   * The first byte of a free ring block of `bytes` (a multiple of 8), taken, or -1 where the
   * ring has no such block. Blocks are taken and freed in order: the ones in flight run from
   * the oldest's start to `#head`, maybe wrapping past the end.
   */
  #take(bytes: number): number {
    const size = this.#ring ? this.#ring.f64.byteLength : 0;
    if (bytes > size) return -1;
    let at = -1;
    if (this.#blocks.length === 0) at = 0;
    else {
      const tail = this.#blocks[0][0];
      if (this.#head > tail) {
        // [tail, head) in flight: free after head to the end, then before tail.
        at = this.#head + bytes <= size ? this.#head : bytes <= tail ? 0 : -1;
      } else if (this.#head + bytes <= tail) at = this.#head; // wrapped: free [head, tail)
    }
    if (at >= 0) {
      this.#blocks.push([at, at + bytes]);
      this.#head = at + bytes;
    }
    return at;
  }

  #flush(): void {
    if (this.#meta.length === 0 || this.#closed) return;
    const nm = this.#meta.length, nd = this.#used, nf = this.#featuresUsed;
    const bytes = 8 * nf + 8 * Math.ceil((4 * nd + 4 * nm) / 8);
    const at = this.#take(bytes);
    this.#queued += bytes;
    this.#batches++;
    this.#inRing.push(at >= 0);
    if (at >= 0) {
      const r = this.#ring!, d = at / 4 + 2 * nf;
      r.f64.set(this.#features.subarray(0, nf), at / 8);
      r.f32.set(this.#data.subarray(0, nd), d);
      r.i32.set(this.#meta, d + nd);
      this.#post({ kind: "block", at, meta: nm, data: nd, features: nf, bytes });
    } else {
      this.#transferred++;
      const meta = Int32Array.from(this.#meta);
      const data = this.#data.slice(0, nd), features = this.#features.slice(0, nf);
      this.#post({ kind: "ops", meta, data, features, bytes }, [
        meta.buffer,
        data.buffer,
        features.buffer,
      ]);
    }
    this.#meta = [];
    this.#used = 0;
    this.#featuresUsed = 0;
    this.#settled = 0;
  }

  /** Batches sent so far (one per `settle` with something to send, more for large steps). */
  get batches(): number {
    return this.#batches;
  }

  /** Batches of those that found no room in the ring and were transferred instead. */
  get transferred(): number {
    return this.#transferred;
  }

  observeInitial(ic: number, state: Float32Array): void {
    const at = this.#reserve(state.length);
    this.#data.set(state, at);
    this.#op(OP_INITIAL, ic, 0, at, state.length, 0);
  }

  observe(
    ic: number,
    step: number,
    pred: Float32Array,
    ref: Float32Array,
    features?: Float64Array,
  ): void {
    const at = this.#reserve(pred.length + ref.length);
    this.#data.set(pred, at);
    this.#data.set(ref, at + pred.length);
    const n = features?.length ?? 0, f = n > 0 ? this.#addFeatures(features!) : 0;
    this.#op(OP_STEP, ic, step, at, pred.length, ref.length, f, n);
    this.#lastStep = step;
  }

  diverged(ic: number, step: number): void {
    this.#meta.push(OP_DIVERGED, ic, step, 0, 0, 0, 0, 0);
  }

  async settle(): Promise<void> {
    if (this.#error) throw this.#error;
    // Send every `batchSteps` steps, and each of the horizon's last ones (so little waits for
    // the worker after the last step); `#op` sends earlier when the batch is full.
    if (++this.#settled >= this.#batchSteps || this.#lastStep > this.#horizon - this.#batchSteps) {
      this.#flush();
    }
    while (this.#queued > this.#maxQueued && !this.#error) {
      await new Promise<void>((resolve) => this.#waiters.push(resolve));
    }
    if (this.#error) throw this.#error;
  }

  ready(): Promise<void> {
    return this.#ready;
  }

  get readyAt(): number | undefined {
    return this.#readyAt;
  }

  finish(ics?: readonly number[]): Promise<ScoredRun> {
    if (this.#error) return Promise.reject(this.#error);
    if (this.#closed) return Promise.reject(new Error("The scoring worker is closed"));
    this.#flush();
    const done = new Promise<ScoredRun>((resolve, reject) => (this.#done = { resolve, reject }));
    this.#post({ kind: "finish", states: ics ? [...ics] : null });
    return done.finally(() => this.close());
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#worker.terminate();
    this.#failed(new Error("The scoring worker is closed"));
  }
}

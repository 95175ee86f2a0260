/**
 * Reference trajectories one IC at a time, on every core: IC `i` of a seed and its solver
 * trajectory depend only on (suite version, seed, i), so workers can compute them in any order
 * and the result is bit-identical to the suite's batch `initialConditions` + `reference`.
 *
 * {@link TrajectoryPool} runs jobs in Web Workers (`trajectory_worker.ts`), one per core by
 * default; {@link trajectory} is the same computation in the calling thread (used for suites that
 * are not in the registry, whose code a worker cannot load, and for one worker).
 *
 * This module and its worker load no suite registry: a job names a built-in suite by id, and the
 * worker loads that suite's module alone (`suites/loaders.ts`), once per worker.
 * @module
 */
import { ValueRangeError } from "../core/errors.ts";
import { icAt } from "../../suites/common/ics.ts";
import { gridSize, type Suite } from "../../suites/common/types.ts";
import { loadBuiltInSuite, SUITE_LOADERS } from "../../suites/loaders.ts";

/** One trajectory to compute. */
export interface TrajectoryJob {
  /** Registered suite id. */
  suite: string;
  /** IC seed. */
  seed: number;
  /** IC index within the seed's stream. */
  index: number;
  /** Model steps after the IC (T). */
  steps: number;
  /** Keep every `stride`-th state (0, stride, 2·stride, …, T). Default 1. */
  stride?: number;
}

/** Stored time entries of a job: `⌊T / stride⌋ + 1`. */
export function storedTimes(steps: number, stride = 1): number {
  return Math.floor(steps / stride) + 1;
}

/**
 * IC `index` of `seed` and its trajectory `[⌊T/stride⌋ + 1, C, ...grid]` (entry 0 = the IC),
 * computed in this thread.
 *
 * @example
 * ```ts
 * import { trajectory } from "./trajectories.ts";
 * import { getSuite } from "../../suites/mod.ts";
 * const s = getSuite("convection1d");
 * const t = trajectory(s, { suite: s.id, seed: s.seed, index: 1, steps: 4, stride: 2 });
 * const batch = s.reference(s.initialConditions(2, s.seed), 2, 4); // [2, 5, 1, 1024]
 * if (t.length !== 3 * 1024 || t[2048] !== batch[(5 + 4) * 1024]) throw new Error("bit-identical");
 * ```
 */
export function trajectory(suite: Suite, job: TrajectoryJob): Float32Array {
  const stride = job.stride ?? 1;
  for (const [field, v, min] of [["steps", job.steps, 1], ["stride", stride, 1]] as const) {
    if (!Number.isSafeInteger(v) || v < min) {
      throw new ValueRangeError({ field, expected: `an integer ≥ ${min}`, found: String(v) });
    }
  }
  const ic = icAt(suite, job.index, job.seed);
  const full = suite.reference(ic, 1, job.steps);
  if (stride === 1) return full;
  const S = suite.fields.length * gridSize(suite.grid), T = storedTimes(job.steps, stride);
  const out = new Float32Array(T * S);
  for (let t = 0; t < T; t++) out.set(full.subarray(t * stride * S, (t * stride + 1) * S), t * S);
  return out;
}

interface Pending {
  job: TrajectoryJob;
  resolve: (v: Float32Array) => void;
  reject: (e: Error) => void;
}

/** Default worker count: the machine's logical cores (at least 1). */
export function defaultWorkers(): number {
  return Math.max(1, navigator.hardwareConcurrency ?? 1);
}

/**
 * A pool of Web Workers computing {@link trajectory} jobs for built-in suites, named by id (a
 * worker loads the suite's module alone, `suites/loaders.ts`). With `workers: 1` a job runs in
 * the calling thread; an id that is not a built-in suite is a `RangeError` naming the ids.
 *
 * @example
 * ```ts
 * import { TrajectoryPool } from "./trajectories.ts";
 * const pool = new TrajectoryPool(2);
 * try {
 *   const [a, b] = await Promise.all([0, 1].map((index) =>
 *     pool.run({ suite: "convection1d", seed: 3, index, steps: 2 })
 *   ));
 *   if (a.length !== 3 * 1024 || b.length !== 3 * 1024) throw new Error("[T + 1, C, X]");
 * } finally {
 *   pool.close();
 * }
 * ```
 */
export class TrajectoryPool {
  readonly size: number;
  #idle: Worker[] = [];
  #all: Worker[] = [];
  #queue: Pending[] = [];
  #closed = false;

  constructor(workers: number = defaultWorkers()) {
    if (!Number.isSafeInteger(workers) || workers < 1) {
      throw new ValueRangeError({
        field: "workers",
        expected: "an integer ≥ 1",
        found: `${workers}`,
      });
    }
    this.size = workers;
  }

  /** Compute one job; resolves with the trajectory (see {@link trajectory}). */
  run(job: TrajectoryJob): Promise<Float32Array> {
    if (this.#closed) return Promise.reject(new Error("TrajectoryPool is closed"));
    const registered = Object.hasOwn(SUITE_LOADERS, job.suite);
    if (this.size === 1 || !registered) {
      return new Promise((resolve, reject) => {
        // Yield first so callers can update progress between jobs.
        setTimeout(() => {
          if (!registered) {
            reject(
              new ValueRangeError({
                field: "suite",
                expected: `one of ${Object.keys(SUITE_LOADERS).join(", ")}`,
                found: JSON.stringify(job.suite),
              }),
            );
            return;
          }
          loadBuiltInSuite(job.suite).then((suite) => resolve(trajectory(suite, job))).catch((e) =>
            reject(e instanceof Error ? e : new Error(String(e)))
          );
        }, 0);
      });
    }
    return new Promise((resolve, reject) => {
      this.#queue.push({ job, resolve, reject });
      this.#pump();
    });
  }

  #pump(): void {
    while (this.#queue.length > 0) {
      let w = this.#idle.pop();
      if (!w && this.#all.length < this.size) {
        w = new Worker(new URL("./trajectory_worker.ts", import.meta.url).href, { type: "module" });
        this.#all.push(w);
      }
      if (!w) return;
      const task = this.#queue.shift()!;
      const worker = w;
      worker.onmessage = (e: MessageEvent) => {
        const msg = e.data as { ok: true; data: Float32Array } | { ok: false; error: string };
        this.#idle.push(worker);
        if (msg.ok) task.resolve(msg.data);
        else task.reject(new Error(msg.error));
        this.#pump();
      };
      worker.onerror = (e: ErrorEvent) => {
        e.preventDefault();
        task.reject(new Error(e.message));
        this.#all = this.#all.filter((x) => x !== worker);
        worker.terminate();
        this.#pump();
      };
      worker.postMessage(task.job);
    }
  }

  /** Stop every worker; pending jobs are rejected. */
  close(): void {
    this.#closed = true;
    for (const w of this.#all) w.terminate();
    this.#all = [];
    this.#idle = [];
    for (const p of this.#queue.splice(0)) p.reject(new Error("TrajectoryPool closed"));
  }
}

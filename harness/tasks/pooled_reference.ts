/**
 * The reference cache's generator on every core: {@link pooledReference} computes a cache miss's
 * ICs and trajectories on a {@link TrajectoryPool}, bit for bit what the one-thread default does.
 * (Kept apart from `trajectories.ts` so the workers do not load the cache and Zarr code.)
 * @module
 */
import {
  type GeneratedReference,
  type ReferenceGenerator,
  sequentialReference,
} from "../data/reference_cache.ts";
import { gridSize } from "../../suites/common/types.ts";
import { isBuiltIn } from "../../suites/mod.ts";
import { defaultWorkers, trajectory, TrajectoryPool } from "./trajectories.ts";

/**
 * Free the memory of a trajectory a worker transferred here, now that nothing uses it
 * (`ArrayBuffer.prototype.transfer(0)` detaches it and drops its backing store at once). Left
 * to the collector, such buffers piled up: V8 does not count a buffer transferred from a worker
 * towards this isolate's allocation pressure, so a cold convection1d standard reference at
 * 10 × its horizon (32 ICs × 2001 states × 4 KiB) peaked at 691 MiB on two workers instead of
 * about 200.
 */
function release(a: Float32Array): void {
  const buffer = a.buffer as ArrayBuffer & { transfer?: (length: number) => ArrayBuffer };
  if (buffer instanceof ArrayBuffer && typeof buffer.transfer === "function") buffer.transfer(0);
}

/**
 * A {@link ReferenceGenerator} for the reference cache (`harness/data/reference_cache.ts`) that
 * computes the ICs of a cache miss on a {@link TrajectoryPool} of `workers` (default: one per
 * core): `suite.prepareInitialConditions(seed)` once in this thread, then one job per IC (draw IC
 * `i` alone, run its trajectory). Bit for bit the arrays of {@link sequentialReference}, so the
 * cache digest does not depend on who made an entry. Falls back to `sequentialReference` for one
 * worker, one IC, or a suite that is not the registered object of its id (a worker loads the built-in suite
 * of the job's id, `suites/loaders.ts`, so it could not run another object's code).
 *
 * Progress: `ics` counts the shared preparation (one unit); the per-IC draws run inside the jobs
 * and are counted by `reference`, in IC-steps like `suite.reference`'s (an IC's `T` steps when its
 * trajectory is handed on).
 *
 * Its `stream` (what `emubench run` uses, through `referenceSourceFromStore`) hands each IC's
 * trajectory on in IC order as it is done, never assembling the whole reference: jobs go out at
 * most 2 × workers ahead of the next IC handed on, so at most that many trajectories are held,
 * and each is released once the sink is done with it (the sink must not keep it).
 * With one worker or one IC it runs the same per-IC jobs in this thread; for an unregistered
 * suite it hands on the one-thread batch.
 *
 * @example
 * ```ts
 * import { pooledReference } from "./pooled_reference.ts";
 * import { sequentialReference } from "../data/reference_cache.ts";
 * import { getSuite } from "../../suites/mod.ts";
 * const s = getSuite("convection1d"), request = { seed: 4, ics: 3, steps: 2 };
 * const pooled = await pooledReference(2)(s, request, {});
 * const one = await sequentialReference(s, request, {});
 * if (pooled.reference.some((v, i) => !Object.is(v, one.reference[i]))) throw new Error("bits");
 * ```
 */
export function pooledReference(workers: number = defaultWorkers()): ReferenceGenerator {
  const stream: NonNullable<ReferenceGenerator["stream"]> = async (
    suite,
    request,
    progress,
    sink,
  ) => {
    const { seed, ics: N, steps: T } = request;
    const size = Math.min(workers, N);
    const registered = isBuiltIn(suite);
    if (!registered) {
      // Workers could not run this object's code: one batch call in this thread, handed on.
      const { ics, reference } = await sequentialReference(suite, request, progress);
      const per = reference.length / N;
      for (let i = 0; i < N; i++) await sink(i, reference.subarray(i * per, (i + 1) * per));
      return ics;
    }
    progress.ics?.(0, 1);
    suite.prepareInitialConditions?.(seed);
    progress.ics?.(1, 1);
    const S = suite.fields.length * gridSize(suite.grid);
    const ics = new Float32Array(N * S);
    let next = 0; // the next IC handed to the sink
    progress.reference?.(0, N * T);
    const hand = async (i: number, data: Float32Array) => {
      if (data.length !== (T + 1) * S) {
        throw new Error(
          `Cannot assemble the ${suite.id} reference: trajectory ${i} has ${data.length} ` +
            `values, expected ${(T + 1) * S}`,
        );
      }
      ics.set(data.subarray(0, S), i * S);
      await sink(i, data);
      next++;
      progress.reference?.(next * T, N * T);
    };
    if (size <= 1) {
      // One worker or one IC: IC by IC in this thread (bit for bit the pool's jobs). It yields
      // to the event loop (progress drawn, a browser page kept alive) at most every 16 ms: a
      // timer's turn takes about 1 ms here, which was 46 of convection1d's 127 ms (32 ICs).
      let yielded = performance.now();
      for (let i = 0; i < N; i++) {
        if (performance.now() - yielded >= 16) {
          await new Promise((r) => setTimeout(r, 0));
          yielded = performance.now();
        }
        await hand(i, trajectory(suite, { suite: suite.id, seed, index: i, steps: T }));
      }
      return ics;
    }
    // Jobs go out in IC order, at most 2 × workers ahead of the next IC handed on; results
    // that finish early wait for their turn, so the sink sees ICs in order and memory holds a
    // bounded number of trajectories.
    const pool = new TrajectoryPool(size);
    const ready = new Map<number, Float32Array>();
    try {
      await new Promise<void>((resolve, reject) => {
        let issued = 0, draining = false, failed = false;
        const fail = (e: unknown) => {
          failed = true;
          reject(e);
        };
        const pump = () => {
          while (!failed && issued < N && issued < next + 2 * size) {
            const i = issued++;
            pool.run({ suite: suite.id, seed, index: i, steps: T }).then((data) => {
              ready.set(i, data);
              void drain();
            }, fail);
          }
        };
        const drain = async () => {
          if (draining || failed) return;
          draining = true;
          try {
            while (ready.has(next)) {
              const data = ready.get(next)!;
              ready.delete(next);
              await hand(next, data);
              release(data);
            }
          } catch (e) {
            fail(e);
            return;
          } finally {
            draining = false;
          }
          if (next === N) resolve();
          else pump();
        };
        pump();
      });
    } finally {
      pool.close();
      ready.clear();
    }
    return ics;
  };
  const whole = async (
    suite: Parameters<ReferenceGenerator>[0],
    request: Parameters<ReferenceGenerator>[1],
    progress: Parameters<ReferenceGenerator>[2],
  ): Promise<GeneratedReference> => {
    const registered = isBuiltIn(suite);
    if (Math.min(workers, request.ics) <= 1 || !registered) {
      return sequentialReference(suite, request, progress);
    }
    const S = suite.fields.length * gridSize(suite.grid), per = (request.steps + 1) * S;
    const reference = new Float32Array(request.ics * per);
    const ics = await stream(suite, request, progress, (i, data) => {
      reference.set(data, i * per);
      return Promise.resolve();
    });
    return { ics, reference };
  };
  return Object.assign(whole, { stream });
}

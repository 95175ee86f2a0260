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
import { SUITES } from "../../suites/mod.ts";
import { defaultWorkers, TrajectoryPool } from "./trajectories.ts";

/**
 * A {@link ReferenceGenerator} for the reference cache (`harness/data/reference_cache.ts`) that
 * computes the ICs of a cache miss on a {@link TrajectoryPool} of `workers` (default: one per
 * core): `suite.prepareInitialConditions(seed)` once in this thread, then one job per IC (draw IC
 * `i` alone, run its trajectory). Bit for bit the arrays of {@link sequentialReference}, so the
 * cache digest does not depend on who made an entry. Falls back to `sequentialReference` for one
 * worker, one IC, or a suite that is not the registered object of its id (workers load suites
 * from the registry, so they could not run another object's code).
 *
 * Progress: `ics` counts the shared preparation (one unit); the per-IC draws run inside the jobs
 * and are counted by `reference`, in IC-steps like `suite.reference`'s (an IC's `T` steps when its
 * job finishes).
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
  return async (suite, request, progress): Promise<GeneratedReference> => {
    const { seed, ics: N, steps: T } = request;
    const size = Math.min(workers, N);
    const registered = SUITES.some((s) => s === suite);
    if (size <= 1 || !registered) return sequentialReference(suite, request, progress);
    progress.ics?.(0, 1);
    suite.prepareInitialConditions?.(seed);
    progress.ics?.(1, 1);
    const S = suite.fields.length * gridSize(suite.grid);
    const ics = new Float32Array(N * S), reference = new Float32Array(N * (T + 1) * S);
    const pool = new TrajectoryPool(size);
    let done = 0;
    progress.reference?.(0, N * T);
    try {
      await Promise.all(Array.from({ length: N }, async (_, i) => {
        const data = await pool.run({ suite: suite.id, seed, index: i, steps: T });
        if (data.length !== (T + 1) * S) {
          throw new Error(
            `Cannot assemble the ${suite.id} reference: trajectory ${i} has ${data.length} ` +
              `values, expected ${(T + 1) * S}`,
          );
        }
        reference.set(data, i * (T + 1) * S);
        ics.set(data.subarray(0, S), i * S);
        progress.reference?.(++done * T, N * T);
      }));
    } finally {
      pool.close();
    }
    return { ics, reference };
  };
}

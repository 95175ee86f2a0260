/**
 * Web Worker of {@link TrajectoryPool}: receives a `TrajectoryJob`, answers
 * `{ ok: true, data }` (the trajectory, transferred) or `{ ok: false, error }`.
 *
 * It loads only the module of the suite its jobs name (`suites/loaders.ts`, the registry's
 * object in this isolate), not every suite through `suites/mod.ts`: a fresh worker's start, to
 * its answer to a job refused once the suite is loaded (no solver work), went from 138–216 to
 * 27–54 ms of CPU for burgers1d, 115–214 to 30–60 ms for era5 and 117–211 to 99–156 ms for jet2d
 * (whose module is most of it; eight starts each, 2026-12-03, load 3–5), which every pool pays
 * once per worker.
 * Jobs are handled in order on one promise chain, so a job that arrives while the suite loads
 * waits for it.
 * @module
 */
import { loadBuiltInSuite } from "../../suites/loaders.ts";
import { trajectory, type TrajectoryJob } from "./trajectories.ts";

const scope = self as unknown as {
  onmessage: ((e: MessageEvent) => void) | null;
  postMessage(message: unknown, transfer?: Transferable[]): void;
};

let queue: Promise<void> = Promise.resolve();
scope.onmessage = (e: MessageEvent) => {
  const job = e.data as TrajectoryJob;
  queue = queue.then(() => handle(job));
};

async function handle(job: TrajectoryJob): Promise<void> {
  try {
    const data = trajectory(await loadBuiltInSuite(job.suite), job);
    scope.postMessage({ ok: true, data }, [data.buffer as ArrayBuffer]);
  } catch (err) {
    scope.postMessage({ ok: false, error: err instanceof Error ? err.message : String(err) });
  }
}

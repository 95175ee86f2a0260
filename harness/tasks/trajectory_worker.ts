/**
 * Web Worker of {@link TrajectoryPool}: receives a `TrajectoryJob`, answers
 * `{ ok: true, data }` (the trajectory, transferred) or `{ ok: false, error }`.
 * @module
 */
import { getSuite } from "../../suites/mod.ts";
import { trajectory, type TrajectoryJob } from "./trajectories.ts";

const scope = self as unknown as {
  onmessage: ((e: MessageEvent) => void) | null;
  postMessage(message: unknown, transfer?: Transferable[]): void;
};

scope.onmessage = (e: MessageEvent) => {
  const job = e.data as TrajectoryJob;
  try {
    const data = trajectory(getSuite(job.suite), job);
    scope.postMessage({ ok: true, data }, [data.buffer as ArrayBuffer]);
  } catch (err) {
    scope.postMessage({ ok: false, error: err instanceof Error ? err.message : String(err) });
  }
};

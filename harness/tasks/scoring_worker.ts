/**
 * Web Worker of {@link ScoringThread} (`./scoring.ts`): builds a registered suite's trackers
 * (`suiteTrackers`, exactly as the calling thread would) and applies the observations it is sent,
 * in the order they were made, so its rows are bit for bit those of scoring in the calling thread.
 * On suites with small states it first warms its fresh isolate up (`warmUpTrackers`). After
 * each batch it lets the trackers prepare their rows (`TrackerSet.prepare`).
 *
 * Messages in: `{ kind: "init", suite, run, ring }`, then batches (see {@link OP_FIELDS}): `{ kind:
 * "block", at, meta, data, features, bytes }` in the shared `ring`, or `{ kind: "ops", meta, data,
 * features, bytes }` transferred, then `{ kind: "finish", states }`. The states a tracker is
 * handed are views of the batch: valid during the call only (trackers keep numbers, never the
 * arrays). Out: `{ kind: "ready", at }` once the trackers are built and warmed up (`at`:
 * `performance.timeOrigin + performance.now()` here),
 * `{ kind: "ack", bytes }` per batch, once it was applied,
 * `{ kind: "error", ... }` once on the first failure (later ops are dropped), and
 * `{ kind: "done", rows, seconds, states }` for the finish.
 * @module
 */
import { loadBuiltInSuite } from "../../suites/loaders.ts";
import type { TrackerSet } from "../../metrics/tracker.ts";
import { suiteTrackers, type TrackedRun, warmUpTrackers } from "./suite_trackers.ts";
import { OP_DIVERGED, OP_FIELDS, OP_INITIAL, OP_STEP, type ScoringMessage } from "./scoring_ops.ts";

const scope = self as unknown as {
  onmessage: ((e: MessageEvent) => void) | null;
  postMessage(message: unknown): void;
};

let trackers: TrackerSet | undefined;
let ring: SharedArrayBuffer | undefined;
let failed = false;

function fail(e: unknown): void {
  failed = true;
  const err = e instanceof Error ? e : new Error(String(e));
  scope.postMessage({ kind: "error", name: err.name, message: err.message, stack: err.stack });
}

function apply(meta: Int32Array, data: Float32Array, features: Float64Array): void {
  const t = trackers!;
  for (let o = 0; o < meta.length; o += OP_FIELDS) {
    const kind = meta[o], ic = meta[o + 1], step = meta[o + 2];
    const at = meta[o + 3], a = meta[o + 4], b = meta[o + 5], fa = meta[o + 6], fn = meta[o + 7];
    if (kind === OP_INITIAL) t.observeInitial(ic, data.subarray(at, at + a));
    else if (kind === OP_STEP) {
      const f = fn > 0 ? features.subarray(fa, fa + fn) : undefined;
      t.observe(ic, step, data.subarray(at, at + a), data.subarray(at + a, at + a + b), f);
    } else if (kind === OP_DIVERGED) t.diverged(ic, step);
    else throw new Error(`scoring worker: unknown operation ${kind}`);
  }
}

/**
 * After a batch (acknowledged first, so the caller's queue is not held up): let the trackers
 * compute now what their rows need (`TrackerSet.prepare`: the scorer's curves of the steps every
 * IC has passed), in the time the worker has between batches, so that less is left after the
 * run's last step, where the caller waits for the rows.
 */
function prepareRows(): void {
  if (failed) return;
  try {
    trackers!.prepare();
  } catch (e) {
    fail(e);
  }
}

// Messages are handled in order on one promise chain: "init" loads the suite's module alone
// (`suites/loaders.ts`, less than half the start-up of loading every suite), and batches that
// arrive meanwhile wait for it.
let queue: Promise<void> = Promise.resolve();
scope.onmessage = (e: MessageEvent) => {
  const msg = e.data as ScoringMessage;
  queue = queue.then(() => handle(msg));
};

async function handle(msg: ScoringMessage): Promise<void> {
  try {
    if (msg.kind === "init") {
      ring = msg.ring;
      const suite = await loadBuiltInSuite(msg.suite);
      trackers = suiteTrackers(suite, msg.run as TrackedRun);
      // Compile the trackers' code (the rows' above all) before the run needs it; batches
      // arriving meanwhile wait in the ring.
      try {
        warmUpTrackers(suite, msg.run as TrackedRun);
      } catch {
        // Synthetic states a suite's trackers refuse: the run's own states are what count.
      }
      scope.postMessage({ kind: "ready", at: performance.timeOrigin + performance.now() });
    } else if (msg.kind === "block") {
      if (!failed) {
        const { at, features: nf, data: nd, meta: nm } = msg, d = at + 8 * nf;
        apply(
          new Int32Array(ring!, d + 4 * nd, nm),
          new Float32Array(ring!, d, nd),
          new Float64Array(ring!, at, nf),
        );
      }
      scope.postMessage({ kind: "ack", bytes: msg.bytes });
      prepareRows();
    } else if (msg.kind === "ops") {
      if (!failed) apply(msg.meta, msg.data, msg.features);
      scope.postMessage({ kind: "ack", bytes: msg.bytes });
      prepareRows();
    } else if (msg.kind === "finish") {
      if (failed) return;
      const t = trackers!;
      scope.postMessage({
        kind: "done",
        rows: t.rows(),
        seconds: t.seconds,
        states: msg.states ? t.toStates(msg.states) : undefined,
      });
    }
  } catch (err) {
    if (msg.kind === "ops" || msg.kind === "block") {
      scope.postMessage({ kind: "ack", bytes: msg.bytes });
    }
    if (!failed) fail(err);
  }
}

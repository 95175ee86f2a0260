/**
 * Ctrl-C that works even while the main thread is busy. A SIGINT listener runs on the thread
 * that installed it, and only between tasks: during a long model step (onnxruntime computes
 * synchronously on the calling thread, on the wasm and the native backend alike) it would wait
 * for the step to end, which may take minutes. So the command line installs two listeners:
 *
 * - on the main thread: stop the output sets (`stopOutputSets`: no commit after this, unfinished
 *   sets removed), print the message, exit 130;
 * - in a watchdog worker (`interrupt_worker.ts`), whose thread is always idle: after
 *   {@link GRACE_MS} without the main thread having exited, it takes the commit lock (waiting
 *   out a swap in progress, so a set is never cut), removes the staging directories it was told
 *   of, prints the same message and ends the process with exit code 130 (`_exit` through FFI:
 *   `Deno.exit` in a worker ends only the worker; without FFI permission it falls back to
 *   SIGKILL of the process, and without that, to the main thread's listener).
 *
 * Either way a committed set is complete and an unfinished one is gone, so the message is true.
 * @module
 */
import { COMMIT_LOCK, stopOutputSets, watchStaging } from "./atomic.ts";

/** How long the watchdog leaves the main thread to handle SIGINT itself, in milliseconds. */
export const GRACE_MS = 300;

/**
 * The message printed on SIGINT, after `dropped` unfinished output sets were removed.
 *
 * @example
 * ```ts
 * import { interruptMessage } from "./interrupt.ts";
 * if (!interruptMessage(1).includes("discarded")) throw new Error();
 * if (!interruptMessage(0).includes("previous or its complete new files")) throw new Error();
 * ```
 */
export function interruptMessage(dropped: number): string {
  return `\nemubench: interrupted; ${
    dropped ? "the unfinished output was discarded and " : ""
  }every output directory holds its previous or its complete new files\n`;
}

/**
 * Install both SIGINT listeners (module notes). Call once, from the command line's entry point;
 * returns the watchdog worker (terminate it to uninstall the second listener).
 */
export function installInterruptHandlers(): Worker | undefined {
  Deno.addSignalListener("SIGINT", () => {
    const dropped = stopOutputSets();
    if (dropped === null) return; // the watchdog is stopping the process
    Deno.stderr.writeSync(new TextEncoder().encode(interruptMessage(dropped)));
    Deno.exit(130);
  });
  let worker: Worker | undefined;
  try {
    worker = new Worker(new URL("./interrupt_worker.ts", import.meta.url), { type: "module" });
  } catch {
    return undefined; // no workers here: the main thread's listener alone
  }
  worker.postMessage({ lock: COMMIT_LOCK, graceMs: GRACE_MS });
  watchStaging((staging) => worker!.postMessage({ staging }));
  return worker;
}

/**
 * The SIGINT watchdog (`interrupt.ts`): a worker whose thread stays idle, so its listener runs
 * even while the main thread is inside a long model step. Messages: `{lock, graceMs}` once (the
 * commit lock of `atomic.ts`, shared memory), then `{staging}` for every output set's staging
 * directory. Not API.
 * @module
 */
import { interruptMessage } from "./interrupt.ts";

const FREE = 0, COMMITTING = 1, STOPPING = 2;
let lock: Int32Array | undefined;
let graceMs = 300;
const staging = new Set<string>();

const scope = self as unknown as { onmessage: ((e: MessageEvent) => void) | null };
scope.onmessage = (e: MessageEvent) => {
  const m = e.data as { lock?: Int32Array; graceMs?: number; staging?: string };
  if (m.lock) lock = m.lock;
  if (m.graceMs !== undefined) graceMs = m.graceMs;
  if (m.staging) staging.add(m.staging);
};

/** End the whole process with `code` now (`Deno.exit` here would end only this worker). */
function endProcess(code: number): void {
  try {
    const libc = Deno.build.os === "darwin" ? "libSystem.dylib" : "libc.so.6";
    const lib = Deno.dlopen(libc, { _exit: { parameters: ["i32"], result: "void" } });
    lib.symbols._exit(code);
  } catch { /* no FFI permission or no libc: try a signal */ }
  try {
    Deno.kill(Deno.pid, "SIGKILL");
  } catch { /* no permission: the main thread's listener runs once it is free */ }
}

Deno.addSignalListener("SIGINT", async () => {
  await new Promise((r) => setTimeout(r, graceMs)); // a free main thread exits meanwhile
  if (!lock) return;
  // The main thread is busy. Take the lock for good, waiting out a swap in progress.
  for (;;) {
    const was = Atomics.compareExchange(lock, 0, FREE, STOPPING);
    if (was === FREE) break;
    if (was === STOPPING) return; // the main thread is stopping the process itself
    Atomics.wait(lock, 0, COMMITTING, 50);
  }
  let dropped = 0;
  for (const dir of staging) {
    try {
      Deno.removeSync(dir, { recursive: true });
      dropped++;
    } catch { /* committed (renamed into place) or abandoned already */ }
  }
  Deno.stderr.writeSync(new TextEncoder().encode(interruptMessage(dropped)));
  endProcess(130);
});

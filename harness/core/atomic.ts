/**
 * Atomic file writes: write to a temporary sibling, flush it to disk (fdatasync), then rename
 * over the target, so a reader (or an interrupted run, or a machine that loses power) never sees
 * a half-written file: without the flush a crash soon after the rename can leave the target
 * empty on file systems that delay data writes. An interrupted write can leave its temporary
 * sibling `<path>.tmp-<pid>-<id>` behind; callers sweep those (`harness/tasks/stability.ts`).
 * @module
 */

/**
 * Write `data` to `path` atomically (temporary sibling, fdatasync, rename), creating parent
 * directories.
 *
 * @example
 * ```ts
 * import { writeFileAtomic } from "./atomic.ts";
 * const dir = await Deno.makeTempDir();
 * await writeFileAtomic(`${dir}/a.json`, "{}");
 * if (await Deno.readTextFile(`${dir}/a.json`) !== "{}") throw new Error("write");
 * ```
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  // Loaded here, not at the top: modules that import this one also run in browsers.
  const { dirname } = await import("node:path");
  await Deno.mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${Deno.pid}-${crypto.randomUUID().slice(0, 8)}`;
  try {
    const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
    const file = await Deno.open(tmp, { write: true, create: true, truncate: true });
    try {
      for (let at = 0; at < bytes.length;) at += await file.write(bytes.subarray(at));
      await file.syncData(); // the data is on disk before the name points at it
    } finally {
      file.close();
    }
    await Deno.rename(tmp, path);
  } catch (e) {
    await Deno.remove(tmp).catch(() => {});
    throw e;
  }
}

/** Remove a file if it exists; never throws for a missing file. */
export async function removeIfExists(path: string): Promise<void> {
  await Deno.remove(path, { recursive: true }).catch((e) => {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  });
}

/**
 * Atomic file writes: write to a temporary sibling, flush it to disk (fdatasync), then rename
 * over the target, so a reader (or an interrupted run, or a machine that loses power) never sees
 * a half-written file: without the flush a crash soon after the rename can leave the target
 * empty on file systems that delay data writes. An interrupted write can leave its temporary
 * sibling `<path>.tmp-<pid>-<id>` behind; callers sweep those (`harness/tasks/stability.ts`; the
 * reference cache with {@link sweepStaleTemporaries}).
 * @module
 */

/** POSIX path helpers (this module also loads in browsers, so no node:path at the top). */
const trimSlash = (p: string) => (p.length > 1 ? p.replace(/\/+$/, "") : p);
function dirname(p: string): string {
  const t = trimSlash(p), i = t.lastIndexOf("/");
  return i < 0 ? "." : i === 0 ? "/" : t.slice(0, i);
}
function basename(p: string): string {
  const t = trimSlash(p);
  return t.slice(t.lastIndexOf("/") + 1);
}
function join(a: string, b: string): string {
  return a.endsWith("/") ? `${a}${b}` : `${a}/${b}`;
}

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

/** How long a temporary sibling of a dead process must be unchanged before a sweep removes it. */
const STALE_TEMPORARY_MS = 60 * 60 * 1000;

/**
 * Remove the temporary siblings `<base>.tmp-<pid>-<id>` (files or directories) in `dir` that
 * interrupted writes left behind: those of a process that is not running (Linux `/proc`) and
 * unchanged for `olderThanMs` (default one hour; the age also spares writers this process cannot
 * see, on another machine or in another PID namespace sharing `dir`, and every writer where there
 * is no `/proc`). `base` undefined: any base. A missing `dir`, or an entry that cannot be
 * removed, is left as it is: this never throws. Returns the names removed.
 *
 * @example
 * ```ts
 * import { sweepStaleTemporaries } from "./atomic.ts";
 * const dir = await Deno.makeTempDir();
 * const gone = `${dir}/a.bin.tmp-999999999-0123abcd`, mine = `${dir}/a.bin.tmp-${Deno.pid}-0123abcd`;
 * for (const f of [gone, mine]) {
 *   await Deno.writeTextFile(f, "");
 *   await Deno.utime(f, new Date(0), new Date(0)); // unchanged since 1970
 * }
 * const removed = await sweepStaleTemporaries(dir);
 * await Deno.remove(dir, { recursive: true });
 * if (removed.join() !== "a.bin.tmp-999999999-0123abcd") throw new Error(removed.join());
 * ```
 */
export async function sweepStaleTemporaries(
  dir: string,
  base?: string,
  olderThanMs = STALE_TEMPORARY_MS,
): Promise<string[]> {
  const removed: string[] = [];
  try {
    for await (const e of Deno.readDir(dir)) {
      const m = /^(.+)\.tmp-(\d+)-[0-9a-f]{8}$/.exec(e.name);
      if (!m || (base !== undefined && m[1] !== base) || alive(Number(m[2]))) continue;
      const path = join(dir, e.name);
      try {
        const { mtime } = await Deno.lstat(path);
        if (mtime === null || Date.now() - mtime.getTime() < olderThanMs) continue;
        await Deno.remove(path, { recursive: true });
        removed.push(e.name);
      } catch {
        // Gone already, or not ours to remove: left as it is.
      }
    }
  } catch {
    // No such directory, or not readable: nothing to sweep.
  }
  return removed;
}

/** Staging directories of output sets being written by this process (for {@link abandonOutputSets}). */
const ACTIVE = new Set<string>();

/**
 * The commit lock, shared with the interrupt watchdog (`harness/core/interrupt.ts`), which
 * stops the process from another thread while this one is busy (a long model step): 0 free,
 * 1 a commit's swap is running, 2 the process is stopping (no commit may start any more).
 */
export const COMMIT_LOCK: Int32Array = new Int32Array(
  typeof SharedArrayBuffer === "function" ? new SharedArrayBuffer(4) : new ArrayBuffer(4),
);
const FREE = 0, COMMITTING = 1, STOPPING = 2;

/** Told of every staging directory before it is created (the interrupt watchdog). */
let onStaging: ((staging: string) => void) | undefined;

/** Call `fn` with every staging directory an output set is about to create (one watcher). */
export function watchStaging(fn: ((staging: string) => void) | undefined): void {
  onStaging = fn;
}

/** Is process `pid` alive? Linux `/proc`; elsewhere unknown processes count as dead. */
function alive(pid: number): boolean {
  if (pid === Deno.pid) return true;
  try {
    Deno.statSync(`/proc/${pid}`);
    return true;
  } catch {
    return false;
  }
}

function existsSync(path: string): boolean {
  try {
    Deno.lstatSync(path);
    return true;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return false;
    throw e;
  }
}

/** Move every entry of `from` that `to` lacks and `owned` does not claim into `to`. */
function carryOver(from: string, to: string, owned: (name: string) => boolean): void {
  for (const e of Deno.readDirSync(from)) {
    if (owned(e.name)) continue;
    const target = join(to, e.name);
    if (!existsSync(target)) Deno.renameSync(join(from, e.name), target);
  }
}

/** Names of the temporary siblings of output directory `dir`: `.<base>.tmp-<pid>-<id>`, `.old-`. */
function siblingPattern(dir: string): RegExp {
  const base = basename(dir).replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(`^\\.${base}\\.(tmp|old)-(\\d+)-[0-9a-f]{8}$`);
}

/**
 * Finish or undo what an interrupted output-set write of `dir` left behind (see
 * {@link OutputSet}): a staging directory `.<base>.tmp-*` of a dead process is removed; an old
 * set `.<base>.old-*` is put back when `dir` is missing (the swap was cut between its two
 * renames), else its foreign entries are carried into `dir` and it is removed (the swap was
 * complete). Returns the names it removed or restored. Safe to call at any time; entries of live
 * processes are left alone.
 *
 * @example
 * ```ts
 * import { sweepOutputSet } from "./atomic.ts";
 * const dir = await Deno.makeTempDir();
 * await Deno.mkdir(`${dir}/.out.old-999999999-0123abcd`);
 * await Deno.writeTextFile(`${dir}/.out.old-999999999-0123abcd/result.json`, "{}");
 * await sweepOutputSet(`${dir}/out`);
 * const back = await Deno.readTextFile(`${dir}/out/result.json`);
 * await Deno.remove(dir, { recursive: true });
 * if (back !== "{}") throw new Error("old set not restored");
 * ```
 */
export function sweepOutputSet(
  dir: string,
  owned: (name: string) => boolean = () => true,
): Promise<string[]> {
  const parent = dirname(dir);
  const pattern = siblingPattern(dir);
  const done: string[] = [];
  let entries: Deno.DirEntry[];
  try {
    entries = [...Deno.readDirSync(parent)];
  } catch (e) {
    if (e instanceof Deno.errors.NotFound || e instanceof Deno.errors.NotADirectory) {
      return Promise.resolve(done);
    }
    throw e;
  }
  // Old sets first (a restore must not race the staging sweep), oldest name first.
  const found = entries.map((e) => ({ e, m: pattern.exec(e.name) })).filter((x) => x.m !== null)
    .sort((
      a,
      b,
    ) => (a.m![1] === b.m![1] ? a.e.name.localeCompare(b.e.name) : a.m![1] === "old" ? -1 : 1));
  for (const { e, m } of found) {
    const pid = Number(m![2]);
    if (alive(pid)) continue;
    const path = join(parent, e.name);
    if (m![1] === "old") {
      if (!existsSync(dir)) Deno.renameSync(path, dir);
      else {
        carryOver(path, dir, owned);
        Deno.removeSync(path, { recursive: true });
      }
    } else {
      Deno.removeSync(path, { recursive: true });
    }
    done.push(e.name);
  }
  return Promise.resolve(done);
}

/**
 * An output set written all-or-nothing: every file of a run (`result.json`, `report.html`,
 * `pred.npy`, `ref.npy`), a merge or a leaderboard site is written into a fresh staging
 * directory `.<base>.tmp-<pid>-<id>` beside the output directory, then {@link OutputSet.commit}
 * swaps the directories with two renames (old → `.<base>.old-…`, staging → `dir`), moves the
 * entries of the old directory the set does not own (other people's files) into the new one and
 * removes the old set. The swap runs synchronously, so no signal handler can run inside it; a
 * SIGKILL at any instant leaves either the old set or the new set, once {@link sweepOutputSet}
 * (called by {@link OutputSet.begin}) has finished or undone the swap.
 *
 * @example
 * ```ts
 * import { OutputSet } from "./atomic.ts";
 * import { join } from "node:path";
 * const dir = await Deno.makeTempDir();
 * const out = join(dir, "run");
 * const set = await OutputSet.begin(out, ["result.json", "pred.npy"]);
 * await Deno.writeTextFile(set.path("result.json"), "{}");
 * if (await Deno.stat(out).then(() => true, () => false)) throw new Error("visible too early");
 * await set.commit();
 * const text = await Deno.readTextFile(join(out, "result.json"));
 * await Deno.remove(dir, { recursive: true });
 * if (text !== "{}") throw new Error("not committed");
 * ```
 */
export class OutputSet {
  /** The output directory the set replaces. */
  readonly dir: string;
  /** Where the new set is written until {@link OutputSet.commit}. */
  readonly staging: string;
  readonly #owned: (name: string) => boolean;
  #state: "open" | "committed" | "abandoned" = "open";

  private constructor(dir: string, staging: string, owned: (name: string) => boolean) {
    this.dir = dir;
    this.staging = staging;
    this.#owned = owned;
  }

  /**
   * Start a new set for `dir`: sweep what interrupted writes left, check `dir` is a directory
   * (or absent) and create the staging directory. `owned` lists the names (or a predicate) the
   * set replaces; other entries of an existing `dir` are kept. A `dir` that is a file, link,
   * FIFO or device is a `ShapeError` naming `field`.
   */
  static async begin(
    dir: string,
    owned: readonly string[] | ((name: string) => boolean),
    field = "--out",
  ): Promise<OutputSet> {
    const own = typeof owned === "function" ? owned : (n: string) => owned.includes(n);
    const { checkOutputDir } = await import("./safe_file.ts");
    await checkOutputDir(dir, field);
    await sweepOutputSet(dir, own);
    const parent = dirname(dir);
    await Deno.mkdir(parent, { recursive: true });
    const staging = join(
      parent,
      `.${basename(dir)}.tmp-${Deno.pid}-${crypto.randomUUID().slice(0, 8)}`,
    );
    onStaging?.(staging);
    await Deno.mkdir(staging);
    ACTIVE.add(staging);
    return new OutputSet(dir, staging, own);
  }

  /** The staging path of output file `name` (a plain name or a relative path). */
  path(name: string): string {
    if (this.#state !== "open") throw new Error(`output set ${this.dir} is ${this.#state}`);
    return join(this.staging, name);
  }

  /** Swap the staging directory in for `dir` (see the class documentation). */
  commit(): Promise<void> {
    if (this.#state !== "open") throw new Error(`output set ${this.dir} is ${this.#state}`);
    // Synchronous from here on: a signal handler cannot run between the renames; the watchdog
    // thread waits for the lock (and once it holds it, no swap starts).
    if (Atomics.compareExchange(COMMIT_LOCK, 0, FREE, COMMITTING) !== FREE) {
      throw new Error(`output set ${this.dir}: the process is stopping (interrupted)`);
    }
    try {
      this.#swap();
    } finally {
      Atomics.store(COMMIT_LOCK, 0, FREE);
      Atomics.notify(COMMIT_LOCK, 0);
    }
    return Promise.resolve();
  }

  #swap(): void {
    const old = existsSync(this.dir)
      ? join(
        dirname(this.dir),
        `.${basename(this.dir)}.old-${Deno.pid}-${crypto.randomUUID().slice(0, 8)}`,
      )
      : null;
    if (old) Deno.renameSync(this.dir, old);
    try {
      Deno.renameSync(this.staging, this.dir);
    } catch (e) {
      if (old) Deno.renameSync(old, this.dir);
      throw e;
    }
    ACTIVE.delete(this.staging);
    this.#state = "committed";
    if (old) {
      carryOver(old, this.dir, this.#owned);
      Deno.removeSync(old, { recursive: true });
    }
  }

  /** Drop the staging directory; `dir` keeps its old set. Idempotent. */
  abandon(): void {
    if (this.#state !== "open") return;
    this.#state = "abandoned";
    ACTIVE.delete(this.staging);
    try {
      Deno.removeSync(this.staging, { recursive: true });
    } catch { /* already gone */ }
  }
}

/**
 * Take the commit lock for good (no output set commits after this) and remove the staging
 * directories of every set this process has open (synchronously): for a SIGINT handler, before
 * `Deno.exit`. Committed sets are complete and are not touched. Returns how many were removed,
 * or `null` when another thread (the interrupt watchdog) is already stopping the process.
 */
export function stopOutputSets(): number | null {
  for (;;) {
    const was = Atomics.compareExchange(COMMIT_LOCK, 0, FREE, STOPPING);
    if (was === FREE) break;
    if (was === STOPPING) return null;
    Atomics.wait(COMMIT_LOCK, 0, COMMITTING, 50); // a swap of this very thread cannot be here
  }
  return abandonOutputSets();
}

/**
 * Remove the staging directories of every output set this process has open (synchronously).
 * Committed sets are complete and are not touched. Returns how many were removed.
 */
export function abandonOutputSets(): number {
  let n = 0;
  for (const staging of [...ACTIVE]) {
    ACTIVE.delete(staging);
    try {
      Deno.removeSync(staging, { recursive: true });
      n++;
    } catch { /* already gone */ }
  }
  return n;
}

/**
 * Pruning the reference cache (`reference_cache.ts`): what the current code never reads, listed
 * with its bytes, then removed. {@link planCachePrune} lists; {@link removePruned} removes.
 *
 * The cache is laid out as `<cache>/<suite>/v<version>/seed<s>-n<N>-t<T><tag>.zarr` (one Zarr
 * entry per reference request, `<tag>` the suite's physics fingerprint, `physicsTag`), with the
 * entry's reference features in `features/features-<16 hex>.bin` (one file per layout, the name a
 * digest of the layout version), and the frontier's timings in
 * `<cache>/frontier/<suite>/<version>/`. Given what the current code reads
 * ({@link CacheCurrent}: per built-in suite its version, physics tag and the feature layouts of a
 * request), a prune lists, in the folders of those suites only:
 *
 * - `version`: a folder `<suite>/v<x>` of another suite version (its references, spin-ups and
 *   features; a suite version bump leaves it behind);
 * - `entry`: an entry of the current version whose physics tag is not the current one;
 * - `features`: in an entry of the current version and tag, a features file of another layout,
 *   or of the current layout's name but not of the current format (`EBFEAT01`, no digest);
 * - `frontier`: a folder `frontier/<suite>/<x>` of another suite version.
 *
 * Nothing else is touched: folders of suites the caller does not name (a user's suite), files it
 * does not recognise, temporary siblings of writers (`*.tmp-<pid>-<id>`, which the writers sweep),
 * spin-up folders of the current version, and symbolic links (never followed, never removed).
 *
 * Safe beside a run of the current code, which reads and writes only current entries and the
 * current layout: a folder is first renamed to `<name>.pruning-<pid>-<id>` (readers see it whole
 * or not at all), then removed; a prune that was interrupted leaves such a folder, which the next
 * prune removes once its process is gone (likewise a features file it had renamed aside). A
 * features file of the current name in another format (`EBFEAT01`, or too short for a magic) is
 * renamed aside and checked again, and put back if a run replaced it meanwhile with a current one
 * (without overwriting a newer one, where the file system has hard links). A run of an older emubench that shares the cache may need
 * what a prune removes: it computes it again.
 *
 * @example
 * ```ts
 * import { planCachePrune } from "./cache_prune.ts";
 * const dir = await Deno.makeTempDir();
 * await Deno.mkdir(`${dir}/toy/v1/seed0-n1-t1.zarr`, { recursive: true });
 * await Deno.mkdir(`${dir}/toy/v0/seed0-n1-t1.zarr`, { recursive: true });
 * await Deno.writeTextFile(`${dir}/toy/v0/seed0-n1-t1.zarr/zarr.json`, "{}");
 * const current = new Map([["toy", { version: "1", tag: "", features: () => new Set<string>() }]]);
 * const plan = await planCachePrune(dir, current);
 * if (plan.length !== 1 || plan[0].kind !== "version" || plan[0].bytes !== 2) {
 *   throw new Error(JSON.stringify(plan));
 * }
 * await Deno.remove(dir, { recursive: true });
 * ```
 * @module
 */
import { join } from "node:path";
import { ShapeError } from "../core/errors.ts";
import type { ReferenceRequest } from "./reference_store.ts";

/** What the current code reads of one suite's cache folder. */
export interface CurrentSuiteCache {
  /** `Suite.version`. */
  readonly version: string;
  /** Its physics tag in entry names (`physicsTag`; `""` when it declares none). */
  readonly tag: string;
  /** The features names (`features-<16 hex>`) the current code reads for a request's entry. */
  features(request: ReferenceRequest): ReadonlySet<string>;
}

/** Per suite id, what the current code reads; folders of other ids are never touched. */
export type CacheCurrent = ReadonlyMap<string, CurrentSuiteCache>;

/** One thing a prune removes. */
export interface PruneItem {
  /** File or folder. */
  readonly path: string;
  /** Bytes of its regular files (symbolic links not followed). */
  readonly bytes: number;
  /** `version`, `entry`, `features`, `frontier` (module documentation), or `leftover`. */
  readonly kind: "version" | "entry" | "features" | "frontier" | "leftover";
  /** Why, in words. */
  readonly why: string;
  /**
   * For a features file of the current layout's name: the magic it had when listed (removed
   * only if it still has it).
   */
  readonly magic?: string;
}

/** The magic of the current features format (`reference_cache.ts`). */
const FEATURES_MAGIC = "EBFEAT02";
/** An entry of the reference cache: seed, ICs, steps, physics tag. */
const ENTRY = /^seed(\d+)-n(\d+)-t(\d+)(-p[0-9a-f]{8})?\.zarr$/;
/** A features file. */
const FEATURES = /^(features-[0-9a-f]{16})\.bin$/;
/** A version folder (`v` and a version: `v1.1.0`). */
const VERSION = /^v[0-9][0-9A-Za-z.+_-]*$/;
/** A folder an interrupted prune left: its process id. */
const PRUNING = /\.pruning-(\d+)-[0-9a-f]{8}$/;

/** `name` as the frontier's timing cache spells it in a path (`harness/tasks/frontier.ts`). */
function safeName(s: string): string {
  return s.replace(/[^A-Za-z0-9._-]/g, "_");
}

/** The entries of folder `dir` (none when it is not there). */
async function entries(dir: string): Promise<Deno.DirEntry[]> {
  try {
    const out: Deno.DirEntry[] = [];
    for await (const e of Deno.readDir(dir)) out.push(e);
    return out.sort((a, b) => a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound || e instanceof Deno.errors.NotADirectory) return [];
    throw e;
  }
}

/** Bytes of the regular files under `path` (links not followed; 0 for what is gone meanwhile). */
async function sizeOf(path: string): Promise<number> {
  let st: Deno.FileInfo;
  try {
    st = await Deno.lstat(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return 0; // removed by another prune meanwhile
    throw e;
  }
  if (st.isFile) return st.size;
  if (!st.isDirectory) return 0;
  let n = 0;
  for (const e of await entries(path)) n += await sizeOf(join(path, e.name));
  return n;
}

/** The first 8 bytes of file `path` as text ("" when shorter or unreadable). */
async function magicOf(path: string): Promise<string> {
  try {
    using f = await Deno.open(path, { read: true });
    const b = new Uint8Array(8);
    let at = 0;
    while (at < 8) {
      const n = await f.read(b.subarray(at));
      if (n === null) break;
      at += n;
    }
    return at === 8 ? new TextDecoder().decode(b) : "";
  } catch {
    return "";
  }
}

/** Is process `pid` running? (Linux `/proc`; elsewhere counted as running: nothing is removed.) */
function running(pid: number): boolean {
  if (pid === Deno.pid) return true;
  if (Deno.build.os !== "linux") return true;
  try {
    Deno.statSync(`/proc/${pid}`);
    return true;
  } catch {
    return false;
  }
}

/**
 * What a prune of `cacheDir` removes (module documentation), in path order; nothing is changed.
 * A `cacheDir` that does not exist has nothing to remove; one that is not a folder is a
 * `ShapeError` naming it (bad input).
 */
export async function planCachePrune(
  cacheDir: string,
  current: CacheCurrent,
): Promise<PruneItem[]> {
  try {
    const st = await Deno.stat(cacheDir);
    if (!st.isDirectory) {
      throw new ShapeError({
        file: cacheDir,
        field: "cache directory",
        expected: "a directory",
        found: st.isFile ? `a file of ${st.size} bytes` : "not a directory",
      });
    }
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return [];
    throw e;
  }
  const out: PruneItem[] = [];
  const add = async (path: string, kind: PruneItem["kind"], why: string, magic?: string) =>
    out.push({
      path,
      bytes: await sizeOf(path),
      kind,
      why,
      ...(magic !== undefined ? { magic } : {}),
    });
  /** Folders (not links) of `dir`, and the leftovers of interrupted prunes in it. */
  const folders = async (dir: string) => {
    const found: Deno.DirEntry[] = [];
    for (const e of await entries(dir)) {
      if (!e.isDirectory) continue;
      const m = PRUNING.exec(e.name);
      if (m) {
        if (!running(Number(m[1]))) {
          await add(join(dir, e.name), "leftover", "left by a prune that was interrupted");
        }
        continue;
      }
      found.push(e);
    }
    return found;
  };
  for (const [id, cur] of current) {
    const suiteDir = join(cacheDir, id);
    for (const v of await folders(suiteDir)) {
      if (!VERSION.test(v.name)) continue; // not a version folder: not ours to judge
      const versionDir = join(suiteDir, v.name);
      if (v.name !== `v${cur.version}`) {
        await add(versionDir, "version", `${id} ${v.name}, the current version is v${cur.version}`);
        continue;
      }
      for (const e of await folders(versionDir)) {
        const m = ENTRY.exec(e.name);
        if (!m) continue; // spin-ups and the like
        const entry = join(versionDir, e.name);
        const tag = m[4] ?? "";
        if (tag !== cur.tag) {
          await add(
            entry,
            "entry",
            `physics tag ${tag || "(none)"}, the current one is ${cur.tag || "(none)"}`,
          );
          continue;
        }
        const request = { seed: Number(m[1]), ics: Number(m[2]), steps: Number(m[3]) };
        const keep = cur.features(request);
        const featuresDir = join(entry, "features");
        for (const f of await entries(featuresDir)) {
          const path = join(featuresDir, f.name);
          const left = PRUNING.exec(f.name);
          if (f.isFile && left && !running(Number(left[1]))) {
            await add(path, "leftover", "left by a prune that was interrupted");
            continue;
          }
          const fm = FEATURES.exec(f.name);
          if (!f.isFile || !fm) continue;
          const magic = await magicOf(path);
          if (!keep.has(fm[1])) {
            await add(path, "features", "a features layout the current code does not read");
          } else if (magic !== FEATURES_MAGIC) {
            await add(
              path,
              "features",
              `the current layout in the older format ${JSON.stringify(magic)}`,
              magic,
            );
          }
        }
      }
    }
    const frontierDir = join(cacheDir, "frontier", safeName(id));
    for (const v of await folders(frontierDir)) {
      if (v.name !== safeName(cur.version)) {
        await add(
          join(frontierDir, v.name),
          "frontier",
          `frontier timings of ${id} ${v.name}, the current version is ${cur.version}`,
        );
      }
    }
  }
  return out;
}

/** `path` renamed to a name no one else uses, next to it. */
async function renameAside(path: string): Promise<string> {
  const aside = `${path}.pruning-${Deno.pid}-${crypto.randomUUID().slice(0, 8)}`;
  await Deno.rename(path, aside);
  return aside;
}

/**
 * File `aside` back at `path` unless a file took that place meanwhile (then `aside` is removed):
 * a hard link, which never replaces; where the file system has none, a rename.
 */
async function putBack(aside: string, path: string): Promise<void> {
  try {
    await Deno.link(aside, path);
  } catch (e) {
    if (!(e instanceof Deno.errors.AlreadyExists)) {
      await Deno.rename(aside, path); // no hard links here: both files are of the current format
      return;
    }
  }
  await Deno.remove(aside);
}

/**
 * Remove what {@link planCachePrune} listed: each folder renamed aside then removed, each file
 * removed; a features file listed for its older format only if it still has that format (else it
 * is put back, unless a newer one took its place). Things already gone are skipped. Returns what
 * was removed and its bytes.
 */
export async function removePruned(
  items: readonly PruneItem[],
): Promise<{ removed: PruneItem[]; bytes: number }> {
  const removed: PruneItem[] = [];
  for (const item of items) {
    try {
      if (item.kind === "features") {
        if (item.magic === undefined) {
          await Deno.remove(item.path);
        } else {
          const aside = await renameAside(item.path);
          if ((await magicOf(aside)) !== item.magic) {
            // A run wrote the current format meanwhile: back in place, never over a newer file.
            await putBack(aside, item.path);
            continue;
          }
          await Deno.remove(aside);
        }
      } else if (item.kind === "leftover") {
        await Deno.remove(item.path, { recursive: true });
      } else {
        await Deno.remove(await renameAside(item.path), { recursive: true });
      }
      removed.push(item);
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) continue;
      throw e;
    }
  }
  return { removed, bytes: removed.reduce((s, i) => s + i.bytes, 0) };
}

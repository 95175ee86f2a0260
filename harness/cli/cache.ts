/**
 * `emubench cache prune [--dry-run]`: remove what the current code never reads from the reference
 * cache (other suite versions, other physics tags, feature files of other layouts or of the older
 * format, frontier timings of other versions), listing each with its bytes
 * (`harness/data/cache_prune.ts`, `harness/tasks/cache.ts`). Safe beside a run of this version.
 *
 * @example
 * ```ts
 * import { cacheCommand } from "./cache.ts";
 * if (!("dry-run" in cacheCommand.flags)) throw new Error("cache prune --dry-run");
 * ```
 * @module
 */
import { ValueRangeError } from "../core/errors.ts";
import { planCachePrune, removePruned } from "../data/cache_prune.ts";
import { currentCache } from "../tasks/cache.ts";
import { FLAG, withCacheDir } from "./common.ts";
import { defineCommand } from "./flags.ts";

/** The actions of `emubench cache`. */
export const CACHE_ACTIONS = ["prune"] as const;

/** `n` bytes in words (B, kB, MB, GB; powers of 1000). */
export function formatBytes(n: number): string {
  if (n < 1000) return `${n} B`;
  const units = ["kB", "MB", "GB", "TB"];
  let v = n, u = -1;
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  return `${v.toFixed(v < 10 ? 2 : v < 100 ? 1 : 0)} ${units[u]}`;
}

/** `emubench cache`. */
export const cacheCommand = defineCommand({
  name: "cache",
  summary: "prune the reference cache of what this version never reads",
  usage: ["emubench cache prune [--dry-run] [--cache DIR] [--json]"],
  positionals: { name: "ACTION", meaning: "prune", min: 1, max: 1 },
  flags: {
    "dry-run": {
      type: "boolean",
      meaning: "list what would be removed and its bytes, remove nothing",
    },
    cache: FLAG.cache,
    json: { ...FLAG.json, meaning: "print what was (or would be) removed as JSON" },
  },
  examples: ["emubench cache prune --dry-run", "emubench cache prune --cache /data/emubench-cache"],
  notes: [
    "Removed: folders of other versions of a built-in suite (references, spin-ups, features),",
    "entries of other physics tags, feature files of other layouts or of the older format",
    "(EBFEAT01), frontier timings of other versions, what an interrupted prune left renamed",
    "aside (<name>.pruning-<pid>-<id>, once its process is gone). Kept: everything this version",
    "reads, other suites' folders, files it does not recognise. A run of this version may go on",
    "meanwhile;",
    "a run of an older version sharing the cache computes again what it needs.",
  ],
  run: async (v, positionals) => {
    const action = positionals[0];
    if (!(CACHE_ACTIONS as readonly string[]).includes(action)) {
      throw new ValueRangeError({
        field: "emubench cache ACTION",
        expected: `one of ${CACHE_ACTIONS.join(", ")}`,
        found: JSON.stringify(action),
      });
    }
    const dry = v["dry-run"] === true;
    return await withCacheDir(v.cache, async (dir) => {
      const plan = await planCachePrune(dir, currentCache());
      const done = dry
        ? { removed: plan, bytes: plan.reduce((s, i) => s + i.bytes, 0) }
        : await removePruned(plan);
      if (v.json) {
        console.log(
          JSON.stringify(
            { cache: dir, dryRun: dry, bytes: done.bytes, items: done.removed },
            null,
            1,
          ),
        );
        return 0;
      }
      for (const i of done.removed) {
        console.log(
          `${dry ? "would remove" : "removed"} ${i.path} (${
            formatBytes(i.bytes)
          }, ${i.kind}: ${i.why})`,
        );
      }
      console.log(
        done.removed.length === 0
          ? `nothing to remove in ${dir}`
          : `${dry ? "would remove" : "removed"} ${done.removed.length} item(s), ${
            formatBytes(done.bytes)
          }, from ${dir}`,
      );
      return 0;
    });
  },
});

/**
 * `emubench leaderboard`: a static site ranking the results in a directory.
 *
 * @example
 * ```ts
 * import { leaderboardCommand } from "./leaderboard.ts";
 * if (leaderboardCommand.flags.out.required !== true) throw new Error("--out is required");
 * ```
 * @module
 */
import { buildLeaderboard } from "../../reports/leaderboard.ts";
import { FLAG, suiteIds } from "./common.ts";
import { defineCommand } from "./flags.ts";

/** `emubench leaderboard`. */
export const leaderboardCommand = defineCommand({
  name: "leaderboard",
  summary: "build a static leaderboard site from a directory of results",
  usage: ["emubench leaderboard <results dir> --out <site dir> [--json]"],
  positionals: {
    name: "RESULTS_DIR",
    meaning: "a directory searched for result.json files",
    min: 1,
    max: 1,
    paths: true,
  },
  flags: {
    out: { type: "path", value: "DIR", meaning: "the site directory to write", required: true },
    json: { ...FLAG.json, meaning: "print the pages written and the results skipped as JSON" },
  },
  examples: ["emubench leaderboard results --out site"],
  run: async (v, positionals) => {
    const site = await buildLeaderboard(positionals[0], v.out, {
      log: (m) => console.error(m),
      // The index lists suites in registry order; the leaderboard itself reads only results.
      suiteOrder: suiteIds(),
    });
    if (v.json) {
      console.log(
        JSON.stringify({ index: site.index, pages: site.pages, skipped: site.skipped }, null, 1),
      );
    }
    return 0;
  },
});

/**
 * `emubench merge`: join the shard files of a sharded run into one result.
 *
 * @example
 * ```ts
 * import { mergeCommand } from "./merge.ts";
 * if (mergeCommand.positionals?.min !== 1) throw new Error("merge needs shards");
 * ```
 * @module
 */
import { dirname, join } from "node:path";
import { writeReport } from "../../reports/mod.ts";
import { mergeShards, readShards } from "../tasks/shard.ts";
import { OutputSet, writeFileAtomic } from "../core/atomic.ts";
import { FLAG, summaryLine } from "./common.ts";
import { defineCommand } from "./flags.ts";

/** `emubench merge`. */
export const mergeCommand = defineCommand({
  name: "merge",
  summary: "merge the shards of a sharded run (emubench run --shard K/N) into one result",
  usage: ["emubench merge <shard files or dirs...> [--out DIR] [--no-report] [--json]"],
  positionals: {
    name: "SHARDS",
    meaning: "shard files (shard-K-of-N.json) or directories holding them",
    min: 1,
    max: Infinity,
    paths: true,
  },
  flags: {
    out: {
      type: "path",
      value: "DIR",
      meaning: "where result.json and report.html go",
      defaultText: "the first shard's directory",
    },
    "no-report": FLAG.noReport,
    json: FLAG.json,
  },
  examples: [
    "emubench merge shards --out out/m",
    "emubench merge a/shard-1-of-2.json b/shard-2-of-2.json",
  ],
  notes: ["docs/scale-out.md shows a sharded run end to end."],
  run: async (v, positionals) => {
    const shards = await readShards(positionals);
    const result = mergeShards(shards);
    const outDir = v.out ?? dirname(shards[0].file);
    const file = join(outDir, "result.json");
    // One output set: result.json and report.html appear together (the shards stay beside them).
    const set = await OutputSet.begin(outDir, ["result.json", "report.html"]);
    let report: string | undefined;
    try {
      await writeFileAtomic(set.path("result.json"), JSON.stringify(result, null, 1));
      if (!v["no-report"]) await writeReport(set.path("report.html"), [result]);
      await set.commit();
    } finally {
      set.abandon();
    }
    if (!v["no-report"]) report = join(outDir, "report.html");
    if (v.json) {
      console.log(JSON.stringify({ result: file, report, summary: summaryLine(result) }));
    } else {
      console.error(`merged ${shards.length} shards: ${summaryLine(result)}`);
      for (const f of [file, report]) if (f) console.error(`wrote ${f}`);
    }
    return 0;
  },
});

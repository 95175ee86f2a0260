/**
 * `emubench report`: an HTML report (a comparison when several) from result files.
 *
 * @example
 * ```ts
 * import { reportCommand } from "./report.ts";
 * if (reportCommand.positionals?.paths !== true) throw new Error("results are paths");
 * ```
 * @module
 */
import { readCheckedResult } from "../results/check.ts";
import { writeReport } from "../../reports/mod.ts";
import { defineCommand } from "./flags.ts";

/** `emubench report`. */
export const reportCommand = defineCommand({
  name: "report",
  summary: "write an HTML report of one result, or a comparison of several",
  usage: ["emubench report <result.json...> [--out FILE]"],
  positionals: {
    name: "RESULTS",
    meaning: "one or more result.json files",
    min: 1,
    max: Infinity,
    paths: true,
  },
  flags: {
    out: {
      type: "path",
      value: "FILE",
      meaning: "the HTML file to write",
      defaultText: "<result>.html for one result, report.html for several",
    },
  },
  examples: [
    "emubench report out/burgers1d/coarse_solver/result.json",
    "emubench report a/result.json b/result.json --out compare.html",
  ],
  run: async (v, positionals) => {
    const results = [];
    // As deep as the gate: a tampered or inconsistent file is refused (exit 2), never drawn.
    for (const p of positionals) results.push(await readCheckedResult(p));
    const out = v.out ??
      (positionals.length === 1 ? positionals[0].replace(/\.json$/, "") + ".html" : "report.html");
    await writeReport(out, results);
    console.error(`wrote ${out}`);
    return 0;
  },
});

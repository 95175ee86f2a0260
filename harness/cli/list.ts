/**
 * `emubench list`: the suites, their tiers and baselines, and the solver ladder of `run --frontier`
 * where a suite has one.
 *
 * @example
 * ```ts
 * import { listCommand } from "./list.ts";
 * if (!("json" in listCommand.flags)) throw new Error("list --json");
 * ```
 * @module
 */
import { listSuites } from "../../suites/mod.ts";
import { listBaselines } from "../../baselines/mod.ts";
import { solverLadder } from "../../baselines/ladder.ts";
import { FLAG } from "./common.ts";
import { defineCommand } from "./flags.ts";

/** `emubench list`. */
export const listCommand = defineCommand({
  name: "list",
  summary: "list the suites with their tiers and baselines",
  usage: ["emubench list [--json]"],
  flags: { json: { ...FLAG.json, meaning: "print the list as JSON" } },
  examples: ["emubench list", "emubench list --json"],
  run: (v) => {
    const suites = listSuites().map((s) => ({
      id: s.id,
      version: s.version,
      title: s.title,
      tiers: s.tiers,
      baselines: listBaselines().filter((b) => b.suites.includes(s.id)).map((b) => b.id),
      ladder: solverLadder(s)?.rungs.map((r) => r.label) ?? null,
    }));
    if (v.json) {
      console.log(JSON.stringify(suites, null, 1));
      return 0;
    }
    for (const s of suites) {
      console.log(`${s.id} v${s.version}: ${s.title}`);
      for (const [t, tier] of Object.entries(s.tiers)) {
        console.log(`  tier ${t}: ${tier.ics} ICs × ${tier.steps} steps`);
      }
      console.log(`  baselines: ${s.baselines.join(", ")}`);
      if (s.ladder) console.log(`  solver ladder (run --frontier): ${s.ladder.join(", ")}`);
    }
    return 0;
  },
});

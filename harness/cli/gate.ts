/**
 * `emubench gate`: compare a candidate result with a baseline result under rules (CI gate).
 *
 * @example
 * ```ts
 * import { gateCommand } from "./gate.ts";
 * if (gateCommand.flags.baseline.required !== true) throw new Error("--baseline is required");
 * ```
 * @module
 */
import { gate, readGateRules } from "../results/gate.ts";
import { readCheckedResult } from "../results/check.ts";
import { FLAG } from "./common.ts";
import { defineCommand } from "./flags.ts";

/** `emubench gate`. */
export const gateCommand = defineCommand({
  name: "gate",
  summary: "pass or fail a candidate result against a baseline result (exit 1 on failure)",
  usage: ["emubench gate --baseline A.json --candidate B.json [--rules FILE] [--json]"],
  flags: {
    baseline: {
      type: "path",
      value: "A.json",
      meaning: "the result to compare against",
      required: true,
    },
    candidate: { type: "path", value: "B.json", meaning: "the result under test", required: true },
    rules: {
      type: "path",
      value: "FILE",
      meaning: "gate rules (JSON: metrics, steps, tolerances)",
      defaultText: "the built-in rules",
    },
    json: { ...FLAG.json, meaning: "print the outcome as JSON instead of Markdown" },
  },
  examples: [
    "emubench gate --baseline main/result.json --candidate pr/result.json",
    "emubench gate --baseline a.json --candidate b.json --rules gate.json --json",
  ],
  notes: ["Exit codes: 0 pass, 1 fail, 2 bad input. docs/ci-gate.md has a CI recipe."],
  run: async (v) => {
    const baseline = await readCheckedResult(v.baseline, "--baseline");
    const candidate = await readCheckedResult(v.candidate, "--candidate");
    const rules = v.rules ? await readGateRules(v.rules) : undefined;
    const outcome = gate(baseline, candidate, rules, v.rules);
    console.log(v.json ? JSON.stringify(outcome, null, 1) : outcome.markdown);
    return outcome.pass ? 0 : 1;
  },
});

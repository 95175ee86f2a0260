/**
 * `emubench validate`: explain whether a model fits a suite, without running it in full.
 *
 * @example
 * ```ts
 * import { validateCommand } from "./validate.ts";
 * if (validateCommand.positionals?.max !== 1) throw new Error("one model");
 * ```
 * @module
 */
import { validateModel } from "../tasks/validate.ts";
import type { BackendChoice } from "../onnx/backend.ts";
import { FLAG } from "./common.ts";
import { defineCommand } from "./flags.ts";
import { TASKS } from "./run.ts";

/** `emubench validate`. */
export const validateCommand = defineCommand({
  name: "validate",
  summary: "check a model against a suite's contract and dry-run it; list every problem",
  usage: [
    "emubench validate <model> --suite S [--task forecast|reconstruct] [--backend B] [--json]",
  ],
  positionals: {
    name: "MODEL",
    meaning: "an .onnx file or a model directory with emulator.json",
    min: 1,
    max: 1,
    paths: true,
  },
  flags: {
    suite: {
      ...FLAG.suite,
      required: false,
      defaultText: "the suite in emulator.json (required for a bare .onnx)",
    },
    task: {
      type: "string",
      meaning: "the task the model is for",
      choices: TASKS,
      defaultText: "forecast",
    },
    backend: FLAG.backend,
    json: { ...FLAG.json, meaning: "print the full report as JSON" },
  },
  examples: [
    "emubench validate my_model/",
    "emubench validate m.onnx --suite burgers1d --backend wasm",
  ],
  notes: ["Exit codes: 0 the model fits, 2 it does not (every problem is listed)."],
  run: async (v, positionals) => {
    const report = await validateModel(positionals[0], {
      suite: v.suite,
      backend: v.backend as BackendChoice | undefined,
      task: v.task as (typeof TASKS)[number] | undefined,
    });
    if (v.json) console.log(JSON.stringify(report, null, 1));
    else console.log(report.text);
    return report.ok ? 0 : 2;
  },
});

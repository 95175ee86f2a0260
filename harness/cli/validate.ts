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
import { checkExpected, validateModel } from "../tasks/validate.ts";
import { ValueRangeError } from "../core/errors.ts";
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
    "emubench validate <model> --expect-input IN.npy --expect-output OUT.npy [--tolerance X]",
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
    "expect-input": {
      type: "path",
      meaning: "a state your framework stepped: [B, C, ...grid] ([B, k, C, ...] for history k)",
      value: "IN.npy",
    },
    "expect-output": {
      type: "path",
      meaning: "what your framework returned for it, [B, C, ...grid]: one step is compared on " +
        "every backend here",
      value: "OUT.npy",
    },
    tolerance: {
      type: "string",
      meaning: "largest accepted max|Δ| / max|OUT| with --expect-output",
      defaultText: "1e-5 (float16 graphs: 5e-3)",
      value: "X",
    },
  },
  examples: [
    "emubench validate my_model/",
    "emubench validate m.onnx --suite burgers1d --backend wasm",
    "emubench validate my_model/ --expect-input in.npy --expect-output out.npy",
  ],
  notes: [
    "Exit codes: 0 the model fits, 2 it does not (every problem is listed).",
    "With --expect-input/--expect-output: 0 every backend within tolerance, 1 beyond it.",
  ],
  run: async (v, positionals) => {
    const expectIn = v["expect-input"] as string | undefined;
    const expectOut = v["expect-output"] as string | undefined;
    if (expectIn !== undefined || expectOut !== undefined || v.tolerance !== undefined) {
      if (expectIn === undefined || expectOut === undefined) {
        throw new ValueRangeError({
          field: expectIn === undefined ? "--expect-input" : "--expect-output",
          expected: "both --expect-input and --expect-output",
          found: "only one of them",
        });
      }
      const tol = v.tolerance === undefined ? undefined : Number(v.tolerance);
      if (tol !== undefined && !(tol >= 0)) {
        throw new ValueRangeError({
          field: "--tolerance",
          expected: "a number ≥ 0, e.g. 1e-5",
          found: JSON.stringify(v.tolerance),
        });
      }
      const r = await checkExpected(positionals[0], {
        suite: v.suite,
        expectInput: expectIn,
        expectOutput: expectOut,
        tolerance: tol,
        backends: v.backend && v.backend !== "auto"
          ? [v.backend as Exclude<BackendChoice, "auto">]
          : undefined,
      });
      if (v.json) console.log(JSON.stringify(r, null, 1));
      else console.log(r.text);
      return r.ok ? 0 : 1;
    }
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

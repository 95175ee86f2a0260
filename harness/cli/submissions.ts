/**
 * `emubench submissions`: evaluate every submitted model in a directory (untrusted input).
 *
 * @example
 * ```ts
 * import { submissionsCommand } from "./submissions.ts";
 * if (submissionsCommand.flags.results.required !== true) throw new Error("--results");
 * ```
 * @module
 */
import { privateTestSeed } from "../tasks/context.ts";
import { evaluateSubmissions } from "../tasks/submissions.ts";
import { DEFAULT_LIMITS } from "../tasks/isolate.ts";
import { ValueRangeError } from "../core/errors.ts";
import type { TierName } from "../../suites/common/types.ts";
import type { BackendChoice } from "../onnx/backend.ts";
import { FLAG, withCacheDir } from "./common.ts";
import { defineCommand } from "./flags.ts";
import { Status } from "./status.ts";

/** `emubench submissions`. */
export const submissionsCommand = defineCommand({
  name: "submissions",
  summary: "evaluate each submission in a directory whose result is missing or out of date",
  usage: ["emubench submissions <dir> --results <dir> [--tier T] [--backend B] [--json]"],
  positionals: {
    name: "DIR",
    meaning: "a directory with one model directory (emulator.json + graphs) per submission",
    min: 1,
    max: 1,
    paths: true,
  },
  flags: {
    results: {
      type: "path",
      value: "DIR",
      meaning: "where the results go (and what is already up to date)",
      required: true,
    },
    tier: FLAG.tier,
    backend: FLAG.backend,
    cache: FLAG.cache,
    "time-limit": {
      type: "int",
      value: "S",
      meaning: "wall-clock limit per submission, seconds (0: evaluate in this process, no limits)",
      default: DEFAULT_LIMITS.wallSeconds,
    },
    "step-limit": {
      type: "int",
      value: "S",
      meaning: "longest a single rollout step may take, seconds",
      default: DEFAULT_LIMITS.stepSeconds,
    },
    "memory-limit": {
      type: "int",
      value: "MIB",
      meaning: "resident memory cap per submission, MiB",
      default: DEFAULT_LIMITS.memoryMb,
    },
    json: { ...FLAG.json, meaning: "print every submission's outcome as JSON" },
  },
  examples: ["emubench submissions submissions --results results --tier smoke"],
  notes: [
    "Each submission runs in a child process under the limits; one that exceeds them is killed, " +
    'recorded as "timed out at step k" or "out of memory", and the queue moves on.',
    "Exit codes: 0 all evaluated or current, 2 some failed, 3 internal error.",
  ],
  run: async (v, positionals) => {
    const status = new Status(v.json);
    for (const k of ["time-limit", "step-limit", "memory-limit"] as const) {
      const n = v[k] as number;
      if (!(n >= 0) || (k !== "time-limit" && n < 1)) {
        throw new ValueRangeError({
          field: `--${k}`,
          expected: k === "time-limit" ? "a non-negative integer" : "a positive integer",
          found: String(n),
        });
      }
    }
    const limits = v["time-limit"] === 0 ? undefined : {
      wallSeconds: v["time-limit"] as number,
      stepSeconds: v["step-limit"] as number,
      memoryMb: v["memory-limit"] as number,
    };
    const outcomes = await withCacheDir(v.cache, (cacheDir) =>
      evaluateSubmissions(positionals[0], {
        cacheDir,
        privateSeed: privateTestSeed(),
        resultsDir: v.results,
        tier: v.tier as TierName | undefined,
        backend: v.backend as BackendChoice | undefined,
        limits,
        log: (m) => status.log(m),
        progress: (phase, d, t) => status.progress(`  ${phase}`, d, t),
      }));
    if (v.json) console.log(JSON.stringify(outcomes, null, 1));
    const count = (s: string) => outcomes.filter((o) => o.status === s).length;
    status.log(
      `${count("evaluated")} evaluated, ${count("current")} current, ${count("failed")} failed`,
    );
    return outcomes.some((o) => o.internal) ? 3 : count("failed") > 0 ? 2 : 0;
  },
});

/**
 * `emubench run`: evaluate a model on a suite (forecast, or reconstruct for era5).
 *
 * @example
 * ```ts
 * import { runCommand } from "./run.ts";
 * if (!("suite" in runCommand.flags)) throw new Error("run takes --suite");
 * ```
 * @module
 */
import { privateTestSeed } from "../tasks/context.ts";
import { join } from "node:path";
import { ValueRangeError } from "../core/errors.ts";
import { evaluate, type EvaluateOptions } from "../tasks/run.ts";
import type { ScoringMode } from "../tasks/scoring.ts";
import { evaluateReconstruction, reconstructSummary } from "../tasks/reconstruct.ts";
import { writeReport } from "../../reports/mod.ts";
import type { TierName } from "../../suites/common/types.ts";
import type { BackendChoice } from "../onnx/backend.ts";
import { formatShard, parseShard } from "../tasks/shard.ts";
import { FLAG, modelSpec, slug, summaryLine, withCacheDir } from "./common.ts";
import { defineCommand, userPath } from "./flags.ts";
import { Status } from "./status.ts";
import { frontierTable } from "../tasks/frontier.ts";

/** The tasks `run` performs. */
export const TASKS = ["forecast", "reconstruct"] as const;

/** `emubench run`. */
export const runCommand = defineCommand({
  name: "run",
  summary: "evaluate a model on a suite and write result.json and report.html",
  usage: [
    "emubench run --suite S --model <path|baseline:NAME> [--tier T] [--backend B] [--ics N]",
    "             [--steps N] [--seed N] [--batch N] [--data FILE] [--out DIR]",
    "             [--save-trajectories] [--no-report] [--shard K/N] [--scoring M] [--json]",
    "             [--frontier [--training-cost SECONDS]] [--reductions host|device]",
    "emubench run --task reconstruct --suite era5 --model <dir|baseline:mean_pool_rN>",
    "             [--ics N] [--seed N] [--lmax L] [--data FILE] [--backend B] [--out DIR] [--json]",
  ],
  flags: {
    suite: FLAG.suite,
    model: FLAG.model,
    task: {
      type: "string",
      meaning: "forecast (roll the model out) or reconstruct (encode→decode, era5)",
      choices: TASKS,
      defaultText: "forecast",
    },
    tier: FLAG.tier,
    backend: FLAG.backend,
    ics: FLAG.ics,
    steps: { ...FLAG.steps, meaning: `${FLAG.steps.meaning} (forecast only)` },
    seed: FLAG.seed,
    batch: { ...FLAG.batch, defaultText: "32; 8 for --task reconstruct" },
    data: FLAG.data,
    out: {
      type: "path",
      value: "DIR",
      meaning: "output directory",
      defaultText: "out/<suite>/<model>",
    },
    "save-trajectories": {
      type: "boolean",
      meaning: "also write pred.npy and ref.npy [ICs, steps+1, fields, grid…] (reconstruct: " +
        "[samples, fields, grid])",
    },
    "no-report": FLAG.noReport,
    shard: {
      type: "string",
      value: "K/N",
      meaning: "evaluate only shard K of N of the ICs (merge with emubench merge)",
    },
    lmax: { type: "int", meaning: "largest spherical-harmonic degree scored (reconstruct)" },
    scoring: {
      type: "string",
      meaning: "where the metrics run: worker (a thread beside the model's), inline (the " +
        "model's thread) or auto (the worker on runs large enough to pay for its start); the " +
        "rows are the same bits",
      choices: ["auto", "worker", "inline"],
      defaultText: "auto",
    },
    reductions: {
      type: "string",
      meaning: "where the per-step reductions run: host (every state read back, every metric " +
        "family, float64) or device (mse/nrmse/Takacs split and the suite's energy graph " +
        "reduced in float32 on the model's backend, states read back only at summary and " +
        "snapshot steps; families needing every state are not computed and the result lists " +
        "them; not with --shard, --save-trajectories, --frontier, --scoring worker, or a " +
        "float16 or normalizing model; docs/device-reductions.md)",
      choices: ["host", "device"],
      defaultText: "host",
    },
    frontier: {
      type: "boolean",
      meaning: "also score and time the suite's solver ladder on the same ICs and backend and " +
        "add the cost–accuracy frontier to the result (docs/frontier.md)",
    },
    "training-cost": {
      type: "string",
      value: "SECONDS",
      meaning: "with --frontier: the model's training cost, for the break-even number of rollouts",
    },
    cache: FLAG.cache,
    json: FLAG.json,
  },
  examples: [
    "emubench run --suite burgers1d --model baseline:coarse_solver --tier smoke",
    "emubench run --suite burgers1d --model my_model.onnx --backend wasm --out out/mine",
    "emubench run --suite burgers1d --model baseline:persistence --data burgers.h5 --ics 16",
    "emubench run --suite burgers1d --model m.onnx --shard 2/4 --out shards   # docs/scale-out.md",
    "emubench run --suite burgers1d --model m.onnx --frontier --training-cost 3600",
    "emubench run --suite jet2d --model m.onnx --backend webgpu --reductions device",
  ],
  run: async (values) => {
    const v = values;
    const suite = v.suite;
    const model = modelSpec(v.model, suite);
    const shard = v.shard === undefined ? undefined : parseShard(v.shard);
    const status = new Status(v.json);
    const outDir = v.out ?? userPath(join("out", suite, slug(v.model)));
    const trainingSeconds = trainingCost(v["training-cost"], Boolean(v.frontier));
    if (v.task === "reconstruct") {
      for (const k of ["steps", "shard", "frontier", "scoring", "reductions"] as const) {
        if (v[k] !== undefined) {
          throw new ValueRangeError({
            field: `--${k}`,
            expected: "no such flag with --task reconstruct (one encode→decode per sample)",
            found: String(v[k]),
          });
        }
      }
      const { result, files } = await evaluateReconstruction({
        suite,
        model,
        tier: v.tier as TierName | undefined,
        backend: v.backend as BackendChoice | undefined,
        samples: v.ics,
        seed: v.seed,
        batch: v.batch,
        lmax: v.lmax,
        data: v.data,
        outDir,
        saveTrajectories: Boolean(v["save-trajectories"]),
        // report.html is part of the output set: it appears with result.json or not at all.
        extraOutputs: v["no-report"] ? undefined : {
          "report.html": (path, result) => writeReport(path, [result]),
        },
        log: (m) => status.log(m),
        progress: (phase, d, t) => status.progress(phase, d, t),
      });
      const report = files.extra?.["report.html"];
      if (v.json) {
        const { extra: _extra, ...named } = files;
        console.log(JSON.stringify({ ...named, report, summary: reconstructSummary(result) }));
      } else {
        status.log(reconstructSummary(result));
        for (const f of [files.result, files.pred, files.ref, report]) {
          if (f) status.log(`wrote ${f}`);
        }
      }
      return 0;
    }
    if (v.lmax !== undefined) {
      throw new ValueRangeError({
        field: "--lmax",
        expected: "no such flag without --task reconstruct",
        found: String(v.lmax),
      });
    }
    const opts: EvaluateOptions = {
      suite,
      model,
      tier: v.tier as TierName | undefined,
      backend: v.backend as BackendChoice | undefined,
      ics: v.ics,
      steps: v.steps,
      seed: v.seed,
      privateSeed: privateTestSeed(),
      batch: v.batch,
      data: v.data,
      outDir,
      saveTrajectories: v["save-trajectories"],
      shard,
      scoring: v.scoring as ScoringMode | undefined,
      frontier: v.frontier ? { trainingSeconds } : undefined,
      reductions: v.reductions as "host" | "device" | undefined,
      // report.html is part of the run's output set: it appears with result.json or not at all.
      extraOutputs: v["no-report"] || shard ? undefined : {
        "report.html": (path, result) => writeReport(path, [result]),
      },
      log: (m) => status.log(m),
      progress: (phase, d, t) => status.progress(phase, d, t),
    };
    const { result, files, shard: shardOut } = await withCacheDir(
      v.cache,
      (cacheDir) => evaluate({ ...opts, cacheDir }),
    );
    if (shardOut) {
      const last = shardOut.ics[shardOut.ics.length - 1];
      const line =
        `${result.suite.id} ${result.model.name}: shard ${formatShard(shardOut.shard)}, ` +
        `ICs ${shardOut.ics[0]}..${last} of ${result.config.ics}; merge with emubench merge`;
      if (v.json) console.log(JSON.stringify({ shard: files.shard, summary: line }));
      else status.log(`${line}\nwrote ${files.shard}`);
      return 0;
    }
    const report = files.extra?.["report.html"];
    if (v.json) {
      const { extra: _extra, ...named } = files;
      const frontier = result.frontier && {
        note: result.frontier.note,
        ...(result.frontier.training ? { training: result.frontier.training.note } : {}),
      };
      console.log(
        JSON.stringify({
          ...named,
          report,
          summary: summaryLine(result),
          ...(frontier && { frontier }),
        }),
      );
    } else {
      status.log(summaryLine(result));
      if (result.frontier) status.log(frontierTable(result.frontier));
      for (const f of [files.result, report, files.pred, files.ref]) {
        if (f) status.log(`wrote ${f}`);
      }
    }
    return 0;
  },
});

/**
 * `--training-cost SECONDS` as a number (a decimal ≥ 0), or undefined when absent; refused
 * without `--frontier` or when not a number.
 */
function trainingCost(text: string | undefined, frontier: boolean): number | undefined {
  if (text === undefined) return undefined;
  if (!frontier) {
    throw new ValueRangeError({
      field: "--training-cost",
      expected: "given with --frontier (it sets the frontier's break-even)",
      found: `--training-cost ${text} without --frontier`,
    });
  }
  const v = /^\s*(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*$/.test(text) ? Number(text) : NaN;
  if (!Number.isFinite(v)) {
    throw new ValueRangeError({
      field: "--training-cost",
      expected: "a number of seconds ≥ 0 (e.g. 3600)",
      found: JSON.stringify(text),
    });
  }
  return v;
}

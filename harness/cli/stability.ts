/**
 * `emubench stability`: a long free rollout scored by how many ICs stay physical to the horizon.
 *
 * @example
 * ```ts
 * import { stabilityCommand } from "./stability.ts";
 * if (!("horizon" in stabilityCommand.flags)) throw new Error("stability takes --horizon");
 * ```
 * @module
 */
import { join } from "node:path";
import { ValueRangeError } from "../core/errors.ts";
import { runStability } from "../tasks/stability.ts";
import type { TierName } from "../../suites/common/types.ts";
import type { BackendChoice } from "../onnx/backend.ts";
import { FLAG, modelSpec, slug, withCacheDir } from "./common.ts";
import { defineCommand, userPath } from "./flags.ts";
import { Status } from "./status.ts";

/** `emubench stability`. */
export const stabilityCommand = defineCommand({
  name: "stability",
  summary: "roll a model out far past the forecast horizon and count the ICs that stay stable",
  usage: [
    "emubench stability --suite S --model <path|baseline:NAME> [--tier T] [--horizon H] [--ics N]",
    "             [--seed N] [--backend B] [--batch N] [--checkpoint-every K]",
    "             [--spectra-every k] [--energy-stats MEAN,STD] [--out DIR] [--json]",
  ],
  flags: {
    suite: FLAG.suite,
    model: FLAG.model,
    tier: FLAG.tier,
    horizon: {
      type: "int",
      value: "H",
      meaning: "horizon in model steps",
      defaultText: "the tier's steps",
    },
    ics: FLAG.ics,
    seed: FLAG.seed,
    backend: FLAG.backend,
    batch: FLAG.batch,
    "checkpoint-every": {
      type: "int",
      value: "K",
      meaning: "write checkpoint.json every K steps; a rerun resumes from it (0: never)",
      defaultText: "never",
    },
    "spectra-every": {
      type: "int",
      value: "k",
      meaning: "accumulate the mean spectrum every k steps",
      defaultText: "no spectra",
    },
    "energy-stats": {
      type: "string",
      value: "MEAN,STD",
      meaning: "steady-state energy mean and standard deviation the stability bound is built on",
      defaultText: "the suite's",
    },
    "device-energy": {
      type: "string",
      meaning: "compute each step's energy on the device (on), on the host (off), or pick (auto)",
      choices: ["auto", "on", "off"],
      defaultText: "auto",
    },
    out: {
      type: "path",
      value: "DIR",
      meaning: "output directory",
      defaultText: "out/<suite>/<model>-stability",
    },
    cache: FLAG.cache,
    json: FLAG.json,
  },
  examples: [
    "emubench stability --suite burgers1d --model baseline:coarse_solver --tier smoke",
    "emubench stability --suite jet2d --model m.onnx --horizon 200000 --checkpoint-every 1000",
  ],
  notes: ["docs/stability.md explains the score and the energy bound."],
  run: async (v) => {
    const model = modelSpec(v.model, v.suite);
    let energyStats: { mean: number; std: number } | undefined;
    if (v["energy-stats"] !== undefined) {
      const parts = v["energy-stats"].split(",").map(Number);
      if (parts.length !== 2 || !parts.every(Number.isFinite) || parts[1] < 0) {
        throw new ValueRangeError({
          field: "--energy-stats",
          expected: "MEAN,STD (finite numbers, STD ≥ 0)",
          found: JSON.stringify(v["energy-stats"]),
        });
      }
      energyStats = { mean: parts[0], std: parts[1] };
    }
    const status = new Status(v.json);
    const outDir = v.out ?? userPath(join("out", v.suite, `${slug(v.model)}-stability`));
    const run = await withCacheDir(v.cache, (cacheDir) =>
      runStability({
        cacheDir,
        suite: v.suite,
        model,
        tier: v.tier as TierName | undefined,
        horizon: v.horizon,
        ics: v.ics,
        seed: v.seed,
        backend: v.backend as BackendChoice | undefined,
        batch: v.batch,
        checkpointEvery: v["checkpoint-every"],
        spectraEvery: v["spectra-every"],
        energyStats,
        deviceEnergy: v["device-energy"] as "auto" | "on" | "off" | undefined,
        outDir,
        log: (m) => status.log(m),
        progress: (d, t) => status.progress("stability", d, t),
        setupProgress: (phase, d, t) => status.progress(phase, d, t),
      }));
    const r = run.result;
    const rate = r.rows.find((x) => x.metric === "stability_rate")!;
    const lo = r.rows.find((x) => x.metric === "stability_rate_lower")!;
    const hi = r.rows.find((x) => x.metric === "stability_rate_upper")!;
    const line = `${r.suite.id} ${r.model.name}: stable to step ${r.config.steps}: ${
      Math.round(rate.value! * r.config.ics)
    }/${r.config.ics} (${rate.value!.toFixed(3)}, Wilson 95% [${lo.value!.toFixed(3)}, ${
      hi.value!.toFixed(3)
    }]), ${Math.round(r.timings.stepsPerSecond)} IC-steps/s on ${r.environment.backend}, ${
      (100 * run.outsideModelShare).toFixed(1)
    }% of the time outside the model${run.resumed ? " (resumed from a checkpoint)" : ""}`;
    if (v.json) {
      console.log(JSON.stringify({
        result: run.files.result,
        summary: line,
        outsideModelShare: run.outsideModelShare,
        resumed: run.resumed,
      }));
    } else {
      status.log(line);
      if (run.files.result) status.log(`wrote ${run.files.result}`);
    }
    return 0;
  },
});

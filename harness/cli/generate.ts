/**
 * `emubench generate`: training / validation / test trajectories from a suite's reference solver
 * (`harness/tasks/generate.ts`), on every core, resumable, written atomically.
 *
 * @example
 * ```ts
 * import { generateCommand } from "./generate.ts";
 * if (!("split" in generateCommand.flags)) throw new Error("generate takes --split");
 * ```
 * @module
 */
import { generateDataset, type Split, SPLITS } from "../tasks/generate.ts";
import { parseShard } from "../tasks/shard.ts";
import { FLAG, withCacheDir } from "./common.ts";
import { defineCommand } from "./flags.ts";
import { Status } from "./status.ts";

/** `emubench generate`. */
export const generateCommand = defineCommand({
  name: "generate",
  summary: "write training data (train / val / test splits) from a suite's reference solver",
  usage: [
    "emubench generate --suite S --split train|val|test --n N --out PATH.zarr|.h5|.npy",
    "                  [--steps T] [--stride k] [--shard K/M] [--workers W] [--json]",
  ],
  flags: {
    suite: FLAG.suite,
    split: {
      type: "string",
      value: "SPLIT",
      meaning: "train and val draw ICs from seeds disjoint from test; test = the ICs run scores",
      choices: SPLITS,
      required: true,
    },
    n: { type: "int", value: "N", meaning: "trajectories in the whole split", required: true },
    steps: {
      type: "int",
      value: "T",
      meaning: "model steps (of the suite's Δt) per trajectory",
      defaultText: "the suite's standard tier",
    },
    stride: { type: "int", value: "k", meaning: "keep every k-th state", default: 1 },
    out: {
      type: "path",
      value: "PATH",
      meaning: "output; .zarr (chunk per trajectory), .h5/.hdf5 (PDEBench layout) or .npy",
      required: true,
    },
    shard: {
      type: "string",
      value: "K/M",
      meaning: "generate only slice K of M of the ICs (one job of a CI matrix or Indexed Job)",
    },
    workers: {
      type: "int",
      value: "W",
      meaning: "worker threads, one trajectory each at a time",
      defaultText: "one per core",
    },
    "test-seed": {
      type: "int",
      value: "SEED",
      meaning: "private test seed (else $EMUBENCH_TEST_SEED); files record only its SHA-256",
    },
    cache: FLAG.cache,
    json: FLAG.json,
  },
  examples: [
    "emubench generate --suite burgers1d --split train --n 1024 --out data/burgers_train.zarr",
    "emubench generate --suite shallow_water2d --split val --n 64 --steps 100 --out sw_val.h5",
    "emubench generate --suite jet2d --split train --n 256 --shard 3/8 --out part3.zarr",
  ],
  notes: [
    "An interrupted run leaves PATH.partial/; the same command again continues from it.",
    "docs/training-data.md: layouts, metadata, a PyTorch Dataset, and sharded generation.",
  ],
  run: async (v) => {
    const status = new Status(v.json);
    const shard = v.shard === undefined ? undefined : parseShard(v.shard);
    const stop = new AbortController();
    const onSigint = () => stop.abort(new Error("interrupted"));
    try {
      Deno.addSignalListener("SIGINT", onSigint);
    } catch { /* not on this platform */ }
    try {
      const r = await withCacheDir(v.cache, () =>
        generateDataset({
          suite: v.suite,
          split: v.split as Split,
          n: v.n,
          steps: v.steps,
          stride: v.stride,
          out: v.out,
          shard,
          testSeed: v["test-seed"],
          workers: v.workers,
          signal: stop.signal,
          progress: (d, t) => status.progress(`${v.suite} ${v.split}: trajectories`, d, t),
        }));
      if (v.json) console.log(JSON.stringify(r));
      else {
        status.log(
          `wrote ${r.path}: ${r.count} trajectories (${r.computed} computed now, ICs ` +
            `${r.offset}…${r.offset + r.count - 1} of ${v.n}), ${r.metadata.times} times each, ` +
            `${(r.bytes / 1e6).toFixed(1)} MB, ${r.seconds.toFixed(1)} s`,
        );
      }
      return 0;
    } catch (e) {
      if (stop.signal.aborted) {
        status.log(
          `interrupted: finished trajectories are kept in ${v.out}.partial/; ` +
            "run the same command again to continue",
        );
        return 130;
      }
      throw e;
    } finally {
      try {
        Deno.removeSignalListener("SIGINT", onSigint);
      } catch { /* not on this platform */ }
    }
  },
});

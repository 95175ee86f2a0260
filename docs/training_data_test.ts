/**
 * The training-data guide's Python example (docs/training_data_example.py) reads what
 * `emubench generate` writes, as Zarr, HDF5 and .npy, into a PyTorch DataLoader, and all three
 * give the same numbers. Runs where a Python with torch, zarr, h5py and numpy is installed
 * (`apt-get install python3-torch python3-zarr python3-h5py`; set EMUBENCH_PYTHON to choose the
 * interpreter); elsewhere it is reported as ignored, never as passed.
 */
import { join } from "node:path";
import { generateDataset } from "../harness/tasks/generate.ts";

function python(): string | undefined {
  for (const exe of [Deno.env.get("EMUBENCH_PYTHON"), "/usr/bin/python3", "python3"]) {
    if (!exe) continue;
    try {
      const r = new Deno.Command(exe, {
        args: ["-c", "import torch, zarr, h5py, numpy"],
        stdout: "null",
        stderr: "null",
      }).outputSync();
      if (r.success) return exe;
    } catch { /* not installed */ }
  }
  return undefined;
}

const exe = python();

Deno.test({
  name: "training data guide: the PyTorch Dataset reads Zarr, HDF5 and .npy alike",
  ignore: exe === undefined,
  fn: async () => {
    const dir = await Deno.makeTempDir();
    const files = ["t.zarr", "t.h5", "t.npy"].map((f) => join(dir, f));
    for (const out of files) {
      await generateDataset({
        suite: "burgers1d",
        split: "train",
        n: 2,
        steps: 3,
        out,
        workers: 1,
      });
    }
    const r = await new Deno.Command(exe!, {
      args: [new URL("./training_data_example.py", import.meta.url).pathname, ...files],
    }).output();
    const out = new TextDecoder().decode(r.stdout), err = new TextDecoder().decode(r.stderr);
    if (!r.success) throw new Error(`python failed:\n${out}\n${err}`);
    const lines = out.trim().split("\n").map((l) => JSON.parse(l));
    if (lines.length !== 3 || lines.some((l) => l.pairs !== 6 || l.batch.join() !== "4,1,1024")) {
      throw new Error(out);
    }
  },
});

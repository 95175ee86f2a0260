/**
 * `emubench run --reductions device` from the command line: the result file says where the
 * reductions ran and what was not computed; refusals exit 2 naming `--reductions`; `--help`
 * lists the flag.
 */
import { join } from "node:path";
import { readResult } from "../results/io.ts";
import { runCli } from "../../fixtures/cli.ts";

const cli = (args: string[]) => runCli(args);

Deno.test("run --reductions device writes a result that records them; refusals exit 2", async () => {
  const dir = await Deno.makeTempDir({ prefix: "emubench-devred-cli-" });
  try {
    const base = [
      "run",
      "--suite",
      "burgers1d",
      "--model",
      "baseline:persistence",
      "--tier",
      "smoke",
      "--backend",
      "wasm",
      "--ics",
      "2",
      "--steps",
      "4",
      "--no-report",
    ];
    const out = join(dir, "dev");
    const ok = await cli([...base, "--reductions", "device", "--out", out]);
    if (ok.code !== 0) throw new Error(`exit ${ok.code}: ${ok.err}`);
    // The terminal says what the run did not compute, by name.
    if (!/not computed with device reductions .*: spectrum_error, .*energy_error/.test(ok.err)) {
      throw new Error(`the log does not name what was not computed: ${ok.err}`);
    }
    const result = await readResult(join(out, "result.json"));
    const rec = result.reductions;
    if (rec?.where !== "device" || rec.precision !== "float32" || rec.omitted.length === 0) {
      throw new Error(JSON.stringify(rec));
    }
    if (result.rows.some((r) => r.metric === "spectrum_error")) throw new Error("spectrum_error");
    if (!result.rows.some((r) => r.metric === "mse")) throw new Error("no mse");
    for (
      const [extra, words] of [
        [["--reductions", "gpu"], "--reductions"],
        [["--reductions", "device", "--shard", "1/2"], "--shard"],
        [["--reductions", "device", "--save-trajectories"], "--save-trajectories"],
      ] as const
    ) {
      const r = await cli([...base, ...extra, "--out", join(dir, "refused")]);
      if (r.code !== 2 || !r.err.includes("--reductions") || !r.err.includes(words)) {
        throw new Error(`${extra.join(" ")}: exit ${r.code}: ${r.err}`);
      }
    }
    const help = await cli(["run", "--help"]);
    const text = (help.out + help.err).replace(/\s+/g, " ");
    if (!text.includes("--reductions")) throw new Error("--help lacks the flag");
    if (!text.includes("not with --shard, --save-trajectories, --frontier, --scoring worker")) {
      throw new Error("--help does not say what --reductions device refuses");
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

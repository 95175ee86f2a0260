/**
 * Benchmark of `emubench generate` (`harness/tasks/generate.ts`): trajectories per minute per
 * suite with one worker and with W workers (default: every core), their ratio, the CPU time /
 * wall time of the W-worker run, and the size on disk per trajectory (`.zarr`, uncompressed).
 * Both runs of a suite generate the same trajectories (same split, same ICs) one after the other
 * in this process, so their ratio is measured side by side.
 *
 * Run: `deno run -A harness/bench/generate_bench.ts [--suites burgers1d,shallow_water2d]
 * [--n 8] [--steps S] [--workers W]`. Default suites: the four whose ICs need no spin-up
 * (convection1d, burgers1d, shallow_water2d, era5); hasegawa_wakatani and jet2d spin up every
 * IC (minutes each) and run only when named.
 * @module
 */
import { parseArgs } from "node:util";
import { join } from "node:path";
import { generateDataset } from "../tasks/generate.ts";
import { defaultWorkers } from "../tasks/trajectories.ts";
import { getSuite } from "../../suites/mod.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    suites: { type: "string", default: "convection1d,burgers1d,shallow_water2d,era5" },
    n: { type: "string", default: "8" },
    steps: { type: "string" },
    workers: { type: "string" },
  },
});

function cpuSeconds(): number {
  // user + system time of this process and its threads (Linux: /proc/self/stat, in clock ticks).
  try {
    const f = Deno.readTextFileSync("/proc/self/stat").split(") ")[1].split(" ");
    return (Number(f[11]) + Number(f[12])) / 100;
  } catch {
    return NaN;
  }
}

const W = Number(values.workers ?? defaultWorkers());
const n = Number(values.n);
const rows: string[][] = [];
const dir = await Deno.makeTempDir({ prefix: "emubench-generate-bench-" });
try {
  for (const id of values.suites!.split(",")) {
    const suite = getSuite(id);
    const steps = Number(values.steps ?? suite.tiers.standard.steps);
    const rate: number[] = [];
    let bytes = 0, ratioCpu = NaN;
    for (const workers of [1, W]) {
      const out = join(dir, `${id}-w${workers}.zarr`);
      const c0 = cpuSeconds();
      const r = await generateDataset({ suite: id, split: "train", n, steps, out, workers });
      const cpu = cpuSeconds() - c0;
      rate.push((60 * n) / r.seconds);
      bytes = r.bytes / n;
      if (workers === W) ratioCpu = cpu / r.seconds;
      await Deno.remove(out, { recursive: true });
    }
    rows.push([
      id,
      String(steps),
      rate[0].toFixed(1),
      rate[1].toFixed(1),
      (rate[1] / rate[0]).toFixed(2),
      ratioCpu.toFixed(2),
      (bytes / 1e6).toFixed(2),
    ]);
  }
} finally {
  await Deno.remove(dir, { recursive: true }).catch(() => {});
}
const head = [
  "suite",
  "steps",
  "traj/min (1 worker)",
  `traj/min (${W} workers)`,
  "speed-up",
  "CPU/wall",
  "MB/traj",
];
const width = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(width[i])).join(" | ")} |`;
console.log(`generate: ${n} train trajectories per run, ${navigator.hardwareConcurrency} cores`);
console.log(line(head));
console.log(`|${width.map((w) => "-".repeat(w + 2)).join("|")}|`);
for (const r of rows) console.log(line(r));

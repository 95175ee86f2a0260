/**
 * Benchmark of the long-horizon `stability` task (`harness/tasks/stability.ts`): IC-steps per second of
 * a stability run per backend, and the share of its rollout wall time spent outside the model
 * (`1 − model s / rollout wall s`, model seconds being the time the loop is blocked awaiting the
 * model plus issuing its steps, `RolloutTiming` in `harness/model/rollout.ts`; outside: energy, band
 * checks, spectra, NaN scans, checkpoints that do not overlap the model's next step). The model is the untrained `cnn1d_untrained` baseline on burgers1d
 * (4 periodic conv layers, 32 channels, kernel 5, 1024 points); the energy band is made wide so
 * that no IC exits and every run does the full horizon.
 *
 * Run: `deno run -A harness/bench/stability_bench.ts [--suite burgers1d] [--model baseline:cnn1d_untrained]
 * [--ics 32] [--horizon 2000] [--checkpoint-every 0] [--spectra-every 0] [--backends native,wasm]`.
 * webgpu runs by default only on a hardware adapter; the llvmpipe software adapter (asked for
 * with `--backends webgpu`) is labelled so, and its numbers say nothing about GPUs.
 * @module
 */
import { parseArgs } from "node:util";
import { type BackendName, nativeAvailable, probeAdapter } from "../onnx/backend.ts";
import { runStability } from "../tasks/stability.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    suite: { type: "string", default: "burgers1d" },
    model: { type: "string", default: "baseline:cnn1d_untrained" },
    ics: { type: "string", default: "32" },
    horizon: { type: "string", default: "2000" },
    "checkpoint-every": { type: "string", default: "0" },
    "spectra-every": { type: "string", default: "0" },
    backends: { type: "string" },
  },
});

const available: BackendName[] = [];
if (await nativeAvailable()) available.push("native");
available.push("wasm");
const adapter = await probeAdapter();
// A software adapter (llvmpipe) runs only when asked for with --backends: it takes minutes.
if (adapter && !adapter.fallback) available.push("webgpu");
const chosen = values.backends ? (values.backends.split(",") as BackendName[]) : available;
const every = Number(values["checkpoint-every"]);
const out = every > 0 ? await Deno.makeTempDir({ prefix: "emubench-stability-bench-" }) : undefined;

const rows: string[][] = [];
for (const name of chosen) {
  const run = await runStability({
    suite: values.suite,
    model: values.model,
    ics: Number(values.ics),
    horizon: Number(values.horizon),
    backend: name,
    energyStats: { mean: 0, std: 1e30 }, // nothing but NaN/Inf exits: the full horizon runs
    checkpointEvery: every,
    spectraEvery: Number(values["spectra-every"]) || undefined,
    outDir: out ? `${out}/${name}` : undefined,
  });
  const t = run.result.timings;
  const label = name === "webgpu" && adapter?.fallback
    ? `webgpu (${adapter.description}, software)`
    : name;
  rows.push([
    label,
    t.stepsPerSecond.toFixed(0),
    t.modelSeconds.toFixed(2),
    ((t.modelSeconds / (1 - run.outsideModelShare)) || 0).toFixed(2),
    t.metricSeconds.toFixed(2),
    `${(100 * run.outsideModelShare).toFixed(1)}%`,
  ]);
}
if (out) await Deno.remove(out, { recursive: true });

const header = [
  "backend",
  "IC-steps/s",
  "model s",
  "rollout wall s",
  "energy/spectra s",
  "outside model",
];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(widths[i])).join(" | ")} |`;
console.log(
  `stability: ${values.model} on ${values.suite}, ${values.ics} ICs × ${values.horizon} steps, ` +
    `checkpoint every ${every || "never"}, spectra every ${
      Number(values["spectra-every"]) || "never"
    }`,
);
console.log(line(header));
console.log(`|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`);
for (const r of rows) console.log(line(r));

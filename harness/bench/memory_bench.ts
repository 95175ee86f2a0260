/**
 * Peak resident memory of a forecast run, per suite, at the tier's horizon and at `--factor`×
 * that horizon (default 10): is memory flat in the horizon? Each run is a fresh child process
 * (`deno run memory_bench.ts --child …`) that evaluates `baseline:persistence` with the reference
 * cache warm or cold as it finds it, and prints its peak resident set (`VmHWM` of
 * `/proc/self/status`, Linux) split into what the process held before `evaluate()` (Deno,
 * onnxruntime, the suites) and after. The table also gives the size of the reference trajectory
 * the run holds, `ICs × (steps + 1) × values × 4` bytes, which grows with the horizon.
 *
 * `deno run -A harness/bench/memory_bench.ts [--suites convection1d,burgers1d] [--tier standard]
 * [--factor 10] [--backend native]`
 * (`--json` adds a last line `JSON: {...}` with the same figures, for `speed_table.ts`)
 * @module
 */
import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";
import { getSuite } from "../../suites/mod.ts";
import { gridSize, type TierName } from "../../suites/common/types.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    child: { type: "boolean", default: false },
    suites: { type: "string", default: "convection1d,burgers1d,shallow_water2d,era5" },
    suite: { type: "string" },
    tier: { type: "string", default: "standard" },
    steps: { type: "string" },
    factor: { type: "string", default: "10" },
    backend: { type: "string", default: "native" },
    json: { type: "boolean", default: false },
  },
});

/** Peak and current resident set of this process, MiB (Linux). */
function rssMiB(): { peak: number; now: number } {
  const s = Deno.readTextFileSync("/proc/self/status");
  const kb = (k: string) => Number(new RegExp(`${k}:\\s+(\\d+)`).exec(s)?.[1] ?? NaN);
  return { peak: kb("VmHWM") / 1024, now: kb("VmRSS") / 1024 };
}

if (values.child) {
  const { evaluate } = await import("../tasks/run.ts");
  const before = rssMiB();
  const { result } = await evaluate({
    suite: values.suite!,
    model: "baseline:persistence",
    tier: values.tier as TierName,
    steps: Number(values.steps),
    backend: values.backend as "native",
  });
  const after = rssMiB();
  console.log(JSON.stringify({
    before: before.peak,
    peak: after.peak,
    steps: result.config.steps,
    ics: result.config.ics,
  }));
  Deno.exit(0);
}

const self = fileURLToPath(import.meta.url);
const factor = Number(values.factor);
console.log(
  `memory: peak resident set of one run of baseline:persistence (${values.backend}), ` +
    `tier ${values.tier}, horizon T and ${factor}·T; one child process per run`,
);
console.log(
  "| suite | ICs | steps | reference MiB | peak RSS MiB | of which before evaluate() | growth vs T |",
);
console.log("|---|---|---|---|---|---|---|");
const json: Record<string, string | number>[] = [];
for (const id of values.suites!.split(",")) {
  const suite = getSuite(id);
  const tier = suite.tiers[values.tier as TierName];
  if (!tier) throw new RangeError(`${id} has no tier "${values.tier}"`);
  let base = NaN;
  for (const steps of [tier.steps, tier.steps * factor]) {
    const out = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        self,
        "--child",
        "--suite",
        id,
        "--tier",
        values.tier!,
        "--steps",
        String(steps),
        "--backend",
        values.backend!,
      ],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = new TextDecoder().decode(out.stdout).trim().split("\n").pop() ?? "";
    if (!out.success) {
      json.push({ suite: id, ics: tier.ics, steps, error: `exit ${out.code}` });
      console.log(
        `| ${id} | ${tier.ics} | ${steps} | failed: ${
          new TextDecoder().decode(out.stderr).slice(-200)
        } |`,
      );
      continue;
    }
    const r = JSON.parse(text) as { before: number; peak: number; ics: number; steps: number };
    const refMiB = (r.ics * (r.steps + 1) * suite.fields.length * gridSize(suite.grid) * 4) /
      2 ** 20;
    if (Number.isNaN(base)) base = r.peak;
    json.push({ suite: id, ...r, referenceMiB: refMiB, growth: r.peak / base });
    console.log(
      `| ${id} | ${r.ics} | ${r.steps} | ${refMiB.toFixed(1)} | ${r.peak.toFixed(0)} | ${
        r.before.toFixed(0)
      } | ${(r.peak / base).toFixed(2)}× |`,
    );
  }
}
if (values.json) {
  const head = { bench: "memory", tier: values.tier, factor, backend: values.backend };
  console.log(`JSON: ${JSON.stringify({ ...head, rows: json })}`);
}

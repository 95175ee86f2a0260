/**
 * Cold reference generation on one thread against the worker pool (`pooledReference`): wall
 * time, CPU time (the whole process, workers included) and their ratio, for one suite and tier.
 * Each round generates the reference twice into fresh temporary caches, one-thread first or
 * pooled first alternately; the table gives medians and checks both entries have the same digest.
 * Shared per-seed work (`hasegawa_wakatani`'s base spin-up, cached on disk under the default
 * cache dir) is warmed once before timing: it is one serial job in both variants.
 *
 * `deno run -A harness/bench/reference_bench.ts --suite shallow_water2d --tier standard --rounds 3`
 * (`--json` adds a last line `JSON: {...}` with the same figures, for `speed_table.ts`)
 * @module
 */
import { parseArgs } from "node:util";
import process from "node:process";
import { loadOrGenerateReference, type ReferenceGenerator } from "../data/reference_cache.ts";
import { getSuite } from "../../suites/mod.ts";
import type { TierName } from "../../suites/common/types.ts";
import { pooledReference } from "../tasks/pooled_reference.ts";
import { defaultWorkers } from "../tasks/trajectories.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    suite: { type: "string", default: "shallow_water2d" },
    tier: { type: "string", default: "standard" },
    ics: { type: "string" },
    steps: { type: "string" },
    rounds: { type: "string", default: "3" },
    workers: { type: "string" },
    json: { type: "boolean", default: false },
  },
});
const suite = getSuite(values.suite!);
const tier = suite.tiers[values.tier as TierName];
if (!tier) throw new Error(`${suite.id} has no tier ${values.tier}`);
const request = {
  seed: suite.seed,
  ics: values.ics ? Number(values.ics) : tier.ics,
  steps: values.steps ? Number(values.steps) : tier.steps,
};
const workers = values.workers ? Number(values.workers) : defaultWorkers();
const R = Number(values.rounds);
suite.prepareInitialConditions?.(request.seed);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

async function cold(
  generate?: ReferenceGenerator,
): Promise<{ wall: number; cpu: number; sha: string }> {
  const cacheDir = await Deno.makeTempDir();
  try {
    const c0 = process.cpuUsage(), t0 = performance.now();
    const r = await loadOrGenerateReference(suite, request, { cacheDir, generate });
    const wall = (performance.now() - t0) / 1000, c = process.cpuUsage(c0);
    return { wall, cpu: (c.user + c.system) / 1e6, sha: r.sha256 };
  } finally {
    await Deno.remove(cacheDir, { recursive: true });
  }
}

const runs = {
  one: [] as { wall: number; cpu: number }[],
  pool: [] as { wall: number; cpu: number }[],
};
const shas = new Set<string>();
for (let r = 0; r < R; r++) {
  const order = r % 2 === 0 ? (["one", "pool"] as const) : (["pool", "one"] as const);
  for (const v of order) {
    const m = await cold(v === "one" ? undefined : pooledReference(workers));
    runs[v].push(m);
    shas.add(m.sha);
    console.log(`round ${r + 1} ${v}: ${m.wall.toFixed(2)} s wall, ${m.cpu.toFixed(2)} s CPU`);
  }
}
if (shas.size !== 1) throw new Error(`digests differ: ${[...shas].join(", ")}`);
const row = (name: string, xs: { wall: number; cpu: number }[]) => {
  const wall = median(xs.map((x) => x.wall)), cpu = median(xs.map((x) => x.cpu));
  return { name, wall, cpu, ratio: median(xs.map((x) => x.cpu / x.wall)) };
};
const one = row("one thread", runs.one), pool = row(`pool (${workers} workers)`, runs.pool);
console.log(
  `\n${suite.id} ${values.tier}: ${request.ics} ICs × ${request.steps} steps, ${R} rounds, ` +
    `load ${Deno.loadavg().map((x) => x.toFixed(1)).join(" ")}, sha256 ${
      [...shas][0].slice(0, 12)
    }`,
);
console.log("| generator | wall s | CPU s | CPU / wall |\n| --- | --- | --- | --- |");
for (const x of [one, pool]) {
  console.log(`| ${x.name} | ${x.wall.toFixed(2)} | ${x.cpu.toFixed(2)} | ${x.ratio.toFixed(2)} |`);
}
console.log(`speed-up (wall, one / pool): ${(one.wall / pool.wall).toFixed(2)}×`);
if (values.json) {
  console.log(`JSON: ${
    JSON.stringify({
      bench: "reference",
      suite: suite.id,
      tier: values.tier,
      ics: request.ics,
      steps: request.steps,
      rounds: R,
      workers,
      load: Deno.loadavg()[0],
      sha256: [...shas][0],
      one: { wallSeconds: one.wall, cpuSeconds: one.cpu, cpuPerWall: one.ratio },
      pool: { wallSeconds: pool.wall, cpuSeconds: pool.cpu, cpuPerWall: pool.ratio },
      speedup: one.wall / pool.wall,
    })
  }`);
}

/**
 * CPU cost of each metric family of a forecast run, per IC-step, in this thread (no model): the
 * families of `suiteTrackers` alone and each one added to the scorer, over `--ics` × `--steps`
 * synthetic observations of the suite's own ICs (the reference decays slowly, the prediction is
 * the reference plus a small pattern). Medians of `--rounds`, warm (one round first).
 *
 * `deno run -A harness/bench/trackers_bench.ts --suite burgers1d --ics 32 --steps 100 --rounds 3`
 *
 * `--features`: each variant is also timed with the reference features (`metrics/tracker.ts`
 * `featureSet`) handed in, as a run reads them from the reference's cache (computed before the
 * timed loop, as the cache holds them), in a second column, with the time saved.
 *
 * 2D suites whose ICs need a spin-up (jet2d, hasegawa_wakatani) take minutes for their first ICs.
 * @module
 */
import { parseArgs } from "node:util";
import process from "node:process";
import { getSuite, gridSize } from "../../suites/mod.ts";
import { buildTrackers, featureSet, type TrackerFamily } from "../../metrics/tracker.ts";
import { forecastFamilies } from "../../metrics/trackers.ts";
import type { SuiteTrackerContext } from "../../suites/common/types.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    suite: { type: "string", default: "burgers1d" },
    ics: { type: "string", default: "32" },
    steps: { type: "string", default: "100" },
    rounds: { type: "string", default: "3" },
    features: { type: "boolean", default: false },
  },
});
const suite = getSuite(values.suite!);
const B = Number(values.ics), T = Number(values.steps), R = Number(values.rounds);
const X = gridSize(suite.grid), S = suite.fields.length * X;
const ics = suite.initialConditions(B, suite.seed);
const families = forecastFamilies(suite.trackers ?? []) as TrackerFamily<SuiteTrackerContext>[];
const ctx: SuiteTrackerContext = {
  suite,
  pointsPerField: X,
  ics: B,
  steps: T,
  firstStep: 1,
  summarySteps: suite.summarySteps.filter((s) => s <= T),
  seed: suite.seed,
};
// Observations, computed once: the timed loop only observes.
const preds = new Float32Array(T * B * S), refs = new Float32Array(T * B * S);
for (let n = 1; n <= T; n++) {
  for (let j = 0; j < B * S; j++) {
    const y = ics[j] * (1 - 0.001 * n);
    refs[((n - 1) * B) * S + j] = y;
    preds[((n - 1) * B) * S + j] = y + 0.01 * Math.sin(j * n);
  }
}

/** The reference features of every observation for `list`, `[T, B, F]`, as a cache holds them. */
function featuresOf(list: TrackerFamily<SuiteTrackerContext>[]): [Float64Array, number] {
  const set = featureSet(list, ctx), F = set.size, out = new Float64Array(T * B * F);
  for (let j = 0; j < T * B; j++) out.set(set.compute(refs.subarray(j * S, (j + 1) * S)), j * F);
  return [out, F];
}

/** CPU µs of this process so far (user + system). */
function cpuUs(): number {
  const c = process.cpuUsage();
  return c.user + c.system;
}

/**
 * µs of CPU time per IC-step observing with `list` (and its cached features): this process's
 * `process.cpuUsage()` (one thread here, no workers), steadier than wall time on a shared
 * machine. Figures recorded before 2026-12-03 14:00 UTC were wall time.
 */
function time(list: TrackerFamily<SuiteTrackerContext>[], cached?: [Float64Array, number]): number {
  const set = buildTrackers(list, ctx);
  for (let i = 0; i < B; i++) set.observeInitial(i, ics.subarray(i * S, (i + 1) * S));
  const [values, F] = cached ?? [undefined, 0];
  const t0 = cpuUs();
  for (let n = 1; n <= T; n++) {
    for (let i = 0; i < B; i++) {
      const j = (n - 1) * B + i, at = j * S;
      const f = values && F > 0 ? values.subarray(j * F, (j + 1) * F) : undefined;
      set.observe(i, n, preds.subarray(at, at + S), refs.subarray(at, at + S), f);
    }
  }
  const us = (cpuUs() - t0) / (B * T);
  set.rows();
  return us;
}

const variants: [string, TrackerFamily<SuiteTrackerContext>[]][] = [
  ["all", families],
  ...families.map((f): [string, TrackerFamily<SuiteTrackerContext>[]] => [
    f === families[0] ? f.key : `scorer + ${f.key}`,
    f === families[0] ? [f] : [families[0], f],
  ]),
];
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const times = new Map<string, number[]>(variants.map(([k]) => [k, []]));
const withFeatures = new Map<string, number[]>(variants.map(([k]) => [k, []]));
const cached = new Map(values.features ? variants.map(([k, list]) => [k, featuresOf(list)]) : []);
for (let r = 0; r <= R; r++) {
  for (const [k, list] of variants) {
    const us = time(list);
    if (r > 0) times.get(k)!.push(us); // round 0 warms up
    if (!values.features) continue;
    const fed = time(list, cached.get(k));
    if (r > 0) withFeatures.get(k)!.push(fed);
  }
}
console.log(
  `${suite.id}: ${B} ICs × ${T} steps, µs per IC-step (medians of ${R}); load ${
    Deno.loadavg().map((x) => x.toFixed(1)).join(" ")
  }`,
);
if (!values.features) {
  console.log("| families | µs per IC-step |\n| --- | --- |");
  for (const [k] of variants) console.log(`| ${k} | ${median(times.get(k)!).toFixed(1)} |`);
} else {
  console.log(
    "| families | features per state | µs per IC-step | with cached features | saved |\n" +
      "| --- | --- | --- | --- | --- |",
  );
  for (const [k] of variants) {
    const a = median(times.get(k)!), b = median(withFeatures.get(k)!);
    console.log(
      `| ${k} | ${cached.get(k)![1]} | ${a.toFixed(1)} | ${b.toFixed(1)} | ${
        (100 * (1 - b / a)).toFixed(0)
      } % |`,
    );
  }
}

/**
 * `emubench run --frontier` end to end on the burgers1d smoke tier (the heavy suites only with
 * EMUBENCH_SLOW=1), and the exit-2 paths.
 */
import { main } from "../cli/main.ts";
import { readResult } from "../results/io.ts";
import type { Result } from "../results/schema.ts";
import { frontierErrors } from "./frontier.ts";
import { lastOfWindowGraph } from "../../fixtures/graphs.ts";

const SLOW = Deno.permissions.querySync({ name: "env", variable: "EMUBENCH_SLOW" }).state ===
    "granted" && Deno.env.get("EMUBENCH_SLOW") === "1";

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [], err: string[] = [];
  const log = console.log, error = console.error;
  const write = Deno.stderr.writeSync;
  console.log = (...a: unknown[]) => void out.push(a.join(" "));
  console.error = (...a: unknown[]) => void err.push(a.join(" "));
  Deno.stderr.writeSync = (b: Uint8Array) => (err.push(new TextDecoder().decode(b)), b.length);
  try {
    return { code: await main(args), out: out.join("\n"), err: err.join("") };
  } finally {
    console.log = log;
    console.error = error;
    Deno.stderr.writeSync = write;
  }
}

const tmp = await Deno.makeTempDir({ prefix: "emubench-frontier-" });
// References come from the shared cache; ladder timings go to a fresh one per test process.
const timingCache = `${tmp}/cache`;

async function run(suite: string, model: string, out: string, extra: string[] = []) {
  const r = await cli([
    "run",
    "--suite",
    suite,
    "--model",
    model,
    "--tier",
    "smoke",
    "--out",
    `${tmp}/${out}`,
    "--no-report",
    ...extra,
  ]);
  if (r.code !== 0) throw new Error(`exit ${r.code}: ${r.err}`);
  return { ...r, result: await readResult(`${tmp}/${out}/result.json`) };
}

/** Copy the shared reference cache's burgers1d entries into `timingCache` (links). */
async function linkReferences() {
  const shared = Deno.env.get("EMUBENCH_CACHE");
  await Deno.mkdir(timingCache, { recursive: true });
  if (!shared) return;
  for await (const e of Deno.readDir(shared)) {
    if (e.name !== "frontier") {
      await Deno.symlink(`${shared}/${e.name}`, `${timingCache}/${e.name}`);
    }
  }
}
await linkReferences();
const cache = ["--cache", timingCache];

let frontierRun: Result | undefined;

Deno.test("run --frontier (burgers1d smoke): ladder, matched rung, cached timings, rows unchanged", async () => {
  const a = await run("burgers1d", "baseline:persistence", "p1", [
    ...cache,
    "--frontier",
    "--training-cost",
    "60",
  ]);
  const f = a.result.frontier!;
  frontierRun = a.result;
  if (f.rungs.map((r) => r.factor).join() !== "2,4,8,16") throw new Error("factors");
  if (f.headlineStep !== 20 || f.steps.join() !== "1,20") throw new Error(`${f.steps}`);
  // First-order scheme on a resolved solution: the error grows with every coarsening.
  const at = f.rungs.map((r) => r.error[f.steps.length - 1]!);
  for (let i = 1; i < at.length; i++) {
    if (!(at[i] > at[i - 1])) throw new Error(`headline errors ${at}`);
  }
  // Persistence is worse than the whole ladder: the matched rung is the cheapest rung.
  const cheapest = f.rungs.reduce(
    (b, r, i) => r.secondsPerStep < f.rungs[b].secondsPerStep ? i : b,
    0,
  );
  if (f.matched?.rung !== cheapest) throw new Error(JSON.stringify(f.matched));
  if (f.rungs.some((r) => r.timing !== "measured")) throw new Error("first run measures");
  if (!a.err.includes("← error-matched") || !a.err.includes(f.note)) throw new Error(a.err);
  // The model's errors are its own rows: the global nrmse mean over all 4 ICs at each step,
  // picked here from the rows directly (one field, so no averaging).
  const own = f.steps.map((s) => {
    const row = a.result.rows.filter((r) =>
      r.metric === "nrmse" && r.field === "u" && r.step === s && r.reduction === "mean_over_ics" &&
      r.ic === undefined && !r.region
    );
    if (row.length !== 1 || row[0].n !== 4) throw new Error(`rows at ${s}: ${row.length}`);
    return row[0].value;
  });
  if (own.some((v) => !(typeof v === "number" && v > 0)) || own.join() !== f.model.error.join()) {
    throw new Error(`model error ${f.model.error} vs rows ${own}`);
  }
  if (f.model.label !== "baseline:persistence" || f.model.diverged !== 0) throw new Error("model");
  // Break-even end to end: ⌈C / (T (t_rung − t_model))⌉ with C = 60 s, T = 20 steps.
  const t = f.rungs[f.matched!.rung].secondsPerStep - f.model.secondsPerStep;
  const n = t > 0 ? Math.ceil(60 / (20 * t)) : null;
  if (f.training?.seconds !== 60 || f.training.rolloutSteps !== 20) throw new Error("training");
  if (n !== null && !(n > 0) || f.training.breakEvenRollouts !== n) {
    throw new Error(`break-even ${f.training.breakEvenRollouts}, expected ${n}`);
  }

  // Again: rung timings come from the machine's cache, errors are recomputed identically.
  const b = await run("burgers1d", "baseline:persistence", "p2", [...cache, "--frontier"]);
  const g = b.result.frontier!;
  if (g.rungs.some((r) => r.timing !== "cached")) throw new Error("second run reads the cache");
  g.rungs.forEach((r, i) => {
    if (r.secondsPerStep !== f.rungs[i].secondsPerStep) throw new Error("cached timing");
    if (JSON.stringify(r.error) !== JSON.stringify(f.rungs[i].error)) throw new Error("errors");
  });
  if (g.training !== undefined) throw new Error("no --training-cost, no training block");

  // Without --frontier: no block, and the very same rows.
  const c = await run("burgers1d", "baseline:persistence", "p3", cache);
  if (c.result.frontier !== undefined) throw new Error("frontier without the flag");
  if (JSON.stringify(c.result.rows) !== JSON.stringify(a.result.rows)) throw new Error("rows");
});

Deno.test("run --frontier: the 4× burgers1d rung scores exactly as baseline:coarse_solver", async () => {
  const f = frontierRun?.frontier;
  if (!f) throw new Error("needs the first test");
  const c = await run("burgers1d", "baseline:coarse_solver", "coarse", cache);
  const four = f.rungs.find((r) => r.factor === 4)!;
  const want = frontierErrors(c.result.rows, ["u"], f.steps, 4);
  if (JSON.stringify(want) !== JSON.stringify({ error: four.error, score: four.score })) {
    throw new Error(`${JSON.stringify(want)} vs ${JSON.stringify(four)}`);
  }
  const sha = c.result.model.files.find((x) => x.path.endsWith(".onnx"))!.sha256;
  if (sha !== four.graphSha256) throw new Error("the same graph");
});

Deno.test("run --frontier: a history-25 model is timed over as many predicted steps as the rungs", async () => {
  const dir = `${tmp}/h25`;
  await Deno.mkdir(dir, { recursive: true });
  await Deno.writeTextFile(
    `${dir}/emulator.json`,
    JSON.stringify({ suite: "burgers1d", name: "h25", history: 25 }),
  );
  await Deno.writeFile(`${dir}/model.onnx`, lastOfWindowGraph(1024, 25));
  // T = 50: the model (first prediction at step 25) is rolled out for 44 steps and predicts 20,
  // like every rung (history 1, 20 steps): 19 step intervals each.
  const long = (await run("burgers1d", dir, "h25-50", [...cache, "--steps", "50", "--frontier"]))
    .result.frontier!;
  const samples = [...long.rungs, long.model].map((e) => e.timingSamples);
  if (samples.join() !== "19,19,19,19,19") throw new Error(`samples ${samples}`);
  // T = 30 (the reviewer's case): the model predicts steps 25..30, 6 of them, 5 intervals; the
  // run no longer fails after all the work.
  const short = (await run("burgers1d", dir, "h25-30", [...cache, "--steps", "30", "--frontier"]))
    .result.frontier!;
  if (short.model.timingSamples !== 5 || short.rungs.some((r) => r.timingSamples !== 19)) {
    throw new Error(
      `samples ${short.model.timingSamples}, ${short.rungs.map((r) => r.timingSamples)}`,
    );
  }
  if (short.headlineStep !== 30 || short.model.error[short.steps.length - 1] === null) {
    throw new Error(JSON.stringify(short.model));
  }
});

Deno.test("run --frontier: exit 2 for a suite without a ladder and for --training-cost misuse", async () => {
  const no = await cli([
    "run",
    "--suite",
    "convection1d",
    "--model",
    "baseline:persistence",
    "--tier",
    "smoke",
    "--frontier",
    "--out",
    `${tmp}/no`,
  ]);
  if (no.code !== 2 || !no.err.includes("--frontier") || !no.err.includes("no solver ladder")) {
    throw new Error(`${no.code}: ${no.err}`);
  }
  const base = [
    "run",
    "--suite",
    "burgers1d",
    "--model",
    "baseline:persistence",
    "--tier",
    "smoke",
  ];
  const alone = await cli([...base, "--training-cost", "10", "--out", `${tmp}/x`]);
  if (alone.code !== 2 || !alone.err.includes("--training-cost")) throw new Error(alone.err);
  const bad = await cli([...base, "--frontier", "--training-cost", "1h", "--out", `${tmp}/y`]);
  if (bad.code !== 2 || !bad.err.includes("--training-cost")) throw new Error(bad.err);
  const shard = await cli([...base, "--frontier", "--shard", "1/2", "--out", `${tmp}/z`]);
  if (shard.code !== 2 || !shard.err.includes("--frontier")) throw new Error(shard.err);
  // `emubench list` says which suites have a ladder.
  const list = await cli(["list"]);
  if (!list.out.includes("solver ladder (run --frontier): 2× (512 cells), 4× (256 cells)")) {
    throw new Error(list.out);
  }
  const json = JSON.parse((await cli(["list", "--json"])).out);
  const ladders = json.filter((s: { ladder: unknown }) => s.ladder !== null).map((
    s: { id: string },
  ) => s.id);
  if (ladders.join() !== "burgers1d,shallow_water2d,hasegawa_wakatani,jet2d") {
    throw new Error(`${ladders}`);
  }
});

Deno.test({
  name: "run --frontier on shallow_water2d, hasegawa_wakatani and jet2d smoke (EMUBENCH_SLOW=1)",
  ignore: !SLOW,
  fn: async () => {
    for (const suite of ["shallow_water2d", "hasegawa_wakatani", "jet2d"]) {
      const { result } = await run(suite, "baseline:persistence", `slow-${suite}`, [
        ...cache,
        "--frontier",
      ]);
      const f = result.frontier!;
      const at = f.rungs.map((r) => r.error[f.steps.length - 1]);
      // Coarser rungs are less accurate at the horizon, rung after rung.
      for (let i = 1; i < at.length; i++) {
        if (!(at[i] !== null && at[i - 1] !== null && at[i]! > at[i - 1]!)) {
          throw new Error(`${suite}: headline errors ${at}`);
        }
      }
      // hasegawa_wakatani's 1× rung is the reference scheme itself (float32 vs float64).
      if (suite === "hasegawa_wakatani" && !(at[0]! < 1e-3)) throw new Error(`1× rung ${at[0]}`);
    }
  },
});

/**
 * `emubench run --frontier` end to end on the burgers1d smoke tier (the heavy suites only with
 * EMUBENCH_SLOW=1), and the exit-2 paths.
 */
import { readResult } from "../results/io.ts";
import type { Result } from "../results/schema.ts";
import { frontierErrors } from "./frontier.ts";
import { lastOfWindowGraph } from "../../fixtures/graphs.ts";
import { SLOW } from "../../fixtures/slow.ts";
import { runCli } from "../../fixtures/cli.ts";

const cli = (args: string[]) => runCli(args);

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
  // The first run measures every rung; the matched one again, interleaved with the model (and
  // any that became the cheapest accurate one on that re-timing).
  if (
    f.rungs[f.matched!.rung].timing !== "interleaved" ||
    f.rungs.some((r) => r.timing === "cached")
  ) throw new Error("first run measures");
  if (f.model.timingSamples !== 3 * 19 || f.rungs[f.matched!.rung].timingSamples !== 3 * 19) {
    throw new Error("the matched rung and the model: 3 interleaved passes of 19 intervals");
  }
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

  // Again: the other rungs' timings come from the machine's cache, the matched rung is timed
  // afresh next to the model; errors are recomputed identically.
  const b = await run("burgers1d", "baseline:persistence", "p2", [...cache, "--frontier"]);
  const g = b.result.frontier!;
  g.rungs.forEach((r, i) => {
    if (i === g.matched?.rung) {
      if (r.timing !== "interleaved") throw new Error("the matched rung is timed afresh");
    } else if (
      r.timing === "cached"
        ? r.secondsPerStep !== f.rungs[i].secondsPerStep
        : r.timing !== "interleaved" // re-timed once matched, then no longer the cheapest
    ) {
      throw new Error(`second run reads the cache: ${r.label} ${r.timing}`);
    }
    if (JSON.stringify(r.error) !== JSON.stringify(f.rungs[i].error)) throw new Error("errors");
  });
  if (!g.note.includes("interleaved") || !g.note.includes("Cached timings")) {
    throw new Error(g.note);
  }
  if (g.training !== undefined) throw new Error("no --training-cost, no training block");

  // Without --frontier: no block, and the very same rows.
  const c = await run("burgers1d", "baseline:persistence", "p3", cache);
  if (c.result.frontier !== undefined) throw new Error("frontier without the flag");
  if (JSON.stringify(c.result.rows) !== JSON.stringify(a.result.rows)) throw new Error("rows");
});

Deno.test("run --frontier: the matched rung's cached timing is never compared with a fresh model timing", async () => {
  if (!frontierRun) throw new Error("needs the first test");
  // A cache from another day: every rung's timing 1000× too slow.
  const dir = `${timingCache}/frontier`;
  const seeded = new Map<string, number>();
  for await (const w of walkFiles(dir)) {
    const entry = JSON.parse(await Deno.readTextFile(w));
    entry.secondsPerStep *= 1000;
    seeded.set(entry.key.rung, entry.secondsPerStep);
    await Deno.writeTextFile(w, JSON.stringify(entry));
  }
  if (seeded.size !== 4) throw new Error(`${seeded.size} cache entries`);
  const f = (await run("burgers1d", "baseline:persistence", "p4", [...cache, "--frontier"]))
    .result.frontier!;
  const i = f.matched!.rung, m = f.rungs[i];
  // The matched rung is timed again in this process, interleaved with the model: its time is
  // the machine's of today, not the cache's 1000×.
  if (m.timing !== "interleaved" || !(m.secondsPerStep < seeded.get(m.id)! / 100)) {
    throw new Error(`${m.label}: ${m.timing} ${m.secondsPerStep} (cached ${seeded.get(m.id)})`);
  }
  f.rungs.forEach((r, j) => {
    if (j !== i && (r.timing !== "cached" || r.secondsPerStep !== seeded.get(r.id))) {
      throw new Error(`${r.label}: ${r.timing} ${r.secondsPerStep}`);
    }
  });
  const others = f.rungs.filter((_, j) => j !== i).map((r) => r.label).join(", ");
  if (!f.note.includes("interleaved") || !f.note.includes(others)) throw new Error(f.note);
});

Deno.test("run --frontier: a FIFO or a link in the timing cache is a miss, not a hang", async () => {
  if (!frontierRun) throw new Error("needs the first test");
  const entries: string[] = [];
  for await (const w of walkFiles(`${timingCache}/frontier`)) entries.push(w);
  if (entries.length !== 4) throw new Error(`${entries.length} cache entries`);
  // Entry 0 a FIFO (a plain read blocks until a writer comes); entry 1 a link to a file
  // outside the cache claiming an absurd timing.
  const outside = `${tmp}/outside.json`;
  const claim = JSON.parse(await Deno.readTextFile(entries[1]));
  await Deno.writeTextFile(outside, JSON.stringify({ ...claim, secondsPerStep: 1e-12 }));
  await Deno.remove(entries[0]);
  const fifo = await new Deno.Command("mkfifo", { args: [entries[0]] }).output();
  if (!fifo.success) throw new Error("mkfifo");
  await Deno.remove(entries[1]);
  await Deno.symlink(outside, entries[1]);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(async () => {
      // Release a blocked reader before failing, so the test process can end.
      try {
        (await Deno.open(entries[0], { write: true })).close();
      } catch { /* already replaced */ }
      reject(new Error("run --frontier hung on a FIFO in the timing cache"));
    }, 30_000);
  });
  try {
    const f = (await Promise.race([
      run("burgers1d", "baseline:persistence", "fifo", [...cache, "--frontier"]),
      hang,
    ])).result.frontier!;
    if (f.rungs.some((r) => r.secondsPerStep === 1e-12)) throw new Error("followed the link");
    const keyOf = async (p: string) => JSON.parse(await Deno.readTextFile(p)).key.rung;
    // Both were misses: measured afresh (and written back as regular files).
    for (const p of entries.slice(0, 2)) {
      const info = await Deno.lstat(p);
      if (!info.isFile) throw new Error(`${p} not rewritten`);
      const id = await keyOf(p);
      const r = f.rungs.find((x) => x.id === id);
      if (!r || r.timing === "cached") throw new Error(`${id} ${r?.timing}`);
    }
  } finally {
    clearTimeout(timer);
  }
});

async function* walkFiles(dir: string): AsyncGenerator<string> {
  for await (const e of Deno.readDir(dir)) {
    if (e.isDirectory) yield* walkFiles(`${dir}/${e.name}`);
    else if (e.isFile && e.name.endsWith(".json")) yield `${dir}/${e.name}`;
  }
}

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
  // like every rung (history 1, 20 steps): 19 step intervals per pass (the matched rung and the
  // model: 3 interleaved passes).
  const long = (await run("burgers1d", dir, "h25-50", [...cache, "--steps", "50", "--frontier"]))
    .result.frontier!;
  // (A cached timing's samples are those of the run that wrote it: left out.)
  const passes = (r: { timing: string }) => r.timing === "interleaved" ? 3 : 1;
  const samples = [
    ...long.rungs.filter((r) => r.timing !== "cached").map((r) => r.timingSamples! / passes(r)),
    long.model.timingSamples! / 3,
  ];
  if (long.matched === null || samples.some((n) => n !== 19)) {
    throw new Error(`samples ${samples}`);
  }
  // T = 30 (the reviewer's case): the model predicts steps 25..30, 6 of them, 5 intervals; the
  // run no longer fails after all the work.
  const short = (await run("burgers1d", dir, "h25-30", [...cache, "--steps", "30", "--frontier"]))
    .result.frontier!;
  if (
    short.matched === null || short.model.timingSamples !== 3 * 5 ||
    short.rungs.some((r) => r.timing !== "cached" && r.timingSamples !== 19 * passes(r))
  ) {
    throw new Error(
      `samples ${short.model.timingSamples}, ${short.rungs.map((r) => r.timingSamples)}`,
    );
  }
  if (short.headlineStep !== 30 || short.model.error[short.steps.length - 1] === null) {
    throw new Error(JSON.stringify(short.model));
  }
});

Deno.test("machine record: the CPU model is known with the CLI's permissions (no --allow-all)", async () => {
  const repo = new URL("../../", import.meta.url);
  const script = `${tmp}/machine.ts`;
  await Deno.writeTextFile(
    script,
    `import { machineRecord } from "${new URL("harness/tasks/frontier.ts", repo).href}";\n` +
      "console.log(JSON.stringify(await machineRecord()));\n",
  );
  // The permissions of `deno task emubench` and the README's install line.
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-read",
      "--allow-write",
      "--allow-env",
      "--allow-ffi",
      "--allow-sys",
      "--allow-run=git",
      "--config",
      new URL("deno.json", repo).pathname,
      script,
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout);
  if (!out.success) throw new Error(new TextDecoder().decode(out.stderr));
  const m = JSON.parse(text);
  // Independently: the kernel's own CPU model line, where there is one (Linux).
  let want: string | null = null;
  try {
    want = (await Deno.readTextFile("/proc/cpuinfo")).match(/^model name\s*:\s*(.+)$/m)?.[1]
      .trim() ?? null;
  } catch { /* not Linux */ }
  if (want !== null && m.cpu !== want) throw new Error(`cpu ${m.cpu}, /proc/cpuinfo ${want}`);
  if (Deno.build.os === "linux" && m.cpu === null) throw new Error("cpu null on Linux");
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

/**
 * Interrupting the CLI for real: `run` (with trajectories and a report), `merge`,
 * `leaderboard`, `stability` and `run --task reconstruct` (with trajectories and a report) are
 * started as processes over a directory holding a complete old output set and
 * stopped with SIGINT or SIGKILL at a sweep of instants. After the next start's sweep
 * (`sweepOutputSet`) the directory must hold exactly the complete old set or the complete new
 * set, with no temporary siblings left. Default tier: one SIGINT of `run` (its message must be
 * true). The full sweep runs with EMUBENCH_SLOW=1 (`EMUBENCH_SWEEP=stability,reconstruct` picks
 * scenarios by name).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { sweepOutputSet } from "../harness/core/atomic.ts";
import { sha256Hex } from "../harness/core/hash.ts";

const SLOW = Deno.permissions.querySync({ name: "env", variable: "EMUBENCH_SLOW" }).state ===
    "granted" && Deno.env.get("EMUBENCH_SLOW") === "1";
const MAIN = fileURLToPath(new URL("../harness/cli/main.ts", import.meta.url));
const CONFIG = fileURLToPath(new URL("../deno.json", import.meta.url));
const RUN_SET = ["result.json", "report.html", "pred.npy", "ref.npy"];

/** Start the CLI with `args`; returns the child and a promise of its stderr. */
function start(args: string[]) {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--quiet", `--config=${CONFIG}`, MAIN, ...args],
    stdout: "null",
    stderr: "piped",
    env: { EMUBENCH_CACHE: fileURLToPath(new URL("../.cache/emubench", import.meta.url)) },
  }).spawn();
  return { child, stderr: new Response(child.stderr).text() };
}

/** sha256 per file name of the entries of `dir` named in `set` (missing: absent). */
async function setOf(dir: string, set: readonly string[]): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const n of set) {
    try {
      out[n] = await sha256Hex(await Deno.readFile(join(dir, n)));
    } catch { /* absent */ }
  }
  return out;
}

async function siblings(parent: string): Promise<string[]> {
  const out: string[] = [];
  for await (const e of Deno.readDir(parent)) if (e.name.startsWith(".")) out.push(e.name);
  return out;
}

/** Run `args` to completion (a fresh set) and return that set's hashes. */
async function complete(args: string[], dir: string, set: readonly string[]) {
  const { child, stderr } = start(args);
  const status = await child.status;
  assert.equal(status.code, 0, await stderr);
  return await setOf(dir, set);
}

interface Scenario {
  name: string;
  /** Directory whose output set is checked. */
  dir: string;
  set: readonly string[] | ((dir: string) => Promise<string[]>);
  args: string[];
  /**
   * Interrupt at instants spread over the measured length of one complete run (10 %…110 %)
   * instead of the fixed ones, for commands that finish in a few seconds.
   */
  spread?: boolean;
}

async function sweep(s: Scenario, signal: Deno.Signal, delaysMs: number[]): Promise<string> {
  const names = async () => typeof s.set === "function" ? await s.set(s.dir) : [...s.set];
  // The old set: one complete run. The new set: a second complete run (timestamps differ).
  const t0 = performance.now();
  const old = await complete(s.args, s.dir, await names());
  if (s.spread) {
    const ms = performance.now() - t0, n = delaysMs.length;
    delaysMs = Array.from({ length: n }, (_, i) => Math.round(ms * (0.1 + i / (n - 1))));
  }
  const seen = { old: 0, new: 0 };
  for (const delay of delaysMs) {
    // Restore the old set exactly, as a previous complete run left it.
    const before = await setOf(s.dir, await names());
    const { child, stderr } = start(s.args);
    await new Promise((r) => setTimeout(r, delay));
    try {
      child.kill(signal);
    } catch { /* already done */ }
    const status = await child.status;
    const text = await stderr;
    // Before the CLI has installed its handler, SIGINT kills it outright (status.signal set).
    if (signal === "SIGINT" && status.code === 130 && !status.signal) {
      assert.match(text, /every output directory holds its previous or its complete new files/);
    }
    await sweepOutputSet(s.dir);
    const parent = join(s.dir, "..");
    assert.deepEqual(await siblings(parent), [], `${s.name} ${signal} at ${delay} ms: leftovers`);
    const after = await setOf(s.dir, await names());
    const same = JSON.stringify(after) === JSON.stringify(before);
    if (same) seen.old++;
    else {
      // A new set: every file of it present and none of the old files mixed in.
      assert.deepEqual(Object.keys(after).sort(), Object.keys(old).sort(), `${s.name}: files`);
      // result.json records its creation time, so a new set never keeps the old one.
      if ("result.json" in before) {
        assert.notEqual(after["result.json"], before["result.json"], `${s.name}: mixed set`);
      }
      seen.new++;
    }
  }
  return `${s.name} ${signal}: ${seen.old} old, ${seen.new} new of ${delaysMs.length}`;
}

async function scenarios(root: string): Promise<Scenario[]> {
  const run = join(root, "run");
  const shards = join(root, "shards");
  const base = ["--suite", "convection1d", "--model", "baseline:lax_wendroff", "--tier", "smoke"];
  for (const k of [1, 2]) {
    const { child, stderr } = start([
      "run",
      ...base,
      "--batch",
      "2",
      "--shard",
      `${k}/2`,
      "--out",
      shards,
    ]);
    assert.equal((await child.status).code, 0, await stderr);
  }
  const results = join(root, "results");
  await Deno.mkdir(results);
  return [
    {
      name: "run",
      dir: run,
      set: RUN_SET,
      args: ["run", ...base, "--save-trajectories", "--out", run],
    },
    {
      name: "merge",
      dir: join(root, "merged"),
      set: ["result.json", "report.html"],
      args: ["merge", shards, "--out", join(root, "merged")],
    },
    {
      name: "stability",
      dir: join(root, "stability"),
      set: ["result.json"],
      spread: true,
      args: [
        "stability",
        "--suite",
        "hasegawa_wakatani",
        "--model",
        "baseline:persistence",
        "--tier",
        "smoke",
        "--horizon",
        "40",
        "--out",
        join(root, "stability"),
      ],
    },
    {
      name: "reconstruct",
      dir: join(root, "reconstruct"),
      set: RUN_SET,
      spread: true,
      args: [
        "run",
        "--task",
        "reconstruct",
        "--suite",
        "era5",
        "--model",
        "baseline:mean_pool_r1024",
        "--tier",
        "smoke",
        "--save-trajectories",
        "--out",
        join(root, "reconstruct"),
      ],
    },
    {
      name: "leaderboard",
      dir: join(root, "site"),
      set: async (d) => {
        const out = ["index.html", "leaderboard.json"];
        try {
          for await (const e of Deno.readDir(join(d, "runs"))) out.push(`runs/${e.name}`);
        } catch { /* none */ }
        return out;
      },
      args: ["leaderboard", run, "--out", join(root, "site")],
    },
  ];
}

Deno.test({
  name: "SIGINT during run: exit 130, a true message, and the old or the new set",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const root = await Deno.makeTempDir({ prefix: "emubench-int-" });
    try {
      const run = join(root, "run");
      const args = [
        "run",
        "--suite",
        "convection1d",
        "--model",
        "baseline:lax_wendroff",
        "--tier",
        "smoke",
        "--save-trajectories",
        "--out",
        run,
      ];
      console.log(
        await sweep({ name: "run", dir: run, set: RUN_SET, args }, "SIGINT", [2500, 6000]),
      );
    } finally {
      await Deno.remove(root, { recursive: true });
    }
  },
});

Deno.test({
  name:
    "interrupt sweep (EMUBENCH_SLOW=1): SIGKILL and SIGINT at many instants of run, merge, leaderboard",
  ignore: !SLOW,
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const root = await Deno.makeTempDir({ prefix: "emubench-sweep-" });
    try {
      const delays = [300, 800, 1500, 2200, 2800, 3400, 4000, 4700, 5500, 7000];
      const only = Deno.env.get("EMUBENCH_SWEEP")?.split(",").filter(Boolean);
      for (const s of await scenarios(root)) {
        if (only?.length && !only.includes(s.name)) continue;
        for (const signal of ["SIGKILL", "SIGINT"] as const) {
          console.log(await sweep(s, signal, delays));
        }
      }
    } finally {
      await Deno.remove(root, { recursive: true });
    }
  },
});

/**
 * The hostile-input catalogue (issue 13): every case in `hostile/_cases.ts` runs in-process
 * against one shared world of good files (a model, a run directory with result.json, report.html,
 * pred.npy and ref.npy, a data file, rules) and must give its exit code, name the file / field /
 * expected / found in its message, never echo a secret or a stack trace, finish quickly, and
 * leave every good file unchanged. The totals per area are printed.
 *
 * `EMUBENCH_HOSTILE_AREAS=merge,json` runs only those areas (while working on them; the default
 * test command runs every case).
 */
import { join } from "node:path";
import { allCases } from "./_cases.ts";
import { diffSnapshots, judge, snapshot, type World } from "./_harness.ts";
import { evaluate } from "../harness/tasks/run.ts";
import { scaleGraph } from "../fixtures/graphs.ts";

async function makeWorld(): Promise<World> {
  const root = await Deno.makeTempDir({ prefix: "emubench-hostile-" });
  const good = join(root, "good");
  const model = join(good, "model");
  await Deno.mkdir(model, { recursive: true });
  await Deno.writeTextFile(join(model, "emulator.json"), JSON.stringify({ suite: "convection1d" }));
  await Deno.writeFile(join(model, "model.onnx"), scaleGraph(1024, 0.99));
  const runDir = join(good, "run");
  await evaluate({
    suite: "convection1d",
    model: "baseline:persistence",
    tier: "smoke",
    backend: "wasm",
    outDir: runDir,
    saveTrajectories: true,
    extraOutputs: {
      "report.html": (p) => Deno.writeTextFile(p, "<!doctype html><title>old</title>"),
    },
  });
  const data = join(good, "data.npy");
  await Deno.copyFile(join(runDir, "ref.npy"), data);
  const rules = join(good, "rules.json");
  await Deno.writeTextFile(rules, JSON.stringify({ geomean: false }));
  const secretText = `TOPSECRET-${crypto.randomUUID()}`;
  const secret = join(root, "secret.txt");
  await Deno.writeTextFile(secret, secretText);
  return {
    root,
    good,
    secret,
    secretText,
    model,
    result: join(runDir, "result.json"),
    runDir,
    data,
    rules,
  };
}

Deno.test({
  name:
    "hostile catalogue: every case exits as stated, names the culprit, and changes no good file",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn(t) {
    const w = await makeWorld();
    const only = Deno.env.get("EMUBENCH_HOSTILE_AREAS")?.split(",").filter(Boolean);
    const cases = allCases().filter((c) => !only?.length || only.includes(c.area));
    const totals = new Map<string, { n: number; ok: number }>();
    const failures: string[] = [];
    try {
      const good = await snapshot(w.good);
      for (const [i, c] of cases.entries()) {
        const dir = join(w.root, `case-${i}`);
        await Deno.mkdir(dir);
        const t0 = performance.now();
        let problems: string[];
        let message = "";
        try {
          const timer = new Promise<never>((_, reject) => {
            const id = setTimeout(() => reject(new Error("timed out after 60 s")), 60_000);
            Deno.unrefTimer(id);
          });
          const o = await Promise.race([c.run(w, dir), timer]);
          message = o.message;
          problems = judge(c, o, w, (performance.now() - t0) / 1000);
        } catch (e) {
          problems = [`threw ${(e as Error).stack ?? e}`];
        }
        const changed = diffSnapshots(good, await snapshot(w.good));
        if (changed.length) problems.push(`good files changed: ${changed.join(", ")}`);
        const tally = totals.get(c.area) ?? { n: 0, ok: 0 };
        tally.n++;
        if (problems.length === 0) tally.ok++;
        else {
          failures.push(
            `[${c.area}] ${c.name}: ${problems.join("; ")}\n    message: ${message.slice(0, 400)}`,
          );
        }
        totals.set(c.area, tally);
        await Deno.remove(dir, { recursive: true }).catch(() => {});
      }
    } finally {
      await Deno.remove(w.root, { recursive: true }).catch(() => {});
    }
    const lines = [...totals].map(([a, { n, ok }]) => `${a}: ${ok}/${n}`);
    const all = [...totals.values()].reduce((s, x) => s + x.n, 0);
    const ok = [...totals.values()].reduce((s, x) => s + x.ok, 0);
    console.log(`hostile catalogue: ${ok}/${all} cases pass (${lines.join(", ")})`);
    await t.step("at least 150 cases", () => {
      if (all < 150 && !only?.length) throw new Error(`only ${all} cases`);
    });
    if (failures.length) {
      throw new Error(`${failures.length} cases failed:\n${failures.join("\n")}`);
    }
  },
});

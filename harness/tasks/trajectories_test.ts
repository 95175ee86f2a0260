import assert from "node:assert/strict";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { getSuite } from "../../suites/mod.ts";
import { trajectory, TrajectoryPool } from "./trajectories.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** Repository-relative files a module loads by static imports (dynamic `import()` left out). */
function staticClosure(entry: string): Set<string> {
  const seen = new Set<string>();
  const todo = [join(ROOT, entry)];
  while (todo.length > 0) {
    const file = todo.pop()!;
    const rel = relative(ROOT, file);
    if (seen.has(rel)) continue;
    seen.add(rel);
    const code = Deno.readTextFileSync(file).replace(/\/\*[\s\S]*?\*\//g, "")
      .replace(/^\s*\/\/.*$/gm, "");
    const re = /(?:\bfrom\s*|^\s*import\s+)["'](\.{1,2}\/[^"']+)["']/gm;
    for (const m of code.matchAll(re)) todo.push(join(dirname(file), m[1]));
  }
  return seen;
}

Deno.test("the trajectory worker loads no suite statically: not the registry, no suite's module", () => {
  const files = [...staticClosure("harness/tasks/trajectory_worker.ts")];
  assert.ok(files.includes("suites/loaders.ts"), files.join(", "));
  assert.ok(files.includes("harness/tasks/trajectories.ts"));
  const suites = files.filter((f) =>
    f === "suites/mod.ts" || /^suites\/[a-z0-9_]+\/suite\.ts$/.test(f)
  );
  assert.deepEqual(suites, [], `loaded on every worker start: ${suites.join(", ")}`);
});

Deno.test("TrajectoryPool: jobs of two suites on the same workers give the one-thread bits", async () => {
  const pool = new TrajectoryPool(2);
  try {
    const jobs = [0, 1, 2, 3].map((i) => ({
      suite: i % 2 === 0 ? "convection1d" : "burgers1d",
      seed: 7,
      index: i,
      steps: 3,
      stride: i === 3 ? 2 : 1,
    }));
    const pooled = await Promise.all(jobs.map((j) => pool.run(j)));
    for (const [k, job] of jobs.entries()) {
      const one = trajectory(getSuite(job.suite), job);
      assert.deepEqual(
        new Uint32Array(pooled[k].buffer, pooled[k].byteOffset, pooled[k].length),
        new Uint32Array(one.buffer, one.byteOffset, one.length),
        `job ${k} (${job.suite})`,
      );
    }
  } finally {
    pool.close();
  }
});

Deno.test("TrajectoryPool: an id that is no built-in suite is a RangeError naming the ids; a worker's failure is reported", async () => {
  for (const workers of [1, 2]) {
    const pool = new TrajectoryPool(workers);
    try {
      await assert.rejects(
        pool.run({ suite: "burgers2d", seed: 1, index: 0, steps: 1 }),
        (e: Error) => e instanceof RangeError && e.message.includes("convection1d, burgers1d"),
      );
      // On a worker (two workers) the solver's own checks travel back as an error.
      await assert.rejects(
        pool.run({ suite: "convection1d", seed: 1, index: 0, steps: 0 }),
        /steps/,
      );
      const t = await pool.run({ suite: "convection1d", seed: 1, index: 0, steps: 1 });
      assert.equal(t.length, 2 * 1024);
    } finally {
      pool.close();
    }
  }
});

/**
 * Ctrl-C inside a long model step (issue 13 §2): `run` of a model whose one step takes many
 * seconds gets SIGINT while that step computes. It must stop within about a second with exit
 * code 130 and its true message, leaving the old output set whole and nothing beside it. Both
 * CPU backends: `native` (onnxruntime-node computes off the main thread) and `wasm`
 * (onnxruntime-web computes on the thread that would run the signal handler); both compute on
 * the main thread, so only the watchdog (`harness/core/interrupt.ts`) can answer. Opt-in
 * (EMUBENCH_SLOW=1): each backend starts a CLI process and waits for its step to begin. In the
 * default tier: a process whose main thread is busy with an output set open stops within a
 * second of SIGINT, the set's staging directory removed and the old set whole.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { slowGraph } from "../fixtures/graphs.ts";
import { SLOW } from "../fixtures/slow.ts";
import { sha256Hex } from "../harness/core/hash.ts";
import { GRACE_MS } from "../harness/core/interrupt.ts";

const X = 1024;
const MAIN = fileURLToPath(new URL("../harness/cli/main.ts", import.meta.url));
const CONFIG = fileURLToPath(new URL("../deno.json", import.meta.url));

async function hashes(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for await (const e of Deno.readDir(dir)) {
    out[e.name] = await sha256Hex(await Deno.readFile(join(dir, e.name)));
  }
  return out;
}

// MatMuls per step: wasm computes on one thread, native on several with faster kernels.
// The slow model (fixtures/graphs.ts slowGraph): with these MatMul counts, the 2 steps outlast the
// 6 s wait below on a quiet machine (60 on wasm did not: the run ended before the SIGINT).
for (const [backend, matmuls] of [["wasm", 600], ["native", 2000]] as const) {
  Deno.test({
    name: `SIGINT inside a long model step (${backend}): exit 130 within about a second, ` +
      "a true message, the old set whole (EMUBENCH_SLOW=1)",
    ignore: !SLOW,
    sanitizeResources: false,
    sanitizeOps: false,
    async fn() {
      const root = await Deno.makeTempDir({ prefix: "emubench-sigint-step-" });
      try {
        const model = join(root, "slow");
        await Deno.mkdir(model);
        await Deno.writeTextFile(join(model, "emulator.json"), '{"suite": "convection1d"}');
        await Deno.writeFile(join(model, "model.onnx"), slowGraph(X, matmuls));
        // The old set: what a previous run left.
        const out = join(root, "out");
        await Deno.mkdir(out);
        for (const f of ["result.json", "report.html"]) {
          await Deno.writeTextFile(join(out, f), `old ${f}`);
        }
        const before = await hashes(out);
        const child = new Deno.Command(Deno.execPath(), {
          args: [
            "run",
            "-A",
            "--quiet",
            `--config=${CONFIG}`,
            MAIN,
            "run",
            "--suite",
            "convection1d",
            "--model",
            model,
            "--tier",
            "smoke",
            "--ics",
            "1",
            "--steps",
            "2",
            "--backend",
            backend,
            "--out",
            out,
          ],
          stdout: "null",
          stderr: "piped",
          env: {
            EMUBENCH_CACHE: fileURLToPath(new URL("../.cache/emubench", import.meta.url)),
          },
        }).spawn();
        // Wait until the model is loaded ("model: … on <backend>"), then into its first step.
        let text = "";
        const reader = child.stderr.pipeThrough(new TextDecoderStream()).getReader();
        const rest = (async () => {
          for (;;) {
            const { value, done } = await reader.read();
            if (done) return;
            text += value;
          }
        })();
        const t0 = performance.now();
        while (!/\bmodel: .* on /.test(text)) {
          assert.ok(performance.now() - t0 < 120_000, `no model line: ${text}`);
          await new Promise((r) => setTimeout(r, 50));
        }
        await new Promise((r) => setTimeout(r, 6000)); // sessions open, the step is running
        const sent = performance.now();
        child.kill("SIGINT");
        const status = await child.status;
        const seconds = (performance.now() - sent) / 1000;
        await rest;
        console.log(`${backend}: exit ${status.code} ${seconds.toFixed(2)} s after SIGINT`);
        assert.equal(status.code, 130, text);
        assert.match(text, /interrupted; .*every output directory holds its previous or/);
        assert.ok(seconds < 1.5, `stopped ${seconds.toFixed(2)} s after SIGINT`);
        assert.deepEqual(await hashes(out), before, "the old set changed");
        const left = [...Deno.readDirSync(root)].map((e) => e.name).filter((n) => n !== "out");
        assert.deepEqual(left.filter((n) => n !== "slow"), [], "leftovers beside the set");
      } finally {
        await Deno.remove(root, { recursive: true });
      }
    },
  });
}

Deno.test({
  name: "SIGINT while the main thread is busy with an output set open: exit 130 within a second, " +
    "staging removed, old set whole",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const root = await Deno.makeTempDir({ prefix: "emubench-sigint-busy-" });
    try {
      const out = join(root, "out");
      await Deno.mkdir(out);
      await Deno.writeTextFile(join(out, "result.json"), "old");
      const core = (f: string) => new URL(`../harness/core/${f}`, import.meta.url).href;
      const script = join(root, "busy.ts");
      await Deno.writeTextFile(
        script,
        [
          `import { installInterruptHandlers } from "${core("interrupt.ts")}";`,
          `import { OutputSet } from "${core("atomic.ts")}";`,
          "installInterruptHandlers();",
          `const set = await OutputSet.begin(${JSON.stringify(out)}, ["result.json"]);`,
          'await Deno.writeTextFile(set.path("result.json"), "new, unfinished");',
          "await new Promise((r) => setTimeout(r, 200)); // the watchdog hears of the set",
          'console.log("busy");',
          "const t0 = Date.now();",
          "while (Date.now() - t0 < 20000) { /* a long synchronous model step */ }",
          "await set.commit();",
        ].join("\n"),
      );
      const child = new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", "--quiet", `--config=${CONFIG}`, script],
        stdout: "piped",
        stderr: "piped",
      }).spawn();
      const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
      let said = "";
      while (!said.includes("busy")) {
        const { value, done } = await reader.read();
        if (done) break;
        said += value;
      }
      reader.releaseLock();
      await new Promise((r) => setTimeout(r, 300));
      const sent = performance.now();
      child.kill("SIGINT");
      const { code } = await child.status;
      const seconds = (performance.now() - sent) / 1000;
      const text = await new Response(child.stderr).text();
      await child.stdout.cancel().catch(() => {});
      console.log(`exit ${code} ${seconds.toFixed(2)} s after SIGINT (grace ${GRACE_MS} ms)`);
      assert.equal(code, 130, text);
      assert.ok(seconds < 1.5, `stopped ${seconds.toFixed(2)} s after SIGINT`);
      assert.match(text, /interrupted; the unfinished output was discarded and every output/);
      assert.equal(await Deno.readTextFile(join(out, "result.json")), "old");
      const left = [...Deno.readDirSync(root)].map((e) => e.name).sort();
      assert.deepEqual(left, ["busy.ts", "out"], "the staging directory is left");
    } finally {
      await Deno.remove(root, { recursive: true });
    }
  },
});

/**
 * Model faults are bad input at the command line (issue 12): a graph with torch's ATen fallback
 * ops, a graph that fails while running and a graph with an input emubench never feeds make
 * `validate`, `run`, `stability` and `submissions` exit 2, naming the file and the op or tensor,
 * with no stack trace. Each command is spawned as a user runs it for the first fault; the other
 * faults go through the same `main()` in this process (`fixtures/cli.ts`), which spares eight
 * process start-ups of the test run's time.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { failsAtRunGraph, unfedInputGraph } from "../../fixtures/graphs.ts";
import { runCli } from "../../fixtures/cli.ts";

const MAIN = new URL("./main.ts", import.meta.url).pathname;
const CONFIG = new URL("../../deno.json", import.meta.url).pathname;
const ATEN = new URL("../../fixtures/torch/aten_fallback/model.onnx", import.meta.url).pathname;

async function spawnCli(
  args: string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--config", CONFIG, MAIN, ...args],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

/** The same command through `main()` in this process (stderr: the console's lines). */
async function inProcess(
  args: string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  const r = await runCli(args, "\n");
  return { code: r.code, stdout: r.out, stderr: r.err };
}

/** A model directory for burgers1d holding `model.onnx`. */
async function modelDir(root: string, name: string, graph: Uint8Array, input?: string) {
  const dir = join(root, name);
  await Deno.mkdir(dir, { recursive: true });
  await Deno.writeFile(join(dir, "model.onnx"), graph);
  await Deno.writeTextFile(
    join(dir, "emulator.json"),
    JSON.stringify({ suite: "burgers1d", name, ...(input ? { input } : {}) }),
  );
  return dir;
}

Deno.test({
  name: "CLI: model faults exit 2 naming the file and op/tensor, no stack trace, in every command",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const root = await Deno.makeTempDir({ prefix: "emubench-faults-" });
    try {
      const faults: { name: string; dir: string; says: RegExp }[] = [
        {
          name: "aten",
          dir: await modelDir(root, "aten", await Deno.readFile(ATEN)),
          says: /model\.onnx: op fft_irfft: /,
        },
        {
          name: "fails_at_run",
          dir: await modelDir(root, "fails_at_run", failsAtRunGraph(1024)),
          says: /model\.onnx: .*cannot be reshaped/,
        },
        {
          name: "unfed",
          dir: await modelDir(root, "unfed", unfedInputGraph(1024), "u"),
          says: /model\.onnx: input forcing: expected only inputs emubench feeds: u/,
        },
      ];
      const common = ["--tier", "smoke", "--backend", "wasm"];
      for (const [i, f] of faults.entries()) {
        // The first fault in a real process for every command, the others in this process.
        const cli = i === 0 ? spawnCli : inProcess;
        // A submissions directory holding this one model.
        const subs = join(root, `subs_${f.name}`);
        await Deno.mkdir(join(subs, f.name), { recursive: true });
        for (const file of ["model.onnx", "emulator.json"]) {
          await Deno.copyFile(join(f.dir, file), join(subs, f.name, file));
        }
        const commands: [string, string[]][] = [
          ["validate", ["validate", f.dir, "--backend", "wasm"]],
          ["run", [
            "run",
            "--suite",
            "burgers1d",
            "--model",
            f.dir,
            ...common,
            "--out",
            join(root, "r"),
          ]],
          [
            "stability",
            [
              "stability",
              "--suite",
              "burgers1d",
              "--model",
              f.dir,
              ...common,
              "--horizon",
              "4",
              "--energy-stats",
              "0.1,0.01",
              "--out",
              join(root, "s"),
            ],
          ],
          ["submissions", [
            "submissions",
            subs,
            "--results",
            join(root, `res_${f.name}`),
            ...common,
          ]],
        ];
        for (const [command, args] of commands) {
          const r = await cli(args);
          const where = `${command} ${f.name}: exit ${r.code}\n${r.stdout}\n${r.stderr}`;
          assert.equal(r.code, 2, where);
          assert.match(r.stdout + r.stderr, f.says, where);
          assert.doesNotMatch(r.stderr, /^ {4}at /m, where);
          assert.doesNotMatch(r.stdout + r.stderr, /internal error/i, where);
        }
      }
    } finally {
      await Deno.remove(root, { recursive: true });
    }
  },
});

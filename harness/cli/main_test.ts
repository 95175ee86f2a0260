/**
 * End-to-end tests of the command line on the smoke tier: what a user types, what exit code and
 * message they get, and which files exist afterwards.
 */
import { join } from "node:path";
import { readResult } from "../results/io.ts";
import { readNpy, writeNpy } from "../data/npy.ts";
import { h5wasm } from "../data/hdf5.ts";
import {
  scaleGraph,
  twoInputGraph,
  wrongDtypeGraph,
  wrongShapeGraph,
} from "../../fixtures/graphs.ts";
import { torchLikeGraph } from "../../fixtures/torch_like.ts";
import { getSuite } from "../../suites/mod.ts";
import { runCli } from "../../fixtures/cli.ts";

const X = 1024;

const cli = (args: string[]) => runCli(args);

async function exists(p: string) {
  return await Deno.stat(p).then(() => true, () => false);
}

async function listFiles(dir: string): Promise<string[]> {
  const names: string[] = [];
  try {
    for await (const e of Deno.readDir(dir)) names.push(e.name);
  } catch { /* missing dir = no files */ }
  return names.sort();
}

function expectIncludes(text: string, parts: string[]) {
  for (const p of parts) {
    if (!text.includes(p)) throw new Error(`expected ${JSON.stringify(p)} in:\n${text}`);
  }
}

const tmp = await Deno.makeTempDir({ prefix: "emubench-cli-" });
const smoke = ["--tier", "smoke", "--backend", "wasm"];

Deno.test("run: a torch.onnx.export-shaped model on burgers1d writes result, report and trajectories", async () => {
  const model = join(tmp, "torch_model.onnx");
  await Deno.writeFile(model, torchLikeGraph(X, 7));
  const out = join(tmp, "run-torch");
  const r = await cli([
    "run",
    "--suite",
    "burgers1d",
    "--model",
    model,
    ...smoke,
    "--out",
    out,
    "--save-trajectories",
  ]);
  if (r.code !== 0) throw new Error(`exit ${r.code}: ${r.err}`);
  expectIncludes(r.err, ["burgers1d torch_model: nrmse@1", "wrote"]);
  const result = await readResult(join(out, "result.json"));
  if (result.model.form !== "step" || result.config.ics !== 4 || result.config.steps !== 20) {
    throw new Error(JSON.stringify(result.config));
  }
  if (!/^[0-9a-f]{64}$/.test(result.model.sha256)) throw new Error("model hash");
  if (result.environment.backend !== "wasm" || !result.environment.onnxruntime.web) {
    throw new Error("environment");
  }
  const pred = await readNpy(join(out, "pred.npy")), ref = await readNpy(join(out, "ref.npy"));
  if (pred.shape.join() !== "4,21,1,1024" || ref.shape.join() !== "4,21,1,1024") {
    throw new Error(`${pred.shape} ${ref.shape}`);
  }
  // Step 0 of the prediction is the IC; the reference's step 0 too.
  for (let i = 0; i < X; i++) {
    if (pred.data[i] !== ref.data[i]) throw new Error("step 0 must be the IC");
  }
  const html = await Deno.readTextFile(join(out, "report.html"));
  expectIncludes(html, ["torch_model", "<svg", "d3"].slice(0, 1));
});

Deno.test("run: --data reads ICs and reference from .npy and from PDEBench-style HDF5", async () => {
  const suite = getSuite("burgers1d");
  const n = 2, steps = 5;
  const ref = suite.reference(suite.initialConditions(n, 7), n, steps);
  const npy = join(tmp, "data.npy");
  await writeNpy(npy, ref, [n, steps + 1, 1, X]);
  const h5 = join(tmp, "data.h5");
  const lib = await h5wasm();
  const f = new lib.File(h5, "w");
  f.create_dataset({ name: "tensor", data: ref, shape: [n, steps + 1, X], dtype: "<f4" });
  f.close();
  for (const data of [npy, h5]) {
    const out = join(tmp, `run-data-${data.endsWith(".h5") ? "h5" : "npy"}`);
    const r = await cli([
      "run",
      "--suite",
      "burgers1d",
      "--model",
      "baseline:persistence",
      "--backend",
      "wasm",
      "--data",
      data,
      "--out",
      out,
      "--no-report",
    ]);
    if (r.code !== 0) throw new Error(`exit ${r.code}: ${r.err}`);
    const result = await readResult(join(out, "result.json"));
    if (result.config.ics !== n || result.config.steps !== steps || result.config.data !== data) {
      throw new Error(JSON.stringify(result.config));
    }
    // Persistence error at step 1 equals the reference's own change over one step.
    const row = result.rows.find((x) => x.metric === "mse" && x.step === 1 && x.ic === 0)!;
    let want = 0;
    for (let i = 0; i < X; i++) want += (ref[i] - ref[X + i]) ** 2;
    if (Math.abs(row.value! - want / X) > 1e-9 * (want / X)) {
      throw new Error(`${row.value} vs ${want / X}`);
    }
  }
});

Deno.test("run: a diverging model is a result: diverged at step 4, errors after it missing", async () => {
  const model = join(tmp, "blowup.onnx");
  // ×1.9 per step: 1.9⁴ ≈ 13 passes the suite bound (10 × the reference max) at step 4.
  await Deno.writeFile(model, scaleGraph(X, 1.9));
  const out = join(tmp, "run-blowup");
  const r = await cli([
    "run",
    "--suite",
    "convection1d",
    "--model",
    model,
    ...smoke,
    "--out",
    out,
    "--no-report",
  ]);
  if (r.code !== 0) throw new Error(`exit ${r.code}: ${r.err}`);
  expectIncludes(r.err, ["4 of 4 ICs diverged (first at step 4; 0 NaN/Inf, 4 beyond the suite's"]);
  const result = await readResult(join(out, "result.json"));
  if (result.divergence.some((d) => d.step !== 4 || d.reason !== "bound")) {
    throw new Error(JSON.stringify(result.divergence));
  }
  const at = (s: number) =>
    result.rows.find((x) => x.metric === "mse" && x.step === s && x.reduction === "mean_over_ics")!;
  if (at(3).value === null || at(3).n !== 4) throw new Error("step 3 is before divergence");
  if (at(4).value !== null || at(4).n !== 0) {
    throw new Error("step 4 must be missing, not a number");
  }
});

Deno.test("bad input: each gets exit code 2, a message naming file/field/expected/found, no files", async () => {
  const good = scaleGraph(X, 1);
  const cases: {
    name: string;
    bytes?: Uint8Array;
    text?: string;
    args?: string[];
    expect: string[];
  }[] = [
    {
      name: "truncated.onnx",
      bytes: good.slice(0, good.length - 20),
      expect: ["truncated.onnx", "expected an ONNX model"],
    },
    {
      name: "notes.onnx",
      text: "this is not a model\n",
      expect: ["notes.onnx", "expected an ONNX model"],
    },
    {
      name: "narrow.onnx",
      bytes: wrongShapeGraph(X),
      expect: ["input u", "[B,1,1024]", "found [B,1,512]"],
    },
    { name: "int.onnx", bytes: wrongDtypeGraph(X), expect: ["input u", "float32", "found int64"] },
    {
      name: "two.onnx",
      bytes: twoInputGraph(X),
      expect: ["exactly one state input", "a float32 [B,1,1024]".slice(0, 0), "found 2: a float32"],
    },
    { name: "missing.onnx", args: [], expect: ["missing.onnx", "nothing at this path"] },
  ];
  for (const c of cases) {
    const path = join(tmp, c.name);
    if (c.bytes) await Deno.writeFile(path, c.bytes);
    if (c.text) await Deno.writeTextFile(path, c.text);
    const out = join(tmp, `bad-${c.name}`);
    const r = await cli(["run", "--suite", "burgers1d", "--model", path, ...smoke, "--out", out]);
    if (r.code !== 2) throw new Error(`${c.name}: exit ${r.code}, expected 2: ${r.err}`);
    expectIncludes(r.err, c.expect);
    if ((await listFiles(out)).length > 0) throw new Error(`${c.name}: files left in ${out}`);
  }
});

Deno.test("bad input: manifests, flags and data files", async () => {
  const dir = join(tmp, "manifest-bad");
  await Deno.mkdir(dir, { recursive: true });
  await Deno.writeFile(join(dir, "model.onnx"), scaleGraph(X, 1));
  const manifests: [unknown, string[]][] = [
    [{ name: "x" }, ["emulator.json", "suite", "expected a suite id (required)"]],
    [{ suite: "burgers1d", histroy: 2 }, ["histroy", "unknown key"]],
    [{ suite: "burgers1d", history: 0 }, ["history", "an integer ≥ 1", "found 0"]],
    [{ suite: "burgers1d", graphs: { step: "nope.onnx" } }, [
      "graphs.step",
      "nope.onnx",
      "no such file",
    ]],
    [{ suite: "burgers1d", graphs: { step: "../../etc/passwd" } }, [
      "graphs.step",
      "inside the model directory",
    ]],
    [{ suite: "burgers1d", graphs: { step: "/etc/passwd" } }, [
      "graphs.step",
      "inside the model directory",
    ]],
    [{ suite: "burgers1d", normalize: { mean: [0], std: [0] } }, ["normalize.std[0]", "positive"]],
    [{ suite: "convection1d" }, ["suite", '"burgers1d"', 'found "convection1d"']],
  ];
  for (const [m, expect] of manifests) {
    await Deno.writeTextFile(join(dir, "emulator.json"), JSON.stringify(m));
    const r = await cli([
      "run",
      "--suite",
      "burgers1d",
      "--model",
      dir,
      ...smoke,
      "--out",
      join(tmp, "bad-m"),
    ]);
    if (r.code !== 2) throw new Error(`${JSON.stringify(m)}: exit ${r.code}: ${r.err}`);
    expectIncludes(r.err, expect);
  }
  const flags: [string[], string[]][] = [
    [["--suite", "nope", "--model", "baseline:persistence"], ["nope", "burgers1d", "convection1d"]],
    [["--suite", "burgers1d", "--model", "baseline:nope"], ["baseline", "persistence"]],
    [["--suite", "burgers1d", "--model", "baseline:upwind"], ["convection1d"]],
    [["--suite", "burgers1d", "--model", "baseline:persistence", "--tier", "huge"], [
      "--tier",
      "smoke",
      "standard",
    ]],
    [["--suite", "burgers1d", "--model", "baseline:persistence", "--steps=-3"], [
      "--steps",
      "positive integer",
    ]],
    [["--suite", "burgers1d", "--model", "baseline:persistence", "--steps", "-3"], [
      "--steps",
      "ambiguous",
    ]],
    [["--suite", "burgers1d", "--model", "baseline:persistence", "--backend", "cuda"], [
      "--backend",
      "wasm",
    ]],
    [["--suite", "burgers1d", "--model", "baseline:persistence", "--batch", "0"], [
      "--batch",
      "positive integer",
    ]],
    [["--suite", "burgers1d", "--model", "baseline:persistence", "--bogus"], ["bogus"]],
  ];
  for (const [args, expect] of flags) {
    const r = await cli(["run", ...args, "--out", join(tmp, "bad-f")]);
    if (r.code !== 2) throw new Error(`${args}: exit ${r.code}: ${r.err}`);
    expectIncludes(r.err, expect);
  }
  // A data file with the wrong grid.
  const npy = join(tmp, "wrong.npy");
  await writeNpy(npy, new Float32Array(2 * 3 * 512), [2, 3, 512]);
  const r = await cli([
    "run",
    "--suite",
    "burgers1d",
    "--model",
    "baseline:persistence",
    "--data",
    npy,
    "--out",
    join(tmp, "bad-d"),
  ]);
  if (r.code !== 2) throw new Error(`exit ${r.code}: ${r.err}`);
  expectIncludes(r.err, ["wrong.npy", "1024", "512"]);
  if (await exists(join(tmp, "bad-d", "result.json"))) throw new Error("partial result");
});

Deno.test("validate: explains a good model and every problem of a bad one", async () => {
  const good = join(tmp, "good.onnx");
  await Deno.writeFile(good, torchLikeGraph(X, 1));
  let r = await cli(["validate", good, "--suite", "burgers1d", "--backend", "wasm"]);
  if (r.code !== 0) throw new Error(`exit ${r.code}: ${r.out}${r.err}`);
  expectIncludes(r.out, [
    "input  input float32 [batch_size,1,1024]",
    "dry run on wasm: ok",
    "OK: the model fits burgers1d",
  ]);
  const bad = join(tmp, "bad.onnx");
  await Deno.writeFile(bad, wrongShapeGraph(X));
  r = await cli(["validate", bad, "--suite", "burgers1d", "--backend", "wasm"]);
  if (r.code !== 2) throw new Error(`exit ${r.code}`);
  expectIncludes(r.out, ["2 problems", "input u", "output u_next", "NOT OK"]);
  r = await cli(["validate", bad]);
  if (r.code !== 2) throw new Error(`exit ${r.code}`);
  expectIncludes(r.err, ["--suite", "bare .onnx"]);
});

Deno.test("report and list: a comparison page from two result files; list names suites and baselines", async () => {
  const a = join(tmp, "rep-a"), b = join(tmp, "rep-b");
  for (const [m, out] of [["baseline:upwind", a], ["baseline:lax_wendroff", b]]) {
    const r = await cli([
      "run",
      "--suite",
      "convection1d",
      "--model",
      m,
      ...smoke,
      "--out",
      out,
      "--no-report",
    ]);
    if (r.code !== 0) throw new Error(r.err);
  }
  const page = join(tmp, "cmp.html");
  const r = await cli(["report", join(a, "result.json"), join(b, "result.json"), "--out", page]);
  if (r.code !== 0) throw new Error(r.err);
  expectIncludes(await Deno.readTextFile(page), ["baseline:upwind", "baseline:lax_wendroff"]);
  const l = await cli(["list"]);
  expectIncludes(l.out, [
    "convection1d",
    "burgers1d",
    "lax_wendroff",
    "coarse_solver",
    "tier smoke: 4 ICs × 20 steps",
  ]);
  const bad = join(tmp, "tampered.json");
  await Deno.writeTextFile(bad, JSON.stringify({ schema: "emubench.result/1", rows: "nope" }));
  const t = await cli(["report", bad, "--out", join(tmp, "t.html")]);
  if (t.code !== 2) throw new Error(`tampered result: exit ${t.code}`);
  expectIncludes(t.err, ["tampered.json"]);
});

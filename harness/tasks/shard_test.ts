/**
 * Sharded runs on the smoke tier: shards merged with `emubench merge` give exactly (bit for bit)
 * the rows, divergence and snapshots of the unsharded run; bad shard sets are refused with exit
 * code 2 and a message naming the files and what differs.
 */
import type { DiagnosticsState } from "../../metrics/diagnostics.ts";
import { join } from "node:path";
import { evaluate, type EvaluateOptions } from "./run.ts";
import { main } from "../cli/main.ts";
import { mergeShards, parseShard, readShards, shardFileName, shardRange } from "./shard.ts";
import { checkResult } from "../results/check.ts";
import { readResult } from "../results/io.ts";
import type { Result } from "../results/schema.ts";
import { blowUpGraph } from "../../fixtures/graphs.ts";
import { assertSameRows } from "../../fixtures/rows.ts";
import { getSuite } from "../../suites/mod.ts";
import { writeNpy } from "../data/npy.ts";
import { writeZarrV3 } from "../../suites/era5/_wb2_fixture.ts";

const tmp = await Deno.makeTempDir({ prefix: "emubench-shard-" });

function expectThrows(fn: () => unknown, type: new (...a: never[]) => Error, includes: string) {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof type) || !(e as Error).message.includes(includes)) {
      throw new Error(`expected ${type.name} with "${includes}", found ${e}`);
    }
    return;
  }
  throw new Error(`expected ${type.name} with "${includes}", found no error`);
}

function assertSameRun(merged: Result, whole: Result, label: string): void {
  assertSameRows(merged.rows, whole.rows, label);
  if (JSON.stringify(merged.rows) !== JSON.stringify(whole.rows)) throw new Error(`${label}: JSON`);
  for (const key of ["divergence", "snapshots", "suite", "model"] as const) {
    if (JSON.stringify(merged[key]) !== JSON.stringify(whole[key])) {
      throw new Error(`${label}: ${key} differs`);
    }
  }
  const { data: _a, ...c1 } = merged.config, { data: _b, ...c2 } = whole.config;
  if (JSON.stringify(c1) !== JSON.stringify(c2)) throw new Error(`${label}: config differs`);
  checkResult(JSON.parse(JSON.stringify(merged)), label); // a valid, self-consistent result file
}

/** Run unsharded, then as `counts` shard sets; merge each set from its files and compare. */
async function compareSharded(base: EvaluateOptions, counts: number[], label: string) {
  const whole = (await evaluate({ ...base, outDir: join(tmp, label, "whole") })).result;
  for (const n of counts) {
    const dir = join(tmp, label, `of-${n}`);
    for (let k = 1; k <= n; k++) {
      await evaluate({ ...base, outDir: dir, shard: { index: k, count: n } });
    }
    const merged = mergeShards(await readShards([dir]));
    assertSameRun(merged, whole, `${label} ${n} shards`);
  }
  return whole;
}

const smoke = { tier: "smoke", backend: "wasm" } as const;

Deno.test("parseShard takes 1-based K/N and refuses anything else with a RangeError", () => {
  for (const [text, index, count] of [["1/1", 1, 1], ["3/4", 3, 4], ["10/12", 10, 12]] as const) {
    const s = parseShard(text);
    if (s.index !== index || s.count !== count) throw new Error(`${text}: ${JSON.stringify(s)}`);
  }
  for (const bad of ["0/3", "4/3", "a/b", "1/0", "", "1/2/3", " 1/2", "-1/2", "1.5/2", "2"]) {
    expectThrows(() => parseShard(bad), RangeError, "--shard");
  }
});

Deno.test("shardRange: contiguous, batch-aligned, every IC once, shares within one unit", () => {
  for (let ics = 1; ics <= 12; ics++) {
    for (let batch = 1; batch <= 5; batch++) {
      const units = Math.ceil(ics / batch);
      for (let count = 1; count <= units; count++) {
        let next = 0;
        const sizes: number[] = [];
        for (let index = 1; index <= count; index++) {
          const r = shardRange({ index, count }, ics, batch);
          if (r.first !== next || r.first % batch !== 0 || r.count < 1) {
            throw new Error(`${ics} ICs, batch ${batch}, ${index}/${count}: ${JSON.stringify(r)}`);
          }
          next = r.first + r.count;
          sizes.push(Math.ceil(r.count / batch));
        }
        if (next !== ics || Math.max(...sizes) - Math.min(...sizes) > 1) {
          throw new Error(`${ics} ICs, batch ${batch}, ${count} shards: ${sizes}`);
        }
      }
      expectThrows(
        () => shardRange({ index: 1, count: units + 1 }, ics, batch),
        RangeError,
        `at most ${units} shard`,
      );
    }
  }
  if (shardFileName({ index: 3, count: 4 }) !== "shard-3-of-4.json") throw new Error("file name");
});

Deno.test("shallow_water2d (physics diagnostics) shards: same rows, diag_* included", async () => {
  const base = { ...smoke, suite: "shallow_water2d", model: "baseline:persistence", batch: 1 };
  const whole = await compareSharded(base, [2], "sw");
  const diag = whole.rows.filter((r) => r.metric.startsWith("diag_"));
  // mass and energy: (pred, ref) × steps 0..10 + (drift pred, drift ref) × steps 1..10.
  if (diag.length !== 2 * (2 * 11 + 2 * 10) || diag.some((r) => r.n !== 2)) {
    throw new Error(`diag rows: ${diag.length}, n ${[...new Set(diag.map((r) => r.n))]}`);
  }
  // The anchors' metrics merge too: crmse of the conserved depth only, fRMSE on 128².
  const crmse = whole.rows.filter((r) => r.metric === "crmse");
  if (crmse.length !== 10 || crmse.some((r) => r.field !== "h" || r.n !== 2)) {
    throw new Error(`crmse rows: ${JSON.stringify(crmse.slice(0, 2))}`);
  }
  const anchors = ["bias", "max_error", "vrmse", "frmse_low", "frmse_mid", "frmse_high"];
  for (const metric of anchors) {
    if (whole.rows.filter((r) => r.metric === metric).length !== 3 * 10) {
      throw new Error(`${metric}: expected 3 fields × 10 steps`);
    }
  }
  // A shard without its diagnostics state, or with a damaged one, is refused naming the file.
  const files = await readShards([join(tmp, "sw", "of-2")]);
  const [f1, f2] = files;
  const { diagnostics, ...bare } = f2.shard;
  const state = diagnostics as DiagnosticsState;
  expectThrows(
    () => mergeShards([f1, { file: "b.json", shard: bare }]),
    RangeError,
    "b.json: no diagnostics state (suite shallow_water2d has physics diagnostics)",
  );
  const damaged = { ...f2.shard, diagnostics: { ...state, pred: state.pred.slice(8) } };
  expectThrows(
    () => mergeShards([f1, { file: "b.json", shard: damaged }]),
    RangeError,
    "b.json: diagnostics: pred: expected base64 of",
  );
});

Deno.test("era5 shards: ACC and PSNR rows merge to the unsharded run's", async () => {
  const base = { ...smoke, suite: "era5", model: "baseline:persistence", batch: 1 };
  const whole = await compareSharded(base, [2], "era5");
  const acc = whole.rows.filter((r) => r.metric === "acc" || r.metric === "psnr");
  // (acc, psnr) × 2 fields × 4 smoke steps, each a mean over both ICs.
  if (acc.length !== 16 || acc.some((r) => r.n !== 2)) {
    throw new Error(`acc/psnr rows: ${acc.length}, n ${[...new Set(acc.map((r) => r.n))]}`);
  }
  const [f1, f2] = await readShards([join(tmp, "era5", "of-2")]);
  const { weather: _w, ...bare } = f2.shard;
  expectThrows(
    () => mergeShards([f1, { file: "b.json", shard: bare }]),
    RangeError,
    "b.json: no weather (ACC/PSNR) state",
  );
});

Deno.test("era5 --data shards: WeatherBench 2 regional rows merge to the unsharded run's", async () => {
  const data = join(tmp, "wb2.zarr");
  await writeZarrV3(data, {
    lat: Array.from({ length: 19 }, (_, i) => 90 - 10 * i),
    nlon: 36,
    time: Array.from({ length: 5 }, (_, k) => 6 * k),
    units: "hours since 2001-03-01",
    levels: [500],
  });
  const base = { suite: "era5", model: "baseline:persistence", backend: "wasm", data, steps: 2 };
  const whole = await compareSharded({ ...base, batch: 1 } as EvaluateOptions, [2], "wb2");
  const regional = whole.rows.filter((r) => r.region !== undefined);
  // 3 regions × (acc, psnr, rmse, bias) × 2 fields × 2 steps.
  if (regional.length !== 3 * 4 * 2 * 2 || regional.some((r) => !r.metric.startsWith("wb2_"))) {
    throw new Error(`regional rows: ${regional.length}`);
  }
});

Deno.test("merged shards equal the unsharded run exactly: convection1d lax_wendroff", async () => {
  const base = { ...smoke, suite: "convection1d", model: "baseline:lax_wendroff", batch: 1 };
  await compareSharded(base, [2, 3], "convection");
});

Deno.test("merged shards equal the unsharded run exactly: burgers1d coarse_solver", async () => {
  const base = { ...smoke, suite: "burgers1d", model: "baseline:coarse_solver", batch: 1 };
  await compareSharded(base, [2, 3], "burgers");
});

Deno.test("a diverging model: same divergence and rows after merging (batches of 2)", async () => {
  const model = join(tmp, "blowup.onnx");
  await Deno.writeFile(model, blowUpGraph(1024));
  const whole = await compareSharded(
    { ...smoke, suite: "burgers1d", model, batch: 2 },
    [2],
    "blowup",
  );
  // ×1e10 per step leaves the suite bound (10 × the reference max) at step 1, before Inf at 4.
  if (whole.divergence.some((d) => d.step !== 1 || d.reason !== "bound")) {
    throw new Error(JSON.stringify(whole.divergence));
  }
});

Deno.test("--data runs shard too: each shard checks the data file's sha256", async () => {
  const suite = getSuite("convection1d"), n = 4, steps = 5;
  const data = join(tmp, "convection.npy");
  await writeNpy(data, suite.reference(suite.initialConditions(n, 3), n, steps), [
    n,
    steps + 1,
    1,
    1024,
  ]);
  const base = { suite: "convection1d", model: "baseline:lax_wendroff", backend: "wasm", data };
  const whole = await compareSharded({ ...base, batch: 1 } as EvaluateOptions, [3], "data");
  for (const metric of ["frmse_low", "frmse_mid", "frmse_high", "crmse", "vrmse", "bias"]) {
    if (whole.rows.filter((r) => r.metric === metric).length !== steps) {
      throw new Error(`${metric}: expected one row per step`);
    }
  }
});

/** Run the CLI capturing stderr/stdout; returns exit code and the text written. */
async function cli(args: string[]): Promise<{ code: number; err: string }> {
  const err: string[] = [];
  const log = console.log, error = console.error, write = Deno.stderr.writeSync;
  console.log = () => {};
  console.error = (...a: unknown[]) => void err.push(a.join(" "));
  Deno.stderr.writeSync = (b: Uint8Array) => (err.push(new TextDecoder().decode(b)), b.length);
  try {
    return { code: await main(args), err: err.join("") };
  } finally {
    console.log = log;
    console.error = error;
    Deno.stderr.writeSync = write;
  }
}

async function expectExit2(args: string[], parts: string[]) {
  const r = await cli(args);
  if (r.code !== 2) throw new Error(`expected exit 2, found ${r.code}: ${r.err}`);
  for (const p of parts) {
    if (!r.err.includes(p)) throw new Error(`expected ${JSON.stringify(p)} in: ${r.err}`);
  }
}

Deno.test("CLI: run --shard + merge; missing, doubled, foreign and edited shards exit 2", async () => {
  const dir = join(tmp, "cli");
  const run = ["run", "--suite", "convection1d", "--tier", "smoke", "--backend", "wasm"];
  const lax = [...run, "--model", "baseline:lax_wendroff", "--batch", "1"];
  for (const k of [1, 2]) {
    const r = await cli([...lax, "--shard", `${k}/2`, "--out", join(dir, "ok")]);
    if (r.code !== 0 || !r.err.includes(`shard-${k}-of-2.json`)) throw new Error(r.err);
  }
  const [s1, s2] = [1, 2].map((k) => join(dir, "ok", shardFileName({ index: k, count: 2 })));
  // The merge lands beside the shards by default.
  const merged = await cli(["merge", join(dir, "ok"), "--no-report"]);
  if (merged.code !== 0) throw new Error(merged.err);
  const whole = await cli([...lax, "--out", join(dir, "whole"), "--no-report"]);
  if (whole.code !== 0) throw new Error(whole.err);
  assertSameRun(
    await readResult(join(dir, "ok", "result.json")),
    await readResult(join(dir, "whole", "result.json")),
    "cli",
  );

  await expectExit2(["merge", s1, "--out", join(dir, "x")], ["shard 2/2 missing", s1]);
  const copy = join(dir, "copy-of-1.json");
  await Deno.copyFile(s1, copy);
  await expectExit2(["merge", s1, copy, s2, "--out", join(dir, "x")], [
    "shard 1/2 is given 2 times",
    copy,
  ]);
  // Shard 2 of another model, and of another seed.
  const upwind = join(dir, "upwind");
  await cli([
    ...run,
    "--model",
    "baseline:upwind",
    "--batch",
    "1",
    "--shard",
    "2/2",
    "--out",
    upwind,
  ]);
  await expectExit2(["merge", s1, join(upwind, "shard-2-of-2.json"), "--out", join(dir, "x")], [
    "come from different runs",
    "model.sha256",
    join(upwind, "shard-2-of-2.json"),
  ]);
  const seed = join(dir, "seed");
  await cli([...lax, "--seed", "7", "--shard", "2/2", "--out", seed]);
  await expectExit2(["merge", s1, join(seed, "shard-2-of-2.json"), "--out", join(dir, "x")], [
    "config.seed 20261123 vs 7",
    "reference.sha256",
  ]);
  // Different splits; an edited IC list; an edited model hash; a result file instead of a shard.
  const three = join(dir, "three");
  await cli([...lax, "--shard", "3/3", "--out", three]);
  await expectExit2(["merge", s1, join(three, "shard-3-of-3.json")], [
    "different splits",
    "is 3/3",
  ]);
  const edited = JSON.parse(await Deno.readTextFile(s2));
  await Deno.writeTextFile(join(dir, "ics.json"), JSON.stringify({ ...edited, ics: [2] }));
  await expectExit2(["merge", s1, join(dir, "ics.json")], ["ics", "expected ICs 2..3"]);
  await Deno.writeTextFile(
    join(dir, "hash.json"),
    JSON.stringify({ ...edited, model: { ...edited.model, sha256: "0".repeat(64) } }),
  );
  await expectExit2(["merge", s1, join(dir, "hash.json")], ["hash.json: model.sha256"]);
  const values = { ...edited.scorer, values: edited.scorer.values.slice(8) };
  await Deno.writeTextFile(join(dir, "values.json"), JSON.stringify({ ...edited, scorer: values }));
  await expectExit2(["merge", s1, join(dir, "values.json")], [
    "values.json: scorer: values: expected base64 of",
  ]);
  await expectExit2(["merge", join(dir, "whole", "result.json")], ["not a shard"]);
  // More shards than work units; trajectories with a shard.
  await expectExit2([...lax, "--shard", "5/5", "--out", join(dir, "x")], ["at most 4 shards"]);
  await expectExit2([...lax, "--shard", "1/2", "--save-trajectories"], ["--save-trajectories"]);
  await expectExit2([...lax, "--shard", "0/2"], ["--shard", "1 ≤ K ≤ N"]);
  if (await Deno.stat(join(dir, "x")).then(() => true, () => false)) {
    throw new Error("a refused merge or run left files behind");
  }
});

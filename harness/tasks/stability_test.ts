import assert from "node:assert/strict";
import { join } from "node:path";
import { runStability } from "./stability.ts";
import { getSuite } from "../../suites/mod.ts";
import { checkResult } from "../results/check.ts";
import { buildSections, entriesFor } from "../../reports/charts.ts";
import { openBackend } from "../onnx/backend.ts";
import { planModel } from "../model/plan.ts";
import { openSessions, rollout, type RolloutSnapshot } from "../model/rollout.ts";
import type { ModelSource } from "../model/manifest.ts";
import {
  carryGraph,
  carryInitGraph,
  extrapolateGraph,
  float16ScaleGraph,
  latentGraphs,
  scaleGraph,
  source,
} from "../../fixtures/graphs.ts";
import { ValueRangeError } from "../core/errors.ts";
import { runCli } from "../../fixtures/cli.ts";

const CLI = new URL("../cli/main.ts", import.meta.url).pathname;

Deno.test("stability: persistence keeps every IC's energy, so exits are exactly the ICs outside the band", async () => {
  const suite = getSuite("convection1d");
  const N = 6, X = 1024;
  const ics = suite.initialConditions(N, suite.seed);
  const energies = Array.from(
    { length: N },
    (_, i) => suite.energy(ics.subarray(i * X, (i + 1) * X)),
  );
  // Band μ ± 5σ = [0.09, 0.13]: exactly the ICs with an energy inside are stable.
  const run = await runStability({
    suite: "convection1d",
    model: "baseline:persistence",
    ics: N,
    horizon: 50,
    backend: "wasm",
    energyStats: { mean: 0.11, std: 0.004 },
    spectraEvery: 10,
  });
  const inside = energies.map((e) => e >= 0.09 && e <= 0.13);
  assert.ok(inside.some((v) => v) && inside.some((v) => !v), `need both kinds: ${energies}`);
  const exits = run.result.rows.filter((r) => r.metric === "first_exit_step");
  assert.deepEqual(exits.map((r) => r.value), inside.map((v) => (v ? null : 1)));
  const rate = run.result.rows.find((r) => r.metric === "stability_rate")!;
  assert.equal(rate.value, inside.filter((v) => v).length / N);
  // Time mean of a constant energy is that energy, its std 0; the mean spectrum is the IC's.
  const mean = run.result.rows.filter((r) => r.metric === "energy_time_mean");
  mean.forEach((r, i) => {
    if (inside[i]) assert.ok(Math.abs(r.value! - energies[i]) < 1e-12 * energies[i]);
    else assert.equal(r.value, null);
  });
  const total = run.result.rows.filter((r) => r.metric === "spectrum_pred")
    .reduce((a, r) => a + r.value!, 0);
  const stable = energies.filter((_, i) => inside[i]);
  const expected = stable.reduce((a, b) => a + b, 0) / stable.length;
  // spectrum1d shells sum to ½⟨u²⟩ (Parseval), the suite energy of a one-field state.
  assert.ok(Math.abs(total - expected) < 1e-6 * expected, `${total} vs ${expected}`);
  checkResult(JSON.parse(JSON.stringify(run.result)), "result.json");
  // The report's survival curve starts at 1 and ends at the stability rate.
  const section = buildSections(entriesFor([run.result])).find((x) => x.id === "long-horizon");
  const curve = section?.figures[0].chart;
  assert.ok(curve && "series" in curve, "no long-horizon chart");
  const y = curve.series[0].y;
  assert.equal(y[0], 1);
  assert.equal(y.at(-1), rate.value);
  // With energy curves (as `run` writes them) the band is drawn at μ_E ∓ 5σ_E.
  const withCurves = structuredClone(run.result);
  for (let step = 0; step <= 50; step++) {
    for (const metric of ["energy_pred", "energy_ref"]) {
      withCurves.rows.push({
        metric,
        field: "*",
        step,
        value: 0.11,
        n: N,
        reduction: "mean_over_ics",
      });
    }
  }
  const figs =
    buildSections(entriesFor([withCurves])).find((x) => x.id === "long-horizon")!.figures;
  const band = figs.find((f) => f.title === "energy against the stability band")?.chart;
  assert.ok(band && "series" in band);
  const levels = band.series.filter((x) => x.dash === "dotted").map((x) => x.y[0]);
  assert.ok(
    Math.abs(levels[0]! - 0.09) < 1e-12 && Math.abs(levels[1]! - 0.13) < 1e-12,
    `${levels}`,
  );
});

/**
 * The git commit is part of a checkpoint's key. Other agents commit to this checkout while tests
 * run, so runs that must resume each other see no git repository (commit null) instead of a
 * HEAD that may move between them.
 */
const NO_GIT = { GIT_DIR: "/nonexistent/emubench-test-no-git" };

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", CLI, ...args],
    env: NO_GIT,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

async function exists(path: string): Promise<boolean> {
  return await Deno.stat(path).then(() => true, () => false);
}

Deno.test("stability: a run killed (SIGKILL) after a checkpoint resumes to the uninterrupted result, bit for bit", async () => {
  const dir = await Deno.makeTempDir({ prefix: "emubench-stability-" });
  try {
    // 6 ICs in batches of 4: the kill lands in the second batch, so the resume skips a batch,
    // restores its exits and divergence, and continues mid-batch through later exits.
    const args = (out: string, extra: string[] = []) => [
      "stability",
      "--suite=convection1d",
      "--model=baseline:upwind",
      "--ics=6",
      "--batch=4",
      "--horizon=3000",
      "--energy-stats=0.1,0.01",
      "--backend=wasm",
      "--checkpoint-every=100",
      "--spectra-every=250",
      "--json",
      `--out=${out}`,
      ...extra,
    ];
    const whole = join(dir, "whole"), killed = join(dir, "killed");
    // The uninterrupted run in this process (its rows do not depend on the commit); the killed
    // run, the refusal and the resume are real processes without git (NO_GIT above).
    const a = await runCli(args(whole));
    assert.equal(a.code, 0, a.err);

    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", CLI, ...args(killed)],
      env: NO_GIT,
      stdout: "null",
      stderr: "null",
    }).spawn();
    const ck = join(killed, "checkpoint.json");
    let atStep: number | undefined, exited = false;
    child.status.then(() => (exited = true));
    // Poll every 20 ms until the checkpoint is there (fast machine: a second or two), the child
    // has exited (it then finished: reported below), or a limit generous for a loaded machine.
    const deadline = performance.now() + 180_000;
    while (atStep === undefined && !exited && performance.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
      try {
        const c = JSON.parse(await Deno.readTextFile(ck));
        if (c.snapshot.first === 4 && c.snapshot.step >= 300) atStep = c.snapshot.step;
      } catch { /* not written yet */ }
    }
    try {
      child.kill("SIGKILL");
    } catch { /* it had already exited */ }
    const status = await child.status;
    assert.ok(atStep !== undefined, "no checkpoint of the second batch appeared");
    assert.notEqual(status.code, 0);
    assert.ok(!(await exists(join(killed, "result.json"))), "the run finished before the kill");

    // Different arguments refuse the checkpoint, naming what differs.
    const wrong = await cli(args(killed, ["--seed=7"]));
    assert.equal(wrong.code, 2);
    assert.match(wrong.stderr, /seed: checkpoint \d+, this run 7/);

    const b = await cli(args(killed));
    assert.equal(b.code, 0, b.stderr);
    assert.equal(JSON.parse(b.stdout).resumed, true);
    assert.ok(!(await exists(ck)), "checkpoint left after the result was written");
    const ra = JSON.parse(await Deno.readTextFile(join(whole, "result.json")));
    const rb = JSON.parse(await Deno.readTextFile(join(killed, "result.json")));
    assert.deepEqual(rb.rows, ra.rows);
    assert.deepEqual(rb.divergence, ra.divergence);
    // The run exercised exits after the kill point, not only a trivial all-stable result.
    const exits = ra.rows.filter((r: { metric: string }) => r.metric === "first_exit_step")
      .map((r: { value: number | null }) => r.value);
    assert.ok(exits.some((s: number | null) => s !== null && s > atStep!), String(exits));
    assert.ok(exits.some((s: number | null) => s === null), String(exits));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("rollout snapshots: resuming from any checkpoint reproduces every later step exactly (history, carry, latent, float16)", async () => {
  const X = 16, N = 5, T = 12, every = 4;
  const forms: [string, ModelSource][] = [
    ["history 2", source({ step: extrapolateGraph(X) }, { history: 2 })],
    [
      "carry + init",
      source({ step: carryGraph(X, 0.1), init: carryInitGraph(X) }, { carry: { h_in: "h_out" } }),
    ],
    [
      "latent",
      source(latentGraphs(X, 0.9), {
        graphs: { encode: "encode.onnx", step: "step.onnx", decode: "decode.onnx" },
      }),
    ],
    ["float16", source({ step: float16ScaleGraph(X, 0.97) })],
  ];
  // Reference: steps 0 and 1 of N ICs (only the history window is read).
  const ref = new Float32Array(N * (T + 1) * X);
  for (let i = 0; i < N; i++) {
    for (let t = 0; t <= T; t++) {
      for (let j = 0; j < X; j++) {
        ref[(i * (T + 1) + t) * X + j] = Math.sin(2 * Math.PI * (j / X + i / N)) + 0.1 * t;
      }
    }
  }
  const backend = await openBackend("wasm");
  for (const [name, model] of forms) {
    const { plan } = planModel(model, { fields: ["u"], shape: [X] });
    const sessions = await openSessions(backend, model, plan!, 3);
    const go = async (resume?: RolloutSnapshot, snaps?: RolloutSnapshot[]) => {
      const seen = new Map<string, Float32Array>();
      await rollout({
        sessions,
        channels: 1,
        shape: [X],
        count: N,
        reference: ref,
        refSteps: T,
        steps: T,
        maxBatch: 2, // batches {0,1}, {2,3}, {4}
        resume,
        ...(snaps
          ? { checkpoint: { every, save: (s) => (snaps.push(s), Promise.resolve()) } }
          : {}),
        observer: {
          step: (ic, n, p) => void seen.set(`${ic}:${n}`, p.slice()),
          diverged: () => {},
        },
      });
      return seen;
    };
    const snaps: RolloutSnapshot[] = [];
    const whole = await go(undefined, snaps);
    // Steps 4 and 8 of each of the 3 batches (history 2 predicts from step 2: same steps).
    assert.deepEqual(snaps.map((s) => [s.first, s.step]), [[0, 4], [0, 8], [2, 4], [2, 8], [4, 4], [
      4,
      8,
    ]], name);
    for (const snap of snaps) {
      const again = await go(structuredClone(snap)); // a copy: nothing shared with the run
      // Exactly the steps after the snapshot: the rest of its batch and all later batches.
      const expected = [...whole.keys()].filter((key) => {
        const [ic, n] = key.split(":").map(Number);
        const first = Math.floor(ic / 2) * 2;
        return first > snap.first || (first === snap.first && n > snap.step);
      });
      assert.deepEqual(
        [...again.keys()].sort(),
        expected.sort(),
        `${name} from ${snap.first}:${snap.step}`,
      );
      for (const key of expected) {
        assert.deepEqual(again.get(key), whole.get(key), `${name} ${key}`);
      }
    }
  }
});

Deno.test("rollout: a batch whose ICs are all finished stops early", async () => {
  const X = 16, T = 50;
  const model = source({ step: scaleGraph(X, 1) });
  const { plan } = planModel(model, { fields: ["u"], shape: [X] });
  const sessions = await openSessions(await openBackend("wasm"), model, plan!, 3);
  const ref = new Float32Array(3 * (T + 1) * X).fill(1);
  const last = new Map<number, number>();
  const calls: number[] = [];
  await rollout({
    sessions,
    channels: 1,
    shape: [X],
    count: 3,
    reference: ref,
    refSteps: T,
    steps: T,
    maxBatch: 2,
    observer: {
      // IC 0 finishes after step 5, IC 1 after step 9; IC 2 (second batch) never.
      finished: (ic) =>
        (ic === 0 && (last.get(0) ?? 0) >= 5) || (ic === 1 && (last.get(1) ?? 0) >= 9),
      step: (ic, n) => {
        last.set(ic, n);
        if (ic === 0) calls.push(n);
      },
      diverged: () => {},
    },
  });
  // The first batch ran to step 9 (IC 1's finish), the second to T.
  assert.equal(last.get(0), 9);
  assert.equal(last.get(1), 9);
  assert.equal(last.get(2), T);
  assert.equal(calls.length, 9);
});

Deno.test({
  name: "stability: ICs come from the reference cache, so a second run solves nothing",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const { convection1d } = await import("../../suites/mod.ts");
    let solved = 0;
    const suite = {
      ...convection1d,
      initialConditions(count: number, seed: number) {
        solved++;
        return convection1d.initialConditions(count, seed);
      },
    };
    const cacheDir = await Deno.makeTempDir({ prefix: "emubench-stab-cache-" });
    try {
      const run = () =>
        runStability({
          suite,
          model: "baseline:persistence",
          ics: 2,
          horizon: 5,
          backend: "wasm",
          energyStats: { mean: 0.11, std: 0.004 },
          cacheDir,
        });
      const a = await run(), b = await run();
      assert.equal(solved, 1);
      assert.deepEqual(a.result.rows, b.result.rows);
      await runStability({
        suite,
        model: "baseline:persistence",
        ics: 2,
        horizon: 5,
        backend: "wasm",
        energyStats: { mean: 0.11, std: 0.004 },
        cacheDir: false,
      });
      assert.equal(solved, 2, "cacheDir: false solves again");
    } finally {
      await Deno.remove(cacheDir, { recursive: true });
    }
  },
});

Deno.test({
  name:
    "stability: divergence and rows do not depend on --batch (an exited IC's later NaN is not recorded)",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const { convection1d } = await import("../../suites/mod.ts");
    // IC 0 is zero (stays in the band, so its batch runs to H), IC 1 leaves the band at step 11
    // (energy ×100 a step) and overflows to Inf near step 39, IC 2 holds an Inf: its divergence
    // at step 1 is its exit cause. Batched with IC 0, IC 1's Inf used to be recorded; alone,
    // its batch stopped at its exit and it was not.
    const suite = {
      ...convection1d,
      initialConditions(count: number, seed: number) {
        const ics = convection1d.initialConditions(count, seed);
        ics.fill(0, 0, 1024);
        ics[2 * 1024 + 5] = Infinity;
        return ics;
      },
    };
    const dir = await Deno.makeTempDir({ prefix: "emubench-stab-batch-" });
    try {
      const model = join(dir, "grow.onnx");
      await Deno.writeFile(model, scaleGraph(1024, 10));
      const run = (batch: number) =>
        runStability({
          suite,
          model,
          ics: 3,
          horizon: 60,
          batch,
          backend: "wasm",
          energyStats: { mean: 0, std: 1e20 },
          spectraEvery: 5,
          cacheDir: false,
        });
      const together = await run(3), alone = await run(1);
      const exits = together.result.rows.filter((r) => r.metric === "first_exit_step")
        .map((r) => r.value);
      assert.deepEqual(exits, [null, 11, 1]);
      assert.deepEqual(together.result.divergence, [
        { ic: 0, step: null },
        { ic: 1, step: null },
        { ic: 2, step: 1 },
      ]);
      assert.deepEqual(alone.result.divergence, together.result.divergence);
      assert.deepEqual(alone.result.rows, together.result.rows);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name:
    "stability: a hand-edited or foreign checkpoint is refused naming the field; stale temporaries are swept",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "emubench-stab-ck-" });
    const gitDir = Deno.env.get("GIT_DIR");
    Deno.env.set("GIT_DIR", NO_GIT.GIT_DIR); // see NO_GIT
    try {
      const N = 4, H = 200, B = 2;
      const options = {
        suite: "convection1d",
        model: "baseline:upwind",
        ics: N,
        horizon: H,
        batch: B,
        backend: "wasm" as const,
        energyStats: { mean: 0.1, std: 1e20 },
        checkpointEvery: 20,
        spectraEvery: 10,
        outDir: dir,
        cacheDir: false as const,
      };
      const stale = join(dir, "checkpoint.json.tmp-1-deadbeef");
      await Deno.mkdir(dir, { recursive: true });
      await Deno.writeTextFile(stale, "{half a checkp");
      // Interrupt the run in its second batch, after the checkpoint at step 40.
      await assert.rejects(
        () =>
          runStability({
            ...options,
            progress: (done) => {
              if (done >= B * (H - 1 + 1) + B * 50) throw new Error("interrupted");
            },
          }),
        /interrupted/,
      );
      assert.ok(!(await exists(stale)), "stale temporary left in OUT");
      const path = join(dir, "checkpoint.json");
      const good = await Deno.readTextFile(path);
      const ck = JSON.parse(good);
      assert.equal(ck.snapshot.first, 2);
      assert.equal(ck.snapshot.step, 40);
      const refused = async (edit: (c: typeof ck) => void, pattern: RegExp) => {
        const c = JSON.parse(good);
        edit(c);
        await Deno.writeTextFile(path, JSON.stringify(c));
        await assert.rejects(
          () => runStability(options),
          (e: Error) => {
            assert.ok(e instanceof ValueRangeError, `${e.name}: ${e.message}`);
            assert.match(e.message, pattern);
            return true;
          },
        );
      };
      await refused(
        (c) => (c.snapshot.first = 1),
        /checkpoint\.json: snapshot\.first: expected a multiple of the batch size 2/,
      );
      await refused((c) => (c.snapshot.first = 4), /snapshot\.first: .* below 4 ICs/);
      await refused(
        (c) => (c.snapshot.step = H),
        /snapshot\.step: expected an integer in \[1, 200\)/,
      );
      await refused(
        (c) => (c.shells += 1),
        /checkpoint\.json: shells: expected \d+ spectrum shells/,
      );
      await refused((c) => c.acc.exits.pop(), /acc\.exits: expected 4 entries/);
      await refused(
        (c) => c.snapshot.divergence.push(null),
        /snapshot\.divergence: expected 4 entries/,
      );
      await refused(
        (c) => (c.snapshot.window.dims = [2, 2, 512]),
        /snapshot\.window\.dims: expected \[2,1,1024\], found \[2,2,512\]/,
      );
      await refused(
        (c) => (c.key.gitCommit = "0123abc"),
        /gitCommit: checkpoint "0123abc", this run/,
      );
      await refused((c) => (c.key.emubench = "0.0.1"), /emubench: checkpoint "0.0.1", this run/);
      // The checkpoint as written resumes.
      await Deno.writeTextFile(path, good);
      const run = await runStability(options);
      assert.equal(run.resumed, true);
      assert.ok(!(await exists(path)));
    } finally {
      if (gitDir === undefined) Deno.env.delete("GIT_DIR");
      else Deno.env.set("GIT_DIR", gitDir);
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name:
    "stability: energy on the device (a suite energyGraph) gives the host run's exits and moments",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const { convection1d } = await import("../../suites/mod.ts");
    const { GraphBuilder } = await import("../onnx/graph.ts");
    // ½⟨u²⟩ of [B, 1, 1024] → [B]: the convection1d energy (halfMeanSquare) as a graph.
    const energyGraph = () => {
      const g = new GraphBuilder("half_mean_square");
      const u = g.input("u", ["B", 1, 1024]);
      const m = g.op("ReduceMean", [g.op("Mul", [u, u])], { axes: [1, 2], keepdims: 0 });
      g.output(g.op("Mul", [m, g.scalar(0.5)]), "energy", ["B"]);
      return g.build(13);
    };
    let hostEnergies = 0;
    const suite = {
      ...convection1d,
      energyGraph,
      energy(state: Float32Array | Float64Array) {
        hostEnergies++;
        return convection1d.energy(state);
      },
    };
    const run = (deviceEnergy: "on" | "off" | "auto") =>
      runStability({
        suite,
        model: "baseline:upwind",
        ics: 6,
        horizon: 300,
        backend: "wasm",
        energyStats: { mean: 0.11, std: 0.004 },
        spectraEvery: 50,
        deviceEnergy,
        cacheDir: false,
      });
    // Asked for explicitly where it cannot be honoured: refused, not silently on the host.
    await assert.rejects(
      () =>
        runStability({
          suite: convection1d,
          model: "baseline:upwind",
          ics: 2,
          horizon: 5,
          backend: "wasm",
          energyStats: { mean: 0.11, std: 0.004 },
          deviceEnergy: "on",
          cacheDir: false,
        }),
      (e: Error) =>
        e instanceof RangeError && e.message.includes("--device-energy") &&
        e.message.includes("declares no energyGraph"),
    );
    const host = (await run("off")).result;
    const onHost = hostEnergies;
    const device = (await run("on")).result;
    // The host evaluated 6 ICs × 300 steps (fewer after exits); with the graph, fields (and a
    // host energy) only at the 6 spectrum steps 50, 100, …, 300.
    assert.ok(onHost > 6 * 50, `host energies ${onHost}`);
    assert.ok(hostEnergies - onHost <= 6 * 6, `device run: ${hostEnergies - onHost} host energies`);
    const auto = (await run("auto")).result; // wasm keeps nothing on a device: host energy
    assert.match(device.config.data!, /energy computed on the device/);
    assert.match(auto.config.data!, /energy computed on the host/);
    const pick = (r: typeof host, metric: string) =>
      r.rows.filter((x) => x.metric === metric).map((x) => x.value);
    const exits = pick(host, "first_exit_step");
    assert.ok(exits.some((v) => v !== null), "upwind's diffusion drains some ICs out of the band");
    assert.deepEqual(pick(device, "first_exit_step"), exits);
    assert.deepEqual(pick(device, "stability_rate"), pick(host, "stability_rate"));
    // float32 energies from the graph vs float64 on the host.
    const [mh, md] = [pick(host, "energy_time_mean"), pick(device, "energy_time_mean")];
    mh.forEach((v, i) => assert.ok(Math.abs(md[i]! - v!) <= 1e-6 * Math.abs(v!), `IC ${i}`));
    // Fields still cross at spectrum steps, and give the same mean spectra.
    const [sh, sd] = [pick(host, "spectrum_pred"), pick(device, "spectrum_pred")];
    assert.ok(sh.length > 0 && sh.length === sd.length);
    sh.forEach((v, q) => assert.ok(Math.abs(sd[q]! - v!) <= 1e-9 + 1e-9 * Math.abs(v!), `k ${q}`));
  },
});

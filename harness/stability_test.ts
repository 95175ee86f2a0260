import assert from "node:assert/strict";
import { join } from "node:path";
import { runStability } from "./stability.ts";
import { getSuite } from "../suites/mod.ts";
import { checkResult } from "./result_check.ts";
import { buildSections, entriesFor } from "../reports/charts.ts";

const CLI = new URL("./cli.ts", import.meta.url).pathname;

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
});

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", CLI, ...args],
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
      "--horizon=4000",
      "--energy-stats=0.1,0.01",
      "--backend=wasm",
      "--checkpoint-every=100",
      "--spectra-every=250",
      "--json",
      `--out=${out}`,
      ...extra,
    ];
    const whole = join(dir, "whole"), killed = join(dir, "killed");
    const a = await cli(args(whole));
    assert.equal(a.code, 0, a.stderr);

    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", CLI, ...args(killed)],
      stdout: "null",
      stderr: "null",
    }).spawn();
    const ck = join(killed, "checkpoint.json");
    let atStep: number | undefined;
    for (let i = 0; i < 2000 && atStep === undefined; i++) {
      await new Promise((r) => setTimeout(r, 20));
      try {
        const c = JSON.parse(await Deno.readTextFile(ck));
        if (c.snapshot.first === 4 && c.snapshot.step >= 300) atStep = c.snapshot.step;
      } catch { /* not written yet */ }
    }
    child.kill("SIGKILL");
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

/**
 * End to end on the smoke tier (2 ICs × 10 steps of 128²): the CLI with the history-2
 * `linear_extrapolation` baseline, a TS-built history-3 (AB2-like) model from a directory through
 * `evaluate()`, and the other two baselines. The reference is generated once (≈ 3 s) and cached
 * in `.cache/emubench`.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { main } from "../../harness/cli/main.ts";
import { evaluate } from "../../harness/tasks/run.ts";
import { readCheckedResult } from "../../harness/results/check.ts";
import { readNpy } from "../../harness/data/npy.ts";
import type { ResultRow } from "../../metrics/rows.ts";
import { AB2_WEIGHTS, linearMultistepGraph } from "../../baselines/shallow_water.ts";

const tmp = await Deno.makeTempDir({ prefix: "emubench-sw2d-" });
const CELLS = 128 * 128, S = 3 * CELLS;

/** Run the CLI with its console output captured. */
async function cli(args: string[]): Promise<{ code: number; text: string }> {
  const lines: string[] = [];
  const log = console.log, error = console.error, write = Deno.stderr.writeSync;
  console.log = (...a: unknown[]) => void lines.push(a.join(" "));
  console.error = (...a: unknown[]) => void lines.push(a.join(" "));
  Deno.stderr.writeSync = (b: Uint8Array) => (lines.push(new TextDecoder().decode(b)), b.length);
  try {
    return { code: await main(args), text: lines.join("\n") };
  } finally {
    console.log = log;
    console.error = error;
    Deno.stderr.writeSync = write;
  }
}

const curve = (rows: ResultRow[], metric: string, field: string) =>
  rows.filter((r) =>
    r.metric === metric && r.field === field && r.step !== undefined && r.ic === undefined &&
    r.k === undefined
  ).sort((a, b) => a.step! - b.step!);

Deno.test({
  name: "CLI: shallow_water2d smoke run of baseline:linear_extrapolation (history 2)",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const out = join(tmp, "linear");
    const r = await cli([
      "run",
      "--suite",
      "shallow_water2d",
      "--model",
      "baseline:linear_extrapolation",
      "--tier",
      "smoke",
      "--backend",
      "wasm",
      "--out",
      out,
    ]);
    assert.equal(r.code, 0, r.text);
    assert.match(r.text, /history 2/);
    // The deep reader: schema, every field the readers use, self-consistency of the rows.
    const result = await readCheckedResult(join(out, "result.json"));
    assert.equal(result.model.history, 2);
    assert.deepEqual(result.suite.fields, ["h", "u", "v"]);
    assert.deepEqual([result.config.ics, result.config.steps], [2, 10]);
    const rows = result.rows;
    for (const field of ["h", "u", "v"]) {
      const mse = curve(rows, "mse", field), dis = curve(rows, "dissipation", field);
      const dsp = curve(rows, "dispersion", field);
      assert.equal(mse.length, 10);
      // Step 1 is the reference (history window): no value, n = 0; steps 2..10 are predicted.
      assert.deepEqual([mse[0].value, mse[0].n], [null, 0]);
      for (let k = 1; k < 10; k++) {
        assert.ok(mse[k].value! > 0 && mse[k].n === 2, `mse ${field} step ${k + 1}`);
        const sum = dis[k].value! + dsp[k].value!;
        assert.ok(Math.abs(sum - mse[k].value!) <= 1e-12 * mse[k].value!, "split sums to mse");
      }
      assert.ok(curve(rows, "nrmse", field)[9].value! > 0);
      const geo = rows.find((x) =>
        x.metric === "nrmse" && x.field === field &&
        x.reduction === "geomean_over_steps_then_mean_over_ics"
      );
      assert.ok(geo?.value && geo.value > 0 && geo.n === 2, "geomean over steps 2..10");
      // 2D spectra: 92 isotropic shells at the summary steps 1 and 10 (1: no prediction).
      const spec = rows.filter((x) => x.metric === "spectrum_pred" && x.field === field);
      assert.equal(spec.length, 2 * 92);
      assert.ok(spec.filter((x) => x.step === 10).every((x) => x.value !== null));
    }
    // Mass and energy: drift rows for prediction and reference.
    const massRef = curve(rows, "diag_mass_drift_ref", "*");
    const massPred = curve(rows, "diag_mass_drift_pred", "*");
    assert.equal(massRef.length, 10);
    assert.ok(massRef.slice(1).every((x) => Math.abs(x.value!) < 1e-6), "reference keeps mass");
    // Linear extrapolation conserves the mean exactly in exact arithmetic: float32 rounding only.
    assert.ok(massPred.slice(1).every((x) => Math.abs(x.value!) < 1e-5), JSON.stringify(massPred));
    assert.equal(curve(rows, "diag_energy_drift_pred", "*").length, 10);
    assert.equal(curve(rows, "energy_ref", "*").length, 11);
    // Hovmöller line of h through the centre: rows 0 and 1 are the reference it was given.
    const hov = result.hovmoller!;
    assert.deepEqual([hov.field, hov.row, hov.x.length, hov.steps.length], ["h", 64, 128, 11]);
    assert.equal(hov.firstStep, 2);
    assert.deepEqual(hov.pred[1], hov.ref[1]);
    assert.notDeepEqual(hov.pred[10], hov.ref[10]);
    // 2D snapshots at steps 1 and 10 of (summary ∪ T), history 2 skips step 1: step 10 only.
    assert.deepEqual(result.snapshots.map((s) => `${s.field}@${s.step}`), ["h@10", "u@10", "v@10"]);
    assert.deepEqual(result.snapshots[0].shape, [128, 128]);
    const html = await Deno.readTextFile(join(out, "report.html"));
    for (const part of ["Space–time diagram", "mass drift", '"heatmaps"', "history 2"]) {
      assert.ok(html.includes(part), part);
    }
  },
});

Deno.test({
  name:
    "evaluate(): a TS-built AB2-like history-3 model from a directory, checked against its formula",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const dir = join(tmp, "ab2");
    await Deno.mkdir(dir, { recursive: true });
    await Deno.writeFile(
      join(dir, "step.onnx"),
      linearMultistepGraph({ channels: 3, shape: [128, 128], weights: AB2_WEIGHTS, name: "ab2" }),
    );
    await Deno.writeTextFile(
      join(dir, "emulator.json"),
      JSON.stringify({
        name: "ab2-like",
        suite: "shallow_water2d",
        description: "u_{n+1} = u_n + 3/2 (u_n − u_{n−1}) − 1/2 (u_{n−1} − u_{n−2})",
        graphs: { step: "step.onnx" },
        history: 3,
      }),
    );
    const out = join(tmp, "ab2-out");
    const { result } = await evaluate({
      suite: "shallow_water2d",
      model: dir,
      tier: "smoke",
      backend: "wasm",
      outDir: out,
      saveTrajectories: true,
    });
    assert.equal(result.model.history, 3);
    const mse = curve(result.rows, "mse", "h");
    assert.deepEqual(mse.slice(0, 2).map((r) => r.n), [0, 0]);
    // AB2 extrapolation is unstable at this Δt: an IC may leave the divergence bound (10 × the
    // reference's max |field|) before step 10. Each step averages the ICs not yet diverged, and
    // every divergence must be the bound (a nonfinite value would be a bug in the engine).
    for (const d of result.divergence) {
      if (d.step !== null) assert.equal(d.reason, "bound", JSON.stringify(d));
    }
    for (const r of mse.slice(2)) {
      const alive = result.divergence.filter((d) => d.step === null || d.step > r.step!).length;
      assert.equal(r.n, alive, `step ${r.step}: n = ${r.n}, ICs not diverged ${alive}`);
      if (alive > 0) assert.ok(r.value! > 0, `step ${r.step}`);
    }
    assert.equal(result.hovmoller?.firstStep, 3);
    // The first prediction (step 3) is (5/2)y₂ − 2y₁ + ½y₀ of the reference, to float32.
    const predNpy = await readNpy(join(out, "pred.npy"));
    const pred = predNpy.data as Float32Array;
    const ref = (await readNpy(join(out, "ref.npy"))).data as Float32Array;
    assert.deepEqual(predNpy.shape, [2, 11, 3, 128, 128]);
    for (let ic = 0; ic < 2; ic++) {
      const at = (a: Float32Array, step: number, p: number) => a[(ic * 11 + step) * S + p];
      let worst = 0;
      for (let p = 0; p < S; p++) {
        const want = 2.5 * at(ref, 2, p) - 2 * at(ref, 1, p) + 0.5 * at(ref, 0, p);
        worst = Math.max(worst, Math.abs(at(pred, 3, p) - want));
        for (let step = 0; step < 3; step++) {
          if (at(pred, step, p) !== at(ref, step, p)) {
            throw new Error(`step ${step} of the prediction must be the reference window`);
          }
        }
      }
      assert.ok(worst < 1e-6, `IC ${ic}: |pred₃ − AB2(ref)| = ${worst}`);
    }
  },
});

Deno.test({
  name: "evaluate(): persistence and the coarse solver run on shallow_water2d; coarse is better",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const nrmse10: Record<string, number> = {};
    for (const b of ["persistence", "coarse_solver"]) {
      const { result } = await evaluate({
        suite: "shallow_water2d",
        model: `baseline:${b}`,
        tier: "smoke",
        backend: "wasm",
      });
      assert.ok(result.divergence.every((d) => d.step === null), `${b} stays finite`);
      nrmse10[b] = curve(result.rows, "nrmse", "h")[9].value!;
      const drift = curve(result.rows, "diag_mass_drift_pred", "*");
      assert.ok(drift.every((x) => Math.abs(x.value!) < 1e-5), `${b} conserves mass`);
    }
    assert.ok(nrmse10.coarse_solver < 0.5 * nrmse10.persistence, JSON.stringify(nrmse10));
  },
});

globalThis.addEventListener("unload", () => {
  try {
    Deno.removeSync(tmp, { recursive: true });
  } catch { /* already gone */ }
});

import assert from "node:assert/strict";
import { join } from "node:path";
import {
  DEFAULT_GATE_RULES,
  escapeMarkdown,
  gate,
  type GateRules,
  incomparabilities,
  parseGateRules,
  readGateRules,
} from "./gate.ts";
import { evaluate } from "../tasks/run.ts";
import { main } from "../cli/main.ts";
import { ShapeError, ValueRangeError } from "../core/errors.ts";
import type { Result } from "./schema.ts";
import { writeFileAtomic } from "../core/atomic.ts";
import { modelHash } from "./check.ts";
import { sampleResult } from "../../reports/sample_result.ts";
import { dampedLaxWendroff } from "../../reports/_leaderboard_fixture.ts";
import { forecastFixture } from "../../reports/_era5_fixture.ts";
import { buildCatalogue } from "../../metrics/catalogue.ts";

const small = (o: Parameters<typeof sampleResult>[0] = {}) =>
  sampleResult({ steps: 20, ics: 4, summarySteps: [1, 10, 20], diverge: {}, ...o });

Deno.test({
  name: "gate on real smoke runs: an equal rerun passes, a damped model and persistence fail",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "emubench-gate-" });
    try {
      const run = async (model: string) =>
        (await evaluate({ suite: "convection1d", model, tier: "smoke", backend: "wasm" })).result;
      const baseline = await run("baseline:lax_wendroff");
      const rerun = await run("baseline:lax_wendroff");
      await Deno.writeFile(join(dir, "damped.onnx"), dampedLaxWendroff(0.995));
      const damped = await run(join(dir, "damped.onnx"));
      const persistence = await run("baseline:persistence");

      const same = gate(baseline, rerun);
      assert.equal(same.pass, true, same.markdown);
      assert.ok(same.checks.every((c) => c.status === "pass"), same.markdown);
      // Default curve steps: the summary steps within the horizon (1) and the final step (20).
      assert.deepEqual(
        same.checks.filter((c) => c.kind === "curve").map((c) => c.step),
        [1, 20],
      );
      assert.ok(same.checks.some((c) => c.kind === "geomean" && c.ratio === 1));
      assert.match(same.markdown, /✅ no regression/);

      const worse = gate(baseline, damped);
      assert.equal(worse.pass, false, worse.markdown);
      const at20 = worse.checks.find((c) => c.kind === "curve" && c.step === 20)!;
      assert.equal(at20.status, "fail");
      assert.ok(at20.ratio! > 10, `damping 0.5% per step: ratio ${at20.ratio}`);
      assert.equal(worse.checks.find((c) => c.kind === "divergence")?.status, "pass");
      assert.match(worse.markdown, /❌ \d+ regressions/);

      assert.equal(gate(baseline, persistence).pass, false);
      // And the other way round, the better model passes against persistence.
      assert.equal(gate(persistence, baseline).pass, true);

      // Through the CLI: exit 0 / 1, Markdown on stdout, JSON with --json.
      for (const [name, r] of [["a", baseline], ["b", rerun], ["c", damped]] as const) {
        await writeFileAtomic(join(dir, `${name}.json`), JSON.stringify(r));
      }
      const args = (cand: string) => [
        "gate",
        "--baseline",
        join(dir, "a.json"),
        "--candidate",
        join(dir, `${cand}.json`),
      ];
      assert.equal(await quiet(() => main(args("b"))), 0);
      assert.equal(await quiet(() => main(args("c"))), 1);
      const printed: string[] = [];
      assert.equal(await quiet(() => main([...args("c"), "--json"]), printed), 1);
      const json = JSON.parse(printed.join("\n"));
      assert.equal(json.pass, false);
      assert.ok(Array.isArray(json.checks) && json.checks.length >= 3);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

/** Run `fn` with console.log/error captured into `out`. */
async function quiet<T>(fn: () => Promise<T>, out: string[] = []): Promise<T> {
  const { log, error } = console;
  console.log = (...a: unknown[]) => out.push(a.join(" "));
  console.error = () => {};
  try {
    return await fn();
  } finally {
    console.log = log;
    console.error = error;
  }
}

Deno.test("gate CLI: bad input exits 2 with a message saying what differs", async () => {
  const dir = await Deno.makeTempDir({ prefix: "emubench-gate-" });
  try {
    const a = small(), b = small({ ics: 3 });
    b.config.seed = 99;
    await Deno.writeTextFile(join(dir, "a.json"), JSON.stringify(sealed(a)));
    await Deno.writeTextFile(join(dir, "b.json"), JSON.stringify(sealed(b)));
    await Deno.writeTextFile(join(dir, "bad.json"), '{"schema": "emubench.result/1"}');
    await Deno.writeTextFile(
      join(dir, "rules.json"),
      '{"curves": [{"metric": "nrmse", "maxRatio": "x"}]}',
    );
    const errors: string[] = [];
    const run = async (...args: string[]) => {
      const { error, log } = console;
      console.error = (...m: unknown[]) => errors.push(m.join(" "));
      console.log = () => {};
      try {
        return await main(["gate", ...args]);
      } finally {
        console.error = error;
        console.log = log;
      }
    };
    const A = join(dir, "a.json"), B = join(dir, "b.json");
    assert.equal(await run("--baseline", A, "--candidate", B), 2);
    assert.match(errors.at(-1)!, /config\.ics \(4 vs 3\).*config\.seed \(7 vs 99\)/);
    assert.equal(await run("--baseline", A, "--candidate", join(dir, "bad.json")), 2);
    assert.match(errors.at(-1)!, /bad\.json: suite/);
    assert.equal(
      await run("--baseline", A, "--candidate", A, "--rules", join(dir, "rules.json")),
      2,
    );
    assert.match(errors.at(-1)!, /rules\.json: curves\[0\]\.maxRatio: expected a positive number/);
    assert.equal(await run("--baseline", A), 2);
    assert.match(errors.at(-1)!, /--candidate/);
    assert.equal(await run("--baseline", A, "--candidate", join(dir, "missing.json")), 2);
    assert.equal(await run("--baseline", A, "--candidate", A), 0);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

/** Make a synthetic result's model hash consistent with its files (as `evaluate` writes it). */
function sealed(r: Result): Result {
  r.model.sha256 = modelHash(r.model.files);
  return r;
}

Deno.test("divergence: new divergence fails by default; allowNew and maxEarlierSteps relax it", () => {
  const base = small({ diverge: { 3: 15 } });
  // IC 1 diverges where the baseline stayed finite; IC 3 two steps earlier than the baseline.
  const cand = small({ diverge: { 1: 18, 3: 13 } });
  const strict = gate(base, cand);
  const d = strict.checks.find((c) => c.kind === "divergence")!;
  assert.equal(d.status, "fail");
  assert.equal(d.baseline, 1);
  assert.equal(d.candidate, 2);
  assert.match(d.note!, /IC 1 diverged at step 18 \(baseline finite\)/);
  assert.match(d.note!, /IC 3 diverged at step 13, 2 steps before the baseline \(step 15\)/);

  const lenient: GateRules = {
    ...DEFAULT_GATE_RULES,
    divergence: { allowNew: true, maxEarlierSteps: 3 },
  };
  // IC 1: baseline counts as diverging at T + 1 = 21; 18 ≥ 21 − 3. IC 3: 13 ≥ 15 − 3.
  assert.equal(
    gate(base, cand, lenient).checks.find((c) => c.kind === "divergence")!.status,
    "pass",
  );
  const tight = { ...lenient, divergence: { allowNew: true, maxEarlierSteps: 1 } };
  assert.equal(gate(base, cand, tight).checks.find((c) => c.kind === "divergence")!.status, "fail");

  // The candidate staying finite where the baseline diverged is an improvement, noted.
  const better = gate(base, small()).checks.find((c) => c.kind === "divergence")!;
  assert.equal(better.status, "pass");
  assert.match(better.note!, /finite where the baseline diverged: IC 3/);
});

Deno.test("curves: a candidate with no value where the baseline has one fails; the reverse skips", () => {
  const all = small({ diverge: { 0: 5, 1: 5, 2: 5, 3: 5 } });
  const fine = small();
  const out = gate(fine, all, { ...DEFAULT_GATE_RULES, divergence: null });
  const at20 = out.checks.find((c) => c.kind === "curve" && c.step === 20)!;
  assert.equal(at20.status, "fail");
  assert.equal(at20.candidate, null);
  assert.match(at20.note!, /every IC diverged/);
  const back = gate(all, fine, { ...DEFAULT_GATE_RULES, divergence: null });
  assert.equal(back.checks.find((c) => c.kind === "curve" && c.step === 20)!.status, "skip");
  assert.equal(back.pass, true);
});

/** `base` as a device-reduction run that did not compute spectrum_error, nor `other`'s family. */
function deviceRun(base: Result, other: { family: string; because: string }): Result {
  return {
    ...base,
    rows: base.rows.filter((r) => r.metric !== "spectrum_error"),
    reductions: {
      where: "device",
      precision: "float32",
      backend: "webgpu",
      note: "",
      omitted: [
        { family: "scorer", metrics: ["spectrum_error"], because: "needs every spectrum" },
        other,
      ],
    },
  };
}

Deno.test("curves: a candidate run with device reductions says why a row is missing", () => {
  const base = small();
  const device = deviceRun(base, {
    family: "diagnostics",
    because: "it needs the full state of every step",
  });
  const rules: GateRules = {
    ...DEFAULT_GATE_RULES,
    divergence: null,
    curves: [{ metric: "spectrum_error", steps: [20], maxRatio: 1.5 }],
  };
  const check = gate(base, device, rules).checks.find((c) => c.kind === "curve")!;
  assert.equal(check.status, "fail");
  assert.match(check.note!, /not computed with device reductions \(needs every spectrum\)/);
  const plain = gate(base, { ...device, reductions: undefined }, rules).checks
    .find((c) => c.kind === "curve")!;
  assert.equal(plain.note, "candidate has no such row");
});

Deno.test("a baseline run with device reductions: a curve rule on what it lacks says why; a missing stability rate too", () => {
  const base = small();
  const device = deviceRun(base, {
    family: "stability",
    because: "it needs the energy of every state",
  });
  const rules: GateRules = {
    ...DEFAULT_GATE_RULES,
    curves: [{ metric: "spectrum_error", steps: [20], maxRatio: 1.5 }],
  };
  assert.throws(
    () => gate(device, base, rules),
    /curves\[0\]\.metric: .*The baseline has no such rows: not computed with device reductions \(needs every spectrum\)/,
  );
  // Stability: the host run has a rate, the device run has none and says why.
  const rate = { metric: "stability_rate", field: "*", value: 1, n: base.config.ics };
  const host: Result = { ...base, rows: [...base.rows, rate] };
  const withRate = gate(host, device, DEFAULT_GATE_RULES).checks.find((c) =>
    c.kind === "stability"
  )!;
  assert.equal(withRate.status, "skip");
  assert.equal(
    withRate.note,
    "candidate has no stability rate; not computed with device reductions (it needs the energy " +
      "of every state)",
  );
  const plain = gate(host, { ...device, reductions: undefined }, DEFAULT_GATE_RULES).checks
    .find((c) => c.kind === "stability")!;
  assert.equal(plain.note, "candidate has no stability rate");
});

Deno.test("curves: ratio threshold, atol, explicit steps and higher-is-better metrics", () => {
  const base = small();
  const cand = structuredClone(base);
  for (const r of cand.rows) if (r.metric === "nrmse" && r.value !== null) r.value *= 1.09;
  assert.equal(gate(base, cand).pass, true);
  for (const r of cand.rows) if (r.metric === "nrmse" && r.value !== null) r.value *= 1.02;
  const out = gate(base, cand);
  assert.equal(out.pass, false);
  const c1 = out.checks.find((c) => c.kind === "curve" && c.step === 1)!;
  assert.ok(Math.abs(c1.ratio! - 1.09 * 1.02) < 1e-12);
  // A generous absolute tolerance lets it through.
  const loose = parseGateRules(
    { curves: [{ metric: "nrmse", steps: [1, 10], maxRatio: 1.1, atol: 1 }], geomean: false },
    "rules.json",
  );
  const ok = gate(base, cand, loose);
  assert.equal(ok.pass, true);
  assert.deepEqual(ok.checks.filter((c) => c.kind === "curve").map((c) => c.step), [1, 10]);
  // Higher is better: a larger value is never a regression, a smaller one beyond 1/maxRatio is.
  const hib = parseGateRules(
    { curves: [{ metric: "nrmse", maxRatio: 1.1, higherIsBetter: true }], geomean: false },
    "rules.json",
  );
  assert.equal(gate(base, cand, hib).pass, true);
  assert.equal(gate(cand, base, hib).pass, false);
  // A rule about a metric or step the results lack is bad input, not a pass.
  assert.throws(
    () => gate(base, base, parseGateRules({ curves: [{ metric: "acc", maxRatio: 1.1 }] }, "r")),
    (e) => e instanceof ValueRangeError && /curves\[0\]\.metric.*"acc"/.test(e.message),
  );
  assert.throws(
    () =>
      gate(
        base,
        base,
        parseGateRules({ curves: [{ metric: "nrmse", steps: [50], maxRatio: 1.1 }] }, "r"),
      ),
    /steps in 1\.\.20.*found 50/,
  );
});

Deno.test("stability rate: a regression only below the baseline's Wilson 95% lower bound", () => {
  const withRate = (rate: number, n = 32) => {
    const r = small();
    r.rows.push({ metric: "stability_rate", field: "*", value: rate, n, reduction: "wilson_95" });
    return r;
  };
  // Baseline 28/32 = 0.875: Wilson 95% lower bound 0.71931.
  const base = withRate(28 / 32);
  const check = (rate: number) =>
    gate(base, withRate(rate)).checks.find((c) => c.kind === "stability")!;
  assert.equal(check(24 / 32).status, "pass"); // 0.75 ≥ 0.71931
  assert.equal(check(23 / 32).status, "fail"); // 0.71875 < 0.71931
  assert.match(check(0.5).limit, /≥ 0\.7193 \(Wilson 95% of 28\/32/);
  // Only one result carries a rate: reported, skipped.
  const one = gate(base, small()).checks.find((c) => c.kind === "stability")!;
  assert.equal(one.status, "skip");
  assert.match(one.note!, /candidate has no stability rate/);
  // Neither: no stability check at all.
  assert.equal(gate(small(), small()).checks.some((c) => c.kind === "stability"), false);
  // Switched off.
  assert.equal(
    gate(base, withRate(0.1), { ...DEFAULT_GATE_RULES, stability: null }).pass,
    true,
  );
});

Deno.test("incomparable results are refused, listing every difference", () => {
  const a = small();
  const b = small();
  b.suite.version = "2.0.0";
  b.suite.tier = "smoke";
  b.config.seed = 1;
  assert.deepEqual(incomparabilities(a, b), [
    'suite.version ("1.0.0" vs "2.0.0")',
    'suite.tier ("standard" vs "smoke")',
    "config.seed (7 vs 1)",
  ]);
  assert.throws(
    () => gate(a, b),
    (e) =>
      e instanceof ValueRangeError &&
      /they differ in suite\.version \("1\.0\.0" vs "2\.0\.0"\), suite\.tier/.test(e.message),
  );
  const c = small({ steps: 10, summarySteps: [1, 10] });
  assert.match(incomparabilities(a, c).join(), /config\.steps \(20 vs 10\)/);
});

Deno.test("rules files: defaults, switches and errors naming the file and field", async () => {
  assert.deepEqual(parseGateRules({}, "r.json"), { ...DEFAULT_GATE_RULES, source: "r.json" });
  const off = parseGateRules(
    { schema: "emubench.gate-rules/1", curves: false, geomean: null, divergence: false },
    "r.json",
  );
  assert.deepEqual([off.curves, off.geomean, off.divergence], [[], null, null]);
  assert.deepEqual(off.stability, { z: 1.96 });
  const bad: [unknown, RegExp][] = [
    [[], /r\.json: expected a JSON object/],
    [{ curve: [] }, /r\.json: curve: expected one of the keys schema, curves/],
    [{ schema: "x" }, /r\.json: schema: expected "emubench\.gate-rules\/1"/],
    [{ curves: {} }, /r\.json: curves: expected a list/],
    [{ curves: [{ maxRatio: 1.1 }] }, /r\.json: curves\[0\]\.metric: expected a metric id/],
    [{ curves: [{ metric: "nrmse", maxRatio: 0 }] }, /curves\[0\]\.maxRatio: expected a positive/],
    [{ curves: [{ metric: "nrmse", maxRatio: 1, steps: [0] }] }, /curves\[0\]\.steps/],
    [{ curves: [{ metric: "nrmse", maxRatio: 1, fields: "u" }] }, /curves\[0\]\.fields/],
    [{ curves: [{ metric: "nrmse", maxRatio: 1, ratio: 2 }] }, /curves\[0\]\.ratio: expected/],
    [{ geomean: { maxRatio: 1, atol: -1 } }, /geomean\.atol: expected a non-negative/],
    [{ divergence: { maxEarlierSteps: 1.5 } }, /divergence\.maxEarlierSteps: expected an integer/],
    [{ divergence: { allowNew: "yes" } }, /divergence\.allowNew: expected true or false/],
    [{ stability: { z: -1 } }, /stability\.z: expected a positive number/],
  ];
  for (const [json, re] of bad) {
    assert.throws(() => parseGateRules(json, "r.json"), (e) => {
      assert.ok(e instanceof ShapeError || e instanceof ValueRangeError, String(e));
      assert.match((e as Error).message, re);
      return true;
    });
  }
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(join(dir, "r.json"), "{oops");
    await assert.rejects(() => readGateRules(join(dir, "r.json")), SyntaxError);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("markdown: submitter strings cannot break the table, open code spans or inject HTML", () => {
  const evil = "x | y `code` <img src=x onerror=alert(1)> [a](javascript:alert(1)) @team\nnext";
  const a = small({ name: evil }), b = small({ name: "ok" });
  const md = gate(a, b).markdown;
  const line = md.split("\n").find((l) => l.startsWith("Baseline:"))!;
  assert.ok(line.includes("x \\| y \\`code\\` \\<img src=x onerror=alert(1)\\>"), line);
  assert.ok(line.includes("\\[a\\](javascript:alert(1))"));
  assert.ok(line.includes("@\u200bteam") && !md.includes("\nnext"));
  // Every table row still has exactly 8 unescaped pipes (7 cells).
  for (const row of md.split("\n").filter((l) => l.startsWith("| "))) {
    assert.equal(row.replace(/\\\|/g, "").split("|").length - 1, 8, row);
  }
  assert.equal(escapeMarkdown("a\\b"), "a\\\\b");
  assert.equal(escapeMarkdown("x".repeat(200)).length, 120);
});

Deno.test({
  name: "gate on reconstructions: coarser mean pooling fails rmse, a rerun passes, tasks never mix",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const { evaluateReconstruction } = await import("../tasks/reconstruct.ts");
    const recon = async (model: string) =>
      (await evaluateReconstruction({
        suite: "era5",
        model,
        tier: "smoke",
        backend: "wasm",
        samples: 2,
        lmax: 8,
      })).result;
    const r16 = await recon("baseline:mean_pool_r16");
    const r64 = await recon("baseline:mean_pool_r64");
    const again = gate(r16, await recon("baseline:mean_pool_r16"));
    assert.ok(again.pass, again.markdown);
    assert.deepEqual(again.checks.map((c) => c.kind).sort(), [
      "compression",
      "reconstruct",
      "reconstruct",
    ]);
    // r64 keeps 4× fewer numbers: rmse roughly doubles (fail), compression rises (pass).
    const coarser = gate(r16, r64);
    assert.equal(coarser.pass, false);
    for (const c of coarser.checks.filter((c) => c.kind === "reconstruct")) {
      assert.equal(c.status, "fail", JSON.stringify(c));
      assert.ok(c.ratio! > 1.5, JSON.stringify(c));
    }
    assert.equal(coarser.checks.find((c) => c.kind === "compression")?.status, "pass");
    // The other way round: a better rmse but 4× less compression is a regression too.
    const finer = gate(r64, r16);
    assert.equal(finer.checks.find((c) => c.kind === "compression")?.status, "fail");
    assert.ok(finer.markdown.includes("compresses less"), finer.markdown);
    // Off switch and metric choice come from the rules file.
    const psnrRules = parseGateRules({
      reconstruct: { metric: "psnr", higherIsBetter: true, maxRatio: 1.1 },
    }, "r.json");
    assert.equal(
      gate(r16, r64, psnrRules).checks.find((c) => c.kind === "reconstruct")?.status,
      "fail",
    );
    assert.ok(
      gate(r16, r64, { ...DEFAULT_GATE_RULES, reconstruct: null }).checks.every((c) =>
        c.kind === "compression"
      ),
    );
    // A forecast never gates against a reconstruction.
    const forecast = { ...r16, task: undefined } as Result;
    assert.throws(() => gate(forecast, r16), (e: Error) => e.message.includes("task"));
  },
});

Deno.test({
  name: "gate on stability runs: only divergence and the stability rate are checked",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const { runStability } = await import("../tasks/stability.ts");
    const stab = async (model: string) =>
      (await runStability({
        suite: "convection1d",
        model,
        ics: 8,
        horizon: 400,
        backend: "wasm",
        energyStats: { mean: 0.11, std: 0.004 },
      })).result;
    const lw = await stab("baseline:lax_wendroff");
    const up = await stab("baseline:upwind");
    assert.equal(lw.task, "stability");
    const same = gate(lw, lw);
    assert.ok(same.pass, same.markdown);
    assert.deepEqual([...new Set(same.checks.map((c) => c.kind))].sort(), [
      "divergence",
      "stability",
    ]);
    // Upwind's numerical diffusion drains the energy out of the ±5σ band: its rate drops.
    const rate = (r: Result) => r.rows.find((x) => x.metric === "stability_rate")!.value!;
    assert.ok(rate(up) < rate(lw), `${rate(up)} vs ${rate(lw)}`);
    const worse = gate(lw, up);
    assert.equal(worse.checks.find((c) => c.kind === "stability")?.status, "fail", worse.markdown);
    assert.throws(
      () => gate(lw, { ...lw, task: undefined }),
      (e: Error) => e.message.includes("task"),
    );
  },
});

/** An era5-like forecast whose `wb2_acc` rows (no suite declares it) are `acc` shifted by `d`. */
function withWb2Acc(d: number): Result {
  const r = forecastFixture(4);
  const rows = [
    ...r.rows,
    ...r.rows.filter((x) => x.metric === "acc").map((x) => ({
      ...x,
      metric: "wb2_acc",
      value: x.value! + d,
    })),
  ];
  return { ...r, rows, catalogue: buildCatalogue(rows.map((x) => x.metric)) };
}

Deno.test("gate: direction comes from the result's catalogue (wb2_acc: higher is better)", () => {
  const base = withWb2Acc(0), better = withWb2Acc(0.15), worse = withWb2Acc(-0.2);
  assert.equal(base.catalogue.wb2_acc.direction, "higher");
  const rules = parseGateRules(
    { curves: [{ metric: "wb2_acc", steps: [1, 4], maxRatio: 1.1 }], geomean: false },
    "acc-rules.json",
  );
  // Before results carried their catalogue, an undeclared metric was lower-is-better: a higher
  // (better) ACC failed and a much lower one passed.
  const up = gate(base, better, rules);
  assert.equal(up.pass, true, up.markdown);
  assert.deepEqual(up.checks.filter((c) => c.kind === "curve").map((c) => c.limit), [
    "≥ 1/1.1×",
    "≥ 1/1.1×",
  ]);
  assert.equal(gate(base, worse, rules).pass, false);
  // The catalogue of the file decides, not the code: the same rows described as lower-is-better
  // gate the other way.
  const flip = (r: Result): Result => ({
    ...r,
    catalogue: { ...r.catalogue, wb2_acc: { ...r.catalogue.wb2_acc, direction: "lower" } },
  });
  assert.equal(gate(flip(base), flip(better), rules).pass, false);
  // Results whose catalogues disagree on a gated metric's direction are not comparable.
  assert.throws(
    () => gate(base, flip(better), rules),
    (e) => e instanceof ValueRangeError && /catalogue\.wb2_acc\.direction/.test(e.message),
  );
});

Deno.test("gate: a metric the rules name but the catalogue lacks is an error naming file and metric", async () => {
  const base = small();
  for (
    const [json, at] of [
      [{ curves: [{ metric: "wb2_acc", maxRatio: 1.1 }] }, "curves\\[0\\]"],
      [{ curves: false, geomean: { metric: "bogus", maxRatio: 1.1 } }, "geomean"],
      // An explicit direction does not make an unknown metric known.
      [{ curves: [{ metric: "bogus", maxRatio: 1.1, higherIsBetter: false }] }, "curves\\[0\\]"],
    ] as const
  ) {
    const rules = parseGateRules(json, "team/rules.json");
    assert.throws(
      () => gate(base, base, rules),
      (e) =>
        e instanceof ValueRangeError &&
        new RegExp(`^team/rules\\.json: ${at}\\.metric: .*found "(wb2_acc|bogus)"`).test(
          e.message,
        ),
    );
  }
  // A quantity that is not a score (direction "none") needs an explicit direction.
  const energy = parseGateRules(
    { curves: [{ metric: "energy_pred", fields: ["*"], maxRatio: 1.1 }], geomean: false },
    "e.json",
  );
  assert.throws(
    () => gate(base, base, energy),
    (e) => e instanceof ValueRangeError && /e\.json: curves\[0\]\.metric: .*"none"/.test(e.message),
  );
  // Through the CLI: exit 2, the message names the rules file and the metric.
  {
    const dir = await Deno.makeTempDir({ prefix: "emubench-gate-rules-" });
    try {
      const sound = { ...base, model: { ...base.model, sha256: modelHash(base.model.files) } };
      await Deno.writeTextFile(join(dir, "r.json"), JSON.stringify(sound));
      await Deno.writeTextFile(
        join(dir, "rules.json"),
        JSON.stringify({ curves: [{ metric: "wb2_acc", maxRatio: 1.1 }] }),
      );
      const errors: string[] = [];
      const orig = console.error;
      console.error = (...a: unknown[]) => errors.push(a.join(" "));
      let code: number;
      try {
        code = await main([
          "gate",
          "--baseline",
          join(dir, "r.json"),
          "--candidate",
          join(dir, "r.json"),
          "--rules",
          join(dir, "rules.json"),
        ]);
      } finally {
        console.error = orig;
      }
      assert.equal(code, 2, errors.join("\n"));
      assert.match(errors.join("\n"), /rules\.json: curves\[0\]\.metric: .*"wb2_acc"/);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  }
});

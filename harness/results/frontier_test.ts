import { breakEvenRollouts, checkFrontier, frontierVerdict, matchedRung } from "./frontier.ts";
import { validateResult } from "./io.ts";
import type { Frontier, FrontierEntry } from "./schema.ts";
import { sampleResult } from "../../reports/sample_result.ts";

const entry = (error: (number | null)[], secondsPerStep: number, label = "x"): FrontierEntry => ({
  label,
  error,
  score: null,
  secondsPerStep,
  diverged: 0,
});

/** A frontier of hand-made numbers: three rungs and a model with nRMSE 0.05 at step 10. */
function sample(): Frontier {
  const rungs = [
    { factor: 2, error: 0.01, s: 4e-3 },
    { factor: 4, error: 0.04, s: 1e-3 },
    { factor: 8, error: 0.2, s: 2e-4 },
  ].map((r) => ({
    ...entry([r.error / 10, r.error], r.s, `${r.factor}×`),
    id: `solver_${r.factor}x`,
    factor: r.factor,
    description: "d",
    graphSha256: "0".repeat(64),
    timing: "measured" as const,
  }));
  const model = entry([0.001, 0.05], 5e-4, "m");
  return {
    scheme: "s",
    compared: "c",
    machine: { os: "linux", arch: "x86_64", cpus: 2, cpu: null, host: "h" },
    backend: "wasm",
    adapter: null,
    batch: 2,
    timingSteps: 10,
    metric: "nrmse",
    steps: [1, 10],
    headlineStep: 10,
    rungs,
    model,
    ...frontierVerdict(rungs, model, 1, { seconds: 100, steps: 10 }),
  };
}

Deno.test("matched rung: the cheapest rung at least as accurate as the model", () => {
  const r = (error: number | null, secondsPerStep: number) => ({ error, secondsPerStep });
  // 0.04 and 0.01 are ≤ 0.05; of them 1e-3 s is cheaper than 4e-3 s.
  if (matchedRung([r(0.01, 4e-3), r(0.04, 1e-3), r(0.2, 2e-4)], 0.05) !== 1) throw new Error();
  // equal error counts as "at least as accurate"
  if (matchedRung([r(0.05, 1), r(0.06, 0.1)], 0.05) !== 0) throw new Error();
  // none as accurate
  if (matchedRung([r(0.1, 1), r(0.2, 0.1)], 0.05) !== null) throw new Error();
  // a rung that lost an IC never matches; a model that lost one is matched by any other rung
  if (matchedRung([r(null, 0.1), r(0.3, 1)], null) !== 1) throw new Error();
  if (matchedRung([r(null, 0.1)], 0.5) !== null) throw new Error();
  // not ordered by factor: the cheapest wins wherever it sits
  if (matchedRung([r(0.01, 0.5), r(0.02, 2)], 0.05) !== 0) throw new Error();
});

Deno.test("break-even: n* = ⌈C / (T (t_rung − t_model))⌉ on hand-made numbers", () => {
  // 1 h of training; rollouts of 100 steps; rung 10 ms/step, model 1 ms/step: 0.9 s saved per
  // rollout → 3600 / 0.9 = 4000 rollouts exactly.
  if (breakEvenRollouts(3600, 100, 0.01, 0.001) !== 4000) throw new Error();
  // one more second of training needs one more rollout: ⌈3601 / 0.9⌉ = 4002
  if (breakEvenRollouts(3601, 100, 0.01, 0.001) !== 4002) throw new Error();
  if (breakEvenRollouts(0, 100, 0.01, 0.001) !== 0) throw new Error("free training");
  if (breakEvenRollouts(10, 100, 0.001, 0.001) !== null) throw new Error("equal speed: never");
  if (breakEvenRollouts(10, 100, 0.001, 0.01) !== null) throw new Error("slower: never");
  for (const bad of [[-1, 1, 1, 1], [NaN, 1, 1, 1], [1, 0, 1, 1], [1, 1, 0, 1]]) {
    let threw = false;
    try {
      breakEvenRollouts(bad[0], bad[1], bad[2], bad[3]);
    } catch (e) {
      threw = e instanceof RangeError;
    }
    if (!threw) throw new Error(`accepted ${bad}`);
  }
});

Deno.test("verdict: matched rung, speed-up and break-even from the numbers; none says so", () => {
  const f = sample();
  if (f.matched?.rung !== 1 || Math.abs(f.matched.speedup - 2) > 1e-12) {
    throw new Error(JSON.stringify(f.matched));
  }
  // 100 / (10 · (1e-3 − 5e-4)) = 20000
  if (f.training?.breakEvenRollouts !== 20000) throw new Error(JSON.stringify(f.training));
  if (!f.note.includes("4×") || !f.note.includes("2.00× faster")) throw new Error(f.note);
  const best = entry([0, 0.001], 1e-3);
  const v = frontierVerdict(f.rungs, best, 1, { seconds: 1, steps: 10 });
  if (v.matched !== null || !v.note.startsWith("No rung is error-matched")) throw new Error(v.note);
  if (v.training?.breakEvenRollouts !== null || !v.training.note.includes("no rung")) {
    throw new Error(JSON.stringify(v.training));
  }
});

Deno.test("result files: a frontier block is checked; results without one stay valid", () => {
  const r = sampleResult({ steps: 10, ics: 1 });
  validateResult(r, "old.json"); // no frontier block
  validateResult({ ...r, frontier: sample() }, "new.json");
  const refused = (f: unknown, field: string) => {
    let msg = "";
    try {
      validateResult({ ...r, frontier: f }, "r.json");
    } catch (e) {
      msg = String(e);
    }
    if (!msg.includes(`r.json`) || !msg.includes(field)) throw new Error(`${field}: ${msg}`);
  };
  const f = sample();
  refused({ ...f, matched: { rung: 1, speedup: 20 } }, "frontier.matched");
  refused({ ...f, matched: { rung: 2, speedup: 2 } }, "frontier.matched");
  refused({ ...f, training: { ...f.training, breakEvenRollouts: 5 } }, "frontier.training");
  refused({ ...f, steps: [1, 11] }, "frontier.steps"); // beyond the run's 10 steps
  refused({ ...f, model: { ...f.model, secondsPerStep: -1 } }, "frontier.model.secondsPerStep");
  refused({ ...f, rungs: [{ ...f.rungs[0], error: [0.1] }] }, "frontier.rungs[0].error");
  refused({ ...f, rungs: [{ ...f.rungs[0], timing: "guessed" }] }, "frontier.rungs[0].timing");
  checkFrontier(f, 10, "ok.json");
});

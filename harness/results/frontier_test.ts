import { breakEvenRollouts, checkFrontier, frontierVerdict, matchedRung } from "./frontier.ts";
import { validateResult } from "./io.ts";
import type { Frontier, FrontierEntry, Result } from "./schema.ts";
import { sampleResult } from "../../reports/sample_result.ts";
import { frontierEntry, sampleFrontier } from "./_frontier_fixture.ts";

/** A frontier of hand-made numbers: three rungs and a model with nRMSE 0.05 at step 10. */
function sample(): Frontier {
  return sampleFrontier(
    [[2, 0.01, 4e-3], [4, 0.04, 1e-3], [8, 0.2, 2e-4]].map(([factor, error, seconds]) => ({
      factor,
      error: [error / 10, error],
      seconds,
      label: `${factor}×`,
    })),
    frontierEntry([0.001, 0.05], 5e-4, "m"),
    { timing: "measured", compared: "c", training: { seconds: 100, steps: 10 } },
  );
}

/**
 * {@link sample} placed in result `r`: the model entry carries r's own errors (the `nrmse`
 * `mean_over_ics` rows, computed here from the rows directly), name and divergence, and the
 * rungs keep their ratios to the model's headline error (rung 1 is the error-matched one).
 */
function sampleIn(r: Result): Frontier {
  const f = sample();
  const at = (s: number) =>
    r.rows.find((x) =>
      x.metric === "nrmse" && x.field === "u" && x.step === s &&
      x.reduction === "mean_over_ics" && x.ic === undefined && !x.region
    )!.value!;
  // The score counts only when every IC contributes (n = ICs; the sample's row has no n).
  const s = r.rows.find((x) =>
    x.metric === "nrmse" && x.field === "u" && x.step === undefined &&
    x.reduction === "geomean_over_steps_then_mean_over_ics" && x.ic === undefined && !x.region
  )!;
  const score = s.n === r.config.ics ? s.value : null;
  const model: FrontierEntry = {
    label: r.model.name,
    error: [at(1), at(10)],
    score,
    secondsPerStep: 5e-4,
    diverged: r.divergence.filter((d) => d.step !== null).length,
  };
  const rungs = f.rungs.map((g) => ({ ...g, error: g.error.map((e) => e! / 0.05 * at(10)) }));
  return { ...f, rungs, model, ...frontierVerdict(rungs, model, 1, { seconds: 100, steps: 10 }) };
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
  const best = frontierEntry([0, 0.001], 1e-3);
  const v = frontierVerdict(f.rungs, best, 1, { seconds: 1, steps: 10 });
  if (v.matched !== null || !v.note.startsWith("No rung is error-matched")) throw new Error(v.note);
  if (v.training?.breakEvenRollouts !== null || !v.training.note.includes("no rung")) {
    throw new Error(JSON.stringify(v.training));
  }
});

Deno.test("result files: a frontier block is checked; results without one stay valid", () => {
  const r = sampleResult({ steps: 10, ics: 1 });
  validateResult(r, "old.json"); // no frontier block
  const f = sampleIn(r);
  if (f.matched?.rung !== 1) throw new Error(JSON.stringify(f.matched));
  validateResult({ ...r, frontier: f }, "new.json");
  const refused = (g: unknown, field: string, rr: Result = r) => {
    let msg = "";
    try {
      validateResult({ ...rr, frontier: g }, "r.json");
    } catch (e) {
      msg = String(e);
    }
    if (!msg.includes(`r.json`) || !msg.includes(field)) throw new Error(`${field}: ${msg}`);
  };
  refused({ ...f, matched: { rung: 1, speedup: 20 } }, "frontier.matched");
  refused({ ...f, matched: { rung: 2, speedup: 2 } }, "frontier.matched");
  refused({ ...f, training: { ...f.training, breakEvenRollouts: 5 } }, "frontier.training");
  refused({ ...f, steps: [1, 11] }, "frontier.steps"); // beyond the run's 10 steps
  refused({ ...f, model: { ...f.model, secondsPerStep: -1 } }, "frontier.model.secondsPerStep");
  refused({ ...f, rungs: [{ ...f.rungs[0], error: [0.1] }] }, "frontier.rungs[0].error");
  refused({ ...f, rungs: [{ ...f.rungs[0], timing: "guessed" }] }, "frontier.rungs[0].timing");
  checkFrontier(f, r, "ok.json");
});

Deno.test("result files: the model entry must be the result's own rows, name, divergence, horizon", () => {
  const r = sampleResult({ steps: 10, ics: 1 });
  const f = sampleIn(r);
  const refused = (g: Frontier, field: string, expected: string, rr: Result = r) => {
    let msg = "";
    try {
      validateResult({ ...rr, frontier: g }, "r.json");
    } catch (e) {
      msg = String(e);
    }
    if (!msg.includes("r.json") || !msg.includes(field) || !msg.includes(expected)) {
      throw new Error(`${field}: ${msg}`);
    }
  };
  // A better model error than the rows say, with a verdict recomputed to agree with it.
  const better = { ...f.model, error: [f.model.error[0], f.model.error[1]! / 10] };
  refused(
    { ...f, model: better, ...frontierVerdict(f.rungs, better, 1, { seconds: 100, steps: 10 }) },
    "frontier.model.error[1]",
    String(f.model.error[1]),
  );
  // The smallest change of the last bit is refused too.
  const ulp = { ...f.model, error: [f.model.error[0]! * (1 + 2 ** -52), f.model.error[1]] };
  refused({ ...f, model: ulp }, "frontier.model.error[0]", String(f.model.error[0]));
  refused(
    { ...f, model: { ...f.model, score: 0.001 } },
    "frontier.model.score",
    `${f.model.score}`,
  );
  refused({ ...f, model: { ...f.model, diverged: 1 } }, "frontier.model.diverged", "0");
  refused({ ...f, model: { ...f.model, label: "other" } }, "frontier.model.label", r.model.name);
  // A diverged IC in the result must be counted.
  const d = { ...r, divergence: [{ ic: 0, step: 5 }] };
  refused(f, "frontier.model.diverged", "1", d);
  // A frontier of a shorter run than the result claims: the headline step is the horizon.
  const r12 = { ...r, config: { ...r.config, steps: 12 } };
  refused(f, "frontier.headlineStep", "12", r12);
});

Deno.test("break-even: a training cost too large for any count is null, says so, and round-trips", () => {
  // 1.5e308 s / (1 step · 0.5 s saved) overflows to Infinity, which JSON writes as null.
  if (breakEvenRollouts(1.5e308, 1, 1, 0.5) !== null) throw new Error("not finite → null");
  const r = sampleResult({ steps: 10, ics: 1 });
  const f = sampleIn(r);
  const huge = frontierVerdict(f.rungs, f.model, 1, { seconds: 1.7e308, steps: 10 });
  if (
    huge.training?.breakEvenRollouts !== null || !huge.training.note.includes("beyond any count")
  ) {
    throw new Error(JSON.stringify(huge.training));
  }
  // Written and read back, the file passes its own validation.
  const file = JSON.parse(JSON.stringify({ ...r, frontier: { ...f, ...huge } }));
  validateResult(file, "huge.json");
});

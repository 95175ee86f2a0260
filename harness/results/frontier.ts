/**
 * The arithmetic of a result's cost–accuracy frontier block ({@link Frontier}, written by
 * `emubench run --frontier`) and its checks: which rung is error-matched, the model's speed-up
 * over it, when training pays for itself, and the validation readers run on the block (shape,
 * and that the matched rung, speed-up and break-even follow from the block's own numbers).
 *
 * @example
 * ```ts
 * import { breakEvenRollouts, matchedRung } from "./frontier.ts";
 * const rungs = [
 *   { error: 0.01, secondsPerStep: 4e-3 }, // fine, accurate, slow
 *   { error: 0.05, secondsPerStep: 1e-3 },
 *   { error: 0.20, secondsPerStep: 2e-4 }, // coarse, cheap
 * ];
 * const m = matchedRung(rungs, 0.05); // the model: nRMSE 0.05
 * if (m !== 1) throw new Error(`${m}`);
 * // model 1e-4 s/step, rung 1e-3 s/step, 100-step rollouts, 90 s of training: ⌈90 / 0.09⌉
 * if (breakEvenRollouts(90, 100, 1e-3, 1e-4) !== 1000) throw new Error();
 * ```
 * @module
 */
import { ShapeError } from "../core/errors.ts";
import type { Frontier, FrontierEntry, FrontierRung } from "./schema.ts";
import type { ResultRow } from "../../metrics/rows.ts";

/**
 * The error part of a {@link FrontierEntry} from a run's rows: at each of `steps` the `nrmse`
 * `mean_over_ics` rows averaged over `fields` (null unless every field has one with `n = ics`),
 * and the leaderboard score, the `nrmse` `geomean_over_steps_then_mean_over_ics` rows averaged
 * over fields (null unless all `ics` ICs contribute).
 *
 * @example
 * ```ts
 * import { frontierErrors } from "./frontier.ts";
 * const rows = [
 *   { metric: "nrmse", field: "a", step: 2, value: 0.1, n: 2, reduction: "mean_over_ics" },
 *   { metric: "nrmse", field: "b", step: 2, value: 0.3, n: 2, reduction: "mean_over_ics" },
 *   { metric: "nrmse", field: "a", step: 3, value: 0.2, n: 1, reduction: "mean_over_ics" },
 *   { metric: "nrmse", field: "b", step: 3, value: 0.2, n: 2, reduction: "mean_over_ics" },
 * ];
 * const e = frontierErrors(rows, ["a", "b"], [2, 3], 2);
 * if (Math.abs(e.error[0]! - 0.2) > 1e-15 || e.error[1] !== null || e.score !== null) throw new Error();
 * ```
 */
export function frontierErrors(
  rows: readonly ResultRow[],
  fields: readonly string[],
  steps: readonly number[],
  ics: number,
): { error: (number | null)[]; score: number | null } {
  const mean = (pick: (field: string) => ResultRow | undefined): number | null => {
    let sum = 0;
    for (const f of fields) {
      const r = pick(f);
      if (!r || r.value === null || r.n !== ics) return null;
      sum += r.value;
    }
    return sum / fields.length;
  };
  const global = (r: ResultRow) => r.metric === "nrmse" && r.ic === undefined && !r.region;
  const error = steps.map((s) =>
    mean((f) =>
      rows.find((r) =>
        global(r) && r.field === f && r.step === s && r.reduction === "mean_over_ics"
      )
    )
  );
  const score = mean((f) =>
    rows.find((r) =>
      global(r) && r.field === f && r.step === undefined &&
      r.reduction === "geomean_over_steps_then_mean_over_ics"
    )
  );
  return { error, score };
}

/**
 * The error-matched rung: among `rungs` whose `error` (at the headline step) is a number at most
 * `modelError`, the one with the least `secondsPerStep` (the first of equals); `null` when none
 * is as accurate. A `null` model error (the model lost an IC) is matched by any rung whose error
 * is a number; a `null` rung error never matches.
 *
 * @example
 * ```ts
 * import { matchedRung } from "./frontier.ts";
 * const rungs = [{ error: 0.1, secondsPerStep: 2 }, { error: null, secondsPerStep: 1 }];
 * if (matchedRung(rungs, 0.05) !== null || matchedRung(rungs, null) !== 0) throw new Error();
 * ```
 */
export function matchedRung(
  rungs: readonly { error: number | null; secondsPerStep: number }[],
  modelError: number | null,
): number | null {
  let best: number | null = null;
  rungs.forEach((r, i) => {
    if (r.error === null || (modelError !== null && !(r.error <= modelError))) return;
    if (best === null || r.secondsPerStep < rungs[best].secondsPerStep) best = i;
  });
  return best;
}

/**
 * Rollouts after which training has paid for itself: each rollout of `steps` model steps saves
 * `steps · (rungSeconds − modelSeconds)` seconds against the error-matched rung, so after
 *
 *   n* = ⌈C / (T · (t_rung − t_model))⌉
 *
 * rollouts the saving covers the training cost C = `trainingSeconds` (T = `steps`, t = seconds
 * per IC-step). `null` when the model is not faster (`t_model ≥ t_rung`: it never pays off), and
 * when the quotient is not a finite number (a cost so large that no count of rollouts is: JSON
 * has no Infinity, so the file could not carry it).
 * A zero training cost pays off at once (0). `RangeError` for a negative or non-finite cost,
 * steps < 1 or non-positive times.
 *
 * @example
 * ```ts
 * import { breakEvenRollouts } from "./frontier.ts";
 * if (breakEvenRollouts(3600, 10, 0.5, 0.1) !== 900) throw new Error(); // 3600 / (10 · 0.4)
 * if (breakEvenRollouts(3600, 10, 0.1, 0.5) !== null) throw new Error(); // slower: never
 * ```
 */
export function breakEvenRollouts(
  trainingSeconds: number,
  steps: number,
  rungSeconds: number,
  modelSeconds: number,
): number | null {
  if (!(Number.isFinite(trainingSeconds) && trainingSeconds >= 0)) {
    throw new RangeError(
      `Cannot compute the break-even: expected a training cost ≥ 0 s, found ${trainingSeconds}`,
    );
  }
  if (!(Number.isInteger(steps) && steps >= 1)) {
    throw new RangeError(`Cannot compute the break-even: expected steps ≥ 1, found ${steps}`);
  }
  if (!(rungSeconds > 0 && modelSeconds > 0)) {
    throw new RangeError(
      `Cannot compute the break-even: expected times > 0, found ${rungSeconds}, ${modelSeconds}`,
    );
  }
  const saved = steps * (rungSeconds - modelSeconds);
  if (!(saved > 0)) return null;
  // A tiny relative slack keeps an exact quotient (90 / 0.09 = 1000.0000000000001) at 1000.
  const n = Math.ceil(trainingSeconds / saved * (1 - 1e-12));
  return Number.isFinite(n) ? n : null;
}

/**
 * The `matched`, `note` and `training` fields of a frontier from its rungs, model and headline
 * step (what `run --frontier` writes and what readers recompute to check a file).
 *
 * @example
 * ```ts
 * import { frontierVerdict } from "./frontier.ts";
 * const e = (error: number, secondsPerStep: number) =>
 *   ({ label: "x", error: [error], score: null, secondsPerStep, diverged: 0 });
 * const v = frontierVerdict([e(0.1, 1e-3), e(0.3, 1e-4)], e(0.2, 2e-4), 0, { seconds: 8, steps: 10 });
 * if (v.matched?.rung !== 0 || v.matched.speedup !== 5) throw new Error(JSON.stringify(v));
 * if (v.training?.breakEvenRollouts !== 1000) throw new Error(JSON.stringify(v.training));
 * ```
 */
export function frontierVerdict(
  rungs: readonly (FrontierEntry & { factor?: number; timing?: FrontierRung["timing"] })[],
  model: FrontierEntry,
  headline: number,
  training?: { seconds: number; steps: number },
): Pick<Frontier, "matched" | "note" | "training"> {
  const at = (e: FrontierEntry) => ({ error: e.error[headline], secondsPerStep: e.secondsPerStep });
  const modelError = at(model).error;
  const i = matchedRung(rungs.map(at), modelError);
  const matched = i === null
    ? null
    : { rung: i, speedup: rungs[i].secondsPerStep / model.secondsPerStep };
  const fmt = (v: number) => v.toPrecision(3);
  const note = i === null
    ? modelError === null
      ? "No rung is error-matched: every rung lost an IC, as the model did."
      : `No rung is error-matched: every rung's nRMSE is above the model's ${fmt(modelError)} ` +
        "(or it lost an IC); the model is more accurate than the whole ladder."
    : `The error-matched rung is ${rungs[i].label} (nRMSE ${fmt(at(rungs[i]).error!)} ≤ ` +
      `${modelError === null ? "the model's, which lost an IC" : fmt(modelError)}); the model ` +
      (matched!.speedup >= 1
        ? `is ${fmt(matched!.speedup)}× faster per step.`
        : `is ${fmt(1 / matched!.speedup)}× slower per step.`);
  const cached = rungs.filter((r) => r.timing === "cached").map((r) => r.label);
  const source = i === null ? undefined : rungs[i].timing;
  const timingNote =
    (source === "interleaved"
      ? " Its time and the model's are from passes interleaved in this run."
      : source === "measured"
      ? " Its time was measured in this run, in a pass apart from the model's."
      : source === "cached"
      ? " Its time is cached from an earlier run, not measured next to the model's."
      : "") +
    (cached.length === 0
      ? ""
      : ` Cached timings (an earlier run on this machine): ${cached.join(", ")}.`);
  if (!training) return { matched, note: note + timingNote };
  const n = i === null ? null : breakEvenRollouts(
    training.seconds,
    training.steps,
    rungs[i].secondsPerStep,
    model.secondsPerStep,
  );
  const tNote = i === null
    ? "No break-even: no rung is error-matched."
    : n === null && model.secondsPerStep < rungs[i].secondsPerStep
    ? `Training (${training.seconds} s) pays for itself beyond any count of rollouts of ` +
      `${training.steps} steps against ${rungs[i].label} (the number is not finite).`
    : n === null
    ? "Never pays off: the model is not faster than the error-matched rung."
    : `Training (${training.seconds} s) pays for itself after ${n} rollouts of ` +
      `${training.steps} steps against ${rungs[i].label}.`;
  return {
    matched,
    note: note + timingNote,
    training: {
      seconds: training.seconds,
      rolloutSteps: training.steps,
      breakEvenRollouts: n,
      note: tNote,
    },
  };
}

function ok(cond: boolean, file: string, field: string, expected: string, found: unknown): void {
  if (!cond) {
    throw new ShapeError({ file, field, expected, found: JSON.stringify(found)?.slice(0, 80) });
  }
}

const isNum = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);
const isStr = (v: unknown): v is string => typeof v === "string";

function checkEntry(e: FrontierEntry, n: number, file: string, at: string): void {
  ok(typeof e === "object" && e !== null, file, at, "an object", e);
  ok(isStr(e.label), file, `${at}.label`, "a string", e.label);
  ok(
    Array.isArray(e.error) && e.error.length === n &&
      e.error.every((v) => v === null || (isNum(v) && v >= 0)),
    file,
    `${at}.error`,
    `${n} numbers ≥ 0 or null (one per frontier step)`,
    e.error,
  );
  ok(
    e.score === null || (isNum(e.score) && e.score >= 0),
    file,
    `${at}.score`,
    "a number ≥ 0 or null",
    e.score,
  );
  ok(
    isNum(e.secondsPerStep) && e.secondsPerStep > 0,
    file,
    `${at}.secondsPerStep`,
    "a number > 0",
    e.secondsPerStep,
  );
  ok(
    e.timingSamples === undefined || (Number.isInteger(e.timingSamples) && e.timingSamples >= 1),
    file,
    `${at}.timingSamples`,
    "an integer ≥ 1 (step intervals timed)",
    e.timingSamples,
  );
  ok(
    Number.isInteger(e.diverged) && e.diverged >= 0,
    file,
    `${at}.diverged`,
    "an IC count",
    e.diverged,
  );
}

/** What {@link checkFrontier} checks a frontier block against: the result it sits in. */
export interface FrontierRun {
  rows: readonly ResultRow[];
  divergence: readonly { step: number | null }[];
  suite: { fields: readonly string[] };
  model: { name: string };
  config: { steps: number; ics: number };
}

/**
 * Check a result's `frontier` block against the result it sits in (`run`): its shape, steps
 * within the run (`config.steps`), `headlineStep` = `config.steps`; the model entry's `error` and
 * `score` exactly {@link frontierErrors} of the result's own `rows` (`suite.fields`,
 * `config.ics`), its `diverged` the count of ICs with a divergence step, its `label` the result's
 * `model.name`; and `matched`, speed-up and `training` what {@link frontierVerdict} computes from
 * the block's own numbers (a hand-edited model error, speed-up or break-even is refused).
 * `ShapeError` naming the file, field, expected and found otherwise.
 *
 * @example
 * ```ts
 * import { checkFrontier } from "./frontier.ts";
 * const run = { rows: [], divergence: [], suite: { fields: ["u"] }, model: { name: "m" },
 *   config: { steps: 10, ics: 1 } };
 * let msg = "";
 * try { checkFrontier({ rungs: [] } as never, run, "r.json"); } catch (e) { msg = String(e); }
 * if (!msg.includes("frontier.")) throw new Error(msg);
 * ```
 */
export function checkFrontier(f: Frontier, run: FrontierRun, file: string): void {
  const runSteps = run.config?.steps;
  ok(
    Number.isInteger(runSteps) && runSteps >= 1 && Number.isInteger(run.config.ics) &&
      run.config.ics >= 1,
    file,
    "config",
    "{steps, ics} integers ≥ 1 (a frontier is checked against them)",
    run.config,
  );
  ok(
    Array.isArray(run.suite?.fields) && run.suite.fields.length > 0 &&
      run.suite.fields.every(isStr),
    file,
    "suite.fields",
    "a non-empty list of field names",
    run.suite?.fields,
  );
  ok(typeof f === "object" && f !== null && !Array.isArray(f), file, "frontier", "an object", f);
  for (const k of ["scheme", "compared", "backend", "metric", "note"] as const) {
    ok(isStr(f[k]) && f[k] !== "", file, `frontier.${k}`, "a non-empty string", f[k]);
  }
  ok(
    f.adapter === null || isStr(f.adapter),
    file,
    "frontier.adapter",
    "a string or null",
    f.adapter,
  );
  const m = f.machine;
  ok(
    typeof m === "object" && m !== null && isStr(m.os) && isStr(m.arch) && isStr(m.host) &&
      (m.cpus === null || (Number.isInteger(m.cpus) && m.cpus >= 1)) &&
      (m.cpu === null || isStr(m.cpu)),
    file,
    "frontier.machine",
    "{os, arch, cpus, cpu, host}",
    m,
  );
  ok(Number.isInteger(f.batch) && f.batch >= 1, file, "frontier.batch", "an integer ≥ 1", f.batch);
  ok(
    Number.isInteger(f.timingSteps) && f.timingSteps >= 1,
    file,
    "frontier.timingSteps",
    "an integer ≥ 1",
    f.timingSteps,
  );
  ok(
    Array.isArray(f.steps) && f.steps.length > 0 &&
      f.steps.every((s, i) =>
        Number.isInteger(s) && s >= 1 && s <= runSteps && (i === 0 || s > f.steps[i - 1])
      ),
    file,
    "frontier.steps",
    `increasing steps in 1..${runSteps}`,
    f.steps,
  );
  ok(
    f.headlineStep === runSteps && f.steps[f.steps.length - 1] === runSteps,
    file,
    "frontier.headlineStep",
    `the run's horizon config.steps = ${runSteps}, the last frontier step`,
    f.headlineStep,
  );
  const n = f.steps.length;
  ok(
    Array.isArray(f.rungs) && f.rungs.length >= 1,
    file,
    "frontier.rungs",
    "a non-empty list",
    f.rungs,
  );
  f.rungs.forEach((r, i) => {
    const at = `frontier.rungs[${i}]`;
    checkEntry(r, n, file, at);
    ok(isStr(r.id) && r.id !== "", file, `${at}.id`, "a rung id", r.id);
    ok(isNum(r.factor) && r.factor >= 1, file, `${at}.factor`, "a factor ≥ 1", r.factor);
    ok(isStr(r.description), file, `${at}.description`, "a string", r.description);
    ok(
      /^[0-9a-f]{64}$/.test(r.graphSha256),
      file,
      `${at}.graphSha256`,
      "64 hex digits",
      r.graphSha256,
    );
    ok(
      r.timing === "interleaved" || r.timing === "measured" || r.timing === "cached",
      file,
      `${at}.timing`,
      `"interleaved", "measured" or "cached"`,
      r.timing,
    );
  });
  checkEntry(f.model, n, file, "frontier.model");
  ok(
    f.model.label === run.model.name,
    file,
    "frontier.model.label",
    `the result's model.name ${JSON.stringify(run.model.name)}`,
    f.model.label,
  );
  const own = frontierErrors(run.rows, run.suite.fields, f.steps, run.config.ics);
  f.model.error.forEach((v, i) =>
    ok(
      v === own.error[i],
      file,
      `frontier.model.error[${i}]`,
      `${own.error[i]} (nRMSE at step ${f.steps[i]} from the result's own rows)`,
      v,
    )
  );
  ok(
    f.model.score === own.score,
    file,
    "frontier.model.score",
    `${own.score} (the headline score from the result's own rows)`,
    f.model.score,
  );
  const diverged = run.divergence.filter((d) => typeof d?.step === "number").length;
  ok(
    f.model.diverged === diverged,
    file,
    "frontier.model.diverged",
    `${diverged} (ICs with a divergence step in the result's divergence)`,
    f.model.diverged,
  );
  if (f.training !== undefined) {
    const t = f.training;
    ok(
      typeof t === "object" && t !== null && isNum(t.seconds) && t.seconds >= 0 &&
        t.rolloutSteps === runSteps && isStr(t.note),
      file,
      "frontier.training",
      `{seconds ≥ 0, rolloutSteps: ${runSteps}, breakEvenRollouts, note}`,
      t,
    );
  }
  const want = frontierVerdict(
    f.rungs,
    f.model,
    n - 1,
    f.training && { seconds: f.training.seconds, steps: f.training.rolloutSteps },
  );
  const same = (a: number, b: number) =>
    Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b));
  ok(
    want.matched === null
      ? f.matched === null
      : f.matched !== null && f.matched?.rung === want.matched.rung &&
        isNum(f.matched.speedup) && same(f.matched.speedup, want.matched.speedup),
    file,
    "frontier.matched",
    want.matched === null
      ? "null (no rung is as accurate as the model at the headline step)"
      : `rung ${want.matched.rung}, speedup ${want.matched.speedup} (from the block's numbers)`,
    f.matched,
  );
  if (f.training !== undefined) {
    ok(
      f.training.breakEvenRollouts === want.training!.breakEvenRollouts,
      file,
      "frontier.training.breakEvenRollouts",
      `${want.training!.breakEvenRollouts} (⌈C / (T · (t_rung − t_model))⌉ from the block)`,
      f.training.breakEvenRollouts,
    );
  }
}

/**
 * The CI gate (SPEC §6 `emubench gate`): compare a candidate result with a baseline result of
 * the same suite, version, tier, IC count, horizon and seed, and decide whether the candidate
 * regressed. It reads only result files (tidy rows and divergence records).
 *
 * Checks (each can be tuned or switched off in a rules file, {@link parseGateRules}):
 *
 * - **curves**: for each rule, metric `m`, field `f` and named step `s`, with `b`, `c` the
 *   baseline and candidate means over ICs at `s`: pass iff `c ≤ maxRatio · b + atol` (for a
 *   metric where higher is better: `c ≥ b / maxRatio − atol`). The direction is the rule's
 *   `higherIsBetter`, else the baseline result's catalogue (`Result.catalogue`, e.g. `wb2_acc`:
 *   higher); a metric the catalogue does not hold, or holds with direction `none` (not a score),
 *   is an error naming the rules file and rule, never a default. Reported ratio `c / b`. Default:
 *   `nrmse` on every field at the result's summary steps and the final step, `maxRatio` 1.10.
 *   A candidate with no value where the baseline has one (every IC diverged) fails; a step where
 *   the baseline has no value is skipped.
 * - **geomean**: the same ratio test on `geomean_over_steps_then_mean_over_ics` rows (default
 *   `nrmse`, 1.10).
 * - **divergence**: with `b_i`, `c_i` the first NaN/Inf step of IC `i` (none: finite to the
 *   horizon `T`), fail when the candidate diverges on an IC the baseline kept finite (unless
 *   `allowNew`, which counts the baseline as diverging at `T + 1`), or when `c_i < b_i − N`
 *   with `N = maxEarlierSteps`. Default strict: `allowNew: false`, `N = 0`.
 * - **stability**: when both results carry `stability_rate` rows (step-free, no IC; `value` the
 *   rate, `n` the ICs, default `config.ics`): with `k_b = round(rate_b · n_b)`, fail iff
 *   `rate_c < lower` of the Wilson interval `wilson(k_b, n_b, z)` (default `z = 1.96`, 95%).
 * - Results of `task: "stability"` (`emubench stability`, no reference) get only the
 *   divergence and stability checks.
 * - **reconstruct** (results of `task: "reconstruct"`, autoencoders): the ratio test on the
 *   step-free per-field rows of `reconstruct.metric` (default `rmse`, reduction
 *   `mean_over_samples_then_sqrt`, `maxRatio` 1.10), and `compression` (fail iff the candidate's
 *   `compression_ratio` is below the baseline's: a smaller latent is what the model is scored
 *   at). The per-step checks above do not apply to reconstructions and are not run on them.
 *
 * Results that differ in suite id, version, tier, fields, IC count, horizon or seed (or data
 * file, for data tiers) are refused with a `ValueRangeError` that lists every difference: their
 * numbers are not comparable.
 *
 * @example
 * ```ts
 * import { gate } from "./gate.ts";
 * import { sampleResult } from "../../reports/sample_result.ts";
 * const base = sampleResult({ steps: 20, ics: 2, diverge: {} });
 * const same = gate(base, base);
 * const worse = gate(base, sampleResult({ steps: 20, ics: 2, diverge: {}, phaseError: 0.05 }));
 * if (!same.pass || worse.pass) throw new Error("gate");
 * ```
 * @module
 */
import { isRecord } from "../core/checks.ts";
import { ShapeError, ValueRangeError } from "../core/errors.ts";
import type { Result } from "./schema.ts";
import { divergenceCounts, divergenceText } from "./divergence.ts";
import type { ResultRow } from "../../metrics/rows.ts";
import { wilson } from "../../metrics/intervals.ts";
import { readJson } from "../core/json_file.ts";

/** Ratio threshold on a per-step curve. */
export interface CurveRule {
  /** Metric id of per-step rows, e.g. `"nrmse"`. */
  readonly metric: string;
  /** Fields to check (default: every field of the suite). */
  readonly fields?: readonly string[];
  /** `"summary"` (the result's summary steps and its final step) or explicit steps. */
  readonly steps: "summary" | readonly number[];
  /** Largest allowed candidate / baseline ratio (> 0). */
  readonly maxRatio: number;
  /** Absolute slack added to the threshold (default 0), for baselines near zero. */
  readonly atol?: number;
  /** Direction; default from the baseline result's catalogue (`Result.catalogue`). */
  readonly higherIsBetter?: boolean;
}

/** Ratio threshold on the geometric mean over steps (then mean over ICs). */
export interface GeomeanRule {
  /** Metric id of `geomean_over_steps_then_mean_over_ics` rows, e.g. `"nrmse"`. */
  readonly metric: string;
  /** Largest allowed candidate / baseline ratio (> 0). */
  readonly maxRatio: number;
  /** Absolute slack added to the threshold (default 0). */
  readonly atol?: number;
  /** Direction; default from the baseline result's catalogue (`Result.catalogue`). */
  readonly higherIsBetter?: boolean;
}

/** Divergence policy. */
export interface DivergenceRule {
  /** Allow the candidate to diverge where the baseline stayed finite (default false). */
  readonly allowNew: boolean;
  /** How many steps earlier than the baseline the candidate may diverge (default 0). */
  readonly maxEarlierSteps: number;
}

/** Stability-rate policy. */
export interface StabilityRule {
  /** Normal quantile of the Wilson interval (default 1.96: 95%). */
  readonly z: number;
}

/** Ratio threshold on the step-free per-field rows of a reconstruction result. */
export interface ReconstructRule {
  /** Metric id of the per-field rows, e.g. `"rmse"` (or `"psnr"`, higher is better). */
  readonly metric: string;
  /** Largest allowed candidate / baseline ratio (> 0). */
  readonly maxRatio: number;
  /** Absolute slack added to the threshold (default 0). */
  readonly atol?: number;
  /** Direction; default from the baseline result's catalogue (psnr: higher, rmse: lower). */
  readonly higherIsBetter?: boolean;
}

/** Every rule of the gate; `null` switches a check off. */
export interface GateRules {
  /** Ratio thresholds on per-step curves (empty: none). */
  readonly curves: readonly CurveRule[];
  /** Ratio threshold on the geometric mean over steps. */
  readonly geomean: GeomeanRule | null;
  /** Divergence policy. */
  readonly divergence: DivergenceRule | null;
  /** Stability-rate policy (applies when both results carry a rate). */
  readonly stability: StabilityRule | null;
  /** Reconstruction rule (applies to `task: "reconstruct"` results only). */
  readonly reconstruct: ReconstructRule | null;
  /** The rules file these came from (errors name it); absent for {@link DEFAULT_GATE_RULES}. */
  readonly source?: string;
}

/** Schema tag a rules file may carry. */
export const GATE_RULES_SCHEMA = "emubench.gate-rules/1";

/** The default rules: nrmse ≤ 1.10× at summary and final steps and in geomean; strict. */
export const DEFAULT_GATE_RULES: GateRules = {
  curves: [{ metric: "nrmse", steps: "summary", maxRatio: 1.1 }],
  geomean: { metric: "nrmse", maxRatio: 1.1 },
  divergence: { allowNew: false, maxEarlierSteps: 0 },
  stability: { z: 1.96 },
  reconstruct: { metric: "rmse", maxRatio: 1.1 },
};

/** One check's outcome. */
export interface Check {
  /** Which rule produced it. */
  readonly kind: "curve" | "geomean" | "divergence" | "stability" | "reconstruct" | "compression";
  /** Metric id (`"divergence"` for the divergence check). */
  readonly metric: string;
  /** Field, or `"*"`. */
  readonly field: string;
  /** Step of a curve check. */
  readonly step?: number;
  /** Baseline value (or count / rate); null where it has none. */
  readonly baseline: number | null;
  /** Candidate value; null where it has none. */
  readonly candidate: number | null;
  /** `candidate / baseline` where both are numbers and the baseline is not 0. */
  readonly ratio?: number | null;
  /** The threshold in words, e.g. `"≤ 1.1×"`. */
  readonly limit: string;
  /** `skip`: nothing to compare (the baseline has no value, or only one result has a rate). */
  readonly status: "pass" | "fail" | "skip";
  /** Why it failed or was skipped, or what else a reader should know. */
  readonly note?: string;
}

/** What {@link gate} returns. */
export interface GateOutcome {
  /** True when no check failed. */
  readonly pass: boolean;
  /** Every check, in rule order. */
  readonly checks: Check[];
  /** A Markdown summary for CI logs and PR comments. */
  readonly markdown: string;
}

// ---------------------------------------------------------------------------------------------
// Rules file

const isObj = isRecord;

function onlyKeys(obj: Record<string, unknown>, allowed: string[], file: string, at: string) {
  for (const k of Object.keys(obj)) {
    if (!allowed.includes(k)) {
      throw new ShapeError({
        file,
        field: at ? `${at}.${k}` : k,
        expected: `one of the keys ${allowed.join(", ")}`,
        found: `unknown key "${k}"`,
      });
    }
  }
}

function ratioFields(obj: Record<string, unknown>, file: string, at: string) {
  if (typeof obj.metric !== "string" || obj.metric === "") {
    throw new ShapeError({
      file,
      field: `${at}.metric`,
      expected: "a metric id",
      found: JSON.stringify(obj.metric),
    });
  }
  const maxRatio = obj.maxRatio;
  if (typeof maxRatio !== "number" || !(maxRatio > 0) || !Number.isFinite(maxRatio)) {
    throw new ValueRangeError({
      file,
      field: `${at}.maxRatio`,
      expected: "a positive number, e.g. 1.1",
      found: JSON.stringify(maxRatio),
    });
  }
  const atol = obj.atol ?? 0;
  if (typeof atol !== "number" || !(atol >= 0) || !Number.isFinite(atol)) {
    throw new ValueRangeError({
      file,
      field: `${at}.atol`,
      expected: "a non-negative number",
      found: JSON.stringify(obj.atol),
    });
  }
  const hib = obj.higherIsBetter;
  if (hib !== undefined && typeof hib !== "boolean") {
    throw new ShapeError({
      file,
      field: `${at}.higherIsBetter`,
      expected: "true or false",
      found: JSON.stringify(hib),
    });
  }
  return {
    metric: obj.metric,
    maxRatio,
    atol,
    ...(hib === undefined ? {} : { higherIsBetter: hib }),
  };
}

/**
 * Validate a rules object read from `file` and fill in defaults: a key left out keeps its
 * default ({@link DEFAULT_GATE_RULES}), `false` or `null` switches that check off. Unknown keys
 * are refused (a typo would otherwise be ignored). Errors name the file and the field.
 *
 * ```json
 * {
 *   "schema": "emubench.gate-rules/1",
 *   "curves": [{ "metric": "nrmse", "steps": "summary", "maxRatio": 1.1 },
 *              { "metric": "mse", "fields": ["u"], "steps": [1, 10], "maxRatio": 1.25, "atol": 1e-12 }],
 *   "geomean": { "metric": "nrmse", "maxRatio": 1.05 },
 *   "divergence": { "allowNew": false, "maxEarlierSteps": 5 },
 *   "stability": { "z": 1.96 }
 * }
 * ```
 *
 * @example
 * ```ts
 * import { parseGateRules } from "./gate.ts";
 * const rules = parseGateRules({ geomean: false, divergence: { maxEarlierSteps: 3 } }, "r.json");
 * if (rules.geomean !== null || rules.divergence?.maxEarlierSteps !== 3) throw new Error();
 * let message = "";
 * try { parseGateRules({ curves: [{ metric: "nrmse", maxRatio: -1 }] }, "r.json"); }
 * catch (e) { message = (e as Error).message; }
 * if (!message.startsWith("r.json: curves[0].maxRatio")) throw new Error(message);
 * ```
 */
export function parseGateRules(json: unknown, file: string): GateRules {
  if (!isObj(json)) {
    throw new ShapeError({ file, expected: "a JSON object of gate rules", found: typeof json });
  }
  onlyKeys(
    json,
    ["schema", "curves", "geomean", "divergence", "stability", "reconstruct"],
    file,
    "",
  );
  if (json.schema !== undefined && json.schema !== GATE_RULES_SCHEMA) {
    throw new ValueRangeError({
      file,
      field: "schema",
      expected: JSON.stringify(GATE_RULES_SCHEMA),
      found: JSON.stringify(json.schema),
    });
  }
  const off = (v: unknown) => v === false || v === null;

  let curves: CurveRule[] = [...DEFAULT_GATE_RULES.curves];
  if (off(json.curves)) curves = [];
  else if (json.curves !== undefined) {
    if (!Array.isArray(json.curves)) {
      throw new ShapeError({
        file,
        field: "curves",
        expected: "a list of {metric, steps, maxRatio}",
        found: JSON.stringify(json.curves)?.slice(0, 60),
      });
    }
    curves = json.curves.map((c, i) => {
      const at = `curves[${i}]`;
      if (!isObj(c)) {
        throw new ShapeError({ file, field: at, expected: "an object", found: typeof c });
      }
      onlyKeys(c, ["metric", "fields", "steps", "maxRatio", "atol", "higherIsBetter"], file, at);
      const base = ratioFields(c, file, at);
      const steps = c.steps ?? "summary";
      if (
        steps !== "summary" &&
        !(Array.isArray(steps) && steps.length > 0 &&
          steps.every((s) => Number.isInteger(s) && (s as number) >= 1))
      ) {
        throw new ShapeError({
          file,
          field: `${at}.steps`,
          expected: '"summary" or a non-empty list of steps ≥ 1',
          found: JSON.stringify(steps),
        });
      }
      const fields = c.fields;
      if (
        fields !== undefined &&
        !(Array.isArray(fields) && fields.length > 0 && fields.every((f) => typeof f === "string"))
      ) {
        throw new ShapeError({
          file,
          field: `${at}.fields`,
          expected: "a non-empty list of field names",
          found: JSON.stringify(fields),
        });
      }
      return {
        ...base,
        steps: steps as CurveRule["steps"],
        ...(fields ? { fields: fields as string[] } : {}),
      };
    });
  }

  let geomean: GeomeanRule | null = DEFAULT_GATE_RULES.geomean;
  if (off(json.geomean)) geomean = null;
  else if (json.geomean !== undefined) {
    if (!isObj(json.geomean)) {
      throw new ShapeError({
        file,
        field: "geomean",
        expected: "{metric, maxRatio} or false",
        found: JSON.stringify(json.geomean),
      });
    }
    onlyKeys(json.geomean, ["metric", "maxRatio", "atol", "higherIsBetter"], file, "geomean");
    geomean = ratioFields({ metric: "nrmse", ...json.geomean }, file, "geomean");
  }

  let divergence: DivergenceRule | null = DEFAULT_GATE_RULES.divergence;
  if (off(json.divergence)) divergence = null;
  else if (json.divergence !== undefined) {
    const d = json.divergence;
    if (!isObj(d)) {
      throw new ShapeError({
        file,
        field: "divergence",
        expected: "{allowNew, maxEarlierSteps} or false",
        found: JSON.stringify(d),
      });
    }
    onlyKeys(d, ["allowNew", "maxEarlierSteps"], file, "divergence");
    const allowNew = d.allowNew ?? false;
    if (typeof allowNew !== "boolean") {
      throw new ShapeError({
        file,
        field: "divergence.allowNew",
        expected: "true or false",
        found: JSON.stringify(allowNew),
      });
    }
    const n = d.maxEarlierSteps ?? 0;
    if (!Number.isInteger(n) || (n as number) < 0) {
      throw new ValueRangeError({
        file,
        field: "divergence.maxEarlierSteps",
        expected: "an integer ≥ 0",
        found: JSON.stringify(n),
      });
    }
    divergence = { allowNew, maxEarlierSteps: n as number };
  }

  let stability: StabilityRule | null = DEFAULT_GATE_RULES.stability;
  if (off(json.stability)) stability = null;
  else if (json.stability !== undefined) {
    const s = json.stability;
    if (!isObj(s)) {
      throw new ShapeError({
        file,
        field: "stability",
        expected: "{z} or false",
        found: JSON.stringify(s),
      });
    }
    onlyKeys(s, ["z"], file, "stability");
    const z = s.z ?? 1.96;
    if (typeof z !== "number" || !(z > 0) || !Number.isFinite(z)) {
      throw new ValueRangeError({
        file,
        field: "stability.z",
        expected: "a positive number (1.96 for 95%)",
        found: JSON.stringify(z),
      });
    }
    stability = { z };
  }

  let reconstruct: ReconstructRule | null = DEFAULT_GATE_RULES.reconstruct;
  if (off(json.reconstruct)) reconstruct = null;
  else if (json.reconstruct !== undefined) {
    if (!isObj(json.reconstruct)) {
      throw new ShapeError({
        file,
        field: "reconstruct",
        expected: "{metric, maxRatio} or false",
        found: JSON.stringify(json.reconstruct),
      });
    }
    onlyKeys(
      json.reconstruct,
      ["metric", "maxRatio", "atol", "higherIsBetter"],
      file,
      "reconstruct",
    );
    reconstruct = ratioFields({ metric: "rmse", ...json.reconstruct }, file, "reconstruct");
  }
  return { curves, geomean, divergence, stability, reconstruct, source: file };
}

/**
 * Read and validate a rules file ({@link parseGateRules}); malformed JSON throws `FormatError`.
 *
 * @example
 * ```ts
 * import { readGateRules } from "./gate.ts";
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/rules.json`, '{"stability": false}');
 * const rules = await readGateRules(`${dir}/rules.json`);
 * await Deno.remove(dir, { recursive: true });
 * if (rules.stability !== null || rules.curves.length !== 1) throw new Error();
 * ```
 */
export async function readGateRules(path: string): Promise<GateRules> {
  return parseGateRules(await readJson(path, "a JSON rules file", "--rules"), path);
}

// ---------------------------------------------------------------------------------------------
// Comparability

/**
 * The ways two results differ that make them incomparable, as `field ("a" vs "b")` strings;
 * empty when they can be compared.
 *
 * @example
 * ```ts
 * import { incomparabilities } from "./gate.ts";
 * import { sampleResult } from "../../reports/sample_result.ts";
 * const a = sampleResult({ steps: 20, ics: 2 }), b = sampleResult({ steps: 20, ics: 3 });
 * if (incomparabilities(a, b).join() !== 'config.ics (2 vs 3)') throw new Error();
 * ```
 */
export function incomparabilities(baseline: Result, candidate: Result): string[] {
  const pairs: [string, unknown, unknown][] = [
    ["task", baseline.task ?? "forecast", candidate.task ?? "forecast"],
    ["suite.id", baseline.suite.id, candidate.suite.id],
    ["suite.version", baseline.suite.version, candidate.suite.version],
    ["suite.tier", baseline.suite.tier, candidate.suite.tier],
    ["suite.fields", baseline.suite.fields.join(","), candidate.suite.fields.join(",")],
    ["config.ics", baseline.config.ics, candidate.config.ics],
    ["config.steps", baseline.config.steps, candidate.config.steps],
    ["config.seed", baseline.config.seed, candidate.config.seed],
    [
      "config.privateSeedSha256",
      baseline.config.privateSeedSha256,
      candidate.config.privateSeedSha256,
    ],
  ];
  if (baseline.suite.tier === "data" || candidate.suite.tier === "data") {
    pairs.push(["config.data", baseline.config.data, candidate.config.data]);
  }
  return pairs.filter(([, a, b]) => a !== b).map(([k, a, b]) =>
    typeof a === "number"
      ? `${k} (${a} vs ${b})`
      : `${k} (${JSON.stringify(a)} vs ${JSON.stringify(b)})`
  );
}

// ---------------------------------------------------------------------------------------------
// Checks

const isCurveRow = (r: ResultRow, metric: string, field: string) =>
  r.metric === metric && r.field === field && r.ic === undefined && r.k === undefined &&
  r.region === undefined; // regional weather rows: the whole-grid row is the one gated

/** Where a rule sits, for errors: the rules file and the rule's path in it. */
interface RuleAt {
  readonly file: string;
  readonly at: string;
}

const DEFAULT_RULES_NAME = "the default gate rules";

/**
 * Direction of the metric of `rule`: the rule's own `higherIsBetter` if set, else the baseline
 * result's catalogue. A metric the baseline's catalogue does not hold, one whose direction is
 * `none` (not a score) when the rule sets none, or one the two results' catalogues give opposite
 * directions, throws `ValueRangeError` naming the rules file and the rule: never a default.
 */
function higherIsBetter(
  rule: { metric: string; higherIsBetter?: boolean },
  where: RuleAt,
  baseline: Result,
  candidate: Result,
): boolean {
  const entry = (r: Result) =>
    Object.hasOwn(r.catalogue, rule.metric) ? r.catalogue[rule.metric] : undefined;
  const b = entry(baseline), c = entry(candidate);
  if (!b) {
    const known = Object.keys(baseline.catalogue).filter((k) =>
      baseline.catalogue[k].direction !== "none"
    );
    throw new ValueRangeError({
      file: where.file,
      field: `${where.at}.metric`,
      expected: `a metric of the baseline result's catalogue (e.g. ${known.slice(0, 8).join(", ")}${
        known.length > 8 ? ", …" : ""
      })`,
      found: JSON.stringify(rule.metric),
    });
  }
  if (c && c.direction !== b.direction) {
    throw new ValueRangeError({
      field: `catalogue.${rule.metric}.direction`,
      expected: "the same direction in the baseline and the candidate",
      found: `${JSON.stringify(b.direction)} vs ${JSON.stringify(c.direction)}`,
    });
  }
  if (rule.higherIsBetter !== undefined) return rule.higherIsBetter;
  if (b.direction === "none") {
    throw new ValueRangeError({
      file: where.file,
      field: `${where.at}.metric`,
      expected: `a score (direction "lower" or "higher"): ${
        JSON.stringify(rule.metric)
      } has direction "none" in the baseline's catalogue; set higherIsBetter in the rule to gate it`,
      found: JSON.stringify(rule.metric),
    });
  }
  return b.direction === "higher";
}

function fmt(v: number | null | undefined): string {
  if (v === null || v === undefined) return "—";
  if (v === 0) return "0";
  const a = Math.abs(v);
  return a >= 1e-3 && a < 1e5 ? String(Number(v.toPrecision(4))) : v.toExponential(3);
}

/**
 * Why `r` may lack rows of `metric` when it ran with device-side reductions (`Result.reductions`,
 * `run --reductions device`): the omission that names the id (or the whole `family`), or the
 * families it left out; undefined for a host-scored result.
 */
function deviceWhy(r: Result, metric: string, family?: string): string | undefined {
  const rec = r.reductions;
  if (!rec) return undefined;
  const hit = rec.omitted.find((o) =>
    o.metrics ? o.metrics.includes(metric) : family !== undefined && o.family === family
  );
  return hit
    ? `not computed with device reductions (${hit.because})`
    : `it ran with device reductions, which leave out ${
      rec.omitted.filter((o) => !o.metrics).map((o) => o.family).join(", ") || "nothing else"
    }`;
}

/** Why `r` has no row of `metric` ({@link deviceWhy}): the note of a failed check. */
function noRowNote(r: Result, metric: string): string {
  const why = deviceWhy(r, metric);
  return why === undefined
    ? "candidate has no such row"
    : `candidate has no such row${why.startsWith("not") ? ": " : "; "}${why}`;
}

function ratioCheck(
  kind: "curve" | "geomean" | "reconstruct",
  rule: { metric: string; maxRatio: number; atol?: number },
  hib: boolean,
  field: string,
  step: number | undefined,
  b: ResultRow | undefined,
  c: ResultRow | undefined,
  missing = "candidate has no such row",
): Check {
  const atol = rule.atol ?? 0;
  const limit = `${hib ? "≥ 1/" : "≤ "}${rule.maxRatio}×${atol > 0 ? ` ± ${fmt(atol)}` : ""}`;
  const base = { kind, metric: rule.metric, field, ...(step === undefined ? {} : { step }), limit };
  const bv = b?.value ?? null, cv = c?.value ?? null;
  if (bv === null) {
    return {
      ...base,
      baseline: null,
      candidate: cv,
      status: "skip",
      note: "baseline has no value here (every IC diverged)",
    };
  }
  if (cv === null) {
    return {
      ...base,
      baseline: bv,
      candidate: null,
      ratio: null,
      status: "fail",
      note: c ? "candidate has no value here: every IC diverged" : missing,
    };
  }
  const ratio = bv !== 0 ? cv / bv : cv === 0 ? 1 : null;
  const ok = hib ? cv >= bv / rule.maxRatio - atol : cv <= rule.maxRatio * bv + atol;
  const notes: string[] = [];
  if (b?.n !== undefined && c?.n !== undefined && b.n !== c.n) {
    notes.push(`means over ${c.n} (candidate) vs ${b.n} (baseline) ICs`);
  }
  return {
    ...base,
    baseline: bv,
    candidate: cv,
    ratio,
    status: ok ? "pass" : "fail",
    ...(notes.length > 0 ? { note: notes.join("; ") } : {}),
  };
}

function curveChecks(baseline: Result, candidate: Result, rules: GateRules): Check[] {
  const out: Check[] = [];
  const T = baseline.config.steps;
  const file = rules.source ?? DEFAULT_RULES_NAME;
  rules.curves.forEach((rule, i) => {
    const hib = higherIsBetter(rule, { file, at: `curves[${i}]` }, baseline, candidate);
    const steps = rule.steps === "summary"
      ? [...new Set([...baseline.config.summarySteps, T])].sort((a, b) => a - b)
      : [...rule.steps];
    const bad = steps.find((s) => s > T);
    if (bad !== undefined) {
      throw new ValueRangeError({
        file,
        field: `curves[${i}].steps`,
        expected: `steps in 1..${T} (the results' horizon)`,
        found: String(bad),
      });
    }
    const fields = rule.fields ?? baseline.suite.fields;
    for (const field of fields) {
      if (!baseline.suite.fields.includes(field)) {
        throw new ValueRangeError({
          file,
          field: `curves[${i}].fields`,
          expected: `fields of ${baseline.suite.id}: ${baseline.suite.fields.join(", ")}`,
          found: JSON.stringify(field),
        });
      }
      const bRows = baseline.rows.filter((r) =>
        isCurveRow(r, rule.metric, field) && r.step !== undefined
      );
      if (bRows.length === 0) {
        throw new ValueRangeError({
          file,
          field: `curves[${i}].metric`,
          expected: `a metric with per-step rows in the baseline (e.g. ${
            [
              ...new Set(
                baseline.rows.filter((r) =>
                  r.step !== undefined && r.ic === undefined && r.k === undefined
                ).map((r) => r.metric),
              ),
            ].slice(0, 6).join(", ")
          })`,
          found: JSON.stringify(rule.metric),
          ...(baseline.reductions
            ? { hint: `The baseline has no such rows: ${deviceWhy(baseline, rule.metric)}.` }
            : {}),
        });
      }
      const cRows = candidate.rows.filter((r) =>
        isCurveRow(r, rule.metric, field) && r.step !== undefined
      );
      for (const step of steps) {
        out.push(ratioCheck(
          "curve",
          rule,
          hib,
          field,
          step,
          bRows.find((r) => r.step === step),
          cRows.find((r) => r.step === step),
          noRowNote(candidate, rule.metric),
        ));
      }
    }
  });
  return out;
}

function geomeanChecks(
  baseline: Result,
  candidate: Result,
  rule: GeomeanRule,
  file: string,
): Check[] {
  const hib = higherIsBetter(rule, { file, at: "geomean" }, baseline, candidate);
  const pick = (r: Result, field: string) =>
    r.rows.find((x) =>
      isCurveRow(x, rule.metric, field) && x.step === undefined &&
      x.reduction === "geomean_over_steps_then_mean_over_ics"
    );
  return baseline.suite.fields.flatMap((field) => {
    const b = pick(baseline, field);
    if (!b) return []; // nothing to compare against
    return [
      ratioCheck(
        "geomean",
        rule,
        hib,
        field,
        undefined,
        b,
        pick(candidate, field),
        noRowNote(candidate, rule.metric),
      ),
    ];
  });
}

/** The divergence check; bound (finite blow-up) and NaN/Inf divergence count alike. */
function divergenceCheck(baseline: Result, candidate: Result, rule: DivergenceRule): Check {
  const T = baseline.config.steps, N = rule.maxEarlierSteps;
  const stepOf = (r: Result, ic: number) => r.divergence.find((d) => d.ic === ic)?.step ?? null;
  const problems: string[] = [], better: string[] = [];
  for (let ic = 0; ic < baseline.config.ics; ic++) {
    const b = stepOf(baseline, ic), c = stepOf(candidate, ic);
    if (c === null) {
      if (b !== null) better.push(`IC ${ic}`);
      continue;
    }
    if (b === null && !rule.allowNew) {
      problems.push(`IC ${ic} diverged at step ${c} (baseline finite)`);
    } else if (c < (b ?? T + 1) - N) {
      problems.push(
        `IC ${ic} diverged at step ${c}, ${(b ?? T + 1) - c} steps before the baseline${
          b === null ? " (finite to the horizon)" : ` (step ${b})`
        }`,
      );
    }
  }
  const count = (r: Result) => r.divergence.filter((d) => d.step !== null).length;
  const notes = [...problems];
  const bound = divergenceCounts(candidate.divergence).bound;
  if (bound > 0) {
    notes.push(
      `candidate: ${divergenceText(candidate.divergence)} (a finite blow-up is divergence)`,
    );
  }
  if (better.length > 0) notes.push(`finite where the baseline diverged: ${better.join(", ")}`);
  return {
    kind: "divergence",
    metric: "divergence",
    field: "*",
    baseline: count(baseline),
    candidate: count(candidate),
    limit: `${rule.allowNew ? "new allowed" : "no new"}, ≤ ${N} steps earlier`,
    status: problems.length > 0 ? "fail" : "pass",
    ...(notes.length > 0 ? { note: notes.join("; ") } : {}),
  };
}

function stabilityChecks(baseline: Result, candidate: Result, rule: StabilityRule): Check[] {
  const rateRows = (r: Result) =>
    r.rows.filter((x) =>
      x.metric === "stability_rate" && x.step === undefined && x.ic === undefined &&
      x.k === undefined
    );
  const bRows = rateRows(baseline), cRows = rateRows(candidate);
  if (bRows.length === 0 && cRows.length === 0) return [];
  const fields = [...new Set([...bRows, ...cRows].map((r) => r.field))];
  return fields.map((field): Check => {
    const b = bRows.find((r) => r.field === field), c = cRows.find((r) => r.field === field);
    const base = { kind: "stability" as const, metric: "stability_rate", field };
    if (!b || !c || b.value === null || c.value === null) {
      const who = !b || b.value === null ? "baseline" : "candidate";
      const missing = who === "baseline" ? (b ? undefined : baseline) : (c ? undefined : candidate);
      const why = missing && deviceWhy(missing, "stability_rate", "stability");
      return {
        ...base,
        baseline: b?.value ?? null,
        candidate: c?.value ?? null,
        limit: "—",
        status: "skip",
        note: `${who} has no stability rate${why ? `; ${why}` : ""}`,
      };
    }
    const n = b.n ?? baseline.config.ics;
    const k = Math.min(n, Math.max(0, Math.round(b.value * n)));
    const { lower, upper } = wilson(k, n, rule.z);
    return {
      ...base,
      baseline: b.value,
      candidate: c.value,
      limit: `≥ ${fmt(lower)} (Wilson ${rule.z === 1.96 ? "95%" : `z = ${rule.z}`} of ${k}/${n}: [${
        fmt(lower)
      }, ${fmt(upper)}])`,
      status: c.value < lower ? "fail" : "pass",
    };
  });
}

function reconstructChecks(
  baseline: Result,
  candidate: Result,
  rule: ReconstructRule | null,
  file: string,
) {
  const out: Check[] = [];
  const stepFree = (r: Result, metric: string, field: string) =>
    r.rows.find((x) =>
      x.metric === metric && x.field === field && x.step === undefined && x.ic === undefined &&
      x.k === undefined
    );
  if (rule) {
    const hib = higherIsBetter(rule, { file, at: "reconstruct" }, baseline, candidate);
    const fields = baseline.suite.fields;
    if (!fields.some((f) => stepFree(baseline, rule.metric, f))) {
      throw new ValueRangeError({
        file,
        field: "reconstruct.metric",
        expected: "a metric with step-free per-field rows in the baseline reconstruction",
        found: JSON.stringify(rule.metric),
      });
    }
    for (const f of fields) {
      out.push(
        ratioCheck(
          "reconstruct",
          rule,
          hib,
          f,
          undefined,
          stepFree(baseline, rule.metric, f),
          stepFree(candidate, rule.metric, f),
        ),
      );
    }
  }
  const b = stepFree(baseline, "compression_ratio", "*")?.value ?? null;
  const c = stepFree(candidate, "compression_ratio", "*")?.value ?? null;
  out.push({
    kind: "compression",
    metric: "compression_ratio",
    field: "*",
    baseline: b,
    candidate: c,
    ratio: b !== null && c !== null && b !== 0 ? c / b : null,
    limit: `≥ ${fmt(b)}`,
    status: b === null ? "skip" : c === null || c < b ? "fail" : "pass",
    ...(b === null
      ? { note: "baseline has no compression ratio" }
      : c === null
      ? { note: "candidate has no compression ratio" }
      : c < b
      ? { note: "the candidate compresses less than the baseline" }
      : {}),
  });
  return out;
}

// ---------------------------------------------------------------------------------------------
// Markdown

/**
 * Escape text from a result file (model names, descriptions: submitter-controlled) for a
 * GitHub-flavoured Markdown table cell: backslash-escapes `\`, `` ` ``, `*`, `_`, `[`, `]`, `<`,
 * `>`, `|`, `~` and `&` (so a cell cannot end early, open a code span, emphasis, a link, an
 * image, an entity or raw HTML), breaks `@mentions` with a zero-width space, folds line breaks
 * to spaces and caps the length at 120 characters.
 *
 * @example
 * ```ts
 * import { escapeMarkdown } from "./gate.ts";
 * if (escapeMarkdown("a|b`c") !== "a\\|b\\`c") throw new Error(escapeMarkdown("a|b`c"));
 * ```
 */
export function escapeMarkdown(text: string): string {
  const flat = Array.from(String(text).replace(/[\r\n\t\u2028\u2029]+/g, " "))
    .filter((ch) => ch.charCodeAt(0) >= 0x20 && ch !== "\u007f").join("");
  const cut = flat.length > 120 ? `${flat.slice(0, 119)}…` : flat;
  return cut.replace(/[\\`*_[\]<>|~&]/g, (c) => `\\${c}`).replace(/@/g, "@\u200b");
}

function describe(r: Result): string {
  return `**${escapeMarkdown(r.model.name)}** (\`${r.model.sha256.slice(0, 12)}\`, ${
    escapeMarkdown(r.environment.backend)
  }, ${escapeMarkdown(r.created.slice(0, 10))})`;
}

const ICON = { pass: "✅ pass", fail: "❌ fail", skip: "➖ skip" } as const;

function checkName(c: Check): string {
  switch (c.kind) {
    case "curve":
      return `${c.metric} at step ${c.step}`;
    case "geomean":
      return `${c.metric} geomean over steps`;
    case "divergence":
      return "diverged ICs";
    case "stability":
      return "stability rate";
    case "reconstruct":
      return `${c.metric} of the reconstruction`;
    case "compression":
      return "compression ratio";
  }
}

function renderMarkdown(
  baseline: Result,
  candidate: Result,
  checks: Check[],
  pass: boolean,
): string {
  const failed = checks.filter((c) => c.status === "fail");
  const s = baseline.suite, cfg = baseline.config;
  const lines = [
    `### emubench gate: ${
      pass ? "✅ no regression" : `❌ ${failed.length} regression${failed.length === 1 ? "" : "s"}`
    }`,
    "",
    `Suite \`${escapeMarkdown(s.id)}\` v${escapeMarkdown(s.version)}, tier ${
      escapeMarkdown(s.tier)
    }, ${
      (baseline.task ?? "forecast") === "reconstruct"
        ? `reconstruction of ${cfg.ics} samples`
        : `${cfg.ics} ICs × ${cfg.steps} steps`
    }, seed ${cfg.seed}.  `,
    `Baseline: ${describe(baseline)}  `,
    `Candidate: ${describe(candidate)}`,
    "",
    ...([["Baseline", baseline], ["Candidate", candidate]] as const).flatMap(([who, r]) =>
      r.readNote
        ? [
          `> ${who}: a result of schema \`${escapeMarkdown(r.schema)}\` without a metric ` +
          "catalogue; metric directions come from this emubench's built-in catalogue.",
          "",
        ]
        : []
    ),
    "| check | field | baseline | candidate | ratio | limit | result |",
    "|---|---|--:|--:|--:|---|---|",
  ];
  for (const c of checks) {
    const ratio = c.ratio === undefined ? "" : c.ratio === null ? "—" : `${fmt(c.ratio)}×`;
    const value = (v: number | null) => c.kind === "divergence" ? `${v} / ${cfg.ics}` : fmt(v);
    lines.push(
      `| ${escapeMarkdown(checkName(c))} | ${escapeMarkdown(c.field)} | ${value(c.baseline)} | ${
        value(c.candidate)
      } | ${ratio} | ${escapeMarkdown(c.limit)} | ${ICON[c.status]} |`,
    );
  }
  const notes = checks.filter((c) => c.note);
  if (notes.length > 0) {
    lines.push("");
    for (const c of notes.slice(0, 20)) {
      lines.push(
        `- ${c.status === "fail" ? "**fail**" : c.status}: ${escapeMarkdown(checkName(c))} (${
          escapeMarkdown(c.field)
        }): ${escapeMarkdown(c.note!)}`,
      );
    }
    if (notes.length > 20) lines.push(`- … and ${notes.length - 20} more`);
  }
  return lines.join("\n") + "\n";
}

// ---------------------------------------------------------------------------------------------

/**
 * Compare `candidate` with `baseline` under `rules` (default {@link DEFAULT_GATE_RULES}). Both
 * should have passed `checkResult` (`harness/results/check.ts`). Throws `ValueRangeError` when
 * the results are not comparable ({@link incomparabilities}) or a rule names a metric, field or
 * step the results do not have, or when no check ran (`rules` switch every check off, or every
 * check was skipped): a gate that checks nothing must not pass. `rulesFile` names the rules file
 * in that message.
 *
 * @example
 * ```ts
 * import { gate } from "./gate.ts";
 * import { sampleResult } from "../../reports/sample_result.ts";
 * const base = sampleResult({ steps: 20, ics: 2, diverge: {} });
 * const bad = sampleResult({ steps: 20, ics: 2, diverge: { 1: 12 } });
 * const out = gate(base, bad);
 * const div = out.checks.find((c) => c.kind === "divergence");
 * if (out.pass || div?.status !== "fail" || !out.markdown.includes("IC 1 diverged")) {
 *   throw new Error(out.markdown);
 * }
 * ```
 */
export function gate(
  baseline: Result,
  candidate: Result,
  rules: GateRules = DEFAULT_GATE_RULES,
  rulesFile?: string,
): GateOutcome {
  const diff = incomparabilities(baseline, candidate);
  if (diff.length > 0) {
    throw new ValueRangeError({
      field: "baseline vs candidate",
      expected: "results of the same suite, version, tier, fields, IC count, horizon and seed",
      found: `they differ in ${diff.join(", ")}`,
    });
  }
  const task = baseline.task ?? "forecast";
  const file = rules.source ?? DEFAULT_RULES_NAME;
  const checks: Check[] = task === "reconstruct"
    ? reconstructChecks(baseline, candidate, rules.reconstruct, file)
    : task === "stability"
    // Long model-only runs: no error curves, only divergence and the stability rate.
    ? [
      ...(rules.divergence ? [divergenceCheck(baseline, candidate, rules.divergence)] : []),
      ...(rules.stability ? stabilityChecks(baseline, candidate, rules.stability) : []),
    ]
    : [
      ...curveChecks(baseline, candidate, rules),
      ...(rules.geomean ? geomeanChecks(baseline, candidate, rules.geomean, file) : []),
      ...(rules.divergence ? [divergenceCheck(baseline, candidate, rules.divergence)] : []),
      ...(rules.stability ? stabilityChecks(baseline, candidate, rules.stability) : []),
    ];
  // A gate where no check ran cannot pass: it would wave through anything.
  if (!checks.some((c) => c.status !== "skip")) {
    throw new ValueRangeError({
      ...(rulesFile ? { file: rulesFile } : {}),
      field: "rules",
      expected: `at least one check that runs on ${task} results`,
      found: checks.length === 0
        ? "no check ran: every check is switched off"
        : `no check ran: all ${checks.length} were skipped`,
    });
  }
  const pass = checks.every((c) => c.status !== "fail");
  return { pass, checks, markdown: renderMarkdown(baseline, candidate, checks, pass) };
}

/**
 * Deep checks of result files for the readers that publish or judge them (leaderboard, gate,
 * submissions). {@link validateResult} checks the shape the report needs to start; this module
 * adds every field the readers touch, and the internal consistency a hand-edited ("tampered")
 * file breaks:
 *
 * - every metric id of the rows has a well-formed catalogue entry (direction, label, units,
 *   family), and the suite block has its grid (schema 2);
 * - `model.sha256` is sha256 over the `path:sha256` lines of `model.files` joined by `\n`, as
 *   `evaluate` writes it;
 * - `divergence` has one entry per IC `0..ics−1`, steps in `1..steps` or `null`;
 * - per-IC rows name an IC in range, steps lie in `0..steps`, counts `n` in `0..ics`;
 * - a `mean_over_ics` row at a step that also has per-IC rows equals their mean (relative
 *   tolerance 1e-9), and a `geomean_over_steps_then_mean_over_ics` row equals the mean of its
 *   per-IC `geomean_over_steps` rows, where those exist.
 *
 * These catch an edited headline number, not a forged file rewritten consistently: result
 * files carry no signature, so a leaderboard that must resist forgery re-runs submissions
 * (`emubench submissions`) rather than accept uploaded results.
 * @module
 */
import { sha256HexSync } from "../core/hash.ts";
import { isRecord } from "../core/checks.ts";
import { ShapeError, ValueRangeError } from "../core/errors.ts";
import { validateResult } from "./io.ts";
import { type Result, RESULT_SCHEMA_V1 } from "./schema.ts";
import { METRIC_DIRECTIONS } from "../../metrics/catalogue.ts";
import { readJson } from "../core/json_file.ts";

const HEX64 = /^[0-9a-f]{64}$/;

function found(v: unknown): string {
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

type Check = (cond: boolean, field: string, expected: string, value: unknown) => void;

function checker(file: string): Check {
  return (cond, field, expected, value) => {
    if (!cond) throw new ShapeError({ file, field, expected, found: found(value) });
  };
}

const isObj = isRecord;
const isStr = (v: unknown): v is string => typeof v === "string";
const isInt = (v: unknown, min = -Infinity, max = Infinity): v is number =>
  Number.isInteger(v) && (v as number) >= min && (v as number) <= max;
const isNum = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);
const isStrList = (v: unknown): v is string[] => Array.isArray(v) && v.every(isStr);

/**
 * The model hash `evaluate` records: sha256 (hex) over `files.map(f => f.path + ":" +
 * f.sha256).join("\n")`, in the order the files are listed.
 *
 * @example
 * ```ts
 * import { modelHash } from "./check.ts";
 * const h = modelHash([{ path: "model.onnx", sha256: "0".repeat(64) }]);
 * if (!/^[0-9a-f]{64}$/.test(h)) throw new Error(h);
 * ```
 */
export function modelHash(files: readonly { path: string; sha256: string }[]): string {
  const lines = files.map((f) => `${f.path}:${f.sha256}`).join("\n");
  return sha256HexSync(lines);
}

function checkStructure(r: Result, ok: Check): void {
  ok(isStr(r.created), "created", "an ISO date string", r.created);
  const s = r.suite;
  for (const k of ["id", "version", "tier", "title"] as const) {
    ok(isStr(s[k]) && s[k] !== "", `suite.${k}`, "a non-empty string", s[k]);
  }
  ok(
    isStrList(s.fields) && s.fields.length > 0,
    "suite.fields",
    "a non-empty list of names",
    s.fields,
  );
  ok(isNum(s.dt) && s.dt > 0, "suite.dt", "a positive number", s.dt);

  const m = r.model;
  ok(m.kind === "model" || m.kind === "baseline", "model.kind", `"model" or "baseline"`, m.kind);
  ok(
    m.description === undefined || isStr(m.description),
    "model.description",
    "a string",
    m.description,
  );
  ok(
    m.authors === undefined || isStrList(m.authors),
    "model.authors",
    "a list of strings",
    m.authors,
  );
  ok(HEX64.test(m.sha256), "model.sha256", "64 lowercase hex digits", m.sha256);
  ok(Array.isArray(m.files) && m.files.length > 0, "model.files", "a non-empty list", m.files);
  m.files.forEach((f, i) => {
    ok(isObj(f), `model.files[${i}]`, "{path, sha256, bytes}", f);
    ok(isStr(f.path) && f.path !== "", `model.files[${i}].path`, "a file name", f.path);
    ok(
      isStr(f.sha256) && HEX64.test(f.sha256),
      `model.files[${i}].sha256`,
      "64 hex digits",
      f.sha256,
    );
    ok(isInt(f.bytes, 0), `model.files[${i}].bytes`, "a byte count", f.bytes);
  });
  ok(isStr(m.form), "model.form", "a string", m.form);
  ok(isInt(m.history, 1), "model.history", "an integer ≥ 1", m.history);
  ok(isStrList(m.carry), "model.carry", "a list of names", m.carry);

  const c = r.config;
  ok(isInt(c.ics, 1), "config.ics", "an integer ≥ 1", c.ics);
  ok(isInt(c.steps, 1), "config.steps", "an integer ≥ 1", c.steps);
  if (c.seed === null) {
    ok(
      typeof c.privateSeedSha256 === "string" && /^[0-9a-f]{64}$/.test(c.privateSeedSha256),
      "config.privateSeedSha256",
      "the SHA-256 (64 hex digits) of the private seed, since config.seed is null",
      c.privateSeedSha256,
    );
  } else {
    ok(
      isInt(c.seed, 0),
      "config.seed",
      "a non-negative integer (or null with a private seed)",
      c.seed,
    );
    ok(
      c.privateSeedSha256 === undefined,
      "config.privateSeedSha256",
      "absent when config.seed is given",
      c.privateSeedSha256,
    );
  }
  ok(isStr(c.backend), "config.backend", "a string", c.backend);
  ok(isInt(c.batch, 1), "config.batch", "an integer ≥ 1", c.batch);
  ok(isStr(c.data), "config.data", "a string", c.data);
  ok(
    Array.isArray(c.summarySteps) && c.summarySteps.every((x) => isInt(x, 1, c.steps)),
    "config.summarySteps",
    `a list of steps in 1..${c.steps}`,
    c.summarySteps,
  );

  const e = r.environment;
  for (const k of ["emubench", "deno", "v8", "os", "arch", "backend"] as const) {
    ok(isStr(e[k]), `environment.${k}`, "a string", e[k]);
  }
  ok(
    e.gitCommit === null || isStr(e.gitCommit),
    "environment.gitCommit",
    "a string or null",
    e.gitCommit,
  );
  ok(e.adapter === null || isStr(e.adapter), "environment.adapter", "a string or null", e.adapter);
  ok(isObj(e.onnxruntime), "environment.onnxruntime", "{web, node}", e.onnxruntime);
  ok(isStr(e.onnxruntime.web), "environment.onnxruntime.web", "a string", e.onnxruntime.web);
  ok(
    e.onnxruntime.node === null || isStr(e.onnxruntime.node),
    "environment.onnxruntime.node",
    "a string or null",
    e.onnxruntime.node,
  );
  for (
    const k of [
      "modelSeconds",
      "metricSeconds",
      "referenceSeconds",
      "stepsPerSecond",
      "totalSeconds",
    ] as const
  ) {
    ok(
      isNum(r.timings[k]) && r.timings[k] >= 0,
      `timings.${k}`,
      "a non-negative number",
      r.timings[k],
    );
  }

  // Schema 2: the catalogue and what reports draw from the suite block (schema 1 results were
  // upgraded by validateResult: built-in entries, no grid or energy).
  for (const [id, entry] of Object.entries(r.catalogue)) {
    const at = `catalogue.${id}`;
    ok(isObj(entry), at, "{direction, label, units, family}", entry);
    ok(
      METRIC_DIRECTIONS.includes(entry.direction),
      `${at}.direction`,
      METRIC_DIRECTIONS.map((d) => `"${d}"`).join(" or "),
      entry.direction,
    );
    for (const k of ["label", "units", "family"] as const) {
      ok(isStr(entry[k]) && entry[k] !== "", `${at}.${k}`, "a non-empty string", entry[k]);
    }
    ok(
      entry.description === undefined || isStr(entry.description),
      `${at}.description`,
      "a string",
      entry.description,
    );
  }
  if (r.schema !== RESULT_SCHEMA_V1) {
    const g = s.grid as Record<string, unknown> | undefined;
    ok(
      isObj(g) && ["periodic1d", "grid2d", "healpix"].includes(g.kind as string) &&
        Object.entries(g).every(([k, v]) => k === "kind" || isNum(v) || isStr(v)),
      "suite.grid",
      '{kind: "periodic1d" | "grid2d" | "healpix", ...numbers}',
      g,
    );
    ok(s.energy === undefined || isStr(s.energy), "suite.energy", "a string", s.energy);
    ok(
      s.units === undefined ||
        (isObj(s.units) && Object.values(s.units).every((v) => isStr(v) && v.length <= 40)),
      "suite.units",
      "field name → units string (≤ 40 characters)",
      s.units,
    );
  }

  r.rows.forEach((row, i) => {
    ok(
      row.ic === undefined || isInt(row.ic, 0, c.ics - 1),
      `rows[${i}].ic`,
      `an IC in 0..${c.ics - 1}`,
      row.ic,
    );
    ok(
      row.step === undefined || isInt(row.step, 0, c.steps),
      `rows[${i}].step`,
      `a step in 0..${c.steps}`,
      row.step,
    );
    ok(
      row.n === undefined || isInt(row.n, 0, c.ics),
      `rows[${i}].n`,
      `a count in 0..${c.ics}`,
      row.n,
    );
    ok(row.k === undefined || isInt(row.k, 0), `rows[${i}].k`, "a wavenumber ≥ 0", row.k);
    ok(
      row.reduction === undefined || isStr(row.reduction),
      `rows[${i}].reduction`,
      "a string",
      row.reduction,
    );
    ok(row.region === undefined || isStr(row.region), `rows[${i}].region`, "a string", row.region);
    ok(
      (row.q25 === undefined && row.q75 === undefined) ||
        (isNum(row.q25) && isNum(row.q75) && row.q25 <= row.q75),
      `rows[${i}].q25/q75`,
      "absent, or two finite numbers with q25 ≤ q75 (quartiles across ICs)",
      `${row.q25}/${row.q75}`,
    );
  });

  ok(
    r.divergence.length === c.ics,
    "divergence",
    `one entry per IC (${c.ics})`,
    `${r.divergence.length} entries`,
  );
  r.divergence.forEach((d, i) => {
    ok(isObj(d) && d.ic === i, `divergence[${i}].ic`, `${i}`, (d as { ic?: unknown })?.ic);
    ok(
      d.step === null || isInt(d.step, 1, c.steps),
      `divergence[${i}].step`,
      `null or a step in 1..${c.steps}`,
      d.step,
    );
    ok(
      d.reason === undefined || (d.step !== null && ["nonfinite", "bound"].includes(d.reason)),
      `divergence[${i}].reason`,
      'absent, or "nonfinite" / "bound" on a diverged IC',
      d.reason,
    );
    ok(
      d.detail === undefined || (d.reason === "bound" && isStr(d.detail)),
      `divergence[${i}].detail`,
      'absent, or a string with reason "bound"',
      d.detail,
    );
  });

  r.snapshots.forEach((sn, i) => {
    const at = `snapshots[${i}]`;
    ok(isObj(sn), at, "{ic, step, field, pred, ref}", sn);
    ok(isInt(sn.ic, 0, c.ics - 1), `${at}.ic`, `an IC in 0..${c.ics - 1}`, sn.ic);
    ok(isInt(sn.step, 0, c.steps), `${at}.step`, `a step in 0..${c.steps}`, sn.step);
    ok(isStr(sn.field), `${at}.field`, "a field name", sn.field);
    ok(
      Array.isArray(sn.ref) && sn.ref.every(isNum),
      `${at}.ref`,
      "a list of finite numbers",
      "other",
    );
    ok(
      Array.isArray(sn.pred) && sn.pred.length === sn.ref.length &&
        sn.pred.every((v) => v === null || isNum(v)),
      `${at}.pred`,
      `${sn.ref.length} finite numbers or nulls`,
      "other",
    );
  });
}

const close = (a: number, b: number) =>
  Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b), 1e-300);

function checkConsistency(r: Result, file: string): void {
  const tampered = (field: string, expected: string, value: string) => {
    throw new ValueRangeError({
      file,
      field,
      expected,
      found: value,
      hint: "The file is inconsistent with itself: it was edited after the run, or is corrupt.",
    });
  };
  const hash = modelHash(r.model.files);
  if (hash !== r.model.sha256) {
    tampered(
      "model.sha256",
      `sha256 of model.files (${hash.slice(0, 12)}…)`,
      r.model.sha256.slice(0, 12) + "…",
    );
  }
  // Per-IC values grouped by (metric, field, step or reduction).
  const perIc = new Map<string, (number | null)[]>();
  for (const row of r.rows) {
    if (row.ic === undefined || row.k !== undefined) continue;
    const key = row.step !== undefined
      ? `${row.metric}\u0000${row.field}\u0000step ${row.step}`
      : row.reduction === "geomean_over_steps"
      ? `${row.metric}\u0000${row.field}\u0000geomean`
      : undefined;
    if (key === undefined) continue;
    const list = perIc.get(key) ?? [];
    list.push(row.value);
    perIc.set(key, list);
  }
  r.rows.forEach((row, i) => {
    // Regional weather rows have no per-IC rows of their own.
    if (row.ic !== undefined || row.k !== undefined || row.region !== undefined) return;
    if (row.value === null) return;
    let key: string | undefined;
    if (row.step !== undefined && row.reduction === "mean_over_ics") {
      key = `${row.metric}\u0000${row.field}\u0000step ${row.step}`;
    } else if (
      row.step === undefined && row.reduction === "geomean_over_steps_then_mean_over_ics"
    ) {
      key = `${row.metric}\u0000${row.field}\u0000geomean`;
    }
    const values = key === undefined
      ? undefined
      : perIc.get(key)?.filter((v) => v !== null) as number[];
    if (!values || values.length === 0) return;
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    if (!close(mean, row.value)) {
      tampered(
        `rows[${i}] (${row.metric} ${row.field} ${
          row.step !== undefined ? `step ${row.step}` : row.reduction
        })`,
        `${mean}, the mean of its ${values.length} per-IC rows`,
        String(row.value),
      );
    }
  });
}

/**
 * Check `json` as a result file read from `file`: {@link validateResult}, then every field the
 * readers use, then the consistency rules in the module documentation. Throws `ShapeError`
 * (a `TypeError`) for a wrong shape and `ValueRangeError` (a `RangeError`) for an inconsistent
 * file, naming the file and field; both are input errors (CLI exit code 2).
 *
 * @example
 * ```ts
 * import { checkResult } from "./check.ts";
 * let message = "";
 * try { checkResult({ schema: "emubench.result/1" }, "r.json"); } catch (e) { message = String(e); }
 * if (!message.includes("r.json: suite")) throw new Error(message);
 * ```
 */
export function checkResult(json: unknown, file: string): Result {
  const r = validateResult(json, file);
  checkStructure(r, checker(file));
  checkConsistency(r, file);
  return r;
}

/**
 * Read a result file and {@link checkResult} it. A file that is not JSON throws `FormatError`.
 *
 * @example
 * ```ts
 * import { readCheckedResult } from "./check.ts";
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/r.json`, "{not json");
 * let ok = false;
 * try { await readCheckedResult(`${dir}/r.json`); } catch (e) { ok = e instanceof SyntaxError; }
 * await Deno.remove(dir, { recursive: true });
 * if (!ok) throw new Error("expected a SyntaxError");
 * ```
 */
export async function readCheckedResult(path: string, field?: string): Promise<Result> {
  return checkResult(await readJson(path, "a JSON result file", field), path);
}

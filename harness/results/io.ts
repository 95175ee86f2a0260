/**
 * Reading result files with validation: reports, leaderboards and gates read only these, so a
 * malformed or hand-edited file must be refused with a message, never half-used.
 * @module
 */
import { ShapeError, ValueRangeError } from "../core/errors.ts";
import {
  type Hovmoller,
  type Result,
  RESULT_SCHEMA,
  RESULT_SCHEMA_V1,
  type SpectrumLabel,
} from "./schema.ts";
import { readJson } from "../core/json_file.ts";
import { checkFrontier } from "./frontier.ts";
import {
  describeMetric,
  METRIC_DIRECTIONS,
  type MetricCatalogue,
} from "../../metrics/catalogue.ts";

/** Spectrum names of reports when a result does not give any (`suite.spectrum`). */
export const DEFAULT_SPECTRUM_LABEL: SpectrumLabel = {
  name: "energy spectrum",
  x: "wavenumber k",
  y: "E(k)",
};

/**
 * Spectrum names of built-in suites as schema 1 results meant them (frozen: schema 1 files
 * carry none, and reports took them from the suite registry of the day).
 */
const V1_SPECTRUM_LABELS: Readonly<Record<string, SpectrumLabel>> = {
  era5: { name: "angular power spectrum", x: "degree ℓ", y: "C_ℓ" },
};

/** The note {@link upgradeResult} sets on a schema 1 result. */
export const V1_READ_NOTE = "This result was written before results carried their metric " +
  `catalogue (schema ${RESULT_SCHEMA_V1}): the meaning of its metrics (direction, label, units) ` +
  "is taken from the built-in catalogue of the emubench that read it.";

function check(cond: boolean, file: string, field: string, expected: string, found: unknown) {
  if (!cond) {
    throw new ShapeError({ file, field, expected, found: JSON.stringify(found)?.slice(0, 80) });
  }
}

/**
 * The `reductions` block of a `run --reductions device` result (`ReductionsRecord`): where,
 * precision, backend and note strings, and `omitted` entries `{family, because, metrics?}`.
 */
function checkReductions(rec: Result["reductions"], file: string): void {
  const str = (v: unknown) => typeof v === "string";
  check(
    typeof rec === "object" && rec !== null && rec.where === "device" && str(rec.precision) &&
      str(rec.backend) && str(rec.note),
    file,
    "reductions",
    '{where: "device", precision, backend, note, omitted}',
    rec,
  );
  check(Array.isArray(rec!.omitted), file, "reductions.omitted", "an array", rec!.omitted);
  rec!.omitted.forEach((o, i) =>
    check(
      typeof o === "object" && o !== null && str(o.family) && str(o.because) &&
        (o.metrics === undefined || (Array.isArray(o.metrics) && o.metrics.every(str))),
      file,
      `reductions.omitted[${i}]`,
      "{family, because, metrics?: string[]}",
      o,
    )
  );
}

/**
 * Check that `json` has the shape of a result (schema tag, required blocks, well-typed rows, a
 * catalogue entry for every metric id of the rows). Throws `ShapeError` naming the field
 * otherwise. A schema 1 file is returned upgraded ({@link upgradeResult}).
 *
 * @example
 * ```ts
 * import { validateResult } from "./io.ts";
 * import { sampleResult } from "../../reports/sample_result.ts";
 * const r = sampleResult({ steps: 5, ics: 1 });
 * validateResult(r, "r.json");
 * const { nrmse: _, ...rest } = r.catalogue;
 * let message = "";
 * try { validateResult({ ...r, catalogue: rest }, "r.json"); } catch (e) { message = String(e); }
 * if (!message.includes("r.json: rows[")) throw new Error(message);
 * ```
 */
export function validateResult(json: unknown, file: string): Result {
  const r = json as Result;
  check(typeof json === "object" && json !== null, file, "(root)", "an object", json);
  check(
    r.schema === RESULT_SCHEMA || r.schema === RESULT_SCHEMA_V1,
    file,
    "schema",
    `"${RESULT_SCHEMA}" (or "${RESULT_SCHEMA_V1}", read with the built-in catalogue)`,
    r.schema,
  );
  for (const k of ["suite", "model", "config", "environment", "timings"] as const) {
    check(typeof r[k] === "object" && r[k] !== null, file, k, "an object", r[k]);
  }
  check(typeof r.suite.id === "string", file, "suite.id", "a string", r.suite.id);
  check(typeof r.model.name === "string", file, "model.name", "a string", r.model.name);
  check(typeof r.model.sha256 === "string", file, "model.sha256", "a string", r.model.sha256);
  check(Array.isArray(r.rows), file, "rows", "an array", r.rows);
  r.rows.forEach((row, i) => {
    check(
      typeof row?.metric === "string" && typeof row.field === "string",
      file,
      `rows[${i}]`,
      "{metric, field, ...}",
      row,
    );
    check(
      row.value === null || (typeof row.value === "number" && Number.isFinite(row.value)),
      file,
      `rows[${i}].value`,
      "a finite number or null",
      row.value,
    );
    check(
      row.step === undefined || Number.isInteger(row.step),
      file,
      `rows[${i}].step`,
      "an integer",
      row.step,
    );
  });
  check(Array.isArray(r.divergence), file, "divergence", "an array", r.divergence);
  check(Array.isArray(r.snapshots), file, "snapshots", "an array", r.snapshots);
  r.snapshots.forEach((sn, i) => {
    if (sn?.shape === undefined) return;
    const size = Array.isArray(sn.shape) && sn.shape.every((d) => Number.isInteger(d) && d >= 1)
      ? sn.shape.reduce((x, y) => x * y, 1)
      : NaN;
    check(
      size === sn.ref?.length,
      file,
      `snapshots[${i}].shape`,
      `dimensions whose product is the ${sn.ref?.length} values`,
      sn.shape,
    );
  });
  if (r.hovmoller !== undefined) checkHovmoller(r.hovmoller, file);
  if (r.frontier !== undefined) checkFrontier(r.frontier, r, file);
  if (r.reductions !== undefined) checkReductions(r.reductions, file);
  check(r.readNote === undefined, file, "readNote", "no such field (readers set it)", r.readNote);
  if (r.schema === RESULT_SCHEMA_V1) return upgradeResult(r, file);
  checkCatalogue(r, file);
  const sp = r.suite.spectrum;
  check(
    typeof sp === "object" && sp !== null &&
      [sp.name, sp.x, sp.y].every((v) => typeof v === "string"),
    file,
    "suite.spectrum",
    "{name, x, y} strings",
    sp,
  );
  return r;
}

/**
 * The catalogue block of a schema 2 result: an object with an entry of known direction and a
 * label for every metric id of the rows (the deeper field checks are in `check.ts`).
 */
function checkCatalogue(r: Result, file: string): void {
  const cat = r.catalogue;
  check(
    typeof cat === "object" && cat !== null && !Array.isArray(cat),
    file,
    "catalogue",
    "an object of metric id → {direction, label, units, family}",
    cat,
  );
  const seen = new Set<string>();
  r.rows.forEach((row, i) => {
    if (seen.has(row.metric)) return;
    seen.add(row.metric);
    const entry = Object.hasOwn(cat, row.metric) ? cat[row.metric] : undefined;
    check(
      entry !== undefined,
      file,
      `rows[${i}].metric`,
      "a metric id with an entry in catalogue",
      row.metric,
    );
    check(
      typeof entry === "object" && entry !== null &&
        METRIC_DIRECTIONS.includes(entry.direction) && typeof entry.label === "string",
      file,
      `catalogue.${row.metric}`,
      `{direction: ${METRIC_DIRECTIONS.map((d) => `"${d}"`).join(" | ")}, label, units, family}`,
      entry,
    );
  });
}

/**
 * A schema 1 result (no catalogue) as schema 2 readers use it: `catalogue` built from the
 * generic entries of `metrics/catalogue.ts` for every metric id of its rows, `suite.spectrum`
 * as reports named it then, and {@link V1_READ_NOTE} in `readNote`. The file's `schema` stays
 * `"emubench.result/1"`. A schema 2 result is returned as it is. A metric id the built-in
 * catalogue does not know throws `ValueRangeError` naming the file and row.
 *
 * @example
 * ```ts
 * import { upgradeResult } from "./io.ts";
 * import type { Result } from "./schema.ts";
 * const old = {
 *   schema: "emubench.result/1",
 *   suite: { id: "burgers1d" },
 *   rows: [{ metric: "nrmse", field: "u", step: 1, value: 0.1 }],
 * } as unknown as Result;
 * const r = upgradeResult(old, "old.json");
 * if (r.catalogue.nrmse.direction !== "lower" || !r.readNote) throw new Error();
 * ```
 */
export function upgradeResult(r: Result, file: string): Result {
  if (r.schema !== RESULT_SCHEMA_V1) return r;
  const catalogue: MetricCatalogue = {};
  r.rows.forEach((row, i) => {
    if (Object.hasOwn(catalogue, row.metric)) return;
    const info = describeMetric(row.metric);
    if (!info) {
      throw new ValueRangeError({
        file,
        field: `rows[${i}].metric`,
        expected: `a metric id known to emubench (${RESULT_SCHEMA_V1} files carry no catalogue)`,
        found: JSON.stringify(row.metric),
      });
    }
    catalogue[row.metric] = info;
  });
  const spectrum = Object.hasOwn(V1_SPECTRUM_LABELS, r.suite.id)
    ? V1_SPECTRUM_LABELS[r.suite.id]
    : DEFAULT_SPECTRUM_LABEL;
  return { ...r, suite: { ...r.suite, spectrum }, catalogue, readNote: V1_READ_NOTE };
}

const finiteList = (v: unknown, n: number): boolean =>
  Array.isArray(v) && v.length === n &&
  v.every((x) => typeof x === "number" && Number.isFinite(x));

/** Shape of the optional `hovmoller` block (one row of W finite values per step). */
function checkHovmoller(hov: Hovmoller, file: string): void {
  const at = "hovmoller";
  check(typeof hov === "object" && hov !== null, file, at, "an object", hov);
  check(Number.isInteger(hov.ic) && hov.ic >= 0, file, `${at}.ic`, "an IC index", hov.ic);
  check(typeof hov.field === "string", file, `${at}.field`, "a field name", hov.field);
  check(hov.axis === "x", file, `${at}.axis`, `"x"`, hov.axis);
  check(Number.isInteger(hov.row) && hov.row >= 0, file, `${at}.row`, "a row index", hov.row);
  check(Number.isFinite(hov.y), file, `${at}.y`, "a finite coordinate", hov.y);
  check(
    Array.isArray(hov.x) && hov.x.length > 0 && finiteList(hov.x, hov.x.length),
    file,
    `${at}.x`,
    "a non-empty list of coordinates",
    hov.x,
  );
  const w = hov.x.length;
  check(
    Array.isArray(hov.steps) && hov.steps.length > 0 &&
      hov.steps.every((s, i) => Number.isInteger(s) && (i === 0 || s > hov.steps[i - 1])),
    file,
    `${at}.steps`,
    "increasing integer steps",
    hov.steps,
  );
  const t = hov.steps.length;
  check(
    Number.isInteger(hov.firstStep) && hov.firstStep >= 1,
    file,
    `${at}.firstStep`,
    "an integer ≥ 1",
    hov.firstStep,
  );
  check(Array.isArray(hov.ref) && hov.ref.length === t, file, `${at}.ref`, `${t} rows`, "other");
  hov.ref.forEach((row, i) =>
    check(finiteList(row, w), file, `${at}.ref[${i}]`, `${w} finite numbers`, "other")
  );
  check(Array.isArray(hov.pred) && hov.pred.length === t, file, `${at}.pred`, `${t} rows`, "other");
  hov.pred.forEach((row, i) =>
    check(
      row === null || finiteList(row, w),
      file,
      `${at}.pred[${i}]`,
      `null or ${w} finite numbers`,
      "other",
    )
  );
}

/**
 * Read and validate a result file ({@link validateResult}: shape only). Readers that publish or
 * judge results (report, leaderboard, gate) use `readCheckedResult` (`check.ts`) instead.
 */
export async function readResult(path: string): Promise<Result> {
  return validateResult(await readJson(path, "a JSON result file"), path);
}

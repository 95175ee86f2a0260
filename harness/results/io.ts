/**
 * Reading result files with validation: reports, leaderboards and gates read only these, so a
 * malformed or hand-edited file must be refused with a message, never half-used.
 * @module
 */
import { ShapeError } from "../core/errors.ts";
import { type Hovmoller, type Result, RESULT_SCHEMA } from "./schema.ts";
import { readJson } from "../core/json_file.ts";

function check(cond: boolean, file: string, field: string, expected: string, found: unknown) {
  if (!cond) {
    throw new ShapeError({ file, field, expected, found: JSON.stringify(found)?.slice(0, 80) });
  }
}

/**
 * Check that `json` has the shape of a result (schema tag, required blocks, well-typed rows).
 * Throws `ShapeError` naming the field otherwise.
 */
export function validateResult(json: unknown, file: string): Result {
  const r = json as Result;
  check(typeof json === "object" && json !== null, file, "(root)", "an object", json);
  check(r.schema === RESULT_SCHEMA, file, "schema", `"${RESULT_SCHEMA}"`, r.schema);
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
  return r;
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

/** Read and validate a result file. */
export async function readResult(path: string): Promise<Result> {
  return validateResult(await readJson(path, "a JSON result file"), path);
}

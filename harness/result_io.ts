/**
 * Reading result files with validation: reports, leaderboards and gates read only these, so a
 * malformed or hand-edited file must be refused with a message, never half-used.
 * @module
 */
import { ShapeError } from "./errors.ts";
import { type Result, RESULT_SCHEMA } from "./result_schema.ts";
import { readJson } from "./json_file.ts";

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
  return r;
}

/** Read and validate a result file. */
export async function readResult(path: string): Promise<Result> {
  return validateResult(await readJson(path, "a JSON result file"), path);
}

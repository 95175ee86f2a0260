/**
 * Small checks of untrusted values shared by every layer above: plain JSON objects and
 * positive integer options (CLI flags), with errors that name the field.
 *
 * @example
 * ```ts
 * import { isRecord, positiveInt } from "./checks.ts";
 * if (!isRecord({ a: 1 }) || isRecord([1]) || isRecord(null)) throw new Error("isRecord");
 * if (positiveInt(undefined, "--ics") !== undefined || positiveInt(3, "--ics") !== 3) {
 *   throw new Error("positiveInt");
 * }
 * let message = "";
 * try { positiveInt(0, "--ics"); } catch (e) { message = String(e); }
 * if (!message.includes("--ics")) throw new Error(message);
 * ```
 * @module
 */
import { ValueRangeError } from "./errors.ts";

/** True for a plain object (not null, not an array): a JSON object. */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * `v` if it is a positive integer (or 0 with `zeroOk`), `undefined` if absent; otherwise
 * `ValueRangeError` naming `field` (e.g. the CLI flag).
 */
export function positiveInt(
  v: number | undefined,
  field: string,
  zeroOk = false,
): number | undefined {
  if (v === undefined) return undefined;
  if (!Number.isInteger(v) || v < (zeroOk ? 0 : 1)) {
    throw new ValueRangeError({
      field,
      expected: zeroOk ? "a non-negative integer" : "a positive integer",
      found: String(v),
    });
  }
  return v;
}

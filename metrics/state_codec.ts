/**
 * Exact text encoding of accumulator state for sharded runs: float64 arrays as little-endian
 * bytes in base64 (every bit survives JSON, NaN and ±Infinity included), flags as bytes.
 * Shared by {@link ./scorer.ts} and {@link ./diagnostics.ts}.
 *
 * @example
 * ```ts
 * import { base64ToF64, f64ToBase64 } from "./state_codec.ts";
 * const a = new Float64Array([0.1, -0, NaN, Infinity]);
 * const b = base64ToF64(f64ToBase64(a), 4, "demo", "states");
 * if (!a.every((v, i) => Object.is(v, b[i]))) throw new Error("round trip");
 * ```
 * @module
 */

/** Bytes to base64 (chunked, so large arrays do not overflow the argument list). */
export function bytesToBase64(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(s);
}

/** float64 values to base64 of their little-endian bytes. */
export function f64ToBase64(a: Float64Array): string {
  const bytes = new Uint8Array(a.length * 8), view = new DataView(bytes.buffer);
  for (let i = 0; i < a.length; i++) view.setFloat64(i * 8, a[i], true);
  return bytesToBase64(bytes);
}

/**
 * Decode base64 to exactly `length` bytes, or throw `TypeError` "Cannot merge <what>: <where>:
 * expected base64 of N bytes, found …".
 */
export function base64ToBytes(
  text: unknown,
  length: number,
  where: string,
  what: string,
): Uint8Array {
  let binary: string | undefined;
  try {
    binary = typeof text === "string" ? atob(text) : undefined;
  } catch { /* reported below */ }
  if (binary === undefined || binary.length !== length) {
    throw new TypeError(
      `Cannot merge ${what}: ${where}: expected base64 of ${length} bytes, found ${
        binary === undefined
          ? `${typeof text === "string" ? "invalid base64" : typeof text}`
          : `${binary.length} bytes`
      }`,
    );
  }
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

/** Decode base64 of `length` little-endian float64 values (errors as {@link base64ToBytes}). */
export function base64ToF64(
  text: unknown,
  length: number,
  where: string,
  what: string,
): Float64Array {
  const bytes = base64ToBytes(text, length * 8, where, what), view = new DataView(bytes.buffer);
  return Float64Array.from({ length }, (_, i) => view.getFloat64(i * 8, true));
}

/**
 * Check that merged states covered every IC: `owner[ic]` is the index of the state that held
 * IC `ic`, or −1. Throws `RangeError` "Cannot merge <what>: ICs … are in none of the N states".
 */
export function checkCoverage(owner: Int32Array, states: number, what: string): void {
  const missing = [...owner.keys()].filter((ic) => owner[ic] < 0);
  if (missing.length === 0) return;
  const list = missing.length > 8
    ? `${missing.slice(0, 8).join(", ")}, … (${missing.length} in all)`
    : missing.join(", ");
  throw new RangeError(
    `Cannot merge ${what}: IC${missing.length === 1 ? "" : "s"} ${list} ${
      missing.length === 1 ? "is" : "are"
    } in none of the ${states} states; expected every IC 0..${owner.length - 1} once`,
  );
}

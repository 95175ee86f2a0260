/**
 * SHA-256 digests as lowercase hex, for model files, cached references and result records.
 *
 * Arrays are hashed by their bytes in a fixed byte order (little-endian), so the same values
 * give the same digest on every machine.
 * @module
 */

/** Any byte source accepted by {@link sha256Hex}. */
export type Bytes = ArrayBuffer | ArrayBufferView;

/** True on little-endian hosts (every platform Deno ships for today). */
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * SHA-256 of `bytes` as 64 lowercase hex characters (WebCrypto `crypto.subtle.digest`).
 * A typed array is hashed by the bytes of its view only, not its whole buffer.
 *
 * @example
 * ```ts
 * import { sha256Hex } from "./hash.ts";
 * const hex = await sha256Hex(new TextEncoder().encode("abc"));
 * if (hex !== "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad") {
 *   throw new Error(hex);
 * }
 * ```
 */
export async function sha256Hex(bytes: Bytes): Promise<string> {
  const view = bytes instanceof ArrayBuffer
    ? new Uint8Array(bytes)
    : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // Copy into a fresh ArrayBuffer: WebCrypto refuses views on SharedArrayBuffer and the
  // copy also pins the exact byte range.
  const digest = await crypto.subtle.digest("SHA-256", view.slice());
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * The bytes of `values` as little-endian float32 in the array's (C) order. On a little-endian
 * host this is a view on the same memory; on a big-endian host it is a byte-swapped copy.
 *
 * @example
 * ```ts
 * import { float32LeBytes } from "./hash.ts";
 * const b = float32LeBytes(new Float32Array([1]));
 * if (b.join(",") !== "0,0,128,63") throw new Error(b.join(","));
 * ```
 */
export function float32LeBytes(values: Float32Array): Uint8Array {
  if (LITTLE_ENDIAN) return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  const out = new Uint8Array(values.length * 4);
  const view = new DataView(out.buffer);
  for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i], true);
  return out;
}

/**
 * SHA-256 of a float32 array's little-endian bytes in C order: the digest emubench records for
 * reference trajectories.
 *
 * @example
 * ```ts
 * import { sha256Float32 } from "./hash.ts";
 * const a = await sha256Float32(new Float32Array([1, 2]));
 * const b = await sha256Float32(new Float32Array([1, 2]));
 * if (a !== b || a.length !== 64) throw new Error(a);
 * ```
 */
export function sha256Float32(values: Float32Array): Promise<string> {
  return sha256Hex(float32LeBytes(values));
}

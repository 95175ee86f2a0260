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

const K256 = new Uint32Array([
  0x428a2f98,
  0x71374491,
  0xb5c0fbcf,
  0xe9b5dba5,
  0x3956c25b,
  0x59f111f1,
  0x923f82a4,
  0xab1c5ed5,
  0xd807aa98,
  0x12835b01,
  0x243185be,
  0x550c7dc3,
  0x72be5d74,
  0x80deb1fe,
  0x9bdc06a7,
  0xc19bf174,
  0xe49b69c1,
  0xefbe4786,
  0x0fc19dc6,
  0x240ca1cc,
  0x2de92c6f,
  0x4a7484aa,
  0x5cb0a9dc,
  0x76f988da,
  0x983e5152,
  0xa831c66d,
  0xb00327c8,
  0xbf597fc7,
  0xc6e00bf3,
  0xd5a79147,
  0x06ca6351,
  0x14292967,
  0x27b70a85,
  0x2e1b2138,
  0x4d2c6dfc,
  0x53380d13,
  0x650a7354,
  0x766a0abb,
  0x81c2c92e,
  0x92722c85,
  0xa2bfe8a1,
  0xa81a664b,
  0xc24b8b70,
  0xc76c51a3,
  0xd192e819,
  0xd6990624,
  0xf40e3585,
  0x106aa070,
  0x19a4c116,
  0x1e376c08,
  0x2748774c,
  0x34b0bcb5,
  0x391c0cb3,
  0x4ed8aa4a,
  0x5b9cca4f,
  0x682e6ff3,
  0x748f82ee,
  0x78a5636f,
  0x84c87814,
  0x8cc70208,
  0x90befffa,
  0xa4506ceb,
  0xbef9a3f7,
  0xc67178f2,
]);

/**
 * SHA-256 of `data` (a string is hashed as UTF-8), synchronously and in plain JavaScript, so it
 * runs the same in Deno and in browsers (WebCrypto is async only). For short inputs: model
 * hashes and CSP script hashes. Returns the 32 digest bytes.
 *
 * @example
 * ```ts
 * import { sha256Sync } from "./hash.ts";
 * const hex = Array.from(sha256Sync("abc"), (b) => b.toString(16).padStart(2, "0")).join("");
 * if (hex !== "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad") {
 *   throw new Error(hex);
 * }
 * ```
 */
export function sha256Sync(data: string | Uint8Array): Uint8Array {
  return new Sha256().update(typeof data === "string" ? new TextEncoder().encode(data) : data)
    .digest();
}

/** {@link sha256Sync} as 64 lowercase hex characters. */
export function sha256HexSync(data: string | Uint8Array): string {
  return Array.from(sha256Sync(data), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** {@link sha256Sync} in base64 (as CSP hashes spell it). */
export function sha256Base64Sync(data: string | Uint8Array): string {
  return btoa(String.fromCharCode(...sha256Sync(data)));
}

/**
 * SHA-256 fed in pieces, in plain JavaScript (browsers and Deno alike): `update` with each piece
 * of the message in order, then `digest` or `hex` once. The digest of the pieces is the digest of their
 * concatenation, so a trajectory too long to hold whole can be hashed chunk by chunk
 * (`harness/data/reference_store.ts` hashes cached references this way). The 64-byte block
 * compression is FIPS 180-4's; {@link sha256Sync} is this class fed once.
 *
 * @example
 * ```ts
 * import { Sha256 } from "./hash.ts";
 * const h = new Sha256();
 * h.update(new TextEncoder().encode("a"));
 * h.update(new TextEncoder().encode("bc"));
 * if (h.hex() !== "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad") {
 *   throw new Error("sha256(abc)");
 * }
 * ```
 */
export class Sha256 {
  readonly #h = new Int32Array([
    0x6a09e667,
    0xbb67ae85,
    0x3c6ef372,
    0xa54ff53a,
    0x510e527f,
    0x9b05688c,
    0x1f83d9ab,
    0x5be0cd19,
  ]);
  readonly #w = new Int32Array(64);
  readonly #block = new Uint8Array(64);
  #fill = 0;
  #length = 0;
  #done = false;

  /** Append `bytes` to the message. */
  update(bytes: Uint8Array): this {
    if (this.#done) throw new Error("Sha256: update after digest()");
    this.#length += bytes.length;
    let i = 0;
    if (this.#fill > 0) {
      const take = Math.min(64 - this.#fill, bytes.length);
      this.#block.set(bytes.subarray(0, take), this.#fill);
      this.#fill += take;
      i = take;
      if (this.#fill < 64) return this;
      this.#compress(this.#block, 0);
      this.#fill = 0;
    }
    for (; i + 64 <= bytes.length; i += 64) this.#compress(bytes, i);
    if (i < bytes.length) {
      this.#block.set(bytes.subarray(i));
      this.#fill = bytes.length - i;
    }
    return this;
  }

  /** The digest of everything passed to {@link update}, 32 bytes. */
  digest(): Uint8Array {
    if (!this.#done) {
      const bits = this.#length * 8;
      const tail = new Uint8Array(this.#fill + 9 <= 64 ? 64 - this.#fill : 128 - this.#fill);
      tail[0] = 0x80;
      const dv = new DataView(tail.buffer);
      dv.setUint32(tail.length - 8, Math.floor(bits / 2 ** 32));
      dv.setUint32(tail.length - 4, bits >>> 0);
      this.update(tail);
      this.#done = true;
    }
    const out = new Uint8Array(32), view = new DataView(out.buffer);
    for (let i = 0; i < 8; i++) view.setUint32(i * 4, this.#h[i] >>> 0);
    return out;
  }

  /** {@link digest} as 64 lowercase hex characters. */
  hex(): string {
    return Array.from(this.digest(), (b) => b.toString(16).padStart(2, "0")).join("");
  }

  #compress(m: Uint8Array, at: number): void {
    const w = this.#w, H = this.#h;
    for (let t = 0, p = at; t < 16; t++, p += 4) {
      w[t] = (m[p] << 24) | (m[p + 1] << 16) | (m[p + 2] << 8) | m[p + 3];
    }
    for (let t = 16; t < 64; t++) {
      const a = w[t - 15], b = w[t - 2];
      const s0 = ((a >>> 7) | (a << 25)) ^ ((a >>> 18) | (a << 14)) ^ (a >>> 3);
      const s1 = ((b >>> 17) | (b << 15)) ^ ((b >>> 19) | (b << 13)) ^ (b >>> 10);
      w[t] = (w[t - 16] + s0 + w[t - 7] + s1) | 0;
    }
    let a = H[0], b = H[1], c = H[2], d = H[3], e = H[4], f = H[5], g = H[6], h = H[7];
    for (let t = 0; t < 64; t++) {
      const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
      const t1 = (h + S1 + ((e & f) ^ (~e & g)) + K256[t] + w[t]) | 0;
      const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
      const t2 = (S0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
      h = g;
      g = f;
      f = e;
      e = (d + t1) | 0;
      d = c;
      c = b;
      b = a;
      a = (t1 + t2) | 0;
    }
    H[0] += a;
    H[1] += b;
    H[2] += c;
    H[3] += d;
    H[4] += e;
    H[5] += f;
    H[6] += g;
    H[7] += h;
  }
}

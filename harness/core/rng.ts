/**
 * Deterministic seeded pseudo-random numbers for initial conditions.
 *
 * Generator: xoshiro128** (Blackman & Vigna 2018; 128-bit state, period 2¹²⁸ − 1), seeded from
 * a `(seed, stream)` pair through the murmur3 finaliser `fmix32` and a splitmix-style Weyl
 * sequence, so every stream is an independent-looking sequence and stream `i` does not depend on
 * how many other streams are drawn. All state arithmetic is 32-bit integer (`Math.imul`, `>>>`),
 * hence bit-identical on every machine.
 *
 * Draws:
 * - `nextUint32()`: uniform on {0, …, 2³² − 1};
 * - `uniform()`: `(a·2²⁶ + b) / 2⁵³` from the top 27 and 26 bits of two outputs, uniform on the
 *   53-bit grid in [0, 1) (exact in float64);
 * - `normal()`: standard normal by Box–Muller, `z₀ = √(−2 ln u₁) cos 2πu₂`,
 *   `z₁ = √(−2 ln u₁) sin 2πu₂` with `u₁ ∈ (0, 1]`; the second value is cached. `Math.log`,
 *   `Math.cos`, `Math.sin` are V8's fdlibm ports, so normals are bit-identical wherever emubench
 *   runs (Deno/V8); integers and uniforms are bit-identical in any IEEE-754 runtime.
 *
 * @example
 * ```ts
 * import { Rng } from "./rng.ts";
 * const a = new Rng(42, 7), b = new Rng(42, 7);
 * const x = a.uniform();
 * if (x !== b.uniform() || x < 0 || x >= 1) throw new Error("rng");
 * ```
 * @module
 */

const TWO_POW_32 = 4294967296;

/**
 * murmur3 32-bit finaliser: a bijection on 32-bit integers with full avalanche.
 * `h ^= h >>> 16; h *= 0x85ebca6b; h ^= h >>> 13; h *= 0xc2b2ae35; h ^= h >>> 16` (mod 2³²).
 *
 * @example
 * ```ts
 * import { fmix32 } from "./rng.ts";
 * if (fmix32(0) !== 0) throw new Error("fmix32 fixes 0");
 * ```
 */
export function fmix32(h: number): number {
  h |= 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function checkKey(name: string, v: number): void {
  if (!Number.isSafeInteger(v) || v < 0) {
    throw new RangeError(
      `Cannot seed Rng: expected ${name} to be a non-negative safe integer, found ${v}`,
    );
  }
}

/**
 * The four 32-bit state words for `(seed, stream)`: with `lo`/`hi` the low and high 32-bit
 * halves, `k = fmix32(fmix32(seedLo ^ fmix32(seedHi + γ)) ^ fmix32(streamLo + 2γ) ^
 * fmix32(streamHi + 3γ))` with γ = 0x9e3779b9, then `s_j = fmix32(k + (j + 1)·γ)` for
 * j = 0…3 (all mod 2³²). An all-zero state (never observed, but excluded) becomes `[1, 0, 0, 0]`.
 *
 * @example
 * ```ts
 * import { seedState } from "./rng.ts";
 * if (seedState(1, 0).length !== 4) throw new Error("four words");
 * ```
 */
export function seedState(seed: number, stream = 0): Uint32Array {
  checkKey("seed", seed);
  checkKey("stream", stream);
  const g = 0x9e3779b9;
  const seedLo = seed >>> 0, seedHi = Math.floor(seed / TWO_POW_32) >>> 0;
  const streamLo = stream >>> 0, streamHi = Math.floor(stream / TWO_POW_32) >>> 0;
  let k = fmix32(seedLo ^ fmix32((seedHi + g) | 0));
  k = fmix32(k ^ fmix32((streamLo + 2 * g) | 0) ^ fmix32((streamHi + 3 * g) | 0));
  const s = new Uint32Array(4);
  for (let j = 0; j < 4; j++) s[j] = fmix32((k + Math.imul(j + 1, g)) | 0);
  if ((s[0] | s[1] | s[2] | s[3]) === 0) s[0] = 1;
  return s;
}

/**
 * Seeded xoshiro128** generator with uniform and standard-normal draws (see module docs).
 * One instance is one stream; draw order is part of the contract (ICs depend on it).
 *
 * @example
 * ```ts
 * import { Rng } from "./rng.ts";
 * const r = new Rng(20261123);
 * const z = r.normal(); // one N(0, 1) draw
 * if (!Number.isFinite(z)) throw new Error("normal");
 * ```
 */
export class Rng {
  #s0: number;
  #s1: number;
  #s2: number;
  #s3: number;
  #spare: number | undefined = undefined;

  /** Seed from a non-negative safe-integer `seed` and `stream` (default 0). */
  constructor(seed: number, stream = 0) {
    const s = seedState(seed, stream);
    this.#s0 = s[0] | 0;
    this.#s1 = s[1] | 0;
    this.#s2 = s[2] | 0;
    this.#s3 = s[3] | 0;
  }

  /**
   * A generator started from four explicit 32-bit state words (not all zero), for testing the
   * xoshiro128** recurrence against its definition.
   *
   * @example
   * ```ts
   * import { Rng } from "./rng.ts";
   * // first output depends only on s₁: rotl(2·5, 7)·9 = 1280·9
   * if (Rng.fromState([1, 2, 3, 4]).nextUint32() !== 11520) throw new Error("xoshiro128**");
   * ```
   */
  static fromState(state: ArrayLike<number>): Rng {
    if (state.length !== 4) {
      throw new RangeError(`Cannot build Rng: expected 4 state words, found ${state.length}`);
    }
    const w = Uint32Array.from(state as ArrayLike<number>);
    if ((w[0] | w[1] | w[2] | w[3]) === 0) {
      throw new RangeError("Cannot build Rng: expected a non-zero state, found all zeros");
    }
    const r = new Rng(0);
    r.#s0 = w[0] | 0;
    r.#s1 = w[1] | 0;
    r.#s2 = w[2] | 0;
    r.#s3 = w[3] | 0;
    return r;
  }

  /**
   * Next 32-bit output: `rotl(s₁·5, 7)·9`, then the xoshiro128 state transition.
   */
  nextUint32(): number {
    const s1 = this.#s1;
    const x = Math.imul(s1, 5);
    const result = Math.imul((x << 7) | (x >>> 25), 9) >>> 0;
    const t = s1 << 9;
    this.#s2 ^= this.#s0;
    this.#s3 ^= s1;
    this.#s1 ^= this.#s2;
    this.#s0 ^= this.#s3;
    this.#s2 ^= t;
    this.#s3 = (this.#s3 << 11) | (this.#s3 >>> 21);
    return result;
  }

  /** Uniform on [0, 1) with 53 random bits: `((a >>> 5)·2²⁶ + (b >>> 6)) / 2⁵³`. */
  uniform(): number {
    const a = this.nextUint32() >>> 5, b = this.nextUint32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }

  /** Uniform on [lo, hi): `lo + (hi − lo)·uniform()`. */
  uniformIn(lo: number, hi: number): number {
    return lo + (hi - lo) * this.uniform();
  }

  /** Standard normal N(0, 1) by Box–Muller (pairs; the sine half is cached for the next call). */
  normal(): number {
    const spare = this.#spare;
    if (spare !== undefined) {
      this.#spare = undefined;
      return spare;
    }
    const u1 = 1 - this.uniform(); // (0, 1]: log is finite
    const u2 = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u1)), theta = 2 * Math.PI * u2;
    this.#spare = r * Math.sin(theta);
    return r * Math.cos(theta);
  }
}

/**
 * Helpers shared by the metric tests: a seeded generator and tolerance assertions. Not part of
 * the public API.
 * @module
 */

/** Seeded uniform generator on [0, 1) (mulberry32), so tests are reproducible. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `n` values uniform on [-1, 1) from `seed`. */
export function randomArray(n: number, seed: number): Float64Array {
  const next = rng(seed);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = 2 * next() - 1;
  return out;
}

/** `n` standard normal values from `seed` (Box–Muller). */
export function gaussianArray(n: number, seed: number): Float64Array {
  const next = rng(seed);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const u = 1 - next(), v = next();
    out[i] = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
  return out;
}

/** Throws unless `|found − expected| ≤ tol` elementwise (numbers or equal-length arrays). */
export function assertClose(
  found: number | ArrayLike<number>,
  expected: number | ArrayLike<number>,
  tol: number,
  what: string,
): void {
  const f = typeof found === "number" ? [found] : found;
  const e = typeof expected === "number" ? [expected] : expected;
  if (f.length !== e.length) {
    throw new Error(`${what}: expected length ${e.length}, found length ${f.length}`);
  }
  for (let i = 0; i < f.length; i++) {
    const ok = f[i] === e[i] || Math.abs(f[i] - e[i]) <= tol;
    if (!ok) {
      throw new Error(
        `${what}: at ${i} expected ${e[i]} ± ${tol}, found ${f[i]} (off by ${
          Math.abs(f[i] - e[i])
        })`,
      );
    }
  }
}

/** Throws unless `fn` throws an instance of `type` whose message contains `includes`. */
export function assertThrowsType(
  fn: () => unknown,
  // deno-lint-ignore no-explicit-any
  type: new (...args: any[]) => Error,
  includes = "",
): Error {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof type)) {
      throw new Error(`expected ${type.name}, found ${e instanceof Error ? e.name : typeof e}`);
    }
    if (!e.message.includes(includes)) {
      throw new Error(`expected a message containing "${includes}", found "${e.message}"`);
    }
    return e;
  }
  throw new Error(`expected ${type.name}, found no error`);
}

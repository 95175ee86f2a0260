/**
 * Minimal assertions for the era5 tests (no network: `@std/assert` is not vendored). Not part
 * of the public API.
 * @module
 */

/** Throws `Error(msg)` unless `cond`. */
export function assert(cond: unknown, msg = "assertion failed"): asserts cond {
  if (!cond) throw new Error(msg);
}

/** Throws unless `|a − b| ≤ tol`. */
export function assertAlmostEquals(a: number, b: number, tol: number, msg = ""): void {
  if (!(Math.abs(a - b) <= tol)) throw new Error(`${msg} expected ${b} ± ${tol}, found ${a}`);
}

/** Throws unless the two arrays (or values) are elementwise identical. */
export function assertEquals(a: unknown, b: unknown, msg = ""): void {
  const x = ArrayBuffer.isView(a) ? Array.from(a as unknown as ArrayLike<number>) : a;
  const y = ArrayBuffer.isView(b) ? Array.from(b as unknown as ArrayLike<number>) : b;
  if (JSON.stringify(x) !== JSON.stringify(y)) {
    throw new Error(
      `${msg} not equal: ${JSON.stringify(x).slice(0, 200)} vs ${JSON.stringify(y).slice(0, 200)}`,
    );
  }
}

/** Throws unless `fn` throws an instance of `cls` whose message contains `includes`. */
export function assertThrows(
  fn: () => unknown,
  // deno-lint-ignore no-explicit-any
  cls: new (...args: any[]) => Error,
  includes = "",
): void {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof cls)) throw new Error(`expected ${cls.name}, found ${e}`);
    if (!(e as Error).message.includes(includes)) {
      throw new Error(`message ${JSON.stringify((e as Error).message)} lacks ${includes}`);
    }
    return;
  }
  throw new Error(`expected ${cls.name}, nothing thrown`);
}

/** Async {@link assertThrows}. */
export async function assertRejects(
  fn: () => Promise<unknown>,
  // deno-lint-ignore no-explicit-any
  cls: new (...args: any[]) => Error,
  includes = "",
): Promise<void> {
  try {
    await fn();
  } catch (e) {
    if (!(e instanceof cls)) throw new Error(`expected ${cls.name}, found ${e}`);
    if (!(e as Error).message.includes(includes)) {
      throw new Error(`message ${JSON.stringify((e as Error).message)} lacks ${includes}`);
    }
    return;
  }
  throw new Error(`expected ${cls.name}, nothing thrown`);
}

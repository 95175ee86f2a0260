/**
 * A tiny WebAssembly assembler for the SIMD kernels that are assembled from their opcodes at run
 * time (no build step, no dependency): LEB128 numbers, a function's named locals, the few
 * instructions the kernels use and the module's sections. `suites/era5/tilted_simd.ts` and
 * `suites/convection1d/shift_simd.ts` use it (`radix4_simd.ts` keeps its own copy, from before).
 *
 * @example
 * ```ts
 * import { Fn, F64, moduleBytes } from "./wasm_asm.ts";
 * const f = new Fn([["a", F64], ["b", F64]], []);
 * const add = f.body([...f.get("a"), ...f.get("b"), 0xa0]); // f64.add
 * const bytes = moduleBytes([[[F64, F64], [F64]]], false, [{ name: "add", type: 0, code: add }]);
 * const ex = new WebAssembly.Instance(new WebAssembly.Module(bytes as BufferSource)).exports;
 * if ((ex.add as (a: number, b: number) => number)(1, 2) !== 3) throw new Error("add");
 * ```
 * @module
 */

/** Value types. */
export const I32 = 0x7f, F64 = 0x7c, V128 = 0x7b;

/** Code: instruction bytes. */
export type Code = number[];

/** Unsigned LEB128. */
export function uleb(v: number): number[] {
  const out: number[] = [];
  do {
    let b = v & 0x7f;
    v >>>= 7;
    if (v !== 0) b |= 0x80;
    out.push(b);
  } while (v !== 0);
  return out;
}

/** Signed LEB128. */
export function sleb(v: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = v & 0x7f;
    v >>= 7;
    if ((v === 0 && (b & 0x40) === 0) || (v === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

/** One function's parameters and locals by name, and its body. */
export class Fn {
  readonly #index = new Map<string, number>();
  readonly #locals: [number, number][] = [];
  #count = 0;
  /** The parameters' value types, in order. */
  readonly params: number[] = [];

  constructor(params: [string, number][], locals: [string, number][]) {
    for (const [name, type] of params) {
      this.#index.set(name, this.#count++);
      this.params.push(type);
    }
    for (const [name, type] of locals) {
      this.#index.set(name, this.#count++);
      this.#locals.push([1, type]);
    }
  }

  #at(name: string): number {
    const i = this.#index.get(name);
    if (i === undefined) throw new Error(`wasm_asm: no local ${name}`);
    return i;
  }

  /** `local.get`. */
  get(name: string): Code {
    return [0x20, ...uleb(this.#at(name))];
  }

  /** `value` then `local.set`. */
  set(name: string, value: Code): Code {
    return [...value, 0x21, ...uleb(this.#at(name))];
  }

  /** The function's code entry: size, locals, `code`, `end`. */
  body(code: Code): Code {
    const locals = [...uleb(this.#locals.length)];
    for (const [n, t] of this.#locals) locals.push(...uleb(n), t);
    const b = [...locals, ...code, 0x0b];
    return [...uleb(b.length), ...b];
  }
}

/** `i32.const`. */
export const i32 = (v: number): Code => [0x41, ...sleb(v)];
/** `i32.add`. */
export const add = (a: Code, b: Code): Code => [...a, ...b, 0x6a];
/** `i32.mul`. */
export const mul = (a: Code, b: Code): Code => [...a, ...b, 0x6c];
/** `i32.lt_u`. */
export const ltU = (a: Code, b: Code): Code => [...a, ...b, 0x49];
/** `i32.load` (aligned). */
export const load32 = (a: Code, off = 0): Code => [...a, 0x28, 2, ...uleb(off)];
/** `f64.const`. */
export const f64 = (v: number): Code => [0x44, ...new Uint8Array(new Float64Array([v]).buffer)];
/** The SIMD prefix and opcode `op`. */
export const simd = (op: number): Code => [0xfd, ...uleb(op)];
/** `v128.load`. */
export const vload = (a: Code, off = 0): Code => [...a, ...simd(0), 4, ...uleb(off)];
/** `v128.load64_splat`: an f64 in both lanes. */
export const vsplat = (a: Code, off = 0): Code => [...a, ...simd(10), 3, ...uleb(off)];
/** `v128.store`. */
export const vstore = (a: Code, v: Code, off = 0): Code => [
  ...a,
  ...v,
  ...simd(11),
  4,
  ...uleb(off),
];
/** `v128.store64_lane` of lane `lane`. */
export const vstore64Lane = (a: Code, v: Code, lane: number, off = 0): Code => [
  ...a,
  ...v,
  ...simd(91),
  3,
  ...uleb(off),
  lane,
];
/** `v128.const 0`. */
export const vzero: Code = [...simd(12), ...new Array(16).fill(0)];
/** `f64x2.splat`. */
export const fsplat = (a: Code): Code => [...a, ...simd(20)];
/** `i8x16.shuffle` of a and b by the 16 byte indices (0–15 of a, 16–31 of b). */
export const shuffle = (a: Code, b: Code, lanes: number[]): Code => [
  ...a,
  ...b,
  ...simd(13),
  ...lanes,
];
/** `f32x4.demote_f64x2_zero`: each f64 lane rounded to f32 (to nearest, ties to even). */
export const demote = (a: Code): Code => [...a, ...simd(94)];
/** `f64x2.add`. */
export const vadd = (a: Code, b: Code): Code => [...a, ...b, ...simd(240)];
/** `f64x2.sub`. */
export const vsub = (a: Code, b: Code): Code => [...a, ...b, ...simd(241)];
/** `f64x2.mul`. */
export const vmul = (a: Code, b: Code): Code => [...a, ...b, ...simd(242)];
/** `do { body } while (cond)` */
export const doWhile = (body: Code, cond: Code): Code => [
  0x03,
  0x40,
  ...body,
  ...cond,
  0x0d,
  0,
  0x0b,
];
/** `if (cond) { body }` */
export const ifThen = (cond: Code, body: Code): Code => [...cond, 0x04, 0x40, ...body, 0x0b];

/** A module section: id, byte length, content. */
export function section(id: number, content: number[]): number[] {
  return [id, ...uleb(content.length), ...content];
}

/** A vector: count, then the items. */
export function vec(items: number[][]): number[] {
  return [...uleb(items.length), ...items.flat()];
}

/** A name: UTF-8 length, then the bytes. */
export function name(s: string): number[] {
  const b = [...new TextEncoder().encode(s)];
  return [...uleb(b.length), ...b];
}

/**
 * A module's bytes: function types `[params, results]`, an imported memory `e.m` (when
 * `memory`), and the exported functions (their code from {@link Fn.body}).
 */
export function moduleBytes(
  types: [number[], number[]][],
  memory: boolean,
  fns: { name: string; type: number; code: Code }[],
): Uint8Array {
  return new Uint8Array([
    0x00,
    0x61,
    0x73,
    0x6d,
    1,
    0,
    0,
    0,
    ...section(
      1,
      vec(types.map(([p, r]) => [0x60, ...vec(p.map((t) => [t])), ...vec(r.map((t) => [t]))])),
    ),
    ...(memory ? section(2, vec([[...name("e"), ...name("m"), 0x02, 0x00, 1]])) : []),
    ...section(3, vec(fns.map((f) => uleb(f.type)))),
    ...section(7, vec(fns.map((f, i) => [...name(f.name), 0, ...uleb(i)]))),
    ...section(10, vec(fns.map((f) => f.code))),
  ]);
}

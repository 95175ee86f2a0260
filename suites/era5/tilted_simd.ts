/**
 * The per-lead-time sum of `evaluateTiltedFields` (`advection.ts`) for two fields as a small
 * WebAssembly module with 128-bit SIMD: two pixels per `f64x2` instruction, {@link PAIRS} pairs
 * of pixels side by side. Every lane does the IEEE operations of `evaluateTiltedFields` for its
 * pixel in the same order (cos ψ, sin ψ by angle addition, the recurrence of cos mψ, sin mψ, each
 * field's sum from m = 0 up; `f64x2` add, sub and mul round each lane as the scalar ones do, and
 * nothing is fused), so the results are the same bits; `advection_test.ts` compares them bit for
 * bit.
 *
 * The tables are copied once into the module's memory, regrouped so that the kernel reads them
 * in order: per group of 2·{@link PAIRS} pixels, cos φ_y and sin φ_y of each pair, Re G_0 of the
 * two fields, then per order m ≥ 1 Re G_m, Im G_m of the first field and of the second, each a
 * pair of pixels (one `v128`). The module is assembled here from its opcodes
 * (`suites/common/wasm_asm.ts`: no build step, no dependency), compiled once per process. {@link tiltedSimdModule} gives its bytes; `advection.ts` uses it through
 * {@link TiltedKernel}.
 *
 * @example
 * ```ts
 * import { tiltedSimdModule } from "./tilted_simd.ts";
 * if (!WebAssembly.validate(tiltedSimdModule() as BufferSource)) throw new Error("invalid");
 * ```
 * @module
 */

import {
  add,
  type Code,
  doWhile,
  F64,
  f64,
  Fn,
  fsplat,
  I32,
  i32,
  ifThen,
  ltU,
  moduleBytes,
  V128,
  vadd,
  vload,
  vmul,
  vstore,
  vsub,
  vzero,
} from "../common/wasm_asm.ts";

/** Pairs of pixels the kernel runs side by side (independent recurrence chains). */
export const PAIRS = 2;

const PARAMS: [string, number][] = [
  ["tab", I32], // byte offset of the regrouped tables
  ["groups", I32], // groups of 2·PAIRS pixels (≥ 1)
  ["L", I32], // orders m = 1 … L (≥ 1)
  ["ct", F64], // cos ωt
  ["st", F64], // sin ωt
  ["oa", I32], // byte offset of the first field's output (2·PAIRS·groups f64)
  ["ob", I32], // the second field's
];

/** Bytes of one group's tables for band limit L: 64·PAIRS·(L + 1). */
export function groupBytes(L: number): number {
  return 64 * PAIRS * (L + 1);
}

function kernel(): Code {
  const q = Array.from({ length: PAIRS }, (_, k) => k);
  const names = ["c", "s", "c1", "s1", "u", "v"];
  const f = new Fn(PARAMS, [
    ...["g", "m", "p"].map((x): [string, number] => [x, I32]),
    ...["ctv", "stv", "one", "t"].map((x): [string, number] => [x, V128]),
    ...q.flatMap((k) => names.map((x): [string, number] => [x + k, V128])),
  ]);
  const g = (x: string) => f.get(x);
  const P = 32 * PAIRS; // header (cos, sin per pair) and m = 0 (Re G_0 of both fields per pair)
  const header = q.flatMap((k) => [
    // cos ψ = cos φ_y cos ωt + sin φ_y sin ωt, sin ψ = sin φ_y cos ωt − cos φ_y sin ωt
    ...f.set(
      `c1${k}`,
      vadd(vmul(vload(g("p"), 32 * k), g("ctv")), vmul(vload(g("p"), 32 * k + 16), g("stv"))),
    ),
    ...f.set(
      `s1${k}`,
      vsub(vmul(vload(g("p"), 32 * k + 16), g("ctv")), vmul(vload(g("p"), 32 * k), g("stv"))),
    ),
    ...f.set(`c${k}`, g("one")),
    ...f.set(`s${k}`, vzero),
    ...f.set(`u${k}`, vload(g("p"), P + 32 * k)),
    ...f.set(`v${k}`, vload(g("p"), P + 32 * k + 16)),
  ]);
  const order = q.flatMap((k) => {
    const [c, s, c1, s1, u, v] = names.map((x) => x + k), o = 64 * k;
    return [
      ...f.set("t", vsub(vmul(g(c), g(c1)), vmul(g(s), g(s1)))),
      ...f.set(s, vadd(vmul(g(s), g(c1)), vmul(g(c), g(s1)))),
      ...f.set(c, g("t")),
      ...f.set(
        u,
        vadd(g(u), vsub(vmul(vload(g("p"), o), g(c)), vmul(vload(g("p"), o + 16), g(s)))),
      ),
      ...f.set(
        v,
        vadd(g(v), vsub(vmul(vload(g("p"), o + 32), g(c)), vmul(vload(g("p"), o + 48), g(s)))),
      ),
    ];
  });
  const stores = q.flatMap((k) => [
    ...vstore(g("oa"), g(`u${k}`), 16 * k),
    ...vstore(g("ob"), g(`v${k}`), 16 * k),
  ]);
  return f.body([
    ...f.set("ctv", fsplat(g("ct"))),
    ...f.set("stv", fsplat(g("st"))),
    ...f.set("one", fsplat(f64(1))),
    ...f.set("p", g("tab")),
    ...f.set("g", i32(0)),
    ...ifThen(
      ltU(i32(0), g("groups")),
      doWhile(
        [
          ...header,
          ...f.set("p", add(g("p"), i32(2 * P))),
          ...f.set("m", i32(1)),
          ...doWhile(
            [
              ...order,
              ...f.set("p", add(g("p"), i32(64 * PAIRS))),
              ...f.set("m", add(g("m"), i32(1))),
            ],
            [...g("L"), ...g("m"), 0x4e], // m ≤ L (i32.ge_s L m)
          ),
          ...stores,
          ...f.set("oa", add(g("oa"), i32(16 * PAIRS))),
          ...f.set("ob", add(g("ob"), i32(16 * PAIRS))),
          ...f.set("g", add(g("g"), i32(1))),
        ],
        ltU(g("g"), g("groups")),
      ),
    ),
  ]);
}

/**
 * The module's bytes: imports memory `e.m`, exports `eval` (0),
 * `(tab, groups, L, ct, st, oa, ob)`: the two fields at the 2·{@link PAIRS}·groups pixels of the
 * regrouped tables at byte offset `tab` ({@link TiltedKernel}), for cos ωt = ct and sin ωt = st,
 * written as f64 at byte offsets `oa` and `ob`.
 *
 * @example
 * ```ts
 * import { tiltedSimdModule } from "./tilted_simd.ts";
 * const bytes = tiltedSimdModule();
 * if (bytes[0] !== 0 || bytes[1] !== 0x61) throw new Error("not a module");
 * ```
 */
export function tiltedSimdModule(): Uint8Array {
  return moduleBytes([[PARAMS.map(([, t]) => t), []]], true, [
    { name: "eval", type: 0, code: kernel() },
  ]);
}

let compiled: WebAssembly.Module | null | undefined;

function compiledModule(): WebAssembly.Module | null {
  if (compiled === undefined) {
    try {
      compiled = new WebAssembly.Module(tiltedSimdModule() as BufferSource);
    } catch {
      compiled = null; // no WebAssembly or no SIMD: the TypeScript loop
    }
  }
  return compiled;
}

/** The tables of two fields that share a frame, as `evaluateTiltedFields` reads them. */
export interface TiltedPair {
  readonly n: number;
  readonly lmax: number;
  readonly cosPy: Float64Array;
  readonly sinPy: Float64Array;
  readonly ar: Float64Array;
  readonly ai: Float64Array;
  readonly br: Float64Array;
  readonly bi: Float64Array;
}

/**
 * The kernel on one memory, holding the regrouped tables of one pair of fields at a time
 * (loaded by {@link TiltedKernel.load}, kept until the next load).
 */
export class TiltedKernel {
  readonly #memory: WebAssembly.Memory;
  readonly #eval: (...args: number[]) => void;
  /** What was loaded: n, lmax and weak references to the six arrays (not kept alive here). */
  #loaded: { n: number; lmax: number; arrays: WeakRef<Float64Array>[] } | undefined;
  #groups = 0;
  #out = 0;

  private constructor(mod: WebAssembly.Module) {
    this.#memory = new WebAssembly.Memory({ initial: 1 });
    const ex = new WebAssembly.Instance(mod, { e: { m: this.#memory } }).exports;
    this.#eval = ex.eval as (...args: number[]) => void;
  }

  /** The process's kernel, or `null` where WebAssembly SIMD is missing. */
  static shared(): TiltedKernel | null {
    if (shared === undefined) {
      const mod = compiledModule();
      shared = mod === null ? null : new TiltedKernel(mod);
    }
    return shared;
  }

  /** Whether `t` is the pair last loaded (the same arrays). */
  holds(t: TiltedPair): boolean {
    const l = this.#loaded;
    if (l === undefined || l.n !== t.n || l.lmax !== t.lmax) return false;
    const a = l.arrays;
    return a[0].deref() === t.cosPy && a[1].deref() === t.sinPy && a[2].deref() === t.ar &&
      a[3].deref() === t.ai && a[4].deref() === t.br && a[5].deref() === t.bi;
  }

  /** Pixels the kernel covers: the whole groups of 2·{@link PAIRS}; the rest is the caller's. */
  covered(): number {
    return this.#groups * 2 * PAIRS;
  }

  /** Copy the tables of `t` into the module's memory, regrouped (module doc). */
  load(t: TiltedPair): void {
    const { n, lmax: L, cosPy, sinPy, ar, ai, br, bi } = t, w = L + 1, G = 2 * PAIRS;
    const groups = Math.floor(n / G), gb = groupBytes(L);
    const need = groups * gb + 2 * 8 * groups * G;
    const have = this.#memory.buffer.byteLength;
    if (need > have) this.#memory.grow(Math.ceil((need - have) / 65536));
    const x = new Float64Array(this.#memory.buffer, 0, need / 8);
    let o = 0;
    for (let g = 0; g < groups; g++) {
      const p0 = g * G;
      for (let k = 0; k < PAIRS; k++) {
        const p = p0 + 2 * k;
        x[o++] = cosPy[p];
        x[o++] = cosPy[p + 1];
        x[o++] = sinPy[p];
        x[o++] = sinPy[p + 1];
      }
      for (let k = 0; k < PAIRS; k++) {
        const b = (p0 + 2 * k) * w;
        x[o++] = ar[b];
        x[o++] = ar[b + w];
        x[o++] = br[b];
        x[o++] = br[b + w];
      }
      for (let m = 1; m <= L; m++) {
        for (let k = 0; k < PAIRS; k++) {
          const b = (p0 + 2 * k) * w + m;
          x[o++] = ar[b];
          x[o++] = ar[b + w];
          x[o++] = ai[b];
          x[o++] = ai[b + w];
          x[o++] = br[b];
          x[o++] = br[b + w];
          x[o++] = bi[b];
          x[o++] = bi[b + w];
        }
      }
    }
    this.#groups = groups;
    this.#out = groups * gb;
    this.#loaded = {
      n,
      lmax: L,
      arrays: [cosPy, sinPy, ar, ai, br, bi].map((x) => new WeakRef(x)),
    };
  }

  /**
   * The loaded fields at the pixels {@link covered}, for cos ωt = `ct`, sin ωt = `st`, into
   * `oa` and `ob` (from index 0).
   */
  evaluate(L: number, ct: number, st: number, oa: Float64Array, ob: Float64Array): void {
    const groups = this.#groups, np = groups * 2 * PAIRS, out = this.#out;
    if (groups === 0 || L < 1) return;
    this.#eval(0, groups, L, ct, st, out, out + 8 * np);
    const buf = this.#memory.buffer;
    oa.set(new Float64Array(buf, out, np));
    ob.set(new Float64Array(buf, out + 8 * np, np));
  }
}

let shared: TiltedKernel | null | undefined;

/**
 * {@link shiftRow} (`solver.ts`) for two steps at once as a small WebAssembly module with 128-bit
 * SIMD: lane 0 computes step m's row, lane 1 step m + 1's, each lane the IEEE operations of
 * `shiftRow` in the same order (the products with the multiplier rows, the half-spectrum
 * unpacking written to bit-reversed positions, the butterflies of `fftPassesAt` (`metrics/fft.ts`:
 * its lone size-2 stage when log₂(n/2) is odd, then its radix-2² passes; the butterflies of a pass
 * touch disjoint values, so their order does not matter), the 1/(n/2) and the float32 rounding;
 * `f64x2` add, sub and mul round each lane as the scalar ones do, nothing is fused, and
 * `f32x4.demote_f64x2_zero` rounds to nearest, ties to even, as a `Float32Array` store does), so
 * the rows are the same bits; `solver_test.ts` compares them bit for bit.
 *
 * The kernel is assembled per n from its opcodes (`suites/common/wasm_asm.ts`: no build step, no
 * dependency) and compiled once per process and n. A {@link ShiftKernel} holds, in its memory, the
 * multiplier table with the rows of each pair of steps interleaved (made once per table, as
 * `solver.ts` keeps the table between reference jobs), the tables of the unpacking and of the
 * butterflies, one IC's half spectrum and the float32 rows of a trajectory.
 *
 * @example
 * ```ts
 * import { shiftSimdModule } from "./shift_simd.ts";
 * if (!WebAssembly.validate(shiftSimdModule(1024) as BufferSource)) throw new Error("invalid");
 * ```
 * @module
 */
import { fftTables } from "../../metrics/fft.ts";
import {
  add,
  type Code,
  demote,
  doWhile,
  f64,
  Fn,
  fsplat,
  I32,
  i32,
  load32,
  ltU,
  moduleBytes,
  shuffle,
  V128,
  vadd,
  vload,
  vmul,
  vsplat,
  vstore,
  vstore64Lane,
  vsub,
  vzero,
} from "../common/wasm_asm.ts";

/**
 * Byte offsets of a kernel's memory for n (all 16-aligned): `rev` (i32, m = n/2 entries: 32 ×
 * the bit-reversed index in m), `cs` (f64 cos, sin of the unpacking: m each), `tw` (the inverse
 * butterflies' twiddles, 6 per k and pass, after the lone stage's two), `z` (the IC's half
 * spectrum: re k = 0 … m, then im), `work` (m values, 32 bytes each: re pair, im pair), `rows`
 * (float32 rows of the trajectory, n each), `table` (the interleaved multiplier table: per pair
 * of steps and k = 0 … m, the two steps' re, then their im).
 */
interface Layout {
  readonly rev: number;
  readonly cs: number;
  readonly tw: number;
  readonly z: number;
  readonly work: number;
  readonly rows: number;
  readonly table: number;
}

/** The radix-2² passes of `fftPassesAt` for m values: (size, twiddle byte offset) each. */
function passSizes(m: number): number[] {
  const bits = Math.round(Math.log2(m)), out: number[] = [];
  for (let size = bits % 2 === 1 ? 4 : 2; size < m; size <<= 2) out.push(size);
  return out;
}

/** The inverse twiddles of `fftPassesAt` for m values (as `metrics/fft.ts` plans them). */
function butterflyTwiddles(m: number): Float64Array {
  const { cos, sin } = fftTables(m), sizes = passSizes(m), sign = 1;
  const t = new Float64Array(2 + sizes.reduce((s, size) => s + 3 * size, 0));
  t[0] = cos[0];
  t[1] = sign * sin[0];
  let o = 2;
  for (const size of sizes) {
    const h = size >> 1, step1 = m / size, step2 = step1 >> 1;
    for (let k = 0; k < h; k++) {
      const t1 = k * step1, t2 = k * step2;
      t[o++] = cos[t1];
      t[o++] = sign * sin[t1];
      t[o++] = cos[t2];
      t[o++] = sign * sin[t2];
      t[o++] = cos[t2 + m / 4];
      t[o++] = sign * sin[t2 + m / 4];
    }
  }
  return t;
}

const PARAMS: [string, number][] = [
  ["pairs", I32], // pairs of steps (≥ 1)
  ["rev", I32],
  ["cs", I32],
  ["tw", I32],
  ["z", I32],
  ["work", I32],
  ["rows", I32],
  ["table", I32],
];

function kernel(n: number): Code {
  const m = n >> 1, h = m + 1, bits = Math.round(Math.log2(m)), sizes = passSizes(m);
  const f = new Fn(PARAMS, [
    ...["q", "k", "j", "a", "b", "t", "pe", "i0", "tk"].map((x): [string, number] => [x, I32]),
    ...[
      "half",
      "sv",
      "zero",
      "ar",
      "ai",
      "br",
      "bi",
      "pr",
      "pi",
      "qr",
      "qi",
      "er",
      "ei",
      "dr",
      "di",
      "or",
      "oi",
      "cr",
      "ci",
      "xr",
      "xi",
      "w1r",
      "w1i",
      "w2r",
      "w2i",
      "w3r",
      "w3i",
    ].map((x): [string, number] => [x, V128]),
  ]);
  const g = (x: string) => f.get(x);
  const set = (x: string, v: Code) => f.set(x, v);
  const inc = (x: string, by: number) => set(x, add(g(x), i32(by)));
  // products w_k (p) and w_{m−k} (q) of the two steps: table at t (pair base) + 32k, + 32j
  const products = [
    ...set("a", add(g("t"), [...g("k"), ...i32(5), 0x74])), // t + 32k
    ...set("b", add(g("t"), [...g("j"), ...i32(5), 0x74])),
    ...set("ar", vload(g("a"))),
    ...set("ai", vload(g("a"), 16)),
    ...set("br", vload(g("b"))),
    ...set("bi", vload(g("b"), 16)),
    // zr[k], zi[k] splatted: z + 8k, z + 8(h + k)
    ...set("a", add(g("z"), [...g("k"), ...i32(3), 0x74])),
    ...set("b", add(g("z"), [...g("j"), ...i32(3), 0x74])),
    ...set("pr", vsub(vmul(vsplat(g("a")), g("ar")), vmul(vsplat(g("a"), 8 * h), g("ai")))),
    ...set("pi", vadd(vmul(vsplat(g("a")), g("ai")), vmul(vsplat(g("a"), 8 * h), g("ar")))),
    ...set("qr", vsub(vmul(vsplat(g("b")), g("br")), vmul(vsplat(g("b"), 8 * h), g("bi")))),
    ...set("qi", vadd(vmul(vsplat(g("b")), g("bi")), vmul(vsplat(g("b"), 8 * h), g("br")))),
  ];
  // unpacked value at index x (k or j): cos, sin at cs + 8x, cs + 8(m + x); rev at rev + 4x
  const unpacked = (x: string, er: Code, ei: Code, dr: Code, di: Code): Code => [
    ...set("er", vmul(g("half"), er)),
    ...set("ei", vmul(g("half"), ei)),
    ...set("dr", vmul(g("half"), dr)),
    ...set("di", vmul(g("half"), di)),
    ...set("a", add(g("cs"), [...g(x), ...i32(3), 0x74])),
    ...set("cr", vsplat(g("a"))),
    ...set("ci", vsplat(g("a"), 8 * m)),
    ...set("or", vsub(vmul(g("dr"), g("cr")), vmul(g("di"), g("ci")))),
    ...set("oi", vadd(vmul(g("dr"), g("ci")), vmul(g("di"), g("cr")))),
    ...set("a", add(g("work"), load32(add(g("rev"), [...g(x), ...i32(2), 0x74])))),
    ...vstore(g("a"), vsub(g("er"), g("oi"))),
    ...vstore(g("a"), vadd(g("ei"), g("or")), 16),
  ];
  const first = (kZero: boolean): Code =>
    kZero
      ? unpacked(
        "k",
        vadd(g("pr"), g("qr")),
        vsub(g("zero"), g("zero")),
        vsub(g("pr"), g("qr")),
        vadd(g("zero"), g("zero")),
      )
      : unpacked(
        "k",
        vadd(g("pr"), g("qr")),
        vsub(g("pi"), g("qi")),
        vsub(g("pr"), g("qr")),
        vadd(g("pi"), g("qi")),
      );
  const second = unpacked(
    "j",
    vadd(g("qr"), g("pr")),
    vsub(g("qi"), g("pi")),
    vsub(g("qr"), g("pr")),
    vadd(g("qi"), g("pi")),
  );
  const unpack = [
    ...set("k", i32(0)),
    ...set("j", i32(m)),
    ...products,
    ...first(true),
    ...set("k", i32(1)),
    ...doWhile(
      [
        ...set("j", [...i32(m), ...g("k"), 0x6b]),
        ...products,
        ...first(false),
        ...second,
        ...inc("k", 1),
      ],
      ltU(g("k"), i32(m >> 1)),
    ),
    ...set("j", i32(m >> 1)),
    ...products,
    ...first(false),
  ];
  // work value i: re at work + 32i, im at + 16
  const lone = bits % 2 === 1
    ? [
      ...set("w1r", vsplat(g("tw"))),
      ...set("w1i", vsplat(g("tw"), 8)),
      ...set("a", g("work")),
      ...set("pe", add(g("work"), i32(32 * m))),
      ...doWhile(
        [
          ...set("ar", vload(g("a"), 32)),
          ...set("ai", vload(g("a"), 48)),
          ...set("xr", vsub(vmul(g("ar"), g("w1r")), vmul(g("ai"), g("w1i")))),
          ...set("xi", vadd(vmul(g("ar"), g("w1i")), vmul(g("ai"), g("w1r")))),
          ...set("br", vload(g("a"))),
          ...set("bi", vload(g("a"), 16)),
          ...vstore(g("a"), vsub(g("br"), g("xr")), 32),
          ...vstore(g("a"), vsub(g("bi"), g("xi")), 48),
          ...vstore(g("a"), vadd(g("br"), g("xr"))),
          ...vstore(g("a"), vadd(g("bi"), g("xi")), 16),
          ...inc("a", 64),
        ],
        ltU(g("a"), g("pe")),
      ),
    ]
    : [];
  let twOff = 16;
  const passes = sizes.flatMap((size) => {
    const hh = size >> 1, span = size << 1, off = twOff;
    twOff += 48 * hh;
    const H = 32 * hh, S = 32 * size;
    const butterfly = [
      // twiddles of k at tw + off + 48k
      ...set("tk", add(add(g("tw"), i32(off)), [...g("k"), ...i32(48), 0x6c])),
      ...set("w1r", vsplat(g("tk"))),
      ...set("w1i", vsplat(g("tk"), 8)),
      ...set("w2r", vsplat(g("tk"), 16)),
      ...set("w2i", vsplat(g("tk"), 24)),
      ...set("w3r", vsplat(g("tk"), 32)),
      ...set("w3i", vsplat(g("tk"), 40)),
      ...set("i0", add(g("a"), [...g("k"), ...i32(5), 0x74])),
      ...set("ar", vload(g("i0"))),
      ...set("ai", vload(g("i0"), 16)),
      ...set("br", vload(g("i0"), H)),
      ...set("bi", vload(g("i0"), H + 16)),
      ...set("cr", vload(g("i0"), S)),
      ...set("ci", vload(g("i0"), S + 16)),
      ...set("dr", vload(g("i0"), S + H)),
      ...set("di", vload(g("i0"), S + H + 16)),
      ...set("xr", vsub(vmul(g("br"), g("w1r")), vmul(g("bi"), g("w1i")))),
      ...set("xi", vadd(vmul(g("br"), g("w1i")), vmul(g("bi"), g("w1r")))),
      ...set("br", vsub(g("ar"), g("xr"))),
      ...set("bi", vsub(g("ai"), g("xi"))),
      ...set("ar", vadd(g("ar"), g("xr"))),
      ...set("ai", vadd(g("ai"), g("xi"))),
      ...set("xr", vsub(vmul(g("dr"), g("w1r")), vmul(g("di"), g("w1i")))),
      ...set("xi", vadd(vmul(g("dr"), g("w1i")), vmul(g("di"), g("w1r")))),
      ...set("dr", vsub(g("cr"), g("xr"))),
      ...set("di", vsub(g("ci"), g("xi"))),
      ...set("cr", vadd(g("cr"), g("xr"))),
      ...set("ci", vadd(g("ci"), g("xi"))),
      ...set("xr", vsub(vmul(g("cr"), g("w2r")), vmul(g("ci"), g("w2i")))),
      ...set("xi", vadd(vmul(g("cr"), g("w2i")), vmul(g("ci"), g("w2r")))),
      ...vstore(g("i0"), vsub(g("ar"), g("xr")), S),
      ...vstore(g("i0"), vsub(g("ai"), g("xi")), S + 16),
      ...vstore(g("i0"), vadd(g("ar"), g("xr"))),
      ...vstore(g("i0"), vadd(g("ai"), g("xi")), 16),
      ...set("xr", vsub(vmul(g("dr"), g("w3r")), vmul(g("di"), g("w3i")))),
      ...set("xi", vadd(vmul(g("dr"), g("w3i")), vmul(g("di"), g("w3r")))),
      ...vstore(g("i0"), vsub(g("br"), g("xr")), S + H),
      ...vstore(g("i0"), vsub(g("bi"), g("xi")), S + H + 16),
      ...vstore(g("i0"), vadd(g("br"), g("xr")), H),
      ...vstore(g("i0"), vadd(g("bi"), g("xi")), H + 16),
    ];
    return [
      ...set("a", g("work")),
      ...set("pe", add(g("work"), i32(32 * m))),
      ...doWhile(
        [
          ...set("k", i32(0)),
          ...doWhile([...butterfly, ...inc("k", 1)], ltU(g("k"), i32(hh))),
          ...inc("a", 32 * span),
        ],
        ltU(g("a"), g("pe")),
      ),
    ];
  });
  // rows: value j of the work (re, im) × 1/m, lane 0 to row A at 8j, lane 1 to row B
  const rows = [
    ...set("a", g("work")),
    ...set("pe", add(g("work"), i32(32 * m))),
    ...set("b", g("rows")),
    ...doWhile(
      [
        ...set(
          "xr",
          shuffle(
            demote(vmul(vload(g("a")), g("sv"))),
            demote(vmul(vload(g("a"), 16), g("sv"))),
            [0, 1, 2, 3, 16, 17, 18, 19, 4, 5, 6, 7, 20, 21, 22, 23],
          ),
        ),
        ...vstore64Lane(g("b"), g("xr"), 0),
        ...vstore64Lane(g("b"), g("xr"), 1, 4 * n),
        ...inc("a", 32),
        ...inc("b", 8),
      ],
      ltU(g("a"), g("pe")),
    ),
    ...set("rows", add(g("rows"), i32(8 * n))),
  ];
  return f.body([
    ...set("half", fsplat(f64(0.5))),
    ...set("sv", fsplat(f64(1 / m))),
    ...set("zero", vzero),
    ...set("t", g("table")),
    ...set("q", i32(0)),
    ...doWhile(
      [...unpack, ...lone, ...passes, ...rows, ...inc("t", 32 * h), ...inc("q", 1)],
      ltU(g("q"), g("pairs")),
    ),
  ]);
}

/**
 * The kernel's module for n (a power of two ≥ 16): imports memory `e.m`, exports `rows` (0),
 * `(pairs, rev, cs, tw, z, work, rows, table)` (byte offsets of {@link ShiftKernel}'s layout):
 * the float32 rows of `pairs` pairs of steps.
 *
 * @example
 * ```ts
 * import { shiftSimdModule } from "./shift_simd.ts";
 * const bytes = shiftSimdModule(16);
 * if (bytes[0] !== 0 || bytes[1] !== 0x61) throw new Error("not a module");
 * ```
 */
export function shiftSimdModule(n: number): Uint8Array {
  return moduleBytes([[PARAMS.map(([, t]) => t), []]], true, [
    { name: "rows", type: 0, code: kernel(n) },
  ]);
}

const compiled = new Map<number, WebAssembly.Module | null>();

function compiledModule(n: number): WebAssembly.Module | null {
  let mod = compiled.get(n);
  if (mod === undefined) {
    try {
      mod = new WebAssembly.Module(shiftSimdModule(n) as BufferSource);
    } catch {
      mod = null; // no WebAssembly or no SIMD: the TypeScript rows
    }
    compiled.set(n, mod);
  }
  return mod;
}

/**
 * The kernel for one multiplier table (n, steps): made by {@link ShiftKernel.make}, kept by
 * `solver.ts` with its table.
 */
export class ShiftKernel {
  readonly #run: (...args: number[]) => void;
  readonly #memory: WebAssembly.Memory;
  readonly #at: Layout;
  readonly #n: number;
  /** Pairs of steps in the table: steps 2q + 1 and 2q + 2 for q < pairs. */
  readonly pairs: number;

  private constructor(
    mod: WebAssembly.Module,
    n: number,
    steps: number,
    tr: Float64Array,
    ti: Float64Array,
  ) {
    const m = n >> 1, h = m + 1, pairs = steps >> 1;
    const tw = butterflyTwiddles(m);
    let at = 0;
    const take = (bytes: number) => {
      const o = at;
      at += Math.ceil(bytes / 16) * 16;
      return o;
    };
    this.#at = {
      rev: take(4 * m),
      cs: take(16 * m),
      tw: take(8 * tw.length),
      z: take(16 * h),
      work: take(32 * m),
      rows: take(8 * n * pairs),
      table: take(32 * h * pairs),
    };
    this.#memory = new WebAssembly.Memory({ initial: Math.ceil(at / 65536) });
    this.#run = new WebAssembly.Instance(mod, { e: { m: this.#memory } }).exports.rows as (
      ...args: number[]
    ) => void;
    this.#n = n;
    this.pairs = pairs;
    const buf = this.#memory.buffer, L = this.#at;
    const { rev } = fftTables(m), { cos, sin } = fftTables(n);
    new Int32Array(buf, L.rev, m).set(Array.from(rev, (r) => 32 * r));
    new Float64Array(buf, L.cs, m).set(cos.subarray(0, m));
    new Float64Array(buf, L.cs + 8 * m, m).set(sin.subarray(0, m));
    new Float64Array(buf, L.tw, tw.length).set(tw);
    const t = new Float64Array(buf, L.table, 4 * h * pairs);
    for (let q = 0; q < pairs; q++) {
      const a = 2 * q * h, b = a + h, o = 4 * h * q;
      for (let k = 0; k < h; k++) {
        t[o + 4 * k] = tr[a + k];
        t[o + 4 * k + 1] = tr[b + k];
        t[o + 4 * k + 2] = ti[a + k];
        t[o + 4 * k + 3] = ti[b + k];
      }
    }
  }

  /**
   * A kernel for the multiplier table (`tr`, `ti`: `steps` rows of n/2 + 1), or `null` where
   * WebAssembly SIMD is missing, n < 16 or `steps` < 2.
   */
  static make(n: number, steps: number, tr: Float64Array, ti: Float64Array): ShiftKernel | null {
    if (!(n >= 16) || (n & (n - 1)) !== 0 || steps < 2) return null;
    const mod = compiledModule(n);
    return mod === null ? null : new ShiftKernel(mod, n, steps, tr, ti);
  }

  /**
   * Rows 1 … 2·pairs of one IC's trajectory from its half spectrum (`zr`, `zi`: k = 0 … n/2)
   * into `out` from `x0` (row m at x0 + (m − 1)·n).
   */
  rowsInto(zr: Float64Array, zi: Float64Array, out: Float32Array, x0: number): void {
    const L = this.#at, n = this.#n, h = (n >> 1) + 1, buf = this.#memory.buffer;
    new Float64Array(buf, L.z, h).set(zr.subarray(0, h));
    new Float64Array(buf, L.z + 8 * h, h).set(zi.subarray(0, h));
    this.#run(this.pairs, L.rev, L.cs, L.tw, L.z, L.work, L.rows, L.table);
    out.set(new Float32Array(buf, L.rows, 2 * n * this.pairs), x0);
  }
}

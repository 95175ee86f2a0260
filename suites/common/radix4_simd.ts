/**
 * The radix-4 passes of `radix4.ts` as a small WebAssembly module with 128-bit SIMD, two
 * columns per instruction: the hot path of `BandSpectral2D` (`band_spectral2d.ts`), the column
 * transforms of its work array and the row pipeline of `squares` (two rows at a time, one per
 * lane). Every lane does the IEEE operations of {@link Radix4.ditColumns} /
 * {@link Radix4.difColumns} / {@link Radix4.squares} in the same order (`f64x2` add, sub and mul
 * round each lane as the scalar ones do, and nothing is fused), so the results are the same bits
 * as the TypeScript transforms; `band_spectral2d_test.ts` compares the two paths bit for bit.
 *
 * The module is assembled here from its opcodes (no build step, no dependency), compiled once
 * per process and instantiated per work array on its own memory. {@link bandKernels} returns
 * `null` where WebAssembly SIMD is missing or log₂ N is odd (the transforms with a lone radix-2
 * pass stay in TypeScript); callers then use `Radix4`.
 *
 * @example
 * ```ts
 * import { bandKernels } from "./radix4_simd.ts";
 * import { Radix4 } from "./radix4.ts";
 * const n = 16, k = bandKernels(n, 3, [0, 4, 12], [2, 6, 10, 14, 1, 5, 9, 13, 3, 7, 11, 15, 8]);
 * if (k !== null) {
 *   k.wr.forEach((_, i) => (k.wr[i] = Math.sin(i)));
 *   const re = k.wr.slice(), im = k.wi.slice();
 *   k.ditColumns();
 *   new Radix4(n).ditColumns(re, im, k.stride, true);
 *   if (k.wr.some((v, i) => !Object.is(v, re[i]))) throw new Error("bits");
 * }
 * ```
 * @module
 */

import { Radix4 } from "./radix4.ts";
import {
  add,
  type Code,
  doWhile,
  F64,
  Fn,
  fsplat,
  I32,
  i32,
  load32,
  ltU,
  mul,
  name,
  section,
  simd,
  uleb,
  V128,
  vadd,
  vec,
  vload,
  vmul,
  vsplat,
  vstore,
  vsub,
  vzero,
} from "./wasm_asm.ts";

const leU = (a: Code, b: Code): Code => [...a, ...b, 0x4d];
const eqz = (a: Code): Code => [...a, 0x45];
const loadF = (a: Code, off = 0): Code => [...a, 0x2b, 3, ...uleb(off)];
const storeF = (a: Code, v: Code, off = 0): Code => [...a, ...v, 0x39, 3, ...uleb(off)];
/** i8x16.shuffle of the two v128 on the stack by the 16 byte indices (0–15 first, 16–31 second). */
const shuffle = (lanes: number[]): Code => [...simd(13), ...lanes];
/** `do { body } while (cond)` */
/** `while (cond) { body }` */
const whileDo = (
  cond: Code,
  body: Code,
): Code => [0x02, 0x40, 0x03, 0x40, ...eqz(cond), 0x0d, 1, ...body, 0x0c, 0, 0x0b, 0x0b];
const ifElse = (
  cond: Code,
  a: Code,
  b: Code,
): Code => [...cond, 0x04, 0x40, ...a, 0x05, ...b, 0x0b];

const PASS_PARAMS: [string, number][] = [
  ["re", I32],
  ["im", I32],
  ["cols", I32], // f64 values per row (even)
  ["tw", I32], // twiddle tables, passes in DIT order, 6m values per pass
  ["n", I32],
  ["s", F64],
];
const V = (...names: string[]): [string, number][] => names.map((x) => [x, V128]);
const PASS_LOCALS: [string, number][] = [
  ...["m", "dm", "blk", "k", "p", "pe", "twp", "kt", "row", "d", "p1", "p2", "p3"].map((
    x,
  ): [string, number] => [x, I32]),
  ...V("sv", "w1r", "w1i", "w2r", "w2i", "w3r", "w3i", "ar", "ai", "br", "bi", "cr", "ci", "dr"),
  ...V("di", "xr", "xi", "yr", "yi", "zr", "zi", "Ar", "Ai", "Br", "Bi", "Cr", "Ci", "Dr", "Di"),
];

/** The six twiddles of quarter k (from the pass table `twp`), splatted. */
function twiddles(f: Fn): Code {
  const kt = f.get("kt");
  return [
    ...f.set("kt", add(f.get("twp"), mul(f.get("k"), i32(48)))),
    ...f.set("w1r", vsplat(kt, 0)),
    ...f.set("w1i", vsplat(kt, 8)),
    ...f.set("w2r", vsplat(kt, 16)),
    ...f.set("w2i", vsplat(kt, 24)),
    ...f.set("w3r", vsplat(kt, 32)),
    ...f.set("w3i", vsplat(kt, 40)),
  ];
}

/** Load a, b, c, d (re and im) at p, p + dm, p + 2dm, p + 3dm. */
function loads(f: Fn): Code {
  const g = (x: string) => f.get(x), d = f.get("d");
  return [
    ...f.set("p1", add(g("p"), g("dm"))),
    ...f.set("p2", add(g("p1"), g("dm"))),
    ...f.set("p3", add(g("p2"), g("dm"))),
    ...f.set("ar", vload(g("p"))),
    ...f.set("ai", vload(add(g("p"), d))),
    ...f.set("br", vload(g("p1"))),
    ...f.set("bi", vload(add(g("p1"), d))),
    ...f.set("cr", vload(g("p2"))),
    ...f.set("ci", vload(add(g("p2"), d))),
    ...f.set("dr", vload(g("p3"))),
    ...f.set("di", vload(add(g("p3"), d))),
  ];
}

/** `x ← x·w` for the pair (xr, xi) and twiddle (wr, wi): `(xr·wr − xi·wi, xr·wi + xi·wr)`. */
function twiddle(f: Fn, xr: string, xi: string, wr: string, wi: string): Code {
  const g = (x: string) => f.get(x);
  return [
    ...vsub(vmul(g(xr), g(wr)), vmul(g(xi), g(wi))),
    ...vadd(vmul(g(xr), g(wi)), vmul(g(xi), g(wr))),
    ...f.set(xi, []),
    ...f.set(xr, []),
  ];
}

/** Store (re, im) values at an address. */
function store2(f: Fn, at: string, r: Code, i: Code): Code {
  return [...vstore(f.get(at), r), ...vstore(add(f.get(at), f.get("d")), i)];
}

/** The loops over passes, blocks, quarters k and column pairs; `k0`/`kt` are the butterflies. */
function passes(f: Fn, dit: boolean, k0: Code, kw: Code): Code {
  const g = (x: string) => f.get(x);
  const columns = (bf: Code) =>
    doWhile(
      [...bf, ...f.set("p", add(g("p"), i32(16)))],
      ltU(g("p"), g("pe")),
    );
  const quarter = [
    ...f.set("p", add(g("re"), mul(add(g("blk"), g("k")), g("row")))),
    ...f.set("pe", add(g("p"), g("row"))),
    ...ifElse(eqz(g("k")), columns(k0), [...twiddles(f), ...columns(kw)]),
  ];
  const pass = [
    ...f.set("dm", mul(g("m"), g("row"))),
    ...f.set("twp", add(g("tw"), mul(add(g("m"), i32(-1)), i32(16)))), // 2(m − 1) values before
    ...f.set("blk", i32(0)),
    ...doWhile(
      [
        ...f.set("k", i32(0)),
        ...doWhile(
          [...quarter, ...f.set("k", add(g("k"), i32(1)))],
          ltU(g("k"), g("m")),
        ),
        ...f.set("blk", add(g("blk"), mul(g("m"), i32(4)))),
      ],
      ltU(g("blk"), g("n")),
    ),
  ];
  const setup = [
    ...f.set("row", mul(g("cols"), i32(8))),
    ...f.set("d", [...g("im"), ...g("re"), 0x6b]),
    ...f.set("sv", fsplat(g("s"))),
  ];
  if (dit) {
    // m = 1, 4, … while 4m ≤ n
    return [
      ...setup,
      ...f.set("m", i32(1)),
      ...whileDo(leU(mul(g("m"), i32(4)), g("n")), [
        ...pass,
        ...f.set("m", mul(g("m"), i32(4))),
      ]),
    ];
  }
  // m = n/4, n/16, …, 1
  return [
    ...setup,
    ...f.set("m", [...g("n"), ...i32(2), 0x76]),
    ...whileDo(ltU(i32(0), g("m")), [...pass, ...f.set("m", [...g("m"), ...i32(2), 0x76])]),
  ];
}

/** DIT butterfly (module docs of radix4.ts): optional twiddles on b, c, d, then the sums. */
function ditButterfly(f: Fn, withTwiddles: boolean): Code {
  const g = (x: string) => f.get(x);
  return [
    ...loads(f),
    ...(withTwiddles
      ? [
        ...twiddle(f, "br", "bi", "w1r", "w1i"),
        ...twiddle(f, "cr", "ci", "w2r", "w2i"),
        ...twiddle(f, "dr", "di", "w3r", "w3i"),
      ]
      : []),
    ...f.set("Ar", vadd(g("ar"), g("br"))),
    ...f.set("Ai", vadd(g("ai"), g("bi"))),
    ...f.set("Br", vsub(g("ar"), g("br"))),
    ...f.set("Bi", vsub(g("ai"), g("bi"))),
    ...f.set("Cr", vadd(g("cr"), g("dr"))),
    ...f.set("Ci", vadd(g("ci"), g("di"))),
    ...f.set("Dr", vmul(g("sv"), vsub(g("cr"), g("dr")))),
    ...f.set("Di", vmul(g("sv"), vsub(g("ci"), g("di")))),
    ...store2(f, "p", vadd(g("Ar"), g("Cr")), vadd(g("Ai"), g("Ci"))),
    ...store2(f, "p2", vsub(g("Ar"), g("Cr")), vsub(g("Ai"), g("Ci"))),
    ...store2(f, "p1", vadd(g("Br"), g("Di")), vsub(g("Bi"), g("Dr"))),
    ...store2(f, "p3", vsub(g("Br"), g("Di")), vadd(g("Bi"), g("Dr"))),
  ];
}

/** DIF butterfly: the sums, then optional twiddles on the outputs b, c, d. */
function difButterfly(f: Fn, withTwiddles: boolean): Code {
  const g = (x: string) => f.get(x);
  // S = a + c, T = a − c, U = b + d, V = s(b − d) in (Ar, Ai), (Br, Bi), (Cr, Ci), (Dr, Di)
  const head = [
    ...loads(f),
    ...f.set("Ar", vadd(g("ar"), g("cr"))),
    ...f.set("Ai", vadd(g("ai"), g("ci"))),
    ...f.set("Br", vsub(g("ar"), g("cr"))),
    ...f.set("Bi", vsub(g("ai"), g("ci"))),
    ...f.set("Cr", vadd(g("br"), g("dr"))),
    ...f.set("Ci", vadd(g("bi"), g("di"))),
    ...f.set("Dr", vmul(g("sv"), vsub(g("br"), g("dr")))),
    ...f.set("Di", vmul(g("sv"), vsub(g("bi"), g("di")))),
    ...store2(f, "p", vadd(g("Ar"), g("Cr")), vadd(g("Ai"), g("Ci"))),
    // x = S − U, y = T − iV = (Tr + Vi, Ti − Vr), z = T + iV = (Tr − Vi, Ti + Vr)
    ...f.set("xr", vsub(g("Ar"), g("Cr"))),
    ...f.set("xi", vsub(g("Ai"), g("Ci"))),
    ...f.set("yr", vadd(g("Br"), g("Di"))),
    ...f.set("yi", vsub(g("Bi"), g("Dr"))),
    ...f.set("zr", vsub(g("Br"), g("Di"))),
    ...f.set("zi", vadd(g("Bi"), g("Dr"))),
  ];
  if (!withTwiddles) {
    return [
      ...head,
      ...store2(f, "p1", g("xr"), g("xi")),
      ...store2(f, "p2", g("yr"), g("yi")),
      ...store2(f, "p3", g("zr"), g("zi")),
    ];
  }
  return [
    ...head,
    ...twiddle(f, "xr", "xi", "w1r", "w1i"),
    ...twiddle(f, "yr", "yi", "w2r", "w2i"),
    ...twiddle(f, "zr", "zi", "w3r", "w3i"),
    ...store2(f, "p1", g("xr"), g("xi")),
    ...store2(f, "p2", g("yr"), g("yi")),
    ...store2(f, "p3", g("zr"), g("zi")),
  ];
}

function passFunction(dit: boolean): Code {
  const f = new Fn(PASS_PARAMS, PASS_LOCALS);
  const bf = dit ? ditButterfly : difButterfly;
  return f.body(passes(f, dit, bf(f, false), bf(f, true)));
}

/** Work-array rows per group of the row pipeline (the lanes of its column transforms). */
const R = 8;

/**
 * `rows(wr, wi, ws, bands, pos, zpos, nz, br, bi, n, twi, twf)`: for each group of R work-array
 * rows (ws values each): zero the R × n row buffer at the nz positions `zpos`, gather the `bands`
 * values of each row to positions `pos` (row r of the group in column r of the buffer), DIT
 * inverse of its columns (function 0), `(v² − u²) + i·uv`, DIF forward (function 1), scatter
 * back.
 */
function rowsFunction(): Code {
  const f = new Fn(
    [
      ["wr", I32],
      ["wi", I32],
      ["ws", I32],
      ["bands", I32],
      ["pos", I32],
      ["zpos", I32],
      ["nz", I32],
      ["br", I32],
      ["bi", I32],
      ["n", I32],
      ["twi", I32],
      ["twf", I32],
    ],
    [
      ...["j", "c", "t", "t1", "o", "row", "u8", "end"].map((x): [string, number] => [x, I32]),
      ...Array.from({ length: 2 * R }, (_, i): [string, number] => [`r${i}`, I32]),
      ...V("u", "v", "a2", "b2"),
    ],
  );
  const g = (x: string) => f.get(x);
  // the R rows of a group: row r at o + r·row
  const lanes = (at: (r: number) => Code): Code => {
    const out: Code = [];
    for (let r = 0; r < R; r++) out.push(...at(r));
    return out;
  };
  // r0..r(R−1): row r of the group in wr, rR..: in wi (set per group)
  const bases = lanes((r) => [
    ...f.set(`r${r}`, add(g("wr"), add(g("o"), mul(g("row"), i32(r))))),
    ...f.set(`r${R + r}`, add(g("wi"), add(g("o"), mul(g("row"), i32(r))))),
  ]);
  const src = (base: string, r: number): Code => add(g(`r${base === "wr" ? r : R + r}`), g("u8"));
  // pos holds byte offsets pos[c]·8R in the row buffer
  // pairs of columns c, c + 1 and pairs of rows r, r + 1 as 2 × 2 blocks: two v128 loads along
  // the rows, two shuffles (lanes 0 of both, lanes 1 of both), two v128 stores along the buffer
  const lo = shuffle([0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23]);
  const hi = shuffle([8, 9, 10, 11, 12, 13, 14, 15, 24, 25, 26, 27, 28, 29, 30, 31]);
  const rowPairs = (at: (r: number) => Code): Code => lanes((r) => (r % 2 === 0 ? at(r) : []));
  const perPair = (body: Code): Code => [
    ...f.set("c", i32(0)),
    ...whileDo(ltU(add(g("c"), i32(1)), g("bands")), [
      ...f.set("t", load32(add(g("pos"), mul(g("c"), i32(4))))),
      ...f.set("t1", load32(add(g("pos"), mul(g("c"), i32(4))), 4)),
      ...f.set("u8", mul(g("c"), i32(8))),
      ...body,
      ...f.set("c", add(g("c"), i32(2))),
    ]),
  ];
  // the last column when bands is odd, one value at a time
  const lastC = (body: Code): Code =>
    ifElse(ltU(g("c"), g("bands")), [
      ...f.set("t", load32(add(g("pos"), mul(g("c"), i32(4))))),
      ...f.set("u8", mul(g("c"), i32(8))),
      ...body,
    ], []);
  const gatherPair = (w: string, b: string): Code =>
    rowPairs((r) => [
      ...f.set("a2", vload(src(w, r))),
      ...f.set("b2", vload(src(w, r + 1))),
      ...vstore(add(g(b), g("t")), [...g("a2"), ...g("b2"), ...lo], 8 * r),
      ...vstore(add(g(b), g("t1")), [...g("a2"), ...g("b2"), ...hi], 8 * r),
    ]);
  const scatterPair = (w: string, b: string): Code =>
    rowPairs((r) => [
      ...f.set("a2", vload(add(g(b), g("t")), 8 * r)),
      ...f.set("b2", vload(add(g(b), g("t1")), 8 * r)),
      ...vstore(src(w, r), [...g("a2"), ...g("b2"), ...lo]),
      ...vstore(src(w, r + 1), [...g("a2"), ...g("b2"), ...hi]),
    ]);
  const gather = [
    ...perPair([...gatherPair("wr", "br"), ...gatherPair("wi", "bi")]),
    ...lastC([
      ...lanes((r) => storeF(add(g("br"), g("t")), loadF(src("wr", r)), 8 * r)),
      ...lanes((r) => storeF(add(g("bi"), g("t")), loadF(src("wi", r)), 8 * r)),
    ]),
  ];
  const scatter = [
    ...perPair([...scatterPair("wr", "br"), ...scatterPair("wi", "bi")]),
    ...lastC([
      ...lanes((r) => storeF(src("wr", r), loadF(add(g("br"), g("t")), 8 * r))),
      ...lanes((r) => storeF(src("wi", r), loadF(add(g("bi"), g("t")), 8 * r))),
    ]),
  ];
  const zero = [
    ...f.set("c", i32(0)),
    ...whileDo(ltU(g("c"), g("nz")), [
      ...f.set("t", load32(add(g("zpos"), mul(g("c"), i32(4))))),
      ...lanes((r) => (r % 2 === 0 ? vstore(add(g("br"), g("t")), vzero, 8 * r) : [])),
      ...lanes((r) => (r % 2 === 0 ? vstore(add(g("bi"), g("t")), vzero, 8 * r) : [])),
      ...f.set("c", add(g("c"), i32(1))),
    ]),
  ];
  const products = [
    ...f.set("t", i32(0)),
    ...f.set("end", mul(g("n"), i32(8 * R))),
    ...doWhile(
      [
        ...f.set("u", vload(add(g("br"), g("t")))),
        ...f.set("v", vload(add(g("bi"), g("t")))),
        ...vstore(add(g("br"), g("t")), vsub(vmul(g("v"), g("v")), vmul(g("u"), g("u")))),
        ...vstore(add(g("bi"), g("t")), vmul(g("u"), g("v"))),
        ...f.set("t", add(g("t"), i32(16))),
      ],
      ltU(g("t"), g("end")),
    ),
  ];
  const f64 = (v: number): Code => [0x44, ...new Uint8Array(new Float64Array([v]).buffer)];
  const call = (fn: number, tw: string, s: number): Code => [
    ...g("br"),
    ...g("bi"),
    ...i32(R),
    ...g(tw),
    ...g("n"),
    ...f64(s),
    0x10,
    fn,
  ];
  return f.body([
    ...f.set("row", mul(g("ws"), i32(8))),
    ...f.set("j", i32(0)),
    ...doWhile(
      [
        ...f.set("o", mul(g("j"), g("row"))),
        ...bases,
        ...zero,
        ...gather,
        ...call(0, "twi", -1),
        ...products,
        ...call(1, "twf", 1),
        ...scatter,
        ...f.set("j", add(g("j"), i32(R))),
      ],
      ltU(g("j"), g("n")),
    ),
  ]);
}

/**
 * The module's bytes: imports memory `e.m`; exports `dit` (0) and `dif` (1), each
 * `(re, im, cols, tw, n, s)` on the n × cols block of f64 at byte offsets re, im (cols even) with
 * the twiddle tables at tw and the sign s = ∓1 of {@link Radix4.dit}/{@link Radix4.dif}, and
 * `rows` (2), the row pipeline of {@link BandKernels.rows}.
 *
 * @example
 * ```ts
 * import { radix4SimdModule } from "./radix4_simd.ts";
 * const bytes = radix4SimdModule();
 * if (bytes[0] !== 0 || bytes[1] !== 0x61 || !WebAssembly.validate(bytes as BufferSource)) {
 *   throw new Error("not a valid module");
 * }
 * ```
 */
export function radix4SimdModule(): Uint8Array {
  const passType = [0x60, ...vec(PASS_PARAMS.map(([, t]) => [t])), 0];
  const rowsType = [0x60, ...vec(new Array(12).fill([I32])), 0];
  return new Uint8Array([
    0x00,
    0x61,
    0x73,
    0x6d,
    1,
    0,
    0,
    0,
    ...section(1, vec([passType, rowsType])),
    ...section(2, vec([[...name("e"), ...name("m"), 0x02, 0x00, 1]])),
    ...section(3, vec([[0], [0], [1]])),
    ...section(
      7,
      vec([[...name("dit"), 0, 0], [...name("dif"), 0, 1], [...name("rows"), 0, 2]]),
    ),
    ...section(10, vec([passFunction(true), passFunction(false), rowsFunction()])),
  ]);
}

let compiled: WebAssembly.Module | null | undefined;

function compiledModule(): WebAssembly.Module | null {
  if (compiled === undefined) {
    try {
      compiled = new WebAssembly.Module(radix4SimdModule() as BufferSource);
    } catch {
      compiled = null; // no WebAssembly or no SIMD: the TypeScript transforms
    }
  }
  return compiled;
}

/** Work array and kernels of {@link bandKernels}. */
export interface BandKernels {
  /** Values per work-array row: the band columns rounded up to even (the last one spare, 0). */
  readonly stride: number;
  /** Work array n × stride (re), a view on the module's memory. */
  readonly wr: Float64Array;
  /** Work array n × stride (im). */
  readonly wi: Float64Array;
  /** {@link Radix4.ditColumns} (inverse) of the work array. */
  ditColumns(): void;
  /** {@link Radix4.difColumns} (forward) of the work array. */
  difColumns(): void;
  /**
   * Each work-array row j: its `bands` values into a row of n at positions `pos` (zeros at
   * `zeroPos`), {@link Radix4.squares}, and the values at `pos` back.
   */
  rows(): void;
}

/**
 * WebAssembly SIMD kernels on an n × stride work array for `BandSpectral2D` (module docs):
 * `bands` values per row, at row-buffer positions `pos`, zeros at `zeroPos`. `null` where
 * WebAssembly SIMD is missing or log₂ n is odd (or n < 4).
 *
 * @example
 * ```ts
 * import { bandKernels } from "./radix4_simd.ts";
 * if (bandKernels(8, 1, [0], [1, 2, 3, 4, 5, 6, 7]) !== null) throw new Error("log₂ 8 is odd");
 * ```
 */
export function bandKernels(
  n: number,
  bands: number,
  pos: ArrayLike<number>,
  zeroPos: ArrayLike<number>,
): BandKernels | null {
  const bits = Math.round(Math.log2(n));
  if (!(n >= 16) || 2 ** bits !== n || bits % 2 === 1) return null;
  const mod = compiledModule();
  if (mod === null) return null;
  const stride = bands + (bands % 2), f = new Radix4(n);
  const twInv = f.twiddles(true), twFwd = f.twiddles(false);
  // layout (bytes, 16-aligned): twiddles, pos, zero positions, row buffer, work array
  let at = 0;
  const take = (bytes: number) => {
    const o = at;
    at += Math.ceil(bytes / 16) * 16;
    return o;
  };
  const oTi = take(8 * twInv.length), oTf = take(8 * twFwd.length);
  const oPos = take(4 * bands), oZero = take(4 * zeroPos.length);
  const oBr = take(8 * R * n),
    oBi = take(8 * R * n),
    oWr = take(8 * n * stride),
    oWi = take(8 * n * stride);
  const memory = new WebAssembly.Memory({ initial: Math.ceil(at / 65536) });
  const exports = new WebAssembly.Instance(mod, { e: { m: memory } }).exports as {
    dit(re: number, im: number, cols: number, tw: number, n: number, s: number): void;
    dif(re: number, im: number, cols: number, tw: number, n: number, s: number): void;
    rows(...args: number[]): void;
  };
  const buf = memory.buffer;
  new Float64Array(buf, oTi, twInv.length).set(twInv);
  new Float64Array(buf, oTf, twFwd.length).set(twFwd);
  // byte offsets of the positions in the R-column row buffer
  new Uint32Array(buf, oPos, bands).set(Array.from(pos, (p) => 8 * R * p));
  new Uint32Array(buf, oZero, zeroPos.length).set(Array.from(zeroPos, (p) => 8 * R * p));
  const nz = zeroPos.length;
  return {
    stride,
    wr: new Float64Array(buf, oWr, n * stride),
    wi: new Float64Array(buf, oWi, n * stride),
    ditColumns: () => exports.dit(oWr, oWi, stride, oTi, n, -1),
    difColumns: () => exports.dif(oWr, oWi, stride, oTf, n, 1),
    rows: () => exports.rows(oWr, oWi, stride, bands, oPos, oZero, nz, oBr, oBi, n, oTi, oTf),
  };
}

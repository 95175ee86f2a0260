import { Rng } from "../../harness/core/rng.ts";
import { Radix4 } from "./radix4.ts";
import { bandKernels, radix4SimdModule } from "./radix4_simd.ts";

function check(cond: boolean, msg: string): void {
  if (!cond) throw new Error(msg);
}

/** The band layout's row positions for n (as `BandSpectral2D` builds them). */
function layout(n: number): { rows: number; pos: number[]; zero: number[] } {
  const k = Math.floor(n / 3), rows = 2 * k + 1, rev = new Radix4(n).rev;
  const q = (r: number) => (r <= k ? r : n - rows + r);
  return {
    rows,
    pos: Array.from({ length: rows }, (_, c) => rev[q(c)]),
    zero: Array.from({ length: n - rows }, (_, i) => rev[k + 1 + i]),
  };
}

Deno.test("radix4_simd: a valid module; null where log₂ n is odd or n < 16", () => {
  check(WebAssembly.validate(radix4SimdModule() as BufferSource), "module does not validate");
  for (const n of [8, 32, 128, 4, 12]) {
    check(bandKernels(n, 1, [0], []) === null, `n = ${n}`);
  }
  check(bandKernels(16, 11, layout(16).pos, layout(16).zero) !== null, "n = 16 under Deno");
});

Deno.test("radix4_simd: column transforms and the row pipeline are Radix4's, bit for bit", () => {
  for (const n of [16, 64, 256]) {
    const { rows, pos, zero } = layout(n), k = bandKernels(n, rows, pos, zero)!;
    const f = new Radix4(n), rng = new Rng(n, 0), ws = k.stride;
    check(ws === rows + 1 && k.wr.length === n * ws, `stride n=${n}`);
    for (let i = 0; i < n * ws; i++) {
      k.wr[i] = rng.normal();
      k.wi[i] = rng.normal();
    }
    const re = k.wr.slice(), im = k.wi.slice();
    const same = (what: string) => {
      for (let i = 0; i < n * ws; i++) {
        check(Object.is(k.wr[i], re[i]) && Object.is(k.wi[i], im[i]), `${what} n=${n} [${i}]`);
      }
    };
    k.ditColumns();
    f.ditColumns(re, im, ws, true);
    same("ditColumns");
    k.rows();
    // each row: its band values at pos, zeros at the other positions, squares, back
    const sr = new Float64Array(n), si = new Float64Array(n);
    for (let j = 0; j < n; j++) {
      sr.fill(7);
      si.fill(7);
      for (const p of zero) sr[p] = si[p] = 0;
      for (let c = 0; c < rows; c++) {
        sr[pos[c]] = re[j * ws + c];
        si[pos[c]] = im[j * ws + c];
      }
      f.squares(sr, si, 0);
      for (let c = 0; c < rows; c++) {
        re[j * ws + c] = sr[pos[c]];
        im[j * ws + c] = si[pos[c]];
      }
    }
    same("rows");
    k.difColumns();
    f.difColumns(re, im, ws, false);
    same("difColumns");
  }
});

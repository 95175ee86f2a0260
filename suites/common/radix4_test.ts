import { Rng } from "../../harness/core/rng.ts";
import { Radix4 } from "./radix4.ts";

function check(cond: boolean, msg: string): void {
  if (!cond) throw new Error(msg);
}

/** Direct O(N²) DFT, `sign` −1 forward, +1 inverse (unnormalised). */
function dft(re: ArrayLike<number>, im: ArrayLike<number>, sign: number): [number[], number[]] {
  const n = re.length, or: number[] = [], oi: number[] = [];
  for (let k = 0; k < n; k++) {
    let sr = 0, si = 0;
    for (let j = 0; j < n; j++) {
      const a = (sign * 2 * Math.PI * ((j * k) % n)) / n, c = Math.cos(a), s = Math.sin(a);
      sr += re[j] * c - im[j] * s;
      si += re[j] * s + im[j] * c;
    }
    or.push(sr);
    oi.push(si);
  }
  return [or, oi];
}

function random(n: number, seed: number): [Float64Array, Float64Array] {
  const rng = new Rng(seed, 0);
  return [
    Float64Array.from({ length: n }, () => rng.normal()),
    Float64Array.from({ length: n }, () => rng.normal()),
  ];
}

const SIZES = [2, 4, 8, 16, 32, 64, 128, 256];

Deno.test("radix4: DIF = bit-reversed DFT and DIT of bit-reversed input = DFT, both signs, odd and even log₂ N", () => {
  for (const n of SIZES) {
    const f = new Radix4(n), rev = f.rev;
    for (const inverse of [false, true]) {
      const [xr, xi] = random(n, n + (inverse ? 1 : 0));
      const [wr, wi] = dft(xr, xi, inverse ? 1 : -1);
      const tol = 1e-13 * n;
      const dr = xr.slice(), di = xi.slice();
      f.dif(dr, di, 0, inverse);
      for (let k = 0; k < n; k++) {
        check(
          Math.abs(dr[k] - wr[rev[k]]) < tol && Math.abs(di[k] - wi[rev[k]]) < tol,
          `dif n=${n} k=${k}`,
        );
      }
      const br = new Float64Array(n), bi = new Float64Array(n);
      for (let k = 0; k < n; k++) {
        br[k] = xr[rev[k]];
        bi[k] = xi[rev[k]];
      }
      f.dit(br, bi, 0, inverse);
      for (let k = 0; k < n; k++) {
        check(Math.abs(br[k] - wr[k]) < tol && Math.abs(bi[k] - wi[k]) < tol, `dit n=${n} k=${k}`);
      }
    }
  }
});

Deno.test("radix4: round trip DIF forward then DIT inverse gives N·x; offsets leave the rest untouched", () => {
  for (const n of SIZES) {
    const f = new Radix4(n), [xr, xi] = random(3 * n, 7 * n);
    const re = xr.slice(), im = xi.slice();
    f.dif(re, im, n, false);
    f.dit(re, im, n, true);
    for (let j = 0; j < 3 * n; j++) {
      const s = j >= n && j < 2 * n ? n : 1;
      check(
        Math.abs(re[j] - s * xr[j]) < 1e-13 * n && Math.abs(im[j] - s * xi[j]) < 1e-13 * n,
        `n=${n} j=${j}`,
      );
    }
  }
});

Deno.test("radix4: column transforms are the row transforms of every column, bit for bit", () => {
  for (const n of SIZES) {
    const f = new Radix4(n), stride = 5, [xr, xi] = random(n * stride, 3 * n);
    for (const inverse of [false, true]) {
      for (const kind of ["dit", "dif"] as const) {
        const cr = xr.slice(), ci = xi.slice();
        if (kind === "dit") f.ditColumns(cr, ci, stride, inverse);
        else f.difColumns(cr, ci, stride, inverse);
        for (let c = 0; c < stride; c++) {
          const r = Float64Array.from({ length: n }, (_, j) => xr[j * stride + c]);
          const i = Float64Array.from({ length: n }, (_, j) => xi[j * stride + c]);
          if (kind === "dit") f.dit(r, i, 0, inverse);
          else f.dif(r, i, 0, inverse);
          for (let j = 0; j < n; j++) {
            check(
              Object.is(r[j], cr[j * stride + c]) && Object.is(i[j], ci[j * stride + c]),
              `${kind} n=${n} column ${c} row ${j}`,
            );
          }
        }
      }
    }
  }
});

Deno.test("radix4: squares = dit (inverse), (v² − u²) + i·uv, dif (forward), bit for bit and against a direct DFT", () => {
  for (const n of SIZES) {
    const f = new Radix4(n), rev = f.rev, [xr, xi] = random(3 * n, 11 * n);
    // at an offset, the rest untouched
    const re = xr.slice(), im = xi.slice();
    f.squares(re, im, n);
    const r = xr.slice(n, 2 * n), i = xi.slice(n, 2 * n);
    f.dit(r, i, 0, true);
    const u = r.slice(), v = i.slice(); // natural order, the inverse without 1/N
    for (let j = 0; j < n; j++) {
      const a = r[j], b = i[j];
      r[j] = b * b - a * a;
      i[j] = a * b;
    }
    f.dif(r, i, 0, false);
    for (let j = 0; j < 3 * n; j++) {
      const inside = j >= n && j < 2 * n;
      const er = inside ? r[j - n] : xr[j], ei = inside ? i[j - n] : xi[j];
      check(Object.is(re[j], er) && Object.is(im[j], ei), `n=${n} j=${j}: not bit for bit`);
    }
    // the mathematics: the DIT of the bit-reversed input is the inverse DFT of the spectrum
    const sr = new Float64Array(n), si = new Float64Array(n);
    for (let k = 0; k < n; k++) {
      sr[k] = xr[n + rev[k]];
      si[k] = xi[n + rev[k]];
    }
    const [ur, ui] = dft(sr, si, 1);
    const pr = ur.map((a, j) => ui[j] * ui[j] - a * a), pi = ur.map((a, j) => a * ui[j]);
    const [wr, wi] = dft(pr, pi, -1);
    const scale = wr.reduce((m, x, k) => Math.max(m, Math.abs(x), Math.abs(wi[k])), 1);
    for (let k = 0; k < n; k++) {
      check(Math.abs(ur[k] - u[k]) < 1e-12 * n && Math.abs(ui[k] - v[k]) < 1e-12 * n, `u n=${n}`);
      check(
        Math.abs(re[n + k] - wr[rev[k]]) < 1e-13 * scale * n &&
          Math.abs(im[n + k] - wi[rev[k]]) < 1e-13 * scale * n,
        `squares n=${n} k=${k}`,
      );
    }
  }
});

Deno.test("radix4: Parseval Σ|x|² = Σ|X|²/N", () => {
  const n = 256, f = new Radix4(n), [xr, xi] = random(n, 5);
  const re = xr.slice(), im = xi.slice();
  f.dif(re, im, 0, false);
  let a = 0, b = 0;
  for (let j = 0; j < n; j++) {
    a += xr[j] * xr[j] + xi[j] * xi[j];
    b += re[j] * re[j] + im[j] * im[j];
  }
  check(Math.abs(a - b / n) < 1e-12 * a, `${a} vs ${b / n}`);
});

Deno.test("radix4: rejects lengths that are not powers of two ≥ 2", () => {
  for (const n of [0, 1, 3, 12, 2.5]) {
    let threw = false;
    try {
      new Radix4(n);
    } catch (e) {
      threw = e instanceof RangeError;
    }
    check(threw, `n = ${n}`);
  }
});

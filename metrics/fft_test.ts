import {
  fft,
  fftAt,
  fftPassesAt,
  fftTables,
  irfftInto,
  rfft,
  rfftFull,
  rfftInto,
  wavenumber,
} from "./fft.ts";
import { assertClose, assertThrowsType, randomArray } from "./_test_util.ts";
import { deepStrictEqual as assertEquals } from "node:assert/strict";

/** Direct O(N²) DFT, `X_k = Σ_j x_j e^{∓2πi jk/N}`, angles reduced mod N for accuracy. */
function naiveDft(re: Float64Array, im: Float64Array, inverse = false) {
  const n = re.length, sign = inverse ? 1 : -1;
  const outRe = new Float64Array(n), outIm = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    let sr = 0, si = 0;
    for (let j = 0; j < n; j++) {
      const angle = (sign * 2 * Math.PI * ((j * k) % n)) / n;
      const c = Math.cos(angle), s = Math.sin(angle);
      sr += re[j] * c - im[j] * s;
      si += re[j] * s + im[j] * c;
    }
    outRe[k] = inverse ? sr / n : sr;
    outIm[k] = inverse ? si / n : si;
  }
  return { re: outRe, im: outIm };
}

const SIZES = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024];

Deno.test("fft matches the naive DFT for random complex inputs, N = 1..1024", () => {
  for (const n of SIZES) {
    const re = randomArray(n, 11 + n), im = randomArray(n, 23 + n);
    const want = naiveDft(re, im);
    fft(re, im);
    // Both are O(ε log N)–O(ε N) accurate relative to the scale √N·|x| of the coefficients.
    const tol = 1e-13 * n + 1e-15;
    assertClose(re, want.re, tol, `re, N=${n}`);
    assertClose(im, want.im, tol, `im, N=${n}`);
  }
});

Deno.test("inverse fft matches the naive inverse DFT and round-trips", () => {
  for (const n of SIZES) {
    const re0 = randomArray(n, 5 + n), im0 = randomArray(n, 7 + n);
    const re = re0.slice(), im = im0.slice();
    const want = naiveDft(re0, im0, true);
    fft(re, im, true);
    assertClose(re, want.re, 1e-13, `inverse re, N=${n}`);
    assertClose(im, want.im, 1e-13, `inverse im, N=${n}`);
    fft(re, im);
    assertClose(re, re0, 1e-14, `round trip re, N=${n}`);
    assertClose(im, im0, 1e-14, `round trip im, N=${n}`);
  }
});

Deno.test("fft keeps Parseval: Σ|x|² = (1/N) Σ|X|²", () => {
  for (const n of SIZES) {
    const re = randomArray(n, 100 + n), im = randomArray(n, 200 + n);
    let energyX = 0;
    for (let j = 0; j < n; j++) energyX += re[j] * re[j] + im[j] * im[j];
    fft(re, im);
    let energyK = 0;
    for (let k = 0; k < n; k++) energyK += re[k] * re[k] + im[k] * im[k];
    assertClose(energyK / n, energyX, 1e-13 * energyX, `Parseval, N=${n}`);
  }
});

Deno.test("fft of analytic inputs: delta, constant, single mode", () => {
  const n = 16;
  const re = new Float64Array(n), im = new Float64Array(n);
  re[3] = 1; // delta at j = 3 → X_k = e^{-2πi 3k/N}
  fft(re, im);
  for (let k = 0; k < n; k++) {
    const angle = (-2 * Math.PI * 3 * k) / n;
    assertClose([re[k], im[k]], [Math.cos(angle), Math.sin(angle)], 1e-14, `delta bin ${k}`);
  }
  // e^{2πi 5j/N} → N at bin 5, zero elsewhere
  const mr = new Float64Array(n), mi = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    mr[j] = Math.cos((2 * Math.PI * 5 * j) / n);
    mi[j] = Math.sin((2 * Math.PI * 5 * j) / n);
  }
  fft(mr, mi);
  const wantRe = new Float64Array(n);
  wantRe[5] = n;
  assertClose(mr, wantRe, 1e-13, "mode re");
  assertClose(mi, new Float64Array(n), 1e-13, "mode im");
});

Deno.test("rfft equals the first N/2+1 bins of the full transform", () => {
  for (const n of SIZES) {
    const x = randomArray(n, 300 + n);
    const full = naiveDft(x, new Float64Array(n));
    const half = rfft(x);
    const keep = Math.floor(n / 2) + 1;
    if (half.re.length !== keep || half.im.length !== keep) {
      throw new Error(`rfft length for N=${n}: expected ${keep}, found ${half.re.length}`);
    }
    const tol = 1e-13 * n + 1e-15;
    assertClose(half.re, full.re.slice(0, keep), tol, `rfft re, N=${n}`);
    assertClose(half.im, full.im.slice(0, keep), tol, `rfft im, N=${n}`);
    const viaFull = rfftFull(x);
    assertClose(viaFull.re, full.re, tol, `rfftFull re, N=${n}`);
    assertClose(viaFull.im, full.im, tol, `rfftFull im, N=${n}`);
  }
});

Deno.test("fft rejects mismatched and non-power-of-two lengths", () => {
  assertThrowsType(() => fft(new Float64Array(4), new Float64Array(2)), TypeError, "length 2");
  assertThrowsType(() => fft(new Float64Array(6), new Float64Array(6)), RangeError, "found 6");
  assertThrowsType(() => rfft(new Float64Array(12)), RangeError, "found 12");
});

Deno.test("wavenumber maps bins to signed wavenumbers", () => {
  const got = Array.from({ length: 8 }, (_, k) => wavenumber(k, 8));
  assertClose(got, [0, 1, 2, 3, 4, -3, -2, -1], 0, "wavenumbers");
});

Deno.test("rfftInto and fftAt give rfft's and fft's bits at any offset and stride", () => {
  const n = 64, x = Array.from({ length: 3 * n }, (_, j) => Math.sin(j * 0.37) + j / 50);
  const want = rfft(x.slice(n, 2 * n));
  const re = new Float64Array(5 * (n / 2 + 1) + 1).fill(7), im = re.slice();
  rfftInto(x, n, n, re, im, 1, 5, new Float64Array(n / 2), new Float64Array(n / 2));
  for (let k = 0; k <= n / 2; k++) {
    assertEquals([re[1 + 5 * k], im[1 + 5 * k]], [want.re[k], want.im[k]]);
  }
  assertEquals(re[0], 7, "nothing written before the offset");
  const a = Float64Array.from(x), b = Float64Array.from(x, (v) => -v);
  const ca = a.slice(n, 2 * n), cb = b.slice(n, 2 * n);
  fft(ca, cb, true);
  fftAt(a, b, n, n, true);
  assertEquals([...a.subarray(n, 2 * n)], [...ca]);
  assertEquals([...b.subarray(n, 2 * n)], [...cb]);
  assertEquals(a[0], x[0], "values outside the slice untouched");
});

Deno.test("fftPassesAt on bit-reversed input, with the lone stage and 1/N done outside, gives fftAt's bits", () => {
  for (let n = 2; n <= 4096; n *= 2) {
    const { rev } = fftTables(n), bits = Math.log2(n);
    assertEquals(rev.every((r, i) => rev[r] === i), true, `rev is an involution, N = ${n}`);
    for (const inverse of [false, true]) {
      const re = randomArray(n, n), im = randomArray(n, n + 1), wr = re.slice(), wi = im.slice();
      fftAt(wr, wi, 0, n, inverse);
      // default: the caller only permutes
      const pr = Float64Array.from(rev, (r) => re[r]), pi = Float64Array.from(rev, (r) => im[r]);
      fftPassesAt(pr, pi, 0, n, inverse);
      assertEquals([[...pr], [...pi]], [[...wr], [...wi]]);
      // the caller also applies the lone first stage (odd log₂ N) and the inverse's 1/N
      const qr = Float64Array.from(rev, (r) => re[r]), qi = Float64Array.from(rev, (r) => im[r]);
      const lone = bits % 2 === 1, w = inverse ? 0 : -0;
      if (lone) {
        for (let a = 0; a < n; a += 2) {
          const xr = qr[a + 1] - qi[a + 1] * w, xi = qr[a + 1] * w + qi[a + 1];
          qr[a + 1] = qr[a] - xr;
          qi[a + 1] = qi[a] - xi;
          qr[a] += xr;
          qi[a] += xi;
        }
      }
      fftPassesAt(qr, qi, 0, n, inverse, !lone, false);
      if (inverse) {
        for (let i = 0; i < n; i++) {
          qr[i] *= 1 / n;
          qi[i] *= 1 / n;
        }
      }
      assertEquals([[...qr], [...qi]], [[...wr], [...wi]], `N = ${n}, inverse ${inverse}`);
    }
  }
});

Deno.test("irfftInto equals the direct inverse DFT of a Hermitian spectrum, and inverts rfftInto", () => {
  let seed = 7;
  const rand = () => ((seed = (seed * 16807) % 2147483647) / 2147483647) * 2 - 1;
  for (const n of [4, 8, 16, 64, 256]) {
    const m = n / 2, re = new Float64Array(m + 1), im = new Float64Array(m + 1);
    for (let k = 0; k <= m; k++) {
      re[k] = rand();
      im[k] = k === 0 || k === m ? 0 : rand();
    }
    const out = new Float64Array(n), zr = new Float64Array(m), zi = new Float64Array(m);
    irfftInto(re, im, 0, 1, n, out, 0, zr, zi);
    for (let j = 0; j < n; j++) {
      // x_j = (1/n) Σ_k X_k e^{+2πijk/n} over all n bins, X_{n−k} = conj X_k.
      let s = 0;
      for (let k = 0; k < n; k++) {
        const kk = k <= m ? k : n - k, sign = k <= m ? 1 : -1;
        const t = (2 * Math.PI * j * k) / n;
        s += re[kk] * Math.cos(t) - sign * im[kk] * Math.sin(t);
      }
      if (Math.abs(out[j] - s / n) > 1e-14) {
        throw new Error(`n ${n}, j ${j}: ${out[j]} vs ${s / n}`);
      }
    }
  }
  const n = 1024, x = Float64Array.from({ length: n }, () => rand());
  const re = new Float64Array(n / 2 + 1), im = new Float64Array(n / 2 + 1);
  const zr = new Float64Array(n / 2), zi = new Float64Array(n / 2), back = new Float64Array(n);
  rfftInto(x, 0, n, re, im, 0, 1, zr, zi);
  irfftInto(re, im, 0, 1, n, back, 0, zr, zi);
  const worst = back.reduce((w, v, j) => Math.max(w, Math.abs(v - x[j])), 0);
  if (worst > 1e-14) throw new Error(`round trip: ${worst}`);
});

Deno.test("irfftInto inverts rfftInto for every power of two n = 4..1024", () => {
  let seed = 11;
  const rand = () => ((seed = (seed * 16807) % 2147483647) / 2147483647) * 2 - 1;
  for (let n = 4; n <= 1024; n *= 2) {
    const m = n / 2, x = Float64Array.from({ length: n }, () => rand());
    const re = new Float64Array(m + 1), im = new Float64Array(m + 1);
    const zr = new Float64Array(m), zi = new Float64Array(m), back = new Float64Array(n);
    rfftInto(x, 0, n, re, im, 0, 1, zr, zi);
    irfftInto(re, im, 0, 1, n, back, 0, zr, zi);
    const worst = back.reduce((w, v, j) => Math.max(w, Math.abs(v - x[j])), 0);
    if (!(worst <= 1e-14)) throw new Error(`n ${n}: round trip ${worst}`);
  }
});

Deno.test("non-finite input spreads to every bin (the module docs' promise)", () => {
  for (const bad of [NaN, Infinity, -Infinity]) {
    for (const n of [8, 64]) {
      const x = new Float64Array(n).map((_, j) => Math.cos(j));
      x[3] = bad;
      const m = n / 2, re = new Float64Array(m + 1), im = new Float64Array(m + 1);
      rfftInto(x, 0, n, re, im, 0, 1, new Float64Array(m), new Float64Array(m));
      if (re.some(Number.isFinite)) throw new Error(`rfftInto ${bad}, n ${n}: a finite bin`);
      re.set(new Float64Array(m + 1).fill(1));
      im.fill(0);
      re[2] = bad;
      const out = new Float64Array(n);
      irfftInto(re, im, 0, 1, n, out, 0, new Float64Array(m), new Float64Array(m));
      if (out.some(Number.isFinite)) throw new Error(`irfftInto ${bad}, n ${n}: a finite sample`);
    }
  }
});

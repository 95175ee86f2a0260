import { fft } from "../../metrics/fft.ts";
import { fourierSeriesCoefficients, fourierSeriesIc, fourierSeriesIcs } from "./ics.ts";

function check(cond: boolean, msg: string): void {
  if (!cond) throw new Error(msg);
}

Deno.test("IC: zero mean, max|u| = 1 exactly, spectrum is the drawn series", () => {
  const n = 256, kMax = 5;
  for (let i = 0; i < 20; i++) {
    const u = fourierSeriesIc(n, kMax, 20261123, i);
    let max = 0, sum = 0, raw = 0;
    for (const v of u) {
      max = Math.max(max, Math.abs(v));
      sum += v;
    }
    check(max === 1, `IC ${i}: max |u| = ${max}`);
    // Σ_j sin(2πkj/n + φ) = 0 for 1 ≤ k < n
    check(Math.abs(sum) < 1e-12, `IC ${i}: mean ${sum / n}`);
    // u_j = Σ_k (A_k / m) sin(2πkj/n + φ_k) ⇒ X_k = n A_k e^{iφ_k} / (2i m) for 1 ≤ k ≤ K.
    const { amplitude, phase } = fourierSeriesCoefficients(20261123, i, kMax);
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 1; k <= kMax; k++) {
        s += amplitude[k - 1] * Math.sin((2 * Math.PI * k * j) / n + phase[k - 1]);
      }
      raw = Math.max(raw, Math.abs(s));
    }
    const re = Float64Array.from(u), im = new Float64Array(n);
    fft(re, im);
    for (let k = 0; k <= n / 2; k++) {
      let er = 0, ei = 0;
      if (k >= 1 && k <= kMax) {
        const c = (n * amplitude[k - 1]) / (2 * raw);
        er = c * Math.sin(phase[k - 1]); // c e^{iφ}/i = c (sin φ − i cos φ)
        ei = -c * Math.cos(phase[k - 1]);
      }
      check(
        Math.hypot(re[k] - er, im[k] - ei) < 1e-11 * n,
        `IC ${i} mode ${k}: (${re[k]}, ${im[k]}) vs (${er}, ${ei})`,
      );
    }
  }
});

Deno.test("ICs: float32 rows, IC i independent of count, seeds and indices differ", () => {
  const n = 128;
  const a = fourierSeriesIcs(3, n, 5, 11), b = fourierSeriesIcs(7, n, 5, 11);
  check(a.length === 3 * n && b.length === 7 * n, "shape");
  check(a.every((v, i) => v === b[i]), "IC i changed with count");
  const row2 = Float32Array.from(fourierSeriesIc(n, 5, 11, 2));
  check(row2.every((v, j) => v === a[2 * n + j]), "row 2 is the float32 of IC 2");
  const c = fourierSeriesIcs(3, n, 5, 12);
  check(a.some((v, i) => v !== c[i]), "seed 11 and 12 gave equal ICs");
  check(a.subarray(0, n).some((v, j) => v !== a[n + j]), "IC 0 equals IC 1");
  check(fourierSeriesIcs(0, n, 5, 1).length === 0, "zero ICs");
});

Deno.test("IC coefficients: A_k ~ U(−1, 1) and φ_k ~ U(0, 2π) moments", () => {
  const count = 4000, kMax = 5, m = count * kMax;
  let a1 = 0, a2 = 0, p1 = 0, p2 = 0;
  for (let i = 0; i < count; i++) {
    const { amplitude, phase } = fourierSeriesCoefficients(99, i, kMax);
    for (let k = 0; k < kMax; k++) {
      check(amplitude[k] >= -1 && amplitude[k] < 1, "amplitude range");
      check(phase[k] >= 0 && phase[k] < 2 * Math.PI, "phase range");
      a1 += amplitude[k];
      a2 += amplitude[k] ** 2;
      p1 += phase[k];
      p2 += phase[k] ** 2;
    }
  }
  // U(a, b): mean (a+b)/2, variance (b−a)²/12; mean has standard error √(var/m)
  check(Math.abs(a1 / m) < 5 * Math.sqrt(1 / 3 / m), `amplitude mean ${a1 / m}`);
  check(Math.abs(a2 / m - 1 / 3) < 0.01, `amplitude second moment ${a2 / m}`);
  const pv = (4 * Math.PI ** 2) / 12;
  check(Math.abs(p1 / m - Math.PI) < 5 * Math.sqrt(pv / m), `phase mean ${p1 / m}`);
  check(Math.abs(p2 / m - (p1 / m) ** 2 - pv) < 0.05 * pv, `phase variance`);
});

Deno.test("IC arguments are validated", () => {
  const cases: Array<() => unknown> = [
    () => fourierSeriesIc(0, 5, 1, 0),
    () => fourierSeriesIc(8, 4, 1, 0), // kMax must be < n/2
    () => fourierSeriesIc(64, 0, 1, 0),
    () => fourierSeriesIc(64, 5, 1, -1),
    () => fourierSeriesIcs(-1, 64, 5, 1),
    () => fourierSeriesIcs(1.5, 64, 5, 1),
    () => fourierSeriesIcs(1, 64, 5, -3),
  ];
  for (const [i, f] of cases.entries()) {
    let ok = false;
    try {
      f();
    } catch (e) {
      ok = e instanceof RangeError && e.message.startsWith("Cannot");
    }
    check(ok, `case ${i} was not refused with a RangeError`);
  }
});

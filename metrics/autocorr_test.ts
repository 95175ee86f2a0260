import assert from "node:assert/strict";
import {
  autocorrelation,
  autocorrelationCurveError,
  autocorrelationError,
  temporalSpectrum,
  temporalSpectrumError,
} from "./autocorr.ts";
import { assertClose, assertThrowsType, gaussianArray, randomArray } from "./_test_util.ts";

function sum(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i];
  return s;
}

function populationVariance(x: ArrayLike<number>): number {
  const m = sum(x) / x.length;
  let s = 0;
  for (let i = 0; i < x.length; i++) s += (x[i] - m) ** 2;
  return s / x.length;
}

Deno.test("a long sine has C(τ) ≈ cos(ωτ)", () => {
  const period = 50, t = 100 * period, omega = (2 * Math.PI) / period;
  const x = Float64Array.from({ length: t }, (_, i) => 2 + 3 * Math.sin(omega * i + 0.4));
  const c = autocorrelation(x, 60);
  // Whole periods: x̄ and var = 9/2 are exact; the pair mean of sin·sin is ½cos(ωτ) minus an
  // average of cos(ω(2t+τ)+0.8) over T−τ terms, which is O(1/(ω(T−τ))) ≈ 2e-3.
  for (let tau = 0; tau <= 60; tau++) {
    assertClose(c[tau], Math.cos(omega * tau), 3e-3, `τ = ${tau}`);
  }
  assertClose(c[0], 1, 1e-15, "C(0) = 1");
});

Deno.test("white noise has C(τ) ≈ 0 for τ > 0 (within 5/√T)", () => {
  const t = 4096, x = gaussianArray(t, 99);
  const c = autocorrelation(x, 20);
  assertClose(c[0], 1, 1e-15, "C(0)");
  for (let tau = 1; tau <= 20; tau++) assertClose(c[tau], 0, 5 / Math.sqrt(t), `τ = ${tau}`);
});

Deno.test("hand-computed autocorrelation of short series", () => {
  assertClose(autocorrelation([1, -1, 1, -1], 3), [1, -1, 1, -1], 0, "alternating");
  // x = (0, 1, 2): x̄ = 1, var = 2/3; C(1) = ((−1)(0) + (0)(1))/2 / var = 0,
  // C(2) = ((−1)(1))/1 / var = −3/2 (the pair-mean estimator can leave [−1, 1]).
  assertClose(autocorrelation([0, 1, 2], 2), [1, 0, -1.5], 1e-15, "ramp");
  assertClose(autocorrelation([5, 5, 5], 2), [1, 1, 1], 0, "constant series is persistent");
  assertClose(autocorrelation([7], 0), [1], 0, "T = 1");
});

Deno.test("autocorrelation is invariant under x → a·x + b", () => {
  const x = randomArray(500, 4);
  const c = autocorrelation(x, 30);
  for (const [a, b] of [[2, 0], [-0.5, 3], [1e3, -7]]) {
    assertClose(autocorrelation(x.map((v) => a * v + b), 30), c, 1e-12, `a=${a}, b=${b}`);
  }
});

Deno.test("autocorrelation error: 0 for identical series, analytic for two sines", () => {
  const x = randomArray(300, 8);
  assertClose(autocorrelationError(x, x, 25), 0, 0, "identical");
  assertClose(autocorrelationError(x.map((v) => 4 * v - 1), x, 25), 0, 1e-12, "affine copy");
  // Sines of periods 40 and 20 over whole periods: C ≈ cos(2πτ/40) vs cos(2πτ/20).
  const t = 8000;
  const s = (p: number) =>
    Float64Array.from({ length: t }, (_, i) => Math.sin((2 * Math.PI * i) / p));
  let want = 0;
  for (let tau = 1; tau <= 10; tau++) {
    want += Math.abs(Math.cos((2 * Math.PI * tau) / 40) - Math.cos((2 * Math.PI * tau) / 20));
  }
  assertClose(autocorrelationError(s(40), s(20), 10), want / 10, 2e-3, "two sines");
  // Constant prediction (persistence-like) vs a sine: finite, |1 − cos|.
  const flat = new Float64Array(t).fill(0.3);
  let wantFlat = 0;
  for (let tau = 1; tau <= 10; tau++) wantFlat += 1 - Math.cos((2 * Math.PI * tau) / 40);
  assertClose(autocorrelationError(flat, s(40), 10), wantFlat / 10, 2e-3, "constant vs sine");
});

Deno.test("temporal spectrum keeps Parseval: Σ P(f) = var(x), any length T", () => {
  for (const t of [1, 2, 3, 64, 100, 1000, 1024]) {
    const x = randomArray(t, 50 + t).map((v, i) => v + 0.01 * i + 5);
    const p = temporalSpectrum(x);
    let m = 1;
    while (m < t) m *= 2;
    if (p.length !== m / 2 + 1 && !(t === 1 && p.length === 1)) {
      throw new Error(`length for T=${t}: expected ${m / 2 + 1}, found ${p.length}`);
    }
    const v = populationVariance(x);
    assertClose(sum(p), v, 1e-12 * Math.max(v, 1e-300), `Parseval, T = ${t}`);
    assertClose(p[0], 0, 1e-12 * Math.max(v, 1e-300), `no power at f = 0, T = ${t}`);
  }
});

Deno.test("temporal spectrum of a bin-centred cosine is a single line", () => {
  const m = 128, f = 9, a = 2;
  const x = Float64Array.from({ length: m }, (_, t) => a * Math.cos((2 * Math.PI * f * t) / m));
  const p = temporalSpectrum(x);
  for (let q = 0; q <= m / 2; q++) assertClose(p[q], q === f ? a * a / 2 : 0, 1e-13, `f = ${q}`);
});

Deno.test("temporal spectrum error: 0 when identical, |2 ln a| when scaled", () => {
  const y = randomArray(200, 31);
  assertClose(temporalSpectrumError(y, y), 0, 0, "identical");
  assertClose(temporalSpectrumError(y.map((v) => v + 10), y), 0, 1e-9, "offset is removed");
  for (const a of [0.25, 3]) {
    const got = temporalSpectrumError(y.map((v) => a * v), y);
    assertClose(got, Math.abs(2 * Math.log(a)), 1e-10, `a = ${a}`);
  }
});

Deno.test("temporal functions validate their inputs", () => {
  assertThrowsType(() => autocorrelation([1, 2, 3], 3), RangeError, "[0, 2], found 3");
  assertThrowsType(() => autocorrelation([1, 2, 3], 1.5), RangeError, "found 1.5");
  assertThrowsType(() => autocorrelation([], 0), RangeError, "empty");
  assertThrowsType(() => autocorrelationError([1, 2, 3], [1, 2], 2), RangeError, "[1, 1]");
  assertThrowsType(() => autocorrelationError([1, 2], [1, 2], 0), RangeError, "found 0");
  assertThrowsType(() => temporalSpectrumError([1, 2], [1, 2, 3]), TypeError, "pred length 2");
  assertThrowsType(() => temporalSpectrumError([1], [1]), RangeError, "at least 2 steps");
});

Deno.test("autocorrelationCurveError: autocorrelationError from the two curves, to the bit", () => {
  for (const [t, tmax] of [[200, 50], [20, 10], [7, 1]]) {
    const p = randomArray(t, 100 + t), y = gaussianArray(t, 200 + t);
    const e = autocorrelationCurveError(autocorrelation(p, tmax), autocorrelation(y, tmax));
    assert.ok(Object.is(e, autocorrelationError(p, y, tmax)), `T ${t}, τ_max ${tmax}: ${e}`);
  }
  // C_y = (1, −1, 1) against C_p = (1, 0.6, 0): (|0.6 + 1| + |0 − 1|) / 2
  assertClose(autocorrelationCurveError([1, 0.6, 0], [1, -1, 1]), 1.3, 1e-15, "(1.6 + 1) / 2");
  assertThrowsType(() => autocorrelationCurveError([1], [1]), RangeError, "tauMax");
  assertThrowsType(() => autocorrelationCurveError([1, 0], [1, 0, 0]), TypeError, "equal length");
});

import assert from "node:assert/strict";
import { mseSplit } from "./split.ts";
import { mse, nrmse, nrmseOfSums, sumSquares } from "./pointwise.ts";
import { assertClose, assertThrowsType, gaussianArray, randomArray } from "./_test_util.ts";

/** Population moments computed the textbook way, for cross-checks on well-conditioned data. */
function moments(p: Float64Array, y: Float64Array) {
  const n = p.length;
  const mp = p.reduce((a, b) => a + b, 0) / n, my = y.reduce((a, b) => a + b, 0) / n;
  let vp = 0, vy = 0, cov = 0;
  for (let i = 0; i < n; i++) {
    vp += (p[i] - mp) ** 2;
    vy += (y[i] - my) ** 2;
    cov += (p[i] - mp) * (y[i] - my);
  }
  return { mp, my, sp: Math.sqrt(vp / n), sy: Math.sqrt(vy / n), cov: cov / n };
}

function sine(n: number, k: number, phase = 0, amp = 1, offset = 0): Float64Array {
  return Float64Array.from(
    { length: n },
    (_, j) => offset + amp * Math.sin((2 * Math.PI * k * j) / n + phase),
  );
}

Deno.test("dissipation + dispersion = mse to 1e-12 relative on random fields", () => {
  for (let seed = 0; seed < 20; seed++) {
    const n = 64 + 37 * seed;
    const y = randomArray(n, seed), noise = randomArray(n, 1000 + seed);
    const a = 0.3 + 0.1 * seed, b = 0.05 * seed, c = 0.5 - 0.05 * seed;
    const p = y.map((v, i) => a * v + b * noise[i] + c);
    const s = mseSplit(p, y);
    assertClose(s.dissipation + s.dispersion, s.mse, 1e-12 * s.mse, `identity, seed ${seed}`);
    if (s.mse !== mse(p, y)) throw new Error(`mse differs from pointwise mse, seed ${seed}`);
    // The parts agree with the textbook moment formulas on well-conditioned data.
    const m = moments(p, y);
    const dis = (m.sp - m.sy) ** 2 + (m.mp - m.my) ** 2;
    const disp = 2 * (1 - m.cov / (m.sp * m.sy)) * m.sp * m.sy;
    assertClose(s.dissipation, dis, 1e-12 * s.mse, `dissipation vs textbook, seed ${seed}`);
    assertClose(s.dispersion, disp, 1e-12 * s.mse, `dispersion vs textbook, seed ${seed}`);
  }
});

Deno.test("identity and accuracy hold when p ≈ y (no cancellation)", () => {
  const n = 512, y = gaussianArray(n, 7), e = gaussianArray(n, 8);
  for (const eps of [1e-3, 1e-6, 1e-9]) {
    // p = y + ε·e with e independent: mse ≈ ε², nearly all of it dispersion; the textbook
    // σₚ² + σᵧ² − 2cov would lose ~|log10 ε²| digits here.
    const p = y.map((v, i) => v + eps * e[i]);
    const s = mseSplit(p, y);
    assertClose(s.dissipation + s.dispersion, s.mse, 1e-12 * s.mse, `identity, ε = ${eps}`);
    if (!(s.dispersion > 0.9 * s.mse)) throw new Error(`ε = ${eps}: dispersion should dominate`);
  }
});

Deno.test("pure amplitude damping p = a·y of a zero-mean y has zero dispersion", () => {
  const n = 256, raw = randomArray(n, 3);
  const mean = raw.reduce((a, b) => a + b, 0) / n;
  const y = raw.map((v) => v - mean);
  const sy = Math.sqrt(y.reduce((a, v) => a + v * v, 0) / n);
  for (const a of [0, 0.5, 0.99, 1, 1.5]) {
    const s = mseSplit(y.map((v) => a * v), y);
    assertClose(s.dispersion, 0, 1e-14 * Math.max(s.mse, 1e-300), `dispersion, a = ${a}`);
    assertClose(s.dissipation, (1 - a) ** 2 * sy * sy, 1e-13 * sy * sy, `dissipation, a = ${a}`);
  }
});

Deno.test("a phase-shifted sine is pure dispersion: 1 − cos φ for unit amplitude", () => {
  // Over a whole period both have μ = 0 and σ² = ½, ρ = cos φ: mse = 1 − cos φ, all dispersion.
  const n = 128;
  const y = sine(n, 3);
  for (const phi of [0.1, 0.5, Math.PI / 2, 2, Math.PI]) {
    const s = mseSplit(sine(n, 3, phi), y);
    assertClose(s.mse, 1 - Math.cos(phi), 1e-14, `mse, φ = ${phi}`);
    assertClose(s.dissipation, 0, 1e-14, `dissipation, φ = ${phi}`);
    assertClose(s.dispersion, 1 - Math.cos(phi), 1e-14, `dispersion, φ = ${phi}`);
  }
});

Deno.test("a constant offset goes entirely to dissipation", () => {
  const y = sine(64, 2, 0.3, 1.7, 0.2);
  for (const c of [-3, 0.01, 2.5]) {
    const s = mseSplit(y.map((v) => v + c), y);
    assertClose(s.mse, c * c, 1e-14 * c * c + 1e-15, `mse, c = ${c}`);
    assertClose(s.dissipation, c * c, 1e-14 * c * c + 1e-15, `dissipation, c = ${c}`);
    assertClose(s.dispersion, 0, 1e-14 * c * c, `dispersion, c = ${c}`);
  }
});

Deno.test("split is symmetric in pred and ref", () => {
  const p = randomArray(300, 41), y = randomArray(300, 42).map((v) => 2 * v + 0.3);
  const a = mseSplit(p, y), b = mseSplit(y, p);
  assertClose(a.mse, b.mse, 1e-15 * a.mse, "mse");
  assertClose(a.dissipation, b.dissipation, 1e-13 * a.mse, "dissipation");
  assertClose(a.dispersion, b.dispersion, 1e-13 * a.mse, "dispersion");
});

Deno.test("constant fields (σ = 0): dispersion 0 and the identity still holds", () => {
  const y = sine(32, 1, 0, 2, 1), flat = new Float64Array(32).fill(0.75);
  for (const [p, r] of [[flat, y], [y, flat], [flat, flat.map(() => -1)]]) {
    const s = mseSplit(p, r);
    if (s.dispersion !== 0) throw new Error(`dispersion should be 0, found ${s.dispersion}`);
    assertClose(s.dissipation, s.mse, 1e-14 * s.mse, "dissipation = mse");
  }
  // y = 1 + 2 sin: σᵧ² = 2, μᵧ = 1; p = 0.75: mse = σᵧ² + (0.75 − 1)²
  assertClose(mseSplit(flat, y).mse, 2 + 0.0625, 1e-14, "analytic mse vs a constant");
  const zero = mseSplit(flat, flat);
  if (zero.mse !== 0 || zero.dissipation !== 0 || zero.dispersion !== 0) {
    throw new Error("identical constants: all parts should be 0");
  }
});

Deno.test("mseSplit validates lengths and propagates NaN", () => {
  assertThrowsType(() => mseSplit([1, 2], [1, 2, 3]), TypeError, "pred length 2");
  assertThrowsType(() => mseSplit([], []), RangeError, "empty");
  const s = mseSplit([NaN, 1], [0, 1]);
  if (!Number.isNaN(s.mse) || !Number.isNaN(s.dispersion)) throw new Error("NaN dropped");
});

Deno.test("mseSplit: its two sums are Σ(p − y)² and Σy², so nrmseOfSums gives nrmse to the bit", () => {
  const n = 1024;
  const cases: [string, Float32Array, Float32Array][] = [
    ["random", Float32Array.from(randomArray(n, 3)), Float32Array.from(randomArray(n, 4))],
    // Σy² underflows: nrmse rescales by max|y| (the same path from the sums)
    [
      "tiny",
      Float32Array.from(randomArray(n, 5), (v) => 1e-30 * v),
      new Float32Array(n).fill(1e-40),
    ],
    ["zero reference", Float32Array.from(randomArray(n, 6)), new Float32Array(n)],
    ["both zero", new Float32Array(n), new Float32Array(n)],
  ];
  for (const [name, p, y] of cases) {
    const s = mseSplit(p, y);
    assert.equal(s.sumSquaredError, sumSquares(p, y), name);
    assert.equal(s.refSumSquares, sumSquares(y), name);
    assert.equal(s.mse, s.sumSquaredError / n, name);
    assert.ok(
      Object.is(nrmseOfSums(s.sumSquaredError, s.refSumSquares, p, y), nrmse(p, y)),
      `${name}: ${nrmse(p, y)}`,
    );
  }
  // the sums themselves: 3² + 4² = 25 and (1 − 3)² + (2 − 4)² = 8
  const small = mseSplit([1, 2], [3, 4]);
  assert.equal(small.refSumSquares, 25);
  assert.equal(small.sumSquaredError, 8);
});

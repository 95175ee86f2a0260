import assert from "node:assert/strict";
import {
  blackmanTukey,
  DEFAULT_MAX_POINTS,
  defaultTauMax,
  LAG_BLOCK,
  LagAccumulator,
  samplePoints,
  scalarTemporalRows,
  TemporalTracker,
} from "./temporal.ts";
import { autocorrelation } from "./autocorr.ts";
import { gaussianArray, randomArray } from "./_test_util.ts";
import type { ResultRow } from "./rows.ts";

const find = (rows: ResultRow[], metric: string, field: string, extra: Partial<ResultRow> = {}) =>
  rows.find((r) =>
    r.metric === metric && r.field === field && r.ic === extra.ic && r.step === extra.step
  );

Deno.test("LagAccumulator: streamed C(τ) equals the whole-series estimator, γ the biased autocovariance", () => {
  for (const [L, tmax, offset] of [[9, 4, 0], [200, 50, 1e3], [64, 1, -5]] as const) {
    const P = 3;
    const series = Array.from({ length: P }, (_, j) => {
      const r = randomArray(L, 11 + j + L);
      return Array.from(r, (v) => offset + v); // a large mean tests the shifted sums
    });
    const acc = new LagAccumulator(P, tmax);
    for (let t = 0; t < L; t++) acc.push(series.map((s) => s[t]), [0, 1, 2]);
    const { c, gamma } = acc.result();
    for (let tau = 0; tau <= tmax; tau++) {
      let meanC = 0, meanG = 0;
      for (const s of series) {
        meanC += autocorrelation(s, tmax)[tau] / P;
        const m = s.reduce((a, b) => a + b, 0) / L;
        let g = 0;
        for (let t = 0; t + tau < L; t++) g += (s[t] - m) * (s[t + tau] - m);
        meanG += g / L / P;
      }
      assert.ok(Math.abs(c[tau] - meanC) < 1e-9, `L ${L} τ ${tau}: ${c[tau]} vs ${meanC}`);
      assert.ok(Math.abs(gamma[tau] - meanG) < 1e-9 * Math.abs(gamma[0]), `γ(${tau})`);
    }
    // A range of points averages only those.
    const one = acc.result(1, 1).c;
    const want = autocorrelation(series[1], tmax);
    for (let tau = 0; tau <= tmax; tau++) assert.ok(Math.abs(one[tau] - want[tau]) < 1e-9);
  }
  const constant = new LagAccumulator(1, 2);
  for (let t = 0; t < 5; t++) constant.push([7], [0]);
  assert.deepEqual([...constant.result().c], [1, 1, 1]); // as autocorrelation(): persistent
  assert.throws(() => new LagAccumulator(1, 3).result(), RangeError);
});

Deno.test("LagAccumulator: exact at every length, across its blocks of LAG_BLOCK steps", () => {
  // result() mid-series (pending steps added early) and lengths on either side of a block's end;
  // τ_max of 1..9 takes the four-lag passes, their remainders and the steps t < τ_max.
  for (const tmax of [1, 3, 4, 5, 7, 9]) {
    const P = 2, L = 3 * LAG_BLOCK + 5;
    const series = [randomArray(L, 40 + tmax), randomArray(L, 50 + tmax)];
    const acc = new LagAccumulator(P, tmax);
    for (let t = 0; t < L; t++) {
      acc.push([series[0][t], series[1][t]], [0, 1]);
      const n = t + 1;
      if (n <= tmax || (n % LAG_BLOCK > 1 && n % LAG_BLOCK < LAG_BLOCK - 1 && n % 5 !== 0)) {
        continue;
      }
      const got = acc.result().c;
      for (let tau = 0; tau <= tmax; tau++) {
        const want = (autocorrelation(series[0].subarray(0, n), tmax)[tau] +
          autocorrelation(series[1].subarray(0, n), tmax)[tau]) / 2;
        assert.ok(Math.abs(got[tau] - want) < 1e-12, `τ_max ${tmax}, L ${n}, τ ${tau}`);
      }
    }
  }
});

Deno.test("LagAccumulator: float32 states (kept as float32) give the bits of the same values as numbers", () => {
  // Float32Array pushes keep their values in float32 until a float64 state arrives (then the
  // kept values are copied to float64): the results must not depend on the storage.
  const P = 3, tmax = 6, L = 2 * LAG_BLOCK + 9;
  const values = Array.from(
    { length: L },
    (_, t) =>
      Float32Array.from(
        { length: P },
        (_, j) => 100 + Math.sin(1.7 * t + j) + (j === 2 ? 1e-3 * t : 0),
      ),
  );
  for (const switchAt of [L, 0, 5, LAG_BLOCK + 3]) {
    const a = new LagAccumulator(P, tmax), b = new LagAccumulator(P, tmax);
    for (let t = 0; t < L; t++) {
      a.push(t < switchAt ? values[t] : Array.from(values[t]), [0, 1, 2]);
      b.push(Array.from(values[t]), [0, 1, 2]);
    }
    const ra = a.result(), rb = b.result();
    for (let tau = 0; tau <= tmax; tau++) {
      assert.ok(
        Object.is(ra.c[tau], rb.c[tau]) && Object.is(ra.gamma[tau], rb.gamma[tau]),
        `${switchAt} ${tau}`,
      );
    }
  }
});

Deno.test("LagAccumulator: AR(1) x_t = φx_{t−1} + ε has C(τ) → φ^τ", () => {
  const phi = 0.8, L = 40000, eps = gaussianArray(L, 5);
  const acc = new LagAccumulator(1, 10);
  let x = 0;
  for (let t = 0; t < L; t++) {
    x = phi * x + eps[t];
    acc.push([x], [0]);
  }
  const { c } = acc.result();
  // Sampling error of C(τ) ~ √((1+φ²)/(1−φ²)/L) ≈ 0.01.
  for (let tau = 0; tau <= 10; tau++) assert.ok(Math.abs(c[tau] - phi ** tau) < 0.04, `${tau}`);
});

Deno.test("TemporalTracker: a travelling wave cos(kx − ωt) has per-point C(τ) = cos(ωτ)", () => {
  const X = 64, T = 2000, omega = (2 * Math.PI) / 20, k = (2 * Math.PI * 3) / X;
  const t = new TemporalTracker({
    fields: ["u", "v"],
    pointsPerField: X,
    ics: 1,
    firstStep: 1,
    steps: T,
    tauMax: 25,
    maxPoints: 16, // a golden-stride subset (samplePoints): the mean over that subset
  });
  const state = new Float32Array(2 * X), ref = new Float32Array(2 * X);
  for (let n = 1; n <= T; n++) {
    for (let i = 0; i < X; i++) {
      state[i] = Math.cos(k * i - omega * n);
      state[X + i] = 2 + Math.sin(k * i - omega * n);
      ref[i] = state[i];
      ref[X + i] = Math.sin(k * i - 2 * omega * n); // twice the frequency
    }
    t.observe(0, n, state, ref);
  }
  const rows = t.rows();
  for (let tau = 0; tau <= 25; tau++) {
    const cu = find(rows, "autocorr_pred", "u", { step: tau })!.value!;
    const cv = find(rows, "autocorr_pred", "v", { step: tau })!.value!;
    const cr = find(rows, "autocorr_ref", "v", { step: tau })!.value!;
    // Finite-length bias is O(1/(ωT)); float32 states add ~1e-7.
    assert.ok(Math.abs(cu - Math.cos(omega * tau)) < 5e-3, `u τ ${tau}: ${cu}`);
    assert.ok(Math.abs(cv - Math.cos(omega * tau)) < 5e-3, `v τ ${tau}: ${cv}`);
    assert.ok(Math.abs(cr - Math.cos(2 * omega * tau)) < 5e-3, `ref v τ ${tau}: ${cr}`);
  }
  // u: prediction = reference, error 0. v: error = mean over τ of |cos ωτ − cos 2ωτ|.
  assert.equal(find(rows, "autocorr_error", "u")!.value, 0);
  assert.equal(find(rows, "temporal_spectrum_error", "u")!.value, 0);
  let want = 0;
  for (let tau = 1; tau <= 25; tau++) {
    want += Math.abs(Math.cos(omega * tau) - Math.cos(2 * omega * tau));
  }
  assert.ok(Math.abs(find(rows, "autocorr_error", "v")!.value! - want / 25) < 5e-3);
  assert.ok(find(rows, "temporal_spectrum_error", "v")!.value! > 1);
});

Deno.test("TemporalTracker: affine maps keep C (error 0); scaling by a multiplies the spectrum by a²", () => {
  const X = 8, T = 300, noise = gaussianArray(T * X, 3);
  const t = new TemporalTracker({
    fields: ["u"],
    pointsPerField: X,
    ics: 2,
    firstStep: 1,
    steps: T,
  });
  assert.equal(t.tauMax, defaultTauMax(T));
  const prev = new Float64Array(X);
  for (let n = 1; n <= T; n++) {
    const y = new Float32Array(X), p = new Float32Array(X);
    for (let i = 0; i < X; i++) {
      prev[i] = 0.9 * prev[i] + noise[(n - 1) * X + i];
      y[i] = prev[i];
      p[i] = 2 * y[i] + 3; // rounded to float32: C agrees to ~1e-7
    }
    t.observe(0, n, p, y);
    t.observe(1, n, y, y);
  }
  const rows = t.rows();
  const ac0 = find(rows, "autocorr_error", "u", { ic: 0 })!.value!;
  const sp0 = find(rows, "temporal_spectrum_error", "u", { ic: 0 })!.value!;
  assert.ok(ac0 < 1e-6, String(ac0));
  assert.ok(Math.abs(sp0 - 2 * Math.LN2) < 1e-6, String(sp0)); // |ln 4|
  assert.equal(find(rows, "autocorr_error", "u", { ic: 1 })!.value, 0);
  const mean = find(rows, "temporal_spectrum_error", "u")!;
  assert.equal(mean.n, 2);
  assert.ok(Math.abs(mean.value! - Math.LN2) < 1e-6);
});

Deno.test("TemporalTracker: diverged ICs contribute nothing; out-of-order steps are refused", () => {
  const t = new TemporalTracker({
    fields: ["u"],
    pointsPerField: 2,
    ics: 2,
    firstStep: 2,
    steps: 9,
  });
  for (let n = 2; n <= 9; n++) {
    const s = new Float32Array([Math.sin(n), Math.cos(n)]);
    t.observe(0, n, s, s);
    if (n <= 5) t.observe(1, n, s, s.map((v) => -v));
  }
  t.diverged(1, 6);
  const rows = t.rows();
  assert.equal(find(rows, "autocorr_error", "u")!.n, 1);
  assert.equal(find(rows, "autocorr_error", "u", { ic: 1 }), undefined);
  assert.equal(find(rows, "autocorr_pred", "u", { step: 0 })!.value, 1);
  assert.throws(
    () => t.observe(0, 3, new Float32Array(2), new Float32Array(2)),
    /expected step 2/,
  );
  t.observe(1, 1, new Float32Array(2), new Float32Array(2)); // before s₀: not in the series
  assert.throws(
    () => new TemporalTracker({ fields: ["u"], pointsPerField: 2, ics: 1, firstStep: 3, steps: 3 }),
    RangeError,
  );
});

Deno.test("TemporalTracker: shard states merge to the rows of one tracker", () => {
  const options = { fields: ["a", "b"], pointsPerField: 4, ics: 3, firstStep: 1, steps: 30 };
  const whole = new TemporalTracker(options);
  const parts = [new TemporalTracker(options), new TemporalTracker(options)];
  const data = randomArray(3 * 30 * 8 * 2, 9);
  for (let ic = 0; ic < 3; ic++) {
    for (let n = 1; n <= 30; n++) {
      const at = ((ic * 30 + n - 1) * 2) * 8;
      const p = Float32Array.from(data.subarray(at, at + 8));
      const y = Float32Array.from(data.subarray(at + 8, at + 16));
      whole.observe(ic, n, p, y);
      parts[ic < 2 ? 0 : 1].observe(ic, n, p, y);
    }
  }
  const states = JSON.parse(JSON.stringify([parts[0].toState([0, 1]), parts[1].toState([2])]));
  assert.deepEqual(TemporalTracker.fromStates(options, states).rows(), whole.rows());
  assert.throws(() => TemporalTracker.fromStates(options, [states[0]]), /IC.*2/);
  assert.throws(
    () => TemporalTracker.fromStates({ ...options, steps: 31 }, states),
    /steps: expected 31, found 30/,
  );
});

Deno.test("blackmanTukey: a sinusoid peaks at its frequency; random data gives P ≥ 0", () => {
  const L = 4000, tmax = 40, f0 = 10 / (2 * tmax); // j = 10
  const acc = new LagAccumulator(1, tmax);
  for (let t = 0; t < L; t++) acc.push([Math.cos(2 * Math.PI * f0 * t)], [0]);
  const p = blackmanTukey(acc.result().gamma);
  const peak = p.indexOf(Math.max(...p));
  assert.equal(peak, 10);
  const noise = new LagAccumulator(4, 20);
  const r = randomArray(4 * 100, 2);
  for (let t = 0; t < 100; t++) noise.push(r.subarray(t * 4, t * 4 + 4), [0, 1, 2, 3]);
  const q = blackmanTukey(noise.result().gamma);
  assert.ok(q.every((v) => v > -1e-12 * q[0]), String(q));
  assert.throws(() => blackmanTukey([1]), RangeError);
});

Deno.test("scalarTemporalRows: identical series give 0, ICs with gaps are left out", () => {
  const y = Array.from({ length: 31 }, (_, t) => Math.cos(t / 3) + 0.01 * t);
  const p = y.map((v) => 5 * v - 1);
  const gap = y.map((v, t) => (t > 20 ? null : v));
  const rows = scalarTemporalRows("energy", [
    { pred: y, ref: y },
    { pred: p, ref: y },
    { pred: gap, ref: y },
  ], 1);
  const mean = find(rows, "autocorr_error_energy", "*")!;
  assert.equal(mean.n, 2);
  assert.ok(mean.value! < 1e-12);
  const sp = find(rows, "temporal_spectrum_error_energy", "*", { ic: 1 })!.value!;
  assert.ok(Math.abs(sp - 2 * Math.log(5)) < 1e-9, String(sp));
  assert.equal(find(rows, "autocorr_pred_energy", "*", { step: 0 })!.value, 1);
  assert.equal(rows.filter((r) => r.metric === "autocorr_pred_energy").length, 16);
  assert.deepEqual(scalarTemporalRows("x", [{ pred: [1, 2], ref: [1, 2] }], 1), []);
});

Deno.test("samplePoints: on a 256×256 grid the tracked points spread over rows and columns", () => {
  const p = samplePoints(256 * 256, DEFAULT_MAX_POINTS);
  assert.equal(p.length, 256);
  assert.equal(new Set(p).size, 256, "distinct points");
  const rows = new Set([...p].map((i) => Math.floor(i / 256)));
  const cols = new Set([...p].map((i) => i % 256));
  assert.ok(rows.size >= 200, `${rows.size} distinct rows`);
  assert.ok(cols.size >= 200, `${cols.size} distinct columns`);
  // Other shapes: distinct, in range; small fields keep every point.
  for (const [x, n] of [[1024, 256], [721 * 1440, 256], [96, 64], [100, 7]]) {
    const q = samplePoints(x, n);
    assert.equal(new Set(q).size, n, `${x}`);
    assert.ok(q.every((i) => i >= 0 && i < x), `${x}`);
  }
  assert.deepEqual([...samplePoints(5, 256)], [0, 1, 2, 3, 4]);
});

Deno.test("TemporalTracker: on a 2D grid the curve is not that of one column", () => {
  // Column x = 0 alternates (C(1) = −1); every other point is constant-phase cos(ωn) (C(1) ≈
  // cos ω). Sampling only that column would give C(1) = −1.
  const X = 256 * 256, T = 200, omega = 0.3;
  const t = new TemporalTracker({
    fields: ["u"],
    pointsPerField: X,
    ics: 1,
    firstStep: 1,
    steps: T,
  });
  const s = new Float32Array(X);
  for (let n = 1; n <= T; n++) {
    for (let i = 0; i < X; i++) s[i] = i % 256 === 0 ? (-1) ** n : Math.cos(omega * n + i);
    t.observe(0, n, s, s);
  }
  const c1 = find(t.rows(), "autocorr_pred", "u", { step: 1 })!.value!;
  const want = (-1 + 255 * Math.cos(omega)) / 256; // one of the 256 points is in column 0
  assert.ok(Math.abs(c1 - want) < 0.02, `C(1) ${c1}, expected ≈ ${want}`);
});

Deno.test("LagAccumulator: flush() at any step leaves every lagged sum the same bits", () => {
  for (const tmax of [1, 4, 7]) {
    const L = 3 * LAG_BLOCK + 3, P = 3;
    const series = Array.from({ length: P }, (_, j) => randomArray(L, 70 + 10 * tmax + j));
    const plain = new LagAccumulator(P, tmax), flushed = new LagAccumulator(P, tmax);
    for (let t = 0; t < L; t++) {
      const x = series.map((s) => s[t]);
      plain.push(x, [0, 1, 2]);
      flushed.push(x, [0, 1, 2]);
      if (t % 3 === 1 || t === L - 2) flushed.flush();
    }
    const a = plain.result(), b = flushed.result();
    for (let tau = 0; tau <= tmax; tau++) {
      assert.ok(Object.is(a.c[tau], b.c[tau]) && Object.is(a.gamma[tau], b.gamma[tau]), `τ ${tau}`);
    }
  }
});

Deno.test("blackmanTukey: the same bits as the sum written out, for every τ_max (its factors are cached)", () => {
  for (const tmax of [1, 2, 7, 50, 7]) {
    const gamma = randomArray(tmax + 1, 900 + tmax);
    const got = blackmanTukey(gamma);
    for (let j = 0; j <= tmax; j++) {
      let s = gamma[0];
      for (let tau = 1; tau < tmax; tau++) {
        s += 2 * (1 - tau / tmax) * gamma[tau] * Math.cos((Math.PI * j * tau) / tmax);
      }
      assert.ok(Object.is(got[j], s), `τ_max ${tmax}, j ${j}: ${got[j]} vs ${s}`);
    }
  }
});

Deno.test("LagAccumulator: reset() makes it a new one (the same bits), whatever it held", () => {
  const P = 3, tmax = 5, idx = [0, 1, 2];
  const series = (L: number, seed: number, f32: boolean) =>
    Array.from({ length: L }, (_, t) => {
      const r = randomArray(P, seed + t);
      return f32 ? Float32Array.from(r) : Array.from(r, (v) => v + 1e-9 * t);
    });
  // Before the reset: float64 or float32 values, a series ended mid-block or on a block edge.
  for (
    const [before, f32Before] of [[7, false], [LAG_BLOCK * 2, true], [LAG_BLOCK + 3, true]] as const
  ) {
    for (const f32 of [true, false]) {
      const used = new LagAccumulator(P, tmax), fresh = new LagAccumulator(P, tmax);
      for (const s of series(before, 100, f32Before)) used.push(s, idx);
      used.reset();
      assert.equal(used.length, 0);
      for (const s of series(LAG_BLOCK + 9, 7, f32)) {
        used.push(s, idx);
        fresh.push(s, idx);
      }
      const a = used.result(), b = fresh.result();
      for (let i = 0; i < a.c.length; i++) {
        assert.ok(
          Object.is(a.c[i], b.c[i]) && Object.is(a.gamma[i], b.gamma[i]),
          `${before} ${f32}`,
        );
      }
    }
  }
  // reserve(): made and written ahead, the sums the same as a new one's.
  const r = new LagAccumulator(P, tmax), fresh = new LagAccumulator(P, tmax);
  r.reserve();
  for (const s of series(12, 3, true)) {
    r.push(s, idx);
    fresh.push(s, idx);
  }
  assert.deepEqual(r.result(), fresh.result());
});

Deno.test("TemporalTracker: accumulators handed from IC to IC (reserve, restarts, divergence) give the rows of fresh ones", () => {
  const options = { fields: ["a", "b"], pointsPerField: 5, ics: 4, firstStep: 1, steps: 24 };
  const data = randomArray(4 * 24 * 10 * 2, 31);
  const state = (ic: number, n: number, k: 0 | 1) => {
    const at = (((ic * 24 + n - 1) * 2) + k) * 10;
    return Float32Array.from(data.subarray(at, at + 10));
  };
  // All ICs at once: every IC's series has accumulators of its own.
  const together = new TemporalTracker(options);
  for (let n = 1; n <= 24; n++) {
    for (let ic = 0; ic < 4; ic++) {
      if (ic === 1 && n > 9) continue;
      together.observe(ic, n, state(ic, n, 0), state(ic, n, 1));
    }
    if (n === 10) together.diverged(1, 10);
  }
  // One IC after another, one pair reserved: each series reuses the one before's accumulators;
  // IC 3 is started, abandoned after 6 steps and started again from s₀.
  const inTurn = new TemporalTracker(options);
  inTurn.reserve(1);
  for (const ic of [1, 0, 3, 2]) {
    if (ic === 3) {
      for (let n = 1; n <= 6; n++) inTurn.observe(3, n, state(2, n, 1), state(0, n, 0));
    }
    for (let n = 1; n <= (ic === 1 ? 9 : 24); n++) {
      inTurn.observe(ic, n, state(ic, n, 0), state(ic, n, 1));
    }
    if (ic === 1) inTurn.diverged(1, 10);
  }
  assert.deepEqual(inTurn.rows(), together.rows());
  assert.equal(find(inTurn.rows(), "autocorr_error", "a")!.n, 3);
});

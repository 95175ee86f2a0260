import assert from "node:assert/strict";
import {
  bias,
  conservedDifference,
  maxError,
  PDEBENCH_BAND_EDGES,
  pdebenchBands,
  pdebenchFourierErrors,
  pointAnchors,
  vrmse,
} from "./anchors.ts";
import { type AnchorsState, AnchorsTracker, fourierShape } from "./anchors_tracker.ts";
import { assertClose, assertThrowsType, randomArray } from "./_test_util.ts";

/** Direct O(N²) DFT of a real 1D signal: |X_k| for k = 0..n/2. */
function directDft1d(x: ArrayLike<number>): number[] {
  const n = x.length, out: number[] = [];
  for (let k = 0; k <= n / 2; k++) {
    let re = 0, im = 0;
    for (let j = 0; j < n; j++) {
      re += x[j] * Math.cos((2 * Math.PI * j * k) / n);
      im -= x[j] * Math.sin((2 * Math.PI * j * k) / n);
    }
    out.push(Math.hypot(re, im));
  }
  return out;
}

/** Direct 2D DFT |X_{ij}|² of a real [n0, n1] field, then PDEBench's quadrant shells. */
function directShells2d(x: ArrayLike<number>, n0: number, n1: number, l0: number, l1: number) {
  const shells = Math.min(n0, n1) / 2, sums = new Array(shells).fill(0);
  for (let i = 0; i < n0 / 2; i++) {
    for (let j = 0; j < n1 / 2; j++) {
      let re = 0, im = 0;
      for (let a = 0; a < n0; a++) {
        for (let b = 0; b < n1; b++) {
          const ph = -2 * Math.PI * ((i * a) / n0 + (j * b) / n1);
          re += x[a * n1 + b] * Math.cos(ph);
          im += x[a * n1 + b] * Math.sin(ph);
        }
      }
      const s = Math.floor(Math.sqrt(i * i + j * j));
      if (s <= shells - 1) sums[s] += re * re + im * im;
    }
  }
  return sums.map((v) => (Math.sqrt(v) * l0 * l1) / (n0 * n1));
}

Deno.test("bias, conservedDifference, maxError, vrmse: hand calculations", () => {
  const y = [1, 3, 5, 7], p = [2, 3, 4, 11]; // p − y = 1, 0, −1, 4
  assertClose(bias(p, y), 1, 0, "bias = 4/4");
  assertClose(conservedDifference(p, y), 1, 1e-15, "⟨p⟩ − ⟨y⟩ = 5 − 4");
  assertClose(maxError(p, y), 4, 0, "max |p − y|");
  // mse = (1 + 0 + 1 + 16)/4 = 4.5; var y = (9 + 1 + 1 + 9)/4 = 5
  assertClose(vrmse(p, y), Math.sqrt(4.5 / 5), 1e-15, "vrmse");
  assertClose(vrmse([4, 4, 4, 4], y), 1, 1e-15, "predicting the mean scores 1");
  assertClose(vrmse(y, y), 0, 0, "perfect");
  if (!Number.isNaN(maxError([NaN, 0], [0, 0]))) throw new Error("NaN propagates");
  assertThrowsType(() => bias([1], [1, 2]), TypeError, "equal length");
  assertThrowsType(() => vrmse([], []), RangeError, "at least one");
});

Deno.test("pdebenchFourierErrors 1D equals |direct DFT(p − y)| · L / n", () => {
  for (const n of [2, 4, 16, 64]) {
    const p = randomArray(n, 3 + n), y = randomArray(n, 7 + n), L = 2.5;
    const expected = directDft1d(p.map((v, i) => v - y[i])).map((v) => (v * L) / n);
    assertClose(pdebenchFourierErrors(p, y, [n], [L]), expected, 1e-12, `n = ${n}`);
  }
});

Deno.test("pdebenchFourierErrors 2D equals PDEBench's quadrant shells of a direct DFT", () => {
  for (const [n0, n1] of [[8, 8], [4, 16], [16, 8]]) {
    const p = randomArray(n0 * n1, n0 + 100 * n1), y = randomArray(n0 * n1, 5 + n1);
    const expected = directShells2d(p.map((v, i) => v - y[i]), n0, n1, 2, 0.5);
    const found = pdebenchFourierErrors(p, y, [n0, n1], [2, 0.5]);
    assertClose(found, expected, 1e-12, `${n0}×${n1}`);
  }
  // A single mode (i, j) = (3, 4): |D| = n0·n1/2 for a cosine, all in shell 5.
  const n = 16, d = new Float64Array(n * n);
  for (let a = 0; a < n; a++) {
    for (let b = 0; b < n; b++) d[a * n + b] = Math.cos(2 * Math.PI * (3 * a + 4 * b) / n);
  }
  const e = pdebenchFourierErrors(d, new Float64Array(n * n), [n, n], [1, 1]);
  assertClose(e[5], 0.5, 1e-13, "shell 5 = (n²/2)/n²");
  assertClose(e.reduce((s, v, k) => (k === 5 ? s : s + v), 0), 0, 1e-12, "other shells");
  assertThrowsType(
    () => pdebenchFourierErrors([1, 2, 3], [1, 2, 3], [3], [1]),
    RangeError,
    "power-of-two",
  );
  assertThrowsType(() => pdebenchFourierErrors([1, 2], [1, 2], [4], [1]), TypeError, "expected 4");
});

Deno.test("pdebenchBands: PDEBench's edges 4 and 12, mode 0 in low, empty band NaN", () => {
  if (PDEBENCH_BAND_EDGES.iLow !== 4 || PDEBENCH_BAND_EDGES.iHigh !== 12) throw new Error();
  const e = Float64Array.from({ length: 20 }, (_, k) => k * k);
  const b = pdebenchBands(e);
  assertClose(b.low, (0 + 1 + 4 + 9) / 4, 0, "low");
  assertClose(b.mid, [4, 5, 6, 7, 8, 9, 10, 11].reduce((s, k) => s + k * k, 0) / 8, 0, "mid");
  assertClose(
    b.high,
    [12, 13, 14, 15, 16, 17, 18, 19].reduce((s, k) => s + k * k, 0) / 8,
    0,
    "high",
  );
  const short = pdebenchBands([1, 2, 3, 4, 5]); // n = 8 rfft: 5 modes
  if (short.low !== 2.5 || short.mid !== 5 || !Number.isNaN(short.high)) {
    throw new Error(JSON.stringify(short));
  }
});

Deno.test("fourierShape: periodic 1D and power-of-two 2D grids only", () => {
  const s1 = fourierShape({ kind: "periodic1d", n: 1024, length: 1 });
  const s2 = fourierShape({ kind: "grid2d", ny: 128, nx: 64, ly: 2, lx: 1 });
  if (JSON.stringify(s1) !== '{"shape":[1024],"lengths":[1]}') throw new Error(JSON.stringify(s1));
  if (JSON.stringify(s2) !== '{"shape":[128,64],"lengths":[2,1]}') {
    throw new Error(JSON.stringify(s2));
  }
  if (fourierShape({ kind: "healpix" }) !== null) throw new Error("healpix");
  if (fourierShape({ kind: "grid2d", ny: 96, nx: 64, ly: 1, lx: 1 }) !== null) {
    throw new Error("96");
  }
});

Deno.test("AnchorsTracker rows against a direct computation, divergence and merge", () => {
  const X = 16, N = 3, T = 2, fields = ["a", "b"];
  const o = {
    fields,
    pointsPerField: X,
    ics: N,
    steps: T,
    fourier: { shape: [X], lengths: [1] },
    conserved: ["b"],
  };
  const whole = new AnchorsTracker(o);
  const data: { p: Float32Array; y: Float32Array }[][] = [];
  for (let ic = 0; ic < N; ic++) {
    data.push([]);
    for (let step = 1; step <= T; step++) {
      const p = Float32Array.from(randomArray(2 * X, 10 * ic + step));
      const y = Float32Array.from(randomArray(2 * X, 100 + 10 * ic + step));
      data[ic].push({ p, y });
      if (!(ic === 2 && step === 2)) whole.observe(ic, step, p, y);
    }
  }
  whole.diverged(2, 2);
  const rows = whole.rows();
  const get = (metric: string, field: string, step: number) =>
    rows.find((r) => r.metric === metric && r.field === field && r.step === step)!;
  // Independent: plain loops over the stored float32 data.
  for (const [c, field] of fields.entries()) {
    for (let step = 1; step <= T; step++) {
      const ics = step === 2 ? [0, 1] : [0, 1, 2];
      const seg = (a: Float32Array) => Array.from(a.subarray(c * X, (c + 1) * X));
      const diffs = ics.map((ic) => {
        const { p, y } = data[ic][step - 1];
        const py = seg(p), yy = seg(y);
        return py.map((v, i) => v - yy[i]);
      });
      const biases = diffs.map((d) => d.reduce((s, v) => s + v, 0) / X);
      assertClose(
        get("bias", field, step).value!,
        biases.reduce((s, v) => s + v) / ics.length,
        1e-12,
        "bias",
      );
      if (get("bias", field, step).n !== ics.length) throw new Error("n");
      const maxes = diffs.map((d) => Math.max(...d.map(Math.abs)));
      assertClose(get("max_error", field, step).value!, Math.max(...maxes), 0, "max_error");
      const crmse = rows.find((r) => r.metric === "crmse" && r.field === field && r.step === step);
      if (field === "a" && crmse) throw new Error("a is not conserved");
      if (field === "b") {
        assertClose(
          crmse!.value!,
          Math.sqrt(biases.reduce((s, v) => s + v * v, 0) / ics.length),
          1e-12,
          "crmse",
        );
      }
      const lows = diffs.map((d) => directDft1d(d).slice(0, 4).reduce((s, v) => s + v / X, 0) / 4);
      assertClose(
        get("frmse_low", field, step).value!,
        lows.reduce((s, v) => s + v) / ics.length,
        1e-12,
        "frmse_low",
      );
    }
  }
  // Merge: every split of the ICs into shards gives the same rows, bit for bit.
  const json = (s: AnchorsState[]) => JSON.parse(JSON.stringify(s)) as AnchorsState[];
  for (const split of [[[0], [1], [2]], [[0, 2], [1]], [[0, 1, 2]]]) {
    const merged = AnchorsTracker.fromStates(o, json(split.map((ics) => whole.toState(ics))));
    if (JSON.stringify(merged.rows()) !== JSON.stringify(rows)) throw new Error(`merge ${split}`);
  }
  assertThrowsType(
    () => AnchorsTracker.fromStates(o, json([whole.toState([0, 1])])),
    RangeError,
    "IC 2 is in none",
  );
  assertThrowsType(
    () => AnchorsTracker.fromStates({ ...o, conserved: ["a"] }, json([whole.toState([0, 1, 2])])),
    RangeError,
    "state 0",
  );
});

Deno.test("pointAnchors: bias, vrmse and maxError of the three functions, to the bit", () => {
  for (let seed = 0; seed < 5; seed++) {
    const p = Float32Array.from(randomArray(1024, 60 + seed)),
      y = Float32Array.from(randomArray(1024, 70 + seed));
    const a = pointAnchors(p, y);
    assert.ok(Object.is(a.bias, bias(p, y)) && Object.is(a.vrmse, vrmse(p, y)), `seed ${seed}`);
    assert.ok(Object.is(a.maxError, maxError(p, y)), `seed ${seed}`);
  }
  // definitions on a small case: p − y = (1, −3, 0) against a constant reference
  const a = pointAnchors([2, -2, 1], [1, 1, 1]);
  assert.equal(a.bias, -2 / 3);
  assert.equal(a.maxError, 3);
  assert.ok(Number.isNaN(a.vrmse), "constant reference");
  const b = pointAnchors([1, NaN, 0], [0, 1, 2]);
  assert.ok(Number.isNaN(b.maxError) && Number.isNaN(b.bias) && Number.isNaN(b.vrmse));
  assertThrowsType(() => pointAnchors([1], [1, 2]), TypeError);
});

Deno.test("pdebenchFourierErrors: into out, the same values (1D and 2D); out of another length refused", () => {
  const p = Float32Array.from(randomArray(64, 80)), y = Float32Array.from(randomArray(64, 81));
  for (const [shape, lengths] of [[[64], [1]], [[8, 8], [1, 2]], [[4, 16], [2, 1]]]) {
    const want = pdebenchFourierErrors(p, y, shape, lengths);
    const out = new Float64Array(want.length).fill(7);
    assert.equal(pdebenchFourierErrors(p, y, shape, lengths, out), out);
    assert.deepEqual([...out], [...want], `[${shape}]`);
    assertThrowsType(
      () => pdebenchFourierErrors(p, y, shape, lengths, new Float64Array(want.length + 1)),
      TypeError,
      "out",
    );
  }
});

Deno.test("AnchorsTracker.prepare(): the same rows in any call order (batches, divergence, history k, re-observed steps)", () => {
  const X = 16, N = 5, T = 7, fields = ["a", "b"];
  const o = {
    fields,
    pointsPerField: X,
    ics: N,
    steps: T,
    fourier: { shape: [X], lengths: [1] },
    conserved: ["b"],
    firstStep: 2,
  };
  const state = (ic: number, step: number, off: number) =>
    Float32Array.from(randomArray(2 * X, 100 * ic + 10 * step + off), (v) => v + off);
  const drive = (t: AnchorsTracker, eager: boolean) => {
    for (let b = 0; b < N; b += 2) {
      for (let step = 2; step <= T; step++) {
        for (let ic = b; ic < Math.min(N, b + 2); ic++) {
          if (ic === 3 && step >= 5) {
            if (step === 5) t.diverged(ic, step);
            continue;
          }
          t.observe(ic, step, state(ic, step, 0.5), state(ic, step, 0));
          if (eager) t.prepare();
        }
      }
    }
  };
  const lazy = new AnchorsTracker(o), eager = new AnchorsTracker(o);
  drive(lazy, false);
  drive(eager, true);
  const same = (label: string) =>
    assert.equal(JSON.stringify(eager.rows()), JSON.stringify(lazy.rows()), label);
  same("prepared after every call");
  for (const t of [lazy, eager]) t.observe(1, 4, state(1, 4, 2), state(1, 4, 0));
  eager.prepare();
  same("a prepared step observed again");
  for (const t of [lazy, eager]) t.diverged(0, 3);
  eager.prepare();
  same("an earlier divergence");
});

import { diagnosticsFeatures, DiagnosticsTracker } from "./diagnostics.ts";
import { assertSameRows } from "../fixtures/rows.ts";
import type { ResultRow } from "./rows.ts";
import { assertClose, assertThrowsType } from "./_test_util.ts";

const sum = (s: Float32Array | Float64Array) => Array.from(s).reduce((a, b) => a + b, 0);
const twoDiagnostics = (s: Float32Array | Float64Array) => ({
  mass: sum(s),
  peak: Math.max(...Array.from(s)),
});

function values(rows: ResultRow[], metric: string): (number | null)[] {
  return rows.filter((r) => r.metric === metric).map((r) => r.value);
}

Deno.test("diagnostics: means and signed relative drifts per step, for pred and ref", () => {
  const t = new DiagnosticsTracker({ ics: 2, steps: 2, diagnostics: twoDiagnostics });
  t.observeInitial(0, new Float32Array([1, 1])); // mass 2
  t.observeInitial(1, new Float32Array([2, 2])); // mass 4
  const ref0 = new Float32Array([1, 1]), ref1 = new Float32Array([2, 2]);
  t.observe(0, 1, new Float32Array([1, 2]), ref0); // +50 %
  t.observe(1, 1, new Float32Array([2, 1]), ref1); // −25 %
  t.observe(0, 2, new Float32Array([1, 1]), ref0);
  t.observe(1, 2, new Float32Array([2, 2]), ref1);
  const rows = t.rows();
  if (t.names.join() !== "mass,peak") throw new Error(t.names.join());
  assertClose(values(rows, "diag_mass_pred") as number[], [3, 3, 3], 0, "mean mass");
  assertClose(values(rows, "diag_mass_ref") as number[], [3, 3, 3], 0, "reference mass");
  assertClose(values(rows, "diag_mass_drift_pred") as number[], [0.125, 0], 1e-16, "(½ − ¼)/2");
  assertClose(values(rows, "diag_mass_drift_ref") as number[], [0, 0], 0, "conserved");
  assertClose(values(rows, "diag_peak_pred") as number[], [1.5, 2, 1.5], 0, "peak");
  for (const r of rows) {
    if (r.field !== "*" || r.reduction !== "mean_over_ics" || r.n !== 2) {
      throw new Error(JSON.stringify(r));
    }
  }
  // 2 diagnostics × (2 × 3 means + 2 × 2 drifts)
  if (rows.length !== 20) throw new Error(`${rows.length} rows`);
});

Deno.test("diagnostics: a diverged IC leaves the means; zero IC values leave the drift", () => {
  const t = new DiagnosticsTracker({ ics: 2, steps: 2, diagnostics: (s) => ({ mass: sum(s) }) });
  t.observeInitial(0, new Float32Array([1]));
  t.observeInitial(1, new Float32Array([0])); // D(0) = 0: no relative drift
  t.observe(0, 1, new Float32Array([2]), new Float32Array([1]));
  t.observe(1, 1, new Float32Array([5]), new Float32Array([0]));
  t.diverged(0, 2);
  t.observe(1, 2, new Float32Array([7]), new Float32Array([0]));
  const rows = t.rows();
  const drift = rows.filter((r) => r.metric === "diag_mass_drift_pred").map((r) => [r.value, r.n]);
  if (JSON.stringify(drift) !== "[[1,1],[null,0]]") throw new Error(JSON.stringify(drift));
  const pred = rows.filter((r) => r.metric === "diag_mass_pred").map((r) => [r.value, r.n]);
  if (JSON.stringify(pred) !== "[[0.5,2],[3.5,2],[7,1]]") throw new Error(JSON.stringify(pred));
  if (new DiagnosticsTracker({ ics: 1, steps: 1, diagnostics: twoDiagnostics }).rows().length) {
    throw new Error("no observation, no rows");
  }
});

Deno.test("diagnostics: bad names, changing names, non-finite values and indices are refused", () => {
  const make = (f: (s: Float32Array | Float64Array) => Record<string, number>) =>
    new DiagnosticsTracker({ ics: 1, steps: 1, diagnostics: f });
  const one = new Float32Array([1]);
  assertThrowsType(() => make(() => ({ "Mass!": 1 })).observeInitial(0, one), RangeError, "Mass!");
  assertThrowsType(() => make(() => ({})).observeInitial(0, one), RangeError, "none");
  let calls = 0;
  const changing = make((): Record<string, number> => (calls++ === 0 ? { a: 1 } : { b: 1 }));
  changing.observeInitial(0, one);
  assertThrowsType(() => changing.observe(0, 1, one, one), RangeError, "expected the names a");
  assertThrowsType(() => make(() => ({ a: NaN })).observeInitial(0, one), RangeError, "finite a");
  const ok = make(() => ({ a: 1 }));
  assertThrowsType(() => ok.observe(1, 1, one, one), RangeError, "IC 1");
  assertThrowsType(() => ok.observe(0, 2, one, one), RangeError, "found 2");
  assertThrowsType(() => ok.observe(0, 0, one, one), RangeError, "found 0");
  assertThrowsType(
    () => new DiagnosticsTracker({ ics: 0, steps: 1, diagnostics: () => ({}) }),
    RangeError,
    "ics",
  );
});

Deno.test("diagnostics states: split, through JSON, merged = one tracker, bit for bit", () => {
  const options = { ics: 4, steps: 3, diagnostics: twoDiagnostics };
  const whole = new DiagnosticsTracker(options);
  const parts = [new DiagnosticsTracker(options), new DiagnosticsTracker(options)];
  for (let ic = 0; ic < 4; ic++) {
    const part = parts[ic < 1 ? 0 : 1]; // uneven split: IC 0 | ICs 1..3
    const y = new Float32Array([0.1 * (ic + 1), 0.2, 1 / 3]);
    for (const t of [whole, part]) t.observeInitial(ic, y);
    for (let step = 1; step <= 3; step++) {
      if (ic === 2 && step === 2) {
        for (const t of [whole, part]) t.diverged(ic, step);
        break;
      }
      const p = y.map((v, i) => v * (1 + 0.01 * step * (i + ic)));
      for (const t of [whole, part]) t.observe(ic, step, p, y);
    }
  }
  const states = JSON.parse(JSON.stringify([parts[1].toState([3, 1, 2]), parts[0].toState([0])]));
  if (states[0].covered.join() !== "1,2,3" || states[0].divergedAt.join() !== ",2,") {
    throw new Error(JSON.stringify(states[0]));
  }
  const merged = DiagnosticsTracker.fromStates(options, states).rows();
  const expected = whole.rows();
  if (merged.length !== expected.length || merged.length === 0) throw new Error("row count");
  merged.forEach((r, i) => {
    for (const key of new Set([...Object.keys(r), ...Object.keys(expected[i])])) {
      const a = (r as unknown as Record<string, unknown>)[key];
      const b = (expected[i] as unknown as Record<string, unknown>)[key];
      if (!Object.is(a, b)) throw new Error(`row ${i}.${key}: ${a} vs ${b}`);
    }
  });
  // A tracker that observed nothing exports an empty state, which merges to no rows.
  const empty = new DiagnosticsTracker(options).toState();
  if (empty.names.length !== 0 || DiagnosticsTracker.fromStates(options, [empty]).rows().length) {
    throw new Error("empty state");
  }
});

Deno.test("diagnostics states: coverage, header, names and arrays are checked", () => {
  const options = {
    ics: 2,
    steps: 1,
    diagnostics: (s: Float32Array | Float64Array) => ({ m: sum(s) }),
  };
  const t = new DiagnosticsTracker(options);
  for (const ic of [0, 1]) {
    t.observeInitial(ic, new Float32Array([ic]));
    t.observe(ic, 1, new Float32Array([ic]), new Float32Array([ic]));
  }
  const [a, b] = [t.toState([0]), t.toState([1])];
  const merge = (states: unknown[], opts = options) =>
    DiagnosticsTracker.fromStates(opts, states as ReturnType<typeof t.toState>[]);
  assertThrowsType(() => merge([a]), RangeError, "IC 1 is in none of the 1 states");
  assertThrowsType(() => merge([a, b, a]), RangeError, "IC 0 is in state 0 and state 2");
  assertThrowsType(() => merge([a, b], { ...options, steps: 2 }), RangeError, "state 0: steps");
  assertThrowsType(
    () => merge([a, { ...b, names: ["q"] }]),
    RangeError,
    'state 1: names: expected ["m"]',
  );
  assertThrowsType(() => merge([a, { ...b, schema: "x" }]), TypeError, "state 1: expected schema");
  assertThrowsType(
    () => merge([a, { ...b, ref: "AAAA" }]),
    TypeError,
    "state 1: ref: expected base64 of 16 bytes",
  );
  assertThrowsType(() => merge([a, { ...b, divergedAt: [5] }]), RangeError, "divergedAt[0]");
  assertThrowsType(() => merge([a, { ...b, covered: [2] }]), RangeError, "covered[0]");
  assertThrowsType(() => t.toState([1, 1]), RangeError, "listed twice");
  assertThrowsType(() => t.toState([2]), RangeError, "IC 2");
});

Deno.test("diagnostics: reference features give the same rows; unusable ones are computed", () => {
  const features = diagnosticsFeatures(twoDiagnostics, 3)!;
  if (features.version !== "1:mass,peak" || features.size !== 2) throw new Error(features.version);
  const options = { ics: 2, steps: 2, diagnostics: twoDiagnostics };
  const plain = new DiagnosticsTracker(options), fed = new DiagnosticsTracker(options);
  const odd = new DiagnosticsTracker(options);
  const y = (ic: number, n: number) => Float32Array.of(ic + n, 2 - n, 0.5 * ic);
  for (let ic = 0; ic < 2; ic++) {
    for (const t of [plain, fed, odd]) t.observeInitial(ic, y(ic, 0));
    for (let n = 1; n <= 2; n++) {
      const p = y(ic, n).map((v) => v * 1.1);
      plain.observe(ic, n, p, y(ic, n));
      fed.observe(ic, n, p, y(ic, n), features.compute(y(ic, n)));
      // A vector of another length, or with a NaN, is not used: the tracker computes its own.
      odd.observe(ic, n, p, y(ic, n), n === 1 ? Float64Array.of(1) : Float64Array.of(NaN, 0));
    }
  }
  assertSameRows(fed.rows(), plain.rows(), "features");
  assertSameRows(odd.rows(), plain.rows(), "unusable features");
  // A suite whose diagnostics fail on a zero state gets no features (computed as before).
  const picky = (s: Float32Array | Float64Array) => {
    if (s.every((v) => v === 0)) throw new RangeError("zero state");
    return { mass: sum(s) };
  };
  if (diagnosticsFeatures(picky, 3) !== undefined) throw new Error("probe failure");
});

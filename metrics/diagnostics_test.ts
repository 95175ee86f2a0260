import { DiagnosticsTracker } from "./diagnostics.ts";
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

import { RolloutScorer, scorerFeatures, type ScorerOptions } from "./scorer.ts";
import type { ResultRow } from "./rows.ts";
import { assertSameRows } from "../fixtures/rows.ts";
import { halfMeanSquare } from "./energy.ts";
import { assertClose, assertThrowsType, randomArray } from "./_test_util.ts";

/** Alternating ±1 pattern: exact in float32, ‖y‖² = X, all energy in the Nyquist shell. */
function alternating(x: number, amp = 1): Float32Array {
  return Float32Array.from({ length: x }, (_, i) => (i % 2 === 0 ? amp : -amp));
}

function scorer(overrides: Partial<ScorerOptions> = {}): RolloutScorer {
  return new RolloutScorer({
    fields: ["u"],
    pointsPerField: 8,
    ics: 1,
    steps: 1,
    summarySteps: [],
    energy: halfMeanSquare,
    ...overrides,
  });
}

function pick(rows: ResultRow[], where: Partial<ResultRow>): ResultRow[] {
  return rows.filter((r) =>
    Object.entries(where).every(([key, value]) => r[key as keyof ResultRow] === value)
  );
}

function one(rows: ResultRow[], where: Partial<ResultRow>): ResultRow {
  const found = pick(rows, where);
  if (found.length !== 1) {
    throw new Error(`expected one row for ${JSON.stringify(where)}, found ${found.length}`);
  }
  return found[0];
}

function assertJsonSafe(rows: ResultRow[]): void {
  for (const r of rows) {
    if (r.value !== null && !Number.isFinite(r.value)) {
      throw new Error(`non-finite value in row ${JSON.stringify(r)}: ${r.value}`);
    }
  }
}

Deno.test("pred = ref + c: mse = dissipation = c², dispersion 0, rmse = |c|, nrmse = |c|", () => {
  // Two fields, offsets c = (0.5, −2), reference ±1 per field (‖y‖₂ = √X).
  const x = 8, offsets = [0.5, -2];
  const s = scorer({ fields: ["u", "v"], pointsPerField: x, ics: 2, steps: 3, summarySteps: [2] });
  const ref = new Float32Array(2 * x);
  ref.set(alternating(x), 0);
  ref.set(alternating(x, 3), x);
  const pred = ref.map((v, i) => v + offsets[Math.floor(i / x)]);
  for (let ic = 0; ic < 2; ic++) {
    s.observeInitial(ic, ref);
    for (let step = 1; step <= 3; step++) s.observe(ic, step, pred, ref);
  }
  const rows = s.rows();
  assertJsonSafe(rows);
  for (let step = 1; step <= 3; step++) {
    for (const [f, field] of ["u", "v"].entries()) {
      const c = offsets[f], norm = f === 0 ? 1 : 3; // ‖y‖/√X
      const get = (metric: string) =>
        one(rows, { metric, field, step, reduction: "mean_over_ics" });
      assertClose(get("mse").value!, c * c, 0, `mse ${field}`);
      assertClose(get("dissipation").value!, c * c, 1e-15, `dissipation ${field}`);
      assertClose(get("dispersion").value!, 0, 1e-15, `dispersion ${field}`);
      assertClose(get("nrmse").value!, Math.abs(c) / norm, 1e-15, `nrmse ${field}`);
      assertClose(get("spectrum_error").value!, 0, 1e-12, `spectrum error ${field} (mean only)`);
      if (get("mse").n !== 2) throw new Error("n should be 2");
      const rmse = one(rows, { metric: "rmse", field, step, reduction: "mean_over_ics_then_sqrt" });
      assertClose(rmse.value!, Math.abs(c), 0, `rmse ${field}`);
    }
  }
  // Energy of the whole state, ½⟨u²⟩ over 2X values: ref = ½(1 + 9)/2, pred = ½((1.25) + (1+4))/2
  // (⟨(±1 + ½)²⟩ = 1 + ¼, ⟨(±3 − 2)²⟩ = 9 + 4).
  for (let step = 0; step <= 3; step++) {
    const er = one(rows, { metric: "energy_ref", field: "*", step });
    const ep = one(rows, { metric: "energy_pred", field: "*", step });
    assertClose(er.value!, 0.5 * (1 + 9) / 2, 1e-15, `energy_ref step ${step}`);
    assertClose(ep.value!, step === 0 ? er.value! : 0.5 * (1.25 + 13) / 2, 1e-15, `pred ${step}`);
    if (step >= 1) {
      // Both ICs have the same energies, so the relative error is |14.25 − 10| / 10.
      const ee = one(rows, { metric: "energy_error", field: "*", step });
      assertClose(ee.value!, 4.25 / 10, 1e-15, `energy_error step ${step}`);
    }
  }
  // Per-IC rows at the summary step only.
  const perIc = pick(rows, { metric: "mse", field: "v", ic: 1 }).filter((r) =>
    r.step !== undefined
  );
  if (perIc.length !== 1 || perIc[0].step !== 2 || perIc[0].value !== 4) {
    throw new Error(`per-IC rows: ${JSON.stringify(perIc)}`);
  }
});

Deno.test("rmse is √(mean over ICs of mse), not the mean of per-IC rmse", () => {
  const s = scorer({ ics: 2 });
  const y = alternating(8);
  s.observe(0, 1, y.map((v) => v + 1), y); // mse 1
  s.observe(1, 1, y.map((v) => v + 3), y); // mse 9
  const rows = s.rows();
  assertClose(one(rows, { metric: "mse", reduction: "mean_over_ics" }).value!, 5, 0, "mean mse");
  assertClose(one(rows, { metric: "rmse" }).value!, Math.sqrt(5), 0, "√5, not (1 + 3)/2");
});

Deno.test("a diverged IC leaves every mean from its divergence step on, and n drops", () => {
  const n = 3, t = 5, x = 8;
  const s = scorer({ ics: n, steps: t, summarySteps: [1, 4], pointsPerField: x });
  const y = alternating(x);
  for (let ic = 0; ic < n; ic++) {
    s.observeInitial(ic, y);
    for (let step = 1; step <= t; step++) {
      if (ic === 2 && step >= 3) {
        if (step === 3) s.diverged(2, 3);
        continue;
      }
      // IC ic is off by (ic + 1): mse (ic + 1)² while it runs.
      s.observe(ic, step, y.map((v) => v + ic + 1), y);
    }
  }
  const rows = s.rows();
  assertJsonSafe(rows);
  for (let step = 1; step <= t; step++) {
    const mse = one(rows, { metric: "mse", step, reduction: "mean_over_ics" });
    const want = step < 3 ? { n: 3, value: (1 + 4 + 9) / 3 } : { n: 2, value: (1 + 4) / 2 };
    if (mse.n !== want.n) throw new Error(`step ${step}: n = ${mse.n}, expected ${want.n}`);
    assertClose(mse.value!, want.value, 1e-15, `mse at step ${step}`);
    const energy = one(rows, { metric: "energy_pred", step });
    if (energy.n !== want.n) throw new Error(`energy n at step ${step}: ${energy.n}`);
  }
  if (one(rows, { metric: "energy_pred", step: 0 }).n !== 3) throw new Error("step 0 has all ICs");
  // Per-IC summary rows: IC 2 is missing (null) at step 4, present at step 1.
  if (one(rows, { metric: "mse", step: 4, ic: 2 }).value !== null) throw new Error("IC 2 step 4");
  assertClose(one(rows, { metric: "mse", step: 1, ic: 2 }).value!, 9, 0, "IC 2 at step 1");
  // Geometric means: only ICs 0 and 1 (constant mse 1 and 4), mean (1 + 2²)/2.
  const geo = pick(rows, { metric: "mse", reduction: "geomean_over_steps" });
  assertClose(geo.map((r) => r.ic!), [0, 1], 0, "no geomean row for the diverged IC");
  assertClose(geo.map((r) => r.value!), [1, 4], 1e-14, "per-IC geomeans");
  const geoMean = one(rows, { metric: "mse", reduction: "geomean_over_steps_then_mean_over_ics" });
  assertClose(geoMean.value!, 2.5, 1e-14, "mean of geomeans");
  if (geoMean.n !== 2) throw new Error(`geomean n = ${geoMean.n}`);
  // Spectra at summary step 4 average the two surviving ICs.
  const spec = pick(rows, { metric: "spectrum_ref", step: 4 });
  if (spec.length !== 5 || spec.some((r) => r.n !== 2)) throw new Error(JSON.stringify(spec));
  assertClose(spec[4].value!, 0.5, 1e-15, "Nyquist shell of ±1 holds ½⟨y²⟩ = ½");
  if (
    JSON.stringify(s.divergence()) !== '[{"ic":0,"step":null},{"ic":1,"step":null},' +
        '{"ic":2,"step":3}]'
  ) throw new Error(JSON.stringify(s.divergence()));
});

Deno.test("curve rows carry the quartiles of their per-IC values (band), diverged ICs left out", () => {
  // 5 ICs with offsets c_i: per-IC mse = c², per-IC √mse = |c|. IC 4 diverges at step 2.
  const offsets = [0.5, 3, 1, 2, 4], y = alternating(8);
  const s = scorer({ ics: 5, steps: 2 });
  offsets.forEach((c, ic) => {
    s.observeInitial(ic, y);
    s.observe(ic, 1, y.map((v) => v + c), y);
    if (ic === 4) s.diverged(4, 2);
    else s.observe(ic, 2, y.map((v) => v + c), y);
  });
  const rows = s.rows();
  // Type-7 quartiles by hand: sorted m values, h = (m − 1)q, linear between order statistics.
  const q = (xs: number[], p: number) => {
    const a = [...xs].sort((u, v) => u - v), h = (a.length - 1) * p, lo = Math.floor(h);
    return a[lo] + (h - lo) * ((a[lo + 1] ?? a[lo]) - a[lo]);
  };
  for (const [step, cs] of [[1, offsets], [2, offsets.slice(0, 4)]] as const) {
    const mse = one(rows, { metric: "mse", step, reduction: "mean_over_ics" });
    const sq = cs.map((c) => c * c);
    assertClose([mse.q25!, mse.q75!], [q(sq, 0.25), q(sq, 0.75)], 1e-15, `mse band ${step}`);
    assertClose(mse.value!, sq.reduce((a, b) => a + b) / sq.length, 1e-15, "mean unchanged");
    // rmse: quartiles of the per-IC rmse |c|, not √ of the mse quartiles.
    const rmse = one(rows, { metric: "rmse", step });
    assertClose([rmse.q25!, rmse.q75!], [q(cs, 0.25), q(cs, 0.75)], 1e-15, `rmse band ${step}`);
    // nrmse = |c| / 1 for a ±1 reference.
    const nr = one(rows, { metric: "nrmse", step, reduction: "mean_over_ics" });
    assertClose([nr.q25!, nr.q75!], [q(cs, 0.25), q(cs, 0.75)], 1e-6, `nrmse band ${step}`);
    const ee = one(rows, { metric: "energy_error", step });
    if (!(ee.q25! <= ee.q75!)) throw new Error(JSON.stringify(ee));
  }
  // Step 1 by hand: c² sorted 0.25, 1, 4, 9, 16 → Q(¼) = 1, Q(¾) = 9.
  const m1 = one(rows, { metric: "mse", step: 1, reduction: "mean_over_ics" });
  assertClose([m1.q25!, m1.q75!], [1, 9], 0, "hand quartiles");
  // Energies and per-IC rows have no band.
  if (
    rows.some((r) =>
      r.q25 !== undefined && (r.ic !== undefined || /^energy_(pred|ref)$/.test(r.metric))
    )
  ) {
    throw new Error("band on an energy or per-IC row");
  }
});

Deno.test("a step with no contributing IC has a null mean and no band", () => {
  const s = scorer({ ics: 2, steps: 2 });
  const y = alternating(8);
  for (const ic of [0, 1]) {
    s.observe(ic, 1, y.map((v) => v + 1), y);
    s.diverged(ic, 2);
  }
  const r = one(s.rows(), { metric: "mse", step: 2, reduction: "mean_over_ics" });
  if (r.value !== null || "q25" in r || "q75" in r) throw new Error(JSON.stringify(r));
});

Deno.test("divergence reported after observing still excludes those steps", () => {
  const s = scorer({ ics: 2, steps: 2 });
  const y = alternating(8);
  for (let ic = 0; ic < 2; ic++) {
    for (let step = 1; step <= 2; step++) s.observe(ic, step, y.map((v) => v + ic + 1), y);
  }
  s.diverged(1, 2);
  const rows = s.rows();
  const at2 = one(rows, { metric: "mse", step: 2, reduction: "mean_over_ics" });
  if (at2.n !== 1 || at2.value !== 1) throw new Error(JSON.stringify(at2));
  const at1 = one(rows, { metric: "mse", step: 1, reduction: "mean_over_ics" });
  if (at1.n !== 2 || at1.value !== 2.5) throw new Error(JSON.stringify(at1));
});

Deno.test("a repeated divergence report keeps the earliest step", () => {
  const s = scorer({ ics: 1, steps: 3 });
  s.diverged(0, 2);
  s.diverged(0, 3);
  if (s.divergence()[0].step !== 2) throw new Error(JSON.stringify(s.divergence()));
});

Deno.test("all ICs diverged: null values with n = 0, never NaN", () => {
  const s = scorer({ ics: 2, steps: 3, summarySteps: [1, 2, 3] });
  const y = alternating(8);
  for (let ic = 0; ic < 2; ic++) {
    s.observeInitial(ic, y);
    s.diverged(ic, 1);
  }
  const rows = s.rows();
  assertJsonSafe(rows);
  const means = rows.filter((r) => r.reduction !== undefined && r.step !== 0 && r.ic === undefined);
  if (means.length === 0 || means.some((r) => r.value !== null || r.n !== 0)) {
    throw new Error(`expected null/0 rows: ${JSON.stringify(means.find((r) => r.value !== null))}`);
  }
  if (pick(rows, { reduction: "geomean_over_steps" }).length !== 0) throw new Error("geomean row");
  if (one(rows, { metric: "energy_ref", step: 0 }).n !== 2) throw new Error("step 0 keeps ICs");
  const text = JSON.stringify(rows);
  if (text.includes("NaN") || text.includes("Infinity")) throw new Error("non-JSON number");
});

Deno.test("dissipation + dispersion = mse in the emitted rows (random fields)", () => {
  const x = 64, n = 4, t = 3;
  const s = scorer({ fields: ["a", "b"], pointsPerField: x, ics: n, steps: t });
  for (let ic = 0; ic < n; ic++) {
    for (let step = 1; step <= t; step++) {
      const y = Float32Array.from(randomArray(2 * x, 100 * ic + step));
      const noise = randomArray(2 * x, 1000 + 100 * ic + step);
      const p = y.map((v, i) => 0.8 * v + 0.3 * noise[i] + 0.1 * step);
      s.observe(ic, step, p, y);
    }
  }
  const rows = s.rows();
  for (let step = 1; step <= t; step++) {
    for (const field of ["a", "b"]) {
      const get = (metric: string) =>
        one(rows, { metric, field, step, reduction: "mean_over_ics" }).value!;
      const mse = get("mse");
      assertClose(get("dissipation") + get("dispersion"), mse, 1e-12 * mse, `${field} ${step}`);
      const rmse = one(rows, { metric: "rmse", field, step }).value!;
      assertClose(rmse * rmse, mse, 1e-15 * mse, "rmse² = mse");
      for (const band of ["low", "mid", "high"]) {
        if (pick(rows, { metric: `spectrum_error_${band}`, field, step }).length !== 1) {
          throw new Error(`missing band ${band}`);
        }
      }
    }
  }
});

Deno.test("geometric mean over steps is exp(mean ln) and a perfect step gives 0", () => {
  const s = scorer({ ics: 2, steps: 3 });
  const y = alternating(8);
  [1, 2, 4].forEach((c, i) => s.observe(0, i + 1, y.map((v) => v + c), y)); // mse 1, 4, 16
  [1, 0, 1].forEach((c, i) => s.observe(1, i + 1, y.map((v) => v + c), y)); // mse 1, 0, 1
  const rows = s.rows();
  const geo = pick(rows, { metric: "mse", reduction: "geomean_over_steps" });
  assertClose(geo.map((r) => r.value!), [4, 0], 1e-14, "∛(1·4·16) = 4; a zero step gives 0");
  const nr = pick(rows, { metric: "nrmse", reduction: "geomean_over_steps" });
  assertClose(nr.map((r) => r.value!), [2, 0], 1e-14, "nrmse = |c| here: ∛(1·2·4) = 2");
});

Deno.test("an incomplete rollout gets no geometric mean", () => {
  const s = scorer({ ics: 2, steps: 2 });
  const y = alternating(8);
  s.observe(0, 1, y, y);
  s.observe(0, 2, y, y);
  s.observe(1, 1, y, y); // IC 1 never reaches step 2 (and never diverged)
  const rows = s.rows();
  const geo = pick(rows, { metric: "mse", reduction: "geomean_over_steps" });
  assertClose(geo.map((r) => r.ic!), [0], 0, "only IC 0");
  if (one(rows, { metric: "mse", step: 2, reduction: "mean_over_ics" }).n !== 1) {
    throw new Error("n at step 2 should be 1");
  }
});

Deno.test("firstStep: a history-k rollout is scored from step k, geomean over k..T", () => {
  const s = scorer({ ics: 1, steps: 4, firstStep: 3 });
  const y = alternating(8);
  s.observeInitial(0, y);
  [2, 8].forEach((c, i) => s.observe(0, i + 3, y.map((v) => v + c), y)); // mse 4, 64 at 3, 4
  const rows = s.rows();
  const geo = one(rows, { metric: "mse", reduction: "geomean_over_steps" });
  assertClose(geo.value!, 16, 1e-13, "√(4·64) over steps 3..4 only");
  const early = one(rows, { metric: "mse", step: 1, reduction: "mean_over_ics" });
  if (early.value !== null || early.n !== 0) throw new Error(`step 1: ${JSON.stringify(early)}`);
  assertThrowsType(() => scorer({ steps: 2, firstStep: 3 }), RangeError, "firstStep");
  assertThrowsType(() => scorer({ steps: 2, firstStep: 0 }), RangeError, "firstStep");
});

Deno.test("a zero reference field leaves nrmse undefined for that IC only", () => {
  const s = scorer({ ics: 2, summarySteps: [1] });
  const y = alternating(8);
  s.observe(0, 1, y.map((v) => 2 * v), y); // nrmse 1
  s.observe(1, 1, y, new Float32Array(8)); // ref ≡ 0: nrmse undefined
  const rows = s.rows();
  assertJsonSafe(rows);
  const nr = one(rows, { metric: "nrmse", step: 1, reduction: "mean_over_ics" });
  if (nr.value !== 1 || nr.n !== 1) throw new Error(JSON.stringify(nr));
  if (one(rows, { metric: "mse", step: 1, reduction: "mean_over_ics" }).n !== 2) {
    throw new Error("mse still averages both ICs");
  }
  if (one(rows, { metric: "nrmse", step: 1, ic: 1 }).value !== null) throw new Error("per-IC");
  const geo = pick(rows, { metric: "nrmse", reduction: "geomean_over_steps" });
  if (geo[1].value !== null) throw new Error("geomean of undefined nrmse should be null");
});

Deno.test("spectra rows average the ICs' shell spectra at summary steps", () => {
  // IC 0: cos mode 1 of amplitude 2 (E(1) = 1); IC 1: mode 2 amplitude 2 (E(2) = 1).
  const x = 16;
  const s = scorer({ ics: 2, pointsPerField: x, steps: 2, summarySteps: [0, 2, 2, 7] });
  const wave = (k: number) =>
    Float32Array.from({ length: x }, (_, j) => 2 * Math.cos((2 * Math.PI * k * j) / x));
  for (const ic of [0, 1]) {
    for (const step of [1, 2]) s.observe(ic, step, wave(ic + 1), wave(ic + 1));
  }
  const rows = s.rows();
  const steps = new Set(pick(rows, { metric: "spectrum_pred" }).map((r) => r.step));
  if (steps.size !== 1 || !steps.has(2)) throw new Error(`summary steps: ${[...steps]}`);
  const spec = pick(rows, { metric: "spectrum_ref", step: 2 });
  const want = new Float64Array(x / 2 + 1);
  want[1] = 0.5;
  want[2] = 0.5;
  assertClose(spec.map((r) => r.value!), want, 1e-6, "mean spectrum"); // float32 cosines
  assertClose(spec.map((r) => r.k!), [...want.keys()], 0, "k = 0..X/2");
});

Deno.test("observe rejects non-finite data, bad shapes and bad indices", () => {
  const s = scorer({ ics: 2, steps: 3 });
  const y = alternating(8), p = y.slice();
  p[5] = NaN;
  assertThrowsType(() => s.observe(1, 2, p, y), RangeError, "IC 1 at step 2");
  const e = assertThrowsType(() => s.observe(1, 2, p, y), RangeError, "diverged(1, 2)");
  if (!e.message.includes("point 5")) throw new Error(e.message);
  assertThrowsType(() => s.observe(0, 1, y, Float32Array.of(Infinity, ...y.slice(1))), RangeError);
  assertThrowsType(() => s.observe(0, 1, y.subarray(0, 4), y), TypeError, "found 4");
  assertThrowsType(() => s.observe(2, 1, y, y), RangeError, "[0, 1]");
  assertThrowsType(() => s.observe(0, 0, y, y), RangeError, "[1, 3], found 0");
  assertThrowsType(() => s.observe(0, 4, y, y), RangeError, "found 4");
  assertThrowsType(() => s.diverged(0, 1.5), RangeError, "found 1.5");
  assertThrowsType(() => s.observeInitial(0, p), RangeError, "IC 0 at step 0");
  const badEnergy = scorer({ energy: () => NaN });
  assertThrowsType(() => badEnergy.observe(0, 1, y, y), RangeError, "finite energy");
});

Deno.test("the constructor validates options and the spectrum grid", () => {
  assertThrowsType(() => scorer({ pointsPerField: 12 }), RangeError, "power-of-two");
  assertThrowsType(() => scorer({ fields: [] }), RangeError, "fields");
  assertThrowsType(() => scorer({ ics: 0 }), RangeError, "ics");
  assertThrowsType(() => scorer({ steps: 1.5 }), RangeError, "steps");
  // A custom spectrum lifts the power-of-two requirement.
  const custom = scorer({ pointsPerField: 12, spectrum: (f) => Float64Array.of(f[0] ** 2, 1) });
  const y = new Float32Array(12).fill(1);
  custom.observe(0, 1, y, y);
  assertClose(one(custom.rows(), { metric: "spectrum_error" }).value!, 0, 0, "custom spectrum");
});

Deno.test("views into a batch buffer are accepted and seconds accumulate", () => {
  const x = 8, batch = new Float32Array(3 * x);
  batch.set(alternating(x), x);
  const s = scorer();
  const view = batch.subarray(x, 2 * x);
  s.observe(0, 1, view, view);
  if (!(s.seconds >= 0) || !Number.isFinite(s.seconds)) throw new Error(`seconds ${s.seconds}`);
  assertClose(one(s.rows(), { metric: "mse", reduction: "mean_over_ics" }).value!, 0, 0, "mse");
  const energy = s.energySeries(0);
  if (energy.pred[0] !== null || energy.pred[1] !== 0.5) throw new Error(JSON.stringify(energy));
});

/** Feed IC `ic` of a fixed random scenario: IC 1 diverges at step 3, IC 2 has ref ≡ 0 in "v". */
function feed(s: RolloutScorer, ic: number, x: number, steps: number): void {
  const ref = Float32Array.from(randomArray(2 * x, 100 + ic));
  if (ic === 2) ref.fill(0, x);
  s.observeInitial(ic, ref);
  for (let step = 1; step <= steps; step++) {
    if (ic === 1 && step === 3) {
      s.diverged(ic, step);
      return;
    }
    const noise = randomArray(2 * x, 1000 * ic + step);
    s.observe(ic, step, ref.map((v, i) => v + 0.1 * step * noise[i]), ref);
  }
}

Deno.test("toState/fromStates: scorers that saw disjoint ICs merge into exactly the rows of one", () => {
  const x = 16, steps = 4;
  const options: ScorerOptions = {
    fields: ["u", "v"],
    pointsPerField: x,
    ics: 4,
    steps,
    summarySteps: [2, 4],
    energy: halfMeanSquare,
  };
  const whole = new RolloutScorer(options);
  for (let ic = 0; ic < 4; ic++) feed(whole, ic, x, steps);
  // Round-robin split, IC 1 (diverged) and IC 2 (undefined nrmse) in different parts.
  const parts = [[0, 2], [1, 3]].map((ics) => {
    const s = new RolloutScorer(options);
    for (const ic of ics) feed(s, ic, x, steps);
    return JSON.parse(JSON.stringify(s.toState(ics)));
  });
  const merged = RolloutScorer.fromStates(options, parts.reverse());
  assertSameRows(merged.rows(), whole.rows(), "merged");
  if (JSON.stringify(merged.divergence()) !== JSON.stringify(whole.divergence())) {
    throw new Error(JSON.stringify(merged.divergence()));
  }
  if (merged.seconds !== parts[0].seconds + parts[1].seconds) throw new Error("seconds");
  // One state of everything round-trips too.
  assertSameRows(
    RolloutScorer.fromStates(options, [whole.toState()]).rows(),
    whole.rows(),
    "one state",
  );
});

Deno.test("fromStates refuses a foreign header, missing or doubled ICs and damaged arrays", () => {
  const options: ScorerOptions = {
    fields: ["u"],
    pointsPerField: 8,
    ics: 3,
    steps: 2,
    summarySteps: [1],
    energy: halfMeanSquare,
  };
  const s = new RolloutScorer(options);
  const [a, b, c] = [[0], [1], [2]].map((ics) => s.toState(ics));
  assertThrowsType(() => RolloutScorer.fromStates(options, [a, b]), RangeError, "IC 2 is in none");
  assertThrowsType(
    () => RolloutScorer.fromStates(options, [a, b, c, b]),
    RangeError,
    "IC 1 is in state 1 and state 3",
  );
  assertThrowsType(
    () => RolloutScorer.fromStates({ ...options, steps: 3 }, [a, b, c]),
    RangeError,
    "state 0: steps: expected 3",
  );
  assertThrowsType(
    () => RolloutScorer.fromStates(options, [a, b, { ...c, values: c.values.slice(8) }]),
    TypeError,
    "state 2: values: expected base64 of 128 bytes",
  );
  assertThrowsType(
    () => RolloutScorer.fromStates(options, [a, b, { ...c, divergedAt: [7] }]),
    RangeError,
    "divergedAt[0]",
  );
  assertThrowsType(() => s.toState([1, 1]), RangeError, "listed twice");
  assertThrowsType(() => s.toState([3]), RangeError, "[0, 2]");
});

Deno.test("spectrumKMax: shells above it do not count, so noise there costs nothing", () => {
  // A 1D field of 64 points: spectrum1d gives shells 0..32. The prediction adds a pure mode at
  // k = 30; with kMax = 20 the spectrum error sees shells 1..20, equal up to float32 rounding.
  const x = 64;
  const ref = Float32Array.from({ length: x }, (_, i) => Math.sin((2 * Math.PI * 3 * i) / x));
  const pred = ref.map((v, i) => v + 0.1 * Math.cos((2 * Math.PI * 30 * i) / x));
  const score = (spectrumKMax?: number) => {
    const s = new RolloutScorer({
      fields: ["u"],
      pointsPerField: x,
      ics: 1,
      steps: 1,
      summarySteps: [],
      energy: halfMeanSquare,
      spectrumKMax,
    });
    s.observeInitial(0, ref);
    s.observe(0, 1, pred, ref);
    return s.rows().find((r) => r.metric === "spectrum_error" && r.step === 1)!.value!;
  };
  if (!(score(20) < 1e-6)) throw new Error(`kMax 20: ${score(20)}`);
  // Without the cut-off shell 30 compares 0.005 with the float32 floor: a large log ratio.
  if (!(score() > 0.5)) throw new Error(`all shells: ${score()}`);
  assertThrowsType(() =>
    new RolloutScorer({
      fields: ["u"],
      pointsPerField: x,
      ics: 1,
      steps: 1,
      summarySteps: [],
      energy: halfMeanSquare,
      spectrumKMax: 33,
    }), RangeError);
});

const f32 = (seed: number) => Float32Array.from(randomArray(32, seed));

Deno.test("reference features: the same rows as without them, and a wrong length is a TypeError", () => {
  const options = {
    fields: ["u", "v"],
    pointsPerField: 16,
    ics: 3,
    steps: 4,
    summarySteps: [2, 4],
    energy: halfMeanSquare,
    spectrumKMax: 6,
  };
  const features = scorerFeatures(options);
  if (features.size !== 2 * 9 + 1) throw new Error(`${features.size}: expected C·K + 1 = 19`);
  const a = new RolloutScorer(options), b = new RolloutScorer(options);
  for (let ic = 0; ic < 3; ic++) {
    const y0 = f32(100 + ic);
    a.observeInitial(ic, y0);
    b.observeInitial(ic, y0);
    for (let step = 1; step <= 4; step++) {
      const y = f32(10 * ic + step), p = f32(1000 + 10 * ic + step);
      a.observe(ic, step, p, y);
      b.observe(ic, step, p, y, features.compute(y));
    }
  }
  a.diverged(2, 3);
  b.diverged(2, 3);
  assertSameRows(b.rows(), a.rows(), "with features");
  const y = f32(1);
  assertThrowsType(
    () => b.observe(0, 1, y, y, features.compute(y).subarray(1)),
    TypeError,
    "reference features",
  );
});

Deno.test("prepare(): rows the same bits in any call order (batches, divergence, history k, re-observed steps)", () => {
  const X = 16, T = 9, N = 5;
  const options = {
    fields: ["u", "v"],
    pointsPerField: X,
    ics: N,
    steps: T,
    firstStep: 2,
    summarySteps: [2, 5, 9],
  };
  const state = (ic: number, step: number, off: number) =>
    Float32Array.from(randomArray(2 * X, 1000 * ic + 10 * step + off), (v) => v + off);
  // ICs in batches of two (as a rollout with maxBatch 2 sends them), IC 3 diverges at step 6;
  // `prepare` after every call or never.
  const drive = (s: RolloutScorer, eager: boolean) => {
    const tick = () => eager && s.prepare();
    for (let b = 0; b < N; b += 2) {
      for (let ic = b; ic < Math.min(N, b + 2); ic++) s.observeInitial(ic, state(ic, 0, 0));
      for (let step = 2; step <= T; step++) {
        for (let ic = b; ic < Math.min(N, b + 2); ic++) {
          if (ic === 3 && step >= 6) {
            if (step === 6) s.diverged(ic, step);
            continue;
          }
          s.observe(ic, step, state(ic, step, 0.5), state(ic, step, 0));
          tick();
        }
      }
    }
  };
  const lazy = scorer(options), eager = scorer(options);
  drive(lazy, false);
  drive(eager, true);
  assertSameRows(eager.rows(), lazy.rows(), "prepared after every call");
  // Data of a prepared step changes: an observation again, an earlier divergence.
  for (const s of [lazy, eager]) s.observe(1, 4, state(1, 4, 2), state(1, 4, 0));
  eager.prepare();
  assertSameRows(eager.rows(), lazy.rows(), "a prepared step observed again");
  for (const s of [lazy, eager]) s.diverged(0, 3);
  eager.prepare();
  assertSameRows(eager.rows(), lazy.rows(), "an earlier divergence");
  // A fresh scorer fed the final data in one go, never prepared: the same rows again.
  const once = scorer(options);
  drive(once, false);
  once.observe(1, 4, state(1, 4, 2), state(1, 4, 0));
  once.diverged(0, 3);
  assertSameRows(eager.rows(), once.rows(), "against one pass");
});

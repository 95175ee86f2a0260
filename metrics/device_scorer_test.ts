// metricsFromMoments against the textbook Takacs split and nrmse, from moments summed here in
// float64 (independent of the device graph), and DeviceScorer's refusal of overflowed moments.
import assert from "node:assert/strict";
import { DeviceScorer, metricsFromMoments } from "./device_scorer.ts";
import { halfMeanSquare } from "./energy.ts";

/** The 7 moments of `p` against `y` as the moments graph defines them, in float64. */
function moments(p: number[], y: number[]): number[] {
  const X = p.length, mean = (a: number[]) => a.reduce((s, v) => s + v, 0) / X;
  const d = p.map((v, i) => v - y[i]);
  const mp = mean(p), my = mean(y), md = mean(d);
  const p1 = p.map((v) => v - mp), y1 = y.map((v) => v - my), d1 = d.map((v) => v - md);
  const sum = (f: (i: number) => number) =>
    Array.from({ length: X }, (_, i) => f(i))
      .reduce((s, v) => s + v, 0);
  const spp = sum((i) => p1[i] ** 2), syy = sum((i) => y1[i] ** 2);
  const sds = sum((i) => d1[i] * (p1[i] + y1[i]));
  const slope = sds / X / (Math.sqrt(spp / X) + Math.sqrt(syy / X)) / Math.sqrt(syy / X);
  return [
    sum((i) => d[i] ** 2),
    sum((i) => y[i] ** 2),
    spp,
    syy,
    sds,
    sum((i) => d[i]),
    sum((i) => (d1[i] - y1[i] * slope) ** 2),
  ];
}

Deno.test("metricsFromMoments: the textbook split (σₚ − σᵧ)² + (μₚ − μᵧ)² and 2(1 − ρ)σₚσᵧ, summing to the mse", () => {
  const X = 64;
  const y = Array.from({ length: X }, (_, i) => Math.sin((2 * Math.PI * 3 * i) / X) + 0.3);
  // Damped, shifted in phase and offset: every term of the split is non-zero.
  const p = Array.from(
    { length: X },
    (_, i) => 0.6 * Math.sin((2 * Math.PI * 3 * i) / X + 1.2) + 1,
  );
  const m = metricsFromMoments(moments(p, y), 0, X);
  const mean = (a: number[]) => a.reduce((s, v) => s + v, 0) / X;
  const mp = mean(p), my = mean(y);
  const sp = Math.sqrt(mean(p.map((v) => (v - mp) ** 2)));
  const sy = Math.sqrt(mean(y.map((v) => (v - my) ** 2)));
  const rho = mean(p.map((v, i) => (v - mp) * (y[i] - my))) / (sp * sy);
  const mse = mean(p.map((v, i) => (v - y[i]) ** 2));
  const close = (a: number, b: number, what: string) =>
    assert.ok(Math.abs(a - b) <= 1e-12 * mse, `${what}: ${a} vs ${b}`);
  close(m.mse, mse, "mse");
  close(m.dissipation, (sp - sy) ** 2 + (mp - my) ** 2, "dissipation");
  close(m.dispersion, 2 * (1 - rho) * sp * sy, "dispersion");
  close(m.dissipation + m.dispersion, m.mse, "identity");
  assert.ok(m.dissipation > 0.1 * mse && m.dispersion > 0.1 * mse, "both parts matter here");
  const nrmse = Math.sqrt(
    p.reduce((s, v, i) => s + (v - y[i]) ** 2, 0) / y.reduce((s, v) => s + v * v, 0),
  );
  assert.ok(Math.abs(m.nrmse - nrmse) <= 1e-14 * nrmse, `nrmse ${m.nrmse} vs ${nrmse}`);
});

Deno.test("DeviceScorer: a float32 moment that overflowed for a finite state is refused, naming --reductions", () => {
  const make = () =>
    new DeviceScorer({
      fields: ["u"],
      pointsPerField: 4,
      ics: 1,
      steps: 1,
      summarySteps: [],
      energy: halfMeanSquare,
    }, { energy: false });
  const s = make();
  s.observeInitial(0, new Float32Array([1, -1, 1, -1]));
  assert.throws(
    () => s.observeMoments(0, 1, [Infinity, 4, 4, 4, 0, 2, 0]),
    (e: Error) =>
      e.name === "ValueRangeError" && e.message.includes("--reductions") &&
      e.message.includes("expected host") && e.message.includes("sse = Infinity") &&
      e.message.includes("IC 0, step 1, u"),
  );
  assert.throws(() => make().observeMoments(0, 1, [1, 4, 4, 4, 0, 2, NaN]), /srr = NaN/);
  // srr is meaningless where a field is constant (σ = 0): accepted, dispersion 0.
  const c = make();
  c.observeInitial(0, new Float32Array([1, -1, 1, -1]));
  c.observeMoments(0, 1, [4, 4, 0, 4, 0, 0, NaN]);
  const row = c.rows().find((r) => r.metric === "dispersion" && r.reduction === "mean_over_ics");
  assert.equal(row?.value, 0);
});

Deno.test("DeviceScorer: an infinite device energy of a finite state is refused like an overflowed moment", () => {
  const s = new DeviceScorer({
    fields: ["u"],
    pointsPerField: 4,
    ics: 1,
    steps: 1,
    summarySteps: [],
    energy: halfMeanSquare,
  }, { energy: true });
  s.observeInitial(0, new Float32Array([1, -1, 1, -1]));
  assert.throws(
    () => s.observeMoments(0, 1, [1, 4, 4, 4, 0, 2, 0], [Infinity, 0.5]),
    /--reductions: expected host .*prediction energy Infinity/,
  );
});

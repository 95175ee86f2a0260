import assert from "node:assert/strict";
import { DEPTH, DT, G, GRID, massAndEnergy, shallowWater2d, shallowWaterIc } from "./suite.ts";
import { fromPrimitive, ShallowWater2D, toPrimitive, totalEnergy, totalMass } from "./solver.ts";
import { getSuite } from "../mod.ts";
import { gridShape, gridSize } from "../common/types.ts";
import { halfMeanSquare } from "../../metrics/energy.ts";

const CELLS = 128 * 128, S = 3 * CELLS;
const s = shallowWater2d;

function bytesEqual(a: Float32Array, b: Float32Array): boolean {
  const x = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  const y = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  return x.length === y.length && x.every((v, i) => v === y[i]);
}

Deno.test("shallow_water2d: declaration (SPEC §3) and registry", () => {
  assert.equal(getSuite("shallow_water2d"), s);
  assert.equal(s.version, "1.0.0");
  assert.deepEqual(s.fields, ["h", "u", "v"]);
  assert.deepEqual(GRID, {
    kind: "grid2d",
    ny: 128,
    nx: 128,
    ly: 1,
    lx: 1,
    boundary: "periodic",
  });
  assert.deepEqual(gridShape(s.grid), [128, 128]);
  assert.equal(gridSize(s.grid), CELLS);
  assert.equal(s.dt, 0.02);
  assert.equal(s.tiers.standard.steps, 100);
  assert.deepEqual(s.tiers.smoke, { ics: 2, steps: 10 });
  assert.deepEqual(s.params, { g: 1, h0: 1, cfl: 0.4 });
  assert.deepEqual(s.summarySteps, [1, 10, 25, 50, 100]);
  assert.equal(s.metrics[0].id, "nrmse");
  assert.ok(s.metrics.every((m) => !m.higherIsBetter && m.description.length > 0));
  assert.equal(new Set(s.metrics.map((m) => m.id)).size, s.metrics.length);
});

Deno.test("shallow_water2d: ICs are deterministic, per index, and alternate bumps / dam breaks", () => {
  const three = s.initialConditions(3, s.seed), five = s.initialConditions(5, s.seed);
  assert.equal(three.length, 3 * S);
  assert.ok(bytesEqual(three, five.subarray(0, 3 * S)), "IC i does not depend on the count");
  assert.ok(!bytesEqual(three, s.initialConditions(3, s.seed + 1)), "the seed matters");
  for (let i = 0; i < 5; i++) {
    const ic = five.subarray(i * S, (i + 1) * S), h = ic.subarray(0, CELLS);
    assert.ok(ic.subarray(CELLS).every((v) => v === 0), `IC ${i} at rest`);
    let lo = Infinity, hi = -Infinity;
    for (const v of h) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)];
    if (i % 2 === 0) {
      assert.ok(
        lo >= DEPTH && lo < DEPTH + 0.05 && hi > DEPTH + 0.05,
        `bumps on depth 1: ${lo}..${hi}`,
      );
    } else {
      assert.ok(lo === 1 && hi >= 1.5 && hi < 2.5, `wet dam break: ${lo}..${hi}`);
    }
    assert.ok(bytesEqual(ic, Float32Array.from(toPrimitive(shallowWaterIc(s.seed, i)))), "family");
  }
});

Deno.test("shallow_water2d: the reference starts at the IC and is the solver's trajectory", () => {
  const ics = s.initialConditions(2, s.seed);
  const calls: number[] = [];
  const ref = s.reference(ics, 2, 2, (done, total) => calls.push(done / total));
  assert.equal(ref.length, 2 * 3 * S);
  assert.deepEqual(calls, [0.25, 0.5, 0.75, 1]);
  for (let i = 0; i < 2; i++) {
    const traj = ref.subarray(i * 3 * S, (i + 1) * 3 * S);
    assert.ok(bytesEqual(traj.subarray(0, S), ics.subarray(i * S, (i + 1) * S)), "step 0 = IC");
    // From the float32 IC (h, u, v), as the suite stores it.
    const direct = new ShallowWater2D({ nx: 128, ny: 128, g: G })
      .trajectory(fromPrimitive(ics.subarray(i * S, (i + 1) * S)), 2, DT, { output: "primitive" });
    assert.ok(bytesEqual(traj, direct), `IC ${i}: the solver's own trajectory`);
    // Mass is conserved by the solver to ~1e-15; float32 storage of h leaves ~1e-8.
    const m0 = massAndEnergy(traj.subarray(0, S)).mass;
    const m2 = massAndEnergy(traj.subarray(2 * S)).mass;
    assert.ok(Math.abs(m2 - m0) < 1e-7 * m0, `mass ${m0} → ${m2}`);
  }
  assert.throws(() => s.reference(new Float32Array(10), 1, 1), TypeError);
  assert.throws(() => s.reference(ics, 2, -1), RangeError);
});

Deno.test("shallow_water2d: energy, diagnostics and spectrum of a state", () => {
  // Lake at rest h = 1.5: M = 1.5, E = ½gh² = 1.125 on the unit box.
  const rest = new Float32Array(S).fill(1.5, 0, CELLS);
  assert.deepEqual(massAndEnergy(rest), { mass: 1.5, energy: 1.125 });
  assert.equal(s.energy(rest), 1.125);
  assert.deepEqual(s.diagnostics!(rest), { mass: 1.5, energy: 1.125 });
  // Same as the solver's conservative totals on a state in motion.
  const ic = shallowWaterIc(s.seed, 1);
  new ShallowWater2D({ nx: 128, ny: 128 }).step(ic, DT);
  const prim = toPrimitive(ic);
  const grid = { nx: 128, ny: 128 };
  assert.ok(Math.abs(s.energy(prim) - totalEnergy(ic, grid)) < 1e-13);
  assert.ok(Math.abs(massAndEnergy(prim).mass - totalMass(ic, grid)) < 1e-13);
  // Isotropic shell spectrum with Parseval: Σ_k E(k) = ½⟨h²⟩.
  const e = s.spectrum!(prim.subarray(0, CELLS));
  assert.equal(e.length, 92);
  const total = e.reduce((a, b) => a + b, 0), want = halfMeanSquare(prim.subarray(0, CELLS));
  assert.ok(Math.abs(total - want) < 1e-12 * want);
  assert.throws(() => s.energy(new Float32Array(10)), TypeError);
});

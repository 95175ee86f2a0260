import assert from "node:assert/strict";
import {
  GRID,
  hasegawaWakatani,
  HW_H,
  HW_PHYSICS,
  HW_SUBSTEPS,
  hwFieldDiagnostics,
  hwTrajectories,
} from "./suite.ts";
import { HasegawaWakatani, linearModes } from "./solver.ts";
import { getSuite } from "../mod.ts";
import { gridShape, gridSize } from "../common/types.ts";

const N = 128, SIZE = N * N;
const s = hasegawaWakatani;

Deno.test("hasegawa_wakatani: declaration (SPEC §3) and registry", () => {
  assert.equal(getSuite("hasegawa_wakatani"), s);
  assert.deepEqual(s.fields, ["n", "phi"]);
  assert.deepEqual(gridShape(s.grid), [128, 128]);
  assert.equal(gridSize(s.grid), SIZE);
  assert.ok(Math.abs(GRID.lx - 2 * Math.PI / 0.15) < 1e-12 && GRID.lx === GRID.ly);
  assert.equal(s.dt, 1);
  assert.equal(HW_SUBSTEPS * HW_H, 1);
  assert.deepEqual(s.tiers.smoke, { ics: 2, steps: 10 });
  assert.ok(s.tiers.standard.ics <= 16 && s.tiers.standard.steps === 100);
  assert.ok(s.tiers.paper!.steps > 100);
  assert.equal(s.metrics[0].id, "nrmse");
  assert.equal(HW_PHYSICS.modified, false);
  assert.equal(s.spectrum!(new Float32Array(SIZE)).length, 92);
});

Deno.test("hasegawa_wakatani: field diagnostics equal the solver's Parseval budget terms", () => {
  // A band-limited random state: the physical-space route (n, φ → FFT) must reproduce the
  // solver's spectral E, U, Γⁿ, Γᶜ (unmodified coupling: all modes but the mean).
  const hw = new HasegawaWakatani({ ...HW_PHYSICS, n: N });
  const st = hw.randomState(5, 0.3);
  const { density, phi } = hw.toPhysical(st);
  const state = new Float64Array(2 * SIZE);
  state.set(density);
  state.set(phi, SIZE);
  const d = hwFieldDiagnostics(state), ref = hw.diagnostics(st);
  for (
    const [a, b, name] of [
      [d.energy, ref.energy, "E"],
      [d.enstrophy, ref.enstrophy, "U"],
      [d.gamma_n, ref.gammaN, "Γⁿ"],
      [d.gamma_c, ref.gammaC, "Γᶜ"],
    ] as const
  ) {
    assert.ok(Math.abs(a - b) <= 1e-10 * Math.abs(b) + 1e-18, `${name}: ${a} vs ${b}`);
  }
  assert.equal(s.energy(state), d.energy);
  assert.deepEqual(s.diagnostics!(state), d);
});

Deno.test("hasegawa_wakatani: diagnostics of analytic fields", () => {
  // n = cos(k₀x), φ = sin(2k₀y): E = ½(½ + ½(2k₀)²), U = ½⟨(n + 4k₀²φ)²⟩ = ½(½ + ½(4k₀²)²),
  // Γⁿ = −⟨cos(k₀x) 2k₀ cos(2k₀y)⟩ = 0, Γᶜ = ⟨(n − φ)²⟩ = 1.
  const k0 = 0.15, state = new Float64Array(2 * SIZE);
  for (let j = 0; j < N; j++) {
    for (let i = 0; i < N; i++) {
      state[j * N + i] = Math.cos(2 * Math.PI * i / N);
      state[SIZE + j * N + i] = Math.sin(4 * Math.PI * j / N);
    }
  }
  const d = hwFieldDiagnostics(state);
  const close = (a: number, b: number, m: string) => assert.ok(Math.abs(a - b) < 1e-12, m);
  close(d.energy, 0.25 + 0.25 * (2 * k0) ** 2, "E");
  close(d.enstrophy, 0.25 + 0.25 * (4 * k0 * k0) ** 2, "U");
  close(d.gamma_n, 0, "Γⁿ");
  close(d.gamma_c, 1, "Γᶜ");
  assert.throws(() => hwFieldDiagnostics(new Float32Array(SIZE)), /\[2, 128, 128\]/);
});

Deno.test("hasegawa_wakatani: reference of a single Fourier mode follows the dispersion relation", () => {
  // One mode has {φ, n} = 0, so 5 model steps are exactly exp(A t) of the 2×2 linear system
  // (unmodified coupling); RK4 at h = 0.05 is accurate to ~1e-7 here.
  const mx = 3, my = 2, k0 = 0.15, kx = mx * k0, ky = my * k0, k2 = kx * kx + ky * ky;
  const p = { c1: 1, kappa: 1, nu: HW_PHYSICS.nu, hyperOrder: 3 };
  const [m1, m2] = linearModes(p, kx, ky);
  // IC = eigenmode 1 (growing): n = a cos θ, φ = a Re(φ₁ e^{iθ}), θ = k·x
  const a = 1e-3, ic = new Float32Array(2 * SIZE);
  const phase = (i: number, j: number) => 2 * Math.PI * (mx * i + my * j) / N;
  for (let j = 0; j < N; j++) {
    for (let i = 0; i < N; i++) {
      const th = phase(i, j);
      ic[j * N + i] = a * Math.cos(th);
      ic[SIZE + j * N + i] = a * (m1.phiRe * Math.cos(th) - m1.phiIm * Math.sin(th));
    }
  }
  const steps = 5, traj = hwTrajectories(ic, 1, steps);
  // Exact: n(t) = Re(c e^{λt} e^{iθ}) with c = a·(1 + the float32 rounding of the IC)
  const t = steps, g = Math.exp(m1.growth * t), w = -m1.frequency * t;
  let err = 0, norm = 0;
  for (let j = 0; j < N; j++) {
    for (let i = 0; i < N; i++) {
      const th = phase(i, j) + w, k = j * N + i;
      const nWant = a * g * Math.cos(th);
      const pWant = a * g * (m1.phiRe * Math.cos(th) - m1.phiIm * Math.sin(th));
      const base = steps * 2 * SIZE;
      err += (traj[base + k] - nWant) ** 2 + (traj[base + SIZE + k] - pWant) ** 2;
      norm += nWant ** 2 + pWant ** 2;
    }
  }
  assert.ok(m1.growth > m2.growth && k2 > 0);
  assert.ok(Math.sqrt(err / norm) < 1e-6, `relative error ${Math.sqrt(err / norm)}`);
});

Deno.test("hasegawa_wakatani: reference refuses bad shapes and counts", () => {
  assert.throws(() => s.reference(new Float32Array(10), 1, 1), /\[1, 2, 128, 128\]/);
  assert.throws(() => s.reference(new Float32Array(0), -1, 1), /count ≥ 0/);
  assert.equal(s.reference(new Float32Array(0), 0, 3).length, 0);
  assert.equal(s.initialConditions(0, 1).length, 0);
});

import { HasegawaWakatani, hwDefaultNu, type HWState, linearModes } from "./solver.ts";

function check(cond: boolean, msg: string): void {
  if (!cond) throw new Error(msg);
}

/** Slow checks and measurements run only with EMUBENCH_SLOW=1 (and --allow-env). */
const SKIP_SLOW =
  Deno.permissions.querySync({ name: "env", variable: "EMUBENCH_SLOW" }).state !== "granted" ||
  Deno.env.get("EMUBENCH_SLOW") !== "1";

/** Print a measured value (for the data card) when EMUBENCH_MEASURE=1 or the slow checks run. */
function note(label: string, value: unknown): void {
  const granted =
    Deno.permissions.querySync({ name: "env", variable: "EMUBENCH_MEASURE" }).state === "granted";
  if (!SKIP_SLOW || (granted && Deno.env.get("EMUBENCH_MEASURE") === "1")) {
    console.log(`measured ${label}: ${JSON.stringify(value)}`);
  }
}

function copy(s: HWState): HWState {
  return {
    nRe: s.nRe.slice(),
    nIm: s.nIm.slice(),
    omegaRe: s.omegaRe.slice(),
    omegaIm: s.omegaIm.slice(),
  };
}

/** √⟨(n₁ − n₂)² + (Ω₁ − Ω₂)²⟩ by Parseval. */
function distance(hw: HasegawaWakatani, a: HWState, b: HWState): number {
  const size = hw.grid.size;
  let s = 0;
  for (const f of ["nRe", "nIm", "omegaRe", "omegaIm"] as const) {
    for (let k = 0; k < size; k++) s += (a[f][k] - b[f][k]) ** 2;
  }
  return Math.sqrt(s) / size;
}

/** E and U at t₀ + m·h, m = 0…4, and the state at m = 2 (centre). */
function series(hw: HasegawaWakatani, s0: HWState, h: number) {
  const s = copy(s0), e: number[] = [], u: number[] = [];
  let centre = s;
  for (let m = 0; m <= 4; m++) {
    const d = hw.diagnostics(s);
    e.push(d.energy);
    u.push(d.enstrophy);
    if (m === 2) centre = copy(s);
    if (m < 4) hw.step(s, h);
  }
  /** fourth-order centred difference at m = 2 */
  const ddt = (f: number[]) => (f[0] - 8 * f[1] + 8 * f[3] - f[4]) / (12 * h);
  return { dEdt: ddt(e), dUdt: ddt(u), centre: hw.diagnostics(centre) };
}

Deno.test("hasegawa_wakatani: Γⁿ and Γᶜ agree with physical-space means (zonal = y-average)", () => {
  for (const zonalAxis of ["y", "x"] as const) {
    const hw = new HasegawaWakatani({ n: 16, nu: 0, zonalAxis }), g = hw.grid, n = hw.n;
    const s = hw.randomState(3, 1), { density, phi } = hw.toPhysical(s);
    // ∂ᵧφ spectrally, then Γⁿ = −⟨n ∂ᵧφ⟩ in physical space
    const pr = new Float64Array(g.size), pi = new Float64Array(g.size);
    hw.phiFromOmega(s.omegaRe, s.omegaIm, pr, pi);
    g.dy(pr, pi, pr, pi);
    const phiY = new Float64Array(g.size);
    g.inverse(pr, pi, phiY);
    let gn = 0;
    for (let k = 0; k < g.size; k++) gn -= density[k] * phiY[k];
    gn /= g.size;
    // tilde: subtract the average over y (rows j, per column i) or over x (per row)
    const tilde = (f: Float64Array) => {
      const out = f.slice();
      for (let a = 0; a < n; a++) {
        let m = 0;
        for (let b = 0; b < n; b++) m += zonalAxis === "y" ? f[b * n + a] : f[a * n + b];
        for (let b = 0; b < n; b++) out[zonalAxis === "y" ? b * n + a : a * n + b] -= m / n;
      }
      return out;
    };
    const nt = tilde(density), pt = tilde(phi);
    let gc = 0;
    for (let k = 0; k < g.size; k++) gc += (nt[k] - pt[k]) ** 2;
    gc /= g.size;
    const d = hw.diagnostics(s);
    check(Math.abs(d.gammaN - gn) < 1e-12 * Math.abs(gn), `Γⁿ ${d.gammaN} vs ${gn}`);
    check(Math.abs(d.gammaC - gc) < 1e-12 * gc, `Γᶜ ${d.gammaC} vs ${gc}`);
    // E = ½⟨n² + |∇φ|²⟩ = ½⟨n² − φΩ⟩ and U = ½⟨(n − Ω)²⟩ in physical space
    const { omega } = hw.toPhysical(s);
    let e = 0, u = 0;
    for (let k = 0; k < g.size; k++) {
      e += 0.5 * (density[k] ** 2 - phi[k] * omega[k]);
      u += 0.5 * (density[k] - omega[k]) ** 2;
    }
    check(Math.abs(d.energy - e / g.size) < 1e-12 * d.energy, "E");
    check(Math.abs(d.enstrophy - u / g.size) < 1e-12 * d.enstrophy, "U");
  }
});

Deno.test("hasegawa_wakatani: budgets dE/dt = κΓⁿ − Γᶜ − D^E, dU/dt = κΓⁿ − D^U close", () => {
  const cases = [
    { modified: true, zonalAxis: "y" as const },
    { modified: false, zonalAxis: "y" as const },
    { modified: true, zonalAxis: "x" as const },
  ];
  for (const c of cases) {
    const hw = new HasegawaWakatani({ n: 32, nu: 0.01, ...c });
    const s0 = hw.randomState(11, 1), h = 2.5e-4;
    const r = series(hw, s0, h), d = r.centre;
    const scaleE = Math.abs(d.gammaN) + d.gammaC + d.dissipationE;
    const scaleU = Math.abs(d.gammaN) + d.dissipationU;
    const errE = Math.abs(r.dEdt - d.dEdt) / scaleE, errU = Math.abs(r.dUdt - d.dUdt) / scaleU;
    note(`budget ${JSON.stringify(c)} (32², ν = 0.01, h = 2.5e-4)`, {
      errE,
      errU,
      gammaN: d.gammaN,
      gammaC: d.gammaC,
      dissipationE: d.dissipationE,
      dissipationU: d.dissipationU,
    });
    check(d.dissipationE > 0.05 * scaleE && d.gammaC > 0.05 * scaleE, "all terms matter");
    check(errE < 1e-9, `dE/dt: relative error ${errE}`);
    check(errU < 1e-9, `dU/dt: relative error ${errU}`);
  }
});

Deno.test("hasegawa_wakatani: brackets conserve E and U; coupling alone drains E at Γᶜ, keeps U", () => {
  // c₁ = κ = ν = 0: only the brackets act
  const drift: number[] = [];
  for (const h of [0.1, 0.05]) {
    const hw = new HasegawaWakatani({ n: 32, c1: 0, kappa: 0, nu: 0 });
    const s = hw.randomState(5, 1), d0 = hw.diagnostics(s);
    for (let m = 0; m < Math.round(2 / h); m++) hw.step(s, h);
    const d1 = hw.diagnostics(s);
    const rel = Math.max(
      Math.abs(d1.energy - d0.energy) / d0.energy,
      Math.abs(d1.enstrophy - d0.enstrophy) / d0.enstrophy,
    );
    drift.push(rel);
    check(d1.dEdt === 0 && d1.dUdt === 0, "budget terms vanish");
  }
  note("inviscid drift of E, U over t = 2 (h = 0.1, 0.05)", drift);
  check(drift[0] < 1e-5, `drift ${drift[0]}`);
  check(drift[1] < drift[0] / 12, `drift should fall at least like h⁴: ${drift}`);
  // c₁ = 1 only: dE/dt = −Γᶜ, U conserved (the coupling cancels in n − Ω)
  const hw = new HasegawaWakatani({ n: 32, kappa: 0, nu: 0 });
  const s0 = hw.randomState(6, 1), r = series(hw, s0, 2.5e-4);
  check(r.centre.gammaC > 0, "Γᶜ > 0");
  check(
    Math.abs(r.dEdt + r.centre.gammaC) < 1e-9 * r.centre.gammaC,
    `dE/dt ${r.dEdt} vs −Γᶜ ${-r.centre.gammaC}`,
  );
  check(Math.abs(r.dUdt) < 1e-9 * r.centre.gammaC, `dU/dt ${r.dUdt}`);
});

Deno.test("hasegawa_wakatani: single modes follow the linear dispersion relation", () => {
  const results: unknown[] = [];
  for (const modified of [true, false]) {
    const hw = new HasegawaWakatani({ n: 16, modified, nu: 0.05 }), g = hw.grid, n = hw.n;
    for (const [mx, my] of [[0, 1], [1, 1], [3, 2], [-2, 5], [4, 0]]) {
      const p = (mx + n) % n, q = (my + n) % n, b = q * n + p;
      const bm = ((n - q) % n) * n + ((n - p) % n);
      const kx = g.kx[b], ky = g.ky[b], k2 = g.k2[b];
      const coupled = !(modified && my === 0);
      const [mode] = linearModes({ c1: 1, kappa: 1, nu: hw.nu, hyperOrder: 3, coupled }, kx, ky);
      const s = hw.createState(), amp = 0.3 * g.size;
      // n̂ = A, φ̂ = A·φ_eig, Ω̂ = −k²φ̂ at k; complex conjugates at −k (real fields)
      s.nRe[b] = s.nRe[bm] = amp;
      s.omegaRe[b] = s.omegaRe[bm] = -k2 * amp * mode.phiRe;
      s.omegaIm[b] = -k2 * amp * mode.phiIm;
      s.omegaIm[bm] = k2 * amp * mode.phiIm;
      const h = 0.02, steps = 250;
      let lr = 0, li = 0;
      for (let m = 0; m < steps; m++) {
        const ar = s.nRe[b], ai = s.nIm[b];
        hw.step(s, h);
        // log(n̂⁺/n̂) summed step by step (no branch cut)
        const den = ar * ar + ai * ai;
        const rr = (s.nRe[b] * ar + s.nIm[b] * ai) / den,
          ri = (s.nIm[b] * ar - s.nRe[b] * ai) / den;
        lr += Math.log(Math.hypot(rr, ri));
        li += Math.atan2(ri, rr);
      }
      const t = steps * h, growth = lr / t, frequency = -li / t;
      const scale = Math.hypot(mode.growth, mode.frequency);
      const err = Math.hypot(growth - mode.growth, frequency - mode.frequency) / scale;
      // the eigenvector is kept: φ̂/n̂ unchanged
      const [pr, pi] = [new Float64Array(g.size), new Float64Array(g.size)];
      hw.phiFromOmega(s.omegaRe, s.omegaIm, pr, pi);
      const den = s.nRe[b] ** 2 + s.nIm[b] ** 2;
      const fr = (pr[b] * s.nRe[b] + pi[b] * s.nIm[b]) / den;
      const fi = (pi[b] * s.nRe[b] - pr[b] * s.nIm[b]) / den;
      const errV = Math.hypot(fr - mode.phiRe, fi - mode.phiIm) /
        Math.hypot(mode.phiRe, mode.phiIm);
      results.push({ modified, mx, my, growth: mode.growth, frequency: mode.frequency, err, errV });
      check(err < 1e-6, `mode (${mx}, ${my}) modified=${modified}: relative error ${err}`);
      check(errV < 1e-6, `mode (${mx}, ${my}): eigenvector drift ${errV}`);
      // only the two bins are excited: the bracket of one mode vanishes
      let other = 0;
      for (let k = 0; k < g.size; k++) if (k !== b && k !== bm) other += Math.abs(s.nRe[k]);
      check(other < 1e-9 * amp, "no other modes");
    }
  }
  note("linear modes (16², c₁ = κ = 1, ν = 0.05, h = 0.02, t = 5)", results);
  // the zonal mode of modified HW only diffuses; the drift waves are unstable
  const [z] = linearModes({ c1: 1, kappa: 1, nu: 0, hyperOrder: 3, coupled: false }, 0.6, 0);
  check(z.growth === 0 && z.frequency === 0, "zonal mode is neutral without ν");
  const [w] = linearModes({ c1: 1, kappa: 1, nu: 0, hyperOrder: 3 }, 0, 0.6);
  check(w.growth > 0 && w.frequency > 0, "drift wave unstable, propagating along +y");
});

Deno.test("hasegawa_wakatani: RK4 converges at order 4 in Δt", () => {
  const hw = new HasegawaWakatani({ n: 16, nu: 0.1 }), t = 2;
  const s0 = hw.randomState(9, 1);
  const run = (h: number) => {
    const s = copy(s0);
    for (let m = 0; m < Math.round(t / h); m++) hw.step(s, h);
    return s;
  };
  const ref = run(0.00078125), hs = [0.025, 0.0125, 0.00625, 0.003125];
  const errs = hs.map((h) => distance(hw, run(h), ref));
  const orders = errs.slice(1).map((e, i) => Math.log2(errs[i] / e));
  note("Δt convergence (16², ν = 0.1, t = 2, h = 0.025 … 0.003125, ref h = 7.8e-4)", {
    errs,
    orders,
  });
  // the coupling rate c₁(1 + 1/k₀²) ≈ 45 makes coarse steps pre-asymptotic (orders fall to 4)
  check(orders.every((o) => o > 3.8 && o < 4.5), `orders ${orders}`);
  check(Math.abs(orders[2] - 4) < 0.1, `asymptotic order ${orders[2]}`);
});

Deno.test("hasegawa_wakatani: options are validated", () => {
  const bad: Array<Record<string, unknown>> = [
    { n: 12 },
    { n: 16, nu: -1 },
    { n: 16, k0: 0 },
    { n: 16, hyperOrder: 1.5 },
    { n: 16, zonalAxis: "z" },
  ];
  for (const o of bad) {
    let threw = false;
    try {
      new HasegawaWakatani(o as unknown as { n: number });
    } catch (e) {
      threw = e instanceof RangeError && /Cannot build HasegawaWakatani/.test(String(e));
    }
    check(threw, `rejects ${JSON.stringify(o)}`);
  }
  const hw = new HasegawaWakatani({ n: 8 });
  let threw = false;
  try {
    hw.step({ ...hw.createState(), nRe: new Float64Array(3) }, 0.1);
  } catch (e) {
    threw = e instanceof TypeError;
  }
  check(threw, "wrong state size");
  check(Math.abs(hwDefaultNu(512) - 5e-8) < 1e-22, "ν(512) = 5e-8 (hw2d)");
});

Deno.test({
  name: "hasegawa_wakatani (slow): 64² from small noise grows at the linear rate, then saturates",
  ignore: SKIP_SLOW,
  fn: () => {
    // ν = hwDefaultNu(64) puts ν|κ|⁶ ≈ 102 at the 2/3-band corner: explicit RK4 needs Δt ≲ 0.027
    const hw = new HasegawaWakatani({ n: 64 }), s = hw.randomState(1, 1e-3), dt = 0.02;
    const t0 = performance.now(), rows: number[][] = [];
    for (let m = 1; m <= 150 / dt; m++) {
      hw.step(s, dt);
      if (m % 500 === 0) {
        const d = hw.diagnostics(s);
        rows.push([m * dt, d.energy, d.enstrophy, d.gammaN, d.gammaC]);
      }
    }
    const seconds = (performance.now() - t0) / 1000;
    note("64² run, ν = hwDefaultNu(64), Δt = 0.02: [t, E, U, Γⁿ, Γᶜ] every 10", rows);
    note("64² run wall time to t = 150 (s)", seconds);
    check(rows.every((r) => r.every(Number.isFinite)), "finite");
    const e = (t: number) => rows[Math.round(t / 10) - 1][1];
    // linear phase: E grows at 2γ of the most unstable mode (a band of modes near it)
    let gammaMax = 0;
    for (let mx = 0; mx <= hw.grid.kCut; mx++) {
      for (let my = 1; my <= hw.grid.kCut; my++) {
        const k0 = hw.k0, p = { c1: 1, kappa: 1, nu: hw.nu, hyperOrder: 3 };
        gammaMax = Math.max(gammaMax, linearModes(p, k0 * mx, k0 * my)[0].growth);
      }
    }
    const gammaLinear = Math.log(e(100) / e(60)) / (2 * 40);
    note("64² linear phase: γ from E(60…100) vs max linear γ", { gammaLinear, gammaMax });
    check(Math.abs(gammaLinear / gammaMax - 1) < 0.15, `γ ${gammaLinear} vs ${gammaMax}`);
    // saturation: over t = 130…150 E changes by far less than the linear growth e^{2γ·20} ≈ 29
    check(e(150) / e(130) < 2 && e(150) > 0.1, `saturated: E(130) ${e(130)}, E(150) ${e(150)}`);
    check(rows.slice(-3).every((r) => r[3] > 0 && r[4] > 0), "outward flux Γⁿ > 0, Γᶜ > 0");
  },
});

Deno.test({
  name: "hasegawa_wakatani (slow): RK4 step cost at 128², 256², 512²",
  ignore: SKIP_SLOW,
  fn: () => {
    for (const n of [128, 256, 512]) {
      const hw = new HasegawaWakatani({ n }), s = hw.randomState(2, 1e-3);
      for (let m = 0; m < 2; m++) hw.step(s, 0.02);
      const reps = n === 128 ? 40 : n === 256 ? 10 : 4, t0 = performance.now();
      for (let m = 0; m < reps; m++) hw.step(s, 0.02);
      note(`RK4 step at ${n}² (ms)`, (performance.now() - t0) / reps);
    }
  },
});

Deno.test("projectReal: identity on real fields, removes an anti-Hermitian part, idempotent", () => {
  const hw = new HasegawaWakatani({ n: 16 });
  const s = hw.randomState(4, 1), before = copy(s);
  hw.projectReal(s);
  check(distance(hw, s, before) < 1e-15, "real fields unchanged");
  s.nIm[3] += 0.5;
  s.omegaRe[17] += 0.25;
  hw.projectReal(s);
  const once = copy(s);
  hw.projectReal(s);
  check(distance(hw, s, once) === 0, "idempotent");
  // the projection equals the spectra of the real parts of the fields
  const { density, phi } = hw.toPhysical(once);
  check(distance(hw, hw.fromPhysical(density, phi), once) < 1e-14, "spectra of real fields");
});

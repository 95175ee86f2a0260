import { Rng } from "../../harness/core/rng.ts";
import { Jet2D } from "./solver.ts";

function check(cond: boolean, msg: string): void {
  if (!cond) throw new Error(msg);
}

/** Slow checks and measurements run only with EMUBENCH_SLOW=1 (and --allow-env). */
const SKIP_SLOW =
  Deno.permissions.querySync({ name: "env", variable: "EMUBENCH_SLOW" }).state !== "granted" ||
  Deno.env.get("EMUBENCH_SLOW") !== "1";

/** Print a measured value for the data card when the slow checks run (EMUBENCH_SLOW=1). */
function note(label: string, value: unknown): void {
  if (!SKIP_SLOW) console.log(`measured ${label}: ${JSON.stringify(value)}`);
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}

/** f(x_i, y_j) on the grid of `s`. */
function sample(s: Jet2D, f: (x: number, y: number) => number): Float64Array {
  const n = s.n, out = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < n; i++) out[j * n + i] = f(s.grid.x(i), s.grid.x(j));
  }
  return out;
}

/** amp · Σ A cos(κ·x + φ) over modes 0 < |k_x|, |k_y| ≤ band (half plane), A ~ U(−1, 1). */
function randomOmega(s: Jet2D, band: number, seed: number, amp: number): Float64Array {
  const rng = new Rng(seed, 0), c = (2 * Math.PI) / s.grid.length, modes: number[][] = [];
  for (let ky = 0; ky <= band; ky++) {
    for (let kx = -band; kx <= band; kx++) {
      if (ky === 0 && kx <= 0) continue;
      modes.push([kx, ky, 2 * rng.uniform() - 1, 2 * Math.PI * rng.uniform()]);
    }
  }
  return sample(s, (x, y) => {
    let v = 0;
    for (const [kx, ky, a, p] of modes) v += a * Math.cos(c * (kx * x + ky * y) + p);
    return amp * v;
  });
}

/** Spectral state of a physical ω. */
function state(s: Jet2D, w: ArrayLike<number>): [Float64Array, Float64Array] {
  const re = new Float64Array(s.grid.size), im = new Float64Array(s.grid.size);
  s.toSpectral(w, re, im);
  return [re, im];
}

/** ω(T) from `w0` with steps of h (T/h an integer). */
function solveTo(s: Jet2D, w0: ArrayLike<number>, t: number, h: number): Float64Array {
  const [re, im] = state(s, w0), out = new Float64Array(s.grid.size);
  const m = Math.round(t / h);
  check(Math.abs(m * h - t) < 1e-12, `T/h = ${t}/${h} is not an integer`);
  for (let k = 0; k < m; k++) s.step(re, im, h);
  s.toPhysical(re, im, out);
  return out;
}

Deno.test("jet2d: sign convention u = −ψ_y, v = ψ_x, ω = ∇²ψ = v_x − u_y, J(ψ, ω) = u·∇ω", () => {
  const s = new Jet2D({ n: 32, kf: 1 }), g = s.grid;
  // ψ = sin x cos 2y: ω = −5ψ, u = 2 sin x sin 2y, v = cos x cos 2y
  const w = sample(s, (x, y) => -5 * Math.sin(x) * Math.cos(2 * y));
  const { u, v } = s.velocity(w);
  check(maxAbsDiff(u, sample(s, (x, y) => 2 * Math.sin(x) * Math.sin(2 * y))) < 1e-13, "u");
  check(maxAbsDiff(v, sample(s, (x, y) => Math.cos(x) * Math.cos(2 * y))) < 1e-13, "v");
  // random field: the curl of the velocity is ω, its divergence 0, and J(ψ, ω) = u ω_x + v ω_y
  const r = randomOmega(s, 5, 5, 1), [wr, wi] = state(s, r), z = () => new Float64Array(g.size);
  const { u: ur, v: vr } = s.velocity(r);
  const [uR, uI] = [z(), z()], [vR, vI] = [z(), z()];
  g.forward(ur, uR, uI);
  g.forward(vr, vR, vI);
  const ar = z(), ai = z(), br = z(), bi = z(), curl = z(), div = z();
  g.dx(vR, vI, ar, ai);
  g.dy(uR, uI, br, bi);
  for (let k = 0; k < g.size; k++) {
    ar[k] -= br[k];
    ai[k] -= bi[k];
  }
  g.inverse(ar, ai, curl);
  g.dx(uR, uI, ar, ai);
  g.dy(vR, vI, br, bi);
  for (let k = 0; k < g.size; k++) {
    ar[k] += br[k];
    ai[k] += bi[k];
  }
  g.inverse(ar, ai, div);
  check(maxAbsDiff(curl, r) < 1e-12 * maxAbs(r), "v_x − u_y = ω");
  check(maxAbs(div) < 1e-12 * maxAbs(r), "u_x + v_y = 0");
  const pr = z(), pi = z(), jr = z(), ji = z(), j = z(), wx = z(), wy = z();
  g.invLaplacian(wr, wi, pr, pi);
  g.jacobian(pr, pi, wr, wi, jr, ji);
  g.inverse(jr, ji, j);
  g.dx(wr, wi, ar, ai);
  g.inverse(ar, ai, wx);
  g.dy(wr, wi, ar, ai);
  g.inverse(ar, ai, wy);
  // band 5 = K/2 at n = 32 (K = 10): u·∇ω has modes ≤ 10 = K, so the projection is exact
  let err = 0;
  for (let k = 0; k < g.size; k++) {
    err = Math.max(err, Math.abs(j[k] - (ur[k] * wx[k] + vr[k] * wy[k])));
  }
  check(err < 1e-12 * maxAbs(j), `J(ψ, ω) − u·∇ω = ${err}`);
  note("max |J(ψ, ω) − u·∇ω| / max |J|", err / maxAbs(j));
});

Deno.test("jet2d: forcing spins up the exact laminar Kolmogorov jet", () => {
  // From rest, ω depends on y only, so J = 0 and ω̂_t = λω̂ + F̂ exactly:
  // ω(t) = F₀κ_f cos(κ_f y)(1 − e^{λt})/(νκ_f² + μ), λ = −νκ_f² − μ; ETDRK4 is exact for this.
  const nu = 0.02, mu = 0.1, kf = 3, f0 = 0.7, length = 4;
  const s = new Jet2D({ n: 16, nu, mu, kf, f0, length, substeps: 4 });
  const c = (2 * Math.PI * kf) / length, rate = nu * c * c + mu;
  const traj = s.trajectory(new Float64Array(s.grid.size), 5, 0.5);
  const w = new Float64Array(s.grid.size), [re, im] = state(s, w);
  for (let m = 1; m <= 20; m++) s.step(re, im, 0.125);
  s.toPhysical(re, im, w);
  const t = 2.5,
    want = sample(s, (_x, y) => (f0 * c * Math.cos(c * y) * (1 - Math.exp(-rate * t))) / rate);
  check(maxAbsDiff(w, want) < 1e-13 * maxAbs(want), `laminar jet: ${maxAbsDiff(w, want)}`);
  check(maxAbsDiff(traj.subarray(5 * s.grid.size), want) < 1e-6 * maxAbs(want), "trajectory row 5");
  // u = −ψ_y: ψ = −ω/κ_f², u = −(F₀/rate) sin(κ_f y)(1 − e^{λt}): a jet along x
  const { u, v } = s.velocity(w);
  const uWant = sample(s, (_x, y) => (-f0 * Math.sin(c * y) * (1 - Math.exp(-rate * t))) / rate);
  check(maxAbsDiff(u, uWant) < 1e-13 * maxAbs(uWant) && maxAbs(v) < 1e-13, "jet velocity");
});

Deno.test("jet2d: decaying Taylor–Green vortex ω(t) = ω₀ e^{−(ν|κ|² + μ)t} (exact)", () => {
  // Any ψ whose modes share one |κ|² has ω = −|κ|²ψ, so J(ψ, ω) = 0 and each mode decays at
  // νκ² + μ. Taylor–Green: ψ = sin x sin y (|κ|² = 2, ω₀ e^{−2νt}); here also a random mix of
  // the |k|² = 25 modes (±3, ±4), (±4, ±3), (±5, 0), (0, ±5).
  for (const mu of [0, 0.3]) {
    const nu = 0.05, s = new Jet2D({ n: 32, nu, mu, f0: 0 }), t = 1;
    const tg = sample(s, (x, y) => -2 * Math.sin(x) * Math.sin(y));
    const got = solveTo(s, tg, t, 0.1), decay = Math.exp(-(2 * nu + mu) * t);
    const err = maxAbsDiff(got, tg.map((v) => v * decay)) / maxAbs(tg);
    check(err < 1e-13, `μ = ${mu}: Taylor–Green error ${err}`);
    note(`Taylor–Green relative error, μ = ${mu}`, err);
    const rng = new Rng(3, 0), modes = [[3, 4], [4, 3], [5, 0], [0, 5], [3, -4], [4, -3]];
    const coef = modes.map(() => [rng.normal(), 2 * Math.PI * rng.uniform()]);
    const w0 = sample(s, (x, y) => {
      let v = 0;
      modes.forEach(([a, b], i) => v += -25 * coef[i][0] * Math.cos(a * x + b * y + coef[i][1]));
      return v;
    });
    const got2 = solveTo(s, w0, t, 0.05), decay2 = Math.exp(-(25 * nu + mu) * t);
    const err2 = maxAbsDiff(got2, w0.map((v) => v * decay2)) / maxAbs(w0);
    note(`|k|² = 25 mix relative error, μ = ${mu}`, err2);
    check(err2 < 1e-11, `μ = ${mu}: |k|² = 25 mix error ${err2}`);
  }
});

Deno.test("jet2d: ETDRK4 converges at fourth order in time (forced, nonlinear, n = 32)", () => {
  // ν_h = 10⁻⁸: hyperviscous rate ν_h|κ|⁸ up to 16 in the kept band (K = 10), with a β-term:
  // still order 4
  for (const [nuH, beta] of [[0, 0], [1e-8, 2]]) {
    const s = new Jet2D({ n: 32, nu: 0.01, nuH, beta, mu: 0.1, kf: 2, f0: 1 });
    const w0 = randomOmega(s, 4, 1, 0.5), t = 1;
    const ref = solveTo(s, w0, t, 1 / 1280);
    const errs = [0.05, 0.025, 0.0125].map((h) => maxAbsDiff(solveTo(s, w0, t, h), ref));
    const ratios = errs.slice(1).map((e, i) => errs[i] / e);
    note(`ν_h = ${nuH}: time errors at h = 0.05, 0.025, 0.0125; ratios; max |ω|`, [
      errs,
      ratios,
      maxAbs(ref),
    ]);
    check(ratios.every((r) => r > 12 && r < 20), `ν_h = ${nuH}: errors ${errs}, ratios ${ratios}`);
    check(errs[2] < 1e-6 * maxAbs(ref), `ν_h = ${nuH}: error at h = 0.0125: ${errs[2]}`);
  }
});

Deno.test("jet2d: energy and enstrophy budgets hold at every step (4th-order centred differences)", () => {
  // dE/dt = −2νZ − 2ν_h H_E − 2μE − ⟨ψF⟩, dZ/dt = −2νP − 2ν_h H_Z − 2μZ + ⟨ωF⟩; the β-term
  // does no work on E or Z
  for (const [nuH, beta] of [[0, 0], [1e-8, 0], [0, 3]]) budgets(nuH, beta);
});

function budgets(nuH: number, beta: number): void {
  const nu = 0.01, mu = 0.1, h = 0.005, steps = 200;
  const s = new Jet2D({ n: 32, nu, nuH, beta, mu, kf: 2, f0: 1 });
  const [re, im] = state(s, randomOmega(s, 4, 2, 1));
  const d = [s.diagnosticsHat(re, im)];
  for (let m = 1; m <= steps; m++) {
    s.step(re, im, h);
    d.push(s.diagnosticsHat(re, im));
  }
  let errE = 0, errZ = 0;
  for (let m = 2; m <= steps - 2; m++) {
    const fd = (f: (x: typeof d[0]) => number) =>
      (-f(d[m + 2]) + 8 * f(d[m + 1]) - 8 * f(d[m - 1]) + f(d[m - 2])) / (12 * h);
    const x = d[m];
    const scaleE = 2 * nu * x.enstrophy + 2 * mu * x.energy + Math.abs(x.energyInput);
    const scaleZ = 2 * nu * x.palinstrophy + 2 * mu * x.enstrophy + Math.abs(x.enstrophyInput);
    if (nuH > 0) check(2 * nuH * x.hyperEnstrophy > 1e-3 * scaleZ, "hyperviscosity matters");
    errE = Math.max(errE, Math.abs(fd((y) => y.energy) - x.dEdt) / scaleE);
    errZ = Math.max(errZ, Math.abs(fd((y) => y.enstrophy) - x.dZdt) / scaleZ);
  }
  note(`ν_h = ${nuH}, β = ${beta}: budget errors relative to the largest term (E, Z)`, [
    errE,
    errZ,
  ]);
  check(
    errE < 1e-8 && errZ < 1e-7,
    `ν_h = ${nuH}, β = ${beta}: budget errors relative to the largest term: E ${errE}, Z ${errZ}`,
  );
  check(d[steps].energyInput > 0, "the forcing does work on the flow");
}

Deno.test("jet2d: inviscid unforced flow conserves energy and enstrophy (dealiased bracket)", () => {
  const s = new Jet2D({ n: 32, nu: 0, mu: 0, f0: 0, kf: 2 });
  const w0 = randomOmega(s, 8, 4, 1), drift: number[][] = [];
  for (const h of [0.005, 0.0025]) {
    const [re, im] = state(s, w0), d0 = s.diagnosticsHat(re, im);
    for (let m = 0; m < Math.round(0.5 / h); m++) s.step(re, im, h);
    const d1 = s.diagnosticsHat(re, im);
    drift.push([
      Math.abs(d1.energy / d0.energy - 1),
      Math.abs(d1.enstrophy / d0.enstrophy - 1),
    ]);
  }
  // the semi-discrete system conserves E and Z exactly; what is left is ETDRK4 (= RK4 at λ = 0)
  // time error, which falls with h
  note("relative drift of (E, Z) over t = 0.5 at h = 0.005, 0.0025", drift);
  check(drift[0][0] < 2e-9 && drift[0][1] < 1e-8, `drift at h = 0.005: ${drift}`);
  check(drift[1][0] < drift[0][0] / 8 && drift[1][1] < drift[0][1] / 8, `drift ${drift}`);
});

Deno.test("jet2d: trajectory layout, determinism, state projection and bad input", () => {
  const s = new Jet2D({ n: 16, nu: 0.01, kf: 2 }), ic = randomOmega(s, 7, 9, 1);
  const a = s.trajectory(ic, 3, 0.05),
    b = new Jet2D({ n: 16, nu: 0.01, kf: 2 }).trajectory(ic, 3, 0.05);
  check(a.length === 4 * 256 && a.every((v, k) => v === b[k]), "deterministic [4, 16, 16]");
  // row 0 is the IC projected onto |k_x|, |k_y| ≤ 5 (the band-7 IC loses its modes 6, 7)
  const [re, im] = state(s, ic), proj = new Float64Array(256);
  s.toPhysical(re, im, proj);
  check(maxAbsDiff(a.subarray(0, 256), proj) < 1e-6, "row 0 = projected IC");
  check(maxAbsDiff(proj, ic) > 0.01, "the projection removes modes above K");
  const throws = (f: () => unknown, type: ErrorConstructor, re: RegExp) => {
    try {
      f();
    } catch (e) {
      check(e instanceof type && re.test((e as Error).message), `wrong error: ${e}`);
      return;
    }
    throw new Error(`expected ${type.name} ${re}`);
  };
  throws(() => new Jet2D({ n: 24 }), RangeError, /power of two/);
  throws(() => new Jet2D({ n: 16, kf: 6 }), RangeError, /kf an integer in \[1, 5\]/);
  throws(() => new Jet2D({ n: 16, nu: -1 }), RangeError, /nu ≥ 0/);
  throws(() => s.trajectory(new Float64Array(10), 1, 0.1), TypeError, /256 values, found 10/);
  throws(() => s.step(re, im, 0), RangeError, /dt > 0/);
});

Deno.test({
  name: "jet2d: spin-up to a statistically steady jet state (slow)",
  ignore: SKIP_SLOW,
  fn() {
    // 64², ν = 10⁻² (the viscosity 64² resolves: see the tail check), μ = 0.1, k_f = 4, F₀ = 1,
    // from a small random perturbation of rest; E is averaged over windows of 10 time units
    const s = new Jet2D({ n: 64, nu: 1e-2, mu: 0.1, kf: 4, f0: 1 }), h = 0.01;
    const [re, im] = state(s, randomOmega(s, 8, 11, 0.05));
    const means: number[] = [];
    let acc = 0;
    for (let m = 1; m <= 8000; m++) {
      s.step(re, im, h);
      acc += s.energyHat(re, im);
      if (m % 1000 === 0) {
        means.push(acc / 1000);
        acc = 0;
      }
    }
    // zonal (x-averaged, k_x = 0) share of the energy: the jets u(y)
    const n = s.n, inv = s.grid.invK2;
    let zonal = 0, total = 0, zTail = 0, zAll = 0;
    for (let k = 0; k < n * n; k++) {
      const a = re[k] * re[k] + im[k] * im[k], e = a * inv[k];
      total += e;
      if (k % n === 0) zonal += e;
      // resolution: enstrophy share in the outer 20% of the kept band
      const kx = Math.abs(s.grid.kx[k]), ky = Math.abs(s.grid.ky[k]);
      zAll += a;
      if (Math.max(kx, ky) > 0.8 * s.grid.kCut) zTail += a;
    }
    note("enstrophy share with max(|k_x|, |k_y|) > 0.8K at t = 80", zTail / zAll);
    check(zTail / zAll < 1e-2, `under-resolved: tail share ${zTail / zAll}`);
    note("E window means", means);
    note("zonal share of E at t = 80", zonal / total);
    // levelled off: no trend between t = 10…40 and t = 50…80, and every window mean within a
    // factor 2 of the mean of all (the windows still differ by ±20%: slow jet/vortex cycles)
    const avg = (a: number[]) => a.reduce((x, y) => x + y, 0) / a.length;
    const all = avg(means.slice(1)), early = avg(means.slice(1, 4)), late = avg(means.slice(5));
    check(
      means.every(Number.isFinite) && Math.abs(late - early) < 0.3 * all &&
        means.slice(1).every((e) => e > all / 2 && e < 2 * all),
      `E not levelled off: ${means}`,
    );
  },
});

Deno.test({
  name: "jet2d: measure the cost of one ETDRK4 step at 256² (slow)",
  ignore: SKIP_SLOW,
  fn() {
    const s = new Jet2D({ n: 256 }), [re, im] = state(s, randomOmega(s, 8, 12, 1));
    s.step(re, im, 0.005); // coefficients and JIT warm-up
    const reps = 20, t0 = performance.now();
    for (let k = 0; k < reps; k++) s.step(re, im, 0.005);
    const ms = (performance.now() - t0) / reps;
    note("256² ETDRK4 step (ms)", Number(ms.toFixed(1)));
    check(Number.isFinite(ms), "timing");
  },
});

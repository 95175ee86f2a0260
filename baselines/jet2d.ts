/**
 * ONNX graphs of the `jet2d` baselines (state `[B, 1, N, N]` = ω, dynamic batch axis):
 *
 * - {@link coarseJet2dGraph}: a pseudo-spectral vorticity solver on a coarse grid, built from
 *   the MatMul DFTs of `spectral_graph.ts` (standard ops only, so it runs on wasm and webgpu).
 *   ω is truncated to the modes |k_x|, |k_y| ≤ M = ⌊n_c/3⌋ of an n_c² grid, advanced by
 *   `substeps` integrating-factor RK4 steps (IFRK4) of
 *
 *     ω̂_t = λω̂ + N(ω̂),  λ = −ν|κ|² − ν_h|κ|⁸ − μ,  N = −FFT[u ω_x + v ω_y] − iβκ_x ψ̂ + F̂,
 *     ψ̂ = −ω̂/|κ|²,  û = −iκ_y ψ̂,  v̂ = iκ_x ψ̂,
 *
 *   with the products formed on the n_c² grid (alias-free: M = ⌊n_c/3⌋) and, per sub-step h
 *   (E = e^{λh}, E₂ = e^{λh/2}),
 *
 *     a = N(ω̂),  b = N(E₂(ω̂ + ½h a)),  c = N(E₂ω̂ + ½h b),  d = N(Eω̂ + hE₂c),
 *     ω̂⁺ = Eω̂ + (h/6)(E a + 2E₂(b + c) + d),
 *
 *   then interpolated back spectrally to N². {@link coarseJet2dStep} is the same scheme in
 *   float64 TypeScript on `suites/common/spectral2d.ts` (its test oracle).
 * - {@link unetGraph}: an UNTRAINED UNet-shaped network (random fixed-seed weights) for
 *   throughput only.
 *
 * @example
 * ```ts
 * import { coarseJet2dGraph } from "./jet2d.ts";
 * const bytes = coarseJet2dGraph({
 *   n: 32, coarseN: 16, nu: 0.01, nuH: 0, mu: 0.1, beta: 0, kf: 1, f0: 1, dt: 0.1, substeps: 1,
 * });
 * if (bytes.length < 1000) throw new Error("graph");
 * ```
 * @module
 */
import { baselineSource, squarePeriodicGrid, suiteParam } from "./source.ts";
import { GraphBuilder } from "../harness/onnx/graph.ts";
import type { ModelSource } from "../harness/model/manifest.ts";
import type { Suite } from "../suites/common/types.ts";
import { SpectralGraph2D, type SpectralPair } from "../harness/onnx/spectral_graph.ts";
import { Spectral2D } from "../suites/common/spectral2d.ts";
import { resampleSpectrum } from "../suites/jet2d/spinup.ts";
import { Rng } from "../harness/core/rng.ts";

/** Options of {@link coarseJet2dGraph} and {@link coarseJet2dStep}. */
export interface CoarseJet2dOptions {
  /** Fine (state) grid points per side N. */
  readonly n: number;
  /** Coarse grid points per side n_c (< N); modes kept M = ⌊n_c/3⌋. */
  readonly coarseN: number;
  /** Box side (default 2π). */
  readonly length?: number;
  /** Viscosity ν. */
  readonly nu: number;
  /** Hyperviscosity ν_h of −ν_h∇⁸ω on the coarse grid. */
  readonly nuH: number;
  /** Linear drag μ. */
  readonly mu: number;
  /** β of −βv. */
  readonly beta: number;
  /** Forcing mode k_f: F = F₀κ_f cos(κ_f y). */
  readonly kf: number;
  /** Forcing amplitude F₀. */
  readonly f0: number;
  /** Model step Δt. */
  readonly dt: number;
  /** IFRK4 sub-steps per model step. */
  readonly substeps: number;
}

function check(o: CoarseJet2dOptions): number {
  const m = Math.floor(o.coarseN / 3);
  if (!(o.coarseN < o.n) || m < 1 || !Number.isInteger(o.coarseN) || !Number.isInteger(o.n)) {
    throw new RangeError(
      `Cannot build the coarse jet2d solver: expected integers 3 ≤ coarseN < n, found ` +
        `coarseN ${o.coarseN}, n ${o.n}`,
    );
  }
  if (!Number.isSafeInteger(o.substeps) || o.substeps < 1 || !(o.dt > 0)) {
    throw new RangeError(
      `Cannot build the coarse jet2d solver: expected dt > 0 and substeps ≥ 1, found ` +
        `${o.dt}, ${o.substeps}`,
    );
  }
  if (!Number.isInteger(o.kf) || o.kf < 1 || o.kf > m) {
    throw new RangeError(
      `Cannot build the coarse jet2d solver: expected kf in [1, ${m}], found ${o.kf}`,
    );
  }
  return m;
}

/**
 * The coarse pseudo-spectral jet2d solver as an ONNX graph `u` `[B, 1, N, N]` → `u_next` (see
 * module docs): input truncation (forward DFT on N² keeping M modes, scaled by (n_c/N)²),
 * `substeps` IFRK4 steps on the n_c² grid, output interpolation (scaled by (N/n_c)², inverse
 * DFT on N²). Float32 throughout.
 *
 * @example
 * ```ts
 * import { coarseJet2dGraph } from "./jet2d.ts";
 * const b = coarseJet2dGraph({
 *   n: 16, coarseN: 8, nu: 0, nuH: 0, mu: 0, beta: 0, kf: 1, f0: 0, dt: 0.1, substeps: 2,
 * });
 * if (b.length < 500) throw new Error("graph");
 * ```
 */
export function coarseJet2dGraph(o: CoarseJet2dOptions): Uint8Array {
  const m = check(o), length = o.length ?? 2 * Math.PI, nc = o.coarseN;
  const g = new GraphBuilder("coarse_jet2d");
  const fine = new SpectralGraph2D(g, { n: o.n, modes: m, length });
  const sp = new SpectralGraph2D(g, { n: nc, modes: m, length });
  const u = g.input("u", ["B", 1, o.n, o.n]);
  let w = sp.mulScalar(fine.forward(u), (nc / o.n) ** 2);

  const h = o.dt / o.substeps;
  const lam = (a: number, b: number) => {
    const k2 = a * a + b * b;
    return -o.nu * k2 - o.nuH * k2 * k2 * k2 * k2 - o.mu;
  };
  const eFull = sp.fromModes((a, b) => Math.exp(h * lam(a, b)));
  const eHalf = sp.fromModes((a, b) => Math.exp(0.5 * h * lam(a, b)));
  const invLap = sp.fromModes((a, b) => (a === 0 && b === 0 ? 0 : -1 / (a * a + b * b)));
  const kx = sp.fromModes((a) => a), ky = sp.fromModes((_a, b) => b);
  const negKy = sp.fromModes((_a, b) => -b), negBetaKx = sp.fromModes((a) => -o.beta * a);
  const kappaF = (2 * Math.PI * o.kf) / length, amp = 0.5 * nc * nc * o.f0 * kappaF;
  const forcing = sp.fromModes((_a, _b, px, py) => (px === 0 && Math.abs(py) === o.kf ? amp : 0));

  const nonlinear = (f: SpectralPair): SpectralPair => {
    const psi = sp.scale(f, invLap);
    const uu = sp.inverse(sp.scaleI(psi, negKy)); // u = −ψ_y
    const vv = sp.inverse(sp.scaleI(psi, kx)); // v = ψ_x
    const wx = sp.inverse(sp.scaleI(f, kx)), wy = sp.inverse(sp.scaleI(f, ky));
    const adv = g.op("Add", [g.op("Mul", [uu, wx]), g.op("Mul", [vv, wy])]);
    const j = sp.forward(adv);
    const b = sp.scaleI(psi, negBetaKx); // −iβκ_x ψ̂
    return {
      re: g.op("Add", [g.op("Sub", [b.re, j.re]), forcing]),
      im: g.op("Sub", [b.im, j.im]),
    };
  };
  for (let s = 0; s < o.substeps; s++) {
    const a = nonlinear(w);
    const b = nonlinear(sp.scale(sp.add(w, sp.mulScalar(a, 0.5 * h)), eHalf));
    const c = nonlinear(sp.add(sp.scale(w, eHalf), sp.mulScalar(b, 0.5 * h)));
    const d = nonlinear(sp.add(sp.scale(w, eFull), sp.mulScalar(sp.scale(c, eHalf), h)));
    const inc = sp.add(
      sp.add(sp.scale(a, eFull), sp.mulScalar(sp.scale(sp.add(b, c), eHalf), 2)),
      d,
    );
    w = sp.add(sp.scale(w, eFull), sp.mulScalar(inc, h / 6));
  }
  g.output(fine.inverse(sp.mulScalar(w, (o.n / nc) ** 2)), "u_next", ["B", 1, o.n, o.n]);
  return g.build();
}

/**
 * The scheme of {@link coarseJet2dGraph} in float64 on `Spectral2D` (full complex spectra,
 * dealiased Jacobian): one model step of one field `omega` (N² values) → N² values. The test
 * oracle of the graph (independent code path: radix-2 FFTs instead of MatMul tables).
 *
 * @example
 * ```ts
 * import { coarseJet2dStep } from "./jet2d.ts";
 * const o = { n: 16, coarseN: 8, nu: 0.1, nuH: 0, mu: 0, beta: 0, kf: 1, f0: 0, dt: 1, substeps: 4 };
 * const w = new Float64Array(256);
 * for (let j = 0; j < 16; j++) for (let i = 0; i < 16; i++) w[j * 16 + i] = Math.cos(2 * Math.PI * i / 16);
 * const y = coarseJet2dStep(w, o); // ω = cos x decays as e^{−ν t}
 * if (Math.abs(y[0] - Math.exp(-0.1)) > 1e-12) throw new Error(`${y[0]}`);
 * ```
 */
export function coarseJet2dStep(omega: ArrayLike<number>, o: CoarseJet2dOptions): Float64Array {
  check(o);
  const length = o.length ?? 2 * Math.PI, nc = o.coarseN, size = nc * nc;
  const fine = new Spectral2D(o.n, length), grid = new Spectral2D(nc, length);
  const fr = new Float64Array(o.n * o.n), fi = new Float64Array(o.n * o.n);
  fine.forward(omega, fr, fi);
  const { re, im } = resampleSpectrum(fr, fi, o.n, nc);
  grid.dealias(re, im);
  const h = o.dt / o.substeps, lam = new Float64Array(size), force = new Float64Array(size);
  for (let k = 0; k < size; k++) {
    const k2 = grid.k2[k];
    lam[k] = -o.nu * k2 - o.nuH * k2 ** 4 - o.mu;
  }
  const amp = 0.5 * size * o.f0 * ((2 * Math.PI * o.kf) / length);
  force[o.kf * nc] += amp;
  force[(nc - o.kf) * nc] += amp;
  const pr = new Float64Array(size), pi = new Float64Array(size);
  const N = (wr: Float64Array, wi: Float64Array): [Float64Array, Float64Array] => {
    const jr = new Float64Array(size), ji = new Float64Array(size);
    grid.invLaplacian(wr, wi, pr, pi);
    grid.jacobian(pr, pi, wr, wi, jr, ji);
    for (let k = 0; k < size; k++) {
      const b = o.beta * grid.kx[k];
      jr[k] = force[k] - jr[k] + b * pi[k];
      ji[k] = -ji[k] - b * pr[k];
    }
    return [jr, ji];
  };
  const e = lam.map((l) => Math.exp(h * l)), e2 = lam.map((l) => Math.exp(0.5 * h * l));
  const comb = (f: (k: number, x: 0 | 1) => number): [Float64Array, Float64Array] => [
    Float64Array.from({ length: size }, (_, k) => f(k, 0)),
    Float64Array.from({ length: size }, (_, k) => f(k, 1)),
  ];
  let w: [Float64Array, Float64Array] = [re, im];
  for (let s = 0; s < o.substeps; s++) {
    const a = N(...w);
    const b = N(...comb((k, x) => e2[k] * (w[x][k] + 0.5 * h * a[x][k])));
    const c = N(...comb((k, x) => e2[k] * w[x][k] + 0.5 * h * b[x][k]));
    const d = N(...comb((k, x) => e[k] * w[x][k] + h * e2[k] * c[x][k]));
    w = comb((k, x) =>
      e[k] * w[x][k] +
      (h / 6) * (e[k] * a[x][k] + 2 * e2[k] * (b[x][k] + c[x][k]) + d[x][k])
    );
  }
  const back = resampleSpectrum(w[0], w[1], nc, o.n), out = new Float64Array(o.n * o.n);
  fine.inverse(back.re, back.im, out);
  return out;
}

/** Options of {@link unetGraph}. */
export interface UnetOptions {
  /** Grid points per side (divisible by 2^levels). */
  readonly n: number;
  /** Channels at the first level (doubled per level down). */
  readonly width: number;
  /** Down/up levels. */
  readonly levels: number;
  /** Weight seed. */
  readonly seed: number;
}

/**
 * An UNTRAINED UNet-shaped network (throughput only; its predictions mean nothing): per level
 * down a 3×3 conv + ReLU and a 2×2 average pool, a 3×3 conv bottleneck, per level up a 2×2
 * stride-2 transposed conv, concatenation with the skip, a 3×3 conv + ReLU; a 1×1 conv to one
 * channel and the residual `u + 10⁻³ · net(u)`. Weights uniform ±√(6/fan_in) from
 * `new Rng(seed, 0)`, biases 0; zero padding.
 *
 * @example
 * ```ts
 * import { unetGraph } from "./jet2d.ts";
 * if (unetGraph({ n: 16, width: 4, levels: 2, seed: 1 }).length < 1000) throw new Error("graph");
 * ```
 */
export function unetGraph(o: UnetOptions): Uint8Array {
  if (o.n % 2 ** o.levels !== 0) {
    throw new RangeError(
      `Cannot build the UNet: n = ${o.n} is not divisible by 2^${o.levels} (levels)`,
    );
  }
  const rng = new Rng(o.seed, 0), g = new GraphBuilder("unet_untrained");
  const weights = (cout: number, cin: number, k: number) => {
    const s = Math.sqrt(6 / (cin * k * k));
    return g.floats(
      Array.from({ length: cout * cin * k * k }, () => (2 * rng.uniform() - 1) * s),
      [cout, cin, k, k],
    );
  };
  const conv = (x: string, cin: number, cout: number, k: number) =>
    g.op("Conv", [x, weights(cout, cin, k), g.floats(new Float32Array(cout), [cout])], {
      kernel_shape: [k, k],
      pads: k === 3 ? [1, 1, 1, 1] : [0, 0, 0, 0],
    });
  const u = g.input("u", ["B", 1, o.n, o.n]);
  let x = u, c = 1;
  const skips: [string, number][] = [];
  for (let l = 0; l < o.levels; l++) {
    const cout = o.width * 2 ** l;
    x = g.op("Relu", [conv(x, c, cout, 3)]);
    skips.push([x, cout]);
    x = g.op("AveragePool", [x], { kernel_shape: [2, 2], strides: [2, 2] });
    c = cout;
  }
  const cb = o.width * 2 ** o.levels;
  x = g.op("Relu", [conv(x, c, cb, 3)]);
  c = cb;
  for (let l = o.levels - 1; l >= 0; l--) {
    const [skip, cs] = skips[l];
    const s = Math.sqrt(6 / (c * 4));
    const wt = g.floats(
      Array.from({ length: c * cs * 4 }, () => (2 * rng.uniform() - 1) * s),
      [c, cs, 2, 2],
    );
    x = g.op("ConvTranspose", [x, wt], { kernel_shape: [2, 2], strides: [2, 2] });
    x = g.op("Concat", [x, skip], { axis: 1 });
    x = g.op("Relu", [conv(x, 2 * cs, cs, 3)]);
    c = cs;
  }
  const y = conv(x, c, 1, 1);
  g.output(g.op("Add", [u, g.op("Mul", [y, g.scalar(1e-3)])]), "u_next", ["B", 1, o.n, o.n]);
  return g.build();
}

/** Coarse grid of the `jet2d` coarse solver (modes |k| ≤ 21 of 256²). */
export const JET2D_COARSE_N = 64;

/**
 * IFRK4 sub-steps for a velocity bound: the RK4 stability interval on the imaginary axis is
 * 2√2 ≈ 2.83; require `h κ_max U ≤ 2.5` with κ_max = √2·M·2π/L, M = ⌊n_c/3⌋.
 *
 * @example
 * ```ts
 * import { coarseJet2dSubsteps } from "./jet2d.ts";
 * if (coarseJet2dSubsteps(64, 2 * Math.PI, 0.02, 12) !== 3) throw new Error("3 sub-steps");
 * ```
 */
export function coarseJet2dSubsteps(
  coarseN: number,
  length: number,
  dt: number,
  speed: number,
): number {
  const kMax = Math.SQRT2 * Math.floor(coarseN / 3) * ((2 * Math.PI) / length);
  return Math.max(1, Math.ceil((dt * kMax * speed) / 2.5));
}

/**
 * The `coarse_solver` baseline of `jet2d`: {@link coarseJet2dGraph} on 64² (M = 21) with the
 * suite's ν, μ, β, forcing and the hyperviscosity rescaled to the coarse cut-off,
 * ν_h,c = ν_h (K/M)⁸ (K = ⌊N/3⌋), as in the suite's spin-up; sub-steps for |u| ≤ 12 (the
 * reference reaches ≈ 10). `nc` (default {@link JET2D_COARSE_N}) and the model `id` (default
 * `coarse_solver`) are parameters for the solver ladder (`ladder.ts`).
 *
 * @example
 * ```ts ignore
 * import { jet2dCoarseSolver } from "./jet2d.ts";
 * import { jet2d } from "../suites/jet2d/suite.ts";
 * const m = jet2dCoarseSolver(jet2d); // manifest + graph bytes
 * ```
 */
export function jet2dCoarseSolver(
  suite: Suite,
  nc: number = JET2D_COARSE_N,
  id = "coarse_solver",
): ModelSource {
  const { n, length } = squarePeriodicGrid(suite, "jet2d baselines");
  const m = Math.floor(nc / 3), nuH = suiteParam(suite, "nuH") * (Math.floor(n / 3) / m) ** 8;
  const substeps = coarseJet2dSubsteps(nc, length, suite.dt, 12);
  const bytes = coarseJet2dGraph({
    n,
    coarseN: nc,
    length,
    nu: suiteParam(suite, "nu"),
    nuH,
    mu: suiteParam(suite, "mu"),
    beta: suiteParam(suite, "beta"),
    kf: suiteParam(suite, "kf"),
    f0: suiteParam(suite, "f0"),
    dt: suite.dt,
    substeps,
  });
  return baselineSource(
    id,
    suite,
    { step: bytes },
    `Pseudo-spectral vorticity solver on ${nc}² (modes |k| ≤ ${m}, 2/3-rule dealiased), ` +
      `${substeps} IFRK4 sub-steps per model step, hyperviscosity ${nuH.toExponential(2)} ` +
      `(rescaled to the coarse cut-off); spectral truncation in, spectral interpolation out; ` +
      `2D DFTs as MatMuls (runs on wasm and webgpu).`,
  );
}

/**
 * The `unet_untrained` baseline: {@link unetGraph} with width 16, 3 levels, seed 7. UNTRAINED
 * (random weights): throughput only, its scores mean nothing.
 *
 * @example
 * ```ts ignore
 * import { jet2dUnet } from "./jet2d.ts";
 * import { jet2d } from "../suites/jet2d/suite.ts";
 * const m = jet2dUnet(jet2d);
 * ```
 */
export function jet2dUnet(suite: Suite): ModelSource {
  const { n } = squarePeriodicGrid(suite, "jet2d baselines");
  return baselineSource(
    "unet_untrained",
    suite,
    { step: unetGraph({ n, width: 16, levels: 3, seed: 7 }) },
    "UNTRAINED UNet-shaped network (3 levels, 16–128 channels, random weights): throughput " +
      "only; its scores mean nothing.",
  );
}

/**
 * Baselines of the `hasegawa_wakatani` suite, built as ONNX graphs in TypeScript:
 *
 * - **coarse solver** ({@link hwCoarseSolverGraph}): the same equations (Hasegawa–Wakatani with
 *   coupling c₁(φ − n) on every mode but the mean, −κ∂ᵧφ drive, ν_c(−∇²)³ hyperdiffusion),
 *   pseudo-spectral on an `nc`² grid (default 64²) with the 2/3-rule band M = ⌊nc/3⌋, classical
 *   RK4 sub-steps of h, entirely as MatMul/Mul/Add graph ops (`spectral_graph.ts`). In: the
 *   128² fields are truncated to |k_x|, |k_y| ≤ M (a spectral restriction); out: the band-limited
 *   result is evaluated on the 128² grid (trigonometric interpolation). ν_c = ν·(n/nc)⁶ keeps the
 *   damping rate of the grid scale equal to the fine grid's (the coarse grid's cut-off is where
 *   its energy must drain). The float64 TypeScript evaluation of the same scheme is
 *   {@link hwCoarseSolverFloat64} (the validated `suites/hasegawa_wakatani/solver.ts` at nc²).
 * - **heap_untrained** ({@link heapUntrainedGraphs}): a HEAP-shaped latent model (hierarchical
 *   encoder to 3 embedding layers of 8 channels at 64², 32², 16²; a predictor that advances all
 *   layers together with lateral 3×3 convolutions and vertical down/up couplings; a hierarchical
 *   decoder) with random fixed-seed weights. UNTRAINED: it exists to measure throughput of the
 *   `{encode, step, decode}` form; its scores mean nothing.
 *
 * @example
 * ```ts
 * import { hwCoarseSolverGraph } from "./hasegawa_wakatani.ts";
 * const bytes = hwCoarseSolverGraph({ n: 16, nc: 8, length: 41.9, c1: 1, kappa: 1, nu: 1e-4,
 *   hyperOrder: 3, dt: 0.1, substeps: 2 });
 * if (bytes.length < 1000) throw new Error("graph");
 * ```
 * @module
 */

import { baselineSource, squarePeriodicGrid } from "./source.ts";
import { GraphBuilder } from "../harness/onnx/graph.ts";
import type { ModelSource } from "../harness/model/manifest.ts";
import { ValueRangeError } from "../harness/core/errors.ts";
import type { Suite } from "../suites/common/types.ts";
import { SpectralGraph2D, type SpectralPair } from "../harness/onnx/spectral_graph.ts";
import { Rng } from "../harness/core/rng.ts";
import { HasegawaWakatani } from "../suites/hasegawa_wakatani/solver.ts";
import { upsampleState } from "../suites/hasegawa_wakatani/spinup.ts";

/** Options of the coarse spectral HW solver. */
export interface HWCoarseOptions {
  /** Fine (suite) grid points per side. */
  readonly n: number;
  /** Coarse grid points per side (n divisible by nc). */
  readonly nc: number;
  /** Box side L = 2π/k₀. */
  readonly length: number;
  readonly c1: number;
  readonly kappa: number;
  /** The suite's (fine-grid) ν; the coarse grid uses ν·(n/nc)^(2N). */
  readonly nu: number;
  /** Hyperdiffusion order N. */
  readonly hyperOrder: number;
  /** Physical time per model step. */
  readonly dt: number;
  /** RK4 sub-steps per model step. */
  readonly substeps: number;
}

/** ν on the coarse grid: ν·(n/nc)^(2N), the same damping rate at the grid scale. */
export function coarseNu(o: HWCoarseOptions): number {
  return o.nu * Math.pow(o.n / o.nc, 2 * o.hyperOrder);
}

/**
 * The coarse solver as one step graph `state [B, 2, n, n] → state_next [B, 2, n, n]` (module
 * docs). RHS on the half-plane spectra (n̂, Ω̂), φ̂ = −Ω̂/|κ|²:
 *
 *   dn̂/dt = −F[φ_x n_y − φ_y n_x] + c₁(φ̂ − n̂) − iκκ_y φ̂ − ν_c|κ|^{2N} n̂,
 *   dΩ̂/dt = −F[φ_x Ω_y − φ_y Ω_x] + c₁(φ̂ − n̂) − ν_c|κ|^{2N} Ω̂,
 *
 * with the products on the nc² grid and F the truncated forward DFT (the 2/3 rule), the mean
 * mode held at 0.
 */
export function hwCoarseSolverGraph(o: HWCoarseOptions): Uint8Array {
  const { n, nc } = o;
  if (!Number.isInteger(n / nc) || nc < 8) {
    throw new RangeError(
      `Cannot build the coarse HW graph: expected nc ≥ 8 dividing n, found n = ${n}, nc = ${nc}`,
    );
  }
  if (!Number.isInteger(o.substeps) || o.substeps < 1) {
    throw new RangeError(`Cannot build the coarse HW graph: substeps ${o.substeps} < 1`);
  }
  const g = new GraphBuilder("hw_coarse_solver");
  const M = Math.floor(nc / 3);
  const fine = new SpectralGraph2D(g, { n, modes: M, length: o.length });
  const sp = new SpectralGraph2D(g, { n: nc, modes: M, length: o.length });
  const nuC = coarseNu(o), N = o.hyperOrder;
  const isMean = (a: number, b: number) => a === 0 && b === 0;
  const invLap = sp.fromModes((a, b) => (isMean(a, b) ? 0 : -1 / (a * a + b * b)));
  const lap = sp.fromModes((a, b) => -(a * a + b * b));
  const keep = sp.fromModes((a, b) => (isMean(a, b) ? 0 : 1));
  const coupling = sp.fromModes((a, b) => (isMean(a, b) ? 0 : o.c1));
  const hyper = sp.fromModes((a, b) => nuC * Math.pow(a * a + b * b, N));
  const drive = sp.fromModes((_a, b) => -o.kappa * b);

  const state = g.input("state", ["B", 2, n, n]);
  const channel = (c: number) => g.op("Slice", [state, g.ints([c]), g.ints([c + 1]), g.ints([1])]);
  const down = (n / nc) ** -2;
  const n0 = sp.scale(fine.mulScalar(fine.forward(channel(0)), down), keep);
  const w0 = sp.scale(fine.mulScalar(fine.forward(channel(1)), down), lap);

  const bracket = (phi: SpectralPair, f: SpectralPair): SpectralPair => {
    const px = sp.inverse(sp.dx(phi)), py = sp.inverse(sp.dy(phi));
    const fx = sp.inverse(sp.dx(f)), fy = sp.inverse(sp.dy(f));
    return sp.forward(g.op("Sub", [g.op("Mul", [px, fy]), g.op("Mul", [py, fx])]));
  };
  const rhs = (nh: SpectralPair, wh: SpectralPair): [SpectralPair, SpectralPair] => {
    const phi = sp.scale(wh, invLap);
    const c = sp.scale(sp.sub(phi, nh), coupling);
    const dn = sp.sub(
      sp.add(c, sp.scaleI(phi, drive)),
      sp.add(bracket(phi, nh), sp.scale(nh, hyper)),
    );
    const dw = sp.sub(c, sp.add(bracket(phi, wh), sp.scale(wh, hyper)));
    return [sp.scale(dn, keep), sp.scale(dw, keep)];
  };
  const h = o.dt / o.substeps;
  let y: [SpectralPair, SpectralPair] = [n0, w0];
  for (let s = 0; s < o.substeps; s++) {
    const k1 = rhs(...y);
    const k2 = rhs(
      sp.add(y[0], sp.mulScalar(k1[0], h / 2)),
      sp.add(y[1], sp.mulScalar(k1[1], h / 2)),
    );
    const k3 = rhs(
      sp.add(y[0], sp.mulScalar(k2[0], h / 2)),
      sp.add(y[1], sp.mulScalar(k2[1], h / 2)),
    );
    const k4 = rhs(sp.add(y[0], sp.mulScalar(k3[0], h)), sp.add(y[1], sp.mulScalar(k3[1], h)));
    y = [0, 1].map((f) => {
      const sum = sp.add(sp.add(k1[f], k4[f]), sp.mulScalar(sp.add(k2[f], k3[f]), 2));
      return sp.add(y[f], sp.mulScalar(sum, h / 6));
    }) as [SpectralPair, SpectralPair];
  }
  const up = (n / nc) ** 2;
  const nOut = fine.inverse(sp.mulScalar(y[0], up));
  const pOut = fine.inverse(sp.mulScalar(sp.scale(y[1], invLap), up));
  g.output(g.op("Concat", [nOut, pOut], { axis: 1 }), "state_next", ["B", 2, n, n]);
  return g.build();
}

/**
 * Float64 evaluation of the same scheme for one state `[2, n, n]`: restrict to |k| ≤ M on the
 * nc² grid, `substeps` RK4 steps of `suites/hasegawa_wakatani/solver.ts` (unmodified coupling,
 * ν_c), zero-pad back to n².
 *
 * @example
 * ```ts
 * import { hwCoarseSolverFloat64 } from "./hasegawa_wakatani.ts";
 * const o = { n: 16, nc: 8, length: 41.9, c1: 1, kappa: 1, nu: 1e-4, hyperOrder: 3, dt: 0.1,
 *   substeps: 2 };
 * if (hwCoarseSolverFloat64(new Float64Array(512), o).some((v) => v !== 0)) throw new Error("rest");
 * ```
 */
export function hwCoarseSolverFloat64(
  state: Float32Array | Float64Array,
  o: HWCoarseOptions,
): Float64Array {
  const { n, nc } = o, size = n * n;
  const phys = { c1: o.c1, kappa: o.kappa, k0: (2 * Math.PI) / o.length, modified: false };
  const fineHw = new HasegawaWakatani({ ...phys, n, nu: o.nu, hyperOrder: o.hyperOrder });
  const coarse = new HasegawaWakatani({
    ...phys,
    n: nc,
    nu: coarseNu(o),
    hyperOrder: o.hyperOrder,
  });
  const f = fineHw.fromPhysical(state.subarray(0, size), state.subarray(size, 2 * size));
  // restriction: fine mode (k_x, k_y), |k| ≤ M, → coarse bin, scaled by (nc/n)²
  const s = coarse.createState(), M = coarse.grid.kCut, sc = (nc / n) ** 2;
  for (let ky = -M; ky <= M; ky++) {
    for (let kx = -M; kx <= M; kx++) {
      const src = ((ky + n) % n) * n + ((kx + n) % n),
        dst = ((ky + nc) % nc) * nc + ((kx + nc) % nc);
      s.nRe[dst] = sc * f.nRe[src];
      s.nIm[dst] = sc * f.nIm[src];
      s.omegaRe[dst] = sc * f.omegaRe[src];
      s.omegaIm[dst] = sc * f.omegaIm[src];
    }
  }
  for (let i = 0; i < o.substeps; i++) coarse.step(s, o.dt / o.substeps);
  const out = fineHw.toPhysical(upsampleState(coarse, s, fineHw));
  const r = new Float64Array(2 * size);
  r.set(out.density);
  r.set(out.phi, size);
  return r;
}

/** Layer sizes of the HEAP-shaped network: 3 embedding layers of 8 channels. */
export const HEAP_SHAPE = { layers: 3, channels: 8 } as const;

/**
 * HEAP-shaped UNTRAINED latent model for a `[B, C, n, n]` state (random weights from `seed`):
 *
 * - encode: e₁ = relu(conv₄ₓ₄,s2(u)), e₂ = relu(conv₄ₓ₄,s2(e₁)), e₃ = relu(conv₄ₓ₄,s2(e₂))
 *   (8 channels at n/2, n/4, n/8), flattened and concatenated into one latent `[B, D]`;
 * - step: each layer e_l ← e_l + ε·tanh(lateral₃ₓ₃(e_l) + down(e_{l−1}) + up(e_{l+1})), all
 *   layers in sync (down = 4×4 stride-2 conv, up = 4×4 stride-2 transposed conv);
 * - decode: d₃ = e₃; d_l = relu(convT(d_{l+1})) + e_l; u = convT(d₁) (C channels at n).
 *
 * @example
 * ```ts
 * import { heapUntrainedGraphs } from "./hasegawa_wakatani.ts";
 * const g = heapUntrainedGraphs({ n: 16, channels: 2, seed: 1 });
 * if (!(g.encode.length > 0 && g.step.length > 0 && g.decode.length > 0)) throw new Error("graphs");
 * ```
 */
export function heapUntrainedGraphs(
  o: { n: number; channels: number; seed: number },
): { encode: Uint8Array; step: Uint8Array; decode: Uint8Array } {
  const { n, channels: C, seed } = o, E = HEAP_SHAPE.channels, L = HEAP_SHAPE.layers;
  if (!Number.isInteger(n / 2 ** L) || n / 2 ** L < 2) {
    throw new RangeError(`Cannot build heap_untrained: n = ${n} must be divisible by ${2 ** L}`);
  }
  const rng = new Rng(seed, 0);
  const sizes = Array.from({ length: L }, (_, l) => n / 2 ** (l + 1));
  const lengths = sizes.map((s) => E * s * s);
  const D = lengths.reduce((a, b) => a + b, 0);
  const weights = (g: GraphBuilder, cout: number, cin: number, k: number, transposed = false) => {
    const scale = Math.sqrt(2 / (cin * k * k));
    const w = Float64Array.from(
      { length: cout * cin * k * k },
      () => (rng.uniform() * 2 - 1) * scale,
    );
    return g.floats(w, transposed ? [cin, cout, k, k] : [cout, cin, k, k]);
  };
  const conv = (g: GraphBuilder, x: string, cout: number, cin: number, k: number, stride: number) =>
    g.op("Conv", [x, weights(g, cout, cin, k)], {
      strides: [stride, stride],
      pads: stride === 1 ? [1, 1, 1, 1] : [1, 1, 1, 1],
      kernel_shape: [k, k],
    });
  const convT = (g: GraphBuilder, x: string, cout: number, cin: number) =>
    g.op("ConvTranspose", [x, weights(g, cout, cin, 4, true)], {
      strides: [2, 2],
      pads: [1, 1, 1, 1],
      kernel_shape: [4, 4],
    });
  const pack = (g: GraphBuilder, layers: string[]) =>
    g.op("Concat", layers.map((e) => g.op("Flatten", [e], { axis: 1 })), { axis: 1 });
  const unpack = (g: GraphBuilder, z: string) => {
    let off = 0;
    return sizes.map((s, l) => {
      const part = g.op("Slice", [z, g.ints([off]), g.ints([off + lengths[l]]), g.ints([1])]);
      off += lengths[l];
      return g.op("Reshape", [part, g.ints([0, E, s, s])]);
    });
  };

  const enc = new GraphBuilder("heap_untrained_encode");
  const u = enc.input("state", ["B", C, n, n]);
  const layers: string[] = [];
  let x = u, cin = C;
  for (let l = 0; l < L; l++) {
    x = enc.op("Relu", [conv(enc, x, E, cin, 4, 2)]);
    layers.push(x);
    cin = E;
  }
  enc.output(pack(enc, layers), "z", ["B", D]);

  const st = new GraphBuilder("heap_untrained_step");
  const z = st.input("z", ["B", D]);
  const e = unpack(st, z);
  const next = e.map((el, l) => {
    let s = conv(st, el, E, E, 3, 1);
    if (l > 0) s = st.op("Add", [s, conv(st, e[l - 1], E, E, 4, 2)]);
    if (l < L - 1) s = st.op("Add", [s, convT(st, e[l + 1], E, E)]);
    return st.op("Add", [el, st.op("Mul", [st.op("Tanh", [s]), st.scalar(1e-2)])]);
  });
  st.output(pack(st, next), "z_next", ["B", D]);

  const dec = new GraphBuilder("heap_untrained_decode");
  const zd = dec.input("z", ["B", D]);
  const ed = unpack(dec, zd);
  let d = ed[L - 1];
  for (let l = L - 2; l >= 0; l--) {
    d = dec.op("Add", [dec.op("Relu", [convT(dec, d, E, E)]), ed[l]]);
  }
  dec.output(convT(dec, d, C, E), "state_next", ["B", C, n, n]);
  return { encode: enc.build(), step: st.build(), decode: dec.build() };
}

/** Coarse grid of the `coarse_solver` baseline on `hasegawa_wakatani`. */
export const HW_COARSE_N = 64;

function hwParams(suite: Suite): Record<"c1" | "kappa" | "nu" | "hyperOrder" | "h", number> {
  const p = suite.params ?? {}, out: Record<string, number> = {};
  for (const k of ["c1", "kappa", "nu", "hyperOrder", "h"]) {
    if (typeof p[k] !== "number") {
      throw new ValueRangeError({
        field: `suite ${suite.id} params.${k}`,
        expected: "a number (needed by the HW baselines)",
        found: String(p[k]),
      });
    }
    out[k] = p[k];
  }
  return out as Record<"c1" | "kappa" | "nu" | "hyperOrder" | "h", number>;
}

/**
 * The `coarse_solver` baseline for `hasegawa_wakatani`: {@link hwCoarseSolverGraph} on
 * `nc`² (default {@link HW_COARSE_N}²) with the suite's physics and RK4 step h; `id` names the
 * model (`baseline:ID`, default `coarse_solver`; the solver ladder, `ladder.ts`, builds other
 * `nc`). At `nc` = the suite's n it is the reference scheme itself, in float32.
 *
 * @example
 * ```ts
 * import { hwCoarseSolverBaseline } from "./hasegawa_wakatani.ts";
 * import { getSuite } from "../suites/mod.ts";
 * const m = hwCoarseSolverBaseline(getSuite("hasegawa_wakatani"));
 * if (m.manifest.graphs.step !== "coarse_solver.onnx") throw new Error("step graph");
 * ```
 */
export function hwCoarseSolverBaseline(
  suite: Suite,
  nc: number = HW_COARSE_N,
  id = "coarse_solver",
): ModelSource {
  const p = hwParams(suite), { n, length } = squarePeriodicGrid(suite, "HW baselines");
  const substeps = Math.round(suite.dt / p.h);
  const bytes = hwCoarseSolverGraph({
    n,
    nc,
    length,
    c1: p.c1,
    kappa: p.kappa,
    nu: p.nu,
    hyperOrder: p.hyperOrder,
    dt: suite.dt,
    substeps,
  });
  return baselineSource(
    id,
    suite,
    { step: bytes },
    `The suite's HW equations pseudo-spectral on ${nc}² (2/3 band |k| ≤ ${
      Math.floor(nc / 3)
    }), ν scaled by (${n}/${nc})⁶, ${substeps} RK4 sub-steps per model step; ` +
      `spectral restriction in, trigonometric interpolation back (DFT as MatMul).`,
  );
}

/**
 * The `heap_untrained` baseline: {@link heapUntrainedGraphs} for the suite's grid and fields,
 * seed 7. UNTRAINED (throughput only).
 *
 * @example
 * ```ts
 * import { heapUntrainedBaseline } from "./hasegawa_wakatani.ts";
 * import { getSuite } from "../suites/mod.ts";
 * const m = heapUntrainedBaseline(getSuite("hasegawa_wakatani"));
 * if (!m.graphs.encode || !m.graphs.decode) throw new Error("latent form");
 * ```
 */
export function heapUntrainedBaseline(suite: Suite): ModelSource {
  const { n } = squarePeriodicGrid(suite, "HW baselines");
  const g = heapUntrainedGraphs({ n, channels: suite.fields.length, seed: 7 });
  return baselineSource(
    "heap_untrained",
    suite,
    { encode: g.encode, step: g.step, decode: g.decode },
    "UNTRAINED HEAP-shaped latent model (3 embedding layers × 8 channels, random weights): " +
      "throughput of the {encode, step, decode} form only; its scores mean nothing.",
  );
}

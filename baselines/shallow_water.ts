/**
 * ONNX graphs of the `shallow_water2d` baselines and of multistep (history > 1) models: every
 * graph maps the suite's state `[B, 3, H, W]` = (h, u, v) (or a window `[B, k, 3, H, W]` of the
 * last k states, oldest first) to the next state `[B, 3, H, W]` with a dynamic batch axis,
 * exactly as a submitted model would.
 *
 * - {@link linearMultistepGraph}: `u_{n+1} = Σ_j w_j u_{n−k+1+j}`, a fixed linear combination of
 *   the window: linear extrapolation `2u_n − u_{n−1}` (history 2) or the AB2-like
 *   `u_n + (3/2)(u_n − u_{n−1}) − (1/2)(u_{n−1} − u_{n−2})` (history 3).
 * - {@link coarseShallowWaterGraph}: a first-order Rusanov finite-volume solver on a grid
 *   `factor` times coarser, with its CFL sub-steps unrolled into the graph.
 *
 * @example
 * ```ts
 * import { AB2_WEIGHTS, linearMultistepGraph } from "./shallow_water.ts";
 * const bytes = linearMultistepGraph({ channels: 3, shape: [8, 8], weights: AB2_WEIGHTS });
 * if (bytes.length < 50) throw new Error("empty model");
 * ```
 * @module
 */
import { GraphBuilder } from "../harness/onnx/graph.ts";

/** Weights of linear extrapolation `u_{n+1} = 2u_n − u_{n−1}` over a window (oldest first). */
export const LINEAR_EXTRAPOLATION_WEIGHTS: readonly number[] = [-1, 2];

/**
 * Weights of the AB2-like step `u_{n+1} = u_n + (3/2)(u_n − u_{n−1}) − (1/2)(u_{n−1} − u_{n−2})
 * = (5/2)u_n − 2u_{n−1} + (1/2)u_{n−2}` over a window (oldest first): Adams–Bashforth 2 with
 * the time derivative replaced by backward differences. Exact for states linear in time; on
 * u(t) = a + bt + ct² it misses u(n+1) by c (linear extrapolation by 2c).
 */
export const AB2_WEIGHTS: readonly number[] = [0.5, -2, 2.5];

/** Options of {@link linearMultistepGraph}. */
export interface LinearMultistepOptions {
  /** Channels C. */
  readonly channels: number;
  /** Grid shape, e.g. `[128, 128]`. */
  readonly shape: readonly number[];
  /** One weight per window state, oldest first; the history is `weights.length ≥ 2`. */
  readonly weights: readonly number[];
  /** Graph name (default `linear_multistep`). */
  readonly name?: string;
}

/**
 * A history-k model `u_{n+1} = Σ_{j<k} w_j · x[:, j]` with input `u` `[B, k, C, ...shape]`
 * (oldest first, the manifest's `history: k`) and output `u_next` `[B, C, ...shape]`: one Mul
 * by a `[1, k, 1, …]` weight tensor and a ReduceSum over the window axis (float32).
 *
 * @example
 * ```ts
 * import { linearMultistepGraph } from "./shallow_water.ts";
 * const g = linearMultistepGraph({ channels: 1, shape: [4], weights: [-1, 2], name: "lin" });
 * if (g.length < 50) throw new Error("empty model");
 * ```
 */
export function linearMultistepGraph(options: LinearMultistepOptions): Uint8Array {
  const { channels, shape, weights } = options;
  const k = weights.length;
  if (k < 2 || !weights.every(Number.isFinite)) {
    throw new RangeError(
      `Cannot build a linear multistep graph: expected ≥ 2 finite weights, found [${weights}]`,
    );
  }
  const g = new GraphBuilder(options.name ?? "linear_multistep");
  const state = ["B", channels, ...shape];
  const x = g.input("u", ["B", k, channels, ...shape]);
  const w = g.floats(weights, [1, k, 1, ...shape.map(() => 1)]);
  const y = g.op("ReduceSum", [g.op("Mul", [x, w]), g.ints([1])], { keepdims: 0 });
  g.output(y, "u_next", state);
  return g.build();
}

/** Options of {@link coarseShallowWaterGraph}. */
export interface CoarseShallowWaterOptions {
  /** Fine grid rows H and columns W (multiples of `factor`). */
  readonly ny: number;
  readonly nx: number;
  /** Coarsening factor per direction (2: 128² → 64²). */
  readonly factor: number;
  /** Box lengths (periodic box). */
  readonly ly: number;
  readonly lx: number;
  /** Gravity g. */
  readonly g: number;
  /** Model time step Δt. */
  readonly dt: number;
  /** Forward-Euler sub-steps per model step (see {@link coarseSubsteps}). */
  readonly substeps: number;
}

/**
 * Sub-steps m for the coarse solver: the smallest m with `(Δt/m)·a·(1/Δx + 1/Δy) ≤ cfl` on the
 * coarse grid, for a bound `a` on the wave speed |u| + √(gh) (the unsplit forward-Euler
 * Rusanov scheme is positive and stable for `τ(aₓ/Δx + a_y/Δy) ≤ 1`).
 *
 * @example
 * ```ts
 * import { coarseSubsteps } from "./shallow_water.ts";
 * // 64² cells on the unit box, Δt = 0.02, a ≤ 2.5, cfl 0.45: ⌈0.02·2.5·128/0.45⌉ = 15
 * if (coarseSubsteps({ cells: [64, 64], lengths: [1, 1], dt: 0.02, speed: 2.5, cfl: 0.45 }) !== 15) {
 *   throw new Error("15 sub-steps");
 * }
 * ```
 */
export function coarseSubsteps(o: {
  cells: readonly [number, number];
  lengths: readonly [number, number];
  dt: number;
  speed: number;
  cfl: number;
}): number {
  const rate = o.speed * (o.cells[0] / o.lengths[0] + o.cells[1] / o.lengths[1]);
  return Math.max(1, Math.ceil((o.dt * rate) / o.cfl - 1e-12));
}

/** `x` rolled by `shift` (±1) along `axis`: `y[i] = x[i − shift]` (periodic). */
function roll(g: GraphBuilder, x: string, shift: 1 | -1, axis: number, n: number): string {
  const ax = g.ints([axis]);
  const cut = shift === 1 ? n - 1 : 1;
  const head = g.op("Slice", [x, g.ints([cut]), g.ints([n]), ax]);
  const tail = g.op("Slice", [x, g.ints([0]), g.ints([cut]), ax]);
  return g.op("Concat", [head, tail], { axis });
}

function channel(g: GraphBuilder, x: string, c: number): string {
  return g.op("Slice", [x, g.ints([c]), g.ints([c + 1]), g.ints([1])]);
}

/**
 * Periodic linear interpolation of cell averages `[B, C, ny, nx]` by `factor` along `axis`
 * (2 = y, 3 = x): fine cell r of coarse cell i sits at offset `o = (r + ½)/factor − ½` coarse
 * cells from its centre and gets `(1 − |o|)c_i + |o|·c_{i±1}` (the neighbour on o's side). The
 * mean is preserved exactly.
 */
function upsampleAxis(
  g: GraphBuilder,
  c: string,
  dims: readonly [number, number, number],
  factor: number,
  axis: 2 | 3,
): string {
  const [C, ny, nx] = dims, n = axis === 2 ? ny : nx;
  const prev = roll(g, c, 1, axis, n), next = roll(g, c, -1, axis, n);
  const parts: string[] = [];
  for (let r = 0; r < factor; r++) {
    const o = (r + 0.5) / factor - 0.5;
    const fine = o === 0 ? c : g.op("Add", [
      g.op("Mul", [c, g.scalar(1 - Math.abs(o))]),
      g.op("Mul", [o < 0 ? prev : next, g.scalar(Math.abs(o))]),
    ]);
    parts.push(g.op("Unsqueeze", [fine, g.ints([axis + 1])]));
  }
  const stacked = g.op("Concat", parts, { axis: axis + 1 });
  const shape = axis === 2 ? [0, C, ny * factor, nx] : [0, C, ny, nx * factor];
  return g.op("Reshape", [stacked, g.ints(shape)]);
}

/**
 * Coarse shallow-water solver as one ONNX graph, state (h, u, v) `[B, 3, ny, nx]` in and out,
 * periodic box:
 *
 * 1. conservative variables U = (h, hu, hv), averaged over `factor × factor` blocks (mass-exact);
 * 2. `substeps` forward-Euler steps of size τ = Δt/m of the first-order Rusanov scheme
 *    `U ← U − (τ/Δx)(F_{i+½} − F_{i−½}) − (τ/Δy)(G_{j+½} − G_{j−½})`,
 *    `F_{i+½} = ½(F(U_i) + F(U_{i+1})) − ½ max(a_i, a_{i+1})(U_{i+1} − U_i)`, with
 *    `F = (hu, hu² + ½gh², huv)`, `G = (hv, huv, hv² + ½gh²)`, `a = |u| + √(gh)` (x) or
 *    `|v| + √(gh)` (y);
 * 3. primitive variables u = hu/h, v = hv/h, interpolated back to the fine grid linearly (see
 *    the mean-preserving upsampling above).
 *
 * Mass is conserved to float32 rounding; a lake at rest stays at rest. The re-averaging of the
 * interpolated field at the next call smooths each step by the filter `[⅛, ¾, ⅛]` per direction
 * (factor 2), which with the first-order flux makes this baseline strongly dissipative.
 *
 * @example
 * ```ts
 * import { coarseShallowWaterGraph } from "./shallow_water.ts";
 * const bytes = coarseShallowWaterGraph({
 *   ny: 8, nx: 8, factor: 2, ly: 1, lx: 1, g: 1, dt: 0.01, substeps: 2,
 * });
 * if (bytes.length < 100) throw new Error("empty model");
 * ```
 */
export function coarseShallowWaterGraph(o: CoarseShallowWaterOptions): Uint8Array {
  const { ny, nx, factor, g: gravity, dt, substeps } = o;
  if (!Number.isInteger(factor) || factor < 1 || ny % factor !== 0 || nx % factor !== 0) {
    throw new RangeError(
      `Cannot build the coarse shallow-water solver: expected a factor dividing ${ny} and ${nx}, ` +
        `found ${factor}`,
    );
  }
  if (!Number.isInteger(substeps) || substeps < 1) {
    throw new RangeError(
      `Cannot build the coarse shallow-water solver: expected substeps ≥ 1, found ${substeps}`,
    );
  }
  const cy = ny / factor, cx = nx / factor;
  const tau = dt / substeps, rx = tau / (o.lx / cx), ry = tau / (o.ly / cy);
  const g = new GraphBuilder("coarse_shallow_water");
  const input = g.input("u", ["B", 3, ny, nx]);
  const h0 = channel(g, input, 0);
  const fineU = g.op("Concat", [
    h0,
    g.op("Mul", [h0, channel(g, input, 1)]),
    g.op("Mul", [h0, channel(g, input, 2)]),
  ], { axis: 1 });
  let U = factor === 1
    ? fineU
    : g.op("AveragePool", [fineU], { kernel_shape: [factor, factor], strides: [factor, factor] });
  const half = g.scalar(0.5), halfG = g.scalar(0.5 * gravity), grav = g.scalar(gravity);
  for (let s = 0; s < substeps; s++) {
    const h = channel(g, U, 0), m = channel(g, U, 1), q = channel(g, U, 2);
    const u = g.op("Div", [m, h]), v = g.op("Div", [q, h]);
    const c = g.op("Sqrt", [g.op("Mul", [grav, h])]);
    const pressure = g.op("Mul", [halfG, g.op("Mul", [h, h])]);
    const F = g.op("Concat", [
      m,
      g.op("Add", [g.op("Mul", [m, u]), pressure]),
      g.op("Mul", [m, v]),
    ], { axis: 1 });
    const G = g.op("Concat", [
      q,
      g.op("Mul", [q, u]),
      g.op("Add", [g.op("Mul", [q, v]), pressure]),
    ], { axis: 1 });
    const ax = g.op("Add", [g.op("Abs", [u]), c]), ay = g.op("Add", [g.op("Abs", [v]), c]);
    const divergence = (flux: string, speed: string, axis: 2 | 3, n: number) => {
      const fR = roll(g, flux, -1, axis, n), uR = roll(g, U, -1, axis, n);
      const a = g.op("Max", [speed, roll(g, speed, -1, axis, n)]);
      const face = g.op("Sub", [
        g.op("Mul", [g.op("Add", [flux, fR]), half]),
        g.op("Mul", [g.op("Mul", [a, g.op("Sub", [uR, U])]), half]),
      ]); // face i+½ of cell i
      return g.op("Sub", [face, roll(g, face, 1, axis, n)]);
    };
    const dx = g.op("Mul", [divergence(F, ax, 3, cx), g.scalar(rx)]);
    const dy = g.op("Mul", [divergence(G, ay, 2, cy), g.scalar(ry)]);
    U = g.op("Sub", [U, g.op("Add", [dx, dy])]);
  }
  const h = channel(g, U, 0);
  let prim = g.op("Concat", [
    h,
    g.op("Div", [channel(g, U, 1), h]),
    g.op("Div", [channel(g, U, 2), h]),
  ], { axis: 1 });
  if (factor > 1) {
    prim = upsampleAxis(g, prim, [3, cy, cx], factor, 3);
    prim = upsampleAxis(g, prim, [3, cy, nx], factor, 2);
  }
  g.output(prim, "u_next", ["B", 3, ny, nx]);
  return g.build();
}

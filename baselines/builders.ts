/**
 * ONNX graphs of the built-in 1D baselines. Every graph maps a state `[B, 1, X]` to the next
 * state `[B, 1, X]` with a dynamic batch axis, exactly as a submitted model would.
 * @module
 */
import { GraphBuilder, periodicConv1d, periodicPad1d } from "../harness/onnx/graph.ts";
import { Rng } from "../harness/core/rng.ts";

/** `u_{n+1} = u_n` on a grid of `x` points (1D) or of shape `x` (e.g. `[H, W]`). */
export function persistenceGraph(x: number | readonly number[], channels = 1): Uint8Array {
  const g = new GraphBuilder("persistence");
  const dims = ["B", channels, ...(typeof x === "number" ? [x] : x)];
  const u = g.input("u", dims);
  g.output(g.op("Identity", [u]), "u_next", dims);
  return g.build();
}

/** One periodic convolution with a centred stencil (odd length). */
export function stencilGraph(x: number, stencil: readonly number[], name: string): Uint8Array {
  const g = new GraphBuilder(name);
  const u = g.input("u", ["B", 1, x]);
  const y = periodicConv1d(g, u, stencil, [1, 1, stencil.length]);
  g.output(y, "u_next", ["B", 1, x]);
  return g.build();
}

/**
 * Coarse explicit finite-volume solver for viscous Burgers `u_t + (u²/2)_x = ν u_xx`:
 * average-pool the state by `factor`, take `substeps` forward-Euler steps with the Rusanov
 * flux `F = ½(f(a) + f(b)) − ½ max(|a|,|b|)(b − a)` and a centred diffusion term, then
 * interpolate back linearly (periodic, cell-centred).
 */
export function coarseBurgersGraph(
  opts: { x: number; factor: number; length: number; nu: number; dt: number; substeps: number },
): Uint8Array {
  const { x, factor, length, nu, dt, substeps } = opts;
  if (x % factor !== 0) {
    throw new RangeError(`Cannot build coarse solver: ${x} points not divisible by ${factor}`);
  }
  const n = x / factor;
  const dx = length / n, h = dt / substeps;
  const g = new GraphBuilder("coarse_burgers");
  const u0 = g.input("u", ["B", 1, x]);
  let u = g.op("AveragePool", [u0], { kernel_shape: [factor], strides: [factor] });
  const axis = g.ints([-1]);
  const half = g.scalar(0.5);
  for (let s = 0; s < substeps; s++) {
    const up = periodicPad1d(g, u, 1, 1); // n + 2 cells
    const a = g.op("Slice", [up, g.ints([0]), g.ints([n + 1]), axis]); // left states, n+1 faces
    const b = g.op("Slice", [up, g.ints([1]), g.ints([n + 2]), axis]); // right states
    const fa = g.op("Mul", [g.op("Mul", [a, a]), half]);
    const fb = g.op("Mul", [g.op("Mul", [b, b]), half]);
    const speed = g.op("Max", [g.op("Abs", [a]), g.op("Abs", [b])]);
    const central = g.op("Mul", [g.op("Add", [fa, fb]), half]);
    const upwind = g.op("Mul", [g.op("Mul", [speed, g.op("Sub", [b, a])]), half]);
    const flux = g.op("Sub", [central, upwind]);
    const fr = g.op("Slice", [flux, g.ints([1]), g.ints([n + 1]), axis]);
    const fl = g.op("Slice", [flux, g.ints([0]), g.ints([n]), axis]);
    const lap = periodicConv1d(g, u, [1, -2, 1], [1, 1, 3]);
    const adv = g.op("Mul", [g.op("Sub", [fr, fl]), g.scalar(-h / dx)]);
    const diff = g.op("Mul", [lap, g.scalar((nu * h) / (dx * dx))]);
    u = g.op("Add", [u, g.op("Add", [adv, diff])]);
  }
  g.output(periodicUpsample(g, u, n, factor), "u_next", ["B", 1, x]);
  return g.build();
}

/**
 * Periodic linear interpolation of cell averages on `n` coarse cells to `n · factor` fine
 * points at cell centres: fine point `r` of cell `j` sits at offset `(r + ½)/factor − ½`
 * coarse cells from the centre of cell `j`.
 */
export function periodicUpsample(g: GraphBuilder, u: string, n: number, factor: number): string {
  const w: number[] = [];
  for (let r = 0; r < factor; r++) {
    const off = (r + 0.5) / factor - 0.5;
    w.push(off < 0 ? -off : 0, off < 0 ? 1 + off : 1 - off, off > 0 ? off : 0);
  }
  const y = periodicConv1d(g, u, w, [factor, 1, 3]); // [B, factor, n]
  const t = g.op("Transpose", [y], { perm: [0, 2, 1] }); // [B, n, factor]
  return g.op("Reshape", [t, g.ints([0, 1, n * factor])]);
}

/**
 * A realistic 1D CNN for throughput measurements (UNTRAINED, random weights from `seed`):
 * `depth` periodic convolutions of `width` channels and kernel `kernel` with ReLU, and a
 * residual connection `u + ε · net(u)`.
 */
export function cnnGraph(
  opts: { x: number; width: number; depth: number; kernel: number; seed: number },
): Uint8Array {
  const { x, width, depth, kernel, seed } = opts;
  const rng = new Rng(seed, 0);
  const rand = () => rng.uniform();
  const g = new GraphBuilder("cnn1d_untrained");
  const u = g.input("u", ["B", 1, x]);
  let h = u;
  for (let l = 0; l < depth; l++) {
    const cin = l === 0 ? 1 : width, cout = l === depth - 1 ? 1 : width;
    const scale = Math.sqrt(2 / (cin * kernel));
    const w = Array.from({ length: cout * cin * kernel }, () => (rand() * 2 - 1) * scale);
    h = periodicConv1d(g, h, w, [cout, cin, kernel], new Array(cout).fill(0));
    if (l < depth - 1) h = g.op("Relu", [h]);
  }
  g.output(g.op("Add", [u, g.op("Mul", [h, g.scalar(1e-3)])]), "u_next", ["B", 1, x]);
  return g.build();
}

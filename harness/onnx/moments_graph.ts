/**
 * The per-step moments graph of device-side reductions (`emubench run --reductions device`): it
 * takes a predicted state `p` and the reference state `r` of the same step, both
 * `[B, C, ...grid]` float32, and returns per IC the numbers from which the host recomputes the
 * scorer's pointwise metrics (mse, nrmse and the Takacs split of `metrics/split.ts`) and the
 * rollout its divergence checks, so that only `B × (1 + 8C)` numbers cross back per step.
 *
 * Output `values` `[B, 1 + 8C]`, per IC:
 *
 * - `[0]` the finiteness flag `Σ (p − p)` over the whole state: `0` when every value is finite,
 *   NaN otherwise (`x − x` is NaN for ±Inf and NaN);
 * - `[1 + c]` for each field c: `max |p|` (exact in float32, for the divergence bound);
 * - `[1 + C + 7c + m]` the seven moments of field c ({@link MOMENTS}), summed over its X points.
 *
 * With `d = p − r` and the field means `μₚ`, `μᵧ`, `μ_d` (ReduceMean), the moments are two-pass
 * (centred) sums, as `mseSplit` computes them on the host, so the split keeps its digits when
 * `p ≈ r` (raw sums such as `Σp² − (Σp)²/X` would cancel in float32):
 *
 * ```
 * sse = Σ d²      sref = Σ r²      spp = Σ (p − μₚ)²      syy = Σ (r − μᵧ)²
 * sds = Σ (d − μ_d)(p − μₚ + r − μᵧ)      sd = Σ d
 * srr = Σ (d − μ_d − (r − μᵧ)·slope)²,  slope = (sds/X) / ((σₚ + σᵧ) σᵧ),  σ = √(s/X)
 * ```
 *
 * `srr` is meaningless (NaN or ±Inf) where σₚ or σᵧ is 0; the host then sets the dispersion to
 * 0, as `mseSplit` does. Every sum is float32 on the device (onnxruntime's own summation order).
 *
 * @example
 * ```ts
 * import { MOMENTS, momentsGraph } from "./moments_graph.ts";
 * const bytes = momentsGraph(2, [8, 8]);
 * if (bytes.length < 100 || MOMENTS.length !== 7) throw new Error();
 * ```
 * @module
 */
import { GraphBuilder } from "./graph.ts";

/** The moments per field, in output order (module documentation). */
export const MOMENTS = ["sse", "sref", "spp", "syy", "sds", "sd", "srr"] as const;

/**
 * Numbers per IC in the output of {@link momentsGraph}: `1 + C + 7C` (flag, C maxima, 7C
 * moments).
 *
 * @example
 * ```ts
 * import { momentsWidth } from "./moments_graph.ts";
 * if (momentsWidth(3) !== 25) throw new Error(String(momentsWidth(3)));
 * ```
 */
export function momentsWidth(channels: number): number {
  return 1 + channels + MOMENTS.length * channels;
}

/**
 * The moments graph for states `[B, channels, ...shape]` (module documentation). Inputs `pred`
 * and `ref`, output `values` `[B, 1 + 8·channels]`; the batch axis is symbolic.
 */
export function momentsGraph(channels: number, shape: readonly number[]): Uint8Array {
  if (!Number.isInteger(channels) || channels < 1) {
    throw new RangeError(`Cannot build the moments graph: channels ${channels}, expected ≥ 1`);
  }
  if (shape.length === 0 || shape.some((n) => !Number.isInteger(n) || n < 1)) {
    throw new RangeError(`Cannot build the moments graph: grid [${shape}], expected sizes ≥ 1`);
  }
  const C = channels;
  const X = shape.reduce((a, b) => a * b, 1);
  const g = new GraphBuilder("emubench_moments");
  const dims = ["B", C, ...shape];
  const p = g.input("pred", dims);
  const r = g.input("ref", dims);
  const axes = shape.map((_, i) => i + 2);
  const axesInput = g.ints(axes);
  const mean = (x: string) => g.op("ReduceMean", [x], { axes, keepdims: 1 });
  // Sum over the grid: [B, C, 1, ...] (keepdims) for broadcasting, [B, C] for output.
  const sumKeep = (x: string) => g.op("ReduceSum", [x, axesInput], { keepdims: 1 });
  const sum = (x: string) => g.op("ReduceSum", [x, axesInput], { keepdims: 0 });
  const sq = (x: string) => g.op("Mul", [x, x]);
  const d = g.op("Sub", [p, r]);
  const p1 = g.op("Sub", [p, mean(p)]);
  const y1 = g.op("Sub", [r, mean(r)]);
  const md = mean(d);
  const d1 = g.op("Sub", [d, md]);
  const xInv = g.scalar(1 / X);
  const spp = sumKeep(sq(p1)), syy = sumKeep(sq(y1));
  const sds = sumKeep(g.op("Mul", [d1, g.op("Add", [p1, y1])]));
  const sigmaP = g.op("Sqrt", [g.op("Mul", [spp, xInv])]);
  const sigmaY = g.op("Sqrt", [g.op("Mul", [syy, xInv])]);
  const dSigma = g.op("Div", [g.op("Mul", [sds, xInv]), g.op("Add", [sigmaP, sigmaY])]);
  const slope = g.op("Div", [dSigma, sigmaY]);
  const rr = g.op("Sub", [d1, g.op("Mul", [y1, slope])]);
  const squeeze = (x: string) => g.op("Squeeze", [x, axesInput]);
  const moments = [
    sum(sq(d)),
    sum(sq(r)),
    squeeze(spp),
    squeeze(syy),
    squeeze(sds),
    sum(d),
    sum(sq(rr)),
  ];
  const last = g.ints([2]);
  const stacked = g.op("Concat", moments.map((m) => g.op("Unsqueeze", [m, last])), { axis: 2 });
  const flat = g.op("Reshape", [stacked, g.ints([0, MOMENTS.length * C])]);
  const maxAbs = g.op("ReduceMax", [g.op("Abs", [p])], { axes, keepdims: 0 });
  const flag = g.op("Unsqueeze", [
    g.op("ReduceSum", [g.op("Sub", [p, p]), g.ints([1, ...axes])], { keepdims: 0 }),
    g.ints([1]),
  ]);
  const values = g.op("Concat", [flag, maxAbs, flat], { axis: 1 });
  g.output(values, "values", ["B", momentsWidth(C)]);
  return g.build();
}

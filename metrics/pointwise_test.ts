import { meanSquare, mse, nrmse, rmse, sumSquares } from "./pointwise.ts";
import { assertClose, assertThrowsType, randomArray } from "./_test_util.ts";

Deno.test("mse, rmse, nrmse of hand-computable fields", () => {
  const ref = new Float64Array([1, -1, 1, -1]);
  const pred = new Float64Array([1.5, -0.5, 1.5, -0.5]); // ref + 0.5
  assertClose(mse(pred, ref), 0.25, 0, "mse of a constant offset c is c²");
  assertClose(rmse(pred, ref), 0.5, 0, "rmse of a constant offset c is |c|");
  assertClose(nrmse(pred, ref), 0.5, 0, "nrmse = ‖0.5‖ / ‖±1‖");
  assertClose(nrmse(new Float64Array(4), ref), 1, 0, "predicting zero gives nrmse 1");
  assertClose(mse(ref, ref), 0, 0, "identical fields");
});

Deno.test("nrmse of a scaled field is |1 − a|", () => {
  const y = randomArray(257, 1);
  for (const a of [0, 0.5, 0.9, 2, -1]) {
    const p = y.map((v) => a * v);
    assertClose(nrmse(p, y), Math.abs(1 - a), 1e-15, `a = ${a}`);
  }
});

Deno.test("pointwise metrics are symmetric (mse) and accept Float32Array", () => {
  const y = Float32Array.from(randomArray(100, 2)), p = Float32Array.from(randomArray(100, 3));
  assertClose(mse(p, y), mse(y, p), 0, "mse symmetric");
  // The float32 values are widened exactly, so float64 recomputation agrees bit for bit.
  assertClose(mse(p, y), mse(Float64Array.from(p), Float64Array.from(y)), 0, "widening");
  assertClose(rmse(p, y) ** 2, mse(p, y), 4e-16 * mse(p, y), "rmse² = mse");
});

Deno.test("sums accumulate in float64, not float32", () => {
  // 2^25 · (1 + 2^-20) would lose the small part in float32 accumulation; float64 keeps it.
  const n = 1 << 12;
  const u = new Float32Array(n).fill(1 + 2 ** -10);
  assertClose(sumSquares(u), n * (1 + 2 ** -10) ** 2, 0, "exact float64 sum");
  assertClose(meanSquare(u), (1 + 2 ** -10) ** 2, 0, "mean square");
});

Deno.test("nrmse with a zero reference is 0 when equal, Infinity otherwise", () => {
  const zero = new Float64Array(3);
  assertClose(nrmse(zero, zero), 0, 0, "0/0 → 0");
  if (nrmse(new Float64Array([0, 1e-300, 0]), zero) !== Infinity) throw new Error("→ Infinity");
});

Deno.test("nrmse survives underflow of ‖y‖² (tiny but non-zero reference)", () => {
  const y = new Float64Array([1e-200, 0, -1e-200]);
  assertClose(nrmse(y.map((v) => 2 * v), y), 1, 1e-15, "nrmse(2y, y) = 1");
  assertClose(nrmse(y, y), 0, 0, "nrmse(y, y) = 0");
});

Deno.test("NaN propagates, never dropped", () => {
  const p = new Float64Array([NaN, 0]), y = new Float64Array([1, 1]);
  if (!Number.isNaN(mse(p, y)) || !Number.isNaN(nrmse(p, y))) throw new Error("NaN dropped");
});

Deno.test("length mismatch is a TypeError naming both lengths; empty is a RangeError", () => {
  assertThrowsType(() => mse([1, 2], [1]), TypeError, "pred length 2 and ref length 1");
  assertThrowsType(() => nrmse([1], [1, 2, 3]), TypeError, "pred length 1 and ref length 3");
  assertThrowsType(() => rmse([], []), RangeError, "empty");
  assertThrowsType(() => sumSquares([1], [1, 2]), TypeError, "lengths 1 and 2");
});

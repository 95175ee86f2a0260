import { halfMeanSquare, sumOverFields } from "./energy.ts";
import { assertClose, assertThrowsType } from "./_test_util.ts";

Deno.test("½⟨u²⟩ of analytic fields", () => {
  const n = 256;
  const wave = Float64Array.from({ length: n }, (_, i) => 3 * Math.cos((2 * Math.PI * 5 * i) / n));
  assertClose(halfMeanSquare(wave), 9 / 4, 1e-14, "½⟨(3 cos)²⟩ = 9/4");
  assertClose(halfMeanSquare(new Float32Array(8).fill(-2)), 2, 0, "½·(−2)² = 2");
  assertClose(halfMeanSquare(new Float64Array(4)), 0, 0, "zero field");
});

Deno.test("energy scales with the square of the amplitude", () => {
  const u = Float64Array.from({ length: 100 }, (_, i) => Math.sin(i) + 0.1 * i);
  for (const a of [0.5, 2, -3]) {
    assertClose(halfMeanSquare(u.map((v) => a * v)), a * a * halfMeanSquare(u), 1e-13, `a=${a}`);
  }
});

Deno.test("sumOverFields sums per-field energies of a channel-major state", () => {
  const state = new Float32Array([1, 1, 1, 1, 2, 2, 2, 2, 0, 0, 0, 4]);
  assertClose(sumOverFields(state, 3, halfMeanSquare), 0.5 + 2 + 2, 0, "three fields");
  assertClose(sumOverFields(state, 1, halfMeanSquare), halfMeanSquare(state), 0, "one field");
  assertThrowsType(() => sumOverFields(state, 5, halfMeanSquare), RangeError, "found 5");
  assertThrowsType(() => halfMeanSquare([]), RangeError, "empty");
});

import { amplificationMax, choleskySolve, fitStableStencil, fitStencil } from "./least_squares.ts";
import { applyStencil } from "./stencils.ts";
import { getSuite } from "../suites/mod.ts";

Deno.test("least squares recovers a known stencil from noiseless data", () => {
  const truth = [0.1, 0.2, 0.4, 0.2, 0.1];
  const pairs: [Float64Array, Float64Array][] = [];
  for (let s = 1; s <= 3; s++) {
    const x = Float64Array.from(
      { length: 128 },
      (_, i) => Math.sin(0.37 * s * i) + Math.cos(1.3 * i / s),
    );
    pairs.push([x, applyStencil(x, truth)]);
  }
  const a = fitStencil(pairs, 2, 0);
  for (let j = 0; j < 5; j++) {
    if (Math.abs(a[j] - truth[j]) > 1e-9) throw new Error(`a[${j}] = ${a[j]}`);
  }
});

Deno.test("cholesky solves a 3×3 SPD system", () => {
  const A = new Float64Array([4, 2, 0, 2, 5, 1, 0, 1, 3]);
  const x = choleskySolve(A, new Float64Array([6, 8, 4]), 3); // solution [1, 1, 1]
  if (x.some((v) => Math.abs(v - 1) > 1e-14)) throw new Error(x.join());
});

Deno.test("cholesky refuses an indefinite matrix", () => {
  let threw = false;
  try {
    choleskySolve(new Float64Array([1, 2, 2, 1]), new Float64Array([1, 1]), 2);
  } catch (e) {
    threw = e instanceof RangeError;
  }
  if (!threw) throw new Error("expected RangeError");
});

Deno.test("fitStableStencil: stable on burgers1d training data, where the plain fit is not", () => {
  const suite = getSuite("burgers1d");
  const ics = 4, steps = 10, n = 1024;
  const traj = suite.reference(suite.initialConditions(ics, 99), ics, steps);
  const pairs = () => {
    const out: [Float32Array, Float32Array][] = [];
    for (let i = 0; i < ics; i++) {
      for (let t = 0; t < steps; t++) {
        const a = (i * (steps + 1) + t) * n;
        out.push([traj.subarray(a, a + n), traj.subarray(a + n, a + 2 * n)]);
      }
    }
    return out;
  };
  // Band-limited data leave high wavenumbers unconstrained: the near-plain fit amplifies them.
  if (!(amplificationMax(fitStencil(pairs(), 8), n) > 1.01)) throw new Error("expected unstable");
  const fit = fitStableStencil(pairs, 8, n);
  if (!(fit.amplification <= 1 + 1e-6)) throw new Error(`unstable: ${fit.amplification}`);
  if (!(fit.ridge > 1e-10)) throw new Error(`ridge ${fit.ridge}`);
});

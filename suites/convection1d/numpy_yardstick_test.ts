/**
 * The NumPy yardstick (`numpy_yardstick.py`) is the same scheme as the convection1d reference
 * (the one `yardstick_bench.ts` times against it): the exact spectral shift of one state by one
 * suite step agrees to rounding (NumPy with rfft/irfft, `convectionShift` with complex transforms),
 * and the reference's float32 row (real-input transforms) is that shift to float32 rounding.
 * Ignored (never passed) where no Python with NumPy is installed.
 */
import { numpyPython, runYardstickCheck, stepAgreement } from "../../fixtures/numpy.ts";
import { Rng } from "../../harness/core/rng.ts";
import { convectionShift, convectionTrajectories } from "./solver.ts";
import { BETA } from "./suite.ts";

const exe = numpyPython();

Deno.test({
  name: "convection1d NumPy yardstick: one exact-shift step equals the solver's to rounding",
  ignore: exe === undefined,
  fn: async () => {
    // n = 1024 as benchmarked; energy in every bin (Nyquist included), so every multiplier counts
    const n = 1024, dt = 0.01, rng = new Rng(3, 0);
    const u0 = Float64Array.from(
      { length: n },
      (_, j) => Math.sin((2 * Math.PI * j) / n) + rng.normal(),
    );
    const u1 = convectionShift(u0, dt, { beta: BETA, length: 1 });
    const { values: py } = await runYardstickCheck(
      exe!,
      new URL("./numpy_yardstick.py", import.meta.url),
      u0,
      [String(n), String(BETA * dt)],
    );
    const { diff, change, scale } = stepAgreement(u0, u1, py);
    if (!(diff <= 1e-12 * scale)) throw new Error(`max |NumPy − TS| = ${diff}, max |u| = ${scale}`);
    // a shift by 4.096 cells of rough data: far from the identity, so the comparison tests it
    if (!(change > 0.5 * scale)) throw new Error(`step changed u by only ${change}`);
    // the reference path (one IC per job, real-input transforms, float32 rows) stores that shift
    const ref = convectionTrajectories(Float32Array.from(u0), 1, n, 1, dt, { beta: BETA });
    const { values: pyf } = await runYardstickCheck(
      exe!,
      new URL("./numpy_yardstick.py", import.meta.url),
      Float64Array.from(Float32Array.from(u0)),
      [String(n), String(BETA * dt)],
    );
    for (let j = 0; j < n; j++) {
      if (!(Math.abs(ref[n + j] - pyf[j]) <= 2 ** -23 * scale)) {
        throw new Error(`reference row, x ${j}: ${ref[n + j]} against NumPy ${pyf[j]}`);
      }
    }
  },
});

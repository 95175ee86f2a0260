/**
 * The NumPy yardstick (`numpy_yardstick.py`) is the same scheme as `BurgersEtdrk4` (the one
 * `yardstick_bench.ts` times against it): one ETDRK4 sub-step of the suite's physics from the
 * same state agrees to rounding. Ignored (never passed) where no Python with NumPy is installed.
 */
import { numpyPython, runYardstickCheck, stepAgreement } from "../../fixtures/numpy.ts";
import { BurgersEtdrk4 } from "./solver.ts";

const exe = numpyPython();

Deno.test({
  name: "burgers1d NumPy yardstick: one ETDRK4 sub-step equals BurgersEtdrk4 to rounding",
  ignore: exe === undefined,
  fn: async () => {
    // n = 1024 as benchmarked; a large h (20 suite sub-steps) so the step is far from the
    // identity, and energy in every mode (also the ones the 2/3 rule removes)
    const n = 1024, h = 0.01;
    const u0 = Float64Array.from(
      { length: n },
      (_, j) =>
        Math.sin((2 * Math.PI * j) / n) + 0.5 * Math.cos((6 * Math.PI * j) / n + 1) +
        1e-3 * Math.cos(Math.PI * j + 0.3 * j * j),
    );
    const solver = new BurgersEtdrk4({ n, dt: h, substeps: 1 });
    solver.setState(u0);
    solver.advance();
    const u1 = new Float64Array(n);
    solver.getState(u1);
    const { values: py } = await runYardstickCheck(
      exe!,
      new URL("./numpy_yardstick.py", import.meta.url),
      u0,
      [String(n), String(h)],
    );
    const { diff, change, scale } = stepAgreement(u0, u1, py);
    if (!(diff <= 1e-13 * scale)) throw new Error(`max |NumPy − TS| = ${diff}, max |u| = ${scale}`);
    // the step is far from the identity, so the comparison tests the scheme
    if (!(change > 1e-2 * scale)) throw new Error(`step changed u by only ${change}`);
  },
});

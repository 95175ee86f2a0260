/**
 * The NumPy yardstick (`numpy_yardstick.py`) is the same scheme as `Jet2D`: one ETDRK4 step of
 * the suite's physics from the same band-limited vorticity agrees to rounding. Ignored (never
 * passed) where no Python with NumPy is installed.
 */
import { numpyPython, runYardstickCheck, stepAgreement } from "../../fixtures/numpy.ts";
import { Rng } from "../../harness/core/rng.ts";
import { Jet2D } from "./solver.ts";
import { PHYSICS } from "./suite.ts";

const exe = numpyPython();

Deno.test({
  name: "jet2d NumPy yardstick: one ETDRK4 step equals Jet2D.step to rounding",
  ignore: exe === undefined,
  fn: async () => {
    const n = 64, h = 0.05, size = n * n;
    const solver = new Jet2D({ ...PHYSICS, n });
    const rng = new Rng(17, 0), ic = new Float64Array(size);
    for (let k = 0; k < size; k++) ic[k] = 5 * rng.normal();
    const re = new Float64Array(size), im = new Float64Array(size);
    const w0 = new Float64Array(size), w1 = new Float64Array(size);
    solver.toSpectral(ic, re, im);
    solver.toPhysical(re, im, w0);
    solver.step(re, im, h);
    solver.toPhysical(re, im, w1);
    const { values: py } = await runYardstickCheck(
      exe!,
      new URL("./numpy_yardstick.py", import.meta.url),
      w0,
      [String(n), String(h)],
    );
    const { diff, change, scale } = stepAgreement(w0, w1, py);
    if (!(diff <= 1e-13 * scale)) throw new Error(`max |NumPy − TS| = ${diff}, max |ω| = ${scale}`);
    // the step is far from the identity, so the comparison tests the scheme
    if (!(change > 1e-3 * scale)) throw new Error(`step changed ω by only ${change}`);
  },
});

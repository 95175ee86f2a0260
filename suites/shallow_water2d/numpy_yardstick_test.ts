/**
 * The NumPy yardstick (`numpy_yardstick.py`) is the same scheme as `ShallowWater2D` with the
 * suite's settings (periodic, flat bottom, HLL, MC, SSP-RK3, CFL 0.4): one model step from the
 * same state takes the same sub-steps and agrees to rounding. Ignored (never passed) where no
 * Python with NumPy is installed.
 */
import { numpyPython, runYardstickCheck, stepAgreement } from "../../fixtures/numpy.ts";
import { gaussianBumps, ShallowWater2D } from "./solver.ts";

const exe = numpyPython();

Deno.test({
  name: "shallow_water2d NumPy yardstick: one model step equals ShallowWater2D.step to rounding",
  ignore: exe === undefined,
  fn: async () => {
    const n = 32, dt = 0.05, grid = { nx: n, ny: n };
    const solver = new ShallowWater2D(grid);
    // bumps at rest plus a shear flow, so that both momenta and the tangential flux matter
    const s0 = gaussianBumps(grid, 5, 0, { amplitude: [0.5, 0.9], width: [0.05, 0.1] });
    for (let j = 0; j < n; j++) {
      for (let i = 0; i < n; i++) {
        const k = j * n + i, h = s0[k];
        s0[n * n + k] = 0.3 * h * Math.sin((2 * Math.PI * (j + 0.5)) / n);
        s0[2 * n * n + k] = -0.2 * h * Math.cos((2 * Math.PI * (i + 0.5)) / n);
      }
    }
    const s1 = s0.slice();
    solver.step(s1, dt);
    const { values: py, stdout } = await runYardstickCheck(
      exe!,
      new URL("./numpy_yardstick.py", import.meta.url),
      s0,
      [String(n), String(dt)],
    );
    const substeps = JSON.parse(stdout.trim()).substeps;
    if (substeps !== solver.lastSubsteps || substeps < 3) {
      throw new Error(`sub-steps: NumPy ${substeps}, TS ${solver.lastSubsteps}`);
    }
    const { diff, change, scale } = stepAgreement(s0, s1, py);
    if (!(diff <= 1e-13 * scale)) throw new Error(`max |NumPy − TS| = ${diff}, max = ${scale}`);
    if (!(change > 1e-2 * scale)) throw new Error(`the step changed the state by only ${change}`);
  },
});

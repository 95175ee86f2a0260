/**
 * The NumPy yardstick (`numpy_yardstick.py`) is the same scheme as the era5 reference's work per
 * lead time (`evaluateTiltedFields`, the one `yardstick_bench.ts` times against it): from the
 * same tables of a suite IC (both fields, nside 32, ℓ ≤ 32), the fields at a lead time agree to
 * rounding. Ignored (never passed) where no Python with NumPy is installed.
 */
import { numpyPython, runYardstickCheck, stepAgreement } from "../../fixtures/numpy.ts";
import { evaluateTiltedFields, tiltedRotation } from "./advection.ts";
import { DEFAULT_LMAX } from "./fields.ts";
import { era5, ERA5_ALPHA, ERA5_DT_HOURS } from "./suite.ts";

const exe = numpyPython();

Deno.test({
  name: "era5 NumPy yardstick: one lead time equals evaluateTiltedFields to rounding",
  ignore: exe === undefined,
  fn: async () => {
    const nside = 32, n = 12 * nside * nside, L = DEFAULT_LMAX, w = L + 1;
    const ic = era5.initialConditions(1, era5.seed);
    const o = { nside, lmax: L, alpha: ERA5_ALPHA, iterations: 6 };
    const rs = [0, 1].map((c) => tiltedRotation(ic.subarray(c * n, (c + 1) * n), o));
    // 7 steps = 42 h: a rotation of 52.5°, far from the identity
    const hours = 7 * ERA5_DT_HOURS, ts = evaluateTiltedFields(rs, hours);
    const input = new Float64Array(n + 2 * 2 * n * w);
    input.set(rs[0].py, 0);
    rs.forEach((r, c) => {
      input.set(r.gr, n + (2 * c) * n * w);
      input.set(r.gi, n + (2 * c + 1) * n * w);
    });
    const { values: py } = await runYardstickCheck(
      exe!,
      new URL("./numpy_yardstick.py", import.meta.url),
      input,
      [String(n), String(L), String(hours), "2"],
    );
    if (py.length !== 2 * n) throw new Error(`NumPy wrote ${py.length} values, expected ${2 * n}`);
    for (let c = 0; c < 2; c++) {
      const f0 = ic.subarray(c * n, (c + 1) * n);
      const { diff, change, scale } = stepAgreement(f0, ts[c], py.subarray(c * n, (c + 1) * n));
      let mean = 0, anomaly = 0;
      for (let p = 0; p < n; p++) mean += ts[c][p] / n;
      for (let p = 0; p < n; p++) anomaly = Math.max(anomaly, Math.abs(ts[c][p] - mean));
      // to rounding of the largest value (the fields are far from zero: 300 K, 5.7e4 m² s⁻²)
      if (!(diff <= 1e-12 * scale)) {
        throw new Error(`field ${c}: max |NumPy − TS| = ${diff}, max |f| = ${scale}`);
      }
      // and the lead time moved the field by a good part of its variation
      if (!(change > 0.2 * anomaly)) throw new Error(`field ${c}: moved by only ${change}`);
    }
  },
});

import { assert } from "./_asserts.ts";
import { ERA5_DT_HOURS, ERA5_FIELDS, era5Climatology, era5Starts } from "./climatology.ts";
import { applyMat3, rotationMatrix, toCartesian, toLatLon } from "./advection.ts";
import { climatologyAtPoints } from "./fields.ts";
import { pixelCentresNest } from "./healpix.ts";

Deno.test("era5Climatology (built-in data) is the start-time climatology at R(t)ᵀx, bit for bit", () => {
  const nside = 4, seed = 3, alpha = 0.05, { theta, phi } = pixelCentresNest(nside);
  const at = era5Climatology(nside, { ics: 2, seed, alpha }), { hours } = era5Starts(2, seed);
  for (const step of [1, 7, 1, 40]) {
    const r = rotationMatrix(alpha, step * ERA5_DT_HOURS);
    const lat = Float64Array.from(theta, (t, p) => {
      const x = applyMat3(r, toCartesian(Math.PI / 2 - t, phi[p]), true);
      return toLatLon(x[0], x[1], x[2]).lat;
    });
    for (const ic of [1, 0]) {
      const want = climatologyAtPoints(ERA5_FIELDS, lat, hours[ic]), got = at(ic, step);
      assert(
        got.length === want.length && got.every((v, k) => Object.is(v, want[k])),
        `${ic}, ${step}`,
      );
    }
  }
  // With start hours: the climatology at the valid time.
  const valid = era5Climatology(nside, { ics: 1, seed, startHours: [100] });
  const lat = Float64Array.from(theta, (t) => Math.PI / 2 - t);
  const want = climatologyAtPoints(ERA5_FIELDS, lat, 100 + 5 * ERA5_DT_HOURS);
  assert(valid(0, 5).every((v, k) => Object.is(v, want[k])), "valid time");
});

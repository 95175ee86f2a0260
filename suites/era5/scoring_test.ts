/**
 * `suites/era5/scoring.ts` on a lat-lon grid: the `wb2_acc` climatology is the analytic
 * climatology at the file's grid points and valid time (not a regridded HEALPix field).
 */
import { assert, assertAlmostEquals } from "./_asserts.ts";
import { weatherScoring } from "./scoring.ts";
import { era5 } from "./suite.ts";
import type { ResultRow } from "../../metrics/rows.ts";

Deno.test("wb2_acc: anomalies against the closed-form climatology at the lat-lon points", () => {
  // Rows at ±20°, ±60° (WB2 cell bounds at the midpoints and the poles: −90, −40, 0, 40, 90),
  // longitudes 0°, 45°, …; one IC starting 348 h after 1 January 00 UTC, one 6-hour step:
  // valid time 354 h (d = 14.75).
  const lat = [60, 20, -20, -60], nlon = 8, L = lat.length * nlon, C = 2, P = 12 * 32 * 32;
  const start = 348, hour = start + 6, rad = Math.PI / 180;
  const season = Math.cos((2 * Math.PI * (hour / 24 - 15)) / 365.25);
  // Closed forms written out (fields.ts module doc): m₀ − m₂ sin²φ − s sin φ cos(season).
  const clim = [
    (f: number) => 300 - 45 * Math.sin(f) ** 2 - 15 * Math.sin(f) * season,
    (f: number) => 57_600 - 6_500 * Math.sin(f) ** 2 - 1_500 * Math.sin(f) * season,
  ];
  const amp = [3, 800];
  const yAnom = (c: number, i: number, j: number) =>
    amp[c] *
    (Math.sin(lat[i] * rad) ** 2 - 1 / 3 + Math.cos(lat[i] * rad) * Math.cos(j * 45 * rad));
  // Reference [N = 1, T + 1 = 2, C, L]: climatology + y′ at step 1 (step 0 is not scored).
  const reference = new Float32Array(2 * C * L);
  for (let c = 0; c < C; c++) {
    for (let i = 0; i < lat.length; i++) {
      for (let j = 0; j < nlon; j++) {
        reference[C * L + c * L + i * nlon + j] = clim[c](lat[i] * rad) + yAnom(c, i, j);
      }
    }
  }
  // A constant prediction per field: IDW reproduces a constant exactly (weights sum to 1), so
  // p′ = k − clim(φ, t) at the lat-lon points in closed form.
  const k = [285, 55_000];
  const pred = new Float32Array(C * P);
  pred.fill(k[0], 0, P);
  pred.fill(k[1], P);
  const w = weatherScoring(era5, {
    ics: 1,
    steps: 1,
    seed: 0,
    startHours: [start],
    latLon: { lat: Float64Array.from(lat), nlon, reference },
  })!;
  w.observe(0, 1, pred, new Float32Array(C * P)); // HEALPix ref: irrelevant to wb2_ rows
  const rows: ResultRow[] = w.rows();
  const sinB = [1, Math.sin(40 * rad), 0, -Math.sin(40 * rad), -1];
  const wt = lat.map((_, i) => sinB[i] - sinB[i + 1]);
  for (let c = 0; c < C; c++) {
    let spy = 0, spp = 0, syy = 0;
    for (let i = 0; i < lat.length; i++) {
      for (let j = 0; j < nlon; j++) {
        const p = k[c] - clim[c](lat[i] * rad), y = yAnom(c, i, j);
        spy += wt[i] * p * y;
        spp += wt[i] * p * p;
        syy += wt[i] * y * y;
      }
    }
    const exact = spy / Math.sqrt(spp * syy);
    const row = rows.find((r) =>
      r.metric === "wb2_acc" && r.field === era5.fields[c] && r.step === 1 && r.ic === undefined
    )!;
    assert(Math.abs(exact) > 0.1, `a non-trivial correlation: ${exact}`);
    // float32 storage of the reference (≈ 1e-7 relative of the field) is the only error.
    assertAlmostEquals(row.value!, exact, 1e-5, `${era5.fields[c]}: wb2_acc`);
  }
});

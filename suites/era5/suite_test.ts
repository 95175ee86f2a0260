import { assert, assertAlmostEquals, assertEquals, assertThrows } from "./_asserts.ts";
import { era5, era5Climatology, era5IcClimatology, era5Starts, makeEra5Suite } from "./suite.ts";
import { applyMat3, rotationMatrix, toCartesian, toLatLon } from "./advection.ts";
import {
  anomalyAt,
  anomalyCoefficients,
  climatology,
  climatologyValue,
  ERA5_VARIABLES,
} from "./fields.ts";
import { pixelCentresNest } from "./healpix.ts";
import { synthesizeAt } from "./spectrum.ts";
import { getSuite } from "../mod.ts";

const N = 12288, S = 2 * N;

Deno.test("era5 is registered with a nested HEALPix level-5 grid and 6-hour steps", () => {
  assert(getSuite("era5") === era5);
  assertEquals(era5.grid, { kind: "healpix", nside: 32, ordering: "nested" });
  assertEquals(era5.dt, 6);
  assertEquals(era5.metrics[0].id, "rmse");
  assert(era5.metrics.find((m) => m.id === "acc")?.higherIsBetter === true);
  assertEquals(makeEra5Suite({ level: 8 }).grid, {
    kind: "healpix",
    nside: 256,
    ordering: "nested",
  });
  assertThrows(() => makeEra5Suite({ level: 4 }), RangeError, "5 … 8");
});

Deno.test("ICs: deterministic, prefix-stable, synthetic fields at 6-hourly start times", () => {
  const a = era5.initialConditions(2, 5), b = era5.initialConditions(1, 5);
  assertEquals(a.subarray(0, S), b);
  assertEquals(era5.initialConditions(2, 5), a);
  const { hours } = era5Starts(64, 5);
  assert(hours.every((h) => h % 6 === 0 && h >= 0 && h < 8766), "in the year");
  // Spread across the year: all four seasons are drawn among 64 ICs.
  assertEquals(new Set(hours.map((h) => Math.floor(h / 2191.5))).size, 4);
  // The IC minus its climatology has the variable's anomaly magnitude.
  const c = era5IcClimatology(32, 2, 5);
  ["2m_temperature", "geopotential_500"].forEach((name, k) => {
    let ms = 0;
    for (let p = 0; p < N; p++) ms += (a[k * N + p] - c[0][k * N + p]) ** 2 / N;
    const r = Math.sqrt(ms) / ERA5_VARIABLES[name].anomalyStd;
    assert(r > 0.4 && r < 2, `${name}: anomaly rms ratio ${r}`);
  });
});

Deno.test("reference = the IC's analytic fields evaluated at the backward-rotated points", () => {
  const seed = 3, steps = 2;
  const ics = era5.initialConditions(1, seed);
  const ref = era5.reference(ics, 1, steps);
  assertEquals(ref.subarray(0, S), ics);
  const { hours, seeds } = era5Starts(1, seed);
  const { theta, phi } = pixelCentresNest(32);
  const alpha = era5.params!.alpha;
  for (const t of [1, steps]) {
    // Independent path: Rodrigues matrix R(t), then the closed-form field at R(t)ᵀ x.
    const r = rotationMatrix(alpha, 6 * t);
    const bt = new Float64Array(N), bp = new Float64Array(N), lat = new Float64Array(N);
    for (let p = 0; p < N; p++) {
      const x = applyMat3(r, toCartesian(Math.PI / 2 - theta[p], phi[p]), true);
      const ll = toLatLon(x[0], x[1], x[2]);
      lat[p] = ll.lat;
      bt[p] = Math.PI / 2 - ll.lat;
      bp[p] = ll.lon;
    }
    ["2m_temperature", "geopotential_500"].forEach((name, c) => {
      const anom = synthesizeAt(anomalyAt(anomalyCoefficients(name, seeds[0]), hours[0]), bt, bp);
      const v = ERA5_VARIABLES[name];
      let err = 0;
      for (let p = 0; p < N; p++) {
        const exact = climatologyValue(v, lat[p], hours[0]) + anom[p];
        err = Math.max(err, Math.abs(ref[t * S + c * N + p] - exact));
      }
      // float32 storage of the IC and of the result: a few ulps of the field's magnitude.
      assert(err < 4e-7 * v.mean * 8, `${name} step ${t}: max error ${err}`);
    });
  }
});

Deno.test("energy and area means are conserved by the truth; spectra have 65 entries (ℓ ≤ 64)", () => {
  const ics = era5.initialConditions(1, 8);
  const ref = era5.reference(ics, 1, 4);
  const e0 = era5.energy(ref.subarray(0, S)), d0 = era5.diagnostics!(ref.subarray(0, S));
  for (let t = 1; t <= 4; t++) {
    const s = ref.subarray(t * S, (t + 1) * S);
    assertAlmostEquals(era5.energy(s) / e0, 1, 1e-5);
    const d = era5.diagnostics!(s);
    for (const k of Object.keys(d0)) assertAlmostEquals(d[k] / d0[k], 1, 1e-6, k);
  }
  assertEquals(era5.spectrum!(ics.subarray(0, N)).length, 65);
  assertEquals(era5.spectrum!(ics.subarray(N, 2 * N)).length, 65);
  // Climatology provider: the analytic climatology at the IC's start time.
  const c = era5IcClimatology(32, 1, 8)[0];
  assertEquals(
    c,
    climatology({ nside: 32, variables: era5.fields, hours: [era5Starts(1, 8).hours[0]] }),
  );
});

Deno.test("ACC climatology: IC start time for built-in data, valid time for --data", () => {
  const built = era5Climatology(32, { ics: 2, seed: 8 });
  assertEquals(built(1, 0), built(1, 40)); // the built-in truth keeps its start season
  assertEquals(built(1, 7), era5IcClimatology(32, 2, 8)[1]);
  const data = era5Climatology(32, { ics: 2, seed: 8, startHours: [100, 5000] });
  assertEquals(data(1, 3), climatology({ nside: 32, variables: era5.fields, hours: [5018] }));
});

Deno.test("reference refuses ICs of the wrong size", () => {
  assertThrows(() => era5.reference(new Float32Array(10), 1, 1), TypeError, "[1, 2, 12288]");
  assertThrows(() => era5.energy(new Float32Array(10)), TypeError, "era5.energy");
});

import { assert, assertAlmostEquals, assertEquals, assertThrows } from "./_asserts.ts";
import {
  era5,
  era5Climatology,
  era5IcClimatology,
  era5LatLonClimatology,
  era5Starts,
  makeEra5Suite,
} from "./suite.ts";
import { applyMat3, rotationMatrix, toCartesian, toLatLon } from "./advection.ts";
import {
  anomalyAt,
  anomalyCoefficients,
  climatology,
  climatologyLatLon,
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

Deno.test("energy and area means are conserved by the truth; spectra have 33 entries (ℓ ≤ 32)", () => {
  const ics = era5.initialConditions(1, 8);
  const ref = era5.reference(ics, 1, 4);
  const e0 = era5.energy(ref.subarray(0, S)), d0 = era5.diagnostics!(ref.subarray(0, S));
  for (let t = 1; t <= 4; t++) {
    const s = ref.subarray(t * S, (t + 1) * S);
    assertAlmostEquals(era5.energy(s) / e0, 1, 1e-5);
    const d = era5.diagnostics!(s);
    for (const k of Object.keys(d0)) assertAlmostEquals(d[k] / d0[k], 1, 1e-6, k);
  }
  // The spectrum stops at the truth's band limit ℓ = 32 (DEFAULT_LMAX): 33 degrees 0 … 32.
  assertEquals(era5.spectrum!(ics.subarray(0, N)).length, 33);
  assertEquals(era5.spectrum!(ics.subarray(N, 2 * N)).length, 33);
  // Climatology provider: the analytic climatology at the IC's start time.
  const c = era5IcClimatology(32, 1, 8)[0];
  assertEquals(
    c,
    climatology({ nside: 32, variables: era5.fields, hours: [era5Starts(1, 8).hours[0]] }),
  );
});

Deno.test("ACC climatology: rotated with the truth for built-in data, valid time for --data", () => {
  const built = era5Climatology(32, { ics: 2, seed: 8 });
  // Step 0: the start-time climatology of each IC.
  assertEquals(built(1, 0), era5IcClimatology(32, 2, 8)[1]);
  // The truth rotates about an axis tilted by α = 0.05 from the pole: the zonal climatology is
  // not invariant, so the ACC climatology moves with the lead time …
  let ms = 0;
  const a = built(1, 12), b = built(1, 0);
  for (let p = 0; p < N; p++) ms += (a[p] - b[p]) ** 2 / N;
  assert(Math.sqrt(ms) > 0.5, `t2m climatology moved by ${Math.sqrt(ms)} K rms at 3 days`);
  // … while a rotation about the pole itself (α = 0) leaves every zonal field unchanged.
  const polar = era5Climatology(32, { ics: 2, seed: 8, alpha: 0 });
  for (const step of [4, 40]) {
    const c = polar(1, step), c0 = era5IcClimatology(32, 2, 8)[1];
    let err = 0;
    for (let p = 0; p < S; p++) err = Math.max(err, Math.abs(c[p] - c0[p]) / Math.abs(c0[p]));
    assert(err < 2 ** -22, `α = 0, step ${step}: relative change ${err}`);
  }
  const data = era5Climatology(32, { ics: 2, seed: 8, startHours: [100, 5000] });
  assertEquals(data(1, 3), climatology({ nside: 32, variables: era5.fields, hours: [5018] }));
});

/** Spacing of float32 numbers at |x|. */
function ulp32(x: number): number {
  return 2 ** (Math.floor(Math.log2(Math.abs(x))) - 23);
}

Deno.test("ACC climatology follows the truth: a climatology IC has zero anomaly at every step", () => {
  // Truth IC = the climatology itself (zero anomaly). Its exact solution is the rotated
  // climatology, so truth − ACC climatology must vanish at every lead to float32 rounding
  // (input, output and climatology each rounded once); against the unrotated start-time
  // climatology it would not (the defect this guards against).
  const seed = 11, count = 2, steps = 12;
  const clim0 = era5IcClimatology(32, count, seed);
  const ics = new Float32Array(count * S);
  clim0.forEach((c, i) => ics.set(c, i * S));
  const ref = era5.reference(ics, count, steps);
  const at = era5Climatology(32, { ics: count, seed });
  for (let i = 0; i < count; i++) {
    for (const step of [1, 4, 8, 12]) {
      const truth = ref.subarray((i * (steps + 1) + step) * S, (i * (steps + 1) + step + 1) * S);
      const c = at(i, step);
      ["2m_temperature", "geopotential_500"].forEach((name, k) => {
        let err = 0, big = 0, unrotated = 0;
        for (let p = k * N; p < (k + 1) * N; p++) {
          err = Math.max(err, Math.abs(truth[p] - c[p]));
          big = Math.max(big, Math.abs(truth[p]));
          unrotated += (truth[p] - clim0[i][p]) ** 2 / N;
        }
        assert(err <= 4 * ulp32(big), `IC ${i} ${name} step ${step}: max |truth − clim| ${err}`);
        // The unrotated climatology leaves R_t(clim) − clim in the "anomaly": well above rounding.
        const floor = ERA5_VARIABLES[name].anomalyStd * 1e-3;
        assert(Math.sqrt(unrotated) > floor, `${name} step ${step}: ${Math.sqrt(unrotated)}`);
      });
    }
  }
});

Deno.test("lat-lon ACC climatology: the closed form at the file's grid points, valid time", () => {
  // startHours 348 + 2 steps of 6 h = 360 h = 16 January 00 UTC (d = 15: cos term = 1).
  const lat = [90, 30, -30, -90], nlon = 8;
  const at = era5LatLonClimatology(lat, nlon, { ics: 1, seed: 0, startHours: [348] });
  const c = at(0, 2), L = lat.length * nlon;
  assertEquals(c.length, 2 * L);
  // t2m: 300 − 45 sin²φ − 15 sin φ; z500: 57 600 − 6 500 sin²φ − 1 500 sin φ.
  const t2m = [240, 300 - 45 / 4 - 7.5, 300 - 45 / 4 + 7.5, 270];
  const z500 = [49_600, 57_600 - 1625 - 750, 57_600 - 1625 + 750, 52_600];
  for (let i = 0; i < lat.length; i++) {
    for (const j of [0, 3, nlon - 1]) {
      assertAlmostEquals(c[i * nlon + j], t2m[i], 1e-4, `t2m row ${i} lon ${j}`);
      assertAlmostEquals(c[L + i * nlon + j], z500[i], 1e-2, `z500 row ${i} lon ${j}`);
    }
  }
  // Half a year later the seasonal term flips sign: 30°N t2m = 300 − 11.25 + 7.5.
  const half = era5LatLonClimatology(lat, nlon, { ics: 1, seed: 0, startHours: [360 + 4383] });
  assertAlmostEquals(half(0, 0)[nlon], 300 - 45 / 4 + 7.5, 1e-4);
  // Built-in data: the start-time climatology at step 0, then rotated with the truth, i.e. the
  // closed form at the backward-rotated grid point R(6s h)ᵀx.
  const built = era5LatLonClimatology(lat, nlon, { ics: 1, seed: 4 });
  const h0 = era5Starts(1, 4).hours[0];
  assertEquals(built(0, 0), climatologyLatLon(era5.fields, lat, nlon, h0));
  const r = rotationMatrix(era5.params!.alpha, 6 * 5);
  for (const [i, j] of [[1, 0], [1, 5], [2, 2]]) {
    const x = applyMat3(r, toCartesian((lat[i] * Math.PI) / 180, (2 * Math.PI * j) / nlon), true);
    const back = toLatLon(x[0], x[1], x[2]).lat;
    const v = ERA5_VARIABLES["2m_temperature"];
    assertAlmostEquals(built(0, 5)[i * nlon + j], climatologyValue(v, back, h0), 1e-4);
  }
});

Deno.test("reference refuses ICs of the wrong size", () => {
  assertThrows(() => era5.reference(new Float32Array(10), 1, 1), TypeError, "[1, 2, 12288]");
  assertThrows(() => era5.energy(new Float32Array(10)), TypeError, "era5.energy");
});

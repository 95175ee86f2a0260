import { assert, assertAlmostEquals, assertEquals, assertThrows } from "./_asserts.ts";
import {
  anomalyCoefficients,
  climatology,
  DEFAULT_LMAX,
  ERA5_VARIABLES,
  syntheticFields,
} from "./fields.ts";
import { angularPowerSpectrum } from "./spectrum.ts";
import { pixelCentresNest } from "./healpix.ts";

const VARS = ["2m_temperature", "geopotential_500"] as const;

/** Least-squares slope of log C_ℓ against log ℓ over ℓ = lo … hi. */
function logSlope(c: ArrayLike<number>, lo: number, hi: number): number {
  let sx = 0, sy = 0, sxx = 0, sxy = 0, n = 0;
  for (let l = lo; l <= hi; l++) {
    const x = Math.log(l), y = Math.log(c[l]);
    sx += x;
    sy += y;
    sxx += x * x;
    sxy += x * y;
    n++;
  }
  return (n * sxy - sx * sy) / (n * sxx - sx * sx);
}

Deno.test("anomaly spectrum: the power-law slope and the variance are recovered", () => {
  const nside = 32, seeds = [1, 2, 3, 4];
  for (const name of VARS) {
    const v = ERA5_VARIABLES[name];
    const mean = new Float64Array(DEFAULT_LMAX + 1);
    let ms = 0;
    for (const seed of seeds) {
      const hours = [seed * 997];
      const f = syntheticFields({ nside, variables: [name], hours, seed });
      const c = climatology({ nside, variables: [name], hours });
      const a = f.map((x, i) => x - c[i]);
      const cl = angularPowerSpectrum(a, nside, DEFAULT_LMAX);
      cl.forEach((x, l) => (mean[l] += x / seeds.length));
      ms += a.reduce((s, x) => s + x * x, 0) / a.length / seeds.length;
    }
    // 4 realisations × (2ℓ+1) modes per ℓ: the fitted slope is within ±0.15 of the model's.
    const slope = logSlope(mean, 2, DEFAULT_LMAX - 2);
    assert(Math.abs(slope + v.slope) < 0.15, `${name}: slope ${slope}, expected ${-v.slope}`);
    // Expected mean square = anomalyStd²; sampling spread of the large scales is ~25%.
    const ratio = Math.sqrt(ms) / v.anomalyStd;
    assert(ratio > 0.6 && ratio < 1.4, `${name}: rms anomaly ${Math.sqrt(ms)} vs ${v.anomalyStd}`);
    // No ℓ = 0 term: the global mean of the anomaly is 0 (float32 rounding of the fields).
    assert(mean[0] < 1e-9 * v.mean * v.mean, `${name}: C_0 = ${mean[0]}`);
  }
});

Deno.test("time mean over one 30-day anomaly period equals the mean climatology", () => {
  // a_ℓm(t) = α cos ω_ℓ t + β sin ω_ℓ t with ω_ℓ = 2πℓ/30 d: over 120 samples 6 h apart the
  // discrete sums of cos and sin vanish for 1 ≤ ℓ ≤ 32 < 120, so the anomaly averages to 0.
  const nside = 4, hours = Array.from({ length: 120 }, (_, k) => 1000 + 6 * k);
  const f = syntheticFields({ nside, variables: [...VARS], hours, seed: 9 });
  const c = climatology({ nside, variables: [...VARS], hours });
  const X = 2 * 192;
  for (let i = 0; i < X; i++) {
    let df = 0, dc = 0;
    for (let t = 0; t < hours.length; t++) {
      df += f[t * X + i];
      dc += c[t * X + i];
    }
    const scale = i < 192 ? 300 : 57_600;
    assertAlmostEquals(df / 120, dc / 120, 2e-7 * scale * 4);
  }
});

Deno.test("ensemble mean over seeds converges to the climatology", () => {
  const nside = 2, hours = [4000], S = 48;
  const clim = climatology({ nside, variables: [...VARS], hours });
  const sum = new Float64Array(2 * 48);
  for (let seed = 0; seed < S; seed++) {
    syntheticFields({ nside, variables: [...VARS], hours, seed }).forEach((v, i) => (sum[i] += v));
  }
  VARS.forEach((name, c) => {
    const sd = ERA5_VARIABLES[name].anomalyStd;
    let ms = 0;
    for (let p = 0; p < 48; p++) ms += (sum[c * 48 + p] / S - clim[c * 48 + p]) ** 2 / 48;
    // Per pixel the ensemble mean has standard error σ/√S; its rms over pixels ≲ 2σ/√S.
    assert(Math.sqrt(ms) < (2 * sd) / Math.sqrt(S), `${name}: rms ${Math.sqrt(ms)}`);
  });
});

Deno.test("climatology: closed-form values, global means and the seasonal sign", () => {
  const nside = 32, v = ERA5_VARIABLES["2m_temperature"];
  const jan = climatology({ nside, variables: ["2m_temperature"], hours: [15 * 24] });
  const jul = climatology({ nside, variables: ["2m_temperature"], hours: [(15 + 182.625) * 24] });
  const { theta } = pixelCentresNest(nside);
  // Area mean of m₀ − m₂ sin²φ is m₀ − m₂/3; the odd seasonal term averages to 0 over rings.
  const mean = (a: Float32Array) => a.reduce((s, x) => s + x, 0) / a.length;
  assertAlmostEquals(mean(jan), v.mean - v.poleDrop / 3, 2e-3);
  assertAlmostEquals(mean(jul), v.mean - v.poleDrop / 3, 2e-3);
  // Northern pixels colder in January than in July, by 2·s·sin φ.
  for (let p = 0; p < theta.length; p += 97) {
    const s = Math.cos(theta[p]);
    assertAlmostEquals(jul[p] - jan[p], 2 * v.seasonal * s, 1e-4 * 5); // float32 values
  }
});

Deno.test("synthetic fields: deterministic per seed, seeds differ, band truncation is a prefix", () => {
  const o = { nside: 4, variables: [...VARS], hours: [0, 6], seed: 3 };
  assertEquals(syntheticFields(o), syntheticFields(o));
  const other = syntheticFields({ ...o, seed: 4 });
  assert(other.some((x, i) => x !== syntheticFields(o)[i]));
  const small = anomalyCoefficients("geopotential_500", 3, 8);
  const big = anomalyCoefficients("geopotential_500", 3, 16);
  assertEquals(small.alpha.re, big.alpha.re.subarray(0, small.alpha.re.length));
  assertEquals(small.beta.im, big.beta.im.subarray(0, small.beta.im.length));
  assertThrows(() => syntheticFields({ ...o, variables: ["rain"] }), RangeError, "2m_temperature");
  assertThrows(() => syntheticFields({ ...o, nside: 3 }), RangeError);
});

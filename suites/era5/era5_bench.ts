/**
 * Costs of the era5 building blocks (`deno bench --allow-all suites/era5/era5_bench.ts`):
 * synthetic fields, the angular power spectrum (called per field and step by the scorer), and
 * the exact rotation behind the reference.
 * @module
 */
import { syntheticFields } from "./fields.ts";
import { angularPowerSpectrum } from "./spectrum.ts";
import { rotateBandLimited } from "./advection.ts";

const f32 = syntheticFields({ nside: 32, variables: ["2m_temperature"], hours: [500], seed: 1 });

Deno.bench("syntheticFields nside 32, 2 variables, 1 time", () => {
  syntheticFields({
    nside: 32,
    variables: ["2m_temperature", "geopotential_500"],
    hours: [100],
    seed: 2,
  });
});

Deno.bench("angularPowerSpectrum nside 32, lmax 32 (suite spectrum)", () => {
  angularPowerSpectrum(f32, 32, 32);
});

Deno.bench("angularPowerSpectrum nside 32, lmax 64 (reconstruct task default, 2·nside)", () => {
  angularPowerSpectrum(f32, 32, 64);
});

Deno.bench("rotateBandLimited nside 32, lmax 32, α = 0.05: setup + 40 lead times", () => {
  const at = rotateBandLimited(f32, { nside: 32, lmax: 32, alpha: 0.05, iterations: 6 });
  for (let t = 1; t <= 40; t++) at(6 * t);
});

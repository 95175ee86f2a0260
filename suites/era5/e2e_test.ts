/**
 * End to end through `evaluate` (smoke tier, wasm): persistence and climatology on the built-in
 * data, and persistence on a WeatherBench 2 Zarr store written here (`--data`).
 */
import { assert } from "./_asserts.ts";
import { evaluate } from "../../harness/tasks/run.ts";
import type { ResultRow } from "../../metrics/rows.ts";
import { writeZarrV3 } from "./_wb2_fixture.ts";

function row(rows: ResultRow[], metric: string, field: string, step: number): ResultRow {
  const r = rows.find((r) =>
    r.metric === metric && r.field === field && r.step === step && r.ic === undefined &&
    r.k === undefined && r.reduction?.startsWith("mean_over_ics")
  );
  if (!r) throw new Error(`no ${metric} row for ${field} at step ${step}`);
  return r;
}

Deno.test("era5 smoke: persistence and climatology through evaluate, per-field rmse/acc/psnr", async () => {
  const cacheDir = await Deno.makeTempDir({ prefix: "era5_e2e_" });
  const fields = ["2m_temperature", "geopotential_500"];
  const persistence = (await evaluate({
    suite: "era5",
    model: "baseline:persistence",
    tier: "smoke",
    backend: "wasm",
    cacheDir,
  })).result;
  assert(persistence.config.ics === 2 && persistence.config.steps === 4);
  for (const f of fields) {
    const r1 = row(persistence.rows, "rmse", f, 1).value!,
      r4 = row(persistence.rows, "rmse", f, 4).value!;
    // The truth moves (solid-body rotation), so persistence error grows with lead time.
    assert(r1 > 0 && r4 > r1, `${f}: persistence rmse ${r1} → ${r4}`);
    const a1 = row(persistence.rows, "acc", f, 1).value!,
      a4 = row(persistence.rows, "acc", f, 4).value!;
    assert(a1 <= 1 && a4 < a1, `${f}: persistence acc ${a1} → ${a4}`);
    assert(Number.isFinite(row(persistence.rows, "psnr", f, 4).value!), "psnr");
    assert(row(persistence.rows, "spectrum_error", f, 4).value! >= 0, "spectrum rows");
  }
  const clim = (await evaluate({
    suite: "era5",
    model: "baseline:climatology",
    tier: "smoke",
    backend: "wasm",
    cacheDir,
  })).result;
  assert(clim.config.data.includes("cache hit"), clim.config.data);
  for (const f of fields) {
    // The climatology forecast is the same state at every step: its rmse barely moves.
    const r1 = row(clim.rows, "rmse", f, 1).value!, r4 = row(clim.rows, "rmse", f, 4).value!;
    assert(Math.abs(r4 - r1) < 0.2 * r1, `${f}: climatology rmse ${r1} vs ${r4}`);
  }
});

Deno.test("era5 --data: a WeatherBench 2 Zarr store written here is regridded and scored", async () => {
  const path = `${await Deno.makeTempDir({ prefix: "era5_wb2_" })}/era5.zarr`;
  await writeZarrV3(path, {
    lat: Array.from({ length: 37 }, (_, i) => 90 - 5 * i),
    nlon: 72,
    time: Array.from({ length: 9 }, (_, k) => 6 * k),
    units: "hours since 2001-03-01",
    levels: [500, 850],
  });
  const { result } = await evaluate({
    suite: "era5",
    model: "baseline:persistence",
    data: path,
    steps: 4,
    backend: "wasm",
  });
  assert(result.suite.tier === "data" && result.config.ics === 2 && result.config.steps === 4);
  assert(result.config.data.includes("regridded to HEALPix nside 32"), result.config.data);
  // Fixture t2m = 280 + 12 sin φ + 4 cos φ cos(λ − 2πh/240): a persistence error after h hours
  // of rms 4·√(⟨cos²φ⟩/2)·|2 sin(πh/240)| (⟨cos²φ⟩ = 2/3 on the sphere), ±IDW error.
  for (const step of [1, 4]) {
    const h = 6 * step;
    const exact = 4 * Math.sqrt(1 / 3) * 2 * Math.sin((Math.PI * h) / 240);
    const got = row(result.rows, "rmse", "2m_temperature", step).value!;
    assert(
      Math.abs(got - exact) < 0.05 * exact + 0.02,
      `step ${step}: rmse ${got}, exact ${exact}`,
    );
    assert(row(result.rows, "acc", "geopotential_500", step).n === 2, "acc rows for both ICs");
    // The same error scored where the data live: predictions regridded back to the 5° lat-lon
    // grid, WeatherBench 2 latitude weights (their weighted mean of cos²φ is 2/3 to O(Δφ²)).
    const wb2 = row(result.rows, "wb2_rmse", "2m_temperature", step);
    assert(wb2.n === 2 && wb2.reduction === "mean_over_ics_then_sqrt", JSON.stringify(wb2));
    assert(
      Math.abs(wb2.value! - exact) < 0.05 * exact + 0.02,
      `step ${step}: wb2_rmse ${wb2.value}, exact ${exact}`,
    );
    assert(row(result.rows, "wb2_acc", "geopotential_500", step).n === 2, "wb2_acc rows");
  }
  assert(result.config.data.includes("WeatherBench 2 latitude weights"), result.config.data);
  // WeatherBench 2 regions: the same persistence error over a latitude band [a, b] has
  // ⟨cos²φ⟩ = ∫cos³φ dφ / ∫cos φ dφ = [s − s³/3]ₐᵇ / [s]ₐᵇ (s = sin φ); its longitude mean is 0,
  // so the bias is 0 up to the regridding error.
  const s20 = Math.sin((20 * Math.PI) / 180);
  const cos2 = (sa: number, sb: number) => (sb - sb ** 3 / 3 - (sa - sa ** 3 / 3)) / (sb - sa);
  const bands = {
    "tropics": cos2(-s20, s20),
    "northern-extra-tropics": cos2(s20, 1),
    "southern-extra-tropics": cos2(-1, -s20),
  };
  for (const [region, c2] of Object.entries(bands)) {
    const at = (metric: string) =>
      result.rows.find((r) =>
        r.metric === metric && r.field === "2m_temperature" && r.step === 4 && r.region === region
      )!;
    const exact = 4 * Math.sqrt(c2 / 2) * 2 * Math.sin((Math.PI * 24) / 240);
    const rmse = at("wb2_rmse"), bias = at("wb2_bias");
    assert(
      rmse.n === 2 && Math.abs(rmse.value! - exact) < 0.05 * exact + 0.02,
      `${region}: wb2_rmse ${rmse.value}, exact ${exact}`,
    );
    assert(Math.abs(bias.value!) < 0.02, `${region}: wb2_bias ${bias.value}`);
    assert(at("wb2_acc").n === 2 && at("wb2_psnr").n === 2, `${region}: acc/psnr rows`);
  }
  // The tropics score a larger error than the globe: cos²φ is largest there.
  assert(bands.tropics > 2 / 3 && bands["northern-extra-tropics"] < 2 / 3, "bands");
  const globalBias = row(result.rows, "wb2_bias", "2m_temperature", 4);
  assert(globalBias.region === undefined && Math.abs(globalBias.value!) < 0.02, "global bias");
});

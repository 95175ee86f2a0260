import { assert, assertRejects } from "./_asserts.ts";
import { FormatError, ShapeError, ValueRangeError } from "../../harness/core/errors.ts";
import { hourOfYear, loadWeatherbench, parseCfTimeUnits } from "./weatherbench.ts";
import { loadDataset } from "../../harness/data/dataset.ts";
import { era5 } from "./suite.ts";
import { pixelCentresNest } from "./healpix.ts";
import {
  t2mAt,
  type Wb2Fixture,
  writeNetcdf,
  writeZarrV2,
  writeZarrV3,
  zAt,
} from "./_wb2_fixture.ts";

const P = 12288;
/** 5° grid, descending latitudes 90 … −90 (ERA5 order), 9 six-hourly times from 2001-03-01. */
const BASE: Wb2Fixture = {
  lat: Array.from({ length: 37 }, (_, i) => 90 - 5 * i),
  nlon: 72,
  time: Array.from({ length: 9 }, (_, k) => 6 * k),
  units: "hours since 2001-03-01",
  levels: [500, 850],
};

async function tmp(name: string): Promise<string> {
  return `${await Deno.makeTempDir({ prefix: "wb2_" })}/${name}`;
}

/** Max |value − closed form| over ICs, steps and pixels. */
function maxError(ref: Float32Array, starts: number[], steps: number, c: number): number {
  const { theta, phi } = pixelCentresNest(32);
  let err = 0;
  starts.forEach((s, i) => {
    for (let t = 0; t <= steps; t++) {
      const h = 6 * (s + t);
      for (let p = 0; p < P; p++) {
        const lat = 90 - (theta[p] * 180) / Math.PI, lon = (phi[p] * 180) / Math.PI;
        const exact = c === 0 ? t2mAt(lat, lon, h) : zAt(500, lat, lon, h);
        err = Math.max(err, Math.abs(ref[((i * (steps + 1) + t) * 2 + c) * P + p] - exact));
      }
    }
  });
  return err;
}

Deno.test("CF time units and hour of year", () => {
  const u = parseCfTimeUnits("nanoseconds since 1970-01-01T00:00:00", "f");
  assert(u.epochMs === 0 && u.hoursPerUnit === 1 / 3.6e12);
  assert(hourOfYear(Date.UTC(2001, 2, 1)) === (31 + 28) * 24, "1 March, non-leap year");
  let threw = false;
  try {
    parseCfTimeUnits("fortnights since 2000-01-01", "f.zarr");
  } catch (e) {
    threw = e instanceof FormatError && e.message.includes("f.zarr");
  }
  assert(threw, "unknown unit refused");
});

Deno.test("Zarr v3 round trip: regridded fields match the closed forms to the IDW error", async () => {
  const path = await tmp("v3.zarr");
  await writeZarrV3(path, BASE);
  const d = await loadWeatherbench(path, era5, { steps: 4 });
  assert(d.count === 2 && d.steps === 4, `N ${d.count}, T ${d.steps}`);
  assert(d.reference.length === 2 * 5 * 2 * P && d.ics.length === 2 * 2 * P);
  // IDW from a 5° grid (h ≈ 0.087 rad): first-order error ≤ h·|∇f| (t2m |∇f| ≤ 12.7 K/rad,
  // z |∇f| ≤ 670 m²s⁻²/rad); the level-850 geopotential is 40 000 away and cannot pass.
  const e0 = maxError(d.reference, [0, 4], 4, 0), e1 = maxError(d.reference, [0, 4], 4, 1);
  assert(e0 < 0.087 * 12.7, `t2m max error ${e0}`);
  assert(e1 < 0.087 * 670, `z500 max error ${e1}`);
  // 1 March 2001 00 UTC is hour 1416 of the year; the second IC starts 24 h later.
  assert(d.startHours!.join() === "1416,1440", `${d.startHours}`);
  assert(d.note!.includes("descending") && d.note!.includes("nside 32"), d.note!);
});

Deno.test("ascending latitudes, Zarr v2, −180 longitudes, lon-lat order, NetCDF4: same fields", async () => {
  const v3 = await tmp("a.zarr");
  await writeZarrV3(v3, BASE);
  const ref = (await loadWeatherbench(v3, era5, { steps: 2, ics: 3 })).reference;
  const asc = { ...BASE, lat: [...BASE.lat].reverse() };
  const v2 = await tmp("b.zarr");
  await writeZarrV2(v2, asc);
  const shifted = await tmp("c.zarr");
  await writeZarrV3(shifted, { ...BASE, lon0: -180 });
  const lonLat = await tmp("e.zarr"); // WeatherBench 2's (time, longitude, latitude) order
  await writeZarrV3(lonLat, { ...asc, lonFirst: true });
  const nc = await tmp("d.nc");
  await writeNetcdf(nc, {
    ...asc,
    units: "days since 2001-03-01",
    time: BASE.time.map((h) => h / 24),
  });
  for (const path of [v2, shifted, lonLat, nc]) {
    const other = await loadDataset(path, era5, { steps: 2, ics: 3 });
    let err = 0;
    for (let k = 0; k < ref.length; k++) {
      err = Math.max(err, Math.abs(other.reference[k] - ref[k]) / Math.abs(ref[k]));
    }
    // Same points in another order: same IDW weights up to float32 rounding of the fields.
    assert(err < 1e-6, `${path}: relative difference ${err}`);
    assert(other.startHours!.join() === "1416,1428,1440", `${path}: ${other.startHours}`);
  }
});

Deno.test("clear errors: missing variable, dims order, time step, truncated chunk, bad steps", async () => {
  const missing = await tmp("m.zarr");
  await writeZarrV3(missing, { ...BASE, omitT2m: true });
  await assertRejects(
    () => loadWeatherbench(missing, era5),
    ShapeError,
    'a variable "2m_temperature"',
  );
  const order = await tmp("o.zarr");
  await writeZarrV3(order, { ...BASE, t2mDims: ["latitude", "time", "longitude"] });
  await assertRejects(
    () => loadWeatherbench(order, era5),
    ShapeError,
    "dimensions (time, latitude, longitude) or (time, longitude, latitude)",
  );
  const hourly3 = await tmp("h.zarr");
  await writeZarrV3(hourly3, { ...BASE, time: BASE.time.map((t) => t / 2) });
  await assertRejects(() => loadWeatherbench(hourly3, era5), ValueRangeError, "time step of 6 h");
  const cut = await tmp("t.zarr");
  await writeZarrV2(cut, BASE);
  const chunk = `${cut}/2m_temperature/0.0.0`;
  const bytes = await Deno.readFile(chunk);
  await Deno.writeFile(chunk, bytes.subarray(0, bytes.length - 100));
  await assertRejects(() => loadWeatherbench(cut, era5), FormatError, "2m_temperature");
  // Compressed chunks decode to the same values; a truncated gzip chunk fails in its codec.
  const gz = await tmp("gz.zarr");
  await writeZarrV2(gz, { ...BASE, gzip: true });
  const plain = await tmp("plain.zarr");
  await writeZarrV2(plain, BASE);
  const [a, b] = [await loadWeatherbench(gz, era5), await loadWeatherbench(plain, era5)];
  assert(a.reference.every((x, k) => x === b.reference[k]), "gzip round trip");
  const gzChunk = `${gz}/2m_temperature/0.0.0`;
  const gzBytes = await Deno.readFile(gzChunk);
  await Deno.writeFile(gzChunk, gzBytes.subarray(0, gzBytes.length - 50));
  await assertRejects(() => loadWeatherbench(gz, era5), FormatError, "gzip");
  await assertRejects(() => loadWeatherbench(missing.replace("m.zarr", "a.zarr"), era5), Error);
  const ok = await tmp("ok.zarr");
  await writeZarrV3(ok, BASE);
  await assertRejects(() => loadWeatherbench(ok, era5, { steps: 9 }), ValueRangeError, "at most 8");
  await assertRejects(
    () => loadWeatherbench(ok, era5, { steps: 4, ics: 6 }),
    ValueRangeError,
    "ics",
  );
});

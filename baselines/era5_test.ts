import { openBackend } from "../harness/onnx/backend.ts";
import { climatologyGraph } from "./era5.ts";
import { climatology, syntheticFields } from "../suites/era5/fields.ts";
import { npix } from "../suites/era5/healpix.ts";

const VARS = ["2m_temperature", "geopotential_500"];
const SCALE = [3, 800];

async function run(bytes: Uint8Array, x: Float32Array, dims: number[]): Promise<Float32Array> {
  const b = await openBackend("wasm");
  const s = await b.createSession(bytes);
  const out = await s.run({ u: b.tensor("float32", x, dims) });
  await s.release();
  return Object.values(out)[0].data as Float32Array;
}

/** M and S from the climatology itself: at d = 15 κ = 1, half a year later κ = −1. */
function patterns(nside: number): { m: Float32Array; s: Float32Array } {
  const hi = climatology({ nside, variables: VARS, hours: [15 * 24] });
  const lo = climatology({ nside, variables: VARS, hours: [(15 + 365.25 / 2) * 24] });
  return { m: hi.map((v, k) => (v + lo[k]) / 2), s: hi.map((v, k) => (v - lo[k]) / 2) };
}

Deno.test("climatology baseline: maps clim(d) to clim(d) for every day of the year", async () => {
  const nside = 4, P = npix(nside), bytes = climatologyGraph(nside, VARS);
  const hours = [0, 800, 2400, 4380, 6000, 8700];
  const x = climatology({ nside, variables: VARS, hours }); // a batch [6, 2, P]
  const y = await run(bytes, x, [hours.length, 2, P]);
  for (let k = 0; k < x.length; k++) {
    const tol = 4e-7 * Math.abs(x[k]) * 8; // float32 arithmetic
    if (!(Math.abs(y[k] - x[k]) <= tol)) throw new Error(`index ${k}: ${y[k]} vs ${x[k]}`);
  }
});

Deno.test("climatology baseline: weighted least-squares phase, clipped, and idempotent", async () => {
  const nside = 8, P = npix(nside), bytes = climatologyGraph(nside, VARS);
  const x = syntheticFields({ nside, variables: VARS, hours: [3000], seed: 4 });
  const { m, s } = patterns(nside);
  // κ̂ = Σ S (x − M)/σ² / Σ S²/σ², float64.
  let num = 0, den = 0;
  for (let k = 0; k < 2 * P; k++) {
    const w = 1 / SCALE[Math.floor(k / P)] ** 2;
    num += w * s[k] * (x[k] - m[k]);
    den += w * s[k] * s[k];
  }
  const kappa = Math.max(-1, Math.min(1, num / den));
  const y = await run(bytes, x, [1, 2, P]);
  for (let k = 0; k < 2 * P; k++) {
    const want = m[k] + kappa * s[k];
    if (!(Math.abs(y[k] - want) <= 3e-6 * Math.abs(want))) {
      throw new Error(`${k}: ${y[k]} vs ${want}`);
    }
  }
  const y2 = await run(bytes, y, [1, 2, P]);
  y2.forEach((v, k) => {
    if (!(Math.abs(v - y[k]) <= 3e-6 * Math.abs(y[k]))) throw new Error(`not idempotent at ${k}`);
  });
  // A state far beyond the seasonal range (cold northern pole, +100 K): κ̂ clips to ±1.
  const hot = x.map((v, k) => v + (k < P ? 100 * (s[k] < 0 ? -1 : 1) : 0));
  const yh = await run(bytes, hot, [1, 2, P]);
  for (let k = 0; k < 2 * P; k += 37) {
    if (!(Math.abs(yh[k] - (m[k] + s[k])) <= 3e-6 * Math.abs(m[k]))) throw new Error(`clip ${k}`);
  }
});

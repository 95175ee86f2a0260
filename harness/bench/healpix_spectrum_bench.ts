/**
 * µs per call of the HEALPix angular power spectrum (`suites/era5/spectrum.ts`
 * `angularPowerSpectrum`) of one synthetic era5 field, at the suite's spectrum band (ℓ ≤ 32) and
 * at the default band 2·nside, for nside 32 and 64: median of `--rounds` rounds of `--calls` calls
 * each, after one warm-up round.
 *
 * `deno run -A harness/bench/healpix_spectrum_bench.ts --rounds 7 --calls 200`
 * @module
 */
import { parseArgs } from "node:util";
import { syntheticFields } from "../../suites/era5/fields.ts";
import { angularPowerSpectrum } from "../../suites/era5/spectrum.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    rounds: { type: "string", default: "7" },
    calls: { type: "string", default: "200" },
  },
});
const R = Number(values.rounds), N = Number(values.calls);
const cases: [number, number][] = [[32, 32], [32, 64], [64, 32], [64, 128]];
const fields = new Map(
  [32, 64].map((nside) => [
    nside,
    syntheticFields({ nside, variables: ["2m_temperature"], hours: [500], seed: 1 }),
  ]),
);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const times = cases.map(() => [] as number[]);
let sink = 0;
for (let r = 0; r <= R; r++) {
  cases.forEach(([nside, lmax], i) => {
    const f = fields.get(nside)!, calls = Math.max(1, Math.round(N * (32 / nside) ** 3));
    const t0 = performance.now();
    for (let k = 0; k < calls; k++) sink += angularPowerSpectrum(f, nside, lmax)[1];
    if (r > 0) times[i].push(((performance.now() - t0) * 1000) / calls);
  });
}
console.log(
  `angularPowerSpectrum, µs per call (medians of ${R} rounds); load ${
    Deno.loadavg().map((x) => x.toFixed(1)).join(" ")
  }${Number.isFinite(sink) ? "" : " (non-finite)"}`,
);
console.log("| nside | lmax | µs per call |\n| --- | --- | --- |");
cases.forEach(([nside, lmax], i) =>
  console.log(`| ${nside} | ${lmax} | ${median(times[i]).toFixed(0)} |`)
);

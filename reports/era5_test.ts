import { renderReport } from "./html.ts";
import { sampleResult } from "./sample_result.ts";
import type { ClientData } from "./chart_spec.ts";
import { MAP_COLUMNS } from "./era5.ts";
import { rasterValues, sphereRaster } from "./sphere.ts";
import { FIXTURE_NSIDE as NSIDE, forecastFixture, reconstructFixture } from "./_era5_fixture.ts";

const reconstructResult = reconstructFixture;

function clientData(page: string): ClientData {
  const m = page.match(/<script type="application\/json" id="emubench-data">([\s\S]*?)<\/script>/);
  if (!m) throw new Error("no data");
  return JSON.parse(m[1]);
}

Deno.test("reconstruct run page: table, RMSE/PSNR vs ratio, spectra, 3 maps per field, no line plots of 768 pixels", async () => {
  const r = await reconstructResult(16);
  const page = renderReport([r]);
  const data = clientData(page);
  for (const id of ['id="reconstruct"', 'id="compression"', 'id="maps"']) {
    if (!page.includes(id)) throw new Error(`missing ${id}`);
  }
  if (page.includes('id="summary"')) throw new Error("step summary on a reconstruct page");
  const rmse = data.charts.find((c) => c.title === "RMSE vs compression ratio")!;
  if (rmse.xScale !== "log" || rmse.series.length !== 2) throw new Error("rmse chart");
  for (const s of rmse.series) {
    const want = r.rows.find((x) => x.metric === "rmse" && x.field === s.label)!.value;
    if (s.x[0] !== 16 || s.y[0] !== want || !s.points) throw new Error(JSON.stringify(s));
  }
  if (!data.charts.some((c) => c.title === "angular power spectrum of z500")) {
    throw new Error("spectrum chart");
  }
  if (data.charts.some((c) => c.xLabel === "grid point i")) throw new Error("1D snapshot plot");
  if (data.maps?.length !== 6) throw new Error(`${data.maps?.length} maps`);
  const [ref, pred, err] = data.maps;
  if (ref.scheme !== "sequential" || err.scheme !== "diverging") throw new Error("schemes");
  if (ref.zDomain.join() !== pred.zDomain.join()) throw new Error("reference and prediction scale");
  if (err.zDomain[0] !== -err.zDomain[1]) throw new Error("error scale not centred on 0");
  if (ref.columns !== MAP_COLUMNS || ref.rows !== MAP_COLUMNS / 2) throw new Error("raster size");
});

Deno.test("map codes decode to the value of the HEALPix pixel under each cell (half a colour step)", async () => {
  const r = await reconstructResult(16);
  const map = clientData(renderReport([r])).maps![0];
  const ref = r.snapshots.find((s) => s.field === "t2m")!.ref;
  const want = rasterValues(sphereRaster(NSIDE, MAP_COLUMNS), ref);
  const codes = atob(map.codes), [z0, z1] = map.zDomain, step = (z1 - z0) / 254;
  let inside = 0;
  want.forEach((v, i) => {
    const c = codes.charCodeAt(i);
    if (v === null) {
      if (c !== 255) throw new Error(`cell ${i}: outside but code ${c}`);
      return;
    }
    inside++;
    if (Math.abs(z0 + c * step - v) > step / 2 + 1e-9) throw new Error(`cell ${i}: ${c} vs ${v}`);
  });
  if (Math.abs(inside / want.length - Math.PI / 4) > 0.01) throw new Error(`inside ${inside}`);
});

Deno.test("comparison of ratios 4, 16, 64: RMSE rises along the ratio axis, error maps share one scale", async () => {
  const results = [
    await reconstructResult(64),
    await reconstructResult(4),
    await reconstructResult(16),
  ];
  const html = renderReport(results);
  const data = clientData(html);
  // The table lists ratios as numbers in order (4, 16, 64), not in the order given (64, 4, 16)
  // nor as strings (16, 4, 64).
  const table = html.slice(html.indexOf('<section id="reconstruct">'));
  const ratios = [
    ...table.slice(0, table.indexOf("</table>")).matchAll(
      /<tr><td[^>]*>[^<]*<\/td><td[^>]*>([^<]*)<\/td>/g,
    ),
  ].map((m) => m[1]);
  if ([...new Set(ratios)].join() !== "4,16,64") throw new Error(`table ratios ${ratios}`);
  const rmse = data.charts.find((c) => c.title === "RMSE vs compression ratio")!;
  for (const s of rmse.series) {
    if (s.x.join() !== "4,16,64") throw new Error(`x ${s.x}`);
    const y = s.y as number[];
    if (!(y[0] < y[1] && y[1] < y[2])) throw new Error(`${s.label}: ${y}`);
  }
  // Per field: the reference and one error map per model.
  if (data.maps?.length !== 2 * (1 + 3)) throw new Error(`${data.maps?.length} maps`);
  const errs = data.maps.filter((m) => m.title.startsWith("t2m error"));
  if (errs.length !== 3 || new Set(errs.map((m) => m.zDomain.join())).size !== 1) {
    throw new Error("error maps of a field must share their scale");
  }
});

Deno.test("era5 forecast: rmse and acc by lead time (hours, days beyond 48 h), maps at the last snapshot step", () => {
  const mk = forecastFixture;
  const short = clientData(renderReport([mk(8)]));
  const rmse = short.charts.find((c) => c.title === "rmse of t2m by lead time")!;
  if (rmse.xLabel !== "lead time (hours)" || rmse.series[0].x.join() !== "6,12,18,24,30,36,42,48") {
    throw new Error(`${rmse.xLabel} ${rmse.series[0].x}`);
  }
  const acc = short.charts.find((c) => c.title === "acc of t2m by lead time")!;
  if (acc.yDomain?.[1] !== 1) throw new Error("acc domain");
  const longPage = renderReport([mk(40)]);
  const long = clientData(longPage);
  const r40 = long.charts.find((c) => c.title === "rmse of t2m by lead time")!;
  if (r40.xLabel !== "lead time (days)" || r40.series[0].x[39] !== 10) throw new Error("days");
  if (long.maps?.length !== 3) throw new Error(`${long.maps?.length} maps`);
  if (!longPage.includes("lead time 240 h (step 40)")) throw new Error("map caption lead time");
  if (long.charts.some((c) => c.xLabel === "grid point i")) throw new Error("1D snapshot plot");
});

Deno.test("submitter text in field and model names is escaped in the era5 sections", async () => {
  const r = await reconstructResult(16, ["<b>t</b>", "z"]);
  r.model.name = "<script>alert(1)</script>";
  const page = renderReport([r]);
  if (page.includes("<b>t</b>") || page.includes("<script>alert")) throw new Error("unescaped");
  if (!page.includes("&lt;b&gt;t&lt;/b&gt;")) throw new Error("escaped name missing");
});

Deno.test("1D results get no era5 sections and no maps", () => {
  const data = clientData(renderReport([sampleResult({ steps: 20, ics: 2 })]));
  if (data.maps !== undefined) throw new Error("maps on a 1D page");
});

import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import type { Result } from "../harness/results/schema.ts";
import type { ClientData } from "./chart_spec.ts";
import { d3Source, d3Version } from "./d3_source.ts";
import { renderReport, writeReport } from "./html.ts";
import { sampleResult } from "./sample_result.ts";

const small = (o: Parameters<typeof sampleResult>[0] = {}) =>
  sampleResult({
    steps: 40,
    ics: 3,
    points: 128,
    summarySteps: [1, 20, 40],
    diverge: { 1: 30 },
    ...o,
  });

const HOSTILE = [
  "<script>alert(1)</script>",
  '"><img src=x onerror=alert(1)>',
  "</script><script>window.__pwned=1</script>",
  "<!-- <script>",
  "a\u2028b\u2029c",
];

/** The page without the inlined d3 bundle (third-party code we do not scan for our markup). */
const withoutD3 = (html: string) => html.replace(d3Source(), "");

function embedded(html: string): ClientData {
  const m = html.match(/<script type="application\/json" id="emubench-data">([^<]*)<\/script>/);
  assert.ok(m, "no data block");
  return JSON.parse(m[1]);
}

Deno.test("d3 bundle is found in the npm package and matches its version", () => {
  const src = d3Source();
  assert.match(d3Version(), /^7\.\d+\.\d+$/);
  assert.ok(src.startsWith(`// https://d3js.org v${d3Version()} `));
  assert.ok(src.length > 200_000);
});

Deno.test("run page: self-contained, three scripts, CSP hashes match them", () => {
  const html = renderReport([small()]);
  assert.ok(html.startsWith("<!doctype html>"));
  assert.ok(html.includes(d3Source()), "d3 inlined verbatim");
  const scripts = [...html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
  assert.equal(scripts.length, 3);
  assert.equal((html.match(/<script/gi) ?? []).length, 3);
  assert.equal(scripts[0][1], ' type="application/json" id="emubench-data"');
  const csp = (html.match(/http-equiv="Content-Security-Policy" content="([^"]*)"/)?.[1] ?? "")
    .replaceAll("&#39;", "'");
  assert.match(csp, /default-src 'none'/);
  for (const [, attrs, body] of scripts.slice(1)) {
    assert.equal(attrs, "");
    const hash = createHash("sha256").update(body).digest("base64");
    assert.ok(csp.includes(`'sha256-${hash}'`), "script hash in CSP");
  }
  assert.ok(!/\b(src|href)=/.test(withoutD3(html)), "no external resources");
});

Deno.test("run page: every figure has chart data; nulls stay null", () => {
  const html = renderReport([small()]);
  const data = embedded(html);
  const ids = [...html.matchAll(/<figure class="chart" data-chart="([^"]+)">/g)].map((m) => m[1]);
  assert.deepEqual(ids, data.charts.map((c) => c.id));
  assert.equal(ids.length, 2 + 2 + 3 + 4);
  const blowUp = data.charts.find((c) => c.title.includes("IC 1, step 30"));
  assert.ok(blowUp, "snapshot at the divergence step");
  assert.ok(blowUp.series[1].y.some((v) => v === null));
  assert.match(html, /<h1>sample-unet<\/h1>/);
  assert.match(html, /1 of 3 ICs diverged/);
  assert.match(html, /IC 1: first NaN\/Inf at step 30/);
});

Deno.test("hostile submitter strings are escaped everywhere", () => {
  for (const evil of HOSTILE) {
    const r = small({ name: evil, description: evil, authors: [evil, "ok"], fields: [evil] });
    r.model.files[0].path = evil;
    r.suite.title = evil;
    r.suite.tier = evil;
    r.config.data = evil;
    r.environment.adapter = evil;
    r.model.carry = [evil];
    const pages = [
      renderReport([r]),
      renderReport([r, { ...r, model: { ...r.model, name: "x" } }]),
    ];
    for (const html of pages) {
      const ours = withoutD3(html);
      if (/[<>"]/.test(evil)) assert.ok(!ours.includes(evil), `raw ${JSON.stringify(evil)}`);
      assert.equal((ours.match(/<script/gi) ?? []).length, 3);
      assert.equal((ours.match(/<\/script/gi) ?? []).length, 3);
      assert.ok(!/<img|<!--/i.test(ours));
      // Inside script elements not even the JavaScript line terminators appear raw.
      const scripts = [...ours.matchAll(/<script[^>]*>([\s\S]*?)<\/script>/g)].map((m) => m[1]);
      assert.ok(scripts.every((body) => !/[\u2028\u2029]/.test(body)));
      // The data block round-trips the strings for `.text()` on the client.
      assert.ok(JSON.stringify(embedded(html)).includes(JSON.stringify(evil).slice(1, -1)));
    }
  }
});

Deno.test("comparison page: models table, comparison table, overlays", () => {
  const a = small({ name: "unet" });
  const b = small({ name: "fno", phaseError: 0.01, diverge: { 0: 25, 1: 25, 2: 35 } });
  const html = renderReport([a, b]);
  assert.match(html, /<h1>1D linear convection \(periodic\): 2 models<\/h1>/);
  assert.match(html, /<section id="models">/);
  assert.match(html, /<section id="comparison">/);
  const data = embedded(html);
  assert.equal(data.charts.length, 2 + 3 + 3 + 3);
  const nrmse = data.charts[1];
  assert.deepEqual(nrmse.series.map((s) => s.label), ["unet", "fno"]);
  assert.ok(nrmse.series[1].y.slice(34).every((v) => v === null));
});

Deno.test("renderReport is deterministic and honours title and headline", () => {
  const r = [small(), small({ name: "b" })];
  assert.equal(renderReport(r), renderReport(r));
  const html = renderReport(r, { title: "T <1>", headline: "mse" });
  assert.match(html, /<title>T &lt;1&gt;<\/title>/);
  assert.match(html, /<span class="mono">mse<\/span> \(mean over ICs\)/);
});

Deno.test("renderReport refuses bad input with a message naming the problem", () => {
  assert.throws(() => renderReport([]), { name: "RangeError", message: /at least one result/ });
  const other = small();
  other.suite = { ...other.suite, id: "burgers1d" };
  assert.throws(() => renderReport([small(), other]), {
    name: "RangeError",
    message: /different suites: found convection1d, burgers1d/,
  });
  const bad = { ...small(), schema: "emubench.result/0" } as unknown as Result;
  assert.throws(() => renderReport([bad]), {
    name: "TypeError",
    message:
      /result 0: expected schema "emubench.result\/2" or "emubench.result\/1", found "emubench.result\/0"/,
  });
  const noRows = { ...small(), rows: undefined } as unknown as Result;
  assert.throws(() => renderReport([noRows]), { name: "TypeError", message: /array "rows"/ });
});

Deno.test("writeReport writes the page atomically, leaving no temporary files", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/sub/report.html`;
    await writeReport(path, [small()]);
    await writeReport(path, [small({ name: "second" })]);
    const html = await Deno.readTextFile(path);
    assert.match(html, /<h1>second<\/h1>/);
    const names = [...Deno.readDirSync(`${dir}/sub`)].map((e) => e.name);
    assert.deepEqual(names, ["report.html"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

/** `r` as a schema 1 file had it: no catalogue, no grid / spectrum / energy in the suite block. */
function asV1(r: Result): Result {
  const { catalogue: _c, ...rest } = r;
  const { grid: _g, spectrum: _s, energy: _e, ...suite } = r.suite;
  return JSON.parse(JSON.stringify({ ...rest, schema: "emubench.result/1", suite }));
}

Deno.test("an old result (schema 1, no catalogue) still renders, with a visible note", () => {
  const now = small();
  const old = asV1(now);
  const page = renderReport([old]);
  assert.match(
    page,
    /<p class="note" role="note"><strong>Note<\/strong> \(every result\): This result was written before results carried their metric catalogue/,
  );
  assert.match(page, /schema emubench\.result\/1\)/);
  // The same figures as the schema 2 file: the report reads no suite registry.
  const charts = (html: string) => embedded(html).charts.map((c) => [c.title, c.xLabel, c.yLabel]);
  assert.deepEqual(charts(page), charts(renderReport([now])));
  // A schema 2 object without its catalogue is refused, not guessed.
  const { catalogue: _, ...bare } = now;
  assert.throws(() => renderReport([bare as Result]), {
    name: "TypeError",
    message: /expected object "catalogue"/,
  });
});

Deno.test("report pages take spectrum names and the energy definition from the result file", () => {
  const r = small();
  const mine = {
    ...r,
    suite: {
      ...r.suite,
      spectrum: { name: "angular power spectrum", x: "degree ℓ", y: "C_ℓ" },
      energy: "Σ<b>x</b>",
    },
  };
  const data = embedded(renderReport([mine]));
  const spec = data.charts.find((c) => c.title.startsWith("angular power spectrum of u"));
  assert.ok(spec, data.charts.map((c) => c.title).join("; "));
  assert.equal(spec.xLabel, "degree ℓ");
  const page = renderReport([mine]);
  assert.match(page, /Suite-defined energy of u \(E = Σ&lt;b&gt;x&lt;\/b&gt;\)/);
});

Deno.test({
  name: "emubench report validates as deeply as the gate: a tampered result is refused (exit 2)",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const { main } = await import("../harness/cli/main.ts");
    const { modelHash } = await import("../harness/results/check.ts");
    const dir = await Deno.makeTempDir({ prefix: "emubench-report-" });
    const errors: string[] = [];
    const orig = console.error;
    console.error = (...a: unknown[]) => errors.push(a.join(" "));
    try {
      const r = small({ diverge: {} });
      const sound = { ...r, model: { ...r.model, sha256: modelHash(r.model.files) } };
      await Deno.writeTextFile(`${dir}/ok.json`, JSON.stringify(sound));
      assert.equal(await main(["report", `${dir}/ok.json`, "--out", `${dir}/ok.html`]), 0);
      // An edited headline number: the mean no longer matches its per-IC rows.
      const i = sound.rows.findIndex((x) =>
        x.metric === "nrmse" && x.reduction === "mean_over_ics" && x.step === 20
      );
      const tampered = structuredClone(sound);
      tampered.rows[i].value = tampered.rows[i].value! / 2;
      await Deno.writeTextFile(`${dir}/bad.json`, JSON.stringify(tampered));
      assert.equal(await main(["report", `${dir}/bad.json`, "--out", `${dir}/bad.html`]), 2);
      assert.match(errors.join("\n"), /bad\.json: rows\[\d+\] \(nrmse u step 20\).*per-IC rows/);
      // A flipped catalogue entry is a wrong shape, refused too.
      const flipped = structuredClone(sound);
      (flipped.catalogue.nrmse as { direction: string }).direction = "sideways";
      await Deno.writeTextFile(`${dir}/flip.json`, JSON.stringify(flipped));
      assert.equal(await main(["report", `${dir}/flip.json`, "--out", `${dir}/f.html`]), 2);
      assert.match(errors.join("\n"), /flip\.json: catalogue\.nrmse/);
      assert.equal(await Deno.stat(`${dir}/bad.html`).then(() => true, () => false), false);
    } finally {
      console.error = orig;
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test("run page: a result with device reductions says so, escaped, and one without does not", () => {
  const plain = renderReport([small()]);
  assert.ok(!plain.includes("Device reductions"));
  const r: Result = {
    ...small(),
    reductions: {
      where: "device",
      precision: "float32",
      backend: "webgpu [<gpu>]",
      note: "",
      omitted: [
        { family: "scorer", metrics: ["spectrum_error"], because: "needs every spectrum" },
        { family: "diagnostics", because: "it needs the full state of every step" },
      ],
    },
  };
  const html = renderReport([r]);
  assert.ok(html.includes("<strong>Device reductions</strong>"));
  assert.ok(html.includes("webgpu [&lt;gpu&gt;] in float32"), "backend escaped");
  assert.ok(html.includes("spectrum_error (needs every spectrum); diagnostics (it needs"));
});

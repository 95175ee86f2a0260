/**
 * Opens written reports in headless Chromium (playwright-core, `chromium.launch` with a fresh
 * temporary profile) with every request except the report file itself blocked, and fails on any
 * console error, page error, failed or outside request. Checks that every chart rendered with
 * non-empty paths, that gaps stay gaps, that hostile submitter strings did not execute, and
 * saves screenshots under `out/screenshots/`. Ignored (not passed) without /usr/bin/chromium.
 */
import assert from "node:assert/strict";
import type { Browser } from "playwright-core";
import { haveChromium, launchChromium, layoutFaults, openOffline, SHOTS } from "./_browser.ts";
import { writeReport } from "./html.ts";
import { sampleResult } from "./sample_result.ts";
import { sampleResult2D } from "./sample_result_2d.ts";
import { forecastFixture, reconstructFixture } from "./_era5_fixture.ts";

const HOSTILE_NAME = `<img src=x onerror="window.__pwned=1">"><script>window.__pwned=2</script>`;
const HOSTILE_TEXT =
  "</script><script>window.__pwned=3</script><!-- \u2028 '\"><svg onload=window.__pwned=4>";

interface PageReport {
  figures: number;
  rendered: number;
  emptyCharts: string[];
  pwned: unknown;
  imgs: number;
  handlers: number;
  h1: string;
  scrollWidth: number;
  segments: Record<string, number>;
  /** Heatmap figures, and those whose painted image is a real PNG (not an empty canvas). */
  heatmaps: number;
  paintedHeatmaps: number;
  /** Sphere maps, and those with a painted raster, an outline and a graticule path. */
  maps: number;
  paintedMaps: number;
  /** Drawn IQR bands (`path.band` with a non-trivial path), by chart id. */
  bands: Record<string, number>;
  /** Layout faults: see `layoutFaults` in `_browser.ts`. */
  faults: string[];
}

/** Open `file` at `width`, fail on any error or request other than the file, return facts. */
async function inspect(
  browser: Browser,
  file: string,
  width: number,
  screenshot?: string,
): Promise<PageReport> {
  const { page, problems, context } = await openOffline(browser, file, width);
  try {
    const faults = await page.evaluate(layoutFaults);
    const facts: Omit<PageReport, "faults"> = await page.evaluate(() => {
      // Runs in the page; Deno's type library has no DOM.
      // deno-lint-ignore no-explicit-any
      const document = (globalThis as any).document;
      const figures = [...document.querySelectorAll("figure[data-chart]")];
      const segments: Record<string, number> = {};
      for (const f of figures) {
        const id = f.getAttribute("data-chart") ?? "";
        // Number of separate line pieces per chart: gaps split a path into several "M" runs.
        segments[id] = [...f.querySelectorAll("path.series")]
          .map((p) => (p.getAttribute("d")?.match(/M/g) ?? []).length)
          .reduce((a, b) => Math.max(a, b), 0);
      }
      return {
        figures: figures.length,
        rendered: document.querySelectorAll("figure[data-chart] svg[data-rendered]").length,
        emptyCharts: figures
          .filter((f) =>
            ![...f.querySelectorAll("path.series")].some((p) =>
              (p.getAttribute("d") ?? "").length > 10
            ) && !f.querySelector("image.heatmap") && !f.querySelector("image.sphere-raster")
          )
          .map((f) => f.getAttribute("data-chart") ?? "?"),
        heatmaps: document.querySelectorAll("figure.heatmap").length,
        paintedHeatmaps: [...document.querySelectorAll("figure.heatmap image.heatmap")]
          .filter((i) => (i.getAttribute("href") ?? "").startsWith("data:image/png;base64,"))
          .filter((i) => (i.getAttribute("href") ?? "").length > 300).length,
        maps: document.querySelectorAll("figure.sphere-map").length,
        paintedMaps: [...document.querySelectorAll("figure.sphere-map")]
          .filter((f) =>
            (f.querySelector("image.sphere-raster")?.getAttribute("href") ?? "").length > 300 &&
            (f.querySelector("path.outline")?.getAttribute("d") ?? "").length > 20 &&
            (f.querySelector("path.graticule")?.getAttribute("d") ?? "").length > 20
          ).length,
        pwned: (globalThis as unknown as { __pwned?: unknown }).__pwned,
        imgs: document.querySelectorAll("img").length,
        handlers: document.querySelectorAll("[onerror],[onload]").length,
        h1: document.querySelector("h1")?.textContent ?? "",
        scrollWidth: document.documentElement.scrollWidth,
        segments,
        bands: Object.fromEntries(
          figures.map((f) => [
            f.getAttribute("data-chart") ?? "?",
            [...f.querySelectorAll("path.band")]
              .filter((p) => /^M[^Z]*L.*Z/.test(p.getAttribute("d") ?? "")).length,
          ]).filter(([, n]) => n > 0),
        ),
      };
    });
    if (screenshot) {
      await Deno.mkdir(SHOTS, { recursive: true });
      await page.screenshot({ path: new URL(screenshot, SHOTS).pathname, fullPage: true });
    }
    assert.deepEqual(problems, [], `problems on ${file} at ${width}px`);
    return { ...facts, faults };
  } finally {
    await context.close();
  }
}

Deno.test({
  name: "browser: run and comparison reports render offline, no errors, no injection",
  ignore: !haveChromium,
  // playwright keeps its pipe to Chromium and timers alive between awaits.
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "emubench-report-" });
    const browser = await launchChromium();
    try {
      const a = sampleResult({ name: "unet-64", description: "U-Net, 64 channels, 4 levels." });
      const b = sampleResult({
        name: "fno-lite",
        description: "Fourier neural operator, 16 modes.",
        phaseError: 0.006,
        noiseGrowth: 30,
        diverge: { 0: 120, 1: 120, 2: 120, 3: 170 },
      });

      // Run page: 2 error + 1 split + 1 energy + 5 spectra + 6 snapshots.
      await writeReport(`${dir}/run.html`, [a]);
      const run = await inspect(browser, `${dir}/run.html`, 1280, "report.png");
      assert.deepEqual(run.faults, [], "cut-off or overlapping layout");
      assert.equal(run.figures, 15);
      assert.equal(run.rendered, 15);
      assert.deepEqual(run.emptyCharts, []);
      assert.equal(run.h1, "unet-64");
      // The snapshot at IC 2's divergence step has a NaN hole: its prediction is two pieces.
      assert.ok(Object.values(run.segments).some((n) => n >= 2), JSON.stringify(run.segments));
      // The IQR band across ICs under both error curves (mse, nrmse), none elsewhere.
      assert.deepEqual(Object.values(run.bands), [1, 1], JSON.stringify(run.bands));

      const phone = await inspect(browser, `${dir}/run.html`, 390, "report-390.png");
      assert.deepEqual(phone.faults, [], "cut-off or overlapping layout");
      assert.equal(phone.rendered, 15);
      assert.ok(phone.scrollWidth <= 390, `page is ${phone.scrollWidth}px wide at 390px`);

      // Comparison page: 2 error + 2 split + 1 energy + 5 spectra + 5 shared snapshots. The
      // second model has no finite mean from step 170: its curves stop there (several pieces
      // nowhere, but no zeros either: a gap ends the path).
      await writeReport(`${dir}/compare.html`, [a, b]);
      const cmp = await inspect(browser, `${dir}/compare.html`, 1280, "compare.png");
      assert.deepEqual(cmp.faults, [], "cut-off or overlapping layout");
      assert.equal(cmp.figures, 15);
      assert.equal(cmp.rendered, 15);
      assert.deepEqual(cmp.emptyCharts, []);
      // A band per model under the error and split curves: 2 error + 2 split panels.
      assert.deepEqual(Object.values(cmp.bands), [2, 2, 2, 2], JSON.stringify(cmp.bands));

      // Hostile submitter strings everywhere a submitter controls text.
      const evil = sampleResult({
        name: HOSTILE_NAME,
        description: HOSTILE_TEXT,
        authors: [HOSTILE_NAME, HOSTILE_TEXT],
        fields: [`u"><img src=x onerror=window.__pwned=5>`],
        steps: 60,
        summarySteps: [1, 30, 60],
        diverge: { 1: 40 },
      });
      evil.model.files[0].path = `"><img src=x onerror=window.__pwned=6>.onnx`;
      evil.suite.title = HOSTILE_TEXT;
      evil.config.data = HOSTILE_NAME;
      evil.environment.adapter = HOSTILE_TEXT;
      await writeReport(`${dir}/evil.html`, [evil]);
      const bad = await inspect(browser, `${dir}/evil.html`, 1024, "report-hostile.png");
      assert.equal(bad.pwned, undefined);
      assert.equal(bad.imgs, 0);
      assert.equal(bad.handlers, 0);
      assert.equal(bad.h1, HOSTILE_NAME);
      // Hostile names may be cut (two lines at most), but nothing overflows or overlaps.
      assert.deepEqual(bad.faults.filter((f) => !f.includes("label cut")), []);
      assert.deepEqual(bad.emptyCharts, []);
      await writeReport(`${dir}/evil-cmp.html`, [evil, {
        ...evil,
        model: { ...evil.model, name: HOSTILE_TEXT },
      }]);
      const bad2 = await inspect(browser, `${dir}/evil-cmp.html`, 1024);
      assert.equal(bad2.pwned, undefined);
      assert.equal(bad2.imgs, 0);
      assert.equal(bad2.handlers, 0);
    } finally {
      await browser.close();
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "browser: 2D report draws heatmaps (space–time diagram, snapshots) offline, no errors",
  ignore: !haveChromium,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "emubench-report-2d-" });
    const browser = await launchChromium();
    try {
      // IC 0 diverges at step 32: hatched rows at the top of the prediction panels.
      const a = sampleResult2D({ diverge: { 0: 32 } });
      const b = sampleResult2D({ name: "linear-extrapolation", phaseError: 0, history: 2 });
      // Run page: 6 error + 3 split + 1 energy + 2 drift + 9 spectra line charts (summary steps
      // 1, 10, 25 of 40 × 3 fields); 3 Hovmöller
      // + 9 snapshot heatmaps (3 fields × step 25; step 40 is after the divergence).
      await writeReport(`${dir}/run2d.html`, [a]);
      const run = await inspect(browser, `${dir}/run2d.html`, 1280, "report-2d.png");
      assert.deepEqual(run.faults, [], "cut-off or overlapping layout");
      assert.equal(run.heatmaps, 12);
      assert.equal(run.paintedHeatmaps, 12);
      assert.equal(run.rendered, run.figures);
      assert.equal(run.figures, 21 + 12);
      assert.deepEqual(run.emptyCharts, []);
      // Rows from the real scorer: a band under each of the 6 error curves (3 fields × 2).
      assert.equal(Object.keys(run.bands).length, 6, JSON.stringify(run.bands));
      const phone = await inspect(browser, `${dir}/run2d.html`, 390, "report-2d-390.png");
      assert.deepEqual(phone.faults, [], "cut-off or overlapping layout");
      assert.equal(phone.paintedHeatmaps, 12);
      assert.ok(phone.scrollWidth <= 390, `page is ${phone.scrollWidth}px wide at 390px`);
      // Comparison: reference once, then prediction and difference per model.
      await writeReport(`${dir}/compare2d.html`, [a, b]);
      const cmp = await inspect(browser, `${dir}/compare2d.html`, 1280, "compare-2d.png");
      assert.deepEqual(cmp.faults, [], "cut-off or overlapping layout");
      assert.equal(cmp.heatmaps, 5 + 3 * 5);
      assert.equal(cmp.paintedHeatmaps, cmp.heatmaps);
      assert.deepEqual(cmp.emptyCharts, []);
    } finally {
      await browser.close();
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "browser: era5 reconstruct and forecast reports draw sphere maps offline, no errors",
  ignore: !haveChromium,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "emubench-report-era5-" });
    const browser = await launchChromium();
    try {
      // Reconstruct run page: RMSE and PSNR vs ratio + 2 spectra; 2 fields × 3 maps.
      const r16 = await reconstructFixture(16);
      await writeReport(`${dir}/recon.html`, [r16]);
      const run = await inspect(browser, `${dir}/recon.html`, 1280, "report-era5-reconstruct.png");
      assert.deepEqual(run.faults, [], "cut-off or overlapping layout");
      assert.equal(run.maps, 6);
      assert.equal(run.paintedMaps, 6);
      assert.equal(run.figures, 4 + 6);
      assert.equal(run.rendered, run.figures);
      assert.deepEqual(run.emptyCharts, []);
      const phone = await inspect(browser, `${dir}/recon.html`, 390, "report-era5-390.png");
      assert.deepEqual(phone.faults, [], "cut-off or overlapping layout");
      assert.equal(phone.paintedMaps, 6);
      assert.ok(phone.scrollWidth <= 390, `page is ${phone.scrollWidth}px wide at 390px`);
      // Comparison over ratios 4, 16, 64: per field the reference and 3 error maps.
      const results = [await reconstructFixture(4), r16, await reconstructFixture(64)];
      await writeReport(`${dir}/recon-cmp.html`, results);
      const cmp = await inspect(browser, `${dir}/recon-cmp.html`, 1280, "compare-era5.png");
      assert.deepEqual(cmp.faults, [], "cut-off or overlapping layout");
      assert.equal(cmp.paintedMaps, 2 * 4);
      assert.deepEqual(cmp.emptyCharts, []);
      // Forecast page: rmse and acc by lead time and the maps at the last lead time.
      await writeReport(`${dir}/forecast.html`, [forecastFixture(40)]);
      const fc = await inspect(browser, `${dir}/forecast.html`, 1280, "report-era5-forecast.png");
      assert.deepEqual(fc.faults, [], "cut-off or overlapping layout");
      assert.equal(fc.paintedMaps, 3);
      assert.deepEqual(Object.values(fc.bands), [1, 1], "rmse and acc bands by lead time");
      assert.equal(fc.rendered, fc.figures);
      assert.deepEqual(fc.emptyCharts, []);
      // Hostile field and model names on the maps.
      const evil = await reconstructFixture(16, [`t"><img src=x onerror=window.__pwned=7>`, "z"]);
      evil.model.name = HOSTILE_NAME;
      await writeReport(`${dir}/evil-era5.html`, [evil]);
      const bad = await inspect(browser, `${dir}/evil-era5.html`, 1024);
      assert.equal(bad.pwned, undefined);
      assert.equal(bad.imgs, 0);
      assert.equal(bad.handlers, 0);
      assert.equal(bad.paintedMaps, 6);
    } finally {
      await browser.close();
      await Deno.remove(dir, { recursive: true });
    }
  },
});

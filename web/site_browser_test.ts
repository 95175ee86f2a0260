/**
 * The web page end to end in Debian's Chromium: build it (`buildSite`), serve it on 127.0.0.1,
 * upload a model through the file input (and, for the rerun, as a folder through the folder
 * input), cancel one evaluation, evaluate the smoke tier of burgers1d (and
 * shallow_water2d with EMUBENCH_SLOW=1) on wasm in the page's worker, and compare the result's rows with the CLI's
 * (`evaluate` on the same .onnx file). A second run of the same suite must read the reference
 * from IndexedDB, and its reference features (stored there by the first). No console error, no request outside the page's origin. Skipped without
 * Chromium. Prints time to first result and the bytes the page loaded.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { CHROMIUM, haveChromium, launchChromium, SHOTS } from "../reports/_browser.ts";
import { buildSite } from "./build.ts";
import { serveStatic } from "./serve.ts";
import { evaluate } from "../harness/tasks/run.ts";
import { getBaseline } from "../baselines/mod.ts";
import { getSuite } from "../suites/mod.ts";
import type { Result } from "../harness/results/schema.ts";
import { checkResult } from "../harness/results/check.ts";
import { SLOW } from "../fixtures/slow.ts";

/** burgers1d always; shallow_water2d (a 2D reference generated in the page) in the slow tier. */
const SUITES = SLOW ? ["burgers1d", "shallow_water2d"] : ["burgers1d"];
const ROOT = new URL("..", import.meta.url).pathname;
const CACHE = Deno.env.get("EMUBENCH_CACHE") ?? join(ROOT, ".cache", "emubench");
Deno.test({
  name: `web page: uploaded .onnx on wasm gives the CLI's rows (${SUITES.join(", ")} smoke)`,
  ignore: !haveChromium,
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const tmp = await Deno.makeTempDir();
    const site = join(tmp, "site");
    const files = await buildSite(site);
    const server = serveStatic(site);
    const browser = await launchChromium();
    const problems: string[] = [];
    const loaded = new Map<string, number>();
    try {
      const context = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
      await context.route("**/*", (route) => {
        const u = route.request().url();
        if (new URL(u).origin === server.origin || u.startsWith("blob:")) return route.continue();
        problems.push(`request outside the page's origin: ${u}`);
        return route.abort();
      });
      const page = await context.newPage();
      page.on("console", (m) => {
        if (m.type() === "error" || m.type() === "warning") {
          problems.push(`console ${m.type()}: ${m.text()}`);
        }
      });
      page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
      page.on("requestfailed", (r) => problems.push(`request failed: ${r.url()}`));
      page.on("requestfinished", async (r) => {
        const s = await r.sizes().catch(() => null);
        if (s) loaded.set(new URL(r.url()).pathname, s.responseBodySize);
      });
      await page.goto(`${server.origin}/`);
      await page.waitForFunction(
        // deno-lint-ignore no-explicit-any
        () => (globalThis as any).document.getElementById("status").textContent.startsWith("ready"),
        undefined,
        { timeout: 20_000 },
      );
      const times: string[] = [];
      for (const suiteId of SUITES) {
        const suite = getSuite(suiteId);
        const model = await getBaseline("coarse_solver", suiteId).build(suite);
        assert.equal(model.manifest.history, 1);
        const onnx = join(tmp, `coarse_${suiteId}.onnx`);
        await Deno.writeFile(onnx, model.graphs.step.bytes);
        const cli = (await evaluate({
          suite: suiteId,
          model: onnx,
          tier: "smoke",
          backend: "wasm",
          cacheDir: CACHE,
        })).result;

        // The same model as a folder (emulator.json + its graph), for the folder input.
        const folder = join(tmp, `folder_${suiteId}`);
        await Deno.mkdir(folder, { recursive: true });
        await Deno.copyFile(onnx, join(folder, "step.onnx"));
        await Deno.writeTextFile(
          join(folder, "emulator.json"),
          JSON.stringify({
            name: `folder_${suiteId}`,
            suite: suiteId,
            graphs: { step: "step.onnx" },
          }),
        );

        const runOnce = async (input: "#file" | "#folder" = "#file") => {
          await page.setInputFiles(input, input === "#file" ? onnx : folder);
          await page.selectOption("#suite", suiteId);
          await page.selectOption("#tier", "smoke");
          await page.selectOption("#backend", "wasm");
          await page.click("#run");
          await page.waitForFunction(
            // deno-lint-ignore no-explicit-any
            () => ["done", "error"].includes((globalThis as any).document.body.dataset.state),
            undefined,
            { timeout: 120_000 },
          );
          const state = await page.evaluate(() =>
            // deno-lint-ignore no-explicit-any
            (globalThis as any).document.body.dataset.state
          );
          assert.equal(state, "done", await page.textContent("#error") ?? "");
          const text = await page.evaluate(async () => {
            // deno-lint-ignore no-explicit-any
            const a = (globalThis as any).document.getElementById("result-link");
            return await (await fetch(a.href)).text();
          });
          const seconds = Number(
            // deno-lint-ignore no-explicit-any
            await page.evaluate(() => (globalThis as any).document.body.dataset.seconds),
          );
          const log = await page.textContent("#log") ?? "";
          return { result: JSON.parse(text) as Result, seconds, log };
        };

        if (suiteId === "burgers1d") {
          // Cancel stops the evaluation at once and leaves the page ready for the next one.
          await page.setInputFiles("#file", onnx);
          await page.selectOption("#suite", suiteId);
          await page.selectOption("#tier", "smoke");
          await page.click("#run");
          await page.click("#cancel");
          await page.waitForFunction(
            // deno-lint-ignore no-explicit-any
            () => (globalThis as any).document.body.dataset.state === "cancelled",
            undefined,
            { timeout: 5_000 },
          );
          assert.equal(await page.textContent("#status"), "cancelled");
          assert.equal(await page.isEnabled("#run"), true, "Evaluate is enabled again");
          assert.equal(await page.isDisabled("#cancel"), true, "Cancel is disabled again");
          // The restarted worker announces itself; the suite and tier chosen stay chosen.
          await page.waitForFunction(
            () =>
              // deno-lint-ignore no-explicit-any
              (globalThis as any).document.getElementById("status").textContent.startsWith("ready"),
            undefined,
            { timeout: 20_000 },
          );
          assert.equal(await page.inputValue("#suite"), suiteId);
          assert.equal(await page.inputValue("#tier"), "smoke");
        }
        const first = await runOnce();
        const web = first.result;
        checkResult(web, "result.json from the page"); // throws on any problem
        assert.equal(web.environment.backend, "wasm");
        assert.equal(web.model.sha256, cli.model.sha256, "same model hash");
        assert.equal(web.rows.length, cli.rows.length);
        assert.deepEqual(web.rows, cli.rows, `${suiteId}: rows equal the CLI's`);
        assert.deepEqual(web.divergence, cli.divergence);
        assert.deepEqual(web.snapshots, cli.snapshots);
        // The report is drawn in place: its charts render inside the iframe.
        await page.frameLocator("#report").locator("figure[data-chart] svg[data-rendered]").first()
          .waitFor({ state: "attached", timeout: 15_000 });
        // Attached is not laid out: wait for the report's title to be visible before the shot.
        await page.frameLocator("#report").locator("h1").waitFor({
          state: "visible",
          timeout: 15_000,
        });
        await page.waitForTimeout(200);
        await page.screenshot({ path: new URL(`web_${suiteId}.png`, SHOTS).pathname });

        let again = "";
        if (suiteId === "burgers1d") {
          // A second evaluation of the same suite and tier reads the reference from IndexedDB;
          // the model comes as a folder this time (emulator.json + step.onnx): same rows.
          const second = await runOnce("#folder");
          assert.equal(second.result.model.name, "folder_burgers1d");
          // The second report is drawn too (a reused frame once stayed blank).
          await page.frameLocator("#report").locator("h1").waitFor({
            state: "visible",
            timeout: 15_000,
          });
          assert.match(second.result.config.data, /cache hit/, "second run reads IndexedDB");
          // The reference features too: stored in IndexedDB, read by this run. Usually the first
          // run stores them; on a slow machine the cancelled evaluation above may already have
          // stored the reference and its features before the cancel reached its worker, and then
          // the first run reads them too.
          assert.match(first.log, /reference features: (computed and stored|read)/, first.log);
          assert.match(second.log, /reference features: read/, second.log);
          assert.doesNotMatch(first.log + second.log, /warning/, "no features warning");
          assert.deepEqual(second.result.rows, cli.rows);
          again = `, ${second.seconds.toFixed(2)} s with the IndexedDB reference`;
        }
        times.push(
          `${suiteId} smoke: first result ${first.seconds.toFixed(2)} s (reference generated)` +
            `${again}; CLI ${cli.timings.totalSeconds.toFixed(2)} s (cached reference); ` +
            `IC-steps/s wasm page ${web.timings.stepsPerSecond.toFixed(1)} vs CLI ${
              cli.timings.stepsPerSecond.toFixed(1)
            }`,
        );
      }
      await context.close();
      const total = [...loaded.values()].reduce((a, b) => a + b, 0);
      console.log(times.join("\n"));
      console.log(
        `page loaded ${loaded.size} files, ${(total / 2 ** 20).toFixed(2)} MiB ` +
          `(site ${files.length} files); Chromium ${CHROMIUM}`,
      );
      assert.deepEqual(problems, []);
    } catch (e) {
      throw new Error(`${e}\nproblems seen: ${problems.join("\n")}`);
    } finally {
      await browser.close();
      await server.close();
      await Deno.remove(tmp, { recursive: true });
    }
  },
});

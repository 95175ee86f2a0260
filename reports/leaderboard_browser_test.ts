/**
 * Opens every page of a leaderboard site built from real smoke runs and hostile results in
 * headless Chromium (playwright-core) with every request but the page itself blocked. Fails on
 * any console error (CSP violations included), page error or outside request; checks that no
 * submitter string ran (`window.__pwned`), that there is no `<img>`, no inline event handler
 * and no `javascript:` link, that links stay inside the site, that the ranking table sorts on
 * click, and that the index fits a 390 px phone. By default the run pages visited are the hostile
 * ones and one plain one; `EMUBENCH_SLOW=1` visits every page. Screenshots go to
 * `out/screenshots/leaderboard*.png`. Ignored (not passed) without /usr/bin/chromium.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Browser, Page } from "playwright-core";
import { haveChromium, launchChromium, layoutFaults, openOffline, SHOTS } from "./_browser.ts";
import { buildLeaderboard } from "./leaderboard.ts";
import { makeResultsDir } from "./_leaderboard_fixture.ts";
import { SLOW } from "../fixtures/slow.ts";

interface Facts {
  pwned: unknown;
  imgs: number;
  handlers: string[];
  badLinks: string[];
  links: string[];
  figures: number;
  rendered: number;
  scrollWidth: number;
  h1: string;
  /** `layoutFaults` of the page (`_browser.ts`). */
  faults: string[];
}

/** Open `file` at `width`; fail on errors or outside requests; return facts about the DOM. */
async function visit(
  browser: Browser,
  file: string,
  width: number,
  opts: { screenshot?: string; act?: (page: Page) => Promise<void>; siteRoot?: string } = {},
): Promise<Facts> {
  const height = width < 600 ? 844 : 900;
  const { page, problems, context } = await openOffline(
    browser,
    file,
    width,
    height,
    opts.siteRoot,
  );
  try {
    if (opts.act) await opts.act(page);
    const faults = await page.evaluate(layoutFaults);
    const facts: Omit<Facts, "faults"> = await page.evaluate(() => {
      // deno-lint-ignore no-explicit-any
      const d = (globalThis as any).document;
      const all = [...d.querySelectorAll("*")];
      const links = [...d.querySelectorAll("[href]")].map((a) => a.getAttribute("href") ?? "");
      return {
        pwned: (globalThis as unknown as { __pwned?: unknown }).__pwned,
        imgs: d.querySelectorAll("img, image, iframe, object, embed").length,
        handlers: all.flatMap((el) =>
          [...el.attributes].map((a) => a.name).filter((n) => n.toLowerCase().startsWith("on"))
        ),
        badLinks: links.filter((h) => /^\s*(javascript|data|vbscript):/i.test(h)),
        links,
        figures: d.querySelectorAll("figure[data-chart]").length,
        rendered: d.querySelectorAll("figure[data-chart] svg[data-rendered]").length,
        scrollWidth: d.documentElement.scrollWidth,
        h1: d.querySelector("h1")?.textContent ?? "",
      };
    });
    if (opts.screenshot) {
      await Deno.mkdir(SHOTS, { recursive: true });
      await page.screenshot({ path: new URL(opts.screenshot, SHOTS).pathname, fullPage: true });
    }
    assert.deepEqual(problems, [], `problems on ${file} at ${width}px`);
    return { ...facts, faults };
  } finally {
    await context.close();
  }
}

/** The `data-v` of column `col` of the convection table's rows, in display order. */
function columnValues(page: Page, col: number): Promise<string[]> {
  return page.evaluate((c) => {
    // deno-lint-ignore no-explicit-any
    const d = (globalThis as any).document;
    const table = d.querySelector("section[id^='suite-convection1d'] table.board");
    return [...table.tBodies[0].rows].map((r) => r.cells[c].dataset.v ?? "");
  }, col);
}

Deno.test({
  name: "browser: leaderboard pages render offline, sort on click, and run no submitter code",
  ignore: !haveChromium,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const fixture = await makeResultsDir();
    const out = join(fixture.dir, "site");
    const site = await buildLeaderboard(fixture.dir, out, { resamples: 200 });
    assert.equal(site.skipped.length, fixture.bad.length);
    const browser = await launchChromium();
    try {
      const siteUrl = pathToFileURL(out + "/").href;
      // Pages only: the site also holds leaderboard.json/.csv and the shared assets/ the pages
      // load (allowed as requests inside the site root).
      // By default the index, every comparison page, the hostile run pages and one plain run
      // page (the run pages share one template); every page with EMUBENCH_SLOW=1.
      const html = site.pages.filter((p) => p.endsWith(".html"));
      const plainRun = html.find((p) => p.startsWith("runs/") && !/pwned|evil|hostile/.test(p));
      const pages = SLOW
        ? html
        : html.filter((p) =>
          !p.startsWith("runs/") || p === plainRun || /pwned|evil|hostile/.test(p)
        );
      assert.ok(pages.some((p) => p.startsWith("runs/script-window-pwned")), pages.join());
      for (const p of pages) {
        const isIndex = p === "index.html";
        const shot = isIndex
          ? "leaderboard.png"
          : p.startsWith("compare/convection1d")
          ? "leaderboard-compare.png"
          : p.startsWith("runs/script-window-pwned")
          ? "leaderboard-run-hostile.png"
          : undefined;
        const f = await visit(browser, join(out, p), 1280, { screenshot: shot, siteRoot: out });
        assert.equal(f.pwned, undefined, p);
        assert.equal(f.imgs, 0, p);
        assert.deepEqual(f.handlers, [], p);
        assert.deepEqual(f.badLinks, [], p);
        assert.equal(f.rendered, f.figures, p);
        for (const href of f.links) {
          const target = new URL(href, pathToFileURL(join(out, p)).href).href;
          assert.ok(target.startsWith(siteUrl), `${p}: link ${href} leaves the site`);
        }
        if (!isIndex) assert.ok(f.figures > 0, `${p} has charts`);
        // Every page at 1280 px: nothing cut off or overlapping (hostile names may be cut).
        assert.deepEqual(f.faults.filter((x) => !x.includes("label cut")), [], p);
      }

      // Sorting: Score ascending puts the smallest first and the missing last; again: descending.
      await visit(browser, join(out, "index.html"), 1280, {
        siteRoot: out,
        act: async (page) => {
          const rank = await columnValues(page, 0);
          assert.deepEqual(rank, rank.map((_, i) => String(i + 1)));
          const scoreHeader = page.locator(
            "section[id^='suite-convection1d'] table.board th:nth-child(3) button",
          );
          await scoreHeader.click();
          const asc = (await columnValues(page, 2)).map(Number);
          assert.deepEqual(asc, [...asc].sort((a, b) => a - b));
          await scoreHeader.click();
          const desc = (await columnValues(page, 2)).map(Number);
          assert.deepEqual(desc, [...asc].reverse());
          const sort = await page.locator(
            "section[id^='suite-convection1d'] table.board th:nth-child(3)",
          ).getAttribute("aria-sort");
          assert.equal(sort, "descending");
          await page.locator("section[id^='suite-convection1d'] table.board th:nth-child(2) button")
            .click();
          const names = await columnValues(page, 1);
          assert.deepEqual(names, [...names].sort((a, b) => a.localeCompare(b)));
        },
      });

      // A phone: the index fits 390 px (the ranking keeps #, model, score, skill, diverged).
      const phone = await visit(browser, join(out, "index.html"), 390, {
        screenshot: "leaderboard-390.png",
        siteRoot: out,
      });
      assert.ok(phone.scrollWidth <= 390, `index is ${phone.scrollWidth}px wide at 390px`);
      // Nothing cut off at 390 px: wide rankings scroll inside their wrapper.
      assert.deepEqual(phone.faults.filter((f) => !f.includes("label cut")), []);
      assert.equal(phone.h1, "Neural PDE emulator leaderboard");
    } finally {
      await browser.close();
      await Deno.remove(fixture.dir, { recursive: true });
    }
  },
});

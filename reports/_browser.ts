/**
 * Shared set-up of the browser tests: Debian's Chromium driven by playwright-core, offline.
 * `openOffline` blocks every request but the page itself and records console errors and
 * warnings, page errors, failed requests and dialogs as problems; a test asserts none occurred.
 * @module
 */
import assert from "node:assert/strict";
import { pathToFileURL } from "node:url";
import { chromium } from "playwright-core";
import type { Browser, BrowserContext, Page } from "playwright-core";

/** Debian's Chromium (`apt-get install -y chromium`); tests are ignored without it. */
export const CHROMIUM = "/usr/bin/chromium";
/** Whether {@link CHROMIUM} exists. */
export const haveChromium = await Deno.stat(CHROMIUM).then((s) => s.isFile, () => false);
/** Where browser tests save screenshots. */
export const SHOTS = new URL("../out/screenshots/", import.meta.url);

/** Launch headless Chromium with a fresh profile and no background networking. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

/** An opened page, the problems seen so far, and its context (close it when done). */
export interface OfflinePage {
  page: Page;
  problems: string[];
  context: BrowserContext;
}

/**
 * Open `file` at `width` × `height` with every other request blocked (but files under
 * `siteRoot`, a leaderboard site's shared script), and wait until every `figure[data-chart]`
 * has rendered its SVG.
 */
export async function openOffline(
  browser: Browser,
  file: string,
  width: number,
  height = 900,
  siteRoot?: string,
): Promise<OfflinePage> {
  const url = pathToFileURL(file).href;
  const problems: string[] = [];
  const context = await browser.newContext({
    viewport: { width, height },
    deviceScaleFactor: width < 600 ? 2 : 1,
    javaScriptEnabled: true,
  });
  await context.route("**/*", (route) => {
    const u = route.request().url();
    if (u === url) return route.continue();
    if (siteRoot && u.startsWith(pathToFileURL(siteRoot).href + "/")) return route.continue();
    problems.push(`blocked request: ${u}`);
    return route.abort();
  });
  const page = await context.newPage();
  page.on("console", (m) => {
    if (m.type() === "error" || m.type() === "warning") {
      problems.push(`console ${m.type()}: ${m.text()}`);
    }
  });
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("requestfailed", (r) => {
    if (r.url() !== url) return; // already recorded as blocked
    problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`);
  });
  page.on("dialog", (d) => {
    problems.push(`dialog: ${d.message()}`);
    d.dismiss();
  });
  const response = await page.goto(url, { waitUntil: "load" });
  assert.ok(response === null || response.ok(), `cannot load ${url}`);
  await page.waitForFunction(
    () => {
      // Runs in the page; Deno's type library has no DOM.
      // deno-lint-ignore no-explicit-any
      const d = (globalThis as any).document;
      return d.querySelectorAll("figure[data-chart] svg[data-rendered]").length ===
        d.querySelectorAll("figure[data-chart]").length;
    },
    undefined,
    { timeout: 15_000 },
  );
  return { page, problems, context };
}

/**
 * What is cut off or drawn over on the page: an HTML element wider than its box that does not
 * scroll (a table must sit in a scrolling wrapper), a table outside one, a chart text outside
 * its SVG, an axis or colour-bar label cut with "…" or lying over tick labels. Runs in the page.
 */
export function layoutFaults(): string[] {
  // deno-lint-ignore no-explicit-any
  const document = (globalThis as any).document;
  // deno-lint-ignore no-explicit-any
  const style = (el: any) => (globalThis as any).getComputedStyle(el);
  const faults: string[] = [];
  // deno-lint-ignore no-explicit-any
  const name = (el: any) => `${el.tagName.toLowerCase()}.${el.getAttribute("class") ?? ""}`;
  const scrolls = (v: string) => v === "auto" || v === "scroll";
  for (const el of document.querySelectorAll("body *")) {
    if (el.namespaceURI !== "http://www.w3.org/1999/xhtml" || el.clientWidth === 0) continue;
    if (el.scrollWidth > el.clientWidth + 1 && !scrolls(style(el).overflowX)) {
      faults.push(`${name(el)} is ${el.scrollWidth}px wide in ${el.clientWidth}px`);
    }
  }
  for (const t of document.querySelectorAll("table")) {
    let p = t.parentElement;
    while (p && !scrolls(style(p).overflowX)) p = p.parentElement;
    if (!p) faults.push(`table "${(t.textContent ?? "").slice(0, 30)}" does not scroll`);
  }
  // deno-lint-ignore no-explicit-any
  const overlap = (a: any, b: any) =>
    a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1 && b.top < a.bottom - 1;
  for (const svg of document.querySelectorAll("svg.chart-svg")) {
    const box = svg.getBoundingClientRect();
    const id = svg.closest("figure")?.getAttribute("data-chart") ?? "?";
    const ticks = [...svg.querySelectorAll(".axis text")].map((t) => t.getBoundingClientRect());
    for (const t of svg.querySelectorAll("text")) {
      const r = t.getBoundingClientRect();
      const text = (t.textContent ?? "").slice(0, 40);
      if (r.width === 0) continue;
      if (
        r.left < box.left - 2 || r.right > box.right + 2 || r.top < box.top - 2 ||
        r.bottom > box.bottom + 2
      ) {
        faults.push(`${id}: "${text}" leaves its chart`);
      }
      if (!t.classList.contains("axis-label")) continue;
      if (text.includes("\u2026")) faults.push(`${id}: label cut: "${text}"`);
      if (ticks.some((k) => overlap(k, r))) faults.push(`${id}: "${text}" lies over tick labels`);
    }
  }
  return faults;
}

/**
 * Static, self-contained HTML reports (SPEC §6 `emubench report`): one result gives a run page,
 * several give a comparison page. The file needs no network: styles, d3 and the chart data are
 * inline, and a Content-Security-Policy forbids every fetch and every script but the page's own
 * (by hash), so even text that slipped past escaping could not run or load anything.
 *
 * Submitter-controlled text (model name, description, authors, file paths, field names, suite
 * strings) is escaped with {@link escapeHtml} in server-rendered HTML, goes through arquero's
 * escaping in tables, and reaches the client only inside JSON ({@link jsonForScript}) that the
 * client inserts with `.text()`.
 * @module
 */
import { writeFileAtomic } from "../harness/core/atomic.ts";
import { type Result, RESULT_SCHEMA, RESULT_SCHEMA_V1 } from "../harness/results/schema.ts";
import { upgradeResult } from "../harness/results/io.ts";
import { divergenceCounts, divergenceLine } from "../harness/results/divergence.ts";
import { notComputedText } from "../harness/results/reductions.ts";
import type { ClientData } from "./chart_spec.ts";
import {
  buildSections,
  entriesFor,
  type Entry,
  type FigureSpec,
  noiseMetrics,
  type SectionSpec,
} from "./charts.ts";
import { renderCharts } from "./client.ts";
import { type HeatmapFigure, type HeatmapSection, heatmapSections } from "./heatmaps.ts";
import { era5Sections, mapSectionsHtml } from "./era5.ts";
import { d3Source, d3Version } from "./d3_source.ts";
import { pageHead } from "./page.ts";
import { escapeHtml, jsonForScript, MAX_SHOWN_CHARACTERS, submitterHtml } from "./escape.ts";
import { REPORT_CSS } from "./style.ts";
import {
  comparisonTable,
  formatNumber,
  hasPartialMeans,
  modelsTable,
  scalarTable,
  summaryTable,
} from "./tables.ts";

/** Options of {@link renderReport}. */
export interface ReportOptions {
  /** Page `<title>`; default: model name (run page) or suite and model count (comparison). */
  title?: string;
  /**
   * Metric of the comparison table; default: the first of `nrmse`, `rmse`, `mse` that the first
   * result has.
   */
  headline?: string;
  /**
   * URL (relative to the page) of the site's shared script ({@link siteScript}): the page
   * loads d3 and the chart renderer from it instead of inlining them (leaderboard sites).
   */
  assets?: string;
}

/**
 * The shared script of a site of reports: d3 and the chart renderer, loaded by pages rendered
 * with `assets` (one copy per site instead of one per page), allowed by the pages' CSP as
 * `'self'` (Subresource Integrity cannot be checked on `file:` pages, which have no CORS).
 *
 * @example
 * ```ts
 * import { siteScript } from "./html.ts";
 * if (!siteScript().includes("emubenchRenderCharts")) throw new Error();
 * ```
 */
export function siteScript(): string {
  return checkInlineScript(
    "the site script",
    `${d3Source()}\n;globalThis.emubenchRenderCharts = ${renderCharts.toString()};\n`,
  );
}

const h = escapeHtml;

/**
 * Reject input that is not a list of result files; say which one and why. Schema 1 results come
 * back upgraded (`upgradeResult`: built-in catalogue, with a note the page shows).
 */
function checkResults(results: readonly Result[]): Result[] {
  if (!Array.isArray(results) || results.length === 0) {
    throw new RangeError(
      `Cannot render report: expected at least one result, found ${
        Array.isArray(results) ? 0 : typeof results
      }`,
    );
  }
  results.forEach((r, i) => {
    if (
      r === null || typeof r !== "object" ||
      (r.schema !== RESULT_SCHEMA && r.schema !== RESULT_SCHEMA_V1)
    ) {
      throw new TypeError(
        `Cannot render report: result ${i}: expected schema "${RESULT_SCHEMA}" or "${RESULT_SCHEMA_V1}", found ${
          JSON.stringify((r as { schema?: unknown } | null)?.schema ?? null)
        }`,
      );
    }
    for (const key of ["suite", "model", "config", "environment", "timings"] as const) {
      if (r[key] === null || typeof r[key] !== "object") {
        throw new TypeError(
          `Cannot render report: result ${i} (${
            r.model?.name ?? "?"
          }): expected object "${key}", found ${typeof r[key]}`,
        );
      }
    }
    for (const key of ["rows", "divergence", "snapshots"] as const) {
      if (!Array.isArray(r[key])) {
        throw new TypeError(
          `Cannot render report: result ${i} (${r.model.name}): expected array "${key}", found ${typeof r[
            key
          ]}`,
        );
      }
    }
  });
  const suites = [...new Set(results.map((r) => r.suite.id))];
  if (suites.length > 1) {
    throw new RangeError(
      `Cannot compare results of different suites: found ${suites.join(", ")}; ` +
        `pass results of one suite`,
    );
  }
  return results.map((r, i) => {
    const up = upgradeResult(r, `result ${i} (${r.model.name})`);
    if (up.catalogue === null || typeof up.catalogue !== "object") {
      throw new TypeError(
        `Cannot render report: result ${i} (${r.model.name}): expected object "catalogue" ` +
          `(schema ${RESULT_SCHEMA}), found ${typeof up.catalogue}`,
      );
    }
    return up;
  });
}

/** A visible note for each result whose reader filled in what the file lacks (`readNote`). */
function readNotes(results: readonly Result[]): string {
  const notes = [...new Set(results.filter((r) => r.readNote).map((r) => r.readNote!))];
  if (notes.length === 0) return "";
  const who = results.filter((r) => r.readNote).map((r) => r.model.name);
  return `<p class="note" role="note"><strong>Note</strong> (${
    h(who.length === results.length ? "every result" : who.join(", "))
  }): ${notes.map(h).join(" ")}</p>\n`;
}

/**
 * A visible note for each result whose per-step reductions ran on the device
 * (`Result.reductions`, `run --reductions device`): float32, and the families left out.
 */
function reductionNotes(results: readonly Result[]): string {
  return results.filter((r) => r.reductions).map((r) => {
    const rec = r.reductions!;
    return `<p class="note" role="note"><strong>Device reductions</strong> (${
      h(r.model.name)
    }): per-step reductions ran on ${h(rec.backend)} in ${h(rec.precision)}; not computed: ${
      h(notComputedText(rec))
    }.</p>\n`;
  }).join("");
}

function formatDate(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${d.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

function formatBytes(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const units = ["B", "kB", "MB", "GB"];
  let i = 0;
  while (n >= 1000 && i < units.length - 1) {
    n /= 1000;
    i++;
  }
  return `${i === 0 ? n : n.toPrecision(3)} ${units[i]}`;
}

const seconds = (s: number) => `${formatNumber(s)} s`;

function metaItem(label: string, valueHtml: string): string {
  return `<div><dt>${h(label)}</dt><dd>${valueHtml}</dd></div>`;
}

function stabilityBadge(r: Result): string {
  const c = divergenceCounts(r.divergence);
  const split = c.bound > 0 ? ` (${c.nonfinite} NaN/Inf, ${c.bound} beyond the suite's bound)` : "";
  return c.total === 0
    ? `<span class="badge good">all ${r.config.ics} ICs finite to step ${r.config.steps}</span>`
    : `<span class="badge bad">${c.total} of ${r.config.ics} ICs diverged${split}</span>`;
}

function stabilityText(r: Result): string {
  const gone = r.divergence.filter((d) => d.step !== null)
    .sort((a, b) => (a.step as number) - (b.step as number));
  if (gone.length === 0) {
    return `<p class="stability">All ${r.config.ics} ICs stayed finite for ${r.config.steps} steps.</p>`;
  }
  const shown = gone.slice(0, 12).map((d) => `<li>IC ${h(d.ic)}: ${h(divergenceLine(d))}</li>`);
  if (gone.length > 12) shown.push(`<li>… and ${gone.length - 12} more</li>`);
  return `<div class="stability"><p>${gone.length} of ${r.config.ics} ICs diverged ` +
    `(first at step ${h(gone[0].step)}). Their errors from that step on are missing, not ` +
    `averaged; means after it cover only the ICs still finite.</p><ul>${shown.join("")}</ul></div>`;
}

function runMeta(r: Result): string {
  const m = r.model, env = r.environment, c = r.config, t = r.timings;
  const files = m.files.map((f) =>
    `<div><span class="mono">${h(f.path)}</span> · ${h(formatBytes(f.bytes))} · ` +
    `<span class="mono" title="${h(f.sha256)}">${h(f.sha256.slice(0, 12))}</span></div>`
  ).join("");
  const items = [
    metaItem(
      "Suite",
      `${h(r.suite.title)} · <span class="mono">${h(r.suite.id)}</span> v${h(r.suite.version)}`,
    ),
    metaItem("Tier", h(r.suite.tier)),
    metaItem("Fields", r.suite.fields.map((f) => `<span class="mono">${h(f)}</span>`).join(", ")),
    metaItem("Δt per step", h(r.suite.dt)),
    metaItem("Model", `${h(m.name)} (${h(m.kind)})`),
    metaItem(
      "Model sha256",
      `<span class="mono" title="${h(m.sha256)}">${h(m.sha256.slice(0, 12))}</span>`,
    ),
    metaItem("Files", files || "—"),
    metaItem(
      "Contract",
      `${h(m.form)}, history ${h(m.history)}${
        m.carry.length > 0
          ? `, carry ${m.carry.map((x) => `<span class="mono">${h(x)}</span>`).join(", ")}`
          : ""
      }`,
    ),
    metaItem(
      "Rollout",
      `${h(c.ics)} ICs × ${h(c.steps)} steps, seed ${h(c.seed)}, batch ${h(c.batch)}`,
    ),
    metaItem("Data", `<span class="mono">${h(c.data)}</span>`),
    metaItem(
      "Backend",
      `${h(env.backend)}${c.backend !== env.backend ? ` (asked: ${h(c.backend)})` : ""}${
        env.adapter ? ` · ${h(env.adapter)}` : ""
      }`,
    ),
    metaItem(
      "emubench",
      `${h(env.emubench)}${
        env.gitCommit ? ` · <span class="mono">${h(env.gitCommit.slice(0, 12))}</span>` : ""
      }`,
    ),
    metaItem(
      "Runtime",
      `Deno ${h(env.deno)} · V8 ${h(env.v8)} · ${h(env.os)}/${h(env.arch)} · ORT web ${
        h(env.onnxruntime.web)
      }${env.onnxruntime.node ? `, node ${h(env.onnxruntime.node)}` : ""}`,
    ),
    metaItem(
      "Timings",
      `model ${h(seconds(t.modelSeconds))} · metrics ${h(seconds(t.metricSeconds))} · ` +
        `reference ${h(seconds(t.referenceSeconds))} · total ${h(seconds(t.totalSeconds))} · ` +
        `${h(formatNumber(t.stepsPerSecond))} steps/s`,
    ),
    metaItem("Finished", h(formatDate(r.created))),
  ];
  return `<div class="card"><dl class="meta">${items.join("")}</dl></div>`;
}

function legendHtml(figure: Pick<FigureSpec, "legend">): string {
  if (figure.legend.length === 0) return "";
  const dash = {
    solid: "",
    dashed: ' stroke-dasharray="5 3"',
    dotted: ' stroke-dasharray="1.5 3"',
  };
  const items = figure.legend.map((l) =>
    `<li><svg width="24" height="10" aria-hidden="true"><line x1="1" y1="5" x2="23" y2="5" ` +
    `stroke="${h(l.color)}" stroke-width="2.4" stroke-linecap="round"${dash[l.dash]}/></svg>` +
    `<span>${h(l.label)}</span></li>`
  );
  return `<ul class="legend">${items.join("")}</ul>`;
}

function figureHtml(f: FigureSpec): string {
  return `<figure class="chart" data-chart="${h(f.chart.id)}"><h3>${h(f.title)}</h3>` +
    `${legendHtml(f)}<div class="plot"></div><figcaption>${h(f.caption)}</figcaption></figure>`;
}

function sectionsHtml(sections: readonly SectionSpec[]): string {
  return sections.map((s) => {
    // One figure: full width; two or four: two columns; otherwise three.
    const n = s.figures.length;
    const cols = n === 1 ? "one" : n === 2 || n === 4 ? "two" : "three";
    return `<section id="${h(s.id)}"><h2>${h(s.title)}</h2><p class="intro">${h(s.intro)}</p>` +
      `<div class="figures ${cols}">${s.figures.map(figureHtml).join("")}</div></section>`;
  }).join("\n");
}

function heatmapHtml(f: HeatmapFigure): string {
  return `<figure class="chart heatmap" data-chart="${h(f.heatmap.id)}"><h3>${h(f.title)}</h3>` +
    `${legendHtml(f)}<div class="plot"></div><figcaption>${h(f.caption)}</figcaption></figure>`;
}

/** Heatmap sections (2D suites), three panels per row: reference, prediction, difference. */
function heatmapSectionsHtml(sections: readonly HeatmapSection[]): string {
  return sections.map((s) =>
    `\n<section id="${h(s.id)}"><h2>${h(s.title)}</h2><p class="intro">${h(s.intro)}</p>` +
    `<div class="figures three">${s.heatmaps.map(heatmapHtml).join("")}</div></section>`
  ).join("");
}

function runBody(e: Entry, sections: readonly SectionSpec[], lead = ""): string {
  const r = e.result;
  const authors = r.model.authors && r.model.authors.length > 0
    ? `<p class="byline">${
      r.model.authors.slice(0, 50).map((a) => submitterHtml(a, 120)).join(", ")
    }</p>`
    : "";
  const description = r.model.description
    ? `<p class="lede">${submitterHtml(r.model.description)}</p>`
    : "";
  const partial = hasPartialMeans(r)
    ? `<p class="note">† Mean over the ICs that had not diverged by that step, fewer than all ` +
      `${h(r.config.ics)}. — no value: every IC had diverged.</p>`
    : "";
  const window = r.model.history > 1
    ? `<p class="note">This model takes the last ${h(r.model.history)} states (history ` +
      `${h(r.model.history)}): its first prediction is step ${h(r.model.history)}; earlier ` +
      `steps are the reference states it was given, so they have no value (—), and geometric ` +
      `means run over steps ${h(r.model.history)}–${h(r.config.steps)}.</p>`
    : "";
  // Reconstruct results have no steps: their summary is the Reconstruction table (era5.ts).
  // The headline metrics here; every row (raw metric ids) in "All metric rows" after the charts.
  const summary = `<section id="summary"><h2>Summary</h2>
<p class="intro">Headline errors: means over ICs at the suite's summary steps and the last step, ` +
    `and the geometric mean over all steps. Every metric id is under “All metric rows”, ` +
    `after the charts.</p>
<div class="table-wrap summary">${
      summaryTable(r, (m) => HEADLINE_METRICS.includes(m), true)
    }</div>${partial}${window}${stabilityText(r)}
</section>`;
  return `<header class="page">
<p class="eyebrow">emubench report · run</p>
<h1>${h(r.model.name)}</h1>
${description}
${authors}
<div class="badges"><span class="badge">${h(r.suite.id)} v${h(r.suite.version)}</span>` +
    `<span class="badge">tier ${h(r.suite.tier)}</span>` +
    `<span class="badge">${h(r.environment.backend)}</span>` +
    `<span class="badge mono" title="model sha256 ${h(r.model.sha256)}">${
      h(r.model.sha256.slice(0, 12))
    }</span>` +
    `${stabilityBadge(r)}</div>
</header>
<section id="run"><h2>Run</h2>${runMeta(r)}</section>
${r.task === "reconstruct" ? "" : summary}
${lead}${sectionsHtml(sections)}`;
}

/** Metrics of the run page's summary table; the rest are under "All metric rows". */
const HEADLINE_METRICS = ["nrmse", "rmse", "energy_error", "spectrum_error", "acc"];

/** Every summary row and step-free scalar of each result, collapsed, after the charts. */
function allRowsHtml(entries: readonly Entry[]): string {
  const noise = noiseMetrics(entries.map((e) => e.result));
  const parts = entries.filter((e) => e.result.task !== "reconstruct").map((e) => {
    const r = e.result;
    const scalars = scalarTable(r, noise);
    const who = entries.length > 1 ? ` · ${h(e.label)}` : "";
    return `<details><summary>Per-step metrics${who} (${
      new Set(r.rows.filter((x) => x.step !== undefined).map((x) => x.metric)).size
    } metric ids)</summary><div class="table-wrap">${summaryTable(r)}</div></details>` +
      (scalars
        ? `<details><summary>Run-level scalars${who}</summary><div class="table-wrap">${scalars}</div></details>`
        : "");
  });
  if (parts.every((p) => p === "")) return "";
  const note = noise.size > 0
    ? `<p class="note">‡ Temporal statistics of a quantity the reference conserves to round-off ` +
      `(${[...noise].map((m) => `<span class="mono">${h(m)}</span>`).join(", ")}): the ` +
      `autocorrelation of float32 rounding noise, not of the physics. Not a score; no chart.</p>`
    : "";
  return `\n<section id="all-rows"><h2>All metric rows</h2><p class="intro">Every mean-over-ICs ` +
    `row of the result file by metric id (the catalogue in the file says what each id means), ` +
    `collapsed.</p>${parts.join("")}${note}</section>`;
}

function pickHeadline(results: readonly Result[], asked?: string): string {
  if (asked) return asked;
  const has = (m: string) => results[0].rows.some((r) => r.metric === m && r.step !== undefined);
  return ["nrmse", "rmse", "mse"].find(has) ?? results[0].rows[0]?.metric ?? "nrmse";
}

function comparisonBody(
  entries: readonly Entry[],
  sections: readonly SectionSpec[],
  headline: string,
  lead = "",
): string {
  const r0 = entries[0].result;
  const variants = [
    ...new Set(entries.map((e) => `v${e.result.suite.version} / ${e.result.suite.tier}`)),
  ];
  const mixed = variants.length > 1
    ? `<p class="note">Results come from different suite versions or tiers (${
      h(variants.join("; "))
    }): numbers may not be comparable.</p>`
    : "";
  const partial = entries.some((e) => hasPartialMeans(e.result))
    ? `<p class="note">† Mean over the ICs that had not diverged by that step. — no value: every IC had diverged.</p>`
    : "";
  return `<header class="page">
<p class="eyebrow">emubench report · comparison</p>
<h1>${h(r0.suite.title)}: ${entries.length} models</h1>
<p class="lede">Suite <span class="mono">${h(r0.suite.id)}</span> v${h(r0.suite.version)}, tier ${
    h(r0.suite.tier)
  }, fields ${r0.suite.fields.map((f) => `<span class="mono">${h(f)}</span>`).join(", ")}, Δt ${
    h(r0.suite.dt)
  }.</p>
<div class="badges">${
    entries.map((e) =>
      `<span class="badge"><span class="dot" style="background: ${h(e.color)}"></span>` +
      `${h(e.label)}</span>`
    ).join("")
  }</div>
</header>
<section id="models"><h2>Models</h2><div class="table-wrap models">${
    modelsTable(entries)
  }</div>${mixed}</section>
${
    // Reconstruct results have no steps: they compare in the Reconstruction table (era5.ts).
    entries.every((e) => e.result.task === "reconstruct")
      ? ""
      : `<section id="comparison"><h2>Comparison</h2>
<p class="intro"><span class="mono">${
        h(headline)
      }</span> (mean over ICs) at the summary steps, its geometric mean over steps, divergence and throughput.</p>
<div class="table-wrap">${comparisonTable(entries, headline)}</div>${partial}</section>`}
${lead}${sectionsHtml(sections)}`;
}

/** `<script>` bodies must not contain text that closes the element or opens a comment. */
function checkInlineScript(name: string, text: string): string {
  if (/<\/script|<!--/i.test(text)) {
    throw new Error(`Cannot inline ${name}: it contains "</script" or "<!--"`);
  }
  return text;
}

/** `r` with its submitter strings cut to what a page shows (a copy when anything is cut). */
function shownResult(r: Result): Result {
  const m = r.model;
  const long = m.name.length > 200 || (m.description?.length ?? 0) > MAX_SHOWN_CHARACTERS ||
    (m.authors?.length ?? 0) > 50 || (m.authors ?? []).some((a) => a.length > 120);
  if (!long) return r;
  const cut = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);
  return {
    ...r,
    model: {
      ...m,
      name: cut(m.name, 200),
      ...(m.description !== undefined
        ? { description: cut(m.description, MAX_SHOWN_CHARACTERS) }
        : {}),
      ...(m.authors ? { authors: m.authors.slice(0, 50).map((a) => cut(a, 120)) } : {}),
    },
  };
}

/**
 * Render results as one self-contained HTML page: a run page for one result, a comparison page
 * for several (same suite). Deterministic: the same results give the same bytes.
 *
 * Throws a `RangeError` for no results or results of different suites, a `TypeError` for an
 * object that is not an `emubench.result/2` (or `/1`) file.
 *
 * @example
 * ```ts
 * import { renderReport } from "./html.ts";
 * import { sampleResult } from "./sample_result.ts";
 * const page = renderReport([sampleResult({ name: "</script><b>x</b>", steps: 20, ics: 2 })]);
 * if (!page.startsWith("<!doctype html>") || page.includes("<b>x</b>")) throw new Error("bad page");
 * ```
 */
export function renderReport(input: readonly Result[], options: ReportOptions = {}): string {
  // Submitter strings are cut before they reach titles, legends and chart data, so a 1 MB name
  // cannot turn one page into megabytes (the result files themselves are not changed).
  const results = checkResults(input).map(shownResult);
  const entries = entriesFor(results);
  let eraId = 0;
  const era5 = era5Sections(entries, () => `e${eraId++}`);
  const sections = [...era5.sections, ...buildSections(entries)];
  let heatId = 0;
  const heat = heatmapSections(entries, () => `h${heatId++}`);
  const heatmaps = heat.flatMap((s) => s.heatmaps.map((f) => f.heatmap));
  const data: ClientData = {
    charts: sections.flatMap((s) => s.figures.map((f) => f.chart)),
    ...(heatmaps.length > 0 ? { heatmaps } : {}),
    ...(era5.mapSections.length > 0
      ? {
        maps: era5.mapSections.flatMap((s) => s.maps.map((f) => f.map)),
        mapFrame: era5.mapFrame,
      }
      : {}),
  };
  const comparison = results.length > 1;
  const body = readNotes(results) + reductionNotes(results) +
    (comparison
      ? comparisonBody(entries, sections, pickHeadline(results, options.headline), era5.html)
      : runBody(entries[0], sections, era5.html)) +
    heatmapSectionsHtml(heat) +
    mapSectionsHtml(era5.mapSections) +
    allRowsHtml(entries);
  const r0 = results[0];
  const title = options.title ??
    (comparison
      ? `${r0.suite.id}: ${results.length} models · emubench`
      : `${r0.model.name} on ${r0.suite.id} · emubench`);
  const shared = options.assets !== undefined;
  const d3 = shared ? siteScript() : checkInlineScript("d3", d3Source());
  const boot = checkInlineScript(
    "the chart renderer",
    shared
      ? `"use strict";\nglobalThis.emubenchRenderCharts(d3, JSON.parse(` +
        `document.getElementById("emubench-data").textContent));`
      : `"use strict";\n(${renderCharts.toString()})(d3, JSON.parse(` +
        `document.getElementById("emubench-data").textContent));`,
  );
  const generator = `emubench ${r0.environment.emubench}`;
  const d3Tag = shared
    ? `<script src="${escapeHtml(options.assets!)}"></script>`
    : `<script>${d3}</script>`;
  return `${
    pageHead({
      title,
      css: REPORT_CSS,
      scripts: shared ? [boot] : [d3, boot],
      meta: { generator },
      external: shared,
    })
  }<main>
<noscript><p>Charts need JavaScript; tables and captions work without it.</p></noscript>
${body}
<footer>Generated by ${h(generator)} from ${results.length} result file${
    results.length === 1 ? "" : "s"
  } (schema ${h([...new Set(results.map((r) => r.schema))].join(", "))}). ${
    shared
      ? `d3 v${h(d3Version())} and the chart code come from the site's shared script; the data ` +
        "are inline; the page makes no network requests."
      : `Self-contained: d3 v${
        h(d3Version())
      } and all data are inline; the page makes no network requests.`
  }</footer>
</main>
<script type="application/json" id="emubench-data">${jsonForScript(data)}</script>
${d3Tag}
<script>${boot}</script>
</body>
</html>
`;
}

/**
 * Render `results` with {@link renderReport} and write the page to `path` atomically (temporary
 * sibling, then rename), creating parent directories.
 *
 * @example
 * ```ts
 * import { writeReport } from "./html.ts";
 * import { sampleResult } from "./sample_result.ts";
 * const dir = await Deno.makeTempDir();
 * await writeReport(`${dir}/report.html`, [sampleResult({ steps: 20, ics: 2 })]);
 * if ((await Deno.stat(`${dir}/report.html`)).size === 0) throw new Error("empty");
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function writeReport(
  path: string,
  results: readonly Result[],
  options: ReportOptions = {},
): Promise<void> {
  await writeFileAtomic(path, renderReport(results, options));
}

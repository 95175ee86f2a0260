/**
 * Report sections of the `era5` suite and of `reconstruct` results (issue #6), decided on the
 * server from result rows and snapshots:
 *
 * - **Scores by lead time** (forecast results of `era5`): latitude-weighted (HEALPix: uniform)
 *   `rmse` and `acc` per variable against lead time = step × Δt, in hours (days beyond 48 h).
 * - **Reconstruction** (`task: "reconstruct"`): a table of compression ratio, latent tensors,
 *   RMSE, PSNR and spectrum error per variable and model; RMSE and PSNR against compression
 *   ratio (log x, one line per variable through the models' points, sorted by ratio); angular
 *   power spectra of reconstruction and reference.
 * - **Maps on the sphere** (any result whose snapshots hold HEALPix fields): Mollweide maps
 *   (`sphere.ts`) of reference, prediction and error of sample / IC 0 at the last snapshot step
 *   (the longest lead time shown); on a comparison page the reference once and each model's
 *   error. Fields use viridis over the reference's range (shared by the field's panels), errors
 *   a diverging map over ±max|p − y| shared by the field's error panels.
 *
 * Everything submitter-controlled reaches HTML through {@link escapeHtml} or the client's
 * `.text()`.
 *
 * @example
 * ```ts
 * import { leadHours } from "./era5.ts";
 * if (leadHours({ suite: { id: "era5", dt: 0.25 } } as never, 4) !== 24) throw new Error("1 day");
 * ```
 * @module
 */
import type { Result, Snapshot } from "../harness/results/schema.ts";
import type { ChartSpec, SeriesSpec, SphereMapSpec } from "./chart_spec.ts";
import {
  bandNote,
  curveOf,
  type Entry,
  type FigureSpec,
  PALETTE,
  REF_COLOR,
  type SectionSpec,
} from "./charts.ts";
import { encodeCodes } from "./heatmaps.ts";
import { mapPaths, rasterValues, snapshotNside, sphereRaster } from "./sphere.ts";
import type { MapFrame } from "./chart_spec.ts";
import { escapeHtml as h } from "./escape.ts";
import { formatNumber } from "./tables.ts";

/** Columns of the Mollweide rasters (rows = half): 256 × 128 cells, 44 kB of base64 per map. */
export const MAP_COLUMNS = 256;
/** Most models whose error maps a comparison page shows. */
const MAX_MAP_MODELS = 6;

/** A sphere map with its server-rendered title and caption. */
export interface MapFigure {
  map: SphereMapSpec;
  title: string;
  caption: string;
}

/** A section of maps. */
export interface MapSection {
  id: string;
  title: string;
  intro: string;
  maps: MapFigure[];
}

/** Everything this module adds to a page. */
export interface Era5Sections {
  /** Server-rendered HTML placed before the chart sections (the reconstruction table). */
  html: string;
  /** Chart sections, rendered by the page like the others. */
  sections: SectionSpec[];
  /** Map sections, rendered by {@link mapSectionsHtml}. */
  mapSections: MapSection[];
  /** Outline and graticule of the maps (when there are maps). */
  mapFrame?: MapFrame;
}

const isReconstruct = (r: Result) => r.task === "reconstruct";

/**
 * Lead time in hours of model step `step`: `step · Δt`. The `era5` suite writes Δt in hours
 * (6); a Δt below 1 is read as days (0.25 = 6 h), so results written either way plot alike.
 *
 * @example
 * ```ts
 * import { leadHours } from "./era5.ts";
 * if (leadHours({ suite: { dt: 6 } } as never, 40) !== 240) throw new Error("10 days");
 * ```
 */
export function leadHours(r: Pick<Result, "suite">, step: number): number {
  const dt = r.suite.dt;
  return step * (dt < 1 ? dt * 24 : dt);
}

function row(r: Result, metric: string, field: string): number | null | undefined {
  return r.rows.find((x) =>
    x.metric === metric && x.field === field && x.ic === undefined && x.k === undefined &&
    x.step === undefined
  )?.value;
}

const fmt = (v: number | null | undefined) => v === null || v === undefined ? "—" : formatNumber(v);

/**
 * Units of `field` as the results say (`suite.units`, e.g. `K`), the same in every result;
 * `"field units"` where the files do not say or disagree.
 */
export function unitsOf(results: readonly Result[], field: string): string {
  const all = new Set(results.map((r) => r.suite.units?.[field]));
  const [u] = all;
  return all.size === 1 && u !== undefined ? u : "field units";
}

function fieldsOf(entries: readonly Entry[]): string[] {
  const out: string[] = [];
  for (const e of entries) for (const f of e.result.suite.fields) if (!out.includes(f)) out.push(f);
  return out;
}

/** Scores by lead time of forecast results on `era5`: rmse and acc per variable. */
function leadTimeSections(entries: readonly Entry[], id: () => string): SectionSpec[] {
  const fc = entries.filter((e) => !isReconstruct(e.result) && e.result.suite.id === "era5");
  if (fc.length === 0) return [];
  const comparison = entries.length > 1;
  const maxHours = Math.max(...fc.map((e) => leadHours(e.result, e.result.config.steps)));
  const days = maxHours > 48;
  const x = (r: Result, s: number) => (days ? leadHours(r, s) / 24 : leadHours(r, s));
  const figures: FigureSpec[] = [];
  const META: Record<string, { y: string; what: string; log: boolean }> = {
    rmse: {
      y: "RMSE (field units)",
      what: "RMSE, √(mean over ICs of the area-weighted MSE) (WeatherBench 2; uniform weights " +
        "on HEALPix)",
      log: false,
    },
    acc: {
      y: "ACC",
      what: "Anomaly correlation against the climatology, mean over ICs",
      log: false,
    },
  };
  for (const field of fieldsOf(fc)) {
    for (const metric of Object.keys(META)) {
      const series: SeriesSpec[] = [];
      for (const e of fc) {
        const c = curveOf(e.result.rows, metric, field);
        if (c.x.length === 0) continue;
        series.push({
          label: comparison ? e.label : metric,
          color: e.color,
          dash: "solid",
          width: 1.8,
          x: c.x.map((s) => x(e.result, s)),
          y: c.y,
          points: c.x.length <= 12,
          ...(c.band ? { band: c.band } : {}),
        });
      }
      if (series.length === 0) continue;
      const units = unitsOf(fc.map((e) => e.result), field);
      const chart: ChartSpec = {
        id: id(),
        title: `${metric} of ${field} by lead time`,
        xLabel: `lead time (${days ? "days" : "hours"})`,
        yLabel: metric === "rmse" ? `RMSE (${units})` : META[metric].y,
        xScale: "linear",
        yScale: META[metric].log ? "log" : "linear",
        xDomain: [0, days ? maxHours / 24 : maxHours],
        ...(metric === "acc"
          ? { yDomain: [Math.min(0, ...accLows(series)), 1] as [number, number] }
          : {}),
        series,
        markers: [],
      };
      figures.push({
        chart,
        title: `${metric} · ${field}`,
        caption: `${META[metric].what} of ${field} at every lead time (step × Δt).${
          bandNote(series)
        }`,
        legend: comparison ? series.map(({ label, color, dash }) => ({ label, color, dash })) : [],
      });
    }
  }
  if (figures.length === 0) return [];
  return [{
    id: "lead-time",
    title: "Scores by lead time",
    intro: "WeatherBench 2 headline scores per variable against forecast lead time. RMSE: lower " +
      "is better; ACC: higher is better (1 = perfect anomaly pattern).",
    figures,
  }];
}

function accLows(series: readonly SeriesSpec[]): number[] {
  return series.flatMap((s) => s.y.filter((v): v is number => v !== null && Number.isFinite(v)));
}

/** Reconstruction table: one row per model and variable, the model's colour on the left. */
function reconstructTable(entries: readonly Entry[]): string {
  // By compression ratio as a number (4, 16, 64, 256, 1024, not in file-name order), then as
  // given; a result without a ratio last.
  const ratio = (e: Entry) => row(e.result, "compression_ratio", "*") ?? Infinity;
  const rc = entries.filter((e) => isReconstruct(e.result))
    .map((e, i) => ({ e, i }))
    .sort((a, b) => ratio(a.e) - ratio(b.e) || a.i - b.i)
    .map(({ e }) => e);
  const cols = [
    "model",
    "compression ratio",
    "latent",
    "variable",
    "RMSE",
    "PSNR (dB)",
    "spectrum error",
    "samples",
  ];
  const numeric = new Set(["compression ratio", "RMSE", "PSNR (dB)", "spectrum error", "samples"]);
  const head = cols.map((c) =>
    `<th style="text-align: ${numeric.has(c) ? "right" : "left"}">${h(c)}</th>`
  ).join("");
  const body = rc.flatMap((e) => {
    const r = e.result, info = r.reconstruct;
    const latent = info
      ? info.latent.map((l) => `${l.name} [${l.shape.join("×")}] ${l.dtype}`).join(", ")
      : "—";
    return r.suite.fields.map((f) => {
      const n = r.rows.find((x) =>
        x.metric === "rmse" && x.field === f && x.ic === undefined && x.k === undefined
      )?.n;
      const cells = [
        e.label,
        fmt(row(r, "compression_ratio", "*")),
        latent,
        f,
        fmt(row(r, "rmse", f)),
        fmt(row(r, "psnr", f)),
        fmt(row(r, "spectrum_error", f)),
        `${n ?? "—"} / ${r.config.ics}`,
      ];
      return `<tr>${
        cells.map((c, i) =>
          `<td style="text-align: ${numeric.has(cols[i]) ? "right" : "left"}${
            i === 0 ? `; border-left: 5px solid ${e.color}` : ""
          }">${h(c)}</td>`
        ).join("")
      }</tr>`;
    });
  }).join("");
  return `<table><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
}

/** Reconstruct results: the table, RMSE / PSNR vs compression ratio, and spectra. */
function reconstructParts(
  entries: readonly Entry[],
  id: () => string,
): { html: string; sections: SectionSpec[] } {
  const rc = entries.filter((e) => isReconstruct(e.result));
  if (rc.length === 0) return { html: "", sections: [] };
  const fields = fieldsOf(rc);
  const html = `<section id="reconstruct"><h2>Reconstruction</h2><p class="intro">Each sample ` +
    `is encoded and decoded once. Compression ratio = input elements × bytes / latent elements ` +
    `× bytes of one sample, read from the tensors the encoder took and returned. RMSE = √(mean ` +
    `over samples of the area-weighted MSE), uniform weights on HEALPix; PSNR = 10 log₁₀(R² / ` +
    `MSE) with R the reference sample's range, mean over samples; spectrum error = mean over ` +
    `ℓ ≥ 1 of |ln C_ℓ(reconstruction) − ln C_ℓ(reference)|, mean over samples.</p>` +
    `<div class="table-wrap">${reconstructTable(entries)}</div></section>`;
  const byRatio = [...rc].sort((a, b) =>
    (row(a.result, "compression_ratio", "*") ?? 0) - (row(b.result, "compression_ratio", "*") ?? 0)
  );
  const vsRatio = (metric: string): SeriesSpec[] =>
    fields.map((f, i) => ({
      label: unitsOf(rc.map((e) => e.result), f) === "field units"
        ? f
        : `${f} (${unitsOf(rc.map((e) => e.result), f)})`,
      color: PALETTE[i % PALETTE.length],
      dash: "solid",
      width: 1.8,
      x: byRatio.map((e) => row(e.result, "compression_ratio", "*") ?? NaN),
      y: byRatio.map((e) => row(e.result, metric, f) ?? null),
      points: true,
    }));
  const ratioNote = rc.length === 1
    ? " One model: one point per variable; pass several results (e.g. mean_pool_r16 … r1024) " +
      "to `emubench report` for the curve."
    : ` Points: ${byRatio.map((e) => e.label).join(", ")}.`;
  const figures: FigureSpec[] = [];
  const rmse = vsRatio("rmse"), psnrS = vsRatio("psnr");
  figures.push({
    chart: {
      id: id(),
      title: "RMSE vs compression ratio",
      xLabel: "compression ratio (input bytes / latent bytes)",
      yLabel: `RMSE (${fields.map((f) => unitsOf(rc.map((e) => e.result), f)).join("; ")})`,
      xScale: "log",
      yScale: "log",
      series: rmse,
      markers: [],
    },
    title: "RMSE vs compression ratio",
    caption: `RMSE of each variable against the compression ratio, log–log, one line per ` +
      `variable.${ratioNote}`,
    legend: rmse.map(({ label, color, dash }) => ({ label, color, dash })),
  });
  figures.push({
    chart: {
      id: id(),
      title: "PSNR vs compression ratio",
      xLabel: "compression ratio (input bytes / latent bytes)",
      yLabel: "PSNR (dB)",
      xScale: "log",
      yScale: "linear",
      series: psnrS,
      markers: [],
    },
    title: "PSNR vs compression ratio",
    caption: `PSNR of each variable (higher is better) against the compression ratio, log x.` +
      ratioNote,
    legend: psnrS.map(({ label, color, dash }) => ({ label, color, dash })),
  });
  for (const f of fields) {
    const spec = (r: Result, metric: string) => {
      const pts = r.rows.filter((x) =>
        x.metric === metric && x.field === f && x.k !== undefined && x.k >= 1 && x.ic === undefined
      ).sort((a, b) => a.k! - b.k!);
      return { x: pts.map((p) => p.k!), y: pts.map((p) => p.value) };
    };
    const ref = spec(rc[0].result, "spectrum_ref");
    if (ref.x.length === 0) continue;
    const s: SeriesSpec[] = [{
      label: "reference",
      color: REF_COLOR,
      dash: "solid",
      width: 3.2,
      ...ref,
    }];
    for (const e of rc) {
      const p = spec(e.result, "spectrum_pred");
      if (p.x.length > 0) {
        s.push({
          label: rc.length > 1 ? e.label : "reconstruction",
          color: e.color,
          dash: "solid",
          width: 1.6,
          ...p,
        });
      }
    }
    figures.push({
      chart: {
        id: id(),
        title: `angular power spectrum of ${f}`,
        xLabel: "degree ℓ",
        yLabel: "C_ℓ",
        xScale: "log",
        yScale: "log",
        series: s,
        markers: [],
      },
      title: `spectrum · ${f}`,
      caption: `Angular power spectrum C_ℓ (ℓ ≥ 1) of ${f}, mean over samples: reconstruction ` +
        `against the reference. Lost small scales fall below the grey band; blocky ` +
        `reconstructions add power at high ℓ.`,
      legend: s.map(({ label, color, dash }) => ({ label, color, dash })),
    });
  }
  return {
    html,
    sections: [{
      id: "compression",
      title: "Error vs compression",
      intro: "How much each variable loses as the latent shrinks.",
      figures,
    }],
  };
}

function rangeOf(lists: Iterable<ArrayLike<number | null>>): [number, number] | null {
  let lo = Infinity, hi = -Infinity;
  for (const l of lists) {
    for (let i = 0; i < l.length; i++) {
      const v = l[i];
      if (v === null || !Number.isFinite(v)) continue;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  return lo <= hi ? [lo, hi] : null;
}

function mapSpec(
  id: string,
  title: string,
  nside: number,
  values: ArrayLike<number | null>,
  scheme: SphereMapSpec["scheme"],
  zDomain: [number, number],
  zLabel: string,
): SphereMapSpec {
  const raster = sphereRaster(nside, MAP_COLUMNS);
  const cells = rasterValues(raster, values);
  let clamped = 0;
  for (const v of cells) if (v !== null && (v < zDomain[0] || v > zDomain[1])) clamped++;
  return {
    id,
    title,
    columns: raster.columns,
    rows: raster.rows,
    codes: encodeCodes(cells, zDomain),
    scheme,
    zDomain,
    zLabel,
    ...(clamped > 0 ? { note: `${clamped} cells beyond the colour range (clamped)` } : {}),
  };
}

/** Snapshot of IC 0 of `field` at the largest step with a sphere field, or undefined. */
function lastSphereSnapshot(r: Result, field: string): (Snapshot & { nside: number }) | undefined {
  let best: (Snapshot & { nside: number }) | undefined;
  for (const s of r.snapshots) {
    if (s.field !== field || s.ic !== 0) continue;
    const nside = snapshotNside(r, s);
    if (nside === null) continue;
    if (!best || s.step > best.step) best = { ...s, nside };
  }
  return best;
}

function widen(d: [number, number]): [number, number] {
  return d[1] > d[0]
    ? d
    : [d[0] - (Math.abs(d[0]) || 1) * 0.01, d[1] + (Math.abs(d[1]) || 1) * 0.01];
}

/** Map sections: per variable, reference / prediction / error (or per-model errors). */
function mapSections(entries: readonly Entry[], id: () => string): MapSection[] {
  const comparison = entries.length > 1;
  const shown = entries.slice(0, MAX_MAP_MODELS);
  const out: MapSection[] = [];
  const first = entries[0].result;
  const when = (r: Result, s: Snapshot) =>
    isReconstruct(r)
      ? `sample ${s.ic}`
      : `IC ${s.ic}, lead time ${formatNumber(leadHours(r, s.step))} h (step ${s.step})`;
  const maps: MapFigure[] = [];
  for (const field of fieldsOf(entries)) {
    const snaps = shown.map((e) => ({ e, s: lastSphereSnapshot(e.result, field) }))
      .filter((x): x is { e: Entry; s: Snapshot & { nside: number } } => x.s !== undefined);
    if (snaps.length === 0) continue;
    const ref0 = snaps[0];
    const zRef = rangeOf([ref0.s.ref]);
    if (!zRef) continue;
    const both = zRef[0] < 0 && zRef[1] > 0;
    const a = Math.max(Math.abs(zRef[0]), Math.abs(zRef[1]));
    const fieldScheme: SphereMapSpec["scheme"] = both ? "diverging" : "sequential";
    const zField = widen(both ? [-a, a] : zRef);
    const errors = snaps.map(({ s }) => s.pred.map((v, i) => (v === null ? null : v - s.ref[i])));
    const emax = Math.max(...errors.map((e) => {
      const r = rangeOf([e]);
      return r ? Math.max(Math.abs(r[0]), Math.abs(r[1])) : 0;
    }));
    const zErr: [number, number] = emax > 0 ? [-emax, emax] : [-1, 1];
    maps.push({
      map: mapSpec(
        id(),
        `${field} reference`,
        ref0.s.nside,
        ref0.s.ref,
        fieldScheme,
        zField,
        field,
      ),
      title: `${field} · reference`,
      caption: `Reference ${field}, ${when(ref0.e.result, ref0.s)}, Mollweide projection ` +
        `(equal-area, 30° graticule, longitude 0 at the centre).`,
    });
    snaps.forEach(({ e, s }, i) => {
      const label = comparison
        ? e.label
        : isReconstruct(e.result)
        ? "reconstruction"
        : "prediction";
      if (!comparison) {
        maps.push({
          map: mapSpec(id(), `${field} ${label}`, s.nside, s.pred, fieldScheme, zField, field),
          title: `${field} · ${label}`,
          caption: `${label[0].toUpperCase()}${label.slice(1)} of ${field}, ${
            when(e.result, s)
          }; same colour scale as the reference. Hatched: NaN/Inf.`,
        });
      }
      maps.push({
        map: mapSpec(
          id(),
          `${field} error ${label}`,
          s.nside,
          errors[i],
          "diverging",
          zErr,
          `${field} error`,
        ),
        title: `${field} · error${comparison ? ` · ${label}` : ""}`,
        caption:
          `${comparison ? `${label}: p` : "P"}rediction − reference of ${field}, ${
            when(e.result, s)
          }; diverging scale over ±max|error| (${formatNumber(emax)}), shared by the error maps ` +
          `of ${field}.`,
      });
    });
  }
  if (maps.length === 0) return out;
  const more = entries.length > MAX_MAP_MODELS
    ? ` Error maps of the first ${MAX_MAP_MODELS} models only.`
    : "";
  out.push({
    id: "maps",
    title: "Maps on the sphere",
    intro:
      `${isReconstruct(first) ? "One sample" : "IC 0 at the last stored lead time"}: reference${
        comparison ? " and each model's error" : ", prediction and error"
      } per ` +
      `variable, HEALPix pixels resampled to a ${MAP_COLUMNS}×${MAP_COLUMNS / 2} Mollweide ` +
      `raster (each cell shows the nested pixel containing its centre).${more}`,
    maps,
  });
  return out;
}

/**
 * All era5 / reconstruct sections of a page (empty for other results). `id` makes chart and
 * map ids unique within the page.
 *
 * @example
 * ```ts
 * import { era5Sections } from "./era5.ts";
 * import { entriesFor } from "./charts.ts";
 * import { sampleResult } from "./sample_result.ts";
 * let n = 0;
 * const s = era5Sections(entriesFor([sampleResult({ steps: 5, ics: 1 })]), () => `e${n++}`);
 * if (s.html !== "" || s.sections.length + s.mapSections.length !== 0) throw new Error("1D");
 * ```
 */
export function era5Sections(entries: readonly Entry[], id: () => string): Era5Sections {
  const rc = reconstructParts(entries, id);
  const maps = mapSections(entries, id);
  return {
    html: rc.html,
    sections: [...leadTimeSections(entries, id), ...rc.sections],
    mapSections: maps,
    ...(maps.length > 0 ? { mapFrame: { columns: MAP_COLUMNS, ...mapPaths(MAP_COLUMNS) } } : {}),
  };
}

/**
 * HTML of map sections: figures in three columns, each with a plot holder for the client.
 *
 * @example
 * ```ts
 * import { mapSectionsHtml } from "./era5.ts";
 * const html = mapSectionsHtml([{ id: "maps", title: "<x>", intro: "", maps: [] }]);
 * if (!html.includes("&lt;x&gt;")) throw new Error("escaped");
 * ```
 */
export function mapSectionsHtml(sections: readonly MapSection[]): string {
  return sections.map((s) =>
    `\n<section id="${h(s.id)}"><h2>${h(s.title)}</h2><p class="intro">${h(s.intro)}</p>` +
    `<div class="figures three">${
      s.maps.map((f) =>
        `<figure class="chart sphere-map" data-chart="${h(f.map.id)}"><h3>${h(f.title)}</h3>` +
        `<div class="plot"></div><figcaption>${h(f.caption)}</figcaption></figure>`
      ).join("")
    }</div></section>`
  ).join("");
}

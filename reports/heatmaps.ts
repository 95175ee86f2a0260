/**
 * Report sections for 2D suites, decided on the server from a result's `hovmoller` block and
 * its 2D snapshots (those with a `shape`): heatmaps of the reference, the prediction and their
 * difference. 1D results have neither, and get no section from here.
 *
 * - **Space–time (Hovmöller) diagram**: the first field (h) along the grid row through the
 *   domain centre, x across, model step upwards. Wave fronts are sloped lines whose slope is
 *   their speed: a phase (dispersion) error tilts or shifts the predicted fronts against the
 *   reference, an amplitude (dissipation) error fades them, all in one still picture.
 * - **Snapshots**: each field of IC 0 at two steps, reference, prediction and difference.
 *
 * Colours: a field whose reference takes both signs (u, v) gets the diverging map centred on 0;
 * otherwise (h) viridis over the reference's range. Differences use the diverging map over
 * ±max|p − y|. Panels that should compare share their colour domain (all panels of a field;
 * differences of a field across steps and models).
 * @module
 */
import type { Hovmoller, Snapshot } from "../harness/results/schema.ts";
import type { HeatmapSpec } from "./chart_spec.ts";
import { type Entry, type LegendItem, REF_COLOR } from "./charts.ts";

/** A heatmap with the server-rendered title, legend and caption around it. */
export interface HeatmapFigure {
  heatmap: HeatmapSpec;
  title: string;
  caption: string;
  legend: LegendItem[];
}

/** A section of heatmaps under one heading. */
export interface HeatmapSection {
  id: string;
  title: string;
  intro: string;
  heatmaps: HeatmapFigure[];
}

/** Code of a missing cell (NaN, diverged). */
export const MISSING_CODE = 255;

/**
 * Quantise values to colour codes over `zDomain = [z₀, z₁]` (see {@link HeatmapSpec}): code
 * `round(254 (v − z₀)/(z₁ − z₀))` clamped to 0..254, `255` for null or non-finite values;
 * returned as base64.
 *
 * @example
 * ```ts
 * import { encodeCodes } from "./heatmaps.ts";
 * const bytes = atob(encodeCodes([0, 0.5, 1, 7, null], [0, 1]));
 * if ([...bytes].map((c) => c.charCodeAt(0)).join() !== "0,127,254,254,255") throw new Error();
 * ```
 */
export function encodeCodes(
  values: ArrayLike<number | null>,
  zDomain: readonly [number, number],
): string {
  const [z0, z1] = zDomain, span = z1 - z0;
  if (!(Number.isFinite(z0) && Number.isFinite(z1) && span > 0)) {
    throw new RangeError(
      `Cannot encode a heatmap: expected a finite domain z₀ < z₁, found [${z0}, ${z1}]`,
    );
  }
  let text = "";
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    const code = v === null || !Number.isFinite(v)
      ? MISSING_CODE
      : Math.min(254, Math.max(0, Math.round((254 * (v - z0)) / span)));
    text += String.fromCharCode(code);
  }
  return btoa(text);
}

interface Range {
  lo: number;
  hi: number;
}

/**
 * The prediction's spread against the reference's, for a caption: a panel that looks flat on
 * the reference's colour scale is a model that smoothed the field away, not a failed drawing.
 *
 * @example
 * ```ts
 * import { spanNote } from "./heatmaps.ts";
 * const note = spanNote([0.99, 1.01], [0.9, 1.3]);
 * if (!note.includes("0.99 to 1.01") || !note.includes("5%")) throw new Error(note);
 * ```
 */
export function spanNote(pred: ArrayLike<number | null>, ref: ArrayLike<number | null>): string {
  const p = rangeOf([pred]), r = rangeOf([ref]);
  if (!(p.lo <= p.hi) || !(r.lo < r.hi)) return "";
  const f = (v: number) => String(Number(v.toPrecision(3)));
  const share = (p.hi - p.lo) / (r.hi - r.lo);
  return ` Its values run from ${f(p.lo)} to ${f(p.hi)} (reference ${f(r.lo)} to ${f(r.hi)})` +
    (share < 0.25
      ? `: its spread is ${Math.round(100 * share)}% of the reference's, so the panel looks ` +
        "nearly flat because the prediction is."
      : ".");
}

function rangeOf(lists: Iterable<ArrayLike<number | null> | null>): Range {
  let lo = Infinity, hi = -Infinity;
  for (const list of lists) {
    if (list === null) continue;
    for (let i = 0; i < list.length; i++) {
      const v = list[i];
      if (v === null || !Number.isFinite(v)) continue;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  return { lo, hi };
}

/** Colour scheme and domain of a field from its reference range. */
function fieldScale(r: Range): { scheme: HeatmapSpec["scheme"]; zDomain: [number, number] } {
  if (!(r.lo <= r.hi)) return { scheme: "sequential", zDomain: [0, 1] };
  if (r.lo < 0 && r.hi > 0) {
    const m = Math.max(-r.lo, r.hi);
    return { scheme: "diverging", zDomain: [-m, m] };
  }
  if (r.hi - r.lo <= 1e-12 * Math.max(1, Math.abs(r.hi))) {
    const pad = Math.max(1e-6, 1e-3 * Math.abs(r.hi));
    return { scheme: "sequential", zDomain: [r.lo - pad, r.hi + pad] };
  }
  return { scheme: "sequential", zDomain: [r.lo, r.hi] };
}

/** Symmetric diverging domain ±max|d| (±1 when every difference is 0). */
function differenceScale(r: Range): [number, number] {
  const m = Math.max(Math.abs(r.lo), Math.abs(r.hi));
  return Number.isFinite(m) && m > 0 ? [-m, m] : [-1, 1];
}

function subtract(p: ArrayLike<number | null> | null, y: ArrayLike<number>): (number | null)[] {
  return Array.from(y, (v, i) => {
    const q = p?.[i];
    return q === null || q === undefined || !Number.isFinite(q) ? null : q - v;
  });
}

function outside(values: Iterable<number | null>, z: readonly [number, number]): number {
  const tol = 1e-9 * (z[1] - z[0]);
  let n = 0;
  for (const v of values) if (v !== null && (v < z[0] - tol || v > z[1] + tol)) n++;
  return n;
}

/** Legend of reference panels on comparison pages (keeps panel rows aligned). */
const REF_LEGEND: LegendItem[] = [{ label: "reference", color: REF_COLOR, dash: "solid" }];

const fmt = (v: number) => String(Number(v.toPrecision(3)));
const fieldName = (f: string) => (f === "*" ? "all fields" : f);

/** The Hovmöller section for results that carry a `hovmoller` block (else none). */
function hovmollerSection(
  entries: readonly Entry[],
  id: () => string,
  comparison: boolean,
): HeatmapSection | undefined {
  const have = entries.filter((e) => e.result.hovmoller !== undefined);
  if (have.length === 0) return undefined;
  const h0 = have[0].result.hovmoller as Hovmoller;
  const dt = have[0].result.suite.dt;
  const w = h0.x.length, t = h0.steps.length;
  const dx = w > 1 ? h0.x[1] - h0.x[0] : 1;
  const xExtent: [number, number] = [h0.x[0] - dx / 2, h0.x[w - 1] + dx / 2];
  const yExtent: [number, number] = [h0.steps[0] - 0.5, h0.steps[t - 1] + 0.5];
  const flat = (rows: readonly (readonly (number | null)[] | null)[]): (number | null)[] =>
    rows.flatMap((r): (number | null)[] => (r === null ? new Array(w).fill(null) : [...r]));
  const refFlat = flat(h0.ref);
  const scale = fieldScale(rangeOf(h0.ref));
  const field = fieldName(h0.field);
  const base = {
    xLabel: `x along row j = ${h0.row} (y = ${fmt(h0.y)})`,
    yLabel: `model step (Δt = ${dt})`,
    columns: w,
    rows: t,
    xExtent,
    yExtent,
    aspect: 0.85,
  };
  const same = (hv: Hovmoller) =>
    hv.field === h0.field && hv.row === h0.row && hv.x.length === w && hv.steps.length === t;
  const figures: HeatmapFigure[] = [{
    heatmap: {
      ...base,
      id: id(),
      title: `reference ${field} along x vs step`,
      codes: encodeCodes(refFlat, scale.zDomain),
      scheme: scale.scheme,
      zDomain: scale.zDomain,
      zLabel: field,
    },
    title: `${field} · reference`,
    caption: `Reference ${field} of IC ${h0.ic} along x through the domain centre, one row per ` +
      `model step (step 0, the IC, at the bottom). Sloped streaks are travelling waves.`,
    legend: comparison ? REF_LEGEND : [],
  }];
  const diffs = have.filter((e) => same(e.result.hovmoller!)).map((e) => {
    const hv = e.result.hovmoller!;
    return hv.ref.map((row, s) => (hv.pred[s] === null ? null : subtract(hv.pred[s], row)));
  });
  const diffDomain = differenceScale(rangeOf(diffs.flatMap((d) => d)));
  have.filter((e) => same(e.result.hovmoller!)).forEach((e, i) => {
    const hv = e.result.hovmoller!;
    const predFlat = flat(hv.pred);
    const gone = hv.pred.findIndex((r) => r === null);
    const clamped = outside(predFlat, scale.zDomain);
    const notes = [
      ...(gone >= 0 ? [`diverged at step ${hv.steps[gone]}`] : []),
      ...(clamped > 0 ? [`${clamped} values outside the colour range`] : []),
    ];
    const who = comparison ? e.label : "prediction";
    const window = hv.firstStep > 1
      ? ` Steps 0–${hv.firstStep - 1} are the reference states the model was given ` +
        `(history ${hv.firstStep}).`
      : "";
    figures.push({
      heatmap: {
        ...base,
        id: id(),
        title: `${who}: ${field} along x vs step`,
        codes: encodeCodes(predFlat, scale.zDomain),
        scheme: scale.scheme,
        zDomain: scale.zDomain,
        zLabel: field,
        note: notes.length > 0 ? notes.join("; ") : undefined,
      },
      title: `${field} · ${who}`,
      caption: `Predicted ${field} on the same line and colour scale as the reference.${window}` +
        `${gone >= 0 ? " Hatched rows: the rollout had diverged (NaN/Inf)." : ""}`,
      legend: comparison ? [{ label: e.label, color: e.color, dash: "solid" }] : [],
    });
    figures.push({
      heatmap: {
        ...base,
        id: id(),
        title: `${who}: ${field} prediction minus reference along x vs step`,
        codes: encodeCodes(flat(diffs[i]), diffDomain),
        scheme: "diverging",
        zDomain: diffDomain,
        zLabel: `Δ${field}`,
      },
      title: `${field} · ${comparison ? `${e.label}: ` : ""}prediction − reference`,
      caption:
        `Prediction minus reference (red: too high, blue: too low)${
          comparison ? ", one colour scale for all models" : ""
        }. A phase error shows as red/blue pairs along each front (the predicted wave runs ahead ` +
        `or behind); an amplitude error as one colour over the front.`,
      legend: comparison ? [{ label: e.label, color: e.color, dash: "solid" }] : [],
    });
  });
  return {
    id: "hovmoller",
    title: "Space–time diagram",
    intro:
      `${field} along the line y = ${
        fmt(h0.y)
      } through the domain centre at every step (Hovmöller diagram): wave speeds are slopes, ` +
      "so phase errors (dispersion) appear as displaced or tilted fronts and amplitude errors " +
      "(dissipation) as faded ones, without an animation.",
    heatmaps: figures,
  };
}

/** The 2D snapshot section: every (field, step) shared by all results with 2D snapshots. */
function snapshotSection(
  entries: readonly Entry[],
  id: () => string,
  comparison: boolean,
): HeatmapSection | undefined {
  const is2d = (s: Snapshot) => Array.isArray(s.shape) && s.shape.length === 2;
  const keyOf = (s: Snapshot) => `${s.field}\u0000${s.ic}\u0000${s.step}`;
  const first = entries[0].result;
  const common = first.snapshots.filter((s0) =>
    is2d(s0) && entries.every((e) => e.result.snapshots.some((s) => keyOf(s) === keyOf(s0)))
  );
  if (common.length === 0) return undefined;
  const figures: HeatmapFigure[] = [];
  const fields = [...new Set(common.map((s) => s.field))];
  for (const field of fields) {
    const list = common.filter((s) => s.field === field).sort((a, b) =>
      a.ic - b.ic || a.step - b.step
    );
    const scale = fieldScale(rangeOf(list.map((s) => s.ref)));
    const find = (e: Entry, s0: Snapshot) => e.result.snapshots.find((s) => keyOf(s) === keyOf(s0));
    const diffDomain = differenceScale(rangeOf(
      list.flatMap((s0) => entries.map((e) => subtract(find(e, s0)?.pred ?? null, s0.ref))),
    ));
    for (const s0 of list) {
      const [rows, columns] = s0.shape!;
      const base = {
        xLabel: "x (cell i)",
        yLabel: "y (cell j)",
        columns,
        rows,
        xExtent: [0, columns] as [number, number],
        yExtent: [0, rows] as [number, number],
        aspect: rows / columns,
      };
      const when = `IC ${s0.ic} · step ${s0.step} (t = ${+(s0.step * first.suite.dt).toPrecision(
        6,
      )})`;
      figures.push({
        heatmap: {
          ...base,
          id: id(),
          title: `reference ${fieldName(field)}, ${when}`,
          codes: encodeCodes(s0.ref, scale.zDomain),
          scheme: scale.scheme,
          zDomain: scale.zDomain,
          zLabel: fieldName(field),
        },
        title: `${fieldName(field)} · reference · step ${s0.step}`,
        caption: `Reference ${fieldName(field)}, ${when}.`,
        legend: comparison ? REF_LEGEND : [],
      });
      for (const e of entries) {
        const snap = find(e, s0)!;
        const who = comparison ? e.label : "prediction";
        const missing = snap.pred.filter((v) => v === null).length;
        const clamped = outside(snap.pred, scale.zDomain);
        const notes = [
          ...(missing > 0 ? [`${missing} NaN/Inf cells`] : []),
          ...(clamped > 0 ? [`${clamped} values outside the colour range`] : []),
        ];
        const legend = comparison
          ? [{ label: e.label, color: e.color, dash: "solid" as const }]
          : [];
        figures.push({
          heatmap: {
            ...base,
            id: id(),
            title: `${who}: ${fieldName(field)}, ${when}`,
            codes: encodeCodes(snap.pred, scale.zDomain),
            scheme: scale.scheme,
            zDomain: scale.zDomain,
            zLabel: fieldName(field),
            note: notes.length > 0 ? notes.join("; ") : undefined,
          },
          title: `${fieldName(field)} · ${who} · step ${s0.step}`,
          caption: `Predicted ${fieldName(field)}, ${when}, on the reference's colour scale.` +
            spanNote(snap.pred, s0.ref),
          legend,
        });
        figures.push({
          heatmap: {
            ...base,
            id: id(),
            title: `${who}: ${fieldName(field)} prediction minus reference, ${when}`,
            codes: encodeCodes(subtract(snap.pred, s0.ref), diffDomain),
            scheme: "diverging",
            zDomain: diffDomain,
            zLabel: `Δ${fieldName(field)}`,
          },
          title: `${fieldName(field)} · ${
            comparison ? `${e.label}: ` : ""
          }difference · step ${s0.step}`,
          caption: `Prediction minus reference (red: too high, blue: too low); one colour scale ` +
            `for every step${comparison ? " and model" : ""} of ${fieldName(field)}.`,
          legend,
        });
      }
    }
  }
  return {
    id: "snapshots2d",
    title: "Snapshots",
    intro: "The fields themselves at two steps: reference, prediction on the same colour " +
      "scale, and their difference. Cells are drawn as stored (no smoothing).",
    heatmaps: figures,
  };
}

/**
 * Heatmap sections of a page: the space–time diagram and the 2D snapshots, in that order;
 * empty for 1D results. `id` hands out unique chart ids.
 *
 * @example
 * ```ts
 * import { heatmapSections } from "./heatmaps.ts";
 * import { entriesFor } from "./charts.ts";
 * import { sampleResult } from "./sample_result.ts";
 * let n = 0;
 * const oneD = heatmapSections(entriesFor([sampleResult({ steps: 10, ics: 1 })]), () => `h${n++}`);
 * if (oneD.length !== 0) throw new Error("1D results have no heatmaps");
 * ```
 */
export function heatmapSections(entries: readonly Entry[], id: () => string): HeatmapSection[] {
  const comparison = entries.length > 1;
  return [hovmollerSection(entries, id, comparison), snapshotSection(entries, id, comparison)]
    .filter((s): s is HeatmapSection => s !== undefined);
}

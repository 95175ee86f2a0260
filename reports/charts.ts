/**
 * Which charts a report shows and what goes in them, decided on the server from result rows:
 * error curves, the dissipation/dispersion split, energy, spectra and snapshots (SPEC §4). The
 * output is plain data ({@link ChartSpec}) that the client only draws.
 *
 * One result gives a run page (one colour); several results give a comparison page where each
 * model keeps one colour across every chart and the reference is drawn once, in dark grey.
 * @module
 */
import type { Result } from "../harness/results/schema.ts";
import type { ResultRow } from "../metrics/rows.ts";
import type { ChartSpec, Dash, MarkerSpec, SeriesSpec } from "./chart_spec.ts";
import { snapshotNside } from "./sphere.ts";
import { frontierSection } from "./frontier.ts";
import { DEFAULT_SPECTRUM_LABEL } from "../harness/results/io.ts";
import type { SpectrumLabel } from "../harness/results/schema.ts";

/** Report labels of a result's spectrum rows (`suite.spectrum` of the file, else the default). */
function spectrumLabelOf(r: Result): SpectrumLabel {
  return r.suite.spectrum ?? DEFAULT_SPECTRUM_LABEL;
}

/** Okabe–Ito colours (colour-blind safe), in the order models get them. */
export const PALETTE: readonly string[] = [
  "#0072B2",
  "#D55E00",
  "#009E73",
  "#CC79A7",
  "#E69F00",
  "#56B4E9",
  "#7F3C8D",
  "#8C6D31",
];
/** Colour of reference (ground-truth) lines: a wide grey band under the predictions. */
export const REF_COLOR = "#a3a3a3";
const REF_WIDTH = 3.2;
const DIVERGE_COLOR = "#C62828";

/** A model as the page shows it: unique label and fixed colour. */
export interface Entry {
  result: Result;
  /** Unique display label (model name, suffixed when two results share a name). */
  label: string;
  color: string;
}

/** A legend swatch. */
export interface LegendItem {
  label: string;
  color: string;
  dash: Dash;
}

/** One figure: a chart plus the server-rendered title, legend and caption around it. */
export interface FigureSpec {
  chart: ChartSpec;
  title: string;
  caption: string;
  legend: LegendItem[];
}

/** A section of figures under one heading. */
export interface SectionSpec {
  id: string;
  title: string;
  intro: string;
  figures: FigureSpec[];
}

/** Labels and colours for results, in order; duplicate model names get ` #2`, ` #3`. */
export function entriesFor(results: readonly Result[]): Entry[] {
  const seen = new Map<string, number>();
  return results.map((result, i) => {
    const name = result.model.name;
    const count = (seen.get(name) ?? 0) + 1;
    seen.set(name, count);
    return {
      result,
      label: count === 1 ? name : `${name} #${count}`,
      color: PALETTE[i % PALETTE.length],
    };
  });
}

const round = (v: number | null): number | null =>
  v === null || !Number.isFinite(v) ? null : Number(v.toPrecision(6));

/** A curve: steps, values, and the spread across ICs where the rows carry one. */
export interface Curve {
  x: number[];
  y: (number | null)[];
  /** Q(¼) and Q(¾) across ICs per step (rows' `q25` / `q75`), when any row has them. */
  band?: { lower: (number | null)[]; upper: (number | null)[] };
}

/**
 * Mean-over-ICs curve of `metric` on `field`: one value per step, sorted by step, with the
 * interquartile band across ICs where the rows carry `q25` / `q75` (results written before
 * the band have none).
 *
 * @example
 * ```ts
 * import { curveOf } from "./charts.ts";
 * const c = curveOf([
 *   { metric: "mse", field: "u", step: 2, value: 3, n: 4, q25: 1, q75: 4 },
 *   { metric: "mse", field: "u", step: 1, value: 1, n: 4, q25: 0.5, q75: 1.5 },
 * ], "mse", "u");
 * if (c.x.join() !== "1,2" || c.band?.upper.join() !== "1.5,4") throw new Error();
 * ```
 */
export function curveOf(
  rows: readonly ResultRow[],
  metric: string,
  field: string,
): Curve {
  const byStep = new Map<number, ResultRow>();
  for (const r of rows) {
    if (r.metric !== metric || r.field !== field || r.step === undefined) continue;
    if (r.ic !== undefined || r.k !== undefined || r.region !== undefined) continue;
    if (!byStep.has(r.step)) byStep.set(r.step, r);
  }
  const steps = [...byStep.keys()].sort((a, b) => a - b);
  const at = steps.map((s) => byStep.get(s)!);
  const curve: Curve = { x: steps, y: at.map((r) => round(r.value)) };
  if (at.some((r) => r.q25 !== undefined)) {
    curve.band = {
      lower: at.map((r) => round(r.q25 ?? null)),
      upper: at.map((r) => round(r.q75 ?? null)),
    };
  }
  return curve;
}

/** Spectrum rows of `metric` on `field` at `step`, for k ≥ 1, sorted by k. */
export function spectrumOf(
  rows: readonly ResultRow[],
  metric: string,
  field: string,
  step: number,
): { x: number[]; y: (number | null)[] } {
  const byK = new Map<number, number | null>();
  for (const r of rows) {
    if (r.metric !== metric || r.field !== field || r.step !== step) continue;
    if (r.k === undefined || r.k < 1 || r.ic !== undefined) continue;
    if (!byK.has(r.k)) byK.set(r.k, r.value);
  }
  const ks = [...byK.keys()].sort((a, b) => a - b);
  return { x: ks, y: ks.map((k) => round(byK.get(k) ?? null)) };
}

function hasCurve(rows: readonly ResultRow[], metric: string, field: string): boolean {
  return rows.some((r) =>
    r.metric === metric && r.field === field && r.step !== undefined && r.ic === undefined &&
    r.k === undefined
  );
}

/** Fields in suite order, then any other field found in the rows. */
function fieldsOf(entries: readonly Entry[], metric: (m: string) => boolean): string[] {
  const out: string[] = [];
  const add = (f: string) => {
    if (!out.includes(f)) out.push(f);
  };
  const found = new Set<string>();
  for (const e of entries) {
    for (const r of e.result.rows) if (metric(r.metric)) found.add(r.field);
  }
  for (const e of entries) for (const f of e.result.suite.fields) if (found.has(f)) add(f);
  for (const f of [...found].sort()) add(f);
  return out;
}

/** Divergence rules for one result: one per distinct step, labelled with its ICs. */
function divergenceMarkers(entry: Entry, comparison: boolean): MarkerSpec[] {
  const bySteps = new Map<number, number[]>();
  for (const d of entry.result.divergence) {
    if (d.step === null) continue;
    bySteps.set(d.step, [...(bySteps.get(d.step) ?? []), d.ic]);
  }
  return [...bySteps.entries()].sort((a, b) => a[0] - b[0]).map(([step, ics]) => ({
    x: step,
    label: `${ics.length === 1 ? "IC" : "ICs"} ${ics.slice(0, 3).join(", ")}${
      ics.length > 3 ? ", …" : ""
    }${comparison ? "" : " diverged"}`,
    color: comparison ? entry.color : DIVERGE_COLOR,
  }));
}

const fieldName = (f: string) => (f === "*" ? "all fields" : f);

function series(
  label: string,
  color: string,
  data: Curve,
  dash: Dash = "solid",
  width = 1.8,
): SeriesSpec {
  return {
    label,
    color,
    dash,
    width,
    x: data.x,
    y: data.y,
    ...(data.band ? { band: data.band } : {}),
  };
}

/** The band caption of a figure whose series carry bands, else "". */
export function bandNote(s: readonly SeriesSpec[]): string {
  return s.some((x) => x.band)
    ? " Shaded: interquartile range across ICs (25th–75th percentile of the per-IC values), the " +
      "spread of the ICs, not an interval of the mean, which can lie outside it when a few ICs " +
      "dominate."
    : "";
}

const legendOf = (s: readonly SeriesSpec[]): LegendItem[] =>
  s.map(({ label, color, dash }) => ({ label, color, dash }));

function logDomain(
  values: Iterable<number | null>,
  floorRatio: number,
): [number, number] | undefined {
  let hi = 0, lo = Infinity;
  for (const v of values) {
    if (v === null || !(v > 0) || !Number.isFinite(v)) continue;
    if (v > hi) hi = v;
    if (v < lo) lo = v;
  }
  if (hi === 0) return undefined;
  const floor = Math.max(lo, hi * floorRatio);
  return [Math.pow(10, Math.floor(Math.log10(floor))), Math.pow(10, Math.ceil(Math.log10(hi)))];
}

/**
 * Linear domain that contains the reference and every prediction value not far outside it; a
 * prediction that blows up leaves the top of the plot instead of flattening the reference.
 */
function robustDomain(
  ref: Iterable<number | null>,
  others: Iterable<number | null>,
  slackRatio: number,
): [number, number] | undefined {
  let lo = Infinity, hi = -Infinity;
  for (const v of ref) {
    if (v === null || !Number.isFinite(v)) continue;
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  if (!(lo <= hi)) return undefined;
  const slack = slackRatio * Math.max(hi - lo, 0.1 * Math.max(Math.abs(hi), Math.abs(lo)), 1e-12);
  let a = lo, b = hi;
  for (const v of others) {
    if (v === null || !Number.isFinite(v)) continue;
    if (v >= lo - slack && v <= hi + slack) {
      a = Math.min(a, v);
      b = Math.max(b, v);
    }
  }
  // At least ±0.005% of the magnitude: a conserved quantity's round-off (1e-7 relative) stays
  // a flat line instead of filling the plot.
  const pad = b > a
    ? 0.05 * Math.max(b - a, 1e-3 * Math.max(Math.abs(a), Math.abs(b)))
    : 0.05 * (Math.abs(b) || 1);
  return [a - pad, b + pad];
}

const stepWord = (r: Result, step: number) =>
  `step ${step} (t = ${+(step * r.suite.dt).toPrecision(6)})`;

/** The chart sections for a page of one or more results. */
export function buildSections(entries: readonly Entry[]): SectionSpec[] {
  if (entries.length === 0) {
    throw new RangeError("Cannot build charts: expected ≥ 1 result, found 0");
  }
  const comparison = entries.length > 1;
  const first = entries[0].result;
  const xLabel = `model step (Δt = ${first.suite.dt})`;
  const maxSteps = Math.max(...entries.map((e) => e.result.config.steps));
  const stepDomain: [number, number] = [0, maxSteps];
  let nextId = 0;
  const id = () => `c${nextId++}`;
  const markers = entries.flatMap((e) => divergenceMarkers(e, comparison));
  const markerNote = markers.length > 0
    ? comparison
      ? " Vertical rules in a model's colour mark steps where its ICs diverged; from there its means average fewer ICs."
      : " Red rules mark divergence steps; from there the means average only the ICs still finite."
    : "";
  const sections: SectionSpec[] = [];

  // 1. Error curves.
  const errorFigures: FigureSpec[] = [];
  const ERR: Record<string, { y: string; what: string }> = {
    mse: { y: "MSE ⟨(p − y)²⟩", what: "Mean squared error" },
    nrmse: { y: "nRMSE ‖p − y‖₂ / ‖y‖₂", what: "Normalised RMSE (per IC, then mean over ICs)" },
  };
  for (const field of fieldsOf(entries, (m) => m in ERR)) {
    for (const metric of Object.keys(ERR)) {
      const have = entries.filter((e) => hasCurve(e.result.rows, metric, field));
      if (have.length === 0) continue;
      const s = have.map((e) => series(e.label, e.color, curveOf(e.result.rows, metric, field)));
      errorFigures.push({
        chart: {
          id: id(),
          title: `${metric} of ${fieldName(field)} vs step`,
          xLabel,
          yLabel: ERR[metric].y,
          xScale: "linear",
          yScale: "log",
          xDomain: stepDomain,
          series: s,
          markers,
        },
        title: `${metric} · ${fieldName(field)}`,
        caption: `${ERR[metric].what} of ${
          fieldName(field)
        } at every step, mean over ICs (line), log scale. Gaps are steps with no finite value.${
          bandNote(s)
        }${markerNote}`,
        legend: comparison ? legendOf(s) : [],
      });
    }
  }
  if (errorFigures.length > 0) {
    sections.push({
      id: "errors",
      title: "Error growth",
      intro: "How fast the rollout leaves the reference. Lower is better.",
      figures: errorFigures,
    });
  }

  // 2. Dissipation / dispersion split.
  const splitFigures: FigureSpec[] = [];
  const splitFields = fieldsOf(entries, (m) => m === "dissipation" || m === "dispersion");
  for (const field of splitFields) {
    if (!comparison) {
      const rows = first.rows;
      const s: SeriesSpec[] = [];
      if (hasCurve(rows, "dissipation", field)) {
        s.push(series("dissipation", "#D55E00", curveOf(rows, "dissipation", field)));
      }
      if (hasCurve(rows, "dispersion", field)) {
        s.push(series("dispersion", "#0072B2", curveOf(rows, "dispersion", field)));
      }
      if (hasCurve(rows, "mse", field)) {
        s.push(series("mse (= sum)", "#8a8a8a", curveOf(rows, "mse", field), "dotted", 1.6));
      }
      // Three means in one panel: no bands (they would cover each other); the error panels
      // above show the spread.
      for (const x of s) delete x.band;
      splitFigures.push({
        chart: {
          id: id(),
          title: `dissipation and dispersion of ${fieldName(field)} vs step`,
          xLabel,
          yLabel: "error part (field units²)",
          xScale: "linear",
          yScale: "log",
          xDomain: stepDomain,
          series: s,
          markers,
        },
        title: `dissipation vs dispersion · ${fieldName(field)}`,
        caption: `Takacs split of the MSE of ${
          fieldName(field)
        }: dissipation (σₚ − σᵧ)² + (μₚ − μᵧ)² (amplitude and mean errors) and dispersion 2(1 − ρ)σₚσᵧ (phase errors); the two sum to the MSE. Log scale, mean over ICs.${markerNote}`,
        legend: legendOf(s),
      });
    } else {
      for (const metric of ["dissipation", "dispersion"]) {
        const have = entries.filter((e) => hasCurve(e.result.rows, metric, field));
        if (have.length === 0) continue;
        const s = have.map((e) => series(e.label, e.color, curveOf(e.result.rows, metric, field)));
        splitFigures.push({
          chart: {
            id: id(),
            title: `${metric} of ${fieldName(field)} vs step`,
            xLabel,
            yLabel: `${metric} (field units²)`,
            xScale: "linear",
            yScale: "log",
            xDomain: stepDomain,
            series: s,
            markers,
          },
          title: `${metric} · ${fieldName(field)}`,
          caption: metric === "dissipation"
            ? `Dissipation part of the MSE of ${
              fieldName(field)
            }: (σₚ − σᵧ)² + (μₚ − μᵧ)², amplitude and mean errors. Log scale, mean over ICs.${
              bandNote(s)
            }${markerNote}`
            : `Dispersion part of the MSE of ${
              fieldName(field)
            }: 2(1 − ρ)σₚσᵧ, phase and pattern errors. Log scale, mean over ICs.${
              bandNote(s)
            }${markerNote}`,
          legend: legendOf(s),
        });
      }
    }
  }
  // 3. Energy.
  const energyFigures: FigureSpec[] = [];
  for (const field of fieldsOf(entries, (m) => m === "energy_pred" || m === "energy_ref")) {
    const refs = entries.filter((e) => hasCurve(e.result.rows, "energy_ref", field));
    const preds = entries.filter((e) => hasCurve(e.result.rows, "energy_pred", field));
    const refCurves = refs.map((e) => curveOf(e.result.rows, "energy_ref", field));
    const shared = refCurves.every((c) => sameCurve(c, refCurves[0]));
    const refS = refCurves.length > 0 && shared
      ? [series("reference", REF_COLOR, refCurves[0], "solid", REF_WIDTH)]
      : refs.map((e, i) => series(`reference (${e.label})`, e.color, refCurves[i], "dashed"));
    const s: SeriesSpec[] = [...refS];
    for (const e of preds) {
      s.push(
        series(
          comparison ? e.label : "prediction",
          e.color,
          curveOf(e.result.rows, "energy_pred", field),
        ),
      );
    }
    const refVals = refS.flatMap((x) => x.y);
    const predVals = s.flatMap((x) => x.y);
    energyFigures.push({
      chart: {
        id: id(),
        title: `energy of ${fieldName(field)} vs step`,
        xLabel,
        yLabel: "energy (suite-defined)",
        xScale: "linear",
        yScale: "linear",
        xDomain: stepDomain,
        yDomain: robustDomain(refVals, predVals, 2),
        series: s,
        markers,
      },
      title: `energy · ${fieldName(field)}`,
      caption: `Suite-defined energy of ${fieldName(field)} (${
        first.suite.energy
          ? `E = ${first.suite.energy}`
          : "the result file does not say how the suite defines it"
      }), mean over ICs, prediction against reference. The y axis is fitted to the reference; a prediction that runs far away leaves the plot.${markerNote}`,
      legend: legendOf(s),
    });
  }
  // Drifts of suite diagnostics (rows `diag_<name>_drift_pred` / `_ref`, e.g. shallow-water
  // mass and energy); 1D suites have none.
  const driftFigures: FigureSpec[] = [];
  const driftNames = [
    ...new Set(entries.flatMap((e) =>
      e.result.rows.flatMap((r) => {
        const m = /^diag_([a-z0-9_]+)_drift_pred$/.exec(r.metric);
        return m ? [m[1]] : [];
      })
    )),
  ];
  for (const name of driftNames) {
    const pm = `diag_${name}_drift_pred`, rm = `diag_${name}_drift_ref`;
    const refDrift = maxRefDrift(entries.map((e) => e.result), name);
    const refCurves = entries.filter((e) => hasCurve(e.result.rows, rm, "*"))
      .map((e) => ({ e, c: curveOf(e.result.rows, rm, "*") }));
    const s: SeriesSpec[] = refCurves.length > 0 &&
        refCurves.every((r) => sameCurve(r.c, refCurves[0].c))
      ? [series("reference", REF_COLOR, refCurves[0].c, "solid", REF_WIDTH)]
      : refCurves.map((r) => series(`reference (${r.e.label})`, r.e.color, r.c, "dashed"));
    for (const e of entries.filter((x) => hasCurve(x.result.rows, pm, "*"))) {
      s.push(series(comparison ? e.label : "prediction", e.color, curveOf(e.result.rows, pm, "*")));
    }
    driftFigures.push({
      chart: {
        id: id(),
        title: `relative ${name} drift vs step`,
        xLabel,
        yLabel: `relative ${name} drift`,
        xScale: "linear",
        yScale: "linear",
        xDomain: stepDomain,
        series: s,
        markers,
      },
      title: `${name} drift`,
      caption: `Signed relative drift of the total ${name} from the IC, mean over ICs. ` +
        (refDrift === null
          ? "The result has no reference drift to compare with."
          : refDrift <= CONSERVED_DRIFT
          ? `The reference conserves it (|drift| ≤ ${
            formatSci(refDrift)
          }, float32 rounding): the prediction's departure from 0 is the emulator's own.`
          : `It is not conserved here: the reference itself drifts by up to ${
            formatSci(refDrift)
          } (forcing and dissipation), so compare the prediction with the reference, not with 0.`) +
        markerNote,
      legend: legendOf(s),
    });
  }
  const physics = [...splitFigures, ...energyFigures, ...driftFigures];
  if (physics.length > 0) {
    sections.push({
      id: "physics",
      title: "Dissipation, dispersion and energy",
      intro: "Whether the error comes from wrong amplitudes (dissipation) or wrong phases " +
        "(dispersion), and whether the emulator keeps the energy: drift is the usual first sign " +
        "of an unstable or over-damped model.",
      figures: physics,
    });
  }

  // 4. Spectra at the summary steps.
  const specFigures: FigureSpec[] = [];
  for (const field of fieldsOf(entries, (m) => m === "spectrum_pred" || m === "spectrum_ref")) {
    const steps = [
      ...new Set(
        entries.flatMap((e) =>
          e.result.rows
            .filter((r) =>
              (r.metric === "spectrum_ref" || r.metric === "spectrum_pred") && r.field === field &&
              r.k !== undefined && r.step !== undefined && r.ic === undefined
            )
            .map((r) => r.step as number)
        ),
      ),
    ].sort((a, b) => a - b);
    const perStep = steps.map((step) => {
      const refs = entries.map((e) => spectrumOf(e.result.rows, "spectrum_ref", field, step));
      const present = refs.filter((c) => c.x.length > 0);
      const refS: SeriesSpec[] = present.length === 0
        ? []
        : present.every((c) => sameCurve(c, present[0]))
        ? [series("reference", REF_COLOR, present[0], "solid", REF_WIDTH)]
        : entries.flatMap((e, i) =>
          refs[i].x.length > 0
            ? [series(`reference (${e.label})`, e.color, refs[i], "dashed", 1.4)]
            : []
        );
      const s: SeriesSpec[] = [...refS];
      for (const e of entries) {
        const c = spectrumOf(e.result.rows, "spectrum_pred", field, step);
        if (c.x.length > 0) s.push(series(comparison ? e.label : "prediction", e.color, c));
      }
      return { step, s, refS };
    });
    // One y range for all steps of a field, so panels compare; deep tails below 1e-14 × max
    // (round-off) are cut.
    const yDomain = logDomain(perStep.flatMap((p) => p.refS.flatMap((x) => x.y)), 1e-14);
    const specLabel = spectrumLabelOf(first);
    for (const { step, s } of perStep) {
      const gone = s.filter((x) => x.y.every((v) => v === null)).map((x) => x.label);
      specFigures.push({
        chart: {
          id: id(),
          title: `${specLabel.name} of ${fieldName(field)} at step ${step}`,
          xLabel: specLabel.x,
          yLabel: specLabel.y,
          xScale: "log",
          yScale: "log",
          yDomain,
          series: s,
          markers: [],
          note: gone.length > 0 ? `no finite spectrum: ${listLabels(gone)}` : undefined,
        },
        title: `spectrum · ${fieldName(field)} · ${stepWord(first, step)}`,
        caption: `${stepWord(first, step)}: ${
          comparison ? "each model's" : "the"
        } mean over its ICs still finite, against the reference.${
          gone.length > 0 ? " A model whose ICs had all diverged has no line." : ""
        }`,
        legend: legendOf(s),
      });
    }
  }
  if (specFigures.length > 0) {
    sections.push({
      id: "spectra",
      title: "Energy spectra",
      intro: "Which scales the emulator keeps, loses or invents: high-k pile-up precedes " +
        "blow-up. E(k) = Σ ½|û(k′)|² over |k′| = k, with û = FFT/N, for k ≥ 1, at the summary " +
        "steps, " +
        "log–log. All panels of a field share their axes; values under 10⁻¹⁴ of the peak " +
        "(round-off) are cut.",
      figures: specFigures,
    });
  }

  // 4b. Long-horizon statistics (docs/stability.md): stability band and exits, autocorrelation.
  const longFigures = longHorizonFigures(entries, id, comparison);
  if (longFigures.length > 0) {
    sections.push({
      id: "long-horizon",
      title: "Stability and temporal statistics",
      intro: "Whether the emulator stays in the reference's steady-state energy band " +
        "μ_E ± 5σ_E, and whether its memory matches the reference's: C(τ) is the " +
        "autocorrelation at lag τ (per grid point, averaged, for fields).",
      figures: longFigures,
    });
  }

  // 5. Snapshots.
  const snapFigures: FigureSpec[] = [];
  const keyOf = (s: { ic: number; step: number; field: string }) =>
    `${s.field}\u0000${s.ic}\u0000${s.step}`;
  // Line plots of 1D snapshots; 2D snapshots (with a shape) are heatmaps (`heatmaps.ts`).
  // Sphere fields (HEALPix) are maps (`era5.ts`), not lines.
  const common = first.snapshots.filter((s0) =>
    s0.shape === undefined && snapshotNside(first, s0) === null &&
    entries.every((e) => e.result.snapshots.some((s) => keyOf(s) === keyOf(s0)))
  );
  const snapFields = [...new Set(common.map((s) => s.field))];
  for (const field of snapFields) {
    const list = common.filter((s) => s.field === field).sort((a, b) =>
      a.ic - b.ic || a.step - b.step
    );
    const yDomain = robustDomain(
      list.flatMap((s) => s.ref),
      entries.flatMap((e) =>
        e.result.snapshots.filter((s) => s.field === field).flatMap((s) => s.pred)
      ),
      0.25,
    );
    for (const s0 of list) {
      const x = s0.ref.map((_, i) => i);
      const s: SeriesSpec[] = [
        series("reference", REF_COLOR, { x, y: s0.ref.map(round) }, "solid", REF_WIDTH),
      ];
      const holes: string[] = [];
      let missing = 0;
      for (const e of entries) {
        const snap = e.result.snapshots.find((s) => keyOf(s) === keyOf(s0));
        if (!snap) continue;
        const y = snap.pred.map((v) => round(v));
        const label = comparison ? e.label : "prediction";
        const nan = y.filter((v) => v === null).length;
        if (nan > 0) holes.push(`${label} (${nan === y.length ? "all" : nan})`);
        missing += nan;
        s.push(series(label, e.color, { x: snap.pred.map((_, i) => i), y }, "solid", 1.5));
      }
      const n = s0.ref.length;
      snapFigures.push({
        chart: {
          id: id(),
          title: `${fieldName(field)} along x, IC ${s0.ic}, step ${s0.step}`,
          xLabel: "grid point i",
          yLabel: fieldName(field),
          xScale: "linear",
          yScale: "linear",
          xDomain: [0, n - 1],
          yDomain,
          series: s,
          markers: [],
          note: holes.length > 0 ? `NaN/Inf points: ${listLabels(holes)}` : undefined,
        },
        title: `${fieldName(field)} · IC ${s0.ic} · ${stepWord(first, s0.step)}`,
        caption: `${fieldName(field)} on the ${n}-point grid, IC ${s0.ic}, ${
          stepWord(first, s0.step)
        }.${missing > 0 ? " Gaps: the prediction was NaN or infinite there." : ""}`,
        legend: legendOf(s),
      });
    }
  }
  if (snapFigures.length > 0) {
    sections.push({
      id: "snapshots",
      title: "Snapshots",
      intro: "The fields themselves: prediction (colour) over the reference (grey band) along " +
        "the grid at a few steps. Panels of a field share the y axis, fitted to the reference; " +
        "a prediction far outside it leaves the plot.",
      figures: snapFigures,
    });
  }
  // Cost–accuracy frontier (`run --frontier` results only): reports/frontier.ts.
  const frontier = frontierSection(entries, id);
  if (frontier) sections.push(frontier);
  return sections;
}

/**
 * Largest relative drift below which the reference counts as conserving a diagnostic: float32
 * storage rounds a sum of 10⁴–10⁵ values at ~10⁻⁷ relative, physics drifts far more.
 */
export const CONSERVED_DRIFT = 1e-5;

/** Largest |mean reference drift| of diagnostic `name` over steps and results, or null. */
export function maxRefDrift(results: readonly Result[], name: string): number | null {
  let max: number | null = null;
  for (const r of results) {
    for (const row of r.rows) {
      if (row.metric !== `diag_${name}_drift_ref` || row.step === undefined) continue;
      if (row.ic !== undefined || row.value === null) continue;
      max = Math.max(max ?? 0, Math.abs(row.value));
    }
  }
  return max;
}

/**
 * Diagnostics the reference conserves to round-off (|drift| ≤ {@link CONSERVED_DRIFT} at every
 * step), e.g. shallow-water mass: their autocorrelation is that of rounding noise.
 *
 * @example
 * ```ts
 * import { conservedDiagnostics } from "./charts.ts";
 * import { sampleResult } from "./sample_result.ts";
 * const r = sampleResult({ steps: 4, ics: 1 });
 * r.rows.push({ metric: "diag_mass_drift_ref", field: "*", step: 1, value: 3e-8 });
 * r.rows.push({ metric: "diag_gamma_drift_ref", field: "*", step: 1, value: 0.2 });
 * if ([...conservedDiagnostics([r])].join() !== "mass") throw new Error();
 * ```
 */
export function conservedDiagnostics(results: readonly Result[]): Set<string> {
  const names = new Set<string>();
  for (const r of results) {
    for (const row of r.rows) {
      const m = /^diag_([a-z0-9_]+)_drift_ref$/.exec(row.metric);
      if (m) names.add(m[1]);
    }
  }
  return new Set([...names].filter((name) => {
    const d = maxRefDrift(results, name);
    return d !== null && d <= CONSERVED_DRIFT;
  }));
}

/**
 * Metric ids whose values are noise for `results`: the temporal statistics of a conserved
 * diagnostic ({@link conservedDiagnostics}). Tables mark them "‡"; they get no chart.
 */
export function noiseMetrics(results: readonly Result[]): Set<string> {
  const out = new Set<string>();
  for (const name of conservedDiagnostics(results)) {
    for (const base of ["autocorr_error", "temporal_spectrum_error"]) {
      out.add(`${base}_diag_${name}`);
    }
  }
  return out;
}

const formatSci = (v: number) => (v === 0 ? "0" : v < 1e-3 ? v.toExponential(1) : v.toPrecision(2));

/** At most two labels, then a count of the rest. */
function listLabels(labels: readonly string[]): string {
  return labels.length <= 2
    ? labels.join(", ")
    : `${labels.slice(0, 2).join(", ")} and ${labels.length - 2} more`;
}

function sameCurve(
  a: { x: number[]; y: (number | null)[] },
  b: { x: number[]; y: (number | null)[] },
  rtol = 1e-9,
): boolean {
  if (a.x.length !== b.x.length) return false;
  for (let i = 0; i < a.x.length; i++) {
    if (a.x[i] !== b.x[i]) return false;
    const u = a.y[i], v = b.y[i];
    if (u === null || v === null) {
      if (u !== v) return false;
    } else if (Math.abs(u - v) > rtol * Math.max(Math.abs(u), Math.abs(v), 1e-300)) return false;
  }
  return true;
}

/**
 * Figures of the long-horizon rows (`metrics/stability.ts`, `metrics/temporal.ts`): the share of
 * ICs still inside the energy band against the step (from `first_exit_step`, a step function
 * that drops at every exit), and C(τ) prediction against reference for every field and scalar
 * series with `autocorr_pred*` rows.
 */
function longHorizonFigures(
  entries: readonly Entry[],
  id: () => string,
  comparison: boolean,
): FigureSpec[] {
  const figures: FigureSpec[] = [];
  const withExits = entries.filter((e) =>
    e.result.rows.some((r) => r.metric === "first_exit_step")
  );
  if (withExits.length > 0) {
    const s = withExits.map((e) => {
      const exits = e.result.rows.filter((r) =>
        r.metric === "first_exit_step" && r.ic !== undefined
      )
        .map((r) => r.value);
      const n = exits.length, h = e.result.config.steps;
      const steps = exits.filter((v): v is number => v !== null).sort((a, b) => a - b);
      const x = [0], y: (number | null)[] = [1];
      let left = n;
      for (const st of steps) {
        x.push(st, st);
        y.push(left / n, (left - 1) / n);
        left--;
      }
      x.push(h);
      y.push(left / n);
      return series(comparison ? e.label : "prediction", e.color, { x, y });
    });
    const maxH = Math.max(...withExits.map((e) => e.result.config.steps));
    figures.push({
      chart: {
        id: id(),
        title: "share of ICs inside the energy band vs step",
        xLabel: `model step (Δt = ${withExits[0].result.suite.dt})`,
        yLabel: "ICs inside μ_E ± 5σ_E",
        xScale: "linear",
        yScale: "linear",
        xDomain: [0, maxH],
        yDomain: [0, 1],
        series: s,
        markers: [],
      },
      title: "stability: ICs inside the band",
      caption: "Share of ICs whose energy has stayed finite and inside the reference's " +
        "steady-state band μ_E ± 5σ_E up to each step; each drop is one IC's first exit. " +
        "The value at the last step is the stability rate.",
      legend: legendOf(s),
    });
  }
  // Energy against the band, where a run has both (`run` on a suite with `energyStats`).
  const banded = entries.filter((e) =>
    hasCurve(e.result.rows, "energy_pred", "*") &&
    e.result.rows.some((r) => r.metric === "energy_band_lower")
  );
  if (banded.length > 0) {
    const rows0 = banded[0].result.rows;
    const bound = (m: string) => rows0.find((r) => r.metric === m && r.step === undefined)?.value;
    const lo = bound("energy_band_lower"), hi = bound("energy_band_upper");
    const maxT = Math.max(...banded.map((e) => e.result.config.steps));
    const s: SeriesSpec[] = [];
    if (lo !== undefined && lo !== null && hi !== undefined && hi !== null) {
      s.push(series("band μ_E ± 5σ_E", REF_COLOR, { x: [0, maxT], y: [lo, lo] }, "dotted"));
      s.push(series("", REF_COLOR, { x: [0, maxT], y: [hi, hi] }, "dotted"));
    }
    s.push(
      series("reference", REF_COLOR, curveOf(rows0, "energy_ref", "*"), "solid", REF_WIDTH),
    );
    for (const e of banded) {
      s.push(
        series(
          comparison ? e.label : "prediction",
          e.color,
          curveOf(e.result.rows, "energy_pred", "*"),
        ),
      );
    }
    figures.push({
      chart: {
        id: id(),
        title: "energy and the steady-state band vs step",
        xLabel: `model step (Δt = ${banded[0].result.suite.dt})`,
        yLabel: "energy (mean over ICs)",
        xScale: "linear",
        yScale: "linear",
        xDomain: [0, maxT],
        series: s,
        markers: [],
      },
      title: "energy against the stability band",
      caption: "Mean energy over ICs, prediction against reference, with the band " +
        "μ_E ± 5σ_E of the reference's steady state (dotted); an IC whose energy leaves it " +
        "counts as unstable from that step.",
      legend: legendOf(s.filter((x) => x.label !== "")),
    });
  }
  // Autocorrelation curves: fields (`autocorr_pred`, field f) and scalar series
  // (`autocorr_pred_<s>`, field "*").
  const keys = new Map<string, { pm: string; rm: string; field: string; what: string }>();
  for (const e of entries) {
    for (const r of e.result.rows) {
      const m = /^autocorr_pred(?:_([a-z0-9_]+))?$/.exec(r.metric);
      if (!m || r.step === undefined) continue;
      const suffix = m[1] ? `_${m[1]}` : "";
      const key = `${r.metric}\u0000${r.field}`;
      if (!keys.has(key)) {
        keys.set(key, {
          pm: r.metric,
          rm: `autocorr_ref${suffix}`,
          field: r.field,
          what: m[1] ? m[1].replace(/^diag_/, "diagnostic ") : `field ${r.field}`,
        });
      }
    }
  }
  const results = entries.map((e) => e.result);
  const seen: { s: SeriesSpec[]; figure: FigureSpec }[] = [];
  const conserved = conservedDiagnostics(results);
  for (const { pm, rm, field, what } of keys.values()) {
    const diag = /^autocorr_pred_diag_([a-z0-9_]+)$/.exec(pm)?.[1];
    // A quantity the reference conserves: C(τ) of round-off noise, no panel (tables mark it ‡).
    if (diag !== undefined && conserved.has(diag)) continue;
    const s: SeriesSpec[] = [];
    const refs = entries.filter((e) => hasCurve(e.result.rows, rm, field))
      .map((e) => ({ e, c: curveOf(e.result.rows, rm, field) }));
    if (refs.length > 0 && refs.every((r) => sameCurve(r.c, refs[0].c))) {
      s.push(series("reference", REF_COLOR, refs[0].c, "solid", REF_WIDTH));
    } else {
      for (const r of refs) s.push(series(`reference (${r.e.label})`, r.e.color, r.c, "dashed"));
    }
    for (const e of entries.filter((x) => hasCurve(x.result.rows, pm, field))) {
      s.push(
        series(comparison ? e.label : "prediction", e.color, curveOf(e.result.rows, pm, field)),
      );
    }
    // The same curves under two names (the suite energy is also a diagnostic): one panel.
    const twin = seen.find((x) =>
      x.s.length === s.length && x.s.every((a, i) => sameCurve(a, s[i], 1e-6))
    );
    if (twin) {
      twin.figure.title += ` = ${what}`;
      twin.figure.chart.title += ` (= ${what})`;
      twin.figure.caption += ` The ${what} series has the same C(τ) (same quantity), drawn once.`;
      continue;
    }
    const figure: FigureSpec = {
      chart: {
        id: id(),
        title: `autocorrelation of ${what} vs lag`,
        xLabel: "lag τ (model steps)",
        yLabel: "C(τ)",
        xScale: "linear",
        yScale: "linear",
        series: s,
        markers: [],
      },
      title: `autocorrelation · ${what}`,
      caption: `C(τ) of ${what} over the predicted steps, mean over the ICs that never ` +
        "diverged, prediction against reference; the autocorrelation error is the mean " +
        "|C_p − C_y| over lags 1..τ_max.",
      legend: legendOf(s),
    };
    seen.push({ s, figure });
    figures.push(figure);
  }
  return figures;
}

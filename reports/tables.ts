/**
 * Report tables, built with arquero from the tidy rows (filter → groupby → pivot → join) and
 * printed with `toHTML`. arquero escapes `&`, `<`, `>` in cells but prints header names raw, so
 * every header goes through {@link escapeHtml} here; cells are plain text (numbers formatted
 * before the pivot), never HTML.
 * @module
 */
import * as aq from "arquero";
import type { Result } from "../harness/results/schema.ts";
import type { Entry } from "./charts.ts";
import { escapeHtml } from "./escape.ts";

/** A result row with every key present (arquero takes column names from the first object). */
interface FlatRow {
  model: string;
  metric: string;
  field: string;
  step: number | null;
  k: number | null;
  ic: number | null;
  n: number | null;
  reduction: string | null;
  value: number | null;
}

/** Metrics listed first in tables, in this order; others follow alphabetically. */
export const METRIC_ORDER: readonly string[] = [
  "nrmse",
  "rmse",
  "mse",
  "dissipation",
  "dispersion",
  "spectrum_error",
  "energy_pred",
  "energy_ref",
];

const metricRank = (m: string): number => {
  const i = METRIC_ORDER.indexOf(m);
  return i >= 0 ? i : METRIC_ORDER.length;
};

/**
 * Format a number for a table: 4 significant digits, exponent form outside [10⁻³, 10⁵).
 *
 * @example
 * ```ts
 * import { formatNumber } from "./tables.ts";
 * if (formatNumber(0.0123456) !== "0.01235") throw new Error(formatNumber(0.0123456));
 * if (formatNumber(1.5e-7) !== "1.500e-7") throw new Error(formatNumber(1.5e-7));
 * ```
 */
export function formatNumber(v: number): string {
  if (v === 0) return "0";
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a >= 1e-3 && a < 1e5) return String(Number(v.toPrecision(4)));
  return v.toExponential(3);
}

function flatten(result: Result, model: string): FlatRow[] {
  return result.rows.map((r) => ({
    model,
    // A regional weather score is its own line (WeatherBench 2 regions, e.g. "wb2_rmse (tropics)").
    metric: r.region === undefined ? r.metric : `${r.metric} (${r.region})`,
    field: r.field,
    step: r.step ?? null,
    k: r.k ?? null,
    ic: r.ic ?? null,
    n: r.n ?? null,
    reduction: r.reduction ?? null,
    value: r.value,
  }));
}

/** Print a table with every header name escaped and `null` cells as a marked dash. */
function toHtml(
  table: aq.ColumnTable,
  numeric: readonly string[],
  nullTitle: string,
  rowColors?: readonly string[],
): string {
  const names = table.columnNames();
  const renamed = table.rename(Object.fromEntries(names.map((n) => [n, escapeHtml(n)])));
  const align: Record<string, "l" | "r"> = {};
  for (const n of names) align[escapeHtml(n)] = numeric.includes(n) ? "r" : "l";
  return renamed.toHTML({
    align,
    // null: a missing value (diverged); undefined: not reported (no such row).
    null: (v?: null) =>
      v === null ? `<span class="na" title="${escapeHtml(nullTitle)}">—</span>` : "",
    // A colour key on the first column ties table rows to chart lines (palette colours only).
    style: rowColors
      ? {
        td: (name: string, row: number) =>
          name === escapeHtml(names[0]) && rowColors[row]
            ? `border-left: 5px solid ${rowColors[row]};`
            : "",
      }
      : undefined,
  });
}

/** Stands in for a null value through `pivot` (whose `any` aggregate skips nulls). */
const MISSING = "\u0000missing";

/** Cell text for a mean over ICs: the number, with † when it averages fewer than all ICs. */
function cellText(value: number | null, n: number | null, ics: number): string {
  if (value === null) return MISSING;
  return formatNumber(value) + (n !== null && n < ics ? " †" : "");
}

/** Turn {@link MISSING} back into null in `columns`; cells with no row stay undefined. */
function unwrapMissing(table: aq.ColumnTable, columns: readonly string[]): aq.ColumnTable {
  const present = columns.filter((c) => table.columnNames().includes(c));
  return table.derive(Object.fromEntries(present.map((c) => [
    c,
    aq.escape((d: Record<string, unknown>) => (d[c] === MISSING ? null : d[c])),
  ])));
}

/**
 * True when some mean-over-ICs row at a summary step averages fewer than all ICs. Steps before
 * a history-k model's first prediction (1..k−1, reference states) do not count.
 */
export function hasPartialMeans(result: Result): boolean {
  const steps = new Set(result.config.summarySteps);
  return result.rows.some((r) =>
    r.step !== undefined && steps.has(r.step) && r.step >= result.model.history &&
    r.ic === undefined && r.k === undefined && r.n !== undefined && r.n < result.config.ics
  );
}

/**
 * The steps a summary table shows: the suite's summary steps within the run, and the run's last
 * step (a short run whose horizon is not a summary step still shows where it ended).
 *
 * @example
 * ```ts
 * import { tableSteps } from "./tables.ts";
 * if (tableSteps([1, 50, 100], 20).join() !== "1,20") throw new Error();
 * ```
 */
export function tableSteps(summarySteps: readonly number[], steps: number): number[] {
  return [...new Set([...summarySteps.filter((s) => s <= steps), steps])].sort((a, b) => a - b);
}

/**
 * Summary table of one run: one row per (metric, field), one column per summary step and the
 * last step ({@link tableSteps}), and the geometric mean over steps where the result has it.
 * Values are means over ICs. `only`: the metrics to show (default all); with `labels`, a
 * `quantity` column gives each metric's catalogue label.
 */
export function summaryTable(
  result: Result,
  only: (metric: string) => boolean = () => true,
  labels = false,
): string {
  const steps = tableSteps(result.config.summarySteps, result.config.steps);
  const ics = result.config.ics;
  const rows = aq.from(flatten(result, result.model.name));
  const atSteps = rows
    .params({ steps })
    .filter((d: FlatRow, $: { steps: number[] }) =>
      d.ic === null && d.k === null && d.step !== null && aq.op.includes($.steps, d.step)
    )
    .filter(aq.escape((d: FlatRow) => only(d.metric)))
    .orderby("step")
    .derive({
      col: aq.escape((d: FlatRow) => `step ${d.step}`),
      cell: aq.escape((d: FlatRow) => cellText(d.value, d.n, ics)),
    })
    .groupby("metric", "field")
    .pivot("col", "cell", { sort: false });
  const geomean = rows
    .filter((d: FlatRow) =>
      d.step === null && d.ic === null && d.k === null &&
      d.reduction === "geomean_over_steps_then_mean_over_ics"
    )
    .derive({ "geomean over steps": aq.escape((d: FlatRow) => cellText(d.value, null, ics)) })
    .select("metric", "field", "geomean over steps");
  const stepCols = steps.map((s) => `step ${s}`).filter((c) => atSteps.columnNames().includes(c));
  let table = atSteps.join_left(geomean, [["metric", "field"], ["metric", "field"]]);
  const cols = ["metric", "field", ...stepCols];
  if (geomean.numRows() > 0) cols.push("geomean over steps");
  const label = (m: string) => result.catalogue?.[m]?.label ?? m;
  table = unwrapMissing(table, cols.slice(2))
    .derive({ rank: aq.escape((d: FlatRow) => metricRank(d.metric)) })
    .derive({ quantity: aq.escape((d: FlatRow) => label(d.metric)) })
    .orderby("rank", "metric", "field")
    .select(labels ? ["quantity", ...cols] : cols);
  if (table.numRows() === 0) return `<p class="empty">No per-step rows at the summary steps.</p>`;
  return toHtml(table, cols.slice(2), "no value: every IC had diverged by this step");
}

/**
 * Step-free scalars that are not geometric means (e.g. stability rate, spectrum error
 * summaries): metric, field, reduction, value. Empty string when there are none. Values of the
 * metrics in `noise` get a "‡" (the caller says why: e.g. the autocorrelation of a quantity the
 * reference conserves, which is round-off noise).
 */
export function scalarTable(result: Result, noise: ReadonlySet<string> = new Set()): string {
  const t = aq.from(flatten(result, result.model.name))
    .filter((d: FlatRow) =>
      d.step === null && d.ic === null && d.k === null &&
      d.reduction !== "geomean_over_steps_then_mean_over_ics"
    )
    .derive({
      value: aq.escape((d: FlatRow) =>
        d.value === null ? null : formatNumber(d.value) + (noise.has(d.metric) ? " ‡" : "")
      ),
    })
    .derive({ rank: aq.escape((d: FlatRow) => metricRank(d.metric)) })
    .orderby("rank", "metric", "field")
    .select("metric", "field", "reduction", "value");
  if (t.numRows() === 0) return "";
  return toHtml(t, ["value"], "no value");
}

/**
 * Comparison table: one row per (model, field); the headline metric at each summary step of
 * the first result, its geometric mean over steps, diverged ICs and throughput.
 */
export function comparisonTable(entries: readonly Entry[], headline: string): string {
  const first = entries[0].result;
  const steps = tableSteps(first.config.summarySteps, first.config.steps);
  const flat = entries.flatMap((e) =>
    flatten(e.result, e.label).map((r) => ({ ...r, ics: e.result.config.ics }))
  );
  type Row = FlatRow & { ics: number };
  const all = aq.from(flat).params({ steps, headline });
  const atSteps = all
    .filter((d: Row, $: { steps: number[]; headline: string }) =>
      d.metric === $.headline && d.ic === null && d.k === null && d.step !== null &&
      aq.op.includes($.steps, d.step)
    )
    .orderby("step")
    .derive({
      col: aq.escape((d: Row) => `step ${d.step}`),
      cell: aq.escape((d: Row) => cellText(d.value, d.n, d.ics)),
    })
    .groupby("model", "field")
    .pivot("col", "cell", { sort: false });
  const geoCol = "geomean over steps";
  const geomean = all
    .filter((d: Row, $: { headline: string }) =>
      d.metric === $.headline && d.step === null && d.ic === null && d.k === null &&
      d.reduction === "geomean_over_steps_then_mean_over_ics"
    )
    .derive({ [geoCol]: aq.escape((d: Row) => cellText(d.value, null, d.ics)) })
    .select("model", "field", geoCol);
  const info = aq.from(entries.map((e, order) => ({
    model: e.label,
    order,
    "diverged ICs": `${
      e.result.divergence.filter((d) => d.step !== null).length
    } / ${e.result.config.ics}`,
    "steps / s": formatNumber(e.result.timings.stepsPerSecond),
    backend: e.result.environment.backend,
  })));
  const stepCols = steps.map((s) => `step ${s}`)
    .filter((c) => atSteps.columnNames().includes(c));
  const cols = ["model", "field", ...stepCols];
  if (geomean.numRows() > 0) cols.push(geoCol);
  cols.push("diverged ICs", "steps / s", "backend");
  const table = unwrapMissing(
    atSteps.join_left(geomean, [["model", "field"], ["model", "field"]]),
    [...stepCols, geoCol],
  )
    .join_left(info, [["model"], ["model"]])
    .orderby("field", "order")
    .select(cols);
  if (table.numRows() === 0) {
    return `<p class="empty">No ${escapeHtml(headline)} rows to compare.</p>`;
  }
  const colorOf = new Map(entries.map((e) => [e.label, e.color]));
  return toHtml(
    table,
    [...stepCols, geoCol, "diverged ICs", "steps / s"],
    "no value: every IC had diverged by this step",
    Array.from(table.array("model"), (m: unknown) => colorOf.get(String(m)) ?? ""),
  );
}

/** Models table for a comparison page: who and what each curve is. */
export function modelsTable(entries: readonly Entry[]): string {
  const t = aq.from(entries.map((e) => {
    const r = e.result;
    return {
      model: e.label,
      kind: r.model.kind,
      description: r.model.description ?? "",
      authors: (r.model.authors ?? []).join(", "),
      sha256: r.model.sha256.slice(0, 12),
      "backend / adapter": `${r.environment.backend}${
        r.environment.adapter ? ` / ${r.environment.adapter}` : ""
      }`,
      "suite version / tier": `${r.suite.version} / ${r.suite.tier}`,
      "ICs × steps": `${r.config.ics} × ${r.config.steps}`,
      emubench: r.environment.emubench,
      date: r.created.slice(0, 10),
    };
  }));
  return toHtml(t, ["ICs × steps"], "", entries.map((e) => e.color));
}

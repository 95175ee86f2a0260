/**
 * The data contract between the server side of a report (which decides every chart) and the
 * client renderer (which only draws): plain JSON, embedded in the page with
 * {@link import("./escape.ts").jsonForScript}.
 * @module
 */

/** Axis scale type. */
export type ScaleKind = "linear" | "log";

/** Line style of a series. */
export type Dash = "solid" | "dashed" | "dotted";

/** One line: `x[i]`, `y[i]` pairs; `y[i] === null` is a gap (missing, diverged), never zero. */
export interface SeriesSpec {
  /** Legend label (submitter-controlled: drawn with `.text()` only). */
  label: string;
  /** CSS colour from the report's palette. */
  color: string;
  /** Line style: reference lines that differ per model are dashed. */
  dash: Dash;
  /** Stroke width in px. */
  width: number;
  /** Abscissae (steps, wavenumbers or grid points). */
  x: number[];
  /** Ordinates, same length as `x`; `null` is a gap. */
  y: (number | null)[];
}

/** A vertical rule at `x` (e.g. a divergence step) with a short label. */
export interface MarkerSpec {
  /** Position on the x axis. */
  x: number;
  /** Short text above the plot (drawn with `.text()`). */
  label: string;
  /** CSS colour from the report's palette. */
  color: string;
}

/** One chart panel. */
export interface ChartSpec {
  /** DOM id suffix: the figure carrying `data-chart="<id>"` receives the SVG. */
  id: string;
  /** Accessible name of the SVG. */
  title: string;
  /** x axis label with units. */
  xLabel: string;
  /** y axis label with units. */
  yLabel: string;
  /** x axis scale. */
  xScale: ScaleKind;
  /** y axis scale; on `log`, values ≤ 0 are gaps. */
  yScale: ScaleKind;
  /** Fixed x domain; default: extent of the data. */
  xDomain?: [number, number];
  /** Fixed y domain (shared across small multiples); default: extent of the defined data. */
  yDomain?: [number, number];
  /** Lines, drawn in order (the reference first, so predictions lie on top). */
  series: SeriesSpec[];
  /** Vertical rules, e.g. divergence steps. */
  markers: MarkerSpec[];
  /** Text shown inside the plot area when a series has no finite values. */
  note?: string;
}

/** Everything the client needs. */
export interface ClientData {
  /** Every chart of the page, in page order. */
  charts: ChartSpec[];
}

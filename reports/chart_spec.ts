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
  /** Draw a dot at every defined point too (sparse series, e.g. one point per model). */
  points?: boolean;
  /**
   * A shaded band under the line, same `x`: the spread across ICs (`lower[i]` = Q(¼),
   * `upper[i]` = Q(¾) of the per-IC values, from the rows' `q25` / `q75`). `null` is a gap; on a
   * log axis a lower bound ≤ 0 is drawn at the bottom of the plot.
   */
  band?: { lower: (number | null)[]; upper: (number | null)[] };
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

/**
 * A heatmap panel (2D fields, space–time diagrams). The server quantises the values to colour
 * codes, so the page carries 1 byte per cell: code `c ∈ 0..254` is the value
 * `z₀ + (c/254)(z₁ − z₀)` of `zDomain = [z₀, z₁]` (values outside are clamped to the ends),
 * `255` is missing (NaN, diverged), drawn as a light grey hatch.
 */
export interface HeatmapSpec {
  /** DOM id suffix, as for {@link ChartSpec}. */
  id: string;
  /** Accessible name of the SVG. */
  title: string;
  /** x axis label with units. */
  xLabel: string;
  /** y axis label with units. */
  yLabel: string;
  /** Cells per row (x direction). */
  columns: number;
  /** Rows (y direction); row 0 is drawn at the bottom. */
  rows: number;
  /** Base64 of `rows · columns` bytes, row-major, row 0 first. */
  codes: string;
  /** Data coordinates of the outer edges: left of column 0, right of the last column. */
  xExtent: [number, number];
  /** Bottom of row 0, top of the last row. */
  yExtent: [number, number];
  /** Plot height / width (default 0.8). */
  aspect?: number;
  /** `sequential` (viridis) or `diverging` (blue–white–red, white at the domain's middle). */
  scheme: "sequential" | "diverging";
  /** Colour domain `[z₀, z₁]`, shared by panels that should compare. */
  zDomain: [number, number];
  /** Colour bar label. */
  zLabel: string;
  /** Text shown above the plot (e.g. clamped values, missing rows). */
  note?: string;
}

/**
 * A map of a field on the sphere (`reports/sphere.ts`): a Mollweide raster of `columns × rows`
 * cells (columns = 2·rows, the ellipse's bounding box), quantised like {@link HeatmapSpec}
 * (codes 0..254 over `zDomain`, 255 missing) but stored from the TOP row down. Cells whose
 * centre lies outside the ellipse are transparent; missing cells inside it are hatched. The
 * outline and graticule drawn over every map are the page's {@link MapFrame}.
 */
export interface SphereMapSpec {
  /** DOM id suffix, as for {@link ChartSpec}. */
  id: string;
  /** Accessible name of the SVG. */
  title: string;
  columns: number;
  rows: number;
  /** Base64 of `rows · columns` bytes, row-major, top row first. */
  codes: string;
  /** `sequential` (viridis) or `diverging` (blue–white–red, white at the domain's middle). */
  scheme: "sequential" | "diverging";
  zDomain: [number, number];
  /** Colour bar label. */
  zLabel: string;
  /** Text shown above the map (e.g. clamped values). */
  note?: string;
}

/** Outline and graticule shared by every sphere map of a page (one copy, not one per map). */
export interface MapFrame {
  /** Raster width the paths are drawn for (the maps' `columns`). */
  columns: number;
  /** SVG path data of the sphere's outline, in cell units. */
  outline: string;
  /** SVG path data of the graticule, in cell units. */
  graticule: string;
}

/** Everything the client needs. */
export interface ClientData {
  /** Every line chart of the page, in page order. */
  charts: ChartSpec[];
  /** Every heatmap of the page (2D suites only; absent otherwise). */
  heatmaps?: HeatmapSpec[];
  /** Every sphere map of the page (HEALPix suites only; absent otherwise). */
  maps?: SphereMapSpec[];
  /** Outline and graticule of the maps (present with `maps`). */
  mapFrame?: MapFrame;
}

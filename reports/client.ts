/**
 * The in-page chart renderer. {@link renderCharts} is inlined into the report as source text
 * (`renderCharts.toString()`), so it must be self-contained: no imports at run time, no
 * references to anything outside its own body. It draws what the server decided
 * ({@link ClientData}); every string from the data goes in with `.text()` or `.attr()`, never
 * `.html()`.
 * @module
 */
import type {
  ChartSpec,
  ClientData,
  HeatmapSpec,
  MapFrame,
  SeriesSpec,
  SphereMapSpec,
} from "./chart_spec.ts";

/** The d3 v7 namespace (UMD global in the page). Untyped: npm:d3 ships no type declarations. */
// deno-lint-ignore no-explicit-any
export type D3 = any;

/**
 * Render every chart of `data` into the figure whose `data-chart` attribute equals the chart id,
 * and re-render when the page width changes. Each SVG gets a `viewBox` equal to its drawn size
 * and scales with its container; text stays legible because the drawn size follows the
 * container width. Missing values (`null`, non-finite, or ≤ 0 on a log axis) are gaps.
 * Heatmaps (`data.heatmaps`, 2D suites) are painted cell by cell into a canvas from their colour
 * codes and placed in the SVG as a `data:` image (allowed by the page's CSP), with axes and a
 * colour bar; missing cells are a grey checkerboard.
 */
export function renderCharts(d3: D3, data: ClientData): void {
  const SUPERSCRIPT: Record<string, string> = {
    "-": "\u207b",
    "0": "\u2070",
    "1": "\u00b9",
    "2": "\u00b2",
    "3": "\u00b3",
    "4": "\u2074",
    "5": "\u2075",
    "6": "\u2076",
    "7": "\u2077",
    "8": "\u2078",
    "9": "\u2079",
  };
  const DASHES: Record<string, string | null> = { solid: null, dashed: "6 4", dotted: "1.5 3" };

  const pow10Label = (e: number): string =>
    e === 0 ? "1" : e === 1 ? "10" : "10" + String(e).replace(/[-0-9]/g, (c) => SUPERSCRIPT[c]);

  const finite = (v: number | null | undefined): v is number =>
    typeof v === "number" && Number.isFinite(v);

  /**
   * Pixel coordinates are clamped to ±10⁶: a value that blew up (say 10⁴¹) would otherwise give
   * a coordinate SVG cannot parse (beyond float32), and the whole path would be dropped. The
   * clip path hides everything outside the plot, so the visible line is unchanged.
   */
  const clampPx = (v: number): number => Math.max(-1e6, Math.min(1e6, v));

  /** Estimated width in px of `text` in the 11.5–12 px axis fonts (a little generous). */
  const textPx = (text: string): number => text.length * 6.6;
  /** Line height of a wrapped axis label. */
  const LINE = 14;

  /**
   * An axis label as lines of at most `px` (estimated): one line where it fits, else two,
   * broken at the space nearest the middle whose two halves both fit; only a label that cannot
   * fit on two lines (a long submitter name) is cut, with "…" (the full text goes in a title).
   */
  function labelLines(text: string, px: number): string[] {
    const max = Math.max(4, Math.floor(px / 6.6));
    if (text.length <= max) return [text];
    // Break at a space (dropped), else after "_", "-" or "/" (kept on the first line).
    let best: string[] | null = null, bestScore = Infinity;
    for (let i = 1; i < text.length; i++) {
      const space = text[i] === " ", c = text[i - 1];
      if (!space && c !== "_" && c !== "-" && c !== "/") continue;
      const pair = [text.slice(0, i), text.slice(space ? i + 1 : i)];
      if (pair[0].length > max || pair[1].length > max) continue;
      // Balanced lines; a space beats a break inside a word.
      const score = Math.abs(pair[0].length - pair[1].length) + (space ? 0 : 6);
      if (score < bestScore) [best, bestScore] = [pair, score];
    }
    if (best) return best;
    const cut = text.lastIndexOf(" ", max);
    const head = cut > max / 2 ? text.slice(0, cut) : text.slice(0, max);
    const rest = text.slice(head.length).trimStart();
    return [head, rest.length > max ? rest.slice(0, max - 1) + "\u2026" : rest];
  }

  /**
   * Append `lines` as one text element with its first baseline at (x, y) in `g`, rotated −90°
   * when `vertical`; further lines follow 14 px below (rotated: to the right); a title carries
   * the full text.
   */
  function addLabel(g: D3, full: string, lines: string[], x: number, y: number, vertical: boolean) {
    const t = g.append("text").attr("class", "axis-label").attr("text-anchor", "middle")
      .attr("transform", `translate(${x},${y})${vertical ? " rotate(-90)" : ""}`);
    lines.forEach((line, i) => t.append("tspan").attr("x", 0).attr("y", i * LINE).text(line));
    t.append("title").text(full);
  }

  /** `text` wrapped at spaces into lines of at most `px` (estimated); long words are split. */
  function wrapLines(text: string, px: number): string[] {
    const max = Math.max(8, Math.floor(px / 6.6)), lines: string[] = [];
    let line = "";
    for (let word of text.split(" ")) {
      while (word.length > max) {
        if (line) lines.push(line);
        lines.push(word.slice(0, max));
        word = word.slice(max);
        line = "";
      }
      if (line && line.length + 1 + word.length > max) {
        lines.push(line);
        line = word;
      } else line = line ? `${line} ${word}` : word;
    }
    if (line) lines.push(line);
    return lines;
  }

  /** A plot note (red, right-aligned at `x`): `lines` from baseline `y`, each 14 px lower. */
  function addNote(g: D3, lines: string[], x: number, y: number): void {
    const t = g.append("text").attr("class", "plot-note").attr("text-anchor", "end");
    lines.forEach((line, i) => t.append("tspan").attr("x", x).attr("y", y + i * LINE).text(line));
  }

  /** Widest estimated tick label of an axis. */
  const tickPx = (t: { values: number[]; format: (v: number) => string }): number =>
    Math.max(0, ...t.values.map((v) => textPx(t.format(v))));

  /** Tick values and formatter for an axis. */
  function ticksFor(
    scale: D3,
    kind: string,
    maxTicks: number,
  ): { values: number[]; format: (v: number) => string } {
    const [a, b] = scale.domain();
    const lo = Math.min(a, b), hi = Math.max(a, b);
    if (kind === "log") {
      const e0 = Math.ceil(Math.log10(lo) - 1e-9);
      const e1 = Math.floor(Math.log10(hi) + 1e-9);
      if (e1 - e0 >= 1) {
        const stride = Math.max(1, Math.ceil((e1 - e0 + 1) / maxTicks));
        const values: number[] = [];
        // Decades that are multiples of the stride: 10⁻⁸, 10⁻⁴, 1 rather than 10⁻⁷, 10⁻³.
        for (let e = e0; e <= e1; e++) if (e % stride === 0) values.push(Math.pow(10, e));
        if (values.length < 2) values.splice(0, values.length, Math.pow(10, e0), Math.pow(10, e1));
        return { values, format: (v) => pow10Label(Math.round(Math.log10(v))) };
      }
      let values: number[] = scale.ticks(maxTicks);
      if (values.length > maxTicks) {
        const k = Math.ceil(values.length / maxTicks);
        values = values.filter((_, i) => i % k === 0);
      }
      // Plain numbers within a decade or so (20, 40, 100, 200), not "1e+2".
      const plain = d3.format(".3~r"), sci = d3.format(".2~e");
      return { values, format: (v) => (v >= 1e-3 && v < 1e5 ? plain(v) : sci(v)) };
    }
    const values: number[] = scale.ticks(maxTicks);
    const span = hi - lo;
    const big = Math.max(Math.abs(lo), Math.abs(hi));
    // Exponent notation keeps enough digits that neighbouring ticks differ (a narrow range far
    // from 0, e.g. 32.6499 … 32.6501, needs 6).
    const step = values.length > 1 ? Math.abs(values[1] - values[0]) : span;
    const digits = step > 0 && big > 0
      ? Math.min(12, Math.max(3, Math.ceil(Math.log10(big / step) - 1e-9)))
      : 3;
    const f = big !== 0 && (big >= 1e5 || big < 1e-3)
      ? d3.format(`.${digits}~e`)
      : big !== 0 && span / big < 1e-3
      ? d3.format(`.${digits + 1}~r`)
      : scale.tickFormat(maxTicks, "~f");
    return { values, format: (v) => (v === 0 ? "0" : f(v)) };
  }

  function defined(s: SeriesSpec, spec: ChartSpec, i: number): boolean {
    const x = s.x[i], y = s.y[i];
    if (!finite(x) || !finite(y)) return false;
    if (spec.xScale === "log" && x <= 0) return false;
    if (spec.yScale === "log" && y <= 0) return false;
    return true;
  }

  function extent(values: number[], log: boolean): [number, number] | null {
    let lo = Infinity, hi = -Infinity;
    for (const v of values) {
      if (!finite(v) || (log && v <= 0)) continue;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    return lo <= hi ? [lo, hi] : null;
  }

  function makeScale(kind: string, domain: [number, number] | null, range: [number, number]) {
    const log = kind === "log";
    const scale = log ? d3.scaleLog() : d3.scaleLinear();
    let [lo, hi] = domain ?? (log ? [1, 10] : [0, 1]);
    if (lo === hi) {
      const pad = log ? 10 : Math.abs(lo) * 0.1 || 1;
      lo = log ? lo / pad : lo - pad;
      hi = log ? hi * pad : hi + pad;
    }
    scale.domain([lo, hi]).range(range);
    return scale;
  }

  function draw(spec: ChartSpec, holder: D3): void {
    const width = Math.max(260, Math.floor(holder.node().getBoundingClientRect().width) || 640);
    const hasMarkers = spec.markers.length > 0;
    const m = { top: hasMarkers || spec.note ? 24 : 12, right: 18, bottom: 46, left: 64 };
    const ih = Math.round(Math.max(210, Math.min(340, width * 0.6))) - m.top - m.bottom;

    const xs: number[] = [], ys: number[] = [];
    for (const s of spec.series) {
      for (let i = 0; i < s.x.length; i++) {
        if (defined(s, spec, i)) {
          xs.push(s.x[i]);
          ys.push(s.y[i] as number);
          // The band is data too: the axis holds it (where the line is defined).
          const lo = s.band?.lower[i], hi = s.band?.upper[i];
          if (finite(lo)) ys.push(lo);
          if (finite(hi)) ys.push(hi);
        }
      }
    }
    const xLog = spec.xScale === "log", yLog = spec.yScale === "log";
    let yDom = spec.yDomain ?? extent(ys, yLog);
    if (yDom && yLog && !spec.yDomain && Math.log10(yDom[1] / yDom[0]) >= 1) {
      yDom = [
        Math.pow(10, Math.floor(Math.log10(yDom[0]))),
        Math.pow(10, Math.ceil(Math.log10(yDom[1]))),
      ];
    }
    const y = makeScale(spec.yScale, yDom, [ih, 0]);
    if (!spec.yDomain && !(yLog && yDom && Math.log10(yDom[1] / yDom[0]) >= 1)) y.nice(5);
    const yt = ticksFor(y, spec.yScale, Math.max(3, Math.floor(ih / (yLog ? 32 : 45))));
    // Left margin: the y label's lines, a gap, the widest tick label and the tick.
    const yLines = labelLines(spec.yLabel, ih + 10);
    m.left = Math.max(64, Math.ceil(4 + LINE * yLines.length + 6 + tickPx(yt) + 9));
    const iw = width - m.left - m.right;
    const x = makeScale(spec.xScale, spec.xDomain ?? extent(xs, xLog), [0, iw]);
    if (!spec.xDomain && !xLog) x.nice(6);
    const xLines = labelLines(spec.xLabel, iw);
    m.bottom += LINE * (xLines.length - 1);
    // A note above the plot (inside it, under the marker labels, where there are markers)
    // wraps to the chart's width; lines above the plot take room from the top margin.
    const noteLines = spec.note ? wrapLines(spec.note, iw + m.left - 6) : [];
    if (!hasMarkers && noteLines.length > 1) m.top += LINE * (noteLines.length - 1);
    const height = ih + m.top + m.bottom;

    holder.selectAll("*").remove();
    const svg = holder.append("svg")
      .attr("class", "chart-svg")
      .attr("viewBox", `0 0 ${width} ${height}`)
      .attr("width", width)
      .attr("height", height)
      .attr("role", "img")
      .attr("aria-label", spec.title);
    const clipId = `clip-${spec.id}`;
    svg.append("defs").append("clipPath").attr("id", clipId)
      .append("rect").attr("x", 0).attr("y", -2).attr("width", iw).attr("height", ih + 4);
    const g = svg.append("g").attr("transform", `translate(${m.left},${m.top})`);

    const xt = ticksFor(x, spec.xScale, Math.max(2, Math.floor(iw / 80)));

    g.append("g").attr("class", "grid")
      .selectAll("line").data(yt.values).join("line")
      .attr("x1", 0).attr("x2", iw)
      .attr("y1", (v: number) => y(v)).attr("y2", (v: number) => y(v));

    g.append("g").attr("class", "axis x-axis").attr("transform", `translate(0,${ih})`)
      .call(d3.axisBottom(x).tickValues(xt.values).tickFormat(xt.format).tickSizeOuter(0));
    g.append("g").attr("class", "axis y-axis")
      .call(d3.axisLeft(y).tickValues(yt.values).tickFormat(yt.format).tickSizeOuter(0));

    // Labels wrap to two lines where they must; only a label too long for two is cut.
    addLabel(g, spec.xLabel, xLines, iw / 2, ih + 38, false);
    addLabel(g, spec.yLabel, yLines, -m.left + 14, ih / 2, true);

    const plot = g.append("g").attr("clip-path", `url(#${clipId})`);
    // Bands first (every series'), so that no band covers a line.
    for (const s of spec.series) {
      const band = s.band;
      if (!band) continue;
      const idx = s.x.map((_, i) => i);
      const area = d3.area()
        .defined((i: number) =>
          defined(s, spec, i) && finite(band.upper[i]) && !(yLog && (band.upper[i] as number) <= 0)
        )
        .x((i: number) => clampPx(x(s.x[i])))
        .y0((i: number) => {
          const lo = band.lower[i];
          return finite(lo) && !(yLog && lo <= 0) ? clampPx(y(lo)) : ih;
        })
        .y1((i: number) => clampPx(y(band.upper[i] as number)));
      plot.append("path")
        .attr("class", "band")
        .attr("fill", s.color)
        .attr("fill-opacity", 0.18)
        .attr("stroke", "none")
        .attr("d", area(idx))
        .append("title").text(`${s.label}: interquartile range across ICs`);
    }
    let anyDefined = false;
    for (const s of spec.series) {
      const idx = s.x.map((_, i) => i);
      const ok = (i: number) => defined(s, spec, i);
      const line = d3.line()
        .defined(ok)
        .x((i: number) => clampPx(x(s.x[i])))
        .y((i: number) => clampPx(y(s.y[i] as number)));
      const path = plot.append("path")
        .attr("class", "series")
        .attr("fill", "none")
        .attr("stroke", s.color)
        .attr("stroke-width", s.width)
        .attr("stroke-linejoin", "round")
        .attr("stroke-linecap", "round")
        .attr("d", line(idx));
      const dash = DASHES[s.dash];
      if (dash) path.attr("stroke-dasharray", dash);
      path.append("title").text(s.label);
      // A defined point between two gaps draws no line segment: show it as a dot (every
      // defined point when the series asks for points).
      const lonely = idx.filter((i) =>
        ok(i) && (s.points === true || (!(i > 0 && ok(i - 1)) && !ok(i + 1)))
      );
      plot.selectAll(null).data(lonely).join("circle")
        .attr("cx", (i: number) => clampPx(x(s.x[i])))
        .attr("cy", (i: number) => clampPx(y(s.y[i] as number)))
        .attr("r", s.points === true ? Math.max(3, s.width + 1.2) : Math.max(1.5, s.width))
        .attr("fill", s.color);
      if (idx.some(ok)) anyDefined = true;
    }

    let lastEnd = -Infinity;
    const markers = [...spec.markers].sort((a, b) => a.x - b.x);
    for (const mk of markers) {
      const px = x(mk.x);
      if (!finite(px) || px < -1 || px > iw + 1) continue;
      g.append("line").attr("class", "marker")
        .attr("x1", px).attr("x2", px).attr("y1", -4).attr("y2", ih)
        .attr("stroke", mk.color);
      const approx = mk.label.length * 6.2;
      const anchor = px + approx / 2 > iw ? "end" : px - approx / 2 < 0 ? "start" : "middle";
      const start = anchor === "end" ? px - approx : anchor === "start" ? px : px - approx / 2;
      if (start > lastEnd + 6) {
        g.append("text").attr("class", "marker-label")
          .attr("x", px).attr("y", -8).attr("text-anchor", anchor).attr("fill", mk.color)
          .text(mk.label);
        lastEnd = start + approx;
      }
    }

    const lines = !anyDefined ? ["no finite values to plot"] : noteLines;
    if (lines.length > 0) {
      addNote(g, lines, iw, hasMarkers ? 14 : -8 - LINE * (lines.length - 1));
    }
    svg.attr("data-rendered", "true");
  }

  /** Colour of code 0..254 of a heatmap scheme, as [r, g, b]. */
  const palettes = new Map<string, number[][]>();
  function paletteOf(scheme: string): number[][] {
    let p = palettes.get(scheme);
    if (p) return p;
    p = [];
    for (let c = 0; c < 255; c++) {
      const t = c / 254;
      const col = d3.rgb(
        scheme === "diverging" ? d3.interpolateRdBu(1 - t) : d3.interpolateViridis(t),
      );
      p.push([col.r, col.g, col.b]);
    }
    palettes.set(scheme, p);
    return p;
  }

  /**
   * A `columns × rows` PNG data URL painted by `rgb(column, row from the top)`; an optional
   * fourth component is the alpha (default opaque).
   */
  function paint(columns: number, rows: number, rgb: (c: number, r: number) => number[]): string {
    const doc = (globalThis as unknown as { document: D3 }).document;
    const canvas = doc.createElement("canvas");
    canvas.width = columns;
    canvas.height = rows;
    const ctx = canvas.getContext("2d");
    const img = ctx.createImageData(columns, rows);
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < columns; c++) {
        const [red, green, blue] = rgb(c, r), o = (r * columns + c) * 4;
        img.data[o] = red;
        img.data[o + 1] = green;
        img.data[o + 2] = blue;
        img.data[o + 3] = rgb(c, r)[3] ?? 255;
      }
    }
    ctx.putImageData(img, 0, 0);
    return canvas.toDataURL("image/png");
  }

  function drawHeatmap(spec: HeatmapSpec, holder: D3): void {
    const width = Math.max(260, Math.floor(holder.node().getBoundingClientRect().width) || 480);
    const m = { top: 24, right: 78, bottom: 46, left: 58 }; // top: room for a note
    // Margins fit the tick labels and the (wrapped) labels of the y axis and the colour bar;
    // they set the plot size, which sets the ticks: a few passes settle it.
    let iw = 0, ih = 0;
    let y = d3.scaleLinear(), z = d3.scaleLinear();
    let yt = { values: [] as number[], format: (v: number) => String(v) }, zt = yt;
    let yLines: string[] = [], zLines: string[] = [];
    for (let pass = 0; pass < 3; pass++) {
      iw = Math.max(60, width - m.left - m.right);
      ih = Math.round(Math.max(80, Math.min(460, iw * (spec.aspect ?? 0.8))));
      y = d3.scaleLinear().domain(spec.yExtent).range([ih, 0]);
      z = d3.scaleLinear().domain(spec.zDomain).range([ih, 0]);
      yt = ticksFor(y, "linear", Math.max(3, Math.floor(ih / 45)));
      zt = ticksFor(z, "linear", Math.max(3, Math.floor(ih / 40)));
      yLines = labelLines(spec.yLabel, ih + 10);
      zLines = labelLines(spec.zLabel, ih + 10);
      m.left = Math.max(58, Math.ceil(4 + LINE * yLines.length + 6 + tickPx(yt) + 9));
      m.right = Math.ceil(12 + 11 + 9 + tickPx(zt) + 6 + LINE * zLines.length + 4);
    }
    iw = Math.max(60, width - m.left - m.right);
    const xLines = labelLines(spec.xLabel, iw);
    m.bottom += LINE * (xLines.length - 1);
    const noteLines = spec.note ? wrapLines(spec.note, iw + m.left - 6) : [];
    m.top += LINE * Math.max(0, noteLines.length - 1);
    const height = ih + m.top + m.bottom;
    const x = d3.scaleLinear().domain(spec.xExtent).range([0, iw]);

    const palette = paletteOf(spec.scheme);
    const codes = atob(spec.codes);
    const cols = spec.columns, rows = spec.rows;
    const href = paint(cols, rows, (c, rTop) => {
      const r = rows - 1 - rTop; // row 0 at the bottom
      const code = codes.charCodeAt(r * cols + c);
      if (code === 255 || Number.isNaN(code)) {
        return (r + c) % 2 === 0 ? [196, 200, 204] : [234, 236, 239];
      }
      return palette[code];
    });
    const barHref = paint(1, 255, (_c, rTop) => palette[254 - rTop]);

    holder.selectAll("*").remove();
    const svg = holder.append("svg")
      .attr("class", "chart-svg")
      .attr("viewBox", `0 0 ${width} ${height}`)
      .attr("width", width)
      .attr("height", height)
      .attr("role", "img")
      .attr("aria-label", spec.title);
    const g = svg.append("g").attr("transform", `translate(${m.left},${m.top})`);
    g.append("image").attr("class", "heatmap")
      .attr("href", href)
      .attr("x", 0).attr("y", 0).attr("width", iw).attr("height", ih)
      .attr("preserveAspectRatio", "none")
      .style("image-rendering", "pixelated");
    g.append("rect").attr("x", 0).attr("y", 0).attr("width", iw).attr("height", ih)
      .attr("fill", "none").attr("stroke", "#9aa4ae").attr("stroke-width", 0.8);

    const xt = ticksFor(x, "linear", Math.max(2, Math.floor(iw / 80)));
    g.append("g").attr("class", "axis x-axis").attr("transform", `translate(0,${ih})`)
      .call(d3.axisBottom(x).tickValues(xt.values).tickFormat(xt.format).tickSizeOuter(0));
    g.append("g").attr("class", "axis y-axis")
      .call(d3.axisLeft(y).tickValues(yt.values).tickFormat(yt.format).tickSizeOuter(0));
    addLabel(g, spec.xLabel, xLines, iw / 2, ih + 38, false);
    addLabel(g, spec.yLabel, yLines, -m.left + 14, ih / 2, true);

    // Colour bar with its own axis.
    const bx = iw + 12;
    g.append("image").attr("class", "colorbar")
      .attr("href", barHref)
      .attr("x", bx).attr("y", 0).attr("width", 11).attr("height", ih)
      .attr("preserveAspectRatio", "none");
    g.append("g").attr("class", "axis z-axis").attr("transform", `translate(${bx + 11},0)`)
      .call(d3.axisRight(z).tickValues(zt.values).tickFormat(zt.format).tickSizeOuter(0));
    addLabel(g, spec.zLabel, zLines, bx + 11 + 9 + tickPx(zt) + 6 + 10, ih / 2, true);

    if (noteLines.length > 0) addNote(g, noteLines, iw, -8 - LINE * (noteLines.length - 1));
    svg.attr("data-rendered", "true");
  }

  /**
   * A map on the sphere: the raster (transparent outside the ellipse, hatched where missing),
   * graticule and outline scaled from cell units to the drawn width, and a colour bar.
   */
  function drawSphereMap(spec: SphereMapSpec, frame: MapFrame | undefined, holder: D3): void {
    const width = Math.max(240, Math.floor(holder.node().getBoundingClientRect().width) || 480);
    const m = { top: 22, right: 78, bottom: 8, left: 8 };
    // The right margin fits the colour bar's tick labels and (wrapped) label; see drawHeatmap.
    let iw = 0, k = 0, ih = 0, z = d3.scaleLinear();
    let zt = { values: [] as number[], format: (v: number) => String(v) }, zLines: string[] = [];
    for (let pass = 0; pass < 3; pass++) {
      iw = Math.max(60, width - m.left - m.right);
      k = iw / spec.columns;
      ih = spec.rows * k;
      z = d3.scaleLinear().domain(spec.zDomain).range([ih, 0]);
      zt = ticksFor(z, "linear", Math.max(3, Math.floor(ih / 40)));
      zLines = labelLines(spec.zLabel, ih + 10);
      m.right = Math.ceil(12 + 11 + 9 + tickPx(zt) + 6 + LINE * zLines.length + 4);
    }
    const noteLines = spec.note ? wrapLines(spec.note, iw + m.left - 6) : [];
    m.top += LINE * Math.max(0, noteLines.length - 1);
    const height = Math.ceil(ih + m.top + m.bottom);
    const palette = paletteOf(spec.scheme);
    const codes = atob(spec.codes);
    const cols = spec.columns, rows = spec.rows;
    const href = paint(cols, rows, (c, r) => {
      const code = codes.charCodeAt(r * cols + c);
      if (code !== 255) return palette[code];
      const u = (2 * (c + 0.5)) / cols - 1, v = (2 * (r + 0.5)) / rows - 1;
      if (u * u + v * v > 1) return [255, 255, 255, 0];
      return (r + c) % 2 === 0 ? [196, 200, 204] : [234, 236, 239];
    });
    const barHref = paint(1, 255, (_c, rTop) => palette[254 - rTop]);
    holder.selectAll("*").remove();
    const svg = holder.append("svg")
      .attr("class", "chart-svg")
      .attr("viewBox", `0 0 ${width} ${height}`)
      .attr("width", width)
      .attr("height", height)
      .attr("role", "img")
      .attr("aria-label", spec.title);
    const g = svg.append("g").attr("transform", `translate(${m.left},${m.top})`);
    g.append("image").attr("class", "sphere-raster")
      .attr("href", href)
      .attr("x", 0).attr("y", 0).attr("width", iw).attr("height", ih)
      .attr("preserveAspectRatio", "none");
    if (frame) {
      const kf = iw / frame.columns;
      const lines = g.append("g").attr("transform", `scale(${kf})`).attr("fill", "none");
      lines.append("path").attr("class", "graticule").attr("d", frame.graticule)
        .attr("stroke", "#ffffff").attr("stroke-opacity", 0.45).attr("stroke-width", 0.6 / kf);
      lines.append("path").attr("class", "outline").attr("d", frame.outline)
        .attr("stroke", "#5b6670").attr("stroke-width", 1 / kf);
    }
    const bx = iw + 12;
    g.append("image").attr("class", "colorbar")
      .attr("href", barHref)
      .attr("x", bx).attr("y", 0).attr("width", 11).attr("height", ih)
      .attr("preserveAspectRatio", "none");
    g.append("g").attr("class", "axis z-axis").attr("transform", `translate(${bx + 11},0)`)
      .call(d3.axisRight(z).tickValues(zt.values).tickFormat(zt.format).tickSizeOuter(0));
    addLabel(g, spec.zLabel, zLines, bx + 11 + 9 + tickPx(zt) + 6 + 10, ih / 2, true);
    if (noteLines.length > 0) addNote(g, noteLines, iw, -8 - LINE * (noteLines.length - 1));
    svg.attr("data-rendered", "true");
  }

  const widths = new Map<string, number>();
  function renderAll(force: boolean): void {
    const panels: { spec: ChartSpec | HeatmapSpec | SphereMapSpec; kind: string }[] = [
      ...data.charts.map((spec) => ({ spec, kind: "chart" })),
      ...(data.heatmaps ?? []).map((spec) => ({ spec, kind: "heat" })),
      ...(data.maps ?? []).map((spec) => ({ spec, kind: "map" })),
    ];
    for (const { spec, kind } of panels) {
      const holder = d3.select(`[data-chart="${spec.id}"] .plot`);
      if (holder.empty()) continue;
      const w = Math.floor(holder.node().getBoundingClientRect().width);
      if (!force && widths.get(spec.id) === w) continue;
      widths.set(spec.id, w);
      if (kind === "heat") drawHeatmap(spec as HeatmapSpec, holder);
      else if (kind === "map") drawSphereMap(spec as SphereMapSpec, data.mapFrame, holder);
      else draw(spec as ChartSpec, holder);
    }
  }

  renderAll(true);
  let pending: ReturnType<typeof setTimeout> | undefined;
  globalThis.addEventListener("resize", () => {
    clearTimeout(pending);
    pending = setTimeout(() => renderAll(false), 120);
  });
}

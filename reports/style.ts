/**
 * The report's stylesheet: system fonts, light theme, a max-width column, figure grids that
 * collapse to one column on a phone.
 * @module
 */

/** CSS inlined into every report. */
export const REPORT_CSS = `
:root {
  --ink: #1f2328; --muted: #59636e; --faint: #8b949e; --line: #d8dee4; --soft: #eef1f4;
  --bg: #f6f8fa; --card: #ffffff; --accent: #0072B2; --bad: #C62828; --good: #1a7f37;
  --mono: ui-monospace, SFMono-Regular, "SF Mono", Menlo, Consolas, "Liberation Mono", monospace;
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body {
  margin: 0; background: var(--bg); color: var(--ink);
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial,
    "Noto Sans", sans-serif;
}
main { max-width: 1180px; margin: 0 auto; padding: 28px 20px 48px; overflow-wrap: break-word; }
header.page { margin-bottom: 20px; }
.eyebrow { margin: 0 0 4px; color: var(--muted); font-size: 12.5px; letter-spacing: .06em;
  text-transform: uppercase; }
h1 { margin: 0 0 6px; font-size: 28px; line-height: 1.2; overflow-wrap: anywhere; }
h2 { margin: 36px 0 6px; font-size: 20px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
h3 { margin: 0 0 6px; font-size: 14.5px; font-weight: 600; overflow-wrap: anywhere; }
.lede { margin: 0 0 6px; font-size: 16px; color: var(--ink); max-width: 80ch; overflow-wrap: anywhere; }
.byline { margin: 0 0 10px; color: var(--muted); overflow-wrap: anywhere; }
.intro { margin: 0 0 14px; color: var(--muted); max-width: 90ch; }
.badges { display: flex; flex-wrap: wrap; gap: 6px; }
.badge { display: inline-block; padding: 2px 9px; border-radius: 999px; font-size: 12.5px;
  background: var(--soft); color: var(--ink); border: 1px solid var(--line); overflow-wrap: anywhere; }
.badge .dot { display: inline-block; width: 9px; height: 9px; border-radius: 50%;
  margin-right: 6px; vertical-align: 0; }
.badge.good { background: #dafbe1; border-color: #aceebb; color: var(--good); }
.badge.bad { background: #ffebe9; border-color: #ffcecb; color: var(--bad); }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 14px 16px; }
dl.meta { display: grid; grid-template-columns: repeat(auto-fill, minmax(min(100%, 340px), 1fr));
  gap: 2px 28px; margin: 0; }
dl.meta > div { display: grid; grid-template-columns: 9.5em 1fr; gap: 8px; padding: 5px 0;
  border-bottom: 1px solid var(--soft); }
dl.meta dt { color: var(--muted); font-size: 13px; }
dl.meta dd { margin: 0; font-size: 13.5px; overflow-wrap: anywhere; }
code, .mono { font-family: var(--mono); font-size: 12.5px; }
.table-wrap { overflow-x: auto; border: 1px solid var(--line); border-radius: 10px;
  /* A shadow on the side that has more columns to scroll to (covered where it has none). */
  background:
    linear-gradient(to right, var(--card) 30%, rgba(255, 255, 255, 0)) left / 32px 100% no-repeat local,
    linear-gradient(to left, var(--card) 30%, rgba(255, 255, 255, 0)) right / 32px 100% no-repeat local,
    radial-gradient(farthest-side at 0 50%, rgba(0, 0, 0, .18), rgba(0, 0, 0, 0)) left / 12px 100% no-repeat scroll,
    radial-gradient(farthest-side at 100% 50%, rgba(0, 0, 0, .18), rgba(0, 0, 0, 0)) right / 12px 100% no-repeat scroll,
    var(--card); }
table { border-collapse: collapse; width: 100%; font-size: 13.5px;
  font-variant-numeric: tabular-nums; }
th, td { padding: 7px 12px; border-bottom: 1px solid var(--soft); white-space: nowrap; }
td { overflow-wrap: anywhere; }
th { background: #f3f5f7; font-weight: 600; color: var(--ink); border-bottom: 1px solid var(--line); }
tbody tr:last-child td { border-bottom: 0; }
tbody tr:hover td { background: #fafbfc; }
.models td:nth-child(3) { white-space: normal; min-width: 16em; }
.na { color: var(--faint); }
.note { color: var(--muted); font-size: 13px; margin: 8px 2px 0; }
.stability { margin: 12px 0 0; }
.stability ul { margin: 4px 0 0; padding-left: 20px; }
.figures { display: grid; gap: 16px; }
.figures.one { grid-template-columns: minmax(0, 1fr); }
.figures.two { grid-template-columns: repeat(auto-fill, minmax(min(100%, 460px), 1fr)); }
.figures.three { grid-template-columns: repeat(auto-fill, minmax(min(100%, 340px), 1fr)); }
figure.chart { margin: 0; background: var(--card); border: 1px solid var(--line);
  border-radius: 10px; padding: 12px 14px 10px; min-width: 0; }
figure.chart .plot { width: 100%; min-height: 120px; }
figure.chart figcaption { color: var(--muted); font-size: 12.5px; line-height: 1.45; margin-top: 6px; }
ul.legend { list-style: none; display: flex; flex-wrap: wrap; gap: 4px 14px; margin: 0 0 4px;
  padding: 0; font-size: 12.5px; color: var(--ink); }
ul.legend li { display: inline-flex; align-items: center; gap: 6px; overflow-wrap: anywhere; }
ul.legend svg { flex: none; }
svg.chart-svg { display: block; width: 100%; height: auto; overflow: visible;
  font: 11.5px system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; }
svg.chart-svg .axis text { fill: var(--muted); font-size: 11.5px; }
svg.chart-svg .axis path, svg.chart-svg .axis line { stroke: #9aa4ae; }
svg.chart-svg .grid line { stroke: #edf0f3; }
svg.chart-svg .axis-label { fill: var(--ink); font-size: 12px; }
svg.chart-svg .marker { stroke-dasharray: 4 3; stroke-width: 1.2; opacity: .85; }
svg.chart-svg .marker-label { font-size: 11px; paint-order: stroke; stroke: #fff; stroke-width: 3px; }
svg.chart-svg .plot-note { fill: var(--bad); font-size: 11.5px; paint-order: stroke; stroke: #fff;
  stroke-width: 3px; }
details { margin: 8px 0; }
details > summary { cursor: pointer; color: var(--accent); font-size: 14px; padding: 4px 2px; }
details > .table-wrap { margin-top: 6px; }
footer { margin-top: 40px; color: var(--faint); font-size: 12.5px; }
noscript p { color: var(--bad); }
@media (max-width: 600px) {
  main { padding: 18px 12px 36px; }
  h1 { font-size: 23px; }
  dl.meta > div { grid-template-columns: 8em 1fr; }
  th, td { padding: 6px 8px; }
  figure.chart { padding: 10px 8px 8px; }
}
`;

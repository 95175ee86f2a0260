/**
 * The cost–accuracy frontier figure of a report (`emubench run --frontier`, docs/frontier.md):
 * error at the headline step against wall seconds per IC-step, log–log, the solver ladder as a
 * line through its rungs and each model as a point. Built from the results' `frontier` blocks
 * alone; results without one add nothing.
 *
 * @example
 * ```ts
 * import { frontierSection } from "./frontier.ts";
 * if (frontierSection([], () => "c0") !== undefined) throw new Error("no frontier, no section");
 * ```
 * @module
 */
import type { Frontier, Result } from "../harness/results/schema.ts";
import type { ChartSpec, Dash, SeriesSpec } from "./chart_spec.ts";

// The shapes of `charts.ts` (`Entry`, `FigureSpec`, `SectionSpec`), restated so that charts.ts
// can import this module without a file cycle; TypeScript checks they agree where charts.ts
// passes its entries and pushes the section.

/** A model on the page (`charts.ts` `Entry`). */
interface Entry {
  result: Result;
  label: string;
  color: string;
}

/** One figure (`charts.ts` `FigureSpec`). */
interface FigureSpec {
  chart: ChartSpec;
  title: string;
  caption: string;
  legend: { label: string; color: string; dash: Dash }[];
}

/** A section of figures (`charts.ts` `SectionSpec`). */
interface SectionSpec {
  id: string;
  title: string;
  intro: string;
  figures: FigureSpec[];
}

const LADDER_COLOR = "#525252";

const fmt = (v: number) => v !== 0 && Math.abs(v) < 1e-3 ? v.toExponential(2) : v.toPrecision(3);

/** `[lo, hi]` decades around the positive values. */
function decades(values: readonly (number | null)[]): [number, number] | undefined {
  const v = values.filter((x): x is number => x !== null && x > 0 && Number.isFinite(x));
  if (v.length === 0) return undefined;
  const lo = Math.min(...v), hi = Math.max(...v);
  const a = Math.pow(10, Math.floor(Math.log10(lo))), b = Math.pow(10, Math.ceil(Math.log10(hi)));
  return a === b ? [a / 10, b * 10] : [a, b];
}

/** Error of a frontier entry at the headline step (the last of `steps`). */
const headline = (f: Frontier, e: { error: (number | null)[] }) => e.error[f.steps.length - 1];

/**
 * The "Cost–accuracy frontier" section for the entries whose result has a frontier block, or
 * `undefined` when none has: one log–log figure, x = median wall seconds per IC-step, y = nRMSE
 * at the headline step; per result the ladder (rungs sorted by time, a line with points) and the
 * model (one point). Rungs that lost an IC are gaps.
 */
export function frontierSection(
  entries: readonly Entry[],
  id: () => string,
): SectionSpec | undefined {
  const withF = entries.filter((e) => e.result.frontier !== undefined);
  if (withF.length === 0) return undefined;
  const comparison = entries.length > 1;
  // Results of different horizons: each series names its own headline step.
  const horizons = [...new Set(withF.map((e) => e.result.frontier!.headlineStep))];
  const mixed = horizons.length > 1;
  const at = (f: Frontier) => mixed ? `, nRMSE at step ${f.headlineStep}` : "";
  const series: SeriesSpec[] = [];
  const xs: (number | null)[] = [], ys: (number | null)[] = [];
  const captions: string[] = [];
  for (const e of withF) {
    const f = e.result.frontier!;
    const rungs = [...f.rungs].sort((a, b) => a.secondsPerStep - b.secondsPerStep);
    const x = rungs.map((r) => r.secondsPerStep), y = rungs.map((r) => headline(f, r));
    series.push({
      label: comparison ? `solver ladder (${e.label}'s run${at(f)})` : "solver ladder",
      color: comparison ? e.color : LADDER_COLOR,
      dash: comparison ? "dashed" : "solid",
      width: 1.6,
      x,
      y,
      points: true,
    });
    series.push({
      label: mixed ? `${e.label} (nRMSE at step ${f.headlineStep})` : e.label,
      color: e.color,
      dash: "solid",
      width: 2.4,
      x: [f.model.secondsPerStep],
      y: [headline(f, f.model)],
      points: true,
    });
    xs.push(...x, f.model.secondsPerStep);
    ys.push(...y, headline(f, f.model));
    const m = headline(f, f.model);
    captions.push(
      `${
        comparison ? `${e.label}: rungs${mixed ? ` (at step ${f.headlineStep})` : ""}` : "Rungs"
      } ${
        f.rungs.map((r) => {
          const v = headline(f, r);
          return `${r.label} ${v === null ? "lost an IC" : fmt(v)} at ${fmt(r.secondsPerStep)} s${
            r.timing === "cached" ? " (cached timing)" : ""
          }`;
        }).join("; ")
      }; model ${m === null ? "lost an IC" : fmt(m)} at ${
        fmt(f.model.secondsPerStep)
      } s. ${f.note}${f.training ? ` ${f.training.note}` : ""} ${f.compared}`,
    );
  }
  const where = mixed ? "the horizon" : `step ${horizons[0]}`;
  const figure: FigureSpec = {
    chart: {
      id: id(),
      title: `nRMSE at ${where} vs seconds per IC-step`,
      xLabel: "wall seconds per IC-step (median)",
      yLabel: `nRMSE at ${where} (${
        mixed ? "each run's last step; " : ""
      }mean over ICs and fields)`,
      xScale: "log",
      yScale: "log",
      xDomain: decades(xs),
      yDomain: decades(ys),
      series,
      markers: [],
      ...(ys.every((v) => v === null) ? { note: "every rung and model lost an IC" } : {}),
    },
    title: "error vs cost",
    caption: `Error at the headline step against the wall time one model step takes per IC, ` +
      `log–log. The line joins the rungs of the suite's solver ladder (the same scheme on ` +
      `coarser grids), the point is the model; below and left is better. ${captions.join(" ")}`,
    legend: series.map(({ label, color, dash }) => ({ label, color, dash })),
  };
  return {
    id: "frontier",
    title: "Cost–accuracy frontier",
    intro: "Is the emulator worth it against a cheaper classical solver? Each rung is the " +
      "suite's solver at a coarser resolution, run from the same ICs on the same machine and " +
      "backend, scored against the same reference; the error-matched rung is the cheapest rung " +
      "at least as accurate as the model.",
    figures: [figure],
  };
}

/**
 * Static HTML reports of result files (SPEC §6 `emubench report`): a run page for one result, a
 * comparison page for several. Pages are single self-contained files: no network, d3 inlined.
 * `leaderboard.ts` builds the static leaderboard site (`emubench leaderboard`) from them.
 *
 * @example
 * ```ts
 * import { renderReport } from "./mod.ts";
 * import { sampleResult } from "./sample_result.ts";
 * const a = sampleResult({ name: "unet", steps: 20, ics: 2, diverge: {} });
 * const b = sampleResult({ name: "fno", steps: 20, ics: 2, phaseError: 0.01, diverge: {} });
 * const html = renderReport([a, b]);
 * if (!html.includes("2 models")) throw new Error("not a comparison page");
 * ```
 * @module
 */
export { renderReport, type ReportOptions, writeReport } from "./html.ts";
export { escapeHtml, jsonForScript } from "./escape.ts";
export { type SampleOptions, sampleResult } from "./sample_result.ts";
export { type Sample2DOptions, sampleResult2D } from "./sample_result_2d.ts";
export {
  type Board,
  buildLeaderboard,
  type LeaderboardOptions,
  type LeaderboardSite,
  loadResults,
  rankResults,
  renderLeaderboard,
  type Score,
  scoreOf,
} from "./leaderboard.ts";

/**
 * The leaderboard (SPEC §6 `emubench leaderboard <results dir> --out <site dir>`): a static site
 * built only from result files.
 *
 * - `index.html`: per suite (and per suite version, tier, IC count, horizon and seed: only
 *   results that can be compared share a table) a ranking on the suite's headline score, the
 *   geometric-mean nRMSE over steps (lower is better), with a percentile bootstrap 95% interval,
 *   skill relative to the persistence baseline, diverged ICs, model hash, backend and date;
 *   columns sort on click (a small inline script; the table reads fine without it). Result
 *   files that fail validation are listed with the reason and left out.
 * - `runs/<slug>-<hash>.html`: one report per result ({@link renderReport}).
 * - `compare/<suite>-<hash>.html`: one comparison report per table, overlaying its models.
 *
 * **Score** of a result: per IC `i` and field `f`, `g_{i,f} = exp(mean over steps n = 1..T of
 * ln nrmse_{i,f}(n))` (the scorer's `geomean_over_steps` rows), `s_i = mean over fields of
 * g_{i,f}`, and score = mean of `s_i` over the ICs that never diverged (`n` of them; a diverged
 * IC has no `s_i`, it is counted, never averaged). For one field this is the
 * `geomean_over_steps_then_mean_over_ics` row. Results without per-IC rows fall back to that
 * row (mean over fields) and get no interval. **Interval**: {@link bootstrapMean} over the
 * `s_i` (B = 1000, seeded: the site is reproducible). **Skill** in decades:
 * `log₁₀(score_p / score)` with `score_p` the score of `baseline:persistence` in the same table
 * (0 no better than persistence, +1 ten times smaller error; it does not saturate).
 * **Δ vs above**: paired bootstrap over shared ICs of `log₁₀(s_i / s_i(row above))`
 * ({@link pairedComparison}). **Order**: fewer diverged ICs first, then lower score. Tables of
 * fewer than {@link FEW_ICS} ICs warn. A run whose per-step reductions ran on the device
 * (`Result.reductions`, `run --reductions device`) shares its table (its score is the same
 * quantity, from float32 sums) but is tagged "device reductions", and the table says under it
 * which metrics such runs lack (blank on the comparison page); records carry `reductions`.
 * Reconstruction results get their own tables
 * ({@link rankReconstructions}); `leaderboard.json` and `leaderboard.csv` carry every score
 * ({@link scoreRecords}); pages share `assets/emubench.js` (d3 and the chart code).
 *
 * Safety: every string from a result file (model name, description, authors, file names, suite
 * strings) is escaped; page file names are derived (ASCII slug + content hash), never taken
 * from a result; the only links are to those pages; each page carries a Content-Security-Policy
 * that allows only its own inline scripts (by hash) and no network at all.
 * @module
 */
import { createHash } from "node:crypto";
import { pageHead } from "./page.ts";
import { join, relative, resolve, sep } from "node:path";
import { divergenceCounts } from "../harness/results/divergence.ts";
import { notComputed, notComputedText } from "../harness/results/reductions.ts";
import { OutputSet, writeFileAtomic } from "../harness/core/atomic.ts";
import { checkResult } from "../harness/results/check.ts";
import type { Result } from "../harness/results/schema.ts";
import { FormatError, ShapeError } from "../harness/core/errors.ts";
import { bootstrapMean } from "../metrics/bootstrap.ts";
import { escapeHtml, submitterCut, submitterHtml } from "./escape.ts";
import { renderReport, siteScript } from "./html.ts";
import { REPORT_CSS } from "./style.ts";
import { formatNumber } from "./tables.ts";

const h = escapeHtml;

/** Options of {@link buildLeaderboard} and {@link renderLeaderboard}. */
export interface LeaderboardOptions {
  /** Bootstrap resamples per score (default 1000). */
  readonly resamples?: number;
  /** Seed of the bootstrap (default 0). */
  readonly seed?: number;
  /** Most models drawn on one comparison page (default 8, the palette size). */
  readonly maxCompared?: number;
  /** Status messages (skipped files, pages written). */
  readonly log?: (message: string) => void;
  /**
   * Order of the suites on the index (e.g. the registry's, from the CLI); suites not listed
   * follow in id order. Default: id order. The leaderboard reads only result files.
   */
  readonly suiteOrder?: readonly string[];
}

/** A result file that was read and passed validation. */
export interface LoadedResult {
  /** Path relative to the results directory (`/`-separated). */
  readonly file: string;
  /** sha256 of the file's bytes (hex). */
  readonly digest: string;
  /** The validated result. */
  readonly result: Result;
}

/** A file that was left out, and why. */
export interface SkippedFile {
  /** Path relative to the results directory (`/`-separated), or a page name. */
  readonly file: string;
  /** Why it was left out (the validation message). */
  readonly reason: string;
}

/** The headline score of one result (see the module documentation). */
export interface Score {
  /** Mean over scored ICs; null when no IC could be scored. */
  readonly score: number | null;
  /** Bootstrap 95% bounds; null without per-IC rows or with fewer than one IC. */
  readonly lower: number | null;
  /** Upper bound, null like `lower`. */
  readonly upper: number | null;
  /** ICs in the score. */
  readonly n: number;
  /** Diverged ICs (a NaN/Inf, or beyond the suite's bound). */
  readonly diverged: number;
  /** ICs of the run. */
  readonly ics: number;
  /** Per-IC scores `s_i` by IC index (null: diverged or missing); absent without per-IC rows. */
  readonly perIc?: readonly (number | null)[];
}

/** A paired comparison of a row with the row ranked above it, over their shared ICs. */
export interface Paired {
  /** Mean over shared ICs of log₁₀(s_i(this) / s_i(above)), in decades (> 0: this is worse). */
  readonly delta: number;
  /** Paired bootstrap 95% bounds of `delta`. */
  readonly lower: number;
  /** Upper bound. */
  readonly upper: number;
  /** ICs both scored. */
  readonly n: number;
}

/** One row of a ranking table. */
export interface Ranked {
  /** The result file. */
  readonly entry: LoadedResult;
  /** Its headline score. */
  readonly score: Score;
  /**
   * Skill in decades, `log₁₀(score_persistence / score)`: 0 is persistence, +1 ten times
   * smaller error, negative worse than persistence; null without a persistence run.
   */
  readonly skill: number | null;
  /** Paired comparison with the row above (null for the first row or without shared ICs). */
  readonly vsAbove: Paired | null;
  /** Page of this run, relative to the site root. */
  readonly page: string;
}

/** One ranking table: results that can be compared. */
export interface Board {
  /** Suite id (from the results). */
  readonly suiteId: string;
  /** Suite title (from the first result). */
  readonly suiteTitle: string;
  /** Human description of the comparable setting. */
  readonly setting: string;
  /** Rows in ranking order. */
  readonly rows: Ranked[];
  /** Persistence run used for skill, if any. */
  readonly persistence: Ranked | null;
  /** Comparison page relative to the site root, when the table has two or more rows. */
  comparePage: string | null;
  /** ICs of the table's runs. */
  readonly ics: number;
}

/**
 * Fewer ICs than this: the board warns that its intervals are wide and its order mostly noise.
 */
export const FEW_ICS = 10;

/** What {@link buildLeaderboard} did. */
export interface LeaderboardSite {
  /** Absolute path of `index.html`. */
  readonly index: string;
  /** Every page written, relative to the site root. */
  readonly pages: string[];
  /** The ranking tables. */
  readonly boards: Board[];
  /** Files left out (invalid results, pages that could not be rendered). */
  readonly skipped: SkippedFile[];
}

// ---------------------------------------------------------------------------------------------
// Scores

const PER_IC = "geomean_over_steps";
const SUMMARY = "geomean_over_steps_then_mean_over_ics";

/**
 * The headline score of `result`: mean over ICs of the per-IC geometric-mean nRMSE over steps
 * (averaged over fields), with a percentile bootstrap interval over ICs.
 *
 * @example
 * ```ts
 * import { scoreOf } from "./leaderboard.ts";
 * import { sampleResult } from "./sample_result.ts";
 * const r = sampleResult({ steps: 20, ics: 2, diverge: {} });
 * r.rows.push(
 *   { metric: "nrmse", field: "u", ic: 0, value: 0.1, reduction: "geomean_over_steps" },
 *   { metric: "nrmse", field: "u", ic: 1, value: 0.3, reduction: "geomean_over_steps" },
 * );
 * const s = scoreOf(r, { resamples: 100 });
 * if (Math.abs(s.score! - 0.2) > 1e-12 || s.n !== 2 || !(s.lower! <= 0.2)) throw new Error();
 * ```
 */
export function scoreOf(
  result: Result,
  options: { resamples?: number; seed?: number } = {},
): Score {
  const ics = result.config.ics;
  const fields = result.suite.fields;
  const diverged = result.divergence.filter((d) => d.step !== null).length;
  const perIc = result.rows.filter((r) =>
    r.metric === "nrmse" && r.reduction === PER_IC && r.ic !== undefined && r.step === undefined
  );
  if (perIc.length > 0) {
    const values: (number | null)[] = [];
    for (let ic = 0; ic < ics; ic++) {
      const byField = fields.map((f) =>
        perIc.find((r) => r.ic === ic && r.field === f)?.value ?? null
      );
      values.push(
        byField.some((v) => v === null)
          ? null
          : (byField as number[]).reduce((a, b) => a + b, 0) / fields.length,
      );
    }
    const ci = bootstrapMean(values, { resamples: options.resamples, seed: options.seed });
    return {
      score: ci.mean,
      lower: ci.lower,
      upper: ci.upper,
      n: ci.n,
      diverged,
      ics,
      perIc: values,
    };
  }
  const summary = fields.map((f) =>
    result.rows.find((r) =>
      r.metric === "nrmse" && r.field === f && r.reduction === SUMMARY && r.step === undefined &&
      r.ic === undefined
    )
  );
  const ok = summary.every((r) => r?.value !== null && r?.value !== undefined);
  return {
    score: ok ? summary.reduce((a, r) => a + (r!.value as number), 0) / fields.length : null,
    lower: null,
    upper: null,
    n: ok ? Math.min(...summary.map((r) => r!.n ?? ics - diverged)) : 0,
    diverged,
    ics,
  };
}

// ---------------------------------------------------------------------------------------------
// Names

/**
 * An ASCII file-name slug of `text`: accents dropped (NFKD, combining marks removed), lower
 * case, runs of anything but `a–z`, `0–9` become one
 * `-`, at most 40 characters, `"x"` when nothing is left. Never contains `/`, `\`, `.` or `%`,
 * so it cannot traverse or escape a directory.
 *
 * @example
 * ```ts
 * import { slugify } from "./leaderboard.ts";
 * if (slugify("../../etc/passwd") !== "etc-passwd") throw new Error(slugify("../../etc/passwd"));
 * if (slugify("<script>") !== "script" || slugify("…") !== "x") throw new Error();
 * ```
 */
export function slugify(text: string): string {
  const s = String(text).normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "").slice(0, 40).replace(/-+$/, "");
  return s === "" ? "x" : s;
}

const sha256 = (data: string | Uint8Array) => createHash("sha256").update(data).digest("hex");

function runPage(e: LoadedResult): string {
  return `runs/${slugify(e.result.model.name)}-${e.digest.slice(0, 12)}.html`;
}

function boardKey(r: Result): string {
  const parts = [
    r.suite.id,
    r.suite.version,
    r.suite.tier,
    r.config.ics,
    r.config.steps,
    r.config.seed ?? `private:${r.config.privateSeedSha256}`,
  ];
  if (r.suite.tier === "data") parts.push(r.config.data);
  return JSON.stringify(parts);
}

function settingOf(r: Result): string {
  return `v${r.suite.version} · tier ${r.suite.tier} · ${r.config.ics} ICs × ${r.config.steps} ` +
    `steps · ${
      r.config.seed === null
        ? `private seed (sha256 ${String(r.config.privateSeedSha256).slice(0, 12)}…)`
        : `seed ${r.config.seed}`
    }${r.suite.tier === "data" ? ` · data ${r.config.data}` : ""}`;
}

const TIER_ORDER = ["standard", "paper", "smoke", "data"];

// ---------------------------------------------------------------------------------------------
// Reading

const MAX_BYTES = 256 * 1024 * 1024;

function reasonOf(e: unknown, path: string): string {
  const msg = e instanceof Error ? e.message : String(e);
  return msg.startsWith(`${path}: `) ? msg.slice(path.length + 2) : msg;
}

/**
 * Read every `*.json` file under `dir` (recursively; hidden directories, symbolic links and
 * `skipDir` are not entered) and validate it with `checkResult`. Forecast and reconstruct
 * results are kept (ranked apart: {@link rankResults}, {@link rankReconstructions}). Invalid files are returned in
 * `skipped` with the reason, never thrown. Files are listed in path order.
 *
 * @example
 * ```ts
 * import { loadResults } from "./leaderboard.ts";
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/a.json`, "[1, 2]");
 * const { results, skipped } = await loadResults(dir);
 * await Deno.remove(dir, { recursive: true });
 * if (results.length !== 0 || skipped[0].file !== "a.json") throw new Error();
 * ```
 */
export async function loadResults(
  dir: string,
  skipDir?: string,
): Promise<{ results: LoadedResult[]; skipped: SkippedFile[] }> {
  const results: LoadedResult[] = [], skipped: SkippedFile[] = [];
  const root = resolve(dir), skip = skipDir ? resolve(skipDir) : undefined;
  const rel = (p: string) => relative(root, p).split(sep).join("/");
  const walk = async (d: string): Promise<void> => {
    const entries: Deno.DirEntry[] = [];
    for await (const e of Deno.readDir(d)) entries.push(e);
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const p = join(d, e.name);
      if (e.isSymlink) {
        if (e.name.endsWith(".json")) {
          skipped.push({ file: rel(p), reason: "a symbolic link: not followed" });
        }
      } else if (e.isDirectory) {
        if (!e.name.startsWith(".") && p !== skip) await walk(p);
      } else if (e.isFile && e.name.endsWith(".json")) {
        const file = rel(p);
        try {
          const { size } = await Deno.stat(p);
          if (size > MAX_BYTES) {
            skipped.push({ file, reason: `${size} bytes: larger than ${MAX_BYTES}` });
            continue;
          }
          const bytes = await Deno.readFile(p);
          let json: unknown;
          try {
            json = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
          } catch (err) {
            throw new FormatError({
              file: p,
              expected: "a JSON result file",
              found: (err as Error).message,
            });
          }
          const result = checkResult(json, p);
          const task: string = result.task ?? "forecast";
          if (task !== "forecast" && task !== "reconstruct") {
            skipped.push({
              file,
              reason: `a ${task} result: the leaderboard has no ${task} table`,
            });
            continue;
          }
          results.push({ file, digest: sha256(bytes), result });
        } catch (err) {
          skipped.push({ file, reason: reasonOf(err, p) });
        }
      }
    }
  };
  await walk(root);
  return { results, skipped };
}

// ---------------------------------------------------------------------------------------------
// Boards

/**
 * Paired comparison of `b` against `a` over the ICs both scored: per IC
 * `d_i = log₁₀(s_i(b) / s_i(a))`, its mean and a percentile bootstrap 95% interval (resampling
 * ICs, so both runs' values of an IC move together). An interval that excludes 0 says the rank
 * difference is real for these ICs; one that spans 0 says it could be noise. Null without per-IC
 * scores or shared ICs, or where a score is not positive.
 *
 * @example
 * ```ts
 * import { pairedComparison, type Score } from "./leaderboard.ts";
 * const s = (perIc: number[]): Score => ({
 *   score: 0, lower: null, upper: null, n: perIc.length, diverged: 0, ics: perIc.length, perIc,
 * });
 * const p = pairedComparison(s([1, 2, 3, 4]), s([2, 4, 6, 8]), { resamples: 200 })!;
 * if (Math.abs(p.delta - Math.log10(2)) > 1e-12 || p.lower <= 0) throw new Error(JSON.stringify(p));
 * ```
 */
export function pairedComparison(
  a: Score,
  b: Score,
  options: { resamples?: number; seed?: number } = {},
): Paired | null {
  if (!a.perIc || !b.perIc || a.perIc.length !== b.perIc.length) return null;
  const d: (number | null)[] = a.perIc.map((x, i) => {
    const y = b.perIc![i];
    return x !== null && y !== null && x > 0 && y > 0 ? Math.log10(y / x) : null;
  });
  const ci = bootstrapMean(d, { resamples: options.resamples, seed: options.seed });
  if (ci.mean === null || ci.n < 2) return null;
  return { delta: ci.mean, lower: ci.lower!, upper: ci.upper!, n: ci.n };
}

function compareRanked(a: Omit<Ranked, "vsAbove">, b: Omit<Ranked, "vsAbove">): number {
  if (a.score.diverged !== b.score.diverged) return a.score.diverged - b.score.diverged;
  const x = a.score.score ?? Infinity, y = b.score.score ?? Infinity;
  if (x !== y) return x < y ? -1 : 1;
  const c = b.entry.result.created.localeCompare(a.entry.result.created);
  return c !== 0 ? c : a.entry.file.localeCompare(b.entry.file);
}

/**
 * Group results into comparable ranking tables and score them (pure; no I/O).
 *
 * @example
 * ```ts
 * import { rankResults } from "./leaderboard.ts";
 * import { sampleResult } from "./sample_result.ts";
 * const a = sampleResult({ name: "a", steps: 20, ics: 2, diverge: {} });
 * const b = sampleResult({ name: "b", steps: 20, ics: 2, diverge: {}, phaseError: 0.05 });
 * const boards = rankResults([{ file: "b.json", digest: "1".repeat(64), result: b },
 *   { file: "a.json", digest: "2".repeat(64), result: a }]);
 * if (boards[0].rows.map((r) => r.entry.result.model.name).join() !== "a,b") throw new Error();
 * ```
 */
export function rankResults(
  results: readonly LoadedResult[],
  options: { resamples?: number; seed?: number; suiteOrder?: readonly string[] } = {},
): Board[] {
  const groups = new Map<string, LoadedResult[]>();
  for (const e of results) {
    if (isReconstruction(e.result)) continue;
    const k = boardKey(e.result);
    groups.set(k, [...(groups.get(k) ?? []), e]);
  }
  const boards: Board[] = [];
  for (const [key, entries] of groups) {
    const scored = entries.map((entry) => ({
      entry,
      score: scoreOf(entry.result, options),
      page: runPage(entry),
    }));
    const persistence = scored
      .filter((s) =>
        s.entry.result.model.kind === "baseline" &&
        s.entry.result.model.name === "baseline:persistence" && s.score.score !== null
      )
      .sort((a, b) => b.entry.result.created.localeCompare(a.entry.result.created))[0];
    const ref = persistence?.score.score ?? null;
    const sorted = scored.map((s) => ({
      ...s,
      skill: ref !== null && ref > 0 && s.score.score !== null && s.score.score > 0
        ? Math.log10(ref / s.score.score)
        : null,
    })).sort(compareRanked);
    const rows: Ranked[] = sorted.map((s, i) => ({
      ...s,
      vsAbove: i === 0 ? null : pairedComparison(sorted[i - 1].score, s.score, options),
    }));
    const r0 = entries[0].result;
    boards.push({
      suiteId: r0.suite.id,
      suiteTitle: r0.suite.title,
      setting: settingOf(r0),
      rows,
      persistence: rows.find((r) => r.entry === persistence?.entry) ?? null,
      comparePage: rows.length > 1
        ? `compare/${slugify(r0.suite.id)}-${sha256(key).slice(0, 12)}.html`
        : null,
      ics: r0.config.ics,
    });
  }
  const order = options.suiteOrder ?? [];
  const known = (id: string) => (order.includes(id) ? order.indexOf(id) : order.length);
  const tier = (b: Board) => {
    const i = TIER_ORDER.indexOf(b.rows[0].entry.result.suite.tier);
    return i < 0 ? TIER_ORDER.length : i;
  };
  return boards.sort((a, b) =>
    known(a.suiteId) - known(b.suiteId) || a.suiteId.localeCompare(b.suiteId) ||
    tier(a) - tier(b) || a.setting.localeCompare(b.setting)
  );
}

/** One reconstruction result scored: compression ratio and per-field errors. */
export interface ReconRow {
  readonly entry: LoadedResult;
  readonly page: string;
  /** Input bytes / latent bytes of one sample (`compression_ratio` row). */
  readonly ratio: number | null;
  /** RMSE per field (the suite's field order), mean over samples then square root. */
  readonly rmse: readonly (number | null)[];
  /** PSNR per field (dB), mean over samples. */
  readonly psnr: readonly (number | null)[];
  /** Mean PSNR over fields: the order within one compression ratio (higher is better). */
  readonly psnrMean: number | null;
  /** True for the best row (highest mean PSNR) at its compression ratio. */
  readonly best: boolean;
}

/** A table of reconstruction results that can be compared, ordered by compression ratio. */
export interface ReconBoard {
  readonly suiteId: string;
  readonly suiteTitle: string;
  readonly setting: string;
  readonly fields: readonly string[];
  /** Units per field from the results (`suite.units`), `""` where unknown. */
  readonly units: readonly string[];
  readonly rows: ReconRow[];
  /** Comparison page (RMSE / PSNR vs ratio), when two or more rows. */
  comparePage: string | null;
}

const isReconstruction = (r: Result) => r.task === "reconstruct";

/**
 * Group reconstruction results (`task: "reconstruct"`) into comparable tables (same suite,
 * version, sample count and seed) ordered by compression ratio; within one ratio by mean PSNR
 * over fields (higher first), the best marked. Pure.
 *
 * @example
 * ```ts
 * import { rankReconstructions } from "./leaderboard.ts";
 * if (rankReconstructions([]).length !== 0) throw new Error();
 * ```
 */
export function rankReconstructions(results: readonly LoadedResult[]): ReconBoard[] {
  const groups = new Map<string, LoadedResult[]>();
  for (const e of results) {
    if (!isReconstruction(e.result)) continue;
    const r = e.result;
    const k = JSON.stringify([
      r.suite.id,
      r.suite.version,
      r.config.ics,
      r.config.seed ?? `private:${r.config.privateSeedSha256}`,
    ]);
    groups.set(k, [...(groups.get(k) ?? []), e]);
  }
  const boards: ReconBoard[] = [];
  for (const [key, entries] of groups) {
    const r0 = entries[0].result, fields = r0.suite.fields;
    const val = (r: Result, metric: string, field: string) =>
      r.rows.find((x) =>
        x.metric === metric && x.field === field && x.step === undefined &&
        x.ic === undefined && x.k === undefined
      )?.value ?? null;
    const rows = entries.map((entry) => {
      const r = entry.result;
      const psnr = fields.map((f) => val(r, "psnr", f));
      return {
        entry,
        page: runPage(entry),
        ratio: val(r, "compression_ratio", "*"),
        rmse: fields.map((f) => val(r, "rmse", f)),
        psnr,
        psnrMean: psnr.every((v) => v !== null)
          ? (psnr as number[]).reduce((a, b) => a + b, 0) / psnr.length
          : null,
        best: false,
      };
    }).sort((a, b) =>
      (a.ratio ?? Infinity) - (b.ratio ?? Infinity) ||
      (b.psnrMean ?? -Infinity) - (a.psnrMean ?? -Infinity) ||
      a.entry.file.localeCompare(b.entry.file)
    ).map((row, i, all) => ({
      ...row,
      best: row.psnrMean !== null && (i === 0 || all[i - 1].ratio !== row.ratio),
    }));
    boards.push({
      suiteId: r0.suite.id,
      suiteTitle: r0.suite.title,
      setting: `v${r0.suite.version} · ${r0.config.ics} samples · ${
        r0.config.seed === null ? "private seed" : `seed ${r0.config.seed}`
      }`,
      fields,
      units: fields.map((f) => r0.suite.units?.[f] ?? ""),
      rows,
      comparePage: rows.length > 1
        ? `compare/${slugify(r0.suite.id)}-reconstruct-${sha256(key).slice(0, 12)}.html`
        : null,
    });
  }
  return boards.sort((a, b) => a.suiteId.localeCompare(b.suiteId));
}

// ---------------------------------------------------------------------------------------------
// Machine-readable scores

/** One line of `leaderboard.csv` / one row of `leaderboard.json`. */
export interface ScoreRecord {
  readonly task: "forecast" | "reconstruct";
  readonly suite: string;
  readonly version: string;
  readonly tier: string;
  readonly ics: number;
  readonly steps: number | null;
  /** IC seed; `null` for a private test seed (then `privateSeedSha256`). */
  readonly seed: number | null;
  readonly privateSeedSha256?: string;
  readonly rank: number;
  readonly model: string;
  readonly kind: string;
  readonly sha256: string;
  readonly file: string;
  readonly page: string;
  readonly metric: string;
  readonly field: string;
  readonly value: number | null;
  readonly lower: number | null;
  readonly upper: number | null;
  readonly n: number | null;
  /**
   * Where the run's per-step reductions ran: `host` (every metric family) or `device`
   * (`run --reductions device`: float32, some families not computed, `Result.reductions`).
   */
  readonly reductions: "host" | "device";
}

/**
 * Every score of the site as flat records: per forecast row its score (with interval), skill
 * in decades, diverged ICs and the paired difference to the row above (with interval); per
 * reconstruction row its compression ratio and RMSE / PSNR per field.
 */
export function scoreRecords(
  boards: readonly Board[],
  recon: readonly ReconBoard[],
): ScoreRecord[] {
  const out: ScoreRecord[] = [];
  for (const b of boards) {
    b.rows.forEach((r, i) => {
      const res = r.entry.result, s = r.score;
      const base = {
        task: "forecast" as const,
        suite: b.suiteId,
        version: res.suite.version,
        tier: res.suite.tier,
        ics: res.config.ics,
        steps: res.config.steps,
        seed: res.config.seed,
        ...(res.config.privateSeedSha256
          ? { privateSeedSha256: res.config.privateSeedSha256 }
          : {}),
        rank: i + 1,
        model: submitterCut(res.model.name),
        kind: res.model.kind,
        sha256: res.model.sha256,
        file: r.entry.file,
        page: r.page,
        field: "*",
        reductions: res.reductions ? "device" as const : "host" as const,
      };
      const rec = (
        metric: string,
        value: number | null,
        lower: number | null = null,
        upper: number | null = null,
        n: number | null = null,
      ) => out.push({ ...base, metric, value, lower, upper, n });
      rec("score_geomean_nrmse", s.score, s.lower, s.upper, s.n);
      rec("skill_decades", r.skill);
      rec("diverged_ics", s.diverged, null, null, s.ics);
      if (r.vsAbove) {
        rec(
          "delta_decades_vs_above",
          r.vsAbove.delta,
          r.vsAbove.lower,
          r.vsAbove.upper,
          r.vsAbove.n,
        );
      }
    });
  }
  for (const b of recon) {
    b.rows.forEach((r, i) => {
      const res = r.entry.result;
      const base = {
        task: "reconstruct" as const,
        suite: b.suiteId,
        version: res.suite.version,
        tier: res.suite.tier,
        ics: res.config.ics,
        steps: null,
        seed: res.config.seed,
        ...(res.config.privateSeedSha256
          ? { privateSeedSha256: res.config.privateSeedSha256 }
          : {}),
        rank: i + 1,
        model: submitterCut(res.model.name),
        kind: res.model.kind,
        sha256: res.model.sha256,
        file: r.entry.file,
        page: r.page,
        lower: null,
        upper: null,
        n: null,
        reductions: res.reductions ? "device" as const : "host" as const,
      };
      out.push({ ...base, metric: "compression_ratio", field: "*", value: r.ratio });
      b.fields.forEach((f, j) => {
        out.push({ ...base, metric: "rmse", field: f, value: r.rmse[j] });
        out.push({ ...base, metric: "psnr", field: f, value: r.psnr[j] });
      });
    });
  }
  return out;
}

const CSV_COLUMNS: readonly (keyof ScoreRecord)[] = [
  "task",
  "suite",
  "version",
  "tier",
  "ics",
  "steps",
  "seed",
  "rank",
  "model",
  "kind",
  "sha256",
  "metric",
  "field",
  "value",
  "lower",
  "upper",
  "n",
  "file",
  "page",
  "reductions",
];

/**
 * RFC 4180 CSV of {@link scoreRecords}: every text cell quoted, quotes doubled; a text cell that
 * a spreadsheet would take for a formula (`=`, `+`, `-`, `@`, tab, CR first) gets a leading `'`.
 *
 * @example
 * ```ts
 * import { scoresCsv } from "./leaderboard.ts";
 * const csv = scoresCsv([]);
 * if (!csv.startsWith("task,suite,")) throw new Error(csv);
 * ```
 */
export function scoresCsv(records: readonly ScoreRecord[]): string {
  const cell = (v: unknown) => {
    if (v === null || v === undefined) return "";
    if (typeof v === "number") return String(v);
    const s = String(v);
    return `"${(/^[=+\-@\t\r]/.test(s) ? `'${s}` : s).replaceAll('"', '""')}"`;
  };
  return [
    CSV_COLUMNS.join(","),
    ...records.map((r) => CSV_COLUMNS.map((c) => cell(r[c])).join(",")),
  ]
    .join("\r\n") + "\r\n";
}

// ---------------------------------------------------------------------------------------------
// HTML

/**
 * A model name for a ranking cell: escaped and cut as {@link submitterHtml}, with a line-break
 * opportunity after every ":", "_" and "/" so that a narrow column breaks
 * `baseline:mean_pool_r256` at its parts, not inside a word.
 *
 * @example
 * ```ts
 * import { modelNameHtml } from "./leaderboard.ts";
 * const html = modelNameHtml("a:b_c<i>");
 * if (html !== "<bdi>a:<wbr>b_<wbr>c&lt;i&gt;</bdi>") throw new Error(html);
 * ```
 */
export function modelNameHtml(name: string): string {
  return `<bdi>${escapeHtml(submitterCut(name, 200)).replace(/[:_/]/g, "$&<wbr>")}</bdi>`;
}

/** The sort script of the index page (inline, allowed by its hash in the CSP). */
const SORT_SCRIPT = `"use strict";
for (const table of document.querySelectorAll("table[data-sortable]")) {
  const heads = [...table.tHead.rows[0].cells];
  heads.forEach((th, col) => {
    const button = th.querySelector("button");
    if (!button) return;
    button.addEventListener("click", () => {
      const dir = th.getAttribute("aria-sort") === "ascending" ? -1 : 1;
      for (const other of heads) other.removeAttribute("aria-sort");
      th.setAttribute("aria-sort", dir === 1 ? "ascending" : "descending");
      const numeric = th.dataset.type === "number";
      const key = (row) => row.cells[col].dataset.v ?? "";
      const body = table.tBodies[0];
      const rows = [...body.rows];
      rows.sort((a, b) => {
        const x = key(a), y = key(b);
        if (x === "" || y === "") return (x === "") - (y === "");
        return (numeric ? Number(x) - Number(y) : x.localeCompare(y)) * dir;
      });
      for (const row of rows) body.appendChild(row);
    });
  });
}
`;

const LEADERBOARD_CSS = `
.board td, .board th { vertical-align: top; }
.board th button { all: unset; cursor: pointer; display: inline-flex; gap: 4px; align-items: center; }
.board th button:focus-visible { outline: 2px solid var(--accent); outline-offset: 2px; }
.board th button::after { content: "↕"; color: var(--faint); font-size: 11px; }
.board th[aria-sort="ascending"] button::after { content: "↑"; color: var(--accent); }
.board th[aria-sort="descending"] button::after { content: "↓"; color: var(--accent); }
.board th { text-align: left; }
.board td.num, .board th.num { text-align: right; }
.board td.model { white-space: normal; min-width: 16em; max-width: 30em; }
.board td.wrap { white-space: normal; max-width: 12em; overflow-wrap: anywhere; }
.board td.model a { font-weight: 600; overflow-wrap: anywhere; }
.board .sub { color: var(--muted); font-size: 12.5px; overflow-wrap: anywhere; }
.board .ci { display: block; color: var(--muted); font-size: 12px; }
.board .rank { color: var(--muted); width: 2.5em; }
.board tr.ref td { background: #f8fafc; }
.tag { display: inline-block; padding: 0 6px; margin-left: 6px; border-radius: 999px; font-size: 11.5px;
  font-weight: 500; background: var(--soft); border: 1px solid var(--line); color: var(--muted); vertical-align: 1px; }
.skill-pos { color: var(--good); }
.tie { color: var(--muted); }
.tag { white-space: nowrap; }
.tag.best { background: #dafbe1; border-color: #aceebb; color: var(--good); }
.tag.device { background: #fff8e5; border-color: #f0d58c; color: #7a4a00; }
.note.warn { color: #7a4a00; background: #fff8e5; border: 1px solid #f0d58c; border-radius: 8px;
  padding: 6px 10px; margin: 0 0 8px; }
.skill-neg { color: var(--bad); }
.bad-count { color: var(--bad); font-weight: 600; }
a { color: var(--accent); text-decoration: none; }
a:hover { text-decoration: underline; }
.links { margin: 8px 2px 0; font-size: 13.5px; }
.board-block { margin-bottom: 26px; }
.board-block h3 { margin: 18px 0 8px; font-weight: 500; color: var(--muted); font-size: 13.5px; }
ul.skipped { margin: 0; padding: 0; list-style: none; }
ul.skipped li { padding: 8px 12px; border-bottom: 1px solid var(--soft); overflow-wrap: anywhere; font-size: 13.5px; }
ul.skipped li:last-child { border-bottom: 0; }
ul.skipped .why { display: block; color: var(--muted); font-size: 12.5px; }
.method { max-width: 90ch; color: var(--ink); font-size: 14px; }
.method dt { font-weight: 600; margin-top: 8px; }
.method dd { margin: 2px 0 0; color: var(--muted); }
@media (max-width: 600px) {
  .board .opt, .board .desc { display: none; }
  .board td, .board th { padding: 6px 5px; }
  .board td:first-child, .board th:first-child { padding-left: 8px; }
  .board td.model { min-width: 8.5em; max-width: none; overflow-wrap: break-word; }
  .board .long { display: none; }
  .board .ci { white-space: normal; }
  .board th button::after { content: none; }
  .board th[aria-sort="ascending"] button::after { content: "↑"; }
  .board th[aria-sort="descending"] button::after { content: "↓"; }
}
`;

function page(title: string, body: string, script: string | null): string {
  return `${
    pageHead({
      title,
      css: REPORT_CSS + LEADERBOARD_CSS,
      scripts: script ? [script] : [],
      meta: { referrer: "no-referrer" },
    })
  }<main>
${body}
</main>
${script ? `<script>${script}</script>\n` : ""}</body>
</html>
`;
}

const num = (v: number | null) => (v === null ? "" : String(v));
const na = `<span class="na">—</span>`;

function scoreCell(s: Score): string {
  if (s.score === null) return `<td class="num" data-v="">${na}</td>`;
  const ci = s.lower !== null && s.upper !== null
    ? `<span class="ci">[${h(formatNumber(s.lower))}, ${h(formatNumber(s.upper))}]</span>`
    : `<span class="ci" title="no per-IC rows in this result">no interval</span>`;
  const partial = s.n < s.ics ? ` <span title="mean over ${s.n} of ${s.ics} ICs">†</span>` : "";
  return `<td class="num" data-v="${num(s.score)}">${h(formatNumber(s.score))}${partial}${ci}</td>`;
}

function skillCell(r: Ranked, board: Board): string {
  if (r === board.persistence) {
    return `<td class="num" data-v="0">0 <span class="tag">ref</span></td>`;
  }
  if (r.skill === null) return `<td class="num" data-v="">${na}</td>`;
  const cls = r.skill > 0 ? "skill-pos" : r.skill < 0 ? "skill-neg" : "";
  return `<td class="num ${cls}" data-v="${num(r.skill)}" title="error ${
    h(formatNumber(Math.pow(10, -r.skill)))
  } × persistence's">${r.skill > 0 ? "+" : ""}${h(r.skill.toFixed(2))}</td>`;
}

/** The paired difference to the row above: "≈" when its interval spans 0. */
function vsAboveCell(r: Ranked): string {
  const p = r.vsAbove;
  if (p === null) return `<td class="num opt" data-v="">${na}</td>`;
  const real = p.lower > 0 || p.upper < 0;
  const f = (v: number) => `${v > 0 ? "+" : ""}${v.toFixed(2)}`;
  return `<td class="num opt" data-v="${num(p.delta)}" title="mean over ${p.n} shared ICs of ` +
    `log₁₀(this IC's score / the row above's), paired bootstrap 95% interval">${
      real ? "" : `<span class="tie">≈ </span>`
    }${h(f(p.delta))}<span class="ci">[${h(f(p.lower))}, ${h(f(p.upper))}]${
      real ? "" : " could be noise"
    }</span></td>`;
}

/**
 * Under a table that mixes in runs with device-side reductions: which rows, and which metrics
 * they lack (so a blank cell on the comparison page is not read as a failure, and a missing
 * family not as a match). Empty when no row ran with them.
 */
function deviceNote(board: Board): string {
  const device = board.rows.filter((r) => r.entry.result.reductions);
  if (device.length === 0) return "";
  const missing = [...new Set(device.flatMap((r) => notComputed(r.entry.result.reductions!)))];
  const all = device.length === board.rows.length;
  return `<p class="note warn" role="note"><strong>Device reductions.</strong> ${
    all ? "Every run here" : `${device.length} of ${board.rows.length} runs here (tagged)`
  } reduced its steps on the model's backend in float32 (<span class="mono">--reductions device</span>): ` +
    `the score is the same quantity, equal to host scoring to float32 rounding, but ${
      all ? "these runs lack" : "those runs lack"
    } ${h(missing.join(", "))}${
      all ? "" : `, which the other runs have (scored on the host, every metric family)`
    }. Hover the tag for why.</p>`;
}

function boardHtml(board: Board, maxCompared: number): string {
  const head = `<thead><tr>
<th class="rank" data-type="number"><button type="button">#</button></th>
<th data-type="text"><button type="button">Model</button></th>
<th class="num" data-type="number"><button type="button">Score</button></th>
<th class="num" data-type="number"><button type="button">Skill<span class="long"> (decades)</span></button></th>
<th class="num opt" data-type="number"><button type="button">Δ vs above</button></th>
<th class="num" data-type="number"><button type="button">Diverged</button></th>
<th class="opt" data-type="text"><button type="button">Model hash</button></th>
<th class="opt" data-type="text"><button type="button">Backend</button></th>
<th class="opt" data-type="text"><button type="button">Date</button></th>
</tr></thead>`;
  const body = board.rows.map((r, i) => {
    const m = r.entry.result.model, env = r.entry.result.environment;
    const authors = m.authors && m.authors.length > 0
      ? `<div class="sub">${
        m.authors.slice(0, 50).map((a) => submitterHtml(a, 120)).join(", ")
      }</div>`
      : "";
    const desc = m.description
      ? `<div class="sub desc">${submitterHtml(m.description, 140)}</div>`
      : "";
    const kind = m.kind === "baseline" ? `<span class="tag">baseline</span>` : "";
    const rec = r.entry.result.reductions;
    const device = rec
      ? `<span class="tag device" title="per-step reductions ran on ${h(rec.backend)} in ${
        h(rec.precision)
      }; not computed: ${h(notComputedText(rec))}">device reductions</span>`
      : "";
    const div = r.score.diverged;
    // Why: NaN/Inf, or a finite blow-up beyond the suite's bound (shown when any is a blow-up).
    const why = divergenceCounts(r.entry.result.divergence);
    const split = why.bound > 0 ? ` (${why.nonfinite} NaN/Inf, ${why.bound} bound)` : "";
    return `<tr${r === board.persistence ? ' class="ref"' : ""}>` +
      `<td class="rank" data-v="${i + 1}">${i + 1}</td>` +
      `<td class="model" data-v="${h(m.name.toLowerCase().slice(0, 200))}"><a href="${h(r.page)}">${
        modelNameHtml(m.name)
      }</a>${kind}${device}${authors}${desc}</td>` +
      scoreCell(r.score) + skillCell(r, board) + vsAboveCell(r) +
      `<td class="num${div > 0 ? " bad-count" : ""}" data-v="${div}">${div} / ${r.score.ics}${
        h(split)
      }</td>` +
      `<td class="opt mono" data-v="${h(m.sha256)}" title="${h(m.sha256)}">${
        h(m.sha256.slice(0, 12))
      }</td>` +
      `<td class="opt wrap" data-v="${h(env.backend)}"${
        env.adapter ? ` title="${h(env.adapter)}"` : ""
      }>${h(env.backend)}</td>` +
      `<td class="opt" data-v="${h(r.entry.result.created)}">${
        h(r.entry.result.created.slice(0, 10))
      }</td></tr>`;
  }).join("\n");
  const links = [
    board.comparePage
      ? `<a href="${h(board.comparePage)}">Compare ${
        maxCompared < board.rows.length ? `the top ${maxCompared} of ` : "all "
      }${board.rows.length} runs: error curves, spectra, snapshots →</a>`
      : "",
    board.persistence
      ? ""
      : `<span class="na">No baseline:persistence run in this table: skill is not available.</span>`,
  ].filter((s) => s !== "");
  const few = board.ics < FEW_ICS
    ? `<p class="note warn" role="note"><strong>Only ${board.ics} IC${
      board.ics === 1 ? "" : "s"
    }.</strong> Intervals are wide and most rank differences below are within noise; ` +
      `rank with ${FEW_ICS} or more ICs (<span class="mono">--ics</span>).</p>`
    : "";
  return `<div class="board-block"><h3>${h(board.setting)}</h3>${few}${deviceNote(board)}
<div class="table-wrap"><table class="board" data-sortable>${head}<tbody>
${body}
</tbody></table></div>${links.length > 0 ? `<p class="links">${links.join(" · ")}</p>` : ""}</div>`;
}

function reconBoardHtml(b: ReconBoard): string {
  const unit = (j: number) => (b.units[j] ? ` (${h(b.units[j])})` : "");
  const head = `<thead><tr>
<th class="num" data-type="number"><button type="button">Compression</button></th>
<th data-type="text"><button type="button">Model</button></th>
${
    b.fields.map((f, j) =>
      `<th class="num" data-type="number"><button type="button">RMSE ${h(f)}${
        unit(j)
      }</button></th>`
    ).join("")
  }
${
    b.fields.map((f) =>
      `<th class="num" data-type="number"><button type="button">PSNR ${h(f)} (dB)</button></th>`
    ).join("")
  }
</tr></thead>`;
  const cell = (v: number | null) =>
    v === null
      ? `<td class="num" data-v="">${na}</td>`
      : `<td class="num" data-v="${num(v)}">${h(formatNumber(v))}</td>`;
  const body = b.rows.map((r) => {
    const m = r.entry.result.model;
    return `<tr><td class="num" data-v="${num(r.ratio)}">${
      r.ratio === null ? na : `${h(formatNumber(r.ratio))}:1`
    }</td><td class="model" data-v="${h(m.name.toLowerCase())}"><a href="${h(r.page)}">${
      modelNameHtml(m.name)
    }</a>${m.kind === "baseline" ? `<span class="tag">baseline</span>` : ""}${
      r.best
        ? `<span class="tag best" title="highest mean PSNR at this ratio">best at ratio</span>`
        : ""
    }</td>${r.rmse.map(cell).join("")}${r.psnr.map(cell).join("")}</tr>`;
  }).join("\n");
  const link = b.comparePage
    ? `<p class="links"><a href="${h(b.comparePage)}">Compare all ${b.rows.length} runs: ` +
      `RMSE and PSNR vs compression ratio, spectra, error maps →</a></p>`
    : "";
  return `<div class="board-block"><h3>reconstruction · ${h(b.setting)}</h3>
<div class="table-wrap"><table class="board" data-sortable>${head}<tbody>
${body}
</tbody></table></div>${link}</div>`;
}

function indexHtml(
  boards: readonly Board[],
  skipped: readonly SkippedFile[],
  resamples: number,
  maxCompared: number,
  recon: readonly ReconBoard[] = [],
): string {
  const suites = [
    ...new Set([...boards.map((b) => b.suiteId), ...recon.map((b) => b.suiteId)]),
  ]; // in board order
  const all = [...boards, ...recon].flatMap((b) => b.rows.map((r) => r.entry.result));
  const runs = all.length;
  const models = new Set(all.map((r) => r.model.sha256));
  const latest = all.map((r) => r.created).sort().at(-1);
  const anchor = (id: string) => `suite-${slugify(id)}-${sha256(id).slice(0, 6)}`;
  const sections = suites.map((id) => {
    const mine = boards.filter((b) => b.suiteId === id);
    const mineRecon = recon.filter((b) => b.suiteId === id);
    return `<section id="${anchor(id)}"><h2>${
      h((mine[0] ?? mineRecon[0]).suiteTitle)
    } <span class="mono">${h(id)}</span></h2>
${mine.map((b) => boardHtml(b, maxCompared)).join("\n")}${
      mineRecon.map(reconBoardHtml).join("\n")
    }</section>`;
  }).join("\n");
  const skippedHtml = skipped.length === 0
    ? ""
    : `<section id="skipped"><h2>Skipped files (${skipped.length})</h2>
<p class="intro">These files are not valid result files (malformed, edited after the run, or not results at all) and are not on the leaderboard.</p>
<div class="table-wrap"><ul class="skipped">${
      skipped.map((s) =>
        `<li><span class="mono">${h(s.file)}</span><span class="why">${
          h(s.reason.length > 400 ? `${s.reason.slice(0, 399)}…` : s.reason)
        }</span></li>`
      ).join("")
    }</ul></div></section>`;
  const body = `<header class="page">
<p class="eyebrow">emubench · leaderboard</p>
<h1>Neural PDE emulator leaderboard</h1>
<p class="lede">${runs} run${runs === 1 ? "" : "s"} of ${models.size} model${
    models.size === 1 ? "" : "s"
  } on ${suites.length} suite${suites.length === 1 ? "" : "s"}${
    latest ? `, latest ${h(latest.slice(0, 10))}` : ""
  }. Lower score is better; click a column to sort.</p>
<div class="badges">${
    suites.map((id) => `<a class="badge" href="#${anchor(id)}">${h(id)}</a>`).join("")
  }${
    skipped.length > 0 ? `<a class="badge bad" href="#skipped">${skipped.length} skipped</a>` : ""
  }</div>
</header>
${sections || `<p class="intro">No valid result files found.</p>`}
${skippedHtml}
<section id="method"><h2>How to read this</h2><dl class="method">
<dt>Score</dt><dd>Geometric mean over steps 1…T of the nRMSE ‖p − y‖₂ / ‖y‖₂ of each IC, exp(mean ln nRMSE), averaged over fields, then the mean over the ICs that never diverged. Lower is better.</dd>
<dt>Interval</dt><dd>Percentile bootstrap 95% interval of that mean over ICs (${resamples} seeded resamples). “†”: fewer ICs than the run had, because some diverged; diverged ICs are counted in “Diverged”, never averaged as numbers.</dd>
<dt>Skill (decades)</dt><dd>log₁₀(score of <span class="mono">baseline:persistence</span> in the same table / score): 0 is no better than repeating the initial condition, +1 is a ten times smaller error, +2 a hundred times; negative is worse. It does not saturate as a ratio 1 − score/persistence does.</dd>
<dt>Δ vs above</dt><dd>Paired comparison with the row ranked just above, over the ICs both runs share (same seed, so the same ICs): the mean over ICs of log₁₀(this run's per-IC score / the other's), in decades, with a paired bootstrap 95% interval (${resamples} resamples of ICs). “≈ … could be noise”: the interval spans 0, so the two ranks are not resolved by these ICs.</dd>
<dt>Order</dt><dd>Fewer diverged ICs first, then lower score. Only runs of the same suite version, tier, IC count, horizon and seed share a table. Tables of fewer than ${FEW_ICS} ICs carry a warning.</dd>
<dt>Device reductions</dt><dd>A run tagged “device reductions” (<span class="mono">emubench run --reductions device</span>) reduced each step to a few float32 sums on the model's backend instead of reading every state back. Its score is the same geometric-mean nRMSE, equal to a host-scored run's to float32 rounding; the metric families that need every full state were not computed, and the note under its table names them. <span class="mono">leaderboard.json</span> and <span class="mono">leaderboard.csv</span> say <span class="mono">reductions</span>: host or device.</dd>
<dt>Reconstruction</dt><dd>Autoencoder results (<span class="mono">--task reconstruct</span>) get their own table per suite: RMSE and PSNR per variable at each compression ratio, ordered by ratio; at one ratio, higher mean PSNR over variables ranks first.</dd>
<dt>Data</dt><dd><span class="mono">leaderboard.json</span> (every score, with intervals) and <span class="mono">leaderboard.csv</span> (the same records, one per line) sit next to this page.</dd>
</dl></section>
<footer>Generated by emubench from result files (schema emubench.result/2, or /1 read with the built-in metric catalogue). Static and self-contained: the pages make no network requests.</footer>`;
  return page("emubench leaderboard", body, SORT_SCRIPT);
}

/** Add a link back to the index at the top of a page from {@link renderReport}. */
function withCrumbs(html: string, label: string): string {
  const nav = `<nav style="font-size: 13.5px; margin-bottom: 10px; color: #59636e">` +
    `<a href="../index.html" style="color: #0072B2; text-decoration: none">← Leaderboard</a>` +
    ` · ${h(label)}</nav>`;
  // The report's own markup starts `<main>`; escaped submitter text can never contain `<`.
  return html.replace("<main>\n", `<main>\n${nav}\n`);
}

/**
 * Render the whole site as `{path → html}` (pure; paths relative to the site root). Pages that
 * cannot be rendered are added to `skipped` and left out.
 *
 * @example
 * ```ts
 * import { renderLeaderboard } from "./leaderboard.ts";
 * import { sampleResult } from "./sample_result.ts";
 * const result = sampleResult({ name: "<b>x</b>", steps: 20, ics: 2 });
 * const site = renderLeaderboard([{ file: "a.json", digest: "ab".repeat(32), result }], []);
 * const index = site.pages.get("index.html")!;
 * if (index.includes("<b>x</b>") || !site.pages.has("runs/b-x-b-abababababab.html")) throw new Error();
 * ```
 */
export function renderLeaderboard(
  results: readonly LoadedResult[],
  skipped: readonly SkippedFile[],
  options: LeaderboardOptions = {},
): {
  pages: Map<string, string>;
  boards: Board[];
  reconstructions: ReconBoard[];
  records: ScoreRecord[];
  skipped: SkippedFile[];
} {
  const resamples = options.resamples ?? 1000;
  // One copy of d3 and the chart code for the whole site (pages live one level down).
  const assets = { assets: `../${SITE_SCRIPT}` };
  const allSkipped = [...skipped];
  const pages = new Map<string, string>();
  const rendered: LoadedResult[] = [];
  for (const e of results) {
    const path = runPage(e);
    const twin = rendered.find((r) => r.digest === e.digest);
    if (twin) {
      allSkipped.push({ file: e.file, reason: `identical to ${twin.file}: listed once` });
      continue;
    }
    try {
      pages.set(path, withCrumbs(renderReport([e.result], assets), e.result.suite.id));
      rendered.push(e);
    } catch (err) {
      allSkipped.push({ file: e.file, reason: `cannot render its page: ${reasonOf(err, e.file)}` });
    }
  }
  const boards = rankResults(rendered, {
    resamples,
    seed: options.seed,
    suiteOrder: options.suiteOrder,
  });
  const maxCompared = options.maxCompared ?? 8;
  for (const b of boards) {
    if (!b.comparePage) continue;
    try {
      const shown = b.rows.slice(0, maxCompared).map((r) => r.entry.result);
      pages.set(
        b.comparePage,
        withCrumbs(renderReport(shown, assets), `${b.suiteId} · ${b.setting}`),
      );
    } catch (err) {
      allSkipped.push({
        file: b.comparePage,
        reason: `cannot render the comparison page: ${reasonOf(err, "")}`,
      });
      b.comparePage = null;
    }
  }
  const reconstructions = rankReconstructions(rendered);
  for (const b of reconstructions) {
    if (!b.comparePage) continue;
    try {
      pages.set(
        b.comparePage,
        withCrumbs(
          renderReport(b.rows.map((r) => r.entry.result), assets),
          `${b.suiteId} · reconstruction`,
        ),
      );
    } catch (err) {
      allSkipped.push({
        file: b.comparePage,
        reason: `cannot render the comparison page: ${reasonOf(err, "")}`,
      });
      b.comparePage = null;
    }
  }
  if (pages.size > 0) pages.set(SITE_SCRIPT, siteScript());
  const records = scoreRecords(boards, reconstructions);
  pages.set(SCORES_CSV, scoresCsv(records));
  pages.set(
    "index.html",
    indexHtml(boards, allSkipped, resamples, maxCompared, reconstructions),
  );
  return { pages, boards, reconstructions, records, skipped: allSkipped };
}

const MANIFEST = "leaderboard.json";
/** The site's shared script: d3 and the chart renderer ({@link siteScript}). */
const SITE_SCRIPT = "assets/emubench.js";
/** Every score, one record per line ({@link scoresCsv}). */
const SCORES_CSV = "leaderboard.csv";

/**
 * `leaderboard.json`: the pages of the site (what a rebuild may replace) and every score
 * ({@link scoreRecords}), schema `emubench.leaderboard/2`.
 */
export function manifestJson(pages: readonly string[], records: readonly ScoreRecord[]): string {
  return JSON.stringify({ schema: "emubench.leaderboard/2", pages, scores: records }, null, 1);
}

/**
 * Build the static site from the result files under `resultsDir` into `outDir`
 * (see the module documentation). Invalid result files are reported (returned, logged, listed on
 * the index page) and skipped; they never stop the build. The site is one output set
 * (`harness/core/atomic.ts`): written beside `outDir` and swapped in whole, so pages a previous
 * build wrote that this build no longer produces are gone, an interrupted build leaves the old
 * site, and files in `outDir` that are not the site's (anything but index.html, runs/, compare/,
 * leaderboard.json and the pages' other top-level names) are kept.
 *
 * @example
 * ```ts
 * import { buildLeaderboard } from "./leaderboard.ts";
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/bad.json`, "{}");
 * const site = await buildLeaderboard(dir, `${dir}/site`, { resamples: 50 });
 * const html = await Deno.readTextFile(site.index);
 * await Deno.remove(dir, { recursive: true });
 * if (site.skipped.length !== 1 || !html.includes("bad.json")) throw new Error();
 * ```
 */
export async function buildLeaderboard(
  resultsDir: string,
  outDir: string,
  options: LeaderboardOptions = {},
): Promise<LeaderboardSite> {
  const log = options.log ?? (() => {});
  const isDir = await Deno.stat(resultsDir).then((s) => s.isDirectory, () => false);
  if (!isDir) {
    throw new ShapeError({
      file: resultsDir,
      expected: "a directory of result files",
      found: "nothing at this path or not a directory",
    });
  }
  const { results, skipped } = await loadResults(resultsDir, outDir);
  const site = renderLeaderboard(results, skipped, options);
  // File names may hold terminal control characters: shown as "?" in the log.
  const printable = (t: string) => t.replace(/\p{Cc}/gu, "?");
  for (const s of site.skipped) log(`skipped ${printable(s.file)}: ${printable(s.reason)}`);
  // One output set (harness/core/atomic.ts): the whole site appears at once, and an interrupt
  // at any instant leaves the old site or the new one. The site owns its pages' top-level
  // names (index.html, runs/, compare/, the manifest); other files in outDir are kept.
  const pages = [...site.pages.keys()].sort();
  const owned = new Set([MANIFEST, "runs", "compare", ...pages.map((p) => p.split("/")[0])]);
  const set = await OutputSet.begin(outDir, (name) => owned.has(name));
  try {
    for (const [path, html] of site.pages) await writeFileAtomic(set.path(path), html);
    await writeFileAtomic(
      set.path(MANIFEST),
      manifestJson(pages, site.records),
    );
    await set.commit();
  } finally {
    set.abandon();
  }
  log(
    `wrote ${pages.length} pages to ${outDir} (${results.length} results, ${site.skipped.length} skipped)`,
  );
  return {
    index: resolve(outDir, "index.html"),
    pages,
    boards: site.boards,
    skipped: site.skipped,
  };
}

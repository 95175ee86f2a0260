/**
 * Scale-out: split one evaluation into `n` shards that run anywhere (a CI matrix, a Kubernetes
 * Indexed Job), then merge their files into the result one unsharded run gives.
 *
 * **Work units.** One run is one suite × one model; its work units are the IC batches the
 * rollout engine would run: `U = ⌈N / B⌉` batches of `B` ICs (`B` = `config.batch`: the model's
 * fixed batch, else `min(--batch ?? 32, N)`), the last possibly shorter. Shard `k` of `n`
 * (`k` is **1-based**, `1 ≤ k ≤ n ≤ U`) takes the contiguous units `⌊(k−1)·U/n⌋ … ⌊k·U/n⌋ − 1`,
 * i.e. ICs `first … first + count − 1` ({@link shardRange}); shares differ by at most one unit.
 * Every batch a shard runs is the very batch (same ICs, same size) the unsharded run runs, so
 * the model sees the same inputs, and each shard slices its ICs out of the same full reference
 * (the reference cache entry of the unsharded run: the reference solvers pair ICs, so solving a
 * subset alone could round differently).
 *
 * **Shard files** (`schema: "emubench.shard/2"`, {@link ShardResult}, `shard-K-of-N.json`)
 * carry the result header of the run (suite, model with its sha256, config, environment),
 * the shard spec, the ICs covered, their divergence, the snapshots they hold (IC 0's, in shard
 * 1), timings, the reference's sha256, the {@link ScorerState} of those ICs: the per-IC
 * values the scorer keeps, in float64, bit for bit; for a suite with physics `diagnostics`
 * (e.g. `shallow_water2d`), also the {@link DiagnosticsState} of those ICs (every tracker
 * family's state, under its key); and the `rows` the shard's own run emitted (its trackers
 * saw only its ICs). `emubench.shard/1` files carried no rows and are refused.
 *
 * **Merge** ({@link mergeShards}) refuses (exit 2) shards split differently, a missing or
 * doubled shard, and shards of different runs, listing every difference: suite id, version,
 * tier, fields, Δt; model name, files and sha256; ICs, steps, seed, backend asked for, batch,
 * summary steps; reference sha256; emubench version and commit, Deno/V8, onnxruntime, the
 * backend that ran, adapter and arch (the OS string may differ between nodes). It then rebuilds
 * one scorer from the states ({@link RolloutScorer.fromStates}), and one diagnostics tracker
 * ({@link DiagnosticsTracker.fromStates}) where the suite has diagnostics, and emits their rows:
 * the same values in the same IC order through the same arithmetic as the unsharded run with the
 * same `--batch`, so `rows`, `divergence` and `snapshots` are identical.
 *
 * **Consistency.** Before merging, each shard's states must give back its own rows: the merge
 * rebuilds the shard's trackers from its states alone (the other ICs unobserved, as in the
 * shard's run), and every row must equal the shard's row exactly: the same keys, and each value
 * the same float64 (no tolerance: the same arithmetic runs on the same numbers); the shard's
 * `divergence` steps must be its scorer's `divergedAt`. A shard whose rows or states were
 * edited is refused (exit 2) naming the file, the row (metric, field, step, IC), the value the
 * states give and the value found. The merged `created` is the
 * latest shard's; `config.data`, `environment` and blocks about IC 0 (e.g. `hovmoller`) come
 * from shard 1. Timings are sums over the shards (so `totalSeconds` is the machine time spent,
 * not the wall time of the job), and `stepsPerSecond` is all IC-steps over the summed rollout
 * wall time (one worker's throughput, comparable with an unsharded run).
 *
 * @example
 * ```ts
 * import { parseShard, shardRange } from "./shard.ts";
 * // 10 ICs in batches of 2 are 5 work units; shard 2 of 3 runs units 1..2 = ICs 2..5.
 * const range = shardRange(parseShard("2/3"), 10, 2);
 * if (range.first !== 2 || range.count !== 4) throw new Error(JSON.stringify(range));
 * ```
 * @module
 */
import { join } from "node:path";
import { ShapeError, ValueRangeError } from "../core/errors.ts";
import { readJson } from "../core/json_file.ts";
import { modelHash } from "../results/check.ts";
import { type Result, RESULT_SCHEMA, RESULT_SCHEMA_V1 } from "../results/schema.ts";
import { described } from "../results/describe.ts";
import type { ScorerState } from "../../metrics/scorer.ts";
import type { ShardStates, TrackerSet } from "../../metrics/tracker.ts";
import { getSuite } from "../../suites/mod.ts";
import { isRecord } from "../core/checks.ts";
import { suiteTrackers } from "./context.ts";

/** Schema tag of a shard file. */
export const SHARD_SCHEMA = "emubench.shard/2";

/** Shard `index` of `count`, 1-based: `1 ≤ index ≤ count`. */
export interface ShardSpec {
  readonly index: number;
  readonly count: number;
}

/** A contiguous block of ICs: `first … first + count − 1`. */
export interface IcRange {
  first: number;
  count: number;
}

/** What one shard wrote: the result header, its ICs and the scorer state of those ICs. */
export interface ShardResult extends Omit<Result, "schema" | "timings" | "catalogue"> {
  schema: typeof SHARD_SCHEMA;
  /** The rows of the shard's own run (its trackers saw only `ics`): checked against the states. */
  rows: Result["rows"];
  shard: { index: number; count: number };
  /** IC indices this shard evaluated, ascending (global indices of the whole run). */
  ics: number[];
  /** sha256 of the whole reference `[N, T + 1, C, ...grid]` (float32 LE), for every shard. */
  reference: { sha256: string };
  /** This shard's timings; `rolloutSeconds` is the wall time of its rollout loop. */
  timings: Result["timings"] & { rolloutSeconds: number };
  /** The scorer's per-IC values of `ics`. */
  scorer: ScorerState;
  /**
   * Every other tracker's state of `ics`, under its family key (`metrics/tracker.ts`): e.g.
   * `diagnostics` (suites with physics diagnostics), `temporal` (runs with at least
   * `MIN_TEMPORAL_STEPS` predicted steps), `weather` (era5: HEALPix, then lat-lon `wb2_`).
   */
  [family: string]: unknown;
}

/**
 * Parse `K/N` (1-based K). Throws `ValueRangeError` (a `RangeError`) on anything else, e.g.
 * `0/3`, `4/3`, `a/b`.
 *
 * @example
 * ```ts
 * import { parseShard } from "./shard.ts";
 * const s = parseShard("2/4");
 * if (s.index !== 2 || s.count !== 4) throw new Error(JSON.stringify(s));
 * let message = "";
 * try { parseShard("0/3"); } catch (e) { message = String(e); }
 * if (!message.includes("1 ≤ K ≤ N")) throw new Error(message);
 * ```
 */
export function parseShard(text: string): ShardSpec {
  const m = /^(\d{1,9})\/(\d{1,9})$/.exec(String(text));
  const index = m ? Number(m[1]) : NaN, count = m ? Number(m[2]) : NaN;
  if (!m || index < 1 || count < 1 || index > count) {
    throw new ValueRangeError({
      field: "--shard",
      expected: "K/N with 1 ≤ K ≤ N (shard K of N, counted from 1), e.g. 2/4",
      found: JSON.stringify(text),
    });
  }
  return { index, count };
}

/**
 * `K/N` as text.
 *
 * @example
 * ```ts
 * import { formatShard } from "./shard.ts";
 * if (formatShard({ index: 1, count: 3 }) !== "1/3") throw new Error();
 * ```
 */
export function formatShard(spec: ShardSpec): string {
  return `${spec.index}/${spec.count}`;
}

/**
 * The file name a shard writes: `shard-K-of-N.json`.
 *
 * @example
 * ```ts
 * import { shardFileName } from "./shard.ts";
 * if (shardFileName({ index: 2, count: 4 }) !== "shard-2-of-4.json") throw new Error();
 * ```
 */
export function shardFileName(spec: ShardSpec): string {
  return `shard-${spec.index}-of-${spec.count}.json`;
}

/**
 * The ICs shard `spec` evaluates when `ics` ICs run in batches of `batch` (module notes).
 * Throws `ValueRangeError` when there are fewer work units than shards.
 *
 * @example
 * ```ts
 * import { shardRange } from "./shard.ts";
 * // 4 ICs one at a time over 3 shards: 1, 1 and 2 ICs.
 * const parts = [1, 2, 3].map((index) => shardRange({ index, count: 3 }, 4, 1));
 * if (JSON.stringify(parts.map((p) => p.count)) !== "[1,1,2]") throw new Error();
 * ```
 */
export function shardRange(spec: ShardSpec, ics: number, batch: number): IcRange {
  for (const [field, v] of [["ics", ics], ["batch", batch]] as const) {
    if (!Number.isSafeInteger(v) || v < 1) {
      throw new ValueRangeError({ field, expected: "a positive integer", found: String(v) });
    }
  }
  const { index: k, count: n } = parseShard(formatShard(spec));
  const units = Math.ceil(ics / batch);
  if (n > units) {
    throw new ValueRangeError({
      field: "--shard",
      expected:
        `at most ${units} shard${units === 1 ? "" : "s"} (${ics} ICs in batches of ${batch} ` +
        `make ${units} work unit${units === 1 ? "" : "s"})`,
      found: formatShard(spec),
      hint:
        "Use fewer shards, or a smaller --batch (and the same --batch for any run you compare " +
        "with: results are bit-identical only for equal batches).",
    });
  }
  const first = Math.floor(((k - 1) * units) / n) * batch;
  const end = Math.min(Math.floor((k * units) / n) * batch, ics);
  return { first, count: end - first };
}

/**
 * Assemble a shard file from a shard's evaluation: `result` is what `evaluate` built for the
 * shard (its rows, over these ICs only, are kept for the merge's consistency check),
 * `trackers` the trackers that observed ICs `range` (indexed globally); their states go under
 * their family keys.
 *
 * @example
 * ```ts
 * import { shardResult } from "./shard.ts";
 * import { suiteTrackers } from "./context.ts";
 * import { getSuite } from "../../suites/mod.ts";
 * import type { Result } from "../results/schema.ts";
 * const trackers = suiteTrackers(getSuite("burgers1d"), {
 *   ics: 4, steps: 1, history: 1, summarySteps: [], seed: 0,
 * });
 * const result = { schema: "emubench.result/2", rows: [], timings: {} } as unknown as Result;
 * const part = shardResult(result, { index: 2, count: 2 }, { first: 2, count: 2 }, trackers, {
 *   referenceSha256: "0".repeat(64),
 *   rolloutSeconds: 1,
 * });
 * if (part.schema !== "emubench.shard/2" || part.ics.join() !== "2,3") throw new Error();
 * if (part.rows.length !== 0 || part.scorer.covered.join() !== "2,3") throw new Error();
 * ```
 */
export function shardResult(
  result: Result,
  spec: ShardSpec,
  range: IcRange,
  trackers: Pick<TrackerSet, "toStates">,
  extra: { referenceSha256: string; rolloutSeconds: number },
): ShardResult {
  const ics = Array.from({ length: range.count }, (_, i) => range.first + i);
  // The catalogue describes rows; the merge builds it again for the merged rows.
  const { schema: _schema, rows, catalogue: _catalogue, timings, ...header } = result;
  return {
    schema: SHARD_SCHEMA,
    ...header,
    rows,
    shard: { index: spec.index, count: spec.count },
    ics,
    reference: { sha256: extra.referenceSha256 },
    timings: { ...timings, rolloutSeconds: extra.rolloutSeconds },
    ...(trackers.toStates(ics) as { scorer: ScorerState }),
  };
}

/**
 * Check that `json` has the shape of a shard file (schema, spec, ICs, the result header, a
 * scorer state and a model hash that matches its files). Throws `ShapeError` naming the file
 * and field; the scorer arrays are checked when merged.
 *
 * @example
 * ```ts
 * import { validateShard } from "./shard.ts";
 * let message = "";
 * try { validateShard({ schema: "emubench.result/2" }, "r.json"); } catch (e) { message = String(e); }
 * if (!message.includes('r.json: schema: expected "emubench.shard/2"')) throw new Error(message);
 * ```
 */
export function validateShard(json: unknown, file: string): ShardResult {
  const ok = (cond: boolean, field: string, expected: string, found: unknown) => {
    if (!cond) {
      throw new ShapeError({ file, field, expected, found: JSON.stringify(found)?.slice(0, 80) });
    }
  };
  ok(isRecord(json), "(root)", "an object", json);
  const s = json as ShardResult;
  ok(
    s.schema === SHARD_SCHEMA,
    "schema",
    `"${SHARD_SCHEMA}"${
      (s.schema as string) === RESULT_SCHEMA || (s.schema as string) === RESULT_SCHEMA_V1
        ? " (this is a merged or unsharded result, not a shard)"
        : (s.schema as string) === "emubench.shard/1"
        ? " (a shard/1 file carries no rows to check its states against: run the shard again " +
          "with this emubench)"
        : ""
    }`,
    s.schema,
  );
  for (const k of ["shard", "suite", "model", "config", "environment", "timings"] as const) {
    ok(isRecord(s[k]), k, "an object", s[k]);
  }
  ok(
    isRecord(s.reference) && typeof s.reference.sha256 === "string",
    "reference",
    "{sha256}",
    s.reference,
  );
  ok(isRecord(s.scorer), "scorer", "a scorer state object", typeof s.scorer);
  const { index, count } = s.shard;
  ok(
    Number.isSafeInteger(count) && Number.isSafeInteger(index) && index >= 1 && index <= count,
    "shard",
    "{index, count} with 1 ≤ index ≤ count",
    s.shard,
  );
  ok(
    Array.isArray(s.ics) && s.ics.length > 0 && s.ics.every(Number.isSafeInteger),
    "ics",
    "a non-empty list of IC indices",
    s.ics,
  );
  for (const k of ["ics", "steps", "seed", "batch"] as const) {
    ok(Number.isSafeInteger(s.config[k]), `config.${k}`, "an integer", s.config[k]);
  }
  ok(
    Array.isArray(s.config.summarySteps) && s.config.summarySteps.every(Number.isSafeInteger),
    "config.summarySteps",
    "a list of steps",
    s.config.summarySteps,
  );
  ok(typeof s.suite.id === "string", "suite.id", "a string", s.suite.id);
  ok(Array.isArray(s.model.files), "model.files", "a list", s.model.files);
  ok(
    modelHash(s.model.files) === s.model.sha256,
    "model.sha256",
    "sha256 of model.files (the file was edited after the run, or is corrupt)",
    s.model.sha256,
  );
  ok(
    Array.isArray(s.rows) && s.rows.every(isRecord),
    "rows",
    "a list of row objects (the shard's own rows)",
    Array.isArray(s.rows) ? "a list with a non-object" : s.rows,
  );
  ok(Array.isArray(s.divergence), "divergence", "a list", s.divergence);
  ok(Array.isArray(s.snapshots), "snapshots", "a list", s.snapshots);
  ok(
    typeof s.timings.rolloutSeconds === "number",
    "timings.rolloutSeconds",
    "a number",
    s.timings.rolloutSeconds,
  );
  return s;
}

/**
 * Read shard files; a directory stands for the `shard-*-of-*.json` files in it (sorted).
 * Throws `ShapeError` / `FormatError` naming the file, `ValueRangeError` for a directory
 * without shard files.
 *
 * @example
 * ```ts
 * import { readShards } from "./shard.ts";
 * const dir = await Deno.makeTempDir();
 * let message = "";
 * try { await readShards([dir]); } catch (e) { message = String(e); }
 * await Deno.remove(dir);
 * if (!message.includes("shard-K-of-N.json")) throw new Error(message);
 * ```
 */
export async function readShards(paths: readonly string[]): Promise<ShardFile[]> {
  const files: string[] = [];
  for (const p of paths) {
    if (!(await Deno.stat(p)).isDirectory) {
      files.push(p);
      continue;
    }
    const found: string[] = [];
    for await (const e of Deno.readDir(p)) {
      if (e.isFile && /^shard-\d+-of-\d+\.json$/.test(e.name)) found.push(join(p, e.name));
    }
    if (found.length === 0) {
      throw new ValueRangeError({
        file: p,
        expected: "a directory holding shard-K-of-N.json files",
        found: "none",
      });
    }
    files.push(...found.sort());
  }
  const out: ShardFile[] = [];
  for (const file of files) {
    out.push({ file, shard: validateShard(await readJson(file, "a JSON shard file"), file) });
  }
  return out;
}

/** A shard and the file it came from (for messages). */
export interface ShardFile {
  file: string;
  shard: ShardResult;
}

function cannotMerge(message: string): never {
  throw new ValueRangeError({ hint: `Cannot merge shards: ${message}` });
}

/** Values that must agree between shards of one run, by dotted path. */
function identity(s: ShardResult): [string, unknown][] {
  const e = s.environment;
  return [
    ...Object.entries(s.suite).map(([k, v]) => [`suite.${k}`, v] as [string, unknown]),
    ...Object.entries(s.model).map(([k, v]) => [`model.${k}`, v] as [string, unknown]),
    ["config.ics", s.config.ics],
    ["config.steps", s.config.steps],
    ["config.seed", s.config.seed],
    ["config.privateSeedSha256", s.config.privateSeedSha256],
    ["config.backend", s.config.backend],
    ["config.batch", s.config.batch],
    ["config.summarySteps", s.config.summarySteps],
    ["reference.sha256", s.reference.sha256],
    ["environment.emubench", e.emubench],
    ["environment.gitCommit", e.gitCommit],
    ["environment.deno", e.deno],
    ["environment.v8", e.v8],
    ["environment.onnxruntime", e.onnxruntime],
    ["environment.backend", e.backend],
    ["environment.adapter", e.adapter],
    ["environment.arch", e.arch],
  ];
}

/** A row's coordinates, for messages: `metric mse, field u, step 3, IC 2`. */
function rowName(row: Record<string, unknown>): string {
  const keys = ["metric", "field", "step", "ic", "k", "region", "reduction"];
  return keys.filter((k) => row[k] !== undefined).map((k) =>
    `${k === "ic" ? "IC" : k} ${typeof row[k] === "string" ? row[k] : short(row[k])}`
  ).join(", ");
}

/**
 * Refuse shard `f` unless the rows its states give (trackers rebuilt by `rebuild` from its
 * states alone, the other ICs unobserved) are its rows exactly, and its divergence steps are
 * its scorer's. `ValueRangeError` naming the file, the row, the value the states give and the
 * value found.
 */
function checkShardRows(
  f: ShardFile,
  stateKeys: readonly string[],
  rebuild: (states: ShardStates[]) => TrackerSet,
): void {
  const bad = (field: string, expected: string, found: string): never => {
    throw new ValueRangeError({
      file: f.file,
      field,
      expected,
      found,
      hint: "Cannot merge shards: this shard's rows and tracker states disagree (the file was " +
        "edited after its run, or is corrupt); run the shard again",
    });
  };
  const s = f.shard;
  s.divergence.forEach((d, i) => {
    const step = isRecord(d) ? d.step ?? null : d;
    const want = s.scorer.divergedAt?.[i] ?? null;
    if (step !== want) {
      bad(
        `divergence[${i}].step (IC ${s.ics[i]})`,
        `${short(want)} (the step its scorer state records)`,
        short(step),
      );
    }
  });
  let own: TrackerSet;
  try {
    own = rebuild([{ name: f.file, states: s }]);
  } catch (e) {
    if (!(e instanceof RangeError || e instanceof TypeError)) throw e;
    return cannotMerge(e.message);
  }
  const expected = JSON.parse(JSON.stringify(own.rows())) as Record<string, unknown>[];
  const found = s.rows as unknown as Record<string, unknown>[];
  const n = Math.min(expected.length, found.length);
  for (let i = 0; i < n; i++) {
    const a = expected[i], b = found[i];
    for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
      if (JSON.stringify(a[key]) === JSON.stringify(b[key])) continue;
      if (key === "value") {
        bad(
          `rows[${i}] (${rowName(a)})`,
          `value ${short(a[key])} (what its ${stateKeys.join(", ")} states give)`,
          `value ${short(b[key])}`,
        );
      }
      bad(`rows[${i}].${key}`, `${rowName(a)} (from its states)`, rowName(b) || short(b));
    }
  }
  if (expected.length !== found.length) {
    bad(
      "rows",
      `${expected.length} rows (what its states give)`,
      `${found.length} rows${
        found.length > n
          ? `, the first extra ${rowName(found[n])}`
          : `, ending before ${rowName(expected[n])}`
      }`,
    );
  }
}

function short(v: unknown): string {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

/**
 * Merge the shards of one run into its result (module notes: what must agree, what is summed).
 * Throws `ValueRangeError` (CLI exit 2) naming the files and what differs when shards are
 * missing, doubled, split differently or from different runs.
 *
 * @example
 * ```ts
 * import { mergeShards } from "./shard.ts";
 * let message = "";
 * try { mergeShards([]); } catch (e) { message = String(e); }
 * if (!message.includes("Cannot merge shards: no shard files")) throw new Error(message);
 * ```
 */
export function mergeShards(files: readonly ShardFile[]): Result {
  if (files.length === 0) cannotMerge("no shard files given");
  const name = (f: ShardFile) => f.file;

  // Same split.
  const counts = new Set(files.map((f) => f.shard.shard.count));
  if (counts.size > 1) {
    cannotMerge(
      `they come from different splits: ${
        files.map((f) => `${name(f)} is ${formatShard(f.shard.shard)}`).join(", ")
      }`,
    );
  }
  const n = files[0].shard.shard.count;
  const byIndex = new Map<number, ShardFile[]>();
  for (const f of files) {
    byIndex.set(f.shard.shard.index, [...(byIndex.get(f.shard.shard.index) ?? []), f]);
  }
  const doubled = [...byIndex.entries()].filter(([, fs]) => fs.length > 1);
  if (doubled.length > 0) {
    cannotMerge(
      doubled.map(([k, fs]) =>
        `shard ${k}/${n} is given ${fs.length} times (${fs.map(name).join(", ")})`
      )
        .join("; ") + "; expected each shard once",
    );
  }
  const missing = Array.from({ length: n }, (_, i) => i + 1).filter((k) => !byIndex.has(k));
  if (missing.length > 0) {
    cannotMerge(
      `shard${missing.length === 1 ? "" : "s"} ${missing.map((k) => `${k}/${n}`).join(", ")} ` +
        `missing (expected ${n} files ${shardFileName({ index: 1, count: n })} … ` +
        `${shardFileName({ index: n, count: n })}; given: ${
          files.map((f) => `${name(f)} (${formatShard(f.shard.shard)})`).join(", ")
        })`,
    );
  }
  const ordered = Array.from({ length: n }, (_, i) => byIndex.get(i + 1)![0]);

  // Same run.
  const first = ordered[0], want = new Map(identity(first.shard));
  const problems: string[] = [];
  for (const f of ordered.slice(1)) {
    const found = identity(f.shard);
    const keys = new Set([...want.keys(), ...found.map(([k]) => k)]);
    const have = new Map(found);
    const diffs = [...keys].filter((k) =>
      JSON.stringify(want.get(k)) !== JSON.stringify(have.get(k))
    )
      .map((k) => `${k} ${short(want.get(k))} vs ${short(have.get(k))}`);
    if (diffs.length > 0) {
      problems.push(`${name(first)} and ${name(f)} differ in ${diffs.join(", ")}`);
    }
  }
  if (problems.length > 0) {
    cannotMerge(`the files come from different runs: ${problems.join("; ")}`);
  }

  // Each shard covered exactly its share.
  const { ics: N, steps: T, batch } = first.shard.config;
  for (const f of ordered) {
    const r = shardRange(f.shard.shard, N, batch);
    const expected = Array.from({ length: r.count }, (_, i) => r.first + i);
    const covered = [f.shard.ics, f.shard.scorer.covered, f.shard.divergence.map((d) => d?.ic)];
    if (covered.some((c) => JSON.stringify(c) !== JSON.stringify(expected))) {
      throw new ValueRangeError({
        file: name(f),
        field: "ics",
        expected:
          `ICs ${r.first}..${r.first + r.count - 1} in ics, scorer.covered and divergence ` +
          `(shard ${formatShard(f.shard.shard)} of ${N} ICs in batches of ${batch})`,
        found: covered.map(short).join(", "),
      });
    }
  }

  // The suite's trackers from the states, by the function evaluate() builds them with.
  const suite = getSuite(first.shard.suite.id);
  if (suite.version !== first.shard.suite.version) {
    cannotMerge(
      `the shards ran ${suite.id} v${first.shard.suite.version}, this emubench has ` +
        `v${suite.version}; merge with the emubench that ran them`,
    );
  }
  const seed = first.shard.config.seed;
  if (seed === null) {
    cannotMerge("its shards name no seed (a private-seed run is never sharded)");
  }
  let trackers: TrackerSet;
  const run = {
    ics: N,
    steps: T,
    history: first.shard.model.history,
    summarySteps: first.shard.config.summarySteps,
    seed,
  };
  try {
    trackers = suiteTrackers(suite, run, ordered.map((f) => ({ name: name(f), states: f.shard })));
  } catch (e) {
    // A damaged or missing state is bad input: the message names the file and the family.
    if (!(e instanceof RangeError || e instanceof TypeError)) throw e;
    cannotMerge(e.message);
  }

  // Each shard's states give back its own rows (module notes: consistency).
  for (const f of ordered) {
    checkShardRows(f, trackers.stateKeys, (states) => suiteTrackers(suite, run, states, true));
  }

  const sum = (k: keyof ShardResult["timings"]) =>
    ordered.reduce((a, f) => a + f.shard.timings[k], 0);
  const rolloutSeconds = sum("rolloutSeconds");
  const icSteps = N * (T - first.shard.model.history + 1);
  const created = ordered.map((f) => f.shard.created).sort().at(-1)!;
  // Shard 1's header: suite, model, config, environment and blocks about IC 0 (e.g. hovmoller).
  const {
    schema: _schema,
    shard: _shard,
    ics: _ics,
    reference: _reference,
    timings: _timings,
    ...rest
  } = first.shard;
  // The tracker states are not part of the result.
  const header = Object.fromEntries(
    Object.entries(rest).filter(([k]) => !trackers.stateKeys.includes(k)),
  ) as Omit<Result, "schema" | "rows" | "timings" | "catalogue">;
  return described(suite, {
    ...header,
    schema: RESULT_SCHEMA,
    created,
    timings: {
      modelSeconds: sum("modelSeconds"),
      metricSeconds: sum("metricSeconds"),
      referenceSeconds: sum("referenceSeconds"),
      stepsPerSecond: rolloutSeconds > 0 ? icSteps / rolloutSeconds : 0,
      totalSeconds: sum("totalSeconds"),
    },
    rows: trackers.rows(),
    divergence: ordered.flatMap((f) => f.shard.divergence),
    snapshots: ordered.flatMap((f) => f.shard.snapshots),
  });
}

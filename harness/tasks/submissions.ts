/**
 * Evaluating a directory of submissions for the leaderboard (`emubench submissions <dir>
 * --results <dir>`): every subdirectory holding `emulator.json` and its graphs (SPEC §2) is one
 * submission. Each is evaluated on its manifest's suite at one tier and backend, and its result
 * written to `<results>/<suite>/<name>/result.json`, where the leaderboard reads it.
 *
 * A submission is skipped when its result is **current**: the result file there is valid
 * (`checkResult`) and records the same model sha256 (over the manifest and every graph file),
 * suite id and version, tier, IC count, horizon, seed and asked-for backend as this evaluation
 * would, scored on the host (a `run --reductions device` result there, which lacks metric
 * families, is not current). Anything else (a new model, a bumped suite version, another tier) evaluates it again
 * and replaces the file atomically.
 *
 * Submissions are untrusted input: `emulator.json` and every graph it names must be regular
 * files inside the submission directory (after resolving symbolic links; no links, FIFOs,
 * devices or directories; sizes and manifest strings capped; checked with `lstat` before
 * anything is opened — `harness/model/manifest.ts`, `harness/core/safe_file.ts`), graphs may not
 * point at external data files, and a submission directory that is itself a symbolic link is
 * not followed. One bad submission is reported and the others still
 * run.
 * @module
 */
import { join } from "node:path";
import { privateSeedHash } from "./context.ts";
import { getSuite } from "../../suites/mod.ts";
import type { TierName } from "../../suites/common/types.ts";
import type { BackendChoice } from "../onnx/backend.ts";
import { isInputError, ShapeError } from "../core/errors.ts";
import { loadModel } from "../model/manifest.ts";
import { evaluate } from "./run.ts";
import { hashModelFiles, tierAndSeed } from "./context.ts";
import { readCheckedResult } from "../results/check.ts";
import { evaluateIsolated, type Limits } from "./isolate.ts";
import type { Result } from "../results/schema.ts";

/** Options of {@link evaluateSubmissions}. */
export interface SubmissionOptions {
  /** Where results go: `<resultsDir>/<suite>/<name>/result.json`. */
  readonly resultsDir: string;
  /** Tier to evaluate at (default `standard`). */
  readonly tier?: TierName;
  /** Backend to ask for (default `auto`). */
  readonly backend?: BackendChoice;
  /** Reference cache directory (default as in `evaluate`). */
  readonly cacheDir?: string;
  /** A private test seed for every evaluation (`EvaluateOptions.privateSeed`). */
  readonly privateSeed?: number;
  /** One-line status messages. */
  readonly log?: (message: string) => void;
  /** Progress of the running evaluation. */
  readonly progress?: (phase: string, done: number, total: number) => void;
  /**
   * Run each evaluation in a child process under these limits (`harness/tasks/isolate.ts`):
   * wall clock, per step and memory; on expiry the submission fails with "timed out at step k"
   * or "out of memory" and the queue moves on. Absent: evaluate in this process, unlimited.
   */
  readonly limits?: Limits;
}

/** What happened to one submission. */
export interface SubmissionOutcome {
  /** Directory name of the submission. */
  readonly name: string;
  /** `evaluated` (result written), `current` (skipped), `failed` (see `reason`). */
  readonly status: "evaluated" | "current" | "failed";
  /** Suite id from the manifest, when it could be read. */
  readonly suite?: string;
  /** Result file (written or current). */
  readonly result?: string;
  /** Model sha256, when the model could be hashed. */
  readonly sha256?: string;
  /** Why it failed, or why it was (re-)evaluated. */
  readonly reason?: string;
  /** For `failed`: true when the cause was not bad input but an unexpected error (a bug). */
  readonly internal?: boolean;
  /** For `failed`: the limit that stopped it (`time`: wall clock or step, `memory`). */
  readonly limit?: "time" | "memory";
}

/**
 * A directory name as used for the results path: kept when it is already safe
 * (`[A-Za-z0-9_-]`, optionally with inner dots), else an ASCII slug plus 8 hex digits of its
 * sha256 so that different names stay different.
 *
 * @example
 * ```ts
 * import { resultName } from "./submissions.ts";
 * if (await resultName("my-unet_v2") !== "my-unet_v2") throw new Error();
 * if (!/^my-unet-[0-9a-f]{8}$/.test(await resultName("my unet"))) throw new Error();
 * ```
 */
export async function resultName(name: string): Promise<string> {
  if (/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/.test(name) && name.length <= 80) return name;
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(name));
  const hex = Array.from(new Uint8Array(digest).slice(0, 4), (b) => b.toString(16).padStart(2, "0"))
    .join("");
  const slug = name.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").replace(/[^A-Za-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "").slice(0, 60);
  return `${slug || "submission"}-${hex}`;
}

function isCurrent(
  r: Result,
  want: {
    sha256: string;
    suite: string;
    version: string;
    tier: string;
    ics: number;
    steps: number;
    seed: number | null;
    privateSeedSha256?: string;
    backend: string;
  },
): string | null {
  const diffs: string[] = [];
  const pairs: [string, unknown, unknown][] = [
    ["model sha256", r.model.sha256, want.sha256],
    ["suite", r.suite.id, want.suite],
    ["suite version", r.suite.version, want.version],
    ["tier", r.suite.tier, want.tier],
    ["ICs", r.config.ics, want.ics],
    ["steps", r.config.steps, want.steps],
    ["seed", r.config.seed, want.seed],
    ["private seed", r.config.privateSeedSha256, want.privateSeedSha256],
    ["backend", r.config.backend, want.backend],
    // Submissions are scored on the host, every family (never `--reductions device`).
    ["reductions", r.reductions ? "device" : "host", "host"],
  ];
  for (const [k, a, b] of pairs) {
    if (a !== b) diffs.push(`${k} ${JSON.stringify(a)} → ${JSON.stringify(b)}`);
  }
  return diffs.length === 0 ? null : diffs.join(", ");
}

/**
 * Evaluate every submission directory under `dir` (in name order), skipping those whose result
 * is current (see the module documentation). Never throws for a bad submission: it is reported
 * as `failed` with the reason (and `internal: true` when the error was not an input error, e.g.
 * a graph onnxruntime cannot load), and the rest continue. Throws only when `dir` is not a
 * directory.
 *
 * @example
 * ```ts
 * import { evaluateSubmissions } from "./submissions.ts";
 * const dir = await Deno.makeTempDir();
 * await Deno.mkdir(`${dir}/subs/empty`, { recursive: true });
 * const out = await evaluateSubmissions(`${dir}/subs`, { resultsDir: `${dir}/results` });
 * await Deno.remove(dir, { recursive: true });
 * if (out[0].status !== "failed" || !out[0].reason?.includes("emulator.json")) throw new Error();
 * ```
 */
export async function evaluateSubmissions(
  dir: string,
  options: SubmissionOptions,
): Promise<SubmissionOutcome[]> {
  const log = options.log ?? (() => {});
  const tierName: TierName = options.tier ?? "standard";
  const backend = options.backend ?? "auto";
  const isDir = await Deno.stat(dir).then((s) => s.isDirectory, () => false);
  if (!isDir) {
    throw new ShapeError({
      file: dir,
      expected: "a directory of submission directories",
      found: "none",
    });
  }
  const entries: Deno.DirEntry[] = [];
  for await (const e of Deno.readDir(dir)) {
    if (!e.name.startsWith(".") && (e.isDirectory || e.isSymlink)) entries.push(e);
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const outcomes: SubmissionOutcome[] = [];
  for (const e of entries) {
    const name = e.name;
    if (e.isSymlink) {
      outcomes.push({ name, status: "failed", reason: "a symbolic link: not followed" });
      log(`failed ${name}: a symbolic link: not followed`);
      continue;
    }
    const path = join(dir, name);
    let suiteId: string | undefined, sha: string | undefined;
    try {
      const model = await loadModel(path);
      suiteId = model.manifest.suite;
      const suite = getSuite(suiteId);
      const { tier } = tierAndSeed(suite, tierName, undefined);
      sha = (await hashModelFiles(model)).sha256;
      const outDir = join(options.resultsDir, suite.id, await resultName(name));
      const resultPath = join(outDir, "result.json");
      let why = "no result yet";
      try {
        const old = await readCheckedResult(resultPath);
        const diff = isCurrent(old, {
          sha256: sha,
          suite: suite.id,
          version: suite.version,
          tier: tierName,
          ics: tier.ics,
          steps: tier.steps,
          ...(options.privateSeed === undefined
            ? { seed: suite.seed }
            : { seed: null, privateSeedSha256: await privateSeedHash(options.privateSeed) }),
          backend,
        });
        if (diff === null) {
          outcomes.push({
            name,
            status: "current",
            suite: suite.id,
            result: resultPath,
            sha256: sha,
          });
          log(`current ${name} (${suite.id}, ${sha.slice(0, 12)}): skipped`);
          continue;
        }
        why = `changed: ${diff}`;
      } catch (err) {
        if (!(err instanceof Deno.errors.NotFound)) {
          why = `previous result unusable: ${(err as Error).message}`;
        }
      }
      log(`evaluating ${name} on ${suite.id} (${tierName}, ${backend}): ${why}`);
      let resultFile: string | undefined;
      if (options.limits) {
        const run = await evaluateIsolated(
          {
            suite: suite.id,
            model: path,
            tier: tierName,
            backend,
            outDir,
            cacheDir: options.cacheDir,
            privateSeed: options.privateSeed,
          },
          options.limits,
          { log: (m) => log(`  ${m}`), progress: options.progress },
        );
        if (run.status !== "ok") {
          const reason = run.reason;
          outcomes.push({
            name,
            status: "failed",
            reason,
            suite: suite.id,
            sha256: sha,
            ...(run.status === "failed" && !run.input ? { internal: true } : {}),
            ...(run.status === "timeout" ? { limit: "time" as const } : {}),
            ...(run.status === "memory" ? { limit: "memory" as const } : {}),
          });
          log(`failed ${name}: ${reason}`);
          continue;
        }
        resultFile = String(run.files.result);
      } else {
        const { files } = await evaluate({
          suite: suite.id,
          model: path,
          tier: tierName,
          backend,
          outDir,
          cacheDir: options.cacheDir,
          privateSeed: options.privateSeed,
          log: (m) => log(`  ${m}`),
          progress: options.progress,
        });
        resultFile = files.result;
      }
      outcomes.push({
        name,
        status: "evaluated",
        suite: suite.id,
        result: resultFile,
        sha256: sha,
        reason: why,
      });
      log(`evaluated ${name} → ${resultFile}`);
    } catch (err) {
      const internal = !isInputError(err);
      const reason = err instanceof Error ? err.message : String(err);
      outcomes.push({
        name,
        status: "failed",
        reason,
        ...(internal ? { internal } : {}),
        ...(suiteId ? { suite: suiteId } : {}),
        ...(sha ? { sha256: sha } : {}),
      });
      log(`failed ${name}: ${reason}`);
    }
  }
  return outcomes;
}

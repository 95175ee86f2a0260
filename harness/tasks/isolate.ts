/**
 * Running one evaluation in a child process under limits, so a stranger's model cannot stall
 * or sink the runner: a wall-clock limit, a per-step limit (no rollout step finished for that
 * long), and a memory cap (the child's resident set, polled from `/proc` on Linux, plus V8's
 * heap limit). On expiry the child is killed (SIGKILL: onnxruntime cannot be interrupted inside
 * a step) and the outcome says "timed out at step k of n" or "out of memory"; its output set is
 * never swapped in, so the previous result stays (`harness/core/atomic.ts`).
 *
 * The child is this module run as a program (`deno run … isolate.ts <options JSON>`): it calls
 * {@link evaluate} and reports progress and the outcome as JSON lines on stdout.
 *
 * @example
 * ```ts
 * import { DEFAULT_LIMITS } from "./isolate.ts";
 * if (!(DEFAULT_LIMITS.stepSeconds < DEFAULT_LIMITS.wallSeconds)) throw new Error();
 * ```
 * @module
 */
import { fileURLToPath as fromFileUrl } from "node:url";
import { evaluate, type EvaluateOptions } from "./run.ts";
import { privateTestSeed } from "./context.ts";
import { isInputError } from "../core/errors.ts";
import { abandonOutputSets } from "../core/atomic.ts";
import { getSuite } from "../../suites/mod.ts";

/** Limits of one isolated evaluation. */
export interface Limits {
  /** Whole evaluation, reference included (seconds). */
  readonly wallSeconds: number;
  /** Longest time without a finished rollout step (seconds). */
  readonly stepSeconds: number;
  /** Resident memory cap of the child (MiB); also V8's old-space limit. */
  readonly memoryMb: number;
}

/** Defaults: 30 min per submission, 2 min per step, 8 GiB. */
export const DEFAULT_LIMITS: Limits = { wallSeconds: 1800, stepSeconds: 120, memoryMb: 8192 };

/** The options a child accepts (the serialisable part of {@link EvaluateOptions}). */
export type IsolatedOptions =
  & Omit<
    EvaluateOptions,
    "suite" | "progress" | "log" | "extraOutputs"
  >
  & { suite: string };

/** How an isolated evaluation ended. */
export type IsolatedOutcome =
  | { status: "ok"; files: Record<string, unknown> }
  | { status: "failed"; reason: string; input: boolean }
  | { status: "timeout" | "memory"; reason: string; step?: number; steps?: number };

/** Read `VmRSS` of `pid` in MiB (Linux), or undefined. */
function rssMb(pid: number): number | undefined {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(Deno.readTextFileSync(`/proc/${pid}/status`));
    return m ? Number(m[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Evaluate `options` in a child process under `limits`. Never throws for the model's faults:
 * they come back as `failed` (with `input` telling bad input from a bug), `timeout` or `memory`.
 */
export async function evaluateIsolated(
  options: IsolatedOptions,
  limits: Limits = DEFAULT_LIMITS,
  hooks: {
    log?: (m: string) => void;
    progress?: (phase: string, done: number, total: number) => void;
  } = {},
): Promise<IsolatedOutcome> {
  for (const [k, v] of Object.entries(limits)) {
    if (!(typeof v === "number" && v > 0 && Number.isFinite(v))) {
      throw new RangeError(`limits.${k}: expected a positive number, found ${v}`);
    }
  }
  const self = fromFileUrl(import.meta.url);
  const config = fromFileUrl(new URL("../../deno.json", import.meta.url));
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      "--quiet",
      `--config=${config}`,
      `--v8-flags=--max-old-space-size=${Math.max(64, Math.floor(limits.memoryMb))}`,
      self,
      // A private test seed goes by environment, never on the command line (`ps` shows that).
      JSON.stringify({ ...options, privateSeed: undefined }),
    ],
    env: {
      EMUBENCH_TEST_SEED: options.privateSeed === undefined ? "" : String(options.privateSeed),
    },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const t0 = performance.now();
  let lastStep = performance.now();
  let phase = "start", done = 0, total = 0, steps = 0, icsPerStep = 1;
  let verdict: IsolatedOutcome | undefined;
  let final: IsolatedOutcome | undefined;
  const stepOf = () => (total > 0 && steps > 0 ? Math.floor(done / icsPerStep) : 0);
  /** "at step k of n", or where it was before the rollout started. */
  const at = (k: number) =>
    phase === "rollout" ? `at step ${k} of ${steps}` : `before the rollout (phase: ${phase})`;
  const kill = (v: IsolatedOutcome) => {
    if (verdict) return;
    verdict = v;
    try {
      child.kill("SIGKILL");
    } catch { /* already gone */ }
  };
  // During a slow step, say so: "step k of n running for 12 s (step limit 120 s)", every
  // min(5 s, step limit / 2), so a queue never looks stalled.
  const heartbeat = Math.min(5, limits.stepSeconds / 2) * 1000;
  let lastBeat = performance.now();
  const watchdog = setInterval(() => {
    const now = performance.now();
    if (
      phase === "rollout" && now - lastStep >= heartbeat && now - lastBeat >= heartbeat && !verdict
    ) {
      lastBeat = now;
      hooks.log?.(
        `step ${stepOf() + 1} of ${steps} running for ${
          ((now - lastStep) / 1000).toFixed(0)
        } s (step limit ${limits.stepSeconds} s)`,
      );
    }
    if ((now - t0) / 1000 > limits.wallSeconds) {
      kill({
        status: "timeout",
        reason: `timed out ${at(stepOf() + 1)} (wall-clock limit ${limits.wallSeconds} s)`,
        step: stepOf(),
        steps,
      });
    } else if (phase === "rollout" && (now - lastStep) / 1000 > limits.stepSeconds) {
      kill({
        status: "timeout",
        reason: `timed out ${at(stepOf() + 1)} (no step finished within ${limits.stepSeconds} s)`,
        step: stepOf() + 1,
        steps,
      });
    }
    const rss = rssMb(child.pid);
    if (rss !== undefined && rss > limits.memoryMb) {
      kill({
        status: "memory",
        reason: `out of memory ${at(stepOf() + 1)} (${
          Math.round(rss)
        } MiB resident > limit ${limits.memoryMb} MiB)`,
        step: stepOf(),
        steps,
      });
    }
  }, 100);
  const stderrText = new Response(child.stderr).text();
  try {
    const lines = child.stdout.pipeThrough(new TextDecoderStream());
    let buf = "";
    for await (const chunk of lines) {
      buf += chunk;
      let nl;
      while ((nl = buf.indexOf("\n")) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        let msg: Record<string, unknown>;
        try {
          msg = JSON.parse(line);
        } catch {
          continue;
        }
        if (msg.progress) {
          const p = msg.progress as { phase: string; done: number; total: number };
          if (p.phase !== phase || p.done !== done) lastStep = performance.now();
          phase = p.phase;
          done = p.done;
          total = p.total;
          if (phase === "rollout" && typeof msg.steps === "number") {
            steps = msg.steps;
            icsPerStep = Math.max(1, total / steps);
          }
          hooks.progress?.(p.phase, p.done, p.total);
        } else if (typeof msg.log === "string") hooks.log?.(msg.log);
        else if (msg.outcome) final = msg.outcome as IsolatedOutcome;
      }
    }
    const status = await child.status;
    const err = await stderrText;
    if (verdict) return verdict;
    if (final) return final;
    if (/heap out of memory|Reached heap limit/i.test(err)) {
      return {
        status: "memory",
        reason: `out of memory ${at(stepOf() + 1)} (V8 heap limit ${limits.memoryMb} MiB)`,
        step: stepOf(),
        steps,
      };
    }
    return {
      status: "failed",
      input: false,
      reason: `the evaluation process ended with ${
        status.signal ? `signal ${status.signal}` : `exit code ${status.code}`
      } and no outcome: ${err.slice(-400).replace(/\p{Cc}/gu, " ")}`,
    };
  } finally {
    clearInterval(watchdog);
  }
}

/** The child: evaluate the options in `Deno.args[0]`, reporting JSON lines on stdout. */
async function childMain(): Promise<void> {
  const out = (v: unknown) =>
    Deno.stdout.writeSync(new TextEncoder().encode(`${JSON.stringify(v)}\n`));
  Deno.addSignalListener("SIGTERM", () => {
    abandonOutputSets();
    Deno.exit(143);
  });
  const options = JSON.parse(Deno.args[0]) as IsolatedOptions;
  const steps = options.steps ?? getSuite(options.suite).tiers[options.tier ?? "standard"]?.steps;
  try {
    const { files, result } = await evaluate({
      ...options,
      privateSeed: privateTestSeed(),
      log: (m) => out({ log: m }),
      progress: (phase, done, total) => out({ progress: { phase, done, total }, steps }),
    });
    out({ outcome: { status: "ok", files: { ...files, steps: result.config.steps } } });
  } catch (e) {
    out({
      outcome: {
        status: "failed",
        input: isInputError(e),
        reason: e instanceof Error ? e.message : String(e),
      },
    });
  }
}

if (import.meta.main) await childMain();

/**
 * The `emubench` command line (SPEC §6): a thin layer that parses flags and calls the library.
 *
 * Exit codes: 0 ok, 1 gate failed, 2 bad input (model, data, flags), 3 internal error,
 * 130 interrupted (nothing partial is left behind: every file is written atomically).
 * @module
 */
import { parseArgs } from "node:util";
import { dirname, join } from "node:path";
import { listSuites } from "../../suites/mod.ts";
import { listBaselines } from "../../baselines/mod.ts";
import { BACKEND_CHOICES, type BackendChoice } from "../onnx/backend.ts";
import { isInputError, ValueRangeError } from "../core/errors.ts";
import { evaluate, type EvaluateOptions } from "../tasks/run.ts";
import { evaluateReconstruction, reconstructSummary } from "../tasks/reconstruct.ts";
import { validateModel } from "../tasks/validate.ts";
import { readResult } from "../results/io.ts";
import { writeReport } from "../../reports/mod.ts";
import type { Result } from "../results/schema.ts";
import type { TierName } from "../../suites/common/types.ts";
import { EMUBENCH_VERSION } from "../tasks/environment.ts";
import { gate, readGateRules } from "../results/gate.ts";
import { readCheckedResult } from "../results/check.ts";
import { buildLeaderboard } from "../../reports/leaderboard.ts";
import { evaluateSubmissions } from "../tasks/submissions.ts";
import { formatShard, mergeShards, parseShard, readShards } from "../tasks/shard.ts";
import { writeFileAtomic } from "../core/atomic.ts";
import { runStability } from "../tasks/stability.ts";

const HELP =
  `emubench ${EMUBENCH_VERSION}: evaluate neural PDE emulators (ONNX) against reference solvers

Usage:
  emubench list [--json]
  emubench validate <model> --suite S [--task forecast|reconstruct] [--backend B] [--json]
  emubench run --suite S --model <path|baseline:NAME> [--tier T] [--backend B] [--ics N]
               [--steps N] [--seed N] [--batch N] [--data FILE] [--out DIR]
               [--save-trajectories] [--no-report] [--shard K/N] [--json]
  emubench run --task reconstruct --suite era5 --model <dir|baseline:mean_pool_rN>
               [--ics N] [--seed N] [--lmax L] [--data FILE] [--backend B] [--out DIR] [--json]
  emubench stability --suite S --model <path|baseline:NAME> [--tier T] [--horizon H] [--ics N]
               [--seed N] [--backend B] [--batch N] [--checkpoint-every K]
               [--spectra-every k] [--energy-stats MEAN,STD] [--out DIR] [--json]
  emubench merge <shard files or dirs...> [--out DIR] [--no-report] [--json]
  emubench report <result.json...> [--out FILE]
  emubench gate --baseline A.json --candidate B.json [--rules FILE] [--json]
  emubench leaderboard <results dir> --out <site dir> [--json]
  emubench submissions <dir> --results <dir> [--tier T] [--backend B] [--json]
  emubench demo [--tier T] [--backend B] [--out DIR]

Examples:
  emubench run --suite burgers1d --model baseline:coarse_solver --tier smoke
  emubench run --suite burgers1d --model my_model.onnx --backend wasm --out out/mine
  emubench validate my_model/ --suite burgers1d
  emubench run --suite burgers1d --model baseline:persistence --data burgers.h5 --ics 16
  emubench run --suite burgers1d --model m.onnx --shard 2/4 --out shards   # docs/scale-out.md
  emubench merge shards --out out/m
  emubench stability --suite jet2d --model m.onnx --horizon 200000 --checkpoint-every 1000

Backends: ${
    BACKEND_CHOICES.join(", ")
  } (auto: webgpu on a hardware adapter, else native, else wasm).
Exit codes: 0 ok, 1 gate failed, 2 bad input, 3 internal error, 130 interrupted.`;

/** A status line writer: redraws in place on a TTY, plain lines otherwise. */
export class Status {
  readonly #tty: boolean;
  readonly #quiet: boolean;
  #last = 0;
  #lastPct = -1;
  #open = false;
  constructor(quiet = false) {
    this.#tty = Deno.stderr.isTerminal();
    this.#quiet = quiet;
  }
  #write(s: string) {
    Deno.stderr.writeSync(new TextEncoder().encode(s));
  }
  /** A one-off message on its own line. */
  log(msg: string) {
    if (this.#quiet) return;
    if (this.#open) this.#write("\n");
    this.#open = false;
    this.#write(`${msg}\n`);
  }
  /** Progress of a phase; throttled. */
  progress(label: string, done: number, total: number) {
    if (this.#quiet) return;
    const pct = Math.floor((100 * done) / Math.max(1, total));
    const now = performance.now();
    if (this.#tty) {
      if (done < total && now - this.#last < 100) return;
      this.#last = now;
      const width = 24, fill = Math.round((width * done) / Math.max(1, total));
      this.#write(
        `\r${label} [${"#".repeat(fill)}${".".repeat(width - fill)}] ${pct}% (${done}/${total})`,
      );
      this.#open = done < total;
      if (done >= total) this.#write("\n");
    } else if (pct >= this.#lastPct + 25 || done >= total) {
      this.#lastPct = done >= total ? -1 : pct;
      this.#write(`${label}: ${pct}% (${done}/${total})\n`);
    }
  }
}

function intFlag(v: string | undefined, flag: string): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n)) {
    throw new ValueRangeError({ field: flag, expected: "an integer", found: JSON.stringify(v) });
  }
  return n;
}

/** The value of a flag that takes one of `choices` (undefined when absent). */
function choiceFlag<T extends string>(
  v: string | undefined,
  flag: string,
  choices: readonly T[],
): T | undefined {
  if (v === undefined) return undefined;
  if (!(choices as readonly string[]).includes(v)) {
    throw new ValueRangeError({
      field: flag,
      expected: `${choices.slice(0, -1).join(", ")} or ${choices.at(-1)}`,
      found: JSON.stringify(v),
    });
  }
  return v as T;
}

const TASKS = ["forecast", "reconstruct"] as const;

/** `--suite` and `--model`, both required (a `ValueRangeError` names the missing one). */
function suiteAndModel(values: { suite?: string; model?: string }): {
  suite: string;
  model: string;
} {
  if (!values.suite) {
    throw new ValueRangeError({
      field: "--suite",
      expected: "a suite id (see emubench list)",
      found: "nothing",
    });
  }
  if (!values.model) {
    throw new ValueRangeError({
      field: "--model",
      expected: "a model path or baseline:NAME",
      found: "nothing",
    });
  }
  return { suite: values.suite, model: values.model };
}

function slug(s: string): string {
  return s.replace(/^baseline:/, "").replace(/[^A-Za-z0-9._-]+/g, "_").slice(0, 80) || "model";
}

function summaryLine(r: Result): string {
  // The suite's headline metric (first declared), per field, at step 1 and the horizon.
  const metric = listSuites().find((s) => s.id === r.suite.id)?.metrics[0]?.id ?? "nrmse";
  const curve = r.rows.filter((x) =>
    x.metric === metric && x.step !== undefined && x.ic === undefined && x.k === undefined &&
    (x.reduction === "mean_over_ics" || x.reduction === "mean_over_ics_then_sqrt")
  );
  const last = r.config.steps;
  const fmt = (
    v: number | null | undefined,
  ) => (v === null || v === undefined ? "—" : v.toPrecision(3));
  const at = (f: string, s: number) => curve.find((x) => x.field === f && x.step === s)?.value;
  const fields = r.suite.fields.map((f) =>
    `${r.suite.fields.length > 1 ? `${f} ` : ""}${metric}@1 ${fmt(at(f, 1))}, @${last} ${
      fmt(at(f, last))
    }`
  );
  const div = r.divergence.filter((d) => d.step !== null).length;
  return `${r.suite.id} ${r.model.name}: ${fields.join("; ")}; diverged ${div}/${r.config.ics}, ${
    Math.round(r.timings.stepsPerSecond)
  } IC-steps/s on ${r.environment.backend}`;
}

async function cmdRun(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      suite: { type: "string" },
      model: { type: "string" },
      tier: { type: "string" },
      backend: { type: "string" },
      ics: { type: "string" },
      steps: { type: "string" },
      seed: { type: "string" },
      batch: { type: "string" },
      data: { type: "string" },
      out: { type: "string" },
      "save-trajectories": { type: "boolean" },
      "no-report": { type: "boolean" },
      shard: { type: "string" },
      task: { type: "string" },
      lmax: { type: "string" },
      json: { type: "boolean" },
    },
  });
  const task = choiceFlag(values.task, "--task", TASKS);
  const { suite, model } = suiteAndModel(values);
  const status = new Status(values.json);
  const outDir = values.out ?? join("out", suite, slug(model));
  if (task === "reconstruct") {
    for (const k of ["steps", "save-trajectories", "shard"] as const) {
      if (values[k] !== undefined) {
        throw new ValueRangeError({
          field: `--${k}`,
          expected: "no such flag with --task reconstruct (one encode→decode per sample)",
          found: String(values[k]),
        });
      }
    }
    const { result, files } = await evaluateReconstruction({
      suite,
      model,
      tier: values.tier as TierName | undefined,
      backend: values.backend as BackendChoice | undefined,
      samples: intFlag(values.ics, "--ics"),
      seed: intFlag(values.seed, "--seed"),
      batch: intFlag(values.batch, "--batch"),
      lmax: intFlag(values.lmax, "--lmax"),
      data: values.data,
      outDir,
      log: (m) => status.log(m),
      progress: (phase, d, t) => status.progress(phase, d, t),
    });
    const report = values["no-report"] ? undefined : join(outDir, "report.html");
    if (report) await writeReport(report, [result]);
    if (values.json) {
      console.log(JSON.stringify({ ...files, report, summary: reconstructSummary(result) }));
    } else {
      status.log(reconstructSummary(result));
      for (const f of [files.result, report]) if (f) status.log(`wrote ${f}`);
    }
    return 0;
  }
  const opts: EvaluateOptions = {
    suite,
    model,
    tier: values.tier as TierName | undefined,
    backend: values.backend as BackendChoice | undefined,
    ics: intFlag(values.ics, "--ics"),
    steps: intFlag(values.steps, "--steps"),
    seed: intFlag(values.seed, "--seed"),
    batch: intFlag(values.batch, "--batch"),
    data: values.data,
    outDir,
    saveTrajectories: values["save-trajectories"],
    shard: values.shard === undefined ? undefined : parseShard(values.shard),
    log: (m) => status.log(m),
    progress: (phase, d, t) => status.progress(phase, d, t),
  };
  const { result, files, shard } = await evaluate(opts);
  if (shard) {
    const last = shard.ics[shard.ics.length - 1];
    const line = `${result.suite.id} ${result.model.name}: shard ${formatShard(shard.shard)}, ` +
      `ICs ${shard.ics[0]}..${last} of ${result.config.ics}; merge with emubench merge`;
    if (values.json) console.log(JSON.stringify({ shard: files.shard, summary: line }));
    else status.log(`${line}\nwrote ${files.shard}`);
    return 0;
  }
  let report: string | undefined;
  if (!values["no-report"]) {
    report = join(outDir, "report.html");
    await writeReport(report, [result]);
  }
  if (values.json) {
    console.log(JSON.stringify({ ...files, report, summary: summaryLine(result) }));
  } else {
    status.log(summaryLine(result));
    for (const f of [files.result, report, files.pred, files.ref]) if (f) status.log(`wrote ${f}`);
  }
  return 0;
}

async function cmdStability(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      suite: { type: "string" },
      model: { type: "string" },
      tier: { type: "string" },
      horizon: { type: "string" },
      ics: { type: "string" },
      seed: { type: "string" },
      backend: { type: "string" },
      batch: { type: "string" },
      "checkpoint-every": { type: "string" },
      "spectra-every": { type: "string" },
      "energy-stats": { type: "string" },
      "device-energy": { type: "string" },
      out: { type: "string" },
      json: { type: "boolean" },
    },
  });
  const deviceEnergy = choiceFlag(values["device-energy"], "--device-energy", [
    "auto",
    "on",
    "off",
  ]);
  const { suite, model } = suiteAndModel(values);
  let energyStats: { mean: number; std: number } | undefined;
  if (values["energy-stats"] !== undefined) {
    const parts = values["energy-stats"].split(",").map(Number);
    if (parts.length !== 2 || !parts.every(Number.isFinite) || parts[1] < 0) {
      throw new ValueRangeError({
        field: "--energy-stats",
        expected: "MEAN,STD (finite numbers, STD ≥ 0)",
        found: JSON.stringify(values["energy-stats"]),
      });
    }
    energyStats = { mean: parts[0], std: parts[1] };
  }
  const status = new Status(values.json);
  const outDir = values.out ?? join("out", suite, `${slug(model)}-stability`);
  const run = await runStability({
    suite,
    model,
    tier: values.tier as TierName | undefined,
    horizon: intFlag(values.horizon, "--horizon"),
    ics: intFlag(values.ics, "--ics"),
    seed: intFlag(values.seed, "--seed"),
    backend: values.backend as BackendChoice | undefined,
    batch: intFlag(values.batch, "--batch"),
    checkpointEvery: intFlag(values["checkpoint-every"], "--checkpoint-every"),
    spectraEvery: intFlag(values["spectra-every"], "--spectra-every"),
    energyStats,
    deviceEnergy,
    outDir,
    log: (m) => status.log(m),
    progress: (d, t) => status.progress("stability", d, t),
  });
  const r = run.result;
  const rate = r.rows.find((x) => x.metric === "stability_rate")!;
  const lo = r.rows.find((x) => x.metric === "stability_rate_lower")!;
  const hi = r.rows.find((x) => x.metric === "stability_rate_upper")!;
  const line = `${r.suite.id} ${r.model.name}: stable to step ${r.config.steps}: ${
    Math.round(rate.value! * r.config.ics)
  }/${r.config.ics} (${rate.value!.toFixed(3)}, Wilson 95% [${lo.value!.toFixed(3)}, ${
    hi.value!.toFixed(3)
  }]), ${Math.round(r.timings.stepsPerSecond)} IC-steps/s on ${r.environment.backend}, ${
    (100 * run.outsideModelShare).toFixed(1)
  }% of the time outside the model${run.resumed ? " (resumed from a checkpoint)" : ""}`;
  if (values.json) {
    console.log(JSON.stringify({
      result: run.files.result,
      summary: line,
      outsideModelShare: run.outsideModelShare,
      resumed: run.resumed,
    }));
  } else {
    status.log(line);
    if (run.files.result) status.log(`wrote ${run.files.result}`);
  }
  return 0;
}

async function cmdMerge(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      out: { type: "string" },
      "no-report": { type: "boolean" },
      json: { type: "boolean" },
    },
  });
  if (positionals.length === 0) {
    throw new ValueRangeError({
      field: "merge",
      expected: "shard files (shard-K-of-N.json) or directories holding them",
      found: "none",
    });
  }
  const shards = await readShards(positionals);
  const result = mergeShards(shards);
  const outDir = values.out ?? dirname(shards[0].file);
  const file = join(outDir, "result.json");
  await writeFileAtomic(file, JSON.stringify(result, null, 1));
  let report: string | undefined;
  if (!values["no-report"]) {
    report = join(outDir, "report.html");
    await writeReport(report, [result]);
  }
  if (values.json) {
    console.log(JSON.stringify({ result: file, report, summary: summaryLine(result) }));
  } else {
    console.error(`merged ${shards.length} shards: ${summaryLine(result)}`);
    for (const f of [file, report]) if (f) console.error(`wrote ${f}`);
  }
  return 0;
}

async function cmdDemo(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      tier: { type: "string", default: "standard" },
      backend: { type: "string" },
      out: { type: "string", default: join("out", "demo") },
    },
  });
  const status = new Status();
  const suites = ["convection1d", "burgers1d"];
  const written: string[] = [];
  for (const suiteId of suites) {
    const results: Result[] = [];
    for (const b of listBaselines().filter((x) => x.inDemo && x.suites.includes(suiteId))) {
      const model = `baseline:${b.id}`;
      status.log(`== ${suiteId} · ${model}`);
      const { result } = await evaluate({
        suite: suiteId,
        model,
        tier: values.tier as TierName,
        backend: values.backend as BackendChoice | undefined,
        outDir: join(values.out, suiteId, b.id),
        log: (m) => status.log(`   ${m}`),
        progress: (phase, d, t) => status.progress(`   ${phase}`, d, t),
      });
      status.log(`   ${summaryLine(result)}`);
      await writeReport(join(values.out, suiteId, b.id, "report.html"), [result]);
      results.push(result);
    }
    const page = join(values.out, `${suiteId}.html`);
    await writeReport(page, results);
    written.push(page);
  }
  for (const w of written) status.log(`wrote ${w}`);
  return 0;
}

async function cmdReport(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { out: { type: "string" } },
  });
  if (positionals.length === 0) {
    throw new ValueRangeError({
      field: "report",
      expected: "one or more result.json files",
      found: "none",
    });
  }
  const results = [];
  for (const p of positionals) results.push(await readResult(p));
  const out = values.out ??
    (positionals.length === 1 ? positionals[0].replace(/\.json$/, "") + ".html" : "report.html");
  await writeReport(out, results);
  console.error(`wrote ${out}`);
  return 0;
}

async function cmdGate(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      baseline: { type: "string" },
      candidate: { type: "string" },
      rules: { type: "string" },
      json: { type: "boolean" },
    },
  });
  for (const k of ["baseline", "candidate"] as const) {
    if (!values[k]) {
      throw new ValueRangeError({
        field: `--${k}`,
        expected: "a result.json file",
        found: "nothing",
      });
    }
  }
  const baseline = await readCheckedResult(values.baseline!);
  const candidate = await readCheckedResult(values.candidate!);
  const outcome = gate(
    baseline,
    candidate,
    values.rules ? await readGateRules(values.rules) : undefined,
  );
  console.log(values.json ? JSON.stringify(outcome, null, 1) : outcome.markdown);
  return outcome.pass ? 0 : 1;
}

async function cmdLeaderboard(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { out: { type: "string" }, json: { type: "boolean" } },
  });
  if (positionals.length !== 1) {
    throw new ValueRangeError({
      field: "leaderboard",
      expected: "one results directory",
      found: `${positionals.length}`,
    });
  }
  if (!values.out) {
    throw new ValueRangeError({ field: "--out", expected: "a site directory", found: "nothing" });
  }
  const site = await buildLeaderboard(positionals[0], values.out, { log: (m) => console.error(m) });
  if (values.json) {
    console.log(
      JSON.stringify({ index: site.index, pages: site.pages, skipped: site.skipped }, null, 1),
    );
  }
  return 0;
}

async function cmdSubmissions(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      results: { type: "string" },
      tier: { type: "string" },
      backend: { type: "string" },
      json: { type: "boolean" },
    },
  });
  if (positionals.length !== 1) {
    throw new ValueRangeError({
      field: "submissions",
      expected: "one directory of submissions",
      found: `${positionals.length}`,
    });
  }
  if (!values.results) {
    throw new ValueRangeError({
      field: "--results",
      expected: "a results directory",
      found: "nothing",
    });
  }
  const status = new Status(values.json);
  const outcomes = await evaluateSubmissions(positionals[0], {
    resultsDir: values.results,
    tier: values.tier as TierName | undefined,
    backend: values.backend as BackendChoice | undefined,
    log: (m) => status.log(m),
    progress: (phase, d, t) => status.progress(`  ${phase}`, d, t),
  });
  if (values.json) console.log(JSON.stringify(outcomes, null, 1));
  const count = (s: string) => outcomes.filter((o) => o.status === s).length;
  status.log(
    `${count("evaluated")} evaluated, ${count("current")} current, ${count("failed")} failed`,
  );
  return outcomes.some((o) => o.internal) ? 3 : count("failed") > 0 ? 2 : 0;
}

function cmdList(args: string[]): number {
  const { values } = parseArgs({ args, options: { json: { type: "boolean" } } });
  const suites = listSuites().map((s) => ({
    id: s.id,
    version: s.version,
    title: s.title,
    tiers: s.tiers,
    baselines: listBaselines().filter((b) => b.suites.includes(s.id)).map((b) => b.id),
  }));
  if (values.json) {
    console.log(JSON.stringify(suites, null, 1));
    return 0;
  }
  for (const s of suites) {
    console.log(`${s.id} v${s.version}: ${s.title}`);
    for (const [t, v] of Object.entries(s.tiers)) {
      console.log(`  tier ${t}: ${v.ics} ICs × ${v.steps} steps`);
    }
    console.log(`  baselines: ${s.baselines.join(", ")}`);
  }
  return 0;
}

async function cmdValidate(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      suite: { type: "string" },
      backend: { type: "string" },
      task: { type: "string" },
      json: { type: "boolean" },
    },
  });
  const task = choiceFlag(values.task, "--task", TASKS);
  if (positionals.length !== 1) {
    throw new ValueRangeError({
      field: "validate",
      expected: "exactly one model path",
      found: `${positionals.length}`,
    });
  }
  const report = await validateModel(positionals[0], {
    suite: values.suite,
    backend: values.backend as BackendChoice | undefined,
    task,
  });
  if (values.json) console.log(JSON.stringify(report, null, 1));
  else console.log(report.text);
  return report.ok ? 0 : 2;
}

/** Run the CLI with `args`; returns the exit code. */
export async function main(args: string[]): Promise<number> {
  const [cmd, ...rest] = args;
  try {
    switch (cmd) {
      case "run":
        return await cmdRun(rest);
      case "merge":
        return await cmdMerge(rest);
      case "stability":
        return await cmdStability(rest);
      case "demo":
        return await cmdDemo(rest);
      case "report":
        return await cmdReport(rest);
      case "list":
        return cmdList(rest);
      case "validate":
        return await cmdValidate(rest);
      case "gate":
        return await cmdGate(rest);
      case "leaderboard":
        return await cmdLeaderboard(rest);
      case "submissions":
        return await cmdSubmissions(rest);
      case undefined:
      case "help":
      case "--help":
      case "-h":
        console.log(HELP);
        return 0;
      case "--version":
        console.log(EMUBENCH_VERSION);
        return 0;
      default:
        console.error(
          `emubench: unknown command "${cmd}"; expected one of list, validate, run, stability, merge, report, gate, leaderboard, submissions, demo\n\n${HELP}`,
        );
        return 2;
    }
  } catch (e) {
    // node:util parseArgs reports unknown flags with this code.
    const code = (e as { code?: string }).code;
    if (
      isInputError(e) || code === "ERR_PARSE_ARGS_UNKNOWN_OPTION" ||
      code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE"
    ) {
      console.error(`emubench: ${(e as Error).message}`);
      return 2;
    }
    console.error(`emubench: internal error: ${(e as Error).stack ?? e}`);
    return 3;
  }
}

if (import.meta.main) {
  Deno.addSignalListener("SIGINT", () => {
    console.error("\nemubench: interrupted; no partial files were written");
    Deno.exit(130);
  });
  Deno.exit(await main(Deno.args));
}

/**
 * Pieces the commands share: the common flag declarations, checks of suite and model names with
 * "did you mean", and the one-line summary of a result.
 *
 * @example
 * ```ts
 * import { slug } from "./common.ts";
 * if (slug("baseline:coarse_solver") !== "coarse_solver") throw new Error("slug");
 * ```
 * @module
 */
import { listSuites } from "../../suites/mod.ts";
import { listBaselines } from "../../baselines/mod.ts";
import { BACKEND_CHOICES } from "../onnx/backend.ts";
import { ValueRangeError } from "../core/errors.ts";
import type { Result } from "../results/schema.ts";
import { divergenceText } from "../results/divergence.ts";
import { defaultCacheDir } from "../data/reference_cache.ts";
import { checkChoice, type FlagSpec, userPath } from "./flags.ts";

/** Suite ids, for `--suite` choices. */
export function suiteIds(): string[] {
  return listSuites().map((s) => s.id);
}

/** Flags several commands share, declared once. */
export const FLAG = {
  suite: {
    type: "string",
    value: "S",
    meaning: "suite id (emubench list shows them)",
    choices: suiteIds,
    required: true,
  },
  model: {
    type: "string",
    value: "M",
    meaning: "an .onnx file, a model directory with emulator.json, or baseline:NAME",
    required: true,
  },
  tier: {
    type: "string",
    value: "T",
    meaning: "size of the run: smoke (seconds), standard, paper (where the suite has it)",
    choices: ["smoke", "standard", "paper"],
    defaultText: "standard",
  },
  backend: {
    type: "string",
    value: "B",
    meaning:
      "ONNX Runtime backend; auto picks webgpu on a hardware adapter, else native, else wasm",
    choices: BACKEND_CHOICES,
    defaultText: "auto",
  },
  ics: { type: "int", meaning: "number of initial conditions", defaultText: "the tier's" },
  steps: { type: "int", meaning: "number of model steps per IC", defaultText: "the tier's" },
  seed: { type: "int", meaning: "seed of the initial conditions", defaultText: "the suite's" },
  batch: { type: "int", meaning: "largest batch of ICs per model call", defaultText: "32" },
  data: {
    type: "path",
    value: "FILE",
    meaning: "read ICs and reference from a .npy, HDF5 or Zarr file instead of the solver",
  },
  json: { type: "boolean", meaning: "print a machine-readable summary on stdout" },
  cache: {
    type: "path",
    value: "DIR",
    meaning: "reference cache directory (references and spun-up ICs, verified by hash on reuse)",
    defaultText: "$EMUBENCH_CACHE, else $XDG_CACHE_HOME/emubench, else ~/.cache/emubench",
  },
  noReport: { type: "boolean", meaning: "do not write report.html" },
} as const satisfies Record<string, FlagSpec>;

/**
 * Run `fn` with the reference cache directory the user chose: `--cache DIR`, else
 * `$EMUBENCH_CACHE` (a relative value is taken from the user's directory, like a flag), else the
 * user's cache directory ({@link defaultCacheDir}). While `fn` runs, `EMUBENCH_CACHE` names the
 * same directory, so caches the suites keep themselves (spun-up ICs) land there too.
 */
export async function withCacheDir<T>(
  flag: string | undefined,
  fn: (cacheDir: string) => Promise<T>,
): Promise<T> {
  const env = Deno.env.get("EMUBENCH_CACHE");
  const dir = flag ?? (env ? userPath(env) : defaultCacheDir());
  if (dir === env) return await fn(dir);
  Deno.env.set("EMUBENCH_CACHE", dir);
  try {
    return await fn(dir);
  } finally {
    if (env === undefined) Deno.env.delete("EMUBENCH_CACHE");
    else Deno.env.set("EMUBENCH_CACHE", env);
  }
}

/** `s` with `baseline:` dropped and anything unsafe in a file name replaced. */
export function slug(s: string): string {
  return s.replace(/^baseline:/, "").replace(/[^A-Za-z0-9._-]+/g, "_").slice(0, 80) || "model";
}

/**
 * The `--model` value as the tasks take it: `baseline:NAME` checked against the suite (with "did
 * you mean"), a path resolved against the user's directory ({@link userPath}).
 */
export function modelSpec(model: string, suite: string | undefined): string {
  if (model.startsWith("baseline:")) {
    checkModelName(model, suite);
    return model;
  }
  return userPath(model);
}

/**
 * Check a `baseline:NAME` model for a suite before any work, with "did you mean" for typos.
 * Other model specs are paths and are checked when loaded.
 */
export function checkModelName(model: string, suite: string | undefined): void {
  if (!model.startsWith("baseline:")) return;
  const name = model.slice("baseline:".length);
  const all = listBaselines();
  checkChoice(name, all.map((b) => b.id), "--model baseline", "one of ");
  const b = all.find((x) => x.id === name)!;
  if (suite !== undefined && !b.suites.includes(suite)) {
    const here = all.filter((x) => x.suites.includes(suite)).map((x) => `baseline:${x.id}`);
    throw new ValueRangeError({
      field: `--model ${model}`,
      expected: `a baseline of ${suite} (${here.join(", ")})`,
      found: `a baseline of ${b.suites.join(", ")}`,
    });
  }
}

/**
 * One line: the suite's headline metric per field at the first scored step (1, or k for a
 * `history: k` model) and the horizon, divergence (NaN/Inf and bound apart), speed.
 */
export function summaryLine(r: Result): string {
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
  // The first scored step: a history-k model predicts from step k (its first k are given).
  const first = Math.max(1, Math.min(r.model.history ?? 1, last));
  const fields = r.suite.fields.map((f) =>
    `${r.suite.fields.length > 1 ? `${f} ` : ""}${metric}@${first} ${fmt(at(f, first))}, @${last} ${
      fmt(at(f, last))
    }`
  );
  return `${r.suite.id} ${r.model.name}: ${fields.join("; ")}; diverged ${
    divergenceText(r.divergence)
  }, ${Math.round(r.timings.stepsPerSecond)} IC-steps/s on ${r.environment.backend}`;
}

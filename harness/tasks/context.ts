/**
 * What the tasks (forecast, stability, reconstruct, shard/merge) share: the suite (by id or
 * object), tier and seed; the model (`baseline:NAME` or a path), its plan and its one hash; the
 * result header; and the suite's trackers for a run and for a merge (one function, so merged
 * shards equal unsharded runs by construction).
 *
 * @example
 * ```ts
 * import { resolveSuite, suiteTrackers } from "./context.ts";
 * const suite = resolveSuite("burgers1d"); // a registered id, or a Suite object as given
 * const t = suiteTrackers(suite, { ics: 2, steps: 3, history: 1, summarySteps: [3], seed: 1 });
 * if (t.keys[0] !== "scorer") throw new Error(t.keys.join());
 * ```
 * @module
 */
import { gridShape, type Suite, type TierName } from "../../suites/common/types.ts";
import { getSuite } from "../../suites/mod.ts";
import { getBaseline } from "../../baselines/mod.ts";
import type { Backend } from "../onnx/backend.ts";
import { ShapeError, ValueRangeError } from "../core/errors.ts";
import { sha256Hex } from "../core/hash.ts";
import { loadModel, type ModelSource } from "../model/manifest.ts";
import { type ModelBytes, modelFromBytes } from "../model/bytes.ts";
import { formatProblems, type ModelPlan, planModel, suiteSpec } from "../model/plan.ts";
import { modelHash } from "../results/check.ts";
import { type Result, RESULT_SCHEMA } from "../results/schema.ts";
import { DEFAULT_SPECTRUM_LABEL } from "../results/io.ts";
import { environment, type RuntimeRecord } from "./environment.ts";

// The run's trackers live in their own small module, which the scoring worker loads without the
// model, backend and result code this one needs.
export { suiteTrackers, type TrackedRun } from "./suite_trackers.ts";

/**
 * A registered suite by id, or a `Suite` object as given (e.g. a user-defined suite).
 *
 * @example
 * ```ts
 * import { resolveSuite } from "./context.ts";
 * if (resolveSuite("burgers1d").id !== "burgers1d") throw new Error();
 * ```
 */
export function resolveSuite(suite: string | Suite): Suite {
  return typeof suite === "string" ? getSuite(suite) : suite;
}

/**
 * The header every result starts with (SPEC §5), in this key order: `schema`, `task` (for
 * non-forecast tasks), the task's own block (e.g. `reconstruct`), `created`, `suite` (at
 * `tier`), `model`, `config`, `environment` (of `backend`).
 */
export async function resultHeader(o: {
  suite: Suite;
  tier: string;
  model: Result["model"];
  config: Result["config"];
  backend: Backend;
  task?: Result["task"];
  taskBlock?: Pick<Result, "reconstruct">;
  /** What ran the evaluation (default: this Deno). */
  runtime?: RuntimeRecord;
}): Promise<
  Pick<
    Result,
    "schema" | "task" | "created" | "suite" | "model" | "config" | "environment" | "reconstruct"
  >
> {
  return {
    schema: RESULT_SCHEMA,
    ...(o.task ? { task: o.task } : {}),
    ...o.taskBlock,
    created: new Date().toISOString(),
    suite: suiteBlock(o.suite, o.tier),
    model: o.model,
    config: o.config,
    environment: await environment(o.backend, o.runtime),
  };
}

/**
 * Resolve `baseline:NAME`, a path, or a model given as bytes (`harness/model/bytes.ts`) into a
 * model for `suite`.
 */
export async function resolveModel(spec: string | ModelBytes, suite: Suite): Promise<ModelSource> {
  if (typeof spec !== "string") {
    return checkModelSuite(spec.name, modelFromBytes(spec, suite.id), suite);
  }
  if (spec.startsWith("baseline:")) return await getBaseline(spec.slice(9), suite.id).build(suite);
  return checkModelSuite(spec, await loadModel(spec, suite.id), suite);
}

/**
 * `model` when its manifest names `suite`; else `ValueRangeError` naming `spec/emulator.json`.
 *
 * @example
 * ```ts
 * import { checkModelSuite } from "./context.ts";
 * import { getSuite } from "../../suites/mod.ts";
 * const m = { manifest: { suite: "burgers1d" } };
 * if (checkModelSuite("m", m, getSuite("burgers1d")) !== m) throw new Error("same model");
 * let threw = false;
 * try { checkModelSuite("m", m, getSuite("era5")); } catch { threw = true; }
 * if (!threw) throw new Error("another suite");
 * ```
 */
export function checkModelSuite<M extends { manifest: { suite: string } }>(
  spec: string,
  model: M,
  suite: Pick<Suite, "id">,
): M {
  if (model.manifest.suite !== suite.id) {
    throw new ValueRangeError({
      file: `${spec}/emulator.json`,
      field: "suite",
      expected: `"${suite.id}" (the suite asked for with --suite)`,
      found: `"${model.manifest.suite}"`,
    });
  }
  return model;
}

/** Validate `model` against `suite`, throwing one error that lists every problem. */
export function planOrThrow(model: ModelSource, suite: Suite): ModelPlan {
  const { plan, problems } = planModel(model, suiteSpec(suite));
  if (!plan) {
    throw new ShapeError({
      file: model.origin,
      expected: `a model that fits suite ${suite.id} (state [B, ${suite.fields.length}, ${
        gridShape(suite.grid).join(", ")
      }])`,
      found: `${problems.length} problem${problems.length === 1 ? "" : "s"}:\n${
        formatProblems(problems)
      }`,
    });
  }
  return plan;
}

/**
 * Hash every file of a model (the manifest, when read from disk, and every graph): the files
 * sorted by path with their sha256 and size, and the model hash over them
 * (`harness/results/check.ts` `modelHash`, which result checks recompute). The one model hash
 * of forecast, stability, reconstruct and shard results.
 *
 * @example
 * ```ts
 * import { hashModelFiles } from "./context.ts";
 * const bytes = new Uint8Array([1, 2]);
 * const graphs = { b: { path: "b.onnx", bytes }, a: { path: "a.onnx", bytes } };
 * const h = await hashModelFiles({ graphs });
 * if (h.files.map((f) => f.path).join() !== "a.onnx,b.onnx" || h.sha256.length !== 64) {
 *   throw new Error();
 * }
 * ```
 */
export async function hashModelFiles(model: {
  readonly manifestFile?: { readonly path: string; readonly bytes: Uint8Array };
  readonly graphs: Readonly<
    Record<string, { readonly path: string; readonly bytes: Uint8Array } | undefined>
  >;
}): Promise<{ files: Result["model"]["files"]; sha256: string }> {
  const all = [model.manifestFile, ...Object.values(model.graphs)];
  const files = [];
  for (const f of all) {
    if (f) files.push({ path: f.path, sha256: await sha256Hex(f.bytes), bytes: f.bytes.length });
  }
  files.sort((a, b) => a.path.localeCompare(b.path));
  return { files, sha256: modelHash(files) };
}

/** The files of {@link hashModelFiles} alone (what `modelHash` hashes). */
export async function hashModel(model: ModelSource): Promise<Result["model"]["files"]> {
  return (await hashModelFiles(model)).files;
}

/**
 * The tier and seed a run of `suite` uses: `tier` (default `standard`) must be one of the
 * suite's, `seed` (default the suite's) a non-negative safe integer; `ValueRangeError` naming the
 * CLI flag otherwise. Shared by `evaluate`, the stability and the reconstruct tasks.
 *
 * @example
 * ```ts
 * import { tierAndSeed } from "./context.ts";
 * import { getSuite } from "../../suites/mod.ts";
 * const { tier, seed } = tierAndSeed(getSuite("burgers1d"), "smoke", undefined);
 * if (tier.ics !== 4 || seed !== getSuite("burgers1d").seed) throw new Error("defaults");
 * ```
 */
export function tierAndSeed(
  suite: Suite,
  tierName: TierName | undefined,
  seed: number | undefined,
): { tierName: TierName; tier: Suite["tiers"]["standard"]; seed: number } {
  const name: TierName = tierName ?? "standard";
  const tier = suite.tiers[name];
  if (!tier) {
    throw new ValueRangeError({
      field: "--tier",
      expected: `one of ${Object.keys(suite.tiers).join(", ")} for ${suite.id}`,
      found: JSON.stringify(name),
    });
  }
  const s = seed ?? suite.seed;
  if (!Number.isSafeInteger(s) || s < 0) {
    throw new ValueRangeError({
      field: "--seed",
      expected: "a non-negative integer",
      found: String(s),
    });
  }
  return { tierName: name, tier, seed: s };
}

/**
 * The `suite` block of a result (SPEC §5) for a run of `suite` at `tier`, with what reports need
 * to draw it without the suite registry: the grid, the names of the spectrum rows
 * (`Suite.spectrumLabel`, default energy spectrum) and the energy definition.
 *
 * @example
 * ```ts
 * import { suiteBlock } from "./context.ts";
 * import { getSuite } from "../../suites/mod.ts";
 * const b = suiteBlock(getSuite("era5"), "smoke");
 * if (b.grid?.kind !== "healpix" || b.spectrum?.x !== "degree ℓ") throw new Error();
 * ```
 */
export function suiteBlock(suite: Suite, tier: string): Result["suite"] {
  return {
    id: suite.id,
    version: suite.version,
    tier,
    title: suite.title,
    fields: [...suite.fields],
    dt: suite.dt,
    grid: { ...suite.grid },
    spectrum: { ...(suite.spectrumLabel ?? DEFAULT_SPECTRUM_LABEL) },
    ...(suite.energyDefinition ? { energy: suite.energyDefinition } : {}),
    ...(suite.fieldUnits ? { units: { ...suite.fieldUnits } } : {}),
  };
}

/** The `model` block of a result (SPEC §5) for a forecast model and its validated plan. */
export function modelBlock(
  model: ModelSource,
  plan: ModelPlan,
  files: Result["model"]["files"],
  sha256: string,
): Result["model"] {
  return {
    name: model.manifest.name,
    kind: model.kind,
    description: model.manifest.description,
    authors: model.manifest.authors,
    files,
    sha256,
    form: plan.form,
    history: plan.history,
    carry: plan.step.carry.map(([i]) => i),
  };
}

/**
 * The private test seed from `EMUBENCH_TEST_SEED`, if set (an integer); `undefined` otherwise.
 * @throws {ValueRangeError} the variable is set but not an integer.
 */
export function privateTestSeed(): number | undefined {
  let text: string | undefined;
  try {
    text = Deno.env.get("EMUBENCH_TEST_SEED");
  } catch {
    return undefined; // no --allow-env: no private seed
  }
  if (text === undefined || text === "") return undefined;
  const v = Number(text);
  if (!Number.isSafeInteger(v)) {
    throw new ValueRangeError({
      field: "EMUBENCH_TEST_SEED",
      expected: "an integer",
      found: JSON.stringify(text.slice(0, 40)),
    });
  }
  return v;
}

/**
 * SHA-256 of a private test seed's decimal text: what results and generated files record instead
 * of the seed.
 *
 * @example
 * ```ts
 * import { privateSeedHash } from "./context.ts";
 * if ((await privateSeedHash(7)).length !== 64) throw new Error("hex digest");
 * ```
 */
export async function privateSeedHash(seed: number): Promise<string> {
  return await sha256Hex(new TextEncoder().encode(String(seed)));
}

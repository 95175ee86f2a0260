/**
 * `emubench validate`: explain whether a model fits a suite, statically (names, ranks, shapes,
 * dtypes, dynamic axes, opset of every graph) and then by a dry run of two steps on two ICs,
 * which catches what static shapes cannot (wrong output sizes behind dynamic dims, NaN).
 * Autoencoders (`{encode, decode}` without `step`, the `reconstruct` task) are validated by a
 * dry reconstruction of two samples (`harness/tasks/reconstruct.ts`), which checks the graphs, the
 * shapes they produce and the compression ratio.
 * @module
 */
import { getSuite } from "../../suites/mod.ts";
import { gridShape } from "../../suites/common/types.ts";
import { type BackendChoice, openBackend } from "../onnx/backend.ts";
import { isInputError, ValueRangeError } from "../core/errors.ts";
import { loadAutoencoder, loadModel, type ManifestTask } from "../model/manifest.ts";
import { join } from "node:path";
import { evaluateReconstruction } from "./reconstruct.ts";
import { formatDims } from "../onnx/inspect.ts";
import { closeSessions, openSessions, rollout } from "../model/rollout.ts";
import { formatProblems, planModel, type Problem, suiteSpec } from "../model/plan.ts";

/** The outcome of validation. */
export interface ValidationReport {
  ok: boolean;
  model: string;
  suite: string;
  problems: Problem[];
  /** Dry-run outcome, absent when static checks failed. */
  dryRun?: { backend: string; ok: boolean; message: string };
  /** Human-readable explanation. */
  text: string;
}

/**
 * The task a model directory is for: `reconstruct` when its `emulator.json` names `encode` and
 * `decode` graphs but no `step`, else `forecast` (also for a bare `.onnx` or an unreadable
 * manifest, whose errors `loadModel` then reports).
 */
async function detectTask(path: string): Promise<ManifestTask> {
  try {
    const dir = path.endsWith("emulator.json") ? path.slice(0, -"emulator.json".length) : path;
    const json = JSON.parse(await Deno.readTextFile(join(dir, "emulator.json")));
    const g = json?.graphs;
    return g && typeof g === "object" && "encode" in g && "decode" in g && !("step" in g)
      ? "reconstruct"
      : "forecast";
  } catch {
    return "forecast";
  }
}

async function validateAutoencoder(
  path: string,
  options: { suite?: string; backend?: BackendChoice },
): Promise<ValidationReport> {
  const model = await loadAutoencoder(path);
  const suite = getSuite(options.suite ?? model.manifest.suite);
  const lines = [
    `model: ${path} (autoencoder: encode ${model.graphs.encode.path}, decode ${model.graphs.decode.path})`,
    `suite: ${suite.id} v${suite.version}, task reconstruct, state [B, ${suite.fields.length}, ${
      gridShape(suite.grid).join(", ")
    }] (fields ${suite.fields.join(", ")})`,
  ];
  const problems: Problem[] = [];
  if (model.manifest.suite !== suite.id) {
    problems.push({
      file: "emulator.json",
      field: "suite",
      expected: `"${suite.id}"`,
      found: `"${model.manifest.suite}"`,
    });
  }
  let dryRun: ValidationReport["dryRun"];
  if (problems.length === 0) {
    try {
      const { result } = await evaluateReconstruction({
        suite: suite.id,
        model: path,
        samples: 2,
        backend: options.backend ?? "auto",
        lmax: 8,
      });
      const bad = result.divergence.filter((d) => d.step !== null).map((d) => d.ic);
      const ratio = result.reconstruct?.compressionRatio;
      dryRun = bad.length > 0
        ? {
          backend: result.environment.backend,
          ok: false,
          message: `sample${bad.length === 1 ? "" : "s"} ${bad.join(", ")} decoded to NaN/Inf`,
        }
        : {
          backend: result.environment.backend,
          ok: true,
          message: `2 samples encoded and decoded; outputs finite; compression ratio ${
            ratio === undefined ? "unknown" : Number(ratio.toPrecision(4))
          }`,
        };
    } catch (e) {
      if (!(e instanceof Error)) throw e;
      dryRun = { backend: options.backend ?? "auto", ok: false, message: e.message };
    }
    lines.push(`dry run on ${dryRun.backend}: ${dryRun.ok ? "ok" : "FAILED"}: ${dryRun.message}`);
  } else {
    lines.push(`${problems.length} problem${problems.length === 1 ? "" : "s"}:`);
    lines.push(formatProblems(problems));
  }
  const ok = problems.length === 0 && (dryRun?.ok ?? false);
  lines.push(
    ok
      ? `OK: the autoencoder fits ${suite.id} (task reconstruct).`
      : `NOT OK: the autoencoder does not fit ${suite.id}.`,
  );
  return { ok, model: path, suite: suite.id, problems, dryRun, text: lines.join("\n") };
}

/**
 * Validate the model at `path` (suite from `emulator.json` or `options.suite`); `task` defaults
 * to what the manifest describes (`{encode, decode}` without `step`: `reconstruct`).
 */
export async function validateModel(
  path: string,
  options: { suite?: string; backend?: BackendChoice; task?: ManifestTask } = {},
): Promise<ValidationReport> {
  if ((options.task ?? await detectTask(path)) === "reconstruct") {
    return await validateAutoencoder(path, options);
  }
  const model = await loadModel(path, options.suite);
  const suiteId = options.suite ?? model.manifest.suite;
  if (!suiteId) {
    throw new ValueRangeError({
      file: path,
      field: "--suite",
      expected: "a suite id (a bare .onnx has no manifest to name one)",
      found: "nothing",
    });
  }
  const suite = getSuite(suiteId);
  const lines: string[] = [];
  const shape = gridShape(suite.grid);
  const problems: Problem[] = [];
  if (model.manifest.suite && model.manifest.suite !== suite.id) {
    problems.push({
      file: "emulator.json",
      field: "suite",
      expected: `"${suite.id}"`,
      found: `"${model.manifest.suite}"`,
    });
  }
  const { plan, problems: p } = planModel(model, suiteSpec(suite));
  problems.push(...p);
  lines.push(
    `model: ${path} (${model.manifestFile ? "directory with emulator.json" : "bare ONNX"})`,
  );
  lines.push(
    `suite: ${suite.id} v${suite.version}, state [B, ${suite.fields.length}, ${
      shape.join(", ")
    }] (fields ${suite.fields.join(", ")})`,
  );
  const graphs = plan?.graphs ?? {};
  for (const [role, g] of Object.entries(graphs)) {
    lines.push(
      `graph ${role}: ${g.file}, opset ${g.opset}, ${g.nodes} nodes${
        g.producer ? `, from ${g.producer}` : ""
      }`,
    );
    for (const t of g.inputs) lines.push(`  input  ${t.name} ${t.elemType} ${formatDims(t.dims)}`);
    for (const t of g.outputs) lines.push(`  output ${t.name} ${t.elemType} ${formatDims(t.dims)}`);
  }
  let dryRun: ValidationReport["dryRun"];
  if (plan && problems.length === 0) {
    lines.push(
      `form: ${plan.form}${
        plan.latent && plan.latent.length > 1
          ? ` (${plan.latent.length} latent tensors: ${plan.latent.map(([i]) => i).join(", ")})`
          : ""
      }, history ${plan.history}, batch ${plan.batch}, dtype ${plan.dtype}${
        plan.step.carry.length
          ? `, carry ${plan.step.carry.map(([i, o]) => `${o}→${i}`).join(", ")}`
          : ""
      }`,
    );
    const backend = await openBackend(options.backend ?? "auto");
    const n = 2, steps = plan.history + 1;
    try {
      const ics = suite.initialConditions(n, suite.seed);
      const reference = suite.reference(ics, n, steps);
      const sessions = await openSessions(backend, model, plan, 2 + shape.length);
      let nonFinite: string | undefined;
      await rollout({
        sessions,
        channels: suite.fields.length,
        shape,
        count: n,
        reference,
        refSteps: steps,
        steps,
        startHours: suite.startHours?.(n, suite.seed),
        observer: {
          step: () => {},
          diverged: (ic, s) => (nonFinite ??= `IC ${ic} produced NaN/Inf at step ${s}`),
        },
      });
      await closeSessions(sessions);
      dryRun = nonFinite ? { backend: backend.name, ok: false, message: nonFinite } : {
        backend: backend.name,
        ok: true,
        message: `${n} ICs × ${steps - plan.history + 1} steps ran; outputs finite`,
      };
    } catch (e) {
      // Model faults (a graph onnxruntime refuses, fails while running, or whose sizes do not
      // fit) arrive as input errors naming the file and the op/tensor; anything else is a bug.
      if (!isInputError(e)) throw e;
      dryRun = { backend: backend.name, ok: false, message: e.message };
    }
    lines.push(`dry run on ${dryRun.backend}: ${dryRun.ok ? "ok" : "FAILED"}: ${dryRun.message}`);
  }
  const ok = problems.length === 0 && (dryRun?.ok ?? false);
  if (problems.length > 0) {
    lines.push(
      `${problems.length} problem${problems.length === 1 ? "" : "s"}:`,
      formatProblems(problems),
    );
  }
  lines.push(
    ok ? `OK: the model fits ${suite.id}.` : `NOT OK: the model does not fit ${suite.id}.`,
  );
  return { ok, model: path, suite: suite.id, problems, dryRun, text: lines.join("\n") };
}

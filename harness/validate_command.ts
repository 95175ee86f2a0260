/**
 * `emubench validate`: explain whether a model fits a suite, statically (names, ranks, shapes,
 * dtypes, dynamic axes, opset of every graph) and then by a dry run of two steps on two ICs,
 * which catches what static shapes cannot (wrong output sizes behind dynamic dims, NaN).
 * @module
 */
import { getSuite } from "../suites/mod.ts";
import { gridShape } from "../suites/types.ts";
import { type BackendChoice, openBackend } from "./backend.ts";
import { isInputError, ValueRangeError } from "./errors.ts";
import { loadModel } from "./model.ts";
import { formatDims } from "./onnx_inspect.ts";
import { closeSessions, openSessions, rollout } from "./rollout.ts";
import { formatProblems, planModel, type Problem } from "./validate.ts";

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

/** Validate the model at `path` (suite from `emulator.json` or `options.suite`). */
export async function validateModel(
  path: string,
  options: { suite?: string; backend?: BackendChoice } = {},
): Promise<ValidationReport> {
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
  const { plan, problems: p } = planModel(model, { fields: suite.fields, shape });
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
      `form: ${plan.form}, history ${plan.history}, batch ${plan.batch}, dtype ${plan.dtype}${
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
      if (!isInputError(e) && !(e instanceof Error)) throw e;
      dryRun = { backend: backend.name, ok: false, message: (e as Error).message };
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

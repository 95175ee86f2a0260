/**
 * emubench's library API: everything the CLI does is a call into these modules.
 *
 * @example
 * ```ts
 * import { evaluate } from "./mod.ts";
 * const { result } = await evaluate({
 *   suite: "convection1d",
 *   model: "baseline:lax_wendroff",
 *   tier: "smoke",
 *   backend: "wasm",
 *   steps: 2,
 *   ics: 1,
 * });
 * if (result.divergence[0].step !== null) throw new Error("Lax–Wendroff is stable");
 * ```
 * @module
 */
export {
  evaluate,
  type EvaluateOptions,
  type Evaluation,
  planOrThrow,
  resolveModel,
} from "./run.ts";
export { validateModel, type ValidationReport } from "./validate_command.ts";
export { loadModel, type Manifest, type ModelSource, parseManifest } from "./model.ts";
export { formatProblems, type ModelPlan, planModel, type Problem } from "./validate.ts";
export { inspectOnnx } from "./onnx_inspect.ts";
export { type Backend, type BackendChoice, openBackend } from "./backend.ts";
export { openSessions, rollout, type RolloutObserver, type RolloutOptions } from "./rollout.ts";
export { type Result, RESULT_SCHEMA } from "./result_schema.ts";
export { readResult, validateResult } from "./result_io.ts";
export { checkResult, readCheckedResult } from "./result_check.ts";
export { gate, type GateOutcome, type GateRules, readGateRules } from "./gate.ts";
export { evaluateSubmissions } from "./submissions.ts";
export { loadDataset } from "./dataset.ts";
export { loadOrGenerateReference } from "./reference_cache.ts";
export { parseNpy, readNpy, writeNpy } from "./npy.ts";
export { readHdf5Tensor } from "./hdf5.ts";
export { FormatError, isInputError, ShapeError, ValueRangeError } from "./errors.ts";

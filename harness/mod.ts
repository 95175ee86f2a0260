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
} from "./tasks/run.ts";
export { validateModel, type ValidationReport } from "./tasks/validate.ts";
export { loadModel, type Manifest, type ModelSource, parseManifest } from "./model/manifest.ts";
export { formatProblems, type ModelPlan, planModel, type Problem } from "./model/plan.ts";
export { inspectOnnx } from "./onnx/inspect.ts";
export { type Backend, type BackendChoice, openBackend } from "./onnx/backend.ts";
export {
  openSessions,
  rollout,
  type RolloutObserver,
  type RolloutOptions,
} from "./model/rollout.ts";
export { type Result, RESULT_SCHEMA } from "./results/schema.ts";
export { readResult, validateResult } from "./results/io.ts";
export { checkResult, readCheckedResult } from "./results/check.ts";
export { gate, type GateOutcome, type GateRules, readGateRules } from "./results/gate.ts";
export { evaluateSubmissions } from "./tasks/submissions.ts";
export { loadDataset } from "./data/dataset.ts";
export { loadOrGenerateReference } from "./data/reference_cache.ts";
export { parseNpy, readNpy, writeNpy } from "./data/npy.ts";
export { readHdf5Tensor } from "./data/hdf5.ts";
export { FormatError, isInputError, ShapeError, ValueRangeError } from "./core/errors.ts";

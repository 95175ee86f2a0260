/**
 * Tasks: what emubench does with a model — `evaluate` (forecast rollouts scored against the
 * reference), `runStability` (long model-only runs), `evaluateReconstruction` (autoencoders),
 * shards and their merge, submission queues and `validateModel`.
 *
 * @example
 * ```ts
 * import { parseShard } from "./mod.ts";
 * const s = parseShard("2/4");
 * if (s.index !== 2 || s.count !== 4) throw new Error();
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
export { runStability, type StabilityOptions, type StabilityRun } from "./stability.ts";
export { evaluateReconstruction, type ReconstructOptions } from "./reconstruct.ts";
export { mergeShards, parseShard, readShards, type ShardSpec } from "./shard.ts";
export { evaluateSubmissions, type SubmissionOptions } from "./submissions.ts";
export { validateModel, type ValidationReport } from "./validate.ts";
export { EMUBENCH_VERSION, environment } from "./environment.ts";

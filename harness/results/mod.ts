/**
 * Results: the result file schema, reading and deep checks of result files, and the CI gate that
 * compares a candidate result with a baseline result.
 *
 * @example
 * ```ts
 * import { RESULT_SCHEMA } from "./mod.ts";
 * if (!RESULT_SCHEMA.startsWith("emubench.result/")) throw new Error();
 * ```
 * @module
 */
export { checkResult, modelHash, readCheckedResult } from "./check.ts";
export { gate, type GateOutcome, type GateRules, parseGateRules, readGateRules } from "./gate.ts";
export {
  DEFAULT_SPECTRUM_LABEL,
  readResult,
  upgradeResult,
  V1_READ_NOTE,
  validateResult,
} from "./io.ts";
export { described } from "./describe.ts";
export { divergenceCounts, divergenceLine, divergenceText } from "./divergence.ts";
export { notComputed, notComputedText } from "./reductions.ts";
export {
  type Divergence,
  type ReductionsRecord,
  type Result,
  RESULT_SCHEMA,
  RESULT_SCHEMA_V1,
  type SpectrumLabel,
} from "./schema.ts";

/**
 * Model: the submitted model as emubench sees it — the `emulator.json` manifest and its graphs
 * (`loadModel`), the plan that matches the graphs to a suite (`planModel`), and the rollout
 * engine that steps it on a backend (`openSessions`, `rollout`).
 *
 * @example
 * ```ts
 * import { parseManifest } from "./mod.ts";
 * const m = parseManifest(
 *   { suite: "burgers1d", graphs: { step: "step.onnx" }, history: 2 },
 *   "emulator.json",
 * );
 * if (m.history !== 2) throw new Error();
 * ```
 * @module
 */
export {
  type GraphFile,
  loadAutoencoder,
  loadModel,
  type Manifest,
  type ModelSource,
  parseManifest,
} from "./manifest.ts";
export { formatProblems, type ModelPlan, planModel, type Problem } from "./plan.ts";
export {
  closeSessions,
  type ModelSessions,
  openSessions,
  rollout,
  type RolloutObserver,
  type RolloutOptions,
} from "./rollout.ts";

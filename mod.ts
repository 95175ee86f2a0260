/**
 * emubench as a library: evaluate ONNX emulators of physical systems against validated reference
 * solvers. The parts: `harness/mod.ts` (tasks, model, backends, data, results), `metrics/mod.ts`
 * (pure metric functions), `suites/mod.ts` (the suite registry), `baselines/mod.ts` and
 * `reports/mod.ts`.
 *
 * @example
 * ```ts
 * import { evaluate, getSuite } from "./mod.ts";
 * const { result } = await evaluate({
 *   suite: getSuite("convection1d"),
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
export * from "./harness/mod.ts";
export * from "./metrics/mod.ts";
export { getSuite, listSuites, type Suite } from "./suites/mod.ts";

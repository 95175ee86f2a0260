/**
 * What a result with device-side reductions (`Result.reductions`, `run --reductions device`) did
 * not compute, in words for reports, the leaderboard and the gate: one text, so that every
 * reader of a result names the same missing metrics.
 *
 * @example
 * ```ts
 * import { notComputed, notComputedText } from "./reductions.ts";
 * const rec = {
 *   where: "device" as const, precision: "float32" as const, backend: "webgpu", note: "",
 *   omitted: [
 *     { family: "scorer", metrics: ["spectrum_error"], because: "needs every spectrum" },
 *     { family: "diagnostics", because: "needs every state" },
 *   ],
 * };
 * if (notComputed(rec).join() !== "spectrum_error,diagnostics") throw new Error();
 * const text = notComputedText(rec);
 * if (text !== "spectrum_error (needs every spectrum); diagnostics (needs every state)") {
 *   throw new Error(text);
 * }
 * ```
 * @module
 */
import type { ReductionsRecord } from "./schema.ts";

/**
 * The names of what `rec` left out, in its order: the metric ids of a partly computed family,
 * the family itself otherwise.
 */
export function notComputed(rec: ReductionsRecord): string[] {
  return rec.omitted.flatMap((o) => o.metrics && o.metrics.length > 0 ? o.metrics : [o.family]);
}

/** {@link notComputed} with the reasons: `"a, b (why); family (why)"`. */
export function notComputedText(rec: ReductionsRecord): string {
  return rec.omitted.map((o) =>
    `${o.metrics && o.metrics.length > 0 ? o.metrics.join(", ") : o.family} (${o.because})`
  ).join("; ");
}

/**
 * Divergence of a result, counted by reason: `nonfinite` (NaN/Inf; also records written before
 * reasons existed) and `bound` (a finite blow-up beyond the suite's `divergenceBound`).
 *
 * @example
 * ```ts
 * import { divergenceCounts, divergenceText } from "./divergence.ts";
 * const d = [
 *   { ic: 0, step: null },
 *   { ic: 1, step: 9, reason: "bound" as const },
 *   { ic: 2, step: 4 },
 * ];
 * const c = divergenceCounts(d);
 * if (c.total !== 2 || c.bound !== 1 || c.nonfinite !== 1) throw new Error(JSON.stringify(c));
 * if (divergenceText(d) !== "2/3 (1 NaN/Inf, 1 beyond bound)") throw new Error(divergenceText(d));
 * ```
 * @module
 */
import type { Divergence } from "./schema.ts";

/** Diverged ICs of `divergence`, in total and by reason. */
export function divergenceCounts(
  divergence: readonly Divergence[],
): { total: number; nonfinite: number; bound: number } {
  let nonfinite = 0, bound = 0;
  for (const d of divergence) {
    if (d.step === null) continue;
    if (d.reason === "bound") bound++;
    else nonfinite++;
  }
  return { total: nonfinite + bound, nonfinite, bound };
}

/** `"k/N"` diverged, with the split by reason where any diverged: `"3/32 (1 NaN/Inf, 2 beyond bound)"`. */
export function divergenceText(divergence: readonly Divergence[]): string {
  const c = divergenceCounts(divergence);
  const head = `${c.total}/${divergence.length}`;
  return c.total === 0 ? head : `${head} (${c.nonfinite} NaN/Inf, ${c.bound} beyond bound)`;
}

/** How one IC diverged, for lists: "first NaN/Inf at step 7" or "left the bound at step 9: …". */
export function divergenceLine(d: Divergence): string {
  if (d.step === null) return "finite and within bounds";
  return d.reason === "bound"
    ? `left the suite's bound at step ${d.step}${d.detail ? `: ${d.detail}` : ""}`
    : `first NaN/Inf at step ${d.step}`;
}

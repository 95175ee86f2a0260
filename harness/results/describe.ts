/**
 * Results describe themselves: {@link described} adds the catalogue of a result's metric ids
 * (`metrics/catalogue.ts`, with the suite's declarations over the generic entries) before a
 * task writes the result.
 * @module
 */
import {
  buildCatalogue,
  type CatalogueSection,
  type MetricOverride,
} from "../../metrics/catalogue.ts";
import type { Result } from "./schema.ts";

/**
 * `result` with its `catalogue`: the meaning of every metric id of its rows, from the generic
 * catalogue (`metrics/catalogue.ts`) and the catalogues of `suite`'s own tracker families, with
 * `suite`'s metric declarations over it. Every task
 * passes its result through this before writing it.
 *
 * @example
 * ```ts
 * import { described } from "./describe.ts";
 * import type { Result } from "./schema.ts";
 * const suite = { metrics: [{ id: "rmse", higherIsBetter: false, description: "RMSE of t" }] };
 * const r = described(suite, {
 *   rows: [
 *     { metric: "wb2_acc", field: "t", step: 1, value: 0.9 },
 *     { metric: "rmse", field: "t", step: 1, value: 1.5 },
 *   ],
 * } as unknown as Omit<Result, "catalogue">);
 * if (r.catalogue.wb2_acc.direction !== "higher" || r.catalogue.rmse.description !== "RMSE of t") {
 *   throw new Error(JSON.stringify(r.catalogue));
 * }
 * ```
 */
export function described(
  suite: {
    readonly metrics: readonly MetricOverride[];
    readonly trackers?: readonly { readonly catalogue?: CatalogueSection }[];
  },
  result: Omit<Result, "catalogue">,
): Result {
  return {
    ...result,
    catalogue: buildCatalogue(
      result.rows.map((r) => r.metric),
      suite.metrics,
      suite.trackers?.map((f) => f.catalogue),
    ),
  };
}

/**
 * The metric families of a forecast run, in row order (`metrics/tracker.ts`): a new family for
 * every suite is one line here; a family of one suite goes in its `Suite.trackers`, which come
 * after the physics diagnostics. The anchors' metrics (`anchors_tracker.ts`) come last, so
 * that the rows of the older families keep their order.
 *
 * @example
 * ```ts
 * import { forecastFamilies } from "./trackers.ts";
 * const keys = forecastFamilies([]).map((f) => f.key);
 * if (keys.join() !== "scorer,diagnostics,stability,temporal,temporal_scalars,anchors") throw new Error();
 * ```
 * @module
 */
import type { TrackerContext, TrackerFamily } from "./tracker.ts";
import { SCORER_FAMILY } from "./scorer.ts";
import { DIAGNOSTICS_FAMILY } from "./diagnostics.ts";
import { STABILITY_FAMILY } from "./stability.ts";
import { SCALAR_TEMPORAL_FAMILY, TEMPORAL_FAMILY } from "./temporal.ts";
import { ANCHORS_FAMILY } from "./anchors_tracker.ts";

/** The families of a forecast run: the built-in ones with `suiteFamilies` after diagnostics. */
export function forecastFamilies<C extends TrackerContext>(
  suiteFamilies: readonly TrackerFamily<C>[],
): TrackerFamily<C>[] {
  return [
    SCORER_FAMILY,
    DIAGNOSTICS_FAMILY,
    ...suiteFamilies,
    STABILITY_FAMILY,
    TEMPORAL_FAMILY,
    SCALAR_TEMPORAL_FAMILY,
    ANCHORS_FAMILY,
  ];
}

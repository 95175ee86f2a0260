/**
 * What a metric id means (direction, label, units, family), and how a metric family declares
 * the ids it emits: a {@link CatalogueSection} of exact ids and/or a pattern, set on its
 * `TrackerFamily.catalogue` (`metrics/tracker.ts`). `metrics/catalogue.ts` puts the sections
 * together.
 *
 * @example
 * ```ts
 * import { describeIn, metricInfo, type CatalogueSection } from "./metric_info.ts";
 * const section: CatalogueSection = {
 *   exact: { max_error: metricInfo("lower", "max error", "field units", "toy", "max |p − y|") },
 *   pattern: (id) => id.startsWith("toy_") ? metricInfo("none", id, "1", "toy", "a toy") : undefined,
 * };
 * if (describeIn([section], "max_error")?.direction !== "lower") throw new Error("exact");
 * if (describeIn([section], "toy_a")?.family !== "toy") throw new Error("pattern");
 * if (describeIn([section], "toString") !== undefined) throw new Error("own keys only");
 * ```
 * @module
 */

/** Which way a metric improves; `none` for quantities that are not scores (e.g. `energy_pred`). */
export type MetricDirection = "lower" | "higher" | "none";

/** Every direction, for validators. */
export const METRIC_DIRECTIONS: readonly MetricDirection[] = ["lower", "higher", "none"];

/** The meaning of one metric id. */
export interface MetricInfo {
  /** `lower` / `higher`: which values are better; `none`: not a score. */
  readonly direction: MetricDirection;
  /** Short label for tables and axes, e.g. `"nRMSE"`. */
  readonly label: string;
  /**
   * Units in words: `"1"` (dimensionless), `"field units"`, `"field units²"`, `"dB"`,
   * `"suite energy"` (the suite's own energy), `"steps"`, ….
   */
  readonly units: string;
  /**
   * Family of trackers that emits it: `error`, `spectrum`, `energy`, `diagnostics`, `temporal`,
   * `stability`, `weather`, `reconstruct`, or `suite` (declared by a suite only).
   */
  readonly family: string;
  /** One line on how it is computed (a suite's declaration wins over the generic text). */
  readonly description?: string;
}

/** Metric id → meaning, for every metric id of a result's rows. */
export type MetricCatalogue = Record<string, MetricInfo>;

/**
 * What a suite may declare about a metric (`MetricDecl` in `suites/common/types.ts` fits): its
 * direction as `higherIsBetter`, a description and optionally a label and units.
 */
export interface MetricOverride {
  /** Metric id as in the rows. */
  readonly id: string;
  /** True when larger is better. */
  readonly higherIsBetter: boolean;
  /** One line for reports. */
  readonly description?: string;
  /** Label (default: the generic label, else the id). */
  readonly label?: string;
  /** Units (default: the generic units, else `"unspecified"`). */
  readonly units?: string;
}

/**
 * The ids a metric family emits and their meaning: exact ids, and a pattern for ids built from
 * names (e.g. `diag_<name>_pred`), which returns `undefined` for an id that is not the family's.
 */
export interface CatalogueSection {
  /** Exact ids. */
  readonly exact?: Readonly<Record<string, MetricInfo>>;
  /** The meaning of an id built from names, or `undefined` when it is not this family's. */
  pattern?(id: string): MetricInfo | undefined;
}

/** A {@link MetricInfo} from its parts, in field order (for compact declarations). */
export function metricInfo(
  direction: MetricDirection,
  label: string,
  units: string,
  family: string,
  description: string,
): MetricInfo {
  return { direction, label, units, family, description };
}

/** The meaning of `id` in the first of `sections` that knows it (exact ids before patterns). */
export function describeIn(
  sections: readonly (CatalogueSection | undefined)[],
  id: string,
): MetricInfo | undefined {
  for (const s of sections) {
    if (s?.exact && Object.hasOwn(s.exact, id)) return s.exact[id];
    const p = s?.pattern?.(id);
    if (p) return p;
  }
  return undefined;
}

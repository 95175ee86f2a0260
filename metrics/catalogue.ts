/**
 * The metric catalogue: what every metric id of the result rows means — its direction (lower or
 * higher is better, or `none` for a plain quantity such as a predicted energy), a label for
 * reports, its units and the family of trackers that emits it. Results carry the entries of
 * their own rows (`Result.catalogue`, `harness/results/schema.ts`), so reports, the leaderboard
 * and the gate read the meaning of a number from the file that holds it, never from the code
 * that happens to read it.
 *
 * Each metric family declares its own ids (`TrackerFamily.catalogue`, a section of exact ids and
 * id patterns, `metrics/metric_info.ts`), next to the tracker that emits them: the scorer
 * (`metrics/scorer.ts`), diagnostics (`diag_<name>_pred` / `_ref` / `_drift_pred` /
 * `_drift_ref`, `metrics/diagnostics.ts`), stability (`metrics/stability.ts`), temporal
 * statistics (`autocorr_error_<series>`, …, `metrics/temporal.ts`) and the weather scores (`acc`,
 * `psnr`, `wb2_<id>`, `metrics/weather_scorer.ts`). {@link describeMetric} knows the families of
 * every forecast run (`metrics/trackers.ts`), the weather scores and the reconstruct task's
 * `compression_ratio`; a suite's own families (`Suite.trackers`) add their sections when its
 * results are described (`harness/results/describe.ts`).
 *
 * A suite adds or overrides entries through its metric declarations (`Suite.metrics`,
 * `suites/common/types.ts`): {@link buildCatalogue} takes the suite's direction and description
 * (and label / units where declared) over the generic ones.
 *
 * A new metric family declares its ids in its tracker file; the completeness test
 * (`catalogue_test.ts`) fails until every id it emits has an entry.
 *
 * @example
 * ```ts
 * import { buildCatalogue, describeMetric } from "./catalogue.ts";
 * if (describeMetric("wb2_acc")?.direction !== "higher") throw new Error("ACC: higher is better");
 * const cat = buildCatalogue(["nrmse", "diag_mass_drift_pred"]);
 * if (cat.nrmse.direction !== "lower" || cat.diag_mass_drift_pred.family !== "diagnostics") {
 *   throw new Error(JSON.stringify(cat));
 * }
 * ```
 * @module
 */
import {
  type CatalogueSection,
  describeIn,
  type MetricCatalogue,
  type MetricInfo,
  metricInfo,
  type MetricOverride,
} from "./metric_info.ts";
import { forecastFamilies } from "./trackers.ts";
import { WEATHER_CATALOGUE } from "./weather_scorer.ts";

export {
  type CatalogueSection,
  METRIC_DIRECTIONS,
  type MetricCatalogue,
  type MetricDirection,
  type MetricInfo,
  type MetricOverride,
} from "./metric_info.ts";

/** Ids of tasks that are not tracker families: the reconstruct task's compression ratio. */
const TASK_CATALOGUE: CatalogueSection = {
  exact: {
    compression_ratio: metricInfo(
      "higher",
      "compression ratio",
      "1",
      "reconstruct",
      "input bytes / latent bytes of one sample",
    ),
  },
};

/**
 * The sections every catalogue starts from: every forecast family's, the weather scores (era5's
 * family and the reconstruct task's `psnr`) and the task entries.
 */
const BUILT_IN: readonly (CatalogueSection | undefined)[] = [
  ...forecastFamilies([]).map((f) => f.catalogue),
  WEATHER_CATALOGUE,
  TASK_CATALOGUE,
];

/**
 * The generic meaning of metric id `id`, or `undefined` when emubench has no entry for it: the
 * built-in sections (module documentation), then `sections` (e.g. a suite's families').
 *
 * @example
 * ```ts
 * import { describeMetric } from "./catalogue.ts";
 * const d = describeMetric("autocorr_error_diag_gamma_n");
 * if (d?.direction !== "lower" || d.family !== "temporal") throw new Error(JSON.stringify(d));
 * if (describeMetric("no_such_metric") !== undefined) throw new Error("unknown ids are unknown");
 * ```
 */
export function describeMetric(
  id: string,
  sections: readonly (CatalogueSection | undefined)[] = [],
): MetricInfo | undefined {
  return describeIn([...BUILT_IN, ...sections], id);
}

/**
 * The catalogue of the metric ids `ids` (e.g. every `metric` of a result's rows): the generic
 * entry of each ({@link describeMetric}, with `sections` of the suite's own families), with a
 * suite's declarations `overrides` taken over it
 * (direction always, description / label / units where given). An id that neither knows throws
 * an `Error` naming it: every emitted metric must have a meaning (a missing entry is a bug of the
 * code that emits it). Keys are sorted.
 *
 * @example
 * ```ts
 * import { buildCatalogue } from "./catalogue.ts";
 * const cat = buildCatalogue(["psnr", "mse", "mse"], [
 *   { id: "mse", higherIsBetter: false, description: "⟨(p − y)²⟩ of ω" },
 * ]);
 * if (Object.keys(cat).join() !== "mse,psnr" || cat.mse.description !== "⟨(p − y)²⟩ of ω") {
 *   throw new Error(JSON.stringify(cat));
 * }
 * let message = "";
 * try { buildCatalogue(["mystery"]); } catch (e) { message = String(e); }
 * if (!message.includes('"mystery"')) throw new Error(message);
 * ```
 */
export function buildCatalogue(
  ids: Iterable<string>,
  overrides: readonly MetricOverride[] = [],
  sections: readonly (CatalogueSection | undefined)[] = [],
): MetricCatalogue {
  const out: MetricCatalogue = {};
  for (const id of [...new Set(ids)].sort()) {
    const base = describeMetric(id, sections);
    const decl = overrides.find((o) => o.id === id);
    if (!base && !decl) {
      throw new Error(
        `No catalogue entry for metric "${id}": declare it in the catalogue of the tracker ` +
          "family that emits it (metrics/metric_info.ts) or in the suite's metrics",
      );
    }
    out[id] = {
      direction: decl ? (decl.higherIsBetter ? "higher" : "lower") : base!.direction,
      label: decl?.label ?? base?.label ?? id,
      units: decl?.units ?? base?.units ?? "unspecified",
      family: base?.family ?? "suite",
      ...(decl?.description ?? base?.description
        ? { description: decl?.description ?? base!.description }
        : {}),
    };
  }
  return out;
}

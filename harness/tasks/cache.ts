/**
 * What the current code reads of the reference cache, for a prune (`harness/data/cache_prune.ts`,
 * `emubench cache prune`): per built-in suite its version, physics tag and the feature layouts a
 * forecast run of a request uses (`suiteFeatures`, as `run.ts` computes them).
 *
 * @example
 * ```ts
 * import { currentCache } from "./cache.ts";
 * import { getSuite } from "../../suites/mod.ts";
 * const cur = currentCache([getSuite("burgers1d")]).get("burgers1d")!;
 * const names = cur.features({ seed: 1, ics: 2, steps: 5 });
 * if (cur.version !== getSuite("burgers1d").version || names.size !== 1) throw new Error();
 * ```
 * @module
 */
import type { Suite } from "../../suites/common/types.ts";
import { listSuites } from "../../suites/mod.ts";
import type { CacheCurrent, CurrentSuiteCache } from "../data/cache_prune.ts";
import { featuresName } from "../data/reference_features.ts";
import { physicsTag, type ReferenceRequest } from "../data/reference_store.ts";
import { suiteFeatures } from "./suite_trackers.ts";

/**
 * Histories a run's features are laid out for: the layout may not depend on the run (its first
 * step), but the families' `applies` sees it, so the layouts of histories 1 to this are kept.
 */
const HISTORIES = 4;

/**
 * {@link CacheCurrent} of `suites` (default: every built-in suite): the features names of a
 * request are those of `suiteFeatures` for a run of exactly that request (history 1 to 4, the
 * suite's summary steps up to T), the layouts `emubench run` reads and writes there.
 */
export function currentCache(suites: readonly Suite[] = listSuites()): CacheCurrent {
  const out = new Map<string, CurrentSuiteCache>();
  for (const suite of suites) {
    const memo = new Map<string, ReadonlySet<string>>();
    out.set(suite.id, {
      version: suite.version,
      tag: physicsTag(suite),
      features: ({ seed, ics, steps }: ReferenceRequest) => {
        const key = `${seed}/${ics}/${steps}`;
        let names = memo.get(key);
        if (!names) {
          const found = new Set<string>();
          for (let history = 1; history <= Math.min(HISTORIES, steps); history++) {
            const layout = suiteFeatures(suite, {
              ics,
              steps,
              history,
              summarySteps: suite.summarySteps.filter((s) => s <= steps),
              seed,
              data: { startHours: undefined, latLon: undefined }, // as run.ts without --data
            });
            if (layout.size > 0) found.add(featuresName(layout.version));
          }
          memo.set(key, names = found);
        }
        return names;
      },
    });
  }
  return out;
}

/**
 * One built-in suite's module, loaded alone: for workers that need one suite (the scoring
 * worker, `harness/tasks/scoring_worker.ts`, and the reference pool's,
 * `harness/tasks/trajectory_worker.ts`) and would otherwise load every suite through
 * `./mod.ts`. Loading burgers1d alone took 64–89 ms of CPU in a fresh worker against 176–202 ms
 * for the whole registry (2026-12-03, three starts each), which a scoring worker pays at the start
 * of every run. Each loader returns the same object the registry holds in that isolate.
 *
 * @example
 * ```ts
 * import { loadBuiltInSuite } from "./loaders.ts";
 * const s = await loadBuiltInSuite("convection1d");
 * if (s.id !== "convection1d") throw new Error(s.id);
 * ```
 * @module
 */
import type { Suite } from "./common/types.ts";

/** A loader per built-in suite id: the suite's own module, nothing else. */
export const SUITE_LOADERS: Readonly<Record<string, () => Promise<Suite>>> = {
  convection1d: async () => (await import("./convection1d/suite.ts")).convection1d,
  burgers1d: async () => (await import("./burgers1d/suite.ts")).burgers1d,
  shallow_water2d: async () => (await import("./shallow_water2d/suite.ts")).shallowWater2d,
  hasegawa_wakatani: async () => (await import("./hasegawa_wakatani/suite.ts")).hasegawaWakatani,
  era5: async () => (await import("./era5/suite.ts")).era5,
  jet2d: async () => (await import("./jet2d/suite.ts")).jet2d,
};

/**
 * The built-in suite `id`, loading only its module; a `TypeError` naming the built-in ids for
 * any other id (a user's suite is not loadable by id: its code lives in the caller).
 */
export function loadBuiltInSuite(id: string): Promise<Suite> {
  const load = Object.hasOwn(SUITE_LOADERS, id) ? SUITE_LOADERS[id] : undefined;
  if (!load) {
    return Promise.reject(
      new TypeError(
        `Cannot load suite "${id}" on its own: expected one of ${
          Object.keys(SUITE_LOADERS).join(", ")
        }`,
      ),
    );
  }
  return load();
}

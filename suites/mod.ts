/**
 * The suites of emubench and the one explicit registry that maps ids to them.
 *
 * A suite joins by being added to {@link SUITES} below; nothing registers itself on import.
 * Lookups of an unknown id fail with a `RangeError` that lists the ids that exist.
 *
 * @example
 * ```ts
 * import { getSuite, gridSize, listSuites } from "./mod.ts";
 * const burgers = getSuite("burgers1d");
 * if (gridSize(burgers.grid) !== 1024 || !listSuites().includes(burgers)) throw new Error("registry");
 * ```
 * @module
 */

import { ValueRangeError } from "../harness/core/errors.ts";
import { burgers1d } from "./burgers1d/suite.ts";
import { convection1d } from "./convection1d/suite.ts";
import { shallowWater2d } from "./shallow_water2d/suite.ts";
import { hasegawaWakatani } from "./hasegawa_wakatani/suite.ts";
import { era5 } from "./era5/suite.ts";
import { jet2d } from "./jet2d/suite.ts";
import type { Suite } from "./common/types.ts";

export { burgers1d } from "./burgers1d/suite.ts";
export { convection1d } from "./convection1d/suite.ts";
export { shallowWater2d } from "./shallow_water2d/suite.ts";
export { hasegawaWakatani } from "./hasegawa_wakatani/suite.ts";
export { era5 } from "./era5/suite.ts";
export { jet2d } from "./jet2d/suite.ts";
export type {
  EnergyStats,
  Grid,
  Grid2D,
  HealpixGrid,
  MetricDecl,
  PeriodicGrid1D,
  Progress,
  Suite,
  Tier,
  TierName,
} from "./common/types.ts";
export { grid1D, gridShape, gridSize } from "./common/types.ts";

/** Options of {@link SuiteRegistry.register}. */
export interface RegisterOptions {
  /** Replace a suite already registered under the same id (default false: refuse). */
  readonly override?: boolean;
}

/**
 * Id → suite map that refuses duplicate ids unless asked to override (arquero style) and whose
 * failed lookups list what exists.
 *
 * @example
 * ```ts
 * import { convection1d, SuiteRegistry } from "./mod.ts";
 * const r = new SuiteRegistry([convection1d]);
 * let refused = false;
 * try { r.register(convection1d); } catch (e) { refused = e instanceof RangeError; }
 * if (!refused || r.get("convection1d") !== convection1d) throw new Error("registry");
 * ```
 */
export class SuiteRegistry {
  readonly #byId = new Map<string, Suite>();

  /** A registry holding `suites`, in order (duplicates throw as in {@link register}). */
  constructor(suites: Iterable<Suite> = []) {
    for (const s of suites) this.register(s);
  }

  /** Add `suite`; a second suite with the same id throws `RangeError` unless `override`. */
  register(suite: Suite, options: RegisterOptions = {}): void {
    if (typeof suite?.id !== "string" || suite.id === "") {
      throw new ValueRangeError({
        field: "suite id",
        expected: "a non-empty string",
        found: JSON.stringify(suite?.id),
      });
    }
    if (this.#byId.has(suite.id) && !options.override) {
      throw new ValueRangeError({
        field: `suite "${suite.id}"`,
        expected: "an id not registered yet",
        found: "a duplicate",
        hint: "Pass { override: true } to replace it.",
      });
    }
    this.#byId.set(suite.id, suite);
  }

  /** True when `id` is registered. */
  has(id: string): boolean {
    return this.#byId.has(id);
  }

  /** The suite registered as `id`; throws `RangeError` listing the registered ids otherwise. */
  get(id: string): Suite {
    const s = this.#byId.get(id);
    if (s === undefined) {
      throw new ValueRangeError({
        field: "suite",
        expected: `one of ${this.ids().join(", ") || "(none registered)"}`,
        found: JSON.stringify(id),
      });
    }
    return s;
  }

  /** Registered ids in registration order. */
  ids(): string[] {
    return [...this.#byId.keys()];
  }

  /** Registered suites in registration order. */
  list(): Suite[] {
    return [...this.#byId.values()];
  }
}

/** Every built-in suite, in listing order. Add new suites here. */
export const SUITES: readonly Suite[] = [
  convection1d,
  burgers1d,
  shallowWater2d,
  hasegawaWakatani,
  era5,
  jet2d,
];

const registry = new SuiteRegistry(SUITES);

/**
 * The built-in suite with this id. Throws `RangeError` (a `ValueRangeError`, exit code 2 in the
 * CLI) naming the ids that exist.
 *
 * @example
 * ```ts
 * import { getSuite } from "./mod.ts";
 * let message = "";
 * try { getSuite("burgers2d"); } catch (e) { message = (e as Error).message; }
 * if (!message.includes("convection1d, burgers1d, shallow_water2d")) throw new Error(message);
 * ```
 */
export function getSuite(id: string): Suite {
  return registry.get(id);
}

/**
 * All built-in suites in listing order.
 *
 * @example
 * ```ts
 * import { listSuites } from "./mod.ts";
 * const ids = listSuites().map((s) => s.id).join();
 * if (!ids.startsWith("convection1d,burgers1d,shallow_water2d")) throw new Error(ids);
 * ```
 */
export function listSuites(): Suite[] {
  return registry.list();
}

/**
 * True when `suite` is the built-in object of its id, so code that looks suites up by id (a
 * worker loading the suite by id through `./loaders.ts`: reference pools, the scoring worker) runs this very object's code.
 * A copy or a user-defined `Suite` is not.
 *
 * @example
 * ```ts
 * import { getSuite, isBuiltIn } from "./mod.ts";
 * const s = getSuite("burgers1d");
 * if (!isBuiltIn(s) || isBuiltIn({ ...s })) throw new Error("isBuiltIn");
 * ```
 */
export function isBuiltIn(suite: Suite): boolean {
  return SUITES.includes(suite);
}

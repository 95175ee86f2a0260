/**
 * One tracker protocol for every streaming metric family (scorer, physics diagnostics, temporal
 * statistics, a suite's own trackers such as era5's weather scores): the rollout engine hands
 * each {@link Tracker} one IC's prediction and reference per step, the tracker keeps per-IC
 * numbers only, and at the end emits tidy rows. A shard exports the numbers of its ICs
 * ({@link Tracker.toState}); a merge rebuilds the tracker from every shard's state.
 *
 * A {@link TrackerFamily} says when a run has the family's tracker and how to build it, for a
 * run and, from shard states, for a merge, in one function: so a merged run's trackers have
 * the options the unsharded run's had, by construction. {@link buildTrackers} builds a list
 * of families into a {@link TrackerSet}; the row order is the list order.
 *
 * A new metric family is one file (the tracker and its family, whose `catalogue` says what its
 * metric ids mean) and one line in the list (`metrics/trackers.ts` for every suite,
 * `Suite.trackers` for one suite).
 *
 * @example
 * ```ts
 * import { buildTrackers, type Tracker, type TrackerContext, type TrackerFamily } from "./tracker.ts";
 * // A toy family: the largest |pred − ref| per IC, merged from shard states.
 * class MaxError implements Tracker {
 *   max: number[];
 *   constructor(n: number) { this.max = new Array(n).fill(0); }
 *   observe(ic: number, _step: number, p: Float32Array, y: Float32Array) {
 *     p.forEach((v, i) => (this.max[ic] = Math.max(this.max[ic], Math.abs(v - y[i]))));
 *   }
 *   diverged() {}
 *   rows() { return this.max.map((value, ic) => ({ metric: "max_error", field: "*", ic, value })); }
 *   toState(ics: readonly number[]) { return { ics: [...ics], max: ics.map((i) => this.max[i]) }; }
 * }
 * const family: TrackerFamily = {
 *   key: "max_error",
 *   applies: () => ({ has: true, because: "every run has it" }),
 *   build: (ctx, from) => {
 *     const t = new MaxError(ctx.ics);
 *     for (const s of (from.states ?? []) as { ics: number[]; max: number[] }[]) {
 *       s.ics.forEach((ic, i) => (t.max[ic] = s.max[i]));
 *     }
 *     return t;
 *   },
 * };
 * const ctx: TrackerContext = {
 *   suite: { id: "toy", fields: ["u"], energy: () => 0 }, pointsPerField: 2, ics: 2, steps: 1,
 *   firstStep: 1, summarySteps: [], seed: 0,
 * };
 * const run = buildTrackers([family], ctx);
 * run.observe(0, 1, new Float32Array([1, 2]), new Float32Array([1, 1]));
 * run.observe(1, 1, new Float32Array([3, 1]), new Float32Array([1, 1]));
 * const shards = [run.toStates([0]), run.toStates([1])].map((states, i) => ({ name: `s${i}`, states }));
 * const merged = buildTrackers([family], ctx, shards);
 * if (JSON.stringify(merged.rows()) !== JSON.stringify(run.rows())) throw new Error("merge");
 * ```
 * @module
 */
import type { ResultRow } from "./rows.ts";
import type { CatalogueSection } from "./metric_info.ts";

/**
 * A streaming metric accumulator. `observe` may be called for ICs and steps in any order the
 * tracker allows (a tracker that needs steps in order says so); `diverged` marks an IC's first
 * non-finite output. `toState` is absent for derived trackers (rows computed from other
 * trackers of the set, nothing of their own to merge).
 */
export interface Tracker {
  /** Step 0 of IC `ic` (its initial state), where the tracker needs it. */
  observeInitial?(ic: number, state: Float32Array): void;
  /** IC `ic` at `step` (1..T): prediction and reference states `[C·X]` (may be views). */
  observe(ic: number, step: number, pred: Float32Array, ref: Float32Array): void;
  /** IC `ic` produced a non-finite state at `step`. */
  diverged(ic: number, step: number): void;
  /** The tidy rows. */
  rows(): ResultRow[];
  /** JSON-safe numbers of ICs `ics` (ascending), for a shard file; merged by the family. */
  toState?(ics: readonly number[]): unknown;
  /** Seconds spent observing, counted into the result's `metricSeconds`, where measured. */
  readonly seconds?: number;
}

/** What trackers read of a suite (the `Suite` of `suites/common/types.ts` is one). */
export interface TrackedSuite {
  /** Suite id, for messages. */
  readonly id: string;
  /** Field (channel) names. */
  readonly fields: readonly string[];
  /** Energy of one whole state `[C·X]`. */
  energy(state: Float32Array | Float64Array): number;
  /** Shell spectrum of one field (default `spectrum1d`). */
  spectrum?(field: Float32Array | Float64Array): Float64Array;
  /** Last shell scored by `spectrum_error`. */
  readonly spectrumKMax?: number;
  /** Physics diagnostics of one whole state. */
  diagnostics?(state: Float32Array | Float64Array): Readonly<Record<string, number>>;
  /** Steady-state energy statistics (stability rate). */
  readonly energyStats?: { readonly mean: number; readonly std: number };
  /**
   * The grid (`Suite.grid`), for metrics that need the field's shape: PDEBench's fRMSE on
   * periodic 1D (`n`, `length`) and 2D (`ny`, `nx`, `ly`, `lx`) grids.
   */
  readonly grid?: {
    readonly kind: string;
    readonly n?: number;
    readonly length?: number;
    readonly ny?: number;
    readonly nx?: number;
    readonly ly?: number;
    readonly lx?: number;
  };
  /** Fields whose spatial mean is conserved, scored by `crmse` (default: every field). */
  readonly conservedFields?: readonly string[];
}

/** One run (or merge) as the trackers see it. */
export interface TrackerContext<S extends TrackedSuite = TrackedSuite> {
  readonly suite: S;
  /** Points per field, `X`. */
  readonly pointsPerField: number;
  /** ICs of the whole run, `N` (a shard observes some of them, by global index). */
  readonly ics: number;
  /** Horizon `T`. */
  readonly steps: number;
  /** First predicted step s₀ = min(history, T). */
  readonly firstStep: number;
  /** Summary steps within 1..T. */
  readonly summarySteps: readonly number[];
  /** IC seed of the run. */
  readonly seed: number;
}

/** How {@link TrackerFamily.build} is called: fresh for a run, or from shard states. */
export interface TrackerSource {
  /** Every shard's state of this family, in shard order; absent for a run. */
  readonly states?: readonly unknown[];
  /** The trackers built before this one in the same set, by family key. */
  readonly built: ReadonlyMap<string, Tracker>;
  /**
   * The states hold some ICs only (one shard's, to recompute the rows that shard's run
   * emitted): ICs in none of them stay unobserved instead of being an error.
   */
  readonly partial?: boolean;
}

/** A metric family: when a run has its tracker, and how to build it (run and merge alike). */
export interface TrackerFamily<C extends TrackerContext = TrackerContext> {
  /** Key of the family's state in shard files (e.g. `"scorer"`), and of its tracker in a set. */
  readonly key: string;
  /** Name in messages (default the key), e.g. `"weather (ACC/PSNR)"`. */
  readonly label?: string;
  /** True for derived families: rows from earlier trackers of the set, no state of their own. */
  readonly derived?: boolean;
  /**
   * The meaning of every metric id the family emits (`metrics/metric_info.ts`): results carry
   * it (`metrics/catalogue.ts` collects the sections of the built-in families and of a suite's
   * `Suite.trackers`).
   */
  readonly catalogue?: CatalogueSection;
  /** Whether a run in `ctx` has this tracker, and why (for merge messages). */
  applies(ctx: C): { has: boolean; because: string };
  /**
   * The tracker of a run in `ctx`; with `from.states`, one holding the shards' ICs, whose rows
   * equal bit for bit those of a tracker that observed everything. `RangeError` / `TypeError`
   * for a state that does not fit, naming it `state j` (j = shard index).
   */
  build(ctx: C, from: TrackerSource): Tracker;
}

/** The trackers of one run, driven as one. */
export class TrackerSet {
  readonly #entries: readonly (readonly [string, Tracker])[];

  /** The trackers in row order, keyed by family. */
  constructor(entries: readonly (readonly [string, Tracker])[]) {
    this.#entries = entries;
  }

  /** The tracker of family `key`, if the run has one. */
  get(key: string): Tracker | undefined {
    return this.#entries.find(([k]) => k === key)?.[1];
  }

  /** Family keys in row order. */
  get keys(): string[] {
    return this.#entries.map(([k]) => k);
  }

  /** Keys of the families whose trackers have a state (what a shard file holds). */
  get stateKeys(): string[] {
    return this.#entries.filter(([, t]) => t.toState !== undefined).map(([k]) => k);
  }

  /** Step 0 of IC `ic`, to every tracker that takes it. */
  observeInitial(ic: number, state: Float32Array): void {
    for (const [, t] of this.#entries) t.observeInitial?.(ic, state);
  }

  /** IC `ic` at `step`, to every tracker. */
  observe(ic: number, step: number, pred: Float32Array, ref: Float32Array): void {
    for (const [, t] of this.#entries) t.observe(ic, step, pred, ref);
  }

  /** IC `ic` diverged at `step`, to every tracker. */
  diverged(ic: number, step: number): void {
    for (const [, t] of this.#entries) t.diverged(ic, step);
  }

  /** Every tracker's rows, in family order. */
  rows(): ResultRow[] {
    return this.#entries.flatMap(([, t]) => t.rows());
  }

  /** The states of ICs `ics` by family key (derived families have none). */
  toStates(ics: readonly number[]): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [k, t] of this.#entries) if (t.toState) out[k] = t.toState(ics);
    return out;
  }

  /** Seconds the trackers measured (sum). */
  get seconds(): number {
    return this.#entries.reduce((a, [, t]) => a + (t.seconds ?? 0), 0);
  }
}

/** A shard's states by family key, and the name of its file (for messages). */
export interface ShardStates {
  readonly name: string;
  readonly states: Readonly<Record<string, unknown>>;
}

/**
 * Build `families` for a run in `ctx`, or with `shards` for a merge of their states: every
 * family that applies is built (in order; derived ones see the earlier trackers). A merge
 * throws `RangeError` naming the shards when a family's state is missing where it applies, or
 * present where it does not, or does not fit (its message with `state j` replaced by the
 * shard's name and the family key). With `partial`, the shards may hold some ICs only: the
 * others stay unobserved, so one shard's states give back the rows its own run emitted.
 */
export function buildTrackers<C extends TrackerContext>(
  families: readonly TrackerFamily<C>[],
  ctx: C,
  shards?: readonly ShardStates[],
  partial = false,
): TrackerSet {
  const built = new Map<string, Tracker>();
  for (const family of families) {
    if (built.has(family.key)) {
      throw new RangeError(`Cannot build trackers: family "${family.key}" is listed twice`);
    }
    const { has, because } = family.applies(ctx);
    const label = family.label ?? family.key;
    if (shards && !family.derived) {
      const odd = shards.filter((s) => (s.states[family.key] === undefined) === has);
      if (odd.length > 0) {
        throw new RangeError(
          `${odd.map((s) => s.name).join(", ")}: ${
            has ? `no ${label} state (${because})` : `a ${label} state, but ${because}`
          }`,
        );
      }
    }
    if (!has) continue;
    if (shards && !family.derived) {
      const isState = (v: unknown) => typeof v === "object" && v !== null;
      const bad = shards.filter((s) => {
        const v = s.states[family.key];
        return !isState(v) || (Array.isArray(v) && !v.every(isState));
      });
      if (bad.length > 0) {
        throw new RangeError(
          `${bad.map((s) => s.name).join(", ")}: ${family.key}: expected a ${label} state ` +
            "(an object, or a list of objects)",
        );
      }
    }
    const states = shards && !family.derived ? shards.map((s) => s.states[family.key]) : undefined;
    try {
      built.set(
        family.key,
        family.build(ctx, { states, built, ...(shards && partial ? { partial } : {}) }),
      );
    } catch (e) {
      if (!shards || !(e instanceof RangeError || e instanceof TypeError)) throw e;
      throw new RangeError(
        e.message.replace(/^Cannot merge [a-z_ ]+ states: /, "")
          .replace(/\bstate (\d+)\b/g, (_, j) => `${shards[Number(j)].name}: ${family.key}`),
      );
    }
  }
  return new TrackerSet([...built]);
}

/**
 * The row producer of a derived family (`metrics/tracker.ts`): observes nothing, keeps no state,
 * and computes its rows from other trackers when asked.
 *
 * @example
 * ```ts
 * import { derivedTracker } from "./tracker.ts";
 * const t = derivedTracker(() => [{ metric: "x", field: "*", value: 1 }]);
 * t.observe(0, 1, new Float32Array(1), new Float32Array(1));
 * if (t.rows()[0].value !== 1 || "toState" in t) throw new Error();
 * ```
 */
export function derivedTracker(rows: () => ResultRow[]): Tracker {
  return { observe() {}, diverged() {}, rows };
}

/**
 * The tracker of family `key` in `built`, checked to have the methods a derived family reads;
 * `TypeError` otherwise (a family list in the wrong order).
 */
export function builtTracker<T>(
  built: ReadonlyMap<string, Tracker>,
  key: string,
  methods: readonly string[],
  by: string,
): T {
  const t = built.get(key) as unknown as Record<string, unknown> | undefined;
  if (!t || methods.some((m) => typeof t[m] !== "function")) {
    throw new TypeError(
      `Cannot build the ${by} rows: expected a "${key}" tracker with ${methods.join(", ")} ` +
        `built before them, found ${t ? "one without" : "none"}`,
    );
  }
  return t as unknown as T;
}

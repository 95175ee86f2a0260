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
import { sha256HexSync } from "../harness/core/hash.ts";

/**
 * A streaming metric accumulator. `observe` may be called for ICs and steps in any order the
 * tracker allows (a tracker that needs steps in order says so); `diverged` marks an IC's first
 * non-finite output. `toState` is absent for derived trackers (rows computed from other
 * trackers of the set, nothing of their own to merge).
 */
export interface Tracker {
  /** Step 0 of IC `ic` (its initial state), where the tracker needs it. */
  observeInitial?(ic: number, state: Float32Array): void;
  /**
   * IC `ic` at `step` (1..T): prediction and reference states `[C·X]` (may be views). With
   * `features`, the family's {@link ReferenceFeatures} of `ref`, read from the reference's cache:
   * exactly what `compute(ref)` returns, so the tracker may use them instead of computing them.
   */
  observe(
    ic: number,
    step: number,
    pred: Float32Array,
    ref: Float32Array,
    features?: Float64Array,
  ): void;
  /** IC `ic` produced a non-finite state at `step`. */
  diverged(ic: number, step: number): void;
  /** The tidy rows. */
  rows(): ResultRow[];
  /**
   * Compute now what `rows()` will need that can no longer change (e.g. the curves of the steps
   * every IC has passed), so that less is left for the end of the run; `rows()` must give the
   * same rows whether or not, and however often, this was called. A scoring worker calls it
   * between batches.
   */
  prepare?(): void;
  /**
   * Make now the working memory that `live` ICs observed at once will need (a scoring worker
   * calls it during the run's set-up, off the rollout's clock), so that their first steps do not
   * allocate it; the rows are the same whether or not this was called.
   */
  reserve?(live: number): void;
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

/**
 * The quantities a family computes from the reference state alone ("reference features": its
 * spectrum, energy, diagnostics), as a pure, deterministic function of one state: computed once
 * per reference and cached with it (`harness/data/reference_features.ts`), then handed to
 * {@link Tracker.observe} instead of being computed again for every model run. float64 values,
 * so a cached value is the very number the tracker would compute.
 */
export interface ReferenceFeatures {
  /**
   * Changes whenever `compute` would give other numbers for the same state (a cache made with
   * another version is not used).
   */
  readonly version: string;
  /** Values per state. */
  readonly size: number;
  /** The features of one reference state `[C·X]`, `size` values. */
  compute(state: Float32Array): Float64Array;
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
  /**
   * The family's {@link ReferenceFeatures} where it has some: a function of `ctx.suite` and
   * `ctx.pointsPerField` only (what the reference cache is keyed by). The family's tracker must
   * give the same rows with or without them.
   */
  features?(ctx: C): ReferenceFeatures | undefined;
  /** Whether a run in `ctx` has this tracker, and why (for merge messages). */
  applies(ctx: C): { has: boolean; because: string };
  /**
   * The tracker of a run in `ctx`; with `from.states`, one holding the shards' ICs, whose rows
   * equal bit for bit those of a tracker that observed everything. `RangeError` / `TypeError`
   * for a state that does not fit, naming it `state j` (j = shard index).
   */
  build(ctx: C, from: TrackerSource): Tracker;
}

/**
 * The reference features of a list of families, end to end in list order: one vector of `size`
 * values per reference state, which is what the reference cache stores. `version` names the
 * layout (every family's key, version and size), so a cache made for another list, or with
 * another version of one family's features, is not used.
 */
export interface FeatureSet {
  /** The families with features, in list order, and where theirs sit in the vector. */
  readonly slots: readonly { key: string; version: string; offset: number; size: number }[];
  /** Values per state, the sum of the slots' sizes. */
  readonly size: number;
  /**
   * `key@version:size` of every slot, joined by `+`, then `#` and a digest of the vector of a
   * fixed probe state (`featureProbe`): so a change to the code behind `compute` that moves any
   * bit of it (a suite's spectrum, the diagnostics) changes the version even where no one bumped
   * a family's. Computed on first read.
   */
  readonly version: string;
  /** The vector of one reference state. */
  compute(state: Float32Array): Float64Array;
}

/**
 * The {@link FeatureSet} of the `families` that apply in `ctx` and declare
 * {@link TrackerFamily.features}.
 *
 * @example
 * ```ts
 * import { featureSet, type TrackerFamily } from "./tracker.ts";
 * const sum: TrackerFamily = {
 *   key: "sum",
 *   applies: () => ({ has: true, because: "always" }),
 *   features: () => ({
 *     version: "1", size: 1, compute: (s) => Float64Array.of(s.reduce((a, b) => a + b, 0)),
 *   }),
 *   build: () => { throw new Error("not built here"); },
 * };
 * const ctx = {
 *   suite: { id: "toy", fields: ["u"], energy: () => 0 }, pointsPerField: 2, ics: 1, steps: 1,
 *   firstStep: 1, summarySteps: [], seed: 0,
 * };
 * const f = featureSet([sum], ctx);
 * if (!f.version.startsWith("sum@1:1#") || f.compute(Float32Array.of(1, 2))[0] !== 3) {
 *   throw new Error(f.version);
 * }
 * ```
 */
export function featureSet<C extends TrackerContext>(
  families: readonly TrackerFamily<C>[],
  ctx: C,
): FeatureSet {
  const specs: [string, ReferenceFeatures][] = [];
  for (const family of families) {
    if (!family.features || !family.applies(ctx).has) continue;
    const spec = family.features(ctx);
    if (!spec) continue;
    if (!Number.isSafeInteger(spec.size) || spec.size < 1) {
      throw new RangeError(
        `Cannot lay out the reference features of "${family.key}": expected a size ≥ 1, ` +
          `found ${spec.size}`,
      );
    }
    specs.push([family.key, spec]);
  }
  let size = 0;
  const slots = specs.map(([key, spec]) => {
    const slot = { key, version: spec.version, offset: size, size: spec.size };
    size += spec.size;
    return slot;
  });
  let version: string | undefined;
  return {
    slots,
    size,
    get version() {
      if (version === undefined) {
        let probe: string;
        try {
          const v = this.compute(featureProbe(ctx.suite.fields.length * ctx.pointsPerField));
          const bytes = new Uint8Array(8 * v.length), view = new DataView(bytes.buffer);
          v.forEach((x, i) => view.setFloat64(8 * i, x, true));
          probe = sha256HexSync(bytes).slice(0, 16);
        } catch {
          probe = "none"; // the families' own versions still tell layouts apart
        }
        version = `${slots.map((s) => `${s.key}@${s.version}:${s.size}`).join("+")}#${probe}`;
      }
      return version;
    },
    compute(state) {
      const out = new Float64Array(size);
      specs.forEach(([key, spec], i) => {
        const v = spec.compute(state);
        if (v.length !== spec.size) {
          throw new TypeError(
            `Cannot compute the reference features of "${key}": expected ${spec.size} values, ` +
              `found ${v.length}`,
          );
        }
        out.set(v, slots[i].offset);
      });
      return out;
    },
  };
}

/**
 * The probe state of `FeatureSet.version`: `n` float32 values `1 + ¼ sin(0.7 k + 0.3 (k mod 7))`,
 * positive and irregular (a depth, a density and a spectrum all make sense of it). Being one
 * state, it shows only the changes that move its own numbers: a change that shows only on other
 * states (negative or zero-mean values, a branch the probe does not take, values beyond its
 * 0.75..1.25) keeps the version, so bump the family's `version` for such a change.
 *
 * @example
 * ```ts
 * import { featureProbe } from "./tracker.ts";
 * const p = featureProbe(4);
 * if (p[0] !== 1 || !p.every((v) => v >= 0.75 && v <= 1.25)) throw new Error(p.join());
 * ```
 */
export function featureProbe(n: number): Float32Array {
  return Float32Array.from({ length: n }, (_, k) => 1 + 0.25 * Math.sin(0.7 * k + 0.3 * (k % 7)));
}

/** The trackers of one run, driven as one. */
export class TrackerSet {
  readonly #entries: readonly (readonly [string, Tracker])[];
  /** Per entry: its `[offset, size]` in the feature vector, or undefined. */
  readonly #slots: readonly ((readonly [number, number]) | undefined)[];
  readonly #features: FeatureSet | undefined;

  /**
   * The trackers in row order, keyed by family; with `features`, the layout of the feature
   * vectors {@link TrackerSet.observe} takes (the slots of families not in `entries` are skipped).
   */
  constructor(entries: readonly (readonly [string, Tracker])[], features?: FeatureSet) {
    this.#entries = entries;
    this.#features = features;
    this.#slots = entries.map(([k]) => {
      const s = features?.slots.find((s) => s.key === k);
      return s && [s.offset, s.size];
    });
  }

  /** The layout of the feature vectors this set takes (none: an empty set). */
  get features(): FeatureSet | undefined {
    return this.#features;
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

  /**
   * IC `ic` at `step`, to every tracker; with `features` (the vector of `ref`, laid out as
   * {@link TrackerSet.features}), each tracker with a slot gets its part. `TypeError` for a
   * vector of another length.
   */
  observe(
    ic: number,
    step: number,
    pred: Float32Array,
    ref: Float32Array,
    features?: Float64Array,
  ): void {
    if (!features) {
      for (const [, t] of this.#entries) t.observe(ic, step, pred, ref);
      return;
    }
    if (features.length !== (this.#features?.size ?? 0)) {
      throw new TypeError(
        `Cannot observe IC ${ic} at step ${step}: expected ${
          this.#features?.size ?? 0
        } reference features, found ${features.length}`,
      );
    }
    this.#entries.forEach(([, t], i) => {
      const slot = this.#slots[i];
      t.observe(ic, step, pred, ref, slot && features.subarray(slot[0], slot[0] + slot[1]));
    });
  }

  /** IC `ic` diverged at `step`, to every tracker. */
  diverged(ic: number, step: number): void {
    for (const [, t] of this.#entries) t.diverged(ic, step);
  }

  /** Let every tracker that can compute now what its rows will need (`Tracker.prepare`). */
  prepare(): void {
    for (const [, t] of this.#entries) t.prepare?.();
  }

  /** Let every tracker that can make its working memory for `live` ICs now (`Tracker.reserve`). */
  reserve(live: number): void {
    for (const [, t] of this.#entries) t.reserve?.(live);
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
  return new TrackerSet([...built], shards ? undefined : featureSet(families, ctx));
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

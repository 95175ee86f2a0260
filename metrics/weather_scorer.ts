/**
 * Streaming WeatherBench 2 rows beside the generic scorer: anomaly correlation (ACC) and PSNR
 * per field and lead step, for suites whose states live on a sphere (`metrics/weather.ts`
 * kernels; HEALPix: uniform weights, lat-lon: WB2 latitude weights).
 *
 * Per (IC, step, field) it keeps two float64 numbers; rows ({@link WeatherTracker.rows}):
 * - `acc` per field and step 1..T, `reduction: "mean_over_ics"`: mean over ICs of
 *   Σ w p′y′ / √(Σ w p′² Σ w y′²), p′ = p − c, y′ = y − c, c the climatology the caller
 *   supplies for that IC and step (valid time);
 * - `psnr` per field and step, `"mean_over_ics"`: mean over ICs of 10 log₁₀(R²/mse) (dB), R the
 *   range of the reference field.
 * - with `rmse: true`, `rmse` per field and step, `"mean_over_ics_then_sqrt"`: √(mean over ICs
 *   of Σ w (p − y)² / Σ w), the WeatherBench 2 RMSE (area weights; √ after the mean).
 * - with `bias: true`, `bias` per field and step, `"mean_over_ics"`: mean over ICs of
 *   Σ w (p − y) / Σ w (WeatherBench 2 `Bias`).
 * Every row with `n ≥ 1` also carries `q25` and `q75`, the quartiles of the same `n` per-IC values
 * (for `rmse`, of the per-IC √mse): the spread across ICs reports draw as a band.
 * With `region` (e.g. `"tropics"`), every row carries `region` and the grid is that region's part
 * of the data grid (WeatherBench 2 `SliceRegion`: the points inside, weighted as on the whole
 * grid, normalised by their own sum).
 * With `prefix` (e.g. `"wb2_"`) every metric id is prefixed, so one run can carry scores on two
 * grids (HEALPix `acc` and lat-lon `wb2_acc`).
 * Non-finite per-IC values are left out of the mean and `n` says how many remain: ACC is
 * undefined when an anomaly is identically zero (a forecast equal to the climatology), PSNR is
 * +∞ for an exact forecast. An IC marked diverged at step k contributes to no mean from k on.
 *
 * @example
 * ```ts
 * import { WeatherTracker } from "./weather_scorer.ts";
 * const t = new WeatherTracker({
 *   fields: ["t"], grid: { kind: "healpix", nside: 1 }, ics: 1, steps: 1,
 *   climatology: () => new Float32Array(12),
 * });
 * const y = Float32Array.from({ length: 12 }, (_, k) => Math.sin(k));
 * t.observe(0, 1, y.map((v) => 2 * v), y); // p′ ∝ y′: ACC 1
 * const acc = t.rows().find((r) => r.metric === "acc")!;
 * if (Math.abs(acc.value! - 1) > 1e-12 || acc.n !== 1) throw new Error(JSON.stringify(acc));
 * ```
 * @module
 */
import { type CatalogueSection, type MetricInfo, metricInfo } from "./metric_info.ts";
import { SCORER_CATALOGUE } from "./scorer.ts";
import { ANCHORS_CATALOGUE } from "./anchors_tracker.ts";
import { acc, gridSize, psnr, type WeatherGrid, weightedMean, weightedMse } from "./weather.ts";
import type { ResultRow } from "./rows.ts";
import { base64ToF64, checkCoverage, f64ToBase64 } from "./state_codec.ts";
import { quartileFields } from "./bootstrap.ts";

/** Schema tag of a {@link WeatherState}. */
export const WEATHER_STATE_SCHEMA = "emubench.weather-state/1";

/**
 * What a {@link WeatherTracker} stored for some of its ICs, as plain JSON, for sharded runs
 * (`harness/tasks/shard.ts`), like the scorer's `ScorerState`: `covered` lists the ICs (ascending),
 * `acc` and `psnr` hold their `[covered, T + 1, C]` values as little-endian float64 in base64
 * (NaN = not observed; every bit kept).
 */
export interface WeatherState {
  schema: typeof WEATHER_STATE_SCHEMA;
  /** Header: must equal the merging tracker's options. */
  fields: string[];
  /** The grid scored on (lat-lon latitudes as a plain list). */
  grid: { kind: "healpix"; nside: number } | { kind: "latlon"; lat: number[]; nlon: number };
  ics: number;
  steps: number;
  /** IC indices held, ascending. */
  covered: number[];
  /** Per covered IC: first diverged step, or null. */
  divergedAt: (number | null)[];
  acc: string;
  psnr: string;
  /** Metric-id prefix of the tracker (default ""). */
  prefix?: string;
  /** `[covered, T + 1, C]` weighted mse, present iff the tracker has `rmse: true`. */
  mse?: string;
  /** `[covered, T + 1, C]` weighted bias, present iff the tracker has `bias: true`. */
  bias?: string;
  /** Region tag of the tracker's rows (absent: the whole grid). */
  region?: string;
}

/** Options of {@link WeatherTracker}. */
export interface WeatherTrackerOptions {
  /** Field names, channel order. */
  readonly fields: readonly string[];
  /** The grid the states are on (and scored on). */
  readonly grid: WeatherGrid;
  /** Number of ICs N. */
  readonly ics: number;
  /** Steps T. */
  readonly steps: number;
  /** Climatology `[C, X]` at the valid time of IC `ic`, step `step`. */
  readonly climatology: (ic: number, step: number) => ArrayLike<number>;
  /** Prefix of every metric id (default ""), e.g. `"wb2_"` for scores on the data's grid. */
  readonly prefix?: string;
  /** Also emit the area-weighted `rmse` rows (default false: the scorer has uniform ones). */
  readonly rmse?: boolean;
  /** Also emit the area-weighted `bias` rows, Σ w (p − y) / Σ w (WeatherBench 2 `Bias`). */
  readonly bias?: boolean;
  /**
   * Region tag set on every row (e.g. `"tropics"`): the grid is then the region's part of a
   * larger grid, with that grid's weights (`metrics/weather.ts` `latLonRows`).
   */
  readonly region?: string;
}

/** ACC and PSNR rows per field and lead step (module doc). */
export class WeatherTracker {
  readonly #o: WeatherTrackerOptions;
  readonly #x: number;
  /** `[N, T + 1, C]` ACC and PSNR, NaN until observed. */
  readonly #acc: Float64Array;
  readonly #psnr: Float64Array;
  readonly #mse: Float64Array | undefined;
  readonly #bias: Float64Array | undefined;
  readonly #divergedAt: Float64Array;
  #seconds = 0;

  /** Validate the options and allocate `2·N·(T+1)·C` numbers. */
  constructor(o: WeatherTrackerOptions) {
    for (const [k, v] of [["ics", o.ics], ["steps", o.steps]] as const) {
      if (!Number.isInteger(v) || v < 1) {
        throw new RangeError(
          `Cannot create a WeatherTracker: ${k}: expected an integer ≥ 1, found ${v}`,
        );
      }
    }
    if (o.fields.length < 1) {
      throw new RangeError(
        "Cannot create a WeatherTracker: fields: expected at least one field, found none",
      );
    }
    this.#o = o;
    this.#x = gridSize(o.grid);
    const size = o.ics * (o.steps + 1) * o.fields.length;
    this.#acc = new Float64Array(size).fill(NaN);
    this.#psnr = new Float64Array(size).fill(NaN);
    this.#mse = o.rmse ? new Float64Array(size).fill(NaN) : undefined;
    this.#bias = o.bias ? new Float64Array(size).fill(NaN) : undefined;
    this.#divergedAt = new Float64Array(o.ics).fill(Infinity);
  }

  /** Seconds spent in {@link observe}. */
  get seconds(): number {
    return this.#seconds;
  }

  /** Score IC `ic` at `step` (1..T): `pred`, `ref` are whole states `[C, X]`. */
  observe(ic: number, step: number, pred: ArrayLike<number>, ref: ArrayLike<number>): void {
    const { fields, grid, ics, steps } = this.#o, C = fields.length, X = this.#x;
    if (
      !Number.isInteger(ic) || ic < 0 || ic >= ics || !Number.isInteger(step) || step < 1 ||
      step > steps
    ) {
      throw new RangeError(
        `WeatherTracker.observe: expected IC in [0, ${ics}) and step in [1, ${steps}], found IC ${ic}, step ${step}`,
      );
    }
    if (pred.length !== C * X || ref.length !== C * X) {
      throw new RangeError(
        `WeatherTracker.observe: expected states of ${
          C * X
        } values ([${C}, ${X}]), found ${pred.length} and ${ref.length}`,
      );
    }
    const t0 = performance.now();
    const clim = this.#o.climatology(ic, step);
    if (clim.length !== C * X) {
      throw new RangeError(
        `WeatherTracker: climatology of IC ${ic}, step ${step}: expected ${
          C * X
        } values, found ${clim.length}`,
      );
    }
    const view = (a: ArrayLike<number>, c: number) =>
      ArrayBuffer.isView(a)
        ? (a as Float32Array).subarray(c * X, (c + 1) * X)
        : Array.prototype.slice.call(a, c * X, (c + 1) * X) as number[];
    for (let c = 0; c < C; c++) {
      const k = (ic * (steps + 1) + step) * C + c;
      const p = view(pred, c), y = view(ref, c);
      this.#acc[k] = acc(p, y, view(clim, c), grid);
      this.#psnr[k] = psnr(p, y, grid);
      if (this.#mse) this.#mse[k] = weightedMse(p, y, grid);
      if (this.#bias) this.#bias[k] = weightedMean(grid, (q) => p[q] - y[q]);
    }
    this.#seconds += (performance.now() - t0) / 1000;
  }

  /** IC `ic` diverged at `step`: it leaves every mean from that step on. */
  diverged(ic: number, step: number): void {
    this.#divergedAt[ic] = Math.min(this.#divergedAt[ic], step);
  }

  /**
   * The values of ICs `ics` (default all) as a {@link WeatherState}; merging the states of
   * disjoint shards with {@link WeatherTracker.fromStates} gives exactly the rows of one
   * tracker that observed everything.
   *
   * @example
   * ```ts
   * import { WeatherTracker } from "./weather_scorer.ts";
   * const o = {
   *   fields: ["t"], grid: { kind: "healpix", nside: 1 } as const, ics: 2, steps: 1,
   *   climatology: () => new Float32Array(12),
   * };
   * const y = Float32Array.from({ length: 12 }, (_, k) => Math.sin(k));
   * const a = new WeatherTracker(o), b = new WeatherTracker(o), whole = new WeatherTracker(o);
   * a.observe(0, 1, y, y);
   * b.observe(1, 1, y.map((v) => -v), y);
   * whole.observe(0, 1, y, y);
   * whole.observe(1, 1, y.map((v) => -v), y);
   * const merged = WeatherTracker.fromStates(o, JSON.parse(JSON.stringify([a.toState([0]), b.toState([1])])));
   * if (JSON.stringify(merged.rows()) !== JSON.stringify(whole.rows())) throw new Error("merge");
   * ```
   */
  toState(ics?: readonly number[]): WeatherState {
    const { fields, ics: N, steps } = this.#o, per = (steps + 1) * fields.length;
    const covered = ics === undefined ? Array.from({ length: N }, (_, i) => i) : [...ics];
    covered.sort((a, b) => a - b);
    covered.forEach((ic, i) => {
      if (!Number.isInteger(ic) || ic < 0 || ic >= N || (i > 0 && covered[i - 1] === ic)) {
        throw new RangeError(
          `Cannot export the weather state: expected distinct ICs in [0, ${N}), found ${ic}`,
        );
      }
    });
    const gather = (src: Float64Array) => {
      const out = new Float64Array(covered.length * per);
      covered.forEach((ic, i) => out.set(src.subarray(ic * per, (ic + 1) * per), i * per));
      return f64ToBase64(out);
    };
    return {
      schema: WEATHER_STATE_SCHEMA,
      fields: [...fields],
      grid: this.#o.grid.kind === "healpix"
        ? { kind: "healpix", nside: this.#o.grid.nside }
        : { kind: "latlon", lat: Array.from(this.#o.grid.lat), nlon: this.#o.grid.nlon },
      ics: N,
      steps,
      covered,
      divergedAt: covered.map((ic) =>
        Number.isFinite(this.#divergedAt[ic]) ? this.#divergedAt[ic] : null
      ),
      acc: gather(this.#acc),
      psnr: gather(this.#psnr),
      ...(this.#o.prefix ? { prefix: this.#o.prefix } : {}),
      ...(this.#mse ? { mse: gather(this.#mse) } : {}),
      ...(this.#bias ? { bias: gather(this.#bias) } : {}),
      ...(this.#o.region ? { region: this.#o.region } : {}),
    };
  }

  /**
   * A tracker holding the ICs of `states` ({@link WeatherTracker.toState}, possibly through
   * JSON), which together must cover every IC once. Throws `TypeError` on a malformed state and
   * `RangeError` on a header that differs from `options` or an IC missing or held twice.
   * `options.climatology` is only used by later {@link WeatherTracker.observe} calls.
   * With `partial`, ICs in none of the states stay unobserved (a shard's own rows, checked by
   * `emubench merge`) instead of being an error.
   */
  static fromStates(
    options: WeatherTrackerOptions,
    states: readonly WeatherState[],
    partial = false,
  ): WeatherTracker {
    const t = new WeatherTracker(options);
    const { fields, ics: N, steps } = options, per = (steps + 1) * fields.length;
    const owner = new Int32Array(N).fill(-1);
    states.forEach((state, j) => {
      const where = `state ${j}`;
      if (typeof state !== "object" || state === null || state.schema !== WEATHER_STATE_SCHEMA) {
        throw new TypeError(
          `Cannot merge weather states: ${where}: expected schema "${WEATHER_STATE_SCHEMA}", found ${
            JSON.stringify((state as { schema?: unknown } | null)?.schema)
          }`,
        );
      }
      const header = [
        ["fields", JSON.stringify(state.fields), JSON.stringify(fields)],
        [
          "grid",
          JSON.stringify(state.grid),
          JSON.stringify(
            options.grid.kind === "healpix"
              ? { kind: "healpix", nside: options.grid.nside }
              : { kind: "latlon", lat: Array.from(options.grid.lat), nlon: options.grid.nlon },
          ),
        ],
        ["ics", state.ics, N],
        ["steps", state.steps, steps],
        ["prefix", state.prefix ?? "", options.prefix ?? ""],
        [
          "mse",
          state.mse === undefined ? "absent" : "present",
          options.rmse ? "present" : "absent",
        ],
        [
          "bias",
          state.bias === undefined ? "absent" : "present",
          options.bias ? "present" : "absent",
        ],
        ["region", state.region ?? "", options.region ?? ""],
      ] as const;
      for (const [k, found, expected] of header) {
        if (found !== expected) {
          throw new RangeError(
            `Cannot merge weather states: ${where}: ${k}: expected ${expected}, found ${found}`,
          );
        }
      }
      const { covered, divergedAt } = state;
      if (
        !Array.isArray(covered) || !Array.isArray(divergedAt) ||
        divergedAt.length !== covered.length
      ) {
        throw new TypeError(
          `Cannot merge weather states: ${where}: expected covered and divergedAt lists of one length`,
        );
      }
      const accs = base64ToF64(state.acc, covered.length * per, `${where}: acc`, "weather states");
      const mses = options.rmse
        ? base64ToF64(state.mse, covered.length * per, `${where}: mse`, "weather states")
        : undefined;
      const biases = options.bias
        ? base64ToF64(state.bias, covered.length * per, `${where}: bias`, "weather states")
        : undefined;
      const psnrs = base64ToF64(
        state.psnr,
        covered.length * per,
        `${where}: psnr`,
        "weather states",
      );
      covered.forEach((ic, i) => {
        if (!Number.isInteger(ic) || ic < 0 || ic >= N) {
          throw new RangeError(
            `Cannot merge weather states: ${where}: covered[${i}]: expected an IC in [0, ${N}), found ${ic}`,
          );
        }
        if (owner[ic] >= 0) {
          throw new RangeError(
            `Cannot merge weather states: IC ${ic} is in state ${
              owner[ic]
            } and state ${j}; expected every IC in exactly one state`,
          );
        }
        owner[ic] = j;
        const d = divergedAt[i];
        if (d !== null && !(Number.isInteger(d) && d >= 0 && d <= steps)) {
          throw new RangeError(
            `Cannot merge weather states: ${where}: divergedAt[${i}]: expected null or a step in [0, ${steps}], found ${d}`,
          );
        }
        t.#divergedAt[ic] = d === null ? Infinity : d;
        t.#acc.set(accs.subarray(i * per, (i + 1) * per), ic * per);
        t.#psnr.set(psnrs.subarray(i * per, (i + 1) * per), ic * per);
        if (mses) t.#mse!.set(mses.subarray(i * per, (i + 1) * per), ic * per);
        if (biases) t.#bias!.set(biases.subarray(i * per, (i + 1) * per), ic * per);
      });
    });
    if (!partial) checkCoverage(owner, states.length, "weather states");
    return t;
  }

  /** `acc`, `psnr` (and `rmse`) rows, prefixed (module doc). */
  rows(): ResultRow[] {
    const { fields, ics, steps } = this.#o, C = fields.length, out: ResultRow[] = [];
    const prefix = this.#o.prefix ?? "";
    const series: [string, Float64Array, boolean][] = [
      ["acc", this.#acc, false],
      ["psnr", this.#psnr, false],
      ...(this.#mse ? [["rmse", this.#mse, true] as [string, Float64Array, boolean]] : []),
      ...(this.#bias ? [["bias", this.#bias, false] as [string, Float64Array, boolean]] : []),
    ];
    const region = this.#o.region;
    for (const [metric, data, sqrt] of series) {
      const live = new Float64Array(ics);
      fields.forEach((field, c) => {
        for (let step = 1; step <= steps; step++) {
          let s = 0, n = 0;
          for (let ic = 0; ic < ics; ic++) {
            if (step >= this.#divergedAt[ic]) continue;
            const v = data[(ic * (steps + 1) + step) * C + c];
            if (Number.isFinite(v)) {
              s += v;
              live[n++] = sqrt ? Math.sqrt(v) : v;
            }
          }
          out.push({
            metric: prefix + metric,
            field,
            step,
            value: n > 0 ? (sqrt ? Math.sqrt(s / n) : s / n) : null,
            n,
            reduction: sqrt ? "mean_over_ics_then_sqrt" : "mean_over_ics",
            ...(region ? { region } : {}),
            ...quartileFields(live.subarray(0, n)),
          });
        }
      });
    }
    return out;
  }
}

const WEATHER_EXACT: Readonly<Record<string, MetricInfo>> = {
  acc: metricInfo(
    "higher",
    "ACC",
    "1",
    "weather",
    "anomaly correlation Σ p′y′ / √(Σ p′² Σ y′²) against a climatology (1 = perfect)",
  ),
  psnr: metricInfo(
    "higher",
    "PSNR",
    "dB",
    "weather",
    "10 log₁₀(R² / mse) with R the range of the reference field",
  ),
};
/** Weather scores that also come scored on the data's grid (`wb2_` prefix). */
const WB2: Readonly<Record<string, MetricInfo | undefined>> = {
  acc: WEATHER_EXACT.acc,
  psnr: WEATHER_EXACT.psnr,
  rmse: SCORER_CATALOGUE.exact?.rmse,
  bias: ANCHORS_CATALOGUE.exact?.bias,
};

/**
 * The ids of the weather scores ({@link WeatherTracker}; era5's `weather` family and the
 * reconstruct task's `psnr`): `acc`, `psnr`, and `wb2_acc` / `wb2_psnr` / `wb2_rmse` /
 * `wb2_bias` scored on the data's own grid.
 *
 * @example
 * ```ts
 * import { WEATHER_CATALOGUE } from "./weather_scorer.ts";
 * if (WEATHER_CATALOGUE.pattern?.("wb2_acc")?.direction !== "higher") throw new Error();
 * if (WEATHER_CATALOGUE.pattern?.("wb2_mse") !== undefined) throw new Error();
 * ```
 */
export const WEATHER_CATALOGUE: CatalogueSection = {
  exact: WEATHER_EXACT,
  pattern(id) {
    if (!id.startsWith("wb2_")) return undefined;
    const base = Object.hasOwn(WB2, id.slice(4)) ? WB2[id.slice(4)] : undefined;
    if (!base) return undefined;
    return {
      ...base,
      label: `${base.label} (data grid)`,
      family: "weather",
      description: `${base.description}, scored on the data's own grid (WeatherBench 2 weights)`,
    };
  },
};

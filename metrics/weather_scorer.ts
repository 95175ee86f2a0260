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
import { acc, gridSize, psnr, type WeatherGrid } from "./weather.ts";
import type { ResultRow } from "./rows.ts";

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
}

/** ACC and PSNR rows per field and lead step (module doc). */
export class WeatherTracker {
  readonly #o: WeatherTrackerOptions;
  readonly #x: number;
  /** `[N, T + 1, C]` ACC and PSNR, NaN until observed. */
  readonly #acc: Float64Array;
  readonly #psnr: Float64Array;
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
    }
    this.#seconds += (performance.now() - t0) / 1000;
  }

  /** IC `ic` diverged at `step`: it leaves every mean from that step on. */
  diverged(ic: number, step: number): void {
    this.#divergedAt[ic] = Math.min(this.#divergedAt[ic], step);
  }

  /** `acc` and `psnr` rows (module doc). */
  rows(): ResultRow[] {
    const { fields, ics, steps } = this.#o, C = fields.length, out: ResultRow[] = [];
    for (const [metric, data] of [["acc", this.#acc], ["psnr", this.#psnr]] as const) {
      fields.forEach((field, c) => {
        for (let step = 1; step <= steps; step++) {
          let s = 0, n = 0;
          for (let ic = 0; ic < ics; ic++) {
            if (step >= this.#divergedAt[ic]) continue;
            const v = data[(ic * (steps + 1) + step) * C + c];
            if (Number.isFinite(v)) {
              s += v;
              n++;
            }
          }
          out.push({
            metric,
            field,
            step,
            value: n > 0 ? s / n : null,
            n,
            reduction: "mean_over_ics",
          });
        }
      });
    }
    return out;
  }
}

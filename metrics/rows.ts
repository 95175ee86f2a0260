/**
 * Tidy result rows (SPEC §5): one number per row, keyed by metric, field and step. Reports,
 * leaderboards and gates read only these.
 * @module
 */

/** One tidy result row. */
export interface ResultRow {
  /** Metric id, e.g. `"mse"`, `"nrmse"`, `"dissipation"`, `"energy_pred"`, `"spectrum_ref"`. */
  metric: string;
  /** Field name, or `"*"` for a quantity over all fields. */
  field: string;
  /** Model step (1-based; 0 is the IC). Omitted for step-free summaries. */
  step?: number;
  /** The value; `null` where every IC had diverged before this step (never NaN). */
  value: number | null;
  /** IC index for per-IC rows; absent for means over ICs. */
  ic?: number;
  /** Wavenumber for spectrum rows. */
  k?: number;
  /** Number of ICs averaged into `value` (ICs that had not diverged), for means over ICs. */
  n?: number;
  /** How the value was reduced, e.g. `"mean_over_ics"`, `"geomean_over_steps"`. */
  reduction?: string;
  /**
   * Spread across ICs of a per-step mean (curves of the scorer and the weather scores): the
   * lower quartile Q(¼) of the per-IC values the row reduces (the same `n` ICs as `value`;
   * type-7 quantiles, `metrics/bootstrap.ts` `quartiles`). For a `"mean_over_ics_then_sqrt"`
   * row, of the per-IC square roots. Absent where `n` is 0 and on rows of other reductions.
   */
  q25?: number;
  /** Upper quartile Q(¾) of the same per-IC values as {@link ResultRow.q25}. */
  q75?: number;
  /**
   * Region of the globe a weather score covers (WeatherBench 2 regions, e.g. `"tropics"`);
   * absent for the whole grid. Readers that want the global value skip rows that have one.
   */
  region?: string;
}

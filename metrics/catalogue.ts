/**
 * The metric catalogue: what every metric id of the result rows means — its direction (lower or
 * higher is better, or `none` for a plain quantity such as a predicted energy), a label for
 * reports, its units and the family of trackers that emits it. Results carry the entries of
 * their own rows (`Result.catalogue`, `harness/results/schema.ts`), so reports, the leaderboard
 * and the gate read the meaning of a number from the file that holds it, never from the code
 * that happens to read it.
 *
 * Generic knowledge lives here once ({@link describeMetric}): exact ids (`mse`, `acc`, …) and
 * the id patterns of the families whose ids are built from names:
 *
 * - `wb2_<id>`: a weather score on the data's own grid (`metrics/weather_scorer.ts`);
 * - `diag_<name>_pred` / `_ref` / `_drift_pred` / `_drift_ref`: suite diagnostics
 *   (`metrics/diagnostics.ts`);
 * - `autocorr_error_<series>`, `temporal_spectrum_error_<series>`, `autocorr_pred_<series>`,
 *   `autocorr_ref_<series>` with `<series>` = `energy` or `diag_<name>` (`metrics/temporal.ts`).
 *
 * A suite adds or overrides entries through its metric declarations (`Suite.metrics`,
 * `suites/common/types.ts`): {@link buildCatalogue} takes the suite's direction and description
 * (and label / units where declared) over the generic ones.
 *
 * A new metric family adds its ids here (one entry or one pattern) and the completeness test
 * (`catalogue_test.ts`) fails until it does.
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

const e = (
  direction: MetricDirection,
  label: string,
  units: string,
  family: string,
  description: string,
): MetricInfo => ({ direction, label, units, family, description });

/** Exact ids. */
const EXACT: Readonly<Record<string, MetricInfo>> = {
  mse: e("lower", "MSE", "field units²", "error", "⟨(p − y)²⟩ over the grid, mean over ICs"),
  rmse: e("lower", "RMSE", "field units", "error", "√(mean over ICs of ⟨(p − y)²⟩)"),
  nrmse: e("lower", "nRMSE", "1", "error", "‖p − y‖₂ / ‖y‖₂ per IC, mean over ICs"),
  dissipation: e(
    "lower",
    "dissipation error",
    "field units²",
    "error",
    "amplitude part of mse, (σₚ − σᵧ)² + (μₚ − μᵧ)² (Takacs 1985)",
  ),
  dispersion: e(
    "lower",
    "dispersion error",
    "field units²",
    "error",
    "phase part of mse, 2(1 − ρ)σₚσᵧ (Takacs 1985)",
  ),
  spectrum_error: e(
    "lower",
    "spectrum error",
    "1",
    "spectrum",
    "mean over wavenumbers of |log Eₚ(k) − log Eᵧ(k)|",
  ),
  spectrum_error_low: e(
    "lower",
    "spectrum error (low band)",
    "1",
    "spectrum",
    "spectrum error over the first third of log k (largest scales)",
  ),
  spectrum_error_mid: e(
    "lower",
    "spectrum error (mid band)",
    "1",
    "spectrum",
    "spectrum error over the middle third of log k",
  ),
  spectrum_error_high: e(
    "lower",
    "spectrum error (high band)",
    "1",
    "spectrum",
    "spectrum error over the last third of log k (smallest scales)",
  ),
  spectrum_pred: e("none", "spectrum (prediction)", "spectral power", "spectrum", "per shell k"),
  spectrum_ref: e("none", "spectrum (reference)", "spectral power", "spectrum", "per shell k"),
  energy_pred: e("none", "energy (prediction)", "suite energy", "energy", "mean over ICs"),
  energy_ref: e("none", "energy (reference)", "suite energy", "energy", "mean over ICs"),
  energy_error: e("lower", "energy error", "1", "energy", "|Eₚ − Eᵧ| / Eᵧ, mean over ICs"),
  acc: e(
    "higher",
    "ACC",
    "1",
    "weather",
    "anomaly correlation Σ p′y′ / √(Σ p′² Σ y′²) against a climatology (1 = perfect)",
  ),
  psnr: e(
    "higher",
    "PSNR",
    "dB",
    "weather",
    "10 log₁₀(R² / mse) with R the range of the reference field",
  ),
  stability_rate: e(
    "higher",
    "stability rate",
    "1",
    "stability",
    "share of ICs whose energy stays finite and within the suite's band to the horizon",
  ),
  stability_rate_lower: e(
    "higher",
    "stability rate (interval lower bound)",
    "1",
    "stability",
    "lower end of the Wilson 95% interval of the stability rate",
  ),
  stability_rate_upper: e(
    "higher",
    "stability rate (interval upper bound)",
    "1",
    "stability",
    "upper end of the Wilson 95% interval of the stability rate",
  ),
  energy_band_lower: e(
    "none",
    "energy band (lower edge)",
    "suite energy",
    "stability",
    "μ_E − 5σ_E of the reference at steady state",
  ),
  energy_band_upper: e(
    "none",
    "energy band (upper edge)",
    "suite energy",
    "stability",
    "μ_E + 5σ_E of the reference at steady state",
  ),
  first_exit_step: e(
    "higher",
    "first exit step",
    "steps",
    "stability",
    "step at which an IC's energy first left the band (null: never)",
  ),
  energy_time_mean: e(
    "none",
    "time-mean energy",
    "suite energy",
    "stability",
    "mean of the energy over the steps before the IC left the band",
  ),
  energy_time_std: e(
    "none",
    "energy standard deviation over time",
    "suite energy",
    "stability",
    "standard deviation of the energy over the steps before the IC left the band",
  ),
  compression_ratio: e(
    "higher",
    "compression ratio",
    "1",
    "reconstruct",
    "input bytes / latent bytes of one sample",
  ),
  autocorr_error: e(
    "lower",
    "autocorrelation error",
    "1",
    "temporal",
    "mean over lags τ ≥ 1 of |ρₚ(τ) − ρᵧ(τ)| of the sampled point series",
  ),
  temporal_spectrum_error: e(
    "lower",
    "temporal spectrum error",
    "1",
    "temporal",
    "mean |log Sₚ(f) − log Sᵧ(f)| of the Blackman–Tukey spectra of the point series",
  ),
  autocorr_pred: e("none", "autocorrelation (prediction)", "1", "temporal", "per lag τ (step)"),
  // The anchors' metrics (metrics/anchors_tracker.ts).
  bias: e(
    "none",
    "bias",
    "field units",
    "anchors",
    "⟨p − y⟩ per IC, mean over ICs; signed, 0 is best (WeatherBench 2 Bias)",
  ),
  crmse: e(
    "lower",
    "cRMSE",
    "field units",
    "anchors",
    "√(mean over ICs of (⟨p⟩ − ⟨y⟩)²), error of the conserved spatial mean (PDEBench cRMSE)",
  ),
  max_error: e(
    "lower",
    "max error",
    "field units",
    "anchors",
    "max over ICs and points of |p − y| (PDEBench max error)",
  ),
  vrmse: e(
    "lower",
    "VRMSE",
    "1",
    "anchors",
    "√(⟨(p − y)²⟩ / var y) per IC, mean over ICs; 1 = predicting the mean (The Well)",
  ),
  frmse_low: e(
    "lower",
    "fRMSE (modes 0–3)",
    "field units × domain measure",
    "anchors",
    "PDEBench Fourier RMSE, mean over modes 0–3 of |DFT(p − y)|·L/N, mean over ICs",
  ),
  frmse_mid: e(
    "lower",
    "fRMSE (modes 4–11)",
    "field units × domain measure",
    "anchors",
    "PDEBench Fourier RMSE, mean over modes 4–11 of |DFT(p − y)|·L/N, mean over ICs",
  ),
  frmse_high: e(
    "lower",
    "fRMSE (modes ≥ 12)",
    "field units × domain measure",
    "anchors",
    "PDEBench Fourier RMSE, mean over modes ≥ 12 of |DFT(p − y)|·L/N, mean over ICs",
  ),
  autocorr_ref: e("none", "autocorrelation (reference)", "1", "temporal", "per lag τ (step)"),
};

/** Weather scores that also come scored on the data's grid (`wb2_` prefix). */
const WB2 = new Set(["acc", "psnr", "rmse", "bias"]);
const NAME = "[a-z0-9_]+";
const DIAG = new RegExp(`^diag_(${NAME}?)_(drift_pred|drift_ref|pred|ref)$`);
const TEMPORAL = new RegExp(
  `^(autocorr_error|temporal_spectrum_error|autocorr_pred|autocorr_ref)_(energy|diag_${NAME})$`,
);

/**
 * The generic meaning of metric id `id`, or `undefined` when emubench has no entry for it.
 * Exact ids first, then the patterns of the module documentation.
 *
 * @example
 * ```ts
 * import { describeMetric } from "./catalogue.ts";
 * const d = describeMetric("autocorr_error_diag_gamma_n");
 * if (d?.direction !== "lower" || d.family !== "temporal") throw new Error(JSON.stringify(d));
 * if (describeMetric("no_such_metric") !== undefined) throw new Error("unknown ids are unknown");
 * ```
 */
export function describeMetric(id: string): MetricInfo | undefined {
  if (Object.hasOwn(EXACT, id)) return EXACT[id];
  if (id.startsWith("wb2_")) {
    const base = WB2.has(id.slice(4)) ? EXACT[id.slice(4)] : undefined;
    if (!base) return undefined;
    return {
      ...base,
      label: `${base.label} (data grid)`,
      family: "weather",
      description: `${base.description}, scored on the data's own grid (WeatherBench 2 weights)`,
    };
  }
  const d = DIAG.exec(id);
  if (d) {
    const [, name, part] = d;
    const who = part.endsWith("pred") ? "prediction" : "reference";
    return part.startsWith("drift")
      ? e(
        "none",
        `${name} drift (${who})`,
        "1",
        "diagnostics",
        `relative drift of the suite diagnostic ${name} from step 0, mean over ICs`,
      )
      : e(
        "none",
        `${name} (${who})`,
        "diagnostic units",
        "diagnostics",
        `suite diagnostic ${name} of the whole state, mean over ICs`,
      );
  }
  const t = TEMPORAL.exec(id);
  if (t) {
    const base = EXACT[t[1]];
    const series = t[2] === "energy" ? "energy" : t[2].slice("diag_".length);
    return {
      ...base,
      label: `${base.label} of ${series}`,
      description: `${
        base.description?.replace(" of the sampled point series", "")
          .replace(" of the point series", "")
      } of the ${series} series`,
    };
  }
  return undefined;
}

/**
 * The catalogue of the metric ids `ids` (e.g. every `metric` of a result's rows): the generic
 * entry of each ({@link describeMetric}), with a suite's declarations `overrides` taken over it
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
): MetricCatalogue {
  const out: MetricCatalogue = {};
  for (const id of [...new Set(ids)].sort()) {
    const base = describeMetric(id);
    const decl = overrides.find((o) => o.id === id);
    if (!base && !decl) {
      throw new Error(
        `No catalogue entry for metric "${id}": add it to metrics/catalogue.ts or declare it in ` +
          "the suite's metrics",
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

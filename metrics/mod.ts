/**
 * Metrics of emubench (SPEC §4): pure functions of one field (or one scalar series) that sum in
 * float64, plus the streaming {@link RolloutScorer} that applies them over ICs, steps and fields
 * and emits tidy {@link ResultRow}s.
 *
 * - `pointwise.ts`: `mse`, `rmse`, `nrmse` over one kernel, `sumSquares`.
 * - `split.ts`: Takacs dissipation / dispersion split of the MSE.
 * - `energy.ts`: `½⟨u²⟩` and per-field sums.
 * - `spectrum.ts`: shell energy spectra, 1D and isotropic 2D (Parseval-exact), and their log
 *   error, binned by band.
 * - `autocorr.ts`: temporal autocorrelation and temporal spectrum, and their errors.
 * - `fft.ts`: radix-2 FFT (power-of-two lengths) with the normalisation stated.
 * - `scorer.ts`: the streaming accumulator the rollout engine calls.
 * - `diagnostics.ts`: suite physics diagnostics (e.g. mass) and their drift over a rollout.
 * - `intervals.ts`: Wilson score interval of a proportion (stability rates).
 * - `bootstrap.ts`: seeded percentile bootstrap interval of a mean over ICs (nulls = missing).
 * - `catalogue.ts`: what every metric id means (direction, label, units, family); results carry
 *   the entries of their rows.
 * - `anchors.ts`, `anchors_tracker.ts`: PDEBench fRMSE bands, cRMSE, max error, The Well's
 *   VRMSE and bias, and their metric family.
 *
 * @example
 * ```ts
 * import { halfMeanSquare, mse, mseSplit, nrmse, spectrum1d } from "./mod.ts";
 * const y = [1, 0, -1, 0], p = [0.5, 0, -0.5, 0];
 * const { dissipation, dispersion } = mseSplit(p, y);
 * if (Math.abs(dissipation + dispersion - mse(p, y)) > 1e-16) throw new Error("split");
 * if (dispersion > 1e-30 || nrmse(p, y) !== 0.5) throw new Error("pure damping");
 * const total = spectrum1d(y).reduce((a, b) => a + b, 0);
 * if (Math.abs(total - halfMeanSquare(y)) > 1e-15) throw new Error("Parseval");
 * ```
 * @module
 */
export { meanSquare, mse, nrmse, rmse, sumSquares } from "./pointwise.ts";
export { type MseSplit, mseSplit } from "./split.ts";
export { halfMeanSquare, sumOverFields } from "./energy.ts";
export {
  type SpectralBand,
  spectralBand,
  spectrum1d,
  spectrum2d,
  spectrumError,
  type SpectrumErrorBands,
  spectrumErrorBands,
  type SpectrumErrorOptions,
} from "./spectrum.ts";
export {
  autocorrelation,
  autocorrelationError,
  temporalSpectrum,
  temporalSpectrumError,
} from "./autocorr.ts";
export { fft, rfft, rfftFull, wavenumber } from "./fft.ts";
export { RolloutScorer, scorerFeatures, type ScorerOptions } from "./scorer.ts";
export {
  DIAGNOSTICS_STATE_SCHEMA,
  diagnosticsFeatures,
  type DiagnosticsFn,
  type DiagnosticsOptions,
  type DiagnosticsState,
  DiagnosticsTracker,
} from "./diagnostics.ts";
export type { ResultRow } from "./rows.ts";
export {
  bias,
  conservedDifference,
  maxError,
  PDEBENCH_BAND_EDGES,
  pdebenchBands,
  pdebenchFourierErrors,
  vrmse,
} from "./anchors.ts";
export { ANCHORS_FAMILY, AnchorsTracker } from "./anchors_tracker.ts";
export { type Interval, wilson } from "./intervals.ts";
export {
  type BootstrapInterval,
  bootstrapMean,
  type BootstrapOptions,
  quantileSorted,
} from "./bootstrap.ts";
export {
  buildCatalogue,
  type CatalogueSection,
  describeMetric,
  METRIC_DIRECTIONS,
  type MetricCatalogue,
  type MetricDirection,
  type MetricInfo,
  type MetricOverride,
} from "./catalogue.ts";
export { describeIn, metricInfo } from "./metric_info.ts";

/**
 * Forecast baselines of the `era5` suite that need more than the generic persistence graph.
 *
 * `climatology`: the suite's analytic climatology (`suites/era5/fields.ts`)
 * clim_c(φ, d) = M_c(φ) + S_c(φ)·κ(d) with M_c = m₀ − m₂ sin²φ, S_c = −s sin φ and
 * κ(d) = cos(2π(d − 15)/365.25). The model sees only the state, not the date, so it fits the
 * seasonal phase κ from the state by weighted least squares over both fields,
 *
 *   κ̂ = Σ_c Σ_p S_c (x_c − M_c) / σ_c² / Σ_c Σ_p S_c² / σ_c²,   clipped to [−1, 1],
 *
 * (σ_c the anomaly scale of field c) and outputs M + S·κ̂ at every step. Applied to its own
 * output it returns the same κ̂, so the rollout is the climatology of the IC's season held
 * fixed. Honest for the built-in truth, whose seasonal state does not progress (solid-body
 * advection of the IC); for real data the climatology at the valid time would drift by at most
 * |dκ/dt|·10 days ≈ 0.17 of the seasonal amplitude over the 10-day horizon, and a date cannot be
 * recovered from a state (days d and 30 − d share κ), so no state-only model can follow it.
 *
 * @example
 * ```ts
 * import { climatologyGraph } from "./era5.ts";
 * const bytes = climatologyGraph(1);
 * if (bytes.length < 100) throw new Error("graph");
 * ```
 * @module
 */
import { GraphBuilder } from "../harness/onnx/graph.ts";
import { era5Variable } from "../suites/era5/fields.ts";
import { npix, pixelCentresNest } from "../suites/era5/healpix.ts";

/**
 * M_c and S_c (module doc) at the pixel centres, `[C, P]` each, for `variables` at `nside`.
 *
 * @example
 * ```ts
 * import { seasonalPatterns } from "./era5.ts";
 * const { mean, season } = seasonalPatterns(1, ["2m_temperature"]);
 * if (mean.length !== 12 || Math.abs(season[4]) > 1e-12) throw new Error("no season at the equator");
 * ```
 */
export function seasonalPatterns(
  nside: number,
  variables: readonly string[],
): { mean: Float64Array; season: Float64Array; scale: Float64Array } {
  const { theta } = pixelCentresNest(nside);
  const P = npix(nside), C = variables.length;
  const mean = new Float64Array(C * P), season = new Float64Array(C * P);
  const scale = new Float64Array(C);
  variables.forEach((name, c) => {
    const v = era5Variable(name);
    scale[c] = v.anomalyStd;
    for (let p = 0; p < P; p++) {
      const s = Math.cos(theta[p]); // sin φ
      mean[c * P + p] = v.mean - v.poleDrop * s * s;
      season[c * P + p] = -v.seasonal * s;
    }
  });
  return { mean, season, scale };
}

/**
 * The `climatology` baseline graph (module doc) for `[B, C, 12·nside²]` states:
 * `κ̂ = Clip(ReduceSum((u − M)·W), −1, 1)`, `u_next = M + κ̂·S`, with
 * W = (S/σ²) / Σ S²/σ² precomputed.
 *
 * @example
 * ```ts
 * import { climatologyGraph } from "./era5.ts";
 * if (!(climatologyGraph(2, ["geopotential_500"]) instanceof Uint8Array)) throw new Error();
 * ```
 */
export function climatologyGraph(
  nside: number,
  variables: readonly string[] = ["2m_temperature", "geopotential_500"],
): Uint8Array {
  const { mean, season, scale } = seasonalPatterns(nside, variables);
  const P = npix(nside), C = variables.length;
  let norm = 0;
  for (let k = 0; k < C * P; k++) norm += season[k] ** 2 / scale[Math.floor(k / P)] ** 2;
  const w = season.map((s, k) => s / scale[Math.floor(k / P)] ** 2 / norm);
  const g = new GraphBuilder("climatology");
  const dims = ["B", C, P];
  const u = g.input("u", dims);
  const m = g.floats(mean, [1, C, P], "clim_mean");
  const d = g.op("Sub", [u, m]);
  const k = g.op("ReduceSum", [
    g.op("Mul", [d, g.floats(w, [1, C, P], "phase_weights")]),
    g.ints([1, 2]),
  ], {
    keepdims: 1,
  });
  const kc = g.op("Clip", [k, g.scalar(-1), g.scalar(1)]);
  const out = g.op("Add", [m, g.op("Mul", [kc, g.floats(season, [1, C, P], "clim_season")])]);
  g.output(out, "u_next", dims);
  return g.build();
}

/**
 * Dissipation / dispersion split of the MSE (Takacs 1985, as used by MI2A; SPEC §4). With
 * population moments over the N grid points, `μ = ⟨u⟩`, `σ² = ⟨(u − μ)²⟩`,
 * `cov = ⟨(p − μₚ)(y − μᵧ)⟩`, `ρ = cov / (σₚσᵧ)`:
 *
 * ```
 * mse = ⟨(p − y)²⟩ = (σₚ − σᵧ)² + (μₚ − μᵧ)²   [dissipation: amplitude and mean error]
 *                  + 2(1 − ρ)σₚσᵧ            [dispersion: phase / pattern error]
 * ```
 *
 * since `⟨(p − y)²⟩ = (μₚ − μᵧ)² + σₚ² + σᵧ² − 2cov` and `2(1 − ρ)σₚσᵧ = 2(σₚσᵧ − cov)`.
 *
 * @example
 * ```ts
 * import { mseSplit } from "./split.ts";
 * const y = [1, -1, 1, -1];
 * const damped = mseSplit(y.map((v) => 0.5 * v), y); // amplitude loss only
 * if (damped.dissipation !== 0.25 || damped.dispersion !== 0) throw new Error("damping");
 * const flipped = mseSplit(y.map((v) => -v), y); // right amplitude, opposite phase
 * if (flipped.dissipation !== 0 || flipped.dispersion !== 4) throw new Error("phase");
 * ```
 * @module
 */
import { checkPair } from "./_check.ts";

/** The MSE and its two parts; `dissipation + dispersion = mse` to rounding. */
export interface MseSplit {
  /** `⟨(p − y)²⟩`, bit-identical to `mse(pred, ref)` from `pointwise.ts`. */
  mse: number;
  /** `(σₚ − σᵧ)² + (μₚ − μᵧ)²`. */
  dissipation: number;
  /** `2(1 − ρ)σₚσᵧ = 2(σₚσᵧ − cov) ≥ 0`; `0` when either field is constant (σ = 0). */
  dispersion: number;
  /** `Σ(p − y)²` in index order: `sumSquares(pred, ref)` of `pointwise.ts`, so `mse · N`. */
  sumSquaredError: number;
  /** `Σ y²` in index order: `sumSquares(ref)`, the norm `nrmse` divides by (`nrmseOfSums`). */
  refSumSquares: number;
}

/**
 * Takacs split `mse = dissipation + dispersion` of one field (population moments, float64).
 *
 * Both parts are computed from sums of squares that do not cancel, so each is accurate to
 * rounding relative to the MSE even when `p ≈ y` (where the textbook formula
 * `σₚ² + σᵧ² − 2cov` loses every digit). With `p′ = p − μₚ`, `y′ = y − μᵧ`, `d′ = p′ − y′`:
 *
 * - `σₚ − σᵧ = ⟨d′(p′ + y′)⟩ / (σₚ + σᵧ)` (difference of squares), `μₚ − μᵧ = ⟨p − y⟩`;
 * - `dispersion = σₚσᵧ⟨(p′/σₚ − y′/σᵧ)²⟩ = (σᵧ/σₚ)⟨r²⟩`, `r = d′ − y′(σₚ − σᵧ)/σᵧ`
 *   (because `⟨(p′/σₚ − y′/σᵧ)²⟩ = 2 − 2ρ`).
 *
 * When σₚ = 0 or σᵧ = 0, ρ is undefined but `cov = 0` and `σₚσᵧ = 0`, so `dispersion = 0` and
 * the identity still holds: `mse = σ² + (μₚ − μᵧ)² = dissipation`.
 *
 * The same pass also sums `Σ(p − y)²` and `Σ y²` (in index order, as `pointwise.sumSquares`
 * does), so a caller gets `nrmse` from `nrmseOfSums` without two more passes over the field.
 *
 * Throws `TypeError` on a length mismatch, `RangeError` on empty input; NaN propagates.
 *
 * @example
 * ```ts
 * import { mseSplit } from "./split.ts";
 * const y = [0, 1, 2, 3];
 * const s = mseSplit(y.map((v) => v + 2), y); // a constant offset c is pure dissipation c²
 * if (s.mse !== 4 || s.dissipation !== 4 || s.dispersion !== 0) throw new Error("offset");
 * ```
 */
export function mseSplit(pred: ArrayLike<number>, ref: ArrayLike<number>): MseSplit {
  const n = checkPair("split the mse", pred, ref);
  let sp = 0, sy = 0, sd = 0;
  for (let i = 0; i < n; i++) {
    sp += pred[i];
    sy += ref[i];
    sd += pred[i] - ref[i];
  }
  const mp = sp / n, my = sy / n, md = sd / n;
  // Same summation order as pointwise.sumSquares, so `mse` matches `mse()` bit for bit, and
  // `sse`, `yy` equal `sumSquares(pred, ref)`, `sumSquares(ref)`.
  let sse = 0, spp = 0, syy = 0, sds = 0, yy = 0;
  for (let i = 0; i < n; i++) {
    const d = pred[i] - ref[i];
    sse += d * d;
    yy += ref[i] * ref[i];
    const p1 = pred[i] - mp, y1 = ref[i] - my, d1 = d - md;
    spp += p1 * p1;
    syy += y1 * y1;
    sds += d1 * (p1 + y1);
  }
  const mse = sse / n;
  const sigmaP = Math.sqrt(spp / n), sigmaY = Math.sqrt(syy / n);
  const sigmaSum = sigmaP + sigmaY;
  const dSigma = sigmaSum > 0 ? sds / n / sigmaSum : 0;
  const dissipation = dSigma * dSigma + md * md;
  if (!(sigmaP > 0 && sigmaY > 0)) {
    // σ = 0 (or NaN input): ρ undefined, cov = 0, dispersion = 0. NaN stays NaN through mse.
    const dispersion = Number.isNaN(sse) ? NaN : 0;
    return { mse, dissipation, dispersion, sumSquaredError: sse, refSumSquares: yy };
  }
  const slope = dSigma / sigmaY;
  let srr = 0;
  for (let i = 0; i < n; i++) {
    const y1 = ref[i] - my;
    const r = pred[i] - ref[i] - md - y1 * slope;
    srr += r * r;
  }
  const dispersion = ((sigmaY / sigmaP) * srr) / n;
  return { mse, dissipation, dispersion, sumSquaredError: sse, refSumSquares: yy };
}

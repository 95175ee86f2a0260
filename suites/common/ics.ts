/**
 * Initial conditions for periodic 1D suites: random truncated Fourier series.
 *
 * IC number `i` of seed `s` is drawn from its own stream `Rng(s, i)`:
 * for k = 1 … K (K = `kMax`, default 5) in order, an amplitude `A_k ~ U(−1, 1)` then a phase
 * `φ_k ~ U(0, 2π)`, and
 *
 *   ũ(x) = Σ_{k=1}^{K} A_k sin(2πk x / L + φ_k),   u₀(x_j) = ũ(x_j) / max_j |ũ(x_j)|,
 *
 * on the grid `x_j = j L / n`. So u₀ has zero mean, `max_j |u₀(x_j)| = 1`, energy only in
 * wavenumbers 1 … K, and IC `i` does not depend on how many ICs are requested. This is the
 * amplitude/phase form of the truncated Fourier series ICs of exponax / APEBench (cutoff 5, zero
 * offset, "max one" normalisation).
 *
 * Why max|u₀| = 1: viscous Burgers obeys a maximum principle, so |u| ≤ 1 for all t; a shock of
 * jump Δu ≤ 2 has the viscous profile −(Δu/2) tanh(Δu (x − s) / 4ν) of width 4ν/Δu ≥ 0.02 at
 * ν = 0.01, i.e. at least 20 grid spacings at n = 1024, and Fourier coefficients decaying like
 * exp(−π² · 0.02 · k) ≈ 10⁻²⁹ at the 2/3-rule cutoff k = 341. Unit RMS would allow larger peaks
 * and thinner shocks for spiky draws; max-abs bounds the worst case.
 *
 * @example
 * ```ts
 * import { fourierSeriesIc } from "./ics.ts";
 * const u0 = fourierSeriesIc(64, 1, 20261123, 0);
 * const max = u0.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
 * if (Math.abs(max - 1) > 1e-15) throw new Error("max |u0| = 1");
 * ```
 * @module
 */

import { gridSize, type Suite } from "./types.ts";
import { Rng } from "../../harness/core/rng.ts";

/** Default number of Fourier modes in an IC (wavenumbers 1 … 5). */
export const DEFAULT_K_MAX = 5;

function checkCount(name: string, v: number, min: number): void {
  if (!Number.isSafeInteger(v) || v < min) {
    throw new RangeError(
      `Cannot build ICs: expected ${name} to be an integer ≥ ${min}, found ${v}`,
    );
  }
}

/**
 * The random coefficients of IC `index`: amplitudes `A_k ~ U(−1, 1)` and phases
 * `φ_k ~ U(0, 2π)` for k = 1 … kMax, drawn as A₁, φ₁, A₂, φ₂, … from `Rng(seed, index)`.
 * Entry `k − 1` of each array belongs to wavenumber k.
 *
 * @example
 * ```ts
 * import { fourierSeriesCoefficients } from "./ics.ts";
 * const { amplitude, phase } = fourierSeriesCoefficients(7, 0, 5);
 * if (amplitude.length !== 5 || phase.some((p) => p < 0 || p >= 2 * Math.PI)) throw new Error();
 * ```
 */
export function fourierSeriesCoefficients(
  seed: number,
  index: number,
  kMax: number = DEFAULT_K_MAX,
): { amplitude: Float64Array; phase: Float64Array } {
  checkCount("the IC index", index, 0);
  checkCount("kMax", kMax, 1);
  const rng = new Rng(seed, index);
  const amplitude = new Float64Array(kMax), phase = new Float64Array(kMax);
  for (let k = 0; k < kMax; k++) {
    amplitude[k] = rng.uniformIn(-1, 1);
    phase[k] = rng.uniformIn(0, 2 * Math.PI);
  }
  return { amplitude, phase };
}

/**
 * IC `index` of `seed` on an n-point periodic grid, in float64:
 * `u₀(x_j) = ũ(x_j) / max_j |ũ(x_j)|` with `ũ(x) = Σ_k A_k sin(2πk j / n + φ_k)` (the domain
 * length cancels: x_j / L = j / n).
 *
 * @example
 * ```ts
 * import { fourierSeriesIc } from "./ics.ts";
 * const u0 = fourierSeriesIc(32, 3, 1, 2); // IC 2 of seed 1, modes 1..3
 * if (Math.abs(u0.reduce((a, b) => a + b, 0)) > 1e-12) throw new Error("zero mean");
 * ```
 */
export function fourierSeriesIc(
  n: number,
  kMax: number,
  seed: number,
  index: number,
): Float64Array {
  checkCount("the grid size n", n, 1);
  if (2 * kMax >= n) {
    throw new RangeError(
      `Cannot build ICs: expected kMax < n/2 so every mode is resolved, found kMax ${kMax}, n ${n}`,
    );
  }
  const { amplitude, phase } = fourierSeriesCoefficients(seed, index, kMax);
  const u = new Float64Array(n);
  let max = 0;
  for (let j = 0; j < n; j++) {
    let s = 0;
    for (let k = 1; k <= kMax; k++) {
      s += amplitude[k - 1] * Math.sin((2 * Math.PI * k * j) / n + phase[k - 1]);
    }
    u[j] = s;
    max = Math.max(max, Math.abs(s));
  }
  if (!(max > 0)) {
    throw new RangeError(`Cannot normalise IC ${index} of seed ${seed}: max |u| is ${max}`);
  }
  for (let j = 0; j < n; j++) u[j] /= max;
  return u;
}

/**
 * `count` ICs stacked as float32 `[count, n]` (equivalently `[count, 1, n]` for one field):
 * row `i` is `Float32Array.from(fourierSeriesIc(n, kMax, seed, i))`.
 *
 * @example
 * ```ts
 * import { fourierSeriesIcs } from "./ics.ts";
 * const two = fourierSeriesIcs(2, 16, 2, 9), three = fourierSeriesIcs(3, 16, 2, 9);
 * if (two.some((v, i) => v !== three[i])) throw new Error("IC i independent of count");
 * ```
 */
export function fourierSeriesIcs(
  count: number,
  n: number,
  kMax: number,
  seed: number,
): Float32Array {
  checkCount("count", count, 0);
  const out = new Float32Array(count * n);
  for (let i = 0; i < count; i++) out.set(fourierSeriesIc(n, kMax, seed, i), i * n);
  return out;
}

/**
 * IC `index` of `seed` for any suite, `[C, X]`: `suite.initialCondition` where declared, else the
 * last state of `initialConditions(index + 1, seed)` (bit for bit the same by the contract).
 *
 * @example
 * ```ts
 * import { icAt } from "./ics.ts";
 * import { getSuite } from "../mod.ts";
 * const s = getSuite("burgers1d");
 * const all = s.initialConditions(3, 5), one = icAt(s, 2, 5);
 * if (one.some((v, i) => v !== all[2 * 1024 + i])) throw new Error("IC 2 alone = IC 2 of three");
 * ```
 */
export function icAt(suite: Suite, index: number, seed: number): Float32Array {
  if (!Number.isSafeInteger(index) || index < 0) {
    throw new RangeError(`Cannot draw ${suite.id} IC: expected index ≥ 0, found ${index}`);
  }
  if (suite.initialCondition) return suite.initialCondition(index, seed);
  const S = suite.fields.length * gridSize(suite.grid);
  return suite.initialConditions(index + 1, seed).slice(index * S, (index + 1) * S);
}

/**
 * Fit a translation-invariant linear stencil `u^{n+1}_i ≈ Σ_j a_j u^n_{i+j−h}` to trajectories by
 * ordinary least squares (normal equations in float64, solved by Cholesky with a tiny ridge for
 * conditioning). This is the "learned linear stencil" baseline: the best linear, local,
 * shift-invariant one-step map the training data admits.
 *
 * @example
 * ```ts
 * import { fitStencil } from "./least_squares.ts";
 * // Data from an exact shift by one cell: the fit recovers [1, 0, 0] (u_i ← u_{i−1}).
 * const x = Float32Array.from({ length: 64 }, (_, i) => Math.sin(i) + Math.cos(3 * i));
 * const y = x.map((_, i) => x[(i + 63) % 64]);
 * const a = fitStencil([[x, y]], 1);
 * if (Math.abs(a[0] - 1) > 1e-6 || Math.abs(a[1]) > 1e-6) throw new Error(a.join());
 * ```
 * @module
 */

/**
 * Least-squares stencil of half-width `h` from `(input, target)` pairs of periodic 1D fields.
 * `ridge` is relative to the mean diagonal of the normal matrix.
 */
export function fitStencil(
  pairs: Iterable<readonly [ArrayLike<number>, ArrayLike<number>]>,
  h: number,
  ridge = 1e-10,
): Float64Array {
  const K = 2 * h + 1;
  const A = new Float64Array(K * K), b = new Float64Array(K);
  const row = new Float64Array(K);
  for (const [x, y] of pairs) {
    const n = x.length;
    if (y.length !== n) {
      throw new TypeError(`Cannot fit stencil: input has ${n} points, target has ${y.length}`);
    }
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < K; j++) row[j] = x[(((i + j - h) % n) + n) % n];
      const t = y[i];
      for (let p = 0; p < K; p++) {
        b[p] += row[p] * t;
        for (let q = p; q < K; q++) A[p * K + q] += row[p] * row[q];
      }
    }
  }
  let trace = 0;
  for (let p = 0; p < K; p++) {
    for (let q = 0; q < p; q++) A[p * K + q] = A[q * K + p];
    trace += A[p * K + p];
  }
  for (let p = 0; p < K; p++) A[p * K + p] += (ridge * trace) / K;
  return choleskySolve(A, b, K);
}

/** Solve `A x = b` for symmetric positive definite `A` (row-major K×K). */
export function choleskySolve(A: Float64Array, b: Float64Array, K: number): Float64Array {
  const L = new Float64Array(K * K);
  for (let i = 0; i < K; i++) {
    for (let j = 0; j <= i; j++) {
      let s = A[i * K + j];
      for (let k = 0; k < j; k++) s -= L[i * K + k] * L[j * K + k];
      if (i === j) {
        if (!(s > 0)) {
          throw new RangeError(
            `Cannot solve: matrix is not positive definite (pivot ${i} is ${s})`,
          );
        }
        L[i * K + i] = Math.sqrt(s);
      } else L[i * K + j] = s / L[j * K + j];
    }
  }
  const z = new Float64Array(K), x = new Float64Array(K);
  for (let i = 0; i < K; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= L[i * K + k] * z[k];
    z[i] = s / L[i * K + i];
  }
  for (let i = K - 1; i >= 0; i--) {
    let s = z[i];
    for (let k = i + 1; k < K; k++) s -= L[k * K + i] * x[k];
    x[i] = s / L[i * K + i];
  }
  return x;
}

/**
 * Largest amplification factor of a centred stencil over the resolved wavenumbers of an
 * n-point grid (von Neumann): `max_θ |g(θ)|`, `g(θ) = Σ_j a_j e^{iθ(j−h)}`, θ = 2πq/n,
 * q = 0..n/2. A one-step linear map is stable under repeated application iff this is ≤ 1.
 *
 * @example
 * ```ts
 * import { amplificationMax } from "./least_squares.ts";
 * if (Math.abs(amplificationMax([0.25, 0.5, 0.25], 64) - 1) > 1e-15) throw new Error(); // at θ = 0
 * ```
 */
export function amplificationMax(a: ArrayLike<number>, n: number): number {
  const h = (a.length - 1) / 2;
  let max = 0;
  for (let q = 0; q <= n / 2; q++) {
    const th = (2 * Math.PI * q) / n;
    let re = 0, im = 0;
    for (let j = 0; j < a.length; j++) {
      re += a[j] * Math.cos(th * (j - h));
      im += a[j] * Math.sin(th * (j - h));
    }
    max = Math.max(max, Math.hypot(re, im));
  }
  return max;
}

/**
 * The least-regularised stable fit: {@link fitStencil} with ridge 10⁻¹⁰, 10⁻⁹, …, 10⁻¹ (relative
 * to the mean diagonal), returning the first whose amplification factor on an n-point grid is
 * ≤ 1 + `tolerance`. Band-limited training data leave high wavenumbers unconstrained, and an
 * unregularised fit amplifies them (|g| up to 10² on the burgers1d training set), so the rollout
 * blows up; Tikhonov regularisation damps exactly those directions.
 */
export function fitStableStencil(
  pairs: () => Iterable<readonly [ArrayLike<number>, ArrayLike<number>]>,
  h: number,
  n: number,
  tolerance = 1e-6,
): { stencil: Float64Array; ridge: number; amplification: number } {
  let last: { stencil: Float64Array; ridge: number; amplification: number } | undefined;
  for (let e = -10; e <= -1; e++) {
    const ridge = 10 ** e;
    const stencil = fitStencil(pairs(), h, ridge);
    last = { stencil, ridge, amplification: amplificationMax(stencil, n) };
    if (last.amplification <= 1 + tolerance) return last;
  }
  return last!;
}

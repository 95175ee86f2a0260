/**
 * Exact solver for linear convection `u_t + β u_x = 0` on the periodic interval [0, L).
 *
 * The solution is the translate `u(x, t) = u₀(x − βt)`. For a grid function it is applied to the
 * trigonometric interpolant of u₀, exactly, in Fourier space: with the forward DFT
 * `û_k = Σ_j u_j e^{−2πi jk/n}` and signed wavenumbers k ∈ (−n/2, n/2],
 *
 *   û_k(t) = û_k(0) · e^{−2πi k s},   s = βt / L (shift in domain lengths),
 *
 * except the Nyquist mode k = n/2, whose multiplier is the real `cos(π n s)` (the real part of
 * the shifted interpolant, which keeps real data real). For ICs band-limited below n/2 this is
 * the exact solution at the grid points, up to FFT rounding (≈ 1e-15 relative). The phase is
 * reduced as `2π (ks − round(ks))`, so whole periods (integer s) return the IC to rounding.
 *
 * Every multiplier is Hermitian (`m_{−k} = conj(m_k)`, Nyquist real), so a real state stays
 * real: reference trajectories keep one IC's half spectrum k = 0 … n/2 and use real-input
 * transforms (`rfftInto`, `irfftInto`: a complex FFT of length n/2 each), one IC at a time (suite
 * 1.1.0; 1.0.0 packed two ICs into one complex FFT of length n, `z = u₁ + i u₂`).
 *
 * @example
 * ```ts
 * import { convectionShift } from "./solver.ts";
 * const n = 16, u0 = Array.from({ length: n }, (_, j) => Math.sin((2 * Math.PI * j) / n));
 * const u = convectionShift(u0, 0.25); // quarter period: sin(2π(x − 1/4)) = −cos 2πx
 * if (Math.abs(u[0] + 1) > 1e-14) throw new Error("shift");
 * ```
 * @module
 */

import { fft, fftPassesAt, fftTables, rfftInto, wavenumber } from "../../metrics/fft.ts";
import type { Progress } from "../common/types.ts";
import { ShiftKernel } from "./shift_simd.ts";

/** Physical parameters of linear convection. */
export interface ConvectionParams {
  /** Advection speed β (default 1). */
  readonly beta?: number;
  /** Domain length L (default 1). */
  readonly length?: number;
}

/**
 * Write the shift multipliers `m_k = e^{−2πi k s}` (Nyquist: `cos(π n s)`) into `(mr, mi)`.
 */
function shiftMultipliers(n: number, s: number, mr: Float64Array, mi: Float64Array): void {
  for (let k = 0; k < n; k++) {
    const kw = wavenumber(k, n);
    let a = kw * s;
    a -= Math.round(a);
    const theta = -2 * Math.PI * a;
    if (2 * k === n) {
      mr[k] = Math.cos(theta);
      mi[k] = 0;
    } else {
      mr[k] = Math.cos(theta);
      mi[k] = Math.sin(theta);
    }
  }
}

function checkFinite(name: string, v: number): void {
  if (!Number.isFinite(v)) {
    throw new RangeError(`Cannot solve convection: expected a finite ${name}, found ${v}`);
  }
}

/**
 * Exact solution at time `t` of one state u₀ (length n, a power of two): `u(x_j, t) = u₀(x_j − βt)`
 * by the spectral shift `û_k ← û_k e^{−2πi k βt/L}`. Returns float64.
 *
 * @example
 * ```ts
 * import { convectionShift } from "./solver.ts";
 * const u0 = [0, 1, 0, -1];
 * const u = convectionShift(u0, 1, { beta: 1, length: 1 }); // one full period
 * if (u.some((v, j) => Math.abs(v - u0[j]) > 1e-15)) throw new Error("period");
 * ```
 */
export function convectionShift(
  u0: ArrayLike<number>,
  t: number,
  params: ConvectionParams = {},
): Float64Array {
  const beta = params.beta ?? 1, length = params.length ?? 1;
  checkFinite("time", t);
  checkFinite("beta", beta);
  if (!(length > 0) || !Number.isFinite(length)) {
    throw new RangeError(`Cannot solve convection: expected a positive length, found ${length}`);
  }
  const n = u0.length;
  const re = Float64Array.from(u0 as ArrayLike<number>), im = new Float64Array(n);
  const mr = new Float64Array(n), mi = new Float64Array(n);
  fft(re, im);
  shiftMultipliers(n, (beta * t) / length, mr, mi);
  for (let k = 0; k < n; k++) {
    const r = re[k] * mr[k] - im[k] * mi[k];
    im[k] = re[k] * mi[k] + im[k] * mr[k];
    re[k] = r;
  }
  fft(re, im, true);
  return re;
}

/**
 * One step of a trajectory: the product of the half spectrum (`zr`, `zi`, k = 0 … n/2) with the
 * multiplier row at `o` of (`tr`, `ti`), then the inverse real transform of it into `out` from
 * `x0`: `irfftInto(w, 0, 1, n, out, x0)` of `metrics/fft.ts` with the same arithmetic in the same
 * order, three of its passes folded into neighbours. The product is formed where the
 * half-spectrum unpacking reads it: each bin's product w_k feeds the unpacked values k and
 * n/2 − k, so bins k and n/2 − k are taken together and each product is formed once, with the
 * same operations as a separate product loop (w = z·m: re z·re m − im z·im m,
 * re z·im m + im z·re m); the unpacking writes each value straight to its bit-reversed position
 * (`fftPassesAt` then runs the butterflies alone); the inverse's 1/m (m = n/2) is applied while
 * the float32 row is written (x·(1/m), exact for m = 2^b, is the transform's own scaling). The
 * same bits as that product loop followed by `irfftInto` (`solver_test.ts`).
 * n ≥ 2, a power of two; `sr`, `si` of length n/2.
 */
export function shiftRow(
  zr: Float64Array,
  zi: Float64Array,
  tr: Float64Array,
  ti: Float64Array,
  o: number,
  n: number,
  out: Float32Array,
  x0: number,
  sr: Float64Array,
  si: Float64Array,
): void {
  const { cos, sin } = fftTables(n), m = n >> 1, { rev } = fftTables(m);
  for (let k = 0; 2 * k <= m; k++) {
    const j = m - k;
    const ar = tr[o + k], ai = ti[o + k], br = tr[o + j], bi = ti[o + j];
    const pr = zr[k] * ar - zi[k] * ai, pi = zr[k] * ai + zi[k] * ar; // w_k
    const qr = zr[j] * br - zi[j] * bi, qi = zr[j] * bi + zi[j] * br; // w_{m−k}
    {
      // unpacked value k: a = re w_k, c = re w_{m−k}; bins 0 and n/2 real
      const b = k === 0 ? 0 : pi, d = k === 0 ? 0 : qi;
      const er = 0.5 * (pr + qr), ei = 0.5 * (b - d);
      const dr = 0.5 * (pr - qr), di = 0.5 * (b + d);
      const cr = cos[k], ci = sin[k];
      const or = dr * cr - di * ci, oi = dr * ci + di * cr;
      const r = rev[k];
      sr[r] = er - oi;
      si[r] = ei + or;
    }
    if (k !== 0 && j !== k) {
      // unpacked value m − k: a = re w_{m−k}, c = re w_k
      const er = 0.5 * (qr + pr), ei = 0.5 * (qi - pi);
      const dr = 0.5 * (qr - pr), di = 0.5 * (qi + pi);
      const cr = cos[j], ci = sin[j];
      const or = dr * cr - di * ci, oi = dr * ci + di * cr;
      const r = rev[j];
      sr[r] = er - oi;
      si[r] = ei + or;
    }
  }
  fftPassesAt(sr, si, 0, m, true, true, false);
  const s = 1 / m;
  for (let j = 0; j < m; j++) {
    out[x0 + 2 * j] = sr[j] * s;
    out[x0 + 2 * j + 1] = si[j] * s;
  }
}

/** The last {@link multiplierTable}: reference jobs of one IC each reuse it. */
let lastTable:
  | { key: string; tr: Float64Array; ti: Float64Array; kernel?: ShiftKernel | null }
  | undefined;

/**
 * Shift multipliers of steps 1..`steps` for the half spectrum k = 0 … n/2, one row of n/2 + 1 per
 * step (`û_k(t_m) = û_k(0)·m_k(m·dt)`), shared by all ICs of a call and kept for the next call
 * with the same arguments: the reference pool computes one IC per job, and without the cache each
 * IC paid the whole table again (trigonometric calls per step, about 3/4 of a lone IC's time at
 * n = 1024). The same numbers either way, so the same bits. Held: `steps·(n/2 + 1)` pairs of
 * float64 (1.6 MB at 200 × 1024).
 */
function multiplierTable(
  n: number,
  steps: number,
  dt: number,
  beta: number,
  length: number,
): { tr: Float64Array; ti: Float64Array; kernel?: ShiftKernel | null } {
  const key = `${n} ${steps} ${dt} ${beta} ${length}`;
  if (lastTable?.key === key) return lastTable;
  const h = (n >> 1) + 1, tr = new Float64Array(steps * h), ti = new Float64Array(steps * h);
  const mr = new Float64Array(n), mi = new Float64Array(n);
  for (let m = 1; m <= steps; m++) {
    shiftMultipliers(n, (beta * m * dt) / length, mr, mi);
    tr.set(mr.subarray(0, h), (m - 1) * h);
    ti.set(mi.subarray(0, h), (m - 1) * h);
  }
  lastTable = { key, tr, ti };
  return lastTable;
}

/**
 * Reference trajectories for a batch: `ics` is `[count, n]` (one field), the result is float32
 * `[count, steps + 1, n]` with step `m` the exact solution at `t = m·dt`
 * (`û_k(t_m) = û_k(0) e^{−2πi k β m dt / L}`, computed in float64 from the IC, not by repeated
 * stepping, so there is no accumulation). Step 0 is the IC itself.
 * `progress(done, total)` counts IC-steps.
 *
 * Per IC (n a power of two): the half spectrum of the IC (`rfftInto`, once); per step the product
 * with the step's row of multipliers (k = 0 … n/2) and the inverse real transform, writing the
 * float32 row ({@link shiftRow}: the product and `irfftInto`'s arithmetic, fused). Since suite 1.1.0 (2026-12-03); 1.0.0 ran complex transforms of
 * length n on two ICs at once, whose round-off coupled the pair. Not one float32 value of the
 * smoke or standard tier's reference moved (the float64 round-off did).
 *
 * @example
 * ```ts
 * import { convectionTrajectories } from "./solver.ts";
 * const ics = new Float32Array([0, 1, 0, -1]);
 * const traj = convectionTrajectories(ics, 1, 4, 2, 0.25); // [1, 3, 4]
 * if (Math.abs(traj[4 + 0] - -1) > 1e-7) throw new Error("quarter shift"); // sin(2π(0 − 1/4))
 * ```
 */
export function convectionTrajectories(
  ics: Float32Array | Float64Array,
  count: number,
  n: number,
  steps: number,
  dt: number,
  params: ConvectionParams = {},
  progress?: Progress,
): Float32Array {
  const size = count * (steps + 1) * n;
  const out = new Float32Array(Number.isSafeInteger(size) && size > 0 ? size : 0);
  return convectionTrajectoriesInto(out, ics, count, n, steps, dt, params, progress);
}

/**
 * {@link convectionTrajectories} written into `out` (float32 `[count, steps + 1, n]`, every value
 * overwritten), for callers that reuse one buffer (`yardstick_bench.ts` times the steps without a
 * fresh trajectory's allocation, as the other suites' cases step a state they keep). The same
 * values. Steps run two at a time in WebAssembly SIMD where it is available and n ≥ 16
 * (`shift_simd.ts`: lane 0 one step, lane 1 the next, each lane `shiftRow`'s operations in the
 * same order, so the same bits; 4.5–5 → about 2.5–3 µs per step at n = 1024), the last of an
 * odd count in TypeScript; `simd` false runs every step through {@link shiftRow} (tests compare
 * the two). Throws `TypeError` when `out` has another length.
 *
 * @example
 * ```ts
 * import { convectionTrajectories, convectionTrajectoriesInto } from "./solver.ts";
 * const ics = new Float32Array([0, 1, 0, -1]), out = new Float32Array(3 * 4);
 * convectionTrajectoriesInto(out, ics, 1, 4, 2, 0.25);
 * const fresh = convectionTrajectories(ics, 1, 4, 2, 0.25);
 * if (out.some((v, k) => v !== fresh[k])) throw new Error("same values");
 * ```
 */
export function convectionTrajectoriesInto(
  out: Float32Array,
  ics: Float32Array | Float64Array,
  count: number,
  n: number,
  steps: number,
  dt: number,
  params: ConvectionParams = {},
  progress?: Progress,
  simd = true,
): Float32Array {
  const beta = params.beta ?? 1, length = params.length ?? 1;
  checkFinite("dt", dt);
  checkFinite("beta", beta);
  if (!Number.isSafeInteger(count) || count < 0 || !Number.isSafeInteger(steps) || steps < 0) {
    throw new RangeError(
      `Cannot solve convection: expected integer count ≥ 0 and steps ≥ 0, found ${count}, ${steps}`,
    );
  }
  if (ics.length !== count * n) {
    throw new TypeError(
      `Cannot solve convection: expected ${count}·${n} = ${
        count * n
      } IC values, found ${ics.length}`,
    );
  }
  if (out.length !== count * (steps + 1) * n) {
    throw new TypeError(
      `Cannot solve convection: expected an output of ${count}·${
        steps + 1
      }·${n} values, found ${out.length}`,
    );
  }
  if (count === 0 || n === 0) return out;
  if (n === 1) {
    // one point: the only mode k = 0 has multiplier 1
    for (let i = 0; i < count; i++) out.fill(ics[i], i * (steps + 1), (i + 1) * (steps + 1));
    progress?.(count * steps, count * steps);
    return out;
  }
  const table = multiplierTable(n, steps, dt, beta, length), { tr, ti } = table;
  // two steps per WebAssembly SIMD instruction (`shift_simd.ts`, the same bits), made once per
  // table and kept with it
  if (simd && table.kernel === undefined) table.kernel = ShiftKernel.make(n, steps, tr, ti);
  const kernel = simd ? table.kernel ?? null : null;
  const h = (n >> 1) + 1;
  const zr = new Float64Array(h), zi = new Float64Array(h); // the IC's half spectrum
  const sr = new Float64Array(n >> 1), si = new Float64Array(n >> 1); // the transforms' work
  const total = count * steps;
  for (let i = 0; i < count; i++) {
    const row = i * (steps + 1) * n;
    out.set(ics.subarray(i * n, (i + 1) * n), row);
    rfftInto(ics, i * n, n, zr, zi, 0, 1, sr, si);
    let m = 1;
    if (kernel !== null) {
      kernel.rowsInto(zr, zi, out, row + n);
      for (; m <= 2 * kernel.pairs; m++) progress?.(i * steps + m, total);
    }
    for (; m <= steps; m++) {
      shiftRow(zr, zi, tr, ti, (m - 1) * h, n, out, row + m * n, sr, si);
      progress?.(i * steps + m, total);
    }
  }
  return out;
}

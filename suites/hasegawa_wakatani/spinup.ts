/**
 * Spun-up turbulent initial conditions of the `hasegawa_wakatani` suite: the recipe as data, the
 * functions that carry it out, and a small on-disk cache of the shared spun-up state.
 *
 * Recipe ({@link HW_SPINUP}; every number is part of the suite version):
 *
 * 1. **Base state of a seed** (computed once per seed and machine, then cached): white noise
 *    n, φ ~ N(0, a₀²) per point (`Rng(seed, 0)`, `Rng(seed, 1)`) on the coarse grid
 *    (`coarseN`², ν scaled by (fineN/coarseN)⁶ so the grid-scale damping rate matches the fine
 *    grid), run for `coarseTime` (linear growth and nonlinear saturation), zero-padded
 *    spectrally to `fineN`², run for `fineTime` at the suite's physics (fills and equilibrates
 *    the small scales).
 * 2. **IC i** = base state + white noise N(0, a_b²) in n and φ (`Rng(seed, 2 + 2i)`,
 *    `Rng(seed, 3 + 2i)`), run for `branchTime`: chaotic divergence makes the branches
 *    independent samples of the turbulent state. IC i depends only on (seed, i).
 *
 * The coarse spin-up is a speed device (a 64² step costs ≈ ¼ of a 128² step); its statistics
 * are not used. The statistics of the ICs are those of the fine-grid run after `fineTime` +
 * `branchTime`, checked in `statistics.ts` against a long fine-grid run from noise.
 *
 * @example
 * ```ts
 * import { HW_SPINUP, upsampleState } from "./spinup.ts";
 * import { HasegawaWakatani } from "./solver.ts";
 * const small = new HasegawaWakatani({ n: 8 }), big = new HasegawaWakatani({ n: 16 });
 * const s = small.randomState(1, 1);
 * const u = upsampleState(small, s, big);
 * const e1 = small.diagnostics(s).energy, e2 = big.diagnostics(u).energy;
 * if (Math.abs(e1 - e2) > 1e-12 * e1 || HW_SPINUP.fineN !== 128) throw new Error("padding keeps E");
 * ```
 * @module
 */

import { wavenumber } from "../../metrics/fft.ts";
import { Rng } from "../../harness/core/rng.ts";
import { HasegawaWakatani, type HasegawaWakataniOptions, type HWState } from "./solver.ts";

/** The spin-up recipe (see module docs). Times in the suite's time units. */
export interface HWSpinupRecipe {
  /** Fine (suite) grid points per side. */
  readonly fineN: number;
  /** Coarse grid of the first spin-up phase. */
  readonly coarseN: number;
  /** Noise amplitude a₀ of the initial perturbation. */
  readonly noiseAmplitude: number;
  /** Time run on the coarse grid. */
  readonly coarseTime: number;
  /** Time run on the fine grid after padding. */
  readonly fineTime: number;
  /** Amplitude a_b of the per-IC branch perturbation. */
  readonly branchAmplitude: number;
  /** Time each branch is run before it becomes an IC. */
  readonly branchTime: number;
  /** RK4 step h of the solver (both grids). */
  readonly h: number;
}

/**
 * The suite's recipe (data; part of the suite version).
 *
 * @example
 * ```ts
 * import { HW_SPINUP } from "./spinup.ts";
 * if (HW_SPINUP.coarseTime + HW_SPINUP.fineTime + HW_SPINUP.branchTime !== 200) throw new Error("t");
 * ```
 */
export const HW_SPINUP: HWSpinupRecipe = {
  fineN: 128,
  coarseN: 64,
  noiseAmplitude: 1e-2,
  coarseTime: 150,
  fineTime: 30,
  branchAmplitude: 0.1,
  branchTime: 20,
  h: 0.05,
};

/** Physics shared by every phase (the fine grid's ν; the coarse grid scales it by (n/n_c)⁶). */
export type HWPhysics = Omit<HasegawaWakataniOptions, "n"> & { readonly nu: number };

/**
 * Zero-pad the spectra of a state on `from`'s grid onto the finer grid of `to` (same box):
 * mode (k_x, k_y) keeps its value times (n_to/n_from)² (unnormalised DFT), every new mode is 0.
 * Physical fields are the same band-limited functions, so E, U, Γⁿ are unchanged.
 *
 * @example
 * ```ts
 * import { upsampleState } from "./spinup.ts";
 * import { HasegawaWakatani } from "./solver.ts";
 * const a = new HasegawaWakatani({ n: 8 }), b = new HasegawaWakatani({ n: 32 });
 * const s = a.randomState(3, 1);
 * const g = Math.abs(a.diagnostics(s).gammaN - b.diagnostics(upsampleState(a, s, b)).gammaN);
 * if (g > 1e-14) throw new Error("Γⁿ kept");
 * ```
 */
export function upsampleState(from: HasegawaWakatani, s: HWState, to: HasegawaWakatani): HWState {
  const m = from.n, n = to.n;
  if (n < m || Math.abs(from.grid.length - to.grid.length) > 1e-12 * to.grid.length) {
    throw new RangeError(
      `Cannot upsample HW state: expected a finer grid on the same box, found ${m}² → ${n}²`,
    );
  }
  const out = to.createState(), scale = (n / m) ** 2;
  for (let q = 0; q < m; q++) {
    const ky = wavenumber(q, m);
    if (2 * Math.abs(ky) === m) continue; // Nyquist rows are outside the 2/3 band anyway
    const qq = ky < 0 ? ky + n : ky;
    for (let p = 0; p < m; p++) {
      const kx = wavenumber(p, m);
      if (2 * Math.abs(kx) === m) continue;
      const src = q * m + p, dst = qq * n + (kx < 0 ? kx + n : kx);
      out.nRe[dst] = scale * s.nRe[src];
      out.nIm[dst] = scale * s.nIm[src];
      out.omegaRe[dst] = scale * s.omegaRe[src];
      out.omegaIm[dst] = scale * s.omegaIm[src];
    }
  }
  return out;
}

/**
 * Advance `s` by `time` in RK4 steps of `h` (`time/h` must be a whole number), projecting onto
 * real fields after every step (`HasegawaWakatani.projectReal`).
 *
 * @example
 * ```ts
 * import { advance } from "./spinup.ts";
 * import { HasegawaWakatani } from "./solver.ts";
 * const hw = new HasegawaWakatani({ n: 8, k0: 1, c1: 0, kappa: 0, nu: 0.01 });
 * const s = hw.createState();
 * s.nRe[1] = s.nRe[7] = 1; // a real cos(x) mode decays at ν|κ|⁶ = 0.01
 * advance(hw, s, 1, 0.25);
 * if (Math.abs(s.nRe[1] - Math.exp(-0.01)) > 1e-12) throw new Error("decay");
 * ```
 */
export function advance(hw: HasegawaWakatani, s: HWState, time: number, h: number): void {
  const steps = Math.round(time / h);
  if (Math.abs(steps * h - time) > 1e-9 * Math.max(1, time)) {
    throw new RangeError(`Cannot advance HW state: time ${time} is not a multiple of h = ${h}`);
  }
  for (let i = 0; i < steps; i++) {
    hw.step(s, h);
    hw.projectReal(s);
  }
}

/**
 * n, φ white noise N(0, a²) per grid point from `Rng(seed, stream)` (n) and
 * `Rng(seed, stream + 1)` (φ), projected onto `hw`'s state space (2/3 band, zero mean).
 *
 * @example
 * ```ts
 * import { noiseState } from "./spinup.ts";
 * import { HasegawaWakatani } from "./solver.ts";
 * const hw = new HasegawaWakatani({ n: 8 });
 * if (noiseState(hw, 1, 2, 0.1).nRe[1] === noiseState(hw, 1, 4, 0.1).nRe[1]) throw new Error("streams");
 * ```
 */
export function noiseState(hw: HasegawaWakatani, seed: number, stream: number, a: number): HWState {
  const size = hw.grid.size, n = new Float64Array(size), phi = new Float64Array(size);
  const rn = new Rng(seed, stream), rp = new Rng(seed, stream + 1);
  for (let k = 0; k < size; k++) {
    n[k] = a * rn.normal();
    phi[k] = a * rp.normal();
  }
  return hw.fromPhysical(n, phi);
}

/**
 * Step 1 of the recipe: the base state of `seed` on the fine grid (see module docs).
 *
 * @example
 * ```ts
 * import { baseState } from "./spinup.ts";
 * import { HasegawaWakatani } from "./solver.ts";
 * const r = { fineN: 16, coarseN: 8, noiseAmplitude: 1e-2, coarseTime: 0.1, fineTime: 0.1,
 *   branchAmplitude: 1e-2, branchTime: 0.1, h: 0.05 };
 * const s = baseState({ nu: 1e-3 }, r, 1);
 * if (!(new HasegawaWakatani({ n: 16 }).diagnostics(s).energy > 0)) throw new Error("E > 0");
 * ```
 */
export function baseState(physics: HWPhysics, recipe: HWSpinupRecipe, seed: number): HWState {
  const ratio = recipe.fineN / recipe.coarseN;
  const coarse = new HasegawaWakatani({
    ...physics,
    n: recipe.coarseN,
    nu: physics.nu * ratio ** 6,
  });
  const fine = new HasegawaWakatani({ ...physics, n: recipe.fineN });
  const s = noiseState(coarse, seed, 0, recipe.noiseAmplitude);
  advance(coarse, s, recipe.coarseTime, recipe.h);
  const f = upsampleState(coarse, s, fine);
  advance(fine, f, recipe.fineTime, recipe.h);
  return f;
}

/**
 * Step 2 of the recipe: IC `index` branched off `base` (not modified).
 *
 * @example
 * ```ts
 * import { branchState, HW_SPINUP } from "./spinup.ts";
 * import { HasegawaWakatani } from "./solver.ts";
 * const hw = new HasegawaWakatani({ n: 16 });
 * const base = hw.randomState(1, 1);
 * const r = { ...HW_SPINUP, fineN: 16, branchTime: 0.1 };
 * const a = branchState(hw, base, r, 1, 0), b = branchState(hw, base, r, 1, 1);
 * if (a.nRe[1] === b.nRe[1]) throw new Error("branches differ");
 * ```
 */
export function branchState(
  hw: HasegawaWakatani,
  base: HWState,
  recipe: HWSpinupRecipe,
  seed: number,
  index: number,
): HWState {
  if (!Number.isSafeInteger(index) || index < 0) {
    throw new RangeError(`Cannot branch HW IC: expected index ≥ 0, found ${index}`);
  }
  const s = noiseState(hw, seed, 2 + 2 * index, recipe.branchAmplitude);
  for (const key of ["nRe", "nIm", "omegaRe", "omegaIm"] as const) {
    const a = s[key], b = base[key];
    for (let k = 0; k < a.length; k++) a[k] += b[k];
  }
  advance(hw, s, recipe.branchTime, recipe.h);
  return s;
}

/**
 * FNV-1a (32-bit) of bytes, as 8 hex digits: a cheap integrity check of cache files.
 *
 * @example
 * ```ts
 * import { fnv1a } from "./spinup.ts";
 * if (fnv1a(new TextEncoder().encode("a")) !== "e40c292c") throw new Error("FNV-1a");
 * ```
 */
export function fnv1a(bytes: Uint8Array): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i], 0x01000193) >>> 0;
  return h.toString(16).padStart(8, "0");
}

/**
 * The base state of `seed`, read from `<dir>/base-seed<seed>-<key>.f64` when present and intact
 * (length and FNV-1a checksum in the file name's sidecar `.json`), else computed by
 * {@link baseState} and written there (tmp file + rename). `key` must change whenever physics or
 * recipe do (the suite passes its version and a digest of both). Any file-system error (no
 * permission, read-only disk) falls back to computing without caching.
 *
 * @example
 * ```ts
 * import { cachedBaseState, HW_SPINUP } from "./spinup.ts";
 * const r = { ...HW_SPINUP, fineN: 16, coarseN: 8, coarseTime: 0.1, fineTime: 0.1 };
 * const dir = await Deno.makeTempDir();
 * const a = cachedBaseState({ nu: 1e-3 }, r, 1, dir, "k"), b = cachedBaseState({ nu: 1e-3 }, r, 1, dir, "k");
 * if (a.nRe[1] !== b.nRe[1]) throw new Error("cache hit");
 * ```
 */
export function cachedBaseState(
  physics: HWPhysics,
  recipe: HWSpinupRecipe,
  seed: number,
  dir: string | undefined,
  key: string,
  log: (m: string) => void = () => {},
): HWState {
  const size = recipe.fineN * recipe.fineN;
  const path = dir === undefined ? undefined : `${dir}/base-seed${seed}-${key}.f64`;
  if (path) {
    try {
      const bytes = Deno.readFileSync(path);
      const meta = JSON.parse(Deno.readTextFileSync(`${path}.json`));
      if (bytes.length === 4 * size * 8 && meta.fnv1a === fnv1a(bytes)) {
        const all = new Float64Array(bytes.buffer, bytes.byteOffset, 4 * size);
        return {
          nRe: all.slice(0, size),
          nIm: all.slice(size, 2 * size),
          omegaRe: all.slice(2 * size, 3 * size),
          omegaIm: all.slice(3 * size),
        };
      }
      log(`hasegawa_wakatani: spin-up cache ${path} is corrupt; recomputing`);
    } catch {
      // absent or unreadable: compute below
    }
  }
  const s = baseState(physics, recipe, seed);
  if (path && dir) {
    try {
      const all = new Float64Array(4 * size);
      all.set(s.nRe, 0);
      all.set(s.nIm, size);
      all.set(s.omegaRe, 2 * size);
      all.set(s.omegaIm, 3 * size);
      const bytes = new Uint8Array(all.buffer);
      Deno.mkdirSync(dir, { recursive: true });
      const tmp = `${path}.tmp-${Deno.pid}-${Math.random().toString(36).slice(2)}`;
      Deno.writeFileSync(tmp, bytes);
      Deno.writeTextFileSync(`${tmp}.json`, JSON.stringify({ fnv1a: fnv1a(bytes), seed, recipe }));
      Deno.renameSync(`${tmp}.json`, `${path}.json`);
      Deno.renameSync(tmp, path);
    } catch (e) {
      log(`hasegawa_wakatani: could not cache the spin-up state (${(e as Error).message})`);
    }
  }
  return s;
}

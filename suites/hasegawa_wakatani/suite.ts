/**
 * Suite `hasegawa_wakatani`: Hasegawa–Wakatani drift-wave turbulence as written in SPEC §3 and
 * solved by hw2d — coupling c₁(φ − n) on every non-mean mode (`modified: false` in `solver.ts`;
 * see the data card for why) — with c₁ = 1, κ = 1, k₀ = 0.15 (box side 2π/k₀ ≈ 41.9),
 * hyperdiffusion ν∇⁶ with ν = {@link HW_NU}, on a 128² grid, fields (n, φ), Δt = 1 time unit per
 * model step (20 RK4 steps of h = 0.05), 100-step standard horizon. ICs are spun-up turbulent
 * states (`spinup.ts`); ground truth is the dealiased pseudo-spectral RK4 solver of `solver.ts`,
 * validated in `solver_test.ts` (data card `README.md`).
 *
 * The model state is `[B, 2, 128, 128]` = (n, φ) on the grid points `x_i = iL/128` (row j = y,
 * column i = x). Derived quantities, computed from (n, φ) identically for prediction and
 * reference ({@link hwFieldDiagnostics}; spectral derivatives of the full 128² spectra):
 *
 * - energy `E = ½⟨n² + |∇φ|²⟩`;
 * - diagnostics `{ gamma_n: −⟨n ∂ᵧφ⟩, gamma_c: c₁⟨(n − φ)²⟩ (means removed), energy: E,
 *   enstrophy: U = ½⟨(n − Ω)²⟩ }` with Ω = ∇²φ spectrally;
 * - spectrum: `spectrum2d` of the field itself (isotropic shells, 92 on 128²).
 *
 * @example
 * ```ts
 * import { hwFieldDiagnostics } from "./suite.ts";
 * const N = 128, s = new Float64Array(2 * N * N);
 * for (let j = 0; j < N; j++) for (let i = 0; i < N; i++) s[j * N + i] = Math.cos(2 * Math.PI * i / N);
 * const d = hwFieldDiagnostics(s); // n = cos(k₀x), φ = 0: E = ½⟨n²⟩ = ¼
 * if (Math.abs(d.energy - 0.25) > 1e-12 || d.gamma_n !== 0) throw new Error("E");
 * ```
 * @module
 */

import { ShapeError } from "../../harness/core/errors.ts";
import { defaultCacheDir } from "../../harness/data/cache_dir.ts";
import { spectrum2d } from "../../metrics/spectrum.ts";
import { Spectral2D } from "../common/spectral2d.ts";
import type { Grid2D, MetricDecl, Progress, Suite } from "../common/types.ts";
import { HasegawaWakatani } from "./solver.ts";
import { HW_MEASURED } from "./measured.ts";
import { advance, branchState, cachedBaseState, HW_SPINUP, type HWPhysics } from "./spinup.ts";

/** Suite version: bump whenever physics, recipe or storage change numbers. */
export const HW_VERSION = "1.0.0";
/** Grid points per side. */
export const HW_N = 128;
/** Lowest wavenumber k₀ (box side 2π/k₀). */
export const HW_K0 = 0.15;
/** Hyperdiffusion coefficient ν of D = ν(−∇²)³ at 128² (data card: resolution and stability). */
export const HW_NU = 5e-5;
/** Physical time per model step. */
export const HW_DT = 1;
/** RK4 step of the reference solver. */
export const HW_H = HW_SPINUP.h;
/** RK4 steps per model step. */
export const HW_SUBSTEPS = Math.round(HW_DT / HW_H);

/** Physics of every run of the suite (passed to `HasegawaWakatani`). */
export const HW_PHYSICS: HWPhysics = {
  nu: HW_NU,
  hyperOrder: 3,
  c1: 1,
  kappa: 1,
  k0: HW_K0,
  modified: false,
};

/** The grid: 128² points on the periodic box of side 2π/k₀. */
export const GRID: Grid2D = {
  kind: "grid2d",
  ny: HW_N,
  nx: HW_N,
  ly: (2 * Math.PI) / HW_K0,
  lx: (2 * Math.PI) / HW_K0,
  boundary: "periodic",
};

const SIZE = HW_N * HW_N;

/** Metrics the suite reports, `nrmse` first as the headline; all errors (lower is better). */
export const METRICS_HW: readonly MetricDecl[] = [
  {
    id: "nrmse",
    higherIsBetter: false,
    description: "‖p − y‖₂ / ‖y‖₂ per IC and field, mean over ICs",
  },
  { id: "mse", higherIsBetter: false, description: "⟨(p − y)²⟩ over the grid, mean over ICs" },
  {
    id: "spectrum_error",
    higherIsBetter: false,
    description: "mean over isotropic shells k ≥ 1 of |log Eₚ(k) − log Eᵧ(k)| (n and φ spectra)",
  },
  {
    id: "energy_error",
    higherIsBetter: false,
    description: "|Eₚ − Eᵧ| / Eᵧ with E = ½⟨n² + |∇φ|²⟩",
  },
];

/** Cache directory of spun-up base states, under the reference cache (`defaultCacheDir`). */
function spinupCacheDir(): string {
  return `${defaultCacheDir()}/hasegawa_wakatani/v${HW_VERSION}/spinup`;
}

/** Key of the cached base state: changes with the physics or the base part of the recipe. */
function spinupKey(): string {
  const { branchAmplitude: _a, branchTime: _t, ...base } = HW_SPINUP;
  const text = JSON.stringify({ HW_PHYSICS, base });
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h.toString(16).padStart(8, "0");
}

function solver(): HasegawaWakatani {
  return new HasegawaWakatani({ ...HW_PHYSICS, n: HW_N });
}

/** Physical (n, φ) of a solver state into `out[0 : 2·128²]` (float32 or float64). */
function writeFields(
  hw: HasegawaWakatani,
  s: Parameters<HasegawaWakatani["toPhysical"]>[0],
  out: Float32Array | Float64Array,
  offset: number,
): void {
  const { density, phi } = hw.toPhysical(s);
  out.set(density, offset);
  out.set(phi, offset + SIZE);
}

/** The spun-up base state of `seed` (cached on disk under the spin-up cache directory). */
function hwBase(seed: number, log?: (m: string) => void) {
  return cachedBaseState(HW_PHYSICS, HW_SPINUP, seed, spinupCacheDir(), spinupKey(), log);
}

/**
 * The `count` spun-up ICs of `seed` as float64 `[count, 2, 128, 128]` (n, φ), following the
 * recipe of `spinup.ts` (base state cached on disk, IC i branched with `Rng(seed, 2 + 2i)`).
 * The first call for a seed costs the spin-up (data card); later calls read the cache.
 * `progress` counts the base spin-up as one unit and each branched IC as one.
 *
 * @example
 * ```ts
 * import { hwInitialStates } from "./suite.ts";
 * if (hwInitialStates(0, 1).length !== 0) throw new Error("no ICs, no spin-up");
 * ```
 */
export function hwInitialStates(
  count: number,
  seed: number,
  log?: (m: string) => void,
  progress?: Progress,
): Float64Array {
  if (!Number.isSafeInteger(count) || count < 0) {
    throw new RangeError(`Cannot draw hasegawa_wakatani ICs: expected count ≥ 0, found ${count}`);
  }
  const out = new Float64Array(count * 2 * SIZE);
  if (count === 0) return out;
  const hw = solver();
  // Units: the shared base spin-up (a cache hit after the first run) counts as one, each branch one.
  progress?.(0, count + 1);
  const base = hwBase(seed, log);
  progress?.(1, count + 1);
  for (let i = 0; i < count; i++) {
    writeFields(hw, branchState(hw, base, HW_SPINUP, seed, i), out, i * 2 * SIZE);
    progress?.(i + 2, count + 1);
  }
  return out;
}

let diagGrid: Spectral2D | undefined;
let diagBuf: Float64Array[] | undefined;

/**
 * Physics diagnostics of one state `[2, 128, 128]` = (n, φ), float64 Parseval sums over the full
 * 128² spectra (mean mode excluded, Nyquist derivative 0 as in `Spectral2D`):
 *
 *   gamma_n = −⟨n ∂ᵧφ⟩,  gamma_c = c₁⟨(n − φ)²⟩,  energy = ½⟨n² + |∇φ|²⟩,
 *   enstrophy = ½⟨(n − Ω)²⟩ with Ω = ∇²φ.
 *
 * @example
 * ```ts
 * import { hwFieldDiagnostics } from "./suite.ts";
 * const N = 128, s = new Float32Array(2 * N * N);
 * for (let j = 0; j < N; j++) for (let i = 0; i < N; i++) {
 *   s[j * N + i] = Math.cos(2 * Math.PI * j / N); // n = cos(k₀y)
 *   s[N * N + j * N + i] = Math.sin(2 * Math.PI * j / N); // φ = sin(k₀y): ∂ᵧφ = k₀ cos(k₀y)
 * }
 * const d = hwFieldDiagnostics(s); // Γⁿ = −k₀/2
 * if (Math.abs(d.gamma_n + 0.075) > 1e-7) throw new Error("Γⁿ");
 * ```
 */
export function hwFieldDiagnostics(
  state: Float32Array | Float64Array,
): { gamma_n: number; gamma_c: number; energy: number; enstrophy: number } {
  if (state.length !== 2 * SIZE) {
    throw new ShapeError({
      field: "state passed to hasegawa_wakatani.diagnostics",
      expected: `[2, ${HW_N}, ${HW_N}] (${2 * SIZE} values: n, phi)`,
      found: `${state.length} values`,
    });
  }
  diagGrid ??= new Spectral2D(HW_N, GRID.lx);
  diagBuf ??= Array.from({ length: 4 }, () => new Float64Array(SIZE));
  const g = diagGrid, [nr, ni, pr, pi] = diagBuf;
  g.forwardPair(state.subarray(0, SIZE), state.subarray(SIZE), nr, ni, pr, pi);
  const k2 = g.k2, ky = g.ky, c1 = HW_PHYSICS.c1 ?? 1;
  let e = 0, u = 0, gn = 0, gc = 0;
  for (let k = 1; k < SIZE; k++) {
    const a = nr[k], b = ni[k], c = pr[k], d = pi[k];
    const nn = a * a + b * b, pp = c * c + d * d;
    e += nn + k2[k] * pp;
    // n − Ω = n + |κ|²φ in spectral space
    const ur = a + k2[k] * c, ui = b + k2[k] * d;
    u += ur * ur + ui * ui;
    // −⟨n ∂ᵧφ⟩ = −Σ Re(n̂ conj(iκ_y φ̂)) = Σ κ_y (a d − b c)
    gn += ky[k] * (a * d - b * c);
    const cr = a - c, ci = b - d;
    gc += cr * cr + ci * ci;
  }
  const sc = 1 / (SIZE * SIZE);
  return { gamma_n: gn * sc, gamma_c: c1 * gc * sc, energy: 0.5 * e * sc, enstrophy: 0.5 * u * sc };
}

function checkCounts(what: string, pairs: [string, number][]): void {
  for (const [name, v] of pairs) {
    if (!Number.isSafeInteger(v) || v < 0) {
      throw new RangeError(`Cannot ${what}: expected ${name} ≥ 0, found ${v}`);
    }
  }
}

/**
 * Reference trajectories of float64 ICs `[count, 2, 128, 128]`: `[count, steps + 1, 2, 128, 128]`
 * (float64 unless `Out` says otherwise), each model step = {@link HW_SUBSTEPS} RK4 steps of h.
 *
 * @example
 * ```ts
 * import { hwTrajectories } from "./suite.ts";
 * const t = hwTrajectories(new Float32Array(2 * 128 * 128), 1, 1); // rest stays at rest
 * if (t.length !== 2 * 2 * 128 * 128 || t.some((v) => v !== 0)) throw new Error("rest");
 * ```
 */
export function hwTrajectories(
  ics: Float32Array | Float64Array,
  count: number,
  steps: number,
  progress?: Progress,
  Out: Float32ArrayConstructor | Float64ArrayConstructor = Float64Array,
): Float32Array | Float64Array {
  checkCounts("run hasegawa_wakatani.reference", [["count", count], ["steps", steps]]);
  const S = 2 * SIZE;
  if (ics.length !== count * S) {
    throw new ShapeError({
      field: "ICs passed to hasegawa_wakatani.reference",
      expected: `[${count}, 2, ${HW_N}, ${HW_N}] (${count * S} values)`,
      found: `${ics.length} values`,
    });
  }
  const hw = solver(), out = new Out(count * (steps + 1) * S);
  for (let i = 0; i < count; i++) {
    const ic = ics.subarray(i * S, (i + 1) * S);
    const s = hw.fromPhysical(ic.subarray(0, SIZE), ic.subarray(SIZE));
    const base = i * (steps + 1) * S;
    out.set(ic, base);
    for (let t = 1; t <= steps; t++) {
      advance(hw, s, HW_DT, HW_H);
      writeFields(hw, s, out, base + t * S);
      progress?.(i * steps + t, count * steps);
    }
  }
  return out;
}

/** The `hasegawa_wakatani` suite declaration (SPEC §3). */
export const hasegawaWakatani: Suite = {
  id: "hasegawa_wakatani",
  version: HW_VERSION,
  title: "Hasegawa–Wakatani drift-wave turbulence",
  description: "Hasegawa–Wakatani equations (hw2d form, coupling c₁(φ − n)), c₁ = κ = 1, box " +
    "2π/0.15, ν∇⁶ hyperdiffusion (ν = 5e-5), 128² grid, fields n, φ, Δt = 1 (20 RK4 steps); " +
    "spun-up turbulent ICs; dealiased pseudo-spectral RK4 ground truth.",
  citation: "Hasegawa & Wakatani, PRL 50, 682 (1983); Camargo, Biskamp & Scott, Phys. Plasmas 2, " +
    "48 (1995); hw2d reference solver and statistics (github.com/the-rccg/hw2d); HEAP " +
    "(hierarchical latent emulator of HW turbulence, SPEC seeds).",
  params: {
    c1: 1,
    kappa: 1,
    k0: HW_K0,
    nu: HW_NU,
    hyperOrder: 3,
    h: HW_H,
  },
  grid: GRID,
  fields: ["n", "phi"],
  dt: HW_DT,
  // A blow-up counts as divergence: max|field| beyond 10 × the reference's (data card).
  divergenceBound: { factor: 10 },
  tiers: {
    smoke: { ics: 2, steps: 10 },
    standard: { ics: 8, steps: 100 },
    paper: { ics: 16, steps: 500 },
  },
  seed: 20261123,
  summarySteps: [1, 5, 10, 25, 50, 100, 250, 500],
  metrics: METRICS_HW,
  energyStats: {
    mean: HW_MEASURED.energy.mean,
    std: HW_MEASURED.energy.std,
    samples: HW_MEASURED.samples,
    source: HW_MEASURED.source,
  },
  initialConditions(count: number, seed: number, progress?: Progress): Float32Array {
    return Float32Array.from(hwInitialStates(count, seed, (m) => console.warn(m), progress));
  },
  initialCondition(index: number, seed: number): Float32Array {
    if (!Number.isSafeInteger(index) || index < 0) {
      throw new RangeError(`Cannot draw hasegawa_wakatani IC: expected index ≥ 0, found ${index}`);
    }
    const hw = solver(), out = new Float32Array(2 * SIZE);
    writeFields(
      hw,
      branchState(hw, hwBase(seed, (m) => console.warn(m)), HW_SPINUP, seed, index),
      out,
      0,
    );
    return out;
  },
  prepareInitialConditions(seed: number): void {
    hwBase(seed, (m) => console.warn(m));
  },
  reference(ics: Float32Array, count: number, steps: number, progress?: Progress): Float32Array {
    if (!(ics instanceof Float32Array)) {
      throw new ShapeError({
        field: "ICs passed to hasegawa_wakatani.reference",
        expected: "a Float32Array",
        found: "another type",
      });
    }
    return hwTrajectories(ics, count, steps, progress, Float32Array) as Float32Array;
  },
  energyDefinition: "½⟨n² + |∇φ|²⟩",
  energy(state: Float32Array | Float64Array): number {
    return hwFieldDiagnostics(state).energy;
  },
  spectrum(field: Float32Array | Float64Array): Float64Array {
    return spectrum2d(field, HW_N, HW_N);
  },
  // Shells past the 2/3-rule cut-off K = ⌊128/3⌋ = 42 are empty or corner-only in the reference.
  spectrumKMax: 42,
  diagnostics(state: Float32Array | Float64Array): Readonly<Record<string, number>> {
    return hwFieldDiagnostics(state);
  },
};

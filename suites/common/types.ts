/**
 * The typed declaration every suite provides. A suite is data plus two pure functions:
 * deterministic initial conditions from a seed, and the reference trajectory from those ICs.
 *
 * Layout conventions (SPEC §2): a state of one IC is a flat `Float32Array` of `C * X` values,
 * channel-major, with `X = gridSize(grid)` points per field: 1D grids store field `c` at point
 * `i` as `state[c * X + i]`; 2D grids (`[C, H, W]`, H = y rows, W = x columns) store cell
 * (row j, column i) of field `c` as `state[c * H * W + j * W + i]`. A batch of `N` states is
 * `N * C * X` values. A trajectory batch is `[N, T + 1, C, ...gridShape(grid)]`, step 0 being
 * the IC.
 * @module
 */
import type { TrackerContext, TrackerFamily } from "../../metrics/tracker.ts";

/** Size presets. Tiers change counts and horizons, never physics. */
export type TierName = "smoke" | "standard" | "paper";

/** Counts and horizon of one tier. */
export interface Tier {
  /** Number of initial conditions. */
  readonly ics: number;
  /** Rollout horizon in model steps. */
  readonly steps: number;
}

/** Periodic 1D grid on `[0, length)` with `x_i = i * length / n`. */
export interface PeriodicGrid1D {
  readonly kind: "periodic1d";
  /** Number of grid points. */
  readonly n: number;
  /** Domain length. */
  readonly length: number;
}

/**
 * Uniform 2D grid on the box `[0, lx) × [0, ly)`: `nx` columns (x, the last axis W) and `ny`
 * rows (y, axis H), cell centres `((i + ½) lx/nx, (j + ½) ly/ny)`. `boundary` says whether the
 * fields are periodic or live in a box with reflecting (solid) walls.
 */
export interface Grid2D {
  readonly kind: "grid2d";
  /** Rows H (y direction). */
  readonly ny: number;
  /** Columns W (x direction). */
  readonly nx: number;
  /** Box length along y. */
  readonly ly: number;
  /** Box length along x. */
  readonly lx: number;
  /** Boundary condition of every side. */
  readonly boundary: "periodic" | "reflecting";
}

/**
 * HEALPix sphere grid (Górski et al. 2005) in NESTED ordering: `12 · nside²` equal-area pixels,
 * `nside = 2^level`. A field is one flat array indexed by the nested pixel number
 * (`suites/era5/healpix.ts`).
 */
export interface HealpixGrid {
  readonly kind: "healpix";
  /** `2^level`, level 0…8 for built-in suites. */
  readonly nside: number;
  /** Pixel ordering of the flat field; only `"nested"` is used. */
  readonly ordering: "nested";
}

/** Grids known to emubench. */
export type Grid = PeriodicGrid1D | Grid2D | HealpixGrid;

/**
 * Number of values in one field on the grid: `n` (1D), `ny · nx` (2D).
 *
 * @example
 * ```ts
 * import { gridSize } from "./types.ts";
 * const g = { kind: "grid2d", ny: 4, nx: 8, ly: 1, lx: 2, boundary: "periodic" } as const;
 * if (gridSize(g) !== 32 || gridSize({ kind: "periodic1d", n: 16, length: 1 }) !== 16) {
 *   throw new Error("size");
 * }
 * ```
 */
export function gridSize(grid: Grid): number {
  switch (grid.kind) {
    case "grid2d":
      return grid.ny * grid.nx;
    case "healpix":
      return 12 * grid.nside * grid.nside;
    default:
      return grid.n;
  }
}

/**
 * Shape of one field on the grid (without batch and channel axes): `[n]` (1D), `[ny, nx]` (2D,
 * H = y then W = x, SPEC §2).
 *
 * @example
 * ```ts
 * import { gridShape } from "./types.ts";
 * const g = { kind: "grid2d", ny: 4, nx: 8, ly: 1, lx: 2, boundary: "reflecting" } as const;
 * if (gridShape(g).join() !== "4,8") throw new Error("[H, W]");
 * ```
 */
export function gridShape(grid: Grid): number[] {
  return grid.kind === "grid2d" ? [grid.ny, grid.nx] : [gridSize(grid)];
}

/**
 * The grid as a periodic 1D grid, for code that only handles 1D suites (1D baselines); throws
 * `RangeError` naming the suite and the grid kind otherwise.
 *
 * @example
 * ```ts
 * import { grid1D } from "./types.ts";
 * const g = grid1D({ id: "demo", grid: { kind: "periodic1d", n: 8, length: 1 } }, "build a stencil");
 * let refused = false;
 * try {
 *   grid1D({
 *     id: "sw",
 *     grid: { kind: "grid2d", ny: 2, nx: 2, ly: 1, lx: 1, boundary: "periodic" },
 *   }, "build a stencil");
 * } catch (e) { refused = e instanceof RangeError; }
 * if (g.n !== 8 || !refused) throw new Error("grid1D");
 * ```
 */
export function grid1D(suite: Pick<Suite, "id" | "grid">, action: string): PeriodicGrid1D {
  if (suite.grid.kind !== "periodic1d") {
    throw new RangeError(
      `Cannot ${action} for suite ${suite.id}: expected a periodic1d grid, found ${suite.grid.kind}`,
    );
  }
  return suite.grid;
}

/**
 * How a metric is aggregated and ranked (lm-evaluation-harness style). Results record it in their
 * catalogue (`metrics/catalogue.ts` `buildCatalogue`): a declaration sets the direction and
 * description (and label / units where given) over the generic entry of the same id.
 */
export interface MetricDecl {
  /** Metric id as it appears in result rows, e.g. `"nrmse"`. */
  readonly id: string;
  /** True when larger is better (e.g. ACC), false for errors. */
  readonly higherIsBetter: boolean;
  /** One line for reports. */
  readonly description: string;
  /** Label for reports (default: the generic label of `metrics/catalogue.ts`, else the id). */
  readonly label?: string;
  /** Units in words (default: the generic units of `metrics/catalogue.ts`). */
  readonly units?: string;
}

/** Progress callback: `done` of `total` units. */
export type Progress = (done: number, total: number) => void;

/**
 * Energy statistics of the reference at statistical steady state, from one long reference run
 * (SPEC §4 stability rate): a rollout is stable up to horizon H while every step's energy is
 * finite and within `mean ± 5·std`.
 */
export interface EnergyStats {
  /** μ_E: time mean of the suite energy over the steady-state window. */
  readonly mean: number;
  /** σ_E: standard deviation of the energy over the same window. */
  readonly std: number;
  /** Model steps in the window the statistics come from. */
  readonly samples: number;
  /** How the numbers were produced (run length, spin-up, seed), for data cards and results. */
  readonly source: string;
}

/** The physical bound of {@link Suite.divergenceBound}. */
export interface DivergenceBound {
  /** Multiple of the reference trajectory's max |field| a prediction may reach (> 1). */
  readonly factor: number;
}

/** A suite: one physical system with grid, Δt, IC distribution, ground truth and metrics. */
export interface Suite {
  /** Registry id, e.g. `"burgers1d"`. */
  readonly id: string;
  /** Bumped whenever a change moves numbers (physics, ICs, solver settings). */
  readonly version: string;
  /** Human title. */
  readonly title: string;
  /** The PDE and setting in one sentence. */
  readonly description: string;
  /** Where the setting comes from. */
  readonly citation: string;
  /** The grid of every field. */
  readonly grid: Grid;
  /** Physical parameters (e.g. `{ beta: 1 }`, `{ nu: 0.01 }`), for data cards and baselines. */
  readonly params?: Readonly<Record<string, number>>;
  /**
   * Hours since 1 January 00 UTC of state 0 of each of the first `count` built-in ICs drawn with
   * `seed`. Only suites whose ICs have dates (`era5`) set it; models read it through the
   * `day_of_year` and `hour` conditioning inputs (`harness/model/conditioning.ts`).
   */
  startHours?(count: number, seed: number): number[];
  /** Field (channel) names in model order. */
  readonly fields: readonly string[];
  /** Physical time per model step. */
  readonly dt: number;
  /** Tier presets. */
  readonly tiers: Readonly<Record<"smoke" | "standard", Tier>> & { readonly paper?: Tier };
  /** Default seed for ICs. */
  readonly seed: number;
  /** Steps at which summaries are reported (those beyond the horizon are dropped). */
  readonly summarySteps: readonly number[];
  /** Metrics this suite reports, with direction; the first is the headline. */
  readonly metrics: readonly MetricDecl[];
  /**
   * Deterministic ICs: `count` states `[count, C, X]` drawn from the suite's distribution with
   * `seed`. The same (seed, count) gives bit-identical arrays on every machine. Suites whose ICs
   * are expensive (spun-up turbulence) report `progress` (ICs done of `count`) while drawing.
   */
  initialConditions(count: number, seed: number, progress?: Progress): Float32Array;
  /**
   * IC `index` of `seed` alone, `[C, X]`: bit for bit the state at `index` of
   * `initialConditions(count, seed)` for any `count > index`. Lets workers draw ICs in parallel
   * and training-data generation address any IC without drawing the ones before it. Optional:
   * `icAt` in `suites/common/ics.ts` falls back to slicing `initialConditions(index + 1, seed)`.
   */
  initialCondition?(index: number, seed: number): Float32Array;
  /**
   * Work shared by every IC of `seed` (e.g. `hasegawa_wakatani`'s spun-up base state, cached on
   * disk), done once before ICs are drawn in parallel so workers do not repeat it. Optional.
   */
  prepareInitialConditions?(seed: number): void;
  /**
   * Ground truth: for `count` ICs `[count, C, X]`, the trajectories `[count, steps + 1, C, X]`
   * (step 0 = IC) at the suite's Δt. Pure and deterministic.
   */
  reference(ics: Float32Array, count: number, steps: number, progress?: Progress): Float32Array;
  /** Suite-defined energy of one state `[C, X]` (1D suites: ½⟨u²⟩ summed over fields). */
  energy(state: Float32Array | Float64Array): number;
  /**
   * {@link Suite.energy} in one formula for reports, e.g. `"½⟨u²⟩"`; results carry it
   * (`suite.energy`) so a report can say what the `energy_*` rows are. Optional.
   */
  readonly energyDefinition?: string;
  /** Physical units of each field, e.g. `{ "2m_temperature": "K" }`, for report axes. Optional. */
  readonly fieldUnits?: Readonly<Record<string, string>>;
  /**
   * Shell energy spectrum of one field (`gridSize(grid)` values), used by the scorer for the
   * `spectrum_*` rows. Optional: the default is `spectrum1d` (1D, power-of-two n); 2D suites set
   * `spectrum2d` (isotropic shells). Must return the same number of shells for every field.
   */
  spectrum?(field: Float32Array | Float64Array): Float64Array;
  /**
   * The suite `energy` as an ONNX graph `[B, C, ...grid] → [B]` (float32; input and output
   * names free), equal to `energy` up to float32 rounding. Optional: long model-only runs
   * (`emubench stability`) on a GPU backend evaluate it on the device, next to the model, and
   * read back B numbers per step instead of the states.
   */
  energyGraph?(): Uint8Array;
  /**
   * Last shell scored by `spectrum_error` (default: every shell). Dealiased spectral suites set
   * their 2/3-rule cut-off K: beyond it the reference holds no energy in complete shells (only
   * the corners of the retained square, then nothing), so log ratios there would score round-off
   * and a model's small-scale noise, not physics.
   */
  readonly spectrumKMax?: number;
  /**
   * How reports name the `spectrum` rows (default: `"energy spectrum"` over `"wavenumber k"`,
   * `"E(k)"`): e.g. an angular power spectrum `C_ℓ` over degree `ℓ` on the sphere.
   */
  readonly spectrumLabel?: {
    /** Noun phrase for titles, e.g. `"angular power spectrum"`. */
    readonly name: string;
    /** Abscissa label, e.g. `"degree ℓ"`. */
    readonly x: string;
    /** Ordinate label, e.g. `"C_ℓ"`. */
    readonly y: string;
  };
  /**
   * Physics diagnostics of one whole state `[C, X]` (e.g. shallow water: `{ mass, energy }`),
   * computed the same way for prediction and reference. Optional; when present the scorer emits
   * `diag_<name>_pred` / `_ref` and relative drifts `diag_<name>_drift_pred` / `_ref` per step
   * (`metrics/scorer.ts`). Names are `[a-z0-9_]+` and the same for every state.
   */
  diagnostics?(state: Float32Array | Float64Array): Readonly<Record<string, number>>;
  /**
   * When a forecast counts as diverged although finite (a blow-up): at the first step where the
   * largest |value| of a field exceeds `factor` × the largest |value| of that field over the
   * IC's reference trajectory (steps 0..T; a field that is 0 throughout is not bounded). Recorded
   * as divergence with reason `bound`, apart from NaN/Inf (`nonfinite`); the data card
   * (`suites/<id>/README.md`) states the suite's factor. Absent: only NaN/Inf counts.
   */
  readonly divergenceBound?: DivergenceBound;
  /**
   * Fields whose spatial mean is a conserved quantity, scored by PDEBench's cRMSE (`crmse`,
   * `metrics/anchors_tracker.ts`), e.g. shallow water's depth `h` (mass = ⟨h⟩·|Ω|). Default:
   * every field (PDEBench's convention, the mean of each field).
   */
  readonly conservedFields?: readonly string[];
  /**
   * Steady-state energy statistics for the stability rate (SPEC §4). Optional: suites without a
   * statistically steady state (decaying 1D flows, dam breaks) leave it out and report no
   * `stability_rate`.
   */
  readonly energyStats?: EnergyStats;
  /**
   * Readers for the suite's own data formats (`--data`), tried before the generic `.npy` / HDF5
   * layouts. Optional.
   */
  readonly dataReaders?: readonly DataReader[];
  /**
   * The suite's own metric families (`metrics/tracker.ts`), e.g. era5's ACC and PSNR: built for
   * every forecast run and merge of the suite, their rows after the physics diagnostics' in
   * list order. Optional.
   */
  readonly trackers?: readonly TrackerFamily<SuiteTrackerContext>[];
  /**
   * What the `reconstruct` task (autoencoders, `harness/tasks/reconstruct.ts`) needs of the
   * suite: built-in samples, the per-sample error weighting and the spectrum. Optional: a suite
   * without it refuses `--task reconstruct`.
   */
  readonly reconstruct?: ReconstructSupport;
}

/** A set of reference samples for the `reconstruct` task ({@link ReconstructSupport.samples}). */
export interface ReconstructSampleSet {
  /** `[N, C, X]` float32 samples. */
  readonly samples: Float32Array;
  /** Hours since 1 January 00 UTC of each sample, when samples have dates. */
  readonly hours?: number[];
  /** Where the samples come from, recorded in the result's `config.data`. */
  readonly source: string;
  /** One line for the log, e.g. `"era5 synthetic fields at 8 times (seed 1)"`. */
  readonly summary: string;
}

/**
 * The `reconstruct` task's view of a suite (`Suite.reconstruct`). Every method takes the grid
 * it works on, so one declaration serves the suite at any resolution (tests use small grids).
 *
 * @example
 * ```ts
 * import type { ReconstructSupport } from "./types.ts";
 * const flat: Pick<ReconstructSupport, "mse"> = {
 *   mse: (p, r) => p.reduce((a, v, i) => a + (v - r[i]) ** 2, 0) / p.length,
 * };
 * if (flat.mse(Float64Array.of(1, 2), Float64Array.of(1, 4), { kind: "periodic1d", n: 2, length: 1 }) !== 2) {
 *   throw new Error("mse");
 * }
 * ```
 */
export interface ReconstructSupport {
  /**
   * `count` built-in samples `[count, C, X]` of `fields` on `grid`, drawn with `seed`. Throws
   * `ValueRangeError` (field `--ics`) for a count the suite cannot draw.
   */
  samples(
    count: number,
    seed: number,
    suite: { readonly id: string; readonly grid: Grid; readonly fields: readonly string[] },
  ): ReconstructSampleSet;
  /** Largest spectral index scored when a run names none (`--lmax`). */
  defaultLmax(grid: Grid): number;
  /** Spectrum of one field (`gridSize(grid)` values), indices 0…lmax, the `spectrum_*` rows. */
  spectrum(field: Float64Array, grid: Grid, lmax: number): Float64Array;
  /** Mean squared error of one field, with the suite's weighting of the grid points. */
  mse(pred: Float64Array, ref: Float64Array, grid: Grid): number;
  /** PSNR in dB of one field: `10 log₁₀(R² / mse)`, R the reference's range. */
  psnr(pred: Float64Array, ref: Float64Array, grid: Grid): number;
}

/**
 * A forecast run as a suite's trackers see it: the suite itself and, for data read from a file,
 * what the file says beyond the states (absent for built-in data and for a merge of shards,
 * whose trackers are rebuilt from their states).
 */
export interface SuiteTrackerContext extends TrackerContext<Suite> {
  /** Extras of a data file (`--data`): start times and the lat-lon data as read. */
  readonly data?: Pick<LoadedDataset, "startHours" | "latLon">;
}

/** Options of a data reader (`loadDataset` in `harness/data/dataset.ts`). */
export interface LoadDatasetOptions {
  /** Use only the first `ics` trajectories. Default: all in the file. */
  ics?: number;
  /** Use only the first `steps` steps (`steps + 1` time entries). Default: all in the file. */
  steps?: number;
  /** Channel placement of an HDF5 dataset with a channel axis, if the default guesses wrong. */
  layout?: "NTXC" | "NTCX";
  /**
   * WeatherBench 2 files: spread the `ics` windows evenly over the whole file (first and last
   * time included) instead of packing them from the start, and accept any time step (for
   * single-time samples, e.g. the reconstruct task).
   */
  spread?: boolean;
}

/** ICs and reference trajectories loaded from a file. */
export interface LoadedDataset {
  /** `[N, C, ...grid]`: time entry 0 of every trajectory. */
  ics: Float32Array;
  /** `[N, T + 1, C, ...grid]`, step 0 = IC. */
  reference: Float32Array;
  /** N. */
  count: number;
  /** T (model steps after the IC). */
  steps: number;
  /** The file read. */
  source: string;
  /** Hours since 1 January 00 UTC of each trajectory's first time (WeatherBench 2 data). */
  startHours?: number[];
  /** How the file was read (e.g. regridding), recorded in the result's `config.data`. */
  note?: string;
  /**
   * WeatherBench 2 data on a lat-lon grid, as read (longitudes rolled to start at 0°): the
   * latitudes (file order), `nlon` and the reference `[N, T + 1, C, nlat·nlon]` before
   * regridding, so that HEALPix predictions can also be scored where the data live, with WB2
   * latitude weights.
   */
  latLon?: { lat: Float64Array; nlon: number; reference: Float32Array };
}

/**
 * A reader for data files that a suite understands beyond the generic `.npy` / HDF5 layouts
 * (e.g. `era5`: WeatherBench 2 Zarr and NetCDF4 on a lat-lon grid). `loadDataset` asks each of
 * the suite's readers in order whether it takes a path before trying the generic formats.
 * Readers should import heavy or platform-specific modules lazily, inside `accepts` and `load`.
 */
export interface DataReader {
  /** What the reader reads, for messages, e.g. `"WeatherBench 2 (Zarr / NetCDF4, lat-lon)"`. */
  readonly name: string;
  /** Whether this reader takes `path` (by extension or a cheap look inside). */
  accepts(path: string): Promise<boolean>;
  /** Read ICs and reference trajectories for `suite`, with the same checks as `loadDataset`. */
  load(path: string, suite: Suite, options: LoadDatasetOptions): Promise<LoadedDataset>;
}

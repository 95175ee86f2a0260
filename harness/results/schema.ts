/**
 * The result file, `schema: "emubench.result/2"` (SPEC §5). One JSON file per run.
 *
 * Schema 2 results describe themselves: `catalogue` holds the meaning (direction, label, units,
 * family) of every metric id in `rows`, and the `suite` block carries the grid, the names of the
 * spectrum rows and the definition of the suite energy. Reports, the leaderboard and the gate
 * read these from the file, so a result renders and gates the same whatever code reads it later.
 *
 * Schema 1 files (written before the catalogue) are still read: `validateResult`
 * (`harness/results/io.ts`) fills their catalogue from the reader's built-in catalogue
 * (`metrics/catalogue.ts`) and says so in {@link Result.readNote}, which reports show.
 * @module
 */
import type { ResultRow } from "../../metrics/rows.ts";
import type { MetricCatalogue } from "../../metrics/catalogue.ts";
import type { Grid } from "../../suites/common/types.ts";

/** Schema tag written into every result file. */
export const RESULT_SCHEMA = "emubench.result/2";

/** Schema tag of result files written before results carried their metric catalogue. */
export const RESULT_SCHEMA_V1 = "emubench.result/1";

/** Names of the `spectrum_pred` / `spectrum_ref` rows in reports. */
export interface SpectrumLabel {
  /** Noun phrase for titles, e.g. `"energy spectrum"`, `"angular power spectrum"`. */
  name: string;
  /** Abscissa label, e.g. `"wavenumber k"`. */
  x: string;
  /** Ordinate label, e.g. `"E(k)"`. */
  y: string;
}

/** A prediction/reference pair of one field of one IC at one step, for report plots. */
export interface Snapshot {
  ic: number;
  step: number;
  field: string;
  pred: (number | null)[];
  ref: number[];
  /** 2D suites only: `[H, W]` of the row-major `pred` / `ref` (absent in 1D results). */
  shape?: number[];
  /** HEALPix suites: the grid of the flat nested-ordered `pred` / `ref` (12·nside² values). */
  healpix?: { nside: number; ordering: "nested" };
}

/**
 * A space–time (Hovmöller) diagram of one field of one IC along a grid line, for reports of 2D
 * suites (`harness/tasks/views2d.ts`): row `s` of `pred` / `ref` is the field along x on grid row
 * `row` (at y = `y`) at step `steps[s]`. Rows before `firstStep` (the model's history window)
 * are the reference states it was given; `pred` rows are null from the IC's divergence step
 * on. Values are rounded to 6 significant digits (plots only; scores use full precision).
 */
export interface Hovmoller {
  /** IC drawn (0). */
  ic: number;
  /** Field drawn, e.g. `"h"`. */
  field: string;
  /** Direction of the line: `"x"` (a grid row). */
  axis: "x";
  /** Grid row index j of the line (⌊H/2⌋). */
  row: number;
  /** y coordinate of the line (cell centre). */
  y: number;
  /** Cell-centre coordinates along the line (W values). */
  x: number[];
  /** First predicted step (the model's history k). */
  firstStep: number;
  /** Steps 0..T, one per row. */
  steps: number[];
  /** Prediction rows (W values each), null after divergence. */
  pred: (number[] | null)[];
  /** Reference rows (W values each). */
  ref: number[][];
}

/**
 * Per-IC divergence record: `step` is the first diverged step, or null. `reason` says why:
 * `nonfinite` (a NaN/Inf in the state; also what results without `reason` mean) or `bound` (a
 * finite blow-up: the state left the suite's `divergenceBound`, `detail` saying how far).
 */
export interface Divergence {
  ic: number;
  step: number | null;
  reason?: "nonfinite" | "bound";
  /** For `bound`: e.g. `"max|u| 13.2 > 10 × 1.31 (reference max)"`. */
  detail?: string;
}

/**
 * What a `reconstruct` run measured about the autoencoder's tensors (`harness/tasks/reconstruct.ts`),
 * per sample: the compression ratio is `inputBytes / latentBytes`, read from the tensors the
 * graphs actually took and returned.
 */
export interface ReconstructInfo {
  /** Encoder input `[C, ...grid]` of one sample and its element type. */
  input: { name: string; shape: number[]; dtype: string; bytes: number };
  /** Every encoder output (the latent), shape of one sample and element type. */
  latent: { name: string; shape: number[]; dtype: string; bytes: number }[];
  /** `input.bytes / Σ latent.bytes`. */
  compressionRatio: number;
  /** Hours since 1 January 00 UTC of each sample (built-in times, or a data file's times). */
  hours?: number[];
  /** Largest degree ℓ of the angular power spectra. */
  lmax: number;
}

/** One contender of a {@link Frontier}: the model, or one rung of the solver ladder. */
export interface FrontierEntry {
  /** Label in tables and charts (the model's name, or e.g. `4× (256 cells)`). */
  label: string;
  /**
   * nRMSE at each of {@link Frontier.steps}: the `nrmse` row `mean_over_ics` of every field,
   * averaged over fields; `null` where not every IC contributes (an IC diverged, or the step
   * was not predicted).
   */
  error: (number | null)[];
  /**
   * The leaderboard's headline score: the `nrmse` row `geomean_over_steps_then_mean_over_ics`
   * averaged over fields; `null` unless every IC contributes.
   */
  score: number | null;
  /**
   * Median wall seconds to advance one IC by one model step, as the rollout engine runs it
   * with no scoring: the median over model steps of (one step of a batch) / (ICs in the batch).
   */
  secondsPerStep: number;
  /**
   * Step intervals the median `secondsPerStep` was taken over: the timing pass's predicted steps
   * less the first (one when it predicted one). Every entry predicts
   * min(20, T − history + 1) steps, its history window not counted. Absent in files written
   * before it was recorded.
   */
  timingSamples?: number;
  /** ICs that diverged (NaN/Inf or beyond the suite's bound). */
  diverged: number;
}

/** One rung of the solver ladder in a {@link Frontier}. */
export interface FrontierRung extends FrontierEntry {
  /** Model id of the rung, e.g. `solver_4x`. */
  id: string;
  /** Coarsening factor per direction (1: the evaluation grid). */
  factor: number;
  /** The rung's scheme, grid and sub-steps in words. */
  description: string;
  /** SHA-256 of the rung's step graph. */
  graphSha256: string;
  /**
   * Where `secondsPerStep` comes from: `interleaved`: timed in this run in passes interleaved
   * with the model's (the error-matched rung always is; the model's time is from the same
   * passes); `measured`: timed in this run in its own pass; `cached`: read from the machine's
   * ladder timing cache (an earlier run).
   */
  timing: "interleaved" | "measured" | "cached";
}

/**
 * The cost–accuracy frontier of a run (`emubench run --frontier`, `harness/tasks/frontier.ts`;
 * docs/frontier.md): the suite's solver ladder against the model, each scored on the run's ICs
 * and timed on the same machine and backend. The error-matched rung is the cheapest rung (least
 * `secondsPerStep`) whose error at `headlineStep` is not null and at most the model's (any rung
 * that kept every IC, when the model's is null); `speedup` = rung seconds per step / model
 * seconds per step. With a training cost C (seconds) and the run's horizon T, training pays for
 * itself after `⌈C / (T · (t_rung − t_model))⌉` rollouts of T steps (null when the model is not
 * faster or no rung matches).
 */
export interface Frontier {
  /** The ladder's scheme in words. */
  scheme: string;
  /** What is compared, in words (backend, machine, batch, what is timed). */
  compared: string;
  /** The machine: OS, architecture, logical CPUs, CPU model and a hash of the host name. */
  machine: { os: string; arch: string; cpus: number | null; cpu: string | null; host: string };
  /** Backend everything ran on (`environment.backend`) and its adapter. */
  backend: string;
  adapter: string | null;
  /** ICs per model call in the timing passes. */
  batch: number;
  /**
   * Predicted steps of each history-1 timing pass: min(20, T). An entry with history k is rolled
   * out for min(T, k − 1 + 20) steps, predicting as many where T allows (`timingSamples`).
   */
  timingSteps: number;
  /** The error metric (`nrmse`). */
  metric: string;
  /** Steps of the `error` lists: the run's summary steps and its horizon. */
  steps: number[];
  /** The step the error-matched rung is chosen at (the horizon T, the last of `steps`). */
  headlineStep: number;
  /** The ladder, finest rung first. */
  rungs: FrontierRung[];
  /** The model. */
  model: FrontierEntry;
  /** The error-matched rung (index into `rungs`) and the model's speed-up over it, or null. */
  matched: { rung: number; speedup: number } | null;
  /** One sentence: which rung matches and how much faster the model is, or why none does. */
  note: string;
  /** With `--training-cost`: the break-even number of rollouts. */
  training?: {
    /** Training cost C in seconds. */
    seconds: number;
    /** Steps T of one rollout (the run's horizon). */
    rolloutSteps: number;
    /** `⌈C / (T · (t_rung − t_model))⌉`, or null (never pays off / no matched rung). */
    breakEvenRollouts: number | null;
    note: string;
  };
}

/**
 * `run --reductions device` only (`harness/tasks/device_scoring.ts`): the per-step reductions ran
 * on the model's backend in float32, and these families (or some of a family's metric ids) were
 * not computed because they need every full state. Gates and reports read it from here.
 */
export interface ReductionsRecord {
  where: "device";
  precision: "float32";
  /** The backend that ran them (`native`, `wasm`, `webgpu`), with the adapter where known. */
  backend: string;
  /** One sentence for readers. */
  note: string;
  /** What was left out and why: a whole family, or the listed `metrics` of one. */
  omitted: { family: string; metrics?: string[]; because: string }[];
}

/** A whole result file. */
export interface Result {
  /** {@link RESULT_SCHEMA}; {@link RESULT_SCHEMA_V1} for older files (read, never written). */
  schema: typeof RESULT_SCHEMA | typeof RESULT_SCHEMA_V1;
  /**
   * The task that produced it: `forecast` (rollouts; also when absent, as in files written
   * before tasks existed), `reconstruct` (autoencoder encode→decode, `config.steps` = 1) or
   * `stability` (`emubench stability`: the model alone to a long horizon, energy-band rows and
   * divergence only, no reference trajectory).
   */
  task?: "forecast" | "reconstruct" | "stability";
  /** `reconstruct` results only: tensor sizes and the compression ratio. */
  reconstruct?: ReconstructInfo;
  /** ISO time the run finished. */
  created: string;
  suite: {
    id: string;
    version: string;
    tier: string;
    title: string;
    fields: string[];
    dt: number;
    /** The grid of every field (schema 2; absent in schema 1 files). */
    grid?: Grid;
    /** How reports name the `spectrum_*` rows (schema 2; `Suite.spectrumLabel` or the default). */
    spectrum?: SpectrumLabel;
    /** The suite energy E of the `energy_*` rows in one formula, e.g. `"½⟨u²⟩"` (schema 2). */
    energy?: string;
    /** Physical units of each field by name, e.g. `{ "2m_temperature": "K" }` (optional). */
    units?: Record<string, string>;
  };
  model: {
    name: string;
    /** `model` for submissions, `baseline` for built-ins. */
    kind: "model" | "baseline";
    description?: string;
    authors?: string[];
    /** Files with their sha256, relative to the model path. */
    files: { path: string; sha256: string; bytes: number }[];
    /** sha256 over the sorted `path:sha256` lines of `files`: one hash for the submission. */
    sha256: string;
    /** Contract form: `step`, `latent` (encode/step/decode). */
    form: string;
    history: number;
    carry: string[];
  };
  config: {
    ics: number;
    steps: number;
    /** IC seed; `null` when a private test seed was used (then `privateSeedSha256` is set). */
    seed: number | null;
    /**
     * SHA-256 of a private test seed's decimal text (`EMUBENCH_TEST_SEED`): the ICs are unknown
     * to submitters, and results from the same private seed stay comparable.
     */
    privateSeedSha256?: string;
    backend: string;
    batch: number;
    /** Where ICs and reference came from: `solver` or a data file path. */
    data: string;
    summarySteps: number[];
  };
  environment: {
    emubench: string;
    gitCommit: string | null;
    deno: string;
    v8: string;
    os: string;
    arch: string;
    onnxruntime: { web: string; node: string | null };
    /** What actually ran: backend and adapter description. */
    backend: string;
    adapter: string | null;
  };
  timings: {
    /**
     * Model time (`RolloutTiming` in `harness/model/rollout.ts`): seconds the rollout loop was blocked
     * awaiting the model (its `session.run`, read-back and feeding) plus the synchronous part of
     * issuing each step; the rest of the wall time is host work outside the model.
     */
    modelSeconds: number;
    /** Seconds computing metrics. */
    metricSeconds: number;
    /** Seconds generating or loading the reference. */
    referenceSeconds: number;
    /** Model steps (IC × step) per wall second of the rollout loop. */
    stepsPerSecond: number;
    totalSeconds: number;
  };
  /** Tidy rows: curves (mean over ICs), per-IC summaries, spectra. */
  rows: ResultRow[];
  /**
   * The meaning of every metric id in `rows` (`metrics/catalogue.ts`): direction, label, units,
   * family, description. Written by every run (schema 2); filled at read time for schema 1.
   */
  catalogue: MetricCatalogue;
  /**
   * Set by readers, never written by runs: what a reader filled in that the file lacks, e.g. a
   * schema 1 file's catalogue taken from the reader's built-in catalogue. Reports show it.
   */
  readNote?: string;
  divergence: Divergence[];
  /**
   * Field snapshots of IC 0. 1D suites: every field at the summary steps and T, full precision;
   * 2D suites: every field at two steps (`harness/tasks/views2d.ts`), values `[H·W]` row-major,
   * rounded to 6 significant digits.
   */
  snapshots: Snapshot[];
  /** 2D suites only: the space–time diagram of the first field of IC 0 (absent in 1D results). */
  hovmoller?: Hovmoller;
  /** `run --frontier` only: the cost–accuracy frontier against the suite's solver ladder. */
  frontier?: Frontier;
  /** `run --reductions device` only: where the reductions ran and what was not computed. */
  reductions?: ReductionsRecord;
}

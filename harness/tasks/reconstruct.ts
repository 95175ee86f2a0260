/**
 * The `reconstruct` task (issue #6): run an autoencoder's `{encode, decode}` graphs on N samples
 * of a suite's fields and score the reconstruction per variable, as the field-space autoencoder
 * literature does (e.g. for ERA5 on HEALPix). What depends on the suite — built-in samples, the
 * weighting of grid points, the spectrum and its default band — comes from `Suite.reconstruct`
 * (`suites/common/types.ts`); a suite without it refuses the task.
 *
 * - `mse` per sample (the suite's weighting, e.g. area-weighted on the sphere), and
 *   `rmse = √(mean over samples of mse)` (WeatherBench 2: square root after the mean);
 * - `psnr = 10 log₁₀(R² / mse)` per sample with R the range of the reference sample, mean over
 *   samples;
 * - spectra of reconstruction and reference (mean over samples, rows `spectrum_pred` /
 *   `spectrum_ref` with `k` the spectral index, e.g. the degree ℓ) and the log spectrum error per
 *   sample (`spectrumErrorBands`: mean over k = 1…lmax of |ln S_p(k) − ln S_y(k)|), mean over
 *   samples;
 * - the compression ratio = (input elements × bytes per element) / (latent elements × bytes per
 *   element), read from the tensors the encoder actually took and returned (every encoder
 *   output counts as latent), per sample.
 *
 * A sample whose reconstruction holds NaN/Inf is recorded as diverged (step 1) and its scores
 * are missing, never averaged; `n` on each mean row says how many samples it covers. A
 * manifest's `normalize` (per-channel mean and std) is applied on the way into the encoder and
 * undone on the decoder's output, as for forecasts (SPEC §2); scores are in physical units.
 * @module
 */
import { described } from "../results/describe.ts";
import { type Backend, type BackendChoice, disposeTensor, openBackend } from "../onnx/backend.ts";
import type { Tensor } from "../onnx/backend.ts";
import { ShapeError, ValueRangeError } from "../core/errors.ts";
import { type AutoencoderSource, loadAutoencoder } from "../model/manifest.ts";
import { inspectOnnx } from "../onnx/inspect.ts";
import { checkModelSuite, hashModelFiles, resultHeader, tierAndSeed } from "./context.ts";
import { positiveInt } from "../core/checks.ts";
import { normalizeChannels } from "../model/normalize.ts";
import { writeResultSet } from "./output_set_files.ts";
import { RUN_OUTPUT_FILES } from "./run.ts";
import type { ReconstructInfo, Result, Snapshot } from "../results/schema.ts";
import type { ResultRow } from "../../metrics/rows.ts";
import { spectrumErrorBands } from "../../metrics/spectrum.ts";
import { roundView } from "./views2d.ts";
import {
  gridSize,
  type ReconstructSupport,
  type Suite,
  type TierName,
} from "../../suites/common/types.ts";
import { getSuite, listSuites } from "../../suites/mod.ts";
import { getBaseline } from "../../baselines/mod.ts";
import { loadDataset } from "../data/dataset.ts";

/** Bytes per element of ONNX tensor element types. */
const DTYPE_BYTES: Readonly<Record<string, number>> = {
  float32: 4,
  float16: 2,
  float64: 8,
  bfloat16: 2,
  int8: 1,
  uint8: 1,
  int16: 2,
  uint16: 2,
  int32: 4,
  uint32: 4,
  int64: 8,
  uint64: 8,
  bool: 1,
};

/**
 * Bytes of one sample of a tensor `[B, ...rest]` of element type `dtype`: `Π rest × bytes`.
 * Throws `ValueRangeError` for an element type without a fixed size (string).
 *
 * @example
 * ```ts
 * import { sampleBytes } from "./reconstruct.ts";
 * if (sampleBytes([4, 2, 768], "float16") !== 2 * 768 * 2) throw new Error("bytes");
 * ```
 */
export function sampleBytes(dims: readonly number[], dtype: string): number {
  const per = DTYPE_BYTES[dtype];
  if (per === undefined) {
    throw new ValueRangeError({
      field: "latent dtype",
      expected: `a numeric tensor type (${Object.keys(DTYPE_BYTES).join(", ")})`,
      found: dtype,
    });
  }
  return dims.slice(1).reduce((a, b) => a * b, 1) * per;
}

/** What the scorer needs of a suite. */
export type ReconstructSuite =
  & Pick<Suite, "id" | "version" | "title" | "fields" | "dt" | "grid">
  & Partial<Pick<Suite, "reconstruct">>;

/** Options of {@link reconstructSamples}. */
export interface ReconstructSamplesOptions {
  suite: ReconstructSuite;
  model: AutoencoderSource;
  backend: Backend;
  /** `[N, C, X]` reference samples, X = points per field. */
  samples: Float32Array;
  /** Largest batch per `session.run` (default 8; 1 when the encoder's batch axis is fixed). */
  batch?: number;
  /** Spectrum of one field (default: the suite's `reconstruct.spectrum` up to `lmax`). */
  spectrum?: (field: Float64Array) => Float64Array;
  /** Largest index of the spectra (default: the suite's `reconstruct.defaultLmax`). */
  lmax?: number;
  progress?: (done: number, total: number) => void;
  /** When given (`[N, C, X]`), receives every reconstruction (physical units). */
  reconstructions?: Float32Array;
}

/** Scores of {@link reconstructSamples}: everything of a result that depends on the run. */
export interface ReconstructScores {
  rows: ResultRow[];
  divergence: { ic: number; step: number | null }[];
  snapshots: Snapshot[];
  info: ReconstructInfo;
  batch: number;
  modelSeconds: number;
  metricSeconds: number;
  wallSeconds: number;
}

/** The suite's `reconstruct` part; a suite without one refuses the task, naming those with. */
function support(suite: ReconstructSuite): ReconstructSupport {
  if (suite.reconstruct) return suite.reconstruct;
  const able = listSuites().filter((s) => s.reconstruct).map((s) => s.id);
  throw new ValueRangeError({
    field: "--suite",
    expected: `a suite that declares the reconstruct task (${able.join(", ")})`,
    found: suite.id,
  });
}

function fixedBatch(model: AutoencoderSource): number | "dynamic" {
  const info = inspectOnnx(model.graphs.encode.bytes, model.graphs.encode.path);
  const d0 = info.inputs[0]?.dims?.[0];
  return typeof d0 === "number" ? d0 : "dynamic";
}

/** Feed encoder outputs to the decoder: by name, or the single output to the single input. */
function decoderFeeds(
  enc: Record<string, Tensor>,
  decInputs: readonly string[],
  file: string,
): Record<string, Tensor> {
  const names = Object.keys(enc);
  if (decInputs.every((n) => n in enc)) {
    return Object.fromEntries(decInputs.map((n) => [n, enc[n]]));
  }
  if (decInputs.length === 1 && names.length === 1) return { [decInputs[0]]: enc[names[0]] };
  throw new ShapeError({
    file,
    field: "decode inputs",
    expected: `the encoder outputs (${names.join(", ")}) by name, or one input for one output`,
    found: decInputs.join(", "),
  });
}

/**
 * Encode and decode every sample and score the reconstructions (see the module documentation
 * for the rows). Throws `ShapeError` when the decoder does not return the input's shape.
 *
 * @example
 * ```ts
 * import { reconstructSamples } from "./reconstruct.ts";
 * import { openBackend } from "../onnx/backend.ts";
 * import { meanPoolAutoencoder } from "../../baselines/era5_autoencoder.ts";
 * import { getSuite } from "../../suites/mod.ts";
 * // A suite that declares the task, on a small grid (12·4² = 192 points per field).
 * const suite = { ...getSuite("era5"), grid: { kind: "healpix", nside: 4, ordering: "nested" } } as const;
 * const s = await reconstructSamples({
 *   suite, model: meanPoolAutoencoder(suite, 16), backend: await openBackend("wasm"),
 *   samples: new Float32Array(2 * 192).fill(280), // a constant field survives exactly
 * });
 * if (s.info.compressionRatio !== 16) throw new Error("ratio");
 * if (s.rows.find((r) => r.metric === "rmse")?.value !== 0) throw new Error("rmse");
 * ```
 */
export async function reconstructSamples(o: ReconstructSamplesOptions): Promise<ReconstructScores> {
  const { suite, model, backend } = o;
  const hooks = support(suite), grid = suite.grid;
  const C = suite.fields.length, X = gridSize(grid), S = C * X;
  if (o.samples.length === 0 || o.samples.length % S !== 0) {
    throw new ShapeError({
      field: "samples",
      expected: `[N, ${C}, ${X}] values (N ≥ 1)`,
      found: `${o.samples.length} values`,
    });
  }
  const N = o.samples.length / S;
  const lmax = o.lmax ?? hooks.defaultLmax(grid);
  const spectrum = o.spectrum ?? ((f: Float64Array) => hooks.spectrum(f, grid, lmax));
  const fixed = fixedBatch(model);
  const batch = fixed === "dynamic" ? Math.max(1, Math.min(o.batch ?? 8, N)) : fixed;
  const encode = await backend.createSession(model.graphs.encode.bytes);
  const decode = await backend.createSession(model.graphs.decode.bytes);
  const encInput = model.manifest.input ?? encode.inputNames[0];
  const decOutput = model.manifest.output ?? decode.outputNames[0];
  if (!encode.inputNames.includes(encInput) || !decode.outputNames.includes(decOutput)) {
    throw new ShapeError({
      file: model.origin,
      field: "input/output",
      expected: `encoder input among ${encode.inputNames.join(", ")}, decoder output among ${
        decode.outputNames.join(", ")
      }`,
      found: `${encInput} → ${decOutput}`,
    });
  }

  const norm = model.manifest.normalize;
  if (norm && (norm.mean.length !== C || norm.std.length !== C)) {
    throw new ShapeError({
      file: model.origin,
      field: "normalize",
      expected: `${C} means and stds (one per field: ${suite.fields.join(", ")})`,
      found: `${norm.mean.length} means, ${norm.std.length} stds`,
    });
  }
  // Per-sample scores, float64.
  const mse = new Float64Array(N * C).fill(NaN), ps = new Float64Array(N * C).fill(NaN);
  const specErr = ["all", "low", "mid", "high"].map(() => new Float64Array(N * C).fill(NaN));
  const specPred: Float64Array[] = [], specRef: Float64Array[] = [];
  const divergence: { ic: number; step: number | null }[] = [];
  const snapshots: Snapshot[] = [];
  let info: ReconstructInfo | undefined;
  let modelSeconds = 0, metricSeconds = 0;
  const t0 = performance.now();
  for (let first = 0; first < N; first += batch) {
    const b = fixed === "dynamic" ? Math.min(batch, N - first) : batch;
    const count = Math.min(b, N - first);
    const x = new Float32Array(b * S);
    x.set(o.samples.subarray(first * S, (first + count) * S));
    const tm = performance.now();
    const input = backend.tensor("float32", norm ? normalizeChannels(x, norm, X, "in") : x, [
      b,
      C,
      X,
    ]);
    const enc = await encode.run({ [encInput]: input });
    const dec = await decode.run(decoderFeeds(enc, decode.inputNames, model.origin));
    const out = dec[decOutput];
    const raw = await backend.read(out);
    const y = norm ? normalizeChannels(raw, norm, X, "out") : raw;
    modelSeconds += (performance.now() - tm) / 1000;
    if (!info) {
      // Bytes per sample need the batch axis first: a latent reshaped to [B·m, k] or shared as
      // [1, k] would otherwise inflate or deflate the ratio.
      for (const [name, t] of Object.entries(enc)) {
        if (Number(t.dims[0]) !== b) {
          throw new ShapeError({
            file: model.graphs.encode.path,
            field: `output ${name}`,
            expected: `a batch axis of ${b} first (one latent per sample: [B, ...])`,
            found: `dims [${t.dims.join(", ")}] for a batch of ${b}`,
          });
        }
      }
      const latent = Object.entries(enc).map(([name, t]) => ({
        name,
        shape: [...t.dims.slice(1)].map(Number),
        dtype: t.type,
        bytes: sampleBytes(t.dims.map(Number), t.type),
      }));
      const inputBytes = sampleBytes([b, C, X], "float32");
      const latentBytes = latent.reduce((a, l) => a + l.bytes, 0);
      info = {
        input: { name: encInput, shape: [C, X], dtype: "float32", bytes: inputBytes },
        latent,
        compressionRatio: inputBytes / latentBytes,
        lmax,
      };
    }
    if (y.length !== b * S || out.dims.length !== 3 || Number(out.dims[1]) !== C) {
      throw new ShapeError({
        file: model.graphs.decode.path,
        field: `output ${decOutput}`,
        expected: `[${b}, ${C}, ${X}] (the encoder input's shape)`,
        found: `[${out.dims.join(", ")}]`,
      });
    }
    for (const t of [...Object.values(enc), ...Object.values(dec)]) disposeTensor(t);
    o.reconstructions?.set(y.subarray(0, count * S), first * S);

    const ts = performance.now();
    for (let i = 0; i < count; i++) {
      const ic = first + i;
      const yi = y.subarray(i * S, (i + 1) * S), xi = x.subarray(i * S, (i + 1) * S);
      const finite = yi.every(Number.isFinite);
      divergence.push({ ic, step: finite ? null : 1 });
      for (let c = 0; c < C; c++) {
        const ref = Float64Array.from(xi.subarray(c * X, (c + 1) * X));
        const pred = Float64Array.from(yi.subarray(c * X, (c + 1) * X));
        if (ic === 0) {
          snapshots.push({
            ic,
            step: 1,
            field: suite.fields[c],
            pred: Array.from(pred, (v) => (Number.isFinite(v) ? roundView(v) : null)),
            ref: Array.from(ref, (v) => roundView(v)),
            ...(grid.kind === "healpix"
              ? { healpix: { nside: grid.nside, ordering: grid.ordering } }
              : {}),
          });
        }
        if (!finite) continue;
        const k = ic * C + c;
        mse[k] = hooks.mse(pred, ref, grid);
        ps[k] = hooks.psnr(pred, ref, grid);
        const sp = spectrum(pred), sy = spectrum(ref);
        const bands = spectrumErrorBands(sp, sy);
        specErr[0][k] = bands.all;
        specErr[1][k] = bands.low ?? NaN;
        specErr[2][k] = bands.mid ?? NaN;
        specErr[3][k] = bands.high ?? NaN;
        if (!specPred[c]) {
          specPred[c] = new Float64Array(sp.length);
          specRef[c] = new Float64Array(sy.length);
        }
        for (let l = 0; l < sp.length; l++) {
          specPred[c][l] += sp[l];
          specRef[c][l] += sy[l];
        }
      }
    }
    metricSeconds += (performance.now() - ts) / 1000;
    o.progress?.(first + count, N);
  }
  const wallSeconds = (performance.now() - t0) / 1000;
  await encode.release();
  await decode.release();

  const rows: ResultRow[] = [];
  const finiteCount = divergence.filter((d) => d.step === null).length;
  const meanOf = (a: Float64Array, c: number) => {
    let s = 0, n = 0;
    for (let i = 0; i < N; i++) {
      const v = a[i * C + c];
      if (Number.isFinite(v)) {
        s += v;
        n++;
      }
    }
    return { value: n > 0 ? s / n : null, n };
  };
  const finiteOrNull = (v: number) => (Number.isFinite(v) ? v : null);
  suite.fields.forEach((field, c) => {
    const m = meanOf(mse, c);
    rows.push({ metric: "mse", field, value: m.value, n: m.n, reduction: "mean_over_samples" });
    rows.push({
      metric: "rmse",
      field,
      value: m.value === null ? null : Math.sqrt(m.value),
      n: m.n,
      reduction: "mean_over_samples_then_sqrt",
    });
    const p = meanOf(ps, c);
    rows.push({ metric: "psnr", field, value: p.value, n: p.n, reduction: "mean_over_samples" });
    ["", "_low", "_mid", "_high"].forEach((suffix, j) => {
      const e = meanOf(specErr[j], c);
      if (e.n === 0 && finiteCount > 0) return; // band with no degree at this lmax
      rows.push({
        metric: `spectrum_error${suffix}`,
        field,
        value: e.value,
        n: e.n,
        reduction: "mean_over_samples",
      });
    });
    if (specPred[c]) {
      for (let l = 0; l < specPred[c].length; l++) {
        for (const [metric, s] of [["spectrum_pred", specPred[c]], ["spectrum_ref", specRef[c]]]) {
          rows.push({
            metric: metric as string,
            field,
            k: l,
            value: finiteOrNull((s as Float64Array)[l] / finiteCount),
            n: finiteCount,
            reduction: "mean_over_samples",
          });
        }
      }
    }
    for (let i = 0; i < N; i++) {
      rows.push({ metric: "mse", field, ic: i, value: finiteOrNull(mse[i * C + c]) });
      rows.push({ metric: "psnr", field, ic: i, value: finiteOrNull(ps[i * C + c]) });
    }
  });
  rows.push({ metric: "compression_ratio", field: "*", value: info!.compressionRatio });
  return {
    rows,
    divergence,
    snapshots,
    info: info!,
    batch,
    modelSeconds,
    metricSeconds,
    wallSeconds,
  };
}

/** Options of {@link evaluateReconstruction}; CLI flags map one to one. */
export interface ReconstructOptions {
  suite: string;
  /** A model directory with `emulator.json` `{graphs: {encode, decode}}`, or `baseline:NAME`. */
  model: string;
  tier?: TierName;
  backend?: BackendChoice;
  /** Number of samples (default: the tier's IC count). */
  samples?: number;
  seed?: number;
  /** Read samples from this file: `samples` of its times, evenly spaced. */
  data?: string;
  /**
   * Directory for result.json; nothing is written when absent. The files are one output set
   * (`harness/core/atomic.ts`, the names of `RUN_OUTPUT_FILES`): they appear together or not at
   * all, replacing the previous set as a whole.
   */
  outDir?: string;
  /**
   * Also write `pred.npy` (the reconstructions) and `ref.npy` (the samples), both
   * `[N, C, X]` float32, to `outDir`.
   */
  saveTrajectories?: boolean;
  /**
   * More files of the output set, by name (e.g. `report.html` from the CLI): each writer gets
   * the staging path and the result, and the files appear in `outDir` with `result.json`.
   */
  extraOutputs?: Record<string, (path: string, result: Result) => Promise<void>>;
  batch?: number;
  /** Largest index of the spectra (default: the suite's `reconstruct.defaultLmax`). */
  lmax?: number;
  progress?: (phase: string, done: number, total: number) => void;
  log?: (message: string) => void;
}

/** A finished reconstruct evaluation. */
export interface Reconstruction {
  result: Result;
  files: { result?: string; pred?: string; ref?: string; extra?: Record<string, string> };
}

/**
 * Resolve `baseline:NAME` (a reconstruct-task baseline) or a model directory. A forecast
 * baseline or a manifest of another suite throws `ValueRangeError`.
 *
 * @example
 * ```ts
 * import { resolveAutoencoder } from "./reconstruct.ts";
 * import { getSuite, listSuites } from "../../suites/mod.ts";
 * const m = await resolveAutoencoder("baseline:mean_pool_r64", getSuite("era5"));
 * if (!m.graphs.encode || !m.graphs.decode) throw new Error("graphs");
 * ```
 */
export async function resolveAutoencoder(spec: string, suite: Suite): Promise<AutoencoderSource> {
  if (spec.startsWith("baseline:")) {
    const b = getBaseline(spec.slice(9), suite.id);
    if (!b.buildAutoencoder) {
      throw new ValueRangeError({
        field: spec,
        expected: "an autoencoder baseline (e.g. baseline:mean_pool_r64)",
        found: "a forecast baseline (it has no encode/decode graphs)",
      });
    }
    return b.buildAutoencoder(suite);
  }
  return checkModelSuite(spec, await loadAutoencoder(spec), suite);
}

/**
 * Run the reconstruct task end to end: samples (the suite's built-in samples,
 * `Suite.reconstruct.samples`, or time entries of `data`), the autoencoder on the chosen backend, the scores of
 * {@link reconstructSamples}, and the output set (`result.json`, optional `pred.npy`/`ref.npy`
 * and `extraOutputs`) written all-or-nothing under `outDir`.
 *
 * @example
 * ```ts
 * import { evaluateReconstruction } from "./reconstruct.ts";
 * const { result } = await evaluateReconstruction({
 *   suite: "era5", model: "baseline:mean_pool_r1024", tier: "smoke", backend: "wasm",
 * });
 * if (result.task !== "reconstruct" || result.config.ics !== 2) throw new Error("run");
 * ```
 */
export async function evaluateReconstruction(o: ReconstructOptions): Promise<Reconstruction> {
  const t0 = performance.now();
  const log = o.log ?? (() => {});
  const suite = getSuite(o.suite);
  const hooks = support(suite);
  const { tierName, tier, seed } = tierAndSeed(suite, o.tier, o.seed);
  for (const [k, v] of [["--ics", o.samples], ["--batch", o.batch], ["--lmax", o.lmax]] as const) {
    positiveInt(v, k);
  }
  if (o.outDir) await (await import("../core/safe_file.ts")).checkOutputDir(o.outDir);
  const model = await resolveAutoencoder(o.model, suite);
  const hashed = await hashModelFiles(model);

  const tr = performance.now();
  let samples: Float32Array, dataSource: string, hours: number[] | undefined;
  const S = suite.fields.length * gridSize(suite.grid);
  if (o.data) {
    // One sample per window start (its time entry 0): `--ics` times (default up to 64) spread
    // evenly over the whole file, first and last window included, any time step (`spread`).
    const ds = await loadDataset(o.data, suite, { steps: 1, ics: o.samples, spread: true });
    samples = ds.ics;
    hours = ds.startHours;
    dataSource = ds.note ? `${o.data} (${ds.note})` : o.data;
  } else {
    const set = hooks.samples(o.samples ?? tier.ics, seed, suite);
    log(`samples: ${set.summary}`);
    ({ samples, hours } = set);
    dataSource = set.source;
  }
  const referenceSeconds = (performance.now() - tr) / 1000;

  const backend = await openBackend(o.backend ?? "auto");
  log(`model: ${model.manifest.name} (autoencoder) on ${backend.name}`);
  const reconstructions = o.saveTrajectories ? new Float32Array(samples.length) : undefined;
  const scores = await reconstructSamples({
    suite,
    model,
    backend,
    samples,
    reconstructions,
    batch: o.batch,
    lmax: o.lmax,
    progress: (d, t) => o.progress?.("reconstruct", d, t),
  });
  const N = samples.length / S;
  const result: Result = described(suite, {
    ...await resultHeader({
      task: "reconstruct",
      taskBlock: { reconstruct: { ...scores.info, ...(hours ? { hours } : {}) } },
      suite,
      tier: o.data ? "data" : tierName,
      backend,
      model: {
        name: model.manifest.name,
        kind: model.kind,
        description: model.manifest.description,
        authors: model.manifest.authors,
        files: hashed.files,
        sha256: hashed.sha256,
        form: "autoencoder",
        history: 1,
        carry: [],
      },
      config: {
        ics: N,
        steps: 1,
        seed,
        backend: o.backend ?? "auto",
        batch: scores.batch,
        data: dataSource,
        summarySteps: [],
      },
    }),
    timings: {
      modelSeconds: scores.modelSeconds,
      metricSeconds: scores.metricSeconds,
      referenceSeconds,
      stepsPerSecond: N / Math.max(scores.modelSeconds, 1e-9),
      totalSeconds: (performance.now() - t0) / 1000,
    },
    rows: scores.rows,
    divergence: scores.divergence,
    snapshots: scores.snapshots,
  });
  const written: Reconstruction["files"] = {};
  if (o.outDir) {
    // One output set, as a forecast run's: an old pred.npy never sits beside a new result.json.
    Object.assign(
      written,
      await writeResultSet(o.outDir, RUN_OUTPUT_FILES, {
        result,
        ...(reconstructions
          ? {
            arrays: {
              pred: reconstructions,
              ref: samples,
              shape: [N, suite.fields.length, gridSize(suite.grid)],
            },
          }
          : {}),
        ...(o.extraOutputs ? { extra: o.extraOutputs } : {}),
      }),
    );
  }
  return { result, files: written };
}

/**
 * One line for the terminal: compression ratio and RMSE / PSNR per variable.
 *
 * @example
 * ```ts
 * import { reconstructSummary } from "./reconstruct.ts";
 * import type { Result } from "../results/schema.ts";
 * const r = {
 *   suite: { id: "era5", fields: ["t"] }, model: { name: "m" }, environment: { backend: "wasm" },
 *   rows: [{ metric: "rmse", field: "t", value: 1.5 }, { metric: "psnr", field: "t", value: 30 },
 *     { metric: "compression_ratio", field: "*", value: 64 }],
 * } as unknown as Result;
 * if (!reconstructSummary(r).includes("ratio 64")) throw new Error(reconstructSummary(r));
 * ```
 */
export function reconstructSummary(r: Result): string {
  const get = (metric: string, field: string) =>
    r.rows.find((x) => x.metric === metric && x.field === field && x.ic === undefined)?.value;
  const fmt = (v: number | null | undefined) =>
    v === null || v === undefined ? "—" : v.toPrecision(4);
  const parts = r.suite.fields.map((f) =>
    `${f}: rmse ${fmt(get("rmse", f))}, psnr ${fmt(get("psnr", f))} dB`
  );
  return `${r.suite.id} ${r.model.name} (reconstruct): ratio ${
    fmt(get("compression_ratio", "*"))
  }; ${parts.join("; ")} on ${r.environment.backend}`;
}

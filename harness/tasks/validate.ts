/**
 * `emubench validate`: explain whether a model fits a suite, statically (names, ranks, shapes,
 * dtypes, dynamic axes, opset of every graph) and then by a dry run of two steps on two ICs,
 * which catches what static shapes cannot (wrong output sizes behind dynamic dims, NaN).
 * Autoencoders (`{encode, decode}` without `step`, the `reconstruct` task) are validated by a
 * dry reconstruction of two samples (`harness/tasks/reconstruct.ts`), which checks the graphs, the
 * shapes they produce and the compression ratio.
 * @module
 */
import { getSuite } from "../../suites/mod.ts";
import { gridShape } from "../../suites/common/types.ts";
import {
  type BackendChoice,
  type BackendName,
  nativeAvailable,
  openBackend,
  probeAdapter,
} from "../onnx/backend.ts";
import { isInputError, ShapeError, ValueRangeError } from "../core/errors.ts";
import { readNpy } from "../data/npy.ts";
import {
  loadAutoencoder,
  loadModel,
  type ManifestTask,
  MAX_MANIFEST_BYTES,
} from "../model/manifest.ts";
import { join } from "node:path";
import { evaluateReconstruction } from "./reconstruct.ts";
import { formatDims } from "../onnx/inspect.ts";
import { closeSessions, openSessions, rollout } from "../model/rollout.ts";
import { formatProblems, planModel, type Problem, suiteSpec } from "../model/plan.ts";

/** The outcome of validation. */
export interface ValidationReport {
  ok: boolean;
  model: string;
  suite: string;
  problems: Problem[];
  /** Dry-run outcome, absent when static checks failed. */
  dryRun?: { backend: string; ok: boolean; message: string };
  /** Human-readable explanation. */
  text: string;
}

/**
 * The task a model directory is for: `reconstruct` when its `emulator.json` names `encode` and
 * `decode` graphs but no `step`, else `forecast` (also for a bare `.onnx` or an unreadable
 * manifest, whose errors `loadModel` then reports). The manifest is read through the checked
 * reader, as `loadModel` reads it (a regular file inside the directory, no symbolic link, at
 * most `MAX_MANIFEST_BYTES`), so a FIFO or `/dev/zero` there is never opened.
 */
async function detectTask(path: string): Promise<ManifestTask> {
  try {
    const dir = path.endsWith("emulator.json") ? path.slice(0, -"emulator.json".length) : path;
    const { readCheckedText } = await import("../core/safe_file.ts");
    const json = JSON.parse(
      await readCheckedText(join(dir || ".", "emulator.json"), {
        root: dir || ".",
        maxBytes: MAX_MANIFEST_BYTES,
      }),
    );
    const g = json?.graphs;
    return g && typeof g === "object" && "encode" in g && "decode" in g && !("step" in g)
      ? "reconstruct"
      : "forecast";
  } catch {
    return "forecast";
  }
}

async function validateAutoencoder(
  path: string,
  options: { suite?: string; backend?: BackendChoice },
): Promise<ValidationReport> {
  const model = await loadAutoencoder(path);
  const suite = getSuite(options.suite ?? model.manifest.suite);
  const lines = [
    `model: ${path} (autoencoder: encode ${model.graphs.encode.path}, decode ${model.graphs.decode.path})`,
    `suite: ${suite.id} v${suite.version}, task reconstruct, state [B, ${suite.fields.length}, ${
      gridShape(suite.grid).join(", ")
    }] (fields ${suite.fields.join(", ")})`,
  ];
  const problems: Problem[] = [];
  if (model.manifest.suite !== suite.id) {
    problems.push({
      file: "emulator.json",
      field: "suite",
      expected: `"${suite.id}"`,
      found: `"${model.manifest.suite}"`,
    });
  }
  let dryRun: ValidationReport["dryRun"];
  if (problems.length === 0) {
    try {
      const { result } = await evaluateReconstruction({
        suite: suite.id,
        model: path,
        samples: 2,
        backend: options.backend ?? "auto",
        lmax: 8,
      });
      const bad = result.divergence.filter((d) => d.step !== null).map((d) => d.ic);
      const ratio = result.reconstruct?.compressionRatio;
      dryRun = bad.length > 0
        ? {
          backend: result.environment.backend,
          ok: false,
          message: `sample${bad.length === 1 ? "" : "s"} ${bad.join(", ")} decoded to NaN/Inf`,
        }
        : {
          backend: result.environment.backend,
          ok: true,
          message: `2 samples encoded and decoded; outputs finite; compression ratio ${
            ratio === undefined ? "unknown" : Number(ratio.toPrecision(4))
          }`,
        };
    } catch (e) {
      if (!(e instanceof Error)) throw e;
      dryRun = { backend: options.backend ?? "auto", ok: false, message: e.message };
    }
    lines.push(`dry run on ${dryRun.backend}: ${dryRun.ok ? "ok" : "FAILED"}: ${dryRun.message}`);
  } else {
    lines.push(`${problems.length} problem${problems.length === 1 ? "" : "s"}:`);
    lines.push(formatProblems(problems));
  }
  const ok = problems.length === 0 && (dryRun?.ok ?? false);
  lines.push(
    ok
      ? `OK: the autoencoder fits ${suite.id} (task reconstruct).`
      : `NOT OK: the autoencoder does not fit ${suite.id}.`,
  );
  return { ok, model: path, suite: suite.id, problems, dryRun, text: lines.join("\n") };
}

/**
 * Validate the model at `path` (suite from `emulator.json` or `options.suite`); `task` defaults
 * to what the manifest describes (`{encode, decode}` without `step`: `reconstruct`).
 */
export async function validateModel(
  path: string,
  options: { suite?: string; backend?: BackendChoice; task?: ManifestTask } = {},
): Promise<ValidationReport> {
  if ((options.task ?? await detectTask(path)) === "reconstruct") {
    return await validateAutoencoder(path, options);
  }
  const model = await loadModel(path, options.suite);
  const suiteId = options.suite ?? model.manifest.suite;
  if (!suiteId) {
    throw new ValueRangeError({
      file: path,
      field: "--suite",
      expected: "a suite id (a bare .onnx has no manifest to name one)",
      found: "nothing",
    });
  }
  const suite = getSuite(suiteId);
  const lines: string[] = [];
  const shape = gridShape(suite.grid);
  const problems: Problem[] = [];
  if (model.manifest.suite && model.manifest.suite !== suite.id) {
    problems.push({
      file: "emulator.json",
      field: "suite",
      expected: `"${suite.id}"`,
      found: `"${model.manifest.suite}"`,
    });
  }
  const { plan, problems: p } = planModel(model, suiteSpec(suite));
  problems.push(...p);
  lines.push(
    `model: ${path} (${model.manifestFile ? "directory with emulator.json" : "bare ONNX"})`,
  );
  lines.push(
    `suite: ${suite.id} v${suite.version}, state [B, ${suite.fields.length}, ${
      shape.join(", ")
    }] (fields ${suite.fields.join(", ")})`,
  );
  const graphs = plan?.graphs ?? {};
  for (const [role, g] of Object.entries(graphs)) {
    lines.push(
      `graph ${role}: ${g.file}, opset ${g.opset}, ${g.nodes} nodes${
        g.producer ? `, from ${g.producer}` : ""
      }`,
    );
    for (const t of g.inputs) lines.push(`  input  ${t.name} ${t.elemType} ${formatDims(t.dims)}`);
    for (const t of g.outputs) lines.push(`  output ${t.name} ${t.elemType} ${formatDims(t.dims)}`);
  }
  let dryRun: ValidationReport["dryRun"];
  if (plan && problems.length === 0) {
    lines.push(
      `form: ${plan.form}${
        plan.latent && plan.latent.length > 1
          ? ` (${plan.latent.length} latent tensors: ${plan.latent.map(([i]) => i).join(", ")})`
          : ""
      }, history ${plan.history}, batch ${plan.batch}, dtype ${plan.dtype}${
        plan.step.carry.length
          ? `, carry ${plan.step.carry.map(([i, o]) => `${o}→${i}`).join(", ")}`
          : ""
      }`,
    );
    const backend = await openBackend(options.backend ?? "auto");
    const n = 2, steps = plan.history + 1;
    try {
      const ics = suite.initialConditions(n, suite.seed);
      const reference = suite.reference(ics, n, steps);
      const sessions = await openSessions(backend, model, plan, 2 + shape.length);
      let nonFinite: string | undefined;
      await rollout({
        sessions,
        channels: suite.fields.length,
        shape,
        count: n,
        reference,
        refSteps: steps,
        steps,
        startHours: suite.startHours?.(n, suite.seed),
        observer: {
          step: () => {},
          diverged: (ic, s) => (nonFinite ??= `IC ${ic} produced NaN/Inf at step ${s}`),
        },
      });
      await closeSessions(sessions);
      dryRun = nonFinite ? { backend: backend.name, ok: false, message: nonFinite } : {
        backend: backend.name,
        ok: true,
        message: `${n} ICs × ${steps - plan.history + 1} steps ran; outputs finite`,
      };
    } catch (e) {
      // Model faults (a graph onnxruntime refuses, fails while running, or whose sizes do not
      // fit) arrive as input errors naming the file and the op/tensor; anything else is a bug.
      if (!isInputError(e)) throw e;
      dryRun = { backend: backend.name, ok: false, message: e.message };
    }
    lines.push(`dry run on ${dryRun.backend}: ${dryRun.ok ? "ok" : "FAILED"}: ${dryRun.message}`);
  }
  const ok = problems.length === 0 && (dryRun?.ok ?? false);
  if (problems.length > 0) {
    lines.push(
      `${problems.length} problem${problems.length === 1 ? "" : "s"}:`,
      formatProblems(problems),
    );
  }
  lines.push(
    ok ? `OK: the model fits ${suite.id}.` : `NOT OK: the model does not fit ${suite.id}.`,
  );
  return { ok, model: path, suite: suite.id, problems, dryRun, text: lines.join("\n") };
}

/** One backend's comparison against the user's expected output. */
export interface ExpectedComparison {
  backend: string;
  /** max |emubench − expected| over every value. */
  maxAbs: number;
  /** `maxAbs / max|expected|` (the tolerance is on this). */
  maxRel: number;
  ok: boolean;
  /** Set when the backend could not run the step. */
  error?: string;
}

/** Options of {@link checkExpected}. */
export interface ExpectedOptions {
  suite?: string;
  /** The input state(s): `[B, C, ...grid]`, or `[B, k, C, ...grid]` for `history: k`. */
  expectInput: string;
  /** What the user's framework returned for it: `[B, C, ...grid]`, physical units. */
  expectOutput: string;
  /**
   * Largest accepted `max|Δ| / max|expected|`; default {@link DEFAULT_EXPECT_TOLERANCE}
   * ({@link DEFAULT_EXPECT_TOLERANCE_FLOAT16} for float16 graphs).
   */
  tolerance?: number;
  /** Backends to compare on; default every one available here (webgpu on a hardware adapter). */
  backends?: BackendName[];
}

/**
 * Default tolerance of `validate --expect-output` for float32 graphs: max |Δ| ≤ 1e-5 ×
 * max |expected|. One step of torch's own small CNN exported faithfully differs by 8e-8 of the
 * field's scale; the same CNN exported with torch 1.13's off-by-one circular padding
 * (pytorch#86690) by 1.6e-4 (`fixtures/torch/cnn1d_*`), so 1e-5 leaves a factor ≥ 10 each side.
 */
export const DEFAULT_EXPECT_TOLERANCE = 1e-5;
/** Default tolerance for float16 graphs (binary16 has 11 significant bits: ε ≈ 1e-3). */
export const DEFAULT_EXPECT_TOLERANCE_FLOAT16 = 5e-3;

/**
 * `validate --expect-input IN.npy --expect-output OUT.npy`: run ONE model step from `IN` on every
 * available backend exactly as a rollout does (normalize, float16, carries from zeros or the init
 * graph, a latent model's encode → step → decode; conditioning inputs at the first step: state
 * k − 1, i.e. time (k − 1)·Δt, step k − 1) and compare with `OUT`.
 *
 * @example
 * ```ts
 * import { checkExpected } from "./validate.ts";
 * const r = await checkExpected("fixtures/torch/cnn1d_manualwrap/model.onnx", {
 *   suite: "burgers1d",
 *   expectInput: "fixtures/torch/cnn1d_manualwrap/in.npy",
 *   expectOutput: "fixtures/torch/cnn1d_manualwrap/out.npy",
 *   backends: ["wasm"],
 * });
 * if (!r.ok || !(r.comparisons[0].maxRel < 1e-5)) throw new Error(r.text);
 * ```
 */
export async function checkExpected(
  path: string,
  o: ExpectedOptions,
): Promise<{ ok: boolean; comparisons: ExpectedComparison[]; text: string }> {
  if (o.tolerance !== undefined && !(o.tolerance >= 0)) {
    throw new ValueRangeError({
      field: "--tolerance",
      expected: "a number ≥ 0",
      found: String(o.tolerance),
    });
  }
  const model = await loadModel(path, o.suite);
  const suite = getSuite(o.suite ?? model.manifest.suite);
  const shape = gridShape(suite.grid), C = suite.fields.length;
  const S = C * shape.reduce((a, b) => a * b, 1);
  const { plan, problems } = planModel(model, suiteSpec(suite));
  if (!plan) {
    throw new ShapeError({
      file: path,
      expected: `a model that fits suite ${suite.id}`,
      found: `${problems.length} problem(s):\n${formatProblems(problems)}`,
    });
  }
  const tolerance = o.tolerance ??
    (plan.dtype === "float16" ? DEFAULT_EXPECT_TOLERANCE_FLOAT16 : DEFAULT_EXPECT_TOLERANCE);
  const k = plan.history;
  const read = async (file: string, flag: string, dims: number[]) => {
    const a = await readNpy(file);
    const want = [a.shape[0], ...dims];
    if (a.shape.length !== want.length || a.shape.some((d, i) => i > 0 && d !== want[i])) {
      throw new ShapeError({
        file,
        field: flag,
        expected: `[B, ${dims.join(", ")}]`,
        found: `[${a.shape.join(", ")}]`,
      });
    }
    return { n: a.shape[0], data: Float32Array.from(a.data as ArrayLike<number>) };
  };
  const input = await read(
    o.expectInput,
    "--expect-input",
    k > 1 ? [k, C, ...shape] : [C, ...shape],
  );
  const output = await read(o.expectOutput, "--expect-output", [C, ...shape]);
  if (input.n !== output.n) {
    throw new ShapeError({
      file: o.expectOutput,
      field: "--expect-output",
      expected: `batch ${input.n} (as --expect-input)`,
      found: `batch ${output.n}`,
    });
  }
  const n = input.n;
  // The input window as a reference [n, k + 1, C, ...]: states 0..k−1 given, slot k unused.
  const reference = new Float32Array(n * (k + 1) * S);
  for (let i = 0; i < n; i++) {
    reference.set(input.data.subarray(i * k * S, (i + 1) * k * S), i * (k + 1) * S);
  }
  let scale = 0;
  for (const v of output.data) scale = Math.max(scale, Math.abs(v));
  const names: BackendName[] = o.backends ?? await availableBackends();
  const comparisons: ExpectedComparison[] = [];
  for (const name of names) {
    const got = new Float32Array(n * S).fill(NaN);
    try {
      const backend = await openBackend(name);
      const sessions = await openSessions(backend, model, plan, 2 + shape.length);
      try {
        await rollout({
          sessions,
          channels: C,
          shape,
          count: n,
          reference,
          refSteps: k,
          steps: k,
          startHours: suite.startHours?.(n, suite.seed),
          observer: { step: (ic, _s, p) => got.set(p, ic * S), diverged: () => {} },
        });
      } finally {
        await closeSessions(sessions);
      }
    } catch (e) {
      if (!(e instanceof Error)) throw e;
      comparisons.push({ backend: name, maxAbs: NaN, maxRel: NaN, ok: false, error: e.message });
      continue;
    }
    let maxAbs = 0;
    for (let i = 0; i < got.length; i++) {
      const d = Math.abs(got[i] - output.data[i]);
      maxAbs = Number.isNaN(d) ? Infinity : Math.max(maxAbs, d);
    }
    const maxRel = scale > 0 ? maxAbs / scale : maxAbs === 0 ? 0 : Infinity;
    comparisons.push({ backend: name, maxAbs, maxRel, ok: maxRel <= tolerance });
  }
  const ok = comparisons.length > 0 && comparisons.every((c) => c.ok);
  const lines = [
    `one step from ${o.expectInput} (${n} × [${k > 1 ? `${k}, ` : ""}${C}, ${shape.join(", ")}]) ` +
    `against ${o.expectOutput}; tolerance max|Δ| ≤ ${tolerance} × max|expected| (${
      scale.toPrecision(4)
    })`,
    ...comparisons.map((c) =>
      c.error
        ? `  ${c.backend}: FAILED to run: ${c.error}`
        : `  ${c.backend}: max abs ${c.maxAbs.toExponential(3)}, max rel ${
          c.maxRel.toExponential(3)
        }: ${c.ok ? "ok" : "BEYOND TOLERANCE"}`
    ),
    ok
      ? "OK: the model reproduces the expected output on every backend."
      : "NOT OK: the ONNX graph does not compute what your framework computed (see above).",
  ];
  return { ok, comparisons, text: lines.join("\n") };
}

/** native (when onnxruntime-node loads), wasm, and webgpu on a hardware adapter. */
async function availableBackends(): Promise<BackendName[]> {
  const out: BackendName[] = [];
  const adapter = await probeAdapter();
  if (adapter && !adapter.fallback) out.push("webgpu");
  if (await nativeAvailable()) out.push("native");
  out.push("wasm");
  return out;
}

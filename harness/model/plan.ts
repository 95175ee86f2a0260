/**
 * Static validation of a model against a suite (SPEC §2): names, ranks, shapes, dtypes, dynamic
 * axes and opset of every graph, before any rollout. Produces either a {@link ModelPlan} the
 * rollout engine follows, or a list of {@link Problem}s that say what to fix.
 *
 * @example
 * ```ts
 * import { GraphBuilder } from "../onnx/graph.ts";
 * import { planModel } from "./plan.ts";
 * const g = new GraphBuilder("id");
 * g.output(g.op("Identity", [g.input("u", ["B", 1, 4])]), "v", ["B", 1, 4]);
 * const { problems } = planModel({
 *   kind: "model", origin: "m.onnx",
 *   manifest: { name: "m", suite: "s", graphs: { step: "m.onnx" }, history: 1, carry: {} },
 *   graphs: { step: { path: "m.onnx", bytes: g.build() } },
 * }, { fields: ["u"], shape: [8] });
 * if (problems[0]?.field !== "input u") throw new Error(JSON.stringify(problems));
 * ```
 * @module
 */
import { formatDims, type GraphInfo, inspectOnnx, type TensorInfo } from "../onnx/inspect.ts";
import type { ModelSource } from "./manifest.ts";
import {
  type ConditioningInput,
  type ConditioningSpec,
  needsBatchOne,
  planConditioning,
} from "./conditioning.ts";
import { gridShape, type Suite } from "../../suites/common/types.ts";

/** One mismatch between a model and the contract. */
export interface Problem {
  file: string;
  field: string;
  expected: string;
  found: string;
}

/** What the rollout engine needs to know about a validated model. */
export interface ModelPlan {
  form: "step" | "latent";
  history: number;
  /** Fixed batch size of the graphs, or "dynamic". */
  batch: number | "dynamic";
  /** Element type of the physical state tensors. */
  dtype: "float32" | "float16";
  /** Step graph: state (or latent) input/output and carried pairs `[input, output]`. */
  step: { input: string; output: string; carry: [string, string][] };
  encode?: { input: string; output: string };
  decode?: { input: string; output: string };
  /** Optional init graph: state window → initial carries (output names equal carry inputs). */
  init?: { input: string };
  /** Conditioning inputs of the step graph, fed every step (`conditioning.ts`). */
  conditioning: ConditioningInput[];
  /** The suite's Δt and parameters the conditioning inputs read (from the {@link StateSpec}). */
  conditioningContext: { dt?: number; params?: Readonly<Record<string, number>> };
  /** Shapes of the carried inputs (batch axis first), for zero initialisation. */
  carryDims: Record<string, (number | string | null)[]>;
  /** The inspected graphs, by role. */
  graphs: Record<string, GraphInfo>;
}

/**
 * The part of a suite validation needs: the state layout, and what conditioning inputs may ask
 * for (Δt, parameters, a calendar; absent: such inputs are refused).
 */
export interface StateSpec extends ConditioningSpec {
  fields: readonly string[];
  /** Grid shape without batch and channel axes, e.g. `[1024]`. */
  shape: readonly number[];
}

/**
 * The {@link StateSpec} of a suite: fields, grid shape, Δt, parameters and whether its ICs have
 * dates (`Suite.startHours`).
 *
 * @example
 * ```ts
 * import { suiteSpec } from "./plan.ts";
 * const s = suiteSpec({ fields: ["u"], grid: { kind: "periodic1d", n: 8, length: 1 }, dt: 0.1 });
 * if (s.shape[0] !== 8 || s.dt !== 0.1 || s.calendar) throw new Error(JSON.stringify(s));
 * ```
 */
export function suiteSpec(
  suite: Pick<Suite, "fields" | "grid" | "dt" | "params" | "startHours">,
): StateSpec {
  return {
    fields: suite.fields,
    shape: gridShape(suite.grid),
    dt: suite.dt,
    params: suite.params,
    calendar: suite.startHours !== undefined,
  };
}

/** Highest default-domain opset onnxruntime 1.30 implements. */
export const MAX_OPSET = 23;
const FLOAT_TYPES = new Set(["float32", "float16"]);

/**
 * Check `model` against the suite's state layout and resolve tensor names. Never throws for a
 * contract mismatch: those come back as problems (a malformed ONNX file still throws
 * `FormatError`, since nothing else can be said about it).
 */
export function planModel(
  model: ModelSource,
  spec: StateSpec,
): { plan?: ModelPlan; problems: Problem[] } {
  const m = model.manifest;
  const problems: Problem[] = [];
  const graphs: Record<string, GraphInfo> = {};
  for (const [role, g] of Object.entries(model.graphs)) {
    if (g) graphs[role] = inspectOnnx(g.bytes, g.path);
  }
  const C = spec.fields.length;
  const stateDims = (history: number): (number | string)[] =>
    history > 1 ? ["B", history, C, ...spec.shape] : ["B", C, ...spec.shape];
  const batchSizes = new Set<number | "dynamic">();

  const problem = (file: string, field: string, expected: string, found: string) =>
    problems.push({ file, field, expected, found });

  for (const info of Object.values(graphs)) {
    if (info.opset > MAX_OPSET) {
      problem(info.file, "opset", `≤ ${MAX_OPSET} (onnxruntime 1.30)`, String(info.opset));
    }
  }

  /** Check one tensor against expected dims `[B, ...rest]`; records batch kind. */
  const checkState = (
    info: GraphInfo,
    t: TensorInfo,
    what: string,
    expected: (number | string)[],
  ) => {
    const exp = `${formatDims(expected)} ${"float32 (or float16)"}`;
    if (!FLOAT_TYPES.has(t.elemType)) {
      problem(info.file, `${what} ${t.name}`, exp, `${t.elemType} ${formatDims(t.dims)}`);
      return;
    }
    if (t.dims === null) return; // unknown rank: checked at run time
    if (t.dims.length !== expected.length) {
      problem(
        info.file,
        `${what} ${t.name}`,
        `rank ${expected.length} ${exp}`,
        `rank ${t.dims.length} ${formatDims(t.dims)}`,
      );
      return;
    }
    const b = t.dims[0];
    batchSizes.add(typeof b === "number" ? b : "dynamic");
    for (let i = 1; i < expected.length; i++) {
      const d = t.dims[i];
      if (typeof d === "number" && d !== expected[i]) {
        problem(info.file, `${what} ${t.name}`, exp, `${formatDims(t.dims)} (axis ${i} is ${d})`);
        return;
      }
    }
  };

  /** Resolve the one input/output that is not carried. */
  const pick = (
    info: GraphInfo,
    list: TensorInfo[],
    exclude: Set<string>,
    wanted: string | undefined,
    what: "input" | "output",
  ): TensorInfo | undefined => {
    if (wanted !== undefined) {
      const t = list.find((x) => x.name === wanted);
      if (!t) {
        problem(
          info.file,
          `${what} ${wanted}`,
          `a graph ${what} named "${wanted}" (from emulator.json "${what}")`,
          `${what}s ${list.map((x) => x.name).join(", ") || "none"}`,
        );
      }
      return t;
    }
    const free = list.filter((x) => !exclude.has(x.name));
    if (free.length !== 1) {
      problem(
        info.file,
        `${what}s`,
        `exactly one state ${what} besides carried tensors (name it with "${what}" in emulator.json)`,
        `${free.length}: ${
          free.map((x) => `${x.name} ${x.elemType} ${formatDims(x.dims)}`).join(", ")
        }`,
      );
      return undefined;
    }
    return free[0];
  };

  const carryPairs = Object.entries(m.carry);
  const carryIn = new Set(carryPairs.map(([i]) => i));
  const carryOut = new Set(carryPairs.map(([, o]) => o));
  const step = graphs.step;
  const latent = graphs.encode !== undefined;
  const plan: Partial<ModelPlan> = {
    form: latent ? "latent" : "step",
    history: m.history,
    graphs,
    carryDims: {},
    conditioning: planConditioning(step, m.conditioning ?? {}, spec, problem),
    conditioningContext: { dt: spec.dt, params: spec.params },
  };
  // The state input is the one step input that is neither carried nor conditioning.
  const stepFree = new Set([...carryIn, ...Object.keys(m.conditioning ?? {})]);

  for (const [i, o] of carryPairs) {
    const ti = step.inputs.find((x) => x.name === i);
    const to = step.outputs.find((x) => x.name === o);
    if (!ti) {
      problem(
        step.file,
        `carry ${i}`,
        `a step input named "${i}"`,
        `inputs ${step.inputs.map((x) => x.name).join(", ")}`,
      );
    }
    if (!to) {
      problem(
        step.file,
        `carry ${o}`,
        `a step output named "${o}"`,
        `outputs ${step.outputs.map((x) => x.name).join(", ")}`,
      );
    }
    if (
      ti && to && ti.dims && to.dims &&
      formatDims(ti.dims.slice(1)) !== formatDims(to.dims.slice(1))
    ) {
      problem(
        step.file,
        `carry ${i} → ${o}`,
        `equal shapes ${formatDims(ti.dims)}`,
        formatDims(to.dims),
      );
    }
    if (ti) {
      const dims = ti.dims;
      if (dims === null || dims.slice(1).some((d) => typeof d !== "number")) {
        if (!graphs.init) {
          problem(
            step.file,
            `carry ${i}`,
            "fixed sizes on every axis but the batch (to start from zeros), or an init graph",
            formatDims(dims),
          );
        }
      }
      plan.carryDims![i] = dims ?? [];
    }
  }

  if (!latent) {
    const inp = pick(step, step.inputs, stepFree, m.input, "input");
    const out = pick(step, step.outputs, carryOut, m.output, "output");
    if (inp) checkState(step, inp, "input", stateDims(m.history));
    if (out) checkState(step, out, "output", stateDims(1));
    if (inp && out) {
      plan.step = { input: inp.name, output: out.name, carry: carryPairs };
      plan.dtype = inp.elemType === "float16" ? "float16" : "float32";
    }
  } else {
    const enc = graphs.encode, dec = graphs.decode!;
    const eIn = pick(enc, enc.inputs, new Set(), m.input, "input");
    const eOut = pick(enc, enc.outputs, new Set(), undefined, "output");
    const sIn = pick(step, step.inputs, stepFree, undefined, "input");
    const sOut = pick(step, step.outputs, carryOut, undefined, "output");
    const dIn = pick(dec, dec.inputs, new Set(), undefined, "input");
    const dOut = pick(dec, dec.outputs, new Set(), m.output, "output");
    if (eIn) checkState(enc, eIn, "input", stateDims(m.history));
    if (dOut) checkState(dec, dOut, "output", stateDims(1));
    if (eOut && sIn && formatDims(eOut.dims) !== formatDims(sIn.dims)) {
      problem(
        step.file,
        `input ${sIn.name}`,
        `the encoder's latent ${formatDims(eOut.dims)}`,
        formatDims(sIn.dims),
      );
    }
    if (sOut && dIn && formatDims(sOut.dims) !== formatDims(dIn.dims)) {
      problem(
        dec.file,
        `input ${dIn.name}`,
        `the step's latent ${formatDims(sOut.dims)}`,
        formatDims(dIn.dims),
      );
    }
    if (eIn && eOut && sIn && sOut && dIn && dOut) {
      plan.encode = { input: eIn.name, output: eOut.name };
      plan.step = { input: sIn.name, output: sOut.name, carry: carryPairs };
      plan.decode = { input: dIn.name, output: dOut.name };
      plan.dtype = eIn.elemType === "float16" ? "float16" : "float32";
    }
  }
  if (graphs.init) {
    const init = graphs.init;
    const inp = pick(init, init.inputs, new Set(), undefined, "input");
    if (inp) {
      checkState(init, inp, "input", stateDims(m.history));
      plan.init = { input: inp.name };
    }
    for (const i of carryIn) {
      if (!init.outputs.some((o) => o.name === i)) {
        problem(
          init.file,
          `output ${i}`,
          `an init output named like the carried input "${i}"`,
          `outputs ${init.outputs.map((o) => o.name).join(", ")}`,
        );
      }
    }
  }
  if (m.normalize && m.normalize.mean.length !== C) {
    problem(
      "emulator.json",
      "normalize",
      `${C} values per list (one per field: ${spec.fields.join(", ")})`,
      `${m.normalize.mean.length}`,
    );
  }
  const fixed = [...batchSizes].filter((b): b is number => b !== "dynamic");
  if (new Set(fixed).size > 1) {
    problem(
      step.file,
      "batch axis",
      "one batch size across all state tensors",
      [...batchSizes].join(", "),
    );
  }
  plan.batch = fixed.length > 0 ? fixed[0] : "dynamic";
  if (needsBatchOne(plan.conditioning!)) {
    if (plan.batch !== "dynamic" && plan.batch !== 1) {
      problem(
        step.file,
        "conditioning",
        "a batch axis on per-IC conditioning inputs (day_of_year, hour) of a batched graph",
        `batch ${plan.batch} and a shared value`,
      );
    }
    plan.batch = 1; // dates differ between ICs: one IC at a time
  }
  if (problems.length > 0 || !plan.step) return { problems };
  return { plan: plan as ModelPlan, problems };
}

/** Render problems as an indented list for the CLI. */
export function formatProblems(problems: Problem[]): string {
  return problems.map((p) => `  - ${p.file}: ${p.field}: expected ${p.expected}; found ${p.found}`)
    .join("\n");
}

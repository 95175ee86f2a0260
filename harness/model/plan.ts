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
import {
  describeForeignOp,
  formatDims,
  type GraphInfo,
  inspectOnnx,
  type TensorInfo,
} from "../onnx/inspect.ts";
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

/** Dims of a tensor: fixed sizes, symbolic names (`dim_param`), null (unknown). */
export type Dims = (number | string | null)[];

/** What the rollout engine needs to know about a validated model. */
export interface ModelPlan {
  form: "step" | "latent";
  history: number;
  /** Fixed batch size of the graphs, or "dynamic". */
  batch: number | "dynamic";
  /** Element type of the physical state tensors. */
  dtype: "float32" | "float16";
  /**
   * Step graph: state input/output (latent models: the first latent pair, see {@link latent})
   * and carried pairs `[input, output]`.
   */
  step: { input: string; output: string; carry: [string, string][] };
  /** Latent models: the encoder's state input and its output for each latent tensor, in order. */
  encode?: { input: string; outputs: string[] };
  /** Latent models: the decoder's input for each latent tensor, in order, and its state output. */
  decode?: { inputs: string[]; output: string };
  /**
   * Latent models: one `[step input, step output]` pair per latent tensor, in order (a single
   * tensor, or several such as HEAP's levels e1, e2, e3). Output i is fed back to input i.
   */
  latent?: [string, string][];
  /** Optional init graph: state window → initial carries (output names equal carry inputs). */
  init?: { input: string };
  /** Conditioning inputs of the step graph, fed every step (`conditioning.ts`). */
  conditioning: ConditioningInput[];
  /** The suite's Δt and parameters the conditioning inputs read (from the {@link StateSpec}). */
  conditioningContext: { dt?: number; params?: Readonly<Record<string, number>> };
  /** Shapes of the carried inputs (batch axis first), for zero initialisation. */
  carryDims: Record<string, Dims>;
  /** Element type of each carried and latent step input (as the graph declares it). */
  types: Record<string, "float32" | "float16">;
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
 * Compare two declared shapes as ONNX means them, axis by axis: fixed sizes must be equal; a
 * symbolic dimension (any `dim_param`, e.g. torch's auto-named `Addz_out_dim_2`, or `N` against
 * `batch`) or an unknown one matches whatever the other side has, since only running the graph
 * can tell (the rollout checks the sizes it actually gets). The batch axis is compared by
 * position like any other. Returns undefined when compatible, else what differs.
 *
 * @example
 * ```ts
 * import { dimsMismatch } from "./plan.ts";
 * if (dimsMismatch(["N", 8, 128], ["Addz_next_dim_0", 8, "Addz_next_dim_2"]) !== undefined) {
 *   throw new Error("symbolic dims match fixed ones");
 * }
 * if (dimsMismatch(["batch", 8, 128], ["batch", 8, 64]) !== "axis 2 is 128 vs 64") throw new Error();
 * ```
 */
export function dimsMismatch(a: Dims | null, b: Dims | null): string | undefined {
  if (a === null || b === null) return undefined;
  if (a.length !== b.length) return `rank ${a.length} vs ${b.length}`;
  for (let i = 0; i < a.length; i++) {
    const x = a[i], y = b[i];
    if (typeof x === "number" && typeof y === "number" && x !== y) {
      return `axis ${i} is ${x} vs ${y}`;
    }
  }
  return undefined;
}

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
  const describe = (t: TensorInfo) => `${t.name} ${t.elemType} ${formatDims(t.dims)}`;

  for (const info of Object.values(graphs)) {
    if (info.opset > MAX_OPSET) {
      problem(info.file, "opset", `≤ ${MAX_OPSET} (onnxruntime 1.30)`, String(info.opset));
    }
    for (const f of info.foreign) {
      const aten = f.domain === "org.pytorch.aten" || f.op === "ATen";
      problem(
        info.file,
        `op ${f.operator ?? `${f.domain}::${f.op}`}`,
        "ops of the standard ONNX domain (onnxruntime runs no other; com.microsoft contrib ops too)",
        `${describeForeignOp(f)}${
          aten
            ? " — torch's ATen fallback (operator_export_type=ONNX_ATEN_FALLBACK) wrote an op only" +
              " PyTorch can run; export without it" +
              (f.operator?.startsWith("fft")
                ? " and write the FFT with the ONNX DFT op (opset ≥ 17) or as MatMuls"
                : "")
            : ""
        }`,
      );
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

  /** Records the batch axis of a latent or carried tensor (fixed sizes must agree). */
  const noteBatch = (t: TensorInfo) => {
    if (t.dims && t.dims.length > 0) {
      const b = t.dims[0];
      batchSizes.add(typeof b === "number" ? b : "dynamic");
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
        `${free.length}: ${free.map(describe).join(", ")}`,
      );
      return undefined;
    }
    return free[0];
  };

  /** Graph inputs emubench does not feed: refused, listing what it feeds. */
  const unfed = (info: GraphInfo, fed: Map<string, string>, isStep = false) => {
    const extra = info.inputs.filter((t) => !fed.has(t.name));
    if (extra.length === 0) return;
    problem(
      info.file,
      `input${extra.length > 1 ? "s" : ""} ${extra.map((t) => t.name).join(", ")}`,
      `only inputs emubench feeds: ${[...fed].map(([n, role]) => `${n} (${role})`).join(", ")} — ${
        isStep
          ? `declare a conditioning input in emulator.json "conditioning", a carried one in ` +
            `"carry", or remove it from the export`
          : "conditioning inputs are fed to the step graph only (docs/model-contract.md): " +
            "take it in the step graph, or remove it from the export"
      }`,
      extra.map(describe).join(", "),
    );
  };

  const carryPairs = Object.entries(m.carry);
  const carryIn = new Set(carryPairs.map(([i]) => i));
  const carryOut = new Set(carryPairs.map(([, o]) => o));
  const conditioning = Object.keys(m.conditioning ?? {});
  const step = graphs.step;
  const latent = graphs.encode !== undefined;
  const plan: Partial<ModelPlan> = {
    form: latent ? "latent" : "step",
    history: m.history,
    graphs,
    carryDims: {},
    types: {},
    conditioning: planConditioning(step, m.conditioning ?? {}, spec, problem),
    conditioningContext: { dt: spec.dt, params: spec.params },
  };
  const stepFed = new Map<string, string>();
  for (const i of carryIn) stepFed.set(i, "carry");
  for (const i of conditioning) stepFed.set(i, "conditioning");
  const typeOf = (t: TensorInfo): "float32" | "float16" =>
    t.elemType === "float16" ? "float16" : "float32";

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
    const differ = ti && to ? dimsMismatch(ti.dims, to.dims) : undefined;
    if (ti && to && differ) {
      problem(
        step.file,
        `carry ${i} → ${o}`,
        `the output's shape to fit the input's ${
          formatDims(ti.dims)
        } (symbolic axes match any size)`,
        `${formatDims(to.dims)} (${differ})`,
      );
    }
    if (ti && to && ti.elemType !== to.elemType) {
      problem(step.file, `carry ${i} → ${o}`, `element type ${ti.elemType}`, to.elemType);
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
      noteBatch(ti);
      plan.carryDims![i] = dims ?? [];
      plan.types![i] = typeOf(ti);
    }
  }

  if (!latent) {
    const exclude = new Set([...carryIn, ...conditioning]);
    const inp = pick(step, step.inputs, exclude, m.input, "input");
    const out = pick(step, step.outputs, carryOut, m.output, "output");
    if (inp) checkState(step, inp, "input", stateDims(m.history));
    if (out) checkState(step, out, "output", stateDims(1));
    if (inp) {
      stepFed.set(inp.name, m.history > 1 ? `state window of ${m.history}` : "state");
      unfed(step, stepFed, true);
    }
    if (inp && out) {
      plan.step = { input: inp.name, output: out.name, carry: carryPairs };
      plan.dtype = typeOf(inp);
    }
  } else {
    const enc = graphs.encode, dec = graphs.decode!;
    const eIn = pick(enc, enc.inputs, new Set(), m.input, "input");
    const dOut = pick(dec, dec.outputs, new Set(), m.output, "output");
    if (eIn) checkState(enc, eIn, "input", stateDims(m.history));
    if (dOut) checkState(dec, dOut, "output", stateDims(1));
    const pairs = latentPairs(step, m, carryIn, carryOut, conditioning, problem);
    if (pairs) {
      for (const [i] of pairs) stepFed.set(i, "latent");
      unfed(step, stepFed, true);
      const sIns = pairs.map(([i]) => step.inputs.find((t) => t.name === i)!);
      const sOuts = pairs.map(([, o]) => step.outputs.find((t) => t.name === o)!);
      const eOuts = matchLatent(enc, enc.outputs, "output", sIns, sOuts, problem);
      const dIns = matchLatent(dec, dec.inputs, "input", sIns, sOuts, problem);
      for (let k = 0; k < pairs.length; k++) {
        const si = sIns[k], so = sOuts[k];
        noteBatch(si);
        plan.types![si.name] = typeOf(si);
        const against = (t: TensorInfo | undefined, file: string, field: string, ref: string) => {
          if (!t) return;
          const differ = dimsMismatch(si.dims, t.dims);
          if (differ) {
            problem(
              file,
              field,
              `${ref} ${formatDims(si.dims)} (step input ${si.name}; symbolic axes match any size)`,
              `${formatDims(t.dims)} (${differ})`,
            );
          } else if (t.elemType !== si.elemType) {
            problem(file, field, `${ref} of element type ${si.elemType}`, t.elemType);
          }
        };
        against(so, step.file, `output ${so.name}`, `latent ${k + 1} fed back as`);
        against(eOuts?.[k], enc.file, `output ${eOuts?.[k]?.name}`, `latent ${k + 1} as`);
        against(dIns?.[k], dec.file, `input ${dIns?.[k]?.name}`, `latent ${k + 1} as`);
        if (!FLOAT_TYPES.has(si.elemType)) {
          problem(step.file, `input ${si.name}`, "a float32 or float16 latent", si.elemType);
        }
      }
      if (eIn && dOut && eOuts && dIns) {
        plan.encode = { input: eIn.name, outputs: eOuts.map((t) => t.name) };
        plan.latent = pairs;
        plan.step = { input: pairs[0][0], output: pairs[0][1], carry: carryPairs };
        plan.decode = { inputs: dIns.map((t) => t.name), output: dOut.name };
        plan.dtype = typeOf(eIn);
      }
      if (eIn) unfed(enc, new Map([[eIn.name, "state"]]));
      if (dIns) unfed(dec, new Map(dIns.map((t, k) => [t.name, `latent ${k + 1}`])));
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
      const o = init.outputs.find((x) => x.name === i);
      const ti = step.inputs.find((x) => x.name === i);
      if (!o) {
        problem(
          init.file,
          `output ${i}`,
          `an init output named like the carried input "${i}"`,
          `outputs ${init.outputs.map((o) => o.name).join(", ")}`,
        );
      } else if (ti && dimsMismatch(ti.dims, o.dims)) {
        problem(
          init.file,
          `output ${i}`,
          `the step's carried input ${formatDims(ti.dims)}`,
          `${formatDims(o.dims)} (${dimsMismatch(ti.dims, o.dims)})`,
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
      "one batch size across all state, latent and carried tensors",
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

/**
 * The latent pairs of a step graph: `[input, output]` per latent tensor. From emulator.json
 * `latent` (step input → step output) when given; else every step input that is neither carried
 * nor conditioning, paired in order with every step output that is not carried.
 */
function latentPairs(
  step: GraphInfo,
  m: ModelSource["manifest"],
  carryIn: Set<string>,
  carryOut: Set<string>,
  conditioning: string[],
  problem: (file: string, field: string, expected: string, found: string) => void,
): [string, string][] | undefined {
  const declared = m.latent;
  if (declared) {
    let ok = true;
    for (const [i, o] of Object.entries(declared)) {
      if (!step.inputs.some((t) => t.name === i)) {
        ok = false;
        problem(
          step.file,
          `latent ${i}`,
          `a step input named "${i}" (emulator.json "latent")`,
          `inputs ${step.inputs.map((t) => t.name).join(", ")}`,
        );
      }
      if (!step.outputs.some((t) => t.name === o)) {
        ok = false;
        problem(
          step.file,
          `latent ${o}`,
          `a step output named "${o}" (emulator.json "latent")`,
          `outputs ${step.outputs.map((t) => t.name).join(", ")}`,
        );
      }
    }
    return ok ? Object.entries(declared) : undefined;
  }
  const ins = step.inputs.filter((t) => !carryIn.has(t.name) && !conditioning.includes(t.name));
  const outs = step.outputs.filter((t) => !carryOut.has(t.name));
  if (ins.length === 0 || ins.length !== outs.length) {
    problem(
      step.file,
      "latent",
      "as many latent step outputs as latent step inputs (besides carried and conditioning " +
        'tensors), paired in order, or the pairs named in emulator.json "latent": ' +
        '{"e1": "e1_next", ...}',
      `inputs ${ins.map((t) => t.name).join(", ") || "none"}; outputs ${
        outs.map((t) => t.name).join(", ") || "none"
      }`,
    );
    return undefined;
  }
  return ins.map((t, k) => [t.name, outs[k].name]);
}

/**
 * The encoder outputs (or decoder inputs) that carry each latent tensor: by name when their
 * names are the step's latent inputs (or outputs), else in order.
 */
function matchLatent(
  info: GraphInfo,
  list: TensorInfo[],
  what: "input" | "output",
  sIns: TensorInfo[],
  sOuts: TensorInfo[],
  problem: (file: string, field: string, expected: string, found: string) => void,
): TensorInfo[] | undefined {
  for (const names of [sIns.map((t) => t.name), sOuts.map((t) => t.name)]) {
    const byName = names.map((n) => list.find((t) => t.name === n));
    if (byName.every((t) => t !== undefined) && list.length === names.length) {
      return byName as TensorInfo[];
    }
  }
  if (list.length !== sIns.length) {
    problem(
      info.file,
      `${what}s`,
      `${sIns.length} latent ${what}${sIns.length > 1 ? "s" : ""} (one per step latent input ${
        sIns.map((t) => t.name).join(", ")
      }; matched by name, else in order)`,
      `${list.length}: ${list.map((t) => `${t.name} ${formatDims(t.dims)}`).join(", ")}`,
    );
    return undefined;
  }
  return list;
}

/** Render problems as an indented list for the CLI. */
export function formatProblems(problems: Problem[]): string {
  return problems.map((p) => `  - ${p.file}: ${p.field}: expected ${p.expected}; found ${p.found}`)
    .join("\n");
}

/**
 * Conditioning inputs (docs/model-contract.md, "Conditioning"): graph inputs of the step graph
 * that carry a quantity other than the state, declared in `emulator.json` as
 * `"conditioning": {"<graph input>": "<quantity>"}` and fed by emubench at every step.
 *
 * Quantities, all of the step that is being taken, i.e. of the newest state the model is given
 * (state index `n − 1` when the model predicts state `n`; the IC is state 0):
 *
 * | quantity      | value                                                                  |
 * | ------------- | ---------------------------------------------------------------------- |
 * | `time`        | physical time of the newest input state, `(n − 1)·Δt` (suite units)    |
 * | `dt`          | the suite's Δt per model step                                          |
 * | `step`        | index of the newest input state, `n − 1` (0 when stepping from the IC)   |
 * | `param:NAME`  | the suite's physical parameter `NAME` (`Suite.params`)                 |
 * | `day_of_year` | valid date of the newest input state: days since 1 January 00 UTC, fractional, in [0, 365.25) |
 * | `hour`        | valid UTC hour of day of the newest input state, in [0, 24)             |
 *
 * `day_of_year` and `hour` need a calendar: suites whose ICs have dates (`era5`:
 * `Suite.startHours`, or the data file's times with `--data`).
 *
 * A conditioning input may be a scalar `[]`, `[B]` or `[B, 1]` (any symbolic name for B; a
 * fixed 1 on the first axis means one value shared by the batch). Element type as the graph
 * declares it: float32, float16 or float64; `step` may also be int32 or int64.
 *
 * @example
 * ```ts
 * import { parseQuantity, quantityValue } from "./conditioning.ts";
 * const q = parseQuantity("param:nu")!;
 * const ctx = { dt: 0.01, params: { nu: 0.01 } };
 * if (quantityValue(q, ctx, 0, 3) !== 0.01) throw new Error("nu");
 * if (quantityValue(parseQuantity("time")!, ctx, 0, 3) !== 3 * 0.01) throw new Error("t");
 * ```
 * @module
 */
import { ShapeError } from "../core/errors.ts";
import { type Backend, float32ToFloat16, type Tensor } from "../onnx/backend.ts";
import { formatDims, type GraphInfo } from "../onnx/inspect.ts";

/** The quantities a conditioning input can carry (besides `param:NAME`). */
export const QUANTITIES = ["time", "dt", "step", "day_of_year", "hour"] as const;

/** A parsed quantity. */
export type Quantity =
  | { readonly kind: (typeof QUANTITIES)[number] }
  | { readonly kind: "param"; readonly name: string };

/** The quantity `s` names, or undefined when it names none. */
export function parseQuantity(s: string): Quantity | undefined {
  if ((QUANTITIES as readonly string[]).includes(s)) {
    return { kind: s as (typeof QUANTITIES)[number] };
  }
  const m = /^param:([A-Za-z_][A-Za-z0-9_]*)$/.exec(s);
  return m ? { kind: "param", name: m[1] } : undefined;
}

/** Whether the quantity differs between ICs at the same step (a calendar date). */
export function perIc(q: Quantity): boolean {
  return q.kind === "day_of_year" || q.kind === "hour";
}

/** What a suite offers to conditioning inputs. */
export interface ConditioningSpec {
  /** Δt per model step (suite units). */
  readonly dt?: number;
  /** Physical parameters (`Suite.params`). */
  readonly params?: Readonly<Record<string, number>>;
  /** True when the suite's ICs have dates (`day_of_year`, `hour`). */
  readonly calendar?: boolean;
}

/** Values for {@link quantityValue}: the suite's Δt and parameters, and per-IC start times. */
export interface ConditioningContext {
  readonly dt?: number;
  readonly params?: Readonly<Record<string, number>>;
  /** Hours since 1 January 00 UTC of each IC's state 0, indexed like the rollout's ICs. */
  readonly startHours?: readonly number[];
}

/** Hours in the suite year (365.25 days), the period of `day_of_year`. */
const YEAR_HOURS = 365.25 * 24;

/**
 * The value of quantity `q` for IC `ic` when the newest input state is state `s` (the model
 * predicts state `s + 1`). Throws a `ShapeError` when the context lacks what `q` needs.
 */
export function quantityValue(
  q: Quantity,
  ctx: ConditioningContext,
  ic: number,
  s: number,
): number {
  const need = (v: number | undefined, what: string): number => {
    if (v === undefined || !Number.isFinite(v)) {
      throw new ShapeError({
        field: `conditioning ${q.kind === "param" ? `param:${q.name}` : q.kind}`,
        expected: what,
        found: "none",
      });
    }
    return v;
  };
  switch (q.kind) {
    case "time":
      return s * need(ctx.dt, "the suite's Δt");
    case "dt":
      return need(ctx.dt, "the suite's Δt");
    case "step":
      return s;
    case "param":
      return need(ctx.params?.[q.name], `a suite parameter "${q.name}"`);
    case "day_of_year":
    case "hour": {
      const h0 = need(ctx.startHours?.[ic], "a start time of every IC (a suite with dates)");
      const h = h0 + s * need(ctx.dt, "the suite's Δt (hours)");
      if (q.kind === "hour") return ((h % 24) + 24) % 24;
      return (((h % YEAR_HOURS) + YEAR_HOURS) % YEAR_HOURS) / 24;
    }
  }
}

/** One conditioning input of the step graph, as planned. */
export interface ConditioningInput {
  /** Graph input name. */
  readonly input: string;
  /** The quantity as declared, e.g. `"param:nu"`. */
  readonly declared: string;
  readonly quantity: Quantity;
  readonly elemType: "float32" | "float16" | "float64" | "int32" | "int64";
  /** Declared dims; the first of rank ≥ 1 is the batch axis (symbolic, or a fixed size). */
  readonly dims: readonly (number | string | null)[];
}

const FLOATS = new Set(["float32", "float16", "float64"]);
const INTS = new Set(["int32", "int64"]);

/**
 * Check the conditioning declaration `decl` (graph input → quantity) against the step graph
 * `info` and the suite `spec`, reporting each mismatch through `problem`. Returns the inputs that
 * passed.
 */
export function planConditioning(
  info: GraphInfo,
  decl: Readonly<Record<string, string>>,
  spec: ConditioningSpec,
  problem: (file: string, field: string, expected: string, found: string) => void,
): ConditioningInput[] {
  const out: ConditioningInput[] = [];
  for (const [input, declared] of Object.entries(decl)) {
    const field = `conditioning ${input}`;
    const t = info.inputs.find((x) => x.name === input);
    if (!t) {
      problem(
        info.file,
        field,
        `a step input named "${input}"`,
        `inputs ${info.inputs.map((x) => x.name).join(", ") || "none"}`,
      );
      continue;
    }
    const q = parseQuantity(declared);
    if (!q) {
      problem("emulator.json", field, quantityList(), JSON.stringify(declared));
      continue;
    }
    if (q.kind === "param" && spec.params?.[q.name] === undefined) {
      const names = Object.keys(spec.params ?? {});
      problem(
        "emulator.json",
        field,
        names.length
          ? `one of the suite's parameters ${names.map((n) => `param:${n}`).join(", ")}`
          : "a parameter of the suite (this suite declares none)",
        JSON.stringify(declared),
      );
      continue;
    }
    if ((q.kind === "time" || q.kind === "dt") && spec.dt === undefined) {
      problem("emulator.json", field, "a suite with a time step", JSON.stringify(declared));
      continue;
    }
    if (perIc(q) && !spec.calendar) {
      problem(
        "emulator.json",
        field,
        "a suite whose ICs have dates (Suite.startHours) for day_of_year and hour",
        JSON.stringify(declared),
      );
      continue;
    }
    const intOk = q.kind === "step";
    if (!FLOATS.has(t.elemType) && !(intOk && INTS.has(t.elemType))) {
      problem(
        info.file,
        `input ${input}`,
        `float32, float16 or float64${intOk ? " (or int32, int64)" : ""} for "${declared}"`,
        t.elemType,
      );
      continue;
    }
    const dims = t.dims;
    const shapeOk = dims !== null && dims.length <= 2 &&
      (dims.length < 2 || dims[1] === 1 || typeof dims[1] !== "number");
    if (!shapeOk) {
      problem(
        info.file,
        `input ${input}`,
        `a scalar [], [B] or [B,1] ("${declared}")`,
        formatDims(dims),
      );
      continue;
    }
    out.push({
      input,
      declared,
      quantity: q,
      elemType: t.elemType as ConditioningInput["elemType"],
      dims: dims!,
    });
  }
  return out;
}

/** The accepted quantities, for messages. */
export function quantityList(): string {
  return `one of ${QUANTITIES.join(", ")} or param:NAME`;
}

/**
 * Whether the inputs force the rollout to run one IC at a time: a per-IC quantity (a date)
 * declared without a batch axis (scalar, or a fixed 1 on the first axis).
 */
export function needsBatchOne(inputs: readonly ConditioningInput[]): boolean {
  return inputs.some((c) => perIc(c.quantity) && (c.dims.length === 0 || c.dims[0] === 1));
}

/**
 * Tensors for every conditioning input at one step: the newest input state is state `s` for
 * every IC of the batch; `ics[j]` is the IC in batch slot `j` (as indexed by `ctx.startHours`).
 * A fixed first axis `d` (1 or the batch) is honoured; symbolic axes become the batch size or 1.
 */
export function conditioningFeeds(
  backend: Backend,
  inputs: readonly ConditioningInput[],
  ctx: ConditioningContext,
  ics: readonly number[],
  s: number,
): Record<string, Tensor> {
  const feeds: Record<string, Tensor> = {};
  const B = ics.length;
  for (const c of inputs) {
    const dims = c.dims.map((d, a) => typeof d === "number" ? d : a === 0 ? B : 1);
    const n = dims.length === 0 ? 1 : dims[0];
    if (n !== 1 && n !== B) {
      throw new ShapeError({
        field: `conditioning input ${c.input}`,
        expected: `a first axis of 1 or the batch size ${B}`,
        found: formatDims([...c.dims]),
      });
    }
    const values = Array.from({ length: n }, (_, j) => quantityValue(c.quantity, ctx, ics[j], s));
    feeds[c.input] = makeTensor(backend, c.elemType, values, dims);
  }
  return feeds;
}

function makeTensor(
  backend: Backend,
  type: ConditioningInput["elemType"],
  values: number[],
  dims: number[],
): Tensor {
  switch (type) {
    case "float16":
      return backend.tensor("float16", float32ToFloat16(Float32Array.from(values)), dims);
    case "float64":
      return backend.tensor("float64", Float64Array.from(values), dims);
    case "int32":
      return backend.tensor("int32", Int32Array.from(values), dims);
    case "int64":
      return backend.tensor("int64", BigInt64Array.from(values, (v) => BigInt(v)), dims);
    default:
      return backend.tensor("float32", Float32Array.from(values), dims);
  }
}

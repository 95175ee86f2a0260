/**
 * Read the interface of an ONNX file (inputs, outputs, element types, shapes, opset) without
 * running it, so `validate` can explain mismatches before any session is created.
 *
 * @example
 * ```ts
 * import { GraphBuilder } from "./graph.ts";
 * import { inspectOnnx } from "./inspect.ts";
 * const g = new GraphBuilder("id");
 * g.output(g.op("Identity", [g.input("u", ["B", 1, 8])]), "v", ["B", 1, 8]);
 * const info = inspectOnnx(g.build(), "id.onnx");
 * if (info.inputs[0].dims?.[0] !== "B") throw new Error("dynamic batch");
 * ```
 * @module
 */
import { onnxSchema } from "./graph.ts";
import { FormatError } from "../core/errors.ts";

const ELEM_NAMES: Record<number, string> = {
  1: "float32",
  2: "uint8",
  3: "int8",
  5: "int16",
  6: "int32",
  7: "int64",
  9: "bool",
  10: "float16",
  11: "float64",
  16: "bfloat16",
};

/** One graph input or output. `dims` entries: number (fixed), string (named dynamic), null (unknown). */
export interface TensorInfo {
  name: string;
  elemType: string;
  /** null when the rank itself is unknown. */
  dims: (number | string | null)[] | null;
}

/** What a graph exposes. */
export interface GraphInfo {
  file: string;
  irVersion: number;
  /** Opset of the default ("" / ai.onnx) domain. */
  opset: number;
  producer: string;
  /** Graph inputs that are not initializers. */
  inputs: TensorInfo[];
  outputs: TensorInfo[];
  nodes: number;
}

/** Render dims as `[B,1,1024]` for messages. */
export function formatDims(dims: TensorInfo["dims"]): string {
  return dims === null ? "[unknown rank]" : `[${dims.map((d) => d ?? "?").join(",")}]`;
}

// deno-lint-ignore no-explicit-any
function tensorInfo(v: any): TensorInfo {
  const tt = v?.type?.tensorType;
  if (!tt) return { name: String(v?.name ?? ""), elemType: "non-tensor", dims: null };
  const dims = tt.shape
    // deno-lint-ignore no-explicit-any
    ? (tt.shape.dim ?? []).map((d: any) => {
      if (d.dimParam) return String(d.dimParam);
      if (d.dimValue !== undefined && d.dimValue !== null && Number(d.dimValue) > 0) {
        return Number(d.dimValue);
      }
      return null;
    })
    : null;
  return { name: String(v.name), elemType: ELEM_NAMES[tt.elemType] ?? `type#${tt.elemType}`, dims };
}

/**
 * Decode the ONNX protobuf in `bytes`. Throws {@link FormatError} naming `file` when the bytes
 * are not an ONNX model (not protobuf, truncated, or without a graph).
 */
export function inspectOnnx(bytes: Uint8Array, file: string): GraphInfo {
  // deno-lint-ignore no-explicit-any
  let model: any;
  try {
    model = onnxSchema.ModelProto.decode(bytes);
  } catch (e) {
    throw new FormatError({
      file,
      expected: "an ONNX model (protobuf ModelProto)",
      found: `${bytes.length} bytes that do not decode (${(e as Error).message})`,
      hint: "Is the file truncated or not an .onnx export?",
    });
  }
  const graph = model.graph;
  if (!graph || !graph.output || graph.output.length === 0 || !model.opsetImport?.length) {
    throw new FormatError({
      file,
      expected: "an ONNX model with a graph, outputs and an opset import",
      found: graph ? `a graph with ${graph.output?.length ?? 0} outputs` : "no graph",
      hint: "The file decodes as protobuf but is not an ONNX model.",
    });
  }
  const initNames = new Set<string>(
    // deno-lint-ignore no-explicit-any
    (graph.initializer ?? []).map((t: any) => String(t.name)),
  );
  const defaultOpset = model.opsetImport.find(
    // deno-lint-ignore no-explicit-any
    (o: any) => !o.domain || o.domain === "ai.onnx",
  );
  return {
    file,
    irVersion: Number(model.irVersion ?? 0),
    opset: Number(defaultOpset?.version ?? 0),
    producer: [model.producerName, model.producerVersion].filter(Boolean).join(" "),
    // deno-lint-ignore no-explicit-any
    inputs: (graph.input ?? []).filter((v: any) => !initNames.has(String(v.name))).map(tensorInfo),
    outputs: graph.output.map(tensorInfo),
    nodes: (graph.node ?? []).length,
  };
}

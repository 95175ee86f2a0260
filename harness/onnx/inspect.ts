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
  /** Opset version per imported domain (`""` is the default ONNX domain). */
  domains: Record<string, number>;
  /**
   * Nodes outside the domains onnxruntime implements (`""`/`ai.onnx`, `ai.onnx.ml`,
   * `com.microsoft`), in graph order (subgraphs of If/Loop/Scan included), one entry per distinct
   * domain, op and ATen operator. Such a graph cannot run: `planModel` (harness/model/plan.ts) names them before
   * onnxruntime's own message does.
   */
  foreign: ForeignOp[];
}

/** A node of a domain onnxruntime does not implement (e.g. torch's ATen fallback). */
export interface ForeignOp {
  domain: string;
  op: string;
  /** Name of the first node of this kind. */
  node: string;
  /** `ATen` nodes: the torch operator they call (attribute `operator`, e.g. `fft_rfft`). */
  operator?: string;
  /** How many nodes of this kind. */
  count: number;
}

/** Domains whose ops onnxruntime (node and web) implements. */
export const RUNTIME_DOMAINS: ReadonlySet<string> = new Set([
  "",
  "ai.onnx",
  "ai.onnx.ml",
  "com.microsoft",
]);

/**
 * Describe a foreign op for messages: `org.pytorch.aten::ATen (operator fft_rfft) at node
 * "/ATen", 2 nodes`.
 */
export function describeForeignOp(f: ForeignOp): string {
  const what = `${f.domain}::${f.op}${f.operator ? ` (operator ${f.operator})` : ""}`;
  return `${what} at node "${f.node}"${f.count > 1 ? ` and ${f.count - 1} more` : ""}`;
}

function collectForeign(
  // deno-lint-ignore no-explicit-any
  nodes: any[],
  into: Map<string, ForeignOp>,
  local: ReadonlySet<string>,
): void {
  const dec = new TextDecoder();
  for (const n of nodes ?? []) {
    const domain = String(n.domain ?? "");
    const op = String(n.opType ?? "");
    // Model-local functions (torch.onnx's dynamo exporter writes them) are inlined by the runtime.
    if (!RUNTIME_DOMAINS.has(domain) && !local.has(`${domain}::${op}`)) {
      // deno-lint-ignore no-explicit-any
      const attr = (n.attribute ?? []).find((a: any) => a.name === "operator");
      const operator = attr?.s?.length ? dec.decode(attr.s) : undefined;
      const key = `${domain}\0${op}\0${operator ?? ""}`;
      const seen = into.get(key);
      if (seen) seen.count++;
      else {into.set(key, {
          domain,
          op,
          node: String(n.name || n.output?.[0] || "?"),
          operator,
          count: 1,
        });}
    }
    for (const a of n.attribute ?? []) {
      if (a.g) collectForeign(a.g.node, into, local);
      for (const g of a.graphs ?? []) collectForeign(g.node, into, local);
    }
  }
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
  const foreign = new Map<string, ForeignOp>();
  const local = new Set<string>(
    // deno-lint-ignore no-explicit-any
    (model.functions ?? []).map((f: any) => `${f.domain ?? ""}::${f.name}`),
  );
  collectForeign(graph.node, foreign, local);
  // deno-lint-ignore no-explicit-any
  for (const f of model.functions ?? []) collectForeign((f as any).node, foreign, local);
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
    domains: Object.fromEntries(
      // deno-lint-ignore no-explicit-any
      model.opsetImport.map((o: any) => [String(o.domain ?? ""), Number(o.version ?? 0)]),
    ),
    foreign: [...foreign.values()],
  };
}

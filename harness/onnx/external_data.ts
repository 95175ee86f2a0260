/**
 * Finding tensors whose data lives outside the graph file ("external data", ONNX
 * `TensorProto.data_location = EXTERNAL` with a `location` key). emubench hands graphs to
 * onnxruntime as bytes, so an external `location` would be resolved against the working
 * directory of the harness, not the submission: a submitted graph could make it read any file.
 * Such graphs are refused before a session is created ({@link externalDataRefs} lists them).
 *
 * @example
 * ```ts
 * import { GraphBuilder } from "./graph.ts";
 * import { externalDataRefs } from "./external_data.ts";
 * const g = new GraphBuilder("id");
 * g.output(g.op("Identity", [g.input("u", ["B", 1, 8])]), "v", ["B", 1, 8]);
 * if (externalDataRefs(g.build()).length !== 0) throw new Error("no external data here");
 * ```
 * @module
 */
import { onnxSchema } from "./graph.ts";

/** One tensor that points at external data: its name and the number of `location` bytes. */
export interface ExternalRef {
  /** Tensor name (or `node NAME attribute A`). */
  tensor: string;
  /** Length of the `location` it names (the location itself is not echoed). */
  locationLength: number;
}

// deno-lint-ignore no-explicit-any
type Any = any;

function tensorRef(t: Any, name: string, out: ExternalRef[]): void {
  if (!t) return;
  const ext: Any[] = t.externalData ?? [];
  if (Number(t.dataLocation ?? 0) === 1 || ext.length > 0) {
    const loc = ext.find((e) => e?.key === "location");
    out.push({ tensor: name, locationLength: String(loc?.value ?? "").length });
  }
}

function graphRefs(g: Any, out: ExternalRef[], depth: number): void {
  if (!g || depth > 64) return;
  for (const t of g.initializer ?? []) tensorRef(t, String(t.name ?? ""), out);
  for (const s of g.sparseInitializer ?? []) {
    tensorRef(s.values, String(s.values?.name ?? ""), out);
    tensorRef(s.indices, String(s.indices?.name ?? ""), out);
  }
  for (const n of g.node ?? []) {
    for (const a of n.attribute ?? []) {
      const where = `node ${n.name || n.opType} attribute ${a.name}`;
      tensorRef(a.t, where, out);
      for (const t of a.tensors ?? []) tensorRef(t, where, out);
      graphRefs(a.g, out, depth + 1);
      for (const sub of a.graphs ?? []) graphRefs(sub, out, depth + 1);
    }
  }
}

/**
 * The tensors of ONNX model `bytes` (initializers, sparse initializers, constant attributes, in
 * subgraphs too) that keep their data in external files. Bytes that do not decode give `[]`:
 * the graph's own checks report those.
 */
export function externalDataRefs(bytes: Uint8Array): ExternalRef[] {
  let model: Any;
  try {
    model = onnxSchema.ModelProto.decode(bytes);
  } catch {
    return [];
  }
  const out: ExternalRef[] = [];
  graphRefs(model.graph, out, 0);
  for (const f of model.functions ?? []) {
    for (const n of f.node ?? []) {
      for (const a of n.attribute ?? []) tensorRef(a.t, `function ${f.name} node ${n.name}`, out);
    }
  }
  return out;
}

/**
 * A small builder for ONNX graphs in TypeScript. Baselines and test fixtures are ONNX models
 * generated here, so they run through exactly the same path as submitted models.
 *
 * Serialisation uses the ONNX protobuf schema from `onnx-proto`; the default opset is 17 and the
 * IR version 8, which onnxruntime 1.x loads on every backend.
 *
 * @example
 * ```ts
 * import { GraphBuilder } from "./graph.ts";
 * const g = new GraphBuilder("identity");
 * const u = g.input("u", ["B", 1, 8]);
 * g.output(g.op("Identity", [u]), "u_next", ["B", 1, 8]);
 * const bytes = g.build();
 * if (bytes.length < 20) throw new Error("empty model");
 * ```
 * @module
 */
import onnxProto from "onnx-proto";
import type { onnx as OnnxTypes } from "onnx-proto";

const { onnx } = onnxProto;

/** The ONNX protobuf namespace (for decoding in inspectors and tests). */
export const onnxSchema = onnx;

/** A dimension: a fixed size, or a symbolic name (dynamic axis). */
export type Dim = number | string;

/** ONNX element types used by emubench. */
export const ElemType = { float32: 1, int64: 7, float16: 10, float64: 11 } as const;

/** Attribute values accepted by {@link GraphBuilder.op}. */
export type AttrValue = number | string | number[] | { float: number };

function valueInfo(
  name: string,
  dims: readonly Dim[],
  elemType: number,
): OnnxTypes.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType,
        shape: {
          dim: dims.map((d) => typeof d === "number" ? { dimValue: d } : { dimParam: d }),
        },
      },
    },
  };
}

function attribute(name: string, v: AttrValue): OnnxTypes.IAttributeProto {
  const T = onnx.AttributeProto.AttributeType;
  if (typeof v === "string") return { name, type: T.STRING, s: new TextEncoder().encode(v) };
  if (typeof v === "number") {
    return Number.isInteger(v) ? { name, type: T.INT, i: v } : { name, type: T.FLOAT, f: v };
  }
  if (Array.isArray(v)) return { name, type: T.INTS, ints: v };
  return { name, type: T.FLOAT, f: v.float };
}

/** Builds one ONNX graph node by node. Names are generated unless given. */
export class GraphBuilder {
  readonly #name: string;
  readonly #nodes: OnnxTypes.INodeProto[] = [];
  readonly #inits: OnnxTypes.ITensorProto[] = [];
  readonly #inputs: OnnxTypes.IValueInfoProto[] = [];
  readonly #outputs: OnnxTypes.IValueInfoProto[] = [];
  #counter = 0;

  /** Start a graph called `name`. */
  constructor(name: string) {
    this.#name = name;
  }

  /** A fresh tensor name with a readable prefix. */
  fresh(prefix = "t"): string {
    return `${prefix}_${this.#counter++}`;
  }

  /** Declare a graph input; returns its name. */
  input(name: string, dims: readonly Dim[], elemType: number = ElemType.float32): string {
    this.#inputs.push(valueInfo(name, dims, elemType));
    return name;
  }

  /** Declare `tensor` as a graph output called `name` (an Identity node renames it). */
  output(
    tensor: string,
    name: string,
    dims: readonly Dim[],
    elemType: number = ElemType.float32,
  ): string {
    if (tensor !== name) this.#nodes.push({ opType: "Identity", input: [tensor], output: [name] });
    this.#outputs.push(valueInfo(name, dims, elemType));
    return name;
  }

  /** A float32 initializer of shape `dims`. */
  floats(values: ArrayLike<number>, dims: readonly number[], name = this.fresh("w")): string {
    const data = Float32Array.from(values);
    const size = dims.reduce((a, b) => a * b, 1);
    if (data.length !== size) {
      throw new TypeError(
        `Cannot add initializer ${name}: dims [${dims}] need ${size} values, found ${data.length}`,
      );
    }
    this.#inits.push({
      name,
      dims: [...dims],
      dataType: ElemType.float32,
      rawData: new Uint8Array(data.buffer),
    });
    return name;
  }

  /** An int64 initializer (shapes, axes, slice bounds). */
  ints(values: readonly number[], dims: readonly number[] = [values.length]): string {
    const name = this.fresh("i");
    this.#inits.push({ name, dims: [...dims], dataType: ElemType.int64, int64Data: [...values] });
    return name;
  }

  /** A float32 scalar initializer. */
  scalar(value: number): string {
    return this.floats([value], []);
  }

  /** Append a node with one output; returns the output name. */
  op(opType: string, inputs: readonly string[], attrs: Record<string, AttrValue> = {}): string {
    const out = this.fresh(opType.toLowerCase());
    this.#nodes.push({
      opType,
      input: [...inputs],
      output: [out],
      attribute: Object.entries(attrs).map(([k, v]) => attribute(k, v)),
    });
    return out;
  }

  /** Serialise to ONNX bytes. */
  build(opset = 17): Uint8Array {
    const model = onnx.ModelProto.create({
      irVersion: 8,
      producerName: "emubench",
      producerVersion: "0.1.0",
      opsetImport: [{ domain: "", version: opset }],
      graph: {
        name: this.#name,
        node: this.#nodes,
        initializer: this.#inits,
        input: this.#inputs,
        output: this.#outputs,
      },
    });
    return onnx.ModelProto.encode(model).finish();
  }
}

/**
 * Periodic padding of the last axis by `left` and `right` cells using Slice + Concat (valid at
 * every opset, on every backend): `[x[-left:], x, x[:right]]`.
 */
export function periodicPad1d(g: GraphBuilder, x: string, left: number, right: number): string {
  const parts: string[] = [];
  const axis = g.ints([-1]);
  if (left > 0) parts.push(g.op("Slice", [x, g.ints([-left]), g.ints([2 ** 62]), axis]));
  parts.push(x);
  if (right > 0) parts.push(g.op("Slice", [x, g.ints([0]), g.ints([right]), axis]));
  return parts.length === 1 ? x : g.op("Concat", parts, { axis: -1 });
}

/**
 * Periodic 1D convolution (cross-correlation, as ONNX Conv) with weights `[Cout, Cin, K]`
 * (K odd) and optional bias `[Cout]`: `y[o, i] = b[o] + Σ_c Σ_j w[o, c, j] x[c, i + j − (K−1)/2]`.
 */
export function periodicConv1d(
  g: GraphBuilder,
  x: string,
  weights: ArrayLike<number>,
  dims: readonly [number, number, number],
  bias?: ArrayLike<number>,
): string {
  const [cout, , k] = dims;
  if (k % 2 !== 1) throw new RangeError(`Cannot build periodic conv: kernel size ${k} is even`);
  const half = (k - 1) / 2;
  const padded = periodicPad1d(g, x, half, half);
  const inputs = [padded, g.floats(weights, dims)];
  if (bias) inputs.push(g.floats(bias, [cout]));
  return g.op("Conv", inputs);
}

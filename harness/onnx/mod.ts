/**
 * ONNX: building graphs in TypeScript (`GraphBuilder`, spectral DFT-as-MatMul graphs), reading a
 * model's inputs and outputs without running it, and the onnxruntime backends (native, wasm,
 * WebGPU) behind one `Backend` interface.
 *
 * @example
 * ```ts
 * import { GraphBuilder, inspectOnnx } from "./mod.ts";
 * const g = new GraphBuilder("identity");
 * const u = g.input("u", ["B", 1, 8]);
 * g.output(g.op("Identity", [u]), "u_next", ["B", 1, 8]);
 * if (inspectOnnx(g.build(), "identity.onnx").inputs[0].name !== "u") throw new Error();
 * ```
 * @module
 */
export {
  type Backend,
  BACKEND_CHOICES,
  type BackendChoice,
  type BackendName,
  disposeTensor,
  float16ToFloat32,
  float32ToFloat16,
  nativeAvailable,
  openBackend,
  probeAdapter,
  type Session,
  type Tensor,
  toHost,
} from "./backend.ts";
export {
  type Dim,
  ElemType,
  GraphBuilder,
  onnxSchema,
  periodicConv1d,
  periodicPad1d,
} from "./graph.ts";
export { formatDims, type GraphInfo, inspectOnnx, type TensorInfo } from "./inspect.ts";
export {
  halfPlaneModes,
  SpectralGraph2D,
  type SpectralGraphOptions,
  type SpectralPair,
  spectralResample,
} from "./spectral_graph.ts";

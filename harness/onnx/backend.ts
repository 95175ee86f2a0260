/**
 * Execution backends (SPEC §2): `webgpu` and `wasm` through onnxruntime-web, `native` through
 * onnxruntime-node, and `auto`, which picks webgpu on a hardware (non-fallback) adapter, else
 * native, else wasm. Each backend wraps its own runtime's `Tensor` class so tensors never cross
 * runtimes, and reports what actually ran.
 *
 * On webgpu, sessions return outputs as GPU buffers (`preferredOutputLocation: "gpu-buffer"`),
 * so a rollout can feed a step's output straight into the next step without a host round trip.
 *
 * @example
 * ```ts
 * import { openBackend } from "./backend.ts";
 * const b = await openBackend("wasm");
 * if (b.name !== "wasm") throw new Error("wasm expected");
 * ```
 * @module
 */
import type * as Ort from "onnxruntime-web";
import { ValueRangeError } from "../core/errors.ts";

/** A backend a user may ask for. */
export type BackendChoice = "auto" | "webgpu" | "wasm" | "native";
/** A backend that actually runs. */
export type BackendName = Exclude<BackendChoice, "auto">;
/** Backends a user may name, in the order `auto` tries them. */
export const BACKEND_CHOICES: readonly BackendChoice[] = ["auto", "webgpu", "native", "wasm"];

/** A tensor of either runtime (they share onnxruntime-common's interface). */
export type Tensor = Ort.Tensor;

/** A loaded graph. */
export interface Session {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  run(feeds: Record<string, Tensor>): Promise<Record<string, Tensor>>;
  release(): Promise<void>;
}

/** An opened backend. */
export interface Backend {
  readonly name: BackendName;
  /** Adapter description for webgpu (e.g. "llvmpipe (LLVM 15)"), else a CPU description. */
  readonly adapter: string | null;
  /** True when the adapter is a software fallback (slow; fine for tests, not for timings). */
  readonly fallbackAdapter: boolean;
  /** True when session outputs stay on the device (webgpu). */
  readonly deviceResident: boolean;
  readonly versions: { web: string; node: string | null };
  createSession(bytes: Uint8Array): Promise<Session>;
  /**
   * Copy a tensor's values to the host as float32, leaving the tensor where it is: a GPU tensor
   * stays on the GPU and can still be fed to the next step without an upload.
   */
  read(t: Tensor): Promise<Float32Array>;
  /**
   * A host tensor of this runtime (float16 data as IEEE binary16 bits; int64 as BigInt64Array).
   * float64 and the integer types are for conditioning inputs (`harness/model/conditioning.ts`).
   */
  tensor(
    type: "float32" | "float16" | "float64" | "int32" | "int64",
    data: Float32Array | Uint16Array | Float64Array | Int32Array | BigInt64Array,
    dims: readonly number[],
  ): Tensor;
}

/**
 * The runtime's own Web Worker constructor, kept at load time: onnxruntime-web's wasm start-up
 * under Deno (emscripten's Node branch) replaces `globalThis.Worker` with `node:worker_threads`'
 * class, which takes no URLs and breaks every later `new Worker(new URL(…))` (e.g. the reference
 * worker pool). {@link restoreWebWorker} puts it back after each session is created.
 */
const WEB_WORKER = globalThis.Worker;

/** Undo onnxruntime-web's replacement of `globalThis.Worker` (see {@link WEB_WORKER}). */
function restoreWebWorker(): void {
  if (WEB_WORKER && globalThis.Worker !== WEB_WORKER) globalThis.Worker = WEB_WORKER;
}

let webModule: Promise<typeof Ort> | undefined;
function loadWeb(): Promise<typeof Ort> {
  webModule ??= import("onnxruntime-web/webgpu").then((m) => {
    const ort = ((m as { default?: typeof Ort }).default ?? m) as typeof Ort;
    // One wasm thread: deterministic, and Deno runs no cross-origin-isolated worker pool here.
    ort.env.wasm.numThreads = 1;
    ort.env.logLevel = "error";
    return ort;
  });
  return webModule;
}

// deno-lint-ignore no-explicit-any
let nodeModule: Promise<any> | undefined;
// deno-lint-ignore no-explicit-any
function loadNode(): Promise<any> {
  nodeModule ??= import("onnxruntime-node").then((m) => m.default ?? m);
  return nodeModule;
}

/** The installed onnxruntime-node version, or null when it cannot be loaded here. */
export async function nativeAvailable(): Promise<string | null> {
  if (typeof Deno === "undefined") return null; // browsers: onnxruntime-web only
  try {
    const ort = await loadNode();
    return String(ort.env?.versions?.node ?? ort.env?.versions?.common ?? "unknown");
  } catch {
    return null;
  }
}

/** The WebGPU adapter, if this runtime exposes one. */
export async function probeAdapter(): Promise<{ description: string; fallback: boolean } | null> {
  // deno-lint-ignore no-explicit-any
  const gpu = (globalThis.navigator as any)?.gpu;
  if (!gpu) return null;
  try {
    const adapter = await gpu.requestAdapter();
    if (!adapter) return null;
    const info = adapter.info ?? {};
    const description = [info.description, info.vendor && `vendor ${info.vendor}`]
      .filter(Boolean).join(", ") || "unknown adapter";
    return { description, fallback: Boolean(info.isFallbackAdapter ?? adapter.isFallbackAdapter) };
  } catch {
    return null;
  }
}

function wrapSession(
  s: Ort.InferenceSession,
  fix: (t: Tensor) => Tensor = (t) => t,
): Session {
  return {
    inputNames: s.inputNames,
    outputNames: s.outputNames,
    run: async (feeds) => {
      const out = await s.run(feeds) as Record<string, Tensor>;
      for (const k of Object.keys(out)) out[k] = fix(out[k]);
      return out;
    },
    release: () => s.release(),
  };
}

/**
 * Make a float16 tensor of onnxruntime-node carry its data as a `Uint16Array`.
 *
 * onnxruntime-common turns float16 data into a `Float16Array` wherever the runtime has one (Deno
 * does), and onnxruntime-node's N-API binding reads the byte length of a `Float16Array` as 0:
 * every float16 feed failed with "not enough space: expected 4096, got 0", including a step's own
 * output fed back. The binding reads only `type`, `dims` and `data`, so the tensor gets a `data`
 * that views the same bytes as a `Uint16Array` (what the binding understands; `toHost` widens
 * it exactly as before).
 */
export function nativeFloat16(t: Tensor): Tensor {
  if (t.type !== "float16" || t.location !== "cpu") return t;
  const d = t.data as unknown as ArrayBufferView & { length: number };
  if (d instanceof Uint16Array) return t;
  const bits = new Uint16Array(d.buffer, d.byteOffset, d.length);
  Object.defineProperty(t, "data", { value: bits, configurable: true });
  return t;
}

/** Where onnxruntime-web finds its wasm files, and how many threads it runs (browsers). */
export interface WebRuntimeOptions {
  /**
   * URL prefix of the `ort-wasm-*.{mjs,wasm}` files (a browser page serves them from its own
   * origin). Default: onnxruntime-web's own resolution (the npm package under Deno).
   */
  wasmPaths?: string;
  /**
   * wasm threads (default 1: deterministic). More than 1 needs a cross-origin isolated page
   * (COOP/COEP headers) in a browser.
   */
  numThreads?: number;
}

/**
 * Open a backend. `auto` resolves as SPEC §2 says; naming an unavailable backend throws a
 * `ValueRangeError` saying what is available. `web` configures onnxruntime-web (browsers).
 */
export async function openBackend(
  choice: BackendChoice,
  webOptions: WebRuntimeOptions = {},
): Promise<Backend> {
  if (!BACKEND_CHOICES.includes(choice)) {
    throw new ValueRangeError({
      field: "--backend",
      expected: `one of ${BACKEND_CHOICES.join(", ")}`,
      found: JSON.stringify(choice),
    });
  }
  const web = await loadWeb();
  if (webOptions.wasmPaths !== undefined) web.env.wasm.wasmPaths = webOptions.wasmPaths;
  const threads = webOptions.numThreads ?? 1;
  web.env.wasm.numThreads = threads;
  const webVersion = String(web.env.versions?.web ?? "unknown");
  const nodeVersion = await nativeAvailable();
  let name: BackendName;
  let adapter: { description: string; fallback: boolean } | null = null;
  if (choice === "auto") {
    adapter = await probeAdapter();
    if (adapter && !adapter.fallback) name = "webgpu";
    else name = nodeVersion ? "native" : "wasm";
    if (name !== "webgpu") adapter = null;
  } else {
    name = choice;
    if (name === "webgpu") {
      adapter = await probeAdapter();
      if (!adapter) {
        throw new ValueRangeError({
          field: "--backend webgpu",
          expected: "a WebGPU adapter (navigator.gpu)",
          found: "none in this runtime",
          hint: "Use --backend native or wasm.",
        });
      }
    }
    if (name === "native" && !nodeVersion) {
      throw new ValueRangeError({
        field: "--backend native",
        expected: "onnxruntime-node loadable (needs --allow-ffi)",
        found: "it failed to load",
        hint: "Use --backend wasm.",
      });
    }
  }
  const versions = { web: webVersion, node: nodeVersion };
  if (name === "native") {
    const ort = await loadNode();
    return {
      name,
      adapter: `onnxruntime-node CPU (${navigator.hardwareConcurrency} threads)`,
      fallbackAdapter: false,
      deviceResident: false,
      versions,
      createSession: async (bytes) =>
        wrapSession(
          await ort.InferenceSession.create(bytes, {
            executionProviders: ["cpu"],
            graphOptimizationLevel: "all",
          }),
          nativeFloat16,
        ),
      tensor: (type, data, dims) => nativeFloat16(new ort.Tensor(type, data, [...dims])),
      read: toHost,
    };
  }
  const deviceResident = name === "webgpu";
  return {
    name,
    adapter: deviceResident
      ? adapter!.description
      : `onnxruntime-web wasm (${threads} thread${threads === 1 ? "" : "s"})`,
    fallbackAdapter: deviceResident ? adapter!.fallback : false,
    deviceResident,
    versions,
    createSession: async (bytes) => {
      try {
        return wrapSession(
          await web.InferenceSession.create(bytes, {
            executionProviders: [name],
            graphOptimizationLevel: "all",
            ...(deviceResident ? { preferredOutputLocation: "gpu-buffer" as const } : {}),
          }),
        );
      } finally {
        restoreWebWorker();
      }
    },
    tensor: (type, data, dims) => new web.Tensor(type, data, [...dims]),
    read: deviceResident ? gpuReader(web) : toHost,
  };
}

/**
 * A reader for GPU tensors that copies the buffer into a reusable staging buffer on the
 * runtime's own device. `Tensor.getData()` would also download, but it then marks the tensor as
 * a CPU tensor, so feeding it to the next step would upload it again.
 */
function gpuReader(web: typeof Ort): (t: Tensor) => Promise<Float32Array> {
  // deno-lint-ignore no-explicit-any
  const staging = new Map<number, any>();
  return async (t) => {
    if (t.location !== "gpu-buffer") return toHost(t);
    // deno-lint-ignore no-explicit-any
    const device: any = await web.env.webgpu.device;
    const bytesPer = t.type === "float16" ? 2 : 4;
    const bytes = Math.ceil((t.size * bytesPer) / 4) * 4;
    let buf = staging.get(bytes);
    if (!buf) {
      // deno-lint-ignore no-explicit-any
      const usage = (globalThis as any).GPUBufferUsage;
      buf = device.createBuffer({ size: bytes, usage: usage.MAP_READ | usage.COPY_DST });
      staging.set(bytes, buf);
    }
    const enc = device.createCommandEncoder();
    enc.copyBufferToBuffer(t.gpuBuffer, 0, buf, 0, bytes);
    device.queue.submit([enc.finish()]);
    // deno-lint-ignore no-explicit-any
    await buf.mapAsync((globalThis as any).GPUMapMode.READ);
    const copy = buf.getMappedRange().slice(0);
    buf.unmap();
    return t.type === "float16"
      ? float16ToFloat32(new Uint16Array(copy, 0, t.size))
      : new Float32Array(copy, 0, t.size);
  };
}

/** Download a tensor's data to the host as float32 (float16 is widened). */
export async function toHost(t: Tensor): Promise<Float32Array> {
  const data = t.location === "cpu" ? t.data : await t.getData();
  if (data instanceof Float32Array) return data;
  if (data instanceof Uint16Array) return float16ToFloat32(data);
  // Runtimes with a native Float16Array hand float16 outputs back as one.
  if (t.type === "float16" && ArrayBuffer.isView(data)) {
    return Float32Array.from(data as unknown as ArrayLike<number>);
  }
  throw new TypeError(`Cannot read tensor: expected float32 or float16 data, found ${t.type}`);
}

/** Release a tensor's device memory (no-op for host tensors). */
export function disposeTensor(t: Tensor | undefined): void {
  if (t && t.location !== "cpu") t.dispose();
}

/** IEEE 754 binary16 → float32. */
export function float16ToFloat32(h: Uint16Array): Float32Array {
  const out = new Float32Array(h.length);
  for (let i = 0; i < h.length; i++) {
    const x = h[i];
    const sign = x & 0x8000 ? -1 : 1;
    const exp = (x >> 10) & 0x1f, frac = x & 0x3ff;
    if (exp === 0) out[i] = sign * frac * 2 ** -24;
    else if (exp === 31) out[i] = frac ? NaN : sign * Infinity;
    else out[i] = sign * (1 + frac / 1024) * 2 ** (exp - 15);
  }
  return out;
}

/** float32 → IEEE 754 binary16 (round to nearest even). */
export function float32ToFloat16(f: Float32Array): Uint16Array {
  const out = new Uint16Array(f.length);
  const u = new Uint32Array(f.buffer, f.byteOffset, f.length);
  for (let i = 0; i < f.length; i++) {
    const x = u[i];
    const sign = (x >>> 16) & 0x8000;
    const exp = (x >>> 23) & 0xff;
    let mant = x & 0x7fffff;
    if (exp === 0xff) {
      out[i] = sign | 0x7c00 | (mant ? 0x200 : 0);
      continue;
    }
    let e = exp - 127 + 15;
    if (e >= 31) {
      out[i] = sign | 0x7c00;
      continue;
    }
    if (e <= 0) {
      if (e < -10) {
        out[i] = sign;
        continue;
      }
      mant |= 0x800000;
      const shift = 14 - e;
      let h = mant >> shift;
      const rem = mant & ((1 << shift) - 1), half = 1 << (shift - 1);
      if (rem > half || (rem === half && (h & 1))) h++;
      out[i] = sign | h;
      continue;
    }
    let h = (e << 10) | (mant >> 13);
    const rem = mant & 0x1fff;
    if (rem > 0x1000 || (rem === 0x1000 && (h & 1))) h++;
    e = h; // carry into the exponent is correct IEEE behaviour (may reach Inf)
    out[i] = sign | e;
  }
  return out;
}

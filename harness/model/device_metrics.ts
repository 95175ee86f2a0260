/**
 * Device-side per-step reductions of an evaluation run (`emubench run --reductions device`):
 * the moments graph (`harness/onnx/moments_graph.ts`) and, where the suite has one, its energy
 * graph (`Suite.energyGraph`, applied to prediction and reference), run on the model's backend
 * at every step as the rollout's {@link StepMetrics}. Per IC and step only
 * `1 + 8C (+ 2)` float32 numbers cross to the host.
 *
 * Layout of one IC's numbers: `[flag, max|p_c| (C), moments (7C), E(pred), E(ref)]`, the energies
 * only with an energy graph ({@link DeviceReductions.energy}).
 *
 * @example
 * ```ts
 * import { deviceReductionsBlocker } from "./device_metrics.ts";
 * const why = deviceReductionsBlocker({ normalize: true, dtype: "float32" });
 * if (!why?.includes("normalize")) throw new Error(why);
 * ```
 * @module
 */
import { type Backend, disposeTensor, type Session, type Tensor } from "../onnx/backend.ts";
import { momentsGraph, momentsWidth } from "../onnx/moments_graph.ts";
import type { StepMetrics } from "./rollout.ts";

/** The reductions of a run, ready for `RolloutOptions.stepMetrics`. */
export interface DeviceReductions {
  readonly stepMetrics: StepMetrics;
  /** True when the energies of prediction and reference close each IC's numbers. */
  readonly energy: boolean;
  /** Release the sessions. */
  close(): Promise<void>;
}

/**
 * Why a model cannot have device-side reductions, or undefined when it can: a model that
 * normalizes its state (the graphs need physical units) or whose state is not float32.
 */
export function deviceReductionsBlocker(
  m: { normalize: boolean; dtype: string },
): string | undefined {
  if (m.normalize) {
    return "the model normalizes its state (emulator.json normalize); the reduction graphs " +
      "need physical units";
  }
  if (m.dtype !== "float32") {
    return `the model's state is ${m.dtype}; the reduction graphs take float32`;
  }
  return undefined;
}

/** Run `s` on one input, read its only output back and dispose it. */
async function runOne(backend: Backend, s: Session, x: Tensor): Promise<Float32Array> {
  const out = await s.run({ [s.inputNames[0]]: x });
  const t = out[s.outputNames[0]];
  try {
    return await backend.read(t);
  } finally {
    for (const v of Object.values(out)) disposeTensor(v);
  }
}

/**
 * Open the reduction graphs on `backend` for states `[B, channels, ...shape]`; `energyGraph` is
 * the suite's (`[B, C, ...] → [B]`), or undefined for none. Per IC, `stepMetrics.run` returns
 * the module's layout; the caller must `close()` it.
 *
 * @example
 * ```ts
 * import { openDeviceReductions } from "./device_metrics.ts";
 * import { openBackend } from "../onnx/backend.ts";
 * const backend = await openBackend("wasm");
 * const r = await openDeviceReductions(backend, 1, [4]);
 * try {
 *   const ref = new Float32Array([1, -1, 1, -1]), pred = ref.map((v) => v + 0.5);
 *   const v = await r.stepMetrics.run(
 *     backend.tensor("float32", pred, [1, 1, 4]),
 *     backend.tensor("float32", ref, [1, 1, 4]),
 *   );
 *   // flag 0, max|p| 1.5, then sse = 4 · 0.25 = 1 and sref = 4.
 *   if (v.length !== r.stepMetrics.width || v[0] !== 0 || v[1] !== 1.5 || v[2] !== 1 || v[3] !== 4) {
 *     throw new Error(String(v));
 *   }
 * } finally {
 *   await r.close();
 * }
 * ```
 */
export async function openDeviceReductions(
  backend: Backend,
  channels: number,
  shape: readonly number[],
  energyGraph?: Uint8Array,
): Promise<DeviceReductions> {
  const moments = await backend.createSession(momentsGraph(channels, shape));
  let energy: Session | undefined;
  try {
    if (energyGraph) energy = await backend.createSession(energyGraph);
  } catch (e) {
    await moments.release();
    throw e;
  }
  const wm = momentsWidth(channels);
  const width = wm + (energy ? 2 : 0);
  return {
    energy: energy !== undefined,
    stepMetrics: {
      width,
      async run(pred: Tensor, ref: Tensor): Promise<Float32Array> {
        const out = await moments.run({ pred, ref });
        let m: Float32Array;
        try {
          m = await backend.read(out.values);
        } finally {
          for (const v of Object.values(out)) disposeTensor(v);
        }
        if (!energy) return m;
        const ep = await runOne(backend, energy, pred), er = await runOne(backend, energy, ref);
        const B = ep.length;
        if (m.length !== B * wm || er.length !== B) {
          throw new TypeError(
            `Cannot reduce a step: the moments graph gave ${m.length} values and the energy ` +
              `graph ${B} and ${er.length}, expected ${wm} and 1 per IC`,
          );
        }
        const all = new Float32Array(B * width);
        for (let j = 0; j < B; j++) {
          all.set(m.subarray(j * wm, (j + 1) * wm), j * width);
          all[j * width + wm] = ep[j];
          all[j * width + wm + 1] = er[j];
        }
        return all;
      },
    },
    async close() {
      await moments.release();
      await energy?.release();
    },
  };
}

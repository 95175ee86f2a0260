/**
 * How a built-in baseline becomes a model: its ONNX graphs (built in memory) wrapped in the
 * source a submitted model directory would give (`harness/model/manifest.ts`), named `baseline:ID` with
 * graph files `ID.onnx` (the step graph) or `ID_ROLE.onnx` (encode, decode, init), and the suite
 * parameters the builders read.
 *
 * @example
 * ```ts
 * import { baselineSource } from "./source.ts";
 * const m = baselineSource("toy", { id: "burgers1d" }, { step: new Uint8Array(4) }, "A toy.");
 * if (m.manifest.graphs.step !== "toy.onnx" || m.origin !== "baseline:toy") throw new Error();
 * ```
 * @module
 */
import type { AutoencoderSource, ModelSource } from "../harness/model/manifest.ts";
import { ValueRangeError } from "../harness/core/errors.ts";
import type { Suite } from "../suites/common/types.ts";

/** Graph bytes of a forecast baseline by role. */
export interface ForecastGraphs {
  step: Uint8Array;
  encode?: Uint8Array;
  decode?: Uint8Array;
  init?: Uint8Array;
}

/** Graph bytes of an autoencoder baseline (reconstruct task). */
export interface AutoencoderGraphs {
  encode: Uint8Array;
  decode: Uint8Array;
}

/** The model source of baseline `id` for `suite` (module documentation). */
export function baselineSource(
  id: string,
  suite: Pick<Suite, "id">,
  graphs: ForecastGraphs,
  description: string,
  history?: number,
): ModelSource;
export function baselineSource(
  id: string,
  suite: Pick<Suite, "id">,
  graphs: AutoencoderGraphs,
  description: string,
): AutoencoderSource;
export function baselineSource(
  id: string,
  suite: Pick<Suite, "id">,
  graphs: ForecastGraphs | AutoencoderGraphs,
  description: string,
  history = 1,
): ModelSource | AutoencoderSource {
  const files = Object.fromEntries(
    Object.entries(graphs).filter(([, bytes]) => bytes !== undefined).map(([role, bytes]) => [
      role,
      { path: role === "step" ? `${id}.onnx` : `${id}_${role}.onnx`, bytes: bytes as Uint8Array },
    ]),
  );
  const names = Object.fromEntries(Object.entries(files).map(([role, f]) => [role, f.path]));
  return {
    kind: "baseline",
    origin: `baseline:${id}`,
    manifest: {
      name: `baseline:${id}`,
      suite: suite.id,
      description,
      authors: ["emubench"],
      graphs: names as ModelSource["manifest"]["graphs"],
      history,
      carry: {},
    },
    graphs: files as ModelSource["graphs"],
  };
}

/**
 * Physical parameter `key` of `suite` (`suite.params`), which a baseline builder needs;
 * `ValueRangeError` naming the suite and key when it is missing.
 *
 * @example
 * ```ts
 * import { suiteParam } from "./source.ts";
 * if (suiteParam({ id: "s", params: { nu: 0.01 } }, "nu") !== 0.01) throw new Error();
 * ```
 */
export function suiteParam(suite: Pick<Suite, "id" | "params">, key: string): number {
  const v = suite.params?.[key];
  if (typeof v !== "number") {
    throw new ValueRangeError({
      field: `suite ${suite.id} params.${key}`,
      expected: "a number (needed by this baseline)",
      found: String(v),
    });
  }
  return v;
}

/**
 * The side `n` and length of a square, doubly periodic 2D grid (what the spectral baselines
 * need); `ValueRangeError` naming the suite and `who` needs it otherwise.
 *
 * @example
 * ```ts
 * import { squarePeriodicGrid } from "./source.ts";
 * const grid = { kind: "grid2d", ny: 8, nx: 8, ly: 1, lx: 1, boundary: "periodic" } as const;
 * if (squarePeriodicGrid({ id: "s", grid }, "a test").n !== 8) throw new Error();
 * ```
 */
export function squarePeriodicGrid(
  suite: Pick<Suite, "id" | "grid">,
  who: string,
): { n: number; length: number } {
  const g = suite.grid;
  if (g.kind !== "grid2d" || g.boundary !== "periodic" || g.nx !== g.ny || g.lx !== g.ly) {
    throw new ValueRangeError({
      field: `suite ${suite.id} grid`,
      expected: `a periodic square 2D grid (${who})`,
      found: JSON.stringify(g),
    });
  }
  return { n: g.nx, length: g.lx };
}

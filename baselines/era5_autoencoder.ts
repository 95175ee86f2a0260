/**
 * Downsample-then-upsample autoencoders on HEALPix (the `reconstruct` baselines of the `era5`
 * suite): the encoder mean-pools a field to a level `d` coarser, the decoder repeats each coarse
 * value over its children (nearest upsampling).
 *
 * In NESTED ordering the 4^d descendants of coarse pixel q at level L − d are the contiguous
 * fine pixels `q·4^d … q·4^d + 4^d − 1` (`suites/era5/healpix.ts`), so with P = 12·nside²:
 * - encode: `z[b, c, q] = 4^{-d} Σ_{r<4^d} x[b, c, q·4^d + r]` — Reshape `[B, C, P/4^d, 4^d]`
 *   then ReduceMean over the last axis;
 * - decode: `x̂[b, c, q·4^d + r] = z[b, c, q]` — Unsqueeze, Expand to `[B, C, P/4^d, 4^d]`,
 *   Reshape `[B, C, P]`.
 *
 * Compression ratio (per variable, and overall since every channel is pooled alike): input
 * elements × bytes / latent elements × bytes = (C·P·4) / (C·(P/4^d)·4) = 4^d, i.e. 16, 64,
 * 256, 1024 for d = 2 … 5. Both graphs have a dynamic batch axis.
 *
 * @example
 * ```ts
 * import { meanPoolDepth } from "./era5_autoencoder.ts";
 * if (meanPoolDepth(64) !== 3) throw new Error("64 = 4³");
 * ```
 * @module
 */
import { baselineSource } from "./source.ts";
import { GraphBuilder } from "../harness/onnx/graph.ts";
import { ValueRangeError } from "../harness/core/errors.ts";
import type { AutoencoderSource } from "../harness/model/manifest.ts";
import type { Suite } from "../suites/common/types.ts";

/** Compression ratios of the built-in mean-pool autoencoders (`baseline:mean_pool_r<ratio>`). */
export const MEAN_POOL_RATIOS: readonly number[] = [16, 64, 256, 1024];

/**
 * Pooling depth d with 4^d = `ratio`; throws `ValueRangeError` unless the ratio is a power of
 * 4 of at least 4.
 *
 * @example
 * ```ts
 * import { meanPoolDepth } from "./era5_autoencoder.ts";
 * if (meanPoolDepth(1024) !== 5) throw new Error("1024 = 4⁵");
 * ```
 */
export function meanPoolDepth(ratio: number): number {
  const d = Math.round(Math.log(ratio) / Math.log(4));
  if (!Number.isInteger(ratio) || d < 1 || 4 ** d !== ratio) {
    throw new ValueRangeError({
      field: "compression ratio",
      expected: "a power of 4 (4, 16, 64, 256, 1024, …)",
      found: String(ratio),
    });
  }
  return d;
}

/** Shape of one autoencoder: HEALPix `nside`, channels C and pooling depth d. */
export interface MeanPoolShape {
  nside: number;
  channels: number;
  depth: number;
}

function check(o: MeanPoolShape): { npix: number; coarse: number; block: number } {
  const { nside, channels, depth } = o;
  if (!Number.isInteger(nside) || nside < 1 || (nside & (nside - 1)) !== 0) {
    throw new ValueRangeError({
      field: "nside",
      expected: "a power of 2",
      found: String(nside),
    });
  }
  if (!Number.isInteger(depth) || depth < 1 || 2 ** depth > nside) {
    throw new ValueRangeError({
      field: "depth",
      expected: `an integer in 1..${Math.log2(nside)} (the coarse level must exist)`,
      found: String(depth),
    });
  }
  if (!Number.isInteger(channels) || channels < 1) {
    throw new ValueRangeError({
      field: "channels",
      expected: "a positive integer",
      found: String(channels),
    });
  }
  const block = 4 ** depth, npix = 12 * nside * nside;
  return { npix, coarse: npix / block, block };
}

/**
 * The encoder graph: input `x` `[B, C, 12·nside²]` → output `z` `[B, C, 12·nside²/4^d]`, the
 * mean over each block of 4^d nested children.
 *
 * @example
 * ```ts
 * import { meanPoolEncodeGraph } from "./era5_autoencoder.ts";
 * if (meanPoolEncodeGraph({ nside: 4, channels: 2, depth: 1 }).length < 50) throw new Error();
 * ```
 */
export function meanPoolEncodeGraph(o: MeanPoolShape): Uint8Array {
  const { npix, coarse, block } = check(o);
  const g = new GraphBuilder(`mean_pool_encode_d${o.depth}`);
  const x = g.input("x", ["B", o.channels, npix]);
  const blocks = g.op("Reshape", [x, g.ints([0, 0, coarse, block])]);
  const z = g.op("ReduceMean", [blocks], { axes: [3], keepdims: 0 });
  g.output(z, "z", ["B", o.channels, coarse]);
  return g.build();
}

/**
 * The decoder graph: input `z` `[B, C, 12·nside²/4^d]` → output `x_hat` `[B, C, 12·nside²]`,
 * each coarse value repeated over its 4^d nested children.
 *
 * @example
 * ```ts
 * import { upsampleDecodeGraph } from "./era5_autoencoder.ts";
 * if (upsampleDecodeGraph({ nside: 4, channels: 2, depth: 1 }).length < 50) throw new Error();
 * ```
 */
export function upsampleDecodeGraph(o: MeanPoolShape): Uint8Array {
  const { npix, coarse, block } = check(o);
  const g = new GraphBuilder(`nearest_upsample_d${o.depth}`);
  const z = g.input("z", ["B", o.channels, coarse]);
  const col = g.op("Unsqueeze", [z, g.ints([3])]);
  const tiled = g.op("Expand", [col, g.ints([1, 1, 1, block])]);
  const x = g.op("Reshape", [tiled, g.ints([0, 0, npix])]);
  g.output(x, "x_hat", ["B", o.channels, npix]);
  return g.build();
}

/**
 * The `mean_pool_r<ratio>` baseline for a HEALPix suite: encoder and decoder graphs above, as
 * an in-memory {@link AutoencoderSource}. Throws `ValueRangeError` on a grid that is not
 * HEALPix or too coarse for the ratio.
 *
 * @example
 * ```ts
 * import { meanPoolAutoencoder } from "./era5_autoencoder.ts";
 * const suite = { id: "era5", fields: ["t"], grid: { kind: "healpix", nside: 8, ordering: "nested" } };
 * // deno-lint-ignore no-explicit-any
 * const m = meanPoolAutoencoder(suite as any, 16);
 * if (m.manifest.name !== "baseline:mean_pool_r16") throw new Error(m.manifest.name);
 * ```
 */
export function meanPoolAutoencoder(
  suite: Pick<Suite, "id" | "fields" | "grid">,
  ratio: number,
): AutoencoderSource {
  if (suite.grid.kind !== "healpix") {
    throw new ValueRangeError({
      field: `suite ${suite.id} grid`,
      expected: "a HEALPix grid (mean-pool autoencoder)",
      found: suite.grid.kind,
    });
  }
  const depth = meanPoolDepth(ratio);
  const shape = { nside: suite.grid.nside, channels: suite.fields.length, depth };
  const id = `mean_pool_r${ratio}`;
  const coarse = suite.grid.nside >> depth;
  return baselineSource(
    id,
    suite,
    { encode: meanPoolEncodeGraph(shape), decode: upsampleDecodeGraph(shape) },
    `Mean pool over the ${ratio} nested children to HEALPix nside ${coarse} ` +
      `(${4 ** depth}:1 per variable), nearest upsampling back to nside ${suite.grid.nside}.`,
  );
}

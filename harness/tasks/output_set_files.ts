/**
 * Writing a forecast run's or a reconstruction's output set (Deno only; loaded where used): the
 * prediction and reference arrays when kept, `result.json`, then the caller's extra outputs (the
 * CLI's report), all staged in one {@link OutputSet} and committed together, so an interrupted
 * write leaves the complete old set or the complete new one.
 *
 * @example
 * ```ts
 * import { writeResultSet } from "./output_set_files.ts";
 * const dir = await Deno.makeTempDir();
 * const files = await writeResultSet(`${dir}/out`, ["result.json", "pred.npy", "ref.npy"], {
 *   result: { schema: "x" } as never,
 *   arrays: { pred: new Float32Array(2), ref: new Float32Array(2), shape: [1, 2] },
 * });
 * if (!files.result?.endsWith("result.json") || !files.pred) throw new Error();
 * ```
 * @module
 */
import { join } from "node:path";
import { OutputSet, writeFileAtomic } from "../core/atomic.ts";
import { writeNpy } from "../data/npy.ts";
import type { Result } from "../results/schema.ts";

/** What {@link writeResultSet} wrote, as paths under the output directory. */
export interface ResultSetFiles {
  result?: string;
  pred?: string;
  ref?: string;
  /** The extra outputs, by name. */
  extra?: Record<string, string>;
}

/**
 * Write `result.json` (and `pred.npy`/`ref.npy` of `arrays`, then each of `extra`) as one output
 * set in `outDir`, owning the names `owned` (a new set replaces all of them; other files stay).
 */
export async function writeResultSet(
  outDir: string,
  owned: readonly string[],
  o: {
    result: Result;
    arrays?: { pred: Float32Array; ref: Float32Array; shape: number[] };
    extra?: Record<string, (path: string, result: Result) => Promise<void>>;
  },
): Promise<ResultSetFiles> {
  const written: ResultSetFiles = {};
  const set = await OutputSet.begin(outDir, owned);
  try {
    if (o.arrays) {
      await writeNpy(set.path("pred.npy"), o.arrays.pred, o.arrays.shape);
      await writeNpy(set.path("ref.npy"), o.arrays.ref, o.arrays.shape);
      written.pred = join(outDir, "pred.npy");
      written.ref = join(outDir, "ref.npy");
    }
    await writeFileAtomic(set.path("result.json"), JSON.stringify(o.result, null, 1));
    written.result = join(outDir, "result.json");
    for (const [name, write] of Object.entries(o.extra ?? {})) {
      await write(set.path(name), o.result);
      (written.extra ??= {})[name] = join(outDir, name);
    }
    await set.commit();
  } finally {
    set.abandon();
  }
  return written;
}

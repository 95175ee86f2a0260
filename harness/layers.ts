/**
 * The layers of emubench and a checker that the code keeps to them.
 *
 * Every source file (tests and `_`-prefixed test support excluded) belongs to one layer; an import
 * may only point to the same layer or one below. Lowest first:
 *
 * | layer | paths | job |
 * | ----- | ----- | --- |
 * | 0 core | `harness/core/` | errors, hashing, atomic writes, JSON field checks, seeded RNG |
 * | 1 contract | `metrics/`, `suites/common/types.ts` | pure metric functions; the `Suite` contract |
 * | 2 onnx | `harness/onnx/` | graph builder, spectral graphs, inspection, backends |
 * | 3 data | `harness/data/` | `.npy`, HDF5, Zarr readers; the reference cache |
 * | 4 suites | `suites/` | solvers, ICs, suite declarations and their own readers/scoring |
 * | 5 model | `harness/model/` | manifest, plan, rollout engine |
 * | 6 baselines | `baselines/` | built-in models as ONNX graphs |
 * | 7 results | `harness/results/` | result schema, IO, checks, gate |
 * | 8 tasks | `harness/tasks/` | forecast, stability, reconstruct, shards, submissions, validate |
 * | 9 reports | `reports/` | HTML reports and leaderboard (read result files) |
 * | 10 front | `harness/cli/`, `harness/bench/`, `harness/mod.ts`, `mod.ts` | CLI, benchmarks, API |
 *
 * Tests (`x_test.ts`), benchmarks (`x_bench.ts`), `_`-prefixed test support, `fixtures/` and `.ci/`
 * may import anything.
 *
 * @example
 * ```ts
 * import { layerOf } from "./layers.ts";
 * if (layerOf("harness/core/errors.ts") !== 0) throw new Error("core is the bottom layer");
 * if (layerOf("reports/charts.ts") !== 9) throw new Error("reports sit above tasks");
 * ```
 * @module
 */

/** Layer rules: the longest matching path prefix wins. */
export const LAYERS: ReadonlyArray<readonly [prefix: string, layer: number]> = [
  ["harness/core/", 0],
  ["metrics/", 1],
  ["suites/common/types.ts", 1],
  ["harness/onnx/", 2],
  ["harness/data/", 3],
  ["suites/", 4],
  ["harness/model/", 5],
  ["baselines/", 6],
  ["harness/results/", 7],
  ["harness/tasks/", 8],
  ["reports/", 9],
  ["harness/cli/", 10],
  ["harness/bench/", 10],
  ["web/", 10],
  ["harness/layers.ts", 10],
  ["harness/mod.ts", 10],
  ["mod.ts", 10],
];

/** Layer of a repository-relative path, or `null` for test support (tests, `_x.ts`, fixtures). */
export function layerOf(path: string): number | null {
  const base = path.slice(path.lastIndexOf("/") + 1);
  if (
    base.endsWith("_test.ts") || base.endsWith("_bench.ts") || base.startsWith("_") ||
    path.startsWith("fixtures/")
  ) {
    return null;
  }
  if (path.startsWith(".ci/")) return null;
  let best: readonly [string, number] | null = null;
  for (const rule of LAYERS) {
    if (
      (path === rule[0] || (rule[0].endsWith("/") && path.startsWith(rule[0]))) &&
      (best === null || rule[0].length > best[0].length)
    ) best = rule;
  }
  return best === null ? null : best[1];
}

/**
 * Relative module specifiers imported by a source text (static imports and re-exports, dynamic
 * `import("…")`), with comments removed first so JSDoc examples do not count.
 */
export function importsOf(source: string): string[] {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "");
  const out: string[] = [];
  const re = /(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)["'](\.{1,2}\/[^"']+)["']/gm;
  for (const m of code.matchAll(re)) out.push(m[1]);
  return out;
}

/** One import edge between repository-relative paths. */
export interface Edge {
  from: string;
  to: string;
}

/** What {@link checkLayers} found. */
export interface LayerReport {
  /** Imports that point to a higher layer. */
  upward: Edge[];
  /** Strongly connected groups of files that import each other (cycles). */
  fileCycles: string[][];
  /** Strongly connected groups of folders. */
  folderCycles: string[][];
}

function normalize(path: string): string {
  const parts: string[] = [];
  for (const p of path.split("/")) {
    if (p === "..") parts.pop();
    else if (p !== "." && p !== "") parts.push(p);
  }
  return parts.join("/");
}

function dirOf(path: string): string {
  const i = path.lastIndexOf("/");
  return i < 0 ? "." : path.slice(0, i);
}

function stronglyConnected(nodes: string[], next: (n: string) => Iterable<string>): string[][] {
  let index = 0;
  const idx = new Map<string, number>(), low = new Map<string, number>();
  const stack: string[] = [], on = new Set<string>(), out: string[][] = [];
  const visit = (v: string) => {
    idx.set(v, index), low.set(v, index), index++, stack.push(v), on.add(v);
    for (const w of next(v)) {
      if (!idx.has(w)) visit(w), low.set(v, Math.min(low.get(v)!, low.get(w)!));
      else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const group: string[] = [];
      let w: string;
      do (w = stack.pop()!, on.delete(w), group.push(w)); while (w !== v);
      if (group.length > 1) out.push(group.sort());
    }
  };
  for (const n of nodes) if (!idx.has(n)) visit(n);
  return out;
}

/**
 * Checks source files (path → text) against {@link LAYERS}: upward imports, file cycles and
 * folder cycles, among non-test files.
 */
export function checkLayers(files: ReadonlyMap<string, string>): LayerReport {
  const edges: Edge[] = [];
  for (const [path, text] of files) {
    if (layerOf(path) === null) continue;
    for (const spec of importsOf(text)) {
      const to = normalize(`${dirOf(path)}/${spec}`);
      if (to.endsWith(".ts") && files.has(to) && layerOf(to) !== null) {
        edges.push({ from: path, to });
      }
    }
  }
  const upward = edges.filter((e) => layerOf(e.to)! > layerOf(e.from)!);
  const byFile = new Map<string, string[]>();
  const byDir = new Map<string, Set<string>>();
  for (const e of edges) {
    byFile.set(e.from, [...(byFile.get(e.from) ?? []), e.to]);
    const [a, b] = [dirOf(e.from), dirOf(e.to)];
    if (a !== b) {
      if (!byDir.has(a)) byDir.set(a, new Set());
      byDir.get(a)!.add(b);
    }
  }
  const fileNodes = [...files.keys()].filter((p) => layerOf(p) !== null);
  const dirNodes = [...new Set(fileNodes.map(dirOf))];
  return {
    upward,
    fileCycles: stronglyConnected(fileNodes, (n) => byFile.get(n) ?? []),
    folderCycles: stronglyConnected(dirNodes, (n) => byDir.get(n) ?? []),
  };
}

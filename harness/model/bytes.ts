/**
 * A model given as bytes rather than paths (a browser's file input, an upload): one `.onnx`
 * graph, or `emulator.json` plus the graphs it names. The result is the same
 * {@link ModelSource} `loadModel` reads from disk (same graph paths, same manifest bytes), so the
 * model hash a result records is the same whichever way the model arrived.
 *
 * @example
 * ```ts
 * import { modelFromBytes } from "./bytes.ts";
 * const m = modelFromBytes({ name: "net.onnx", files: { "net.onnx": new Uint8Array([8]) } }, "burgers1d");
 * if (m.manifest.name !== "net" || m.graphs.step.path !== "net.onnx") throw new Error();
 * ```
 * @module
 */
import { ShapeError } from "../core/errors.ts";
import { parseJson } from "../core/json_file.ts";
import { type GraphFile, type ModelSource, parseManifest } from "./manifest.ts";

/**
 * A model's files by path (`/`-separated, relative to the model's folder, which may itself be
 * the first component: `"my_model/emulator.json"`), and a name for messages (`origin`).
 */
export interface ModelBytes {
  name: string;
  files: Readonly<Record<string, Uint8Array>>;
}

/**
 * The model in `model`: with an `emulator.json` (the shallowest one), a manifest model whose
 * graphs are looked up beside it (paths inside the folder only); else exactly one `.onnx` file, a
 * bare model for `suiteHint`. `ShapeError` naming the file otherwise.
 */
export function modelFromBytes(model: ModelBytes, suiteHint?: string): ModelSource {
  const paths = Object.keys(model.files).map((p) => p.replace(/^\.?\/+/, ""));
  const byPath = new Map(
    Object.entries(model.files).map(([p, b]) => [p.replace(/^\.?\/+/, ""), b]),
  );
  const manifests = paths.filter((p) => p === "emulator.json" || p.endsWith("/emulator.json"))
    .sort((a, b) => a.split("/").length - b.split("/").length);
  if (manifests.length === 0) {
    const graphs = paths.filter((p) => /\.onnx$/i.test(p));
    if (graphs.length !== 1) {
      throw new ShapeError({
        file: model.name,
        expected: "one .onnx file, or a folder with emulator.json and its graphs",
        found: graphs.length === 0
          ? `no .onnx file among ${paths.length} file(s)`
          : `${graphs.length} .onnx files and no emulator.json (${graphs.join(", ")})`,
      });
    }
    const file = graphs[0].slice(graphs[0].lastIndexOf("/") + 1);
    return {
      kind: "model",
      origin: model.name,
      manifest: {
        name: file.replace(/\.onnx$/i, ""),
        suite: suiteHint ?? "",
        graphs: { step: file },
        history: 1,
        carry: {},
      },
      graphs: { step: { path: file, bytes: byPath.get(graphs[0])! } },
    };
  }
  const manifestAt = manifests[0];
  const root = manifestAt.slice(0, manifestAt.length - "emulator.json".length);
  const manifestPath = `${model.name}/${manifestAt}`;
  // As Deno.readTextFile + TextEncoder on disk: the manifest is hashed as its UTF-8 text.
  const text = new TextDecoder().decode(byPath.get(manifestAt)!);
  const manifest = parseManifest(parseJson(text, manifestPath, "valid JSON"), manifestPath);
  const graph = (rel: string, field: string): GraphFile => {
    const parts = rel.split(/[\\/]+/);
    if (rel.startsWith("/") || /^[A-Za-z]:/.test(rel) || parts.includes("..")) {
      throw new ShapeError({
        file: manifestPath,
        field,
        expected: "a path inside the model directory",
        found: JSON.stringify(rel),
      });
    }
    const key = root + parts.filter((p) => p !== "." && p !== "").join("/");
    const bytes = byPath.get(key);
    if (!bytes) {
      throw new ShapeError({
        file: manifestPath,
        field,
        expected: `an existing graph file ${model.name}/${key}`,
        found: "no such file among the files given",
      });
    }
    return { path: rel, bytes };
  };
  const graphs: ModelSource["graphs"] = { step: graph(manifest.graphs.step, "graphs.step") };
  for (const k of ["encode", "decode", "init"] as const) {
    const rel = manifest.graphs[k];
    if (rel) graphs[k] = graph(rel, `graphs.${k}`);
  }
  return {
    kind: "model",
    origin: model.name,
    manifest,
    manifestFile: { path: "emulator.json", bytes: new TextEncoder().encode(text) },
    graphs,
  };
}

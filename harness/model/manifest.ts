/**
 * Loading submissions (SPEC §2): a bare `.onnx` file, or a directory with `emulator.json` and
 * its graphs. Built-in baselines produce the same {@link ModelSource} in memory, so both run
 * through one path.
 *
 * @example
 * ```ts
 * import { parseManifest } from "./manifest.ts";
 * const m = parseManifest({ suite: "burgers1d", history: 2 }, "emulator.json");
 * if (m.history !== 2 || m.graphs.step !== "model.onnx") throw new Error("defaults");
 * ```
 * @module
 */
import { FormatError, ShapeError, ValueRangeError } from "../core/errors.ts";
import { isRecord } from "../core/checks.ts";
import { externalDataRefs } from "../onnx/external_data.ts";
import { parseJson } from "../core/json_file.ts";
import { parseQuantity, quantityList } from "./conditioning.ts";

/** The parsed `emulator.json`, with defaults filled in. */
export interface Manifest {
  name: string;
  suite: string;
  description?: string;
  authors?: string[];
  /** Graph files relative to the directory: `{step}` or `{encode, step, decode}`, optional `init`. */
  graphs: { step: string; encode?: string; decode?: string; init?: string };
  /** Number of past states the step graph takes (≥ 1). */
  history: number;
  /** Name of the state input of the step graph (or encode graph); resolved from the graph if absent. */
  input?: string;
  /** Name of the state output of the step graph (or decode graph); resolved if absent. */
  output?: string;
  /** Carried tensors: input name → output name of the step graph. */
  carry: Record<string, string>;
  /** Per-channel affine applied on the way in and undone on the way out. */
  normalize?: { mean: number[]; std: number[] };
  /**
   * Conditioning inputs of the step graph: input name → quantity (`time`, `dt`, `step`,
   * `param:NAME`, `day_of_year`, `hour`; `harness/model/conditioning.ts`). Absent: `{}`.
   */
  conditioning?: Record<string, string>;
  /**
   * Latent models: step input → step output of each latent tensor, e.g. HEAP's three levels
   * `{"e1": "e1_next", "e2": "e2_next", "e3": "e3_next"}`. Absent: the step's inputs that are
   * neither carried nor conditioning, paired in order with its outputs that are not carried.
   * Encoder outputs and decoder inputs are matched to them by name, else in order.
   */
  latent?: Record<string, string>;
}

/**
 * A manifest read for the `reconstruct` task (an autoencoder): `{encode, decode}` are required
 * and `step` may be absent.
 */
export interface AutoencoderManifest extends Omit<Manifest, "graphs"> {
  graphs: { encode: string; decode: string; step?: string; init?: string };
}

/**
 * The task a manifest is read for: `forecast` (SPEC §2: `{step}` or `{encode, step, decode}`)
 * or `reconstruct` (`{encode, decode}`, `step` optional and unused).
 */
export type ManifestTask = "forecast" | "reconstruct";

/** One graph's bytes and where they came from. */
export interface GraphFile {
  /** Path relative to the model root (or a synthetic name for baselines). */
  path: string;
  bytes: Uint8Array;
}

/** A model ready to validate and run. */
export interface ModelSource {
  kind: "model" | "baseline";
  /** The path the user gave (or `baseline:NAME`). */
  origin: string;
  manifest: Manifest;
  /** Manifest bytes when read from disk (hashed with the graphs). */
  manifestFile?: GraphFile;
  graphs: { step: GraphFile; encode?: GraphFile; decode?: GraphFile; init?: GraphFile };
}

/** An autoencoder ready to run for the `reconstruct` task. */
export interface AutoencoderSource {
  kind: "model" | "baseline";
  /** The path the user gave (or `baseline:NAME`). */
  origin: string;
  manifest: AutoencoderManifest;
  /** Manifest bytes when read from disk (hashed with the graphs). */
  manifestFile?: GraphFile;
  graphs: { encode: GraphFile; decode: GraphFile };
}

const KNOWN_KEYS = new Set([
  "name",
  "suite",
  "description",
  "authors",
  "graphs",
  "history",
  "input",
  "output",
  "carry",
  "normalize",
  "conditioning",
  "latent",
]);

/** `value` as JSON for a message, cut to 80 characters (a manifest may hold megabytes). */
function brief(value: unknown): string {
  const s = JSON.stringify(value) ?? String(value);
  return s.length > 80 ? `${s.slice(0, 77)}... (${s.length} characters)` : s;
}

/** A manifest string over `max` characters is refused (its content is not echoed). */
function checkLength(v: string, field: string, max: number, file: string): void {
  if (v.length > max) {
    throw new ValueRangeError({
      file,
      field,
      expected: `at most ${max} characters`,
      found: `${v.length} characters`,
    });
  }
}

function expectString(obj: Record<string, unknown>, key: string, file: string): string | undefined {
  const v = obj[key];
  if (v === undefined) return undefined;
  if (typeof v !== "string" || v === "") {
    throw new ShapeError({
      file,
      field: key,
      expected: "a non-empty string",
      found: typeof v === "string" ? '""' : typeof v,
    });
  }
  checkLength(v, key, MAX_STRING_LENGTH[key] ?? 256, file);
  return v;
}

/**
 * Validate and normalise a manifest object read from `file`. Every mismatch throws with the
 * file, the key, what was expected and what was found. Unknown keys are rejected too, since a
 * typo (`"histroy"`) would otherwise be ignored silently. With `task = "reconstruct"` the
 * graphs must include `{encode, decode}` and `step` may be absent; the forecast contract
 * (the default) is unchanged.
 */
export function parseManifest(json: unknown, file: string, task?: "forecast"): Manifest;
export function parseManifest(
  json: unknown,
  file: string,
  task: "reconstruct",
): AutoencoderManifest;
export function parseManifest(
  json: unknown,
  file: string,
  task: ManifestTask = "forecast",
): Manifest | AutoencoderManifest {
  if (!isRecord(json)) {
    throw new ShapeError({
      file,
      expected: "a JSON object",
      found: brief(json),
    });
  }
  for (const key of Object.keys(json)) {
    if (!KNOWN_KEYS.has(key)) {
      throw new ShapeError({
        file,
        field: key.length > 60 ? `${key.slice(0, 40)}…` : key,
        expected: `one of the keys ${[...KNOWN_KEYS].join(", ")}`,
        found: `unknown key ${brief(key)}`,
      });
    }
  }
  const suite = expectString(json, "suite", file);
  if (suite === undefined) {
    throw new ShapeError({
      file,
      field: "suite",
      expected: "a suite id (required)",
      found: "no key",
    });
  }
  const name = expectString(json, "name", file) ?? parentName(file);
  const description = expectString(json, "description", file);
  let authors: string[] | undefined;
  if (json.authors !== undefined) {
    if (!Array.isArray(json.authors) || json.authors.some((a) => typeof a !== "string")) {
      throw new ShapeError({
        file,
        field: "authors",
        expected: "an array of strings",
        found: brief(json.authors),
      });
    }
    if (json.authors.length > MAX_AUTHORS) {
      throw new ValueRangeError({
        file,
        field: "authors",
        expected: `at most ${MAX_AUTHORS} entries`,
        found: `${json.authors.length} entries`,
      });
    }
    json.authors.forEach((a, i) =>
      checkLength(a as string, `authors[${i}]`, MAX_STRING_LENGTH.authors, file)
    );
    authors = json.authors as string[];
  }
  let graphs: Manifest["graphs"] = { step: "model.onnx" };
  if (json.graphs === undefined && task === "reconstruct") {
    throw new ShapeError({
      file,
      field: "graphs",
      expected: '{"encode": ..., "decode": ...} (a reconstruct-task autoencoder)',
      found: "no key",
    });
  }
  if (json.graphs !== undefined) {
    if (!isRecord(json.graphs)) {
      throw new ShapeError({
        file,
        field: "graphs",
        expected: "an object",
        found: brief(json.graphs),
      });
    }
    const g = json.graphs;
    for (const k of Object.keys(g)) {
      if (!["step", "encode", "decode", "init"].includes(k)) {
        throw new ShapeError({
          file,
          field: `graphs.${k}`,
          expected: "one of step, encode, decode, init",
          found: `"${k}"`,
        });
      }
      if (typeof g[k] !== "string" || g[k] === "") {
        throw new ShapeError({
          file,
          field: `graphs.${k}`,
          expected: "a file name",
          found: brief(g[k]),
        });
      }
    }
    if (task === "reconstruct") {
      if (g.encode === undefined || g.decode === undefined) {
        throw new ShapeError({
          file,
          field: "graphs",
          expected: "{encode, decode} (a reconstruct-task autoencoder)",
          found: `{${Object.keys(g).join(", ")}}`,
        });
      }
    } else if (g.step === undefined) {
      throw new ShapeError({
        file,
        field: "graphs.step",
        expected: "a step graph file",
        found: "no key",
      });
    }
    if ((g.encode === undefined) !== (g.decode === undefined)) {
      throw new ShapeError({
        file,
        field: "graphs",
        expected: "either {step} or {encode, step, decode}",
        found: `{${Object.keys(g).join(", ")}}`,
      });
    }
    graphs = g as Manifest["graphs"];
  }
  let history = 1;
  if (json.history !== undefined) {
    if (typeof json.history !== "number" || !Number.isInteger(json.history) || json.history < 1) {
      throw new ValueRangeError({
        file,
        field: "history",
        expected: "an integer ≥ 1",
        found: brief(json.history),
      });
    }
    history = json.history;
  }
  let carry: Record<string, string> = {};
  if (json.carry !== undefined) {
    if (!isRecord(json.carry) || Object.values(json.carry).some((v) => typeof v !== "string")) {
      throw new ShapeError({
        file,
        field: "carry",
        expected: 'an object mapping input names to output names, e.g. {"h_in": "h_out"}',
        found: brief(json.carry),
      });
    }
    carry = json.carry as Record<string, string>;
  }
  let normalize: Manifest["normalize"];
  if (json.normalize !== undefined) {
    const n = json.normalize;
    const ok = isRecord(n) && Array.isArray(n.mean) && Array.isArray(n.std) &&
      n.mean.length === n.std.length &&
      n.mean.every((v) => typeof v === "number" && Number.isFinite(v)) &&
      n.std.every((v) => typeof v === "number" && Number.isFinite(v));
    if (!ok) {
      throw new ShapeError({
        file,
        field: "normalize",
        expected: '{"mean": [number per channel], "std": [number per channel]} of equal length',
        found: brief(n),
      });
    }
    const nn = n as { mean: number[]; std: number[] };
    const bad = nn.std.findIndex((s) => !(s > 0));
    if (bad >= 0) {
      throw new ValueRangeError({
        file,
        field: `normalize.std[${bad}]`,
        expected: "a positive number",
        found: String(nn.std[bad]),
      });
    }
    normalize = { mean: nn.mean, std: nn.std };
  }
  let conditioning: Record<string, string> | undefined;
  if (json.conditioning !== undefined) {
    const c = json.conditioning;
    if (!isRecord(c) || Object.values(c).some((v) => typeof v !== "string")) {
      throw new ShapeError({
        file,
        field: "conditioning",
        expected: 'an object mapping step input names to quantities, e.g. {"t": "time"}',
        found: JSON.stringify(c),
      });
    }
    for (const [input, q] of Object.entries(c as Record<string, string>)) {
      if (!parseQuantity(q)) {
        throw new ValueRangeError({
          file,
          field: `conditioning.${input}`,
          expected: quantityList(),
          found: JSON.stringify(q),
        });
      }
      if (input in carry) {
        throw new ShapeError({
          file,
          field: `conditioning.${input}`,
          expected: "an input that is not also carried",
          found: `"${input}" in carry too`,
        });
      }
    }
    conditioning = { ...(c as Record<string, string>) };
  }
  let latent: Record<string, string> | undefined;
  if (json.latent !== undefined) {
    const l = json.latent;
    if (
      !isRecord(l) || Object.keys(l).length === 0 ||
      Object.values(l).some((v) => typeof v !== "string" || v === "")
    ) {
      throw new ShapeError({
        file,
        field: "latent",
        expected: 'an object mapping step input names to step output names, e.g. {"e1": "e1_next"}',
        found: JSON.stringify(l),
      });
    }
    if (graphs.encode === undefined) {
      throw new ShapeError({
        file,
        field: "latent",
        expected: 'a latent model (graphs {"encode", "step", "decode"})',
        found: `graphs {${Object.keys(graphs).join(", ")}}`,
      });
    }
    const clash = Object.keys(l).find((i) => i in carry || i in (conditioning ?? {}));
    if (clash !== undefined) {
      throw new ShapeError({
        file,
        field: `latent.${clash}`,
        expected: "an input that is neither carried nor conditioning",
        found: `"${clash}" in ${clash in carry ? "carry" : "conditioning"} too`,
      });
    }
    latent = { ...(l as Record<string, string>) };
  }
  return {
    name,
    suite,
    description,
    authors,
    graphs,
    history,
    input: expectString(json, "input", file),
    output: expectString(json, "output", file),
    carry,
    normalize,
    ...(conditioning ? { conditioning } : {}),
    ...(latent ? { latent } : {}),
  };
}

/**
 * `basename(dirname(file))` of `node:path`, without it: the name of the folder holding `file`
 * (`"."` for a bare file name). Backslashes separate only on Windows, as there.
 */
function parentName(file: string): string {
  const windows = (globalThis as { Deno?: typeof Deno }).Deno?.build.os === "windows";
  const parts = file.split(windows ? /[\\/]+/ : /\/+/);
  parts.pop();
  return parts.length === 0 ? "." : parts[parts.length - 1];
}

/** `node:path`, loaded where the file system is used (this module also runs in browsers). */
const nodePath = () => import("node:path");

/** Largest graph file read (protobuf's own limit is 2 GiB). */
export const MAX_GRAPH_BYTES = 2 ** 31 - 1;
/** Largest `emulator.json` read. */
export const MAX_MANIFEST_BYTES = 1 << 20;
/** Longest string accepted per manifest key (characters); other keys: 256. */
export const MAX_STRING_LENGTH: Readonly<Record<string, number>> = {
  name: 120,
  description: 2000,
  authors: 120,
};
/** Most `authors` entries. */
export const MAX_AUTHORS = 50;

/**
 * Refuse a graph whose tensors point at external data files: the graph is handed to
 * onnxruntime as bytes, so their `location` would be read relative to the harness, not the
 * submission (harness/onnx/external_data.ts).
 */
function refuseExternalData(bytes: Uint8Array, path: string, field: string, manifestPath?: string) {
  const refs = externalDataRefs(bytes);
  if (refs.length === 0) return;
  throw new ShapeError({
    file: manifestPath ?? path,
    field: manifestPath ? `${field} (${path})` : field,
    expected: "a graph with every tensor stored inside it (external data files are not read)",
    found: `${refs.length} tensor${refs.length === 1 ? "" : "s"} with external data (first: ${
      JSON.stringify(refs[0].tensor.slice(0, 80))
    })`,
  });
}

async function readGraph(root: string, rel: string, field: string, manifestPath: string) {
  const { isAbsolute, join, normalize } = await nodePath();
  const { readCheckedFile } = await import("../core/safe_file.ts");
  // Graph paths stay inside the model directory: no absolute paths, no "..", no links out.
  if (
    isAbsolute(rel) || /^[A-Za-z]:|^\\/.test(rel) || normalize(rel).split(/[\\/]/).includes("..")
  ) {
    throw new ShapeError({
      file: manifestPath,
      field,
      expected: "a path inside the model directory",
      found: JSON.stringify(rel.slice(0, 200)),
    });
  }
  const path = join(root, rel);
  // lstat before open: no symlinks, FIFOs, devices or directories; size capped; inside root.
  const bytes = await readCheckedFile(path, {
    root,
    field,
    namedIn: manifestPath,
    maxBytes: MAX_GRAPH_BYTES,
    expected: "a regular graph file inside the model directory",
  });
  refuseExternalData(bytes, path, field, manifestPath);
  return { path: rel, bytes };
}

/** `Deno.stat(path)`, or a `ShapeError` saying `expected` was wanted and nothing is there. */
async function statModel(path: string, expected: string): Promise<Deno.FileInfo> {
  try {
    return await Deno.stat(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) {
      throw new ShapeError({ file: path, expected, found: "nothing at this path" });
    }
    if (e instanceof Deno.errors.NotADirectory || e instanceof Deno.errors.PermissionDenied) {
      throw new ShapeError({ file: path, expected, found: (e as Error).name });
    }
    throw e;
  }
}

/** The text of `dir/emulator.json`, or a `ShapeError` (`expected`, "no emulator.json"). */
async function readManifestText(
  dir: string,
  expected: string,
): Promise<{ text: string; manifestPath: string; manifestFile: GraphFile }> {
  const manifestPath = (await nodePath()).join(dir, "emulator.json");
  const { readCheckedFile } = await import("../core/safe_file.ts");
  if (!(await Deno.lstat(manifestPath).then(() => true, () => false))) {
    throw new ShapeError({ file: dir, expected, found: "no emulator.json" });
  }
  const bytes = await readCheckedFile(manifestPath, {
    root: dir,
    maxBytes: MAX_MANIFEST_BYTES,
    expected: "a regular file emulator.json inside the model directory",
  });
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new FormatError({
      file: manifestPath,
      expected: "UTF-8 JSON",
      found: `${bytes.length} bytes that are not valid UTF-8`,
    });
  }
  return { text, manifestPath, manifestFile: { path: "emulator.json", bytes } };
}

/**
 * Load a model from `path`: a `.onnx` file (bare model, needs `suite` from the caller) or a
 * directory holding `emulator.json`.
 */
export async function loadModel(path: string, suiteHint?: string): Promise<ModelSource> {
  const { basename, dirname } = await nodePath();
  const { describeKind, readCheckedFile } = await import("../core/safe_file.ts");
  // `<dir>/emulator.json` named itself (not a directory of that name): read as its directory,
  // so the manifest goes through the same checks (no link, FIFO or device; size cap).
  if (
    basename(path) === "emulator.json" &&
    !(await Deno.lstat(path).then((s) => s.isDirectory, () => false))
  ) {
    return loadModel(dirname(path), suiteHint);
  }
  const stat = await statModel(path, "an .onnx file or a model directory");
  if (!stat.isFile && !stat.isDirectory) {
    // A FIFO would block the open; a device never ends.
    throw new ShapeError({
      file: path,
      expected: "an .onnx file or a model directory",
      found: describeKind(stat),
    });
  }
  if (stat.isFile) {
    // A bare graph named on the command line: links are followed (it is the user's own path),
    // but FIFOs, devices and oversized files are refused before anything is read.
    const bytes = await readCheckedFile(path, {
      followLinks: true,
      maxBytes: MAX_GRAPH_BYTES,
      expected: "an .onnx file or a model directory",
    });
    refuseExternalData(bytes, path, "graph");
    return {
      kind: "model",
      origin: path,
      manifest: {
        name: basename(path).replace(/\.onnx$/i, ""),
        suite: suiteHint ?? "",
        graphs: { step: basename(path) },
        history: 1,
        carry: {},
      },
      graphs: { step: { path: basename(path), bytes } },
    };
  }
  const { text, manifestPath, manifestFile } = await readManifestText(
    path,
    "a directory with emulator.json (or a bare .onnx file)",
  );
  const manifest = parseManifest(parseJson(text, manifestPath, "valid JSON"), manifestPath);
  const graphs: ModelSource["graphs"] = {
    step: await readGraph(path, manifest.graphs.step, "graphs.step", manifestPath),
  };
  for (const k of ["encode", "decode", "init"] as const) {
    const rel = manifest.graphs[k];
    if (rel) graphs[k] = await readGraph(path, rel, `graphs.${k}`, manifestPath);
  }
  return {
    kind: "model",
    origin: path,
    manifest,
    manifestFile,
    graphs,
  };
}

/**
 * Load a reconstruct-task autoencoder from a directory holding `emulator.json` with
 * `graphs: {encode, decode}` (`step` may be absent and is not read). A bare `.onnx` file cannot
 * be an autoencoder (it is one graph) and throws a `ShapeError` saying so.
 *
 * @example
 * ```ts
 * import { loadAutoencoder } from "./manifest.ts";
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/emulator.json`, '{"suite": "era5", "graphs": {"encode": "e.onnx", "decode": "d.onnx"}}');
 * await Deno.writeFile(`${dir}/e.onnx`, new Uint8Array([1]));
 * await Deno.writeFile(`${dir}/d.onnx`, new Uint8Array([2]));
 * const m = await loadAutoencoder(dir);
 * await Deno.remove(dir, { recursive: true });
 * if (m.graphs.decode.bytes[0] !== 2 || m.manifest.graphs.step !== undefined) throw new Error();
 * ```
 */
export async function loadAutoencoder(path: string): Promise<AutoencoderSource> {
  const { basename, dirname } = await nodePath();
  const dir = basename(path) === "emulator.json" ? dirname(path) : path;
  const stat = await statModel(dir, "a model directory with emulator.json");
  if (!stat.isDirectory) {
    throw new ShapeError({
      file: path,
      expected: 'a directory with emulator.json and graphs {"encode", "decode"}',
      found: "a single file (one graph cannot be an encoder and a decoder)",
    });
  }
  const { text, manifestPath, manifestFile } = await readManifestText(
    dir,
    "a directory with emulator.json",
  );
  const manifest = parseManifest(
    parseJson(text, manifestPath, "valid JSON"),
    manifestPath,
    "reconstruct",
  );
  return {
    kind: "model",
    origin: path,
    manifest,
    manifestFile,
    graphs: {
      encode: await readGraph(dir, manifest.graphs.encode, "graphs.encode", manifestPath),
      decode: await readGraph(dir, manifest.graphs.decode, "graphs.decode", manifestPath),
    },
  };
}

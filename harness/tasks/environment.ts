/**
 * What ran: emubench version and git commit, Deno/V8, OS, onnxruntime versions, backend and
 * adapter. Recorded in every result (SPEC §5) so a number can always be traced to its setup.
 * @module
 */
import type { Backend } from "../onnx/backend.ts";
import type { Result } from "../results/schema.ts";
import denoConfig from "../../deno.json" with { type: "json" };

/** emubench's version (from deno.json). */
export const EMUBENCH_VERSION: string = denoConfig.version;

/**
 * Where a run happens, apart from the backend: the `environment` fields a browser fills in itself
 * (`deno` and `v8` name the browser there, e.g. `"browser"` and its user agent).
 */
export type RuntimeRecord = Pick<
  Result["environment"],
  "gitCommit" | "deno" | "v8" | "os" | "arch"
>;

/** The git commit of the emubench checkout, or null outside a git checkout or without --allow-run. */
export async function gitCommit(): Promise<string | null> {
  if (typeof Deno === "undefined") return null;
  try {
    const root = new URL("..", import.meta.url).pathname;
    const out = await new Deno.Command("git", {
      args: ["-C", root, "rev-parse", "HEAD"],
      stdout: "piped",
      stderr: "null",
    }).output();
    if (!out.success) return null;
    const dirty = await new Deno.Command("git", {
      args: ["-C", root, "status", "--porcelain", "--untracked-files=no"],
      stdout: "piped",
      stderr: "null",
    }).output();
    const sha = new TextDecoder().decode(out.stdout).trim();
    return new TextDecoder().decode(dirty.stdout).trim() ? `${sha}-dirty` : sha;
  } catch {
    return null;
  }
}

/** This Deno's runtime record (git commit of the checkout, Deno and V8 versions, OS, arch). */
export async function denoRuntime(): Promise<RuntimeRecord> {
  return {
    gitCommit: await gitCommit(),
    deno: Deno.version.deno,
    v8: Deno.version.v8,
    os: `${Deno.build.os} ${Deno.osRelease?.() ?? ""}`.trim(),
    arch: Deno.build.arch,
  };
}

/**
 * The environment block of a result for `backend`; `runtime` is what ran it (default: this Deno,
 * {@link denoRuntime}; a browser passes its own).
 *
 * @example
 * ```ts
 * import { environment } from "./environment.ts";
 * const backend = { name: "wasm", adapter: null, versions: { web: "1", node: null } } as const;
 * const runtime = { gitCommit: null, deno: "browser", v8: "UA", os: "Linux", arch: "x86_64" };
 * // deno-lint-ignore no-explicit-any
 * const e = await environment(backend as any, runtime);
 * if (e.deno !== "browser" || e.backend !== "wasm") throw new Error();
 * ```
 */
export async function environment(
  backend: Backend,
  runtime?: RuntimeRecord,
): Promise<Result["environment"]> {
  const r = runtime ?? await denoRuntime();
  return {
    emubench: EMUBENCH_VERSION,
    gitCommit: r.gitCommit,
    deno: r.deno,
    v8: r.v8,
    os: r.os,
    arch: r.arch,
    onnxruntime: backend.versions,
    backend: backend.name,
    adapter: backend.adapter,
  };
}

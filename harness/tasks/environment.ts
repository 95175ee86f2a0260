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

/** The git commit of the emubench checkout, or null outside a git checkout or without --allow-run. */
export async function gitCommit(): Promise<string | null> {
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

/** The environment block of a result for `backend`. */
export async function environment(backend: Backend): Promise<Result["environment"]> {
  return {
    emubench: EMUBENCH_VERSION,
    gitCommit: await gitCommit(),
    deno: Deno.version.deno,
    v8: Deno.version.v8,
    os: `${Deno.build.os} ${Deno.osRelease?.() ?? ""}`.trim(),
    arch: Deno.build.arch,
    onnxruntime: backend.versions,
    backend: backend.name,
    adapter: backend.adapter,
  };
}

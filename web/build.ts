/**
 * `deno task site:build [OUT]`: the static web page in `OUT` (default `out/web/`), ready for
 * any static host. Bundles `web/main.ts` and `web/worker.ts` for browsers (`deno bundle
 * --platform browser`, code-split so modules only the CLI uses — data files, shards, output
 * files — stay in chunks the page never loads), copies `index.html`, onnxruntime-web's wasm
 * (`ort/`), d3's UMD bundle for the reports, and writes `build.json` (commit, versions). Prints
 * the page weight, raw and gzipped.
 * @module
 */
import { createRequire } from "node:module";
import { dirname, join, relative } from "node:path";
import { gzipSync } from "node:zlib";
import { d3Source, d3Version } from "../reports/d3_source.ts";
import { gitCommit } from "../harness/tasks/environment.ts";

const root = new URL("..", import.meta.url).pathname;
const out = Deno.args[0] ?? join(root, "out", "web");

/** The wasm files the browser build of onnxruntime-web (`onnxruntime-web/webgpu`) loads. */
export const ORT_FILES = [
  "ort-wasm-simd-threaded.asyncify.wasm",
  "ort-wasm-simd-threaded.asyncify.mjs",
];

/** Build the page into `dir`; returns the files written with their sizes. */
export async function buildSite(
  dir: string,
): Promise<{ path: string; bytes: number; gzip: number }[]> {
  await Deno.remove(dir, { recursive: true }).catch(() => {});
  await Deno.mkdir(join(dir, "ort"), { recursive: true });
  const deno = Deno.execPath();
  const bundle = await new Deno.Command(deno, {
    args: [
      "bundle",
      "--quiet",
      "--platform",
      "browser",
      "--code-splitting",
      "--minify",
      "--external",
      "onnxruntime-node",
      "--outdir",
      dir,
      join(root, "web", "main.ts"),
      join(root, "web", "worker.ts"),
    ],
    cwd: root,
    stdout: "inherit",
    stderr: "inherit",
  }).output();
  if (!bundle.success) throw new Error("deno bundle failed");
  await Deno.copyFile(join(root, "web", "index.html"), join(dir, "index.html"));
  const ortDist = dirname(createRequire(import.meta.url).resolve("onnxruntime-web"));
  for (const f of ORT_FILES) await Deno.copyFile(join(ortDist, f), join(dir, "ort", f));
  const ortVersion =
    JSON.parse(await Deno.readTextFile(join(ortDist, "..", "package.json"))).version;
  await Deno.writeTextFile(join(dir, "d3.min.js"), d3Source());
  await Deno.writeTextFile(
    join(dir, "build.json"),
    JSON.stringify({ gitCommit: await gitCommit(), d3: d3Version(), onnxruntime: ortVersion }),
  );
  const files: { path: string; bytes: number; gzip: number }[] = [];
  const walk = async (d: string) => {
    for await (const e of Deno.readDir(d)) {
      const p = join(d, e.name);
      if (e.isDirectory) await walk(p);
      else {
        const data = await Deno.readFile(p);
        files.push({ path: relative(dir, p), bytes: data.length, gzip: gzipSync(data).length });
      }
    }
  };
  await walk(dir);
  return files.sort((a, b) => a.path.localeCompare(b.path));
}

if (import.meta.main) {
  const t0 = performance.now();
  const files = await buildSite(out);
  const mib = (n: number) => `${(n / 2 ** 20).toFixed(2)} MiB`;
  const sum = (f: (x: { path: string }) => boolean, k: "bytes" | "gzip") =>
    files.filter(f).reduce((a, x) => a + x[k], 0);
  for (const f of files) console.log(`${f.path.padEnd(48)} ${mib(f.bytes)}  gzip ${mib(f.gzip)}`);
  const js = (x: { path: string }) => /\.m?js$/.test(x.path);
  const wasm = (x: { path: string }) => x.path.endsWith(".wasm");
  console.log(
    `JS ${mib(sum(js, "bytes"))} (gzip ${mib(sum(js, "gzip"))}), wasm ${mib(sum(wasm, "bytes"))} ` +
      `(gzip ${mib(sum(wasm, "gzip"))}); built ${out} in ${
        ((performance.now() - t0) / 1000).toFixed(1)
      } s`,
  );
}

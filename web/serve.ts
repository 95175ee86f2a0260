/**
 * `deno task site:serve [DIR] [--port N] [--isolated]`: serve the built page (default `out/web/`)
 * on 127.0.0.1 only. `--isolated` adds the COOP/COEP headers that make the page cross-origin
 * isolated, so onnxruntime-web's wasm may run several threads. The browser test serves the page
 * with {@link serveStatic} too.
 * @module
 */
import { extname, join, normalize } from "node:path";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript",
  ".mjs": "text/javascript",
  ".wasm": "application/wasm",
  ".json": "application/json",
};

/** A running static server: its origin and how to stop it. */
export interface StaticServer {
  origin: string;
  close(): Promise<void>;
}

/**
 * Serve `dir` on 127.0.0.1 (`port` 0: any free port); `isolated` adds
 * `Cross-Origin-Opener-Policy: same-origin` and `Cross-Origin-Embedder-Policy: require-corp`.
 */
export function serveStatic(
  dir: string,
  o: { port?: number; isolated?: boolean } = {},
): StaticServer {
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: o.port ?? 0, onListen: () => {} },
    async (req) => {
      const path = decodeURIComponent(new URL(req.url).pathname);
      const rel = normalize(path.endsWith("/") ? `${path}index.html` : path);
      if (rel.split("/").includes("..")) return new Response("bad path", { status: 400 });
      const headers: Record<string, string> = o.isolated
        ? {
          "cross-origin-opener-policy": "same-origin",
          "cross-origin-embedder-policy": "require-corp",
        }
        : {};
      try {
        const body = await Deno.readFile(join(dir, rel));
        headers["content-type"] = TYPES[extname(rel)] ?? "application/octet-stream";
        return new Response(body, { headers });
      } catch {
        return new Response("not found", { status: 404, headers });
      }
    },
  );
  return { origin: `http://127.0.0.1:${server.addr.port}`, close: () => server.shutdown() };
}

if (import.meta.main) {
  const args = [...Deno.args];
  const isolated = args.includes("--isolated");
  const p = args.indexOf("--port");
  const port = p >= 0 ? Number(args[p + 1]) : 8000;
  const dir = args.find((a, i) => !a.startsWith("--") && args[i - 1] !== "--port") ??
    new URL("../out/web", import.meta.url).pathname;
  const s = serveStatic(dir, { port, isolated });
  console.log(`serving ${dir} at ${s.origin}/${isolated ? " (cross-origin isolated)" : ""}`);
}

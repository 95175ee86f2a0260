/**
 * The d3 UMD bundle (`dist/d3.min.js` of the npm package in the import map), read from disk so
 * reports can inline it and need no network.
 *
 * The bundle is not an exported subpath of `d3` (its `exports` map names `./dist/d3.min.js`
 * only under the `umd` condition), so it is found next to the package entry point: once `d3` is
 * in the module graph, `import.meta.resolve("d3")` (or `createRequire(...).resolve("d3")`) gives
 * `<pkg>/src/index.js` in Deno's npm cache or in `node_modules/`, and the bundle is
 * `<pkg>/dist/d3.min.js`. The side-effect import below puts `d3` in the graph, so Deno
 * downloads it with everything else, under `nodeModulesDir: "none"` too (≈ 25 ms to evaluate).
 * The bundle's banner must match the package version.
 *
 * In a browser there is no disk to read: the page fetches `d3.min.js` from its own origin and
 * hands it over with {@link provideD3} before rendering a report. The Node modules used to find
 * the file load only under Deno.
 * @module
 */
import "d3";

const node = typeof Deno === "undefined" ? undefined : await Promise.all([
  import("node:module"),
  import("node:path"),
  import("node:url"),
]);
const createRequire = (url: string) => node![0].createRequire(url);
const dirname = (p: string) => node![1].dirname(p);
const join = (...p: string[]) => node![1].join(...p);
const fileURLToPath = (u: string) => node![2].fileURLToPath(u);

let cached: { text: string; version: string } | undefined;

/**
 * Use `text` (d3's `dist/d3.min.js`, version `version`) for reports instead of reading it from
 * disk: browsers. The banner must name `version` (`RangeError` otherwise).
 *
 * @example
 * ```ts
 * import { d3Source, provideD3 } from "./d3_source.ts";
 * provideD3(d3Source(), "7.9.0");
 * ```
 */
export function provideD3(text: string, version: string): void {
  const banner = text.slice(0, 200).match(/d3js\.org v(\d+\.\d+\.\d+)/)?.[1];
  if (banner !== version) {
    throw new RangeError(
      `Cannot use d3: the text has banner version ${banner ?? "none"}, expected ${version}`,
    );
  }
  cached = { text, version };
}

/** Candidate package roots of d3, most reliable first. */
function packageRoots(): string[] {
  const out: string[] = [];
  let specifier = "";
  try {
    specifier = import.meta.resolve("d3");
    if (specifier.startsWith("file:")) out.push(dirname(dirname(fileURLToPath(specifier))));
  } catch {
    // Not in the import map: try the other ways.
  }
  try {
    out.push(dirname(dirname(createRequire(import.meta.url).resolve("d3"))));
  } catch {
    // Not resolvable through the npm snapshot.
  }
  const pinned = specifier.match(/^npm:\/?d3@(\d+\.\d+\.\d+)/)?.[1];
  if (pinned) {
    try {
      const home = Deno.env.get("DENO_DIR") ??
        join(Deno.env.get("XDG_CACHE_HOME") ?? join(Deno.env.get("HOME") ?? "", ".cache"), "deno");
      out.push(join(home, "npm", "registry.npmjs.org", "d3", pinned));
    } catch {
      // No env permission: skip this guess.
    }
  }
  out.push(join(Deno.cwd(), "node_modules", "d3"));
  return [...new Set(out)];
}

function load(): { text: string; version: string } {
  if (cached !== undefined) return cached;
  if (!node) throw new Error("Cannot inline d3: no file system here; call provideD3 first");
  const tried: string[] = [];
  for (const root of packageRoots()) {
    const path = join(root, "dist", "d3.min.js");
    tried.push(path);
    let text: string, version: string;
    try {
      text = Deno.readTextFileSync(path);
      version = JSON.parse(Deno.readTextFileSync(join(root, "package.json"))).version;
    } catch {
      continue;
    }
    const banner = text.slice(0, 200).match(/d3js\.org v(\d+\.\d+\.\d+)/)?.[1];
    if (banner !== version) {
      throw new RangeError(
        `Cannot inline d3: ${path} has banner version ${banner ?? "none"}, expected ${version}`,
      );
    }
    cached = { text, version };
    return cached;
  }
  throw new Error(
    `Cannot inline d3: dist/d3.min.js not found; tried ${tried.join(", ")}. ` +
      "Run `deno install` to fetch the packages of deno.json.",
  );
}

/**
 * Source text of the d3 v7 UMD bundle, read once and cached. Throws an `Error` naming every
 * path tried when the bundle cannot be found, and a `RangeError` when its banner does not match
 * the package version.
 *
 * @example
 * ```ts
 * import { d3Source } from "./d3_source.ts";
 * if (!d3Source().startsWith("// https://d3js.org v7")) throw new Error("not d3 v7");
 * ```
 */
export function d3Source(): string {
  return load().text;
}

/** Version of the inlined d3 bundle, e.g. `"7.9.0"`. */
export function d3Version(): string {
  return load().version;
}

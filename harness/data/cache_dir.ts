/**
 * The default reference cache directory, without the file system (so suites can name it and
 * still load in a browser).
 * @module
 */

/**
 * `parts` joined with this host's separator (as `node:path` `join` would), without doubled
 * separators at the seams.
 */
function joinPath(...parts: string[]): string {
  const sep = (globalThis as { Deno?: typeof Deno }).Deno?.build.os === "windows" ? "\\" : "/";
  return parts.map((p, i) => i === 0 ? p.replace(/[\\/]+$/, "") || p : p).join(sep);
}

/**
 * The default cache directory: `$EMUBENCH_CACHE` when set, else `$XDG_CACHE_HOME/emubench`, else
 * `~/.cache/emubench` (`%LOCALAPPDATA%\emubench` on Windows). Without permission to read the
 * environment it falls back to `.cache/emubench` under the working directory. `getEnv` and `os`
 * are for tests.
 *
 * @example
 * ```ts
 * import { defaultCacheDir } from "./cache_dir.ts";
 * const env: Record<string, string> = { HOME: "/home/u" };
 * if (defaultCacheDir((k) => env[k], "linux") !== "/home/u/.cache/emubench") throw new Error();
 * ```
 */
export function defaultCacheDir(
  getEnv: (key: string) => string | undefined = (k) => Deno.env.get(k),
  os: string = Deno.build.os,
): string {
  try {
    const env = (k: string) => {
      const v = getEnv(k);
      return v !== undefined && v !== "" ? v : undefined;
    };
    const explicit = env("EMUBENCH_CACHE");
    if (explicit) return explicit;
    const xdg = env("XDG_CACHE_HOME");
    if (xdg) return joinPath(xdg, "emubench");
    const local = env("LOCALAPPDATA");
    if (os === "windows" && local) return joinPath(local, "emubench");
    const home = env("HOME") ?? env("USERPROFILE");
    if (home) return joinPath(home, ".cache", "emubench");
  } catch {
    // No --allow-env: fall through.
  }
  return joinPath(".cache", "emubench");
}

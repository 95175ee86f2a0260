/**
 * Reading JSON files with an error that names the file: every JSON input of emubench (result
 * files, gate rules, manifests) goes through here.
 *
 * @example
 * ```ts
 * import { readJson } from "./json_file.ts";
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/a.json`, "{oops");
 * let message = "";
 * try { await readJson(`${dir}/a.json`, "a JSON rules file"); } catch (e) { message = String(e); }
 * if (!message.includes("a.json: expected a JSON rules file")) throw new Error(message);
 * ```
 * @module
 */
import { FormatError } from "./errors.ts";

/** Largest JSON file read (result files with snapshots are a few MB). */
export const MAX_JSON_BYTES = 512 * 2 ** 20;

/** Parse `text` read from `file` as JSON, or throw a `FormatError` saying what was `expected`. */
export function parseJson(text: string, file: string, expected: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new FormatError({ file, expected, found: (e as Error).message });
  }
}

/**
 * Read and parse the JSON file at `path` (`expected` describes it for the error message;
 * `field` names the flag it came from, e.g. `--rules`). A directory, FIFO, device or a file over
 * {@link MAX_JSON_BYTES} is refused before it is read (`harness/core/safe_file.ts`); symbolic
 * links are followed (the path is the user's own).
 */
export async function readJson(path: string, expected: string, field?: string): Promise<unknown> {
  // Loaded on use: safe_file.ts is Deno-only (node:path, Deno.lstat); the browser bundle parses
  // JSON it was handed and never reaches this function.
  const { readCheckedText } = await import("./safe_file.ts");
  const text = await readCheckedText(path, {
    followLinks: true,
    maxBytes: MAX_JSON_BYTES,
    expected: `a file: ${expected}`,
    ...(field ? { field } : {}),
  });
  return parseJson(text, path, expected);
}

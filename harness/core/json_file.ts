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

/** Parse `text` read from `file` as JSON, or throw a `FormatError` saying what was `expected`. */
export function parseJson(text: string, file: string, expected: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new FormatError({ file, expected, found: (e as Error).message });
  }
}

/** Read and parse the JSON file at `path` (`expected` describes it for the error message). */
export async function readJson(path: string, expected: string): Promise<unknown> {
  return parseJson(await Deno.readTextFile(path), path, expected);
}

/**
 * Support for the hostile-input catalogue (`hostile/catalogue_test.ts`): how a case runs (a
 * library call or the CLI in-process), what it must give (exit code, words in the message,
 * words that must not be there), and the check that no earlier good file changed. Not API.
 * @module
 */
import { join, relative } from "node:path";
import { isInputError } from "../harness/core/errors.ts";
import { sha256Hex } from "../harness/core/hash.ts";
import { main } from "../harness/cli/main.ts";

/** What a hostile case produced: the exit code the CLI gives (or would give) and the text. */
export interface Outcome {
  code: number;
  message: string;
}

/** Shared, known-good material every case may point at (and must not change). */
export interface World {
  /** Root of everything; `good/` holds the files no case may change. */
  root: string;
  good: string;
  /** A file outside every submission whose content must never appear in a message. */
  secret: string;
  secretText: string;
  /** A valid model directory (convection1d, 1024 points). */
  model: string;
  /** A valid result file and its run directory (result.json, report.html, pred/ref.npy). */
  result: string;
  runDir: string;
  /** A valid .npy data file for convection1d ([2, 3, 1, 1024]). */
  data: string;
  /** A valid rules file. */
  rules: string;
}

/** One hostile case. */
export interface Case {
  /** Area of the catalogue: model, submission, data, zarr, json, flags, interrupt, html, text. */
  area: string;
  name: string;
  /** Build the hostile input under `dir` (a fresh directory) and run it. */
  run: (w: World, dir: string) => Promise<Outcome>;
  /** Expected exit code (2 bad input, 1 gate failed, 0 done right). */
  code: number;
  /** Words the message must contain (file, field, expected, found). */
  names?: (string | RegExp)[];
  /** Words the message must not contain (besides the secret and a stack trace). */
  hides?: string[];
}

/** Run a library call; input errors map to 2, anything else to 3 (as the CLI does). */
export async function lib(fn: () => Promise<unknown> | unknown): Promise<Outcome> {
  try {
    await fn();
    return { code: 0, message: "" };
  } catch (e) {
    const err = e as Error;
    return {
      code: isInputError(e) ? 2 : 3,
      message: isInputError(e) ? err.message : `internal error: ${err.stack ?? err}`,
    };
  }
}

/** Run the CLI in-process, capturing what it prints. */
export async function cli(args: string[]): Promise<Outcome> {
  const out: string[] = [];
  const log = console.log, error = console.error, warn = console.warn;
  const write = Deno.stderr.writeSync;
  const capture = (...a: unknown[]) => void out.push(a.map(String).join(" "));
  console.log = capture;
  console.error = capture;
  console.warn = capture;
  Deno.stderr.writeSync = (b: Uint8Array) => (out.push(new TextDecoder().decode(b)), b.length);
  try {
    const code = await main(args);
    return { code, message: out.join("\n") };
  } finally {
    console.log = log;
    console.error = error;
    console.warn = warn;
    Deno.stderr.writeSync = write;
  }
}

/** Make a FIFO at `path` (never opened by a correct harness: opening it would block). */
export async function mkfifo(path: string): Promise<void> {
  const { code } = await new Deno.Command("mkfifo", { args: [path] }).output();
  if (code !== 0) throw new Error(`mkfifo ${path} failed`);
}

/** sha256 of every file under `dir` (relative path → hash); links recorded by target. */
export async function snapshot(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const walk = async (d: string) => {
    for await (const e of Deno.readDir(d)) {
      const p = join(d, e.name);
      const rel = relative(dir, p);
      if (e.isDirectory) await walk(p);
      else if (e.isFile) out.set(rel, await sha256Hex(await Deno.readFile(p)));
      else out.set(rel, e.isSymlink ? `link:${await Deno.readLink(p)}` : "special");
    }
  };
  await walk(dir);
  return out;
}

/** The differences between two snapshots, as lines. */
export function diffSnapshots(a: Map<string, string>, b: Map<string, string>): string[] {
  const lines: string[] = [];
  for (const [k, v] of a) {
    if (!b.has(k)) lines.push(`removed ${k}`);
    else if (b.get(k) !== v) lines.push(`changed ${k}`);
  }
  for (const k of b.keys()) if (!a.has(k)) lines.push(`added ${k}`);
  return lines;
}

/** Check one outcome against its case; returns the problems (empty when it passed). */
export function judge(c: Case, o: Outcome, w: World, seconds: number): string[] {
  const problems: string[] = [];
  if (o.code !== c.code) problems.push(`exit ${o.code}, expected ${c.code}`);
  for (const n of c.names ?? []) {
    const ok = typeof n === "string" ? o.message.includes(n) : n.test(o.message);
    if (!ok) problems.push(`message lacks ${n}`);
  }
  for (const h of [w.secretText, ...(c.hides ?? [])]) {
    if (o.message.includes(h)) problems.push(`message echoes ${JSON.stringify(h.slice(0, 40))}`);
  }
  if (c.code !== 0 && /\n\s+at .*:\d+:\d+/.test(o.message)) problems.push("stack trace");
  if (c.code === 2 && /(^|emubench: )internal error/m.test(o.message)) {
    problems.push("internal error");
  }
  if (seconds > 30) problems.push(`took ${seconds.toFixed(1)} s`);
  return problems;
}

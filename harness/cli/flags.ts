/**
 * Flags as data: each command declares its flags once (name, type, default, meaning) and this
 * module derives parsing, validation, "did you mean" suggestions and the `--help` text from that
 * one declaration.
 *
 * Why `node:util` `parseArgs` and not an npm argument library (commander, yargs, cac, …): the
 * declared flag table already carries everything the help and the suggestions need, so a library
 * would add a dependency (to audit and lock) without removing code; `parseArgs` is built into
 * Deno's Node layer, strict about `--steps -3` ("ambiguous") and `--flag` without a value, and
 * never calls `process.exit` or prints by itself, so `main()` stays a function that returns an
 * exit code and runs in-process in tests. The libraries that do help and suggestions well print
 * and exit on their own, and their help layout would be a second declaration to keep in step.
 * (cliffy, the Deno-native one, lives on JSR, which this project does not depend on.)
 *
 * @example
 * ```ts
 * import { defineCommand, parseCommand } from "./flags.ts";
 * const cmd = defineCommand({
 *   name: "demo",
 *   summary: "an example",
 *   usage: ["emubench demo [--ics N]"],
 *   flags: { ics: { type: "int", meaning: "how many", default: 2 } },
 *   examples: ["emubench demo --ics 3"],
 *   run: () => 0,
 * });
 * const { values } = parseCommand(cmd, ["--ics", "3"]);
 * if (values.ics !== 3) throw new Error("parsed");
 * ```
 * @module
 */
import { parseArgs } from "node:util";
import { isAbsolute, resolve } from "node:path";
import { ValueRangeError } from "../core/errors.ts";

/** One flag of a command. */
export interface FlagSpec {
  /**
   * `string` (any text), `path` (a file or directory, resolved against the directory the user
   * typed the command in), `int` (an integer), `boolean` (a switch, no value).
   */
  readonly type: "string" | "path" | "int" | "boolean";
  /** What the flag does, one line for the help. */
  readonly meaning: string;
  /** The value when the flag is absent (applied by the parser and shown in the help). */
  readonly default?: string | number;
  /** A default the parser does not apply (computed later), shown in the help, e.g. `out/<suite>/<model>`. */
  readonly defaultText?: string;
  /** The only accepted values; anything else is refused with a "did you mean". */
  readonly choices?: readonly string[] | (() => readonly string[]);
  /** Placeholder of the value in the help (`DIR`, `N`, …). */
  readonly value?: string;
  /** The flag must be given. */
  readonly required?: boolean;
}

/** The flags of a command, by name (without the leading `--`). */
export type FlagTable = Readonly<Record<string, FlagSpec>>;

/** The parsed values of a flag table. */
export type FlagValues = Record<string, string | number | boolean | undefined>;

/** The value type of one flag: `int` → number, `boolean` → boolean, else string. */
export type FlagValue<S extends FlagSpec> = S extends { readonly type: "boolean" } ? boolean
  : S extends { readonly type: "int" } ? number
  : string;

/** The parsed values of flag table `F`: required and defaulted flags are always there. */
export type ValuesOf<F extends FlagTable> = {
  -readonly [K in keyof F]: F[K] extends
    { readonly required: true } | { readonly default: string | number } ? FlagValue<F[K]>
    : FlagValue<F[K]> | undefined;
};

/** A command: its declaration and what it does. */
export interface Command<F extends FlagTable = FlagTable> {
  /** The word after `emubench`. */
  readonly name: string;
  /** One line for the command list. */
  readonly summary: string;
  /** Usage lines (`emubench run --suite S …`). */
  readonly usage: readonly string[];
  /** Positional arguments: what they are (for the help), how many, and whether they are paths. */
  readonly positionals?: {
    readonly name: string;
    readonly meaning: string;
    readonly min: number;
    readonly max: number;
    readonly paths?: boolean;
  };
  /** The flags. */
  readonly flags: F;
  /** Example invocations. */
  readonly examples: readonly string[];
  /** More text after the flags (notes). */
  readonly notes?: readonly string[];
  /** Do it; returns the exit code. `values` holds every declared flag (parsed and validated). */
  run(values: ValuesOf<F>, positionals: string[]): Promise<number> | number;
}

/**
 * Declare a command; the flag table's literal types give `run` typed values.
 *
 * @example
 * ```ts
 * import { defineCommand } from "./flags.ts";
 * const hello = defineCommand({
 *   name: "hello",
 *   summary: "say hello",
 *   usage: ["emubench hello [--times N]"],
 *   flags: { times: { type: "int", meaning: "how often", default: 1 } },
 *   examples: ["emubench hello --times 2"],
 *   run: (v) => (v.times > 0 ? 0 : 2),
 * });
 * if (hello.name !== "hello") throw new Error("declared");
 * ```
 */
export function defineCommand<const F extends FlagTable>(command: Command<F>): Command<F> {
  return command;
}

/**
 * Edit distance between two strings counting insertions, deletions, substitutions and swaps of
 * two neighbouring characters as one edit each (optimal string alignment), so `teir` is one edit
 * from `tier`.
 *
 * @example
 * ```ts
 * import { editDistance } from "./flags.ts";
 * if (editDistance("teir", "tier") !== 1) throw new Error("one swap");
 * if (editDistance("burger1d", "burgers1d") !== 1) throw new Error("one insertion");
 * ```
 */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from(
    { length: a.length + 1 },
    (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.length][b.length];
}

/**
 * The candidate closest to `word` (or that `word` is a prefix/part of), if it is close enough to
 * be a plausible typo; `undefined` otherwise.
 *
 * @example
 * ```ts
 * import { didYouMean } from "./flags.ts";
 * if (didYouMean("burger1d", ["convection1d", "burgers1d"]) !== "burgers1d") throw new Error();
 * if (didYouMean("xyz", ["convection1d", "burgers1d"]) !== undefined) throw new Error();
 * ```
 */
export function didYouMean(word: string, candidates: readonly string[]): string | undefined {
  const w = word.toLowerCase();
  let best: string | undefined, bestD = Infinity;
  for (const c of candidates) {
    const d = editDistance(w, c.toLowerCase());
    if (d < bestD) [best, bestD] = [c, d];
  }
  const limit = Math.max(1, Math.min(3, Math.floor(w.length / 3)));
  if (best !== undefined && bestD <= limit) return best;
  // A unique candidate that starts with the word (`--check` for `--checkpoint-every`).
  const prefixed = candidates.filter((c) => w.length >= 3 && c.toLowerCase().startsWith(w));
  return prefixed.length === 1 ? prefixed[0] : undefined;
}

/** `Did you mean X?` for the closest candidate ({@link didYouMean}), or an empty string. */
export function suggestion(word: string, candidates: readonly string[], prefix = ""): string {
  const m = didYouMean(word, candidates);
  return m === undefined ? "" : `Did you mean ${prefix}${m}?`;
}

/**
 * The directory relative paths on the command line are relative to: `INIT_CWD` when set (`deno
 * task` and npm scripts run in the project root but put the directory the user typed the
 * command in there), else the process's working directory.
 */
export function userDir(): string {
  const init = Deno.env.get("INIT_CWD");
  return init && init.length > 0 ? init : Deno.cwd();
}

/**
 * A path the user typed, made usable from the process's working directory: absolute paths and
 * paths typed where the process runs are kept as typed; relative paths typed elsewhere (see
 * {@link userDir}) are resolved against that directory.
 *
 * @example
 * ```ts
 * import { userPath } from "./flags.ts";
 * if (userPath("/abs/x.onnx") !== "/abs/x.onnx") throw new Error("absolute paths are kept");
 * ```
 */
export function userPath(p: string): string {
  if (isAbsolute(p)) return p;
  const base = userDir();
  if (resolve(base) === resolve(Deno.cwd())) return p;
  return resolve(base, p);
}

function choicesOf(spec: FlagSpec): readonly string[] | undefined {
  return typeof spec.choices === "function" ? spec.choices() : spec.choices;
}

function listWords(words: readonly string[]): string {
  return words.length <= 1 ? words.join("") : `${words.slice(0, -1).join(", ")} or ${words.at(-1)}`;
}

/**
 * Check a value against a list of known names, with a "did you mean" in the error.
 *
 * @example
 * ```ts
 * import { checkChoice } from "./flags.ts";
 * try {
 *   checkChoice("burger1d", ["convection1d", "burgers1d"], "--suite");
 *   throw new Error("accepted");
 * } catch (e) {
 *   if (!String(e).includes("Did you mean burgers1d?")) throw e;
 * }
 * ```
 */
export function checkChoice(
  value: string,
  choices: readonly string[],
  field: string,
  what = "",
): void {
  if (choices.includes(value)) return;
  throw new ValueRangeError({
    field,
    expected: `${what}${listWords(choices)}`,
    found: JSON.stringify(value),
    hint: suggestion(value, choices) || undefined,
  });
}

/**
 * Parse `args` against a command's declaration: unknown flags are refused with the closest
 * declared one, `int` flags must be integers, `choices` are checked, `required` flags must be
 * present, defaults are applied and `path` values are resolved ({@link userPath}). Everything
 * throws `ValueRangeError` (exit code 2), before the command does any work.
 */
export function parseCommand<F extends FlagTable>(
  cmd: Command<F>,
  args: string[],
): { values: ValuesOf<F>; positionals: string[] } {
  const options: Record<string, { type: "string" | "boolean" }> = {};
  for (const [name, spec] of Object.entries(cmd.flags)) {
    options[name] = { type: spec.type === "boolean" ? "boolean" : "string" };
  }
  // First pass, lenient: find flags that are not declared, to name the closest declared one.
  const loose = parseArgs({ args, options, strict: false, tokens: true, allowPositionals: true });
  for (const t of loose.tokens ?? []) {
    if (t.kind !== "option" || t.name in options) continue;
    const typed = t.rawName;
    const names = Object.keys(options);
    throw new ValueRangeError({
      field: typed,
      expected: `a flag of emubench ${cmd.name} (emubench ${cmd.name} --help lists them)`,
      found: "an unknown flag",
      hint: suggestion(t.name, names, "--") || undefined,
    });
  }
  // Second pass, strict: values where they belong, nothing ambiguous (`--steps -3`).
  const { values: raw, positionals } = parseArgs({
    args,
    options,
    strict: true,
    allowPositionals: true,
  });
  const values: FlagValues = {};
  for (const [name, spec] of Object.entries(cmd.flags)) {
    const flag = `--${name}`;
    const v = (raw as Record<string, string | boolean | undefined>)[name];
    if (v === undefined) {
      if (spec.required) {
        throw new ValueRangeError({
          field: flag,
          expected: `${flagLabel(name, spec)} (${spec.meaning})`,
          found: "nothing",
          hint: `emubench ${cmd.name} --help shows how to call it`,
        });
      }
      values[name] = spec.type === "path" && typeof spec.default === "string"
        ? userPath(spec.default)
        : spec.default;
      continue;
    }
    if (spec.type === "boolean") {
      values[name] = v;
      continue;
    }
    const s = String(v);
    const choices = choicesOf(spec);
    if (choices) checkChoice(s, choices, flag);
    if (spec.type === "int") {
      const n = s.trim() === "" ? NaN : Number(s);
      if (!Number.isInteger(n)) {
        throw new ValueRangeError({
          field: flag,
          expected: "an integer",
          found: JSON.stringify(s),
        });
      }
      values[name] = n;
    } else values[name] = spec.type === "path" ? userPath(s) : s;
  }
  const p = cmd.positionals ?? { name: "", meaning: "", min: 0, max: 0 };
  if (positionals.length < p.min || positionals.length > p.max) {
    const expected = p.max === 0
      ? "no arguments besides flags"
      : p.min === p.max
      ? `${p.min} ${p.name}`
      : `${p.min}${p.max === Infinity ? " or more" : `–${p.max}`} ${p.name}`;
    throw new ValueRangeError({
      field: `emubench ${cmd.name}`,
      expected,
      found: positionals.length === 0
        ? "none"
        : positionals.map((x) => JSON.stringify(x)).join(" "),
      hint: `emubench ${cmd.name} --help shows how to call it`,
    });
  }
  return {
    values: values as ValuesOf<F>,
    positionals: p.paths ? positionals.map(userPath) : positionals,
  };
}

/** Width the help text is wrapped to. */
const HELP_WIDTH = 100;

/** Words of `text` in lines of at most `width` characters (a longer word gets its own line). */
function wrap(text: string, width: number): string[] {
  const out: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    if (line && line.length + 1 + word.length > width) {
      out.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  out.push(line);
  return out;
}

function flagLabel(name: string, spec: FlagSpec): string {
  if (spec.type === "boolean") return `--${name}`;
  const v = spec.value ?? (spec.type === "int" ? "N" : spec.type === "path" ? "PATH" : "VALUE");
  return `--${name} ${v}`;
}

/** The `--help` text of a command: usage, every flag with meaning and default, examples. */
export function formatHelp<F extends FlagTable>(cmd: Command<F>): string {
  const lines = [`emubench ${cmd.name}: ${cmd.summary}`, "", "Usage:"];
  for (const u of cmd.usage) lines.push(`  ${u}`);
  if (cmd.positionals && cmd.positionals.max > 0) {
    lines.push("", "Arguments:", `  ${cmd.positionals.name}  ${cmd.positionals.meaning}`);
  }
  lines.push("", "Flags:");
  const rows: [string, string][] = Object.entries(cmd.flags).map(([name, spec]) => {
    const choices = choicesOf(spec);
    const extra = [
      choices && spec.type !== "boolean" ? `one of ${choices.join(", ")}` : undefined,
      spec.required
        ? "required"
        : spec.defaultText !== undefined
        ? `default: ${spec.defaultText}`
        : spec.default !== undefined
        ? `default: ${spec.default}`
        : undefined,
    ].filter((x) => x !== undefined);
    return [
      flagLabel(name, spec),
      `${spec.meaning}${extra.length ? ` (${extra.join("; ")})` : ""}`,
    ];
  });
  rows.push(["-h, --help", "show this help"]);
  const w = Math.min(24, Math.max(...rows.map(([l]) => l.length)) + 2);
  for (const [l, m] of rows) {
    const text = wrap(m, HELP_WIDTH - 2 - w);
    const first = l.length + 2 > w
      ? [`  ${l}`, `  ${" ".repeat(w)}${text[0]}`]
      : [`  ${l.padEnd(w)}${text[0]}`];
    lines.push(...first, ...text.slice(1).map((t) => `  ${" ".repeat(w)}${t}`));
  }
  if (cmd.notes?.length) lines.push("", ...cmd.notes);
  lines.push("", "Examples:");
  for (const e of cmd.examples) lines.push(`  ${e}`);
  return lines.join("\n");
}

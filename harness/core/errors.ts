/**
 * Errors for bad input. Every message names the file, the field, what was expected and what
 * was found, so a user can fix the input without reading the source.
 *
 * The classes extend the built-ins the style guide asks for (`TypeError` for shape/dtype,
 * `RangeError` for out-of-range values, `SyntaxError` for malformed files), and carry
 * {@link InputErrorParts} so the CLI can map them to exit code 2.
 *
 * @example
 * ```ts
 * import { ShapeError } from "./errors.ts";
 * const e = new ShapeError({ file: "m.onnx", field: "input u", expected: "[B,1,1024]", found: "[B,1,512]" });
 * if (!e.message.includes("expected [B,1,1024]")) throw new Error("bad message");
 * ```
 * @module
 */

/** What went wrong, in the words the message is built from. */
export interface InputErrorParts {
  /** The file at fault, if any. */
  file?: string;
  /** The field, tensor, key or option at fault. */
  field?: string;
  /** What emubench expected. */
  expected?: string;
  /** What it found instead. */
  found?: string;
  /** Free text appended to the message (a hint on how to fix it). */
  hint?: string;
}

function compose(parts: InputErrorParts): string {
  const where = [parts.file, parts.field].filter((s) => s !== undefined && s !== "").join(": ");
  const what = [
    parts.expected !== undefined ? `expected ${parts.expected}` : undefined,
    parts.found !== undefined ? `found ${parts.found}` : undefined,
  ].filter((s) => s !== undefined).join(", ");
  const head = [where, what].filter((s) => s !== "").join(": ");
  return parts.hint ? `${head}${head ? ". " : ""}${parts.hint}` : head;
}

/** Wrong shape, rank or dtype of a tensor, or wrong type of a manifest value. */
export class ShapeError extends TypeError {
  /** The parts the message was built from. */
  readonly parts: InputErrorParts;
  /** Build the error from its parts. */
  constructor(parts: InputErrorParts) {
    super(compose(parts));
    this.name = "ShapeError";
    this.parts = parts;
  }
}

/** A value outside its allowed range (a negative step count, an unknown tier, ...). */
export class ValueRangeError extends RangeError {
  /** The parts the message was built from. */
  readonly parts: InputErrorParts;
  /** Build the error from its parts. */
  constructor(parts: InputErrorParts) {
    super(compose(parts));
    this.name = "ValueRangeError";
    this.parts = parts;
  }
}

/** A malformed or truncated file (not ONNX, bad JSON, short .npy, ...). */
export class FormatError extends SyntaxError {
  /** The parts the message was built from. */
  readonly parts: InputErrorParts;
  /** Build the error from its parts. */
  constructor(parts: InputErrorParts) {
    super(compose(parts));
    this.name = "FormatError";
    this.parts = parts;
  }
}

/** OS error codes that describe the user's files or disk, not a bug (full, read-only, ...). */
const OS_INPUT_CODES = new Set([
  "ENOSPC",
  "EDQUOT",
  "EROFS",
  "EFBIG",
  "ENAMETOOLONG",
  "EACCES",
  "EPERM",
  "ELOOP",
  "EISDIR",
  "ENOTDIR",
  "EEXIST",
  "ENOENT",
  "EXDEV",
  "EBUSY",
  "ENOTEMPTY",
]);

/**
 * True for errors caused by the user's input or environment (exit code 2), false for bugs.
 * Operating-system failures on the user's paths count as input: a missing file, a directory
 * where a file is expected (or the reverse), a permission refused, a full or read-only disk.
 * Deno's messages for these name the path (`mkdir '/x/site'`).
 */
export function isInputError(e: unknown): e is Error {
  if (e instanceof ShapeError || e instanceof ValueRangeError || e instanceof FormatError) {
    return true;
  }
  const deno = (globalThis as { Deno?: typeof Deno }).Deno;
  if (
    deno !== undefined && (
      e instanceof deno.errors.NotFound || e instanceof deno.errors.PermissionDenied ||
      e instanceof deno.errors.AlreadyExists || e instanceof deno.errors.IsADirectory ||
      e instanceof deno.errors.NotADirectory || e instanceof deno.errors.FilesystemLoop
    )
  ) {
    return true;
  }
  const code = (e as { code?: unknown })?.code;
  return typeof code === "string" && OS_INPUT_CODES.has(code);
}

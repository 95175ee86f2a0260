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

/** True for errors caused by the user's input (exit code 2), false for bugs. */
export function isInputError(e: unknown): e is ShapeError | ValueRangeError | FormatError {
  return e instanceof ShapeError || e instanceof ValueRangeError || e instanceof FormatError ||
    isNotFound(e);
}

/** A missing file under Deno (`Deno.errors.NotFound`); false where there is no `Deno` (browsers). */
function isNotFound(e: unknown): boolean {
  const deno = (globalThis as { Deno?: typeof Deno }).Deno;
  return deno !== undefined && e instanceof deno.errors.NotFound;
}

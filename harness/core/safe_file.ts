/**
 * Reading files that strangers hand us (submission graphs, manifests, data files, rules, result
 * files) without trusting them: the path is `lstat`ed **before** anything opens it, so a FIFO is
 * never opened (an `open` of a FIFO blocks until a writer appears), a device such as
 * `/dev/zero` is never read, a directory or a symbolic link is refused with an error naming the
 * path, and a file over the size cap is refused before a byte is read. With `root`, the file's
 * real path (all links resolved) must lie inside the real path of `root`.
 *
 * Errors never quote the content of a refused file: they name the path, the field (flag or
 * manifest key), what was expected and what kind of thing was found.
 *
 * @example
 * ```ts
 * import { readCheckedFile } from "./safe_file.ts";
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/a.txt`, "hello");
 * const bytes = await readCheckedFile(`${dir}/a.txt`, { maxBytes: 16, root: dir });
 * let refused = "";
 * try { await readCheckedFile(dir, { field: "--data" }); } catch (e) { refused = String(e); }
 * await Deno.remove(dir, { recursive: true });
 * if (bytes.length !== 5 || !refused.includes("--data") || !refused.includes("a directory")) {
 *   throw new Error(refused);
 * }
 * ```
 * @module
 */
import { relative, resolve, sep } from "node:path";
import { type InputErrorParts, ShapeError, ValueRangeError } from "./errors.ts";

/**
 * A missing input file: a `Deno.errors.NotFound` (so callers that treat "absent" as "not yet
 * written" keep working) whose message names the path, the field and what was expected.
 */
export class MissingFileError extends Deno.errors.NotFound {
  /** The parts the message was built from. */
  readonly parts: InputErrorParts;
  /** Build the error from its parts. */
  constructor(parts: InputErrorParts) {
    const where = [parts.file, parts.field].filter(Boolean).join(": ");
    super(`${where}: expected ${parts.expected}, found ${parts.found}`);
    this.name = "NotFound";
    this.parts = parts;
  }
}

/** Default cap for a file read whole into memory (4 GiB would not fit a typed array anyway). */
export const DEFAULT_MAX_BYTES = 2 ** 31 - 1;

/** Options of {@link checkRegularFile} and {@link readCheckedFile}. */
export interface CheckedFileOptions {
  /** The flag or manifest key the path came from (`--data`, `graphs.step`), for messages. */
  field?: string;
  /** The file that named the path (e.g. `emulator.json`), reported as the file at fault. */
  namedIn?: string;
  /** Largest size accepted, in bytes (default {@link DEFAULT_MAX_BYTES}). */
  maxBytes?: number;
  /** The real path of the file must be inside the real path of this directory. */
  root?: string;
  /** Follow a symbolic link at `path` itself (default false: refuse it). */
  followLinks?: boolean;
  /** What the path should be, for messages (default "a regular file"). */
  expected?: string;
}

/** A word for what an `lstat` result is ("a directory", "a FIFO", ...). */
export function describeKind(info: Deno.FileInfo): string {
  if (info.isFile) return "a regular file";
  if (info.isDirectory) return "a directory";
  if (info.isSymlink) return "a symbolic link";
  if (info.isFifo) return "a FIFO (named pipe)";
  if (info.isCharDevice) return "a character device";
  if (info.isBlockDevice) return "a block device";
  if (info.isSocket) return "a socket";
  return "not a regular file";
}

function where(path: string, o: CheckedFileOptions): { file: string; field?: string } {
  return o.namedIn !== undefined
    ? { file: o.namedIn, field: o.field ? `${o.field} (${path})` : path }
    : { file: path, ...(o.field ? { field: o.field } : {}) };
}

/** True when `inner` (a real path) is `outer` or lies below it. */
function isInside(outer: string, inner: string): boolean {
  const rel = relative(outer, inner);
  return rel !== "" && !rel.startsWith("..") && !rel.startsWith(sep) &&
    resolve(outer, rel) === inner;
}

/** The `lstat` (or `stat` with `followLinks`) of `path`, as an input error when it is missing. */
async function statInput(path: string, o: CheckedFileOptions): Promise<Deno.FileInfo> {
  try {
    return o.followLinks ? await Deno.stat(path) : await Deno.lstat(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) {
      throw new MissingFileError({
        ...where(path, o),
        expected: o.expected ?? "a regular file",
        found: "no such file",
      });
    }
    if (e instanceof Deno.errors.PermissionDenied) {
      throw new ShapeError({
        ...where(path, o),
        expected: o.expected ?? "a readable regular file",
        found: "permission denied",
      });
    }
    if (e instanceof Deno.errors.NotADirectory) {
      throw new ShapeError({
        ...where(path, o),
        expected: o.expected ?? "a regular file",
        found: "a path through something that is not a directory",
      });
    }
    throw e;
  }
}

/**
 * Check, without opening it, that `path` is a regular file (not a symbolic link unless
 * `followLinks`, not a directory, FIFO, device or socket), at most `maxBytes` long and, with
 * `root`, inside `root` after resolving links. Returns its `lstat` info; throws a `ShapeError`
 * (kind, place) or `ValueRangeError` (size) naming the path otherwise.
 */
export async function checkRegularFile(
  path: string,
  o: CheckedFileOptions = {},
): Promise<Deno.FileInfo> {
  const info = await statInput(path, o);
  if (!info.isFile) {
    throw new ShapeError({
      ...where(path, o),
      expected: o.expected ?? "a regular file",
      found: info.isSymlink ? "a symbolic link (not followed)" : describeKind(info),
    });
  }
  const max = o.maxBytes ?? DEFAULT_MAX_BYTES;
  if (info.size > max) {
    throw new ValueRangeError({
      ...where(path, o),
      expected: `a file of at most ${max} bytes`,
      found: `${info.size} bytes`,
    });
  }
  if (o.root !== undefined) {
    const [root, real] = await Promise.all([Deno.realPath(o.root), Deno.realPath(path)]);
    if (!isInside(root, real)) {
      throw new ShapeError({
        ...where(path, o),
        expected: `a file inside ${o.root}`,
        found: "a path that leads outside it (through a symbolic link or '..')",
      });
    }
  }
  return info;
}

/**
 * Read a whole file after {@link checkRegularFile}. The opened file is checked again (same
 * inode, still regular, still under the cap) so a swap between the check and the open is
 * caught; at most `maxBytes + 1` bytes are ever read.
 */
export async function readCheckedFile(
  path: string,
  o: CheckedFileOptions = {},
): Promise<Uint8Array> {
  const before = await checkRegularFile(path, o);
  const max = o.maxBytes ?? DEFAULT_MAX_BYTES;
  let file: Deno.FsFile;
  try {
    file = await Deno.open(path, { read: true });
  } catch (e) {
    if (e instanceof Deno.errors.PermissionDenied) {
      throw new ShapeError({
        ...where(path, o),
        expected: o.expected ?? "a readable regular file",
        found: "permission denied",
      });
    }
    throw e;
  }
  try {
    const after = await file.stat();
    if (!after.isFile || after.ino !== before.ino || after.dev !== before.dev) {
      throw new ShapeError({
        ...where(path, o),
        expected: o.expected ?? "a regular file",
        found: "a file that changed while it was opened",
      });
    }
    const size = Math.min(after.size, max + 1);
    const out = new Uint8Array(size);
    let at = 0;
    while (at < size) {
      const n = await file.read(out.subarray(at));
      if (n === null) break;
      at += n;
    }
    if (at > max || (at === size && (await file.read(new Uint8Array(1))) !== null)) {
      throw new ValueRangeError({
        ...where(path, o),
        expected: `a file of at most ${max} bytes`,
        found: "a file that grew while it was read",
      });
    }
    return at === size ? out : out.slice(0, at);
  } catch (e) {
    if (e instanceof Deno.errors.IsADirectory) {
      throw new ShapeError({
        ...where(path, o),
        expected: o.expected ?? "a regular file",
        found: "a directory",
      });
    }
    throw e;
  } finally {
    file.close();
  }
}

/**
 * {@link readCheckedFile} decoded as UTF-8 text; invalid UTF-8 is a `ShapeError` naming the
 * path (the bytes are not quoted).
 */
export async function readCheckedText(path: string, o: CheckedFileOptions = {}): Promise<string> {
  const bytes = await readCheckedFile(path, o);
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new ShapeError({
      ...where(path, o),
      expected: "UTF-8 text",
      found: `${bytes.length} bytes that are not valid UTF-8`,
    });
  }
}

/**
 * Check that `path` can be an output directory: absent (its parent is then created by the
 * writer), or an existing directory that is not a symbolic link. A regular file, FIFO, device
 * or link there is a `ShapeError` naming `field` (e.g. `--out`).
 */
export async function checkOutputDir(path: string, field = "--out"): Promise<void> {
  let info: Deno.FileInfo;
  try {
    info = await Deno.lstat(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return;
    if (e instanceof Deno.errors.NotADirectory) {
      throw new ShapeError({
        file: path,
        field,
        expected: "a directory (or a path where one can be made)",
        found: "a path through a file",
      });
    }
    throw e;
  }
  if (!info.isDirectory) {
    throw new ShapeError({
      file: path,
      field,
      expected: "a directory (or a path where one can be made)",
      found: info.isSymlink ? "a symbolic link" : describeKind(info),
    });
  }
}

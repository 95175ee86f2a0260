/**
 * NumPy `.npy` files (format versions 1.0, 2.0 and 3.0), read and written without NumPy.
 *
 * Layout (numpy.lib.format): the 6 magic bytes `\x93NUMPY`, a major and a minor version byte, the
 * header length (uint16 little-endian in 1.0, uint32 in 2.0 and 3.0), then the header: a Python
 * dict literal `{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }` padded with spaces and
 * ended by `\n` so that the data starts at a multiple of 64 bytes. The data follows, raw. Version
 * 3.0 only changes the header encoding from latin-1 to UTF-8.
 *
 * Reading accepts these dtypes (`descr`), either byte order:
 * - floats `f4`, `f8` → `Float32Array` / `Float64Array`;
 * - `f2` (half precision) → converted exactly to `Float32Array` (float16 ⊂ float32, including
 *   subnormals, ±inf and NaN);
 * - integers `i1 u1 i2 u2 i4 u4` → the matching typed array, `i8 u8` → `BigInt64Array` /
 *   `BigUint64Array`.
 * Big-endian data is byte-swapped to the host order. Any other dtype (bool, complex, strings,
 * structured records, objects) is refused with a {@link ShapeError}.
 *
 * Returned data is always in C (row-major) order: a Fortran-order file is transposed on read, and
 * `fortranOrder` only reports what the file said. The data must be exactly as long as the shape
 * requires: a short file is truncated, a longer one is corrupt, and both are {@link FormatError}s.
 *
 * Writing produces float32 little-endian (`<f4`) C-order version 1.0 files (2.0 only when the
 * header would not fit in 65535 bytes), atomically.
 * @module
 */
import { writeFileAtomic } from "../core/atomic.ts";
import { FormatError, ShapeError, ValueRangeError } from "../core/errors.ts";
import { readCheckedFile } from "../core/safe_file.ts";
import { float32LeBytes } from "../core/hash.ts";

/** Typed arrays `.npy` data is returned as. */
export type NpyData =
  | Float32Array
  | Float64Array
  | Int8Array
  | Uint8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | BigInt64Array
  | BigUint64Array;

/** A decoded `.npy` array. */
export interface NpyArray {
  /** The values in C order, host byte order. `f2` files come back as `Float32Array`. */
  data: NpyData;
  /** The file's `descr`, e.g. `"<f4"`, `">f8"`, `"<f2"`, `"|u1"`. */
  dtype: string;
  /** The array shape; `[]` for a scalar. */
  shape: number[];
  /** What the header said; `data` is in C order either way. */
  fortranOrder: boolean;
  /** Format version, `"1.0"`, `"2.0"` or `"3.0"`. */
  version: string;
}

const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // "\x93NUMPY"
const ALIGN = 64;

interface Kind {
  size: number;
  /** Typed-array constructor when the file bytes can be copied as-is (little-endian host). */
  native?: new (buffer: ArrayBuffer) => NpyData;
  read(view: DataView, offset: number, little: boolean, n: number): NpyData;
}

function kind<T extends NpyData>(
  size: number,
  make: (n: number) => T,
  get: (view: DataView, at: number, little: boolean) => number | bigint,
  native = true,
): Kind {
  return {
    size,
    native: native && LITTLE_ENDIAN_HOST
      ? make(0).constructor as new (buffer: ArrayBuffer) => NpyData
      : undefined,
    read(view, offset, little, n) {
      const out = make(n);
      const a = out as unknown as { [i: number]: number | bigint };
      for (let i = 0; i < n; i++) a[i] = get(view, offset + i * size, little);
      return out;
    },
  };
}

/** Exact IEEE 754 binary16 → number conversion. */
export function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 0x1f) return frac ? NaN : sign * Infinity;
  return sign * 2 ** (exp - 15) * (1 + frac / 1024);
}

const KINDS: Record<string, Kind> = {
  f2: kind(2, (n) => new Float32Array(n), (v, at, le) => halfToFloat(v.getUint16(at, le)), false),
  f4: kind(4, (n) => new Float32Array(n), (v, at, le) => v.getFloat32(at, le)),
  f8: kind(8, (n) => new Float64Array(n), (v, at, le) => v.getFloat64(at, le)),
  i1: kind(1, (n) => new Int8Array(n), (v, at) => v.getInt8(at)),
  u1: kind(1, (n) => new Uint8Array(n), (v, at) => v.getUint8(at)),
  i2: kind(2, (n) => new Int16Array(n), (v, at, le) => v.getInt16(at, le)),
  u2: kind(2, (n) => new Uint16Array(n), (v, at, le) => v.getUint16(at, le)),
  i4: kind(4, (n) => new Int32Array(n), (v, at, le) => v.getInt32(at, le)),
  u4: kind(4, (n) => new Uint32Array(n), (v, at, le) => v.getUint32(at, le)),
  i8: kind(8, (n) => new BigInt64Array(n), (v, at, le) => v.getBigInt64(at, le)),
  u8: kind(8, (n) => new BigUint64Array(n), (v, at, le) => v.getBigUint64(at, le)),
};

const SUPPORTED = "<f4 >f4 <f8 >f8 <f2 >f2, or integers |i1 |u1 <i2 <u2 <i4 <u4 <i8 <u8 (< or >)";

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join(" ");
}

function clip(s: string, n = 120): string {
  return s.length > n ? `${s.slice(0, n)}…` : s;
}

interface Header {
  descr: string;
  fortranOrder: boolean;
  shape: number[];
}

function parseHeader(text: string, name: string): Header {
  const bad = (what: string) =>
    new FormatError({
      file: name,
      field: "header",
      expected: `a dict literal with ${what}`,
      found: JSON.stringify(clip(text.trim())),
    });
  if (!text.trimStart().startsWith("{")) throw bad("'descr', 'fortran_order' and 'shape'");
  const key = (k: string) => `['"]${k}['"]\\s*:\\s*`;
  const structured = new RegExp(`${key("descr")}\\[`).exec(text);
  if (structured) {
    throw new ShapeError({
      file: name,
      field: "dtype",
      expected: SUPPORTED,
      found: "a structured (record) dtype",
    });
  }
  const descr = new RegExp(`${key("descr")}(?:'([^']*)'|"([^"]*)")`).exec(text);
  if (!descr) throw bad("a string 'descr'");
  const fortran = new RegExp(`${key("fortran_order")}(True|False)`).exec(text);
  if (!fortran) throw bad("'fortran_order': True or False");
  const shapeText = new RegExp(`${key("shape")}\\(([^)]*)\\)`).exec(text);
  if (!shapeText) throw bad("a tuple 'shape'");
  const parts = shapeText[1].split(",").map((s) => s.trim()).filter((s) => s !== "");
  const shape: number[] = [];
  for (const p of parts) {
    const m = /^(\d+)L?$/.exec(p); // Python 2 files may write long ints as `3L`.
    if (!m) throw bad(`non-negative integer dimensions (got ${JSON.stringify(p)})`);
    shape.push(Number(m[1]));
  }
  return { descr: descr[1] ?? descr[2], fortranOrder: fortran[1] === "True", shape };
}

/** C-order copy of an array stored in Fortran (column-major) order. */
function fortranToC<T extends NpyData>(data: T, shape: number[]): T {
  const rank = shape.length;
  if (rank < 2) return data;
  const out = new (data.constructor as new (n: number) => T)(data.length);
  const src = data as unknown as ArrayLike<number | bigint>;
  const dst = out as unknown as { [i: number]: number | bigint };
  const fStride: number[] = [];
  for (let d = 0, s = 1; d < rank; d++) {
    fStride.push(s);
    s *= shape[d];
  }
  const idx = new Array<number>(rank).fill(0);
  let f = 0; // Fortran offset of the current C-order index.
  for (let c = 0; c < out.length; c++) {
    dst[c] = src[f];
    for (let d = rank - 1; d >= 0; d--) {
      idx[d]++;
      f += fStride[d];
      if (idx[d] < shape[d]) break;
      f -= fStride[d] * shape[d];
      idx[d] = 0;
    }
  }
  return out;
}

/**
 * Decode `.npy` bytes. `nameForErrors` is used as the `file` of every error.
 *
 * @throws {FormatError} bad magic, unsupported version, malformed header, wrong data length.
 * @throws {ShapeError} unsupported dtype.
 *
 * @example
 * ```ts
 * import { encodeNpy, parseNpy } from "./npy.ts";
 * const bytes = encodeNpy(new Float32Array([1, 2, 3, 4, 5, 6]), [2, 3]);
 * const a = parseNpy(bytes, "mem.npy");
 * if (a.dtype !== "<f4" || a.shape.join() !== "2,3" || a.data[5] !== 6) throw new Error("npy");
 * ```
 */
export function parseNpy(bytes: Uint8Array, nameForErrors: string): NpyArray {
  const name = nameForErrors;
  const head = bytes.subarray(0, 6);
  if (bytes.length < 6 || MAGIC.some((b, i) => head[i] !== b)) {
    throw new FormatError({
      file: name,
      field: "magic",
      expected: "an .npy file starting with \\x93NUMPY (93 4e 55 4d 50 59)",
      found: bytes.length ? `${hex(bytes.subarray(0, 8))}` : "an empty file",
    });
  }
  if (bytes.length < 10) {
    throw new FormatError({
      file: name,
      field: "header",
      expected: "at least 10 bytes of preamble",
      found: `${bytes.length} bytes`,
    });
  }
  const major = bytes[6], minor = bytes[7];
  const version = `${major}.${minor}`;
  if (![1, 2, 3].includes(major) || minor !== 0) {
    throw new FormatError({
      file: name,
      field: "version",
      expected: "1.0, 2.0 or 3.0",
      found: version,
    });
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const pre = major === 1 ? 10 : 12;
  if (bytes.length < pre) {
    throw new FormatError({
      file: name,
      field: "header",
      expected: `at least ${pre} bytes of preamble`,
      found: `${bytes.length} bytes`,
    });
  }
  const headerLen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  if (pre + headerLen > bytes.length) {
    throw new FormatError({
      file: name,
      field: "header",
      expected: `${headerLen} header bytes`,
      found: `${bytes.length - pre} bytes after the preamble`,
    });
  }
  const text = new TextDecoder(major === 3 ? "utf-8" : "latin1").decode(
    bytes.subarray(pre, pre + headerLen),
  );
  const header = parseHeader(text, name);
  const m = /^([<>|=])([a-zA-Z])(\d+)$/.exec(header.descr);
  const k = m ? KINDS[`${m[2]}${m[3]}`] : undefined;
  // '|' (no byte order) only makes sense for one-byte types; '=' is never written by NumPy.
  if (!m || !k || m[1] === "=" || (m[1] === "|" && k.size !== 1)) {
    throw new ShapeError({
      file: name,
      field: "dtype",
      expected: SUPPORTED,
      found: JSON.stringify(header.descr),
    });
  }
  const count = header.shape.reduce((a, b) => a * b, 1);
  const need = count * k.size;
  const start = pre + headerLen;
  const have = bytes.length - start;
  if (have !== need) {
    throw new FormatError({
      file: name,
      field: "data",
      expected: `${need} bytes for shape [${header.shape.join(", ")}] of ${header.descr}`,
      found: `${have} bytes${have < need ? " (truncated file)" : " (trailing bytes)"}`,
    });
  }
  const little = m[1] !== ">";
  let data = little && k.native
    ? new k.native(bytes.slice(start, start + need).buffer)
    : k.read(view, start, little, count);
  if (header.fortranOrder) data = fortranToC(data, header.shape);
  return {
    data,
    dtype: header.descr,
    shape: header.shape,
    fortranOrder: header.fortranOrder,
    version,
  };
}

/**
 * Read a `.npy` file. See the module notes for accepted dtypes and orders.
 *
 * @throws {Deno.errors.NotFound} the file does not exist.
 * @throws {FormatError | ShapeError} as {@link parseNpy}.
 *
 * @example
 * ```ts
 * import { readNpy, writeNpy } from "./npy.ts";
 * const path = `${await Deno.makeTempDir()}/a.npy`;
 * await writeNpy(path, new Float32Array([0.5, -1]), [2]);
 * const a = await readNpy(path);
 * if (a.data[1] !== -1 || a.shape[0] !== 2) throw new Error("round trip");
 * ```
 */
export async function readNpy(path: string): Promise<NpyArray> {
  return parseNpy(
    await readCheckedFile(path, { followLinks: true, expected: "a .npy file" }),
    path,
  );
}

function shapeRepr(shape: readonly number[]): string {
  if (shape.length === 1) return `(${shape[0]},)`;
  return `(${shape.join(", ")})`;
}

/**
 * The `.npy` header (magic, version, dict, padding) of a little-endian float32 C-order array of
 * `shape`, to stream the data after it (e.g. arrays larger than memory).
 *
 * @example
 * ```ts
 * import { encodeNpy, encodeNpyHeader } from "./npy.ts";
 * const h = encodeNpyHeader([2, 3]);
 * if (h.length % 64 !== 0 || h.length !== encodeNpy(new Float32Array(6), [2, 3]).length - 24) {
 *   throw new Error("aligned header");
 * }
 * ```
 */
export function encodeNpyHeader(shape: readonly number[]): Uint8Array {
  const dict = `{'descr': '<f4', 'fortran_order': False, 'shape': ${shapeRepr(shape)}, }`;
  let pre = 10;
  let total = Math.ceil((pre + dict.length + 1) / ALIGN) * ALIGN;
  if (total - pre > 0xffff) {
    pre = 12;
    total = Math.ceil((pre + dict.length + 1) / ALIGN) * ALIGN;
  }
  const headerLen = total - pre;
  const header = dict + " ".repeat(headerLen - dict.length - 1) + "\n";
  const out = new Uint8Array(total);
  out.set(MAGIC, 0);
  out[6] = pre === 10 ? 1 : 2;
  out[7] = 0;
  const view = new DataView(out.buffer);
  if (pre === 10) view.setUint16(8, headerLen, true);
  else view.setUint32(8, headerLen, true);
  for (let i = 0; i < header.length; i++) out[pre + i] = header.charCodeAt(i);
  return out;
}

/**
 * Encode a float32 array as `.npy` bytes: `<f4`, C order, version 1.0 (2.0 if the header is
 * longer than 65535 bytes), header padded with spaces and `\n` so the data starts at a multiple
 * of 64 bytes.
 *
 * @throws {ShapeError} `shape` does not hold `data.length` elements.
 *
 * @example
 * ```ts
 * import { encodeNpy } from "./npy.ts";
 * const b = encodeNpy(new Float32Array(6), [2, 3]);
 * if (b.length !== 128 + 24) throw new Error(String(b.length));
 * ```
 */
export function encodeNpy(
  data: Float32Array,
  shape: readonly number[],
  nameForErrors = "<memory>",
): Uint8Array {
  if (shape.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new ValueRangeError({
      file: nameForErrors,
      field: "shape",
      expected: "non-negative integer dimensions",
      found: `[${shape.join(", ")}]`,
    });
  }
  const count = shape.reduce((a, b) => a * b, 1);
  if (count !== data.length) {
    throw new ShapeError({
      file: nameForErrors,
      field: "shape",
      expected: `a shape holding ${data.length} elements`,
      found: `[${shape.join(", ")}] (${count} elements)`,
    });
  }
  const header = encodeNpyHeader(shape);
  const out = new Uint8Array(header.length + data.length * 4);
  out.set(header, 0);
  out.set(float32LeBytes(data), header.length);
  return out;
}

/**
 * Write a float32 array as a `.npy` file (see {@link encodeNpy}), atomically.
 *
 * @example
 * ```ts
 * import { writeNpy } from "./npy.ts";
 * const path = `${await Deno.makeTempDir()}/traj.npy`;
 * await writeNpy(path, new Float32Array(2 * 3 * 1 * 4), [2, 3, 1, 4]);
 * if ((await Deno.stat(path)).size !== 128 + 96) throw new Error("size");
 * ```
 */
export async function writeNpy(
  path: string,
  data: Float32Array,
  shape: readonly number[],
): Promise<void> {
  await writeFileAtomic(path, encodeNpy(data, shape, path));
}

import assert from "node:assert/strict";
import { FormatError, ShapeError, ValueRangeError } from "../core/errors.ts";
import { encodeNpy, halfToFloat, parseNpy, readNpy, writeNpy } from "./npy.ts";

/** Assert `fn` throws `cls` and that the message contains every fragment. */
function assertInputError(
  fn: () => unknown,
  cls: typeof FormatError | typeof ShapeError | typeof ValueRangeError,
  fragments: string[],
): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof cls, `expected ${cls.name}, got ${e}`);
    for (const f of fragments) {
      assert.ok((e as Error).message.includes(f), `"${f}" missing in: ${e}`);
    }
    return true;
  });
}

/** Build an .npy by hand, following numpy.lib.format, with no padding rules of our own. */
function build(header: string, data: Uint8Array, major = 1): Uint8Array {
  const pre = major === 1 ? 10 : 12;
  const h = new TextEncoder().encode(header);
  const out = new Uint8Array(pre + h.length + data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, major, 0]);
  const v = new DataView(out.buffer);
  if (major === 1) v.setUint16(8, h.length, true);
  else v.setUint32(8, h.length, true);
  out.set(h, pre);
  out.set(data, pre + h.length);
  return out;
}

function b64(s: string): Uint8Array {
  return Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
}

Deno.test("encodeNpy writes the header byte for byte as the NPY 1.0 spec lays it out", () => {
  const bytes = encodeNpy(new Float32Array([0, 1, 2, 3, 4, 5]), [2, 3]);
  // Preamble: magic "\x93NUMPY", version 1.0, header length as uint16 LE.
  const dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }";
  // 10 + HEADER_LEN must be a multiple of 64: 10 + 60 + 1 = 71 -> 128, so HEADER_LEN = 118.
  const headerLen = 118;
  const expected = [0x93, ...new TextEncoder().encode("NUMPY"), 1, 0, headerLen & 0xff, 0];
  expected.push(...new TextEncoder().encode(dict + " ".repeat(headerLen - dict.length - 1) + "\n"));
  // Data: 0..5 as little-endian float32 (0x3F800000 = 1, 0x40000000 = 2, ...).
  expected.push(...new Uint8Array(new Float32Array([0, 1, 2, 3, 4, 5]).buffer));
  assert.deepEqual([...bytes], expected);
  assert.equal(bytes.length, 128 + 24);
  assert.equal(bytes[127], 0x0a); // header ends with "\n" just before the aligned data
  // Same bytes as `np.save(f, np.arange(6, dtype="<f4").reshape(2, 3))` with NumPy 2.4.
  const fromNumpy =
    "k05VTVBZAQB2AHsnZGVzY3InOiAnPGY0JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzog" +
    "KDIsIDMpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAg" +
    "ICAgICAgIAoAAAAAAACAPwAAAEAAAEBAAACAQAAAoEA=";
  assert.deepEqual([...bytes], [...b64(fromNumpy)]);
});

Deno.test("encodeNpy writes 1-D and scalar shapes as Python tuples", () => {
  const text = (b: Uint8Array) => new TextDecoder("latin1").decode(b.subarray(10, 70));
  assert.ok(text(encodeNpy(new Float32Array(3), [3])).includes("'shape': (3,), }"));
  assert.ok(text(encodeNpy(new Float32Array(1), [])).includes("'shape': (), }"));
  for (const shape of [[3], [], [2, 0, 5], [1, 2, 3, 4, 5, 6, 7]]) {
    const n = shape.reduce((a, b) => a * b, 1);
    assert.equal(encodeNpy(new Float32Array(n), shape).length % 64, (n * 4) % 64);
  }
});

Deno.test("writeNpy / readNpy round-trip exact float32 bits, including NaN and ±inf", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const data = new Float32Array([0, -0, 1.5, -3.25e-39, 3.4028235e38, Infinity, -Infinity, NaN]);
    const path = `${dir}/sub/a.npy`;
    await writeNpy(path, data, [2, 1, 4]);
    const back = await readNpy(path);
    assert.equal(back.dtype, "<f4");
    assert.equal(back.version, "1.0");
    assert.equal(back.fortranOrder, false);
    assert.deepEqual(back.shape, [2, 1, 4]);
    assert.ok(back.data instanceof Float32Array);
    assert.deepEqual(
      [...new Uint32Array(back.data.buffer)],
      [...new Uint32Array(data.buffer)],
    );
    // No temporary files are left beside the target.
    assert.deepEqual([...Deno.readDirSync(`${dir}/sub`)].map((e) => e.name), ["a.npy"]);
    await writeNpy(`${dir}/empty.npy`, new Float32Array(0), [0, 3]);
    assert.deepEqual((await readNpy(`${dir}/empty.npy`)).shape, [0, 3]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("parseNpy reads NumPy-written big-endian float64 and Fortran-order files in C order", () => {
  // np.save(f, np.asfortranarray(np.arange(6, dtype=">f8").reshape(2, 3)))
  const f8 = parseNpy(
    b64(
      "k05VTVBZAQB2AHsnZGVzY3InOiAnPmY4JywgJ2ZvcnRyYW5fb3JkZXInOiBUcnVlLCAnc2hhcGUnOiAoMiwg" +
        "MyksIH0gICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAg" +
        "IAoAAAAAAAAAAEAIAAAAAAAAP/AAAAAAAABAEAAAAAAAAEAAAAAAAAAAQBQAAAAAAAA=",
    ),
    "f8.npy",
  );
  assert.equal(f8.dtype, ">f8");
  assert.equal(f8.fortranOrder, true);
  assert.ok(f8.data instanceof Float64Array);
  assert.deepEqual([...f8.data], [0, 1, 2, 3, 4, 5]);
  // np.save(f, np.arange(24, dtype="<i4").reshape(2, 3, 4).copy(order="F"))
  const i4 = parseNpy(
    b64(
      "k05VTVBZAQB2AHsnZGVzY3InOiAnPGk0JywgJ2ZvcnRyYW5fb3JkZXInOiBUcnVlLCAnc2hhcGUnOiAoMiwg" +
        "MywgNCksIH0gICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAg" +
        "IAoAAAAADAAAAAQAAAAQAAAACAAAABQAAAABAAAADQAAAAUAAAARAAAACQAAABUAAAACAAAADgAAAAYAAAAS" +
        "AAAACgAAABYAAAADAAAADwAAAAcAAAATAAAACwAAABcAAAA=",
    ),
    "i4.npy",
  );
  assert.ok(i4.data instanceof Int32Array);
  assert.deepEqual([...i4.data], Array.from({ length: 24 }, (_, i) => i));
});

Deno.test("parseNpy reads format versions 2.0 and 3.0 and big-endian float32", () => {
  const be = new Uint8Array(8);
  new DataView(be.buffer).setFloat32(0, 1.5, false);
  new DataView(be.buffer).setFloat32(4, -2, false);
  const h = "{'descr': '>f4', 'fortran_order': False, 'shape': (2,), }\n";
  for (const major of [1, 2, 3]) {
    const a = parseNpy(build(h, be, major), `v${major}.npy`);
    assert.equal(a.version, `${major}.0`);
    assert.ok(a.data instanceof Float32Array);
    assert.deepEqual([...a.data], [1.5, -2]);
  }
  // Python 2 long-int dimensions and double-quoted keys are accepted too.
  const py2 = parseNpy(
    build('{"descr": "<f4", "fortran_order": False, "shape": (1L, 2L), }\n', new Uint8Array(8)),
    "py2.npy",
  );
  assert.deepEqual(py2.shape, [1, 2]);
});

Deno.test("float16 data is converted exactly to float32", () => {
  // [bits, value] from the IEEE 754 binary16 definition.
  const cases: [number, number][] = [
    [0x3c00, 1],
    [0xc000, -2],
    [0x3555, 0.333251953125], // 1365/4096
    [0x0001, 2 ** -24], // smallest subnormal
    [0x03ff, 1023 * 2 ** -24], // largest subnormal
    [0x0400, 2 ** -14], // smallest normal
    [0x7bff, 65504], // largest finite
    [0x7c00, Infinity],
    [0xfc00, -Infinity],
    [0x0000, 0],
  ];
  for (const little of [true, false]) {
    const raw = new Uint8Array((cases.length + 2) * 2);
    const v = new DataView(raw.buffer);
    cases.forEach(([bits], i) => v.setUint16(2 * i, bits, little));
    v.setUint16(2 * cases.length, 0x7e00, little); // quiet NaN
    v.setUint16(2 * cases.length + 2, 0x8000, little); // -0
    const descr = little ? "<f2" : ">f2";
    const a = parseNpy(
      build(
        `{'descr': '${descr}', 'fortran_order': False, 'shape': (${cases.length + 2},), }\n`,
        raw,
      ),
      "half.npy",
    );
    assert.equal(a.dtype, descr);
    assert.ok(a.data instanceof Float32Array);
    cases.forEach(([bits, value], i) => assert.equal(a.data[i], value, `0x${bits.toString(16)}`));
    assert.ok(Number.isNaN(a.data[cases.length]));
    assert.ok(Object.is(a.data[cases.length + 1], -0));
  }
  assert.equal(halfToFloat(0x3c01), 1 + 2 ** -10);
});

Deno.test("parseNpy reads integer dtypes", () => {
  const raw = new Uint8Array([
    1,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0xff,
    0xff,
    0xff,
    0xff,
    0xff,
    0xff,
    0xff,
    0xff,
  ]);
  const i8 = parseNpy(
    build("{'descr': '<i8', 'fortran_order': False, 'shape': (2,), }\n", raw),
    "x",
  );
  assert.deepEqual([...(i8.data as BigInt64Array)], [1n, -1n]);
  const u1 = parseNpy(
    build("{'descr': '|u1', 'fortran_order': False, 'shape': (2,), }\n", raw.subarray(7, 9)),
    "x",
  );
  assert.deepEqual([...u1.data], [0, 255]);
  const i2 = parseNpy(
    build("{'descr': '>i2', 'fortran_order': False, 'shape': (1,), }\n", raw.subarray(7, 9)),
    "x",
  );
  assert.deepEqual([...i2.data], [255]);
});

Deno.test("bad magic is a FormatError naming the file", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/not.npy`;
    await Deno.writeTextFile(path, "PK\x03\x04 this is a zip, not an npy");
    await assert.rejects(() => readNpy(path), (e: unknown) => {
      assert.ok(e instanceof FormatError);
      for (const f of [path, "magic", "expected", "\\x93NUMPY", "found 50 4b 03 04"]) {
        assert.ok(e.message.includes(f), `${f} in ${e.message}`);
      }
      return true;
    });
    assertInputError(() => parseNpy(new Uint8Array(0), "e.npy"), FormatError, [
      "e.npy: magic",
      "found an empty file",
    ]);
    await assert.rejects(() => readNpy(`${dir}/missing.npy`), Deno.errors.NotFound);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("truncated and over-long data are FormatErrors with expected and found byte counts", () => {
  const full = encodeNpy(new Float32Array(6), [2, 3]);
  assertInputError(() => parseNpy(full.subarray(0, full.length - 5), "t.npy"), FormatError, [
    "t.npy: data",
    "expected 24 bytes for shape [2, 3] of <f4",
    "found 19 bytes (truncated file)",
  ]);
  const longer = new Uint8Array(full.length + 4);
  longer.set(full);
  assertInputError(() => parseNpy(longer, "l.npy"), FormatError, [
    "l.npy: data",
    "expected 24 bytes",
    "found 28 bytes (trailing bytes)",
  ]);
  assertInputError(() => parseNpy(full.subarray(0, 60), "h.npy"), FormatError, [
    "h.npy: header",
    "expected 118 header bytes",
    "found 50 bytes",
  ]);
  assertInputError(() => parseNpy(full.subarray(0, 8), "p.npy"), FormatError, [
    "p.npy: header",
    "expected at least 10 bytes",
    "found 8 bytes",
  ]);
});

Deno.test("unsupported dtypes are ShapeErrors; bad versions and headers are FormatErrors", () => {
  const raw = new Uint8Array(16);
  for (const descr of ["<c8", "|b1", "<U4", "|f4", "=f4", "|O"]) {
    assertInputError(
      () =>
        parseNpy(
          build(`{'descr': '${descr}', 'fortran_order': False, 'shape': (2,), }\n`, raw),
          "d.npy",
        ),
      ShapeError,
      ["d.npy: dtype", "expected <f4 >f4 <f8 >f8 <f2 >f2", `found "${descr}"`],
    );
  }
  assertInputError(
    () =>
      parseNpy(
        build("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (2,), }\n", raw),
        "s.npy",
      ),
    ShapeError,
    ["s.npy: dtype", "expected", "found a structured (record) dtype"],
  );
  const v4 = build(
    "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }\n",
    raw.subarray(0, 4),
  );
  v4[6] = 4;
  assertInputError(() => parseNpy(v4, "v.npy"), FormatError, [
    "v.npy: version",
    "expected 1.0, 2.0 or 3.0",
    "found 4.0",
  ]);
  assertInputError(
    () => parseNpy(build("{'descr': '<f4', 'fortran_order': False}\n", raw), "m.npy"),
    FormatError,
    ["m.npy: header", "expected a dict literal with a tuple 'shape'", "found"],
  );
  assertInputError(
    () => parseNpy(build("{'descr': '<f4', 'fortran_order': 0, 'shape': (2,)}\n", raw), "m.npy"),
    FormatError,
    ["m.npy: header", "'fortran_order': True or False", "found"],
  );
  assertInputError(
    () =>
      parseNpy(build("{'descr': '<f4', 'fortran_order': False, 'shape': (-2,)}\n", raw), "m.npy"),
    FormatError,
    ["m.npy: header", "non-negative integer dimensions", 'found "{'],
  );
});

Deno.test("writeNpy refuses a shape that does not match the data", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/w.npy`;
    await assert.rejects(() => writeNpy(path, new Float32Array(5), [2, 3]), (e: unknown) => {
      assert.ok(e instanceof ShapeError);
      for (
        const f of [
          path,
          "shape",
          "expected a shape holding 5 elements",
          "found [2, 3] (6 elements)",
        ]
      ) {
        assert.ok(e.message.includes(f), `${f} in ${e.message}`);
      }
      return true;
    });
    assertInputError(() => encodeNpy(new Float32Array(0), [-1, 0]), ValueRangeError, [
      "<memory>: shape",
      "expected non-negative integer dimensions",
      "found [-1, 0]",
    ]);
    await assert.rejects(() => Deno.stat(path), Deno.errors.NotFound);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

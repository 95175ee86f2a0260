import assert from "node:assert/strict";
import { float32LeBytes, sha256Float32, sha256Hex } from "./hash.ts";

// FIPS 180-2 appendix B test vectors.
Deno.test("sha256Hex matches the FIPS 180-2 vectors", async () => {
  const enc = new TextEncoder();
  assert.deepEqual(
    await sha256Hex(enc.encode("abc")),
    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
  );
  assert.deepEqual(
    await sha256Hex(enc.encode("")),
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
  );
  assert.deepEqual(
    await sha256Hex(enc.encode("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")),
    "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
  );
});

Deno.test("sha256Hex hashes only a view's bytes, and accepts an ArrayBuffer", async () => {
  const buf = new TextEncoder().encode("xxabcxx");
  const view = buf.subarray(2, 5);
  const abc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
  assert.deepEqual(await sha256Hex(view), abc);
  assert.deepEqual(await sha256Hex(view.slice().buffer), abc);
  assert.deepEqual(await sha256Hex(new DataView(buf.buffer, 2, 3)), abc);
});

Deno.test("float32 arrays hash by their little-endian bytes", async () => {
  // 1.0f = 0x3F800000, -2.0f = 0xC0000000 (IEEE 754 binary32).
  const v = new Float32Array([1, -2]);
  assert.deepEqual([...float32LeBytes(v)], [0, 0, 0x80, 0x3f, 0, 0, 0, 0xc0]);
  assert.deepEqual(
    await sha256Float32(v),
    await sha256Hex(new Uint8Array([0, 0, 0x80, 0x3f, 0, 0, 0, 0xc0])),
  );
  // A subarray hashes its own elements only.
  const big = new Float32Array([9, 1, -2, 9]);
  assert.deepEqual(await sha256Float32(big.subarray(1, 3)), await sha256Float32(v));
});

Deno.test("sha256Sync equals WebCrypto for lengths around the block edges and for text", async () => {
  const { sha256HexSync, sha256Base64Sync } = await import("./hash.ts");
  const { createHash } = await import("node:crypto");
  for (const n of [0, 1, 3, 55, 56, 57, 63, 64, 65, 119, 120, 1000, 100_003]) {
    const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 131 + n) & 255);
    assert.equal(sha256HexSync(bytes), await sha256Hex(bytes), `length ${n}`);
  }
  const text = "console.log('é ∑ 😀')";
  assert.equal(sha256Base64Sync(text), createHash("sha256").update(text).digest("base64"));
});

Deno.test("Sha256 fed in pieces equals WebCrypto on the whole, for any split", async () => {
  const { Sha256 } = await import("./hash.ts");
  for (const n of [0, 1, 55, 56, 63, 64, 65, 119, 120, 128, 1000, 4099]) {
    const a = Uint8Array.from({ length: n }, (_, i) => (i * 2654435761) >>> 24);
    const want = await sha256Hex(a);
    for (const cuts of [[], [1], [63, 64], [7, 70, 71], [n >> 1]]) {
      const h = new Sha256();
      let at = 0;
      for (const c of [...cuts.filter((c) => c <= n), n]) {
        h.update(a.subarray(at, Math.max(at, c)));
        at = Math.max(at, c);
      }
      const got = h.hex();
      if (got !== want) throw new Error(`n ${n}, cuts ${cuts}: ${got} vs ${want}`);
    }
  }
});

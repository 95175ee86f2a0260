import assert from "node:assert/strict";
import { writeFileAtomic } from "./atomic.ts";

Deno.test("writeFileAtomic: the data is flushed (fdatasync) before the rename, and no temporary is left", async () => {
  const dir = await Deno.makeTempDir({ prefix: "emubench-atomic-" });
  const path = `${dir}/sub/a.json`;
  const proto = Deno.FsFile.prototype;
  const original = proto.syncData;
  const seen: { targetExists: boolean }[] = [];
  proto.syncData = async function (this: Deno.FsFile) {
    seen.push({ targetExists: await Deno.stat(path).then(() => true, () => false) });
    return await original.call(this);
  };
  try {
    const text = "x".repeat(200_000); // more than one write() may take
    await writeFileAtomic(path, text);
    assert.equal(seen.length, 1, "syncData calls");
    assert.equal(seen[0].targetExists, false, "flushed before the rename");
    assert.equal(await Deno.readTextFile(path), text);
    await writeFileAtomic(path, new Uint8Array([1, 2, 3]));
    assert.equal(seen.length, 2);
    assert.deepEqual(await Deno.readFile(path), new Uint8Array([1, 2, 3]));
    const names = [];
    for await (const e of Deno.readDir(`${dir}/sub`)) names.push(e.name);
    assert.deepEqual(names, ["a.json"]);
  } finally {
    proto.syncData = original;
    await Deno.remove(dir, { recursive: true });
  }
});

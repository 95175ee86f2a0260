import assert from "node:assert/strict";
import { join } from "node:path";
import { filesUnder } from "../../fixtures/files.ts";
import { type CacheCurrent, planCachePrune, removePruned } from "./cache_prune.ts";
import { isInputError } from "../core/errors.ts";

const CUR = "features-0123456789abcdef", OLD = "features-fedcba9876543210";

/** A features file: `magic`, then `n` more bytes. */
function featureBytes(magic: string, n: number): Uint8Array {
  const b = new Uint8Array(8 + n).fill(7);
  b.set(new TextEncoder().encode(magic));
  return b;
}

/** Write `bytes` at `dir/rel`, making its folders. */
async function put(dir: string, rel: string, bytes: Uint8Array | string): Promise<void> {
  const path = join(dir, rel);
  await Deno.mkdir(join(path, ".."), { recursive: true });
  if (typeof bytes === "string") await Deno.writeTextFile(path, bytes);
  else await Deno.writeFile(path, bytes);
}

/** The suite "toy" at version 2, tag -p0000abcd, whose requests read the layout CUR only. */
const current: CacheCurrent = new Map([
  ["toy", {
    version: "2",
    tag: "-p0000abcd",
    features: (r: { seed: number; ics: number; steps: number }) =>
      new Set(r.steps === 5 ? [CUR] : []),
  }],
]);

/** A cache with things of each kind to remove and to keep; returns the files kept. */
async function populate(dir: string): Promise<string[]> {
  const entry = "toy/v2/seed1-n2-t5-p0000abcd.zarr", other = "toy/v2/seed3-n1-t7-p0000abcd.zarr";
  const keep: Record<string, Uint8Array | string> = {
    [`${entry}/zarr.json`]: "{}",
    [`${entry}/reference/c/0/0/0`]: new Uint8Array(64),
    [`${entry}/features/${CUR}.bin`]: featureBytes("EBFEAT02", 40),
    [`${entry}/features/${OLD}.bin.tmp-1-0123abcd`]: featureBytes("EBFEAT02", 8), // a writer's
    [`${entry}/features/notes.txt`]: "not a features file name",
    [`${other}/zarr.json`]: "{}",
    "toy/v2/spinup/base-seed1-00000000.f64": new Uint8Array(16), // the suite's own
    "toy/v2/readme.txt": "not an entry",
    "toy/vendor/x": "not a version folder",
    "toy/other/x": "not a version folder either",
    "user_suite/v1/seed1-n2-t5.zarr/features/f.bin": featureBytes("EBFEAT01", 8), // not named
    "frontier/toy/2/smoke/solver_2x.wasm.0123456789abcdef.json": "{}",
    "frontier/user_suite/0/smoke/a.json": "{}",
  };
  const remove: Record<string, Uint8Array | string> = {
    [`${entry}/features/${OLD}.bin`]: featureBytes("EBFEAT02", 24), // another layout
    [`${other}/features/${CUR}.bin`]: featureBytes("EBFEAT02", 8), // not a layout of T = 7
    "toy/v1/seed1-n2-t5-p0000abcd.zarr/zarr.json": "{}", // an old version
    "toy/v1/seed1-n2-t5-p0000abcd.zarr/reference/c/0/0/0": new Uint8Array(100),
    "toy/v2/seed1-n2-t5-p99999999.zarr/zarr.json": "{}", // another physics tag
    "toy/v2/seed1-n2-t5.zarr/zarr.json": "{}", // no physics tag
    "frontier/toy/1/smoke/solver_2x.wasm.0123456789abcdef.json": "{}", // an old version's timing
    // The current layout in the older format (no digest).
    [`toy/v2/seed3-n1-t5-p0000abcd.zarr/features/${CUR}.bin`]: featureBytes("EBFEAT01", 8),
  };
  for (const [rel, b] of [...Object.entries(keep), ...Object.entries(remove)]) {
    await put(dir, rel, b);
  }
  return Object.keys(keep).sort();
}

Deno.test("planCachePrune lists exactly what the current code never reads, with its bytes; removePruned removes exactly that", async () => {
  const dir = await Deno.makeTempDir({ prefix: "prune_" });
  try {
    const keep = await populate(dir);
    const before = await filesUnder(dir);
    const plan = await planCachePrune(dir, current);
    const got = plan.map((i) => [i.path.slice(dir.length + 1), i.kind, i.bytes]);
    assert.deepEqual(
      got.sort(),
      [
        ["frontier/toy/1", "frontier", 2],
        ["toy/v1", "version", 102],
        [`toy/v2/seed1-n2-t5-p0000abcd.zarr/features/${OLD}.bin`, "features", 32],
        ["toy/v2/seed1-n2-t5-p99999999.zarr", "entry", 2],
        ["toy/v2/seed1-n2-t5.zarr", "entry", 2],
        [`toy/v2/seed3-n1-t5-p0000abcd.zarr/features/${CUR}.bin`, "features", 16],
        [`toy/v2/seed3-n1-t7-p0000abcd.zarr/features/${CUR}.bin`, "features", 16],
      ].sort(),
    );
    assert.deepEqual(await filesUnder(dir), before, "a plan changes nothing");
    const { removed, bytes } = await removePruned(plan);
    assert.equal(removed.length, plan.length);
    assert.equal(bytes, 2 + 102 + 32 + 2 + 2 + 16 + 16);
    const after = await filesUnder(dir);
    assert.deepEqual(after, keep);
    // Nothing left to remove; nothing renamed aside left behind.
    assert.deepEqual(await planCachePrune(dir, current), []);
    assert.ok(!after.some((f) => f.includes(".pruning-")), after.join("\n"));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("removePruned puts back a current-layout file a run rewrote in the current format after the plan", async () => {
  const dir = await Deno.makeTempDir({ prefix: "prune_" });
  try {
    const path = join(dir, `toy/v2/seed1-n2-t5-p0000abcd.zarr/features/${CUR}.bin`);
    await put(dir, "toy/v2/seed1-n2-t5-p0000abcd.zarr/zarr.json", "{}");
    await put(dir, path.slice(dir.length + 1), featureBytes("EBFEAT01", 8));
    const plan = await planCachePrune(dir, current);
    assert.equal(plan.length, 1);
    // A run of the current code replaces it (atomically, as its writer does) before the removal.
    await Deno.writeFile(`${path}.new`, featureBytes("EBFEAT02", 40));
    await Deno.rename(`${path}.new`, path);
    const { removed } = await removePruned(plan);
    assert.deepEqual(removed, []);
    assert.equal((await Deno.readFile(path)).length, 48, "the new file is in place");
    assert.deepEqual(await filesUnder(join(dir, "toy/v2/seed1-n2-t5-p0000abcd.zarr/features")), [
      `${CUR}.bin`,
    ]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("removePruned: a current-layout file too short for a magic is listed, and put back if a run rewrote it meanwhile", async () => {
  const dir = await Deno.makeTempDir({ prefix: "prune_" });
  try {
    const rel = `toy/v2/seed1-n2-t5-p0000abcd.zarr/features/${CUR}.bin`, path = join(dir, rel);
    await put(dir, "toy/v2/seed1-n2-t5-p0000abcd.zarr/zarr.json", "{}");
    await put(dir, rel, "EBF"); // cut short: 3 bytes
    const plan = await planCachePrune(dir, current);
    assert.deepEqual(plan.map((i) => [i.kind, i.bytes, i.magic]), [["features", 3, ""]]);
    await Deno.writeFile(`${path}.new`, featureBytes("EBFEAT02", 40));
    await Deno.rename(`${path}.new`, path);
    const { removed } = await removePruned(plan);
    assert.deepEqual(removed, []);
    assert.equal((await Deno.readFile(path)).length, 48, "the rewritten file is in place");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("planCachePrune: a features file an interrupted prune renamed aside is removed once its process is gone", async () => {
  const dir = await Deno.makeTempDir({ prefix: "prune_" });
  try {
    const features = "toy/v2/seed1-n2-t5-p0000abcd.zarr/features";
    await put(dir, "toy/v2/seed1-n2-t5-p0000abcd.zarr/zarr.json", "{}");
    await put(dir, `${features}/${CUR}.bin`, featureBytes("EBFEAT02", 8)); // current: kept
    await put(
      dir,
      `${features}/${OLD}.bin.pruning-999999999-0123abcd`,
      featureBytes("EBFEAT01", 4),
    );
    await put(dir, `${features}/${OLD}.bin.pruning-${Deno.pid}-0123abcd`, "x"); // running: kept
    const plan = await planCachePrune(dir, current);
    const got = plan.map((i) => [i.path.slice(dir.length + 1), i.kind, i.bytes]);
    assert.deepEqual(
      got,
      Deno.build.os === "linux"
        ? [[`${features}/${OLD}.bin.pruning-999999999-0123abcd`, "leftover", 12]]
        : [],
    );
    await removePruned(plan);
    assert.deepEqual(await filesUnder(join(dir, features)), [
      `${CUR}.bin`,
      `${OLD}.bin.pruning-${Deno.pid}-0123abcd`,
    ]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("planCachePrune: a leftover of an interrupted prune is removed once its process is gone; links are not followed", async () => {
  const dir = await Deno.makeTempDir({ prefix: "prune_" });
  const outside = await Deno.makeTempDir({ prefix: "prune_outside_" });
  try {
    await put(dir, "toy/v1.pruning-999999999-0123abcd/zarr.json", "{}"); // no such process
    await put(dir, `toy/v1.pruning-${Deno.pid}-0123abcd/zarr.json`, "{}"); // this one: running
    await put(outside, "v1/seed1-n2-t5.zarr/zarr.json", "{}");
    await Deno.symlink(join(outside, "v1"), join(dir, "toy/v0")); // a link to a version folder
    const plan = await planCachePrune(dir, current);
    const got = plan.map((i) => [i.path.slice(dir.length + 1), i.kind]);
    const leftovers = Deno.build.os === "linux"
      ? [["toy/v1.pruning-999999999-0123abcd", "leftover"]]
      : [];
    assert.deepEqual(got, leftovers);
    await removePruned(plan);
    assert.deepEqual(await filesUnder(outside), ["v1/seed1-n2-t5.zarr/zarr.json"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
    await Deno.remove(outside, { recursive: true });
  }
});

Deno.test("planCachePrune: no cache is nothing to remove; a file for the cache is bad input naming it", async () => {
  const dir = await Deno.makeTempDir({ prefix: "prune_" });
  try {
    assert.deepEqual(await planCachePrune(join(dir, "none"), current), []);
    await Deno.writeTextFile(join(dir, "file"), "x");
    await assert.rejects(
      planCachePrune(join(dir, "file"), current),
      (e: Error) =>
        isInputError(e) && /expected a directory, found a file of 1 bytes/.test(e.message),
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

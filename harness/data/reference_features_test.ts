import {
  computeFeatures,
  featuredReference,
  featuresName,
  referenceFeatures,
} from "./reference_features.ts";
import { arrayReferenceSource } from "./reference_source.ts";
import { memoryReferenceStore, type ReferenceStore } from "./reference_store.ts";
import { fileReferenceStore, openReference } from "./reference_cache.ts";
import type { Suite } from "../../suites/common/types.ts";

function assert(ok: unknown, message = "assertion failed"): asserts ok {
  if (!ok) throw new Error(message);
}

/** A toy suite: X = 3, one field; state t of IC i is (i + 1)·sin(t + j). */
const suite = {
  id: "toyfeat",
  version: "1",
  fields: ["u"],
  grid: { kind: "periodic1d", n: 3, length: 1 },
  initialConditions: (count: number) =>
    Float32Array.from({ length: count * 3 }, (_, k) => (Math.floor(k / 3) + 1) * Math.sin(k % 3)),
  reference: (_: Float32Array, count: number, steps: number) =>
    Float32Array.from({ length: count * (steps + 1) * 3 }, (_, k) => {
      const i = Math.floor(k / ((steps + 1) * 3)), t = Math.floor(k / 3) % (steps + 1);
      return (i + 1) * Math.sin(t + (k % 3));
    }),
} as unknown as Suite;
const request = { seed: 0, ics: 3, steps: 5 };

/** Features counting their calls: the sum and the sum of squares of a state, in float64. */
function counting(version = "sums@1:2") {
  let calls = 0;
  return {
    get calls() {
      return calls;
    },
    version,
    size: 2,
    compute(s: Float32Array) {
      calls++;
      let a = 0, b = 0;
      for (const v of s) {
        a += v;
        b += v * v;
      }
      return Float64Array.of(a, b);
    },
  };
}

async function stores(): Promise<[string, ReferenceStore][]> {
  return [
    ["memory", memoryReferenceStore()],
    ["file", fileReferenceStore(await Deno.makeTempDir({ prefix: "features_" }))],
  ];
}

Deno.test("features: computed once, then read back bit for bit in any window", async () => {
  for (const [name, store] of await stores()) {
    const ref = await refOf(store);
    const layout = counting();
    const miss = await referenceFeatures(store, suite, request, ref, layout);
    assert(miss && !miss.cached && layout.calls === 3 * 6, `${name}: one call per state`);
    const hit = await referenceFeatures(store, suite, request, ref, layout);
    assert(hit?.cached && layout.calls === 3 * 6, `${name}: the hit computes nothing`);
    // Independent: each state's sums from the reference itself.
    const whole = await ref.source.window(0, 3, 0, 6);
    for (const [ic0, ic1, t0, t1] of [[0, 3, 0, 6], [1, 2, 2, 5], [0, 2, 4, 6]]) {
      const w = await hit.source.window(ic0, ic1, t0, t1);
      let k = 0;
      for (let ic = ic0; ic < ic1; ic++) {
        for (let t = t0; t < t1; t++) {
          const s = whole.subarray((ic * 6 + t) * 3, (ic * 6 + t + 1) * 3);
          const a = s[0] + s[1] + s[2], b = s[0] * s[0] + s[1] * s[1] + s[2] * s[2];
          assert(Object.is(w[k++], a) && Object.is(w[k++], b), `${name}: IC ${ic} step ${t}`);
        }
      }
    }
  }
});

/** The reference of `request` in `store` (generated there on a miss). */
async function refOf(store: ReferenceStore) {
  const { referenceSourceFromStore } = await import("./reference_store.ts");
  const h = await referenceSourceFromStore(store, suite, request, { log: () => {} });
  return { sha256: h.sha256, source: h.source };
}

Deno.test("features: an entry for another reference digest or layout version is not used", async () => {
  for (const [name, store] of await stores()) {
    const ref = await refOf(store);
    const notes: string[] = [];
    const log = (m: string) => notes.push(m);
    // An entry made for another digest, under the name of this layout: stale, recomputed.
    const layout = counting();
    await referenceFeatures(store, suite, request, { ...ref, sha256: "0".repeat(64) }, layout, {
      log,
    });
    assert(layout.calls === 18, name);
    const before = layout.calls as number;
    const again = await referenceFeatures(store, suite, request, ref, layout, { log });
    assert(!again?.cached && layout.calls === before + 18, `${name}: other digest used`);
    assert(notes.some((n) => n.includes("stale") && n.includes("sha256")), notes.join("\n"));
    // Without computing (a shard), a stale entry gives nothing rather than wrong numbers.
    await referenceFeatures(store, suite, request, { ...ref, sha256: "1".repeat(64) }, layout, {
      log,
    });
    const none = await referenceFeatures(store, suite, request, ref, layout, {
      log,
      compute: false,
    });
    assert(none === null, `${name}: a stale entry was used by a shard`);
    // Another layout version is another entry: never read as this one.
    const v2 = counting("sums@2:2");
    assert(featuresName(v2.version) !== featuresName(layout.version));
    const got = await referenceFeatures(store, suite, request, ref, v2, { log });
    assert(!got?.cached && v2.calls === 18, `${name}: version 2 read version 1's entry`);
    // The same version with another size is refused by the header, not misread.
    const header = { ...counting(), size: 3, compute: () => Float64Array.of(1, 2, 3) };
    const wide = await referenceFeatures(store, suite, request, ref, header, { log });
    assert(wide && !wide.cached && (await wide.source.window(0, 1, 0, 1)).length === 3, name);
  }
});

Deno.test("features: a damaged file is reported and computed again; no entry, nothing written", async () => {
  const cacheDir = await Deno.makeTempDir({ prefix: "features_bad_" });
  const store = fileReferenceStore(cacheDir);
  const h = await openReference(suite, request, { cacheDir, log: () => {} });
  const ref = { sha256: h.sha256, source: h.source };
  const layout = counting();
  await referenceFeatures(store, suite, request, ref, layout);
  const dir = `${store.locate(suite, request)}/features`;
  const [file] = [...Deno.readDirSync(dir)].map((e) => `${dir}/${e.name}`);
  const bytes = await Deno.readFile(file);
  await Deno.writeFile(file, bytes.subarray(0, bytes.length - 8)); // cut
  const notes: string[] = [];
  const again = await referenceFeatures(store, suite, request, ref, layout, {
    log: (m) => notes.push(m),
  });
  assert(!again?.cached && notes.some((n) => n.includes("unusable")), notes.join("\n"));
  assert((await Deno.readFile(file)).length === bytes.length, "rewritten whole");
  // A store without that reference entry: the write is refused and logged, and the run goes on
  // without features (the trackers compute them), holding nothing whole.
  const other = { ...request, seed: 9 };
  const lone = await referenceFeatures(store, suite, other, ref, counting(), {
    log: (m) => notes.push(m),
  });
  assert(lone === null && notes.some((n) => n.includes("could not write")), notes.join("\n"));
  assert([...Deno.readDirSync(dir)].length === 1, "no temporary file left behind");
});

Deno.test("features: a file damaged at its size, with a lying header or of the old format is not used", async () => {
  const cacheDir = await Deno.makeTempDir({ prefix: "features_lies_" });
  const store = fileReferenceStore(cacheDir);
  const h = await openReference(suite, request, { cacheDir, log: () => {} });
  const ref = { sha256: h.sha256, source: h.source };
  const layout = counting();
  const first = (await referenceFeatures(store, suite, request, ref, layout))!;
  const good = await first.source.window(0, 3, 0, 6);
  const dir = `${store.locate(suite, request)}/features`;
  const [file] = [...Deno.readDirSync(dir)].map((e) => `${dir}/${e.name}`);
  const bytes = await Deno.readFile(file);
  const dataAt = 16 + new DataView(bytes.buffer).getUint32(8, true);
  /** `bytes` with `edit` applied to a copy. */
  const doctored = (edit: (b: Uint8Array, v: DataView) => void) => {
    const b = bytes.slice();
    edit(b, new DataView(b.buffer));
    return b;
  };
  const cases: [string, Uint8Array, string][] = [
    ["a NaN among the values", doctored((_, v) => v.setFloat64(dataAt + 8, NaN, true)), "damaged"],
    ["one bit of a value", doctored((b) => b[dataAt + 3 * 8 + 7] ^= 1), "damaged"],
    [
      "a header length past the end",
      doctored((_, v) => v.setUint32(8, 2 ** 32 - 1, true)),
      "header of",
    ],
    [
      "a header that is not an object",
      doctored((b, v) => {
        v.setUint32(8, 8, true);
        b.set(new TextEncoder().encode("null    "), 16);
      }),
      "not a JSON",
    ],
    ["the first format", doctored((b) => b.set(new TextEncoder().encode("EBFEAT01"), 0)), "older"],
    [
      "bytes after the digest",
      Uint8Array.from([...bytes, 0, 0, 0, 0, 0, 0, 0, 0]),
      "bytes, expected",
    ],
  ];
  for (const [what, b, why] of cases) {
    await Deno.writeFile(file, b);
    const notes: string[] = [];
    const calls = layout.calls;
    const again = await referenceFeatures(store, suite, request, ref, layout, {
      log: (m) => notes.push(m),
    });
    assert(again && !again.cached && layout.calls === calls + 18, `${what}: used`);
    assert(
      notes.length === 1 && notes[0].includes("unusable") && notes[0].includes(why) &&
        notes[0].includes("computing them again"),
      `${what}: ${notes.join("\n")}`,
    );
    const w = await again.source.window(0, 3, 0, 6);
    assert(w.every((v, i) => Object.is(v, good[i])), `${what}: other values`);
    assert((await Deno.readFile(file)).join() === bytes.join(), `${what}: not rewritten`);
    const hit = await referenceFeatures(store, suite, request, ref, layout, { log: () => {} });
    assert(hit?.cached, `${what}: the rewritten file is not read back`);
  }
});

Deno.test("features: the next writer removes what interrupted writers left (gone, an hour old)", async () => {
  const cacheDir = await Deno.makeTempDir({ prefix: "features_sweep_" });
  const store = fileReferenceStore(cacheDir);
  const ref = await openReference(suite, request, { cacheDir, log: () => {} });
  const entry = store.locate(suite, request), dir = `${entry}/features`;
  await Deno.mkdir(dir, { recursive: true });
  const old = new Date(Date.now() - 2 * 3600_000);
  // A dead process's (pid beyond any pid_max) features file and reference entry, two hours old;
  // a dead process's that changed a minute ago; this process's own, old.
  const left = [
    `${dir}/features-0123456789abcdef.bin.tmp-999999999-0123abcd`,
    `${entry}.tmp-999999999-89abcdef`,
  ];
  const kept = [
    `${dir}/features-0123456789abcdef.bin.tmp-999999998-0123abcd`,
    `${dir}/features-0123456789abcdef.bin.tmp-${Deno.pid}-0123abcd`,
  ];
  for (const f of [...left, ...kept]) {
    await Deno.writeFile(f, new Uint8Array(8));
    await Deno.utime(f, old, f.includes("999999998") ? new Date(Date.now() - 60_000) : old);
  }
  // The features writer sweeps the features folder, an entry's writer the entries' folder.
  const layout = counting();
  await referenceFeatures(
    store,
    suite,
    request,
    { sha256: ref.sha256, source: ref.source },
    layout,
  );
  await openReference(suite, { ...request, seed: 1 }, { cacheDir, log: () => {} });
  const exists = (f: string) => Deno.stat(f).then(() => true, () => false);
  for (const f of left) assert(!(await exists(f)), `${f} left behind`);
  for (const f of kept) assert(await exists(f), `${f} removed`);
});

Deno.test("features: writers racing on one entry all succeed, leave one valid file and no temporaries", async () => {
  const cacheDir = await Deno.makeTempDir({ prefix: "features_race_" });
  const store = fileReferenceStore(cacheDir);
  const h = await openReference(suite, request, { cacheDir, log: () => {} });
  const ref = { sha256: h.sha256, source: h.source };
  const notes: string[] = [];
  const got = await Promise.all(
    Array.from(
      { length: 4 },
      () =>
        referenceFeatures(store, suite, request, ref, counting(), { log: (m) => notes.push(m) }),
    ),
  );
  assert(notes.length === 0, notes.join("\n"));
  const whole = await ref.source.window(0, 3, 0, 6);
  for (const g of got) {
    const w = await g!.source.window(0, 3, 0, 6);
    for (let i = 0; i < 18; i++) {
      const s = whole.subarray(3 * i, 3 * i + 3);
      assert(w[2 * i] === s[0] + s[1] + s[2], `state ${i}`);
    }
  }
  const dir = `${store.locate(suite, request)}/features`;
  assert([...Deno.readDirSync(dir)].length === 1, "one file, no temporaries");
  assert((await referenceFeatures(store, suite, request, ref, counting()))?.cached, "read back");
});

Deno.test("featuredReference: the features of the states of the windows read, else undefined", async () => {
  const ref = arrayReferenceSource(suite.reference(new Float32Array(0), 3, 5), 3, 5);
  const layout = counting();
  const values = await computeFeatures(ref, layout);
  const { arrayFeatureSource } = await import("./reference_source.ts");
  const f = featuredReference(ref, arrayFeatureSource(values, 3, 5, 2));
  const w = await f.source.window(1, 3, 2, 4);
  assert(w.join() === (await ref.window(1, 3, 2, 4)).join(), "the reference is unchanged");
  for (const [ic, t] of [[1, 2], [2, 3]]) {
    const got = f.at(ic, t)!;
    assert(got.join() === values.subarray((ic * 6 + t) * 2, (ic * 6 + t + 1) * 2).join());
  }
  assert(f.at(0, 2) === undefined && f.at(1, 4) === undefined, "outside the window");
});

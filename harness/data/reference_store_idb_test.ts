/**
 * The IndexedDB store in Deno, over a small in-memory stand-in for the few IndexedDB members it
 * uses (requests and transactions completing in later tasks, values stored as structured
 * clones, key ranges): reference features written and read back, a damaged or lying features
 * record not used, and `remove` taking the entry's features records with it. The real browser
 * runs this store in `web/site_browser_test.ts` (Chromium).
 */
import { indexedDbReferenceStore } from "./reference_store_idb.ts";
import { referenceFeatures } from "./reference_features.ts";
import { referenceSourceFromStore } from "./reference_store.ts";
import type { Suite } from "../../suites/common/types.ts";

function assert(ok: unknown, message = "assertion failed"): asserts ok {
  if (!ok) throw new Error(message);
}

type Range = { lower: string; upper: string; lowerOpen: boolean; upperOpen: boolean };
const inRange = (k: string, r: Range) =>
  (r.lowerOpen ? k > r.lower : k >= r.lower) && (r.upperOpen ? k < r.upper : k <= r.upper);

/** The stand-in: `indexedDB.open` and `IDBKeyRange.bound`, over `data`. */
function fakeIndexedDb(data: Map<string, unknown>) {
  // deno-lint-ignore no-explicit-any
  const request = (fn: () => unknown): any => {
    // deno-lint-ignore no-explicit-any
    const r: any = {};
    setTimeout(() => {
      try {
        r.result = fn();
        r.onsuccess?.();
      } catch (e) {
        r.error = e;
        r.onerror?.();
      }
    });
    return r;
  };
  const objectStore = {
    get: (k: string) => request(() => data.has(k) ? structuredClone(data.get(k)) : undefined),
    put: (v: unknown, k: string) => request(() => data.set(k, structuredClone(v))),
    delete: (k: string | Range) =>
      request(() => {
        for (const key of [...data.keys()]) {
          if (typeof k === "string" ? key === k : inRange(key, k)) data.delete(key);
        }
      }),
  };
  const db = {
    transaction() {
      // deno-lint-ignore no-explicit-any
      const tx: any = { objectStore: () => objectStore };
      setTimeout(() => setTimeout(() => tx.oncomplete?.())); // after its requests
      return tx;
    },
  };
  return {
    indexedDB: {
      open: () => {
        // deno-lint-ignore no-explicit-any
        const r: any = request(() => db);
        r.result = db;
        return r;
      },
    },
    IDBKeyRange: {
      bound: (lower: string, upper: string, lowerOpen = false, upperOpen = false): Range => ({
        lower,
        upper,
        lowerOpen,
        upperOpen,
      }),
    },
  };
}

const suite = {
  id: "toyidb",
  version: "1",
  fields: ["u"],
  grid: { kind: "periodic1d", n: 2, length: 1 },
  initialConditions: (count: number) => Float32Array.from({ length: count * 2 }, (_, i) => i + 1),
  reference: (_: Float32Array, count: number, steps: number) =>
    Float32Array.from({ length: count * (steps + 1) * 2 }, (_, i) => Math.sin(i)),
} as unknown as Suite;
const request = { seed: 1, ics: 2, steps: 3 };
const sums = {
  version: "sum@1",
  size: 1,
  compute: (s: Float32Array) => Float64Array.of(s[0] + s[1]),
};

Deno.test("IndexedDB store: features stored and read back; damaged or lying records not used; removed with the entry", async () => {
  const data = new Map<string, unknown>();
  const fake = fakeIndexedDb(data);
  const g = globalThis as Record<string, unknown>;
  const saved = { indexedDB: g.indexedDB, IDBKeyRange: g.IDBKeyRange };
  Object.assign(g, fake);
  try {
    const store = await indexedDbReferenceStore();
    const h = await referenceSourceFromStore(store, suite, request, { log: () => {} });
    const ref = { sha256: h.sha256, source: h.source };
    const other = { ...request, seed: 11 }; // a key that starts with this one's
    await referenceSourceFromStore(store, suite, other, { log: () => {} });
    const notes: string[] = [];
    const log = (m: string) => notes.push(m);
    const first = await referenceFeatures(store, suite, request, ref, sums, { log });
    const hit = await referenceFeatures(store, suite, request, ref, sums, { log });
    assert(first && !first.cached && first.stored && hit?.cached, notes.join("\n"));
    const whole = await ref.source.window(0, 2, 0, 4);
    const w = await hit.source.window(0, 2, 0, 4);
    for (let i = 0; i < 8; i++) assert(w[i] === whole[2 * i] + whole[2 * i + 1], `state ${i}`);
    await referenceFeatures(store, suite, other, ref, sums, { log });
    const featureKeys = () => [...data.keys()].filter((k) => k.includes("#features-"));
    const [mine] = featureKeys().filter((k) => k.includes("seed1-"));
    const good = data.get(mine) as { header: Record<string, unknown>; values: ArrayBuffer };
    // Damaged or lying: each reported, computed again, written over (then read back).
    const bad: [string, unknown, string][] = [
      ["values cut", { ...good, values: good.values.slice(8) }, "unusable"],
      ["values not bytes", { ...good, values: [1, 2] }, "unusable"],
      ["a shape that lies", { ...good, header: { ...good.header, shape: [2, 2, 2] } }, "stale"],
      ["another digest", { ...good, header: { ...good.header, sha256: "0" } }, "stale"],
    ];
    for (const [what, record, why] of bad) {
      data.set(mine, record);
      notes.length = 0;
      const again = await referenceFeatures(store, suite, request, ref, sums, { log });
      assert(again && !again.cached && notes.some((n) => n.includes(why)), `${what}: ${notes}`);
      assert((await again.source.window(1, 2, 3, 4))[0] === w[7], what);
      assert((await referenceFeatures(store, suite, request, ref, sums, { log }))?.cached, what);
    }
    // remove takes this entry's features records, not those of the entry whose key it prefixes.
    assert(featureKeys().length === 2, featureKeys().join());
    await store.remove(suite, request);
    const left = featureKeys();
    assert(left.length === 1 && left[0].includes("seed11-"), left.join());
    assert([...data.keys()].length === 2, [...data.keys()].join()); // the other entry, whole
  } finally {
    Object.assign(g, saved);
  }
});

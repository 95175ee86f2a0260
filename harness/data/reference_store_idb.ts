/**
 * The browser's reference store: one IndexedDB object store (`references` in database
 * `emubench`), one record per entry under the key the disk cache uses for its directory
 * (`reference_store.ts` `referenceKey`), holding the attributes and both arrays' bytes. Reads
 * are verified by `referenceFromStore` exactly as on disk (attributes, SHA-256 of both arrays);
 * a record is written in one transaction, so readers never see half of one. Reference features
 * (`reference_features.ts`) are records of their own, under `<key>#<name>`, holding their header
 * and their float64 values' bytes, and removed with the reference (`remove`). Records of other
 * feature layouts (older code) stay until then.
 *
 * IndexedDB exists in browser windows and workers, not in Deno; the Playwright test of the web
 * page (`web/site_browser_test.ts`) exercises this store, and `reference_store_idb_test.ts` runs
 * it in Deno over a small stand-in for the IndexedDB members it uses.
 *
 * @example
 * ```ts
 * import { indexedDbReferenceStore } from "./reference_store_idb.ts";
 * // Only where IndexedDB exists (browsers):
 * if ("indexedDB" in globalThis) await indexedDbReferenceStore();
 * ```
 * @module
 */
import { referenceKey, type ReferenceStore, type StoredReference } from "./reference_store.ts";
import { arrayFeatureSource } from "./reference_source.ts";

// IndexedDB is not in Deno's type library: the few members used, typed loosely.
// deno-lint-ignore no-explicit-any
type Idb = any;

function request<T>(r: Idb): Promise<T> {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result as T);
    r.onerror = () => reject(r.error ?? new Error("IndexedDB request failed"));
  });
}

function done(tx: Idb): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error ?? new Error("IndexedDB transaction failed"));
    tx.onabort = () => reject(tx.error ?? new Error("IndexedDB transaction aborted"));
  });
}

/** Copy a typed array's own bytes into a fresh ArrayBuffer (what IndexedDB stores). */
function ownBytes(a: Float32Array): ArrayBuffer {
  return a.buffer.slice(a.byteOffset, a.byteOffset + a.byteLength) as ArrayBuffer;
}

/**
 * Open (creating on first use) the IndexedDB reference store `name` (default `emubench`).
 * Throws where there is no IndexedDB.
 */
export async function indexedDbReferenceStore(name = "emubench"): Promise<ReferenceStore> {
  const idb: Idb = (globalThis as Idb).indexedDB;
  if (!idb) throw new Error("IndexedDB is not available here");
  const open = idb.open(name, 1);
  open.onupgradeneeded = () => open.result.createObjectStore("references");
  const db: Idb = await request(open);
  const key = (...a: Parameters<typeof referenceKey>) => referenceKey(...a).join("/");
  return {
    locate: (suite, req) => `indexeddb:${name}/references/${key(suite, req)}`,
    async get(suite, req) {
      const tx = db.transaction("references", "readonly");
      const rec = await request<
        { attrs: Record<string, unknown>; ics: ArrayBuffer; reference: ArrayBuffer } | undefined
      >(tx.objectStore("references").get(key(suite, req)));
      if (rec === undefined) return null;
      if (!(rec.ics instanceof ArrayBuffer) || !(rec.reference instanceof ArrayBuffer)) {
        throw new Error("record without its arrays");
      }
      if (rec.ics.byteLength % 4 !== 0 || rec.reference.byteLength % 4 !== 0) {
        throw new Error("array bytes are not a whole number of float32 values");
      }
      const entry: StoredReference = {
        attrs: rec.attrs ?? {},
        ics: new Float32Array(rec.ics),
        reference: new Float32Array(rec.reference),
      };
      return entry;
    },
    async put(suite, req, entry) {
      const tx = db.transaction("references", "readwrite");
      tx.objectStore("references").put({
        attrs: entry.attrs,
        ics: ownBytes(entry.ics),
        reference: ownBytes(entry.reference),
      }, key(suite, req));
      await done(tx);
    },
    async openFeatures(suite, req, name) {
      const tx = db.transaction("references", "readonly");
      const rec = await request<
        { header: Record<string, unknown>; values: ArrayBuffer } | undefined
      >(
        tx.objectStore("references").get(`${key(suite, req)}#${name}`),
      );
      if (rec === undefined) return null;
      if (!(rec.values instanceof ArrayBuffer) || rec.values.byteLength % 8 !== 0) {
        throw new Error("features record without its values");
      }
      const [n, t1, f] = (rec.header?.shape ?? []) as number[];
      const values = new Float64Array(rec.values);
      if (!(n * t1 * f === values.length)) {
        throw new Error(`features record of ${values.length} values, shape [${n}, ${t1}, ${f}]`);
      }
      return { header: rec.header, source: arrayFeatureSource(values, n, t1 - 1, f) };
    },
    async putFeatures(suite, req, name, header, values) {
      const tx = db.transaction("references", "readwrite");
      const bytes = values.buffer.slice(values.byteOffset, values.byteOffset + values.byteLength);
      tx.objectStore("references").put({ header, values: bytes }, `${key(suite, req)}#${name}`);
      await done(tx);
    },
    async remove(suite, req) {
      const tx = db.transaction("references", "readwrite");
      const records = tx.objectStore("references"), k = key(suite, req);
      records.delete(k);
      // Its features records, `<key>#<name>`: the keys from `<key>#` up to `<key>$` ('$' follows
      // '#'), so no other entry's (a key that merely starts with this one continues otherwise).
      records.delete((globalThis as Idb).IDBKeyRange.bound(`${k}#`, `${k}$`, false, true));
      await done(tx);
    },
  };
}

import assert from "node:assert/strict";
import * as zarr from "zarrita";
import { FileSystemStore } from "@zarrita/storage";
import { ValueRangeError } from "../core/errors.ts";
import { sha256Float32 } from "../core/hash.ts";
import {
  defaultCacheDir,
  loadOrGenerateReference,
  openReference,
  physicsTag,
  REFERENCE_CACHE_SCHEMA,
  referenceCachePath,
} from "./reference_cache.ts";
import type { Suite } from "../../suites/common/types.ts";

const X = 8;

/**
 * A tiny suite: one field on 8 points, u(t + 1) = 0.5 u(t), so the reference is known exactly:
 * u(t) = u(0) / 2^t. Counts its solver calls.
 */
function decaySuite(version = "1"): Suite & { calls: number } {
  const suite = {
    id: "decay",
    version,
    fields: ["u"],
    grid: { kind: "periodic1d", n: X, length: 1 },
    dt: 0.1,
    calls: 0,
    initialConditions(count: number, seed: number): Float32Array {
      return Float32Array.from({ length: count * X }, (_, i) => Math.sin(seed + i));
    },
    reference(ics: Float32Array, count: number, steps: number): Float32Array {
      suite.calls++;
      const out = new Float32Array(count * (steps + 1) * X);
      for (let n = 0; n < count; n++) {
        for (let t = 0; t <= steps; t++) {
          for (let i = 0; i < X; i++) out[(n * (steps + 1) + t) * X + i] = ics[n * X + i] / 2 ** t;
        }
      }
      return out;
    },
  };
  return suite as unknown as Suite & { calls: number };
}

const request = { seed: 3, ics: 4, steps: 5 };

async function withCache(fn: (cacheDir: string) => Promise<void>): Promise<void> {
  const cacheDir = await Deno.makeTempDir();
  try {
    await fn(cacheDir);
  } finally {
    await Deno.remove(cacheDir, { recursive: true });
  }
}

function bits(a: Float32Array): number[] {
  return [...new Uint32Array(a.buffer, a.byteOffset, a.length)];
}

Deno.test("a miss generates and caches; a hit returns identical bytes without solving", async () => {
  await withCache(async (cacheDir) => {
    const suite = decaySuite();
    const warnings: string[] = [];
    const log = (m: string) => warnings.push(m);
    const progress: [number, number][] = [];
    const miss = await loadOrGenerateReference(suite, request, {
      cacheDir,
      log,
      progress: (d, t) => progress.push([d, t]),
    });
    assert.equal(miss.cached, false);
    assert.equal(suite.calls, 1);
    assert.equal(miss.path, `${cacheDir}/decay/v1/seed3-n4-t5${physicsTag(suite)}.zarr`);
    assert.match(miss.path, /seed3-n4-t5-p[0-9a-f]{8}\.zarr$/);
    assert.equal(miss.path, referenceCachePath(cacheDir, suite, request));
    assert.equal(miss.reference.length, 4 * 6 * X);
    // Exact values: u(t) = u(0) / 2^t, and step 0 is the IC.
    assert.equal(miss.reference[(2 * 6 + 3) * X + 5], Math.fround(Math.sin(3 + 2 * X + 5)) / 8);
    assert.deepEqual(bits(miss.ics), bits(suite.initialConditions(4, 3)));
    assert.equal(miss.sha256, await sha256Float32(miss.reference));
    assert.ok(miss.seconds >= 0);

    const hit = await loadOrGenerateReference(suite, request, { cacheDir, log });
    assert.equal(hit.cached, true);
    assert.equal(suite.calls, 1);
    assert.equal(hit.sha256, miss.sha256);
    assert.deepEqual(bits(hit.reference), bits(miss.reference));
    assert.deepEqual(bits(hit.ics), bits(miss.ics));
    assert.deepEqual(warnings, []);
    // No temporary directories are left behind.
    const names = [...Deno.readDirSync(`${cacheDir}/decay/v1`)].map((e) => e.name);
    assert.deepEqual(names, [`seed3-n4-t5${physicsTag(suite)}.zarr`]);
  });
});

Deno.test("the entry is a Zarr v3 group zarrita reads independently, chunked by IC", async () => {
  await withCache(async (cacheDir) => {
    const suite = decaySuite();
    const { path, reference, sha256 } = await loadOrGenerateReference(suite, request, {
      cacheDir,
    });
    const root = zarr.root(new FileSystemStore(path));
    const group = await zarr.open(root, { kind: "group" });
    const attrs = group.attrs as Record<string, unknown>;
    assert.equal(attrs.schema, REFERENCE_CACHE_SCHEMA);
    assert.equal(attrs.suite, "decay");
    assert.equal(attrs.version, "1");
    assert.equal(attrs.seed, 3);
    assert.equal(attrs.sha256, sha256);
    assert.deepEqual(attrs.shape, { ics: [4, 1, X], reference: [4, 6, 1, X] });
    assert.ok(!Number.isNaN(Date.parse(attrs.created as string)));
    const meta = JSON.parse(await Deno.readTextFile(`${path}/reference/zarr.json`));
    assert.equal(meta.zarr_format, 3);
    assert.deepEqual(meta.chunk_grid.configuration.chunk_shape, [1, 6, 1, X]);
    // A partial read: IC 2 only, which is one chunk file of 6 * 8 float32.
    const arr = await zarr.open(root.resolve("reference"), { kind: "array" });
    const ic2 = await zarr.get(arr, [2, null, null, null]);
    assert.deepEqual(
      [...(ic2.data as Float32Array)],
      [...reference.subarray(2 * 6 * X, 3 * 6 * X)],
    );
    assert.equal((await Deno.stat(`${path}/reference/c/2/0/0/0`)).size, 6 * X * 4);
  });
});

Deno.test("corrupted, truncated or missing cache files are detected and regenerated", async () => {
  const damages: [string, (path: string) => Promise<void>, string][] = [
    ["a flipped byte in a reference chunk", async (p) => {
      const f = `${p}/reference/c/1/0/0/0`;
      const b = await Deno.readFile(f);
      b[17] ^= 0x40;
      await Deno.writeFile(f, b);
    }, "reference sha256"],
    ["a truncated reference chunk", async (p) => {
      const f = `${p}/reference/c/3/0/0/0`;
      await Deno.writeFile(f, (await Deno.readFile(f)).subarray(0, 10));
    }, ""],
    ["a deleted reference chunk", (p) => Deno.remove(`${p}/reference/c/0/0/0/0`), "missing"],
    ["a changed IC chunk", async (p) => {
      const f = `${p}/ics/c/0/0/0`;
      const b = await Deno.readFile(f);
      b[0] ^= 1;
      await Deno.writeFile(f, b);
    }, "ics sha256"],
    ["garbage group metadata", (p) => Deno.writeTextFile(`${p}/zarr.json`, "{not json"), ""],
    ["missing group metadata", (p) => Deno.remove(`${p}/zarr.json`), ""],
    ["an empty entry directory", async (p) => {
      await Deno.remove(p, { recursive: true });
      await Deno.mkdir(p);
    }, ""],
  ];
  for (const [what, damage, reason] of damages) {
    await withCache(async (cacheDir) => {
      const suite = decaySuite();
      const good = await loadOrGenerateReference(suite, request, { cacheDir, log: () => {} });
      await damage(good.path);
      const warnings: string[] = [];
      const again = await loadOrGenerateReference(suite, request, {
        cacheDir,
        log: (m) => warnings.push(m),
      });
      assert.equal(again.cached, false, what);
      assert.equal(suite.calls, 2, what);
      assert.deepEqual(bits(again.reference), bits(good.reference), what);
      assert.equal(warnings.length, 1, what);
      assert.ok(warnings[0].includes(good.path), what);
      assert.ok(warnings[0].includes("regenerating"), what);
      assert.ok(warnings[0].includes(reason), `${what}: ${warnings[0]}`);
      // The regenerated entry is whole again.
      const third = await loadOrGenerateReference(suite, request, { cacheDir });
      assert.equal(third.cached, true, what);
    });
  }
});

Deno.test("an entry written for other attributes is not used", async () => {
  await withCache(async (cacheDir) => {
    const suite = decaySuite();
    const good = await loadOrGenerateReference(suite, request, { cacheDir });
    const meta = JSON.parse(await Deno.readTextFile(`${good.path}/zarr.json`));
    meta.attributes.seed = 4;
    await Deno.writeTextFile(`${good.path}/zarr.json`, JSON.stringify(meta));
    const warnings: string[] = [];
    const again = await loadOrGenerateReference(suite, request, {
      cacheDir,
      log: (m) => warnings.push(m),
    });
    assert.equal(again.cached, false);
    assert.ok(warnings[0].includes("attribute seed is 4, expected 3"), warnings[0]);
  });
});

Deno.test("the key separates suite version, seed, ICs and steps", async () => {
  await withCache(async (cacheDir) => {
    const paths = new Set<string>();
    for (
      const [version, req] of [
        ["1", request],
        ["2", request],
        ["1", { ...request, seed: 4 }],
        ["1", { ...request, ics: 2 }],
        ["1", { ...request, steps: 1 }],
      ] as const
    ) {
      const r = await loadOrGenerateReference(decaySuite(version), req, { cacheDir });
      assert.equal(r.cached, false);
      paths.add(r.path);
    }
    assert.equal(paths.size, 5);
  });
});

Deno.test("concurrent writers use distinct temp directories and agree", async () => {
  await withCache(async (cacheDir) => {
    const suite = decaySuite();
    const warnings: string[] = [];
    const log = (m: string) => warnings.push(m);
    const runs = await Promise.all(
      [0, 1, 2].map(() => loadOrGenerateReference(suite, request, { cacheDir, log })),
    );
    assert.deepEqual(warnings, []);
    for (const r of runs) assert.equal(r.sha256, runs[0].sha256);
    const names = [...Deno.readDirSync(`${cacheDir}/decay/v1`)].map((e) => e.name);
    assert.deepEqual(names, [`seed3-n4-t5${physicsTag(suite)}.zarr`]);
    assert.equal((await loadOrGenerateReference(suite, request, { cacheDir })).cached, true);
  });
});

Deno.test("a bad request is a ValueRangeError; a suite returning wrong lengths is a bug", async () => {
  await withCache(async (cacheDir) => {
    const suite = decaySuite();
    for (
      const [req, field, found] of [
        [{ ...request, ics: 0 }, "ics", "found 0"],
        [{ ...request, steps: 2.5 }, "steps", "found 2.5"],
        [{ ...request, seed: NaN }, "seed", "found NaN"],
      ] as const
    ) {
      await assert.rejects(loadOrGenerateReference(suite, req, { cacheDir }), (e: unknown) => {
        assert.ok(e instanceof ValueRangeError);
        assert.ok(e.message.includes(`${field}: expected`), e.message);
        assert.ok(e.message.includes(found), e.message);
        return true;
      });
    }
    const broken = { ...decaySuite(), reference: () => new Float32Array(3) } as unknown as Suite;
    await assert.rejects(
      loadOrGenerateReference(broken, request, { cacheDir }),
      /returned 3 values, expected 192/,
    );
  });
});

Deno.test("a cache directory that cannot be written is logged, not fatal", async () => {
  await withCache(async (dir) => {
    const cacheDir = `${dir}/file-not-dir`;
    await Deno.writeTextFile(cacheDir, "x");
    const warnings: string[] = [];
    const r = await loadOrGenerateReference(decaySuite(), request, {
      cacheDir,
      log: (m) => warnings.push(m),
    });
    assert.equal(r.cached, false);
    assert.equal(r.reference.length, 4 * 6 * X);
    assert.equal(warnings.length, 1);
    assert.ok(warnings[0].includes("could not write reference cache entry"), warnings[0]);
  });
});

Deno.test("defaultCacheDir: EMUBENCH_CACHE, else XDG_CACHE_HOME/emubench, else ~/.cache/emubench", () => {
  const env: Record<string, string> = {
    HOME: "/home/u",
    XDG_CACHE_HOME: "/xdg",
    EMUBENCH_CACHE: "/mine",
    LOCALAPPDATA: "C:/Users/u/AppData/Local",
  };
  const get = (k: string) => env[k];
  assert.equal(defaultCacheDir(get, "linux"), "/mine");
  delete env.EMUBENCH_CACHE;
  assert.equal(defaultCacheDir(get, "linux"), "/xdg/emubench");
  env.XDG_CACHE_HOME = "";
  assert.equal(defaultCacheDir(get, "linux"), "/home/u/.cache/emubench");
  assert.equal(defaultCacheDir(get, "windows"), "C:/Users/u/AppData/Local/emubench");
  assert.equal(defaultCacheDir(() => undefined, "linux"), ".cache/emubench");
});

Deno.test("icProgress reaches suite.initialConditions on a miss (spin-ups report progress)", async () => {
  await withCache(async (cacheDir) => {
    const inner = decaySuite();
    const seen: [number, number][] = [];
    const suite: Suite = {
      ...inner,
      initialConditions(count: number, seed: number, progress?: (d: number, t: number) => void) {
        for (let i = 0; i <= count; i++) progress?.(i, count);
        return inner.initialConditions(count, seed);
      },
    };
    await loadOrGenerateReference(suite, request, {
      cacheDir,
      log: () => {},
      icProgress: (d, t) => seen.push([d, t]),
    });
    assert.deepEqual(seen, [[0, 4], [1, 4], [2, 4], [3, 4], [4, 4]]);
    seen.length = 0;
    await loadOrGenerateReference(suite, request, {
      cacheDir,
      log: () => {},
      icProgress: () => {},
    });
    assert.deepEqual(seen, [], "a hit draws no ICs");
  });
});

Deno.test("openReference: windows are byte ranges of the chunk files, the digest is the whole array's", async () => {
  await withCache(async (cacheDir) => {
    const suite = decaySuite();
    const req = { seed: 3, ics: 3, steps: 9 };
    const miss = await openReference(suite, req, { cacheDir });
    const hit = await openReference(suite, req, { cacheDir });
    assert.equal(miss.cached, false);
    assert.equal(hit.cached, true);
    assert.equal(suite.calls, 1);
    // The whole trajectory, by the suite's formula u(t) = u(0) / 2^t.
    const ics = suite.initialConditions(3, 3);
    const whole = new Float32Array(3 * 10 * X);
    for (let n = 0; n < 3; n++) {
      for (let t = 0; t <= 9; t++) {
        for (let i = 0; i < X; i++) whole[(n * 10 + t) * X + i] = ics[n * X + i] / 2 ** t;
      }
    }
    const digest = await sha256Float32(whole);
    assert.equal(miss.sha256, digest);
    assert.equal(hit.sha256, digest);
    for (const { source } of [miss, hit]) {
      assert.deepEqual([source.count, source.steps, source.stateSize], [3, 9, X]);
      const w = await source.window(1, 3, 4, 7); // ICs 1–2, steps 4–6
      const want = [1, 2].flatMap((n) => [...whole.subarray((n * 10 + 4) * X, (n * 10 + 7) * X)]);
      assert.deepEqual(bits(w), bits(Float32Array.from(want)));
      await assert.rejects(source.window(0, 4, 0, 1), RangeError);
      await assert.rejects(source.window(0, 1, 5, 11), RangeError);
    }
    // A chunk cut after the entry was opened fails the read that needs it, naming the file.
    await Deno.truncate(`${hit.path}/reference/c/2/0/0/0`, 5 * X * 4);
    await assert.rejects(hit.source.window(2, 3, 3, 8), /c\/2\/0\/0\/0 ended before byte/);
    assert.deepEqual(
      bits(await hit.source.window(2, 3, 0, 5)),
      bits(whole.subarray(20 * X, 25 * X)),
    );
  });
});

Deno.test("a miss is written IC by IC into chunk files zarrita reads, hashed as the whole array", async () => {
  await withCache(async (cacheDir) => {
    const suite = decaySuite();
    const seen: number[] = [];
    // A streaming generator handing the ICs one at a time (as the worker pool does).
    const generate = Object.assign(
      () => Promise.reject(new Error("the whole form is not used")),
      {
        stream: async (
          s: Suite,
          r: { seed: number; ics: number; steps: number },
          _p: unknown,
          sink: (ic: number, t: Float32Array) => Promise<void>,
        ) => {
          const ics = s.initialConditions(r.ics, r.seed);
          for (let i = 0; i < r.ics; i++) {
            seen.push(i);
            await sink(i, s.reference(ics.subarray(i * X, (i + 1) * X), 1, r.steps));
          }
          return ics;
        },
      },
    );
    const r = await openReference(suite, request, { cacheDir, generate });
    assert.deepEqual(seen, [0, 1, 2, 3]);
    const whole = await loadOrGenerateReference(suite, request, { cacheDir });
    assert.equal(whole.cached, true);
    assert.equal(whole.sha256, r.sha256);
    assert.equal(await sha256Float32(whole.reference), r.sha256);
    const root = zarr.root(new FileSystemStore(r.path));
    const arr = await zarr.open(root.resolve("reference"), { kind: "array" });
    const all = await zarr.get(arr, null);
    assert.deepEqual(bits(all.data as Float32Array), bits(whole.reference));
    // A generator handing ICs out of order is a bug, refused.
    await withCache(async (dir) => {
      const bad = Object.assign(() => Promise.reject(new Error("unused")), {
        stream: async (
          _s: Suite,
          _r: unknown,
          _p: unknown,
          sink: (ic: number, t: Float32Array) => Promise<void>,
        ) => {
          await sink(1, new Float32Array(6 * X));
          return new Float32Array(4 * X);
        },
      });
      await assert.rejects(
        openReference(suite, request, { cacheDir: dir, generate: bad }),
        /handed IC 1 before IC 0/,
      );
    });
  });
});

import assert from "node:assert/strict";
import { loadOrGenerateReference, sequentialReference } from "../data/reference_cache.ts";
import { getSuite } from "../../suites/mod.ts";
import type { Suite } from "../../suites/common/types.ts";
import { pooledReference } from "./pooled_reference.ts";
import { SLOW } from "../../fixtures/slow.ts";

function bits(a: Float32Array): Uint32Array {
  return new Uint32Array(a.buffer, a.byteOffset, a.length);
}

async function withCache(fn: (cacheDir: string) => Promise<void>): Promise<void> {
  const cacheDir = await Deno.makeTempDir();
  try {
    await fn(cacheDir);
  } finally {
    await Deno.remove(cacheDir, { recursive: true });
  }
}

/** Pooled and one-thread cache entries of the same request: same bits, same recorded digest. */
async function assertSameEntry(
  suite: Suite,
  request: { seed: number; ics: number; steps: number },
): Promise<void> {
  await withCache(async (a) => {
    await withCache(async (b) => {
      const progress: [number, number][] = [];
      const pooled = await loadOrGenerateReference(suite, request, {
        cacheDir: a,
        generate: pooledReference(2),
        progress: (d, t) => progress.push([d, t]),
      });
      const one = await loadOrGenerateReference(suite, request, { cacheDir: b });
      assert.equal(pooled.cached, false);
      assert.equal(pooled.sha256, one.sha256, `${suite.id}: cache digest`);
      assert.deepEqual(bits(pooled.reference), bits(one.reference));
      assert.deepEqual(bits(pooled.ics), bits(one.ics));
      const total = request.ics * request.steps;
      assert.deepEqual(progress.at(-1), [total, total]);
      // The pooled entry reads back as a verified hit with the same digest.
      const hit = await loadOrGenerateReference(suite, request, { cacheDir: a });
      assert.equal(hit.cached, true);
      assert.equal(hit.sha256, one.sha256);
    });
  });
}

for (const id of ["convection1d", "burgers1d", "shallow_water2d"]) {
  Deno.test(`pooledReference: ${id} bit-identical to the one-thread reference`, async () => {
    const suite = getSuite(id);
    await assertSameEntry(suite, { seed: suite.seed, ics: 3, steps: 4 });
  });
}

Deno.test({
  // A cold HW spin-up is half a minute on 2 cores: the slow tier (shallow_water2d and the 1D
  // suites above check the same bit-identity by default).
  name: "pooledReference: hasegawa_wakatani smoke tier has the one-thread digest (EMUBENCH_SLOW=1)",
  ignore: !SLOW,
}, async () => {
  // The base spin-up is cached on disk (after the first run a hit); each IC branches from it.
  const suite = getSuite("hasegawa_wakatani");
  await assertSameEntry(suite, { seed: suite.seed, ics: 2, steps: 3 });
});

Deno.test("pooledReference: one worker, one IC or an unregistered suite run in this thread", async () => {
  let calls = 0;
  const base = getSuite("convection1d");
  const copy: Suite = {
    ...base,
    reference(ics, count, steps, progress) {
      calls++;
      return base.reference(ics, count, steps, progress);
    },
  };
  const request = { seed: 1, ics: 2, steps: 2 };
  const pooled = await pooledReference(2)(copy, request, {});
  assert.equal(calls, 1, "a copy of a registered suite is not what the workers load");
  const one = await sequentialReference(base, request, {});
  assert.deepEqual(bits(pooled.reference), bits(one.reference));
  const single = await pooledReference(1)(base, request, {});
  assert.deepEqual(bits(single.reference), bits(one.reference));
});

// Digests of the smoke-tier references as written by the cache before the FFT and spectrum work
// of issue 17 (1D entries created 2026-12-02 17:25 UTC; 2D digests computed at 03ace59 with the
// radix-2 FFT that emubench had used since 0.1, which the radix-2² rewrite of metrics/fft.ts
// keeps): solver code that changes a bit of a reference must bump the suite version instead of
// passing silently. The two FFT-bound 2D suites need a spin-up (half a minute each on 2 cores),
// hence the slow tier for them.
for (
  const [id, version, sha, slow] of [
    // burgers1d 1.0.1 (one IC per transform) and 1.1.0 (real-input transforms) keep 1.0.0's smoke
    // digest: 1.0.1 moved one standard-tier value (IC 27, step 168); 1.1.0 moved none of the
    // smoke and standard tiers' float32 values (its float64 round-off differs).
    [
      "burgers1d",
      "1.1.0",
      "484ef0918f10fab15a3754ba9ea797b21e6bd393f9c307b4cd55cc924758d825",
      false,
    ],
    // convection1d 1.1.0 (real-input transforms, one IC at a time) keeps 1.0.0's smoke digest:
    // no float32 value of the smoke or standard tier moved.
    [
      "convection1d",
      "1.1.0",
      "c0c865d38f3173a440fb8073b041b72770b9aee697ee188a68c2c372438a030a",
      false,
    ],
    [
      "hasegawa_wakatani",
      "1.0.0",
      "7849ca0b76d39311bbd94874f7768daa9776015c287f7a955dcbd44e2699061a",
      true,
    ],
    // jet2d 1.0.0 was 351899c15f69b098b612ba3b612071a2c4b5ddc3f87138725a6667889892a0a2; 1.1.0
    // (band-layout solver, Basdevant-form Jacobian, radix-4 transforms) moves the smoke tier's
    // float32 values by at most 2 ulps (1.9·10⁻⁶ at |ω| ≈ 19), spin-ups included.
    ["jet2d", "1.1.0", "08026861c6547e83314d38556e1aa41fbdcd6c53db649cc73cfe1bc0c56553e8", true],
  ] as const
) {
  Deno.test({
    name: `${id} smoke reference, pooled, keeps its recorded digest${
      slow ? " (EMUBENCH_SLOW=1)" : ""
    }`,
    ignore: slow && !SLOW,
    fn: async () => {
      const suite = getSuite(id);
      // A new version makes new references by design: pin its digest here deliberately.
      assert.equal(suite.version, version, `${id}: a new version, pin its smoke digest`);
      const request = { seed: suite.seed, ...suite.tiers.smoke };
      await withCache(async (cacheDir) => {
        const pooled = await loadOrGenerateReference(suite, request, {
          cacheDir,
          generate: pooledReference(2),
        });
        assert.equal(pooled.sha256, sha);
      });
    },
  });
}

Deno.test("pooledReference.stream hands ICs on in order, bit for bit the batch, with 1 or 2 workers", async () => {
  const s = getSuite("convection1d"), request = { seed: 11, ics: 5, steps: 3 };
  const one = await sequentialReference(s, request, {});
  const per = 4 * 1024;
  for (const workers of [1, 2]) {
    const seen: number[] = [];
    const ics = await pooledReference(workers).stream!(s, request, {}, (i, t) => {
      seen.push(i);
      assert.deepEqual(bits(t), bits(one.reference.subarray(i * per, (i + 1) * per)));
      return new Promise((r) => setTimeout(r, 5)); // a slow sink: later jobs finish first
    });
    assert.deepEqual(seen, [0, 1, 2, 3, 4], `${workers} workers`);
    assert.deepEqual(bits(ics), bits(one.ics));
  }
});

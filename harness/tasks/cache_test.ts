import assert from "node:assert/strict";
import { join } from "node:path";
import { filesUnder } from "../../fixtures/files.ts";
import { evaluate } from "./run.ts";
import { currentCache } from "./cache.ts";
import { planCachePrune } from "../data/cache_prune.ts";
import { sequentialReference } from "../data/reference_store.ts";
import { getSuite } from "../../suites/mod.ts";

Deno.test("currentCache: what real runs write (references, features) is current, so a prune keeps it; an older version and layout are not", async () => {
  const dir = await Deno.makeTempDir({ prefix: "cache_current_" });
  try {
    // Two requests of burgers1d (the smoke tier and 7 steps) and one of shallow_water2d.
    for (
      const [suite, steps] of [["burgers1d", undefined], ["burgers1d", 7], [
        "shallow_water2d",
        undefined,
      ]] as const
    ) {
      await evaluate({
        suite,
        model: "baseline:persistence",
        tier: "smoke",
        steps,
        backend: "wasm",
        cacheDir: dir,
        generateReference: sequentialReference,
        referenceFeatures: true,
        scoring: "inline",
      });
    }
    const written = await filesUnder(dir);
    const features = written.filter((f) => /\/features\/features-[0-9a-f]{16}\.bin$/.test(f));
    assert.ok(features.length >= 3, `features written: ${written.join("\n")}`);
    assert.deepEqual(await planCachePrune(dir, currentCache()), [], "nothing a run wrote is stale");
    // Another layout beside the current one, and the same entry under an older suite version.
    const burgers = getSuite("burgers1d");
    const current = features.find((f) => f.startsWith(`burgers1d/v${burgers.version}/`))!;
    const stale = current.replace(/features-[0-9a-f]{16}/, "features-0000000000000000");
    await Deno.copyFile(join(dir, current), join(dir, stale));
    const entry = current.split("/features/")[0];
    const old = entry.replace(`/v${burgers.version}/`, "/v0.0.1/");
    await Deno.mkdir(join(dir, old), { recursive: true });
    await Deno.copyFile(join(dir, entry, "zarr.json"), join(dir, old, "zarr.json"));
    const plan = await planCachePrune(dir, currentCache());
    assert.deepEqual(
      plan.map((i) => [i.path.slice(dir.length + 1), i.kind]),
      [["burgers1d/v0.0.1", "version"], [stale, "features"]],
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

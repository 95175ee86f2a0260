import { SUITES } from "./mod.ts";
import { loadBuiltInSuite, SUITE_LOADERS } from "./loaders.ts";

Deno.test("every built-in suite has a loader that gives the registry's object, and only those", async () => {
  const ids = SUITES.map((s) => s.id).sort();
  const loaders = Object.keys(SUITE_LOADERS).sort();
  if (JSON.stringify(ids) !== JSON.stringify(loaders)) {
    throw new Error(`registry ${ids.join(",")} vs loaders ${loaders.join(",")}`);
  }
  for (const suite of SUITES) {
    // The same isolate: the module's object is the registry's, not a copy.
    if ((await loadBuiltInSuite(suite.id)) !== suite) {
      throw new Error(`${suite.id}: another object`);
    }
  }
});

Deno.test("loadBuiltInSuite: an unknown id is a TypeError naming the built-in ids", async () => {
  for (const id of ["nope", "toString", "__proto__"]) {
    try {
      await loadBuiltInSuite(id);
      throw new Error(`${id} loaded`);
    } catch (e) {
      if (!(e instanceof TypeError) || !e.message.includes("burgers1d")) throw e;
    }
  }
});

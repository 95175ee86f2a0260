import { checkLayers, importsOf, layerOf } from "./layers.ts";

const root = new URL("../", import.meta.url);

async function sources(): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const walk = async (rel: string) => {
    for await (const e of Deno.readDir(new URL(rel || ".", root))) {
      const p = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory) {
        if (!e.name.startsWith(".") && !["out", "node_modules"].includes(e.name)) await walk(p);
      } else if (e.name.endsWith(".ts")) out.set(p, await Deno.readTextFile(new URL(p, root)));
    }
  };
  await walk("");
  return out;
}

Deno.test("layers: every source file has a layer", async () => {
  const missing = [...(await sources()).keys()].filter((p) =>
    layerOf(p) === null && !p.endsWith("_test.ts") && !p.endsWith("_bench.ts") &&
    !p.split("/").pop()!.startsWith("_") &&
    !p.startsWith("fixtures/") && !p.startsWith(".ci/")
  );
  if (missing.length) throw new Error(`files outside every layer: ${missing.join(", ")}`);
});

Deno.test("layers: imports point down, no file or folder cycles", async () => {
  const r = checkLayers(await sources());
  const msg = [
    ...r.upward.map((e) => `upward: ${e.from} (${layerOf(e.from)}) → ${e.to} (${layerOf(e.to)})`),
    ...r.fileCycles.map((c) => `file cycle: ${c.join(" ↔ ")}`),
    ...r.folderCycles.map((c) => `folder cycle: ${c.join(" ↔ ")}`),
  ];
  if (msg.length) throw new Error(msg.join("\n"));
});

Deno.test("layers: the checker sees upward imports and cycles (it can fail)", () => {
  const files = new Map([
    ["harness/core/a.ts", `import { x } from "../tasks/b.ts";`],
    [
      "harness/tasks/b.ts",
      `export { y } from "../core/a.ts";\n/** import { z } from "../cli/c.ts" */`,
    ],
    ["harness/cli/c.ts", `const m = await import("../tasks/b.ts");`],
  ]);
  const r = checkLayers(files);
  if (r.upward.length !== 1 || r.upward[0].from !== "harness/core/a.ts") {
    throw new Error(`upward: ${JSON.stringify(r.upward)}`);
  }
  if (r.fileCycles.length !== 1 || r.folderCycles.length !== 1) {
    throw new Error(`cycles: ${JSON.stringify(r)}`);
  }
  if (importsOf(files.get("harness/cli/c.ts")!)[0] !== "../tasks/b.ts") {
    throw new Error("dynamic import missed");
  }
});

import assert from "node:assert/strict";
import { parseManifest } from "../harness/model/manifest.ts";

const read = (p: string) => Deno.readTextFile(new URL(p, import.meta.url));
const blocks = (md: string, lang: string) =>
  [...md.matchAll(new RegExp("```" + lang + "\\n([\\s\\S]*?)```", "g"))].map((m) => m[1]);

/** Whether `block`'s lines appear consecutively in `src`, all shifted by one indentation. */
function contains(src: string[], block: string): boolean {
  const lines = block.replace(/\n$/, "").split("\n");
  for (let i = 0; i + lines.length <= src.length; i++) {
    const shift = src[i].length - src[i].trimStart().length;
    const pad = " ".repeat(shift);
    if (lines.every((l, j) => l === "" ? src[i + j].trim() === "" : src[i + j] === pad + l)) {
      return true;
    }
  }
  return false;
}

Deno.test("docs: every python block of the export guide is code of fixtures/torch/export.py", async () => {
  const src = (await read("../fixtures/torch/export.py")).split("\n");
  const py = blocks(await read("export-guide.md"), "python");
  assert.ok(py.length >= 15, `${py.length} python blocks`);
  for (const b of py) assert.ok(contains(src, b), `not in export.py:\n${b}`);
});

Deno.test("docs: every emulator.json example of the contract parses", async () => {
  for (const file of ["model-contract.md", "export-guide.md"]) {
    for (const b of blocks(await read(file), "json")) {
      parseManifest(JSON.parse(b), `${file} example`);
    }
  }
  assert.ok(blocks(await read("model-contract.md"), "json").length >= 8);
});

Deno.test("docs: the README links the contract and the guide, not a file outside the clone", async () => {
  const readme = await read("../README.md");
  assert.ok(!readme.includes("shared/SPEC.md"), "README links ../shared/SPEC.md");
  assert.match(readme, /docs\/model-contract\.md/);
  assert.match(readme, /docs\/export-guide\.md/);
});

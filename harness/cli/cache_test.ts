import assert from "node:assert/strict";
import { join } from "node:path";
import { runCli } from "../../fixtures/cli.ts";
import { getSuite } from "../../suites/mod.ts";
import { formatBytes } from "./cache.ts";

Deno.test("emubench cache prune: --dry-run lists with bytes and removes nothing; without it removes that", async () => {
  const dir = await Deno.makeTempDir({ prefix: "cli_prune_" });
  try {
    const old = join(dir, "burgers1d", "v0.0.1", "seed1-n2-t3.zarr");
    await Deno.mkdir(old, { recursive: true });
    await Deno.writeFile(join(old, "zarr.json"), new Uint8Array(1500));
    const v = getSuite("burgers1d").version;
    await Deno.mkdir(join(dir, "burgers1d", `v${v}`), { recursive: true });
    const dry = await runCli(["cache", "prune", "--dry-run", "--cache", dir]);
    assert.equal(dry.code, 0, dry.err);
    assert.match(dry.out, /would remove .*burgers1d\/v0\.0\.1 \(1\.50 kB, version: /);
    assert.match(dry.out, /would remove 1 item\(s\), 1\.50 kB, from /);
    assert.ok((await Deno.stat(old)).isDirectory, "a dry run removes nothing");
    const json = await runCli(["cache", "prune", "--dry-run", "--json", "--cache", dir]);
    const parsed = JSON.parse(json.out);
    assert.equal(parsed.bytes, 1500);
    assert.equal(parsed.items[0].kind, "version");
    const wet = await runCli(["cache", "prune", "--cache", dir]);
    assert.equal(wet.code, 0, wet.err);
    assert.match(wet.out, /removed 1 item\(s\), 1\.50 kB/);
    assert.deepEqual([...Deno.readDirSync(join(dir, "burgers1d"))].map((e) => e.name), [`v${v}`]);
    const again = await runCli(["cache", "prune", "--cache", dir]);
    assert.match(again.out, /nothing to remove in /);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("emubench cache: a missing or unknown action, or a file for --cache, exits 2 naming what was expected and found", async () => {
  const dir = await Deno.makeTempDir({ prefix: "cli_prune_" });
  try {
    const unknown = await runCli(["cache", "purge", "--cache", dir]);
    assert.equal(unknown.code, 2);
    assert.match(unknown.err, /expected one of prune, found "purge"/);
    const none = await runCli(["cache", "--cache", dir]);
    assert.equal(none.code, 2);
    assert.match(none.err, /ACTION/);
    await Deno.writeTextFile(join(dir, "f"), "xy");
    const file = await runCli(["cache", "prune", "--cache", join(dir, "f")]);
    assert.equal(file.code, 2);
    assert.match(file.err, /cache directory: expected a directory, found a file of 2 bytes/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("formatBytes: B below 1000, then kB, MB, GB in powers of 1000", () => {
  assert.deepEqual(
    [0, 999, 1000, 1500, 26_400_000, 1.22e9].map(formatBytes),
    ["0 B", "999 B", "1.00 kB", "1.50 kB", "26.4 MB", "1.22 GB"],
  );
});

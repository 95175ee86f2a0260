/**
 * The command-line surface without running any task: `--help` for every command, "did you mean"
 * for flags, suites, baselines and commands, flags refused before any work, the status lines.
 */
import assert from "node:assert/strict";
import { COMMANDS } from "./main.ts";
import { didYouMean, editDistance, userPath } from "./flags.ts";
import { Status } from "./status.ts";
import { runCli } from "../../fixtures/cli.ts";

const cli = (args: string[]) => runCli(args, "\n");

Deno.test("help: every command answers --help and -h with usage, every flag with its meaning, examples", async () => {
  assert.equal(COMMANDS.length, 12);
  for (const c of COMMANDS) {
    for (const h of ["--help", "-h"]) {
      const r = await cli([c.name, h]);
      assert.equal(r.code, 0, `${c.name} ${h}: ${r.err}`);
      assert.match(r.out, new RegExp(`^emubench ${c.name}: `));
      for (const part of ["Usage:", "Flags:", "Examples:", "-h, --help"]) {
        assert.ok(r.out.includes(part), `${c.name} ${h}: no ${part}`);
      }
      for (const [name, spec] of Object.entries(c.flags)) {
        const line = r.out.split("\n").findIndex((l) => l.trimStart().startsWith(`--${name}`));
        assert.ok(line >= 0, `${c.name}: --${name} missing from the help`);
        // The meaning's first words follow the flag (on its line or the next).
        const text = r.out.split("\n").slice(line, line + 4).join(" ").replace(/\s+/g, " ");
        assert.ok(
          text.includes(spec.meaning.split(" ").slice(0, 3).join(" ")),
          `${c.name} --${name}: meaning missing`,
        );
        const shown = spec.required ? "required" : spec.defaultText ?? spec.default;
        if (shown !== undefined) {
          const block = r.out.split("\n").slice(line, line + 4).join(" ").replace(/\s+/g, " ");
          assert.ok(block.includes(String(shown).split(" ")[0]), `${c.name} --${name}: default`);
        }
      }
    }
    // Help comes first even when other flags are wrong or missing.
    assert.equal((await cli([c.name, "--bogus", "--help"])).code, 0);
    const viaHelp = await cli(["help", c.name]);
    assert.equal(viaHelp.code, 0);
    assert.equal(viaHelp.out, (await cli([c.name, "--help"])).out);
  }
});

Deno.test("help: no arguments, --help, -h and help print the command list and exit 0", async () => {
  for (const args of [[], ["--help"], ["-h"], ["help"]]) {
    const r = await cli(args);
    assert.equal(r.code, 0, args.join(" "));
    for (const c of COMMANDS) assert.ok(r.out.includes(`  ${c.name} `), `${c.name} not listed`);
    assert.ok(r.out.includes("Exit codes"));
  }
});

Deno.test("did you mean: flags, suites, baselines, choices and commands; exit 2 naming the flag", async () => {
  const cases: [string[], string[]][] = [
    [["run", "--suite", "burgers1d", "--model", "baseline:persistence", "--teir", "smoke"], [
      "--teir",
      "Did you mean --tier?",
    ]],
    [["run", "--suite", "burger1d", "--model", "baseline:persistence"], [
      "--suite",
      '"burger1d"',
      "Did you mean burgers1d?",
    ]],
    [["run", "--suite", "burgers1d", "--model", "baseline:persistance"], [
      "persistance",
      "Did you mean persistence?",
    ]],
    [["run", "--suite", "burgers1d", "--model", "baseline:persistence", "--backend", "wsam"], [
      "--backend",
      "Did you mean wasm?",
    ]],
    [["stability", "--suite", "jet2d", "--model", "m.onnx", "--horizn", "5"], [
      "--horizn",
      "Did you mean --horizon?",
    ]],
    [["stability", "--suite", "jet2d", "--model", "m.onnx", "--checkpoint", "5"], [
      "Did you mean --checkpoint-every?",
    ]],
    [["gate", "--baseline", "a.json", "--candidat", "b.json"], ["Did you mean --candidate?"]],
    [["leaderboard", "r", "--out", "s", "--jsno"], ["Did you mean --json?"]],
    [["run", "--suite", "burgers1d", "--model", "baseline:persistence", "--zzz"], [
      "--zzz",
      "run --help",
    ]],
  ];
  for (const [args, expect] of cases) {
    const r = await cli(args);
    assert.equal(r.code, 2, `${args.join(" ")}: ${r.err}`);
    for (const e of expect) assert.ok(r.err.includes(e), `${args.join(" ")}: no ${e} in ${r.err}`);
  }
  // A nonsense flag gets no suggestion.
  assert.ok(!(await cli(["list", "--zzz"])).err.includes("Did you mean"));
  const c = await cli(["rnu", "--suite", "burgers1d"]);
  assert.equal(c.code, 2);
  assert.ok(c.err.includes('unknown command "rnu"') && c.err.includes("Did you mean run?"), c.err);
});

Deno.test("flags are refused before any work: no reference is generated for a bad --backend or --batch", async () => {
  const cache = await Deno.makeTempDir({ prefix: "emubench-flags-" });
  const out = `${cache}/out`;
  try {
    for (
      const bad of [
        ["--backend", "gpu"],
        ["--tier", "huge"],
        ["--ics", "two"],
        ["--task", "reconstrct"],
        ["--lmax", "3"],
        ["--batch", "0"],
      ]
    ) {
      const t0 = performance.now();
      const r = await cli([
        "run",
        "--suite",
        "jet2d",
        "--model",
        "baseline:persistence",
        ...bad,
        "--out",
        out,
        "--cache",
        cache,
      ]);
      assert.equal(r.code, 2, `${bad}: ${r.err}`);
      assert.ok(r.err.includes(bad[0]), `${bad}: ${r.err}`);
      // jet2d's reference costs a minute; a refusal is immediate and leaves the cache empty.
      assert.ok(performance.now() - t0 < 20_000, `${bad}: took ${performance.now() - t0} ms`);
      assert.deepEqual([...Deno.readDirSync(cache)].map((e) => e.name), []);
    }
  } finally {
    await Deno.remove(cache, { recursive: true });
  }
});

Deno.test("edit distance and suggestions", () => {
  assert.equal(editDistance("", "abc"), 3);
  assert.equal(editDistance("teir", "tier"), 1);
  assert.equal(editDistance("kitten", "sitting"), 3);
  assert.equal(didYouMean("burger1d", ["burgers1d", "convection1d"]), "burgers1d");
  assert.equal(didYouMean("jet", ["jet2d", "era5"]), "jet2d");
  assert.equal(didYouMean("q", ["jet2d", "era5"]), undefined);
});

Deno.test("userPath: relative paths resolve against INIT_CWD when it differs from the cwd", () => {
  const saved = Deno.env.get("INIT_CWD");
  try {
    Deno.env.delete("INIT_CWD");
    assert.equal(userPath("a/b.onnx"), "a/b.onnx");
    Deno.env.set("INIT_CWD", Deno.cwd());
    assert.equal(userPath("a/b.onnx"), "a/b.onnx");
    Deno.env.set("INIT_CWD", "/somewhere/else");
    assert.equal(userPath("a/b.onnx"), "/somewhere/else/a/b.onnx");
    assert.equal(userPath("../x"), "/somewhere/x");
    assert.equal(userPath("/abs/m.onnx"), "/abs/m.onnx");
  } finally {
    if (saved === undefined) Deno.env.delete("INIT_CWD");
    else Deno.env.set("INIT_CWD", saved);
  }
});

Deno.test("status: plain lines are throttled, short phases are silent, ETA is shown", () => {
  const lines: string[] = [];
  const write = Deno.stderr.writeSync;
  Deno.stderr.writeSync = (b: Uint8Array) => (lines.push(new TextDecoder().decode(b)), b.length);
  try {
    let t = 0;
    const s = new Status(false, { tty: false, now: () => t });
    // A 1 s phase: nothing.
    for (let i = 0; i <= 10; i++) {
      t = i * 100;
      s.progress("quick", i, 10);
    }
    assert.deepEqual(lines, []);
    // A 100 s phase of 100 units reported every 0.1 s: a line at 2 s, then every 5 s, one at the end.
    const t0 = 10_000;
    for (let i = 0; i <= 1000; i++) {
      t = t0 + i * 100;
      s.progress("reference", i, 1000);
    }
    assert.ok(lines.length >= 19 && lines.length <= 22, `${lines.length} lines`);
    assert.equal(lines[0], "reference: 2% (20/1000, ETA 1m38s)\n");
    assert.equal(lines.at(-1), "reference: 100% (1000/1000, 1m40s)\n");
  } finally {
    Deno.stderr.writeSync = write;
  }
});

/**
 * The CLI as a user starts it from another directory: relative paths resolve against the
 * directory the command was typed in (`INIT_CWD` under `deno task`, else the working directory),
 * and the reference cache goes where `--cache`, `EMUBENCH_CACHE` or `XDG_CACHE_HOME` say.
 * Each case spawns a real process (convection1d smoke: a second of work).
 */
import assert from "node:assert/strict";
import { join } from "node:path";

const MAIN = new URL("./main.ts", import.meta.url).pathname;
const CONFIG = new URL("../../deno.json", import.meta.url).pathname;
const DENO_DIR = Deno.env.get("DENO_DIR") ??
  join(Deno.env.get("XDG_CACHE_HOME") ?? join(Deno.env.get("HOME") ?? "", ".cache"), "deno");
const RUN = ["run", "--suite", "convection1d", "--model", "baseline:upwind", "--tier", "smoke"];

/** Spawn the CLI in `cwd` with `env` as the only settings of the variables under test. */
async function spawn(args: string[], cwd: string, env: Record<string, string>) {
  // This process's environment without the variables under test.
  const base = Deno.env.toObject();
  for (const k of ["INIT_CWD", "EMUBENCH_CACHE", "XDG_CACHE_HOME"]) delete base[k];
  // Deno's own cache follows XDG_CACHE_HOME unless DENO_DIR is set: pin it to this process's.
  base.DENO_DIR = DENO_DIR;
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--config", CONFIG, MAIN, ...args],
    cwd,
    env: { ...base, ...env },
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

async function exists(p: string): Promise<boolean> {
  return await Deno.stat(p).then(() => true, () => false);
}

async function list(dir: string): Promise<string[]> {
  const names: string[] = [];
  for await (const e of Deno.readDir(dir)) names.push(e.name);
  return names.sort();
}

Deno.test("paths: --out, result and model paths and EMUBENCH_CACHE resolve against INIT_CWD, not the process cwd", async () => {
  const root = await Deno.makeTempDir({ prefix: "emubench-paths-" });
  try {
    const user = join(root, "user"), proc = join(root, "proc");
    await Deno.mkdir(user);
    await Deno.mkdir(proc);
    // deno task runs in the project root (proc here) and says where the user was in INIT_CWD.
    const r = await spawn(
      [...RUN, "--backend", "wasm", "--out", "rel_out", "--json"],
      proc,
      { INIT_CWD: user, EMUBENCH_CACHE: "rel_cache" },
    );
    assert.equal(r.code, 0, r.stderr);
    assert.ok(await exists(join(user, "rel_out", "result.json")), "result under INIT_CWD");
    assert.ok(await exists(join(user, "rel_out", "report.html")));
    assert.deepEqual(await list(join(user, "rel_cache")), ["convection1d"]);
    assert.deepEqual(await list(proc), [], "nothing lands in the process's directory");
    assert.equal(JSON.parse(r.stdout).result, join(user, "rel_out", "result.json"));
    // A relative positional (report) and a relative --out FILE, the same way.
    const rep = await spawn(
      ["report", join("rel_out", "result.json"), "--out", "page.html"],
      proc,
      { INIT_CWD: user },
    );
    assert.equal(rep.code, 0, rep.stderr);
    assert.ok(await exists(join(user, "page.html")));
    // A relative model path that exists only under INIT_CWD is found there.
    const missing = await spawn(
      ["validate", "nope.onnx", "--suite", "convection1d"],
      proc,
      { INIT_CWD: user },
    );
    assert.equal(missing.code, 2);
    assert.ok(missing.stderr.includes(join(user, "nope.onnx")), missing.stderr);
    assert.deepEqual(await list(proc), []);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("cache: --cache beats EMUBENCH_CACHE beats XDG_CACHE_HOME/emubench; without INIT_CWD paths are cwd-relative", async () => {
  const root = await Deno.makeTempDir({ prefix: "emubench-cache-" });
  try {
    const xdg = join(root, "xdg");
    let r = await spawn(
      [...RUN, "--backend", "wasm", "--out", "a", "--no-report", "--ics", "1", "--steps", "2"],
      root,
      { XDG_CACHE_HOME: xdg },
    );
    assert.equal(r.code, 0, r.stderr);
    assert.ok(await exists(join(root, "a", "result.json")));
    assert.deepEqual(await list(join(xdg, "emubench")), ["convection1d"]);
    r = await spawn(
      [...RUN, "--backend", "wasm", "--out", "b", "--no-report", "--ics", "1", "--steps", "2"],
      root,
      { XDG_CACHE_HOME: xdg, EMUBENCH_CACHE: join(root, "env_cache") },
    );
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(await list(join(root, "env_cache")), ["convection1d"]);
    r = await spawn(
      [
        ...RUN,
        "--backend",
        "wasm",
        "--out",
        "c",
        "--no-report",
        "--ics",
        "1",
        "--steps",
        "2",
        "--cache",
        "flag_cache",
      ],
      root,
      { XDG_CACHE_HOME: xdg, EMUBENCH_CACHE: join(root, "env_cache") },
    );
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(await list(join(root, "flag_cache")), ["convection1d"]);
    // The second run with the same request hits the cache it wrote.
    const again = await spawn(
      [...RUN, "--backend", "wasm", "--out", "d", "--no-report", "--ics", "1", "--steps", "2"],
      root,
      { XDG_CACHE_HOME: xdg },
    );
    const config = JSON.parse(await Deno.readTextFile(join(root, "d", "result.json"))).config;
    assert.equal(again.code, 0);
    assert.match(config.data, /cache hit/);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

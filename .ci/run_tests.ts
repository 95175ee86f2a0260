/**
 * The test command (`deno task test`): format check, lint, type check of every tracked `.ts`
 * file (and untracked ones git does not ignore) and of every JSDoc/Markdown example, then every
 * test, one module at a time and without a second type check (the examples run as tests too
 * with `EMUBENCH_SLOW=1`, which also runs the slow tier), ending with one plain line `N passed, N failed, N skipped` that CI reads. Exits non-zero when
 * anything failed.
 *
 * Extra arguments are passed to `deno test` (e.g. a path to run one folder).
 */
const deno = Deno.execPath();
const extra = Deno.args;
// Tests share the repository's reference cache (`.cache/emubench`) rather than the user's cache
// directory, unless EMUBENCH_CACHE says otherwise.
if (!Deno.env.get("EMUBENCH_CACHE")) {
  Deno.env.set("EMUBENCH_CACHE", `${Deno.cwd()}/.cache/emubench`);
}

async function step(args: string[]): Promise<boolean> {
  const p = new Deno.Command(deno, { args, stdout: "inherit", stderr: "inherit" }).spawn();
  return (await p.status).success;
}

let passed = 0, failed = 0, skipped = 0;
/**
 * Whether the check step type-checked every `.ts` file here (test modules and the workers they
 * start included): `deno test` then skips its own second check of the same files (~10 s).
 */
let typeChecked = false;
if (extra.length === 0) {
  const steps: [string, string[]][] = [["fmt", ["fmt", "--check"]], ["lint", ["lint"]]];
  // Every TypeScript file git tracks (or would add) type-checks, also those no test imports (the
  // web page's entry points). Skipped outside a git checkout.
  // The JSDoc and Markdown examples are type-checked here; they run as tests in the slow tier.
  try {
    // Tracked files and untracked ones git does not ignore (a new test not yet added).
    const ls = (pattern: string) => {
      const o = new Deno.Command("git", {
        args: ["ls-files", "--cached", "--others", "--exclude-standard", pattern],
        stdout: "piped",
      }).outputSync();
      return o.success ? new TextDecoder().decode(o.stdout).split("\n").filter((f) => f) : [];
    };
    const ts = ls("*.ts"), md = ls("*.md");
    if (ts.length > 0) steps.push(["check", ["check", "--doc", ...ts]]);
    if (md.length > 0) steps.push(["check examples in docs", ["check", "--doc-only", ...md]]);
  } catch { /* no git: the tests below still type-check what they import */ }
  for (const [name, args] of steps) {
    const ok = await step([...args]);
    console.log(`${name}: ${ok ? "ok" : "FAILED"}`);
    if (ok) passed++;
    else failed++;
    if (name === "check") typeChecked = ok;
  }
}
await Deno.mkdir(".test-results", { recursive: true });
const junit = ".test-results/junit.xml";
await Deno.remove(junit).catch(() => {});
// Every doc example is its own test module (about 490 of them, ~0.5 s CPU each to load), which
// alone would cost two minutes of the 8-minute budget: they run with EMUBENCH_SLOW=1 or when
// paths are given, and are always type-checked above.
const slow = Deno.env.get("EMUBENCH_SLOW") === "1";
// One module at a time by default. On the 2-core machine this project is timed on, `--parallel`
// (two modules at once in one process) cost twice the CPU and more wall time: 18 modules (browser,
// child-process and wasm tests) took 153 s wall and 252 s CPU with DENO_JOBS=2, 107 s and 125 s
// one at a time (2026-12-03, warm cache, docs/benchmarks.md). EMUBENCH_TEST_JOBS=N runs N at once.
const jobs = Number(Deno.env.get("EMUBENCH_TEST_JOBS") ?? "1");
if (jobs > 1) Deno.env.set("DENO_JOBS", String(Math.floor(jobs)));
const testsOk = await step([
  "test",
  "--allow-all",
  ...(slow || extra.length > 0 ? ["--doc"] : []),
  ...(typeChecked ? ["--no-check"] : []),
  ...(jobs > 1 ? ["--parallel"] : []),
  `--junit-path=${junit}`,
  ...extra,
]);
let xml = "";
try {
  xml = await Deno.readTextFile(junit);
} catch {
  console.error("test runner wrote no junit report");
}
const cases = xml.match(/<testcase\b[\s\S]*?(?:\/>|<\/testcase>)/g) ?? [];
for (const c of cases) {
  if (/<failure\b|<error\b/.test(c)) failed++;
  else if (/<skipped\b/.test(c)) skipped++;
  else passed++;
}
if (!testsOk && !cases.some((c) => /<failure\b|<error\b/.test(c))) failed++; // e.g. type errors
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
Deno.exit(failed > 0 ? 1 : 0);

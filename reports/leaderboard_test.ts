import assert from "node:assert/strict";
import { join } from "node:path";
import {
  buildLeaderboard,
  type LoadedResult,
  loadResults,
  rankReconstructions,
  rankResults,
  renderLeaderboard,
  scoreOf,
  scoreRecords,
  scoresCsv,
  slugify,
} from "./leaderboard.ts";
import { type Fixture, HOSTILE, makeResultsDir } from "./_leaderboard_fixture.ts";
import { sampleResult } from "./sample_result.ts";
import type { Result } from "../harness/results/schema.ts";
import { main } from "../harness/cli/main.ts";

let made: Promise<Fixture> | undefined;
/** The results directory, made once on first use (real smoke runs take a few seconds). */
const fixture = () => (made ??= makeResultsDir());

const loaded = (result: Result, file = "r.json", digest = "ab".repeat(32)): LoadedResult => ({
  file,
  digest,
  result,
});

Deno.test({
  name: "scoreOf a real run: the geomean row, with a bootstrap interval around it",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const { results } = await fixture();
    const r = results.upwind;
    const s = scoreOf(r);
    const row = r.rows.find((x) =>
      x.metric === "nrmse" && x.reduction === "geomean_over_steps_then_mean_over_ics"
    )!;
    assert.ok(Math.abs(s.score! - row.value!) <= 1e-15 * row.value!, `${s.score} vs ${row.value}`);
    assert.equal(s.n, 4);
    assert.equal(s.diverged, 0);
    assert.ok(s.lower! <= s.score! && s.score! <= s.upper! && s.lower! < s.upper!);
    // Seeded: the same score twice.
    assert.deepEqual(scoreOf(r), s);
  },
});

Deno.test("scoreOf: diverged ICs are counted, not averaged; no per-IC rows → no interval", () => {
  const r = sampleResult({ steps: 20, ics: 3, diverge: { 1: 10 } });
  r.rows.push(
    { metric: "nrmse", field: "u", ic: 0, value: 0.2, reduction: "geomean_over_steps" },
    { metric: "nrmse", field: "u", ic: 2, value: 0.4, reduction: "geomean_over_steps" },
  );
  const s = scoreOf(r);
  assert.deepEqual([s.n, s.diverged, s.ics], [2, 1, 3]);
  assert.ok(Math.abs(s.score! - 0.3) < 1e-15);
  // Two fields: s_i is the mean over fields; an IC missing one field is missing.
  const two = sampleResult({ steps: 20, ics: 2, diverge: {}, fields: ["h", "u"] });
  two.rows.push(
    { metric: "nrmse", field: "h", ic: 0, value: 0.1, reduction: "geomean_over_steps" },
    { metric: "nrmse", field: "u", ic: 0, value: 0.3, reduction: "geomean_over_steps" },
    { metric: "nrmse", field: "h", ic: 1, value: 0.5, reduction: "geomean_over_steps" },
  );
  const s2 = scoreOf(two);
  assert.deepEqual([s2.score, s2.n], [0.2, 1]);
  const plain = scoreOf(sampleResult({ steps: 20, ics: 2, diverge: {} }));
  assert.ok(plain.score! > 0);
  assert.deepEqual([plain.lower, plain.upper], [null, null]);
});

Deno.test("rankResults: comparable tables, fewer divergences first, skill against persistence", () => {
  const mk = (name: string, phaseError: number, diverge: Record<number, number> = {}) => {
    const r = sampleResult({ name, steps: 20, ics: 4, diverge, phaseError });
    r.model.kind = name.startsWith("baseline:") ? "baseline" : "model";
    return r;
  };
  const pers = mk("baseline:persistence", 0.2);
  const good = mk("good", 0.001);
  const better = mk("better-but-unstable", 0.0001, { 3: 12 });
  const smoke = mk("other-tier", 0.001);
  smoke.suite.tier = "smoke";
  const boards = rankResults([
    loaded(better, "a.json", "1".repeat(64)),
    loaded(pers, "b.json", "2".repeat(64)),
    loaded(good, "c.json", "3".repeat(64)),
    loaded(smoke, "d.json", "4".repeat(64)),
  ], { resamples: 50 });
  assert.equal(boards.length, 2);
  assert.match(boards[0].setting, /tier standard/);
  assert.match(boards[1].setting, /tier smoke/);
  const names = boards[0].rows.map((r) => r.entry.result.model.name);
  assert.deepEqual(names, ["good", "baseline:persistence", "better-but-unstable"]);
  const row = (n: string) => boards[0].rows.find((r) => r.entry.result.model.name === n)!;
  assert.equal(boards[0].persistence, row("baseline:persistence"));
  assert.equal(row("baseline:persistence").skill, 0);
  const g = row("good");
  assert.ok(
    Math.abs(g.skill! - Math.log10(row("baseline:persistence").score.score! / g.score.score!)) <
      1e-15,
  );
  assert.ok(g.skill! > 0);
  // No persistence in the smoke table: no skill.
  assert.equal(boards[1].persistence, null);
  assert.equal(boards[1].rows[0].skill, null);
  assert.equal(boards[1].comparePage, null); // one run: nothing to compare
  assert.match(boards[0].comparePage!, /^compare\/convection1d-[0-9a-f]{12}\.html$/);
});

Deno.test("slugify: ASCII, no separators or dots, bounded", () => {
  for (const s of ["../../etc/passwd", "a/b\\c", "%2e%2e", "..", HOSTILE.attr, "ü".repeat(99)]) {
    const slug = slugify(s);
    assert.match(slug, /^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/, `${s} → ${slug}`);
  }
  assert.equal(slugify("My UNet v2"), "my-unet-v2");
  assert.equal(slugify("Ünïcode"), "unicode");
  assert.equal(slugify(""), "x");
});

Deno.test("renderLeaderboard escapes every submitter string on the index page", () => {
  const r = sampleResult({
    name: HOSTILE.script,
    description: HOSTILE.attr,
    authors: [HOSTILE.link],
    steps: 20,
    ics: 2,
  });
  r.suite.title = HOSTILE.attr;
  r.environment.backend = HOSTILE.script;
  const site = renderLeaderboard([loaded(r)], [{ file: HOSTILE.attr, reason: HOSTILE.script }]);
  const index = site.pages.get("index.html")!;
  assert.ok(!index.includes("<script>window"), "raw script tag");
  assert.ok(!index.includes("<img"), "raw img tag");
  assert.ok(!/href="javascript:/i.test(index));
  assert.ok(index.includes("&lt;script&gt;window.__pwned=1&lt;/script&gt;"));
  assert.ok(index.includes("&quot;&gt;&lt;img src=x onerror=window.__pwned=1&gt;"));
  // Exactly one inline script (the sorter), allowed by hash.
  assert.equal(index.match(/<script>/g)?.length, 1);
  assert.match(index, /script-src &#39;sha256-[A-Za-z0-9+/=]+&#39;;/); // quotes escaped in the attribute
  for (const path of site.pages.keys()) {
    assert.match(
      path,
      /^((index|(runs|compare)\/[a-z0-9-]+)\.html|assets\/emubench\.js|leaderboard\.csv)$/,
    );
  }
});

Deno.test({
  name: "buildLeaderboard: real runs ranked, bad files reported and skipped, stale pages removed",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const { dir, bad } = await fixture();
    const out = join(dir, "site"); // inside the results dir: must not be read back as results
    const logs: string[] = [];
    const site = await buildLeaderboard(dir, out, { log: (m) => logs.push(m), resamples: 200 });
    assert.deepEqual(site.skipped.map((s) => s.file).sort(), [...bad].sort());
    const reasons = Object.fromEntries(site.skipped.map((s) => [s.file, s.reason]));
    assert.match(reasons["convection1d/broken/result.json"], /expected a JSON result file/);
    assert.match(reasons["notes.json"], /schema: expected "emubench\.result\/2"/);
    assert.match(reasons["convection1d/tampered/result.json"], /mean of its 4 per-IC rows/);
    assert.match(reasons["convection1d/forged/result.json"], /model\.sha256/);
    for (const f of bad) assert.ok(logs.some((l) => l.startsWith(`skipped ${f}: `)), f);

    const conv = site.boards.find((b) => b.suiteId === "convection1d")!;
    const names = conv.rows.map((r) => r.entry.result.model.name);
    assert.equal(names.length, 7);
    assert.equal(names.at(-1), "baseline:persistence"); // every model here beats persistence
    assert.equal(conv.rows.at(-1)!.skill, 0);
    assert.ok(conv.rows.slice(0, -1).every((r) => r.skill! > 0));
    const burgers = site.boards.find((b) => b.suiteId === "burgers1d")!;
    assert.equal(burgers.rows.length, 2);

    // Pages on disk: index, one per run, one comparison per table; names derived safely.
    const index = await Deno.readTextFile(site.index);
    assert.equal(site.pages.filter((p) => p.startsWith("runs/")).length, 9);
    assert.equal(site.pages.filter((p) => p.startsWith("compare/")).length, 2);
    // One shared copy of d3 and the chart code; every score as CSV and in leaderboard.json.
    assert.ok(site.pages.includes("assets/emubench.js") && site.pages.includes("leaderboard.csv"));
    const manifest = JSON.parse(await Deno.readTextFile(join(out, "leaderboard.json")));
    assert.equal(manifest.schema, "emubench.leaderboard/2");
    assert.ok(manifest.scores.some((s: { metric: string }) => s.metric === "skill_decades"));
    for (const p of site.pages.filter((x) => x.endsWith(".html"))) {
      assert.match(p, /^(index|(runs|compare)\/[a-z0-9-]+)\.html$/);
      const html = await Deno.readTextFile(join(out, p));
      assert.ok(!html.includes("<script>window") && !html.includes("<img"), p);
      if (p !== "index.html") assert.ok(html.includes('href="../index.html"'), p);
      assert.ok(index.includes(`href="${p}"`) || p === "index.html", `index links ${p}`);
    }
    for (const f of bad) {
      const shown = f.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
      assert.ok(index.includes(shown), `index lists ${f}`);
    }

    // Remove a result and rebuild: its page goes, nothing else in the site dir is touched.
    await Deno.writeTextFile(join(out, "keep.txt"), "mine");
    const gone = site.pages.find((p) => p.startsWith("runs/damped-lax-wendroff-"))!;
    await Deno.remove(join(dir, "convection1d", "damped"), { recursive: true });
    const again = await buildLeaderboard(dir, out, { resamples: 200 });
    assert.ok(!again.pages.includes(gone));
    await assert.rejects(() => Deno.stat(join(out, gone)), Deno.errors.NotFound);
    assert.equal(await Deno.readTextFile(join(out, "keep.txt")), "mine");

    // The CLI prints the skipped files and exits 0.
    const { error, log } = console;
    const printed: string[] = [];
    console.error = (...a: unknown[]) => printed.push(a.join(" "));
    console.log = (...a: unknown[]) => printed.push(a.join(" "));
    let code: number, missing: number;
    try {
      code = await main(["leaderboard", dir, "--out", join(dir, "site2")]);
      missing = await main(["leaderboard", join(dir, "nope"), "--out", join(dir, "x")]);
    } finally {
      console.error = error;
      console.log = log;
    }
    assert.equal(code, 0);
    assert.ok(printed.some((l) => l.includes("skipped convection1d/tampered/result.json")));
    assert.ok(printed.some((l) => /wrote \d+ pages/.test(l)));
    assert.equal(missing, 2);
    assert.match(printed.at(-1)!, /nope: expected a directory of result files, found nothing/);
  },
});

Deno.test({
  name: "leaderboard fixture cleanup",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    if (made) await Deno.remove((await made).dir, { recursive: true });
  },
});

Deno.test({
  name: "loadResults: reconstruct results are kept and ranked apart from forecasts",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const { evaluateReconstruction } = await import("../harness/tasks/reconstruct.ts");
    const dir = await Deno.makeTempDir({ prefix: "emubench-lb-recon-" });
    try {
      await evaluateReconstruction({
        suite: "era5",
        model: "baseline:mean_pool_r16",
        tier: "smoke",
        backend: "wasm",
        samples: 1,
        lmax: 4,
        outDir: join(dir, "recon"),
      });
      const { results, skipped } = await loadResults(dir);
      assert.deepEqual(skipped, []);
      assert.equal(results.length, 1);
      assert.deepEqual(rankResults(results), []);
      const recon = rankReconstructions(results);
      assert.equal(recon.length, 1);
      assert.equal(recon[0].rows[0].ratio, 16);
      assert.ok(recon[0].rows[0].best && recon[0].rows[0].psnr.every((v) => v !== null));
      const csv = scoresCsv(scoreRecords([], recon));
      assert.match(csv, /"reconstruct","era5",.*"compression_ratio","\*",16,/);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test("a device-reductions run beside host runs is tagged, and its table names what it lacks", () => {
  const host = sampleResult({ name: "host-run", steps: 20, ics: 2, diverge: {} });
  const device = sampleResult({ name: "device-run", steps: 20, ics: 2, diverge: {} });
  device.reductions = {
    where: "device",
    precision: "float32",
    backend: "webgpu [<gpu>]",
    note: "",
    omitted: [
      { family: "scorer", metrics: ["spectrum_error", "spectrum_error_low"], because: "spectra" },
      { family: "diagnostics", because: "it needs the full state of every step" },
    ],
  };
  const alone = sampleResult({ name: "alone", steps: 20, ics: 2, diverge: {} });
  alone.suite.tier = "smoke"; // a table of host runs only
  const site = renderLeaderboard(
    [
      loaded(host, "h.json", "1".repeat(64)),
      loaded(device, "d.json", "2".repeat(64)),
      loaded(alone, "a.json", "3".repeat(64)),
    ],
    [],
    { resamples: 20 },
  );
  assert.equal(site.boards.length, 2);
  const index = site.pages.get("index.html")!;
  const [mixed, plain] = index.split(`<div class="board-block">`).slice(1);
  // The device row carries the tag, with the backend (escaped) and the missing metrics.
  const deviceRow = mixed.split("<tr").find((r) => r.includes("device-run"))!;
  assert.match(deviceRow, /<span class="tag device" title="[^"]*">device reductions<\/span>/);
  assert.ok(deviceRow.includes("webgpu [&lt;gpu&gt;] in float32"), deviceRow);
  assert.ok(deviceRow.includes("spectrum_error, spectrum_error_low (spectra); diagnostics (it"));
  const hostRow = mixed.split("<tr").find((r) => r.includes("host-run"))!;
  assert.ok(!hostRow.includes("device reductions"), "the host row is not tagged");
  // Under the mixed table: which runs, and every metric they lack, by name.
  assert.match(mixed, /<strong>Device reductions\.<\/strong> 1 of 2 runs here \(tagged\)/);
  assert.ok(
    mixed.includes("lack spectrum_error, spectrum_error_low, diagnostics, which the other"),
  );
  assert.ok(!plain.includes("Device reductions."), "no note under a table of host runs");
  // The records say where each run's reductions ran; the CSV has the column.
  const where = (name: string) =>
    new Set(site.records.filter((r) => r.model === name).map((r) => r.reductions));
  assert.deepEqual([...where("device-run")], ["device"]);
  assert.deepEqual([...where("host-run")], ["host"]);
  const csv = site.pages.get("leaderboard.csv")!.split("\r\n");
  assert.ok(csv[0].endsWith(",page,reductions"), csv[0]);
  assert.ok(csv.some((l) => l.includes('"device-run"') && l.endsWith(',"device"')));
});

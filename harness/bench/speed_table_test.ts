import { deepStrictEqual as assertEquals, throws as assertThrows } from "node:assert/strict";
import {
  benchRows,
  commandLine,
  meets,
  memoryRows,
  parseJsonLine,
  referenceRows,
  renderTable,
  type Row,
  type Settings,
  suiteChildren,
  TARGETS,
  yardstickRows,
} from "./speed_table.ts";

const settings: Settings = {
  rounds: 2,
  refRounds: 1,
  backend: "native",
  python: "python3",
  models: { burgers1d: "cnn1d_untrained" },
};

Deno.test("parseJsonLine takes the last JSON line, after the human table, and checks its bench", () => {
  const out = [
    "| suite | ICs |",
    "|---|---|",
    'JSON: {"bench":"memory","rows":[1]}',
    '  JSON: {"bench":"memory","rows":[2]}  ',
    "",
  ].join("\n");
  assertEquals(parseJsonLine(out, "memory").rows, [2]);
  assertThrows(() => parseJsonLine(out, "bench"), TypeError);
  assertThrows(() => parseJsonLine("| a |\nno json here\n", "memory"), TypeError);
  assertThrows(() => parseJsonLine("JSON: {not json", "memory"), TypeError);
  assertThrows(() => parseJsonLine("JSON: [1, 2]", "memory"), TypeError);
});

Deno.test("meets: the boundary counts as met, a missing figure is no verdict", () => {
  assertEquals(meets(0.9, ">=", 0.9), true);
  assertEquals(meets(0.8999, ">=", 0.9), false);
  assertEquals(meets(1.2, "<=", 1.2), true);
  assertEquals(meets(1.2001, "<=", 1.2), false);
  assertEquals(meets(NaN, ">=", 0.9), null);
  assertEquals(meets(Infinity, ">=", 0.9), null);
});

Deno.test("benchRows: kept shares against 90%, inline and worker judged apart", () => {
  const j = parseJsonLine(
    'JSON: {"bench":"bench","suite":"burgers1d","model":"cnn1d_untrained","batch":32,' +
      '"steps":200,"rounds":3,"backends":[{"backend":"native","bareStepsPerSecond":4321.4,' +
      '"keptInline":0.62,"keptWorker":0.905}]}',
    "bench",
  );
  const rows = benchRows(j, 1);
  assertEquals(rows.map((r) => r.figure), ["4321 IC-steps/s", "62%", "91%"]);
  assertEquals(rows.map((r) => r.met), [null, false, true]);
  assertEquals(rows.every((r) => r.command === 1), true);
  assertEquals(benchRows({ bench: "bench", backends: [] }, 1)[0].figure.startsWith("failed"), true);
});

Deno.test("benchRows: the worker started during set-up is judged, its start counted is a figure", () => {
  const j = parseJsonLine(
    'JSON: {"bench":"bench","suite":"burgers1d","model":"cnn1d_untrained","batch":32,' +
      '"steps":200,"rounds":7,"backends":[{"backend":"native","bareStepsPerSecond":4000,' +
      '"keptInline":0.62,"keptWorker":0.86,"keptWorkerStarted":0.92}]}',
    "bench",
  );
  const rows = benchRows(j, 1);
  assertEquals(rows.map((r) => r.figure), ["4000 IC-steps/s", "62%", "92%", "86%"]);
  assertEquals(rows.map((r) => r.met), [null, false, true, null]);
  assertEquals(rows.map((r) => r.target), ["—", "≥ 90%", "≥ 90%", "—"]);
  assertEquals(rows[2].measurement.includes("set-up"), true);
  assertEquals(rows[3].measurement.includes("start counted"), true);
});

Deno.test("yardstickRows: NumPy ÷ TS per case of the suite; no case, no verdict", () => {
  const j = {
    bench: "yardstick",
    cases: [
      { suite: "burgers1d", unit: "sub-step", tsMs: 0.04, numpyMs: 0.061 }, // 1.525×
      { suite: "jet2d", unit: "step", tsMs: 12, numpyMs: 6 }, // 0.5×
      { suite: "hasegawa_wakatani", unit: "step", tsMs: 10, numpyMs: null },
    ],
  };
  const b = yardstickRows(j, "burgers1d", 2);
  // a step below 1 ms keeps 3 significant digits (convection1d's is ≈ 0.008 ms)
  assertEquals(b[0].figure, "1.52× (TS 0.0400 ms, NumPy 0.0610 ms)");
  assertEquals([b.length, b[0].met, b[0].figure.startsWith("1.52×"), b[0].command], [
    1,
    true,
    true,
    2,
  ]);
  assertEquals(yardstickRows(j, "jet2d", 2)[0].met, false);
  assertEquals(yardstickRows(j, "hasegawa_wakatani", 2)[0].met, null);
  // every built-in suite has a case since 2026-12-03; a new suite without one gets no verdict
  const none = yardstickRows(j, "new_suite", 2);
  assertEquals([none.length, none[0].met, none[0].figure], [
    1,
    null,
    "no yardstick case for this suite",
  ]);
});

Deno.test("referenceRows: the pool's CPU ÷ wall against 1.7", () => {
  const j = (ratio: number) => ({
    bench: "reference",
    tier: "smoke",
    ics: 2,
    steps: 10,
    workers: 2,
    one: { wallSeconds: 11.6, cpuSeconds: 11.7, cpuPerWall: 1.01 },
    pool: { wallSeconds: 6.35, cpuSeconds: 12.4, cpuPerWall: ratio },
    speedup: 11.6 / 6.35,
  });
  assertEquals(referenceRows(j(1.95), 3).map((r) => r.met), [true, null]);
  assertEquals(referenceRows(j(1.69), 3)[0].met, false);
  assertEquals(referenceRows(j(1.95), 3)[1].figure, "11.60 s / 6.35 s (1.83×)");
});

Deno.test("memoryRows: peak at 10·T over peak at T against the flat bound", () => {
  const j = {
    bench: "memory",
    tier: "standard",
    factor: 10,
    rows: [
      { suite: "other", ics: 1, steps: 1, peak: 1, before: 1 },
      { suite: "burgers1d", ics: 32, steps: 200, peak: 200, before: 66 },
      { suite: "burgers1d", ics: 32, steps: 2000, peak: 250, before: 67 }, // 1.25×
    ],
  };
  const rows = memoryRows(j, "burgers1d", 4);
  assertEquals(rows.length, 2);
  assertEquals(rows[1].figure, "1.25× (250 MiB)");
  assertEquals(rows[1].met, false); // over TARGETS.flat = 1.2
  assertEquals(memoryRows(j, "burgers1d", 4, 1.3)[1].met, true);
  const failedLong = {
    ...j,
    rows: [j.rows[1], { suite: "burgers1d", ics: 32, steps: 2000, error: "exit 1" }],
  };
  const f = memoryRows(failedLong, "burgers1d", 4);
  assertEquals([f.length, f[1].figure, f[1].met], [2, "failed: exit 1", null]);
  assertEquals(TARGETS.flat, 1.2);
});

Deno.test("renderTable: one row per figure, the verdict spelled out, numbered commands", () => {
  const rows: Row[] = [
    { measurement: "kept", figure: "95%", target: "≥ 90%", met: true, command: 1 },
    { measurement: "ratio", figure: "1.2×", target: "≥ 1.5×", met: false, command: 2 },
    { measurement: "peak", figure: "100 MiB", target: "—", met: null, command: 2 },
  ];
  const md = renderTable("burgers1d", rows, ["cmd one", "cmd two"]).split("\n");
  assertEquals(md[0], "### burgers1d");
  const table = md.filter((l) => l.startsWith("|"));
  assertEquals(table.length, 2 + rows.length);
  const cells = table.map((l) => l.slice(1, -1).split("|").map((c) => c.trim()));
  assertEquals(cells[0], ["measurement", "figure", "target", "met?", "command"]);
  assertEquals(cells.slice(2).map((c) => c[3]), ["yes", "**no**", "—"]);
  assertEquals(cells.slice(2).map((c) => c[4]), ["1", "2", "2"]);
  // all table lines equally wide (padded columns)
  assertEquals(new Set(table.map((l) => [...l].length)).size, 1);
  assertEquals(md.filter((l) => /^\d+\. `/.test(l)), ["1. `cmd one`", "2. `cmd two`"]);
});

Deno.test("suiteChildren: standard tier for 1D suites, smoke for the others, flags passed on", () => {
  const oneD = suiteChildren({ id: "burgers1d", oneD: true }, settings);
  assertEquals(oneD.map((c) => c.part), ["bench", "reference", "memory"]);
  assertEquals(
    commandLine(oneD[0]),
    "deno run -A harness/bench/bench.ts --suite burgers1d --backends native --rounds 2 " +
      "--no-solver --model cnn1d_untrained",
  );
  assertEquals(oneD[1].args, ["--suite", "burgers1d", "--tier", "standard", "--rounds", "1"]);
  assertEquals(oneD[2].args, [
    "--suites",
    "burgers1d",
    "--tier",
    "standard",
    "--backend",
    "native",
  ]);
  const twoD = suiteChildren({ id: "jet2d", oneD: false }, { ...settings, benchSteps: 20 });
  assertEquals(twoD[0].args.slice(-2), ["--steps", "20"]);
  assertEquals(twoD[0].args.includes("--model"), false);
  assertEquals(twoD[1].args[3], "smoke");
  assertEquals(twoD[2].args[3], "smoke");
  const forced = suiteChildren({ id: "jet2d", oneD: false }, { ...settings, memTier: "standard" });
  assertEquals([forced[1].args[3], forced[2].args[3]], ["smoke", "standard"]);
});

Deno.test("benchRows: features forced where a run leaves them off are a figure, not a verdict", () => {
  const line = (byDefault: boolean) =>
    parseJsonLine(
      'JSON: {"bench":"bench","suite":"s","model":"m","batch":4,"steps":10,"rounds":3,' +
        '"backends":[{"backend":"native","bareStepsPerSecond":100,"keptInline":0.5,' +
        `"keptWorker":0.95,"keptWorkerFeatures":0.8,"workerFeaturesByDefault":${byDefault}}]}`,
      "bench",
    );
  const off = benchRows(line(false), 1).at(-1)!, on = benchRows(line(true), 1).at(-1)!;
  assertEquals([off.figure, off.met, off.target], ["80%", null, "—"]);
  assertEquals(off.measurement.includes("forced"), true);
  assertEquals([on.figure, on.met], ["80%", false]);
});

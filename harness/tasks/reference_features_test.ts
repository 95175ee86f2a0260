/**
 * Reference features through the trackers of every built-in suite and through `evaluate`: the
 * rows with features (inline, on the scoring worker, read back from a store) are bit for bit the
 * rows without them.
 */
import { SUITES } from "../../suites/mod.ts";
import { gridSize, type Suite } from "../../suites/common/types.ts";
import { suiteFeatures, suiteTrackers, type TrackedRun } from "./suite_trackers.ts";
import { openScoring } from "./scoring.ts";
import { evaluate } from "./run.ts";
import { memoryReferenceStore, type ReferenceStore } from "../data/reference_store.ts";
import { sharedReference } from "../../fixtures/references.ts";
import { assertSameRows } from "../../fixtures/rows.ts";
import { Rng } from "../core/rng.ts";
import { featureSet, type TrackerFamily } from "../../metrics/tracker.ts";
import { extrapolateGraph } from "../../fixtures/graphs.ts";

function assert(ok: unknown, message = "assertion failed"): asserts ok {
  if (!ok) throw new Error(message);
}

/** Seeded smooth-ish states `[ics, steps + 1, S]` of `suite` (a spin-up would take minutes). */
function states(suite: Suite, ics: number, steps: number, seed: number): Float32Array {
  const S = suite.fields.length * gridSize(suite.grid), rng = new Rng(seed, 0);
  const phase = Array.from({ length: 4 }, () => 6 * rng.uniform());
  return Float32Array.from({ length: ics * (steps + 1) * S }, (_, k) => {
    const j = k % S, n = Math.floor(k / S);
    return 1 + Math.sin(0.01 * j + phase[n % 4] + 0.3 * n) + 0.1 * (rng.uniform() - 0.5);
  });
}

/** Observe the same states with `set`, handing features where `features` says so. */
function score(
  suite: Suite,
  run: TrackedRun,
  features: boolean,
  observe = suiteTrackers(suite, run),
) {
  const S = suite.fields.length * gridSize(suite.grid), T1 = run.steps + 1;
  const ref = states(suite, run.ics, run.steps, 1), pred = states(suite, run.ics, run.steps, 2);
  const layout = suiteFeatures(suite, run);
  for (let ic = 0; ic < run.ics; ic++) {
    observe.observeInitial(ic, ref.subarray(ic * T1 * S, (ic * T1 + 1) * S));
  }
  for (let n = 1; n <= run.steps; n++) {
    for (let ic = 0; ic < run.ics; ic++) {
      const at = (ic * T1 + n) * S, y = ref.subarray(at, at + S);
      observe.observe(
        ic,
        n,
        pred.subarray(at, at + S),
        y,
        features ? layout.compute(y) : undefined,
      );
    }
  }
  return observe;
}

/** A window of a feature source: its bounds and values per state. */
type FeatureWindow = { ic0: number; ic1: number; t0: number; t1: number; size: number };

/**
 * A memory store whose feature windows are counted (`hook.windows`), listed (`hook.read`) and
 * pass through `hook.edit` where set (a copy: the store's values are left as they are).
 */
function doctoredStore() {
  const memory = memoryReferenceStore();
  const hook = {
    windows: 0,
    read: [] as FeatureWindow[],
    edit: undefined as ((v: Float64Array, w: FeatureWindow) => Float64Array) | undefined,
  };
  const store: ReferenceStore = {
    ...memory,
    openFeatures: async (...a) => {
      const found = await memory.openFeatures!(...a);
      if (!found) return found;
      const src = found.source;
      const window = async (ic0: number, ic1: number, t0: number, t1: number) => {
        hook.windows++;
        hook.read.push({ ic0, ic1, t0, t1, size: src.size });
        const v = await src.window(ic0, ic1, t0, t1);
        return hook.edit ? hook.edit(v.slice(), { ic0, ic1, t0, t1, size: src.size }) : v;
      };
      return { ...found, source: { ...src, window } };
    },
  };
  return { memory, store, hook };
}

/**
 * What a burgers1d smoke run of the persistence baseline on `store` is given. The reference is
 * solved once for the module (`sharedReference`); each test's store starts empty.
 */
function smoke(store: ReferenceStore) {
  return {
    suite: "burgers1d",
    model: "baseline:persistence",
    tier: "smoke",
    backend: "wasm",
    referenceStore: store,
    generateReference: sharedReference,
  } as const;
}

/** The energy_ref row of `step` (undefined where there is none). */
const energyRef = (
  rows: { metric: string; step?: number; value?: number | null }[],
  step: number,
) => rows.find((r) => r.metric === "energy_ref" && r.step === step)?.value;

Deno.test("every built-in suite: rows with reference features are the rows without", () => {
  for (const suite of SUITES) {
    const run = { ics: 2, steps: 3, history: 1, summarySteps: [1, 3], seed: 0 };
    const layout = suiteFeatures(suite, run);
    const keys = layout.slots.map((s) => s.key);
    assert(keys[0] === "scorer", `${suite.id}: ${layout.version}`);
    assert(
      keys.includes("diagnostics") === (suite.diagnostics !== undefined),
      `${suite.id}: diagnostics features iff the suite has diagnostics (${layout.version})`,
    );
    assert(/#[0-9a-f]{16}$/.test(layout.version), `${suite.id}: probe digest in ${layout.version}`);
    assertSameRows(score(suite, run, true).rows(), score(suite, run, false).rows(), suite.id);
  }
});

Deno.test("the layout version follows the numbers: other feature code, other version", () => {
  const family = (scale: number, version = "1"): TrackerFamily => ({
    key: "toy",
    applies: () => ({ has: true, because: "always" }),
    features: () => ({ version, size: 1, compute: (s) => Float64Array.of(scale * s[0]) }),
    build: () => {
      throw new Error("not built here");
    },
  });
  const ctx = {
    suite: { id: "toy", fields: ["u"], energy: () => 0 },
    pointsPerField: 4,
    ics: 1,
    steps: 1,
    firstStep: 1,
    summarySteps: [],
    seed: 0,
  };
  const v = (f: TrackerFamily) => featureSet([f], ctx).version;
  assert(v(family(2)) === v(family(2)), "deterministic");
  assert(v(family(2)) !== v(family(2 + 2 ** -40)), "a change in the last bits, no version bump");
  assert(v(family(2)) !== v(family(2, "2")), "a bumped version");
});

Deno.test("features that are not the reference's change the rows (the path is used)", () => {
  const suite = SUITES.find((s) => s.id === "convection1d")!;
  const run = { ics: 1, steps: 1, history: 1, summarySteps: [1], seed: 0 };
  const layout = suiteFeatures(suite, run);
  const set = suiteTrackers(suite, run), plain = suiteTrackers(suite, run);
  const y = states(suite, 1, 0, 1), p = y.map((v) => v + 0.25);
  for (const t of [set, plain]) t.observeInitial(0, y);
  const wrong = layout.compute(y).map((v) => 2 * v);
  set.observe(0, 1, p, y, wrong);
  plain.observe(0, 1, p, y);
  const row = (rows: ReturnType<typeof set.rows>) =>
    rows.find((r) => r.metric === "energy_ref" && r.step === 1)!.value;
  assert(row(set.rows()) === 2 * row(plain.rows())!, "energy_ref from the features");
  let refused = false;
  try {
    set.observe(0, 1, p, y, wrong.subarray(1));
  } catch (e) {
    refused = e instanceof TypeError;
  }
  assert(refused, "a vector of another length is a TypeError");
});

Deno.test("the scoring worker takes features: its rows are the inline rows without them", async () => {
  const suite = SUITES.find((s) => s.id === "shallow_water2d")!;
  const run = { ics: 2, steps: 3, history: 1, summarySteps: [3], seed: 0 };
  const worker = openScoring(suite, run, "worker");
  try {
    score(suite, run, true, worker as unknown as ReturnType<typeof suiteTrackers>);
    await worker.settle();
    const rows = (await worker.finish()).rows;
    assertSameRows(rows, score(suite, run, false).rows(), "worker");
  } finally {
    worker.close();
  }
});

Deno.test("evaluate: computed, then read back, the features leave every row as it was", async () => {
  const memory = memoryReferenceStore();
  let hits = 0;
  const store: ReferenceStore = {
    ...memory,
    openFeatures: async (...a) => {
      const found = await memory.openFeatures!(...a);
      if (found) hits++;
      return found;
    },
  };
  for (const suite of ["burgers1d", "shallow_water2d"]) {
    const before = hits;
    const go = (referenceFeatures: boolean) =>
      evaluate({
        suite,
        model: "baseline:persistence",
        tier: "smoke",
        backend: "wasm",
        referenceStore: store,
        generateReference: sharedReference,
        referenceFeatures,
        scoring: "inline",
      });
    const without = (await go(false)).result.rows;
    const computed = (await go(true)).result.rows; // computes and stores them
    const read = (await go(true)).result.rows; // reads them back
    assertSameRows(computed, without, `${suite}: computed`);
    assertSameRows(read, without, `${suite}: read back`);
    assert(hits === before + 1, `${suite}: the third run read the stored features`);
  }
});

Deno.test("evaluate hands the stored features to the trackers (doctored ones change the rows)", async () => {
  const { store, hook } = doctoredStore();
  // On the worker burgers1d's features are not used by default (featuresPayOff): asked for here.
  const go = async () =>
    (await evaluate({ ...smoke(store), scoring: "worker", referenceFeatures: true })).result.rows;
  const plain = await go();
  // Twice every feature: the scorer's energy_ref and spectrum_ref rows double.
  hook.edit = (v) => v.map((x) => 2 * x);
  const doctored = await go();
  for (const step of [1, 5, 20]) {
    assert(energyRef(doctored, step) === 2 * energyRef(plain, step)!, `energy_ref at step ${step}`);
  }
  assert(energyRef(doctored, 0) === energyRef(plain, 0), "step 0 (the IC) is computed, not read");
});

Deno.test("a shard reads the cached features of its own ICs (same rows as without)", async () => {
  const { store, hook } = doctoredStore();
  const base = { ...smoke(store), scoring: "inline", batch: 1 } as const;
  await evaluate(base); // computes and stores the features
  const shard = async (referenceFeatures: boolean) =>
    (await evaluate({
      ...base,
      referenceFeatures,
      shard: { index: 2, count: 2 },
      outDir: await Deno.makeTempDir({ prefix: "features_shard_" }),
    })).result.rows;
  const without = await shard(false);
  const before = hook.windows;
  const withFeatures = await shard(true);
  assert(hook.windows > before, "the shard read feature windows");
  assertSameRows(withFeatures, without, "shard 2/2");
  // Doctored (doubled) features double its energy_ref: they are the ones the shard scores with.
  hook.edit = (v) => v.map((x) => 2 * x);
  const doctored = await shard(true);
  const e = energyRef(doctored, 3), want = 2 * energyRef(without, 3)!;
  assert(e === want, `${e} vs ${want}`);
});

Deno.test("evaluate: features that cannot be read or written (disk full, no permission) leave the run as it was", async () => {
  const full = () => new Error("No space left on device (os error 28)");
  const memory = memoryReferenceStore();
  // A store that writes by ICs and fails at the second (disk full), one whose whole write fails
  // (a quota), and one that cannot read what it has (permission).
  const stores: [string, ReferenceStore][] = [
    ["by ICs", {
      ...memory,
      putFeatures: undefined,
      createFeatures: () =>
        Promise.resolve({
          write: (ic) => ic === 0 ? Promise.resolve() : Promise.reject(full()),
          commit: () => Promise.reject(new Error("not reached")),
          abort: () => Promise.resolve(),
        }),
    }],
    ["whole", { ...memory, putFeatures: () => Promise.reject(full()) }],
    ["unreadable", {
      ...memory,
      openFeatures: () => Promise.reject(new Deno.errors.PermissionDenied("Permission denied")),
    }],
  ];
  const go = async (store: ReferenceStore, referenceFeatures: boolean) => {
    const notes: string[] = [];
    const { result } = await evaluate({
      ...smoke(store),
      referenceFeatures,
      scoring: "inline",
      log: (m) => notes.push(m),
    });
    return { rows: result.rows, notes };
  };
  const without = (await go(memory, false)).rows;
  for (const [name, store] of stores) {
    const { rows, notes } = await go(store, true);
    assertSameRows(rows, without, name);
    const said = notes.filter((n) => n.includes("reference features"));
    assert(
      said.some((n) =>
        /could not write|unusable/.test(n) && n.includes("os error 28") !== (name === "unreadable")
      ),
      `${name}: ${said.join("\n")}`,
    );
    // Never that they were stored when they were not.
    assert(
      !said.some((n) => n.includes("computed and stored")) || name === "unreadable",
      said.join("\n"),
    );
  }
});

Deno.test("a history-2 model (first predicted step 2) gets the features of the steps it is scored at", async () => {
  const { store, hook } = doctoredStore();
  const model = {
    name: "h2",
    files: {
      "emulator.json": new TextEncoder().encode(JSON.stringify({
        name: "h2",
        suite: "burgers1d",
        graphs: { step: "step.onnx" },
        history: 2,
      })),
      "step.onnx": extrapolateGraph(1024),
    },
  };
  const go = async (referenceFeatures: boolean) =>
    (await evaluate({ ...smoke(store), model, referenceFeatures, scoring: "inline", batch: 1 }))
      .result.rows;
  const without = await go(false);
  assertSameRows(await go(true), without, "history 2, computed");
  assertSameRows(await go(true), without, "history 2, read back");
  // Within each window read, the vector of step t + 1 at step t (the window's last kept): off by
  // one step, as a history offset applied twice would be. The rows move: the run reads the
  // features at the very steps it scores.
  hook.edit = (v, { ic0, ic1, t0, t1, size }) => {
    const n = t1 - t0;
    for (let ic = 0; ic < ic1 - ic0; ic++) {
      v.copyWithin(ic * n * size, (ic * n + 1) * size, (ic + 1) * n * size);
    }
    return v;
  };
  const shifted = await go(true);
  assert(energyRef(without, 2) !== undefined, "scored from step 2");
  assert(energyRef(shifted, 2) === energyRef(without, 3), `step 2 read ${energyRef(shifted, 2)}`);
});

Deno.test("by default a run on the worker leaves 1D features alone (they cost more than they save)", async () => {
  const { store, hook } = doctoredStore();
  await evaluate({ ...smoke(store), scoring: "inline", referenceFeatures: true }); // stores them
  hook.edit = (v) => v.map((x) => 2 * x); // were they read now, energy_ref would double
  hook.windows = 0;
  const said: string[] = [];
  const worker = await evaluate({ ...smoke(store), scoring: "worker", log: (m) => said.push(m) });
  assert(said.some((m) => m.includes("reference features: not used")), said.join("\n"));
  assert(hook.windows === 0, `${hook.windows} feature windows read`);
  const inline = await evaluate({ ...smoke(store), scoring: "inline", referenceFeatures: false });
  assertSameRows(worker.result.rows, inline.result.rows, "worker without features");
});

Deno.test("a run reads each stored feature state once: with the states the trackers are handed, not in the bound's pass", async () => {
  for (const suite of ["burgers1d", "shallow_water2d"]) {
    const { store, hook } = doctoredStore();
    const go = () =>
      evaluate({ ...smoke(store), suite, scoring: "inline", referenceFeatures: true });
    const computed = await go(); // computes and stores them
    hook.read = [];
    const read = await go();
    assertSameRows(read.result.rows, computed.result.rows, `${suite}: read back`);
    const { ics, steps } = read.result.config;
    const times = new Map<string, number>();
    for (const w of hook.read) {
      for (let ic = w.ic0; ic < w.ic1; ic++) {
        for (let t = w.t0; t < w.t1; t++) {
          times.set(`${ic}@${t}`, (times.get(`${ic}@${t}`) ?? 0) + 1);
        }
      }
    }
    const twice = [...times].filter(([, n]) => n > 1).map(([k]) => k);
    assert(twice.length === 0, `${suite}: read more than once: ${twice.slice(0, 5).join(", ")}`);
    for (let ic = 0; ic < ics; ic++) {
      for (let t = 1; t <= steps; t++) {
        assert(times.has(`${ic}@${t}`), `${suite}: ${ic}@${t} not read`);
      }
    }
  }
});

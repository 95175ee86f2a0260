/**
 * Scoring on a worker gives exactly (bit for bit) the rows, and for shards the states, of scoring
 * in the calling thread; a tracker's error on the worker reaches the caller with its class and
 * message; a slow worker holds the sender back instead of queueing without bound.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { evaluate, type EvaluateOptions } from "./run.ts";
import { openScoring, ScoringThread } from "./scoring.ts";
import { memoryReferenceStore } from "../data/reference_store.ts";
import { defaultCacheDir, loadOrGenerateReference } from "../data/reference_cache.ts";
import { suiteTrackers } from "./context.ts";
import { blowUpGraph } from "../../fixtures/graphs.ts";
import { assertSameRows } from "../../fixtures/rows.ts";
import { getSuite } from "../../suites/mod.ts";
import type { Suite } from "../../suites/common/types.ts";

const smoke = { tier: "smoke", backend: "wasm" } as const;

for (
  const [suite, model] of [
    ["burgers1d", "baseline:coarse_solver"],
    ["shallow_water2d", "baseline:persistence"],
  ] as const
) {
  Deno.test(`${suite}: rows scored on a worker equal inline rows bit for bit`, async () => {
    const base: EvaluateOptions = { ...smoke, suite, model, batch: 1 };
    const inline = await evaluate({ ...base, scoring: "inline" });
    const worker = await evaluate({ ...base, scoring: "worker" });
    if (inline.result.rows.length === 0) throw new Error(`${suite}: no rows`);
    assertSameRows(worker.result.rows, inline.result.rows, suite);
    if (!(worker.result.timings.metricSeconds > 0)) throw new Error("no metric seconds");
  });
}

Deno.test("a diverging model on a worker: same divergence and rows as inline", async () => {
  const dir = await Deno.makeTempDir({ prefix: "emubench-scoring-" });
  try {
    const model = join(dir, "blowup.onnx");
    await Deno.writeFile(model, blowUpGraph(1024));
    const base: EvaluateOptions = { suite: "convection1d", model, ...smoke, ics: 3, steps: 6 };
    const inline = await evaluate({ ...base, scoring: "inline" });
    const worker = await evaluate({ ...base, scoring: "worker" });
    if (!inline.result.divergence.some((d) => d.step !== null)) throw new Error("no divergence");
    if (JSON.stringify(worker.result.divergence) !== JSON.stringify(inline.result.divergence)) {
      throw new Error("divergence differs");
    }
    if (inline.result.rows.length === 0) throw new Error("diverging: no rows");
    assertSameRows(worker.result.rows, inline.result.rows, "diverging");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a shard scored on a worker carries the same tracker states as inline", async () => {
  const base: EvaluateOptions = {
    ...smoke,
    suite: "convection1d",
    model: "baseline:lax_wendroff",
    batch: 1,
    shard: { index: 2, count: 2 },
  };
  // Both runs read the reference from the cache: a run that solves it records "solver (sha256 …)"
  // as config.data, one that reads it "solver (cache hit, …)" (a cold cache failed this test).
  const suite = getSuite("convection1d");
  await loadOrGenerateReference(suite, { seed: suite.seed, ...suite.tiers.smoke }, {
    cacheDir: defaultCacheDir(),
  });
  const inline = await evaluate({ ...base, scoring: "inline" });
  const worker = await evaluate({ ...base, scoring: "worker" });
  // Everything but the clocks (`created`, `timings`, the trackers' `seconds`).
  const clocks = new Set(["created", "timings", "seconds"]);
  const strip = (s: unknown) => JSON.stringify(s, (k, v) => (clocks.has(k) ? undefined : v));
  if (strip(worker.shard) !== strip(inline.shard)) throw new Error("shard files differ");
  if (!JSON.stringify(worker.shard).includes('"scorer"')) throw new Error("no scorer state");
});

Deno.test("a tracker's error on the worker reaches the caller as a TypeError", async () => {
  const run = { ics: 1, steps: 2, history: 1, summarySteps: [], seed: 0 };
  const s = new ScoringThread("convection1d", run);
  try {
    const y = new Float32Array(1024);
    s.observeInitial(0, y);
    s.observe(0, 1, new Float32Array(7), y); // the wrong length
    let caught: unknown;
    try {
      await s.settle();
      await s.finish();
    } catch (e) {
      caught = e;
    }
    const inline = suiteTrackers(getSuite("convection1d"), run);
    let expected = "";
    try {
      inline.observe(0, 1, new Float32Array(7), y);
    } catch (e) {
      expected = (e as Error).message;
    }
    if (!(caught instanceof TypeError) || (caught as Error).message !== expected || !expected) {
      throw new Error(`expected TypeError "${expected}", found ${caught}`);
    }
  } finally {
    s.close();
  }
});

Deno.test("settle() waits while the worker is more than its queue limit behind", async () => {
  const run = { ics: 64, steps: 1, history: 1, summarySteps: [], seed: 0 };
  // A limit below one batch: every settle must wait for the worker's acknowledgement.
  const s = new ScoringThread("convection1d", run, { maxQueuedBytes: 1024 });
  try {
    const y = new Float32Array(1024).map((_, j) => Math.sin(j));
    let waited = 0;
    for (let ic = 0; ic < 64; ic++) {
      s.observeInitial(ic, y);
      s.observe(ic, 1, y, y);
      const before = performance.now();
      let settled = false;
      const p = s.settle().then(() => (settled = true));
      await Promise.resolve();
      if (!settled) waited++;
      await p;
      if (performance.now() < before) throw new Error("clock");
    }
    if (waited === 0) throw new Error("settle never waited for the worker");
    const { rows } = await s.finish();
    const mse = rows.find((r) => r.metric === "mse" && r.step === 1);
    if (mse?.value !== 0 || mse.n !== 64) throw new Error(JSON.stringify(mse));
  } finally {
    s.close();
  }
});

Deno.test("openScoring: auto keeps small runs and unregistered suites inline", () => {
  const burgers = getSuite("burgers1d");
  const small = openScoring(burgers, { ics: 2, steps: 10, history: 1, summarySteps: [], seed: 0 });
  const big = openScoring(burgers, { ics: 32, steps: 200, history: 1, summarySteps: [], seed: 0 });
  const copy = { ...burgers } as Suite; // not the registered object: a worker cannot load it
  const own = openScoring(copy, { ics: 32, steps: 200, history: 1, summarySteps: [], seed: 0 });
  try {
    if (small.where !== "inline" || big.where !== "worker" || own.where !== "inline") {
      throw new Error(`${small.where} ${big.where} ${own.where}`);
    }
    let refused = false;
    try {
      openScoring(copy, { ics: 1, steps: 1, history: 1, summarySteps: [], seed: 0 }, "worker");
    } catch (e) {
      refused = e instanceof TypeError && e.message.includes("not registered");
    }
    if (!refused) throw new Error("worker scoring of an unregistered suite was not refused");
  } finally {
    for (const s of [small, big, own]) s.close();
  }
});

Deno.test("a step's observations travel as one batch, however many ICs", async () => {
  const run = { ics: 40, steps: 2, history: 1, summarySteps: [], seed: 0 };
  const s = new ScoringThread("convection1d", run);
  try {
    const y = new Float32Array(1024).map((_, j) => Math.cos(j));
    for (let step = 0; step <= 2; step++) {
      for (let ic = 0; ic < 40; ic++) {
        if (step === 0) s.observeInitial(ic, y);
        else s.observe(ic, step, y, y);
      }
      await s.settle();
      if (s.batches !== step + 1) throw new Error(`step ${step}: ${s.batches} batches`);
    }
    const { rows } = await s.finish();
    if (!rows.some((r) => r.metric === "mse" && r.step === 2 && r.n === 40)) {
      throw new Error("rows");
    }
  } finally {
    s.close();
  }
});

Deno.test("batches through a small ring (wrapping, full, too small) give the inline rows", async () => {
  const run = { ics: 6, steps: 12, history: 1, summarySteps: [4, 12], seed: 0 };
  // States that differ per IC and step: a block read after it was overwritten would show.
  const state = (ic: number, step: number, shift: number) =>
    new Float32Array(1024).map((_, j) => Math.sin(0.01 * (j + 7 * ic) + 0.3 * step) + shift);
  const feed = (s: {
    observeInitial(ic: number, y: Float32Array): void;
    observe(ic: number, step: number, p: Float32Array, y: Float32Array): void;
  }, step: number) => {
    for (let ic = 0; ic < run.ics; ic++) {
      if (step === 0) s.observeInitial(ic, state(ic, 0, 0));
      else s.observe(ic, step, state(ic, step, 0.01 * ic), state(ic, step, 0));
    }
  };
  const inline = suiteTrackers(getSuite("convection1d"), run);
  for (let step = 0; step <= run.steps; step++) feed(inline, step);
  const expected = inline.rows();
  // 64 KiB + 2 × 4096 × 4 bytes of ring, 8 KiB per observation: it wraps every few steps and,
  // the flushes within a step not waiting, fills; then a ring smaller than one observation.
  for (const [maxQueuedBytes, flushValues] of [[65536, 4096], [1024, 256]]) {
    const s = new ScoringThread("convection1d", run, { maxQueuedBytes, flushValues });
    try {
      for (let step = 0; step <= run.steps; step++) {
        feed(s, step);
        await s.settle();
      }
      const { rows } = await s.finish();
      assertSameRows(rows, expected, `ring of ${maxQueuedBytes + 8 * flushValues} bytes`);
      const inRing = s.batches - s.transferred;
      if (flushValues === 4096 ? inRing < s.batches / 2 : s.transferred !== s.batches) {
        throw new Error(`${s.batches} batches, ${s.transferred} transferred`);
      }
    } finally {
      s.close();
    }
  }
});

Deno.test("batchSteps: a batch every few steps, the horizon's last ones one by one; the inline rows", async () => {
  const run = { ics: 3, steps: 10, history: 1, summarySteps: [5, 10], seed: 0 };
  const state = (ic: number, step: number, shift: number) =>
    new Float32Array(1024).map((_, j) => Math.cos(0.02 * (j + 5 * ic) + 0.2 * step) + shift);
  const inline = suiteTrackers(getSuite("convection1d"), run);
  const s = new ScoringThread("convection1d", run, { batchSteps: 4 });
  try {
    const sent: number[] = [];
    for (let step = 0; step <= run.steps; step++) {
      for (const t of [inline, s]) {
        for (let ic = 0; ic < run.ics; ic++) {
          if (step === 0) t.observeInitial(ic, state(ic, 0, 0));
          else t.observe(ic, step, state(ic, step, 0.02 * ic), state(ic, step, 0));
        }
      }
      await s.settle();
      sent.push(s.batches);
    }
    // Steps 0–3 and 4–7 in one batch each (4 settles), then 8, 9 and 10 (T − 4 < step) alone.
    assert.deepEqual(sent, [0, 0, 0, 1, 1, 1, 1, 2, 3, 4, 5]);
    assertSameRows((await s.finish()).rows, inline.rows(), "batches of 4 steps");
  } finally {
    s.close();
  }
});

Deno.test("a run failing after its scoring worker started stops the worker and rejects with the error", async () => {
  // evaluate() opens the scoring before it reads the reference: a failed reference must not
  // leave the worker running. Workers are counted through a subclass of the global Worker.
  const Original = globalThis.Worker;
  let started = 0, terminated = 0;
  globalThis.Worker = class extends Original {
    constructor(url: string | URL, options?: WorkerOptions) {
      super(url, options);
      started++;
    }
    override terminate(): void {
      terminated++;
      super.terminate();
    }
  };
  // A reference that fails to generate (an empty store: a miss).
  const broken = new Error("the reference solver failed");
  try {
    let caught: unknown;
    const t = performance.now();
    try {
      await evaluate({
        ...smoke,
        suite: "convection1d",
        model: "baseline:persistence",
        scoring: "worker",
        referenceStore: memoryReferenceStore(),
        generateReference: () => Promise.reject(broken),
      });
    } catch (e) {
      caught = e;
    }
    const ms = performance.now() - t;
    if (caught !== broken) throw new Error(`expected the store's error, found ${caught}`);
    if (started !== 1) throw new Error(`${started} workers started, expected 1 (opened early)`);
    if (terminated !== 1) throw new Error(`${terminated} of ${started} workers terminated`);
    if (ms > 10_000) throw new Error(`rejected after ${ms.toFixed(0)} ms`);
  } finally {
    globalThis.Worker = Original;
  }
});

Deno.test("ready(): resolves once the worker built its trackers, rejects when closed first", async () => {
  const run = { ics: 1, steps: 1, history: 1, summarySteps: [], seed: 0 };
  const before = performance.timeOrigin + performance.now();
  const s = new ScoringThread("convection1d", run);
  let early: unknown;
  try {
    await s.ready();
    // The worker's clock: after it was started, before this thread saw the message.
    const at = s.readyAt, after = performance.timeOrigin + performance.now();
    if (!(at !== undefined && at >= before - 5 && at <= after + 5)) {
      throw new Error(`readyAt ${at} not in [${before}, ${after}]`);
    }
    // Ready: the trackers exist, so an observation is applied without waiting for a load.
    const y = new Float32Array(1024);
    s.observeInitial(0, y);
    s.observe(0, 1, y, y);
    await s.settle();
    const { rows } = await s.finish();
    if (rows.length === 0) throw new Error("no rows");
  } finally {
    s.close();
  }
  const closed = new ScoringThread("convection1d", run);
  closed.close();
  await closed.ready().catch((e) => (early = e));
  if (!(early instanceof Error) || !/closed/.test(early.message)) throw new Error(`${early}`);
  const inline = openScoring(getSuite("convection1d"), run, "inline");
  await inline.ready();
  if (inline.readyAt !== undefined) throw new Error("inline: no readyAt");
});

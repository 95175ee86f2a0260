import { nativeAvailable, openBackend } from "../onnx/backend.ts";
import { planModel } from "./plan.ts";
import { openSessions, rollout, type RolloutObserver, type RolloutSnapshot } from "./rollout.ts";
import {
  blowUpGraph,
  carryGraph,
  carryInitGraph,
  extrapolateGraph,
  failsAtRunGraph,
  float16ScaleGraph,
  heapGraphs,
  latentGraphs,
  scaleGraph,
  source,
  torchCarryGraph,
} from "../../fixtures/graphs.ts";
import type { ModelSource } from "./manifest.ts";
import { arrayReferenceSource, type ReferenceSource } from "../data/reference_source.ts";
import { FormatError, isInputError, ShapeError, ValueRangeError } from "../core/errors.ts";

/** Backends that run here: wasm always, native where onnxruntime-node loads. */
const BACKENDS: ("wasm" | "native")[] = (await nativeAvailable()) ? ["wasm", "native"] : ["wasm"];

const X = 16;

/** N ICs `u_i(x) = sin(2π(x + i/N))`, reference = the IC repeated (only steps 0..k-1 are used). */
function setup(n: number, steps: number) {
  const S = X;
  const ref = new Float32Array(n * (steps + 1) * S);
  for (let i = 0; i < n; i++) {
    for (let t = 0; t <= steps; t++) {
      for (let j = 0; j < X; j++) {
        ref[(i * (steps + 1) + t) * S + j] = Math.sin(2 * Math.PI * (j / X + i / n)) + 0.1 * t;
      }
    }
  }
  return ref;
}

class Recorder implements RolloutObserver {
  preds = new Map<string, Float32Array>();
  div = new Map<number, number>();
  needs?: (n: number) => boolean;
  step(ic: number, step: number, pred: Float32Array) {
    this.preds.set(`${ic}:${step}`, pred.slice());
  }
  diverged(ic: number, step: number) {
    this.div.set(ic, step);
  }
  needsStep(n: number) {
    return this.needs ? this.needs(n) : true;
  }
}

async function runModel(
  model: ModelSource,
  n: number,
  steps: number,
  backend = "wasm",
  maxBatch = 3,
) {
  const { plan, problems } = planModel(model, { fields: ["u"], shape: [X] });
  if (!plan) throw new Error(JSON.stringify(problems));
  const b = await openBackend(backend as "wasm");
  const sessions = await openSessions(b, model, plan, 3);
  const ref = setup(n, steps);
  const rec = new Recorder();
  const stats = await rollout({
    sessions,
    channels: 1,
    shape: [X],
    count: n,
    reference: ref,
    refSteps: steps,
    steps,
    maxBatch,
    observer: rec,
  });
  return { rec, stats, ref, sessions };
}

function close(a: ArrayLike<number>, b: ArrayLike<number>, tol: number, what: string) {
  if (a.length !== b.length) throw new Error(`${what}: length ${a.length} vs ${b.length}`);
  for (let i = 0; i < a.length; i++) {
    if (!(Math.abs(a[i] - b[i]) <= tol * (1 + Math.abs(b[i])))) {
      throw new Error(`${what}: index ${i}: ${a[i]} vs ${b[i]}`);
    }
  }
}

const ic = (ref: Float32Array, i: number, steps: number, t = 0) =>
  ref.subarray((i * (steps + 1) + t) * X, (i * (steps + 1) + t + 1) * X);

Deno.test("rollout: bare model u_n = aⁿ u_0, batches of 3 over 5 ICs", async () => {
  const { rec, stats, ref } = await runModel(source({ step: scaleGraph(X, 0.9) }), 5, 6);
  for (let i = 0; i < 5; i++) {
    for (let n = 1; n <= 6; n++) {
      close(
        rec.preds.get(`${i}:${n}`)!,
        ic(ref, i, 6).map((v) => v * 0.9 ** n),
        1e-6,
        `ic ${i} step ${n}`,
      );
    }
  }
  if (stats.divergence.some((d) => d !== null)) throw new Error("no divergence expected");
});

Deno.test("rollout: fixed batch 1 model runs IC by IC", async () => {
  const { rec, ref } = await runModel(source({ step: scaleGraph(X, 0.5, { batch: 1 }) }), 3, 2);
  close(rec.preds.get("2:2")!, ic(ref, 2, 2).map((v) => v * 0.25), 1e-6, "ic 2");
});

Deno.test("rollout: history 2 extrapolation starts from reference steps 0 and 1", async () => {
  const steps = 5;
  const { rec, ref } = await runModel(
    source({ step: extrapolateGraph(X) }, { history: 2 }),
    2,
    steps,
  );
  // Reference is u0 + 0.1 t: linear in t, so extrapolation reproduces it exactly.
  if (rec.preds.has("0:1")) throw new Error("step 1 comes from the reference, not the model");
  for (let n = 2; n <= steps; n++) {
    close(rec.preds.get(`1:${n}`)!, ic(ref, 1, steps, n), 1e-5, `step ${n}`);
  }
});

Deno.test("rollout: carried tensors at coarser resolution start at zero", async () => {
  const eps = 0.001, steps = 6;
  const { rec, ref } = await runModel(
    source({ step: carryGraph(X, eps) }, { carry: { h_in: "h_out" } }),
    2,
    steps,
  );
  for (let n = 1; n <= steps; n++) {
    close(
      rec.preds.get(`0:${n}`)!,
      ic(ref, 0, steps).map((v) => v + eps * n * (n - 1) / 2),
      1e-5,
      `n ${n}`,
    );
  }
});

Deno.test("rollout: init graph sets the initial carries", async () => {
  const eps = 0.001, steps = 4;
  const { rec, ref } = await runModel(
    source({ step: carryGraph(X, eps), init: carryInitGraph(X) }, { carry: { h_in: "h_out" } }),
    1,
    steps,
  );
  for (let n = 1; n <= steps; n++) {
    const want = ic(ref, 0, steps).map((v) => v + eps * (10 * n + n * (n - 1) / 2));
    close(rec.preds.get(`0:${n}`)!, want, 1e-5, `n ${n}`);
  }
});

Deno.test("rollout: latent model decodes only where the observer needs fields", async () => {
  const g = latentGraphs(X, 0.8);
  const model = source(g, {
    graphs: { encode: "encode.onnx", step: "step.onnx", decode: "decode.onnx" },
  });
  const { plan } = planModel(model, { fields: ["u"], shape: [X] });
  const b = await openBackend("wasm");
  const sessions = await openSessions(b, model, plan!, 3);
  let decodes = 0;
  const dec = sessions.decode!;
  sessions.decode = { ...dec, run: (f) => (decodes++, dec.run(f)) };
  const steps = 8, ref = setup(1, steps), rec = new Recorder();
  rec.needs = (n) => n % 4 === 0;
  await rollout({
    sessions,
    channels: 1,
    shape: [X],
    count: 1,
    reference: ref,
    refSteps: steps,
    steps,
    observer: rec,
  });
  if (decodes !== 2) throw new Error(`expected 2 decodes (steps 4, 8), found ${decodes}`);
  close(rec.preds.get("0:8")!, ic(ref, 0, steps).map((v) => v * 0.8 ** 8), 1e-6, "step 8");
  if (rec.preds.has("0:3")) throw new Error("step 3 should not be decoded");
});

Deno.test("rollout: normalize is applied on the way in and undone on the way out", async () => {
  // In normalised space the model doubles its input: phys_out = 2(u − m) + m when std = 1 ... and
  // with std s: ((u − m)/s · 2) · s + m = 2u − m.
  const m = 0.3, s = 2;
  const { rec, ref } = await runModel(
    source({ step: scaleGraph(X, 2) }, { normalize: { mean: [m], std: [s] } }),
    1,
    2,
  );
  close(rec.preds.get("0:1")!, ic(ref, 0, 2).map((v) => 2 * v - m), 1e-5, "step 1");
  close(rec.preds.get("0:2")!, ic(ref, 0, 2).map((v) => 2 * (2 * v - m) - m), 1e-5, "step 2");
});

for (const backend of BACKENDS) {
  Deno.test(`rollout: float16 models are fed float16 and read back as float32 (${backend})`, async () => {
    // native failed here with "not enough space: expected 32, got 0": onnxruntime-common hands
    // onnxruntime-node a Float16Array, whose N-API byte length is 0 (backend.ts nativeFloat16).
    const { rec, ref } = await runModel(source({ step: float16ScaleGraph(X, 0.5) }), 3, 4, backend);
    for (let n = 1; n <= 4; n++) {
      close(rec.preds.get(`2:${n}`)!, ic(ref, 2, 4).map((v) => v * 0.5 ** n), 2e-3, `fp16 ${n}`);
    }
  });

  Deno.test(`rollout: a HEAP-like latent of three tensors (${backend}, float32 and float16)`, async () => {
    const a = 0.9, b = 0.5, steps = 5;
    for (const dtype of ["float32", "float16"] as const) {
      const model = source(heapGraphs(X, a, b, dtype), {
        graphs: { encode: "encode.onnx", step: "step.onnx", decode: "decode.onnx" },
      });
      const { rec, ref } = await runModel(model, 4, steps, backend);
      const tol = dtype === "float16" ? 4e-3 : 1e-6;
      for (let i = 0; i < 4; i++) {
        const u0 = ic(ref, i, steps);
        const mean = u0.reduce((x, y) => x + y, 0) / X;
        for (let n = 1; n <= steps; n++) {
          const want = u0.map((v) => (a ** n + b ** n) / 2 * v + mean + n);
          close(rec.preds.get(`${i}:${n}`)!, want, tol, `${dtype} ic ${i} step ${n}`);
        }
      }
    }
  });

  Deno.test(`rollout: a runtime fault names the graph file and the node (${backend})`, async () => {
    let error: unknown;
    try {
      await runModel(source({ step: failsAtRunGraph(X) }), 2, 2, backend);
    } catch (e) {
      error = e;
    }
    // onnxruntime-node names the node; onnxruntime-web says only what failed, and where.
    const head = backend === "native"
      ? /^step\.onnx: node \/Reshape \(op Reshape\): /
      : /^step\.onnx: /;
    if (
      !isInputError(error) || !head.test(error.message) ||
      !error.message.includes("cannot be reshaped to the requested shape") ||
      error.message.includes("/onnxruntime")
    ) {
      throw new Error(`${error}`);
    }
  });

  Deno.test(`rollout: a symbolic carry output of the wrong size is refused at run time (${backend})`, async () => {
    const ok = await runModel(
      source({ step: torchCarryGraph(X, 0.001) }, { carry: { h_in: "h_out" } }),
      2,
      3,
      backend,
    );
    if (ok.stats.divergence.some((d) => d !== null)) throw new Error("diverged");
    let error: unknown;
    try {
      await runModel(
        source({ step: torchCarryGraph(X, 0.001, true) }, { carry: { h_in: "h_out" } }),
        2,
        3,
        backend,
      );
    } catch (e) {
      error = e;
    }
    if (
      !(error instanceof ShapeError) ||
      !error.message.startsWith("step.onnx: output h_out: expected [2,1,4]") ||
      !error.message.includes("axis 2 is 2, not 4")
    ) {
      throw new Error(`${error}`);
    }
  });
}

Deno.test("rollout: a graph onnxruntime refuses is a FormatError naming the file", async () => {
  const { atenFallbackGraph } = await import("../../fixtures/graphs.ts");
  const model = source({ step: scaleGraph(X, 1) });
  const { plan } = planModel(model, { fields: ["u"], shape: [X] });
  // The plan refuses ATen graphs before any session; here the session is opened regardless.
  const aten = { ...model, graphs: { step: { path: "aten.onnx", bytes: atenFallbackGraph(X) } } };
  for (const backend of BACKENDS) {
    let error: unknown;
    try {
      await openSessions(await openBackend(backend), aten, plan!, 3);
    } catch (e) {
      error = e;
    }
    if (!(error instanceof FormatError) || !error.message.startsWith("aten.onnx: ")) {
      throw new Error(`${backend}: ${error}`);
    }
  }
});

Deno.test("rollout: a three-tensor latent resumes exactly from a snapshot", async () => {
  const model = source(heapGraphs(X, 0.9, 0.5), {
    graphs: { encode: "encode.onnx", step: "step.onnx", decode: "decode.onnx" },
  });
  const { plan } = planModel(model, { fields: ["u"], shape: [X] });
  const sessions = await openSessions(await openBackend("wasm"), model, plan!, 3);
  const steps = 6, ref = setup(2, steps);
  const snaps: RolloutSnapshot[] = [];
  const base = {
    sessions,
    channels: 1,
    shape: [X],
    count: 2,
    reference: ref,
    refSteps: steps,
    steps,
    maxBatch: 2,
  };
  const full = new Recorder();
  await rollout({
    ...base,
    observer: full,
    checkpoint: { every: 3, save: (s) => Promise.resolve(void snaps.push(s)) },
  });
  const snap = snaps[0];
  if (Object.keys(snap.latent ?? {}).sort().join() !== "e1,e2,e3") {
    throw new Error(JSON.stringify(Object.keys(snap.latent ?? {})));
  }
  const resumed = new Recorder();
  await rollout({ ...base, observer: resumed, resume: snap });
  for (let n = 4; n <= steps; n++) {
    close(resumed.preds.get(`1:${n}`)!, full.preds.get(`1:${n}`)!, 0, `step ${n}`);
  }
  // A snapshot missing one latent tensor is refused naming it.
  const { e3: _, ...partial } = snap.latent!;
  let error: unknown;
  try {
    await rollout({ ...base, observer: new Recorder(), resume: { ...snap, latent: partial } });
  } catch (e) {
    error = e;
  }
  if (!(error instanceof ValueRangeError) || !error.message.includes("snapshot.latent")) {
    throw new Error(String(error));
  }
});

Deno.test("rollout: a blow-up is recorded as diverged at the first non-finite step", async () => {
  const { rec, stats } = await runModel(source({ step: blowUpGraph(X) }), 2, 8);
  // |u0| ≤ 1 (plus 0.1·0): 1e10ⁿ overflows float32 (3.4e38) at n = 4 for entries with |u| > 0.034.
  if (stats.divergence[0] !== 4 || rec.div.get(1) !== 4) {
    throw new Error(`expected divergence at step 4, found ${stats.divergence}`);
  }
  if (rec.preds.has("0:4")) throw new Error("diverged steps must not be observed");
  if (!rec.preds.has("0:3")) throw new Error("steps before divergence are observed");
});

Deno.test("rollout: a slow observer is time outside the model, not model time (pipelined steps)", async () => {
  // A model that costs next to nothing and an observer that busy-waits 10 ms a step: nearly all
  // the wall time is outside the model. (Counting session.run from its start to its end, as
  // before, put the observer's time in modelSeconds: the next step runs while it scores.)
  const model = source({ step: scaleGraph(X, 1) });
  const { plan } = planModel(model, { fields: ["u"], shape: [X] });
  const sessions = await openSessions(await openBackend("wasm"), model, plan!, 3);
  const steps = 40, ref = setup(1, steps);
  const stats = await rollout({
    sessions,
    channels: 1,
    shape: [X],
    count: 1,
    reference: ref,
    refSteps: steps,
    steps,
    observer: {
      step() {
        const until = performance.now() + 10;
        while (performance.now() < until) { /* busy */ }
      },
      diverged() {},
    },
  });
  const outside = 1 - stats.modelSeconds / stats.wallSeconds;
  const observed = stats.observerSeconds / stats.wallSeconds;
  if (!(observed > 0.5)) throw new Error(`observer share ${observed}: the test is not measuring`);
  if (!(stats.modelSeconds >= 0 && stats.modelSeconds <= stats.wallSeconds)) {
    throw new Error(`model ${stats.modelSeconds} s of ${stats.wallSeconds} s`);
  }
  // Outside = observer + loop overhead; a loose margin for a loaded machine.
  if (!(outside >= observed - 0.02 && outside <= observed + 0.2)) {
    throw new Error(`outside share ${outside}, observer share ${observed}`);
  }
});

Deno.test("rollout: a resume snapshot that does not fit the run is refused naming the field", async () => {
  const model = source({ step: scaleGraph(X, 1) });
  const { plan } = planModel(model, { fields: ["u"], shape: [X] });
  const sessions = await openSessions(await openBackend("wasm"), model, plan!, 3);
  const steps = 10, ref = setup(3, steps);
  const good = {
    first: 2,
    step: 4,
    window: { dims: [2, 1, X], data: new Float32Array(2 * X) },
    carries: {},
    divergence: [null, null, null],
  };
  const go = (resume: typeof good) =>
    rollout({
      sessions,
      channels: 1,
      shape: [X],
      count: 3,
      reference: ref,
      refSteps: steps,
      steps,
      maxBatch: 2,
      resume,
      observer: { step() {}, diverged() {} },
    });
  await go(good);
  const bad: [Partial<typeof good>, RegExp][] = [
    [{ first: 1 }, /snapshot\.first: expected a multiple of the batch size 2/],
    [{ step: 10 }, /snapshot\.step: expected an integer in \[1, 10\)/],
    [{ step: 0 }, /snapshot\.step/],
    [{ divergence: [null, null] }, /snapshot\.divergence: expected 3 entries/],
    [
      { window: { dims: [2, 1, X / 2], data: new Float32Array(X) } },
      /snapshot\.window\.dims: expected \[2,1,16\]/,
    ],
    [{ window: { dims: [2, 1, X], data: new Float32Array(X) } }, /snapshot\.window\.data/],
  ];
  for (const [edit, pattern] of bad) {
    let error: unknown;
    try {
      await go({ ...good, ...edit });
    } catch (e) {
      error = e;
    }
    if (!(error instanceof ValueRangeError) || !pattern.test(error.message)) {
      throw new Error(`${JSON.stringify(Object.keys(edit))}: ${error}`);
    }
  }
});

Deno.test("rollout: a reference source read by small step windows gives exactly the array's rollout", async () => {
  const n = 5, steps = 12, factor = 2;
  const model = source({ step: extrapolateGraph(X) }, { history: 2 });
  const { plan, problems } = planModel(model, { fields: ["u"], shape: [X] });
  if (!plan) throw new Error(JSON.stringify(problems));
  const sessions = await openSessions(await openBackend("wasm"), model, plan, 3);
  // ICs 1 and 3 jump by 0.9 at step 1: the extrapolation continues that slope and leaves
  // 2 × max|reference| at a step computed below by hand; the others stay within it.
  const ref = setup(n, steps);
  for (const i of [1, 3]) {
    for (let j = 0; j < X; j++) ref[(i * (steps + 1) + 1) * X + j] += 0.9;
  }
  type Call = [string, number, number, number[], number[]];
  const run = async (reference: Float32Array | ReferenceSource, windowBytes?: number) => {
    const calls: Call[] = [];
    const stats = await rollout({
      sessions,
      channels: 1,
      shape: [X],
      count: n,
      reference,
      refSteps: steps,
      steps,
      maxBatch: 2,
      referenceWindowBytes: windowBytes,
      bound: { factor },
      observer: {
        initial: (i, s) => calls.push(["initial", i, 0, [...s], []]),
        step: (i, t, p, y) => calls.push(["step", i, t, [...p], [...y]]),
        diverged: (i, t) => calls.push(["diverged", i, t, [], []]),
      },
    });
    return { calls, divergence: stats.divergence, reasons: stats.reasons };
  };
  const whole = await run(ref);
  // A source that counts what it is asked for: windows of one step per IC of the batch at most.
  const array = arrayReferenceSource(ref, n, steps);
  let largest = 0;
  const counted: ReferenceSource = {
    ...array,
    window(ic0, ic1, t0, t1) {
      largest = Math.max(largest, (ic1 - ic0) * (t1 - t0));
      return array.window(ic0, ic1, t0, t1);
    },
  };
  const windowed = await run(counted, 2 * X * 4); // 2 ICs × one step of 16 values
  if (largest > 2 * 2) throw new Error(`a window of ${largest} states (history 2 × batch 2 most)`);
  if (JSON.stringify(windowed) !== JSON.stringify(whole)) throw new Error("windowed ≠ whole");
  // Every observed reference is the reference's own state at that IC and step.
  for (const [kind, i, t, , y] of whole.calls) {
    if (kind === "step") close(y, ic(ref, i, steps, t), 0, `ref ${i}:${t}`);
  }
  // By hand: the prediction is u0 + t (u1 − u0) until it leaves 2 × max|reference|.
  for (let i = 0; i < n; i++) {
    let m = 0;
    for (let t = 0; t <= steps; t++) {
      for (const v of ic(ref, i, steps, t)) m = Math.max(m, Math.abs(v));
    }
    const u0 = ic(ref, i, steps, 0), u1 = ic(ref, i, steps, 1);
    let want: number | null = null;
    for (let t = 2; t <= steps && want === null; t++) {
      if (u0.some((v, j) => Math.abs(v + t * (u1[j] - v)) > factor * m)) want = t;
    }
    if (whole.divergence[i] !== want) {
      throw new Error(`IC ${i}: diverged at ${whole.divergence[i]}, expected ${want}`);
    }
    if ((want !== null) !== (i === 1 || i === 3)) throw new Error(`IC ${i}: ${want}`);
  }
  await sessions.step.release();
  await sessions.shift?.release();
});

Deno.test("rollout: with referenceStates, `reference` is read only for the observer's windows, each state once", async () => {
  const n = 3, steps = 6;
  const model = source({ step: extrapolateGraph(X) }, { history: 2 });
  const { plan, problems } = planModel(model, { fields: ["u"], shape: [X] });
  if (!plan) throw new Error(JSON.stringify(problems));
  const sessions = await openSessions(await openBackend("wasm"), model, plan, 3);
  const ref = setup(n, steps);
  const array = arrayReferenceSource(ref, n, steps);
  /** A source over `ref` that counts the reads of each (IC, step). */
  const counting = () => {
    const times = new Map<string, number>();
    const src: ReferenceSource = {
      ...array,
      window(ic0, ic1, t0, t1) {
        for (let i = ic0; i < ic1; i++) {
          for (let t = t0; t < t1; t++) times.set(`${i}@${t}`, (times.get(`${i}@${t}`) ?? 0) + 1);
        }
        return array.window(ic0, ic1, t0, t1);
      },
    };
    return { times, src };
  };
  const run = async (reference: ReferenceSource, referenceStates?: ReferenceSource) => {
    const calls: unknown[] = [];
    const stats = await rollout({
      sessions,
      channels: 1,
      shape: [X],
      count: n,
      reference,
      referenceStates,
      refSteps: steps,
      steps,
      maxBatch: 2,
      referenceWindowBytes: 2 * X * 4,
      bound: { factor: 2 },
      observer: {
        initial: (i, s) => calls.push(["initial", i, [...s]]),
        step: (i, t, p, y) => calls.push(["step", i, t, [...p], [...y]]),
        diverged: (i, t) => calls.push(["diverged", i, t]),
      },
    });
    return JSON.stringify({ calls, divergence: stats.divergence });
  };
  const alone = counting();
  const before = await run(alone.src);
  // Without referenceStates the bound's pass and the history window read `reference` too.
  if (![...alone.times.values()].some((k) => k > 1)) throw new Error("expected repeated reads");
  const observed = counting(), states = counting();
  if (await run(observed.src, states.src) !== before) throw new Error("other calls");
  for (let i = 0; i < n; i++) {
    for (let t = 0; t <= steps; t++) {
      const k = observed.times.get(`${i}@${t}`) ?? 0;
      // History 2: steps 2..T are handed to the observer, steps 0 and 1 are the window.
      if (k !== (t >= 2 ? 1 : 0)) throw new Error(`reference ${i}@${t} read ${k} times`);
      if (!states.times.has(`${i}@${t}`)) throw new Error(`bound's pass missed ${i}@${t}`);
    }
  }
  // Other dims than the reference's: refused naming the option.
  let error: unknown;
  try {
    await run(array, arrayReferenceSource(setup(n, steps - 1), n, steps - 1));
  } catch (e) {
    error = e;
  }
  if (!(error instanceof ShapeError) || !String(error).includes("referenceStates")) throw error;
  await sessions.step.release();
  await sessions.shift?.release();
});

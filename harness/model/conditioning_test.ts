import assert from "node:assert/strict";
import { type BackendName, nativeAvailable, openBackend } from "../onnx/backend.ts";
import { type Dim, ElemType, GraphBuilder } from "../onnx/graph.ts";
import { source } from "../../fixtures/graphs.ts";
import { loadModel, parseManifest } from "./manifest.ts";
import { readNpy } from "../data/npy.ts";
import { planModel, type StateSpec, suiteSpec } from "./plan.ts";
import { closeSessions, openSessions, rollout } from "./rollout.ts";
import { parseQuantity, quantityValue } from "./conditioning.ts";
import { getSuite } from "../../suites/mod.ts";

const X = 8;

/**
 * A step graph `u_next = u + w·c` where `c` is the conditioning input `name` of `dims` and
 * element type `elem` (cast to float32 inside), so the output depends on it.
 */
function condGraph(name: string, dims: readonly Dim[], elem: number, w = 1): Uint8Array {
  const g = new GraphBuilder(`cond_${name}`);
  const u = g.input("u", ["B", 1, X]);
  let c = g.input(name, dims, elem);
  if (elem !== ElemType.float32) c = g.op("Cast", [c], { to: ElemType.float32 });
  // [] broadcasts as is; [B] → [B,1,1]; [B,1] → [B,1,1].
  if (dims.length === 1) c = g.op("Unsqueeze", [c, g.ints([1, 2])]);
  if (dims.length === 2) c = g.op("Unsqueeze", [c, g.ints([2])]);
  g.output(g.op("Add", [u, g.op("Mul", [c, g.scalar(w)])]), "u_next", ["B", 1, X]);
  return g.build();
}

async function backends(): Promise<BackendName[]> {
  return (await nativeAvailable()) ? ["native", "wasm"] : ["wasm"];
}

/** Backends float16 feeds run on here: all (native float16 feeds work since issue 12 item 3). */
function f16(backend: BackendName): boolean {
  return backend === "native" || backend === "wasm";
}

/** Roll out `bytes` with conditioning `decl` and return pred[ic][n] − pred[ic][n−1] at x = 0. */
async function increments(
  backend: BackendName,
  bytes: Uint8Array,
  decl: Record<string, string>,
  spec: StateSpec,
  o: { n: number; steps: number; startHours?: number[]; history?: number; maxBatch?: number },
): Promise<number[][]> {
  const model = source({ step: bytes }, { conditioning: decl, history: o.history ?? 1 });
  const { plan, problems } = planModel(model, spec);
  assert.ok(plan, JSON.stringify(problems));
  const sessions = await openSessions(await openBackend(backend), model, plan!, 3);
  const S = X, T = o.steps;
  const reference = new Float32Array(o.n * (T + 1) * S); // zeros: the model adds its inputs
  const pred = Array.from({ length: o.n }, () => new Array<number>(T + 1).fill(0));
  try {
    await rollout({
      sessions,
      channels: 1,
      shape: [X],
      count: o.n,
      reference,
      refSteps: T,
      steps: T,
      maxBatch: o.maxBatch ?? 3,
      startHours: o.startHours,
      observer: {
        step: (ic, n, p) => (pred[ic][n] = p[0]),
        diverged: (ic, n) => assert.fail(`IC ${ic} diverged at ${n}`),
      },
    });
  } finally {
    await closeSessions(sessions);
  }
  const k = o.history ?? 1;
  return pred.map((row) => row.slice(k).map((v, i) => v - row[k - 1 + i]));
}

const SPEC: StateSpec = { fields: ["u"], shape: [X], dt: 0.25, params: { nu: 0.5, beta: 3 } };

Deno.test({
  name: "conditioning: time, dt, step and param:NAME reach the graph every step, every backend",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const cases: [string, string, Dim[], number, (n: number) => number][] = [
      ["t", "time", ["B"], ElemType.float32, (s) => 0.25 * s],
      ["dt", "dt", ["N", 1], ElemType.float32, () => 0.25],
      ["k", "step", ["batch"], ElemType.int64, (s) => s],
      ["k32", "step", [], 6, /* int32 */ (s) => s],
      ["nu", "param:nu", [], ElemType.float32, () => 0.5],
      ["beta", "param:beta", [1], ElemType.float64, () => 3],
      ["th", "time", ["B", 1], ElemType.float16, (s) => 0.25 * s],
    ];
    for (const backend of await backends()) {
      for (const [name, q, dims, elem, want] of cases) {
        if (elem === ElemType.float16 && !f16(backend)) continue;
        // onnxruntime-web's wasm build has no float64 Cast kernel: float64 runs on native only.
        if (elem === ElemType.float64 && backend === "wasm") continue;
        const inc = await increments(backend, condGraph(name, dims, elem), { [name]: q }, SPEC, {
          n: 5,
          steps: 4,
        });
        for (const row of inc) {
          // Predicting state n from state n − 1: the quantity of state n − 1.
          assert.deepEqual(row.map((v) => Number(v.toFixed(4))), [0, 1, 2, 3].map(want), q);
        }
      }
    }
  },
});

Deno.test({
  name: "conditioning: with history 2 the first step is taken from state 1 (time Δt, step 1)",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const g = new GraphBuilder("hist");
    const w = g.input("w", ["B", 2, 1, X]);
    const k = g.op("Cast", [g.input("k", ["B"], ElemType.int64)], { to: ElemType.float32 });
    const last = g.op("Squeeze", [
      g.op("Slice", [w, g.ints([1]), g.ints([2]), g.ints([1])]),
      g.ints([1]),
    ]);
    g.output(g.op("Add", [last, g.op("Unsqueeze", [k, g.ints([1, 2])])]), "u_next", ["B", 1, X]);
    const inc = await increments("wasm", g.build(), { k: "step" }, SPEC, {
      n: 2,
      steps: 4,
      history: 2,
    });
    assert.deepEqual(inc[0], [1, 2, 3]);
  },
});

Deno.test({
  name: "conditioning: era5 day_of_year and hour follow each IC's own date, batched or not",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const spec: StateSpec = { ...SPEC, dt: 6, calendar: true };
    // IC 0 starts 30 Dec 18 UTC (wraps past the year's end), IC 1 on 1 Feb 00 UTC.
    const startHours = [363 * 24 + 18, 31 * 24, 100];
    const doy = (ic: number, s: number) => {
      const h = (startHours[ic] + 6 * s) % (365.25 * 24);
      return h / 24;
    };
    for (const backend of await backends()) {
      for (const dims of [["B"], []] as Dim[][]) {
        const inc = await increments(
          backend,
          condGraph("d", dims, ElemType.float32),
          { d: "day_of_year" },
          spec,
          { n: 3, steps: 8, startHours },
        );
        inc.forEach((row, ic) =>
          row.forEach((v, s) => assert.ok(Math.abs(v - doy(ic, s)) < 1e-3, `${ic} ${s}: ${v}`))
        );
      }
      if (!f16(backend)) continue;
      const hours = await increments(
        backend,
        condGraph("h", ["B", 1], ElemType.float16),
        { h: "hour" },
        spec,
        { n: 2, steps: 5, startHours },
      );
      assert.deepEqual(hours[0], [18, 0, 6, 12, 18]);
      assert.deepEqual(hours[1], [0, 6, 12, 18, 0]);
    }
    assert.equal(
      quantityValue(parseQuantity("day_of_year")!, { dt: 6, startHours: [36] }, 0, 2),
      2,
    );
  },
});

Deno.test("conditioning: the plan refuses what it cannot feed, naming input and quantity", () => {
  const plan = (decl: Record<string, string>, bytes: Uint8Array, spec = SPEC) =>
    planModel(source({ step: bytes }, { conditioning: decl }), spec);
  const good = condGraph("c", ["B"], ElemType.float32);
  // An undeclared second input leaves the state ambiguous; declared, the plan resolves it.
  assert.match(JSON.stringify(planModel(source({ step: good }), SPEC).problems), /exactly one/);
  const ok = plan({ c: "time" }, good).plan!;
  assert.equal(ok.step.input, "u");
  assert.equal(ok.conditioning[0].input, "c");
  const p1 = plan({ c: "param:re" }, good).problems;
  assert.match(p1[0].expected, /param:nu, param:beta/);
  const p2 = plan({ x: "time" }, good).problems;
  assert.equal(p2[0].field, "conditioning x");
  const p3 = plan({ c: "hour" }, good).problems;
  assert.match(p3[0].expected, /dates/);
  const p4 = plan({ c: "time" }, condGraph("c", ["B", 3], ElemType.float32)).problems;
  assert.match(p4[0].expected, /\[B,1\]/);
  const p5 = plan({ c: "time" }, condGraph("c", ["B"], ElemType.int64)).problems;
  assert.match(p5[0].found, /int64/);
  const p6 = plan({ c: "dt" }, good, { fields: ["u"], shape: [X] }).problems;
  assert.match(p6[0].expected, /time step/);
  // A shared date value forces one IC at a time.
  const one = plan({ c: "hour" }, condGraph("c", [], ElemType.float32), {
    ...SPEC,
    calendar: true,
  });
  assert.equal(one.plan?.batch, 1);
});

Deno.test("conditioning: emulator.json syntax is checked when read", () => {
  const m = parseManifest(
    { suite: "burgers1d", conditioning: { t: "time", nu: "param:nu" } },
    "emulator.json",
  );
  assert.deepEqual(m.conditioning, { t: "time", nu: "param:nu" });
  assert.throws(
    () => parseManifest({ suite: "x", conditioning: { t: "clock" } }, "e.json"),
    /e\.json: conditioning\.t: expected one of time, dt, step, day_of_year, hour or param:NAME/,
  );
  assert.throws(() => parseManifest({ suite: "x", conditioning: ["t"] }, "e.json"), /conditioning/);
  assert.throws(
    () => parseManifest({ suite: "x", carry: { h: "h2" }, conditioning: { h: "dt" } }, "e.json"),
    /carry/,
  );
});

Deno.test("conditioning: suite specs offer Δt, parameters and (era5) a calendar", () => {
  const b = suiteSpec(getSuite("burgers1d"));
  assert.equal(b.dt, 0.01);
  assert.equal(b.params?.nu, 0.01);
  assert.equal(b.calendar, false);
  const e = getSuite("era5");
  assert.equal(suiteSpec(e).calendar, true);
  const h = e.startHours!(3, e.seed);
  assert.equal(h.length, 3);
  assert.ok(h.every((x) => x >= 0 && x < 8766 && x % 6 === 0));
});

Deno.test({
  name: "conditioning: torch.onnx.export fixtures (t, dt, int64 k, nu) roll out as torch did",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const burgers = getSuite("burgers1d");
    for (const name of ["cond_time", "cond_dt", "cond_step", "cond_nu"]) {
      const dir = new URL(`../../fixtures/torch/${name}/`, import.meta.url).pathname;
      const model = await loadModel(dir);
      const { plan, problems } = planModel(model, suiteSpec(burgers));
      assert.ok(plan, `${name}: ${JSON.stringify(problems)}`);
      const torch = await readNpy(`${dir}rollout.npy`); // [2, 6, 1, 1024]
      const [n, T1] = torch.shape;
      const S = 1024, T = T1 - 1;
      for (const backend of await backends()) {
        const sessions = await openSessions(await openBackend(backend), model, plan!, 3);
        let worst = 0;
        try {
          await rollout({
            sessions,
            channels: 1,
            shape: [S],
            count: n,
            reference: torch.data as Float32Array,
            refSteps: T,
            steps: T,
            observer: {
              step: (_ic, _n, p, y) => {
                // Interior cells: torch 1.13 exports padding_mode="circular" with a wrong halo
                // (pytorch#86690), so the cells next to the ends differ from torch's own rollout.
                for (let i = 8; i < S - 8; i++) worst = Math.max(worst, Math.abs(p[i] - y[i]));
              },
              diverged: (ic, s) => assert.fail(`${name}: IC ${ic} diverged at ${s}`),
            },
          });
        } finally {
          await closeSessions(sessions);
        }
        assert.ok(worst < 1e-5, `${name} on ${backend}: max |emubench − torch| ${worst}`);
      }
    }
  },
});

/**
 * `deno task bench`: throughput of a realistic 1D CNN (the untrained `cnn1d_untrained`
 * baseline: 4 periodic conv layers, 32 channels, kernel 5, on 1024 points) per backend, and
 * the harness's overhead against a bare `session.run` loop on the same model.
 *
 * Method: for each backend, the three variants run interleaved (bare, engine, engine+metrics,
 * the order rotating every round) for `--rounds` rounds of `--steps` steps at batch `--batch`; the table reports medians over
 * rounds and the overhead as the ratio of medians measured side by side in one run.
 *
 * - bare: `session.run`, read the output to the host, feed it back (what any user loop does);
 * - engine: emubench's rollout with a no-op observer (windowing, readback, NaN scan);
 * - engine+metrics: the full streaming scorer (mse/nrmse, split, energy, spectrum per IC·step).
 * @module
 */
import { parseArgs } from "node:util";
import { getSuite, gridSize } from "../../suites/mod.ts";
import { getBaseline } from "../../baselines/mod.ts";
import { type BackendName, nativeAvailable, openBackend, probeAdapter } from "../onnx/backend.ts";
import { planOrThrow } from "../tasks/run.ts";
import { closeSessions, openSessions, rollout } from "../model/rollout.ts";
import { RolloutScorer } from "../../metrics/scorer.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    batch: { type: "string", default: "32" },
    steps: { type: "string", default: "20" },
    rounds: { type: "string", default: "5" },
    backends: { type: "string" },
  },
});
const B = Number(values.batch), T = Number(values.steps), R = Number(values.rounds);
const suite = getSuite("burgers1d");
const X = gridSize(suite.grid);
const model = await getBaseline("cnn1d_untrained", suite.id).build(suite);
const plan = planOrThrow(model, suite);
const ics = suite.initialConditions(B, suite.seed);
// The reference only has to supply the IC and shapes here; metrics compare against step 0.
const reference = new Float32Array(B * (T + 1) * X);
for (let i = 0; i < B; i++) {
  for (let t = 0; t <= T; t++) {
    reference.set(ics.subarray(i * X, (i + 1) * X), (i * (T + 1) + t) * X);
  }
}

const available: BackendName[] = [];
if (await nativeAvailable()) available.push("native");
available.push("wasm");
const adapter = await probeAdapter();
// A software adapter (llvmpipe) takes many minutes here and says nothing about GPUs: only on request.
if (adapter && !adapter.fallback) available.push("webgpu");
else if (adapter && !values.backends) {
  console.log(
    `webgpu skipped: ${adapter.description} is a software fallback adapter (pass --backends webgpu to time it anyway)`,
  );
}
const chosen = values.backends ? (values.backends.split(",") as BackendName[]) : available;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

const rows: string[][] = [];
for (const name of chosen) {
  const backend = await openBackend(name);
  const sessions = await openSessions(backend, model, plan, 3);
  const times = { bare: [] as number[], engine: [] as number[], metrics: [] as number[] };
  const bare = async () => {
    let x = backend.tensor("float32", ics.slice(), [B, 1, X]);
    const t0 = performance.now();
    for (let n = 0; n < T; n++) {
      const y = (await sessions.step.run({ u: x })).u_next;
      await backend.read(y);
      if (x.location !== "cpu") x.dispose();
      x = y;
    }
    const dt = performance.now() - t0;
    if (x.location !== "cpu") x.dispose();
    return dt;
  };
  const engine = async (withMetrics: boolean) => {
    const scorer = new RolloutScorer({
      fields: suite.fields,
      pointsPerField: X,
      ics: B,
      steps: T,
      summarySteps: [T],
      energy: (s) => suite.energy(s),
    });
    const t0 = performance.now();
    await rollout({
      sessions,
      channels: 1,
      shape: [X],
      count: B,
      reference,
      refSteps: T,
      steps: T,
      maxBatch: B,
      observer: withMetrics
        ? {
          initial: (ic, s) => scorer.observeInitial(ic, s),
          step: (ic, n, p, y) => scorer.observe(ic, n, p, y),
          diverged: (ic, n) => scorer.diverged(ic, n),
        }
        : { step: () => {}, diverged: () => {} },
    });
    return performance.now() - t0;
  };
  await bare(); // warm-up
  await engine(true);
  // Rotate the order every round so no variant always runs after another (GC, caches, turbo).
  const variants = [
    async () => times.bare.push(await bare()),
    async () => times.engine.push(await engine(false)),
    async () => times.metrics.push(await engine(true)),
  ];
  for (let r = 0; r < R; r++) {
    for (let v = 0; v < variants.length; v++) await variants[(r + v) % variants.length]();
  }
  await closeSessions(sessions);
  const sps = (ms: number) => ((B * T) / (ms / 1000)).toFixed(0);
  const mb = median(times.bare), me = median(times.engine), mm = median(times.metrics);
  rows.push([
    name + (backend.fallbackAdapter ? " (software adapter)" : ""),
    sps(mb),
    sps(me),
    sps(mm),
    `${((me / mb - 1) * 100).toFixed(1)}%`,
    `${((mm / mb - 1) * 100).toFixed(1)}%`,
  ]);
}

const header = [
  "backend",
  "bare steps/s",
  "engine steps/s",
  "engine+metrics steps/s",
  "engine overhead",
  "with metrics",
];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(widths[i])).join(" | ")} |`;
console.log(
  `cnn1d_untrained (4×conv32 k5) on [${B}, 1, ${X}], ${T} steps × ${R} rounds, medians; steps = IC-steps`,
);
console.log(line(header));
console.log(`|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`);
for (const r of rows) console.log(line(r));

// Reference solver cost of jet2d (CPU, float64, one core): ETDRK4 sub-steps at 256², a model
// step (SUBSTEPS sub-steps), a standard-tier trajectory, and the IC spin-up (64² + 256² steps).
{
  const { jet2dSolverCost } = await import("../../suites/jet2d/cost.ts");
  const c = jet2dSolverCost();
  console.log(
    `\njet2d reference solver (ETDRK4, one core): ${c.fineMs.toFixed(1)} ms per 256² sub-step, ` +
      `${c.modelStepSeconds.toFixed(2)} s per model step, ${c.trajectorySeconds.toFixed(0)} s ` +
      `per standard-tier trajectory (${c.standardSteps} steps), ${c.spinUpSeconds.toFixed(1)} s ` +
      `per spun-up IC (${c.coarseMs.toFixed(2)} ms per 64² sub-step)`,
  );
}

/**
 * Test support: frontier blocks of hand-made numbers (summary steps 1 and 10, headline step 10),
 * with the verdict computed by `frontierVerdict`, for the tests of the check and of the figure.
 * @module
 */
import { frontierVerdict } from "./frontier.ts";
import type { Frontier, FrontierEntry } from "./schema.ts";

/** One entry: errors at steps 1 and 10, seconds per IC-step, label. */
export const frontierEntry = (
  error: (number | null)[],
  secondsPerStep: number,
  label = "x",
): FrontierEntry => ({ label, error, score: null, secondsPerStep, diverged: 0 });

/** A frontier of `rungs` (factor, errors, seconds, label) and `model`. */
export function sampleFrontier(
  rungs: { factor: number; error: (number | null)[]; seconds: number; label: string }[],
  model: FrontierEntry,
  o: {
    timing: "measured" | "cached";
    compared: string;
    training?: { seconds: number; steps: number };
  },
): Frontier {
  const entries = rungs.map((r) => ({
    ...frontierEntry(r.error, r.seconds, r.label),
    id: `solver_${r.factor}x`,
    factor: r.factor,
    description: "d",
    graphSha256: "0".repeat(64),
    timing: o.timing,
  }));
  return {
    scheme: "s",
    compared: o.compared,
    machine: { os: "linux", arch: "x86_64", cpus: 2, cpu: null, host: "h" },
    backend: "wasm",
    adapter: null,
    batch: 2,
    timingSteps: 10,
    metric: "nrmse",
    steps: [1, 10],
    headlineStep: 10,
    rungs: entries,
    model,
    ...frontierVerdict(entries, model, 1, o.training),
  };
}

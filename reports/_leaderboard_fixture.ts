/**
 * A results directory for leaderboard tests: real smoke-tier runs of built-in baselines and of a
 * deliberately damped ONNX model, results whose submitter strings are hostile, and files that
 * must be skipped (not JSON, not a result, an edited headline number). Not part of the API.
 * @module
 */
import { join } from "node:path";
import { evaluate } from "../harness/tasks/run.ts";
import type { Result } from "../harness/results/schema.ts";
import { stencilGraph } from "../baselines/builders.ts";
import { composeStencil, laxWendroffStencil, substepsFor } from "../baselines/stencils.ts";
import { getSuite } from "../suites/mod.ts";
import { grid1D } from "../suites/common/types.ts";

/** Strings a hostile submitter might put in a manifest. */
export const HOSTILE = {
  script: "<script>window.__pwned=1</script>",
  attr: `"><img src=x onerror=window.__pwned=1>`,
  link: "javascript:alert(1)",
} as const;

/** Lax–Wendroff for convection1d as the baseline builds it, times `damping` per model step. */
export function dampedLaxWendroff(damping: number): Uint8Array {
  const suite = getSuite("convection1d");
  const line = grid1D(suite, "build the damped Lax–Wendroff fixture");
  const c = (suite.params!.beta * suite.dt) / (line.length / line.n);
  const m = substepsFor(c);
  const stencil = composeStencil(laxWendroffStencil(c / m), m).map((w) => w * damping);
  return stencilGraph(line.n, stencil, "damped_lax_wendroff");
}

/** What {@link makeResultsDir} wrote. */
export interface Fixture {
  dir: string;
  /** Results by short name. */
  results: Record<string, Result>;
  /** Files that must be skipped, relative to `dir`. */
  bad: string[];
}

async function save(dir: string, rel: string, data: unknown): Promise<void> {
  const path = join(dir, rel);
  await Deno.mkdir(join(path, ".."), { recursive: true });
  await Deno.writeTextFile(path, typeof data === "string" ? data : JSON.stringify(data, null, 1));
}

/**
 * Evaluate the fixture models on the smoke tier (wasm) and write their results, hostile variants
 * and bad files under a fresh temporary directory.
 */
export async function makeResultsDir(): Promise<Fixture> {
  const dir = await Deno.makeTempDir({ prefix: "emubench-results-" });
  const run = async (suite: string, model: string) =>
    (await evaluate({ suite, model, tier: "smoke", backend: "wasm" })).result;
  await Deno.writeFile(join(dir, "damped.onnx"), dampedLaxWendroff(0.99));
  const results: Record<string, Result> = {
    persistence: await run("convection1d", "baseline:persistence"),
    laxWendroff: await run("convection1d", "baseline:lax_wendroff"),
    upwind: await run("convection1d", "baseline:upwind"),
    damped: await run("convection1d", join(dir, "damped.onnx")),
    burgersPersistence: await run("burgers1d", "baseline:persistence"),
    burgersStencil: await run("burgers1d", "baseline:linear_stencil"),
  };
  results.damped.model.name = "damped-lax-wendroff";
  results.damped.model.description = "Lax–Wendroff with 1% amplitude loss per step.";
  results.damped.model.authors = ["Test Author"];
  // Hostile strings everywhere a submitter controls text (the model hash covers files only, so
  // these results are still self-consistent).
  const evil = structuredClone(results.upwind);
  evil.model.kind = "model";
  evil.model.name = HOSTILE.script;
  evil.model.description = HOSTILE.attr;
  evil.model.authors = [HOSTILE.link, HOSTILE.attr];
  results.evil = evil;
  const evil2 = structuredClone(results.damped);
  evil2.model.name = `${HOSTILE.attr}../../etc/passwd`;
  evil2.model.description = HOSTILE.script;
  evil2.model.authors = [HOSTILE.script];
  evil2.environment.backend = HOSTILE.attr;
  evil2.created = "2026-11-22T00:00:00.000Z";
  results.evil2 = evil2;
  const evil3 = structuredClone(results.laxWendroff);
  evil3.model.kind = "model";
  evil3.model.name = HOSTILE.link;
  evil3.model.description = HOSTILE.link;
  results.evil3 = evil3;

  for (const [name, r] of Object.entries(results)) {
    await save(dir, `${r.suite.id}/${name}/result.json`, r);
  }
  // Bad files: not JSON, not a result, an edited headline score, a forged model hash, and a
  // hostile file name.
  const tampered = structuredClone(results.damped);
  const headline = tampered.rows.find((r) =>
    r.metric === "nrmse" && r.reduction === "geomean_over_steps_then_mean_over_ics"
  )!;
  headline.value = headline.value! / 100;
  const forged = structuredClone(results.laxWendroff);
  forged.model.sha256 = "0".repeat(64);
  const bad: [string, unknown][] = [
    ["convection1d/broken/result.json", '{"schema": "emubench.result/1", "rows": ['],
    ["notes.json", { hello: "world" }],
    ["convection1d/tampered/result.json", tampered],
    ["convection1d/forged/result.json", forged],
    [`${HOSTILE.script.replace(/\//g, "_")}.json`, "[]"],
  ];
  for (const [rel, data] of bad) await save(dir, rel, data);
  return { dir, results, bad: bad.map(([rel]) => rel) };
}

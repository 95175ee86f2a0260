/**
 * Test fixtures of era5 reports (not a test file): a reconstruct result of a mean-pool
 * autoencoder on smooth fields at nside 8, scored by the real `reconstructSamples`, and a
 * forecast-shaped era5 result with rmse / acc rows per step and untagged HEALPix snapshots (as
 * `evaluate` writes them).
 * @module
 */
import type { Result } from "../harness/results/schema.ts";
import type { ResultRow } from "../metrics/rows.ts";
import { buildCatalogue } from "../metrics/catalogue.ts";
import { openBackend } from "../harness/onnx/backend.ts";
import { ERA5_RECONSTRUCT } from "../suites/era5/reconstruct.ts";
import { reconstructSamples, type ReconstructSuite } from "../harness/tasks/reconstruct.ts";
import { meanPoolAutoencoder } from "../baselines/era5_autoencoder.ts";
import { npix, pix2angNest } from "../suites/era5/healpix.ts";
import { sampleResult } from "./sample_result.ts";

/** nside of the fixtures (768 pixels). */
export const FIXTURE_NSIDE = 8;

function fields(n: number, C: number): Float32Array {
  const P = npix(FIXTURE_NSIDE), out = new Float32Array(n * C * P);
  for (let i = 0; i < n * C; i++) {
    for (let p = 0; p < P; p++) {
      const { theta, phi } = pix2angNest(FIXTURE_NSIDE, p);
      out[i * P + p] = 250 + 30 * Math.cos(theta) + (5 + i) * Math.sin(theta) * Math.cos(phi + i);
    }
  }
  return out;
}

/** The era5 parts of the fixtures' suite block. */
const ERA5_SUITE = {
  id: "era5",
  dt: 6,
  grid: { kind: "healpix", nside: FIXTURE_NSIDE, ordering: "nested" } as const,
  spectrum: { name: "angular power spectrum", x: "degree ℓ", y: "C_ℓ" },
  energy: "Σ_c ⟨(x_c − ⟨x_c⟩)²⟩ / σ_c²",
};

/** A reconstruct result of `baseline:mean_pool_r<ratio>` on 2 samples of `names`. */
export async function reconstructFixture(
  ratio: number,
  names: string[] = ["t2m", "z500"],
): Promise<Result> {
  const suite: ReconstructSuite = {
    id: "era5",
    version: "test",
    title: "sphere",
    fields: names,
    dt: 6,
    grid: { kind: "healpix", nside: FIXTURE_NSIDE, ordering: "nested" },
    reconstruct: ERA5_RECONSTRUCT,
  };
  const N = 2, model = meanPoolAutoencoder(suite, ratio);
  const scores = await reconstructSamples({
    suite,
    model,
    backend: await openBackend("wasm"),
    samples: fields(N, names.length),
  });
  const base = sampleResult({ steps: 1, ics: N, diverge: {}, summarySteps: [] });
  return {
    ...base,
    task: "reconstruct",
    reconstruct: scores.info,
    suite: { ...base.suite, ...ERA5_SUITE, fields: names },
    model: { ...base.model, name: model.manifest.name, form: "autoencoder" },
    config: { ...base.config, ics: N, steps: 1, summarySteps: [] },
    rows: scores.rows,
    catalogue: buildCatalogue(scores.rows.map((r) => r.metric)),
    divergence: scores.divergence,
    snapshots: scores.snapshots,
  };
}

/**
 * A forecast result on era5 (Δt = 6 h): rmse = 0.5·step and acc = 1 − 0.01·step for `t2m`,
 * snapshots of IC 0 at steps 2 and `steps` (prediction = reference + 0.1).
 */
export function forecastFixture(steps: number): Result {
  const base = sampleResult({ steps, ics: 1, diverge: {}, summarySteps: [steps] });
  const rows: ResultRow[] = [];
  for (let s = 1; s <= steps; s++) {
    rows.push({
      metric: "rmse",
      field: "t2m",
      step: s,
      value: 0.5 * s,
      reduction: "mean_over_ics_then_sqrt",
      q25: 0.4 * s,
      q75: 0.6 * s,
    });
    rows.push({
      metric: "acc",
      field: "t2m",
      step: s,
      value: 1 - 0.01 * s,
      reduction: "mean_over_ics",
      q25: 1 - 0.015 * s,
      q75: 1 - 0.005 * s,
    });
  }
  const P = npix(FIXTURE_NSIDE);
  const f = Array.from(
    { length: P },
    (_, p) => 280 + Math.cos(pix2angNest(FIXTURE_NSIDE, p).theta),
  );
  return {
    ...base,
    suite: { ...base.suite, ...ERA5_SUITE, fields: ["t2m"] },
    rows,
    catalogue: buildCatalogue(rows.map((r) => r.metric)),
    snapshots: [2, steps].map((step) => ({
      ic: 0,
      step,
      field: "t2m",
      ref: f,
      pred: f.map((v) => v + 0.1),
    })),
  };
}

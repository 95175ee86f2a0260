/**
 * A synthetic but self-consistent {@link Result} for developing and testing reports without
 * running a model: periodic 1D fields built in Fourier space (a k⁻² spectrum with viscous decay,
 * advected at unit speed), a "prediction" with extra damping, a phase-speed error and noise that
 * grows at high wavenumbers, and an IC that blows up. Every row is computed from the arrays
 * (so dissipation + dispersion = mse to rounding), not drawn independently.
 * @module
 */
import { fft } from "../metrics/fft.ts";
import type { ResultRow } from "../metrics/rows.ts";
import { buildCatalogue } from "../metrics/catalogue.ts";
import { quartileFields } from "../metrics/bootstrap.ts";
import {
  type Divergence,
  type Result,
  RESULT_SCHEMA,
  type Snapshot,
} from "../harness/results/schema.ts";

/** Knobs of {@link sampleResult}; every one has a default. */
export interface SampleOptions {
  /** Model name (default `"sample-unet"`). */
  name?: string;
  /** Model description. */
  description?: string;
  /** Model authors. */
  authors?: string[];
  /** Field names (default `["u"]`). */
  fields?: string[];
  /** Number of ICs (default 4). */
  ics?: number;
  /** Rollout horizon (default 200). */
  steps?: number;
  /** Grid points (power of two, default 1024). */
  points?: number;
  /** Seed of the synthetic ICs and model noise (default 7). */
  seed?: number;
  /** IC index → first step with NaN output (default `{ 2: 150 }`). Use `{}` for a stable run. */
  diverge?: Record<number, number>;
  /** Relative phase-speed error of the prediction (default 0.002). */
  phaseError?: number;
  /** E-folding time of the high-wavenumber noise, in steps (default 45). */
  noiseGrowth?: number;
  /** Summary steps (default `[1, 50, 100, 150, 200]`, clipped to `steps`). */
  summarySteps?: number[];
  /** `created` timestamp (default a fixed date so output is reproducible). */
  created?: string;
}

const DT = 0.01;
const NU = 2e-7;

/** Deterministic PRNG (mulberry32), uniform in [0, 1). */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Approximately standard normal (Irwin–Hall sum of three uniforms: mean 0, variance 1). */
function gaussian(rand: () => number): number {
  return (rand() + rand() + rand() - 1.5) * 2;
}

/** Real field from one-sided coefficients `c[m]` (m = 0..N/2): u_j = c₀ + Σ Re(c_m e^{2πi mj/N}). */
function synthesise(cre: Float64Array, cim: Float64Array, n: number): Float64Array {
  const re = new Float64Array(n);
  const im = new Float64Array(n);
  re[0] = cre[0] * n;
  for (let m = 1; m < n / 2; m++) {
    // û_m = c_m / 2, û_{-m} = conj(c_m) / 2, scaled by N for the unnormalised inverse.
    re[m] = (cre[m] * n) / 2;
    im[m] = (cim[m] * n) / 2;
    re[n - m] = (cre[m] * n) / 2;
    im[n - m] = (-cim[m] * n) / 2;
  }
  re[n / 2] = cre[n / 2] * n; // Nyquist mode: real, e^{iπj} = (−1)^j

  fft(re, im, true);
  return re;
}

/** 1D spectrum per wavenumber, E(k) = Σ_{|k'|=k} ½|û(k')|² with û = FFT/N (Parseval-exact). */
function spectrum1d(u: Float64Array): Float64Array {
  const n = u.length;
  const re = Float64Array.from(u);
  const im = new Float64Array(n);
  fft(re, im);
  const e = new Float64Array(n / 2 + 1);
  for (let j = 0; j < n; j++) {
    const k = Math.abs(j <= n / 2 ? j : j - n);
    e[k] += 0.5 * ((re[j] / n) ** 2 + (im[j] / n) ** 2);
  }
  return e;
}

interface Moments {
  mse: number;
  dissipation: number;
  dispersion: number;
  nrmse: number;
}

/** mse with its Takacs split, population moments, summed in float64. */
function moments(p: Float64Array, y: Float64Array): Moments {
  const n = p.length;
  let mp = 0, my = 0;
  for (let i = 0; i < n; i++) {
    mp += p[i];
    my += y[i];
  }
  mp /= n;
  my /= n;
  let vp = 0, vy = 0, cov = 0, se = 0, sy = 0;
  for (let i = 0; i < n; i++) {
    const a = p[i] - mp, b = y[i] - my;
    vp += a * a;
    vy += b * b;
    cov += a * b;
    se += (p[i] - y[i]) ** 2;
    sy += y[i] * y[i];
  }
  const sp = Math.sqrt(vp / n), sr = Math.sqrt(vy / n);
  const rho = sp > 0 && sr > 0 ? cov / n / (sp * sr) : 1;
  return {
    mse: se / n,
    dissipation: (sp - sr) ** 2 + (mp - my) ** 2,
    dispersion: 2 * (1 - rho) * sp * sr,
    nrmse: Math.sqrt(se / sy),
  };
}

function mean(xs: number[]): number | null {
  return xs.length === 0 ? null : xs.reduce((a, b) => a + b, 0) / xs.length;
}

/**
 * Build a synthetic result. Defaults: field `u`, 4 ICs, 200 steps, 1024 points, IC 2 diverging
 * at step 150 (so its per-IC rows from step 150 on are `null`, means from there average 3 ICs),
 * spectra at the summary steps, snapshots of IC 0 at the summary steps plus the diverging IC at
 * its divergence step (NaN points as `null`).
 *
 * @example
 * ```ts
 * import { sampleResult } from "./sample_result.ts";
 * const r = sampleResult();
 * const nulls = r.rows.filter((row) => row.value === null && row.ic === 2);
 * if (nulls.length === 0 || r.divergence[2].step !== 150) throw new Error("no divergence");
 * ```
 */
export function sampleResult(options: SampleOptions = {}): Result {
  const fields = options.fields ?? ["u"];
  const ics = options.ics ?? 4;
  const steps = options.steps ?? 200;
  const n = options.points ?? 1024;
  const seed = options.seed ?? 7;
  const diverge = options.diverge ?? { 2: 150 };
  const phaseError = options.phaseError ?? 0.002;
  const tau = options.noiseGrowth ?? 45;
  const summarySteps = (options.summarySteps ?? [1, 50, 100, 150, 200]).filter((s) =>
    s >= 1 && s <= steps
  );
  if (!Number.isInteger(Math.log2(n))) {
    throw new RangeError(
      `Cannot build a sample result: expected points a power of two, found ${n}`,
    );
  }
  const half = n / 2;
  const rows: ResultRow[] = [];
  const snapshots: Snapshot[] = [];
  const divergence: Divergence[] = Array.from({ length: ics }, (_, ic) => ({
    ic,
    step: diverge[ic] ?? null,
  }));
  const diverged = (ic: number, step: number) => diverge[ic] !== undefined && step >= diverge[ic];

  for (const [c, field] of fields.entries()) {
    // per[ic][metric][step-1]: per-IC values (NaN once diverged).
    const names = [
      "mse",
      "rmse",
      "nrmse",
      "dissipation",
      "dispersion",
      "energy_pred",
      "energy_ref",
    ];
    const per = names.map(() => Array.from({ length: ics }, () => new Float64Array(steps)));
    const spec = new Map<string, Float64Array[]>(); // `${kind}:${step}` → per-IC spectra

    for (let ic = 0; ic < ics; ic++) {
      const rand = mulberry32(seed * 1009 + ic * 97 + c * 7919);
      const amp = new Float64Array(half + 1);
      const phase = new Float64Array(half + 1);
      for (let m = 1; m <= half; m++) {
        amp[m] = (0.5 / m) * Math.exp(-m / 60) * (0.6 + 0.8 * rand());
        phase[m] = 2 * Math.PI * rand();
      }
      const noiseRe = new Float64Array(half + 1);
      const noiseIm = new Float64Array(half + 1);
      const dStep = diverge[ic];
      // Noise e-folding: a diverging IC's noise reaches O(1) near its divergence step.
      const tauIc = dStep !== undefined ? dStep / Math.log(1e2) : tau;
      for (let step = 1; step <= steps; step++) {
        const t = step * DT;
        const yRe = new Float64Array(half + 1), yIm = new Float64Array(half + 1);
        const pRe = new Float64Array(half + 1), pIm = new Float64Array(half + 1);
        const burst = dStep !== undefined ? Math.exp(Math.max(0, step - dStep + 12) / 3) : 1;
        const growth = 1e-5 * Math.exp(step / tauIc) * burst;
        for (let m = 1; m <= half; m++) {
          const k = 2 * Math.PI * m;
          const decay = Math.exp(-NU * k * k * t);
          const th = phase[m] - k * t;
          yRe[m] = amp[m] * decay * Math.cos(th);
          yIm[m] = amp[m] * decay * Math.sin(th);
          // Prediction: 3% amplitude loss per unit time, phase speed 1 + phaseError, high-k noise.
          const pd = decay * Math.exp(-0.03 * t);
          const pth = phase[m] - k * (1 + phaseError) * t;
          const hi = (m / half) ** 2;
          noiseRe[m] = 0.9 * noiseRe[m] + gaussian(rand) * hi;
          noiseIm[m] = 0.9 * noiseIm[m] + gaussian(rand) * hi;
          pRe[m] = amp[m] * pd * Math.cos(pth) + growth * noiseRe[m];
          pIm[m] = amp[m] * pd * Math.sin(pth) + growth * noiseIm[m];
        }
        pRe[0] = 2e-6 * step; // slow mean drift
        const y = synthesise(yRe, yIm, n);
        const p = synthesise(pRe, pIm, n);
        const gone = diverged(ic, step);
        const mo = moments(p, y);
        let ep = 0, ey = 0;
        for (let i = 0; i < n; i++) {
          ep += 0.5 * p[i] * p[i];
          ey += 0.5 * y[i] * y[i];
        }
        const vals = [mo.mse, Math.sqrt(mo.mse), mo.nrmse, mo.dissipation, mo.dispersion, ep / n];
        for (let j = 0; j < vals.length; j++) per[j][ic][step - 1] = gone ? NaN : vals[j];
        per[6][ic][step - 1] = ey / n;

        if (summarySteps.includes(step)) {
          for (const [kind, u] of [["pred", p], ["ref", y]] as const) {
            const key = `${kind}:${step}`;
            const list = spec.get(key) ?? [];
            if (!(kind === "pred" && gone)) list.push(spectrum1d(u));
            spec.set(key, list);
          }
          if (ic === 0) snapshots.push(snap(ic, step, field, p, y, gone ? "all" : "none"));
        }
        if (dStep === step) snapshots.push(snap(ic, step, field, p, y, "middle"));
      }
    }

    // Curves: means over the ICs that had not diverged.
    for (const [j, metric] of names.entries()) {
      for (let step = 1; step <= steps; step++) {
        const live = per[j].map((a) => a[step - 1]).filter((v) => Number.isFinite(v));
        rows.push({
          metric,
          field,
          step,
          value: mean(live),
          n: live.length,
          reduction: "mean_over_ics",
          // The spread across ICs, as the scorer emits it (not on the energies).
          ...(metric.startsWith("energy_") ? {} : quartileFields(live)),
        });
      }
    }
    // Per-IC summaries at the summary steps, null after divergence.
    for (const metric of ["mse", "nrmse"]) {
      const j = names.indexOf(metric);
      for (let ic = 0; ic < ics; ic++) {
        for (const step of summarySteps) {
          const v = per[j][ic][step - 1];
          rows.push({ metric, field, step, ic, value: Number.isFinite(v) ? v : null });
        }
      }
    }
    // Geometric mean over steps of the mean curves.
    for (const metric of ["mse", "rmse", "nrmse"]) {
      const curve = rows.filter((r) =>
        r.metric === metric && r.field === field && r.ic === undefined && r.step !== undefined
      );
      const logs = curve.map((r) => r.value === null ? NaN : Math.log(r.value));
      const ok = logs.every(Number.isFinite);
      rows.push({
        metric,
        field,
        value: ok ? Math.exp(logs.reduce((a, b) => a + b, 0) / logs.length) : null,
        reduction: "geomean_over_steps_then_mean_over_ics",
      });
    }
    // Spectra (mean over live ICs) and the spectrum error.
    for (const step of summarySteps) {
      const pred = spec.get(`pred:${step}`) ?? [];
      const ref = spec.get(`ref:${step}`) ?? [];
      const avg = (list: Float64Array[], k: number) =>
        list.length === 0 ? null : list.reduce((a, s) => a + s[k], 0) / list.length;
      let err = 0, nk = 0;
      for (let k = 0; k <= half; k++) {
        const ep = avg(pred, k), ey = avg(ref, k);
        rows.push({ metric: "spectrum_pred", field, step, k, value: ep, n: pred.length });
        rows.push({ metric: "spectrum_ref", field, step, k, value: ey, n: ref.length });
        if (k >= 1 && ep !== null && ey !== null && ep > 0 && ey > 0) {
          err += Math.abs(Math.log(ep) - Math.log(ey));
          nk++;
        }
      }
      rows.push({
        metric: "spectrum_error",
        field,
        step,
        value: nk > 0 ? err / nk : null,
        n: pred.length,
        reduction: "mean_over_ics",
      });
    }
  }

  const name = options.name ?? "sample-unet";
  return {
    schema: RESULT_SCHEMA,
    created: options.created ?? "2025-11-23T12:00:00.000Z",
    suite: {
      id: "convection1d",
      version: "1.0.0",
      tier: "standard",
      title: "1D linear convection (periodic)",
      fields,
      dt: DT,
      grid: { kind: "periodic1d", n, length: 1 },
      spectrum: { name: "energy spectrum", x: "wavenumber k", y: "E(k)" },
      energy: "½⟨u²⟩",
    },
    model: {
      name,
      kind: "model",
      description: options.description ??
        "Synthetic emulator for report development: extra damping, phase lag, high-k noise.",
      authors: options.authors ?? ["A. Researcher", "B. Engineer"],
      files: [{ path: "model.onnx", sha256: "9f2c".repeat(16), bytes: 1_234_567 }],
      sha256: "3b7e1c0a9d".padEnd(64, "0"),
      form: "step",
      history: 1,
      carry: [],
    },
    config: {
      ics,
      steps,
      seed,
      backend: "auto",
      batch: ics,
      data: "solver",
      summarySteps,
    },
    environment: {
      emubench: "0.1.0",
      gitCommit: "b88a713",
      deno: "2.9.6",
      v8: "14.0",
      os: "linux",
      arch: "x86_64",
      onnxruntime: { web: "1.30.0", node: "1.30.0" },
      backend: "wasm",
      adapter: null,
    },
    timings: {
      modelSeconds: 12.5,
      metricSeconds: 1.25,
      referenceSeconds: 0.5,
      stepsPerSecond: 64,
      totalSeconds: 14.5,
    },
    rows,
    catalogue: buildCatalogue(rows.map((r) => r.metric)),
    divergence,
    snapshots,
  };
}

function snap(
  ic: number,
  step: number,
  field: string,
  p: Float64Array,
  y: Float64Array,
  nan: "none" | "middle" | "all",
): Snapshot {
  const n = p.length;
  // At the divergence step a blow-up region is NaN (reported as null) around the middle; after
  // it the whole state is.
  const pred = Array.from(
    p,
    (v, i) => nan === "all" || (nan === "middle" && Math.abs(i - n / 2) < n / 10) ? null : v,
  );
  return { ic, step, field, pred, ref: Array.from(y) };
}

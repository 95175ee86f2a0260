import { openBackend } from "../harness/onnx/backend.ts";
import { Rng } from "../harness/core/rng.ts";
import { Jet2D } from "../suites/jet2d/solver.ts";
import { coarseJet2dGraph, type CoarseJet2dOptions, coarseJet2dStep, unetGraph } from "./jet2d.ts";

async function run(bytes: Uint8Array, u: Float32Array, dims: number[]): Promise<Float32Array> {
  const b = await openBackend("wasm");
  const s = await b.createSession(bytes);
  const out = await s.run({ u: b.tensor("float32", u, dims) });
  await s.release();
  return out.u_next.data as Float32Array;
}

/** Real field with random modes |k_x|, |k_y| ≤ band, zero mean. */
function bandLimited(n: number, band: number, seed: number, amp: number): Float64Array {
  const rng = new Rng(seed, 0), terms: number[][] = [];
  for (let ky = -band; ky <= band; ky++) {
    for (let kx = 0; kx <= band; kx++) {
      if (kx === 0 && ky <= 0) continue;
      terms.push([kx, ky, amp * rng.normal(), amp * rng.normal()]);
    }
  }
  const out = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < n; i++) {
      let v = 0;
      for (const [kx, ky, a, c] of terms) {
        const t = (2 * Math.PI * (kx * i + ky * j)) / n;
        v += a * Math.cos(t) + c * Math.sin(t);
      }
      out[j * n + i] = v;
    }
  }
  return out;
}

const maxAbs = (a: ArrayLike<number>) => {
  let m = 0;
  for (let k = 0; k < a.length; k++) m = Math.max(m, Math.abs(a[k]));
  return m;
};
const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let m = 0;
  for (let k = 0; k < a.length; k++) m = Math.max(m, Math.abs(a[k] - b[k]));
  return m;
};

const OPTS: CoarseJet2dOptions = {
  n: 32,
  coarseN: 16,
  nu: 0.01,
  nuH: 1e-6,
  mu: 0.1,
  beta: 3,
  kf: 2,
  f0: 1,
  dt: 0.1,
  substeps: 2,
};

Deno.test("coarse jet2d graph (float32, MatMul DFTs) equals the float64 Spectral2D scheme", async () => {
  const B = 2, n = OPTS.n, w0 = bandLimited(n, 5, 1, 0.5), w1 = bandLimited(n, 7, 2, 0.3);
  const x = new Float32Array(B * n * n);
  x.set(w0, 0);
  x.set(w1, n * n);
  const y = await run(coarseJet2dGraph(OPTS), x, [B, 1, n, n]);
  for (let b = 0; b < B; b++) {
    const want = coarseJet2dStep(x.subarray(b * n * n, (b + 1) * n * n), OPTS);
    const got = y.subarray(b * n * n, (b + 1) * n * n), err = maxDiff(got, want);
    if (!(err < 2e-5 * maxAbs(want))) throw new Error(`IC ${b}: max error ${err}`);
  }
});

Deno.test("coarse jet2d graph: the forced laminar jet from rest is ω_s(1 − e^{λt}) on a β-plane", async () => {
  // zonal flow: J(ψ, ω) = 0 and v = 0, so neither advection nor β acts
  const o = { ...OPTS, dt: 0.7, substeps: 3 }, n = o.n, kap = 2;
  const lam = -o.nu * kap ** 2 - o.nuH * kap ** 8 - o.mu, t = o.dt;
  const y = await run(coarseJet2dGraph(o), new Float32Array(n * n), [1, 1, n, n]);
  let err = 0, scale = 0;
  for (let j = 0; j < n; j++) {
    const ws = (o.f0 * kap * Math.cos((kap * 2 * Math.PI * j) / n)) / -lam;
    const want = ws * (1 - Math.exp(lam * t));
    scale = Math.max(scale, Math.abs(want));
    for (let i = 0; i < n; i++) err = Math.max(err, Math.abs(y[j * n + i] - want));
  }
  if (!(err < 1e-5 * scale)) throw new Error(`laminar jet error ${err} (scale ${scale})`);
});

Deno.test("coarse jet2d scheme (IFRK4) converges at fourth order to the ETDRK4 solver on the coarse grid", () => {
  // the same dealiased system on 16² (K = 5): Jet2D with h = Δt/800 as the exact solution
  const base = { ...OPTS, n: 32, coarseN: 16, dt: 0.4 };
  const s = new Jet2D({ n: 16, nu: base.nu, nuH: base.nuH, mu: base.mu, beta: 3, kf: 2, f0: 1 });
  const re = new Float64Array(256), im = new Float64Array(256);
  s.toSpectral(bandLimited(16, 5, 3, 1), re, im);
  for (let m = 0; m < 800; m++) s.step(re, im, base.dt / 800);
  const exact = new Float64Array(256);
  s.toPhysical(re, im, exact);
  // the same trigonometric polynomial (same draws) sampled on the 32² state grid
  const w0fine = bandLimited(32, 5, 3, 1);
  const errs = [4, 8, 16].map((substeps) => {
    const y = coarseJet2dStep(w0fine, { ...base, substeps });
    const sub = new Float64Array(256);
    for (let j = 0; j < 16; j++) {
      for (let i = 0; i < 16; i++) sub[j * 16 + i] = y[2 * j * 32 + 2 * i];
    }
    return maxDiff(sub, exact);
  });
  const ratios = [errs[0] / errs[1], errs[1] / errs[2]];
  if (!ratios.every((r) => r > 12 && r < 20)) {
    throw new Error(`errors ${errs}, ratios ${ratios} (expected ≈ 16)`);
  }
});

Deno.test("coarse jet2d: refuses a forcing mode outside the coarse band and bad sub-steps", () => {
  for (const bad of [{ kf: 6 }, { substeps: 0 }, { coarseN: 32 }]) {
    let refused = false;
    try {
      coarseJet2dGraph({ ...OPTS, ...bad });
    } catch (e) {
      refused = e instanceof RangeError;
    }
    if (!refused) throw new Error(`accepted ${JSON.stringify(bad)}`);
  }
});

Deno.test("untrained UNet: [B, 1, n, n] → [B, 1, n, n], finite, deterministic, u + O(10⁻³)", async () => {
  const n = 32, x = Float32Array.from(bandLimited(n, 4, 5, 1));
  const a = await run(unetGraph({ n, width: 4, levels: 2, seed: 9 }), x, [1, 1, n, n]);
  const b = await run(unetGraph({ n, width: 4, levels: 2, seed: 9 }), x, [1, 1, n, n]);
  if (a.length !== n * n || !a.every(Number.isFinite)) throw new Error("shape or NaN");
  if (maxDiff(a, b) !== 0) throw new Error("not deterministic");
  const d = maxDiff(a, x);
  if (!(d > 0 && d < 0.1 * maxAbs(x))) throw new Error(`residual size ${d}`);
});

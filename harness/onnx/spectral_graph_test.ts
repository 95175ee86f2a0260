import { openBackend } from "./backend.ts";
import { fft } from "../../metrics/fft.ts";
import { Rng } from "../core/rng.ts";
import { GraphBuilder } from "./graph.ts";
import { halfPlaneModes, SpectralGraph2D, spectralResample } from "./spectral_graph.ts";

async function run(
  bytes: Uint8Array,
  u: Float32Array,
  dims: number[],
): Promise<Record<string, Float32Array>> {
  const b = await openBackend("wasm");
  const s = await b.createSession(bytes);
  const out = await s.run({ u: b.tensor("float32", u, dims) });
  await s.release();
  return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, v.data as Float32Array]));
}

/** Unnormalised 2D DFT of a real n×n field by rows then columns with `metrics/fft.ts`. */
function dft2(f: ArrayLike<number>, n: number): { re: Float64Array; im: Float64Array } {
  const re = Float64Array.from(f), im = new Float64Array(n * n);
  const r = new Float64Array(n), i = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    r.set(re.subarray(j * n, (j + 1) * n));
    i.set(im.subarray(j * n, (j + 1) * n));
    fft(r, i);
    re.set(r, j * n);
    im.set(i, j * n);
  }
  for (let p = 0; p < n; p++) {
    for (let q = 0; q < n; q++) {
      r[q] = re[q * n + p];
      i[q] = im[q * n + p];
    }
    fft(r, i);
    for (let q = 0; q < n; q++) {
      re[q * n + p] = r[q];
      im[q * n + p] = i[q];
    }
  }
  return { re, im };
}

/** Random real field with modes |k_x|, |k_y| ≤ band (mean included), batch of `count`. */
function bandLimited(n: number, band: number, seed: number, count = 1): Float32Array {
  const out = new Float32Array(count * n * n), rng = new Rng(seed, 0);
  for (let b = 0; b < count; b++) {
    const terms: number[][] = [];
    for (let ky = -band; ky <= band; ky++) {
      for (let kx = 0; kx <= band; kx++) terms.push([kx, ky, rng.normal(), rng.normal()]);
    }
    for (let j = 0; j < n; j++) {
      for (let i = 0; i < n; i++) {
        let v = 0;
        for (const [kx, ky, a, c] of terms) {
          const t = (2 * Math.PI * (kx * i + ky * j)) / n;
          v += a * Math.cos(t) + c * Math.sin(t);
        }
        out[b * n * n + j * n + i] = v;
      }
    }
  }
  return out;
}

function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let k = 0; k < a.length; k++) m = Math.max(m, Math.abs(a[k]));
  return m;
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let m = 0;
  for (let k = 0; k < a.length; k++) m = Math.max(m, Math.abs(a[k] - b[k]));
  return m;
}

Deno.test("spectral graph: forward equals the 2D DFT of metrics/fft.ts on the half plane", async () => {
  const n = 16, m = 5, B = 2;
  const g = new GraphBuilder("fwd");
  const sp = new SpectralGraph2D(g, { n, modes: m });
  const u = g.input("u", ["B", 1, n, n]);
  const f = sp.forward(u);
  g.output(f.re, "re", ["B", 1, sp.rows, sp.cols]);
  g.output(f.im, "im", ["B", 1, sp.rows, sp.cols]);
  const rng = new Rng(3, 1), x = new Float32Array(B * n * n).map(() => rng.normal());
  const out = await run(g.build(), x, [B, 1, n, n]);
  const { kx, ky } = halfPlaneModes(m);
  for (let b = 0; b < B; b++) {
    const want = dft2(x.subarray(b * n * n, (b + 1) * n * n), n);
    const wr = new Float64Array(kx.length), wi = new Float64Array(kx.length);
    for (let k = 0; k < kx.length; k++) {
      const idx = ((ky[k] + n) % n) * n + kx[k];
      wr[k] = want.re[idx];
      wi[k] = want.im[idx];
    }
    const got = (a: Float32Array) => a.subarray(b * kx.length, (b + 1) * kx.length);
    const scale = maxAbs(wr);
    if (!(maxDiff(got(out.re), wr) < 1e-5 * scale && maxDiff(got(out.im), wi) < 1e-5 * scale)) {
      throw new Error(`DFT mismatch: ${maxDiff(got(out.re), wr)}, ${maxDiff(got(out.im), wi)}`);
    }
  }
});

Deno.test("spectral graph: inverse ∘ forward is the identity on band-limited fields", async () => {
  const n = 16, m = 5;
  const g = new GraphBuilder("roundtrip");
  const sp = new SpectralGraph2D(g, { n, modes: m });
  const u = g.input("u", ["B", 1, n, n]);
  g.output(sp.inverse(sp.forward(u)), "u_next", ["B", 1, n, n]);
  const bytes = g.build();
  const x = bandLimited(n, m, 7, 2);
  const y = (await run(bytes, x, [2, 1, n, n])).u_next;
  const err = maxDiff(y, x);
  if (!(err < 1e-5 * maxAbs(x))) throw new Error(`round trip error ${err}`);
  // a mode above the band is removed, not aliased: cos(2π·7i/16) → 0
  const hi = new Float32Array(n * n).map((_, k) => Math.cos((2 * Math.PI * 7 * (k % n)) / n));
  const z = (await run(bytes, hi, [1, 1, n, n])).u_next;
  if (!(maxAbs(z) < 1e-5)) throw new Error(`mode 7 leaked: ${maxAbs(z)}`);
});

Deno.test("spectral graph: ∂x, ∂y, ∇⁻² and the mask act as iκ_x, iκ_y, −1/|κ|², 1_{|k|≤K}", async () => {
  const n = 16, L = 3; // side 3: κ = 2πk/3
  const g = new GraphBuilder("ops");
  const sp = new SpectralGraph2D(g, { n, length: L });
  const u = g.input("u", ["B", 1, n, n]), f = sp.forward(u), dims = ["B", 1, n, n];
  g.output(sp.inverse(sp.dx(f)), "dx", dims);
  g.output(sp.inverse(sp.dy(f)), "dy", dims);
  g.output(sp.inverse(sp.invLaplacian(f)), "il", dims);
  g.output(sp.inverse(sp.mask(f, 2)), "mk", dims);
  // u = 0.5 + sin(κ₁ x + 2κ₁ y) + cos(3κ₁ x), κ₁ = 2π/3
  const k1 = (2 * Math.PI) / L, x = new Float32Array(n * n);
  const want = { dx: new Float64Array(n * n), dy: new Float64Array(n * n) } as Record<
    string,
    Float64Array
  >;
  want.il = new Float64Array(n * n);
  want.mk = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < n; i++) {
      const X = (i * L) / n,
        Y = (j * L) / n,
        a = k1 * X + 2 * k1 * Y,
        b = 3 * k1 * X,
        p = j * n + i;
      x[p] = 0.5 + Math.sin(a) + Math.cos(b);
      want.dx[p] = k1 * Math.cos(a) - 3 * k1 * Math.sin(b);
      want.dy[p] = 2 * k1 * Math.cos(a);
      want.il[p] = -Math.sin(a) / (5 * k1 * k1) - Math.cos(b) / (9 * k1 * k1);
      want.mk[p] = 0.5 + Math.sin(a);
    }
  }
  const out = await run(g.build(), x, [1, 1, n, n]);
  for (const key of ["dx", "dy", "il", "mk"]) {
    const err = maxDiff(out[key], want[key]);
    if (!(err < 1e-5 * Math.max(1, maxAbs(want[key])))) throw new Error(`${key}: error ${err}`);
  }
});

Deno.test("spectral graph: resampling interpolates band-limited fields exactly, both ways", async () => {
  const up = new GraphBuilder("up"), down = new GraphBuilder("down");
  up.output(spectralResample(up, up.input("u", ["B", 1, 8, 8]), 8, 32, 3), "u_next", [
    "B",
    1,
    32,
    32,
  ]);
  down.output(spectralResample(down, down.input("u", ["B", 1, 32, 32]), 32, 8, 3), "u_next", [
    "B",
    1,
    8,
    8,
  ]);
  const fine = bandLimited(32, 3, 11), coarse = new Float32Array(64);
  for (let j = 0; j < 8; j++) {
    for (let i = 0; i < 8; i++) coarse[j * 8 + i] = fine[4 * j * 32 + 4 * i];
  }
  const u = (await run(up.build(), coarse, [1, 1, 8, 8])).u_next;
  const d = (await run(down.build(), fine, [1, 1, 32, 32])).u_next;
  const eu = maxDiff(u, fine), ed = maxDiff(d, coarse);
  if (!(eu < 1e-5 * maxAbs(fine) && ed < 1e-5 * maxAbs(fine))) {
    throw new Error(`resample errors: up ${eu}, down ${ed}`);
  }
});

Deno.test("spectral graph: refuses modes at or above the Nyquist mode", () => {
  let refused = false;
  try {
    new SpectralGraph2D(new GraphBuilder("x"), { n: 8, modes: 4 });
  } catch (e) {
    refused = e instanceof RangeError && /below the Nyquist/.test((e as Error).message);
  }
  if (!refused) throw new Error("modes = n/2 accepted");
});

import { openBackend } from "../harness/onnx/backend.ts";
import {
  AB2_WEIGHTS,
  coarseShallowWaterGraph,
  coarseSubsteps,
  LINEAR_EXTRAPOLATION_WEIGHTS,
  linearMultistepGraph,
} from "./shallow_water.ts";

async function run(bytes: Uint8Array, u: Float32Array, dims: number[]): Promise<Float32Array> {
  const b = await openBackend("wasm");
  const s = await b.createSession(bytes);
  const out = await s.run({ u: b.tensor("float32", u, dims) });
  await s.release();
  return out.u_next.data as Float32Array;
}

function close(found: ArrayLike<number>, want: ArrayLike<number>, tol: number, what: string) {
  if (found.length !== want.length) {
    throw new Error(`${what}: length ${found.length} vs ${want.length}`);
  }
  for (let i = 0; i < want.length; i++) {
    if (!(Math.abs(found[i] - want[i]) <= tol * Math.max(1, Math.abs(want[i])))) {
      throw new Error(`${what}: at ${i} found ${found[i]}, expected ${want[i]}`);
    }
  }
}

/** Smooth periodic primitive state (h, u, v) on [ny, nx] with h ∈ [0.7, 1.3]. */
function smoothState(ny: number, nx: number, phase = 0): Float32Array {
  const n = ny * nx, s = new Float32Array(3 * n);
  for (let j = 0; j < ny; j++) {
    for (let i = 0; i < nx; i++) {
      const x = 2 * Math.PI * (i + 0.5) / nx, y = 2 * Math.PI * (j + 0.5) / ny;
      s[j * nx + i] = 1 + 0.2 * Math.sin(x + phase) * Math.cos(y) + 0.1 * Math.cos(2 * y);
      s[n + j * nx + i] = 0.3 * Math.cos(x - y + phase);
      s[2 * n + j * nx + i] = -0.2 * Math.sin(2 * x + y);
    }
  }
  return s;
}

Deno.test("linear multistep graphs equal Σ w_j u_j over the window (history 2 and 3)", async () => {
  const ny = 4, nx = 8, S = 3 * ny * nx, B = 2;
  for (const weights of [LINEAR_EXTRAPOLATION_WEIGHTS, AB2_WEIGHTS]) {
    const k = weights.length;
    const win = new Float32Array(B * k * S).map((_, i) => Math.sin(0.37 * i) + 0.01 * i);
    const y = await run(
      linearMultistepGraph({ channels: 3, shape: [ny, nx], weights }),
      win,
      [B, k, 3, ny, nx],
    );
    const want = new Float64Array(B * S);
    for (let b = 0; b < B; b++) {
      for (let p = 0; p < S; p++) {
        for (let j = 0; j < k; j++) want[b * S + p] += weights[j] * win[(b * k + j) * S + p];
      }
    }
    close(y, want, 2e-6, `history ${k}`);
  }
});

Deno.test("on u(t) = a + bt + ct² AB2-like misses u(3) by c, extrapolation by 2c", async () => {
  const S = 3 * 2 * 2, c = 0.125;
  const at = (t: number) => new Float32Array(S).map((_, p) => 1 + 0.25 * p * t + c * t * t);
  const ab2 = await run(
    linearMultistepGraph({ channels: 3, shape: [2, 2], weights: AB2_WEIGHTS }),
    new Float32Array([...at(0), ...at(1), ...at(2)]),
    [1, 3, 3, 2, 2],
  );
  // (5/2)u(2) − 2u(1) + ½u(0) = a + 3b + 8c; 2u(2) − u(1) = a + 3b + 7c; u(3) = a + 3b + 9c
  close(ab2, at(3).map((v) => v - c), 1e-6, "AB2-like");
  const lin = await run(
    linearMultistepGraph({ channels: 3, shape: [2, 2], weights: LINEAR_EXTRAPOLATION_WEIGHTS }),
    new Float32Array([...at(1), ...at(2)]),
    [1, 2, 3, 2, 2],
  );
  close(lin, at(3).map((v) => v - 2 * c), 1e-6, "linear extrapolation");
});

/** Float64 reference implementation of the coarse solver graph (same algorithm). */
function coarseTs(
  prim: Float32Array,
  o: { ny: number; nx: number; factor: number; g: number; dt: number; substeps: number },
): Float64Array {
  const { ny, nx, factor: f, g, dt, substeps } = o, n = ny * nx;
  const cy = ny / f, cx = nx / f, cn = cy * cx;
  let U = new Float64Array(3 * cn);
  for (let j = 0; j < ny; j++) {
    for (let i = 0; i < nx; i++) {
      const h = prim[j * nx + i], c = Math.floor(j / f) * cx + Math.floor(i / f);
      U[c] += h / (f * f);
      U[cn + c] += h * prim[n + j * nx + i] / (f * f);
      U[2 * cn + c] += h * prim[2 * n + j * nx + i] / (f * f);
    }
  }
  const tau = dt / substeps, rx = tau * cx, ry = tau * cy; // unit box
  const flux = (W: Float64Array, c: number, dir: 0 | 1) => {
    const h = W[c], m = W[cn + c], q = W[2 * cn + c], u = m / h, v = q / h;
    const p = 0.5 * g * h * h;
    return dir === 0
      ? { f: [m, m * u + p, m * v], a: Math.abs(u) + Math.sqrt(g * h) }
      : { f: [q, q * u, q * v + p], a: Math.abs(v) + Math.sqrt(g * h) };
  };
  const face = (W: Float64Array, a: number, b: number, dir: 0 | 1) => {
    const A = flux(W, a, dir), B = flux(W, b, dir), s = Math.max(A.a, B.a);
    return [0, 1, 2].map((k) =>
      0.5 * (A.f[k] + B.f[k]) - 0.5 * s * (W[k * cn + b] - W[k * cn + a])
    );
  };
  for (let s = 0; s < substeps; s++) {
    const next = new Float64Array(3 * cn);
    for (let j = 0; j < cy; j++) {
      for (let i = 0; i < cx; i++) {
        const c = j * cx + i;
        const east = face(U, c, j * cx + (i + 1) % cx, 0);
        const west = face(U, j * cx + (i - 1 + cx) % cx, c, 0);
        const north = face(U, c, ((j + 1) % cy) * cx + i, 1);
        const south = face(U, ((j - 1 + cy) % cy) * cx + i, c, 1);
        for (let k = 0; k < 3; k++) {
          next[k * cn + c] = U[k * cn + c] - rx * (east[k] - west[k]) - ry * (north[k] - south[k]);
        }
      }
    }
    U = next;
  }
  const coarse = new Float64Array(3 * cn);
  for (let c = 0; c < cn; c++) {
    coarse[c] = U[c];
    coarse[cn + c] = U[cn + c] / U[c];
    coarse[2 * cn + c] = U[2 * cn + c] / U[c];
  }
  const out = new Float64Array(3 * n);
  const lerp = (k: number, jc: number, ic: number) => coarse[k * cn + jc * cx + ic];
  for (let j = 0; j < ny; j++) {
    const oy = ((j % f) + 0.5) / f - 0.5, jc = Math.floor(j / f);
    const jn = (jc + (oy < 0 ? -1 : 1) + cy) % cy, wy = Math.abs(oy);
    for (let i = 0; i < nx; i++) {
      const ox = ((i % f) + 0.5) / f - 0.5, ic = Math.floor(i / f);
      const inb = (ic + (ox < 0 ? -1 : 1) + cx) % cx, wx = Math.abs(ox);
      for (let k = 0; k < 3; k++) {
        const row = (jj: number) => (1 - wx) * lerp(k, jj, ic) + wx * lerp(k, jj, inb);
        out[k * n + j * nx + i] = (1 - wy) * row(jc) + wy * row(jn);
      }
    }
  }
  return out;
}

Deno.test("coarse shallow-water graph equals its float64 reference implementation", async () => {
  const o = { ny: 16, nx: 32, factor: 2, ly: 1, lx: 1, g: 1, dt: 0.01, substeps: 3 };
  const B = 2, S = 3 * o.ny * o.nx;
  const x = new Float32Array([...smoothState(o.ny, o.nx), ...smoothState(o.ny, o.nx, 1.1)]);
  const y = await run(coarseShallowWaterGraph(o), x, [B, 3, o.ny, o.nx]);
  for (let b = 0; b < B; b++) {
    close(
      y.subarray(b * S, (b + 1) * S),
      coarseTs(x.subarray(b * S, (b + 1) * S), o),
      2e-5,
      `batch item ${b}`,
    );
  }
  // factor 4 too (interpolation offsets ±1/8, ±3/8)
  const o4 = { ...o, factor: 4, substeps: 2 };
  close(
    await run(coarseShallowWaterGraph(o4), x.subarray(0, S), [1, 3, o.ny, o.nx]),
    coarseTs(x, o4),
    2e-5,
    "factor 4",
  );
});

Deno.test("coarse shallow-water graph: mass conserved, lake at rest kept, waves move", async () => {
  const o = { ny: 32, nx: 32, factor: 2, ly: 1, lx: 1, g: 1, dt: 0.02, substeps: 4 };
  const n = o.ny * o.nx;
  const x = smoothState(o.ny, o.nx);
  const y = await run(coarseShallowWaterGraph(o), x, [1, 3, o.ny, o.nx]);
  const mass = (s: Float32Array) => s.subarray(0, n).reduce((a, b) => a + b, 0) / n;
  close([mass(y)], [mass(x)], 1e-6, "mean depth");
  if (y.every((v, i) => Math.abs(v - x[i]) < 1e-3)) throw new Error("nothing moved");
  const rest = new Float32Array(3 * n).fill(1.3, 0, n);
  const still = await run(coarseShallowWaterGraph(o), rest, [1, 3, o.ny, o.nx]);
  close(still, rest, 1e-6, "lake at rest");
  if (
    coarseSubsteps({ cells: [64, 64], lengths: [1, 1], dt: 0.02, speed: 2.5, cfl: 0.45 }) !== 15
  ) {
    throw new Error("sub-step count");
  }
});

Deno.test("graph builders refuse what they cannot build", () => {
  const refuses = (f: () => unknown, part: string) => {
    try {
      f();
    } catch (e) {
      if (e instanceof RangeError && e.message.includes(part)) return;
      throw e;
    }
    throw new Error(`expected a RangeError mentioning ${part}`);
  };
  refuses(() => linearMultistepGraph({ channels: 3, shape: [4], weights: [1] }), "≥ 2 finite");
  const base = { ny: 8, nx: 8, factor: 3, ly: 1, lx: 1, g: 1, dt: 0.01, substeps: 1 };
  refuses(() => coarseShallowWaterGraph(base), "found 3");
  refuses(() => coarseShallowWaterGraph({ ...base, factor: 2, substeps: 0 }), "substeps");
});

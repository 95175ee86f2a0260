import { openBackend } from "../harness/onnx/backend.ts";
import { applyStencil, composeStencil, upwindStencil } from "./stencils.ts";
import { cnnGraph, coarseBurgersGraph, persistenceGraph, stencilGraph } from "./builders.ts";

async function run(bytes: Uint8Array, u: Float32Array, x: number, batch = 1) {
  const b = await openBackend("wasm");
  const s = await b.createSession(bytes);
  const out = await s.run({ u: b.tensor("float32", u, [batch, 1, x]) });
  await s.release();
  return out.u_next.data as Float32Array;
}

const X = 64;
const field = (f: (x: number) => number) => Float32Array.from({ length: X }, (_, i) => f(i / X));

Deno.test("persistence graph is the identity", async () => {
  const u = field((x) => Math.sin(2 * Math.PI * x));
  const y = await run(persistenceGraph(X), u, X);
  if (y.some((v, i) => v !== u[i])) throw new Error("identity");
});

Deno.test("stencil graph equals the periodic stencil applied in float64 (wrap-around included)", async () => {
  const s = composeStencil(upwindStencil(0.6), 7);
  const u = field((x) => Math.exp(-50 * (x - 0.05) ** 2)); // bump straddling the boundary
  const y = await run(stencilGraph(X, s, "t"), u, X);
  const want = applyStencil(u, s);
  y.forEach((v, i) => {
    if (Math.abs(v - want[i]) > 1e-6) throw new Error(`point ${i}: ${v} vs ${want[i]}`);
  });
});

/** Reference implementation of the coarse Burgers baseline in float64. */
function coarseBurgersTs(u: Float32Array, factor: number, nu: number, dt: number, m: number) {
  const n = u.length / factor, dx = 1 / n, h = dt / m;
  let c = Float64Array.from({ length: n }, (_, j) => {
    let s = 0;
    for (let r = 0; r < factor; r++) s += u[j * factor + r];
    return s / factor;
  });
  for (let k = 0; k < m; k++) {
    const flux = (a: number, b: number) =>
      0.25 * (a * a + b * b) - 0.5 * Math.max(Math.abs(a), Math.abs(b)) * (b - a);
    const next = new Float64Array(n);
    for (let j = 0; j < n; j++) {
      const l = c[(j - 1 + n) % n], r = c[(j + 1) % n];
      next[j] = c[j] - (h / dx) * (flux(c[j], r) - flux(l, c[j])) +
        (nu * h / (dx * dx)) * (l - 2 * c[j] + r);
    }
    c = next;
  }
  const out = new Float64Array(u.length);
  for (let j = 0; j < n; j++) {
    for (let r = 0; r < factor; r++) {
      const off = (r + 0.5) / factor - 0.5;
      const nb = off < 0 ? c[(j - 1 + n) % n] : c[(j + 1) % n];
      out[j * factor + r] = (1 - Math.abs(off)) * c[j] + Math.abs(off) * nb;
    }
  }
  return out;
}

Deno.test("coarse Burgers graph equals its float64 reference implementation", async () => {
  const u = field((x) => Math.sin(2 * Math.PI * x) + 0.5 * Math.cos(4 * Math.PI * x));
  const y = await run(
    coarseBurgersGraph({ x: X, factor: 4, length: 1, nu: 0.01, dt: 0.01, substeps: 3 }),
    u,
    X,
  );
  const want = coarseBurgersTs(u, 4, 0.01, 0.01, 3);
  y.forEach((v, i) => {
    if (Math.abs(v - want[i]) > 1e-5) throw new Error(`point ${i}: ${v} vs ${want[i]}`);
  });
});

Deno.test("coarse Burgers conserves the mean (finite volume, periodic)", async () => {
  const u = field((x) => 0.2 + Math.sin(2 * Math.PI * x));
  const y = await run(
    coarseBurgersGraph({ x: X, factor: 4, length: 1, nu: 0.01, dt: 0.01, substeps: 3 }),
    u,
    X,
  );
  const mean = (a: Float32Array) => a.reduce((s, v) => s + v, 0) / a.length;
  if (Math.abs(mean(y) - mean(u)) > 1e-6) throw new Error(`${mean(y)} vs ${mean(u)}`);
});

Deno.test("CNN graph runs with a dynamic batch and is deterministic in its seed", async () => {
  const u = new Float32Array(3 * X).map((_, i) => Math.sin(i));
  const a = await run(cnnGraph({ x: X, width: 8, depth: 3, kernel: 5, seed: 1 }), u, X, 3);
  const b = await run(cnnGraph({ x: X, width: 8, depth: 3, kernel: 5, seed: 1 }), u, X, 3);
  if (a.length !== 3 * X || a.some((v, i) => v !== b[i])) throw new Error("determinism");
});

import {
  applyStencil,
  composeStencil,
  laxWendroffStencil,
  substepsFor,
  upwindStencil,
} from "./stencils.ts";

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>) {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

Deno.test("composed stencil equals m sequential sub-steps", () => {
  const u = Float64Array.from(
    { length: 64 },
    (_, i) => Math.sin((2 * Math.PI * i) / 64) + 0.3 * Math.cos((6 * Math.PI * i) / 64),
  );
  for (const scheme of [upwindStencil, laxWendroffStencil]) {
    const s = scheme(0.7);
    let v: Float64Array = u;
    for (let k = 0; k < 5; k++) v = applyStencil(v, s);
    const once = applyStencil(u, composeStencil(s, 5));
    if (maxAbsDiff(v, once) > 1e-13) {
      throw new Error(`composition differs by ${maxAbsDiff(v, once)}`);
    }
  }
});

Deno.test("stencils are consistent: weights sum to 1 and first moment is −c (exact for linear data)", () => {
  for (
    const s of [
      upwindStencil(0.3),
      laxWendroffStencil(0.3),
      composeStencil(laxWendroffStencil(0.3), 4),
    ]
  ) {
    const h = (s.length - 1) / 2;
    const sum = s.reduce((a, b) => a + b, 0);
    const m1 = s.reduce((a, w, j) => a + w * (j - h), 0);
    const m = s.length === 3 ? 1 : 4;
    if (Math.abs(sum - 1) > 1e-14) throw new Error(`sum ${sum}`);
    if (Math.abs(m1 + 0.3 * m) > 1e-13) throw new Error(`first moment ${m1}`);
  }
});

Deno.test("Lax–Wendroff is second order: its second moment matches the exact shift's", () => {
  // Exact shift by c cells has moments Σ w (j)^2 = c²; upwind has c, LW has c².
  const c = 0.4;
  const mom2 = (s: number[]) => s.reduce((a, w, j) => a + w * (j - 1) ** 2, 0);
  if (Math.abs(mom2(laxWendroffStencil(c)) - c * c) > 1e-15) throw new Error("LW second moment");
  if (Math.abs(mom2(upwindStencil(c)) - c) > 1e-15) throw new Error("upwind second moment");
});

Deno.test("sub-steps keep the Courant number at or below 0.8", () => {
  if (substepsFor(10.24) !== 13) throw new Error(String(substepsFor(10.24)));
  if (substepsFor(0.5) !== 1) throw new Error("one step suffices");
});

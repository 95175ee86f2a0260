import assert from "node:assert/strict";
import { type NumpyHWState, NumpyStyleHW } from "./yardstick.ts";
import { HasegawaWakatani } from "./solver.ts";

Deno.test("yardstick: the NumPy-style RK4 step equals solver.ts (unmodified and modified)", () => {
  for (const modified of [false, true]) {
    const o = { n: 32, nu: 1e-3, c1: 1, kappa: 1, k0: 0.15, hyperOrder: 3, modified };
    const hw = new HasegawaWakatani(o), y = new NumpyStyleHW(o);
    const s = hw.randomState(3, 1);
    let t: NumpyHWState = {
      n: { re: s.nRe.slice(), im: s.nIm.slice() },
      w: { re: s.omegaRe.slice(), im: s.omegaIm.slice() },
    };
    for (let i = 0; i < 3; i++) {
      hw.step(s, 0.05);
      t = y.step(t, 0.05);
    }
    let err = 0, norm = 0;
    for (let k = 0; k < s.nRe.length; k++) {
      err += (t.n.re[k] - s.nRe[k]) ** 2 + (t.n.im[k] - s.nIm[k]) ** 2 +
        (t.w.re[k] - s.omegaRe[k]) ** 2 + (t.w.im[k] - s.omegaIm[k]) ** 2;
      norm += s.nRe[k] ** 2 + s.nIm[k] ** 2 + s.omegaRe[k] ** 2 + s.omegaIm[k] ** 2;
    }
    assert.ok(Math.sqrt(err / norm) < 1e-12, `modified ${modified}: ${Math.sqrt(err / norm)}`);
  }
});

Deno.test("yardstick: fft2 round trip and a single mode", () => {
  const y = new NumpyStyleHW({
    n: 8,
    nu: 0,
    c1: 1,
    kappa: 1,
    k0: 1,
    hyperOrder: 3,
    modified: false,
  });
  const a = y.zeros();
  for (let j = 0; j < 8; j++) {
    for (let i = 0; i < 8; i++) a.re[j * 8 + i] = Math.cos(2 * Math.PI * (i + 2 * j) / 8);
  }
  const f = y.fft2(a);
  // cos θ ↦ 32 at (p, q) = (1, 2) and (7, 6)
  assert.ok(Math.abs(f.re[2 * 8 + 1] - 32) < 1e-12 && Math.abs(f.re[6 * 8 + 7] - 32) < 1e-12);
  const b = y.fft2(f, true);
  assert.ok(b.re.every((v, k) => Math.abs(v - a.re[k]) < 1e-13));
});

import assert from "node:assert/strict";
import { Jet2D } from "./solver.ts";
import { randomLargeScale, resampleSpectrum, spinUp, type SpinUpOptions } from "./spinup.ts";

Deno.test("spin-up: resampling is exact interpolation of band-limited fields and truncation back", () => {
  const n = 16, g = new Jet2D({ n, kf: 1 }).grid, f = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < n; i++) {
      f[j * n + i] = Math.sin(g.x(i) + 2 * g.x(j)) + 0.3 * Math.cos(5 * g.x(i) - 7 * g.x(j));
    }
  }
  const re = new Float64Array(n * n), im = new Float64Array(n * n);
  g.forward(f, re, im);
  const up = resampleSpectrum(re, im, n, 64), fine = new Float64Array(64 * 64);
  new Jet2D({ n: 64, kf: 1 }).grid.inverse(up.re, up.im, fine);
  let err = 0;
  for (let j = 0; j < 64; j++) {
    for (let i = 0; i < 64; i++) {
      const x = (2 * Math.PI * i) / 64, y = (2 * Math.PI * j) / 64;
      err = Math.max(
        err,
        Math.abs(fine[j * 64 + i] - Math.sin(x + 2 * y) - 0.3 * Math.cos(5 * x - 7 * y)),
      );
    }
  }
  assert.ok(err < 1e-13, `interpolation error ${err}`);
  const back = resampleSpectrum(up.re, up.im, 64, n);
  for (let k = 0; k < n * n; k++) {
    assert.ok(Math.abs(back.re[k] - re[k]) < 1e-9 && Math.abs(back.im[k] - im[k]) < 1e-9);
  }
  assert.throws(() => resampleSpectrum(re, im, 8, 4), TypeError);
});

Deno.test("spin-up: random large-scale state is real, zero-mean, in 1 ≤ |k| ≤ 6, E = ½", () => {
  const n = 32, { re, im } = randomLargeScale(n, 7, 3), s = new Jet2D({ n, kf: 1 });
  assert.ok(Math.abs(s.energyHat(re, im) - 0.5) < 1e-12);
  assert.equal(re[0], 0);
  const w = new Float64Array(n * n), back = [new Float64Array(n * n), new Float64Array(n * n)];
  s.grid.inverse(re, im, w);
  s.grid.forward(w, back[0], back[1]); // real field: the round trip keeps the spectrum
  for (let q = 0; q < n; q++) {
    for (let p = 0; p < n; p++) {
      const kx = p < n / 2 ? p : p - n, ky = q < n / 2 ? q : q - n, k = q * n + p;
      assert.ok(Math.abs(back[0][k] - re[k]) < 1e-9 && Math.abs(back[1][k] - im[k]) < 1e-9);
      if (Math.hypot(kx, ky) > 6) assert.equal(re[k] ** 2 + im[k] ** 2, 0);
    }
  }
});

Deno.test("spin-up: deterministic in (seed, index), different across indices, zero mean, finite", () => {
  const o: SpinUpOptions = {
    physics: { n: 32, nu: 1e-3, nuH: 1e-9, mu: 0.1, beta: 8, kf: 2, f0: 1 },
    coarseN: 16,
    coarseTime: 1,
    coarseH: 0.02,
    fineTime: 0.1,
    fineH: 0.01,
  };
  const a = spinUp(3, 1, o), b = spinUp(3, 1, o), c = spinUp(3, 2, o);
  assert.deepEqual(a, b);
  assert.notDeepEqual(a.re, c.re);
  assert.equal(a.re[0], 0);
  assert.ok(a.re.every(Number.isFinite) && a.im.every(Number.isFinite));
});

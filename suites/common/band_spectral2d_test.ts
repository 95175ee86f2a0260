import { Rng } from "../../harness/core/rng.ts";
import { BandSpectral2D } from "./band_spectral2d.ts";
import { Spectral2D } from "./spectral2d.ts";

function check(cond: boolean, msg: string): void {
  if (!cond) throw new Error(msg);
}

function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/**
 * Random real field with zero mean whose spectrum lies in |k_x|, |k_y| ≤ band: random Hermitian
 * bins, inverse-transformed by the full complex transform of `Spectral2D` (the reference path).
 */
function randomField(n: number, band: number, seed: number): Float64Array {
  const rng = new Rng(seed, 0), full = new Spectral2D(n), re = new Float64Array(n * n);
  const im = new Float64Array(n * n), out = new Float64Array(n * n);
  for (let ky = 0; ky <= band; ky++) {
    for (let kx = -band; kx <= band; kx++) {
      if (ky === 0 && kx <= 0) continue;
      const a = rng.normal() * n * n, b = rng.normal() * n * n;
      const k = (((ky % n) + n) % n) * n + ((kx % n) + n) % n;
      const m = (((-ky % n) + n) % n) * n + ((-kx % n) + n) % n;
      re[k] = a;
      im[k] = b;
      re[m] = a;
      im[m] = -b;
    }
  }
  full.inverse(re, im, out);
  return out;
}

/** White noise: not band-limited. */
function noise(n: number, seed: number): Float64Array {
  const rng = new Rng(seed, 0);
  return Float64Array.from({ length: n * n }, () => rng.normal());
}

/** Band spectrum through the full complex transform of Spectral2D (the reference path). */
function bandOf(g: BandSpectral2D, f: ArrayLike<number>): [Float64Array, Float64Array] {
  const full = new Spectral2D(g.n, g.length), fr = new Float64Array(g.n * g.n);
  const fi = new Float64Array(g.n * g.n),
    re = new Float64Array(g.size),
    im = new Float64Array(g.size);
  full.forward(f, fr, fi);
  g.fromFull(fr, fi, re, im);
  return [re, im];
}

const z = (g: BandSpectral2D) => new Float64Array(g.size);

Deno.test("band_spectral2d: layout, wavenumbers and the full-layout copies (Hermitian completion)", () => {
  const g = new BandSpectral2D(16, 3), n = 16, c = (2 * Math.PI) / 3;
  check(g.kCut === 5 && g.rows === 11 && g.cols === 6 && g.size === 66, "K = 5");
  check([0, 5, 6, 10].map((r) => g.q(r)).join() === "0,5,11,15", "rows 0..K then n − K..n − 1");
  check(g.kx[2 * 6 + 3] === 3 * c && g.ky[7 * 6] === -4 * c, "κ");
  check(g.invK2[0] === 0 && Math.abs(g.invK2[1] * c * c - 1) < 1e-15, "1/|κ|²");
  const rng = new Rng(3, 0), re = z(g).map(() => rng.normal()), im = z(g).map(() => rng.normal());
  const fr = new Float64Array(n * n), fi = new Float64Array(n * n), br = z(g), bi = z(g);
  g.toFull(re, im, fr, fi);
  g.fromFull(fr, fi, br, bi);
  check(br.every((v, i) => v === re[i]) && bi.every((v, i) => v === im[i]), "round trip");
  for (let q = 0; q < n; q++) {
    for (let p = 1; p < n; p++) {
      const k = q * n + p, m = ((n - q) % n) * n + (n - p);
      const inBand = (Math.min(p, n - p) <= 5) && Math.min(q, n - q) <= 5;
      if (!inBand) check(fr[k] === 0 && fi[k] === 0, `zero outside the band (${p}, ${q})`);
      else if (p > n / 2) check(fr[k] === fr[m] && fi[k] === -fi[m], `conj at (${p}, ${q})`);
    }
  }
});

Deno.test("band_spectral2d: forwardPair = band bins of the full complex transform (and of a direct DFT), Hermitian column 0 to the bit", () => {
  for (const n of [8, 16, 64]) {
    const g = new BandSpectral2D(n), k = g.kCut;
    const a = noise(n, n), b = randomField(n, k, n + 1); // a is not band-limited
    const ar = z(g), ai = z(g), br = z(g), bi = z(g);
    g.forwardPair(a, b, ar, ai, br, bi);
    const [wr, wi] = bandOf(g, a), [vr, vi] = bandOf(g, b);
    const tol = 1e-12 * n * n * maxAbs(a);
    check(maxAbsDiff(ar, wr) < tol && maxAbsDiff(ai, wi) < tol, `â n=${n}`);
    check(maxAbsDiff(br, vr) < tol && maxAbsDiff(bi, vi) < tol, `b̂ n=${n}`);
    for (let r = 1; r < g.rows; r++) {
      const m = g.rows - r; // k_y ↔ −k_y in column 0
      check(
        ar[r * g.cols] === ar[m * g.cols] && ai[r * g.cols] === -ai[m * g.cols],
        `col 0 row ${r}`,
      );
    }
    if (n === 8) {
      // direct DFT of a at every band bin
      for (let r = 0; r < g.rows; r++) {
        for (let p = 0; p < g.cols; p++) {
          const q = g.q(r);
          let sr = 0, si = 0;
          for (let j = 0; j < n; j++) {
            for (let i = 0; i < n; i++) {
              const t = (-2 * Math.PI * (p * i + q * j)) / n;
              sr += a[j * n + i] * Math.cos(t);
              si += a[j * n + i] * Math.sin(t);
            }
          }
          const x = r * g.cols + p;
          check(Math.abs(ar[x] - sr) < tol && Math.abs(ai[x] - si) < tol, `DFT (${p}, ${q})`);
        }
      }
    }
  }
});

Deno.test("band_spectral2d: inversePair and inverse give the band-limited fields back; round trip and Parseval", () => {
  for (const n of [8, 32, 256]) {
    const g = new BandSpectral2D(n), band = g.kCut;
    const a = randomField(n, band, 2 * n), b = randomField(n, Math.min(band, 3), 2 * n + 1);
    const [ar, ai] = bandOf(g, a), [br, bi] = bandOf(g, b);
    const x = new Float64Array(n * n), y = new Float64Array(n * n), f32 = new Float32Array(n * n);
    g.inversePair(ar, ai, br, bi, x, y);
    const tol = 1e-12 * maxAbs(a);
    check(maxAbsDiff(x, a) < tol && maxAbsDiff(y, b) < tol, `inversePair n=${n}`);
    g.inverse(ar, ai, f32);
    check(maxAbsDiff(f32, a) < 1e-6 * maxAbs(a), `inverse to float32 n=${n}`);
    // forward of the inverse: the spectrum again
    const cr = z(g), ci = z(g), dr = z(g), di = z(g);
    g.forwardPair(x, y, cr, ci, dr, di);
    const st = 1e-12 * n * n * maxAbs(a);
    check(
      maxAbsDiff(cr, ar) < st && maxAbsDiff(ci, ai) < st && maxAbsDiff(dr, br) < st,
      `round trip n=${n}`,
    );
    // Parseval on the half plane: ⟨a²⟩ = (1/n⁴)(Σ_{k_x = 0} |â|² + 2 Σ_{k_x > 0} |â|²)
    let s = 0, e = 0;
    for (let i = 0; i < n * n; i++) s += a[i] * a[i];
    for (let i = 0; i < g.size; i++) {
      e += (i % g.cols === 0 ? 1 : 2) * (ar[i] * ar[i] + ai[i] * ai[i]);
    }
    check(Math.abs(s / (n * n) - e / n ** 4) < 1e-12 * (s / (n * n)), `Parseval n=${n}`);
  }
});

Deno.test("band_spectral2d: squares = band bins of the DFTs of v² − u² and uv (alias-free)", () => {
  for (const n of [16, 128]) {
    const g = new BandSpectral2D(n), k = g.kCut;
    const u = randomField(n, k, 5 * n), v = randomField(n, k, 5 * n + 1);
    const [ur, ui] = bandOf(g, u), [vr, vi] = bandOf(g, v);
    const dr = z(g), di = z(g), pr = z(g), pi = z(g);
    g.squares(ur, ui, vr, vi, dr, di, pr, pi);
    const d = u.map((x, i) => v[i] * v[i] - x * x), p = u.map((x, i) => x * v[i]);
    const [wr, wi] = bandOf(g, d), [xr, xi] = bandOf(g, p);
    const tol = 1e-12 * n * n * maxAbs(d);
    check(maxAbsDiff(dr, wr) < tol && maxAbsDiff(di, wi) < tol, `v² − u² n=${n}`);
    check(maxAbsDiff(pr, xr) < tol && maxAbsDiff(pi, xi) < tol, `uv n=${n}`);
  }
});

Deno.test("band_spectral2d: advection = Spectral2D.jacobian(ψ̂, ω̂) on the band; ⟨ψJ⟩ = ⟨ωJ⟩ = 0", () => {
  for (const [n, length] of [[16, 2 * Math.PI], [64, 3], [256, 2 * Math.PI]] as const) {
    const g = new BandSpectral2D(n, length), full = new Spectral2D(n, length);
    const w = randomField(n, g.kCut, 7 * n);
    const fr = new Float64Array(n * n), fi = new Float64Array(n * n);
    full.forward(w, fr, fi);
    full.dealias(fr, fi);
    const pr = new Float64Array(n * n), pi = new Float64Array(n * n);
    full.invLaplacian(fr, fi, pr, pi);
    const jr = new Float64Array(n * n), ji = new Float64Array(n * n);
    full.jacobian(pr, pi, fr, fi, jr, ji);
    const [wr, wi] = bandOf(g, w), ar = z(g), ai = z(g), want = z(g), wantI = z(g);
    g.advection(wr, wi, ar, ai);
    g.fromFull(jr, ji, want, wantI);
    const scale = maxAbs(want);
    check(
      maxAbsDiff(ar, want) < 1e-11 * scale && maxAbsDiff(ai, wantI) < 1e-11 * scale,
      `J n=${n}`,
    );
    // conservation: Σ' Re(conj ψ̂ Ĵ) and Σ' Re(conj ω̂ Ĵ) over the half plane vanish
    let ez = 0, zz = 0, e0 = 0, z0 = 0;
    for (let i = 0; i < g.size; i++) {
      const m = i % g.cols === 0 ? 1 : 2, s = -g.invK2[i];
      const pw = m * s * (wr[i] * ar[i] + wi[i] * ai[i]), ww = m * (wr[i] * ar[i] + wi[i] * ai[i]);
      ez += pw;
      zz += ww;
      e0 += Math.abs(pw);
      z0 += Math.abs(ww);
    }
    check(
      Math.abs(ez) < 1e-12 * e0 && Math.abs(zz) < 1e-12 * z0,
      `conservation n=${n}: ${ez} ${zz}`,
    );
  }
});

Deno.test("band_spectral2d: the WebAssembly SIMD path gives the TypeScript path's bits (advection, squares, pair transforms)", () => {
  // a grid's SIMD path is used where log₂ n is even; under Deno WebAssembly SIMD is there
  for (const n of [8, 16, 32, 64, 256]) {
    const g = new BandSpectral2D(n, 3), t = new BandSpectral2D(n, 3, { simd: false });
    check(g.simd === (Math.log2(n) % 2 === 0) && !t.simd, `path n=${n}`);
    const rng = new Rng(13 * n, 0),
      r = () => Float64Array.from({ length: g.size }, () => rng.normal());
    const same = (a: Float64Array[], b: Float64Array[], what: string) => {
      for (let k = 0; k < a.length; k++) {
        for (let i = 0; i < a[k].length; i++) {
          check(Object.is(a[k][i], b[k][i]), `${what} n=${n}: array ${k} [${i}]`);
        }
      }
    };
    // twice, so that the work array's leftovers of one call meet the next
    for (let round = 0; round < 2; round++) {
      const [wr, wi, vr, vi] = [r(), r(), r(), r()];
      const out = (h: BandSpectral2D) => {
        const a = [z(h), z(h)], b = [z(h), z(h), z(h), z(h)];
        h.advection(wr, wi, a[0], a[1]);
        h.squares(wr, wi, vr, vi, b[0], b[1], b[2], b[3]);
        const x = new Float64Array(n * n),
          y = new Float64Array(n * n),
          c = [z(h), z(h), z(h), z(h)];
        h.inversePair(wr, wi, vr, vi, x, y);
        h.forwardPair(x, y, c[0], c[1], c[2], c[3]);
        return [...a, ...b, x, y, ...c];
      };
      same(out(g), out(t), `round ${round}`);
    }
  }
});

Deno.test("band_spectral2d: wrong sizes are TypeErrors, bad grids RangeErrors", () => {
  const g = new BandSpectral2D(8), s = z(g), f = new Float64Array(64);
  const throws = (fn: () => void, type: ErrorConstructor, what: string) => {
    let ok = false;
    try {
      fn();
    } catch (e) {
      ok = e instanceof type;
    }
    check(ok, what);
  };
  throws(() => g.inverse(s, new Float64Array(14), f), TypeError, "band size");
  throws(() => g.inversePair(s, s, s, s, f, new Float64Array(63)), TypeError, "field size");
  throws(() => g.forwardPair(f, f, s, s, s, new Float64Array(3)), TypeError, "output size");
  throws(() => g.advection(s, s, s, new Float64Array(1)), TypeError, "advection size");
  throws(() => new BandSpectral2D(12), RangeError, "n = 12");
  throws(() => new BandSpectral2D(4), RangeError, "n = 4");
  throws(() => new BandSpectral2D(8, 0), RangeError, "L = 0");
});

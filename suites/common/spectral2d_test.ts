import { Rng } from "../../harness/core/rng.ts";
import { Spectral2D } from "./spectral2d.ts";

function check(cond: boolean, msg: string): void {
  if (!cond) throw new Error(msg);
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}

/** Physical field f(x_i, y_j) on the grid of `g`. */
function sample(g: Spectral2D, f: (x: number, y: number) => number): Float64Array {
  const n = g.n, out = new Float64Array(n * n);
  for (let j = 0; j < n; j++) for (let i = 0; i < n; i++) out[j * n + i] = f(g.x(i), g.x(j));
  return out;
}

/**
 * Random real field Σ A cos(κ_x x + κ_y y + φ) over integer modes with |k_x|, |k_y| ≤ band,
 * A ~ U(−1, 1), φ ~ U(0, 2π), zero mean; exactly band-limited on the grid.
 */
function randomField(g: Spectral2D, band: number, seed: number): Float64Array {
  const rng = new Rng(seed, 0), c = (2 * Math.PI) / g.length, modes: number[][] = [];
  for (let ky = 0; ky <= band; ky++) {
    for (let kx = -band; kx <= band; kx++) {
      if (ky === 0 && kx <= 0) continue;
      modes.push([kx, ky, 2 * rng.uniform() - 1, 2 * Math.PI * rng.uniform()]);
    }
  }
  return sample(g, (x, y) => {
    let s = 0;
    for (const [kx, ky, a, p] of modes) s += a * Math.cos(c * (kx * x + ky * y) + p);
    return s;
  });
}

function spec(g: Spectral2D, f: ArrayLike<number>): [Float64Array, Float64Array] {
  const re = new Float64Array(g.size), im = new Float64Array(g.size);
  g.forward(f, re, im);
  return [re, im];
}

function phys(g: Spectral2D, re: Float64Array, im: Float64Array): Float64Array {
  const out = new Float64Array(g.size);
  g.inverse(re, im, out);
  return out;
}

Deno.test("spectral2d: derivatives and Laplacian of sines are exact (L = 2π and L = 3)", () => {
  for (const length of [2 * Math.PI, 3]) {
    const g = new Spectral2D(32, length), c = (2 * Math.PI) / length;
    const f = sample(g, (x, y) => Math.sin(c * (3 * x + 2 * y)) + Math.cos(c * (5 * x - 7 * y)));
    const fx = sample(
      g,
      (x, y) => 3 * c * Math.cos(c * (3 * x + 2 * y)) - 5 * c * Math.sin(c * (5 * x - 7 * y)),
    );
    const fy = sample(
      g,
      (x, y) => 2 * c * Math.cos(c * (3 * x + 2 * y)) + 7 * c * Math.sin(c * (5 * x - 7 * y)),
    );
    const lap = sample(
      g,
      (x, y) =>
        -13 * c * c * Math.sin(c * (3 * x + 2 * y)) - 74 * c * c * Math.cos(c * (5 * x - 7 * y)),
    );
    const [re, im] = spec(g, f), wr = new Float64Array(g.size), wi = new Float64Array(g.size);
    g.dx(re, im, wr, wi);
    const ex = maxAbsDiff(phys(g, wr, wi), fx) / maxAbs(fx);
    g.dy(re, im, wr, wi);
    const ey = maxAbsDiff(phys(g, wr, wi), fy) / maxAbs(fy);
    g.laplacian(re, im, wr, wi);
    const el = maxAbsDiff(phys(g, wr, wi), lap) / maxAbs(lap);
    check(ex < 1e-13 && ey < 1e-13 && el < 1e-13, `L = ${length}: errors ${ex}, ${ey}, ${el}`);
  }
});

Deno.test("spectral2d: forward/inverse round trip, forwardPair, Parseval", () => {
  const g = new Spectral2D(32, 1);
  const a = randomField(g, 15, 1), b = randomField(g, 15, 2);
  for (let k = 0; k < g.size; k++) a[k] += 0.3; // a mean too
  const [ar, ai] = spec(g, a), [br, bi] = spec(g, b);
  check(maxAbsDiff(phys(g, ar, ai), a) < 1e-13, "round trip");
  const s = () => new Float64Array(g.size);
  const pr = s(), pi = s(), qr = s(), qi = s();
  g.forwardPair(a, b, pr, pi, qr, qi);
  const scale = maxAbs(ar);
  check(maxAbsDiff(pr, ar) < 1e-13 * scale && maxAbsDiff(pi, ai) < 1e-13 * scale, "pair a");
  check(maxAbsDiff(qr, br) < 1e-13 * scale && maxAbsDiff(qi, bi) < 1e-13 * scale, "pair b");
  let aa = 0, ab = 0;
  for (let k = 0; k < g.size; k++) {
    aa += a[k] * a[k];
    ab += a[k] * b[k];
  }
  aa /= g.size;
  ab /= g.size;
  check(Math.abs(g.inner(ar, ai, ar, ai) - aa) < 1e-13 * aa, "Parseval ⟨a²⟩");
  check(Math.abs(g.inner(ar, ai, br, bi) - ab) < 1e-13 * aa, "Parseval ⟨ab⟩");
  // complex fft2 round trip and inversePair
  const zr = Float64Array.from(a), zi = Float64Array.from(b);
  g.fft2(zr, zi);
  const ua = s(), ub = s();
  g.inversePair(zr, zi, ua, ub);
  check(maxAbsDiff(ua, a) < 1e-13 && maxAbsDiff(ub, b) < 1e-13, "inversePair");
  g.fft2(zr, zi, true);
  check(maxAbsDiff(zr, a) < 1e-13 && maxAbsDiff(zi, b) < 1e-13, "fft2 round trip");
});

Deno.test("spectral2d: inverse Laplacian inverts the Laplacian on zero-mean fields", () => {
  const g = new Spectral2D(32, 2);
  const f = randomField(g, 12, 3);
  const [re, im] = spec(g, f), s = () => new Float64Array(g.size);
  const wr = s(), wi = s();
  g.laplacian(re, im, wr, wi);
  g.invLaplacian(wr, wi, wr, wi);
  check(maxAbsDiff(phys(g, wr, wi), f) < 1e-13 * maxAbs(f), "∇⁻²∇² f = f");
  g.invLaplacian(re, im, wr, wi);
  g.laplacian(wr, wi, wr, wi);
  check(maxAbsDiff(phys(g, wr, wi), f) < 1e-13 * maxAbs(f), "∇²∇⁻² f = f");
  // the mean is dropped: ∇⁻²(1 + f) = ∇⁻² f
  const [cr, ci] = spec(g, f.map((v) => v + 1));
  g.invLaplacian(cr, ci, cr, ci);
  g.invLaplacian(re, im, wr, wi);
  check(maxAbsDiff(cr, wr) < 1e-12 && cr[0] === 0 && ci[0] === 0, "zero mean");
});

Deno.test("spectral2d: dealias mask is the 2/3 rule", () => {
  for (const n of [8, 16, 32, 64]) {
    const g = new Spectral2D(n);
    let kept = 0;
    for (const m of g.mask) kept += m;
    check(g.kCut === Math.floor(n / 3) && 3 * g.kCut < n, `kCut at n = ${n}`);
    check(kept === (2 * g.kCut + 1) ** 2, `kept bins at n = ${n}: ${kept}`);
  }
});

Deno.test("spectral2d: dealiased Jacobian of analytic fields", () => {
  const g = new Spectral2D(32);
  // a = sin 3x cos 2y, b = cos x sin 5y:
  // J = a_x b_y − a_y b_x = 15 cos 3x cos 2y cos x cos 5y − 2 sin 3x sin 2y sin x sin 5y
  const a = sample(g, (x, y) => Math.sin(3 * x) * Math.cos(2 * y));
  const b = sample(g, (x, y) => Math.cos(x) * Math.sin(5 * y));
  const want = sample(
    g,
    (x, y) =>
      15 * Math.cos(3 * x) * Math.cos(2 * y) * Math.cos(x) * Math.cos(5 * y) -
      2 * Math.sin(3 * x) * Math.sin(2 * y) * Math.sin(x) * Math.sin(5 * y),
  );
  const [ar, ai] = spec(g, a), [br, bi] = spec(g, b), s = () => new Float64Array(g.size);
  const jr = s(), ji = s();
  g.jacobian(ar, ai, br, bi, jr, ji);
  check(maxAbsDiff(phys(g, jr, ji), want) < 1e-13, "J(a, b) analytic");
  // inputs are projected first: sin 6x cos 6x = ½ sin 12x has |k_x| = 12 > K = 10 at n = 32
  const c = sample(g, (x) => Math.sin(6 * x) * Math.cos(6 * x));
  const d = sample(g, (_x, y) => Math.sin(y));
  const [cr, ci] = spec(g, c), [dr, di] = spec(g, d);
  g.jacobian(cr, ci, dr, di, jr, ji);
  check(maxAbs(phys(g, jr, ji)) < 1e-13, "mode 12 > K is projected out");
  // and so is the product: J(sin 6x, sin(6x + y)) = 6 cos 6x cos(6x + y)
  // = 3 cos(12x + y) + 3 cos y, whose mode 12 > K is removed by the output projection
  const e = sample(g, (x) => Math.sin(6 * x)), f = sample(g, (x, y) => Math.sin(6 * x + y));
  const [er, ei] = spec(g, e), [fr, fi] = spec(g, f);
  g.jacobian(er, ei, fr, fi, jr, ji);
  const want2 = sample(g, (_x, y) => 3 * Math.cos(y));
  check(maxAbsDiff(phys(g, jr, ji), want2) < 1e-13, "P[3 cos(12x + y) + 3 cos y] = 3 cos y");
});

Deno.test("spectral2d: J(a, a) = 0, antisymmetry, ⟨J⟩ = ⟨a J⟩ = ⟨b J⟩ = 0", () => {
  for (const [n, length] of [[32, 2 * Math.PI], [64, 1]]) {
    const g = new Spectral2D(n, length), band = g.kCut;
    const a = randomField(g, band, 10 + n), b = randomField(g, band, 20 + n);
    const [ar, ai] = spec(g, a), [br, bi] = spec(g, b), s = () => new Float64Array(g.size);
    const jr = s(), ji = s(), kr = s(), ki = s();
    g.jacobian(ar, ai, br, bi, jr, ji);
    g.jacobian(br, bi, ar, ai, kr, ki);
    const jPhys = phys(g, jr, ji), scale = maxAbs(jPhys);
    // the scale of a_x b_y: ⟨J²⟩^{1/2} ~ κ²·|a|·|b|; identities hold to rounding
    let anti = 0;
    for (let k = 0; k < g.size; k++) anti = Math.max(anti, Math.abs(jr[k] + kr[k]));
    check(anti < 1e-13 * maxAbs(jr), `n = ${n}: J(a, b) + J(b, a) = ${anti}`);
    g.jacobian(ar, ai, ar, ai, kr, ki);
    check(maxAbs(phys(g, kr, ki)) < 1e-13 * scale, `n = ${n}: J(a, a) = 0`);
    const norm = Math.sqrt(g.inner(ar, ai, ar, ai) * g.inner(jr, ji, jr, ji));
    check(Math.abs(jr[0]) / g.size < 1e-14 * scale, `n = ${n}: ⟨J⟩ = ${jr[0] / g.size}`);
    const aj = g.inner(ar, ai, jr, ji), bj = g.inner(br, bi, jr, ji);
    check(Math.abs(aj) < 1e-13 * norm, `n = ${n}: ⟨a J(a, b)⟩ = ${aj} (scale ${norm})`);
    check(Math.abs(bj) < 1e-13 * norm, `n = ${n}: ⟨b J(a, b)⟩ = ${bj}`);
    // energy and enstrophy of 2D Euler: with ω = ∇²ψ, ⟨ψ J(ψ, ω)⟩ = ⟨ω J(ψ, ω)⟩ = 0
    const wr = s(), wi = s();
    g.laplacian(ar, ai, wr, wi);
    g.jacobian(ar, ai, wr, wi, jr, ji);
    const norm2 = Math.sqrt(g.inner(wr, wi, wr, wi) * g.inner(jr, ji, jr, ji));
    check(Math.abs(g.inner(ar, ai, jr, ji)) < 1e-13 * norm2, `n = ${n}: ⟨ψ J(ψ, ω)⟩`);
    check(Math.abs(g.inner(wr, wi, jr, ji)) < 1e-13 * norm2, `n = ${n}: ⟨ω J(ψ, ω)⟩`);
  }
});

Deno.test("spectral2d: bad sizes fail with RangeError / TypeError", () => {
  for (const n of [0, 2, 12, 2.5]) {
    let err: unknown;
    try {
      new Spectral2D(n);
    } catch (e) {
      err = e;
    }
    check(err instanceof RangeError && /power of two/.test(err.message), `n = ${n}`);
  }
  let err: unknown;
  try {
    new Spectral2D(8).forward(new Float64Array(10), new Float64Array(64), new Float64Array(64));
  } catch (e) {
    err = e;
  }
  check(err instanceof TypeError && /64 values, found 10/.test(err.message), "length");
});

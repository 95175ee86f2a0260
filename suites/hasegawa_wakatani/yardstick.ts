/**
 * A NumPy-style Hasegawa–Wakatani RK4 step, the speed yardstick of the data card: the same
 * scheme as `solver.ts` (2/3-dealiased pseudo-spectral brackets, unmodified or modified
 * coupling, ν(−∇²)^N, classical RK4) written the way a straightforward NumPy script is —
 * array-at-a-time operations that allocate a fresh temporary for every intermediate
 * (`phi_hat = -w_hat / k2`, `dx = ifft2(1j*kx*phi_hat)`, …), a full complex 2D FFT of every field
 * (row FFTs then column FFTs through strided copies, `numpy.fft.fft2`-like; no real-pair
 * packing), and no fusion of the RK4 stages. It uses the same radix-2 FFT (`metrics/fft.ts`) as
 * the solver, so the ratio of the two measures the implementation style, not the FFT.
 *
 * Complex arrays are `{ re, im }` pairs of Float64Array (n² values, row-major, unnormalised DFT as
 * in `suites/common/spectral2d.ts`).
 *
 * @example
 * ```ts
 * import { NumpyStyleHW } from "./yardstick.ts";
 * const y = new NumpyStyleHW({ n: 8, nu: 0, c1: 1, kappa: 1, k0: 0.15, hyperOrder: 3, modified: false });
 * const s = { n: y.zeros(), w: y.zeros() };
 * const t = y.step(s, 0.05); // the zero state is a fixed point
 * if (t.n.re.some((v) => v !== 0)) throw new Error("rest");
 * ```
 * @module
 */

import { fft, wavenumber } from "../../metrics/fft.ts";

/** A complex n² array. */
export interface Complex2D {
  readonly re: Float64Array;
  readonly im: Float64Array;
}

/** Spectral state (n̂, Ω̂). */
export interface NumpyHWState {
  readonly n: Complex2D;
  readonly w: Complex2D;
}

/** Parameters (all required: the yardstick has no defaults of its own). */
export interface NumpyHWOptions {
  readonly n: number;
  readonly nu: number;
  readonly c1: number;
  readonly kappa: number;
  readonly k0: number;
  readonly hyperOrder: number;
  readonly modified: boolean;
}

/** The NumPy-style solver (see module docs). */
export class NumpyStyleHW {
  readonly n: number;
  readonly o: NumpyHWOptions;
  readonly kx: Float64Array;
  readonly ky: Float64Array;
  readonly k2: Float64Array;
  readonly mask: Float64Array;
  readonly coupling: Float64Array;

  constructor(o: NumpyHWOptions) {
    const n = o.n, size = n * n, c = o.k0, cut = Math.floor(n / 3);
    this.n = n;
    this.o = o;
    this.kx = new Float64Array(size);
    this.ky = new Float64Array(size);
    this.k2 = new Float64Array(size);
    this.mask = new Float64Array(size);
    this.coupling = new Float64Array(size);
    for (let q = 0; q < n; q++) {
      for (let p = 0; p < n; p++) {
        const k = q * n + p, mx = wavenumber(p, n), my = wavenumber(q, n);
        this.kx[k] = p === n / 2 ? 0 : c * mx;
        this.ky[k] = q === n / 2 ? 0 : c * my;
        this.k2[k] = c * c * (mx * mx + my * my);
        this.mask[k] = Math.abs(mx) <= cut && Math.abs(my) <= cut ? 1 : 0;
        this.coupling[k] = k === 0 || (o.modified && q === 0) ? 0 : 1;
      }
    }
  }

  /** A zero complex array. */
  zeros(): Complex2D {
    return { re: new Float64Array(this.n * this.n), im: new Float64Array(this.n * this.n) };
  }

  /** fft2 / ifft2 into a new array: row FFTs, then column FFTs via strided copies. */
  fft2(a: Complex2D, inverse = false): Complex2D {
    const n = this.n, re = a.re.slice(), im = a.im.slice();
    for (let j = 0; j < n; j++) {
      const r = re.slice(j * n, (j + 1) * n), i = im.slice(j * n, (j + 1) * n);
      fft(r, i, inverse);
      re.set(r, j * n);
      im.set(i, j * n);
    }
    for (let p = 0; p < n; p++) {
      const r = new Float64Array(n), i = new Float64Array(n);
      for (let q = 0; q < n; q++) {
        r[q] = re[q * n + p];
        i[q] = im[q * n + p];
      }
      fft(r, i, inverse);
      for (let q = 0; q < n; q++) {
        re[q * n + p] = r[q];
        im[q * n + p] = i[q];
      }
    }
    return { re, im };
  }

  // array-at-a-time helpers, each returning a new array
  #map2(a: Complex2D, b: Complex2D, f: (x: number, y: number) => number): Complex2D {
    return { re: a.re.map((x, k) => f(x, b.re[k])), im: a.im.map((x, k) => f(x, b.im[k])) };
  }
  #scale(a: Complex2D, s: Float64Array | number): Complex2D {
    return typeof s === "number"
      ? { re: a.re.map((x) => x * s), im: a.im.map((x) => x * s) }
      : { re: a.re.map((x, k) => x * s[k]), im: a.im.map((x, k) => x * s[k]) };
  }
  /** i·s·a */
  #scaleI(a: Complex2D, s: Float64Array): Complex2D {
    return { re: a.im.map((x, k) => -x * s[k]), im: a.re.map((x, k) => x * s[k]) };
  }
  #add(a: Complex2D, b: Complex2D): Complex2D {
    return this.#map2(a, b, (x, y) => x + y);
  }
  #sub(a: Complex2D, b: Complex2D): Complex2D {
    return this.#map2(a, b, (x, y) => x - y);
  }

  /** Dealiased bracket ĵ = mask·fft2(ifft2(iκ_x a)·ifft2(iκ_y b) − ifft2(iκ_y a)·ifft2(iκ_x b)). */
  bracket(a: Complex2D, b: Complex2D): Complex2D {
    const ax = this.fft2(this.#scaleI(a, this.kx), true).re;
    const ay = this.fft2(this.#scaleI(a, this.ky), true).re;
    const bx = this.fft2(this.#scaleI(b, this.kx), true).re;
    const by = this.fft2(this.#scaleI(b, this.ky), true).re;
    const prod = ax.map((v, k) => v * by[k]).map((v, k) => v - ay[k] * bx[k]);
    return this.#scale(this.fft2({ re: prod, im: new Float64Array(prod.length) }), this.mask);
  }

  /** (dn̂/dt, dΩ̂/dt). */
  rhs(s: NumpyHWState): NumpyHWState {
    const { c1, kappa, nu, hyperOrder } = this.o;
    const inv = this.k2.map((v, k) => (k === 0 ? 0 : -1 / v));
    const phi = this.#scale(s.w, inv);
    const hyper = this.k2.map((v) => nu * Math.pow(v, hyperOrder));
    const coup = this.#scale(this.#sub(phi, s.n), this.coupling.map((v) => c1 * v));
    const dn = this.#sub(
      this.#sub(
        this.#add(coup, this.#scaleI(phi, this.ky.map((v) => -kappa * v))),
        this.bracket(phi, s.n),
      ),
      this.#scale(s.n, hyper),
    );
    const dw = this.#sub(this.#sub(coup, this.bracket(phi, s.w)), this.#scale(s.w, hyper));
    for (const a of [dn, dw]) a.re[0] = a.im[0] = 0;
    return { n: dn, w: dw };
  }

  /** One classical RK4 step of size h (returns a new state). */
  step(s: NumpyHWState, h: number): NumpyHWState {
    const axpy = (y: NumpyHWState, k: NumpyHWState, a: number): NumpyHWState => ({
      n: this.#add(y.n, this.#scale(k.n, a)),
      w: this.#add(y.w, this.#scale(k.w, a)),
    });
    const k1 = this.rhs(s);
    const k2 = this.rhs(axpy(s, k1, h / 2));
    const k3 = this.rhs(axpy(s, k2, h / 2));
    const k4 = this.rhs(axpy(s, k3, h));
    let y = axpy(s, k1, h / 6);
    y = axpy(y, k2, h / 3);
    y = axpy(y, k3, h / 3);
    return axpy(y, k4, h / 6);
  }
}

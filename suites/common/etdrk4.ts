/**
 * ETDRK4 (Cox & Matthews 2002) for stiff systems `v' = L v + N(v)` with a diagonal linear
 * operator L in Fourier space, in the form of Kassam & Trefethen (2005): with h the step and
 * z = hL per mode,
 *
 *     a = e^{z/2} v + h φ_Q N(v)
 *     b = e^{z/2} v + h φ_Q N(a)
 *     c = e^{z/2} a + h φ_Q (2N(b) − N(v))
 *     v ← e^z v + h [φ₁ N(v) + 2φ₂ (N(a) + N(b)) + φ₃ N(c)]
 *
 * The φ functions are evaluated by a contour mean (no cancellation near z = 0). `etdrk4Phi` is
 * shared by the `burgers1d` and `jet2d` solvers; both fuse the stage formulas of `Etdrk4Stages`
 * into their own loops (`burgers1d` into its transform passes, `jet2d` 1.1.0 with the forming of
 * its nonlinear term), which stays the plain reference form. The factor h is folded into the
 * coefficient arrays.
 *
 * @example
 * ```ts
 * import { Etdrk4Stages, etdrk4Phi } from "./etdrk4.ts";
 * // v' = −v (N = 0): one step of h = 0.1 multiplies by e^{−0.1}.
 * const p = etdrk4Phi(-0.1);
 * const c = { e: [p.e], e2: [p.e2], q: [0.1 * p.q], f1: [0.1 * p.f1], f2: [0.1 * p.f2], f3: [0.1 * p.f3] };
 * const re = new Float64Array([1]), im = new Float64Array([0]);
 * new Etdrk4Stages(1).step(re, im, c, (_a, _b, oR, oI) => { oR[0] = 0; oI[0] = 0; });
 * if (Math.abs(re[0] - Math.exp(-0.1)) > 1e-15) throw new Error(String(re[0]));
 * ```
 * @module
 */

/** ETDRK4 coefficient functions at one z, without the factor h (see module docs). */
export interface Etdrk4Phi {
  /** e^z */
  readonly e: number;
  /** e^{z/2} */
  readonly e2: number;
  /** φ_Q(z) = (e^{z/2} − 1)/z */
  readonly q: number;
  /** φ₁(z) = (−4 − z + e^z (4 − 3z + z²))/z³ */
  readonly f1: number;
  /** φ₂(z) = (2 + z + e^z (z − 2))/z³ */
  readonly f2: number;
  /** φ₃(z) = (−4 − 3z − z² + e^z (4 − z))/z³ */
  readonly f3: number;
}

/**
 * The ETDRK4 φ functions at real z by the contour mean of Kassam & Trefethen (2005):
 * `φ(z) = Re (2/P) Σ_{j=1}^{P/2} φ(z + e^{iπ(j − ½)/(P/2)})`, free of the cancellation that the
 * closed forms suffer near z = 0.
 *
 * @example
 * ```ts
 * import { etdrk4Phi } from "./etdrk4.ts";
 * const p = etdrk4Phi(0); // classical RK4 weights
 * if (Math.abs(p.q - 0.5) > 1e-14 || Math.abs(p.f1 - 1 / 6) > 1e-14) throw new Error("phi(0)");
 * ```
 */
export function etdrk4Phi(z: number, contourPoints = 64): Etdrk4Phi {
  if (!Number.isFinite(z)) throw new RangeError(`Cannot evaluate ETDRK4 φ: z is ${z}`);
  if (!Number.isSafeInteger(contourPoints) || contourPoints < 2 || contourPoints % 2 !== 0) {
    throw new RangeError(
      `Cannot evaluate ETDRK4 φ: expected an even number of contour points ≥ 2, found ${contourPoints}`,
    );
  }
  const m = contourPoints / 2;
  let q = 0, f1 = 0, f2 = 0, f3 = 0;
  for (let j = 1; j <= m; j++) {
    const ang = (Math.PI * (j - 0.5)) / m;
    const wr = z + Math.cos(ang), wi = Math.sin(ang);
    // e^w and e^{w/2}
    const ea = Math.exp(wr), eR = ea * Math.cos(wi), eI = ea * Math.sin(wi);
    const ha = Math.exp(wr / 2), hR = ha * Math.cos(wi / 2), hI = ha * Math.sin(wi / 2);
    // w², w³
    const w2r = wr * wr - wi * wi, w2i = 2 * wr * wi;
    const w3r = w2r * wr - w2i * wi, w3i = w2r * wi + w2i * wr;
    // Re(a / b) for complex a, b
    const reDiv = (ar: number, ai: number, br: number, bi: number) =>
      (ar * br + ai * bi) / (br * br + bi * bi);
    q += reDiv(hR - 1, hI, wr, wi);
    // e^w (4 − 3w + w²) − 4 − w
    {
      const pr = 4 - 3 * wr + w2r, pi = -3 * wi + w2i;
      const nr = eR * pr - eI * pi - 4 - wr, ni = eR * pi + eI * pr - wi;
      f1 += reDiv(nr, ni, w3r, w3i);
    }
    // 2 + w + e^w (w − 2)
    {
      const pr = wr - 2, pi = wi;
      const nr = 2 + wr + eR * pr - eI * pi, ni = wi + eR * pi + eI * pr;
      f2 += reDiv(nr, ni, w3r, w3i);
    }
    // −4 − 3w − w² + e^w (4 − w)
    {
      const pr = 4 - wr, pi = -wi;
      const nr = -4 - 3 * wr - w2r + eR * pr - eI * pi, ni = -3 * wi - w2i + eR * pi + eI * pr;
      f3 += reDiv(nr, ni, w3r, w3i);
    }
  }
  return { e: Math.exp(z), e2: Math.exp(z / 2), q: q / m, f1: f1 / m, f2: f2 / m, f3: f3 / m };
}

/** Per-mode ETDRK4 coefficients for one step h (h folded into q, f1, f2, f3). */
export interface Etdrk4Coefficients {
  readonly e: ArrayLike<number>;
  readonly e2: ArrayLike<number>;
  readonly q: ArrayLike<number>;
  readonly f1: ArrayLike<number>;
  readonly f2: ArrayLike<number>;
  readonly f3: ArrayLike<number>;
}

/** The nonlinear term: writes N(in) to `(outRe, outIm)`; must not touch its inputs. */
export type Nonlinear = (
  inRe: Float64Array,
  inIm: Float64Array,
  outRe: Float64Array,
  outIm: Float64Array,
) => void;

/** The stage buffers of ETDRK4 for `size` complex modes, allocated once. */
export class Etdrk4Stages {
  readonly #ar: Float64Array;
  readonly #ai: Float64Array;
  readonly #br: Float64Array;
  readonly #bi: Float64Array;
  readonly #nvr: Float64Array;
  readonly #nvi: Float64Array;
  readonly #nar: Float64Array;
  readonly #nai: Float64Array;
  readonly #nbr: Float64Array;
  readonly #nbi: Float64Array;
  readonly #ncr: Float64Array;
  readonly #nci: Float64Array;

  /** Buffers for `size` modes. */
  constructor(readonly size: number) {
    const buf = () => new Float64Array(size);
    this.#ar = buf();
    this.#ai = buf();
    this.#br = buf();
    this.#bi = buf();
    this.#nvr = buf();
    this.#nvi = buf();
    this.#nar = buf();
    this.#nai = buf();
    this.#nbr = buf();
    this.#nbi = buf();
    this.#ncr = buf();
    this.#nci = buf();
  }

  /** One ETDRK4 step of `(re, im)` in place; allocates nothing. */
  step(re: Float64Array, im: Float64Array, c: Etdrk4Coefficients, nonlinear: Nonlinear): void {
    const n = this.size, { e, e2, q, f1, f2, f3 } = c;
    const ar = this.#ar, ai = this.#ai, br = this.#br, bi = this.#bi;
    const nvr = this.#nvr, nvi = this.#nvi, nar = this.#nar, nai = this.#nai;
    const nbr = this.#nbr, nbi = this.#nbi, ncr = this.#ncr, nci = this.#nci;
    nonlinear(re, im, nvr, nvi);
    for (let k = 0; k < n; k++) {
      ar[k] = e2[k] * re[k] + q[k] * nvr[k];
      ai[k] = e2[k] * im[k] + q[k] * nvi[k];
    }
    nonlinear(ar, ai, nar, nai);
    for (let k = 0; k < n; k++) {
      br[k] = e2[k] * re[k] + q[k] * nar[k];
      bi[k] = e2[k] * im[k] + q[k] * nai[k];
    }
    nonlinear(br, bi, nbr, nbi);
    // c overwrites b: b is not needed after N(b)
    for (let k = 0; k < n; k++) {
      br[k] = e2[k] * ar[k] + q[k] * (2 * nbr[k] - nvr[k]);
      bi[k] = e2[k] * ai[k] + q[k] * (2 * nbi[k] - nvi[k]);
    }
    nonlinear(br, bi, ncr, nci);
    for (let k = 0; k < n; k++) {
      re[k] = e[k] * re[k] + f1[k] * nvr[k] + 2 * f2[k] * (nar[k] + nbr[k]) + f3[k] * ncr[k];
      im[k] = e[k] * im[k] + f1[k] * nvi[k] + 2 * f2[k] * (nai[k] + nbi[k]) + f3[k] * nci[k];
    }
  }
}

/**
 * Fourier pseudo-spectral building blocks for ONNX graphs, written with standard ops only
 * (MatMul, Mul, Add, Sub): the 2D real DFT is a pair of matrix products against precomputed
 * cos/sin tables, so the graphs run on every onnxruntime-web backend (the webgpu EP has no DFT
 * op). Used by the coarse spectral solvers of `baselines/jet2d.ts` (and reusable by any doubly
 * periodic 2D suite).
 *
 * **Layout.** A physical field is `[..., N, N]` (rows y = index j, columns x = index i, SPEC
 * §2) on the periodic box, `x_i = iL/N`. A truncated half-plane spectrum with `M` modes per
 * direction is a pair of real tensors `(re, im)` of shape `[..., 2M + 1, M + 1]`: row `r` holds
 * `k_y = r − M` (−M…M), column `c` holds `k_x = c` (0…M), with the same unnormalised sign
 * convention as `metrics/fft.ts` and `suites/common/spectral2d.ts`:
 *
 *   f̂(k_x, k_y) = Σ_{j,i} f_{j,i} e^{−2πi (k_x i + k_y j)/N},
 *   f_{j,i} = (1/N²) Σ_{|k_x|,|k_y| ≤ M} f̂ e^{+2πi (k_x i + k_y j)/N}
 *           = (1/N²) Σ_{k_y} Σ_{k_x ≥ 0} w_{k_x} Re(f̂ e^{+2πi (k_x i + k_y j)/N}),
 *
 * with `w_0 = 1`, `w_{k_x > 0} = 2` (Hermitian symmetry of a real field; `M < N/2`, so no
 * Nyquist bin is kept). The modes `k_x < 0` are implied. `M = ⌊N/3⌋` is the 2/3-rule band: a
 * product of two fields in the band, transformed forward with the same `M`, is alias-free.
 *
 * **Cost.** Forward: `x @ C_x` and `x @ S_x` (`[N, M+1]` tables), then `C_y`, `S_y`
 * (`[2M+1, N]`) from the left: 6 MatMuls. Inverse: 4 + 2. Tables are float32 initializers.
 *
 * @example
 * ```ts
 * import { GraphBuilder } from "./graph.ts";
 * import { SpectralGraph2D } from "./spectral_graph.ts";
 * const g = new GraphBuilder("roundtrip");
 * const sp = new SpectralGraph2D(g, { n: 16, modes: 5 });
 * const u = g.input("u", ["B", 1, 16, 16]);
 * g.output(sp.inverse(sp.forward(u)), "u_next", ["B", 1, 16, 16]);
 * if (g.build().length < 1000) throw new Error("tables are initializers");
 * ```
 * @module
 */
import type { GraphBuilder } from "./graph.ts";

/** A truncated half-plane spectrum in a graph: tensor names of the real and imaginary parts. */
export interface SpectralPair {
  /** Real part `[..., 2M + 1, M + 1]`. */
  readonly re: string;
  /** Imaginary part `[..., 2M + 1, M + 1]`. */
  readonly im: string;
}

/** Options of {@link SpectralGraph2D}. */
export interface SpectralGraphOptions {
  /** Grid points per side N (≥ 4). */
  readonly n: number;
  /** Kept modes per direction M (1 ≤ M < N/2); default ⌊N/3⌋, the 2/3-rule band. */
  readonly modes?: number;
  /** Box side L (default 2π): angular wavenumbers κ = 2πk/L. */
  readonly length?: number;
}

/**
 * Signed mode numbers of the half-plane layout: `ky[r·(M+1) + c] = r − M`, `kx[…] = c`.
 *
 * @example
 * ```ts
 * import { halfPlaneModes } from "./spectral_graph.ts";
 * const { kx, ky } = halfPlaneModes(1); // rows k_y = −1, 0, 1; columns k_x = 0, 1
 * if (ky.join() !== "-1,-1,0,0,1,1" || kx.join() !== "0,1,0,1,0,1") throw new Error("layout");
 * ```
 */
export function halfPlaneModes(modes: number): { kx: Int32Array; ky: Int32Array } {
  const rows = 2 * modes + 1, cols = modes + 1;
  const kx = new Int32Array(rows * cols), ky = new Int32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      kx[r * cols + c] = c;
      ky[r * cols + c] = r - modes;
    }
  }
  return { kx, ky };
}

/**
 * Spectral operators on one N×N periodic grid with M kept modes, emitting nodes into a
 * {@link GraphBuilder} (see module docs for the layout). Constant tables are created once per
 * instance and shared by every call.
 *
 * @example
 * ```ts
 * import { GraphBuilder } from "./graph.ts";
 * import { SpectralGraph2D } from "./spectral_graph.ts";
 * const g = new GraphBuilder("laplacian");
 * const sp = new SpectralGraph2D(g, { n: 8 }); // M = 2
 * const u = g.input("u", ["B", 1, 8, 8]);
 * const lap = sp.scale(sp.forward(u), sp.fromModes((kx, ky) => -(kx * kx + ky * ky)));
 * g.output(sp.inverse(lap), "u_next", ["B", 1, 8, 8]);
 * if (sp.modes !== 2 || sp.rows !== 5 || sp.cols !== 3) throw new Error("shape");
 * ```
 */
export class SpectralGraph2D {
  /** Grid points per side N. */
  readonly n: number;
  /** Kept modes per direction M. */
  readonly modes: number;
  /** Box side L. */
  readonly length: number;
  /** Rows of the half-plane spectrum, 2M + 1. */
  readonly rows: number;
  /** Columns of the half-plane spectrum, M + 1. */
  readonly cols: number;
  readonly #g: GraphBuilder;
  #tables?: Record<"cx" | "sx" | "cy" | "sy" | "cyT" | "syT" | "ax" | "bx", string>;

  /** Operators on an `n`² grid keeping `modes` modes (default ⌊n/3⌋). */
  constructor(g: GraphBuilder, options: SpectralGraphOptions) {
    const n = options.n, modes = options.modes ?? Math.floor(n / 3);
    if (!Number.isInteger(n) || n < 4) {
      throw new RangeError(`Cannot build spectral graph ops: expected n ≥ 4, found ${n}`);
    }
    if (!Number.isInteger(modes) || modes < 1 || 2 * modes >= n) {
      throw new RangeError(
        `Cannot build spectral graph ops: expected modes an integer in [1, ${
          Math.ceil(n / 2) - 1
        }] (below the Nyquist mode of n = ${n}), found ${modes}`,
      );
    }
    this.#g = g;
    this.n = n;
    this.modes = modes;
    this.length = options.length ?? 2 * Math.PI;
    this.rows = 2 * modes + 1;
    this.cols = modes + 1;
  }

  /** The DFT tables (created on first use). */
  #t() {
    if (this.#tables) return this.#tables;
    const { n, modes: m, rows, cols } = this, g = this.#g;
    const cx = new Float64Array(n * cols), sx = new Float64Array(n * cols);
    const ax = new Float64Array(cols * n), bx = new Float64Array(cols * n);
    for (let i = 0; i < n; i++) {
      for (let c = 0; c < cols; c++) {
        const a = (2 * Math.PI * ((c * i) % n)) / n, w = (c === 0 ? 1 : 2) / (n * n);
        cx[i * cols + c] = Math.cos(a);
        sx[i * cols + c] = Math.sin(a);
        ax[c * n + i] = w * Math.cos(a);
        bx[c * n + i] = w * Math.sin(a);
      }
    }
    const cy = new Float64Array(rows * n), sy = new Float64Array(rows * n);
    const cyT = new Float64Array(n * rows), syT = new Float64Array(n * rows);
    for (let r = 0; r < rows; r++) {
      for (let j = 0; j < n; j++) {
        const a = (2 * Math.PI * ((((r - m) * j) % n + n) % n)) / n;
        cy[r * n + j] = cyT[j * rows + r] = Math.cos(a);
        sy[r * n + j] = syT[j * rows + r] = Math.sin(a);
      }
    }
    this.#tables = {
      cx: g.floats(cx, [n, cols]),
      sx: g.floats(sx, [n, cols]),
      cy: g.floats(cy, [rows, n]),
      sy: g.floats(sy, [rows, n]),
      cyT: g.floats(cyT, [n, rows]),
      syT: g.floats(syT, [n, rows]),
      ax: g.floats(ax, [cols, n]),
      bx: g.floats(bx, [cols, n]),
    };
    return this.#tables;
  }

  /**
   * Truncated forward DFT of a real field `x` `[..., N, N]` → `[..., 2M+1, M+1]`:
   * along x `R = x C_x`, `I = −x S_x` (`C_x[i, c] = cos 2πci/N`), then along y
   * `re = C_y R + S_y I`, `im = C_y I − S_y R` (`C_y[r, j] = cos 2π(r − M)j/N`).
   */
  forward(x: string): SpectralPair {
    const g = this.#g, t = this.#t();
    const r = g.op("MatMul", [x, t.cx]);
    const s = g.op("MatMul", [x, t.sx]); // = −I
    const re = g.op("Sub", [g.op("MatMul", [t.cy, r]), g.op("MatMul", [t.sy, s])]);
    const im = g.op("Neg", [g.op("Add", [g.op("MatMul", [t.cy, s]), g.op("MatMul", [t.sy, r])])]);
    return { re, im };
  }

  /**
   * Inverse of {@link forward} for a real field (the implied `k_x < 0` modes are the
   * conjugates): along y `g = Σ_{k_y} f̂ e^{+2πi k_y j/N}` (`C_yᵀ`, `S_yᵀ` from the left), then
   * `x = (g_re A_x − g_im B_x)`, `A_x[c, i] = w_c cos(2πci/N)/N²`, `B_x` with sin.
   */
  inverse(f: SpectralPair): string {
    const g = this.#g, t = this.#t();
    const gr = g.op("Sub", [g.op("MatMul", [t.cyT, f.re]), g.op("MatMul", [t.syT, f.im])]);
    const gi = g.op("Add", [g.op("MatMul", [t.cyT, f.im]), g.op("MatMul", [t.syT, f.re])]);
    return g.op("Sub", [g.op("MatMul", [gr, t.ax]), g.op("MatMul", [gi, t.bx])]);
  }

  /**
   * A constant `[2M+1, M+1]` float32 tensor with value `f(κ_x, κ_y, k_x, k_y)` per mode
   * (κ = 2πk/L the angular wavenumbers, k the signed mode numbers).
   */
  fromModes(f: (kappaX: number, kappaY: number, kx: number, ky: number) => number): string {
    const { kx, ky } = halfPlaneModes(this.modes), s = (2 * Math.PI) / this.length;
    const v = new Float64Array(kx.length);
    for (let k = 0; k < v.length; k++) v[k] = f(s * kx[k], s * ky[k], kx[k], ky[k]);
    return this.#g.floats(v, [this.rows, this.cols]);
  }

  /** Multiply a spectrum by a real per-mode tensor `a` (from {@link fromModes}): `a f̂`. */
  scale(f: SpectralPair, a: string): SpectralPair {
    const g = this.#g;
    return { re: g.op("Mul", [f.re, a]), im: g.op("Mul", [f.im, a]) };
  }

  /** Multiply a spectrum by `i·a` (a real per-mode tensor): `(re, im) → (−a·im, a·re)`. */
  scaleI(f: SpectralPair, a: string): SpectralPair {
    const g = this.#g;
    return { re: g.op("Neg", [g.op("Mul", [f.im, a])]), im: g.op("Mul", [f.re, a]) };
  }

  /** ∂x ↔ iκ_x. */
  dx(f: SpectralPair): SpectralPair {
    return this.scaleI(f, this.#kappa("x"));
  }

  /** ∂y ↔ iκ_y. */
  dy(f: SpectralPair): SpectralPair {
    return this.scaleI(f, this.#kappa("y"));
  }

  /** ∇⁻² ↔ −1/|κ|², the mean mode mapped to 0. */
  invLaplacian(f: SpectralPair): SpectralPair {
    return this.scale(f, this.fromModes((a, b) => (a === 0 && b === 0 ? 0 : -1 / (a * a + b * b))));
  }

  /** Keep the modes with `|k_x|, |k_y| ≤ cut` (a square dealiasing mask), zero the others. */
  mask(f: SpectralPair, cut: number): SpectralPair {
    return this.scale(
      f,
      this.fromModes((_a, _b, kx, ky) => (Math.abs(kx) <= cut && Math.abs(ky) <= cut ? 1 : 0)),
    );
  }

  /** `a + b` mode by mode. */
  add(a: SpectralPair, b: SpectralPair): SpectralPair {
    const g = this.#g;
    return { re: g.op("Add", [a.re, b.re]), im: g.op("Add", [a.im, b.im]) };
  }

  /** `a − b` mode by mode. */
  sub(a: SpectralPair, b: SpectralPair): SpectralPair {
    const g = this.#g;
    return { re: g.op("Sub", [a.re, b.re]), im: g.op("Sub", [a.im, b.im]) };
  }

  /** `c · a` for a scalar c. */
  mulScalar(a: SpectralPair, c: number): SpectralPair {
    const s = this.#g.scalar(c);
    return { re: this.#g.op("Mul", [a.re, s]), im: this.#g.op("Mul", [a.im, s]) };
  }

  readonly #kappaCache = new Map<string, string>();
  #kappa(axis: "x" | "y"): string {
    let t = this.#kappaCache.get(axis);
    if (!t) {
      t = this.fromModes((a, b) => (axis === "x" ? a : b));
      this.#kappaCache.set(axis, t);
    }
    return t;
  }
}

/**
 * Spectral resampling of a real field `x` `[..., nFrom, nFrom]` to `[..., nTo, nTo]`: forward
 * DFT on `nFrom` keeping `modes` modes, scale by `(nTo/nFrom)²`, inverse on `nTo`. Exact
 * (trigonometric) interpolation of fields whose modes satisfy `|k_x|, |k_y| ≤ modes`;
 * truncation of the others. Needs `modes < min(nFrom, nTo)/2`.
 *
 * @example
 * ```ts
 * import { GraphBuilder } from "./graph.ts";
 * import { spectralResample } from "./spectral_graph.ts";
 * const g = new GraphBuilder("down");
 * const u = g.input("u", ["B", 1, 32, 32]);
 * g.output(spectralResample(g, u, 32, 8, 3), "u_next", ["B", 1, 8, 8]);
 * if (g.build().length < 100) throw new Error("graph");
 * ```
 */
export function spectralResample(
  g: GraphBuilder,
  x: string,
  nFrom: number,
  nTo: number,
  modes: number,
): string {
  const from = new SpectralGraph2D(g, { n: nFrom, modes });
  const to = new SpectralGraph2D(g, { n: nTo, modes });
  const f = from.mulScalar(from.forward(x), (nTo / nFrom) ** 2);
  return to.inverse(f);
}

/**
 * Numbers and the spectrum figure of the `jet2d` data card, measured on IC 0 of the default
 * seed (a spun-up state):
 *
 * - the isotropic kinetic-energy spectrum E(k) and the enstrophy spectrum k²E(k), written as
 *   `spectrum.svg` (log-log, with the 2/3 cut-off K = 85 and the coarse baseline's band 21);
 * - E, Z, max |u|, the zonal (k_x = 0) share of E, the enstrophy outside the coarse band
 *   |k_x|, |k_y| ≤ 21 (the coarse solver's truncation floor: mse ≥ 2 Z_{>21});
 * - the time error of one model step (Δt = 0.02) with 10 (the reference), 20 and 40 ETDRK4
 *   sub-steps against 80, as max |Δω| relative to max |ω|.
 *
 * Run: `deno run -A suites/jet2d/card_figures.ts [out.svg]` (≈ 30 s on one core).
 *
 * @example
 * ```ts
 * import { spectrumSvg } from "./card_figures.ts";
 * const svg = spectrumSvg([0, 1, 0.1, 0.01], [0, 1, 0.4, 0.09], 2, 1);
 * if (!svg.startsWith("<svg")) throw new Error("svg");
 * ```
 * @module
 */
import { Jet2D } from "./solver.ts";
import { DT, jet2d, jet2dIc, kineticSpectrum, PHYSICS, SUBSTEPS } from "./suite.ts";

/**
 * A log-log SVG plot of E(k) and k²E(k) for shells k ≥ 1, with vertical lines at `cut` and
 * `band`. Values ≤ 0 are skipped.
 *
 * @example
 * ```ts
 * import { spectrumSvg } from "./card_figures.ts";
 * if (!spectrumSvg([0, 1], [0, 1], 1, 1).includes("polyline")) throw new Error("plot");
 * ```
 */
export function spectrumSvg(
  e: ArrayLike<number>,
  z: ArrayLike<number>,
  cut: number,
  band: number,
): string {
  const W = 640, H = 420, L = 70, R = 20, T = 20, B = 50;
  const kMax = e.length - 1,
    pts = (a: ArrayLike<number>) => {
      const out: [number, number][] = [];
      for (let k = 1; k <= kMax; k++) if (a[k] > 0) out.push([Math.log10(k), Math.log10(a[k])]);
      return out;
    };
  const pe = pts(e), pz = pts(z), all = [...pe, ...pz];
  const yMax = Math.ceil(Math.max(...all.map((p) => p[1])));
  const yMin = Math.max(Math.floor(Math.min(...all.map((p) => p[1]))), yMax - 24);
  const xMax = Math.log10(kMax);
  const X = (x: number) => L + (x / xMax) * (W - L - R);
  const Y = (y: number) => T + ((yMax - Math.max(y, yMin)) / (yMax - yMin)) * (H - T - B);
  const line = (p: [number, number][], color: string) =>
    `<polyline fill="none" stroke="${color}" stroke-width="1.5" points="${
      p.map(([x, y]) => `${X(x).toFixed(1)},${Y(y).toFixed(1)}`).join(" ")
    }"/>`;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<rect x="${L}" y="${T}" width="${W - L - R}" height="${
      H - T - B
    }" fill="none" stroke="black"/>`,
  ];
  for (let y = yMin; y <= yMax; y += 2) {
    parts.push(
      `<text x="${L - 6}" y="${Y(y) + 4}" text-anchor="end">1e${y}</text>`,
      `<line x1="${L}" x2="${W - R}" y1="${Y(y)}" y2="${Y(y)}" stroke="#ddd"/>`,
    );
  }
  for (const k of [1, 2, 5, 10, 20, 50, 100]) {
    if (k > kMax) continue;
    parts.push(`<text x="${X(Math.log10(k))}" y="${H - B + 16}" text-anchor="middle">${k}</text>`);
  }
  for (const [k, label] of [[cut, `K = ${cut}`], [band, `coarse ${band}`]] as const) {
    const x = X(Math.log10(k));
    parts.push(
      `<line x1="${x}" x2="${x}" y1="${T}" y2="${H - B}" stroke="#999" stroke-dasharray="4 3"/>`,
      `<text x="${x + 4}" y="${T + 14}">${label}</text>`,
    );
  }
  parts.push(
    line(pe, "#1f77b4"),
    line(pz, "#d62728"),
    `<text x="${(L + W - R) / 2}" y="${H - 12}" text-anchor="middle">shell k (mode number)</text>`,
    `<text x="${L + 10}" y="${H - B - 26}" fill="#1f77b4">E(k), kinetic energy</text>`,
    `<text x="${L + 10}" y="${H - B - 10}" fill="#d62728">k²E(k), enstrophy</text>`,
    "</svg>",
  );
  return parts.join("\n");
}

if (import.meta.main) {
  const out = Deno.args[0] ?? "suites/jet2d/spectrum.svg";
  const t0 = performance.now();
  const w = jet2dIc(jet2d.seed, 0);
  const e = kineticSpectrum(w), z = e.map((v, k) => v * k * k);
  const s = new Jet2D({ ...PHYSICS }), n = PHYSICS.n, K = s.grid.kCut;
  const re = new Float64Array(n * n), im = new Float64Array(n * n);
  s.grid.forward(w, re, im);
  const d = s.diagnosticsHat(re, im);
  let zOut = 0, eZonal = 0;
  for (let q = 0; q < n; q++) {
    for (let p = 0; p < n; p++) {
      const k = q * n + p, a = re[k] * re[k] + im[k] * im[k];
      const kx = p < n / 2 ? p : p - n, ky = q < n / 2 ? q : q - n;
      if (Math.abs(kx) > 21 || Math.abs(ky) > 21) zOut += a;
      if (p === 0) eZonal += a * s.grid.invK2[k];
    }
  }
  const { u, v } = s.velocity(w);
  let umax = 0, wmax = 0;
  for (let k = 0; k < n * n; k++) {
    umax = Math.max(umax, Math.hypot(u[k], v[k]));
    wmax = Math.max(wmax, Math.abs(w[k]));
  }
  const step = (m: number) => {
    const r = new Float64Array(n * n), i = new Float64Array(n * n), o = new Float64Array(n * n);
    s.toSpectral(w, r, i);
    for (let j = 0; j < m; j++) s.step(r, i, DT / m);
    s.toPhysical(r, i, o);
    return o;
  };
  const exact = step(8 * SUBSTEPS), errs: Record<string, number> = {};
  for (const m of [SUBSTEPS, 2 * SUBSTEPS, 4 * SUBSTEPS]) {
    const y = step(m);
    let err = 0;
    for (let k = 0; k < n * n; k++) err = Math.max(err, Math.abs(y[k] - exact[k]));
    errs[`h = ${DT / m}`] = err / wmax;
  }
  await Deno.writeTextFile(out, spectrumSvg(e, z, K, 21) + "\n");
  const pick = [1, 2, 4, 8, 16, 21, 32, 64, 85, 100, 120];
  console.log(JSON.stringify(
    {
      energy: d.energy,
      enstrophy: d.enstrophy,
      maxSpeed: umax,
      maxAbsOmega: wmax,
      zonalShare: (0.5 * eZonal) / (n * n * n * n) / d.energy,
      enstrophyOutside21: (0.5 * zOut) / (n * n * n * n),
      enstrophyShareOutside21: (0.5 * zOut) / (n * n * n * n) / d.enstrophy,
      spectrum: Object.fromEntries(pick.map((k) => [k, e[k]])),
      enstrophySpectrum: Object.fromEntries(pick.map((k) => [k, z[k]])),
      stepErrorRelative: errs,
      seconds: (performance.now() - t0) / 1000,
      svg: out,
    },
    null,
    2,
  ));
}

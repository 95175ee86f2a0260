import assert from "node:assert/strict";
import {
  spectralBand,
  spectrum1d,
  spectrum1dInto,
  spectrum2d,
  spectrumError,
  spectrumErrorBands,
} from "./spectrum.ts";
import { halfMeanSquare } from "./energy.ts";
import { assertClose, assertThrowsType, randomArray } from "./_test_util.ts";

const SIZES = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024];
function sum(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i];
  return s;
}

function mode(n: number, k: number, amp: number, phase: number): Float64Array {
  return Float64Array.from(
    { length: n },
    (_, j) => amp * Math.cos((2 * Math.PI * k * j) / n + phase),
  );
}

Deno.test("Parseval: Σ_k E(k) = ½⟨u²⟩ to 1e-12 for every power-of-two N", () => {
  for (const n of SIZES) {
    const u = randomArray(n, 17 + n).map((v) => v + 0.3); // non-zero mean: shell 0 counts too
    const e = spectrum1d(u);
    if (e.length !== Math.floor(n / 2) + 1) throw new Error(`length for N=${n}: ${e.length}`);
    const energy = halfMeanSquare(u);
    assertClose(sum(e), energy, 1e-12 * energy, `Parseval, N=${n}`);
  }
});

Deno.test("a single Fourier mode puts all its energy A²/4 in its shell", () => {
  const n = 64;
  for (const k of [1, 2, 5, 17, 31]) {
    const e = spectrum1d(mode(n, k, 1.5, 0.7));
    for (let q = 0; q < e.length; q++) {
      assertClose(e[q], q === k ? 1.5 ** 2 / 4 : 0, 1e-14, `mode ${k}, shell ${q}`);
    }
  }
  // Nyquist: u_j = A(−1)^j has ½⟨u²⟩ = A²/2, all in shell N/2 (counted once).
  const nyq = spectrum1d(mode(n, n / 2, 2, 0));
  assertClose(nyq[n / 2], 2, 1e-14, "Nyquist shell");
  assertClose(sum(nyq.subarray(0, n / 2)), 0, 1e-14, "nothing below Nyquist");
  // Mean: u = c has E(0) = ½c².
  const mean = spectrum1d(new Float32Array(8).fill(-3));
  assertClose(mean, [4.5, 0, 0, 0, 0], 1e-15, "mean shell");
});

Deno.test("spectrum1d matches the defining sum over ±k of ½|û|²", () => {
  const n = 32, u = randomArray(n, 5);
  const e = spectrum1d(u);
  for (let k = 0; k <= n / 2; k++) {
    let want = 0;
    const mirrors = k === 0 || k === n / 2 ? [k] : [k, n - k];
    for (const b of mirrors) {
      let re = 0, im = 0;
      for (let j = 0; j < n; j++) {
        const angle = (-2 * Math.PI * ((j * b) % n)) / n;
        re += u[j] * Math.cos(angle);
        im += u[j] * Math.sin(angle);
      }
      want += 0.5 * (re * re + im * im) / (n * n);
    }
    assertClose(e[k], want, 1e-15, `shell ${k}`);
  }
});

Deno.test("a shift of the field leaves its spectrum unchanged", () => {
  const n = 128, u = randomArray(n, 9);
  const shifted = Float64Array.from({ length: n }, (_, j) => u[(j + 37) % n]);
  assertClose(spectrum1d(shifted), spectrum1d(u), 1e-15, "shift invariance");
  assertClose(spectrumError(spectrum1d(shifted), spectrum1d(u)), 0, 1e-12, "error ≈ 0");
});

Deno.test("identical spectra have error 0; p = a·y gives |2 ln a| in every band", () => {
  const ey = spectrum1d(randomArray(1024, 21));
  const same = spectrumErrorBands(ey, ey);
  if (same.all !== 0 || same.low !== 0 || same.mid !== 0 || same.high !== 0) {
    throw new Error(`identical spectra: ${JSON.stringify(same)}`);
  }
  for (const a of [0.5, 0.9, 1.1, 3]) {
    const ep = ey.map((e) => a * a * e); // spectrum of a·y, exactly
    const b = spectrumErrorBands(ep, ey);
    const want = Math.abs(2 * Math.log(a));
    for (const key of ["all", "low", "mid", "high"] as const) {
      assertClose(b[key]!, want, 1e-13, `a = ${a}, band ${key}`);
    }
    // Through the FFT: spectrum1d(a·u) = a²·spectrum1d(u) to rounding.
    const u = randomArray(256, 22);
    const viaFft = spectrumError(spectrum1d(u.map((v) => a * v)), spectrum1d(u));
    assertClose(viaFft, want, 1e-12, `a = ${a} through spectrum1d`);
  }
});

Deno.test("the error is symmetric away from the floor and uses natural logs", () => {
  const ey = [1, 1, 2, 4], ep = [1, Math.E, 2, 4 / Math.E ** 2];
  assertClose(spectrumError(ep, ey), (1 + 0 + 2) / 3, 1e-15, "mean over shells 1..3");
  assertClose(spectrumError(ey, ep), (1 + 0 + 2) / 3, 1e-15, "swapped");
  assertClose(spectrumError(ep, ey, { kMin: 0 }), (0 + 1 + 0 + 2) / 4, 1e-15, "kMin = 0");
  assertClose(spectrumError(ep, ey, { kMin: 2, kMax: 2 }), 0, 0, "one shell");
});

Deno.test("energies below the floor compare equal; zero reference stays finite", () => {
  // Total reference energy 1: default floor 1e-14. Shells 2 and 3 hold only "round-off".
  const ey = [0.5, 0.5, 1e-20, 0], ep = [0.5, 0.5, 3e-18, 1e-25];
  assertClose(spectrumError(ep, ey), 0, 0, "both below floor");
  const withTiny = spectrumError(ep, ey, { relativeFloor: 1e-30 });
  assertClose(withTiny, (0 + Math.log(300) + Math.log(1e-25 / 1e-30)) / 3, 1e-12, "1e-30");
  const zero = spectrumError([0, 1, 1], [0, 0, 0]);
  if (!Number.isFinite(zero) || zero <= 0) throw new Error(`zero reference: ${zero}`);
  assertClose(zero, -Math.log(1e-300), 1e-9, "ln(1 / 1e-300)");
});

Deno.test("log bands: thirds of ln k, boundary shells go up, empty bands are null", () => {
  const b = (k: number) => spectralBand(k, 1, 512);
  const counts = { low: 0, mid: 0, high: 0 };
  for (let k = 1; k <= 512; k++) counts[b(k)]++;
  assertClose([counts.low, counts.mid, counts.high], [7, 56, 449], 0, "N = 1024 band sizes");
  if (spectralBand(0, 0, 512) !== "low") throw new Error("shell 0 is low");
  // N = 4: shells 1..2, t(2) = 1 → high; no mid shell.
  const small = spectrumErrorBands([0, 1, 1], [0, 1, 1]);
  if (small.low !== 0 || small.mid !== null || small.high !== 0) {
    throw new Error(`N = 4 bands: ${JSON.stringify(small)}`);
  }
});

Deno.test("spectrum functions validate their inputs", () => {
  assertThrowsType(() => spectrum1d(new Float64Array(100)), RangeError, "found 100");
  assertThrowsType(() => spectrum1d([]), RangeError, "found 0");
  assertThrowsType(() => spectrumError([1, 2], [1, 2, 3]), TypeError, "pred length 2");
  assertThrowsType(() => spectrumError([1, 2], [1, 2], { kMin: 2 }), RangeError, "kMin = 2");
  assertThrowsType(() => spectrumError([1, 2], [1, 2], { kMax: 5 }), RangeError, "kMax = 5");
  assertThrowsType(
    () => spectrumError([1, 2], [1, 2], { relativeFloor: -1 }),
    RangeError,
    "relativeFloor",
  );
});

// ---- 2D isotropic shell spectrum ------------------------------------------------------------

/** `A cos(2π(kx·i/nx + ky·j/ny) + φ)` on `[ny, nx]`. */
function mode2d(ny: number, nx: number, kx: number, ky: number, amp: number, phase: number) {
  const u = new Float64Array(ny * nx);
  for (let j = 0; j < ny; j++) {
    for (let i = 0; i < nx; i++) {
      u[j * nx + i] = amp * Math.cos(2 * Math.PI * (kx * i / nx + ky * j / ny) + phase);
    }
  }
  return u;
}

Deno.test("spectrum2d: Parseval Σ_k E(k) = ½⟨u²⟩ to 1e-12, square and non-square grids", () => {
  for (
    const [ny, nx] of [[1, 1], [1, 16], [16, 1], [2, 2], [8, 4], [4, 32], [64, 64], [128, 128]]
  ) {
    const u = randomArray(ny * nx, 31 + ny * nx + nx).map((v) => v + 0.2);
    const e = spectrum2d(u, ny, nx);
    if (e.length !== Math.round(Math.hypot(nx / 2, ny / 2)) + 1) {
      throw new Error(`shell count for ${ny}×${nx}: ${e.length}`);
    }
    const energy = halfMeanSquare(u);
    assertClose(sum(e), energy, 1e-12 * energy, `Parseval ${ny}×${nx}`);
    if (e.some((v) => !(v >= 0))) throw new Error(`negative shell energy on ${ny}×${nx}`);
  }
  if (spectrum2d(new Float64Array(128 * 128), 128, 128).length !== 92) throw new Error("92 shells");
});

Deno.test("spectrum2d: a single mode puts A²/4 in shell round(|k|), the mean ½c² in shell 0", () => {
  const n = 32;
  for (const [kx, ky] of [[1, 0], [0, 3], [3, 4], [-5, 2], [7, 7], [16, 0], [0, 16], [16, 16]]) {
    const e = spectrum2d(mode2d(n, n, kx, ky, 1.5, 0.3), n, n);
    const shell = Math.round(Math.hypot(kx, ky));
    // A Nyquist component (±16) is its own mirror: cos(πi + φ) keeps only cos φ of its energy.
    const nyquist = (Math.abs(kx) === 16 ? 1 : 0) + (Math.abs(ky) === 16 ? 1 : 0);
    const want = nyquist === 0 ? 1.5 ** 2 / 4 : 1.5 ** 2 * Math.cos(0.3) ** 2 / 2;
    for (let q = 0; q < e.length; q++) {
      assertClose(e[q], q === shell ? want : 0, 1e-13, `mode (${kx}, ${ky}), shell ${q}`);
    }
  }
  const mean = spectrum2d(new Float32Array(8 * 4).fill(-3), 8, 4);
  assertClose(mean[0], 4.5, 1e-15, "mean shell");
  assertClose(sum(mean.subarray(1)), 0, 0, "nothing else");
});

Deno.test("spectrum2d matches the defining sum of ½|û|² over bins with round(|k|) = k", () => {
  const ny = 8, nx = 4, u = randomArray(ny * nx, 77);
  const e = spectrum2d(u, ny, nx);
  const want = new Float64Array(e.length);
  for (let qy = 0; qy < ny; qy++) {
    for (let qx = 0; qx < nx; qx++) {
      let re = 0, im = 0;
      for (let j = 0; j < ny; j++) {
        for (let i = 0; i < nx; i++) {
          const angle = -2 * Math.PI * (qx * i / nx + qy * j / ny);
          re += u[j * nx + i] * Math.cos(angle);
          im += u[j * nx + i] * Math.sin(angle);
        }
      }
      const kx = qx <= nx / 2 ? qx : qx - nx, ky = qy <= ny / 2 ? qy : qy - ny;
      want[Math.round(Math.hypot(kx, ky))] += 0.5 * (re * re + im * im) / (ny * nx) ** 2;
    }
  }
  assertClose(e, want, 1e-15, "brute-force DFT");
});

Deno.test("spectrum2d: shifts and transposition leave it unchanged; one row is spectrum1d", () => {
  const n = 16, u = randomArray(n * n, 3);
  const shifted = Float64Array.from(
    { length: n * n },
    (_, p) => u[((Math.floor(p / n) + 5) % n) * n + ((p % n) + 11) % n],
  );
  const transposed = Float64Array.from(
    { length: n * n },
    (_, p) => u[(p % n) * n + Math.floor(p / n)],
  );
  assertClose(spectrum2d(shifted, n, n), spectrum2d(u, n, n), 1e-15, "shift invariance");
  assertClose(spectrum2d(transposed, n, n), spectrum2d(u, n, n), 1e-15, "transposition");
  const line = randomArray(64, 4);
  assertClose(spectrum2d(line, 1, 64), spectrum1d(line), 1e-16, "a 1×64 field");
});

Deno.test("spectrum2d validates its inputs", () => {
  assertThrowsType(() => spectrum2d(new Float64Array(12 * 8), 12, 8), RangeError, "ny");
  assertThrowsType(() => spectrum2d(new Float64Array(8 * 6), 8, 6), RangeError, "found 6");
  assertThrowsType(() => spectrum2d(new Float64Array(10), 4, 4), TypeError, "found 10");
});

Deno.test("spectrum2d and spectrum1d reuse scratch per shape without leaking between calls", () => {
  const a = Float32Array.from({ length: 16 * 32 }, (_, i) => Math.sin(i * 0.731));
  const b = Float64Array.from({ length: 8 * 8 }, (_, i) => Math.cos(i * 1.37) * 3);
  const u = Float32Array.from({ length: 64 }, (_, i) => Math.sin(i * 0.2) ** 3);
  const first = [spectrum2d(a, 16, 32), spectrum2d(b, 8, 8), spectrum1d(u)];
  // Interleave shapes; every result must be a fresh array with the same bits.
  const again = [spectrum1d(u), spectrum2d(b, 8, 8), spectrum2d(a, 16, 32)].reverse();
  for (let i = 0; i < 3; i++) {
    if (first[i] === again[i]) throw new Error("a result must not alias a workspace");
    if (first[i].some((v, k) => !Object.is(v, again[i][k]))) throw new Error(`result ${i} moved`);
  }
});

Deno.test("spectrum1dInto: spectrum1d's values in the caller's array (Parseval); a short one refused", () => {
  for (const n of [1, 2, 8, 1024]) {
    const u = Float32Array.from(randomArray(n, 90 + n));
    const out = new Float64Array((n >> 1) + 1).fill(-1);
    assert.equal(spectrum1dInto(u, out), out);
    assert.deepEqual([...out], [...spectrum1d(u)], `N=${n}`);
    assertClose(sum(out), halfMeanSquare(u), 1e-12 * halfMeanSquare(u), `Parseval, N=${n}`);
  }
  assertThrowsType(
    () => spectrum1dInto(new Float32Array(8), new Float64Array(4)),
    TypeError,
    "≥ 5",
  );
  assertThrowsType(() => spectrum1dInto(new Float32Array(6), new Float64Array(4)), RangeError);
});

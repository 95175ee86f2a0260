import { fourierSeriesIc } from "../common/ics.ts";
import { fft, irfftInto, wavenumber } from "../../metrics/fft.ts";
import { Rng } from "../../harness/core/rng.ts";
import {
  convectionShift,
  convectionTrajectories,
  convectionTrajectoriesInto,
  shiftRow,
} from "./solver.ts";
import { ShiftKernel, shiftSimdModule } from "./shift_simd.ts";
import { BETA, convection1d } from "./suite.ts";

function check(cond: boolean, msg: string): void {
  if (!cond) throw new Error(msg);
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

function energy(u: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < u.length; i++) s += u[i] * u[i];
  return (0.5 * s) / u.length;
}

const N = 1024;

Deno.test("a pure sine shifts exactly: sin 2πk(x − βt)", () => {
  for (const k of [1, 3, 17, 200, 511]) {
    const u0 = Array.from({ length: N }, (_, j) => Math.sin((2 * Math.PI * k * j) / N));
    for (const t of [0.01, 0.123456789, 0.5, 1.7, 13.37]) {
      const u = convectionShift(u0, t);
      // reduce k·t mod 1 before the sine so the analytic value is itself accurate
      const exact = Array.from({ length: N }, (_, j) => {
        const a = k * t - Math.round(k * t);
        return Math.sin(2 * Math.PI * ((k * j) / N - a));
      });
      const err = maxAbsDiff(u, exact);
      check(err < 1e-12, `k ${k}, t ${t}: max error ${err}`);
    }
  }
});

Deno.test("β and L enter as the shift βt/L", () => {
  const n = 256, L = 2, beta = -0.7, t = 0.9, k = 3;
  const u0 = Array.from({ length: n }, (_, j) => Math.cos((2 * Math.PI * k * j) / n));
  const u = convectionShift(u0, t, { beta, length: L });
  // x_j = jL/n; u = cos(2πk(x − βt)/L)
  const exact = Array.from(
    { length: n },
    (_, j) => Math.cos(2 * Math.PI * k * (j / n - (beta * t) / L)),
  );
  check(maxAbsDiff(u, exact) < 1e-13, `error ${maxAbsDiff(u, exact)}`);
});

Deno.test("one period (t = 1 at β = L = 1) returns the IC", () => {
  const u0 = fourierSeriesIc(N, 5, 3, 0);
  const err = maxAbsDiff(convectionShift(u0, 1), u0);
  check(err < 1e-14, `t = 1: max error ${err}`);
  // through the batch path: step 100 of Δt = 0.01, stored as float32
  const ics = Float32Array.from(u0);
  const traj = convectionTrajectories(ics, 1, N, 100, 0.01);
  for (let j = 0; j < N; j++) {
    const d = Math.abs(traj[100 * N + j] - ics[j]);
    check(
      d <= 2 ** -24 * Math.abs(ics[j]) + 1e-15,
      `point ${j}: ${traj[100 * N + j]} vs ${ics[j]}`,
    );
  }
});

Deno.test("a shift by whole grid cells is an exact rotation of any data", () => {
  const rng = new Rng(5), n = 64;
  const u0 = Array.from({ length: n }, () => rng.normal()); // not band-limited, Nyquist included
  for (const m of [1, 5, 32, 63]) {
    const u = convectionShift(u0, m / n);
    for (let j = 0; j < n; j++) {
      const e = u0[(j - m + n) % n];
      check(Math.abs(u[j] - e) < 1e-13, `m ${m}, j ${j}: ${u[j]} vs ${e}`);
    }
  }
});

Deno.test("energy ½⟨u²⟩ is conserved at every step", () => {
  const u0 = fourierSeriesIc(N, 5, 4, 1), e0 = energy(u0);
  for (const t of [0.01, 0.37, 1.5, 2]) {
    const e = energy(convectionShift(u0, t));
    check(Math.abs(e - e0) < 1e-14 * e0, `t ${t}: E ${e} vs ${e0}`);
  }
});

Deno.test("linearity and the semigroup property", () => {
  const u = fourierSeriesIc(N, 5, 6, 0), v = fourierSeriesIc(N, 5, 6, 1);
  const a = 0.3, b = -1.7, t = 0.4321;
  const w = u.map((x, j) => a * x + b * v[j]);
  const lhs = convectionShift(w, t);
  const su = convectionShift(u, t), sv = convectionShift(v, t);
  const rhs = su.map((x, j) => a * x + b * sv[j]);
  check(maxAbsDiff(lhs, rhs) < 1e-13, `linearity ${maxAbsDiff(lhs, rhs)}`);
  const twice = convectionShift(convectionShift(u, 0.25), 0.5);
  const once = convectionShift(u, 0.75);
  check(maxAbsDiff(twice, once) < 1e-13, `semigroup ${maxAbsDiff(twice, once)}`);
});

Deno.test("batch trajectories: layout, each IC its own exact shift, odd counts", () => {
  const n = 128, count = 3, steps = 5, dt = 0.01;
  const ics = new Float32Array(count * n);
  for (let i = 0; i < count; i++) ics.set(fourierSeriesIc(n, 5, 8, i), i * n);
  let calls = 0, last = 0;
  const traj = convectionTrajectories(ics, count, n, steps, dt, {}, (done, total) => {
    calls++;
    last = done;
    check(total === count * steps, "progress total");
  });
  check(traj.length === count * (steps + 1) * n, "shape");
  check(calls > 0 && last === count * steps, "progress reached total");
  for (let i = 0; i < count; i++) {
    const u0 = ics.subarray(i * n, (i + 1) * n);
    for (let m = 0; m <= steps; m++) {
      const exact = convectionShift(u0, m * dt);
      const got = traj.subarray((i * (steps + 1) + m) * n, (i * (steps + 1) + m + 1) * n);
      check(maxAbsDiff(got, exact) < 1e-7, `IC ${i} step ${m}: ${maxAbsDiff(got, exact)}`);
    }
  }
  let threw = false;
  try {
    convectionTrajectories(ics, 4, n, 1, dt);
  } catch (e) {
    threw = e instanceof TypeError;
  }
  check(threw, "wrong IC length accepted");
});

Deno.test("convectionTrajectories: calls with other arguments never reuse the last multiplier table", () => {
  const n = 32,
    u0 = Float32Array.from({ length: n }, (_, j) => Math.sin((2 * Math.PI * 3 * j) / n));
  // The same n and steps, other dt, β or L each time: every row must be the shift of its own t.
  for (
    const [dt, beta, length] of [[0.01, 1, 1], [0.02, 1, 1], [0.01, 2, 1], [0.01, 1, 2], [
      0.01,
      1,
      1,
    ]]
  ) {
    const traj = convectionTrajectories(u0, 1, n, 3, dt, { beta, length });
    for (let m = 1; m <= 3; m++) {
      const exact = convectionShift(u0, m * dt, { beta, length });
      for (let j = 0; j < n; j++) {
        if (Math.abs(traj[m * n + j] - exact[j]) > 1e-6) {
          throw new Error(`dt ${dt}, β ${beta}, L ${length}, step ${m}, x ${j}`);
        }
      }
    }
  }
});

/**
 * The suite 1.0.0 reference chain, verbatim: natural-order multiplier rows over all n bins, two
 * ICs per complex FFT of length n (`fft`, product, `fft(·, inverse)`, float32 copy).
 */
function complexTrajectories(
  ics: Float32Array,
  count: number,
  n: number,
  steps: number,
  dt: number,
  beta: number,
  length: number,
): Float32Array {
  const out = new Float32Array(count * (steps + 1) * n);
  const tr = new Float64Array(steps * n), ti = new Float64Array(steps * n);
  for (let m = 1; m <= steps; m++) {
    const s = (beta * m * dt) / length;
    for (let k = 0; k < n; k++) {
      let a = wavenumber(k, n) * s;
      a -= Math.round(a);
      const theta = -2 * Math.PI * a;
      tr[(m - 1) * n + k] = Math.cos(theta);
      ti[(m - 1) * n + k] = 2 * k === n ? 0 : Math.sin(theta);
    }
  }
  const zr = new Float64Array(n), zi = new Float64Array(n);
  const wr = new Float64Array(n), wi = new Float64Array(n);
  for (let i = 0; i < count; i += 2) {
    const b = i + 1 < count ? ics.subarray((i + 1) * n, (i + 2) * n) : undefined;
    const a = ics.subarray(i * n, (i + 1) * n);
    for (let j = 0; j < n; j++) {
      zr[j] = a[j];
      zi[j] = b ? b[j] : 0;
    }
    const rowA = i * (steps + 1) * n, rowB = rowA + (steps + 1) * n;
    out.set(a, rowA);
    if (b) out.set(b, rowB);
    fft(zr, zi);
    for (let m = 1; m <= steps; m++) {
      const o = (m - 1) * n;
      for (let k = 0; k < n; k++) {
        const mr = tr[o + k], mi = ti[o + k];
        wr[k] = zr[k] * mr - zi[k] * mi;
        wi[k] = zr[k] * mi + zi[k] * mr;
      }
      fft(wr, wi, true);
      out.set(wr, rowA + m * n);
      if (b) out.set(wi, rowB + m * n);
    }
  }
  return out;
}

/** Distance in float32 ulps (same sign assumed near a value; zeros of either sign are 0 apart). */
function ulps(a: number, b: number): number {
  if (a === b) return 0;
  const ia = new Int32Array(Float32Array.of(a).buffer)[0],
    ib = new Int32Array(Float32Array.of(b).buffer)[0];
  return Math.abs(ia - ib);
}

Deno.test("convectionTrajectories (1.1.0, real-input transforms) against the 1.0.0 complex chain", () => {
  // the suite's own ICs: every float32 value the same as 1.0.0's (its smoke tier, 40 steps)
  const n = 1024, smoke = convection1d.initialConditions(4, convection1d.seed);
  for (let i = 0; i < 4; i++) {
    const ic = smoke.subarray(i * n, (i + 1) * n);
    const got = convectionTrajectories(ic, 1, n, 40, 0.01, { beta: BETA, length: 1 });
    const want = complexTrajectories(ic, 1, n, 40, 0.01, BETA, 1);
    for (let k = 0; k < want.length; k++) {
      if (got[k] !== want[k]) throw new Error(`smoke IC ${i}: value ${k} ${got[k]} ≠ ${want[k]}`);
    }
  }
  // rough data (every bin), other sizes, batches, odd dt and L: within 1 float32 ulp
  const rng = new Rng(5, 0);
  for (const n of [1, 2, 4, 8, 32, 128, 2048]) {
    for (const count of [1, 2, 3]) {
      const ics = Float32Array.from({ length: count * n }, () => rng.normal());
      for (const [dt, beta, length] of [[0.01, 0.4, 1], [0.0123, 0.7, 1.3]]) {
        const got = convectionTrajectories(ics, count, n, 7, dt, { beta, length });
        const want = complexTrajectories(ics, count, n, 7, dt, beta, length);
        for (let k = 0; k < want.length; k++) {
          if (ulps(got[k], want[k]) > 1 && Math.abs(got[k] - want[k]) > 1e-6) {
            throw new Error(`n ${n}, count ${count}, dt ${dt}: value ${k} ${got[k]} ≠ ${want[k]}`);
          }
        }
      }
    }
  }
});

Deno.test("convectionTrajectories: an IC's trajectory does not depend on its batch", () => {
  const n = 256, rng = new Rng(9, 0);
  const ics = Float32Array.from({ length: 3 * n }, () => rng.normal());
  const batch = convectionTrajectories(ics, 3, n, 5, 0.01, { beta: BETA });
  for (let i = 0; i < 3; i++) {
    const alone = convectionTrajectories(ics.subarray(i * n, (i + 1) * n), 1, n, 5, 0.01, {
      beta: BETA,
    });
    const part = batch.subarray(i * 6 * n, (i + 1) * 6 * n);
    if (alone.some((v, k) => !Object.is(v, part[k]))) throw new Error(`IC ${i}`);
  }
});

Deno.test("shiftRow: bit for bit the product loop followed by irfftInto (random spectra, n = 2 … 4096)", () => {
  const rng = new Rng(17, 0);
  for (let n = 2; n <= 4096; n *= 2) {
    const h = n / 2 + 1, o = 3 * h; // the fourth row of a table
    const zr = Float64Array.from({ length: h }, () => rng.normal() * 10 ** (rng.normal() * 3));
    const zi = Float64Array.from({ length: h }, () => rng.normal());
    const tr = Float64Array.from({ length: 5 * h }, () => rng.normal());
    const ti = Float64Array.from({ length: 5 * h }, () => rng.normal());
    zi[0] = -0;
    const wr = new Float64Array(h), wi = new Float64Array(h);
    for (let k = 0; k < h; k++) {
      wr[k] = zr[k] * tr[o + k] - zi[k] * ti[o + k];
      wi[k] = zr[k] * ti[o + k] + zi[k] * tr[o + k];
    }
    const got = new Float32Array(n + 1), want = new Float32Array(n + 1);
    const scratch = () => [new Float64Array(n / 2), new Float64Array(n / 2)] as const;
    shiftRow(zr, zi, tr, ti, o, n, got, 1, ...scratch());
    irfftInto(wr, wi, 0, 1, n, want, 1, ...scratch());
    for (let j = 0; j <= n; j++) {
      if (!Object.is(got[j], want[j])) throw new Error(`n ${n}, x ${j}: ${got[j]} ≠ ${want[j]}`);
    }
  }
});

Deno.test("ShiftKernel (WebAssembly SIMD, two steps per instruction): bit for bit shiftRow, n = 16 … 4096", () => {
  check(WebAssembly.validate(shiftSimdModule(1024) as BufferSource), "the module validates");
  check(ShiftKernel.make(8, 4, new Float64Array(20), new Float64Array(20)) === null, "n < 16");
  check(ShiftKernel.make(16, 1, new Float64Array(9), new Float64Array(9)) === null, "one step");
  const rng = new Rng(23, 0);
  for (let n = 16; n <= 4096; n *= 2) {
    for (const steps of [2, 5]) {
      const h = n / 2 + 1;
      const zr = Float64Array.from({ length: h }, () => rng.normal() * 10 ** (rng.normal() * 3));
      const zi = Float64Array.from({ length: h }, () => rng.normal());
      const tr = Float64Array.from({ length: steps * h }, () => rng.normal());
      const ti = Float64Array.from({ length: steps * h }, () => rng.normal());
      zi[0] = -0;
      const k = ShiftKernel.make(n, steps, tr, ti);
      check(k !== null && k.pairs === steps >> 1, `a kernel under Deno, n ${n}`);
      const got = new Float32Array(1 + steps * n), want = new Float32Array(1 + steps * n);
      const scratch = () => [new Float64Array(n / 2), new Float64Array(n / 2)] as const;
      for (let m = 1; m <= 2 * k!.pairs; m++) {
        shiftRow(zr, zi, tr, ti, (m - 1) * h, n, want, 1 + (m - 1) * n, ...scratch());
      }
      for (let rep = 0; rep < 2; rep++) {
        k!.rowsInto(zr, zi, got, 1);
        for (let j = 0; j < got.length; j++) {
          if (!Object.is(got[j], want[j])) throw new Error(`n ${n}, ${j}: ${got[j]} ≠ ${want[j]}`);
        }
      }
    }
  }
  // through the trajectories (odd step counts end with one TypeScript row), against simd false
  for (const [n, steps] of [[16, 7], [1024, 200], [64, 1], [2, 3]]) {
    const count = 3, ics = Float32Array.from({ length: count * n }, () => rng.normal());
    const a = new Float32Array(count * (steps + 1) * n), b = a.slice();
    let calls = 0, last = 0;
    const progress = (done: number) => {
      calls++;
      check(done === last + 1, "progress in steps of one");
      last = done;
    };
    convectionTrajectoriesInto(a, ics, count, n, steps, 0.01, { beta: BETA }, progress);
    check(calls === count * steps, "progress once per IC-step");
    convectionTrajectoriesInto(b, ics, count, n, steps, 0.01, { beta: BETA }, undefined, false);
    check(a.every((v, j) => Object.is(v, b[j])), `trajectories n ${n}, ${steps} steps`);
  }
});

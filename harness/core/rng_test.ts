import { fmix32, Rng, seedState } from "./rng.ts";

function check(cond: boolean, msg: string): void {
  if (!cond) throw new Error(msg);
}

const M32 = (1n << 32n) - 1n;

/** xoshiro128** written from its definition with BigInt arithmetic mod 2³² (independent code). */
function* xoshiroReference(state: number[]): Generator<number> {
  const s = state.map((v) => BigInt(v) & M32);
  const rotl = (x: bigint, k: bigint) => ((x << k) | (x >> (32n - k))) & M32;
  while (true) {
    const result = (rotl((s[1] * 5n) & M32, 7n) * 9n) & M32;
    const t = (s[1] << 9n) & M32;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11n);
    yield Number(result);
  }
}

/** murmur3 fmix32 from its definition with BigInt arithmetic. */
function fmixReference(h: number): number {
  let x = BigInt(h >>> 0);
  x ^= x >> 16n;
  x = (x * 0x85ebca6bn) & M32;
  x ^= x >> 13n;
  x = (x * 0xc2b2ae35n) & M32;
  x ^= x >> 16n;
  return Number(x);
}

Deno.test("xoshiro128** matches a BigInt implementation of its definition", () => {
  for (const state of [[1, 2, 3, 4], [0xffffffff, 0, 0x80000000, 12345], [...seedState(7, 3)]]) {
    const fast = Rng.fromState(state), ref = xoshiroReference(state);
    for (let i = 0; i < 2000; i++) {
      const a = fast.nextUint32(), b = ref.next().value as number;
      check(a === b, `state ${state} output ${i}: ${a} !== ${b}`);
    }
  }
  check(Rng.fromState([1, 2, 3, 4]).nextUint32() === 11520, "rotl(10, 7) * 9 = 11520");
});

Deno.test("fmix32 matches its BigInt definition and is a bijection on a sample", () => {
  const seen = new Set<number>();
  for (let i = 0; i < 5000; i++) {
    const h = (i * 2654435761) >>> 0;
    check(fmix32(h) === fmixReference(h), `fmix32(${h})`);
    seen.add(fmix32(i));
  }
  check(seen.size === 5000, "fmix32 collided on 0..4999");
});

Deno.test("same (seed, stream) gives identical draws; different keys differ", () => {
  const a = new Rng(20261123, 5), b = new Rng(20261123, 5);
  for (let i = 0; i < 1000; i++) check(a.normal() === b.normal(), `draw ${i}`);
  const first = (seed: number, stream: number) => new Rng(seed, stream).nextUint32();
  const keys = [[0, 0], [0, 1], [1, 0], [1, 1], [2 ** 32, 0], [0, 2 ** 32], [2 ** 53 - 1, 9]];
  const outs = new Set(keys.map(([s, t]) => first(s, t)));
  check(outs.size === keys.length, "distinct keys gave equal first outputs");
});

Deno.test("bad seeds are refused with RangeError", () => {
  for (const bad of [-1, 0.5, NaN, Infinity, 2 ** 53]) {
    let threw = false;
    try {
      new Rng(bad);
    } catch (e) {
      threw = e instanceof RangeError && e.message.startsWith("Cannot seed Rng");
    }
    check(threw, `seed ${bad} accepted`);
  }
});

Deno.test("uniform(): range, mean 1/2, variance 1/12, flat histogram", () => {
  const r = new Rng(1), n = 200_000, bins = new Float64Array(16);
  let s1 = 0, s2 = 0;
  for (let i = 0; i < n; i++) {
    const u = r.uniform();
    check(u >= 0 && u < 1, `uniform out of range: ${u}`);
    check(Number.isInteger(u * 2 ** 53), "uniform not on the 2^-53 grid");
    s1 += u;
    s2 += u * u;
    bins[Math.floor(u * 16)]++;
  }
  const mean = s1 / n, variance = s2 / n - mean * mean;
  // standard errors: √(1/12n) ≈ 6.5e-4 for the mean, √(1/180n) ≈ 1.7e-4 for the variance
  check(Math.abs(mean - 0.5) < 5 * Math.sqrt(1 / (12 * n)), `mean ${mean}`);
  check(Math.abs(variance - 1 / 12) < 5 * Math.sqrt(1 / (180 * n)), `variance ${variance}`);
  // χ² with 15 degrees of freedom: mean 15, sd √30; 5 sd ≈ 42
  const e = n / 16;
  const chi2 = bins.reduce((acc, b) => acc + (b - e) ** 2 / e, 0);
  check(chi2 < 15 + 5 * Math.sqrt(30), `chi2 ${chi2}`);
});

Deno.test("normal(): mean 0, variance 1, skewness 0, kurtosis 3", () => {
  const r = new Rng(2), n = 200_000;
  let m1 = 0, m2 = 0, m3 = 0, m4 = 0;
  for (let i = 0; i < n; i++) {
    const z = r.normal();
    check(Number.isFinite(z), "normal not finite");
    m1 += z;
    m2 += z * z;
    m3 += z * z * z;
    m4 += z * z * z * z;
  }
  m1 /= n;
  m2 /= n;
  m3 /= n;
  m4 /= n;
  // standard errors for N(0, 1): mean 1/√n, variance √(2/n), third moment √(15/n), fourth √(96/n)
  check(Math.abs(m1) < 5 / Math.sqrt(n), `mean ${m1}`);
  check(Math.abs(m2 - 1) < 5 * Math.sqrt(2 / n), `variance ${m2}`);
  check(Math.abs(m3) < 5 * Math.sqrt(15 / n), `third moment ${m3}`);
  check(Math.abs(m4 - 3) < 5 * Math.sqrt(96 / n), `fourth moment ${m4}`);
});

import assert from "node:assert/strict";
import { wilson } from "./intervals.ts";

Deno.test("wilson matches Newcombe (1998, Stat. Med. 17:857, Table I, method 3) to 4 decimals", () => {
  // k, n, published lower, published upper (95%, z = 1.96)
  const cases: [number, number, number, number][] = [
    [81, 263, 0.2553, 0.3662],
    [15, 148, 0.0624, 0.1605],
    [0, 20, 0, 0.1611],
    [1, 29, 0.0061, 0.1718],
  ];
  for (const [k, n, lo, hi] of cases) {
    const w = wilson(k, n);
    assert.ok(Math.abs(w.lower - lo) < 5e-5, `${k}/${n}: lower ${w.lower} vs ${lo}`);
    assert.ok(Math.abs(w.upper - hi) < 5e-5, `${k}/${n}: upper ${w.upper} vs ${hi}`);
    assert.equal(w.estimate, k / n);
  }
});

Deno.test("wilson: closed forms at k = 0 and k = n, mirror symmetry, containment", () => {
  // k = 0: upper = z²/(n + z²) exactly; lower = 0.
  for (const n of [1, 4, 10, 32]) {
    const z = 1.96, w = wilson(0, n, z);
    assert.equal(w.lower, 0);
    assert.ok(Math.abs(w.upper - (z * z) / (n + z * z)) < 1e-15, `n = ${n}`);
    assert.equal(wilson(n, n).upper, 1);
  }
  for (const n of [1, 7, 32, 1000]) {
    for (let k = 0; k <= n; k += Math.max(1, Math.floor(n / 7))) {
      const a = wilson(k, n), b = wilson(n - k, n);
      assert.ok(Math.abs(a.lower - (1 - b.upper)) < 1e-12, `mirror ${k}/${n}`);
      assert.ok(a.lower <= a.estimate && a.estimate <= a.upper, `contains ${k}/${n}`);
      assert.ok(a.lower >= 0 && a.upper <= 1);
    }
  }
});

Deno.test("wilson: wider for larger z, narrower for larger n", () => {
  const a = wilson(8, 16, 1.0), b = wilson(8, 16, 2.576);
  assert.ok(b.upper - b.lower > a.upper - a.lower);
  const c = wilson(80, 160);
  assert.ok(c.upper - c.lower < wilson(8, 16).upper - wilson(8, 16).lower);
});

Deno.test("wilson refuses bad counts with RangeError naming the value", () => {
  assert.throws(() => wilson(1, 0), RangeError);
  assert.throws(() => wilson(5, 4), /\[0, 4\].*found 5/);
  assert.throws(() => wilson(-1, 4), RangeError);
  assert.throws(() => wilson(1.5, 4), RangeError);
  assert.throws(() => wilson(1, 4, 0), /z > 0/);
  assert.throws(() => wilson(1, 4, NaN), RangeError);
});

import assert from "node:assert/strict";
import {
  advance,
  baseState,
  branchState,
  cachedBaseState,
  fnv1a,
  HW_SPINUP,
  type HWSpinupRecipe,
  noiseState,
  upsampleState,
} from "./spinup.ts";
import { HasegawaWakatani, type HWState } from "./solver.ts";

/** A tiny recipe (16² fine, 8² coarse) with the suite's structure, for fast tests. */
const TINY: HWSpinupRecipe = {
  ...HW_SPINUP,
  fineN: 16,
  coarseN: 8,
  coarseTime: 0.5,
  fineTime: 0.5,
  branchTime: 0.5,
};
const PHYS = { nu: 1e-3, modified: false } as const;

function same(a: HWState, b: HWState): boolean {
  return (["nRe", "nIm", "omegaRe", "omegaIm"] as const).every((k) =>
    a[k].every((v, i) => v === b[k][i])
  );
}

Deno.test("spinup: padding onto a finer grid keeps the physical fields", () => {
  const a = new HasegawaWakatani({ n: 16, k0: 0.15 }),
    b = new HasegawaWakatani({ n: 64, k0: 0.15 });
  const s = a.randomState(9, 1);
  const u = upsampleState(a, s, b);
  const pa = a.toPhysical(s), pb = b.toPhysical(u);
  // grid point (j, i) of 16² is (4j, 4i) of 64²
  let err = 0;
  for (let j = 0; j < 16; j++) {
    for (let i = 0; i < 16; i++) {
      err = Math.max(
        err,
        Math.abs(pa.density[j * 16 + i] - pb.density[4 * j * 64 + 4 * i]),
        Math.abs(pa.phi[j * 16 + i] - pb.phi[4 * j * 64 + 4 * i]),
      );
    }
  }
  assert.ok(err < 1e-12, `max error ${err}`);
  assert.throws(() => upsampleState(b, u, a), /finer grid/);
});

Deno.test("spinup: IC i depends only on (seed, i); branches differ; noise is seeded", () => {
  const hw = new HasegawaWakatani({ ...PHYS, n: 16 });
  const base = baseState(PHYS, TINY, 3);
  assert.ok(same(base, baseState(PHYS, TINY, 3)), "deterministic base");
  assert.ok(!same(base, baseState(PHYS, TINY, 4)), "seed matters");
  const b0 = branchState(hw, base, TINY, 3, 0), b1 = branchState(hw, base, TINY, 3, 1);
  assert.ok(same(b0, branchState(hw, base, TINY, 3, 0)));
  assert.ok(!same(b0, b1));
  assert.ok(same(noiseState(hw, 1, 4, 0.1), noiseState(hw, 1, 4, 0.1)));
  assert.throws(() => branchState(hw, base, TINY, 3, -1), /index ≥ 0/);
  assert.throws(() => advance(hw, b0, 0.07, 0.05), /multiple of h/);
});

Deno.test("spinup: the base-state cache round-trips and rejects a corrupt file", () => {
  const dir = Deno.makeTempDirSync({ prefix: "hw-spinup-" });
  try {
    const logs: string[] = [];
    const a = cachedBaseState(PHYS, TINY, 2, dir, "k1", (m) => logs.push(m));
    const files = [...Deno.readDirSync(dir)].map((e) => e.name).sort();
    assert.deepEqual(files, ["base-seed2-k1.f64", "base-seed2-k1.f64.json"]);
    const b = cachedBaseState(PHYS, TINY, 2, dir, "k1", (m) => logs.push(m));
    assert.ok(same(a, b) && same(a, baseState(PHYS, TINY, 2)));
    // flip one byte: checksum mismatch → recomputed (same values) and logged
    const path = `${dir}/base-seed2-k1.f64`, bytes = Deno.readFileSync(path);
    bytes[100] ^= 0xff;
    Deno.writeFileSync(path, bytes);
    const c = cachedBaseState(PHYS, TINY, 2, dir, "k1", (m) => logs.push(m));
    assert.ok(same(a, c));
    assert.ok(logs.some((m) => m.includes("corrupt")), logs.join("; "));
    assert.notEqual(fnv1a(bytes), fnv1a(Deno.readFileSync(path)));
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("spinup: advance keeps the state real (no anti-Hermitian round-off growth)", () => {
  // The linear drift-wave instability also amplifies an anti-Hermitian part (an imaginary part
  // of the fields), which the nonlinearity does not saturate; advance projects it out each step.
  const hw = new HasegawaWakatani({ ...PHYS, n: 16 });
  const s = hw.randomState(2, 1);
  s.nIm[1] += 1e-3; // anti-Hermitian perturbation: n̂(k) no longer conj n̂(−k)
  advance(hw, s, 0.5, 0.05);
  for (let q = 0; q < 16; q++) {
    for (let p = 0; p < 16; p++) {
      const k = q * 16 + p, m = ((16 - q) % 16) * 16 + ((16 - p) % 16);
      assert.ok(Math.abs(s.nRe[k] - s.nRe[m]) < 1e-14 && Math.abs(s.nIm[k] + s.nIm[m]) < 1e-14);
      assert.ok(Math.abs(s.omegaRe[k] - s.omegaRe[m]) < 1e-14);
    }
  }
});

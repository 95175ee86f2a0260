import assert from "node:assert/strict";
import { loadDataset } from "./dataset.ts";
import { FormatError, ShapeError, ValueRangeError } from "../core/errors.ts";
import { h5wasm } from "./hdf5.ts";
import { writeNpy } from "./npy.ts";
import type { Suite } from "../../suites/common/types.ts";
import { getSuite } from "../../suites/mod.ts";
import { loadOrGenerateReference } from "./reference_cache.ts";
import { evaluate } from "../tasks/run.ts";

/** The parts of a suite loadDataset reads. */
function fakeSuite(n: number, fields: string[], dt = 0.01): Suite {
  return {
    id: "toy",
    grid: { kind: "periodic1d", n, length: 1 },
    fields,
    dt,
  } as unknown as Suite;
}

/** The parts of a 2D suite loadDataset reads: an `ny × nx` periodic grid. */
function fakeSuite2d(ny: number, nx: number, fields: string[], dt = 0.01): Suite {
  return {
    id: "toy2d",
    grid: { kind: "grid2d", ny, nx, ly: 1, lx: 1, boundary: "periodic" },
    fields,
    dt,
  } as unknown as Suite;
}

/** value(n, t, c, y, x) = 10000 n + 1000 t + 100 c + 10 y + x, laid out [N, T, C, H, W]. */
function ntchw(N: number, T: number, C: number, H: number, W: number): Float32Array {
  const a = new Float32Array(N * T * C * H * W);
  for (let i = 0; i < a.length; i++) {
    const [n, t, c, y, x] = [
      Math.floor(i / (T * C * H * W)),
      Math.floor(i / (C * H * W)) % T,
      Math.floor(i / (H * W)) % C,
      Math.floor(i / W) % H,
      i % W,
    ];
    a[i] = 10000 * n + 1000 * t + 100 * c + 10 * y + x;
  }
  return a;
}

/** `[N, T, C, H, W]` → `[N, T, H, W, C]` (PDEBench channels last). */
function channelsLast(a: Float32Array, N: number, T: number, C: number, H: number, W: number) {
  const out = new Float32Array(a.length);
  for (let s = 0; s < N * T; s++) {
    for (let c = 0; c < C; c++) {
      for (let p = 0; p < H * W; p++) out[(s * H * W + p) * C + c] = a[(s * C + c) * H * W + p];
    }
  }
  return out;
}

/** value(n, t, c, x) = 1000 n + 100 t + 10 c + x, laid out [N, T, C, X]. */
function ntcx(N: number, T: number, C: number, X: number): Float32Array {
  const a = new Float32Array(N * T * C * X);
  for (let i = 0; i < a.length; i++) {
    const [n, t, c, x] = [
      Math.floor(i / (T * C * X)),
      Math.floor(i / (C * X)) % T,
      Math.floor(i / X) % C,
      i % X,
    ];
    a[i] = 1000 * n + 100 * t + 10 * c + x;
  }
  return a;
}

async function writeH5(path: string, datasets: Record<string, [Float32Array, number[]]>) {
  const h5 = await h5wasm();
  const f = new h5.File(path, "w");
  for (const [name, [data, shape]] of Object.entries(datasets)) {
    f.create_dataset({ name, data, shape });
  }
  f.close();
}

async function rejectsWith(
  p: Promise<unknown>,
  cls: typeof FormatError | typeof ShapeError | typeof ValueRangeError,
  fragments: string[],
): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof cls, `expected ${cls.name}, got ${e}`);
    const m = (e as Error).message;
    for (const f of fragments) assert.ok(m.includes(f), `"${f}" missing in: ${m}`);
    return true;
  });
}

Deno.test("dataset", async (t) => {
  const dir = await Deno.makeTempDir();
  const one = fakeSuite(8, ["u"]);
  try {
    await t.step(".npy [N, T, X] for a one-field suite: IC = entry 0, steps = T − 1", async () => {
      const path = `${dir}/nx.npy`;
      await writeNpy(path, ntcx(3, 4, 1, 8), [3, 4, 8]);
      const d = await loadDataset(path, one);
      assert.equal(d.count, 3);
      assert.equal(d.steps, 3);
      assert.equal(d.source, path);
      assert.deepEqual([...d.reference], [...ntcx(3, 4, 1, 8)]);
      assert.equal(d.ics.length, 3 * 8);
      assert.equal(d.ics[2 * 8 + 5], 2005); // ic 2, step 0, x 5
      const cut = await loadDataset(path, one, { ics: 2, steps: 1 });
      assert.equal(cut.count, 2);
      assert.equal(cut.steps, 1);
      assert.equal(cut.reference.length, 2 * 2 * 8);
      assert.equal(cut.reference[(1 * 2 + 1) * 8 + 3], 1103); // ic 1, step 1, x 3
    });

    await t.step(".npy [N, T, C, X] for a two-field suite", async () => {
      const path = `${dir}/ncx.npy`;
      await writeNpy(path, ntcx(2, 3, 2, 8), [2, 3, 2, 8]);
      const d = await loadDataset(path, fakeSuite(8, ["h", "v"]), { steps: 2 });
      assert.deepEqual([...d.reference], [...ntcx(2, 3, 2, 8)]);
      assert.deepEqual([...d.ics.subarray(16, 32)], [...ntcx(2, 3, 2, 8).subarray(48, 64)]);
      // A rank-3 array cannot stand for a multi-field suite.
      await writeNpy(`${dir}/r3.npy`, ntcx(2, 3, 1, 8), [2, 3, 8]);
      await rejectsWith(loadDataset(`${dir}/r3.npy`, fakeSuite(8, ["h", "v"])), ShapeError, [
        `${dir}/r3.npy: tensor`,
        "expected [N, T, 2, 8]",
        "found [2, 3, 8] (rank 3)",
      ]);
    });

    await t.step("PDEBench HDF5: tensor [N, T, X] with t-coordinate (T + 1 entries)", async () => {
      const path = `${dir}/pdebench.hdf5`;
      await writeH5(path, {
        "tensor": [ntcx(2, 5, 1, 8), [2, 5, 8]],
        "t-coordinate": [new Float32Array(6).map((_, i) => 0.01 * i), [6]],
        "x-coordinate": [new Float32Array(8).map((_, i) => (i + 0.5) / 8), [8]],
      });
      const d = await loadDataset(path, one, { ics: 1, steps: 3 });
      assert.equal(d.count, 1);
      assert.equal(d.steps, 3);
      assert.deepEqual([...d.reference], [...ntcx(1, 4, 1, 8)]);
      // Channels-last [N, T, X, C] with C = 1 also reads.
      const last = `${dir}/last.h5`;
      await writeH5(last, { tensor: [ntcx(2, 5, 1, 8), [2, 5, 8, 1]] });
      assert.deepEqual([...(await loadDataset(last, one)).reference], [...ntcx(2, 5, 1, 8)]);
      // A NetCDF variable named after the suite's only field stands in for `tensor`.
      const nc = `${dir}/u.nc`;
      await writeH5(nc, { u: [ntcx(1, 3, 1, 8), [1, 3, 8]] });
      assert.equal((await loadDataset(nc, one)).steps, 2);
    });

    await t.step("time or grid spacing that does not match the suite is refused", async () => {
      const path = `${dir}/dt.h5`;
      await writeH5(path, {
        "tensor": [ntcx(1, 5, 1, 8), [1, 5, 8]],
        "t-coordinate": [new Float32Array([0, 0.01, 0.02, 0.04, 0.06, 0.08]), [6]],
      });
      // The first two steps are 0.01 apart: fine when only they are used.
      assert.equal((await loadDataset(path, one, { steps: 2 })).steps, 2);
      await rejectsWith(loadDataset(path, one), ValueRangeError, [
        `${path}: t-coordinate`,
        "expected spacing 0.01 (suite toy Δt)",
        "found t-coordinate[3] − t-coordinate[2] = 0.0",
      ]);
      const xs = `${dir}/dx.h5`;
      await writeH5(xs, {
        "tensor": [ntcx(1, 3, 1, 8), [1, 3, 8]],
        "x-coordinate": [new Float32Array(8).map((_, i) => i / 4), [8]], // domain [0, 2)
      });
      await rejectsWith(loadDataset(xs, one), ValueRangeError, [
        `${xs}: x-coordinate`,
        "expected spacing 0.125",
        "found x-coordinate[1] − x-coordinate[0] = 0.25",
      ]);
    });

    await t.step(
      "wrong grid size or field count is a ShapeError naming file and tensor",
      async () => {
        const suite = fakeSuite(1024, ["u"]);
        const npy = `${dir}/x512.npy`;
        await writeNpy(npy, new Float32Array(2 * 3 * 512), [2, 3, 512]);
        await rejectsWith(loadDataset(npy, suite), ShapeError, [
          `${npy}: tensor`,
          "expected [N, T, 1, 1024]",
          "found [2, 3, 512]",
        ]);
        const h5 = `${dir}/x512.h5`;
        await writeH5(h5, { tensor: [new Float32Array(2 * 3 * 512), [2, 3, 512]] });
        await rejectsWith(loadDataset(h5, suite), ShapeError, [
          `${h5}: tensor`,
          "expected [N, T, 1, 1024]",
          "found [2, 3, 512] (read as [N, T, X])",
        ]);
        const c2 = `${dir}/c2.npy`;
        await writeNpy(c2, new Float32Array(2 * 3 * 2 * 8), [2, 3, 2, 8]);
        await rejectsWith(loadDataset(c2, one), ShapeError, [
          `${c2}: tensor`,
          "expected [N, T, 1, 8]",
          "found [2, 3, 2, 8]",
          "1 field(s) (u)",
        ]);
        const flat = `${dir}/flat.npy`;
        await writeNpy(flat, new Float32Array(16), [2, 8]);
        await rejectsWith(loadDataset(flat, one), ShapeError, [
          "expected [N, T, 1, 8] or [N, T, 8]",
          "found [2, 8] (rank 2)",
        ]);
      },
    );

    await t.step("T < 2 or N < 1 is a ShapeError", async () => {
      const t1 = `${dir}/t1.npy`;
      await writeNpy(t1, new Float32Array(2 * 8), [2, 1, 8]);
      await rejectsWith(loadDataset(t1, one), ShapeError, [
        `${t1}: tensor`,
        "expected [N ≥ 1, T ≥ 2, 1, 8]",
        "found [2, 1, 8]",
      ]);
      const n0 = `${dir}/n0.npy`;
      await writeNpy(n0, new Float32Array(0), [0, 3, 1, 8]);
      await rejectsWith(loadDataset(n0, one), ShapeError, [`${n0}: tensor`, "found [0, 3, 1, 8]"]);
    });

    await t.step("ics / steps beyond the file are RangeErrors", async () => {
      const path = `${dir}/small.npy`;
      await writeNpy(path, new Float32Array(2 * 4 * 8), [2, 4, 8]);
      for (
        const [opts, field, expected, found] of [
          [{ ics: 3 }, "ics", "expected at most 2 (trajectories in the file)", "found 3"],
          [{ steps: 4 }, "steps", "expected at most 3 (the file has 4 time entries", "found 4"],
          [{ ics: 0 }, "ics", "expected a positive integer", "found 0"],
          [{ steps: 1.5 }, "steps", "expected a positive integer", "found 1.5"],
        ] as const
      ) {
        await rejectsWith(loadDataset(path, one, opts), ValueRangeError, [
          `${path}: ${field}`,
          expected,
          found,
        ]);
        await assert.rejects(loadDataset(path, one, opts), RangeError);
      }
      const h5 = `${dir}/small.h5`;
      await writeH5(h5, { tensor: [new Float32Array(2 * 4 * 8), [2, 4, 8]] });
      await rejectsWith(loadDataset(h5, one, { ics: 5, steps: 9 }), ValueRangeError, [
        `${h5}: ics`,
        "expected at most 2",
      ]);
    });

    await t.step("NaN / Inf in the used part names the first bad IC and step", async () => {
      const data = ntcx(3, 4, 1, 8);
      data[(1 * 4 + 2) * 8 + 6] = NaN; // ic 1, step 2, x 6
      data[(2 * 4 + 1) * 8 + 0] = -Infinity; // ic 2, step 1, x 0
      const path = `${dir}/nan.npy`;
      await writeNpy(path, data, [3, 4, 8]);
      await rejectsWith(loadDataset(path, one), ValueRangeError, [
        `${path}: tensor`,
        "expected finite values",
        "found NaN at ic 1, step 2 (field u, x index 6)",
      ]);
      await rejectsWith(loadDataset(path, one, { steps: 1 }), ValueRangeError, [
        "found -Infinity at ic 2, step 1 (field u, x index 0)",
      ]);
      // Bad values outside the requested ICs/steps are not looked at.
      assert.equal((await loadDataset(path, one, { ics: 1 })).count, 1);
    });

    await t.step("2D .npy: [N, T, C, H, W], and [N, T, H, W] for one field", async () => {
      const sw = fakeSuite2d(2, 4, ["h", "u", "v"]);
      const path = `${dir}/sw.npy`;
      await writeNpy(path, ntchw(2, 3, 3, 2, 4), [2, 3, 3, 2, 4]);
      const d = await loadDataset(path, sw, { steps: 1 });
      assert.equal(d.count, 2);
      assert.equal(d.steps, 1);
      assert.deepEqual([...d.reference], [
        ...ntchw(2, 3, 3, 2, 4).subarray(0, 2 * 24), // IC 0, steps 0..1
        ...ntchw(2, 3, 3, 2, 4).subarray(3 * 24, 5 * 24), // IC 1, steps 0..1
      ]);
      assert.deepEqual([...d.ics.subarray(24)], [...ntchw(2, 3, 3, 2, 4).subarray(72, 96)]);
      const one = fakeSuite2d(2, 4, ["w"]);
      await writeNpy(`${dir}/w.npy`, ntchw(2, 3, 1, 2, 4), [2, 3, 2, 4]);
      assert.deepEqual(
        [...(await loadDataset(`${dir}/w.npy`, one)).reference],
        [...ntchw(2, 3, 1, 2, 4)],
      );
      // A grid of the right size but the wrong shape, a flat grid, and [N, T, H, W] for 3 fields.
      for (
        const [shape, found] of [
          [[2, 3, 3, 4, 2], "found [2, 3, 3, 4, 2]"],
          [[2, 3, 3, 8], "found [2, 3, 3, 8] (rank 4)"],
          [[2, 3, 2, 4], "found [2, 3, 2, 4] (rank 4)"],
        ] as const
      ) {
        const bad = `${dir}/bad-${shape.join("x")}.npy`;
        await writeNpy(bad, new Float32Array(shape.reduce((a, b) => a * b, 1)), [...shape]);
        await rejectsWith(loadDataset(bad, sw), ShapeError, [
          `${bad}: tensor`,
          "expected [N, T, 3, 2, 4]",
          found,
        ]);
      }
      await rejectsWith(loadDataset(`${dir}/bad-2x3x3x4x2.npy`, sw), ShapeError, [
        "3 field(s) (h, u, v) on a 2 × 4 grid",
      ]);
      await rejectsWith(loadDataset(`${dir}/w.npy`, fakeSuite2d(4, 2, ["w"])), ShapeError, [
        "expected [N, T, 1, 4, 2]",
        "found [2, 3, 2, 4]",
      ]);
      const nan = ntchw(1, 2, 3, 2, 4);
      nan[(1 * 3 + 2) * 8 + 1 * 4 + 3] = NaN; // step 1, field v, y 1, x 3
      await writeNpy(`${dir}/nan2d.npy`, nan, [1, 2, 3, 2, 4]);
      await rejectsWith(loadDataset(`${dir}/nan2d.npy`, sw), ValueRangeError, [
        "found NaN at ic 0, step 1 (field v, grid index [1, 3])",
      ]);
    });

    await t.step(
      "2D HDF5: PDEBench [N, T, H, W, C] channels last, or [N, T, C, H, W]",
      async () => {
        const sw = fakeSuite2d(2, 4, ["h", "u", "v"]);
        const want = ntchw(2, 3, 3, 2, 4);
        const last = `${dir}/sw-last.h5`;
        await writeH5(last, { tensor: [channelsLast(want, 2, 3, 3, 2, 4), [2, 3, 2, 4, 3]] });
        assert.deepEqual([...(await loadDataset(last, sw)).reference], [...want]);
        const first = `${dir}/sw-first.h5`;
        await writeH5(first, { tensor: [want, [2, 3, 3, 2, 4]] });
        const cut = await loadDataset(first, sw, { ics: 1, steps: 1 });
        assert.deepEqual([...cut.reference], [...want.subarray(0, 2 * 24)]);
        // PDEBench 2D shallow water: one field, [N, T, H, W, 1]; also [N, T, H, W].
        const one = fakeSuite2d(2, 4, ["h"]);
        const h = ntchw(2, 3, 1, 2, 4);
        for (const shape of [[2, 3, 2, 4, 1], [2, 3, 2, 4]]) {
          const path = `${dir}/h-${shape.length}.h5`;
          await writeH5(path, { tensor: [h, shape] });
          assert.deepEqual([...(await loadDataset(path, one)).reference], [...h]);
        }
        // A transposed grid and a 1D layout are refused, naming the layout read.
        const wrong = `${dir}/sw-wrong.h5`;
        await writeH5(wrong, { tensor: [want, [2, 3, 4, 2, 3]] });
        await rejectsWith(loadDataset(wrong, sw), ShapeError, [
          `${wrong}: tensor`,
          "expected [N, T, 3, 2, 4]",
          "found [2, 3, 4, 2, 3] (read as [N, T, H, W, C])",
        ]);
        const flat = `${dir}/sw-flat.h5`;
        await writeH5(flat, { tensor: [new Float32Array(2 * 3 * 8), [2, 3, 8]] });
        await rejectsWith(loadDataset(flat, one), ShapeError, [
          `${flat}: tensor`,
          "expected rank 4 [N, T, H, W] or rank 5 [N, T, H, W, C] / [N, T, C, H, W]",
          "found [2, 3, 8] (rank 3)",
        ]);
      },
    );

    await t.step("an unknown extension is a FormatError; a missing file is NotFound", async () => {
      const path = `${dir}/data.csv`;
      await Deno.writeTextFile(path, "1,2,3\n");
      await rejectsWith(loadDataset(path, one), FormatError, [
        `${path}: extension`,
        "expected .npy, .h5, .hdf5, .hdf, .nc, .nc4",
        "found .csv",
      ]);
      await assert.rejects(loadDataset(`${dir}/none.npy`, one), Deno.errors.NotFound);
      await assert.rejects(loadDataset(`${dir}/none.h5`, one), Deno.errors.NotFound);
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("--data end to end: shallow_water2d persistence on 2 ICs × 3 steps of .npy", async () => {
  const suite = getSuite("shallow_water2d");
  const { ics, steps } = suite.tiers.smoke!;
  const smoke = await loadOrGenerateReference(suite, { seed: suite.seed, ics, steps }, {
    cacheDir: ".cache/emubench",
    log: () => {},
  });
  const frame = suite.fields.length * 128 * 128, T = 3;
  const data = new Float32Array(2 * (T + 1) * frame);
  for (let n = 0; n < 2; n++) {
    const at = n * (steps + 1) * frame;
    data.set(smoke.reference.subarray(at, at + (T + 1) * frame), n * (T + 1) * frame);
  }
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/sw.npy`;
    await writeNpy(path, data, [2, T + 1, suite.fields.length, 128, 128]);
    const { result } = await evaluate({
      suite: "shallow_water2d",
      model: "baseline:persistence",
      backend: "wasm",
      data: path,
    });
    assert.equal(result.config.ics, 2);
    assert.equal(result.config.steps, T);
    assert.equal(result.suite.tier, "data");
    // Persistence predicts the IC, so mse(field c, step 1) = mean over ICs of ⟨(y₁ − y₀)²⟩.
    suite.fields.forEach((field, c) => {
      let expected = 0;
      for (let n = 0; n < 2; n++) {
        const y0 = (n * (T + 1) * frame) + c * 128 * 128, y1 = y0 + frame;
        let s = 0;
        for (let i = 0; i < 128 * 128; i++) s += (data[y1 + i] - data[y0 + i]) ** 2;
        expected += s / (128 * 128) / 2;
      }
      const row = result.rows.find((r) =>
        r.metric === "mse" && r.field === field && r.step === 1 && r.reduction === "mean_over_ics"
      );
      assert.ok(row && row.n === 2 && expected > 0, `${field}: ${JSON.stringify(row)}`);
      assert.ok(
        Math.abs(row.value! - expected) <= 1e-12 * expected,
        `${field}: mse ${row.value} vs ${expected}`,
      );
    });
    assert.ok(result.rows.some((r) => r.metric === "diag_mass_drift_pred" && r.step === T));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

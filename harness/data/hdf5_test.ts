import assert from "node:assert/strict";
import { FormatError, ShapeError } from "../core/errors.ts";
import { h5wasm, readHdf5Tensor } from "./hdf5.ts";

type Data = Float32Array | Float64Array | Int16Array | string[];

/** Write an HDF5 file with h5wasm: `datasets` maps name → [data, shape]. */
async function writeH5(path: string, datasets: Record<string, [Data, number[]?]>): Promise<void> {
  const h5 = await h5wasm();
  const f = new h5.File(path, "w");
  try {
    for (const [name, [data, shape]] of Object.entries(datasets)) {
      f.create_dataset({ name, data, shape: shape ?? null });
    }
  } finally {
    f.close();
  }
}

async function rejectsWith(
  p: Promise<unknown>,
  cls: typeof FormatError | typeof ShapeError,
  fragments: string[],
): Promise<string> {
  let message = "";
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof cls, `expected ${cls.name}, got ${e}`);
    message = (e as Error).message;
    for (const f of fragments) assert.ok(message.includes(f), `"${f}" missing in: ${message}`);
    return true;
  });
  return message;
}

/** value(n, t, c, x) = 1000 n + 100 t + 10 c + x: every element says where it belongs. */
const value = (n: number, t: number, c: number, x: number) => 1000 * n + 100 * t + 10 * c + x;

Deno.test("hdf5", async (t) => {
  const dir = await Deno.makeTempDir();
  try {
    await t.step("reads a PDEBench 1D [N, T, X] tensor with coordinates", async () => {
      const [N, T, X] = [3, 4, 8];
      const data = new Float32Array(N * T * X).map((_, i) => {
        const [n, s, x] = [Math.floor(i / (T * X)), Math.floor(i / X) % T, i % X];
        return value(n, s, 0, x);
      });
      const path = `${dir}/1D_Advection_Sols_beta1.0.hdf5`;
      await writeH5(path, {
        "tensor": [data, [N, T, X]],
        "x-coordinate": [new Float32Array(X).map((_, i) => (i + 0.5) / X)],
        "t-coordinate": [new Float32Array(T + 1).map((_, i) => 0.01 * i)],
      });
      const all = await readHdf5Tensor(path);
      assert.equal(all.layout, "NTX");
      assert.equal(all.dtype, "<f");
      assert.equal(all.dataset, "tensor");
      assert.deepEqual(all.shape, [N, T, 1, X]);
      assert.deepEqual(all.fileShape, [N, T, X]);
      assert.deepEqual([...all.data], [...data]);
      assert.deepEqual(all.datasets.sort(), ["t-coordinate", "tensor", "x-coordinate"]);
      assert.equal(all.xCoordinate?.length, X);
      assert.ok(Math.abs(all.tCoordinate![2] - 0.02) < 1e-8);
      // Hyperslab: the first 2 trajectories, first 3 times; counts beyond the file are clamped.
      const part = await readHdf5Tensor(path, { count: 2, times: 3 });
      assert.deepEqual(part.shape, [2, 3, 1, X]);
      assert.equal(part.data[(1 * 3 + 2) * X + 5], value(1, 2, 0, 5));
      assert.deepEqual((await readHdf5Tensor(path, { count: 99 })).shape, [N, T, 1, X]);
    });

    await t.step(
      "rank 4: channels-last and channels-first both come back as [N, T, C, X]",
      async () => {
        const [N, T, C, X] = [2, 3, 2, 5];
        const last = new Float64Array(N * T * X * C); // [N, T, X, C], float64
        const first = new Float32Array(N * T * C * X); // [N, T, C, X]
        for (let n = 0; n < N; n++) {
          for (let s = 0; s < T; s++) {
            for (let c = 0; c < C; c++) {
              for (let x = 0; x < X; x++) {
                last[((n * T + s) * X + x) * C + c] = value(n, s, c, x);
                first[((n * T + s) * C + c) * X + x] = value(n, s, c, x);
              }
            }
          }
        }
        const path = `${dir}/rank4.h5`;
        await writeH5(path, { tensor: [last, [N, T, X, C]], cf: [first, [N, T, C, X]] });
        const a = await readHdf5Tensor(path);
        assert.equal(a.layout, "NTXC");
        assert.equal(a.dtype, "<d");
        assert.ok(a.data instanceof Float32Array);
        assert.deepEqual(a.shape, [N, T, C, X]);
        assert.deepEqual([...a.data], [...first]);
        const b = await readHdf5Tensor(path, { dataset: "cf" });
        assert.equal(b.layout, "NTCX"); // the shorter axis (2 < 5) holds the channels
        assert.deepEqual([...b.data], [...first]);
        // The channel-count hint wins over "shorter axis", and an explicit layout wins over both.
        const hinted = await readHdf5Tensor(path, { dataset: "cf", channels: X });
        assert.equal(hinted.layout, "NTXC");
        assert.deepEqual(hinted.shape, [N, T, X, C]);
        assert.equal((await readHdf5Tensor(path, { layout: "NTCX", channels: C })).layout, "NTCX");
      },
    );

    await t.step("integer datasets are converted to float32", async () => {
      const path = `${dir}/int.h5`;
      await writeH5(path, { tensor: [new Int16Array([1, -2, 3, 4, 5, 6]), [1, 2, 3]] });
      const a = await readHdf5Tensor(path);
      assert.ok(a.data instanceof Float32Array);
      assert.deepEqual([...a.data], [1, -2, 3, 4, 5, 6]);
    });

    await t.step(
      "a NetCDF4-style file (HDF5 with dimension scales) opens the same way",
      async () => {
        // netCDF-4 stores each variable as an HDF5 dataset and each dimension as a scale.
        const path = `${dir}/burgers.nc`;
        const h5 = await h5wasm();
        const f = new h5.File(path, "w");
        f.create_dataset({ name: "x", data: new Float32Array([0, 0.25, 0.5, 0.75]) });
        (f.get("x") as InstanceType<typeof h5.Dataset>).make_scale("x");
        const u = f.create_dataset({
          name: "u",
          data: new Float32Array(2 * 3 * 4),
          shape: [2, 3, 4],
        });
        u.attach_scale(2, "x");
        f.close();
        const a = await readHdf5Tensor(path, { dataset: ["tensor", "u"] });
        assert.equal(a.dataset, "u");
        assert.deepEqual(a.shape, [2, 3, 1, 4]);
      },
    );

    await t.step("a file that is not HDF5 is a FormatError naming the file", async () => {
      const path = `${dir}/fake.h5`;
      await Deno.writeTextFile(path, "just some text, definitely not HDF5");
      await rejectsWith(readHdf5Tensor(path), FormatError, [
        path,
        "signature",
        "expected an HDF5 or NetCDF4 file",
        "found 6a 75 73 74", // "just"
      ]);
      const nc3 = `${dir}/classic.nc`;
      await Deno.writeFile(nc3, new Uint8Array([0x43, 0x44, 0x46, 0x01, 0, 0, 0, 0, 0, 0]));
      await rejectsWith(readHdf5Tensor(nc3), FormatError, [
        nc3,
        "found 43 44 46 01",
        "NetCDF3 (classic)",
        "nccopy -k nc4",
      ]);
      const empty = `${dir}/empty.h5`;
      await Deno.writeFile(empty, new Uint8Array(0));
      await rejectsWith(readHdf5Tensor(empty), FormatError, [empty, "found an empty file"]);
      await assert.rejects(readHdf5Tensor(`${dir}/missing.h5`), Deno.errors.NotFound);
      // A valid signature on a truncated file: the HDF5 library itself refuses it, and its
      // diagnostics become the message.
      const good = `${dir}/good.h5`;
      await writeH5(good, { tensor: [new Float32Array(8), [1, 2, 4]] });
      const cut = `${dir}/cut.h5`;
      await Deno.writeFile(cut, (await Deno.readFile(good)).subarray(0, 40));
      await rejectsWith(readHdf5Tensor(cut), FormatError, [
        `${cut}: superblock`,
        "expected an HDF5 file the HDF5 library can open",
        "found a corrupt or unsupported file (unable to read superblock: ",
      ]);
    });

    await t.step("a missing dataset is a FormatError listing the datasets present", async () => {
      const path = `${dir}/other.h5`;
      await writeH5(path, {
        "density": [new Float32Array(8), [1, 2, 4]],
        "x-coordinate": [new Float32Array(4)],
      });
      await rejectsWith(readHdf5Tensor(path), FormatError, [
        `${path}: tensor`,
        'expected a dataset named "tensor"',
        'found datasets "density", "x-coordinate"',
      ]);
      await rejectsWith(readHdf5Tensor(path, { dataset: ["tensor", "u"] }), FormatError, [
        'expected a dataset named "tensor" or "u"',
      ]);
    });

    await t.step("2D grids (dims: 2): [N, T, H, W, C] comes back as [N, T, C, H, W]", async () => {
      const [N, T, H, W, C] = [2, 3, 2, 4, 3];
      // value(n, t, c, 10 y + x), written channels last.
      const last = new Float32Array(N * T * H * W * C).map((_, i) => {
        const [s, p, c] = [Math.floor(i / (H * W * C)), Math.floor(i / C) % (H * W), i % C];
        return value(Math.floor(s / T), s % T, c, 10 * Math.floor(p / W) + (p % W));
      });
      const path = `${dir}/2D_rdb.h5`;
      await writeH5(path, { tensor: [last, [N, T, H, W, C]] });
      const r = await readHdf5Tensor(path, { dims: 2, channels: C, times: 2 });
      assert.equal(r.layout, "NTXC");
      assert.deepEqual(r.shape, [N, 2, C, H, W]);
      const at = (n: number, t: number, c: number, y: number, x: number) =>
        r.data[(((n * 2 + t) * C + c) * H + y) * W + x];
      assert.equal(at(1, 1, 2, 1, 3), value(1, 1, 2, 13));
      assert.equal(at(0, 0, 1, 0, 2), value(0, 0, 1, 2));
      // Without dims the same file is a 1D rank-5 tensor: refused.
      await rejectsWith(readHdf5Tensor(path), ShapeError, ["found [2, 3, 2, 4, 3] (rank 5)"]);
    });

    await t.step("wrong rank and non-numeric dtypes are ShapeErrors", async () => {
      const path = `${dir}/rank.h5`;
      await writeH5(path, {
        tensor: [new Float32Array(8), [2, 4]],
        big: [new Float32Array(32), [1, 2, 2, 2, 4]],
        names: [["a", "b"]],
      });
      await rejectsWith(readHdf5Tensor(path), ShapeError, [
        `${path}: tensor`,
        "expected rank 3 [N, T, X] or rank 4 [N, T, X, C] / [N, T, C, X]",
        "found [2, 4] (rank 2)",
      ]);
      await rejectsWith(readHdf5Tensor(path, { dataset: "big" }), ShapeError, [
        "found [1, 2, 2, 2, 4] (rank 5)",
      ]);
      await rejectsWith(readHdf5Tensor(path, { dataset: "names" }), ShapeError, [
        `${path}: names`,
        "expected dtype integer, float32 or float64",
        "found S",
      ]);
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

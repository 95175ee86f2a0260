import { join } from "node:path";
import * as zarr from "zarrita";
import { FileSystemStore } from "@zarrita/storage";
import { generateDataset, privateTestSeed, shardSlice, SPLITS, splitSeed } from "./generate.ts";
import { readNpy } from "../data/npy.ts";
import { loadDataset } from "../data/dataset.ts";
import { h5wasm } from "../data/hdf5.ts";
import { isInputError } from "../core/errors.ts";
import { getSuite, SUITES } from "../../suites/mod.ts";

const burgers = getSuite("burgers1d");

function same(a: ArrayLike<number>, b: ArrayLike<number>, what: string): void {
  if (a.length !== b.length) throw new Error(`${what}: ${a.length} vs ${b.length} values`);
  for (let i = 0; i < a.length; i++) {
    if (!Object.is(a[i], b[i])) throw new Error(`${what}: differs at ${i}: ${a[i]} vs ${b[i]}`);
  }
}

Deno.test("splitSeed: test is the evaluation seed; train/val/test never share a seed", () => {
  for (const s of SUITES) {
    const seeds = SPLITS.map((k) => splitSeed(s, k));
    if (seeds[2] !== s.seed) throw new Error(`${s.id}: test seed ${seeds[2]} ≠ ${s.seed}`);
    if (new Set(seeds).size !== 3) throw new Error(`${s.id}: seeds ${seeds}`);
    if (seeds.some((x, i) => x !== splitSeed(s, SPLITS[i]))) throw new Error("deterministic");
  }
  // A private test seed equal to a derived train seed still keeps the streams apart.
  const s = { seed: 5 }, train = splitSeed(s, "train");
  const test = splitSeed(s, "test", train);
  if (test !== train || splitSeed(s, "train", train) === test) throw new Error("collision kept");
});

Deno.test("shardSlice: contiguous, disjoint, covering; bad shards refused", () => {
  for (const n of [1, 5, 16]) {
    for (const m of [1, 2, 3, 7]) {
      let next = 0;
      for (let k = 1; k <= m; k++) {
        const { offset, count } = shardSlice(n, { index: k, count: m });
        if (offset !== next) throw new Error(`gap at ${n} ${k}/${m}`);
        next = offset + count;
      }
      if (next !== n) throw new Error(`cover ${n} ${m}`);
    }
  }
  for (const bad of [{ index: 0, count: 2 }, { index: 3, count: 2 }, { index: 1, count: 0 }]) {
    let ok = false;
    try {
      shardSlice(4, bad);
    } catch (e) {
      ok = isInputError(e);
    }
    if (!ok) throw new Error(`accepted ${JSON.stringify(bad)}`);
  }
});

Deno.test("generate --split test equals what run scores (same ICs, same reference), any workers", async () => {
  const dir = await Deno.makeTempDir();
  const n = 3, steps = 5;
  const want = burgers.reference(burgers.initialConditions(n, burgers.seed), n, steps);
  for (const workers of [1, 2]) {
    const out = join(dir, `test-w${workers}.npy`);
    const r = await generateDataset({ suite: "burgers1d", split: "test", n, steps, out, workers });
    const a = await readNpy(out);
    if (a.shape.join() !== `${n},${steps + 1},1,1024`) throw new Error(`shape ${a.shape}`);
    same(a.data as Float32Array, want, `workers ${workers}`);
    const meta = JSON.parse(await Deno.readTextFile(`${out}.json`));
    if (
      meta.seed !== burgers.seed || meta.split !== "test" || meta.suite_version !== burgers.version
    ) throw new Error(JSON.stringify(meta));
    if (r.computed !== n) throw new Error(`computed ${r.computed}`);
  }
});

Deno.test("generate: shards concatenate to the whole split; stride keeps every k-th state", async () => {
  const dir = await Deno.makeTempDir();
  const n = 3, steps = 4, stride = 2;
  const whole = await generateDataset({
    suite: "convection1d",
    split: "train",
    n,
    steps,
    stride,
    out: join(dir, "all.npy"),
    workers: 1,
  });
  const parts: Float32Array[] = [];
  for (const k of [1, 2]) {
    const p = join(dir, `part${k}.npy`);
    const r = await generateDataset({
      suite: "convection1d",
      split: "train",
      n,
      steps,
      stride,
      out: p,
      workers: 1,
      shard: { index: k, count: 2 },
    });
    if (r.metadata.shard !== `${k}/2`) throw new Error("shard recorded");
    parts.push((await readNpy(p)).data as Float32Array);
  }
  const all = (await readNpy(whole.path)).data as Float32Array;
  same(Float32Array.from([...parts[0], ...parts[1]]), all, "shards");
  const s = getSuite("convection1d");
  const seed = splitSeed(s, "train");
  const full = s.reference(s.initialConditions(n, seed), n, steps); // [3, 5, 1, 1024]
  for (let i = 0; i < n; i++) {
    for (let t = 0; t < 3; t++) {
      same(
        all.subarray((i * 3 + t) * 1024, (i * 3 + t + 1) * 1024),
        full.subarray((i * 5 + 2 * t) * 1024, (i * 5 + 2 * t + 1) * 1024),
        `IC ${i} time ${t}`,
      );
    }
  }
  if (whole.metadata.stored_dt !== 2 * s.dt || whole.metadata.times !== 3) throw new Error("dt");
});

Deno.test("generate: interrupted, then resumed, gives the uninterrupted file byte for byte", async () => {
  const dir = await Deno.makeTempDir();
  const o = { suite: "burgers1d", split: "val" as const, n: 3, steps: 3, workers: 1 };
  const clean = await generateDataset({ ...o, out: join(dir, "clean.npy") });
  const out = join(dir, "resumed.npy");
  const stop = new AbortController();
  let threw = false;
  try {
    await generateDataset({
      ...o,
      out,
      signal: stop.signal,
      progress: (done) => done === 1 && stop.abort(new Error("interrupted")),
    });
  } catch {
    threw = true;
  }
  if (!threw) throw new Error("abort ignored");
  const kept = [...Deno.readDirSync(`${out}.partial`)].filter((e) => e.name.endsWith(".f32"));
  if (kept.length !== 1) throw new Error(`${kept.length} trajectories kept`);
  let exists = true;
  try {
    Deno.statSync(out);
  } catch {
    exists = false;
  }
  if (exists) throw new Error("an interrupted run must leave no output file");
  const r = await generateDataset({ ...o, out });
  if (r.computed !== 2) throw new Error(`recomputed ${r.computed}, expected 2`);
  same(await Deno.readFile(out), await Deno.readFile(clean.path), "bytes");
  // A partial directory from other arguments is refused, naming it.
  await Deno.mkdir(join(dir, "x.npy.partial"));
  await Deno.writeTextFile(join(dir, "x.npy.partial", "request.json"), "{}");
  try {
    await generateDataset({ ...o, out: join(dir, "x.npy") });
    throw new Error("foreign partial accepted");
  } catch (e) {
    if (!isInputError(e) || !String(e).includes("x.npy.partial")) throw e;
  }
});

Deno.test("generate: a private test seed changes the ICs and is recorded only as a hash", async () => {
  const dir = await Deno.makeTempDir();
  const o = { suite: "burgers1d", split: "test" as const, n: 1, steps: 1, workers: 1 };
  const pub = await generateDataset({ ...o, out: join(dir, "pub.npy") });
  const priv = await generateDataset({ ...o, out: join(dir, "priv.npy"), testSeed: 987654321 });
  if (priv.metadata.seed !== null || !/^[0-9a-f]{64}$/.test(priv.metadata.private_seed_sha256!)) {
    throw new Error(JSON.stringify(priv.metadata));
  }
  const text = await Deno.readTextFile(`${priv.path}.json`);
  if (text.includes("987654321")) throw new Error("the private seed leaked into the metadata");
  const a = (await readNpy(pub.path)).data, b = (await readNpy(priv.path)).data;
  if (a.every((v, i) => v === b[i])) throw new Error("private seed gave the public ICs");
  const before = Deno.env.get("EMUBENCH_TEST_SEED");
  Deno.env.set("EMUBENCH_TEST_SEED", "12x");
  try {
    privateTestSeed();
    throw new Error("a non-integer EMUBENCH_TEST_SEED was accepted");
  } catch (e) {
    if (!isInputError(e)) throw e;
  } finally {
    if (before === undefined) Deno.env.delete("EMUBENCH_TEST_SEED");
    else Deno.env.set("EMUBENCH_TEST_SEED", before);
  }
});

Deno.test("generate: HDF5 (PDEBench layout) and Zarr outputs read back with their metadata", async () => {
  const dir = await Deno.makeTempDir();
  const n = 2, steps = 2;
  // One field: tensor [N, T, X]; read back by run --data's reader.
  const h5 = join(dir, "b.h5");
  await generateDataset({ suite: "burgers1d", split: "train", n, steps, out: h5, workers: 1 });
  const ds = await loadDataset(h5, burgers);
  const seed = splitSeed(burgers, "train");
  same(ds.reference, burgers.reference(burgers.initialConditions(n, seed), n, steps), "h5");
  const lib = await h5wasm();
  const f = new lib.File(h5, "r");
  try {
    const attrs = f.attrs as Record<string, { value: unknown }>;
    if (attrs.suite.value !== "burgers1d" || attrs.split.value !== "train") {
      throw new Error("attrs");
    }
    if (JSON.parse(String(attrs.fields.value))[0] !== "u") throw new Error("fields");
    const t = (f.get("t-coordinate") as { value: Float64Array }).value;
    if (t.length !== steps + 1 || Math.abs(t[1] - burgers.dt) > 1e-12) throw new Error("t");
  } finally {
    f.close();
  }
  // Three fields: channels last [N, T, H, W, C], read back by the same reader.
  const sw = getSuite("shallow_water2d");
  const swPath = join(dir, "sw.h5");
  await generateDataset({ suite: sw.id, split: "val", n: 1, steps: 1, out: swPath, workers: 1 });
  const swBack = await loadDataset(swPath, sw);
  const swSeed = splitSeed(sw, "val");
  same(swBack.reference, sw.reference(sw.initialConditions(1, swSeed), 1, 1), "h5 channels last");
  // Zarr: one chunk per trajectory, attributes on the group.
  const zp = join(dir, "c.zarr");
  await generateDataset({ suite: "convection1d", split: "val", n, steps, out: zp, workers: 1 });
  const root = zarr.root(new FileSystemStore(zp));
  const group = await zarr.open(root, { kind: "group" });
  if ((group.attrs as Record<string, unknown>).split !== "val") throw new Error("zarr attrs");
  const arr = await zarr.open(root.resolve("trajectories"), { kind: "array" });
  if (arr.shape.join() !== `${n},${steps + 1},1,1024` || arr.chunks[0] !== 1) {
    throw new Error(`zarr shape ${arr.shape} chunks ${arr.chunks}`);
  }
  const c = getSuite("convection1d");
  const want = c.reference(c.initialConditions(n, splitSeed(c, "val")), n, steps);
  same((await zarr.get(arr, null)).data as Float32Array, want, "zarr");
});

Deno.test("generate: bad arguments are input errors naming the flag", async () => {
  const cases: [Record<string, unknown>, string][] = [
    [{ n: 0 }, "--n"],
    [{ n: 2e9 }, "--n"],
    [{ steps: -1 }, "--steps"],
    [{ stride: 9, steps: 4 }, "--stride"],
    [{ out: "x.csv" }, "--out"],
    [{ split: "dev" }, "--split"],
    [{ shard: { index: 3, count: 2 } }, "--shard"],
  ];
  for (const [patch, flag] of cases) {
    try {
      await generateDataset(
        {
          suite: "burgers1d",
          split: "train",
          n: 1,
          steps: 1,
          out: "/nonexistent/x.npy",
          workers: 1,
          ...patch,
        } as Parameters<typeof generateDataset>[0],
      );
      throw new Error(`accepted ${JSON.stringify(patch)}`);
    } catch (e) {
      if (!isInputError(e) || !String(e).includes(flag)) throw e;
    }
  }
});

import { join } from "node:path";
import { openBackend } from "../onnx/backend.ts";
import { loadAutoencoder, parseManifest } from "../model/manifest.ts";
import { writeZarrV3 } from "../../suites/era5/_wb2_fixture.ts";
import {
  evaluateReconstruction,
  reconstructSamples,
  type ReconstructSuite,
  sampleBytes,
} from "./reconstruct.ts";
import { ERA5_RECONSTRUCT, sampleHours } from "../../suites/era5/reconstruct.ts";
import { meanPoolAutoencoder } from "../../baselines/era5_autoencoder.ts";
import { GraphBuilder } from "../onnx/graph.ts";
import { npix, pix2angNest } from "../../suites/era5/healpix.ts";
import { angularPowerSpectrum } from "../../suites/era5/spectrum.ts";
import type { ResultRow } from "../../metrics/rows.ts";
import { main } from "../cli/main.ts";
import { readCheckedResult } from "../results/check.ts";

const NSIDE = 8, P = npix(NSIDE);
const SUITE: ReconstructSuite = {
  id: "era5",
  version: "test",
  title: "test sphere",
  fields: ["a", "b"],
  dt: 0.25,
  grid: { kind: "healpix", nside: NSIDE, ordering: "nested" },
  reconstruct: ERA5_RECONSTRUCT,
};

/** Smooth test fields on the sphere, sample i, channel c. */
function samples(n: number): Float32Array {
  const out = new Float32Array(n * 2 * P);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < 2; c++) {
      for (let p = 0; p < P; p++) {
        const { theta, phi } = pix2angNest(NSIDE, p);
        const z = Math.cos(theta), s = Math.sin(theta);
        out[(i * 2 + c) * P + p] = (c === 0 ? 280 : 5500) + (10 + c) * z +
          (3 + i) * s * Math.cos(phi + i) + 2 * s * s * Math.sin(2 * phi) * (c + 1);
      }
    }
  }
  return out;
}

function one(rows: ResultRow[], metric: string, field: string): ResultRow {
  const hit = rows.filter((r) =>
    r.metric === metric && r.field === field && r.ic === undefined && r.k === undefined
  );
  if (hit.length !== 1) throw new Error(`${hit.length} rows ${metric} ${field}`);
  return hit[0];
}

function identityAutoencoder(latentType: "float32" | "float16" = "float32") {
  const enc = new GraphBuilder("enc");
  const x = enc.input("x", ["B", 2, P]);
  const z = latentType === "float16" ? enc.op("Cast", [x], { to: 10 }) : enc.op("Identity", [x]);
  enc.output(z, "z", ["B", 2, P], latentType === "float16" ? 10 : 1);
  const dec = new GraphBuilder("dec");
  const zi = dec.input("z", ["B", 2, P], latentType === "float16" ? 10 : 1);
  const y = latentType === "float16" ? dec.op("Cast", [zi], { to: 1 }) : dec.op("Identity", [zi]);
  dec.output(y, "x_hat", ["B", 2, P]);
  return {
    kind: "model" as const,
    origin: "test",
    manifest: {
      name: "identity",
      suite: "era5",
      graphs: { encode: "e.onnx", decode: "d.onnx" },
      history: 1,
      carry: {},
    },
    graphs: {
      encode: { path: "e.onnx", bytes: enc.build() },
      decode: { path: "d.onnx", bytes: dec.build() },
    },
  };
}

Deno.test("manifest: reconstruct accepts {encode, decode} without step; forecast stays strict", () => {
  const ae = parseManifest(
    { suite: "era5", graphs: { encode: "e.onnx", decode: "d.onnx" } },
    "m",
    "reconstruct",
  );
  if (ae.graphs.encode !== "e.onnx" || ae.graphs.step !== undefined) throw new Error("reconstruct");
  const expectThrow = (f: () => unknown, text: string) => {
    try {
      f();
    } catch (e) {
      if (e instanceof TypeError && String(e).includes(text)) return;
      throw new Error(`wrong error: ${e}`);
    }
    throw new Error(`no error (${text})`);
  };
  // The forecast contract still needs a step graph.
  expectThrow(
    () => parseManifest({ suite: "era5", graphs: { encode: "e.onnx", decode: "d.onnx" } }, "m"),
    "graphs.step",
  );
  // A reconstruct manifest needs both halves, and graphs at all.
  expectThrow(
    () => parseManifest({ suite: "era5", graphs: { step: "s.onnx" } }, "m", "reconstruct"),
    "{encode, decode}",
  );
  expectThrow(() => parseManifest({ suite: "era5" }, "m", "reconstruct"), "graphs");
  expectThrow(
    () => parseManifest({ suite: "era5", graphs: { encode: "e.onnx" } }, "m", "reconstruct"),
    "{encode, decode}",
  );
});

Deno.test("loadAutoencoder reads a directory; a bare .onnx is refused", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const m = meanPoolAutoencoder(SUITE, 16);
    await Deno.writeFile(join(dir, "enc.onnx"), m.graphs.encode.bytes);
    await Deno.writeFile(join(dir, "dec.onnx"), m.graphs.decode.bytes);
    await Deno.writeTextFile(
      join(dir, "emulator.json"),
      JSON.stringify({
        suite: "era5",
        name: "pool",
        graphs: { encode: "enc.onnx", decode: "dec.onnx" },
      }),
    );
    const ae = await loadAutoencoder(dir);
    if (
      ae.manifest.name !== "pool" || ae.graphs.decode.bytes.length !== m.graphs.decode.bytes.length
    ) {
      throw new Error("loaded");
    }
    let msg = "";
    try {
      await loadAutoencoder(join(dir, "enc.onnx"));
    } catch (e) {
      msg = e instanceof TypeError ? String(e) : `wrong error ${e}`;
    }
    if (!msg.includes("single file")) throw new Error(msg);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("mean-pool r16: ratio 16 from the tensors; rmse, psnr and spectra match float64 references", async () => {
  const N = 3, x = samples(N);
  const backend = await openBackend("wasm");
  const s = await reconstructSamples({
    suite: SUITE,
    model: meanPoolAutoencoder(SUITE, 16),
    backend,
    samples: x,
    batch: 2, // two batches, the second one partial
  });
  if (s.info.compressionRatio !== 16) throw new Error(`ratio ${s.info.compressionRatio}`);
  if (s.info.latent[0].dtype !== "float32" || s.info.latent[0].shape.join() !== `2,${P / 16}`) {
    throw new Error(JSON.stringify(s.info.latent));
  }
  SUITE.fields.forEach((field, c) => {
    let sumMse = 0, sumPsnr = 0;
    const cp = new Float64Array(2 * NSIDE + 1), cy = new Float64Array(2 * NSIDE + 1);
    for (let i = 0; i < N; i++) {
      const y = x.subarray((i * 2 + c) * P, (i * 2 + c + 1) * P);
      const rec = new Float64Array(P);
      for (let q = 0; q < P / 16; q++) {
        let m = 0;
        for (let r = 0; r < 16; r++) m += y[q * 16 + r];
        rec.fill(m / 16, q * 16, q * 16 + 16);
      }
      let e = 0, lo = Infinity, hi = -Infinity;
      for (let p = 0; p < P; p++) {
        e += (rec[p] - y[p]) ** 2;
        lo = Math.min(lo, y[p]);
        hi = Math.max(hi, y[p]);
      }
      e /= P;
      sumMse += e;
      sumPsnr += 10 * Math.log10((hi - lo) ** 2 / e);
      angularPowerSpectrum(rec, NSIDE).forEach((v, l) => (cp[l] += v / N));
      angularPowerSpectrum(y, NSIDE).forEach((v, l) => (cy[l] += v / N));
    }
    const rmse = one(s.rows, "rmse", field).value!;
    // float32 pooling in the graph vs float64 here: relative 1e-5 of the field's size.
    if (Math.abs(rmse - Math.sqrt(sumMse / N)) > 1e-4 * rmse + 1e-3) {
      throw new Error(`${field}: rmse ${rmse} vs ${Math.sqrt(sumMse / N)}`);
    }
    const ps = one(s.rows, "psnr", field).value!;
    if (Math.abs(ps - sumPsnr / N) > 0.05) {
      throw new Error(`${field}: psnr ${ps} vs ${sumPsnr / N}`);
    }
    for (const [metric, want] of [["spectrum_ref", cy], ["spectrum_pred", cp]] as const) {
      const got = s.rows.filter((r) => r.metric === metric && r.field === field);
      if (got.length !== want.length) throw new Error(`${metric}: ${got.length} degrees`);
      for (const r of got) {
        const w = want[r.k!];
        if (Math.abs(r.value! - w) > 1e-4 * Math.abs(w) + 1e-9 * cy[0]) {
          throw new Error(`${metric} ${field} ℓ ${r.k}: ${r.value} vs ${w}`);
        }
      }
    }
    if (!(one(s.rows, "spectrum_error", field).value! > 0)) throw new Error("spectrum error");
  });
  if (s.divergence.some((d) => d.step !== null) || s.divergence.length !== N) {
    throw new Error("divergence");
  }
  if (s.snapshots.length !== 2 || s.snapshots[0].healpix?.nside !== NSIDE) {
    throw new Error("snapshots of sample 0");
  }
});

Deno.test("identity autoencoder: ratio 1, rmse 0, spectrum error 0, psnr infinite → null", async () => {
  const backend = await openBackend("wasm");
  const s = await reconstructSamples({
    suite: SUITE,
    model: identityAutoencoder(),
    backend,
    samples: samples(2),
  });
  if (s.info.compressionRatio !== 1) throw new Error(`ratio ${s.info.compressionRatio}`);
  for (const f of SUITE.fields) {
    if (one(s.rows, "rmse", f).value !== 0) throw new Error("rmse");
    if (one(s.rows, "spectrum_error", f).value !== 0) throw new Error("spectrum error");
    // psnr = +∞ per sample is not a finite number: the mean is missing, never a fake value.
    if (one(s.rows, "psnr", f).value !== null) throw new Error("psnr");
  }
});

Deno.test("compression ratio reads the latent dtype: a float16 latent of the same shape is 2:1", async () => {
  const backend = await openBackend("wasm");
  const s = await reconstructSamples({
    suite: SUITE,
    model: identityAutoencoder("float16"),
    backend,
    samples: samples(1),
  });
  if (s.info.compressionRatio !== 2 || s.info.latent[0].dtype !== "float16") {
    throw new Error(JSON.stringify(s.info));
  }
  // float16 rounding of values ~280 and ~5500: error ≤ half an ulp (0.125 and 2).
  const r = one(s.rows, "rmse", "b").value!;
  if (!(r > 0 && r <= 2)) throw new Error(`rmse ${r}`);
});

Deno.test("a NaN reconstruction is diverged: its scores are missing, not averaged", async () => {
  const ae = identityAutoencoder();
  const dec = new GraphBuilder("nan");
  const z = dec.input("z", ["B", 2, P]);
  dec.output(dec.op("Mul", [z, dec.scalar(NaN)]), "x_hat", ["B", 2, P]);
  ae.graphs.decode.bytes = dec.build();
  const backend = await openBackend("wasm");
  const s = await reconstructSamples({ suite: SUITE, model: ae, backend, samples: samples(2) });
  if (s.divergence.some((d) => d.step !== 1)) throw new Error(JSON.stringify(s.divergence));
  const r = one(s.rows, "rmse", "a");
  if (r.value !== null || r.n !== 0) throw new Error(JSON.stringify(r));
  if (s.snapshots[0].pred.some((v) => v !== null)) throw new Error("NaN snapshot values");
});

Deno.test("sample times are distinct, 6-hourly, sorted, deterministic per seed", () => {
  const a = sampleHours(50, 3), b = sampleHours(50, 3), c = sampleHours(50, 4);
  if (a.join() !== b.join() || a.join() === c.join()) throw new Error("determinism");
  if (new Set(a).size !== 50 || a.some((h, i) => h % 6 !== 0 || (i > 0 && h <= a[i - 1]))) {
    throw new Error("distinct sorted");
  }
  if (sampleBytes([1, 3, 4], "int8") !== 12 || sampleBytes([7, 3, 4], "float32") !== 48) {
    throw new Error("bytes");
  }
});

Deno.test("CLI: run --task reconstruct on era5 writes a result that passes the deep checks", async () => {
  const dir = await Deno.makeTempDir();
  const quiet = console.log;
  try {
    console.log = () => {};
    const code = await main([
      "run",
      "--task",
      "reconstruct",
      "--suite",
      "era5",
      "--model",
      "baseline:mean_pool_r256",
      "--tier",
      "smoke",
      "--out",
      dir,
      "--no-report",
      "--json",
    ]);
    console.log = quiet;
    if (code !== 0) throw new Error(`exit ${code}`);
    const r = await readCheckedResult(join(dir, "result.json"));
    if (r.task !== "reconstruct" || r.reconstruct?.compressionRatio !== 256) {
      throw new Error(JSON.stringify(r.reconstruct));
    }
    // Wrong combinations are bad input (exit 2), not crashes.
    const errors: string[] = [];
    const origError = console.error;
    console.error = (m: string) => errors.push(String(m));
    try {
      for (
        const args of [
          ["--task", "reconstruct", "--model", "baseline:mean_pool_r64", "--steps", "3"],
          ["--task", "reconstruct", "--model", "baseline:persistence"],
          ["--model", "baseline:mean_pool_r64"],
          ["--task", "predict", "--model", "baseline:mean_pool_r64"],
        ]
      ) {
        const c = await main(["run", "--suite", "era5", "--tier", "smoke", "--out", dir, ...args]);
        if (c !== 2) throw new Error(`${args.join(" ")}: exit ${c}`);
      }
    } finally {
      console.error = origError;
    }
    if (!errors.some((e) => e.includes("autoencoder"))) throw new Error(errors.join("\n"));
  } finally {
    console.log = quiet;
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("--data: a WeatherBench 2 Zarr store gives one sample per start time, scored on HEALPix", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const store = join(dir, "wb2.zarr");
    await writeZarrV3(store, {
      lat: Array.from({ length: 37 }, (_, i) => 90 - 5 * i),
      nlon: 72,
      time: Array.from({ length: 9 }, (_, k) => 6 * k),
      units: "hours since 2001-03-01",
      levels: [500],
    });
    const { result } = await evaluateReconstruction({
      suite: "era5",
      model: "baseline:mean_pool_r16",
      backend: "wasm",
      data: store,
      samples: 3,
    });
    if (result.config.ics !== 3 || result.suite.tier !== "data") throw new Error("samples");
    // 8 one-step windows start at 0, 6, …, 42 h; 3 evenly spaced: indices 0, 4 (rounded 3.5),
    // 7. 1 March 2001 00 UTC is hour 1416 of the year.
    if (result.reconstruct?.hours?.join() !== "1416,1440,1458") {
      throw new Error(`hours ${result.reconstruct?.hours}`);
    }
    for (const f of result.suite.fields) {
      const r = result.rows.find((x) => x.metric === "rmse" && x.field === f && x.ic === undefined);
      if (!(r && r.value! > 0 && r.n === 3)) throw new Error(JSON.stringify(r));
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("normalize: applied before encode and undone after decode (scores in physical units)", async () => {
  // A decoder that halves its input: with mean m and std s per channel, the reconstruction is
  // ((x − m)/s / 2)·s + m = (x + m)/2, so the error is (x − m)/2 exactly.
  const ae = identityAutoencoder();
  const dec = new GraphBuilder("half");
  const z = dec.input("z", ["B", 2, P]);
  dec.output(dec.op("Mul", [z, dec.scalar(0.5)]), "x_hat", ["B", 2, P]);
  ae.graphs.decode.bytes = dec.build();
  const mean = [270, 5000], std = [10, 300];
  const model = { ...ae, manifest: { ...ae.manifest, normalize: { mean, std } } };
  const x = samples(1);
  const s = await reconstructSamples({
    suite: SUITE,
    model,
    backend: await openBackend("wasm"),
    samples: x,
  });
  SUITE.fields.forEach((f, c) => {
    let e = 0;
    for (let p = 0; p < P; p++) e += ((x[c * P + p] - mean[c]) / 2) ** 2;
    const want = Math.sqrt(e / P), got = one(s.rows, "rmse", f).value!;
    if (Math.abs(got - want) > 1e-5 * want) throw new Error(`${f}: ${got} vs ${want}`);
  });
  let threw = false;
  try {
    await reconstructSamples({
      suite: SUITE,
      model: { ...ae, manifest: { ...ae.manifest, normalize: { mean: [0], std: [1] } } },
      backend: await openBackend("wasm"),
      samples: x,
    });
  } catch (e) {
    threw = e instanceof TypeError && String(e).includes("normalize");
  }
  if (!threw) throw new Error("one mean for two fields accepted");
});

Deno.test("--data: samples spread over the whole file, any time step (a daily store)", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const store = join(dir, "daily.zarr");
    await writeZarrV3(store, {
      lat: Array.from({ length: 19 }, (_, i) => 90 - 10 * i),
      nlon: 36,
      time: Array.from({ length: 20 }, (_, k) => k),
      units: "days since 2001-01-01",
      levels: [500],
    });
    const { result } = await evaluateReconstruction({
      suite: "era5",
      model: "baseline:mean_pool_r16",
      backend: "wasm",
      data: store,
      samples: 5,
    });
    // 19 one-step windows start at days 0…18; 5 evenly spaced: 0, 4.5 → 5 (rounded), 9, 13.5
    // → 14, 18: the samples span the file instead of its first five days.
    if (result.reconstruct?.hours?.join() !== [0, 5, 9, 14, 18].map((d) => 24 * d).join()) {
      throw new Error(`hours ${result.reconstruct?.hours}`);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("compression ratio: a latent without the batch axis first is refused, not miscounted", async () => {
  const ae = identityAutoencoder();
  const enc = new GraphBuilder("enc_flat");
  const x = enc.input("x", ["B", 2, P]);
  // [B, 2, P] → [2B, P]: per "sample" bytes would halve and the ratio double if trusted.
  enc.output(enc.op("Reshape", [x, enc.ints([-1, P])]), "z", ["B2", P]);
  ae.graphs.encode.bytes = enc.build();
  const dec = new GraphBuilder("dec_flat");
  const z = dec.input("z", ["B2", P]);
  dec.output(dec.op("Reshape", [z, dec.ints([-1, 2, P])]), "x_hat", ["B", 2, P]);
  ae.graphs.decode.bytes = dec.build();
  const backend = await openBackend("wasm");
  let message = "";
  try {
    await reconstructSamples({ suite: SUITE, model: ae, backend, samples: samples(2) });
  } catch (e) {
    if (!(e instanceof TypeError)) throw e;
    message = e.message;
  }
  if (!message.includes("output z") || !message.includes("batch axis of 2 first")) {
    throw new Error(message || "accepted a latent of shape [2B, P]");
  }
});

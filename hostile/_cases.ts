/**
 * The hostile-input catalogue: models, submissions, manifests, data files, Zarr stores, JSON
 * inputs (results, rules, shards), flags, interrupted output sets and hostile text. Each case
 * builds its input in a fresh directory and states the exit code and the words the message must
 * hold. Run by `hostile/catalogue_test.ts`. Not API.
 * @module
 */
import { join } from "node:path";
import { type Case, cli, diffSnapshots, lib, mkfifo, type Outcome, snapshot } from "./_harness.ts";
import { loadModel } from "../harness/model/manifest.ts";
import { loadDataset } from "../harness/data/dataset.ts";
import { getSuite } from "../suites/mod.ts";
import { lastOfWindowGraph, scaleGraph } from "../fixtures/graphs.ts";
import { writeNpy } from "../harness/data/npy.ts";
import { evaluateSubmissions } from "../harness/tasks/submissions.ts";
import { OutputSet, sweepOutputSet } from "../harness/core/atomic.ts";
import { onnxSchema } from "../harness/onnx/graph.ts";
import { type Wb2Fixture, writeZarrV2 } from "../suites/era5/_wb2_fixture.ts";
import { era5 } from "../suites/era5/suite.ts";
import { evaluate } from "../harness/tasks/run.ts";
import { evaluateReconstruction } from "../harness/tasks/reconstruct.ts";
import { runStability } from "../harness/tasks/stability.ts";
import { base64ToF64, f64ToBase64 } from "../metrics/state_codec.ts";
import { frontierErrors, frontierVerdict } from "../harness/results/frontier.ts";
import type { Frontier, Result } from "../harness/results/schema.ts";

const X = 1024;
const conv = () => getSuite("convection1d");
const enc = new TextEncoder();

/** Write a model directory: `emulator.json` from `manifest` and the given files. */
async function modelDir(
  dir: string,
  manifest: unknown = { suite: "convection1d" }, // null: no emulator.json
  files: Record<string, Uint8Array | string> = { "model.onnx": scaleGraph(X, 0.99) },
): Promise<string> {
  await Deno.mkdir(dir, { recursive: true });
  if (manifest !== null) {
    await Deno.writeTextFile(
      join(dir, "emulator.json"),
      typeof manifest === "string" ? manifest : JSON.stringify(manifest),
    );
  }
  for (const [name, data] of Object.entries(files)) {
    await Deno.mkdir(join(dir, name, ".."), { recursive: true });
    if (typeof data === "string") await Deno.writeTextFile(join(dir, name), data);
    else await Deno.writeFile(join(dir, name), data);
  }
  return dir;
}

/** A graph whose one initializer keeps its data in an external file `location`. */
function externalDataGraph(location: string): Uint8Array {
  const model = onnxSchema.ModelProto.decode(scaleGraph(X, 0.99));
  // deno-lint-ignore no-explicit-any
  const g = model.graph as any;
  const t = g.initializer[0];
  t.rawData = new Uint8Array(0);
  t.floatData = [];
  t.dataLocation = 1;
  t.externalData = [{ key: "location", value: location }, { key: "length", value: "4" }];
  return onnxSchema.ModelProto.encode(model).finish();
}

// ------------------------------------------------------------------ model files

type Kind = {
  kind: string;
  make: (path: string, w: { secret: string; dir: string }) => Promise<void>;
  names: string[];
};

const FILE_KINDS: Kind[] = [
  {
    kind: "a symbolic link to a file outside",
    make: (p, w) => Deno.symlink(w.secret, p),
    names: ["symbolic link"],
  },
  {
    kind: "a symbolic link to a file inside",
    make: async (p, w) => {
      await Deno.writeFile(join(w.dir, "real.bin"), scaleGraph(X, 0.99));
      await Deno.symlink(join(w.dir, "real.bin"), p);
    },
    names: ["symbolic link"],
  },
  { kind: "a FIFO", make: (p) => mkfifo(p), names: ["FIFO"] },
  { kind: "a directory", make: (p) => Deno.mkdir(p), names: ["a directory"] },
  {
    kind: "a link to /dev/zero",
    make: (p) => Deno.symlink("/dev/zero", p),
    names: ["symbolic link"],
  },
  {
    kind: "a dangling link",
    make: (p) => Deno.symlink("/nonexistent/emubench", p),
    names: ["symbolic link"],
  },
  {
    kind: "an oversized sparse file",
    make: async (p) => {
      await Deno.writeFile(p, new Uint8Array(0));
      await Deno.truncate(p, 2 ** 31 + 10);
    },
    names: ["at most", "bytes"],
  },
];

function modelFileCases(): Case[] {
  const out: Case[] = [];
  const positions: { at: string; manifest: unknown; field: string }[] = [
    { at: "emulator.json", manifest: null, field: "emulator.json" },
    { at: "model.onnx", manifest: { suite: "convection1d" }, field: "graphs.step" },
    {
      at: "net/step.onnx",
      manifest: { suite: "convection1d", graphs: { step: "net/step.onnx" } },
      field: "graphs.step",
    },
    {
      at: "init.onnx",
      manifest: { suite: "convection1d", graphs: { step: "model.onnx", init: "init.onnx" } },
      field: "graphs.init",
    },
  ];
  for (const pos of positions) {
    for (const k of FILE_KINDS) {
      out.push({
        area: "model",
        name: `${pos.at} is ${k.kind}`,
        code: 2,
        names: [pos.field, ...k.names],
        run: async (w, dir) => {
          const m = join(dir, "m");
          const files: Record<string, Uint8Array> = pos.at === "model.onnx"
            ? {}
            : { "model.onnx": scaleGraph(X, 0.99) };
          await modelDir(m, pos.manifest, files);
          await Deno.mkdir(join(m, pos.at, ".."), { recursive: true });
          await k.make(join(m, pos.at), { secret: w.secret, dir });
          return await lib(() => loadModel(m));
        },
      });
    }
  }
  // A nested graph reached through a linked directory that leads outside.
  out.push({
    area: "model",
    name: "graph directory is a link to outside",
    code: 2,
    names: ["graphs.step", "outside"],
    run: async (_w, dir) => {
      const m = await modelDir(join(dir, "m"), {
        suite: "convection1d",
        graphs: { step: "net/step.onnx" },
      }, {});
      await modelDir(join(dir, "elsewhere"), undefined, { "step.onnx": scaleGraph(X, 0.99) });
      await Deno.symlink(join(dir, "elsewhere"), join(m, "net"));
      return await lib(() => loadModel(m));
    },
  });
  for (
    const [name, step] of [
      ["absolute path", "/etc/passwd"],
      ["parent path", "../secret.txt"],
      ["inner parent path", "a/../../secret.txt"],
      ["drive path", "C:\\Windows\\win.ini"],
      ["UNC path", "\\\\server\\share\\m.onnx"],
    ]
  ) {
    out.push({
      area: "model",
      name: `graphs.step is an ${name}`,
      code: 2,
      names: ["graphs.step", "inside the model directory"],
      run: async (_w, dir) => {
        const m = await modelDir(join(dir, "m"), { suite: "convection1d", graphs: { step } }, {});
        return await lib(() => loadModel(m));
      },
    });
  }
  for (
    const [name, loc] of [["outside file", "/etc/passwd"], ["sibling file", "weights.bin"]]
  ) {
    out.push({
      area: "model",
      name: `graph with external data (${name})`,
      code: 2,
      names: ["graphs.step", "external data"],
      hides: ["/etc/passwd"],
      run: async (_w, dir) => {
        const m = await modelDir(join(dir, "m"), undefined, {
          "model.onnx": externalDataGraph(loc),
          "weights.bin": new Uint8Array(4),
        });
        return await lib(() => loadModel(m));
      },
    });
  }
  out.push({
    area: "model",
    name: "model path is a FIFO (bare graph)",
    code: 2,
    names: ["FIFO"],
    run: async (_w, dir) => {
      await mkfifo(join(dir, "m.onnx"));
      return await lib(() => loadModel(join(dir, "m.onnx"), "convection1d"));
    },
  });
  out.push({
    area: "model",
    name: "model path is /dev/zero",
    code: 2,
    names: ["/dev/zero", "character device"],
    run: () => lib(() => loadModel("/dev/zero", "convection1d")),
  });
  out.push({
    area: "model",
    name: "model path under a regular file",
    code: 2,
    names: ["m.onnx/x"],
    run: async (_w, dir) => {
      await Deno.writeFile(join(dir, "m.onnx"), scaleGraph(X, 1));
      return await lib(() => loadModel(join(dir, "m.onnx", "x"), "convection1d"));
    },
  });
  out.push({
    area: "model",
    name: "model directory without emulator.json",
    code: 2,
    names: ["no emulator.json"],
    run: async (_w, dir) => await lib(() => loadModel(dir)),
  });
  // `emubench validate` reads emulator.json (to pick the task) through the same checked reader:
  // a FIFO or a link to /dev/zero there must not hang it, a link must not be followed.
  for (const k of FILE_KINDS) {
    for (const named of ["the directory", "emulator.json"]) {
      out.push({
        area: "model",
        name: `validate: emulator.json is ${k.kind} (${named} named)`,
        code: 2,
        names: ["emulator.json", ...k.names],
        run: async (w, dir) => {
          const m = await modelDir(join(dir, "m"), null);
          await k.make(join(m, "emulator.json"), { secret: w.secret, dir });
          return await cli(["validate", named === "the directory" ? m : join(m, "emulator.json")]);
        },
      });
    }
  }
  return out;
}

// ------------------------------------------------------------------ manifest content

/** Half a megabyte of text: under the manifest's size cap, far over every string cap. */
const MB = "A".repeat(500_000);

function manifestCases(): Case[] {
  const m = (
    name: string,
    manifest: unknown,
    names: (string | RegExp)[],
    hides: string[] = [],
  ): Case => ({
    area: "manifest",
    name,
    code: 2,
    names: ["emulator.json", ...names],
    hides,
    run: async (_w, dir) => {
      const d = await modelDir(join(dir, "m"), manifest);
      return await lib(() => loadModel(d));
    },
  });
  return [
    m("not JSON", "{suite: convection1d", ["valid JSON"]),
    m("a JSON array", "[1, 2]", ["a JSON object"]),
    m("a JSON string", '"convection1d"', ["a JSON object"]),
    m("JSON null", "null", ["a JSON object"]),
    m("empty file", "", ["valid JSON"]),
    m("a byte-order mark and no suite", "\ufeff{}", ["suite", "required"]),
    m("unknown key", { suite: "convection1d", histroy: 2 }, ["histroy", "one of the keys"]),
    m("500 kB unknown key", { suite: "convection1d", [MB]: 1 }, [/50000\d characters/], [
      MB.slice(0, 200),
    ]),
    m("500 kB description", { suite: "convection1d", description: MB }, [
      "description",
      "at most 2000 characters",
      "500000 characters",
    ], [MB.slice(0, 200)]),
    m("500 kB name", { suite: "convection1d", name: MB }, ["name", "at most 120"], [
      MB.slice(0, 200),
    ]),
    m("500 kB input name", { suite: "convection1d", input: MB }, ["input", "at most 256"], [
      MB.slice(0, 200),
    ]),
    m("10 000 authors", { suite: "convection1d", authors: Array(10000).fill("a") }, [
      "authors",
      "at most 50",
    ]),
    m("a 500 kB author", { suite: "convection1d", authors: [MB] }, ["authors[0]", "at most 120"], [
      MB.slice(0, 200),
    ]),
    m("authors not a list", { suite: "convection1d", authors: "me" }, ["authors", "array"]),
    m("authors with a number", { suite: "convection1d", authors: ["a", 1] }, ["authors"]),
    m("no suite", {}, ["suite", "required"]),
    m("suite a number", { suite: 7 }, ["suite", "non-empty string"]),
    m("suite empty", { suite: "" }, ["suite", "non-empty string"]),
    m("history 0", { suite: "convection1d", history: 0 }, ["history", "≥ 1"]),
    m("history -1", { suite: "convection1d", history: -1 }, ["history"]),
    m("history 1.5", { suite: "convection1d", history: 1.5 }, ["history"]),
    m('history "2"', { suite: "convection1d", history: "2" }, ["history"]),
    m("graphs a list", { suite: "convection1d", graphs: ["m.onnx"] }, ["graphs", "an object"]),
    m("graphs.step empty", { suite: "convection1d", graphs: { step: "" } }, ["graphs.step"]),
    m("graphs.step a number", { suite: "convection1d", graphs: { step: 1 } }, ["graphs.step"]),
    m("graphs unknown role", { suite: "convection1d", graphs: { step: "a", loss: "b" } }, [
      "graphs.loss",
    ]),
    m("graphs encode without decode", {
      suite: "convection1d",
      graphs: { step: "model.onnx", encode: "e.onnx" },
    }, ["graphs", "{encode, step, decode}"]),
    m("normalize std 0", { suite: "convection1d", normalize: { mean: [0], std: [0] } }, [
      "normalize.std[0]",
      "positive",
    ]),
    m("normalize lengths differ", {
      suite: "convection1d",
      normalize: { mean: [0, 1], std: [1] },
    }, ["normalize", "equal length"]),
    m("carry a list", { suite: "convection1d", carry: ["h"] }, ["carry"]),
    {
      area: "manifest",
      name: "invalid UTF-8",
      code: 2,
      names: ["emulator.json", "UTF-8"],
      run: async (_w, dir) => {
        const d = await modelDir(join(dir, "m"));
        await Deno.writeFile(join(d, "emulator.json"), new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]));
        return await lib(() => loadModel(d));
      },
    },
    {
      area: "manifest",
      name: "manifest over 1 MiB",
      code: 2,
      names: ["emulator.json", "at most 1048576 bytes"],
      run: async (_w, dir) => {
        const d = await modelDir(join(dir, "m"), `{"suite": "convection1d"}${" ".repeat(1 << 20)}`);
        return await lib(() => loadModel(d));
      },
    },
  ];
}

// ------------------------------------------------------------------ submissions

/** Evaluate the submissions under `subs`, as an outcome of submission `name`. */
async function submissionOutcome(subs: string, results: string, name: string): Promise<Outcome> {
  const lines: string[] = [];
  const all = await evaluateSubmissions(subs, {
    resultsDir: results,
    tier: "smoke",
    backend: "wasm",
    log: (m) => lines.push(m),
  });
  const o = all.find((x) => x.name === name);
  if (!o) return { code: 3, message: `no outcome for ${name}: ${lines.join("\n")}` };
  if (o.status === "failed") return { code: o.internal ? 3 : 2, message: o.reason ?? "" };
  return { code: 0, message: lines.join("\n") };
}

function submissionCases(): Case[] {
  const sub = (
    name: string,
    make: (subs: string, w: { secret: string; dir: string }) => Promise<string>,
    names: string[],
    code = 2,
  ): Case => ({
    area: "submission",
    name,
    code,
    names,
    run: async (w, dir) => {
      const subs = join(dir, "subs");
      await Deno.mkdir(subs);
      const n = await make(subs, { secret: w.secret, dir });
      return await submissionOutcome(subs, join(dir, "results"), n);
    },
  });
  return [
    sub("submission directory is a link", async (subs, w) => {
      await modelDir(join(w.dir, "outside"));
      await Deno.symlink(join(w.dir, "outside"), join(subs, "linked"));
      return "linked";
    }, ["symbolic link"]),
    sub("emulator.json links to a secret", async (subs, w) => {
      await modelDir(join(subs, "s"), null);
      await Deno.symlink(w.secret, join(subs, "s", "emulator.json"));
      return "s";
    }, ["emulator.json", "symbolic link"]),
    sub("model.onnx links to a secret", async (subs, w) => {
      await modelDir(join(subs, "s"), { suite: "convection1d" }, {});
      await Deno.symlink(w.secret, join(subs, "s", "model.onnx"));
      return "s";
    }, ["graphs.step", "symbolic link"]),
    sub("model.onnx is a FIFO", async (subs) => {
      await modelDir(join(subs, "s"), { suite: "convection1d" }, {});
      await mkfifo(join(subs, "s", "model.onnx"));
      return "s";
    }, ["graphs.step", "FIFO"]),
    sub("emulator.json is a FIFO", async (subs) => {
      await modelDir(join(subs, "s"), null);
      await mkfifo(join(subs, "s", "emulator.json"));
      return "s";
    }, ["emulator.json", "FIFO"]),
    sub("graph escapes with ..", async (subs) => {
      await modelDir(join(subs, "s"), { suite: "convection1d", graphs: { step: "../x.onnx" } }, {});
      await Deno.writeFile(join(subs, "x.onnx"), scaleGraph(X, 1));
      return "s";
    }, ["graphs.step", "inside the model directory"]),
    sub("graph with external data", async (subs) => {
      await modelDir(join(subs, "s"), undefined, { "model.onnx": externalDataGraph("w.bin") });
      return "s";
    }, ["external data"]),
    sub("unknown suite", async (subs) => {
      await modelDir(join(subs, "s"), { suite: "burgers9d" });
      return "s";
    }, ["burgers9d"]),
    sub("not an ONNX graph", async (subs) => {
      await modelDir(join(subs, "s"), undefined, { "model.onnx": "not protobuf at all" });
      return "s";
    }, ["model.onnx"]),
    sub("wrong grid size", async (subs) => {
      await modelDir(join(subs, "s"), undefined, { "model.onnx": scaleGraph(512, 1) });
      return "s";
    }, ["1024"]),
    sub("500 kB description", async (subs) => {
      await modelDir(join(subs, "s"), { suite: "convection1d", description: MB });
      return "s";
    }, ["description", "at most"]),
    {
      area: "submission",
      name: "submissions path is a file",
      code: 2,
      names: ["subs", "a directory"],
      run: async (_w, dir) => {
        await Deno.writeTextFile(join(dir, "subs"), "x");
        return await lib(() => evaluateSubmissions(join(dir, "subs"), { resultsDir: dir }));
      },
    },
    {
      area: "submission",
      name: "results path is a file",
      code: 2,
      names: ["results", "a directory"],
      run: async (_w, dir) => {
        const subs = join(dir, "subs");
        await modelDir(join(subs, "s"));
        await Deno.writeTextFile(join(dir, "results"), "x");
        return await submissionOutcome(subs, join(dir, "results"), "s");
      },
    },
  ];
}

// ------------------------------------------------------------------ data files

function dataCases(): Case[] {
  const d = (
    name: string,
    make: (path: string, w: { good: string; dir: string }) => Promise<string>,
    names: (string | RegExp)[],
    options: { ics?: number; steps?: number } = {},
  ): Case => ({
    area: "data",
    name,
    code: 2,
    names,
    run: async (w, dir) => {
      const path = await make(join(dir, "data.npy"), { good: w.data, dir });
      return await lib(() => loadDataset(path, conv(), options));
    },
  });
  const npy = async (p: string, data: Float32Array, shape: number[]) => {
    await writeNpy(p, data, shape);
    return p;
  };
  return [
    d("a FIFO", async (p) => (await mkfifo(p), p), ["--data", "FIFO"]),
    d("/dev/zero", () => Promise.resolve("/dev/zero"), ["/dev/zero", "character device"]),
    d("/dev/null", () => Promise.resolve("/dev/null"), ["/dev/null", "character device"]),
    d("a link to a FIFO", async (p, w) => {
      await mkfifo(join(w.dir, "fifo"));
      await Deno.symlink(join(w.dir, "fifo"), p);
      return p;
    }, ["FIFO"]),
    d("a directory", async (p) => (await Deno.mkdir(p), p), ["data.npy", "a directory"]),
    d("missing", (p) => Promise.resolve(p), ["data.npy", "no such file"]),
    d("under a regular file", async (p) => {
      await Deno.writeTextFile(p, "x");
      return join(p, "inner.npy");
    }, ["inner.npy"]),
    d("empty .npy", async (p) => (await Deno.writeFile(p, new Uint8Array(0)), p), ["data.npy"]),
    d("bad magic", async (p) => (await Deno.writeTextFile(p, "NUMPY? no".repeat(20)), p), [
      "data.npy",
    ]),
    d("truncated", async (p, w) => {
      const b = await Deno.readFile(w.good);
      await Deno.writeFile(p, b.subarray(0, b.length >> 1));
      return p;
    }, ["data.npy"]),
    d("header claims 2^40 values", async (p) => {
      const h = "{'descr': '<f4', 'fortran_order': False, 'shape': (1048576, 1048576), }";
      const pad = " ".repeat(118 - h.length) + "\n";
      const head = enc.encode(`\x93NUMPY\x01\x00v\x00${h}${pad}`);
      await Deno.writeFile(p, head);
      return p;
    }, ["data.npy"]),
    d("NaN at a known index", async (p) => {
      const a = new Float32Array(2 * 3 * X);
      a[1 * 3 * X + 2 * X + 17] = NaN;
      return await npy(p, a, [2, 3, 1, X]);
    }, ["data.npy", /finite/]),
    d("Infinity in the initial state", async (p) => {
      const a = new Float32Array(2 * 3 * X);
      a[5] = Infinity;
      return await npy(p, a, [2, 3, 1, X]);
    }, ["data.npy", /finite/]),
    d("wrong rank", async (p) => await npy(p, new Float32Array(X), [X]), ["data.npy", "rank"]),
    d("wrong grid", async (p) => await npy(p, new Float32Array(2 * 3 * 512), [2, 3, 1, 512]), [
      "data.npy",
      "1024",
    ]),
    d("one time step only", async (p) => await npy(p, new Float32Array(2 * X), [2, 1, 1, X]), [
      "data.npy",
    ]),
    d("--ics 1e7 beyond the file", (_p, w) => Promise.resolve(w.good), ["ics"], {
      ics: 1e7,
    }),
    d("--steps 2e9 beyond the file", (_p, w) => Promise.resolve(w.good), ["steps"], {
      steps: 2e9,
    }),
    d("unknown extension", async (_p, w) => {
      const p = join(w.dir, "data.csv");
      await Deno.writeTextFile(p, "1,2,3");
      return p;
    }, ["data.csv"]),
    d("HDF5 that is garbage", async (_p, w) => {
      const p = join(w.dir, "data.h5");
      await Deno.writeTextFile(p, "not hdf5".repeat(100));
      return p;
    }, ["data.h5"]),
  ];
}

// ------------------------------------------------------------------ Zarr and CF packing

const WB2: Wb2Fixture = {
  lat: Array.from({ length: 37 }, (_, i) => 90 - 5 * i),
  nlon: 72,
  time: Array.from({ length: 9 }, (_, k) => 6 * k),
  units: "hours since 2001-03-01",
  levels: [500, 850],
};

function zarrCases(): Case[] {
  const z = (
    name: string,
    edit: (store: string) => Promise<void>,
    names: (string | RegExp)[],
    code = 2,
  ): Case => ({
    area: "zarr",
    name,
    code,
    names,
    run: async (_w, dir) => {
      const store = join(dir, "era5.zarr");
      await writeZarrV2(store, WB2);
      await edit(store);
      return await lib(() => loadDataset(store, era5, { ics: 1, steps: 2 }));
    },
  });
  const attrs = async (store: string, name: string, add: Record<string, unknown>) => {
    const p = join(store, name, ".zattrs");
    const old = JSON.parse(await Deno.readTextFile(p).catch(() => "{}"));
    await Deno.writeTextFile(p, JSON.stringify({ ...old, ...add }));
  };
  const chunk = async (store: string, name: string) => {
    for await (const e of Deno.readDir(join(store, name))) {
      if (!e.name.startsWith(".")) return join(store, name, e.name);
    }
    throw new Error(`no chunk in ${name}`);
  };
  return [
    z("a missing chunk", async (s) => await Deno.remove(await chunk(s, "2m_temperature")), [
      "era5.zarr",
      "chunk",
      "missing chunks are not filled in",
    ]),
    z("a chunk that is a FIFO", async (s) => {
      const c = await chunk(s, "2m_temperature");
      await Deno.remove(c);
      await mkfifo(c);
    }, ["era5.zarr", "chunk"]),
    z("a chunk that is a directory", async (s) => {
      const c = await chunk(s, "2m_temperature");
      await Deno.remove(c);
      await Deno.mkdir(c);
    }, ["era5.zarr"]),
    z("a truncated chunk", async (s) => {
      const c = await chunk(s, "2m_temperature");
      const b = await Deno.readFile(c);
      await Deno.writeFile(c, b.subarray(0, 100));
    }, ["era5.zarr", "chunk"]),
    z("_Unsigned packing", (s) => attrs(s, "2m_temperature", { _Unsigned: "true" }), [
      "2m_temperature._Unsigned",
    ]),
    z("scale_factor a string", (s) => attrs(s, "2m_temperature", { scale_factor: "0.5" }), [
      "2m_temperature.scale_factor",
      "one number",
    ]),
    z("valid_range mask", (s) => attrs(s, "2m_temperature", { valid_range: [0, 1] }), [
      "2m_temperature.valid_range",
    ]),
    z("_FillValue present in the data", async (s) => {
      // The fixture's first value becomes the fill value: that element is missing data.
      const c = await chunk(s, "2m_temperature");
      const v = new DataView((await Deno.readFile(c)).buffer).getFloat32(0, true);
      await attrs(s, "2m_temperature", { _FillValue: v });
    }, ["2m_temperature", "time index 0", /latitude index \d+/]),
    z("missing_value present in the data", async (s) => {
      const c = await chunk(s, "2m_temperature");
      const v = new DataView((await Deno.readFile(c)).buffer).getFloat32(0, true);
      await attrs(s, "2m_temperature", { missing_value: v });
    }, ["2m_temperature", "time index 0"]),
    z("NaN in the reference", async (s) => {
      const c = await chunk(s, "2m_temperature");
      const b = await Deno.readFile(c);
      new DataView(b.buffer).setFloat32(4 * (37 * 72 + 5), NaN, true);
      await Deno.writeFile(c, b);
    }, ["2m_temperature", "NaN", "time index 1"]),
    z(
      "scale_factor and add_offset applied",
      async (s) => {
        await attrs(s, "2m_temperature", { scale_factor: 1, add_offset: 0 });
      },
      [],
      0,
    ),
    z(".zarray is a FIFO", async (s) => {
      const p = join(s, "2m_temperature", ".zarray");
      await Deno.remove(p);
      await mkfifo(p);
    }, ["era5.zarr"]),
  ];
}

// ------------------------------------------------------------------ JSON inputs and gate

function jsonCases(): Case[] {
  const out: Case[] = [];
  const kinds: {
    kind: string;
    make: (p: string, w: { dir: string }) => Promise<string>;
    names: (string | RegExp)[];
  }[] = [
    { kind: "missing", make: (p) => Promise.resolve(p), names: ["no such file"] },
    { kind: "a directory", make: async (p) => (await Deno.mkdir(p), p), names: ["a directory"] },
    { kind: "a FIFO", make: async (p) => (await mkfifo(p), p), names: ["FIFO"] },
    { kind: "/dev/zero", make: () => Promise.resolve("/dev/zero"), names: ["character device"] },
    {
      kind: "not JSON",
      make: async (p) => (await Deno.writeTextFile(p, "{oops"), p),
      names: [/JSON/],
    },
    {
      kind: "a JSON list",
      make: async (p) => (await Deno.writeTextFile(p, "[]"), p),
      names: [/object|expected/],
    },
  ];
  for (const k of kinds) {
    out.push({
      area: "json",
      name: `gate --candidate ${k.kind}`,
      code: 2,
      names: ["cand.json", ...(k.kind === "missing" ? ["--candidate"] : []), ...k.names],
      run: async (w, dir) => {
        const p = await k.make(join(dir, "cand.json"), { dir });
        return await cli(["gate", "--baseline", w.result, "--candidate", p]);
      },
    });
    out.push({
      area: "json",
      name: `gate --baseline ${k.kind}`,
      code: 2,
      names: ["base.json", ...(k.kind === "missing" ? ["--baseline"] : []), ...k.names],
      run: async (w, dir) => {
        const p = await k.make(join(dir, "base.json"), { dir });
        return await cli(["gate", "--baseline", p, "--candidate", w.result]);
      },
    });
    out.push({
      area: "json",
      name: `gate --rules ${k.kind}`,
      code: 2,
      names: ["rules.json", ...k.names],
      run: async (w, dir) => {
        const p = await k.make(join(dir, "rules.json"), { dir });
        return await cli(["gate", "--baseline", w.result, "--candidate", w.result, "--rules", p]);
      },
    });
    out.push({
      area: "json",
      name: `report of ${k.kind}`,
      code: 2,
      names: ["r.json", ...k.names],
      run: async (_w, dir) => {
        const p = await k.make(join(dir, "r.json"), { dir });
        return await cli(["report", p, "--out", join(dir, "report.html")]);
      },
    });
  }
  // /dev/zero is named as itself, not as the requested file name.
  for (const c of out) {
    if (c.name.endsWith("/dev/zero")) c.names = ["/dev/zero", "character device"];
  }
  const tampered = (name: string, edit: (r: Record<string, unknown>) => void, names: string[]) =>
    ({
      area: "json",
      name: `gate: candidate ${name}`,
      code: 2,
      names: ["cand.json", ...names],
      run: async (w: { result: string }, dir: string) => {
        const r = JSON.parse(await Deno.readTextFile(w.result));
        edit(r);
        const p = join(dir, "cand.json");
        await Deno.writeTextFile(p, JSON.stringify(r));
        return await cli(["gate", "--baseline", w.result, "--candidate", p]);
      },
    }) as Case;
  out.push(
    tampered("with a row value edited", (r) => {
      const rows = r.rows as { value: number }[];
      rows[0].value = rows[0].value + 1;
    }, []),
    tampered("without rows", (r) => void delete r.rows, ["rows"]),
    tampered("with a wrong schema", (r) => void (r.schema = "emubench.result/999"), ["schema"]),
    tampered("with NaN turned to a string", (r) => {
      (r.rows as { value: unknown }[])[0].value = "NaN";
    }, ["value"]),
  );
  // A frontier block made from the result's own rows (valid: tests/frontier_test.ts), then one
  // claim about the model edited; the verdict is recomputed so that only the claim is wrong.
  const frontierTampered = (name: string, edit: (f: Frontier) => void, names: string[]) =>
    tampered(`frontier ${name}`, (raw) => {
      const r = raw as unknown as Result;
      const steps = [...new Set([...r.config.summarySteps, r.config.steps])].sort((a, b) => a - b);
      const model = {
        label: r.model.name,
        ...frontierErrors(r.rows, r.suite.fields, steps, r.config.ics),
        secondsPerStep: 1e-4,
        diverged: r.divergence.filter((d) => d.step !== null).length,
      };
      const rungs = [{
        label: "2×",
        error: steps.map(() => 1e-6),
        score: 1e-6,
        secondsPerStep: 1e-3,
        diverged: 0,
        id: "solver_2x",
        factor: 2,
        description: "d",
        graphSha256: "0".repeat(64),
        timing: "measured" as const,
      }];
      const f: Frontier = {
        scheme: "s",
        compared: "c",
        machine: { os: "linux", arch: "x86_64", cpus: 2, cpu: null, host: "h" },
        backend: "wasm",
        adapter: null,
        batch: 1,
        timingSteps: 1,
        metric: "nrmse",
        steps,
        headlineStep: r.config.steps,
        rungs,
        model,
        matched: null,
        note: "n",
      };
      edit(f);
      Object.assign(f, frontierVerdict(f.rungs, f.model, f.steps.length - 1));
      raw.frontier = f;
    }, names);
  out.push(
    frontierTampered("model error better than its rows", (f) => {
      f.model.error = f.model.error.map((e) => e === null ? null : e / 100);
    }, ["frontier.model.error[0]", "from the result's own rows"]),
    frontierTampered("model score better than its rows", (f) => {
      f.model.score = 1e-9;
    }, ["frontier.model.score"]),
    frontierTampered("model diverged count hidden", (f) => {
      f.model.diverged = f.model.diverged + 1;
    }, ["frontier.model.diverged"]),
    frontierTampered("model label of another model", (f) => {
      f.model.label = "someone_else";
    }, ["frontier.model.label", "someone_else"]),
    frontierTampered("headline step short of the horizon", (f) => {
      f.steps = f.steps.slice(0, -1);
      f.headlineStep = f.steps[f.steps.length - 1];
      f.model.error = f.model.error.slice(0, -1);
      f.rungs[0].error = f.rungs[0].error.slice(0, -1);
    }, ["frontier.headlineStep", "config.steps"]),
  );
  out.push({
    area: "json",
    name: "gate: rules switch every check off",
    code: 2,
    names: ["rules.json", "no check"],
    run: async (w, dir) => {
      const p = join(dir, "rules.json");
      await Deno.writeTextFile(
        p,
        JSON.stringify({
          curves: false,
          geomean: false,
          divergence: false,
          stability: false,
          reconstruct: false,
        }),
      );
      return await cli(["gate", "--baseline", w.result, "--candidate", w.result, "--rules", p]);
    },
  });
  // Issue 13 §8: the rules file's `metric` and `steps` messages name the file, the field, what
  // was expected and what was found.
  const rules = (name: string, body: unknown, names: (string | RegExp)[]): Case => ({
    area: "json",
    name: `gate: rules ${name}`,
    code: 2,
    names: [/\/rules\.json: /, ...names],
    run: async (w, dir) => {
      const p = join(dir, "rules.json");
      await Deno.writeTextFile(p, JSON.stringify(body));
      return await cli(["gate", "--baseline", w.result, "--candidate", w.result, "--rules", p]);
    },
  });
  out.push(
    rules("curves metric unknown", { curves: [{ metric: "bogus_metric", maxRatio: 1.1 }] }, [
      "curves[0].metric: expected a metric of the baseline result's catalogue",
      'found "bogus_metric"',
    ]),
    rules("curves metric a number", { curves: [{ metric: 5, maxRatio: 1.1 }] }, [
      "curves[0].metric: expected a metric id, found 5",
    ]),
    rules("geomean metric unknown", { geomean: { metric: "bogus", maxRatio: 1.1 } }, [
      "geomean.metric: expected a metric of the baseline result's catalogue",
      'found "bogus"',
    ]),
    rules("steps beyond the horizon", {
      curves: [{ metric: "nrmse", steps: [1, 999], maxRatio: 1.1 }],
    }, ["curves[0].steps: expected steps in 1..20", "found 999"]),
    rules("steps 2e9", { curves: [{ metric: "nrmse", steps: [2e9], maxRatio: 1.1 }] }, [
      "curves[0].steps: expected steps in 1..20",
      "found 2000000000",
    ]),
    rules("steps a word", { curves: [{ metric: "nrmse", steps: "sometimes", maxRatio: 1.1 }] }, [
      'curves[0].steps: expected "summary" or a non-empty list of steps ≥ 1',
      'found "sometimes"',
    ]),
    rules("steps [0]", { curves: [{ metric: "nrmse", steps: [0], maxRatio: 1.1 }] }, [
      "curves[0].steps: expected",
      "found [0]",
    ]),
    rules("steps a number", { curves: [{ metric: "nrmse", steps: 5, maxRatio: 1.1 }] }, [
      "curves[0].steps: expected",
      "found 5",
    ]),
  );
  out.push({
    area: "json",
    name: "gate: --candidate names a missing file",
    code: 2,
    names: [/\/nope\.json: --candidate: expected a file: a JSON result file, found no such file/],
    run: (w, dir) => cli(["gate", "--baseline", w.result, "--candidate", join(dir, "nope.json")]),
  });
  out.push({
    area: "json",
    name: "gate: a result against itself passes",
    code: 0,
    run: (w) => cli(["gate", "--baseline", w.result, "--candidate", w.result]),
  });
  out.push({
    area: "json",
    name: "gate: missing --candidate flag",
    code: 2,
    names: ["--candidate"],
    run: (w) => cli(["gate", "--baseline", w.result]),
  });
  return out;
}

// ------------------------------------------------------------------ flags

function flagCases(): Case[] {
  const base = [
    "run",
    "--suite",
    "convection1d",
    "--model",
    "baseline:persistence",
    "--tier",
    "smoke",
    "--backend",
    "wasm",
  ];
  const f = (name: string, extra: string[], names: (string | RegExp)[]): Case => ({
    area: "flags",
    name: `run ${name}`,
    code: 2,
    names,
    run: (w) => cli([...base, "--out", w.runDir, ...extra]),
  });
  const cases: Case[] = [
    f("--steps 2e9", ["--steps", "2e9"], ["--steps", "GiB"]),
    f("--ics 1e7", ["--ics", "1e7"], ["--ics", "GiB"]),
    f("--ics 1e7 --steps 2e9", ["--ics", "1e7", "--steps", "2e9"], ["--ics", "--steps"]),
    f("--steps -1", ["--steps", "-1"], ["--steps"]),
    f("--steps=-1", ["--steps=-1"], ["--steps", "positive"]),
    f("--steps 0", ["--steps", "0"], ["--steps", "positive"]),
    f("--steps 1.5", ["--steps", "1.5"], ["--steps", "integer"]),
    f("--steps abc", ["--steps", "abc"], ["--steps", "integer"]),
    f("--steps empty", ["--steps", ""], ["--steps"]),
    f("--steps 1e400", ["--steps", "1e400"], ["--steps"]),
    f("--ics 0", ["--ics", "0"], ["--ics", "positive"]),
    f("--ics -5", ["--ics", "-5"], ["--ics"]),
    f("--batch 0", ["--batch", "0"], ["--batch", "positive"]),
    f("--seed=-1", ["--seed=-1"], ["--seed", "non-negative"]),
    f("--seed 1.5", ["--seed", "1.5"], ["--seed"]),
    f("--seed 2^60", ["--seed", String(2 ** 60)], ["--seed"]),
    f("--tier bogus", ["--tier", "bogus"], ["--tier", "bogus"]),
    f("--backend bogus", ["--backend", "bogus"], ["--backend", "bogus"]),
    f("--task bogus", ["--task", "bogus"], ["--task", "bogus"]),
    f("--shard 0/0", ["--shard", "0/0"], ["--shard"]),
    f("--shard 5/4", ["--shard", "5/4"], ["--shard"]),
    f("--shard x", ["--shard", "x"], ["--shard"]),
    f("unknown flag", ["--stepz", "3"], ["stepz"]),
  ];
  const o = (name: string, make: (dir: string) => Promise<string>, names: (string | RegExp)[]) =>
    ({
      area: "flags",
      name: `run --out ${name}`,
      code: 2,
      names,
      run: async (_w: unknown, dir: string) => await cli([...base, "--out", await make(dir)]),
    }) as Case;
  cases.push(
    o("a regular file", async (d) => {
      await Deno.writeTextFile(join(d, "out"), "x");
      return join(d, "out");
    }, ["--out", "a regular file"]),
    o("a FIFO", async (d) => (await mkfifo(join(d, "out")), join(d, "out")), ["--out", "FIFO"]),
    o("/dev/null", () => Promise.resolve("/dev/null"), ["--out", "character device"]),
    o("under a regular file", async (d) => {
      await Deno.writeTextFile(join(d, "f"), "x");
      return join(d, "f", "out");
    }, ["--out"]),
    o("a link", async (d) => {
      await Deno.mkdir(join(d, "real"));
      await Deno.symlink(join(d, "real"), join(d, "out"));
      return join(d, "out");
    }, ["--out", "symbolic link"]),
  );
  const dm = (
    name: string,
    flag: string,
    make: (dir: string) => Promise<string>,
    names: string[],
  ) =>
    ({
      area: "flags",
      name: `run ${flag} ${name}`,
      code: 2,
      names,
      run: async (w: { runDir: string }, dir: string) => {
        const p = await make(dir);
        const args = flag === "--model"
          ? ["run", "--suite", "convection1d", "--model", p, "--tier", "smoke", "--backend", "wasm"]
          : [...base, flag, p];
        return await cli([...args, "--out", join(w.runDir)]);
      },
    }) as Case;
  cases.push(
    dm(
      "a directory",
      "--data",
      async (d) => (await Deno.mkdir(join(d, "x.npy")), join(d, "x.npy")),
      ["x.npy", "a directory"],
    ),
    dm("a FIFO", "--data", async (d) => (await mkfifo(join(d, "x.npy")), join(d, "x.npy")), [
      "x.npy",
      "FIFO",
    ]),
    dm("/dev/zero", "--data", () => Promise.resolve("/dev/zero"), [
      "/dev/zero",
      "character device",
    ]),
    dm("missing", "--data", (d) => Promise.resolve(join(d, "x.npy")), ["x.npy", "no such file"]),
    dm("a FIFO", "--model", async (d) => (await mkfifo(join(d, "m.onnx")), join(d, "m.onnx")), [
      "m.onnx",
      "FIFO",
    ]),
    dm("/dev/zero", "--model", () => Promise.resolve("/dev/zero"), [
      "/dev/zero",
      "character device",
    ]),
    dm("an empty directory", "--model", (d) => Promise.resolve(d), ["no emulator.json"]),
    dm("missing", "--model", (d) => Promise.resolve(join(d, "m.onnx")), ["m.onnx"]),
    dm("a graph for another grid", "--model", async (d) => {
      await Deno.writeFile(join(d, "m.onnx"), scaleGraph(512, 1));
      return join(d, "m.onnx");
    }, ["m.onnx", "1024"]),
    dm("an empty file", "--model", async (d) => {
      await Deno.writeFile(join(d, "m.onnx"), new Uint8Array(0));
      return join(d, "m.onnx");
    }, ["m.onnx"]),
  );
  cases.push(
    {
      area: "flags",
      name: "run without --suite",
      code: 2,
      names: ["--suite"],
      run: () => cli(["run", "--model", "baseline:persistence"]),
    },
    {
      area: "flags",
      name: "run --suite bogus",
      code: 2,
      names: ["bogus"],
      run: (w) =>
        cli(["run", "--suite", "bogus", "--model", "baseline:persistence", "--out", w.runDir]),
    },
    {
      area: "flags",
      name: "unknown command",
      code: 2,
      names: ["frobnicate"],
      run: () => cli(["frobnicate"]),
    },
    {
      area: "flags",
      name: "leaderboard --out is a file",
      code: 2,
      names: ["--out"],
      run: async (w, dir) => {
        await Deno.writeTextFile(join(dir, "site"), "x");
        return await cli(["leaderboard", w.good, "--out", join(dir, "site")]);
      },
    },
    {
      area: "flags",
      name: "leaderboard results dir is a file",
      code: 2,
      names: ["r.txt"],
      run: async (_w, dir) => {
        await Deno.writeTextFile(join(dir, "r.txt"), "x");
        return await cli(["leaderboard", join(dir, "r.txt"), "--out", join(dir, "site")]);
      },
    },
    {
      area: "flags",
      name: "merge of an empty directory",
      code: 2,
      names: ["shards"],
      run: async (_w, dir) => {
        await Deno.mkdir(join(dir, "shards"));
        return await cli(["merge", join(dir, "shards"), "--out", join(dir, "m")]);
      },
    },
    {
      area: "flags",
      name: "merge of a FIFO",
      code: 2,
      names: ["shard-1-of-2.json", "FIFO"],
      run: async (_w, dir) => {
        await mkfifo(join(dir, "shard-1-of-2.json"));
        return await cli(["merge", join(dir, "shard-1-of-2.json"), "--out", join(dir, "m")]);
      },
    },
  );
  return cases;
}

// ------------------------------------------------------------------ history beyond the horizon

/** Issue 13 §8: a history window longer than the rollout names emulator.json and the numbers. */
function historyCases(): Case[] {
  const h = (name: string, k: number, args: string[], names: (string | RegExp)[]): Case => ({
    area: "manifest",
    name,
    code: 2,
    names: [/\/m\/emulator\.json: history: expected at most/, ...names],
    run: async (_w, dir) => {
      const m = await modelDir(join(dir, "m"), { suite: "convection1d", history: k }, {
        "model.onnx": lastOfWindowGraph(X, k),
      });
      return await cli([
        "run",
        "--suite",
        "convection1d",
        "--model",
        m,
        "--backend",
        "wasm",
        "--out",
        join(dir, "out"),
        ...args,
      ]);
    },
  });
  return [
    h("history 25 beyond the smoke tier's 20 steps", 25, ["--tier", "smoke"], [
      "at most 20 (the rollout's 20 steps",
      "found 25",
    ]),
    h("history 4 beyond --steps 3", 4, ["--tier", "smoke", "--steps", "3"], [
      "at most 3",
      "found 4",
    ]),
    h("history 2e9", 2e9, ["--tier", "smoke"], ["found 2000000000"]),
  ];
}

// ------------------------------------------------------------------ tampered shards

/** Two good shards of one run (convection1d smoke, lax_wendroff, batch 1), made once. */
let goodShards: Promise<string[]> | undefined;
function shardsOnce(root: string): Promise<string[]> {
  return goodShards ??= (async () => {
    const dir = join(root, "shards");
    for (const index of [1, 2]) {
      await evaluate({
        suite: "convection1d",
        model: "baseline:lax_wendroff",
        tier: "smoke",
        backend: "wasm",
        batch: 1,
        outDir: dir,
        shard: { index, count: 2 },
      });
    }
    return [1, 2].map((k) => join(dir, `shard-${k}-of-2.json`));
  })();
}

type Shard = Record<string, unknown> & {
  rows: Record<string, unknown>[];
  scorer: Record<string, unknown> & { values: string; energyPred: string; covered: number[] };
  divergence: { ic: number; step: number | null }[];
};

function mergeCases(): Case[] {
  const tampered = (
    name: string,
    edit: (s: Shard) => void,
    names: (string | RegExp)[],
    code = 2,
  ): Case => ({
    area: "merge",
    name: `merge: shard 2 ${name}`,
    code,
    names: code === 2 ? ["bad-2-of-2.json", ...names] : names,
    run: async (w, dir) => {
      const [s1, s2] = await shardsOnce(w.root);
      const shard = JSON.parse(await Deno.readTextFile(s2)) as Shard;
      edit(shard);
      const bad = join(dir, "bad-2-of-2.json");
      await Deno.writeTextFile(bad, JSON.stringify(shard));
      const out = join(dir, "merged");
      const o = await cli(["merge", s1, bad, "--out", out, "--no-report"]);
      const left = await Deno.stat(out).then(() => true, () => false);
      return code !== 0 && left ? { code: 99, message: `${o.message}\nleft ${out}` } : o;
    },
  });
  const row = (s: Shard, pick: (r: Record<string, unknown>) => boolean) => {
    const r = s.rows.find(pick);
    if (!r) throw new Error("no such row in the shard");
    return r;
  };
  /** Decode the scorer's per-step values, change one, encode again. */
  const editValues = (
    s: Shard,
    key: "values" | "energyPred",
    i: number,
    f: (v: number) => number,
  ) => {
    const text = s.scorer[key];
    const a = base64ToF64(text, atob(text).length / 8, "test", "test");
    a[i] = f(a[i]);
    s.scorer[key] = f64ToBase64(a);
  };
  return [
    tampered("unchanged merges", () => {}, [], 0),
    tampered("with a per-IC row value edited (mse halved)", (s) => {
      const r = row(s, (r) => r.metric === "mse" && r.ic === 2 && r.value !== null);
      r.value = (r.value as number) / 2;
    }, [/rows\[\d+\] \(metric mse, field u, step \d+, IC 2\)/, "expected value", "found value"]),
    tampered("with a mean row value edited (energy_error)", (s) => {
      const r = row(s, (r) => r.metric === "energy_error" && r.step === 1);
      r.value = 0;
    }, [/metric energy_error, field \*, step 1/, "expected value", "found value 0"]),
    tampered("with a geometric mean nudged by one ulp", (s) => {
      const r = row(s, (r) => r.reduction === "geomean_over_steps" && r.ic === 3);
      r.value = (r.value as number) * (1 + Number.EPSILON);
    }, [/rows\[\d+\] \(metric \w+, field u, IC 3, reduction geomean_over_steps\)/]),
    tampered("with a row's IC changed", (s) => {
      row(s, (r) => r.metric === "mse" && r.ic === 2).ic = 3;
    }, [/rows\[\d+\]\.ic/, "IC 2", "IC 3"]),
    tampered("with a row removed", (s) => void s.rows.splice(5, 1), [/rows\[5\]/]),
    tampered("with its last row removed", (s) => void s.rows.pop(), [
      /rows: expected \d+ rows/,
      "ending before",
    ]),
    tampered("with a row added", (s) => void s.rows.push({ ...s.rows[0] }), [
      /rows: expected \d+ rows/,
      "the first extra",
    ]),
    tampered("with its scorer values edited (IC 2's mse at step 1)", (s) => {
      editValues(s, "values", 0, (v) => v / 4);
    }, [/rows\[\d+\] \(metric mse, field u, step 1/, "scorer", "expected value", "found"]),
    tampered("with its scorer energies edited", (s) => {
      editValues(s, "energyPred", 1, (v) => v * 2);
    }, [/metric energy_(error|pred)/, "found value"]),
    tampered("with its divergence hidden-shifted", (s) => {
      s.divergence[0].step = 3;
    }, ["divergence[0].step (IC 2)", "expected null", "found 3"]),
    tampered("of schema shard/1", (s) => void (s.schema = "emubench.shard/1"), [
      'schema: expected "emubench.shard/2"',
      "no rows",
    ]),
    tampered("without rows", (s) => void delete (s as Record<string, unknown>).rows, [
      "rows: expected a list of row objects",
    ]),
  ];
}

// ------------------------------------------------------------------ interrupted output sets

function interruptCases(): Case[] {
  const ok = (message: string[]): Outcome => ({
    code: message.length ? 1 : 0,
    message: message.join("; "),
  });
  const set = async (dir: string, files: Record<string, string>) => {
    const s = await OutputSet.begin(dir, Object.keys(files).concat(["pred.npy", "ref.npy"]));
    for (const [k, v] of Object.entries(files)) await Deno.writeTextFile(s.path(k), v);
    await s.commit();
  };
  const i = (name: string, fn: (dir: string) => Promise<string[]>): Case => ({
    area: "interrupt",
    name,
    code: 0,
    run: async (_w, dir) => ok(await fn(dir)),
  });
  const names = async (dir: string) => {
    const n: string[] = [];
    for await (const e of Deno.readDir(dir)) n.push(e.name);
    return n.sort();
  };
  const cases: Case[] = [];
  // A writer failing after k of the set's files: the old set stays whole, nothing is left over.
  for (let k = 0; k <= 3; k++) {
    cases.push(i(`a write fails after ${k} of 4 files`, async (dir) => {
      const out = join(dir, "run");
      await set(out, {
        "result.json": "old",
        "report.html": "old",
        "pred.npy": "old",
        "ref.npy": "old",
      });
      const before = await snapshot(out);
      const s = await OutputSet.begin(out, ["result.json", "report.html", "pred.npy", "ref.npy"]);
      try {
        const files = ["result.json", "report.html", "pred.npy", "ref.npy"];
        for (let j = 0; j < files.length; j++) {
          if (j === k) {
            throw Object.assign(new Error("No space left on device (os error 28)"), {
              code: "ENOSPC",
            });
          }
          await Deno.writeTextFile(s.path(files[j]), "new");
        }
        await s.commit();
      } catch {
        /* the failure under test */
      } finally {
        s.abandon();
      }
      const problems = diffSnapshots(before, await snapshot(out));
      const left = (await names(dir)).filter((n) => n !== "run");
      if (left.length) problems.push(`left ${left.join(", ")}`);
      return problems;
    }));
  }
  // States a SIGKILL can leave, then the next start's sweep.
  const dead = 2 ** 22 + 12345; // above pid_max on most systems: never alive
  cases.push(
    i("killed while writing: stale staging directory", async (dir) => {
      const out = join(dir, "run");
      await set(out, { "result.json": "old" });
      await Deno.mkdir(join(dir, `.run.tmp-${dead}-0123abcd`));
      await Deno.writeTextFile(join(dir, `.run.tmp-${dead}-0123abcd`, "result.json"), "half");
      await sweepOutputSet(out);
      const p = await names(dir);
      return [
        ...(p.join() === "run" ? [] : [`left ${p}`]),
        ...(await Deno.readTextFile(join(out, "result.json")) === "old" ? [] : ["old set changed"]),
      ];
    }),
    i("killed between the two renames: old set restored", async (dir) => {
      const out = join(dir, "run");
      await set(out, { "result.json": "old", "report.html": "old" });
      await Deno.rename(out, join(dir, `.run.old-${dead}-0123abcd`));
      await Deno.mkdir(join(dir, `.run.tmp-${dead}-89abcdef`));
      await Deno.writeTextFile(join(dir, `.run.tmp-${dead}-89abcdef`, "result.json"), "new");
      await sweepOutputSet(out);
      const p = await names(dir);
      return [
        ...(p.join() === "run" ? [] : [`left ${p}`]),
        ...((await names(out)).join() === "report.html,result.json" ? [] : ["old set incomplete"]),
        ...(await Deno.readTextFile(join(out, "result.json")) === "old" ? [] : ["not the old set"]),
      ];
    }),
    i("killed after the swap: foreign files carried, old set dropped", async (dir) => {
      const out = join(dir, "run");
      await set(out, { "result.json": "new" });
      await Deno.mkdir(join(dir, `.run.old-${dead}-0123abcd`));
      await Deno.writeTextFile(join(dir, `.run.old-${dead}-0123abcd`, "result.json"), "old");
      await Deno.writeTextFile(join(dir, `.run.old-${dead}-0123abcd`, "pred.npy"), "old");
      await Deno.writeTextFile(join(dir, `.run.old-${dead}-0123abcd`, "notes.txt"), "mine");
      await sweepOutputSet(
        out,
        (n) => ["result.json", "report.html", "pred.npy", "ref.npy"].includes(n),
      );
      return [
        ...((await names(dir)).join() === "run" ? [] : [`left ${await names(dir)}`]),
        ...((await names(out)).join() === "notes.txt,result.json"
          ? []
          : [`new set ${await names(out)}`]),
      ];
    }),
    i("a live process's staging directory is left alone", async (dir) => {
      const out = join(dir, "run");
      await Deno.mkdir(join(dir, `.run.tmp-${Deno.pid}-0123abcd`));
      await sweepOutputSet(out);
      return (await names(dir)).includes(`.run.tmp-${Deno.pid}-0123abcd`)
        ? []
        : ["removed a live staging dir"];
    }),
    i("a new set drops an old pred.npy it does not rewrite", async (dir) => {
      const out = join(dir, "run");
      await set(out, { "result.json": "old", "pred.npy": "old" });
      await Deno.writeTextFile(join(out, "notes.txt"), "mine");
      await set(out, { "result.json": "new" });
      return (await names(out)).join() === "notes.txt,result.json" ? [] : [`${await names(out)}`];
    }),
    i("a similarly named sibling is not swept", async (dir) => {
      const out = join(dir, "run");
      await Deno.mkdir(join(dir, `.run2.tmp-${dead}-0123abcd`));
      await Deno.mkdir(join(dir, `.run.tmp-notapid`));
      await sweepOutputSet(out);
      return (await names(dir)).length === 2 ? [] : ["swept a stranger's directory"];
    }),
  );
  // stability and reconstruct write one output set too: a writer failing inside the set (a full
  // disk) leaves the old set whole and nothing beside it; a finished run replaces the whole set
  // (an old pred.npy or checkpoint.json never stays beside a new result.json), keeping other files.
  const full = () => {
    throw Object.assign(new Error("No space left on device (os error 28)"), { code: "ENOSPC" });
  };
  const task = (
    name: string,
    files: Record<string, string>,
    go: (out: string, extra: Record<string, () => Promise<void>>) => Promise<unknown>,
    after: string,
  ) => [
    i(`${name}: a full disk inside the set keeps the old set`, async (dir) => {
      const out = join(dir, "out");
      await set(out, files);
      await Deno.writeTextFile(join(out, "notes.txt"), "mine");
      const before = await snapshot(out);
      let failed = false;
      await go(out, { "zz.txt": () => Promise.resolve(full()) }).catch(() => (failed = true));
      const problems = diffSnapshots(before, await snapshot(out));
      if (!failed) problems.push("the failing writer did not fail the task");
      const left = (await names(dir)).filter((n) => n !== "out");
      if (left.length) problems.push(`left ${left.join(", ")}`);
      return problems;
    }),
    i(`${name}: a finished run replaces the whole set`, async (dir) => {
      const out = join(dir, "out");
      await set(out, files);
      await Deno.writeTextFile(join(out, "notes.txt"), "mine");
      await go(out, {});
      const problems: string[] = [];
      if ((await names(out)).join() !== after) problems.push(`set ${await names(out)}`);
      if ((await Deno.readTextFile(join(out, "result.json"))) === "old") {
        problems.push("old result");
      }
      const left = (await names(dir)).filter((n) => n !== "out");
      if (left.length) problems.push(`left ${left.join(", ")}`);
      return problems;
    }),
  ];
  // The stability runs: burgers1d has no spin-up (a cold cache costs seconds, not a minute), so
  // its energy band is given here.
  const stability = {
    suite: "burgers1d",
    model: "baseline:persistence",
    tier: "smoke",
    backend: "wasm",
    energyStats: { mean: 0.11, std: 0.004 },
    ics: 1,
  } as const;
  const writers = (extra: Record<string, () => Promise<void>>) =>
    Object.fromEntries(Object.entries(extra).map(([k, f]) => [k, () => f()]));
  cases.push(
    ...task(
      "reconstruct",
      { "result.json": "old", "report.html": "old", "pred.npy": "old", "ref.npy": "old" },
      (out, extra) =>
        evaluateReconstruction({
          suite: "era5",
          model: "baseline:mean_pool_r1024",
          tier: "smoke",
          backend: "wasm",
          samples: 1,
          outDir: out,
          extraOutputs: writers(extra),
        }),
      "notes.txt,result.json",
    ),
    ...task(
      "stability",
      { "result.json": "old" },
      (out, extra) =>
        runStability({
          ...stability,
          horizon: 4,
          outDir: out,
          extraOutputs: writers(extra),
        }),
      "notes.txt,result.json",
    ),
    i(
      "stability: the finished result and the removal of its checkpoint are one swap",
      async (dir) => {
        const out = join(dir, "out");
        const o = { ...stability, horizon: 6, checkpointEvery: 2 } as const;
        await runStability({ ...o, outDir: out });
        const problems: string[] = [];
        if ((await names(out)).join() !== "result.json") problems.push(`set ${await names(out)}`);
        // Interrupted inside the set: the checkpoint (written during the run) is still there.
        await runStability({
          ...o,
          outDir: out,
          extraOutputs: { "zz.txt": () => Promise.resolve(full()) },
        })
          .catch(() => {});
        if ((await names(out)).join() !== "checkpoint.json,result.json") {
          problems.push(`after a failed set: ${await names(out)}`);
        }
        return problems;
      },
    ),
  );
  return cases;
}

// ------------------------------------------------------------------ hostile text

function textCases(): Case[] {
  const ok = (problems: string[]): Outcome => ({
    code: problems.length ? 1 : 0,
    message: problems.join("; "),
  });
  /** Build a leaderboard from the good result with `edit` applied; return its pages. */
  const board = async (
    w: { result: string },
    dir: string,
    edit: (m: Record<string, unknown>) => void,
  ) => {
    const r = JSON.parse(await Deno.readTextFile(w.result));
    r.model.kind = "model";
    edit(r.model);
    await Deno.mkdir(join(dir, "results"));
    await Deno.writeTextFile(join(dir, "results", "r.json"), JSON.stringify(r));
    const o = await cli(["leaderboard", join(dir, "results"), "--out", join(dir, "site")]);
    const pages: Record<string, string> = {};
    const walk = async (d: string, rel: string) => {
      for await (const e of Deno.readDir(d)) {
        if (e.isDirectory) await walk(join(d, e.name), `${rel}${e.name}/`);
        else pages[`${rel}${e.name}`] = await Deno.readTextFile(join(d, e.name));
      }
    };
    if (o.code === 0) await walk(join(dir, "site"), "");
    return { o, pages };
  };
  const html = (
    name: string,
    edit: (m: Record<string, unknown>) => void,
    check: (pages: Record<string, string>) => string[],
  ): Case => ({
    area: "html",
    name,
    code: 0,
    run: async (w, dir) => {
      const { o, pages } = await board(w, dir, edit);
      if (o.code !== 0) return o;
      return ok(check(pages));
    },
  });
  const big = "D".repeat(1 << 20);
  const sizes = (limit: number) => (pages: Record<string, string>) =>
    Object.entries(pages).filter(([, t]) => t.length > limit).map(([p, t]) =>
      `${p} is ${t.length} bytes`
    );
  const lacks = (re: RegExp, where = ".html") => (pages: Record<string, string>) =>
    Object.entries(pages).filter(([p, t]) => p.endsWith(where) && re.test(t)).map(([p]) =>
      `${p} holds ${re}`
    );
  const cases: Case[] = [
    html(
      "1 MB description stays out of the pages",
      (m) => void (m.description = big),
      sizes(900_000),
    ),
    html("1 MB name stays out of the pages", (m) => void (m.name = big), sizes(900_000)),
    html(
      "10 000 authors stay out of the pages",
      (m) => void (m.authors = Array(10000).fill("author")),
      (p) =>
        Object.entries(p).filter(([, t]) => (t.match(/author/g) ?? []).length > 200).map(([k]) =>
          `${k} lists them all`
        ),
    ),
    html(
      "a right-to-left override in the name is isolated",
      (m) => void (m.name = "\u202Eevil.exe"),
      (p) =>
        /<bdi>\u202Eevil\.exe<\/bdi>/.test(p["index.html"] ?? "")
          ? []
          : ["no <bdi> around the name"],
    ),
    html(
      "a right-to-left override in the description is isolated",
      (m) => void (m.description = "a\u2067b"),
      (p) =>
        /<bdi>a\u2067b<\/bdi>/.test(p["index.html"] ?? "")
          ? []
          : ["no <bdi> around the description"],
    ),
  ];
  for (
    const [what, text] of [
      ["a closing script tag", "</script><script>alert(1)</script>"],
      ["an attribute breakout", `"><img src=x onerror=alert(1)>`],
      ["an HTML comment opener", "<!--"],
      ["a CDATA section", "<![CDATA[x]]>"],
      ["an iframe", "<iframe src=//evil>"],
    ]
  ) {
    for (const field of ["name", "description", "authors"]) {
      cases.push(
        html(
          `${what} in the ${field}`,
          (m) => void (m[field] = field === "authors" ? [text] : text),
          lacks(
            new RegExp(text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")),
          ),
        ),
      );
    }
  }
  for (
    const [what, text] of [
      ["an ANSI clear-screen", "\x1b[2J\x1b[H"],
      ["a carriage return", "ok\rFAKE"],
      ["a bell", "\x07"],
      ["a right-to-left override", "\u202Egnp.exe"],
      ["an OSC hyperlink", "\x1b]8;;http://evil\x07x\x1b]8;;\x07"],
    ]
  ) {
    cases.push({
      area: "text",
      name: `${what} in a submission name reaches the terminal escaped`,
      code: 2,
      names: ["\\u{"],
      hides: [text],
      run: async (_w, dir) => {
        await Deno.mkdir(join(dir, "subs", `sub${text}`), { recursive: true });
        return await cli(["submissions", join(dir, "subs"), "--results", join(dir, "results")]);
      },
    });
  }
  return cases;
}

/** Every case of the catalogue. */
export function allCases(): Case[] {
  return [
    ...modelFileCases(),
    ...manifestCases(),
    ...historyCases(),
    ...submissionCases(),
    ...dataCases(),
    ...zarrCases(),
    ...jsonCases(),
    ...flagCases(),
    ...mergeCases(),
    ...interruptCases(),
    ...textCases(),
  ];
}

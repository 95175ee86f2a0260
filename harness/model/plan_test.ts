import { dimsMismatch, formatProblems, planModel } from "./plan.ts";
import { parseManifest } from "./manifest.ts";
import {
  atenFallbackGraph,
  carryGraph,
  heapGraphs,
  latentGraphs,
  source,
  torchCarryGraph,
  unfedInputGraph,
} from "../../fixtures/graphs.ts";
import { GraphBuilder } from "../onnx/graph.ts";

const X = 16;
const spec = { fields: ["u"], shape: [X] };
const latentFiles = { encode: "encode.onnx", step: "step.onnx", decode: "decode.onnx" };

Deno.test("dimsMismatch: symbolic dims match any size; fixed ones must agree axis by axis", () => {
  if (dimsMismatch(["batch", 8, 128], ["Addz_next_dim_0", 8, "Addz_next_dim_2"])) {
    throw new Error("torch auto-named dims must match fixed ones");
  }
  if (dimsMismatch(["N", 4], ["batch", 4])) throw new Error("batch axes match by position");
  if (dimsMismatch([null, 4], [2, 4])) throw new Error("unknown dims match");
  const m = dimsMismatch(["B", 4, 8], ["B", 4, 6]);
  if (m !== "axis 2 is 8 vs 6") throw new Error(String(m));
  if (dimsMismatch(["B", 4], ["B", 4, 1]) !== "rank 2 vs 3") throw new Error("rank");
});

Deno.test("plan: latent graphs exported separately (N vs batch, auto-named step outputs) fit", () => {
  // Like torch: encode's batch is "batch", step's is "N" and its output "Mulz_next_dim_0".
  const enc = new GraphBuilder("e");
  enc.output(enc.op("Identity", [enc.input("u", ["batch", 1, X])]), "z", ["batch", 1, X]);
  const step = new GraphBuilder("s");
  step.output(step.op("Identity", [step.input("z", ["N", 1, X])]), "z_next", [
    "Mulz_next_dim_0",
    1,
    "Mulz_next_dim_2",
  ]);
  const dec = new GraphBuilder("d");
  dec.output(dec.op("Identity", [dec.input("z", ["z_dynamic_axes_1", 1, X])]), "u", [
    "u_dynamic_axes_1",
    1,
    X,
  ]);
  const { plan, problems } = planModel(
    source({ encode: enc.build(), step: step.build(), decode: dec.build() }, {
      graphs: latentFiles,
    }),
    spec,
  );
  if (!plan) throw new Error(formatProblems(problems));
  if (plan.latent?.[0].join() !== "z,z_next" || plan.batch !== "dynamic") {
    throw new Error(JSON.stringify(plan.latent));
  }
});

Deno.test("plan: a carry whose output torch auto-named fits; a fixed mismatch names the axis", () => {
  const { plan, problems } = planModel(
    source({ step: torchCarryGraph(X, 0.1) }, { carry: { h_in: "h_out" } }),
    spec,
  );
  if (!plan) throw new Error(formatProblems(problems));
  const g = new GraphBuilder("c");
  const u = g.input("u", ["B", 1, X]);
  const h = g.input("h_in", ["B", 1, 4]);
  g.output(u, "u_next", ["B", 1, X]);
  g.output(g.op("Concat", [h, h], { axis: 2 }), "h_out", ["B", 1, 8]);
  const bad = planModel(source({ step: g.build() }, { carry: { h_in: "h_out" } }), spec);
  const p = bad.problems.find((x) => x.field === "carry h_in → h_out");
  if (!p || !p.found.includes("axis 2 is 4 vs 8")) throw new Error(JSON.stringify(bad.problems));
});

Deno.test("plan: a HEAP-like latent of three tensors, matched by name and by order", () => {
  const { plan, problems } = planModel(
    source(heapGraphs(X, 0.5, 0.25), { graphs: latentFiles }),
    spec,
  );
  if (!plan) throw new Error(formatProblems(problems));
  // Step pairs in order; encoder outputs (written e3, e1, e2) by name; decoder inputs in order.
  if (JSON.stringify(plan.latent) !== '[["e1","e1_next"],["e2","e2_next"],["e3","e3_next"]]') {
    throw new Error(JSON.stringify(plan.latent));
  }
  if (plan.encode?.outputs.join() !== "e1,e2,e3" || plan.decode?.inputs.join() !== "l1,l2,l3") {
    throw new Error(JSON.stringify([plan.encode, plan.decode]));
  }
  // Declared pairs in emulator.json are followed, in the order declared: the decoder's inputs
  // (not named like the latents) are then matched in that order, so a declaration in another
  // order than the decoder's is a problem naming each input and axis.
  const declared = planModel(
    source(heapGraphs(X, 0.5, 0.25), {
      graphs: latentFiles,
      latent: { e1: "e1_next", e2: "e2_next", e3: "e3_next" },
    }),
    spec,
  );
  if (declared.plan?.latent?.[2].join() !== "e3,e3_next") throw new Error(JSON.stringify(declared));
  const reordered = planModel(
    source(heapGraphs(X, 0.5, 0.25), {
      graphs: latentFiles,
      latent: { e3: "e3_next", e1: "e1_next", e2: "e2_next" },
    }),
    spec,
  );
  const p = reordered.problems.find((x) => x.field === "input l1");
  if (reordered.plan || !p?.found.includes("axis 1 is 1 vs 2")) {
    throw new Error(JSON.stringify(reordered.problems));
  }
  // A declared pair naming a tensor the step lacks is a problem naming it.
  const wrong = planModel(
    source(heapGraphs(X, 0.5, 0.25), { graphs: latentFiles, latent: { e1: "e9" } }),
    spec,
  );
  if (!wrong.problems.some((p) => p.field === "latent e9")) {
    throw new Error(JSON.stringify(wrong.problems));
  }
});

Deno.test("plan: single-tensor latents keep working (the existing fixture)", () => {
  const { plan, problems } = planModel(
    source(latentGraphs(X, 0.8), { graphs: latentFiles }),
    spec,
  );
  if (!plan) throw new Error(formatProblems(problems));
  if (plan.step.input !== "z" || plan.decode?.inputs.join() !== "z") throw new Error();
});

Deno.test("plan: latent sizes that differ between encoder and step name the tensor and axis", () => {
  const g = latentGraphs(X, 0.8);
  const step = new GraphBuilder("s");
  step.output(step.op("Identity", [step.input("z", ["B", 2, X / 2])]), "z_next", ["B", 2, X / 2]);
  const { problems } = planModel(
    source({ ...g, step: step.build() }, { graphs: latentFiles }),
    spec,
  );
  const p = problems.find((x) => x.file === "encode.onnx" && x.field === "output z");
  if (!p || !p.found.includes("axis 1 is 2 vs 4")) throw new Error(JSON.stringify(problems));
});

Deno.test("plan: an ATen fallback node is refused statically, naming the torch operator", () => {
  const { plan, problems } = planModel(source({ step: atenFallbackGraph(X) }), spec);
  if (plan) throw new Error("an ATen graph cannot run");
  const p = problems.find((x) => x.field === "op fft_rfft");
  if (!p || !p.found.includes('org.pytorch.aten::ATen (operator fft_rfft) at node "/ATen"')) {
    throw new Error(JSON.stringify(problems));
  }
  if (!p.found.includes("DFT")) throw new Error(`no advice for FFTs: ${p.found}`);
});

Deno.test("plan: an input emubench never feeds is refused, listing what it feeds", () => {
  const { problems } = planModel(
    source({ step: unfedInputGraph(X) }, { input: "u" }),
    spec,
  );
  const p = problems.find((x) => x.field === "input forcing");
  if (!p || !p.expected.includes("u (state)") || !p.found.includes("forcing float32")) {
    throw new Error(JSON.stringify(problems));
  }
  // With carries, the list names them too.
  const c = planModel(
    source({ step: carryGraph(X, 0.1) }, { carry: { h_in: "h_out" }, input: "u" }),
    spec,
  );
  if (c.problems.length) throw new Error(JSON.stringify(c.problems));
});

Deno.test("manifest: latent pairs are parsed and checked", () => {
  const m = parseManifest({
    suite: "burgers1d",
    graphs: latentFiles,
    latent: { e1: "e1_next", e2: "e2_next" },
  }, "emulator.json");
  if (JSON.stringify(m.latent) !== '{"e1":"e1_next","e2":"e2_next"}') throw new Error();
  let msg = "";
  try {
    parseManifest({ suite: "burgers1d", latent: { e1: "e1_next" } }, "emulator.json");
  } catch (e) {
    msg = String(e);
  }
  if (!msg.includes("emulator.json: latent: expected a latent model")) throw new Error(msg);
  try {
    parseManifest({ suite: "burgers1d", graphs: latentFiles, latent: ["e1"] }, "emulator.json");
  } catch (e) {
    msg = String(e);
  }
  if (!msg.includes("emulator.json: latent: expected an object")) throw new Error(msg);
});

import { evaluate } from "./run.ts";
import { privateSeedHash } from "./context.ts";
import { checkResult } from "../results/check.ts";
import { incomparabilities } from "../results/gate.ts";
import { isInputError } from "../core/errors.ts";

const base = {
  suite: "burgers1d",
  model: "baseline:persistence",
  tier: "smoke" as const,
  backend: "wasm" as const,
  ics: 2,
  steps: 3,
};

Deno.test("private test seed: other ICs, the result names only the seed's hash, and validates", async () => {
  const cacheDir = await Deno.makeTempDir();
  const pub = (await evaluate({ ...base, cacheDir })).result;
  const priv = (await evaluate({ ...base, cacheDir, privateSeed: 424242 })).result;
  if (priv.config.seed !== null) throw new Error(`seed recorded: ${priv.config.seed}`);
  if (priv.config.privateSeedSha256 !== await privateSeedHash(424242)) throw new Error("hash");
  if (JSON.stringify(priv).includes("424242")) throw new Error("the private seed leaked");
  const round = JSON.parse(JSON.stringify(priv));
  checkResult(round, "priv.json"); // a private-seed result is a valid result file
  const mse = (r: typeof pub) => r.rows.find((x) => x.metric === "mse" && x.step === 3)?.value;
  if (mse(pub) === mse(priv)) throw new Error("private seed scored the public ICs");
  // Comparable with the same private seed only.
  if (incomparabilities(priv, priv).length !== 0) throw new Error("same seed comparable");
  if (incomparabilities(pub, priv).length === 0) throw new Error("public vs private comparable");
  const other = (await evaluate({ ...base, cacheDir, privateSeed: 7 })).result;
  if (!incomparabilities(priv, other).some((d) => d.includes("privateSeedSha256"))) {
    throw new Error("two private seeds compared as one");
  }
  // A tampered file: null seed without its hash, or a hash beside a public seed.
  for (const patch of [{ privateSeedSha256: undefined }, { seed: 5 }]) {
    const bad = JSON.parse(JSON.stringify(priv));
    Object.assign(bad.config, patch);
    try {
      checkResult(bad, "bad.json");
      throw new Error(`accepted ${JSON.stringify(patch)}`);
    } catch (e) {
      if (!isInputError(e) || !String(e).includes("bad.json")) throw e;
    }
  }
});

Deno.test("private test seed: --seed and --shard beside it are refused, naming the flag", async () => {
  for (
    const [extra, flag] of [[{ seed: 3 }, "--seed"], [
      { shard: { index: 1, count: 2 } },
      "--shard",
    ]] as const
  ) {
    try {
      await evaluate({ ...base, privateSeed: 1, ...extra });
      throw new Error(`accepted ${flag}`);
    } catch (e) {
      if (!isInputError(e) || !String(e).includes(flag)) throw e;
    }
  }
});

Deno.test("a wasm session leaves globalThis.Worker a Web Worker (the reference pool still starts)", async () => {
  const { openBackend } = await import("../onnx/backend.ts");
  const { GraphBuilder } = await import("../onnx/graph.ts");
  const { TrajectoryPool } = await import("./trajectories.ts");
  const g = new GraphBuilder("id");
  const u = g.input("u", ["B", 1, 8]);
  g.output(g.op("Identity", [u]), "y", ["B", 1, 8]);
  const b = await openBackend("wasm");
  await b.createSession(g.build());
  const pool = new TrajectoryPool(2);
  try {
    const t = await pool.run({ suite: "convection1d", seed: 1, index: 0, steps: 1 });
    if (t.length !== 2 * 1024) throw new Error(`${t.length}`);
  } finally {
    pool.close();
  }
});

import assert from "node:assert/strict";
import { jet2dEnergyGraph } from "./energy_graph.ts";
import { jet2d } from "./suite.ts";
import { openBackend } from "../../harness/onnx/backend.ts";
import { Rng } from "../../harness/core/rng.ts";

Deno.test("jet2d energy graph equals the suite energy (Taylor–Green exact, random fields)", async () => {
  const n = 256, X = n * n, B = 3;
  const w = new Float32Array(B * X);
  // IC 0: Taylor–Green ω = −2 sin x sin y, u = (sin x cos y, −cos x sin y): E = ½⟨u² + v²⟩ = ¼.
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < n; i++) {
      w[j * n + i] = -2 * Math.sin((2 * Math.PI * i) / n) * Math.sin((2 * Math.PI * j) / n);
    }
  }
  // ICs 1, 2: random fields with power at every scale up to the Nyquist row (which the graph
  // leaves out and the suite energy keeps), so agreement is to the Nyquist share only.
  const rng = new Rng(7, 0);
  for (let k = X; k < B * X; k++) w[k] = rng.uniform() - 0.5;
  const backend = await openBackend("wasm");
  const session = await backend.createSession(jet2dEnergyGraph());
  const out = await session.run({ omega: backend.tensor("float32", w, [B, 1, n, n]) });
  const e = await backend.read(out.energy);
  assert.equal(e.length, B);
  assert.ok(Math.abs(e[0] - 0.25) < 1e-6, `Taylor–Green: ${e[0]}`);
  for (let b = 0; b < B; b++) {
    const want = jet2d.energy(w.subarray(b * X, (b + 1) * X));
    assert.ok(Math.abs(e[b] - want) <= 2e-3 * want, `IC ${b}: graph ${e[b]}, suite ${want}`);
  }
  await session.release();
});

/**
 * The `jet2d` energy as an ONNX graph, so long model-only runs (`emubench stability`) can keep
 * their states on the device and read back one number per IC and step instead of a 256² field:
 *
 *   E = ½⟨u² + v²⟩ = ½ Σ_k |ω̂_k|² / (|κ_k|² N⁴),   ω̂ = unnormalised DFT, κ = 2πk/L,
 *
 * the same formula as the suite's `energy` (`suite.ts`), evaluated with the half-plane DFT of
 * `harness/onnx/spectral_graph.ts` (MatMuls against cos/sin tables; standard ops only, so it runs on
 * every backend) with M = N/2 − 1 modes per direction: every mode but the Nyquist row and column,
 * which the dealiased reference never holds. Half-plane weights: 1 for k_x = 0, 2 for k_x > 0
 * (the implied k_x < 0 conjugates); 0 at k = 0.
 *
 * Input `omega` `[B, 1, 256, 256]` float32, output `energy` `[B]` float32.
 *
 * @example
 * ```ts
 * import { jet2dEnergyGraph } from "./energy_graph.ts";
 * if (jet2dEnergyGraph().length < 100_000) throw new Error("the DFT tables are initializers");
 * ```
 * @module
 */
import { GraphBuilder } from "../../harness/onnx/graph.ts";
import { SpectralGraph2D } from "../../harness/onnx/spectral_graph.ts";

/** Grid points per side of `jet2d`. */
const N = 256;

/** The energy graph `omega [B, 1, N, N] → energy [B]` (module documentation). */
export function jet2dEnergyGraph(length = 2 * Math.PI): Uint8Array {
  const g = new GraphBuilder("jet2d_energy");
  const sp = new SpectralGraph2D(g, { n: N, modes: N / 2 - 1, length });
  const omega = g.input("omega", ["B", 1, N, N]);
  const f = sp.forward(omega);
  const power = g.op("Add", [g.op("Mul", [f.re, f.re]), g.op("Mul", [f.im, f.im])]);
  const weights = sp.fromModes((kappaX, kappaY, kx, ky) =>
    kx === 0 && ky === 0 ? 0 : ((kx === 0 ? 1 : 2) * 0.5) / ((kappaX ** 2 + kappaY ** 2) * N ** 4)
  );
  const e = g.op("ReduceSum", [g.op("Mul", [power, weights]), g.ints([1, 2, 3])], {
    keepdims: 0,
  });
  g.output(e, "energy", ["B"]);
  return g.build();
}

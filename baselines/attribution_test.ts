/**
 * The Takacs split tells numerical schemes apart the way textbook analysis predicts: first-order
 * upwind mostly damps amplitudes (numerical diffusion, error ∝ u_xx), Lax–Wendroff mostly shifts
 * phases (numerical dispersion, error ∝ u_xxx). Run through the full harness on convection1d.
 *
 * Upwind's share is well short of 100%: the Takacs "dispersion" term 2(1 − ρ)σₚσᵧ also counts
 * the change of pattern caused by damping that differs across wavenumbers (ρ < 1 with no phase
 * error at all). Measured on these multi-mode ICs at 200 steps: upwind 52% dissipation for every
 * Courant number tried (0.34–0.68), Lax–Wendroff 0.0% (its amplitude error is O(θ⁴), its phase
 * error O(θ³)).
 */
import { evaluate } from "../harness/tasks/run.ts";

async function split(model: string) {
  const { result } = await evaluate({
    suite: "convection1d",
    model,
    ics: 4,
    steps: 200, // the standard horizon: the split is a statement about accumulated error
    backend: "wasm",
  });
  const at = (metric: string, step: number) =>
    result.rows.find((r) =>
      r.metric === metric && r.step === step && r.reduction === "mean_over_ics" &&
      r.ic === undefined
    )!.value!;
  const T = result.config.steps;
  return { diss: at("dissipation", T), disp: at("dispersion", T), mse: at("mse", T) };
}

Deno.test("split: upwind's error is mostly dissipation, Lax–Wendroff's mostly dispersion", async () => {
  const up = await split("baseline:upwind");
  const lw = await split("baseline:lax_wendroff");
  for (const [name, s] of [["upwind", up], ["lax_wendroff", lw]] as const) {
    const rel = Math.abs(s.diss + s.disp - s.mse) / s.mse;
    if (rel > 1e-10) throw new Error(`${name}: parts do not sum to mse (${rel})`);
  }
  if (!(up.diss / up.mse > 0.5)) throw new Error(`upwind dissipation share ${up.diss / up.mse}`);
  if (!(lw.disp / lw.mse > 0.99)) {
    throw new Error(`Lax–Wendroff dispersion share ${lw.disp / lw.mse}`);
  }
  if (!(up.diss / up.mse > 100 * (lw.diss / lw.mse))) throw new Error("shares do not separate");
  // And LW, second order, beats first-order upwind by orders of magnitude.
  if (!(lw.mse < up.mse / 100)) throw new Error(`LW ${lw.mse} vs upwind ${up.mse}`);
});

/**
 * Timings of the shallow-water reference solver on the default 128² periodic box (HLL, MC,
 * SSP-RK3, CFL 0.4): one model step Δt = 0.02 and a 100-step trajectory from a Gaussian-bump IC.
 *
 *   deno bench suites/shallow_water2d/solver_bench.ts
 * @module
 */
import { gaussianBumps, randomDamBreak, ShallowWater2D } from "./solver.ts";

const grid = { nx: 128, ny: 128 };
const DT = 0.02;

for (const integrator of ["ssprk3", "ssprk2"] as const) {
  const solver = new ShallowWater2D({ ...grid, integrator });
  const state = gaussianBumps(grid, 20261123, 0);
  const out = new Float64Array(state.length);
  Deno.bench(`rhs L(U), 128² (${integrator} solver)`, { group: "rhs" }, () => {
    solver.rhs(state, out);
  });
  Deno.bench(`one model step Δt = ${DT}, 128², Gaussian bumps, ${integrator}`, {
    group: "step",
  }, () => {
    solver.step(state, DT);
  });
}

const solver = new ShallowWater2D(grid);
Deno.bench(`100-step trajectory Δt = ${DT}, 128², Gaussian bumps, ssprk3`, {
  n: 3,
  warmup: 1,
}, () => {
  solver.trajectory(gaussianBumps(grid, 20261123, 1), 100, DT);
});
Deno.bench(`100-step trajectory Δt = ${DT}, 128², random dam break, ssprk3`, {
  n: 3,
  warmup: 1,
}, () => {
  solver.trajectory(randomDamBreak(grid, 20261123, 1), 100, DT);
});

import assert from "node:assert/strict";
import { HovmollerRecorder, roundView, snapshotSteps2D } from "./views2d.ts";
import type { Grid2D } from "../../suites/common/types.ts";

const grid: Grid2D = { kind: "grid2d", ny: 4, nx: 3, ly: 2, lx: 1.5, boundary: "periodic" };
const C = 2, frame = C * grid.ny * grid.nx;

/** States whose value encodes (step, channel, row, column): s·1000 + c·100 + j·10 + i. */
function states(steps: number, offset = 0): Float32Array {
  const out = new Float32Array((steps + 1) * frame);
  for (let s = 0; s <= steps; s++) {
    for (let c = 0; c < C; c++) {
      for (let j = 0; j < grid.ny; j++) {
        for (let i = 0; i < grid.nx; i++) {
          out[s * frame + (c * grid.ny + j) * grid.nx + i] = s * 1000 + c * 100 + j * 10 + i +
            offset;
        }
      }
    }
  }
  return out;
}

Deno.test("Hovmöller: row ⌊H/2⌋ of the chosen field, reference window, null after divergence", () => {
  const reference = states(4);
  const rec = new HovmollerRecorder({
    grid,
    fields: ["h", "q"],
    field: "q",
    steps: 4,
    firstStep: 2,
    reference,
  });
  const pred = states(4, 0.5);
  for (const s of [2, 3]) rec.observe(s, pred.subarray(s * frame, (s + 1) * frame));
  rec.diverged(4);
  rec.observe(4, pred.subarray(4 * frame)); // ignored: already diverged
  const h = rec.result();
  assert.equal(h.field, "q");
  assert.equal(h.row, 2);
  assert.equal(h.y, 1.25); // (2 + ½) · 2/4
  assert.deepEqual(h.x, [0.25, 0.75, 1.25]);
  assert.deepEqual(h.steps, [0, 1, 2, 3, 4]);
  assert.deepEqual(h.ref[3], [3120, 3121, 3122]);
  assert.deepEqual(h.pred[0], [120, 121, 122]); // reference window
  assert.deepEqual(h.pred[1], [1120, 1121, 1122]);
  assert.deepEqual(h.pred[3], [3120.5, 3121.5, 3122.5]);
  assert.equal(h.pred[4], null);
  assert.equal(h.firstStep, 2);
});

Deno.test("Hovmöller: refuses an unknown field and a wrong reference length", () => {
  assert.throws(
    () =>
      new HovmollerRecorder({
        grid,
        fields: ["h"],
        field: "eta",
        steps: 1,
        firstStep: 1,
        reference: new Float32Array(2 * 12),
      }),
    (e) => e instanceof RangeError && e.message.includes('"eta"'),
  );
  assert.throws(
    () =>
      new HovmollerRecorder({
        grid,
        fields: ["h"],
        steps: 2,
        firstStep: 1,
        reference: new Float32Array(2 * 12),
      }),
    (e) => e instanceof TypeError && e.message.includes("found 24"),
  );
});

Deno.test("2D snapshot steps and rounding", () => {
  assert.deepEqual(snapshotSteps2D([1, 10, 25, 50, 100], 100), [50, 100]);
  assert.deepEqual(snapshotSteps2D([1, 10, 25, 50, 100], 10), [1, 10]);
  assert.deepEqual(snapshotSteps2D([1, 10], 10, 2), [10]);
  assert.deepEqual(snapshotSteps2D([1, 10, 25], 30, 2), [25, 30]);
  assert.equal(roundView(1.0000001192092896), 1);
  assert.equal(roundView(0.123456789), 0.123457);
  assert.equal(roundView(-3.2e-9), -3.2e-9);
});

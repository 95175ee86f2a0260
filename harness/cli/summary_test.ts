import assert from "node:assert/strict";
import { evaluate } from "../tasks/run.ts";
import { summaryLine } from "./common.ts";

Deno.test({
  name: "summary line: a history-2 model's first scored step is 2, not a blank at step 1",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const { result } = await evaluate({
      suite: "shallow_water2d",
      model: "baseline:linear_extrapolation",
      tier: "smoke",
      backend: "wasm",
      cacheDir: ".cache/emubench",
    });
    const line = summaryLine(result);
    assert.match(line, /@2 \d\S*, @10 \d/, line);
    assert.doesNotMatch(line, /—/, line);
    assert.match(line, /diverged 0\/2,/, line);
  },
});

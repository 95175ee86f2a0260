import assert from "node:assert/strict";
import { checkResult, modelHash } from "./check.ts";
import { sampleResult } from "../../reports/sample_result.ts";

Deno.test("checkResult: quartile fields are two finite numbers in order, or absent", () => {
  const r = sampleResult({ steps: 4, ics: 2, summarySteps: [4], diverge: {} });
  r.model.sha256 = modelHash(r.model.files);
  const i = r.rows.findIndex((x) => x.reduction === "mean_over_ics" && x.step !== undefined);
  const fresh = () => structuredClone(r);
  checkResult(fresh(), "r.json"); // the sample as it is
  const ok = fresh();
  Object.assign(ok.rows[i], { q25: 0.1, q75: 0.2 });
  checkResult(ok, "r.json");
  for (const bad of [{ q25: 0.3, q75: 0.2 }, { q25: 0.1 }, { q25: null, q75: 1 }]) {
    const x = fresh();
    Object.assign(x.rows[i], bad);
    assert.throws(
      () => checkResult(x, "r.json"),
      (e: Error) =>
        e instanceof RangeError || e instanceof TypeError
          ? e.message.includes(`rows[${i}].q25/q75`)
          : false,
      JSON.stringify(bad),
    );
  }
});

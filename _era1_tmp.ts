import { makeEra5Suite } from "./suites/era5/suite.ts";
const s = makeEra5Suite({ level: 5 });
const ics = s.initialConditions(2, 1);
s.reference(ics.subarray(0, ics.length / 2), 1, 4);
const t1 = performance.now();
s.reference(ics.subarray(ics.length / 2), 1, 4);
console.log("level 5 ref 1×4 (warm)", (performance.now() - t1).toFixed(0), "ms");

/**
 * `emubench demo`: every demo baseline on convection1d and burgers1d, with comparison pages.
 *
 * @example
 * ```ts
 * import { demoCommand } from "./demo.ts";
 * if (demoCommand.flags.tier.default !== "standard") throw new Error("demo runs standard");
 * ```
 * @module
 */
import { join } from "node:path";
import { listBaselines } from "../../baselines/mod.ts";
import { evaluate } from "../tasks/run.ts";
import { writeReport } from "../../reports/mod.ts";
import type { Result } from "../results/schema.ts";
import type { TierName } from "../../suites/common/types.ts";
import type { BackendChoice } from "../onnx/backend.ts";
import { FLAG, summaryLine, withCacheDir } from "./common.ts";
import { defineCommand } from "./flags.ts";
import { Status } from "./status.ts";

/** `emubench demo`. */
export const demoCommand = defineCommand({
  name: "demo",
  summary: "run the demo baselines on convection1d and burgers1d and write comparison pages",
  usage: ["emubench demo [--tier T] [--backend B] [--out DIR]"],
  flags: {
    tier: { ...FLAG.tier, defaultText: undefined, default: "standard" },
    backend: FLAG.backend,
    out: { type: "path", value: "DIR", meaning: "output directory", default: join("out", "demo") },
    cache: FLAG.cache,
  },
  examples: ["emubench demo", "emubench demo --tier smoke --out /tmp/demo"],
  run: (v) => withCacheDir(v.cache, (cacheDir) => demo(v, cacheDir)),
});

async function demo(
  v: { tier: string; backend?: string; out: string },
  cacheDir: string,
): Promise<number> {
  const status = new Status();
  const suites = ["convection1d", "burgers1d"];
  const written: string[] = [];
  for (const suiteId of suites) {
    const results: Result[] = [];
    for (const b of listBaselines().filter((x) => x.inDemo && x.suites.includes(suiteId))) {
      const model = `baseline:${b.id}`;
      status.log(`== ${suiteId} · ${model}`);
      const { result } = await evaluate({
        suite: suiteId,
        model,
        tier: v.tier as TierName,
        cacheDir,
        backend: v.backend as BackendChoice | undefined,
        outDir: join(v.out, suiteId, b.id),
        log: (m) => status.log(`   ${m}`),
        progress: (phase, d, t) => status.progress(`   ${phase}`, d, t),
      });
      status.log(`   ${summaryLine(result)}`);
      await writeReport(join(v.out, suiteId, b.id, "report.html"), [result]);
      results.push(result);
    }
    const page = join(v.out, `${suiteId}.html`);
    await writeReport(page, results);
    written.push(page);
  }
  for (const w of written) status.log(`wrote ${w}`);
  return 0;
}

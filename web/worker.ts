/**
 * The evaluation worker of the web page: the same `evaluate` the CLI runs, with the model given
 * as bytes, the reference cache in IndexedDB (verified by the same SHA-256 as on disk), the
 * runtime record of this browser and onnxruntime-web's wasm served from the page's own origin.
 * Nothing is sent anywhere: the only requests are for the page's own files.
 * @module
 */
import { evaluate } from "../harness/tasks/run.ts";
import { isInputError } from "../harness/core/errors.ts";
import {
  memoryReferenceStore,
  type ReferenceStore,
  sequentialReference,
} from "../harness/data/reference_store.ts";
import { indexedDbReferenceStore } from "../harness/data/reference_store_idb.ts";
import { listSuites } from "../suites/mod.ts";
import { renderReport } from "../reports/html.ts";
import { provideD3 } from "../reports/d3_source.ts";
import type { TierName } from "../suites/common/types.ts";
import type { RunRequest, SuiteInfo, WorkerMessage } from "./protocol.ts";

// deno-lint-ignore no-explicit-any
const scope = globalThis as any;
const post = (m: WorkerMessage) => scope.postMessage(m);

/** Written by `web/build.ts`: the commit the page was built from and the d3 version. */
interface BuildInfo {
  gitCommit: string | null;
  d3: string;
}

const base = new URL("./", scope.location.href);
const isolated = scope.crossOriginIsolated === true;
const threads = isolated ? Math.max(1, Math.min(8, navigator.hardwareConcurrency ?? 1)) : 1;

async function fetchText(name: string): Promise<string> {
  const r = await fetch(new URL(name, base));
  if (!r.ok) throw new Error(`${name}: HTTP ${r.status}`);
  return await r.text();
}

const setup = (async () => {
  const info = JSON.parse(await fetchText("build.json")) as BuildInfo;
  provideD3(await fetchText("d3.min.js"), info.d3);
  let store: ReferenceStore;
  try {
    store = await indexedDbReferenceStore();
  } catch (e) {
    post({ type: "log", message: `no IndexedDB (${String(e)}): references kept in memory only` });
    store = memoryReferenceStore();
  }
  return { info, store };
})();

function suites(): SuiteInfo[] {
  return listSuites().map((s) => ({
    id: s.id,
    title: s.title,
    tiers: Object.entries(s.tiers).map(([name, t]) => ({ name, ics: t.ics, steps: t.steps })),
  }));
}

async function run(req: RunRequest): Promise<void> {
  const t0 = performance.now();
  const { info, store } = await setup;
  const ua = navigator.userAgent;
  const { result } = await evaluate({
    suite: req.suite,
    tier: req.tier as TierName,
    backend: req.backend,
    model: req.model,
    referenceStore: store,
    generateReference: sequentialReference, // one thread: the page's worker is the pool
    runtime: {
      gitCommit: info.gitCommit,
      deno: "none (browser)",
      v8: ua,
      // deno-lint-ignore no-explicit-any
      os: (navigator as any).userAgentData?.platform ?? (navigator as any).platform ?? "unknown",
      arch: "unknown",
    },
    web: { wasmPaths: new URL("ort/", base).href, numThreads: threads },
    progress: (phase, done, total) => post({ type: "progress", phase, done, total }),
    log: (message) => post({ type: "log", message }),
  });
  const report = renderReport([result]);
  post({ type: "done", result, report, seconds: (performance.now() - t0) / 1000 });
}

scope.onmessage = (e: MessageEvent<RunRequest>) => {
  if (e.data?.type !== "run") return;
  run(e.data).catch((err) => {
    const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    post({ type: "error", message, input: isInputError(err) });
  });
};

post({ type: "ready", suites: suites(), threads, isolated });

/**
 * The page: pick a model (file input, folder input or drop), a suite and a tier; the evaluation
 * runs in a Web Worker (`worker.ts`), with progress, ETA and cancel; the report is drawn in place
 * and `result.json` offered for download.
 * @module
 */
import type { RunRequest, SuiteInfo, WorkerMessage } from "./protocol.ts";

// deno-lint-ignore no-explicit-any
type El = any;
// deno-lint-ignore no-explicit-any
const doc = (globalThis as any).document;
const $ = (id: string): El => doc.getElementById(id);

let suites: SuiteInfo[] = [];
let model: RunRequest["model"] | null = null;
let worker: Worker;
let started = 0;
let phaseStart = { phase: "", t: 0 };
let resultUrl: string | null = null;

function setStatus(text: string): void {
  $("status").textContent = text;
}

function fillTiers(): void {
  const s = suites.find((x) => x.id === $("suite").value);
  $("tier").replaceChildren(
    ...(s?.tiers ?? []).map((t) => {
      const o = doc.createElement("option");
      o.value = t.name;
      o.textContent = `${t.name} (${t.ics} ICs × ${t.steps} steps)`;
      return o;
    }),
  );
  $("tier").value = s?.tiers.some((t) => t.name === "smoke") ? "smoke" : s?.tiers[0]?.name;
}

function fmtTime(s: number): string {
  if (!Number.isFinite(s)) return "…";
  return s < 60 ? `${s.toFixed(0)} s` : `${Math.floor(s / 60)} min ${(s % 60).toFixed(0)} s`;
}

function onMessage(m: WorkerMessage): void {
  if (m.type === "ready") {
    // A worker restarted by Cancel announces itself again: keep the user's suite and tier.
    const keep = { suite: $("suite").value, tier: $("tier").value };
    suites = m.suites;
    $("suite").replaceChildren(
      ...suites.map((s) => {
        const o = doc.createElement("option");
        o.value = s.id;
        o.textContent = `${s.id} — ${s.title}`;
        return o;
      }),
    );
    if (suites.some((s) => s.id === keep.suite)) $("suite").value = keep.suite;
    fillTiers();
    if ([...$("tier").options].some((o: { value: string }) => o.value === keep.tier)) {
      $("tier").value = keep.tier;
    }
    setStatus(
      `ready (wasm ${m.threads} thread${m.threads === 1 ? "" : "s"}${
        m.isolated ? ", cross-origin isolated" : ""
      })`,
    );
    $("run").disabled = model === null;
  } else if (m.type === "progress") {
    const now = performance.now();
    if (phaseStart.phase !== m.phase) phaseStart = { phase: m.phase, t: now };
    const frac = m.total > 0 ? m.done / m.total : 0;
    const elapsed = (now - phaseStart.t) / 1000;
    const eta = frac > 0 ? elapsed * (1 - frac) / frac : Infinity;
    $("bar").value = frac;
    setStatus(`${m.phase}: ${m.done} / ${m.total}`);
    $("eta").textContent = frac >= 1 ? "" : `ETA ${fmtTime(eta)}`;
  } else if (m.type === "log") {
    $("log").textContent += `${m.message}\n`;
  } else if (m.type === "done") {
    const text = JSON.stringify(m.result, null, 1);
    if (resultUrl) URL.revokeObjectURL(resultUrl);
    resultUrl = URL.createObjectURL(new Blob([text], { type: "application/json" }));
    $("result-link").href = resultUrl;
    $("download").hidden = false;
    $("bar").value = 1;
    $("eta").textContent = "";
    const wall = (performance.now() - started) / 1000;
    setStatus(`done in ${wall.toFixed(1)} s (${m.result.config.data})`);
    doc.body.dataset.seconds = String(wall);
    // A fresh frame for every report: Chromium did not lay out a second report loaded into the
    // frame that held the first (an empty body, charts measured at width 0). "done" once the
    // new report has loaded, not while the previous one is still shown.
    const frame: El = $("report").cloneNode(false);
    frame.onload = () => {
      doc.body.dataset.state = "done";
      frame.onload = null;
    };
    frame.style.display = "block";
    frame.srcdoc = m.report;
    $("report").replaceWith(frame);
    finish();
  } else if (m.type === "error") {
    $("error").textContent = (m.input ? "Bad input: " : "Internal error: ") + m.message;
    setStatus("failed");
    doc.body.dataset.state = "error";
    finish();
  }
}

function startWorker(): void {
  worker = new Worker(new URL("./worker.js", import.meta.url), { type: "module" });
  worker.onmessage = (e: MessageEvent<WorkerMessage>) => onMessage(e.data);
  worker.onerror = (e: ErrorEvent) => {
    $("error").textContent = `Worker failed: ${e.message}`;
    doc.body.dataset.state = "error";
    finish();
  };
}

function finish(): void {
  $("run").disabled = model === null;
  $("cancel").disabled = true;
}

async function takeFiles(list: File[]): Promise<void> {
  if (list.length === 0) return;
  const files: Record<string, Uint8Array> = {};
  for (const f of list) {
    const rel = (f as File & { webkitRelativePath?: string }).webkitRelativePath || f.name;
    files[rel] = new Uint8Array(await f.arrayBuffer());
  }
  const first = Object.keys(files)[0];
  const name = list.length === 1 ? list[0].name : first.split("/")[0];
  model = { name, files };
  const bytes = Object.values(files).reduce((a, b) => a + b.length, 0);
  $("model").textContent = `${name}: ${Object.keys(files).length} file(s), ${
    (bytes / 1024).toFixed(1)
  } KiB`;
  $("run").disabled = suites.length === 0;
}

/** Every file under a dropped directory entry, with its relative path. */
// deno-lint-ignore no-explicit-any
async function walk(entry: any, prefix: string, out: File[]): Promise<void> {
  if (entry.isFile) {
    const f: File = await new Promise((res, rej) => entry.file(res, rej));
    Object.defineProperty(f, "webkitRelativePath", { value: prefix + f.name });
    out.push(f);
  } else if (entry.isDirectory) {
    const reader = entry.createReader();
    for (;;) {
      // deno-lint-ignore no-explicit-any
      const batch: any[] = await new Promise((res, rej) => reader.readEntries(res, rej));
      if (batch.length === 0) break;
      for (const e of batch) await walk(e, `${prefix}${entry.name}/`, out);
    }
  }
}

$("file").addEventListener("change", () => takeFiles([...$("file").files]));
$("folder").addEventListener("change", () => takeFiles([...$("folder").files]));
$("suite").addEventListener("change", fillTiers);
const drop = $("drop");
drop.addEventListener("dragover", (e: El) => {
  e.preventDefault();
  drop.classList.add("over");
});
drop.addEventListener("dragleave", () => drop.classList.remove("over"));
drop.addEventListener("drop", async (e: El) => {
  e.preventDefault();
  drop.classList.remove("over");
  const out: File[] = [];
  for (const item of [...(e.dataTransfer?.items ?? [])]) {
    // deno-lint-ignore no-explicit-any
    const entry = (item as any).webkitGetAsEntry?.();
    if (entry) await walk(entry, "", out);
  }
  await takeFiles(out);
});

$("run").addEventListener("click", () => {
  if (!model) return;
  $("error").textContent = "";
  $("log").textContent = "";
  $("download").hidden = true;
  $("report").style.display = "none";
  $("run").disabled = true;
  $("cancel").disabled = false;
  doc.body.dataset.state = "running";
  started = performance.now();
  phaseStart = { phase: "", t: started };
  const req: RunRequest = {
    type: "run",
    suite: $("suite").value,
    tier: $("tier").value,
    backend: $("backend").value,
    model,
  };
  worker.postMessage(req);
});

$("cancel").addEventListener("click", () => {
  worker.terminate();
  setStatus("cancelled");
  $("bar").value = 0;
  $("eta").textContent = "";
  doc.body.dataset.state = "cancelled";
  startWorker();
  finish();
});

startWorker();

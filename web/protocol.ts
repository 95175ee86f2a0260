/**
 * Messages between the page (`main.ts`) and its evaluation worker (`worker.ts`).
 * @module
 */
import type { Result } from "../harness/results/schema.ts";

/** A suite the page offers: id, title and its tiers with their sizes. */
export interface SuiteInfo {
  id: string;
  title: string;
  tiers: { name: string; ics: number; steps: number }[];
}

/** Page → worker: evaluate this model. */
export interface RunRequest {
  type: "run";
  suite: string;
  tier: string;
  backend: "auto" | "wasm" | "webgpu";
  /** The model's files by relative path (one `.onnx`, or `emulator.json` and its graphs). */
  model: { name: string; files: Record<string, Uint8Array> };
}

/** Worker → page. */
export type WorkerMessage =
  | { type: "ready"; suites: SuiteInfo[]; threads: number; isolated: boolean }
  | { type: "progress"; phase: string; done: number; total: number }
  | { type: "log"; message: string }
  | { type: "done"; result: Result; report: string; seconds: number }
  | { type: "error"; message: string; input: boolean };

/**
 * Status and progress lines on stderr. On a terminal a progress bar with an ETA is redrawn in
 * place (at most ten times a second); otherwise (CI logs, pipes) a phase prints a plain line at
 * most every {@link PLAIN_INTERVAL_MS} and one when it ends, and phases that finish within
 * {@link QUIET_MS} print nothing, so logs stay short and readable.
 *
 * @example
 * ```ts
 * import { formatDuration } from "./status.ts";
 * if (formatDuration(65) !== "1m05s") throw new Error(formatDuration(65));
 * ```
 * @module
 */
import { escapeTerminal } from "../../reports/escape.ts";

/** Minimum time between two plain (non-terminal) progress lines of a phase. */
export const PLAIN_INTERVAL_MS = 5000;
/** A phase shorter than this prints no progress at all when stderr is not a terminal. */
export const QUIET_MS = 2000;

/** `s` seconds as `42s`, `1m05s` or `2h03m`. */
export function formatDuration(s: number): string {
  if (!Number.isFinite(s) || s < 0) return "?";
  const t = Math.round(s);
  if (t < 60) return `${t}s`;
  if (t < 3600) return `${Math.floor(t / 60)}m${String(t % 60).padStart(2, "0")}s`;
  return `${Math.floor(t / 3600)}h${String(Math.floor((t % 3600) / 60)).padStart(2, "0")}m`;
}

/** A status line writer: redraws in place on a TTY, plain throttled lines otherwise. */
export class Status {
  readonly #tty: boolean;
  readonly #quiet: boolean;
  readonly #now: () => number;
  #last = 0;
  #open = false;
  #phase:
    | { label: string; start: number; lastLine: number; printed: boolean; done: number }
    | null = null;
  /**
   * @param quiet print nothing (for `--json`).
   * @param options `tty` overrides the terminal check; `now` the clock (milliseconds), for tests.
   */
  constructor(quiet = false, options: { tty?: boolean; now?: () => number } = {}) {
    this.#tty = options.tty ?? Deno.stderr.isTerminal();
    this.#quiet = quiet;
    this.#now = options.now ?? (() => performance.now());
  }
  #write(s: string) {
    Deno.stderr.writeSync(new TextEncoder().encode(s));
  }
  /** A one-off message on its own line. */
  log(msg: string): void {
    if (this.#quiet) return;
    if (this.#open) this.#write("\n");
    this.#open = false;
    // Messages carry submitter strings (names, paths): their control characters and bidi
    // overrides are shown escaped, never sent to the terminal.
    this.#write(`${escapeTerminal(msg)}\n`);
  }
  /** Progress of a phase (`done` of `total` units); throttled, with an ETA. */
  progress(label: string, done: number, total: number): void {
    if (this.#quiet) return;
    const now = this.#now();
    let p = this.#phase;
    if (!p || p.label !== label || done < p.done) {
      p = this.#phase = { label, start: now, lastLine: now, printed: false, done };
    }
    p.done = done;
    const finished = done >= total;
    const pct = Math.floor((100 * done) / Math.max(1, total));
    const elapsed = (now - p.start) / 1000;
    const eta = done > 0 && !finished
      ? `, ETA ${formatDuration((elapsed * (total - done)) / done)}`
      : done === 0
      ? ""
      : `, ${formatDuration(elapsed)}`;
    if (this.#tty) {
      if (!finished && now - this.#last < 100) return;
      this.#last = now;
      const width = 24, fill = Math.round((width * Math.min(done, total)) / Math.max(1, total));
      this.#write(
        `\r${label} [${"#".repeat(fill)}${
          ".".repeat(width - fill)
        }] ${pct}% (${done}/${total}${eta})`,
      );
      this.#open = !finished;
      if (finished) this.#write("\n");
      if (finished) this.#phase = null;
      return;
    }
    // Plain lines: nothing for short phases; one line every PLAIN_INTERVAL_MS; one at the end
    // of a phase that printed before or lasted longer than QUIET_MS.
    const due = finished
      ? p.printed || now - p.start >= QUIET_MS
      : now - p.start >= QUIET_MS && (!p.printed || now - p.lastLine >= PLAIN_INTERVAL_MS);
    if (finished) this.#phase = null;
    if (!due) return;
    p.printed = true;
    p.lastLine = now;
    this.#write(`${label}: ${pct}% (${done}/${total}${eta})\n`);
  }
}

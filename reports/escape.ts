/**
 * Escaping for the two places submitter-controlled text enters a report: HTML text and
 * attribute values ({@link escapeHtml}), and JSON embedded in an inline `<script>` block
 * ({@link jsonForScript}).
 * @module
 */

const HTML_ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/**
 * Escape a value for HTML text content and for double- or single-quoted attribute values.
 * `null` and `undefined` become the empty string; everything else goes through `String()`.
 *
 * @example
 * ```ts
 * import { escapeHtml } from "./escape.ts";
 * const s = escapeHtml('"><img src=x onerror=alert(1)>');
 * if (s !== "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;") throw new Error(s);
 * ```
 */
export function escapeHtml(value: unknown): string {
  if (value === null || value === undefined) return "";
  return String(value).replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);
}

const SCRIPT_ESCAPES: Record<string, string> = {
  "<": "\\u003c",
  ">": "\\u003e",
  "&": "\\u0026",
  "\u2028": "\\u2028",
  "\u2029": "\\u2029",
};

/**
 * Serialise `value` as JSON that is safe inside `<script type="application/json">…</script>`
 * (and inside an executable `<script>`): `<`, `>`, `&`, U+2028 and U+2029 become `\uXXXX`
 * escapes, so no string in the data can close the element (`</script>`), open a comment
 * (`<!--`) or end a JavaScript line. `JSON.parse` of the element's text gives back `value`.
 *
 * Throws a `TypeError` when `value` has no JSON form (`undefined`, a function, a symbol) or
 * holds a non-finite number, which JSON would silently turn into `null`.
 *
 * @example
 * ```ts
 * import { jsonForScript } from "./escape.ts";
 * const s = jsonForScript({ name: "</script><script>alert(1)</script>" });
 * if (s.includes("<")) throw new Error(s);
 * if (JSON.parse(s).name !== "</script><script>alert(1)</script>") throw new Error("round trip");
 * ```
 */
export function jsonForScript(value: unknown): string {
  const json = JSON.stringify(value, (key, v) => {
    if (typeof v === "number" && !Number.isFinite(v)) {
      throw new TypeError(
        `Cannot embed JSON in a report: expected finite numbers, found ${v} at key "${key}"`,
      );
    }
    return v;
  });
  if (json === undefined) {
    throw new TypeError(`Cannot embed JSON in a report: found a value of type ${typeof value}`);
  }
  return json.replace(/[<>&\u2028\u2029]/g, (c) => SCRIPT_ESCAPES[c]);
}

/** Most characters of one submitter string shown on a page (the rest is cut, with "…"). */
export const MAX_SHOWN_CHARACTERS = 2000;

/**
 * Submitter text for HTML: cut to `max` characters (a 1 MB description must not make a 3 MB
 * page), escaped ({@link escapeHtml}) and isolated in `<bdi>`, so right-to-left overrides in it
 * cannot reorder the text around it.
 *
 * @example
 * ```ts
 * import { submitterHtml } from "./escape.ts";
 * const s = submitterHtml("\u202Eevil<b>", 100);
 * if (s !== "<bdi>\u202Eevil&lt;b&gt;</bdi>") throw new Error(s);
 * if (submitterHtml("x".repeat(50), 10).length > 40) throw new Error("not cut");
 * ```
 */
export function submitterHtml(value: unknown, max = MAX_SHOWN_CHARACTERS): string {
  if (value === null || value === undefined) return "";
  return `<bdi>${escapeHtml(submitterCut(value, max))}</bdi>`;
}

/**
 * Submitter text cut to at most `max` characters (code points), the last one replaced by "…"
 * when cut: for data files written beside pages (leaderboard JSON/CSV), where a 1 MB model
 * name must not become a 1 MB cell in every row.
 *
 * @example
 * ```ts
 * import { submitterCut } from "./escape.ts";
 * if (submitterCut("abcdef", 4) !== "abc…") throw new Error();
 * if (submitterCut("abc", 4) !== "abc") throw new Error();
 * ```
 */
export function submitterCut(value: unknown, max = MAX_SHOWN_CHARACTERS): string {
  const s = String(value);
  return s.length > max ? `${[...s.slice(0, max)].slice(0, max - 1).join("")}…` : s;
}

/**
 * Text for a terminal: control characters (ANSI escape sequences, carriage returns, bells) and
 * bidirectional overrides / isolates are shown as `\u{…}` escapes instead of acting on the
 * terminal; newlines and tabs are kept. Use on every submitter string printed.
 *
 * @example
 * ```ts
 * import { escapeTerminal } from "./escape.ts";
 * const s = escapeTerminal("ok\x1b[2J\u202Egnp.exe\nnext");
 * if (s !== "ok\\u{1b}[2J\\u{202e}gnp.exe\nnext") throw new Error(s);
 * ```
 */
export function escapeTerminal(text: string): string {
  return text.replace(
    // deno-lint-ignore no-control-regex
    /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g,
    (c) => `\\u{${c.charCodeAt(0).toString(16)}}`,
  );
}

/**
 * The shell every emubench page shares: a Content-Security-Policy that allows no network and
 * runs only the page's own inline scripts (by sha256), and the document head.
 *
 * @example
 * ```ts
 * import { contentSecurityPolicy } from "./page.ts";
 * const csp = contentSecurityPolicy(["console.log(1)"]);
 * if (!csp.includes("default-src 'none'") || !csp.includes("'sha256-")) throw new Error(csp);
 * ```
 * @module
 */
import { sha256Base64Sync } from "../harness/core/hash.ts";
import { escapeHtml as h } from "./escape.ts";

/** The CSP source expression of an inline script: `'sha256-<base64>'`. */
export function cspHash(text: string): string {
  return `'sha256-${sha256Base64Sync(text)}'`;
}

/**
 * A policy allowing exactly these inline scripts, inline styles and `data:` images; with
 * `external`, also the site's own script files (`'self'`) whose text hashes to one of them.
 */
export function contentSecurityPolicy(scripts: readonly string[], external = false): string {
  const sources = [...(external ? ["'self'"] : []), ...scripts.map(cspHash)];
  return [
    "default-src 'none'",
    `script-src ${sources.length > 0 ? sources.join(" ") : "'none'"}`,
    "style-src 'unsafe-inline'",
    "img-src data:",
    "font-src 'none'",
    "connect-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join("; ");
}

/**
 * `<!doctype html>` through `<body>`: charset, viewport, the CSP for `scripts`, extra `<meta>`
 * name/content pairs, the escaped title and the inline CSS.
 */
export function pageHead(o: {
  title: string;
  css: string;
  scripts: readonly string[];
  meta?: Readonly<Record<string, string>>;
  /** The page loads the site's shared script file (see `contentSecurityPolicy`). */
  external?: boolean;
}): string {
  const meta = Object.entries(o.meta ?? {})
    .map(([name, content]) => `<meta name="${h(name)}" content="${h(content)}">\n`).join("");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${
    h(contentSecurityPolicy(o.scripts, o.external))
  }">
${meta}<title>${h(o.title)}</title>
<style>${o.css}</style>
</head>
<body>
`;
}

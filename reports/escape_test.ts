import assert from "node:assert/strict";
import { escapeHtml, jsonForScript } from "./escape.ts";

const HOSTILE = [
  "<script>alert(1)</script>",
  '"><img src=x onerror=alert(1)>',
  "</script><script>window.__pwned = 1</script>",
  "<!-- <script>",
  "a\u2028b\u2029c",
  "' onmouseover='alert(1)",
  "&lt;already&gt; & more",
];

Deno.test("escapeHtml escapes the five HTML metacharacters", () => {
  assert.equal(
    escapeHtml(`<a href="x" title='y'>&</a>`),
    "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;",
  );
  assert.equal(escapeHtml("<script>alert(1)</script>"), "&lt;script&gt;alert(1)&lt;/script&gt;");
  assert.equal(
    escapeHtml('"><img src=x onerror=alert(1)>'),
    "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;",
  );
});

Deno.test("escapeHtml output has no raw metacharacters for hostile strings", () => {
  for (const s of HOSTILE) {
    const e = escapeHtml(s);
    assert.ok(!/[<>"']/.test(e), e);
    // Every & starts an entity this function wrote.
    assert.ok(!/&(?!amp;|lt;|gt;|quot;|#39;)/.test(e), e);
  }
});

Deno.test("escapeHtml maps null/undefined to empty and stringifies others", () => {
  assert.equal(escapeHtml(null), "");
  assert.equal(escapeHtml(undefined), "");
  assert.equal(escapeHtml(1.5), "1.5");
  assert.equal(escapeHtml("plain text"), "plain text");
});

Deno.test("jsonForScript cannot break out of a script element and round-trips", () => {
  const value = { names: HOSTILE, nested: { k: "</SCRIPT >", n: [1, null, -2.5e-9] } };
  const s = jsonForScript(value);
  for (const bad of ["<", ">", "&", "\u2028", "\u2029"]) assert.ok(!s.includes(bad), bad);
  assert.ok(!/<\/script/i.test(s));
  assert.ok(!s.includes("<!--"));
  assert.deepEqual(JSON.parse(s), value);
  // Also valid as a JavaScript expression (U+2028/2029 escaped, so no line-terminator issues).
  assert.deepEqual(new Function(`return (${s});`)(), value);
});

Deno.test("jsonForScript escapes U+2028 and U+2029 as \\u escapes", () => {
  assert.equal(jsonForScript("a\u2028b\u2029c"), '"a\\u2028b\\u2029c"');
  assert.equal(jsonForScript("</script>"), '"\\u003c/script\\u003e"');
  assert.equal(jsonForScript("a&b"), '"a\\u0026b"');
});

Deno.test("jsonForScript refuses non-finite numbers and values without JSON form", () => {
  assert.throws(() => jsonForScript({ v: NaN }), { name: "TypeError", message: /found NaN/ });
  assert.throws(() => jsonForScript([Infinity]), { name: "TypeError", message: /found Infinity/ });
  assert.throws(() => jsonForScript(undefined), { name: "TypeError", message: /undefined/ });
});

import { burgers1d, convection1d, getSuite, listSuites, SuiteRegistry, SUITES } from "./mod.ts";
import type { Suite } from "./common/types.ts";

function check(cond: boolean, msg: string): void {
  if (!cond) throw new Error(msg);
}

function throws(
  f: () => unknown,
  cls: ErrorConstructor | RangeErrorConstructor | TypeErrorConstructor,
): Error {
  try {
    f();
  } catch (e) {
    if (e instanceof cls) return e as Error;
    throw new Error(`expected ${cls.name}, got ${e}`);
  }
  throw new Error(`expected ${cls.name}, nothing thrown`);
}

function bytesEqual(a: Float32Array, b: Float32Array): boolean {
  if (a.length !== b.length) return false;
  const x = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  const y = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  return x.every((v, i) => v === y[i]);
}

/** Distance in float32 units in the last place (same sign assumed or both tiny). */
function ulps(a: number, b: number): number {
  const buf = new DataView(new ArrayBuffer(8));
  buf.setFloat32(0, a);
  buf.setFloat32(4, b);
  const ia = buf.getInt32(0), ib = buf.getInt32(4);
  return Math.abs((ia < 0 ? 0x80000000 - ia : ia) - (ib < 0 ? 0x80000000 - ib : ib));
}

Deno.test("registry: explicit list, lookups, unknown ids list what exists", () => {
  check(
    listSuites().map((s) => s.id).join().startsWith("convection1d,burgers1d,shallow_water2d"),
    "listing order",
  );
  check(SUITES.length === listSuites().length, "SUITES is the registry");
  check(getSuite("burgers1d") === burgers1d && getSuite("convection1d") === convection1d, "get");
  const e = throws(() => getSuite("heat1d"), RangeError);
  check(e.message.includes("convection1d") && e.message.includes("burgers1d"), e.message);
  check(e.message.includes('"heat1d"'), e.message);
});

Deno.test("registry: refuses duplicate ids unless told to override", () => {
  const r = new SuiteRegistry([convection1d]);
  const e = throws(() => r.register({ ...convection1d, title: "other" }), RangeError);
  check(e.message.includes("convection1d"), e.message);
  check(r.get("convection1d").title === convection1d.title, "duplicate replaced the original");
  const other: Suite = { ...convection1d, title: "other" };
  r.register(other, { override: true });
  check(r.get("convection1d") === other && r.ids().length === 1, "override");
  throws(() => new SuiteRegistry([burgers1d, burgers1d]), RangeError);
  throws(() => r.register({ ...burgers1d, id: "" }), RangeError);
  const empty = throws(() => new SuiteRegistry().get("x"), RangeError);
  check(empty.message.includes("none registered"), empty.message);
});

for (const suite of [convection1d, burgers1d]) {
  Deno.test(`${suite.id}: declaration is consistent with SPEC §3`, () => {
    // The data card states the version whose numbers it documents (burgers1d 1.0.1: one IC per
    // transform; convection1d 1.1.0: real-input transforms, one IC at a time).
    const card = Deno.readTextFileSync(new URL(`./${suite.id}/README.md`, import.meta.url));
    check(/^\d+\.\d+\.\d+$/.test(suite.version), `version ${suite.version}`);
    check(card.includes(`Data card, version \`${suite.version}\``), "version vs data card");
    check(
      suite.grid.kind === "periodic1d" && suite.grid.n === 1024 && suite.grid.length === 1,
      "grid",
    );
    check(suite.fields.length === 1 && suite.fields[0] === "u", "fields");
    check(suite.dt === 0.01, "dt");
    check(suite.tiers.smoke.ics === 4 && suite.tiers.smoke.steps === 20, "smoke tier");
    check(suite.tiers.standard.ics === 32 && suite.tiers.standard.steps === 200, "standard tier");
    check(suite.metrics[0].id === "nrmse", "headline metric");
    check(suite.metrics.every((m) => !m.higherIsBetter && m.description.length > 0), "metrics");
    check(
      new Set(suite.metrics.map((m) => m.id)).size === suite.metrics.length,
      "metric ids unique",
    );
    const s = suite.summarySteps;
    check(
      s.join() === "1,25,50,100,200" && s.every((v, i) => i === 0 || v > s[i - 1]),
      "summary steps",
    );
    check(Number.isSafeInteger(suite.seed) && suite.seed >= 0, "seed");
  });

  Deno.test(`${suite.id}: ICs are deterministic, [count, 1, 1024], IC i independent of count`, () => {
    const a = suite.initialConditions(5, suite.seed), b = suite.initialConditions(5, suite.seed);
    check(a instanceof Float32Array && a.length === 5 * 1024, "shape");
    check(bytesEqual(a, b), "same seed gave different bytes");
    const c = suite.initialConditions(2, suite.seed);
    check(bytesEqual(c, a.subarray(0, 2 * 1024)), "IC i depends on count");
    const d = suite.initialConditions(2, suite.seed + 1);
    check(!bytesEqual(c, d), "different seeds gave equal ICs");
    for (let i = 0; i < 5; i++) {
      let max = 0;
      for (const v of a.subarray(i * 1024, (i + 1) * 1024)) max = Math.max(max, Math.abs(v));
      check(max === 1, `IC ${i}: max |u| = ${max}`);
    }
  });

  Deno.test(`${suite.id}: smoke reference is deterministic, [N, T+1, 1, 1024], step 0 = IC`, () => {
    const { ics: count, steps } = suite.tiers.smoke;
    const ics = suite.initialConditions(count, suite.seed);
    const calls: number[] = [];
    const ref = suite.reference(ics, count, steps, (done) => calls.push(done));
    check(ref instanceof Float32Array && ref.length === count * (steps + 1) * 1024, "shape");
    check(calls.at(-1) === count * steps, "progress reaches count × steps");
    check(ref.every(Number.isFinite), "finite");
    for (let i = 0; i < count; i++) {
      const step0 = ref.subarray(i * (steps + 1) * 1024, (i * (steps + 1) + 1) * 1024);
      check(bytesEqual(step0, ics.subarray(i * 1024, (i + 1) * 1024)), `IC ${i}: step 0 ≠ IC`);
    }
    check(bytesEqual(ref, suite.reference(ics, count, steps)), "two runs differ");
    // IC i's trajectory does not depend on the batch beyond float32 rounding: ICs are solved in
    // pairs, so the last IC of an odd batch is paired with zeros instead of its neighbour.
    const three = suite.reference(ics.subarray(0, 3 * 1024), 3, steps);
    check(
      bytesEqual(
        three.subarray(0, 2 * (steps + 1) * 1024),
        ref.subarray(0, 2 * (steps + 1) * 1024),
      ),
      "pair (0, 1)",
    );
    const lone = three.subarray(2 * (steps + 1) * 1024),
      paired = ref.subarray(2 * (steps + 1) * 1024, 3 * (steps + 1) * 1024);
    let worst = 0;
    for (let j = 0; j < lone.length; j++) {
      worst = Math.max(worst, Math.abs(lone[j] - paired[j]) < 1e-9 ? 0 : ulps(lone[j], paired[j]));
    }
    check(worst <= 1, `IC 2 alone vs paired: ${worst} ulps`);
  });

  Deno.test(`${suite.id}: energy is ½⟨u²⟩ summed over fields; bad inputs refused`, () => {
    const n = 1024;
    const sine = Float32Array.from({ length: n }, (_, j) => Math.sin((2 * Math.PI * 3 * j) / n));
    check(Math.abs(suite.energy(sine) - 0.25) < 1e-8, "½⟨sin²⟩ = ¼");
    check(suite.energy(new Float64Array(n).fill(2)) === 2, "½⟨2²⟩ = 2");
    const two = new Float64Array(2 * n).fill(1);
    check(suite.energy(two) === 1, "two fields of ½ each");
    throws(() => suite.energy(new Float32Array(100)), TypeError);
    throws(() => suite.reference(new Float32Array(10), 1, 1), TypeError);
    throws(
      () => suite.reference(new Float64Array(1024) as unknown as Float32Array, 1, 1),
      TypeError,
    );
    throws(() => suite.reference(new Float32Array(1024), 1, -1), RangeError);
    throws(() => suite.reference(new Float32Array(1024), 1.5, 1), RangeError);
    throws(() => suite.initialConditions(-1, 1), RangeError);
    check(suite.reference(new Float32Array(0), 0, 5).length === 0, "zero ICs");
    check(suite.reference(new Float32Array(1024), 1, 0).length === 1024, "zero steps");
  });
}

Deno.test("convection1d reference is the exact shift: step 250 (t = 2.5 = L/β) returns the IC", () => {
  const ics = convection1d.initialConditions(2, convection1d.seed);
  const ref = convection1d.reference(ics, 2, 250);
  for (let i = 0; i < 2; i++) {
    for (let j = 0; j < 1024; j++) {
      const a = ref[(i * 251 + 250) * 1024 + j], b = ics[i * 1024 + j];
      check(Math.abs(a - b) <= 2 ** -24 * Math.abs(b) + 1e-12, `IC ${i} point ${j}: ${a} vs ${b}`);
    }
  }
});

Deno.test("burgers1d reference: energy decreases and |u| ≤ 1 (maximum principle)", () => {
  const { ics: count, steps } = burgers1d.tiers.smoke;
  const ref = burgers1d.reference(burgers1d.initialConditions(count, burgers1d.seed), count, steps);
  for (let i = 0; i < count; i++) {
    let prev = Infinity;
    for (let m = 0; m <= steps; m++) {
      const state = ref.subarray((i * (steps + 1) + m) * 1024, (i * (steps + 1) + m + 1) * 1024);
      const e = burgers1d.energy(state);
      check(e < prev, `IC ${i}: energy rose at step ${m}`);
      prev = e;
      // grid max of the IC is 1; the continuous max exceeds it by at most (πK/n)²/2 ≈ 1.2e-4
      check(state.every((v) => Math.abs(v) <= 1 + 2e-4), `IC ${i} step ${m}: |u| > 1`);
    }
  }
});

/** Slow measurements run only with EMUBENCH_SLOW=1 (and --allow-env); plain `deno test` skips. */
const SKIP_SLOW =
  Deno.permissions.querySync({ name: "env", variable: "EMUBENCH_SLOW" }).state !== "granted" ||
  Deno.env.get("EMUBENCH_SLOW") !== "1";

Deno.test({
  name: "measure: standard-tier reference time per suite (EMUBENCH_SLOW=1)",
  ignore: SKIP_SLOW,
  fn() {
    for (const suite of [convection1d, burgers1d]) {
      const { ics: count, steps } = suite.tiers.standard;
      const ics = suite.initialConditions(count, suite.seed);
      const t0 = performance.now();
      suite.reference(ics, count, steps);
      const sec = (performance.now() - t0) / 1000;
      console.log(
        `${suite.id} standard reference (${count} ICs × ${steps} steps): ${sec.toFixed(2)} s`,
      );
    }
  },
});

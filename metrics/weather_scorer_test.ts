import { WeatherTracker } from "./weather_scorer.ts";
import { latLonGrid } from "./weather.ts";

function check(cond: boolean, msg: string): void {
  if (!cond) throw new Error(msg);
}

Deno.test("WeatherTracker: ACC and PSNR against hand-computed values, per field and step", () => {
  const calls: string[] = [];
  const t = new WeatherTracker({
    fields: ["a", "b"],
    grid: { kind: "healpix", nside: 1 },
    ics: 2,
    steps: 2,
    climatology: (ic, step) => {
      calls.push(`${ic}:${step}`);
      return new Float32Array(24).fill(step); // climatology = step number everywhere
    },
  });
  const y = new Float32Array(24).map((_, k) => (k % 12 < 6 ? 0 : 10)); // field range 10
  // IC 0, step 1: p = y + 1 against climatology 1 → p′ = y, y′ = y − 1 (ACC below, not ±1);
  // mse 1 → PSNR 20 dB (both fields).
  const p = new Float32Array(24).map((_, k) => y[k] + 1);
  t.observe(0, 1, p, y);
  // IC 1, step 1: pred = ref → ACC 1, PSNR +∞ (left out of the mean).
  t.observe(1, 1, y, y);
  // Step 2: IC 0 pred = climatology (2) → ACC undefined (NaN, left out); IC 1 diverged at 2.
  t.observe(0, 2, new Float32Array(24).fill(2), y);
  t.diverged(1, 2);
  const rows = t.rows();
  const get = (m: string, f: string, s: number) =>
    rows.find((r) => r.metric === m && r.field === f && r.step === s)!;
  // Step 1, IC 0: y′ = y − 1 ∈ {−1, 9}, p′ = y ∈ {0, 10}: Σp′y′ = 6·90 = 540,
  // Σp′² = 600, Σy′² = 6 + 486 = 492 → ACC = 540/√(600·492); IC 1: ACC = 1.
  const acc0 = 540 / Math.sqrt(600 * 492);
  check(Math.abs(get("acc", "a", 1).value! - (acc0 + 1) / 2) < 1e-12, "acc step 1");
  check(get("acc", "b", 1).n === 2, "both ICs at step 1");
  check(Math.abs(get("psnr", "a", 1).value! - 20) < 1e-12 && get("psnr", "a", 1).n === 1, "psnr");
  check(get("acc", "a", 2).value === null && get("acc", "a", 2).n === 0, "undefined acc left out");
  check(Number.isFinite(get("psnr", "b", 2).value!) && get("psnr", "b", 2).n === 1, "psnr step 2");
  check(calls.join() === "0:1,1:1,0:2", `climatology asked at valid times: ${calls}`);
  check(rows.every((r) => r.reduction === "mean_over_ics"), "reduction");
  // Band: quartiles of the same per-IC values (step 1: ACC acc0 and 1 → ¼ and ¾ of the way;
  // step 2 has no ACC at all, so no band; PSNR of one IC: both quartiles are the value).
  const a1 = get("acc", "a", 1);
  check(Math.abs(a1.q25! - (acc0 + 0.25 * (1 - acc0))) < 1e-12, `acc q25 ${a1.q25}`);
  check(Math.abs(a1.q75! - (acc0 + 0.75 * (1 - acc0))) < 1e-12, `acc q75 ${a1.q75}`);
  check(!("q25" in get("acc", "a", 2)), "no band without values");
  const p1 = get("psnr", "a", 1);
  check(p1.q25 === p1.value && p1.q75 === p1.value, "one IC: band is the point");
});

Deno.test("WeatherTracker on a lat-lon grid uses WeatherBench 2 latitude weights", () => {
  // Rows at ±60° and 0°: weights ∝ sin bounds: (−90, −30, 30, 90) → 0.5, 1, 0.5 of 2.
  const g = latLonGrid([-60, 0, 60], 1);
  const t = new WeatherTracker({
    fields: ["z"],
    grid: g,
    ics: 1,
    steps: 1,
    climatology: () => [0, 0, 0],
  });
  // y′ = (1, 0, −1), p′ = (1, 1, 0): Σw p′y′ = 0.5, Σw p′² = 1.5, Σw y′² = 1 → ACC = 0.5/√1.5.
  t.observe(0, 1, [1, 1, 0], [1, 0, -1]);
  const v = t.rows().find((r) => r.metric === "acc")!.value!;
  check(Math.abs(v - 0.5 / Math.sqrt(1.5)) < 1e-12, `lat-weighted acc ${v}`);
});

Deno.test("WeatherTracker refuses bad shapes and steps", () => {
  const t = new WeatherTracker({
    fields: ["a"],
    grid: { kind: "healpix", nside: 1 },
    ics: 1,
    steps: 1,
    climatology: () => new Float32Array(12),
  });
  let n = 0;
  for (
    const f of [
      () => t.observe(0, 2, new Float32Array(12), new Float32Array(12)),
      () => t.observe(0, 1, new Float32Array(11), new Float32Array(12)),
    ]
  ) {
    try {
      f();
    } catch (e) {
      if (e instanceof RangeError) n++;
    }
  }
  check(n === 2, "both refused");
});

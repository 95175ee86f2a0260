/**
 * WeatherBench 2 scoring of a forecast run on the sphere (`era5`): the trackers of
 * `metrics/weather_scorer.ts` wired to the suite's grid and climatology.
 *
 * - On the suite's HEALPix grid (uniform weights: equal-area pixels): `acc` and `psnr` per
 *   field and lead step (the scorer already gives the uniform `mse`/`rmse`).
 * - When the data came from a lat-lon WeatherBench 2 file (`LoadedDataset.latLon`), also on
 *   that grid, as WeatherBench 2 scores a HEALPix model: each predicted state is regridded back
 *   to the file's latitudes and longitudes (IDW, `suites/era5/regrid.ts`) and compared with the
 *   values read from the file, with WB2 latitude weights (`metrics/weather.ts`): rows
 *   `wb2_rmse` (√ of the mean over ICs of the weighted MSE), `wb2_acc`, `wb2_psnr`,
 *   `wb2_bias` (mean over ICs of the weighted mean of p − y); the same again with `region` set
 *   for each WeatherBench 2 latitude band (`WB2_REGIONS`: tropics, northern and southern
 *   extra-tropics; the rows without `region` are the whole globe). The
 *   climatology for `wb2_acc` is the suite's analytic climatology evaluated directly at the
 *   file's grid points (latitude rows, longitudes 0°, 360/nlon°, …) at each valid time
 *   (`era5LatLonClimatology`), not regridded.
 * - The ACC climatology of built-in data (no `startHours`) is the start-time climatology rotated
 *   with the truth (axis tilt `suite.params.alpha`; `era5Climatology`).
 *
 * @example
 * ```ts
 * import { weatherScoring } from "./scoring.ts";
 * import { getSuite } from "../mod.ts";
 * const era5 = getSuite("era5");
 * const w = weatherScoring(era5, { ics: 1, steps: 1, seed: era5.seed })!;
 * if (w.trackers.length !== 1 || weatherScoring(getSuite("burgers1d"), { ics: 1, steps: 1, seed: 0 })) {
 *   throw new Error("HEALPix suites only");
 * }
 * ```
 * @module
 */
import type { LoadedDataset, Suite, SuiteTrackerContext } from "../common/types.ts";
import type { ResultRow } from "../../metrics/rows.ts";
import type { Tracker, TrackerFamily } from "../../metrics/tracker.ts";
import { latLonGrid, latLonRows, WB2_REGIONS } from "../../metrics/weather.ts";
import {
  WEATHER_CATALOGUE,
  type WeatherState,
  WeatherTracker,
} from "../../metrics/weather_scorer.ts";
import { era5Climatology, era5LatLonClimatology } from "./climatology.ts";
import { applyIdw, healpixToLatLon } from "./regrid.ts";

/** The weather trackers of one run, driven like the scorer. */
export interface WeatherScoring extends Tracker {
  /** HEALPix tracker first, then the lat-lon (`wb2_`) one when the data are lat-lon. */
  readonly trackers: readonly WeatherTracker[];
  /** Score IC `ic` (global index) at `step`: `pred`, `ref` are HEALPix states `[C, P]`. */
  observe(ic: number, step: number, pred: Float32Array, ref: Float32Array): void;
  /** IC `ic` diverged at `step`. */
  diverged(ic: number, step: number): void;
  /** Every tracker's rows. */
  rows(): ResultRow[];
  /** Every tracker's state of ICs `ics`, in tracker order. */
  toState(ics: readonly number[]): WeatherState[];
  /** Seconds spent scoring (regridding included). */
  readonly seconds: number;
}

/**
 * The weather scoring of a run of `suite` with `ics` ICs and `steps` steps, or `undefined` for
 * a suite that is not on a HEALPix grid. `startHours` and `latLon` come from a WeatherBench 2
 * data file (`harness/data/dataset.ts`).
 */
export function weatherScoring(
  suite: Suite,
  o: {
    readonly ics: number;
    readonly steps: number;
    readonly seed: number;
    readonly startHours?: readonly number[];
    readonly latLon?: LoadedDataset["latLon"];
  },
): WeatherScoring | undefined {
  if (suite.grid.kind !== "healpix") return undefined;
  const nside = suite.grid.nside, C = suite.fields.length, P = 12 * nside * nside;
  const climOptions = {
    ics: o.ics,
    seed: o.seed,
    startHours: o.startHours,
    alpha: suite.params?.alpha,
  };
  const climatology = era5Climatology(nside, climOptions);
  const trackers = [
    new WeatherTracker({
      fields: suite.fields,
      grid: { kind: "healpix", nside },
      ics: o.ics,
      steps: o.steps,
      climatology,
    }),
  ];
  let toLatLon: ((state: ArrayLike<number>) => Float32Array) | undefined;
  let latLonRef: ((ic: number, step: number) => Float32Array) | undefined;
  /** Per region tracker (after the global lat-lon one): its rows `[from, to)`. */
  const regions: { from: number; to: number }[] = [];
  /** The rows `[from, to)` of every field of a lat-lon state `[C, nlat·nlon]`. */
  let cut: (state: ArrayLike<number>, from: number, to: number) => Float32Array = () =>
    new Float32Array(0);
  if (o.latLon) {
    const { lat, nlon, reference } = o.latLon, L = lat.length * nlon;
    const w = healpixToLatLon(nside, lat, nlon);
    toLatLon = (state) => {
      const out = new Float32Array(C * L);
      const field = new Float64Array(P);
      for (let c = 0; c < C; c++) {
        for (let k = 0; k < P; k++) field[k] = state[c * P + k];
        out.set(applyIdw(w, field), c * L);
      }
      return out;
    };
    latLonRef = (ic, step) =>
      reference.subarray(
        (ic * (o.steps + 1) + step) * C * L,
        (ic * (o.steps + 1) + step + 1) * C * L,
      );
    trackers.push(
      new WeatherTracker({
        fields: suite.fields,
        grid: latLonGrid(lat, nlon),
        ics: o.ics,
        steps: o.steps,
        prefix: "wb2_",
        rmse: true,
        bias: true,
        climatology: era5LatLonClimatology(lat, nlon, climOptions),
      }),
    );
    const full = latLonGrid(lat, nlon), clim = era5LatLonClimatology(lat, nlon, climOptions);
    cut = (state, from, to) => {
      const w = (to - from) * nlon, out = new Float32Array(C * w);
      for (let c = 0; c < C; c++) {
        for (let k = 0; k < w; k++) out[c * w + k] = state[c * L + from * nlon + k];
      }
      return out;
    };
    for (const region of WB2_REGIONS) {
      const band = latLonRows(full, region.latMin, region.latMax);
      if (!band) continue;
      regions.push(band);
      trackers.push(
        new WeatherTracker({
          fields: suite.fields,
          grid: band.grid,
          ics: o.ics,
          steps: o.steps,
          prefix: "wb2_",
          rmse: true,
          bias: true,
          region: region.name,
          climatology: (ic, step) => cut(clim(ic, step), band.from, band.to),
        }),
      );
    }
  }
  let seconds = 0;
  return {
    trackers,
    observe(ic, step, pred, ref) {
      const t0 = performance.now();
      trackers[0].observe(ic, step, pred, ref);
      if (toLatLon && latLonRef) {
        const p = toLatLon(pred), y = latLonRef(ic, step);
        trackers[1].observe(ic, step, p, y);
        regions.forEach(({ from, to }, r) =>
          trackers[2 + r].observe(ic, step, cut(p, from, to), cut(y, from, to))
        );
      }
      seconds += (performance.now() - t0) / 1000;
    },
    diverged(ic, step) {
      for (const t of trackers) t.diverged(ic, step);
    },
    rows() {
      return trackers.flatMap((t) => t.rows());
    },
    toState(ics) {
      return trackers.map((t) => t.toState(ics));
    },
    get seconds() {
      return seconds;
    },
  };
}

/**
 * era5's weather scores as a metric family (`Suite.trackers`): every run of a HEALPix suite
 * has them ({@link weatherScoring}); a merge rebuilds each tracker (HEALPix, then lat-lon) from
 * the shards' states, on the grid and with the options shard 1's state names.
 *
 * @example
 * ```ts
 * import { WEATHER_FAMILY } from "./scoring.ts";
 * import { getSuite } from "../mod.ts";
 * const era5 = getSuite("era5");
 * const ctx = {
 *   suite: era5, pointsPerField: 12288, ics: 1, steps: 1, firstStep: 1, summarySteps: [],
 *   seed: era5.seed,
 * };
 * if (!WEATHER_FAMILY.applies(ctx).has) throw new Error("era5 is on a sphere");
 * if (WEATHER_FAMILY.applies({ ...ctx, suite: getSuite("burgers1d") }).has) throw new Error();
 * ```
 */
export const WEATHER_FAMILY: TrackerFamily<SuiteTrackerContext> = {
  key: "weather",
  label: "weather (ACC/PSNR)",
  catalogue: WEATHER_CATALOGUE,
  applies: ({ suite }) =>
    suite.grid.kind === "healpix"
      ? { has: true, because: `suite ${suite.id} is on a sphere` }
      : { has: false, because: `suite ${suite.id} is not on a sphere` },
  build(ctx, from): Tracker {
    const { suite } = ctx;
    if (!from.states) {
      return weatherScoring(suite, {
        ics: ctx.ics,
        steps: ctx.steps,
        seed: ctx.seed,
        startHours: ctx.data?.startHours,
        latLon: ctx.data?.latLon,
      })!;
    }
    const states = from.states as WeatherState[][];
    if (suite.grid.kind !== "healpix") throw new RangeError(`suite ${suite.id} is not on a sphere`);
    const nside = suite.grid.nside;
    if (
      new Set(states.map((s) => Array.isArray(s) ? s.length : -1)).size !== 1 ||
      !Array.isArray(states[0])
    ) {
      throw new RangeError("the shards hold different numbers of weather (ACC/PSNR) states");
    }
    const trackers = states[0].map((state, k) => {
      // The grid and the options come from shard 1's state; fromStates checks every header.
      const g = state.grid;
      // A region's state holds its rows' latitudes; the merged tracker only emits rows, so the
      // weights latLonGrid derives from them (not the whole grid's) are never used.
      return WeatherTracker.fromStates(
        {
          fields: suite.fields,
          grid: g?.kind === "latlon" ? latLonGrid(g.lat, g.nlon) : { kind: "healpix", nside },
          ics: ctx.ics,
          steps: ctx.steps,
          prefix: state.prefix,
          rmse: state.mse !== undefined,
          bias: state.bias !== undefined,
          region: state.region,
          climatology: () => {
            throw new RangeError("a merged weather tracker observes nothing");
          },
        },
        states.map((s) => s[k]),
        from.partial,
      );
    });
    return {
      observe: () => {
        throw new RangeError("a merged weather tracker observes nothing");
      },
      diverged: () => {},
      rows: () => trackers.flatMap((t) => t.rows()),
      toState: (ics) => trackers.map((t) => t.toState(ics)),
    };
  },
};

import { openBackend } from "../harness/onnx/backend.ts";
import { ang2pixNest, npix, pix2angNest } from "../suites/era5/healpix.ts";
import {
  meanPoolAutoencoder,
  meanPoolDepth,
  meanPoolEncodeGraph,
  upsampleDecodeGraph,
} from "./era5_autoencoder.ts";

async function run(bytes: Uint8Array, name: string, x: Float32Array, dims: number[]) {
  const b = await openBackend("wasm");
  const s = await b.createSession(bytes);
  const out = await s.run({ [name]: b.tensor("float32", x, dims) });
  await s.release();
  return Object.values(out)[0].data as Float32Array;
}

/** A smooth field on the sphere at pixel centres: a few low spherical harmonics. */
function smooth(nside: number, c: number): Float32Array {
  return Float32Array.from({ length: npix(nside) }, (_, p) => {
    const { theta, phi } = pix2angNest(nside, p);
    const z = Math.cos(theta), s = Math.sin(theta);
    return 280 + 20 * z + 5 * (3 * z * z - 1) + 3 * c * s * Math.cos(phi) +
      2 * s * s * Math.sin(2 * phi + c) + 0.7 * s * z * Math.cos(3 * phi);
  });
}

Deno.test("nested children of a coarse pixel are its 4^d contiguous indices (ang2pix check)", () => {
  // Every fine pixel centre lies inside its coarse parent: ang2pix at the coarse level of the
  // fine centre equals ⌊p / 4^d⌋, so the 4^d children of q are exactly q·4^d … q·4^d + 4^d − 1.
  const nside = 16;
  for (const d of [1, 2, 3, 4]) {
    const coarse = nside >> d;
    for (let p = 0; p < npix(nside); p++) {
      const { theta, phi } = pix2angNest(nside, p);
      const q = ang2pixNest(coarse, theta, phi);
      if (q !== Math.floor(p / 4 ** d)) throw new Error(`d ${d}, pixel ${p}: parent ${q}`);
    }
  }
});

Deno.test("encoder output equals the exact mean over the 4^d children, per channel and batch", async () => {
  const nside = 8, C = 2, B = 2, P = npix(nside);
  const x = new Float32Array(B * C * P);
  for (let b = 0; b < B; b++) {
    for (let c = 0; c < C; c++) x.set(smooth(nside, c + 2 * b), (b * C + c) * P);
  }
  for (const d of [1, 2, 3]) {
    const z = await run(meanPoolEncodeGraph({ nside, channels: C, depth: d }), "x", x, [B, C, P]);
    const k = 4 ** d, M = P / k;
    if (z.length !== B * C * M) throw new Error(`latent size ${z.length}`);
    for (let bc = 0; bc < B * C; bc++) {
      for (let q = 0; q < M; q++) {
        let s = 0;
        for (let r = 0; r < k; r++) s += x[bc * P + q * k + r];
        const want = s / k, got = z[bc * M + q];
        if (Math.abs(got - want) > 1e-5 * Math.abs(want)) {
          throw new Error(`d ${d}, row ${bc}, coarse ${q}: ${got} vs ${want}`);
        }
      }
    }
  }
});

Deno.test("a field constant on coarse pixels survives encode→decode exactly", async () => {
  const nside = 8, d = 2, C = 1, P = npix(nside), coarse = nside >> d;
  // Value = function of the coarse pixel found by ang2pix, so constancy does not assume the
  // contiguity the graphs rely on.
  const x = Float32Array.from({ length: P }, (_, p) => {
    const { theta, phi } = pix2angNest(nside, p);
    return 0.25 * ang2pixNest(coarse, theta, phi) - 3;
  });
  const z = await run(meanPoolEncodeGraph({ nside, channels: C, depth: d }), "x", x, [1, C, P]);
  const y = await run(
    upsampleDecodeGraph({ nside, channels: C, depth: d }),
    "z",
    z,
    [1, C, P / 4 ** d],
  );
  y.forEach((v, p) => {
    if (v !== x[p]) throw new Error(`pixel ${p}: ${v} vs ${x[p]}`);
  });
});

Deno.test("reconstruction RMSE of a smooth field rises monotonically with the ratio 16 … 1024", async () => {
  const nside = 64, P = npix(nside);
  const suite = {
    id: "era5",
    fields: ["a", "b"],
    grid: { kind: "healpix", nside, ordering: "nested" } as const,
  };
  const x = new Float32Array(2 * P);
  x.set(smooth(nside, 0), 0);
  x.set(smooth(nside, 1), P);
  let last = 0;
  for (const ratio of [16, 64, 256, 1024]) {
    const m = meanPoolAutoencoder(suite, ratio);
    const z = await run(m.graphs.encode.bytes, "x", x, [1, 2, P]);
    if (x.length / z.length !== ratio) throw new Error(`ratio ${x.length / z.length}`);
    const y = await run(m.graphs.decode.bytes, "z", z, [1, 2, P / ratio]);
    let s = 0;
    for (let i = 0; i < x.length; i++) s += (y[i] - x[i]) ** 2;
    const rmse = Math.sqrt(s / x.length);
    if (!(rmse > last)) throw new Error(`ratio ${ratio}: rmse ${rmse} ≤ ${last}`);
    last = rmse;
  }
});

Deno.test("ratio validation: powers of 4 only, coarse level must exist, HEALPix grids only", () => {
  for (const bad of [0, 2, 8, 100, 4.5]) {
    let threw = false;
    try {
      meanPoolDepth(bad);
    } catch (e) {
      threw = e instanceof RangeError;
    }
    if (!threw) throw new Error(`ratio ${bad} accepted`);
  }
  let threw = false;
  try {
    meanPoolEncodeGraph({ nside: 4, channels: 1, depth: 3 });
  } catch (e) {
    threw = e instanceof RangeError && String(e).includes("depth");
  }
  if (!threw) throw new Error("depth beyond the base level accepted");
  threw = false;
  try {
    meanPoolAutoencoder(
      { id: "x", fields: ["u"], grid: { kind: "periodic1d", n: 64, length: 1 } },
      16,
    );
  } catch (e) {
    threw = e instanceof RangeError && String(e).includes("HEALPix");
  }
  if (!threw) throw new Error("1D grid accepted");
});

"""Speed yardstick of the era5 built-in truth: the same scheme (the exact solid-body rotation of
Williamson et al. 1992 test case 1 about the axis tilted by alpha = 0.05, period 12 days, of a
band-limited field, l <= L = 32, on the nested HEALPix grid, nside 32 = 12 288 pixels) in plain
NumPy, vectorised over pixels and fields, the way a straightforward NumPy script writes it.
Optional: emubench does not need Python.

Per lead time t (6-hourly steps) and pixel p, with psi = phi_y(p) - omega t (phi_y the pixel's
longitude in the frame whose pole is the rotation axis, omega = 2 pi / 288 h),

    f(R(t)^-1 x_p) = sum_{m=0}^{L} Re G_m(p) cos(m psi) - Im G_m(p) sin(m psi),

cos(m psi), sin(m psi) by the angle-addition recurrence from cos psi and sin psi, themselves by
angle addition from cos phi_y, sin phi_y (kept per IC) and cos, sin of omega t (once per lead
time), summed from m = 0 up: what `evaluateTiltedFields` (suites/era5/advection.ts, suite 1.1.1)
does for every lead time of a reference, the recurrence shared by the two fields
(2m_temperature, geopotential_500), each result stored as a float32 row. The per-IC preparation
(HEALPix analysis and re-expansion in the tilted frame that make G_m and phi_y, done once per IC
and field) is not timed on either side.

    python3 suites/era5/numpy_yardstick.py [nside=32] [samples=11] [steps=40] [lmax=32]

times `steps` lead times of one IC (2 fields) per sample, with tables G (normal random numbers,
shape (fields, L + 1, npix), contiguous per order m) and phi_y (uniform in [0, 2 pi)) of the
suite's sizes: the work per lead time does not depend on their values. After a warm-up of one
sample it prints one JSON line: the median CPU and wall seconds per step (one lead time of one
IC, both fields), the fastest and slowest sample (CPU), and a checksum of the last step.

    python3 suites/era5/numpy_yardstick.py check IN OUT [npix] [lmax] [hours] [fields]

reads float64 phi_y (npix), then per field Re G and Im G (each npix x (L + 1), pixel-major as
the TypeScript tables) from IN, and writes the fields at `hours` (float64, fields x npix) to OUT:
`numpy_yardstick_test.ts` compares them with `evaluateTilted`.
"""
import json
import sys
import time

import numpy as np

OMEGA_PER_HOUR = 2 * np.pi / 288


def rotated(gr, gi, cp, sp, hours):
    """gr, gi: (fields, L + 1, npix); cp, sp: cos and sin of phi_y, (npix,). The fields at
    `hours`, (fields, npix)."""
    ct, st = np.cos(OMEGA_PER_HOUR * hours), np.sin(OMEGA_PER_HOUR * hours)
    c1, s1 = cp * ct + sp * st, sp * ct - cp * st
    c, s = np.ones_like(c1), np.zeros_like(c1)
    v = gr[:, 0].copy()
    for m in range(1, gr.shape[1]):
        c, s = c * c1 - s * s1, s * c1 + c * s1
        v += gr[:, m] * c - gi[:, m] * s
    return v


check = len(sys.argv) > 1 and sys.argv[1] == "check"
if check:
    args = sys.argv[4:]
    n, L = int(args[0]), int(args[1])
    hours, fields = float(args[2]), int(args[3]) if len(args) > 3 else 1
    x = np.fromfile(sys.argv[2], dtype="<f8")
    py, tables = x[:n], x[n:].reshape(fields, 2, n, L + 1)
    gr = np.ascontiguousarray(tables[:, 0].transpose(0, 2, 1))
    gi = np.ascontiguousarray(tables[:, 1].transpose(0, 2, 1))
    rotated(gr, gi, np.cos(py), np.sin(py), hours).astype("<f8").tofile(sys.argv[3])
    sys.exit(0)

args = sys.argv[1:]
nside = int(args[0]) if len(args) > 0 else 32
samples = int(args[1]) if len(args) > 1 else 11
steps = int(args[2]) if len(args) > 2 else 40
L = int(args[3]) if len(args) > 3 else 32
n, fields, dt = 12 * nside * nside, 2, 6.0
rng = np.random.default_rng(1)
gr = rng.standard_normal((fields, L + 1, n))
gi = rng.standard_normal((fields, L + 1, n))
py = rng.uniform(0, 2 * np.pi, n)
cp, sp = np.cos(py), np.sin(py)  # kept per IC, as the solver keeps them with its frame


def trajectory():
    # a new array per trajectory, as a script returns one (and as references allocate theirs);
    # with one array reused instead, glibc keeps trimming the heap under NumPy's 196 KB
    # temporaries and every one of them page-faults: 20x slower on the shared machine
    out = np.empty((steps, fields, n), dtype=np.float32)
    for t in range(1, steps + 1):
        out[t - 1] = rotated(gr, gi, cp, sp, t * dt)
    return out


trajectory()  # warm-up
wall, cpu = [], []
for _ in range(samples):
    t0, c0 = time.perf_counter(), time.process_time()
    out = trajectory()
    c1, t1 = time.process_time(), time.perf_counter()
    wall.append((t1 - t0) / steps)
    cpu.append((c1 - c0) / steps)
print(json.dumps({"nside": nside, "npix": n, "lmax": L, "fields": fields, "samples": samples,
                  "steps": steps, "secondsPerStep": float(np.median(wall)),
                  "cpuSecondsPerStep": float(np.median(cpu)), "cpuMin": min(cpu),
                  "cpuMax": max(cpu), "numpy": np.__version__,
                  "checksum": float(np.abs(out[-1].astype(np.float64)).sum())}))

"""Speed yardstick of the burgers1d reference solver: the same scheme (viscous Burgers
u_t + (u^2/2)_x = nu u_xx on [0, 1), n = 1024, nu = 0.01, 2/3-rule pseudo-spectral nonlinear term,
ETDRK4 of Kassam & Trefethen with contour-integral phi functions, sub-step h = dt/20 with
dt = 0.01) in plain NumPy with numpy.fft.rfft/irfft on the half spectrum (complex128), the way a
straightforward NumPy script writes it. Optional: emubench does not need Python.

    python3 suites/burgers1d/numpy_yardstick.py [n=1024] [samples=21] [inner=100] [ics=1]

times what `BurgersEtdrk4` does for the references: ETDRK4 sub-steps of ONE IC (its half
spectrum, shape (n/2 + 1,)), from u0 = sin(2 pi x), the IC `yardstick_bench.ts` gives the
TypeScript solver. After a warm-up of `inner` sub-steps it takes `samples` samples of `inner`
sub-steps each and prints one JSON line: the median CPU and wall seconds per sub-step per IC, the
fastest and slowest sample (CPU), and the energy 1/2 <u^2> after the run (a sanity value).
`ics` > 1 batches that many ICs (shape (ics, n/2 + 1), IC i = sin(2 pi (x + i/ics))) through
each NumPy call, which amortises NumPy's per-call overhead over the ICs: a different amount of
work per call than the solver's, reported per IC, for comparison only.

    python3 suites/burgers1d/numpy_yardstick.py check IN OUT [n] [h]

reads a physical state (n float64) from IN, advances it by one ETDRK4 sub-step of h (default
0.0005) and writes the physical result to OUT: `numpy_yardstick_test.ts` compares it with
`BurgersEtdrk4`.
"""
import json
import sys
import time

import numpy as np

check = len(sys.argv) > 1 and sys.argv[1] == "check"
args = sys.argv[4:] if check else sys.argv[1:]
n = int(args[0]) if len(args) > 0 else 1024
samples = int(args[1]) if len(args) > 1 and not check else 21
inner = int(args[2]) if len(args) > 2 and not check else 100
ics = int(args[3]) if len(args) > 3 and not check else 1
nu, length, dt, substeps, points = 0.01, 1.0, 0.01, 20, 64
h = float(args[1]) if len(args) > 1 and check else dt / substeps
k = np.fft.rfftfreq(n, 1.0 / n)
kappa = 2 * np.pi * k / length
mask = (k <= n // 3).astype(float)
z = -h * nu * kappa**2
r = np.exp(1j * np.pi * (np.arange(1, points // 2 + 1) - 0.5) / (points // 2))
w = z[:, None] + r[None, :]
e, e2 = np.exp(z), np.exp(z / 2)
q = h * np.real(np.mean((np.exp(w / 2) - 1) / w, axis=1))
f1 = h * np.real(np.mean((-4 - w + np.exp(w) * (4 - 3 * w + w**2)) / w**3, axis=1))
f2 = h * np.real(np.mean((2 + w + np.exp(w) * (w - 2)) / w**3, axis=1))
f3 = h * np.real(np.mean((-4 - 3 * w - w**2 + np.exp(w) * (4 - w)) / w**3, axis=1))
g = -0.5j * kappa * mask


def nonlinear(v):
    u = np.fft.irfft(mask * v, n=n)
    return g * np.fft.rfft(u * u)


def substep(v):
    nv = nonlinear(v)
    a = e2 * v + q * nv
    na = nonlinear(a)
    b = e2 * v + q * na
    nb = nonlinear(b)
    c = e2 * a + q * (2 * nb - nv)
    nc = nonlinear(c)
    return e * v + f1 * nv + 2 * f2 * (na + nb) + f3 * nc


if check:
    u0 = np.fromfile(sys.argv[2], dtype="<f8")
    np.fft.irfft(substep(np.fft.rfft(u0)), n=n).astype("<f8").tofile(sys.argv[3])
    sys.exit(0)

x = np.arange(n) / n
u0 = np.sin(2 * np.pi * x) if ics == 1 else np.sin(2 * np.pi * (x[None, :] + np.arange(ics)[:, None] / ics))
v = np.fft.rfft(u0)
for _ in range(inner):  # warm-up
    v = substep(v)
wall, cpu = [], []
for _ in range(samples):
    t0, c0 = time.perf_counter(), time.process_time()
    for _ in range(inner):
        v = substep(v)
    c1, t1 = time.process_time(), time.perf_counter()
    wall.append((t1 - t0) / (inner * ics))
    cpu.append((c1 - c0) / (inner * ics))
u = np.fft.irfft(v, n=n)
print(json.dumps({"n": n, "ics": ics, "samples": samples, "inner": inner,
                  "secondsPerSubstepPerIc": float(np.median(wall)),
                  "cpuSecondsPerSubstepPerIc": float(np.median(cpu)),
                  "cpuMin": min(cpu), "cpuMax": max(cpu), "numpy": np.__version__,
                  "energy": float(0.5 * np.mean(u**2))}))

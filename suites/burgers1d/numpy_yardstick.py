"""Speed yardstick of the burgers1d reference solver: the same scheme (viscous Burgers
u_t + (u^2/2)_x = nu u_xx on [0, 1), n = 1024, nu = 0.01, 2/3-rule pseudo-spectral nonlinear term,
ETDRK4 of Kassam & Trefethen with contour-integral phi functions, 20 sub-steps per model step of
dt = 0.01) in plain NumPy with numpy.fft.rfft/irfft, batched over the ICs the way a NumPy script
would be. Optional: emubench does not need Python.

    python3 suites/burgers1d/numpy_yardstick.py [n=1024] [ics=2] [model_steps=20]

prints one JSON line: wall and CPU seconds per ETDRK4 sub-step per IC (median of 5 repeats of
`model_steps` model steps) and the energy 1/2 <u^2> after the run (a sanity value).
"""
import json
import sys
import time

import numpy as np

n = int(sys.argv[1]) if len(sys.argv) > 1 else 1024
ics = int(sys.argv[2]) if len(sys.argv) > 2 else 2
model_steps = int(sys.argv[3]) if len(sys.argv) > 3 else 20
nu, length, dt, substeps, points = 0.01, 1.0, 0.01, 20, 64
h = dt / substeps
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


x = np.arange(n) / n
rng = np.random.default_rng(1)
u0 = sum(rng.uniform(-1, 1, (ics, 1)) * np.sin(2 * np.pi * kk * x + rng.uniform(0, 2 * np.pi, (ics, 1)))
         for kk in range(1, 6))
u0 /= np.abs(u0).max(axis=1, keepdims=True)
v = np.fft.rfft(u0)
wall, cpu = [], []
for _ in range(5):
    t0, c0 = time.perf_counter(), time.process_time()
    for _ in range(model_steps * substeps):
        v = substep(v)
    per = model_steps * substeps * ics
    wall.append((time.perf_counter() - t0) / per)
    cpu.append((time.process_time() - c0) / per)
u = np.fft.irfft(v, n=n)
print(json.dumps({"n": n, "ics": ics, "secondsPerSubstepPerIc": sorted(wall)[2],
                  "cpuSecondsPerSubstepPerIc": sorted(cpu)[2], "numpy": np.__version__,
                  "energy": float(0.5 * np.mean(u**2))}))

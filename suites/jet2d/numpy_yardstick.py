"""Speed yardstick of the jet2d reference solver: the same scheme (forced 2D Navier-Stokes in
vorticity form on [0, 2pi)^2, w_t + J(psi, w) + beta psi_x = nu lap w - nu_h lap^4 w - mu w + F,
lap psi = w, Kolmogorov forcing F = F0 kf cos(kf y), 2/3-rule dealiased pseudo-spectral
Jacobian, ETDRK4 of Kassam & Trefethen with contour-integral phi functions, the suite's physics
nu = 1e-4, nu_h = 1e-14, mu = 0.1, beta = 8, kf = 2, F0 = 1 and sub-step h = 0.002) in plain NumPy
with numpy.fft.rfft2/irfft2, the way a straightforward NumPy script writes it. Optional: emubench
does not need Python.

    python3 suites/jet2d/numpy_yardstick.py [n=256] [steps=10]

prints one JSON line: wall and CPU seconds per ETDRK4 step (median of 5 repeats of `steps`
steps; compare CPU time with the TypeScript solver's CPU time on a shared machine) and the
energy E = 1/2 <u^2 + v^2> after the run (a sanity value).

    python3 suites/jet2d/numpy_yardstick.py check IN OUT [n] [h]

reads a physical vorticity field (n*n float64, row-major [y, x]) from IN, projects it on the
2/3 band with zero mean, advances it by one ETDRK4 step of h (default 0.002) and writes the
physical result to OUT: `numpy_yardstick_test.ts` compares it with `Jet2D.step`.
"""
import json
import sys
import time

import numpy as np

check = len(sys.argv) > 1 and sys.argv[1] == "check"
args = sys.argv[4:] if check else sys.argv[1:]
n = int(args[0]) if len(args) > 0 else 256
steps = int(args[1]) if len(args) > 1 and not check else 10
h = float(args[1]) if len(args) > 1 and check else 0.002
nu, nu_h, mu, beta, kf, f0, points = 1e-4, 1e-14, 0.1, 8.0, 2, 1.0, 64

mx = np.fft.rfftfreq(n, 1.0 / n)[None, :]  # x mode numbers 0 .. n/2 (columns)
my = np.fft.fftfreq(n, 1.0 / n)[:, None]   # y mode numbers (rows)
k2 = mx**2 + my**2
kx = np.where(mx == n // 2, 0.0, mx)      # no derivative at the Nyquist bins
ky = np.where(np.abs(my) == n // 2, 0.0, my)
inv = np.where(k2 > 0, 1.0 / np.where(k2 > 0, k2, 1), 0.0)
cut = n // 3
mask = ((mx <= cut) & (np.abs(my) <= cut)).astype(float)
lam = -nu * k2 - nu_h * k2**4 - mu
forcing = np.zeros((n, n // 2 + 1))
forcing[kf, 0] = forcing[n - kf, 0] = 0.5 * n * n * f0 * kf

# ETDRK4 coefficients by the contour mean (P points, upper half circle, real part)
z = h * lam
r = np.exp(1j * np.pi * (np.arange(1, points // 2 + 1) - 0.5) / (points // 2))
w = z[..., None] + r
e, e2 = np.exp(z), np.exp(z / 2)
q = h * np.real(np.mean((np.exp(w / 2) - 1) / w, axis=-1))
f1 = h * np.real(np.mean((-4 - w + np.exp(w) * (4 - 3 * w + w**2)) / w**3, axis=-1))
f2 = h * np.real(np.mean((2 + w + np.exp(w) * (w - 2)) / w**3, axis=-1))
f3 = h * np.real(np.mean((-4 - 3 * w - w**2 + np.exp(w) * (4 - w)) / w**3, axis=-1))
del w


def nonlinear(wh):
    """N = -J(psi, w) - i beta kx psi + F with psi = -w/|k|^2, J dealiased by the 2/3 rule."""
    ph = -inv * wh
    pm, wm = mask * ph, mask * wh
    px, py = np.fft.irfft2(1j * kx * pm, s=(n, n)), np.fft.irfft2(1j * ky * pm, s=(n, n))
    wx, wy = np.fft.irfft2(1j * kx * wm, s=(n, n)), np.fft.irfft2(1j * ky * wm, s=(n, n))
    jac = mask * np.fft.rfft2(px * wy - py * wx)
    return forcing - jac - 1j * beta * kx * ph


def step(v):
    nv = nonlinear(v)
    a = e2 * v + q * nv
    na = nonlinear(a)
    b = e2 * v + q * na
    nb = nonlinear(b)
    c = e2 * a + q * (2 * nb - nv)
    nc = nonlinear(c)
    v = e * v + f1 * nv + 2 * f2 * (na + nb) + f3 * nc
    v[0, 0] = 0
    return v


if check:
    w0 = np.fromfile(sys.argv[2], dtype="<f8").reshape(n, n)
    v = mask * np.fft.rfft2(w0)
    v[0, 0] = 0
    np.fft.irfft2(step(v), s=(n, n)).astype("<f8").tofile(sys.argv[3])
    sys.exit(0)

rng = np.random.default_rng(1)
v = mask * np.fft.rfft2(rng.normal(size=(n, n)))
v[0, 0] = 0
wall, cpu = [], []
for _ in range(5):
    t0, c0 = time.perf_counter(), time.process_time()
    for _ in range(steps):
        v = step(v)
    wall.append((time.perf_counter() - t0) / steps)
    cpu.append((time.process_time() - c0) / steps)
# E = 1/2 <u^2 + v^2> = 1/2 sum |w|^2/|k|^2 / n^4 over the full plane (rfft half counted twice)
weight = np.where((mx == 0) | (mx == n // 2), 1.0, 2.0)
energy = 0.5 * np.sum(weight * np.abs(v) ** 2 * inv) / n**4
print(json.dumps({"n": n, "secondsPerStep": sorted(wall)[2], "cpuSecondsPerStep": sorted(cpu)[2],
                  "numpy": np.__version__, "energy": float(energy)}))

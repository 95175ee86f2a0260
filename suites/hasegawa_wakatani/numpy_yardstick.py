"""Second speed yardstick of the hasegawa_wakatani data card: the suite's RK4 step (HW with
coupling c1(phi - n) on every mode but the mean, -kappa d_y phi drive, nu(-lap)^3, 2/3-dealiased
pseudo-spectral brackets) in plain NumPy with numpy.fft.rfft2/irfft2, the way a straightforward
NumPy script writes it. Optional: emubench does not need Python.

    python3 suites/hasegawa_wakatani/numpy_yardstick.py [n=128] [steps=50]

prints one JSON line: seconds per RK4 step (median of 5 repeats of `steps` steps), wall clock
and CPU time of this process (on a shared machine compare CPU time with the TypeScript solver's
CPU time), and the energy E = 1/2 <n^2 + |grad phi|^2> after the run (a sanity value).
"""
import json
import sys
import time

import numpy as np

n = int(sys.argv[1]) if len(sys.argv) > 1 else 128
steps = int(sys.argv[2]) if len(sys.argv) > 2 else 50
k0, c1, kappa, nu, h = 0.15, 1.0, 1.0, 5e-5, 0.05
kx = k0 * np.fft.rfftfreq(n, 1.0 / n)[None, :]
ky = k0 * np.fft.fftfreq(n, 1.0 / n)[:, None]
k2 = kx**2 + ky**2
inv = np.where(k2 > 0, -1.0 / np.where(k2 > 0, k2, 1), 0.0)
cut = n // 3
mask = (np.abs(np.fft.rfftfreq(n, 1.0 / n))[None, :] <= cut) & (np.abs(np.fft.fftfreq(n, 1.0 / n))[:, None] <= cut)
hyper = nu * k2**3
coupling = np.where(k2 > 0, c1, 0.0)


def bracket(a, b):
    ax, ay = np.fft.irfft2(1j * kx * a, s=(n, n)), np.fft.irfft2(1j * ky * a, s=(n, n))
    bx, by = np.fft.irfft2(1j * kx * b, s=(n, n)), np.fft.irfft2(1j * ky * b, s=(n, n))
    return mask * np.fft.rfft2(ax * by - ay * bx)


def rhs(nh, wh):
    phi = inv * wh
    c = coupling * (phi - nh)
    dn = c - 1j * kappa * ky * phi - bracket(phi, nh) - hyper * nh
    dw = c - bracket(phi, wh) - hyper * wh
    return dn, dw


def step(nh, wh):
    k1 = rhs(nh, wh)
    k2_ = rhs(nh + h / 2 * k1[0], wh + h / 2 * k1[1])
    k3 = rhs(nh + h / 2 * k2_[0], wh + h / 2 * k2_[1])
    k4 = rhs(nh + h * k3[0], wh + h * k3[1])
    return (nh + h / 6 * (k1[0] + 2 * k2_[0] + 2 * k3[0] + k4[0]),
            wh + h / 6 * (k1[1] + 2 * k2_[1] + 2 * k3[1] + k4[1]))


rng = np.random.default_rng(1)
nh = mask * np.fft.rfft2(rng.normal(size=(n, n)))
wh = mask * np.fft.rfft2(rng.normal(size=(n, n)))
nh[0, 0] = wh[0, 0] = 0
times, cpu = [], []
for _ in range(5):
    t0, c0 = time.perf_counter(), time.process_time()
    for _ in range(steps):
        nh, wh = step(nh, wh)
    times.append((time.perf_counter() - t0) / steps)
    cpu.append((time.process_time() - c0) / steps)
phi = np.fft.irfft2(inv * wh, s=(n, n))
dens = np.fft.irfft2(nh, s=(n, n))
gx, gy = np.fft.irfft2(1j * kx * inv * wh, s=(n, n)), np.fft.irfft2(1j * ky * inv * wh, s=(n, n))
energy = 0.5 * np.mean(dens**2 + gx**2 + gy**2)
print(json.dumps({"n": n, "secondsPerStep": sorted(times)[2], "cpuSecondsPerStep": sorted(cpu)[2],
                  "numpy": np.__version__,
                  "energy": float(energy)}))

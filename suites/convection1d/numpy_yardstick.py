"""Speed yardstick of the convection1d reference: the same scheme (exact solution of
u_t + beta u_x = 0 on [0, 1), n = 1024, beta = 0.4, dt = 0.01, by the spectral shift
u_hat_k(t_m) = u_hat_k(0) exp(-2 pi i k s_m), s_m = beta m dt / L, with the Nyquist bin's real
multiplier cos(pi n s_m); the multipliers of all steps in a table made once, as the solver keeps
them between reference jobs) in plain NumPy with numpy.fft (complex128), the way a
straightforward NumPy script writes it. Optional: emubench does not need Python.

    python3 suites/convection1d/numpy_yardstick.py [n=1024] [samples=21] [steps=200] [mode=loop]

times what `convectionTrajectories` (suite 1.1.0) does for a reference job (one IC per job): the
half spectrum of ONE IC (`numpy.fft.rfft`), then per step the product with that step's
multipliers (k = 0 ... n/2) and the inverse real transform (`numpy.fft.irfft`) stored as a float32
row of the [steps + 1, n] trajectory (mode `loop`). The IC is u0 = sin(2 pi x), the one
`yardstick_bench.ts` gives the TypeScript solver. After a warm-up of one trajectory it takes
`samples` trajectories (each a new array, as a script returns one) and prints one JSON line: the
median CPU and wall seconds per IC-step, the fastest and slowest sample (CPU), and the energy
1/2 <u^2> of the last state (a sanity value). For comparison only:

- mode `cloop`: suite 1.0.0's scheme, complex transforms of length n (`numpy.fft.fft`, `ifft` per
  step, real part);
- mode `rbatch`: all `steps` rows in ONE call (`numpy.fft.irfft` of the [steps, n/2 + 1] product),
  the per-call overhead shared by the steps, which the solver does not have to amortise.

    python3 suites/convection1d/numpy_yardstick.py check IN OUT [n] [s]

reads a state (n float64) from IN, shifts it by s domain lengths (s = beta t / L, default
0.004, one suite step) with rfft, the multipliers and irfft, and writes the float64 result to OUT:
`numpy_yardstick_test.ts` compares it with the solver.
"""
import json
import sys
import time

import numpy as np

check = len(sys.argv) > 1 and sys.argv[1] == "check"
args = sys.argv[4:] if check else sys.argv[1:]
n = int(args[0]) if len(args) > 0 else 1024
samples = int(args[1]) if len(args) > 1 and not check else 21
steps = int(args[2]) if len(args) > 2 and not check else 200
mode = args[3] if len(args) > 3 and not check else "loop"
beta, length, dt = 0.4, 1.0, 0.01
k = np.fft.fftfreq(n, 1.0 / n)
k[n // 2] = n // 2  # signed wavenumbers in (-n/2, n/2], as the solver's


def multipliers(s):
    """Rows exp(-2 pi i k s) for the shifts s (shape (m,)); the Nyquist bin cos(pi n s)."""
    a = np.outer(s, k)
    a -= np.floor(a + 0.5)  # the phase reduced to whole periods (Math.round: ties up)
    m = np.exp(-2j * np.pi * a)
    m[:, n // 2] = m[:, n // 2].real
    return m


if check:
    s = float(args[1]) if len(args) > 1 else beta * dt / length
    u0 = np.fromfile(sys.argv[2], dtype="<f8")
    half = multipliers(np.array([s]))[0, : n // 2 + 1]
    np.fft.irfft(np.fft.rfft(u0) * half, n).astype("<f8").tofile(sys.argv[3])
    sys.exit(0)

if mode not in ("loop", "cloop", "rbatch"):
    sys.exit(f"numpy_yardstick.py: mode: expected loop, cloop or rbatch, found {mode}")
table = multipliers(beta * np.arange(1, steps + 1) * dt / length)  # made once, kept
half = np.ascontiguousarray(table[:, : n // 2 + 1])
u0 = np.sin(2 * np.pi * np.arange(n) / n)


def trajectory(u0):
    out = np.empty((steps + 1, n), dtype=np.float32)
    out[0] = u0
    if mode == "loop":
        z = np.fft.rfft(u0)
        for m in range(steps):
            out[m + 1] = np.fft.irfft(z * half[m], n)
    elif mode == "cloop":
        z = np.fft.fft(u0)
        for m in range(steps):
            out[m + 1] = np.fft.ifft(z * table[m]).real
    else:
        out[1:] = np.fft.irfft(np.fft.rfft(u0) * half, n, axis=1)
    return out


trajectory(u0)  # warm-up
wall, cpu = [], []
for _ in range(samples):
    t0, c0 = time.perf_counter(), time.process_time()
    out = trajectory(u0)
    c1, t1 = time.process_time(), time.perf_counter()
    wall.append((t1 - t0) / steps)
    cpu.append((c1 - c0) / steps)
print(json.dumps({"n": n, "samples": samples, "steps": steps, "mode": mode,
                  "secondsPerStep": float(np.median(wall)),
                  "cpuSecondsPerStep": float(np.median(cpu)),
                  "cpuMin": min(cpu), "cpuMax": max(cpu), "numpy": np.__version__,
                  "energy": float(0.5 * np.mean(out[-1].astype(np.float64) ** 2))}))

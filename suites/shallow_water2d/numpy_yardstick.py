"""Speed yardstick of the shallow_water2d reference solver: the same scheme (2D shallow water in
conservative form (h, hu, hv) on the periodic unit box, flat bottom, g = 1; MUSCL reconstruction
of h, u, v with the MC limiter, velocities desingularised below eps_h = 1e-6 (Kurganov &
Petrova); HLL flux with Einfeldt's wave speeds and the dry-bed speeds; unsplit x + y flux
divergence; SSP-RK3 sub-steps of tau = 0.4 / (a_x/dx + a_y/dy) from the sub-step's start state,
the last one clipped to end exactly on dt, a sub-step with h < 0 or non-finite values redone
with tau/2) in plain NumPy, array-at-a-time with np.roll and np.where, the way a straightforward
NumPy script writes it. Optional: emubench does not need Python.

    python3 suites/shallow_water2d/numpy_yardstick.py [n=128] [model_steps=2]

prints one JSON line: wall and CPU seconds per SSP-RK3 sub-step (three right-hand sides; median
of 5 repeats of `model_steps` steps of dt = 0.02 from two Gaussian bumps on h = 1 at rest), the
sub-steps per model step, and the total mass after the run (a sanity value).

    python3 suites/shallow_water2d/numpy_yardstick.py check IN OUT [n] [dt]

reads a state [3, n, n] (float64) from IN, advances it by dt (default 0.02) and writes it to
OUT, printing {"substeps": k}: `numpy_yardstick_test.ts` compares it with `ShallowWater2D.step`.
"""
import json
import sys
import time

import numpy as np

check = len(sys.argv) > 1 and sys.argv[1] == "check"
args = sys.argv[4:] if check else sys.argv[1:]
n = int(args[0]) if len(args) > 0 else 128
model_steps = int(args[1]) if len(args) > 1 and not check else 2
dt = float(args[1]) if len(args) > 1 and check else 0.02
g, cfl, eps = 1.0, 0.4, 1e-6
dx = dy = 1.0 / n
half_g, sqg = 0.5 * g, np.sqrt(g)


def limit(a, b):
    """MC limiter minmod(2a, 2b, (a + b)/2); 0 where a, b differ in sign."""
    m = np.minimum(np.minimum(2 * np.abs(a), 2 * np.abs(b)), 0.5 * np.abs(a + b))
    return np.where(a * b > 0, np.where(a > 0, m, -m), 0.0)


def faces(p, axis):
    """Left and right MUSCL values at the faces i - 1/2 (between cells i - 1 and i) along axis."""
    s = limit(p - np.roll(p, 1, axis), np.roll(p, -1, axis) - p)
    return np.roll(p + 0.5 * s, 1, axis), p - 0.5 * s


def divergence(h, un, ut, axis, inv_d):
    """HLL flux divergence (d/dt of h, normal and tangential momentum) along axis, max |speed|."""
    hl, hr = faces(h, axis)
    ul, ur = faces(un, axis)
    vl, vr = faces(ut, axis)
    ql, qr = np.sqrt(hl), np.sqrt(hr)
    cl, cr = sqg * ql, sqg * qr
    wet_l, wet_r = hl > 0, hr > 0
    with np.errstate(invalid="ignore", divide="ignore"):
        u_roe = (ql * ul + qr * ur) / (ql + qr)
    c_roe = sqg * np.sqrt(0.5 * (hl + hr))
    sl = np.where(wet_l & wet_r, np.minimum(ul - cl, u_roe - c_roe),
                  np.where(wet_l, ul - cl, np.where(wet_r, ur - 2 * cr, 0.0)))
    sr = np.where(wet_l & wet_r, np.maximum(ur + cr, u_roe + c_roe),
                  np.where(wet_l, ul + 2 * cl, np.where(wet_r, ur + cr, 0.0)))
    amax = np.max(np.maximum(np.abs(sl), np.abs(sr)))
    mhl, mhr = hl * ul, hr * ur
    fnl, fnr = mhl * ul + half_g * hl * hl, mhr * ur + half_g * hr * hr
    ftl, ftr = mhl * vl, mhr * vr
    with np.errstate(invalid="ignore", divide="ignore"):
        inv, ss = 1 / (sr - sl), sl * sr
        fh = (sr * mhl - sl * mhr + ss * (hr - hl)) * inv
        fn = (sr * fnl - sl * fnr + ss * (mhr - mhl)) * inv
        ft = (sr * ftl - sl * ftr + ss * (hr * vr - hl * vl)) * inv
    left, right = sl >= 0, sr <= 0
    fh = np.where(left, mhl, np.where(right, mhr, fh))
    fn = np.where(left, fnl, np.where(right, fnr, fn))
    ft = np.where(left, ftl, np.where(right, ftr, ft))
    d = [(f - np.roll(f, -1, axis)) * inv_d for f in (fh, fn, ft)]
    return d, amax


def rhs(state):
    """L(U) of state [3, n, n] and the CFL rate a_x/dx + a_y/dy."""
    h, hu, hv = state
    h4 = h**4
    wet = h >= eps
    with np.errstate(invalid="ignore", divide="ignore"):
        f = np.sqrt(2) * h / np.sqrt(h4 + np.maximum(h4, eps**4))
        u, v = np.where(wet, hu / h, f * hu), np.where(wet, hv / h, f * hv)
    (dh, dhu, dhv), ax = divergence(h, u, v, 1, 1 / dx)  # x: columns (axis 1)
    (eh, ehv, ehu), ay = divergence(h, v, u, 0, 1 / dy)  # y: rows (axis 0)
    return np.stack([dh + eh, dhu + ehu, dhv + ehv]), ax / dx + ay / dy


def stages(u0, k, tau):
    u1 = u0 + tau * k
    k, _ = rhs(u1)
    u1 = 0.75 * u0 + 0.25 * (u1 + tau * k)
    k, _ = rhs(u1)
    return (1 / 3) * u0 + (2 / 3) * (u1 + tau * k)


def step(state, dt):
    """Advance by exactly dt; returns the new state and the number of sub-steps."""
    t, count = 0.0, 0
    while t < dt:
        u0 = state
        k, rate = rhs(u0)
        remaining = dt - t
        tau, last = (cfl / rate if rate > 0 else remaining), False
        if not tau < remaining:
            tau, last = remaining, True
        for _ in range(41):
            count += 1
            state = stages(u0, k, tau)
            if np.all(state[0] >= 0) and np.all(np.isfinite(state)):
                break
            tau, last = 0.5 * tau, False
        else:
            raise RuntimeError("h < 0 after 40 halvings")
        if last:
            break
        t += tau
    return state, count


if check:
    s0 = np.fromfile(sys.argv[2], dtype="<f8").reshape(3, n, n)
    s1, count = step(s0, dt)
    s1.astype("<f8").tofile(sys.argv[3])
    print(json.dumps({"substeps": count}))
    sys.exit(0)

x = (np.arange(n) + 0.5) / n
X, Y = x[None, :], x[:, None]
state = np.zeros((3, n, n))
state[0] = (1 + 0.5 * np.exp(-((X - 0.3)**2 + (Y - 0.6)**2) / (2 * 0.06**2))
            + 0.3 * np.exp(-((X - 0.7)**2 + (Y - 0.35)**2) / (2 * 0.04**2)))
wall, cpu, per_step = [], [], 0
for _ in range(5):
    t0, c0, count = time.perf_counter(), time.process_time(), 0
    for _ in range(model_steps):
        state, k = step(state, dt)
        count += k
    wall.append((time.perf_counter() - t0) / count)
    cpu.append((time.process_time() - c0) / count)
    per_step = count / model_steps
print(json.dumps({"n": n, "secondsPerSubstep": sorted(wall)[2],
                  "cpuSecondsPerSubstep": sorted(cpu)[2], "substepsPerModelStep": per_step,
                  "numpy": np.__version__, "mass": float(np.sum(state[0]) * dx * dy)}))

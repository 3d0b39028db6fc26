"""The obvious vectorised numpy loop of paper eq. 3 (Analog SGD) on the same `lsq` problem:
what a researcher would write. Prints microseconds per step. Run: python3 benches/numpy_lsq.py"""
import time
import numpy as np

D, N, tau, alpha, sigma, steps = 40, 100, 1.0, 0.03, 0.1, 200_000
rng = np.random.default_rng(42)
xstar = 0.3 * rng.standard_normal(D)
A = rng.standard_normal((N, D)) / 2
b = A @ xstar
H = A.T @ A / N
c = A.T @ b / N
w = np.zeros(D)
losses = np.empty(steps)
t = time.perf_counter()
for k in range(steps):
    g = H @ w - c
    losses[k] = 0.5 * np.mean((A @ w - b) ** 2)  # record f(W_k), as the Rust run does
    g += sigma * rng.standard_normal(D)
    dw = -alpha * g
    w = w + dw - np.abs(dw) * w / tau
dt = time.perf_counter() - t
print(f"numpy eq. 3 on lsq: {dt / steps * 1e6:.2f} us/step ({steps / dt:.3e} steps/s), final loss {losses[-1]:.3e}")

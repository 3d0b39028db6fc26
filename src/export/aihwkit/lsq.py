

# f(W) = 1/(2N) ||A W - b||^2 with b = A x*, so f* = 0 and f(W) - f* = 1/2 (W - x*)' H (W - x*).
N, D = A.shape
B = A @ XSTAR
H = A.T @ A / N
ROW_NORMS = np.linalg.norm(A, axis=1)


def loss(w):
    d = np.asarray(w, dtype=np.float64).reshape(-1) - XSTAR
    return 0.5 * float(d @ H @ d)


def tail_mean(tail):
    return float(np.mean(tail)) if tail and all(math.isfinite(v) for v in tail) else float("nan")


def train_exact(algo, seed):
    """Exact arithmetic in float64 (Digital SGD; Analog SGD / Tiki-Taka on the ideal device):
    the full gradient at W (Tiki-Taka: at W + gamma P), plus SIGMA * N(0, I) and the read noise
    of the forward pass."""
    rng = np.random.default_rng(seed)
    w, p, tail = W0.copy(), np.zeros(D), []
    for k in range(STEPS):
        if k >= TAIL_START:
            tail.append(loss(w))
        at = w + GAMMA * p if algo == "tt" else w
        g = H @ (at - XSTAR) + SIGMA * rng.standard_normal(D)
        if READ_NOISE > 0.0:
            g += A.T @ (READ_NOISE * ROW_NORMS * rng.standard_normal(N)) / N
        if algo == "tt":
            p -= ALPHA * g
            if (k + 1) % EVERY == 0:
                w += BETA * p
        else:
            w -= ALPHA * g
        if not np.all(np.isfinite(w)):
            return float("nan")
    return tail_mean(tail)


def train_pulsed(algo, seed):
    """A bias-free AnalogLinear(D, 1) trained full batch: per step the N data rows and, last, one
    row x = xi ~ N(0, I) whose output gradient is SIGMA (our gradient noise SIGMA * xi as one more
    rank-1 pulse update, in the same place as ours). aihwkit updates sample by sample in order."""
    rng = np.random.default_rng(seed)
    model = AnalogLinear(D, 1, bias=False, rpu_config=rpu_config(algo, D))
    model.set_weights(torch.tensor(W0, dtype=torch.float32).view(1, D))
    optimizer = analog_optimizer(model, algo)
    x_data = torch.tensor(A, dtype=torch.float32)
    y_data = torch.tensor(B, dtype=torch.float32)
    tail = []
    for k in range(STEPS):
        if k >= TAIL_START:
            tail.append(loss(main_weights(model).numpy()))
        xi = torch.tensor(rng.standard_normal(D), dtype=torch.float32).view(1, D)
        y = model(torch.cat([x_data, xi])).view(-1)
        objective = 0.5 * ((y[:N] - y_data) ** 2).sum() / N + SIGMA * y[N]
        optimizer.zero_grad()
        objective.backward()
        optimizer.step()
    return tail_mean(tail)


def train(algo, seed):
    if algo == "digital" or not PULSED:
        return train_exact(algo, seed)
    return train_pulsed(algo, seed)

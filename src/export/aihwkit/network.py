def layer_of(algo, generator, n_in, n_out, kernel=None):
    """One layer, Linear or (kernel given) Conv2d with n_in input channels: initial weights and
    biases from torch's law U(-1/sqrt(fan_in), 1/sqrt(fan_in)), drawn from `generator` in the same
    order for every algorithm; analog weights clipped into the device range [W_LO, W_HI]."""
    fan_in = n_in * (kernel * kernel if kernel else 1)
    bound = 1.0 / math.sqrt(fan_in)
    shape = (n_out, n_in, kernel, kernel) if kernel else (n_out, n_in)
    w = (torch.rand(*shape, generator=generator) * 2.0 - 1.0) * bound
    b = (torch.rand(n_out, generator=generator) * 2.0 - 1.0) * bound
    if algo == "digital":
        layer = torch.nn.Conv2d(n_in, n_out, kernel) if kernel else torch.nn.Linear(n_in, n_out)
        with torch.no_grad():
            layer.weight.copy_(w)
            layer.bias.copy_(b)
    elif kernel:
        layer = AnalogConv2d(n_in, n_out, kernel, bias=True, rpu_config=rpu_config(algo, fan_in))
        layer.set_weights(w.clamp(W_LO, W_HI), b)
    else:
        layer = AnalogLinear(n_in, n_out, bias=True, rpu_config=rpu_config(algo, n_in))
        layer.set_weights(w.clamp(W_LO, W_HI), b)
    return layer


def build_cnn(algo, generator):
    """The paper's CNN (ARCH = "cnn"): AnalogConv2d(1->16, 5x5), tanh, max-pool 2,
    AnalogConv2d(16->32, 5x5), tanh, max-pool 2, tanh, flatten (512), AnalogLinear(512->128), tanh,
    AnalogLinear(128->10), log-softmax; the 784 inputs are unflattened to 1x28x28 first."""
    return torch.nn.Sequential(
        torch.nn.Unflatten(1, (1, 28, 28)),
        layer_of(algo, generator, 1, 16, kernel=5),
        torch.nn.Tanh(),
        torch.nn.MaxPool2d(2),
        layer_of(algo, generator, 16, 32, kernel=5),
        torch.nn.Tanh(),
        torch.nn.MaxPool2d(2),
        torch.nn.Tanh(),
        torch.nn.Flatten(),
        layer_of(algo, generator, 512, 128),
        torch.nn.Tanh(),
        layer_of(algo, generator, 128, 10),
        torch.nn.LogSoftmax(dim=1),
    )


def build(algo, generator):
    """LAYERS widths, sigmoid hidden units, log-softmax output (ARCH = "fcn"), or the CNN.
    Initial weights and biases are torch.nn.Linear's law U(-1/sqrt(I), 1/sqrt(I)), drawn from
    `generator` in the same order for every algorithm; analog weights are clipped into the device
    range [W_LO, W_HI]."""
    if ARCH == "cnn":
        return build_cnn(algo, generator)
    modules = []
    for i, (n_in, n_out) in enumerate(zip(LAYERS[:-1], LAYERS[1:])):
        modules.append(layer_of(algo, generator, n_in, n_out))
        modules.append(torch.nn.Sigmoid() if i < len(LAYERS) - 2 else torch.nn.LogSoftmax(dim=1))
    return torch.nn.Sequential(*modules)


def train(algo, seed):
    """EPOCHS epochs of mini-batches of BATCH (the last one smaller, not dropped) in a fresh random
    order per epoch; NLL averaged over the mini-batch; biases digital at lr ALPHA. Returns the
    test accuracy after the last epoch, through the analog forward pass (read noise included),
    and prints it after every epoch with the seconds of the epoch's training and test pass (one
    thread with --threads 1: the figures `cargo bench --bench mnist` compares with). StepLR (LR_STEP > 0) multiplies the optimizer's rates by
    LR_GAMMA every LR_STEP epochs (not fast_lr, a device parameter)."""
    generator = torch.Generator().manual_seed(seed)
    model = build(algo, generator)
    if algo == "digital":
        optimizer = torch.optim.SGD(model.parameters(), lr=ALPHA)
    else:
        optimizer = analog_optimizer(model, algo)
    scheduler = torch.optim.lr_scheduler.StepLR(optimizer, LR_STEP, LR_GAMMA) if LR_STEP > 0 else None
    n = len(Y_TRAIN)
    accuracy = float("nan")
    for epoch in range(EPOCHS):
        started = time.perf_counter()
        model.train()
        order = torch.randperm(n, generator=generator)
        for start in range(0, n, BATCH):
            idx = order[start : start + BATCH]
            objective = torch.nn.functional.nll_loss(model(X_TRAIN[idx]), Y_TRAIN[idx])
            if not torch.isfinite(objective):
                return float("nan")
            optimizer.zero_grad()
            objective.backward()
            optimizer.step()
        if scheduler is not None:
            scheduler.step()
        trained = time.perf_counter()
        accuracy = test_accuracy(model)
        seconds = f"train_seconds={trained - started:.3f} test_seconds={time.perf_counter() - trained:.3f}"
        print(f"EPOCH algo={algo} seed={seed} epoch={epoch + 1} test_accuracy={accuracy:.9g} {seconds}", flush=True)
    return accuracy


def test_accuracy(model):
    model.eval()
    with torch.no_grad():
        predicted = model(X_TEST).argmax(dim=1)
    return float((predicted == Y_TEST).float().mean())

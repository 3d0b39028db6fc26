

def update_parameters(bl):
    """Pulse trains as ours: stochastic compressed trains of at most BL slots, with update-BL
    management (BL = min(ceil(k), desired_bl)) and update management (balanced x/d
    probabilities, d clipped when k > desired_bl); no probability discretisation."""
    return UpdateParameters(
        desired_bl=bl,
        fixed_bl=True,
        pulse_type=PulseType.STOCHASTIC_COMPRESSED,
        res=0,
        sto_round=False,
        x_res_implicit=0,
        d_res_implicit=0,
        d_sparsity=False,
        update_bl_management=True,
        update_management=True,
        um_grad_scale=1.0,
    )


def io_parameters(w_noise, managed=True):
    """The periphery of an analog MVM, as ours. With INP_BITS = OUT_BITS = 0 and OUT_NOISE = 0: an
    exact MVM plus, when w_noise > 0, our read noise (aihwkit's additive-constant weight noise,
    output noise of std w_noise * ||x||), no converters, bounds or management (a bound or
    resolution <= 0 means none). Otherwise aihwkit's converters as ours: inputs scaled by max|x|
    (noise management ABS_MAX) and rounded to inp_res = 1/(2^b - 2) of [-1, 1], output noise
    OUT_NOISE, outputs clipped to +-12 with iterative bound management and rounded to
    out_res = 1/(2^b - 2) of [-12, 12]; `managed=False` (the transfer reads) turns the noise and
    bound management off."""
    exact = INP_BITS == 0 and OUT_BITS == 0 and OUT_NOISE == 0.0
    bounded = OUT_BITS > 0
    return IOParameters(
        is_perfect=exact and w_noise == 0.0,
        mv_type=AnalogMVType.ONE_PASS,
        inp_bound=0.0 if exact else 1.0,
        inp_noise=0.0,
        inp_res=1.0 / max(2**INP_BITS - 2, 1) if INP_BITS > 0 else 0.0,
        inp_sto_round=False,
        inp_asymmetry=0.0,
        out_bound=12.0 if bounded else 0.0,
        out_noise=OUT_NOISE,
        out_noise_std=0.0,
        out_res=1.0 / max(2**OUT_BITS - 2, 1) if OUT_BITS > 0 else 0.0,
        out_sto_round=False,
        out_scale=1.0,
        out_asymmetry=0.0,
        bound_management=BoundManagementType.ITERATIVE if bounded and managed else BoundManagementType.NONE,
        noise_management=NoiseManagementType.ABS_MAX if managed and not exact else NoiseManagementType.NONE,
        w_noise=w_noise,
        w_noise_type=WeightNoiseType.ADDITIVE_CONSTANT if w_noise > 0.0 else WeightNoiseType.NONE,
        ir_drop=0.0,
        out_nonlinearity=0.0,
        out_nonlinearity_std=0.0,
        slope_calibration=0.0,
        v_offset_std=0.0,
        r_series=0.0,
        w_read_asymmetry_dtod=0.0,
    )


def rpu_config(algo, n_inputs):
    """The tile of one layer with n_inputs inputs for algorithm `algo` ("analog" or "tt")."""
    if not PULSED:
        # The ideal device: exact floating-point updates (Analog SGD only).
        config = FloatingPointRPUConfig()
    elif algo == "analog":
        config = SingleRPUConfig(device=device())
    else:
        # Tiki-Taka: device 0 is our fast array P, device 1 our main array W.
        # W_visible = gamma * P + W (the forward pass reads W + gamma P, as ours).
        # P receives the SGD pulses at fast_lr = FAST_LR * LR_SCALE (in aihwkit 1.1.0 fast_lr is the
        # fast tile's learning rate itself; scale_fast_lr came later); every EVERY mini-batches
        # (units_in_mbatch) N_READS columns of P (0: all n_inputs) are read, with additive noise
        # TRANSFER_READ_NOISE, and written into W by pulse trains of at most TRANSFER_BL pulses
        # trains at lr * transfer_lr = BETA * LR_SCALE (scale_transfer_lr: beta = transfer_lr * lr).
        config = UnitCellRPUConfig(
            device=TransferCompound(
                unit_cell_devices=[device(), device()],
                gamma=GAMMA,
                transfer_every=EVERY,
                units_in_mbatch=True,
                n_reads_per_transfer=N_READS if N_READS > 0 else n_inputs,
                transfer_columns=True,
                with_reset_prob=0.0,
                random_selection=False,
                no_self_transfer=True,
                fast_lr=FAST_LR * LR_SCALE,
                transfer_lr=TRANSFER_LR,
                scale_transfer_lr=True,
                transfer_forward=io_parameters(TRANSFER_READ_NOISE, managed=False),
                transfer_update=update_parameters(TRANSFER_BL),
            )
        )
    if PULSED:
        config.forward = io_parameters(FORWARD_W_NOISE)
        config.backward = io_parameters(BACKWARD_W_NOISE)
        config.update = update_parameters(BL)
    # Digital biases and no weight remapping (omega 0, so weight_scaling_columnwise has no effect);
    # LEARN_OUT_SCALING: one learned scalar per tile; TILE_INPUTS: layers split into tiles of at
    # most this many inputs (0: one tile per layer); outputs never split, as ours.
    config.mapping.digital_bias = True
    config.mapping.weight_scaling_omega = 0.0
    config.mapping.weight_scaling_columnwise = LEARN_OUT_SCALING
    config.mapping.learn_out_scaling = LEARN_OUT_SCALING
    config.mapping.out_scaling_columnwise = False
    config.mapping.max_input_size = TILE_INPUTS
    config.mapping.max_output_size = 0
    return config


def analog_optimizer(model, algo):
    """AnalogSGD at lr ALPHA; Analog SGD's tiles at ALPHA * LR_SCALE (Tiki-Taka scales through
    fast_lr and transfer_lr instead), so aihwkit's pulse counts equal ours (see LR_SCALE)."""
    optimizer = AnalogSGD(model.parameters(), lr=ALPHA)
    optimizer.regroup_param_groups(model)
    for group in optimizer.param_groups:
        if any(isinstance(p, AnalogContext) for p in group["params"]):
            group["lr"] = ALPHA * (LR_SCALE if algo == "analog" and PULSED else 1.0)
    return optimizer


def main_weights(layer):
    """Our W of an analog layer: the tile's weight, or for Tiki-Taka with gamma != 0 the hidden
    weight of device 1 (the visible one is gamma * P + W)."""
    tile = next(layer.analog_tiles())
    if GAMMA != 0.0 and isinstance(tile.rpu_config, UnitCellRPUConfig):
        return tile.get_hidden_parameters()["hidden_weights_1"].detach().double()
    return layer.get_weights()[0].detach().double()


def mean_std(values):
    """Mean and sample standard deviation (0 for one value), as our summaries."""
    n = len(values)
    mean = sum(values) / n
    var = sum((v - mean) ** 2 for v in values) / (n - 1) if n > 1 else 0.0
    return mean, math.sqrt(var)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=SEED, help="first seed (torch and numpy)")
    parser.add_argument("--seeds", type=int, default=SEEDS, help="number of seeds: seed, seed+1, ...")
    parser.add_argument("--threads", type=int, default=0, help="torch threads (0: torch's choice)")
    parser.add_argument("--algos", default=",".join(ALGOS), help="comma-separated subset of ALGOS")
    args = parser.parse_args()
    if args.threads > 0:
        torch.set_num_threads(args.threads)
    for algo in args.algos.split(","):
        values = []
        for k in range(args.seeds):
            seed = args.seed + k
            # aihwkit's C++ RNG (pulses, device variation) is seeded from the clock: only the
            # torch/numpy draws follow --seed, so compare means over seeds, not single runs.
            torch.manual_seed(seed)
            value = train(algo, seed)
            print(f"RUN algo={algo} seed={seed} {METRIC}={value:.9g}", flush=True)
            values.append(value)
        mean, std = mean_std(values)
        print(f"METRIC algo={algo} {METRIC}={mean:.9g} std={std:.9g} seeds={len(values)}", flush=True)


if __name__ == "__main__":
    main()

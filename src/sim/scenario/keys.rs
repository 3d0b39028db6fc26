//! The vocabulary, declared once: every key of a scenario with its field and type, symbol, group,
//! range, defaults (per problem in brackets), when it applies, help, the page's control and its
//! place in an aihwkit script, in canonical order. The `vocabulary!` macro (`vocabulary.rs`) makes
//! the [`Scenario`] struct and the [`KEYS`] table from it; parsing, the canonical query, JSON,
//! `playground keys`, the page's controls and the aihwkit export's header all read [`KEYS`].
//! Adding a key is one entry here plus its use in the simulation.

use super::aihwkit;
use super::applies::*;
use super::choices::FieldValue;
use super::preset::PRESET_NAMES;
use super::vocabulary::{Aihwkit, Control, Group, Key, Kind, Value};
use super::{Arch, DeviceKind, MnistData, ProblemKind, PulseMode, PulseNoise, UpdateForm, VERSION};
use crate::sim::algorithm::AlgorithmKind;

/// Largest seed: seeds stay exact as JavaScript numbers and readable in links.
pub const MAX_SEED: u64 = u32::MAX as u64;
/// Largest `quadratic` dimension.
pub const MAX_QUADRATIC_DIM: usize = 64;
/// Most layer widths of a `digits` network (input and output included).
pub const MAX_LAYERS: usize = 8;

use ProblemKind::{Digits as DIGITS, LowerBound as LB, Lsq as LSQ, Mnist as MNIST};

vocabulary! {
    fields {
        problem: ProblemKind {
            help: "training problem: 2-D (or n-D) quadratic, the paper's least squares, the Theorem 3 lower-bound instance, a network on the 8×8 handwritten digits, or the paper's network on real MNIST digits (10,000, or the full set with data=full)",
            symbol: "problem", group: Group::Setup, kind: Kind::Choice(ProblemKind::NAMES), default: "quadratic",
            applies: always, control: Control::Select(ProblemKind::LABELS),
            aihwkit: Aihwkit::To("train(): the training loop"),
        },
        data: MnistData {
            help: "mnist: which digits — 10k: the 10,000 vendored with the playground (8000 training / 2000 test); full: the standard split, 60,000 training / 10,000 test (LeCun & Cortes, CC BY-SA 3.0), command line only, after ./scripts/setup.sh has fetched it into data/mnist-full/ (aihwkit export: the same IDX files)",
            symbol: "data set", group: Group::Setup, kind: Kind::Choice(MnistData::NAMES), default: "10k",
            applies: on_mnist, control: Control::Select(MnistData::LABELS),
            aihwkit: Aihwkit::Rule(aihwkit::data),
        },
        arch: Arch {
            help: "digits, mnist: fcn — fully connected with the widths of `layers`; cnn — the paper's CNN (mnist only: conv 1→16 5×5, tanh, max-pool 2, conv 16→32 5×5, tanh, max-pool 2, tanh, 512→128 tanh →10; aihwkit AnalogConv2d: each kernel one tile applied to every image patch)",
            symbol: "network", group: Group::Setup, kind: Kind::Choice(Arch::NAMES), default: "fcn",
            applies: on_digits, control: Control::Select(Arch::LABELS),
            aihwkit: Aihwkit::To("ARCH: build() makes AnalogLinear layers (fcn) or the paper's CNN of AnalogConv2d and AnalogLinear (cnn)"),
        },
        algos: Vec<AlgorithmKind> {
            help: "algorithms to run on the same noise: digital (Digital SGD), analog (Analog SGD), tt (Tiki-Taka); beyond Tiki-Taka: ttv2 (TT-v2, buffered threshold transfer), cttv2 (c-TTv2, chopped), agad (AGAD, dynamic reference), rl and rlv2 (residual learning v1, v2 with a digital filter), rider and erider (RIDER, E-RIDER: symmetric-point tracking)",
            symbol: "algorithms", group: Group::Setup, kind: Kind::Algos, default: "digital,analog,tt",
            applies: always, control: Control::Algos,
            aihwkit: Aihwkit::Rule(aihwkit::algos),
        },
        device: DeviceKind {
            help: "device model: ideal (exact), ald (asymmetric linear, paper eq. 8), softbounds, pow (power step), exp (exponential step)",
            symbol: "device", group: Group::Device, kind: Kind::Choice(DeviceKind::NAMES), default: "ald",
            applies: always, control: Control::Select(DeviceKind::LABELS),
            aihwkit: Aihwkit::Rule(aihwkit::device),
        },
        tau: f64 {
            help: "device dynamic range / asymmetry: the weight saturates at sp ± τ; larger is more symmetric",
            symbol: "τ", group: Group::Device, kind: Kind::Float { min: 1e-3, max: 1e12, log: true }, default: "1",
            applies: on_ald, control: Control::LogSlider(0.05, 100.0),
            aihwkit: Aihwkit::To("device(): w_max, w_min (and reference_mean = -sp)"),
        },
        sp: f64 {
            help: "the device's symmetric point (× in the figures; 0 in the paper; nonzero breaks Tiki-Taka)",
            symbol: "sp", group: Group::Device, kind: Kind::Float { min: -100.0, max: 100.0, log: false }, default: "0",
            applies: on_ald, control: Control::Slider(-1.0, 1.0),
            aihwkit: Aihwkit::To("device(): w_max, w_min (and reference_mean = -sp)"),
        },
        alpha: f64 [LSQ: "0.03", LB: "0.002"] {
            help: "step size: rate at which gradients are written into the array that receives them (W, or Tiki-Taka's P)",
            symbol: "α", group: Group::Steps, kind: Kind::Float { min: 0.0, max: 10.0, log: true }, default: "0.05",
            applies: always, control: Control::LogSlider(1e-4, 1.0),
            aihwkit: Aihwkit::To("ALPHA: the AnalogSGD learning rate"),
        },
        beta: f64 [MNIST: "0.05"] {
            help: "transfer rate of Tiki-Taka and the algorithms beyond it: every transfer writes β·P into W (the 2024 paper calls this α; aihwkit: transfer_lr × lr under scale_transfer_lr); buffers accumulate β·P",
            symbol: "β", group: Group::Steps, kind: Kind::Float { min: 0.0, max: 10.0, log: true }, default: "0.1",
            applies: on_transfer, control: Control::LogSlider(1e-5, 1.0),
            aihwkit: Aihwkit::To("TRANSFER_LR = BETA / ALPHA (scale_transfer_lr)"),
        },
        gamma: f64 {
            help: "Tiki-Taka mixing: gradients are taken at W + γP (0 = the paper's Tiki-Taka)",
            symbol: "γ", group: Group::Steps, kind: Kind::Float { min: 0.0, max: 10.0, log: false }, default: "0",
            applies: always, control: Control::Slider(0.0, 1.0),
            aihwkit: Aihwkit::To("TransferCompound gamma"),
        },
        every: u64 {
            help: "Tiki-Taka transfers P into W once every this many steps (digits, mnist: mini-batches)",
            symbol: "transfer period", group: Group::Steps, kind: Kind::Int { min: 1, max: 1_000_000 }, default: "1",
            applies: always, control: Control::LogSlider(1.0, 1000.0),
            aihwkit: Aihwkit::To("TransferCompound transfer_every (units_in_mbatch)"),
        },
        fast_lr: f64 [MNIST: "0.01"] {
            help: "digits, mnist: the rate of gradient writes into P of Tiki-Taka and the algorithms beyond it (aihwkit fast_lr, the paper's β = 0.01 on MNIST); 0 means α. Not scheduled by StepLR",
            symbol: "α_P", group: Group::Steps, kind: Kind::Float { min: 0.0, max: 10.0, log: true }, default: "0",
            applies: on_network_transfer, control: Control::Number,
            aihwkit: Aihwkit::To("FAST_LR: TransferCompound fast_lr (0 = alpha; in aihwkit 1.1 an absolute rate, as ours)"),
        },
        n_reads: u64 [MNIST: "1"] {
            help: "columns of P read per transfer (aihwkit n_reads_per_transfer), in order and wrapping; 0 = all of P at once. quadratic, lsq: the weights are one tile with one output, so a column is one weight; digits, mnist: a column is one input line of a layer (MNIST's default 1, one per mini-batch as in aihwkit)",
            symbol: "reads per transfer", group: Group::Transfer, kind: Kind::Int { min: 0, max: 100_000 }, default: "0",
            applies: on_transfer, control: Control::Number,
            aihwkit: Aihwkit::To("N_READS: TransferCompound n_reads_per_transfer (0 = all columns)"),
        },
        transfer_read_noise: f64 {
            help: "std of the additive Gaussian noise on every read of P by a transfer (aihwkit transfer_forward out_noise)",
            symbol: "transfer read noise", group: Group::Transfer, kind: Kind::Float { min: 0.0, max: 10.0, log: false }, default: "0",
            applies: on_transfer, control: Control::Slider(0.0, 0.1),
            aihwkit: Aihwkit::To("TRANSFER_READ_NOISE: transfer_forward w_noise (additive, one column read)"),
        },
        buffer_threshold: f64 {
            help: "ttv2, cttv2, agad, rlv2: a buffer transfers where it reaches this many Δw_min (aihwkit thres_scale, buffer_granularity); W receives whole Δw_min pulses",
            symbol: "thr", group: Group::Transfer, kind: Kind::Float { min: 0.01, max: 1000.0, log: true }, default: "1",
            applies: on_buffered, control: Control::LogSlider(0.1, 100.0),
            aihwkit: Aihwkit::No("the algorithms beyond Tiki-Taka are not mapped to aihwkit compounds by the export"),
        },
        buffer_momentum: f64 {
            help: "ttv2, cttv2, agad: share of the buffer kept after a transfer (aihwkit momentum with forget_buffer; TT-v2's Python default is 0.1)",
            symbol: "buffer momentum", group: Group::Transfer, kind: Kind::Float { min: 0.0, max: 1.0, log: false }, default: "0",
            applies: on_ttv2_family, control: Control::Slider(0.0, 1.0),
            aihwkit: Aihwkit::No("the algorithms beyond Tiki-Taka are not mapped to aihwkit compounds by the export"),
        },
        chop_prob: f64 {
            help: "cttv2: each column's chopper flips with this probability after its read (aihwkit in_chop_prob); agad: choppers switch every ⌈1/p⌉ reads (at p = 0 AGAD never writes W); erider: the chopper flips with this probability per step",
            symbol: "chopper probability", group: Group::Transfer, kind: Kind::Float { min: 0.0, max: 1.0, log: false }, default: "0.1",
            applies: on_chopped, control: Control::LogSlider(0.001, 1.0),
            aihwkit: Aihwkit::No("the algorithms beyond Tiki-Taka are not mapped to aihwkit compounds by the export"),
        },
        tail_weightening: f64 {
            help: "agad: weight of recent reads in the running mean of P, b = min(tail_weightening/⌈1/chop_prob⌉, 1) (aihwkit tail_weightening)",
            symbol: "tail weighting", group: Group::Transfer, kind: Kind::Float { min: 0.0, max: 100.0, log: false }, default: "5",
            applies: on_agad, control: Control::Slider(0.0, 20.0),
            aihwkit: Aihwkit::No("the algorithms beyond Tiki-Taka are not mapped to aihwkit compounds by the export"),
        },
        gamma_r: f64 {
            help: "rl, rlv2, rider, erider: mixing, gradients at W + γ_r·(P − Q) (Q = 0 for residual learning; NeurIPS 2025 Fig. 2: 0.4)",
            symbol: "γ_r", group: Group::Transfer, kind: Kind::Float { min: 0.0, max: 10.0, log: false }, default: "0.4",
            applies: on_residual, control: Control::Slider(0.0, 2.0),
            aihwkit: Aihwkit::No("the algorithms beyond Tiki-Taka are not mapped to aihwkit compounds by the export"),
        },
        eta: f64 {
            help: "rider, erider: rate of the digital running mean Q ← (1 − η)Q + η·P that tracks P's symmetric point",
            symbol: "η", group: Group::Transfer, kind: Kind::Float { min: 0.0, max: 1.0, log: false }, default: "0.05",
            applies: on_rider, control: Control::LogSlider(1e-4, 1.0),
            aihwkit: Aihwkit::No("the algorithms beyond Tiki-Taka are not mapped to aihwkit compounds by the export"),
        },
        reprogram_every: u64 {
            help: "erider: the analog copy of Q that P is read against is reprogrammed from the digital Q every this many steps; 0 = at each chopper flip (the paper's Algorithm 3)",
            symbol: "reprogramming period", group: Group::Transfer, kind: Kind::Int { min: 0, max: 1_000_000 }, default: "0",
            applies: on_erider, control: Control::Number,
            aihwkit: Aihwkit::No("the algorithms beyond Tiki-Taka are not mapped to aihwkit compounds by the export"),
        },
        sigma: f64 [LSQ: "0.1", LB: "0.1"] {
            help: "gradient-noise standard deviation per coordinate (lower_bound: of the whole noise vector)",
            symbol: "σ", group: Group::Steps, kind: Kind::Float { min: 0.0, max: 100.0, log: true }, default: "0.5",
            applies: on_stepped, control: Control::LogSlider(1e-3, 10.0),
            aihwkit: Aihwkit::To("SIGMA: one extra rank-1 update per step"),
        },
        steps: u64 [LSQ: "2500", LB: "400000"] {
            help: "number of steps per run",
            symbol: "steps", group: Group::Data, kind: Kind::Int { min: 1, max: 1_000_000_000 }, default: "20000",
            applies: on_stepped, control: Control::Number,
            aihwkit: Aihwkit::To("STEPS"),
        },
        layers: Vec<f64> [MNIST: "784,256,128,10"] {
            help: "digits, mnist: widths of the network's layers, the pixels first (64 or 784) and 10 classes last (sigmoid hidden units)",
            symbol: "layers", group: Group::Data, kind: Kind::List { min: 1.0, max: 1024.0, max_len: MAX_LAYERS }, default: "64,32,10",
            applies: on_fcn, control: Control::Text,
            aihwkit: Aihwkit::To("LAYERS"),
        },
        batch: u64 {
            help: "digits, mnist: samples per mini-batch (the loss is their mean)",
            symbol: "B", group: Group::Data, kind: Kind::Int { min: 1, max: 8000 }, default: "10",
            applies: on_digits, control: Control::Number,
            aihwkit: Aihwkit::To("BATCH"),
        },
        epochs: u64 [MNIST: "40"] {
            help: "digits, mnist: passes over the training images (1437 digits, 8000 MNIST, 60,000 with data=full)",
            symbol: "epochs", group: Group::Data, kind: Kind::Int { min: 1, max: 1000 }, default: "60",
            applies: on_digits, control: Control::Number,
            aihwkit: Aihwkit::To("EPOCHS"),
        },
        lr_step: u64 {
            help: "digits, mnist: StepLR — multiply α and β by lr_gamma every this many epochs (the paper: 35); 0 keeps them constant",
            symbol: "StepLR period", group: Group::Steps, kind: Kind::Int { min: 0, max: 1000 }, default: "0",
            applies: on_digits, control: Control::Number,
            aihwkit: Aihwkit::Rule(aihwkit::lr_step),
        },
        lr_gamma: f64 {
            help: "digits, mnist: the StepLR factor (the paper: 0.1)",
            symbol: "StepLR factor", group: Group::Steps, kind: Kind::Float { min: 0.0, max: 1.0, log: false }, default: "0.1",
            applies: on_lr_step, control: Control::Slider(0.0, 1.0),
            aihwkit: Aihwkit::Rule(aihwkit::lr_gamma),
        },
        seed: u64 {
            help: "seed of the gradient noise (all algorithms see the same noise); digits: of the initial weights, the sample order and the read noise",
            symbol: "seed", group: Group::Data, kind: Kind::Int { min: 0, max: MAX_SEED }, default: "1",
            applies: always, control: Control::Number,
            aihwkit: Aihwkit::To("--seed (torch and numpy; aihwkit's C++ RNG is clock-seeded)"),
        },
        h: Vec<f64> {
            help: "quadratic: curvatures hᵢ (one value is used for every coordinate)",
            symbol: "h", group: Group::Data, kind: Kind::List { min: 1e-6, max: 1e6, max_len: MAX_QUADRATIC_DIM }, default: "1,3",
            applies: on_quadratic, control: Control::Text,
            aihwkit: Aihwkit::No("quadratic and lower_bound have no aihwkit script"),
        },
        wstar: Vec<f64> [LB: "0.25"] {
            help: "optimum w* (quadratic: one value per coordinate; lower_bound: one value)",
            symbol: "w*", group: Group::Data, kind: Kind::List { min: -100.0, max: 100.0, max_len: MAX_QUADRATIC_DIM }, default: "0.6,-0.4",
            applies: on_quadratic_or_lb, control: Control::Text,
            aihwkit: Aihwkit::No("quadratic and lower_bound have no aihwkit script"),
        },
        w0: Vec<f64> [LSQ: "0"] {
            help: "quadratic, lsq: start point W₀ (one value per coordinate, or one for all; lsq: 0)",
            symbol: "W₀", group: Group::Data, kind: Kind::List { min: -100.0, max: 100.0, max_len: 200 }, default: "-0.5,0.5",
            applies: on_quadratic_or_lsq, control: Control::Text,
            aihwkit: Aihwkit::To("W0"),
        },
        dim: u64 [LB: "1"] {
            help: "lsq and lower_bound: number of weights D",
            symbol: "D", group: Group::Data, kind: Kind::Int { min: 1, max: 200 }, default: "40",
            applies: on_lsq_or_lb, control: Control::Number,
            aihwkit: Aihwkit::To("A, XSTAR (written into the script)"),
        },
        rows: u64 {
            help: "lsq: number of data rows N",
            symbol: "N", group: Group::Data, kind: Kind::Int { min: 1, max: 10_000 }, default: "100",
            applies: on_lsq, control: Control::Number,
            aihwkit: Aihwkit::To("A, XSTAR (written into the script)"),
        },
        data_seed: u64 {
            help: "lsq: seed of the data A and x*",
            symbol: "data seed", group: Group::Data, kind: Kind::Int { min: 0, max: MAX_SEED }, default: "42",
            applies: on_lsq, control: Control::Number,
            aihwkit: Aihwkit::To("A, XSTAR (written into the script)"),
        },
        curvature: f64 {
            help: "lower_bound: curvature L of f = (L/2)‖W − w*·1‖²",
            symbol: "L", group: Group::Data, kind: Kind::Float { min: 1e-6, max: 1e6, log: true }, default: "1",
            applies: on_lb, control: Control::LogSlider(0.1, 10.0),
            aihwkit: Aihwkit::No("quadratic and lower_bound have no aihwkit script"),
        },
        tau_max: f64 {
            help: "softbounds, pow, exp: upper bound of the weight (q⁺ vanishes there)",
            symbol: "τ_max", group: Group::Device, kind: Kind::Float { min: 1e-3, max: 1e6, log: true }, default: "1",
            applies: on_bounded, control: Control::LogSlider(0.05, 100.0),
            aihwkit: Aihwkit::To("device(): w_max, w_min (and reference_mean = -sp)"),
        },
        tau_min: f64 {
            help: "softbounds, pow, exp: lower bound of the weight (q⁻ vanishes there), negative",
            symbol: "τ_min", group: Group::Device, kind: Kind::Float { min: -1e6, max: -1e-3, log: false }, default: "-1",
            applies: on_bounded, control: Control::Slider(-5.0, -0.05),
            aihwkit: Aihwkit::To("device(): w_max, w_min (and reference_mean = -sp)"),
        },
        g_up: f64 {
            help: "pow, exp: shape exponent of up steps",
            symbol: "γ⁺", group: Group::Device, kind: Kind::Float { min: 0.01, max: 100.0, log: true }, default: "2",
            applies: on_shaped, control: Control::LogSlider(0.1, 20.0),
            aihwkit: Aihwkit::To("device(): the shape exponents"),
        },
        g_down: f64 {
            help: "pow, exp: shape exponent of down steps",
            symbol: "γ⁻", group: Group::Device, kind: Kind::Float { min: 0.01, max: 100.0, log: true }, default: "2",
            applies: on_shaped, control: Control::LogSlider(0.1, 20.0),
            aihwkit: Aihwkit::To("device(): the shape exponents"),
        },
        up_down: f64 {
            help: "up/down asymmetry: up steps × (1 + c), down × (1 − c); moves the ALD's symmetric point to sp + cτ",
            symbol: "c", group: Group::Device, kind: Kind::Float { min: -0.99, max: 0.99, log: false }, default: "0",
            applies: on_analog_device, control: Control::Slider(-0.5, 0.5),
            aihwkit: Aihwkit::To("device(): up_down and dw_min (rescaled, see device())"),
        },
        d2d: f64 {
            help: "device-to-device variation: relative spread of each element's step size and bounds",
            symbol: "d2d", group: Group::Device, kind: Kind::Float { min: 0.0, max: 1.0, log: false }, default: "0",
            applies: on_analog_device, control: Control::Slider(0.0, 0.5),
            aihwkit: Aihwkit::To("device(): dw_min_dtod, w_max_dtod, w_min_dtod"),
        },
        device_seed: u64 {
            help: "seed of the device-to-device variation",
            symbol: "device seed", group: Group::Device, kind: Kind::Int { min: 0, max: MAX_SEED }, default: "1",
            applies: on_d2d, control: Control::Number,
            aihwkit: Aihwkit::No("aihwkit draws device-to-device variation from its own (clock-seeded) RNG"),
        },
        pulses: PulseMode {
            help: "0: the paper's expected dynamic; 1: pulse-level updates; both: each analog algorithm in both forms",
            symbol: "pulses", group: Group::Pulses, kind: Kind::Choice(PulseMode::NAMES), default: "0",
            applies: on_analog_device, control: Control::Select(PulseMode::LABELS),
            aihwkit: Aihwkit::Rule(aihwkit::pulses),
        },
        zero_shift: u64 {
            help: "1: before training, calibrate each element of P by random ±Δw_min pulses and read P against the estimated symmetric point",
            symbol: "zero-shifting", group: Group::Pulses, kind: Kind::Int { min: 0, max: 1 }, default: "0",
            applies: on_zero_shift_choice, control: Control::Number,
            aihwkit: Aihwkit::Rule(aihwkit::zero_shift),
        },
        zs_pulses: u64 {
            help: "zero-shifting: random pulses per element; the estimate is the mean of the walk's second half, so it needs several τ/Δw_min pulses to forget the start (Fig. 2 setting: ~400000)",
            symbol: "zero-shift pulses", group: Group::Pulses, kind: Kind::Int { min: 2, max: 10_000_000 }, default: "10000",
            applies: on_zero_shift, control: Control::Number,
            aihwkit: Aihwkit::No("aihwkit 1.1's TransferCompound has no zero-shifting calibration of P"),
        },
        update: UpdateForm {
            help: "digits, expected dynamic: apply eq. 3 once per mini-batch (batch-mean gradient) or once per sample (B rank-1 updates, as pulse trains do), or both",
            symbol: "update", group: Group::Pulses, kind: Kind::Choice(UpdateForm::NAMES), default: "batch",
            applies: on_digits_expected, control: Control::Select(UpdateForm::LABELS),
            aihwkit: Aihwkit::No("the expected dynamic's per-batch/per-sample form has no aihwkit counterpart"),
        },
        dw_min: f64 {
            help: "pulse mode: nominal weight step of one pulse; also the unit of buffered transfers and of zero-shifting pulses",
            symbol: "Δw_min", group: Group::Pulses, kind: Kind::Float { min: 1e-7, max: 1.0, log: true }, default: "0.001",
            applies: on_dw_min, control: Control::LogSlider(1e-5, 0.1),
            aihwkit: Aihwkit::To("device(): dw_min"),
        },
        bl: u64 [DIGITS: "31", MNIST: "31"] {
            help: "pulse mode: most pulses per update (pulse-train length)",
            symbol: "BL", group: Group::Pulses, kind: Kind::Int { min: 1, max: 100_000 }, default: "5000",
            applies: on_pulses, control: Control::Number,
            aihwkit: Aihwkit::To("BL: UpdateParameters desired_bl"),
        },
        transfer_bl: u64 {
            help: "pulse mode: most pulses per column of a transfer, its own pulse train with update management (aihwkit transfer_update.desired_bl); caps buffered transfers' counts too",
            symbol: "transfer BL", group: Group::Pulses, kind: Kind::Int { min: 1, max: 100_000 }, default: "31",
            applies: on_transfer_pulses, control: Control::Number,
            aihwkit: Aihwkit::To("TRANSFER_BL: transfer_update desired_bl"),
        },
        c2c: f64 {
            help: "pulse mode: cycle-to-cycle noise, relative std of every pulse",
            symbol: "c2c", group: Group::Pulses, kind: Kind::Float { min: 0.0, max: 5.0, log: false }, default: "0",
            applies: on_pulses, control: Control::Slider(0.0, 2.0),
            aihwkit: Aihwkit::To("device(): dw_min_std"),
        },
        c2c_mult: u64 {
            help: "pulse mode: 1 = a pulse steps dw_min·q±(w)·(1 + c2c·ξ) (aihwkit mult_noise=True, SoftBoundsDevice's default); 0 = dw_min·(q±(w) + c2c·ξ), so the noise stays at the bounds (mult_noise=False, SoftBoundsReferenceDevice's default, the paper's device)",
            symbol: "c2c multiplicative", group: Group::Pulses, kind: Kind::Int { min: 0, max: 1 }, default: "1",
            applies: on_c2c, control: Control::Number,
            aihwkit: Aihwkit::Rule(aihwkit::c2c_mult),
        },
        read_noise: f64 {
            help: "lsq: weight read noise s of every forward MVM; digits: of every analog forward and backward MVM (aihwkit w_noise, additive constant)",
            symbol: "read noise", group: Group::Periphery, kind: Kind::Float { min: 0.0, max: 10.0, log: false }, default: "0",
            applies: on_lsq_or_digits, control: Control::Slider(0.0, 0.1),
            aihwkit: Aihwkit::Rule(aihwkit::read_noise),
        },
        pulse_noise: PulseNoise {
            help: "lsq at pulse level: same = every track sees σ and the read noise; read = the paper's Fig. 3 pairing: pulse-level tracks see only the read noise, the expected dynamic and Digital SGD only σ",
            symbol: "pulse noise", group: Group::Periphery, kind: Kind::Choice(PulseNoise::NAMES), default: "same",
            applies: on_lsq_pulses, control: Control::Select(PulseNoise::LABELS),
            aihwkit: Aihwkit::Rule(aihwkit::pulse_noise),
        },
        inp_res: u64 {
            help: "digits, mnist: inputs of every analog MVM are scaled by their max |x| and rounded to 2^(bits−1) − 1 levels per sign (aihwkit inp_res; the paper's device: 7); 0 = exact",
            symbol: "DAC bits", group: Group::Periphery, kind: Kind::Int { min: 0, max: 24 }, default: "0",
            applies: on_network_analog, control: Control::Number,
            aihwkit: Aihwkit::Rule(aihwkit::inp_res),
        },
        out_res: u64 {
            help: "digits, mnist: outputs of every analog MVM are clipped to ±12 and rounded to 2^(bits−1) − 1 levels per sign (aihwkit out_res, out_bound 12; the paper's device: 9); 0 = exact",
            symbol: "ADC bits", group: Group::Periphery, kind: Kind::Int { min: 0, max: 24 }, default: "0",
            applies: on_network_analog, control: Control::Number,
            aihwkit: Aihwkit::Rule(aihwkit::out_res),
        },
        out_noise: f64 {
            help: "digits, mnist: std of Gaussian noise added to every analog MVM output before the ADC, in units of the scaled output (aihwkit out_noise; the paper's device: 0.06)",
            symbol: "output noise", group: Group::Periphery, kind: Kind::Float { min: 0.0, max: 10.0, log: false }, default: "0",
            applies: on_network_analog, control: Control::Slider(0.0, 0.2),
            aihwkit: Aihwkit::Rule(aihwkit::out_noise),
        },
        out_scaling: u64 {
            help: "digits, mnist: 1 = every analog tile's output is multiplied by a learned scalar (aihwkit mapping.learn_out_scaling: initial 1, trained by SGD at α like the biases; it also scales the error the tile's update sees)",
            symbol: "learned out scaling", group: Group::Periphery, kind: Kind::Int { min: 0, max: 1 }, default: "0",
            applies: on_network_analog, control: Control::Number,
            aihwkit: Aihwkit::Rule(aihwkit::out_scaling),
        },
        tile_inputs: u64 {
            help: "digits, mnist: most inputs of one analog tile (aihwkit mapping.max_input_size, its default 512): a layer with more is split into equal tiles, each with its own periphery (noise/bound management, output noise), pulse trains, Tiki-Taka P and transfer counter and learned out scale, their outputs summed; 0 = one tile per layer",
            symbol: "tile inputs", group: Group::Periphery, kind: Kind::Int { min: 0, max: 100_000 }, default: "0",
            applies: on_network_analog, control: Control::Number,
            aihwkit: Aihwkit::Rule(aihwkit::tile_inputs),
        },
        seeds: u64 {
            help: "number of noise seeds K (seed, seed + 1, …, seed + K − 1); curves show mean ± 1 std",
            symbol: "seeds", group: Group::Data, kind: Kind::Int { min: 1, max: 64 }, default: "1",
            applies: always, control: Control::Number,
            aihwkit: Aihwkit::To("--seeds"),
        },
        xstar_scale: f64 {
            help: "lsq: x* = xstar_scale·randn(D) (paper S2: 0.3; S1: 0.45; S3: 0.5)",
            symbol: "x* scale", group: Group::Data, kind: Kind::Float { min: 0.0, max: 10.0, log: false }, default: "0.3",
            applies: on_lsq, control: Control::Number,
            aihwkit: Aihwkit::To("A, XSTAR (written into the script)"),
        },
        a_scale: f64 {
            help: "lsq: A = a_scale·randn(N, D) (paper S2: 0.5; S1, S3: 1)",
            symbol: "A scale", group: Group::Data, kind: Kind::Float { min: 1e-3, max: 100.0, log: true }, default: "0.5",
            applies: on_lsq, control: Control::Number,
            aihwkit: Aihwkit::To("A, XSTAR (written into the script)"),
        },
    }
    fieldless {
        "tau_sym" {
            help: "softbounds, pow, exp: symmetric range, shorthand for tau_max=τ&tau_min=−τ (the link then shows those; one knob for a sweep across τ); tau_max or tau_min given beside it win",
            value: Value::Float(1.0),
            symbol: "±τ", group: Group::Device, kind: Kind::Float { min: 1e-3, max: 1e6, log: true }, default: "1",
            applies: on_bounded, control: Control::None,
            aihwkit: Aihwkit::No("a shorthand: links show the bounds it sets"),
        },
        "preset" {
            help: "expands into ordinary keys (the link then shows those): paper-fcn = the paper's MNIST FCN with aihwkit's SoftBoundsReference defaults and IO (see README); paper-cnn = the paper's MNIST CNN with the same device and IO; keys given beside it win",
            value: Value::Choice("none".into()),
            symbol: "preset", group: Group::Setup, kind: Kind::Choice(PRESET_NAMES), default: "none",
            applies: never, control: Control::None,
            aihwkit: Aihwkit::No("a shorthand: links show the keys it expands into"),
        },
        "v" {
            help: "vocabulary version",
            value: Value::Int(VERSION),
            symbol: "version", group: Group::Data, kind: Kind::Int { min: VERSION, max: VERSION }, default: "1",
            applies: always, control: Control::None,
            aihwkit: Aihwkit::To("SCENARIO (vocabulary version)"),
        },
    }
}

/// Looks a key up by name.
pub fn key(name: &str) -> Option<&'static Key> {
    KEYS.iter().find(|k| k.name == name)
}

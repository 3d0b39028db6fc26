//! The vocabulary table: every key, its default, range, applicability and help, in canonical order.

use super::{
    Arch, DeviceKind, Key, Kind, MnistData, ProblemKind, PulseMode, PulseNoise, Scenario, UpdateForm, Value, VERSION,
};
use crate::sim::algorithm::AlgorithmKind;

fn always(_: &Scenario) -> bool {
    true
}
fn on_quadratic(s: &Scenario) -> bool {
    s.problem == ProblemKind::Quadratic
}
fn on_quadratic_or_lsq(s: &Scenario) -> bool {
    matches!(s.problem, ProblemKind::Quadratic | ProblemKind::Lsq)
}
fn on_quadratic_or_lb(s: &Scenario) -> bool {
    matches!(s.problem, ProblemKind::Quadratic | ProblemKind::LowerBound)
}
fn on_stepped(s: &Scenario) -> bool {
    !s.problem.is_network()
}
fn on_digits(s: &Scenario) -> bool {
    s.problem.is_network()
}
fn on_fcn(s: &Scenario) -> bool {
    s.problem.is_network() && s.arch == Arch::Fcn
}
fn on_mnist(s: &Scenario) -> bool {
    s.problem == ProblemKind::Mnist
}
fn on_lsq_or_digits(s: &Scenario) -> bool {
    s.problem == ProblemKind::Lsq || s.problem.is_network()
}
fn on_digits_expected(s: &Scenario) -> bool {
    s.problem.is_network() && s.device != DeviceKind::Ideal && s.pulses != PulseMode::On
}
fn on_network_transfer(s: &Scenario) -> bool {
    s.problem.is_network() && s.algos.iter().any(|a| a.transfers())
}
fn on_lr_step(s: &Scenario) -> bool {
    s.problem.is_network() && s.lr_step > 0
}
fn on_network_analog(s: &Scenario) -> bool {
    s.problem.is_network() && s.device != DeviceKind::Ideal
}
fn never(_: &Scenario) -> bool {
    false
}
fn on_lsq(s: &Scenario) -> bool {
    s.problem == ProblemKind::Lsq
}
fn on_lsq_pulses(s: &Scenario) -> bool {
    s.problem == ProblemKind::Lsq && on_pulses(s)
}
fn on_lsq_or_lb(s: &Scenario) -> bool {
    matches!(s.problem, ProblemKind::Lsq | ProblemKind::LowerBound)
}
fn on_lb(s: &Scenario) -> bool {
    s.problem == ProblemKind::LowerBound
}
fn on_ald(s: &Scenario) -> bool {
    s.device == DeviceKind::Ald
}
fn on_bounded(s: &Scenario) -> bool {
    matches!(s.device, DeviceKind::SoftBounds | DeviceKind::Pow | DeviceKind::Exp)
}
fn on_shaped(s: &Scenario) -> bool {
    matches!(s.device, DeviceKind::Pow | DeviceKind::Exp)
}
fn on_analog_device(s: &Scenario) -> bool {
    s.device != DeviceKind::Ideal
}
fn on_d2d(s: &Scenario) -> bool {
    s.device != DeviceKind::Ideal && s.d2d > 0.0
}
fn on_pulses(s: &Scenario) -> bool {
    s.pulses != PulseMode::Off
}
fn on_c2c(s: &Scenario) -> bool {
    on_pulses(s) && s.device != DeviceKind::Ideal && s.c2c > 0.0
}
fn runs_any(s: &Scenario, f: fn(AlgorithmKind) -> bool) -> bool {
    s.algos.iter().any(|&a| f(a))
}
fn on_transfer(s: &Scenario) -> bool {
    runs_any(s, AlgorithmKind::transfers)
}
fn on_transfer_pulses(s: &Scenario) -> bool {
    on_transfer(s) && on_pulses(s) && s.device != DeviceKind::Ideal
}
fn on_buffered(s: &Scenario) -> bool {
    runs_any(s, AlgorithmKind::buffered)
}
fn on_ttv2_family(s: &Scenario) -> bool {
    runs_any(s, |a| matches!(a, AlgorithmKind::TtV2 | AlgorithmKind::CTtV2 | AlgorithmKind::Agad))
}
fn on_chopped(s: &Scenario) -> bool {
    runs_any(s, |a| matches!(a, AlgorithmKind::CTtV2 | AlgorithmKind::Agad | AlgorithmKind::ERider))
}
fn on_agad(s: &Scenario) -> bool {
    runs_any(s, |a| a == AlgorithmKind::Agad)
}
fn on_residual(s: &Scenario) -> bool {
    runs_any(s, |a| matches!(a, AlgorithmKind::Rl | AlgorithmKind::RlV2 | AlgorithmKind::Rider | AlgorithmKind::ERider))
}
fn on_rider(s: &Scenario) -> bool {
    runs_any(s, |a| matches!(a, AlgorithmKind::Rider | AlgorithmKind::ERider))
}
fn on_erider(s: &Scenario) -> bool {
    runs_any(s, |a| a == AlgorithmKind::ERider)
}
fn on_zero_shift_choice(s: &Scenario) -> bool {
    on_transfer(s) && s.device != DeviceKind::Ideal
}
fn on_zero_shift(s: &Scenario) -> bool {
    on_zero_shift_choice(s) && s.zero_shift == 1
}
/// Δw_min is the pulse size, and also the unit of buffered transfers and zero-shifting pulses.
fn on_dw_min(s: &Scenario) -> bool {
    on_pulses(s) || (s.device != DeviceKind::Ideal && on_buffered(s)) || on_zero_shift(s)
}

macro_rules! float_key {
    ($field:ident) => {
        (
            |s: &Scenario| Value::Float(s.$field),
            |s: &mut Scenario, v: Value| {
                if let Value::Float(x) = v {
                    s.$field = x
                }
            },
        )
    };
}
macro_rules! int_key {
    ($field:ident) => {
        (
            |s: &Scenario| Value::Int(s.$field),
            |s: &mut Scenario, v: Value| {
                if let Value::Int(x) = v {
                    s.$field = x
                }
            },
        )
    };
}
macro_rules! list_key {
    ($field:ident) => {
        (
            |s: &Scenario| Value::List(s.$field.clone()),
            |s: &mut Scenario, v: Value| {
                if let Value::List(x) = v {
                    s.$field = x
                }
            },
        )
    };
}

macro_rules! key {
    ($name:expr, $sym:expr, $kind:expr, $default:expr, $pd:expr, $applies:expr, $accessors:expr, $help:expr) => {{
        let (get, set) = $accessors;
        Key {
            name: $name,
            symbol: $sym,
            help: $help,
            kind: $kind,
            default: $default,
            problem_defaults: $pd,
            applies: $applies,
            get,
            set,
        }
    }};
}

/// Largest seed: seeds stay exact as JavaScript numbers and readable in links.
pub const MAX_SEED: u64 = u32::MAX as u64;
/// Largest `quadratic` dimension.
pub const MAX_QUADRATIC_DIM: usize = 64;
/// Most layer widths of a `digits` network (input and output included).
pub const MAX_LAYERS: usize = 8;

use ProblemKind::{Digits as DIGITS, LowerBound as LB, Lsq as LSQ, Mnist as MNIST};

/// The vocabulary: every key, in canonical order (`problem` first: other defaults depend on it).
pub static KEYS: [Key; 65] = [
    key!(
        "problem",
        "problem",
        Kind::Choice(&["quadratic", "lsq", "lower_bound", "digits", "mnist"]),
        "quadratic",
        &[],
        always,
        (
            |s: &Scenario| Value::Choice(s.problem.key().into()),
            |s: &mut Scenario, v: Value| if let Value::Choice(c) = v {
                if let Some(p) = ProblemKind::from_key(&c) {
                    s.problem = p
                }
            }
        ),
        "training problem: 2-D (or n-D) quadratic, the paper's least squares, the Theorem 3 lower-bound instance, a network on the 8×8 handwritten digits, or the paper's network on real MNIST digits (10,000, or the full set with data=full)"
    ),
    key!(
        "data",
        "data set",
        Kind::Choice(&["10k", "full"]),
        "10k",
        &[],
        on_mnist,
        (
            |s: &Scenario| Value::Choice(s.data.key().into()),
            |s: &mut Scenario, v: Value| if let Value::Choice(c) = v {
                if let Some(d) = MnistData::from_key(&c) {
                    s.data = d
                }
            }
        ),
        "mnist: which digits — 10k: the 10,000 vendored with the playground (8000 training / 2000 test); full: the standard split, 60,000 training / 10,000 test (LeCun & Cortes, CC BY-SA 3.0), command line only, after ./scripts/setup.sh has fetched it into data/mnist-full/ (aihwkit export: the same IDX files)"
    ),
    key!(
        "arch",
        "network",
        Kind::Choice(&["fcn", "cnn"]),
        "fcn",
        &[],
        on_digits,
        (
            |s: &Scenario| Value::Choice(s.arch.key().into()),
            |s: &mut Scenario, v: Value| if let Value::Choice(c) = v {
                if let Some(a) = Arch::from_key(&c) {
                    s.arch = a
                }
            }
        ),
        "digits, mnist: fcn — fully connected with the widths of `layers`; cnn — the paper's CNN (mnist only: conv 1→16 5×5, tanh, max-pool 2, conv 16→32 5×5, tanh, max-pool 2, tanh, 512→128 tanh →10; aihwkit AnalogConv2d: each kernel one tile applied to every image patch)"
    ),
    key!(
        "algos",
        "algorithms",
        Kind::Algos,
        "digital,analog,tt",
        &[],
        always,
        (
            |s: &Scenario| Value::Algos(s.algos.clone()),
            |s: &mut Scenario, v: Value| if let Value::Algos(a) = v {
                s.algos = a
            }
        ),
        "algorithms to run on the same noise: digital (Digital SGD), analog (Analog SGD), tt (Tiki-Taka); beyond Tiki-Taka: ttv2 (TT-v2, buffered threshold transfer), cttv2 (c-TTv2, chopped), agad (AGAD, dynamic reference), rl and rlv2 (residual learning v1, v2 with a digital filter), rider and erider (RIDER, E-RIDER: symmetric-point tracking)"
    ),
    key!(
        "device",
        "device",
        Kind::Choice(&["ideal", "ald", "softbounds", "pow", "exp"]),
        "ald",
        &[],
        always,
        (
            |s: &Scenario| Value::Choice(s.device.key().into()),
            |s: &mut Scenario, v: Value| if let Value::Choice(c) = v {
                if let Some(d) = DeviceKind::from_key(&c) {
                    s.device = d
                }
            }
        ),
        "device model: ideal (exact), ald (asymmetric linear, paper eq. 8), softbounds, pow (power step), exp (exponential step)"
    ),
    key!(
        "tau",
        "τ",
        Kind::Float { min: 1e-3, max: 1e12, log: true },
        "1",
        &[],
        on_ald,
        float_key!(tau),
        "device dynamic range / asymmetry: the weight saturates at sp ± τ; larger is more symmetric"
    ),
    key!(
        "sp",
        "sp",
        Kind::Float { min: -100.0, max: 100.0, log: false },
        "0",
        &[],
        on_ald,
        float_key!(sp),
        "the device's symmetric point (× in the figures; 0 in the paper; nonzero breaks Tiki-Taka)"
    ),
    key!(
        "alpha",
        "α",
        Kind::Float { min: 0.0, max: 10.0, log: true },
        "0.05",
        &[(LSQ, "0.03"), (LB, "0.002")],
        always,
        float_key!(alpha),
        "step size: rate at which gradients are written into the array that receives them (W, or Tiki-Taka's P)"
    ),
    key!(
        "beta",
        "β",
        Kind::Float { min: 0.0, max: 10.0, log: true },
        "0.1",
        &[(MNIST, "0.05")],
        on_transfer,
        float_key!(beta),
        "transfer rate of Tiki-Taka and the algorithms beyond it: every transfer writes β·P into W (the 2024 paper calls this α; aihwkit: transfer_lr × lr under scale_transfer_lr); buffers accumulate β·P"
    ),
    key!(
        "gamma",
        "γ",
        Kind::Float { min: 0.0, max: 10.0, log: false },
        "0",
        &[],
        always,
        float_key!(gamma),
        "Tiki-Taka mixing: gradients are taken at W + γP (0 = the paper's Tiki-Taka)"
    ),
    key!(
        "every",
        "transfer period",
        Kind::Int { min: 1, max: 1_000_000 },
        "1",
        &[],
        always,
        int_key!(every),
        "Tiki-Taka transfers P into W once every this many steps (digits, mnist: mini-batches)"
    ),
    key!(
        "fast_lr",
        "α_P",
        Kind::Float { min: 0.0, max: 10.0, log: true },
        "0",
        &[(MNIST, "0.01")],
        on_network_transfer,
        float_key!(fast_lr),
        "digits, mnist: the rate of gradient writes into P of Tiki-Taka and the algorithms beyond it (aihwkit fast_lr, the paper's β = 0.01 on MNIST); 0 means α. Not scheduled by StepLR"
    ),
    key!("n_reads", "reads per transfer", Kind::Int { min: 0, max: 100_000 }, "0", &[(MNIST, "1")], on_transfer, int_key!(n_reads),
        "columns of P read per transfer (aihwkit n_reads_per_transfer), in order and wrapping; 0 = all of P at once. quadratic, lsq: the weights are one tile with one output, so a column is one weight; digits, mnist: a column is one input line of a layer (MNIST's default 1, one per mini-batch as in aihwkit)"),
    key!("transfer_read_noise", "transfer read noise", Kind::Float { min: 0.0, max: 10.0, log: false }, "0", &[], on_transfer, float_key!(transfer_read_noise),
        "std of the additive Gaussian noise on every read of P by a transfer (aihwkit transfer_forward out_noise)"),
    key!("buffer_threshold", "thr", Kind::Float { min: 0.01, max: 1000.0, log: true }, "1", &[], on_buffered, float_key!(buffer_threshold),
        "ttv2, cttv2, agad, rlv2: a buffer transfers where it reaches this many Δw_min (aihwkit thres_scale, buffer_granularity); W receives whole Δw_min pulses"),
    key!("buffer_momentum", "buffer momentum", Kind::Float { min: 0.0, max: 1.0, log: false }, "0", &[], on_ttv2_family, float_key!(buffer_momentum),
        "ttv2, cttv2, agad: share of the buffer kept after a transfer (aihwkit momentum with forget_buffer; TT-v2's Python default is 0.1)"),
    key!("chop_prob", "chopper probability", Kind::Float { min: 0.0, max: 1.0, log: false }, "0.1", &[], on_chopped, float_key!(chop_prob),
        "cttv2: each column's chopper flips with this probability after its read (aihwkit in_chop_prob); agad: choppers switch every ⌈1/p⌉ reads (at p = 0 AGAD never writes W); erider: the chopper flips with this probability per step"),
    key!("tail_weightening", "tail weighting", Kind::Float { min: 0.0, max: 100.0, log: false }, "5", &[], on_agad, float_key!(tail_weightening),
        "agad: weight of recent reads in the running mean of P, b = min(tail_weightening/⌈1/chop_prob⌉, 1) (aihwkit tail_weightening)"),
    key!("gamma_r", "γ_r", Kind::Float { min: 0.0, max: 10.0, log: false }, "0.4", &[], on_residual, float_key!(gamma_r),
        "rl, rlv2, rider, erider: mixing, gradients at W + γ_r·(P − Q) (Q = 0 for residual learning; NeurIPS 2025 Fig. 2: 0.4)"),
    key!("eta", "η", Kind::Float { min: 0.0, max: 1.0, log: false }, "0.05", &[], on_rider, float_key!(eta),
        "rider, erider: rate of the digital running mean Q ← (1 − η)Q + η·P that tracks P's symmetric point"),
    key!("reprogram_every", "reprogramming period", Kind::Int { min: 0, max: 1_000_000 }, "0", &[], on_erider, int_key!(reprogram_every),
        "erider: the analog copy of Q that P is read against is reprogrammed from the digital Q every this many steps; 0 = at each chopper flip (the paper's Algorithm 3)"),
    key!(
        "sigma",
        "σ",
        Kind::Float { min: 0.0, max: 100.0, log: true },
        "0.5",
        &[(LSQ, "0.1"), (LB, "0.1")],
        on_stepped,
        float_key!(sigma),
        "gradient-noise standard deviation per coordinate (lower_bound: of the whole noise vector)"
    ),
    key!(
        "steps",
        "steps",
        Kind::Int { min: 1, max: 1_000_000_000 },
        "20000",
        &[(LSQ, "2500"), (LB, "400000")],
        on_stepped,
        int_key!(steps),
        "number of steps per run"
    ),
    key!(
        "layers",
        "layers",
        Kind::List { min: 1.0, max: 1024.0, max_len: MAX_LAYERS },
        "64,32,10",
        &[(MNIST, "784,256,128,10")],
        on_fcn,
        list_key!(layers),
        "digits, mnist: widths of the network's layers, the pixels first (64 or 784) and 10 classes last (sigmoid hidden units)"
    ),
    key!(
        "batch",
        "B",
        Kind::Int { min: 1, max: 8000 },
        "10",
        &[],
        on_digits,
        int_key!(batch),
        "digits, mnist: samples per mini-batch (the loss is their mean)"
    ),
    key!(
        "epochs",
        "epochs",
        Kind::Int { min: 1, max: 1000 },
        "60",
        &[(MNIST, "40")],
        on_digits,
        int_key!(epochs),
        "digits, mnist: passes over the training images (1437 digits, 8000 MNIST, 60,000 with data=full)"
    ),
    key!(
        "lr_step",
        "StepLR period",
        Kind::Int { min: 0, max: 1000 },
        "0",
        &[],
        on_digits,
        int_key!(lr_step),
        "digits, mnist: StepLR — multiply α and β by lr_gamma every this many epochs (the paper: 35); 0 keeps them constant"
    ),
    key!(
        "lr_gamma",
        "StepLR factor",
        Kind::Float { min: 0.0, max: 1.0, log: false },
        "0.1",
        &[],
        on_lr_step,
        float_key!(lr_gamma),
        "digits, mnist: the StepLR factor (the paper: 0.1)"
    ),
    key!(
        "seed",
        "seed",
        Kind::Int { min: 0, max: MAX_SEED },
        "1",
        &[],
        always,
        int_key!(seed),
        "seed of the gradient noise (all algorithms see the same noise); digits: of the initial weights, the sample order and the read noise"
    ),
    key!(
        "h",
        "h",
        Kind::List { min: 1e-6, max: 1e6, max_len: MAX_QUADRATIC_DIM },
        "1,3",
        &[],
        on_quadratic,
        list_key!(h),
        "quadratic: curvatures hᵢ (one value is used for every coordinate)"
    ),
    key!(
        "wstar",
        "w*",
        Kind::List { min: -100.0, max: 100.0, max_len: MAX_QUADRATIC_DIM },
        "0.6,-0.4",
        &[(LB, "0.25")],
        on_quadratic_or_lb,
        list_key!(wstar),
        "optimum w* (quadratic: one value per coordinate; lower_bound: one value)"
    ),
    key!(
        "w0",
        "W₀",
        Kind::List { min: -100.0, max: 100.0, max_len: 200 },
        "-0.5,0.5",
        &[(LSQ, "0")],
        on_quadratic_or_lsq,
        list_key!(w0),
        "quadratic, lsq: start point W₀ (one value per coordinate, or one for all; lsq: 0)"
    ),
    key!(
        "dim",
        "D",
        Kind::Int { min: 1, max: 200 },
        "40",
        &[(LB, "1")],
        on_lsq_or_lb,
        int_key!(dim),
        "lsq and lower_bound: number of weights D"
    ),
    key!(
        "rows",
        "N",
        Kind::Int { min: 1, max: 10_000 },
        "100",
        &[],
        on_lsq,
        int_key!(rows),
        "lsq: number of data rows N"
    ),
    key!(
        "data_seed",
        "data seed",
        Kind::Int { min: 0, max: MAX_SEED },
        "42",
        &[],
        on_lsq,
        int_key!(data_seed),
        "lsq: seed of the data A and x*"
    ),
    key!(
        "curvature",
        "L",
        Kind::Float { min: 1e-6, max: 1e6, log: true },
        "1",
        &[],
        on_lb,
        float_key!(curvature),
        "lower_bound: curvature L of f = (L/2)‖W − w*·1‖²"
    ),
    key!("tau_max", "τ_max", Kind::Float { min: 1e-3, max: 1e6, log: true }, "1", &[], on_bounded, float_key!(tau_max),
        "softbounds, pow, exp: upper bound of the weight (q⁺ vanishes there)"),
    key!("tau_min", "τ_min", Kind::Float { min: -1e6, max: -1e-3, log: false }, "-1", &[], on_bounded, float_key!(tau_min),
        "softbounds, pow, exp: lower bound of the weight (q⁻ vanishes there), negative"),
    key!("g_up", "γ⁺", Kind::Float { min: 0.01, max: 100.0, log: true }, "2", &[], on_shaped, float_key!(g_up),
        "pow, exp: shape exponent of up steps"),
    key!("g_down", "γ⁻", Kind::Float { min: 0.01, max: 100.0, log: true }, "2", &[], on_shaped, float_key!(g_down),
        "pow, exp: shape exponent of down steps"),
    key!("up_down", "c", Kind::Float { min: -0.99, max: 0.99, log: false }, "0", &[], on_analog_device, float_key!(up_down),
        "up/down asymmetry: up steps × (1 + c), down × (1 − c); moves the ALD's symmetric point to sp + cτ"),
    key!("d2d", "d2d", Kind::Float { min: 0.0, max: 1.0, log: false }, "0", &[], on_analog_device, float_key!(d2d),
        "device-to-device variation: relative spread of each element's step size and bounds"),
    key!("device_seed", "device seed", Kind::Int { min: 0, max: MAX_SEED }, "1", &[], on_d2d, int_key!(device_seed),
        "seed of the device-to-device variation"),
    key!("pulses", "pulses", Kind::Choice(&["0", "1", "both"]), "0", &[], on_analog_device,
        (|s: &Scenario| Value::Choice(s.pulses.key().into()),
         |s: &mut Scenario, v: Value| if let Value::Choice(c) = v { if let Some(m) = PulseMode::from_key(&c) { s.pulses = m } }),
        "0: the paper's expected dynamic; 1: pulse-level updates; both: each analog algorithm in both forms"),
    key!("zero_shift", "zero-shifting", Kind::Int { min: 0, max: 1 }, "0", &[], on_zero_shift_choice, int_key!(zero_shift),
        "1: before training, calibrate each element of P by random ±Δw_min pulses and read P against the estimated symmetric point"),
    key!("zs_pulses", "zero-shift pulses", Kind::Int { min: 2, max: 10_000_000 }, "10000", &[], on_zero_shift, int_key!(zs_pulses),
        "zero-shifting: random pulses per element; the estimate is the mean of the walk's second half, so it needs several τ/Δw_min pulses to forget the start (Fig. 2 setting: ~400000)"),
    key!("update", "update", Kind::Choice(&["batch", "sample", "both"]), "batch", &[], on_digits_expected,
        (|s: &Scenario| Value::Choice(s.update.key().into()),
         |s: &mut Scenario, v: Value| if let Value::Choice(c) = v { if let Some(m) = UpdateForm::from_key(&c) { s.update = m } }),
        "digits, expected dynamic: apply eq. 3 once per mini-batch (batch-mean gradient) or once per sample (B rank-1 updates, as pulse trains do), or both"),
    key!("dw_min", "Δw_min", Kind::Float { min: 1e-7, max: 1.0, log: true }, "0.001", &[], on_dw_min, float_key!(dw_min),
        "pulse mode: nominal weight step of one pulse; also the unit of buffered transfers and of zero-shifting pulses"),
    key!("bl", "BL", Kind::Int { min: 1, max: 100_000 }, "5000", &[(DIGITS, "31"), (MNIST, "31")], on_pulses, int_key!(bl),
        "pulse mode: most pulses per update (pulse-train length)"),
    key!("transfer_bl", "transfer BL", Kind::Int { min: 1, max: 100_000 }, "31", &[], on_transfer_pulses, int_key!(transfer_bl),
        "pulse mode: most pulses per column of a transfer, its own pulse train with update management (aihwkit transfer_update.desired_bl); caps buffered transfers' counts too"),
    key!("c2c", "c2c", Kind::Float { min: 0.0, max: 5.0, log: false }, "0", &[], on_pulses, float_key!(c2c),
        "pulse mode: cycle-to-cycle noise, relative std of every pulse"),
    key!("c2c_mult", "c2c multiplicative", Kind::Int { min: 0, max: 1 }, "1", &[], on_c2c, int_key!(c2c_mult),
        "pulse mode: 1 = a pulse steps dw_min·q±(w)·(1 + c2c·ξ) (aihwkit mult_noise=True, SoftBoundsDevice's default); 0 = dw_min·(q±(w) + c2c·ξ), so the noise stays at the bounds (mult_noise=False, SoftBoundsReferenceDevice's default, the paper's device)"),
    key!("read_noise", "read noise", Kind::Float { min: 0.0, max: 10.0, log: false }, "0", &[], on_lsq_or_digits, float_key!(read_noise),
        "lsq: weight read noise s of every forward MVM; digits: of every analog forward and backward MVM (aihwkit w_noise, additive constant)"),
    key!("pulse_noise", "pulse noise", Kind::Choice(&["same", "read"]), "same", &[], on_lsq_pulses,
        (|s: &Scenario| Value::Choice(s.pulse_noise.key().into()),
         |s: &mut Scenario, v: Value| if let Value::Choice(c) = v { if let Some(m) = PulseNoise::from_key(&c) { s.pulse_noise = m } }),
        "lsq at pulse level: same = every track sees σ and the read noise; read = the paper's Fig. 3 pairing: pulse-level tracks see only the read noise, the expected dynamic and Digital SGD only σ"),
    key!("inp_res", "DAC bits", Kind::Int { min: 0, max: 24 }, "0", &[], on_network_analog, int_key!(inp_res),
        "digits, mnist: inputs of every analog MVM are scaled by their max |x| and rounded to 2^(bits−1) − 1 levels per sign (aihwkit inp_res; the paper's device: 7); 0 = exact"),
    key!("out_res", "ADC bits", Kind::Int { min: 0, max: 24 }, "0", &[], on_network_analog, int_key!(out_res),
        "digits, mnist: outputs of every analog MVM are clipped to ±12 and rounded to 2^(bits−1) − 1 levels per sign (aihwkit out_res, out_bound 12; the paper's device: 9); 0 = exact"),
    key!("out_noise", "output noise", Kind::Float { min: 0.0, max: 10.0, log: false }, "0", &[], on_network_analog, float_key!(out_noise),
        "digits, mnist: std of Gaussian noise added to every analog MVM output before the ADC, in units of the scaled output (aihwkit out_noise; the paper's device: 0.06)"),
    key!("out_scaling", "learned out scaling", Kind::Int { min: 0, max: 1 }, "0", &[], on_network_analog, int_key!(out_scaling),
        "digits, mnist: 1 = every analog tile's output is multiplied by a learned scalar (aihwkit mapping.learn_out_scaling: initial 1, trained by SGD at α like the biases; it also scales the error the tile's update sees)"),
    key!("tile_inputs", "tile inputs", Kind::Int { min: 0, max: 100_000 }, "0", &[], on_network_analog, int_key!(tile_inputs),
        "digits, mnist: most inputs of one analog tile (aihwkit mapping.max_input_size, its default 512): a layer with more is split into equal tiles, each with its own periphery (noise/bound management, output noise), pulse trains, Tiki-Taka P and transfer counter and learned out scale, their outputs summed; 0 = one tile per layer"),
    key!("seeds", "seeds", Kind::Int { min: 1, max: 64 }, "1", &[], always, int_key!(seeds),
        "number of noise seeds K (seed, seed + 1, …, seed + K − 1); curves show mean ± 1 std"),
    key!("xstar_scale", "x* scale", Kind::Float { min: 0.0, max: 10.0, log: false }, "0.3", &[], on_lsq, float_key!(xstar_scale),
        "lsq: x* = xstar_scale·randn(D) (paper S2: 0.3; S1: 0.45; S3: 0.5)"),
    key!("a_scale", "A scale", Kind::Float { min: 1e-3, max: 100.0, log: true }, "0.5", &[], on_lsq, float_key!(a_scale),
        "lsq: A = a_scale·randn(N, D) (paper S2: 0.5; S1, S3: 1)"),
    key!(
        "tau_sym",
        "±τ",
        Kind::Float { min: 1e-3, max: 1e6, log: true },
        "1",
        &[],
        never,
        (|_: &Scenario| Value::Float(1.0), |_: &mut Scenario, _: Value| {}),
        "softbounds, pow, exp: symmetric range, shorthand for tau_max=τ&tau_min=−τ (the link then shows those; one knob for a sweep across τ); tau_max or tau_min given beside it win"
    ),
    key!(
        "preset",
        "preset",
        Kind::Choice(&["none", "paper-fcn", "paper-cnn"]),
        "none",
        &[],
        never,
        (|_: &Scenario| Value::Choice("none".into()), |_: &mut Scenario, _: Value| {}),
        "expands into ordinary keys (the link then shows those): paper-fcn = the paper's MNIST FCN with aihwkit's SoftBoundsReference defaults and IO (see README); paper-cnn = the paper's MNIST CNN with the same device and IO; keys given beside it win"
    ),
    key!(
        "v",
        "version",
        Kind::Int { min: VERSION, max: VERSION },
        "1",
        &[],
        always,
        (|_: &Scenario| Value::Int(VERSION), |_: &mut Scenario, _: Value| {}),
        "vocabulary version"
    ),
];

/// Looks a key up by name.
pub fn key(name: &str) -> Option<&'static Key> {
    KEYS.iter().find(|k| k.name == name)
}

//! The scenario vocabulary: one table of keys, defaults, ranges and help text.
//!
//! A [`Scenario`] (problem, device, algorithms, parameters, seeds) has one textual form, a URL
//! query such as `v=1&problem=quadratic&algos=digital,analog,tt&tau=1&alpha=0.01`. It is the
//! browser permalink, the CLI argument and (as a JSON object of the same keys) the export.
//! [`KEYS`] is the single place where a key's default, range and meaning are written; parsing,
//! clamping, the canonical form, `playground keys` and the browser's controls all read it.
//!
//! `parse(canonical(s)) == s` and `canonical(parse(q))` is stable: the canonical form lists every
//! key that applies to the scenario, in table order, with floats in shortest round-trip form.

use crate::sim::algorithm::AlgorithmKind;
use serde::{Deserialize, Serialize};
use std::fmt;

/// The version written as `v=`; bump it when a key's meaning changes.
pub const VERSION: u64 = 1;

/// Which training problem.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ProblemKind {
    Quadratic,
    Lsq,
    LowerBound,
    /// A network on the 8×8 handwritten digits.
    Digits,
}

impl ProblemKind {
    pub const ALL: [ProblemKind; 4] =
        [ProblemKind::Quadratic, ProblemKind::Lsq, ProblemKind::LowerBound, ProblemKind::Digits];
    pub fn key(self) -> &'static str {
        match self {
            ProblemKind::Quadratic => "quadratic",
            ProblemKind::Lsq => "lsq",
            ProblemKind::LowerBound => "lower_bound",
            ProblemKind::Digits => "digits",
        }
    }
    pub fn from_key(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.key() == s)
    }
}

/// Which device model.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum DeviceKind {
    Ideal,
    Ald,
    SoftBounds,
    Pow,
    Exp,
}

impl DeviceKind {
    pub const ALL: [DeviceKind; 5] =
        [DeviceKind::Ideal, DeviceKind::Ald, DeviceKind::SoftBounds, DeviceKind::Pow, DeviceKind::Exp];
    pub fn key(self) -> &'static str {
        match self {
            DeviceKind::Ideal => "ideal",
            DeviceKind::Ald => "ald",
            DeviceKind::SoftBounds => "softbounds",
            DeviceKind::Pow => "pow",
            DeviceKind::Exp => "exp",
        }
    }
    pub fn from_key(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|d| d.key() == s)
    }
}

/// How analog arrays write increments.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum PulseMode {
    /// The paper's expected dynamic.
    Off,
    /// Pulse-level updates.
    On,
    /// Every analog algorithm twice: expected dynamic and pulse level, as two curves.
    Both,
}

impl PulseMode {
    pub const ALL: [PulseMode; 3] = [PulseMode::Off, PulseMode::On, PulseMode::Both];
    pub fn key(self) -> &'static str {
        match self {
            PulseMode::Off => "0",
            PulseMode::On => "1",
            PulseMode::Both => "both",
        }
    }
    pub fn from_key(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.key() == s)
    }
}

/// How the expected dynamic applies a mini-batch on `digits`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum UpdateForm {
    /// Eq. 3 once per mini-batch, with the batch-mean gradient.
    Batch,
    /// Eq. 3 once per sample (B rank-1 updates, as aihwkit's pulse trains do).
    Sample,
    /// Both, as two tracks per analog algorithm.
    Both,
}

impl UpdateForm {
    pub const ALL: [UpdateForm; 3] = [UpdateForm::Batch, UpdateForm::Sample, UpdateForm::Both];
    pub fn key(self) -> &'static str {
        match self {
            UpdateForm::Batch => "batch",
            UpdateForm::Sample => "sample",
            UpdateForm::Both => "both",
        }
    }
    pub fn from_key(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.key() == s)
    }
}

/// A complete, valid scenario. Build one with [`Scenario::parse`] (or `Default`) so the
/// invariants of [`KEYS`] hold.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Scenario {
    pub problem: ProblemKind,
    pub algos: Vec<AlgorithmKind>,
    pub device: DeviceKind,
    /// τ, device dynamic range / asymmetry.
    pub tau: f64,
    /// The device's symmetric point w◇.
    pub sp: f64,
    /// α, step size.
    pub alpha: f64,
    /// β, Tiki-Taka transfer rate P → W.
    pub beta: f64,
    /// γ, Tiki-Taka mixing (gradient at W + γP).
    pub gamma: f64,
    /// Tiki-Taka transfer period, in steps.
    pub every: u64,
    /// σ, gradient-noise standard deviation per coordinate (total, for `lower_bound`).
    pub sigma: f64,
    /// Steps per run.
    pub steps: u64,
    /// Seed of the gradient noise.
    pub seed: u64,
    /// `quadratic`: curvatures hᵢ.
    pub h: Vec<f64>,
    /// `quadratic`: the optimum w*; `lower_bound`: the scalar w* (one value).
    pub wstar: Vec<f64>,
    /// `quadratic`: the start point W₀.
    pub w0: Vec<f64>,
    /// `lsq` and `lower_bound`: the dimension D.
    pub dim: u64,
    /// `lsq`: the number of data rows N.
    pub rows: u64,
    /// `lsq`: the seed of the data A, x*.
    pub data_seed: u64,
    /// `lower_bound`: the curvature L.
    pub curvature: f64,
    /// Upper bound τ_max of `softbounds`, `pow`, `exp`.
    pub tau_max: f64,
    /// Lower bound τ_min (< 0) of `softbounds`, `pow`, `exp`.
    pub tau_min: f64,
    /// γ⁺ of `pow` and `exp`.
    pub g_up: f64,
    /// γ⁻ of `pow` and `exp`.
    pub g_down: f64,
    /// c: up steps × (1 + c), down steps × (1 − c).
    pub up_down: f64,
    /// Device-to-device relative spread of step size and bounds.
    pub d2d: f64,
    /// Seed of the device-to-device variation.
    pub device_seed: u64,
    /// Expected dynamic, pulse level, or both.
    pub pulses: PulseMode,
    /// Nominal pulse step.
    pub dw_min: f64,
    /// Most pulses per update (pulse-train length BL).
    pub bl: u64,
    /// Cycle-to-cycle relative noise of each pulse.
    pub c2c: f64,
    /// `lsq`: read noise s of every forward MVM.
    pub read_noise: f64,
    /// Number of noise seeds K (seed, seed + 1, …): curves show mean ± std.
    pub seeds: u64,
    /// `lsq`: x* = xstar_scale·randn(D).
    pub xstar_scale: f64,
    /// `lsq`: A = a_scale·randn(N, D).
    pub a_scale: f64,
    /// `digits`: the widths of the network's layers, input first (64) and output last (10).
    pub layers: Vec<f64>,
    /// `digits`: samples per mini-batch.
    pub batch: u64,
    /// `digits`: passes over the training set.
    pub epochs: u64,
    /// `digits`: whether the expected dynamic applies eq. 3 per mini-batch or per sample.
    pub update: UpdateForm,
}

/// A value of one key.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Float(f64),
    Int(u64),
    Choice(String),
    List(Vec<f64>),
    Algos(Vec<AlgorithmKind>),
}

/// The type and allowed range of a key.
#[derive(Clone, Copy, Debug)]
pub enum Kind {
    /// A finite float in `[min, max]`; `log` marks keys best explored on a log scale.
    Float { min: f64, max: f64, log: bool },
    /// An integer in `[min, max]`.
    Int { min: u64, max: u64 },
    /// One of the listed names.
    Choice(&'static [&'static str]),
    /// A comma-separated list of 1..=`max_len` floats, each in `[min, max]`.
    List { min: f64, max: f64, max_len: usize },
    /// A comma-separated subset of `digital,analog,tt`.
    Algos,
}

/// One row of the vocabulary table.
pub struct Key {
    /// The query key.
    pub name: &'static str,
    /// The symbol used in the paper and the UI (`τ`), or the name again.
    pub symbol: &'static str,
    /// One line of help.
    pub help: &'static str,
    pub kind: Kind,
    /// The default, in query form.
    pub default: &'static str,
    /// Problem-specific defaults that override `default`.
    pub problem_defaults: &'static [(ProblemKind, &'static str)],
    /// Whether the key matters for a scenario (it is written in the canonical form only then).
    pub applies: fn(&Scenario) -> bool,
    get: fn(&Scenario) -> Value,
    set: fn(&mut Scenario, Value),
}

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
    s.problem != ProblemKind::Digits
}
fn on_digits(s: &Scenario) -> bool {
    s.problem == ProblemKind::Digits
}
fn on_lsq_or_digits(s: &Scenario) -> bool {
    matches!(s.problem, ProblemKind::Lsq | ProblemKind::Digits)
}
fn on_digits_expected(s: &Scenario) -> bool {
    s.problem == ProblemKind::Digits && s.device != DeviceKind::Ideal && s.pulses != PulseMode::On
}
fn on_lsq(s: &Scenario) -> bool {
    s.problem == ProblemKind::Lsq
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

use ProblemKind::{Digits as DIGITS, LowerBound as LB, Lsq as LSQ};

/// The vocabulary: every key, in canonical order (`problem` first: other defaults depend on it).
pub static KEYS: [Key; 39] = [
    key!(
        "problem",
        "problem",
        Kind::Choice(&["quadratic", "lsq", "lower_bound", "digits"]),
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
        "training problem: 2-D (or n-D) quadratic, the paper's least squares, the Theorem 3 lower-bound instance, or a network on the 8×8 handwritten digits"
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
        "algorithms to run on the same noise: digital (Digital SGD), analog (Analog SGD), tt (Tiki-Taka)"
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
        "the device's symmetric point w◇ (0 in the paper; nonzero breaks Tiki-Taka)"
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
        &[],
        always,
        float_key!(beta),
        "Tiki-Taka transfer rate: every transfer writes β·P into W (the 2024 paper calls this α)"
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
        "Tiki-Taka transfers P into W once every this many steps (digits: mini-batches)"
    ),
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
        &[],
        on_digits,
        list_key!(layers),
        "digits: widths of the network's layers, 64 inputs first and 10 classes last (sigmoid hidden units)"
    ),
    key!(
        "batch",
        "B",
        Kind::Int { min: 1, max: 1437 },
        "10",
        &[],
        on_digits,
        int_key!(batch),
        "digits: samples per mini-batch (the loss is their mean)"
    ),
    key!(
        "epochs",
        "epochs",
        Kind::Int { min: 1, max: 1000 },
        "30",
        &[],
        on_digits,
        int_key!(epochs),
        "digits: passes over the 1437 training images"
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
    key!("update", "update", Kind::Choice(&["batch", "sample", "both"]), "batch", &[], on_digits_expected,
        (|s: &Scenario| Value::Choice(s.update.key().into()),
         |s: &mut Scenario, v: Value| if let Value::Choice(c) = v { if let Some(m) = UpdateForm::from_key(&c) { s.update = m } }),
        "digits, expected dynamic: apply eq. 3 once per mini-batch (batch-mean gradient) or once per sample (B rank-1 updates, as pulse trains do), or both"),
    key!("dw_min", "Δw_min", Kind::Float { min: 1e-7, max: 1.0, log: true }, "0.001", &[], on_pulses, float_key!(dw_min),
        "pulse mode: nominal weight step of one pulse"),
    key!("bl", "BL", Kind::Int { min: 1, max: 100_000 }, "5000", &[(DIGITS, "31")], on_pulses, int_key!(bl),
        "pulse mode: most pulses per update (pulse-train length)"),
    key!("c2c", "c2c", Kind::Float { min: 0.0, max: 5.0, log: false }, "0", &[], on_pulses, float_key!(c2c),
        "pulse mode: cycle-to-cycle noise, relative std of every pulse"),
    key!("read_noise", "read noise", Kind::Float { min: 0.0, max: 10.0, log: false }, "0", &[], on_lsq_or_digits, float_key!(read_noise),
        "lsq: weight read noise s of every forward MVM; digits: of every analog forward and backward MVM (aihwkit w_noise, additive constant)"),
    key!("seeds", "seeds", Kind::Int { min: 1, max: 64 }, "1", &[], always, int_key!(seeds),
        "number of noise seeds K (seed, seed + 1, …, seed + K − 1); curves show mean ± 1 std"),
    key!("xstar_scale", "x* scale", Kind::Float { min: 0.0, max: 10.0, log: false }, "0.3", &[], on_lsq, float_key!(xstar_scale),
        "lsq: x* = xstar_scale·randn(D) (paper S2: 0.3; S1: 0.45; S3: 0.5)"),
    key!("a_scale", "A scale", Kind::Float { min: 1e-3, max: 100.0, log: true }, "0.5", &[], on_lsq, float_key!(a_scale),
        "lsq: A = a_scale·randn(N, D) (paper S2: 0.5; S1, S3: 1)"),
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

/// Why a query could not be accepted.
#[derive(Clone, Debug, PartialEq)]
pub struct ScenarioError {
    pub key: String,
    pub value: String,
    pub message: String,
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.value.is_empty() {
            write!(f, "{}: {}", self.key, self.message)
        } else {
            write!(f, "{}={}: {}", self.key, self.value, self.message)
        }
    }
}

impl std::error::Error for ScenarioError {}

/// What lenient parsing changed, one entry per adjusted key.
pub type Notices = Vec<ScenarioError>;

impl Key {
    /// The default for `problem`, in query form.
    pub fn default_for(&self, problem: ProblemKind) -> &'static str {
        self.problem_defaults.iter().find(|(p, _)| *p == problem).map_or(self.default, |(_, d)| d)
    }

    /// The allowed values, in words.
    pub fn allowed(&self) -> String {
        match self.kind {
            Kind::Float { min, max, .. } => format!("a number in [{}, {}]", fmt_f64(min), fmt_f64(max)),
            Kind::Int { min, max } => format!("an integer in [{min}, {max}]"),
            Kind::Choice(c) => format!("one of {}", c.join(", ")),
            Kind::List { min, max, max_len } => {
                format!("1 to {max_len} comma-separated numbers in [{}, {}]", fmt_f64(min), fmt_f64(max))
            }
            Kind::Algos => "a comma-separated subset of digital, analog, tt".into(),
        }
    }

    /// Parses `text`; out-of-range numbers are an error whose `Value` (the clamped value) is
    /// returned alongside so lenient parsing can use it.
    fn parse(&self, text: &str) -> Result<Value, (String, Option<Value>)> {
        let range_err = |clamped: Value| Err((format!("out of range (allowed: {})", self.allowed()), Some(clamped)));
        match self.kind {
            Kind::Float { min, max, .. } => {
                let x = parse_finite(text).map_err(|m| (m, None))?;
                if x < min || x > max {
                    return range_err(Value::Float(x.clamp(min, max)));
                }
                Ok(Value::Float(x))
            }
            Kind::Int { min, max } => {
                let x: u64 = match text.trim().parse::<u64>() {
                    Ok(x) => x,
                    Err(_) => {
                        // A negative or huge integer is out of range; anything else is malformed.
                        return match text.trim().parse::<f64>() {
                            Ok(f) if f.is_finite() && f.fract() == 0.0 => {
                                range_err(Value::Int(if f < min as f64 { min } else { max }))
                            }
                            _ => Err((format!("not an integer (allowed: {})", self.allowed()), None)),
                        };
                    }
                };
                if x < min || x > max {
                    return range_err(Value::Int(x.clamp(min, max)));
                }
                Ok(Value::Int(x))
            }
            Kind::Choice(options) => {
                if options.contains(&text) {
                    Ok(Value::Choice(text.to_string()))
                } else {
                    Err((format!("unknown value (allowed: {})", self.allowed()), None))
                }
            }
            Kind::List { min, max, max_len } => {
                let mut xs = Vec::new();
                for part in text.split(',') {
                    xs.push(parse_finite(part).map_err(|m| (format!("{m} (allowed: {})", self.allowed()), None))?);
                }
                if xs.len() > max_len {
                    return Err((format!("too many values (allowed: {})", self.allowed()), None));
                }
                if xs.iter().any(|&x| x < min || x > max) {
                    return range_err(Value::List(xs.iter().map(|x| x.clamp(min, max)).collect()));
                }
                Ok(Value::List(xs))
            }
            Kind::Algos => {
                let mut algos = Vec::new();
                if text.is_empty() {
                    return Ok(Value::Algos(algos));
                }
                for part in text.split(',') {
                    match AlgorithmKind::from_key(part) {
                        Some(a) if !algos.contains(&a) => algos.push(a),
                        Some(_) => return Err((format!("{part} listed twice"), None)),
                        None => {
                            return Err((format!("unknown algorithm {part:?} (allowed: {})", self.allowed()), None))
                        }
                    }
                }
                algos.sort();
                Ok(Value::Algos(algos))
            }
        }
    }

    /// The query form of this key's value in `s`.
    pub fn format(&self, s: &Scenario) -> String {
        format_value(&(self.get)(s))
    }

    /// Sets this key in `s` from query text, strictly.
    pub fn set_text(&self, s: &mut Scenario, text: &str) -> Result<(), ScenarioError> {
        let v = self.parse(text).map_err(|(message, _)| ScenarioError {
            key: self.name.into(),
            value: text.into(),
            message,
        })?;
        (self.set)(s, v);
        Ok(())
    }
}

fn parse_finite(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(x) if x.is_finite() => Ok(x),
        Ok(_) => Err("not a finite number".into()),
        Err(_) => Err("not a number".into()),
    }
}

/// Shortest round-trip text of a float, switching to exponent form for very large or small values.
pub fn fmt_f64(x: f64) -> String {
    let a = x.abs();
    if a != 0.0 && !(1e-4..1e6).contains(&a) {
        format!("{x:e}")
    } else {
        format!("{x}")
    }
}

fn format_value(v: &Value) -> String {
    match v {
        Value::Float(x) => fmt_f64(*x),
        Value::Int(x) => x.to_string(),
        Value::Choice(c) => c.clone(),
        Value::List(xs) => xs.iter().map(|x| fmt_f64(*x)).collect::<Vec<_>>().join(","),
        Value::Algos(a) => a.iter().map(|a| a.key()).collect::<Vec<_>>().join(","),
    }
}

/// Looks a key up by name.
pub fn key(name: &str) -> Option<&'static Key> {
    KEYS.iter().find(|k| k.name == name)
}

/// Decodes `%XX` escapes and `+` (space) in a query component.
pub fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                match u8::from_str_radix(std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("zz"), 16) {
                    Ok(b) => {
                        out.push(b);
                        i += 2;
                    }
                    Err(_) => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Splits a query (`a=1&b=2`, a leading `?` or `#` allowed) into decoded pairs.
pub fn split_query(query: &str) -> Vec<(String, String)> {
    let q = query.trim().trim_start_matches(['?', '#']);
    q.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| match p.split_once('=') {
            Some((k, v)) => (percent_decode(k), percent_decode(v)),
            None => (percent_decode(p), String::new()),
        })
        .collect()
}

impl Default for Scenario {
    fn default() -> Self {
        Scenario::defaults(ProblemKind::Quadratic)
    }
}

impl Scenario {
    /// Every key at its default for `problem`.
    pub fn defaults(problem: ProblemKind) -> Self {
        let mut s = Scenario {
            problem,
            algos: vec![],
            device: DeviceKind::Ald,
            tau: 0.0,
            sp: 0.0,
            alpha: 0.0,
            beta: 0.0,
            gamma: 0.0,
            every: 1,
            sigma: 0.0,
            steps: 1,
            seed: 0,
            h: vec![],
            wstar: vec![],
            w0: vec![],
            dim: 1,
            rows: 1,
            data_seed: 0,
            curvature: 1.0,
            tau_max: 1.0,
            tau_min: -1.0,
            g_up: 1.0,
            g_down: 1.0,
            up_down: 0.0,
            d2d: 0.0,
            device_seed: 0,
            pulses: PulseMode::Off,
            dw_min: 1e-3,
            bl: 1,
            c2c: 0.0,
            read_noise: 0.0,
            seeds: 1,
            xstar_scale: 0.3,
            a_scale: 0.5,
            layers: vec![],
            batch: 1,
            epochs: 1,
            update: UpdateForm::Batch,
        };
        for k in KEYS.iter().filter(|k| k.name != "problem") {
            k.set_text(&mut s, k.default_for(problem)).expect("vocabulary defaults are valid");
        }
        s
    }

    /// Parses a query strictly: unknown keys, malformed and out-of-range values are errors that
    /// name the key, the value and the allowed range. Missing keys take their defaults.
    pub fn parse(query: &str) -> Result<Scenario, ScenarioError> {
        Self::parse_pairs(&split_query(query), false).map(|(s, _)| s)
    }

    /// Parses a query leniently (the browser's permalinks): out-of-range values are clamped,
    /// malformed values and unknown keys fall back to defaults, and every change is reported.
    pub fn parse_lenient(query: &str) -> (Scenario, Notices) {
        Self::parse_pairs(&split_query(query), true).expect("lenient parsing always succeeds")
    }

    /// Parses decoded pairs; see [`Scenario::parse`] and [`Scenario::parse_lenient`].
    pub fn parse_pairs(pairs: &[(String, String)], lenient: bool) -> Result<(Scenario, Notices), ScenarioError> {
        let mut notices = Notices::new();
        let fail = |e: ScenarioError, notices: &mut Notices| -> Result<(), ScenarioError> {
            if lenient {
                notices.push(e);
                Ok(())
            } else {
                Err(e)
            }
        };
        let problem_key = key("problem").expect("problem key");
        let mut problem = ProblemKind::Quadratic;
        for (k, v) in pairs.iter().filter(|(k, _)| k == "problem") {
            match ProblemKind::from_key(v) {
                Some(p) => problem = p,
                None => fail(
                    ScenarioError {
                        key: k.clone(),
                        value: v.clone(),
                        message: format!(
                            "unknown problem (allowed: {}); using quadratic",
                            problem_key.allowed().trim_start_matches("one of ")
                        ),
                    },
                    &mut notices,
                )?,
            }
        }
        let mut s = Scenario::defaults(problem);
        let mut seen: Vec<&str> = Vec::new();
        for (k, v) in pairs {
            if k == "problem" {
                continue;
            }
            let Some(spec) = key(k) else {
                fail(
                    ScenarioError { key: k.clone(), value: v.clone(), message: "unknown key (ignored)".into() },
                    &mut notices,
                )?;
                continue;
            };
            if seen.contains(&spec.name) {
                fail(
                    ScenarioError {
                        key: k.clone(),
                        value: v.clone(),
                        message: "key given twice (the last one wins)".into(),
                    },
                    &mut notices,
                )?;
            }
            seen.push(spec.name);
            match spec.parse(v) {
                Ok(value) => (spec.set)(&mut s, value),
                Err((message, clamped)) => {
                    let default = spec.default_for(problem);
                    let (message, value) = match clamped {
                        Some(c) => {
                            let shown = format_value(&c);
                            (format!("{message}; clamped to {shown}"), c)
                        }
                        None => (
                            format!("{message}; using the default {default}"),
                            spec.parse(default).expect("valid default"),
                        ),
                    };
                    fail(ScenarioError { key: k.clone(), value: v.clone(), message }, &mut notices)?;
                    (spec.set)(&mut s, value);
                }
            }
        }
        // Keys that do not apply (e.g. `rows` on quadratic) return to their defaults, so a
        // scenario equals the parse of its own canonical form.
        // Table order puts every key after the keys its applicability depends on (device before
        // pulses before dw_min), so one pass in order settles them.
        for k in KEYS.iter() {
            if !(k.applies)(&s) {
                k.set_text(&mut s, k.default_for(problem)).expect("vocabulary defaults are valid");
            }
        }
        s.check_consistency(lenient, &mut notices)?;
        Ok((s, notices))
    }

    /// Cross-key rules (list lengths). Lenient mode repairs them and reports.
    fn check_consistency(&mut self, lenient: bool, notices: &mut Notices) -> Result<(), ScenarioError> {
        let mut problems: Vec<ScenarioError> = Vec::new();
        match self.problem {
            ProblemKind::Quadratic => {
                let n = self.wstar.len();
                for (name, list) in [("h", &mut self.h), ("w0", &mut self.w0)] {
                    if list.len() != n && list.len() != 1 {
                        let value = list.iter().map(|x| fmt_f64(*x)).collect::<Vec<_>>().join(",");
                        let fix = *list.last().expect("lists are non-empty");
                        list.resize(n, fix);
                        problems.push(ScenarioError {
                            key: name.into(),
                            value,
                            message: format!("needs one value or {n} values (one per coordinate of wstar)"),
                        });
                    }
                }
            }
            ProblemKind::LowerBound => {
                if self.wstar.len() != 1 {
                    let value = self.wstar.iter().map(|x| fmt_f64(*x)).collect::<Vec<_>>().join(",");
                    self.wstar.truncate(1);
                    problems.push(ScenarioError {
                        key: "wstar".into(),
                        value,
                        message: "lower_bound takes a single value w* (the optimum is w*·1)".into(),
                    });
                }
            }
            ProblemKind::Digits => {
                let value = self.layers.iter().map(|x| fmt_f64(*x)).collect::<Vec<_>>().join(",");
                let mut message = Vec::new();
                if self.layers.iter().any(|w| w.fract() != 0.0) {
                    message.push("widths must be whole numbers".to_string());
                    for w in &mut self.layers {
                        *w = w.round().max(1.0);
                    }
                }
                if self.layers.len() < 2 {
                    message.push("needs at least the input and output widths".to_string());
                    self.layers = vec![64.0, 10.0];
                }
                if self.layers[0] != 64.0 {
                    message.push(format!("the first width must be 64 (8×8 pixels), not {}", fmt_f64(self.layers[0])));
                    self.layers[0] = 64.0;
                }
                let last = self.layers.len() - 1;
                if self.layers[last] != 10.0 {
                    message
                        .push(format!("the last width must be 10 (one per digit), not {}", fmt_f64(self.layers[last])));
                    self.layers[last] = 10.0;
                }
                if !message.is_empty() {
                    problems.push(ScenarioError { key: "layers".into(), value, message: message.join("; ") });
                }
            }
            ProblemKind::Lsq => {
                let n = self.dim as usize;
                if self.w0.len() != n && self.w0.len() != 1 {
                    let value = self.w0.iter().map(|x| fmt_f64(*x)).collect::<Vec<_>>().join(",");
                    let fix = *self.w0.last().expect("lists are non-empty");
                    self.w0.resize(n, fix);
                    problems.push(ScenarioError {
                        key: "w0".into(),
                        value,
                        message: format!("needs one value or {n} values (one per weight, D = dim)"),
                    });
                }
            }
        }
        for p in problems {
            if lenient {
                notices.push(p);
            } else {
                return Err(p);
            }
        }
        Ok(())
    }

    /// The canonical query: every key that applies, in table order.
    pub fn to_query(&self) -> String {
        let mut parts = vec![format!("v={VERSION}")];
        for k in KEYS.iter().filter(|k| k.name != "v" && (k.applies)(self)) {
            parts.push(format!("{}={}", k.name, k.format(self)));
        }
        parts.join("&")
    }

    /// The JSON export: an object of the canonical keys and their query-form values.
    pub fn to_json(&self) -> serde_json::Value {
        let mut map = serde_json::Map::new();
        for (k, v) in split_query(&self.to_query()) {
            map.insert(k, serde_json::Value::String(v));
        }
        serde_json::Value::Object(map)
    }

    /// Reads the JSON export back (string or number values), strictly.
    pub fn from_json(value: &serde_json::Value) -> Result<Scenario, ScenarioError> {
        let obj = value.as_object().ok_or_else(|| ScenarioError {
            key: "json".into(),
            value: String::new(),
            message: "expected an object of scenario keys".into(),
        })?;
        let pairs: Vec<(String, String)> =
            obj.iter().map(|(k, v)| (k.clone(), v.as_str().map_or_else(|| v.to_string(), str::to_string))).collect();
        Self::parse_pairs(&pairs, false).map(|(s, _)| s)
    }

    /// The value of `h` for coordinate `i` (one value broadcasts).
    pub fn h_at(&self, i: usize) -> f64 {
        *self.h.get(i).unwrap_or(&self.h[0])
    }
    /// The start point of coordinate `i` on `quadratic` (one value broadcasts).
    pub fn w0_at(&self, i: usize) -> f64 {
        *self.w0.get(i).unwrap_or(&self.w0[0])
    }
    /// Whether algorithm `a` is part of the scenario.
    pub fn runs(&self, a: AlgorithmKind) -> bool {
        self.algos.contains(&a)
    }
}

/// The vocabulary as a table (for `playground keys`).
pub fn keys_table() -> String {
    let mut out = String::from("key\tsymbol\tdefault\tallowed\tapplies to\tmeaning\n");
    for k in KEYS.iter() {
        let defaults = std::iter::once(k.default.to_string())
            .chain(k.problem_defaults.iter().map(|(p, d)| format!("{}: {d}", p.key())))
            .collect::<Vec<_>>()
            .join("; ");
        let applies = ProblemKind::ALL
            .into_iter()
            .filter(|p| (k.applies)(&Scenario::defaults(*p)))
            .map(|p| p.key())
            .collect::<Vec<_>>()
            .join(",");
        out.push_str(&format!("{}\t{}\t{}\t{}\t{}\t{}\n", k.name, k.symbol, defaults, k.allowed(), applies, k.help));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_round_trip() {
        for p in ProblemKind::ALL {
            let s = Scenario::defaults(p);
            let q = s.to_query();
            assert_eq!(Scenario::parse(&q).unwrap(), s, "{q}");
        }
    }

    #[test]
    fn errors_name_key_value_and_range() {
        let e = Scenario::parse("tau=1e20").unwrap_err();
        assert_eq!(e.key, "tau");
        assert_eq!(e.value, "1e20");
        assert!(e.to_string().contains("[0.001, 1e12]"), "{e}");
        let e = Scenario::parse("bogus=1").unwrap_err();
        assert!(e.to_string().contains("unknown key"));
    }

    #[test]
    fn lenient_parse_clamps_and_reports() {
        let (s, notes) = Scenario::parse_lenient("tau=1e20&alpha=abc&zzz=1&algos=tt,analog");
        assert_eq!(s.tau, 1e12);
        assert_eq!(s.alpha, 0.05);
        assert_eq!(s.algos, vec![AlgorithmKind::Analog, AlgorithmKind::TikiTaka]);
        assert_eq!(notes.len(), 3);
    }

    #[test]
    fn percent_decoding_handles_commas() {
        let s = Scenario::parse("wstar=0.1%2C0.2&h=2").unwrap();
        assert_eq!(s.wstar, vec![0.1, 0.2]);
        assert_eq!(percent_decode("%"), "%");
        assert_eq!(percent_decode("a%2"), "a%2");
    }
}

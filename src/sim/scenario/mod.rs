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
//!
//! The table lives in `keys.rs`, the text forms (parsing and formatting values, query strings) in
//! `text.rs`.

mod arch;
mod consistency;
mod inapplicable;
mod keys;
mod mnist_data;
mod preset;
mod text;

pub use arch::Arch;
pub use inapplicable::{inapplicable, why_not_applies, Inapplicable};
pub use keys::{key, KEYS, MAX_LAYERS, MAX_QUADRATIC_DIM, MAX_SEED};
pub use mnist_data::MnistData;
pub use preset::{symmetric_range, PAPER_FCN, SHORTHANDS};
pub use text::{fmt_f64, percent_decode, split_query};

use crate::sim::algorithm::AlgorithmKind;
use serde::{Deserialize, Serialize};
use std::fmt;
use text::format_value;

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
    /// The paper's network on real 28×28 MNIST digits: 10,000 of them, or the standard split of
    /// 70,000 with `data=full` ([`MnistData`]).
    Mnist,
}

impl ProblemKind {
    pub const ALL: [ProblemKind; 5] =
        [ProblemKind::Quadratic, ProblemKind::Lsq, ProblemKind::LowerBound, ProblemKind::Digits, ProblemKind::Mnist];
    /// Whether the problem trains a network on images (epochs, layers, test accuracy).
    pub fn is_network(self) -> bool {
        matches!(self, ProblemKind::Digits | ProblemKind::Mnist)
    }
    /// The network's input width (pixels per image); 0 for the other problems.
    pub fn input_width(self) -> usize {
        match self {
            ProblemKind::Digits => 64,
            ProblemKind::Mnist => 784,
            _ => 0,
        }
    }
    pub fn key(self) -> &'static str {
        match self {
            ProblemKind::Quadratic => "quadratic",
            ProblemKind::Lsq => "lsq",
            ProblemKind::LowerBound => "lower_bound",
            ProblemKind::Digits => "digits",
            ProblemKind::Mnist => "mnist",
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

/// Which noise the pulse-level tracks of `lsq` see.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum PulseNoise {
    /// Every track sees the gradient noise σ and the read noise.
    Same,
    /// The paper's Fig. 3 pairing: pulse-level tracks see only the read noise (as its pulse
    /// simulation), the expected dynamic and Digital SGD only σ (as its eq. 3).
    Read,
}

impl PulseNoise {
    pub const ALL: [PulseNoise; 2] = [PulseNoise::Same, PulseNoise::Read];
    pub fn key(self) -> &'static str {
        match self {
            PulseNoise::Same => "same",
            PulseNoise::Read => "read",
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
    /// `mnist`: the 10k digits or the full standard split.
    pub data: MnistData,
    /// The networks: fully connected (`layers`) or the paper's CNN.
    pub arch: Arch,
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
    /// `lsq` at pulse level: which noise the pulse-level tracks see.
    pub pulse_noise: PulseNoise,
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
    /// Most pulses per column of a pulse-level transfer (aihwkit `transfer_update.desired_bl`).
    pub transfer_bl: u64,
    /// Columns of P read per transfer; 0 = all (aihwkit `n_reads_per_transfer`).
    pub n_reads: u64,
    /// Std of the additive noise on each read of P by a transfer.
    pub transfer_read_noise: f64,
    /// Buffered transfers' threshold, in units of Δw_min.
    pub buffer_threshold: f64,
    /// What a buffer keeps after a transfer.
    pub buffer_momentum: f64,
    /// Chopper flip probability (c-TTv2, AGAD, E-RIDER).
    pub chop_prob: f64,
    /// AGAD's tail weighting of its running mean.
    pub tail_weightening: f64,
    /// γ_r, mixing of residual learning and RIDER.
    pub gamma_r: f64,
    /// η, RIDER's tracking rate.
    pub eta: f64,
    /// E-RIDER's reprogramming period, in steps.
    pub reprogram_every: u64,
    /// Zero-shifting of P before training (0 or 1).
    pub zero_shift: u64,
    /// Zero-shifting pulses per element.
    pub zs_pulses: u64,
    /// Networks: Tiki-Taka's rate of gradient writes into P (aihwkit `fast_lr`); 0 means α.
    pub fast_lr: f64,
    /// Networks: StepLR period in epochs (0 = constant step sizes).
    pub lr_step: u64,
    /// Networks: StepLR factor applied to α and β every `lr_step` epochs.
    pub lr_gamma: f64,
    /// Networks: DAC resolution of analog MVM inputs in bits (0 = exact).
    pub inp_res: u64,
    /// Networks: ADC resolution of analog MVM outputs in bits (0 = exact).
    pub out_res: u64,
    /// Networks: standard deviation of the additive output noise of analog MVMs.
    pub out_noise: f64,
    /// Networks: learned digital output scale per analog tile (aihwkit `learn_out_scaling`), 0 or 1.
    pub out_scaling: u64,
    /// Networks: largest tile side (aihwkit `max_input_size`/`max_output_size`); 0 = one tile.
    pub tile_inputs: u64,
    /// Pulse level: cycle-to-cycle noise multiplies the bound factor (1) or adds to it (0).
    pub c2c_mult: u64,
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
            data: MnistData::TenK,
            arch: Arch::Fcn,
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
            pulse_noise: PulseNoise::Same,
            seeds: 1,
            xstar_scale: 0.3,
            a_scale: 0.5,
            layers: vec![],
            batch: 1,
            epochs: 1,
            update: UpdateForm::Batch,
            transfer_bl: 31,
            n_reads: 0,
            transfer_read_noise: 0.0,
            buffer_threshold: 1.0,
            buffer_momentum: 0.0,
            chop_prob: 0.1,
            tail_weightening: 5.0,
            gamma_r: 0.4,
            eta: 0.05,
            reprogram_every: 0,
            zero_shift: 0,
            zs_pulses: 10000,
            fast_lr: 0.0,
            lr_step: 0,
            lr_gamma: 0.1,
            inp_res: 0,
            out_res: 0,
            out_noise: 0.0,
            out_scaling: 0,
            tile_inputs: 0,
            c2c_mult: 1,
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
        let expanded = preset::expand(pairs, lenient, &mut notices)?;
        let pairs = expanded.as_slice();
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
        if s.problem == ProblemKind::Quadratic {
            // Defaults follow the dimension n of w*: W₀ = −0.5, 0.5, −0.5, …; curvatures spread
            // evenly over [1, 3] (n = 2 gives the page's 1, 3).
            let n = s.wstar.len();
            if !seen.contains(&"w0") && s.w0.len() != n {
                s.w0 = (0..n).map(|i| if i % 2 == 0 { -0.5 } else { 0.5 }).collect();
            }
            if !seen.contains(&"h") && s.h.len() != n {
                s.h = (0..n).map(|i| if n == 1 { 1.0 } else { 1.0 + 2.0 * i as f64 / (n - 1) as f64 }).collect();
            }
        }
        s.check_consistency(lenient, &mut notices)?;
        Ok((s, notices))
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
        // Keys of the algorithms beyond Tiki-Taka and of zero-shifting apply once those are chosen.
        let chosen = |p: ProblemKind| {
            let mut s = Scenario::defaults(p);
            s.algos = AlgorithmKind::ALL.to_vec();
            s.zero_shift = 1;
            s
        };
        let applies = ProblemKind::ALL
            .into_iter()
            .filter(|p| (k.applies)(&Scenario::defaults(*p)) || (k.applies)(&chosen(*p)))
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

//! What one key of the vocabulary declares ([`Key`]) and the macro that turns the declarations in
//! `keys.rs` into the [`Scenario`](super::Scenario) struct, its blank value and the [`KEYS`](super::KEYS)
//! table. A key is written once, there: its field and type, symbol, range, defaults, group, when
//! it applies, help, the page's control and where it goes in an aihwkit script.

use super::{ProblemKind, Scenario};
use crate::sim::algorithm::AlgorithmKind;

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
    /// A comma-separated subset of the algorithms.
    Algos,
}

/// The part of a scenario a key belongs to; the page lists its controls in this order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Group {
    /// What is trained, by which algorithms.
    Setup,
    /// The device model of the analog arrays.
    Device,
    /// Step sizes, transfer rate, noise and schedules.
    Steps,
    /// The algorithms beyond Tiki-Taka: reads, buffers, choppers, references.
    Transfer,
    /// Pulse trains and zero-shifting.
    Pulses,
    /// Converters, read and output noise, tiles.
    Periphery,
    /// Problem sizes, data, seeds and lengths of runs.
    Data,
}

impl Group {
    pub fn name(self) -> &'static str {
        match self {
            Group::Setup => "setup",
            Group::Device => "device",
            Group::Steps => "steps",
            Group::Transfer => "transfer",
            Group::Pulses => "pulses",
            Group::Periphery => "periphery",
            Group::Data => "data",
        }
    }
}

/// The page's control for a key. Sliders cover the part of the range worth exploring (the
/// number box beside them takes the whole valid range).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Control {
    LogSlider(f64, f64),
    Slider(f64, f64),
    Number,
    Text,
    /// A menu, one label per name of the key's `Kind::Choice`.
    Select(&'static [&'static str]),
    Algos,
    /// Link and command line only (shorthands, the version).
    None,
}

/// What an aihwkit export needs to know to place a key.
#[derive(Clone, Copy, Debug)]
pub struct ExportTarget {
    /// The script trains at pulse level (an analog device).
    pub pulsed: bool,
    /// Tiki-Taka is left out (on the ideal device it has no aihwkit tile).
    pub skip_tt: bool,
}

/// Where a key goes in an aihwkit 1.1 script, or why it has no counterpart.
#[derive(Clone, Copy)]
pub enum Aihwkit {
    /// Always this place in the script.
    To(&'static str),
    /// Never exported, for this reason.
    No(&'static str),
    /// Depends on the scenario: the place, or why not.
    Rule(fn(&Scenario, ExportTarget) -> Result<&'static str, String>),
}

impl Aihwkit {
    /// The place of the key in the script for `s`, or why it has none.
    pub fn place(self, s: &Scenario, target: ExportTarget) -> Result<&'static str, String> {
        match self {
            Aihwkit::To(place) => Ok(place),
            Aihwkit::No(why) => Err(why.into()),
            Aihwkit::Rule(rule) => rule(s, target),
        }
    }
}

/// One key of the vocabulary.
pub struct Key {
    /// The query key (the scenario's field of the same name).
    pub name: &'static str,
    /// The symbol used in the paper and the UI (`τ`), or the name again.
    pub symbol: &'static str,
    /// One line of help.
    pub help: &'static str,
    pub group: Group,
    pub kind: Kind,
    /// The default, in query form.
    pub default: &'static str,
    /// Problem-specific defaults that override `default`.
    pub problem_defaults: &'static [(ProblemKind, &'static str)],
    /// Whether the key matters for a scenario (it is written in the canonical form only then).
    pub applies: fn(&Scenario) -> bool,
    pub control: Control,
    pub aihwkit: Aihwkit,
    /// Whether the key is a field of the scenario (`v` and the shorthands `preset`, `tau_sym` are not).
    pub field: bool,
    pub(super) get: fn(&Scenario) -> Value,
    pub(super) set: fn(&mut Scenario, Value),
}

/// Declares the vocabulary: `fields { name: Type [PROBLEM: "default", …] { help: "…", symbol, group,
/// kind, default, applies, control, aihwkit }, … }` (a field of the scenario each, in canonical
/// order) and `fieldless { "name" { help, value, symbol, … }, … }` (the version and the shorthands, last).
macro_rules! vocabulary {
    (
        fields {
            $( $field:ident : $ty:ty $([ $($problem:ident : $pdefault:literal),* ])? {
                help: $help:literal, $($k:ident : $v:expr),* $(,)?
            } ),* $(,)?
        }
        fieldless {
            $( $short:literal { help: $shelp:literal, value: $svalue:expr, $($sk:ident : $sv:expr),* $(,)? } ),* $(,)?
        }
    ) => {
        /// A complete, valid scenario, one field per key of [`KEYS`] (declared in `keys.rs`).
        /// Build one with [`Scenario::parse`] (or `Default`) so the invariants of the keys hold.
        #[derive(Clone, Debug, PartialEq)]
        pub struct Scenario {
            $( #[doc = $help] pub $field: $ty, )*
        }

        impl Scenario {
            /// Every field at its type's zero value, before the vocabulary's defaults apply.
            pub(super) fn blank() -> Scenario {
                Scenario { $( $field: Default::default(), )* }
            }
        }

        /// The vocabulary: every key, in canonical order (`problem` first: other defaults depend
        /// on it).
        pub static KEYS: &[Key] = &[
            $( Key {
                name: stringify!($field),
                help: $help,
                problem_defaults: &[ $( $( ($problem, $pdefault) ),* )? ],
                field: true,
                get: |s: &Scenario| FieldValue::value(&s.$field),
                set: |s: &mut Scenario, v: Value| FieldValue::assign(&mut s.$field, v),
                $( $k: $v, )*
            }, )*
            $( Key {
                name: $short,
                help: $shelp,
                problem_defaults: &[],
                field: false,
                get: |_: &Scenario| $svalue,
                set: |_: &mut Scenario, _: Value| {},
                $( $sk: $sv, )*
            }, )*
        ];
    };
}

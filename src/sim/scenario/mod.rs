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

#[macro_use]
mod vocabulary;
mod aihwkit;
mod applies;
mod choices;
mod consistency;
mod inapplicable;
mod keys;
mod preset;
mod text;

pub use aihwkit::py;
pub use choices::{Arch, DeviceKind, MnistData, ProblemKind, PulseMode, PulseNoise, UpdateForm};
pub use inapplicable::{inapplicable, why_not_applies, Inapplicable};
pub use keys::{key, Scenario, KEYS, MAX_LAYERS, MAX_QUADRATIC_DIM, MAX_SEED};
pub use preset::{shorthand_keys, symmetric_range, PAPER_FCN};
pub use text::{fmt_f64, percent_decode, split_query};
pub use vocabulary::{Aihwkit, Control, ExportTarget, Group, Key, Kind, Value};

use crate::sim::algorithm::AlgorithmKind;
use std::fmt;
use text::format_value;

/// The version written as `v=`; bump it when a key's meaning changes.
pub const VERSION: u64 = 1;

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
        let mut s = Scenario::blank();
        s.problem = problem;
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
        for k in KEYS.iter().filter(|k| k.field && (k.applies)(self)) {
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
    let mut out = String::from("key\tgroup\tsymbol\tdefault\tallowed\tapplies to\tpage control\tmeaning\taihwkit\n");
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
        let control = match k.control {
            Control::LogSlider(..) => "log slider",
            Control::Slider(..) => "slider",
            Control::Number => "number",
            Control::Text => "text",
            Control::Select(_) => "menu",
            Control::Algos => "checkboxes",
            Control::None => "none (link only)",
        };
        let aihwkit = match k.aihwkit {
            Aihwkit::To(place) => place.to_string(),
            Aihwkit::No(why) => format!("none: {why}"),
            Aihwkit::Rule(_) => "depends on the scenario (the export's header says)".into(),
        };
        out.push_str(&format!(
            "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\n",
            k.name,
            k.group.name(),
            k.symbol,
            defaults,
            k.allowed(),
            applies,
            control,
            k.help,
            aihwkit
        ));
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

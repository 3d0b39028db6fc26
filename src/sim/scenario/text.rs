//! Text forms of values and queries: parsing a key's value (with its range), shortest
//! round-trip floats, percent-decoding and splitting a query.

use super::{Key, Kind, ProblemKind, Scenario, ScenarioError, Value};
use crate::sim::algorithm::AlgorithmKind;

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
            Kind::Algos => {
                format!("a comma-separated subset of {}", AlgorithmKind::ALL.map(AlgorithmKind::key).join(", "))
            }
        }
    }

    /// Parses `text`; out-of-range numbers are an error whose `Value` (the clamped value) is
    /// returned alongside so lenient parsing can use it.
    pub(super) fn parse(&self, text: &str) -> Result<Value, (String, Option<Value>)> {
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
                        // An integer written as a float (1e3, 100.0, -0) is that integer; a
                        // negative or huge one is out of range; anything else is malformed.
                        return match text.trim().parse::<f64>() {
                            Ok(f) if f.is_finite() && f.fract() == 0.0 => {
                                if f < min as f64 {
                                    range_err(Value::Int(min))
                                } else if f > max as f64 {
                                    range_err(Value::Int(max))
                                } else {
                                    Ok(Value::Int(f as u64))
                                }
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

pub(super) fn parse_finite(text: &str) -> Result<f64, String> {
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

pub(super) fn format_value(v: &Value) -> String {
    match v {
        Value::Float(x) => fmt_f64(*x),
        Value::Int(x) => x.to_string(),
        Value::Choice(c) => c.clone(),
        Value::List(xs) => xs.iter().map(|x| fmt_f64(*x)).collect::<Vec<_>>().join(","),
        Value::Algos(a) => a.iter().map(|a| a.key()).collect::<Vec<_>>().join(","),
    }
}

/// Decodes `%XX` escapes and `+` (space) in a query component.
pub fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() && bytes[i + 1].is_ascii_hexdigit() && bytes[i + 2].is_ascii_hexdigit() => {
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

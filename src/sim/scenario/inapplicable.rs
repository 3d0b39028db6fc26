//! Why a key does nothing for a scenario, found by probing the vocabulary's own applicability
//! rules (the page disables such controls and shows the reason).

use super::{DeviceKind, Key, ProblemKind, PulseMode, Scenario};
use crate::sim::algorithm::AlgorithmKind;

/// Why key `k` does nothing for scenario `s`, in words (`None` when it applies): found by probing
/// which single change would make it apply — another problem, another algorithm, pulse level,
/// another device — so the reason follows the table's applicability rules without restating them.
pub fn why_not_applies(k: &Key, s: &Scenario) -> Option<String> {
    inapplicable(k, s).map(|i| i.reason)
}

/// A key that does nothing for a scenario: why, and whether some change on the same problem (an
/// algorithm, pulse level, a device) would make it act — else it belongs to other problems.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Inapplicable {
    pub reason: String,
    pub on_this_problem: bool,
}

/// See [`why_not_applies`].
pub fn inapplicable(k: &Key, s: &Scenario) -> Option<Inapplicable> {
    if (k.applies)(s) {
        return None;
    }
    let applies_with = |change: &dyn Fn(&mut Scenario)| {
        let mut t = s.clone();
        change(&mut t);
        (k.applies)(&t)
    };
    let problems: Vec<&str> =
        [ProblemKind::Quadratic, ProblemKind::Lsq, ProblemKind::LowerBound, ProblemKind::Digits, ProblemKind::Mnist]
            .into_iter()
            .filter(|p| *p != s.problem)
            .filter(|p| {
                let probe = Scenario::parse(&format!("problem={}", p.key())).unwrap_or_else(|_| s.clone());
                (k.applies)(&probe) || applies_with(&|t| t.problem = *p)
            })
            .map(|p| p.key())
            .collect();
    let same_problem_fixes: Vec<String> = {
        let mut fixes = Vec::new();
        let algos: Vec<&str> = AlgorithmKind::ALL
            .into_iter()
            .filter(|a| !s.algos.contains(a))
            .filter(|a| applies_with(&|t| t.algos.push(*a)))
            .map(|a| a.key())
            .collect();
        if !algos.is_empty() {
            fixes.push(format!("with algorithm {} running", algos.join(" or ")));
        }
        if s.pulses == PulseMode::Off && applies_with(&|t| t.pulses = PulseMode::On) {
            fixes.push("at pulse level (pulses=1)".into());
        }
        if s.pulses == PulseMode::On && applies_with(&|t| t.pulses = PulseMode::Off) {
            fixes.push("in the expected dynamic (pulses=0 or both)".into());
        }
        let devices: Vec<&str> =
            [DeviceKind::Ideal, DeviceKind::Ald, DeviceKind::SoftBounds, DeviceKind::Pow, DeviceKind::Exp]
                .into_iter()
                .filter(|d| *d != s.device && applies_with(&|t| t.device = *d))
                .map(|d| d.key())
                .collect();
        if !devices.is_empty() {
            fixes.push(format!("with device={}", devices.join(" or ")));
        }
        fixes
    };
    let here = format!("does nothing for this scenario (problem={})", s.problem.key());
    let reason = match (same_problem_fixes.is_empty(), problems.is_empty()) {
        (false, _) => format!("{}: {here}; it applies {}", k.name, same_problem_fixes.join(", or ")),
        (true, false) => format!("{}: {here}; it applies to problem={}", k.name, problems.join(", ")),
        (true, true) => format!("{}: {here}", k.name),
    };
    Some(Inapplicable { reason, on_this_problem: !same_problem_fixes.is_empty() })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::scenario::{key, KEYS};

    #[test]
    fn inapplicable_keys_say_what_would_make_them_apply() {
        let s = Scenario::parse("problem=quadratic&algos=digital,analog").unwrap();
        let beta = why_not_applies(key("beta").unwrap(), &s).unwrap();
        assert!(beta.contains("with algorithm") && beta.contains("tt"), "{beta}");
        let digits = Scenario::parse("problem=digits").unwrap();
        let wstar = why_not_applies(key("wstar").unwrap(), &digits).unwrap();
        assert!(wstar.contains("problem=quadratic"), "{wstar}");
        assert!(why_not_applies(key("tau").unwrap(), &Scenario::parse("").unwrap()).is_none());
        // Every key that does not apply to a problem's defaults gets a reason naming the key.
        for q in ["problem=quadratic", "problem=lsq", "problem=lower_bound", "problem=digits", "problem=mnist"] {
            let s = Scenario::parse(q).unwrap();
            for k in KEYS.iter() {
                if let Some(r) = why_not_applies(k, &s) {
                    assert!(r.starts_with(k.name) && r.contains("does nothing"), "{q} {}: {r}", k.name);
                }
            }
        }
    }
}

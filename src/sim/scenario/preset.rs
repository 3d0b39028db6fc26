//! Presets and shorthands: a name that expands into ordinary keys before parsing, so the scenario
//! (and its canonical link) holds only ordinary keys and any of them can be changed afterwards.
//! `preset=paper-fcn` is a whole run; `tau_sym=τ` is the bounded devices' symmetric range
//! (`tau_max=τ&tau_min=−τ`), one knob for a sweep across τ.

use super::{Notices, ScenarioError};

/// `preset=paper-fcn`: the paper's MNIST FCN run (docs/paper.md §6, S4.1) with aihwkit's
/// `SoftBoundsReferenceDevice` defaults at τ = 0.7 (Δw_min 1e-3, d2d 0.3, c2c 0.3), its default
/// IO (7-bit DAC, 9-bit ADC, output noise 0.06), BL 31 with update management, TT-v1 with
/// fast_lr 0.01, one column read per transfer and transfer lr = α, and StepLR(35, 0.1) over
/// 80 epochs. Also aihwkit's mapping as the paper's code leaves it: `learn_out_scaling=True`
/// (one learned scale per tile), layers split into tiles of at most 512 inputs (its default
/// `max_input_size`), and the device's additive cycle-to-cycle noise (`mult_noise=False`).
pub const PAPER_FCN: &str = "problem=mnist&algos=digital,analog,tt&layers=784,256,128,10&batch=10&epochs=80\
&alpha=0.05&beta=0.05&fast_lr=0.01&gamma=0&every=1&n_reads=1&lr_step=35&lr_gamma=0.1\
&device=softbounds&tau_max=0.7&tau_min=-0.7&up_down=0&d2d=0.3&pulses=1&dw_min=0.001&bl=31&c2c=0.3\
&read_noise=0&inp_res=7&out_res=9&out_noise=0.06&out_scaling=1&tile_inputs=512&c2c_mult=0";

/// `preset=paper-cnn`: the paper's MNIST CNN run (docs/paper.md §6, S4.2; `arch=cnn`) with the
/// FCN preset's device, IO, mapping and Tiki-Taka settings, mini-batches of 8 and α = 0.05, at
/// τ = 0.6 (the first of the paper's CNN columns).
pub const PAPER_CNN: &str = "problem=mnist&arch=cnn&algos=digital,analog,tt&batch=8&epochs=80\
&alpha=0.05&beta=0.05&fast_lr=0.01&gamma=0&every=1&n_reads=1&lr_step=35&lr_gamma=0.1\
&device=softbounds&tau_max=0.6&tau_min=-0.6&up_down=0&d2d=0.3&pulses=1&dw_min=0.001&bl=31&c2c=0.3\
&read_noise=0&inp_res=7&out_res=9&out_noise=0.06&out_scaling=1&tile_inputs=512&c2c_mult=0";

/// The presets by name; `none` leaves the keys alone.
const PRESETS: [(&str, Option<&str>); 3] =
    [("none", None), ("paper-fcn", Some(PAPER_FCN)), ("paper-cnn", Some(PAPER_CNN))];

/// The values of the `preset` key.
pub const PRESET_NAMES: &[&str] = &[PRESETS[0].0, PRESETS[1].0, PRESETS[2].0];

/// The keys of preset `name`, or `None` for `none`.
fn keys_of(name: &str) -> Option<&'static str> {
    PRESETS.iter().find(|(n, _)| *n == name).and_then(|(_, keys)| *keys)
}

/// The ordinary keys shorthand `name=value` sets (`tau_sym`: both bounds; `preset`: its run), or
/// why the value is not valid.
pub fn shorthand_keys(name: &str, value: &str) -> Result<Vec<(String, String)>, String> {
    match name {
        "tau_sym" => symmetric_range(value).map(Vec::from),
        "preset" => match keys_of(value) {
            Some(q) => Ok(super::split_query(q)),
            None if value == "none" => Ok(Vec::new()),
            None => Err(format!("unknown preset {value:?}")),
        },
        other => Err(format!("{other} is not a shorthand")),
    }
}

/// `tau_sym=τ` as the keys it stands for, or why τ is not a valid range.
pub fn symmetric_range(value: &str) -> Result<[(String, String); 2], String> {
    let tau = value.trim().parse::<f64>().ok().filter(|t| t.is_finite() && (1e-3..=1e6).contains(t));
    let tau = tau.ok_or_else(|| "expected a number from 0.001 to 1e6, the bounds ±τ (ignored)".to_string())?;
    let text = super::fmt_f64(tau);
    Ok([("tau_max".into(), text.clone()), ("tau_min".into(), format!("-{text}"))])
}

/// `pairs` with every `preset=…` and `tau_sym=…` replaced by its keys, placed first so keys given
/// beside them win (a preset's before a `tau_sym`'s). An unknown preset or a malformed range is
/// an error (lenient: a notice, and it is dropped).
pub(super) fn expand(
    pairs: &[(String, String)],
    lenient: bool,
    notices: &mut Notices,
) -> Result<Vec<(String, String)>, ScenarioError> {
    let mut head = Vec::new();
    let mut ranges = Vec::new();
    let mut rest = Vec::new();
    for (k, v) in pairs {
        if k == "tau_sym" {
            match symmetric_range(v) {
                Ok(keys) => ranges.extend(keys.into_iter().filter(|(key, _)| !pairs.iter().any(|(g, _)| g == key))),
                Err(message) if lenient => notices.push(ScenarioError { key: k.clone(), value: v.clone(), message }),
                Err(message) => return Err(ScenarioError { key: k.clone(), value: v.clone(), message }),
            }
            continue;
        }
        if k != "preset" {
            rest.push((k.clone(), v.clone()));
            continue;
        }
        match keys_of(v) {
            Some(q) => {
                let given = |key: &str| pairs.iter().any(|(k, _)| k == key);
                // The preset's keys only make sense on its own problem.
                if let Some((_, p)) =
                    pairs.iter().find(|(k, p)| k == "problem" && !q.contains(&format!("problem={p}&")))
                {
                    let e = ScenarioError {
                        key: k.clone(),
                        value: v.clone(),
                        message: format!("this preset is for problem=mnist, not problem={p} (ignored)"),
                    };
                    if !lenient {
                        return Err(e);
                    }
                    notices.push(e);
                    continue;
                }
                head.extend(super::split_query(q).into_iter().filter(|(k, _)| !given(k)));
            }
            None if v == "none" => {}
            None => {
                let e = ScenarioError {
                    key: k.clone(),
                    value: v.clone(),
                    message: "unknown preset (allowed: none, paper-fcn, paper-cnn; ignored)".into(),
                };
                if !lenient {
                    return Err(e);
                }
                notices.push(e);
            }
        }
    }
    // A range given beside a preset wins over the preset's.
    head.retain(|(k, _)| !ranges.iter().any(|(r, _): &(String, String)| r == k));
    head.extend(ranges);
    head.extend(rest);
    Ok(head)
}

#[cfg(test)]
mod tests {
    use crate::sim::scenario::{DeviceKind, ProblemKind, PulseMode, Scenario};

    #[test]
    fn the_paper_preset_is_ordinary_keys_and_round_trips() {
        let s = Scenario::parse("preset=paper-fcn").unwrap();
        assert_eq!(s.problem, ProblemKind::Mnist);
        assert_eq!((s.device, s.tau_max, s.tau_min, s.pulses), (DeviceKind::SoftBounds, 0.7, -0.7, PulseMode::On));
        assert_eq!((s.inp_res, s.out_res, s.out_noise, s.bl, s.d2d, s.c2c), (7, 9, 0.06, 31, 0.3, 0.3));
        assert_eq!((s.alpha, s.fast_lr, s.beta, s.lr_step, s.lr_gamma), (0.05, 0.01, 0.05, 35, 0.1));
        assert_eq!((s.out_scaling, s.tile_inputs, s.c2c_mult), (1, 512, 0));
        let q = s.to_query();
        assert!(!q.contains("preset"), "{q}");
        assert_eq!(Scenario::parse(&q).unwrap(), s);
        // Keys beside the preset win, wherever they stand.
        let t = Scenario::parse("tau_max=0.5&preset=paper-fcn&tau_min=-0.5&epochs=40").unwrap();
        assert_eq!((t.tau_max, t.tau_min, t.epochs, t.inp_res), (0.5, -0.5, 40, 7));
        assert!(Scenario::parse("preset=bogus").unwrap_err().to_string().contains("unknown preset"));
        assert!(Scenario::parse("problem=digits&preset=paper-fcn")
            .unwrap_err()
            .to_string()
            .contains("for problem=mnist"));
        assert_eq!(Scenario::parse("problem=mnist&preset=paper-fcn").unwrap(), s);
    }

    #[test]
    fn tau_sym_sets_both_bounds_and_explicit_bounds_win() {
        let s = Scenario::parse("preset=paper-fcn&tau_sym=0.78").unwrap();
        assert_eq!((s.tau_max, s.tau_min), (0.78, -0.78));
        assert!(!s.to_query().contains("tau_sym"));
        let t = Scenario::parse("tau_sym=0.78&preset=paper-fcn&tau_min=-0.5").unwrap();
        assert_eq!((t.tau_max, t.tau_min), (0.78, -0.5));
        let u = Scenario::parse("problem=digits&device=softbounds&tau_sym=2").unwrap();
        assert_eq!((u.tau_max, u.tau_min), (2.0, -2.0));
        for bad in ["0", "-1", "x", "inf", "1e7"] {
            let e = Scenario::parse(&format!("device=softbounds&tau_sym={bad}")).unwrap_err().to_string();
            assert!(e.contains("0.001 to 1e6"), "{bad}: {e}");
        }
        let (lenient, notices) = Scenario::parse_lenient("device=softbounds&tau_sym=x");
        assert_eq!((lenient.tau_max, notices.len()), (1.0, 1));
    }
}

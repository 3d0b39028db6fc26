//! Cross-key rules of a scenario (list lengths, network widths, the batch against the training
//! set): strict parsing refuses a violation, lenient parsing repairs it and says so.

use super::{fmt_f64, Arch, Notices, ProblemKind, Scenario, ScenarioError};

/// The most inputs of a layer of the paper's CNN (its first fully connected layer, 32·4·4).
pub const CNN_WIDEST_INPUT: u64 = 512;

impl Scenario {
    /// Cross-key rules (list lengths). Lenient mode repairs them and reports.
    pub(super) fn check_consistency(&mut self, lenient: bool, notices: &mut Notices) -> Result<(), ScenarioError> {
        let mut problems: Vec<ScenarioError> = Vec::new();
        match self.problem {
            ProblemKind::Quadratic => {
                let n = self.wstar.len();
                for (name, list) in [("h", &mut self.h), ("w0", &mut self.w0)] {
                    if list.len() != n && list.len() != 1 {
                        let value = list.iter().map(|x| fmt_f64(*x)).collect::<Vec<_>>().join(",");
                        let repair = match (lenient, list.len() > n) {
                            (false, _) => "",
                            (true, true) => "; the extra values were dropped",
                            (true, false) => "; its last value was repeated for the missing coordinates",
                        };
                        let fix = *list.last().expect("lists are non-empty");
                        list.resize(n, fix);
                        let rule = if n == 1 {
                            "takes one value here, as w* has one coordinate".to_string()
                        } else {
                            format!("takes one value (for every coordinate) or {n} values, one per coordinate of w*")
                        };
                        problems.push(ScenarioError {
                            key: name.into(),
                            value,
                            message: format!("{name} {rule}{repair}"),
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
            ProblemKind::Digits | ProblemKind::Mnist => {
                if self.arch == Arch::Cnn && self.problem == ProblemKind::Digits {
                    self.arch = Arch::Fcn;
                    problems.push(ScenarioError {
                        key: "arch".into(),
                        value: "cnn".into(),
                        message: "the CNN needs 28×28 images: the 8×8 digits are too small for two 5×5 convolutions and two 2×2 poolings; use problem=mnist (back to fcn)".into(),
                    });
                } else if self.arch == Arch::Cnn && self.tile_inputs > 0 && self.tile_inputs < CNN_WIDEST_INPUT {
                    problems.push(ScenarioError {
                        key: "tile_inputs".into(),
                        value: self.tile_inputs.to_string(),
                        message: format!(
                            "the CNN maps each layer onto one tile (its widest, the first fully connected layer, has {CNN_WIDEST_INPUT} inputs; a 5×5 kernel's patch has 25 or 400): 0 or at least {CNN_WIDEST_INPUT} (set to 0)"
                        ),
                    });
                    self.tile_inputs = 0;
                }
                let value = self.layers.iter().map(|x| fmt_f64(*x)).collect::<Vec<_>>().join(",");
                let mut message = Vec::new();
                if self.layers.iter().any(|w| w.fract() != 0.0) {
                    message.push("widths must be whole numbers".to_string());
                    for w in &mut self.layers {
                        *w = w.round().max(1.0);
                    }
                }
                let (inputs, side) = (self.problem.input_width() as f64, (self.problem.input_width() as f64).sqrt());
                if self.layers.len() < 2 {
                    message.push("needs at least the input and output widths".to_string());
                    self.layers = vec![inputs, 10.0];
                }
                if self.layers[0] != inputs {
                    message.push(format!(
                        "the first width must be {inputs} ({side}×{side} pixels), not {}",
                        fmt_f64(self.layers[0])
                    ));
                    self.layers[0] = inputs;
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
                // The key's range covers MNIST's 8000 training images; a batch cannot exceed the set.
                let images: u64 = if self.problem == ProblemKind::Mnist { 8000 } else { 1437 };
                if self.batch > images {
                    problems.push(ScenarioError {
                        key: "batch".into(),
                        value: self.batch.to_string(),
                        message: format!(
                            "must be in [1, {images}] (the {images} training images of {}){}",
                            self.problem.key(),
                            if lenient { format!("; clamped to {images}") } else { String::new() }
                        ),
                    });
                    self.batch = images;
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
                        message: format!(
                            "w0 takes one value (for every weight) or {n} values, one per weight (D = dim = {n})"
                        ),
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
}

//! What a sweep measures: the metrics a cell reports for its problem, and every one of them for
//! a track ([`Measures`]), so a page can recolour a finished sweep without re-running it.

use crate::sim::scenario::ProblemKind;
use serde::{Deserialize, Serialize};

/// What a sweep's maps colour. Stepped problems (`quadratic`, `lsq`, `lower_bound`) default to
/// the averaged iterate's distance to the optimum — where the iterates settle, the quantity the
/// paper's theorems are about; networks to the final test accuracy.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Metric {
    /// ‖W̄ − w*‖ of the averaged iterate W̄ at the end (mean over seeds).
    AvgDistance,
    /// Mean f(W_k) − f* of the raw iterates over the tail steps (mean over seeds).
    TailLoss,
    /// f(W̄) − f* of the averaged iterate at the end (mean over seeds).
    AvgLoss,
    /// Mean ‖∇f(W_k)‖² over the tail steps, the theorems' quantity (mean over seeds).
    GradSq,
    /// Share of test images classified right after the last epoch, in [0, 1] (mean over seeds).
    Accuracy,
    /// The best test accuracy of any epoch, in [0, 1] (mean over seeds).
    BestAccuracy,
    /// Mean NLL on the test images after the last epoch (mean over seeds).
    TestLoss,
}

impl Metric {
    pub const ALL: [Metric; 7] = [
        Metric::AvgDistance,
        Metric::TailLoss,
        Metric::AvgLoss,
        Metric::GradSq,
        Metric::Accuracy,
        Metric::BestAccuracy,
        Metric::TestLoss,
    ];

    /// The default metric of a problem.
    pub fn of(problem: ProblemKind) -> Metric {
        if problem.is_network() {
            Metric::Accuracy
        } else {
            Metric::AvgDistance
        }
    }

    /// Whether the metric is measured on `problem`.
    pub fn applies_to(self, problem: ProblemKind) -> bool {
        let net = matches!(self, Metric::Accuracy | Metric::BestAccuracy | Metric::TestLoss);
        net == problem.is_network()
    }

    /// The metrics of `problem`, its default first.
    pub fn for_problem(problem: ProblemKind) -> Vec<Metric> {
        Metric::ALL.into_iter().filter(|m| m.applies_to(problem)).collect()
    }

    /// The name `--metric` and the link's `metric=` take.
    pub fn name(self) -> &'static str {
        match self {
            Metric::AvgDistance => "avg_distance",
            Metric::TailLoss => "tail_loss",
            Metric::AvgLoss => "avg_loss",
            Metric::GradSq => "grad_sq",
            Metric::Accuracy => "accuracy",
            Metric::BestAccuracy => "best_accuracy",
            Metric::TestLoss => "test_loss",
        }
    }

    /// Parses a metric name for `problem`; a clear message when it is unknown or does not apply.
    pub fn parse(name: &str, problem: ProblemKind) -> Result<Metric, String> {
        let names = || Metric::for_problem(problem).iter().map(|m| m.name()).collect::<Vec<_>>().join(", ");
        let m = Metric::ALL
            .into_iter()
            .find(|m| m.name() == name.trim())
            .ok_or_else(|| format!("metric {name:?}: unknown (on problem={} choose {})", problem.key(), names()))?;
        if !m.applies_to(problem) {
            return Err(format!("metric {}: not measured on problem={} (choose {})", m.name(), problem.key(), names()));
        }
        Ok(m)
    }

    /// What it is, in words (menus, colour bars).
    pub fn label(self) -> &'static str {
        match self {
            Metric::AvgDistance => "distance of the averaged iterate to the optimum ‖W̄ − w*‖",
            Metric::TailLoss => "raw iterate's tail loss f(W) − f*",
            Metric::AvgLoss => "averaged iterate's loss f(W̄) − f*",
            Metric::GradSq => "mean ‖∇f(W)‖² over the tail (the theorems' quantity)",
            Metric::Accuracy => "final test accuracy",
            Metric::BestAccuracy => "best test accuracy",
            Metric::TestLoss => "final test loss (NLL)",
        }
    }

    /// A short form for map titles.
    pub fn short(self) -> &'static str {
        match self {
            Metric::AvgDistance => "‖W̄ − w*‖",
            Metric::TailLoss => "tail f(W) − f*",
            Metric::AvgLoss => "f(W̄) − f*",
            Metric::GradSq => "tail ‖∇f‖²",
            Metric::Accuracy => "test accuracy",
            Metric::BestAccuracy => "best test accuracy",
            Metric::TestLoss => "test loss",
        }
    }

    /// The CSV column suffix (`<algo>_<column>`).
    pub fn column(self) -> &'static str {
        match self {
            Metric::AvgDistance => "avg_distance",
            Metric::TailLoss => "tail_loss",
            Metric::AvgLoss => "avg_loss",
            Metric::GradSq => "tail_grad_sq",
            Metric::Accuracy => "test_accuracy",
            Metric::BestAccuracy => "best_test_accuracy",
            Metric::TestLoss => "test_loss",
        }
    }

    pub fn higher_is_better(self) -> bool {
        matches!(self, Metric::Accuracy | Metric::BestAccuracy)
    }

    /// Whether Tiki-Taka is compared with Analog SGD as a difference in percentage points
    /// (accuracies) rather than a ratio.
    pub fn compares_by_difference(self) -> bool {
        self.higher_is_better()
    }

    /// The comparison's CSV column: `tt_over_analog` or `tt_minus_analog`.
    pub fn comparison_column(self) -> &'static str {
        if self.compares_by_difference() {
            "tt_minus_analog"
        } else {
            "tt_over_analog"
        }
    }
}

/// Every sweep metric of one track.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Measures {
    pub avg_distance: Option<f64>,
    pub tail_loss: Option<f64>,
    pub avg_loss: Option<f64>,
    pub grad_sq: Option<f64>,
    pub accuracy: Option<f64>,
    pub best_accuracy: Option<f64>,
    pub test_loss: Option<f64>,
}

impl Measures {
    /// The value of `m`, `None` when not measured or not finite.
    pub fn get(&self, m: Metric) -> Option<f64> {
        match m {
            Metric::AvgDistance => self.avg_distance,
            Metric::TailLoss => self.tail_loss,
            Metric::AvgLoss => self.avg_loss,
            Metric::GradSq => self.grad_sq,
            Metric::Accuracy => self.accuracy,
            Metric::BestAccuracy => self.best_accuracy,
            Metric::TestLoss => self.test_loss,
        }
        .filter(|v| v.is_finite())
    }

    /// Sets the value of `m`.
    pub fn set(&mut self, m: Metric, v: Option<f64>) {
        let slot = match m {
            Metric::AvgDistance => &mut self.avg_distance,
            Metric::TailLoss => &mut self.tail_loss,
            Metric::AvgLoss => &mut self.avg_loss,
            Metric::GradSq => &mut self.grad_sq,
            Metric::Accuracy => &mut self.accuracy,
            Metric::BestAccuracy => &mut self.best_accuracy,
            Metric::TestLoss => &mut self.test_loss,
        };
        *slot = v.filter(|v| v.is_finite());
    }
}

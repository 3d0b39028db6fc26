//! Parameter sweeps: a grid over two numeric keys of the vocabulary, every cell one
//! `playground run` of its scenario (same code, bit-identical summary), reduced to an
//! [`Outcome`]: per algorithm every [`Metric`] of its problem, of which the sweep's chosen one
//! colours the maps (by default the averaged iterate's distance to the optimum on the stepped
//! problems, the final test accuracy on networks).
//!
//! An axis is written `key=lo:hi:log|lin:n`, e.g. `tau=0.5:10:log:24`; the browser permalink
//! carries `sweep=tau:0.5:10:log:24,alpha:0.001:0.1:log:24`.

use crate::sim::algorithm::AlgorithmKind;
use crate::sim::network::NetSummary;
use crate::sim::scenario::{fmt_f64, key, shorthand_keys, Key, Kind, Scenario};
use crate::sim::{Experiment, ExperimentSummary, Summary};
use serde::{Deserialize, Serialize};

mod metric;
pub mod shard;

pub use metric::{Measures, Metric};

/// Most cells along one axis.
pub const MAX_CELLS_PER_AXIS: usize = 100;

/// One swept key and its values.
#[derive(Clone, Debug, PartialEq)]
pub struct Axis {
    pub key: &'static str,
    pub lo: f64,
    pub hi: f64,
    pub log: bool,
    pub n: usize,
}

fn spec(name: &str) -> Result<&'static Key, String> {
    let k = key(name).ok_or_else(|| format!("sweep axis {name:?}: unknown key"))?;
    match k.kind {
        Kind::Float { .. } | Kind::Int { .. } if k.name != "v" => Ok(k),
        _ => Err(format!("sweep axis {name}: not a numeric key")),
    }
}

impl Axis {
    /// Parses `key=lo:hi:log|lin:n` (also `key:lo:hi:…`). Values must be in the key's range; a
    /// log axis needs lo > 0.
    pub fn parse(text: &str) -> Result<Axis, String> {
        let (name, rest) =
            text.split_once(['=', ':']).ok_or_else(|| format!("sweep axis {text:?}: expected key=lo:hi:log|lin:n"))?;
        let k = spec(name.trim())?;
        let parts: Vec<&str> = rest.split(':').collect();
        if parts.len() != 4 {
            return Err(format!("sweep axis {text:?}: expected key=lo:hi:log|lin:n"));
        }
        let num = |s: &str| s.trim().parse::<f64>().ok().filter(|v| v.is_finite());
        let lo = num(parts[0]).ok_or_else(|| format!("sweep axis {name}: lo {:?} is not a number", parts[0]))?;
        let hi = num(parts[1]).ok_or_else(|| format!("sweep axis {name}: hi {:?} is not a number", parts[1]))?;
        let log = match parts[2] {
            "log" => true,
            "lin" | "linear" => false,
            other => return Err(format!("sweep axis {name}: scale {other:?} must be log or lin")),
        };
        let n: usize = parts[3]
            .trim()
            .parse()
            .ok()
            .filter(|n| (1..=MAX_CELLS_PER_AXIS).contains(n))
            .ok_or_else(|| format!("sweep axis {name}: n {:?} must be 1 … {MAX_CELLS_PER_AXIS}", parts[3]))?;
        let (min, max) = match k.kind {
            Kind::Float { min, max, .. } => (min, max),
            Kind::Int { min, max } => (min as f64, max as f64),
            _ => unreachable!("checked numeric"),
        };
        for v in [lo, hi] {
            if v < min || v > max {
                return Err(format!("sweep axis {name}: {} out of range (allowed: {})", fmt_f64(v), k.allowed()));
            }
        }
        if log && (lo <= 0.0 || hi <= 0.0) {
            return Err(format!("sweep axis {name}: a log axis needs positive bounds"));
        }
        Ok(Axis { key: k.name, lo, hi, log, n })
    }

    /// The `i`-th value (integers rounded for integer keys).
    pub fn value(&self, i: usize) -> f64 {
        let t = if self.n == 1 { 0.0 } else { i as f64 / (self.n - 1) as f64 };
        let mut v = if self.log { self.lo * (self.hi / self.lo).powf(t) } else { self.lo + (self.hi - self.lo) * t };
        if !v.is_finite() {
            // hi / lo overflowed (e.g. lo = 5e-324): interpolate the logarithms instead.
            v = (self.lo.ln() + t * (self.hi.ln() - self.lo.ln())).exp();
        }
        let v = v.clamp(self.lo.min(self.hi), self.lo.max(self.hi));
        match spec(self.key).map(|k| k.kind) {
            Ok(Kind::Int { .. }) => v.round(),
            _ => v,
        }
    }

    /// All values.
    pub fn values(&self) -> Vec<f64> {
        (0..self.n).map(|i| self.value(i)).collect()
    }

    /// The text form `key=lo:hi:log:n`.
    pub fn to_text(&self) -> String {
        format!(
            "{}={}:{}:{}:{}",
            self.key,
            fmt_f64(self.lo),
            fmt_f64(self.hi),
            if self.log { "log" } else { "lin" },
            self.n
        )
    }
}

/// A two-key sweep of a base scenario.
#[derive(Clone, Debug, PartialEq)]
pub struct Sweep {
    pub base: Scenario,
    pub x: Axis,
    pub y: Axis,
    /// What the maps colour and the CSV reports.
    pub metric: Metric,
}

/// One track's result in a cell.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AlgoOutcome {
    /// The track key of the summary: `analog`, `tt_pulse`, `analog_sample`, …
    pub algorithm: String,
    /// Every metric of the problem (so the page can switch metric without re-running).
    pub measures: Measures,
    /// Whether the track diverged (in any seed).
    pub diverged: bool,
}

/// The result of running one scenario to its end, reduced to the sweep's metrics: small,
/// serialisable (the browser's Web Workers send it back as JSON).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Outcome {
    /// The metric [`Outcome::value`] and the comparisons read.
    pub metric: Metric,
    /// Every track of the summary, in its order.
    pub algorithms: Vec<AlgoOutcome>,
}

impl Outcome {
    /// Every metric of a `quadratic`, `lsq` or `lower_bound` summary.
    pub fn from_summary(s: &Summary) -> Outcome {
        Outcome {
            metric: Metric::AvgDistance,
            algorithms: s
                .algorithms
                .iter()
                .map(|a| {
                    let mut measures = Measures::default();
                    measures.set(Metric::AvgDistance, Some(a.avg_distance));
                    measures.set(Metric::TailLoss, Some(a.tail_loss));
                    measures.set(Metric::AvgLoss, Some(a.avg_loss));
                    measures.set(Metric::GradSq, Some(a.tail_grad_sq));
                    AlgoOutcome { algorithm: a.algorithm.clone(), measures, diverged: a.diverged }
                })
                .collect(),
        }
    }

    /// Every metric of a network summary.
    pub fn from_net_summary(s: &NetSummary) -> Outcome {
        Outcome {
            metric: Metric::Accuracy,
            algorithms: s
                .algorithms
                .iter()
                .map(|a| {
                    let mut measures = Measures::default();
                    measures.set(Metric::Accuracy, Some(a.final_accuracy));
                    measures.set(Metric::BestAccuracy, Some(a.best_accuracy));
                    measures.set(Metric::TestLoss, a.epochs.last().map(|e| e.test_loss));
                    AlgoOutcome { algorithm: a.algorithm.clone(), measures, diverged: a.diverged }
                })
                .collect(),
        }
    }

    /// The same outcome read through metric `m`.
    pub fn with_metric(mut self, m: Metric) -> Outcome {
        self.metric = m;
        self
    }

    /// The track that stands for algorithm `a`: its expected-dynamic (per mini-batch) track if
    /// it runs in several forms, else its only one.
    pub fn track(&self, a: AlgorithmKind) -> Option<&AlgoOutcome> {
        let key = a.key();
        self.algorithms
            .iter()
            .find(|t| t.algorithm == key)
            // Its other forms (`tt_pulse`, `analog_sample`), not another algorithm (`ttv2`).
            .or_else(|| {
                self.algorithms.iter().find(|t| t.algorithm.strip_prefix(key).is_some_and(|r| r.starts_with('_')))
            })
    }

    /// The metric of algorithm `a`, `None` when it does not run or diverged.
    pub fn value(&self, a: AlgorithmKind) -> Option<f64> {
        self.track(a).filter(|t| !t.diverged).and_then(|t| t.measures.get(self.metric))
    }

    /// Whether algorithm `a` diverged.
    pub fn diverged(&self, a: AlgorithmKind) -> bool {
        self.track(a).is_some_and(|t| t.diverged)
    }

    /// The comparison of Tiki-Taka with Analog SGD on the metric: on accuracies Tiki-Taka's
    /// minus Analog SGD's in percentage points (above 0: Tiki-Taka better), otherwise
    /// Tiki-Taka's value over Analog SGD's (below 1: Tiki-Taka better).
    pub fn comparison(&self) -> Option<f64> {
        let (t, a) = (self.value(AlgorithmKind::TikiTaka)?, self.value(AlgorithmKind::Analog)?);
        Some(if self.metric.compares_by_difference() { 100.0 * (t - a) } else { t / a })
    }

    /// Whether Tiki-Taka did better than Analog SGD on the metric (`None` when either is missing).
    pub fn tiki_taka_better(&self) -> Option<bool> {
        let c = self.comparison()?;
        Some(if self.metric.compares_by_difference() { c > 0.0 } else { c < 1.0 })
    }
}

/// Runs `scenario` to its end, exactly as `playground run` does (every seed), and reduces its
/// summary to the sweep metric.
pub fn run_outcome(scenario: &Scenario) -> Outcome {
    let mut run = Experiment::new(scenario);
    run.run_to_end();
    Outcome::of(&run)
}

impl Outcome {
    /// The outcome of `experiment` so far (final once it is finished).
    pub fn of(experiment: &Experiment) -> Outcome {
        match experiment.summary() {
            ExperimentSummary::Stepped(s) => Outcome::from_summary(&s),
            ExperimentSummary::Epoched(s) => Outcome::from_net_summary(&s),
        }
    }
}

/// The result of one cell. The browser builds it on the main thread from an [`Outcome`] a
/// worker computed with [`run_outcome`].
#[derive(Clone, Debug, PartialEq)]
pub struct Cell {
    pub i: usize,
    pub j: usize,
    pub scenario: Scenario,
    pub outcome: Outcome,
}

impl Cell {
    /// See [`Outcome::value`].
    pub fn value(&self, a: AlgorithmKind) -> Option<f64> {
        self.outcome.value(a)
    }
    /// See [`Outcome::diverged`].
    pub fn diverged(&self, a: AlgorithmKind) -> bool {
        self.outcome.diverged(a)
    }
    /// See [`Outcome::comparison`].
    pub fn comparison(&self) -> Option<f64> {
        self.outcome.comparison()
    }
}

impl Sweep {
    /// A sweep of `base` over two different keys that apply to it.
    pub fn new(base: Scenario, x: Axis, y: Axis) -> Result<Sweep, String> {
        if x.key == y.key {
            return Err(format!("sweep axes must differ (both are {})", x.key));
        }
        for a in [&x, &y] {
            let k = spec(a.key)?;
            if !(k.applies)(&base) {
                return Err(format!("sweep axis {}: the key does not apply to this scenario", a.key));
            }
        }
        let metric = Metric::of(base.problem);
        let sweep = Sweep { base, x, y, metric };
        // Every cell must be a valid scenario (a cross-key rule can fail inside the ranges, e.g.
        // batch above the training set, dim against the length of w0).
        for j in 0..sweep.y.n {
            for i in 0..sweep.x.n {
                sweep.try_cell_scenario(i, j)?;
            }
        }
        Ok(sweep)
    }

    /// The sweep measured by `metric` (refused when the problem does not measure it).
    pub fn with_metric(mut self, metric: Metric) -> Result<Sweep, String> {
        Metric::parse(metric.name(), self.base.problem)?;
        self.metric = metric;
        Ok(self)
    }

    /// Number of cells.
    pub fn len(&self) -> usize {
        self.x.n * self.y.n
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// (i, j) of the cell with linear index `c` (row-major in y, so rows fill bottom to top).
    pub fn index(&self, c: usize) -> (usize, usize) {
        (c % self.x.n, c / self.x.n)
    }

    /// The scenario of cell (i, j): the base with the two keys set, in canonical form.
    pub fn cell_scenario(&self, i: usize, j: usize) -> Scenario {
        self.try_cell_scenario(i, j).expect("Sweep::new checked every cell")
    }

    fn try_cell_scenario(&self, i: usize, j: usize) -> Result<Scenario, String> {
        let mut s = self.base.clone();
        for (axis, idx) in [(&self.x, i), (&self.y, j)] {
            let k = key(axis.key).ok_or_else(|| format!("sweep axis {}: unknown key", axis.key))?;
            let v = axis.value(idx);
            // Integer keys are written as integers (1000000, not 1e6).
            let text = if matches!(k.kind, Kind::Int { .. }) { format!("{}", v as u64) } else { fmt_f64(v) };
            if !k.field {
                // A shorthand stores nothing itself: set the keys it stands for.
                let fail = |e: String| format!("sweep axis {}={text}: {e}", k.name);
                for (name, value) in shorthand_keys(k.name, &text).map_err(fail)? {
                    let target = key(&name).ok_or_else(|| fail(format!("{name} is not a key")))?;
                    target.set_text(&mut s, &value).map_err(|e| fail(e.to_string()))?;
                }
                continue;
            }
            k.set_text(&mut s, &text).map_err(|e| format!("sweep axis {}={text}: {e}", axis.key))?;
        }
        Scenario::parse(&s.to_query()).map_err(|e| {
            format!(
                "sweep cell {}={}, {}={}: {e}",
                self.x.key,
                fmt_f64(self.x.value(i)),
                self.y.key,
                fmt_f64(self.y.value(j))
            )
        })
    }

    /// The metric of every cell.
    pub fn metric(&self) -> Metric {
        self.metric
    }

    /// Runs cell (i, j) exactly as `playground run` does.
    pub fn run_cell(&self, i: usize, j: usize) -> Cell {
        let scenario = self.cell_scenario(i, j);
        Cell { i, j, outcome: run_outcome(&scenario).with_metric(self.metric), scenario }
    }

    /// Runs every cell on `threads` threads (natively); cells come back in index order.
    pub fn run_all(&self, threads: usize) -> Vec<Cell> {
        let all: Vec<usize> = (0..self.len()).collect();
        self.run_cells(&all, threads, &|_| {})
    }

    /// Runs the cells with linear indices `indices` (see [`Sweep::index`]) on `threads` threads
    /// (natively), calling `on_cell` from the worker as each one finishes (a progress bar); cells
    /// come back in index order.
    pub fn run_cells(&self, indices: &[usize], threads: usize, on_cell: &(dyn Fn(&Cell) + Sync)) -> Vec<Cell> {
        crate::sim::pool::par_map(indices, threads, |&c| {
            let (i, j) = self.index(c);
            let cell = self.run_cell(i, j);
            on_cell(&cell);
            cell
        })
    }

    /// The grid as CSV: the two keys, then per algorithm its metric and whether it diverged
    /// (`<algo>_avg_distance,<algo>_diverged`, …; accuracies in [0, 1]), then the comparison:
    /// `tt_over_analog` (a ratio) or, for accuracies, `tt_minus_analog` (percentage points).
    pub fn csv(&self, cells: &[Cell]) -> String {
        let mut out = self.csv_header();
        for c in cells {
            out.push_str(&self.csv_row(c));
        }
        out
    }

    /// The tracks the CSV has columns for: every algorithm the base scenario runs.
    pub fn csv_algorithms(&self) -> Vec<AlgorithmKind> {
        AlgorithmKind::ALL.into_iter().filter(|a| self.base.runs(*a)).collect()
    }

    /// The CSV's header line (with its newline).
    pub fn csv_header(&self) -> String {
        let metric = self.metric();
        let mut out = format!("{},{}", self.x.key, self.y.key);
        for a in self.csv_algorithms() {
            out.push_str(&format!(",{k}_{m},{k}_diverged", k = a.key(), m = metric.column()));
        }
        out.push_str(&format!(",{}\n", metric.comparison_column()));
        out
    }

    /// One cell's CSV line (with its newline). Values are written in Rust's shortest round-trip
    /// form, so reading them back gives the same bits ([`shard`] relies on this).
    pub fn csv_row(&self, c: &Cell) -> String {
        let mut out = format!("{},{}", fmt_f64(self.x.value(c.i)), fmt_f64(self.y.value(c.j)));
        for a in self.csv_algorithms() {
            let v = c.value(a).map_or(String::new(), |v| format!("{v:e}"));
            out.push_str(&format!(",{v},{}", c.diverged(a)));
        }
        let r = c.outcome.comparison().map_or(String::new(), |v| format!("{v:e}"));
        out.push_str(&format!(",{r}\n"));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn axes_parse_and_reject_with_reasons() {
        let a = Axis::parse("tau=0.5:10:log:24").unwrap();
        assert_eq!(a.values().len(), 24);
        assert!((a.value(0) - 0.5).abs() < 1e-15 && (a.value(23) - 10.0).abs() < 1e-12);
        assert_eq!(Axis::parse(&a.to_text()).unwrap(), a);
        assert_eq!(Axis::parse("every=1:10:lin:4").unwrap().values(), vec![1.0, 4.0, 7.0, 10.0]);
        for (bad, needle) in [
            ("nope=1:2:lin:3", "unknown key"),
            ("problem=1:2:lin:3", "not a numeric key"),
            ("tau=0:2:log:3", "out of range"),
            ("sp=-1:1:log:3", "positive"),
            ("tau=1:2:cubic:3", "log or lin"),
            ("tau=1:2:lin:0", "n"),
            ("tau=1:2", "expected"),
        ] {
            let e = Axis::parse(bad).unwrap_err();
            assert!(e.contains(needle), "{bad}: {e}");
        }
        let base = Scenario::parse("device=ideal").unwrap();
        let e = Sweep::new(base, Axis::parse("tau=1:2:lin:2").unwrap(), Axis::parse("alpha=0.1:0.2:lin:2").unwrap());
        assert!(e.unwrap_err().contains("does not apply"));
    }
}

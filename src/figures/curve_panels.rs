//! The curve panels' data (f − f* and the distance of the averaged iterate): which record a panel
//! draws, its theory lines, its y range and axes, and the per-pixel-column bands of each track.

use super::loss::{LossAxes, TheoryLine};
use super::moving::Band;
use super::{decade_range, Mapping, Theme};
use crate::sim::algorithm::AlgorithmKind;
use crate::sim::problem::Problem;
use crate::sim::record::{Column, History};
use crate::sim::run::Track;
use crate::sim::{Ensemble, Run, Scenario};

/// Which per-step record a curve panel draws.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Curve {
    /// f(W_k) − f*, on the page's step axis (linear or log).
    Loss,
    /// ‖W̄_k − w*‖ of the averaged iterate, on log axes.
    Distance,
}

impl Curve {
    pub fn history(self, t: &Track) -> &History {
        match self {
            Curve::Loss => &t.loss,
            Curve::Distance => &t.distance,
        }
    }
}

/// The loss panel's bold line: the averaged iterate's f(W̄_k) − f*, where the iterates settle
/// (the raw iterates' f(W_k) − f* is the faint band under it).
pub fn avg_loss_history(t: &Track) -> &History {
    &t.avg_loss
}

fn dist(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| (x - y).powi(2)).sum::<f64>().sqrt()
}

/// The first two coordinates of a point (a 1-D point sits at y = 0).
pub fn point2(v: &[f64]) -> [f64; 2] {
    [v.first().copied().unwrap_or(0.0), v.get(1).copied().unwrap_or(0.0)]
}

/// The theory lines of the loss panel.
pub fn loss_lines(s: &Scenario, run: &Run, theme: &Theme) -> Vec<TheoryLine> {
    let t = &run.theory;
    let mut lines = Vec::new();
    if s.runs(AlgorithmKind::Digital) {
        if let Some(v) = t.digital_floor {
            lines.push(TheoryLine {
                label: "Digital SGD raw noise floor (theory)".into(),
                value: v,
                color: theme.digital,
            });
        }
    }
    if let (true, Some(w), Problem::LowerBound(b)) = (s.runs(AlgorithmKind::Analog), t.lower_bound_w, &run.problem) {
        let bias = 0.5 * b.curvature * (w - b.wstar).powi(2) * b.dim as f64;
        lines.push(TheoryLine {
            label: "Analog SGD stationary point (theory)".into(),
            value: bias,
            color: theme.analog,
        });
    }
    if s.runs(AlgorithmKind::Analog) {
        // The bold curves are the averaged iterates', so the line to compare with is the loss
        // at Analog SGD's stationary point ◇ itself: its bias, without the raw noise floor.
        if let Some(bias) = t.analog_stationary_loss {
            lines.push(TheoryLine {
                label: "Analog SGD's ◇: f(◇) − f* (theory)".into(),
                value: bias,
                color: theme.analog,
            });
        }
    }
    lines
}

/// Analog SGD's theory bias: the distance of its stationary point to the optimum.
pub fn distance_lines(s: &Scenario, run: &Run, theme: &Theme) -> Vec<TheoryLine> {
    if !s.runs(AlgorithmKind::Analog) {
        return vec![];
    }
    let t = &run.theory;
    let bias = match (&t.analog_stationary_w, t.lower_bound_w) {
        (Some(w), _) => Some(dist(w, &run.optimum)),
        (None, Some(w)) => Some(dist(&vec![w; run.optimum.len()], &run.optimum)),
        _ => None,
    };
    bias.filter(|b| b.is_finite() && *b > 0.0)
        .map(|value| TheoryLine { label: "Analog SGD bias (theory)".into(), value, color: theme.analog })
        .into_iter()
        .collect()
}

/// A curve panel's y range: from the start value down three decades and around every theory
/// line, widened to every recorded value (noise dips clipped two decades under the lowest
/// line), in whole decades. It only grows as the run goes on.
pub fn curve_y_range(run: &Run, curve: Curve, lines: &[TheoryLine]) -> (f64, f64) {
    let start = run.problem.start();
    let (first, below) = match curve {
        Curve::Loss => {
            let mut scratch = vec![0.0; start.len()];
            let mut grad = vec![0.0; start.len()];
            (run.problem.eval(&start, &mut scratch, &mut grad), 0.3)
        }
        Curve::Distance => (dist(&start, &run.optimum), 0.1),
    };
    let mut hi = first.max(1e-3);
    let mut lo = hi * 1e-3;
    for l in lines.iter().filter(|l| l.value.is_finite() && l.value > 0.0) {
        lo = lo.min(l.value * below);
        hi = hi.max(l.value * 3.0);
    }
    let (mut lo, mut hi) = decade_range(lo, hi);
    let histories = run.tracks.iter().flat_map(|t| {
        let avg = (curve == Curve::Loss).then(|| avg_loss_history(t));
        std::iter::once(curve.history(t)).chain(avg)
    });
    for history in histories {
        for b in history.buckets() {
            if b.max.is_finite() && b.max > hi {
                hi = b.max;
            }
            if b.min.is_finite() && b.min > 0.0 && b.min < lo {
                lo = b.min;
            }
        }
    }
    let floor = lines.iter().map(|l| l.value).filter(|v| v.is_finite() && *v > 0.0).fold(f64::INFINITY, f64::min);
    let lo = if floor.is_finite() { lo.max(floor * 1e-2) } else { lo.max(hi * 1e-12) };
    decade_range(lo, hi)
}

/// The axes of a curve panel.
pub fn curve_axes(s: &Scenario, run: &Run, curve: Curve, lines: Vec<TheoryLine>, log_x: bool) -> LossAxes {
    LossAxes {
        steps: s.steps,
        log_x: curve == Curve::Distance || log_x,
        y_range: curve_y_range(run, curve, &lines),
        y_title: match curve {
            Curve::Loss => "f − f*",
            Curve::Distance => "‖W̄ − w*‖",
        },
        lines,
        labels: false,
    }
}

/// Track `k`'s curve as pixel columns: one seed — the column mean inside its min–max envelope
/// (spikes stay visible); several seeds — mean ± 1 std of the seeds' column means.
pub fn curve_bands(
    ens: &Ensemble,
    k: usize,
    curve: Curve,
    m: &Mapping,
    steps: u64,
    cols: &mut Vec<Column>,
) -> Vec<Band> {
    series_bands(ens, k, |t| curve.history(t), m, steps, cols)
}

/// One track's series as pixel columns (x pixel, min, mean, max), for a single run (the page's
/// ghost of the previous run).
pub fn track_band(history: &History, m: &Mapping, steps: u64, cols: &mut Vec<Column>) -> Vec<Band> {
    let columns = m.width().max(1.0) as usize;
    if m.log_x {
        let col_of = |s: u64| ((m.px(s as f64 + 1.0) - m.rect.0).max(0.0)) as usize;
        history.columns_by(0, steps, columns, col_of, cols);
    } else {
        history.columns(0, steps, columns, cols);
    }
    cols.iter()
        .map(|c| {
            let x = if m.log_x { m.px(c.step as f64 + 1.0) } else { m.px(c.step as f64) };
            (x.max(m.rect.0 + c.column as f64), c.min, c.mean(), c.max)
        })
        .collect()
}

/// As [`curve_bands`] for any per-step series of a track (`pick`), e.g. [`avg_loss_history`].
pub fn series_bands(
    ens: &Ensemble,
    k: usize,
    pick: impl Fn(&Track) -> &History,
    m: &Mapping,
    steps: u64,
    cols: &mut Vec<Column>,
) -> Vec<Band> {
    let bands: Vec<Vec<Band>> = ens.runs.iter().map(|run| track_band(pick(&run.tracks[k]), m, steps, cols)).collect();
    // One seed: the column mean inside its min–max envelope; several: mean ± 1 std of the
    // seeds' column means.
    if let [one] = bands.as_slice() {
        return one.clone();
    }
    let n = bands.iter().map(Vec::len).min().unwrap_or(0);
    (0..n)
        .map(|i| {
            let (mean, std) = crate::sim::numeric::seed_mean_sd(&bands.iter().map(|b| b[i].2).collect::<Vec<_>>());
            (bands[0][i].0, mean - std, mean, mean + std)
        })
        .collect()
}

//! The panels of a stepped run (landscape or 1-D view, weights, loss, distance, device), each
//! drawn whole — static layer and moving layer — with plotters. The app's SVG buttons and
//! `playground figure` call the same [`panel_svg`], so a figure from the command line equals
//! the one the page exports for the same scenario and step. The live page draws the moving
//! layers on a canvas itself (per frame, cheaper), but from the same views, ranges, theory
//! lines and column bands defined here.

pub use super::curve_panels::{
    avg_loss_history, curve_axes, curve_bands, curve_y_range, distance_lines, loss_lines, point2, series_bands,
    track_band, Curve,
};
use super::landscape::{draw_contour_bands, draw_landmarks, draw_landscape_overlay, Landscape, ViewBox};
use super::legend::{draw_legend, draw_title, legend_height, title_height, title_lines, Entry, Glyph};
use super::line::{draw_line_static, Line1d};
use super::loss::{draw_loss_axes, draw_theory_labels};
pub use super::moving::Band;
pub use super::moving::Emphasis;
use super::moving::{draw_band, draw_landscape_moving, draw_line_moving, draw_marker};
use super::weights::draw_weights_axes;
use super::{FigureError, Mapping, Theme};
use crate::sim::algorithm::AlgorithmKind;
use crate::sim::run::{Track, AVERAGE_WINDOW};
use crate::sim::{Ensemble, Run, Scenario};
use plotters::coord::Shift;
use plotters::prelude::*;

/// A panel of the stepped problems' view, by its `panel=` name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PanelKind {
    /// The 2-D landscape, or the 1-D view f(w) for a one-coordinate quadratic.
    Landscape,
    /// Each weight against its optimum (problems with more than two weights).
    Weights,
    Loss,
    Distance,
    Device,
}

impl PanelKind {
    pub const ALL: [PanelKind; 5] =
        [PanelKind::Landscape, PanelKind::Weights, PanelKind::Loss, PanelKind::Distance, PanelKind::Device];

    pub fn name(self) -> &'static str {
        match self {
            PanelKind::Landscape => "landscape",
            PanelKind::Weights => "weights",
            PanelKind::Loss => "loss",
            PanelKind::Distance => "distance",
            PanelKind::Device => "device",
        }
    }

    pub fn from_name(s: &str) -> Option<PanelKind> {
        Self::ALL.into_iter().find(|p| p.name() == s)
    }

    /// Whether the page shows this panel for `scenario` (the landscape for 1-D and 2-D
    /// quadratics, the weights view for the others).
    pub fn shown_for(self, scenario: &Scenario) -> bool {
        let small = scenario.problem == crate::sim::scenario::ProblemKind::Quadratic && scenario.wstar.len() <= 2;
        match self {
            PanelKind::Landscape => small,
            PanelKind::Weights => !small,
            _ => true,
        }
    }
}

/// How a panel is drawn besides the run.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PanelOptions {
    pub theme: Theme,
    /// The loss panel's step axis on a log scale (the distance panel's always is).
    pub log_x: bool,
    /// The landscape shows the whole device range instead of zooming to the action.
    pub full_range: bool,
}

impl Default for PanelOptions {
    fn default() -> Self {
        PanelOptions { theme: Theme::LIGHT, log_x: false, full_range: false }
    }
}

/// Where the averaged iterates' markers are drawn, in pixels (the landmarks' labels keep clear).
pub fn average_markers(run: &Run, m: &Mapping) -> Vec<(f64, f64)> {
    run.tracks
        .iter()
        .filter(|t| t.algo.k > 0)
        .map(|t| (m.px(t.average.mean[0]), m.py(t.average.mean.get(1).copied().unwrap_or(0.0))))
        .filter(|p| m.contains(p.0, p.1))
        .collect()
}

/// The window that holds w*, W₀, the symmetric point and (when not huge) the device range.
pub fn full_view(s: &Scenario, run: &Run) -> ViewBox {
    let w0 = point2(&(0..s.wstar.len()).map(|i| s.w0_at(i)).collect::<Vec<_>>());
    let wstar = point2(&s.wstar);
    if s.wstar.len() == 1 {
        // Only x matters: fit it as the diagonal of a square.
        Landscape::fit_view([wstar[0]; 2], [w0[0]; 2], run.device.range())
    } else {
        Landscape::fit_view(wstar, w0, run.device.range())
    }
}

/// The zoomed window at the start of a run: w*, Analog SGD's theory point, an off-zero
/// symmetric point (where the iterates are pulled), and the noise cloud: about three stationary
/// standard deviations of SGD's iterate, √(ασ²/2h) per coordinate. A noise-free run's action
/// is its path, so W₀ joins then. (The 1-D view uses the x part.)
pub fn action_view(s: &Scenario, run: &Run) -> ViewBox {
    let dim = s.wstar.len();
    let mut points = vec![point2(&s.wstar)];
    if s.runs(AlgorithmKind::Analog) {
        if let Some(w) = &run.theory.analog_stationary_w {
            points.push(point2(w));
        }
    }
    if let Some(sp) = run.device.symmetric_point().filter(|sp| sp.abs() > 1e-12) {
        if s.runs(AlgorithmKind::Analog) || s.runs(AlgorithmKind::TikiTaka) {
            points.push(if dim == 1 { [sp, 0.0] } else { [sp, sp] });
        }
    }
    if s.sigma == 0.0 {
        points.push(point2(&(0..dim).map(|i| s.w0_at(i)).collect::<Vec<_>>()));
    }
    let h_min = (0..dim).map(|i| s.h_at(i)).fold(f64::INFINITY, f64::min).max(1e-12);
    let spread = 3.0 * (s.alpha * s.sigma * s.sigma / (2.0 * h_min)).sqrt();
    let view = Landscape::action_view(&points, spread);
    let full = full_view(s, run);
    // Never wider than the full-range view.
    if view.1 - view.0 > full.1 - full.0 {
        full
    } else {
        view
    }
}

/// `view` widened where an averaged iterate has settled (past its first window of steps)
/// outside it.
pub fn follow_averages(view: ViewBox, run: &Run) -> ViewBox {
    run.tracks
        .iter()
        .filter(|t| t.average.count() >= AVERAGE_WINDOW)
        .fold(view, |v, t| Landscape::grow_to(v, point2(&t.average.mean)))
}

/// What the 2-D landscape's static layer shows, in window `view`.
pub fn landscape_spec(s: &Scenario, run: &Run, view: ViewBox) -> Landscape {
    Landscape {
        h: [s.h_at(0), s.h_at(1)],
        wstar: point2(&s.wstar),
        w0: [s.w0_at(0), s.w0_at(1)],
        range: run.device.range(),
        symmetric_point: run.device.symmetric_point(),
        analog_theory: if s.runs(AlgorithmKind::Analog) {
            run.theory.analog_stationary_w.as_ref().map(|w| point2(w))
        } else {
            None
        },
        view,
    }
}

/// What the 1-D view's static layer shows, in the x part of window `view`.
pub fn line_spec(s: &Scenario, run: &Run, view: ViewBox) -> Line1d {
    Line1d {
        h: s.h_at(0),
        wstar: s.wstar[0],
        w0: s.w0_at(0),
        range: run.device.range(),
        symmetric_point: run.device.symmetric_point(),
        analog_theory: if s.runs(AlgorithmKind::Analog) {
            run.theory.analog_stationary_w.as_ref().map(|w| w[0])
        } else {
            None
        },
        view: (view.0, view.1),
    }
}

/// The weights view's range (all optima and 0, padded) and Analog SGD's theory level, if any.
pub fn weights_range(run: &Run) -> ((f64, f64), Option<f64>) {
    let opt = &run.optimum;
    let lo = opt.iter().cloned().fold(f64::INFINITY, f64::min).min(0.0);
    let hi = opt.iter().cloned().fold(f64::NEG_INFINITY, f64::max).max(0.0);
    let pad = 0.15 * (hi - lo).max(0.2);
    ((lo - pad, hi + pad), run.theory.lower_bound_w)
}

/// Draws panel `kind` of the ensemble's current state on `area` (scale 1).
pub fn render_panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    kind: PanelKind,
    ens: &Ensemble,
    opts: &PanelOptions,
) -> Result<(), FigureError> {
    let run = ens.first();
    let s = &run.scenario;
    let theme = &opts.theme;
    let (w, h) = area.dim_in_pixel();
    match kind {
        PanelKind::Landscape if s.wstar.len() == 1 => {
            let view = if opts.full_range { full_view(s, run) } else { follow_averages(action_view(s, run), run) };
            let spec = line_spec(s, run, view);
            let m = draw_line_static(area, &spec, theme, 1.0)?;
            draw_line_moving(area, &m, &spec, run, theme)
        }
        PanelKind::Landscape => {
            let view = if opts.full_range { full_view(s, run) } else { follow_averages(action_view(s, run), run) };
            let spec = landscape_spec(s, run, view);
            let m = spec.mapping(w as f64, h as f64, 1.0);
            super::clear(area, theme)?;
            draw_contour_bands(area, &spec, &m, theme)?;
            let m = draw_landscape_overlay(area, &spec, theme, 1.0, false)?;
            draw_landscape_moving(area, &m, run, theme)?;
            draw_landmarks(area, &spec, &m, &average_markers(run, &m), theme, 1.0)
        }
        PanelKind::Weights => {
            let (range, level) = weights_range(run);
            let m = draw_weights_axes(area, range, level, theme, 1.0)?;
            for t in &run.tracks {
                for (wi, o) in t.algo.w.iter().zip(&run.optimum) {
                    let p = (m.px(*o), m.py(wi.clamp(m.y_range.0, m.y_range.1)));
                    draw_marker(area, t.algo.kind, t.algo.pulsed(), p, 4.5, theme)?;
                }
            }
            Ok(())
        }
        PanelKind::Loss | PanelKind::Distance => {
            let curve = if kind == PanelKind::Loss { Curve::Loss } else { Curve::Distance };
            let lines = if curve == Curve::Loss { loss_lines(s, run, theme) } else { distance_lines(s, run, theme) };
            // The theory lines' labels go on last, over the curves.
            let axes = curve_axes(s, run, curve, lines, opts.log_x);
            let m = draw_loss_axes(area, &axes, theme, 1.0)?;
            let mut cols = Vec::new();
            let seeds = ens.runs.len() > 1;
            // On the loss panel the raw iterates recede (a faint band and line) under the bold
            // averaged iterate's f(W̄) − f*.
            let raw = if curve == Curve::Loss { Emphasis::Faint } else { Emphasis::Bold };
            for (k, t) in run.tracks.iter().enumerate() {
                let band = curve_bands(ens, k, curve, &m, s.steps, &mut cols);
                draw_band(area, &m, &band, t.algo.kind, t.algo.pulsed(), seeds, raw, theme)?;
            }
            if curve == Curve::Loss {
                for (k, t) in run.tracks.iter().enumerate() {
                    let band = series_bands(ens, k, avg_loss_history, &m, s.steps, &mut cols);
                    let line: Vec<Band> = band.iter().map(|b| (b.0, b.2, b.2, b.2)).collect();
                    draw_band(area, &m, &line, t.algo.kind, t.algo.pulsed(), seeds, Emphasis::Bold, theme)?;
                }
            }
            draw_theory_labels(area, &axes, &m, theme, 1.0)
        }
        PanelKind::Device => {
            let samples = super::device::variation_samples(&run.device, s.d2d, s.device_seed, 16);
            super::device::draw_device(area, &run.device, &samples, theme, 1.0).map(|_| ())
        }
    }
}

/// A panel's title: what it draws and how to read it (the page's panel heading, and the title
/// strip of its exported figure).
pub fn panel_title(kind: PanelKind, s: &Scenario, seeds: usize) -> String {
    match kind {
        PanelKind::Landscape if s.wstar.len() == 1 => "f(w) and the averaged iterates".into(),
        PanelKind::Landscape => "Loss landscape and trajectories".into(),
        PanelKind::Weights => "Weights against their optimum".into(),
        PanelKind::Loss if seeds > 1 => format!(
            "Loss f − f* with theory: bold, the averaged iterate's f(W̄) − f*; faint, the raw iterates (mean ± 1 std over {seeds} noise seeds)"
        ),
        PanelKind::Loss => {
            "Loss f − f* with theory: bold, the averaged iterate's f(W̄) − f*; faint, the raw iterates (mean and range)"
                .into()
        }
        PanelKind::Distance => {
            "Distance of the averaged iterate to w* (log axes) with Analog SGD's theory bias".into()
        }
        PanelKind::Device => "Device response".into(),
    }
}

/// The legend of panel `kind`: each algorithm's mark, and on the landscape the landmarks.
pub fn panel_legend(kind: PanelKind, run: &Run) -> Vec<Entry> {
    let s = &run.scenario;
    let name = |t: &Track| {
        if t.algo.pulsed() {
            format!("{} (pulse level)", t.algo.kind.label())
        } else {
            t.algo.kind.label().to_string()
        }
    };
    let track = |t: &Track, marker: bool| Glyph::Track { kind: t.algo.kind, pulsed: t.algo.pulsed(), marker };
    let mut entries: Vec<Entry> = match kind {
        PanelKind::Device => return vec![],
        PanelKind::Landscape | PanelKind::Weights => {
            run.tracks.iter().map(|t| Entry { glyph: track(t, true), label: name(t) }).collect()
        }
        PanelKind::Loss => run
            .tracks
            .iter()
            .map(|t| Entry { glyph: track(t, false), label: format!("{}: f(W̄) − f*", name(t)) })
            .collect(),
        PanelKind::Distance => run
            .tracks
            .iter()
            .map(|t| Entry { glyph: track(t, false), label: format!("{}: ‖W̄ − w*‖", name(t)) })
            .collect(),
    };
    match kind {
        PanelKind::Loss => {
            if let Some(t) = run.tracks.first() {
                entries.push(Entry { glyph: Glyph::Band(t.algo.kind), label: "faint: the raw iterates".into() });
            }
        }
        PanelKind::Landscape => {
            entries.push(Entry { glyph: Glyph::Optimum, label: "w* (optimum)".into() });
            if run.theory.analog_stationary_w.is_some()
                && run.tracks.iter().any(|t| t.algo.kind == AlgorithmKind::Analog)
            {
                entries.push(Entry { glyph: Glyph::Theory, label: "Analog SGD theory point".into() });
            }
            if s.wstar.len() == 2 && run.device.symmetric_point().is_some() {
                entries.push(Entry { glyph: Glyph::Symmetric, label: "symmetric point".into() });
            }
        }
        _ => {}
    }
    entries
}

/// The default size of panel `kind`'s figure: the 2-D landscape is near square so its plot
/// (square, with the title and legend) fills it; the curves are 4:3.
pub fn figure_size(kind: PanelKind, s: &Scenario) -> (u32, u32) {
    match kind {
        PanelKind::Landscape if s.wstar.len() == 2 => (640, 720),
        _ => (800, 600),
    }
}

/// Panel `kind` as an SVG figure of `width × height` pixels: its title on top, the chart, and a
/// legend naming every mark under it; the metadata carries the scenario's permalink (relative:
/// `?<canonical query>`) and the step it shows.
pub fn panel_svg(
    kind: PanelKind,
    ens: &Ensemble,
    opts: &PanelOptions,
    width: u32,
    height: u32,
) -> Result<String, FigureError> {
    let run = ens.first();
    let meta = format!("{} panel at step {}", kind.name(), ens.step());
    let title = format!("{}, step {}", panel_title(kind, &run.scenario, ens.runs.len()), super::fmt_count(ens.step()));
    let legend = panel_legend(kind, run);
    svg_document(width, height, &meta, &run.scenario.to_query(), |root| {
        framed(root, &title, &legend, &opts.theme, |area| render_panel(area, kind, ens, opts))
    })
}

/// A figure: the title strip (wrapped to the width), the chart drawn by `draw` in what is left,
/// and the legend under it.
pub fn framed<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    title: &str,
    legend: &[Entry],
    theme: &Theme,
    draw: impl FnOnce(&DrawingArea<DB, Shift>) -> Result<(), FigureError>,
) -> Result<(), FigureError> {
    let (w, h) = root.dim_in_pixel();
    super::clear(root, theme)?;
    let lines = title_lines(title, w as f64);
    let top = title_height(lines.len()).round() as u32;
    let bottom = legend_height(legend, w as f64).round() as u32;
    let (head, rest) = root.split_vertically(top);
    let (chart, foot) = rest.split_vertically(h.saturating_sub(top + bottom));
    draw_title(&head, &lines, theme)?;
    draw(&chart)?;
    draw_legend(&foot, legend, theme)
}

/// The size of a digits chart's figure.
pub const DIGITS_SIZE: (u32, u32) = (800, 600);

/// The digits view's charts that export as figures, by name.
pub const DIGITS_PANELS: [&str; 3] = ["accuracy", "train-loss", "saturation"];

/// A chart of the digits view (`accuracy`, `train-loss` or `saturation`) of `summary` as SVG.
pub fn digits_panel_svg(
    name: &str,
    summary: &crate::sim::network::NetSummary,
    total_epochs: u64,
    query: &str,
    theme: &Theme,
    width: u32,
    height: u32,
) -> Result<String, FigureError> {
    use super::digits::{
        accuracy_series, draw_accuracy, draw_saturation, draw_train_loss, loss_series, saturation_panels,
    };
    let meta = format!("digits {name} after {} epochs", summary.epochs);
    let heading = match name {
        "accuracy" => "Test accuracy per epoch",
        "train-loss" => "Training loss (NLL, log scale)",
        "saturation" => "Saturation |w|/τ of the weights (paper Fig. 7)",
        other => return Err(format!("no digits chart {other:?} (expected {})", DIGITS_PANELS.join(", "))),
    };
    let title = format!("{heading}, after {} epochs", summary.epochs);
    svg_document(width, height, &meta, query, |root| {
        // The charts carry their own legends.
        framed(root, &title, &[], theme, |area| match name {
            "accuracy" => draw_accuracy(area, &accuracy_series(summary), total_epochs, theme, 1.0).map(|_| ()),
            "train-loss" => draw_train_loss(area, &loss_series(summary), total_epochs, theme, 1.0).map(|_| ()),
            _ => draw_saturation(area, &saturation_panels(summary), theme, 1.0),
        })
    })
}

/// An SVG of `width × height` pixels drawn by `draw`; its metadata carries a title and the
/// scenario's relative permalink `?<query>`.
pub fn svg_document(
    width: u32,
    height: u32,
    title: &str,
    query: &str,
    draw: impl FnOnce(&DrawingArea<SVGBackend, Shift>) -> Result<(), FigureError>,
) -> Result<String, FigureError> {
    let svg = super::svg_string((width, height), draw)?;
    let meta = format!(
        "<title>Analog Training Playground: {}</title><metadata>?{}</metadata>",
        xml_escape(title),
        xml_escape(query)
    );
    Ok(match svg.find('>') {
        Some(i) => format!("{}{meta}{}", &svg[..=i], &svg[i + 1..]),
        None => svg,
    })
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

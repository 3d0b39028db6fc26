//! The digits view (`problem=digits`): test accuracy and training loss per epoch, the |w|/τ
//! saturation histograms (the paper's Fig. 7) and a grid of test digits with every track's
//! prediction. Inputs are plain data (with helpers that read a [`NetSummary`]); each function
//! redraws its whole area, which is cheap at one redraw per epoch.
//!
//! A track is an algorithm in one form (`analog`, `analog_sample`, `tt_pulse`, …). It keeps its
//! algorithm's colour; the per-sample and pulse variants add markers and the pulse variant a
//! dash-dot line, so variants of one algorithm differ without relying on colour.

use super::theme::{self, Marker};
use super::{clear, decade_range, draw_frame, err, fmt_num, font, plot_rect, text_anchor as text, FigureError};
use super::{Mapping, Theme};
use crate::sim::algorithm::AlgorithmKind;
use crate::sim::network::{EpochRecord, NetSummary, NetTrackSummary};
use plotters::coord::Shift;
use plotters::prelude::*;

/// How a track was trained: the expected dynamic per mini-batch or per sample, or pulses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Variant {
    Batch,
    Sample,
    Pulse,
}

/// How a track is drawn.
#[derive(Clone, Debug, PartialEq)]
pub struct TrackStyle {
    pub kind: AlgorithmKind,
    pub variant: Variant,
    pub color: RGBColor,
    /// Dash pattern in CSS pixels (on, off, on, off, …); empty = solid.
    pub dash: Vec<f64>,
    /// The marker drawn along the line and whether it is filled (`None` for the base form).
    pub marker: Option<(Marker, bool)>,
}

/// Splits `analog_pulse` into the algorithm and its variant (unknown names draw as digital).
fn parse_key(key: &str) -> (AlgorithmKind, Variant) {
    let (kind, form) = key.split_once('_').unwrap_or((key, ""));
    let variant = match form {
        "pulse" => Variant::Pulse,
        "sample" => Variant::Sample,
        _ => Variant::Batch,
    };
    (AlgorithmKind::from_key(kind).unwrap_or(AlgorithmKind::Digital), variant)
}

/// The style of the track named `key`: the algorithm's colour and dash; variants add a marker
/// (hollow per sample, filled for pulses) and pulses a dash-dot line.
pub fn track_style(key: &str, theme: &Theme) -> TrackStyle {
    let (kind, variant) = parse_key(key);
    let base = theme::dash(kind).to_vec();
    let shape = theme::marker(kind);
    let (dash, marker) = match variant {
        Variant::Batch => (base, None),
        Variant::Sample => (base, Some((shape, false))),
        Variant::Pulse => (vec![8.0, 3.0, 2.0, 3.0], Some((shape, true))),
    };
    TrackStyle { kind, variant, color: theme.algo(kind), dash, marker }
}

/// "Analog SGD (pulses)" for `analog_pulse`.
pub fn track_label(key: &str) -> String {
    let (kind, form) = key.split_once('_').unwrap_or((key, ""));
    let name = AlgorithmKind::from_key(kind).map_or(kind, |k| k.label());
    match form {
        "pulse" => format!("{name} (pulses)"),
        "sample" => format!("{name} (per sample)"),
        _ => name.to_string(),
    }
}

/// One track's values per epoch, from epoch 0 (the untrained network), or per value of a swept
/// parameter for [`draw_accuracy_across`].
#[derive(Clone, Debug, PartialEq)]
pub struct EpochSeries {
    /// Track name (`analog_pulse`); picks the style.
    pub key: String,
    /// Legend text.
    pub label: String,
    /// Accuracy as a share in [0, 1], or a loss.
    pub values: Vec<f64>,
    /// ±1 standard deviation over seeds per epoch, same units as `values`.
    pub spread: Option<Vec<f64>>,
}

/// Test accuracy per epoch of every track, with the seed spread when there are several seeds.
pub fn accuracy_series(summary: &NetSummary) -> Vec<EpochSeries> {
    series_of(summary, |r| r.test_accuracy, true)
}

/// Training loss (NLL) per epoch of every track.
pub fn loss_series(summary: &NetSummary) -> Vec<EpochSeries> {
    series_of(summary, |r| r.train_loss, false)
}

fn series_of(summary: &NetSummary, value: fn(&EpochRecord) -> f64, with_spread: bool) -> Vec<EpochSeries> {
    let series = |a: &NetTrackSummary| EpochSeries {
        key: a.algorithm.clone(),
        label: track_label(&a.algorithm),
        values: a.epochs.iter().map(value).collect(),
        spread: a.spread.as_ref().filter(|_| with_spread).map(|s| s.test_accuracy.clone()),
    };
    summary.algorithms.iter().map(series).collect()
}

fn px(v: f64) -> i32 {
    v.round() as i32
}

/// Writes `s` at pixel `(x, y)`, anchored as `style` says.
fn write<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    s: &str,
    (x, y): (f64, f64),
    style: TextStyle,
) -> Result<(), FigureError> {
    area.draw(&Text::new(s.to_string(), (px(x), px(y)), style)).map_err(err)
}

/// A font anchored at `h` horizontally and centred vertically.
fn anchored(size: f64, scale: f64, color: RGBColor, h: text::HPos) -> TextStyle<'static> {
    font(size, scale, color).pos(text::Pos::new(h, text::VPos::Center))
}

/// Strokes a polyline with a dash pattern that runs on across vertices (so short per-epoch
/// segments still show the pattern).
fn stroke<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    pts: &[(f64, f64)],
    pattern: &[f64],
    style: ShapeStyle,
) -> Result<(), FigureError> {
    let emit = |run: &[(f64, f64)]| {
        if run.len() < 2 {
            return Ok(());
        }
        area.draw(&PathElement::new(run.iter().map(|&(x, y)| (px(x), px(y))).collect::<Vec<_>>(), style)).map_err(err)
    };
    if pattern.iter().sum::<f64>() <= 0.0 {
        return emit(pts);
    }
    let (mut k, mut on) = (0, true);
    let mut left = pattern[0];
    let mut run: Vec<(f64, f64)> = pts.iter().take(1).copied().collect();
    for seg in pts.windows(2) {
        let ((x0, y0), (x1, y1)) = (seg[0], seg[1]);
        let len = ((x1 - x0).powi(2) + (y1 - y0).powi(2)).sqrt();
        let mut s = 0.0;
        while len - s > left {
            s += left;
            let p = (x0 + (x1 - x0) * s / len, y0 + (y1 - y0) * s / len);
            if on {
                run.push(p);
                emit(&run)?;
                run.clear();
            } else {
                run = vec![p];
            }
            on = !on;
            k = (k + 1) % pattern.len();
            left = pattern[k];
        }
        left -= len - s;
        if on {
            run.push((x1, y1));
        }
    }
    if on {
        emit(&run)?;
    }
    Ok(())
}

fn draw_marker<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    (x, y): (f64, f64),
    (shape, filled): (Marker, bool),
    r: f64,
    color: RGBColor,
    scale: f64,
) -> Result<(), FigureError> {
    let style = if filled { color.filled() } else { ShapeStyle::from(&color).stroke_width(scale.max(1.0) as u32) };
    match shape {
        Marker::Square => area.draw(&Rectangle::new([(px(x - r), px(y - r)), (px(x + r), px(y + r))], style)),
        Marker::Circle => area.draw(&Circle::new((px(x), px(y)), px(r), style)),
        Marker::Triangle
        | Marker::Diamond
        | Marker::TriangleDown
        | Marker::Star
        | Marker::Plus
        | Marker::Cross
        | Marker::Hexagon
        | Marker::Pentagon => {
            let pts: Vec<_> = match shape.outline() {
                Some(o) => o.into_iter().map(|(u, v)| (px(x + r * u), px(y + r * v))).collect(),
                None => vec![(px(x), px(y - 1.2 * r)), (px(x + r), px(y + 0.8 * r)), (px(x - r), px(y + 0.8 * r))],
            };
            if filled {
                area.draw(&Polygon::new(pts, style))
            } else {
                let mut closed = pts.clone();
                closed.push(pts[0]);
                area.draw(&PathElement::new(closed, style))
            }
        }
    }
    .map_err(err)
}

/// Rough text width (plotters cannot measure text the same way on every backend).
fn text_width(s: &str, size: f64) -> f64 {
    0.56 * size * s.chars().count() as f64
}

const LEGEND_ROW: f64 = 15.0;
const LEGEND_SAMPLE: f64 = 28.0;

/// Places legend entries (a `sample` CSS pixels wide, then the label) left to right, wrapping
/// within `width`; returns their top-left corners
/// relative to the legend's origin and the legend's height.
fn legend_layout(labels: &[&str], width: f64, sample: f64, scale: f64) -> (Vec<(f64, f64)>, f64) {
    let (mut x, mut y, mut at) = (0.0, 0.0, Vec::new());
    for l in labels {
        let w = (sample + 6.0 + 14.0) * scale + text_width(l, 10.5 * scale);
        if x > 0.0 && x + w > width {
            x = 0.0;
            y += LEGEND_ROW * scale;
        }
        at.push((x, y));
        x += w;
    }
    let height = if labels.is_empty() { 0.0 } else { y + LEGEND_ROW * scale };
    (at, height)
}

/// One entry: a sample of the line (with its marker) and the label.
fn legend_entry<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    (x, y): (f64, f64),
    label: &str,
    st: &TrackStyle,
    scale: f64,
    theme: &Theme,
) -> Result<(), FigureError> {
    let mid = y + 0.5 * LEGEND_ROW * scale;
    let line = ShapeStyle::from(&st.color).stroke_width((2.0 * scale).round().max(1.0) as u32);
    let pattern: Vec<f64> = st.dash.iter().map(|d| d * scale).collect();
    stroke(area, &[(x, mid), (x + LEGEND_SAMPLE * scale, mid)], &pattern, line)?;
    if let Some(m) = st.marker {
        draw_marker(area, (x + 0.5 * LEGEND_SAMPLE * scale, mid), m, 3.5 * scale, st.color, scale)?;
    }
    write(area, label, (x + (LEGEND_SAMPLE + 5.0) * scale, mid), anchored(10.5, scale, theme.fg, text::HPos::Left))
}

/// The y axis of an epoch chart.
struct ValueAxis {
    title: &'static str,
    log: bool,
    range: (f64, f64),
    /// Values are multiplied by this before plotting (shares → %).
    factor: f64,
}

/// The x axis of a track chart: value `j` of every series sits at `at[j]`.
struct PositionAxis<'a> {
    title: &'a str,
    range: (f64, f64),
    at: &'a [f64],
    /// Markers of the variant tracks at every this many points.
    marker_every: usize,
}

/// Lines (with bands and markers) of every track on shared axes, the legend above the plot.
fn draw_track_chart<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    series: &[EpochSeries],
    x: &PositionAxis,
    axis: &ValueAxis,
    theme: &Theme,
    scale: f64,
) -> Result<Mapping, FigureError> {
    clear(area, theme)?;
    let (w, h) = area.dim_in_pixel();
    let mut rect = plot_rect(w as f64, h as f64, scale, 44.0);
    let labels: Vec<&str> = series.iter().map(|s| s.label.as_str()).collect();
    let (at, legend_h) = legend_layout(&labels, rect.2 - rect.0, LEGEND_SAMPLE, scale);
    rect.1 += legend_h + 4.0 * scale;
    let m = Mapping { rect, x_range: x.range, y_range: axis.range, log_x: false, log_y: axis.log };
    draw_frame(area, &m, x.title, axis.title, theme, scale)?;
    let usable = |v: f64| v.is_finite() && (!axis.log || v > 0.0);
    let clamp_y = |v: f64| m.py((v * axis.factor).clamp(axis.range.0, axis.range.1));
    for s in series {
        let (Some(sd), color) = (&s.spread, track_style(&s.key, theme).color) else { continue };
        let band: Vec<(f64, f64, f64)> = s
            .values
            .iter()
            .zip(sd)
            .zip(x.at)
            .filter(|((v, d), _)| usable(**v) && d.is_finite())
            .map(|((v, d), at)| (*at, v + d, (v - d).max(if axis.log { v * 1e-3 } else { f64::MIN })))
            .collect();
        if band.len() < 2 {
            continue;
        }
        let upper = band.iter().map(|&(at, hi, _)| (px(m.px(at)), px(clamp_y(hi))));
        let lower = band.iter().rev().map(|&(at, _, lo)| (px(m.px(at)), px(clamp_y(lo))));
        area.draw(&Polygon::new(upper.chain(lower).collect::<Vec<_>>(), color.mix(0.16).filled())).map_err(err)?;
    }
    let every = x.marker_every.max(1);
    for s in series {
        let st = track_style(&s.key, theme);
        let pts: Vec<(usize, (f64, f64))> = s
            .values
            .iter()
            .zip(x.at)
            .enumerate()
            .filter(|(_, (v, _))| usable(**v))
            .map(|(j, (v, at))| (j, (m.px(*at), clamp_y(*v))))
            .collect();
        let line = ShapeStyle::from(&st.color).stroke_width((1.8 * scale).round().max(1.0) as u32);
        let pattern: Vec<f64> = st.dash.iter().map(|d| d * scale).collect();
        stroke(area, &pts.iter().map(|p| p.1).collect::<Vec<_>>(), &pattern, line)?;
        if let Some(mk) = st.marker {
            // Pulse and per-sample markers sit at alternate points so they do not hide each other
            // (epoch 0 is the shared untrained network, not worth a marker).
            let offset = if st.variant == Variant::Sample { every / 2 } else { 0 };
            let first = usize::from(every > 1);
            for (_, p) in pts.iter().filter(|(j, _)| *j >= first && (j + offset) % every == 0) {
                draw_marker(area, *p, mk, 3.0 * scale, st.color, scale)?;
            }
        }
    }
    for (s, (x, y)) in series.iter().zip(at) {
        legend_entry(area, (m.rect.0 + x, 6.0 * scale + y), &s.label, &track_style(&s.key, theme), scale, theme)?;
    }
    Ok(m)
}

/// Test accuracy (shares in [0, 1], drawn in %) per epoch, one line per track with an optional
/// ±1 std band; the x axis runs to `total_epochs` (the planned run) so it stays put while training.
pub fn draw_accuracy<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    series: &[EpochSeries],
    total_epochs: u64,
    theme: &Theme,
    scale: f64,
) -> Result<Mapping, FigureError> {
    draw_track_chart(area, series, &epoch_axis(series, total_epochs, &mut Vec::new()), &ACCURACY, theme, scale)
}

/// Test accuracy across a swept parameter (e.g. τ): value `j` of every series at `xs[j]`, with
/// the variants' markers at every point and the optional ±1 std band.
pub fn draw_accuracy_across<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    x_title: &str,
    xs: &[f64],
    series: &[EpochSeries],
    theme: &Theme,
    scale: f64,
) -> Result<Mapping, FigureError> {
    let (lo, hi) = xs.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), x| (a.min(*x), b.max(*x)));
    let pad = if hi > lo { 0.04 * (hi - lo) } else { 0.5 };
    let range = if lo.is_finite() { (lo - pad, hi + pad) } else { (0.0, 1.0) };
    let x = PositionAxis { title: x_title, range, at: xs, marker_every: 1 };
    draw_track_chart(area, series, &x, &ACCURACY, theme, scale)
}

const ACCURACY: ValueAxis = ValueAxis { title: "test accuracy (%)", log: false, range: (0.0, 100.0), factor: 100.0 };

/// Epochs 0, 1, … as positions (written into `at`), the axis running to the planned total.
fn epoch_axis<'a>(series: &[EpochSeries], total_epochs: u64, at: &'a mut Vec<f64>) -> PositionAxis<'a> {
    let longest = series.iter().map(|s| s.values.len()).max().unwrap_or(0);
    at.extend((0..longest).map(|e| e as f64));
    let end = total_epochs.max(longest.saturating_sub(1) as u64).max(1) as f64;
    PositionAxis { title: "epoch", range: (0.0, end), at, marker_every: (end / 8.0).ceil().max(1.0) as usize }
}

/// Training loss (NLL) per epoch on a log axis (whole decades around the finite values).
pub fn draw_train_loss<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    series: &[EpochSeries],
    total_epochs: u64,
    theme: &Theme,
    scale: f64,
) -> Result<Mapping, FigureError> {
    let finite = series.iter().flat_map(|s| &s.values).filter(|v| v.is_finite() && **v > 0.0);
    let (lo, hi) = finite.fold((f64::INFINITY, 0.0f64), |(a, b), v| (a.min(*v), b.max(*v)));
    let range = if hi > 0.0 { decade_range(lo, hi.max(lo * 1.0001)) } else { (0.1, 10.0) };
    let axis = ValueAxis { title: "training loss (NLL)", log: true, range, factor: 1.0 };
    draw_track_chart(area, series, &epoch_axis(series, total_epochs, &mut Vec::new()), &axis, theme, scale)
}

mod saturation;
#[cfg(test)]
use saturation::grid_shape;
pub use saturation::{draw_saturation, saturation_panels, SaturationPanel};
mod feature_maps;
mod predictions;
pub use feature_maps::{draw_feature_maps, MapsRow};
#[cfg(test)]
use predictions::verdict_colors;
pub use predictions::{draw_predictions, GridImages, PredictionRow};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::network::data::{MAX_LEVEL, PIXELS};
    use crate::sim::network::SATURATION_BINS;

    fn render(size: (u32, u32), draw: impl FnOnce(&DrawingArea<SVGBackend, Shift>)) -> String {
        let mut svg = String::new();
        {
            let area = SVGBackend::with_string(&mut svg, size).into_drawing_area();
            draw(&area);
            area.present().unwrap();
        }
        svg
    }

    fn hex(c: RGBColor) -> String {
        format!("#{:02X}{:02X}{:02X}", c.0, c.1, c.2)
    }

    fn series(key: &str, values: Vec<f64>, spread: bool) -> EpochSeries {
        let sd = spread.then(|| vec![0.02; values.len()]);
        EpochSeries { key: key.into(), label: track_label(key), values, spread: sd }
    }

    #[test]
    fn variants_keep_the_hue_and_differ_by_dash_and_marker() {
        let t = Theme::LIGHT;
        let (a, ap, asm) =
            (track_style("analog", &t), track_style("analog_pulse", &t), track_style("analog_sample", &t));
        assert_eq!((a.color, ap.color, asm.color), (t.analog, t.analog, t.analog));
        assert!(a.marker.is_none() && ap.marker == Some((Marker::Triangle, true)));
        assert_eq!(asm.marker, Some((Marker::Triangle, false)));
        assert_ne!(a.dash, ap.dash);
        assert_eq!(track_style("tt_pulse", &t).color, t.tt);
        assert_eq!(track_label("tt_sample"), "Tiki-Taka (per sample)");
    }

    #[test]
    fn accuracy_and_loss_render_with_legend_bands_and_markers() {
        let acc = |top: f64| (0..=10).map(|e| 0.1 + (top - 0.1) * (1.0 - (-(e as f64) / 2.0).exp())).collect();
        let all = vec![
            series("digital", acc(0.95), true),
            series("analog", acc(0.6), true),
            series("tt_pulse", acc(0.9), true),
        ];
        let svg = render((640, 360), |a| {
            let m = draw_accuracy(a, &all, 30, &Theme::LIGHT, 1.0).unwrap();
            // The planned 30 epochs fix the axis although only 10 are done.
            assert_eq!(m.x_range, (0.0, 30.0));
            assert_eq!(m.y_range, (0.0, 100.0));
        });
        for label in ["test accuracy (%)", "epoch", "Digital SGD", "Analog SGD", "Tiki-Taka (pulses)", "\n100\n"] {
            assert!(svg.contains(label), "missing {label}");
        }
        // One band per track (no triangle markers here: the pulse track is Tiki-Taka's circles).
        assert_eq!(svg.matches("<polygon").count(), 3);
        // Circles mark the pulse track: at epochs 4 and 8 (every 30/8 → 4 epochs) plus the legend.
        assert_eq!(svg.matches("<circle").count(), 3);
        let loss: Vec<EpochSeries> = all
            .iter()
            .map(|s| EpochSeries {
                values: s.values.iter().map(|v| 2.3 * (1.0 - v)).collect(),
                spread: None,
                ..s.clone()
            })
            .collect();
        let svg = render((640, 360), |a| {
            let m = draw_train_loss(a, &loss, 30, &Theme::DARK, 1.0).unwrap();
            assert!(m.log_y && m.y_range.0 <= 0.115 && m.y_range.1 >= 2.07, "{:?}", m.y_range);
        });
        assert!(svg.contains("training loss (NLL)") && !svg.contains("<polygon"));
    }

    #[test]
    fn accuracy_across_tau_marks_every_point_of_the_variants() {
        let taus = [0.3, 0.5, 0.7, 1.0];
        let all = vec![
            series("digital", vec![0.95; 4], false),
            series("analog", vec![0.5, 0.66, 0.78, 0.86], false),
            series("analog_pulse", vec![0.19, 0.39, 0.53, 0.64], false),
        ];
        let svg = render((560, 400), |a| {
            let m = draw_accuracy_across(a, "τ", &taus, &all, &Theme::LIGHT, 1.0).unwrap();
            assert!(m.x_range.0 < 0.3 && m.x_range.1 > 1.0 && m.x_range.1 < 1.1, "{:?}", m.x_range);
        });
        // Filled triangles of the pulse track: one per τ plus the legend's; no bands without spread.
        assert_eq!(svg.matches("<polygon").count(), 5);
        assert!(svg.contains("Analog SGD (pulses)") && svg.contains("\nτ\n"));
    }

    #[test]
    fn saturation_histograms_are_small_multiples_with_the_maximum_marked() {
        let mut counts = vec![0u64; SATURATION_BINS];
        counts[2] = 30;
        counts[SATURATION_BINS - 1] = 10;
        let panels: Vec<SaturationPanel> = [("digital", 6.9), ("analog", 0.57), ("analog_pulse", 0.4), ("tt", 1.0)]
            .iter()
            .map(|(k, max)| SaturationPanel {
                key: k.to_string(),
                label: track_label(k),
                counts: counts.clone(),
                max_ratio: *max,
            })
            .collect();
        let svg = render((800, 420), |a| draw_saturation(a, &panels, &Theme::LIGHT, 1.0).unwrap());
        for label in ["Digital SGD", "Analog SGD (pulses)", "max |w|/τ = 6.9", "max |w|/τ = 0.57", "|w|/τ"] {
            assert!(svg.contains(label), "missing {label}");
        }
        // Two non-empty bins per panel, drawn in the algorithm's colour.
        let bars = |c: RGBColor| svg.matches(&format!("fill=\"{}\"", hex(c))).count();
        assert_eq!(bars(Theme::LIGHT.analog), 4);
        assert_eq!(bars(Theme::LIGHT.digital), 2);
        // Digital's maximum lies beyond τ: an arrowhead instead of a line.
        assert_eq!(svg.matches("<polygon").count(), 1);
        assert_eq!(grid_shape(5, 800.0, 420.0), (2, 3));
        assert_eq!(grid_shape(5, 1120.0, 460.0), (2, 3));
        assert_eq!(grid_shape(3, 900.0, 260.0), (1, 3));
    }

    #[test]
    fn prediction_grid_marks_wrong_classes_by_box_and_colour() {
        let images: Vec<Vec<u8>> = (0..24).map(|i| vec![(i % 17) as u8; PIXELS]).collect();
        let labels: Vec<u8> = (0..24).map(|i| (i % 10) as u8).collect();
        let mut wrong = labels.clone();
        for w in wrong.iter_mut().take(5) {
            *w = (*w + 1) % 10;
        }
        let rows = vec![
            PredictionRow { key: "digital".into(), label: "Digital SGD".into(), predicted: labels.clone() },
            PredictionRow { key: "analog_pulse".into(), label: "Analog SGD (pulses)".into(), predicted: wrong },
        ];
        let svg = render((720, 520), |a| {
            draw_predictions(
                a,
                &GridImages { side: 8, max_level: MAX_LEVEL, images: images.clone(), labels: labels.clone() },
                &rows,
                &Theme::LIGHT,
                1.0,
            )
            .unwrap()
        });
        assert!(svg.contains("1. Digital SGD") && svg.contains("2. Analog SGD (pulses)"));
        let (right, wrong) = verdict_colors(&Theme::LIGHT);
        let fills = |c: RGBColor| svg.matches(&format!("fill=\"{}\"", hex(c))).count();
        // 5 wrong predictions plus the legend's example, each a box with a digit on top.
        assert_eq!(fills(wrong), 6);
        // 24 + 19 right predictions plus the legend's example.
        assert_eq!(fills(right), 44);
        // Every image with non-zero levels has 64 pixels (images 0 and 17 are blank).
        let ink = (1..=16u8).map(|l| {
            let t = l as f64 / 16.0;
            let f = |a: u8, b: u8| (a as f64 + (b as f64 - a as f64) * t).round() as u8;
            let (bg, fg) = (Theme::LIGHT.bg, Theme::LIGHT.fg);
            fills(RGBColor(f(bg.0, fg.0), f(bg.1, fg.1), f(bg.2, fg.2)))
        });
        // Full ink is the text colour, which the two legend labels also use.
        assert_eq!(ink.sum::<usize>(), 22 * 64 + 2);
    }
}

//! Sweep heatmaps: one value per grid cell on (log or linear) axes, with a colour bar. Cells
//! not computed yet stay empty; diverged cells are crossed out rather than coloured. Losses use
//! log colour scales, accuracies (`digits`) linear ones.

use super::{clear, draw_frame, err, fmt_num, font, FigureError, Mapping, Theme};
use crate::notation::Notation;
use crate::sim::algorithm::AlgorithmKind::{Analog, TikiTaka};
use crate::sim::sweep::{Cell, Sweep};
use plotters::coord::Shift;
use plotters::prelude::*;

/// How values map to colours.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ColorScale {
    /// Sequential on log10 between `lo` and `hi` (losses).
    Log { lo: f64, hi: f64 },
    /// Diverging on log10, centred on 1, symmetric with `span` decades each side (ratios): blue
    /// below 1, red above.
    Ratio { span: f64 },
    /// Sequential, linear between `lo` and `hi` (accuracies in %): the ramp of `Log`, dark at
    /// `lo`, yellow at `hi`.
    Linear { lo: f64, hi: f64 },
    /// Diverging, linear, centred on 0 with `span` each side (differences of accuracies in
    /// points): blue above 0, red below — so that, as on the `Ratio` map, blue means Tiki-Taka
    /// does better.
    Difference { span: f64 },
}

/// The sequential ramp (dark blue → green → yellow, viridis-like).
const SEQUENTIAL: [(f64, f64, f64); 5] =
    [(68.0, 1.0, 84.0), (59.0, 82.0, 139.0), (33.0, 145.0, 140.0), (94.0, 201.0, 98.0), (253.0, 231.0, 37.0)];

/// The diverging ramp (blue → white → red).
const DIVERGING: [(f64, f64, f64); 5] =
    [(33.0, 102.0, 172.0), (146.0, 197.0, 222.0), (247.0, 247.0, 247.0), (244.0, 165.0, 130.0), (178.0, 24.0, 43.0)];

/// A cell's state.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum CellValue {
    Pending,
    Diverged,
    Value(f64),
}

/// A heatmap's content.
#[derive(Clone, Debug, PartialEq)]
pub struct Heatmap {
    pub title: String,
    pub x_title: String,
    pub y_title: String,
    /// Axis values (cell centres) and whether each axis is logarithmic.
    pub x: Vec<f64>,
    pub y: Vec<f64>,
    pub log_x: bool,
    pub log_y: bool,
    /// Row-major from the bottom row: `cells[j * x.len() + i]`.
    pub cells: Vec<CellValue>,
    pub scale: ColorScale,
    /// Words for the colour bar's top and bottom ends (which colour means which algorithm did
    /// better), written along the bar.
    pub bar_ends: Option<(String, String)>,
}

fn lerp(a: (f64, f64, f64), b: (f64, f64, f64), t: f64) -> (f64, f64, f64) {
    (a.0 + (b.0 - a.0) * t, a.1 + (b.1 - a.1) * t, a.2 + (b.2 - a.2) * t)
}

fn gradient(stops: &[(f64, f64, f64)], t: f64) -> RGBColor {
    let t = t.clamp(0.0, 1.0) * (stops.len() - 1) as f64;
    let k = (t.floor() as usize).min(stops.len() - 2);
    let c = lerp(stops[k], stops[k + 1], t - k as f64);
    RGBColor(c.0.round() as u8, c.1.round() as u8, c.2.round() as u8)
}

impl ColorScale {
    /// The colour of a value.
    pub fn color(&self, v: f64) -> RGBColor {
        match *self {
            ColorScale::Log { lo, hi } => {
                let t = (v.max(1e-300).log10() - lo.log10()) / (hi.log10() - lo.log10()).max(1e-12);
                gradient(&SEQUENTIAL, t)
            }
            ColorScale::Ratio { span } => gradient(&DIVERGING, 0.5 + 0.5 * (v.max(1e-300).log10() / span.max(1e-12))),
            ColorScale::Linear { lo, hi } => gradient(&SEQUENTIAL, (v - lo) / (hi - lo).max(1e-12)),
            ColorScale::Difference { span } => gradient(&DIVERGING, 0.5 - 0.5 * v / span.max(1e-12)),
        }
    }

    /// The colour-bar range in value terms.
    pub fn range(&self) -> (f64, f64) {
        match *self {
            ColorScale::Log { lo, hi } => (lo, hi),
            ColorScale::Ratio { span } => (10f64.powf(-span), 10f64.powf(span)),
            ColorScale::Linear { lo, hi } => (lo, hi),
            ColorScale::Difference { span } => (-span, span),
        }
    }

    /// The value at fraction `t` ∈ [0, 1] of the colour bar, bottom to top.
    pub fn value_at(&self, t: f64) -> f64 {
        let (lo, hi) = self.range();
        match self {
            ColorScale::Log { .. } | ColorScale::Ratio { .. } => 10f64.powf(lo.log10() + t * (hi.log10() - lo.log10())),
            ColorScale::Linear { .. } | ColorScale::Difference { .. } => lo + t * (hi - lo),
        }
    }

    /// The label of the colour bar's middle (the neutral value of diverging scales).
    pub fn centre_label(&self) -> Option<&'static str> {
        match self {
            ColorScale::Ratio { .. } => Some("1"),
            ColorScale::Difference { .. } => Some("0"),
            ColorScale::Log { .. } | ColorScale::Linear { .. } => None,
        }
    }

    /// A log scale spanning the finite values (whole decades), or a default.
    pub fn fit_log(values: impl Iterator<Item = f64>) -> ColorScale {
        let (lo, hi) = values
            .filter(|v| v.is_finite() && *v > 0.0)
            .fold((f64::INFINITY, 0.0f64), |(a, b), v| (a.min(v), b.max(v)));
        if hi <= 0.0 {
            return ColorScale::Log { lo: 1e-4, hi: 1.0 };
        }
        let (lo, hi) = super::decade_range(lo, hi.max(lo * 1.0001));
        ColorScale::Log { lo, hi }
    }

    /// A ratio scale covering the finite values, at least one decade each side.
    pub fn fit_ratio(values: impl Iterator<Item = f64>) -> ColorScale {
        let span = values.filter(|v| v.is_finite() && *v > 0.0).map(|v| v.log10().abs()).fold(1.0f64, f64::max).ceil();
        ColorScale::Ratio { span }
    }

    /// A difference scale covering the finite values, in whole tens, at least 10 each side.
    pub fn fit_difference(values: impl Iterator<Item = f64>) -> ColorScale {
        let max = values.filter(|v| v.is_finite()).map(f64::abs).fold(0.0f64, f64::max);
        ColorScale::Difference { span: (max / 10.0).ceil().max(1.0) * 10.0 }
    }
}

impl Heatmap {
    /// The plot mapping for an area of `width × height` pixels (room on the right for the bar).
    pub fn mapping(&self, width: f64, height: f64, scale: f64) -> Mapping {
        let half = |v: &[f64], log: bool| -> (f64, f64) {
            if v.len() < 2 {
                let c = v.first().copied().unwrap_or(1.0);
                return if log { (c / 2.0, c * 2.0) } else { (c - 0.5, c + 0.5) };
            }
            let (a, b, n) = (v[0], v[v.len() - 1], (v.len() - 1) as f64);
            if log {
                let step = (b / a).powf(0.5 / n);
                (a / step, b * step)
            } else {
                let step = 0.5 * (b - a) / n;
                (a - step, b + step)
            }
        };
        Mapping {
            rect: (52.0 * scale, 22.0 * scale, width - 64.0 * scale, height - 34.0 * scale),
            x_range: half(&self.x, self.log_x),
            y_range: half(&self.y, self.log_y),
            log_x: self.log_x,
            log_y: self.log_y,
        }
    }

    /// Pixel rectangle of cell (i, j): left, top, right, bottom.
    pub fn cell_rect(&self, m: &Mapping, i: usize, j: usize) -> (f64, f64, f64, f64) {
        let (nx, ny) = (self.x.len() as f64, self.y.len() as f64);
        let w = (m.rect.2 - m.rect.0) / nx;
        let h = (m.rect.3 - m.rect.1) / ny;
        (m.rect.0 + i as f64 * w, m.rect.3 - (j + 1) as f64 * h, m.rect.0 + (i + 1) as f64 * w, m.rect.3 - j as f64 * h)
    }

    /// The cell under pixel (px, py), if any.
    pub fn cell_at(&self, m: &Mapping, px: f64, py: f64) -> Option<(usize, usize)> {
        if !m.contains(px, py) {
            return None;
        }
        let i = (((px - m.rect.0) / (m.rect.2 - m.rect.0)) * self.x.len() as f64).floor() as usize;
        let j = (((m.rect.3 - py) / (m.rect.3 - m.rect.1)) * self.y.len() as f64).floor() as usize;
        (i < self.x.len() && j < self.y.len()).then_some((i, j))
    }

    /// The cells as an RGBA image, `x.len() × y.len()`, top row first (pending and diverged
    /// cells transparent; the frame layer marks diverged ones).
    pub fn rgba(&self) -> Vec<u8> {
        let (nx, ny) = (self.x.len(), self.y.len());
        let mut buf = vec![0u8; nx * ny * 4];
        for j in 0..ny {
            for i in 0..nx {
                if let CellValue::Value(v) = self.cells[j * nx + i] {
                    let c = self.scale.color(v);
                    let at = 4 * ((ny - 1 - j) * nx + i);
                    buf[at..at + 4].copy_from_slice(&[c.0, c.1, c.2, 255]);
                }
            }
        }
        buf
    }
}

/// Draws the heatmap. With `cells_as_rects` the cells are drawn as rectangles (vector output);
/// otherwise the caller blits [`Heatmap::rgba`] into the plot rectangle first and this draws
/// the frame, diverged marks and the colour bar over it.
pub fn draw_heatmap<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    hm: &Heatmap,
    theme: &Theme,
    scale: f64,
    cells_as_rects: bool,
) -> Result<Mapping, FigureError> {
    let (w, h) = area.dim_in_pixel();
    let m = hm.mapping(w as f64, h as f64, scale);
    if cells_as_rects {
        clear(area, theme)?;
        for j in 0..hm.y.len() {
            for i in 0..hm.x.len() {
                if let CellValue::Value(v) = hm.cells[j * hm.x.len() + i] {
                    let (l, t, r, b) = hm.cell_rect(&m, i, j);
                    area.draw(&Rectangle::new(
                        [(l as i32, t as i32), (r.ceil() as i32, b.ceil() as i32)],
                        hm.scale.color(v).filled(),
                    ))
                    .map_err(err)?;
                }
            }
        }
    }
    let px = |v: f64| v.round() as i32;
    let mark = ShapeStyle::from(&theme.fg).stroke_width(scale.max(1.0) as u32);
    for j in 0..hm.y.len() {
        for i in 0..hm.x.len() {
            if hm.cells[j * hm.x.len() + i] == CellValue::Diverged {
                let (l, t, r, b) = hm.cell_rect(&m, i, j);
                let inset = 0.2 * (r - l).min(b - t);
                area.draw(&PathElement::new(
                    vec![(px(l + inset), px(t + inset)), (px(r - inset), px(b - inset))],
                    mark,
                ))
                .map_err(err)?;
                area.draw(&PathElement::new(
                    vec![(px(l + inset), px(b - inset)), (px(r - inset), px(t + inset))],
                    mark,
                ))
                .map_err(err)?;
            }
        }
    }
    draw_frame(area, &m, &hm.x_title, "", theme, scale)?;
    area.draw(&Text::new(hm.title.clone(), (px(m.rect.0), px(3.0 * scale)), font(12.0, scale, theme.fg)))
        .map_err(err)?;
    area.draw(&Text::new(
        hm.y_title.clone(),
        (px(4.0 * scale), px(m.rect.1 - 2.0 * scale)),
        font(11.0, scale, theme.fg)
            .pos(super::text_anchor::Pos::new(super::text_anchor::HPos::Left, super::text_anchor::VPos::Bottom)),
    ))
    .map_err(err)?;
    // Colour bar.
    let (bl, br) = (m.rect.2 + 10.0 * scale, m.rect.2 + 22.0 * scale);
    let steps = 64;
    let (lo, hi) = hm.scale.range();
    for k in 0..steps {
        let t0 = k as f64 / steps as f64;
        let v = hm.scale.value_at(t0 + 0.5 / steps as f64);
        let y0 = m.rect.3 - t0 * (m.rect.3 - m.rect.1);
        let y1 = m.rect.3 - (k + 1) as f64 / steps as f64 * (m.rect.3 - m.rect.1);
        area.draw(&Rectangle::new([(px(bl), px(y1)), (px(br), px(y0).max(px(y1) + 1))], hm.scale.color(v).filled()))
            .map_err(err)?;
    }
    let label = font(11.0, scale, theme.muted);
    for (v, y) in [(hi, m.rect.1), (lo, m.rect.3)] {
        area.draw(&Text::new(
            fmt_num(v),
            (px(bl - 2.0 * scale), px(y + if y == m.rect.1 { -12.0 } else { 2.0 } * scale)),
            label.clone(),
        ))
        .map_err(err)?;
    }
    if let Some(centre) = hm.scale.centre_label() {
        let y = (m.rect.1 + m.rect.3) / 2.0;
        area.draw(&Text::new(centre.to_string(), (px(br + 2.0 * scale), px(y - 5.0 * scale)), label)).map_err(err)?;
    }
    if let Some((top, bottom)) = &hm.bar_ends {
        // Along the bar, reading upwards: each half names what its colours mean.
        let words = font(11.0, scale, theme.fg)
            .transform(FontTransform::Rotate270)
            .pos(super::text_anchor::Pos::new(super::text_anchor::HPos::Center, super::text_anchor::VPos::Top));
        let x = px(br + 12.0 * scale);
        let quarter = (m.rect.3 - m.rect.1) / 4.0;
        for (text, y) in [(top, m.rect.1 + quarter), (bottom, m.rect.3 - quarter)] {
            area.draw(&Text::new(text.clone(), (x, px(y)), words.clone())).map_err(err)?;
        }
    }
    Ok(m)
}

/// The heatmap as an SVG document.
pub fn heatmap_svg(hm: &Heatmap, width: u32, height: u32) -> Result<String, FigureError> {
    super::svg_string((width, height), |area| draw_heatmap(area, hm, &Theme::LIGHT, 1.0, true).map(|_| ()))
}

/// The sweep's heatmaps side by side (tail losses and their ratio, or on `digits` test
/// accuracies and their difference; unfinished cells blank) as SVG, 440 × 380 pixels per map,
/// with the base scenario's link and the axes in its metadata.
pub fn sweep_maps_svg(
    sweep: &Sweep,
    cells: &[Option<Cell>],
    theme: &Theme,
    notation: Notation,
) -> Result<String, FigureError> {
    let maps = sweep_heatmaps(sweep, cells, notation);
    let title = format!("sweep over {} and {}", sweep.x.key, sweep.y.key);
    super::panels::svg_document(440 * maps.len().max(1) as u32, 380, &title, &sweep.base.to_query(), |root| {
        for (area, hm) in root.split_evenly((1, maps.len().max(1))).iter().zip(&maps) {
            draw_heatmap(area, hm, theme, 1.0, true)?;
        }
        Ok(())
    })
}

/// The three heatmaps of a sweep. `cells[j * nx + i]` is `None` until computed.
///
/// * Losses, distances, ‖∇f‖² (the stepped problems' metrics, test loss): Analog SGD's and
///   Tiki-Taka's value (one shared log colour scale) and their ratio TT / Analog (diverging,
///   centred on 1).
/// * Accuracies: in % (sequential 0–100 %, higher is better) and the difference TT − Analog in
///   points (diverging, centred on 0).
///
/// On both, blue on the third map means Tiki-Taka does better, and its colour bar says so.
pub fn sweep_heatmaps(sweep: &Sweep, cells: &[Option<Cell>], notation: Notation) -> Vec<Heatmap> {
    let key_title = |k: &str| {
        crate::sim::scenario::key(k).map_or(k.to_string(), |s| {
            if s.symbol == s.name {
                k.to_string()
            } else {
                format!("{} ({k})", notation.symbol(k, &sweep.base, s.symbol))
            }
        })
    };
    let metric = sweep.metric();
    // Accuracies are shown in %.
    let unit = if metric.compares_by_difference() { 100.0 } else { 1.0 };
    let value = |c: &Option<Cell>, kind| match c {
        None => CellValue::Pending,
        Some(c) if c.diverged(kind) => CellValue::Diverged,
        Some(c) => c.value(kind).map_or(CellValue::Pending, |v| CellValue::Value(unit * v)),
    };
    let analog: Vec<CellValue> = cells.iter().map(|c| value(c, Analog)).collect();
    let tt: Vec<CellValue> = cells.iter().map(|c| value(c, TikiTaka)).collect();
    let comparison: Vec<CellValue> = cells
        .iter()
        .map(|c| match c {
            Some(c) if c.diverged(Analog) || c.diverged(TikiTaka) => CellValue::Diverged,
            Some(c) => c.outcome.comparison().map_or(CellValue::Pending, CellValue::Value),
            None => CellValue::Pending,
        })
        .collect();
    let finite = |v: &[CellValue]| {
        v.iter().filter_map(|c| if let CellValue::Value(x) = c { Some(*x) } else { None }).collect::<Vec<_>>()
    };
    let short = metric.short();
    let (shared, compare_scale, titles, ends) = if metric.compares_by_difference() {
        (
            ColorScale::Linear { lo: 0.0, hi: 100.0 },
            ColorScale::fit_difference(finite(&comparison).into_iter()),
            [
                format!("Analog SGD: {short} % (higher = better)"),
                format!("Tiki-Taka: {short} % (higher = better)"),
                format!("Tiki-Taka − Analog SGD: {short} (points)"),
            ],
            ("Tiki-Taka better", "Analog SGD better"),
        )
    } else {
        let better = if metric.higher_is_better() { "higher" } else { "lower" };
        (
            ColorScale::fit_log(finite(&analog).into_iter().chain(finite(&tt))),
            ColorScale::fit_ratio(finite(&comparison).into_iter()),
            [
                format!("Analog SGD: {short} ({better} = better)"),
                format!("Tiki-Taka: {short} ({better} = better)"),
                format!("Tiki-Taka / Analog SGD: {short}"),
            ],
            ("Analog SGD better", "Tiki-Taka better"),
        )
    };
    let better_ends = if metric.higher_is_better() { ("better", "worse") } else { ("worse", "better") };
    let base = Heatmap {
        title: String::new(),
        x_title: key_title(sweep.x.key),
        y_title: key_title(sweep.y.key),
        x: sweep.x.values(),
        y: sweep.y.values(),
        log_x: sweep.x.log,
        log_y: sweep.y.log,
        cells: vec![],
        scale: shared,
        bar_ends: Some((better_ends.0.to_string(), better_ends.1.to_string())),
    };
    let [analog_title, tt_title, compare_title] = titles;
    vec![
        Heatmap { title: analog_title, cells: analog, ..base.clone() },
        Heatmap { title: tt_title, cells: tt, ..base.clone() },
        Heatmap {
            title: compare_title,
            scale: compare_scale,
            cells: comparison,
            bar_ends: Some((ends.0.to_string(), ends.1.to_string())),
            ..base
        },
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ratio_scale_is_white_at_one_and_blue_below() {
        let s = ColorScale::Ratio { span: 1.0 };
        assert_eq!(s.color(1.0), RGBColor(247, 247, 247));
        let below = s.color(0.1);
        assert!(below.2 > below.0, "below 1 is blue: {below:?}");
    }

    #[test]
    fn heatmap_renders_to_svg_with_diverged_marks() {
        let hm = Heatmap {
            title: "t".into(),
            x_title: "τ".into(),
            y_title: "α".into(),
            x: vec![1.0, 2.0, 4.0],
            y: vec![0.01, 0.1],
            log_x: true,
            log_y: true,
            cells: vec![
                CellValue::Value(1e-3),
                CellValue::Diverged,
                CellValue::Pending,
                CellValue::Value(1e-2),
                CellValue::Value(1e-1),
                CellValue::Value(2e-2),
            ],
            scale: ColorScale::fit_log([1e-3, 1e-1].into_iter()),
            bar_ends: Some(("worse".into(), "better".into())),
        };
        let svg = heatmap_svg(&hm, 400, 300).unwrap();
        assert!(svg.contains("<svg"));
        let m = hm.mapping(400.0, 300.0, 1.0);
        let (l, t, r, b) = hm.cell_rect(&m, 1, 0);
        assert_eq!(hm.cell_at(&m, (l + r) / 2.0, (t + b) / 2.0), Some((1, 0)));
        assert_eq!(hm.rgba().len(), 3 * 2 * 4);
    }

    #[test]
    fn accuracy_scales_are_linear_and_the_difference_is_white_at_zero() {
        let s = ColorScale::Linear { lo: 0.0, hi: 100.0 };
        assert_eq!(s.color(0.0), RGBColor(68, 1, 84));
        assert_eq!(s.color(100.0), RGBColor(253, 231, 37));
        assert_eq!(s.value_at(0.25), 25.0);
        let d = ColorScale::fit_difference([-12.0, 31.0].into_iter());
        assert_eq!(d, ColorScale::Difference { span: 40.0 });
        assert_eq!(d.color(0.0), RGBColor(247, 247, 247));
        let better = d.color(20.0);
        assert!(better.2 > better.0, "Tiki-Taka better is blue, as on the ratio map: {better:?}");
        assert_eq!((d.range(), d.centre_label()), ((-40.0, 40.0), Some("0")));
        assert_eq!(ColorScale::fit_difference(std::iter::empty()), ColorScale::Difference { span: 10.0 });
    }

    #[test]
    fn digits_sweeps_map_accuracy_in_percent_and_the_difference_in_points() {
        use crate::sim::scenario::Scenario;
        use crate::sim::sweep::{AlgoOutcome, Axis, Measures, Metric, Outcome};
        let base = Scenario::parse("problem=digits&algos=analog,tt").unwrap();
        let sweep = Sweep::new(base, Axis::parse("tau=0.3:1:log:2").unwrap(), Axis::parse("epochs=1:2:lin:1").unwrap())
            .unwrap();
        let measures = |v: Option<f64>| Measures { accuracy: v, ..Measures::default() };
        let outcome = |analog: Option<f64>, diverged: bool| Outcome {
            metric: Metric::Accuracy,
            algorithms: vec![
                AlgoOutcome { algorithm: "analog".into(), measures: measures(analog), diverged },
                AlgoOutcome { algorithm: "tt".into(), measures: measures(Some(0.875)), diverged: false },
            ],
        };
        let cell = |i, o| Some(Cell { i, j: 0, scenario: sweep.cell_scenario(i, 0), outcome: o });
        let maps =
            sweep_heatmaps(&sweep, &[cell(0, outcome(Some(0.5), false)), cell(1, outcome(None, true))], Notation::Ours);
        assert_eq!(maps.len(), 3);
        assert!(maps[0].title.contains("test accuracy") && maps[0].title.contains("higher = better"));
        assert_eq!(maps[0].scale, ColorScale::Linear { lo: 0.0, hi: 100.0 });
        assert_eq!(maps[0].cells, vec![CellValue::Value(50.0), CellValue::Diverged]);
        assert_eq!(maps[1].cells, vec![CellValue::Value(87.5), CellValue::Value(87.5)]);
        assert_eq!(maps[2].cells, vec![CellValue::Value(37.5), CellValue::Diverged]);
        assert_eq!(maps[2].scale, ColorScale::Difference { span: 40.0 });
        assert_eq!(maps[2].bar_ends, Some(("Tiki-Taka better".into(), "Analog SGD better".into())));
        for hm in &maps {
            assert!(heatmap_svg(hm, 440, 380).unwrap().contains("<svg"));
        }
        // Pending cells stay empty.
        let maps = sweep_heatmaps(&sweep, &[None, None], Notation::Ours);
        assert!(maps.iter().all(|m| m.cells == vec![CellValue::Pending; 2]));
    }
}

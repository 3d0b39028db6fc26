//! Figures: chart layers drawn with plotters, generic over its `DrawingBackend`, so the same
//! code renders to a canvas in the browser and to SVG natively.
//!
//! Each figure is split the way a live view needs it: a *static* layer (axes, labels, legend,
//! theory lines, contour background) drawn with plotters when its inputs change, and a
//! [`Mapping`] from data to pixels that the per-frame moving curves share.

pub mod curve_panels;
pub mod curves;
pub mod device;
pub mod digits;
pub mod heatmap;
pub mod landscape;
pub mod legend;
pub mod line;
pub mod loss;
mod moving;
pub mod multiples;
pub mod panels;
pub mod set;
pub mod theme;
pub mod weights;

pub use theme::Theme;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor as text;
pub(crate) use plotters::style::text_anchor;

/// An error from a drawing backend, as text.
pub type FigureError = String;

/// Maps data coordinates to pixels of a drawing area: the plot rectangle and the axis ranges
/// (log axes map log10 linearly). Both layers of a figure use the same one.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Mapping {
    /// Plot rectangle in backend pixels: left, top, right, bottom.
    pub rect: (f64, f64, f64, f64),
    pub x_range: (f64, f64),
    pub y_range: (f64, f64),
    pub log_x: bool,
    pub log_y: bool,
}

impl Mapping {
    fn axis(v: f64, range: (f64, f64), log: bool) -> f64 {
        if log {
            let v = v.max(f64::MIN_POSITIVE);
            (v.log10() - range.0.log10()) / (range.1.log10() - range.0.log10())
        } else {
            (v - range.0) / (range.1 - range.0)
        }
    }
    /// Pixel x of data x.
    pub fn px(&self, x: f64) -> f64 {
        self.rect.0 + Self::axis(x, self.x_range, self.log_x) * (self.rect.2 - self.rect.0)
    }
    /// Pixel y of data y (up is larger y).
    pub fn py(&self, y: f64) -> f64 {
        self.rect.3 - Self::axis(y, self.y_range, self.log_y) * (self.rect.3 - self.rect.1)
    }
    /// Data x at pixel x.
    pub fn data_x(&self, px: f64) -> f64 {
        let t = (px - self.rect.0) / (self.rect.2 - self.rect.0);
        if self.log_x {
            10f64.powf(self.x_range.0.log10() + t * (self.x_range.1.log10() - self.x_range.0.log10()))
        } else {
            self.x_range.0 + t * (self.x_range.1 - self.x_range.0)
        }
    }
    /// Data y at pixel y.
    pub fn data_y(&self, py: f64) -> f64 {
        let t = (self.rect.3 - py) / (self.rect.3 - self.rect.1);
        if self.log_y {
            10f64.powf(self.y_range.0.log10() + t * (self.y_range.1.log10() - self.y_range.0.log10()))
        } else {
            self.y_range.0 + t * (self.y_range.1 - self.y_range.0)
        }
    }
    /// Whether pixel (x, y) lies inside the plot rectangle.
    pub fn contains(&self, x: f64, y: f64) -> bool {
        x >= self.rect.0 && x <= self.rect.2 && y >= self.rect.1 && y <= self.rect.3
    }
    /// Plot width in pixels.
    pub fn width(&self) -> f64 {
        self.rect.2 - self.rect.0
    }
}

fn err<E: std::fmt::Debug>(e: E) -> FigureError {
    format!("{e:?}")
}

/// Clears an area to the theme background.
pub fn clear<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, theme: &Theme) -> Result<(), FigureError> {
    area.fill(&theme.bg).map_err(err)
}

thread_local! {
    /// Multiplies every font size while an SVG is drawn (see [`svg_string`]).
    static TEXT_SCALE: std::cell::Cell<f64> = const { std::cell::Cell::new(1.0) };
}

/// Pixel-scaled font (`scale` is the device pixel ratio).
pub fn font(size: f64, scale: f64, color: RGBColor) -> TextStyle<'static> {
    ("sans-serif", size * scale * TEXT_SCALE.with(|t| t.get())).into_font().color(&color)
}

/// An SVG document of `size` pixels drawn by `draw`. plotters' SVG backend writes a font's
/// size divided by 1.24 (its metric for the canvas); the sizes are scaled up by as much while
/// `draw` runs, so a figure's 11 px text is 11 px in the file, as on the canvas.
pub fn svg_string(
    size: (u32, u32),
    draw: impl FnOnce(&DrawingArea<SVGBackend, Shift>) -> Result<(), FigureError>,
) -> Result<String, FigureError> {
    struct Reset;
    impl Drop for Reset {
        fn drop(&mut self) {
            TEXT_SCALE.with(|t| t.set(1.0));
        }
    }
    let _reset = Reset;
    TEXT_SCALE.with(|t| t.set(1.24));
    let mut svg = String::new();
    {
        let area = SVGBackend::with_string(&mut svg, size).into_drawing_area();
        draw(&area)?;
        area.present().map_err(err)?;
    }
    Ok(svg)
}

/// The plot rectangle of a `width × height` area with room for tick labels (`scale` = DPR).
pub fn plot_rect(width: f64, height: f64, scale: f64, left: f64) -> (f64, f64, f64, f64) {
    (left * scale, 10.0 * scale, width - 14.0 * scale, height - 34.0 * scale)
}

/// The largest rectangle inside `rect` whose width / height is `aspect`, centred in it (a plot
/// whose axes share one scale).
pub fn fit_aspect(rect: (f64, f64, f64, f64), aspect: f64) -> (f64, f64, f64, f64) {
    let (l, t, r, b) = rect;
    let (w, h) = (r - l, b - t);
    if !(aspect.is_finite() && aspect > 0.0 && w > 0.0 && h > 0.0) {
        return rect;
    }
    if w > h * aspect {
        let pad = 0.5 * (w - h * aspect);
        (l + pad, t, r - pad, b)
    } else {
        let pad = 0.5 * (h - w / aspect);
        (l, t + pad, r, b - pad)
    }
}

/// Tick positions and labels for an axis.
pub fn ticks(range: (f64, f64), log: bool, max_ticks: usize) -> Vec<(f64, String)> {
    let (lo, hi) = range;
    if !(lo.is_finite() && hi.is_finite()) || hi <= lo {
        return vec![];
    }
    if log {
        let (a, b) = (lo.log10().ceil() as i32, hi.log10().floor() as i32);
        let count = (b - a + 1).max(1) as usize;
        let every = count.div_ceil(max_ticks.max(1)).max(1);
        return (a..=b)
            .filter(|e| ((e - a) as usize).is_multiple_of(every))
            .map(|e| (10f64.powi(e), fmt_num(10f64.powi(e))))
            .collect();
    }
    let raw = (hi - lo) / max_ticks.max(1) as f64;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0].iter().map(|m| m * mag).find(|s| *s >= raw).unwrap_or(10.0 * mag);
    let first = (lo / step).ceil() as i64;
    let last = (hi / step).floor() as i64;
    (first..=last).map(|i| i as f64 * step).map(|v| (v, fmt_num(if v.abs() < step * 1e-9 { 0.0 } else { v }))).collect()
}

/// Draws the frame of a chart: grid lines at the ticks, the border, tick labels and axis titles.
pub fn draw_frame<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    m: &Mapping,
    x_title: &str,
    y_title: &str,
    theme: &Theme,
    scale: f64,
) -> Result<(), FigureError> {
    let (l, t, r, b) = m.rect;
    let px = |x: f64| x.round() as i32;
    let grid = ShapeStyle::from(&theme.grid).stroke_width(scale.max(1.0) as u32);
    let label = font(11.0, scale, theme.muted);
    let max_x = ((r - l) / (70.0 * scale)).max(2.0) as usize;
    let max_y = ((b - t) / (34.0 * scale)).max(2.0) as usize;
    for (v, text) in ticks(m.x_range, m.log_x, max_x) {
        let x = px(m.px(v));
        area.draw(&PathElement::new(vec![(x, px(t)), (x, px(b))], grid)).map_err(err)?;
        let style = label.clone().pos(text::Pos::new(text::HPos::Center, text::VPos::Top));
        area.draw(&Text::new(text, (x, px(b + 4.0 * scale)), style)).map_err(err)?;
    }
    for (v, text) in ticks(m.y_range, m.log_y, max_y) {
        let y = px(m.py(v));
        area.draw(&PathElement::new(vec![(px(l), y), (px(r), y)], grid)).map_err(err)?;
        let style = label.clone().pos(text::Pos::new(text::HPos::Right, text::VPos::Center));
        area.draw(&Text::new(text, (px(l - 5.0 * scale), y), style)).map_err(err)?;
    }
    let border = ShapeStyle::from(&theme.muted).stroke_width(scale.max(1.0) as u32);
    area.draw(&Rectangle::new([(px(l), px(t)), (px(r), px(b))], border)).map_err(err)?;
    let title = font(12.0, scale, theme.fg);
    let (_, h) = area.dim_in_pixel();
    area.draw(&Text::new(
        x_title.to_string(),
        (px((l + r) / 2.0), h as i32 - px(3.0 * scale)),
        title.clone().pos(text::Pos::new(text::HPos::Center, text::VPos::Bottom)),
    ))
    .map_err(err)?;
    area.draw(&Text::new(
        y_title.to_string(),
        (px(l + 6.0 * scale), px(t + 4.0 * scale)),
        title.pos(text::Pos::new(text::HPos::Left, text::VPos::Top)),
    ))
    .map_err(err)?;
    Ok(())
}

/// A dashed straight line (`dash` = on, off lengths in pixels).
pub fn dashed_line<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    from: (f64, f64),
    to: (f64, f64),
    dash: (f64, f64),
    style: ShapeStyle,
) -> Result<(), FigureError> {
    let (dx, dy) = (to.0 - from.0, to.1 - from.1);
    let len = (dx * dx + dy * dy).sqrt();
    if len == 0.0 {
        return Ok(());
    }
    let mut s = 0.0;
    while s < len {
        let e = (s + dash.0).min(len);
        let a = (from.0 + dx * s / len, from.1 + dy * s / len);
        let b = (from.0 + dx * e / len, from.1 + dy * e / len);
        area.draw(&PathElement::new(
            vec![(a.0.round() as i32, a.1.round() as i32), (b.0.round() as i32, b.1.round() as i32)],
            style,
        ))
        .map_err(err)?;
        s += dash.0 + dash.1;
    }
    Ok(())
}

/// A "nice" log range in whole decades containing `[lo, hi]`.
pub fn decade_range(lo: f64, hi: f64) -> (f64, f64) {
    let lo = if lo.is_finite() && lo > 0.0 { lo } else { 1e-6 };
    let hi = if hi.is_finite() && hi > lo { hi } else { lo * 10.0 };
    (10f64.powf(lo.log10().floor()), 10f64.powf(hi.log10().ceil()))
}

/// A count with thousands separators (20,000).
pub fn fmt_count(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Formats an axis or readout number compactly (3 significant digits).
pub fn fmt_num(v: f64) -> String {
    if v == 0.0 {
        return "0".into();
    }
    if !v.is_finite() {
        return if v.is_nan() {
            "NaN".into()
        } else if v > 0.0 {
            "∞".into()
        } else {
            "−∞".into()
        };
    }
    let a = v.abs();
    if !(1e-3..1e5).contains(&a) {
        let e = a.log10().floor() as i32;
        let m = v / 10f64.powi(e);
        let m = format!("{m:.2}");
        let m = m.trim_end_matches('0').trim_end_matches('.');
        format!("{m}e{e}")
    } else {
        let digits = (2 - a.log10().floor() as i32).max(0) as usize;
        let s = format!("{v:.digits$}");
        if s.contains('.') {
            s.trim_end_matches('0').trim_end_matches('.').to_string()
        } else {
            s
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mapping_round_trips() {
        let m = Mapping {
            rect: (10.0, 5.0, 110.0, 105.0),
            x_range: (0.0, 100.0),
            y_range: (1e-4, 1.0),
            log_x: false,
            log_y: true,
        };
        assert!((m.px(50.0) - 60.0).abs() < 1e-12);
        assert!((m.py(1e-2) - 55.0).abs() < 1e-9);
        assert!((m.data_y(m.py(3e-3)) - 3e-3).abs() < 1e-15);
        assert!((m.data_x(m.px(42.0)) - 42.0).abs() < 1e-12);
    }

    #[test]
    fn numbers_format_compactly() {
        assert_eq!(fmt_num(0.0123456), "0.0123");
        assert_eq!(fmt_num(1.5e-7), "1.5e-7");
        assert_eq!(fmt_num(123.456), "123");
        assert_eq!(fmt_num(2.0), "2");
        assert_eq!(decade_range(3e-4, 0.2), (1e-4, 1.0));
    }
}

#[cfg(test)]
mod svg_tests {
    use super::*;
    use crate::sim::device::Device;

    #[test]
    fn figures_render_to_svg_natively() {
        let mut svg = String::new();
        {
            let area = SVGBackend::with_string(&mut svg, (400, 300)).into_drawing_area();
            let m = device::draw_device(&area, &Device::ald(1.0, 0.0), &[], &Theme::LIGHT, 1.0).unwrap();
            device::draw_sp_estimates(&area, &m, &[0.2, 0.22], &Theme::LIGHT, 1.0).unwrap();
            area.present().unwrap();
        }
        assert!(svg.contains("<svg"));
        assert!(svg.contains("zero-shift ≈ 0.21"), "zero-shift estimate label missing");
        assert!(svg.contains("weight w"), "axis title missing");
        assert!(svg.matches("<polyline").count() + svg.matches("<path").count() >= 4);
    }
}

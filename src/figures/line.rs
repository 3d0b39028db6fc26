//! The 1-D view of a one-coordinate quadratic: f(w) − f* against w, with w*, W₀, the device
//! range, the symmetric point and Analog SGD's theory point on the w axis. The moving layer puts
//! each algorithm's averaged iterate (and, faintly, its raw iterate) on the curve.

use super::{clear, dashed_line, draw_frame, err, font, plot_rect, FigureError, Mapping, Theme};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor as text;

/// What the static layer of the 1-D view shows.
#[derive(Clone, Debug, PartialEq)]
pub struct Line1d {
    pub h: f64,
    pub wstar: f64,
    pub w0: f64,
    /// The device's reachable interval, if bounded.
    pub range: Option<(f64, f64)>,
    pub symmetric_point: Option<f64>,
    /// Analog SGD's stationary point (theory).
    pub analog_theory: Option<f64>,
    /// The shown w interval.
    pub view: (f64, f64),
}

impl Line1d {
    /// f(w) − f*.
    pub fn loss(&self, w: f64) -> f64 {
        0.5 * self.h * (w - self.wstar).powi(2)
    }

    /// The mapping on an area of `width × height` pixels: the curve's largest value in view sets
    /// the height, with a little room above.
    pub fn mapping(&self, width: f64, height: f64, scale: f64) -> Mapping {
        let top = self.loss(self.view.0).max(self.loss(self.view.1)).max(1e-9) * 1.08;
        Mapping {
            rect: plot_rect(width, height, scale, 52.0),
            x_range: self.view,
            y_range: (0.0, top),
            log_x: false,
            log_y: false,
        }
    }
}

/// Draws the axes, the curve and the marks on the w axis; returns the mapping.
pub fn draw_line_static<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    l: &Line1d,
    theme: &Theme,
    scale: f64,
) -> Result<Mapping, FigureError> {
    clear(area, theme)?;
    let (w, h) = area.dim_in_pixel();
    let m = l.mapping(w as f64, h as f64, scale);
    draw_frame(area, &m, "w", "f(w) − f*", theme, scale)?;
    let inside = |v: f64| v >= l.view.0 && v <= l.view.1;
    let thin = ShapeStyle::from(&theme.muted).stroke_width((1.2 * scale).round().max(1.0) as u32);
    if let Some((a, b)) = l.range {
        for edge in [a, b].into_iter().filter(|v| inside(*v)) {
            dashed_line(area, (m.px(edge), m.rect.1), (m.px(edge), m.rect.3), (6.0 * scale, 4.0 * scale), thin)?;
        }
        let note = if inside(a) && inside(b) { "device range" } else { "zoomed in · device range" };
        area.draw(&Text::new(
            format!("{note} [{}, {}]", super::fmt_num(a), super::fmt_num(b)),
            ((m.rect.0 + 6.0 * scale) as i32, (m.rect.1 + 20.0 * scale) as i32),
            font(11.0, scale, theme.muted).pos(text::Pos::new(text::HPos::Left, text::VPos::Top)),
        ))
        .map_err(err)?;
    }
    // The curve.
    let n = 200;
    let points: Vec<(i32, i32)> = (0..=n)
        .map(|i| {
            let x = l.view.0 + (l.view.1 - l.view.0) * i as f64 / n as f64;
            (m.px(x).round() as i32, m.py(l.loss(x)).round() as i32)
        })
        .collect();
    let curve = ShapeStyle::from(&theme.fg.mix(0.55)).stroke_width((1.5 * scale).round().max(1.0) as u32);
    area.draw(&PathElement::new(points, curve)).map_err(err)?;
    // Marks on the w axis (the bottom of the plot).
    let base = m.rect.3;
    let tick = |x: f64, color: RGBColor, label: &str, row: f64| -> Result<(), FigureError> {
        let px = m.px(x).round() as i32;
        let style = ShapeStyle::from(&color).stroke_width((2.0 * scale).round() as u32);
        area.draw(&PathElement::new(vec![(px, (base - 10.0 * scale) as i32), (px, base as i32)], style))
            .map_err(err)?;
        let y = (base - (14.0 + 13.0 * row) * scale) as i32;
        area.draw(&Text::new(
            label.to_string(),
            (px, y),
            font(11.0, scale, color).pos(text::Pos::new(text::HPos::Center, text::VPos::Bottom)),
        ))
        .map_err(err)?;
        Ok(())
    };
    if inside(l.w0) {
        tick(l.w0, theme.muted, "W₀", 0.0)?;
    }
    if let Some(sp) = l.symmetric_point.filter(|v| inside(*v)) {
        tick(sp, theme.muted, "× symmetric point", 2.0)?;
    }
    tick(l.wstar, theme.fg, "w*", 0.0)?;
    if let Some(t) = l.analog_theory.filter(|v| inside(*v)) {
        // A diamond on the axis, as the ◇ of the 2-D landscape.
        let (x, y) = (m.px(t).round() as i32, base.round() as i32);
        let d = (7.0 * scale) as i32;
        let style = ShapeStyle::from(&theme.analog).stroke_width((2.0 * scale).round() as u32);
        area.draw(&PathElement::new(vec![(x, y - d), (x + d, y), (x, y + d), (x - d, y), (x, y - d)], style))
            .map_err(err)?;
        let row = if (m.px(t) - m.px(l.wstar)).abs() < 60.0 * scale { 1.0 } else { 0.0 };
        tick(t, theme.analog, "Analog SGD theory ◇", row)?;
    }
    Ok(m)
}

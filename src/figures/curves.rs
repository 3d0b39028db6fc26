//! Line charts of several curves on shared axes (the reproduced paper figures): the same frame
//! and ticks as the live loss panel, with a legend and horizontal reference lines.

use super::{clear, dashed_line, draw_frame, err, font, plot_rect, FigureError, Mapping, Theme};
use plotters::coord::Shift;
use plotters::prelude::*;

/// One curve.
#[derive(Clone, Debug)]
pub struct Curve {
    pub label: String,
    pub color: RGBColor,
    /// Dash pattern (on, off) in pixels; `None` = solid.
    pub dash: Option<(f64, f64)>,
    pub points: Vec<(f64, f64)>,
}

/// A horizontal reference line (e.g. a theory value).
#[derive(Clone, Debug)]
pub struct RefLine {
    pub label: String,
    pub value: f64,
    pub color: RGBColor,
}

/// A chart: title, axis titles, log flags and content.
#[derive(Clone, Debug)]
pub struct Chart {
    pub title: String,
    pub x_title: String,
    pub y_title: String,
    pub log_x: bool,
    pub log_y: bool,
    pub curves: Vec<Curve>,
    pub lines: Vec<RefLine>,
}

impl Chart {
    /// Axis ranges that hold every finite point (decades on log axes).
    pub fn ranges(&self) -> ((f64, f64), (f64, f64)) {
        let pts =
            self.curves.iter().flat_map(|c| c.points.iter()).filter(|(x, y)| {
                x.is_finite() && y.is_finite() && (!self.log_x || *x > 0.0) && (!self.log_y || *y > 0.0)
            });
        let (mut x0, mut x1, mut y0, mut y1) = (f64::INFINITY, f64::NEG_INFINITY, f64::INFINITY, f64::NEG_INFINITY);
        for &(x, y) in pts {
            x0 = x0.min(x);
            x1 = x1.max(x);
            y0 = y0.min(y);
            y1 = y1.max(y);
        }
        for l in &self.lines {
            if l.value.is_finite() && (!self.log_y || l.value > 0.0) {
                y0 = y0.min(l.value);
                y1 = y1.max(l.value);
            }
        }
        if !x0.is_finite() {
            return ((0.0, 1.0), (if self.log_y { 1e-6 } else { 0.0 }, 1.0));
        }
        let x = if self.log_x { super::decade_range(x0, x1) } else { (x0, if x1 > x0 { x1 } else { x0 + 1.0 }) };
        let y = if self.log_y {
            super::decade_range(y0, y1)
        } else {
            let pad = 0.05 * (y1 - y0).max(1e-12);
            (y0 - pad, y1 + pad)
        };
        (x, y)
    }
}

/// Draws the chart; returns its mapping.
pub fn draw_chart<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    chart: &Chart,
    theme: &Theme,
    scale: f64,
) -> Result<Mapping, FigureError> {
    clear(area, theme)?;
    let (w, h) = area.dim_in_pixel();
    let (x_range, y_range) = chart.ranges();
    let mut rect = plot_rect(w as f64, h as f64, scale, 56.0);
    rect.1 += 18.0 * scale; // room for the title
    let m = Mapping { rect, x_range, y_range, log_x: chart.log_x, log_y: chart.log_y };
    draw_frame(area, &m, &chart.x_title, &chart.y_title, theme, scale)?;
    area.draw(&Text::new(chart.title.clone(), ((m.rect.0) as i32, (4.0 * scale) as i32), font(13.0, scale, theme.fg)))
        .map_err(err)?;
    let inside =
        |x: f64, y: f64| x.is_finite() && y.is_finite() && (!chart.log_x || x > 0.0) && (!chart.log_y || y > 0.0);
    for l in &chart.lines {
        if !inside(m.x_range.0, l.value) {
            continue;
        }
        let y = m.py(l.value);
        let style = ShapeStyle::from(&l.color).stroke_width((1.2 * scale).round().max(1.0) as u32);
        dashed_line(area, (m.rect.0, y), (m.rect.2, y), (3.0 * scale, 3.0 * scale), style)?;
        let text = font(11.0, scale, l.color)
            .pos(super::text_anchor::Pos::new(super::text_anchor::HPos::Left, super::text_anchor::VPos::Bottom));
        area.draw(&Text::new(l.label.clone(), ((m.rect.0 + 4.0 * scale) as i32, (y - 2.0 * scale) as i32), text))
            .map_err(err)?;
    }
    for c in &chart.curves {
        let style = ShapeStyle::from(&c.color).stroke_width((1.6 * scale).round().max(1.0) as u32);
        let pts: Vec<(f64, f64)> =
            c.points.iter().filter(|(x, y)| inside(*x, *y)).map(|&(x, y)| (m.px(x), m.py(y))).collect();
        match c.dash {
            None => {
                let px: Vec<(i32, i32)> = pts.iter().map(|&(x, y)| (x.round() as i32, y.round() as i32)).collect();
                area.draw(&PathElement::new(px, style)).map_err(err)?;
            }
            Some(d) => {
                for seg in pts.windows(2) {
                    dashed_line(area, seg[0], seg[1], (d.0 * scale, d.1 * scale), style)?;
                }
            }
        }
    }
    // Legend, top right inside the plot.
    let row = 14.0 * scale;
    let x = m.rect.2 - 190.0 * scale;
    for (k, c) in chart.curves.iter().enumerate() {
        let y = m.rect.1 + 6.0 * scale + row * k as f64;
        let style = ShapeStyle::from(&c.color).stroke_width((2.0 * scale).round() as u32);
        match c.dash {
            None => area
                .draw(&PathElement::new(
                    vec![(x as i32, (y + 6.0 * scale) as i32), ((x + 22.0 * scale) as i32, (y + 6.0 * scale) as i32)],
                    style,
                ))
                .map_err(err)?,
            Some(d) => dashed_line(
                area,
                (x, y + 6.0 * scale),
                (x + 22.0 * scale, y + 6.0 * scale),
                (d.0 * scale, d.1 * scale),
                style,
            )?,
        }
        area.draw(&Text::new(c.label.clone(), ((x + 26.0 * scale) as i32, y as i32), font(11.0, scale, theme.fg)))
            .map_err(err)?;
    }
    Ok(m)
}

/// The chart as an SVG document.
pub fn chart_svg(chart: &Chart, width: u32, height: u32) -> Result<String, FigureError> {
    super::svg_string((width, height), |area| draw_chart(area, chart, &Theme::LIGHT, 1.0).map(|_| ()))
}

/// The chart's data as CSV: one block of rows per curve (curve, x, y).
pub fn chart_csv(chart: &Chart) -> String {
    let mut out = String::from("curve,x,y\n");
    for c in &chart.curves {
        for (x, y) in &c.points {
            out.push_str(&format!("{},{x},{y:e}\n", c.label.replace(',', ";")));
        }
    }
    for l in &chart.lines {
        out.push_str(&format!("{} (reference),,{:e}\n", l.label.replace(',', ";"), l.value));
    }
    out
}

//! The weights view for many-weight problems: each weight wᵢ against its optimum w*ᵢ.

use super::{clear, dashed_line, draw_frame, plot_rect, FigureError, Mapping, Theme};
use plotters::coord::Shift;
use plotters::prelude::*;

/// Draws the axes and the diagonal w = w* (and a theory level, if any); returns the mapping.
pub fn draw_weights_axes<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    range: (f64, f64),
    theory_level: Option<f64>,
    theme: &Theme,
    scale: f64,
) -> Result<Mapping, FigureError> {
    clear(area, theme)?;
    let (w, h) = area.dim_in_pixel();
    let m = Mapping {
        rect: plot_rect(w as f64, h as f64, scale, 44.0),
        x_range: range,
        y_range: range,
        log_x: false,
        log_y: false,
    };
    draw_frame(area, &m, "optimum w*ᵢ", "weight wᵢ", theme, scale)?;
    let style = ShapeStyle::from(&theme.muted).stroke_width(scale.max(1.0) as u32);
    dashed_line(
        area,
        (m.px(range.0), m.py(range.0)),
        (m.px(range.1), m.py(range.1)),
        (5.0 * scale, 4.0 * scale),
        style,
    )?;
    if let Some(v) = theory_level {
        let s = ShapeStyle::from(&theme.analog).stroke_width((1.5 * scale).round() as u32);
        dashed_line(area, (m.rect.0, m.py(v)), (m.rect.2, m.py(v)), (3.0 * scale, 3.0 * scale), s)?;
    }
    Ok(m)
}

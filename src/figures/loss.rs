//! The curve panels: f − f* (or the averaged iterate's distance to w*) against step on a log-y
//! axis, with the theory lines.

use super::{clear, dashed_line, draw_frame, err, font, plot_rect, FigureError, Mapping, Theme};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor as text;

/// A horizontal theory line.
#[derive(Clone, Debug, PartialEq)]
pub struct TheoryLine {
    pub label: String,
    pub value: f64,
    pub color: RGBColor,
}

/// What the static layer of the loss panel shows.
#[derive(Clone, Debug, PartialEq)]
pub struct LossAxes {
    /// The run length (the x axis ends there).
    pub steps: u64,
    pub log_x: bool,
    /// The y range (decades).
    pub y_range: (f64, f64),
    /// The y axis title.
    pub y_title: &'static str,
    pub lines: Vec<TheoryLine>,
    /// Whether to write the lines' labels (the live view writes them above its moving curves).
    pub labels: bool,
}

impl LossAxes {
    /// The data → pixel mapping on an area of `width × height` pixels.
    pub fn mapping(&self, width: f64, height: f64, scale: f64) -> Mapping {
        let x_range =
            if self.log_x { (1.0, (self.steps as f64 + 1.0).max(10.0)) } else { (0.0, self.steps.max(1) as f64) };
        Mapping {
            rect: plot_rect(width, height, scale, 52.0),
            x_range,
            y_range: self.y_range,
            log_x: self.log_x,
            log_y: true,
        }
    }
}

/// Where each theory line's label sits: the bottom of its text, just above its line at pixel
/// `ys[i]`, or just below it where that would overlap a label already placed (two theory lines
/// a few pixels apart in a short panel). `height` is a label's height in pixels.
pub fn label_baselines(ys: &[f64], height: f64) -> Vec<f64> {
    let mut placed: Vec<f64> = Vec::new();
    for &y in ys {
        let above = y - 0.15 * height;
        let clear = |b: f64| placed.iter().all(|p| (p - b).abs() >= height);
        placed.push(if clear(above) { above } else { y + 1.15 * height });
    }
    placed
}

/// Draws axes, grid and theory lines; returns the mapping for the curves.
pub fn draw_loss_axes<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    axes: &LossAxes,
    theme: &Theme,
    scale: f64,
) -> Result<Mapping, FigureError> {
    clear(area, theme)?;
    let (w, h) = area.dim_in_pixel();
    let m = axes.mapping(w as f64, h as f64, scale);
    let x_title = if axes.log_x { "step + 1 (log)" } else { "step" };
    draw_frame(area, &m, x_title, axes.y_title, theme, scale)?;
    for line in shown_lines(axes, &m) {
        let y = m.py(line.value);
        let style = ShapeStyle::from(&line.color).stroke_width((1.5 * scale).round().max(1.0) as u32);
        dashed_line(area, (m.rect.0, y), (m.rect.2, y), (3.0 * scale, 3.0 * scale), style)?;
    }
    if axes.labels {
        draw_theory_labels(area, axes, &m, theme, scale)?;
    }
    Ok(m)
}

fn shown_lines<'a>(axes: &'a LossAxes, m: &Mapping) -> Vec<&'a TheoryLine> {
    axes.lines.iter().filter(|l| l.value.is_finite() && l.value > m.y_range.0 && l.value < m.y_range.1).collect()
}

/// The theory lines' labels, at the right end of their lines on a translucent background (a
/// figure draws them after the curves so no curve hides them).
pub fn draw_theory_labels<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    axes: &LossAxes,
    m: &Mapping,
    theme: &Theme,
    scale: f64,
) -> Result<(), FigureError> {
    let shown = shown_lines(axes, m);
    let ys: Vec<f64> = shown.iter().map(|l| m.py(l.value)).collect();
    let baselines = label_baselines(&ys, 13.0 * scale);
    for (line, &base) in shown.iter().zip(&baselines) {
        let right = m.rect.2 - 4.0 * scale;
        let width = 0.55 * 11.0 * scale * line.label.chars().count() as f64;
        let back = theme.bg.mix(0.8).filled();
        let corners =
            [((right - width - 2.0 * scale) as i32, (base - 12.0 * scale) as i32), (right as i32 + 2, base as i32 + 1)];
        area.draw(&Rectangle::new(corners, back)).map_err(err)?;
        let text = font(11.0, scale, line.color).pos(text::Pos::new(text::HPos::Right, text::VPos::Bottom));
        area.draw(&Text::new(line.label.clone(), (right as i32, base as i32), text)).map_err(err)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::label_baselines;

    #[test]
    fn close_theory_labels_go_to_either_side_of_their_lines() {
        // Far apart: both above their lines.
        let far = label_baselines(&[100.0, 200.0], 13.0);
        assert!(far[0] < 100.0 && far[1] < 200.0);
        // 5 px apart: the second label moves below its line, clear of the first.
        let near = label_baselines(&[100.0, 105.0], 13.0);
        assert!(near[0] < 100.0 && near[1] > 105.0 && (near[1] - near[0]).abs() >= 13.0, "{near:?}");
    }
}

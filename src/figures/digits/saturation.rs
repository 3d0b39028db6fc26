//! The saturation panel of the digits view: per track the histogram of |w|/τ, how close the
//! weights sit to the device's bounds.

use super::*;

/// One track's |w|/τ histogram.
#[derive(Clone, Debug, PartialEq)]
pub struct SaturationPanel {
    pub key: String,
    pub label: String,
    /// Weights per bin of |w|/τ over [0, 1] ([`SATURATION_BINS`](crate::sim::network::SATURATION_BINS)
    /// bins; the last also counts |w| > τ, which only Digital SGD's unbounded weights reach).
    pub counts: Vec<u64>,
    /// max |w|/τ (may exceed 1 for Digital SGD).
    pub max_ratio: f64,
}

/// The histogram of every track of a summary.
pub fn saturation_panels(summary: &NetSummary) -> Vec<SaturationPanel> {
    // Digital SGD's weights are not conductances: no range to saturate.
    summary
        .algorithms
        .iter()
        .filter(|a| !a.algorithm.starts_with("digital"))
        .map(|a| SaturationPanel {
            key: a.algorithm.clone(),
            label: track_label(&a.algorithm),
            counts: a.saturation_histogram.clone(),
            max_ratio: a.max_saturation,
        })
        .collect()
}

/// The grid of small multiples closest to panels 1.4 times as wide as tall, with few empty cells.
pub(super) fn grid_shape(n: usize, w: f64, h: f64) -> (usize, usize) {
    let score = |cols: usize| {
        let rows = n.div_ceil(cols);
        let empty = (rows * cols - n) as f64;
        ((w / cols as f64) / (h / rows as f64) / 1.4).ln().abs() + 0.3 * empty
    };
    let cols = (1..=n.max(1)).min_by(|a, b| score(*a).total_cmp(&score(*b))).unwrap_or(1);
    (n.max(1).div_ceil(cols), cols)
}

/// The |w|/τ histograms (paper Fig. 7) as small multiples, one per track, each with its
/// maximum marked: a dashed line at max |w|/τ, or an arrow at the edge when it exceeds 1.
pub fn draw_saturation<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    panels: &[SaturationPanel],
    theme: &Theme,
    scale: f64,
) -> Result<(), FigureError> {
    clear(area, theme)?;
    let (w, h) = area.dim_in_pixel();
    let (rows, cols) = grid_shape(panels.len(), w as f64, h as f64);
    let shares_of = |p: &SaturationPanel| -> Vec<f64> {
        // In f64: counts from a worker message must not overflow the sum.
        let total = p.counts.iter().map(|&c| c as f64).sum::<f64>().max(1.0);
        p.counts.iter().map(|c| 100.0 * *c as f64 / total).collect()
    };
    // One y scale for every panel, so their bars compare at a glance.
    let top = panels.iter().flat_map(shares_of).fold(1.0, f64::max) * 1.12;
    for (cell, p) in area.split_evenly((rows, cols)).iter().zip(panels) {
        let (cw, ch) = cell.dim_in_pixel();
        let st = track_style(&p.key, theme);
        let shares = shares_of(p);
        let rect = (38.0 * scale, 34.0 * scale, cw as f64 - 10.0 * scale, ch as f64 - 32.0 * scale);
        let m = Mapping { rect, x_range: (0.0, 1.0), y_range: (0.0, top), log_x: false, log_y: false };
        // Frame first, so the bars sit over the grid lines.
        draw_frame(cell, &m, "|w|/τ (the last bin includes > 1)", "", theme, scale)?;
        let bins = shares.len().max(1) as f64;
        for (b, s) in shares.iter().enumerate().filter(|(_, s)| **s > 0.0) {
            let (l, r) = (m.px(b as f64 / bins), m.px((b + 1) as f64 / bins));
            let bar = [(px(l) + 1, px(m.py(*s))), (px(r), px(m.py(0.0)) - 1)];
            cell.draw(&Rectangle::new(bar, st.color.mix(0.8).filled())).map_err(err)?;
        }
        write(cell, &p.label, (rect.0, 9.0 * scale), anchored(11.5, scale, theme.fg, text::HPos::Left))?;
        write(cell, "% of weights", (rect.2, 9.0 * scale), anchored(10.0, scale, theme.muted, text::HPos::Right))?;
        let note = format!("max |w|/τ = {}", fmt_num(p.max_ratio));
        write(cell, &note, (rect.0, 24.0 * scale), anchored(10.5, scale, theme.fg, text::HPos::Left))?;
        let mark = ShapeStyle::from(&theme.fg).stroke_width((1.5 * scale).round().max(1.0) as u32);
        // Bounded weights sit at most at τ; allow for the rounding of w/τ.
        if p.max_ratio.is_finite() && p.max_ratio <= 1.0 + 1e-9 {
            let x = m.px(p.max_ratio.min(1.0));
            stroke(cell, &[(x, rect.1), (x, rect.3)], &[4.0 * scale, 3.0 * scale], mark)?;
        } else if p.max_ratio > 1.0 + 1e-9 {
            // Beyond the device range (digital weights): an arrow pointing off the right edge.
            let (x, y) = (rect.2 - 2.0 * scale, rect.1 + 8.0 * scale);
            let head = vec![
                (px(x), px(y)),
                (px(x - 7.0 * scale), px(y - 4.0 * scale)),
                (px(x - 7.0 * scale), px(y + 4.0 * scale)),
            ];
            cell.draw(&Polygon::new(head, theme.fg.filled())).map_err(err)?;
            stroke(cell, &[(x - 22.0 * scale, y), (x - 6.0 * scale, y)], &[], mark)?;
        }
    }
    Ok(())
}

//! A CNN's first-layer feature maps for one test digit, one row of maps per track.

use super::*;
use crate::sim::network::FeatureMaps;

/// One track's maps.
#[derive(Clone, Debug, PartialEq)]
pub struct MapsRow {
    pub key: String,
    pub label: String,
    pub maps: FeatureMaps,
}

/// Each track's first-convolution feature maps (−1 in the background colour, +1 in ink), under a
/// line naming the track; the maps wrap into as many lines as the width needs (16, 8 or 4 a line).
pub fn draw_feature_maps<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    rows: &[MapsRow],
    theme: &Theme,
    scale: f64,
) -> Result<(), FigureError> {
    clear(area, theme)?;
    let (w, h) = (area.dim_in_pixel().0 as f64, area.dim_in_pixel().1 as f64);
    let Some(first) = rows.first() else { return Ok(()) };
    let n = first.maps.channels().max(1);
    let gap = 3.0 * scale;
    let label_h = 18.0 * scale;
    let cols =
        [16, 8, 4].into_iter().find(|&c| c <= n && (w - 8.0 * scale) / c as f64 - gap >= 24.0 * scale).unwrap_or(4);
    let lines = n.div_ceil(cols);
    let by_width = (w - 8.0 * scale) / cols as f64 - gap;
    let by_height = ((h - 4.0 * scale) / rows.len() as f64 - label_h) / lines as f64 - gap;
    let side = by_width.min(by_height).max(6.0);
    let row_h = label_h + lines as f64 * (side + gap);
    for (r, row) in rows.iter().enumerate() {
        let y0 = 4.0 * scale + r as f64 * row_h;
        let color = track_style(&row.key, theme).color;
        let mid = y0 + 0.5 * label_h;
        let bar = [(px(4.0 * scale), px(mid - 4.0 * scale)), (px(7.0 * scale), px(mid + 4.0 * scale))];
        area.draw(&Rectangle::new(bar, color.filled())).map_err(err)?;
        write(area, &row.label, (12.0 * scale, mid), anchored(11.0, scale, theme.fg, text::HPos::Left))?;
        let m = row.maps.side.max(1);
        let cell = side / m as f64;
        for c in 0..row.maps.channels() {
            let left = 4.0 * scale + (c % cols) as f64 * (side + gap);
            let top = y0 + label_h + (c / cols) as f64 * (side + gap);
            let levels = &row.maps.levels[c * m * m..(c + 1) * m * m];
            for (p, &level) in levels.iter().enumerate() {
                let t = f64::from(level) / 255.0;
                let mix = |a: u8, b: u8| (a as f64 + (b as f64 - a as f64) * t).round() as u8;
                let ink =
                    RGBColor(mix(theme.bg.0, theme.fg.0), mix(theme.bg.1, theme.fg.1), mix(theme.bg.2, theme.fg.2));
                let (x, y) = (left + (p % m) as f64 * cell, top + (p / m) as f64 * cell);
                area.draw(&Rectangle::new([(px(x), px(y)), (px(x + cell + 0.5), px(y + cell + 0.5))], ink.filled()))
                    .map_err(err)?;
            }
            let frame = ShapeStyle::from(&theme.grid).stroke_width(1);
            area.draw(&Rectangle::new([(px(left), px(top)), (px(left + side), px(top + side))], frame)).map_err(err)?;
        }
    }
    Ok(())
}

//! The grid of test digits with every track's predicted class under each image.

use super::*;

/// Test images to draw: `side`×`side` grey levels 0…`max_level`, row by row, and their labels.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct GridImages {
    pub side: usize,
    pub max_level: u8,
    pub images: Vec<Vec<u8>>,
    pub labels: Vec<u8>,
}

/// One track's predicted classes for the grid's images (in image order).
#[derive(Clone, Debug, PartialEq)]
pub struct PredictionRow {
    pub key: String,
    pub label: String,
    pub predicted: Vec<u8>,
}

/// Height of one prediction line under an image, in CSS pixels.
const PREDICTION_LINE: f64 = 14.5;

/// Colours of right and wrong predictions: bluish green and a magenta-red, apart for every
/// common colour-vision deficiency; wrong ones are also boxed and struck through.
pub(super) fn verdict_colors(theme: &Theme) -> (RGBColor, RGBColor) {
    if theme.dark {
        (RGBColor(90, 200, 150), RGBColor(255, 95, 150))
    } else {
        (RGBColor(0, 130, 90), RGBColor(200, 20, 90))
    }
}

/// Test digits (`side`×`side` grey levels 0…`max_level`, row by row) with the true label above each image and, below it, one
/// line per track (in `rows` order, explained by the legend on top) with the predicted class:
/// right in green, wrong boxed in magenta and struck through.
pub fn draw_predictions<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    grid: &GridImages,
    rows: &[PredictionRow],
    theme: &Theme,
    scale: f64,
) -> Result<(), FigureError> {
    let GridImages { side: img_side, max_level, images, labels } = grid;
    let (img_side, max_level) = (*img_side, *max_level);
    clear(area, theme)?;
    let (w, h) = (area.dim_in_pixel().0 as f64, area.dim_in_pixel().1 as f64);
    // Legend: which line is which track, then what right and wrong look like.
    let mut labels_for_legend: Vec<String> =
        rows.iter().enumerate().map(|(r, row)| format!("{}. {}", r + 1, row.label)).collect();
    labels_for_legend.push("right 7   wrong".into());
    let refs: Vec<&str> = labels_for_legend.iter().map(String::as_str).collect();
    let (at, legend_h) = legend_layout(&refs, w - 8.0 * scale, 4.0, scale);
    let line_h = PREDICTION_LINE * scale;
    for (k, (x, y)) in at.iter().enumerate() {
        let (x, y) = (4.0 * scale + x, 4.0 * scale + y);
        let mid = y + 0.5 * LEGEND_ROW * scale;
        if let Some(row) = rows.get(k) {
            let color = track_style(&row.key, theme).color;
            let bar = [(px(x), px(mid - 4.0 * scale)), (px(x + 3.0 * scale), px(mid + 4.0 * scale))];
            area.draw(&Rectangle::new(bar, color.filled())).map_err(err)?;
            write(area, refs[k], (x + 8.0 * scale, mid), anchored(10.5, scale, theme.fg, text::HPos::Left))?;
        } else {
            let muted = anchored(10.5, scale, theme.muted, text::HPos::Left);
            write(area, "right", (x, mid), muted.clone())?;
            prediction(area, (x + 34.0 * scale, mid), 7, true, theme, scale)?;
            write(area, "wrong", (x + 50.0 * scale, mid), muted)?;
            prediction(area, (x + 88.0 * scale, mid), 1, false, theme, scale)?;
        }
    }
    let n = images.len().min(labels.len());
    if n == 0 {
        return Ok(());
    }
    // Image columns: the count that makes the images largest while every cell fits.
    let top = legend_h + 8.0 * scale;
    let below = rows.len() as f64 * line_h + 4.0 * scale;
    let above = 14.0 * scale;
    let side_for = |cols: usize| {
        let (cw, ch) = (w / cols as f64, (h - top) / n.div_ceil(cols) as f64);
        (cw - 6.0 * scale).min(ch - above - below)
    };
    let cols = (1..=n).max_by(|a, b| side_for(*a).total_cmp(&side_for(*b))).unwrap_or(1);
    let img_side = img_side.max(1);
    let side = side_for(cols).max(8.0);
    let (cw, ch) = (w / cols as f64, (h - top) / n.div_ceil(cols) as f64);
    let cell_px = side / img_side as f64;
    for i in 0..n {
        let (x0, y0) = ((i % cols) as f64 * cw, top + (i / cols) as f64 * ch);
        let left = x0 + (cw - side) / 2.0;
        let img_top = y0 + above;
        let true_label = anchored(12.0, scale, theme.muted, text::HPos::Center);
        write(area, &labels[i].to_string(), (x0 + cw / 2.0, img_top - 6.0 * scale), true_label)?;
        let frame = ShapeStyle::from(&theme.grid).stroke_width(1);
        area.draw(&Rectangle::new([(px(left), px(img_top)), (px(left + side), px(img_top + side))], frame))
            .map_err(err)?;
        for (p, &level) in images[i].iter().enumerate().filter(|(_, l)| **l > 0) {
            let t = level.min(max_level) as f64 / max_level.max(1) as f64;
            let mix = |a: u8, b: u8| (a as f64 + (b as f64 - a as f64) * t).round() as u8;
            let ink = RGBColor(mix(theme.bg.0, theme.fg.0), mix(theme.bg.1, theme.fg.1), mix(theme.bg.2, theme.fg.2));
            let (cx, cy) = (left + (p % img_side) as f64 * cell_px, img_top + (p / img_side) as f64 * cell_px);
            let pixel = [(px(cx), px(cy)), (px(cx + cell_px), px(cy + cell_px))];
            area.draw(&Rectangle::new(pixel, ink.filled())).map_err(err)?;
        }
        for (r, row) in rows.iter().enumerate() {
            let y = img_top + side + 2.0 * scale + (r as f64 + 0.5) * line_h;
            let color = track_style(&row.key, theme).color;
            let bar_x = x0 + cw / 2.0 - 10.0 * scale;
            let bar = [(px(bar_x), px(y - 3.0 * scale)), (px(bar_x + 2.5 * scale), px(y + 3.0 * scale))];
            area.draw(&Rectangle::new(bar, color.filled())).map_err(err)?;
            let centre = (x0 + cw / 2.0 + 2.0 * scale, y);
            match row.predicted.get(i) {
                Some(&c) => prediction(area, centre, c, c == labels[i], theme, scale)?,
                None => write(area, "–", centre, anchored(12.0, scale, theme.muted, text::HPos::Center))?,
            }
        }
    }
    Ok(())
}

/// A predicted class centred at `(x, y)`: plain green text when right; when wrong, white on a
/// magenta box with a strike through it (shape and colour both say "wrong").
fn prediction<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    (x, y): (f64, f64),
    class: u8,
    is_right: bool,
    theme: &Theme,
    scale: f64,
) -> Result<(), FigureError> {
    let (right, wrong) = verdict_colors(theme);
    let line_h = PREDICTION_LINE * scale;
    // Numerals of at least 12 px: they are the point of the grid.
    let size = 12.0;
    let at = text::Pos::new(text::HPos::Center, text::VPos::Center);
    if is_right {
        return area.draw(&Text::new(class.to_string(), (px(x), px(y)), font(size, scale, right).pos(at))).map_err(err);
    }
    let (hw, hh) = (6.5 * scale, 0.45 * line_h);
    area.draw(&Rectangle::new([(px(x - hw), px(y - hh)), (px(x + hw), px(y + hh))], wrong.filled())).map_err(err)?;
    area.draw(&Text::new(class.to_string(), (px(x), px(y)), font(size, scale, theme.bg).pos(at))).map_err(err)?;
    let strike = ShapeStyle::from(&theme.bg).stroke_width(scale.max(1.0) as u32);
    area.draw(&PathElement::new(
        vec![(px(x - hw + scale), px(y + hh - scale)), (px(x + hw - scale), px(y - hh + scale))],
        strike,
    ))
    .map_err(err)
}

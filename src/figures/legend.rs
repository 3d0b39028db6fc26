//! The legend and title strip of an exported figure: a figure on a paper's page must say what
//! each mark is without the page around it.

use super::moving::{draw_marker, polyline, track_dash};
use super::{err, font, FigureError, Mapping, Theme};
use crate::sim::algorithm::AlgorithmKind;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor as text;

/// What a legend entry shows before its label.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Glyph {
    /// An algorithm's line (its dash) through its marker.
    Track { kind: AlgorithmKind, pulsed: bool, marker: bool },
    /// A translucent band in the algorithm's colour (the raw iterates on the loss panel).
    Band(AlgorithmKind),
    /// The optimum w*: a ring with a cross.
    Optimum,
    /// Analog SGD's theory point ◇.
    Theory,
    /// The device's symmetric point ×.
    Symmetric,
}

/// One legend entry.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    pub glyph: Glyph,
    pub label: String,
}

/// Font size of legend labels and of the title, in pixels at scale 1.
const LABEL: f64 = 12.0;
const TITLE: f64 = 15.0;
/// Height of one legend row and width of a glyph, in pixels.
const ROW: f64 = 22.0;
const GLYPH: f64 = 30.0;

/// An estimate of a label's width (plotters' SVG output has no text metrics; sans-serif
/// averages about 0.58 em per character).
fn text_width(s: &str, size: f64) -> f64 {
    0.58 * size * s.chars().count() as f64
}

/// The entries laid out in rows across `width` pixels: each entry's row and x.
fn layout(entries: &[Entry], width: f64) -> Vec<(usize, f64)> {
    let (mut row, mut x) = (0, 10.0);
    entries
        .iter()
        .map(|e| {
            let w = GLYPH + 6.0 + text_width(&e.label, LABEL) + 18.0;
            if x + w > width - 6.0 && x > 10.0 {
                row += 1;
                x = 10.0;
            }
            let at = (row, x);
            x += w;
            at
        })
        .collect()
}

/// The height the legend needs across `width` pixels (0 without entries).
pub fn legend_height(entries: &[Entry], width: f64) -> f64 {
    layout(entries, width).last().map_or(0.0, |(rows, _)| (*rows + 1) as f64 * ROW + 6.0)
}

/// Draws the legend on `area` (scale 1), wrapping into rows.
pub fn draw_legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    entries: &[Entry],
    theme: &Theme,
) -> Result<(), FigureError> {
    let (w, h) = area.dim_in_pixel();
    let whole = Mapping {
        rect: (0.0, 0.0, w as f64, h as f64),
        x_range: (0.0, 1.0),
        y_range: (0.0, 1.0),
        log_x: false,
        log_y: false,
    };
    let px = |x: f64, y: f64| (x.round() as i32, y.round() as i32);
    for (e, (row, x)) in entries.iter().zip(layout(entries, w as f64)) {
        let y = 3.0 + (row as f64 + 0.5) * ROW;
        let mid = (x + 0.5 * GLYPH, y);
        match e.glyph {
            Glyph::Track { kind, pulsed, marker } => {
                let style = ShapeStyle::from(&theme.algo(kind)).stroke_width(2);
                polyline(area, &whole, &[(x, y), (x + GLYPH, y)], track_dash(kind, pulsed), style)?;
                if marker {
                    draw_marker(area, kind, pulsed, mid, 5.0, theme)?;
                }
            }
            Glyph::Band(kind) => {
                let fill = theme.algo(kind).mix(0.22).filled();
                area.draw(&Rectangle::new([px(x, y - 5.0), px(x + GLYPH, y + 5.0)], fill)).map_err(err)?;
            }
            Glyph::Optimum => {
                let ring = ShapeStyle::from(&theme.fg).stroke_width(2);
                area.draw(&Circle::new(px(mid.0, mid.1), 7, ring)).map_err(err)?;
                let thin = ShapeStyle::from(&theme.fg).stroke_width(1);
                area.draw(&PathElement::new(vec![px(mid.0 - 3.5, y), px(mid.0 + 3.5, y)], thin)).map_err(err)?;
                area.draw(&PathElement::new(vec![px(mid.0, y - 3.5), px(mid.0, y + 3.5)], thin)).map_err(err)?;
            }
            Glyph::Theory => {
                let d = 8.0;
                let diamond =
                    vec![px(mid.0, y - d), px(mid.0 + d, y), px(mid.0, y + d), px(mid.0 - d, y), px(mid.0, y - d)];
                let style = ShapeStyle::from(&theme.analog).stroke_width(2);
                area.draw(&PathElement::new(diamond, style)).map_err(err)?;
            }
            Glyph::Symmetric => {
                let thin = ShapeStyle::from(&theme.muted).stroke_width(1);
                area.draw(&Cross::new(px(mid.0, mid.1), 5, thin)).map_err(err)?;
            }
        }
        let style = font(LABEL, 1.0, theme.fg).pos(text::Pos::new(text::HPos::Left, text::VPos::Center));
        area.draw(&Text::new(e.label.clone(), px(x + GLYPH + 6.0, y), style)).map_err(err)?;
    }
    Ok(())
}

/// Height of one title line.
const TITLE_LINE: f64 = 20.0;

/// `title` wrapped at words into lines that fit `width` pixels (a figure's title is a sentence;
/// it wraps rather than losing its end).
pub fn title_lines(title: &str, width: f64) -> Vec<String> {
    let max = ((width - 20.0) / (0.58 * TITLE)).max(8.0) as usize;
    let mut lines: Vec<String> = Vec::new();
    for word in title.split(' ') {
        match lines.last_mut() {
            Some(line) if line.chars().count() + 1 + word.chars().count() <= max => {
                line.push(' ');
                line.push_str(word);
            }
            _ => lines.push(word.to_string()),
        }
    }
    lines
}

/// The height of the title strip for `lines` lines.
pub fn title_height(lines: usize) -> f64 {
    if lines == 0 {
        0.0
    } else {
        10.0 + TITLE_LINE * lines as f64
    }
}

/// Draws the title's `lines` in the strip at the top of a figure.
pub fn draw_title<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    lines: &[String],
    theme: &Theme,
) -> Result<(), FigureError> {
    let style = font(TITLE, 1.0, theme.fg).pos(text::Pos::new(text::HPos::Left, text::VPos::Center));
    for (k, line) in lines.iter().enumerate() {
        let y = 6.0 + TITLE_LINE * (k as f64 + 0.5);
        area.draw(&Text::new(line.clone(), (10, y.round() as i32), style.clone())).map_err(err)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_wrap_into_rows_that_fit_the_width() {
        let e = |s: &str| Entry { glyph: Glyph::Optimum, label: s.into() };
        let entries: Vec<Entry> = (0..6).map(|i| e(&format!("an entry of some length {i}"))).collect();
        let rows = layout(&entries, 400.0);
        assert!(rows.iter().all(|&(_, x)| x + GLYPH < 400.0));
        assert!(rows.last().unwrap().0 >= 2, "six long entries take several rows at 400 px: {rows:?}");
        assert_eq!(legend_height(&entries[..1], 400.0), ROW + 6.0);
        assert_eq!(legend_height(&[], 400.0), 0.0);
    }

    #[test]
    fn a_long_title_wraps_at_words_and_keeps_every_word() {
        let title = "Loss f − f*: bold, the averaged iterate; faint, the raw iterates";
        let lines = title_lines(title, 300.0);
        assert!(lines.len() >= 2, "{lines:?}");
        assert!(lines.iter().all(|l| text_width(l, TITLE) <= 300.0 - 20.0 + 0.58 * TITLE), "{lines:?}");
        assert_eq!(lines.join(" "), title);
        assert_eq!(title_lines("Short", 300.0), vec!["Short".to_string()]);
    }
}

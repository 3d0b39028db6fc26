//! The moving layer of the stepped panels drawn with plotters (the SVG and PNG exports; the
//! live page draws the same things on its canvas): raw trails, averaged iterates, markers and
//! curve bands, clipped to the plot.

use super::landscape::contains;
use super::line::Line1d;
use super::theme::{dash, marker, Marker};
use super::{err, FigureError, Mapping, Theme};
use crate::sim::algorithm::AlgorithmKind;
use crate::sim::Run;
use plotters::coord::Shift;
use plotters::prelude::*;

/// One pixel column of a track's curve: x pixel, band low, line, band high (data values).
pub type Band = (f64, f64, f64, f64);

fn to_px(p: (f64, f64)) -> (i32, i32) {
    (p.0.round() as i32, p.1.round() as i32)
}

/// The part of segment a–b inside the plot rectangle (Liang–Barsky), if any.
fn clip_segment(m: &Mapping, a: (f64, f64), b: (f64, f64)) -> Option<((f64, f64), (f64, f64))> {
    if !(a.0.is_finite() && a.1.is_finite() && b.0.is_finite() && b.1.is_finite()) {
        return None;
    }
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let (mut t0, mut t1) = (0.0f64, 1.0f64);
    for (p, q) in [(-dx, a.0 - m.rect.0), (dx, m.rect.2 - a.0), (-dy, a.1 - m.rect.1), (dy, m.rect.3 - a.1)] {
        if p == 0.0 {
            if q < 0.0 {
                return None;
            }
        } else {
            let r = q / p;
            if p < 0.0 {
                t0 = t0.max(r);
            } else {
                t1 = t1.min(r);
            }
        }
    }
    (t0 <= t1).then_some(((a.0 + t0 * dx, a.1 + t0 * dy), (a.0 + t1 * dx, a.1 + t1 * dy)))
}

/// A polyline in pixels, clipped to the plot, solid or with `pattern` (on, off, … pixels;
/// the phase carries over from segment to segment). Connected pieces go out as one path each,
/// so a long curve is a handful of SVG elements, not one per segment.
pub(super) fn polyline<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    m: &Mapping,
    points: &[(f64, f64)],
    pattern: &[f64],
    style: ShapeStyle,
) -> Result<(), FigureError> {
    let mut run: Vec<(i32, i32)> = Vec::new();
    let flush = |run: &mut Vec<(i32, i32)>| -> Result<(), FigureError> {
        if run.len() >= 2 {
            area.draw(&PathElement::new(std::mem::take(run), style)).map_err(err)?;
        }
        run.clear();
        Ok(())
    };
    // Adds the visible part of a–b to the current piece (a new piece where it does not join on).
    let add = |run: &mut Vec<(i32, i32)>, a: (f64, f64), b: (f64, f64)| -> Result<(), FigureError> {
        let Some((a, b)) = clip_segment(m, a, b) else { return flush(run) };
        let (a, b) = (to_px(a), to_px(b));
        if run.last() != Some(&a) {
            flush(run)?;
            run.push(a);
        }
        if run.last() != Some(&b) {
            run.push(b);
        }
        Ok(())
    };
    if pattern.is_empty() {
        for pair in points.windows(2) {
            add(&mut run, pair[0], pair[1])?;
        }
        return flush(&mut run);
    }
    let (mut idx, mut left) = (0usize, pattern[0]);
    for pair in points.windows(2) {
        // Dash only what is visible: a diverged run's segment can be 10⁸⁶ px long.
        let Some((a, b)) = clip_segment(m, pair[0], pair[1]) else {
            flush(&mut run)?;
            continue;
        };
        let len = ((b.0 - a.0).powi(2) + (b.1 - a.1).powi(2)).sqrt();
        let mut s = 0.0;
        while s < len {
            let e = (s + left).min(len);
            if idx % 2 == 0 {
                let at = |t: f64| (a.0 + (b.0 - a.0) * t / len, a.1 + (b.1 - a.1) * t / len);
                add(&mut run, at(s), at(e))?;
            }
            left -= e - s;
            s = e;
            if left <= 1e-9 {
                if idx % 2 == 0 {
                    flush(&mut run)?;
                }
                idx = (idx + 1) % pattern.len();
                left = pattern[idx];
            }
        }
    }
    flush(&mut run)
}

/// The dash pattern of a track: the algorithm's, or dash-dot at pulse level.
pub(super) fn track_dash(kind: AlgorithmKind, pulsed: bool) -> &'static [f64] {
    if pulsed {
        super::theme::PULSED_DASH
    } else {
        dash(kind)
    }
}

/// An algorithm's marker (hollow at pulse level) centred at pixel `p`.
pub(super) fn draw_marker<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    kind: AlgorithmKind,
    pulsed: bool,
    p: (f64, f64),
    r: f64,
    theme: &Theme,
) -> Result<(), FigureError> {
    if !(p.0.is_finite() && p.1.is_finite()) {
        return Ok(());
    }
    let color = theme.algo(kind);
    let (fill, stroke) = if pulsed { (theme.bg, color) } else { (color, theme.bg) };
    let outline = ShapeStyle::from(&stroke).stroke_width(if pulsed { 2 } else { 1 });
    let pts: Vec<(i32, i32)> = match marker(kind) {
        Marker::Square => vec![
            (p.0 - 0.85 * r, p.1 - 0.85 * r),
            (p.0 + 0.85 * r, p.1 - 0.85 * r),
            (p.0 + 0.85 * r, p.1 + 0.85 * r),
            (p.0 - 0.85 * r, p.1 + 0.85 * r),
        ],
        Marker::Triangle => vec![(p.0, p.1 - 1.15 * r), (p.0 + r, p.1 + 0.75 * r), (p.0 - r, p.1 + 0.75 * r)],
        Marker::Circle => {
            area.draw(&Circle::new(to_px(p), r.round() as i32, fill.filled())).map_err(err)?;
            return area.draw(&Circle::new(to_px(p), r.round() as i32, outline)).map_err(err);
        }
        // The other shapes share their outline with the live page's canvas markers.
        other => other.outline().unwrap_or_default().into_iter().map(|(u, v)| (p.0 + r * u, p.1 + r * v)).collect(),
    }
    .into_iter()
    .map(to_px)
    .collect();
    if pts.is_empty() {
        return Ok(());
    }
    area.draw(&Polygon::new(pts.clone(), fill.filled())).map_err(err)?;
    let mut closed = pts.clone();
    closed.push(pts[0]);
    area.draw(&PathElement::new(closed, outline)).map_err(err)
}

/// The landscape's moving layer: recent raw iterates as short faint trails, each algorithm's
/// averaged iterate as a bold path and marker, Tiki-Taka's P as an arrow.
pub(super) fn draw_landscape_moving<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    m: &Mapping,
    run: &Run,
    theme: &Theme,
) -> Result<(), FigureError> {
    const RAW_TRAIL: usize = 400;
    let px = |w: &[f64]| (m.px(w[0]), m.py(w[1]));
    for t in &run.tracks {
        let n = t.trail.recent_len();
        let points: Vec<(f64, f64)> = (n.saturating_sub(RAW_TRAIL)..n).map(|i| px(t.trail.recent(i))).collect();
        let style = ShapeStyle::from(&theme.algo(t.algo.kind).mix(0.18)).stroke_width(1);
        polyline(area, m, &points, &[], style)?;
    }
    for t in &run.tracks {
        let dim = t.algo.w.len();
        let path = &t.average.path;
        if path.len() >= 2 * dim {
            let points: Vec<(f64, f64)> =
                path.chunks_exact(dim).chain(std::iter::once(t.average.mean.as_slice())).map(px).collect();
            let style = ShapeStyle::from(&theme.algo(t.algo.kind).mix(0.95)).stroke_width(2);
            polyline(area, m, &points, track_dash(t.algo.kind, t.algo.pulsed()), style)?;
        }
    }
    for t in &run.tracks {
        let at = px(&t.algo.w);
        if t.algo.kind == AlgorithmKind::TikiTaka {
            let tip = (m.px(t.algo.w[0] + t.algo.p[0]), m.py(t.algo.w[1] + t.algo.p[1]));
            let style = ShapeStyle::from(&theme.algo(t.algo.kind)).stroke_width(2);
            polyline(area, m, &[at, tip], &[], style)?;
        }
        if m.contains(at.0, at.1) {
            draw_marker(area, t.algo.kind, t.algo.pulsed(), at, 3.5, theme)?;
        }
    }
    for t in run.tracks.iter().filter(|t| t.algo.k > 0) {
        let at = px(&t.average.mean);
        if contains((m.rect.0, m.rect.2, m.rect.1, m.rect.3), [at.0, at.1]) {
            draw_marker(area, t.algo.kind, t.algo.pulsed(), at, 7.5, theme)?;
        }
    }
    Ok(())
}

/// The 1-D view's moving layer: each averaged iterate as a marker on the curve with a guide
/// down to the w axis.
pub(super) fn draw_line_moving<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    m: &Mapping,
    spec: &Line1d,
    run: &Run,
    theme: &Theme,
) -> Result<(), FigureError> {
    for t in run.tracks.iter().filter(|t| t.algo.k > 0) {
        let w = t.average.mean[0];
        let at = (m.px(w), m.py(spec.loss(w)));
        if !m.contains(at.0, at.1) {
            continue;
        }
        let style = ShapeStyle::from(&theme.algo(t.algo.kind).mix(0.8)).stroke_width(1);
        polyline(area, m, &[at, (at.0, m.rect.3)], track_dash(t.algo.kind, t.algo.pulsed()), style)?;
        draw_marker(area, t.algo.kind, t.algo.pulsed(), at, 7.5, theme)?;
    }
    Ok(())
}

/// How strongly a curve is drawn: the quantity a panel is about in bold, context faint.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Emphasis {
    Bold,
    Faint,
}

impl Emphasis {
    /// (line opacity, line width, band opacity with one seed, with several).
    pub fn style(self) -> (f64, f64, f64, f64) {
        match self {
            Emphasis::Bold => (0.95, 2.0, 0.10, 0.18),
            Emphasis::Faint => (0.22, 1.0, 0.06, 0.10),
        }
    }
}

/// A track's curve: the band (translucent) and the line.
#[allow(clippy::too_many_arguments)]
pub(super) fn draw_band<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    m: &Mapping,
    band: &[Band],
    kind: AlgorithmKind,
    pulsed: bool,
    seeds: bool,
    emphasis: Emphasis,
    theme: &Theme,
) -> Result<(), FigureError> {
    let (line_alpha, width, one, several) = emphasis.style();
    if band.is_empty() {
        return Ok(());
    }
    let (lo, hi) = m.y_range;
    let y = |v: f64| m.py(if v.is_finite() { v.clamp(lo, hi) } else { hi });
    let color = theme.algo(kind);
    if band.iter().any(|b| b.3 > b.1) {
        let mut outline: Vec<(i32, i32)> = band.iter().map(|b| to_px((b.0, y(b.3)))).collect();
        outline.extend(band.iter().rev().map(|b| to_px((b.0, y(if b.1 > 0.0 { b.1 } else { lo })))));
        area.draw(&Polygon::new(outline, color.mix(if seeds { several } else { one }).filled())).map_err(err)?;
    }
    let points: Vec<(f64, f64)> = band.iter().map(|b| (b.0, y(b.2))).collect();
    let style = ShapeStyle::from(&color.mix(line_alpha)).stroke_width(width.round() as u32);
    polyline(area, m, &points, track_dash(kind, pulsed), style)
}

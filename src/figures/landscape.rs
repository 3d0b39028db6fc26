//! The 2-D landscape: filled contours of f, the device range box, the symmetric point, w*, the
//! start point and Analog SGD's theory stationary point. Trajectories are the moving layer.

use super::{clear, dashed_line, draw_frame, err, font, plot_rect, FigureError, Mapping, Theme};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor as text;

/// What the static layer of the landscape shows (2-D quadratic).
#[derive(Clone, Debug, PartialEq)]
pub struct Landscape {
    pub h: [f64; 2],
    pub wstar: [f64; 2],
    pub w0: [f64; 2],
    /// The device's reachable box, if bounded.
    pub range: Option<(f64, f64)>,
    pub symmetric_point: Option<f64>,
    /// Analog SGD's stationary point (theory).
    pub analog_theory: Option<[f64; 2]>,
    /// The shown data window (x0, x1, y0, y1).
    pub view: (f64, f64, f64, f64),
}

/// A data window (x0, x1, y0, y1).
pub type ViewBox = (f64, f64, f64, f64);

/// Whether `p` lies inside `view`.
pub fn contains(view: ViewBox, p: [f64; 2]) -> bool {
    p[0] >= view.0 && p[0] <= view.1 && p[1] >= view.2 && p[1] <= view.3
}

impl Landscape {
    /// A view that holds w*, W₀, the symmetric point and (when not huge) the device box.
    pub fn fit_view(wstar: [f64; 2], w0: [f64; 2], range: Option<(f64, f64)>) -> (f64, f64, f64, f64) {
        let mut lo = wstar[0].min(wstar[1]).min(w0[0]).min(w0[1]);
        let mut hi = wstar[0].max(wstar[1]).max(w0[0]).max(w0[1]);
        if let Some((a, b)) = range {
            if b - a < 4.0 * (hi - lo).max(0.5) {
                lo = lo.min(a);
                hi = hi.max(b);
            }
        }
        let pad = 0.12 * (hi - lo).max(0.2);
        (lo - pad, hi + pad, lo - pad, hi + pad)
    }

    /// A square window around where the run's action is: the `points` that matter (w*, Analog
    /// SGD's theory point, an off-zero symmetric point …) plus `spread` (about three standard
    /// deviations of the iterates' noise cloud) on every side. W₀ is left out: the start is a
    /// transient, and the full-range view shows it.
    pub fn action_view(points: &[[f64; 2]], spread: f64) -> ViewBox {
        let (mut x0, mut x1, mut y0, mut y1) = (f64::INFINITY, f64::NEG_INFINITY, f64::INFINITY, f64::NEG_INFINITY);
        for p in points.iter().filter(|p| p[0].is_finite() && p[1].is_finite()) {
            x0 = x0.min(p[0]);
            x1 = x1.max(p[0]);
            y0 = y0.min(p[1]);
            y1 = y1.max(p[1]);
        }
        if !x0.is_finite() {
            return (-1.0, 1.0, -1.0, 1.0);
        }
        let (cx, cy) = (0.5 * (x0 + x1), 0.5 * (y0 + y1));
        let scale = cx.abs().max(cy.abs()).max(0.1);
        let half = (0.5 * (x1 - x0).max(y1 - y0) + spread.max(0.0)).max(0.08 * scale) * 1.08;
        (cx - half, cx + half, cy - half, cy + half)
    }

    /// `view` widened (keeping it square) so `p` lies inside with a margin; `view` if it already does.
    pub fn grow_to(view: ViewBox, p: [f64; 2]) -> ViewBox {
        if !(p[0].is_finite() && p[1].is_finite()) || contains(view, p) {
            return view;
        }
        let margin = 0.1 * (view.1 - view.0);
        let (x0, x1) = (view.0.min(p[0] - margin), view.1.max(p[0] + margin));
        let (y0, y1) = (view.2.min(p[1] - margin), view.3.max(p[1] + margin));
        let half = 0.5 * (x1 - x0).max(y1 - y0);
        let (cx, cy) = (0.5 * (x0 + x1), 0.5 * (y0 + y1));
        (cx - half, cx + half, cy - half, cy + half)
    }

    /// f(x, y) − f*.
    pub fn loss(&self, x: f64, y: f64) -> f64 {
        0.5 * (self.h[0] * (x - self.wstar[0]).powi(2) + self.h[1] * (y - self.wstar[1]).powi(2))
    }

    /// The mapping on an area of `width × height` pixels.
    pub fn mapping(&self, width: f64, height: f64, scale: f64) -> Mapping {
        Mapping {
            rect: plot_rect(width, height, scale, 44.0),
            x_range: (self.view.0, self.view.1),
            y_range: (self.view.2, self.view.3),
            log_x: false,
            log_y: false,
        }
    }

    /// The contour colour at (x, y): filled bands of log f, lighter near the optimum.
    pub fn contour_rgb(&self, x: f64, y: f64, theme: &Theme, fmax: f64) -> [u8; 3] {
        let f = self.loss(x, y).max(1e-12);
        // 4 bands per decade below fmax, 16 shades in all.
        let level = ((fmax / f).log10() * 4.0).floor().clamp(0.0, 15.0);
        // Far from w* is darker; alternate bands differ slightly so level sets read as contours.
        let t = (1.0 - level / 15.0) * if (level as u32).is_multiple_of(2) { 1.0 } else { 0.9 };
        let tint = if theme.dark { (70.0, 90.0, 130.0) } else { (150.0, 175.0, 215.0) };
        let bg = (theme.bg.0 as f64, theme.bg.1 as f64, theme.bg.2 as f64);
        let mix = |a: f64, b: f64| (a + (b - a) * t * 0.6).round() as u8;
        [mix(bg.0, tint.0), mix(bg.1, tint.1), mix(bg.2, tint.2)]
    }

    /// The largest loss in view (the contour scale).
    pub fn fmax(&self) -> f64 {
        let (x0, x1, y0, y1) = self.view;
        [(x0, y0), (x0, y1), (x1, y0), (x1, y1)].iter().map(|&(x, y)| self.loss(x, y)).fold(1e-12, f64::max)
    }

    /// The contour background as an RGBA buffer of `cols × rows` cells spanning the plot
    /// rectangle (row 0 at the top) — the browser puts it on the canvas in one call.
    pub fn contour_rgba(&self, m: &Mapping, cols: usize, rows: usize, theme: &Theme) -> Vec<u8> {
        let fmax = self.fmax();
        let mut buf = Vec::with_capacity(cols * rows * 4);
        for r in 0..rows {
            let y = m.data_y(m.rect.1 + (r as f64 + 0.5) / rows as f64 * (m.rect.3 - m.rect.1));
            for c in 0..cols {
                let x = m.data_x(m.rect.0 + (c as f64 + 0.5) / cols as f64 * (m.rect.2 - m.rect.0));
                let [red, g, b] = self.contour_rgb(x, y, theme, fmax);
                buf.extend_from_slice(&[red, g, b, 255]);
            }
        }
        buf
    }
}

/// Draws the contours as rectangles (for vector output; the browser blits [`Landscape::contour_rgba`]).
pub fn draw_contour_cells<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    l: &Landscape,
    m: &Mapping,
    cells: usize,
    theme: &Theme,
) -> Result<(), FigureError> {
    let rgba = l.contour_rgba(m, cells, cells, theme);
    let (cw, ch) = (m.width() / cells as f64, (m.rect.3 - m.rect.1) / cells as f64);
    for r in 0..cells {
        for c in 0..cells {
            let i = 4 * (r * cells + c);
            let color = RGBColor(rgba[i], rgba[i + 1], rgba[i + 2]);
            let x = m.rect.0 + c as f64 * cw;
            let y = m.rect.1 + r as f64 * ch;
            area.draw(&Rectangle::new(
                [(x as i32, y as i32), ((x + cw).ceil() as i32, (y + ch).ceil() as i32)],
                color.filled(),
            ))
            .map_err(err)?;
        }
    }
    Ok(())
}

/// Draws everything static over the contour background; returns the mapping.
/// `clear_first` is false when the caller already put the contour image on the area.
pub fn draw_landscape_overlay<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    l: &Landscape,
    theme: &Theme,
    scale: f64,
    contour_cells: Option<usize>,
) -> Result<Mapping, FigureError> {
    let (w, h) = area.dim_in_pixel();
    let m = l.mapping(w as f64, h as f64, scale);
    if let Some(cells) = contour_cells {
        clear(area, theme)?;
        draw_contour_cells(area, l, &m, cells, theme)?;
    }
    draw_frame(area, &m, "w₁", "w₂", theme, scale)?;
    let px = |x: f64, y: f64| (m.px(x).round() as i32, m.py(y).round() as i32);
    let thin = ShapeStyle::from(&theme.muted).stroke_width((1.2 * scale).round().max(1.0) as u32);
    let view = l.view;
    if let Some((a, b)) = l.range {
        // The box's edges, each cut to the window (the window may be zoomed inside the box).
        let edges = [((a, a), (b, a)), ((b, a), (b, b)), ((b, b), (a, b)), ((a, b), (a, a))];
        for (p, q) in edges {
            let clip = |v: f64, lo: f64, hi: f64| v.clamp(lo, hi);
            let (p, q) = if p.1 == q.1 {
                if p.1 < view.2 || p.1 > view.3 {
                    continue;
                }
                ((clip(p.0, view.0, view.1), p.1), (clip(q.0, view.0, view.1), q.1))
            } else {
                if p.0 < view.0 || p.0 > view.1 {
                    continue;
                }
                ((p.0, clip(p.1, view.2, view.3)), (q.0, clip(q.1, view.2, view.3)))
            };
            dashed_line(area, (m.px(p.0), m.py(p.1)), (m.px(q.0), m.py(q.1)), (6.0 * scale, 4.0 * scale), thin)?;
        }
        let inside = contains(view, [a, a]) && contains(view, [b, b]);
        let label = font(10.5, scale, theme.muted).pos(text::Pos::new(text::HPos::Left, text::VPos::Bottom));
        let (text, at) = if inside {
            let (x, y) = px(a, b);
            (
                format!("device range [{}, {}]²", super::fmt_num(a), super::fmt_num(b)),
                (x + (3.0 * scale) as i32, y - (3.0 * scale) as i32),
            )
        } else {
            // Zoomed in: say where the range is, in the window's corner.
            (
                format!("zoomed in · device range [{}, {}]²", super::fmt_num(a), super::fmt_num(b)),
                ((m.rect.0 + 4.0 * scale) as i32, (m.rect.3 - 4.0 * scale) as i32),
            )
        };
        area.draw(&Text::new(text, at, label)).map_err(err)?;
    }
    let r = (5.0 * scale) as i32;
    if let Some(sp) = l.symmetric_point {
        if contains(view, [sp, sp]) {
            let (x, y) = px(sp, sp);
            area.draw(&Cross::new((x, y), r, thin)).map_err(err)?;
            let label = font(10.5, scale, theme.muted).pos(text::Pos::new(text::HPos::Left, text::VPos::Top));
            area.draw(&Text::new("symmetric point".to_string(), (x + r, y + r), label)).map_err(err)?;
        } else {
            edge_mark(area, &m, [sp, sp], "symmetric point", theme, scale)?;
        }
    }
    if contains(view, l.w0) {
        let (x, y) = px(l.w0[0], l.w0[1]);
        area.draw(&Circle::new((x, y), r, thin)).map_err(err)?;
        area.draw(&Text::new(
            "W₀".to_string(),
            (x + r + 2, y),
            font(11.0, scale, theme.muted).pos(text::Pos::new(text::HPos::Left, text::VPos::Center)),
        ))
        .map_err(err)?;
    } else {
        edge_mark(area, &m, l.w0, "W₀", theme, scale)?;
    }
    if let Some(t) = l.analog_theory {
        let (x, y) = px(t[0], t[1]);
        let d = (11.0 * scale) as i32;
        let diamond = vec![(x, y - d), (x + d, y), (x, y + d), (x - d, y), (x, y - d)];
        let style = ShapeStyle::from(&theme.analog).stroke_width((2.0 * scale).round() as u32);
        area.draw(&PathElement::new(diamond, style)).map_err(err)?;
        let label = font(11.0, scale, theme.analog).pos(text::Pos::new(text::HPos::Left, text::VPos::Top));
        area.draw(&Text::new("Analog SGD theory".to_string(), (x + d + 2, y + 2), label)).map_err(err)?;
    }
    let (x, y) = px(l.wstar[0], l.wstar[1]);
    let star = ShapeStyle::from(&theme.fg).stroke_width((2.0 * scale).round() as u32);
    let s = (7.0 * scale) as i32;
    area.draw(&PathElement::new(vec![(x - s, y), (x + s, y)], star)).map_err(err)?;
    area.draw(&PathElement::new(vec![(x, y - s), (x, y + s)], star)).map_err(err)?;
    area.draw(&Text::new(
        "w*".to_string(),
        (x + s, y - s),
        font(12.0, scale, theme.fg).pos(text::Pos::new(text::HPos::Left, text::VPos::Bottom)),
    ))
    .map_err(err)?;
    Ok(m)
}

/// A point outside the window: a small arrowhead on the window's edge pointing towards it, labelled.
fn edge_mark<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    m: &Mapping,
    p: [f64; 2],
    label: &str,
    theme: &Theme,
    scale: f64,
) -> Result<(), FigureError> {
    let (cx, cy) = (0.5 * (m.rect.0 + m.rect.2), 0.5 * (m.rect.1 + m.rect.3));
    let (tx, ty) = (m.px(p[0]), m.py(p[1]));
    let (dx, dy) = (tx - cx, ty - cy);
    if !(dx.is_finite() && dy.is_finite()) || (dx == 0.0 && dy == 0.0) {
        return Ok(());
    }
    // Where the ray from the centre leaves the plot rectangle (inset a little).
    let inset = 6.0 * scale;
    let sx = if dx != 0.0 { ((m.rect.2 - m.rect.0) / 2.0 - inset) / dx.abs() } else { f64::INFINITY };
    let sy = if dy != 0.0 { ((m.rect.3 - m.rect.1) / 2.0 - inset) / dy.abs() } else { f64::INFINITY };
    let t = sx.min(sy);
    let (ex, ey) = (cx + dx * t, cy + dy * t);
    let len = (dx * dx + dy * dy).sqrt();
    let (ux, uy) = (dx / len, dy / len);
    let head = 7.0 * scale;
    let tri = vec![
        ((ex) as i32, (ey) as i32),
        ((ex - head * (ux - 0.5 * uy)) as i32, (ey - head * (uy + 0.5 * ux)) as i32),
        ((ex - head * (ux + 0.5 * uy)) as i32, (ey - head * (uy - 0.5 * ux)) as i32),
    ];
    area.draw(&Polygon::new(tri, theme.muted.filled())).map_err(err)?;
    let h = if ux > 0.3 { text::HPos::Right } else { text::HPos::Left };
    let v = if uy > 0.3 { text::VPos::Bottom } else { text::VPos::Top };
    let off = 9.0 * scale;
    let at = ((ex - ux * off) as i32, (ey - uy * off) as i32);
    area.draw(&Text::new(format!("{label} (outside)"), at, font(10.5, scale, theme.muted).pos(text::Pos::new(h, v))))
        .map_err(err)?;
    Ok(())
}

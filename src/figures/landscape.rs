//! The 2-D landscape: filled contours of f, the device range box, the symmetric point, w*, the
//! start point and Analog SGD's theory stationary point. Trajectories are the moving layer.

use super::{clear, dashed_line, draw_frame, err, fit_aspect, font, plot_rect, FigureError, Mapping, Theme};
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

    /// The mapping on an area of `width × height` pixels: the plot keeps the view's aspect (a
    /// square window stays square, so level sets keep their true shape), centred in the area.
    pub fn mapping(&self, width: f64, height: f64, scale: f64) -> Mapping {
        let aspect = (self.view.1 - self.view.0) / (self.view.3 - self.view.2);
        Mapping {
            rect: fit_aspect(plot_rect(width, height, scale, 44.0), aspect),
            x_range: (self.view.0, self.view.1),
            y_range: (self.view.2, self.view.3),
            log_x: false,
            log_y: false,
        }
    }

    /// The contour band of loss `f` below the largest loss in view `fmax`: 4 bands per decade,
    /// 16 in all (0 = highest).
    pub fn band(f: f64, fmax: f64) -> u32 {
        ((fmax / f.max(1e-12)).log10() * 4.0).floor().clamp(0.0, (BANDS - 1) as f64) as u32
    }

    /// The loss at the lower edge of band `k`: band ≥ k exactly where f ≤ this.
    pub fn band_level(k: u32, fmax: f64) -> f64 {
        fmax * 10f64.powf(-(k as f64) / 4.0)
    }

    /// The colour of contour band `k`: lighter near the optimum; alternate bands differ slightly
    /// so level sets read as contours.
    pub fn band_rgb(k: u32, theme: &Theme) -> [u8; 3] {
        let level = k as f64;
        let t = (1.0 - level / (BANDS - 1) as f64) * if k.is_multiple_of(2) { 1.0 } else { 0.9 };
        let tint = if theme.dark { (70.0, 90.0, 130.0) } else { (150.0, 175.0, 215.0) };
        let bg = (theme.bg.0 as f64, theme.bg.1 as f64, theme.bg.2 as f64);
        let mix = |a: f64, b: f64| (a + (b - a) * t * 0.6).round() as u8;
        [mix(bg.0, tint.0), mix(bg.1, tint.1), mix(bg.2, tint.2)]
    }

    /// The contour colour at (x, y).
    pub fn contour_rgb(&self, x: f64, y: f64, theme: &Theme, fmax: f64) -> [u8; 3] {
        Self::band_rgb(Self::band(self.loss(x, y), fmax), theme)
    }

    /// The sublevel set {f − f* ≤ `level`} inside the view, as a polygon in data coordinates: an
    /// ellipse around w* (f is a diagonal quadratic) cut to the view box; empty if it misses it.
    pub fn sublevel_polygon(&self, level: f64, vertices: usize) -> Vec<(f64, f64)> {
        let (x0, x1, y0, y1) = self.view;
        // A flat direction (h = 0) is an unbounded strip: a radius past the view is the same picture.
        let far = 4.0 * ((x1 - x0) + (y1 - y0) + self.wstar[0].abs() + self.wstar[1].abs());
        let radius = |h: f64| if h > 0.0 { (2.0 * level / h).sqrt().min(far) } else { far };
        let (rx, ry) = (radius(self.h[0]), radius(self.h[1]));
        let ellipse: Vec<(f64, f64)> = (0..vertices)
            .map(|j| {
                let a = std::f64::consts::TAU * j as f64 / vertices as f64;
                (self.wstar[0] + rx * a.cos(), self.wstar[1] + ry * a.sin())
            })
            .collect();
        clip_to_box(ellipse, self.view)
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

/// The number of contour bands.
pub const BANDS: u32 = 16;

/// The polygon `points` cut to the box `view` (Sutherland–Hodgman; exact for a convex polygon).
fn clip_to_box(points: Vec<(f64, f64)>, view: ViewBox) -> Vec<(f64, f64)> {
    let (x0, x1, y0, y1) = view;
    // Each edge of the box: is a point inside, and where does a segment cross it.
    type Inside = fn(&(f64, f64), f64) -> bool;
    let edges: [(Inside, f64, bool); 4] = [
        (|p, v| p.0 >= v, x0, true),
        (|p, v| p.0 <= v, x1, true),
        (|p, v| p.1 >= v, y0, false),
        (|p, v| p.1 <= v, y1, false),
    ];
    let mut poly = points;
    for (inside, v, vertical) in edges {
        if poly.is_empty() {
            break;
        }
        let cross = |a: (f64, f64), b: (f64, f64)| {
            if vertical {
                let t = (v - a.0) / (b.0 - a.0);
                (v, a.1 + t * (b.1 - a.1))
            } else {
                let t = (v - a.1) / (b.1 - a.1);
                (a.0 + t * (b.0 - a.0), v)
            }
        };
        let mut out = Vec::with_capacity(poly.len() + 4);
        for (i, &b) in poly.iter().enumerate() {
            let a = poly[(i + poly.len() - 1) % poly.len()];
            match (inside(&a, v), inside(&b, v)) {
                (true, true) => out.push(b),
                (true, false) => out.push(cross(a, b)),
                (false, true) => {
                    out.push(cross(a, b));
                    out.push(b);
                }
                (false, false) => {}
            }
        }
        poly = out;
    }
    poly
}

/// Draws the contours as vector shapes (the SVG and PNG exports; the live page blits
/// [`Landscape::contour_rgba`], which colours by the same bands): the view in the outermost
/// band's colour, then each band's sublevel set over it, innermost last — one polygon per band.
pub fn draw_contour_bands<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    l: &Landscape,
    m: &Mapping,
    theme: &Theme,
) -> Result<(), FigureError> {
    let fmax = l.fmax();
    let fill = |k: u32| {
        let [r, g, b] = Landscape::band_rgb(k, theme);
        RGBColor(r, g, b).filled()
    };
    let corner = |x: f64, y: f64| (m.px(x).round() as i32, m.py(y).round() as i32);
    let (x0, x1, y0, y1) = l.view;
    area.draw(&Rectangle::new([corner(x0, y1), corner(x1, y0)], fill(0))).map_err(err)?;
    for k in 1..BANDS {
        let poly = l.sublevel_polygon(Landscape::band_level(k, fmax), 144);
        if poly.len() < 3 {
            continue;
        }
        let px: Vec<(i32, i32)> = poly.iter().map(|&(x, y)| corner(x, y)).collect();
        area.draw(&Polygon::new(px, fill(k))).map_err(err)?;
    }
    Ok(())
}

/// Draws everything static over the contour background; returns the mapping.
/// `contours` is false when the caller already put the contour image on the area.
pub fn draw_landscape_overlay<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    l: &Landscape,
    theme: &Theme,
    scale: f64,
    contours: bool,
) -> Result<Mapping, FigureError> {
    let (w, h) = area.dim_in_pixel();
    let m = l.mapping(w as f64, h as f64, scale);
    if contours {
        clear(area, theme)?;
        draw_contour_bands(area, l, &m, theme)?;
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
        let label = font(11.0, scale, theme.muted).pos(text::Pos::new(text::HPos::Left, text::VPos::Bottom));
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
            let label = font(11.0, scale, theme.muted).pos(text::Pos::new(text::HPos::Left, text::VPos::Top));
            area.draw(&Text::new("× symmetric point".to_string(), (x + r, y + r), label)).map_err(err)?;
        } else {
            edge_mark(area, &m, [sp, sp], "× symmetric point", theme, scale)?;
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
    // w* and Analog SGD's theory point ◇ are drawn last, over the moving layer: see
    // [`draw_landmarks`].
    Ok(m)
}

/// A text box in pixels (left, top, right, bottom).
type TextBox = (f64, f64, f64, f64);

fn overlaps(a: TextBox, b: TextBox) -> bool {
    a.0 < b.2 && b.0 < a.2 && a.1 < b.3 && b.1 < a.3
}

/// Where to put a label of `width × height` pixels next to a glyph at `at` (radius `r`): the first
/// of eight places around it that stays inside the plot and clear of `avoid`; with none clear,
/// one farther out (the caller then draws a leader line to the glyph). Returns the box and
/// whether it was pushed out.
fn place_label(at: (f64, f64), r: f64, width: f64, height: f64, plot: TextBox, avoid: &[TextBox]) -> (TextBox, bool) {
    let boxes = |d: f64| -> Vec<TextBox> {
        let (x, y) = at;
        vec![
            (x + d, y - d - height, x + d + width, y - d),
            (x + d, y + d, x + d + width, y + d + height),
            (x - d - width, y - d - height, x - d, y - d),
            (x - d - width, y + d, x - d, y + d + height),
            (x + d, y - height / 2.0, x + d + width, y + height / 2.0),
            (x - d - width, y - height / 2.0, x - d, y + height / 2.0),
            (x - width / 2.0, y - d - height, x + width / 2.0, y - d),
            (x - width / 2.0, y + d, x + width / 2.0, y + d + height),
        ]
    };
    let inside = |b: &TextBox| b.0 >= plot.0 && b.2 <= plot.2 && b.1 >= plot.1 && b.3 <= plot.3;
    for (d, pushed) in [(r + 2.0, false), (r + 2.0 + 2.5 * height, true), (r + 2.0 + 5.0 * height, true)] {
        if let Some(b) = boxes(d).into_iter().find(|b| inside(b) && !avoid.iter().any(|a| overlaps(*a, *b))) {
            return (b, pushed);
        }
    }
    (boxes(r + 2.0)[0], false)
}

/// The landmarks the landscape is about, drawn last so no marker hides them: the optimum w* and
/// Analog SGD's theory point ◇, each a hollow ring (with a halo in the background colour) and a
/// label placed clear of the other landmark, the symmetric point and the averaged iterates'
/// markers `markers` (pixels), with a leader line where it had to move away.
pub fn draw_landmarks<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    l: &Landscape,
    m: &Mapping,
    markers: &[(f64, f64)],
    theme: &Theme,
    scale: f64,
) -> Result<(), FigureError> {
    let plot = (m.rect.0, m.rect.1, m.rect.2, m.rect.3);
    let glyph = 11.0 * scale;
    let at = |p: [f64; 2]| (m.px(p[0]), m.py(p[1]));
    let wstar = at(l.wstar);
    let theory = l.analog_theory.map(at).filter(|p| m.contains(p.0, p.1));
    let square = |p: (f64, f64), r: f64| (p.0 - r, p.1 - r, p.0 + r, p.1 + r);
    let mut avoid: Vec<TextBox> = markers.iter().map(|p| square(*p, 9.0 * scale)).collect();
    avoid.push(square(wstar, glyph));
    if let Some(t) = theory {
        avoid.push(square(t, glyph));
    }
    if let Some(sp) = l.symmetric_point.filter(|sp| contains(l.view, [*sp, *sp])) {
        let p = at([sp, sp]);
        avoid.push((p.0 - 6.0 * scale, p.1 - 6.0 * scale, p.0 + 100.0 * scale, p.1 + 20.0 * scale));
    }
    let halo = |w: f64| ShapeStyle::from(&theme.bg.mix(0.9)).stroke_width((w * scale).round().max(1.0) as u32);
    let px = |p: (f64, f64)| (p.0.round() as i32, p.1.round() as i32);
    let mut labels: Vec<(String, (f64, f64), f64, RGBColor)> = Vec::new();
    if let Some(t) = theory {
        let d = glyph;
        let diamond =
            vec![px((t.0, t.1 - d)), px((t.0 + d, t.1)), px((t.0, t.1 + d)), px((t.0 - d, t.1)), px((t.0, t.1 - d))];
        area.draw(&PathElement::new(diamond.clone(), halo(5.0))).map_err(err)?;
        let style = ShapeStyle::from(&theme.analog).stroke_width((2.2 * scale).round() as u32);
        area.draw(&PathElement::new(diamond, style)).map_err(err)?;
        labels.push(("◇ Analog SGD theory".to_string(), t, d, theme.analog));
    }
    if m.contains(wstar.0, wstar.1) {
        let r = (8.0 * scale).round() as i32;
        area.draw(&Circle::new(px(wstar), r, halo(5.0))).map_err(err)?;
        let ring = ShapeStyle::from(&theme.fg).stroke_width((2.2 * scale).round() as u32);
        area.draw(&Circle::new(px(wstar), r, ring)).map_err(err)?;
        let s = 4.0 * scale;
        let thin = ShapeStyle::from(&theme.fg).stroke_width((1.5 * scale).round().max(1.0) as u32);
        area.draw(&PathElement::new(vec![px((wstar.0 - s, wstar.1)), px((wstar.0 + s, wstar.1))], thin))
            .map_err(err)?;
        area.draw(&PathElement::new(vec![px((wstar.0, wstar.1 - s)), px((wstar.0, wstar.1 + s))], thin))
            .map_err(err)?;
        labels.insert(0, ("w*".to_string(), wstar, 8.0 * scale, theme.fg));
    }
    let size = 12.0;
    for (text, p, r, color) in labels {
        let (w, h) = (0.62 * size * scale * text.chars().count() as f64, 1.25 * size * scale);
        let (b, pushed) = place_label(p, r, w, h, plot, &avoid);
        if pushed {
            let c = (0.5 * (b.0 + b.2), 0.5 * (b.1 + b.3));
            let (dx, dy) = (c.0 - p.0, c.1 - p.1);
            let len = (dx * dx + dy * dy).sqrt().max(1e-9);
            let from = (p.0 + dx / len * r, p.1 + dy / len * r);
            let to = (b.0.max(from.0.min(b.2)), b.1.max(from.1.min(b.3)));
            let style = ShapeStyle::from(&color.mix(0.8)).stroke_width(scale.max(1.0) as u32);
            area.draw(&PathElement::new(vec![px(from), px(to)], style)).map_err(err)?;
        }
        area.draw(&Rectangle::new([px((b.0 - 2.0, b.1)), px((b.2 + 2.0, b.3))], theme.bg.mix(0.75).filled()))
            .map_err(err)?;
        let style = font(size, scale, color).pos(text::Pos::new(text::HPos::Left, text::VPos::Top));
        area.draw(&Text::new(text, px((b.0, b.1 + 0.1 * h)), style)).map_err(err)?;
        avoid.push(b);
    }
    Ok(())
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
    area.draw(&Text::new(format!("{label} (outside)"), at, font(11.0, scale, theme.muted).pos(text::Pos::new(h, v))))
        .map_err(err)?;
    Ok(())
}

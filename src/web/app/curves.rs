//! Drawing the curve panels (f − f* and the distance of the averaged iterate): their axes when
//! they change, and every frame the tracks' mean and spread per pixel column, the hover line and
//! its tooltip.

use super::draw::clip_to_plot;
use super::*;

impl App {
    fn curve_panel(&self, curve: Curve) -> &CurvePanel {
        match curve {
            Curve::Loss => &self.loss,
            Curve::Distance => &self.distance,
        }
    }

    fn curve_panel_mut(&mut self, curve: Curve) -> &mut CurvePanel {
        match curve {
            Curve::Loss => &mut self.loss,
            Curve::Distance => &mut self.distance,
        }
    }

    /// Redraws a curve panel's axes when they changed; true if redrawn.
    pub(super) fn draw_curve_axes(&mut self, curve: Curve) -> bool {
        let scale = self.ink();
        let panel = self.curve_panel(curve);
        let axes = panels::curve_axes(&self.scenario, self.run(), curve, panel.lines.clone(), self.view.log_x);
        let (st, dy) = &panel.layers;
        let resized = st.fit(self.dpr) | dy.fit(self.dpr);
        let key = StaticKey::Loss(axes.clone(), (st.canvas.width(), st.canvas.height()), self.theme.dark);
        if !resized && panel.key.as_ref() == Some(&key) {
            return false;
        }
        let area = CanvasBackend::with_canvas_object(st.canvas.clone()).map(|b| b.into_drawing_area());
        let map = area.and_then(|a| draw_loss_axes(&a, &axes, &self.theme, scale).ok());
        let panel = self.curve_panel_mut(curve);
        panel.map = map;
        panel.key = Some(key);
        true
    }

    /// The moving layer of a curve panel: per pixel column the mean of every track with its
    /// range (one seed) or ±1 std over seeds, and the theory labels.
    pub(super) fn draw_curves(&mut self, curve: Curve) {
        let mut cols = std::mem::take(&mut self.cols);
        self.draw_curves_with(curve, &mut cols);
        self.cols = cols;
        if curve == Curve::Loss {
            if let Some(m) = self.loss.map {
                self.draw_hover(&m);
            }
        }
    }

    fn draw_curves_with(&self, curve: Curve, cols: &mut Vec<Column>) {
        let panel = self.curve_panel(curve);
        let layer = &panel.layers.1;
        layer.clear();
        let Some(m) = panel.map else { return };
        let ctx = layer.ctx.clone();
        clip_to_plot(&ctx, &m);
        let (lo, hi) = m.y_range;
        let clampy = |v: f64| m.py(if v.is_finite() { v.clamp(lo, hi) } else { hi });
        let seeds = self.ens().runs.len();
        // On the loss panel the raw iterates recede (faint band and line) under the bold
        // averaged iterate's f(W̄) − f*; the distance panel is about W̄ already.
        let raw = if curve == Curve::Loss { panels::Emphasis::Faint } else { panels::Emphasis::Bold };
        let (line_alpha, width, one, several) = raw.style();
        for k in 0..self.run().tracks.len() {
            let kind = self.run().tracks[k].algo.kind;
            let pulsed = self.run().tracks[k].algo.pulsed();
            let band = panels::curve_bands(self.ens(), k, curve, &m, self.scenario.steps, cols);
            if band.is_empty() {
                continue;
            }
            if band.iter().any(|b| b.3 > b.1) {
                ctx.set_fill_style_str(&css_alpha(self.theme.algo(kind), if seeds > 1 { several } else { one }));
                ctx.begin_path();
                for (i, b) in band.iter().enumerate() {
                    if i == 0 {
                        ctx.move_to(b.0, clampy(b.3));
                    } else {
                        ctx.line_to(b.0, clampy(b.3));
                    }
                }
                for b in band.iter().rev() {
                    ctx.line_to(b.0, clampy(if b.1 > 0.0 { b.1 } else { lo }));
                }
                ctx.close_path();
                ctx.fill();
            }
            self.stroke_line(&ctx, &band, kind, pulsed, line_alpha, width * 0.8, &clampy);
        }
        if let Some(g) = &self.ghost {
            // The previous run's bold quantity, faint and thin.
            for t in &g.tracks {
                let history = if curve == Curve::Loss { panels::avg_loss_history(t) } else { curve.history(t) };
                let band = panels::track_band(history, &m, self.scenario.steps, cols);
                self.stroke_line(&ctx, &band, t.algo.kind, t.algo.pulsed(), 0.3, 1.2, &clampy);
            }
        }
        if curve == Curve::Loss {
            let (line_alpha, width, _, _) = panels::Emphasis::Bold.style();
            for k in 0..self.run().tracks.len() {
                let kind = self.run().tracks[k].algo.kind;
                let pulsed = self.run().tracks[k].algo.pulsed();
                let band = panels::series_bands(self.ens(), k, panels::avg_loss_history, &m, self.scenario.steps, cols);
                self.stroke_line(&ctx, &band, kind, pulsed, line_alpha, width * 1.2, &clampy);
            }
        }
        // Theory labels on top of the curves, on a translucent plate so they stay readable.
        ctx.set_font(&format!("{}px sans-serif", (11.0 * self.ink()).round()));
        ctx.set_text_align("right");
        ctx.set_text_baseline("bottom");
        let shown: Vec<_> =
            panel.lines.iter().filter(|l| l.value.is_finite() && l.value > lo && l.value < hi).collect();
        let ys: Vec<f64> = shown.iter().map(|l| m.py(l.value)).collect();
        let baselines = crate::figures::loss::label_baselines(&ys, 14.0 * self.ink());
        for (line, y) in shown.into_iter().zip(baselines) {
            let x = m.rect.2 - 4.0 * self.ink();
            let w = ctx.measure_text(&line.label).map_or(0.0, |t| t.width());
            ctx.set_fill_style_str(&css_alpha(self.theme.bg, 0.8));
            ctx.fill_rect(x - w - 3.0 * self.ink(), y - 13.0 * self.ink(), w + 6.0 * self.ink(), 14.0 * self.ink());
            ctx.set_fill_style_str(&css(line.color));
            let _ = ctx.fill_text(&line.label, x, y);
        }
        ctx.restore();
    }

    /// A curve's line through the middle value of each band column.
    #[allow(clippy::too_many_arguments)]
    fn stroke_line(
        &self,
        ctx: &CanvasRenderingContext2d,
        band: &[panels::Band],
        kind: AlgorithmKind,
        pulsed: bool,
        alpha: f64,
        width: f64,
        y: &dyn Fn(f64) -> f64,
    ) {
        if band.is_empty() {
            return;
        }
        self.stroke_style(ctx, kind, pulsed, alpha, width);
        ctx.begin_path();
        for (i, b) in band.iter().enumerate() {
            if i == 0 {
                ctx.move_to(b.0, y(b.2));
            } else {
                ctx.line_to(b.0, y(b.2));
            }
        }
        ctx.stroke();
    }

    /// The hover line and tooltip of the loss panel.
    fn draw_hover(&self, m: &Mapping) {
        let ctx = &self.loss.layers.1.ctx;
        if let Some((hx, _)) = self.hover {
            if hx >= m.rect.0 && hx <= m.rect.2 {
                let _ = ctx.set_line_dash(&js_sys::Array::new());
                ctx.set_stroke_style_str(&css_alpha(self.theme.fg, 0.5));
                ctx.set_line_width(self.ink());
                ctx.begin_path();
                ctx.move_to(hx, m.rect.1);
                ctx.line_to(hx, m.rect.3);
                ctx.stroke();
            }
        }
        self.write_tooltip(m);
    }

    fn write_tooltip(&self, m: &Mapping) {
        let Ok(tip) = by_id::<web_sys::HtmlElement>("loss-tip") else { return };
        let Some((hx, hy)) = self.hover.filter(|(x, _)| *x >= m.rect.0 && *x <= m.rect.2) else {
            tip.set_hidden(true);
            return;
        };
        let x = m.data_x(hx);
        let step = if m.log_x { (x - 1.0).max(0.0) } else { x.max(0.0) }.round() as u64;
        let mut html = format!("step {step}");
        for t in &self.run().tracks {
            if let (Some(raw), Some(avg)) = (t.loss.value_at(step), t.avg_loss.value_at(step)) {
                // A class, not a style attribute: the page's CSP allows no inline styles.
                html.push_str(&format!(
                    "<br><span class=\"algo-{}\">{}</span>: f(W̄) − f* {} <span class=\"muted\">(raw {})</span>",
                    t.algo.kind.key(),
                    crate::figures::digits::track_label(&crate::sim::run::track_key(&t.algo)),
                    fmt_num(avg),
                    fmt_num(raw)
                ));
            }
        }
        tip.set_inner_html(&html);
        let style = tip.style();
        let (cx, cy) = (hx / self.dpr, hy / self.dpr);
        let left = if hx > (m.rect.0 + m.rect.2) / 2.0 { cx - 170.0 } else { cx + 12.0 };
        let _ = style.set_property("left", &format!("{left}px"));
        let _ = style.set_property("top", &format!("{}px", (cy - 10.0).max(0.0)));
        tip.set_hidden(false);
    }
}

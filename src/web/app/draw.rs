//! Drawing the 2-D views: the static layers (contours, axes, theory lines, device inset) when
//! their inputs change, and the moving layer (trails, markers, curves) every frame.

use super::*;

impl App {
    pub(super) fn draw(&mut self) {
        let static_changed = self.draw_static();
        if static_changed || self.dynamic_dirty {
            self.draw_dynamic();
            self.dynamic_dirty = false;
            if self.first_chart_ms.is_none() {
                self.first_chart_ms = Some(dom::now());
                if let Some(body) = dom::document().body() {
                    let _ = body.set_attribute("data-ready", "1");
                }
            }
        }
    }

    fn landscape_spec(&self) -> Landscape {
        let mut spec = panels::landscape_spec(&self.scenario, self.run(), self.shown_view());
        if self.conceal {
            // A question is open: the answer (◇) shows once the guess is in.
            spec.analog_theory = None;
        }
        spec
    }

    /// The drawing scale: device pixels per CSS pixel, times the lecture mode's zoom — full on a
    /// projector-sized figure, none on a phone's (its text would crowd the plot out).
    pub fn ink(&self) -> f64 {
        if self.zoom <= 1.0 {
            return self.dpr;
        }
        let css_width = self.landscape.0.canvas.width() as f64 / self.dpr;
        self.dpr * (css_width / 350.0).clamp(1.0, self.zoom)
    }

    fn line_spec(&self) -> Line1d {
        panels::line_spec(&self.scenario, self.run(), self.shown_view())
    }

    /// The window shown: the full range, or the zoomed one.
    fn shown_view(&self) -> ViewBox {
        if self.view.full_range {
            panels::full_view(&self.scenario, self.run())
        } else {
            self.landscape_view.unwrap_or_else(|| panels::action_view(&self.scenario, self.run()))
        }
    }

    /// Widens the zoomed window when an averaged iterate has settled outside it (grow only, so
    /// it does not jitter).
    fn follow_averages(&mut self) {
        if !self.view.full_range {
            let view = self.landscape_view.unwrap_or_else(|| panels::action_view(&self.scenario, self.run()));
            self.landscape_view = Some(panels::follow_averages(view, self.run()));
        }
    }

    /// Redraws static layers whose inputs changed; true if any was redrawn.
    fn draw_static(&mut self) -> bool {
        let dark = self.theme.dark;
        let mut changed = false;
        let scale = self.ink();
        if self.shows_line() {
            self.follow_averages();
            let (st, dy) = &self.landscape;
            let resized = st.fit(self.dpr) | dy.fit(self.dpr);
            let spec = self.line_spec();
            let key = StaticKey::Line(spec.clone(), (st.canvas.width(), st.canvas.height()), dark);
            if resized || self.keys[0].as_ref() != Some(&key) {
                let area = CanvasBackend::with_canvas_object(st.canvas.clone()).map(|b| b.into_drawing_area());
                self.landscape_map = area.and_then(|a| draw_line_static(&a, &spec, &self.theme, scale).ok());
                self.keys[0] = Some(key);
                changed = true;
            }
        } else if self.shows_landscape() {
            self.follow_averages();
            let (st, dy) = &self.landscape;
            let resized = st.fit(self.dpr) | dy.fit(self.dpr);
            let spec = self.landscape_spec();
            let key = StaticKey::Landscape(spec.clone(), (st.canvas.width(), st.canvas.height()), dark);
            if resized || self.keys[0].as_ref() != Some(&key) {
                self.landscape_map = self.draw_landscape_static(&spec).ok();
                self.keys[0] = Some(key);
                changed = true;
            }
        } else {
            let (st, dy) = &self.weights;
            let resized = st.fit(self.dpr) | dy.fit(self.dpr);
            let (range, level) = panels::weights_range(self.run());
            let key = StaticKey::Weights(range, level, (st.canvas.width(), st.canvas.height()), dark);
            if resized || self.keys[2].as_ref() != Some(&key) {
                let area = CanvasBackend::with_canvas_object(st.canvas.clone()).map(|b| b.into_drawing_area());
                self.weights_map = area.and_then(|a| draw_weights_axes(&a, range, level, &self.theme, scale).ok());
                self.keys[2] = Some(key);
                changed = true;
            }
        }
        for curve in [Curve::Loss, Curve::Distance] {
            changed |= self.draw_curve_axes(curve);
        }
        self.draw_device_only();
        changed
    }

    /// The device inset, redrawn when the device, the size or the theme changed.
    pub(super) fn draw_device_only(&mut self) {
        let (scale, dark) = (self.ink(), self.theme.dark);
        let resized = self.device.fit(self.dpr);
        let size = (self.device.canvas.width(), self.device.canvas.height());
        // Zero-shifting's estimates depend on its pulse count too (0 = off).
        let zs = self.scenario.zero_shift * self.scenario.zs_pulses;
        let key = StaticKey::Device(self.run().device, self.scenario.d2d, self.scenario.device_seed, zs, size, dark);
        if resized || self.keys[1].as_ref() != Some(&key) {
            if let Some(a) =
                CanvasBackend::with_canvas_object(self.device.canvas.clone()).map(|b| b.into_drawing_area())
            {
                let samples = crate::figures::device::variation_samples(
                    &self.run().device,
                    self.scenario.d2d,
                    self.scenario.device_seed,
                    16,
                );
                if let Ok(m) = draw_device(&a, &self.run().device, &samples, &self.theme, scale) {
                    if let Some(e) = self.run().tracks.iter().find_map(|t| t.algo.sp_estimate.as_ref()) {
                        let _ = crate::figures::device::draw_sp_estimates(&a, &m, e, &self.theme, scale);
                    }
                }
            }
            self.keys[1] = Some(key);
        }
    }

    fn draw_landscape_static(&self, spec: &Landscape) -> Result<Mapping, JsValue> {
        let st = &self.landscape.0;
        let (w, h) = st.size();
        let m = spec.mapping(w, h, self.ink());
        let ctx = &st.ctx;
        ctx.set_fill_style_str(&css(self.theme.bg));
        ctx.fill_rect(0.0, 0.0, w, h);
        // Contours: one small RGBA buffer, put once and scaled into the plot rectangle.
        let cells = 160u32;
        let rgba = spec.contour_rgba(&m, cells as usize, cells as usize, &self.theme);
        let img = ImageData::new_with_u8_clamped_array_and_sh(Clamped(&rgba), cells, cells)?;
        self.contour.set_width(cells);
        self.contour.set_height(cells);
        let cctx = self.contour.get_context("2d")?.ok_or("no 2d context")?.dyn_into::<CanvasRenderingContext2d>()?;
        cctx.put_image_data(&img, 0.0, 0.0)?;
        ctx.draw_image_with_html_canvas_element_and_dw_and_dh(
            &self.contour,
            m.rect.0,
            m.rect.1,
            m.width(),
            m.rect.3 - m.rect.1,
        )?;
        let area = CanvasBackend::with_canvas_object(st.canvas.clone()).ok_or("no canvas backend")?.into_drawing_area();
        draw_landscape_overlay(&area, spec, &self.theme, self.ink(), false).map_err(|e| JsValue::from_str(&e))
    }

    fn draw_dynamic(&mut self) {
        if self.shows_line() {
            self.draw_line_dynamic();
        } else if self.shows_landscape() {
            self.draw_landscape_dynamic();
        } else {
            self.draw_weights_dynamic();
        }
        self.draw_curves(Curve::Loss);
        self.draw_curves(Curve::Distance);
    }

    pub(super) fn stroke_style(
        &self,
        ctx: &CanvasRenderingContext2d,
        a: AlgorithmKind,
        pulsed: bool,
        alpha: f64,
        width: f64,
    ) {
        ctx.set_stroke_style_str(&css_alpha(self.theme.algo(a), alpha));
        ctx.set_line_width(width * self.ink());
        let pattern = js_sys::Array::new();
        for d in if pulsed { PULSED_DASH } else { dash(a) } {
            pattern.push(&JsValue::from_f64(d * self.ink()));
        }
        let _ = ctx.set_line_dash(&pattern);
    }

    pub(super) fn draw_marker(
        &self,
        ctx: &CanvasRenderingContext2d,
        a: AlgorithmKind,
        pulsed: bool,
        x: f64,
        y: f64,
        size: f64,
    ) {
        let r = size * self.ink();
        // Pulse-level tracks: hollow markers in the algorithm's colour.
        let (fill, stroke) =
            if pulsed { (self.theme.bg, self.theme.algo(a)) } else { (self.theme.algo(a), self.theme.bg) };
        ctx.set_fill_style_str(&css(fill));
        ctx.set_stroke_style_str(&css(stroke));
        ctx.set_line_width(if pulsed { 2.0 } else { 1.5 } * self.ink());
        let _ = ctx.set_line_dash(&js_sys::Array::new());
        ctx.begin_path();
        match marker(a) {
            Marker::Square => ctx.rect(x - r * 0.85, y - r * 0.85, 1.7 * r, 1.7 * r),
            Marker::Triangle => {
                ctx.move_to(x, y - r * 1.15);
                ctx.line_to(x + r, y + r * 0.75);
                ctx.line_to(x - r, y + r * 0.75);
                ctx.close_path();
            }
            Marker::Circle => {
                let _ = ctx.arc(x, y, r, 0.0, std::f64::consts::TAU);
            }
            other => {
                for (j, (u, v)) in other.outline().unwrap_or_default().into_iter().enumerate() {
                    if j == 0 {
                        ctx.move_to(x + r * u, y + r * v);
                    } else {
                        ctx.line_to(x + r * u, y + r * v);
                    }
                }
                ctx.close_path();
            }
        }
        ctx.fill();
        ctx.stroke();
    }

    /// Raw iterates as short, faint trails; each algorithm's averaged iterate (see
    /// [`crate::sim::run::AveragedIterate`]) as a bold path and marker — where it settles is the
    /// story: Analog SGD's on the ◇ theory point, Tiki-Taka's on w*.
    fn draw_landscape_dynamic(&self) {
        let layer = &self.landscape.1;
        layer.clear();
        let Some(m) = self.landscape_map else { return };
        let ctx = &layer.ctx;
        clip_to_plot(ctx, &m);
        const RAW_TRAIL: usize = 400;
        // The previous run's averaged paths and markers, faint, under everything of this one.
        if let Some(g) = &self.ghost {
            for t in &g.tracks {
                self.stroke_average_path(ctx, &m, t, 0.3, 1.6);
                let (x, y) = (m.px(t.average.mean[0]), m.py(t.average.mean.get(1).copied().unwrap_or(0.0)));
                if t.algo.k > 0 && x.is_finite() && y.is_finite() {
                    ctx.set_global_alpha(0.4);
                    self.draw_marker(ctx, t.algo.kind, true, x, y, 7.0);
                    ctx.set_global_alpha(1.0);
                }
            }
        }
        for t in &self.run().tracks {
            let n = t.trail.recent_len();
            if n > 1 {
                let from = n.saturating_sub(RAW_TRAIL);
                // The raw iterates recede: the averages are the story.
                self.stroke_style(ctx, t.algo.kind, t.algo.pulsed(), 0.18, 1.0);
                ctx.begin_path();
                let mut first = true;
                for i in from..n {
                    let w = t.trail.recent(i);
                    let (x, y) = (m.px(w[0]), m.py(w[1]));
                    if first {
                        ctx.move_to(x, y);
                        first = false;
                    } else {
                        ctx.line_to(x, y);
                    }
                }
                ctx.line_to(m.px(t.algo.w[0]), m.py(t.algo.w[1]));
                ctx.stroke();
            }
        }
        for t in &self.run().tracks {
            self.stroke_average_path(ctx, &m, t, 0.95, 2.4);
        }
        for t in &self.run().tracks {
            let (x, y) = (m.px(t.algo.w[0]), m.py(t.algo.w[1]));
            if t.algo.kind == AlgorithmKind::TikiTaka {
                let (px, py) = (m.px(t.algo.w[0] + t.algo.p[0]), m.py(t.algo.w[1] + t.algo.p[1]));
                self.arrow(ctx, (x, y), (px, py), t.algo.kind);
            }
            if x.is_finite() && y.is_finite() {
                ctx.set_global_alpha(0.4);
                self.draw_marker(ctx, t.algo.kind, t.algo.pulsed(), x, y, 3.5);
                ctx.set_global_alpha(1.0);
            }
        }
        for t in &self.run().tracks {
            let (x, y) = (m.px(t.average.mean[0]), m.py(t.average.mean[1]));
            if t.algo.k > 0 && x.is_finite() && y.is_finite() {
                self.draw_marker(ctx, t.algo.kind, t.algo.pulsed(), x, y, 7.5);
            }
        }
        ctx.restore();
        // w* and ◇ last, over every marker, with labels clear of them (shared with the SVG).
        if let Some(area) = CanvasBackend::with_canvas_object(layer.canvas.clone()).map(|b| b.into_drawing_area()) {
            let markers = panels::average_markers(self.run(), &m);
            let spec = self.landscape_spec();
            let _ = crate::figures::landscape::draw_landmarks(&area, &spec, &m, &markers, &self.theme, self.ink());
        }
        self.draw_tour_mark(ctx, &m);
        self.draw_guess(ctx, &m);
    }

    /// The audience's guess (lecture mode's predict-then-reveal): a ring with a cross, labelled.
    fn draw_guess(&self, ctx: &CanvasRenderingContext2d, m: &Mapping) {
        let Some(g) = self.guess else { return };
        let (x, y) = (m.px(g[0]), m.py(g[1]));
        let s = self.ink();
        let _ = ctx.set_line_dash(&js_sys::Array::new());
        ctx.set_stroke_style_str(&css(self.theme.fg));
        ctx.set_line_width(2.5 * s);
        ctx.begin_path();
        let _ = ctx.arc(x, y, 9.0 * s, 0.0, std::f64::consts::TAU);
        ctx.move_to(x - 6.0 * s, y - 6.0 * s);
        ctx.line_to(x + 6.0 * s, y + 6.0 * s);
        ctx.move_to(x + 6.0 * s, y - 6.0 * s);
        ctx.line_to(x - 6.0 * s, y + 6.0 * s);
        ctx.stroke();
        ctx.set_fill_style_str(&css(self.theme.fg));
        ctx.set_font(&format!("{}px sans-serif", (13.0 * s).round()));
        let _ = ctx.fill_text("your guess", x + 12.0 * s, y + 24.0 * s);
    }

    /// Where the open tour step's symbol is on the landscape, in canvas pixels (if in view).
    pub fn tour_mark_at(&self, m: &Mapping) -> Option<(crate::scenes::Landmark, (f64, f64))> {
        use crate::scenes::Landmark;
        // An open question does not point at its answer.
        let mark = self.tour_mark.filter(|m| !(self.conceal && *m == Landmark::TheoryPoint))?;
        let run = self.run();
        let p = match mark {
            Landmark::Optimum => panels::point2(&self.scenario.wstar),
            Landmark::TheoryPoint => panels::point2(run.theory.analog_stationary_w.as_ref()?),
            Landmark::FastArray => {
                let t = run.track(AlgorithmKind::TikiTaka)?;
                [t.algo.w[0] + t.algo.p[0], t.algo.w[1] + t.algo.p[1]]
            }
            Landmark::SymmetricPoint => {
                let sp = run.device.symmetric_point()?;
                [sp, sp]
            }
        };
        let at = (m.px(p[0]), m.py(p[1]));
        m.contains(at.0, at.1).then_some((mark, at))
    }

    /// A ring that pulses around the symbol the open tour step names (still under reduced motion).
    fn draw_tour_mark(&self, ctx: &CanvasRenderingContext2d, m: &Mapping) {
        let Some((_, (x, y))) = self.tour_mark_at(m) else { return };
        let still = dom::media("(prefers-reduced-motion: reduce)");
        let phase = if still { 0.0 } else { (dom::now() / 300.0).sin() };
        let r = (20.0 + 4.0 * phase) * self.ink();
        let _ = ctx.set_line_dash(&js_sys::Array::new());
        ctx.set_stroke_style_str(&css_alpha(self.theme.bg, 0.9));
        ctx.set_line_width(6.0 * self.ink());
        ctx.begin_path();
        let _ = ctx.arc(x, y, r, 0.0, std::f64::consts::TAU);
        ctx.stroke();
        ctx.set_stroke_style_str(&css(self.theme.fg));
        ctx.set_line_width(3.0 * self.ink());
        ctx.begin_path();
        let _ = ctx.arc(x, y, r, 0.0, std::f64::consts::TAU);
        ctx.stroke();
    }

    /// A track's averaged-iterate path on the landscape (with its current point last).
    fn stroke_average_path(
        &self,
        ctx: &CanvasRenderingContext2d,
        m: &Mapping,
        t: &crate::sim::run::Track,
        alpha: f64,
        width: f64,
    ) {
        let path = &t.average.path;
        let dim = t.algo.w.len();
        if dim < 2 || path.len() < 2 * dim {
            return;
        }
        self.stroke_style(ctx, t.algo.kind, t.algo.pulsed(), alpha, width);
        ctx.begin_path();
        for (i, p) in path.chunks_exact(dim).chain(std::iter::once(t.average.mean.as_slice())).enumerate() {
            let (x, y) = (m.px(p[0]), m.py(p[1]));
            if i == 0 {
                ctx.move_to(x, y);
            } else {
                ctx.line_to(x, y);
            }
        }
        ctx.stroke();
    }

    /// The 1-D view's moving layer: recent raw iterates as faint dots on the curve, each
    /// algorithm's averaged iterate as a bold marker on the curve with a guide down to the w axis.
    fn draw_line_dynamic(&self) {
        let layer = &self.landscape.1;
        layer.clear();
        let Some(m) = self.landscape_map else { return };
        let spec = self.line_spec();
        let ctx = &layer.ctx;
        clip_to_plot(ctx, &m);
        const RAW_DOTS: usize = 120;
        for t in &self.run().tracks {
            let n = t.trail.recent_len();
            ctx.set_fill_style_str(&css_alpha(self.theme.algo(t.algo.kind), 0.25));
            for i in n.saturating_sub(RAW_DOTS)..n {
                let w = t.trail.recent(i)[0];
                let (x, y) = (m.px(w), m.py(spec.loss(w)));
                if x.is_finite() && y.is_finite() {
                    ctx.fill_rect(x - 1.5 * self.ink(), y - 1.5 * self.ink(), 3.0 * self.ink(), 3.0 * self.ink());
                }
            }
        }
        for t in &self.run().tracks {
            if t.algo.k == 0 {
                continue;
            }
            let w = t.average.mean[0];
            let (x, y) = (m.px(w), m.py(spec.loss(w)));
            if !(x.is_finite() && y.is_finite()) {
                continue;
            }
            self.stroke_style(ctx, t.algo.kind, t.algo.pulsed(), 0.8, 1.2);
            ctx.begin_path();
            ctx.move_to(x, y);
            ctx.line_to(x, m.rect.3);
            ctx.stroke();
            self.draw_marker(ctx, t.algo.kind, t.algo.pulsed(), x, y, 7.5);
        }
        ctx.restore();
    }

    fn arrow(&self, ctx: &CanvasRenderingContext2d, from: (f64, f64), to: (f64, f64), a: AlgorithmKind) {
        let (dx, dy) = (to.0 - from.0, to.1 - from.1);
        let len = (dx * dx + dy * dy).sqrt();
        if !len.is_finite() || len < 2.0 * self.ink() {
            return;
        }
        let _ = ctx.set_line_dash(&js_sys::Array::new());
        ctx.set_stroke_style_str(&css(self.theme.algo(a)));
        ctx.set_line_width(2.0 * self.ink());
        ctx.begin_path();
        ctx.move_to(from.0, from.1);
        ctx.line_to(to.0, to.1);
        let (ux, uy) = (dx / len, dy / len);
        let head = 7.0 * self.ink();
        ctx.move_to(to.0 - head * (ux - 0.5 * uy), to.1 - head * (uy + 0.5 * ux));
        ctx.line_to(to.0, to.1);
        ctx.line_to(to.0 - head * (ux + 0.5 * uy), to.1 - head * (uy - 0.5 * ux));
        ctx.stroke();
    }

    fn draw_weights_dynamic(&self) {
        let layer = &self.weights.1;
        layer.clear();
        let Some(m) = self.weights_map else { return };
        let ctx = &layer.ctx;
        let opt = self.run().problem.optimum();
        for t in &self.run().tracks {
            for (w, o) in t.algo.w.iter().zip(&opt) {
                let (x, y) = (m.px(*o), m.py(w.clamp(m.y_range.0, m.y_range.1)));
                if x.is_finite() && y.is_finite() {
                    self.draw_marker(ctx, t.algo.kind, t.algo.pulsed(), x, y, 4.5);
                }
            }
        }
    }

    /// w* under a pointer at canvas pixel (x, y), if close enough to grab (in the 1-D view:
    /// anywhere above w* on the axis).
    pub fn near_wstar(&self, x: f64, y: f64) -> bool {
        let Some(m) = self.landscape_map else { return false };
        if self.shows_line() {
            return (x - m.px(self.scenario.wstar[0])).abs() < 16.0 * self.ink();
        }
        let (sx, sy) = (m.px(self.scenario.wstar[0]), m.py(self.scenario.wstar[1]));
        ((x - sx).powi(2) + (y - sy).powi(2)).sqrt() < 16.0 * self.ink()
    }

    /// The data point under canvas pixel (x, y) on the landscape.
    pub fn landscape_point(&self, x: f64, y: f64) -> Option<(f64, f64)> {
        self.landscape_map.map(|m| (m.data_x(x), m.data_y(y)))
    }

    pub fn request_redraw(&mut self) {
        self.dynamic_dirty = true;
    }
}

/// Saves the context and clips drawing to the plot rectangle (undo with `restore`).
pub(super) fn clip_to_plot(ctx: &CanvasRenderingContext2d, m: &Mapping) {
    ctx.save();
    ctx.begin_path();
    ctx.rect(m.rect.0, m.rect.1, m.width(), m.rect.3 - m.rect.1);
    ctx.clip();
}

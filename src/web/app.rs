//! The live app: the run, the animation state, and drawing of every layer.

use super::dom::{self, by_id};
use super::view::{Speed, View};
use crate::figures::device::draw_device;
use crate::figures::landscape::{draw_landscape_overlay, Landscape};
use crate::figures::loss::{draw_loss_axes, LossAxes, TheoryLine};
use crate::figures::theme::{css, css_alpha, dash, marker, Marker};
use crate::figures::weights::draw_weights_axes;
use crate::figures::{decade_range, fmt_num, Mapping, Theme};
use crate::scenes::{Scene, SCENES};
use crate::sim::algorithm::AlgorithmKind;
use crate::sim::record::Column;
use crate::sim::scenario::{ProblemKind, Scenario};
use crate::sim::{Ensemble, Run};
use plotters::prelude::*;
use plotters_canvas::CanvasBackend;
use wasm_bindgen::prelude::*;
use wasm_bindgen::{Clamped, JsCast};
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement, ImageData};

/// Dash pattern of pulse-level tracks (dash-dot), in CSS pixels.
const PULSED_DASH: &[f64] = &[8.0, 3.0, 2.0, 3.0];

/// How many recent steps the readouts average over.
pub const RECENT: usize = 1000;
/// Simulation budget per animation frame, in milliseconds.
const FRAME_BUDGET_MS: f64 = 8.0;

/// A canvas sized to its CSS box × devicePixelRatio.
pub struct Layer {
    pub canvas: HtmlCanvasElement,
    pub ctx: CanvasRenderingContext2d,
}

impl Layer {
    pub fn new(id: &str) -> Result<Layer, JsValue> {
        let canvas: HtmlCanvasElement = by_id(id)?;
        let ctx = canvas.get_context("2d")?.ok_or("no 2d context")?.dyn_into::<CanvasRenderingContext2d>()?;
        Ok(Layer { canvas, ctx })
    }
    /// Resizes the backing store to the CSS size × DPR; true if it changed.
    pub fn fit(&self, dpr: f64) -> bool {
        let w = (self.canvas.client_width() as f64 * dpr).round().max(1.0) as u32;
        let h = (self.canvas.client_height() as f64 * dpr).round().max(1.0) as u32;
        if self.canvas.width() != w || self.canvas.height() != h {
            self.canvas.set_width(w);
            self.canvas.set_height(h);
            true
        } else {
            false
        }
    }
    fn size(&self) -> (f64, f64) {
        (self.canvas.width() as f64, self.canvas.height() as f64)
    }
    pub(crate) fn clear(&self) {
        let (w, h) = self.size();
        self.ctx.clear_rect(0.0, 0.0, w, h);
    }
}

/// What a static layer was last drawn from; redraw only when it changes.
#[derive(Clone, Debug, PartialEq)]
enum StaticKey {
    Landscape(Landscape, (u32, u32), bool),
    Loss(LossAxes, (u32, u32), bool),
    Device(crate::sim::device::Device, f64, u64, (u32, u32), bool),
    Weights((f64, f64), Option<f64>, (u32, u32), bool),
}

/// Live readouts for one track (an algorithm in one update form).
#[derive(Clone, Debug)]
pub struct Readout {
    /// `analog`, `analog_pulse`, …
    pub key: String,
    pub kind: AlgorithmKind,
    pub pulsed: bool,
    pub loss: f64,
    pub dist: f64,
    pub pulses_per_step: f64,
    pub diverged: bool,
}

/// The display name of a track.
pub fn track_label(kind: AlgorithmKind, pulsed: bool) -> String {
    if pulsed {
        format!("{} (pulses)", kind.label())
    } else {
        kind.label().to_string()
    }
}

pub struct App {
    pub scenario: Scenario,
    /// Every noise seed's run; the first is what the landscape and trajectories show.
    pub ens: Ensemble,
    pub view: View,
    pub playing: bool,
    debt: f64,
    last_frame: Option<f64>,
    pub theme: Theme,
    pub dpr: f64,
    landscape: (Layer, Layer),
    weights: (Layer, Layer),
    loss: (Layer, Layer),
    device: Layer,
    contour: HtmlCanvasElement,
    keys: [Option<StaticKey>; 4],
    landscape_map: Option<Mapping>,
    weights_map: Option<Mapping>,
    loss_map: Option<Mapping>,
    loss_y: (f64, f64),
    pub hover: Option<(f64, f64)>,
    pub dragging: bool,
    dynamic_dirty: bool,
    last_readout: f64,
    pub readouts: Vec<Readout>,
    /// (time, step) samples for the achieved-rate readout.
    rate_samples: std::collections::VecDeque<(f64, u64)>,
    pub steps_per_second: f64,
    /// Recent frame intervals and per-frame work, milliseconds (for the benchmark hook).
    pub frame_intervals: std::collections::VecDeque<f64>,
    pub frame_work: std::collections::VecDeque<f64>,
    pub first_chart_ms: Option<f64>,
    pub url_dirty_at: Option<f64>,
    theory_lines: Vec<TheoryLine>,
    /// The sweep panel.
    pub sweep: super::sweep::SweepView,
    cols: Vec<Column>,
    /// The Web Workers (digits training and sweep cells), started on first use.
    pub workers: super::workers::Workers,
    /// The digits view (problem=digits).
    pub digits: super::digits::DigitsView,
    /// The problem the sweep form was last set up for.
    pub sweep_problem: Option<ProblemKind>,
}

/// The 2-D machinery still needs a stepped scenario while the digits network trains in a worker:
/// a quadratic with the same device, never stepped, feeds the device inset.
fn device_shadow(s: &Scenario) -> Scenario {
    let mut q = Scenario::defaults(ProblemKind::Quadratic);
    for key in ["device", "tau", "sp", "tau_max", "tau_min", "g_up", "g_down", "up_down", "d2d", "device_seed", "algos"]
    {
        if let Some(k) = crate::sim::scenario::key(key) {
            let _ = k.set_text(&mut q, &k.format(s));
        }
    }
    q
}

impl App {
    /// The first seed's run.
    pub fn run(&self) -> &Run {
        self.ens.first()
    }

    pub fn new(scenario: Scenario, view: View) -> Result<App, JsValue> {
        let contour: HtmlCanvasElement = dom::document().create_element("canvas")?.dyn_into()?;
        let theme = match view.theme.as_deref() {
            Some("dark") => Theme::DARK,
            Some("light") => Theme::LIGHT,
            _ if dom::media("(prefers-color-scheme: dark)") => Theme::DARK,
            _ => Theme::LIGHT,
        };
        // Replaced in `restart` below; a digits scenario steps no Ensemble.
        let ens = Ensemble::new(&device_shadow(&scenario));
        let mut app = App {
            scenario,
            ens,
            view,
            playing: false,
            debt: 0.0,
            last_frame: None,
            theme,
            dpr: dom::window().device_pixel_ratio().max(1.0),
            landscape: (Layer::new("landscape-static")?, Layer::new("landscape-dynamic")?),
            weights: (Layer::new("weights-static")?, Layer::new("weights-dynamic")?),
            loss: (Layer::new("loss-static")?, Layer::new("loss-dynamic")?),
            device: Layer::new("device-static")?,
            contour,
            keys: [None, None, None, None],
            landscape_map: None,
            weights_map: None,
            loss_map: None,
            loss_y: (1e-4, 1.0),
            hover: None,
            dragging: false,
            dynamic_dirty: true,
            last_readout: f64::NEG_INFINITY,
            readouts: vec![],
            rate_samples: Default::default(),
            steps_per_second: 0.0,
            frame_intervals: Default::default(),
            frame_work: Default::default(),
            first_chart_ms: None,
            url_dirty_at: None,
            theory_lines: vec![],
            sweep: super::sweep::SweepView::new()?,
            cols: Vec::new(),
            workers: super::workers::Workers::new(),
            digits: super::digits::DigitsView::new()?,
            sweep_problem: None,
        };
        app.restart();
        Ok(app)
    }

    /// Whether the landscape (2-D quadratic) or the weights view is shown.
    pub fn shows_landscape(&self) -> bool {
        self.scenario.problem == ProblemKind::Quadratic && self.scenario.wstar.len() == 2
    }

    /// Whether the digits network is shown (it trains in a worker).
    pub fn is_digits(&self) -> bool {
        self.scenario.problem == ProblemKind::Digits
    }

    /// Whether the run has reached its end.
    pub fn finished(&self) -> bool {
        if self.is_digits() {
            self.digits.finished()
        } else {
            self.ens.finished()
        }
    }

    /// Restarts the run from the start point with the same seeds.
    pub fn restart(&mut self) {
        let digits = self.is_digits();
        self.ens = Ensemble::new(&if digits { device_shadow(&self.scenario) } else { self.scenario.clone() });
        if digits {
            let paused = !self.playing;
            self.digits.start(&mut self.workers, &self.scenario, paused);
        } else {
            self.digits.stop(&self.workers);
        }
        for id in ["panel-loss", "panel-readouts"] {
            dom::set_hidden(id, digits);
        }
        dom::set_hidden("panel-digits", !digits);
        self.debt = 0.0;
        self.rate_samples.clear();
        self.theory_lines = self.compute_theory_lines();
        self.loss_y = self.initial_loss_range();
        self.keys[1] = None;
        self.dynamic_dirty = true;
        self.last_readout = f64::NEG_INFINITY;
        let seeds = self.ens.runs.len();
        dom::set_text(
            "loss-title",
            &if seeds > 1 {
                format!("Loss f − f* (log scale): mean and ±1 std over {seeds} noise seeds, with theory")
            } else {
                "Loss f − f* (log scale, mean per pixel column and range) with theory".to_string()
            },
        );
        dom::set_text(
            "readout-note",
            &if seeds > 1 {
                format!("Means over the last 1,000 steps and {seeds} seeds.")
            } else {
                "Means over the last 1,000 steps.".into()
            },
        );
        let landscape = self.shows_landscape();
        dom::set_hidden("panel-landscape", !landscape);
        dom::set_hidden("panel-weights", landscape || digits);
        self.update_readouts();
    }

    fn initial_loss_range(&self) -> (f64, f64) {
        let start = self.run().problem.start();
        let mut scratch = vec![0.0; start.len()];
        let mut grad = vec![0.0; start.len()];
        let f0 = self.run().problem.eval(&start, &mut scratch, &mut grad);
        let mut hi = f0.max(1e-3);
        let mut lo = hi * 1e-3;
        for l in &self.theory_lines {
            if l.value.is_finite() && l.value > 0.0 {
                lo = lo.min(l.value * 0.3);
                hi = hi.max(l.value * 3.0);
            }
        }
        decade_range(lo, hi)
    }

    /// The theory lines of the loss panel, computed once per restart (they depend only on the
    /// scenario).
    fn compute_theory_lines(&self) -> Vec<TheoryLine> {
        let t = &self.run().theory;
        let mut lines = Vec::new();
        if self.scenario.runs(AlgorithmKind::Digital) {
            if let Some(v) = t.digital_floor {
                lines.push(TheoryLine {
                    label: "Digital SGD floor (theory)".into(),
                    value: v,
                    color: self.theme.digital,
                });
            }
        }
        if let (true, Some(w), crate::sim::problem::Problem::LowerBound(b)) =
            (self.scenario.runs(AlgorithmKind::Analog), t.lower_bound_w, &self.run().problem)
        {
            let bias = 0.5 * b.curvature * (w - b.wstar).powi(2) * b.dim as f64;
            lines.push(TheoryLine {
                label: "Analog SGD stationary point (theory)".into(),
                value: bias,
                color: self.theme.analog,
            });
        }
        if self.scenario.runs(AlgorithmKind::Analog) {
            if let (Some(bias), Some(floor)) = (t.analog_stationary_loss, t.digital_floor) {
                lines.push(TheoryLine {
                    label: "Analog SGD stationary: bias + noise floor (theory)".into(),
                    value: bias + floor,
                    color: self.theme.analog,
                });
            }
        }
        lines
    }

    /// Advances the animation by one frame at time `now` (ms). Returns whether anything was drawn.
    pub fn frame(&mut self, now: f64) {
        let start = dom::now();
        if let Some(prev) = self.last_frame {
            push_ring(&mut self.frame_intervals, now - prev, 240);
        }
        let dt = self.last_frame.map_or(0.0, |t| ((now - t) / 1000.0).clamp(0.0, 0.1));
        self.last_frame = Some(now);
        for m in self.workers.drain() {
            if m.kind == "cell" || m.id.is_some() {
                self.sweep.receive(&m, &mut self.workers);
            } else {
                self.digits.receive(&m);
            }
        }
        if self.is_digits() {
            if self.playing && self.digits.finished() {
                self.set_playing(false);
            }
            self.sweep.work(&mut self.workers);
            self.digits.draw(&self.theme, self.dpr);
            if now - self.last_readout > 100.0 {
                self.last_readout = now;
                self.write_caption_values();
                self.write_step_count();
            }
            self.draw_device_only();
            if self.first_chart_ms.is_none() && self.digits.snapshot.is_some() {
                self.first_chart_ms = Some(dom::now());
                if let Some(body) = dom::document().body() {
                    let _ = body.set_attribute("data-ready", "1");
                }
            }
            self.sweep.draw(&self.theme, self.dpr, now);
            push_ring(&mut self.frame_work, dom::now() - start, 240);
            return;
        }
        let budget = FRAME_BUDGET_MS;
        if self.playing && !self.ens.finished() {
            self.simulate(dt, start, budget);
            if self.ens.finished() {
                self.set_playing(false);
            }
        }
        self.rate_samples.push_back((now, self.ens.step()));
        while self.rate_samples.len() > 2 && now - self.rate_samples[0].0 > 1000.0 {
            self.rate_samples.pop_front();
        }
        if let (Some(a), Some(b)) = (self.rate_samples.front(), self.rate_samples.back()) {
            self.steps_per_second = if b.0 > a.0 { (b.1 - a.1) as f64 / ((b.0 - a.0) / 1000.0) } else { 0.0 };
        }
        if now - self.last_readout > 100.0 {
            self.last_readout = now;
            self.update_readouts();
        }
        self.sweep.work(&mut self.workers);
        self.draw();
        self.sweep.draw(&self.theme, self.dpr, now);
        push_ring(&mut self.frame_work, dom::now() - start, 240);
    }

    fn simulate(&mut self, dt: f64, start: f64, budget: f64) {
        let target = match self.view.speed {
            Speed::Max => u64::MAX,
            Speed::StepsPerSecond(v) => {
                self.debt += v * dt;
                let n = self.debt.floor();
                self.debt -= n;
                n as u64
            }
        };
        let chunk = match self.run().problem.dim() {
            d if d <= 4 => 512,
            _ => 64,
        };
        let mut done = 0u64;
        while done < target && !self.ens.finished() {
            let n = chunk.min(target - done);
            self.ens.step_n(n);
            done += n;
            if dom::now() - start > budget {
                self.debt = 0.0; // the budget caps speed: do not build up a backlog
                break;
            }
        }
        if done > 0 {
            self.dynamic_dirty = true;
        }
    }

    /// Steps `n` times now (the Step buttons; on digits one epoch).
    pub fn step_by(&mut self, n: u64) {
        if self.is_digits() {
            self.digits.step_epoch(&self.workers);
            return;
        }
        self.ens.step_n(n);
        self.dynamic_dirty = true;
        self.update_readouts();
    }

    pub fn set_playing(&mut self, playing: bool) {
        let finished = self.finished();
        let playing = playing && !finished;
        self.playing = playing;
        self.last_frame = None;
        if self.is_digits() {
            self.digits.set_paused(&self.workers, !playing);
        }
        dom::set_text(
            "play",
            if playing {
                "Pause"
            } else if finished {
                "Done"
            } else {
                "Play"
            },
        );
        if let Ok(b) = by_id::<web_sys::HtmlElement>("play") {
            let _ = b.set_attribute("aria-pressed", if playing { "true" } else { "false" });
        }
    }

    pub fn mark_all_dirty(&mut self) {
        self.keys = [None, None, None, None];
        self.dynamic_dirty = true;
        self.sweep.mark_dirty();
        self.digits.mark_dirty();
    }

    /// Recent means and distances for the readouts and the caption (averaged over seeds).
    pub fn update_readouts(&mut self) {
        let optimum = self.run().problem.optimum();
        let seeds = self.ens.runs.len() as f64;
        self.readouts = (0..self.run().tracks.len())
            .map(|k| {
                let t = &self.run().tracks[k];
                let (mut loss, mut dist) = (0.0, 0.0);
                for run in &self.ens.runs {
                    let (l, d) = recent_loss_and_distance(&run.tracks[k], &optimum);
                    loss += l / seeds;
                    dist += d / seeds;
                }
                Readout {
                    key: crate::sim::run::track_key(&t.algo),
                    kind: t.algo.kind,
                    pulsed: t.algo.pulsed(),
                    loss,
                    dist,
                    pulses_per_step: t.algo.pulses() as f64 / t.algo.k.max(1) as f64,
                    diverged: self.ens.runs.iter().any(|r| r.tracks[k].algo.diverged),
                }
            })
            .collect();
        self.write_readouts();
    }

    /// The readout of `a` in the expected dynamic (or at pulse level if that is all there is).
    fn readout(&self, a: AlgorithmKind) -> Option<&Readout> {
        self.readouts.iter().find(|r| r.kind == a && !r.pulsed).or_else(|| self.readouts.iter().find(|r| r.kind == a))
    }

    fn pulsed_readout(&self, a: AlgorithmKind) -> Option<&Readout> {
        self.readouts.iter().find(|r| r.kind == a && r.pulsed)
    }

    fn write_readouts(&self) {
        let any_pulses = self.readouts.iter().any(|r| r.pulsed);
        let rows: String = self
            .readouts
            .iter()
            .map(|r| {
                let (loss, dist) = if r.diverged {
                    ("diverged".to_string(), "—".to_string())
                } else if !r.loss.is_finite() {
                    ("—".to_string(), fmt_num(r.dist)) // no step taken yet
                } else {
                    (fmt_num(r.loss), fmt_num(r.dist))
                };
                let class = if r.diverged { " class=\"diverged\"" } else { "" };
                let pulses = if any_pulses {
                    format!("<td id=\"pulses-{k}\">{}</td>", if r.pulsed { fmt_num(r.pulses_per_step) } else { "—".into() }, k = r.key)
                } else {
                    String::new()
                };
                format!(
                    "<tr id=\"row-{k}\"><td><span class=\"swatch {kind}{p}\"></span>{label}</td><td{class} id=\"loss-{k}\" data-value=\"{lv}\">{loss}</td><td{class} id=\"dist-{k}\" data-value=\"{dv}\">{dist}</td>{pulses}</tr>",
                    k = r.key,
                    kind = r.kind.key(),
                    p = if r.pulsed { " pulsed" } else { "" },
                    label = track_label(r.kind, r.pulsed),
                    lv = r.loss,
                    dv = r.dist
                )
            })
            .collect();
        dom::set_hidden("pulses-head", !any_pulses);
        dom::set_hidden("legend-pulses", !any_pulses);
        if let Ok(body) = by_id::<web_sys::HtmlElement>("readout-rows") {
            if body.inner_html() != rows {
                body.set_inner_html(&rows);
            }
        }
        self.write_step_count();
        let rate =
            if self.playing { format!("{} steps/s", fmt_num(self.steps_per_second.round())) } else { String::new() };
        dom::set_text("rate", &rate);
        self.write_caption_values();
    }

    /// "step k / K", or on digits "epoch e / E".
    fn write_step_count(&self) {
        let (text, now) = if self.is_digits() {
            let e = self.digits.epoch();
            (format!("epoch {e} / {}", self.scenario.epochs), e)
        } else {
            (format!("step {} / {}", self.ens.step(), self.scenario.steps), self.ens.step())
        };
        dom::set_text("step-count", &text);
        if let Ok(e) = by_id::<web_sys::HtmlElement>("step-count") {
            let _ = e.set_attribute("data-step", &now.to_string());
        }
    }

    /// The live value of a caption placeholder.
    pub fn bound_value(&self, name: &str) -> Option<String> {
        if self.is_digits() {
            let acc = |k: &str| self.digits.accuracy(k).map(|a| format!("{a:.1} %"));
            return match name {
                "digital_acc" => acc("digital"),
                "analog_acc" => acc("analog").or_else(|| acc("analog_sample")).or_else(|| acc("analog_pulse")),
                "tt_acc" => acc("tt").or_else(|| acc("tt_sample")).or_else(|| acc("tt_pulse")),
                "analog_sample_acc" => acc("analog_sample"),
                "analog_pulse_acc" => acc("analog_pulse"),
                "tt_pulse_acc" => acc("tt_pulse"),
                "epoch" => Some(self.digits.epoch().to_string()),
                "tt_minus_analog" => {
                    let a = self.digits.accuracy("analog").or_else(|| self.digits.accuracy("analog_pulse"))?;
                    let t = self.digits.accuracy("tt").or_else(|| self.digits.accuracy("tt_pulse"))?;
                    Some(format!("{:.0}", t - a))
                }
                key => crate::sim::scenario::key(key).map(|k| k.format(&self.scenario)),
            };
        }
        let dist = |a| self.readout(a).map(|r| fmt_num(r.dist));
        let loss = |a| self.readout(a).map(|r| fmt_num(r.loss));
        match name {
            "analog_dist" => dist(AlgorithmKind::Analog),
            "tt_dist" => dist(AlgorithmKind::TikiTaka),
            "digital_dist" => dist(AlgorithmKind::Digital),
            "analog_loss" => loss(AlgorithmKind::Analog),
            "tt_loss" => loss(AlgorithmKind::TikiTaka),
            "digital_loss" => loss(AlgorithmKind::Digital),
            "analog_pulse_loss" => self.pulsed_readout(AlgorithmKind::Analog).map(|r| fmt_num(r.loss)),
            "analog_pulse_dist" => self.pulsed_readout(AlgorithmKind::Analog).map(|r| fmt_num(r.dist)),
            "tt_pulse_loss" => self.pulsed_readout(AlgorithmKind::TikiTaka).map(|r| fmt_num(r.loss)),
            "analog_pulses" => self.pulsed_readout(AlgorithmKind::Analog).map(|r| fmt_num(r.pulses_per_step)),
            "symmetric_point" => self.run().device.symmetric_point().map(fmt_num),
            "lb_w" => self.run().theory.lower_bound_w.map(fmt_num),
            "lb_grad_sq" => self.run().theory.lower_bound_grad_sq.map(fmt_num),
            "lb_grad_sq_paper" => self.run().theory.lower_bound_grad_sq_paper.map(fmt_num),
            "analog_grad_sq" => {
                // Mean ‖∇f‖² over the second half of the steps so far (past the transient).
                let t = self.run().track(AlgorithmKind::Analog)?;
                let from = t.grad_sq.len() / 2;
                let (sum, n) = t
                    .grad_sq
                    .buckets()
                    .iter()
                    .filter(|b| b.start >= from)
                    .fold((0.0, 0u64), |(s, n), b| (s + b.sum, n + b.len));
                (n > 0).then(|| fmt_num(sum / n as f64))
            }
            "ratio" => {
                let (a, t) = (self.readout(AlgorithmKind::Analog)?, self.readout(AlgorithmKind::TikiTaka)?);
                Some(format!("{:.1}", a.dist / t.dist.max(1e-12)))
            }
            "theory_dist" => {
                let w = self.run().theory.analog_stationary_w.as_ref()?;
                let d = w.iter().zip(&self.run().problem.optimum()).map(|(a, b)| (a - b).powi(2)).sum::<f64>().sqrt();
                Some(fmt_num(d))
            }
            "digital_floor" => self.run().theory.digital_floor.map(fmt_num),
            "analog_theory_loss" => self.run().theory.analog_stationary_loss.map(fmt_num),
            key => crate::sim::scenario::key(key).map(|k| k.format(&self.scenario)),
        }
    }

    fn write_caption_values(&self) {
        let Ok(list) = dom::document().query_selector_all("#caption output[data-bind]") else { return };
        for i in 0..list.length() {
            let Some(node) = list.item(i) else { continue };
            let Ok(el) = node.dyn_into::<web_sys::Element>() else { continue };
            let name = el.get_attribute("data-bind").unwrap_or_default();
            let text = self.bound_value(&name).unwrap_or_else(|| "—".into());
            if el.text_content().as_deref() != Some(text.as_str()) {
                el.set_text_content(Some(&text));
            }
        }
    }

    /// The scene whose scenario equals the current one.
    pub fn current_scene(&self) -> Option<&'static Scene> {
        SCENES.iter().find(|s| Scenario::parse(s.query).is_ok_and(|q| q == self.scenario))
    }

    // ---- drawing ----------------------------------------------------------------------------

    fn draw(&mut self) {
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
        let s = &self.scenario;
        let wstar = [s.wstar[0], s.wstar[1]];
        let w0 = [s.w0_at(0), s.w0_at(1)];
        let range = self.run().device.range();
        Landscape {
            h: [s.h_at(0), s.h_at(1)],
            wstar,
            w0,
            range,
            symmetric_point: self.run().device.symmetric_point(),
            analog_theory: if s.runs(AlgorithmKind::Analog) {
                self.run().theory.analog_stationary_w.as_ref().map(|w| [w[0], w[1]])
            } else {
                None
            },
            view: Landscape::fit_view(wstar, w0, range),
        }
    }

    /// Redraws static layers whose inputs changed; true if any was redrawn.
    fn draw_static(&mut self) -> bool {
        let dark = self.theme.dark;
        let mut changed = false;
        let scale = self.dpr;
        if self.shows_landscape() {
            let (st, dy) = &self.landscape;
            let resized = st.fit(scale) | dy.fit(scale);
            let spec = self.landscape_spec();
            let key = StaticKey::Landscape(spec.clone(), (st.canvas.width(), st.canvas.height()), dark);
            if resized || self.keys[0].as_ref() != Some(&key) {
                self.landscape_map = self.draw_landscape_static(&spec).ok();
                self.keys[0] = Some(key);
                changed = true;
            }
        } else {
            let (st, dy) = &self.weights;
            let resized = st.fit(scale) | dy.fit(scale);
            let (range, level) = self.weights_range();
            let key = StaticKey::Weights(range, level, (st.canvas.width(), st.canvas.height()), dark);
            if resized || self.keys[3].as_ref() != Some(&key) {
                let area = CanvasBackend::with_canvas_object(st.canvas.clone()).map(|b| b.into_drawing_area());
                self.weights_map = area.and_then(|a| draw_weights_axes(&a, range, level, &self.theme, scale).ok());
                self.keys[3] = Some(key);
                changed = true;
            }
        }
        {
            self.grow_loss_range();
            let (st, dy) = &self.loss;
            let resized = st.fit(scale) | dy.fit(scale);
            let axes = LossAxes {
                steps: self.scenario.steps,
                log_x: self.view.log_x,
                y_range: self.loss_y,
                lines: self.theory_lines.clone(),
                labels: false,
            };
            let key = StaticKey::Loss(axes.clone(), (st.canvas.width(), st.canvas.height()), dark);
            if resized || self.keys[1].as_ref() != Some(&key) {
                let area = CanvasBackend::with_canvas_object(st.canvas.clone()).map(|b| b.into_drawing_area());
                self.loss_map = area.and_then(|a| draw_loss_axes(&a, &axes, &self.theme, scale).ok());
                self.keys[1] = Some(key);
                changed = true;
            }
        }
        self.draw_device_only();
        changed
    }

    /// The device inset, redrawn when the device, the size or the theme changed.
    fn draw_device_only(&mut self) {
        let (scale, dark) = (self.dpr, self.theme.dark);
        let resized = self.device.fit(scale);
        let size = (self.device.canvas.width(), self.device.canvas.height());
        let key = StaticKey::Device(self.run().device, self.scenario.d2d, self.scenario.device_seed, size, dark);
        if resized || self.keys[2].as_ref() != Some(&key) {
            if let Some(a) =
                CanvasBackend::with_canvas_object(self.device.canvas.clone()).map(|b| b.into_drawing_area())
            {
                let samples = crate::figures::device::variation_samples(
                    &self.run().device,
                    self.scenario.d2d,
                    self.scenario.device_seed,
                    16,
                );
                let _ = draw_device(&a, &self.run().device, &samples, &self.theme, scale);
            }
            self.keys[2] = Some(key);
        }
    }

    fn draw_landscape_static(&self, spec: &Landscape) -> Result<Mapping, JsValue> {
        let st = &self.landscape.0;
        let (w, h) = st.size();
        let m = spec.mapping(w, h, self.dpr);
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
        draw_landscape_overlay(&area, spec, &self.theme, self.dpr, None).map_err(|e| JsValue::from_str(&e))
    }

    fn weights_range(&self) -> ((f64, f64), Option<f64>) {
        let opt = self.run().problem.optimum();
        let mut lo = opt.iter().cloned().fold(f64::INFINITY, f64::min).min(0.0);
        let mut hi = opt.iter().cloned().fold(f64::NEG_INFINITY, f64::max).max(0.0);
        let pad = 0.15 * (hi - lo).max(0.2);
        lo -= pad;
        hi += pad;
        let level = self.run().theory.lower_bound_w;
        ((lo, hi), level)
    }

    /// Widens the loss axis (whole decades) when the data leave it; never shrinks mid-run.
    fn grow_loss_range(&mut self) {
        let mut lo = self.loss_y.0;
        let mut hi = self.loss_y.1;
        for t in &self.run().tracks {
            for b in t.loss.buckets() {
                if b.max.is_finite() && b.max > hi {
                    hi = b.max;
                }
                if b.min.is_finite() && b.min > 0.0 && b.min < lo {
                    lo = b.min;
                }
            }
        }
        // Noise makes single steps dip far below the plateau; do not let those dips stretch the
        // axis more than two decades under the lowest theory line (exact zeros clip too).
        let floor = self
            .theory_lines
            .iter()
            .map(|l| l.value)
            .filter(|v| v.is_finite() && *v > 0.0)
            .fold(f64::INFINITY, f64::min);
        let lo = if floor.is_finite() { lo.max(floor * 1e-2) } else { lo.max(hi * 1e-12) };
        let r = decade_range(lo, hi);
        if r != self.loss_y {
            self.loss_y = r;
        }
    }

    fn draw_dynamic(&mut self) {
        if self.shows_landscape() {
            self.draw_landscape_dynamic();
        } else {
            self.draw_weights_dynamic();
        }
        self.draw_loss_dynamic();
    }

    fn stroke_style(&self, ctx: &CanvasRenderingContext2d, a: AlgorithmKind, pulsed: bool, alpha: f64, width: f64) {
        ctx.set_stroke_style_str(&css_alpha(self.theme.algo(a), alpha));
        ctx.set_line_width(width * self.dpr);
        let pattern = js_sys::Array::new();
        for d in if pulsed { PULSED_DASH } else { dash(a) } {
            pattern.push(&JsValue::from_f64(d * self.dpr));
        }
        let _ = ctx.set_line_dash(&pattern);
    }

    fn draw_marker(&self, ctx: &CanvasRenderingContext2d, a: AlgorithmKind, pulsed: bool, x: f64, y: f64, size: f64) {
        let r = size * self.dpr;
        // Pulse-level tracks: hollow markers in the algorithm's colour.
        let (fill, stroke) =
            if pulsed { (self.theme.bg, self.theme.algo(a)) } else { (self.theme.algo(a), self.theme.bg) };
        ctx.set_fill_style_str(&css(fill));
        ctx.set_stroke_style_str(&css(stroke));
        ctx.set_line_width(if pulsed { 2.0 } else { 1.5 } * self.dpr);
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
        }
        ctx.fill();
        ctx.stroke();
    }

    fn draw_landscape_dynamic(&self) {
        let layer = &self.landscape.1;
        layer.clear();
        let Some(m) = self.landscape_map else { return };
        let ctx = &layer.ctx;
        clip_to_plot(ctx, &m);
        for t in &self.run().tracks {
            let n = t.trail.recent_len();
            if n > 1 {
                let stride = (n / 1500).max(1);
                self.stroke_style(ctx, t.algo.kind, t.algo.pulsed(), 0.55, 1.3);
                ctx.begin_path();
                let mut first = true;
                for i in (0..n).step_by(stride).chain(std::iter::once(n - 1)) {
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
            let (x, y) = (m.px(t.algo.w[0]), m.py(t.algo.w[1]));
            if t.algo.kind == AlgorithmKind::TikiTaka {
                let (px, py) = (m.px(t.algo.w[0] + t.algo.p[0]), m.py(t.algo.w[1] + t.algo.p[1]));
                self.arrow(ctx, (x, y), (px, py), t.algo.kind);
            }
            if x.is_finite() && y.is_finite() {
                self.draw_marker(ctx, t.algo.kind, t.algo.pulsed(), x, y, 6.0);
            }
        }
        ctx.restore();
    }

    fn arrow(&self, ctx: &CanvasRenderingContext2d, from: (f64, f64), to: (f64, f64), a: AlgorithmKind) {
        let (dx, dy) = (to.0 - from.0, to.1 - from.1);
        let len = (dx * dx + dy * dy).sqrt();
        if !len.is_finite() || len < 2.0 * self.dpr {
            return;
        }
        let _ = ctx.set_line_dash(&js_sys::Array::new());
        ctx.set_stroke_style_str(&css(self.theme.algo(a)));
        ctx.set_line_width(2.0 * self.dpr);
        ctx.begin_path();
        ctx.move_to(from.0, from.1);
        ctx.line_to(to.0, to.1);
        let (ux, uy) = (dx / len, dy / len);
        let head = 7.0 * self.dpr;
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

    fn draw_loss_dynamic(&mut self) {
        let layer = &self.loss.1;
        layer.clear();
        let Some(m) = self.loss_map else { return };
        let ctx = layer.ctx.clone();
        clip_to_plot(&ctx, &m);
        let columns = m.width().max(1.0) as usize;
        let (lo, hi) = m.y_range;
        let clampy = |v: f64| m.py(if v.is_finite() { v.clamp(lo, hi) } else { hi });
        let mut cols = std::mem::take(&mut self.cols);
        let steps = self.scenario.steps;
        let seeds = self.ens.runs.len();
        for k in 0..self.run().tracks.len() {
            let kind = self.run().tracks[k].algo.kind;
            let pulsed = self.run().tracks[k].algo.pulsed();
            // Per pixel column: (x, band low, line, band high). One seed: the min–max envelope
            // (spikes stay visible) around the column mean; several seeds: mean ± 1 std of the
            // seeds' column means.
            let mut band: Vec<(f64, f64, f64, f64)> = Vec::new();
            let mut per_seed: Vec<Vec<(usize, f64, f64)>> = Vec::with_capacity(seeds);
            for run in &self.ens.runs {
                let t = &run.tracks[k];
                if m.log_x {
                    let col_of = |s: u64| ((m.px(s as f64 + 1.0) - m.rect.0).max(0.0)) as usize;
                    t.loss.columns_by(0, steps, columns, col_of, &mut cols);
                } else {
                    t.loss.columns(0, steps, columns, &mut cols);
                }
                let x_of = |c: &Column| {
                    let x = if m.log_x { m.px(c.step as f64 + 1.0) } else { m.px(c.step as f64) };
                    x.max(m.rect.0 + c.column as f64)
                };
                if seeds == 1 {
                    band = cols.iter().map(|c| (x_of(c), c.min, c.mean(), c.max)).collect();
                } else {
                    per_seed.push(cols.iter().map(|c| (c.column, x_of(c), c.mean())).collect());
                }
            }
            if seeds > 1 {
                let n = per_seed.iter().map(Vec::len).min().unwrap_or(0);
                band = (0..n)
                    .map(|i| {
                        let vals: Vec<f64> = per_seed.iter().map(|s| s[i].2).collect();
                        let (mean, std) = crate::sim::ensemble::mean_std(vals.into_iter());
                        (per_seed[0][i].1, mean - std, mean, mean + std)
                    })
                    .collect();
            }
            if band.is_empty() {
                continue;
            }
            if band.iter().any(|b| b.3 > b.1) {
                ctx.set_fill_style_str(&css_alpha(self.theme.algo(kind), if seeds > 1 { 0.18 } else { 0.10 }));
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
            self.stroke_style(&ctx, kind, pulsed, 0.95, 1.6);
            ctx.begin_path();
            for (i, b) in band.iter().enumerate() {
                if i == 0 {
                    ctx.move_to(b.0, clampy(b.2));
                } else {
                    ctx.line_to(b.0, clampy(b.2));
                }
            }
            ctx.stroke();
        }
        self.cols = cols;
        // Theory labels on top of the curves, on a translucent plate so they stay readable.
        ctx.set_font(&format!("{}px sans-serif", (11.0 * self.dpr).round()));
        ctx.set_text_align("right");
        ctx.set_text_baseline("bottom");
        for line in &self.theory_lines {
            if !(line.value.is_finite() && line.value > lo && line.value < hi) {
                continue;
            }
            let (x, y) = (m.rect.2 - 4.0 * self.dpr, m.py(line.value) - 2.0 * self.dpr);
            let w = ctx.measure_text(&line.label).map_or(0.0, |t| t.width());
            ctx.set_fill_style_str(&css_alpha(self.theme.bg, 0.8));
            ctx.fill_rect(x - w - 3.0 * self.dpr, y - 13.0 * self.dpr, w + 6.0 * self.dpr, 14.0 * self.dpr);
            ctx.set_fill_style_str(&css(line.color));
            let _ = ctx.fill_text(&line.label, x, y);
        }
        ctx.restore();
        if let Some((hx, _)) = self.hover {
            if hx >= m.rect.0 && hx <= m.rect.2 {
                let _ = ctx.set_line_dash(&js_sys::Array::new());
                ctx.set_stroke_style_str(&css_alpha(self.theme.fg, 0.5));
                ctx.set_line_width(self.dpr);
                ctx.begin_path();
                ctx.move_to(hx, m.rect.1);
                ctx.line_to(hx, m.rect.3);
                ctx.stroke();
            }
        }
        self.write_tooltip(&m);
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
            if let Some(v) = t.loss.value_at(step) {
                html.push_str(&format!(
                    "<br><span style=\"color:{}\">{}</span>: {}",
                    css(self.theme.algo(t.algo.kind)),
                    t.algo.kind.label(),
                    fmt_num(v)
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

    /// w* under a pointer at canvas pixel (x, y), if close enough to grab.
    pub fn near_wstar(&self, x: f64, y: f64) -> bool {
        let Some(m) = self.landscape_map else { return false };
        let (sx, sy) = (m.px(self.scenario.wstar[0]), m.py(self.scenario.wstar[1]));
        ((x - sx).powi(2) + (y - sy).powi(2)).sqrt() < 16.0 * self.dpr
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
fn clip_to_plot(ctx: &CanvasRenderingContext2d, m: &Mapping) {
    ctx.save();
    ctx.begin_path();
    ctx.rect(m.rect.0, m.rect.1, m.width(), m.rect.3 - m.rect.1);
    ctx.clip();
}

/// Mean f − f* over the recent steps and the distance of the recent mean weights to `optimum`.
fn recent_loss_and_distance(t: &crate::sim::run::Track, optimum: &[f64]) -> (f64, f64) {
    let recent = t.loss.recent();
    let n = recent.len().min(RECENT);
    let loss = if n == 0 { f64::NAN } else { recent.iter().rev().take(n).sum::<f64>() / n as f64 };
    let held = t.trail.recent_len();
    let m = held.min(RECENT);
    let mut mean = vec![0.0; t.trail.dim()];
    if m == 0 {
        mean.clone_from(&t.algo.w);
    } else {
        for i in held - m..held {
            for (s, v) in mean.iter_mut().zip(t.trail.recent(i)) {
                *s += v / m as f64;
            }
        }
    }
    (loss, mean.iter().zip(optimum).map(|(a, b)| (a - b).powi(2)).sum::<f64>().sqrt())
}

fn push_ring(ring: &mut std::collections::VecDeque<f64>, v: f64, cap: usize) {
    if ring.len() == cap {
        ring.pop_front();
    }
    ring.push_back(v);
}

/// The p-quantile of a sample (0 for an empty one).
pub fn quantile(xs: &std::collections::VecDeque<f64>, p: f64) -> f64 {
    let mut v: Vec<f64> = xs.iter().copied().collect();
    if v.is_empty() {
        return 0.0;
    }
    v.sort_by(|a, b| a.total_cmp(b));
    v[((v.len() - 1) as f64 * p).round() as usize]
}

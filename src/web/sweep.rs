//! The sweep panel: runs a [`Sweep`] cell by cell inside the animation frame's time budget (the
//! live view keeps animating), and draws the three heatmaps as cells complete.

use super::app::Layer;
use super::dom;
use crate::figures::heatmap::{draw_heatmap, sweep_heatmaps, Heatmap};
use crate::figures::{fmt_num, Mapping, Theme};
use crate::sim::sweep::{Cell, Sweep};
use crate::sim::{Ensemble, Scenario};
use plotters::prelude::*;
use plotters_canvas::CanvasBackend;
use wasm_bindgen::{Clamped, JsCast, JsValue};
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement, ImageData};

/// Canvas ids of the three heatmaps.
pub const HEAT_IDS: [&str; 3] = ["heat-analog", "heat-tt", "heat-ratio"];

/// A sweep in the page.
pub struct SweepView {
    pub sweep: Option<Sweep>,
    /// `cells[j * nx + i]`, `None` until computed.
    pub cells: Vec<Option<Cell>>,
    next: usize,
    current: Option<(usize, Scenario, Ensemble)>,
    pub running: bool,
    started: f64,
    pub cells_per_second: f64,
    layers: Vec<Layer>,
    maps: [Option<Mapping>; 3],
    heatmaps: Vec<Heatmap>,
    scratch: HtmlCanvasElement,
    dirty: bool,
    last_draw: f64,
}

impl SweepView {
    pub fn new() -> Result<SweepView, JsValue> {
        Ok(SweepView {
            sweep: None,
            cells: vec![],
            next: 0,
            current: None,
            running: false,
            started: 0.0,
            cells_per_second: 0.0,
            layers: HEAT_IDS.iter().map(|id| Layer::new(id)).collect::<Result<_, _>>()?,
            maps: [None, None, None],
            heatmaps: vec![],
            scratch: dom::document().create_element("canvas")?.dyn_into()?,
            dirty: true,
            last_draw: f64::NEG_INFINITY,
        })
    }

    /// Starts `sweep` from its first cell.
    pub fn start(&mut self, sweep: Sweep) {
        self.cells = vec![None; sweep.len()];
        self.sweep = Some(sweep);
        self.next = 0;
        self.current = None;
        self.running = true;
        self.started = dom::now();
        self.cells_per_second = 0.0;
        self.dirty = true;
    }

    /// Stops after the cells done so far (they stay on the heatmaps).
    pub fn cancel(&mut self) {
        self.running = false;
        self.current = None;
        self.dirty = true;
    }

    /// Cells done.
    pub fn done(&self) -> usize {
        self.cells.iter().filter(|c| c.is_some()).count()
    }

    /// Computes cells for up to `budget_ms`, stepping a cell's runs in chunks so one long cell
    /// never blocks a frame.
    pub fn work(&mut self, budget_ms: f64) {
        if !self.running {
            return;
        }
        dom::set_hidden("heatmaps", self.sweep.is_none());
        let Some(sweep) = &self.sweep else { return };
        let start = dom::now();
        while dom::now() - start < budget_ms {
            if self.current.is_none() {
                if self.next >= sweep.len() {
                    self.running = false;
                    break;
                }
                let (i, j) = sweep.index(self.next);
                let scenario = sweep.cell_scenario(i, j);
                self.current = Some((self.next, scenario.clone(), Ensemble::new(&scenario)));
                self.next += 1;
            }
            let Some((idx, scenario, ens)) = &mut self.current else { break };
            let chunk = if ens.first().problem.dim() <= 4 { 2048 } else { 128 };
            ens.step_n(chunk);
            if ens.finished() {
                let (i, j) = sweep.index(*idx);
                self.cells[*idx] = Some(Cell { i, j, scenario: scenario.clone(), summary: ens.summary() });
                self.current = None;
                self.dirty = true;
                if self.next >= sweep.len() {
                    self.running = false;
                    break;
                }
            }
        }
        let secs = (dom::now() - self.started) / 1000.0;
        if secs > 0.0 {
            self.cells_per_second = self.done() as f64 / secs;
        }
    }

    pub fn mark_dirty(&mut self) {
        self.dirty = true;
    }

    /// Redraws the heatmaps if cells completed (at most ten times a second) or sizes changed.
    pub fn draw(&mut self, theme: &Theme, dpr: f64, now: f64) {
        let resized = self.layers.iter().fold(false, |r, l| l.fit(dpr) | r);
        if !(resized || self.dirty && now - self.last_draw > 100.0) {
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
        self.heatmaps = sweep_heatmaps(sweep, &self.cells);
        for k in 0..3 {
            self.maps[k] = self.draw_one(k, theme, dpr).ok();
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
        draw_heatmap(&area, hm, theme, dpr, false).map_err(|e| JsValue::from_str(&e))
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
        for (id, on) in [("sweep-cancel", self.running), ("sweep-csv", self.done() > 0)] {
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

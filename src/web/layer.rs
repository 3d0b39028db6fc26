//! A canvas layer: one `<canvas>` whose backing store follows its CSS box (the page's figures
//! stack a static and a moving layer; the digits and sweep views use them too).

use super::dom::by_id;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

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
    pub(crate) fn size(&self) -> (f64, f64) {
        (self.canvas.width() as f64, self.canvas.height() as f64)
    }
    pub(crate) fn clear(&self) {
        let (w, h) = self.size();
        self.ctx.clear_rect(0.0, 0.0, w, h);
    }
}

//! Runs in headless Chromium (wasm-bindgen-test): the core gives the identical numbers under
//! wasm as natively, and the canvas backend draws the figures.
#![cfg(target_arch = "wasm32")]

use analog_playground::sim::golden::golden_summaries;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn wasm_summaries_equal_the_native_fixture() {
    let committed = include_str!("golden/summaries.json");
    assert!(golden_summaries() == committed, "wasm numbers differ from the native fixture");
}

#[wasm_bindgen_test]
fn figures_draw_on_a_canvas() {
    use analog_playground::figures::{device::draw_device, Theme};
    use analog_playground::sim::device::Device;
    use plotters::prelude::*;
    use wasm_bindgen::JsCast;
    let doc = web_sys::window().unwrap().document().unwrap();
    let canvas: web_sys::HtmlCanvasElement = doc.create_element("canvas").unwrap().dyn_into().unwrap();
    canvas.set_width(300);
    canvas.set_height(200);
    doc.body().unwrap().append_child(&canvas).unwrap();
    let blank = canvas.to_data_url().unwrap();
    let area = plotters_canvas::CanvasBackend::with_canvas_object(canvas.clone()).unwrap().into_drawing_area();
    draw_device(&area, &Device::ald(1.0, 0.0), &[], &Theme::LIGHT, 1.0).unwrap();
    assert_ne!(canvas.to_data_url().unwrap(), blank);
}

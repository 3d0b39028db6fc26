//! Runs in headless Chromium (wasm-bindgen-test): the core gives the identical numbers under
//! wasm as natively, and the canvas backend draws the figures.
#![cfg(target_arch = "wasm32")]

use analog_playground::sim::golden::golden_summaries;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn wasm_summaries_equal_the_native_fixture() {
    // The CNN scenario trains on MNIST-10k, which the browser installs (the page's workers fetch it).
    analog_playground::sim::network::mnist::install(include_bytes!("../data/mnist/mnist10k.bin.gz"))
        .expect("the vendored MNIST file installs");
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

// Proof under abuse, inside the browser: a share of the properties (tests/properties.rs) and the
// seeded driver of tests/fuzz_links.rs, compiled to wasm. Panics abort here, so a panic fails the
// test rather than being counted. `View::from_query` (src/web/view.rs) is private to the page's
// module and not reachable from a test; the links below carry its view keys, which the scenario
// parser must ignore with a notice.
#[allow(dead_code)]
#[path = "properties.rs"]
mod properties;

#[allow(dead_code)]
#[path = "fuzz_links.rs"]
mod fuzz_links;

/// Runs a check directly (no unwinding in wasm: a panic fails the test).
fn direct(
    f: &mut dyn FnMut() -> Result<fuzz_links::Verdict, String>,
) -> Result<Result<fuzz_links::Verdict, String>, String> {
    Ok(f())
}

/// Prints a line to the browser console (shown with `-- --nocapture`).
fn report(line: &str) {
    web_sys::console::log_1(&line.into());
}

#[wasm_bindgen_test]
fn random_links_parse_leniently_and_round_trip_in_wasm() {
    const LINKS: u64 = 10_000;
    let t = js_sys::Date::now();
    let (links, _) = fuzz_links::run_links(LINKS, 1, direct, false);
    let secs = (js_sys::Date::now() - t) / 1000.0;
    report(&format!("wasm fuzz_links: {}", links.row("links (wasm, Chromium)", secs)));
    links.assert_clean("links in wasm");
    assert_eq!(links.inputs, LINKS);
    assert!(links.accepted > 0 && links.clamped > 0 && links.repaired > 0);
}

#[wasm_bindgen_test]
fn link_properties_hold_in_wasm() {
    use proptest::test_runner::TestRunner;
    const CASES: u32 = 512;
    let t = js_sys::Date::now();
    let mut runner = TestRunner::new(properties::config(CASES));
    runner.run(&properties::link(), |link| properties::ok(properties::check_link(&link))).unwrap();
    report(&format!("wasm properties: {CASES} links in {:.1} s", (js_sys::Date::now() - t) / 1000.0));
}

#[wasm_bindgen_test]
fn random_worker_messages_never_panic_in_wasm() {
    const MESSAGES: u64 = 10_000;
    let base = fuzz_links::BaseMessages::new();
    let t = js_sys::Date::now();
    let tallies = fuzz_links::run_messages(MESSAGES, 1, 5, &base, direct);
    let secs = (js_sys::Date::now() - t) / 1000.0;
    let all = fuzz_links::total(&tallies);
    report(&format!("wasm fuzz_links: {}", all.row("worker messages (wasm, Chromium)", secs)));
    all.assert_clean("worker messages in wasm");
}

//! Figure downloads: every panel's SVG (drawn by the same chart code as `playground figure`,
//! so the two files are equal for the same scenario and step) and PNG (the canvases as shown).

use super::dom::{self, by_id};
use super::{download, on, Shared};
use crate::figures::panels::{
    digits_panel_svg, figure_size, panel_svg, PanelKind, PanelOptions, DIGITS_PANELS, DIGITS_SIZE,
};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, Event, HtmlAnchorElement, HtmlCanvasElement, HtmlElement};

/// Wires every `button[data-export]`: `data-export` is `svg` or `png`, `data-figure` the panel or
/// chart name, `data-canvases` the canvases a PNG stacks (bottom first).
pub(super) fn build_exports(app: &Shared) -> Result<(), JsValue> {
    let a = app.clone();
    on::<Event>(&by_id::<HtmlElement>("export-aihwkit")?, "click", move |_| export_aihwkit(&a))?;
    let list = dom::document().query_selector_all("button[data-export]")?;
    for i in 0..list.length() {
        let Some(button) = list.item(i).and_then(|n| n.dyn_into::<HtmlElement>().ok()) else { continue };
        let format = button.get_attribute("data-export").unwrap_or_default();
        let figure = button.get_attribute("data-figure").unwrap_or_default();
        let canvases = button.get_attribute("data-canvases").unwrap_or_default();
        let row = button.get_attribute("data-layout").as_deref() == Some("row");
        let a = app.clone();
        on::<Event>(&button, "click", move |_| {
            let result =
                if format == "svg" { export_svg(&a, &figure) } else { export_png(&a, &figure, &canvases, row) };
            if let Err(e) = result {
                super::dom::console_warn(&format!("export of {figure} failed: {e:?}"));
            }
        })?;
    }
    Ok(())
}

/// The file name stem: the figure and where the run is.
fn stem(app: &Shared, figure: &str) -> String {
    let a = app.borrow();
    if figure == "sweep" {
        "analog-playground-sweep".to_string()
    } else if a.is_digits() {
        let epoch = a.digits.snapshot.as_ref().map_or(0, |s| s.summary.epochs);
        format!("analog-playground-digits-{figure}-epoch-{epoch}")
    } else {
        format!("analog-playground-{figure}-step-{}", a.ens.step())
    }
}

fn export_svg(app: &Shared, figure: &str) -> Result<(), JsValue> {
    let svg = {
        let a = app.borrow();
        if figure == "sweep" {
            let sweep = a.sweep.sweep.as_ref().ok_or("no sweep yet")?;
            crate::figures::heatmap::sweep_maps_svg(sweep, &a.sweep.cells, &a.theme, a.view.notation)?
        } else if a.is_digits() && DIGITS_PANELS.contains(&figure) {
            let snap = a.digits.snapshot.as_ref().ok_or("no epoch trained yet")?;
            let (w, h) = DIGITS_SIZE;
            digits_panel_svg(figure, &snap.summary, a.scenario.epochs, &a.scenario.to_query(), &a.theme, w, h)?
        } else {
            let kind = PanelKind::from_name(figure).ok_or("unknown panel")?;
            let opts = PanelOptions { theme: a.theme, log_x: a.view.log_x, full_range: a.view.full_range };
            let (w, h) = figure_size(kind, &a.scenario);
            panel_svg(kind, &a.ens, &opts, w, h)?
        }
    };
    download(&format!("{}.svg", stem(app, figure)), "image/svg+xml", &svg)
}

/// The panel's canvases at their pixel size on its background, as PNG: stacked (a static and a
/// moving layer), or side by side in a `row` (the sweep's heatmaps).
fn export_png(app: &Shared, figure: &str, canvases: &str, row: bool) -> Result<(), JsValue> {
    let layers: Vec<HtmlCanvasElement> =
        canvases.split(',').filter(|s| !s.is_empty()).map(by_id::<HtmlCanvasElement>).collect::<Result<_, _>>()?;
    let first = layers.first().ok_or("no canvas")?;
    let width = if row { layers.iter().map(|c| c.width()).sum() } else { first.width() };
    let out: HtmlCanvasElement = dom::document().create_element("canvas")?.dyn_into()?;
    out.set_width(width);
    out.set_height(first.height());
    let ctx = out.get_context("2d")?.ok_or("no 2d context")?.dyn_into::<CanvasRenderingContext2d>()?;
    ctx.set_fill_style_str(&crate::figures::theme::css(app.borrow().theme.bg));
    ctx.fill_rect(0.0, 0.0, width as f64, first.height() as f64);
    let mut x = 0.0;
    for layer in &layers {
        ctx.draw_image_with_html_canvas_element(layer, x, 0.0)?;
        if row {
            x += layer.width() as f64;
        }
    }
    let url = out.to_data_url_with_type("image/png")?;
    let link: HtmlAnchorElement = dom::document().create_element("a")?.dyn_into()?;
    link.set_href(&url);
    link.set_download(&format!("{}.png", stem(app, figure)));
    link.click();
    Ok(())
}

/// "Copy as aihwkit script": the scenario as a Python script for aihwkit 1.1, copied to the
/// clipboard and downloaded; the keys it could not carry over are listed under the toolbar.
fn export_aihwkit(app: &Shared) {
    let scenario = app.borrow().scenario.clone();
    let message = match crate::export::aihwkit::script(&scenario) {
        Ok(script) => {
            let _ = dom::window().navigator().clipboard().write_text(&script.text);
            let _ = download("analog_playground_aihwkit.py", "text/x-python", &script.text);
            if script.unexported.is_empty() {
                "aihwkit script copied (and downloaded): every key of this scenario is in it.".to_string()
            } else {
                format!(
                    "aihwkit script copied (and downloaded). Not exported — aihwkit has no counterpart: {}.",
                    script.unexported.join(", ")
                )
            }
        }
        Err(e) => format!("No aihwkit script for this scenario: {e}."),
    };
    dom::set_text("export-status", &message);
    dom::set_hidden("export-status", false);
}

/// "Copy as aihwkit script" is offered where the scenario can be exported, and disabled with the
/// reason in its tooltip where it cannot (e.g. the synthetic quadratic).
pub(super) fn sync_aihwkit_button(scenario: &crate::sim::Scenario) {
    let Ok(button) = by_id::<web_sys::HtmlButtonElement>("export-aihwkit") else { return };
    match crate::export::aihwkit::script(scenario) {
        Ok(_) => {
            button.set_disabled(false);
            button.set_title("Copy this scenario as a runnable Python script for IBM aihwkit 1.1 (and download it)");
        }
        Err(why) => {
            button.set_disabled(true);
            button.set_title(&format!("No aihwkit script for this scenario: {why}"));
        }
    }
}

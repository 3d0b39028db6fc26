//! Figure downloads: every panel's SVG (drawn by the same chart code as `playground figure`,
//! so the two files are equal for the same scenario and step), its PNG (that SVG rasterised by
//! the browser at 2×) and the figure set (all of them and the link, zipped).

use super::dom::download;
use super::dom::{self, by_id};
use super::{on, Shared};
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
    let a = app.clone();
    on::<Event>(&by_id::<HtmlElement>("export-set")?, "click", move |_| export_set(&a))?;
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
        format!("analog-playground-{figure}-step-{}", a.ens().step())
    }
}

/// The SVG figure of `figure` as it stands; `None` for a view with no figure (the test images).
fn figure_svg(app: &Shared, figure: &str) -> Option<Result<String, JsValue>> {
    let a = app.borrow();
    let svg = if figure == "sweep" {
        let Some(sweep) = a.sweep.sweep.as_ref() else { return Some(Err("no sweep yet".into())) };
        crate::figures::heatmap::sweep_maps_svg(sweep, &a.sweep.cells, &a.theme, a.view.notation)
    } else if a.is_digits() && DIGITS_PANELS.contains(&figure) {
        let Some(snap) = a.digits.snapshot.as_ref() else { return Some(Err("no epoch trained yet".into())) };
        let (w, h) = DIGITS_SIZE;
        digits_panel_svg(figure, &snap.summary, a.scenario.epochs, &a.scenario.to_query(), &a.theme, w, h)
    } else {
        let kind = PanelKind::from_name(figure)?;
        let opts = PanelOptions { theme: a.theme, log_x: a.view.log_x, full_range: a.view.full_range };
        let (w, h) = figure_size(kind, &a.scenario);
        panel_svg(kind, a.ens(), &opts, w, h)
    };
    Some(svg.map_err(|e| JsValue::from_str(&e)))
}

fn export_svg(app: &Shared, figure: &str) -> Result<(), JsValue> {
    let svg = figure_svg(app, figure).ok_or("no figure")??;
    download(&format!("{}.svg", stem(app, figure)), "image/svg+xml", &svg)
}

/// A PNG's pixels per SVG pixel: print resolution, and sharp on a high-density screen.
const PNG_SCALE: f64 = 2.0;

/// The figure's SVG rasterised by the browser at [`PNG_SCALE`] (so the PNG shows what the SVG
/// does); a view without an SVG (the test images) is its canvases as shown.
fn export_png(app: &Shared, figure: &str, canvases: &str, row: bool) -> Result<(), JsValue> {
    let name = format!("{}.png", stem(app, figure));
    match figure_svg(app, figure) {
        Some(svg) => {
            let svg = svg?;
            wasm_bindgen_futures::spawn_local(async move {
                let result = match rasterise(&svg, PNG_SCALE).await {
                    Ok(png) => super::dom::download_bytes(&name, "image/png", &png),
                    Err(e) => Err(e),
                };
                if let Err(e) = result {
                    dom::console_warn(&format!("PNG export failed: {e:?}"));
                }
            });
            Ok(())
        }
        None => export_canvases(&name, app, canvases, row),
    }
}

/// `svg` drawn by the browser onto a canvas `scale` times its size, as PNG bytes.
async fn rasterise(svg: &str, scale: f64) -> Result<Vec<u8>, JsValue> {
    let parts = js_sys::Array::of1(&JsValue::from_str(svg));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("image/svg+xml");
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)?;
    let image = web_sys::HtmlImageElement::new()?;
    image.set_src(&url);
    let decoded = wasm_bindgen_futures::JsFuture::from(image.decode()).await;
    web_sys::Url::revoke_object_url(&url)?;
    decoded?;
    let (w, h) = (image.natural_width() as f64, image.natural_height() as f64);
    let out: HtmlCanvasElement = dom::document().create_element("canvas")?.dyn_into()?;
    out.set_width((w * scale).round() as u32);
    out.set_height((h * scale).round() as u32);
    let ctx = out.get_context("2d")?.ok_or("no 2d context")?.dyn_into::<CanvasRenderingContext2d>()?;
    ctx.scale(scale, scale)?;
    ctx.draw_image_with_html_image_element_and_dw_and_dh(&image, 0.0, 0.0, w, h)?;
    let url = out.to_data_url_with_type("image/png")?;
    let base64 = url.split_once(',').map_or("", |(_, b)| b);
    let binary = dom::window().atob(base64)?;
    Ok(binary.chars().map(|c| c as u8).collect())
}

/// "Figure set": every panel the scenario shows as SVG and PNG (2×) with the link, in one zip
/// (the files `playground figure --all` writes, the PNGs rasterised by the browser).
fn export_set(app: &Shared) {
    let (names, query, step) = {
        let a = app.borrow();
        let names: Vec<&'static str> = if a.is_digits() {
            if a.digits.snapshot.is_some() {
                DIGITS_PANELS.to_vec()
            } else {
                vec![]
            }
        } else {
            PanelKind::ALL.iter().filter(|p| p.shown_for(&a.scenario)).map(|p| p.name()).collect()
        };
        let step = if a.is_digits() {
            format!("epoch-{}", a.digits.snapshot.as_ref().map_or(0, |s| s.summary.epochs))
        } else {
            format!("step-{}", a.ens().step())
        };
        (names, a.scenario.to_query(), step)
    };
    if names.is_empty() {
        set_status("Figure set: no epoch trained yet; the set is the trained network's charts.");
        return;
    }
    let svgs: Result<Vec<(&str, String)>, JsValue> =
        names.iter().map(|n| Ok((*n, figure_svg(app, n).ok_or("no figure")??))).collect();
    wasm_bindgen_futures::spawn_local(async move {
        let result: Result<usize, JsValue> = async {
            let mut files = Vec::new();
            for (name, svg) in svgs? {
                files.push((format!("{name}.png"), rasterise(&svg, PNG_SCALE).await?));
                files.push((format!("{name}.svg"), svg.into_bytes()));
            }
            files.push(crate::figures::set::link_file(&query));
            let zip = crate::figures::set::zip_files(&files).map_err(|e| JsValue::from_str(&e))?;
            super::dom::download_bytes(&format!("analog-playground-figures-{step}.zip"), "application/zip", &zip)?;
            Ok(files.len() / 2)
        }
        .await;
        set_status(&match result {
            Ok(n) => format!("Figure set downloaded: {n} panels as SVG and PNG (2×), and the scenario's link."),
            Err(e) => format!("Figure set failed: {}", e.as_string().unwrap_or_else(|| format!("{e:?}"))),
        });
    });
}

fn set_status(message: &str) {
    dom::set_text("export-status", message);
    dom::set_hidden("export-status", false);
}

/// The canvases at their pixel size on the page background, as PNG: stacked (a static and a
/// moving layer), or side by side in a `row`.
fn export_canvases(name: &str, app: &Shared, canvases: &str, row: bool) -> Result<(), JsValue> {
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
    link.set_download(name);
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
    set_status(&message);
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

//! The `multiples=KEY:V1,V2,…` view: the current scenario run to its end once per value (same
//! seed, so identical noise), drawn side by side by the figure code of `playground figure
//! --multiples` and shown as that SVG (an `<img>`), so the page shows exactly the file its SVG
//! button downloads. The runs are computed on the main thread once per scenario change (after the
//! controls have been still for a moment), not per frame; runs too heavy for that, and networks
//! (which train in workers), get a note instead.

use super::dom::download;
use super::dom::{self, by_id};
use super::{on, Shared};
use crate::figures::multiples::{columns, landscape_svg_in, refusal, run_all, work, Multiples};
use crate::figures::panels::PanelOptions;
use std::cell::RefCell;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, Event, HtmlAnchorElement, HtmlCanvasElement, HtmlElement, HtmlImageElement};

/// How long the scenario must stay unchanged before the runs are computed (a dragged slider
/// changes it on every input event; on load, the page draws its first frames meanwhile).
const SETTLE_MS: i32 = 250;

/// The most work (steps × seeds × weights, over all values) computed for the figure: the
/// runs block the main thread, and the page does about 3 million of these a second (measured in
/// Chromium: 6 values of 1,000,000 steps on the 2-D quadratic take about 4 s), so a twentieth of
/// the budget for showing one run's result, a few seconds.
const BUDGET: u64 = super::app::SHOW_AT_BUDGET / 20;

#[derive(Default)]
struct State {
    wired: bool,
    /// What the shown figure (or note) was made for: spec, scenario, theme and zoom.
    shown: Option<String>,
    /// What the pending timer will compute, and the timer.
    pending: Option<(String, i32)>,
    /// The figure's SVG (what the SVG button downloads and the PNG button rasterises), its
    /// object URL, and the URLs of every shown variant (to revoke).
    svg: Option<String>,
    url: Option<String>,
    urls: Vec<String>,
    key: String,
}

thread_local! {
    static STATE: RefCell<State> = RefCell::new(State::default());
}

/// What the figure depends on.
fn identity(app: &Shared) -> Option<String> {
    let a = app.borrow();
    let spec = a.view.multiples.as_ref()?;
    Some(format!("{spec}|{}|{:?}|{}", a.scenario.to_query(), a.theme.bg, a.view.full_range))
}

/// After a scenario change: shows the section when `multiples=` is set and (re)computes its figure
/// once the scenario has settled.
pub(super) fn sync(app: &Shared) {
    let Some(id) = identity(app) else {
        dom::set_hidden("multiples", true);
        set_body_class(false);
        return;
    };
    dom::set_hidden("multiples", false);
    set_body_class(true);
    if let Err(e) = wire() {
        dom::console_warn(&format!("multiples: {e:?}"));
    }
    let unchanged = STATE.with(|s| {
        let s = s.borrow();
        s.shown.as_deref() == Some(id.as_str()) || s.pending.as_ref().is_some_and(|(p, _)| *p == id)
    });
    if unchanged {
        return;
    }
    if let Some((_, timer)) = STATE.with(|s| s.borrow_mut().pending.take()) {
        dom::window().clear_timeout_with_handle(timer);
    }
    set_state("computing");
    if STATE.with(|s| s.borrow().shown.is_none()) {
        note(Some("Running every value to its end…"));
    }
    let a = app.clone();
    let run = Closure::once_into_js(move || {
        STATE.with(|s| s.borrow_mut().pending = None);
        compute(&a);
    });
    match dom::window().set_timeout_with_callback_and_timeout_and_arguments_0(run.unchecked_ref(), SETTLE_MS) {
        Ok(timer) => STATE.with(|s| s.borrow_mut().pending = Some((id, timer))),
        Err(e) => dom::console_warn(&format!("multiples: no timer: {e:?}")),
    }
}

fn set_body_class(on: bool) {
    if let Some(body) = dom::document().body() {
        let _ = body.class_list().toggle_with_force("multiples-shown", on);
    }
}

fn set_state(state: &str) {
    if let Ok(section) = by_id::<HtmlElement>("multiples") {
        let _ = section.set_attribute("data-state", state);
    }
}

/// Shows `text` under the heading (none: hides it).
fn note(text: Option<&str>) {
    dom::set_text("multiples-note", text.unwrap_or(""));
    dom::set_hidden("multiples-note", text.is_none());
}

/// Runs every value to its end and shows the figure, or says why not.
fn compute(app: &Shared) {
    let Some(id) = identity(app) else { return };
    let (spec, base, theme, full_range, embed) = {
        let a = app.borrow();
        (a.view.multiples.clone().unwrap_or_default(), a.scenario.clone(), a.theme, a.view.full_range, a.view.embed)
    };
    // The figure, then the same cells in two columns and in one for narrower screens.
    type Figure = (String, Vec<Option<String>>, usize, Vec<String>);
    let figure: Result<Figure, String> = (|| {
        let m = Multiples::parse(&spec)?;
        if let Some(why) = refusal(&base, false) {
            return Err(format!("multiples={spec}: {why}."));
        }
        let (cells, notices) = m.scenarios(&base, true)?;
        let total: u64 = cells.iter().map(work).fold(0, u64::saturating_add);
        if total > BUDGET {
            return Err(format!(
                "multiples={spec}: {} runs of {} steps are too many to compute in the page; playground figure '{}' --multiples {spec} --out multiples.svg draws them.",
                cells.len(),
                crate::figures::fmt_count(base.steps),
                base.to_query()
            ));
        }
        let opts = PanelOptions { theme, log_x: false, full_range };
        let runs = run_all(&cells)?;
        let cols = columns(cells.len());
        let svg = landscape_svg_in(&m, &base, &runs, &opts, cols)?;
        // (An embed fits the figure to its frame: wide frames keep the wide figure.)
        let narrow = [1, 2].map(|c| {
            (c < cols && !(embed && c == 2)).then(|| landscape_svg_in(&m, &base, &runs, &opts, c)).transpose()
        });
        let [one, two] = narrow;
        Ok((svg, vec![one?, two?], cells.len(), notices))
    })();
    STATE.with(|s| s.borrow_mut().shown = Some(id));
    let result = match figure {
        Ok((svg, narrow, n, notices)) => {
            note((!notices.is_empty()).then(|| notices.join(" ")).as_deref());
            show(&svg, &narrow, &spec, n)
        }
        Err(why) => {
            note(Some(&why));
            clear()
        }
    };
    if let Err(e) = result {
        dom::console_warn(&format!("multiples: {e:?}"));
    }
}

/// An object URL of `svg`.
fn svg_url(svg: &str) -> Result<String, JsValue> {
    let parts = js_sys::Array::of1(&JsValue::from_str(svg));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("image/svg+xml");
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options)?;
    web_sys::Url::create_object_url_with_blob(&blob)
}

/// Forgets the shown figure and revokes its URLs.
fn revoke() -> Result<(), JsValue> {
    let urls = STATE.with(|s| {
        let mut s = s.borrow_mut();
        s.svg = None;
        s.url = None;
        std::mem::take(&mut s.urls)
    });
    for url in urls {
        web_sys::Url::revoke_object_url(&url)?;
    }
    Ok(())
}

/// Shows `svg` as the section's image, and `narrow` (in one column, in two; `None`: no such
/// variant) as the picture's sources for narrower screens.
fn show(svg: &str, narrow: &[Option<String>], spec: &str, n: usize) -> Result<(), JsValue> {
    revoke()?;
    let url = svg_url(svg)?;
    let mut urls = vec![url.clone()];
    for (id, variant) in ["multiples-one", "multiples-two"].iter().zip(narrow) {
        let source = by_id::<web_sys::Element>(id)?;
        match variant {
            Some(v) => {
                let u = svg_url(v)?;
                source.set_attribute("srcset", &u)?;
                urls.push(u);
            }
            None => source.remove_attribute("srcset")?,
        }
    }
    let img = by_id::<HtmlImageElement>("multiples-figure")?;
    img.set_src(&url);
    img.set_alt(&format!("Small multiples of {spec}: the loss landscape at the end of each run, one per value"));
    img.set_hidden(false);
    STATE.with(|s| {
        let mut s = s.borrow_mut();
        s.svg = Some(svg.to_string());
        s.url = Some(url);
        s.urls = urls;
        s.key = spec.split(':').next().unwrap_or("").to_string();
    });
    let section = by_id::<HtmlElement>("multiples")?;
    section.set_attribute("data-count", &n.to_string())?;
    section.set_attribute("data-state", "ready")?;
    set_tools(false);
    Ok(())
}

/// No figure (a note says why).
fn clear() -> Result<(), JsValue> {
    revoke()?;
    for id in ["multiples-one", "multiples-two"] {
        by_id::<web_sys::Element>(id)?.remove_attribute("srcset")?;
    }
    let img = by_id::<HtmlImageElement>("multiples-figure")?;
    img.remove_attribute("src")?;
    img.set_hidden(true);
    let section = by_id::<HtmlElement>("multiples")?;
    section.set_attribute("data-count", "0")?;
    section.set_attribute("data-state", "note")?;
    set_tools(true);
    Ok(())
}

fn set_tools(disabled: bool) {
    for id in ["multiples-svg", "multiples-png"] {
        if let Ok(b) = by_id::<web_sys::HtmlButtonElement>(id) {
            b.set_disabled(disabled);
        }
    }
}

/// The SVG and PNG buttons (once).
fn wire() -> Result<(), JsValue> {
    if STATE.with(|s| std::mem::replace(&mut s.borrow_mut().wired, true)) {
        return Ok(());
    }
    on::<Event>(&by_id::<HtmlElement>("multiples-svg")?, "click", move |_| {
        let (svg, key) = STATE.with(|s| (s.borrow().svg.clone(), s.borrow().key.clone()));
        if let Some(svg) = svg {
            let _ = download(&format!("analog-playground-multiples-{key}.svg"), "image/svg+xml", &svg);
        }
    })?;
    on::<Event>(&by_id::<HtmlElement>("multiples-png")?, "click", move |_| {
        wasm_bindgen_futures::spawn_local(async {
            if let Err(e) = export_png().await {
                dom::console_warn(&format!("multiples PNG export failed: {e:?}"));
            }
        });
    })?;
    Ok(())
}

/// A PNG's pixels per SVG pixel (as the panels' PNG buttons).
const PNG_SCALE: f64 = 2.0;

/// The figure's SVG (whatever variant the screen shows), decoded by the browser and drawn at
/// [`PNG_SCALE`], as a PNG download.
async fn export_png() -> Result<(), JsValue> {
    let (key, url) = STATE.with(|s| (s.borrow().key.clone(), s.borrow().url.clone()));
    let url = url.ok_or("no figure")?;
    let img = HtmlImageElement::new()?;
    img.set_src(&url);
    wasm_bindgen_futures::JsFuture::from(img.decode()).await?;
    let (w, h) = (img.natural_width() as f64, img.natural_height() as f64);
    let out: HtmlCanvasElement = dom::document().create_element("canvas")?.dyn_into()?;
    out.set_width((w * PNG_SCALE).round() as u32);
    out.set_height((h * PNG_SCALE).round() as u32);
    let ctx = out.get_context("2d")?.ok_or("no 2d context")?.dyn_into::<CanvasRenderingContext2d>()?;
    ctx.scale(PNG_SCALE, PNG_SCALE)?;
    ctx.draw_image_with_html_image_element_and_dw_and_dh(&img, 0.0, 0.0, w, h)?;
    let link: HtmlAnchorElement = dom::document().create_element("a")?.dyn_into()?;
    link.set_href(&out.to_data_url_with_type("image/png")?);
    link.set_download(&format!("analog-playground-multiples-{key}.png"));
    link.click();
    Ok(())
}

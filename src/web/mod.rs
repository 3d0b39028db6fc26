//! The browser layer (wasm only): builds the controls from the vocabulary table, wires DOM
//! events, keeps the URL in sync, and runs the one `requestAnimationFrame` loop.
//! Listeners turn events into actions (`action.rs`), applied in one place; drawing happens in the
//! loop.

mod action;
mod app;
mod caption;
mod controls;
mod digits;
mod dom;
mod exports;
mod host;
mod input;
mod layer;
mod multiples;
mod present;
mod stats;
mod sweep;
mod sweep_form;
mod tour;
mod view;
mod workers;

use crate::scenes::{scene, SCENES};
use crate::sim::scenario::{split_query, Scenario};
use action::{dispatch, dispatch_and_notify, Action};
use app::App;
use caption::{escape, sync_caption};
use controls::{build_controls, sync_controls};
use dom::{by_id, create, on};
use std::cell::RefCell;
use std::rc::Rc;
use sweep_form::{build_sweep, sweep_form_for};
use view::View;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Event, HtmlElement, HtmlInputElement, HtmlSelectElement};

type Shared = Rc<RefCell<App>>;

thread_local! {
    static APP: RefCell<Option<Shared>> = const { RefCell::new(None) };
}

/// Rounds to `digits` significant digits (keeps links short and readable).
fn round_sig(v: f64, digits: i32) -> f64 {
    if v == 0.0 || !v.is_finite() {
        return v;
    }
    let e = v.abs().log10().floor() as i32;
    let f = 10f64.powi(digits - 1 - e);
    (v * f).round() / f
}

#[wasm_bindgen(start)]
pub fn start() -> Result<(), JsValue> {
    // A panic becomes a readable console error instead of a bare "unreachable".
    std::panic::set_hook(Box::new(|info| web_sys::console::error_1(&JsValue::from_str(&info.to_string()))));
    // The wasm test harness loads this module without our page (and a worker, should one ever
    // load it, has no window): do nothing there.
    if js_sys::global().dyn_into::<web_sys::Window>().is_err()
        || dom::document().get_element_by_id("controls").is_none()
    {
        return Ok(());
    }
    let search = dom::window().location().search().unwrap_or_default();
    let (view, pairs, mut notices) = View::from_query(&search);
    // Keys in the link win; without them `tour=N` loads its step's scenario, `scene=` its scene's.
    let pairs = if !pairs.is_empty() {
        pairs
    } else if let Some(i) = view.tour {
        split_query(crate::scenes::TOUR[i].query)
    } else if let Some(id) = &view.scene {
        match scene(id) {
            Some(s) => split_query(s.query),
            None => {
                notices.push(format!("scene={id}: unknown scene; showing the default"));
                pairs
            }
        }
    } else {
        pairs
    };
    let (scenario, scenario_notices) = Scenario::parse_pairs(&pairs, true).expect("lenient parsing never fails");
    notices.extend(scenario_notices.iter().map(|n| n.to_string()));

    let app = Rc::new(RefCell::new(App::new(scenario, view.clone())?));
    APP.with(|a| *a.borrow_mut() = Some(app.clone()));

    let body = dom::document().body().ok_or("no body")?;
    if view.embed {
        body.class_list().add_1("embed")?;
        let full = format!("./?{}", app.borrow().scenario.to_query());
        by_id::<HtmlElement>("open-full")?.set_attribute("href", &full)?;
        // `panel=`: the chosen panels that this problem draws; www/style.css hides the others.
        if let Some(shown) = embed_panels(&view.panels, &mut notices) {
            body.set_attribute("data-panels", &shown.join(" "))?;
        }
    } else if !view.panels.is_empty() {
        notices.push(format!("panel={}: applies only with embed=1; ignored", view.panels.join(",")));
    }
    build_scenes(&app)?;
    build_controls(&app)?;
    input::wire_transport(&app)?;
    input::wire_canvases(&app)?;
    build_sweep(&app)?;
    show_notices(&notices)?;
    sync_page(&app, false);
    if view.embed {
        if let Some(n) = fit_embed_panels() {
            notices.push(n);
            show_notices(&notices)?;
        }
    }
    tour::build_tour(&app)?;
    exports::build_exports(&app)?;
    if let Ok(sel) = by_id::<HtmlSelectElement>("speed") {
        sel.set_value(&view.speed.key());
        if sel.value() != view.speed.key() {
            // A custom speed from the link: add it as an option.
            let opt = create("option", "")?;
            opt.set_text_content(Some(&format!("{} steps/s", view.speed.key())));
            opt.set_attribute("value", &view.speed.key())?;
            sel.append_child(&opt)?;
            sel.set_value(&view.speed.key());
        }
    }
    by_id::<HtmlInputElement>("logx")?.set_checked(view.log_x);
    by_id::<HtmlInputElement>("full-range")?.set_checked(view.full_range);
    if view.embed && view.at.is_none() && (view.scene.is_some() || view.tour.is_some()) {
        // An embedded scene shows its result: the caption's numbers are the end's.
        dispatch(&app, Action::SetAt(Some(view::At::End)));
    }
    if view.autoplay {
        let more = dispatch(&app, Action::ShowResult);
        if !more.is_empty() {
            notices.extend(more);
            show_notices(&notices)?;
        }
    } else {
        dispatch(&app, Action::Pause);
    }
    // After autoplay: a lecture that opens on a question holds its run until the guess.
    present::build_present(&app)?;
    host::install(&app)?;
    start_loop(app)?;
    Ok(())
}

/// The panels of `panel=` that the current problem draws (the app sets `hidden` on the others),
/// with a notice for each it does not; `None` (every panel) if none is chosen or none is drawn.
fn embed_panels(chosen: &[String], notices: &mut Vec<String>) -> Option<Vec<String>> {
    if chosen.is_empty() {
        return None;
    }
    let drawn = |name: &String| {
        dom::document()
            .get_element_by_id(&format!("panel-{name}"))
            .and_then(|e| e.dyn_into::<HtmlElement>().ok())
            .is_some_and(|e| !e.hidden())
    };
    let (shown, missing): (Vec<String>, Vec<String>) = chosen.iter().cloned().partition(drawn);
    if !missing.is_empty() {
        let rest = if shown.is_empty() { "the default panels".to_string() } else { shown.join(", ") };
        notices.push(format!("panel={}: not drawn for this problem; showing {rest}", missing.join(",")));
    }
    (!shown.is_empty()).then_some(shown)
}

/// The least height a chart of an embed keeps (px): below it axes and labels crowd the curves out.
const MIN_CHART_HEIGHT: f64 = 160.0;

/// `panel=` with several charts in a frame too short for each to keep [`MIN_CHART_HEIGHT`]: shows
/// the first alone and says so.
fn fit_embed_panels() -> Option<String> {
    let body = dom::document().body()?;
    let chosen = body.get_attribute("data-panels")?;
    let names: Vec<&str> = chosen.split(' ').collect();
    if names.len() < 2 {
        return None;
    }
    let height = |name: &str| -> Option<f64> {
        let stack = dom::document().query_selector(&format!("#panel-{name} .stack")).ok()??;
        Some(stack.get_bounding_client_rect().height())
    };
    let shortest = names.iter().filter_map(|n| height(n)).fold(f64::INFINITY, f64::min);
    if shortest >= MIN_CHART_HEIGHT {
        return None;
    }
    body.set_attribute("data-panels", names[0]).ok()?;
    Some(format!(
        "panel={}: this frame is too short for {} charts of at least {MIN_CHART_HEIGHT} px; showing {} (a taller frame shows them all)",
        names.join(","),
        names.len(),
        names[0]
    ))
}

/// Runs `n` steps of `query` in the browser as fast as possible; returns steps/s (benchmark hook).
#[wasm_bindgen]
pub fn benchmark_steps(query: &str, n: u32) -> f64 {
    let Ok(s) = Scenario::parse(query) else { return f64::NAN };
    if s.problem.is_network() {
        return f64::NAN; // digits is measured in epochs: see `benchmark_digits`
    }
    let mut run = crate::sim::Run::new(&s);
    let t = dom::now();
    run.step_n(n as u64);
    n as f64 / ((dom::now() - t) / 1000.0)
}

fn start_loop(app: Shared) -> Result<(), JsValue> {
    type FrameCallback = Rc<RefCell<Option<Closure<dyn FnMut(f64)>>>>;
    let f: FrameCallback = Rc::new(RefCell::new(None));
    let g = f.clone();
    *g.borrow_mut() = Some(Closure::new(move |now: f64| {
        dispatch(&app, Action::Frame(now));
        host::frame(&app, now);
        if let Some(cb) = f.borrow().as_ref() {
            let _ = dom::window().request_animation_frame(cb.as_ref().unchecked_ref());
        }
    }));
    dom::window().request_animation_frame(g.borrow().as_ref().ok_or("no frame callback")?.as_ref().unchecked_ref())?;
    Ok(())
}

fn write_url(app: &App) {
    let view = app.view.to_query();
    let q = app.scenario.to_query();
    let url = if view.is_empty() { format!("?{q}") } else { format!("?{q}&{view}") };
    if let Ok(h) = dom::window().history() {
        let _ = h.replace_state_with_url(&JsValue::NULL, "", Some(&url));
    }
}

/// Brings the page up to a changed state: controls, caption, export buttons, the ghost's note,
/// the small multiples and the sweep form (`refill`: to the new problem's defaults).
fn sync_page(app: &Shared, refill: bool) {
    {
        let a = app.borrow();
        sync_controls(&a);
        sync_caption(&a);
        exports::sync_aihwkit_button(&a.scenario);
        caption::write_ghost_note(&a);
    }
    multiples::sync(app);
    let a = app.borrow();
    sweep_form_for(&a.scenario, a.view.sweep_metric.as_deref(), a.view.notation, refill);
}

fn show_notices(notices: &[String]) -> Result<(), JsValue> {
    let list = by_id::<HtmlElement>("notice-list")?;
    list.set_inner_html("");
    for n in notices {
        let li = create("li", "")?;
        li.set_text_content(Some(n));
        list.append_child(&li)?;
    }
    dom::set_hidden("notice", notices.is_empty());
    Ok(())
}

fn build_scenes(app: &Shared) -> Result<(), JsValue> {
    let nav = by_id::<HtmlElement>("scenes")?;
    for group in crate::scenes::SceneGroup::ALL {
        let list = create("div", "scene-group")?;
        list.set_attribute("role", "group")?;
        list.set_attribute("aria-label", group.title())?;
        let heading = create("span", "scene-group-title")?;
        heading.set_text_content(Some(group.title()));
        list.append_child(&heading)?;
        nav.append_child(&list)?;
        for s in SCENES.iter().filter(|s| s.group == group) {
            let b = create("button", "")?;
            b.set_attribute("type", "button")?;
            b.set_attribute("data-scene", s.id)?;
            b.set_attribute("aria-pressed", "false")?;
            b.set_text_content(Some(s.title));
            list.append_child(&b)?;
            let app = app.clone();
            let query = s.query;
            on::<Event>(&b, "click", move |_| load_scene(&app, query))?;
        }
    }
    Ok(())
}

/// Opens a scene: its scenario, computed to its end (its caption's numbers are the end's); Play
/// replays it from the start. A scene is a new story: no ghost of the run before it.
fn load_scene(app: &Shared, query: &str) {
    if let Ok(scenario) = Scenario::parse(query) {
        dispatch(app, Action::Load { scenario: Box::new(scenario), fresh: true, at: Some(view::At::End) });
        dispatch_and_notify(app, Action::ShowResult);
    }
}

impl App {
    /// Writes the caption's bound numbers immediately (after the caption text changed).
    fn update_caption_now(&self) {
        let Ok(list) = dom::document().query_selector_all("#caption output[data-bind]") else { return };
        for i in 0..list.length() {
            if let Some(el) = list.item(i).and_then(|n| n.dyn_into::<web_sys::Element>().ok()) {
                let name = el.get_attribute("data-bind").unwrap_or_default();
                el.set_text_content(Some(&self.bound_value(&name).unwrap_or_else(|| "—".into())));
            }
        }
    }
}

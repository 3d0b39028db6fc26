//! The browser layer (wasm only): builds the controls from the vocabulary table, wires DOM
//! events, keeps the URL in sync, and runs the one `requestAnimationFrame` loop.
//! Listeners only change state; drawing happens in the loop.

mod app;
mod caption;
mod controls;
mod digits;
mod dom;
mod exports;
mod host;
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
use crate::sim::scenario::{fmt_f64, split_query, Scenario};
use app::App;
use caption::{escape, sync_caption};
use controls::{build_controls, set_key, sync_controls};
use dom::{by_id, create, on};
use std::cell::RefCell;
use std::rc::Rc;
use sweep_form::{build_sweep, sweep_form_for};
use view::{Speed, View};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Event, HtmlElement, HtmlInputElement, HtmlSelectElement, KeyboardEvent, PointerEvent};

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
    wire_transport(&app)?;
    wire_canvases(&app)?;
    build_sweep(&app)?;
    show_notices(&notices)?;
    sync_all(&app);
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
        app.borrow_mut().view.at = Some(view::At::End);
    }
    if view.autoplay {
        if let Some(n) = play_or_show_result(&app) {
            notices.push(n);
            show_notices(&notices)?;
        }
    } else {
        app.borrow_mut().set_playing(false);
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

/// The most work (steps × seeds × weights) computed before the page shows a result.
const SHOW_AT_BUDGET: u64 = 200_000_000;

/// Starts the run, or computes it to a step first and shows the result paused: to `at=` of the
/// link (scenes and embeds: the end, so their numbers do not depend on when they are read), or
/// under prefers-reduced-motion to the end (nothing animates). Returns a notice when `at=` could
/// not be honoured.
fn play_or_show_result(app: &Shared) -> Option<String> {
    let mut a = app.borrow_mut();
    let reduced = dom::media("(prefers-reduced-motion: reduce)");
    if a.is_digits() {
        // The worker trains either way; under reduced motion the panels show only the end state.
        a.digits.final_only = reduced;
        a.set_playing(true);
        return a.view.at.filter(|_| !a.view.embed).map(|at| {
            format!("at={}: networks train live, epoch by epoch; showing the training as it goes", at.key())
        });
    }
    let steps = a.scenario.steps;
    let at = a.view.at.or(reduced.then_some(view::At::End));
    let Some(at) = at else {
        a.set_playing(true);
        return None;
    };
    let target = at.step(steps);
    let work = target.saturating_mul(a.scenario.seeds).saturating_mul(a.run().problem.dim() as u64);
    if work > SHOW_AT_BUDGET {
        a.set_playing(true);
        return Some(format!(
            "at={}: {target} steps are too many to compute before showing; the run plays live instead",
            at.key()
        ));
    }
    let now = a.ens.step();
    a.step_by(target.saturating_sub(now));
    a.set_playing(false);
    match at {
        view::At::Step(n) if n > steps => Some(format!("at={n}: the run has {steps} steps; showing its end")),
        _ => None,
    }
}

fn start_loop(app: Shared) -> Result<(), JsValue> {
    type FrameCallback = Rc<RefCell<Option<Closure<dyn FnMut(f64)>>>>;
    let f: FrameCallback = Rc::new(RefCell::new(None));
    let g = f.clone();
    *g.borrow_mut() = Some(Closure::new(move |now: f64| {
        {
            let mut a = app.borrow_mut();
            if !dom::document().hidden() {
                a.frame(now);
            }
            if let Some(t) = a.url_dirty_at {
                if now - t > 250.0 {
                    a.url_dirty_at = None;
                    write_url(&a);
                }
            }
        }
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

/// After any scenario change: restart, refresh controls, caption and URL.
fn scenario_changed(app: &Shared) {
    {
        let mut a = app.borrow_mut();
        // A changed scenario is a new run, watched live.
        a.view.at = None;
        a.restart();
        a.url_dirty_at = Some(dom::now());
    }
    sync_all(app);
}

fn sync_all(app: &Shared) {
    let mark = tour::mark(&app.borrow());
    app.borrow_mut().tour_mark = mark;
    sync_controls(&app.borrow());
    sync_caption(&app.borrow());
    exports::sync_aihwkit_button(&app.borrow().scenario);
    caption::write_ghost_note(&app.borrow());
    multiples::sync(app);
    // A new problem gets its own sweep defaults (a digits cell trains a network).
    let (problem, prev, running, from_link) = {
        let a = app.borrow();
        (a.scenario.problem, a.sweep_problem, a.sweep.running, a.view.sweep.is_some())
    };
    let refill = prev.is_some_and(|p| p != problem) || (prev.is_none() && !from_link && problem.is_network());
    {
        let a = app.borrow();
        sweep_form_for(&a.scenario, a.view.sweep_metric.as_deref(), a.view.notation, refill && !running);
    }
    app.borrow_mut().sweep_problem = Some(problem);
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
/// replays it from the start.
fn load_scene(app: &Shared, query: &str) {
    if let Ok(sc) = Scenario::parse(query) {
        // A scene is a new story: no ghost of the run before it.
        app.borrow_mut().ghost = None;
        app.borrow_mut().scenario = sc;
        scenario_changed(app);
        app.borrow_mut().view.at = Some(view::At::End);
        if let Some(n) = play_or_show_result(app) {
            let _ = show_notices(&[n]);
        }
    }
}

fn wire_transport(app: &Shared) -> Result<(), JsValue> {
    let a = app.clone();
    on::<Event>(&by_id::<HtmlElement>("play")?, "click", move |_| {
        let mut x = a.borrow_mut();
        if x.ens.finished() {
            x.restart();
            x.set_playing(true);
        } else {
            let p = !x.playing;
            x.set_playing(p);
        }
    })?;
    let a = app.clone();
    on::<Event>(&by_id::<HtmlElement>("step1")?, "click", move |_| {
        let mut x = a.borrow_mut();
        x.set_playing(false);
        x.step_by(1);
    })?;
    let a = app.clone();
    on::<Event>(&by_id::<HtmlElement>("step100")?, "click", move |_| {
        let mut x = a.borrow_mut();
        x.set_playing(false);
        x.step_by(100);
    })?;
    let a = app.clone();
    on::<Event>(&by_id::<HtmlElement>("reset")?, "click", move |_| {
        let mut x = a.borrow_mut();
        let playing = x.playing;
        x.restart();
        let at_start = x.ens.step() == 0;
        x.set_playing(playing || at_start);
    })?;
    let a = app.clone();
    on::<Event>(&by_id::<HtmlElement>("reseed")?, "click", move |_| {
        let seed = (js_sys::Math::random() * crate::sim::scenario::MAX_SEED as f64).floor() as u64;
        set_key(&a, "seed", &seed.to_string());
        a.borrow_mut().set_playing(true);
    })?;
    let a = app.clone();
    on::<Event>(&by_id::<HtmlElement>("speed")?, "change", move |e| {
        if let Some(t) = e.target().and_then(|t| t.dyn_into::<HtmlSelectElement>().ok()) {
            let mut x = a.borrow_mut();
            x.view.speed = Speed::parse(&t.value()).unwrap_or(view::DEFAULT_SPEED);
            x.url_dirty_at = Some(dom::now());
        }
    })?;
    let a = app.clone();
    on::<Event>(&by_id::<HtmlElement>("logx")?, "change", move |e| {
        if let Some(t) = e.target().and_then(|t| t.dyn_into::<HtmlInputElement>().ok()) {
            let mut x = a.borrow_mut();
            x.view.log_x = t.checked();
            x.url_dirty_at = Some(dom::now());
            x.request_redraw();
        }
    })?;
    let a = app.clone();
    on::<Event>(&by_id::<HtmlElement>("full-range")?, "change", move |e| {
        if let Some(t) = e.target().and_then(|t| t.dyn_into::<HtmlInputElement>().ok()) {
            let mut x = a.borrow_mut();
            x.view.full_range = t.checked();
            x.url_dirty_at = Some(dom::now());
            x.mark_all_dirty();
        }
    })?;
    on::<Event>(&by_id::<HtmlElement>("copy-link")?, "click", move |_| {
        let href = dom::window().location().href().unwrap_or_default();
        let _ = dom::window().navigator().clipboard().write_text(&href);
        dom::set_text("copy-link", "Link copied");
        let reset = Closure::once_into_js(|| dom::set_text("copy-link", "Copy link"));
        let _ = dom::window().set_timeout_with_callback_and_timeout_and_arguments_0(reset.unchecked_ref(), 1500);
    })?;
    on::<Event>(&by_id::<HtmlElement>("notice-close")?, "click", |_| dom::set_hidden("notice", true))?;
    let a = app.clone();
    on::<Event>(&by_id::<HtmlElement>("export-json")?, "click", move |_| {
        let x = a.borrow();
        let summary = if x.is_digits() {
            x.digits.snapshot.as_ref().map(|d| serde_json::json!(d.summary)).unwrap_or_default()
        } else {
            serde_json::json!(x.ens.summary())
        };
        let json = serde_json::json!({
            "scenario": x.scenario.to_query(),
            "keys": x.scenario.to_json(),
            "summary": summary,
        });
        let _ = download("scenario.json", "application/json", &serde_json::to_string_pretty(&json).unwrap_or_default());
    })?;
    let a = app.clone();
    on::<Event>(&by_id::<HtmlElement>("export-csv")?, "click", move |_| {
        let x = a.borrow();
        let csv = match (&x.digits.snapshot, x.is_digits()) {
            (Some(d), true) => crate::sim::table::epochs_csv(&d.summary),
            _ => crate::sim::table::history_csv(x.run()),
        };
        let _ = download("run.csv", "text/csv", &csv);
    })?;
    // Space toggles play unless a control has focus (where Space has its own meaning).
    let a = app.clone();
    on::<KeyboardEvent>(&dom::document(), "keydown", move |e| {
        if e.key() != " " {
            return;
        }
        let tag =
            e.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()).map(|el| el.tag_name()).unwrap_or_default();
        if matches!(tag.as_str(), "INPUT" | "SELECT" | "TEXTAREA" | "BUTTON" | "A") {
            return;
        }
        e.prevent_default();
        let mut x = a.borrow_mut();
        let p = !x.playing;
        x.set_playing(p);
    })?;
    let a = app.clone();
    on::<Event>(&dom::window(), "resize", move |_| {
        let mut x = a.borrow_mut();
        x.dpr = dom::window().device_pixel_ratio().max(1.0);
        x.mark_all_dirty();
    })?;
    Ok(())
}

fn wire_canvases(app: &Shared) -> Result<(), JsValue> {
    let canvas = by_id::<HtmlElement>("landscape-dynamic")?;
    let a = app.clone();
    on::<PointerEvent>(&canvas, "pointerdown", move |e| {
        let dpr = a.borrow().dpr;
        let (x, y) = (e.offset_x() as f64 * dpr, e.offset_y() as f64 * dpr);
        if present::wants_guess(&a.borrow()) {
            let point = a.borrow().landscape_point(x, y);
            if let Some(p) = point {
                present::take_guess(&a, [p.0, p.1]);
            }
            e.prevent_default();
            return;
        }
        if a.borrow().near_wstar(x, y) {
            a.borrow_mut().dragging = true;
            if let Some(t) = e.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()) {
                let _ = t.set_pointer_capture(e.pointer_id());
            }
            e.prevent_default();
        }
    })?;
    let a = app.clone();
    on::<PointerEvent>(&canvas, "pointermove", move |e| {
        let (dragging, dpr) = {
            let x = a.borrow();
            (x.dragging, x.dpr)
        };
        let (x, y) = (e.offset_x() as f64 * dpr, e.offset_y() as f64 * dpr);
        if let Some(el) = e.target().and_then(|t| t.dyn_into::<HtmlElement>().ok()) {
            let grab = dragging || a.borrow().near_wstar(x, y);
            let _ = el.style().set_property("cursor", if grab { "grab" } else { "default" });
        }
        if dragging {
            if let Some((wx, wy)) = a.borrow().landscape_point(x, y) {
                move_wstar_to(&a, round_sig(wx, 3), round_sig(wy, 3));
            }
        }
    })?;
    for ev in ["pointerup", "pointercancel"] {
        let a = app.clone();
        on::<PointerEvent>(&canvas, ev, move |_| a.borrow_mut().dragging = false)?;
    }
    let a = app.clone();
    on::<KeyboardEvent>(&canvas, "keydown", move |e| {
        let step = if e.shift_key() { 0.01 } else { 0.05 };
        let (dx, dy) = match e.key().as_str() {
            "ArrowLeft" => (-step, 0.0),
            "ArrowRight" => (step, 0.0),
            "ArrowUp" => (0.0, step),
            "ArrowDown" => (0.0, -step),
            _ => return,
        };
        e.prevent_default();
        let (x, y) = {
            let s = &a.borrow().scenario;
            (s.wstar[0], s.wstar.get(1).copied().unwrap_or(0.0))
        };
        move_wstar_to(&a, round_sig(x + dx, 3), round_sig(y + dy, 3));
    })?;
    let loss = by_id::<HtmlElement>("loss-dynamic")?;
    let a = app.clone();
    on::<PointerEvent>(&loss, "pointermove", move |e| {
        let mut x = a.borrow_mut();
        let dpr = x.dpr;
        x.hover = Some((e.offset_x() as f64 * dpr, e.offset_y() as f64 * dpr));
        x.request_redraw();
    })?;
    let a = app.clone();
    on::<PointerEvent>(&loss, "pointerleave", move |_| {
        let mut x = a.borrow_mut();
        x.hover = None;
        x.request_redraw();
    })?;
    Ok(())
}

/// Offers `text` as a file download of MIME type `mime`.
fn download(name: &str, mime: &str, text: &str) -> Result<(), JsValue> {
    download_parts(name, mime, &JsValue::from_str(text))
}

/// Offers `bytes` as a file download.
fn download_bytes(name: &str, mime: &str, bytes: &[u8]) -> Result<(), JsValue> {
    download_parts(name, mime, &js_sys::Uint8Array::from(bytes))
}

fn download_parts(name: &str, mime: &str, part: &JsValue) -> Result<(), JsValue> {
    let parts = js_sys::Array::new();
    parts.push(part);
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)?;
    let a: web_sys::HtmlAnchorElement = create("a", "")?.dyn_into()?;
    a.set_href(&url);
    a.set_download(name);
    a.click();
    web_sys::Url::revoke_object_url(&url)
}

fn move_wstar_to(app: &Shared, x: f64, y: f64) {
    let (playing, one_d) = {
        let a = app.borrow();
        (a.playing, a.scenario.wstar.len() == 1)
    };
    let (x, y) = (fmt_f64(x.clamp(-100.0, 100.0)), fmt_f64(y.clamp(-100.0, 100.0)));
    // The 1-D view moves w* along its one axis.
    set_key(app, "wstar", &if one_d { x } else { format!("{x},{y}") });
    let mut a = app.borrow_mut();
    let at_start = a.ens.step() == 0;
    a.set_playing(playing || at_start);
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

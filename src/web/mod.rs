//! The browser layer (wasm only): builds the controls from the vocabulary table, wires DOM
//! events, keeps the URL in sync, and runs the one `requestAnimationFrame` loop.
//! Listeners only change state; drawing happens in the loop.

mod app;
mod digits;
mod dom;
mod sweep;
mod view;
mod worker;
mod workers;

use crate::figures::fmt_num;
use crate::scenes::{scene, SCENES};
use crate::sim::algorithm::AlgorithmKind;
use crate::sim::scenario::{fmt_f64, key as vocab_key, split_query, Kind, ProblemKind, Scenario};
use app::{quantile, App};
use dom::{by_id, create, on};
use std::cell::RefCell;
use std::rc::Rc;
use view::{Speed, View};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Event, HtmlElement, HtmlInputElement, HtmlSelectElement, KeyboardEvent, PointerEvent};

type Shared = Rc<RefCell<App>>;

thread_local! {
    static APP: RefCell<Option<Shared>> = const { RefCell::new(None) };
}

/// Which controls the page shows, and the span of their sliders. The *valid* range of each key
/// lives in the vocabulary table; a slider only covers the part worth exploring, and the number
/// box next to it accepts the whole valid range.
#[derive(Clone, Copy)]
enum Widget {
    LogSlider(f64, f64),
    Slider(f64, f64),
    Number,
    Text,
    Select,
    Algos,
}

const CONTROLS: [(&str, Widget); 35] = [
    ("problem", Widget::Select),
    ("algos", Widget::Algos),
    ("device", Widget::Select),
    ("tau", Widget::LogSlider(0.05, 100.0)),
    ("sp", Widget::Slider(-1.0, 1.0)),
    ("tau_max", Widget::LogSlider(0.05, 100.0)),
    ("tau_min", Widget::Slider(-5.0, -0.05)),
    ("g_up", Widget::LogSlider(0.1, 20.0)),
    ("g_down", Widget::LogSlider(0.1, 20.0)),
    ("up_down", Widget::Slider(-0.5, 0.5)),
    ("d2d", Widget::Slider(0.0, 0.5)),
    ("device_seed", Widget::Number),
    ("alpha", Widget::LogSlider(1e-4, 1.0)),
    ("beta", Widget::LogSlider(1e-5, 1.0)),
    ("sigma", Widget::LogSlider(1e-3, 10.0)),
    ("gamma", Widget::Slider(0.0, 1.0)),
    ("every", Widget::LogSlider(1.0, 1000.0)),
    ("pulses", Widget::Select),
    ("dw_min", Widget::LogSlider(1e-5, 0.1)),
    ("bl", Widget::Number),
    ("c2c", Widget::Slider(0.0, 2.0)),
    ("read_noise", Widget::Slider(0.0, 0.1)),
    ("update", Widget::Select),
    ("layers", Widget::Text),
    ("batch", Widget::Number),
    ("epochs", Widget::Number),
    ("steps", Widget::Number),
    ("seed", Widget::Number),
    ("seeds", Widget::Number),
    ("wstar", Widget::Text),
    ("h", Widget::Text),
    ("w0", Widget::Text),
    ("dim", Widget::Number),
    ("data_seed", Widget::Number),
    ("curvature", Widget::LogSlider(0.1, 10.0)),
];

const SLIDER_STEPS: f64 = 1000.0;

fn slider_to_value(w: Widget, pos: f64) -> f64 {
    let t = pos / SLIDER_STEPS;
    match w {
        Widget::LogSlider(lo, hi) => round_sig(lo * (hi / lo).powf(t), 3),
        Widget::Slider(lo, hi) => round_sig(lo + (hi - lo) * t, 3),
        _ => 0.0,
    }
}

fn value_to_slider(w: Widget, v: f64) -> f64 {
    let t = match w {
        Widget::LogSlider(lo, hi) => (v.max(lo).ln() - lo.ln()) / (hi.ln() - lo.ln()),
        Widget::Slider(lo, hi) => (v - lo) / (hi - lo),
        _ => 0.0,
    };
    (t.clamp(0.0, 1.0) * SLIDER_STEPS).round()
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
    // Inside a Web Worker (www/worker.js) there is no page to drive, and the wasm test harness
    // loads this module without ours: do nothing there.
    if js_sys::global().dyn_into::<web_sys::Window>().is_err()
        || dom::document().get_element_by_id("controls").is_none()
    {
        return Ok(());
    }
    let search = dom::window().location().search().unwrap_or_default();
    let (view, pairs, mut notices) = View::from_query(&search);
    let pairs = match (&view.scene, pairs.is_empty()) {
        (Some(id), true) => match scene(id) {
            Some(s) => split_query(s.query),
            None => {
                notices.push(format!("scene={id}: unknown scene; showing the default"));
                pairs
            }
        },
        _ => pairs,
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
    }
    build_scenes(&app)?;
    build_controls(&app)?;
    wire_transport(&app)?;
    wire_canvases(&app)?;
    build_sweep(&app)?;
    show_notices(&notices)?;
    sync_all(&app);
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
    if view.autoplay {
        play_or_show_result(&app);
    } else {
        app.borrow_mut().set_playing(false);
    }
    start_loop(app)?;
    Ok(())
}

/// Statistics for the end-to-end tests and the browser benchmark, as JSON.
#[wasm_bindgen]
pub fn playground_stats() -> String {
    APP.with(|a| {
        let Some(app) = a.borrow().clone() else { return "{}".to_string() };
        let app = app.borrow();
        let dists: serde_json::Map<String, serde_json::Value> =
            app.readouts.iter().map(|r| (r.key.clone(), serde_json::json!(r.dist))).collect();
        serde_json::json!({
            "step": app.ens.step(),
            "playing": app.playing,
            "steps_per_second": app.steps_per_second,
            "frame_interval_p95_ms": quantile(&app.frame_intervals, 0.95),
            "frame_interval_p50_ms": quantile(&app.frame_intervals, 0.5),
            "frame_work_p95_ms": quantile(&app.frame_work, 0.95),
            "frames": app.frame_intervals.len(),
            "first_chart_ms": app.first_chart_ms,
            "scenario": app.scenario.to_query(),
            "distances": dists,
            "digits": app.digits.snapshot.as_ref().map(|d| serde_json::json!({
                "epoch": d.summary.epochs,
                "progress": d.progress,
                "finished": d.finished,
                "accuracy": d.summary.algorithms.iter().map(|a| (a.algorithm.clone(), serde_json::json!(a.final_accuracy))).collect::<serde_json::Map<_, _>>(),
            })),
            "digits_error": app.digits.error,
            "sweep": {
                "running": app.sweep.running,
                "error": app.sweep.error,
                "done": app.sweep.done(),
                "total": app.sweep.sweep.as_ref().map_or(0, |s| s.len()),
                "cells_per_second": app.sweep.cells_per_second,
            },
        })
        .to_string()
    })
}

/// Runs `n` steps of `query` in the browser as fast as possible; returns steps/s (benchmark hook).
#[wasm_bindgen]
pub fn benchmark_steps(query: &str, n: u32) -> f64 {
    let Ok(s) = Scenario::parse(query) else { return f64::NAN };
    if s.problem == ProblemKind::Digits {
        return f64::NAN; // digits is measured in epochs: see `benchmark_digits_epoch`
    }
    let mut run = crate::sim::Run::new(&s);
    let t = dom::now();
    run.step_n(n as u64);
    n as f64 / ((dom::now() - t) / 1000.0)
}

/// Starts the run, or under prefers-reduced-motion computes it to its end at once (when that is
/// quick) and shows the result paused: nothing animates.
fn play_or_show_result(app: &Shared) {
    let mut a = app.borrow_mut();
    if a.is_digits() {
        // The worker trains either way; under reduced motion the panels show only the end state.
        a.digits.final_only = dom::media("(prefers-reduced-motion: reduce)");
        a.set_playing(true);
        return;
    }
    if dom::media("(prefers-reduced-motion: reduce)") {
        let work = a.scenario.steps.saturating_mul(a.scenario.seeds).saturating_mul(a.run().problem.dim() as u64);
        if work <= 20_000_000 {
            let steps = a.scenario.steps;
            a.step_by(steps);
        }
        a.set_playing(false);
    } else {
        a.set_playing(true);
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
        a.restart();
        a.url_dirty_at = Some(dom::now());
    }
    sync_all(app);
}

fn sync_all(app: &Shared) {
    sync_controls(&app.borrow());
    sync_caption(&app.borrow());
    // A new problem gets its own sweep defaults (a digits cell trains a network).
    let (problem, prev, running, from_link) = {
        let a = app.borrow();
        (a.scenario.problem, a.sweep_problem, a.sweep.running, a.view.sweep.is_some())
    };
    if prev != Some(problem) {
        let refill = prev.is_some() || (!from_link && problem == ProblemKind::Digits);
        sweep_form_for(problem, refill && !running);
        app.borrow_mut().sweep_problem = Some(problem);
    }
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
    for s in SCENES.iter() {
        let b = create("button", "")?;
        b.set_attribute("type", "button")?;
        b.set_attribute("data-scene", s.id)?;
        b.set_attribute("aria-pressed", "false")?;
        b.set_text_content(Some(s.title));
        nav.append_child(&b)?;
        let app = app.clone();
        let query = s.query;
        on::<Event>(&b, "click", move |_| {
            if let Ok(sc) = Scenario::parse(query) {
                app.borrow_mut().scenario = sc;
                scenario_changed(&app);
                play_or_show_result(&app);
            }
        })?;
    }
    Ok(())
}

fn sync_caption(app: &App) {
    let current = app.current_scene();
    if let Ok(list) = dom::document().query_selector_all("#scenes button") {
        for i in 0..list.length() {
            if let Some(el) = list.item(i).and_then(|n| n.dyn_into::<web_sys::Element>().ok()) {
                let on = current.is_some_and(|s| el.get_attribute("data-scene").as_deref() == Some(s.id));
                let _ = el.set_attribute("aria-pressed", if on { "true" } else { "false" });
            }
        }
    }
    let text = match current {
        Some(s) => s.caption.to_string(),
        None => custom_caption(app),
    };
    let html = bind_placeholders(&text);
    if let Ok(c) = by_id::<HtmlElement>("caption") {
        c.set_inner_html(&html);
    }
    app.update_caption_now();
}

fn custom_caption(app: &App) -> String {
    let s = &app.scenario;
    let mut parts = vec!["Your scenario.".to_string()];
    if app.is_digits() {
        parts.push("After {epoch} epochs:".into());
        for (a, text) in [
            (AlgorithmKind::Digital, "Digital SGD {digital_acc},"),
            (AlgorithmKind::Analog, "Analog SGD {analog_acc},"),
            (AlgorithmKind::TikiTaka, "Tiki-Taka {tt_acc},"),
        ] {
            if s.runs(a) {
                parts.push(text.into());
            }
        }
        parts.push("test accuracy.".into());
        return parts.join(" ").replace(", test", " test");
    }
    if app.shows_landscape() && s.runs(AlgorithmKind::Analog) {
        parts.push("Analog SGD is {analog_dist} from w* (theory point: {theory_dist}).".into());
    } else if s.runs(AlgorithmKind::Analog) {
        parts.push("Analog SGD's recent loss: {analog_loss}.".into());
    }
    if s.runs(AlgorithmKind::TikiTaka) {
        parts.push("Tiki-Taka: {tt_dist} from w*.".into());
    }
    if s.runs(AlgorithmKind::Digital) {
        parts.push("Digital SGD: {digital_dist}.".into());
    }
    parts.join(" ")
}

/// Turns `{name}` placeholders into `<output data-bind=name>` elements (escaping the rest).
fn bind_placeholders(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        out.push_str(&escape(&rest[..open]));
        let Some(close) = rest[open..].find('}') else { break };
        let name = &rest[open + 1..open + close];
        out.push_str(&format!("<output data-bind=\"{}\">…</output>", escape(name)));
        rest = &rest[open + close + 1..];
    }
    out.push_str(&escape(rest));
    out
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

fn build_controls(app: &Shared) -> Result<(), JsValue> {
    let root = by_id::<HtmlElement>("controls")?;
    for (name, widget) in CONTROLS {
        let key = vocab_key(name).ok_or("control for an unknown key")?;
        let row = create("div", "control")?;
        row.set_id(&format!("ctl-{name}"));
        let label = create("label", "")?;
        label.set_attribute("for", &format!("in-{name}"))?;
        label.set_attribute("title", key.help)?;
        let sym = if key.symbol != key.name {
            format!("<span class=\"sym\">{}</span>", escape(key.symbol))
        } else {
            escape(key.symbol)
        };
        label.set_inner_html(&sym);
        row.append_child(&label)?;
        match widget {
            Widget::LogSlider(..) | Widget::Slider(..) => {
                let range: HtmlInputElement = create("input", "")?.dyn_into()?;
                range.set_type("range");
                range.set_id(&format!("range-{name}"));
                range.set_min("0");
                range.set_max(&SLIDER_STEPS.to_string());
                range.set_step("1");
                range.set_attribute("aria-label", &format!("{} ({})", key.symbol, key.help))?;
                row.append_child(&range)?;
                let number = number_input(name, key.help)?;
                row.append_child(&number)?;
                let app2 = app.clone();
                on::<Event>(&range, "input", move |e| {
                    let Some(t) = e.target().and_then(|t| t.dyn_into::<HtmlInputElement>().ok()) else { return };
                    let v = slider_to_value(widget, t.value_as_number());
                    let v = if matches!(key.kind, Kind::Int { .. }) { v.round() } else { v };
                    set_key(&app2, name, &fmt_f64(v));
                })?;
                wire_number(app, &number, name)?;
            }
            Widget::Number | Widget::Text => {
                let input = if matches!(widget, Widget::Text) {
                    let i: HtmlInputElement = create("input", "")?.dyn_into()?;
                    i.set_type("text");
                    i.set_id(&format!("in-{name}"));
                    i.set_attribute("inputmode", "decimal")?;
                    i.set_attribute("title", key.help)?;
                    i.set_attribute("aria-description", &key.allowed())?;
                    i
                } else {
                    number_input(name, key.help)?
                };
                input.style().set_property("grid-column", "2 / 4")?;
                row.append_child(&input)?;
                wire_number(app, &input, name)?;
            }
            Widget::Select => {
                let sel: HtmlSelectElement = create("select", "")?.dyn_into()?;
                sel.set_id(&format!("in-{name}"));
                sel.set_attribute("title", key.help)?;
                if let Kind::Choice(options) = key.kind {
                    for o in options {
                        let opt = create("option", "")?;
                        opt.set_attribute("value", o)?;
                        opt.set_text_content(Some(choice_label(o)));
                        sel.append_child(&opt)?;
                    }
                }
                row.append_child(&sel)?;
                let app2 = app.clone();
                on::<Event>(&sel, "change", move |e| {
                    if let Some(t) = e.target().and_then(|t| t.dyn_into::<HtmlSelectElement>().ok()) {
                        if name == "problem" {
                            // A new problem starts from that problem's defaults.
                            let keep_algos = app2.borrow().scenario.algos.clone();
                            if let Ok(mut s) = Scenario::parse(&format!("problem={}", t.value())) {
                                s.algos = keep_algos;
                                app2.borrow_mut().scenario = s;
                                scenario_changed(&app2);
                            }
                        } else {
                            set_key(&app2, name, &t.value());
                        }
                    }
                })?;
            }
            Widget::Algos => {
                let box_ = create("div", "checks")?;
                box_.set_attribute("role", "group")?;
                box_.set_attribute("aria-label", "algorithms")?;
                label.remove_attribute("for")?;
                for a in AlgorithmKind::ALL {
                    let l = create("label", "")?;
                    let cb: HtmlInputElement = create("input", "")?.dyn_into()?;
                    cb.set_type("checkbox");
                    cb.set_id(&format!("algo-{}", a.key()));
                    l.append_child(&cb)?;
                    l.append_with_str_1(&format!(" {}", a.label()))?;
                    box_.append_child(&l)?;
                    let app2 = app.clone();
                    on::<Event>(&cb, "change", move |_| {
                        let list: Vec<&str> = AlgorithmKind::ALL
                            .into_iter()
                            .filter(|k| {
                                by_id::<HtmlInputElement>(&format!("algo-{}", k.key())).is_ok_and(|c| c.checked())
                            })
                            .map(|k| k.key())
                            .collect();
                        set_key(&app2, "algos", &list.join(","));
                    })?;
                }
                row.append_child(&box_)?;
            }
        }
        let hidden = app.borrow().view.hide.iter().any(|h| h == name);
        if hidden {
            row.class_list().add_1("hidden-control")?;
        }
        root.append_child(&row)?;
    }
    Ok(())
}

fn choice_label(o: &str) -> &str {
    match o {
        "quadratic" => "quadratic (2-D landscape)",
        "lsq" => "least squares (paper, D = 40)",
        "lower_bound" => "lower-bound instance (Thm 3)",
        "digits" => "handwritten digits (a network)",
        "batch" => "eq. 3 once per mini-batch",
        "sample" => "eq. 3 once per sample",
        "ideal" => "ideal (exact updates)",
        "ald" => "asymmetric linear (ALD)",
        "softbounds" => "soft bounds (linear step)",
        "pow" => "power step",
        "exp" => "exponential step",
        "0" => "expected dynamic (paper eq. 3)",
        "1" => "pulse level",
        "both" => "both, as two curves",
        other => other,
    }
}

fn number_input(name: &str, help: &str) -> Result<HtmlInputElement, JsValue> {
    let i: HtmlInputElement = create("input", "")?.dyn_into()?;
    i.set_type("text");
    i.set_id(&format!("in-{name}"));
    i.set_attribute("inputmode", "decimal")?;
    i.set_attribute("title", help)?;
    i.set_attribute("autocomplete", "off")?;
    Ok(i)
}

fn wire_number(app: &Shared, input: &HtmlInputElement, name: &'static str) -> Result<(), JsValue> {
    let app = app.clone();
    on::<Event>(input, "change", move |e| {
        if let Some(t) = e.target().and_then(|t| t.dyn_into::<HtmlInputElement>().ok()) {
            set_key(&app, name, t.value().trim());
        }
    })
}

/// Sets one key from text through the same lenient parse as a link: an out-of-range value is
/// clamped, a malformed one falls back to the default, cross-key rules are repaired, and every
/// change is explained in the notice.
fn set_key(app: &Shared, name: &str, text: &str) {
    if vocab_key(name).is_none() {
        return;
    }
    let notices = {
        let mut a = app.borrow_mut();
        let mut pairs = split_query(&a.scenario.to_query());
        pairs.retain(|(k, _)| k != name);
        pairs.push((name.to_string(), text.to_string()));
        let (s, notices) = Scenario::parse_pairs(&pairs, true).expect("lenient parsing never fails");
        a.scenario = s;
        notices
    };
    let _ = show_notices(&notices.iter().map(|n| n.to_string()).collect::<Vec<_>>());
    scenario_changed(app);
}

fn sync_controls(app: &App) {
    let s = &app.scenario;
    for (name, widget) in CONTROLS {
        let Some(key) = vocab_key(name) else { continue };
        let applies = (key.applies)(s);
        if let Ok(row) = by_id::<HtmlElement>(&format!("ctl-{name}")) {
            row.set_hidden(!applies);
        }
        let text = key.format(s);
        match widget {
            Widget::Algos => {
                for a in AlgorithmKind::ALL {
                    if let Ok(cb) = by_id::<HtmlInputElement>(&format!("algo-{}", a.key())) {
                        cb.set_checked(s.runs(a));
                    }
                }
            }
            Widget::Select => {
                if let Ok(sel) = by_id::<HtmlSelectElement>(&format!("in-{name}")) {
                    sel.set_value(&text);
                }
            }
            _ => {
                if let Ok(i) = by_id::<HtmlInputElement>(&format!("in-{name}")) {
                    if i.value() != text {
                        i.set_value(&text);
                    }
                }
                if let Ok(r) = by_id::<HtmlInputElement>(&format!("range-{name}")) {
                    if let Ok(v) = text.parse::<f64>() {
                        r.set_value(&value_to_slider(widget, v).to_string());
                        let _ = r.set_attribute("aria-valuetext", &format!("{} = {}", key.symbol, fmt_num(v)));
                    }
                }
            }
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
            (Some(d), true) => crate::sim::network::epochs_csv(&d.summary),
            _ => history_csv(x.run()),
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
            (s.wstar[0], s.wstar[1])
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

/// Numeric keys a sweep can vary, in table order.
fn sweepable_keys() -> Vec<&'static crate::sim::scenario::Key> {
    crate::sim::scenario::KEYS
        .iter()
        .filter(|k| {
            matches!(k.kind, Kind::Float { .. } | Kind::Int { .. })
                && !matches!(k.name, "v" | "steps" | "seeds" | "epochs")
        })
        .collect()
}

const DEFAULT_SWEEP: &str = "tau:0.2:5:log:24,alpha:0.003:0.3:log:24";
const DEFAULT_SWEEP_STEPS: u64 = 5000;
/// On digits every cell trains a network: a coarser grid and fewer epochs.
const DEFAULT_DIGITS_SWEEP: &str = "tau:0.2:2:log:8,alpha:0.01:0.3:log:6";
const DEFAULT_DIGITS_EPOCHS: u64 = 20;

/// Refills the sweep form with the defaults of `problem` (called when the problem changes and
/// no sweep is running) and names the metric in the panel's title.
pub(crate) fn sweep_form_for(problem: ProblemKind, refill: bool) {
    let digits = problem == ProblemKind::Digits;
    dom::set_text("sweep-steps-label", if digits { "epochs" } else { "steps" });
    dom::set_text(
        "sweep-title",
        if digits {
            "Sensitivity sweep: test accuracy over two parameters"
        } else {
            "Sensitivity sweep: tail loss over two parameters"
        },
    );
    if refill {
        if digits {
            fill_sweep_form(DEFAULT_DIGITS_SWEEP, DEFAULT_DIGITS_EPOCHS, 1);
        } else {
            fill_sweep_form(DEFAULT_SWEEP, DEFAULT_SWEEP_STEPS, 1);
        }
    }
}

fn input(id: &str) -> Option<HtmlInputElement> {
    by_id::<HtmlInputElement>(id).ok()
}

/// Fills the sweep form from `key:lo:hi:log:n,key:lo:hi:log:n`.
fn fill_sweep_form(text: &str, steps: u64, seeds: u64) {
    for (axis, part) in ["x", "y"].iter().zip(text.split(',')) {
        if let Ok(a) = crate::sim::sweep::Axis::parse(part) {
            if let Ok(sel) = by_id::<HtmlSelectElement>(&format!("sweep-{axis}-key")) {
                sel.set_value(a.key);
            }
            if let Some(i) = input(&format!("sweep-{axis}-lo")) {
                i.set_value(&fmt_f64(a.lo));
            }
            if let Some(i) = input(&format!("sweep-{axis}-hi")) {
                i.set_value(&fmt_f64(a.hi));
            }
            if let Some(i) = input(&format!("sweep-{axis}-log")) {
                i.set_checked(a.log);
            }
            if let Some(i) = input(&format!("sweep-{axis}-n")) {
                i.set_value(&a.n.to_string());
            }
        }
    }
    if let Some(i) = input("sweep-steps") {
        i.set_value(&steps.to_string());
    }
    if let Some(i) = input("sweep-seeds") {
        i.set_value(&seeds.to_string());
    }
}

/// Reads the form: (axes text in URL form, steps, seeds).
fn read_sweep_form() -> (String, String, String) {
    let axis = |a: &str| {
        let key = by_id::<HtmlSelectElement>(&format!("sweep-{a}-key")).map(|s| s.value()).unwrap_or_default();
        let get = |f: &str| input(&format!("sweep-{a}-{f}")).map(|i| i.value().trim().to_string()).unwrap_or_default();
        let log = input(&format!("sweep-{a}-log")).is_some_and(|i| i.checked());
        format!("{key}:{}:{}:{}:{}", get("lo"), get("hi"), if log { "log" } else { "lin" }, get("n"))
    };
    let get = |id: &str| input(id).map(|i| i.value().trim().to_string()).unwrap_or_default();
    (format!("{},{}", axis("x"), axis("y")), get("sweep-steps"), get("sweep-seeds"))
}

/// Starts a sweep of the live scenario from the form; explains what is wrong otherwise.
fn start_sweep(app: &Shared) {
    let (axes, steps, seeds) = read_sweep_form();
    let result = (|| -> Result<(crate::sim::sweep::Sweep, u64, u64), String> {
        let steps: u64 = steps
            .parse()
            .ok()
            .filter(|n| (1..=1_000_000_000).contains(n))
            .ok_or(format!("steps (epochs on digits) per cell {steps:?}: expected an integer ≥ 1"))?;
        let seeds: u64 = seeds
            .parse()
            .ok()
            .filter(|n| (1..=64).contains(n))
            .ok_or(format!("seeds per cell {seeds:?}: expected 1 … 64"))?;
        let mut parts = axes.split(',');
        let x = crate::sim::sweep::Axis::parse(parts.next().unwrap_or_default())?;
        let y = crate::sim::sweep::Axis::parse(parts.next().unwrap_or_default())?;
        let mut base = app.borrow().scenario.clone();
        if base.problem == ProblemKind::Digits {
            // On digits the per-cell length is epochs.
            base.epochs = steps.min(1000);
        } else {
            base.steps = steps;
        }
        base.seeds = seeds;
        Ok((crate::sim::sweep::Sweep::new(base, x, y)?, steps, seeds))
    })();
    match result {
        Ok((sweep, steps, seeds)) => {
            dom::set_hidden("sweep-error", true);
            let mut a = app.borrow_mut();
            a.view.sweep = Some(axes);
            a.view.sweep_steps = Some(steps);
            a.view.sweep_seeds = Some(seeds);
            a.url_dirty_at = Some(dom::now());
            a.sweep.start(sweep);
        }
        Err(e) => {
            dom::set_text("sweep-error", &e);
            dom::set_hidden("sweep-error", false);
        }
    }
}

fn build_sweep(app: &Shared) -> Result<(), JsValue> {
    for axis in ["x", "y"] {
        let sel = by_id::<HtmlSelectElement>(&format!("sweep-{axis}-key"))?;
        for k in sweepable_keys() {
            let opt = create("option", "")?;
            opt.set_attribute("value", k.name)?;
            let label = if k.symbol == k.name { k.name.to_string() } else { format!("{} ({})", k.symbol, k.name) };
            opt.set_text_content(Some(&label));
            sel.append_child(&opt)?;
        }
    }
    let (text, steps, seeds, autostart) = {
        let a = app.borrow();
        (
            a.view.sweep.clone().unwrap_or_else(|| DEFAULT_SWEEP.to_string()),
            a.view.sweep_steps.unwrap_or(DEFAULT_SWEEP_STEPS),
            a.view.sweep_seeds.unwrap_or(1),
            a.view.sweep.is_some(),
        )
    };
    fill_sweep_form(&text, steps, seeds);
    let a = app.clone();
    on::<Event>(&by_id::<HtmlElement>("sweep-start")?, "click", move |_| start_sweep(&a))?;
    let a = app.clone();
    on::<Event>(&by_id::<HtmlElement>("sweep-cancel")?, "click", move |_| a.borrow_mut().sweep.cancel())?;
    let a = app.clone();
    on::<Event>(&by_id::<HtmlElement>("sweep-csv")?, "click", move |_| {
        if let Some(csv) = a.borrow().sweep.csv() {
            let _ = download("sweep.csv", "text/csv", &csv);
        }
    })?;
    for (k, id) in sweep::HEAT_IDS.iter().enumerate() {
        let canvas = by_id::<HtmlElement>(id)?;
        let a = app.clone();
        let c2 = canvas.clone();
        on::<PointerEvent>(&canvas, "pointermove", move |e| {
            let x = a.borrow();
            let (px, py) = (e.offset_x() as f64 * x.dpr, e.offset_y() as f64 * x.dpr);
            let Ok(tip) = by_id::<HtmlElement>("heat-tip") else { return };
            match (x.sweep.cell_at(k, px, py), x.sweep.sweep.as_ref()) {
                (Some(cell), Some(sw)) => {
                    let accuracy = cell.outcome.metric == crate::sim::sweep::Metric::Accuracy;
                    let v = |kind| match (accuracy, cell.value(kind)) {
                        (_, None) => "diverged / —".to_string(),
                        (true, Some(a)) => format!("{:.1} % test accuracy", 100.0 * a),
                        (false, Some(l)) => fmt_num(l),
                    };
                    let comparison = match (accuracy, cell.outcome.comparison()) {
                        (_, None) => "—".to_string(),
                        (true, Some(d)) => format!("TT − Analog: {d:+.1} points"),
                        (false, Some(r)) => format!("TT / Analog: {}", fmt_num(r)),
                    };
                    tip.set_inner_html(&format!(
                        "{} = {}, {} = {}<br>Analog SGD: {}<br>Tiki-Taka: {}<br>{}<br><span class=\"muted\">click to load</span>",
                        sw.x.key,
                        fmt_num(sw.x.value(cell.i)),
                        sw.y.key,
                        fmt_num(sw.y.value(cell.j)),
                        v(AlgorithmKind::Analog),
                        v(AlgorithmKind::TikiTaka),
                        comparison
                    ));
                    let rect = c2.get_bounding_client_rect();
                    let parent =
                        c2.parent_element().and_then(|p| p.parent_element()).map(|p| p.get_bounding_client_rect());
                    let (ox, oy) = parent.map_or((0.0, 0.0), |p| (rect.left() - p.left(), rect.top() - p.top()));
                    let style = tip.style();
                    let _ = style.set_property("left", &format!("{}px", ox + e.offset_x() as f64 + 12.0));
                    let _ = style.set_property("top", &format!("{}px", oy + e.offset_y() as f64 + 12.0));
                    tip.set_hidden(false);
                }
                _ => tip.set_hidden(true),
            }
        })?;
        on::<PointerEvent>(&canvas, "pointerleave", |_| dom::set_hidden("heat-tip", true))?;
        let a = app.clone();
        on::<PointerEvent>(&canvas, "click", move |e| {
            let scenario = {
                let x = a.borrow();
                let (px, py) = (e.offset_x() as f64 * x.dpr, e.offset_y() as f64 * x.dpr);
                x.sweep.cell_at(k, px, py).map(|c| c.scenario.clone())
            };
            if let Some(s) = scenario {
                a.borrow_mut().scenario = s;
                scenario_changed(&a);
                a.borrow_mut().set_playing(true);
            }
        })?;
    }
    if autostart {
        start_sweep(app);
    }
    Ok(())
}

/// The loss history of every algorithm as CSV: one row per recorded bucket (full resolution for
/// short runs, merged buckets of equal length for long ones) with mean, min and max of f − f*.
fn history_csv(run: &crate::sim::Run) -> String {
    let mut out = String::from("step,steps");
    for t in &run.tracks {
        let k = crate::sim::run::track_key(&t.algo);
        out.push_str(&format!(",{k}_loss_mean,{k}_loss_min,{k}_loss_max"));
    }
    out.push('\n');
    let rows = run.tracks.iter().map(|t| t.loss.buckets().len()).max().unwrap_or(0);
    for r in 0..rows {
        let Some(first) = run.tracks.iter().find_map(|t| t.loss.buckets().get(r)) else { break };
        out.push_str(&format!("{},{}", first.start, first.len));
        for t in &run.tracks {
            match t.loss.buckets().get(r) {
                Some(b) => out.push_str(&format!(",{:e},{:e},{:e}", b.mean(), b.min, b.max)),
                None => out.push_str(",,,"),
            }
        }
        out.push('\n');
    }
    out
}

/// Offers `text` as a file download of MIME type `mime`.
fn download(name: &str, mime: &str, text: &str) -> Result<(), JsValue> {
    let parts = js_sys::Array::new();
    parts.push(&JsValue::from_str(text));
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
    let playing = app.borrow().playing;
    set_key(app, "wstar", &format!("{},{}", fmt_f64(x.clamp(-100.0, 100.0)), fmt_f64(y.clamp(-100.0, 100.0))));
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

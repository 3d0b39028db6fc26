//! The parameter controls, generated from the vocabulary table: sliders with number boxes,
//! selects, text lists and the algorithm checkboxes; every edit goes through the same lenient
//! parse as a link.

use super::dom::{self, by_id, create, on};
use super::{escape, round_sig, scenario_changed, show_notices, App, Shared};
use crate::figures::fmt_num;
use crate::sim::algorithm::AlgorithmKind;
use crate::sim::scenario::{fmt_f64, key as vocab_key, split_query, Kind, Scenario};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Element, Event, HtmlElement, HtmlInputElement, HtmlSelectElement};

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

const CONTROLS: [(&str, Widget); 59] = [
    ("problem", Widget::Select),
    ("data", Widget::Select),
    ("arch", Widget::Select),
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
    ("n_reads", Widget::Number),
    ("transfer_read_noise", Widget::Slider(0.0, 0.1)),
    ("buffer_threshold", Widget::LogSlider(0.1, 100.0)),
    ("buffer_momentum", Widget::Slider(0.0, 1.0)),
    ("chop_prob", Widget::LogSlider(0.001, 1.0)),
    ("tail_weightening", Widget::Slider(0.0, 20.0)),
    ("gamma_r", Widget::Slider(0.0, 2.0)),
    ("eta", Widget::LogSlider(1e-4, 1.0)),
    ("reprogram_every", Widget::Number),
    ("pulses", Widget::Select),
    ("zero_shift", Widget::Number),
    ("zs_pulses", Widget::Number),
    ("dw_min", Widget::LogSlider(1e-5, 0.1)),
    ("bl", Widget::Number),
    ("transfer_bl", Widget::Number),
    ("c2c", Widget::Slider(0.0, 2.0)),
    ("c2c_mult", Widget::Number),
    ("read_noise", Widget::Slider(0.0, 0.1)),
    ("pulse_noise", Widget::Select),
    ("update", Widget::Select),
    ("fast_lr", Widget::Number),
    ("lr_step", Widget::Number),
    ("lr_gamma", Widget::Slider(0.0, 1.0)),
    ("inp_res", Widget::Number),
    ("out_res", Widget::Number),
    ("out_noise", Widget::Slider(0.0, 0.2)),
    ("out_scaling", Widget::Number),
    ("tile_inputs", Widget::Number),
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

pub(super) fn build_controls(app: &Shared) -> Result<(), JsValue> {
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
                            // A new problem starts from that problem's defaults; MNIST from the
                            // paper's configuration (its device, periphery and Tiki-Taka), not
                            // the generic device, so it shows what the paper's run shows.
                            let keep_algos = app2.borrow().scenario.algos.clone();
                            let query = match t.value().as_str() {
                                "mnist" => "preset=paper-fcn".to_string(),
                                other => format!("problem={other}"),
                            };
                            if let Ok(mut s) = Scenario::parse(&query) {
                                if s.problem != crate::sim::scenario::ProblemKind::Mnist {
                                    s.algos = keep_algos;
                                }
                                app2.borrow_mut().ghost = None;
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
                // One group per family (SGD, the Tiki-Taka family, residual learning, tracking).
                let mut group: Option<(&str, Element)> = None;
                for a in AlgorithmKind::ALL {
                    if group.as_ref().map(|g| g.0) != Some(a.group()) {
                        let g = create("div", "algo-group")?;
                        g.set_attribute("role", "group")?;
                        g.set_attribute("aria-label", a.group())?;
                        let title = create("span", "algo-group-title")?;
                        title.set_text_content(Some(a.group()));
                        g.append_child(&title)?;
                        box_.append_child(&g)?;
                        group = Some((a.group(), g));
                    }
                    let l = create("label", "")?;
                    let cb: HtmlInputElement = create("input", "")?.dyn_into()?;
                    cb.set_type("checkbox");
                    cb.set_id(&format!("algo-{}", a.key()));
                    l.append_child(&cb)?;
                    l.append_with_str_1(&format!(" {}", a.label()))?;
                    if let Some((_, g)) = &group {
                        g.append_child(&l)?;
                    }
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
    // The letters: ours (aihwkit's) or the 2024 paper's, kept in the link.
    let paper = by_id::<HtmlInputElement>("notation-paper")?;
    paper.set_checked(app.borrow().view.notation == crate::notation::Notation::Paper);
    dom::set_text("notation-note", app.borrow().view.notation.describe());
    let a = app.clone();
    on::<Event>(&paper, "change", move |e| {
        let on = e.target().and_then(|t| t.dyn_into::<HtmlInputElement>().ok()).is_some_and(|c| c.checked());
        let notation = if on { crate::notation::Notation::Paper } else { crate::notation::Notation::Ours };
        {
            let mut x = a.borrow_mut();
            x.view.notation = notation;
            x.url_dirty_at = Some(dom::now());
            x.sweep.mark_dirty();
        }
        dom::set_text("notation-note", notation.describe());
        super::sync_all(&a);
    })?;
    // The keys of other problems stay out of the way until asked for.
    let toggle = create("label", "show-other small")?;
    toggle.set_id("show-other-label");
    let cb: HtmlInputElement = create("input", "")?.dyn_into()?;
    cb.set_type("checkbox");
    cb.set_id("show-other");
    toggle.append_child(&cb)?;
    toggle.append_with_str_1(" show the keys of other problems (disabled)")?;
    root.append_child(&toggle)?;
    let root2 = root.clone();
    on::<Event>(&cb, "change", move |e| {
        let on = e.target().and_then(|t| t.dyn_into::<HtmlInputElement>().ok()).is_some_and(|c| c.checked());
        let _ = root2.class_list().toggle_with_force("show-other", on);
    })?;
    Ok(())
}

pub(super) fn choice_label(o: &str) -> &str {
    match o {
        "quadratic" => "quadratic (2-D landscape)",
        "lsq" => "least squares (paper, D = 40)",
        "lower_bound" => "lower-bound instance (Thm 3)",
        "digits" => "handwritten digits (a network)",
        "mnist" => "MNIST, the paper's network and device",
        "10k" => "MNIST-10k: 8,000 / 2,000 digits (1.6 MB)",
        "full" => "full MNIST: 60,000 / 10,000 (11 MB download)",
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
pub(super) fn set_key(app: &Shared, name: &str, text: &str) {
    if vocab_key(name).is_none() {
        return;
    }
    let notices = {
        let mut a = app.borrow_mut();
        let mut pairs = split_query(&a.scenario.to_query());
        pairs.retain(|(k, _)| k != name);
        pairs.push((name.to_string(), text.to_string()));
        let (s, notices) = Scenario::parse_pairs(&pairs, true).expect("lenient parsing never fails");
        a.keep_ghost(&s);
        a.scenario = s;
        notices
    };
    let _ = show_notices(&notices.iter().map(|n| n.to_string()).collect::<Vec<_>>());
    scenario_changed(app);
}

pub(super) fn sync_controls(app: &App) {
    let s = &app.scenario;
    let mut others = 0;
    for (name, widget) in CONTROLS {
        let Some(key) = vocab_key(name) else { continue };
        let why = crate::sim::scenario::inapplicable(key, s);
        if let Ok(row) = by_id::<HtmlElement>(&format!("ctl-{name}")) {
            // A key that does nothing here is disabled and says why; keys of other problems
            // fold away (shown, disabled, on request).
            let classes = row.class_list();
            let _ = classes.toggle_with_force("inapplicable", why.is_some());
            let other = why.as_ref().is_some_and(|w| !w.on_this_problem);
            let _ = classes.toggle_with_force("other-problem", other);
            others += usize::from(other && !classes.contains("hidden-control"));
            match &why {
                Some(w) => {
                    let _ = row.set_attribute("title", &w.reason);
                    let _ = row.set_attribute("aria-disabled", "true");
                }
                None => {
                    let _ = row.remove_attribute("title");
                    let _ = row.remove_attribute("aria-disabled");
                }
            }
            if let Ok(inputs) = row.query_selector_all("input, select") {
                for i in 0..inputs.length() {
                    let Some(node) = inputs.item(i) else { continue };
                    if let Ok(input) = node.clone().dyn_into::<HtmlInputElement>() {
                        input.set_disabled(why.is_some());
                    } else if let Ok(select) = node.dyn_into::<HtmlSelectElement>() {
                        select.set_disabled(why.is_some());
                    }
                }
            }
        }
        if matches!(name, "alpha" | "beta") {
            // The rates' letters follow the chosen notation (the keys stay alpha and beta).
            let symbol = app.view.notation.symbol(name, s, key.symbol);
            if let Some(sym) = dom::document().query_selector(&format!("#ctl-{name} label .sym")).ok().flatten() {
                if sym.text_content().as_deref() != Some(symbol.as_str()) {
                    sym.set_text_content(Some(&symbol));
                }
            }
        }
        let text = key.format(s);
        match widget {
            Widget::Algos => {
                for a in AlgorithmKind::ALL {
                    if let Ok(cb) = by_id::<HtmlInputElement>(&format!("algo-{}", a.key())) {
                        cb.set_checked(s.runs(a));
                    }
                    // The legend lists the algorithms beyond Tiki-Taka only when they run.
                    if a.beyond_tt() {
                        if let Ok(li) = by_id::<HtmlElement>(&format!("legend-{}", a.key())) {
                            li.set_hidden(!s.runs(a));
                        }
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
    if let Ok(label) = by_id::<HtmlElement>("show-other-label") {
        label.set_hidden(others == 0);
        if let Some(text) = label.last_child() {
            text.set_text_content(Some(&format!(" show the {others} keys of other problems (disabled)")));
        }
    }
}

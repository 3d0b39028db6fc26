//! The parameter controls, generated from the vocabulary table: sliders with number boxes,
//! selects, text lists and the algorithm checkboxes; every edit goes through the same lenient
//! parse as a link.

use super::action::{dispatch, Action};
use super::dom::{self, by_id, create, on};
use super::{escape, round_sig, App, Shared};
use crate::figures::fmt_num;
use crate::sim::algorithm::AlgorithmKind;
use crate::sim::scenario::{fmt_f64, key as vocab_key, Control, Key, Kind, Scenario, KEYS};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Element, Event, HtmlElement, HtmlInputElement, HtmlSelectElement};

/// The keys the page has a control for, by group (the vocabulary's order within a group).
fn controlled_keys() -> Vec<&'static Key> {
    let mut keys: Vec<&'static Key> = KEYS.iter().filter(|k| k.control != Control::None).collect();
    keys.sort_by_key(|k| k.group);
    keys
}

const SLIDER_STEPS: f64 = 1000.0;

fn slider_to_value(w: Control, pos: f64) -> f64 {
    let t = pos / SLIDER_STEPS;
    match w {
        Control::LogSlider(lo, hi) => round_sig(lo * (hi / lo).powf(t), 3),
        Control::Slider(lo, hi) => round_sig(lo + (hi - lo) * t, 3),
        _ => 0.0,
    }
}

fn value_to_slider(w: Control, v: f64) -> f64 {
    let t = match w {
        Control::LogSlider(lo, hi) => (v.max(lo).ln() - lo.ln()) / (hi.ln() - lo.ln()),
        Control::Slider(lo, hi) => (v - lo) / (hi - lo),
        _ => 0.0,
    };
    (t.clamp(0.0, 1.0) * SLIDER_STEPS).round()
}

pub(super) fn build_controls(app: &Shared) -> Result<(), JsValue> {
    let root = by_id::<HtmlElement>("controls")?;
    for key in controlled_keys() {
        let (name, widget) = (key.name, key.control);
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
            Control::LogSlider(..) | Control::Slider(..) => {
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
            Control::Number | Control::Text => {
                let input = if matches!(widget, Control::Text) {
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
            Control::Select(labels) => {
                let sel: HtmlSelectElement = create("select", "")?.dyn_into()?;
                sel.set_id(&format!("in-{name}"));
                sel.set_attribute("title", key.help)?;
                if let Kind::Choice(options) = key.kind {
                    for (o, label) in options.iter().zip(labels) {
                        let opt = create("option", "")?;
                        opt.set_attribute("value", o)?;
                        opt.set_text_content(Some(label));
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
                                dispatch(&app2, Action::Load { scenario: Box::new(s), fresh: true, at: None });
                            }
                        } else {
                            set_key(&app2, name, &t.value());
                        }
                    }
                })?;
            }
            Control::Algos => {
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
            Control::None => continue,
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
        dom::set_text("notation-note", notation.describe());
        dispatch(&a, Action::SetNotation(notation));
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
    // The notices replace the ones shown, and an edit without any clears them.
    let notices = dispatch(app, Action::SetKey { key: name.to_string(), text: text.to_string() });
    let _ = super::show_notices(&notices);
}

pub(super) fn sync_controls(app: &App) {
    let s = &app.scenario;
    let mut others = 0;
    for key in controlled_keys() {
        let (name, widget) = (key.name, key.control);
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
            Control::Algos => {
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
            Control::Select(_) => {
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
    // A network's charts draw no theory (the theorems are about the vector problems).
    dom::set_hidden("legend-theory", app.is_digits());
}

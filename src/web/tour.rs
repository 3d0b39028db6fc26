//! The guided tour: Back/Next through [`crate::scenes::TOUR`]. Each step loads its scenario,
//! replaces the caption with its text (live numbers bound as in a scene's caption) and outlines
//! the control that matters. `tour=N` in the link opens step N; ←/→ and Escape work inside the
//! tour box.

use super::action::{dispatch, Action};
use super::dom::{self, by_id};
use super::{on, Shared};
use crate::scenes::TOUR;
use crate::sim::Scenario;
use wasm_bindgen::prelude::*;
use web_sys::{Event, HtmlElement, KeyboardEvent};

/// Wires the tour's buttons and keys; opens the step the link asks for.
pub(super) fn build_tour(app: &Shared) -> Result<(), JsValue> {
    let a = app.clone();
    on::<Event>(&by_id::<HtmlElement>("tour-start")?, "click", move |_| {
        show_step(&a, 0);
        if let Ok(next) = by_id::<HtmlElement>("tour-next") {
            let _ = next.focus();
        }
    })?;
    let a = app.clone();
    on::<Event>(&by_id::<HtmlElement>("tour-back")?, "click", move |_| step_by(&a, -1))?;
    let a = app.clone();
    on::<Event>(&by_id::<HtmlElement>("tour-next")?, "click", move |_| step_by(&a, 1))?;
    let a = app.clone();
    on::<Event>(&by_id::<HtmlElement>("tour-close")?, "click", move |_| close(&a))?;
    let a = app.clone();
    on::<KeyboardEvent>(&by_id::<HtmlElement>("tour")?, "keydown", move |e| {
        match e.key().as_str() {
            "ArrowLeft" => step_by(&a, -1),
            "ArrowRight" => step_by(&a, 1),
            "Escape" => close(&a),
            _ => return,
        }
        e.prevent_default();
    })?;
    // `tour=N`: start() already loaded the step's scenario (unless the link gave its own keys).
    let asked = app.borrow().view.tour;
    if let Some(n) = asked {
        show_box(n);
        super::sync_caption(&app.borrow());
        bring_into_view(n);
    }
    Ok(())
}

fn step_by(app: &Shared, delta: i64) {
    let Some(i) = app.borrow().view.tour else { return };
    let next = (i as i64 + delta).clamp(0, TOUR.len() as i64 - 1) as usize;
    if next != i {
        show_step(app, next);
    }
}

/// Opens step `index` (0-based): its scenario, its caption, its control.
pub(super) fn show_step(app: &Shared, index: usize) {
    let index = index.min(TOUR.len() - 1);
    let step = &TOUR[index];
    let Ok(scenario) = Scenario::parse(step.query) else { return };
    dispatch(app, Action::Tour(Some(index)));
    dispatch(app, Action::Load { scenario: Box::new(scenario), fresh: true, at: None });
    dispatch(app, Action::ShowResult);
    show_box(index);
    bring_into_view(index);
}

/// On a projector the step's text, its figure and its control must be visible at once: the page
/// scrolls the tour box to the top (the scene list is folded away while touring) and the
/// parameters column (sticky while touring) scrolls the outlined control into its view.
fn bring_into_view(index: usize) {
    if let Ok(tour) = by_id::<HtmlElement>("tour") {
        tour.scroll_into_view_with_bool(true);
    }
    // The parameters column ends at the bottom of the screen and scrolls by itself.
    if let Some(side) =
        dom::document().query_selector(".side").ok().flatten().and_then(|e| e.dyn_into::<HtmlElement>().ok())
    {
        let height = dom::window().inner_height().ok().and_then(|h| h.as_f64()).unwrap_or(800.0);
        let top = side.get_bounding_client_rect().top().max(0.0);
        let _ = side.style().set_property("max-height", &format!("{}px", (height - top - 8.0).max(200.0)));
    }
    if let Some(el) = dom::document().get_element_by_id(&format!("ctl-{}", TOUR[index].focus)) {
        let options = web_sys::ScrollIntoViewOptions::new();
        options.set_block(web_sys::ScrollLogicalPosition::Nearest);
        el.scroll_into_view_with_scroll_into_view_options(&options);
    }
}

/// The landscape symbol the open step names, while its scenario is the one shown.
pub(super) fn mark(app: &super::App) -> Option<crate::scenes::Landmark> {
    caption(app)?;
    TOUR[app.view.tour?].mark
}

/// Shows the tour box at step `index` and outlines its control.
fn show_box(index: usize) {
    let step = &TOUR[index];
    dom::set_hidden("tour", false);
    if let Some(body) = dom::document().body() {
        let _ = body.class_list().add_1("touring");
    }
    dom::set_text("tour-count", &format!("Guided tour · step {} of {}", index + 1, TOUR.len()));
    dom::set_text("tour-title", step.title);
    set_disabled("tour-back", index == 0);
    set_disabled("tour-next", index + 1 == TOUR.len());
    highlight(Some(step.focus));
}

/// The current tour step's caption, if the tour is open and its scenario is still the one shown.
pub(super) fn caption(app: &super::App) -> Option<&'static str> {
    let step = &TOUR[app.view.tour?];
    Scenario::parse(step.query).is_ok_and(|s| s == app.scenario).then_some(step.text)
}

pub(super) fn close(app: &Shared) {
    dispatch(app, Action::Tour(None));
    dom::set_hidden("tour", true);
    if let Some(body) = dom::document().body() {
        let _ = body.class_list().remove_1("touring");
    }
    if let Some(side) =
        dom::document().query_selector(".side").ok().flatten().and_then(|e| e.dyn_into::<HtmlElement>().ok())
    {
        let _ = side.style().remove_property("max-height");
    }
    highlight(None);
    super::sync_caption(&app.borrow());
    if let Ok(b) = by_id::<HtmlElement>("tour-start") {
        let _ = b.focus();
    }
}

fn set_disabled(id: &str, disabled: bool) {
    if let Ok(b) = by_id::<HtmlElement>(id) {
        let _ = if disabled { b.set_attribute("disabled", "") } else { b.remove_attribute("disabled") };
    }
}

/// Outlines the control row of `key` (and only it).
fn highlight(key: Option<&str>) {
    if let Ok(list) = dom::document().query_selector_all(".tour-focus") {
        for i in 0..list.length() {
            if let Some(el) = list.item(i).and_then(|n| n.dyn_into::<web_sys::Element>().ok()) {
                let _ = el.class_list().remove_1("tour-focus");
            }
        }
    }
    if let Some(el) = key.and_then(|k| dom::document().get_element_by_id(&format!("ctl-{k}"))) {
        let _ = el.class_list().add_1("tour-focus");
    }
}

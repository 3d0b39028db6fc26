//! The transport bar, the page-wide keys and the canvases' pointer: each event becomes an
//! [`Action`].

use super::action::{dispatch, Action};
use super::dom::{self, by_id, download};
use super::view::{self, Speed};
use super::{present, round_sig, Shared};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Event, HtmlElement, HtmlInputElement, HtmlSelectElement, KeyboardEvent, PointerEvent};

/// Runs `action` when `id` is clicked.
fn on_click(app: &Shared, id: &str, action: fn() -> Action) -> Result<(), JsValue> {
    let a = app.clone();
    dom::on::<Event>(&by_id::<HtmlElement>(id)?, "click", move |_| {
        dispatch(&a, action());
    })
}

/// Runs `action(checked)` when the checkbox `id` changes.
fn on_check(app: &Shared, id: &str, action: fn(bool) -> Action) -> Result<(), JsValue> {
    let a = app.clone();
    dom::on::<Event>(&by_id::<HtmlElement>(id)?, "change", move |e| {
        if let Some(t) = e.target().and_then(|t| t.dyn_into::<HtmlInputElement>().ok()) {
            dispatch(&a, action(t.checked()));
        }
    })
}

pub(super) fn wire_transport(app: &Shared) -> Result<(), JsValue> {
    on_click(app, "play", || Action::TogglePlay)?;
    on_click(app, "step1", || Action::Step(1))?;
    on_click(app, "step100", || Action::Step(100))?;
    on_click(app, "reset", || Action::Reset)?;
    let a = app.clone();
    dom::on::<Event>(&by_id::<HtmlElement>("reseed")?, "click", move |_| {
        let seed = (js_sys::Math::random() * crate::sim::scenario::MAX_SEED as f64).floor() as u64;
        super::controls::set_key(&a, "seed", &seed.to_string());
        dispatch(&a, Action::Play);
    })?;
    let a = app.clone();
    dom::on::<Event>(&by_id::<HtmlElement>("speed")?, "change", move |e| {
        if let Some(t) = e.target().and_then(|t| t.dyn_into::<HtmlSelectElement>().ok()) {
            dispatch(&a, Action::SetSpeed(Speed::parse(&t.value()).unwrap_or(view::DEFAULT_SPEED)));
        }
    })?;
    on_check(app, "logx", Action::SetLogX)?;
    // The caption is rewritten on every change, so its "More" is listened for on the caption.
    let a = app.clone();
    dom::on::<Event>(&by_id::<HtmlElement>("caption")?, "click", move |e| {
        let on_more = e
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .is_some_and(|t| t.class_name() == "caption-more");
        if on_more {
            dispatch(&a, Action::ToggleCaption);
        }
    })?;
    on_check(app, "full-range", Action::SetFullRange)?;
    dom::on::<Event>(&by_id::<HtmlElement>("copy-link")?, "click", move |_| {
        let href = dom::window().location().href().unwrap_or_default();
        let _ = dom::window().navigator().clipboard().write_text(&href);
        dom::set_text("copy-link", "Link copied");
        let reset = Closure::once_into_js(|| dom::set_text("copy-link", "Copy link"));
        let _ = dom::window().set_timeout_with_callback_and_timeout_and_arguments_0(reset.unchecked_ref(), 1500);
    })?;
    dom::on::<Event>(&by_id::<HtmlElement>("notice-close")?, "click", |_| dom::set_hidden("notice", true))?;
    let a = app.clone();
    dom::on::<Event>(&by_id::<HtmlElement>("export-json")?, "click", move |_| {
        let x = a.borrow();
        let summary = if x.is_digits() {
            x.digits.snapshot.as_ref().map(|d| serde_json::json!(d.summary)).unwrap_or_default()
        } else {
            serde_json::json!(x.experiment.summary())
        };
        let json = serde_json::json!({
            "scenario": x.scenario.to_query(),
            "keys": x.scenario.to_json(),
            "summary": summary,
        });
        let _ = download("scenario.json", "application/json", &serde_json::to_string_pretty(&json).unwrap_or_default());
    })?;
    let a = app.clone();
    dom::on::<Event>(&by_id::<HtmlElement>("export-csv")?, "click", move |_| {
        let x = a.borrow();
        let csv = match (&x.digits.snapshot, x.is_digits()) {
            (Some(d), true) => crate::sim::table::epochs_csv(&d.summary),
            _ => crate::sim::table::history_csv(x.run()),
        };
        let _ = download("run.csv", "text/csv", &csv);
    })?;
    // Space toggles play unless a control has focus (where Space has its own meaning).
    let a = app.clone();
    dom::on::<KeyboardEvent>(&dom::document(), "keydown", move |e| {
        if e.key() != " " {
            return;
        }
        let tag =
            e.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()).map(|el| el.tag_name()).unwrap_or_default();
        if matches!(tag.as_str(), "INPUT" | "SELECT" | "TEXTAREA" | "BUTTON" | "A") {
            return;
        }
        e.prevent_default();
        dispatch(&a, Action::TogglePlay);
    })?;
    let a = app.clone();
    dom::on::<Event>(&dom::window(), "resize", move |_| {
        dispatch(&a, Action::Resize(dom::window().device_pixel_ratio().max(1.0)));
    })?;
    Ok(())
}

pub(super) fn wire_canvases(app: &Shared) -> Result<(), JsValue> {
    let canvas = by_id::<HtmlElement>("landscape-dynamic")?;
    let a = app.clone();
    dom::on::<PointerEvent>(&canvas, "pointerdown", move |e| {
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
            dispatch(&a, Action::Drag(true));
            if let Some(t) = e.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()) {
                let _ = t.set_pointer_capture(e.pointer_id());
            }
            e.prevent_default();
        }
    })?;
    let a = app.clone();
    dom::on::<PointerEvent>(&canvas, "pointermove", move |e| {
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
            let point = a.borrow().landscape_point(x, y);
            if let Some((wx, wy)) = point {
                dispatch(&a, Action::MoveWstar(round_sig(wx, 3), round_sig(wy, 3)));
            }
        }
    })?;
    for ev in ["pointerup", "pointercancel"] {
        let a = app.clone();
        dom::on::<PointerEvent>(&canvas, ev, move |_| {
            dispatch(&a, Action::Drag(false));
        })?;
    }
    let a = app.clone();
    dom::on::<KeyboardEvent>(&canvas, "keydown", move |e| {
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
        dispatch(&a, Action::MoveWstar(round_sig(x + dx, 3), round_sig(y + dy, 3)));
    })?;
    let loss = by_id::<HtmlElement>("loss-dynamic")?;
    let a = app.clone();
    dom::on::<PointerEvent>(&loss, "pointermove", move |e| {
        let dpr = a.borrow().dpr;
        dispatch(&a, Action::Hover(Some((e.offset_x() as f64 * dpr, e.offset_y() as f64 * dpr))));
    })?;
    let a = app.clone();
    dom::on::<PointerEvent>(&loss, "pointerleave", move |_| {
        dispatch(&a, Action::Hover(None));
    })?;
    Ok(())
}

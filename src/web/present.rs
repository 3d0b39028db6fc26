//! Lecture mode (`present=1`, the toolbar's "Present"): one figure at a time filling the screen,
//! its caption large beside or under it, and ←/→ or a presentation clicker (PageUp/PageDown)
//! stepping through the guided tour or through the scenes of `scenes=`; Escape leaves. A tour
//! step with a question (predict, then reveal) hides its answer until the room's guess is
//! clicked on the landscape, then shows the run, ◇ and how far the guess was.

use super::action::{dispatch, Action};
use super::app::App;
use super::dom::{self, by_id};
use super::{load_scene, on, sync_caption, tour, Shared};
use crate::scenes::{scene, Scene, TOUR};
use crate::sim::algorithm::AlgorithmKind;
use crate::sim::scenario::fmt_f64;
use std::cell::Cell;
use wasm_bindgen::prelude::*;
use web_sys::{Event, HtmlElement, KeyboardEvent};

/// How much larger the charts draw their text, lines and markers on a projector.
pub(super) const ZOOM: f64 = 1.8;

/// One step of a lecture.
enum Slide {
    Tour(usize),
    Scene(&'static Scene),
}

impl Slide {
    fn title(&self) -> &'static str {
        match self {
            Slide::Tour(i) => TOUR[*i].title,
            Slide::Scene(s) => s.title,
        }
    }

    fn question(&self) -> Option<&'static str> {
        match self {
            Slide::Tour(i) => TOUR[*i].question,
            Slide::Scene(_) => None,
        }
    }
}

/// The lecture's slides: the link's scenes, or the tour.
fn slides(app: &App) -> Vec<Slide> {
    if app.view.scenes.is_empty() {
        (0..TOUR.len()).map(Slide::Tour).collect()
    } else {
        app.view.scenes.iter().filter_map(|id| scene(id)).map(Slide::Scene).collect()
    }
}

thread_local! {
    /// The slide shown.
    static INDEX: Cell<usize> = const { Cell::new(0) };
}

/// Wires the Present button, the lecture bar and the keys; opens the lecture the link asks for.
pub(super) fn build_present(app: &Shared) -> Result<(), JsValue> {
    let a = app.clone();
    on::<Event>(&by_id::<HtmlElement>("present-start")?, "click", move |_| enter(&a))?;
    let a = app.clone();
    on::<Event>(&by_id::<HtmlElement>("present-back")?, "click", move |_| step_by(&a, -1))?;
    let a = app.clone();
    on::<Event>(&by_id::<HtmlElement>("present-next")?, "click", move |_| step_by(&a, 1))?;
    let a = app.clone();
    on::<Event>(&by_id::<HtmlElement>("present-leave")?, "click", move |_| leave(&a))?;
    let a = app.clone();
    on::<KeyboardEvent>(&dom::document(), "keydown", move |e| {
        if !a.borrow().view.present {
            return;
        }
        // A clicker sends PageDown/PageUp (some send →/← or "." for black screen).
        match e.key().as_str() {
            "ArrowRight" | "PageDown" => step_by(&a, 1),
            "ArrowLeft" | "PageUp" => step_by(&a, -1),
            "Escape" => leave(&a),
            _ => return,
        }
        e.prevent_default();
    })?;
    if app.borrow().view.present {
        enter(app);
    }
    Ok(())
}

fn enter(app: &Shared) {
    dispatch(app, Action::Present(true));
    // A lecture through the tour starts at the step the link or the open tour is on.
    let start = {
        let a = app.borrow();
        if a.view.scenes.is_empty() {
            a.view.tour.unwrap_or(0)
        } else {
            0
        }
    };
    set_body_class("presenting", true);
    show(app, start);
    if let Ok(next) = by_id::<HtmlElement>("present-next") {
        let _ = next.focus();
    }
}

fn leave(app: &Shared) {
    dispatch(app, Action::Present(false));
    set_body_class("presenting", false);
    set_body_class("asking", false);
    dom::set_hidden("present-answer", true);
    if app.borrow().view.tour.is_some() {
        tour::close(app);
    } else {
        sync_caption(&app.borrow());
    }
    if let Ok(b) = by_id::<HtmlElement>("present-start") {
        let _ = b.focus();
    }
}

fn step_by(app: &Shared, delta: i64) {
    let n = slides(&app.borrow()).len();
    let i = INDEX.with(Cell::get);
    let next = (i as i64 + delta).clamp(0, n.saturating_sub(1) as i64) as usize;
    if next != i {
        show(app, next);
    }
}

/// Opens slide `index`: its scenario (a tour step plays live, a scene shows its end), its
/// caption, and its question if it asks one.
fn show(app: &Shared, index: usize) {
    let list = slides(&app.borrow());
    let index = index.min(list.len().saturating_sub(1));
    let Some(slide) = list.get(index) else { return };
    INDEX.with(|i| i.set(index));
    match slide {
        Slide::Tour(k) => tour::show_step(app, *k),
        Slide::Scene(s) => {
            dispatch(app, Action::Tour(None));
            load_scene(app, s.query);
        }
    }
    // The tour scrolls its box into view; a lecture's slide starts at the top.
    dom::window().scroll_to_with_x_and_y(0.0, 0.0);
    let question = slide.question();
    dispatch(app, Action::Ask(question.is_some()));
    set_body_class("asking", question.is_some());
    dom::set_text("present-question", question.unwrap_or(""));
    dom::set_hidden("present-question", question.is_none());
    dom::set_hidden("present-answer", true);
    if let Ok(count) = by_id::<HtmlElement>("present-count") {
        // The title folds away on a phone (CSS); the count stays.
        count.set_inner_html(&format!(
            "{} / {}<span class=\"present-title\"> · {}</span>",
            index + 1,
            list.len(),
            super::caption::escape(slide.title())
        ));
    }
    set_disabled("present-back", index == 0);
    set_disabled("present-next", index + 1 == list.len());
}

/// Whether a click on the landscape is the room's guess.
pub(super) fn wants_guess(app: &App) -> bool {
    app.view.present && app.conceal && app.guess.is_none()
}

/// Records the guess, runs the step to its end and shows the answer: how far the guess is from
/// where Analog SGD's average settled, and how far that is from the theory point ◇.
pub(super) fn take_guess(app: &Shared, guess: [f64; 2]) {
    dispatch(app, Action::Guess(guess));
    let answer = {
        let a = app.borrow();
        let run = a.run();
        let dist = |p: &[f64]| ((p[0] - guess[0]).powi(2) + (p[1] - guess[1]).powi(2)).sqrt();
        let settled = run.track(AlgorithmKind::Analog).map(|t| t.average.mean.clone());
        let theory = run.theory.analog_stationary_w.clone();
        match (settled, theory) {
            (Some(w), Some(t)) => format!(
                "Your guess is {} from where Analog SGD's average settled (▲), which is {} from the theory point ◇ — and {} from w*.",
                fmt_f64(round3(dist(&w))),
                fmt_f64(round3(((w[0] - t[0]).powi(2) + (w[1] - t[1]).powi(2)).sqrt())),
                fmt_f64(round3(((w[0] - a.scenario.wstar[0]).powi(2) + (w[1] - a.scenario.wstar[1]).powi(2)).sqrt())),
            ),
            (Some(w), None) => {
                format!("Your guess is {} from where Analog SGD's average settled (▲).", fmt_f64(round3(dist(&w))))
            }
            _ => "Your guess is marked; this step has no Analog SGD run to compare it with.".to_string(),
        }
    };
    set_body_class("asking", false);
    dom::set_hidden("present-question", true);
    dom::set_text("present-answer", &answer);
    dom::set_hidden("present-answer", false);
    sync_caption(&app.borrow());
}

/// Three significant digits.
fn round3(v: f64) -> f64 {
    super::round_sig(v, 3)
}

fn set_body_class(class: &str, on: bool) {
    if let Some(body) = dom::document().body() {
        let _ = if on { body.class_list().add_1(class) } else { body.class_list().remove_1(class) };
    }
}

fn set_disabled(id: &str, disabled: bool) {
    if let Ok(b) = by_id::<HtmlElement>(id) {
        let _ = if disabled { b.set_attribute("disabled", "") } else { b.remove_attribute("disabled") };
    }
}

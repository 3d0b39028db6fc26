//! The host API: the page that embeds the playground in a frame drives it with `postMessage`
//! (`{type: 'set', query}`, `'play'`, `'pause'`, `'step'`) and hears back `{type: 'state', …}`,
//! so a paper's page can change the figure as its reader scrolls. Only the direct parent frame is
//! listened to: a top-level page has no host, and any other window (a sibling frame, an
//! extension) must not restart the reader's run. Bad payloads get `{type: 'error', message}`
//! back and change nothing.

use super::action::{dispatch, Action};
use super::dom::{self, by_id, on};
use super::view::{At, View};
use super::{show_notices, App, Shared};
use crate::sim::scenario::{split_query, Scenario};
use serde_json::{json, Value};
use std::cell::RefCell;
use wasm_bindgen::prelude::*;
use web_sys::{HtmlElement, MessageEvent, Window};

/// The loop reports the state to the host at most this often (ms): enough for a live readout,
/// cheap for both pages.
const STATE_EVERY_MS: f64 = 250.0;

/// The host, once it has spoken: replies go to its origin only, and the loop reports only what
/// changed since it was last told (a paused embed stays silent).
struct Host {
    origin: String,
    sent_at: f64,
    /// (step or epoch, playing) as last reported.
    sent: (u64, bool),
}

thread_local! {
    static HOST: RefCell<Option<Host>> = const { RefCell::new(None) };
}

/// The embedding window, if the page runs in a frame.
fn parent() -> Option<Window> {
    let w = dom::window();
    w.parent().ok().flatten().filter(|p| !same(p, &w))
}

/// Whether two JS values are the same object (`===`).
fn same(a: &impl AsRef<JsValue>, b: &impl AsRef<JsValue>) -> bool {
    a.as_ref() == b.as_ref()
}

/// Listens to the parent frame and greets it with `{type: 'ready'}`. The greeting goes to any
/// origin: the host's is not known yet, and it says nothing but "send now".
pub(super) fn install(app: &Shared) -> Result<(), JsValue> {
    let Some(host) = parent() else { return Ok(()) };
    let app = app.clone();
    let from = host.clone();
    on::<MessageEvent>(&dom::window(), "message", move |e| {
        if !e.source().is_some_and(|s| same(&s, &from)) {
            return;
        }
        HOST.with(|h| {
            let mut h = h.borrow_mut();
            match h.as_mut() {
                Some(h) => h.origin = e.origin(),
                None => *h = Some(Host { origin: e.origin(), sent_at: f64::NEG_INFINITY, sent: (0, false) }),
            }
        });
        match handle(&app, &e.data()) {
            Ok(notices) if notices.is_empty() => {}
            Ok(messages) => post(&json!({ "type": "notice", "messages": messages })),
            Err(message) => {
                dom::console_warn(&format!("host message ignored: {message}"));
                post(&json!({ "type": "error", "message": message }));
                return;
            }
        }
        send_state(&app.borrow(), dom::now());
    })?;
    post_to(&host, &json!({ "type": "ready" }), "*");
    Ok(())
}

/// The animation loop's hook: once a host has spoken, at most every [`STATE_EVERY_MS`], reports
/// the state if the step or the playing state moved since the last report.
pub(super) fn frame(app: &Shared, now: f64) {
    let Some((sent_at, sent)) = HOST.with(|h| h.borrow().as_ref().map(|h| (h.sent_at, h.sent))) else { return };
    if now - sent_at < STATE_EVERY_MS {
        return;
    }
    let a = app.borrow();
    if mark(&a) != sent {
        send_state(&a, now);
    }
}

/// Carries out one message; returns the notices of a `set`, or why the message was ignored.
fn handle(app: &Shared, data: &JsValue) -> Result<Vec<String>, String> {
    const EXPECTED: &str = "expected {type: 'set', query: '…'} or {type: 'play' | 'pause' | 'step'}";
    if !data.is_object() {
        let got = if data.is_null() {
            "null".into()
        } else {
            format!("a value of type {}", data.js_typeof().as_string().unwrap_or_default())
        };
        return Err(format!("{EXPECTED}; got {got}"));
    }
    let field = |name: &str| js_sys::Reflect::get(data, &JsValue::from_str(name)).ok().and_then(|v| v.as_string());
    let Some(kind) = field("type") else { return Err(format!("no string `type`: {EXPECTED}")) };
    match kind.as_str() {
        "set" => match field("query") {
            Some(query) => Ok(set(app, &query)),
            None => Err("set: `query` must be a string such as 'tau=0.5&alpha=0.1'".into()),
        },
        // As the transport's Play and Pause: a finished run plays again from the start.
        "play" => Ok(dispatch(app, Action::Play)),
        "pause" => Ok(dispatch(app, Action::Pause)),
        // As the Step button: pause, then one step (on a network, one epoch).
        "step" => Ok(dispatch(app, Action::Step(1))),
        other => Err(format!("unknown type '{other:.40}': {EXPECTED}")),
    }
}

/// Loads `query` as a new link would: missing keys take their defaults, `scene=` (with no
/// scenario keys) loads a scene, and the run restarts and plays (`at=` computes it to a step and
/// shows it paused, `autoplay=0` leaves it paused). Other view options belong in the frame's
/// link and are ignored. The notices are shown in the embed, as a link's are, and returned.
fn set(app: &Shared, query: &str) -> Vec<String> {
    let (opts, pairs, mut notices) = View::from_query(query);
    for (k, _) in split_query(query) {
        if !pairs.iter().any(|(p, _)| *p == k) && !matches!(k.as_str(), "scene" | "at" | "autoplay") {
            notices.push(format!("{k}: a view option; set it in the frame's link (ignored here)"));
        }
    }
    let scene = opts.scene.as_deref().filter(|_| pairs.is_empty());
    let pairs = match scene.map(|id| (id, crate::scenes::scene(id))) {
        Some((_, Some(s))) => split_query(s.query),
        Some((id, None)) => {
            notices.push(format!("scene={id}: unknown scene; showing the default"));
            pairs
        }
        None => pairs,
    };
    let (scenario, more) = Scenario::parse_pairs(&pairs, true).expect("lenient parsing never fails");
    notices.extend(more.iter().map(|n| n.to_string()));
    // A scene is a new story (as its button): no ghost of the run before it. As at start-up, an
    // embedded scene shows its result.
    let embed = app.borrow().view.embed;
    let at = opts.at.or((embed && scene.is_some()).then_some(At::End));
    notices.extend(dispatch(app, Action::Load { scenario: Box::new(scenario), fresh: scene.is_some(), at }));
    notices.extend(dispatch(app, if opts.autoplay { Action::ShowResult } else { Action::Pause }));
    if embed {
        if let Ok(link) = by_id::<HtmlElement>("open-full") {
            let _ = link.set_attribute("href", &format!("./?{}", app.borrow().scenario.to_query()));
        }
    }
    let _ = show_notices(&notices);
    notices
}

/// What a report is sent for: the step (a network: the epoch) and whether the run plays.
fn mark(a: &App) -> (u64, bool) {
    (if a.is_digits() { a.digits.epoch() } else { a.ens().step() }, a.playing)
}

/// `{type: 'state', …}`: the numbers of the readout table (a network: the test accuracies).
fn state(a: &App) -> Value {
    let (step, playing) = mark(a);
    let mut s = json!({
        "type": "state",
        "problem": a.scenario.problem.key(),
        "step": step,
        "playing": playing,
        "finished": a.finished(),
        "query": a.scenario.to_query(),
    });
    if a.is_digits() {
        let tracks = a.digits.snapshot.as_ref().map_or(&[][..], |d| &d.summary.algorithms[..]);
        s["steps"] = json!(a.scenario.epochs);
        s["epoch"] = json!(step);
        s["readouts"] = tracks
            .iter()
            .map(|t| {
                json!({
                    "name": t.algorithm,
                    "accuracy": a.digits.accuracy(&t.algorithm),
                    "train_loss": t.final_train_loss,
                    "diverged": t.diverged,
                })
            })
            .collect();
    } else {
        s["steps"] = json!(a.scenario.steps);
        s["readouts"] = a
            .readouts
            .iter()
            .map(|r| json!({ "name": r.key, "loss": r.loss, "avg_loss": r.avg_loss, "dist": r.dist, "diverged": r.diverged }))
            .collect();
    }
    s
}

fn send_state(a: &App, now: f64) {
    post(&state(a));
    HOST.with(|h| {
        if let Some(h) = h.borrow_mut().as_mut() {
            h.sent_at = now;
            h.sent = mark(a);
        }
    });
}

/// Posts to the host at its origin (an opaque origin, e.g. a page opened from a file, cannot be
/// named: `*`, as nothing here is secret).
fn post(msg: &Value) {
    let Some(origin) = HOST.with(|h| h.borrow().as_ref().map(|h| h.origin.clone())) else { return };
    if let Some(host) = parent() {
        post_to(&host, msg, if origin == "null" { "*" } else { &origin });
    }
}

fn post_to(host: &Window, msg: &Value, origin: &str) {
    // NaN (no step taken yet) becomes null on the way through JSON.
    if let Ok(v) = js_sys::JSON::parse(&msg.to_string()) {
        let _ = host.post_message(&v, origin);
    }
}

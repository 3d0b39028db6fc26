//! The caption under the scene list: the scene's or tour step's text (or one made up for the
//! scenario), in the chosen letters, with its `{placeholders}` bound to live numbers.

use super::dom::{self, by_id};
use super::{tour, App};
use crate::sim::algorithm::AlgorithmKind;
use crate::sim::scenario::{Arch, DeviceKind, PulseMode};
use wasm_bindgen::JsCast;
use web_sys::HtmlElement;

pub(super) fn sync_caption(app: &App) {
    let current = app.current_scene();
    if let Ok(list) = dom::document().query_selector_all("#scenes button") {
        for i in 0..list.length() {
            if let Some(el) = list.item(i).and_then(|n| n.dyn_into::<web_sys::Element>().ok()) {
                let on = current.is_some_and(|s| el.get_attribute("data-scene").as_deref() == Some(s.id));
                let _ = el.set_attribute("aria-pressed", if on { "true" } else { "false" });
            }
        }
    }
    let (mut text, short) = match (tour::caption(app), current) {
        (Some(t), _) => (t.to_string(), lead(t).to_string()),
        (None, Some(s)) => (s.caption.to_string(), s.short.to_string()),
        (None, None) => {
            let t = custom_caption(app);
            let short = lead(&t).to_string();
            (t, short)
        }
    };
    if app.is_digits() && !app.view.present {
        // Every network caption says what it was run with, in one line (not on a lecture slide,
        // whose caption is read from the back of a hall).
        text.push(' ');
        text.push_str(&crate::scenes::network_config(&app.scenario));
    }
    let notation = |t: &str| app.view.notation.text(t, &app.scenario);
    // A caption longer than three lines shows its first sentence (its result) and a "More" that
    // opens the whole text: in an embed the charts keep their height, on a phone and a projector
    // the figure stays on the first screen. A tour step and the lecture mode show theirs whole.
    let open = app.view.caption_open;
    let html = format!(
        "<span class=\"caption-full\">{}</span><span class=\"caption-short\">{}</span> <button type=\"button\" class=\"caption-more\" aria-expanded=\"{open}\">{}</button>",
        bind_placeholders(&notation(&text)),
        bind_placeholders(&notation(&short)),
        if open { "Less" } else { "More" }
    );
    if let Ok(c) = by_id::<HtmlElement>("caption") {
        c.set_inner_html(&html);
        // Measured with the numbers bound: "…" is shorter than most of them.
        app.update_caption_now();
        let classes = c.class_list();
        let _ = classes.remove_2("caption-long", "caption-open");
        let collapsible = app.view.tour.is_none() && !app.view.present && short != text;
        if collapsible && full_caption_lines(&c) > 3 {
            let _ = classes.add_1("caption-long");
            if open {
                let _ = classes.add_1("caption-open");
            }
        }
        fit_lecture_caption(&c, app.view.present);
    }
}

/// On a lecture slide the caption's box ends above the legend (CSS); a text longer than the box
/// is set smaller, 2 px at a time down to 16 px, instead of running over the legend or scrolling.
fn fit_lecture_caption(caption: &HtmlElement, present: bool) {
    let style = caption.style();
    let _ = style.remove_property("font-size");
    if !present {
        return;
    }
    let computed = dom::window().get_computed_style(caption).ok().flatten();
    let mut px = computed
        .and_then(|s| s.get_property_value("font-size").ok())
        .and_then(|v| v.trim_end_matches("px").parse::<f64>().ok())
        .unwrap_or(26.0);
    while caption.scroll_height() > caption.client_height() + 1 && px > 16.0 {
        px -= 2.0;
        let _ = style.set_property("font-size", &format!("{px}px"));
    }
}

/// The lines the whole caption takes at the current width: the distinct tops of its boxes (bound
/// numbers split a line's boxes); 0 where it is hidden (a small embed shows only the short form).
fn full_caption_lines(caption: &HtmlElement) -> usize {
    caption.query_selector(".caption-full").ok().flatten().map_or(0, |s| {
        let rects = s.get_client_rects();
        let mut tops: Vec<i64> =
            (0..rects.length()).filter_map(|i| rects.get(i)).map(|r| r.top().round() as i64).collect();
        tops.sort_unstable();
        tops.dedup_by(|a, b| (*a - *b).abs() < 4);
        tops.len()
    })
}

fn custom_caption(app: &App) -> String {
    let s = &app.scenario;
    let mut parts = vec!["Your scenario.".to_string()];
    if app.is_digits() && s.arch == Arch::Cnn {
        // The collapse of the FCN's learned out scale (below) is not what the CNN shows: its
        // Analog SGD learns, then slips back (tests/cnn.rs), so it gets the paper's CNN claim.
        let accs: Vec<&str> = [
            (AlgorithmKind::Analog, "Analog SGD {analog_acc}"),
            (AlgorithmKind::TikiTaka, "Tiki-Taka {tt_acc}"),
            (AlgorithmKind::Digital, "Digital SGD {digital_acc}"),
        ]
        .into_iter()
        .filter(|(a, _)| s.runs(*a))
        .map(|(_, t)| t)
        .collect();
        if !accs.is_empty() {
            return format!(
                "After {{epoch}} epochs the paper's CNN classifies the test digits: {}. In the paper's Fig. 5 (full MNIST, 80 epochs) its Analog SGD ends more than 6 points below Digital SGD at every τ, and Tiki-Taka within a point of it.",
                accs.join(", ")
            );
        }
    }
    if app.is_digits() && s.out_scaling == 1 && s.runs(AlgorithmKind::Analog) && s.device != DeviceKind::Ideal {
        // Lead with the cause of what the figure shows (the paper's MNIST configuration).
        let acc = if s.pulses == PulseMode::Off { "{analog_acc}" } else { "{analog_pulse_acc}" };
        parts = vec![format!(
            "With learned output scaling on (as in the paper's code), Analog SGD can stay at chance ({acc} after {{epoch}} epochs): the last tile's learned scale collapses to about 0 in the first epoch and takes the error signal with it — aihwkit 1.1 does the same; it is not the asymmetry bias alone (set out_scaling to 0 to see the slow climb)."
        )];
        if s.runs(AlgorithmKind::TikiTaka) {
            parts.push("Tiki-Taka {tt_acc},".into());
        }
        if s.runs(AlgorithmKind::Digital) {
            parts.push("Digital SGD {digital_acc}.".into());
        }
        return parts.join(" ").trim_end_matches(',').to_string()
            + if s.runs(AlgorithmKind::Digital) { "" } else { "." };
    }
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
    if (app.shows_landscape() || app.shows_line()) && s.runs(AlgorithmKind::Analog) {
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
/// The first sentence of a caption (its result; captions lead with it).
fn lead(text: &str) -> &str {
    let bytes = text.as_bytes();
    for (i, _) in text.match_indices(". ") {
        if bytes.get(i + 2).is_some_and(|c| c.is_ascii_uppercase() || *c == b'(') {
            return &text[..=i];
        }
    }
    text
}

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

pub(super) fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// Says what the faint ghost is: the previous run, and which keys differ from the current one.
pub(super) fn write_ghost_note(app: &App) {
    let Some(g) = &app.ghost else {
        dom::set_hidden("ghost-note", true);
        return;
    };
    let before = crate::sim::scenario::split_query(&g.scenario.to_query());
    let now = crate::sim::scenario::split_query(&app.scenario.to_query());
    let changed: Vec<String> = now
        .iter()
        .filter_map(|(k, v)| {
            let old = before.iter().find(|(ok, _)| ok == k).map(|(_, ov)| ov.as_str());
            (old != Some(v.as_str())).then(|| {
                let sym = crate::sim::scenario::key(k).map_or(k.as_str(), |key| key.symbol);
                let sym = app.view.notation.symbol(k, &app.scenario, sym);
                format!("{sym} = {} → {v}", old.unwrap_or("—"))
            })
        })
        .take(3)
        .collect();
    let text = if changed.is_empty() {
        "Faint: the previous run (same settings). ghost=0 in the link turns it off.".to_string()
    } else {
        format!("Faint: the previous run ({}). ghost=0 in the link turns it off.", changed.join(", "))
    };
    dom::set_text("ghost-note", &text);
    dom::set_hidden("ghost-note", false);
}

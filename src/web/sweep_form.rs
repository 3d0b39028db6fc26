//! The sweep form: which two keys, their ranges and grid, steps (epochs on digits) and seeds
//! per cell; starting, cancelling, exporting; the heatmaps' hover and click.

use super::action::{dispatch, Action};
use super::dom::download;
use super::dom::{self, by_id, create, on};
use super::{sweep, Shared};
use crate::figures::fmt_num;
use crate::sim::algorithm::AlgorithmKind;
use crate::sim::scenario::{fmt_f64, Kind, ProblemKind, Scenario};
use crate::sim::sweep::Metric;
use wasm_bindgen::JsValue;
use web_sys::{Event, HtmlElement, HtmlInputElement, HtmlSelectElement, PointerEvent};

/// Numeric keys a sweep can vary for `scenario` (those that apply to it, the shorthand `tau_sym`
/// for both bounds of a bounded device among them), in table order.
fn sweepable_keys(scenario: &Scenario) -> Vec<&'static crate::sim::scenario::Key> {
    crate::sim::scenario::KEYS
        .iter()
        .filter(|k| {
            matches!(k.kind, Kind::Float { .. } | Kind::Int { .. })
                && !matches!(k.name, "v" | "steps" | "seeds" | "epochs")
                && (k.applies)(scenario)
        })
        .collect()
}

/// The key that sets the device range of `scenario`: `tau` on the ALD, `tau_sym` on the bounded
/// devices (the defaults' x axis).
fn range_key(scenario: &Scenario) -> &'static str {
    match crate::sim::scenario::key("tau") {
        Some(k) if (k.applies)(scenario) => "tau",
        _ => "tau_sym",
    }
}

/// Fills a `<select>` with (value, label) options, keeping its current value when it is still
/// offered (else `fallback`).
fn fill_select(id: &str, options: &[(String, String)], fallback: &str) {
    let Ok(sel) = by_id::<HtmlSelectElement>(id) else { return };
    let current = sel.value();
    let shape: String = options.iter().map(|o| format!("{}={}", o.0, o.1)).collect::<Vec<_>>().join(",");
    if sel.get_attribute("data-options").as_deref() != Some(shape.as_str()) {
        sel.set_inner_html("");
        for (value, label) in options {
            if let Ok(opt) = create("option", "") {
                let _ = opt.set_attribute("value", value);
                opt.set_text_content(Some(label));
                let _ = sel.append_child(&opt);
            }
        }
        let _ = sel.set_attribute("data-options", &shape);
    }
    let keep = options.iter().any(|o| o.0 == current);
    sel.set_value(if keep { &current } else { fallback });
}

/// The metric the sweep form has chosen for `problem` (its default when none applies).
pub(super) fn chosen_metric(problem: ProblemKind) -> Metric {
    by_id::<HtmlSelectElement>("sweep-metric")
        .ok()
        .and_then(|s| Metric::parse(&s.value(), problem).ok())
        .unwrap_or_else(|| Metric::of(problem))
}

const DEFAULT_SWEEP: &str = "tau:0.2:5:log:24,alpha:0.003:0.3:log:24";
const DEFAULT_SWEEP_STEPS: u64 = 5000;
/// On digits every cell trains a network: a coarser grid and fewer epochs.
const DEFAULT_DIGITS_SWEEP: &str = "tau:0.2:2:log:8,alpha:0.01:0.3:log:6";
const DEFAULT_DIGITS_EPOCHS: u64 = 20;
/// On MNIST a cell is 8000 images per epoch: a 4 × 3 grid of 3 epochs (about a minute on 2 cores),
/// across the τ where Analog SGD's collapse gives way (docs/reproduction/tau-cliff.md).
const DEFAULT_MNIST_SWEEP: &str = "tau:0.7:2:log:4,alpha:0.02:0.1:log:3";
const DEFAULT_MNIST_EPOCHS: u64 = 3;

/// Offers the keys and metrics that apply to `scenario` (keeping the chosen ones where they still
/// apply; `metric` is the link's choice), names the metric in the panel's title, and refills the
/// form with the problem's defaults when `refill` (the problem changed, no sweep running).
pub(super) fn sweep_form_for(
    scenario: &Scenario,
    metric: Option<&str>,
    notation: crate::notation::Notation,
    refill: bool,
) {
    let problem = scenario.problem;
    let digits = problem.is_network();
    dom::set_text("sweep-steps-label", if digits { "epochs" } else { "steps" });
    let keys: Vec<(String, String)> = sweepable_keys(scenario)
        .into_iter()
        .map(|k| {
            let symbol = notation.symbol(k.name, scenario, k.symbol);
            let label = if k.symbol == k.name { k.name.to_string() } else { format!("{symbol} ({})", k.name) };
            (k.name.to_string(), label)
        })
        .collect();
    let range = range_key(scenario);
    for axis in ["x", "y"] {
        let fallback = if axis == "x" { range } else { "alpha" };
        fill_select(&format!("sweep-{axis}-key"), &keys, fallback);
    }
    let metrics: Vec<(String, String)> =
        Metric::for_problem(problem).into_iter().map(|m| (m.name().to_string(), m.label().to_string())).collect();
    let default = metric.and_then(|m| Metric::parse(m, problem).ok()).unwrap_or_else(|| Metric::of(problem));
    if let (Some(m), Ok(sel)) = (metric, by_id::<HtmlSelectElement>("sweep-metric")) {
        if Metric::parse(m, problem).is_ok() {
            sel.set_value(m);
        }
    }
    fill_select("sweep-metric", &metrics, default.name());
    write_sweep_title(chosen_metric(problem));
    if refill {
        let (axes, steps) = if problem == ProblemKind::Mnist {
            (DEFAULT_MNIST_SWEEP, DEFAULT_MNIST_EPOCHS)
        } else if digits {
            (DEFAULT_DIGITS_SWEEP, DEFAULT_DIGITS_EPOCHS)
        } else {
            (DEFAULT_SWEEP, DEFAULT_SWEEP_STEPS)
        };
        fill_sweep_form(&axes.replacen("tau:", &format!("{range}:"), 1), steps, 1);
    }
}

/// The sweep panel's title names what the maps colour.
fn write_sweep_title(metric: Metric) {
    dom::set_text("sweep-title", &format!("Sensitivity sweep: {} over two parameters", metric.label()));
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
        if base.problem.is_network() {
            // On digits the per-cell length is epochs.
            base.epochs = steps.min(1000);
        } else {
            base.steps = steps;
        }
        base.seeds = seeds;
        let metric = chosen_metric(base.problem);
        Ok((crate::sim::sweep::Sweep::new(base, x, y)?.with_metric(metric)?, steps, seeds))
    })();
    match result {
        Ok((sweep, steps, seeds)) => {
            dom::set_hidden("sweep-error", true);
            dispatch(app, Action::SweepStart { sweep: Box::new(sweep), axes, steps, seeds });
        }
        Err(e) => {
            dom::set_text("sweep-error", &e);
            dom::set_hidden("sweep-error", false);
        }
    }
}

pub(super) fn build_sweep(app: &Shared) -> Result<(), JsValue> {
    {
        let a = app.borrow();
        sweep_form_for(&a.scenario, a.view.sweep_metric.as_deref(), a.view.notation, false);
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
    on::<Event>(&by_id::<HtmlElement>("sweep-cancel")?, "click", move |_| {
        dispatch(&a, Action::SweepCancel);
    })?;
    // A new metric recolours the maps at once: every cell holds all of its problem's metrics.
    let a = app.clone();
    on::<Event>(&by_id::<HtmlElement>("sweep-metric")?, "change", move |_| {
        let metric = chosen_metric(a.borrow().scenario.problem);
        write_sweep_title(metric);
        dispatch(&a, Action::SweepMetric(metric));
    })?;
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
                    let metric = cell.outcome.metric;
                    let accuracy = metric.compares_by_difference();
                    let v = |kind| match (accuracy, cell.value(kind)) {
                        (_, None) => "diverged / —".to_string(),
                        (true, Some(a)) => format!("{:.1} % {}", 100.0 * a, metric.short()),
                        (false, Some(l)) => format!("{} = {}", metric.short(), fmt_num(l)),
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
            let picked = {
                let x = a.borrow();
                let (px, py) = (e.offset_x() as f64 * x.dpr, e.offset_y() as f64 * x.dpr);
                x.sweep.cell_at(k, px, py).map(|c| (c.scenario.clone(), c.i, c.j))
            };
            if let Some((s, i, j)) = picked {
                dispatch(&a, Action::SweepPick { i, j, scenario: Box::new(s) });
                // Bring the loaded run into view: the first figure of the live view.
                dom::scroll_into_view("figures");
            }
        })?;
    }
    if autostart {
        start_sweep(app);
    }
    Ok(())
}

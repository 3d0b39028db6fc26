//! The sweep form: which two keys, their ranges and grid, steps (epochs on digits) and seeds
//! per cell; starting, cancelling, exporting; the heatmaps' hover and click.

use super::dom::{self, by_id, create, on};
use super::{download, scenario_changed, sweep, Shared};
use crate::figures::fmt_num;
use crate::sim::algorithm::AlgorithmKind;
use crate::sim::scenario::{fmt_f64, Kind, ProblemKind};
use wasm_bindgen::JsValue;
use web_sys::{Event, HtmlElement, HtmlInputElement, HtmlSelectElement, PointerEvent};

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
/// On MNIST a cell is 8000 images per epoch: a 4 × 3 grid of 3 epochs (about a minute on 2 cores).
const DEFAULT_MNIST_SWEEP: &str = "tau:0.3:1.5:log:4,alpha:0.02:0.1:log:3";
const DEFAULT_MNIST_EPOCHS: u64 = 3;

/// Refills the sweep form with the defaults of `problem` (called when the problem changes and
/// no sweep is running) and names the metric in the panel's title.
pub(super) fn sweep_form_for(problem: ProblemKind, refill: bool) {
    let digits = problem.is_network();
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
        if problem == ProblemKind::Mnist {
            fill_sweep_form(DEFAULT_MNIST_SWEEP, DEFAULT_MNIST_EPOCHS, 1);
        } else if digits {
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
        if base.problem.is_network() {
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

pub(super) fn build_sweep(app: &Shared) -> Result<(), JsValue> {
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

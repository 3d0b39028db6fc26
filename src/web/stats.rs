//! What the page reports about itself for the end-to-end tests and the browser benchmark.

use super::app::quantile;
use super::{App, APP};
use crate::sim::algorithm::AlgorithmKind;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// Statistics for the end-to-end tests and the browser benchmark, as JSON.
#[wasm_bindgen]
pub fn playground_stats() -> String {
    APP.with(|a| {
        let Some(app) = a.borrow().clone() else { return "{}".to_string() };
        let app = app.borrow();
        let dists: serde_json::Map<String, serde_json::Value> =
            app.readouts.iter().map(|r| (r.key.clone(), serde_json::json!(r.dist))).collect();
        serde_json::json!({
            "step": app.ens().step(),
            "playing": app.playing,
            "steps_per_second": app.steps_per_second,
            "frame_interval_p95_ms": quantile(&app.frame_intervals, 0.95),
            "frame_interval_p50_ms": quantile(&app.frame_intervals, 0.5),
            "frame_work_p95_ms": quantile(&app.frame_work, 0.95),
            "frames": app.frame_intervals.len(),
            "frames_total": app.frames_total,
            "wasm_memory_bytes": wasm_bindgen::memory().dyn_into::<js_sys::WebAssembly::Memory>().map_or(0.0, |m| m.buffer().dyn_into::<js_sys::ArrayBuffer>().map_or(0.0, |b| b.byte_length() as f64)),
            "first_chart_ms": app.first_chart_ms,
            "scenario": app.scenario.to_query(),
            "distances": dists,
            "averaged": averaged_stats(&app),
            "landmarks": landmark_pixels(&app),
            "ghost": app.ghost.is_some(),
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
                "rerun": app.sweep.rerun,
                "notice": app.sweep.notice,
                "worker_failures": app.workers.failures,
                "total": app.sweep.sweep.as_ref().map_or(0, |s| s.len()),
                "cells_per_second": app.sweep.cells_per_second,
            },
        })
        .to_string()
    })
}

/// Where the averaged iterates are (first seed): each track's distance to w*, Analog SGD's
/// distance to its theory point ◇, and the theory bias |◇ − w*|.
fn averaged_stats(app: &App) -> serde_json::Value {
    if app.is_digits() {
        return serde_json::Value::Null;
    }
    let run = app.run();
    let optimum = run.problem.optimum();
    let to_wstar: serde_json::Map<String, serde_json::Value> = run
        .tracks
        .iter()
        .map(|t| (crate::sim::run::track_key(&t.algo), serde_json::json!(t.average.distance_to(&optimum))))
        .collect();
    let theory = run.theory.analog_stationary_w.as_ref();
    let analog = run.track_in(AlgorithmKind::Analog, false);
    serde_json::json!({
        "to_wstar": to_wstar,
        "analog_to_theory": analog.zip(theory).map(|(t, w)| t.average.distance_to(w)),
        "theory_bias": theory.map(|w| w.iter().zip(&optimum).map(|(a, b)| (a - b).powi(2)).sum::<f64>().sqrt()),
    })
}

/// Where w* and Analog SGD's theory point ◇ are drawn on the landscape, in CSS pixels of its
/// canvas (for the end-to-end test that they stay visible).
fn landmark_pixels(app: &App) -> serde_json::Value {
    let Some(m) = app.landscape_map.filter(|_| app.shows_landscape()) else { return serde_json::Value::Null };
    let run = app.run();
    let css = |p: [f64; 2]| serde_json::json!([m.px(p[0]) / app.dpr, m.py(p[1]) / app.dpr]);
    let mark =
        app.tour_mark_at(&m).map(|(l, p)| serde_json::json!({"name": l.name(), "at": [p.0 / app.dpr, p.1 / app.dpr]}));
    serde_json::json!({
        "tour_mark": mark,
        "wstar": css(crate::figures::panels::point2(&app.scenario.wstar)),
        "theory": run.theory.analog_stationary_w.as_ref().filter(|_| app.scenario.runs(AlgorithmKind::Analog) && !app.conceal).map(|w| css(crate::figures::panels::point2(w))),
    })
}

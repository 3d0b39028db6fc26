//! Seconds per epoch of the digits network (1437 training images, one thread), per algorithm,
//! in the expected dynamic (per mini-batch and per sample) and at pulse level (a benchmark, not a
//! test). Run with `cargo bench --bench digits`; results are recorded in `BENCHMARKS.md`.
//! Each measurement trains one track of a full `NetRun` (shuffle, forward, backward, update, the
//! test-set evaluation after each epoch), so it is what the CLI and the browser workers run.

use analog_playground::sim::network::NetRun;
use analog_playground::sim::Scenario;
use std::time::Instant;

fn seconds_per_epoch(query: &str, epochs: u64) -> (f64, f64) {
    let scenario =
        Scenario::parse(&format!("problem=digits&{query}&epochs={epochs}")).expect("valid benchmark scenario");
    let mut best = f64::INFINITY;
    let mut accuracy = 0.0;
    for _ in 0..3 {
        let mut run = NetRun::new(&scenario);
        let t = Instant::now();
        run.run_to_end();
        best = best.min(t.elapsed().as_secs_f64());
        accuracy = run.tracks[0].accuracy();
    }
    (best / epochs as f64, accuracy)
}

fn main() {
    let anchor_aihwkit = 0.08; // s per epoch, IBM aihwkit 1.1 CPU, one thread (the anchor)
    println!("| algorithm | update | ms per epoch (best of 3) | × faster than aihwkit (0.08 s) | test accuracy |");
    println!("|---|---|---|---|---|");
    let cases = [
        ("digital", "expected", "algos=digital"),
        ("analog", "expected, per batch", "algos=analog&tau=0.5"),
        ("analog", "expected, per sample", "algos=analog&tau=0.5&update=sample"),
        ("tt", "expected, per batch", "algos=tt&tau=0.5"),
        ("tt", "expected, per sample", "algos=tt&tau=0.5&update=sample"),
        ("analog", "pulse level (Δw_min = τ/1000, BL 31)", "algos=analog&tau=0.5&pulses=1&dw_min=0.0005"),
        ("tt", "pulse level (Δw_min = τ/1000, BL 31)", "algos=tt&tau=0.5&pulses=1&dw_min=0.0005"),
        ("analog", "pulse level (Δw_min = 1e-3, BL 31)", "algos=analog&tau=0.5&pulses=1&dw_min=0.001"),
        ("tt", "pulse level (Δw_min = 1e-3, BL 31)", "algos=tt&tau=0.5&pulses=1&dw_min=0.001"),
    ];
    for (algo, form, query) in cases {
        let (s, acc) = seconds_per_epoch(query, 10);
        println!("| {algo} | {form} | {:.2} | {:.0}× | {:.3} |", s * 1e3, anchor_aihwkit / s, acc);
    }
}

//! Seconds per epoch of the paper's MNIST network (784-256-128-10, 8000 training images, batch 10,
//! one thread), per algorithm, in the expected dynamic and with the paper's preset at pulse level
//! (a benchmark, not a test). Run with `cargo bench --bench mnist`; results are recorded in
//! `BENCHMARKS.md`. Each measurement trains one track of a full `NetRun` (shuffle, forward,
//! backward, update, the 2000-image test evaluation after each epoch); loading the data is not
//! timed.

use analog_playground::sim::network::NetRun;
use analog_playground::sim::Scenario;
use std::time::Instant;

fn seconds_per_epoch(query: &str, epochs: u64) -> (f64, f64) {
    let scenario = Scenario::parse(&format!("{query}&epochs={epochs}")).expect("valid benchmark scenario");
    let mut best = f64::INFINITY;
    let mut accuracy = 0.0;
    for _ in 0..2 {
        let mut run = NetRun::new(&scenario);
        let t = Instant::now();
        run.run_to_end();
        best = best.min(t.elapsed().as_secs_f64());
        accuracy = run.tracks[0].accuracy();
    }
    (best / epochs as f64, accuracy)
}

fn main() {
    // IBM aihwkit 1.1, CPU, one thread, this preset (the anchor): s per epoch.
    let anchor = |algo: &str| match algo {
        "digital" => 0.43,
        "tt" => 1.6,
        _ => 1.4,
    };
    println!("| algorithm | update | s per epoch (best of 2) | aihwkit / torch (s) | × faster | test accuracy after 2 epochs |");
    println!("|---|---|---|---|---|---|");
    let expected = "problem=mnist&tau=0.7";
    let preset = "preset=paper-fcn";
    let cases = [
        ("digital", "exact (torch anchor)", format!("{expected}&algos=digital")),
        ("analog", "expected dynamic, per batch", format!("{expected}&algos=analog")),
        ("tt", "expected dynamic, per batch", format!("{expected}&algos=tt")),
        ("analog", "expected dynamic, per sample", format!("{expected}&algos=analog&update=sample")),
        ("tt", "expected dynamic, per sample", format!("{expected}&algos=tt&update=sample")),
        ("analog", "pulse level, preset=paper-fcn", format!("{preset}&algos=analog")),
        ("tt", "pulse level, preset=paper-fcn", format!("{preset}&algos=tt")),
    ];
    for (algo, form, query) in cases {
        let (s, acc) = seconds_per_epoch(&query, 2);
        println!("| {algo} | {form} | {s:.3} | {} | {:.1}× | {acc:.3} |", anchor(algo), anchor(algo) / s);
    }
}

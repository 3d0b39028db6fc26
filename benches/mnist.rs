//! Seconds per epoch of the paper's MNIST network (784-256-128-10, 8000 training images, batch 10,
//! one thread), per algorithm, in the expected dynamic and with the paper's preset at pulse level
//! (a benchmark, not a test). Run with `cargo bench --bench mnist`; results are recorded in
//! `BENCHMARKS.md`. Each measurement trains one track of a full `NetRun` (shuffle, forward,
//! backward, update, the 2000-image test evaluation after each epoch); loading the data is not
//! timed. `cargo bench --bench mnist -- pulse` runs only the rows whose algorithm and update
//! contain every given word (e.g. to profile one of them).

use analog_playground::sim::network::NetRun;
use analog_playground::sim::Scenario;
use std::time::Instant;

/// CPU time of this thread in seconds (Linux `/proc/thread-self/stat`: user + system ticks of
/// 10 ms), so a shared, loaded machine does not inflate the figures; `None` elsewhere.
fn thread_cpu_seconds() -> Option<f64> {
    let text = std::fs::read_to_string("/proc/thread-self/stat").ok()?;
    // Fields after the command name (which may hold spaces) start at field 3.
    let fields: Vec<&str> = text.rsplit(')').next()?.split_whitespace().collect();
    let ticks = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    Some(ticks / 100.0)
}

/// (wall s per epoch, CPU s per epoch, test accuracy), best of 2.
fn seconds_per_epoch(query: &str, epochs: u64) -> (f64, f64, f64) {
    let scenario = Scenario::parse(&format!("{query}&epochs={epochs}")).expect("valid benchmark scenario");
    let (mut wall, mut cpu) = (f64::INFINITY, f64::INFINITY);
    let mut accuracy = 0.0;
    for _ in 0..2 {
        let mut run = NetRun::new(&scenario);
        let (t, c) = (Instant::now(), thread_cpu_seconds());
        run.run_to_end();
        wall = wall.min(t.elapsed().as_secs_f64());
        if let (Some(c0), Some(c1)) = (c, thread_cpu_seconds()) {
            cpu = cpu.min(c1 - c0);
        }
        accuracy = run.tracks[0].accuracy();
    }
    (wall / epochs as f64, cpu / epochs as f64, accuracy)
}

fn main() {
    // IBM aihwkit 1.1, CPU, one thread, this preset (the anchor): s per epoch.
    let anchor = |algo: &str| match algo {
        "digital" => 0.43,
        "tt" => 1.6,
        _ => 1.4,
    };
    println!("| algorithm | update | wall s per epoch | CPU s per epoch | aihwkit / torch (s) | × faster (CPU) | test accuracy after 2 epochs |");
    println!("|---|---|---|---|---|---|---|");
    let expected = "problem=mnist&tau=0.7";
    let preset = "preset=paper-fcn";
    let cnn = "problem=mnist&arch=cnn&batch=8&tau=0.7";
    let cnn_preset = "preset=paper-cnn&tau_max=0.7&tau_min=-0.7";
    let cases = [
        ("digital", "fcn, exact (torch anchor)", format!("{expected}&algos=digital")),
        ("analog", "fcn, expected dynamic, per batch", format!("{expected}&algos=analog")),
        ("tt", "fcn, expected dynamic, per batch", format!("{expected}&algos=tt")),
        ("analog", "fcn, expected dynamic, per sample", format!("{expected}&algos=analog&update=sample")),
        ("tt", "fcn, expected dynamic, per sample", format!("{expected}&algos=tt&update=sample")),
        ("analog", "fcn, pulse level, preset=paper-fcn", format!("{preset}&algos=analog")),
        ("tt", "fcn, pulse level, preset=paper-fcn", format!("{preset}&algos=tt")),
        ("digital", "cnn, exact", format!("{cnn}&algos=digital")),
        ("analog", "cnn, expected dynamic, per batch", format!("{cnn}&algos=analog")),
        ("tt", "cnn, expected dynamic, per batch", format!("{cnn}&algos=tt")),
        ("analog", "cnn, pulse level, preset=paper-cnn", format!("{cnn_preset}&algos=analog")),
        ("tt", "cnn, pulse level, preset=paper-cnn", format!("{cnn_preset}&algos=tt")),
    ];
    // cargo passes `--bench`; the other arguments select rows.
    let words: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with("--")).collect();
    for (algo, form, query) in cases {
        let label = format!("{algo} {form}");
        if !words.iter().all(|w| label.contains(w.as_str())) {
            continue;
        }
        let (wall, cpu, acc) = seconds_per_epoch(&query, 2);
        println!(
            "| {algo} | {form} | {wall:.3} | {cpu:.3} | {} | {:.1}× | {acc:.3} |",
            anchor(algo),
            anchor(algo) / cpu
        );
    }
}

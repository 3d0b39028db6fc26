//! `playground` — the native command line of Analog Training Playground.
//!
//! ```text
//! playground run '<scenario query>' [--csv FILE] [--every K] [--tail FRACTION]
//! playground sweep '<scenario query>' --x KEY=LO:HI:log|lin:N --y KEY=LO:HI:log|lin:N [--out FILE] [--svg FILE] [--threads N]
//! playground reproduce --out DIR [--quick]
//! playground keys
//! ```
//! `run` prints one JSON summary; bad input exits with code 2 and one line on stderr.
//! On `problem=digits`, `run --csv` writes one row per epoch and track; `--every` and `--tail`
//! (step sampling and tail means of the stepped problems) do not apply and are refused. `sweep`
//! maps the tail loss per algorithm, or on `digits` the final test accuracy.

use analog_playground::sim::network::{epochs_csv, NetEnsemble};
use analog_playground::sim::scenario::{keys_table, Scenario};
use analog_playground::sim::sweep::{Axis, Sweep};
use analog_playground::sim::{Ensemble, Run};
use std::io::Write;
use std::process::ExitCode;

const USAGE: &str = "usage: playground run '<scenario query>' [--csv FILE] [--every K] [--tail FRACTION]
       playground sweep '<scenario query>' --x KEY=LO:HI:log|lin:N --y KEY=LO:HI:log|lin:N [--out FILE] [--svg FILE] [--threads N]
       playground reproduce --out DIR [--quick]
       playground keys
The scenario query uses the keys listed by `playground keys`, e.g.
  playground run 'problem=quadratic&tau=0.8&alpha=0.01&sigma=1&steps=100000'
  playground run 'problem=digits&tau=0.3&epochs=60&seeds=2' --csv curves.csv
  playground sweep 'problem=digits&epochs=10' --x tau=0.2:2:log:6 --y alpha=0.01:0.2:log:5 --svg maps.svg
--every K and --tail FRACTION apply to quadratic, lsq and lower_bound (a CSV row every K steps,
tail means over the last FRACTION of steps); on digits the CSV has one row per epoch and track,
and the summary reports final and best test accuracy. A sweep cell's metric is the tail loss,
or on digits the final test accuracy (mean over seeds).";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run_cli(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("playground: {message}");
            ExitCode::from(2)
        }
    }
}

/// Options of `playground run`.
struct RunOptions {
    query: String,
    csv: Option<String>,
    every: u64,
    tail: f64,
    /// The options given explicitly among `--every`, `--tail` (refused on `digits`).
    step_options: Vec<&'static str>,
}

fn parse_run_options(args: &[String]) -> Result<RunOptions, String> {
    let mut opts = RunOptions {
        query: String::new(),
        csv: None,
        every: 1,
        tail: analog_playground::sim::run::DEFAULT_TAIL,
        step_options: vec![],
    };
    let mut query = None;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut value = |name: &str| it.next().cloned().ok_or_else(|| format!("{name} needs a value"));
        match a.as_str() {
            "--csv" => opts.csv = Some(value("--csv")?),
            "--every" => {
                opts.step_options.push("--every");
                let v = value("--every")?;
                opts.every = v
                    .parse()
                    .ok()
                    .filter(|&k| k >= 1)
                    .ok_or_else(|| format!("--every {v}: expected an integer ≥ 1"))?;
            }
            "--tail" => {
                opts.step_options.push("--tail");
                let v = value("--tail")?;
                opts.tail = v
                    .parse()
                    .ok()
                    .filter(|t: &f64| *t > 0.0 && *t <= 1.0)
                    .ok_or_else(|| format!("--tail {v}: expected a fraction in (0, 1]"))?;
            }
            s if s.starts_with("--") => return Err(format!("unknown option {s}\n{USAGE}")),
            s if query.is_none() => query = Some(s.to_string()),
            s => return Err(format!("unexpected argument {s:?}\n{USAGE}")),
        }
    }
    opts.query = query.unwrap_or_default();
    Ok(opts)
}

fn run_cli(args: &[String]) -> Result<(), String> {
    match args.first().map(String::as_str) {
        Some("run") => run(&args[1..]),
        Some("sweep") => sweep(&args[1..]),
        Some("reproduce") => reproduce(&args[1..]),
        Some("keys") => {
            print_out(&keys_table());
            Ok(())
        }
        Some("-h" | "--help" | "help") => {
            print_out(&format!("{USAGE}\n"));
            Ok(())
        }
        Some(other) => Err(format!("unknown command {other:?}\n{USAGE}")),
        None => Err(USAGE.to_string()),
    }
}

fn run(args: &[String]) -> Result<(), String> {
    let opts = parse_run_options(args)?;
    let scenario = Scenario::parse(&opts.query).map_err(|e| e.to_string())?;
    if scenario.problem.is_network() {
        return run_digits(&scenario, &opts);
    }
    let mut sim = Ensemble::with_tail(&scenario, opts.tail);
    match &opts.csv {
        Some(path) => {
            let file = std::fs::File::create(path).map_err(|e| format!("--csv {path}: {e}"))?;
            let mut out = std::io::BufWriter::new(file);
            // The CSV follows the first seed's run; the summary covers every seed.
            write_csv(&mut sim.runs[0], opts.every, &mut out).map_err(|e| format!("--csv {path}: {e}"))?;
            sim.run_to_end();
        }
        None => sim.run_to_end(),
    }
    let json = serde_json::to_string_pretty(&sim.summary()).map_err(|e| e.to_string())?;
    print_out(&format!("{json}\n"));
    Ok(())
}

/// `run` on `digits`: trains every epoch; `--csv` writes one row per epoch and track.
fn run_digits(scenario: &Scenario, opts: &RunOptions) -> Result<(), String> {
    if let Some(option) = opts.step_options.first() {
        return Err(format!(
            "{option} does not apply to problem=digits (it trains in epochs: --csv writes one row per epoch and track, and the summary reports final and best test accuracy)"
        ));
    }
    let mut sim = NetEnsemble::new(scenario);
    sim.run_to_end();
    let summary = sim.summary();
    if let Some(path) = &opts.csv {
        std::fs::write(path, epochs_csv(&summary)).map_err(|e| format!("--csv {path}: {e}"))?;
    }
    let json = serde_json::to_string_pretty(&summary).map_err(|e| e.to_string())?;
    print_out(&format!("{json}\n"));
    Ok(())
}

/// Writes to standard output; a reader that went away (`playground run … | head`) ends the
/// program quietly instead of the panic `println!` gives on a closed pipe.
fn print_out(text: &str) {
    let mut stdout = std::io::stdout().lock();
    if let Err(e) = stdout.write_all(text.as_bytes()).and_then(|_| stdout.flush()) {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        eprintln!("playground: cannot write the output: {e}");
        std::process::exit(1);
    }
}

fn threads_default() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get())
}

fn sweep(args: &[String]) -> Result<(), String> {
    let (mut query, mut x, mut y, mut out, mut svg, mut threads) = (None, None, None, None, None, threads_default());
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut value = |name: &str| it.next().cloned().ok_or_else(|| format!("{name} needs a value"));
        match a.as_str() {
            "--x" => x = Some(Axis::parse(&value("--x")?)?),
            "--y" => y = Some(Axis::parse(&value("--y")?)?),
            "--out" => out = Some(value("--out")?),
            "--svg" => svg = Some(value("--svg")?),
            "--threads" => {
                let v = value("--threads")?;
                threads = v
                    .parse()
                    .ok()
                    .filter(|&t| t >= 1)
                    .ok_or_else(|| format!("--threads {v}: expected an integer ≥ 1"))?;
            }
            s if s.starts_with("--") => return Err(format!("unknown option {s}\n{USAGE}")),
            s if query.is_none() => query = Some(s.to_string()),
            s => return Err(format!("unexpected argument {s:?}\n{USAGE}")),
        }
    }
    let base = Scenario::parse(&query.unwrap_or_default()).map_err(|e| e.to_string())?;
    let sweep = Sweep::new(
        base,
        x.ok_or("sweep needs --x KEY=LO:HI:log|lin:N")?,
        y.ok_or("sweep needs --y KEY=LO:HI:log|lin:N")?,
    )?;
    let start = std::time::Instant::now();
    let cells = sweep.run_all(threads);
    let csv = sweep.csv(&cells);
    if let Some(path) = &svg {
        write_sweep_svg(&sweep, &cells, path)?;
    }
    match out {
        Some(path) => {
            std::fs::write(&path, &csv).map_err(|e| format!("--out {path}: {e}"))?;
            let secs = start.elapsed().as_secs_f64();
            let summary = serde_json::json!({
                "scenario": sweep.base.to_query(),
                "x": sweep.x.to_text(),
                "y": sweep.y.to_text(),
                "cells": cells.len(),
                "seconds": secs,
                "cells_per_second": cells.len() as f64 / secs,
                "out": path,
            });
            print_out(&format!("{}\n", serde_json::to_string_pretty(&summary).map_err(|e| e.to_string())?));
        }
        None => print_out(&csv),
    }
    Ok(())
}

/// The sweep's three heatmaps side by side, as SVG (the chart code the browser uses): tail
/// losses and their ratio, or on `digits` test accuracies and their difference.
fn write_sweep_svg(sweep: &Sweep, cells: &[analog_playground::sim::sweep::Cell], path: &str) -> Result<(), String> {
    use analog_playground::figures::heatmap::{draw_heatmap, sweep_heatmaps};
    use plotters::prelude::*;
    let grid: Vec<Option<_>> = cells.iter().cloned().map(Some).collect();
    let maps = sweep_heatmaps(sweep, &grid);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (440 * maps.len() as u32, 380)).into_drawing_area();
        for (area, hm) in root.split_evenly((1, maps.len())).iter().zip(&maps) {
            draw_heatmap(area, hm, &analog_playground::figures::Theme::LIGHT, 1.0, true)?;
        }
        root.present().map_err(|e| format!("{e:?}"))?;
    }
    std::fs::write(path, svg).map_err(|e| format!("--svg {path}: {e}"))
}

fn reproduce(args: &[String]) -> Result<(), String> {
    let (mut out, mut quick) = (None, false);
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--out" => out = Some(it.next().cloned().ok_or("--out needs a directory")?),
            "--quick" => quick = true,
            s => return Err(format!("unexpected argument {s:?}\n{USAGE}")),
        }
    }
    let out = out.ok_or("reproduce needs --out DIR")?;
    let start = std::time::Instant::now();
    let report = analog_playground::reproduce::reproduce(std::path::Path::new(&out), quick, threads_default())?;
    eprintln!(
        "playground: wrote {} figures and REPRODUCTION.md to {out} in {:.0} s",
        report.figures,
        start.elapsed().as_secs_f64()
    );
    let failed: Vec<&str> = report.claims.iter().filter(|c| !c.holds).map(|c| c.id.as_str()).collect();
    print_out(&format!(
        "{}\n",
        serde_json::json!({ "claims": report.claims.len(), "hold": report.claims.len() - failed.len(), "do_not_hold": failed })
    ));
    Ok(())
}

/// Steps the run to its end, writing one CSV row every `every` steps (and the last step):
/// the step k, then per algorithm f(W_k) − f*, ‖∇f(W_k)‖² and the weights W_k.
fn write_csv(sim: &mut Run, every: u64, out: &mut impl Write) -> std::io::Result<()> {
    let dim = sim.problem.dim();
    let mut header = vec!["step".to_string()];
    for t in &sim.tracks {
        let a = t.algo.kind.key();
        header.push(format!("{a}_loss"));
        header.push(format!("{a}_grad_sq"));
        header.extend((0..dim).map(|i| format!("{a}_w{i}")));
    }
    writeln!(out, "{}", header.join(","))?;
    let mut scratch = vec![0.0; dim];
    let mut grad = vec![0.0; dim];
    loop {
        let at_end = sim.finished();
        if sim.step.is_multiple_of(every) || at_end {
            let mut row = vec![sim.step.to_string()];
            for t in &sim.tracks {
                let loss = sim.problem.eval(&t.algo.w, &mut scratch, &mut grad);
                let gsq: f64 = grad.iter().map(|g| g * g).sum();
                row.push(format!("{loss:e}"));
                row.push(format!("{gsq:e}"));
                row.extend(t.algo.w.iter().map(|w| format!("{w}")));
            }
            writeln!(out, "{}", row.join(","))?;
        }
        if at_end {
            break;
        }
        sim.step();
    }
    out.flush()
}

//! `playground` — the native command line of Analog Training Playground.
//!
//! ```text
//! playground run '<scenario query>' [--csv FILE] [--every K] [--tail FRACTION]
//! playground keys
//! ```
//! `run` prints one JSON summary; bad input exits with code 2 and one line on stderr.

use analog_playground::sim::scenario::{keys_table, Scenario};
use analog_playground::sim::{Ensemble, Run};
use std::io::Write;
use std::process::ExitCode;

const USAGE: &str = "usage: playground run '<scenario query>' [--csv FILE] [--every K] [--tail FRACTION]
       playground keys
The scenario query uses the keys listed by `playground keys`, e.g.
  playground run 'problem=quadratic&tau=0.8&alpha=0.01&sigma=1&steps=100000'";

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
}

fn parse_run_options(args: &[String]) -> Result<RunOptions, String> {
    let mut opts =
        RunOptions { query: String::new(), csv: None, every: 1, tail: analog_playground::sim::run::DEFAULT_TAIL };
    let mut query = None;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut value = |name: &str| it.next().cloned().ok_or_else(|| format!("{name} needs a value"));
        match a.as_str() {
            "--csv" => opts.csv = Some(value("--csv")?),
            "--every" => {
                let v = value("--every")?;
                opts.every = v
                    .parse()
                    .ok()
                    .filter(|&k| k >= 1)
                    .ok_or_else(|| format!("--every {v}: expected an integer ≥ 1"))?;
            }
            "--tail" => {
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
        Some("keys") => {
            print!("{}", keys_table());
            Ok(())
        }
        Some("-h" | "--help" | "help") => {
            println!("{USAGE}");
            Ok(())
        }
        Some(other) => Err(format!("unknown command {other:?}\n{USAGE}")),
        None => Err(USAGE.to_string()),
    }
}

fn run(args: &[String]) -> Result<(), String> {
    let opts = parse_run_options(args)?;
    let scenario = Scenario::parse(&opts.query).map_err(|e| e.to_string())?;
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
    println!("{json}");
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

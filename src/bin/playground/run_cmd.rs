//! `playground run`: one scenario to its end, its JSON summary on stdout.

use crate::cli::RunArgs;
use crate::print_out;
use analog_playground::sim::network::{epochs_csv, NetEnsemble};
use analog_playground::sim::scenario::Scenario;
use analog_playground::sim::{Ensemble, Run};
use std::io::Write;

pub fn run(opts: RunArgs) -> Result<(), String> {
    let scenario = Scenario::parse(&opts.query).map_err(|e| e.to_string())?;
    if scenario.problem.is_network() {
        return run_digits(&scenario, &opts);
    }
    let tail = opts.tail.unwrap_or(analog_playground::sim::run::DEFAULT_TAIL);
    let mut sim = Ensemble::with_tail(&scenario, tail);
    match &opts.csv {
        Some(path) => {
            let shown = path.display();
            let file = std::fs::File::create(path).map_err(|e| format!("--csv {shown}: {e}"))?;
            let mut out = std::io::BufWriter::new(file);
            // The CSV follows the first seed's run; the summary covers every seed.
            write_csv(&mut sim.runs[0], opts.every.unwrap_or(1), &mut out)
                .map_err(|e| format!("--csv {shown}: {e}"))?;
            sim.run_to_end();
        }
        None => sim.run_to_end(),
    }
    let json = serde_json::to_string_pretty(&sim.summary()).map_err(|e| e.to_string())?;
    print_out(&format!("{json}\n"));
    Ok(())
}

/// `run` on `digits`: trains every epoch; `--csv` writes one row per epoch and track.
fn run_digits(scenario: &Scenario, opts: &RunArgs) -> Result<(), String> {
    // Only options given explicitly are refused (their defaults are not).
    let given = [("--every", opts.every.is_some()), ("--tail", opts.tail.is_some())];
    if let Some((option, _)) = given.iter().find(|g| g.1) {
        return Err(format!(
            "{option} does not apply to problem=digits (it trains in epochs: --csv writes one row per epoch and track, and the summary reports final and best test accuracy)"
        ));
    }
    let mut sim = NetEnsemble::new(scenario);
    sim.run_to_end();
    let summary = sim.summary();
    if let Some(path) = &opts.csv {
        std::fs::write(path, epochs_csv(&summary)).map_err(|e| format!("--csv {}: {e}", path.display()))?;
    }
    let json = serde_json::to_string_pretty(&summary).map_err(|e| e.to_string())?;
    print_out(&format!("{json}\n"));
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

//! `playground run`: one scenario to its end, its JSON summary on stdout.

use crate::cli::RunArgs;
use crate::{print_out, threads_default};
use analog_playground::sim::network::resume::{self, NetRunState};
use analog_playground::sim::network::{NetEnsemble, NetRun, NetSummary};
use analog_playground::sim::scenario::Scenario;
use analog_playground::sim::{table, Experiment, ExperimentSummary, Run};
use std::io::Write;
use std::path::Path;

pub fn run(opts: RunArgs) -> Result<(), String> {
    let scenario = Scenario::parse(&opts.query).map_err(|e| e.to_string())?;
    analog_playground::sim::network::mnist::ready(&scenario).map_err(|e| e.to_string())?;
    if scenario.problem.is_network() {
        return run_digits(&scenario, &opts);
    }
    if opts.checkpoint.is_some() {
        return Err(format!(
            "--checkpoint applies to the networks (problem=digits or mnist), which train for epochs; problem={} runs in one go",
            scenario.problem.key()
        ));
    }
    let threads = opts.threads.unwrap_or_else(threads_default);
    let tail = opts.tail.unwrap_or(analog_playground::sim::run::DEFAULT_TAIL);
    let mut experiment = Experiment::with_tail(&scenario, tail);
    let sim = experiment.stepped_mut().expect("a stepped problem");
    match &opts.csv {
        Some(path) => {
            let shown = path.display();
            let file = std::fs::File::create(path).map_err(|e| format!("--csv {shown}: {e}"))?;
            let mut out = std::io::BufWriter::new(file);
            // The CSV follows the first seed's run; the summary covers every seed. Without
            // --every it is the recorded curves, as the page's CSV button writes them.
            match opts.every {
                Some(every) => write_trajectory(&mut sim.runs[0], every, &mut out),
                None => {
                    sim.run_to_end_threads(threads);
                    out.write_all(table::history_csv(&sim.runs[0]).as_bytes()).and_then(|_| out.flush())
                }
            }
            .map_err(|e| format!("--csv {shown}: {e}"))?;
            sim.run_to_end_threads(threads);
        }
        None => sim.run_to_end_threads(threads),
    }
    let json = serde_json::to_string_pretty(&experiment.summary()).map_err(|e| e.to_string())?;
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
    let resumed = match &opts.checkpoint {
        Some(path) => resumed(scenario, path)?,
        None => None,
    };
    let mut sim = Experiment::Epoched(resumed.unwrap_or_else(|| NetEnsemble::new(scenario)));
    let threads = opts.threads.unwrap_or_else(threads_default);
    let ens = sim.epoched_mut().expect("a network");
    // A network can train for hours (the paper's CNN on full MNIST): a line on stderr at most
    // every 10 s says where it is; a run of seconds prints none.
    let start = std::time::Instant::now();
    let mut said = start;
    while !ens.finished() {
        ens.run_epoch_threads(threads);
        if let Some(path) = &opts.checkpoint {
            let states: Vec<NetRunState> = ens.runs.iter().map(NetRun::state).collect();
            let bytes = resume::encode(RUN, &(scenario.to_query(), states))?;
            resume::write_whole(path, &bytes).map_err(|e| format!("--checkpoint {e}"))?;
        }
        if said.elapsed().as_secs_f64() >= 10.0 {
            said = std::time::Instant::now();
            eprintln!("playground: {}", epoch_line(&ens.summary(), scenario.epochs, start.elapsed().as_secs_f64()));
        }
    }
    let summary = sim.summary();
    if let (Some(path), ExperimentSummary::Epoched(s)) = (&opts.csv, &summary) {
        std::fs::write(path, table::epochs_csv(s)).map_err(|e| format!("--csv {}: {e}", path.display()))?;
    }
    let json = serde_json::to_string_pretty(&summary).map_err(|e| e.to_string())?;
    print_out(&format!("{json}\n"));
    Ok(())
}

/// The kind of `run`'s checkpoints (the paper-scale cells have their own).
const RUN: &str = "run";

/// The runs saved in the checkpoint at `path`, if there is one; one of another scenario or build,
/// or damaged, is refused with what to do.
fn resumed(scenario: &Scenario, path: &Path) -> Result<Option<NetEnsemble>, String> {
    let Ok(bytes) = std::fs::read(path) else { return Ok(None) };
    let shown = path.display();
    let refuse = |e: String| format!("--checkpoint {shown}: {e}; delete it to start over");
    let (query, states): (String, Vec<NetRunState>) = resume::decode(RUN, &bytes).map_err(refuse)?;
    if query != scenario.to_query() {
        return Err(refuse(format!("it is a run of another scenario ({query})")));
    }
    if states.len() as u64 != scenario.seeds.max(1) {
        return Err(refuse(format!("it holds {} runs for {} seeds", states.len(), scenario.seeds.max(1))));
    }
    let runs = states.into_iter().map(|s| NetRun::resume(scenario, s)).collect::<Result<Vec<_>, _>>().map_err(refuse)?;
    eprintln!("playground: goes on from {shown} after epoch {}/{}", runs[0].epoch, scenario.epochs);
    Ok(Some(NetEnsemble { runs }))
}

/// Where a network's run is: `epoch 4/6: analog_pulse 11.25 %, tt_pulse 11.52 % test accuracy, 11 s`
/// (the seed mean of each track's last epoch).
fn epoch_line(s: &NetSummary, total: u64, seconds: f64) -> String {
    let tracks: Vec<String> = s
        .algorithms
        .iter()
        .map(|t| {
            let acc = t.epochs.last().map_or(f64::NAN, |e| e.test_accuracy);
            format!("{} {:.2} %", t.algorithm, 100.0 * acc)
        })
        .collect();
    format!("epoch {}/{total}: {} test accuracy, {seconds:.0} s", s.epochs, tracks.join(", "))
}

/// Steps the run to its end, writing the trajectory table's units line and header, then one row
/// every `every` steps (and the last step).
fn write_trajectory(sim: &mut Run, every: u64, out: &mut impl Write) -> std::io::Result<()> {
    let dim = sim.problem.dim();
    writeln!(out, "{}", table::trajectory_header(sim))?;
    let (mut scratch, mut grad) = (vec![0.0; dim], vec![0.0; dim]);
    loop {
        let at_end = sim.finished();
        if sim.step.is_multiple_of(every) || at_end {
            writeln!(out, "{}", table::trajectory_row(sim, &mut scratch, &mut grad))?;
        }
        if at_end {
            break;
        }
        sim.step();
    }
    out.flush()
}

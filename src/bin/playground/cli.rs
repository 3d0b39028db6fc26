//! The command line's grammar (clap derive): one variant of [`Command`] per subcommand, each with
//! its options, their checks and their help.

use analog_playground::reproduce::paper_scale::PaperNet;
use analog_playground::sim::sweep::shard::Shard;
use analog_playground::sim::sweep::Axis;
use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

const EXAMPLES: &str = "\
Examples:
  playground run 'problem=quadratic&tau=0.8&alpha=0.01&sigma=1&steps=100000'
  playground run 'problem=digits&tau=0.3&epochs=60&seeds=2' --csv curves.csv
  playground sweep 'problem=digits&epochs=10' --x tau=0.2:2:log:6 --y alpha=0.01:0.2:log:5 --svg maps.svg
  playground sweep 'problem=lsq' --x tau=0.5:10:log:24 --y alpha=1e-3:1e-1:log:24 --shard 3/8 --out parts/3.csv
  playground merge parts/*.csv --out grid.csv --svg maps.svg
  playground export aihwkit 'problem=lsq&tau=0.8' --out lsq.py

The scenario query uses the keys listed by `playground keys`. --every K and --tail FRACTION apply to
quadratic, lsq and lower_bound (a trajectory row every K steps, tail means over the last FRACTION of steps);
on digits the CSV has one row per epoch and track, and the summary reports final and best test
accuracy. A sweep cell's metric (--metric) is by default the averaged iterate's distance to the
optimum, or on networks the final test accuracy (mean over seeds). Bad input exits with code 2 and
one line on stderr.";

/// Live simulator of training on analog in-memory computing hardware: Analog SGD vs Tiki-Taka.
#[derive(Parser, Debug)]
#[command(name = "playground", version, after_help = EXAMPLES)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

// One variant per subcommand (its doc comment is its help); `main` dispatches on it.
#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run one scenario to its end and print its JSON summary
    ///
    /// Every seed runs; the summary has per algorithm the final and tail loss (on digits: final and
    /// best test accuracy) and the theory's predictions that apply.
    Run(RunArgs),
    /// Run a grid over two keys (or one shard of it) and write one CSV row per cell
    ///
    /// Every cell runs exactly as `playground run` of its scenario (bit-identical summary); its row
    /// has each algorithm's metric (--metric; default: the averaged iterate's distance to the
    /// optimum, on networks the final test accuracy), whether it diverged, and Tiki-Taka over
    /// Analog SGD (accuracies: Tiki-Taka minus Analog SGD, in points).
    Sweep(SweepArgs),
    /// Join the shard CSVs of a sweep into the unsharded sweep's CSV (and SVG)
    ///
    /// The shards come from `playground sweep … --shard I/N`; the result equals the unsharded
    /// sweep's output byte for byte. Overlapping or missing shards, shards of different grids,
    /// scenarios or playground versions, and edited rows are refused.
    Merge(MergeArgs),
    /// Regenerate the paper's figures and REPRODUCTION.md
    ///
    /// Writes every figure as SVG with the CSV of its data, and REPRODUCTION.md, which checks each
    /// claim of the paper; prints how many claims hold.
    Reproduce(ReproduceArgs),
    /// Write a scenario as a script for another simulator
    Export(ExportArgs),
    /// Draw one panel of a scenario as SVG or PNG
    ///
    /// The same chart code as the page's SVG buttons: a panel drawn here equals the SVG the page
    /// exports for the same scenario, step and size. The SVG's metadata carries the scenario's
    /// link. PNG rasterises that SVG (text in the system's sans-serif font).
    Figure(FigureArgs),
    /// Print the scenario vocabulary: every key, its default, range and meaning
    Keys,
}

#[derive(Args, Debug)]
#[command(after_help = "\
Examples:
  playground figure '' --panel landscape --out landscape.svg
  playground figure 'problem=quadratic&steps=5000' --panel distance --step 2000 --out distance.png
  playground figure 'problem=digits&tau=0.3&epochs=20' --panel accuracy --out accuracy.svg
  playground figure 'steps=20000' --multiples tau:0.5,1,5 --out multiples.svg

Panels: landscape (2-D landscape or the 1-D view), weights, loss, distance, device; on digits:
accuracy, train-loss, saturation.")]
pub struct FigureArgs {
    /// The scenario as a query (keys: `playground keys`; empty: defaults)
    #[arg(value_name = "SCENARIO", default_value = "", hide_default_value = true)]
    pub query: String,
    /// Which panel: landscape, weights, loss, distance, device (digits: accuracy, train-loss, saturation)
    #[arg(long, required_unless_present_any = ["all", "multiples"], conflicts_with = "all")]
    pub panel: Option<String>,
    /// Small multiples: the scenario run to its end once per value of one numeric key (1 to 6
    /// values, same seed: identical noise), the landscapes side by side in one figure (on digits:
    /// the test accuracy per epoch)
    #[arg(long, value_name = "KEY:V1,V2,…", conflicts_with_all = ["panel", "all"])]
    pub multiples: Option<String>,
    /// Every panel the scenario shows, each as SVG and PNG, into the folder --out (with the
    /// scenario's link in scenario.txt)
    #[arg(long)]
    pub all: bool,
    /// Where to write it; the extension chooses the format: .svg or .png (with --all: a folder, or one archive if it ends in .zip)
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// Draw the state after this many steps [default: the scenario's steps] (not on digits: it
    /// trains `epochs`)
    #[arg(long, value_name = "N")]
    pub step: Option<u64>,
    /// Width in pixels [default: 640 for the 2-D landscape, else 800]
    #[arg(long, value_parser = clap::value_parser!(u32).range(100..=8000))]
    pub width: Option<u32>,
    /// Height in pixels [default: 720 for the 2-D landscape, else 600]
    #[arg(long, value_parser = clap::value_parser!(u32).range(100..=8000))]
    pub height: Option<u32>,
    /// Dark colours
    #[arg(long)]
    pub dark: bool,
    /// The loss panel's step axis on a log scale
    #[arg(long)]
    pub logx: bool,
    /// The landscape shows the whole device range instead of zooming to the action
    #[arg(long)]
    pub full_range: bool,
    /// PNG only: pixels per SVG pixel, 0.5–8 (2 for print or a high-density screen); the PNG is
    /// the same SVG rasterised at that scale
    #[arg(long, value_name = "S", default_value = "1", value_parser = png_scale)]
    pub scale: f64,
}

#[derive(Args, Debug)]
#[command(after_help = "\
Examples:
  playground run 'problem=quadratic&tau=0.8&alpha=0.01&sigma=1&steps=100000'
  playground run 'problem=lsq&tau=1.5' --csv run.csv --every 10 --tail 0.2
  playground run 'problem=digits&tau=0.3&epochs=60&seeds=2' --csv curves.csv")]
pub struct RunArgs {
    /// The scenario as a query, e.g. 'problem=lsq&tau=0.8' (keys: `playground keys`; empty: defaults)
    #[arg(value_name = "SCENARIO", default_value = "", hide_default_value = true)]
    pub query: String,
    /// Write the first seed's recorded curves as CSV, as the page's CSV button does: per track the
    /// raw loss f − f* (mean, min, max), the averaged iterate's f(W̄) − f*, ‖W̄ − w*‖ and W̄ (up to
    /// 8 weights); with --every, the trajectory every K steps with ‖∇f‖² and the weights (on
    /// digits: one row per epoch and track). The first line, `# units: …`, names each column's unit
    #[arg(long, value_name = "FILE")]
    pub csv: Option<PathBuf>,
    /// Write the trajectory table instead: one CSV row every K steps, and the last step (not on
    /// digits)
    #[arg(long, value_name = "K", value_parser = at_least_one)]
    pub every: Option<u64>,
    /// Tail means over the last FRACTION of steps, in (0, 1] [default: 0.2] (not on digits)
    #[arg(long, value_name = "FRACTION", value_parser = fraction)]
    pub tail: Option<f64>,
    /// Worker threads for the seeds and (on networks) the tracks [default: all cores]; the
    /// numbers are the same for any count
    #[arg(long, value_name = "N", value_parser = at_least_one_usize)]
    pub threads: Option<usize>,
    /// Networks: save the run's whole state to FILE after every epoch and, when FILE is there, go
    /// on from it — the same numbers as a run that never stopped (a finished run's FILE gives its
    /// summary again at once)
    #[arg(long, value_name = "FILE")]
    pub checkpoint: Option<PathBuf>,
}

#[derive(Args, Debug)]
#[command(after_help = "\
Examples:
  playground sweep 'problem=lsq' --x tau=0.5:10:log:24 --y alpha=1e-3:1e-1:log:24 --out grid.csv
  playground sweep 'problem=digits&epochs=10' --x tau=0.2:2:log:6 --y alpha=0.01:0.2:log:5 --svg maps.svg
  playground sweep 'problem=lsq' --x tau=0.5:10:log:24 --y alpha=1e-3:1e-1:log:24 --shard 3/8 --out parts/3.csv")]
pub struct SweepArgs {
    /// The base scenario as a query (keys: `playground keys`; empty: defaults)
    #[arg(value_name = "SCENARIO", default_value = "", hide_default_value = true)]
    pub query: String,
    /// The horizontal axis: key, bounds, log or lin spacing, number of values (1–100)
    #[arg(long, value_name = "KEY=LO:HI:log|lin:N", value_parser = Axis::parse, required = true)]
    pub x: Axis,
    /// The vertical axis, as --x (a different key)
    #[arg(long, value_name = "KEY=LO:HI:log|lin:N", value_parser = Axis::parse, required = true)]
    pub y: Axis,
    /// Write the CSV to FILE and print a JSON summary (cells, seconds) instead of the CSV
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Also draw the three heatmaps (each algorithm's metric and the comparison) as one SVG
    #[arg(long, value_name = "FILE")]
    pub svg: Option<PathBuf>,
    /// What each cell reports: avg_distance (‖W̄ − w*‖ of the averaged iterate; the default),
    /// tail_loss (raw iterates' mean f − f* over the tail), avg_loss (f(W̄) − f*), grad_sq (mean
    /// ‖∇f‖² over the tail); on networks accuracy (final test accuracy; the default),
    /// best_accuracy, test_loss
    #[arg(long, value_name = "METRIC")]
    pub metric: Option<String>,
    /// Worker threads [default: all cores]
    #[arg(long, value_name = "N", value_parser = at_least_one_usize)]
    pub threads: Option<usize>,
    /// Run only part I of N of the grid (1-based, as Slurm's --array=1-N: cells c = I−1, I−1+N, …
    /// in row-major order); the CSV then starts with `# ` lines naming the grid and its cells, for
    /// `playground merge`
    #[arg(long, value_name = "I/N", value_parser = Shard::parse)]
    pub shard: Option<Shard>,
}

#[derive(Args, Debug)]
#[command(after_help = "\
Example:
  playground merge parts/*.csv --out grid.csv --svg maps.svg")]
pub struct MergeArgs {
    /// The shard files, in any order: together exactly one of each cell of the grid
    #[arg(value_name = "SHARD.csv", required = true)]
    pub parts: Vec<PathBuf>,
    /// Write the merged CSV to FILE (default: standard output)
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Also draw the heatmaps as one SVG, identical to the unsharded sweep's --svg
    #[arg(long, value_name = "FILE")]
    pub svg: Option<PathBuf>,
}

#[derive(Args, Debug)]
#[command(after_help = "\
Examples:
  playground reproduce --out docs/reproduction
  playground reproduce --scale paper --out docs/reproduction/paper-scale
  playground reproduce --scale paper --shard 3/21 --out runs/fig5      # one part; any scheduler
  playground reproduce --scale paper --merge --out runs/fig5           # the table from the parts
  playground reproduce --scale paper --net cnn --shard 5/21 --out runs/fig5-cnn   # the CNN's columns")]
pub struct ReproduceArgs {
    /// The directory for the figures, their CSV and REPRODUCTION.md (created if needed); at
    /// paper scale also the cell files, in DIR/cells/
    #[arg(long, value_name = "DIR", required = true)]
    pub out: PathBuf,
    /// Fewer seeds and shorter runs (the test suite's reduced version)
    #[arg(long, conflicts_with = "scale")]
    pub quick: bool,
    /// `standard`: every figure in about 15 minutes on 2 cores; `paper`: Fig. 5 at the paper's
    /// own scale (full MNIST, 80 epochs, 3 seeds; hours of CPU, as independent cells)
    #[arg(long, value_name = "SCALE", default_value = "standard")]
    pub scale: ReproduceScale,
    /// Paper scale: run only part I of N of the cells (1-based, as Slurm's --array=1-N); cells
    /// already in DIR/cells/ are kept, so re-running a part re-runs only what is missing
    #[arg(long, value_name = "I/N", value_parser = Shard::parse, requires = "scale", conflicts_with = "merge")]
    pub shard: Option<Shard>,
    /// Paper scale: assemble the table, figure and REPRODUCTION.md from DIR/cells/ (as the
    /// unsharded run does, byte for byte); names any cell that is missing or damaged
    #[arg(long, requires = "scale")]
    pub merge: bool,
    /// Paper scale: which network's columns of Fig. 5, a grid of its own: `fcn` (τ = 0.70, 0.78,
    /// 0.80) or `cnn` (τ = 0.6, 0.7, 0.8) [default: fcn; with --merge, the cells']
    #[arg(long, value_name = "NET", value_parser = paper_net)]
    pub net: Option<PaperNet>,
    /// Paper scale: epochs per run [default: 80] (a reduced grid, e.g. for a test)
    #[arg(long, value_name = "N", value_parser = at_least_one)]
    pub epochs: Option<u64>,
    /// Paper scale: seeds per configuration [default: 3]
    #[arg(long, value_name = "N", value_parser = at_least_one)]
    pub seeds: Option<u64>,
    /// Worker threads [default: all cores]; the numbers are the same for any count
    #[arg(long, value_name = "N", value_parser = at_least_one_usize)]
    pub threads: Option<usize>,
}

/// What `playground reproduce` runs.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReproduceScale {
    Standard,
    Paper,
}

// `export TARGET …`: one subcommand per simulator.
#[derive(Args, Debug)]
pub struct ExportArgs {
    #[command(subcommand)]
    pub target: ExportTarget,
}

// The simulators a scenario can be exported to.
#[derive(Subcommand, Debug)]
pub enum ExportTarget {
    /// A Python script for IBM aihwkit + torch; keys without an aihwkit counterpart are listed on
    /// stderr
    #[command(after_help = "\
Example:
  playground export aihwkit 'problem=lsq&tau=0.8' --out lsq.py")]
    Aihwkit {
        /// The scenario as a query, checked as strictly as by `playground run`
        #[arg(value_name = "SCENARIO", default_value = "", hide_default_value = true)]
        query: String,
        /// Write the script to FILE (default: standard output)
        #[arg(long, value_name = "FILE.py")]
        out: Option<PathBuf>,
    },
}

fn at_least_one(v: &str) -> Result<u64, String> {
    v.parse().ok().filter(|&k| k >= 1).ok_or_else(|| "expected an integer ≥ 1".into())
}

fn at_least_one_usize(v: &str) -> Result<usize, String> {
    v.parse().ok().filter(|&k| k >= 1).ok_or_else(|| "expected an integer ≥ 1".into())
}

fn paper_net(v: &str) -> Result<PaperNet, String> {
    PaperNet::from_name(v).ok_or_else(|| "expected fcn or cnn".into())
}

fn png_scale(v: &str) -> Result<f64, String> {
    v.parse().ok().filter(|s: &f64| (0.5..=8.0).contains(s)).ok_or_else(|| "expected a scale from 0.5 to 8".into())
}

fn fraction(v: &str) -> Result<f64, String> {
    v.parse().ok().filter(|t: &f64| *t > 0.0 && *t <= 1.0).ok_or_else(|| "expected a fraction in (0, 1]".into())
}

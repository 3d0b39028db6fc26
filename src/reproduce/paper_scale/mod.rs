//! `playground reproduce --scale paper`: the paper's Fig. 5 at the paper's own scale — full MNIST
//! (60,000 / 10,000), 80 epochs with StepLR(35, 0.1), 3 seeds, `preset=paper-fcn` or
//! `preset=paper-cnn` at pulse level, one grid per network (`--net`) — as independent **cells**:
//! one track (Digital SGD, or Analog SGD or Tiki-Taka at one of the paper's τ) and one seed.
//! Digital SGD does not depend on τ, so it runs once per seed.
//!
//! A cell is hours of CPU at most and shares nothing with the others, so any scheduler can spread
//! them (`--shard I/N`, the sweep's striding; Slurm arrays, GNU parallel, indexed jobs). Each
//! cell writes its own file ([`cell`]) when it finishes; a part that is run again keeps the cells
//! that are already there, so a crashed cell is re-run alone. The merge reads the cells and
//! writes the table, the figure and REPRODUCTION.md; the unsharded run is cells then merge too,
//! so both give the same bytes.

pub mod cell;
pub mod checkpoint;
mod report;

use crate::reproduce::fig5::{PAPER_CNN, PAPER_FCN};
use crate::sim::ensemble::seed_of;
use crate::sim::network::{mnist, resume, NetRun};
use crate::sim::pool::par_map;
use crate::sim::scenario::{fmt_f64, Scenario};
use crate::sim::sweep::shard::Shard;
use cell::{CellHead, CellRow};
use std::io::ErrorKind;
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};

/// The two MNIST networks of the paper's Fig. 5, each a grid of its own.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PaperNet {
    /// 784-256-128-10 (S4.1), `preset=paper-fcn`.
    Fcn,
    /// Two 5×5 convolutions and two fully connected layers (S4.2), `preset=paper-cnn`.
    Cnn,
}

impl PaperNet {
    /// The name in `--net`, in the grid line and in the preset (`paper-NAME`).
    pub fn name(self) -> &'static str {
        match self {
            PaperNet::Fcn => "fcn",
            PaperNet::Cnn => "cnn",
        }
    }

    /// The network a name stands for.
    pub fn from_name(name: &str) -> Option<PaperNet> {
        [PaperNet::Fcn, PaperNet::Cnn].into_iter().find(|n| n.name() == name)
    }

    /// The paper's τ values for this network (Fig. 5's columns).
    pub fn taus(self) -> [f64; 3] {
        self.paper().map(|(tau, _)| tau)
    }

    /// The paper's Fig. 5 numbers: per τ, (mean, std) of Digital SGD, Analog SGD, Tiki-Taka.
    pub(super) fn paper(self) -> [(f64, [(f64, f64); 3]); 3] {
        match self {
            PaperNet::Fcn => PAPER_FCN,
            PaperNet::Cnn => PAPER_CNN,
        }
    }
}

/// The runs of the grid: which network, epochs and seeds (the paper's, or a reduced grid for a
/// test).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Grid {
    pub net: PaperNet,
    pub epochs: u64,
    pub seeds: u64,
}

/// One cell: a track at one τ (none for Digital SGD) and one seed offset.
#[derive(Clone, Debug, PartialEq)]
pub struct CellSpec {
    /// 0-based.
    pub index: usize,
    pub track: &'static str,
    pub tau: Option<f64>,
    pub seed: u64,
}

impl Grid {
    /// The paper's grid for `net`: 80 epochs, 3 seeds.
    pub fn paper(net: PaperNet) -> Grid {
        Grid { net, epochs: 80, seeds: 3 }
    }

    /// The track and τ of each configuration, as the table lists them.
    pub fn configs(&self) -> Vec<(&'static str, Option<f64>)> {
        let analog = self.net.taus().into_iter().flat_map(|t| [("analog_pulse", Some(t)), ("tt_pulse", Some(t))]);
        std::iter::once(("digital", None)).chain(analog).collect()
    }

    pub fn len(&self) -> usize {
        self.configs().len() * self.seeds as usize
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Cell `index`: configuration-major, so a configuration's seeds are neighbours.
    pub fn cell(&self, index: usize) -> CellSpec {
        let (track, tau) = self.configs()[index / self.seeds as usize];
        CellSpec { index, track, tau, seed: (index % self.seeds as usize) as u64 }
    }

    /// The grid line of every cell file: a cell from another grid or version is never merged.
    pub fn describe(&self) -> String {
        format!(
            "fig5-{}&data=full&epochs={}&seeds={}&version={}",
            self.net.name(),
            self.epochs,
            self.seeds,
            env!("CARGO_PKG_VERSION")
        )
    }

    /// The grid a cell file's grid line describes (`None` if it is not one of ours).
    pub fn from_description(text: &str) -> Option<Grid> {
        let value = |key: &str| text.split('&').find_map(|kv| kv.strip_prefix(&format!("{key}="))?.parse().ok());
        let net = PaperNet::from_name(text.split('&').next()?.strip_prefix("fig5-")?)?;
        Some(Grid { net, epochs: value("epochs")?, seeds: value("seeds")? })
    }

    /// The scenario of a cell (its seed offset is applied when it runs).
    pub fn scenario(&self, spec: &CellSpec) -> Scenario {
        let algo = spec.track.trim_end_matches("_pulse");
        let tau = spec.tau.map_or(String::new(), |t| format!("&tau_max={}&tau_min=-{}", fmt_f64(t), fmt_f64(t)));
        let query = format!("preset=paper-{}&data=full&algos={algo}&epochs={}{tau}", self.net.name(), self.epochs);
        Scenario::parse(&query).unwrap_or_else(|e| panic!("the grid's own scenario {query}: {e}"))
    }
}

/// Where cell `index` (0-based) lives under `out`.
pub fn cell_path(out: &Path, index: usize) -> PathBuf {
    out.join("cells").join(format!("cell-{:03}.csv", index + 1))
}

/// What a running part of the grid reports: a cell going on from its checkpoint (at that
/// epoch), a cell's epoch done (a paper-scale cell is hours long), or its file written.
#[derive(Clone, Copy, Debug)]
pub enum CellEvent<'a> {
    Resumed(u64),
    Epoch(&'a CellRow),
    Written,
}

/// Runs cell `spec` to its end and returns its file text, reporting each epoch to `on_epoch`.
/// With a `checkpoint` path it goes on from the checkpoint there, if there is one, and saves one
/// after every epoch ([`checkpoint`]). `on_epoch` may stop the cell (`Break`): then `Ok(None)`,
/// its checkpoint kept. A checkpoint that is damaged, of another cell or of another build is an
/// error naming the file.
pub fn run_cell(
    grid: Grid,
    spec: &CellSpec,
    checkpoint: Option<&Path>,
    on_epoch: &dyn Fn(CellEvent) -> ControlFlow<()>,
) -> Result<Option<String>, String> {
    let scenario = grid.scenario(spec);
    let head = CellHead {
        grid: grid.describe(),
        cell: (spec.index + 1, grid.len()),
        track: spec.track.into(),
        seed: spec.seed,
        scenario: scenario.to_query(),
    };
    let resumed = match checkpoint.map(std::fs::read) {
        Some(Ok(bytes)) => {
            let shown = checkpoint.expect("read from it").display();
            Some(
                resume(&scenario, &head, &bytes)
                    .map_err(|e| format!("{shown}: {e}; delete it to start the cell over"))?,
            )
        }
        _ => None,
    };
    let (mut run, mut rows) = match resumed {
        Some((run, rows)) => {
            if on_epoch(CellEvent::Resumed(run.epoch)).is_break() {
                return Ok(None);
            }
            (run, rows)
        }
        None => {
            let run = NetRun::with_seed(&scenario, seed_of(&scenario, spec.seed));
            let rows = vec![row_of(&run)];
            (run, rows)
        }
    };
    while !run.finished() {
        run.step_n((run.batches_per_epoch() - run.batch_in_epoch) as u64);
        rows.push(row_of(&run));
        if let Some(path) = checkpoint {
            resume::write_whole(path, &checkpoint::encode(&cell::write(&head, &rows), &run.state())?)?;
        }
        if on_epoch(CellEvent::Epoch(rows.last().expect("just pushed"))).is_break() {
            return Ok(None);
        }
    }
    Ok(Some(cell::write(&head, &rows)))
}

/// The run and rows saved in checkpoint `bytes`, checked against the cell's `head`.
fn resume(scenario: &Scenario, head: &CellHead, bytes: &[u8]) -> Result<(NetRun, Vec<CellRow>), String> {
    let (text, state) = checkpoint::decode(bytes)?;
    let (saved, rows) = cell::read(&text)?;
    if &saved != head {
        return Err(format!(
            "it is a checkpoint of cell {}/{} ({} at seed offset {}, grid {}), not of this one",
            saved.cell.0, saved.cell.1, saved.track, saved.seed, saved.grid
        ));
    }
    let run = NetRun::resume(scenario, state)?;
    if rows.len() as u64 != run.epoch + 1 || run.batch_in_epoch != 0 {
        return Err(format!("it has {} rows for a run at epoch {}", rows.len(), run.epoch));
    }
    Ok((run, rows))
}

/// The last epoch's row of the run's only track.
fn row_of(run: &NetRun) -> CellRow {
    let t = &run.tracks[0];
    let predicted = t.predicted_classes();
    let scales = t
        .net
        .tiling
        .as_ref()
        .map_or(vec![], |tiling| (0..t.net.layers.len()).flat_map(|l| tiling.scales(l).to_vec()).collect());
    CellRow { record: *t.records.last().expect("epoch 0 is recorded"), predicted, scales }
}

/// Reads cell `spec` from `out`, checked against the grid: `Ok(None)` if it is not there yet.
pub fn read_cell(out: &Path, grid: Grid, spec: &CellSpec) -> Result<Option<Vec<CellRow>>, String> {
    let path = cell_path(out, spec.index);
    let Ok(text) = std::fs::read_to_string(&path) else { return Ok(None) };
    let shown = path.display();
    let (head, rows) = cell::read(&text).map_err(|e| format!("{shown}: {e}"))?;
    if head.grid != grid.describe() {
        return Err(format!(
            "{shown} belongs to another grid ({}), not this one ({}): give the same --epochs/--seeds and version, or use another --out",
            head.grid,
            grid.describe()
        ));
    }
    let expected = grid.scenario(spec).to_query();
    // The cell's scenario is compared in today's canonical form: a key added to the vocabulary
    // since (listed at its default) does not make a cell foreign.
    let canonical = Scenario::parse(&head.scenario).map(|s| s.to_query()).unwrap_or_default();
    if head.cell != (spec.index + 1, grid.len()) || head.track != spec.track || head.seed != spec.seed {
        return Err(format!(
            "{shown} is not cell {}/{} ({} at seed offset {}): it was renamed or moved",
            spec.index + 1,
            grid.len(),
            spec.track,
            spec.seed
        ));
    }
    if canonical != expected {
        return Err(format!(
            "{shown} was computed for another scenario than cell {}/{}: {} (expected {expected})",
            spec.index + 1,
            grid.len(),
            head.scenario
        ));
    }
    let epochs: Vec<u64> = rows.iter().map(|r| r.record.epoch).collect();
    if epochs != (0..=grid.epochs).collect::<Vec<_>>() {
        return Err(format!(
            "{shown} has epochs {}–{} of 0–{}",
            epochs.first().unwrap_or(&0),
            epochs.last().unwrap_or(&0),
            grid.epochs
        ));
    }
    Ok(Some(rows))
}

/// What a part of the grid did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PartOutcome {
    /// Cells run now.
    pub ran: usize,
    /// Cells already in the directory (kept).
    pub kept: usize,
}

/// Runs the cells of `shard` (all without one) that are not in `out/cells/` yet, on `threads`
/// threads, writing each file as its cell finishes; `on_cell` hears of every epoch and every
/// file written (a progress bar, a log line). A cell file that is there but damaged is an error:
/// it names the file to delete.
pub fn run_part(
    out: &Path,
    grid: Grid,
    shard: Option<Shard>,
    threads: usize,
    on_cell: &(dyn Fn(&CellSpec, CellEvent) + Sync),
) -> Result<PartOutcome, String> {
    mnist::ready(&grid.scenario(&grid.cell(0))).map_err(|e| e.to_string())?;
    let dir = out.join("cells");
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let indices = shard.map_or_else(|| (0..grid.len()).collect(), |s| s.cells(grid.len()));
    let mut todo = Vec::new();
    for &c in &indices {
        let spec = grid.cell(c);
        if read_cell(out, grid, &spec).map_err(|e| format!("{e}; delete it to run it again"))?.is_none() {
            todo.push(spec);
        }
    }
    // The long cells first (Tiki-Taka, then Analog SGD), so the threads finish together.
    todo.sort_by_key(|s| (s.track == "digital", s.track == "analog_pulse", s.index));
    let written = par_map(&todo, threads, |spec| {
        let saved = checkpoint::path(out, spec.index);
        let text = run_cell(grid, spec, Some(&saved), &|event| {
            on_cell(spec, event);
            ControlFlow::Continue(())
        })?
        .expect("never stopped");
        resume::write_whole(&cell_path(out, spec.index), text.as_bytes())?;
        // The cell is whole: its checkpoint has done its work.
        std::fs::remove_file(&saved)
            .or_else(|e| if e.kind() == ErrorKind::NotFound { Ok(()) } else { Err(e) })
            .map_err(|e| format!("{}: {e}", saved.display()))?;
        on_cell(spec, CellEvent::Written);
        Ok(())
    });
    written.into_iter().collect::<Result<Vec<()>, String>>()?;
    Ok(PartOutcome { ran: todo.len(), kept: indices.len() - todo.len() })
}

/// Every cell of the grid from `out/cells/`, or a message naming the missing or damaged ones and
/// the command that makes them.
pub fn read_all(out: &Path, grid: Grid) -> Result<Vec<Vec<CellRow>>, String> {
    let mut rows = Vec::with_capacity(grid.len());
    let mut missing = Vec::new();
    for c in 0..grid.len() {
        match read_cell(out, grid, &grid.cell(c))? {
            Some(r) => rows.push(r),
            None => missing.push(c + 1),
        }
    }
    if !missing.is_empty() {
        // A cell under way says how far its checkpoint is: the grid may span schedulers and days.
        let list: Vec<String> = missing
            .iter()
            .map(|&c| match checkpoint::epochs_in(&checkpoint::path(out, c - 1)) {
                Some(done) => format!("{c} (checkpoint after epoch {done}/{})", grid.epochs),
                None => c.to_string(),
            })
            .collect();
        return Err(format!(
            "{} of {} cells are missing from {}: {} — run them with `playground reproduce --scale paper{} --shard I/{} --out {}` for I in that list",
            missing.len(),
            grid.len(),
            out.join("cells").display(),
            list.join(", "),
            grid_flags(grid),
            grid.len(),
            out.display()
        ));
    }
    Ok(rows)
}

/// The command-line flags that select `grid` (none for the paper's FCN grid).
pub fn grid_flags(grid: Grid) -> String {
    let mut flags = String::new();
    let paper = Grid::paper(grid.net);
    if grid.net != PaperNet::Fcn {
        flags.push_str(&format!(" --net {}", grid.net.name()));
    }
    if grid.epochs != paper.epochs {
        flags.push_str(&format!(" --epochs {}", grid.epochs));
    }
    if grid.seeds != paper.seeds {
        flags.push_str(&format!(" --seeds {}", grid.seeds));
    }
    flags
}

/// The grid the cells in `out/cells/` were run for (that of the first readable one), if any.
pub fn grid_in(out: &Path) -> Option<Grid> {
    let mut names: Vec<PathBuf> =
        std::fs::read_dir(out.join("cells")).ok()?.filter_map(|e| Some(e.ok()?.path())).collect();
    names.sort();
    names.iter().filter(|p| p.extension().is_some_and(|x| x == "csv")).find_map(|p| {
        let text = std::fs::read_to_string(p).ok()?;
        Grid::from_description(&cell::read(&text).ok()?.0.grid)
    })
}

/// Reads every cell and writes the table (CSV), the figure (SVG) and REPRODUCTION.md into `out`;
/// returns the verdict line.
pub fn merge(out: &Path, grid: Grid) -> Result<String, String> {
    let cells = read_all(out, grid)?;
    report::write(out, grid, &cells)
}

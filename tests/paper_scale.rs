//! `playground reproduce --scale paper` on a reduced grid (2 epochs, 1 seed; the cells still run
//! full MNIST, so these skip with a message where it has not been fetched — CI fetches it): the
//! parts of any scheduler merge into the bytes of the unsharded run; a crashed cell is re-run
//! alone, a stopped one goes on from its checkpoint; a missing, edited or foreign cell is a
//! one-line message, never a wrong table.

mod common;

use analog_playground::reproduce::paper_scale::{cell, cell_path, checkpoint, run_cell, CellEvent, Grid, PaperNet};
use analog_playground::sim::network::mnist::idx;
use common::{ok, playground, refused};
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::process::Output;

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("paper_scale_{name}_{}", std::process::id()));
    std::fs::remove_dir_all(&dir).ok();
    dir
}

/// The reduced grid: 2 epochs, 1 seed (7 cells).
const REDUCED: [&str; 7] = ["reproduce", "--scale", "paper", "--epochs", "2", "--seeds", "1"];

fn reduced(out: &Path, extra: &[&str]) -> Output {
    let mut args: Vec<&str> = REDUCED.to_vec();
    args.extend(["--out", out.to_str().unwrap()]);
    args.extend(extra);
    playground(&args)
}

fn fetched() -> bool {
    if !idx::fetched() {
        eprintln!("skipped: full MNIST is not in {} (run ./scripts/setup.sh; CI does)", idx::dir().display());
    }
    idx::fetched()
}

#[test]
fn sharded_paper_scale_reproduce_merges_into_the_unsharded_bytes() {
    if !fetched() {
        return;
    }
    let (whole, parts) = (scratch("whole"), scratch("parts"));
    ok(&reduced(&whole, &["--threads", "2"]));
    for i in 1..=3 {
        let run = reduced(&parts, &["--shard", &format!("{i}/3"), "--threads", "1"]);
        let part = ok(&run);
        assert!(part.contains(&format!("\"shard\":\"{i}/3\"")), "{part}");
        // Each epoch of a cell is a line on stderr (a paper-scale cell runs for hours).
        if i == 1 {
            let log = String::from_utf8_lossy(&run.stderr);
            for epoch in 1..=2 {
                let line = format!("playground: cell 1/7 (digital, seed 0): epoch {epoch}/2, test accuracy ");
                assert!(log.contains(&line), "{log}");
            }
            assert!(log.contains("cell 4/7 (analog_pulse, τ = 0.78, seed 0): epoch 2/2"), "{log}");
        }
    }
    assert!(!parts.join("REPRODUCTION.md").exists(), "a part must not write the table");
    let merged = ok(&playground(&["reproduce", "--scale", "paper", "--merge", "--out", parts.to_str().unwrap()]));
    assert!(merged.contains("\"cells\":7"), "{merged}");
    for name in ["REPRODUCTION.md", "fig5_paper_scale.csv", "fig5_paper_scale.svg"] {
        let (a, b) = (std::fs::read(whole.join(name)).unwrap(), std::fs::read(parts.join(name)).unwrap());
        assert!(a == b, "{name} differs between the unsharded run and the merged parts");
    }
    let grid = Grid { net: PaperNet::Fcn, epochs: 2, seeds: 1 };
    for c in 0..grid.len() {
        assert_eq!(
            std::fs::read(cell_path(&whole, c)).unwrap(),
            std::fs::read(cell_path(&parts, c)).unwrap(),
            "cell {c}"
        );
    }
    let md = std::fs::read_to_string(parts.join("REPRODUCTION.md")).unwrap();
    assert!(md.contains("**2 epochs, 1 seed**") && md.contains("Verdict:"), "{md}");

    // A crashed cell (its file absent) is re-run alone: its part keeps the others.
    std::fs::remove_file(cell_path(&parts, 3)).unwrap();
    let missing = refused(&playground(&["reproduce", "--scale", "paper", "--merge", "--out", parts.to_str().unwrap()]));
    assert!(
        missing.contains("1 of 7 cells are missing") && missing.contains("--epochs 2 --seeds 1 --shard I/7"),
        "{missing}"
    );
    let again = ok(&reduced(&parts, &["--shard", "1/3"]));
    assert!(again.contains("\"ran\":1") && again.contains("\"kept\":2"), "{again}");
    assert_eq!(std::fs::read(cell_path(&whole, 3)).unwrap(), std::fs::read(cell_path(&parts, 3)).unwrap());

    // An edited cell is named, and so is a cell of another grid.
    let path = cell_path(&parts, 5);
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, text.replacen(",0.", ",1.", 1)).unwrap();
    let edited = refused(&playground(&["reproduce", "--scale", "paper", "--merge", "--out", parts.to_str().unwrap()]));
    assert!(edited.contains("cell-006.csv") && edited.contains("checksum"), "{edited}");
    let (mut head, rows) = cell::read(&text).unwrap();
    head.grid = head.grid.replace("epochs=2", "epochs=80");
    std::fs::write(&path, cell::write(&head, &rows)).unwrap();
    let foreign = refused(&playground(&["reproduce", "--scale", "paper", "--merge", "--out", parts.to_str().unwrap()]));
    assert!(foreign.contains("cell-006.csv belongs to another grid"), "{foreign}");
    for dir in [whole, parts] {
        std::fs::remove_dir_all(dir).ok();
    }
}

#[test]
fn paper_scale_arguments_out_of_range_are_refused_in_one_line() {
    let dir = scratch("bad");
    for shard in ["0/3", "4/3", "x/3", "3"] {
        let err = refused(&reduced(&dir, &["--shard", shard]));
        assert!(err.contains("1 ≤ i ≤ n"), "{shard}: {err}");
    }
    let err = refused(&playground(&["reproduce", "--scale", "paper", "--merge", "--out", dir.to_str().unwrap()]));
    assert!(err.contains("21 of 21 cells are missing"), "{err}");
    let err = refused(&playground(&["reproduce", "--epochs", "2", "--out", dir.to_str().unwrap()]));
    assert!(err.contains("--scale paper"), "{err}");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn the_cnn_grid_is_the_papers_cnn_columns() {
    let grid = Grid::paper(PaperNet::Cnn);
    assert_eq!((grid.len(), grid.epochs, grid.seeds), (21, 80, 3));
    let taus: Vec<f64> = grid.configs().iter().filter_map(|c| c.1).collect();
    assert_eq!(taus, [0.6, 0.6, 0.7, 0.7, 0.8, 0.8]);
    assert!(grid.describe().starts_with("fig5-cnn&data=full&epochs=80&seeds=3&"), "{}", grid.describe());
    assert_eq!(Grid::from_description(&grid.describe()), Some(grid));
    assert_eq!(Grid::from_description(&Grid::paper(PaperNet::Fcn).describe()), Some(Grid::paper(PaperNet::Fcn)));
    // Configuration-major: the seeds of Tiki-Taka at τ = 0.7 are cells 13–15.
    let spec = grid.cell(12);
    assert_eq!((spec.track, spec.tau, spec.seed), ("tt_pulse", Some(0.7), 0));
    let query = grid.scenario(&spec).to_query();
    for key in ["arch=cnn", "data=full", "batch=8", "algos=tt", "tau_max=0.7", "tau_min=-0.7", "pulses=1", "epochs=80"]
    {
        assert!(query.split('&').any(|kv| kv == key), "{key} not in {query}");
    }
}

/// The CNN's grid runs and merges as the FCN's does: one real cell (Digital SGD, 1 epoch of full
/// MNIST; the pulse-level cells take minutes each), the others written from its rows under their
/// own heads, so the merge, the report and the refusals are the CNN's.
#[test]
fn a_cnn_grid_runs_its_cells_and_merges_into_the_cnn_table() {
    if !fetched() {
        return;
    }
    let dir = scratch("cnn");
    let args = |extra: &[&str]| {
        let mut a = vec!["reproduce", "--scale", "paper", "--net", "cnn", "--epochs", "1", "--seeds", "1"];
        a.extend(["--out", dir.to_str().unwrap()]);
        a.extend(extra);
        playground(&a)
    };
    let part = ok(&args(&["--shard", "1/7"]));
    assert!(part.contains("\"ran\":1"), "{part}");
    let merge = |net: &[&str]| {
        let mut a = vec!["reproduce", "--scale", "paper", "--merge", "--out", dir.to_str().unwrap()];
        a.extend(net);
        playground(&a)
    };
    let missing = refused(&merge(&[]));
    assert!(
        missing.contains("6 of 7 cells are missing") && missing.contains("--net cnn --epochs 1 --seeds 1 --shard I/7"),
        "{missing}"
    );
    let grid = Grid { net: PaperNet::Cnn, epochs: 1, seeds: 1 };
    let (head, rows) = cell::read(&std::fs::read_to_string(cell_path(&dir, 0)).unwrap()).unwrap();
    assert!(head.grid.starts_with("fig5-cnn&") && head.scenario.contains("arch=cnn"), "{head:?}");
    assert!(rows[1].record.test_accuracy > 0.9, "one digital CNN epoch on full MNIST: {:?}", rows[1].record);
    for c in 1..grid.len() {
        let spec = grid.cell(c);
        let head = cell::CellHead {
            cell: (c + 1, grid.len()),
            track: spec.track.into(),
            seed: spec.seed,
            scenario: grid.scenario(&spec).to_query(),
            ..head.clone()
        };
        let mut rows = rows.clone();
        for row in &mut rows {
            row.scales = vec![1.0; 4];
        }
        std::fs::write(cell_path(&dir, c), cell::write(&head, &rows)).unwrap();
    }
    let merged = ok(&merge(&[]));
    assert!(merged.contains("\"cells\":7"), "{merged}");
    let md = std::fs::read_to_string(dir.join("REPRODUCTION.md")).unwrap();
    for want in [
        "# Fig. 5 (CNN) on full MNIST, a reduced grid: 1 of the paper's 80 epochs, 1 of its 3 seeds",
        "--scale paper --net cnn --epochs 1 --seeds 1 --out",
        "| τ = 0.60 | τ = 0.70 | τ = 0.80 |",
        "| Analog SGD (paper) | 88.99 ± 0.89 |",
        "**Verdict:**",
    ] {
        assert!(md.contains(want), "{want} not in\n{md}");
    }
    // Every analog cell is the digital cell here, so Analog SGD is never 6 points below it.
    assert!(md.contains("more than 6 points below digital at every τ: no"), "{md}");
    let foreign = refused(&merge(&["--net", "fcn"]));
    assert!(foreign.contains("belongs to another grid"), "{foreign}");
    let err = refused(&playground(&["reproduce", "--net", "cnn", "--out", dir.to_str().unwrap()]));
    assert!(err.contains("--net applies to --scale paper only"), "{err}");
    std::fs::remove_dir_all(&dir).ok();
}

/// A cell stopped after an epoch (a scheduler's time limit, a crash) goes on from its checkpoint
/// to the bytes of the cell that never stopped — through the library and through the command
/// line, which says so and deletes the checkpoint once the cell is whole. A damaged checkpoint is
/// one line naming the file, never continued.
#[test]
fn a_stopped_cell_goes_on_from_its_checkpoint_to_the_same_bytes() {
    if !fetched() {
        return;
    }
    let grid = Grid { net: PaperNet::Fcn, epochs: 2, seeds: 1 };
    // Cell 3/7: Tiki-Taka at pulse level, τ = 0.7 (two analog arrays, transfers, pulse streams).
    let spec = grid.cell(2);
    assert_eq!((spec.track, spec.tau), ("tt_pulse", Some(0.7)));
    let go_on = |_: CellEvent| ControlFlow::Continue(());
    let straight = run_cell(grid, &spec, None, &go_on).unwrap().expect("runs to its end");

    let dir = scratch("checkpoint");
    std::fs::create_dir_all(dir.join("cells")).unwrap();
    let saved = checkpoint::path(&dir, spec.index);
    let stop = |e: CellEvent| {
        if matches!(e, CellEvent::Epoch(_)) {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    };
    assert_eq!(run_cell(grid, &spec, Some(&saved), &stop).unwrap(), None);
    let after_one = std::fs::read(&saved).expect("a checkpoint after epoch 1");
    assert_eq!(checkpoint::epochs_in(&saved), Some(1));
    let missing = refused(&reduced(&dir, &["--merge"]));
    assert!(
        missing.contains("7 of 7 cells are missing") && missing.contains(": 1, 2, 3 (checkpoint after epoch 1/2), 4,"),
        "{missing}"
    );

    let resumed_at = std::cell::Cell::new(None);
    let note = |e: CellEvent| {
        if let CellEvent::Resumed(epoch) = e {
            resumed_at.set(Some(epoch));
        }
        ControlFlow::Continue(())
    };
    let resumed = run_cell(grid, &spec, Some(&saved), &note).unwrap().expect("runs to its end");
    assert_eq!(resumed_at.get(), Some(1));
    assert!(resumed == straight, "the resumed cell differs from the one that never stopped");

    // The command line: the same checkpoint, the cell's shard.
    std::fs::write(&saved, &after_one).unwrap();
    let run = reduced(&dir, &["--shard", "3/7", "--threads", "1"]);
    ok(&run);
    let log = String::from_utf8_lossy(&run.stderr);
    assert!(log.contains("cell 3/7 (tt_pulse, τ = 0.7, seed 0): goes on from its checkpoint after epoch 1/2"), "{log}");
    assert!(!log.contains("epoch 1/2, test accuracy"), "epoch 1 ran again: {log}");
    assert!(std::fs::read_to_string(cell_path(&dir, spec.index)).unwrap() == straight);
    assert!(!saved.exists(), "the checkpoint of a whole cell is deleted");

    // Damaged: refused in one line that names the file, and the cell file is not written.
    std::fs::remove_file(cell_path(&dir, spec.index)).unwrap();
    let mut damaged = after_one.clone();
    damaged[after_one.len() / 3] ^= 0x10;
    std::fs::write(&saved, &damaged).unwrap();
    let err = refused(&reduced(&dir, &["--shard", "3/7", "--threads", "1"]));
    assert!(err.contains("cell-003.checkpoint") && err.contains("checksum") && err.contains("delete it"), "{err}");
    assert!(!cell_path(&dir, spec.index).exists());
    // Another cell's checkpoint under this cell's name: refused for what it is.
    let other = grid.cell(1);
    let other_saved = checkpoint::path(&dir, other.index);
    assert_eq!(run_cell(grid, &other, Some(&other_saved), &stop).unwrap(), None);
    std::fs::rename(&other_saved, &saved).unwrap();
    let err = refused(&reduced(&dir, &["--shard", "3/7", "--threads", "1"]));
    assert!(err.contains("a checkpoint of cell 2/7"), "{err}");
    std::fs::remove_dir_all(&dir).ok();
}

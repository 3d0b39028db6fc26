//! `playground reproduce --scale paper` on a reduced grid (2 epochs, 1 seed; the cells still run
//! full MNIST, so these skip with a message where it has not been fetched — CI fetches it): the
//! parts of any scheduler merge into the bytes of the unsharded run; a crashed cell is re-run
//! alone; a missing, edited or foreign cell is a one-line message, never a wrong table.

use analog_playground::reproduce::paper_scale::{cell, cell_path, Grid};
use analog_playground::sim::network::mnist::idx;
use std::path::{Path, PathBuf};
use std::process::Output;

fn playground(args: &[&str]) -> Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_playground")).args(args).output().unwrap()
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("paper_scale_{name}_{}", std::process::id()));
    std::fs::remove_dir_all(&dir).ok();
    dir
}

fn ok(out: &Output) -> String {
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The one-line message of a refused command (exit 2).
fn refused(out: &Output) -> String {
    let err = String::from_utf8_lossy(&out.stderr).trim().to_string();
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    err
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
        let part = ok(&reduced(&parts, &["--shard", &format!("{i}/3"), "--threads", "1"]));
        assert!(part.contains(&format!("\"shard\":\"{i}/3\"")), "{part}");
    }
    assert!(!parts.join("REPRODUCTION.md").exists(), "a part must not write the table");
    let merged = ok(&playground(&["reproduce", "--scale", "paper", "--merge", "--out", parts.to_str().unwrap()]));
    assert!(merged.contains("\"cells\":7"), "{merged}");
    for name in ["REPRODUCTION.md", "fig5_paper_scale.csv", "fig5_paper_scale.svg"] {
        let (a, b) = (std::fs::read(whole.join(name)).unwrap(), std::fs::read(parts.join(name)).unwrap());
        assert!(a == b, "{name} differs between the unsharded run and the merged parts");
    }
    let grid = Grid { epochs: 2, seeds: 1 };
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

#![cfg(not(target_arch = "wasm32"))]
//! Sweeps past one machine: `sweep --shard i/n` parts merged by `playground merge` give the
//! unsharded sweep's CSV and SVG byte for byte; bad shards and bad merges are refused in one line;
//! every subcommand has its `--help`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const QUERY: &str = "problem=lsq&steps=300&seeds=2&algos=analog,tt";
const X: &str = "tau=0.5:4:log:3";
const Y: &str = "alpha=0.001:0.01:log:4";

fn playground(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_playground")).args(args).output().unwrap()
}

/// A fresh directory per test (tests run in parallel).
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("playground-shard-{}-{name}", std::process::id()));
    std::fs::remove_dir_all(&dir).ok();
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn ok(out: &Output) -> String {
    assert!(out.status.success(), "{:?}: {}", out.status, String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout.clone()).unwrap()
}

/// Exit code 2, exactly one stderr line `playground: …` (returned), nothing on stdout.
fn refused(out: &Output) -> String {
    let err = String::from_utf8_lossy(&out.stderr).to_string();
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.starts_with("playground: ") && !err.contains("panicked"), "{err}");
    assert!(out.stdout.is_empty());
    err
}

/// Writes shard `i/n` of `query`'s grid (axes `x`, `y`) to `dir/name`.
fn shard(dir: &Path, name: &str, query: &str, x: &str, y: &str, spec: &str) -> PathBuf {
    let file = dir.join(name);
    let out =
        playground(&["sweep", query, "--x", x, "--y", y, "--shard", spec, "--threads", "2", "--out", path(&file)]);
    let summary: serde_json::Value = serde_json::from_str(&ok(&out)).unwrap();
    assert_eq!(summary["shard"], spec);
    file
}

fn merge(files: &[&PathBuf], extra: &[&str]) -> Output {
    let mut args = vec!["merge"];
    args.extend(files.iter().map(|f| path(f)));
    args.extend(extra);
    playground(&args)
}

#[test]
fn merged_shards_equal_the_unsharded_sweep_byte_for_byte() {
    let dir = scratch("equal");
    let (full_svg, merged_svg) = (dir.join("full.svg"), dir.join("merged.svg"));
    let full = ok(&playground(&["sweep", QUERY, "--x", X, "--y", Y, "--threads", "2", "--svg", path(&full_svg)]));
    // The unsharded CSV is the plain grid: header, then one row per cell.
    assert!(full.starts_with("tau,alpha,analog_avg_distance,analog_diverged,tt_avg_distance,"), "{full}");
    assert_eq!(full.lines().count(), 1 + 12);
    // 3 shards split 12 cells evenly, 5 unevenly (3, 3, 2, 2, 2), 13 leave the last one empty.
    for n in [3, 5, 13] {
        let files: Vec<PathBuf> =
            (1..=n).map(|i| shard(&dir, &format!("{n}-{i}.csv"), QUERY, X, Y, &format!("{i}/{n}"))).collect();
        let rows: Vec<usize> = files
            .iter()
            .map(|f| std::fs::read_to_string(f).unwrap().lines().filter(|l| !l.starts_with('#')).count() - 1)
            .collect();
        assert_eq!(rows.iter().sum::<usize>(), 12, "{n} shards: {rows:?}");
        assert_eq!(rows.iter().max().unwrap() - rows.iter().min().unwrap(), 1.min(12 % n), "{n} shards: {rows:?}");
        // Any order of the files; the merge goes to stdout without --out.
        let mut shuffled: Vec<&PathBuf> = files.iter().collect();
        shuffled.reverse();
        assert_eq!(ok(&merge(&shuffled, &[])), full, "{n} shards");
        let out = dir.join(format!("merged-{n}.csv"));
        ok(&merge(&shuffled, &["--out", path(&out), "--svg", path(&merged_svg)]));
        assert_eq!(std::fs::read_to_string(&out).unwrap(), full, "{n} shards, --out");
        assert_eq!(std::fs::read(&merged_svg).unwrap(), std::fs::read(&full_svg).unwrap(), "{n} shards, --svg");
    }
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_shard_file_names_its_grid_and_cells_and_holds_the_grids_rows() {
    let full = ok(&playground(&["sweep", QUERY, "--x", X, "--y", Y, "--threads", "2"]));
    let full_rows: Vec<&str> = full.lines().collect();
    // Without --out the shard goes to stdout.
    let text = ok(&playground(&["sweep", QUERY, "--x", X, "--y", Y, "--shard", "2/5", "--threads", "2"]));
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "# playground sweep shard");
    assert_eq!(lines[1], "# shard=2/5");
    assert!(lines[3].starts_with("# scenario=v=1&problem=lsq") && lines[3].contains("steps=300"), "{}", lines[3]);
    assert_eq!(lines[4], format!("# x={X}"));
    assert_eq!(lines[5], format!("# y={Y}"));
    assert_eq!(lines[6], "# metric=avg_distance");
    // 1-based and strided: shard 2 of 5 holds cells 1, 6, 11 (0-based, row-major).
    assert_eq!(lines[7], "# cells=1,6,11");
    assert_eq!(&lines[8..], &[full_rows[0], full_rows[2], full_rows[7], full_rows[12]]);
}

#[test]
fn merge_refuses_overlapping_missing_and_foreign_shards() {
    let dir = scratch("refuse");
    let s = |name: &str, query: &str, y: &str, spec: &str| shard(&dir, name, query, X, y, spec);
    let (a1, a2, a3) = (s("a1.csv", QUERY, Y, "1/3"), s("a2.csv", QUERY, Y, "2/3"), s("a3.csv", QUERY, Y, "3/3"));
    ok(&merge(&[&a1, &a2, &a3], &[]));
    // The same shard twice, or shards of two different splits, overlap.
    let e = refused(&merge(&[&a1, &a2, &a3, &a2], &[]));
    assert!(e.contains("overlap") && e.contains("a2.csv"), "{e}");
    let half = s("half.csv", QUERY, Y, "1/2");
    let e = refused(&merge(&[&half, &a2, &a3], &[]));
    assert!(e.contains("overlap") && e.contains("shard 1/2"), "{e}");
    // A missing shard is named.
    let e = refused(&merge(&[&a1, &a3], &[]));
    assert!(e.contains("missing shard 2/3"), "{e}");
    // Another grid (y axis) or another scenario (steps) is a different sweep.
    let other_y = s("y.csv", QUERY, "alpha=0.001:0.02:log:4", "2/3");
    let e = refused(&merge(&[&a1, &other_y, &a3], &[]));
    assert!(e.contains("different sweeps") && e.contains("y axis"), "{e}");
    let other_q = s("q.csv", "problem=lsq&steps=301&seeds=2&algos=analog,tt", Y, "2/3");
    let e = refused(&merge(&[&a1, &other_q, &a3], &[]));
    assert!(e.contains("different sweeps") && e.contains("scenario"), "{e}");
    // A row edited after the run no longer matches its cell.
    let text = std::fs::read_to_string(&a2).unwrap();
    let last = text.lines().last().unwrap();
    let (head, tail) = last.split_once(',').unwrap();
    let edited = dir.join("edited.csv");
    std::fs::write(&edited, text.replace(last, &format!("{head},{}", tail.replacen('e', "1e", 1)))).unwrap();
    let e = refused(&merge(&[&a1, &edited, &a3], &[]));
    assert!(e.contains("edited.csv") && e.contains("does not match"), "{e}");
    // The unsharded CSV is not a shard; no file at all is a usage error.
    let full = dir.join("full.csv");
    ok(&playground(&["sweep", QUERY, "--x", X, "--y", Y, "--out", path(&full)]));
    let e = refused(&merge(&[&full], &[]));
    assert!(e.contains("not a shard file"), "{e}");
    refused(&playground(&["merge"]));
    let e = refused(&merge(&[&dir.join("absent.csv")], &[]));
    assert!(e.contains("absent.csv"), "{e}");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn bad_shard_specs_are_refused_in_one_line() {
    for spec in ["0/4", "5/4", "1/0", "x/y", "3", ""] {
        let e = refused(&playground(&["sweep", QUERY, "--x", X, "--y", Y, "--shard", spec]));
        assert!(e.contains("--shard") && e.contains("1-based"), "{spec}: {e}");
    }
    // A shard's SVG would be a partial map: draw it from the merge.
    let e = refused(&playground(&["sweep", QUERY, "--x", X, "--y", Y, "--shard", "1/2", "--svg", "x.svg"]));
    assert!(e.contains("merge"), "{e}");
}

#[test]
fn every_subcommand_has_help_naming_its_options() {
    let cases: [(&[&str], &[&str]); 10] = [
        (&["--help"], &["run", "sweep", "merge", "reproduce", "export", "keys", "playground run 'problem=quadratic"]),
        (&["help"], &["run", "sweep", "merge", "reproduce", "export", "keys"]),
        (&["help", "sweep"], &["--x", "--shard"]),
        (&["run", "--help"], &["--csv", "--every", "--tail", "SCENARIO"]),
        (&["sweep", "--help"], &["--x", "--y", "--out", "--svg", "--threads", "--shard", "1-based"]),
        (&["merge", "--help"], &["SHARD.csv", "--out", "--svg"]),
        (&["reproduce", "--help"], &["--out", "--quick"]),
        (&["export", "--help"], &["aihwkit"]),
        (&["export", "aihwkit", "--help"], &["SCENARIO", "--out"]),
        (&["keys", "--help"], &["vocabulary"]),
    ];
    for (args, needles) in cases {
        let out = playground(args);
        let text = ok(&out);
        assert!(out.stderr.is_empty(), "{args:?}");
        for n in needles {
            assert!(text.contains(n), "{args:?} lacks {n:?}:\n{text}");
        }
    }
    let version = ok(&playground(&["--version"]));
    assert_eq!(version.trim(), format!("playground {}", env!("CARGO_PKG_VERSION")));
}

#[test]
fn parse_errors_exit_2_with_one_line() {
    for (args, needle) in [
        (&["sweep", QUERY, "--x", X, "--y", Y, "--frobnicate"][..], "--frobnicate"),
        (&["sweep", QUERY, "--x", X], "--y"),
        (&["sweep", QUERY, "--x", "tau=0:1:log:3", "--y", Y], "out of range"),
        (&["run", "steps=10", "--every"], "--every"),
        (&["run", "steps=10", "--threads", "0"], "--threads"),
        (&["reproduce"], "--out"),
        (&["export"], "aihwkit"),
        (&["export", "nest", "tau=1"], "nest"),
        (&["keys", "extra"], "extra"),
    ] {
        let e = refused(&playground(args));
        assert!(e.contains(needle), "{args:?}: {e}");
        assert!(!e.contains("error:"), "{args:?}: clap's prefix is replaced: {e}");
    }
}

#[test]
fn export_aihwkit_parses_strictly_and_keeps_the_contract() {
    let e = refused(&playground(&["export", "aihwkit", "tau=zero"]));
    assert!(e.contains("tau"), "{e}");
    // Whether or not the generator can write this scenario yet: a script on stdout (and at most
    // one warning line), or a refusal in one line.
    let out = playground(&["export", "aihwkit", "problem=lsq&tau=0.8"]);
    let err = String::from_utf8_lossy(&out.stderr);
    if out.status.success() {
        assert!(!out.stdout.is_empty());
        assert!(
            err.is_empty() || (err.lines().count() == 1 && err.starts_with("playground: not exported to aihwkit: ")),
            "{err}"
        );
    } else {
        assert!(refused(&out).contains("aihwkit"), "{err}");
    }
}

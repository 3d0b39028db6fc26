//! `playground reproduce`: the paper's figures and REPRODUCTION.md; `--scale paper`: Fig. 5's FCN
//! or CNN (`--net`) at the paper's scale, whole or in parts (`--shard`, `--merge`).

use crate::cli::{ReproduceArgs, ReproduceScale};
use crate::{print_out, progress_bar, threads_default};
use analog_playground::reproduce::paper_scale::{self, CellEvent, CellSpec, Grid, PaperNet};
use analog_playground::reproduce::{reproduce_with_progress, STAGES};

pub fn reproduce(args: ReproduceArgs) -> Result<(), String> {
    if args.scale == ReproduceScale::Paper {
        return paper(args);
    }
    let paper_only = [("--net", args.net.is_some()), ("--epochs", args.epochs.is_some()), ("--seeds", args.seeds.is_some())];
    if let Some(flag) = paper_only.iter().find(|f| f.1) {
        return Err(format!("{} applies to --scale paper only", flag.0));
    }
    let out = args.out.display().to_string();
    let start = std::time::Instant::now();
    let bar = progress_bar(STAGES as u64, "reproduce");
    let threads = args.threads.unwrap_or_else(threads_default);
    let report = reproduce_with_progress(&args.out, args.quick, threads, &mut |done, stage| {
        bar.set_position(done as u64);
        bar.set_message(stage);
    });
    bar.finish_and_clear();
    let report = report?;
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

/// `--scale paper`: a part of the cells, the merge, or both.
fn paper(args: ReproduceArgs) -> Result<(), String> {
    // The merge takes the grid the cells were run for unless one is given.
    let found = if args.merge { paper_scale::grid_in(&args.out) } else { None };
    let net = args.net.or(found.map(|g| g.net)).unwrap_or(PaperNet::Fcn);
    let base = found.filter(|g| g.net == net).unwrap_or(Grid::paper(net));
    let grid = Grid { net, epochs: args.epochs.unwrap_or(base.epochs), seeds: args.seeds.unwrap_or(base.seeds) };
    let start = std::time::Instant::now();
    let out = args.out.display();
    if args.merge {
        let verdict = paper_scale::merge(&args.out, grid)?;
        eprintln!("playground: merged {} cells into {out}/REPRODUCTION.md", grid.len());
        print_out(&format!("{}\n", serde_json::json!({ "cells": grid.len(), "verdict": verdict })));
        return Ok(());
    }
    let threads = args.threads.unwrap_or_else(threads_default);
    let total = args.shard.map_or(grid.len(), |s| s.cells(grid.len()).len());
    let bar = progress_bar(total as u64, "cells");
    // A cell is hours long at paper scale: each epoch is a line on stderr (in a terminal, the
    // bar's message), so a scheduler's log shows a run that moves.
    let on_cell = |spec: &CellSpec, event: CellEvent| {
        let tau = spec.tau.map_or(String::new(), |t| format!(", τ = {t}"));
        let cell = format!("cell {}/{} ({}{tau}, seed {})", spec.index + 1, grid.len(), spec.track, spec.seed);
        let line = match event {
            CellEvent::Written => return bar.inc(1),
            CellEvent::Resumed(epoch) => format!("{cell}: goes on from its checkpoint after epoch {epoch}/{}", grid.epochs),
            CellEvent::Epoch(row) => format!(
                "{cell}: epoch {}/{}, test accuracy {:.2} %, {:.0} s",
                row.record.epoch,
                grid.epochs,
                100.0 * row.record.test_accuracy,
                start.elapsed().as_secs_f64()
            ),
        };
        if bar.is_hidden() {
            eprintln!("playground: {line}");
        } else {
            bar.set_message(line);
        }
    };
    let part = paper_scale::run_part(&args.out, grid, args.shard, threads, &on_cell);
    bar.finish_and_clear();
    let part = part?;
    let seconds = start.elapsed().as_secs_f64();
    let cells = |n: usize| if n == 1 { "1 cell".to_string() } else { format!("{n} cells") };
    eprintln!("playground: ran {} (kept {}) into {out}/cells in {seconds:.0} s", cells(part.ran), part.kept);
    let mut summary = serde_json::json!({ "ran": part.ran, "kept": part.kept, "seconds": seconds.round() });
    match args.shard {
        Some(shard) => summary["shard"] = shard.to_text().into(),
        None => summary["verdict"] = paper_scale::merge(&args.out, grid)?.into(),
    }
    print_out(&format!("{summary}\n"));
    Ok(())
}

//! `playground sweep` (whole grid or one shard) and `playground merge` (shards back to the grid).

use crate::cli::{MergeArgs, SweepArgs};
use crate::{print_out, progress_bar, threads_default};
use analog_playground::sim::scenario::Scenario;
use analog_playground::sim::sweep::shard::{merge as merge_shards, Shard};
use analog_playground::sim::sweep::{Cell, Metric, Sweep};
use std::path::Path;

pub fn sweep(args: SweepArgs) -> Result<(), String> {
    let base = Scenario::parse(&args.query).map_err(|e| e.to_string())?;
    analog_playground::sim::network::mnist::ready(&base).map_err(|e| e.to_string())?;
    let problem = base.problem;
    let mut sweep = Sweep::new(base, args.x, args.y)?;
    if let Some(name) = &args.metric {
        sweep = sweep.with_metric(Metric::parse(name, problem)?)?;
    }
    if let (Some(_), Some(_)) = (&args.shard, &args.svg) {
        return Err("--svg draws the whole grid: give it to `playground merge` of the shards instead".into());
    }
    let indices = match args.shard {
        Some(shard) => shard.cells(sweep.len()),
        None => (0..sweep.len()).collect(),
    };
    let start = std::time::Instant::now();
    let bar = progress_bar(indices.len() as u64, "sweep");
    let cells = sweep.run_cells(&indices, args.threads.unwrap_or_else(threads_default), &|_| bar.inc(1));
    bar.finish_and_clear();
    // Unsharded, the CSV is exactly what it always was; a shard adds its `# ` preamble.
    let csv = match args.shard {
        Some(shard) => sweep.shard_csv(shard, &cells),
        None => sweep.csv(&cells),
    };
    if let Some(path) = &args.svg {
        write_sweep_svg(&sweep, &cells, path)?;
    }
    match args.out {
        Some(path) => {
            write(&path, "--out", &csv)?;
            let secs = start.elapsed().as_secs_f64();
            let mut summary = serde_json::json!({
                "scenario": sweep.base.to_query(),
                "x": sweep.x.to_text(),
                "y": sweep.y.to_text(),
                "metric": sweep.metric.name(),
                "cells": cells.len(),
                "seconds": secs,
                "cells_per_second": cells.len() as f64 / secs,
                "out": path.display().to_string(),
            });
            if let Some(shard) = args.shard.map(Shard::to_text) {
                summary["shard"] = shard.into();
            }
            print_out(&format!("{}\n", serde_json::to_string_pretty(&summary).map_err(|e| e.to_string())?));
        }
        None => print_out(&csv),
    }
    Ok(())
}

pub fn merge(args: MergeArgs) -> Result<(), String> {
    let files = args
        .parts
        .iter()
        .map(|p| {
            let name = p.display().to_string();
            std::fs::read_to_string(p).map(|text| (name.clone(), text)).map_err(|e| format!("{name}: {e}"))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let (sweep, cells) = merge_shards(&files)?;
    let csv = sweep.csv(&cells);
    if let Some(path) = &args.svg {
        write_sweep_svg(&sweep, &cells, path)?;
    }
    match &args.out {
        Some(path) => write(path, "--out", &csv),
        None => {
            print_out(&csv);
            Ok(())
        }
    }
}

fn write(path: &Path, option: &str, text: &str) -> Result<(), String> {
    std::fs::write(path, text).map_err(|e| format!("{option} {}: {e}", path.display()))
}

/// The sweep's heatmaps side by side, as SVG (the chart code the page's SVG button uses).
fn write_sweep_svg(sweep: &Sweep, cells: &[Cell], path: &Path) -> Result<(), String> {
    let grid: Vec<Option<_>> = cells.iter().cloned().map(Some).collect();
    let svg = analog_playground::figures::heatmap::sweep_maps_svg(
        sweep,
        &grid,
        &analog_playground::figures::Theme::LIGHT,
        analog_playground::notation::Notation::Ours,
    )?;
    write(path, "--svg", &svg)
}

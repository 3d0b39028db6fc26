#![cfg(not(target_arch = "wasm32"))]
//! Sweeps: every cell is exactly `playground run` of its scenario, and the lsq grid shows the
//! paper's picture.

use analog_playground::sim::sweep::{Axis, Sweep};
use analog_playground::sim::Scenario;
use std::process::Command;

#[test]
fn a_sweep_cell_equals_playground_run_bit_for_bit() {
    let base = Scenario::parse("problem=lsq&steps=800&seeds=2&algos=analog,tt").unwrap();
    let sweep =
        Sweep::new(base, Axis::parse("tau=0.5:4:log:3").unwrap(), Axis::parse("beta=0.01:0.1:log:2").unwrap()).unwrap();
    let cells = sweep.run_all(2);
    assert_eq!(cells.len(), 6);
    for c in [&cells[1], &cells[4]] {
        let out =
            Command::new(env!("CARGO_BIN_EXE_playground")).args(["run", &c.scenario.to_query()]).output().unwrap();
        assert!(out.status.success());
        let cli = String::from_utf8(out.stdout).unwrap();
        let cell = serde_json::to_string_pretty(&c.summary).unwrap();
        assert_eq!(cli.trim_end(), cell, "cell ({}, {})", c.i, c.j);
    }
    // The CSV has one row per cell.
    assert_eq!(sweep.csv(&cells).lines().count(), 7);
}

#[test]
fn lsq_sweep_shows_the_papers_picture() {
    // τ × α with β = 0.1: Analog SGD's plateau falls along τ; Tiki-Taka beats it (ratio < 1) at
    // small α and moderate τ, and loses its edge as α or τ grows (constant β, P_max ∝ τ²).
    let base = Scenario::parse("problem=lsq&steps=100000&beta=0.1&algos=analog,tt").unwrap();
    let sweep =
        Sweep::new(base, Axis::parse("tau=0.5:2:log:3").unwrap(), Axis::parse("alpha=0.001:0.01:log:3").unwrap())
            .unwrap();
    let cells = sweep.run_all(2);
    let at = |i: usize, j: usize| &cells[j * 3 + i];
    for j in 0..3 {
        let analog: Vec<f64> = (0..3)
            .map(|i| at(i, j).tail_loss(analog_playground::sim::algorithm::AlgorithmKind::Analog).unwrap())
            .collect();
        assert!(analog[0] > analog[1] && analog[1] > analog[2], "row {j}: Analog SGD must fall along τ: {analog:?}");
        let ratio: Vec<f64> = (0..3).map(|i| at(i, j).ratio().unwrap()).collect();
        assert!(ratio[0] < ratio[1] && ratio[1] < ratio[2], "row {j}: ratio must grow with τ: {ratio:?}");
    }
    assert!(at(0, 0).ratio().unwrap() < 1.0 && at(1, 0).ratio().unwrap() < 1.0, "Tiki-Taka wins at small α, τ ≤ 1");
    let tau1: Vec<f64> = (0..3).map(|j| at(1, j).ratio().unwrap()).collect();
    assert!(tau1[0] < tau1[1] && tau1[1] < tau1[2], "at τ = 1 the ratio grows with α: {tau1:?}");
}

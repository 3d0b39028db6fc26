#![cfg(not(target_arch = "wasm32"))]
//! Sweeps: every cell is exactly `playground run` of its scenario, and the lsq grid shows the
//! paper's picture.

use analog_playground::sim::algorithm::AlgorithmKind;
use analog_playground::sim::sweep::{run_outcome, AlgoOutcome, Axis, Metric, Outcome, Sweep};
use analog_playground::sim::{Ensemble, Scenario};
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
        // The CLI prints exactly the summary of the cell's scenario…
        let mut e = Ensemble::new(&c.scenario);
        e.run_to_end();
        let summary = e.summary();
        assert_eq!(cli.trim_end(), serde_json::to_string_pretty(&summary).unwrap(), "cell ({}, {})", c.i, c.j);
        // …and the cell holds its tail losses.
        assert_eq!(c.outcome, Outcome::from_summary(&summary));
        assert_eq!(c.outcome.metric, Metric::TailLoss);
        for (a, kind) in summary.algorithms.iter().zip([AlgorithmKind::Analog, AlgorithmKind::TikiTaka]) {
            assert_eq!(c.tail_loss(kind), Some(a.tail_loss));
        }
        assert_eq!(c.ratio(), Some(summary.algorithms[1].tail_loss / summary.algorithms[0].tail_loss));
        assert!(c.accuracy(AlgorithmKind::Analog).is_none() && c.tt_minus_analog().is_none());
    }
    // The CSV has one row per cell, and the lsq columns.
    let csv = sweep.csv(&cells);
    assert_eq!(csv.lines().count(), 7);
    assert_eq!(
        csv.lines().next().unwrap(),
        "tau,beta,analog_tail_loss,analog_diverged,tt_tail_loss,tt_diverged,tt_over_analog"
    );
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

#[test]
fn outcomes_survive_json_as_workers_send_them() {
    // A diverged track has no finite value: `null` in JSON, `None` back.
    let outcome = Outcome {
        metric: Metric::Accuracy,
        algorithms: vec![
            AlgoOutcome { algorithm: "analog".into(), value: Some(0.5916666666666667), diverged: false },
            AlgoOutcome { algorithm: "tt_pulse".into(), value: None, diverged: true },
        ],
    };
    let json = serde_json::to_string(&outcome).unwrap();
    assert_eq!(serde_json::from_str::<Outcome>(&json).unwrap(), outcome);
    assert_eq!(outcome.value(AlgorithmKind::TikiTaka), None);
    assert!(outcome.diverged(AlgorithmKind::TikiTaka) && !outcome.diverged(AlgorithmKind::Analog));
    // Real outcomes of every problem round-trip bit for bit.
    for q in ["problem=quadratic&steps=300", "problem=lower_bound&steps=300&seeds=2", "problem=digits&epochs=1"] {
        let o = run_outcome(&Scenario::parse(q).unwrap());
        assert_eq!(serde_json::from_str::<Outcome>(&serde_json::to_string(&o).unwrap()).unwrap(), o, "{q}");
        assert_eq!(o.metric, Metric::of(Scenario::parse(q).unwrap().problem));
        assert_eq!(o.algorithms.len(), 3, "{q}");
    }
}

#![cfg(not(target_arch = "wasm32"))]
//! The reduced `playground reproduce` (fewer seeds and steps): every claim's direction holds,
//! the figures and the report are written, and the claims known not to reproduce are the ones
//! REPRODUCTION.md explains.

use analog_playground::reproduce::{reproduce_with_progress, STAGES};

#[test]
fn quick_reproduction_checks_every_claims_direction() {
    let dir = std::env::temp_dir().join(format!("playground-reproduce-{}", std::process::id()));
    // `reproduce` with a progress hook (what `playground reproduce` draws its bar from): every
    // stage is reported once, in order, then the end.
    let mut stages = Vec::new();
    let report = reproduce_with_progress(&dir, true, 2, &mut |k, name| stages.push((k, name))).expect("reproduce runs");
    assert_eq!(stages.iter().map(|s| s.0).collect::<Vec<_>>(), (0..=STAGES).collect::<Vec<_>>(), "{stages:?}");
    assert_eq!((stages[1].1, stages[STAGES].1), ("fig1", "done"));
    assert_eq!(report.figures, analog_playground::reproduce::FIGURES.len());
    // Every listed figure is written, with its data.
    for (name, _) in analog_playground::reproduce::FIGURES {
        let svg = std::fs::read_to_string(dir.join(format!("{name}.svg"))).unwrap();
        assert!(svg.starts_with("<svg") && svg.len() > 2000, "{name}.svg");
        assert!(std::fs::read_to_string(dir.join(format!("{name}.csv"))).unwrap().lines().count() > 10, "{name}.csv");
    }
    let md = std::fs::read_to_string(dir.join("REPRODUCTION.md")).unwrap();
    // Our digits accuracies are set beside the paper's MNIST table, which is quoted, not plotted.
    assert!(md.contains("beside the paper's MNIST numbers") && md.contains("97.64 ± 0.17"));
    for c in &report.claims {
        assert!(md.contains(&format!("| {} |", c.id)), "claim {} missing from the report", c.id);
        match c.id.as_str() {
            // Fig. 5 on the 8×8 digits. Measured (60 epochs, 2–3 seeds): Tiki-Taka beats Analog SGD
            // by ≈ 38 (dynamic) and ≈ 68 (pulses) points at τ = 0.3 and Analog SGD rises with τ
            // by ≥ 12 points a step — the paper's direction, with wide margins. Tiki-Taka is within
            // 2 points of digital from τ = 0.5 on, but ≈ 7.5 points below at τ = 0.3, where most of
            // its weights sit at ±τ; so only the direction is required here, and the report says
            // "direction holds; the rest does not".
            "5" => {
                assert!(c.direction, "5: {}", c.measured);
                assert!(c.measured.contains("8×8") || c.statement.contains("8×8"), "claim 5 must say it is the digits");
            }
            // Beyond Tiki-Taka (issue #9): TT-v2, residual learning and zero-shifting reach or recover,
            // AGAD recovers on the 2-D scene; c-TTv2, RIDER and E-RIDER do not, and nothing reaches
            // 2× of Tiki-Taka's zero-point distance in the Fig. 2 setting (numbers in the report), so
            // only the direction is required.
            "B1" | "B2" | "B3" => assert!(c.direction, "{}: {}", c.id, c.measured),
            // The network row (issue #21): quick mode trains 30 epochs, not 60, so only the direction
            // (Tiki-Taka loses, something recovers) is required.
            "B4" => assert!(c.direction, "B4: {}", c.measured),
            // MNIST-10k with the paper's preset: quick mode trains one epoch, where nothing has
            // separated yet (Tiki-Taka starts slower); only its presence is checked here, the full
            // run's verdict is in REPRODUCTION.md.
            "5b" => assert!(c.statement.contains("MNIST-10k"), "5b: {}", c.statement),
            _ => assert!(c.holds, "claim {} does not hold: {}", c.id, c.measured),
        }
    }
    std::fs::remove_dir_all(&dir).ok();
}

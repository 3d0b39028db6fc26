#![cfg(not(target_arch = "wasm32"))]
//! The reduced `playground reproduce` (fewer seeds and steps): every claim's direction holds,
//! the figures and the report are written, and the claims known not to reproduce are the ones
//! REPRODUCTION.md explains.

use analog_playground::reproduce::reproduce;

#[test]
fn quick_reproduction_checks_every_claims_direction() {
    let dir = std::env::temp_dir().join(format!("playground-reproduce-{}", std::process::id()));
    let report = reproduce(&dir, true, 2).expect("reproduce runs");
    assert_eq!(report.figures, 8);
    for name in [
        "fig1",
        "fig3",
        "alpha_sweep",
        "fig4_left",
        "fig4_middle",
        "fig4_right",
        "theorem3",
        "followup_symmetric_point",
    ] {
        let svg = std::fs::read_to_string(dir.join(format!("{name}.svg"))).unwrap();
        assert!(svg.starts_with("<svg") && svg.len() > 2000, "{name}.svg");
        assert!(std::fs::read_to_string(dir.join(format!("{name}.csv"))).unwrap().lines().count() > 10, "{name}.csv");
    }
    let md = std::fs::read_to_string(dir.join("REPRODUCTION.md")).unwrap();
    for c in &report.claims {
        assert!(md.contains(&format!("| {} |", c.id)), "claim {} missing from the report", c.id);
        match c.id.as_str() {
            // No neural-network mode.
            "5" => assert!(!c.holds),
            // The published follow-up setting: the transfer is pulse-limited in our model (see the
            // report's notes); its direction — Tiki-Taka degrades as c grows — holds.
            "F1" => assert!(c.direction, "F1: {}", c.measured),
            _ => assert!(c.holds, "claim {} does not hold: {}", c.id, c.measured),
        }
    }
    std::fs::remove_dir_all(&dir).ok();
}

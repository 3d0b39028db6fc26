#![cfg(not(target_arch = "wasm32"))]
//! The averaged iterate W̄ — the quantity the theorems are about — as every summary reports it:
//! recomputed here from the iterates the CLI records, by its one definition (the exact mean of the
//! first 1,000 iterates, then an exponential average with a 1,000-step time constant).

use std::process::Command;

fn playground(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_playground")).args(args).output().unwrap()
}

fn temp(name: &str) -> std::path::PathBuf {
    std::env::temp_dir().join(format!("playground-averaged-{}-{name}", std::process::id()))
}

#[test]
fn summary_averages_equal_a_direct_computation_from_the_recorded_iterates() {
    let path = temp("traj.csv");
    let p = path.to_str().unwrap();
    let steps = 3000usize;
    let query = format!("steps={steps}&algos=digital,analog,tt&seed=5");
    let out = playground(&["run", &query, "--csv", p, "--every", "1"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let csv = std::fs::read_to_string(&path).unwrap();
    std::fs::remove_file(&path).ok();
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    // The units line (`# units: …`) comes first; readers skip `#` lines.
    assert!(csv.starts_with("# units: step,f − f*,‖∇f‖²,f − f*,weight,weight,weight,"), "{csv:.200}");
    let mut lines = csv.lines().filter(|l| !l.starts_with('#'));
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let rows: Vec<Vec<f64>> = lines.map(|l| l.split(',').map(|v| v.parse::<f64>().unwrap()).collect()).collect();
    assert_eq!(rows.len(), steps + 1, "rows for W_0 … W_K");
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap_or_else(|| panic!("no column {name}"));
    // The default 2-D quadratic's optimum and curvatures, from the scenario itself.
    let scenario = analog_playground::sim::Scenario::parse(&query).unwrap();
    let (wstar, h) = (scenario.wstar.clone(), [scenario.h_at(0), scenario.h_at(1)]);
    for a in summary["algorithms"].as_array().unwrap() {
        let track = a["algorithm"].as_str().unwrap();
        let (w0, w1) = (col(&format!("{track}_w0")), col(&format!("{track}_w1")));
        // W̄ over W_0 … W_{K−1}, the iterates at which the K gradients were taken.
        let mut mean = [0.0f64; 2];
        for (k, r) in rows[..steps].iter().enumerate() {
            let rate = 1.0 / (k as f64 + 1.0).min(1000.0);
            mean[0] += (r[w0] - mean[0]) * rate;
            mean[1] += (r[w1] - mean[1]) * rate;
        }
        let avg_w: Vec<f64> = a["avg_w"].as_array().unwrap().iter().map(|v| v.as_f64().unwrap()).collect();
        for i in 0..2 {
            assert!((avg_w[i] - mean[i]).abs() <= 1e-12, "{track}: W̄ {avg_w:?} vs {mean:?}");
        }
        let d = ((mean[0] - wstar[0]).powi(2) + (mean[1] - wstar[1]).powi(2)).sqrt();
        let f = 0.5 * (h[0] * (mean[0] - wstar[0]).powi(2) + h[1] * (mean[1] - wstar[1]).powi(2));
        let rel = |x: f64, y: f64| (x - y).abs() / y.abs().max(1e-300);
        assert!(rel(a["avg_distance"].as_f64().unwrap(), d) < 1e-9, "{track}: ‖W̄ − w*‖ {} vs {d}", a["avg_distance"]);
        assert!(rel(a["avg_loss"].as_f64().unwrap(), f) < 1e-9, "{track}: f(W̄) − f* {} vs {f}", a["avg_loss"]);
        // The last row's averaged columns are the same quantity after the run.
        let last = &rows[steps];
        assert!(rel(last[col(&format!("{track}_avg_distance"))], d) < 1e-9, "{track}: CSV avg_distance");
        // The theorem's quantity: mean ‖∇f(W_k)‖² over the tail (last 20 % of the K steps).
        let tail = &rows[steps - steps / 5..steps];
        let g = tail.iter().map(|r| r[col(&format!("{track}_grad_sq"))]).sum::<f64>() / tail.len() as f64;
        assert!(rel(a["tail_grad_sq"].as_f64().unwrap(), g) < 1e-9, "{track}: tail ‖∇f‖² {} vs {g}", a["tail_grad_sq"]);
    }
}

#[test]
fn run_csv_without_every_is_the_pages_table_with_unique_columns() {
    let path = temp("hist.csv");
    let p = path.to_str().unwrap();
    let query = "steps=400&algos=analog,tt&pulses=both";
    let out = playground(&["run", query, "--csv", p]);
    assert!(out.status.success());
    let csv = std::fs::read_to_string(&path).unwrap();
    std::fs::remove_file(&path).ok();
    // The page's CSV button calls the same writer on the same run.
    let mut run = analog_playground::sim::Run::new(&analog_playground::sim::Scenario::parse(query).unwrap());
    run.run_to_end();
    assert_eq!(csv, analog_playground::sim::table::history_csv(&run));
    let units: Vec<&str> = csv.lines().next().unwrap().strip_prefix("# units: ").unwrap().split(',').collect();
    let names: Vec<&str> = csv.lines().nth(1).unwrap().split(',').collect();
    assert_eq!(units.len(), names.len(), "{units:?} vs {names:?}");
    let mut unique = names.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), names.len(), "{names:?}");
    for n in ["analog_loss_mean", "analog_pulse_loss_mean", "tt_pulse_avg_loss", "tt_avg_distance", "tt_pulse_avg_w1"] {
        assert!(names.contains(&n), "{n} in {names:?}");
    }
    // The last row's averaged iterate is the summary's W̄ (the first seed's; one seed here).
    let last: Vec<&str> = csv.lines().last().unwrap().split(',').collect();
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    for a in summary["algorithms"].as_array().unwrap() {
        let track = a["algorithm"].as_str().unwrap();
        for (i, w) in a["avg_w"].as_array().unwrap().iter().enumerate() {
            let at = names.iter().position(|n| *n == format!("{track}_avg_w{i}")).unwrap();
            assert_eq!(last[at].parse::<f64>().unwrap(), w.as_f64().unwrap(), "{track} avg_w{i}");
            assert_eq!(units[at], "weight");
        }
    }
    // The trajectory table, too, names both forms apart.
    let path = temp("traj2.csv");
    let p = path.to_str().unwrap();
    assert!(playground(&["run", query, "--csv", p, "--every", "100"]).status.success());
    let header = std::fs::read_to_string(&path).unwrap().lines().nth(1).unwrap().to_string();
    std::fs::remove_file(&path).ok();
    let names: Vec<&str> = header.split(',').collect();
    let mut unique = names.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), names.len(), "{header}");
    assert!(names.contains(&"analog_pulse_loss") && names.contains(&"analog_loss"), "{header}");
}

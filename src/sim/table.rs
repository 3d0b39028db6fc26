//! The tables a run writes (the CLI's `--csv`, the page's CSV button, the per-epoch CSV of the
//! networks): one place that names their columns, `<track>_<quantity>` with the summary's track
//! key (`analog`, `analog_pulse`, `tt_sample`, …), so two tracks of one algorithm never share a
//! column name and the page's table equals the CLI's.

use crate::sim::network::NetSummary;
use crate::sim::run::{track_key, Run};

/// The column of `quantity` of track `track` (a summary track key).
pub fn column(track: &str, quantity: &str) -> String {
    format!("{track}_{quantity}")
}

/// The recorded curves of every track, one row per recorded bucket (each step while the run is
/// short; merged buckets of equal length for long runs): `step` (the first step of the row) and
/// `steps` (how many it covers), then per track the mean, min and max of the raw iterates'
/// f(W_k) − f* and the means of the averaged iterate's f(W̄_k) − f* and ‖W̄_k − w*‖. The page's
/// CSV button and `playground run --csv` (without `--every`) write exactly this.
pub fn history_csv(run: &Run) -> String {
    let mut header = vec!["step".to_string(), "steps".to_string()];
    for t in &run.tracks {
        let k = track_key(&t.algo);
        for q in ["loss_mean", "loss_min", "loss_max", "avg_loss", "avg_distance"] {
            header.push(column(&k, q));
        }
    }
    let mut out = header.join(",") + "\n";
    let rows = run.tracks.iter().map(|t| t.loss.buckets().len()).max().unwrap_or(0);
    for r in 0..rows {
        let Some(first) = run.tracks.iter().find_map(|t| t.loss.buckets().get(r)) else { break };
        out.push_str(&format!("{},{}", first.start, first.len));
        for t in &run.tracks {
            let at = |h: &crate::sim::record::History| h.buckets().get(r).map(|b| b.mean());
            match (t.loss.buckets().get(r), at(&t.avg_loss), at(&t.distance)) {
                (Some(b), Some(avg), Some(d)) => {
                    out.push_str(&format!(",{:e},{:e},{:e},{avg:e},{d:e}", b.mean(), b.min, b.max))
                }
                _ => out.push_str(",,,,,"),
            }
        }
        out.push('\n');
    }
    out
}

/// The header of the trajectory table (`playground run --csv --every K`): `step`, then per track
/// f(W_k) − f*, ‖∇f(W_k)‖², f(W̄_k) − f*, ‖W̄_k − w*‖ and the weights W_k.
pub fn trajectory_header(run: &Run) -> String {
    let dim = run.problem.dim();
    let mut header = vec!["step".to_string()];
    for t in &run.tracks {
        let k = track_key(&t.algo);
        for q in ["loss", "grad_sq", "avg_loss", "avg_distance"] {
            header.push(column(&k, q));
        }
        header.extend((0..dim).map(|i| column(&k, &format!("w{i}"))));
    }
    header.join(",")
}

/// One row of the trajectory table at the run's current step.
pub fn trajectory_row(run: &Run, scratch: &mut [f64], grad: &mut [f64]) -> String {
    let mut row = vec![run.step.to_string()];
    for t in &run.tracks {
        let loss = run.problem.eval(&t.algo.w, scratch, grad);
        let gsq: f64 = grad.iter().map(|g| g * g).sum();
        let avg_loss = run.problem.eval(&t.average.mean, scratch, grad);
        row.push(format!("{loss:e}"));
        row.push(format!("{gsq:e}"));
        row.push(format!("{avg_loss:e}"));
        row.push(format!("{:e}", t.average.distance_to(&run.optimum)));
        row.extend(t.algo.w.iter().map(|w| format!("{w}")));
    }
    row.join(",")
}

/// The per-epoch curves of a network summary (`playground run --csv` on networks, the page's CSV
/// button there): one row per track and epoch, the track named in the `algorithm` column.
pub fn epochs_csv(summary: &NetSummary) -> String {
    let mut out = String::from("algorithm,epoch,train_loss,test_loss,test_accuracy,max_saturation,pulses\n");
    for a in &summary.algorithms {
        for r in &a.epochs {
            out.push_str(&format!(
                "{},{},{},{},{},{},{}\n",
                a.algorithm, r.epoch, r.train_loss, r.test_loss, r.test_accuracy, r.max_saturation, r.pulses
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::Scenario;

    #[test]
    fn two_forms_of_one_algorithm_get_their_own_columns() {
        let s = Scenario::parse("steps=50&algos=analog,tt&pulses=both").unwrap();
        let mut run = Run::new(&s);
        run.run_to_end();
        for header in [history_csv(&run).lines().next().unwrap().to_string(), trajectory_header(&run)] {
            let names: Vec<&str> = header.split(',').collect();
            let mut unique = names.clone();
            unique.sort();
            unique.dedup();
            assert_eq!(unique.len(), names.len(), "duplicate columns in {header}");
            assert!(names.contains(&"analog_pulse_loss_mean") || names.contains(&"analog_pulse_loss"), "{header}");
        }
        assert_eq!(history_csv(&run).lines().count(), 1 + 50);
    }
}

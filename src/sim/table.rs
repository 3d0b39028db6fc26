//! The tables a run writes (the CLI's `--csv`, the page's CSV button, the per-epoch CSV of the
//! networks): one place that names their columns, `<track>_<quantity>` with the summary's track
//! key (`analog`, `analog_pulse`, `tt_sample`, …), so two tracks of one algorithm never share a
//! column name and the page's table equals the CLI's. Each table starts with a units line
//! (`# units: …`, one unit per column, built by [`head`] from the [`UNITS`] table), then the header.

use crate::sim::network::NetSummary;
use crate::sim::run::{track_key, Run};

/// The unit of each quantity a table writes, by the column's quantity (its name after the track
/// key; `w` and `avg_w` stand for `w0`, `w1`, … and `avg_w0`, …). Weights and distances are in the
/// device's units (normalised conductance; τ bounds them); losses are f − f* in the problem's
/// units (½·MSE on `lsq`); the networks' losses are the mean negative log-likelihood in nats.
pub const UNITS: &[(&str, &str)] = &[
    ("step", "step"),
    ("steps", "steps"),
    ("loss", "f − f*"),
    ("loss_mean", "f − f*"),
    ("loss_min", "f − f*"),
    ("loss_max", "f − f*"),
    ("avg_loss", "f − f*"),
    ("grad_sq", "‖∇f‖²"),
    ("avg_distance", "weight"),
    ("w", "weight"),
    ("avg_w", "weight"),
    ("algorithm", "name"),
    ("epoch", "epoch"),
    ("train_loss", "NLL (nats)"),
    ("test_loss", "NLL (nats)"),
    ("test_accuracy", "fraction (0–1)"),
    ("max_saturation", "|W|/τ"),
    ("pulses", "pulses"),
];

/// The start of a table's first line: the units line is `# units: ` then one unit per column,
/// comma-separated, aligned with the header that follows it (pandas: `comment='#'` skips it).
pub const UNITS_PREFIX: &str = "# units: ";

/// The column of `quantity` of track `track` (a summary track key).
pub fn column(track: &str, quantity: &str) -> String {
    format!("{track}_{quantity}")
}

/// The unit of a column (by the longest quantity of [`UNITS`] it is or ends with), if known.
pub fn unit_of(column: &str) -> Option<&'static str> {
    let name = match column.trim_end_matches(|c: char| c.is_ascii_digit()) {
        stem if stem.len() < column.len() && (stem == "w" || stem.ends_with("_w")) => stem,
        _ => column,
    };
    UNITS
        .iter()
        .filter(|(q, _)| name == *q || name.strip_suffix(q).is_some_and(|rest| rest.ends_with('_')))
        .max_by_key(|(q, _)| q.len())
        .map(|&(_, unit)| unit)
}

/// The first two lines of a table with these columns, without the final newline: the units line
/// ([`UNITS_PREFIX`], a unit per column; empty for a column [`UNITS`] does not know) and the header.
pub fn head(columns: &[String]) -> String {
    let units: Vec<&str> = columns.iter().map(|c| unit_of(c).unwrap_or("")).collect();
    format!("{UNITS_PREFIX}{}\n{}", units.join(","), columns.join(","))
}

/// The recorded curves of every track, one row per recorded bucket (each step while the run is
/// short; merged buckets of equal length for long runs): `step` (the first step of the row) and
/// `steps` (how many it covers), then per track the mean, min and max of the raw iterates'
/// f(W_k) − f*, the means of the averaged iterate's f(W̄_k) − f* and ‖W̄_k − w*‖, and on problems
/// of at most [`crate::sim::run::AVG_W_COLUMNS_DIM`] weights W̄ at the row's last step
/// (`avg_w0`, `avg_w1`, …). The page's CSV button and `playground run --csv` (without `--every`)
/// write exactly this, after the units line.
pub fn history_csv(run: &Run) -> String {
    let mut header = vec!["step".to_string(), "steps".to_string()];
    for t in &run.tracks {
        let k = track_key(&t.algo);
        for q in ["loss_mean", "loss_min", "loss_max", "avg_loss", "avg_distance"] {
            header.push(column(&k, q));
        }
        if t.average.keeps_bucket_ends() {
            header.extend((0..t.average.mean.len()).map(|i| column(&k, &format!("avg_w{i}"))));
        }
    }
    let mut out = head(&header) + "\n";
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
            if t.average.keeps_bucket_ends() {
                match t.average.bucket_end(r) {
                    Some(w) => w.iter().for_each(|w| out.push_str(&format!(",{w}"))),
                    None => out.push_str(&",".repeat(t.average.mean.len())),
                }
            }
        }
        out.push('\n');
    }
    out
}

/// The head of the trajectory table (`playground run --csv --every K`; the units line, a newline
/// and the header): `step`, then per track f(W_k) − f*, ‖∇f(W_k)‖², f(W̄_k) − f*, ‖W̄_k − w*‖ and
/// the weights W_k.
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
    head(&header)
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
/// button there): one row per track and epoch, the track named in the `algorithm` column, after
/// the units line. `test_accuracy` is the share of test images classified right, in [0, 1].
pub fn epochs_csv(summary: &NetSummary) -> String {
    let columns = ["algorithm", "epoch", "train_loss", "test_loss", "test_accuracy", "max_saturation", "pulses"];
    let mut out = head(&columns.map(String::from)) + "\n";
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

    /// The units line and the header of a table, split into fields.
    fn units_and_header(csv: &str) -> (Vec<&str>, Vec<&str>) {
        let mut lines = csv.lines();
        let units = lines.next().unwrap().strip_prefix(UNITS_PREFIX).expect("the units line comes first");
        (units.split(',').collect(), lines.next().unwrap().split(',').collect())
    }

    #[test]
    fn two_forms_of_one_algorithm_get_their_own_columns() {
        let s = Scenario::parse("steps=50&algos=analog,tt&pulses=both").unwrap();
        let mut run = Run::new(&s);
        run.run_to_end();
        for table in [history_csv(&run), trajectory_header(&run)] {
            let (_, names) = units_and_header(&table);
            let mut unique = names.clone();
            unique.sort();
            unique.dedup();
            assert_eq!(unique.len(), names.len(), "duplicate columns in {table}");
            assert!(names.contains(&"analog_pulse_loss_mean") || names.contains(&"analog_pulse_loss"), "{table}");
        }
        assert_eq!(history_csv(&run).lines().count(), 2 + 50);
    }

    #[test]
    fn every_column_has_a_unit_on_the_line_above_it() {
        let mut run = Run::new(&Scenario::parse("steps=300&algos=digital,analog,tt&pulses=both").unwrap());
        run.run_to_end();
        let mut lsq = Run::new(&Scenario::parse("problem=lsq&dim=4&rows=8&steps=20").unwrap());
        lsq.run_to_end();
        for table in [history_csv(&run), trajectory_header(&run), history_csv(&lsq), trajectory_header(&lsq)] {
            let (units, names) = units_and_header(&table);
            assert_eq!(units.len(), names.len(), "{table}");
            for (u, n) in units.iter().zip(&names) {
                assert!(!u.is_empty(), "no unit for {n}");
            }
        }
        let csv = history_csv(&run);
        let (units, names) = units_and_header(&csv);
        let unit = |name: &str| units[names.iter().position(|n| *n == name).unwrap()];
        assert_eq!(unit("step"), "step");
        assert_eq!(unit("steps"), "steps");
        assert_eq!(unit("analog_pulse_loss_max"), "f − f*");
        assert_eq!(unit("tt_avg_loss"), "f − f*");
        assert_eq!(unit("tt_pulse_avg_distance"), "weight");
        assert_eq!(unit("digital_avg_w1"), "weight");
        assert_eq!(unit_of("analog_grad_sq"), Some("‖∇f‖²"));
        assert_eq!(unit_of("tt_pulse_w12"), Some("weight"));
        assert_eq!(unit_of("tt_sample_test_loss"), Some("NLL (nats)"));
        assert_eq!(unit_of("nonsense"), None);
        // Every unit is one CSV field.
        assert!(UNITS
            .iter()
            .all(|(q, u)| !u.is_empty() && !u.contains(',') && !u.contains('#') && unit_of(q) == Some(*u)));
    }

    #[test]
    fn the_history_table_carries_the_averaged_iterate_and_ends_at_the_final_one() {
        // Short (a row per step) and long (merged buckets, the last one partial).
        for steps in [40u64, 5000, 12_345] {
            let mut run =
                Run::new(&Scenario::parse(&format!("steps={steps}&algos=digital,analog,tt&pulses=both")).unwrap());
            run.run_to_end();
            let csv = history_csv(&run);
            let (_, names) = units_and_header(&csv);
            let rows: Vec<Vec<&str>> = csv.lines().skip(2).map(|l| l.split(',').collect()).collect();
            assert!(rows.iter().all(|r| r.len() == names.len()));
            let last = rows.last().unwrap();
            let (start, len): (u64, u64) = (last[0].parse().unwrap(), last[1].parse().unwrap());
            assert_eq!(start + len, steps, "the last row ends at the last step");
            for t in &run.tracks {
                let k = track_key(&t.algo);
                assert_eq!(t.average.mean.len(), 2);
                for (i, w) in t.average.mean.iter().enumerate() {
                    let at = names.iter().position(|n| *n == column(&k, &format!("avg_w{i}"))).unwrap();
                    assert_eq!(last[at].parse::<f64>().unwrap(), *w, "{k} avg_w{i} after {steps} steps");
                }
            }
        }
        // Large problems leave the weights to the trajectory table.
        let mut run = Run::new(&Scenario::parse("problem=lsq&steps=30").unwrap());
        assert!(run.problem.dim() > crate::sim::run::AVG_W_COLUMNS_DIM);
        run.run_to_end();
        assert!(!history_csv(&run).contains("avg_w"));
    }
}

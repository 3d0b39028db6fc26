//! A network run's summary (what `playground run` prints, per track and over seeds) and the
//! ensemble of one run per noise seed.

use super::{finite_or_nan, EpochRecord, NetRun};
use crate::sim::ensemble::seed_of;
use crate::sim::numeric::seed_mean_sd;
use crate::sim::scenario::Scenario;
use serde::{Deserialize, Serialize};

/// What `playground run` prints for `digits`.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct NetSummary {
    pub scenario: String,
    /// Completed epochs.
    pub epochs: u64,
    pub train_images: usize,
    pub test_images: usize,
    /// The device's τ (half its range; saturation is |w|/τ).
    #[serde(deserialize_with = "finite_or_nan")]
    pub tau: f64,
    pub algorithms: Vec<NetTrackSummary>,
}

/// One track's results.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct NetTrackSummary {
    /// `digital`, `analog`, `tt`, with `_sample` (expected dynamic per sample) or `_pulse`.
    pub algorithm: String,
    /// Test accuracy after the last epoch, in [0, 1].
    #[serde(deserialize_with = "finite_or_nan")]
    pub final_accuracy: f64,
    #[serde(deserialize_with = "finite_or_nan")]
    pub best_accuracy: f64,
    pub best_epoch: u64,
    #[serde(deserialize_with = "finite_or_nan")]
    pub final_train_loss: f64,
    /// max |W|/τ at the end.
    #[serde(deserialize_with = "finite_or_nan")]
    pub max_saturation: f64,
    /// Counts of |W|/τ in 20 bins over [0, 1] (paper Fig. 7).
    pub saturation_histogram: Vec<u64>,
    pub pulses: u64,
    #[serde(deserialize_with = "finite_or_nan")]
    pub pulses_per_sample: f64,
    pub diverged: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub diverged_at_epoch: Option<u64>,
    /// Per epoch (epoch 0 is the untrained network).
    pub epochs: Vec<EpochRecord>,
    /// With `seeds=K`: the accuracies above are means over the seeds and this holds the spread.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub spread: Option<NetSpread>,
}

/// Standard deviations over seeds.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct NetSpread {
    pub seeds: usize,
    #[serde(deserialize_with = "finite_or_nan")]
    pub final_accuracy: f64,
    #[serde(deserialize_with = "finite_or_nan")]
    pub best_accuracy: f64,
    /// Per epoch: the standard deviation of the test accuracy.
    pub test_accuracy: Vec<f64>,
}

/// The class a network answers for at least half of the test set, and its share: a collapse
/// (MNIST's classes are about a tenth each), as Analog SGD's with learned out scales at small τ.
pub fn class_collapse(counts: &[u64; 10]) -> Option<(u8, f64)> {
    let total = counts.iter().sum::<u64>();
    let (class, &top) = counts.iter().enumerate().max_by_key(|(c, n)| (**n, std::cmp::Reverse(*c)))?;
    let share = top as f64 / total.max(1) as f64;
    (total > 0 && share >= 0.5).then_some((class as u8, share))
}

/// The runs of all seeds of a digits scenario (`seeds=K`: seed, seed + 1, …).
#[derive(Clone, Debug)]
pub struct NetEnsemble {
    pub runs: Vec<NetRun>,
}

impl NetEnsemble {
    pub fn new(s: &Scenario) -> NetEnsemble {
        NetEnsemble { runs: (0..s.seeds.max(1)).map(|k| NetRun::with_seed(s, seed_of(s, k))).collect() }
    }
    pub fn first(&self) -> &NetRun {
        &self.runs[0]
    }
    pub fn finished(&self) -> bool {
        self.runs.iter().all(NetRun::finished)
    }
    pub fn step_n(&mut self, n: u64) {
        for r in &mut self.runs {
            r.step_n(n);
        }
    }
    pub fn run_to_end(&mut self) {
        for r in &mut self.runs {
            r.run_to_end();
        }
    }

    /// [`NetEnsemble::run_to_end`] on up to `threads` threads: the seeds in parallel, and the
    /// threads left over shared among each seed's tracks. Bit-identical for any thread count.
    pub fn run_to_end_threads(&mut self, threads: usize) {
        let per_run = (threads / self.runs.len().max(1)).max(1);
        crate::sim::pool::par_for_each(&mut self.runs, threads, |r| r.run_to_end_threads(per_run));
    }

    /// One more epoch of every seed, threaded as [`NetEnsemble::run_to_end_threads`] (the seeds
    /// share nothing, so stopping at each epoch changes no number).
    pub fn run_epoch_threads(&mut self, threads: usize) {
        let per_run = (threads / self.runs.len().max(1)).max(1);
        crate::sim::pool::par_for_each(&mut self.runs, threads, |r| r.run_epoch_threads(per_run));
    }

    /// One seed: that run's summary; several: per-epoch means, with the spread.
    pub fn summary(&self) -> NetSummary {
        let mut out = self.runs[0].summary();
        if self.runs.len() == 1 {
            return out;
        }
        let all: Vec<NetSummary> = self.runs.iter().map(NetRun::summary).collect();
        let k = all.len() as f64;
        let mean_sd = seed_mean_sd;
        for (t, track) in out.algorithms.iter_mut().enumerate() {
            let of = |f: &dyn Fn(&NetTrackSummary) -> f64| all.iter().map(|s| f(&s.algorithms[t])).collect::<Vec<_>>();
            let (final_accuracy, final_sd) = mean_sd(&of(&|a| a.final_accuracy));
            let (best_accuracy, best_sd) = mean_sd(&of(&|a| a.best_accuracy));
            track.final_accuracy = final_accuracy;
            track.best_accuracy = best_accuracy;
            track.final_train_loss = of(&|a| a.final_train_loss).iter().sum::<f64>() / k;
            track.max_saturation = of(&|a| a.max_saturation).iter().sum::<f64>() / k;
            track.diverged = all.iter().any(|s| s.algorithms[t].diverged);
            let epochs = all.iter().map(|s| s.algorithms[t].epochs.len()).min().unwrap_or(0);
            let mut sds = Vec::with_capacity(epochs);
            for e in 0..epochs {
                let accs: Vec<f64> = all.iter().map(|s| s.algorithms[t].epochs[e].test_accuracy).collect();
                let (m, sd) = mean_sd(&accs);
                let r = &mut track.epochs[e];
                r.test_accuracy = m;
                r.train_loss = all.iter().map(|s| s.algorithms[t].epochs[e].train_loss).sum::<f64>() / k;
                r.test_loss = all.iter().map(|s| s.algorithms[t].epochs[e].test_loss).sum::<f64>() / k;
                sds.push(sd);
            }
            track.epochs.truncate(epochs);
            track.spread = Some(NetSpread {
                seeds: all.len(),
                final_accuracy: final_sd,
                best_accuracy: best_sd,
                test_accuracy: sds,
            });
        }
        out
    }
}

#[cfg(test)]
mod collapse_tests {
    use super::class_collapse;

    #[test]
    fn a_collapse_is_one_class_for_at_least_half_of_the_test_set() {
        assert_eq!(class_collapse(&[0, 10_000, 0, 0, 0, 0, 0, 0, 0, 0]), Some((1, 1.0)));
        assert_eq!(class_collapse(&[5000, 0, 0, 0, 0, 0, 0, 0, 0, 5000]), Some((0, 0.5)));
        assert_eq!(class_collapse(&[980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]), None);
        assert_eq!(class_collapse(&[0; 10]), None);
    }
}

//! Several noise seeds of one scenario (`seeds=K`): runs with seeds seed, seed + 1, …,
//! seed + K − 1 on the same problem data and devices, stepped together, summarised by mean and
//! standard deviation. With K = 1 it is exactly one [`Run`].

use crate::sim::numeric::seed_mean_sd;
use crate::sim::run::{problem_of, AlgorithmSummary, SeedSpread, Summary, DEFAULT_TAIL};
use crate::sim::scenario::{Scenario, MAX_SEED};
use crate::sim::Run;

/// The runs of all seeds of a scenario.
#[derive(Clone, Debug)]
pub struct Ensemble {
    /// `runs[k]` uses noise seed `seed + k` (wrapping inside the seed range).
    pub runs: Vec<Run>,
}

/// The noise seed of the `k`-th run.
pub fn seed_of(s: &Scenario, k: u64) -> u64 {
    (s.seed + k) % (MAX_SEED + 1)
}

impl Ensemble {
    /// Fresh runs for every seed; tail means over the last 20 % of steps.
    pub fn new(scenario: &Scenario) -> Ensemble {
        Ensemble::with_tail(scenario, DEFAULT_TAIL)
    }

    /// Fresh runs for every seed; tail means over the last `tail` fraction of steps.
    pub fn with_tail(scenario: &Scenario, tail: f64) -> Ensemble {
        let problem = problem_of(scenario);
        let runs = (0..scenario.seeds.max(1))
            .map(|k| Run::build(scenario, tail, problem.clone(), seed_of(scenario, k)))
            .collect();
        Ensemble { runs }
    }

    /// The first seed's run (what the landscape shows).
    pub fn first(&self) -> &Run {
        &self.runs[0]
    }

    /// `n` more steps of every run (fewer if they finish).
    pub fn step_n(&mut self, n: u64) {
        for r in &mut self.runs {
            r.step_n(n);
        }
    }

    /// Steps every run to the end.
    pub fn run_to_end(&mut self) {
        for r in &mut self.runs {
            r.run_to_end();
        }
    }

    /// [`Ensemble::run_to_end`] with the seeds on up to `threads` threads (bit-identical: the
    /// seeds share nothing).
    pub fn run_to_end_threads(&mut self, threads: usize) {
        crate::sim::pool::par_for_each(&mut self.runs, threads, Run::run_to_end);
    }

    pub fn finished(&self) -> bool {
        self.runs.iter().all(Run::finished)
    }

    /// Steps taken (by the first run; they move together).
    pub fn step(&self) -> u64 {
        self.runs[0].step
    }

    /// The summary: one run's own for K = 1; otherwise means over seeds with their spread.
    pub fn summary(&self) -> Summary {
        let mut summaries: Vec<Summary> = self.runs.iter().map(Run::summary).collect();
        let mut first = summaries.remove(0);
        if summaries.is_empty() {
            return first;
        }
        let k = summaries.len() + 1;
        for (i, a) in first.algorithms.iter_mut().enumerate() {
            let all: Vec<&AlgorithmSummary> =
                std::iter::once(&*a).chain(summaries.iter().map(|s| &s.algorithms[i])).collect::<Vec<_>>();
            let stat =
                |f: &dyn Fn(&AlgorithmSummary) -> f64| seed_mean_sd(&all.iter().map(|s| f(s)).collect::<Vec<_>>());
            let vec_stat = |f: &dyn Fn(&AlgorithmSummary) -> &Vec<f64>| {
                let dim = f(all[0]).len();
                let cols: Vec<(f64, f64)> =
                    (0..dim).map(|j| seed_mean_sd(&all.iter().map(|s| f(s)[j]).collect::<Vec<_>>())).collect();
                (cols.iter().map(|c| c.0).collect::<Vec<_>>(), cols.iter().map(|c| c.1).collect::<Vec<_>>())
            };
            let final_loss = stat(&|s| s.final_loss);
            let tail_loss = stat(&|s| s.tail_loss);
            let tail_grad_sq = stat(&|s| s.tail_grad_sq);
            let s_k = stat(&|s| s.s_k);
            let avg_distance = stat(&|s| s.avg_distance);
            let avg_loss = stat(&|s| s.avg_loss);
            let avg_w = vec_stat(&|s| &s.avg_w);
            let tail_w = vec_stat(&|s| &s.tail_w_mean);
            let final_w = vec_stat(&|s| &s.final_w);
            let pulses = all.iter().map(|s| s.pulses).sum::<u64>() / k as u64;
            let pulses_per_step = all.iter().map(|s| s.pulses_per_step).sum::<f64>() / k as f64;
            let max_saturation = all.iter().map(|s| s.max_saturation).fold(0.0, f64::max);
            let diverged = all.iter().any(|s| s.diverged);
            let diverged_at = all.iter().filter_map(|s| s.diverged_at).min();
            a.final_loss = final_loss.0;
            a.tail_loss = tail_loss.0;
            a.tail_grad_sq = tail_grad_sq.0;
            a.s_k = s_k.0;
            a.avg_distance = avg_distance.0;
            a.avg_loss = avg_loss.0;
            a.avg_w = avg_w.0;
            a.tail_w_mean = tail_w.0;
            a.final_w = final_w.0;
            a.final_p = None;
            a.pulses = pulses;
            a.pulses_per_step = pulses_per_step;
            a.max_saturation = max_saturation;
            a.diverged = diverged;
            a.diverged_at = diverged_at;
            a.spread = Some(SeedSpread {
                seeds: k,
                final_loss: final_loss.1,
                tail_loss: tail_loss.1,
                tail_grad_sq: tail_grad_sq.1,
                tail_w_mean: tail_w.1,
                avg_distance: avg_distance.1,
                avg_loss: avg_loss.1,
                final_w: final_w.1,
                s_k: s_k.1,
            });
        }
        first
    }
}

//! One experiment type for every problem: a scenario run with every noise seed, either stepped
//! (quadratic, lsq, lower_bound: optimizer steps, an [`Ensemble`]) or epoched (the networks:
//! mini-batches and epochs, a [`NetEnsemble`]), and its summary. The command line's `run`, sweep
//! cells (natively and in the Web Workers), the workers' training runs and the golden fixture all
//! go through it; a view that draws a problem's internals (the 2-D landscape, the digits panels)
//! reads the inner ensemble. Seed statistics have one definition,
//! [`seed_mean_sd`](crate::sim::numeric::seed_mean_sd).

use crate::sim::network::{NetEnsemble, NetSummary};
use crate::sim::run::DEFAULT_TAIL;
use crate::sim::{Ensemble, Scenario, Summary};
use serde::Serialize;

/// A scenario with every seed's run.
#[derive(Clone, Debug)]
pub enum Experiment {
    Stepped(Ensemble),
    Epoched(NetEnsemble),
}

/// What `playground run` prints: the stepped or the epoched summary, as its own JSON.
#[derive(Clone, Debug, Serialize)]
#[serde(untagged)]
pub enum ExperimentSummary {
    Stepped(Summary),
    Epoched(NetSummary),
}

impl Experiment {
    pub fn new(scenario: &Scenario) -> Experiment {
        Experiment::with_tail(scenario, DEFAULT_TAIL)
    }

    /// With the share `tail` of steps the stepped summaries average over (`run --tail`).
    pub fn with_tail(scenario: &Scenario, tail: f64) -> Experiment {
        if scenario.problem.is_network() {
            Experiment::Epoched(NetEnsemble::new(scenario))
        } else {
            Experiment::Stepped(Ensemble::with_tail(scenario, tail))
        }
    }

    /// `n` more steps (stepped) or mini-batches (epoched) of every seed.
    pub fn advance(&mut self, n: u64) {
        match self {
            Experiment::Stepped(e) => e.step_n(n),
            Experiment::Epoched(e) => e.step_n(n),
        }
    }

    /// One slice of work of a few milliseconds at most: 2048 steps on small problems, 128 on
    /// larger ones, 4 mini-batches on the networks.
    pub fn step_slice(&mut self) {
        let n = match self {
            Experiment::Stepped(e) if e.first().problem.dim() <= 4 => 2048,
            Experiment::Stepped(_) => 128,
            Experiment::Epoched(_) => 4,
        };
        self.advance(n);
    }

    pub fn run_to_end(&mut self) {
        match self {
            Experiment::Stepped(e) => e.run_to_end(),
            Experiment::Epoched(e) => e.run_to_end(),
        }
    }

    /// [`Experiment::run_to_end`] on up to `threads` threads, bit-identical for any count.
    pub fn run_to_end_threads(&mut self, threads: usize) {
        match self {
            Experiment::Stepped(e) => e.run_to_end_threads(threads),
            Experiment::Epoched(e) => e.run_to_end_threads(threads),
        }
    }

    pub fn finished(&self) -> bool {
        match self {
            Experiment::Stepped(e) => e.finished(),
            Experiment::Epoched(e) => e.finished(),
        }
    }

    /// The summary so far (final once [`Experiment::finished`]): one seed's own, or means over
    /// seeds with their spread.
    pub fn summary(&self) -> ExperimentSummary {
        match self {
            Experiment::Stepped(e) => ExperimentSummary::Stepped(e.summary()),
            Experiment::Epoched(e) => ExperimentSummary::Epoched(e.summary()),
        }
    }

    /// The networks' ensemble (`None` on the stepped problems).
    pub fn epoched(&self) -> Option<&NetEnsemble> {
        match self {
            Experiment::Epoched(e) => Some(e),
            Experiment::Stepped(_) => None,
        }
    }

    /// The stepped problems' ensemble (`None` on the networks).
    pub fn stepped(&self) -> Option<&Ensemble> {
        match self {
            Experiment::Stepped(e) => Some(e),
            Experiment::Epoched(_) => None,
        }
    }

    /// The stepped problems' ensemble, or why there is none (a view that draws a stepped
    /// problem's internals was given a network).
    pub fn into_stepped(self) -> Result<Ensemble, String> {
        match self {
            Experiment::Stepped(e) => Ok(e),
            Experiment::Epoched(_) => {
                Err("a network trains by epochs; this view draws the stepped problems (quadratic, lsq, lower_bound)"
                    .into())
            }
        }
    }

    /// The stepped problems' ensemble, to change (`None` on the networks).
    pub fn stepped_mut(&mut self) -> Option<&mut Ensemble> {
        match self {
            Experiment::Stepped(e) => Some(e),
            Experiment::Epoched(_) => None,
        }
    }

    /// The networks' ensemble, to change (`None` on the stepped problems).
    pub fn epoched_mut(&mut self) -> Option<&mut NetEnsemble> {
        match self {
            Experiment::Epoched(e) => Some(e),
            Experiment::Stepped(_) => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_type_runs_both_kinds_and_prints_their_own_summaries() {
        for q in ["steps=300&algos=digital,analog,tt&seeds=2", "problem=digits&layers=64,8,10&epochs=2&seeds=2"] {
            let s = Scenario::parse(q).unwrap();
            let mut e = Experiment::new(&s);
            assert_eq!(e.epoched().is_some(), s.problem.is_network());
            e.step_slice();
            e.run_to_end();
            assert!(e.finished());
            let inner = match &e {
                Experiment::Stepped(x) => serde_json::to_string(&x.summary()).unwrap(),
                Experiment::Epoched(x) => serde_json::to_string(&x.summary()).unwrap(),
            };
            assert_eq!(serde_json::to_string(&e.summary()).unwrap(), inner, "{q}");
            let mut threaded = Experiment::new(&s);
            threaded.run_to_end_threads(2);
            assert_eq!(serde_json::to_string(&threaded.summary()).unwrap(), inner, "{q}: threads");
            let stepped = Experiment::new(&s).into_stepped();
            assert_eq!(stepped.is_err(), s.problem.is_network(), "{q}");
        }
    }
}

//! A run: one scenario, all its algorithms stepped in lockstep on shared noise, and recorded.

use crate::sim::algorithm::{Algorithm, AlgorithmKind, Observation, Rates};
use crate::sim::device::Device;
use crate::sim::problem::{LowerBound, Lsq, NoiseDraw, Problem, Quadratic};
use crate::sim::record::{History, TailStats, Trail};
use crate::sim::rng::{self, Purpose, SimRng};
use crate::sim::scenario::{DeviceKind, ProblemKind, Scenario};
use crate::sim::theory::Theory;
use serde::Serialize;

/// The default share of steps that tail means average over.
pub const DEFAULT_TAIL: f64 = 0.2;

/// The device a scenario describes.
pub fn device_of(s: &Scenario) -> Device {
    match s.device {
        DeviceKind::Ideal => Device::Ideal,
        DeviceKind::Ald => Device::Ald { tau: s.tau, sp: s.sp },
    }
}

/// The problem a scenario describes (generates `lsq` data from `data_seed`).
pub fn problem_of(s: &Scenario) -> Problem {
    match s.problem {
        ProblemKind::Quadratic => {
            let dim = s.wstar.len();
            Problem::Quadratic(Quadratic {
                h: (0..dim).map(|i| s.h_at(i)).collect(),
                wstar: s.wstar.clone(),
                w0: (0..dim).map(|i| s.w0_at(i)).collect(),
                sigma: s.sigma,
            })
        }
        ProblemKind::Lsq => Problem::Lsq(Lsq::generate(s.dim as usize, s.rows as usize, s.data_seed, s.sigma)),
        ProblemKind::LowerBound => Problem::LowerBound(LowerBound {
            dim: s.dim as usize,
            curvature: s.curvature,
            wstar: s.wstar[0],
            tau: s.tau,
            sigma: s.sigma,
        }),
    }
}

/// One algorithm and its records.
#[derive(Clone, Debug)]
pub struct Track {
    pub algo: Algorithm,
    /// f(W_k) − f* per step.
    pub loss: History,
    /// ‖∇f(W_k)‖² per step.
    pub grad_sq: History,
    /// W_k per step.
    pub trail: Trail,
    /// Tail means and saturation.
    pub tail: TailStats,
    /// The step at which the run became non-finite.
    pub diverged_at: Option<u64>,
}

/// A scenario being simulated.
#[derive(Clone, Debug)]
pub struct Run {
    pub scenario: Scenario,
    pub problem: Problem,
    pub device: Device,
    pub tracks: Vec<Track>,
    pub theory: Theory,
    /// Steps taken so far.
    pub step: u64,
    noise_rng: SimRng,
    noise: NoiseDraw,
}

impl Run {
    /// A fresh run whose tail means cover the last 20 % of `scenario.steps`.
    pub fn new(scenario: &Scenario) -> Run {
        Run::with_tail(scenario, DEFAULT_TAIL)
    }

    /// A fresh run whose tail means cover the last `tail` fraction (0 < tail ≤ 1) of the steps.
    pub fn with_tail(scenario: &Scenario, tail: f64) -> Run {
        let problem = problem_of(scenario);
        let device = device_of(scenario);
        let rates =
            Rates { alpha: scenario.alpha, beta: scenario.beta, gamma: scenario.gamma, every: scenario.every.max(1) };
        let dim = problem.dim();
        let tail_len = ((scenario.steps as f64 * tail.clamp(0.0, 1.0)).round() as u64).clamp(1, scenario.steps.max(1));
        let tail_start = scenario.steps.saturating_sub(tail_len);
        let window = (65_536 / dim).clamp(64, 4096);
        let tracks = scenario
            .algos
            .iter()
            .map(|&kind| Track {
                algo: Algorithm::new(kind, problem.start(), device, rates),
                loss: History::new(4096, 1024),
                grad_sq: History::new(4096, 1024),
                trail: Trail::new(dim, window, 2048),
                tail: TailStats::new(dim, tail_start),
                diverged_at: None,
            })
            .collect();
        let theory = Theory::predict(&problem, &device, scenario.alpha);
        Run {
            scenario: scenario.clone(),
            noise: problem.noise_buffer(),
            problem,
            device,
            tracks,
            theory,
            step: 0,
            noise_rng: rng::stream(scenario.seed, Purpose::GradientNoise),
        }
    }

    /// Whether `scenario.steps` steps have been taken.
    pub fn finished(&self) -> bool {
        self.step >= self.scenario.steps
    }

    /// One step of every algorithm on the same noise.
    #[inline]
    pub fn step(&mut self) {
        self.problem.draw_noise(&mut self.noise_rng, &mut self.noise);
        let tau = self.device.tau();
        for t in &mut self.tracks {
            let Track { algo, loss, grad_sq, trail, tail, diverged_at } = t;
            let k = algo.k;
            let stepped = algo.step(&self.problem, &self.noise, |w: &[f64], obs: Observation| {
                loss.push(obs.loss);
                grad_sq.push(obs.grad_sq);
                trail.push(w);
                tail.push(k, w, obs.loss, obs.grad_sq, tau);
            });
            if !stepped && diverged_at.is_none() && algo.diverged {
                *diverged_at = Some(k);
            }
        }
        self.step += 1;
    }

    /// `n` steps (or fewer if the run finishes).
    pub fn step_n(&mut self, n: u64) {
        let n = n.min(self.scenario.steps.saturating_sub(self.step));
        for _ in 0..n {
            self.step();
        }
    }

    /// Runs to `scenario.steps`.
    pub fn run_to_end(&mut self) {
        self.step_n(u64::MAX);
    }

    /// The track of algorithm `kind`, if it runs.
    pub fn track(&self, kind: AlgorithmKind) -> Option<&Track> {
        self.tracks.iter().find(|t| t.algo.kind == kind)
    }

    /// The summary of the run so far.
    pub fn summary(&self) -> Summary {
        Summary {
            scenario: self.scenario.to_query(),
            steps: self.step,
            algorithms: self
                .tracks
                .iter()
                .map(|t| AlgorithmSummary {
                    algorithm: t.algo.kind.key().to_string(),
                    final_loss: t.algo.current_loss(&self.problem),
                    tail_loss: t.tail.loss_mean(),
                    tail_grad_sq: t.tail.grad_sq_mean(),
                    tail_w_mean: t.tail.w_mean(),
                    tail_steps: t.tail.count,
                    final_w: t.algo.w.clone(),
                    final_p: (t.algo.kind == AlgorithmKind::TikiTaka).then(|| t.algo.p.clone()),
                    s_k: t.tail.s_k(),
                    max_saturation: t.tail.max_saturation,
                    diverged: t.algo.diverged,
                    diverged_at: t.diverged_at,
                })
                .collect(),
            theory: self.theory.clone(),
        }
    }
}

/// What `playground run` prints.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Summary {
    /// The canonical scenario query.
    pub scenario: String,
    /// Steps taken.
    pub steps: u64,
    pub algorithms: Vec<AlgorithmSummary>,
    pub theory: Theory,
}

/// One algorithm's results.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct AlgorithmSummary {
    pub algorithm: String,
    /// f(W_K) − f* at the final weights.
    pub final_loss: f64,
    /// Mean of f(W_k) − f* over the tail steps.
    pub tail_loss: f64,
    /// Mean of ‖∇f(W_k)‖² over the tail steps.
    pub tail_grad_sq: f64,
    /// Mean of W_k over the tail steps.
    pub tail_w_mean: Vec<f64>,
    /// How many steps the tail means cover.
    pub tail_steps: u64,
    pub final_w: Vec<f64>,
    /// Tiki-Taka's fast array P at the end.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub final_p: Option<Vec<f64>>,
    /// S_K (paper Thm 2): the mean of (‖W_k‖∞²/τ²)/(1 − ‖W_k‖∞²/τ²) over all steps.
    pub s_k: f64,
    /// max_k ‖W_k‖∞/τ, the saturation degree.
    pub max_saturation: f64,
    pub diverged: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub diverged_at: Option<u64>,
}

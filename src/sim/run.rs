//! A run: one scenario, all its algorithms stepped in lockstep on shared noise, and recorded.

use crate::sim::algorithm::{Algorithm, AlgorithmKind, Observation, Rates, TransferParams};
use crate::sim::device::{AnalogArray, Device, Shape, UpdateMode};
use crate::sim::problem::{LowerBound, Lsq, LsqSpec, NoiseDraw, NoiseGains, Problem, Quadratic};
use crate::sim::record::{BucketEnds, History, TailStats, Trail};
use crate::sim::rng::{self, Purpose, SimRng};
use crate::sim::scenario::{DeviceKind, ProblemKind, PulseMode, PulseNoise, Scenario};
use crate::sim::theory::Theory;
use serde::Serialize;

/// The default share of steps that tail means average over.
pub const DEFAULT_TAIL: f64 = 0.2;

/// The device a scenario describes.
pub fn device_of(s: &Scenario) -> Device {
    let (tau_max, tau_min, gamma_up, gamma_down) = (s.tau_max, s.tau_min, s.g_up, s.g_down);
    let shape = match s.device {
        DeviceKind::Ideal => Shape::Ideal,
        DeviceKind::Ald => Shape::Ald { tau: s.tau, sp: s.sp },
        DeviceKind::SoftBounds => Shape::SoftBounds { tau_max, tau_min },
        DeviceKind::Pow => Shape::Pow { tau_max, tau_min, gamma_up, gamma_down },
        DeviceKind::Exp => Shape::Exp { tau_max, tau_min, gamma_up, gamma_down },
    };
    let up_down = if s.device == DeviceKind::Ideal { 0.0 } else { s.up_down };
    Device { shape, up_down }
}

/// The update mode of a scenario's pulse-level arrays.
pub fn pulse_mode_of(s: &Scenario) -> UpdateMode {
    UpdateMode::Pulsed { dw_min: s.dw_min, bl: s.bl.min(u32::MAX as u64) as u32, c2c: s.c2c }
}

/// The step sizes and transfer settings of a scenario's algorithms.
pub fn rates_of(s: &Scenario) -> Rates {
    Rates {
        alpha: s.alpha,
        beta: s.beta,
        gamma: s.gamma,
        every: s.every.max(1),
        transfer: TransferParams {
            bl: s.transfer_bl.min(u32::MAX as u64) as u32,
            n_reads: s.n_reads as usize,
            read_noise: s.transfer_read_noise,
            dw_min: s.dw_min,
            threshold: s.buffer_threshold,
            momentum: s.buffer_momentum,
            chop_prob: s.chop_prob,
            tail_weightening: s.tail_weightening,
            gamma_r: s.gamma_r,
            eta: s.eta,
            reprogram_every: s.reprogram_every,
        },
    }
}

/// The tracks a scenario runs: each algorithm, and for `pulses=both` the analog ones twice
/// (expected dynamic, then pulse level).
pub fn track_plan(s: &Scenario) -> Vec<(AlgorithmKind, bool)> {
    let mut plan = Vec::new();
    for &kind in &s.algos {
        let analog = kind != AlgorithmKind::Digital && s.device != DeviceKind::Ideal;
        match (analog, s.pulses) {
            (false, _) | (true, PulseMode::Off) => plan.push((kind, false)),
            (true, PulseMode::On) => plan.push((kind, true)),
            (true, PulseMode::Both) => {
                plan.push((kind, false));
                plan.push((kind, true));
            }
        }
    }
    plan
}

/// The problem a scenario describes (generates `lsq` data from `data_seed`). Not for `digits`,
/// which trains a network instead ([`crate::sim::network::NetRun`]).
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
        ProblemKind::Lsq => Problem::Lsq(Lsq::generate(&LsqSpec {
            dim: s.dim as usize,
            rows: s.rows as usize,
            data_seed: s.data_seed,
            xstar_scale: s.xstar_scale,
            a_scale: s.a_scale,
            sigma: s.sigma,
            read_noise: s.read_noise,
            w0: s.w0.clone(),
        })),
        ProblemKind::Digits | ProblemKind::Mnist => {
            unreachable!("network scenarios run through sim::network::NetRun, never Run")
        }
        ProblemKind::LowerBound => Problem::LowerBound(LowerBound {
            dim: s.dim as usize,
            curvature: s.curvature,
            wstar: s.wstar[0],
            tau: device_of(s).tau(),
            sigma: s.sigma,
        }),
    }
}

/// Builds one algorithm with its arrays. Device-to-device variation is drawn per array role
/// (W, P) from `device_seed`, so Analog SGD's W and Tiki-Taka's W are the same physical devices;
/// pulse randomness (and the choppers' draws) has its own stream per algorithm, form and array,
/// named by the algorithm rather than its place in the list, so a track's numbers do not change
/// when other algorithms are added or removed.
#[allow(clippy::too_many_arguments)]
fn build_algorithm(
    s: &Scenario,
    noise_seed: u64,
    kind: AlgorithmKind,
    pulsed: bool,
    w0: Vec<f64>,
    device: Device,
    rates: Rates,
) -> Algorithm {
    let dim = w0.len();
    let mode = if pulsed { pulse_mode_of(s) } else { UpdateMode::Expected };
    // The enum order names the stream: new algorithms go at its end.
    let track = 2 * kind as u64 + u64::from(pulsed);
    let pulses = |role: u64| rng::substream(noise_seed, Purpose::Pulses, 2 * track + role);
    let variation = |role: u64| rng::substream(s.device_seed, Purpose::DeviceVariation, role);
    let (main, fast) = if kind == AlgorithmKind::Digital {
        (AnalogArray::ideal(pulses(0)), AnalogArray::ideal(pulses(1)))
    } else {
        (
            AnalogArray::new(device, mode, s.d2d, dim, &mut variation(0), pulses(0)).with_additive_c2c(s.c2c_mult == 0),
            AnalogArray::new(device, mode, s.d2d, dim, &mut variation(1), pulses(1)).with_additive_c2c(s.c2c_mult == 0),
        )
    };
    let mut algorithm = Algorithm::new(kind, w0, main, fast, rates);
    if s.zero_shift == 1 && kind.transfers() && s.device != DeviceKind::Ideal {
        algorithm.zero_shift(s.zs_pulses);
    }
    if s.pulse_noise == PulseNoise::Read && s.problem == ProblemKind::Lsq && s.pulses != PulseMode::Off {
        algorithm.noise =
            if pulsed { NoiseGains { sigma: 0.0, read: 1.0 } } else { NoiseGains { sigma: 1.0, read: 0.0 } };
    }
    algorithm
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
    /// The averaged iterate (what the landscape draws as the bold marker).
    pub average: AveragedIterate,
    /// Distance of the averaged iterate to the optimum, per step (the distance panel).
    pub distance: History,
    /// f(W̄_k) − f* of the averaged iterate, per step (the loss panel's bold line). On problems
    /// with more than [`AVG_LOSS_EXACT_DIM`] weights it is evaluated every `dim / 8` steps and
    /// held in between (an evaluation costs a Hessian product); summaries evaluate it afresh.
    pub avg_loss: History,
}

/// Up to this many weights the averaged iterate's loss is evaluated every step.
pub const AVG_LOSS_EXACT_DIM: usize = 8;

/// The bucket capacity of a track's [`History`]s (at most twice as many buckets are held).
pub const HISTORY_BUCKETS: usize = 1024;

/// Up to this many weights the averaged iterate is kept at the end of every history bucket (the
/// history table's `avg_w…` columns); larger problems' weights are in the trajectory table.
pub const AVG_W_COLUMNS_DIM: usize = 8;

/// A running average of the iterate W_k: the exact mean of all iterates for the first
/// [`AVERAGE_WINDOW`] steps, then an exponential average with that time constant, so it settles
/// where the iterate sits on average while still following a moving optimum. Its path is kept
/// (at most ~2,000 points) for small problems.
#[derive(Clone, Debug)]
pub struct AveragedIterate {
    pub mean: Vec<f64>,
    count: u64,
    /// Points of the path, `dim` values each, one every `every` steps.
    pub path: Vec<f64>,
    every: u64,
    keep_path: bool,
    /// W̄ at the last step of each bucket of the track's histories (up to
    /// [`AVG_W_COLUMNS_DIM`] weights).
    ends: Option<BucketEnds>,
}

/// Time constant of the exponential average, in steps (the readouts average the same span).
pub const AVERAGE_WINDOW: u64 = 1000;

/// The one definition of the averaged iterate W̄, in words (for `playground keys` and the docs).
pub const AVERAGED_ITERATE: &str = "W̄ (the averaged iterate, the bold marker of the landscape): the exact mean of W_0 … W_{k−1} for the first 1,000 steps, then an exponential average with a time constant of 1,000 steps, W̄ ← W̄ + (W_k − W̄)/1000. Summaries report avg_distance = ‖W̄ − w*‖ (lsq: x*), avg_loss = f(W̄) − f* and avg_w = W̄ at the end, beside tail_loss (mean f(W_k) − f* of the raw iterates over the tail) and tail_grad_sq (mean ‖∇f(W_k)‖² over the tail, the quantity the paper's theorems bound).";

impl AveragedIterate {
    fn new(dim: usize, steps: u64) -> Self {
        AveragedIterate {
            mean: vec![0.0; dim],
            count: 0,
            path: Vec::new(),
            every: (steps / 2000).max(1),
            keep_path: dim <= 4,
            ends: (dim <= AVG_W_COLUMNS_DIM).then(|| BucketEnds::new(dim, HISTORY_BUCKETS)),
        }
    }

    #[inline]
    fn push(&mut self, w: &[f64]) {
        self.count += 1;
        let rate = 1.0 / self.count.min(AVERAGE_WINDOW) as f64;
        for (m, x) in self.mean.iter_mut().zip(w) {
            *m += (x - *m) * rate;
        }
        if self.keep_path && (self.count - 1).is_multiple_of(self.every) {
            self.path.extend_from_slice(&self.mean);
        }
        if let Some(ends) = &mut self.ends {
            ends.push(&self.mean);
        }
    }

    /// W̄ at the last step of bucket `r` of the track's histories (row `r` of
    /// `Track::loss.buckets()`); `None` past the last bucket and on problems of more than
    /// [`AVG_W_COLUMNS_DIM`] weights (see [`AveragedIterate::keeps_bucket_ends`]).
    pub fn bucket_end(&self, r: usize) -> Option<&[f64]> {
        self.ends.as_ref()?.end(r, &self.mean)
    }

    /// Whether W̄ is kept per history bucket (problems of at most [`AVG_W_COLUMNS_DIM`] weights).
    pub fn keeps_bucket_ends(&self) -> bool {
        self.ends.is_some()
    }

    /// How many iterates the average has seen.
    pub fn count(&self) -> u64 {
        self.count
    }

    /// Distance of the averaged iterate to `point`.
    pub fn distance_to(&self, point: &[f64]) -> f64 {
        self.mean.iter().zip(point).map(|(a, b)| (a - b).powi(2)).sum::<f64>().sqrt()
    }
}

/// A scenario being simulated.
#[derive(Clone, Debug)]
pub struct Run {
    pub scenario: Scenario,
    pub problem: Problem,
    pub device: Device,
    pub tracks: Vec<Track>,
    pub theory: Theory,
    /// The problem's optimum (w*, x*), cached for the per-step distance.
    pub optimum: Vec<f64>,
    /// Steps taken so far.
    pub step: u64,
    noise_rng: SimRng,
    noise: NoiseDraw,
    /// Scratch for evaluating f at the averaged iterates.
    eval_scratch: (Vec<f64>, Vec<f64>),
}

impl Run {
    /// A fresh run whose tail means cover the last 20 % of `scenario.steps`.
    pub fn new(scenario: &Scenario) -> Run {
        Run::with_tail(scenario, DEFAULT_TAIL)
    }

    /// A fresh run whose tail means cover the last `tail` fraction (0 < tail ≤ 1) of the steps.
    pub fn with_tail(scenario: &Scenario, tail: f64) -> Run {
        Run::build(scenario, tail, problem_of(scenario), scenario.seed)
    }

    /// A fresh run of `scenario` on an already built `problem` whose noise (and pulse
    /// randomness) comes from `noise_seed` instead of `scenario.seed` (the ensemble's other seeds).
    pub fn build(scenario: &Scenario, tail: f64, problem: Problem, noise_seed: u64) -> Run {
        let device = device_of(scenario);
        let rates = rates_of(scenario);
        let dim = problem.dim();
        let tail_len = ((scenario.steps as f64 * tail.clamp(0.0, 1.0)).round() as u64).clamp(1, scenario.steps.max(1));
        let tail_start = scenario.steps.saturating_sub(tail_len);
        let window = (65_536 / dim).clamp(64, 4096);
        let tracks = track_plan(scenario)
            .into_iter()
            .map(|(kind, pulsed)| Track {
                algo: build_algorithm(scenario, noise_seed, kind, pulsed, problem.start(), device, rates),
                loss: History::new(4096, HISTORY_BUCKETS),
                grad_sq: History::new(4096, HISTORY_BUCKETS),
                trail: Trail::new(dim, window, 2048),
                tail: TailStats::new(dim, tail_start),
                diverged_at: None,
                average: AveragedIterate::new(dim, scenario.steps),
                distance: History::new(4096, HISTORY_BUCKETS),
                avg_loss: History::new(4096, HISTORY_BUCKETS),
            })
            .collect();
        let theory = Theory::predict(&problem, &device, scenario.alpha);
        let optimum = problem.optimum();
        Run {
            scenario: scenario.clone(),
            noise: problem.noise_buffer(),
            problem,
            device,
            tracks,
            theory,
            optimum,
            step: 0,
            noise_rng: rng::stream(noise_seed, Purpose::GradientNoise),
            eval_scratch: (vec![0.0; dim], vec![0.0; dim]),
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
        let problem = &self.problem;
        let dim = problem.dim();
        let avg_loss_every = if dim <= AVG_LOSS_EXACT_DIM { 1 } else { (dim / AVG_LOSS_EXACT_DIM) as u64 };
        let (scratch, grad) = &mut self.eval_scratch;
        for t in &mut self.tracks {
            let Track { algo, loss, grad_sq, trail, tail, diverged_at, average, distance, avg_loss } = t;
            let optimum = &self.optimum;
            let k = algo.k;
            let stepped = algo.step(problem, &self.noise, |w: &[f64], obs: Observation| {
                loss.push(obs.loss);
                grad_sq.push(obs.grad_sq);
                trail.push(w);
                tail.push(k, w, obs.loss, obs.grad_sq, tau);
                average.push(w);
                distance.push(average.distance_to(optimum));
                let held = avg_loss.last().filter(|_| !k.is_multiple_of(avg_loss_every));
                avg_loss.push(held.unwrap_or_else(|| problem.eval(&average.mean, scratch, grad)));
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

    /// The (first) track of algorithm `kind`, if it runs.
    pub fn track(&self, kind: AlgorithmKind) -> Option<&Track> {
        self.tracks.iter().find(|t| t.algo.kind == kind)
    }

    /// The track of algorithm `kind` in the given update form.
    pub fn track_in(&self, kind: AlgorithmKind, pulsed: bool) -> Option<&Track> {
        self.tracks.iter().find(|t| t.algo.kind == kind && t.algo.pulsed() == pulsed)
    }

    /// The summary of the run so far.
    pub fn summary(&self) -> Summary {
        let dim = self.problem.dim();
        let (mut scratch, mut grad) = (vec![0.0; dim], vec![0.0; dim]);
        Summary {
            scenario: self.scenario.to_query(),
            steps: self.step,
            algorithms: self
                .tracks
                .iter()
                .map(|t| AlgorithmSummary {
                    algorithm: track_key(&t.algo),
                    pulses: t.algo.pulses(),
                    pulses_per_step: t.algo.pulses() as f64 / t.algo.k.max(1) as f64,
                    final_loss: t.algo.current_loss(&self.problem),
                    tail_loss: t.tail.loss_mean(),
                    tail_grad_sq: t.tail.grad_sq_mean(),
                    tail_w_mean: t.tail.w_mean(),
                    tail_steps: t.tail.count,
                    avg_w: t.average.mean.clone(),
                    avg_distance: t.average.distance_to(&self.optimum),
                    avg_loss: self.problem.eval(&t.average.mean, &mut scratch, &mut grad),
                    final_w: t.algo.w.clone(),
                    final_p: t.algo.kind.transfers().then(|| t.algo.p.clone()),
                    zero_shift_pulses: t.algo.sp_estimate.is_some().then_some(t.algo.zero_shift_pulses),
                    sp_estimate: t.algo.sp_estimate.clone(),
                    s_k: t.tail.s_k(),
                    max_saturation: t.tail.max_saturation,
                    diverged: t.algo.diverged,
                    diverged_at: t.diverged_at,
                    spread: None,
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

/// The summary and CSV name of a track: `analog`, or `analog_pulse` at pulse level.
pub fn track_key(a: &Algorithm) -> String {
    if a.pulsed() {
        format!("{}_pulse", a.kind.key())
    } else {
        a.kind.key().to_string()
    }
}

/// One algorithm's results.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct AlgorithmSummary {
    /// `digital`, `analog`, `tt`, or `analog_pulse`, `tt_pulse` at pulse level.
    pub algorithm: String,
    /// Pulses fired by the algorithm's arrays (0 in the expected dynamic).
    pub pulses: u64,
    /// Pulses per step.
    pub pulses_per_step: f64,
    /// f(W_K) − f* at the final weights.
    pub final_loss: f64,
    /// Mean of f(W_k) − f* over the tail steps.
    pub tail_loss: f64,
    /// Mean of ‖∇f(W_k)‖² over the tail steps: the quantity the paper's theorems bound.
    pub tail_grad_sq: f64,
    /// Mean of W_k over the tail steps.
    pub tail_w_mean: Vec<f64>,
    /// How many steps the tail means cover.
    pub tail_steps: u64,
    /// The averaged iterate W̄ (see [`AveragedIterate`]: what the landscape draws).
    pub avg_w: Vec<f64>,
    /// ‖W̄ − w*‖ (x* on `lsq`): where the iterates settle, the quantity the theorems are about.
    pub avg_distance: f64,
    /// f(W̄) − f*.
    pub avg_loss: f64,
    pub final_w: Vec<f64>,
    /// The fast array P at the end (algorithms with a transfer).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub final_p: Option<Vec<f64>>,
    /// Pulses fired by zero-shifting before training (not in `pulses`), when it ran.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub zero_shift_pulses: Option<u64>,
    /// Zero-shifting's estimate of each element's symmetric point in P, when it ran.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sp_estimate: Option<Vec<f64>>,
    /// S_K (paper Thm 2): the mean of (‖W_k‖∞²/τ²)/(1 − ‖W_k‖∞²/τ²) over all steps.
    pub s_k: f64,
    /// max_k ‖W_k‖∞/τ, the saturation degree.
    pub max_saturation: f64,
    pub diverged: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub diverged_at: Option<u64>,
    /// With several noise seeds (`seeds=K`), the fields above are means over the seeds (`diverged`:
    /// any seed) and this holds their standard deviations.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub spread: Option<SeedSpread>,
}

/// Standard deviations over noise seeds of an algorithm's statistics.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct SeedSpread {
    /// Number of seeds.
    pub seeds: usize,
    pub final_loss: f64,
    pub tail_loss: f64,
    pub tail_grad_sq: f64,
    pub tail_w_mean: Vec<f64>,
    pub avg_distance: f64,
    pub avg_loss: f64,
    pub final_w: Vec<f64>,
    pub s_k: f64,
}

//! The training algorithms, each a plain struct stepping a [`Problem`].
//!
//! * Digital SGD: `W ← W − α g`.
//! * Analog SGD (paper eq. 3 in device form): the increment −α g is written into W through the device.
//! * Tiki-Taka: g is taken at W̄ = W + γP; −α g is written into the fast array P through the
//!   device, and every `every` steps β P is written into W through the device. With γ = 0 and
//!   every = 1 this is the paper's Tiki-Taka (whose P carries the opposite sign, and whose
//!   letters α and β are swapped).
//!
//! `g = ∇f(W̄) + noise`, where the noise comes from the run's shared [`NoiseDraw`]. Analog arrays
//! run in the expected dynamic or at pulse level ([`UpdateMode`]); on `lsq` a pulse-level array
//! is trained as a linear layer, with one stochastic pulse-train rank-1 update per sample
//! (see [`rank_one_update`]). An expected-dynamic step is allocation-free.

use crate::sim::device::{AnalogArray, UpdateMode};
use crate::sim::problem::{Lsq, NoiseDraw, NoiseGains, Problem};
use crate::sim::pulse_train::{rank_one_update, PulseTrains};
use serde::{Deserialize, Serialize};

/// Which algorithm.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum AlgorithmKind {
    /// Digital SGD: exact arithmetic, the reference.
    Digital,
    /// Analog SGD: the gradient step written through the device (biased under noise).
    Analog,
    /// Tiki-Taka: a fast array P accumulates gradients and is transferred into W.
    TikiTaka,
}

impl AlgorithmKind {
    /// All algorithms, in display order.
    pub const ALL: [AlgorithmKind; 3] = [AlgorithmKind::Digital, AlgorithmKind::Analog, AlgorithmKind::TikiTaka];

    /// The vocabulary name (`digital`, `analog`, `tt`).
    pub fn key(self) -> &'static str {
        match self {
            AlgorithmKind::Digital => "digital",
            AlgorithmKind::Analog => "analog",
            AlgorithmKind::TikiTaka => "tt",
        }
    }

    /// The human name.
    pub fn label(self) -> &'static str {
        match self {
            AlgorithmKind::Digital => "Digital SGD",
            AlgorithmKind::Analog => "Analog SGD",
            AlgorithmKind::TikiTaka => "Tiki-Taka",
        }
    }

    /// Parses a vocabulary name.
    pub fn from_key(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.key() == s)
    }
}

/// Step-size settings shared by all algorithms of a scenario.
#[derive(Clone, Copy, Debug)]
pub struct Rates {
    /// α, the step size of the array that receives gradients.
    pub alpha: f64,
    /// β, Tiki-Taka's transfer rate P → W.
    pub beta: f64,
    /// γ, Tiki-Taka's mixing: gradients at W + γP.
    pub gamma: f64,
    /// Tiki-Taka's transfer period in steps (≥ 1).
    pub every: u64,
}

/// What one step observed at the weights it started from, W_k.
#[derive(Clone, Copy, Debug)]
pub struct Observation {
    /// f(W_k) − f*.
    pub loss: f64,
    /// ‖∇f(W_k)‖².
    pub grad_sq: f64,
}

/// One algorithm's state.
#[derive(Clone, Debug)]
pub struct Algorithm {
    pub kind: AlgorithmKind,
    /// The main weights W (what the model computes with).
    pub w: Vec<f64>,
    /// Tiki-Taka's fast array P (zeros and unused for the others).
    pub p: Vec<f64>,
    /// The array holding W.
    pub main: AnalogArray,
    /// The array holding P (Tiki-Taka).
    pub fast: AnalogArray,
    rates: Rates,
    /// The noise sources this algorithm sees (all, unless `pulse_noise=read` splits them).
    pub noise: NoiseGains,
    /// Steps taken.
    pub k: u64,
    /// Set when the loss or a weight became non-finite; the algorithm then stops.
    pub diverged: bool,
    grad: Vec<f64>,
    grad_at_w: Vec<f64>,
    wbar: Vec<f64>,
    scratch: Vec<f64>,
    /// Per-sample errors of a pulse-level layer step (reused, so steps do not allocate).
    errors: Vec<f64>,
    /// Bit lines of the pulse-level layer step (reused).
    trains: PulseTrains,
}

impl Algorithm {
    /// A fresh algorithm at `w0` whose W lives on `main` and P on `fast`.
    pub fn new(kind: AlgorithmKind, w0: Vec<f64>, main: AnalogArray, fast: AnalogArray, rates: Rates) -> Self {
        let dim = w0.len();
        Self {
            kind,
            w: w0,
            p: vec![0.0; dim],
            main,
            fast,
            rates,
            noise: NoiseGains::ALL,
            k: 0,
            diverged: false,
            grad: vec![0.0; dim],
            grad_at_w: vec![0.0; dim],
            wbar: vec![0.0; dim],
            scratch: vec![0.0; dim],
            errors: Vec::new(),
            trains: PulseTrains::default(),
        }
    }

    /// Whether this algorithm writes at pulse level.
    pub fn pulsed(&self) -> bool {
        matches!(self.main.mode, UpdateMode::Pulsed { .. })
    }

    /// Pulses fired so far by all arrays of this algorithm.
    pub fn pulses(&self) -> u64 {
        self.main.pulses + self.fast.pulses
    }

    /// Takes one step with this step's shared noise. `observe` is called with W_k and what was
    /// measured there, before the update. Returns false (and does nothing) once diverged.
    #[inline]
    pub fn step(&mut self, problem: &Problem, noise: &NoiseDraw, mut observe: impl FnMut(&[f64], Observation)) -> bool {
        if self.diverged {
            return false;
        }
        let alpha = self.rates.alpha;
        let loss = problem.eval(&self.w, &mut self.scratch, &mut self.grad);
        let grad_sq: f64 = self.grad.iter().map(|g| g * g).sum();
        if !loss.is_finite() || !grad_sq.is_finite() || self.w.iter().any(|w| !w.is_finite()) {
            self.diverged = true;
            return false;
        }
        observe(&self.w, Observation { loss, grad_sq });
        let layer = match problem {
            Problem::Lsq(l) if self.pulsed() => Some(l),
            _ => None,
        };
        match self.kind {
            AlgorithmKind::Digital | AlgorithmKind::Analog => {
                if let Some(l) = layer {
                    layer_step(
                        &mut self.main,
                        &mut self.w,
                        None,
                        l,
                        (noise, self.noise),
                        alpha,
                        (&mut self.errors, &mut self.trains),
                    );
                } else {
                    problem.add_noise(&self.w, noise, self.noise, &mut self.grad);
                    for i in 0..self.w.len() {
                        self.w[i] = self.main.write(i, self.w[i], -alpha * self.grad[i]);
                    }
                }
            }
            AlgorithmKind::TikiTaka => {
                let gamma = self.rates.gamma;
                if gamma != 0.0 {
                    for i in 0..self.w.len() {
                        self.wbar[i] = self.w[i] + gamma * self.p[i];
                    }
                }
                let at = if gamma != 0.0 { &self.wbar } else { &self.w };
                if let Some(l) = layer {
                    layer_step(
                        &mut self.fast,
                        &mut self.p,
                        Some(at),
                        l,
                        (noise, self.noise),
                        alpha,
                        (&mut self.errors, &mut self.trains),
                    );
                } else {
                    if gamma != 0.0 {
                        // The gradient is taken at W̄ = W + γP; the observation above stays at W.
                        std::mem::swap(&mut self.grad, &mut self.grad_at_w);
                        problem.eval(at, &mut self.scratch, &mut self.grad);
                    }
                    problem.add_noise(at, noise, self.noise, &mut self.grad);
                    for i in 0..self.p.len() {
                        self.p[i] = self.fast.write(i, self.p[i], -alpha * self.grad[i]);
                    }
                }
                if (self.k + 1).is_multiple_of(self.rates.every) {
                    let beta = self.rates.beta;
                    for i in 0..self.w.len() {
                        self.w[i] = self.main.write(i, self.w[i], beta * self.p[i]);
                    }
                }
            }
        }
        self.k += 1;
        true
    }

    /// f(W) − f* at the current weights, without stepping.
    pub fn current_loss(&self, problem: &Problem) -> f64 {
        let mut scratch = vec![0.0; self.w.len()];
        let mut grad = vec![0.0; self.w.len()];
        problem.eval(&self.w, &mut scratch, &mut grad)
    }
}

/// One full-batch step of a linear layer at pulse level (aihwkit's semantics): the forward pass
/// computes every sample's error d_n = (A_n·W̄ + read noise − b_n)/N at the step's start, then
/// each sample is one rank-1 update `W ← W − α d_n A_n` by stochastic pulse trains
/// ([`rank_one_update`], a tile with one output), in order. The
/// gradient noise σξ enters as one more rank-1 update with x = ξ, d = σ.
/// `errors` is a reusable buffer (one entry per sample). Kept out of line: the expected-dynamic
/// step that shares `Algorithm::step` is the hot path.
#[inline(never)]
fn layer_step(
    array: &mut AnalogArray,
    target: &mut [f64],
    at: Option<&[f64]>,
    l: &Lsq,
    (noise, gains): (&NoiseDraw, NoiseGains),
    lr: f64,
    (errors, trains): (&mut Vec<f64>, &mut PulseTrains),
) {
    let n = l.rows as f64;
    let dim = l.dim;
    // Errors first (the forward pass sees the weights of the step's start).
    errors.clear();
    {
        let at = at.unwrap_or(target);
        for r in 0..l.rows {
            let row = &l.a[r * dim..(r + 1) * dim];
            let mut y: f64 = row.iter().zip(at).map(|(a, w)| a * w).sum();
            if l.read_noise > 0.0 && gains.read > 0.0 {
                y += l.read_noise * l.row_norms[r] * noise.read[r];
            }
            errors.push((y - l.b[r]) / n);
        }
    }
    for (r, &d) in errors.iter().enumerate() {
        rank_one_update(array, target, &l.a[r * dim..(r + 1) * dim], &[d], lr, trains);
    }
    if l.sigma * gains.sigma > 0.0 {
        rank_one_update(array, target, &noise.normal, &[l.sigma], lr, trains);
    }
}

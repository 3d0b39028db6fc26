//! The training algorithms, each a plain struct stepping a [`Problem`].
//!
//! * Digital SGD: `W ← W − α g`.
//! * Analog SGD (paper eq. 3 in device form): the increment −α g is written into W through the device.
//! * Tiki-Taka: g is taken at W̄ = W + γP; −α g is written into the fast array P through the
//!   device, and every `every` steps β P is written into W through the device. With γ = 0 and
//!   every = 1 this is the paper's Tiki-Taka (whose P carries the opposite sign, and whose
//!   letters α and β are swapped).
//!
//! `g = ∇f(W̄) + noise`, where the noise comes from the run's shared [`NoiseDraw`].
//! A step is allocation-free.

use crate::sim::device::{AnalogArray, Device};
use crate::sim::problem::{NoiseDraw, Problem};
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
    main: AnalogArray,
    fast: AnalogArray,
    rates: Rates,
    /// Steps taken.
    pub k: u64,
    /// Set when the loss or a weight became non-finite; the algorithm then stops.
    pub diverged: bool,
    grad: Vec<f64>,
    grad_at_w: Vec<f64>,
    wbar: Vec<f64>,
    scratch: Vec<f64>,
}

impl Algorithm {
    /// A fresh algorithm at `w0`. Digital SGD ignores `device` (it is exact).
    pub fn new(kind: AlgorithmKind, w0: Vec<f64>, device: Device, rates: Rates) -> Self {
        let dim = w0.len();
        let main_device = if kind == AlgorithmKind::Digital { Device::Ideal } else { device };
        Self {
            kind,
            w: w0,
            p: vec![0.0; dim],
            main: AnalogArray::new(main_device),
            fast: AnalogArray::new(device),
            rates,
            k: 0,
            diverged: false,
            grad: vec![0.0; dim],
            grad_at_w: vec![0.0; dim],
            wbar: vec![0.0; dim],
            scratch: vec![0.0; dim],
        }
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
        match self.kind {
            AlgorithmKind::Digital | AlgorithmKind::Analog => {
                problem.add_noise(&self.w, noise, &mut self.grad);
                for i in 0..self.w.len() {
                    self.w[i] = self.main.write(i, self.w[i], -alpha * self.grad[i]);
                }
            }
            AlgorithmKind::TikiTaka => {
                let gamma = self.rates.gamma;
                if gamma != 0.0 {
                    // The gradient is taken at W̄ = W + γP; the observation above stays at W.
                    std::mem::swap(&mut self.grad, &mut self.grad_at_w);
                    for i in 0..self.w.len() {
                        self.wbar[i] = self.w[i] + gamma * self.p[i];
                    }
                    problem.eval(&self.wbar, &mut self.scratch, &mut self.grad);
                    problem.add_noise(&self.wbar, noise, &mut self.grad);
                } else {
                    problem.add_noise(&self.w, noise, &mut self.grad);
                }
                for i in 0..self.p.len() {
                    self.p[i] = self.fast.write(i, self.p[i], -alpha * self.grad[i]);
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

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
//! (see [`rank_one_pulses`]). An expected-dynamic step is allocation-free.

use crate::sim::device::{AnalogArray, UpdateMode};
use crate::sim::problem::{Lsq, NoiseDraw, Problem};
use crate::sim::rng::SimRng;
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
            k: 0,
            diverged: false,
            grad: vec![0.0; dim],
            grad_at_w: vec![0.0; dim],
            wbar: vec![0.0; dim],
            scratch: vec![0.0; dim],
            errors: Vec::new(),
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
                    layer_step(&mut self.main, &mut self.w, None, l, noise, alpha, &mut self.errors);
                } else {
                    problem.add_noise(&self.w, noise, &mut self.grad);
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
                    layer_step(&mut self.fast, &mut self.p, Some(at), l, noise, alpha, &mut self.errors);
                } else {
                    if gamma != 0.0 {
                        // The gradient is taken at W̄ = W + γP; the observation above stays at W.
                        std::mem::swap(&mut self.grad, &mut self.grad_at_w);
                        problem.eval(at, &mut self.scratch, &mut self.grad);
                    }
                    problem.add_noise(at, noise, &mut self.grad);
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
/// each sample is one rank-1 update `W ← W − α d_n A_n` by stochastic pulse trains, in order. The
/// gradient noise σξ enters as one more rank-1 update with x = ξ, d = σ.
/// `errors` is a reusable buffer (one entry per sample). Kept out of line: the expected-dynamic
/// step that shares `Algorithm::step` is the hot path.
#[inline(never)]
fn layer_step(
    array: &mut AnalogArray,
    target: &mut [f64],
    at: Option<&[f64]>,
    l: &Lsq,
    noise: &NoiseDraw,
    lr: f64,
    errors: &mut Vec<f64>,
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
            if l.read_noise > 0.0 {
                y += l.read_noise * l.row_norms[r] * noise.read[r];
            }
            errors.push((y - l.b[r]) / n);
        }
    }
    for (r, &d) in errors.iter().enumerate() {
        rank_one_pulses(array, target, &l.a[r * dim..(r + 1) * dim], d, lr);
    }
    if l.sigma > 0.0 {
        rank_one_pulses(array, target, &noise.normal, l.sigma, lr);
    }
}

/// One rank-1 update `w ← w − lr·d·x` of a one-output layer by stochastic pulse trains with
/// aihwkit's update management (UBLM + UM, `StochasticCompressed`): k = lr·max|x|·|d|/dw_min,
/// BL = min(⌈k⌉, bl), the d line fires with probability p_d = √(k/BL) and input line i with
/// p_i = √(k/BL)·|x_i|/max|x| in each of BL slots; when k > bl the d line always fires and
/// p_i = |x_i|/max|x| (the update is truncated). Element i gets one pulse per slot in which both
/// fire, of sign −sign(d·x_i).
///
/// Exact in distribution: the number of slots m in which the shared d line fires is
/// Binomial(BL, p_d), and given m the coincidences of element i are Binomial(m, p_i),
/// independently across i — the same joint law as simulating the BL slots bit by bit.
pub fn rank_one_pulses(array: &mut AnalogArray, w: &mut [f64], x: &[f64], d: f64, lr: f64) {
    let UpdateMode::Pulsed { dw_min, bl, .. } = array.mode else {
        for i in 0..w.len() {
            w[i] = array.write(i, w[i], -lr * d * x[i]);
        }
        return;
    };
    let x_max = x.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    let d_abs = d.abs();
    if x_max == 0.0 || d_abs == 0.0 || lr == 0.0 || !(x_max.is_finite() && d_abs.is_finite()) {
        return;
    }
    let k = lr * x_max * d_abs / dw_min;
    let bl_used = (k.ceil() as u64).clamp(1, bl as u64);
    let (p_d, scale) =
        if k > bl as f64 { (1.0, 1.0) } else { ((k / bl_used as f64).sqrt(), (k / bl_used as f64).sqrt()) };
    let m = binomial(bl_used, p_d, array.rng());
    if m == 0 {
        return;
    }
    for i in 0..w.len() {
        let p_i = scale * x[i].abs() / x_max;
        let n = binomial(m, p_i, array.rng());
        if n > 0 {
            let up = d * x[i] < 0.0;
            w[i] = array.pulse(i, w[i], n, up);
        }
    }
}

/// A Binomial(n, p) draw in O(n·min(p, 1 − p) + 1) uniforms, by geometric skips between
/// successes. Uses `libm` so it gives the same counts on every platform.
pub fn binomial(n: u64, p: f64, rng: &mut SimRng) -> u64 {
    use rand::Rng;
    if n == 0 || p <= 0.0 {
        return 0;
    }
    if p >= 1.0 {
        return n;
    }
    if p > 0.5 {
        return n - binomial(n, 1.0 - p, rng);
    }
    let log_q = libm::log1p(-p);
    let mut count = 0;
    let mut position = 0u64;
    loop {
        let u: f64 = 1.0 - rng.random::<f64>(); // (0, 1]
        let skip = (libm::log(u) / log_q).floor();
        if skip >= (n - position) as f64 {
            return count;
        }
        position += skip as u64 + 1;
        count += 1;
        if position >= n {
            return count;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::device::{Device, Response};
    use crate::sim::rng::{self, Purpose};

    #[test]
    fn binomial_has_the_right_mean_and_variance() {
        let mut rng = rng::stream(3, Purpose::Pulses);
        for (n, p) in [(10u64, 0.3), (5000, 0.001), (200, 0.9), (1, 0.5)] {
            let draws: Vec<f64> = (0..40_000).map(|_| binomial(n, p, &mut rng) as f64).collect();
            let mean = draws.iter().sum::<f64>() / draws.len() as f64;
            let var = draws.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / draws.len() as f64;
            let (m, v) = (n as f64 * p, n as f64 * p * (1.0 - p));
            assert!((mean - m).abs() < 5.0 * (v / 40_000.0).sqrt() + 1e-9, "n={n} p={p}: mean {mean} vs {m}");
            assert!((var / v - 1.0).abs() < 0.05, "n={n} p={p}: var {var} vs {v}");
            assert!(draws.iter().all(|&x| x <= n as f64));
        }
    }

    fn pulsed_array(dw_min: f64, bl: u32) -> AnalogArray {
        let mut var = rng::stream(1, Purpose::DeviceVariation);
        AnalogArray::new(
            Device::ald(1.0, 0.0),
            UpdateMode::Pulsed { dw_min, bl, c2c: 0.0 },
            0.0,
            3,
            &mut var,
            rng::stream(9, Purpose::Pulses),
        )
    }

    #[test]
    fn pulse_train_mean_increment_is_lr_x_d_q() {
        // Mean over many rank-1 updates from the same weights: E[Δw_i] = −lr·x_i·d·q(w_i),
        // to first order in dw_min (here small enough to ignore).
        let (lr, d, dw_min) = (0.05, 0.04, 1e-5);
        let x = [1.0, -0.5, 0.2];
        let w0 = [0.3, -0.2, 0.0];
        let mut array = pulsed_array(dw_min, 10_000);
        let draws = 4000;
        let mut sum = [0.0; 3];
        let mut sum_sq = [0.0; 3];
        for _ in 0..draws {
            let mut w = w0;
            rank_one_pulses(&mut array, &mut w, &x, d, lr);
            for i in 0..3 {
                sum[i] += w[i] - w0[i];
                sum_sq[i] += (w[i] - w0[i]).powi(2);
            }
        }
        let dev = Device::ald(1.0, 0.0);
        for i in 0..3 {
            let mean = sum[i] / draws as f64;
            let sd = (sum_sq[i] / draws as f64 - mean * mean).sqrt();
            let want = dev.update(w0[i], -lr * x[i] * d) - w0[i];
            assert!(
                (mean - want).abs() < 4.0 * sd / (draws as f64).sqrt() + 2.0 * dw_min,
                "element {i}: {mean} vs {want}"
            );
        }
    }

    #[test]
    fn pulse_trains_truncate_when_k_exceeds_bl() {
        // k = lr·max|x|·|d|/dw_min = 0.5·1·1/1e-3 = 500 > bl = 20: the d line always fires and
        // element i receives Binomial(20, |x_i|/max|x|) pulses, so at most bl per element.
        let mut array = pulsed_array(1e-3, 20);
        let x = [1.0, 0.5, 0.0];
        let mut counts = [0u64; 3];
        let draws = 2000;
        for _ in 0..draws {
            let before = array.pulses;
            let mut w = [0.0; 3];
            rank_one_pulses(&mut array, &mut w, &x, 1.0, 0.5);
            assert!(array.pulses - before <= 40);
            counts[0] += (w[0].abs() / 1e-3).round() as u64;
            counts[2] += (w[2].abs() > 0.0) as u64;
        }
        let mean0 = counts[0] as f64 / draws as f64;
        assert!((mean0 - 20.0).abs() < 0.5, "max element fires in every slot: {mean0}");
        assert_eq!(counts[2], 0, "x = 0 never fires");
        let total = array.pulses as f64 / draws as f64;
        assert!((total - 30.0).abs() < 0.5, "20 + 20·0.5 pulses per update: {total}");
    }
}

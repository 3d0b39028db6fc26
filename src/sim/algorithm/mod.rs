//! The training algorithms, each a plain struct stepping a [`Problem`].
//!
//! * Digital SGD: `W ← W − α g`.
//! * Analog SGD (paper eq. 3 in device form): the increment −α g is written into W through the device.
//! * Tiki-Taka: g is taken at W̄ = W + γP; −α g is written into the fast array P through the
//!   device, and every `every` steps β P is written into W through the device. With γ = 0 and
//!   every = 1 this is the paper's Tiki-Taka (whose P carries the opposite sign, and whose
//!   letters α and β are swapped).
//! * The algorithms beyond Tiki-Taka (TT-v2, c-TTv2, AGAD, residual learning v1/v2, RIDER,
//!   E-RIDER) share P's gradient step and differ in how P is read and transferred: see
//!   [`AlgorithmKind`] and `family.rs`.
//!
//! `g = ∇f(W̄) + noise`, where the noise comes from the run's shared [`NoiseDraw`]. Analog arrays
//! run in the expected dynamic or at pulse level ([`UpdateMode`]); on `lsq` a pulse-level array
//! is trained as a linear layer, with one stochastic pulse-train rank-1 update per sample
//! (see [`rank_one_update`]). An expected-dynamic step is allocation-free.
//!
//! A transfer reads columns of P. The weight vector is one tile with D inputs and one output
//! (as `lsq`'s layer), so a column is one element: a transfer of `n_reads` columns moves
//! `n_reads` elements, in order, wrapping around. At pulse level a non-buffered transfer is
//! aihwkit's `transfer_update`: a pulse-train update of the column with its own BL
//! (`transfer_bl`) and update management ([`column_update`]).

pub mod family;
mod zero_shift;

use crate::sim::device::{AnalogArray, UpdateMode};
use crate::sim::problem::{Lsq, NoiseDraw, NoiseGains, Problem};
use crate::sim::pulse_train::{rank_one_update, PulseTrains};
use family::{Reader, Tile, TileState, TransferRates};
use serde::{Deserialize, Serialize};

/// Which algorithm.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum AlgorithmKind {
    /// Digital SGD: exact arithmetic, the reference.
    Digital,
    /// Analog SGD: the gradient step written through the device (biased under noise).
    Analog,
    /// Tiki-Taka (TT-v1; aihwkit `TransferCompound`, Gokmen & Haensch 2020): a fast array P
    /// accumulates gradients and β·P is transferred into W.
    TikiTaka,
    /// TT-v2 (aihwkit `BufferedTransferCompound`, Gokmen 2021): β·read(P) accumulates in a digital
    /// buffer H; where |H| reaches `buffer_threshold`·Δw_min, trunc(H/thr) pulses are written into
    /// W and H is forgotten (× `buffer_momentum`).
    TtV2,
    /// c-TTv2 (aihwkit `ChoppedTransferCompound`, Rasch et al. 2024): TT-v2 with a chopper c_i = ±1
    /// per column: P receives c∘(−α g), the buffer receives c_i·β·read(P); c_i flips with
    /// probability `chop_prob` after each read of column i.
    CTtV2,
    /// AGAD (aihwkit `DynamicTransferCompound`, Rasch et al. 2024): c-TTv2 whose buffer receives the
    /// change of P since its chopper last switched (a reference taken from a running mean of P);
    /// choppers switch every ⌈1/chop_prob⌉ reads.
    Agad,
    /// Residual learning v1 (Wu et al., NeurIPS 2025): TT with mixing γ_r: gradients at
    /// W̄ = W + γ_r P, P ← P − α∇f(W̄), W ← W + β P.
    Rl,
    /// Residual learning v2 (same paper): a digital filter H ← (1 − β)H + β read(P); whole Δw_min
    /// steps of H are written into W (and taken off H) where |H| ≥ `buffer_threshold`·Δw_min.
    RlV2,
    /// RIDER (Xiao et al. 2026, dynamic symmetric-point tracking, Algorithm 2; eqs. 11a, 11b, 12
    /// as the appendix proofs write them out): a digital running mean Q ← (1 − η)Q + η read(P)
    /// tracks P's symmetric point; gradients at W̄ = W + γ_r(P − Q) and W ← W + β(read(P) − Q).
    Rider,
    /// E-RIDER (same paper, Algorithm 3): RIDER with a global chopper c (flips with probability
    /// `chop_prob` per step) on P's gradient, the mixing and the transfer; P is read against an
    /// analog copy Q̃ of Q, reprogrammed from Q at each chopper flip (`reprogram_every=0`) or
    /// every `reprogram_every` steps.
    ERider,
}

impl AlgorithmKind {
    /// All algorithms, in display order.
    pub const ALL: [AlgorithmKind; 10] = [
        AlgorithmKind::Digital,
        AlgorithmKind::Analog,
        AlgorithmKind::TikiTaka,
        AlgorithmKind::TtV2,
        AlgorithmKind::CTtV2,
        AlgorithmKind::Agad,
        AlgorithmKind::Rl,
        AlgorithmKind::RlV2,
        AlgorithmKind::Rider,
        AlgorithmKind::ERider,
    ];

    /// The vocabulary name (`digital`, `analog`, `tt`, `ttv2`, `cttv2`, `agad`, `rl`, `rlv2`,
    /// `rider`, `erider`).
    pub fn key(self) -> &'static str {
        match self {
            AlgorithmKind::Digital => "digital",
            AlgorithmKind::Analog => "analog",
            AlgorithmKind::TikiTaka => "tt",
            AlgorithmKind::TtV2 => "ttv2",
            AlgorithmKind::CTtV2 => "cttv2",
            AlgorithmKind::Agad => "agad",
            AlgorithmKind::Rl => "rl",
            AlgorithmKind::RlV2 => "rlv2",
            AlgorithmKind::Rider => "rider",
            AlgorithmKind::ERider => "erider",
        }
    }

    /// The human name.
    pub fn label(self) -> &'static str {
        match self {
            AlgorithmKind::Digital => "Digital SGD",
            AlgorithmKind::Analog => "Analog SGD",
            AlgorithmKind::TikiTaka => "Tiki-Taka",
            AlgorithmKind::TtV2 => "TT-v2",
            AlgorithmKind::CTtV2 => "c-TTv2",
            AlgorithmKind::Agad => "AGAD",
            AlgorithmKind::Rl => "Residual learning",
            AlgorithmKind::RlV2 => "Residual learning v2",
            AlgorithmKind::Rider => "RIDER",
            AlgorithmKind::ERider => "E-RIDER",
        }
    }

    /// The group the app lists the algorithm under.
    pub fn group(self) -> &'static str {
        match self {
            AlgorithmKind::Digital | AlgorithmKind::Analog => "SGD",
            AlgorithmKind::TikiTaka | AlgorithmKind::TtV2 | AlgorithmKind::CTtV2 | AlgorithmKind::Agad => {
                "Tiki-Taka family (aihwkit)"
            }
            AlgorithmKind::Rl | AlgorithmKind::RlV2 => "Residual learning (NeurIPS 2025)",
            AlgorithmKind::Rider | AlgorithmKind::ERider => "Symmetric-point tracking",
        }
    }

    /// Parses a vocabulary name.
    pub fn from_key(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.key() == s)
    }

    /// Whether the algorithm has a fast array P and transfers it into W.
    pub fn transfers(self) -> bool {
        !matches!(self, AlgorithmKind::Digital | AlgorithmKind::Analog)
    }

    /// Whether the transfer goes through a digital buffer with a threshold (counts of Δw_min).
    pub fn buffered(self) -> bool {
        matches!(self, AlgorithmKind::TtV2 | AlgorithmKind::CTtV2 | AlgorithmKind::Agad | AlgorithmKind::RlV2)
    }

    /// Whether the algorithm has its own vocabulary beyond `tt`.
    pub fn beyond_tt(self) -> bool {
        self > AlgorithmKind::TikiTaka
    }
}

/// Step-size settings shared by all algorithms of a scenario.
#[derive(Clone, Copy, Debug)]
pub struct Rates {
    /// α, the step size of the array that receives gradients.
    pub alpha: f64,
    /// β, the transfer rate P → W (aihwkit: transfer_lr × lr under `scale_transfer_lr`).
    pub beta: f64,
    /// γ, the Tiki-Taka family's mixing: gradients at W + γP (aihwkit `gamma`).
    pub gamma: f64,
    /// The transfer period in steps (≥ 1).
    pub every: u64,
    /// How transfers read P and write W.
    pub transfer: TransferParams,
}

/// The transfer settings of the algorithms beyond Analog SGD (keys of the same names).
#[derive(Clone, Copy, Debug, Serialize, Deserialize)]
pub struct TransferParams {
    /// Most pulses of one column's transfer at pulse level (`transfer_bl`, aihwkit
    /// `transfer_update.desired_bl`).
    pub bl: u32,
    /// Columns per transfer; 0 = all (`n_reads`, aihwkit `n_reads_per_transfer`).
    pub n_reads: usize,
    /// Std of the additive noise on every read of P (`transfer_read_noise`, aihwkit
    /// `transfer_forward.out_noise`).
    pub read_noise: f64,
    /// Δw_min: the unit of buffered transfers and of zero-shifting pulses.
    pub dw_min: f64,
    /// Buffer threshold in units of Δw_min (`buffer_threshold`, aihwkit `thres_scale` /
    /// `buffer_granularity`).
    pub threshold: f64,
    /// What a buffer keeps after a transfer (`buffer_momentum`, aihwkit `momentum` with
    /// `forget_buffer`).
    pub momentum: f64,
    /// Chopper flip probability (`chop_prob`, aihwkit `in_chop_prob`).
    pub chop_prob: f64,
    /// AGAD's weight of recent reads in its running mean (`tail_weightening`).
    pub tail_weightening: f64,
    /// γ_r, the mixing of residual learning and RIDER (`gamma_r`).
    pub gamma_r: f64,
    /// η, RIDER's tracking rate (`eta`).
    pub eta: f64,
    /// E-RIDER's reprogramming period of the analog copy of Q, in steps (`reprogram_every`; 0 =
    /// at each chopper flip, the paper's Algorithm 3).
    pub reprogram_every: u64,
}

impl Default for TransferParams {
    fn default() -> Self {
        TransferParams {
            bl: 31,
            n_reads: 0,
            read_noise: 0.0,
            dw_min: 1e-3,
            threshold: 1.0,
            momentum: 0.0,
            chop_prob: 0.1,
            tail_weightening: 5.0,
            gamma_r: 0.4,
            eta: 0.05,
            reprogram_every: 0,
        }
    }
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
    /// The fast array P (zeros and unused for Digital and Analog SGD).
    pub p: Vec<f64>,
    /// The array holding W.
    pub main: AnalogArray,
    /// The array holding P.
    pub fast: AnalogArray,
    rates: Rates,
    /// The noise sources this algorithm sees (all, unless `pulse_noise=read` splits them).
    pub noise: NoiseGains,
    /// Steps taken.
    pub k: u64,
    /// Set when the loss or a weight became non-finite; the algorithm then stops.
    pub diverged: bool,
    /// Zero-shifting's per-element estimates of P's symmetric point, if it ran.
    pub sp_estimate: Option<Vec<f64>>,
    /// Pulses fired by zero-shifting (not counted in [`Algorithm::pulses`]).
    pub zero_shift_pulses: u64,
    /// The state beside the arrays (buffers, choppers, Q, P's reference, the read cursor): the
    /// weights are one tile with one output.
    pub fam: TileState,
    grad: Vec<f64>,
    grad_at_w: Vec<f64>,
    wbar: Vec<f64>,
    scratch: Vec<f64>,
    /// Per-sample errors of a pulse-level layer step (reused, so steps do not allocate).
    errors: Vec<f64>,
    /// A chopped input row of a pulse-level layer step (reused).
    row: Vec<f64>,
    /// Bit lines of the pulse-level layer step (reused).
    trains: PulseTrains,
}

impl Algorithm {
    /// A fresh algorithm at `w0` whose W lives on `main` and P on `fast`.
    pub fn new(kind: AlgorithmKind, w0: Vec<f64>, main: AnalogArray, fast: AnalogArray, rates: Rates) -> Self {
        let dim = w0.len();
        let fam = TileState::new(kind, dim, 1);
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
            sp_estimate: None,
            zero_shift_pulses: 0,
            fam,
            grad: vec![0.0; dim],
            grad_at_w: vec![0.0; dim],
            wbar: vec![0.0; dim],
            scratch: vec![0.0; dim],
            errors: Vec::new(),
            row: Vec::new(),
            trains: PulseTrains::default(),
        }
    }

    /// Whether this algorithm writes at pulse level.
    pub fn pulsed(&self) -> bool {
        matches!(self.main.mode, UpdateMode::Pulsed { .. })
    }

    /// Pulses fired so far by all arrays of this algorithm (training only, not zero-shifting).
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
                        None,
                        l,
                        (noise, self.noise),
                        alpha,
                        (&mut self.errors, &mut self.row, &mut self.trains),
                    );
                } else {
                    problem.add_noise(&self.w, noise, self.noise, &mut self.grad);
                    for i in 0..self.w.len() {
                        self.w[i] = self.main.write(i, self.w[i], -alpha * self.grad[i]);
                    }
                }
            }
            _ => {
                let gamma = family::mixing(self.kind, self.rates.gamma, &self.rates.transfer);
                let mixed = gamma != 0.0;
                if mixed {
                    self.fam.mix(self.kind, gamma, &self.w, &self.p, &mut self.wbar);
                }
                let at = if mixed { &self.wbar } else { &self.w };
                // Choppers flip the sign of P's gradient pulses (c-TTv2, AGAD: per column; E-RIDER: all).
                let chop = self.fam.choppers();
                if let Some(l) = layer {
                    layer_step(
                        &mut self.fast,
                        &mut self.p,
                        Some(at),
                        chop,
                        l,
                        (noise, self.noise),
                        alpha,
                        (&mut self.errors, &mut self.row, &mut self.trains),
                    );
                } else {
                    if mixed {
                        // The gradient is taken at W̄; the observation above stays at W.
                        std::mem::swap(&mut self.grad, &mut self.grad_at_w);
                        problem.eval(at, &mut self.scratch, &mut self.grad);
                    }
                    problem.add_noise(at, noise, self.noise, &mut self.grad);
                    match chop {
                        None => {
                            for i in 0..self.p.len() {
                                self.p[i] = self.fast.write(i, self.p[i], -alpha * self.grad[i]);
                            }
                        }
                        Some(c) => {
                            for i in 0..self.p.len() {
                                self.p[i] = self.fast.write(i, self.p[i], -alpha * c[i] * self.grad[i]);
                            }
                        }
                    }
                }
                if (self.k + 1).is_multiple_of(self.rates.every) {
                    let r = TransferRates { beta: self.rates.beta, t: self.rates.transfer };
                    let mut tile = Tile {
                        w: &mut self.w,
                        p: &self.p,
                        main: &mut self.main,
                        fast: &mut self.fast,
                        base: 0,
                        trains: &mut self.trains,
                    };
                    family::transfer(self.kind, r, &mut self.fam, &mut tile, &mut Reader::Plain);
                }
                family::after_step(self.kind, &self.rates.transfer, &mut self.fam, &mut self.fast, self.k);
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
/// gradient noise σξ enters as one more rank-1 update with x = ξ, d = σ. With choppers `chop`,
/// input line i carries c_i·x_i.
/// `errors` is a reusable buffer (one entry per sample). Kept out of line: the expected-dynamic
/// step that shares `Algorithm::step` is the hot path.
#[inline(never)]
#[allow(clippy::too_many_arguments)]
fn layer_step(
    array: &mut AnalogArray,
    target: &mut [f64],
    at: Option<&[f64]>,
    chop: Option<&[f64]>,
    l: &Lsq,
    (noise, gains): (&NoiseDraw, NoiseGains),
    lr: f64,
    (errors, row, trains): (&mut Vec<f64>, &mut Vec<f64>, &mut PulseTrains),
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
        chopped_update(array, target, &l.a[r * dim..(r + 1) * dim], chop, d, lr, (row, trains));
    }
    if l.sigma * gains.sigma > 0.0 {
        chopped_update(array, target, &noise.normal, chop, l.sigma, lr, (row, trains));
    }
}

/// One rank-1 update `W ← W − lr·(c∘x)·d`: a chopper c_i flips the sign of input line i's
/// pulses, the same as feeding c_i·x_i.
#[inline(always)]
fn chopped_update(
    array: &mut AnalogArray,
    target: &mut [f64],
    x: &[f64],
    chop: Option<&[f64]>,
    d: f64,
    lr: f64,
    (row, trains): (&mut Vec<f64>, &mut PulseTrains),
) {
    match chop {
        None => rank_one_update(array, target, x, &[d], lr, trains),
        Some(c) => {
            row.clear();
            row.extend(x.iter().zip(c).map(|(x, c)| x * c));
            rank_one_update(array, target, row, &[d], lr, trains);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::sim::{Run, Scenario};

    /// RIDER as read here (Q ← (1 − η)Q + η·P, W ← W + β(P − Q)) conserves W − (β/η)Q on an
    /// ideal device: the transfer is P minus a low-pass of P, whose sum telescopes. W can then
    /// only reach w* if P parks at Q₀ + (η/β)(w* − W₀), off its symmetric point in general,
    /// which an asymmetric P resists under gradient noise (REPRODUCTION.md row B1).
    #[test]
    fn rider_conserves_w_minus_beta_over_eta_q_on_an_ideal_device() {
        let s = Scenario::parse("problem=quadratic&device=ideal&algos=rider&steps=3000&eta=0.05&beta=0.1").unwrap();
        let mut r = Run::new(&s);
        let w0 = r.tracks[0].algo.w.clone();
        r.run_to_end();
        let a = &r.tracks[0].algo;
        let ratio = a.rates.beta / a.rates.transfer.eta;
        for i in 0..w0.len() {
            let moved = a.w[i] - w0[i];
            assert!(moved.abs() > 0.5, "W moved: {moved}");
            assert!((moved - ratio * a.fam.q[i]).abs() < 1e-9, "W − W₀ = {moved}, (β/η)·Q = {}", ratio * a.fam.q[i]);
        }
    }

    /// E-RIDER with `reprogram_every=0` follows Algorithm 3 of the RIDER paper: the analog copy
    /// Q̃ is reprogrammed from the digital Q exactly when the chopper changes sign, and holds
    /// between flips.
    #[test]
    fn erider_reprograms_its_analog_q_at_each_chopper_flip() {
        let s = Scenario::parse("problem=quadratic&algos=erider&steps=2000&chop_prob=0.05&reprogram_every=0").unwrap();
        let mut r = Run::new(&s);
        let (mut flips, mut held) = (0, 0);
        while !r.finished() {
            let (chop, q_analog) = (r.tracks[0].algo.fam.chop[0], r.tracks[0].algo.fam.q_analog.clone());
            r.step();
            let a = &r.tracks[0].algo;
            if a.fam.chop[0] != chop {
                flips += 1;
                assert_eq!(a.fam.q_analog, a.fam.q, "reprogrammed at the flip");
            } else {
                held += 1;
                assert_eq!(a.fam.q_analog, q_analog, "held between flips");
            }
        }
        assert!(flips > 50 && held > 1000, "{flips} flips, {held} steps without");
        assert!(r.tracks[0].algo.fam.q.iter().all(|q| *q != 0.0), "Q moved");
    }
}

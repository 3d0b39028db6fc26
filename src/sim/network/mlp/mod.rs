//! A fully connected network whose every layer is an analog tile: forward, backward and the
//! per-algorithm updates of one mini-batch.
//!
//! Each layer computes z = Wᵀx + b (W stored input-major, element (i, j) at `w[i·O + j]`, the
//! [`pulse_train`](crate::sim::pulse_train) tile layout); hidden layers apply the sigmoid, the last
//! layer log-softmax, and the loss is the NLL averaged over the mini-batch, as in the paper's
//! MNIST FCN. **Biases are digital** (aihwkit's default `digital_bias`): they are updated exactly
//! with the algorithm's step size α, never through a device.
//!
//! Read noise (`read_noise` = s, aihwkit's additive weight noise `w_noise`) perturbs every analog
//! matrix-vector product: the forward output j gets s·‖x‖·ξ_j, the backward output i gets
//! s·‖d‖·ξ_i, with fresh standard normal ξ. With converters or output noise configured
//! ([`Io`]), every analog MVM goes through that periphery instead. Digital SGD computes exactly.

//!
//! * this file — the layers, the net and its per-algorithm update;
//! * [`passes`] — the forward and backward passes of training and evaluation, compiled once per
//!   vector width.

mod passes;

use passes::Periphery;

use crate::sim::algorithm::AlgorithmKind;
use crate::sim::device::AnalogArray;
use crate::sim::network::data::Split;
use crate::sim::network::io::Io;
use crate::sim::network::kernels::{accumulate, all_finite, terms_of, transpose};
use crate::sim::pulse_train::{rank_one_update_checked, PulseTrains};
use crate::sim::rng::SimRng;

pub mod tiles;

/// How an analog algorithm writes a mini-batch's gradient into its arrays.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Form {
    /// The expected dynamic (eq. 3) applied once per mini-batch with the batch-mean gradient.
    Batch,
    /// The expected dynamic applied once per sample: B rank-1 updates, each through the device
    /// (what aihwkit's pulse trains do in expectation; |Δw| is summed over the samples).
    Sample,
    /// Pulse level: one stochastic pulse-train rank-1 update per sample (aihwkit).
    Pulse,
}

impl Form {
    /// The suffix of the track name (`analog`, `analog_sample`, `analog_pulse`).
    pub fn suffix(self) -> &'static str {
        match self {
            Form::Batch => "",
            Form::Sample => "_sample",
            Form::Pulse => "_pulse",
        }
    }
}

/// One layer: the main array W, Tiki-Taka's fast array P, and the digital bias.
#[derive(Clone, Debug)]
pub struct Layer {
    pub inputs: usize,
    pub outputs: usize,
    /// W, input-major (I×O).
    pub w: Vec<f64>,
    /// Tiki-Taka's P (zeros otherwise).
    pub p: Vec<f64>,
    pub bias: Vec<f64>,
    pub main: AnalogArray,
    pub fast: AnalogArray,
    /// The next row of P a partial Tiki-Taka transfer reads (`reads` > 0).
    pub next_read: usize,
}

/// Step sizes of the network algorithms.
#[derive(Clone, Copy, Debug)]
pub struct NetRates {
    /// α: the step of Digital and Analog SGD and of the digital biases.
    pub alpha: f64,
    /// β: Tiki-Taka's transfer rate P → W.
    pub beta: f64,
    pub gamma: f64,
    /// Tiki-Taka transfers once every this many mini-batches.
    pub every: u64,
    /// Tiki-Taka's rate of gradient writes into P; `None` = α (then scheduled with it).
    pub fast: Option<f64>,
    /// Rows of P per transfer, in turn (0 = all of P).
    pub reads: usize,
    /// The StepLR factor currently applied to α and β.
    pub scale: f64,
}

impl NetRates {
    /// The scheduled α.
    pub fn alpha_now(&self) -> f64 {
        self.alpha * self.scale
    }
    /// The rate of writes into P.
    pub fn fast_now(&self) -> f64 {
        self.fast.unwrap_or(self.alpha_now())
    }
}

/// Buffers of one mini-batch (reused between batches).
#[derive(Clone, Debug, Default)]
pub struct Scratch {
    /// Per layer: the inputs of every sample (B × I); the forward pass writes them in place.
    acts: Vec<Vec<f64>>,
    /// Per layer: the error at the outputs of every sample (B × O), the batch mean included.
    deltas: Vec<Vec<f64>>,
    /// Per layer: W + γP when γ ≠ 0.
    wbar: Vec<Vec<f64>>,
    /// Per layer: the effective weights transposed (O × I), so the backward pass runs along rows.
    wt: Vec<Vec<f64>>,
    /// One row of the batch gradient, Σₙ x_{n,i} dₙ, or the bias gradient Σₙ dₙ.
    row: Vec<f64>,
    logits: Vec<f64>,
    back: Vec<f64>,
    /// The terms of the sum being accumulated (see [`terms_of`]).
    terms: Vec<(usize, f64)>,
    /// The converted inputs of a periphery MVM, and one read row of P.
    xq: Vec<f64>,
    read: Vec<f64>,
    pub trains: PulseTrains,
}

/// Tiki-Taka's transfer of `reads` rows of P into W (all rows for 0), in turn from the layer's
/// next row (aihwkit reads one column of its transposed layout at a time), each read through the
/// ADC with output noise; returns whether the written weights are finite. Out of line: it runs
/// once per mini-batch.
#[inline(never)]
fn transfer_rows(layer: &mut Layer, reads: usize, beta: f64, io: &Io, read: &mut Vec<f64>, rng: &mut SimRng) -> bool {
    let outs = layer.outputs;
    let rows = if reads == 0 { layer.inputs } else { reads.min(layer.inputs) };
    let mut finite = true;
    for _ in 0..rows {
        let i = layer.next_read;
        layer.next_read = (i + 1) % layer.inputs;
        let span = i * outs..(i + 1) * outs;
        io.read_row(&layer.p[span.clone()], read, rng);
        let w_row = &mut layer.w[span];
        layer.main.write_row(i * outs, w_row, beta, read);
        finite &= all_finite(w_row);
    }
    finite
}

/// A network being trained by one algorithm in one form.
#[derive(Clone, Debug)]
pub struct Net {
    pub kind: AlgorithmKind,
    pub form: Form,
    pub layers: Vec<Layer>,
    /// Read noise s of the analog MVMs (0 for Digital SGD).
    pub read_noise: f64,
    /// The converters and output noise of the analog MVMs (exact for Digital SGD).
    pub io: Io,
    read_rng: SimRng,
    rates: NetRates,
    /// Mini-batches taken.
    pub batches: u64,
    pub scratch: Scratch,
    /// aihwkit's tile mapping and learned out scales, when on (see [`tiles`]).
    pub tiling: Option<tiles::Tiling>,
}

/// What one mini-batch observed.
#[derive(Clone, Copy, Debug)]
pub struct BatchResult {
    /// Sum of the samples' losses.
    pub loss_sum: f64,
    /// Whether the loss or a weight became non-finite.
    pub finite: bool,
}

impl Net {
    pub fn new(
        kind: AlgorithmKind,
        form: Form,
        layers: Vec<Layer>,
        read_noise: f64,
        read_rng: SimRng,
        rates: NetRates,
        io: Io,
    ) -> Net {
        let digital = kind == AlgorithmKind::Digital;
        let read_noise = if digital { 0.0 } else { read_noise };
        let io = if digital { Io::default() } else { io };
        Net {
            kind,
            form,
            layers,
            read_noise,
            io,
            read_rng,
            rates,
            batches: 0,
            scratch: Scratch::default(),
            tiling: None,
        }
    }

    /// Sets the StepLR factor on α and β (and on P's rate when it follows α).
    pub fn set_rate_scale(&mut self, scale: f64) {
        self.rates.scale = scale;
    }

    /// Whether MVMs need the noise stream (read noise or a non-exact periphery).
    fn noisy(&self) -> bool {
        self.read_noise > 0.0 || !self.io.is_exact()
    }

    /// Pulses fired by all arrays.
    pub fn pulses(&self) -> u64 {
        self.layers.iter().map(|l| l.main.pulses + l.fast.pulses).sum()
    }

    /// Whether the forward pass reads W + γP (Tiki-Taka with γ ≠ 0) rather than W.
    fn uses_wbar(&self) -> bool {
        self.kind == AlgorithmKind::TikiTaka && self.rates.gamma != 0.0
    }

    /// Sizes the buffers for `batch` samples and computes the effective weights (transposed too
    /// when `backward`). Inlined into the vectorised passes that call it.
    #[inline(always)]
    fn prepare(&mut self, batch: usize, backward: bool) {
        let n = self.layers.len();
        let use_wbar = self.uses_wbar();
        let gamma = self.rates.gamma;
        let s = &mut self.scratch;
        s.acts.resize(n, Vec::new());
        s.deltas.resize(n, Vec::new());
        s.wbar.resize(n, Vec::new());
        s.wt.resize(n, Vec::new());
        for (l, layer) in self.layers.iter().enumerate() {
            s.acts[l].resize(batch * layer.inputs, 0.0);
            s.deltas[l].resize(batch * layer.outputs, 0.0);
            if use_wbar {
                let wbar = &mut s.wbar[l];
                wbar.clear();
                wbar.extend(layer.w.iter().zip(&layer.p).map(|(w, p)| w + gamma * p));
            }
            // The first layer's backward output is never needed.
            if backward && l > 0 {
                let w = if use_wbar { &s.wbar[l] } else { &layer.w };
                let (ins, outs) = (layer.inputs, layer.outputs);
                let wt = &mut s.wt[l];
                wt.resize(ins * outs, 0.0);
                transpose(w, wt, ins, outs);
            }
        }
        s.logits.resize(self.layers[n - 1].outputs, 0.0);
    }

    /// Writes the batch's gradient according to the algorithm and form; returns whether every
    /// weight is still finite. Only what was written is checked (the rest was finite before: a
    /// track stops at its first non-finite value), so the check stays in cache.
    #[inline(always)]
    fn update<const WIDE: usize>(&mut self, b: usize) -> bool {
        let mut finite = true;
        let NetRates { beta, every, reads, scale, .. } = self.rates;
        let (alpha, fast, beta) = (self.rates.alpha_now(), self.rates.fast_now(), beta * scale);
        let Scratch { acts, deltas, row, terms, trains, read, .. } = &mut self.scratch;
        let tt = self.kind == AlgorithmKind::TikiTaka;
        for (l, layer) in self.layers.iter_mut().enumerate() {
            let (ins, outs) = (layer.inputs, layer.outputs);
            let (x_all, d_all) = (&acts[l], &deltas[l]);
            // Digital biases: b ← b − α Σₙ dₙ.
            row.clear();
            row.resize(outs, 0.0);
            for n in 0..b {
                for (g, d) in row.iter_mut().zip(&d_all[n * outs..(n + 1) * outs]) {
                    *g += d;
                }
            }
            for (bj, g) in layer.bias.iter_mut().zip(row.iter()) {
                *bj -= alpha * g;
            }
            finite &= all_finite(&layer.bias);
            let (target, array) = if tt { (&mut layer.p, &mut layer.fast) } else { (&mut layer.w, &mut layer.main) };
            let rate = if tt { fast } else { alpha };
            let per_batch = self.kind == AlgorithmKind::Digital || self.form == Form::Batch;
            if per_batch {
                // Row i of the gradient Σₙ xₙ dₙᵀ (summed over the samples in order, zero inputs
                // skipped), written as soon as it is complete. A row whose input is zero in every
                // sample (MNIST's border pixels) has a zero gradient, which leaves the weights
                // exactly as they are in the expected dynamic: it is skipped.
                for (i, w_row) in target.chunks_exact_mut(outs).enumerate() {
                    let terms = terms_of((0..b).map(|n| x_all[n * ins + i]), true, terms);
                    if terms.is_empty() {
                        continue;
                    }
                    row.clear();
                    row.resize(outs, 0.0);
                    accumulate::<WIDE>(row, terms, d_all, outs);
                    finite &= array.write_row_finite(i * outs, w_row, -rate, row);
                }
            } else {
                for n in 0..b {
                    let x = &x_all[n * ins..(n + 1) * ins];
                    let d = &d_all[n * outs..(n + 1) * outs];
                    finite &= rank_one_update_checked(array, target, x, d, rate, trains);
                }
            }
        }
        self.batches += 1;
        if tt && self.batches.is_multiple_of(every.max(1)) {
            let io = self.io;
            for layer in &mut self.layers {
                if reads == 0 && io.is_exact() {
                    finite &= layer.main.write_row_finite(0, &mut layer.w, beta, &layer.p);
                    continue;
                }
                finite &= transfer_rows(layer, reads, beta, &io, read, &mut self.read_rng);
            }
        }
        finite
    }

    /// Loss of one sample with the current weights and no read noise (finite-difference checks).
    pub fn sample_loss(&self, x: &[f64], label: usize) -> f64 {
        let mut acts: Vec<Vec<f64>> = self.layers.iter().map(|l| vec![0.0; l.inputs]).collect();
        acts[0].copy_from_slice(x);
        let mut logits = vec![0.0; self.layers.last().map_or(0, |l| l.outputs)];
        let mut xq = Vec::new();
        let mut io = Periphery { io: Io::default(), xq: &mut xq };
        passes::forward_sample::<32>(
            &self.layers,
            None,
            0,
            &mut acts,
            &mut logits,
            &mut None,
            &mut Vec::new(),
            &mut io,
        );
        -logits[label]
    }

    /// The batch gradient of the last [`Net::train_batch`] for layer `l`, computed without
    /// writing it (finite-difference checks): Σₙ xₙ dₙᵀ with the batch mean included.
    pub fn gradient(&mut self, data: &Split, batch: &[usize]) -> Vec<Vec<f64>> {
        let saved = (self.rates, self.layers.clone(), self.batches);
        self.rates.alpha = 0.0;
        self.rates.beta = 0.0;
        self.rates.fast = Some(0.0);
        self.train_batch(data, batch);
        let b = batch.len();
        let out = self
            .layers
            .iter()
            .enumerate()
            .map(|(l, layer)| {
                let (ins, outs) = (layer.inputs, layer.outputs);
                let mut g = vec![0.0; ins * outs];
                for n in 0..b {
                    let x = &self.scratch.acts[l][n * ins..(n + 1) * ins];
                    let d = &self.scratch.deltas[l][n * outs..(n + 1) * outs];
                    for i in 0..ins {
                        for j in 0..outs {
                            g[i * outs + j] += x[i] * d[j];
                        }
                    }
                }
                g
            })
            .collect();
        (self.rates, self.layers, self.batches) = saved;
        out
    }
}

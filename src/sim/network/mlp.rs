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
//! s·‖d‖·ξ_i, with fresh standard normal ξ. Digital SGD computes exactly.

use crate::sim::algorithm::AlgorithmKind;
use crate::sim::device::AnalogArray;
use crate::sim::network::data::Split;
use crate::sim::pulse_train::{rank_one_update, PulseTrains};
use crate::sim::rng::SimRng;
use rand_distr::{Distribution, StandardNormal};

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
    /// Words for legends.
    pub fn label(self) -> &'static str {
        match self {
            Form::Batch => "",
            Form::Sample => " (per sample)",
            Form::Pulse => " (pulses)",
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
}

/// Step sizes of the network algorithms.
#[derive(Clone, Copy, Debug)]
pub struct NetRates {
    pub alpha: f64,
    pub beta: f64,
    pub gamma: f64,
    /// Tiki-Taka transfers once every this many mini-batches.
    pub every: u64,
}

/// Buffers of one mini-batch (reused between batches).
#[derive(Clone, Debug, Default)]
pub struct Scratch {
    /// Per layer: the inputs of every sample (B × I).
    acts: Vec<Vec<f64>>,
    /// Per layer: the error at the outputs of every sample (B × O), the batch mean included.
    deltas: Vec<Vec<f64>>,
    /// Per layer: the batch gradient Σₙ xₙ dₙᵀ (I × O) and Σₙ dₙ.
    grads: Vec<Vec<f64>>,
    bias_grads: Vec<Vec<f64>>,
    /// Per layer: W + γP when γ ≠ 0.
    wbar: Vec<Vec<f64>>,
    logits: Vec<f64>,
    back: Vec<f64>,
    pub trains: PulseTrains,
}

/// The effective weights the forward pass reads: W, or W + γP for Tiki-Taka with γ ≠ 0.
fn effective<'a>(layer: &'a Layer, wbar: &'a mut Vec<f64>, kind: AlgorithmKind, gamma: f64) -> &'a [f64] {
    if kind == AlgorithmKind::TikiTaka && gamma != 0.0 {
        wbar.clear();
        wbar.extend(layer.w.iter().zip(&layer.p).map(|(w, p)| w + gamma * p));
        wbar
    } else {
        &layer.w
    }
}

#[inline]
fn sigmoid(z: f64) -> f64 {
    1.0 / (1.0 + libm::exp(-z))
}

fn norm(v: &[f64]) -> f64 {
    v.iter().map(|x| x * x).sum::<f64>().sqrt()
}

/// z = Wᵀx + b (+ read noise): accumulates rows of W scaled by xᵢ in input order, so the sum is
/// the same on every platform, and skips zero inputs (most digit pixels).
fn layer_forward(w: &[f64], bias: &[f64], x: &[f64], z: &mut [f64], noise: &mut Option<(f64, &mut SimRng)>) {
    let outputs = bias.len();
    z.copy_from_slice(bias);
    for (i, &xi) in x.iter().enumerate() {
        if xi != 0.0 {
            for (zj, wij) in z.iter_mut().zip(&w[i * outputs..(i + 1) * outputs]) {
                *zj += xi * wij;
            }
        }
    }
    if let Some((s, rng)) = noise {
        let scale = *s * norm(x);
        for zj in z.iter_mut() {
            let xi: f64 = StandardNormal.sample(*rng);
            *zj += scale * xi;
        }
    }
}

/// log-softmax of `z` in place; returns nothing (z becomes log-probabilities).
fn log_softmax(z: &mut [f64]) {
    let m = z.iter().fold(f64::NEG_INFINITY, |m, &v| m.max(v));
    let lse = m + libm::log(z.iter().map(|v| libm::exp(v - m)).sum::<f64>());
    for v in z.iter_mut() {
        *v -= lse;
    }
}

/// Runs one sample forward; `acts[l]` receives layer l's input, `logits` the log-probabilities.
/// Returns the sample's loss −log p(label).
fn forward_sample(
    weights: &[&[f64]],
    layers: &[Layer],
    x: &[f64],
    acts: &mut [Vec<f64>],
    logits: &mut [f64],
    noise: &mut Option<(f64, &mut SimRng)>,
) {
    acts[0].copy_from_slice(x);
    let last = layers.len() - 1;
    for l in 0..layers.len() {
        if l < last {
            let (head, tail) = acts.split_at_mut(l + 1);
            let z = &mut tail[0];
            layer_forward(weights[l], &layers[l].bias, &head[l], z, noise);
            for v in z.iter_mut() {
                *v = sigmoid(*v);
            }
        } else {
            layer_forward(weights[l], &layers[l].bias, &acts[l], logits, noise);
            log_softmax(logits);
        }
    }
}

/// The class with the largest log-probability (the first on ties).
fn argmax(v: &[f64]) -> usize {
    let mut best = 0;
    for (j, &x) in v.iter().enumerate() {
        if x > v[best] {
            best = j;
        }
    }
    best
}

/// A network being trained by one algorithm in one form.
#[derive(Clone, Debug)]
pub struct Net {
    pub kind: AlgorithmKind,
    pub form: Form,
    pub layers: Vec<Layer>,
    /// Read noise s of the analog MVMs (0 for Digital SGD).
    pub read_noise: f64,
    read_rng: SimRng,
    rates: NetRates,
    /// Mini-batches taken.
    pub batches: u64,
    pub scratch: Scratch,
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
    ) -> Net {
        let read_noise = if kind == AlgorithmKind::Digital { 0.0 } else { read_noise };
        Net { kind, form, layers, read_noise, read_rng, rates, batches: 0, scratch: Scratch::default() }
    }

    /// Pulses fired by all arrays.
    pub fn pulses(&self) -> u64 {
        self.layers.iter().map(|l| l.main.pulses + l.fast.pulses).sum()
    }

    fn prepare(&mut self, batch: usize) {
        let n = self.layers.len();
        let s = &mut self.scratch;
        s.acts.resize(n, Vec::new());
        s.deltas.resize(n, Vec::new());
        s.grads.resize(n, Vec::new());
        s.bias_grads.resize(n, Vec::new());
        s.wbar.resize(n, Vec::new());
        for (l, layer) in self.layers.iter().enumerate() {
            s.acts[l].resize(batch * layer.inputs, 0.0);
            s.deltas[l].resize(batch * layer.outputs, 0.0);
        }
        s.logits.resize(self.layers[n - 1].outputs, 0.0);
    }

    /// Forward and backward over the samples `batch` of `data`, then the update.
    pub fn train_batch(&mut self, data: &Split, batch: &[usize]) -> BatchResult {
        let b = batch.len();
        self.prepare(b);
        let (kind, gamma) = (self.kind, self.rates.gamma);
        let inv_b = 1.0 / b as f64;
        let mut loss_sum = 0.0;
        {
            let Scratch { acts, deltas, wbar, logits, back, .. } = &mut self.scratch;
            let weights: Vec<&[f64]> =
                self.layers.iter().zip(wbar.iter_mut()).map(|(l, wb)| effective(l, wb, kind, gamma)).collect();
            let mut noise = (self.read_noise > 0.0).then_some((self.read_noise, &mut self.read_rng));
            let last = self.layers.len() - 1;
            let mut sample_acts: Vec<Vec<f64>> = self.layers.iter().map(|l| vec![0.0; l.inputs]).collect();
            for (n, &s) in batch.iter().enumerate() {
                forward_sample(&weights, &self.layers, data.image(s), &mut sample_acts, logits, &mut noise);
                let label = data.labels[s] as usize;
                loss_sum -= logits[label];
                for (l, a) in sample_acts.iter().enumerate() {
                    let width = a.len();
                    acts[l][n * width..(n + 1) * width].copy_from_slice(a);
                }
                // d of the last layer: (softmax − one-hot)/B.
                let outputs = self.layers[last].outputs;
                let d = &mut deltas[last][n * outputs..(n + 1) * outputs];
                for j in 0..outputs {
                    d[j] = (libm::exp(logits[j]) - if j == label { 1.0 } else { 0.0 }) * inv_b;
                }
                // Backward through the hidden layers.
                for l in (1..=last).rev() {
                    let (ins, outs) = (self.layers[l].inputs, self.layers[l].outputs);
                    let d_out = &deltas[l][n * outs..(n + 1) * outs];
                    back.clear();
                    back.extend(
                        weights[l].chunks_exact(outs).map(|row| row.iter().zip(d_out).map(|(w, d)| w * d).sum::<f64>()),
                    );
                    if let Some((s, rng)) = &mut noise {
                        let scale = *s * norm(d_out);
                        for v in back.iter_mut() {
                            let xi: f64 = StandardNormal.sample(*rng);
                            *v += scale * xi;
                        }
                    }
                    let a = &sample_acts[l];
                    let d_in = &mut deltas[l - 1][n * ins..(n + 1) * ins];
                    for i in 0..ins {
                        d_in[i] = back[i] * a[i] * (1.0 - a[i]);
                    }
                }
            }
        }
        if !loss_sum.is_finite() {
            return BatchResult { loss_sum, finite: false };
        }
        self.update(b);
        let finite = self.layers.iter().all(|l| l.w.iter().chain(&l.p).chain(&l.bias).all(|v| v.is_finite()));
        BatchResult { loss_sum, finite }
    }

    /// Writes the batch's gradient according to the algorithm and form.
    fn update(&mut self, b: usize) {
        let NetRates { alpha, beta, every, .. } = self.rates;
        let Scratch { acts, deltas, grads, bias_grads, trains, .. } = &mut self.scratch;
        let tt = self.kind == AlgorithmKind::TikiTaka;
        for (l, layer) in self.layers.iter_mut().enumerate() {
            let (ins, outs) = (layer.inputs, layer.outputs);
            let (x_all, d_all) = (&acts[l], &deltas[l]);
            // Digital biases: b ← b − α Σₙ dₙ.
            let gb = &mut bias_grads[l];
            gb.clear();
            gb.resize(outs, 0.0);
            for n in 0..b {
                for (g, d) in gb.iter_mut().zip(&d_all[n * outs..(n + 1) * outs]) {
                    *g += d;
                }
            }
            for (bj, g) in layer.bias.iter_mut().zip(gb.iter()) {
                *bj -= alpha * g;
            }
            let (target, array) = if tt { (&mut layer.p, &mut layer.fast) } else { (&mut layer.w, &mut layer.main) };
            let per_batch = self.kind == AlgorithmKind::Digital || self.form == Form::Batch;
            if per_batch {
                let g = &mut grads[l];
                g.clear();
                g.resize(ins * outs, 0.0);
                for n in 0..b {
                    let d = &d_all[n * outs..(n + 1) * outs];
                    for (i, &xi) in x_all[n * ins..(n + 1) * ins].iter().enumerate() {
                        if xi != 0.0 {
                            for (gij, dj) in g[i * outs..(i + 1) * outs].iter_mut().zip(d) {
                                *gij += xi * dj;
                            }
                        }
                    }
                }
                for (e, gij) in g.iter().enumerate() {
                    target[e] = array.write(e, target[e], -alpha * gij);
                }
            } else {
                for n in 0..b {
                    let x = &x_all[n * ins..(n + 1) * ins];
                    let d = &d_all[n * outs..(n + 1) * outs];
                    rank_one_update(array, target, x, d, alpha, trains);
                }
            }
        }
        self.batches += 1;
        if tt && self.batches.is_multiple_of(every.max(1)) {
            for layer in &mut self.layers {
                for e in 0..layer.w.len() {
                    layer.w[e] = layer.main.write(e, layer.w[e], beta * layer.p[e]);
                }
            }
        }
    }

    /// Test loss (mean NLL), accuracy and the predicted class of every image of `data`, through
    /// the analog forward pass (with read noise from `rng` when the net has any).
    pub fn evaluate(&mut self, data: &Split, rng: &mut SimRng, predictions: &mut Vec<u8>) -> (f64, f64) {
        self.prepare(1);
        let (kind, gamma) = (self.kind, self.rates.gamma);
        let Scratch { wbar, logits, .. } = &mut self.scratch;
        let weights: Vec<&[f64]> =
            self.layers.iter().zip(wbar.iter_mut()).map(|(l, wb)| effective(l, wb, kind, gamma)).collect();
        let mut noise = (self.read_noise > 0.0).then_some((self.read_noise, rng));
        let mut acts: Vec<Vec<f64>> = self.layers.iter().map(|l| vec![0.0; l.inputs]).collect();
        predictions.clear();
        let (mut loss, mut right) = (0.0, 0usize);
        for n in 0..data.len() {
            forward_sample(&weights, &self.layers, data.image(n), &mut acts, logits, &mut noise);
            let label = data.labels[n] as usize;
            loss -= logits[label];
            let guess = argmax(logits);
            right += usize::from(guess == label);
            predictions.push(guess as u8);
        }
        (loss / data.len() as f64, right as f64 / data.len() as f64)
    }

    /// Loss of one sample with the current weights and no read noise (finite-difference checks).
    pub fn sample_loss(&self, x: &[f64], label: usize) -> f64 {
        let weights: Vec<&[f64]> = self.layers.iter().map(|l| l.w.as_slice()).collect();
        let mut acts: Vec<Vec<f64>> = self.layers.iter().map(|l| vec![0.0; l.inputs]).collect();
        let mut logits = vec![0.0; self.layers.last().map_or(0, |l| l.outputs)];
        forward_sample(&weights, &self.layers, x, &mut acts, &mut logits, &mut None);
        -logits[label]
    }

    /// The batch gradient of the last [`Net::train_batch`] for layer `l`, computed without
    /// writing it (finite-difference checks): Σₙ xₙ dₙᵀ with the batch mean included.
    pub fn gradient(&mut self, data: &Split, batch: &[usize]) -> Vec<Vec<f64>> {
        let saved = (self.rates, self.layers.clone(), self.batches);
        self.rates.alpha = 0.0;
        self.rates.beta = 0.0;
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

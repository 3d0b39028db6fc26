//! The forward and backward passes of a mini-batch and the evaluation, compiled once per vector
//! width: the portable code, and on x86-64 the same code for AVX2 and for AVX-512 (chosen at run
//! time). Lane-wise IEEE operations give the same bits at every width (no fused multiply-add),
//! so only the speed differs.

use super::{BatchResult, Layer, Net, Scratch};
use crate::sim::network::data::Split;
use crate::sim::network::io::{Io, BM_ROUNDS};
use crate::sim::network::kernels::{accumulate, argmax, by_width, log_softmax, norm, sigmoid, terms_of};
use crate::sim::rng::SimRng;
use rand_distr::{Distribution, StandardNormal};

/// The effective weights of layer `l`, which the forward pass reads: W, or W + γP from `wbar`
/// (Tiki-Taka with γ ≠ 0).
#[inline(always)]
fn effective<'a>(layers: &'a [Layer], wbar: Option<&'a [Vec<f64>]>, l: usize) -> &'a [f64] {
    wbar.map_or(&layers[l].w, |wbar| &wbar[l])
}

/// The periphery of a net's analog MVMs (converters and output noise) and its scratch for the
/// converted inputs.
pub(crate) struct Periphery<'a> {
    pub io: Io,
    pub xq: &'a mut Vec<f64>,
}

/// z = Wᵀx + b (+ read noise): accumulates rows of W scaled by xᵢ in input order, so the sum is
/// the same on every platform, and skips zero inputs (most digit pixels). Through `io` when it
/// is not exact (then `noise` carries the stream even without read noise).
#[inline(always)]
fn layer_forward<const WIDE: usize>(
    w: &[f64],
    bias: &[f64],
    x: &[f64],
    z: &mut [f64],
    noise: &mut Option<(f64, &mut SimRng)>,
    terms: &mut Vec<(usize, f64)>,
    io: &mut Periphery,
) {
    // Through the periphery, Io::mvm is spelled out around the one product below, so the product
    // stays in this (vectorised) function and is compiled once (it is inlined at every call).
    let periphery = !io.io.is_exact() && noise.is_some();
    let mut scale = 1.0;
    let mut zero = false;
    if periphery {
        match Io::input_scale(x, z) {
            Some(m) => scale = m,
            None => zero = true,
        }
    }
    for round in 0..BM_ROUNDS {
        if zero {
            break;
        }
        if periphery {
            io.io.convert_input(x, scale, io.xq);
            z.fill(0.0);
            let terms = terms_of(io.xq.iter().copied(), true, terms);
            accumulate::<WIDE>(z, terms, w, bias.len());
        } else {
            z.copy_from_slice(bias);
            let terms = terms_of(x.iter().copied(), true, terms);
            accumulate::<WIDE>(z, terms, w, bias.len());
        }
        let Some((s, rng)) = noise.as_mut().filter(|_| periphery) else { break };
        if io.io.convert_output(z, io.xq, *s, rng, scale, round + 1 == BM_ROUNDS) {
            break;
        }
        scale *= 2.0;
    }
    if periphery {
        for (zj, b) in z.iter_mut().zip(bias) {
            *zj += b;
        }
        return;
    }
    if let Some((s, rng)) = noise {
        let scale = *s * norm(x);
        for zj in z.iter_mut() {
            let xi: f64 = StandardNormal.sample(*rng);
            *zj += scale * xi;
        }
    }
}

/// Runs sample `n` forward: `acts[0]` holds its image at row n, each hidden layer writes its
/// output straight into row n of the next layer's inputs, the last layer its log-probabilities
/// into `logits`.
// The buffers are separate arguments so the caller can keep borrowing the rest of its scratch.
#[allow(clippy::too_many_arguments)]
#[inline(always)]
pub(super) fn forward_sample<const WIDE: usize>(
    layers: &[Layer],
    wbar: Option<&[Vec<f64>]>,
    n: usize,
    acts: &mut [Vec<f64>],
    logits: &mut [f64],
    noise: &mut Option<(f64, &mut SimRng)>,
    terms: &mut Vec<(usize, f64)>,
    io: &mut Periphery,
) {
    let last = layers.len() - 1;
    for (l, layer) in layers.iter().enumerate() {
        let w = effective(layers, wbar, l);
        let (ins, outs) = (layer.inputs, layer.outputs);
        let (head, tail) = acts.split_at_mut(l + 1);
        let x = &head[l][n * ins..(n + 1) * ins];
        if l < last {
            let z = &mut tail[0][n * outs..(n + 1) * outs];
            layer_forward::<WIDE>(w, &layer.bias, x, z, noise, terms, io);
            for v in z.iter_mut() {
                *v = sigmoid(*v);
            }
        } else {
            layer_forward::<WIDE>(w, &layer.bias, x, logits, noise, terms, io);
            log_softmax(logits);
        }
    }
}

impl Net {
    /// Forward and backward over the samples `batch` of `data`, then the update.
    pub fn train_batch(&mut self, data: &Split, batch: &[usize]) -> BatchResult {
        if self.conv.is_some() {
            return self.train_batch_conv(data, batch);
        }
        if self.tiling.is_some() {
            return self.train_batch_tiled(data, batch);
        }
        by_width!(self: Net => train_batch_portable(data: &Split, batch: &[usize]) -> BatchResult)
    }

    #[inline(always)]
    fn train_batch_portable<const WIDE: usize>(&mut self, data: &Split, batch: &[usize]) -> BatchResult {
        let b = batch.len();
        self.prepare(b, true);
        let use_wbar = self.uses_wbar();
        let inv_b = 1.0 / b as f64;
        let mut loss_sum = 0.0;
        {
            let noisy = self.noisy();
            let Scratch { acts, deltas, wbar, wt, logits, back, terms, xq, .. } = &mut self.scratch;
            let wbar = use_wbar.then_some(wbar.as_slice());
            let mut noise = noisy.then_some((self.read_noise, &mut self.read_rng));
            let mut io = Periphery { io: self.io, xq };
            let last = self.layers.len() - 1;
            for (n, &s) in batch.iter().enumerate() {
                let ins = self.layers[0].inputs;
                data.image_into(s, &mut acts[0][n * ins..(n + 1) * ins]);
                forward_sample::<WIDE>(&self.layers, wbar, n, acts, logits, &mut noise, terms, &mut io);
                let label = data.labels[s] as usize;
                loss_sum -= logits[label];
                // d of the last layer: (softmax − one-hot)/B.
                let outputs = self.layers[last].outputs;
                let d = &mut deltas[last][n * outputs..(n + 1) * outputs];
                for j in 0..outputs {
                    d[j] = (libm::exp(logits[j]) - if j == label { 1.0 } else { 0.0 }) * inv_b;
                }
                // Backward through the hidden layers: back = W d, each sum over j in order from
                // −0.0 as `Iterator::sum` starts, along the rows of Wᵀ.
                for l in (1..=last).rev() {
                    let (ins, outs) = (self.layers[l].inputs, self.layers[l].outputs);
                    let (lower, upper) = deltas.split_at_mut(l);
                    let d_out = &upper[0][n * outs..(n + 1) * outs];
                    back.clear();
                    back.resize(ins, -0.0);
                    // Io::mvm spelled out around one product, as in the forward pass.
                    let periphery = !io.io.is_exact() && noise.is_some();
                    let mut scale = 1.0;
                    let mut zero = false;
                    if periphery {
                        match Io::input_scale(d_out, back) {
                            Some(m) => scale = m,
                            None => zero = true,
                        }
                    }
                    for round in 0..BM_ROUNDS {
                        if zero {
                            break;
                        }
                        if periphery {
                            io.io.convert_input(d_out, scale, io.xq);
                            back.fill(0.0);
                            let terms = terms_of(io.xq.iter().copied(), false, terms);
                            accumulate::<WIDE>(back, terms, &wt[l], ins);
                        } else {
                            let terms = terms_of(d_out.iter().copied(), false, terms);
                            accumulate::<WIDE>(back, terms, &wt[l], ins);
                        }
                        let Some((s, rng)) = noise.as_mut().filter(|_| periphery) else { break };
                        if io.io.convert_output(back, io.xq, *s, rng, scale, round + 1 == BM_ROUNDS) {
                            break;
                        }
                        scale *= 2.0;
                    }
                    if let (false, Some((s, rng))) = (periphery, &mut noise) {
                        let scale = *s * norm(d_out);
                        for v in back.iter_mut() {
                            let xi: f64 = StandardNormal.sample(*rng);
                            *v += scale * xi;
                        }
                    }
                    let a = &acts[l][n * ins..(n + 1) * ins];
                    let d_in = &mut lower[l - 1][n * ins..(n + 1) * ins];
                    for i in 0..ins {
                        d_in[i] = back[i] * a[i] * (1.0 - a[i]);
                    }
                }
            }
        }
        if !loss_sum.is_finite() {
            return BatchResult { loss_sum, finite: false };
        }
        let finite = self.update::<WIDE>(None);
        BatchResult { loss_sum, finite }
    }

    /// Test loss (mean NLL), accuracy and the predicted class of every image of `data`, through
    /// the analog forward pass (with read noise from `rng` when the net has any).
    pub fn evaluate(&mut self, data: &Split, rng: &mut SimRng, predictions: &mut Vec<u8>) -> (f64, f64) {
        if self.conv.is_some() {
            return self.evaluate_conv(data, rng, predictions);
        }
        if self.tiling.is_some() {
            return self.evaluate_tiled(data, rng, predictions);
        }
        by_width!(self: Net => evaluate_portable(data: &Split, rng: &mut SimRng, predictions: &mut Vec<u8>) -> (f64, f64))
    }

    #[inline(always)]
    fn evaluate_portable<const WIDE: usize>(
        &mut self,
        data: &Split,
        rng: &mut SimRng,
        predictions: &mut Vec<u8>,
    ) -> (f64, f64) {
        self.prepare(1, false);
        let use_wbar = self.uses_wbar();
        let noisy = self.noisy();
        let Scratch { acts, wbar, logits, terms, xq, .. } = &mut self.scratch;
        let wbar = use_wbar.then_some(wbar.as_slice());
        let mut noise = noisy.then_some((self.read_noise, rng));
        let mut io = Periphery { io: self.io, xq };
        predictions.clear();
        let (mut loss, mut right) = (0.0, 0usize);
        for n in 0..data.len() {
            data.image_into(n, &mut acts[0]);
            forward_sample::<WIDE>(&self.layers, wbar, 0, acts, logits, &mut noise, terms, &mut io);
            let label = data.labels[n] as usize;
            loss -= logits[label];
            let guess = argmax(logits);
            right += usize::from(guess == label);
            predictions.push(guess as u8);
        }
        (loss / data.len() as f64, right as f64 / data.len() as f64)
    }
}

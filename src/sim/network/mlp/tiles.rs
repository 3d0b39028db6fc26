//! aihwkit's mapping of a layer onto tiles (`MappingParameter`), for the analog algorithms:
//!
//! * `tile_inputs` (aihwkit `max_input_size`): a layer with more inputs is split into the fewest
//!   tiles of at most that many inputs, of equal size (the first ones one larger when it does not
//!   divide), as aihwkit's `TileModuleArray`. Each tile is an analog tile of its own: its own
//!   noise management (max |x| over its inputs), output noise, bound management and ADC; its
//!   own pulse trains (update management over its inputs); for Tiki-Taka its own P and its own
//!   transfer counter (each tile transfers `n_reads` of its columns per transfer). The layer's
//!   output is the sum of its tiles' outputs plus the digital bias.
//! * `out_scaling` (aihwkit `learn_out_scaling`, one scalar per tile): tile t's output is
//!   multiplied by a learned α_t (initially 1), a digital parameter trained by SGD at the
//!   algorithm's step size α like the biases (∂L/∂α_t = Σ δ·ŷ_t). The chain rule makes the tile's
//!   backward pass and update see α_t·δ. With it, the effective weights α_t·W can leave the
//!   device's range [τ_min, τ_max].
//!
//! This path is taken only when one of the two is on (it is simpler and slower than the
//! vectorised single-tile path in `mlp.rs`); its Tiki-Taka transfer writes each read column as
//! aihwkit's `transfer_update` does, a pulse train with the transfer's BL and update management.

use super::{Form, Net};
use crate::sim::algorithm::AlgorithmKind;
use crate::sim::device::UpdateMode;
use crate::sim::network::data::Split;
use crate::sim::network::io::Io;
use crate::sim::network::kernels::{all_finite, argmax, log_softmax, sigmoid};
use crate::sim::pulse_train::{column_update, tile_update};
use crate::sim::rng::SimRng;

/// The tiles of every layer of a net.
#[derive(Clone, Debug)]
pub struct Tiling {
    layers: Vec<LayerTiles>,
    /// Whether the out scales are learned (otherwise they stay 1).
    learn: bool,
    /// Most pulses per column of a pulse-level transfer.
    transfer_bl: u32,
    /// Scratch: a tile's output, the error it sees, a read row.
    buf: Vec<f64>,
    dt: Vec<f64>,
    back: Vec<f64>,
}

#[derive(Clone, Debug)]
struct LayerTiles {
    /// Tile t covers inputs bounds[t]..bounds[t + 1].
    bounds: Vec<usize>,
    /// α_t.
    scales: Vec<f64>,
    /// Σ over the batch of ∂L/∂α_t.
    grads: Vec<f64>,
    /// The next column of each tile's P a transfer reads.
    next_read: Vec<usize>,
}

/// aihwkit's split of `size` into the fewest pieces of at most `max` (0 = one piece).
pub fn split_sizes(size: usize, max: usize) -> Vec<usize> {
    if max == 0 || size <= max {
        return vec![size];
    }
    let n = size.div_ceil(max);
    let (base, extra) = (size / n, size % n);
    (0..n).map(|i| base + usize::from(i < extra)).collect()
}

impl Tiling {
    /// The tiling of layers with `inputs`, or `None` when neither option is on.
    pub fn new(inputs: &[usize], tile_inputs: usize, learn: bool, transfer_bl: u32) -> Option<Tiling> {
        let split = inputs.iter().any(|&i| tile_inputs > 0 && i > tile_inputs);
        if !split && !learn {
            return None;
        }
        let layers = inputs
            .iter()
            .map(|&i| {
                let mut bounds = vec![0];
                for s in split_sizes(i, tile_inputs) {
                    bounds.push(bounds.last().copied().unwrap_or(0) + s);
                }
                let t = bounds.len() - 1;
                LayerTiles { next_read: bounds[..t].to_vec(), bounds, scales: vec![1.0; t], grads: vec![0.0; t] }
            })
            .collect();
        Some(Tiling { layers, learn, transfer_bl, buf: Vec::new(), dt: Vec::new(), back: Vec::new() })
    }

    /// The out scales α_t of layer `l`.
    pub fn scales(&self, l: usize) -> &[f64] {
        &self.layers[l].scales
    }
}

/// One tile's MVM: `out` (zeroed here) = M x through the periphery when `noise` is given, exactly
/// otherwise; `product(x̂, out)` adds M x̂.
fn tile_mvm(
    io: &Io,
    x: &[f64],
    out: &mut [f64],
    xq: &mut Vec<f64>,
    noise: Option<(f64, &mut SimRng)>,
    product: impl FnMut(&[f64], &mut [f64]),
) {
    match noise {
        Some((s, rng)) => io.mvm(x, out, xq, s, rng, product),
        None => {
            let mut product = product;
            out.fill(0.0);
            product(x, out);
        }
    }
}

/// Adds Wₜᵀ x (W input-major, `outs` per row) into `out`, in input order, zero inputs skipped.
fn forward_product(w: &[f64], outs: usize) -> impl Fn(&[f64], &mut [f64]) + '_ {
    move |x, out| {
        for (i, &v) in x.iter().enumerate() {
            if v != 0.0 {
                for (o, wv) in out.iter_mut().zip(&w[i * outs..(i + 1) * outs]) {
                    *o += v * wv;
                }
            }
        }
    }
}

/// Adds Wₜ d into `out` (one entry per input row), each a sum over the outputs in order.
fn backward_product(w: &[f64], outs: usize) -> impl Fn(&[f64], &mut [f64]) + '_ {
    move |d, out| {
        for (i, o) in out.iter_mut().enumerate() {
            *o += w[i * outs..(i + 1) * outs].iter().zip(d).map(|(a, b)| a * b).sum::<f64>();
        }
    }
}

impl Net {
    /// Maps this net's layers onto tiles (analog algorithms only; Digital SGD computes exactly).
    pub fn with_tiling(mut self, tiling: Option<Tiling>) -> Net {
        if self.kind != AlgorithmKind::Digital {
            self.tiling = tiling;
        }
        self
    }

    /// Layer `l`'s output for sample row `n` of `acts[l]` into `z` (before the activation);
    /// with `keep`, each tile's unscaled output is stored in `tile_outs` (T × O) for ∂L/∂α.
    #[allow(clippy::too_many_arguments)]
    fn tiled_layer_forward(
        &mut self,
        tiling: &mut Tiling,
        l: usize,
        x: &[f64],
        z: &mut [f64],
        tile_outs: Option<&mut Vec<f64>>,
        rng: Option<&mut SimRng>,
    ) {
        let layer = &self.layers[l];
        let outs = layer.outputs;
        let w: &[f64] = if self.uses_wbar() { &self.scratch.wbar[l] } else { &layer.w };
        let lt = &tiling.layers[l];
        let noisy = self.noisy();
        let mut rng = rng;
        z.fill(0.0);
        let mut kept = tile_outs;
        if let Some(k) = kept.as_deref_mut() {
            k.clear();
        }
        tiling.buf.resize(outs, 0.0);
        for t in 0..lt.scales.len() {
            let (i0, i1) = (lt.bounds[t], lt.bounds[t + 1]);
            let noise = if noisy { rng.as_deref_mut().map(|r| (self.read_noise, r)) } else { None };
            tile_mvm(
                &self.io,
                &x[i0..i1],
                &mut tiling.buf,
                &mut self.scratch.xq,
                noise,
                forward_product(&w[i0 * outs..i1 * outs], outs),
            );
            let a = lt.scales[t];
            for (zj, y) in z.iter_mut().zip(&tiling.buf) {
                *zj += a * y;
            }
            if let Some(k) = kept.as_deref_mut() {
                k.extend_from_slice(&tiling.buf);
            }
        }
        for (zj, b) in z.iter_mut().zip(&layer.bias) {
            *zj += b;
        }
    }

    /// [`Net::train_batch`] for a tiled net.
    pub(super) fn train_batch_tiled(&mut self, data: &Split, batch: &[usize]) -> super::BatchResult {
        let mut tiling = self.tiling.take().expect("a tiled net");
        let result = self.train_tiled(&mut tiling, data, batch);
        self.tiling = Some(tiling);
        result
    }

    fn train_tiled(&mut self, tiling: &mut Tiling, data: &Split, batch: &[usize]) -> super::BatchResult {
        let b = batch.len();
        self.prepare(b, false);
        let inv_b = 1.0 / b as f64;
        let last = self.layers.len() - 1;
        let mut loss_sum = 0.0;
        for lt in &mut tiling.layers {
            lt.grads.fill(0.0);
        }
        // Per layer, per sample: the tiles' unscaled outputs (for ∂L/∂α).
        let mut tile_outs: Vec<Vec<f64>> = vec![Vec::new(); self.layers.len()];
        let mut kept = Vec::new();
        let mut logits = std::mem::take(&mut self.scratch.logits);
        let mut read_rng = self.read_rng.clone();
        for (n, &s) in batch.iter().enumerate() {
            let ins0 = self.layers[0].inputs;
            self.scratch.acts[0][n * ins0..(n + 1) * ins0].copy_from_slice(data.image(s));
            for l in 0..=last {
                let (ins, outs) = (self.layers[l].inputs, self.layers[l].outputs);
                let x = self.scratch.acts[l][n * ins..(n + 1) * ins].to_vec();
                let mut z = vec![0.0; outs];
                self.tiled_layer_forward(tiling, l, &x, &mut z, Some(&mut kept), Some(&mut read_rng));
                tile_outs[l].extend_from_slice(&kept);
                if l < last {
                    for v in z.iter_mut() {
                        *v = sigmoid(*v);
                    }
                    self.scratch.acts[l + 1][n * outs..(n + 1) * outs].copy_from_slice(&z);
                } else {
                    log_softmax(&mut z);
                    logits.copy_from_slice(&z);
                }
            }
            let label = data.labels[s] as usize;
            loss_sum -= logits[label];
            let outputs = self.layers[last].outputs;
            for j in 0..outputs {
                self.scratch.deltas[last][n * outputs + j] =
                    (libm::exp(logits[j]) - if j == label { 1.0 } else { 0.0 }) * inv_b;
            }
            // Backward: each tile sees α_t·δ and returns its inputs' share.
            for l in (0..=last).rev() {
                let (ins, outs) = (self.layers[l].inputs, self.layers[l].outputs);
                let d = self.scratch.deltas[l][n * outs..(n + 1) * outs].to_vec();
                let t_count = tiling.layers[l].scales.len();
                for t in 0..t_count {
                    let y = &tile_outs[l][(n * t_count + t) * outs..(n * t_count + t + 1) * outs];
                    tiling.layers[l].grads[t] += d.iter().zip(y).map(|(a, b)| a * b).sum::<f64>();
                }
                if l == 0 {
                    continue;
                }
                let w: &[f64] = if self.uses_wbar() { &self.scratch.wbar[l] } else { &self.layers[l].w };
                let noisy = self.noisy();
                tiling.back.clear();
                tiling.back.resize(ins, 0.0);
                let lt = &tiling.layers[l];
                for t in 0..t_count {
                    let (i0, i1) = (lt.bounds[t], lt.bounds[t + 1]);
                    tiling.dt.clear();
                    tiling.dt.extend(d.iter().map(|v| lt.scales[t] * v));
                    let noise = noisy.then_some((self.read_noise, &mut read_rng));
                    tile_mvm(
                        &self.io,
                        &tiling.dt,
                        &mut tiling.back[i0..i1],
                        &mut self.scratch.xq,
                        noise,
                        backward_product(&w[i0 * outs..i1 * outs], outs),
                    );
                }
                let a = &self.scratch.acts[l][n * ins..(n + 1) * ins];
                let lower = &mut self.scratch.deltas[l - 1][n * ins..(n + 1) * ins];
                for i in 0..ins {
                    lower[i] = tiling.back[i] * a[i] * (1.0 - a[i]);
                }
            }
        }
        self.read_rng = read_rng;
        self.scratch.logits = logits;
        if !loss_sum.is_finite() {
            return super::BatchResult { loss_sum, finite: false };
        }
        let finite = self.update_tiled(tiling, b);
        super::BatchResult { loss_sum, finite }
    }

    fn update_tiled(&mut self, tiling: &mut Tiling, b: usize) -> bool {
        let mut finite = true;
        let rates = self.rates;
        let (alpha, fast, beta) = (rates.alpha_now(), rates.fast_now(), rates.beta * rates.scale);
        let tt = self.kind == AlgorithmKind::TikiTaka;
        let rate = if tt { fast } else { alpha };
        let bl = match self.layers[0].main.mode {
            UpdateMode::Pulsed { bl, .. } => bl,
            UpdateMode::Expected => 0,
        };
        for (l, layer) in self.layers.iter_mut().enumerate() {
            let (ins, outs) = (layer.inputs, layer.outputs);
            let (x_all, d_all) = (&self.scratch.acts[l], &self.scratch.deltas[l]);
            // Digital biases: b ← b − α Σₙ dₙ.
            let mut g = vec![0.0; outs];
            for n in 0..b {
                for (gj, d) in g.iter_mut().zip(&d_all[n * outs..(n + 1) * outs]) {
                    *gj += d;
                }
            }
            for (bj, gj) in layer.bias.iter_mut().zip(&g) {
                *bj -= alpha * gj;
            }
            finite &= all_finite(&layer.bias);
            let lt = &tiling.layers[l];
            let (target, array) = if tt { (&mut layer.p, &mut layer.fast) } else { (&mut layer.w, &mut layer.main) };
            for t in 0..lt.scales.len() {
                let (i0, i1) = (lt.bounds[t], lt.bounds[t + 1]);
                let a = lt.scales[t];
                let block = &mut target[i0 * outs..i1 * outs];
                match self.form {
                    Form::Pulse => {
                        for n in 0..b {
                            tiling.dt.clear();
                            tiling.dt.extend(d_all[n * outs..(n + 1) * outs].iter().map(|v| a * v));
                            let x = &x_all[n * ins + i0..n * ins + i1];
                            tile_update(array, block, i0 * outs, x, &tiling.dt, rate, bl, &mut self.scratch.trains);
                        }
                    }
                    Form::Sample => {
                        for n in 0..b {
                            tiling.dt.clear();
                            tiling.dt.extend(d_all[n * outs..(n + 1) * outs].iter().map(|v| a * v));
                            for i in i0..i1 {
                                let xi = x_all[n * ins + i];
                                if xi != 0.0 {
                                    let row = &mut block[(i - i0) * outs..(i - i0 + 1) * outs];
                                    array.write_row(i * outs, row, -rate * xi, &tiling.dt);
                                }
                            }
                        }
                    }
                    Form::Batch => {
                        for i in i0..i1 {
                            tiling.dt.clear();
                            tiling.dt.resize(outs, 0.0);
                            let mut any = false;
                            for n in 0..b {
                                let xi = x_all[n * ins + i];
                                if xi != 0.0 {
                                    any = true;
                                    for (gj, d) in tiling.dt.iter_mut().zip(&d_all[n * outs..(n + 1) * outs]) {
                                        *gj += xi * (a * d);
                                    }
                                }
                            }
                            if any {
                                let row = &mut block[(i - i0) * outs..(i - i0 + 1) * outs];
                                array.write_row(i * outs, row, -rate, &tiling.dt);
                            }
                        }
                    }
                }
                finite &= all_finite(block);
            }
            // The out scales step after the weights saw the old ones (as torch: backward, then step).
            if tiling.learn {
                let lt = &mut tiling.layers[l];
                for (s, g) in lt.scales.iter_mut().zip(&lt.grads) {
                    *s -= alpha * g;
                }
                finite &= all_finite(&lt.scales);
            }
        }
        self.batches += 1;
        if tt && self.batches.is_multiple_of(rates.every.max(1)) {
            let io = self.io;
            for (l, layer) in self.layers.iter_mut().enumerate() {
                let lt = &mut tiling.layers[l];
                let outs = layer.outputs;
                for t in 0..lt.scales.len() {
                    let (i0, i1) = (lt.bounds[t], lt.bounds[t + 1]);
                    let reads = if rates.reads == 0 { i1 - i0 } else { rates.reads.min(i1 - i0) };
                    for _ in 0..reads {
                        let i = lt.next_read[t];
                        lt.next_read[t] = if i + 1 == i1 { i0 } else { i + 1 };
                        let span = i * outs..(i + 1) * outs;
                        io.read_row(&layer.p[span.clone()], &mut tiling.back, &mut self.read_rng);
                        let w_row = &mut layer.w[span];
                        if bl > 0 {
                            // x = e_i, d = −read, lr = β: W_i += β·read as a pulse train.
                            for v in tiling.back.iter_mut() {
                                *v = -*v;
                            }
                            column_update(
                                &mut layer.main,
                                w_row,
                                i * outs,
                                &tiling.back,
                                beta,
                                tiling.transfer_bl,
                                &mut self.scratch.trains,
                            );
                        } else {
                            layer.main.write_row(i * outs, w_row, beta, &tiling.back);
                        }
                        finite &= all_finite(w_row);
                    }
                }
            }
        }
        finite
    }

    /// [`Net::evaluate`] for a tiled net.
    pub(super) fn evaluate_tiled(&mut self, data: &Split, rng: &mut SimRng, predictions: &mut Vec<u8>) -> (f64, f64) {
        let mut tiling = self.tiling.take().expect("a tiled net");
        self.prepare(1, false);
        let last = self.layers.len() - 1;
        predictions.clear();
        let (mut loss, mut right) = (0.0, 0usize);
        let mut x = Vec::new();
        for n in 0..data.len() {
            x.clear();
            x.extend_from_slice(data.image(n));
            let mut z = Vec::new();
            for l in 0..=last {
                z.clear();
                z.resize(self.layers[l].outputs, 0.0);
                self.tiled_layer_forward(&mut tiling, l, &x, &mut z, None, Some(&mut *rng));
                if l < last {
                    for v in z.iter_mut() {
                        *v = sigmoid(*v);
                    }
                    std::mem::swap(&mut x, &mut z);
                }
            }
            log_softmax(&mut z);
            let label = data.labels[n] as usize;
            loss -= z[label];
            let guess = argmax(&z);
            right += usize::from(guess == label);
            predictions.push(guess as u8);
        }
        self.tiling = Some(tiling);
        (loss / data.len() as f64, right as f64 / data.len() as f64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layers_split_as_aihwkit_splits_them() {
        assert_eq!(split_sizes(784, 512), vec![392, 392]);
        assert_eq!(split_sizes(1025, 512), vec![342, 342, 341]);
        assert_eq!(split_sizes(256, 512), vec![256]);
        assert_eq!(split_sizes(784, 0), vec![784]);
        assert!(Tiling::new(&[784, 256, 128], 1000, false, 31).is_none());
        let t = Tiling::new(&[784, 256, 128], 512, false, 31).unwrap();
        assert_eq!(t.layers[0].bounds, vec![0, 392, 784]);
        assert_eq!(t.layers[1].bounds, vec![0, 256]);
        assert_eq!(t.scales(0), &[1.0, 1.0]);
    }

    /// With exact MVMs and the expected dynamic, splitting a layer into tiles only changes the
    /// rounding of the summed outputs.
    #[test]
    fn tiles_with_exact_mvms_compute_the_untiled_network() {
        use crate::sim::network::NetRun;
        use crate::sim::scenario::Scenario;
        let weights = |q: &str| {
            let s = Scenario::parse(q).unwrap();
            let mut run = NetRun::with_seed(&s, 3);
            for _ in 0..30 {
                run.step();
            }
            run.tracks.iter().map(|t| t.net.layers[0].w.clone()).collect::<Vec<_>>()
        };
        let q = "problem=digits&algos=analog,tt&epochs=1&tau=0.5";
        let (one, split) = (weights(q), weights(&format!("{q}&tile_inputs=20")));
        for (a, b) in one.iter().zip(&split) {
            let diff = a.iter().zip(b).map(|(x, y)| (x - y).abs()).fold(0.0, f64::max);
            assert!(diff < 1e-12, "{diff}");
        }
    }
}

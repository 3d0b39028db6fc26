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
//! This path is taken only when one of the two is on (its forward and backward passes are
//! simpler and slower than the vectorised single-tile passes in `passes.rs`); the update is the
//! one every layer uses (`update.rs`, tile by tile), and its Tiki-Taka transfer writes each read
//! column as aihwkit's `transfer_update` does, a pulse train with the transfer's BL and update
//! management.

use super::{BatchResult, Net, Scratch};
use crate::sim::algorithm::family::TileState;
use crate::sim::algorithm::AlgorithmKind;
use crate::sim::network::data::Split;
use crate::sim::network::io::{Io, BM_ROUNDS};
use crate::sim::network::kernels::{accumulate, all_finite, argmax, by_width, log_softmax, sigmoid, terms_of};
use crate::sim::rng::SimRng;
use serde::{Deserialize, Serialize};

/// The tiles of every layer of a net.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Tiling {
    layers: Vec<LayerTiles>,
    /// Whether the out scales are learned (otherwise they stay 1).
    learn: bool,
    /// Scratch: a tile's output, the error it sees, a read row.
    buf: Vec<f64>,
    dt: Vec<f64>,
    back: Vec<f64>,
    /// Scratch: per layer, the tiles' unscaled outputs of every sample of the batch (for ∂L/∂α);
    /// a layer's input and output.
    kept: Vec<Vec<f64>>,
    x: Vec<f64>,
    z: Vec<f64>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
struct LayerTiles {
    /// Tile t covers inputs bounds[t]..bounds[t + 1].
    bounds: Vec<usize>,
    /// α_t.
    scales: Vec<f64>,
    /// Σ over the batch of ∂L/∂α_t.
    grads: Vec<f64>,
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
    pub fn new(inputs: &[usize], tile_inputs: usize, learn: bool) -> Option<Tiling> {
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
                LayerTiles { bounds, scales: vec![1.0; t], grads: vec![0.0; t] }
            })
            .collect();
        Some(Tiling {
            layers,
            learn,
            buf: Vec::new(),
            dt: Vec::new(),
            back: Vec::new(),
            kept: Vec::new(),
            x: Vec::new(),
            z: Vec::new(),
        })
    }

    /// The out scales α_t of layer `l`.
    pub fn scales(&self, l: usize) -> &[f64] {
        &self.layers[l].scales
    }

    /// Tile t of layer `l` covers inputs `bounds(l)[t]..bounds(l)[t + 1]`.
    pub(super) fn bounds(&self, l: usize) -> &[usize] {
        &self.layers[l].bounds
    }

    /// Zeroes every tile's Σ ∂L/∂α_t before a batch.
    pub(super) fn clear_grads(&mut self) {
        for lt in &mut self.layers {
            lt.grads.fill(0.0);
        }
    }

    /// Adds `g` to Σ ∂L/∂α_t of tile `t` of layer `l`.
    #[inline(always)]
    pub(super) fn add_grad(&mut self, l: usize, t: usize, g: f64) {
        self.layers[l].grads[t] += g;
    }

    /// After the batch's weight update (as torch: backward, then step), every learned out
    /// scale steps: α_t ← α_t − `alpha`·Σ ∂L/∂α_t. Returns whether they stay finite.
    pub(super) fn step_scales(&mut self, alpha: f64) -> bool {
        if !self.learn {
            return true;
        }
        let mut finite = true;
        for lt in &mut self.layers {
            for (s, g) in lt.scales.iter_mut().zip(&lt.grads) {
                *s -= alpha * g;
            }
            finite &= all_finite(&lt.scales);
        }
        finite
    }
}

/// `out[j] += Σₖ x[k]·rows[k·stride + j]` over the terms of x (its nonzero entries with
/// `skip_zeros`), in order.
struct Product<'a> {
    rows: &'a [f64],
    stride: usize,
    skip_zeros: bool,
    terms: &'a mut Vec<(usize, f64)>,
}

impl Product<'_> {
    /// Inlined into the caller's (vectorised) build; a closure would be compiled apart, for the
    /// baseline target.
    #[inline(always)]
    fn add<const WIDE: usize>(&mut self, x: &[f64], out: &mut [f64]) {
        let list = terms_of(x.iter().copied(), self.skip_zeros, self.terms);
        accumulate::<WIDE>(out, list, self.rows, self.stride);
    }
}

/// One tile's MVM: `out` (zeroed here) = M x through the periphery when `noise` is given, exactly
/// otherwise; `product(x̂, out)` adds M x̂. `Io::mvm` spelled out, so the product stays in the
/// caller's (vectorised) build.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
fn tile_mvm<const WIDE: usize>(
    io: &Io,
    x: &[f64],
    out: &mut [f64],
    xq: &mut Vec<f64>,
    noise: Option<(f64, &mut SimRng)>,
    mut product: Product,
) {
    match noise {
        Some((s, rng)) => {
            let Some(mut scale) = Io::input_scale(x, out) else { return };
            for round in 0..BM_ROUNDS {
                io.convert_input(x, scale, xq);
                out.fill(0.0);
                product.add::<WIDE>(xq, out);
                if io.convert_output(out, xq, s, rng, scale, round + 1 == BM_ROUNDS) {
                    return;
                }
                scale *= 2.0;
            }
        }
        None => {
            out.fill(0.0);
            product.add::<WIDE>(x, out);
        }
    }
}

/// Layer output z (before the activation) of input `x` through the tiles `lt` of weights `w`
/// (input-major); with `kept`, each tile's unscaled output is appended to it (for ∂L/∂α). Each
/// tile's sum runs over its nonzero inputs in order, as the plain loop.
#[allow(clippy::too_many_arguments)]
#[inline(always)]
fn tiled_layer_forward<const WIDE: usize>(
    io: &Io,
    w: &[f64],
    bias: &[f64],
    lt: &LayerTiles,
    buf: &mut Vec<f64>,
    x: &[f64],
    z: &mut [f64],
    mut kept: Option<&mut Vec<f64>>,
    noise: &mut Option<(f64, &mut SimRng)>,
    xq: &mut Vec<f64>,
    terms: &mut Vec<(usize, f64)>,
) {
    let outs = bias.len();
    z.fill(0.0);
    buf.resize(outs, 0.0);
    for t in 0..lt.scales.len() {
        let (i0, i1) = (lt.bounds[t], lt.bounds[t + 1]);
        let rows = &w[i0 * outs..i1 * outs];
        let tile_noise = noise.as_mut().map(|(s, r)| (*s, &mut **r));
        let product = Product { rows, stride: outs, skip_zeros: true, terms: &mut *terms };
        tile_mvm::<WIDE>(io, &x[i0..i1], buf, xq, tile_noise, product);
        let a = lt.scales[t];
        for (zj, y) in z.iter_mut().zip(buf.iter()) {
            *zj += a * y;
        }
        if let Some(k) = kept.as_deref_mut() {
            k.extend_from_slice(buf);
        }
    }
    for (zj, b) in z.iter_mut().zip(bias) {
        *zj += b;
    }
}

impl Net {
    /// Maps this net's layers onto tiles (analog algorithms only; Digital SGD computes exactly).
    pub fn with_tiling(mut self, tiling: Option<Tiling>) -> Net {
        if self.kind != AlgorithmKind::Digital {
            if let Some(tiling) = &tiling {
                for (layer, lt) in self.layers.iter_mut().zip(&tiling.layers) {
                    layer.tiles = lt
                        .bounds
                        .windows(2)
                        .map(|b| TileState::new(self.kind, b[1] - b[0], layer.outputs).at(b[0]))
                        .collect();
                }
            }
            self.tiling = tiling;
        }
        self
    }

    /// [`Net::train_batch`] for a tiled net.
    pub(super) fn train_batch_tiled(&mut self, data: &Split, batch: &[usize]) -> BatchResult {
        let mut tiling = self.tiling.take().expect("a tiled net");
        let tiling_ref = &mut tiling;
        let result =
            by_width!(self: Net => train_tiled(tiling_ref: &mut Tiling, data: &Split, batch: &[usize]) -> BatchResult);
        self.tiling = Some(tiling);
        result
    }

    #[inline(always)]
    fn train_tiled<const WIDE: usize>(&mut self, tiling: &mut Tiling, data: &Split, batch: &[usize]) -> BatchResult {
        let b = batch.len();
        self.prepare(b, true);
        let use_wbar = self.uses_wbar();
        let noisy = self.noisy();
        let (io, read_noise) = (self.io, self.read_noise);
        let inv_b = 1.0 / b as f64;
        let last = self.layers.len() - 1;
        let mut loss_sum = 0.0;
        {
            tiling.clear_grads();
            let Tiling { layers: tl, buf, dt, back, kept, z, .. } = &mut *tiling;
            // Per layer, per sample: the tiles' unscaled outputs (for ∂L/∂α).
            kept.resize(self.layers.len(), Vec::new());
            for k in kept.iter_mut() {
                k.clear();
            }
            let Scratch { acts, deltas, wbar, wt, logits, terms, xq, .. } = &mut self.scratch;
            let rng = &mut self.read_rng;
            for (n, &s) in batch.iter().enumerate() {
                let ins0 = self.layers[0].inputs;
                data.image_into(s, &mut acts[0][n * ins0..(n + 1) * ins0]);
                for l in 0..=last {
                    let layer = &self.layers[l];
                    let (ins, outs) = (layer.inputs, layer.outputs);
                    let w: &[f64] = if use_wbar { &wbar[l] } else { &layer.w };
                    let (head, tail) = acts.split_at_mut(l + 1);
                    let x = &head[l][n * ins..(n + 1) * ins];
                    z.clear();
                    z.resize(outs, 0.0);
                    let mut noise = noisy.then_some((read_noise, &mut *rng));
                    tiled_layer_forward::<WIDE>(
                        &io,
                        w,
                        &layer.bias,
                        &tl[l],
                        buf,
                        x,
                        z,
                        Some(&mut kept[l]),
                        &mut noise,
                        xq,
                        terms,
                    );
                    if l < last {
                        for (o, v) in tail[0][n * outs..(n + 1) * outs].iter_mut().zip(z.iter()) {
                            *o = sigmoid(*v);
                        }
                    } else {
                        log_softmax(z);
                        logits.copy_from_slice(z);
                    }
                }
                let label = data.labels[s] as usize;
                loss_sum -= logits[label];
                let outputs = self.layers[last].outputs;
                for j in 0..outputs {
                    deltas[last][n * outputs + j] = (libm::exp(logits[j]) - if j == label { 1.0 } else { 0.0 }) * inv_b;
                }
                // Backward: each tile sees α_t·δ and returns its inputs' share, each a sum over
                // the outputs in order along the rows of Wᵀ.
                for l in (0..=last).rev() {
                    let (ins, outs) = (self.layers[l].inputs, self.layers[l].outputs);
                    let (lower, upper) = deltas.split_at_mut(l);
                    let d = &upper[0][n * outs..(n + 1) * outs];
                    let lt = &mut tl[l];
                    let t_count = lt.scales.len();
                    for t in 0..t_count {
                        let y = &kept[l][(n * t_count + t) * outs..(n * t_count + t + 1) * outs];
                        lt.grads[t] += d.iter().zip(y).map(|(a, b)| a * b).sum::<f64>();
                    }
                    if l == 0 {
                        continue;
                    }
                    back.clear();
                    back.resize(ins, 0.0);
                    for t in 0..t_count {
                        let (i0, i1) = (lt.bounds[t], lt.bounds[t + 1]);
                        dt.clear();
                        dt.extend(d.iter().map(|v| lt.scales[t] * v));
                        let noise = noisy.then_some((read_noise, &mut *rng));
                        let rows = &wt[l][i0..];
                        let product = Product { rows, stride: ins, skip_zeros: false, terms: &mut *terms };
                        tile_mvm::<WIDE>(&io, dt, &mut back[i0..i1], xq, noise, product);
                    }
                    let a = &acts[l][n * ins..(n + 1) * ins];
                    let lower = &mut lower[l - 1][n * ins..(n + 1) * ins];
                    for i in 0..ins {
                        lower[i] = back[i] * a[i] * (1.0 - a[i]);
                    }
                }
            }
        }
        if !loss_sum.is_finite() {
            return BatchResult { loss_sum, finite: false };
        }
        let finite = self.update::<WIDE>(Some(tiling)) & tiling.step_scales(self.rates.alpha_now());
        BatchResult { loss_sum, finite }
    }

    /// [`Net::evaluate`] for a tiled net.
    pub(super) fn evaluate_tiled(&mut self, data: &Split, rng: &mut SimRng, predictions: &mut Vec<u8>) -> (f64, f64) {
        let mut tiling = self.tiling.take().expect("a tiled net");
        let tiling_ref = &mut tiling;
        let result = by_width!(self: Net => evaluate_tiled_portable(tiling_ref: &mut Tiling, data: &Split, rng: &mut SimRng, predictions: &mut Vec<u8>) -> (f64, f64));
        self.tiling = Some(tiling);
        result
    }

    #[inline(always)]
    fn evaluate_tiled_portable<const WIDE: usize>(
        &mut self,
        tiling: &mut Tiling,
        data: &Split,
        rng: &mut SimRng,
        predictions: &mut Vec<u8>,
    ) -> (f64, f64) {
        self.prepare(1, false);
        let use_wbar = self.uses_wbar();
        let noisy = self.noisy();
        let last = self.layers.len() - 1;
        let Tiling { layers: tl, buf, x, z, .. } = tiling;
        let Scratch { wbar, terms, xq, .. } = &mut self.scratch;
        predictions.clear();
        let (mut loss, mut right) = (0.0, 0usize);
        for n in 0..data.len() {
            x.clear();
            x.resize(data.pixels, 0.0);
            data.image_into(n, x);
            for l in 0..=last {
                let layer = &self.layers[l];
                let w: &[f64] = if use_wbar { &wbar[l] } else { &layer.w };
                z.clear();
                z.resize(layer.outputs, 0.0);
                let mut noise = noisy.then_some((self.read_noise, &mut *rng));
                tiled_layer_forward::<WIDE>(&self.io, w, &layer.bias, &tl[l], buf, x, z, None, &mut noise, xq, terms);
                if l < last {
                    for v in z.iter_mut() {
                        *v = sigmoid(*v);
                    }
                    std::mem::swap(x, z);
                }
            }
            log_softmax(z);
            let label = data.labels[n] as usize;
            loss -= z[label];
            let guess = argmax(z);
            right += usize::from(guess == label);
            predictions.push(guess as u8);
        }
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
        assert!(Tiling::new(&[784, 256, 128], 1000, false).is_none());
        let t = Tiling::new(&[784, 256, 128], 512, false).unwrap();
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

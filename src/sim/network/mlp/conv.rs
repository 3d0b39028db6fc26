//! The paper's CNN (`arch=cnn`), with aihwkit's `AnalogConv2d` semantics: a convolution's kernel
//! is one analog tile of (C_in·k·k) inputs × C_out outputs, applied to every image patch (im2col,
//! the patch element (c, ky, kx) on input line c·k·k + ky·k + kx, torch's weight order). Each
//! patch is one forward MVM through the periphery, each patch's error one backward MVM, and the
//! update is the sum over the batch's patches of rank-1 terms x·dᵀ: in the expected dynamic per
//! batch (or per patch), at pulse level one pulse-train update per patch, as aihwkit's batched
//! update loops over every (patch, sample) pair. Biases are digital.
//!
//! The layers are ordinary [`Layer`]s: the patches of a conv layer are its rows (B·P of them), so
//! the update and every algorithm's transfer are the network's, written once ([`Net::update`],
//! `family.rs`). With `out_scaling=1` each layer (one tile) has a learned out scale.

use super::pool::pool_before_tanh;
use super::{BatchResult, Net};
use crate::sim::network::data::Split;
use crate::sim::network::io::{Io, BM_ROUNDS};
use crate::sim::network::kernels::{
    accumulate, argmax, by_width, log_softmax, norm, product_rows, tanh_all, terms_of, transpose, PORTABLE,
};
use crate::sim::network::message::FeatureMaps;
use crate::sim::rng::SimRng;
use rand_distr::{Distribution, StandardNormal};
use serde::{Deserialize, Serialize};

/// A CNN's shape: square one-channel images of `side` pixels; convolutions with `kernel`-wide
/// kernels and `channels` outputs, each followed by tanh and 2×2 max-pooling; then tanh,
/// flattening (channel, row, column), fully connected `hidden` layers with tanh, and `classes`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ConvShape {
    pub side: usize,
    pub kernel: usize,
    pub channels: Vec<usize>,
    pub hidden: Vec<usize>,
    pub classes: usize,
}

/// One convolution's geometry.
#[derive(Clone, Copy, Debug, Serialize, Deserialize)]
struct Geom {
    c_in: usize,
    side_in: usize,
    c_out: usize,
    /// side_in − k + 1.
    side_out: usize,
    /// side_out / 2.
    pooled: usize,
    k: usize,
}

impl Geom {
    fn patches(&self) -> usize {
        self.side_out * self.side_out
    }
    fn inputs(&self) -> usize {
        self.c_in * self.k * self.k
    }
}

impl ConvShape {
    /// The paper's CNN on 28×28 MNIST (docs/paper.md §6).
    pub fn paper() -> ConvShape {
        ConvShape { side: 28, kernel: 5, channels: vec![16, 32], hidden: vec![128], classes: 10 }
    }

    fn geoms(&self) -> Vec<Geom> {
        let (mut c_in, mut side) = (1, self.side);
        self.channels
            .iter()
            .map(|&c_out| {
                let side_out = side + 1 - self.kernel;
                let g = Geom { c_in, side_in: side, c_out, side_out, pooled: side_out / 2, k: self.kernel };
                (c_in, side) = (c_out, side_out / 2);
                g
            })
            .collect()
    }

    /// Every layer's tile, (inputs, outputs), convolutions first.
    pub fn tiles(&self) -> Vec<(usize, usize)> {
        let geoms = self.geoms();
        let mut out: Vec<(usize, usize)> = geoms.iter().map(|g| (g.inputs(), g.c_out)).collect();
        let last = geoms.last().expect("a CNN has a convolution");
        let mut width = last.c_out * last.pooled * last.pooled;
        for &h in self.hidden.iter().chain(std::iter::once(&self.classes)) {
            out.push((width, h));
            width = h;
        }
        out
    }

    /// Patches per image of each layer (1 for the fully connected ones).
    fn rows_per_image(&self) -> Vec<usize> {
        let mut rows: Vec<usize> = self.geoms().iter().map(Geom::patches).collect();
        rows.extend(std::iter::repeat_n(1, self.hidden.len() + 1));
        rows
    }
}

/// The CNN's buffers beside the network's scratch (reused between batches).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Conv {
    shape: ConvShape,
    geoms: Vec<Geom>,
    /// Per conv layer: the pre-activations z of every sample (B × C_out × side_out²; tanh(z) is
    /// the layer's map), its pooled tanh values (the next convolution's input) and per pooled
    /// value the patch it came from (B × C_out × pooled²).
    maps: Vec<Vec<f64>>,
    tops: Vec<Vec<f64>>,
    arg: Vec<Vec<u32>>,
    /// Scratch of the pooling: its windows of NaNs, and those decided by their tanh.
    all_nan: Vec<usize>,
    doubts: Vec<usize>,
    /// Per layer: the tile's raw outputs (rows × O), kept for the out scales' gradients.
    raw: Vec<Vec<f64>>,
    /// The image, a backward MVM's outputs (rows × I), an input map's gradient.
    image: Vec<f64>,
    back: Vec<f64>,
    grad: Vec<f64>,
    /// The errors a tile sees (a·δ, rows × O).
    dt: Vec<f64>,
    /// The rows of one batched MVM through the periphery: converted inputs and scales.
    rows: Rows,
}

/// Scratch of [`mvm_rows`].
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
struct Rows {
    xq: Vec<f64>,
    scales: Vec<f64>,
    one: Vec<f64>,
    terms: Vec<(usize, f64)>,
}

impl Conv {
    pub fn new(shape: ConvShape) -> Conv {
        let geoms = shape.geoms();
        Conv {
            shape,
            geoms,
            maps: Vec::new(),
            tops: Vec::new(),
            arg: Vec::new(),
            all_nan: Vec::new(),
            doubts: Vec::new(),
            raw: Vec::new(),
            image: Vec::new(),
            back: Vec::new(),
            grad: Vec::new(),
            dt: Vec::new(),
            rows: Rows::default(),
        }
    }
}

/// One analog MVM `out_r = M x_r` per row r of `x` (rows × `k`; M given input-major, K × N),
/// exact, with read noise s·‖x_r‖·ξ, or through the periphery, as the fully connected layers
/// do. All rows' products are one blocked product ([`product_rows`]); the noise is then drawn
/// row by row, and a row whose outputs saturate is redone alone with halved inputs, so the
/// stream and every bit are those of one [`Io::mvm`] per row, in row order.
#[inline(always)]
fn mvm_rows<const WIDE: usize>(
    m: &[f64],
    k: usize,
    x: &[f64],
    out: &mut [f64],
    io: &Io,
    noise: &mut Option<(f64, &mut SimRng)>,
    buf: &mut Rows,
) {
    let n = m.len() / k;
    let rows = x.len() / k;
    match noise {
        Some((s, rng)) if !io.is_exact() => {
            buf.xq.resize(x.len(), 0.0);
            buf.scales.clear();
            for ((x_r, xq_r), out_r) in x.chunks_exact(k).zip(buf.xq.chunks_exact_mut(k)).zip(out.chunks_exact_mut(n)) {
                // A zero (or non-finite) row is answered by `input_scale` alone (scale 0 here).
                let scale = Io::input_scale(x_r, out_r);
                match scale {
                    Some(scale) => io.convert_input_into(x_r, scale, xq_r),
                    None => xq_r.fill(0.0),
                }
                buf.scales.push(scale.unwrap_or(0.0));
            }
            product_rows::<WIDE>(&buf.xq, k, m, out, &mut buf.terms);
            for r in 0..rows {
                let (x_r, out_r) = (&x[r * k..][..k], &mut out[r * n..][..n]);
                let mut scale = buf.scales[r];
                if scale == 0.0 {
                    Io::input_scale(x_r, out_r);
                    continue;
                }
                if io.convert_output(out_r, &buf.xq[r * k..][..k], *s, rng, scale, BM_ROUNDS == 1) {
                    continue;
                }
                for round in 1..BM_ROUNDS {
                    scale *= 2.0;
                    io.convert_input(x_r, scale, &mut buf.one);
                    out_r.fill(0.0);
                    let t = terms_of(buf.one.iter().copied(), true, &mut buf.terms);
                    accumulate::<WIDE>(out_r, t, m, n);
                    if io.convert_output(out_r, &buf.one, *s, rng, scale, round + 1 == BM_ROUNDS) {
                        break;
                    }
                }
            }
        }
        _ => {
            product_rows::<WIDE>(x, k, m, out, &mut buf.terms);
            if let Some((s, rng)) = noise {
                for (x_r, out_r) in x.chunks_exact(k).zip(out.chunks_exact_mut(n)) {
                    let scale = *s * norm(x_r);
                    for v in out_r.iter_mut() {
                        let xi: f64 = StandardNormal.sample(&mut **rng);
                        *v += scale * xi;
                    }
                }
            }
        }
    }
}

/// Writes the patches of `map` (C × side²) as rows of `rows` (P × C·k·k).
fn unfold(map: &[f64], g: &Geom, rows: &mut [f64]) {
    match g.k {
        5 => unfold_k::<5>(map, g, rows),
        _ => unfold_k::<0>(map, g, rows),
    }
}

/// [`unfold`] with the kernel width known when `K` > 0 (the paper's 5), so that a kernel row's
/// copy is a few moves instead of a library call.
#[inline(always)]
fn unfold_k<const K: usize>(map: &[f64], g: &Geom, rows: &mut [f64]) {
    let (k, s) = (if K > 0 { K } else { g.k }, g.side_in);
    let ins = g.inputs();
    for oy in 0..g.side_out {
        for ox in 0..g.side_out {
            let row = &mut rows[(oy * g.side_out + ox) * ins..][..ins];
            for (c, row_c) in row.chunks_exact_mut(k * k).enumerate() {
                for (ky, dst) in row_c.chunks_exact_mut(k).enumerate() {
                    dst.copy_from_slice(&map[c * s * s + (oy + ky) * s + ox..][..k]);
                }
            }
        }
    }
}

/// Adds patch p's input gradient `back` (C·k·k) into the input map's gradient `grad` (C × side²).
fn fold_patch(back: &[f64], g: &Geom, p: usize, grad: &mut [f64]) {
    match g.k {
        5 => fold_patch_k::<5>(back, g, p, grad),
        _ => fold_patch_k::<0>(back, g, p, grad),
    }
}

/// [`fold_patch`] with the kernel width known when `K` > 0.
#[inline(always)]
fn fold_patch_k<const K: usize>(back: &[f64], g: &Geom, p: usize, grad: &mut [f64]) {
    let (k, s) = (if K > 0 { K } else { g.k }, g.side_in);
    let (oy, ox) = (p / g.side_out, p % g.side_out);
    for (c, back_c) in back.chunks_exact(k * k).enumerate() {
        for (ky, src) in back_c.chunks_exact(k).enumerate() {
            let dst = &mut grad[c * s * s + (oy + ky) * s + ox..][..k];
            for (d, b) in dst.iter_mut().zip(src) {
                *d += b;
            }
        }
    }
}

impl Net {
    /// Forward and backward of a CNN over the samples `batch` of `data`, then the update.
    pub(super) fn train_batch_conv(&mut self, data: &Split, batch: &[usize]) -> BatchResult {
        let mut taken = self.conv.take().expect("a CNN");
        let conv = &mut taken;
        let result = by_width!(self: Net => train_conv(conv: &mut Conv, data: &Split, batch: &[usize]) -> BatchResult);
        self.conv = Some(taken);
        result
    }

    /// Sizes the buffers for `b` images, computes W̄ where the algorithm mixes, and (for
    /// training) the transposed weights of the backward MVMs.
    fn prepare_conv(&mut self, conv: &mut Conv, b: usize, backward: bool) {
        let rows = conv.shape.rows_per_image();
        let n = self.layers.len();
        let (kind, gamma) = (self.kind, self.mixing());
        let use_wbar = self.uses_wbar();
        let s = &mut self.scratch;
        s.acts.resize(n, Vec::new());
        s.deltas.resize(n, Vec::new());
        s.wbar.resize(n, Vec::new());
        s.wt.resize(n, Vec::new());
        conv.raw.resize(n, Vec::new());
        for (l, layer) in self.layers.iter().enumerate() {
            s.acts[l].resize(b * rows[l] * layer.inputs, 0.0);
            s.deltas[l].resize(b * rows[l] * layer.outputs, 0.0);
            conv.raw[l].resize(b * rows[l] * layer.outputs, 0.0);
            if use_wbar {
                layer.mix(kind, gamma, &mut s.wbar[l]);
            }
            if backward && l > 0 {
                let w = if use_wbar { &s.wbar[l] } else { &layer.w };
                s.wt[l].resize(layer.inputs * layer.outputs, 0.0);
                transpose(w, &mut s.wt[l], layer.inputs, layer.outputs);
            }
        }
        let nc = conv.geoms.len();
        conv.maps.resize(nc, Vec::new());
        conv.tops.resize(nc, Vec::new());
        conv.arg.resize(nc, Vec::new());
        for (c, g) in conv.geoms.iter().enumerate() {
            conv.maps[c].resize(b * g.c_out * g.patches(), 0.0);
            conv.tops[c].resize(b * g.c_out * g.pooled * g.pooled, 0.0);
            conv.arg[c].resize(b * g.c_out * g.pooled * g.pooled, 0);
        }
        s.logits.resize(self.layers[n - 1].outputs, 0.0);
    }

    /// The out scale of layer `l` (1 without learned out scales).
    fn out_scale(&self, l: usize) -> f64 {
        self.tiling.as_ref().map_or(1.0, |t| t.scales(l)[0])
    }

    /// Sample `n`'s forward pass: its image is in `conv.image`; writes every layer's rows, the
    /// conv maps and the log-probabilities into `scratch.logits`.
    #[inline(always)]
    fn forward_conv<const WIDE: usize>(
        &mut self,
        conv: &mut Conv,
        n: usize,
        scales: &[f64],
        noise: &mut Option<(f64, &mut SimRng)>,
    ) {
        let use_wbar = self.uses_wbar();
        let nc = conv.geoms.len();
        let last = self.layers.len() - 1;
        let io = self.io;
        let s = &mut self.scratch;
        for l in 0..=last {
            let layer = &self.layers[l];
            let w = if use_wbar { &s.wbar[l] } else { &layer.w };
            let (ins, outs) = (layer.inputs, layer.outputs);
            let a = scales[l];
            if l < nc {
                let g = conv.geoms[l];
                let p_n = g.patches();
                let input: &[f64] = if l == 0 {
                    &conv.image
                } else {
                    let size = g.c_in * g.side_in * g.side_in;
                    &conv.tops[l - 1][n * size..][..size]
                };
                let rows = &mut s.acts[l][n * p_n * ins..][..p_n * ins];
                unfold(input, &g, rows);
                let z = &mut conv.raw[l][n * p_n * outs..][..p_n * outs];
                mvm_rows::<WIDE>(w, ins, rows, z, &io, noise, &mut conv.rows);
                let map = &mut conv.maps[l][n * g.c_out * p_n..][..g.c_out * p_n];
                for (p, z_p) in z.chunks_exact(outs).enumerate() {
                    for o in 0..outs {
                        map[o * p_n + p] = a * z_p[o] + layer.bias[o];
                    }
                }
                // max-pool(tanh(z)) as tanh of the pooled z (see `pool_before_tanh`).
                let sp2 = g.pooled * g.pooled;
                let pooled = &mut conv.tops[l][n * g.c_out * sp2..][..g.c_out * sp2];
                let arg = &mut conv.arg[l][n * g.c_out * sp2..][..g.c_out * sp2];
                pool_before_tanh(map, g.c_out, g.side_out, pooled, arg, &mut conv.all_nan, &mut conv.doubts);
                tanh_all(pooled);
                for &q in &conv.all_nan {
                    pooled[q] = f64::NEG_INFINITY;
                }
                if l + 1 == nc {
                    // tanh after the last pooling, flattened (channel, row, column).
                    let next = &mut s.acts[l + 1][n * pooled.len()..][..pooled.len()];
                    next.copy_from_slice(pooled);
                    tanh_all(next);
                }
            } else {
                let x = &s.acts[l][n * ins..][..ins];
                let z = &mut conv.raw[l][n * outs..][..outs];
                mvm_rows::<WIDE>(w, ins, x, z, &io, noise, &mut conv.rows);
                if l < last {
                    let next = &mut s.acts[l + 1][n * outs..][..outs];
                    for o in 0..outs {
                        next[o] = a * z[o] + layer.bias[o];
                    }
                    tanh_all(next);
                } else {
                    for o in 0..outs {
                        s.logits[o] = a * z[o] + layer.bias[o];
                    }
                    log_softmax(&mut s.logits);
                }
            }
        }
    }

    #[inline(always)]
    fn train_conv<const WIDE: usize>(&mut self, conv: &mut Conv, data: &Split, batch: &[usize]) -> BatchResult {
        let b = batch.len();
        self.prepare_conv(conv, b, true);
        let inv_b = 1.0 / b as f64;
        let nc = conv.geoms.len();
        let last = self.layers.len() - 1;
        let io = self.io;
        let scales: Vec<f64> = (0..=last).map(|l| self.out_scale(l)).collect();
        // Σ ∂L/∂α per layer goes into the tiling (none: the scales are fixed at 1).
        let mut tiling = self.tiling.take();
        if let Some(t) = &mut tiling {
            t.clear_grads();
        }
        let mut loss_sum = 0.0;
        let noisy = self.noisy();
        let mut read_rng = self.read_rng.clone();
        {
            let mut noise = noisy.then_some((self.read_noise, &mut read_rng));
            for (n, &sample) in batch.iter().enumerate() {
                conv.image.resize(data.pixels, 0.0);
                data.image_into(sample, &mut conv.image);
                self.forward_conv::<WIDE>(conv, n, &scales, &mut noise);
                let label = data.labels[sample] as usize;
                let s = &mut self.scratch;
                loss_sum -= s.logits[label];
                let outs = self.layers[last].outputs;
                for j in 0..outs {
                    s.deltas[last][n * outs + j] =
                        (libm::exp(s.logits[j]) - if j == label { 1.0 } else { 0.0 }) * inv_b;
                }
                // Backward, layer by layer: the tile sees α·δ; its MVM gives the input's gradient.
                for l in (1..=last).rev() {
                    let (ins, outs) = (self.layers[l].inputs, self.layers[l].outputs);
                    let rows = if l < nc { conv.geoms[l].patches() } else { 1 };
                    let a = scales[l];
                    conv.grad.clear();
                    if l < nc {
                        let g = conv.geoms[l];
                        conv.grad.resize(g.c_in * g.side_in * g.side_in, 0.0);
                    } else {
                        conv.grad.resize(ins, 0.0);
                    }
                    let d = &s.deltas[l][n * rows * outs..][..rows * outs];
                    let raw = &conv.raw[l][n * rows * outs..][..rows * outs];
                    if let Some(t) = &mut tiling {
                        for (d_p, z_p) in d.chunks_exact(outs).zip(raw.chunks_exact(outs)) {
                            t.add_grad(l, 0, d_p.iter().zip(z_p).map(|(d, z)| d * z).sum::<f64>());
                        }
                    }
                    conv.dt.clear();
                    conv.dt.extend(d.iter().map(|v| a * v));
                    conv.back.resize(rows * ins, 0.0);
                    mvm_rows::<WIDE>(&s.wt[l], outs, &conv.dt, &mut conv.back, &io, &mut noise, &mut conv.rows);
                    if l < nc {
                        for (p, back_p) in conv.back.chunks_exact(ins).enumerate() {
                            fold_patch(back_p, &conv.geoms[l], p, &mut conv.grad);
                        }
                    } else {
                        conv.grad.copy_from_slice(&conv.back);
                    }
                    // The gradient at layer l's input, into the errors of layer l − 1's outputs.
                    if l > nc {
                        // A hidden fully connected layer's tanh output.
                        let act = &s.acts[l][n * ins..][..ins];
                        let d_in = &mut s.deltas[l - 1][n * ins..][..ins];
                        for i in 0..ins {
                            d_in[i] = conv.grad[i] * (1.0 - act[i] * act[i]);
                        }
                    } else {
                        // Through the pooling (and, after the last one, its tanh) into the
                        // previous convolution's tanh map.
                        let g = conv.geoms[l - 1];
                        let (p_n, sp2) = (g.patches(), g.pooled * g.pooled);
                        let tops = &conv.tops[l - 1][n * g.c_out * sp2..][..g.c_out * sp2];
                        let arg = &conv.arg[l - 1][n * g.c_out * sp2..][..g.c_out * sp2];
                        let d_prev = &mut s.deltas[l - 1][n * p_n * g.c_out..][..p_n * g.c_out];
                        d_prev.fill(0.0);
                        for c in 0..g.c_out {
                            for q in 0..sp2 {
                                let mut gv = conv.grad[c * sp2 + q];
                                if l == nc {
                                    let t = s.acts[l][n * ins + c * sp2 + q];
                                    gv *= 1.0 - t * t;
                                }
                                let p = arg[c * sp2 + q] as usize;
                                let y = tops[c * sp2 + q];
                                d_prev[p * g.c_out + c] = gv * (1.0 - y * y);
                            }
                        }
                    }
                }
                // The first layer's out scale (its input gradient is not needed).
                if let Some(t) = &mut tiling {
                    let outs0 = self.layers[0].outputs;
                    let rows0 = if nc > 0 { conv.geoms[0].patches() } else { 1 };
                    for p in 0..rows0 {
                        let r = n * rows0 + p;
                        let g = s.deltas[0][r * outs0..][..outs0]
                            .iter()
                            .zip(&conv.raw[0][r * outs0..][..outs0])
                            .map(|(d, z)| d * z)
                            .sum::<f64>();
                        t.add_grad(0, 0, g);
                    }
                }
            }
        }
        self.read_rng = read_rng;
        let result = if !loss_sum.is_finite() {
            BatchResult { loss_sum, finite: false }
        } else {
            let mut finite = self.update::<WIDE>(tiling.as_ref());
            if let Some(t) = &mut tiling {
                finite &= t.step_scales(self.rates.alpha_now());
            }
            BatchResult { loss_sum, finite }
        };
        self.tiling = tiling;
        result
    }

    /// One image through a copy of this CNN with exact MVMs: the copy (its logits in its
    /// scratch) and its buffers (its maps).
    fn exact_forward(&self, x: &[f64]) -> Option<(Net, Conv)> {
        let mut net = self.clone();
        net.read_noise = 0.0;
        net.io = Io::default();
        let mut conv = net.conv.take()?;
        net.prepare_conv(&mut conv, 1, false);
        conv.image.clear();
        conv.image.extend_from_slice(x);
        let scales: Vec<f64> = (0..net.layers.len()).map(|l| net.out_scale(l)).collect();
        net.forward_conv::<PORTABLE>(&mut conv, 0, &scales, &mut None);
        Some((net, conv))
    }

    /// The first convolution's feature maps (tanh outputs, exact MVMs) for one image, or `None`
    /// for a fully connected net.
    pub fn feature_maps(&self, x: &[f64]) -> Option<FeatureMaps> {
        let (_, conv) = self.exact_forward(x)?;
        let g = conv.geoms[0];
        let mut maps = conv.maps[0][..g.c_out * g.patches()].to_vec();
        tanh_all(&mut maps);
        Some(FeatureMaps::of(g.side_out, &maps))
    }

    /// One image's loss with exact MVMs (finite-difference checks).
    pub(super) fn sample_loss_conv(&self, x: &[f64], label: usize) -> f64 {
        self.exact_forward(x).map_or(f64::NAN, |(net, _)| -net.scratch.logits[label])
    }

    /// [`Net::evaluate`] for a CNN.
    pub(super) fn evaluate_conv(&mut self, data: &Split, rng: &mut SimRng, predictions: &mut Vec<u8>) -> (f64, f64) {
        let mut taken = self.conv.take().expect("a CNN");
        let conv = &mut taken;
        let result = by_width!(self: Net => evaluate_conv_at(conv: &mut Conv, data: &Split, rng: &mut SimRng, predictions: &mut Vec<u8>) -> (f64, f64));
        self.conv = Some(taken);
        result
    }

    #[inline(always)]
    fn evaluate_conv_at<const WIDE: usize>(
        &mut self,
        conv: &mut Conv,
        data: &Split,
        rng: &mut SimRng,
        predictions: &mut Vec<u8>,
    ) -> (f64, f64) {
        self.prepare_conv(conv, 1, false);
        let noisy = self.noisy();
        let mut noise = noisy.then_some((self.read_noise, rng));
        let scales: Vec<f64> = (0..self.layers.len()).map(|l| self.out_scale(l)).collect();
        predictions.clear();
        let (mut loss, mut right) = (0.0, 0usize);
        for n in 0..data.len() {
            conv.image.resize(data.pixels, 0.0);
            data.image_into(n, &mut conv.image);
            self.forward_conv::<WIDE>(conv, 0, &scales, &mut noise);
            let label = data.labels[n] as usize;
            loss -= self.scratch.logits[label];
            let guess = argmax(&self.scratch.logits);
            right += usize::from(guess == label);
            predictions.push(guess as u8);
        }
        (loss / data.len() as f64, right as f64 / data.len() as f64)
    }
}

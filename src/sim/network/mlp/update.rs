//! A mini-batch's gradient written into the layers' tiles, in the algorithm's form: once for
//! every layer, fully connected or convolutional (a CNN layer's rows are its patches), mapped
//! onto one tile or several.
//!
//! Tile t of a layer covers inputs i₀..i₁ and sees its errors times its out scale a_t (the
//! chain rule through a learned out scale, as aihwkit's tile sees them); its choppers flip the
//! sign of its input lines. The algorithms that transfer write into P, the others into W.

use super::tiles::Tiling;
use super::{Form, Net, Scratch};
use crate::sim::algorithm::AlgorithmKind;
use crate::sim::device::AnalogArray;
use crate::sim::network::kernels::{accumulate, all_finite, product_4, terms_of};
use crate::sim::pulse_train::{rank_one_update_checked, PulseTrains};

/// One tile's share of a layer's update: its block of the target array and where it sits.
struct TileWrite<'a> {
    array: &'a mut AnalogArray,
    /// The tile's rows of W or P (inputs i₀..i₁ × outputs).
    block: &'a mut [f64],
    /// i₀.
    first: usize,
    outputs: usize,
    /// The layer's inputs: the stride of a row of `x_all`.
    inputs: usize,
    /// −rate of the writes.
    rate: f64,
    chop: Option<&'a [f64]>,
}

impl Net {
    /// Writes the batch's gradient according to the algorithm and form, then does the
    /// algorithm's work after a batch (transfers); returns whether every weight is still finite.
    /// `tiling` maps the layers onto tiles with out scales (`None`: one tile per layer, scale 1).
    /// Only what was written is checked (the rest was finite before: a track stops at its first
    /// non-finite value), so the check stays in cache.
    #[inline(always)]
    pub(super) fn update<const WIDE: usize>(&mut self, tiling: Option<&Tiling>) -> bool {
        let mut finite = true;
        let (alpha, fast) = (self.rates.alpha_now(), self.rates.fast_now());
        let transfers = self.kind.transfers();
        let rate = if transfers { fast } else { alpha };
        let per_batch = self.kind == AlgorithmKind::Digital || self.form == Form::Batch;
        let Scratch { acts, deltas, row, block, terms, trains, xq, scaled, .. } = &mut self.scratch;
        for (l, layer) in self.layers.iter_mut().enumerate() {
            let (ins, outs) = (layer.inputs, layer.outputs);
            let (x_all, d_all) = (&acts[l], &deltas[l]);
            let b = d_all.len() / outs;
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
            let whole = [0, ins];
            let (bounds, gains): (&[usize], &[f64]) = match tiling {
                Some(t) => (t.bounds(l), t.scales(l)),
                None => (&whole, &[1.0]),
            };
            let (target, array) =
                if transfers { (&mut layer.p, &mut layer.fast) } else { (&mut layer.w, &mut layer.main) };
            let mut rest = &mut target[..];
            for (t, &gain) in gains.iter().enumerate() {
                let (i0, i1) = (bounds[t], bounds[t + 1]);
                let (tile_block, tail) = std::mem::take(&mut rest).split_at_mut((i1 - i0) * outs);
                rest = tail;
                // The errors this tile sees: a_t·δ.
                let d: &[f64] = if gain == 1.0 {
                    d_all
                } else {
                    scaled.clear();
                    scaled.extend(d_all.iter().map(|v| gain * v));
                    scaled
                };
                let tile = TileWrite {
                    array: &mut *array,
                    block: tile_block,
                    first: i0,
                    outputs: outs,
                    inputs: ins,
                    rate,
                    chop: layer.tiles[t].choppers(),
                };
                finite &= if per_batch {
                    tile.write_batch::<WIDE>(x_all, d, b, row, block, terms)
                } else {
                    tile.write_samples(x_all, d, b, xq, trains)
                };
            }
        }
        finite &= self.after_batch();
        finite
    }
}

impl TileWrite<'_> {
    /// The expected dynamic once per batch: row i of the gradient Σₙ xₙ dₙᵀ (summed over the
    /// samples in order, zero inputs skipped), written as soon as it is complete. A row whose
    /// input is zero in every sample (MNIST's border pixels) has a zero gradient, which leaves
    /// the weights exactly as they are: it is skipped. Rows come 4 at a time from one blocked
    /// product (the same sums, see `product_4`); the last ones (count mod 4) one by one.
    #[inline(always)]
    fn write_batch<const WIDE: usize>(
        self,
        x_all: &[f64],
        d_all: &[f64],
        b: usize,
        row: &mut Vec<f64>,
        block: &mut Vec<f64>,
        terms: &mut Vec<(usize, f64)>,
    ) -> bool {
        let TileWrite { array, block: w, first, outputs: outs, inputs: ins, rate, chop } = self;
        let count = w.len() / outs;
        let mut finite = true;
        let mut r0 = 0;
        while r0 < count {
            let run = if r0 + 4 <= count { 4 } else { 1 };
            let i0 = first + r0;
            if run == 4 {
                block.resize(4 * outs, 0.0);
                let lines = |n: usize| -> [f64; 4] { x_all[n * ins + i0..][..4].try_into().expect("4 inputs") };
                product_4::<WIDE>(b, lines, d_all, block);
            }
            for k in 0..run {
                let (r, i) = (r0 + k, i0 + k);
                let g: &[f64] = if run == 4 {
                    if (0..b).all(|n| x_all[n * ins + i] == 0.0) {
                        continue;
                    }
                    &block[k * outs..][..outs]
                } else {
                    let terms = terms_of((0..b).map(|n| x_all[n * ins + i]), true, terms);
                    if terms.is_empty() {
                        continue;
                    }
                    row.clear();
                    row.resize(outs, 0.0);
                    accumulate::<WIDE>(row, terms, d_all, outs);
                    row
                };
                let scale = chop.map_or(-rate, |c| -rate * c[r]);
                finite &= array.write_row_finite(i * outs, &mut w[r * outs..][..outs], scale, g);
            }
            r0 += run;
        }
        finite
    }

    /// One rank-1 update per sample, through the array's mode: the expected dynamic row by row,
    /// or pulse trains (aihwkit).
    fn write_samples(
        self,
        x_all: &[f64],
        d_all: &[f64],
        b: usize,
        xq: &mut Vec<f64>,
        trains: &mut PulseTrains,
    ) -> bool {
        let TileWrite { array, block: w, first, outputs: outs, inputs: ins, rate, chop } = self;
        let count = w.len() / outs;
        let mut finite = true;
        for n in 0..b {
            let mut x = &x_all[n * ins + first..][..count];
            if let Some(c) = chop {
                xq.clear();
                xq.extend(x.iter().zip(c).map(|(x, c)| x * c));
                x = xq;
            }
            let d = &d_all[n * outs..(n + 1) * outs];
            finite &= rank_one_update_checked(array, w, first * outs, x, d, rate, trains);
        }
        finite
    }
}

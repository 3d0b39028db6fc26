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
use crate::sim::network::kernels::{accumulate, all_finite, product_4, terms_of, transpose};
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
        let Scratch { acts, deltas, row, block, columns, terms, trains, xq, scaled, .. } = &mut self.scratch;
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
                finite &= if per_batch && mostly_zero(d) {
                    tile.write_batch_by_output::<WIDE>(x_all, d, b, block, columns, terms)
                } else if per_batch {
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
        mut self,
        x_all: &[f64],
        d_all: &[f64],
        b: usize,
        row: &mut Vec<f64>,
        block: &mut Vec<f64>,
        terms: &mut Vec<(usize, f64)>,
    ) -> bool {
        let (first, outs, ins) = (self.first, self.outputs, self.inputs);
        let count = self.block.len() / outs;
        let mut finite = true;
        let mut r0 = 0;
        while r0 < count {
            let run = if r0 + 4 <= count { 4 } else { 1 };
            let i0 = first + r0;
            if run == 4 {
                block.resize(4 * outs, 0.0);
                let lines = |n: usize| -> [f64; 4] { x_all[n * ins + i0..][..4].try_into().expect("4 inputs") };
                product_4::<WIDE, true>(b, lines, d_all, block);
            }
            for k in 0..run {
                let (r, i) = (r0 + k, i0 + k);
                let g: &[f64] = if run == 4 {
                    if zero_in_every_sample(x_all, ins, b, i) {
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
                finite &= self.write_row(r, g);
            }
            r0 += run;
        }
        finite
    }

    /// [`TileWrite::write_batch`] for errors that are mostly zero (a convolution's behind a
    /// max-pooling: one patch in four has a nonzero error per channel). Each output's gradient
    /// over the tile's inputs sums only the samples whose error there is nonzero, in order: the
    /// skipped terms are ±0, which leave a sum that starts at +0 as it was, so every gradient has
    /// the bits of `write_batch`'s. Rows are then written in order, skipping the same rows.
    #[inline(always)]
    fn write_batch_by_output<const WIDE: usize>(
        mut self,
        x_all: &[f64],
        d_all: &[f64],
        b: usize,
        block: &mut Vec<f64>,
        columns: &mut Vec<f64>,
        terms: &mut Vec<(usize, f64)>,
    ) -> bool {
        let (first, outs, ins) = (self.first, self.outputs, self.inputs);
        let count = self.block.len() / outs;
        columns.resize(outs * count, 0.0);
        // The tile's inputs of sample n start at x[n·ins]: the rows of the sums below.
        let x = &x_all[first..];
        for (o, column) in columns.chunks_exact_mut(count).enumerate() {
            column.fill(0.0);
            let t = terms_of((0..b).map(|n| d_all[n * outs + o]), true, terms);
            accumulate::<WIDE>(column, t, x, ins);
        }
        block.resize(count * outs, 0.0);
        transpose(columns, block, outs, count);
        let mut finite = true;
        for r in 0..count {
            if !zero_in_every_sample(x_all, ins, b, first + r) {
                finite &= self.write_row(r, &block[r * outs..][..outs]);
            }
        }
        finite
    }

    /// Writes gradient `g` into the tile's row r (input i₀ + r) at −rate, through its chopper.
    #[inline(always)]
    fn write_row(&mut self, r: usize, g: &[f64]) -> bool {
        let outs = self.outputs;
        let scale = self.chop.map_or(-self.rate, |c| -self.rate * c[r]);
        self.array.write_row_finite((self.first + r) * outs, &mut self.block[r * outs..][..outs], scale, g)
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

/// Whether input i is zero in every sample: its gradient row is zero, which leaves the weights
/// exactly as they are, so the row is not written.
#[inline(always)]
fn zero_in_every_sample(x_all: &[f64], ins: usize, b: usize, i: usize) -> bool {
    (0..b).all(|n| x_all[n * ins + i] == 0.0)
}

/// Whether more than half of `d` is zero, so that summing the batch gradient by output over the
/// nonzero errors ([`TileWrite::write_batch_by_output`]) does less work than the blocked product.
fn mostly_zero(d: &[f64]) -> bool {
    let zeros = d.iter().map(|&v| usize::from(v == 0.0)).sum::<usize>();
    2 * zeros > d.len()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::device::{Device, Shape, UpdateMode};
    use crate::sim::rng::{self, Purpose};
    use rand::Rng;

    /// Summing the batch gradient by output over the nonzero errors writes the weights the
    /// blocked product writes, bit for bit: on varied soft-bounds elements (the paper's
    /// devices), with choppers, inputs that are zero in every sample (rows skipped), ±0 errors
    /// and weights at ±0.
    #[test]
    fn the_gradient_by_output_writes_what_the_blocked_product_writes() {
        let mut rng = rng::stream(9, Purpose::GradientNoise);
        let (b, ins, outs, first) = (23, 41, 13, 6);
        let count = ins - first - 3;
        let x_all: Vec<f64> = (0..b * ins)
            .map(|i| if i % ins % 5 == 2 || rng.random::<f64>() < 0.3 { 0.0 } else { rng.random_range(-1.0..1.0) })
            .collect();
        let d_all: Vec<f64> = (0..b * outs)
            .map(|_| match rng.random::<f64>() {
                u if u < 0.2 => rng.random_range(-0.1..0.1),
                u if u < 0.6 => -0.0,
                _ => 0.0,
            })
            .collect();
        assert!(mostly_zero(&d_all));
        let chop: Vec<f64> = (0..count).map(|_| if rng.random::<bool>() { 1.0 } else { -1.0 }).collect();
        let device = Device { shape: Shape::SoftBounds { tau_max: 0.7, tau_min: -0.6 }, up_down: 0.1 };
        let array = AnalogArray::new(
            device,
            UpdateMode::Expected,
            0.3,
            ins * outs,
            &mut rng::stream(10, Purpose::DeviceVariation),
            rng::stream(11, Purpose::Pulses),
        );
        let w0: Vec<f64> = (0..count * outs)
            .map(|j| match j % 7 {
                0 => -0.0,
                1 => 0.0,
                _ => rng.random_range(-0.5..0.5),
            })
            .collect();
        for chop in [None, Some(&chop[..])] {
            let (mut a1, mut a2) = (array.clone(), array.clone());
            let (mut w1, mut w2) = (w0.clone(), w0.clone());
            let tile = |array, block| TileWrite { array, block, first, outputs: outs, inputs: ins, rate: 0.05, chop };
            let (mut row, mut block, mut columns, mut terms) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
            let f1 = tile(&mut a1, &mut w1).write_batch::<32>(&x_all, &d_all, b, &mut row, &mut block, &mut terms);
            let f2 = tile(&mut a2, &mut w2).write_batch_by_output::<32>(
                &x_all,
                &d_all,
                b,
                &mut block,
                &mut columns,
                &mut terms,
            );
            assert_eq!(f1, f2);
            assert!(w1.iter().zip(&w0).any(|(a, b)| a != b), "the weights moved");
            for (j, (a, c)) in w1.iter().zip(&w2).enumerate() {
                assert_eq!(a.to_bits(), c.to_bits(), "weight {j}: {a:e} != {c:e}");
            }
        }
    }
}

//! The periphery of an analog matrix-vector product (aihwkit's `IOParameters`, reduced to what the
//! paper's MNIST runs use): DAC input quantisation, additive output noise, output bound and ADC
//! output quantisation, with aihwkit's default noise and bound management.
//!
//! What is modelled, for one MVM y = M x (forward: M = Wᵀ; backward: M = W, x = the error):
//! 1. Noise management `ABS_MAX`: x is divided by m = max|x| (an all-zero x gives y = 0).
//! 2. DAC: each scaled input is rounded to the nearest multiple of 1/(2^(b−1) − 1) (`inp_res`
//!    bits b; 7 bits = 63 levels per sign, aihwkit's inp_res = 1/126 of the range [−1, 1]).
//! 3. The analog product, plus read noise s·‖x̂‖·ξ (`read_noise`, aihwkit `w_noise`) and output
//!    noise σ·ξ per output (`out_noise`), fresh standard normal ξ.
//! 4. Bound management `ITERATIVE`: if any output exceeds the bound [`OUT_BOUND`] (aihwkit's
//!    default 12), the MVM is repeated with the inputs halved (new noise), at most
//!    [`BM_ROUNDS`] times; the last try is clipped.
//! 5. ADC: outputs are rounded to multiples of OUT_BOUND/(2^(b−1) − 1) (`out_res` bits b; 9 bits =
//!    255 levels per sign, aihwkit's out_res = 1/510 of [−12, 12]), then multiplied back by the
//!    scale. Digital biases are added afterwards by the caller.
//!
//! Not modelled: IR drop, weight noise other than `read_noise`, learned output scaling
//! (aihwkit's `mapping`), stochastic rounding of the converters.

use crate::sim::rng::SimRng;
use rand_distr::{Distribution, StandardNormal};
use serde::{Deserialize, Serialize};

/// aihwkit's default output bound (in units of the scaled output).
pub const OUT_BOUND: f64 = 12.0;
/// Most tries of the iterative bound management (inputs down to 2⁻⁹ of their scale).
pub const BM_ROUNDS: usize = 10;

/// The converter and noise settings of a network's analog MVMs.
#[derive(Clone, Copy, Debug, PartialEq, Default, Serialize, Deserialize)]
pub struct Io {
    /// DAC bits (0 = exact inputs).
    pub inp_bits: u32,
    /// ADC bits (0 = exact outputs, and no bound).
    pub out_bits: u32,
    /// Output noise std σ, in units of the scaled output.
    pub out_noise: f64,
}

/// The step of a b-bit converter over [−range, range] (0 for b = 0: exact).
fn step(bits: u32, range: f64) -> f64 {
    if bits == 0 {
        0.0
    } else {
        range / ((1u64 << (bits.min(60) - 1)) as f64 - 1.0).max(1.0)
    }
}

#[inline(always)]
fn quantise(v: f64, step: f64) -> f64 {
    if step > 0.0 {
        (v / step).round() * step
    } else {
        v
    }
}

impl Io {
    /// Exact converters and no output noise: the MVM is the plain product.
    pub fn is_exact(&self) -> bool {
        self.inp_bits == 0 && self.out_bits == 0 && self.out_noise == 0.0
    }

    /// One analog MVM through the periphery (steps 1–5 above): `product(x̂, out)` must add M x̂
    /// into `out` (zeroed here); `xq` is scratch. `read_noise` is s of step 3. The network's hot
    /// loops spell this out with [`Io::input_scale`], [`Io::convert_input`] and
    /// [`Io::convert_output`] so the product inlines into their vectorised code.
    pub fn mvm(
        &self,
        x: &[f64],
        out: &mut [f64],
        xq: &mut Vec<f64>,
        read_noise: f64,
        rng: &mut SimRng,
        mut product: impl FnMut(&[f64], &mut [f64]),
    ) {
        let Some(mut scale) = Io::input_scale(x, out) else { return };
        for round in 0..BM_ROUNDS {
            self.convert_input(x, scale, xq);
            out.fill(0.0);
            product(xq, out);
            if self.convert_output(out, xq, read_noise, rng, scale, round + 1 == BM_ROUNDS) {
                return;
            }
            scale *= 2.0;
        }
    }

    /// Step 1: the noise-management scale max|x|, or `None` when `out` is already the answer
    /// (zero for a zero input, NaN for a non-finite one, which the caller then detects).
    #[inline(always)]
    pub fn input_scale(x: &[f64], out: &mut [f64]) -> Option<f64> {
        let m = x.iter().fold(0.0f64, |m, v| m.max(v.abs()));
        if m == 0.0 || !m.is_finite() {
            out.fill(if m.is_finite() { 0.0 } else { f64::NAN });
            return None;
        }
        Some(m)
    }

    /// Step 2: `xq` = x/scale through the DAC. (Out of line in wasm: inlined at every MVM of
    /// the network it added ~20 KiB to the module. Inlined natively, so the rounding compiles to
    /// the caller's vector instructions instead of a libm call per value.)
    #[cfg_attr(target_arch = "wasm32", inline(never))]
    #[cfg_attr(not(target_arch = "wasm32"), inline(always))]
    pub fn convert_input(&self, x: &[f64], scale: f64, xq: &mut Vec<f64>) {
        xq.resize(x.len(), 0.0);
        self.convert_input_into(x, scale, xq);
    }

    /// [`Io::convert_input`] into a slice of x's length.
    #[cfg_attr(target_arch = "wasm32", inline(never))]
    #[cfg_attr(not(target_arch = "wasm32"), inline(always))]
    pub fn convert_input_into(&self, x: &[f64], scale: f64, xq: &mut [f64]) {
        let in_step = step(self.inp_bits, 1.0);
        for (q, &v) in xq.iter_mut().zip(x) {
            *q = quantise(v / scale, in_step);
        }
    }

    /// Steps 3–5 on the product M x̂ in `out`: noise, then either a retry (false: saturated and
    /// not the `last` try; the caller doubles the scale) or the ADC and the scale back (true).
    /// Out of line in wasm, like [`Io::convert_input`].
    #[cfg_attr(target_arch = "wasm32", inline(never))]
    #[cfg_attr(not(target_arch = "wasm32"), inline(always))]
    pub fn convert_output(
        &self,
        out: &mut [f64],
        xq: &[f64],
        read_noise: f64,
        rng: &mut SimRng,
        scale: f64,
        last: bool,
    ) -> bool {
        let read = if read_noise > 0.0 { read_noise * xq.iter().map(|v| v * v).sum::<f64>().sqrt() } else { 0.0 };
        let sd = self.out_noise;
        if read > 0.0 || sd > 0.0 {
            for y in out.iter_mut() {
                let a: f64 = StandardNormal.sample(rng);
                *y += sd * a;
                if read > 0.0 {
                    let b: f64 = StandardNormal.sample(rng);
                    *y += read * b;
                }
            }
        }
        let bounded = self.out_bits > 0;
        if !last && bounded && out.iter().any(|y| y.abs() > OUT_BOUND) {
            return false;
        }
        let out_step = step(self.out_bits, OUT_BOUND);
        for y in out.iter_mut() {
            let v = if bounded { y.clamp(-OUT_BOUND, OUT_BOUND) } else { *y };
            *y = quantise(v, out_step) * scale;
        }
        true
    }

    /// A Tiki-Taka transfer read of one row of P (one-hot input, aihwkit's `transfer_forward`
    /// with noise and bound management off): each value plus output noise, clipped and rounded
    /// by the ADC.
    pub fn read_row(&self, p: &[f64], out: &mut Vec<f64>, rng: &mut SimRng) {
        out.clear();
        let out_step = step(self.out_bits, OUT_BOUND);
        out.extend(p.iter().map(|&v| {
            let noisy = if self.out_noise > 0.0 {
                let a: f64 = StandardNormal.sample(&mut *rng);
                v + self.out_noise * a
            } else {
                v
            };
            let v = if self.out_bits > 0 { noisy.clamp(-OUT_BOUND, OUT_BOUND) } else { noisy };
            quantise(v, out_step)
        }));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::rng::{self, Purpose};

    fn identity(x: &[f64], out: &mut [f64]) {
        for (o, v) in out.iter_mut().zip(x) {
            *o += v;
        }
    }

    #[test]
    fn converters_round_to_their_levels_and_scale_back() {
        let io = Io { inp_bits: 7, out_bits: 0, out_noise: 0.0 };
        let mut rng = rng::stream(1, Purpose::ReadNoise);
        let (mut out, mut xq) = (vec![0.0; 3], Vec::new());
        io.mvm(&[2.0, 0.5, -0.01], &mut out, &mut xq, 0.0, &mut rng, identity);
        // Scaled by 2: 1, 0.25, −0.005 → multiples of 1/63: 63/63, 16/63, 0.
        assert_eq!(xq, vec![1.0, (0.25f64 * 63.0).round() / 63.0, -0.0]);
        assert!((out[1] - 2.0 * 16.0 / 63.0).abs() < 1e-15 && out[2] == 0.0, "{out:?}");
        let adc = Io { inp_bits: 0, out_bits: 9, out_noise: 0.0 };
        adc.mvm(&[1.0, 0.03, -0.02], &mut out, &mut xq, 0.0, &mut rng, identity);
        // ADC step 12/255 ≈ 0.047: 0.03 rounds to one step, −0.02 to zero.
        assert_eq!(out, vec![(255.0f64 / 12.0).round() * 12.0 / 255.0, 12.0 / 255.0, 0.0]);
    }

    #[test]
    fn bound_management_halves_inputs_until_outputs_fit() {
        let io = Io { inp_bits: 7, out_bits: 9, out_noise: 0.0 };
        let mut rng = rng::stream(1, Purpose::ReadNoise);
        let (mut out, mut xq) = (vec![0.0; 1], Vec::new());
        // y = 30·x: 30 > 12 at scale 1, 15 at ½; at ¼ the DAC gives 16/63 and 30·16/63 ≈ 7.62 fits,
        // so the ADC rounds it to 162 steps of 12/255 and the scale 4 comes back.
        io.mvm(&[1.0], &mut out, &mut xq, 0.0, &mut rng, |x, o| o[0] += 30.0 * x[0]);
        let want = 4.0 * (30.0f64 * (16.0 / 63.0) / (12.0 / 255.0)).round() * (12.0 / 255.0);
        assert!((out[0] - want).abs() < 1e-12 && (out[0] - 30.0).abs() < 0.6, "{out:?} vs {want}");
    }

    #[test]
    fn output_noise_has_its_std_in_scaled_units() {
        let io = Io { inp_bits: 0, out_bits: 0, out_noise: 0.06 };
        let mut rng = rng::stream(2, Purpose::ReadNoise);
        let (mut out, mut xq) = (vec![0.0; 1], Vec::new());
        let n = 20_000;
        let mut sq = 0.0;
        for _ in 0..n {
            io.mvm(&[0.5], &mut out, &mut xq, 0.0, &mut rng, identity);
            sq += (out[0] - 0.5).powi(2);
        }
        // Noise 0.06 on the scaled output, times the scale 0.5.
        let sd = (sq / n as f64).sqrt();
        assert!((sd - 0.03).abs() < 0.001, "{sd}");
    }
}

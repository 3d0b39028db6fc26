//! The rank-1 update of an analog tile, the one piece of pulse code shared by `lsq` (a tile with
//! one output) and the network's layers.
//!
//! A tile holds an I×O weight matrix, element `(i, j)` at `w[i·O + j]` (input i, output j). One
//! sample's update is `W ← W − lr·x dᵀ` (x: the layer's input, d: the error at its output).
//!
//! * In the expected dynamic every element receives its increment through the device
//!   ([`AnalogArray::write`]), the paper's eq. 3 applied once per sample.
//! * At pulse level the update follows aihwkit's stochastic pulse trains with update management
//!   (`StochasticCompressed`, `update_bl_management` and `update_management` on): with
//!   k = lr·max|x|·max|d|/Δw_min, the train length is BL = min(⌈k⌉, bl); input line i fires in each
//!   of the BL slots with probability p_i = √(k/BL)·|x_i|/max|x| and output line j with
//!   q_j = √(k/BL)·|d_j|/max|d|. When k > bl the update is truncated as aihwkit does: p_i = |x_i|/max|x|
//!   and q_j = min(1, (k/BL)·|d_j|/max|d|). Element (i, j) receives one pulse per slot in which both
//!   lines fire, of sign −sign(x_i·d_j); E[n_ij] = lr·|x_i·d_j|/Δw_min when nothing is clipped.
//!
//! The slots are simulated as bit masks (64 slots per word) and coincidences counted with
//! popcount, exactly like aihwkit's bit lines, so the joint law of all counts is the hardware's.
//!
//! The n pulses an element receives are applied by [`AnalogArray::pulse`], in closed form where
//! the device allows it ([`closed_form_pulses`], tabulated per array by `PulseTable`).

use crate::sim::device::pulses::prefetch;
use crate::sim::device::{AnalogArray, UpdateMode};
use crate::sim::rng::SimRng;
use rand::Rng;
use serde::{Deserialize, Serialize};

/// Reusable buffers of the bit lines (so updates do not allocate).
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct PulseTrains {
    x_bits: Vec<u64>,
    d_bits: Vec<u64>,
    active_x: Vec<u32>,
    active_d: Vec<u32>,
    /// One row's coincidences: (output, pulses, up).
    hits: Vec<(u32, u32, bool)>,
    /// All coincidences of the update, in firing order: (element of the tile, pulses, up).
    fired: Vec<(usize, u32, bool)>,
}

/// `W ← W − lr·x dᵀ` on the tile `w` (layout above), through `array`'s update mode.
#[inline(always)]
pub fn rank_one_update(
    array: &mut AnalogArray,
    w: &mut [f64],
    x: &[f64],
    d: &[f64],
    lr: f64,
    trains: &mut PulseTrains,
) {
    rank_one_update_checked(array, w, 0, x, d, lr, trains);
}

/// [`rank_one_update`] on a block of the array whose first element is `base` (one tile of a
/// layer mapped onto several, see `network::mlp::tiles`; 0 for a whole array), returning whether
/// every weight it wrote is finite (the others did not change): the check costs the written
/// elements only, while they are in cache.
#[inline(always)]
pub fn rank_one_update_checked(
    array: &mut AnalogArray,
    w: &mut [f64],
    base: usize,
    x: &[f64],
    d: &[f64],
    lr: f64,
    trains: &mut PulseTrains,
) -> bool {
    let outputs = d.len();
    debug_assert_eq!(w.len(), x.len() * outputs);
    if let UpdateMode::Pulsed { bl, .. } = array.mode {
        return pulse_trains_update(array, w, base, x, d, lr, bl, trains);
    }
    let mut finite = true;
    for (i, &xi) in x.iter().enumerate() {
        if xi != 0.0 {
            // −lr·xᵢ·dⱼ, evaluated left to right as (−lr·xᵢ)·dⱼ.
            let row = &mut w[i * outputs..(i + 1) * outputs];
            finite &= array.write_row_finite(base + i * outputs, row, -lr * xi, d);
        }
    }
    finite
}

/// A transfer's pulse-train update of one column of a tile (aihwkit's `transfer_update`): the
/// rank-1 update with x = e_col, i.e. `W[col, :] ← W[col, :] − lr·d`, whose train length is capped
/// at its own `bl` (the transfer's BL, not the array's) with update management. `w_col` is the
/// column's `d.len()` elements, `base` the index of its first element in the array. At pulse level
/// only; the caller writes the expected dynamic itself.
pub fn column_update(
    array: &mut AnalogArray,
    w_col: &mut [f64],
    base: usize,
    d: &[f64],
    lr: f64,
    bl: u32,
    trains: &mut PulseTrains,
) {
    // The zero entries of e_col never fire and do not change max|x|, so a one-input tile is the
    // same update with the same random draws.
    pulse_trains_update(array, w_col, base, &[1.0], d, lr, bl, trains);
}

/// The pulse-level [`rank_one_update`] (kept out of line so the expected one inlines); element e
/// of `w` is element `base + e` of the array, and trains are at most `bl` slots long. Returns
/// whether every fired weight is finite.
#[inline(never)]
#[allow(clippy::too_many_arguments)]
fn pulse_trains_update(
    array: &mut AnalogArray,
    w: &mut [f64],
    base: usize,
    x: &[f64],
    d: &[f64],
    lr: f64,
    bl: u32,
    trains: &mut PulseTrains,
) -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        if std::is_x86_feature_detected!("popcnt") {
            // SAFETY: the CPU has POPCNT, checked just above.
            return unsafe { pulse_trains_update_popcnt(array, w, base, x, d, lr, bl, trains) };
        }
    }
    pulse_trains_update_portable(array, w, base, x, d, lr, bl, trains)
}

/// The same code with the POPCNT instruction for the coincidence counts (baseline x86-64 counts
/// bits with a dozen instructions per word; the count is the same integer).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "popcnt")]
#[allow(clippy::too_many_arguments)]
unsafe fn pulse_trains_update_popcnt(
    array: &mut AnalogArray,
    w: &mut [f64],
    base: usize,
    x: &[f64],
    d: &[f64],
    lr: f64,
    bl: u32,
    trains: &mut PulseTrains,
) -> bool {
    pulse_trains_update_portable(array, w, base, x, d, lr, bl, trains)
}

#[inline(always)]
#[allow(clippy::too_many_arguments)]
fn pulse_trains_update_portable(
    array: &mut AnalogArray,
    w: &mut [f64],
    base: usize,
    x: &[f64],
    d: &[f64],
    lr: f64,
    bl: u32,
    trains: &mut PulseTrains,
) -> bool {
    let UpdateMode::Pulsed { dw_min, .. } = array.mode else {
        return true;
    };
    let outputs = d.len();
    let x_max = x.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    let d_max = d.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    if x_max == 0.0 || d_max == 0.0 || lr == 0.0 || !(x_max.is_finite() && d_max.is_finite()) {
        return true;
    }
    let k = lr * x_max * d_max / dw_min;
    let slots = (k.ceil() as u64).clamp(1, bl.max(1) as u64);
    let (x_scale, d_scale) = if k <= bl as f64 {
        let s = (k / slots as f64).sqrt();
        (s / x_max, s / d_max)
    } else {
        (1.0 / x_max, k / slots as f64 / d_max)
    };
    let words = slots.div_ceil(64) as usize;
    let PulseTrains { x_bits, d_bits, active_x, active_d, hits, fired } = trains;
    fill_lines(x, x_scale, slots, words, x_bits, active_x, array.rng());
    fill_lines(d, d_scale, slots, words, d_bits, active_d, array.rng());
    hits.clear();
    hits.resize(active_d.len(), (0, 0, false));
    fired.clear();
    for &i in active_x.iter() {
        let (i, xi) = (i as usize, x[i as usize]);
        let xb = &x_bits[i * words..(i + 1) * words];
        // Row i's coincidences, listed without a branch per pair (most pairs fire, in no
        // predictable pattern), then fired.
        let mut count = 0;
        for &j in active_d.iter() {
            let db = &d_bits[j as usize * words..(j as usize + 1) * words];
            let n = if words == 1 { (xb[0] & db[0]).count_ones() } else { coincidences(xb, db) };
            hits[count] = (j, n, xi * d[j as usize] < 0.0);
            count += usize::from(n > 0);
        }
        let row = i * outputs;
        fired.extend(hits[..count].iter().map(|&(j, n, up)| (row + j as usize, n, up)));
    }
    // Fired in order (with cycle-to-cycle noise each pulse draws from the stream). The few hits
    // are scattered over an array larger than the cache, so the weight and element of the hit
    // `AHEAD` places on are fetched while this one fires (a hint only: no value changes).
    const AHEAD: usize = 16;
    let mut finite = true;
    for (k, &(e, n, up)) in fired.iter().enumerate() {
        if let Some(&(next, ..)) = fired.get(k + AHEAD) {
            prefetch(&w[next]);
            array.prefetch(base + next);
        }
        w[e] = array.pulse(base + e, w[e], n.into(), up);
        finite &= w[e].is_finite();
    }
    finite
}

/// The slots in which both lines fire.
#[inline(always)]
fn coincidences(a: &[u64], b: &[u64]) -> u32 {
    a.iter().zip(b).map(|(a, b)| (a & b).count_ones()).sum()
}

/// Draws the bit line of every entry of `v` (firing probability |v|·scale, capped at 1) into
/// `bits` (`words` words per line) and lists the lines that fire at least once in `active`.
fn fill_lines(
    v: &[f64],
    scale: f64,
    slots: u64,
    words: usize,
    bits: &mut Vec<u64>,
    active: &mut Vec<u32>,
    rng: &mut SimRng,
) {
    bits.clear();
    bits.resize(v.len() * words, 0);
    // The lines that fire are listed without a branch per line (empty trains come in no
    // predictable pattern).
    active.clear();
    active.resize(v.len(), 0);
    let mut fired = 0;
    for (i, &vi) in v.iter().enumerate() {
        let p = (vi.abs() * scale).min(1.0);
        if p <= 0.0 {
            continue;
        }
        let any = bernoulli_bits(p, slots, &mut bits[i * words..(i + 1) * words], rng);
        active[fired] = i as u32;
        fired += usize::from(any);
    }
    active.truncate(fired);
}

/// Sets each of the first `slots` bits of `line` with probability `p`; returns whether any was set.
/// Short trains draw one uniform per slot; long ones skip geometrically between set bits (`libm`
/// keeps the skips identical on every platform).
fn bernoulli_bits(p: f64, slots: u64, line: &mut [u64], rng: &mut SimRng) -> bool {
    let mut any = false;
    if p >= 1.0 {
        for t in 0..slots {
            line[(t / 64) as usize] |= 1 << (t % 64);
        }
        return slots > 0;
    }
    if slots <= 16 || p > 0.5 {
        if slots <= 64 {
            // One word, built in a register without a branch per slot (the outcomes are random,
            // so a branch would be mispredicted). A uniform draw is m·2⁻⁵³ with m the top 53 bits
            // of a u64 (rand's `StandardUniform`), so m·2⁻⁵³ < p exactly when m < ⌈p·2⁵³⌉ (p·2⁵³
            // is exact): the same outcome from the same draw, compared as integers.
            let threshold = uniform_threshold(p);
            let mut bits = 0;
            for t in 0..slots {
                bits |= u64::from((rng.random::<u64>() >> 11) < threshold) << t;
            }
            line[0] |= bits;
            return bits != 0;
        }
        for t in 0..slots {
            if rng.random::<f64>() < p {
                line[(t / 64) as usize] |= 1 << (t % 64);
                any = true;
            }
        }
        return any;
    }
    let log_q = libm::log1p(-p);
    let mut t = 0u64;
    loop {
        let u: f64 = 1.0 - rng.random::<f64>(); // (0, 1]
        let skip = (libm::log(u) / log_q).floor();
        if skip >= (slots - t) as f64 {
            return any;
        }
        t += skip as u64;
        line[(t / 64) as usize] |= 1 << (t % 64);
        any = true;
        t += 1;
        if t >= slots {
            return any;
        }
    }
}

/// The m below which a uniform draw m·2⁻⁵³ is less than `p` in [0, 1]: ⌈p·2⁵³⌉, spelled with a
/// truncating cast (`f64::ceil` is a library call on baseline x86-64; the cast is exact here).
#[inline(always)]
fn uniform_threshold(p: f64) -> u64 {
    let scaled = p * (1u64 << 53) as f64;
    let t = scaled as u64;
    t + u64::from((t as f64) < scaled)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::device::{closed_form_pulses, powi_exact, Device, Response, Shape};
    use crate::sim::rng::{self, Purpose};

    fn pulsed_array(dw_min: f64, bl: u32, dim: usize) -> AnalogArray {
        let mut var = rng::stream(1, Purpose::DeviceVariation);
        AnalogArray::new(
            Device::ald(1.0, 0.0),
            UpdateMode::Pulsed { dw_min, bl, c2c: 0.0 },
            0.0,
            dim,
            &mut var,
            rng::stream(9, Purpose::Pulses),
        )
    }

    #[test]
    fn integer_threshold_decides_as_the_uniform_draw_does() {
        let mut rng = rng::stream(8, Purpose::Pulses);
        let scale = 1.0 / (1u64 << 53) as f64;
        for p in [0.0, 1e-300, 3.0 * scale, 0.1, 0.3, 0.5, 0.5 + scale, 0.7, 1.0 - scale, 1.0] {
            let t = uniform_threshold(p);
            // Random draws and the values right at the threshold.
            let near = [t.saturating_sub(1), t, t + 1].map(|m| m.min((1 << 53) - 1) << 11);
            for u in (0..2000).map(|_| rng.random::<u64>()).chain(near) {
                let m = u >> 11;
                assert_eq!(m as f64 * scale < p, m < t, "p={p} m={m}");
            }
        }
    }

    #[test]
    fn bernoulli_bits_have_the_right_rate_both_ways() {
        let mut rng = rng::stream(3, Purpose::Pulses);
        for (p, slots) in [(0.3, 10u64), (0.05, 200), (0.7, 100), (0.2, 1000)] {
            let words = slots.div_ceil(64) as usize;
            let mut total = 0u64;
            let draws = 4000;
            for _ in 0..draws {
                let mut line = vec![0u64; words];
                bernoulli_bits(p, slots, &mut line, &mut rng);
                total += line.iter().map(|w| w.count_ones() as u64).sum::<u64>();
                // No bit beyond the train.
                let last = slots % 64;
                if last != 0 {
                    assert_eq!(line[words - 1] >> last, 0);
                }
            }
            let mean = total as f64 / draws as f64;
            let sd = (slots as f64 * p * (1.0 - p) / draws as f64).sqrt();
            assert!((mean - slots as f64 * p).abs() < 5.0 * sd, "p={p} slots={slots}: {mean}");
        }
    }

    #[test]
    fn pulse_train_mean_increment_is_lr_x_d_q() {
        // E[Δw_ij] = −lr·x_i·d_j·q(w_ij) to first order in dw_min, for a 3×2 tile.
        let (lr, dw_min) = (0.05, 1e-5);
        let x = [1.0, -0.5, 0.2];
        let d = [0.04, -0.01];
        let w0 = [0.3, -0.2, 0.0, 0.1, -0.4, 0.25];
        let mut array = pulsed_array(dw_min, 10_000, 6);
        let mut trains = PulseTrains::default();
        let draws = 3000;
        let (mut sum, mut sum_sq) = ([0.0; 6], [0.0; 6]);
        for _ in 0..draws {
            let mut w = w0;
            rank_one_update(&mut array, &mut w, &x, &d, lr, &mut trains);
            for e in 0..6 {
                sum[e] += w[e] - w0[e];
                sum_sq[e] += (w[e] - w0[e]).powi(2);
            }
        }
        let dev = Device::ald(1.0, 0.0);
        for e in 0..6 {
            let (i, j) = (e / 2, e % 2);
            let mean = sum[e] / draws as f64;
            let sd = (sum_sq[e] / draws as f64 - mean * mean).max(0.0).sqrt();
            let want = dev.update(w0[e], -lr * x[i] * d[j]) - w0[e];
            assert!(
                (mean - want).abs() < 4.0 * sd / (draws as f64).sqrt() + 2.0 * dw_min,
                "element ({i},{j}): {mean} vs {want}"
            );
        }
    }

    #[test]
    fn pulse_trains_truncate_when_k_exceeds_bl() {
        // k = 0.5·1·1/1e-3 = 500 > bl = 20: the largest d line and x line fire in every slot, so
        // element (0,0) gets exactly 20 pulses; x = 0 never fires; d = 0.01 fires with
        // probability min(1, 500/20·0.01) = 0.25.
        let mut array = pulsed_array(1e-3, 20, 6);
        let mut trains = PulseTrains::default();
        let x = [1.0, 0.5, 0.0];
        let d = [1.0, 0.01];
        let draws = 2000;
        let mut n01 = 0.0;
        for _ in 0..draws {
            let mut w = [0.0; 6];
            rank_one_update(&mut array, &mut w, &x, &d, 0.5, &mut trains);
            assert!((w[0] + 1.0 - (1.0 - 1e-3f64).powi(20)).abs() < 1e-12, "20 down pulses: {}", w[0]);
            assert_eq!(w[4], 0.0);
            assert_eq!(w[5], 0.0);
            n01 += (w[1].abs() / 1e-3).round();
        }
        let mean = n01 / draws as f64;
        assert!((mean - 5.0).abs() < 0.2, "20 slots × 0.25: {mean}");
    }

    #[test]
    fn tabulated_pulses_are_the_closed_form_bit_for_bit() {
        // The table must give the very bits of the closed form (clipped before and after), also
        // past its end, and b − (b − w)·rⁿ those of the mirrored form for down pulses.
        let (dw_min, bl) = (3e-3, 20);
        let ald = Device { shape: Shape::Ald { tau: 0.6, sp: 0.1 }, up_down: 0.2 };
        let sb = Device { shape: Shape::SoftBounds { tau_max: 0.8, tau_min: -0.5 }, up_down: -0.1 };
        for device in [ald, sb] {
            let mode = UpdateMode::Pulsed { dw_min, bl, c2c: 0.0 };
            let mut var = rng::stream(1, Purpose::DeviceVariation);
            let mut array = AnalogArray::new(device, mode, 0.0, 1, &mut var, rng::stream(2, Purpose::Pulses));
            let (lo, hi) = device.range().unwrap();
            for k in -25..=25 {
                let w = 0.037 * k as f64;
                for n in 0..30u64 {
                    for up in [false, true] {
                        let closed = closed_form_pulses(&device, w.clamp(lo, hi), dw_min, n, up).unwrap();
                        let want = if n == 0 { w } else { closed.clamp(lo, hi) };
                        assert_eq!(
                            array.pulse(0, w, n, up).to_bits(),
                            want.to_bits(),
                            "{device:?} w={w} n={n} up={up}"
                        );
                        if !up {
                            let (w, s) = (w.clamp(lo, hi), dw_min * (1.0 - device.up_down));
                            let mirrored = match device.shape {
                                Shape::Ald { tau, sp } => sp + (-tau + (tau + (w - sp)) * powi_exact(1.0 - s / tau, n)),
                                Shape::SoftBounds { tau_min, .. } => {
                                    tau_min + (w - tau_min) * powi_exact(1.0 + s / tau_min, n)
                                }
                                _ => unreachable!(),
                            };
                            assert_eq!(closed.to_bits(), mirrored.to_bits(), "{device:?} w={w} n={n}");
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn expected_mode_writes_every_element_through_the_device() {
        let mut var = rng::stream(1, Purpose::DeviceVariation);
        let dev = Device::ald(0.5, 0.0);
        let mut array = AnalogArray::new(dev, UpdateMode::Expected, 0.0, 4, &mut var, rng::stream(2, Purpose::Pulses));
        let mut w = [0.1, -0.2, 0.3, 0.0];
        let before = w;
        rank_one_update(&mut array, &mut w, &[2.0, -1.0], &[0.5, 0.25], 0.1, &mut PulseTrains::default());
        let x = [2.0, -1.0];
        let d = [0.5, 0.25];
        for e in 0..4 {
            // The ALD fast path computes w + Δw − |Δw|·w/τ, the same value up to rounding.
            assert!((w[e] - dev.update(before[e], -0.1 * x[e / 2] * d[e % 2])).abs() < 1e-15);
        }
    }
}

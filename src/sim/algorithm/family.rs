//! How the algorithms with a fast array read P and transfer it into W.
//!
//! Every read of P subtracts its reference (zero-shifting's estimate of the symmetric point, or
//! 0) and adds the transfer read noise. What a read becomes:
//!
//! * Tiki-Taka, residual learning v1: W += β·v.
//! * RIDER: W += β·(v − Q), then Q ← (1 − η)Q + η·v; E-RIDER: W += β·c·(v − Q_analog).
//! * TT-v2: H += β·v; c-TTv2: H += c_i·β·v; AGAD: H += c_i·β·(v − reference). Where
//!   |H| ≥ thr = `buffer_threshold`·Δw_min, n = trunc(H/thr) Δw_min pulses are written into W and
//!   H ← `buffer_momentum`·H (aihwkit's `forget_buffer`); as in aihwkit the buffer is counted in
//!   thr and W receives n·Δw_min.
//! * Residual learning v2: H ← (1 − β)H + β·v; where |H| ≥ thr, trunc(H/Δw_min) pulses move W and
//!   are taken off H.
//!
//! At pulse level a non-buffered write is one column's pulse train with the transfer's own BL
//! (`transfer_bl`) and update management; a buffered write fires its n pulses directly (aihwkit
//! draws them as a train of mean n; with its default transfer BL of 1 it is one pulse), at most
//! `transfer_bl`. In the expected dynamic both go through [`AnalogArray::write`].
//!
//! [`AnalogArray::write`]: crate::sim::device::AnalogArray::write

use super::{Algorithm, AlgorithmKind};
use crate::sim::device::UpdateMode;
use crate::sim::pulse_train::column_update;
use rand_distr::{Distribution, StandardNormal};
use AlgorithmKind::*;

impl Algorithm {
    /// P as the forward pass sees it: de-referenced, de-chopped, and (RIDER) minus Q.
    #[inline(always)]
    fn residual(&self, i: usize) -> f64 {
        let f = &self.fam;
        match self.kind {
            CTtV2 | Agad => f.chop[i] * (self.p[i] - self.p_ref[i]),
            Rider => self.p[i] - self.p_ref[i] - f.q[i],
            ERider => f.chop[i] * (self.p[i] - self.p_ref[i] - f.q_analog[i]),
            _ => self.p[i] - self.p_ref[i],
        }
    }

    /// Fills W̄ = W + γ·residual(P) when the mixing γ is nonzero (γ_r for residual learning and
    /// RIDER, γ for the Tiki-Taka family); returns whether it did.
    #[inline(always)]
    pub(super) fn mix_forward(&mut self) -> bool {
        let gamma = match self.kind {
            Rl | RlV2 | Rider | ERider => self.rates.transfer.gamma_r,
            _ => self.rates.gamma,
        };
        if gamma == 0.0 {
            return false;
        }
        for i in 0..self.w.len() {
            self.wbar[i] = self.w[i] + gamma * self.residual(i);
        }
        true
    }

    /// One transfer: `n_reads` columns of P (all when 0), continuing where the last one stopped.
    pub(super) fn transfer(&mut self) {
        let dim = self.w.len();
        let t = self.rates.transfer;
        let reads = if t.n_reads == 0 { dim } else { t.n_reads.min(dim) };
        for _ in 0..reads {
            let i = self.fam.cursor;
            self.fam.cursor = if i + 1 == dim { 0 } else { i + 1 };
            let mut v = self.p[i] - self.p_ref[i];
            if t.read_noise > 0.0 {
                let z: f64 = StandardNormal.sample(self.fast.rng());
                v += t.read_noise * z;
            }
            self.transfer_column(i, v);
        }
    }

    /// What the read `v` of column i becomes (see the module comment).
    #[inline(always)]
    fn transfer_column(&mut self, i: usize, v: f64) {
        let beta = self.rates.beta;
        let t = self.rates.transfer;
        match self.kind {
            Digital | Analog => {}
            TikiTaka | Rl => self.write_w(i, v),
            Rider | ERider => {
                let q = self.fam.q[i];
                let y = if self.kind == Rider { v - q } else { self.fam.chop[i] * (v - self.fam.q_analog[i]) };
                self.fam.q[i] = (1.0 - t.eta) * q + t.eta * v;
                self.write_w(i, y);
            }
            TtV2 => {
                let omega = self.fam.h[i] + beta * v;
                self.buffer_write(i, omega, true);
            }
            CTtV2 => {
                let omega = self.fam.h[i] + self.fam.chop[i] * beta * v;
                self.buffer_write(i, omega, true);
                if self.chopper_flips(i) {
                    self.fam.chop[i] = -self.fam.chop[i];
                }
            }
            Agad => {
                // The chopper switches every `period` reads of its column (aihwkit's default
                // in_chop_random = false); after a switch the change of P is measured from the
                // running mean at the switch. W is written only once more than `period` reads
                // of the column have passed (aihwkit's `transfer_counter > N`): before the first
                // switch the reference is the initial zero, not a measured mean.
                let period = (1.0 / t.chop_prob).ceil().max(2.0) as u64;
                let b = (t.tail_weightening / period as f64).min(1.0);
                let f = &mut self.fam;
                if f.switched[i] {
                    f.past[i] = f.mean[i];
                    f.switched[i] = false;
                }
                let omega = f.h[i] + f.chop[i] * (v - f.past[i]) * beta;
                let warm = f.reads[i] > period;
                f.mean[i] = (1.0 - b) * f.mean[i] + b * v;
                f.reads[i] += 1;
                if f.reads[i].is_multiple_of(period) {
                    f.chop[i] = -f.chop[i];
                    f.switched[i] = true;
                }
                self.buffer_write(i, omega, warm);
            }
            RlV2 => {
                let mut h = (1.0 - beta) * self.fam.h[i] + beta * v;
                if h.abs() >= t.threshold * t.dw_min {
                    let n = self.clamp_count(trunc(h / t.dw_min));
                    self.write_pulses(i, n);
                    h -= n * t.dw_min;
                }
                self.fam.h[i] = h;
            }
        }
    }

    /// Per-step work of E-RIDER: its chopper flips with probability `chop_prob`, and the analog
    /// copy of Q is reprogrammed at the flip (`reprogram_every=0`, Algorithm 3 of the paper) or
    /// every `reprogram_every` steps.
    #[inline(always)]
    pub(super) fn after_step(&mut self) {
        if self.kind != ERider {
            return;
        }
        let t = self.rates.transfer;
        let flipped = self.chopper_flips(0);
        if flipped {
            for c in &mut self.fam.chop {
                *c = -*c;
            }
        }
        let reprogram = match t.reprogram_every {
            0 => flipped,
            n => (self.k + 1).is_multiple_of(n),
        };
        if reprogram {
            self.fam.q_analog.copy_from_slice(&self.fam.q);
        }
    }

    /// Whether chopper `j` flips now: a Bernoulli(`chop_prob`) trial per call, drawn as geometric
    /// gaps between flips (the same law, one draw per flip instead of one per trial).
    #[inline(always)]
    fn chopper_flips(&mut self, j: usize) -> bool {
        let p = self.rates.transfer.chop_prob;
        if p <= 0.0 {
            return false;
        }
        if self.fam.flip_in[j] == 0 {
            self.fam.flip_in[j] = if p >= 1.0 {
                1
            } else {
                // `libm` keeps the gaps identical on every platform.
                let u = 1.0 - self.fast.uniform(); // (0, 1]
                ((libm::log(u) / libm::log1p(-p)).floor() as u64).saturating_add(1)
            };
        }
        self.fam.flip_in[j] -= 1;
        self.fam.flip_in[j] == 0
    }

    /// W_i += β·y: the expected increment, or at pulse level one column's pulse train with the
    /// transfer's BL and update management (x = e_i, d = −y, lr = β).
    #[inline(always)]
    fn write_w(&mut self, i: usize, y: f64) {
        let beta = self.rates.beta;
        if self.pulsed() {
            let bl = self.rates.transfer.bl;
            column_update(&mut self.main, &mut self.w[i..i + 1], i, &[-y], beta, bl, &mut self.trains);
        } else {
            self.w[i] = self.main.write(i, self.w[i], beta * y);
        }
    }

    /// A buffer's threshold transfer: n = trunc(ω/thr) pulses into W_i (when `write`), and the
    /// buffer forgets (× momentum) whenever n ≠ 0.
    #[inline(always)]
    fn buffer_write(&mut self, i: usize, omega: f64, write: bool) {
        let t = self.rates.transfer;
        let n = self.clamp_count(trunc(omega / (t.threshold * t.dw_min)));
        if n != 0.0 {
            if write {
                self.write_pulses(i, n);
            }
            self.fam.h[i] = omega * t.momentum;
        } else {
            self.fam.h[i] = omega;
        }
    }

    /// A pulse count, capped at the transfer's BL at pulse level.
    #[inline(always)]
    fn clamp_count(&self, n: f64) -> f64 {
        if self.pulsed() {
            let bl = f64::from(self.rates.transfer.bl);
            n.clamp(-bl, bl)
        } else {
            n
        }
    }

    /// n signed pulses of Δw_min into W_i (the expected increment n·Δw_min in the expected dynamic).
    #[inline(always)]
    fn write_pulses(&mut self, i: usize, n: f64) {
        self.w[i] = match self.main.mode {
            UpdateMode::Pulsed { .. } => self.main.pulse(i, self.w[i], n.abs() as u64, n > 0.0),
            UpdateMode::Expected => self.main.write(i, self.w[i], n * self.rates.transfer.dw_min),
        };
    }
}

/// x rounded towards zero, by a cast (without SSE4.1, `f64::trunc` is a library call; counts
/// beyond ±2⁶³ saturate, far past any transfer's BL).
#[inline(always)]
fn trunc(x: f64) -> f64 {
    x as i64 as f64
}

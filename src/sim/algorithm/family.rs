//! How the algorithms with a fast array read P and transfer it into W — written once, against a
//! tile: an I×O block of W and P, element `(i, j)` at `i·O + j` (input line, or column, i).
//! A vector problem is one tile with O = 1 (a column is one weight); a network layer is one or
//! more tiles, each with its own [`TileState`].
//!
//! Every read of P subtracts its reference (zero-shifting's estimate of the symmetric point, or
//! 0) and adds the transfer read noise (and, on a network, goes through the ADC with output
//! noise). What a read v of column i becomes, element by element:
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
//! (`transfer_bl`) and update management (aihwkit's `transfer_update`); a buffered write fires its
//! n pulses directly (aihwkit draws them as a train of mean n; with its default transfer BL of 1 it
//! is one pulse), at most `transfer_bl`. In the expected dynamic both go through
//! [`AnalogArray::write`].

use super::{AlgorithmKind, TransferParams};
use crate::sim::device::{AnalogArray, UpdateMode};
use crate::sim::network::io::Io;
use crate::sim::pulse_train::{column_update, PulseTrains};
use crate::sim::rng::SimRng;
use rand_distr::{Distribution, StandardNormal};
use serde::{Deserialize, Serialize};
use AlgorithmKind::*;

/// An algorithm's state beside one tile's arrays (empty vectors where the algorithm does not use
/// them).
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct TileState {
    /// The tile's columns within its layer (input lines first..first + cols).
    first: usize,
    cols: usize,
    /// Elements per column (the tile's outputs O).
    outs: usize,
    /// P's reference per element: zero, or zero-shifting's estimate of its symmetric point.
    pub p_ref: Vec<f64>,
    /// Digital buffer H per element (TT-v2, c-TTv2, AGAD, RL v2).
    pub h: Vec<f64>,
    /// Per-column chopper c_i = ±1 (c-TTv2, AGAD; E-RIDER's one chopper, repeated).
    pub chop: Vec<f64>,
    /// AGAD: running mean of the reads of P and the reference taken at the last switch (per
    /// element); whether column i's chopper switched at its previous read, and reads per column.
    mean: Vec<f64>,
    past: Vec<f64>,
    switched: Vec<bool>,
    reads: Vec<u64>,
    /// RIDER / E-RIDER: the digital running mean Q per element, and E-RIDER's analog copy of it.
    pub q: Vec<f64>,
    pub q_analog: Vec<f64>,
    /// Trials left until each chopper flips (0 = not drawn yet): c-TTv2 per column, E-RIDER one.
    flip_in: Vec<u64>,
    /// The next column a transfer reads.
    cursor: usize,
    /// Scratch: one column's reads, and what they become.
    read: Vec<f64>,
    out: Vec<f64>,
}

impl TileState {
    /// The state of `kind` on a tile of `cols` columns of `outs` elements.
    pub fn new(kind: AlgorithmKind, cols: usize, outs: usize) -> TileState {
        let elems = cols * outs;
        let sized = |used: bool, v: f64, n: usize| if used { vec![v; n] } else { Vec::new() };
        TileState {
            first: 0,
            cols,
            outs,
            p_ref: sized(kind.transfers(), 0.0, elems),
            h: sized(kind.buffered(), 0.0, elems),
            chop: sized(matches!(kind, CTtV2 | Agad | ERider), 1.0, cols),
            mean: sized(kind == Agad, 0.0, elems),
            past: sized(kind == Agad, 0.0, elems),
            switched: if kind == Agad { vec![false; cols] } else { Vec::new() },
            reads: if kind == Agad { vec![0; cols] } else { Vec::new() },
            q: sized(matches!(kind, Rider | ERider), 0.0, elems),
            q_analog: sized(kind == ERider, 0.0, elems),
            flip_in: match kind {
                CTtV2 => vec![0; cols],
                ERider => vec![0; 1],
                _ => Vec::new(),
            },
            cursor: 0,
            read: Vec::new(),
            out: Vec::new(),
        }
    }

    /// The same tile placed at column `first` of its layer.
    pub fn at(mut self, first: usize) -> TileState {
        self.first = first;
        self
    }

    /// The tile's columns within its layer.
    pub fn columns(&self) -> std::ops::Range<usize> {
        self.first..self.first + self.cols
    }

    /// The choppers per column, if the algorithm has any: P's gradient on input line i is
    /// written with the sign c_i.
    pub fn choppers(&self) -> Option<&[f64]> {
        (!self.chop.is_empty()).then_some(&self.chop[..])
    }

    /// P as the forward pass sees it at element e: de-referenced, de-chopped, and (RIDER) minus Q.
    #[inline(always)]
    fn residual(&self, kind: AlgorithmKind, p: &[f64], e: usize) -> f64 {
        let c = e / self.outs.max(1);
        let p = p[e] - self.p_ref.get(e).copied().unwrap_or(0.0);
        match kind {
            CTtV2 | Agad => self.chop[c] * p,
            Rider => p - self.q[e],
            ERider => self.chop[c] * (p - self.q_analog[e]),
            _ => p,
        }
    }

    /// W̄ = W + γ·residual(P) into `wbar`, element by element.
    #[inline(always)]
    pub fn mix(&self, kind: AlgorithmKind, gamma: f64, w: &[f64], p: &[f64], wbar: &mut [f64]) {
        for (e, (wb, wv)) in wbar.iter_mut().zip(w).enumerate() {
            *wb = wv + gamma * self.residual(kind, p, e);
        }
    }
}

/// The mixing γ of an algorithm: γ_r for residual learning and RIDER, γ for the Tiki-Taka family.
pub fn mixing(kind: AlgorithmKind, gamma: f64, t: &TransferParams) -> f64 {
    match kind {
        Rl | RlV2 | Rider | ERider => t.gamma_r,
        _ => gamma,
    }
}

/// How a transfer reads P: with the transfer read noise drawn from the fast array's stream (the
/// vector problems), or through a network's periphery (ADC and output noise, its own stream)
/// with the transfer read noise added from that stream.
pub enum Reader<'a> {
    Plain,
    Periphery { io: &'a Io, rng: &'a mut SimRng },
}

/// One tile's arrays, borrowed: W (written by the transfer), P, and the arrays holding them.
/// `base` is the index of the tile's first element in the arrays.
pub struct Tile<'a> {
    pub w: &'a mut [f64],
    pub p: &'a [f64],
    pub main: &'a mut AnalogArray,
    pub fast: &'a mut AnalogArray,
    pub base: usize,
    pub trains: &'a mut PulseTrains,
}

/// The settings of one transfer: β (as scheduled) and the transfer keys.
#[derive(Clone, Copy, Debug)]
pub struct TransferRates {
    pub beta: f64,
    pub t: TransferParams,
}

/// One transfer: `n_reads` columns of P (all when 0), continuing where the last one stopped.
/// Returns whether every weight it wrote is finite.
pub fn transfer(
    kind: AlgorithmKind,
    r: TransferRates,
    s: &mut TileState,
    tile: &mut Tile,
    reader: &mut Reader,
) -> bool {
    let cols = s.cols;
    if cols == 0 {
        return true;
    }
    let reads = if r.t.n_reads == 0 { cols } else { r.t.n_reads.min(cols) };
    let mut finite = true;
    for _ in 0..reads {
        let c = s.cursor;
        s.cursor = if c + 1 == cols { 0 } else { c + 1 };
        read_column(s, tile, c, r.t.read_noise, reader);
        finite &= transfer_column(kind, r, s, tile, c);
    }
    finite
}

/// Fills `s.read` with the reads of column c.
#[inline(always)]
fn read_column(s: &mut TileState, tile: &mut Tile, c: usize, noise: f64, reader: &mut Reader) {
    let span = c * s.outs..(c + 1) * s.outs;
    match reader {
        Reader::Plain => {
            s.read.clear();
            for e in span {
                let mut v = tile.p[e] - s.p_ref.get(e).copied().unwrap_or(0.0);
                if noise > 0.0 {
                    let z: f64 = StandardNormal.sample(tile.fast.rng());
                    v += noise * z;
                }
                s.read.push(v);
            }
        }
        Reader::Periphery { io, rng } => {
            io.read_row(&tile.p[span.clone()], &mut s.read, rng);
            for (v, e) in s.read.iter_mut().zip(span) {
                *v -= s.p_ref.get(e).copied().unwrap_or(0.0);
                if noise > 0.0 {
                    let z: f64 = StandardNormal.sample(&mut **rng);
                    *v += noise * z;
                }
            }
        }
    }
}

/// What the reads of column c become (see the module comment); returns whether the column's
/// weights are finite.
#[inline(always)]
fn transfer_column(kind: AlgorithmKind, r: TransferRates, s: &mut TileState, tile: &mut Tile, c: usize) -> bool {
    let (beta, t) = (r.beta, r.t);
    let outs = s.outs;
    let e0 = c * outs;
    match kind {
        Digital | Analog => {}
        TikiTaka | Rl => {
            s.out.clear();
            s.out.extend_from_slice(&s.read);
            write_w(tile, r, e0, &mut s.out);
        }
        Rider | ERider => {
            s.out.clear();
            for (j, &v) in s.read.iter().enumerate() {
                let e = e0 + j;
                let q = s.q[e];
                s.out.push(if kind == Rider { v - q } else { s.chop[c] * (v - s.q_analog[e]) });
                s.q[e] = (1.0 - t.eta) * q + t.eta * v;
            }
            write_w(tile, r, e0, &mut s.out);
        }
        TtV2 => {
            for (j, &v) in s.read.iter().enumerate() {
                let omega = s.h[e0 + j] + beta * v;
                buffer_write(tile, t, &mut s.h, e0 + j, omega, true);
            }
        }
        CTtV2 => {
            for (j, &v) in s.read.iter().enumerate() {
                let omega = s.h[e0 + j] + s.chop[c] * beta * v;
                buffer_write(tile, t, &mut s.h, e0 + j, omega, true);
            }
            if chopper_flips(s, tile.fast, t.chop_prob, c) {
                s.chop[c] = -s.chop[c];
            }
        }
        Agad => {
            // The chopper switches every `period` reads of its column (aihwkit's default
            // in_chop_random = false); after a switch the change of P is measured from the
            // running mean at the switch. W is written only once more than `period` reads of the
            // column have passed (aihwkit's `transfer_counter > N`): before the first switch the
            // reference is the initial zero, not a measured mean.
            let period = (1.0 / t.chop_prob).ceil().max(2.0) as u64;
            let b = (t.tail_weightening / period as f64).min(1.0);
            if s.switched[c] {
                s.past[e0..e0 + outs].copy_from_slice(&s.mean[e0..e0 + outs]);
                s.switched[c] = false;
            }
            let warm = s.reads[c] > period;
            s.out.clear();
            for (j, &v) in s.read.iter().enumerate() {
                let e = e0 + j;
                s.out.push(s.h[e] + s.chop[c] * (v - s.past[e]) * beta);
                s.mean[e] = (1.0 - b) * s.mean[e] + b * v;
            }
            s.reads[c] += 1;
            if s.reads[c].is_multiple_of(period) {
                s.chop[c] = -s.chop[c];
                s.switched[c] = true;
            }
            for (j, &omega) in s.out.iter().enumerate() {
                buffer_write(tile, t, &mut s.h, e0 + j, omega, warm);
            }
        }
        RlV2 => {
            for (j, &v) in s.read.iter().enumerate() {
                let e = e0 + j;
                let mut h = (1.0 - beta) * s.h[e] + beta * v;
                if h.abs() >= t.threshold * t.dw_min {
                    let n = clamp_count(tile.main, t, trunc(h / t.dw_min));
                    write_pulses(tile, t, e, n);
                    h -= n * t.dw_min;
                }
                s.h[e] = h;
            }
        }
    }
    tile.w[e0..e0 + outs].iter().all(|w| w.is_finite())
}

/// Per-step work of E-RIDER: its chopper flips with probability `chop_prob`, and the analog copy
/// of Q is reprogrammed at the flip (`reprogram_every=0`, Algorithm 3 of the paper) or every
/// `reprogram_every` steps. `k` counts the steps before this one.
pub fn after_step(kind: AlgorithmKind, t: &TransferParams, s: &mut TileState, fast: &mut AnalogArray, k: u64) {
    if kind != ERider {
        return;
    }
    let flipped = chopper_flips(s, fast, t.chop_prob, 0);
    if flipped {
        for c in &mut s.chop {
            *c = -*c;
        }
    }
    let reprogram = match t.reprogram_every {
        0 => flipped,
        n => (k + 1).is_multiple_of(n),
    };
    if reprogram {
        s.q_analog.copy_from_slice(&s.q);
    }
}

/// Whether chopper `j` flips now: a Bernoulli(`p`) trial per call, drawn as geometric gaps
/// between flips (the same law, one draw per flip instead of one per trial) from the fast array's
/// stream.
#[inline(always)]
fn chopper_flips(s: &mut TileState, fast: &mut AnalogArray, p: f64, j: usize) -> bool {
    if p <= 0.0 {
        return false;
    }
    if s.flip_in[j] == 0 {
        s.flip_in[j] = if p >= 1.0 {
            1
        } else {
            // `libm` keeps the gaps identical on every platform.
            let u = 1.0 - fast.uniform(); // (0, 1]
            ((libm::log(u) / libm::log1p(-p)).floor() as u64).saturating_add(1)
        };
    }
    s.flip_in[j] -= 1;
    s.flip_in[j] == 0
}

/// W[column at e0] += β·y: the expected increments, or at pulse level one column's pulse train
/// with the transfer's BL and update management (x = e_column, d = −y, lr = β). `y` is negated
/// in place.
#[inline(always)]
fn write_w(tile: &mut Tile, r: TransferRates, e0: usize, y: &mut [f64]) {
    let n = y.len();
    let w = &mut tile.w[e0..e0 + n];
    if matches!(tile.main.mode, UpdateMode::Pulsed { .. }) {
        for v in y.iter_mut() {
            *v = -*v;
        }
        column_update(tile.main, w, tile.base + e0, y, r.beta, r.t.bl, tile.trains);
    } else {
        tile.main.write_row(tile.base + e0, w, r.beta, y);
    }
}

/// A buffer's threshold transfer: n = trunc(ω/thr) pulses into W_e (when `write`), and the
/// buffer forgets (× momentum) whenever n ≠ 0.
#[inline(always)]
fn buffer_write(tile: &mut Tile, t: TransferParams, h: &mut [f64], e: usize, omega: f64, write: bool) {
    let n = clamp_count(tile.main, t, trunc(omega / (t.threshold * t.dw_min)));
    if n != 0.0 {
        if write {
            write_pulses(tile, t, e, n);
        }
        h[e] = omega * t.momentum;
    } else {
        h[e] = omega;
    }
}

/// A pulse count, capped at the transfer's BL at pulse level.
#[inline(always)]
fn clamp_count(main: &AnalogArray, t: TransferParams, n: f64) -> f64 {
    if matches!(main.mode, UpdateMode::Pulsed { .. }) {
        let bl = f64::from(t.bl);
        n.clamp(-bl, bl)
    } else {
        n
    }
}

/// n signed pulses of Δw_min into W_e (the expected increment n·Δw_min in the expected dynamic).
#[inline(always)]
fn write_pulses(tile: &mut Tile, t: TransferParams, e: usize, n: f64) {
    let i = tile.base + e;
    tile.w[e] = match tile.main.mode {
        UpdateMode::Pulsed { .. } => tile.main.pulse(i, tile.w[e], n.abs() as u64, n > 0.0),
        UpdateMode::Expected => tile.main.write(i, tile.w[e], n * t.dw_min),
    };
}

/// x rounded towards zero, by a cast (without SSE4.1, `f64::trunc` is a library call; counts
/// beyond ±2⁶³ saturate, far past any transfer's BL).
#[inline(always)]
fn trunc(x: f64) -> f64 {
    x as i64 as f64
}

/// Zero-shifting of P: fires `pulses` random ±Δw_min pulses at each element (through the fast
/// array's update mode: one pulse each at pulse level, the expected step of one pulse otherwise)
/// and returns each element's estimate of its symmetric point, the mean of the walk's second
/// half. P stays where the walk ended; the pulses are not counted in the array's pulse count.
pub fn zero_shift(fast: &mut AnalogArray, p: &mut [f64], base: usize, pulses: u64, dw: f64) -> Vec<f64> {
    let before = fast.pulses;
    let skip = pulses / 2;
    let mut estimate = vec![0.0; p.len()];
    for (e, est) in estimate.iter_mut().enumerate() {
        let mut v = p[e];
        let mut sum = 0.0;
        for k in 0..pulses {
            let up = fast.uniform() < 0.5;
            v = fast.write(base + e, v, if up { dw } else { -dw });
            if k >= skip {
                sum += v;
            }
        }
        *est = sum / (pulses - skip) as f64;
        p[e] = v;
    }
    fast.pulses = before;
    estimate
}

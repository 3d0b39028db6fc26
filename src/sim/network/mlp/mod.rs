//! A fully connected network whose every layer is an analog tile: forward, backward and the
//! per-algorithm updates of one mini-batch.
//!
//! Each layer computes z = Wᵀx + b (W stored input-major, element (i, j) at `w[i·O + j]`, the
//! [`pulse_train`](crate::sim::pulse_train) tile layout); hidden layers apply the sigmoid, the last
//! layer log-softmax, and the loss is the NLL averaged over the mini-batch, as in the paper's
//! MNIST FCN. **Biases are digital** (aihwkit's default `digital_bias`): they are updated exactly
//! with the algorithm's step size α, never through a device.
//!
//! Read noise (`read_noise` = s, aihwkit's additive weight noise `w_noise`) perturbs every analog
//! matrix-vector product: the forward output j gets s·‖x‖·ξ_j, the backward output i gets
//! s·‖d‖·ξ_i, with fresh standard normal ξ. With converters or output noise configured
//! ([`Io`]), every analog MVM goes through that periphery instead. Digital SGD computes exactly.

//!
//! * this file — the layers and the net;
//! * [`passes`] — the forward and backward passes of training and evaluation, compiled once per
//!   vector width;
//! * [`update`] — a mini-batch's gradient written into every layer's tiles in the algorithm's
//!   form (one code for fully connected, convolutional and tiled layers);
//! * [`tiles`] — aihwkit's mapping of a layer onto several tiles with learned out scales;
//! * [`conv`] — the paper's CNN.

pub mod conv;
mod passes;
mod pool;

use passes::Periphery;
use serde::{Deserialize, Serialize};

use crate::sim::algorithm::family::{self, Reader, Tile, TileState, TransferRates};
use crate::sim::algorithm::{AlgorithmKind, TransferParams};
use crate::sim::device::AnalogArray;
use crate::sim::network::data::Split;
use crate::sim::network::io::Io;
use crate::sim::network::kernels::transpose;
use crate::sim::pulse_train::PulseTrains;
use crate::sim::rng::SimRng;

pub mod tiles;
mod update;

/// How an analog algorithm writes a mini-batch's gradient into its arrays.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Form {
    /// The expected dynamic (eq. 3) applied once per mini-batch with the batch-mean gradient.
    Batch,
    /// The expected dynamic applied once per sample: B rank-1 updates, each through the device
    /// (what aihwkit's pulse trains do in expectation; |Δw| is summed over the samples).
    Sample,
    /// Pulse level: one stochastic pulse-train rank-1 update per sample (aihwkit).
    Pulse,
}

impl Form {
    /// The suffix of the track name (`analog`, `analog_sample`, `analog_pulse`).
    pub fn suffix(self) -> &'static str {
        match self {
            Form::Batch => "",
            Form::Sample => "_sample",
            Form::Pulse => "_pulse",
        }
    }
}

/// One layer: the main array W, the fast array P of the algorithms that transfer, and the
/// digital bias; one or more tiles, each with the algorithm's state beside it.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Layer {
    pub inputs: usize,
    pub outputs: usize,
    /// W, input-major (I×O).
    pub w: Vec<f64>,
    /// The fast array's P (zeros for Digital and Analog SGD).
    pub p: Vec<f64>,
    pub bias: Vec<f64>,
    pub main: AnalogArray,
    pub fast: AnalogArray,
    /// The tiles of the layer, in input order (one unless `tile_inputs` splits it), each with
    /// its transfer state (read cursor, buffers, choppers, Q, P's reference).
    pub tiles: Vec<TileState>,
}

impl Layer {
    /// The tile `t` as the family's transfer sees it.
    fn tile<'a>(&'a mut self, t: usize, trains: &'a mut PulseTrains) -> (Tile<'a>, &'a mut TileState) {
        let cols = self.tiles[t].columns();
        let span = cols.start * self.outputs..cols.end * self.outputs;
        let tile = Tile {
            w: &mut self.w[span.clone()],
            p: &self.p[span.clone()],
            main: &mut self.main,
            fast: &mut self.fast,
            base: span.start,
            trains,
        };
        (tile, &mut self.tiles[t])
    }

    /// The algorithm's work after a mini-batch, per tile: a transfer when `transfer_now`, then
    /// E-RIDER's chopper (`k` batches before this one). Returns whether W stayed finite.
    #[allow(clippy::too_many_arguments)]
    fn after_batch(
        &mut self,
        kind: AlgorithmKind,
        r: TransferRates,
        transfer_now: bool,
        k: u64,
        io: &Io,
        rng: &mut SimRng,
        trains: &mut PulseTrains,
    ) -> bool {
        let mut finite = true;
        for t in 0..self.tiles.len() {
            let (mut tile, state) = self.tile(t, trains);
            if transfer_now {
                finite &= family::transfer(kind, r, state, &mut tile, &mut Reader::Periphery { io, rng });
            }
            family::after_step(kind, &r.t, state, tile.fast, k);
        }
        finite
    }

    /// W̄ = W + γ·residual(P), tile by tile.
    fn mix(&self, kind: AlgorithmKind, gamma: f64, wbar: &mut Vec<f64>) {
        wbar.resize(self.w.len(), 0.0);
        for state in &self.tiles {
            let cols = state.columns();
            let span = cols.start * self.outputs..cols.end * self.outputs;
            state.mix(kind, gamma, &self.w[span.clone()], &self.p[span.clone()], &mut wbar[span]);
        }
    }

    /// Zero-shifting of every element of P (see [`family::zero_shift`]): each tile reads P
    /// against its elements' estimated symmetric points.
    pub fn zero_shift(&mut self, pulses: u64, dw_min: f64) {
        let estimate = family::zero_shift(&mut self.fast, &mut self.p, 0, pulses, dw_min);
        for state in &mut self.tiles {
            let cols = state.columns();
            if !state.p_ref.is_empty() {
                state.p_ref.copy_from_slice(&estimate[cols.start * self.outputs..cols.end * self.outputs]);
            }
        }
    }
}

/// Step sizes of the network algorithms.
#[derive(Clone, Copy, Debug, Serialize, Deserialize)]
pub struct NetRates {
    /// α: the step of Digital and Analog SGD and of the digital biases.
    pub alpha: f64,
    /// β: the transfer rate P → W (scheduled with α).
    pub beta: f64,
    /// γ: the Tiki-Taka family's mixing (gradients and outputs at W + γP).
    pub gamma: f64,
    /// The algorithms transfer once every this many mini-batches.
    pub every: u64,
    /// The rate of gradient writes into P; `None` = α (then scheduled with it).
    pub fast: Option<f64>,
    /// The transfer keys (columns per transfer, buffers, choppers, Q), as on the vector problems.
    pub transfer: TransferParams,
    /// The StepLR factor currently applied to α and β.
    pub scale: f64,
}

impl NetRates {
    /// The scheduled α.
    pub fn alpha_now(&self) -> f64 {
        self.alpha * self.scale
    }
    /// The rate of writes into P.
    pub fn fast_now(&self) -> f64 {
        self.fast.unwrap_or(self.alpha_now())
    }
}

/// Buffers of one mini-batch (reused between batches).
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Scratch {
    /// Per layer: the inputs of every sample (B × I); the forward pass writes them in place.
    acts: Vec<Vec<f64>>,
    /// Per layer: the error at the outputs of every sample (B × O), the batch mean included.
    deltas: Vec<Vec<f64>>,
    /// Per layer: W + γP when γ ≠ 0.
    wbar: Vec<Vec<f64>>,
    /// Per layer: the effective weights transposed (O × I), so the backward pass runs along rows.
    wt: Vec<Vec<f64>>,
    /// One row of the batch gradient, Σₙ x_{n,i} dₙ, or the bias gradient Σₙ dₙ.
    row: Vec<f64>,
    /// Four rows of the batch gradient, or all of a tile's rows (I × O) when summed by output.
    block: Vec<f64>,
    /// The batch gradient by output (O × I), summed over the samples' nonzero errors only.
    columns: Vec<f64>,
    /// The errors a tile sees, a_t·δ, when its out scale a_t is not 1.
    scaled: Vec<f64>,
    logits: Vec<f64>,
    back: Vec<f64>,
    /// The terms of the sum being accumulated (see [`terms_of`]).
    terms: Vec<(usize, f64)>,
    /// The converted inputs of a periphery MVM (and chopped inputs of an update).
    xq: Vec<f64>,
    pub trains: PulseTrains,
}

/// A network being trained by one algorithm in one form.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Net {
    pub kind: AlgorithmKind,
    pub form: Form,
    pub layers: Vec<Layer>,
    /// Read noise s of the analog MVMs (0 for Digital SGD).
    pub read_noise: f64,
    /// The converters and output noise of the analog MVMs (exact for Digital SGD).
    pub io: Io,
    read_rng: SimRng,
    rates: NetRates,
    /// Mini-batches taken.
    pub batches: u64,
    pub scratch: Scratch,
    /// aihwkit's tile mapping and learned out scales, when on (see [`tiles`]).
    pub tiling: Option<tiles::Tiling>,
    /// The CNN's shape and buffers (`arch=cnn`, see [`conv`]); `None` for a fully connected net.
    pub conv: Option<conv::Conv>,
}

/// What one mini-batch observed.
#[derive(Clone, Copy, Debug)]
pub struct BatchResult {
    /// Sum of the samples' losses.
    pub loss_sum: f64,
    /// Whether the loss or a weight became non-finite.
    pub finite: bool,
}

impl Net {
    pub fn new(
        kind: AlgorithmKind,
        form: Form,
        layers: Vec<Layer>,
        read_noise: f64,
        read_rng: SimRng,
        rates: NetRates,
        io: Io,
    ) -> Net {
        let digital = kind == AlgorithmKind::Digital;
        let read_noise = if digital { 0.0 } else { read_noise };
        let io = if digital { Io::default() } else { io };
        Net {
            kind,
            form,
            layers,
            read_noise,
            io,
            read_rng,
            rates,
            batches: 0,
            scratch: Scratch::default(),
            tiling: None,
            conv: None,
        }
    }

    /// Sets the StepLR factor on α and β (and on P's rate when it follows α).
    pub fn set_rate_scale(&mut self, scale: f64) {
        self.rates.scale = scale;
    }

    /// Whether MVMs need the noise stream (read noise or a non-exact periphery).
    fn noisy(&self) -> bool {
        self.read_noise > 0.0 || !self.io.is_exact()
    }

    /// Pulses fired by all arrays.
    pub fn pulses(&self) -> u64 {
        self.layers.iter().map(|l| l.main.pulses + l.fast.pulses).sum()
    }

    /// The mixing of the forward pass, W̄ = W + γ·residual(P) (0: it reads W).
    fn mixing(&self) -> f64 {
        if !self.kind.transfers() {
            return 0.0;
        }
        family::mixing(self.kind, self.rates.gamma, &self.rates.transfer)
    }

    /// Whether the forward pass reads W̄ rather than W.
    fn uses_wbar(&self) -> bool {
        self.mixing() != 0.0
    }

    /// Zero-shifts every layer's P (the algorithms that transfer; `pulses` per element).
    pub fn zero_shift(&mut self, pulses: u64) {
        if self.kind.transfers() && pulses > 0 {
            for layer in &mut self.layers {
                layer.zero_shift(pulses, self.rates.transfer.dw_min);
            }
        }
    }

    /// Sizes the buffers for `batch` samples and computes the effective weights (transposed too
    /// when `backward`). Inlined into the vectorised passes that call it.
    #[inline(always)]
    fn prepare(&mut self, batch: usize, backward: bool) {
        let n = self.layers.len();
        let use_wbar = self.uses_wbar();
        let (kind, gamma) = (self.kind, self.mixing());
        let s = &mut self.scratch;
        s.acts.resize(n, Vec::new());
        s.deltas.resize(n, Vec::new());
        s.wbar.resize(n, Vec::new());
        s.wt.resize(n, Vec::new());
        for (l, layer) in self.layers.iter().enumerate() {
            s.acts[l].resize(batch * layer.inputs, 0.0);
            s.deltas[l].resize(batch * layer.outputs, 0.0);
            if use_wbar {
                layer.mix(kind, gamma, &mut s.wbar[l]);
            }
            // The first layer's backward output is never needed.
            if backward && l > 0 {
                let w = if use_wbar { &s.wbar[l] } else { &layer.w };
                let (ins, outs) = (layer.inputs, layer.outputs);
                let wt = &mut s.wt[l];
                wt.resize(ins * outs, 0.0);
                transpose(w, wt, ins, outs);
            }
        }
        s.logits.resize(self.layers[n - 1].outputs, 0.0);
    }

    /// Counts the mini-batch and does the algorithm's work after it on every tile (see
    /// [`Layer::after_batch`]); returns whether W stayed finite.
    fn after_batch(&mut self) -> bool {
        let k = self.batches;
        self.batches += 1;
        if !self.kind.transfers() {
            return true;
        }
        let rates = self.rates;
        let r = TransferRates { beta: rates.beta * rates.scale, t: rates.transfer };
        let now = self.batches.is_multiple_of(rates.every.max(1));
        let io = self.io;
        let mut finite = true;
        for layer in &mut self.layers {
            finite &= layer.after_batch(self.kind, r, now, k, &io, &mut self.read_rng, &mut self.scratch.trains);
        }
        finite
    }

    /// Loss of one sample with the current weights and no read noise (finite-difference checks).
    pub fn sample_loss(&self, x: &[f64], label: usize) -> f64 {
        if self.conv.is_some() {
            return self.sample_loss_conv(x, label);
        }
        let mut acts: Vec<Vec<f64>> = self.layers.iter().map(|l| vec![0.0; l.inputs]).collect();
        acts[0].copy_from_slice(x);
        let mut logits = vec![0.0; self.layers.last().map_or(0, |l| l.outputs)];
        let mut xq = Vec::new();
        let mut io = Periphery { io: Io::default(), xq: &mut xq };
        passes::forward_sample::<32>(
            &self.layers,
            None,
            0,
            &mut acts,
            &mut logits,
            &mut None,
            &mut Vec::new(),
            &mut io,
        );
        -logits[label]
    }

    /// The batch gradient of the last [`Net::train_batch`] for layer `l`, computed without
    /// writing it (finite-difference checks): Σₙ xₙ dₙᵀ with the batch mean included.
    pub fn gradient(&mut self, data: &Split, batch: &[usize]) -> Vec<Vec<f64>> {
        let saved = (self.rates, self.layers.clone(), self.batches);
        self.rates.alpha = 0.0;
        self.rates.beta = 0.0;
        self.rates.fast = Some(0.0);
        self.train_batch(data, batch);
        let out = self
            .layers
            .iter()
            .enumerate()
            .map(|(l, layer)| {
                let (ins, outs) = (layer.inputs, layer.outputs);
                // Rows: the samples, or a CNN's patches of every sample; the tile sees α·δ.
                let b = self.scratch.deltas[l].len() / outs;
                let a = self.tiling.as_ref().filter(|_| self.conv.is_some()).map_or(1.0, |t| t.scales(l)[0]);
                let mut g = vec![0.0; ins * outs];
                for n in 0..b {
                    let x = &self.scratch.acts[l][n * ins..(n + 1) * ins];
                    let d = &self.scratch.deltas[l][n * outs..(n + 1) * outs];
                    for i in 0..ins {
                        for j in 0..outs {
                            g[i * outs + j] += x[i] * (a * d[j]);
                        }
                    }
                }
                g
            })
            .collect();
        (self.rates, self.layers, self.batches) = saved;
        out
    }
}

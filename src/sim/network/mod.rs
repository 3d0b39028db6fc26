//! `problem=digits` and `problem=mnist`: a fully connected network on the 8×8 handwritten digits
//! or on 10,000 real MNIST digits, every layer an analog tile, trained by Digital SGD, Analog SGD and Tiki-Taka on the same initial weights and
//! the same sample order (common random numbers), in the expected dynamic (per mini-batch or per
//! sample) and at pulse level.
//!
//! * [`data`] — the vendored data sets and their fixed splits; [`mnist`] — the MNIST file.
//! * [`mlp`] — layers, forward/backward, the per-algorithm updates; [`io`] — the MVM periphery.
//! * this file — a run: tracks, epochs, evaluation, the summary.

pub mod data;
pub mod io;
mod kernels;
mod message;
pub mod mlp;
pub mod mnist;
pub mod resume;
mod summary;

pub use message::{DigitsSnapshot, FeatureMaps};
pub use resume::NetRunState;
pub use summary::{class_collapse, NetEnsemble, NetSpread, NetSummary, NetTrackSummary};

use crate::sim::algorithm::family::TileState;
use crate::sim::algorithm::AlgorithmKind;
use crate::sim::device::{AnalogArray, Device, UpdateMode};
use crate::sim::rng::{self, Purpose, SimRng};
use crate::sim::run::{device_of, pulse_mode_of, rates_of};
use crate::sim::scenario::{Arch, DeviceKind, PulseMode, Scenario, UpdateForm};
use data::{Dataset, Digits};
use io::Io;
use mlp::conv::{Conv, ConvShape};
use mlp::{Form, Layer, Net, NetRates};
use rand::Rng;
use serde::{Deserialize, Serialize};

/// NaN as `None` (JSON's `null`), every other value as itself: JSON writes the same as for a
/// plain f64 (null for any non-finite), and a binary format reads back what it wrote.
fn nan_as_none<S: serde::Serializer>(v: &f64, s: S) -> Result<S::Ok, S::Error> {
    (!v.is_nan()).then_some(*v).serialize(s)
}

/// Reads a float that JSON wrote as `null` (serde_json's form of NaN and ±∞) back as NaN, so a
/// diverged track's summary survives the trip from a Web Worker to the page.
fn finite_or_nan<'de, D: serde::Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
    Ok(Option::<f64>::deserialize(d)?.unwrap_or(f64::NAN))
}

/// Bins of the |w|/τ histogram over [0, 1] (the last bin also counts |w| > τ).
pub const SATURATION_BINS: usize = 20;

/// The tracks a digits scenario trains: each algorithm in each requested form.
pub fn net_track_plan(s: &Scenario) -> Vec<(AlgorithmKind, Form)> {
    let mut plan = Vec::new();
    for &kind in &s.algos {
        if kind == AlgorithmKind::Digital || s.device == DeviceKind::Ideal {
            plan.push((kind, Form::Batch));
            continue;
        }
        if s.pulses != PulseMode::On {
            match s.update {
                UpdateForm::Batch => plan.push((kind, Form::Batch)),
                UpdateForm::Sample => plan.push((kind, Form::Sample)),
                UpdateForm::Both => {
                    plan.push((kind, Form::Batch));
                    plan.push((kind, Form::Sample));
                }
            }
        }
        if s.pulses != PulseMode::Off {
            plan.push((kind, Form::Pulse));
        }
    }
    plan
}

/// One epoch's measurements of one track.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq)]
pub struct EpochRecord {
    /// 1-based epoch number.
    pub epoch: u64,
    /// Mean training loss (NLL) over the epoch's samples, as they were trained.
    #[serde(serialize_with = "nan_as_none", deserialize_with = "finite_or_nan")]
    pub train_loss: f64,
    /// Mean NLL on the test images after the epoch.
    #[serde(serialize_with = "nan_as_none", deserialize_with = "finite_or_nan")]
    pub test_loss: f64,
    /// Share of test images classified right after the epoch, in [0, 1].
    #[serde(serialize_with = "nan_as_none", deserialize_with = "finite_or_nan")]
    pub test_accuracy: f64,
    /// max |W|/τ over all layers after the epoch.
    #[serde(serialize_with = "nan_as_none", deserialize_with = "finite_or_nan")]
    pub max_saturation: f64,
    /// Pulses fired so far.
    pub pulses: u64,
}

/// One algorithm in one form, and its records.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct NetTrack {
    pub net: Net,
    pub records: Vec<EpochRecord>,
    /// The class predicted for every test image at the last evaluation.
    pub predictions: Vec<u8>,
    pub diverged_at_epoch: Option<u64>,
    eval_rng: SimRng,
    loss_sum: f64,
    samples: u64,
}

impl NetTrack {
    /// How often the last evaluation predicted each class on the test set (a network that has
    /// collapsed answers one class for nearly everything).
    pub fn predicted_classes(&self) -> [u64; 10] {
        let mut counts = [0; 10];
        self.predictions.iter().for_each(|&p| counts[usize::from(p).min(9)] += 1);
        counts
    }

    /// Trains one mini-batch (the positions `batch` of the training set); a non-finite loss
    /// marks the track diverged in this epoch and it trains no more.
    fn train_batch(&mut self, data: &Digits, batch: &[usize], epoch: u64) {
        if self.diverged() {
            return;
        }
        let r = self.net.train_batch(&data.train, batch);
        if r.finite {
            self.loss_sum += r.loss_sum;
            self.samples += batch.len() as u64;
        } else {
            self.diverged_at_epoch = Some(epoch + 1);
        }
    }

    /// Records epoch `epoch`: test loss and accuracy, the epoch's mean training loss, saturation
    /// and pulses so far.
    fn evaluate(&mut self, data: &Digits, tau: f64, epoch: u64) {
        if self.diverged() {
            return;
        }
        let mut predictions = std::mem::take(&mut self.predictions);
        let (test_loss, test_accuracy) = self.net.evaluate(&data.test, &mut self.eval_rng, &mut predictions);
        self.predictions = predictions;
        let train_loss = if self.samples > 0 { self.loss_sum / self.samples as f64 } else { test_loss };
        if !test_loss.is_finite() {
            self.diverged_at_epoch = Some(epoch);
        }
        self.records.push(EpochRecord {
            epoch,
            train_loss,
            test_loss,
            test_accuracy,
            max_saturation: self.max_saturation(tau),
            pulses: self.net.pulses(),
        });
        self.loss_sum = 0.0;
        self.samples = 0;
    }

    /// `digital`, `analog`, `tt_pulse`, `analog_sample`, …
    pub fn key(&self) -> String {
        format!("{}{}", self.net.kind.key(), self.net.form.suffix())
    }
    pub fn diverged(&self) -> bool {
        self.diverged_at_epoch.is_some()
    }
    /// The latest test accuracy (the initial one before the first epoch).
    pub fn accuracy(&self) -> f64 {
        self.records.last().map_or(0.0, |r| r.test_accuracy)
    }
    /// The best test accuracy so far and its epoch.
    pub fn best(&self) -> (f64, u64) {
        self.records.iter().fold((0.0, 0), |b, r| if r.test_accuracy > b.0 { (r.test_accuracy, r.epoch) } else { b })
    }
    /// All main-array weights |w|/τ, binned (paper Fig. 7).
    pub fn saturation_histogram(&self, tau: f64) -> Vec<u64> {
        let mut bins = vec![0u64; SATURATION_BINS];
        for l in &self.net.layers {
            for w in &l.w {
                let r = if tau.is_finite() { w.abs() / tau } else { 0.0 };
                let b = ((r * SATURATION_BINS as f64) as usize).min(SATURATION_BINS - 1);
                bins[b] += 1;
            }
        }
        bins
    }
    /// max |w|/τ over the main arrays.
    pub fn max_saturation(&self, tau: f64) -> f64 {
        if !tau.is_finite() {
            return 0.0;
        }
        self.net.layers.iter().flat_map(|l| &l.w).fold(0.0f64, |m, w| m.max(w.abs())) / tau
    }
}

/// A digits scenario being trained.
#[derive(Clone, Debug)]
pub struct NetRun {
    pub scenario: Scenario,
    pub data: &'static Digits,
    pub device: Device,
    pub tracks: Vec<NetTrack>,
    /// Completed epochs.
    pub epoch: u64,
    /// Mini-batches taken in the current epoch.
    pub batch_in_epoch: usize,
    order: Vec<usize>,
    shuffle: SimRng,
}

/// The data set a network scenario trains on.
pub fn dataset_of(s: &Scenario) -> Dataset {
    match s.problem {
        crate::sim::scenario::ProblemKind::Mnist if s.data == crate::sim::scenario::MnistData::Full => {
            Dataset::MnistFull
        }
        crate::sim::scenario::ProblemKind::Mnist => Dataset::Mnist,
        _ => Dataset::Digits,
    }
}

/// Test images a page's prediction grid shows: three of every class.
pub const GRID_IMAGES: usize = 30;

/// The test images of the prediction grid, stratified so every class shows: the first three
/// test images of each class (in test-set order), dealt out 0, 1, …, 9, 0, 1, … (fewer when a
/// class has fewer images).
pub fn grid_indices(data: &Digits) -> Vec<usize> {
    let per_class = GRID_IMAGES / 10;
    let mut by_class: Vec<Vec<usize>> = vec![Vec::new(); 10];
    for (i, &label) in data.test.labels.iter().enumerate() {
        if let Some(list) = by_class.get_mut(label as usize).filter(|l| l.len() < per_class) {
            list.push(i);
        }
        if by_class.iter().all(|l| l.len() == per_class) {
            break;
        }
    }
    (0..per_class).flat_map(|k| by_class.iter().filter_map(move |l| l.get(k).copied())).collect()
}

/// The layer widths of a scenario.
pub fn widths(s: &Scenario) -> Vec<usize> {
    s.layers.iter().map(|w| *w as usize).collect()
}

impl NetRun {
    /// A fresh run with noise seed `scenario.seed`.
    pub fn new(scenario: &Scenario) -> NetRun {
        NetRun::with_seed(scenario, scenario.seed)
    }

    /// A fresh run whose initial weights, sample order and read noise come from `seed`.
    ///
    /// Panics if the scenario's data set is not available: in the browser, where the page
    /// installs MNIST before it starts a run ([`mnist::install`]), and for full MNIST that has not
    /// been fetched, which the command line refuses first ([`mnist::ready`]).
    pub fn with_seed(scenario: &Scenario, seed: u64) -> NetRun {
        let data = dataset_of(scenario).get().unwrap_or_else(|e| panic!("{e}"));
        let device = device_of(scenario);
        // Every layer's tile (inputs, outputs): the widths' neighbours, or the CNN's layers.
        let shapes: Vec<(usize, usize)> = match scenario.arch {
            Arch::Cnn => ConvShape::paper().tiles(),
            Arch::Fcn => widths(scenario).windows(2).map(|w| (w[0], w[1])).collect(),
        };
        let rates = NetRates {
            alpha: scenario.alpha,
            beta: scenario.beta,
            gamma: scenario.gamma,
            every: scenario.every.max(1),
            fast: (scenario.fast_lr > 0.0).then_some(scenario.fast_lr),
            transfer: rates_of(scenario).transfer,
            scale: 1.0,
        };
        let io =
            Io { inp_bits: scenario.inp_res as u32, out_bits: scenario.out_res as u32, out_noise: scenario.out_noise };
        // Initial weights as torch.nn.Linear draws them, U(−1/√I, 1/√I) for W and b, shared by
        // every track and clipped into the device's range.
        let mut init = rng::stream(seed, Purpose::Init);
        // (torch's Conv2d draws the same law with I = C_in·k·k, its fan-in.)
        let initial: Vec<(Vec<f64>, Vec<f64>)> = shapes
            .iter()
            .map(|&(ins, outs)| {
                let bound = 1.0 / (ins as f64).sqrt();
                let mut u = || bound * (2.0 * init.random::<f64>() - 1.0);
                let w: Vec<f64> = (0..ins * outs).map(|_| u()).collect();
                let b: Vec<f64> = (0..outs).map(|_| u()).collect();
                (w, b)
            })
            .collect();
        let tracks = net_track_plan(scenario)
            .into_iter()
            .map(|(kind, form)| {
                // Streams named by the algorithm and form (enum orders; new ones go at the end),
                // not by the place in the list: a track does not change when others join.
                let t = 4 * kind as u64 + form as u64;
                let mode = if form == Form::Pulse { pulse_mode_of(scenario) } else { UpdateMode::Expected };
                let layers = shapes
                    .iter()
                    .zip(&initial)
                    .enumerate()
                    .map(|(l, (&(inputs, outputs), (w, b)))| {
                        let l = l as u64;
                        let pulses = |role: u64| rng::substream(seed, Purpose::Pulses, 64 * t + 2 * l + role);
                        let variation =
                            |role: u64| rng::substream(scenario.device_seed, Purpose::DeviceVariation, 2 * l + role);
                        let (main, fast) = if kind == AlgorithmKind::Digital {
                            (AnalogArray::ideal(pulses(0)), AnalogArray::ideal(pulses(1)))
                        } else {
                            (
                                AnalogArray::new(device, mode, scenario.d2d, w.len(), &mut variation(0), pulses(0))
                                    .with_additive_c2c(scenario.c2c_mult == 0),
                                AnalogArray::new(device, mode, scenario.d2d, w.len(), &mut variation(1), pulses(1))
                                    .with_additive_c2c(scenario.c2c_mult == 0),
                            )
                        };
                        let w = w
                            .iter()
                            .enumerate()
                            .map(|(e, &v)| match main.element(e).device.range() {
                                Some((lo, hi)) if kind != AlgorithmKind::Digital => v.clamp(lo, hi),
                                _ => v,
                            })
                            .collect::<Vec<_>>();
                        let tiles = vec![TileState::new(kind, inputs, outputs)];
                        Layer { inputs, outputs, p: vec![0.0; w.len()], w, bias: b.clone(), main, fast, tiles }
                    })
                    .collect();
                let read = rng::substream(seed, Purpose::ReadNoise, 2 * t);
                let mut net = Net::new(kind, form, layers, scenario.read_noise, read, rates, io).with_tiling(
                    mlp::tiles::Tiling::new(
                        &shapes.iter().map(|s| s.0).collect::<Vec<_>>(),
                        scenario.tile_inputs as usize,
                        scenario.out_scaling == 1 && scenario.device != DeviceKind::Ideal,
                    ),
                );
                if scenario.arch == Arch::Cnn {
                    net.conv = Some(Conv::new(ConvShape::paper()));
                }
                if scenario.zero_shift == 1 && scenario.device != DeviceKind::Ideal {
                    net.zero_shift(scenario.zs_pulses);
                }
                NetTrack {
                    net,
                    records: Vec::new(),
                    predictions: Vec::new(),
                    diverged_at_epoch: None,
                    eval_rng: rng::substream(seed, Purpose::ReadNoise, 2 * t + 1),
                    loss_sum: 0.0,
                    samples: 0,
                }
            })
            .collect();
        let mut run = NetRun {
            scenario: scenario.clone(),
            data,
            device,
            tracks,
            epoch: 0,
            batch_in_epoch: 0,
            order: (0..data.train.len()).collect(),
            shuffle: rng::stream(seed, Purpose::Shuffle),
        };
        // Epoch 0: the untrained network, so every curve starts at chance.
        run.evaluate(1);
        run
    }

    /// Mini-batches per epoch (the last one may be smaller).
    pub fn batches_per_epoch(&self) -> usize {
        self.data.train.len().div_ceil(self.scenario.batch.max(1) as usize)
    }

    /// Mini-batches still to take.
    pub fn batches_left(&self) -> u64 {
        let per = self.batches_per_epoch() as u64;
        (self.scenario.epochs.saturating_sub(self.epoch) * per).saturating_sub(self.batch_in_epoch as u64)
    }

    pub fn finished(&self) -> bool {
        self.epoch >= self.scenario.epochs
    }

    /// Progress through the whole run in [0, 1].
    pub fn progress(&self) -> f64 {
        let per = self.batches_per_epoch() as f64;
        ((self.epoch as f64 * per + self.batch_in_epoch as f64) / (self.scenario.epochs as f64 * per)).min(1.0)
    }

    /// One mini-batch for every track (the same samples for all); evaluates at the epoch's end.
    pub fn step(&mut self) {
        if self.finished() {
            return;
        }
        self.shuffle_at_epoch_start();
        let (data, epoch, batch) = (self.data, self.epoch, self.batch(self.batch_in_epoch));
        for t in &mut self.tracks {
            t.train_batch(data, &self.order[batch.clone()], epoch);
        }
        self.batch_in_epoch += 1;
        self.end_epoch_if_done(1);
    }

    /// Fisher–Yates with the shared stream before an epoch's first batch: the same order for
    /// every track.
    fn shuffle_at_epoch_start(&mut self) {
        if self.batch_in_epoch == 0 {
            for i in (1..self.order.len()).rev() {
                let j = self.shuffle.random_range(0..=i);
                self.order.swap(i, j);
            }
        }
    }

    /// The positions in `order` of mini-batch `k` of the epoch.
    fn batch(&self, k: usize) -> std::ops::Range<usize> {
        let b = self.scenario.batch.max(1) as usize;
        (k * b).min(self.order.len())..((k + 1) * b).min(self.order.len())
    }

    /// After an epoch's last batch: evaluates every track (on up to `threads` threads) and sets
    /// the next epoch's StepLR rate.
    fn end_epoch_if_done(&mut self, threads: usize) {
        if self.batch_in_epoch < self.batches_per_epoch() {
            return;
        }
        self.batch_in_epoch = 0;
        self.epoch += 1;
        self.evaluate(threads);
        let scale = self.rate_scale();
        for t in &mut self.tracks {
            t.net.set_rate_scale(scale);
        }
    }

    /// Runs the remaining epochs with the tracks on up to `threads` threads. The tracks share
    /// only the sample order, so each trains a whole epoch on its own thread and they meet at
    /// the evaluation: bit-identical to [`NetRun::run_to_end`] for any thread count.
    pub fn run_to_end_threads(&mut self, threads: usize) {
        while !self.finished() {
            self.run_epoch_threads(threads);
        }
    }

    /// The rest of the current epoch (and its evaluation), the tracks on up to `threads` threads
    /// as in [`NetRun::run_to_end_threads`]; nothing once finished.
    pub fn run_epoch_threads(&mut self, threads: usize) {
        if !self.finished() {
            self.shuffle_at_epoch_start();
            let batches: Vec<std::ops::Range<usize>> =
                (self.batch_in_epoch..self.batches_per_epoch()).map(|k| self.batch(k)).collect();
            let (data, epoch, order) = (self.data, self.epoch, &self.order);
            crate::sim::pool::par_for_each(&mut self.tracks, threads, |t| {
                for batch in &batches {
                    t.train_batch(data, &order[batch.clone()], epoch);
                }
            });
            self.batch_in_epoch = self.batches_per_epoch();
            self.end_epoch_if_done(threads);
        }
    }

    /// The StepLR factor for the coming epoch: lr_gamma^⌊epochs done / lr_step⌋ (1 without StepLR).
    pub fn rate_scale(&self) -> f64 {
        let s = &self.scenario;
        if s.lr_step == 0 {
            return 1.0;
        }
        s.lr_gamma.powi((self.epoch / s.lr_step).min(i32::MAX as u64) as i32)
    }

    /// Steps `n` mini-batches (fewer at the end).
    pub fn step_n(&mut self, n: u64) {
        for _ in 0..n {
            if self.finished() {
                break;
            }
            self.step();
        }
    }

    /// Runs the remaining epochs.
    pub fn run_to_end(&mut self) {
        while !self.finished() {
            self.step();
        }
    }

    fn evaluate(&mut self, threads: usize) {
        let (tau, epoch, data) = (self.device.tau(), self.epoch, self.data);
        crate::sim::pool::par_for_each(&mut self.tracks, threads, |t| t.evaluate(data, tau, epoch));
    }

    /// The summary of the run so far.
    pub fn summary(&self) -> NetSummary {
        let tau = self.device.tau();
        NetSummary {
            scenario: self.scenario.to_query(),
            epochs: self.epoch,
            train_images: self.data.train.len(),
            test_images: self.data.test.len(),
            tau,
            algorithms: self
                .tracks
                .iter()
                .map(|t| {
                    let (best_accuracy, best_epoch) = t.best();
                    let samples = self.epoch as f64 * self.data.train.len() as f64;
                    NetTrackSummary {
                        algorithm: t.key(),
                        final_accuracy: t.accuracy(),
                        best_accuracy,
                        best_epoch,
                        final_train_loss: t.records.last().map_or(f64::NAN, |r| r.train_loss),
                        max_saturation: t.max_saturation(tau),
                        saturation_histogram: t.saturation_histogram(tau),
                        pulses: t.net.pulses(),
                        pulses_per_sample: t.net.pulses() as f64 / samples.max(1.0),
                        diverged: t.diverged(),
                        diverged_at_epoch: t.diverged_at_epoch,
                        epochs: t.records.clone(),
                        spread: None,
                    }
                })
                .collect(),
        }
    }
}

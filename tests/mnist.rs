#![cfg(not(target_arch = "wasm32"))]
//! `problem=mnist`: the paper's 784-256-128-10 network on 10,000 real MNIST digits (8000 train /
//! 2000 test): Digital SGD learns them, the paper's claim holds with the paper's preset at
//! τ = 0.5, and a damaged data file is refused with a message.
//!
//! Every run here is deterministic; the measured numbers are written next to each assertion.

use analog_playground::sim::network::mnist;
use analog_playground::sim::network::{NetRun, NetSummary, NetTrackSummary};
use analog_playground::sim::scenario::Scenario;
use std::io::{Read, Write};

fn track<'a>(s: &'a NetSummary, key: &str) -> &'a NetTrackSummary {
    s.algorithms.iter().find(|a| a.algorithm == key).unwrap_or_else(|| panic!("no track {key} in {}", s.scenario))
}

/// Runs every seed of `query` on its own thread (the test's budget is wall time on 2 cores).
fn seed_summaries(query: &str) -> Vec<NetSummary> {
    let s = Scenario::parse(query).unwrap_or_else(|e| panic!("{query}: {e}"));
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..s.seeds)
            .map(|k| {
                let s = &s;
                scope.spawn(move || {
                    let mut run = NetRun::with_seed(s, s.seed + k);
                    run.run_to_end();
                    run.summary()
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().expect("seed thread")).collect()
    })
}

#[test]
fn digital_sgd_reaches_90_percent_on_the_2000_test_digits() {
    // The paper's recipe (sigmoid, batch 10, α = 0.05, no StepLR within 20 epochs): measured
    // 90.25 % after 10 epochs, 91.45 % after 14; the budget is 20 epochs.
    let s = &seed_summaries("problem=mnist&algos=digital&epochs=20")[0];
    assert_eq!((s.train_images, s.test_images), (8000, 2000));
    let d = track(s, "digital");
    assert!(d.final_accuracy >= 0.90, "Digital SGD after 20 epochs: {:.2} %", 100.0 * d.final_accuracy);
    assert!(!d.diverged);
}

#[test]
fn tiki_taka_beats_analog_sgd_by_15_points_at_tau_half_with_the_paper_preset() {
    // preset=paper-fcn at τ = 0.5 (SoftBoundsReference defaults with additive c2c, 7/9-bit IO with
    // output noise 0.06, BL 31, StepLR at 35, aihwkit's mapping: learned out scales, 512-input
    // tiles), 40 epochs, seeds 1 and 2, pulse level. Measured: Analog SGD 11.25 %, Tiki-Taka
    // 95.12 %; at epoch 10: 10.70 % vs 55.60 %. Analog SGD sits at chance because the output
    // tile's learned scale collapses to ~0 in the first epoch (as in aihwkit 1.1 with this config,
    // docs/PARITY.md, MNIST section); Tiki-Taka starts slowly and climbs from epoch ~6.
    let runs = seed_summaries("preset=paper-fcn&tau_max=0.5&tau_min=-0.5&epochs=40&algos=analog,tt&seeds=2");
    let mean = |key: &str| 100.0 * runs.iter().map(|s| track(s, key).final_accuracy).sum::<f64>() / runs.len() as f64;
    let (analog, tt) = (mean("analog_pulse"), mean("tt_pulse"));
    let at = |key: &str, e: usize| {
        100.0 * runs.iter().map(|s| track(s, key).epochs[e].test_accuracy).sum::<f64>() / runs.len() as f64
    };
    eprintln!(
        "τ = 0.5, 40 epochs, 2 seeds: Analog SGD {analog:.2} %, Tiki-Taka {tt:.2} %; at epoch 10: {:.2} % vs {:.2} %",
        at("analog_pulse", 10),
        at("tt_pulse", 10)
    );
    assert!(tt - analog >= 15.0, "Tiki-Taka {tt:.2} % − Analog SGD {analog:.2} % < 15 points");
    // What aihwkit shows with the same configuration (seed means at τ = 0.7 and 1, 15 epochs):
    // Analog SGD at chance, Tiki-Taka above 90 %.
    assert!(analog < 20.0, "Analog SGD {analog:.2} %: expected at chance (collapsed out scale)");
    assert!(tt >= 90.0, "Tiki-Taka {tt:.2} % < 90 %");
}

fn vendored() -> Vec<u8> {
    std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/data/mnist/mnist10k.bin.gz")).unwrap()
}

#[test]
fn a_damaged_data_file_is_an_error_with_a_message_never_a_panic_or_a_partial_set() {
    let gz = vendored();
    let ok = mnist::parse(&gz).unwrap();
    assert_eq!((ok.train.len(), ok.test.len()), (8000, 2000));
    // Truncated anywhere: the gzip stream is incomplete.
    for cut in [0, 10, gz.len() / 3, gz.len() - 9] {
        let e = mnist::parse(&gz[..cut]).unwrap_err().to_string();
        assert!(e.starts_with("MNIST data:"), "cut at {cut}: {e}");
    }
    // A corrupted byte inside the compressed data.
    let mut bad = gz.clone();
    bad[gz.len() / 2] ^= 0x55;
    let e = mnist::parse(&bad).unwrap_err().to_string();
    assert!(e.starts_with("MNIST data:"), "{e}");
    // Well-formed gzip of a damaged payload: a missing image, and a changed pixel.
    let mut raw = Vec::new();
    flate2::read::GzDecoder::new(&gz[..]).read_to_end(&mut raw).unwrap();
    let gzip = |raw: &[u8]| {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        e.write_all(raw).unwrap();
        e.finish().unwrap()
    };
    let e = mnist::parse(&gzip(&raw[..raw.len() - 784])).unwrap_err().to_string();
    assert!(e.contains("expected") && e.contains("truncated"), "{e}");
    raw[1000] = raw[1000].wrapping_add(1);
    let e = mnist::parse(&gzip(&raw)).unwrap_err().to_string();
    assert!(e.contains("corrupted"), "{e}");
}

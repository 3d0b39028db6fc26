//! The algorithms beyond Tiki-Taka on networks: the same family code as on the vector problems
//! (`sim::algorithm::family`, a layer being one or more tiles), on a 64-6-4-10 digits network.
//!
//! Measured (60 epochs, α = 0.5, ALD τ = 2, chop_prob = 0.01; mean test accuracy of the last 10
//! epochs, one seed):
//!
//! | | sp = 0 | sp = 0.3 | sp = 0.3, zero-shifted |
//! |---|---|---|---|
//! | Digital SGD | 0.904 | 0.904 | 0.904 |
//! | Analog SGD | 0.181 | 0.352 | 0.352 |
//! | Tiki-Taka | 0.795 | 0.630 | 0.751 |
//! | TT-v2 | 0.769 | 0.501 | 0.786 |
//! | c-TTv2 | 0.310 | 0.093 | 0.342 |
//! | AGAD | 0.779 | 0.790 | 0.613 |
//! | RL v1 / v2 | 0.801 / 0.907 | 0.709 / 0.708 | 0.811 / 0.824 |
//! | RIDER | 0.424 | 0.424 | 0.416 |
//! | E-RIDER | 0.874 | 0.788 | 0.691 |
//!
//! (`--nocapture` prints them). With sp off zero Tiki-Taka loses 0.17; AGAD and E-RIDER hold
//! without calibration, zero-shifting recovers TT, TT-v2 and RL (and costs AGAD and E-RIDER),
//! c-TTv2 fails at this chopper rate either way. On an ideal device the transfer family does not
//! reduce to Digital SGD: P never decays, so P acts as an undamped velocity and W oscillates
//! (Tiki-Taka 0.08–0.8 over epochs); the comparisons below use the paper's ALD device.

use analog_playground::sim::network::{NetEnsemble, NetSummary};
use analog_playground::sim::Scenario;

const BASE: &str =
    "problem=digits&layers=64,6,4,10&alpha=0.5&tau=2&epochs=60&chop_prob=0.01&algos=digital,analog,tt,ttv2,cttv2,agad,rl,rlv2,rider,erider";

fn run(q: &str) -> NetSummary {
    let s = Scenario::parse(q).unwrap_or_else(|e| panic!("{q}: {e:?}"));
    let mut e = NetEnsemble::new(&s);
    e.run_to_end();
    e.summary()
}

/// Mean test accuracy of the last 10 epochs of track `key`.
fn tail(s: &NetSummary, key: &str) -> f64 {
    let t = s.algorithms.iter().find(|a| a.algorithm == key).unwrap_or_else(|| panic!("no track {key}"));
    let last: Vec<f64> = t.epochs.iter().rev().take(10).map(|e| e.test_accuracy).collect();
    last.iter().sum::<f64>() / last.len() as f64
}

fn table(s: &NetSummary) -> String {
    s.algorithms.iter().map(|a| format!("{} {:.3}", a.algorithm, tail(s, &a.algorithm))).collect::<Vec<_>>().join(", ")
}

#[test]
fn every_algorithm_trains_a_network_and_the_tiki_taka_family_beats_analog_sgd() {
    let s = run(BASE);
    eprintln!("sp = 0: {}", table(&s));
    let analog = tail(&s, "analog");
    assert!(analog < 0.3, "Analog SGD fails at τ = 2 on this net: {analog}");
    for key in ["tt", "ttv2", "agad", "rl", "rlv2", "erider"] {
        let acc = tail(&s, key);
        assert!(acc > analog + 0.4, "{key} trains where Analog SGD fails: {acc} vs {analog}");
        assert!(acc > 0.75, "{key}: {acc}");
    }
    // c-TTv2 and RIDER learn, but stay far from the others here.
    for key in ["cttv2", "rider"] {
        assert!(tail(&s, key) > 0.3, "{key} learns: {}", tail(&s, key));
    }
}

#[test]
fn off_zero_symmetric_point_hurts_tiki_taka_and_agad_e_rider_and_zero_shifting_recover() {
    let centred = run(BASE);
    let off = run(&format!("{BASE}&sp=0.3"));
    let shifted = run(&format!("{BASE}&sp=0.3&zero_shift=1"));
    eprintln!("sp = 0.3: {}\nsp = 0.3, zero-shifted: {}", table(&off), table(&shifted));
    let tt = tail(&off, "tt");
    assert!(tt < tail(&centred, "tt") - 0.1, "Tiki-Taka loses accuracy with sp off zero: {tt}");
    for key in ["agad", "erider"] {
        assert!(tail(&off, key) > tt + 0.05, "{key} holds with sp off zero: {} vs tt {tt}", tail(&off, key));
    }
    assert!(tail(&shifted, "tt") > tt + 0.1, "zero-shifted Tiki-Taka recovers: {}", tail(&shifted, "tt"));
    assert!(tail(&off, "cttv2") < tt, "c-TTv2 does not recover here: {}", tail(&off, "cttv2"));
}

#[test]
fn zero_shifting_a_network_estimates_each_fast_element_s_symmetric_point() {
    let s = Scenario::parse("problem=digits&layers=64,6,10&algos=tt&sp=0.3&tau=2&zero_shift=1&epochs=1").unwrap();
    let e = NetEnsemble::new(&s);
    let layer = &e.first().tracks[0].net.layers[0];
    let p_ref = &layer.tiles[0].p_ref;
    assert_eq!(p_ref.len(), 64 * 6);
    let mean = p_ref.iter().sum::<f64>() / p_ref.len() as f64;
    assert!((mean - 0.3).abs() < 0.05, "estimates near sp = 0.3: mean {mean}");
}

#[test]
fn successors_on_networks_are_deterministic_and_run_in_every_form_and_on_tiles() {
    let q = "problem=digits&layers=64,8,10&epochs=2&algos=ttv2,cttv2,agad,rlv2,erider&pulses=both&update=both\
             &dw_min=0.001&tile_inputs=32&out_scaling=1&transfer_read_noise=0.01&n_reads=3";
    let (a, b) = (run(q), run(q));
    assert_eq!(serde_json::to_string(&a).unwrap(), serde_json::to_string(&b).unwrap());
    assert_eq!(a.algorithms.len(), 15, "five algorithms × batch, sample and pulse forms");
    for t in &a.algorithms {
        assert!(t.epochs.iter().all(|e| e.test_accuracy.is_finite()), "{}", t.algorithm);
        if t.algorithm.ends_with("_pulse") {
            assert!(t.pulses > 0, "{} fires pulses", t.algorithm);
        }
    }
}

#[test]
fn network_seed_spread_is_the_sample_standard_deviation() {
    let q = "problem=digits&layers=64,8,10&epochs=2&algos=tt";
    let all = run(&format!("{q}&seeds=3"));
    let spread = all.algorithms[0].spread.as_ref().expect("seeds=3 has a spread");
    let finals: Vec<f64> = (0..3)
        .map(|k| {
            let s = Scenario::parse(&format!("{q}&seed={}", 1 + k)).unwrap();
            let mut e = NetEnsemble::new(&s);
            e.run_to_end();
            e.summary().algorithms[0].final_accuracy
        })
        .collect();
    let mean = finals.iter().sum::<f64>() / 3.0;
    let sample = (finals.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / 2.0).sqrt();
    assert!(sample > 0.0, "the seeds differ: {finals:?}");
    assert!((spread.final_accuracy - sample).abs() < 1e-12, "{} vs n − 1 form {sample}", spread.final_accuracy);
}

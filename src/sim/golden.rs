//! The determinism fixture: fixed scenarios whose summaries must be bit-identical on every
//! platform. `tests/golden.rs` (native) and `tests/wasm.rs` (in headless Chromium) both compare
//! [`golden_summaries`] with the committed `tests/golden/summaries.json`.

use crate::sim::scenario::Arch;
use crate::sim::{Experiment, Scenario};

/// One scenario per problem, short enough to run in a browser test.
pub const GOLDEN_SCENARIOS: [&str; 13] = [
    "problem=quadratic&steps=3000&seed=11",
    "problem=quadratic&steps=3000&seed=11&gamma=0.3&every=2&sp=0.1",
    "problem=lsq&steps=400&data_seed=3",
    "problem=lower_bound&steps=3000&algos=digital,analog,tt",
    "problem=quadratic&steps=2000&device=exp&g_up=3&up_down=0.1&d2d=0.2&pulses=both&dw_min=0.002&c2c=0.3",
    "problem=lsq&steps=60&device=softbounds&tau_max=1.5&tau_min=-1&pulses=1&dw_min=0.001&bl=100&read_noise=0.02",
    "problem=quadratic&steps=2000&device=pow&pulses=1&dw_min=0.005",
    "problem=quadratic&steps=1500&seeds=3&pulses=1",
    "problem=digits&epochs=2&tau=0.5&layers=64,16,10&update=both",
    "problem=digits&epochs=1&tau=0.3&layers=64,8,10&pulses=both&dw_min=0.0003&read_noise=0.02&d2d=0.1&c2c=0.2&gamma=0.2&seeds=2",
    "problem=quadratic&steps=1500&algos=tt,ttv2,cttv2,agad,rl,rlv2,rider,erider&pulses=both&sp=0.2&gamma=0.2&zero_shift=1&zs_pulses=400&transfer_read_noise=0.01&n_reads=1&chop_prob=0.05",
    "problem=lsq&steps=40&algos=tt,ttv2,cttv2,agad,rl,rlv2,rider,erider&pulses=1&dw_min=0.001&bl=31&transfer_bl=20&up_down=0.1&n_reads=7&every=2&read_noise=0.02",
    // The paper's CNN at pulse level with its periphery, run for CNN_GOLDEN_BATCHES mini-batches
    // (an epoch is too long for a browser test): the pulse count, saturation and weights move.
    "preset=paper-cnn&algos=analog,tt&tau_max=0.7&tau_min=-0.7&epochs=1",
];

/// Mini-batches of the CNN scenario of [`GOLDEN_SCENARIOS`] (the others run to their end). Its
/// data is MNIST-10k, which the browser tests install first.
pub const CNN_GOLDEN_BATCHES: u64 = 20;

/// The summaries of [`GOLDEN_SCENARIOS`] as pretty JSON (floats in shortest round-trip form).
pub fn golden_summaries() -> String {
    let summaries: Vec<_> = GOLDEN_SCENARIOS
        .iter()
        .map(|q| {
            let s = Scenario::parse(q).expect("golden scenarios are valid");
            let mut run = Experiment::new(&s);
            if s.arch == Arch::Cnn {
                run.advance(CNN_GOLDEN_BATCHES);
            } else {
                run.run_to_end();
            }
            serde_json::to_value(run.summary()).expect("summaries serialise")
        })
        .collect();
    serde_json::to_string_pretty(&summaries).expect("summaries serialise") + "\n"
}

//! The determinism fixture: fixed scenarios whose summaries must be bit-identical on every
//! platform. `tests/golden.rs` (native) and `tests/wasm.rs` (in headless Chromium) both compare
//! [`golden_summaries`] with the committed `tests/golden/summaries.json`.

use crate::sim::{Run, Scenario};

/// One scenario per problem, short enough to run in a browser test.
pub const GOLDEN_SCENARIOS: [&str; 4] = [
    "problem=quadratic&steps=3000&seed=11",
    "problem=quadratic&steps=3000&seed=11&gamma=0.3&every=2&sp=0.1",
    "problem=lsq&steps=400&data_seed=3",
    "problem=lower_bound&steps=3000&algos=digital,analog,tt",
];

/// The summaries of [`GOLDEN_SCENARIOS`] as pretty JSON (floats in shortest round-trip form).
pub fn golden_summaries() -> String {
    let summaries: Vec<_> = GOLDEN_SCENARIOS
        .iter()
        .map(|q| {
            let mut run = Run::new(&Scenario::parse(q).expect("golden scenarios are valid"));
            run.run_to_end();
            run.summary()
        })
        .collect();
    serde_json::to_string_pretty(&summaries).expect("summaries serialise") + "\n"
}

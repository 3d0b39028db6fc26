//! `run --threads`: the seeds (and on networks the tracks) on several threads give the numbers
//! of one thread, bit for bit.

use analog_playground::sim::network::NetEnsemble;
use analog_playground::sim::{Ensemble, Scenario};

#[test]
fn network_runs_on_threads_equal_the_single_thread_run() {
    // Two seeds, five tracks (both forms of each analog algorithm), pulse level and tiles.
    let s = Scenario::parse("problem=digits&pulses=both&epochs=2&seeds=2&tau=0.5").unwrap();
    let mut one = NetEnsemble::new(&s);
    one.run_to_end();
    let expected = serde_json::to_string(&one.summary()).unwrap();
    for threads in [2, 3, 16] {
        let mut many = NetEnsemble::new(&s);
        many.run_to_end_threads(threads);
        assert_eq!(serde_json::to_string(&many.summary()).unwrap(), expected, "{threads} threads");
        // Epoch by epoch (as `run` goes, to report where it is): the same numbers.
        let mut by_epoch = NetEnsemble::new(&s);
        while !by_epoch.finished() {
            by_epoch.run_epoch_threads(threads);
        }
        assert_eq!(serde_json::to_string(&by_epoch.summary()).unwrap(), expected, "{threads} threads, by epoch");
        for (a, b) in one.runs.iter().zip(&many.runs) {
            for (x, y) in a.tracks.iter().zip(&b.tracks) {
                assert_eq!(x.predictions, y.predictions);
                assert_eq!(x.net.layers[0].w, y.net.layers[0].w);
            }
        }
    }
}

#[test]
fn vector_runs_on_threads_equal_the_single_thread_run() {
    let s = Scenario::parse("problem=lsq&tau=0.8&seeds=3&steps=3000&pulses=both").unwrap();
    let mut one = Ensemble::new(&s);
    one.run_to_end();
    let mut many = Ensemble::new(&s);
    many.run_to_end_threads(2);
    assert_eq!(serde_json::to_string(&many.summary()).unwrap(), serde_json::to_string(&one.summary()).unwrap());
}

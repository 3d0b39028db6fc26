//! `run --checkpoint FILE`: a network run saves its whole state after every epoch and, started
//! again, goes on from it to the JSON of the run that never stopped; a checkpoint that cannot be
//! continued (damaged, of another scenario) is one line, exit 2, as is `--checkpoint` on a
//! stepped problem. Another kind's or another build's checkpoint: `sim::network::resume`'s tests.

mod common;

use analog_playground::sim::network::resume::{self, NetRunState};
use analog_playground::sim::network::{NetEnsemble, NetRun};
use analog_playground::sim::Scenario;
use common::{ok, playground, refused};
use std::path::PathBuf;

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("resume_{name}_{}", std::process::id()));
    std::fs::remove_dir_all(&dir).ok();
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Two seeds, every kind of track: digital, Analog SGD and Tiki-Taka at pulse level and in the
/// expected dynamic, tiles with learned out scales.
const QUERY: &str = "problem=digits&layers=64,8,10&algos=digital,analog,tt&pulses=both&epochs=3&seeds=2\
                     &tile_inputs=32&out_scaling=1&read_noise=0.01";

#[test]
fn a_run_goes_on_from_its_checkpoint_to_the_json_of_the_run_that_never_stopped() {
    let dir = scratch("run");
    let straight = ok(&playground(&["run", QUERY, "--threads", "2"]));

    // A run stopped after its first epoch, as a killed `run --checkpoint` leaves it.
    let scenario = Scenario::parse(QUERY).unwrap();
    let mut first = NetEnsemble::new(&scenario);
    first.run_epoch_threads(1);
    let states: Vec<NetRunState> = first.runs.iter().map(NetRun::state).collect();
    let file = dir.join("run.checkpoint");
    std::fs::write(&file, resume::encode("run", &(scenario.to_query(), states)).unwrap()).unwrap();
    let path = file.to_str().unwrap();

    let out = playground(&["run", QUERY, "--checkpoint", path, "--threads", "1"]);
    assert!(ok(&out) == straight, "the resumed run's JSON differs from the straight run's");
    let log = String::from_utf8_lossy(&out.stderr);
    assert!(log.contains(&format!("goes on from {path} after epoch 1/3")), "{log}");
    // The finished run's checkpoint gives its summary again at once.
    let again = playground(&["run", QUERY, "--checkpoint", path]);
    assert!(ok(&again) == straight);
    assert!(String::from_utf8_lossy(&again.stderr).contains("after epoch 3/3"));

    // A fresh run with --checkpoint writes one and prints the same JSON.
    let fresh = dir.join("fresh.checkpoint");
    assert!(ok(&playground(&["run", QUERY, "--checkpoint", fresh.to_str().unwrap()])) == straight);
    assert!(fresh.exists());

    // What cannot be continued is refused in one line naming the file.
    let other = QUERY.replace("epochs=3", "epochs=4");
    let err = refused(&playground(&["run", &other, "--checkpoint", path]));
    assert!(err.contains(path) && err.contains("another scenario") && err.contains("delete it"), "{err}");
    let mut bytes = std::fs::read(&file).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 4;
    std::fs::write(&file, &bytes).unwrap();
    let err = refused(&playground(&["run", QUERY, "--checkpoint", path]));
    assert!(err.contains("checksum"), "{err}");
    let err = refused(&playground(&["run", "problem=lsq", "--checkpoint", path]));
    assert!(err.contains("--checkpoint applies to the networks"), "{err}");
    std::fs::remove_dir_all(&dir).ok();
}

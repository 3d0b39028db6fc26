//! A network run's whole state between two mini-batches ([`NetRunState`]): saved, it lets a run
//! that was stopped (a scheduler's time limit, a crash, a session's end) go on later from where
//! it was, bit for bit the run that was never stopped. Everything that changes while a run trains
//! is in it — weights, devices, algorithm state, every random stream, records; what a scenario
//! determines (data, device law) is built again from the scenario.
//!
//! A checkpoint file ([`encode`]): a line naming its kind (`# playground KIND checkpoint`), a line
//! naming the build ([`build_mark`]), the saved value in bincode (every f64 as its bits, NaN
//! included), then an FNV-1a hash of everything before it (8 bytes, little-endian).

use super::data::Digits;
use super::{dataset_of, net_track_plan, NetRun, NetTrack};
use crate::sim::numeric::fnv1a64;
use crate::sim::rng::SimRng;
use crate::sim::run::device_of;
use crate::sim::scenario::Scenario;
use bincode::Options;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::path::Path;
use std::sync::OnceLock;

/// What [`NetRun::resume`] needs beside the scenario.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct NetRunState {
    epoch: u64,
    batch_in_epoch: usize,
    order: Vec<usize>,
    shuffle: SimRng,
    tracks: Vec<NetTrack>,
}

impl NetRun {
    /// The run's state now (a copy).
    pub fn state(&self) -> NetRunState {
        NetRunState {
            epoch: self.epoch,
            batch_in_epoch: self.batch_in_epoch,
            order: self.order.clone(),
            shuffle: self.shuffle.clone(),
            tracks: self.tracks.clone(),
        }
    }

    /// The run of `scenario` that was in `state`. Refuses, with the reason, a state that cannot be
    /// this scenario's: other tracks, another data set's size, past the scenario's end.
    pub fn resume(scenario: &Scenario, state: NetRunState) -> Result<NetRun, String> {
        let data: &'static Digits = dataset_of(scenario).get().map_err(|e| e.to_string())?;
        let planned: Vec<(_, _)> = net_track_plan(scenario);
        let saved: Vec<(_, _)> = state.tracks.iter().map(|t| (t.net.kind, t.net.form)).collect();
        if saved != planned {
            return Err(format!("its tracks {saved:?} are not the scenario's {planned:?}"));
        }
        if state.order.len() != data.train.len() {
            return Err(format!(
                "it trained on {} images, the scenario's data set has {}",
                state.order.len(),
                data.train.len()
            ));
        }
        let run = NetRun {
            scenario: scenario.clone(),
            data,
            device: device_of(scenario),
            tracks: state.tracks,
            epoch: state.epoch,
            batch_in_epoch: state.batch_in_epoch,
            order: state.order,
            shuffle: state.shuffle,
        };
        if run.epoch > scenario.epochs || run.batch_in_epoch >= run.batches_per_epoch() {
            return Err(format!(
                "it is at epoch {} batch {}, past the scenario's {} epochs of {} batches",
                run.epoch,
                run.batch_in_epoch,
                scenario.epochs,
                run.batches_per_epoch()
            ));
        }
        Ok(run)
    }
}

/// The one encoding both ways: fixed-width integers, every f64 as its bits, no trailing bytes.
fn codec() -> impl Options {
    bincode::DefaultOptions::new().with_fixint_encoding().reject_trailing_bytes()
}

/// A mark of this build's run state: the hash of a small run's state after a few mini-batches
/// (digits; Digital SGD, Analog SGD and Tiki-Taka, expected and pulse level, tiles with learned
/// out scales, read noise). A build whose state has another layout, or whose numbers differ, has
/// another mark, so a checkpoint of another build is refused instead of continued into a run
/// that neither build would compute.
pub fn build_mark() -> u64 {
    static MARK: OnceLock<u64> = OnceLock::new();
    *MARK.get_or_init(|| {
        let probe = Scenario::parse(
            "problem=digits&layers=64,6,10&algos=digital,analog,tt&pulses=both&epochs=1&batch=10\
             &tile_inputs=32&out_scaling=1&d2d=0.3&c2c=0.1&read_noise=0.01",
        )
        .expect("the probe scenario parses");
        let mut run = NetRun::new(&probe);
        run.step_n(3);
        fnv1a64(&codec().serialize(&run.state()).expect("a state serialises"))
    })
}

fn magic(kind: &str) -> String {
    format!("# playground {kind} checkpoint\n")
}

/// The bytes of a checkpoint of `kind` holding `value`.
pub fn encode<T: Serialize>(kind: &str, value: &T) -> Result<Vec<u8>, String> {
    let mut bytes = format!("{}build={:016x}\n", magic(kind), build_mark()).into_bytes();
    codec().serialize_into(&mut bytes, value).map_err(|e| e.to_string())?;
    let check = fnv1a64(&bytes);
    bytes.extend_from_slice(&check.to_le_bytes());
    Ok(bytes)
}

/// The value in checkpoint `bytes` of `kind`; the message says what is wrong with it.
pub fn decode<T: DeserializeOwned>(kind: &str, bytes: &[u8]) -> Result<T, String> {
    codec().deserialize(payload(kind, bytes)?).map_err(|e| format!("its state does not read back ({e})"))
}

/// The first field of the tuple in checkpoint `bytes`, read alone (not the state behind it).
pub fn peek<T: DeserializeOwned>(kind: &str, bytes: &[u8]) -> Result<T, String> {
    let first = bincode::DefaultOptions::new().with_fixint_encoding().allow_trailing_bytes();
    first.deserialize(payload(kind, bytes)?).map_err(|e| format!("it does not read back ({e})"))
}

/// The encoded value of checkpoint `bytes`, once its checksum, kind and build are checked.
fn payload<'a>(kind: &str, bytes: &'a [u8]) -> Result<&'a [u8], String> {
    let (body, check) = bytes.split_at_checked(bytes.len().saturating_sub(8)).unwrap_or((bytes, &[]));
    if check.len() != 8 || fnv1a64(body).to_le_bytes() != check {
        return Err("it does not match its checksum (cut short or damaged)".into());
    }
    let rest = body.strip_prefix(magic(kind).as_bytes()).ok_or(format!("it is not a {kind} checkpoint"))?;
    let mark = format!("build={:016x}\n", build_mark());
    rest.strip_prefix(mark.as_bytes())
        .ok_or("it was written by another build of playground, whose runs may differ from this one's".into())
}

/// Writes `bytes` to `path` whole or not at all: under a temporary name (`path` + `.partial`),
/// then renamed, so a run killed mid-write leaves the old file (or none), never half of one.
pub fn write_whole(path: &Path, bytes: &[u8]) -> Result<(), String> {
    let mut part = path.as_os_str().to_owned();
    part.push(".partial");
    std::fs::write(&part, bytes)
        .and_then(|_| std::fs::rename(&part, path))
        .map_err(|e| format!("{}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A run stopped anywhere — mid-epoch, at an epoch's end — and resumed from its state
    /// (through bytes, as a checkpoint file stores it) ends exactly where the unstopped run
    /// ends, for every kind of track: digital, expected dynamic, pulse level, Tiki-Taka's two
    /// arrays, tiles with learned out scales.
    #[test]
    fn a_resumed_run_is_the_run_that_never_stopped() {
        let query = "problem=digits&layers=64,8,10&algos=digital,analog,tt&pulses=both&epochs=3&batch=10\
                     &tile_inputs=32&out_scaling=1&d2d=0.3&c2c=0.1&read_noise=0.01";
        let scenario = Scenario::parse(query).unwrap();
        let mut whole = NetRun::new(&scenario);
        whole.run_to_end();
        let expected = serde_json::to_string(&whole.summary()).unwrap();
        for stop_at in [1, 45, 2 * 144, 2 * 144 + 7] {
            let mut first = NetRun::new(&scenario);
            first.step_n(stop_at);
            let bytes = bincode::serialize(&first.state()).unwrap();
            drop(first);
            let state: NetRunState = bincode::deserialize(&bytes).unwrap();
            let mut resumed = NetRun::resume(&scenario, state).unwrap();
            resumed.run_to_end();
            assert_eq!(serde_json::to_string(&resumed.summary()).unwrap(), expected, "stopped after {stop_at} batches");
            let bits = |run: &NetRun| bincode::serialize(&run.state()).unwrap();
            assert!(bits(&resumed) == bits(&whole), "the state after the end, stopped after {stop_at} batches");
        }
    }

    #[test]
    fn a_state_of_another_scenario_is_refused_with_its_reason() {
        let scenario = Scenario::parse("problem=digits&layers=64,8,10&algos=digital,tt&epochs=2").unwrap();
        let mut run = NetRun::new(&scenario);
        run.step_n(3);
        let other = Scenario::parse("problem=digits&layers=64,8,10&algos=digital,analog&epochs=2").unwrap();
        assert!(NetRun::resume(&other, run.state()).unwrap_err().contains("tracks"));
        run.run_to_end();
        assert!(NetRun::resume(&scenario, run.state()).unwrap().finished());
        let shorter = Scenario::parse("problem=digits&layers=64,8,10&algos=digital,tt&epochs=1").unwrap();
        assert!(NetRun::resume(&shorter, run.state()).unwrap_err().contains("past"));
    }

    fn example() -> NetRunState {
        let s = Scenario::parse("problem=digits&layers=64,4,10&algos=tt&pulses=1&epochs=1").unwrap();
        let mut run = NetRun::new(&s);
        run.step_n(2);
        run.state()
    }

    #[test]
    fn a_checkpoint_reads_back_exactly() {
        let value = ("a cell's text".to_string(), example());
        let bytes = encode("cell", &value).unwrap();
        let back: (String, NetRunState) = decode("cell", &bytes).unwrap();
        assert_eq!(back.0, value.0);
        assert_eq!(encode("cell", &back).unwrap(), bytes);
        assert_eq!(peek::<String>("cell", &bytes).unwrap(), value.0);
    }

    #[test]
    fn a_file_is_written_whole_and_leaves_no_temporary_behind() {
        let dir = std::env::temp_dir().join(format!("write_whole_{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("cell-001.csv");
        write_whole(&path, b"old").unwrap();
        write_whole(&path, b"new and longer").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"new and longer");
        let names: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names, ["cell-001.csv"]);
        let missing = dir.join("no such folder").join("x");
        assert!(write_whole(&missing, b"x").unwrap_err().contains("no such folder"));
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn a_damaged_or_foreign_checkpoint_is_refused_with_its_reason() {
        let bytes = encode("cell", &("text", example())).unwrap();
        let refused = |b: &[u8]| decode::<(String, NetRunState)>("cell", b).unwrap_err();
        assert!(refused(&bytes[..bytes.len() / 2]).contains("checksum"));
        let mut flipped = bytes.clone();
        flipped[bytes.len() / 2] ^= 1;
        assert!(refused(&flipped).contains("checksum"));
        assert!(refused(&[]).contains("checksum"));
        assert!(decode::<(String, NetRunState)>("run", &bytes).unwrap_err().contains("not a run checkpoint"));
        // Another build's mark, with a valid checksum: refused for what it is.
        let mut foreign = bytes[..bytes.len() - 8].to_vec();
        let at = magic("cell").len() + "build=".len();
        foreign[at] = if foreign[at] == b'0' { b'1' } else { b'0' };
        foreign.extend_from_slice(&fnv1a64(&foreign).to_le_bytes());
        assert!(refused(&foreign).contains("another build"));
    }
}

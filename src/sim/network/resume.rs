//! A network run's whole state between two mini-batches ([`NetRunState`]): saved, it lets a run
//! that was stopped (a scheduler's time limit, a crash, a session's end) go on later from where
//! it was, bit for bit the run that was never stopped. Everything that changes while a run trains
//! is in it — weights, devices, algorithm state, every random stream, records; what a scenario
//! determines (data, device law) is built again from the scenario.

use super::data::Digits;
use super::{dataset_of, net_track_plan, NetRun, NetTrack};
use crate::sim::rng::SimRng;
use crate::sim::run::device_of;
use crate::sim::scenario::Scenario;
use serde::{Deserialize, Serialize};

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
}

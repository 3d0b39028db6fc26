//! The messages between the page and its Web Workers, one typed enum per direction, shared by the
//! page's module (`src/web/workers.rs`) and the workers' module (`src/web/trainer.rs`, driven by
//! `www/worker.js`). On the wire each message is one JSON string, `{"type": "train", …}`; a
//! string that does not decode is refused with a message naming what is wrong.

use crate::figures::digits::GridImages;
use crate::sim::network::DigitsSnapshot;
use crate::sim::sweep::Outcome;
use serde::{Deserialize, Serialize};

/// What the page asks a worker to do.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase", deny_unknown_fields)]
pub enum ToWorker {
    /// Train the network scenario `query` (canonical), reporting under `token`; start paused if
    /// asked (the page is paused).
    Train {
        token: u32,
        query: String,
        #[serde(default)]
        paused: bool,
    },
    Pause {
        token: u32,
    },
    Resume {
        token: u32,
    },
    /// One more epoch, then pause.
    Epoch {
        token: u32,
    },
    /// Drop the training run.
    Stop {},
    /// Run one sweep cell (any problem) to its end.
    Cell {
        id: u32,
        query: String,
    },
}

/// What a worker tells the page.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase", deny_unknown_fields)]
pub enum FromWorker {
    /// The training run's state after a slice of work.
    State { token: u32, snapshot: DigitsSnapshot },
    /// The test images of the prediction grid, once per run (the page holds no data set).
    Grid { token: u32, grid: GridImages },
    /// A sweep cell's result.
    Cell { id: u32, outcome: Outcome },
    /// A data download's progress: bytes received and expected (0 when unknown).
    Progress { token: Option<u32>, loaded: f64, total: f64 },
    /// What failed, for the training run `token` or the cell `id` (neither: the worker itself).
    Error { token: Option<u32>, id: Option<u32>, message: String },
}

/// Decodes one message, or says what is wrong with it in one line.
fn decode<T: for<'de> Deserialize<'de>>(text: &str, direction: &str) -> Result<T, String> {
    serde_json::from_str(text).map_err(|e| format!("a malformed message {direction}: {e}"))
}

impl ToWorker {
    pub fn from_json(text: &str) -> Result<ToWorker, String> {
        decode(text, "to a worker")
    }
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("messages serialise")
    }
}

impl FromWorker {
    pub fn from_json(text: &str) -> Result<FromWorker, String> {
        decode(text, "from a worker")
    }
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("messages serialise")
    }
    /// The error message for `token`/`id`.
    pub fn error(token: Option<u32>, id: Option<u32>, message: impl Into<String>) -> FromWorker {
        FromWorker::Error { token, id, message: message.into() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_round_trip_and_malformed_ones_are_refused() {
        let all = [
            ToWorker::Train { token: 3, query: "problem=digits".into(), paused: true },
            ToWorker::Pause { token: 3 },
            ToWorker::Resume { token: 3 },
            ToWorker::Epoch { token: 3 },
            ToWorker::Stop {},
            ToWorker::Cell { id: 9, query: "steps=10".into() },
        ];
        for m in all {
            assert_eq!(ToWorker::from_json(&m.to_json()).unwrap(), m);
        }
        assert_eq!(ToWorker::to_json(&ToWorker::Stop {}), r#"{"type":"stop"}"#);
        assert_eq!(
            ToWorker::from_json(r#"{"type":"train","token":1,"query":"q"}"#).unwrap(),
            ToWorker::Train { token: 1, query: "q".into(), paused: false }
        );
        for bad in [
            "",
            "42",
            "null",
            r#"{"type":"nonsense"}"#,
            r#"{"type":"cell","id":-1,"query":"q"}"#,
            r#"{"type":"pause"}"#,
            r#"{"type":"stop","extra":1}"#,
            r#"["play"]"#,
        ] {
            let e = ToWorker::from_json(bad).unwrap_err();
            assert!(e.starts_with("a malformed message to a worker: "), "{bad}: {e}");
        }
    }

    #[test]
    fn replies_round_trip() {
        let m = FromWorker::error(Some(2), None, "could not load");
        assert_eq!(FromWorker::from_json(&m.to_json()).unwrap().to_json(), m.to_json());
        let p = FromWorker::Progress { token: None, loaded: 10.0, total: 0.0 };
        assert_eq!(p.to_json(), r#"{"type":"progress","token":null,"loaded":10.0,"total":0.0}"#);
        assert!(matches!(FromWorker::from_json(&p.to_json()), Ok(FromWorker::Progress { token: None, .. })));
        assert!(FromWorker::from_json(r#"{"type":"state","token":1}"#).is_err());
    }
}

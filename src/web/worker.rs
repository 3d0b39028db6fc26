//! What runs inside the Web Workers (`www/worker.js` loads this same wasm module): training the
//! digits network and computing sweep cells, with the same core code as the native CLI, so the
//! numbers are the CLI's.

use crate::sim::network::{NetEnsemble, NetSummary};
use crate::sim::scenario::{ProblemKind, Scenario};
use crate::sim::sweep::run_outcome;
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

/// Test images whose predictions travel with every snapshot (the page's grid shows these).
pub const GRID_IMAGES: usize = 36;

/// The state of a digits training run, sent to the page after every slice of work.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct DigitsSnapshot {
    pub summary: NetSummary,
    /// Share of the planned mini-batches done, in [0, 1].
    pub progress: f64,
    pub finished: bool,
    /// Per track (in summary order): the predicted class of the first [`GRID_IMAGES`] test images.
    pub predictions: Vec<Vec<u8>>,
}

/// A digits training run living in a worker.
#[wasm_bindgen]
pub struct Trainer {
    ens: NetEnsemble,
}

#[wasm_bindgen]
impl Trainer {
    /// Parses `query` strictly (the page sends canonical scenarios) and prepares every seed's run.
    #[wasm_bindgen(constructor)]
    pub fn new(query: &str) -> Result<Trainer, JsValue> {
        let s = Scenario::parse(query).map_err(|e| JsValue::from_str(&e.to_string()))?;
        if s.problem != ProblemKind::Digits {
            return Err(JsValue::from_str("the trainer runs problem=digits only"));
        }
        Ok(Trainer { ens: NetEnsemble::new(&s) })
    }

    /// One mini-batch of every seed's run; true when an epoch ended (or the run is finished).
    pub fn step(&mut self) -> bool {
        let before = self.ens.first().epoch;
        self.ens.step_n(1);
        self.ens.first().epoch != before || self.ens.finished()
    }

    pub fn finished(&self) -> bool {
        self.ens.finished()
    }

    /// The [`DigitsSnapshot`] as JSON.
    pub fn snapshot(&self) -> String {
        let first = self.ens.first();
        let snap = DigitsSnapshot {
            summary: self.ens.summary(),
            progress: first.progress(),
            finished: self.ens.finished(),
            predictions: first
                .tracks
                .iter()
                .map(|t| t.predictions.iter().take(GRID_IMAGES).copied().collect())
                .collect(),
        };
        serde_json::to_string(&snap).unwrap_or_default()
    }
}

/// Runs one sweep cell (any problem) to its end, exactly as `playground run` would, and returns
/// its [`Outcome`](crate::sim::sweep::Outcome) as JSON.
#[wasm_bindgen]
pub fn sweep_cell(query: &str) -> Result<String, JsValue> {
    let s = Scenario::parse(query).map_err(|e| JsValue::from_str(&e.to_string()))?;
    serde_json::to_string(&run_outcome(&s)).map_err(|e| JsValue::from_str(&e.to_string()))
}

//! What runs inside the Web Workers (`www/worker.js` loads this same wasm module): training the
//! digits network and computing sweep cells, with the same core code as the native CLI, so the
//! numbers are the CLI's.

use crate::sim::network::{grid_indices, mnist, NetEnsemble, NetSummary};
use crate::sim::scenario::Scenario;
use crate::sim::sweep::run_outcome;
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

/// The state of a digits training run, sent to the page after every slice of work.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct DigitsSnapshot {
    pub summary: NetSummary,
    /// Share of the planned mini-batches done, in [0, 1].
    pub progress: f64,
    pub finished: bool,
    /// Per track (in summary order): the predicted class of the grid's test images
    /// ([`grid_indices`]).
    pub predictions: Vec<Vec<u8>>,
}

/// The grid's test images are sent once per run as a [`GridImages`] (the page itself never
/// holds MNIST).
pub use crate::figures::digits::GridImages;

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
        if !s.problem.is_network() {
            return Err(JsValue::from_str("the trainer runs problem=digits and problem=mnist only"));
        }
        if let Err(e) = crate::sim::network::dataset_of(&s).get() {
            return Err(JsValue::from_str(&e.to_string()));
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

    /// The [`GridImages`] as JSON.
    pub fn grid(&self) -> String {
        let data = self.ens.first().data;
        let at = grid_indices(data);
        let grid = GridImages {
            side: data.dataset.side(),
            max_level: data.dataset.max_level(),
            images: at.iter().map(|&i| data.test.image_levels(i).to_vec()).collect(),
            labels: at.iter().map(|&i| data.test.labels[i]).collect(),
        };
        serde_json::to_string(&grid).unwrap_or_default()
    }

    /// The [`DigitsSnapshot`] as JSON.
    pub fn snapshot(&self) -> String {
        let first = self.ens.first();
        let at = grid_indices(first.data);
        let snap = DigitsSnapshot {
            summary: self.ens.summary(),
            progress: first.progress(),
            finished: self.ens.finished(),
            predictions: first
                .tracks
                .iter()
                .map(|t| at.iter().filter_map(|&i| t.predictions.get(i).copied()).collect())
                .collect(),
        };
        serde_json::to_string(&snap).unwrap_or_default()
    }
}

/// Installs the MNIST file the worker fetched (`mnist10k.bin.gz`); a damaged or truncated file
/// is an error with a message, and nothing is installed.
#[wasm_bindgen]
pub fn install_mnist(bytes: &[u8]) -> Result<(), JsValue> {
    mnist::install(bytes).map_err(|e| JsValue::from_str(&e.to_string()))
}

/// Whether MNIST is installed in this worker.
#[wasm_bindgen]
pub fn mnist_loaded() -> bool {
    mnist::loaded()
}

/// Runs one sweep cell (any problem) to its end, exactly as `playground run` would, and returns
/// its [`Outcome`](crate::sim::sweep::Outcome) as JSON.
#[wasm_bindgen]
pub fn sweep_cell(query: &str) -> Result<String, JsValue> {
    let s = Scenario::parse(query).map_err(|e| JsValue::from_str(&e.to_string()))?;
    serde_json::to_string(&run_outcome(&s)).map_err(|e| JsValue::from_str(&e.to_string()))
}

//! What a worker training a network sends the page after every slice of work (as JSON): the
//! workers' module (`src/web/trainer.rs`) writes it, the page's digits view reads it.

use super::{grid_indices, NetEnsemble, NetSummary};
use serde::{Deserialize, Serialize};

/// The state of a digits training run.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct DigitsSnapshot {
    pub summary: NetSummary,
    /// Share of the planned mini-batches done, in [0, 1].
    pub progress: f64,
    pub finished: bool,
    /// Per track (in summary order): the predicted class of the grid's test images
    /// ([`grid_indices`](super::grid_indices)).
    pub predictions: Vec<Vec<u8>>,
    /// Per track: how often the last evaluation predicted each class on the whole test set.
    #[serde(default)]
    pub predicted_classes: Vec<[u64; 10]>,
}

impl DigitsSnapshot {
    /// The state of `ens` now (the grid and the class counts are the first seed's).
    pub fn of(ens: &NetEnsemble) -> DigitsSnapshot {
        let first = ens.first();
        let at = grid_indices(first.data);
        DigitsSnapshot {
            summary: ens.summary(),
            progress: first.progress(),
            finished: ens.finished(),
            predictions: first
                .tracks
                .iter()
                .map(|t| at.iter().filter_map(|&i| t.predictions.get(i).copied()).collect())
                .collect(),
            predicted_classes: first.tracks.iter().map(|t| t.predicted_classes()).collect(),
        }
    }
}

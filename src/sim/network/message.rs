//! What a worker training a network sends the page after every slice of work (as JSON): the
//! workers' module (`src/web/trainer.rs`) writes it, the page's digits view reads it.

use super::NetSummary;
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

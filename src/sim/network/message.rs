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
    /// Per track of a CNN: the first convolution's feature maps for the grid's first test image
    /// (empty for a fully connected network).
    #[serde(default)]
    pub feature_maps: Vec<FeatureMaps>,
}

/// One convolution's output channels for one image, each `side`×`side`, the tanh values in
/// [−1, 1] stored as levels 0…255 (−1 → 0, 1 → 255), channel by channel, row by row.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FeatureMaps {
    pub side: usize,
    pub levels: Vec<u8>,
}

impl FeatureMaps {
    /// `maps` (channels × side², values in [−1, 1]) as levels.
    pub fn of(side: usize, maps: &[f64]) -> FeatureMaps {
        let level = |v: f64| (127.5 * (v.clamp(-1.0, 1.0) + 1.0)).round() as u8;
        FeatureMaps { side, levels: maps.iter().map(|&v| level(v)).collect() }
    }

    /// Number of maps.
    pub fn channels(&self) -> usize {
        self.levels.len() / (self.side * self.side).max(1)
    }
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
            feature_maps: match at.first() {
                Some(&i) if first.tracks.iter().any(|t| t.net.conv.is_some()) => {
                    let mut image = vec![0.0; first.data.test.pixels];
                    first.data.test.image_into(i, &mut image);
                    first.tracks.iter().filter_map(|t| t.net.feature_maps(&image)).collect()
                }
                _ => Vec::new(),
            },
        }
    }
}

//! A running cell's checkpoint, `DIR/cells/cell-NNN.checkpoint`: a paper-scale cell is hours
//! long, longer than many schedulers' time limits, so after every epoch it saves where it is, and
//! a cell started again goes on from its last epoch instead of from the start — to the same
//! bytes as a cell that never stopped. It is written whole or not at all and deleted once the
//! cell's file is written. It holds the cell file's text so far (its head and rows,
//! [`super::cell`]) and the run's state, in the checkpoint format of [`resume`].

use crate::sim::network::resume::{self, NetRunState};
use std::path::{Path, PathBuf};

const KIND: &str = "cell";

/// Where the checkpoint of cell `index` (0-based) lives under `out`.
pub fn path(out: &Path, index: usize) -> PathBuf {
    super::cell_path(out, index).with_extension("checkpoint")
}

/// The bytes of a checkpoint: the cell text so far and the run's state.
pub fn encode(cell_text: &str, state: &NetRunState) -> Result<Vec<u8>, String> {
    resume::encode(KIND, &(cell_text, state))
}

/// The cell text and run state in checkpoint `bytes`; the message says what is wrong with it.
pub fn decode(bytes: &[u8]) -> Result<(String, NetRunState), String> {
    resume::decode(KIND, bytes)
}

/// The epochs done in the checkpoint at `path`; `None` when there is none, or none this build can
/// continue.
pub fn epochs_in(path: &Path) -> Option<u64> {
    let text: String = resume::peek(KIND, &std::fs::read(path).ok()?).ok()?;
    Some(super::cell::read(&text).ok()?.1.len().checked_sub(1)? as u64)
}

//! A running cell's checkpoint, `DIR/cells/cell-NNN.checkpoint`: a paper-scale cell is hours
//! long, longer than many schedulers' time limits, so after every epoch it saves where it is, and
//! a cell started again goes on from its last epoch instead of from the start — to the same
//! bytes as a cell that never stopped. The file is written under a temporary name and renamed
//! (whole or absent) and deleted once the cell's file is written.
//!
//! Layout: `# playground cell checkpoint`, a line naming the build (see [`build_mark`]), then in
//! bincode the cell file's text so far (its head and rows, [`super::cell`]) and the run's state
//! ([`NetRunState`]), then an FNV-1a hash of everything before it (8 bytes, little-endian).

use crate::sim::network::{NetRun, NetRunState};
use crate::sim::numeric::fnv1a64;
use crate::sim::scenario::Scenario;
use bincode::Options;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

const MAGIC: &str = "# playground cell checkpoint\n";

/// Where the checkpoint of cell `index` (0-based) lives under `out`.
pub fn path(out: &Path, index: usize) -> PathBuf {
    super::cell_path(out, index).with_extension("checkpoint")
}

/// The one encoding both ways: fixed-width integers, every f64 as its bits, no trailing bytes.
fn codec() -> impl Options {
    bincode::DefaultOptions::new().with_fixint_encoding().reject_trailing_bytes()
}

/// A mark of this build's run state: the hash of a small run's state after a few mini-batches
/// (digits; Digital SGD, Analog SGD and Tiki-Taka, expected and pulse level, tiles with learned
/// out scales, read noise). A build whose state has another layout, or whose numbers differ, has
/// another mark, so a checkpoint of another build is refused instead of continued into a cell
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

/// The bytes of a checkpoint: the cell text so far and the run's state.
pub fn encode(cell_text: &str, state: &NetRunState) -> Result<Vec<u8>, String> {
    let mut bytes = format!("{MAGIC}build={:016x}\n", build_mark()).into_bytes();
    codec().serialize_into(&mut bytes, &(cell_text, state)).map_err(|e| e.to_string())?;
    let check = fnv1a64(&bytes);
    bytes.extend_from_slice(&check.to_le_bytes());
    Ok(bytes)
}

/// The cell text and run state in checkpoint `bytes`; the message says what is wrong with it.
pub fn decode(bytes: &[u8]) -> Result<(String, NetRunState), String> {
    codec().deserialize(payload(bytes)?).map_err(|e| format!("its state does not read back ({e})"))
}

/// The epochs done in the checkpoint at `path`; `None` when there is none, or none this build can
/// continue.
pub fn epochs_in(path: &Path) -> Option<u64> {
    let bytes = std::fs::read(path).ok()?;
    // The cell text comes first: read it alone, not the state behind it.
    let peek = bincode::DefaultOptions::new().with_fixint_encoding().allow_trailing_bytes();
    let text: String = peek.deserialize(payload(&bytes).ok()?).ok()?;
    Some(super::cell::read(&text).ok()?.1.len().checked_sub(1)? as u64)
}

/// The encoded text and state of checkpoint `bytes`, once its checksum, kind and build are checked.
fn payload(bytes: &[u8]) -> Result<&[u8], String> {
    let (body, check) = bytes.split_at_checked(bytes.len().saturating_sub(8)).unwrap_or((bytes, &[]));
    if check.len() != 8 || fnv1a64(body).to_le_bytes() != check {
        return Err("it does not match its checksum (cut short or damaged)".into());
    }
    let rest = body.strip_prefix(MAGIC.as_bytes()).ok_or("it is not a cell checkpoint")?;
    let mark = format!("build={:016x}\n", build_mark());
    rest.strip_prefix(mark.as_bytes())
        .ok_or("it was written by another build of playground, whose runs may differ from this one's".into())
}

/// Writes checkpoint `bytes` to `path`, whole or not at all.
pub fn save(path: &Path, bytes: &[u8]) -> Result<(), String> {
    let part = path.with_extension("checkpoint-partial");
    std::fs::write(&part, bytes)
        .and_then(|_| std::fs::rename(&part, path))
        .map_err(|e| format!("{}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn example() -> (String, NetRunState) {
        let s = Scenario::parse("problem=digits&layers=64,4,10&algos=tt&pulses=1&epochs=1").unwrap();
        let mut run = NetRun::new(&s);
        run.step_n(2);
        ("# playground reproduce cell\n…".to_string(), run.state())
    }

    #[test]
    fn a_checkpoint_reads_back_exactly() {
        let (text, state) = example();
        let bytes = encode(&text, &state).unwrap();
        let (back_text, back) = decode(&bytes).unwrap();
        assert_eq!(back_text, text);
        assert_eq!(encode(&back_text, &back).unwrap(), bytes);
    }

    #[test]
    fn a_damaged_or_foreign_checkpoint_is_refused_with_its_reason() {
        let (text, state) = example();
        let bytes = encode(&text, &state).unwrap();
        assert!(decode(&bytes[..bytes.len() / 2]).unwrap_err().contains("checksum"));
        let mut flipped = bytes.clone();
        flipped[bytes.len() / 2] ^= 1;
        assert!(decode(&flipped).unwrap_err().contains("checksum"));
        assert!(decode(&[]).unwrap_err().contains("checksum"));
        // Another build's mark, with a valid checksum: refused for what it is.
        let mut foreign = bytes[..bytes.len() - 8].to_vec();
        let at = MAGIC.len() + "build=".len();
        foreign[at] = if foreign[at] == b'0' { b'1' } else { b'0' };
        foreign.extend_from_slice(&fnv1a64(&foreign).to_le_bytes());
        assert!(decode(&foreign).unwrap_err().contains("another build"));
    }
}

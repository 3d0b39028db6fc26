//! One cell of the paper-scale grid as a file: `DIR/cells/cell-NNN.csv`.
//!
//! ```text
//! # playground reproduce cell
//! # grid=fig5-fcn&data=full&epochs=80&seeds=3&version=0.1.0
//! # cell=8/21
//! # track=analog_pulse
//! # seed=1
//! # scenario=v=1&problem=mnist&data=full&…
//! epoch,train_loss,test_loss,test_accuracy,max_saturation,pulses,pred_0,…,pred_9,scale_0,…
//! 0,2.35,…
//! # check=0123456789abcdef
//! ```
//!
//! One row per epoch (0 is the untrained network): the track's [`EpochRecord`], how often the
//! test set was predicted as each class (a collapse to one class shows as one count of 10,000)
//! and each tile's learned out scale. Numbers are written in Rust's shortest round-trip form, so
//! reading a cell gives back exactly the numbers that were run. The last line is an FNV-1a hash of
//! everything above it: a damaged or hand-edited cell is named, never merged.

use crate::sim::network::EpochRecord;
use crate::sim::numeric::fnv1a64;

const MAGIC: &str = "# playground reproduce cell";

/// What a cell file says about itself (checked against the grid when it is read).
#[derive(Clone, Debug, PartialEq)]
pub struct CellHead {
    pub grid: String,
    /// 1-based index and count, as in the file name and `--shard`.
    pub cell: (usize, usize),
    pub track: String,
    /// The run's offset from the scenario's seed (0, 1, …).
    pub seed: u64,
    pub scenario: String,
}

/// One epoch of a cell.
#[derive(Clone, Debug, PartialEq)]
pub struct CellRow {
    pub record: EpochRecord,
    /// Test images predicted as class 0…9.
    pub predicted: [u64; 10],
    /// The learned out scale of every tile, layer by layer (empty without out scaling).
    pub scales: Vec<f64>,
}

/// The file text of a cell.
pub fn write(head: &CellHead, rows: &[CellRow]) -> String {
    let scales = rows.first().map_or(0, |r| r.scales.len());
    let mut text = format!(
        "{MAGIC}\n# grid={}\n# cell={}/{}\n# track={}\n# seed={}\n# scenario={}\nepoch,train_loss,test_loss,test_accuracy,max_saturation,pulses",
        head.grid, head.cell.0, head.cell.1, head.track, head.seed, head.scenario
    );
    (0..10).for_each(|k| text.push_str(&format!(",pred_{k}")));
    (0..scales).for_each(|k| text.push_str(&format!(",scale_{k}")));
    text.push('\n');
    for row in rows {
        let r = &row.record;
        text.push_str(&format!(
            "{},{},{},{},{},{}",
            r.epoch, r.train_loss, r.test_loss, r.test_accuracy, r.max_saturation, r.pulses
        ));
        row.predicted.iter().for_each(|n| text.push_str(&format!(",{n}")));
        row.scales.iter().for_each(|s| text.push_str(&format!(",{s}")));
        text.push('\n');
    }
    let check = fnv1a64(text.as_bytes());
    text.push_str(&format!("# check={check:016x}\n"));
    text
}

/// Reads a cell file back; the message says what is wrong with it.
pub fn read(text: &str) -> Result<(CellHead, Vec<CellRow>), String> {
    let body_end = text.rfind("# check=").ok_or("it has no `# check=` line (cut short while being written?)")?;
    let (body, check) = text.split_at(body_end);
    let check = check.trim_end().trim_start_matches("# check=");
    if u64::from_str_radix(check, 16).ok() != Some(fnv1a64(body.as_bytes())) {
        return Err("its rows do not match its checksum (edited or damaged)".into());
    }
    let mut lines = body.lines();
    if lines.next() != Some(MAGIC) {
        return Err(format!("it does not start with `{MAGIC}`"));
    }
    let mut field = |name: &str| -> Result<String, String> {
        let line = lines.next().unwrap_or_default();
        line.strip_prefix(&format!("# {name}=")).map(str::to_string).ok_or(format!("its `# {name}=` line is missing"))
    };
    let grid = field("grid")?;
    let cell = field("cell")?;
    let cell = cell
        .split_once('/')
        .and_then(|(i, n)| Some((i.parse().ok()?, n.parse().ok()?)))
        .ok_or(format!("its cell line `{cell}` is not I/N"))?;
    let (track, seed, scenario) = (field("track")?, field("seed")?, field("scenario")?);
    let seed = seed.parse().map_err(|_| format!("its seed `{seed}` is not a number"))?;
    let header: Vec<&str> = lines.next().unwrap_or_default().split(',').collect();
    let scales = header.iter().filter(|h| h.starts_with("scale_")).count();
    if header.len() != 16 + scales {
        return Err("its header is not the cell header".into());
    }
    let rows = lines
        .enumerate()
        .map(|(k, line)| {
            let v: Vec<&str> = line.split(',').collect();
            let bad = || format!("row {} is malformed", k + 1);
            if v.len() != header.len() {
                return Err(bad());
            }
            let f = |i: usize| v[i].parse::<f64>().map_err(|_| bad());
            let n = |i: usize| v[i].parse::<u64>().map_err(|_| bad());
            let mut predicted = [0; 10];
            for (c, p) in predicted.iter_mut().enumerate() {
                *p = n(6 + c)?;
            }
            Ok(CellRow {
                record: EpochRecord {
                    epoch: n(0)?,
                    train_loss: f(1)?,
                    test_loss: f(2)?,
                    test_accuracy: f(3)?,
                    max_saturation: f(4)?,
                    pulses: n(5)?,
                },
                predicted,
                scales: (0..scales).map(|s| f(16 + s)).collect::<Result<_, _>>()?,
            })
        })
        .collect::<Result<Vec<_>, String>>()?;
    Ok((CellHead { grid, cell, track, seed, scenario }, rows))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn example() -> (CellHead, Vec<CellRow>) {
        let head = CellHead {
            grid: "fig5-fcn&data=full&epochs=1&seeds=1&version=0".into(),
            cell: (2, 7),
            track: "analog_pulse".into(),
            seed: 0,
            scenario: "v=1&problem=mnist".into(),
        };
        let row = |epoch: u64, acc: f64| CellRow {
            record: EpochRecord {
                epoch,
                train_loss: 0.1 + acc,
                test_loss: 1.0 / 3.0,
                test_accuracy: acc,
                max_saturation: 0.123456789012345,
                pulses: 42 * epoch,
            },
            predicted: [1000, 0, 9000, 0, 0, 0, 0, 0, 0, 0],
            scales: vec![1.0, -0.06, 1e-17],
        };
        (head, vec![row(0, 0.0958), row(1, 0.1135)])
    }

    #[test]
    fn a_cell_reads_back_exactly() {
        let (head, rows) = example();
        assert_eq!(read(&write(&head, &rows)).unwrap(), (head, rows));
    }

    #[test]
    fn a_damaged_or_edited_cell_is_refused_with_its_reason() {
        let (head, rows) = example();
        let text = write(&head, &rows);
        let edited = text.replace("0.1135", "0.9135");
        assert!(read(&edited).unwrap_err().contains("checksum"));
        let cut = &text[..text.len() / 2];
        assert!(read(cut).unwrap_err().contains("check"));
        assert!(read("").is_err());
    }
}

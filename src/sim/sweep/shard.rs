//! Sweeps past one machine: shard `i/n` of a grid runs a disjoint part of its cells (a Slurm job
//! array task, a GNU parallel job), and [`merge`] joins the shard files into the CSV the unsharded
//! sweep writes, byte for byte.
//!
//! Shards are 1-based, like Slurm's `--array=1-n`: shard `i/n` holds the cells with linear index
//! `c ≡ i − 1 (mod n)`, `c = j·nx + i_x` (row-major, as [`Sweep::index`]). Striding rather than
//! contiguous blocks spreads cheap and expensive rows (an axis over `steps` or `epochs`) over all
//! shards. With more shards than cells, the last ones are empty (and still needed by the merge).
//!
//! A shard file is the sweep's CSV (same header, same rows, in index order) after a preamble of
//! `# key=value` lines that say which grid it belongs to and which cells it covers:
//!
//! ```text
//! # playground sweep shard
//! # shard=2/3
//! # version=0.1.0
//! # scenario=v=1&problem=lsq&…
//! # x=tau=0.5:4:log:3
//! # y=alpha=0.001:0.01:log:4
//! # metric=avg_distance
//! # cells=1,4,7,10
//! tau,alpha,analog_avg_distance,…
//! ```
//!
//! The merge checks every file against the grid the preamble describes: the same version, scenario
//! axes and metric in every file, the cell list of its shard, one row per cell whose text equals what the
//! sweep writes for the cell read back from it, no cell twice and none missing.

use super::{AlgoOutcome, Cell, Measures, Metric, Outcome, Sweep};
use crate::sim::scenario::Scenario;
use crate::sim::sweep::Axis;

/// The preamble's first line.
const MAGIC: &str = "# playground sweep shard";

/// Shard `index` of `count` (1-based).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shard {
    pub index: usize,
    pub count: usize,
}

impl Shard {
    /// Parses `i/n` with 1 ≤ i ≤ n.
    pub fn parse(text: &str) -> Result<Shard, String> {
        let bad = || format!("shard {text:?}: expected i/n with 1 ≤ i ≤ n (1-based, as Slurm's --array=1-n), e.g. 2/8");
        let (i, n) = text.split_once('/').ok_or_else(bad)?;
        let (index, count) =
            (i.trim().parse::<usize>().map_err(|_| bad())?, n.trim().parse::<usize>().map_err(|_| bad())?);
        if count == 0 || index == 0 || index > count {
            return Err(bad());
        }
        Ok(Shard { index, count })
    }

    /// The text form `i/n`.
    pub fn to_text(self) -> String {
        format!("{}/{}", self.index, self.count)
    }

    /// The linear indices of this shard's cells among `total`, in order.
    pub fn cells(self, total: usize) -> Vec<usize> {
        (self.index - 1..total).step_by(self.count).collect()
    }
}

impl Sweep {
    /// A shard file: the preamble, then the CSV of `cells` (the shard's, as run by
    /// [`Sweep::run_cells`] on [`Shard::cells`]).
    pub fn shard_csv(&self, shard: Shard, cells: &[Cell]) -> String {
        let list: Vec<String> = shard.cells(self.len()).iter().map(usize::to_string).collect();
        format!(
            "{MAGIC}\n# shard={}\n# version={}\n# scenario={}\n# x={}\n# y={}\n# metric={}\n# cells={}\n{}",
            shard.to_text(),
            env!("CARGO_PKG_VERSION"),
            self.base.to_query(),
            self.x.to_text(),
            self.y.to_text(),
            self.metric.name(),
            list.join(","),
            self.csv(cells)
        )
    }
}

/// A shard file read back.
#[derive(Clone, Debug)]
pub struct ShardFile {
    pub shard: Shard,
    pub version: String,
    pub sweep: Sweep,
    /// Its cells, read back from the rows.
    pub cells: Vec<Cell>,
}

/// Reads a shard file written by [`Sweep::shard_csv`], checking its rows against the grid it
/// names.
pub fn parse_shard(text: &str) -> Result<ShardFile, String> {
    let mut lines = text.lines();
    if lines.next() != Some(MAGIC) {
        return Err(format!("not a shard file (the first line is not {MAGIC:?}; write one with sweep --shard i/n)"));
    }
    let mut field = |name: &str| -> Result<String, String> {
        let line = lines.next().unwrap_or_default();
        line.strip_prefix("# ")
            .and_then(|l| l.strip_prefix(name))
            .and_then(|l| l.strip_prefix('='))
            .map(str::to_string)
            .ok_or_else(|| format!("the preamble lacks its `# {name}=` line"))
    };
    let shard = Shard::parse(&field("shard")?)?;
    let version = field("version")?;
    let scenario = field("scenario")?;
    let (x, y, metric, list) = (field("x")?, field("y")?, field("metric")?, field("cells")?);
    let base = Scenario::parse(&scenario).map_err(|e| format!("scenario: {e}"))?;
    let metric = Metric::parse(&metric, base.problem)?;
    let sweep = Sweep::new(base, Axis::parse(&x)?, Axis::parse(&y)?)?.with_metric(metric)?;
    let expected = shard.cells(sweep.len());
    let listed: Vec<usize> = if list.is_empty() {
        vec![]
    } else {
        list.split(',')
            .map(|c| c.parse().map_err(|_| format!("cells: {c:?} is not a cell index")))
            .collect::<Result<_, _>>()?
    };
    if listed != expected {
        return Err(format!("its cell list is not that of shard {} of this grid", shard.to_text()));
    }
    if lines.next().map(|h| format!("{h}\n")) != Some(sweep.csv_header()) {
        return Err("its CSV header is not this grid's".into());
    }
    let rows: Vec<&str> = lines.collect();
    if rows.len() != expected.len() {
        return Err(format!("{} rows for the {} cells of shard {}", rows.len(), expected.len(), shard.to_text()));
    }
    let cells = rows
        .iter()
        .zip(&expected)
        .map(|(row, &c)| {
            read_row(&sweep, c, row).ok_or_else(|| format!("the row of cell {c} does not match the grid: {row}"))
        })
        .collect::<Result<_, _>>()?;
    Ok(ShardFile { shard, version, sweep, cells })
}

/// Cell `c` read back from its CSV row, if the row is exactly what the sweep writes for it.
fn read_row(sweep: &Sweep, c: usize, row: &str) -> Option<Cell> {
    let algos = sweep.csv_algorithms();
    let fields: Vec<&str> = row.split(',').collect();
    if fields.len() != 3 + 2 * algos.len() {
        return None;
    }
    let value = |s: &str| if s.is_empty() { Some(None) } else { s.parse::<f64>().ok().map(Some) };
    let algorithms = algos
        .iter()
        .zip(fields[2..].chunks(2))
        .map(|(a, f)| {
            let mut measures = Measures::default();
            measures.set(sweep.metric, value(f[0])?);
            Some(AlgoOutcome { algorithm: a.key().to_string(), measures, diverged: f[1].parse().ok()? })
        })
        .collect::<Option<Vec<_>>>()?;
    let (i, j) = sweep.index(c);
    let cell =
        Cell { i, j, scenario: sweep.cell_scenario(i, j), outcome: Outcome { metric: sweep.metric(), algorithms } };
    // Writing the cell again must give the row back: the axis values, every number to the bit
    // and the comparison column (computed from the values) all check out.
    (sweep.csv_row(&cell) == format!("{row}\n")).then_some(cell)
}

/// Joins shard files, given as (name, text), into the grid and all its cells in index order;
/// `Sweep::csv` of them is the unsharded sweep's CSV. Refuses, in one line naming the files,
/// shards of different grids, scenarios or versions, overlapping shards and missing cells.
pub fn merge(files: &[(String, String)]) -> Result<(Sweep, Vec<Cell>), String> {
    let parsed: Vec<(&str, ShardFile)> = files
        .iter()
        .map(|(name, text)| parse_shard(text).map(|f| (name.as_str(), f)).map_err(|e| format!("{name}: {e}")))
        .collect::<Result<_, _>>()?;
    let Some((first_name, first)) = parsed.first() else { return Err("merge needs at least one shard file".into()) };
    for (name, f) in &parsed[1..] {
        let differs = [
            ("scenario", f.sweep.base != first.sweep.base),
            ("x axis", f.sweep.x != first.sweep.x),
            ("y axis", f.sweep.y != first.sweep.y),
            ("metric", f.sweep.metric != first.sweep.metric),
            ("playground version", f.version != first.version),
        ];
        if let Some((what, _)) = differs.iter().find(|d| d.1) {
            return Err(format!("{name} and {first_name} are shards of different sweeps (the {what} differs)"));
        }
    }
    let sweep = first.sweep.clone();
    let mut owner: Vec<Option<(&str, Shard)>> = vec![None; sweep.len()];
    let mut cells: Vec<Option<Cell>> = vec![None; sweep.len()];
    for (name, f) in &parsed {
        for cell in &f.cells {
            let c = cell.j * sweep.x.n + cell.i;
            if let Some((other, s)) = owner[c] {
                return Err(format!(
                    "shards overlap: {name} (shard {}) and {other} (shard {}) both hold cell {c}",
                    f.shard.to_text(),
                    s.to_text()
                ));
            }
            owner[c] = Some((name, f.shard));
            cells[c] = Some(cell.clone());
        }
    }
    let missing: Vec<usize> = (0..sweep.len()).filter(|&c| cells[c].is_none()).collect();
    if !missing.is_empty() {
        return Err(missing_message(&parsed, &missing, sweep.len()));
    }
    Ok((sweep, cells.into_iter().flatten().collect()))
}

/// Which shards to add: by number when every file splits the grid into the same n, else the
/// first missing cells.
fn missing_message(parsed: &[(&str, ShardFile)], missing: &[usize], total: usize) -> String {
    let n = parsed[0].1.shard.count;
    let absent: Vec<String> = if parsed.iter().all(|(_, f)| f.shard.count == n) {
        (1..=n).filter(|&i| parsed.iter().all(|(_, f)| f.shard.index != i)).map(|i| format!("{i}/{n}")).collect()
    } else {
        vec![]
    };
    // With one n, a missing cell means a missing shard; shards of different n can leave gaps too.
    if absent.is_empty() {
        let shown: Vec<String> = missing.iter().take(5).map(usize::to_string).collect();
        let more = if missing.len() > 5 { ", …" } else { "" };
        format!("{} of {total} cells are in no shard (cells {}{more})", missing.len(), shown.join(", "))
    } else {
        format!("missing shard {} ({} of {total} cells are in no shard)", absent.join(", "), missing.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_parse_one_based_and_partition_the_cells() {
        assert_eq!(Shard::parse("2/8").unwrap(), Shard { index: 2, count: 8 });
        for bad in ["0/4", "5/4", "1/0", "x/y", "3", "1/2/3", "-1/4", ""] {
            assert!(Shard::parse(bad).unwrap_err().contains("1-based"), "{bad}");
        }
        for (total, n) in [(12, 3), (12, 5), (3, 7), (1, 1)] {
            let mut all: Vec<usize> = (1..=n).flat_map(|i| Shard { index: i, count: n }.cells(total)).collect();
            all.sort();
            assert_eq!(all, (0..total).collect::<Vec<_>>(), "{total} cells in {n} shards");
        }
        assert_eq!(Shard { index: 2, count: 3 }.cells(12), vec![1, 4, 7, 10]);
        assert!(Shard { index: 5, count: 7 }.cells(3).is_empty());
    }
}

//! Parameter sweeps: a grid over two numeric keys of the vocabulary, every cell one
//! `playground run` of its scenario (same code, bit-identical summary).
//!
//! An axis is written `key=lo:hi:log|lin:n`, e.g. `tau=0.5:10:log:24`; the browser permalink
//! carries `sweep=tau:0.5:10:log:24,alpha:0.001:0.1:log:24`.

use crate::sim::algorithm::AlgorithmKind;
use crate::sim::scenario::{fmt_f64, key, Key, Kind, Scenario};
use crate::sim::{Ensemble, Summary};

/// Most cells along one axis.
pub const MAX_CELLS_PER_AXIS: usize = 100;

/// One swept key and its values.
#[derive(Clone, Debug, PartialEq)]
pub struct Axis {
    pub key: &'static str,
    pub lo: f64,
    pub hi: f64,
    pub log: bool,
    pub n: usize,
}

fn spec(name: &str) -> Result<&'static Key, String> {
    let k = key(name).ok_or_else(|| format!("sweep axis {name:?}: unknown key"))?;
    match k.kind {
        Kind::Float { .. } | Kind::Int { .. } if k.name != "v" => Ok(k),
        _ => Err(format!("sweep axis {name}: not a numeric key")),
    }
}

impl Axis {
    /// Parses `key=lo:hi:log|lin:n` (also `key:lo:hi:…`). Values must be in the key's range; a
    /// log axis needs lo > 0.
    pub fn parse(text: &str) -> Result<Axis, String> {
        let (name, rest) =
            text.split_once(['=', ':']).ok_or_else(|| format!("sweep axis {text:?}: expected key=lo:hi:log|lin:n"))?;
        let k = spec(name.trim())?;
        let parts: Vec<&str> = rest.split(':').collect();
        if parts.len() != 4 {
            return Err(format!("sweep axis {text:?}: expected key=lo:hi:log|lin:n"));
        }
        let num = |s: &str| s.trim().parse::<f64>().ok().filter(|v| v.is_finite());
        let lo = num(parts[0]).ok_or_else(|| format!("sweep axis {name}: lo {:?} is not a number", parts[0]))?;
        let hi = num(parts[1]).ok_or_else(|| format!("sweep axis {name}: hi {:?} is not a number", parts[1]))?;
        let log = match parts[2] {
            "log" => true,
            "lin" | "linear" => false,
            other => return Err(format!("sweep axis {name}: scale {other:?} must be log or lin")),
        };
        let n: usize = parts[3]
            .trim()
            .parse()
            .ok()
            .filter(|n| (1..=MAX_CELLS_PER_AXIS).contains(n))
            .ok_or_else(|| format!("sweep axis {name}: n {:?} must be 1 … {MAX_CELLS_PER_AXIS}", parts[3]))?;
        let (min, max) = match k.kind {
            Kind::Float { min, max, .. } => (min, max),
            Kind::Int { min, max } => (min as f64, max as f64),
            _ => unreachable!("checked numeric"),
        };
        for v in [lo, hi] {
            if v < min || v > max {
                return Err(format!("sweep axis {name}: {} out of range (allowed: {})", fmt_f64(v), k.allowed()));
            }
        }
        if log && (lo <= 0.0 || hi <= 0.0) {
            return Err(format!("sweep axis {name}: a log axis needs positive bounds"));
        }
        Ok(Axis { key: k.name, lo, hi, log, n })
    }

    /// The `i`-th value (integers rounded for integer keys).
    pub fn value(&self, i: usize) -> f64 {
        let t = if self.n == 1 { 0.0 } else { i as f64 / (self.n - 1) as f64 };
        let v = if self.log { self.lo * (self.hi / self.lo).powf(t) } else { self.lo + (self.hi - self.lo) * t };
        match spec(self.key).map(|k| k.kind) {
            Ok(Kind::Int { .. }) => v.round(),
            _ => v,
        }
    }

    /// All values.
    pub fn values(&self) -> Vec<f64> {
        (0..self.n).map(|i| self.value(i)).collect()
    }

    /// The text form `key=lo:hi:log:n`.
    pub fn to_text(&self) -> String {
        format!(
            "{}={}:{}:{}:{}",
            self.key,
            fmt_f64(self.lo),
            fmt_f64(self.hi),
            if self.log { "log" } else { "lin" },
            self.n
        )
    }
}

/// A two-key sweep of a base scenario.
#[derive(Clone, Debug, PartialEq)]
pub struct Sweep {
    pub base: Scenario,
    pub x: Axis,
    pub y: Axis,
}

/// The result of one cell.
#[derive(Clone, Debug)]
pub struct Cell {
    pub i: usize,
    pub j: usize,
    pub scenario: Scenario,
    pub summary: Summary,
}

impl Cell {
    /// Tail loss of algorithm `a` (its expected-dynamic track if it runs in both forms), `None`
    /// when it does not run or diverged.
    pub fn tail_loss(&self, a: AlgorithmKind) -> Option<f64> {
        let key = a.key();
        self.summary
            .algorithms
            .iter()
            .find(|s| s.algorithm == key)
            .or_else(|| self.summary.algorithms.iter().find(|s| s.algorithm.starts_with(key)))
            .filter(|s| !s.diverged && s.tail_loss.is_finite())
            .map(|s| s.tail_loss)
    }

    /// Whether algorithm `a` diverged in this cell.
    pub fn diverged(&self, a: AlgorithmKind) -> bool {
        self.summary.algorithms.iter().any(|s| s.algorithm.starts_with(a.key()) && s.diverged)
    }

    /// Tiki-Taka's tail loss over Analog SGD's.
    pub fn ratio(&self) -> Option<f64> {
        Some(self.tail_loss(AlgorithmKind::TikiTaka)? / self.tail_loss(AlgorithmKind::Analog)?)
    }
}

impl Sweep {
    /// A sweep of `base` over two different keys that apply to it.
    pub fn new(base: Scenario, x: Axis, y: Axis) -> Result<Sweep, String> {
        if x.key == y.key {
            return Err(format!("sweep axes must differ (both are {})", x.key));
        }
        for a in [&x, &y] {
            let k = spec(a.key)?;
            if !(k.applies)(&base) {
                return Err(format!("sweep axis {}: the key does not apply to this scenario", a.key));
            }
        }
        Ok(Sweep { base, x, y })
    }

    /// Number of cells.
    pub fn len(&self) -> usize {
        self.x.n * self.y.n
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// (i, j) of the cell with linear index `c` (row-major in y, so rows fill bottom to top).
    pub fn index(&self, c: usize) -> (usize, usize) {
        (c % self.x.n, c / self.x.n)
    }

    /// The scenario of cell (i, j): the base with the two keys set, in canonical form.
    pub fn cell_scenario(&self, i: usize, j: usize) -> Scenario {
        let mut s = self.base.clone();
        for (axis, idx) in [(&self.x, i), (&self.y, j)] {
            let k = key(axis.key).expect("axis keys are known");
            k.set_text(&mut s, &fmt_f64(axis.value(idx))).expect("axis values are in range");
        }
        Scenario::parse(&s.to_query()).expect("cell scenarios are valid")
    }

    /// Runs cell (i, j) exactly as `playground run` does.
    pub fn run_cell(&self, i: usize, j: usize) -> Cell {
        let scenario = self.cell_scenario(i, j);
        let mut e = Ensemble::new(&scenario);
        e.run_to_end();
        Cell { i, j, summary: e.summary(), scenario }
    }

    /// Runs every cell on `threads` threads (natively); cells come back in index order.
    pub fn run_all(&self, threads: usize) -> Vec<Cell> {
        let n = self.len();
        let threads = threads.clamp(1, n.max(1));
        let next = std::sync::atomic::AtomicUsize::new(0);
        let mut cells: Vec<Cell> = std::thread::scope(|scope| {
            let workers: Vec<_> = (0..threads)
                .map(|_| {
                    scope.spawn(|| {
                        let mut done = Vec::new();
                        loop {
                            let c = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                            if c >= n {
                                return done;
                            }
                            let (i, j) = self.index(c);
                            done.push(self.run_cell(i, j));
                        }
                    })
                })
                .collect();
            workers.into_iter().flat_map(|w| w.join().expect("sweep worker")).collect()
        });
        cells.sort_by_key(|c| c.j * self.x.n + c.i);
        cells
    }

    /// The grid as CSV: the two keys, each algorithm's tail loss and divergence, and TT/Analog.
    pub fn csv(&self, cells: &[Cell]) -> String {
        let algos: Vec<AlgorithmKind> = AlgorithmKind::ALL.into_iter().filter(|a| self.base.runs(*a)).collect();
        let mut out = format!("{},{}", self.x.key, self.y.key);
        for a in &algos {
            out.push_str(&format!(",{k}_tail_loss,{k}_diverged", k = a.key()));
        }
        out.push_str(",tt_over_analog\n");
        for c in cells {
            out.push_str(&format!("{},{}", fmt_f64(self.x.value(c.i)), fmt_f64(self.y.value(c.j))));
            for a in &algos {
                let v = c.tail_loss(*a).map_or(String::new(), |v| format!("{v:e}"));
                out.push_str(&format!(",{v},{}", c.diverged(*a)));
            }
            let r = c.ratio().map_or(String::new(), |v| format!("{v:e}"));
            out.push_str(&format!(",{r}\n"));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn axes_parse_and_reject_with_reasons() {
        let a = Axis::parse("tau=0.5:10:log:24").unwrap();
        assert_eq!(a.values().len(), 24);
        assert!((a.value(0) - 0.5).abs() < 1e-15 && (a.value(23) - 10.0).abs() < 1e-12);
        assert_eq!(Axis::parse(&a.to_text()).unwrap(), a);
        assert_eq!(Axis::parse("every=1:10:lin:4").unwrap().values(), vec![1.0, 4.0, 7.0, 10.0]);
        for (bad, needle) in [
            ("nope=1:2:lin:3", "unknown key"),
            ("problem=1:2:lin:3", "not a numeric key"),
            ("tau=0:2:log:3", "out of range"),
            ("sp=-1:1:log:3", "positive"),
            ("tau=1:2:cubic:3", "log or lin"),
            ("tau=1:2:lin:0", "n"),
            ("tau=1:2", "expected"),
        ] {
            let e = Axis::parse(bad).unwrap_err();
            assert!(e.contains(needle), "{bad}: {e}");
        }
        let base = Scenario::parse("device=ideal").unwrap();
        let e = Sweep::new(base, Axis::parse("tau=1:2:lin:2").unwrap(), Axis::parse("alpha=0.1:0.2:lin:2").unwrap());
        assert!(e.unwrap_err().contains("does not apply"));
    }
}

//! Bounded-memory recording of arbitrarily long runs.
//!
//! A [`History`] keeps one scalar series (e.g. f − f*) two ways: the most recent `window` values
//! at full resolution, and the whole run as at most `2·capacity` [`Bucket`]s that each summarise a
//! run of consecutive steps by min, max, first, last and sum. When the buckets fill up, neighbours
//! merge and the bucket length doubles, so memory stays fixed however long the run is, and a plot
//! can draw any zoom level with ≤ 4 points per pixel column without losing spikes (M4 decimation).

use std::collections::VecDeque;

/// A summary of the consecutive steps `start .. start + len`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Bucket {
    pub start: u64,
    pub len: u64,
    pub min: f64,
    pub max: f64,
    pub first: f64,
    pub last: f64,
    pub sum: f64,
}

impl Bucket {
    fn single(step: u64, v: f64) -> Self {
        Self { start: step, len: 1, min: v, max: v, first: v, last: v, sum: v }
    }
    fn absorb(&mut self, v: f64) {
        self.len += 1;
        self.min = self.min.min(v);
        self.max = self.max.max(v);
        self.last = v;
        self.sum += v;
    }
    fn merge(a: &Bucket, b: &Bucket) -> Bucket {
        Bucket {
            start: a.start,
            len: a.len + b.len,
            min: a.min.min(b.min),
            max: a.max.max(b.max),
            first: a.first,
            last: b.last,
            sum: a.sum + b.sum,
        }
    }
    /// Mean of the values in the bucket.
    pub fn mean(&self) -> f64 {
        self.sum / self.len as f64
    }
}

/// One scalar series over a run, in bounded memory.
#[derive(Clone, Debug)]
pub struct History {
    buckets: Vec<Bucket>,
    bucket_len: u64,
    capacity: usize,
    recent: VecDeque<f64>,
    window: usize,
    next_step: u64,
}

impl History {
    /// Keeps `window` recent values exactly and at most `2·capacity` buckets (capacity ≥ 2).
    pub fn new(window: usize, capacity: usize) -> Self {
        let capacity = capacity.max(2);
        Self {
            buckets: Vec::with_capacity(2 * capacity + 1),
            bucket_len: 1,
            capacity,
            recent: VecDeque::with_capacity(window + 1),
            window,
            next_step: 0,
        }
    }

    /// Appends the value of the next step.
    #[inline]
    pub fn push(&mut self, v: f64) {
        let step = self.next_step;
        self.next_step += 1;
        if self.window > 0 {
            if self.recent.len() == self.window {
                self.recent.pop_front();
            }
            self.recent.push_back(v);
        }
        match self.buckets.last_mut() {
            Some(b) if b.len < self.bucket_len => b.absorb(v),
            _ => {
                self.buckets.push(Bucket::single(step, v));
                if self.buckets.len() > 2 * self.capacity {
                    self.coarsen();
                }
            }
        }
    }

    fn coarsen(&mut self) {
        let merged: Vec<Bucket> =
            self.buckets.chunks(2).map(|c| if c.len() == 2 { Bucket::merge(&c[0], &c[1]) } else { c[0] }).collect();
        self.buckets = merged;
        self.bucket_len *= 2;
    }

    /// Number of values pushed.
    pub fn len(&self) -> u64 {
        self.next_step
    }
    /// True before the first push.
    pub fn is_empty(&self) -> bool {
        self.next_step == 0
    }
    /// The whole run as buckets, oldest first.
    pub fn buckets(&self) -> &[Bucket] {
        &self.buckets
    }
    /// The steps one bucket covers at present.
    pub fn bucket_len(&self) -> u64 {
        self.bucket_len
    }
    /// The recent values at full resolution, oldest first; the first is step `len() − recent().len()`.
    pub fn recent(&self) -> &VecDeque<f64> {
        &self.recent
    }
    /// The value at `step` if it is in the recent window, else the mean of its bucket.
    pub fn value_at(&self, step: u64) -> Option<f64> {
        if step >= self.next_step {
            return None;
        }
        let recent_start = self.next_step - self.recent.len() as u64;
        if step >= recent_start {
            return self.recent.get((step - recent_start) as usize).copied();
        }
        let i = self.buckets.partition_point(|b| b.start + b.len <= step);
        self.buckets.get(i).map(Bucket::mean)
    }

    /// The last value pushed.
    pub fn last(&self) -> Option<f64> {
        self.recent.back().copied().or_else(|| self.buckets.last().map(|b| b.last))
    }

    /// M4 decimation of steps `[from, to)` into `columns` pixel columns: per column the
    /// (first step, first, min, max, last) of the values it covers, using full-resolution data
    /// where it is available and buckets elsewhere. Columns with no data are skipped.
    pub fn columns(&self, from: u64, to: u64, columns: usize, out: &mut Vec<Column>) {
        let span = to.saturating_sub(from).max(1) as f64;
        let col_of = |step: u64| (((step - from) as f64 / span) * columns as f64).floor() as usize;
        self.columns_by(from, to, columns, col_of, out);
    }

    /// As [`History::columns`], with the pixel column of a step given by `col_of` (monotone;
    /// e.g. a log-x axis).
    pub fn columns_by(&self, from: u64, to: u64, columns: usize, col_of: impl Fn(u64) -> usize, out: &mut Vec<Column>) {
        out.clear();
        if to <= from || columns == 0 || self.is_empty() {
            return;
        }
        let recent_start = self.next_step - self.recent.len() as u64;
        let mut push = |step: u64, first: f64, min: f64, max: f64, last: f64, sum: f64, count: u64| {
            if step < from || step >= to {
                return;
            }
            let c = col_of(step).min(columns - 1);
            match out.last_mut() {
                Some(col) if col.column == c => {
                    col.min = col.min.min(min);
                    col.max = col.max.max(max);
                    col.last = last;
                    col.sum += sum;
                    col.count += count;
                }
                _ => out.push(Column { column: c, step, first, min, max, last, sum, count }),
            }
        };
        let mut covered_to = from;
        for b in &self.buckets {
            if b.start >= recent_start || b.start >= to {
                break;
            }
            if b.start + b.len <= from {
                continue;
            }
            push(b.start.max(from), b.first, b.min, b.max, b.last, b.sum, b.len);
            covered_to = b.start + b.len;
        }
        for (i, &v) in self.recent.iter().enumerate() {
            let step = recent_start + i as u64;
            if step >= covered_to {
                push(step, v, v, v, v, v, 1);
            }
        }
    }
}

/// The last value of a vector series in each bucket, on the bucket grid of a [`History`] of the
/// same capacity pushed at the same steps: bucket `r` here ends at the step where
/// `History::buckets()[r]` ends, `dim` values per bucket, at most `2·capacity` buckets. Only
/// completed buckets are stored (a copy of `dim` values once per bucket, so a push is a counter
/// in the steady state); the open bucket's end is the latest value, which the owner holds and
/// passes to [`BucketEnds::end`]. The history table's averaged-iterate columns `avg_w…`.
#[derive(Clone, Debug)]
pub struct BucketEnds {
    dim: usize,
    /// `dim` values per completed bucket, oldest first.
    ends: Vec<f64>,
    bucket_len: u64,
    /// Steps in the open bucket (0: none is open).
    open_len: u64,
    capacity: usize,
}

impl BucketEnds {
    /// Ends of `dim`-vectors on the grid of `History::new(_, capacity)`.
    pub fn new(dim: usize, capacity: usize) -> Self {
        let capacity = capacity.max(2);
        Self { dim, ends: Vec::with_capacity(dim * 2 * capacity), bucket_len: 1, open_len: 0, capacity }
    }

    /// Records the next step, whose value is `v`.
    #[inline]
    pub fn push(&mut self, v: &[f64]) {
        if self.open_len == 0 && self.completed() == 2 * self.capacity {
            // Where the History starts its (2·capacity + 1)-th bucket and merges neighbours.
            self.coarsen();
        }
        self.open_len += 1;
        if self.open_len == self.bucket_len {
            self.ends.extend_from_slice(v);
            self.open_len = 0;
        }
    }

    /// Merges neighbours as [`History`] does: merged bucket `i` is old buckets `2i` and `2i + 1`
    /// and ends where the second ends.
    #[cold]
    fn coarsen(&mut self) {
        let (dim, kept) = (self.dim, self.completed() / 2);
        for i in 0..kept {
            self.ends.copy_within((2 * i + 1) * dim..(2 * i + 2) * dim, i * dim);
        }
        self.ends.truncate(kept * dim);
        self.bucket_len *= 2;
    }

    fn completed(&self) -> usize {
        self.ends.len().checked_div(self.dim).unwrap_or(0)
    }

    /// Number of buckets (the open one included).
    pub fn len(&self) -> usize {
        self.completed() + usize::from(self.open_len > 0)
    }
    /// True before the first push.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// The value at the last step of bucket `r`; `latest` is the value last pushed (the open
    /// bucket's end).
    pub fn end<'a>(&'a self, r: usize, latest: &'a [f64]) -> Option<&'a [f64]> {
        match r.cmp(&self.completed()) {
            std::cmp::Ordering::Less => Some(&self.ends[r * self.dim..(r + 1) * self.dim]),
            std::cmp::Ordering::Equal if self.open_len > 0 => Some(latest),
            _ => None,
        }
    }
}

/// One decimated pixel column of a [`History`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Column {
    pub column: usize,
    pub step: u64,
    pub first: f64,
    pub min: f64,
    pub max: f64,
    pub last: f64,
    /// Sum and number of the values the column covers (for the mean).
    pub sum: f64,
    pub count: u64,
}

impl Column {
    /// Mean of the values in the column.
    pub fn mean(&self) -> f64 {
        self.sum / self.count as f64
    }
}

/// A weight trajectory in bounded memory: the recent `window` weight vectors exactly, and the
/// whole path sampled at a stride that doubles whenever `capacity` samples are held.
#[derive(Clone, Debug)]
pub struct Trail {
    dim: usize,
    /// Ring of `window` weight vectors; `head` is the slot the next push overwrites.
    ring: Vec<f64>,
    head: usize,
    filled: usize,
    window: usize,
    path: Vec<f64>,
    stride: u64,
    capacity: usize,
    steps: u64,
}

impl Trail {
    pub fn new(dim: usize, window: usize, capacity: usize) -> Self {
        Self {
            dim,
            ring: vec![0.0; dim * window],
            head: 0,
            filled: 0,
            window,
            path: Vec::new(),
            stride: 1,
            capacity: capacity.max(2),
            steps: 0,
        }
    }

    #[inline]
    pub fn push(&mut self, w: &[f64]) {
        if self.window > 0 {
            let at = self.head * self.dim;
            self.ring[at..at + self.dim].copy_from_slice(w);
            self.head = (self.head + 1) % self.window;
            self.filled = (self.filled + 1).min(self.window);
        }
        if self.steps.is_multiple_of(self.stride) {
            self.path.extend_from_slice(w);
            if self.path.len() / self.dim > self.capacity {
                let dim = self.dim;
                let kept: Vec<f64> = self.path.chunks(dim).step_by(2).flatten().copied().collect();
                self.path = kept;
                self.stride *= 2;
            }
        }
        self.steps += 1;
    }

    /// How many recent weight vectors are held.
    pub fn recent_len(&self) -> usize {
        self.filled
    }
    /// The `i`-th recent weight vector, oldest first (`i < recent_len()`).
    pub fn recent(&self, i: usize) -> &[f64] {
        let slot = (self.head + self.window - self.filled + i) % self.window;
        &self.ring[slot * self.dim..(slot + 1) * self.dim]
    }
    /// The whole path at stride [`Trail::stride`], flattened.
    pub fn path(&self) -> &[f64] {
        &self.path
    }
    pub fn stride(&self) -> u64 {
        self.stride
    }
    pub fn dim(&self) -> usize {
        self.dim
    }
}

/// Running means over the tail of a run (steps ≥ `start`) and saturation statistics over all steps.
#[derive(Clone, Debug)]
pub struct TailStats {
    /// First step included in the tail means.
    pub start: u64,
    pub count: u64,
    pub loss_sum: f64,
    pub grad_sq_sum: f64,
    pub w_sum: Vec<f64>,
    /// Σ_k s_k²/(1 − s_k²) with s_k = ‖W_k‖∞/τ, for S_K (paper Thm 2).
    pub s_sum: f64,
    pub s_count: u64,
    /// max_k ‖W_k‖∞/τ, the saturation degree.
    pub max_saturation: f64,
}

impl TailStats {
    pub fn new(dim: usize, start: u64) -> Self {
        Self {
            start,
            count: 0,
            loss_sum: 0.0,
            grad_sq_sum: 0.0,
            w_sum: vec![0.0; dim],
            s_sum: 0.0,
            s_count: 0,
            max_saturation: 0.0,
        }
    }

    /// Records step `k` (weights W_k, loss and squared gradient norm at W_k); `tau` for saturation.
    #[inline]
    pub fn push(&mut self, k: u64, w: &[f64], loss: f64, grad_sq: f64, tau: f64) {
        if k >= self.start {
            self.count += 1;
            self.loss_sum += loss;
            self.grad_sq_sum += grad_sq;
            for (s, x) in self.w_sum.iter_mut().zip(w) {
                *s += x;
            }
        }
        if tau.is_finite() {
            let s = w.iter().fold(0.0f64, |m, x| m.max(x.abs())) / tau;
            self.max_saturation = self.max_saturation.max(s);
            self.s_sum += if s < 1.0 { s * s / (1.0 - s * s) } else { f64::INFINITY };
            self.s_count += 1;
        }
    }

    pub fn loss_mean(&self) -> f64 {
        self.loss_sum / self.count as f64
    }
    pub fn grad_sq_mean(&self) -> f64 {
        self.grad_sq_sum / self.count as f64
    }
    pub fn w_mean(&self) -> Vec<f64> {
        self.w_sum.iter().map(|s| s / self.count as f64).collect()
    }
    /// S_K = (1/K) Σ (‖W_k‖∞²/τ²)/(1 − ‖W_k‖∞²/τ²); 0 for an unbounded device.
    pub fn s_k(&self) -> f64 {
        if self.s_count == 0 {
            0.0
        } else {
            self.s_sum / self.s_count as f64
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn history_memory_is_bounded_and_buckets_cover_every_step() {
        let mut h = History::new(100, 64);
        for k in 0..1_000_000u64 {
            h.push((k % 1000) as f64);
        }
        assert!(h.buckets().len() <= 128);
        let covered: u64 = h.buckets().iter().map(|b| b.len).sum();
        assert_eq!(covered, 1_000_000);
        let max = h.buckets().iter().fold(f64::MIN, |m, b| m.max(b.max));
        assert_eq!(max, 999.0);
        assert_eq!(h.recent().len(), 100);
        assert_eq!(h.last(), Some(999.0));
    }

    #[test]
    fn columns_envelope_contains_every_value() {
        let mut h = History::new(50, 16);
        let values: Vec<f64> = (0..5000).map(|k| ((k * 7919) % 1013) as f64).collect();
        for &v in &values {
            h.push(v);
        }
        let mut cols = Vec::new();
        h.columns(0, 5000, 40, &mut cols);
        assert!(cols.len() <= 40);
        let lo = cols.iter().fold(f64::MAX, |m, c| m.min(c.min));
        let hi = cols.iter().fold(f64::MIN, |m, c| m.max(c.max));
        assert_eq!(lo, values.iter().cloned().fold(f64::MAX, f64::min));
        assert_eq!(hi, values.iter().cloned().fold(f64::MIN, f64::max));
    }

    #[test]
    fn bucket_ends_follow_the_history_grid_and_hold_each_buckets_last_value() {
        for steps in [0u64, 1, 7, 8, 9, 15, 16, 17, 24, 25, 33, 100, 1000, 4096, 4097] {
            let (mut h, mut e, mut latest) = (History::new(4, 4), BucketEnds::new(2, 4), [0.0; 2]);
            for k in 0..steps {
                let v = (k as f64 * 0.37).sin();
                h.push(v);
                latest = [v, -(k as f64)];
                e.push(&latest);
            }
            assert_eq!(e.len(), h.buckets().len(), "{steps} steps");
            assert_eq!(e.is_empty(), h.is_empty());
            for (r, b) in h.buckets().iter().enumerate() {
                let end = e.end(r, &latest).unwrap();
                assert_eq!(end, &[b.last, -((b.start + b.len - 1) as f64)], "{steps} steps, bucket {r}");
            }
            assert!(e.end(h.buckets().len(), &latest).is_none());
        }
    }

    #[test]
    fn trail_keeps_bounded_path() {
        let mut t = Trail::new(2, 10, 100);
        for k in 0..100_000 {
            t.push(&[k as f64, -(k as f64)]);
        }
        assert!(t.path().len() / 2 <= 100);
        assert_eq!(t.recent_len(), 10);
        assert_eq!(t.recent(9), &[99_999.0, -99_999.0]);
        assert_eq!(t.recent(0), &[99_990.0, -99_990.0]);
        assert_eq!(t.path()[0], 0.0);
    }
}

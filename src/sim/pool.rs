//! The one thread pool of the native command line (sweeps, reproduce, `run --threads`): scoped
//! threads that each take the next item when they are free, since items differ a lot in length.
//! The results come back in input order, so the output does not depend on the thread count.

use std::sync::atomic::{AtomicUsize, Ordering};

/// `job` applied to every item on at most `threads` threads; results in input order. One thread
/// (or one item) runs on the caller's thread, which is also what the browser's wasm build does.
pub fn par_map<T: Sync, R: Send>(items: &[T], threads: usize, job: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = threads.clamp(1, items.len().max(1));
    if threads == 1 {
        return items.iter().map(job).collect();
    }
    let next = AtomicUsize::new(0);
    let mut done: Vec<(usize, R)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    let mut mine = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(item) = items.get(i) else { return mine };
                        mine.push((i, job(item)));
                    }
                })
            })
            .collect();
        // A panicking job is a bug: carry its panic to the caller rather than lose its item.
        workers.into_iter().flat_map(|w| w.join().unwrap_or_else(|e| std::panic::resume_unwind(e))).collect()
    });
    done.sort_by_key(|(i, _)| *i);
    done.into_iter().map(|(_, r)| r).collect()
}

/// `job` applied to every item in place, on at most `threads` threads.
pub fn par_for_each<T: Send>(items: &mut [T], threads: usize, job: impl Fn(&mut T) + Sync) {
    let threads = threads.clamp(1, items.len().max(1));
    if threads == 1 {
        items.iter_mut().for_each(job);
        return;
    }
    let slots: Vec<std::sync::Mutex<&mut T>> = items.iter_mut().map(std::sync::Mutex::new).collect();
    par_map(&slots, threads, |slot| job(&mut slot.lock().unwrap_or_else(|e| e.into_inner())));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_come_back_in_input_order_whatever_the_thread_count() {
        let items: Vec<u64> = (0..57).collect();
        let one = par_map(&items, 1, |x| x * x + 1);
        for threads in [2, 3, 8, 100] {
            assert_eq!(par_map(&items, threads, |x| x * x + 1), one);
        }
        let mut v = items.clone();
        par_for_each(&mut v, 4, |x| *x += 1);
        assert_eq!(v, (1..58).collect::<Vec<_>>());
        assert!(par_map(&[] as &[u64], 4, |x| *x).is_empty());
    }
}

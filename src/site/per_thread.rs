//! One value for each thread of rayon's pool, made when the thread first needs it: per-page
//! work handed out a page at a time (`with_max_len(1)`, so that no core waits for another's
//! run of pages at the end of a step) keeps its thread's warm state, a stemmer's cache of
//! words or a scratch buffer's memory, which `map_init` would make again for each run of
//! pages rayon hands out.

use std::sync::{Mutex, PoisonError};

pub struct PerThread<T>(Vec<Mutex<Option<T>>>);

impl<T> PerThread<T> {
    /// A slot for each of the pool's threads, and one shared by callers outside it.
    pub fn new() -> PerThread<T> {
        PerThread(
            (0..=rayon::current_num_threads())
                .map(|_| Mutex::new(None))
                .collect(),
        )
    }

    /// `f` with this thread's value, made by `make` the first time. A slot already held (`f`
    /// waiting in a nested rayon call that ran more of the same work on this thread) is not
    /// waited for: that work gets a value of its own, dropped after it.
    pub fn with<R>(&self, make: impl Fn() -> T, f: impl FnOnce(&mut T) -> R) -> R {
        let outside = self.0.len() - 1;
        let at = rayon::current_thread_index().map_or(outside, |i| i.min(outside));
        match self.0[at].try_lock() {
            Ok(mut slot) => f(slot.get_or_insert_with(make)),
            Err(std::sync::TryLockError::Poisoned(p)) => {
                f(PoisonError::into_inner(p).get_or_insert_with(make))
            }
            Err(std::sync::TryLockError::WouldBlock) => f(&mut make()),
        }
    }

    /// The values made, for what they gathered.
    #[cfg(test)]
    pub fn into_values(self) -> impl Iterator<Item = T> {
        self.0
            .into_iter()
            .filter_map(|m| m.into_inner().unwrap_or_else(PoisonError::into_inner))
    }
}

#[cfg(test)]
mod tests {
    use super::PerThread;
    use rayon::prelude::*;

    #[test]
    fn each_thread_keeps_its_value_across_items() {
        let made = std::sync::atomic::AtomicUsize::new(0);
        let slots: PerThread<Vec<usize>> = PerThread::new();
        let sum: usize = (0..1000usize)
            .into_par_iter()
            .with_max_len(1)
            .map(|i| {
                slots.with(
                    || {
                        made.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        Vec::new()
                    },
                    |seen| {
                        seen.push(i);
                        i
                    },
                )
            })
            .sum();
        assert_eq!(sum, 999 * 1000 / 2);
        // A value a thread, not one an item: every item was seen by exactly one value.
        let made = made.into_inner();
        assert!(
            made <= rayon::current_num_threads() + 1,
            "{made} values made"
        );
        let mut all: Vec<usize> = slots.into_values().flatten().collect();
        all.sort_unstable();
        assert_eq!(all, (0..1000).collect::<Vec<_>>());
    }
}

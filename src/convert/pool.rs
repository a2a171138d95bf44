//! Row vectors handed back by the thread that consumes them, so that the threads making rows
//! fill vectors that already have their room.
//!
//! A batch of flow records weighs about 1.3 MB. Made afresh for every batch, each one grew by
//! doubling (copying what it held at every step) into memory the kernel had to zero, and
//! was freed on another thread. On a flood of one-packet flows that was a few percent of
//! the run's CPU.

use std::sync::{Arc, Mutex, PoisonError};

/// Vectors kept for reuse at most (more are freed): enough for every batch in flight.
const KEPT: usize = 32;

/// A shared stock of empty vectors of `T` with room for `capacity` rows.
pub struct VecPool<T> {
    stock: Arc<Mutex<Vec<Vec<T>>>>,
    capacity: usize,
}

impl<T> Clone for VecPool<T> {
    fn clone(&self) -> Self {
        VecPool {
            stock: Arc::clone(&self.stock),
            capacity: self.capacity,
        }
    }
}

impl<T> VecPool<T> {
    /// An empty stock of vectors made with room for `capacity` rows.
    pub fn new(capacity: usize) -> Self {
        VecPool {
            stock: Arc::new(Mutex::new(Vec::new())),
            capacity,
        }
    }

    /// An empty vector: one given back, or a new one with the pool's room.
    pub fn take(&self) -> Vec<T> {
        let reused = self
            .stock
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .pop();
        reused.unwrap_or_else(|| Vec::with_capacity(self.capacity))
    }

    /// Hands `rows` back (emptied) for another batch.
    pub fn give(&self, mut rows: Vec<T>) {
        rows.clear();
        if rows.capacity() < self.capacity {
            return;
        }
        let mut stock = self.stock.lock().unwrap_or_else(PoisonError::into_inner);
        if stock.len() < KEPT {
            stock.push(rows);
        }
    }

    /// Swaps `rows` for an empty vector of the pool and returns what it held.
    pub fn swap_out(&self, rows: &mut Vec<T>) -> Vec<T> {
        std::mem::replace(rows, self.take())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_vector_given_back_is_reused_empty_with_its_room() {
        let pool = VecPool::<u64>::new(16);
        let mut v = pool.take();
        assert!(v.capacity() >= 16);
        v.extend(0..100);
        let ptr = v.as_ptr();
        pool.give(v);
        let again = pool.take();
        assert!(again.is_empty());
        assert_eq!(again.as_ptr(), ptr);
        assert!(again.capacity() >= 100);
    }

    #[test]
    fn small_vectors_are_not_kept_and_the_stock_is_bounded() {
        let pool = VecPool::<u8>::new(16);
        pool.give(Vec::with_capacity(4));
        assert_eq!(pool.stock.lock().unwrap().len(), 0);
        for _ in 0..KEPT + 5 {
            pool.give(Vec::with_capacity(16));
        }
        assert_eq!(pool.stock.lock().unwrap().len(), KEPT);
    }

    #[test]
    fn swap_out_leaves_a_vector_with_room() {
        let pool = VecPool::<u8>::new(8);
        let mut rows = vec![1, 2, 3];
        let full = pool.swap_out(&mut rows);
        assert_eq!(full, vec![1, 2, 3]);
        assert!(rows.is_empty() && rows.capacity() >= 8);
    }
}

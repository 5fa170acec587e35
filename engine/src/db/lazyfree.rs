//! Freeing big values in bounded steps (Redis's lazyfree).
//!
//! Dropping a collection of a million elements frees a million allocations:
//! tens of milliseconds during which no client is served. So a value that
//! leaves the keyspace (DEL, UNLINK, overwrite, expiry) with more than
//! [`LAZYFREE_THRESHOLD_ELEMENTS`] elements is not dropped on the spot: it
//! joins this queue, and each `tick` frees at most
//! [`LAZYFREE_ELEMENTS_PER_TICK`] elements of it (Redis frees such values on
//! its lazyfree thread; here the executor's tick does it, so the engine
//! stays single-threaded and a simulated run replays exactly). A queued
//! value is unreachable from the keyspace: it is only ever taken apart.
//!
//! [`LAZYFREE_THRESHOLD_ELEMENTS`]: crate::limits::LAZYFREE_THRESHOLD_ELEMENTS
//! [`LAZYFREE_ELEMENTS_PER_TICK`]: crate::limits::LAZYFREE_ELEMENTS_PER_TICK

use std::collections::VecDeque;

use super::Value;
use crate::limits::LAZYFREE_THRESHOLD_ELEMENTS;

/// Values waiting to be freed, each with its free cursor (where a hash
/// table's removal scan resumes).
#[derive(Debug, Default)]
pub struct LazyFree {
    queue: VecDeque<(Value, u64)>,
    /// Values freed through the queue since start (INFO `lazyfreed_objects`).
    pub freed_objects: u64,
}

impl LazyFree {
    /// Drops `value` now if it is small, or queues it.
    pub fn discard(&mut self, value: Value) {
        if value.elements() > LAZYFREE_THRESHOLD_ELEMENTS {
            self.queue.push_back((value, 0));
        }
    }

    /// Frees up to `budget_elements` elements of queued values, oldest first.
    pub fn step(&mut self, mut budget_elements: usize) {
        while budget_elements > 0 {
            let Some((value, cursor)) = self.queue.front_mut() else { return };
            if value.free_some(cursor, &mut budget_elements) {
                self.queue.pop_front();
                self.freed_objects += 1;
            }
        }
    }

    /// Values still queued (INFO `lazyfree_pending_objects`).
    pub fn pending(&self) -> usize {
        self.queue.len()
    }
}

impl Value {
    /// Elements the value holds: what freeing it costs (1 for a string).
    pub fn elements(&self) -> usize {
        match self {
            Value::Str(_) => 1,
            Value::List(l) => l.len(),
            Value::Hash(h) => h.len(),
            Value::Set(s) => s.len(),
            Value::ZSet(z) => z.len(),
        }
    }

    /// Frees up to `*budget` elements, counting them off `*budget`; true
    /// when what is left drops in O(1) (a few allocations). The value is
    /// left in a state fit only for more of this and then dropping.
    fn free_some(&mut self, cursor: &mut u64, budget: &mut usize) -> bool {
        match self {
            Value::Str(_) => true,
            Value::List(l) => l.free_some(budget),
            Value::Hash(h) => h.free_some(cursor, budget),
            Value::Set(s) => s.free_some(cursor, budget),
            Value::ZSet(z) => z.free_some(budget),
        }
    }
}

/// One bounded step of emptying a hash table: removal scans from `cursor`
/// until `*budget` elements are gone or the table is empty. Nothing is
/// inserted meanwhile, so the table keeps its size and one cursor cycle
/// visits every bucket.
pub fn free_dict_some<V>(dict: &mut super::dict::Dict<V>, cursor: &mut u64, budget: &mut usize) -> bool {
    while !dict.is_empty() && *budget > 0 {
        let before = dict.len();
        *cursor = dict.scan_remove(*cursor, |_, _| true, drop);
        // An empty bucket costs a visit too.
        *budget = budget.saturating_sub((before - dict.len()).max(1));
    }
    dict.is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::value::{End, HashLimits, HashValue, ListValue, ListpackLimits, SetValue, ZSetValue};
    use crate::limits::LAZYFREE_ELEMENTS_PER_TICK;

    fn big_values(n: usize) -> Vec<Value> {
        let mut list = ListValue::default();
        let mut hash = HashValue::default();
        let mut set = SetValue::Intset(Vec::new());
        let mut zset = ZSetValue::new(7, false);
        let hash_limits = HashLimits { entries_max: 0, value_max: 0, seed: 7 };
        let zset_limits = ListpackLimits { entries: 0, value_bytes: 0 };
        for i in 0..n {
            let m = format!("member:{i}");
            list.push(End::Tail, m.as_bytes());
            hash.set(m.as_bytes(), b"v", &hash_limits);
            set.add(m.as_bytes(), 0, 7);
            zset.insert(m.as_bytes(), i as f64, zset_limits);
        }
        vec![
            Value::List(Box::new(list)),
            Value::Hash(Box::new(hash)),
            Value::Set(Box::new(set)),
            Value::ZSet(Box::new(zset)),
        ]
    }

    #[test]
    fn a_big_value_is_freed_over_several_steps_and_a_small_one_at_once() {
        let mut lazy = LazyFree::default();
        for v in big_values(LAZYFREE_THRESHOLD_ELEMENTS) {
            lazy.discard(v);
        }
        assert_eq!(lazy.pending(), 0, "values at the threshold are dropped at once");
        let n = LAZYFREE_ELEMENTS_PER_TICK * 2 + 10;
        for v in big_values(n) {
            assert_eq!(v.elements(), n);
            lazy.discard(v);
        }
        assert_eq!(lazy.pending(), 4);
        let mut steps = 0;
        while lazy.pending() > 0 {
            lazy.step(LAZYFREE_ELEMENTS_PER_TICK);
            steps += 1;
            assert!(steps <= 4 * 3 + 1, "each step frees about its budget");
        }
        // Four values of a bit over two budgets each: at least eight steps.
        assert!(steps >= 8, "freed in {steps} steps: the budget is not respected");
        assert_eq!(lazy.freed_objects, 4);
    }

    #[test]
    fn the_keyspace_queues_what_del_overwrite_and_expiry_drop() {
        let mut db = crate::db::Db::new(3);
        let n = LAZYFREE_THRESHOLD_ELEMENTS + 1;
        let values = || big_values(n);
        for (i, v) in values().into_iter().enumerate() {
            db.set(format!("k{i}").as_bytes(), v, false);
        }
        assert!(db.remove(b"k0"));
        db.set(b"k1", Value::Str(crate::db::StrValue::from_int(1)), false);
        db.set_expire(b"k2", 10);
        db.active_expire_cycle(1_000, 1_000);
        assert!(db.lookup(b"k2", 1_000).is_none());
        assert_eq!(db.lazy_free_counts(), (3, 0), "DEL, SET over, and expiry each queue a big value");
        db.lazy_free_step(LAZYFREE_ELEMENTS_PER_TICK);
        assert_eq!(db.lazy_free_counts(), (0, 3));
    }
}

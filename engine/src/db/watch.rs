//! The database's half of WATCH: which keys of this database clients
//! watch, and the "key modified" signal (Redis `signalModifiedKey` →
//! `touchWatchedKey`) every change of the keyspace raises.
//!
//! # Why here
//! Every write, whatever command makes it (a handler, expiry, a served
//! blocking pop, FLUSHDB, RENAME, MOVE, COPY...), goes through a few [`Db`]
//! primitives: `set`, `remove`, `take_entry`/`put_entry`, `set_expire`,
//! `persist`, `clear`, and `lookup_mut` for changes made in place. Each of
//! them calls [`WatchedKeys::note`] (one `is_empty` test when nobody
//! watches), so no command needs code of its own for WATCH. The executor
//! (`exec/multi.rs`) drains the notes after each command and marks the
//! watching clients (Redis `CLIENT_DIRTY_CAS`).
//!
//! `lookup_mut` hands out a value the caller *may* change: it notes a
//! candidate, which becomes a touch only if the command counted a change
//! (Redis's commands call `signalModifiedKey` exactly where they bump
//! `server.dirty`; a WRONGTYPE reply or an SREM of a missing member touches
//! nothing).
//!
//! The watch lists stay with the database *index*, as Redis's
//! `db->watched_keys` do: [`swap_dbs`] swaps contents only.

use std::collections::HashMap;

use foldhash::fast::FixedState;

use super::Db;
use crate::ConnId;

/// One note: a watched key changed. `swap_absent`: raised by SWAPDB for a
/// key this database did not hold before the swap (Redis treats a missing
/// key replaced by an already expired one as no change).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Touch {
    pub key: Vec<u8>,
    pub swap_absent: bool,
}

/// The watched keys of one database and the changes not yet handed over.
#[derive(Debug, Default)]
pub struct WatchedKeys {
    /// Key -> clients watching it, in the order they started.
    clients: HashMap<Vec<u8>, Vec<ConnId>, FixedState>,
    touched: Vec<Touch>,
    candidates: Vec<Vec<u8>>,
}

impl WatchedKeys {
    /// Whether any client watches a key of this database.
    #[inline]
    pub fn is_active(&self) -> bool {
        !self.clients.is_empty()
    }

    /// Redis `signalModifiedKey`: `key` changed (or was removed).
    #[inline]
    pub fn note(&mut self, key: &[u8]) {
        if !self.clients.is_empty() && self.clients.contains_key(key) {
            self.touched.push(Touch { key: key.to_vec(), swap_absent: false });
        }
    }

    /// `key` was handed out for a change in place (see the module doc).
    #[inline]
    pub fn note_candidate(&mut self, key: &[u8]) {
        if !self.clients.is_empty() && self.clients.contains_key(key) {
            self.candidates.push(key.to_vec());
        }
    }

    /// `key` was handed out by `lookup_mut` for a change that is not a
    /// write (an encoding conversion): it touches nothing.
    pub fn drop_candidate(&mut self, key: &[u8]) {
        self.candidates.retain(|k| k.as_slice() != key);
    }

    /// The command is over: its candidates become touches if it counted a
    /// change (`changed`), and are forgotten otherwise.
    pub fn settle_candidates(&mut self, changed: bool) {
        if changed {
            self.touched.extend(self.candidates.drain(..).map(|key| Touch { key, swap_absent: false }));
        } else {
            self.candidates.clear();
        }
    }

    /// The touches since the last call.
    pub fn take_touched(&mut self) -> Vec<Touch> {
        std::mem::take(&mut self.touched)
    }

    /// Whether touches wait to be handed over.
    pub fn has_touched(&self) -> bool {
        !self.touched.is_empty()
    }

    /// The clients watching `key`.
    pub fn watchers(&self, key: &[u8]) -> &[ConnId] {
        self.clients.get(key).map_or(&[], |v| v.as_slice())
    }

    /// `conn` starts watching `key` (the caller checks it did not already).
    pub fn add(&mut self, key: &[u8], conn: ConnId) {
        self.clients.entry(key.to_vec()).or_default().push(conn);
    }

    /// `conn` stops watching `key`.
    pub fn remove(&mut self, key: &[u8], conn: ConnId) {
        if let Some(list) = self.clients.get_mut(key) {
            list.retain(|&c| c != conn);
            if list.is_empty() {
                self.clients.remove(key);
            }
        }
        if self.clients.is_empty() {
            self.touched.clear();
            self.candidates.clear();
        }
    }

    /// Every watched key, for FLUSHDB and SWAPDB.
    fn keys(&self) -> impl Iterator<Item = &Vec<u8>> {
        self.clients.keys()
    }

    /// Watched (key, watcher) pairs, for invariant checks.
    pub fn pairs(&self) -> impl Iterator<Item = (&[u8], ConnId)> {
        self.clients.iter().flat_map(|(k, v)| v.iter().map(move |&c| (k.as_slice(), c)))
    }
}

impl Db {
    /// FLUSHDB's part (Redis `touchAllWatchedKeysInDb(db, NULL)`): every
    /// watched key the database holds (expired or not) is touched.
    pub(super) fn note_all_held(&mut self) {
        if !self.watch.is_active() {
            return;
        }
        let held: Vec<Vec<u8>> = self.watch.keys().filter(|k| self.keys.get(k).is_some()).cloned().collect();
        for key in held {
            self.watch.touched.push(Touch { key, swap_absent: false });
        }
    }
}

/// SWAPDB: swaps the contents of databases `a` and `b`, the watch lists
/// staying with their index; a watched key held by either side before the
/// swap is touched (Redis `touchAllWatchedKeysInDb(a, b)` both ways).
/// `SWAPDB i i` changes nothing and touches nothing.
pub fn swap_dbs(dbs: &mut [Db], a: usize, b: usize) {
    // Redis returns before touching anything when both are one database.
    if a == b {
        return;
    }
    let mut notes: [Vec<Touch>; 2] = [Vec::new(), Vec::new()];
    for (slot, (this, other)) in [(a, b), (b, a)].into_iter().enumerate() {
        for key in dbs[this].watch.keys() {
            let here = dbs[this].keys.get(key).is_some();
            if here || dbs[other].keys.get(key).is_some() {
                notes[slot].push(Touch { key: key.clone(), swap_absent: !here });
            }
        }
    }
    dbs.swap(a, b);
    let (lo, hi) = (a.min(b), a.max(b));
    let (left, right) = dbs.split_at_mut(hi);
    std::mem::swap(&mut left[lo].watch, &mut right[0].watch);
    let [na, nb] = notes;
    dbs[a].watch.touched.extend(na);
    dbs[b].watch.touched.extend(nb);
}

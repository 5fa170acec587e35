//! The crash checker's truth: digests of the model's states, the history
//! of them since the last durable point, and an independent reading of
//! what the simulated disk holds after a crash.
//!
//! # What a crash may leave
//! A state is the model's dataset after some prefix of the executed
//! commands (its `seq`). After a crash, the dataset the disk holds, and the
//! one the restarted engine loaded, must both equal the state after some
//! prefix `j` with `floor <= j <= now`, where `floor` is
//! - the state the last restart began from, or any later state whose
//!   propagated bytes an fsync the disk completed covers (every policy:
//!   what an fsync made durable must survive);
//! - under `appendfsync always`, also every state a client has seen a
//!   reply from (the gate releases a reply only once the fsync covering it
//!   completed: a released write must survive any later crash).
//!
//! A state that never existed (a later write without an earlier one, a
//! half-applied command) equals no prefix, so it fails too.
//!
//! # Offsets
//! The engine is run to quiescence per delivery, so the AOF offset is known
//! only after the last command of a delivery: that state gets the offset
//! ([`History::set_end`]); states in between count as durable only once a
//! later delivery's offset is covered (conservative: a weaker floor).
//!
//! # Digests
//! A state's digest is the XOR of one hash per live key (database, key,
//! type, content, expire time), encodings aside. Keys with an expire time
//! are kept apart, so that the digest of an old state can be taken at the
//! crash's time (a key alive then may have expired since).
//!
//! # Reading the disk
//! [`replay_disk`] reads the manifest and its files the way Redis 7.0's
//! loader does, but in the simulator's own code: RESP commands, the last
//! file's torn or zero-filled tail dropped, an unfinished MULTI rolled
//! back, every command applied to a fresh [`Model`]. The world does it
//! before the engine loads (the loader may truncate the files).

use std::collections::VecDeque;

use ferrodis_engine::aof::Manifest;
use ferrodis_persistence::Storage;

use crate::cmd::Cmd;
use crate::model::{Data, Db, Exec, Model, Out, Session};
use crate::resp::{Parsed, Val, Writer};
use crate::trace::TraceHash;

/// A state's digest: keys without an expire time, and the others apart.
#[derive(Clone, Debug, Default)]
pub struct Digest {
    persistent: u64,
    expiring: Vec<(i64, u64)>,
}

impl Digest {
    /// The digest of the live keys at `now_ms`.
    pub fn at(&self, now_ms: i64) -> u64 {
        self.expiring.iter().filter(|(at, _)| now_ms <= *at).fold(self.persistent, |d, (_, h)| d ^ h)
    }
}

fn entry_hash(db: usize, key: &[u8], data: &Data, expire_ms: Option<i64>) -> u64 {
    let mut h = TraceHash::default();
    h.u64(db as u64);
    h.bytes(key);
    h.u64(expire_ms.map_or(u64::MAX, |at| at as u64));
    match data {
        Data::Str { val, .. } => {
            h.u64(1);
            h.bytes(val);
        }
        Data::List(l) => {
            h.u64(2);
            h.u64(l.items.len() as u64);
            l.items.iter().for_each(|i| h.bytes(i));
        }
        Data::Hash(m) => {
            h.u64(3);
            let mut fields: Vec<_> = m.fields.iter().map(|f| (&f.name, &f.value)).collect();
            fields.sort();
            h.u64(fields.len() as u64);
            for (n, v) in fields {
                h.bytes(n);
                h.bytes(v);
            }
        }
        Data::Set(s) => {
            h.u64(4);
            h.u64(s.members.len() as u64);
            s.members.iter().for_each(|m| h.bytes(m));
        }
        Data::ZSet(z) => {
            h.u64(5);
            h.u64(z.scores.len() as u64);
            for (m, s) in &z.scores {
                h.bytes(m);
                // -0 and 0 are one score to Redis's replies and to a reload.
                h.u64(if *s == 0.0 { 0 } else { s.to_bits() });
            }
        }
    }
    h.0
}

/// The digest of `dbs` (every stored entry; [`Digest::at`] filters).
pub fn digest(dbs: &[Db]) -> Digest {
    let mut d = Digest::default();
    for (i, db) in dbs.iter().enumerate() {
        for (key, e) in &db.map {
            let h = entry_hash(i, key, &e.data, e.expire_ms);
            match e.expire_ms {
                None => d.persistent ^= h,
                Some(at) => d.expiring.push((at, h)),
            }
        }
    }
    d
}

/// Up to `max` keys on which two datasets differ at `now_ms`, for reports.
pub fn diff(a: &[Db], b: &[Db], now_ms: i64, max: usize) -> Vec<String> {
    let mut out = Vec::new();
    for (i, (da, db)) in a.iter().zip(b).enumerate() {
        let mut keys: Vec<&Vec<u8>> = da.live_keys(now_ms).map(|(k, _)| k).collect();
        keys.extend(db.live_keys(now_ms).map(|(k, _)| k));
        keys.sort();
        keys.dedup();
        for k in keys {
            let ha = da.get(k, now_ms).map(|e| entry_hash(i, k, &e.data, e.expire_ms));
            let hb = db.get(k, now_ms).map(|e| entry_hash(i, k, &e.data, e.expire_ms));
            if ha != hb && out.len() < max {
                let show = |d: &Db| {
                    d.get(k, now_ms).map_or("missing".into(), |e| format!("{:?} ttl {:?}", e.data, e.expire_ms))
                };
                out.push(format!("db{i} {}: {} vs {}", crate::cmd::render_bytes(k), show(da), show(db)));
            }
        }
    }
    out
}

struct State {
    seq: u64,
    /// The engine's AOF offset once this state's commands were propagated.
    end: Option<u64>,
    digest: Digest,
}

/// The states a crash may still leave (see the module doc).
#[derive(Default)]
pub struct History {
    states: VecDeque<State>,
    /// The earliest state a crash may leave.
    floor: u64,
}

impl History {
    /// Starts over from the state `seq` (durable: a restart's dataset).
    pub fn reset(&mut self, seq: u64, dbs: &[Db]) {
        self.states.clear();
        self.states.push_back(State { seq, end: Some(0), digest: digest(dbs) });
        self.floor = seq;
    }

    /// The model executed command `seq`, leaving `dbs`.
    pub fn push(&mut self, seq: u64, dbs: &[Db]) {
        self.states.push_back(State { seq, end: None, digest: digest(dbs) });
    }

    /// The latest state's commands are propagated through offset `end`.
    pub fn set_end(&mut self, end: u64) {
        if let Some(s) = self.states.back_mut() {
            s.end = Some(end);
        }
    }

    /// An fsync made everything through offset `through` durable.
    pub fn durable_through(&mut self, through: u64) {
        if let Some(s) = self.states.iter().rev().find(|s| s.end.is_some_and(|e| e <= through)) {
            self.raise_floor(s.seq);
        }
    }

    /// A client saw the reply of command `seq` (under `always`: durable).
    pub fn raise_floor(&mut self, seq: u64) {
        self.floor = self.floor.max(seq);
        while self.states.len() > 1 && self.states[1].seq <= self.floor {
            self.states.pop_front();
        }
    }

    pub fn floor(&self) -> u64 {
        self.floor
    }

    pub fn latest(&self) -> u64 {
        self.states.back().map_or(0, |s| s.seq)
    }

    /// The latest state at or after the floor whose digest at `now_ms` is
    /// `want`.
    pub fn find(&self, want: u64, now_ms: i64) -> Option<u64> {
        // The state in force at the floor is the last one with seq <= floor.
        let first = self.states.iter().rposition(|s| s.seq <= self.floor).unwrap_or(0);
        self.states.iter().skip(first).rev().find(|s| s.digest.at(now_ms) == want).map(|s| s.seq)
    }
}

/// A model fed with RESP commands, as the engine's loading client runs
/// them (MULTI buffered until EXEC).
pub struct Replayer {
    pub model: Model,
    sess: Session,
    multi: Option<Vec<Cmd>>,
    now_ms: i64,
    pub commands: u64,
}

impl Replayer {
    pub fn new(seq: u64, now_ms: i64) -> Replayer {
        let mut model = Model::new();
        model.seq = seq;
        Replayer { model, sess: Session::default(), multi: None, now_ms, commands: 0 }
    }

    /// Applies one command; an error reply is an `Err` (the engine's
    /// loader stops on one too).
    pub fn apply(&mut self, cmd: Cmd) -> Result<(), String> {
        let name = cmd.arg(0).to_ascii_lowercase();
        if name == b"multi" {
            self.multi = Some(Vec::new());
            return Ok(());
        }
        if name == b"exec" {
            for c in self.multi.take().unwrap_or_default() {
                self.run(&c)?;
            }
            return Ok(());
        }
        if let Some(q) = self.multi.as_mut() {
            q.push(cmd);
            return Ok(());
        }
        self.run(&cmd)
    }

    fn run(&mut self, cmd: &Cmd) -> Result<(), String> {
        self.commands += 1;
        let mut reply = Vec::new();
        let mut out = Out { w: Writer { buf: &mut reply }, prop: None, time_sensitive: false, close: false };
        let mut cx = Exec { sess: &mut self.sess, now_ms: self.now_ms, scan: None, observed: None };
        self.model.apply(cmd, &mut cx, &mut out);
        if reply.first() == Some(&b'-') {
            return Err(format!("`{}` failed: {}", cmd.render(), String::from_utf8_lossy(&reply)));
        }
        Ok(())
    }

    /// Feeds `bytes` (whole RESP commands); returns how many bytes parsed
    /// whole, and whether parsing stopped early (a torn or bad tail).
    pub fn feed(&mut self, bytes: &[u8]) -> Result<(usize, bool), String> {
        let mut pos = 0;
        while pos < bytes.len() {
            match crate::resp::parse(&bytes[pos..]) {
                Parsed::Done(Val::Array(Some(items)), used) if !items.is_empty() => {
                    let mut cmd = Cmd::new();
                    for it in items {
                        match it {
                            Val::Bulk(Some(b)) => cmd.push(&b),
                            _ => return Ok((pos, true)),
                        }
                    }
                    self.apply(cmd)?;
                    pos += used;
                }
                _ => return Ok((pos, true)),
            }
        }
        Ok((pos, false))
    }

    /// An unfinished MULTI at the end of the data is rolled back.
    pub fn finish(&mut self) {
        self.multi = None;
    }
}

fn read_all(disk: &mut impl Storage, name: &str) -> Result<Vec<u8>, String> {
    let len = disk.len(name).map_err(|e| e.to_string())?.ok_or_else(|| format!("{name} does not exist"))?;
    let mut buf = vec![0u8; len as usize];
    let n = disk.read_at(name, 0, &mut buf).map_err(|e| e.to_string())?;
    buf.truncate(n);
    Ok(buf)
}

/// What the disk holds (see the module doc): the dataset, or why a
/// correct loader must refuse it.
pub fn replay_disk(disk: &mut impl Storage, prefix: &str, seq: u64, now_ms: i64) -> Result<Replayer, String> {
    let mut r = Replayer::new(seq, now_ms);
    let manifest_name = Manifest::file_name(prefix);
    if disk.len(&manifest_name).map_err(|e| e.to_string())?.is_none() {
        return Ok(r);
    }
    let text = read_all(disk, &manifest_name)?;
    let manifest = Manifest::parse(&text, prefix).map_err(|e| format!("manifest: {e:?}"))?;
    let files: Vec<String> = manifest.load_order().map(|f| f.name.clone()).collect();
    for (i, name) in files.iter().enumerate() {
        let bytes = read_all(disk, name)?;
        let (used, torn) = r.feed(&bytes)?;
        if torn && i + 1 < files.len() {
            return Err(format!("{name} is cut at byte {used} of {} and is not the last file", bytes.len()));
        }
    }
    r.finish();
    Ok(r)
}

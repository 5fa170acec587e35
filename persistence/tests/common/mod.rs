//! Helpers shared by the persistence tests: RESP encoding, an AOF directory
//! in memory, an engine client, and a canonical dump of a dataset (every
//! database, key, type, content in a fixed order, TTL) to compare two
//! engines by.
#![allow(dead_code)]

use std::collections::BTreeMap;

use bytes::Bytes;
use ferrodis_engine::db::{Db, Value};
use ferrodis_engine::ring::ClientInfo;
use ferrodis_engine::{Config, ConnId, Engine};
use ferrodis_persistence::MemStorage;

pub const PREFIX: &str = "appendonly.aof";
pub const MANIFEST: &str = "appendonly.aof.manifest";
pub const BASE: &str = "appendonly.aof.1.base.aof";
pub const INCR: &str = "appendonly.aof.1.incr.aof";

/// One command as a RESP multibulk.
pub fn encode<A: AsRef<[u8]>>(args: &[A]) -> Vec<u8> {
    let mut out = format!("*{}\r\n", args.len()).into_bytes();
    for a in args {
        let a = a.as_ref();
        out.extend_from_slice(format!("${}\r\n", a.len()).as_bytes());
        out.extend_from_slice(a);
        out.extend_from_slice(b"\r\n");
    }
    out
}

pub fn args(line: &[&[u8]]) -> Vec<Bytes> {
    line.iter().map(|a| Bytes::copy_from_slice(a)).collect()
}

/// A directory with a base and one incr file named by a manifest.
pub fn dir(base: &[u8], incr: &[u8]) -> MemStorage {
    let manifest = format!("file {BASE} seq 1 type b\nfile {INCR} seq 1 type i\n");
    MemStorage::with_files([
        (MANIFEST.to_string(), manifest.into_bytes()),
        (BASE.to_string(), base.to_vec()),
        (INCR.to_string(), incr.to_vec()),
    ])
}

pub fn aof_config() -> Config {
    Config { appendonly: true, ..Config::default() }
}

pub fn open(engine: &mut Engine, now_ms: u64) -> ConnId {
    engine.handle_open(ClientInfo::default(), now_ms).expect("below maxclients")
}

/// Sends one command on `conn`; returns the raw reply it produced.
pub fn send<A: AsRef<[u8]>>(engine: &mut Engine, conn: ConnId, args: &[A], now_ms: u64) -> Vec<u8> {
    if let Some(buf) = engine.read_buf_mut(conn) {
        buf.extend_from_slice(&encode(args));
        engine.handle_read(conn, now_ms);
    }
    let out = engine.pending_output(conn).to_vec();
    engine.consume_output(conn, out.len(), now_ms);
    out
}

/// Sends one command from a fresh connection (database 0); returns the
/// raw reply.
pub fn query<A: AsRef<[u8]>>(engine: &mut Engine, args: &[A], now_ms: u64) -> Vec<u8> {
    let conn = open(engine, now_ms);
    let out = send(engine, conn, args, now_ms);
    engine.handle_peer_closed(conn, now_ms);
    out
}

/// Every key of every database: (db, key) -> "type content... ttl".
/// Unordered collections are sorted; zset scores are compared bit for bit.
pub fn dump(engine: &Engine) -> BTreeMap<(usize, Vec<u8>), String> {
    dump_dbs(engine.executor().dbs())
}

pub fn dump_dbs(dbs: &[Db]) -> BTreeMap<(usize, Vec<u8>), String> {
    let mut out = BTreeMap::new();
    for (i, db) in dbs.iter().enumerate() {
        db.for_each(|key, value| {
            let content = match value {
                Value::Str(s) => format!("string {:?}", s.to_vec()),
                Value::List(l) => format!("list {:?}", l.iter().map(<[u8]>::to_vec).collect::<Vec<_>>()),
                Value::Set(s) => {
                    let mut m = s.members();
                    m.sort();
                    format!("set {m:?}")
                }
                Value::Hash(h) => {
                    let mut pairs = Vec::new();
                    h.for_each(|f, v| pairs.push((f.to_vec(), v.to_vec())));
                    pairs.sort();
                    format!("hash {pairs:?}")
                }
                Value::ZSet(z) => {
                    let items: Vec<_> = z.iter_from(0, false).map(|n| (n.member.to_vec(), n.score.to_bits())).collect();
                    format!("zset {items:?}")
                }
            };
            out.insert((i, key.to_vec()), format!("{content} ttl {:?}", db.expire_at(key)));
        });
    }
    out
}
